//! `PaneTerm`: one pane's terminal state (screen, scrollback, cursor, modes, title), fed with raw
//! PTY output and rebuilt from tmate SNAPSHOT messages.

use crate::engine::{AlacrittyEngine, Engine};
use crate::snapshot;
use crate::style::{Cell, PaneModes, Style};

/// Smallest grid the engine is given: alacritty panics when a wide character is printed into a
/// one-column grid, and tmux allows one-column panes.
const MIN_ENGINE_COLS: u16 = 2;
const MIN_ENGINE_ROWS: u16 = 1;

/// One pane's terminal state.
///
/// Pane output is hostile input (a malicious host can send any bytes); nothing here panics on it,
/// and memory stays bounded by the grid, the scrollback limit and small per-cell caps.
/// The host's copy mode over a pane, as tmate's SYNC_COPY_MODE describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CopyView {
    /// Lines scrolled back into history (tmux's `oy`).
    pub offset: usize,
    /// The copy cursor on the visible pane.
    pub cursor: (u16, u16),
}

/// What the host's own copy mode draws over a [`CopyView`]: its position indicator text and
/// the selection, already cut into one column range per visible row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CopyOverlay {
    /// Drawn at the top right in `style` (tmux's `[oy/hsize]`); empty hides it.
    pub indicator: String,
    /// Per visible row, the selected columns `start..end` drawn in `style`.
    pub highlight: Vec<Option<(u16, u16)>>,
    /// tmux's `mode-style`.
    pub style: Style,
    /// The visible rows as copy mode draws them (tmux 3.3a works on its own copy of the pane's
    /// grid, so what it shows is not the live screen): when not empty, row `r` is drawn from
    /// `rows[r]` (columns past its end blank) instead of the engine, with its styles as given;
    /// `indicator` and `highlight` still apply on top.
    pub rows: Vec<GridLine>,
}

/// One line of history or screen as copy mode and `capture-pane` read it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GridLine {
    /// Every column of the line (a wide character's second half has width 0).
    pub cells: Vec<Cell>,
    /// The line continues on the next one (it wrapped at the right edge).
    pub wrapped: bool,
}

impl GridLine {
    /// tmux's `grid_line_length`: columns up to the last one that is not a blank.
    pub fn length(&self) -> usize {
        let mut n = self.cells.len();
        while let Some(c) = n.checked_sub(1).and_then(|i| self.cells.get(i)) {
            if c.width != 1 || c.text != " " {
                break;
            }
            n -= 1;
        }
        n
    }

    /// The text of columns `start..end` (wide characters once).
    pub fn text(&self, start: usize, end: usize) -> String {
        let mut out = String::new();
        for c in self.cells.iter().take(end).skip(start) {
            if c.width != 0 {
                out.push_str(&c.text);
            }
        }
        out
    }
}

pub struct PaneTerm {
    engine: AlacrittyEngine,
    /// The host's copy mode over this pane, mirrored: scrolled view and copy cursor.
    copy_view: Option<CopyView>,
    /// The host's copy mode's own drawing (indicator text, selection).
    copy_overlay: Option<CopyOverlay>,
    /// Size as requested by the caller (before clamping for the engine).
    cols: u16,
    rows: u16,
    scrollback_lines: usize,
    generation: u64,
    /// This pane among all panes of the process: row stamps of different panes never match.
    uid: u64,
    /// Per visible row, the `generation` it last changed in (from the engine's damage
    /// tracking): the compositor recomposes only rows whose stamp moved.
    row_changed: Vec<u64>,
    /// Reused buffer for the engine's damaged rows.
    damaged: Vec<usize>,
    /// The colour the program set with OSC 12 (parsed by the host, which knows colour names).
    cursor_colour: Option<crate::cursor::Rgb>,
    /// The host's `cursor-style` (its DECSCUSR number) and `cursor-colour` for this pane
    /// (tmux's `default_cstyle`, `default_ccolour`).
    default_cursor: (u32, Option<crate::cursor::Rgb>),
    /// The program's own palette and default colours (OSC 4, 10, 11), set by the host.
    palette: crate::palette::Palette,
}

/// A row a copy overlay does not give: drawn blank.
static EMPTY_LINE: GridLine = GridLine {
    cells: Vec::new(),
    wrapped: false,
};

/// Source of `PaneTerm::uid`.
static NEXT_PANE_UID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl std::fmt::Debug for PaneTerm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PaneTerm")
            .field("cols", &self.cols)
            .field("rows", &self.rows)
            .field("generation", &self.generation)
            .finish_non_exhaustive()
    }
}

impl PaneTerm {
    /// A blank pane. The engine's grid is at least 2x1 whatever is asked; [`PaneTerm::size`]
    /// still reports the requested size, and cells past the engine's grid read as blanks.
    pub fn new(cols: u16, rows: u16, scrollback_lines: usize) -> Self {
        let engine = AlacrittyEngine::new(
            usize::from(cols.max(MIN_ENGINE_COLS)),
            usize::from(rows.max(MIN_ENGINE_ROWS)),
            scrollback_lines,
        );
        PaneTerm {
            copy_view: None,
            copy_overlay: None,
            engine,
            cols,
            rows,
            scrollback_lines,
            generation: 0,
            uid: NEXT_PANE_UID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            row_changed: vec![0; usize::from(rows)],
            damaged: Vec::new(),
            cursor_colour: None,
            default_cursor: (0, None),
            palette: crate::palette::Palette::default(),
        }
    }

    /// How the client's terminal should draw the cursor over this pane (tmux
    /// `tty_update_cursor` with the pane's screen): the program's own style and colour, else
    /// the defaults the host set. Copy and view mode have a screen of their own in tmux, whose
    /// cursor is the terminal's default.
    pub fn cursor_look(&self) -> crate::cursor::CursorLook {
        if self.copy_view.is_some() {
            return crate::cursor::CursorLook::default();
        }
        let (style, colour) = self.default_cursor;
        crate::cursor::effective(self.engine.pane_cursor(), self.cursor_colour, style, colour)
    }

    /// The pane's `cursor-style` (as its DECSCUSR number) and `cursor-colour`.
    pub fn set_default_cursor(&mut self, style: u32, colour: Option<crate::cursor::Rgb>) {
        self.default_cursor = (style, colour);
    }

    /// What [`PaneTerm::set_default_cursor`] gave.
    pub fn default_cursor(&self) -> (u32, Option<crate::cursor::Rgb>) {
        self.default_cursor
    }

    /// The cursor colour the program asked for (OSC 12), `None` after its OSC 112.
    pub fn set_cursor_colour(&mut self, colour: Option<crate::cursor::Rgb>) {
        self.cursor_colour = colour;
    }

    /// What [`PaneTerm::set_cursor_colour`] gave.
    pub fn cursor_colour(&self) -> Option<crate::cursor::Rgb> {
        self.cursor_colour
    }

    /// The replies tmux 3.3a gives to the program's queries fed since the last call (primary
    /// and secondary device attributes, device status, the cursor position, `CSI 18 t`), in
    /// tmux's words and in order, for the host to write to the program.
    pub fn take_replies(&mut self) -> Vec<u8> {
        self.engine.take_replies()
    }

    /// The program's colour requests (OSC 4, 10, 11, 12, their resets, RIS) since the last
    /// call, in order.
    pub fn take_colour_requests(&mut self) -> Vec<crate::cursor::ColourRequest> {
        self.engine.take_colour_requests()
    }

    /// The program's own palette and default colours.
    pub fn palette(&self) -> &crate::palette::Palette {
        &self.palette
    }

    /// A new palette from the host; every row is drawn again when it differs.
    pub fn set_palette(&mut self, palette: crate::palette::Palette) {
        if self.palette != palette {
            self.palette = palette;
            self.changed(true);
        }
    }

    /// Something changed: bump the generation and mark the rows it touched, every row when
    /// `all` (size, copy view, snapshot) or when the engine says so, else its damaged rows.
    fn changed(&mut self, all: bool) {
        self.generation = self.generation.wrapping_add(1);
        // The engine reports damage in live-screen lines; a copy view shows them shifted by
        // its offset (clamped to the history), so under a view every change counts as whole.
        let full = self.engine.take_damage(&mut self.damaged) || all || self.copy_view.is_some();
        self.row_changed.resize(usize::from(self.rows), 0);
        if full {
            self.row_changed.fill(self.generation);
            return;
        }
        for &row in &self.damaged {
            if let Some(stamp) = self.row_changed.get_mut(row) {
                *stamp = self.generation;
            }
        }
    }

    /// What row `row` shows, as a stamp: equal stamps of the same row mean equal cells. Rows
    /// past the pane read as blanks and share one stamp.
    pub fn row_stamp(&self, row: u16) -> (u64, u64) {
        let changed = self.row_changed.get(usize::from(row)).copied().unwrap_or(0);
        (self.uid, changed)
    }

    /// Raw PTY output, split anywhere (UTF-8 characters and escape sequences may be cut between
    /// calls). Replies the program asks for (device status, colours) are not produced: the host
    /// answers for the pane.
    pub fn feed(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        self.engine.feed(bytes);
        self.changed(false);
    }

    /// A blank screen with the cursor home, for the next piece of input through the same
    /// parser (tmux `screen_write_reset` on view mode's `writing` screen, whose input context
    /// lives as long as the view): colours and attributes set before carry on.
    pub fn reset_screen(&mut self) {
        self.engine.reset_screen();
        self.changed(true);
    }

    /// tmux's `alternate-screen` option for this pane: off, the program's switches to the
    /// alternate screen (modes 47, 1047, 1049) are ignored from now on.
    pub fn set_alternate_screen(&mut self, allowed: bool) {
        self.engine.set_alternate_allowed(allowed);
    }

    /// New size; content reflows as alacritty does (tmux reflows too, with small differences).
    pub fn resize(&mut self, cols: u16, rows: u16) {
        if (cols, rows) == (self.cols, self.rows) {
            return;
        }
        self.cols = cols;
        self.rows = rows;
        self.engine.resize(
            usize::from(cols.max(MIN_ENGINE_COLS)),
            usize::from(rows.max(MIN_ENGINE_ROWS)),
        );
        self.changed(true);
    }

    /// (cols, rows) as last requested by [`PaneTerm::new`] or [`PaneTerm::resize`], before the
    /// engine's clamping to at least 2x1.
    pub fn size(&self) -> (u16, u16) {
        (self.cols, self.rows)
    }

    /// (col, row) of the cursor on the visible screen, always inside the requested size (a cursor
    /// past a clamped dimension is reported on its last column/row).
    pub fn cursor(&self) -> (u16, u16) {
        if let Some(view) = &self.copy_view {
            return (
                view.cursor.0.min(self.cols.saturating_sub(1)),
                view.cursor.1.min(self.rows.saturating_sub(1)),
            );
        }
        let (col, row) = self.engine.cursor();
        let col = u16::try_from(col).unwrap_or(u16::MAX);
        let row = u16::try_from(row).unwrap_or(u16::MAX);
        (
            col.min(self.cols.saturating_sub(1)),
            row.min(self.rows.saturating_sub(1)),
        )
    }

    /// The program's cursor (col, row), whatever a copy view shows.
    pub fn program_cursor(&self) -> (u16, u16) {
        let (col, row) = self.engine.cursor();
        let col = u16::try_from(col).unwrap_or(u16::MAX);
        let row = u16::try_from(row).unwrap_or(u16::MAX);
        (
            col.min(self.cols.saturating_sub(1)),
            row.min(self.rows.saturating_sub(1)),
        )
    }

    /// The tab stops the program set (tmux's `#{pane_tabs}`): columns from 0.
    pub fn tab_stops(&self) -> Vec<usize> {
        let mut stops = self.engine.tab_stops();
        stops.retain(|&col| col < usize::from(self.cols));
        stops
    }

    /// The scroll region the program set, first and last row (tmux's
    /// `#{scroll_region_upper}`, `#{scroll_region_lower}`).
    pub fn scroll_region(&self) -> (usize, usize) {
        self.engine.scroll_region()
    }

    /// (insert, origin, autowrap) modes of the pane's program (tmux's `insert_flag`,
    /// `origin_flag`, `wrap_flag`).
    pub fn edit_modes(&self) -> (bool, bool, bool) {
        self.engine.edit_modes()
    }

    pub fn modes(&self) -> PaneModes {
        let mut modes = self.engine.modes();
        if self.copy_view.is_some() {
            // The copy cursor is shown wherever the program's cursor was.
            modes.cursor_visible = true;
        }
        modes
    }

    /// Mirror the host's copy mode over this pane (tmate's SYNC_COPY_MODE): the view scrolled
    /// back `offset` lines into history, the copy cursor at `cursor`, and tmux's `[offset/size]`
    /// position indicator at the top right. `None` returns to the live screen.
    pub fn set_copy_view(&mut self, view: Option<CopyView>) {
        if self.copy_view == view {
            return;
        }
        self.engine
            .set_view_offset(view.as_ref().map_or(0, |v| v.offset));
        self.copy_view = view;
        self.changed(true);
    }

    pub fn copy_view(&self) -> Option<&CopyView> {
        self.copy_view.as_ref()
    }

    /// The host's copy mode drawing over the copy view (used only while a view is set).
    pub fn set_copy_overlay(&mut self, overlay: Option<CopyOverlay>) {
        if self.copy_overlay == overlay {
            return;
        }
        self.copy_overlay = overlay;
        self.changed(true);
    }

    /// History lines plus screen rows: the absolute lines [`PaneTerm::grid_line`] reads.
    pub fn total_lines(&self) -> usize {
        self.engine.scrollback_len() + usize::from(self.rows)
    }

    /// A line by absolute index (0 = the oldest history line, `scrollback_len()` = the top
    /// screen row), whatever the copy view shows; `None` past the end.
    pub fn grid_line(&self, line: usize) -> Option<GridLine> {
        if line >= self.total_lines() {
            return None;
        }
        let mut cells = Vec::with_capacity(usize::from(self.cols));
        let wrapped = self
            .engine
            .grid_line_into(line, usize::from(self.cols), &mut cells)?;
        Some(GridLine { cells, wrapped })
    }

    /// Heap bytes this pane's history takes (the compact lines and the grid rows kept for
    /// history): what a busy pane costs beyond its screen.
    pub fn history_bytes(&self) -> usize {
        self.engine.history_bytes()
    }

    /// `read` over the normal screen (its history, rows and cursor) that the alternate screen
    /// hides; `None` when the alternate screen is off. The alternate screen is back as it was
    /// afterwards (the pane is redrawn in full once, which only a SNAPSHOT asks for).
    pub fn with_normal_screen<R>(&mut self, read: impl FnOnce(&Self) -> R) -> Option<R> {
        if !self.engine.show_normal_screen() {
            return None;
        }
        let result = read(self);
        self.engine.show_alternate_screen();
        Some(result)
    }

    /// The cursor (col, row) the program's last `?1049h` saved on entering the alternate
    /// screen (tmux's `alternate_saved_x`/`_y`); `None` before any.
    pub fn alternate_saved_cursor(&self) -> Option<(usize, usize)> {
        self.engine.alternate_saved_cursor()
    }

    /// The window name the program set with `ESC k NAME ST` since the last call (for tmux's
    /// `allow-rename`).
    pub fn take_rename(&mut self) -> Option<String> {
        self.engine.take_rename()
    }

    /// The data of the passthrough DCS sequences (`ESC P tmux; ... ST`) fed since the last
    /// call, for tmux's `allow-passthrough` (never shown in the pane).
    pub fn take_passthrough(&mut self) -> Vec<Vec<u8>> {
        self.engine.take_passthrough()
    }

    /// The bytes of the escape sequence the program has started and not finished
    /// (`capture-pane -P`, tmux's `input_pending`).
    pub fn pending_input(&self) -> Vec<u8> {
        self.engine.pending_input()
    }

    /// tmux's `scroll-on-clear` for this pane: off, clearing the screen does not move its
    /// lines into the history.
    pub fn set_scroll_on_clear(&mut self, on: bool) {
        self.engine.set_scroll_on_clear(on);
    }

    /// The path the program set with OSC 7 (tmux's `pane_path`), if any.
    pub fn path(&self) -> Option<String> {
        self.engine.path()
    }

    /// Forget the history (tmux `clear-history`); the screen stays.
    pub fn clear_history(&mut self) {
        self.engine.clear_history();
        self.changed(true);
    }

    /// tmux 3.3a's `input_reset` with a clear (`send-keys -R`), fed as the sequences that do
    /// it so the emulator and the tap see an ordinary program's reset: an unfinished sequence
    /// cancelled (CAN), the cell attributes, character sets and saved cursor back to their
    /// defaults, a tab stop every 8 columns, no scroll region, only the cursor and wrapping
    /// modes left on, the screen cleared (into the history under `scroll-on-clear`, as a
    /// program's clear) and the cursor home. The alternate screen stays as it is, as tmux's.
    /// The bytes fed, for mirrors of the pane (the relay's).
    pub fn reset(&mut self) -> Vec<u8> {
        let mut seq: Vec<u8> = Vec::with_capacity(256);
        seq.push(0x18);
        seq.extend_from_slice(b"\x1b[0m\x1b(B\x1b)B\x0f\x1b[r\x1b[?6l\x1b[3g");
        for col in (9..=u32::from(self.cols)).step_by(8) {
            seq.extend_from_slice(format!("\x1b[{col}G\x1bH").as_bytes());
        }
        // Insert, newline, cursor keys, keypad, cursor blinking, the mouse modes, focus
        // reports and bracketed paste off; the cursor shown and wrapping on.
        seq.extend_from_slice(
            b"\x1b[4l\x1b[20l\x1b[?1l\x1b>\x1b[?12l\x1b[?1000l\x1b[?1002l\x1b[?1003l\
              \x1b[?1005l\x1b[?1006l\x1b[?1004l\x1b[?2004l\x1b[?25h\x1b[?7h",
        );
        seq.extend_from_slice(b"\x1b[2J\x1b[H\x1b7");
        self.feed(&seq);
        seq
    }

    /// The position indicator cell at (`col`, `row`), if the copy view puts one there.
    fn indicator_cell(&self, col: u16, row: u16, out: &mut Cell) -> bool {
        let Some(view) = &self.copy_view else {
            return false;
        };
        if row != 0 {
            return false;
        }
        let history = self.engine.scrollback_len();
        let (text, style) = match &self.copy_overlay {
            Some(o) => (o.indicator.clone(), o.style),
            None => (
                format!("[{}/{}]", view.offset.min(history), history),
                crate::style::MODE_STYLE,
            ),
        };
        let len = u16::try_from(text.len()).unwrap_or(u16::MAX);
        if len > self.cols {
            return false;
        }
        let start = self.cols - len;
        if col < start {
            return false;
        }
        let index = usize::from(col - start);
        let Some(ch) = text.get(index..=index) else {
            return false;
        };
        out.text.clear();
        out.text.push_str(ch);
        out.width = 1;
        out.style = style;
        true
    }

    /// The copy overlay's own row `row`, when it draws whole rows.
    fn frozen_row(&self, row: u16) -> Option<&GridLine> {
        self.copy_view.as_ref()?;
        let o = self.copy_overlay.as_ref()?;
        if o.rows.is_empty() || row >= self.rows {
            return None;
        }
        Some(o.rows.get(usize::from(row)).unwrap_or(&EMPTY_LINE))
    }

    /// The selection highlight of the host's copy mode at (`col`, `row`).
    fn selected(&self, col: u16, row: u16) -> Option<Style> {
        self.copy_view.as_ref()?;
        let o = self.copy_overlay.as_ref()?;
        let (start, end) = (*o.highlight.get(usize::from(row))?)?;
        (col >= start && col < end).then_some(o.style)
    }

    /// A bell rang in the output fed since the last call (tmux's alerts read it).
    pub fn take_bell(&mut self) -> bool {
        self.engine.take_bell()
    }

    /// The clipboard strings (OSC 52: `52;FLAGS;DATA`, and whether BEL ended each) the
    /// program wrote since the last call, for the host's `set-clipboard`.
    pub fn take_clipboard(&mut self) -> Vec<(Vec<u8>, bool)> {
        self.engine.take_clipboard()
    }

    /// How many titles were set since the last call (tmux's pane-title-changed).
    pub fn take_title_set(&mut self) -> u32 {
        self.engine.take_title_set()
    }

    /// The window title set with OSC 0 or OSC 2, if any.
    pub fn title(&self) -> Option<String> {
        self.engine.title()
    }

    /// A cell of the visible screen; outside the pane it is a default blank.
    ///
    /// Half of a wide character whose other half is missing (outside the requested width, which
    /// happens in a one-column pane whose engine grid is two columns, or dropped by the engine)
    /// reads as a blank.
    pub fn cell(&self, col: u16, row: u16) -> Cell {
        let mut cell = Cell::default();
        self.cell_into(col, row, &mut cell);
        cell
    }

    /// [`PaneTerm::cell`] written into `out`, reusing its text buffer (the compositor's way of
    /// reading a screen without an allocation per cell).
    pub fn cell_into(&self, col: u16, row: u16, out: &mut Cell) {
        if self.indicator_cell(col, row, out) {
            return;
        }
        if let Some(line) = self.frozen_row(row) {
            let at = |c: usize| line.cells.get(c).filter(|_| c < usize::from(self.cols));
            let c = usize::from(col);
            match at(c) {
                Some(cell) => out.clone_from(cell),
                None => set_blank(out, Style::default()),
            }
            // As for the engine's cells: a wide character's halves come in pairs or not at all.
            let paired = match out.width {
                2 => at(c + 1).is_some_and(|n| n.width == 0),
                0 => c.checked_sub(1).and_then(at).is_some_and(|p| p.width == 2),
                _ => true,
            };
            if !paired {
                let style = out.style;
                set_blank(out, style);
            }
            if let Some(style) = self.selected(col, row) {
                out.style = style;
            }
            return;
        }
        if col >= self.cols
            || row >= self.rows
            || !self
                .engine
                .cell_into(usize::from(col), usize::from(row), out)
        {
            set_blank(out, Style::default());
            return;
        }
        // The two halves of a wide character must agree; the engine can leave one without the
        // other (insert mode shifting a wide character to the edge, for one), and everything
        // downstream relies on the pairing.
        let raw_width = |c: u16| self.engine.cell_width(usize::from(c), usize::from(row));
        let paired = match out.width {
            2 => col + 1 < self.cols && raw_width(col + 1) == Some(0),
            0 => col > 0 && raw_width(col - 1) == Some(2),
            _ => true,
        };
        if !paired {
            let style = out.style;
            set_blank(out, style);
        }
        if let Some(style) = self.selected(col, row) {
            out.style = style;
        }
    }

    /// A visible row as text, trailing blanks trimmed (like `tmux capture-pane -p`). Wide
    /// characters appear once; out-of-range rows are empty.
    pub fn row_text(&self, row: u16) -> String {
        let mut text = String::new();
        for col in 0..self.cols {
            let cell = self.cell(col, row);
            if cell.width != 0 {
                text.push_str(&cell.text);
            }
        }
        let trimmed = text.trim_end_matches(' ').len();
        text.truncate(trimmed);
        text
    }

    /// A counter that changes on every feed, resize and restore: a cheap "may have changed"
    /// check for frame pacing.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Lines of history above the visible screen.
    pub fn scrollback_len(&self) -> usize {
        self.engine.scrollback_len()
    }

    /// Replace the whole state with a tmate SNAPSHOT of this pane (protocol spec 3.14): history
    /// and screen from the snapshot lines, the cursor, the modes, and the alternate screen with
    /// the normal screen saved behind it when the snapshot has a saved grid.
    ///
    /// The snapshot is drawn through the engine as escape sequences, so whatever it contains
    /// (text that does not match the attribute count, wide characters, lines wider than the
    /// pane) ends up as an ordinary, consistent screen.
    pub fn restore_snapshot(&mut self, snapshot: &tmate_proto::PaneSnapshot) {
        self.engine = AlacrittyEngine::new(
            usize::from(self.cols.max(MIN_ENGINE_COLS)),
            usize::from(self.rows.max(MIN_ENGINE_ROWS)),
            self.scrollback_lines,
        );
        let (cols, rows) = self.engine.size();
        let bytes = snapshot::snapshot_to_ansi(snapshot, cols, rows);
        self.engine.feed(&bytes);
        self.changed(true);
    }
}

/// Make `cell` a space in `style`, keeping its text buffer.
pub(crate) fn set_blank(cell: &mut Cell, style: Style) {
    cell.text.clear();
    cell.text.push(' ');
    cell.width = 1;
    cell.style = style;
}
