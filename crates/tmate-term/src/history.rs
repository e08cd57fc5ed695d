//! `History`: the lines that scrolled off a pane's normal screen, kept compactly (each line's
//! characters as UTF-8 plus runs of equal attributes, packed into shared byte blocks) instead
//! of alacritty's 24-byte grid cells; every cell comes back exactly as it went in.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use alacritty_terminal::term::cell::{Cell as AlaCell, CellExtra, Flags};
use alacritty_terminal::vte::ansi::{Color as AlaColor, NamedColor, Rgb};

/// Bytes per block: lines are packed into blocks of about this size, so a line costs its
/// encoding plus four bytes, and at most one block is partly empty.
const BLOCK_BYTES: usize = 16 * 1024;

/// One block of encoded lines: `ends[i]` is where line `i` ends in `data`.
#[derive(Clone, Default)]
struct Block {
    data: Vec<u8>,
    ends: Vec<u32>,
}

/// A line's cells with extra storage: (column, extra).
type LineExtras = Box<[(u16, Arc<CellExtra>)]>;

/// Scrolled-off lines, oldest first, at most `limit` of them (the oldest are dropped first).
#[derive(Clone)]
pub(crate) struct History {
    blocks: VecDeque<Block>,
    /// Lines at the front of the first block already dropped.
    skip: usize,
    len: usize,
    limit: usize,
    /// Sequence number of the oldest kept line (numbers `extras` keys).
    first_seq: u64,
    /// Cells with extra storage (combining marks, underline colour, hyperlink), by line
    /// sequence number: rare, so kept aside rather than in every line's encoding.
    extras: BTreeMap<u64, LineExtras>,
    /// Reused encoding buffer.
    scratch: Vec<u8>,
    /// Reused attribute runs of the line being encoded: (length, first cell's index).
    runs: Vec<(usize, usize)>,
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Reads an encoded line; every read is checked (a bad encoding reads as the end of the line).
struct Reader<'a> {
    data: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.data.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn varint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }

    fn color(&mut self) -> Option<AlaColor> {
        Some(match self.byte()? {
            0 => AlaColor::Named(NamedColor::Foreground),
            1 => AlaColor::Named(NamedColor::Background),
            2 => {
                let n = u16::from(self.byte()?) | (u16::from(self.byte()?) << 8);
                AlaColor::Named(named_from(n)?)
            }
            3 => AlaColor::Spec(Rgb {
                r: self.byte()?,
                g: self.byte()?,
                b: self.byte()?,
            }),
            _ => AlaColor::Indexed(self.byte()?),
        })
    }

    fn char(&mut self) -> Option<char> {
        let rest = self.data.get(self.at..)?;
        let len = match *rest.first()? {
            b if b < 0x80 => 1,
            b if b >= 0xf0 => 4,
            b if b >= 0xe0 => 3,
            _ => 2,
        };
        let c = std::str::from_utf8(rest.get(..len)?).ok()?.chars().next()?;
        self.at += len;
        Some(c)
    }
}

fn put_color(out: &mut Vec<u8>, color: AlaColor) {
    match color {
        AlaColor::Named(NamedColor::Foreground) => out.push(0),
        AlaColor::Named(NamedColor::Background) => out.push(1),
        AlaColor::Named(named) => {
            let n = named as u16;
            out.extend_from_slice(&[2, (n & 0xff) as u8, (n >> 8) as u8]);
        }
        AlaColor::Spec(rgb) => out.extend_from_slice(&[3, rgb.r, rgb.g, rgb.b]),
        AlaColor::Indexed(i) => out.extend_from_slice(&[4, i]),
    }
}

/// The named colour numbered `n` (its discriminant).
fn named_from(n: u16) -> Option<NamedColor> {
    use NamedColor::*;
    const ALL: [NamedColor; 29] = [
        Black,
        Red,
        Green,
        Yellow,
        Blue,
        Magenta,
        Cyan,
        White,
        BrightBlack,
        BrightRed,
        BrightGreen,
        BrightYellow,
        BrightBlue,
        BrightMagenta,
        BrightCyan,
        BrightWhite,
        Foreground,
        Background,
        Cursor,
        DimBlack,
        DimRed,
        DimGreen,
        DimYellow,
        DimBlue,
        DimMagenta,
        DimCyan,
        DimWhite,
        BrightForeground,
        DimForeground,
    ];
    ALL.into_iter().find(|c| *c as u16 == n)
}

/// Cells with the same colours and flags form a run.
#[inline]
fn same_attrs(a: &AlaCell, b: &AlaCell) -> bool {
    a.fg == b.fg && a.bg == b.bg && a.flags == b.flags
}

impl History {
    pub(crate) fn new(limit: usize) -> Self {
        History {
            blocks: VecDeque::new(),
            skip: 0,
            len: 0,
            limit,
            first_seq: 0,
            extras: BTreeMap::new(),
            scratch: Vec::new(),
            runs: Vec::new(),
        }
    }

    /// Keep at most `limit` lines from now on (the oldest go now if there are more).
    pub(crate) fn set_limit(&mut self, limit: usize) {
        self.limit = limit;
        while self.len > self.limit {
            self.drop_oldest();
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub(crate) fn clear(&mut self) {
        self.blocks.clear();
        self.skip = 0;
        self.len = 0;
        self.first_seq = 0;
        self.extras.clear();
        self.scratch = Vec::new();
        self.runs = Vec::new();
    }

    /// Heap bytes held (blocks, line ends, extras), for memory accounting.
    pub(crate) fn heap_bytes(&self) -> usize {
        let blocks: usize = self
            .blocks
            .iter()
            .map(|b| b.data.capacity() + b.ends.capacity() * 4)
            .sum();
        let extras: usize = self
            .extras
            .values()
            .map(|e| e.len() * std::mem::size_of::<(u16, Arc<CellExtra>)>() + 64)
            .sum();
        blocks
            + extras
            + self.blocks.capacity() * std::mem::size_of::<Block>()
            + self.scratch.capacity()
            + self.runs.capacity() * std::mem::size_of::<(usize, usize)>()
    }

    /// Append a line (its cells left to right; the row's width is not kept: a line reads back
    /// with as many cells as asked, default cells past what was stored). `trim` rebuilds a
    /// cell's extra storage before it is kept (the caller's cap on combining marks).
    pub(crate) fn push(&mut self, cells: &[AlaCell], trim: impl Fn(&AlaCell) -> AlaCell) {
        if self.limit == 0 {
            return;
        }
        let blank = AlaCell::default();
        let stored = cells
            .iter()
            .rposition(|c| *c != blank)
            .map_or(0, |last| last + 1);
        let cells = cells.get(..stored).unwrap_or(cells);
        let mut out = std::mem::take(&mut self.scratch);
        out.clear();
        put_varint(&mut out, stored as u64);
        // Runs as (length, first cell's index), in a buffer kept between lines: a line is pushed
        // for every line a flood scrolls, so no allocation here.
        let mut runs = std::mem::take(&mut self.runs);
        runs.clear();
        let mut run_start = 0;
        for (at, cell) in cells.iter().enumerate() {
            if let Some(first) = cells.get(run_start)
                && !same_attrs(first, cell)
            {
                runs.push((at - run_start, run_start));
                run_start = at;
            }
        }
        if run_start < cells.len() {
            runs.push((cells.len() - run_start, run_start));
        }
        put_varint(&mut out, runs.len() as u64);
        for &(n, first) in &runs {
            if let Some(cell) = cells.get(first) {
                put_varint(&mut out, n as u64);
                put_color(&mut out, cell.fg);
                put_color(&mut out, cell.bg);
                put_varint(&mut out, u64::from(cell.flags.bits()));
            }
        }
        self.runs = runs;
        let mut extras = Vec::new();
        let mut buf = [0u8; 4];
        for (col, cell) in cells.iter().enumerate() {
            if cell.c.is_ascii() {
                out.push(cell.c as u8);
            } else {
                out.extend_from_slice(cell.c.encode_utf8(&mut buf).as_bytes());
            }
            if cell.extra.is_some() {
                let kept = trim(cell);
                if let (Some(extra), Ok(col)) = (kept.extra, u16::try_from(col)) {
                    extras.push((col, extra));
                }
            }
        }
        let seq = self.first_seq + self.len as u64;
        if !extras.is_empty() {
            self.extras.insert(seq, extras.into_boxed_slice());
        }
        self.append(out);
    }

    /// Append a row of plain text in the default colours (`text`: one ASCII byte per cell,
    /// a space where nothing was written), wrapped or not: the same line `push` keeps for
    /// those cells, encoded without them (`flood.rs`).
    pub(crate) fn push_plain(&mut self, text: &[u8], wrapped: bool) {
        if self.limit == 0 {
            return;
        }
        let blank = AlaCell::default();
        // As `push`: up to the last cell that is not a default blank (a wrapped row's last
        // cell carries WRAPLINE).
        let stored = if wrapped {
            text.len()
        } else {
            text.iter()
                .rposition(|&b| b != b' ')
                .map_or(0, |last| last + 1)
        };
        let text = text.get(..stored).unwrap_or(text);
        let mut out = std::mem::take(&mut self.scratch);
        out.clear();
        put_varint(&mut out, stored as u64);
        let put_run = |out: &mut Vec<u8>, n: usize, flags: Flags| {
            put_varint(out, n as u64);
            put_color(out, blank.fg);
            put_color(out, blank.bg);
            put_varint(out, u64::from(flags.bits()));
        };
        match (stored, wrapped) {
            (0, _) => put_varint(&mut out, 0),
            (1, true) => {
                put_varint(&mut out, 1);
                put_run(&mut out, 1, Flags::WRAPLINE);
            }
            (n, true) => {
                put_varint(&mut out, 2);
                put_run(&mut out, n - 1, Flags::empty());
                put_run(&mut out, 1, Flags::WRAPLINE);
            }
            (n, false) => {
                put_varint(&mut out, 1);
                put_run(&mut out, n, Flags::empty());
            }
        }
        out.extend_from_slice(text);
        self.append(out);
    }

    /// Store one encoded line (its extras already filed under its sequence number).
    fn append(&mut self, out: Vec<u8>) {
        let fits = self
            .blocks
            .back()
            .is_some_and(|b| b.data.len() + out.len() <= BLOCK_BYTES);
        if !fits {
            // Grown as lines come (doubling stops at the block size, so a full block wastes
            // nothing, and a short history does not hold a whole block).
            self.blocks.push_back(Block::default());
        }
        if let Some(block) = self.blocks.back_mut() {
            let needed = block.data.len() + out.len();
            if needed > block.data.capacity() {
                // Powers of two up to the block size: a full block holds no spare capacity.
                let target = needed.next_power_of_two().min(BLOCK_BYTES.max(needed));
                block.data.reserve_exact(target - block.data.len());
            }
            block.data.extend_from_slice(&out);
            block
                .ends
                .push(u32::try_from(block.data.len()).unwrap_or(u32::MAX));
        }
        self.scratch = out;
        self.len += 1;
        while self.len > self.limit {
            self.drop_oldest();
        }
    }

    fn drop_oldest(&mut self) {
        self.extras.remove(&self.first_seq);
        self.first_seq += 1;
        self.len -= 1;
        self.skip += 1;
        if self
            .blocks
            .front()
            .is_some_and(|b| self.skip >= b.ends.len())
        {
            self.blocks.pop_front();
            self.skip = 0;
        }
    }

    /// The encoded bytes of line `i` (0 = oldest).
    fn encoded(&self, i: usize) -> Option<&[u8]> {
        let mut index = self.skip.checked_add(i)?;
        for block in &self.blocks {
            if index < block.ends.len() {
                let start = match index.checked_sub(1) {
                    Some(prev) => *block.ends.get(prev)? as usize,
                    None => 0,
                };
                let end = *block.ends.get(index)? as usize;
                return block.data.get(start..end);
            }
            index -= block.ends.len();
        }
        None
    }

    /// Line `i` (0 = oldest) into `out`, exactly `cols` cells (cells past the stored ones are
    /// defaults; stored ones past `cols` are cut); false when there is no such line.
    pub(crate) fn line_into(&self, i: usize, cols: usize, out: &mut Vec<AlaCell>) -> bool {
        if i >= self.len {
            return false;
        }
        out.clear();
        if let Some(data) = self.encoded(i) {
            decode(data, cols, out);
        }
        if let Some(extras) = self.extras.get(&(self.first_seq + i as u64)) {
            for (col, extra) in extras.iter() {
                if let Some(cell) = out.get_mut(usize::from(*col)) {
                    cell.extra = Some(Arc::clone(extra));
                }
            }
        }
        out.resize(cols, AlaCell::default());
        true
    }
}

fn decode(data: &[u8], cols: usize, out: &mut Vec<AlaCell>) {
    let mut r = Reader { data, at: 0 };
    let Some(stored) = r.varint().and_then(|n| usize::try_from(n).ok()) else {
        return;
    };
    let Some(nruns) = r.varint() else {
        return;
    };
    let mut runs = Vec::new();
    for _ in 0..nruns {
        let (Some(n), Some(fg), Some(bg), Some(flags)) =
            (r.varint(), r.color(), r.color(), r.varint())
        else {
            return;
        };
        let flags = Flags::from_bits_retain(u16::try_from(flags).unwrap_or(0));
        runs.push((n, fg, bg, flags));
    }
    let stored = stored.min(cols);
    'runs: for (n, fg, bg, flags) in runs {
        for _ in 0..n {
            if out.len() >= stored {
                break 'runs;
            }
            let Some(c) = r.char() else {
                break 'runs;
            };
            out.push(AlaCell {
                c,
                fg,
                bg,
                flags,
                extra: None,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(c: char, fg: AlaColor, flags: Flags) -> AlaCell {
        AlaCell {
            c,
            fg,
            flags,
            ..AlaCell::default()
        }
    }

    #[test]
    fn plain_rows_encode_as_their_cells_do() {
        let rows: [(&[u8], bool); 7] = [
            (b"hello world         ", false),
            (b"                    ", false),
            (b"                    ", true),
            (b"wrapped row of text!", true),
            (b"x", true),
            (b" ", false),
            (b"  indented  ", false),
        ];
        for (text, wrapped) in rows {
            let mut cells: Vec<AlaCell> = text
                .iter()
                .map(|&b| AlaCell {
                    c: char::from(b),
                    ..AlaCell::default()
                })
                .collect();
            if wrapped && let Some(last) = cells.last_mut() {
                last.flags.insert(Flags::WRAPLINE);
            }
            let mut from_cells = History::new(10);
            from_cells.push(&cells, AlaCell::clone);
            let mut from_text = History::new(10);
            from_text.push_plain(text, wrapped);
            assert_eq!(
                from_text.encoded(0),
                from_cells.encoded(0),
                "{:?} wrapped {wrapped}",
                String::from_utf8_lossy(text)
            );
        }
    }

    #[test]
    fn lines_round_trip_and_the_oldest_go_first() {
        let mut h = History::new(3);
        let a = vec![
            cell('a', AlaColor::Indexed(200), Flags::BOLD),
            cell(
                'é',
                AlaColor::Spec(Rgb { r: 1, g: 2, b: 3 }),
                Flags::empty(),
            ),
            cell('漢', AlaColor::Named(NamedColor::DimRed), Flags::WIDE_CHAR),
            cell(
                ' ',
                AlaColor::Named(NamedColor::Foreground),
                Flags::WIDE_CHAR_SPACER,
            ),
        ];
        for i in 0..5 {
            let mut line = a.clone();
            line[0].c = char::from(b'0' + i);
            h.push(&line, Clone::clone);
        }
        assert_eq!(h.len(), 3);
        let mut out = Vec::new();
        assert!(h.line_into(0, 6, &mut out));
        assert_eq!(out[0].c, '2');
        assert_eq!(&out[1..4], &a[1..4]);
        assert_eq!(out[4], AlaCell::default());
        assert_eq!(out.len(), 6);
        assert!(h.line_into(2, 2, &mut out));
        assert_eq!(out[0].c, '4');
        assert_eq!(out.len(), 2);
        assert!(!h.line_into(3, 2, &mut out));
    }

    #[test]
    fn eighty_columns_of_text_cost_under_a_hundred_bytes() {
        let mut h = History::new(2000);
        let line: Vec<AlaCell> = (0..80)
            .map(|i| {
                cell(
                    char::from(b'a' + (i % 26) as u8),
                    AlaColor::Named(NamedColor::Foreground),
                    Flags::empty(),
                )
            })
            .collect();
        for _ in 0..2000 {
            h.push(&line, Clone::clone);
        }
        assert!(h.heap_bytes() < 2000 * 100, "{}", h.heap_bytes());
    }
}
