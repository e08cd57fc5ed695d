//! Copy-mode movements beyond the cursor and word ones (tmux 3.3a `window-copy.c` and
//! `grid-reader.c`): jumps to a character (`f F t T`, jump-again, jump-reverse), paragraphs,
//! matching brackets, the mark (set-mark, jump-to-mark) and select-word.

use super::backing::Grid;
use super::mode::{CopyMode, Jump, LineSel, SelFlag};

const OPEN: &str = "{[(";
const CLOSE: &str = "}])";

/// The cell's text at (x, y); a blank past the end of the line, nothing on a wide
/// character's second half (tmux `grid_get_cell` with `GRID_FLAG_PADDING`).
fn cell<'a>(g: &Grid<'a>, x: usize, y: usize) -> Option<&'a str> {
    match g.line(y).cells.get(x) {
        Some(c) if c.width == 0 => None,
        Some(c) => Some(c.text.as_str()),
        None => Some(" "),
    }
}

/// The cell's character when it is a one-byte one (tmux's brackets test `data.size == 1`).
fn byte_at(g: &Grid<'_>, x: usize, y: usize) -> Option<char> {
    cell(g, x, y)
        .filter(|t| t.len() == 1)
        .and_then(|t| t.chars().next())
}

/// tmux `grid_reader_cursor_jump`: the first `ch` at or after (px, py), across wrapped lines.
fn find_forward(g: &Grid<'_>, mut px: usize, py: usize, ch: &str) -> Option<(usize, usize)> {
    let last = g.last_line();
    let mut y = py;
    while y <= last {
        let xx = g.length(y);
        while px < xx {
            if cell(g, px, y) == Some(ch) {
                return Some((px, y));
            }
            px += 1;
        }
        if y == last || !g.wrapped(y) {
            return None;
        }
        px = 0;
        y += 1;
    }
    None
}

/// tmux `grid_reader_cursor_jump_back`: the last `ch` at or before (px, py), across wrapped
/// lines.
fn find_backward(g: &Grid<'_>, px: usize, py: usize, ch: &str) -> Option<(usize, usize)> {
    let mut xx = px + 1;
    let mut y = py + 1;
    while y > 0 {
        for x in (1..=xx).rev() {
            if cell(g, x - 1, y - 1) == Some(ch) {
                return Some((x - 1, y - 1));
            }
        }
        if y == 1 || !g.wrapped(y - 2) {
            return None;
        }
        xx = g.length(y - 2);
        y -= 1;
    }
    None
}

impl CopyMode {
    /// jump-forward, jump-backward, jump-to-forward, jump-to-backward with a new character.
    pub fn jump_new(&mut self, g: &Grid<'_>, kind: Jump, ch: &str, count: usize) {
        if ch.is_empty() {
            return;
        }
        self.jump = kind;
        // tmux `utf8_fromcstr` keeps the first character.
        self.jumpchar = ch.chars().next().map(String::from).unwrap_or_default();
        for _ in 0..count {
            self.jump_once(g, kind);
        }
    }

    /// jump-again (`reverse` false) and jump-reverse.
    pub fn jump_repeat(&mut self, g: &Grid<'_>, reverse: bool, count: usize) {
        let kind = match (self.jump, reverse) {
            (k, false) => k,
            (Jump::Forward, true) => Jump::Backward,
            (Jump::Backward, true) => Jump::Forward,
            (Jump::ToForward, true) => Jump::ToBackward,
            (Jump::ToBackward, true) => Jump::ToForward,
            (Jump::None, true) => Jump::None,
        };
        for _ in 0..count {
            self.jump_once(g, kind);
        }
    }

    fn jump_once(&mut self, g: &Grid<'_>, kind: Jump) {
        let ch = self.jumpchar.clone();
        let py = self.abs_cy(g);
        match kind {
            Jump::None => {}
            Jump::Forward => {
                if let Some((x, y)) = find_forward(g, self.cx + 1, py, &ch) {
                    self.acquire_down(g, x, y);
                }
            }
            Jump::ToForward => {
                if let Some((x, y)) = find_forward(g, self.cx + 2, py, &ch) {
                    let mut r = self.reader(g);
                    (r.cx, r.cy) = (x, y);
                    r.left(true);
                    let (x, y) = (r.cx, r.cy);
                    self.acquire_down(g, x, y);
                }
            }
            Jump::Backward | Jump::ToBackward => {
                let mut r = self.reader(g);
                r.left(false);
                if kind == Jump::ToBackward {
                    r.left(false);
                }
                if let Some((x, y)) = find_backward(g, r.cx, r.cy, &ch) {
                    (r.cx, r.cy) = (x, y);
                    if kind == Jump::ToBackward {
                        r.right(true, false);
                    }
                    let (x, y) = (r.cx, r.cy);
                    self.acquire_up(g, x, y);
                }
            }
        }
    }

    /// tmux `window_copy_previous_paragraph`: back over blank lines, then to the blank line
    /// before the paragraph (or the first line).
    pub fn previous_paragraph(&mut self, g: &Grid<'_>) {
        let mut oy = self.abs_cy(g);
        while oy > 0 && g.length(oy) == 0 {
            oy -= 1;
        }
        while oy > 0 && g.length(oy) > 0 {
            oy -= 1;
        }
        self.scroll_to(g, 0, oy);
    }

    /// tmux `window_copy_next_paragraph`: to the blank line after the paragraph.
    pub fn next_paragraph(&mut self, g: &Grid<'_>) {
        let mut oy = self.abs_cy(g);
        let maxy = g.last_line();
        while oy < maxy && g.length(oy) == 0 {
            oy += 1;
        }
        while oy < maxy && g.length(oy) > 0 {
            oy += 1;
        }
        let ox = g.length(oy);
        self.scroll_to(g, ox, oy);
    }

    /// tmux `window_copy_cmd_previous_matching_bracket`.
    pub fn previous_matching_bracket(&mut self, g: &Grid<'_>, count: usize) {
        for _ in 0..count {
            let mut px = self.cx;
            let mut py = self.abs_cy(g);
            if g.length(py) == 0 {
                break;
            }
            // On a closing bracket, or (emacs) just after one.
            let mut found = byte_at(g, px, py).filter(|c| CLOSE.contains(*c));
            if found.is_none() && !self.vi && px > 0 {
                px -= 1;
                found = byte_at(g, px, py).filter(|c| CLOSE.contains(*c));
            }
            let Some(found) = found else {
                if !self.vi {
                    self.previous_word(g, CLOSE, true);
                }
                continue;
            };
            let start = pair(found, CLOSE, OPEN);
            let mut n = 1usize;
            let mut failed = false;
            while n != 0 {
                if px == 0 {
                    if py == 0 {
                        failed = true;
                        break;
                    }
                    let mut xx;
                    loop {
                        py -= 1;
                        xx = g.length(py);
                        if xx != 0 || py == 0 {
                            break;
                        }
                    }
                    if xx == 0 && py == 0 {
                        failed = true;
                        break;
                    }
                    px = xx - 1;
                } else {
                    px -= 1;
                }
                match byte_at(g, px, py) {
                    Some(c) if c == found => n += 1,
                    Some(c) if Some(c) == start => n -= 1,
                    _ => {}
                }
            }
            if !failed {
                self.scroll_to(g, px, py);
            }
        }
    }

    /// tmux `window_copy_cmd_next_matching_bracket`.
    pub fn next_matching_bracket(&mut self, g: &Grid<'_>, count: usize) {
        let yy = g.last_line();
        'outer: for _ in 0..count {
            let mut px = self.cx;
            let mut py = self.abs_cy(g);
            let mut xx = g.length(py);
            if xx == 0 {
                break;
            }
            let mut tried = false;
            let found = loop {
                let c = byte_at(g, px, py);
                if self.vi && c.is_some_and(|c| CLOSE.contains(c)) {
                    // vi's % on a closing bracket goes back to its opening one, or stays.
                    let (sx, sy) = (self.cx, self.abs_cy(g));
                    self.scroll_to(g, px, py);
                    self.previous_matching_bracket(g, count);
                    let (nx, ny) = (self.cx, self.abs_cy(g));
                    if byte_at(g, nx, ny).is_some_and(|c| CLOSE.contains(c)) {
                        self.scroll_to(g, sx, sy);
                    }
                    break 'outer;
                }
                if let Some(c) = c.filter(|c| OPEN.contains(*c)) {
                    break c;
                }
                if !self.vi {
                    if !tried && px <= xx {
                        px += 1;
                        tried = true;
                        continue;
                    }
                    self.next_word_end(g, OPEN);
                    continue 'outer;
                }
                // vi looks on along the line (and the lines it wraps into).
                if px > xx {
                    if py == yy || !g.wrapped(py) {
                        continue 'outer;
                    }
                    px = 0;
                    py += 1;
                    xx = g.length(py);
                } else {
                    px += 1;
                }
            };
            let end = pair(found, OPEN, CLOSE);
            let mut n = 1usize;
            let mut failed = false;
            while n != 0 {
                if px > xx {
                    if py == yy {
                        failed = true;
                        break;
                    }
                    px = 0;
                    py += 1;
                    xx = g.length(py);
                } else {
                    px += 1;
                }
                match byte_at(g, px, py) {
                    Some(c) if c == found => n += 1,
                    Some(c) if Some(c) == end => n -= 1,
                    _ => {}
                }
            }
            if !failed {
                self.scroll_to(g, px, py);
            }
        }
    }

    /// set-mark: the cursor's position, shown from now on.
    pub fn set_mark(&mut self, g: &Grid<'_>) {
        self.mark = Some((self.cx, self.abs_cy(g)));
    }

    /// tmux `window_copy_jump_to_mark`: the cursor and the mark swap places (a mark never set
    /// is tmux's zeroed one, the top left of the history).
    pub fn jump_to_mark(&mut self, g: &Grid<'_>) {
        let here = (self.cx, self.abs_cy(g));
        let (mx, my) = self.mark.unwrap_or((0, 0));
        let h = g.hsize();
        self.cx = mx;
        if my < h {
            self.cy = 0;
            self.oy = h - my;
        } else {
            self.cy = (my - h).min(g.sy() - 1);
            self.oy = 0;
        }
        self.mark = Some(here);
        self.update_selection(g);
    }

    /// tmux `window_copy_cmd_select_word`: the word under the cursor, selected by words from
    /// now on.
    pub fn select_word(&mut self, g: &Grid<'_>, separators: &str) {
        self.lineflag = LineSel::LeftRight;
        self.rect = false;
        self.selflag = SelFlag::Word;
        self.dx = self.cx;
        self.dy = self.abs_cy(g);
        self.separators = separators.to_string();
        self.previous_word(g, separators, false);
        let (px, py) = (self.cx, self.abs_cy(g));
        self.selrx = px;
        self.selry = py;
        self.start_selection(g);
        // A one-character word: the cursor stays on it.
        let (mut nextx, mut nexty) = (px + 1, py);
        if g.wrapped(nexty) && nextx + 1 > g.sx() {
            nextx = 0;
            nexty += 1;
        }
        if px >= g.length(py) || !g.in_set(nextx, nexty, " ") {
            let (x, y) = self.next_word_end_pos(g);
            self.acquire_down_nr(g, x, y, true);
        } else {
            self.cx = px;
            self.update_selection_nr(g, true);
        }
        self.endselrx = self.cx;
        self.endselry = self.abs_cy(g);
        if self.dy > self.endselry {
            self.dy = self.endselry;
            self.dx = self.endselrx;
        } else if self.dx > self.endselrx {
            self.dx = self.endselrx;
        }
    }
}

impl CopyMode {
    /// A mouse drag starts at pane position (x, y) (tmux `window_copy_start_drag`): a word or
    /// line selection made by a double or triple click there goes on by words or lines,
    /// anything else starts a new selection.
    pub fn start_drag(&mut self, g: &Grid<'_>, x: i32, y: i32) {
        let (Ok(x), Ok(y)) = (usize::try_from(x), usize::try_from(y)) else {
            return;
        };
        if x >= g.sx() || y >= g.sy() {
            return;
        }
        let yg = (g.hsize() + y).saturating_sub(self.oy);
        if x < self.selrx || x > self.endselrx || yg != self.selry {
            self.selflag = SelFlag::Char;
        }
        match self.selflag {
            SelFlag::Word => {
                (self.cx, self.cy) = (x, y);
                let mut r = self.reader(g);
                r.previous_word(&self.separators.clone(), false, true);
                let top = g.hsize().saturating_sub(self.oy);
                self.cx = r.cx;
                self.cy = r.cy.saturating_sub(top).min(g.sy() - 1);
            }
            SelFlag::Line => (self.cx, self.cy) = (0, y),
            SelFlag::Char => {
                (self.cx, self.cy) = (x, y);
                self.lineflag = LineSel::None;
                self.start_selection(g);
            }
        }
    }
}

/// The bracket paired with `c` (its place in `from` taken in `to`).
fn pair(c: char, from: &str, to: &str) -> Option<char> {
    let i = from.chars().position(|f| f == c)?;
    to.chars().nth(i)
}
