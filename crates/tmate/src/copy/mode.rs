//! The copy-mode state of one pane and its movements, following tmux 3.3a's `window-copy.c` and
//! `grid-reader.c`: absolute line numbers counted from the top of the history (tmux's
//! `hsize + cy - oy`), the selection's two ends, line and rectangle flags, search, and the
//! selected text as tmux copies it. No I/O; the pane's `PaneTerm` is the grid.

use std::sync::Arc;

use tmate_term::PaneTerm;

pub use super::backing::{Backing, Grid};
use super::search::Search;

const WHITESPACE: &str = " ";

/// Which end of the selection follows the cursor (tmux `CURSORDRAG_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Drag {
    #[default]
    None,
    EndSel,
    Sel,
}

/// tmux `LINE_SEL_*` (select-line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LineSel {
    #[default]
    None,
    LeftRight,
    RightLeft,
}

/// What a selection's ends snap to as the cursor moves (tmux `SEL_CHAR`, `SEL_WORD`,
/// `SEL_LINE`): select-word and a double click select by words, select-line and a triple
/// click by lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SelFlag {
    #[default]
    Char,
    Word,
    Line,
}

/// The last jump (`f`, `F`, `t`, `T`) that jump-again and jump-reverse repeat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Jump {
    #[default]
    None,
    Forward,
    Backward,
    ToForward,
    ToBackward,
}

/// The copy-mode state of a pane.
#[derive(Debug, Default)]
pub struct CopyMode {
    /// Lines scrolled back into history.
    pub oy: usize,
    /// The copy cursor on the visible pane (cx may be one past the last column).
    pub cx: usize,
    pub cy: usize,
    lastcx: usize,
    lastsx: usize,
    /// A selection is shown (tmux `screen.sel != NULL`).
    pub selecting: bool,
    pub selx: usize,
    pub sely: usize,
    pub endselx: usize,
    pub endsely: usize,
    pub drag: Drag,
    pub lineflag: LineSel,
    pub selflag: SelFlag,
    /// Where a word or line selection started (tmux `dx`, `dy`) and the word or line first
    /// selected (`selrx`..`endselry`), which the selection keeps whichever way it grows.
    pub dx: usize,
    pub dy: usize,
    pub selrx: usize,
    pub selry: usize,
    pub endselrx: usize,
    pub endselry: usize,
    pub rect: bool,
    /// The last jump and its character.
    pub jump: Jump,
    pub jumpchar: String,
    /// set-mark's position (absolute), shown in `copy-mode-mark-style` once set.
    pub mark: Option<(usize, usize)>,
    /// A mouse drag held on the top or bottom row scrolls (the task's token, `drag_update`).
    pub drag_scroll: Option<u64>,
    /// vi keys (mode-keys), read at each command.
    pub vi: bool,
    /// `copy-mode -e`: scrolling to the bottom leaves copy mode.
    pub scroll_exit: bool,
    /// `copy-mode -H`: no position indicator.
    pub hide_position: bool,
    /// The search state: string, direction, marks, count (`search.rs`).
    pub search: Search,
    /// The lines it works on: a copy of the pane's taken on entering, or view mode's own.
    /// Shared so that a command can read them while it changes the rest of the state.
    pub backing: Arc<Backing>,
    /// View mode (tmux's `window_view_mode`): the backing holds lines the server wrote.
    pub view: bool,
    /// Columns of the word separators (window option `word-separators`).
    pub separators: String,
    /// The window's `mode-style` (the indicator, the selection) and match styles.
    pub styles: super::draw::Styles,
    /// View mode: the terminal run-shell output goes through (tmux's `writing` screen and its
    /// input context, one for the view's life).
    writing: Option<Box<PaneTerm>>,
}

/// tmux's `grid_reader`: a position walked over the grid.
pub(super) struct Reader<'g, 'a> {
    pub(super) g: &'g Grid<'a>,
    pub(super) cx: usize,
    pub(super) cy: usize,
}

impl Reader<'_, '_> {
    fn line_length(&self) -> usize {
        self.g.length(self.cy)
    }
    pub(super) fn up(&mut self) {
        self.cy = self.cy.saturating_sub(1);
    }
    pub(super) fn down(&mut self) {
        if self.cy < self.g.last_line() {
            self.cy += 1;
        }
    }
    pub(super) fn start_of_line(&mut self, wrap: bool) {
        if wrap {
            while self.cy > 0 && self.g.wrapped(self.cy - 1) {
                self.cy -= 1;
            }
        }
        self.cx = 0;
    }
    pub(super) fn end_of_line(&mut self, wrap: bool, all: bool) {
        if wrap {
            let last = self.g.last_line();
            while self.cy < last && self.g.wrapped(self.cy) {
                self.cy += 1;
            }
        }
        self.cx = if all { self.g.sx() } else { self.line_length() };
    }
    pub(super) fn left(&mut self, wrap: bool) {
        while self.cx > 0 && self.g.padding(self.cx, self.cy) {
            self.cx -= 1;
        }
        if self.cx == 0 && self.cy > 0 && (wrap || self.g.wrapped(self.cy - 1)) {
            self.up();
            self.end_of_line(false, false);
        } else if self.cx > 0 {
            self.cx -= 1;
        }
    }
    pub(super) fn right(&mut self, wrap: bool, all: bool) {
        let px = if all { self.g.sx() } else { self.line_length() };
        if wrap && self.cx >= px && self.cy < self.g.last_line() {
            self.start_of_line(false);
            self.down();
        } else if self.cx < px {
            self.cx += 1;
            while self.cx < px && self.g.padding(self.cx, self.cy) {
                self.cx += 1;
            }
        }
    }
    pub(super) fn in_set(&self, set: &str) -> bool {
        self.g.in_set(self.cx, self.cy, set)
    }
    /// Keep the position inside the lines, moving to the next line past the end; false at the
    /// bottom (tmux `grid_reader_handle_wrap`).
    fn handle_wrap(&mut self, xx: &mut usize, yy: usize) -> bool {
        while self.cx > *xx {
            if self.cy == yy {
                return false;
            }
            self.start_of_line(false);
            self.down();
            *xx = if self.g.wrapped(self.cy) {
                self.g.sx().saturating_sub(1)
            } else {
                self.line_length()
            };
        }
        true
    }
    fn next_word(&mut self, separators: &str) {
        let mut xx = if self.g.wrapped(self.cy) {
            self.g.sx().saturating_sub(1)
        } else {
            self.line_length()
        };
        let yy = self.g.last_line();
        if !self.handle_wrap(&mut xx, yy) {
            return;
        }
        if !self.in_set(WHITESPACE) {
            if self.in_set(separators) {
                loop {
                    self.cx += 1;
                    if !(self.handle_wrap(&mut xx, yy)
                        && self.in_set(separators)
                        && !self.in_set(WHITESPACE))
                    {
                        break;
                    }
                }
            } else {
                loop {
                    self.cx += 1;
                    if !(self.handle_wrap(&mut xx, yy)
                        && !(self.in_set(separators) || self.in_set(WHITESPACE)))
                    {
                        break;
                    }
                }
            }
        }
        while self.handle_wrap(&mut xx, yy) && self.in_set(WHITESPACE) {
            self.cx += 1;
        }
    }
    fn next_word_end(&mut self, separators: &str) {
        let mut xx = if self.g.wrapped(self.cy) {
            self.g.sx().saturating_sub(1)
        } else {
            self.line_length()
        };
        let yy = self.g.last_line();
        while self.handle_wrap(&mut xx, yy) {
            if self.in_set(WHITESPACE) {
                self.cx += 1;
            } else if self.in_set(separators) {
                loop {
                    self.cx += 1;
                    if !(self.handle_wrap(&mut xx, yy) && self.in_set(separators)) {
                        break;
                    }
                }
                return;
            } else {
                loop {
                    self.cx += 1;
                    if !(self.handle_wrap(&mut xx, yy)
                        && !(self.in_set(WHITESPACE) || self.in_set(separators)))
                    {
                        break;
                    }
                }
                return;
            }
        }
    }
    pub(super) fn previous_word(&mut self, separators: &str, already: bool, stop_at_eol: bool) {
        let word_is_letters;
        if already || self.in_set(WHITESPACE) {
            loop {
                if self.cx > 0 {
                    self.cx -= 1;
                    if !self.in_set(WHITESPACE) {
                        word_is_letters = !self.in_set(separators);
                        break;
                    }
                } else {
                    if self.cy == 0 {
                        return;
                    }
                    self.up();
                    self.end_of_line(false, false);
                    if stop_at_eol && self.cx > 0 {
                        let old = self.cx;
                        self.cx -= 1;
                        let at_eol = self.in_set(WHITESPACE);
                        self.cx = old;
                        if at_eol {
                            word_is_letters = false;
                            break;
                        }
                    }
                }
            }
        } else {
            word_is_letters = !self.in_set(separators);
        }
        loop {
            let (oldx, oldy) = (self.cx, self.cy);
            if self.cx == 0 {
                if self.cy == 0 || !self.g.wrapped(self.cy - 1) {
                    break;
                }
                self.up();
                self.end_of_line(false, true);
            }
            if self.cx > 0 {
                self.cx -= 1;
            }
            if self.in_set(WHITESPACE) || word_is_letters == self.in_set(separators) {
                self.cx = oldx;
                self.cy = oldy;
                break;
            }
        }
    }
}

impl CopyMode {
    /// Enter copy mode over a copy of the pane's screen: the cursor where the program's is.
    pub fn new(term: &PaneTerm) -> CopyMode {
        let (cx, cy) = term.program_cursor();
        CopyMode {
            cx: usize::from(cx),
            cy: usize::from(cy),
            backing: Arc::new(Backing::from_pane(term)),
            ..CopyMode::default()
        }
    }

    /// View mode over an empty screen of the pane's size (tmux `window_copy_view_init`).
    pub fn new_view(sx: u16, sy: u16) -> CopyMode {
        CopyMode {
            backing: Arc::new(Backing::empty(sx, sy)),
            view: true,
            writing: Some(Box::new(PaneTerm::new(sx.max(1), sy.max(1), 0))),
            ..CopyMode::default()
        }
    }

    /// View mode: add a line (tmux `window_copy_add`); the view stays on the same lines.
    /// `parse`: through the view's terminal.
    pub fn add_line(&mut self, text: &str, parse: bool) {
        let (sx, sy) = self.backing.size();
        let parsed = parse.then(|| {
            let writing = self.writing.get_or_insert_with(|| {
                let size = |n: usize| u16::try_from(n).unwrap_or(u16::MAX).max(1);
                Box::new(PaneTerm::new(size(sx), size(sy), 0))
            });
            super::backing::parsed_row(writing, text)
        });
        let pushed = Arc::make_mut(&mut self.backing).add(text, parsed);
        self.oy = (self.oy + pushed).min(self.backing.hsize());
    }

    /// The pane's new size (tmux `window_copy_resize`): the lines rewrapped, the cursor on
    /// the same character, then as after any change of lines (`window_copy_size_changed`).
    pub fn resize(&mut self, sx: u16, sy: u16) {
        let b = Arc::make_mut(&mut self.backing);
        let cy = (b.hsize() + self.cy).saturating_sub(self.oy);
        let (cx, cy) = b.resize(sx, sy, self.cx, cy);
        let h = b.hsize();
        self.cx = cx;
        if cy < h {
            self.cy = 0;
            self.oy = h - cy;
        } else {
            self.cy = cy - h;
            self.oy = 0;
        }
        let b = Arc::clone(&self.backing);
        let g = Grid::new(&b);
        self.settle(&g);
        self.clear_selection(&g);
        super::search::after_refresh(self, &g);
    }

    /// `refresh-from-pane`: a new copy of the pane's lines (not in view mode).
    pub fn refresh_from(&mut self, term: &PaneTerm) {
        if !self.view {
            self.backing = Arc::new(Backing::from_pane(term));
        }
    }

    /// Absolute line of the cursor.
    pub fn abs_cy(&self, g: &Grid<'_>) -> usize {
        (g.hsize() + self.cy).saturating_sub(self.oy)
    }

    /// Keep everything inside the lines (after a resize or a refresh).
    pub fn settle(&mut self, g: &Grid<'_>) {
        self.oy = self.oy.min(g.hsize());
        self.cy = self.cy.min(g.sy() - 1);
        self.cx = self.cx.min(g.sx());
    }

    /// tmux `window_copy_synchronize_cursor`: the end being dragged follows the cursor, by
    /// words or lines for those selections unless `no_reset`.
    fn synchronize_cursor(&mut self, g: &Grid<'_>, no_reset: bool) {
        match self.drag {
            Drag::EndSel => self.synchronize_cursor_end(g, false, no_reset),
            Drag::Sel => self.synchronize_cursor_end(g, true, no_reset),
            Drag::None => {}
        }
    }

    fn synchronize_cursor_end(&mut self, g: &Grid<'_>, mut begin: bool, no_reset: bool) {
        let (mut xx, mut yy) = (self.cx, self.abs_cy(g));
        match self.selflag {
            SelFlag::Word if !no_reset => {
                if self.dy > yy || (self.dy == yy && self.dx > xx) {
                    // Right to left: from the start of the word under the cursor.
                    let mut r = self.reader(g);
                    r.previous_word(&self.separators, false, true);
                    (xx, yy) = (r.cx, r.cy);
                    begin = true;
                    self.endselx = self.endselrx;
                    self.endsely = self.endselry;
                } else {
                    if xx >= g.length(yy) || !g.in_set(xx + 1, yy, WHITESPACE) {
                        (xx, yy) = self.next_word_end_pos(g);
                    }
                    begin = false;
                    self.selx = self.selrx;
                    self.sely = self.selry;
                }
            }
            SelFlag::Line if !no_reset => {
                if self.dy > yy {
                    xx = 0;
                    begin = true;
                    self.endselx = self.endselrx;
                    self.endsely = self.endselry;
                } else {
                    yy = yy.max(self.endselry);
                    xx = g.length(yy);
                    begin = false;
                    self.selx = self.selrx;
                    self.sely = self.selry;
                }
            }
            _ => {}
        }
        if begin {
            self.selx = xx;
            self.sely = yy;
        } else {
            self.endselx = xx;
            self.endsely = yy;
        }
    }

    /// Where next-word-end would put the cursor, with the word selection's separators (tmux
    /// `window_copy_cursor_next_word_end_pos`).
    pub(super) fn next_word_end_pos(&self, g: &Grid<'_>) -> (usize, usize) {
        let mut r = self.reader(g);
        if self.vi {
            if !r.in_set(WHITESPACE) {
                r.right(false, false);
            }
            r.next_word_end(&self.separators);
            r.left(true);
        } else {
            r.next_word_end(&self.separators);
        }
        (r.cx, r.cy)
    }

    pub(super) fn update_selection(&mut self, g: &Grid<'_>) {
        self.update_selection_nr(g, false);
    }

    /// tmux `window_copy_update_selection(.., no_reset)`.
    pub(super) fn update_selection_nr(&mut self, g: &Grid<'_>, no_reset: bool) {
        if self.selecting || self.lineflag != LineSel::None {
            self.synchronize_cursor(g, no_reset);
        }
    }

    fn norectsel(&self) -> bool {
        !self.selecting || !self.rect
    }

    fn scroll_down_view(&mut self, g: &Grid<'_>, n: usize) {
        let h = g.hsize();
        if n > h {
            return;
        }
        let n = n.min(h - self.oy);
        self.oy += n;
        self.update_selection(g);
    }

    fn scroll_up_view(&mut self, g: &Grid<'_>, n: usize) {
        let n = n.min(self.oy);
        self.oy -= n;
        self.update_selection(g);
    }

    fn remember_column(&mut self, g: &Grid<'_>) {
        let ox = g.length(self.abs_cy(g));
        if self.norectsel() && self.cx != ox {
            self.lastcx = self.cx;
            self.lastsx = ox;
        }
    }

    fn fix_column_after_vertical(&mut self, g: &Grid<'_>) {
        if self.norectsel() {
            let px = g.length(self.abs_cy(g));
            if (self.cx >= self.lastsx && self.cx != px) || self.cx > px {
                self.cx = px;
                self.update_selection(g);
            }
        }
        match self.lineflag {
            LineSel::LeftRight => {
                let py = self.abs_cy(g);
                self.cx = if self.rect { g.sx() } else { g.length(py) };
                self.update_selection(g);
            }
            LineSel::RightLeft => {
                self.cx = 0;
                self.update_selection(g);
            }
            LineSel::None => {}
        }
    }

    pub fn cursor_up(&mut self, g: &Grid<'_>, scroll_only: bool) {
        self.remember_column(g);
        let oy = self.abs_cy(g);
        if self.lineflag == LineSel::LeftRight && oy == self.sely {
            self.other_end(g);
        }
        if scroll_only || self.cy == 0 {
            if self.norectsel() {
                self.cx = self.lastcx;
            }
            self.scroll_down_view(g, 1);
        } else {
            if self.norectsel() {
                self.cx = self.lastcx;
            }
            self.cy -= 1;
            self.update_selection(g);
        }
        self.fix_column_after_vertical(g);
    }

    pub fn cursor_down(&mut self, g: &Grid<'_>, scroll_only: bool) {
        self.remember_column(g);
        let oy = self.abs_cy(g);
        if self.lineflag == LineSel::RightLeft && oy == self.endsely {
            self.other_end(g);
        }
        if scroll_only || self.cy == g.sy() - 1 {
            if self.norectsel() {
                self.cx = self.lastcx;
            }
            self.scroll_up_view(g, 1);
        } else {
            if self.norectsel() {
                self.cx = self.lastcx;
            }
            self.cy += 1;
            self.update_selection(g);
        }
        self.fix_column_after_vertical(g);
    }

    /// Put the cursor on absolute (px, py) at or above the view, scrolling up to it.
    pub(super) fn acquire_up(&mut self, g: &Grid<'_>, px: usize, py: usize) {
        let yy = g.hsize().saturating_sub(self.oy);
        if py < yy {
            self.oy = (self.oy + (yy - py)).min(g.hsize());
            self.cy = 0;
        } else {
            self.cy = py - yy;
        }
        self.cx = px;
        self.update_selection(g);
    }

    /// Put the cursor on absolute (px, py) at or below the view, scrolling down to it.
    pub(super) fn acquire_down(&mut self, g: &Grid<'_>, px: usize, py: usize) {
        self.acquire_down_nr(g, px, py, false);
    }

    pub(super) fn acquire_down_nr(&mut self, g: &Grid<'_>, px: usize, py: usize, no_reset: bool) {
        let top = g.hsize().saturating_sub(self.oy);
        let cy = py.saturating_sub(top);
        let last = g.sy() - 1;
        if cy > last {
            self.oy = self.oy.saturating_sub(cy - last);
            self.cy = last;
        } else {
            self.cy = cy;
        }
        self.cx = px;
        self.update_selection_nr(g, no_reset);
    }

    pub(super) fn reader<'g, 'a>(&self, g: &'g Grid<'a>) -> Reader<'g, 'a> {
        Reader {
            g,
            cx: self.cx,
            cy: self.abs_cy(g),
        }
    }

    pub fn cursor_left(&mut self, g: &Grid<'_>) {
        let mut r = self.reader(g);
        r.left(true);
        let (x, y) = (r.cx, r.cy);
        self.acquire_up(g, x, y);
    }

    pub fn cursor_right(&mut self, g: &Grid<'_>) {
        let mut r = self.reader(g);
        let all = self.selecting && self.rect;
        r.right(true, all);
        let (x, y) = (r.cx, r.cy);
        self.acquire_down(g, x, y);
    }

    pub fn start_of_line(&mut self, g: &Grid<'_>) {
        let mut r = self.reader(g);
        r.start_of_line(true);
        let (x, y) = (r.cx, r.cy);
        self.acquire_up(g, x, y);
    }

    pub fn end_of_line(&mut self, g: &Grid<'_>) {
        let mut r = self.reader(g);
        r.end_of_line(true, self.selecting && self.rect);
        let (x, y) = (r.cx, r.cy);
        self.acquire_down(g, x, y);
    }

    pub fn back_to_indentation(&mut self, g: &Grid<'_>) {
        let mut r = self.reader(g);
        let (oldx, oldy) = (r.cx, r.cy);
        r.start_of_line(true);
        let mut found = None;
        for py in r.cy..=g.last_line() {
            let line = g.line(py);
            let len = line.length();
            if let Some(px) = (0..len).find(|x| line.cells.get(*x).is_some_and(|c| c.text != " ")) {
                found = Some((px, py));
                break;
            }
            if !line.wrapped {
                break;
            }
        }
        let (x, y) = found.unwrap_or((oldx, oldy));
        self.acquire_up(g, x, y);
    }

    pub fn next_word(&mut self, g: &Grid<'_>, separators: &str) {
        let mut r = self.reader(g);
        r.next_word(separators);
        let (x, y) = (r.cx, r.cy);
        self.acquire_down(g, x, y);
    }

    pub fn next_word_end(&mut self, g: &Grid<'_>, separators: &str) {
        let mut r = self.reader(g);
        if self.vi && !r.in_set(WHITESPACE) {
            r.right(false, false);
        }
        r.next_word_end(separators);
        if self.vi {
            r.left(true);
        }
        let (x, y) = (r.cx, r.cy);
        self.acquire_down(g, x, y);
    }

    pub fn previous_word(&mut self, g: &Grid<'_>, separators: &str, already: bool) {
        let mut r = self.reader(g);
        r.previous_word(separators, already, !self.vi);
        let (x, y) = (r.cx, r.cy);
        self.acquire_up(g, x, y);
    }

    fn page_n(&self, g: &Grid<'_>, half: bool) -> usize {
        let sy = g.sy();
        match (sy > 2, half) {
            (false, _) => 1,
            (true, true) => sy / 2,
            (true, false) => sy - 2,
        }
    }

    pub fn page_up(&mut self, g: &Grid<'_>, half: bool) {
        let ox = g.length(self.abs_cy(g));
        if self.cx != ox {
            self.lastcx = self.cx;
            self.lastsx = ox;
        }
        self.cx = self.lastcx;
        let n = self.page_n(g, half);
        if self.oy + n > g.hsize() {
            self.oy = g.hsize();
            self.cy = self.cy.saturating_sub(n);
        } else {
            self.oy += n;
        }
        if self.norectsel() {
            let px = g.length(self.abs_cy(g));
            if (self.cx >= self.lastsx && self.cx != px) || self.cx > px {
                self.end_of_line(g);
            }
        }
        self.update_selection(g);
    }

    /// Returns true when `copy-mode -e` should leave (back at the bottom).
    pub fn page_down(&mut self, g: &Grid<'_>, half: bool) -> bool {
        let ox = g.length(self.abs_cy(g));
        if self.cx != ox {
            self.lastcx = self.cx;
            self.lastsx = ox;
        }
        self.cx = self.lastcx;
        let n = self.page_n(g, half);
        if self.oy < n {
            // tmux 3.3a zeroes oy before using it here: the cursor moves down by n.
            self.oy = 0;
            self.cy = (self.cy + n).min(g.sy() - 1);
        } else {
            self.oy -= n;
        }
        if self.norectsel() {
            let px = g.length(self.abs_cy(g));
            if (self.cx >= self.lastsx && self.cx != px) || self.cx > px {
                self.end_of_line(g);
            }
        }
        self.update_selection(g);
        self.scroll_exit && self.oy == 0
    }

    pub fn history_top(&mut self, g: &Grid<'_>) {
        let oy = self.abs_cy(g);
        if self.lineflag == LineSel::LeftRight && oy == self.sely {
            self.other_end(g);
        }
        self.cy = 0;
        self.cx = 0;
        self.oy = g.hsize();
        self.update_selection(g);
    }

    pub fn history_bottom(&mut self, g: &Grid<'_>) {
        let oy = self.abs_cy(g);
        if self.lineflag == LineSel::RightLeft && oy == self.endsely {
            self.other_end(g);
        }
        self.cy = g.sy() - 1;
        self.cx = g.length(g.hsize() + self.cy);
        self.oy = 0;
        self.update_selection(g);
    }

    pub fn top_line(&mut self, g: &Grid<'_>) {
        self.cx = 0;
        self.cy = 0;
        self.update_selection(g);
    }

    pub fn middle_line(&mut self, g: &Grid<'_>) {
        self.cx = 0;
        self.cy = (g.sy() - 1) / 2;
        self.update_selection(g);
    }

    pub fn bottom_line(&mut self, g: &Grid<'_>) {
        self.cx = 0;
        self.cy = g.sy() - 1;
        self.update_selection(g);
    }

    pub fn goto_line(&mut self, g: &Grid<'_>, line: &str) {
        let Ok(n) = line.trim().parse::<i64>() else {
            return;
        };
        let h = g.hsize();
        self.oy = usize::try_from(n).ok().filter(|n| *n <= h).unwrap_or(h);
        self.update_selection(g);
    }

    /// Put the cursor under the mouse at pane position (x, y), clamped to the pane.
    pub fn mouse_to(&mut self, g: &Grid<'_>, x: i32, y: i32) {
        let clamp = |v: i32, max: usize| usize::try_from(v.max(0)).unwrap_or(0).min(max);
        self.cx = clamp(x, g.sx());
        self.cy = clamp(y, g.sy() - 1);
        self.update_selection(g);
    }

    /// The cursor to pane position (x, y) if that is inside the pane, the selection left as
    /// it is (tmux `window_copy_move_mouse`).
    pub fn mouse_cursor(&mut self, g: &Grid<'_>, x: i32, y: i32) {
        if let (Ok(x), Ok(y)) = (usize::try_from(x), usize::try_from(y))
            && x < g.sx()
            && y < g.sy()
        {
            self.cx = x;
            self.cy = y;
        }
    }

    pub fn start_selection(&mut self, g: &Grid<'_>) {
        self.selx = self.cx;
        self.sely = self.abs_cy(g);
        self.endselx = self.selx;
        self.endsely = self.sely;
        self.drag = Drag::EndSel;
        self.selecting = true;
        // tmux `window_copy_set_selection`: a word or line selection snaps its end at once.
        self.synchronize_cursor(g, false);
    }

    pub fn begin_selection(&mut self, g: &Grid<'_>) {
        self.lineflag = LineSel::None;
        self.selflag = SelFlag::Char;
        self.start_selection(g);
    }

    /// tmux `window_copy_cmd_select_line`.
    pub fn select_line(&mut self, g: &Grid<'_>, count: usize) {
        self.lineflag = LineSel::LeftRight;
        self.rect = false;
        self.selflag = SelFlag::Line;
        self.dx = self.cx;
        self.dy = self.abs_cy(g);
        self.start_of_line(g);
        self.selrx = self.cx;
        self.selry = self.abs_cy(g);
        self.endselry = self.selry;
        self.start_selection(g);
        self.end_of_line(g);
        self.endselry = self.abs_cy(g);
        self.endselrx = g.length(self.endselry);
        for _ in 1..count {
            self.cursor_down(g, false);
            self.end_of_line(g);
        }
    }

    pub fn clear_selection(&mut self, g: &Grid<'_>) {
        self.selecting = false;
        self.drag = Drag::None;
        self.lineflag = LineSel::None;
        self.selflag = SelFlag::Char;
        let px = g.length(self.abs_cy(g));
        if self.cx > px {
            self.cx = px;
        }
    }

    pub fn set_rect(&mut self, g: &Grid<'_>, rect: bool) {
        self.rect = rect;
        let px = g.length(self.abs_cy(g));
        if self.cx > px {
            self.cx = px;
        }
        self.update_selection(g);
    }

    pub fn other_end(&mut self, g: &Grid<'_>) {
        if !self.selecting && self.lineflag == LineSel::None {
            return;
        }
        self.lineflag = match self.lineflag {
            LineSel::LeftRight => LineSel::RightLeft,
            LineSel::RightLeft => LineSel::LeftRight,
            LineSel::None => LineSel::None,
        };
        self.drag = match self.drag {
            Drag::None | Drag::Sel => Drag::EndSel,
            Drag::EndSel => Drag::Sel,
        };
        let (selx, sely) = if self.drag == Drag::Sel {
            (self.selx, self.sely)
        } else {
            (self.endselx, self.endsely)
        };
        let cy = self.cy;
        let yy = self.abs_cy(g);
        self.cx = selx;
        let h = g.hsize();
        let top = h.saturating_sub(self.oy);
        if sely < top {
            self.oy = h - sely;
            self.cy = 0;
        } else if sely > top + g.sy() {
            self.oy = (h + g.sy() - 1).saturating_sub(sely);
            self.cy = g.sy() - 1;
        } else {
            self.cy = (cy + sely).saturating_sub(yy).min(g.sy() - 1);
        }
        self.update_selection_nr(g, true);
    }

    /// The selected text as tmux copies it (`window_copy_get_selection`); `None` when empty.
    pub fn selection_text(&self, g: &Grid<'_>) -> Option<Vec<u8>> {
        if !self.selecting && self.lineflag == LineSel::None {
            return None;
        }
        let (sx, sy, mut ex, ey) = if (self.endsely, self.endselx) < (self.sely, self.selx) {
            (self.endselx, self.endsely, self.selx, self.sely)
        } else {
            (self.selx, self.sely, self.endselx, self.endsely)
        };
        let ey_last = g.length(ey);
        if ex > ey_last {
            ex = ey_last;
        }
        let xx = g.sx();
        let (firstsx, lastex, restex, restsx);
        if self.rect {
            let selx = if self.drag == Drag::EndSel {
                self.selx
            } else {
                self.endselx
            };
            if selx < self.cx {
                let e = if self.vi { self.cx + 1 } else { self.cx };
                lastex = e;
                restex = e;
                firstsx = selx;
                restsx = selx;
            } else {
                lastex = selx + 1;
                restex = selx + 1;
                firstsx = self.cx;
                restsx = self.cx;
            }
        } else {
            lastex = if self.vi { ex + 1 } else { ex };
            restex = xx;
            firstsx = sx;
            restsx = 0;
        }
        let mut buf = Vec::new();
        for i in sy..=ey {
            let (a, b) = (
                if i == sy { firstsx } else { restsx },
                if i == ey { lastex } else { restex },
            );
            copy_line(g, &mut buf, i, a, b);
        }
        if buf.is_empty() {
            return None;
        }
        if (!self.vi || lastex <= ey_last) && (!g.wrapped(ey) || lastex != ey_last) {
            buf.pop();
        }
        (!buf.is_empty()).then_some(buf)
    }

    /// Per visible row, the highlighted columns (tmux `screen_check_selection`).
    pub fn highlight(&self, g: &Grid<'_>) -> Vec<Option<(u16, u16)>> {
        let sy = g.sy();
        let top = g.hsize().saturating_sub(self.oy);
        let w = g.sx();
        let clamp = |v: usize| u16::try_from(v.min(w)).unwrap_or(u16::MAX);
        if !self.selecting {
            return vec![None; sy];
        }
        let (sx, ssy, ex, ey) = (self.selx, self.sely, self.endselx, self.endsely);
        (0..sy)
            .map(|row| {
                let py = top + row;
                let range = if self.rect {
                    let (lo, hi) = (ssy.min(ey), ssy.max(ey));
                    if py < lo || py > hi {
                        return None;
                    }
                    (sx.min(ex), sx.max(ex) + 1)
                } else {
                    let ((ax, ay), (bx, by)) = if (ey, ex) < (ssy, sx) {
                        ((ex, ey), (sx, ssy))
                    } else {
                        ((sx, ssy), (ex, ey))
                    };
                    if py < ay || py > by {
                        return None;
                    }
                    let start = if py == ay { ax } else { 0 };
                    let end = if py == by {
                        if self.vi { bx + 1 } else { bx }
                    } else {
                        w
                    };
                    (start, end)
                };
                (range.0 < range.1).then(|| (clamp(range.0), clamp(range.1)))
            })
            .collect()
    }

    /// tmux `window_copy_scroll_to`.
    pub fn scroll_to(&mut self, g: &Grid<'_>, px: usize, py: usize) {
        let (h, sy) = (g.hsize(), g.sy());
        self.cx = px;
        let top = h.saturating_sub(self.oy);
        if py >= top && py < top + sy {
            self.cy = py - top;
        } else {
            let gap = sy / 4;
            let offset = if py < sy {
                self.cy = py;
                0
            } else if py > h + sy - gap {
                self.cy = py - h;
                h
            } else {
                let offset = py + gap - sy;
                self.cy = py - offset;
                offset
            };
            self.oy = h.saturating_sub(offset);
        }
        self.update_selection(g);
    }
}

/// tmux `window_copy_copy_line`: columns `sx..ex` of line `y`, and a newline unless the line
/// wrapped and all of it was taken.
fn copy_line(g: &Grid<'_>, buf: &mut Vec<u8>, y: usize, sx: usize, ex: usize) {
    if sx > ex {
        return;
    }
    let line = g.line(y);
    let wrapped = line.wrapped;
    let xx = if wrapped {
        line.cells.len()
    } else {
        line.length()
    };
    let (sx, ex) = (sx.min(xx), ex.min(xx));
    if sx < ex {
        buf.extend_from_slice(line.text(sx, ex).as_bytes());
    }
    if !wrapped || ex != xx {
        buf.push(b'\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEPARATORS: &str = " -_@";

    /// A `cols` x `rows` pane that printed `text`, with history.
    fn pane(cols: u16, rows: u16, text: &str) -> PaneTerm {
        let mut term = PaneTerm::new(cols, rows, 100);
        term.feed(text.as_bytes());
        term
    }

    fn at(mode: &CopyMode, g: &Grid<'_>) -> (usize, usize) {
        (mode.cx, mode.abs_cy(g))
    }

    #[test]
    fn enters_where_the_programs_cursor_is() {
        let term = pane(20, 4, "one\r\n$ ");
        let mode0 = CopyMode::new(&term);
        let g = Grid::new(&mode0.backing);
        let mode = CopyMode::new(&term);
        assert_eq!(at(&mode, &g), (2, 1));
        assert_eq!(mode.oy, 0);
    }

    #[test]
    fn words_forward_and_back_stop_at_separators() {
        let term = pane(30, 4, "foo bar-baz qux\r\n");
        let mode0 = CopyMode::new(&term);
        let g = Grid::new(&mode0.backing);
        let mut mode = CopyMode::new(&term);
        mode.cursor_up(&g, false);
        mode.start_of_line(&g);
        assert_eq!(at(&mode, &g), (0, 0));
        mode.next_word(&g, SEPARATORS);
        assert_eq!(at(&mode, &g), (4, 0), "start of bar");
        mode.next_word(&g, SEPARATORS);
        assert_eq!(
            at(&mode, &g),
            (7, 0),
            "a separator is a word of its own (tmux, as vi's w)"
        );
        mode.next_word(&g, SEPARATORS);
        assert_eq!(at(&mode, &g), (8, 0), "start of baz");
        mode.next_word_end(&g, SEPARATORS);
        assert_eq!(at(&mode, &g), (11, 0), "end of baz (emacs: one past it)");
        mode.previous_word(&g, SEPARATORS, true);
        assert_eq!(at(&mode, &g), (8, 0), "back to the start of baz");
        mode.end_of_line(&g);
        assert_eq!(at(&mode, &g), (15, 0), "after the last character");
    }

    #[test]
    fn left_at_the_start_of_a_line_wraps_to_the_line_above() {
        let term = pane(20, 4, "abc\r\nxy");
        let mode0 = CopyMode::new(&term);
        let g = Grid::new(&mode0.backing);
        let mut mode = CopyMode::new(&term);
        mode.start_of_line(&g);
        assert_eq!(at(&mode, &g), (0, 1));
        mode.cursor_left(&g);
        assert_eq!(
            at(&mode, &g),
            (3, 0),
            "after `abc` (tmux: up, then end of line)"
        );
    }

    #[test]
    fn moving_past_the_top_scrolls_into_history_and_back() {
        let text: String = (0..20).map(|i| format!("line {i}\r\n")).collect();
        let term = pane(20, 5, &text);
        let mode0 = CopyMode::new(&term);
        let g = Grid::new(&mode0.backing);
        let hsize = g.hsize();
        assert!(hsize > 0, "history kept");
        let mut mode = CopyMode::new(&term);
        mode.top_line(&g);
        assert_eq!(mode.cy, 0);
        mode.cursor_up(&g, false);
        assert_eq!(mode.oy, 1, "the view scrolled one line back");
        mode.history_top(&g);
        assert_eq!((mode.oy, mode.cy), (hsize, 0));
        assert_eq!(g.line(mode.abs_cy(&g)).text(0, 6), "line 0");
        mode.history_bottom(&g);
        assert_eq!(mode.oy, 0);
        assert_eq!(mode.cy, g.sy() - 1);
    }

    #[test]
    fn pages_move_by_the_pane_height_less_two_lines() {
        let text: String = (0..40).map(|i| format!("{i}\r\n")).collect();
        let term = pane(10, 6, &text);
        let mode0 = CopyMode::new(&term);
        let g = Grid::new(&mode0.backing);
        let mut mode = CopyMode::new(&term);
        mode.page_up(&g, false);
        assert_eq!(
            mode.oy, 4,
            "tmux window_copy_pageup1: sy - 2 lines per page"
        );
        mode.page_up(&g, true);
        assert_eq!(mode.oy, 7, "half a page: sy / 2");
        let left = mode.page_down(&g, false);
        assert_eq!(mode.oy, 3);
        assert!(!left, "not at the bottom yet");
    }

    #[test]
    fn a_selection_copies_the_text_between_its_ends() {
        let term = pane(30, 4, "hello copy mode\r\n");
        let mode0 = CopyMode::new(&term);
        let g = Grid::new(&mode0.backing);
        let mut mode = CopyMode::new(&term);
        mode.cursor_up(&g, false);
        mode.start_of_line(&g);
        mode.next_word(&g, SEPARATORS);
        mode.start_selection(&g);
        mode.next_word_end(&g, SEPARATORS);
        let text = mode.selection_text(&g).expect("a selection");
        assert_eq!(String::from_utf8_lossy(&text), "copy");
        mode.clear_selection(&g);
        assert!(mode.selection_text(&g).is_none());
    }
}
