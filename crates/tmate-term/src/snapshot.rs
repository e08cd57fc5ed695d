//! tmate SNAPSHOT (protocol spec 3.14) to escape sequences: the grid lines with their tmux 2.2
//! cell attributes, the cursor, the alternate screen and the screen modes, as a byte stream that
//! rebuilds the pane when fed to a fresh engine.

use std::fmt::Write as _;

use tmate_proto::{PaneSnapshot, SnapshotGrid, SnapshotLine};
use unicode_width::UnicodeWidthChar;

use crate::sgr;
use crate::style::{Attrs, Color, Style};

/// tmux 2.2 `GRID_ATTR_*` bits (the `attr` byte of a snapshot cell).
const ATTR_BRIGHT: u64 = 0x01;
const ATTR_DIM: u64 = 0x02;
const ATTR_UNDERSCORE: u64 = 0x04;
const ATTR_BLINK: u64 = 0x08;
const ATTR_REVERSE: u64 = 0x10;
const ATTR_HIDDEN: u64 = 0x20;
const ATTR_ITALICS: u64 = 0x40;
const ATTR_CHARSET: u64 = 0x80;

/// tmux 2.2 `GRID_FLAG_*` bits (the `flags` byte).
const FLAG_FG256: u64 = 0x01;
const FLAG_BG256: u64 = 0x02;
const FLAG_PADDING: u64 = 0x04;

/// tmux 2.2 `MODE_*` bits of `screen_mode`.
const MODE_CURSOR: u64 = 0x1;
const MODE_INSERT: u64 = 0x2;
const MODE_KCURSOR: u64 = 0x4;
const MODE_KKEYPAD: u64 = 0x8;
const MODE_WRAP: u64 = 0x10;
const MODE_MOUSE_STANDARD: u64 = 0x20;
const MODE_MOUSE_BUTTON: u64 = 0x40;
const MODE_MOUSE_UTF8: u64 = 0x100;
const MODE_MOUSE_SGR: u64 = 0x200;
const MODE_BRACKETPASTE: u64 = 0x400;
const MODE_FOCUSON: u64 = 0x800;

/// Decode one tmux 2.2 cell attribute word `flags<<24 | attr<<16 | bg<<8 | fg`.
pub(crate) fn decode_attr_word(word: u64) -> (Style, bool) {
    let fg = word & 0xff;
    let bg = (word >> 8) & 0xff;
    let attr = (word >> 16) & 0xff;
    let flags = (word >> 24) & 0xff;
    let style = Style {
        fg: decode_colour(fg, flags & FLAG_FG256 != 0),
        bg: decode_colour(bg, flags & FLAG_BG256 != 0),
        attrs: Attrs {
            bold: attr & ATTR_BRIGHT != 0,
            dim: attr & ATTR_DIM != 0,
            italic: attr & ATTR_ITALICS != 0,
            underline: attr & ATTR_UNDERSCORE != 0,
            blink: attr & ATTR_BLINK != 0,
            reverse: attr & ATTR_REVERSE != 0,
            hidden: attr & ATTR_HIDDEN != 0,
            strike: false,
        },
    };
    (style, attr & ATTR_CHARSET != 0)
}

/// A tmux 2.2 colour byte: 0-7 normal, 8 default, 90-97 bright foreground, 100-107 bright
/// background; with the 256 flag, a palette index.
fn decode_colour(value: u64, is256: bool) -> Color {
    let v = (value & 0xff) as u8;
    if is256 {
        return Color::Indexed(v);
    }
    match v {
        0..=7 => Color::Indexed(v),
        90..=97 => Color::Indexed(v - 90 + 8),
        100..=107 => Color::Indexed(v - 100 + 8),
        _ => Color::Default,
    }
}

/// The DEC special graphics character for `c` (cells with the ACS attribute store the ASCII
/// letter, e.g. `q` for a horizontal line).
fn acs_char(c: char) -> char {
    match c {
        '`' => '◆',
        'a' => '▒',
        'f' => '°',
        'g' => '±',
        'j' => '┘',
        'k' => '┐',
        'l' => '┌',
        'm' => '└',
        'n' => '┼',
        'o' => '⎺',
        'p' => '⎻',
        'q' => '─',
        'r' => '⎼',
        's' => '⎽',
        't' => '├',
        'u' => '┤',
        'v' => '┴',
        'w' => '┬',
        'x' => '│',
        'y' => '≤',
        'z' => '≥',
        '{' => 'π',
        '|' => '≠',
        '}' => '£',
        '~' => '·',
        other => other,
    }
}

/// One snapshot cell: its grapheme (empty for padding) and style.
struct SnapCell {
    text: String,
    style: Style,
}

/// Split a line's text into graphemes (a character plus the zero-width ones after it) and pair
/// them with the attribute words.
///
/// How padding cells (the right halves of wide characters) appear is not pinned down (spec 3.14
/// marks it UNSURE): tmux 2.2 may give them a byte of text or none. Both are handled: when there
/// are as many graphemes as attribute words, padding cells consume (and drop) their grapheme;
/// otherwise they consume none. Extra graphemes get the default style; extra attributes are
/// ignored.
fn line_cells(line: &SnapshotLine) -> Vec<SnapCell> {
    let text = String::from_utf8_lossy(line.text.as_bytes());
    let mut graphemes: Vec<String> = Vec::new();
    for c in text.chars() {
        if c.is_control() {
            graphemes.push(" ".to_owned());
            continue;
        }
        match (UnicodeWidthChar::width(c), graphemes.last_mut()) {
            (Some(0), Some(last)) => last.push(c),
            (Some(0), None) => {}
            _ => graphemes.push(c.to_string()),
        }
    }
    let padding_has_text = graphemes.len() == line.attrs.len();
    let mut cells = Vec::with_capacity(graphemes.len());
    let mut chars = graphemes.into_iter();
    for &word in &line.attrs {
        let is_padding = (word >> 24) & FLAG_PADDING != 0;
        if is_padding {
            if padding_has_text {
                chars.next();
            }
            continue;
        }
        let Some(g) = chars.next() else {
            break;
        };
        let (style, acs) = decode_attr_word(word);
        let text = if acs {
            g.chars().map(acs_char).collect()
        } else {
            g
        };
        cells.push(SnapCell { text, style });
    }
    for g in chars {
        cells.push(SnapCell {
            text: g,
            style: Style::default(),
        });
    }
    cells
}

/// Draw one line from the cursor's current position (column 0), at most `cols` columns wide.
fn emit_line(out: &mut Vec<u8>, line: &SnapshotLine, cols: usize, pen: &mut Style) {
    let mut used = 0usize;
    for cell in line_cells(line) {
        let width = cell
            .text
            .chars()
            .next()
            .and_then(UnicodeWidthChar::width)
            .unwrap_or(1)
            .max(1);
        if used + width > cols {
            break;
        }
        if cell.style != *pen {
            sgr::write_sgr_change(out, pen, &cell.style);
            *pen = cell.style;
        }
        out.extend_from_slice(cell.text.as_bytes());
        used += width;
    }
}

/// Draw lines top to bottom from the home position; lines past the screen height scroll the
/// earlier ones into history, so the last `rows` lines end up on screen.
fn emit_scrolling(out: &mut Vec<u8>, lines: &[&SnapshotLine], cols: usize, pen: &mut Style) {
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b"\r\n");
        }
        emit_line(out, line, cols, pen);
    }
}

fn emit_cursor(out: &mut Vec<u8>, cx: i64, cy: i64, cols: usize, rows: usize) {
    let x = usize::try_from(cx).unwrap_or(0).min(cols.saturating_sub(1));
    let y = usize::try_from(cy).unwrap_or(0).min(rows.saturating_sub(1));
    let _ = write!(Text(out), "\x1b[{};{}H", y + 1, x + 1);
}

/// Adapts a byte vector to `fmt::Write` for the few formatted escapes.
struct Text<'a>(&'a mut Vec<u8>);

impl std::fmt::Write for Text<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

fn visible_split(grid: &SnapshotGrid, rows: usize) -> (Vec<&SnapshotLine>, Vec<&SnapshotLine>) {
    let split = grid.lines.len().saturating_sub(rows);
    let (history, visible) = grid.lines.split_at(split);
    (history.iter().collect(), visible.iter().collect())
}

/// The escape-sequence stream that rebuilds `snapshot` on a fresh `cols` x `rows` terminal.
pub(crate) fn snapshot_to_ansi(snapshot: &PaneSnapshot, cols: usize, rows: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut pen = Style::default();
    // Autowrap stays off while drawing so that a line exactly as wide as the screen cannot wrap
    // when followed by CR LF in any engine.
    out.extend_from_slice(b"\x1b[?7l");
    match &snapshot.saved {
        None => {
            let lines: Vec<&SnapshotLine> = snapshot.grid.lines.iter().collect();
            emit_scrolling(&mut out, &lines, cols, &mut pen);
        }
        Some(saved) => {
            // In the alternate screen tmux keeps the normal screen's history in the grid (its
            // last `rows` lines are the alternate screen) and the normal screen's visible lines
            // in the saved grid. Rebuild the normal screen first, then switch.
            let (history, alternate) = visible_split(&snapshot.grid, rows);
            let mut normal = history;
            normal.extend(saved.lines.iter());
            emit_scrolling(&mut out, &normal, cols, &mut pen);
            out.extend_from_slice(b"\x1b[0m");
            pen = Style::default();
            emit_cursor(&mut out, saved.cx, saved.cy, cols, rows);
            out.extend_from_slice(b"\x1b[?1049h\x1b[H");
            for (y, line) in alternate.iter().enumerate() {
                let _ = write!(Text(&mut out), "\x1b[{};1H", y + 1);
                emit_line(&mut out, line, cols, &mut pen);
            }
        }
    }
    out.extend_from_slice(b"\x1b[0m");
    emit_cursor(&mut out, snapshot.grid.cx, snapshot.grid.cy, cols, rows);
    let mode = snapshot.mode;
    let set = |out: &mut Vec<u8>, on: bool, code: &str| {
        let _ = write!(Text(out), "\x1b[?{}{}", code, if on { 'h' } else { 'l' });
    };
    set(&mut out, mode & MODE_WRAP != 0, "7");
    set(&mut out, mode & MODE_CURSOR != 0, "25");
    set(&mut out, mode & MODE_KCURSOR != 0, "1");
    if mode & MODE_MOUSE_STANDARD != 0 {
        set(&mut out, true, "1000");
    }
    if mode & MODE_MOUSE_BUTTON != 0 {
        set(&mut out, true, "1002");
    }
    if mode & MODE_MOUSE_UTF8 != 0 {
        set(&mut out, true, "1005");
    }
    if mode & MODE_MOUSE_SGR != 0 {
        set(&mut out, true, "1006");
    }
    if mode & MODE_BRACKETPASTE != 0 {
        set(&mut out, true, "2004");
    }
    if mode & MODE_FOCUSON != 0 {
        set(&mut out, true, "1004");
    }
    if mode & MODE_KKEYPAD != 0 {
        out.extend_from_slice(b"\x1b=");
    }
    if mode & MODE_INSERT != 0 {
        out.extend_from_slice(b"\x1b[4h");
    }
    out
}
