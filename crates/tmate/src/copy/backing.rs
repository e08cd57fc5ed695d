//! The lines copy mode works on (tmux 3.3a's `data->backing`): a copy of the pane's history and
//! screen taken on entering (`window_copy_clone_screen`), so output arriving while in copy mode
//! does not move the text; or, for view mode, lines written by the server (run-shell output,
//! config errors: `window_copy_add`). `Grid` reads it for the movements and searches.

use std::collections::VecDeque;

use tmate_term::{Cell, GridLine, PaneTerm, Style};

/// At most this many lines of history in a view-mode backing (tmux keeps all of them; a
/// command printing without end would otherwise grow the server without bound).
pub const VIEW_HISTORY: usize = 10_000;

/// A view-mode line is cut at this many bytes before it is written.
const MAX_LINE_BYTES: usize = 64 * 1024;

/// History plus screen rows, oldest first; the last `sy` lines are the screen.
#[derive(Debug, Clone, Default)]
pub struct Backing {
    lines: VecDeque<GridLine>,
    sx: usize,
    sy: usize,
    /// View mode: the screen row the last line was written on.
    wcy: usize,
    /// View mode: a line was written (the next one starts on a new line).
    written: bool,
}

static EMPTY: GridLine = GridLine {
    cells: Vec::new(),
    wrapped: false,
};

impl Backing {
    /// A copy of the pane's history and screen as they are now.
    pub fn from_pane(term: &PaneTerm) -> Backing {
        let (sx, sy) = term.size();
        let total = term.total_lines();
        let lines = (0..total)
            .map(|y| term.grid_line(y).unwrap_or_default())
            .collect();
        Backing {
            lines,
            sx: usize::from(sx),
            sy: usize::from(sy).max(1),
            wcy: 0,
            written: false,
        }
    }

    /// An empty `sx` x `sy` screen for view mode.
    pub fn empty(sx: u16, sy: u16) -> Backing {
        let sy = usize::from(sy).max(1);
        Backing {
            lines: (0..sy).map(|_| GridLine::default()).collect(),
            sx: usize::from(sx),
            sy,
            wcy: 0,
            written: false,
        }
    }

    pub fn size(&self) -> (usize, usize) {
        (self.sx, self.sy)
    }

    pub fn hsize(&self) -> usize {
        self.lines.len().saturating_sub(self.sy)
    }

    /// View mode: write a line as tmux's `window_copy_add` does, on a new line after the last
    /// one: `parsed`, the row run-shell output gave in the view's terminal (`parsed_row`), cut
    /// at the width; else `text` as plain text that wraps. Returns how many lines went into
    /// the history (the caller keeps its view on the same lines, as tmux does).
    pub fn add(&mut self, text: &str, parsed: Option<GridLine>) -> usize {
        let rows = match parsed {
            Some(row) => vec![cut_row(row, self.sx)],
            None => plain_rows(cut(text), self.sx),
        };
        let before = self.hsize();
        let mut dropped = 0;
        for (i, row) in rows.into_iter().enumerate() {
            if self.written || i > 0 {
                dropped += self.linefeed();
            }
            self.written = true;
            if let Some(l) = self.lines.get_mut(self.hsize() + self.wcy) {
                *l = row;
            }
        }
        (self.hsize() + dropped).saturating_sub(before)
    }

    /// View mode: the lines written so far as text (wrapped rows joined), the last `limit`.
    pub fn written(&self, limit: usize) -> Vec<String> {
        if !self.written {
            return Vec::new();
        }
        let end = self.hsize() + self.wcy;
        let mut out: Vec<String> = Vec::new();
        let mut joining = false;
        for line in self.lines.iter().take(end + 1) {
            let text = line.text(
                0,
                if line.wrapped {
                    line.cells.len()
                } else {
                    line.length()
                },
            );
            match out.last_mut() {
                Some(last) if joining => last.push_str(&text),
                _ => out.push(text),
            }
            joining = line.wrapped;
        }
        let skip = out.len().saturating_sub(limit);
        out.split_off(skip)
    }

    /// Move the write row down, scrolling the screen into the history at the bottom; returns 1
    /// when the oldest history line was dropped to stay within `VIEW_HISTORY`.
    fn linefeed(&mut self) -> usize {
        if self.wcy + 1 < self.sy {
            self.wcy += 1;
            return 0;
        }
        self.lines.push_back(GridLine::default());
        if self.hsize() > VIEW_HISTORY {
            self.lines.pop_front();
            return 1;
        }
        0
    }
}

impl Backing {
    /// A new pane size (tmux `window_copy_resize` with `screen_resize_cursor`): fewer rows
    /// push the top ones into the history, more rows take them back from it (blank rows when
    /// there is none), a new width rewraps the lines. `(cx, cy)` (cy absolute) is a position
    /// to carry through; returns where it is now.
    pub fn resize(&mut self, sx: u16, sy: u16, cx: usize, cy: usize) -> (usize, usize) {
        let (sx, sy) = (usize::from(sx).max(1), usize::from(sy).max(1));
        let write = self.hsize() + self.wcy;
        let (mut pos, mut wpos) = ((cx, cy), (0, write));
        let reflow = sx != self.sx;
        let wrapped = reflow.then(|| (self.wrap_position(pos), self.wrap_position(wpos)));
        self.sy = sy;
        while self.lines.len() < sy {
            self.lines.push_back(GridLine::default());
        }
        if let Some((p, w)) = wrapped {
            self.reflow(sx);
            pos = self.unwrap_position(p);
            wpos = self.unwrap_position(w);
        }
        let h = self.hsize();
        self.wcy = wpos.1.saturating_sub(h).min(sy - 1);
        pos
    }

    /// tmux `grid_wrap_position`: (offset in its whole line, which whole line).
    fn wrap_position(&self, (x, y): (usize, usize)) -> (usize, usize) {
        let mut line = 0;
        let mut offset = 0;
        for l in self.lines.iter().take(y) {
            if l.wrapped {
                offset += self.sx;
            } else {
                line += 1;
                offset = 0;
            }
        }
        (offset + x, line)
    }

    /// tmux `grid_unwrap_position`: back to (x, absolute y) after a reflow.
    fn unwrap_position(&self, (mut wx, mut wy): (usize, usize)) -> (usize, usize) {
        let mut y = 0;
        let last = self.lines.len().saturating_sub(1);
        while y < last && wy > 0 {
            if !self.lines.get(y).is_some_and(|l| l.wrapped) {
                wy -= 1;
            }
            y += 1;
        }
        if wy > 0 {
            return (wx, y);
        }
        while wx >= self.sx && y < last && self.lines.get(y).is_some_and(|l| l.wrapped) {
            wx -= self.sx;
            y += 1;
        }
        (wx.min(self.sx), y)
    }

    /// Rewrap every line at `sx` columns (tmux `grid_reflow`): wrapped rows joined, then cut.
    fn reflow(&mut self, sx: usize) {
        let old = std::mem::take(&mut self.lines);
        let mut whole: Vec<Cell> = Vec::new();
        for line in old {
            let take = if line.wrapped { self.sx } else { line.length() };
            let wrapped = line.wrapped;
            whole.extend(line.cells.into_iter().take(take));
            if wrapped {
                continue;
            }
            let cells = std::mem::take(&mut whole);
            self.push_cut(cells, sx);
        }
        if !whole.is_empty() {
            self.push_cut(whole, sx);
        }
        self.sx = sx;
        while self.lines.len() < self.sy {
            self.lines.push_back(GridLine::default());
        }
    }

    /// One whole line as rows of `sx` columns, a wide character never cut in two.
    fn push_cut(&mut self, cells: Vec<Cell>, sx: usize) {
        let mut row = GridLine::default();
        let mut iter = cells.into_iter().peekable();
        while let Some(c) = iter.next() {
            let w = usize::from(c.width.max(1));
            if c.width != 0 && row.cells.len() + w > sx && !row.cells.is_empty() {
                row.wrapped = true;
                self.lines.push_back(std::mem::take(&mut row));
            }
            row.cells.push(c);
            // A wide character's second half goes with it.
            if w == 2
                && iter.peek().is_some_and(|n| n.width == 0)
                && let Some(n) = iter.next()
            {
                row.cells.push(n);
            }
        }
        self.lines.push_back(row);
    }
}

/// At most `MAX_LINE_BYTES` of `text`, on a character boundary.
fn cut(text: &str) -> &str {
    if text.len() <= MAX_LINE_BYTES {
        return text;
    }
    let mut end = MAX_LINE_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or("")
}

/// `text` through view mode's terminal (tmux `window_copy_vadd`: the `writing` screen, of the
/// pane's size when the view began, is reset for each line, but its input parser lives as
/// long as the view, so colours and attributes set on one line carry to the next); its first
/// row.
pub fn parsed_row(writing: &mut PaneTerm, text: &str) -> GridLine {
    writing.reset_screen();
    // No newline moves off the first row (tmux's lines come without one).
    let clean: String = cut(text).chars().filter(|c| *c != '\n').collect();
    writing.feed(clean.as_bytes());
    let (_, rows) = writing.size();
    let top = writing.total_lines().saturating_sub(usize::from(rows));
    let mut line = writing.grid_line(top).unwrap_or_default();
    line.wrapped = false;
    line
}

/// The cells of `row` that fit in `sx` columns (tmux's `screen_write_fast_copy` of the first
/// row: the view's terminal keeps its first width, the pane may have shrunk since); a wide
/// character that would not fit is left out whole.
fn cut_row(mut row: GridLine, sx: usize) -> GridLine {
    let mut width = 0;
    let mut keep = 0;
    for (i, c) in row.cells.iter().enumerate() {
        if c.width == 0 {
            keep = i + 1;
            continue;
        }
        width += usize::from(c.width);
        if width > sx {
            break;
        }
        keep = i + 1;
    }
    row.cells.truncate(keep);
    row
}

/// Plain text in rows of `sx` columns, wrapping like tmux's `screen_write_vnputs` (control
/// characters are left out).
fn plain_rows(text: &str, sx: usize) -> Vec<GridLine> {
    let sx = sx.max(1);
    let mut rows = vec![GridLine::default()];
    for ch in text.chars().filter(|c| !c.is_control()) {
        let w = unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0);
        if w == 0 || w > sx {
            continue;
        }
        let full = rows.last().is_some_and(|r| r.cells.len() + w > sx);
        if full {
            if let Some(r) = rows.last_mut() {
                r.wrapped = true;
            }
            rows.push(GridLine::default());
        }
        if let Some(r) = rows.last_mut() {
            r.cells.push(Cell {
                text: ch.to_string(),
                width: u8::try_from(w).unwrap_or(1),
                style: Style::default(),
            });
            if w == 2 {
                r.cells.push(Cell {
                    text: String::new(),
                    width: 0,
                    style: Style::default(),
                });
            }
        }
    }
    rows
}

/// What copy mode needs of its lines: sizes and lines by absolute number.
pub struct Grid<'a> {
    b: &'a Backing,
}

impl<'a> Grid<'a> {
    pub fn new(b: &'a Backing) -> Self {
        Grid { b }
    }
    pub fn hsize(&self) -> usize {
        self.b.hsize()
    }
    pub fn sx(&self) -> usize {
        self.b.sx
    }
    pub fn sy(&self) -> usize {
        self.b.sy
    }
    pub fn last_line(&self) -> usize {
        self.hsize() + self.sy() - 1
    }
    /// Line `y` (0 = the oldest history line); an empty line past the end.
    pub fn line(&self, y: usize) -> &'a GridLine {
        self.b.lines.get(y).unwrap_or(&EMPTY)
    }
    pub fn length(&self, y: usize) -> usize {
        self.line(y).length()
    }
    pub fn wrapped(&self, y: usize) -> bool {
        self.line(y).wrapped
    }
    /// The cell's text at (x, y) is one of `set` (a wide character's second half never is).
    pub fn in_set(&self, x: usize, y: usize, set: &str) -> bool {
        let line = self.line(y);
        match line.cells.get(x) {
            Some(c) if c.width == 0 => false,
            Some(c) => c.text.chars().next().is_some_and(|ch| set.contains(ch)),
            None => set.contains(' '),
        }
    }
    pub fn padding(&self, x: usize, y: usize) -> bool {
        self.line(y).cells.get(x).is_some_and(|c| c.width == 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Plain text as a row, as the view's terminal would give it.
    fn row(text: &str) -> Option<GridLine> {
        let mut writing = PaneTerm::new(10, 3, 0);
        Some(parsed_row(&mut writing, text))
    }

    #[test]
    fn view_lines_fill_the_screen_then_the_history() {
        let mut b = Backing::empty(10, 3);
        assert_eq!(b.add("", row("a")), 0);
        assert_eq!(b.add("", row("b")), 0);
        assert_eq!(b.add("", row("c")), 0);
        assert_eq!(
            b.add("", row("d")),
            1,
            "the fourth line scrolls one into history"
        );
        let g = Grid::new(&b);
        assert_eq!(g.hsize(), 1);
        assert_eq!(g.line(0).text(0, 1), "a");
        assert_eq!(g.line(3).text(0, 1), "d");
    }

    #[test]
    fn plain_view_lines_wrap_and_parsed_ones_are_cut() {
        let mut b = Backing::empty(4, 5);
        let mut writing = PaneTerm::new(4, 5, 0);
        b.add("abcdef", None);
        let parsed = parsed_row(&mut writing, "\x1b[31mghijkl");
        b.add("", Some(parsed));
        let g = Grid::new(&b);
        assert!(g.wrapped(0));
        assert_eq!(g.line(1).text(0, 4).trim_end(), "ef");
        assert_eq!(g.line(2).text(0, 4), "ghij");
        assert_eq!(g.line(3).length(), 0);
    }

    #[test]
    fn the_views_terminal_keeps_its_pen_and_parser_from_line_to_line() {
        let mut writing = PaneTerm::new(10, 3, 0);
        let red = |l: &GridLine, x: usize| {
            l.cells.get(x).map(|c| c.style.fg) == Some(tmate_term::Color::Indexed(1))
        };
        let first = parsed_row(&mut writing, "\x1b[31mred");
        assert!(red(&first, 0));
        let second = parsed_row(&mut writing, "x");
        assert_eq!(second.text(0, 1), "x", "the screen starts blank again");
        assert!(red(&second, 0), "the colour carries on");
        assert!(
            !second
                .cells
                .get(1)
                .is_some_and(|c| c.text != " " && !c.text.is_empty())
        );
        // A sequence cut between lines ends on the next one.
        let _ = parsed_row(&mut writing, "\x1b[0m\x1b[3");
        let third = parsed_row(&mut writing, "2my");
        assert_eq!(third.text(0, 1), "y");
        assert_eq!(
            third.cells.first().map(|c| c.style.fg),
            Some(tmate_term::Color::Indexed(2))
        );
        // A row wider than the view now is cut.
        assert_eq!(cut_row(third, 0).cells.len(), 0);
    }
}
