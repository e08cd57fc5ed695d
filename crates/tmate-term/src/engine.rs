//! The terminal engine behind `PaneTerm`: a small private trait and its alacritty_terminal
//! implementation, with the limits that keep hostile pane output from making it allocate without
//! bound (filtered input, capped combining marks) or take the process down (caught panics).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex, PoisonError};

use alacritty_terminal::Term;
use alacritty_terminal::event::{Event, EventListener};
use alacritty_terminal::grid::Dimensions;
use alacritty_terminal::index::{Column, Line};
use alacritty_terminal::term::cell::{Cell as AlaCell, Flags};
use alacritty_terminal::term::{Config, TermDamage, TermMode};
use alacritty_terminal::vte::ansi::{Color as AlaColor, NamedColor, Processor};

use crate::filter::InputFilter;
use crate::flood;
use crate::style::{Attrs, Cell, Color, PaneModes, Style};
use crate::tap::{self, GridMode, Tap, TapState};

/// What `PaneTerm` needs from an emulator. Kept small so that the engine can be replaced
/// (alacritty_terminal's API changes between 0.x releases) without touching the rest.
pub(crate) trait Engine: Send {
    /// Parse PTY output. Must not panic (implementations catch and recover).
    fn feed(&mut self, bytes: &[u8]);
    fn resize(&mut self, cols: usize, rows: usize);
    /// (cols, rows) of the grid.
    fn size(&self) -> (usize, usize);
    /// Write the visible cell at (`col`, `row`) into `out` (reusing its text buffer); false when
    /// out of range (then `out` is untouched).
    fn cell_into(&self, col: usize, row: usize, out: &mut Cell) -> bool;
    /// Width of the visible cell (0, 1, 2); `None` when out of range.
    fn cell_width(&self, col: usize, row: usize) -> Option<u8>;
    /// (col, row) on the visible screen.
    fn cursor(&self) -> (usize, usize);
    fn modes(&self) -> PaneModes;
    /// Insert mode (IRM), origin mode (DECOM), autowrap (DECAWM): tmux's `insert_flag`,
    /// `origin_flag`, `wrap_flag`.
    fn edit_modes(&self) -> (bool, bool, bool);
    fn title(&self) -> Option<String>;
    /// A bell (BEL outside a string sequence) was fed since the last call.
    fn take_bell(&mut self) -> bool;
    /// How many titles were set (OSC 0/2, even to the same text, or popped) since the last
    /// call.
    fn take_title_set(&mut self) -> u32;
    /// The OSC 52 strings (`52;FLAGS;DATA`, ended by BEL or not) fed since the last call.
    fn take_clipboard(&mut self) -> Vec<(Vec<u8>, bool)>;
    fn scrollback_len(&self) -> usize;
    /// Show the screen scrolled back by `lines` into history (0: the live screen), as copy mode
    /// does; clamped to the history there is.
    fn set_view_offset(&mut self, lines: usize);
    /// A line of history or screen by absolute index (0 = oldest history line), ignoring the
    /// view offset, as `cols` cells (blanks past the grid) into `out`; whether it continues on
    /// the next one (it wrapped at the right edge); `None` when out of range.
    fn grid_line_into(&self, line: usize, cols: usize, out: &mut Vec<Cell>) -> Option<bool>;
    /// Heap bytes the history holds (compact lines, grid rows kept for history).
    fn history_bytes(&self) -> usize;
    /// Drop the history (tmux `clear-history`).
    fn clear_history(&mut self);
    /// The last path the program set with OSC 7.
    fn path(&self) -> Option<String>;
    /// The window name the program set with `ESC k NAME ST` since the last call.
    fn take_rename(&mut self) -> Option<String>;
    /// The passthrough DCS data (`ESC P tmux; ... ST`) fed since the last call.
    fn take_passthrough(&mut self) -> Vec<Vec<u8>>;
    /// The bytes of the unfinished escape sequence at the end of the input so far.
    fn pending_input(&self) -> Vec<u8>;
    /// The cursor (col, row) saved by the last `?1049h` entering the alternate screen.
    fn alternate_saved_cursor(&self) -> Option<(usize, usize)>;
    /// The viewport rows changed since the last call, into `rows`; `true`: all of them.
    fn take_damage(&mut self, rows: &mut Vec<usize>) -> bool;
    /// In the alternate screen: make the normal screen kept under it the one every reader sees,
    /// until `show_alternate_screen`; false (nothing changed) when the alternate screen is off.
    fn show_normal_screen(&mut self) -> bool;
    /// Undo `show_normal_screen`: the alternate screen exactly as it was.
    fn show_alternate_screen(&mut self);
    /// The tab stops (columns) as tmux keeps them.
    fn tab_stops(&self) -> Vec<usize>;
    /// The scroll region's first and last rows as tmux keeps them.
    fn scroll_region(&self) -> (usize, usize);
    /// tmux `screen_write_reset`, not through the parser: a blank screen, the cursor home, no
    /// scroll region, insert and origin modes off, wrapping on; the pen (colours and
    /// attributes), charsets, saved cursor and an unfinished sequence stay with the parser.
    fn reset_screen(&mut self);
}

/// Most zero-width characters kept on one cell. alacritty appends combining marks to a cell
/// without limit; a hostile stream of them would grow one cell forever.
const MAX_ZEROWIDTH_PER_CELL: usize = 16;
/// Possible combining marks fed between two scans of the whole history (the visible screen is
/// checked after every feed that may have added some; lines can scroll away within one feed).
const ZEROWIDTH_SCAN_EVERY: usize = 32 * 1024;
/// Feed the engine in pieces of at most this size, so the zero-width checks run between them.
const FEED_CHUNK: usize = 64 * 1024;
/// Capacity the filtered-input buffer keeps between feeds.
const SCRATCH_KEEP: usize = 8 * 1024;

/// Grid size in the form alacritty asks for.
struct GridSize {
    cols: usize,
    rows: usize,
}

impl Dimensions for GridSize {
    fn total_lines(&self) -> usize {
        self.rows
    }
    fn screen_lines(&self) -> usize {
        self.rows
    }
    fn columns(&self) -> usize {
        self.cols
    }
}

/// Receives alacritty's events: the title, bells, and the replies tmux 3.3a's `input.c` also
/// gives (device status and the cursor position, the size in characters; the input filter
/// answers device attributes and XTVERSION), in tmux's words, for the host to write to the pane (relay mirrors never take them: their
/// queue is bounded). alacritty's other replies (DECRQM, the kitty keyboard mode) and its
/// colour and pixel-size requests are dropped: tmux 3.3a does not answer those.
#[derive(Clone, Default)]
struct Listener {
    title: Arc<Mutex<Option<String>>>,
    bell: Arc<std::sync::atomic::AtomicBool>,
    /// For the host's pane-title-changed hook, which tmux raises on every title set.
    title_set: Arc<std::sync::atomic::AtomicU32>,
    replies: Arc<Mutex<Vec<u8>>>,
}

/// Reply bytes kept for the host at most: replies past it are dropped (a flood of queries
/// into a terminal nobody takes replies from, a relay mirror, stays small).
const MAX_REPLY_BYTES: usize = 64 * 1024;

/// Queue `reply` for the host, unless the queue is full.
fn queue_reply(replies: &Mutex<Vec<u8>>, reply: &[u8]) {
    let mut replies = replies.lock().unwrap_or_else(PoisonError::into_inner);
    if replies.len() + reply.len() <= MAX_REPLY_BYTES {
        replies.extend_from_slice(reply);
    }
}

/// tmux 3.3a's answer to what alacritty answered with `text`, if tmux answers it at all.
fn tmux_reply(text: &str) -> Option<std::borrow::Cow<'_, str>> {
    let csi = text.strip_prefix("\x1b[")?;
    if let Some((lines, columns)) = csi
        .strip_prefix("8;")
        .and_then(|size| size.strip_suffix('t'))
        .and_then(|size| size.split_once(';'))
    {
        // The text area in characters: tmux 3.3a puts the columns first (xterm the lines).
        Some(format!("\x1b[8;{columns};{lines}t").into())
    } else if csi == "0n"
        || (csi.ends_with('R')
            && csi
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b';' || b == b'R'))
    {
        // Device status and the cursor position: as alacritty's.
        Some(text.into())
    } else {
        None
    }
}

impl EventListener for Listener {
    fn send_event(&self, event: Event) {
        let new = match event {
            Event::Title(title) => Some(title),
            Event::ResetTitle => None,
            Event::Bell => {
                self.bell.store(true, std::sync::atomic::Ordering::Relaxed);
                return;
            }
            Event::PtyWrite(text) => {
                if let Some(reply) = tmux_reply(&text) {
                    queue_reply(&self.replies, reply.as_bytes());
                }
                return;
            }
            _ => return,
        };
        self.title_set
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        *self.title.lock().unwrap_or_else(PoisonError::into_inner) = new;
    }
}

pub(crate) struct AlacrittyEngine {
    term: Term<Listener>,
    parser: Processor,
    listener: Listener,
    scrollback: usize,
    filter: InputFilter,
    /// Characters fed since the last full zero-width scan that may have become combining marks.
    marks_since_scan: usize,
    /// Reused buffer for filtered bytes.
    scratch: Vec<u8>,
    /// Lines the view is scrolled back into history (copy mode on the host).
    view_offset: usize,
    /// Cells were trimmed since the last `take_damage` (alacritty does not see that change).
    trimmed: bool,
    /// The alternate screen while `show_normal_screen` has swapped it out.
    stashed_alternate: Option<alacritty_terminal::grid::Grid<AlaCell>>,
    /// The normal screen's history, compact, and the tap's view of the grid.
    tap: TapState,
    /// With a view offset: per visible row, the compact history line it shows (absolute index
    /// and cells), decoded once per change rather than per cell read.
    view_rows: Vec<Option<(usize, Vec<AlaCell>)>>,
}

impl AlacrittyEngine {
    /// The cursor state the program set with its own sequences.
    pub(crate) fn pane_cursor(&self) -> &crate::cursor::PaneCursor {
        &self.filter.cursor
    }

    /// The colour requests fed since the last call, in order.
    /// The replies to the program's queries since the last call, in order (see `Listener`).
    pub(crate) fn take_replies(&mut self) -> Vec<u8> {
        std::mem::take(
            &mut *self
                .listener
                .replies
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        )
    }

    pub(crate) fn take_colour_requests(&mut self) -> Vec<crate::cursor::ColourRequest> {
        self.filter.cursor.take_colour_requests()
    }

    /// `cols` must be at least 2 and `rows` at least 1 (the caller clamps).
    pub(crate) fn new(cols: usize, rows: usize, scrollback: usize) -> Self {
        let listener = Listener::default();
        // The grid starts with no history: the tap gives it a small one at the first scroll and
        // keeps the lines that leave it in `tap.history`.
        let config = Config {
            scrolling_history: 0,
            ..Config::default()
        };
        let term = Term::new(config, &GridSize { cols, rows }, listener.clone());
        AlacrittyEngine {
            term,
            parser: Processor::new(),
            listener,
            scrollback,
            filter: InputFilter::default(),
            marks_since_scan: 0,
            scratch: Vec::new(),
            view_offset: 0,
            trimmed: false,
            stashed_alternate: None,
            tap: TapState::new(scrollback, trimmed_cell, cols, rows),
            view_rows: Vec::new(),
        }
    }

    /// Throw the whole state away after the engine panicked: an empty screen of the same size.
    fn reset_after_panic(&mut self) {
        let (cols, rows) = self.size();
        *self = AlacrittyEngine::new(cols.max(2), rows.max(1), self.scrollback);
    }

    /// Trim the zero-width lists of the visible cells (and of the history too when
    /// `whole_history`) to [`MAX_ZEROWIDTH_PER_CELL`].
    fn trim_zerowidth(&mut self, whole_history: bool) {
        let grid = self.term.grid_mut();
        let top = if whole_history {
            -(grid.history_size() as i32)
        } else {
            0
        };
        let bottom = grid.screen_lines() as i32;
        let cols = grid.columns();
        for line in top..bottom {
            let row = &mut grid[Line(line)];
            for col in 0..cols {
                let cell = &mut row[Column(col)];
                let too_long = cell
                    .zerowidth()
                    .is_some_and(|zw| zw.len() > MAX_ZEROWIDTH_PER_CELL);
                if too_long {
                    trim_cell_zerowidth(cell);
                }
            }
        }
    }

    /// `scroll-on-clear`: whether clearing the whole screen moves its lines into the history.
    pub(crate) fn set_scroll_on_clear(&mut self, on: bool) {
        self.tap.scroll_on_clear = on;
    }

    /// `alternate-screen`: whether the program may switch to the alternate screen.
    pub(crate) fn set_alternate_allowed(&mut self, allowed: bool) {
        self.filter.no_alternate = !allowed;
    }

    fn feed_chunk(&mut self, chunk: &[u8]) {
        let cols = self.term.grid().columns();
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        let marks = self.filter.filter(chunk, cols, &mut scratch);
        let answers = std::mem::take(&mut self.filter.answers);
        let ground_runs = std::mem::take(&mut self.filter.ground_runs);
        let replies = &self.listener.replies;
        let mut handler = Tap {
            term: &mut self.term,
            state: &mut self.tap,
        };
        let parser = &mut self.parser;
        let result = catch_unwind(AssertUnwindSafe(|| {
            // The filter's answers go between the emulator's replies to what came before and
            // after them, as the program asked.
            let mut start = 0;
            for &(at, reply) in &answers {
                advance(parser, &mut handler, &scratch, start..at, &ground_runs);
                if parser.sync_timeout().sync_timeout().is_some() {
                    // Bytes held for a synchronized update would answer later: parse them now.
                    parser.stop_sync(&mut handler);
                }
                queue_reply(replies, reply);
                start = at;
            }
            advance(
                parser,
                &mut handler,
                &scratch,
                start..scratch.len(),
                &ground_runs,
            );
            // Synchronized updates (`CSI ? 2026 h`) make vte hold bytes back until a timer that
            // nobody here polls would fire; end them at every feed so the screen never freezes.
            // Frames are only drawn between feeds, so an update inside one feed stays atomic.
            if parser.sync_timeout().sync_timeout().is_some() {
                parser.stop_sync(&mut handler);
            }
            // Readers see the history in one place between feeds.
            tap::drain(handler.term, handler.state);
        }));
        self.scratch = scratch;
        self.filter.ground_runs = ground_runs;
        if result.is_err() {
            self.reset_after_panic();
            return;
        }
        if marks == 0 {
            return;
        }
        // Bound combining marks: the visible screen after every feed that could have added some
        // (cheap: pure ASCII output skips this), the history too every so often.
        self.marks_since_scan = self.marks_since_scan.saturating_add(marks);
        let whole = self.marks_since_scan >= ZEROWIDTH_SCAN_EVERY;
        if whole {
            self.marks_since_scan = 0;
        }
        self.trimmed = true;
        if catch_unwind(AssertUnwindSafe(|| self.trim_zerowidth(whole))).is_err() {
            self.reset_after_panic();
        }
    }
}

/// Parse `filtered[range]`, writing the middle of long plain-text runs in ground state
/// straight to the history and grid (`flood.rs`) where the terminal's state allows.
fn advance<L: EventListener>(
    parser: &mut Processor,
    handler: &mut Tap<'_, L>,
    filtered: &[u8],
    range: std::ops::Range<usize>,
    ground_runs: &[(usize, usize)],
) {
    let rows = handler.term.grid().screen_lines();
    let mut pos = range.start;
    for &(run_start, run_end) in ground_runs {
        let (from, to) = (run_start.max(pos), run_end.min(range.end));
        let mut at = from;
        while at < to {
            let Some(rest) = filtered.get(at..to) else {
                break;
            };
            let plain = flood::plain_prefix(rest);
            let run = rest.get(..plain).unwrap_or_default();
            if let Some((mid_start, mid_end)) = flood::middle(run, rows) {
                // The head (up to a letter and a line feed after it) leaves the parser in
                // its ground state (strings the filter knows of are not ground runs).
                parser.advance(
                    handler,
                    filtered.get(pos..at + mid_start).unwrap_or_default(),
                );
                pos = at + mid_start;
                // A cursor above the bottom row gets there within a screenful of lines.
                let mut start = mid_start;
                for _ in 0..rows {
                    if flood::can_write(handler.term, handler.state) {
                        break;
                    }
                    let Some(line) = run
                        .get(start..mid_end)
                        .and_then(|rest| memchr::memchr(b'\n', rest))
                    else {
                        break;
                    };
                    parser.advance(handler, run.get(start..=start + line).unwrap_or_default());
                    start += line + 1;
                    pos = at + start;
                }
                let middle = run.get(start..mid_end).unwrap_or_default();
                if parser.sync_timeout().sync_timeout().is_none()
                    && memchr::memchr_iter(b'\n', middle).count() >= rows
                    && flood::can_write(handler.term, handler.state)
                {
                    flood::scroll_plain_lines(handler.term, handler.state, middle);
                    pos = at + mid_end;
                }
            }
            // Past the plain run and the byte that ended it.
            at += plain + 1;
        }
    }
    parser.advance(handler, filtered.get(pos..range.end).unwrap_or_default());
}

/// `cell` as the history keeps it: combining marks capped like the screen's.
fn trimmed_cell(cell: &AlaCell) -> AlaCell {
    let mut cell = cell.clone();
    if cell
        .zerowidth()
        .is_some_and(|zw| zw.len() > MAX_ZEROWIDTH_PER_CELL)
    {
        trim_cell_zerowidth(&mut cell);
    }
    cell
}

/// Rebuild a cell's extra storage with at most [`MAX_ZEROWIDTH_PER_CELL`] zero-width characters,
/// keeping its underline colour and hyperlink.
fn trim_cell_zerowidth(cell: &mut AlaCell) {
    let kept: Vec<char> = cell
        .zerowidth()
        .map(|zw| zw.iter().take(MAX_ZEROWIDTH_PER_CELL).copied().collect())
        .unwrap_or_default();
    let underline = cell.underline_color();
    let link = cell.hyperlink();
    cell.extra = None;
    for c in kept {
        cell.push_zerowidth(c);
    }
    cell.set_underline_color(underline);
    cell.set_hyperlink(link);
}

impl AlacrittyEngine {
    /// History lines: the compact ones, then the grid's (outside the alternate screen).
    fn history_len(&self) -> usize {
        let grid = self.term.grid().history_size();
        if self.term.mode().contains(TermMode::ALT_SCREEN) {
            grid
        } else {
            self.tap.history.len() + grid
        }
    }

    /// Compact history lines readers see (none while the alternate screen is shown).
    fn compact_len(&self) -> usize {
        self.history_len() - self.term.grid().history_size()
    }

    fn raw_cell(&self, col: usize, row: usize) -> Option<&AlaCell> {
        let grid = self.term.grid();
        if col >= grid.columns() || row >= grid.screen_lines() {
            return None;
        }
        // Screen row `row` is grid line `row` on the live screen; scrolled back by `view_offset`
        // it shows the history line that many lines up.
        let history = self.history_len();
        let abs = history - self.view_offset.min(history) + row;
        if abs < self.compact_len() {
            return match self.view_rows.get(row) {
                Some(Some((line, cells))) if *line == abs => cells.get(col),
                _ => None,
            };
        }
        let line = i32::try_from(abs).ok()? - i32::try_from(history).ok()?;
        Some(&grid[Line(line)][Column(col)])
    }

    /// Decode the compact history lines the view offset shows (after anything that moves them).
    fn refresh_view(&mut self) {
        self.view_rows.clear();
        if self.view_offset == 0 {
            return;
        }
        let (cols, rows) = self.size();
        let history = self.history_len();
        let compact = self.compact_len();
        let top = history - self.view_offset.min(history);
        for row in 0..rows {
            let abs = top + row;
            if abs >= compact {
                break;
            }
            let mut cells = Vec::new();
            let entry = self
                .tap
                .history
                .line_into(abs, cols, &mut cells)
                .then_some((abs, cells));
            self.view_rows.push(entry);
        }
    }

    /// Grid line `line` of history or screen by absolute index, when it is in the grid.
    fn grid_row(&self, line: usize) -> Option<&alacritty_terminal::grid::Row<AlaCell>> {
        let grid = self.term.grid();
        let history = self.history_len();
        if line >= history + grid.screen_lines() || line < self.compact_len() {
            return None;
        }
        let line = i32::try_from(line).ok()? - i32::try_from(history).ok()?;
        Some(&grid[Line(line)])
    }

    /// Run `f` with the normal screen active when the alternate one is shown (restored after).
    fn with_normal_active(&mut self, f: impl FnOnce(&mut Self)) {
        if self.show_normal_screen() {
            f(self);
            self.show_alternate_screen();
        } else {
            f(self);
        }
    }
}

impl Engine for AlacrittyEngine {
    fn reset_screen(&mut self) {
        use alacritty_terminal::vte::ansi::{
            Handler, Mode, NamedMode, NamedPrivateMode, PrivateMode,
        };
        let result = catch_unwind(AssertUnwindSafe(|| {
            let term = &mut self.term;
            // Cleared in the default colours, as tmux clears with background 8; the pen back after.
            let pen = std::mem::take(&mut term.grid_mut().cursor.template);
            term.set_scrolling_region(1, None);
            term.unset_mode(Mode::Named(NamedMode::Insert));
            term.unset_private_mode(PrivateMode::Named(NamedPrivateMode::Origin));
            term.set_private_mode(PrivateMode::Named(NamedPrivateMode::LineWrap));
            term.grid_mut().reset_region(..);
            term.goto(0, 0);
            term.grid_mut().cursor.template = pen;
        }));
        if result.is_err() {
            self.reset_after_panic();
        }
        // The region as tracked for `scroll_region` (and the history's drain) follows.
        self.tap.region_set = false;
        self.tap.region = (0, self.term.grid().screen_lines().saturating_sub(1));
    }

    fn feed(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(FEED_CHUNK) {
            self.feed_chunk(chunk);
        }
        // The filtered copy of a large piece is not kept for the next, usually small, one:
        // a relay mirrors thousands of panes.
        self.scratch.shrink_to(SCRATCH_KEEP);
        if self.view_offset > 0 {
            self.refresh_view();
        }
    }

    fn resize(&mut self, cols: usize, rows: usize) {
        let old = self.size();
        if old == (cols, rows) {
            return;
        }
        let result = catch_unwind(AssertUnwindSafe(|| {
            // alacritty reflows the history with the screen and moves lines between them: give
            // it the whole history as it would have kept it, then take it back.
            if self.tap.mode != GridMode::Full {
                self.with_normal_active(|e| tap::rebuild_full(&mut e.term, &mut e.tap));
            }
            self.term.resize(GridSize { cols, rows });
            tap::after_resize(&mut self.term, &mut self.tap, old);
        }));
        if result.is_err() {
            *self = AlacrittyEngine::new(cols, rows, self.scrollback);
        }
        self.refresh_view();
    }

    fn size(&self) -> (usize, usize) {
        let grid = self.term.grid();
        (grid.columns(), grid.screen_lines())
    }

    fn cell_into(&self, col: usize, row: usize, out: &mut Cell) -> bool {
        match self.raw_cell(col, row) {
            Some(cell) => {
                convert_cell_into(cell, out);
                true
            }
            None => false,
        }
    }

    fn cell_width(&self, col: usize, row: usize) -> Option<u8> {
        self.raw_cell(col, row).map(|cell| {
            if cell.flags.contains(Flags::WIDE_CHAR_SPACER) {
                0
            } else if cell.flags.contains(Flags::WIDE_CHAR) {
                2
            } else {
                1
            }
        })
    }

    fn cursor(&self) -> (usize, usize) {
        let point = self.term.grid().cursor.point;
        (point.column.0, usize::try_from(point.line.0).unwrap_or(0))
    }

    fn edit_modes(&self) -> (bool, bool, bool) {
        let mode = *self.term.mode();
        (
            mode.contains(TermMode::INSERT),
            mode.contains(TermMode::ORIGIN),
            mode.contains(TermMode::LINE_WRAP),
        )
    }

    fn modes(&self) -> PaneModes {
        let mode = *self.term.mode();
        PaneModes {
            cursor_keys_application: mode.contains(TermMode::APP_CURSOR),
            keypad_application: mode.contains(TermMode::APP_KEYPAD),
            bracketed_paste: mode.contains(TermMode::BRACKETED_PASTE),
            mouse_reporting: mode.intersects(TermMode::MOUSE_MODE),
            sgr_mouse: mode.contains(TermMode::SGR_MOUSE),
            alt_screen: mode.contains(TermMode::ALT_SCREEN),
            cursor_visible: mode.contains(TermMode::SHOW_CURSOR),
            focus_events: mode.contains(TermMode::FOCUS_IN_OUT),
            mouse_drag: mode.contains(TermMode::MOUSE_DRAG),
            mouse_motion: mode.contains(TermMode::MOUSE_MOTION),
        }
    }

    fn title(&self) -> Option<String> {
        self.listener
            .title
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn take_title_set(&mut self) -> u32 {
        self.listener
            .title_set
            .swap(0, std::sync::atomic::Ordering::Relaxed)
    }

    fn take_bell(&mut self) -> bool {
        self.listener
            .bell
            .swap(false, std::sync::atomic::Ordering::Relaxed)
    }

    fn take_clipboard(&mut self) -> Vec<(Vec<u8>, bool)> {
        std::mem::take(&mut self.filter.clipboard)
    }

    fn show_normal_screen(&mut self) -> bool {
        if self.stashed_alternate.is_some() || !self.term.mode().contains(TermMode::ALT_SCREEN) {
            return false;
        }
        // alacritty keeps the screen not shown in a private field; swapping is its only way
        // out. Swapping back from the normal screen clears the alternate one, so it is
        // cloned first (no history: one screen of cells) and put back afterwards.
        self.stashed_alternate = Some(self.term.grid().clone());
        self.term.swap_alt();
        true
    }

    fn show_alternate_screen(&mut self) {
        if let Some(alternate) = self.stashed_alternate.take() {
            // Swapping back also sets the normal screen's saved cursor (DECSC) to its cursor:
            // a program that entered with `?1049h` saved that very position, so nothing moves.
            self.term.swap_alt();
            *self.term.grid_mut() = alternate;
        }
    }

    fn scrollback_len(&self) -> usize {
        self.history_len()
    }

    fn set_view_offset(&mut self, lines: usize) {
        self.view_offset = lines;
        self.refresh_view();
    }

    fn grid_line_into(&self, line: usize, cols: usize, out: &mut Vec<Cell>) -> Option<bool> {
        let grid_cols = self.term.grid().columns();
        let decoded;
        let cells: &[AlaCell] = if line < self.compact_len() {
            let mut cells = Vec::with_capacity(grid_cols);
            if !self.tap.history.line_into(line, grid_cols, &mut cells) {
                return None;
            }
            decoded = cells;
            &decoded
        } else {
            &self.grid_row(line)?[..Column(grid_cols)]
        };
        out.resize_with(cols, Cell::default);
        for (col, cell) in out.iter_mut().enumerate() {
            match cells.get(col) {
                Some(c) => convert_cell_into(c, cell),
                None => crate::pane::set_blank(cell, Style::default()),
            }
        }
        let wrapped = cells
            .last()
            .is_some_and(|c| c.flags.contains(Flags::WRAPLINE));
        Some(wrapped)
    }

    fn history_bytes(&self) -> usize {
        let grid = self.term.grid();
        let cell = std::mem::size_of::<AlaCell>();
        // A compact grid keeps rows allocated for its few lines of history.
        let reserved = match self.tap.mode {
            GridMode::Compact => self.tap.grid_limit,
            GridMode::Plain | GridMode::Full => grid.history_size(),
        };
        self.tap.history.heap_bytes() + reserved * grid.columns() * cell
    }

    fn clear_history(&mut self) {
        let alt = self.term.mode().contains(TermMode::ALT_SCREEN);
        let term = &mut self.term;
        if catch_unwind(AssertUnwindSafe(|| term.grid_mut().clear_history())).is_err() {
            self.reset_after_panic();
        }
        // The history shown is the normal screen's: in the alternate screen there is none.
        if !alt {
            self.tap.history.clear();
        }
        self.refresh_view();
    }

    fn alternate_saved_cursor(&self) -> Option<(usize, usize)> {
        self.tap.alternate_saved
    }

    fn tab_stops(&self) -> Vec<usize> {
        let stops = self.tap.tabs.iter().enumerate();
        stops
            .filter_map(|(col, &stop)| stop.then_some(col))
            .collect()
    }

    fn scroll_region(&self) -> (usize, usize) {
        self.tap.region
    }

    fn path(&self) -> Option<String> {
        self.filter.path.clone()
    }

    fn take_rename(&mut self) -> Option<String> {
        self.filter.renamed.take()
    }

    fn take_passthrough(&mut self) -> Vec<Vec<u8>> {
        std::mem::take(&mut self.filter.passed)
    }

    fn pending_input(&self) -> Vec<u8> {
        self.filter.pending.clone()
    }

    fn take_damage(&mut self, rows: &mut Vec<usize>) -> bool {
        rows.clear();
        let term = &mut self.term;
        let full = catch_unwind(AssertUnwindSafe(|| {
            let full = match term.damage() {
                TermDamage::Full => true,
                TermDamage::Partial(lines) => {
                    rows.extend(lines.map(|l| l.line));
                    false
                }
            };
            term.reset_damage();
            full
        }));
        // The combining-mark trim rewrites cells behind alacritty's back: count it as a
        // change everywhere (it runs only after output with many marks).
        let trimmed = std::mem::take(&mut self.trimmed);
        let redrawn = std::mem::take(&mut self.tap.full_damage);
        full.unwrap_or(true) || trimmed || redrawn
    }
}

fn convert_color(color: AlaColor) -> Color {
    match color {
        AlaColor::Spec(rgb) => Color::Rgb(rgb.r, rgb.g, rgb.b),
        AlaColor::Indexed(i) => Color::Indexed(i),
        AlaColor::Named(named) => {
            let n = named as usize;
            match named {
                _ if n < 16 => Color::Indexed(n as u8),
                // Dim colours are a renderer notion in alacritty; SGR never stores them, but map
                // them to their normal palette entries if they appear.
                NamedColor::DimBlack
                | NamedColor::DimRed
                | NamedColor::DimGreen
                | NamedColor::DimYellow
                | NamedColor::DimBlue
                | NamedColor::DimMagenta
                | NamedColor::DimCyan
                | NamedColor::DimWhite => Color::Indexed((n - NamedColor::DimBlack as usize) as u8),
                // Foreground, Background, Cursor and the other special names: the terminal's
                // default colour.
                _ => Color::Default,
            }
        }
    }
}

#[cfg(test)]
impl AlacrittyEngine {
    pub(crate) fn debug_state(&self) -> String {
        format!(
            "mode {:?} compact {} grid history {} alt {}",
            self.tap.mode,
            self.tap.history.len(),
            self.term.grid().history_size(),
            self.term.mode().contains(TermMode::ALT_SCREEN)
        )
    }
}

/// The engine's cell conversion, for the tests that compare it with a plain `Term`.
#[cfg(test)]
pub(crate) fn convert_cell_into_for_tests(cell: &AlaCell, out: &mut Cell) {
    convert_cell_into(cell, out);
}

fn convert_cell_into(cell: &AlaCell, out: &mut Cell) {
    let flags = cell.flags;
    out.style = Style {
        fg: convert_color(cell.fg),
        bg: convert_color(cell.bg),
        attrs: Attrs {
            bold: flags.contains(Flags::BOLD),
            dim: flags.contains(Flags::DIM),
            italic: flags.contains(Flags::ITALIC),
            underline: flags.intersects(Flags::ALL_UNDERLINES),
            // alacritty does not keep SGR 5 (blink); it has no flag for it.
            blink: false,
            reverse: flags.contains(Flags::INVERSE),
            hidden: flags.contains(Flags::HIDDEN),
            strike: flags.contains(Flags::STRIKEOUT),
        },
    };
    out.text.clear();
    if flags.contains(Flags::WIDE_CHAR_SPACER) {
        out.width = 0;
        return;
    }
    // A leading spacer is the empty last column left when a wide character wrapped early.
    if flags.contains(Flags::LEADING_WIDE_CHAR_SPACER) {
        out.width = 1;
        out.text.push(' ');
        return;
    }
    out.width = if flags.contains(Flags::WIDE_CHAR) {
        2
    } else {
        1
    };
    // alacritty keeps a literal tab in the cell where a tab started (for copy and paste); on
    // screen it is blank. Anything else unprintable is shown blank too.
    let c = match cell.c {
        '\t' => ' ',
        c if c.is_control() => ' ',
        c => c,
    };
    out.text.push(c);
    if let Some(zw) = cell.zerowidth() {
        out.text.extend(zw.iter().filter(|c| !c.is_control()));
    }
}
