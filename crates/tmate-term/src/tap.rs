//! The tap between the escape-sequence parser and alacritty's `Term`: it forwards every call
//! and, before the ones that can scroll lines off the normal screen, moves the lines alacritty
//! put in its (deliberately small) grid history into the compact [`History`], so the grid never
//! holds more than a screen's worth of history cells.
//!
//! Why this shape: alacritty keeps history as full 24-byte cells and grows its buffer a thousand
//! rows at a time, so a pane that scrolled once costs megabytes. Its grid offers no hook when a
//! row leaves the screen, but every such row enters the grid history first; with a grid history
//! limit of one screen plus a little, emptying it before each call that could add a screen of
//! lines loses nothing, and the grid's storage is allocated once at that size.

use std::mem;

use alacritty_terminal::Term;
use alacritty_terminal::event::EventListener;
use alacritty_terminal::grid::{BidirectionalIterator, Dimensions, Grid, GridCell};
use alacritty_terminal::index::{Column, Line, Point};
use alacritty_terminal::term::TermMode;
use alacritty_terminal::term::cell::Cell as AlaCell;
use alacritty_terminal::vte::ansi::{
    Attr, CharsetIndex, ClearMode, Color as AlaColor, CursorShape, CursorStyle, Handler, Hyperlink,
    KeyboardModes, KeyboardModesApplyBehavior, LineClearMode, Mode, NamedPrivateMode, PrivateMode,
    Rgb, StandardCharset, TabulationClearMode,
};

use crate::history::History;

/// Grid history lines that make the tap empty the grid history into [`History`].
pub(crate) const DRAIN_AT: usize = 8;
/// The grid's history limit (and rows allocated for it) while no scroll region is set: the tap
/// splits every call that scrolls several lines into single lines, so a few rows suffice.
pub(crate) const SMALL_GRID_HISTORY: usize = 2 * DRAIN_AT;

/// What the normal screen's alacritty grid is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GridMode {
    /// No grid history at all (the pane never scrolled): no cells beyond the screen. Must
    /// become `Compact` before anything can scroll a line off.
    Plain,
    /// Grid history of a few lines ([`SMALL_GRID_HISTORY`]; a screen plus [`DRAIN_AT`] while a
    /// scroll region is set, whose multi-line scrolls the tap does not split), storage
    /// allocated once.
    Compact,
    /// Grid history up to the pane's full limit, all of it in the grid (the compact history
    /// empty): only after a resize in the alternate screen, whose hidden normal screen cannot
    /// be reached until the program leaves it. Made `Compact` again at the first chance.
    Full,
}

/// The compact history and what the tap knows about the grid.
pub(crate) struct TapState {
    pub(crate) history: History,
    pub(crate) mode: GridMode,
    /// A scroll region other than the whole screen may be set: then any line feed may scroll.
    pub(crate) region_set: bool,
    /// The pane's history limit (alacritty's `scrolling_history` for a full grid).
    pub(crate) scrollback: usize,
    /// The grid's own history limit now.
    pub(crate) grid_limit: usize,
    /// The compact grid was made for a scroll region (a screen of history rows).
    pub(crate) wide: bool,
    /// The tap redrew the screen behind alacritty's damage tracking (its own screen clear).
    pub(crate) full_damage: bool,
    /// Rebuilds a cell's extra storage within the engine's caps before it is kept.
    pub(crate) trim: fn(&AlaCell) -> AlaCell,
    /// Where the cursor was when the program last entered the alternate screen with
    /// `?1049h` (tmux's `saved_cx`/`saved_cy`); `None` until then and after a reset.
    pub(crate) alternate_saved: Option<(usize, usize)>,
    /// tmux's `scroll-on-clear`: clearing the whole normal screen moves its lines into the
    /// history (else they are gone).
    pub(crate) scroll_on_clear: bool,
    /// Per column, whether it is a tab stop, as tmux keeps them (`screen.tabs`, for
    /// `#{pane_tabs}`): alacritty's own are private.
    pub(crate) tabs: Vec<bool>,
    /// The scroll region's first and last rows as tmux keeps them (`rupper`, `rlower`, for
    /// `#{scroll_region_*}`); alacritty's own is private.
    pub(crate) region: (usize, usize),
}

/// tmux's default tab stops for `cols` columns: every eighth column from 8.
fn default_tabs(cols: usize) -> Vec<bool> {
    (0..cols).map(|c| c > 0 && c % 8 == 0).collect()
}

/// The whole screen of `rows` rows as a scroll region.
fn whole_region(rows: usize) -> (usize, usize) {
    (0, rows.saturating_sub(1))
}

impl TapState {
    pub(crate) fn new(
        scrollback: usize,
        trim: fn(&AlaCell) -> AlaCell,
        cols: usize,
        rows: usize,
    ) -> Self {
        TapState {
            // One line short: the newest history line stays in the grid (see `keep`).
            history: History::new(scrollback.saturating_sub(1)),
            grid_limit: 0,
            wide: false,
            full_damage: false,
            mode: GridMode::Plain,
            region_set: false,
            scrollback,
            trim,
            alternate_saved: None,
            scroll_on_clear: true,
            tabs: default_tabs(cols),
            region: whole_region(rows),
        }
    }
}

fn in_alt<L>(term: &Term<L>) -> bool {
    term.mode().contains(TermMode::ALT_SCREEN)
}

/// A new grid of the same size as `old` with history limit `limit` and storage for `reserve`
/// history rows allocated up front; `old`'s screen rows and cursors move into it.
fn regrid(old: &mut Grid<AlaCell>, limit: usize, reserve: usize) -> Grid<AlaCell> {
    let rows = old.screen_lines();
    let cols = old.columns();
    let mut grid = Grid::new(rows + reserve, cols, limit);
    if reserve > 0 {
        // Shrinking keeps the rows allocated: alacritty reuses them as history rows instead of
        // growing its buffer by a thousand rows at the first scroll.
        grid.resize::<AlaColor>(false, rows, cols);
    }
    grid
}

fn move_screen(old: &mut Grid<AlaCell>, new: &mut Grid<AlaCell>) {
    for line in 0..old.screen_lines() {
        let line = Line(i32::try_from(line).unwrap_or(i32::MAX));
        mem::swap(&mut old[line], &mut new[line]);
    }
    new.cursor = old.cursor.clone();
    new.saved_cursor = old.saved_cursor.clone();
}

/// Mark every cell of the screen rows as written, so that clearing a row clears all of it.
/// alacritty tracks how far each row was written and clears only that far; its reflow can
/// leave that mark short, and a cleared row then keeps stale cells. Rows rebuilt from the
/// compact history are marked whole, so screen rows are too, before and after a resize: then
/// every row clears whole whatever went through the compact history.
pub(crate) fn mark_rows_whole(grid: &mut Grid<AlaCell>) {
    for line in 0..grid.screen_lines() {
        let line = Line(i32::try_from(line).unwrap_or(i32::MAX));
        // A mutable iteration marks the whole row written (alacritty's own rule).
        let _ = (&mut grid[line]).into_iter();
    }
}

/// Move the active grid's history (oldest first) into the compact history, all but its newest
/// `keep` lines.
pub(crate) fn drain_grid<L>(term: &mut Term<L>, state: &mut TapState, keep: usize) {
    let grid = term.grid_mut();
    let cols = grid.columns();
    let history = grid.history_size();
    let kept = keep.min(history);
    let blank = AlaCell::default();
    for back in (kept + 1..=history).rev() {
        let line = Line(-i32::try_from(back).unwrap_or(i32::MAX));
        state.history.push(&grid[line][..Column(cols)], state.trim);
        // alacritty reuses this row for the next line scrolled in: blank it, like the new row
        // alacritty would have used (`reset` clears every cell written since the last reset).
        grid[line].reset(&blank);
    }
    // Lowering the limit drops the oldest lines; the limit then goes back up.
    let limit = state.grid_limit;
    grid.update_history(kept);
    grid.update_history(limit);
}

/// Lines of grid history the tap leaves: alacritty clears the screen differently when there is
/// history above it (a blank screen is not pushed into it), so with any history kept, the
/// newest line stays in the grid.
fn keep(state: &TapState) -> usize {
    usize::from(state.scrollback > 0)
}

/// Give the normal screen (the active grid) a grid of `mode`; its newest history line moves
/// along, the rest goes to the compact history.
fn install<L>(term: &mut Term<L>, state: &mut TapState, mode: GridMode) {
    let keep = keep(state);
    drain_grid(term, state, keep);
    let old = term.grid_mut();
    let rows = old.screen_lines();
    let limit = match mode {
        GridMode::Plain => 0,
        GridMode::Compact if state.region_set => rows + DRAIN_AT,
        GridMode::Compact => SMALL_GRID_HISTORY,
        GridMode::Full => state.scrollback,
    };
    state.wide = state.region_set;
    let reserve = if mode == GridMode::Compact { limit } else { 0 };
    let mut grid = regrid(old, limit, reserve);
    if old.history_size() > 0 && limit > 0 {
        let whole = Line(0)..Line(i32::try_from(rows).unwrap_or(i32::MAX));
        grid.scroll_up::<AlaColor>(&whole, 1);
        mem::swap(&mut grid[Line(-1)], &mut old[Line(-1)]);
    }
    move_screen(old, &mut grid);
    *old = grid;
    state.grid_limit = limit;
    state.mode = mode;
}

/// Outside the alternate screen: empty the grid history into the compact one, and leave a
/// full grid for a compact one.
pub(crate) fn drain<L>(term: &mut Term<L>, state: &mut TapState) {
    if in_alt(term) {
        return;
    }
    if state.mode == GridMode::Full {
        install(term, state, GridMode::Compact);
    } else if term.grid().history_size() > keep(state) {
        drain_grid(term, state, keep(state));
    }
}

/// Put the whole history back into the active grid (limit: the pane's), as alacritty would
/// hold it without the tap: what a resize must reflow.
pub(crate) fn rebuild_full<L>(term: &mut Term<L>, state: &mut TapState) {
    // Everything into the compact history first (its limit is one short of the pane's, for the
    // line kept in the grid: lifted meanwhile).
    state.history.set_limit(state.scrollback);
    drain_grid(term, state, 0);
    let old = term.grid_mut();
    let rows = old.screen_lines();
    let cols = old.columns();
    let mut grid = regrid(old, state.scrollback, 0);
    let n = state.history.len();
    if n > 0 {
        // Scrolling the fresh grid is the only way to give it history rows; they are all
        // overwritten below.
        let whole = Line(0)..Line(i32::try_from(rows).unwrap_or(i32::MAX));
        grid.scroll_up::<AlaColor>(&whole, n);
        let mut cells = Vec::with_capacity(cols);
        for i in 0..n {
            if !state.history.line_into(i, cols, &mut cells) {
                continue;
            }
            let line = Line(i32::try_from(i).unwrap_or(0) - i32::try_from(n).unwrap_or(0));
            let row = &mut grid[line];
            for (col, cell) in cells.drain(..).enumerate() {
                row[Column(col)] = cell;
            }
        }
    }
    move_screen(old, &mut grid);
    mark_rows_whole(&mut grid);
    *old = grid;
    state.history.clear();
    state.history.set_limit(state.scrollback.saturating_sub(1));
    state.grid_limit = state.scrollback;
    state.mode = GridMode::Full;
}

/// alacritty's tab stops made tmux's defaults, the cursor left where it was.
pub(crate) fn reset_term_tabs<L: EventListener>(term: &mut Term<L>) {
    let cursor = term.grid().cursor.clone();
    term.clear_tabs(TabulationClearMode::All);
    for col in (8..term.grid().columns()).step_by(8) {
        term.grid_mut().cursor.point.column = Column(col);
        term.set_horizontal_tabstop();
    }
    term.grid_mut().cursor = cursor;
}

/// Give alacritty the scroll region `(upper, lower)` again, the cursor left where it was
/// (alacritty forgets it at every resize).
pub(crate) fn restore_term_region<L: EventListener>(
    term: &mut Term<L>,
    (upper, lower): (usize, usize),
) {
    let cursor = term.grid().cursor.clone();
    term.set_scrolling_region(upper + 1, Some(lower + 1));
    term.grid_mut().cursor = cursor;
}

/// After a resize from `old` (columns, rows): the tab stops and scroll region as tmux leaves
/// them (the defaults after a change of width, the whole screen after a change of height: a
/// region survives a change of width only, which alacritty forgets), and the grid history back
/// into the compact one, on a grid of the new size.
pub(crate) fn after_resize<L: EventListener>(
    term: &mut Term<L>,
    state: &mut TapState,
    old: (usize, usize),
) {
    let (cols, rows) = (term.grid().columns(), term.grid().screen_lines());
    if cols != old.0 {
        state.tabs = default_tabs(cols);
        reset_term_tabs(term);
    }
    if rows != old.1 || !state.region_set {
        state.region = whole_region(rows);
        state.region_set = false;
    } else {
        restore_term_region(term, state.region);
    }
    mark_rows_whole(term.grid_mut());
    if in_alt(term) {
        // The normal screen is out of reach: it stays full until the program leaves.
        return;
    }
    let mode = if state.history.is_empty() && term.grid().history_size() == 0 {
        GridMode::Plain
    } else {
        GridMode::Compact
    };
    install(term, state, mode);
}

/// The parser's handler: `Term` with the tap in front.
pub(crate) struct Tap<'a, L> {
    pub(crate) term: &'a mut Term<L>,
    pub(crate) state: &'a mut TapState,
}

impl<L: EventListener> Tap<'_, L> {
    /// Before a call that adds lines to the grid history when `may_scroll` (a superset of the
    /// cases where it does).
    fn before(&mut self, may_scroll: bool) {
        if in_alt(self.term) {
            return;
        }
        match self.state.mode {
            GridMode::Plain => {
                // Without history nothing is kept, as alacritty keeps none.
                if may_scroll && self.state.scrollback > 0 {
                    install(self.term, self.state, GridMode::Compact);
                }
            }
            GridMode::Compact => {
                if self.state.wide != self.state.region_set {
                    // A scroll region came or went: a grid with room for its scrolls, or back.
                    install(self.term, self.state, GridMode::Compact);
                } else if self.term.grid().history_size() >= DRAIN_AT {
                    drain_grid(self.term, self.state, keep(self.state));
                }
            }
            GridMode::Full => drain(self.term, self.state),
        }
    }

    /// A call that scrolls `n` lines off the top at once must be split into single lines: the
    /// normal screen with a compact grid and no scroll region (with one, the grid has room).
    fn split(&mut self, n: usize) -> Option<usize> {
        if n <= 1 || in_alt(self.term) || self.state.region_set || self.state.scrollback == 0 {
            return None;
        }
        Some(n.min(self.term.grid().screen_lines()))
    }

    /// alacritty's clear of the normal screen (ED 2), whose lines up to the last one written
    /// go to the history, one line at a time so that the small grid history suffices.
    fn clear_normal_screen(&mut self) {
        self.before(true);
        let grid = self.term.grid();
        let lines = grid.screen_lines();
        // alacritty's count: from the bottom right back to the last cell that is not empty,
        // stopping at the history.
        let end = Point::new(
            Line(i32::try_from(lines).unwrap_or(i32::MAX) - 1),
            Column(grid.columns()),
        );
        let mut iter = grid.iter_from(end);
        while let Some(cell) = iter.prev() {
            if !cell.is_empty() || cell.point.line < 0 {
                break;
            }
        }
        let positions = usize::try_from(iter.point().line.0 + 1).unwrap_or(0);
        let whole = Line(0)..Line(i32::try_from(lines).unwrap_or(i32::MAX));
        for _ in 0..positions {
            self.before(true);
            self.term.grid_mut().scroll_up::<AlaColor>(&whole, 1);
        }
        self.term.grid_mut().reset_region(..);
        self.state.full_damage = true;
    }

    /// The cursor's column as tmux's `s->cx` for tab stops: `None` while it waits past the
    /// last column to wrap, where tmux sets and clears none.
    fn tab_column(&self) -> Option<usize> {
        let cursor = &self.term.grid().cursor;
        (!cursor.input_needs_wrap).then_some(cursor.point.column.0)
    }

    /// A line feed here may scroll: the cursor is on the last row, or a scroll region may
    /// end above it.
    fn at_bottom(&self) -> bool {
        let grid = self.term.grid();
        let next = usize::try_from(grid.cursor.point.line.0 + 1).unwrap_or(0);
        self.state.region_set || next >= grid.screen_lines()
    }
}

impl<L: EventListener> Handler for Tap<'_, L> {
    fn set_title(&mut self, title: Option<String>) {
        self.term.set_title(title);
    }
    fn set_cursor_style(&mut self, style: Option<CursorStyle>) {
        self.term.set_cursor_style(style);
    }
    fn set_cursor_shape(&mut self, shape: CursorShape) {
        self.term.set_cursor_shape(shape);
    }
    fn input(&mut self, c: char) {
        let may = self.at_bottom();
        self.before(may);
        self.term.input(c);
    }
    fn goto(&mut self, line: i32, col: usize) {
        self.term.goto(line, col);
    }
    fn goto_line(&mut self, line: i32) {
        self.term.goto_line(line);
    }
    fn goto_col(&mut self, col: usize) {
        self.term.goto_col(col);
    }
    fn insert_blank(&mut self, n: usize) {
        self.term.insert_blank(n);
    }
    fn move_up(&mut self, n: usize) {
        self.term.move_up(n);
    }
    fn move_down(&mut self, n: usize) {
        self.term.move_down(n);
    }
    fn identify_terminal(&mut self, intermediate: Option<char>) {
        self.term.identify_terminal(intermediate);
    }
    fn device_status(&mut self, n: usize) {
        self.term.device_status(n);
    }
    fn move_forward(&mut self, col: usize) {
        self.term.move_forward(col);
    }
    fn move_backward(&mut self, col: usize) {
        self.term.move_backward(col);
    }
    fn move_down_and_cr(&mut self, row: usize) {
        self.term.move_down_and_cr(row);
    }
    fn move_up_and_cr(&mut self, row: usize) {
        self.term.move_up_and_cr(row);
    }
    fn put_tab(&mut self, count: u16) {
        self.term.put_tab(count);
    }
    fn backspace(&mut self) {
        self.term.backspace();
    }
    fn carriage_return(&mut self) {
        self.term.carriage_return();
    }
    fn linefeed(&mut self) {
        let may = self.at_bottom();
        self.before(may);
        self.term.linefeed();
    }
    fn bell(&mut self) {
        self.term.bell();
    }
    fn substitute(&mut self) {
        self.term.substitute();
    }
    fn newline(&mut self) {
        let may = self.at_bottom();
        self.before(may);
        self.term.newline();
    }
    fn set_horizontal_tabstop(&mut self) {
        if let Some(col) = self.tab_column() {
            if let Some(stop) = self.state.tabs.get_mut(col) {
                *stop = true;
            }
            self.term.set_horizontal_tabstop();
        }
    }
    fn scroll_up(&mut self, n: usize) {
        match self.split(n) {
            Some(k) => {
                for _ in 0..k {
                    self.before(true);
                    self.term.scroll_up(1);
                }
            }
            None => {
                self.before(true);
                self.term.scroll_up(n);
            }
        }
    }
    fn scroll_down(&mut self, n: usize) {
        self.term.scroll_down(n);
    }
    fn insert_blank_lines(&mut self, n: usize) {
        self.term.insert_blank_lines(n);
    }
    fn delete_lines(&mut self, n: usize) {
        let top = self.term.grid().cursor.point.line.0 == 0;
        match self.split(n).filter(|_| top) {
            Some(k) => {
                for _ in 0..k {
                    self.before(true);
                    self.term.delete_lines(1);
                }
            }
            None => {
                self.before(top);
                self.term.delete_lines(n);
            }
        }
    }
    fn erase_chars(&mut self, n: usize) {
        self.term.erase_chars(n);
    }
    fn delete_chars(&mut self, n: usize) {
        self.term.delete_chars(n);
    }
    fn move_backward_tabs(&mut self, count: u16) {
        self.term.move_backward_tabs(count);
    }
    fn move_forward_tabs(&mut self, count: u16) {
        self.term.move_forward_tabs(count);
    }
    fn save_cursor_position(&mut self) {
        self.term.save_cursor_position();
    }
    fn restore_cursor_position(&mut self) {
        self.term.restore_cursor_position();
    }
    fn clear_line(&mut self, mode: LineClearMode) {
        self.term.clear_line(mode);
    }
    fn clear_screen(&mut self, mode: ClearMode) {
        match mode {
            ClearMode::All if !in_alt(self.term) && !self.state.scroll_on_clear => {
                // Blanked where they are: alacritty's own clear would scroll them away.
                self.term.grid_mut().reset_region(..);
                self.state.full_damage = true;
                return;
            }
            ClearMode::All if !in_alt(self.term) && self.state.scrollback > 0 => {
                return self.clear_normal_screen();
            }
            ClearMode::Saved if !in_alt(self.term) => self.state.history.clear(),
            _ => {}
        }
        self.term.clear_screen(mode);
    }
    fn clear_tabs(&mut self, mode: TabulationClearMode) {
        match mode {
            TabulationClearMode::Current => {
                let Some(col) = self.tab_column() else {
                    return;
                };
                if let Some(stop) = self.state.tabs.get_mut(col) {
                    *stop = false;
                }
            }
            TabulationClearMode::All => self.state.tabs.fill(false),
        }
        self.term.clear_tabs(mode);
    }
    fn reset_state(&mut self) {
        self.term.reset_state();
        // The normal screen is active again, its history gone.
        self.state.history.clear();
        self.state.region_set = false;
        self.state.alternate_saved = None;
        let grid = self.term.grid();
        self.state.tabs = default_tabs(grid.columns());
        self.state.region = whole_region(grid.screen_lines());
    }
    fn reverse_index(&mut self) {
        self.term.reverse_index();
    }
    fn terminal_attribute(&mut self, attr: Attr) {
        self.term.terminal_attribute(attr);
    }
    fn set_mode(&mut self, mode: Mode) {
        self.term.set_mode(mode);
    }
    fn unset_mode(&mut self, mode: Mode) {
        self.term.unset_mode(mode);
    }
    fn report_mode(&mut self, mode: Mode) {
        self.term.report_mode(mode);
    }
    fn set_private_mode(&mut self, mode: PrivateMode) {
        if mode == PrivateMode::Named(NamedPrivateMode::SwapScreenAndSetRestoreCursor)
            && !in_alt(self.term)
        {
            let point = self.term.grid().cursor.point;
            let line = usize::try_from(point.line.0).unwrap_or(0);
            self.state.alternate_saved = Some((point.column.0, line));
        }
        self.term.set_private_mode(mode);
    }
    fn unset_private_mode(&mut self, mode: PrivateMode) {
        self.term.unset_private_mode(mode);
    }
    fn report_private_mode(&mut self, mode: PrivateMode) {
        self.term.report_private_mode(mode);
    }
    fn set_scrolling_region(&mut self, top: usize, bottom: Option<usize>) {
        // tmux's rules (`screen_write_scrollregion`), which alacritty's differ from at the
        // edges: both rows clamped to the screen, a region of one line refused.
        let last = self.term.grid().screen_lines().saturating_sub(1);
        let upper = top.saturating_sub(1).min(last);
        let lower = bottom.map_or(last, |b| b.saturating_sub(1).min(last));
        if upper >= lower {
            return;
        }
        self.state.region = (upper, lower);
        self.state.region_set = (upper, lower) != (0, last);
        self.term.set_scrolling_region(upper + 1, Some(lower + 1));
    }
    fn set_keypad_application_mode(&mut self) {
        self.term.set_keypad_application_mode();
    }
    fn unset_keypad_application_mode(&mut self) {
        self.term.unset_keypad_application_mode();
    }
    fn set_active_charset(&mut self, index: CharsetIndex) {
        self.term.set_active_charset(index);
    }
    fn configure_charset(&mut self, index: CharsetIndex, charset: StandardCharset) {
        self.term.configure_charset(index, charset);
    }
    fn set_color(&mut self, index: usize, rgb: Rgb) {
        self.term.set_color(index, rgb);
    }
    fn dynamic_color_sequence(&mut self, prefix: String, index: usize, terminator: &str) {
        self.term.dynamic_color_sequence(prefix, index, terminator);
    }
    fn reset_color(&mut self, index: usize) {
        self.term.reset_color(index);
    }
    fn clipboard_store(&mut self, clipboard: u8, data: &[u8]) {
        self.term.clipboard_store(clipboard, data);
    }
    fn clipboard_load(&mut self, clipboard: u8, terminator: &str) {
        self.term.clipboard_load(clipboard, terminator);
    }
    fn decaln(&mut self) {
        self.term.decaln();
    }
    fn push_title(&mut self) {
        self.term.push_title();
    }
    fn pop_title(&mut self) {
        self.term.pop_title();
    }
    fn text_area_size_pixels(&mut self) {
        self.term.text_area_size_pixels();
    }
    fn text_area_size_chars(&mut self) {
        self.term.text_area_size_chars();
    }
    fn set_hyperlink(&mut self, link: Option<Hyperlink>) {
        self.term.set_hyperlink(link);
    }
    fn report_keyboard_mode(&mut self) {
        self.term.report_keyboard_mode();
    }
    fn push_keyboard_mode(&mut self, mode: KeyboardModes) {
        self.term.push_keyboard_mode(mode);
    }
    fn pop_keyboard_modes(&mut self, to_pop: u16) {
        self.term.pop_keyboard_modes(to_pop);
    }
    fn set_keyboard_mode(&mut self, mode: KeyboardModes, behavior: KeyboardModesApplyBehavior) {
        self.term.set_keyboard_mode(mode, behavior);
    }
}
