//! The compositor: what one client sees of a session's active window (panes at their layout
//! positions, borders, the area outside a smaller window, the status line or a message), drawn
//! into a client-sized `Frame` following tmux 3.3a's `screen-redraw.c`, `status.c` and
//! `format-draw.c`.

use std::hash::{Hash, Hasher};

use crate::cursor::CursorLook;
use crate::markup::markup_cells;
use crate::palette::Palette;
use crate::pane::{PaneTerm, set_blank};
use crate::status::{
    Look, PaneIndicators, PaneLines, PaneRect, PaneStatus, StatusBar, draw_message,
    draw_pane_label, draw_prompt, draw_status,
};
use crate::style::{Cell, Color, PaneModes, Style};

/// What one client should see: the active window of a session.
#[derive(Debug, Clone)]
pub struct Scene<'a> {
    /// The window area, excluding the status line (SYNC_LAYOUT's `sx`, `sy`).
    pub session_cols: u16,
    pub session_rows: u16,
    /// Panes of the active window in the host's order (SYNC_LAYOUT order, tmux's pane list).
    pub panes: Vec<ScenePane<'a>>,
    pub active_pane: Option<i64>,
    /// `None`: the status line is off.
    pub status: Option<StatusBar>,
    /// Shown in place of the status line (black on yellow), as plain text.
    pub message: Option<String>,
    /// The message's `#[...]` markup is drawn (display-message), else it is plain text.
    pub message_markup: bool,
}

/// One pane of the window: its tmate layout geometry and its terminal.
#[derive(Debug, Clone, Copy)]
pub struct ScenePane<'a> {
    pub id: i64,
    pub xoff: u16,
    pub yoff: u16,
    pub cols: u16,
    pub rows: u16,
    pub term: &'a PaneTerm,
}

/// A client-sized picture: cells, cursor, and the input modes the client's terminal should be in.
/// Equality compares the picture, not `damage`.
#[derive(Debug, Clone)]
pub struct Frame {
    pub cols: u16,
    pub rows: u16,
    /// Row-major, `cols * rows` cells.
    pub cells: Vec<Cell>,
    /// `None`: the cursor is hidden.
    pub cursor: Option<(u16, u16)>,
    /// The active pane's modes.
    pub modes: PaneModes,
    /// The cursor's shape and colour (the active pane's, or an overlay's).
    pub cursor_look: CursorLook,
    /// Which rows changed between composes into this frame (kept by [`compose_look`]); the
    /// default knows nothing, so every row counts as changed.
    pub damage: RowDamage,
}

impl PartialEq for Frame {
    fn eq(&self, other: &Frame) -> bool {
        (
            self.cols,
            self.rows,
            &self.cursor,
            &self.modes,
            &self.cursor_look,
        ) == (
            other.cols,
            other.rows,
            &other.cursor,
            &other.modes,
            &other.cursor_look,
        ) && self.cells == other.cells
    }
}

impl Eq for Frame {}

/// Row bookkeeping of a frame that is composed into again and again (an attached client's):
/// the compositor skips rows whose sources did not change, and a [`crate::Renderer`] that drew
/// this frame's previous compose skips rows that did not change since. A copy (`clone`)
/// starts knowing nothing, so that two frames never share an identity.
#[derive(Debug, Default)]
pub struct RowDamage {
    /// This frame's identity for renderers; 0: not tracked.
    id: u64,
    /// Counts composes into this frame.
    epoch: u64,
    /// Per row: a stamp of what was composed there (0: unknown) and the epoch it changed in.
    stamps: Vec<u64>,
    changed_in: Vec<u64>,
}

impl Clone for RowDamage {
    fn clone(&self) -> Self {
        RowDamage::default()
    }
}

/// Source of `RowDamage::id`.
static NEXT_FRAME_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl RowDamage {
    /// The frame identity and epoch a renderer remembers after drawing it (`None`: untracked).
    pub(crate) fn drawn(&self) -> Option<(u64, u64)> {
        (self.id != 0).then_some((self.id, self.epoch))
    }

    /// Whether `row` is the same as when the frame was at `drawn` (from [`RowDamage::drawn`]).
    pub(crate) fn unchanged_since(&self, drawn: Option<(u64, u64)>, row: u16) -> bool {
        match drawn {
            Some((id, epoch)) if id == self.id && id != 0 => self
                .changed_in
                .get(usize::from(row))
                .is_some_and(|&changed| changed <= epoch),
            _ => false,
        }
    }

    /// A new compose of `rows` rows begins; a new size forgets every row.
    fn begin(&mut self, rows: u16, resized: bool) {
        if self.id == 0 {
            self.id = NEXT_FRAME_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        self.epoch += 1;
        let rows = usize::from(rows);
        if resized {
            self.stamps.clear();
        }
        self.stamps.resize(rows, 0);
        self.changed_in.resize(rows, self.epoch);
        if resized {
            self.changed_in.fill(self.epoch);
        }
    }

    /// Whether `row` was composed from sources with this `stamp` already.
    fn is_current(&self, row: usize, stamp: u64) -> bool {
        stamp != 0 && self.stamps.get(row) == Some(&stamp)
    }

    /// `row` is composed anew; `stamp` 0: from sources that cannot be told apart (always redone).
    fn recomposed(&mut self, row: usize, stamp: u64) {
        if let Some(s) = self.stamps.get_mut(row) {
            *s = stamp;
        }
        if let Some(c) = self.changed_in.get_mut(row) {
            *c = self.epoch;
        }
    }
}

impl Frame {
    /// A frame of default blanks.
    pub fn blank(cols: u16, rows: u16) -> Frame {
        Frame {
            cols,
            rows,
            cells: vec![Cell::default(); usize::from(cols) * usize::from(rows)],
            cursor: None,
            modes: PaneModes::default(),
            cursor_look: CursorLook::default(),
            damage: RowDamage::default(),
        }
    }

    fn index(&self, col: u16, row: u16) -> Option<usize> {
        if col >= self.cols || row >= self.rows {
            return None;
        }
        Some(usize::from(row) * usize::from(self.cols) + usize::from(col))
    }

    pub fn cell(&self, col: u16, row: u16) -> Option<&Cell> {
        self.index(col, row).and_then(|i| self.cells.get(i))
    }

    /// A row as text, trailing blanks trimmed (wide characters once).
    pub fn row_text(&self, row: u16) -> String {
        let mut text = String::new();
        for col in 0..self.cols {
            if let Some(cell) = self.cell(col, row).filter(|c| c.width != 0) {
                text.push_str(&cell.text);
            }
        }
        let trimmed = text.trim_end_matches(' ').len();
        text.truncate(trimmed);
        text
    }
}

/// tmux's border cell types (`CELL_*`), named by the lines that meet in them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CellType {
    TopBottom,
    LeftRight,
    TopLeft,
    TopRight,
    BottomLeft,
    BottomRight,
    TopJoin,
    BottomJoin,
    LeftJoin,
    RightJoin,
    Join,
    Outside,
}

/// The digits `pane-border-lines number` draws.
const DIGITS: [&str; 10] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

impl CellType {
    /// The UTF-8 glyph tmux 3.3a draws (`screen_redraw_border_set`): its ACS line-drawing
    /// characters for `single`, its UTF-8 double and heavy sets, `SIMPLE_BORDERS`, or for
    /// `number` the pane's index mod 10 (`*` where no pane owns the line); `·` outside the
    /// window (`.` with `simple`).
    fn glyph(self, lines: PaneLines, number: Option<u32>) -> &'static str {
        use CellType as C;
        match (lines, self) {
            (PaneLines::Simple, C::Outside) => ".",
            (_, C::Outside) => "·",
            (PaneLines::Number, _) => number
                .and_then(|n| DIGITS.get(usize::try_from(n % 10).unwrap_or(0)))
                .copied()
                .unwrap_or("*"),
            (PaneLines::Simple, C::TopBottom) => "|",
            (PaneLines::Simple, C::LeftRight) => "-",
            (PaneLines::Simple, _) => "+",
            (PaneLines::Double, C::TopBottom) => "║",
            (PaneLines::Double, C::LeftRight) => "═",
            (PaneLines::Double, C::TopLeft) => "╔",
            (PaneLines::Double, C::TopRight) => "╗",
            (PaneLines::Double, C::BottomLeft) => "╚",
            (PaneLines::Double, C::BottomRight) => "╝",
            (PaneLines::Double, C::TopJoin) => "╦",
            (PaneLines::Double, C::BottomJoin) => "╩",
            (PaneLines::Double, C::LeftJoin) => "╠",
            (PaneLines::Double, C::RightJoin) => "╣",
            (PaneLines::Double, C::Join) => "╬",
            (PaneLines::Heavy, C::TopBottom) => "┃",
            (PaneLines::Heavy, C::LeftRight) => "━",
            (PaneLines::Heavy, C::TopLeft) => "┏",
            (PaneLines::Heavy, C::TopRight) => "┓",
            (PaneLines::Heavy, C::BottomLeft) => "┗",
            (PaneLines::Heavy, C::BottomRight) => "┛",
            (PaneLines::Heavy, C::TopJoin) => "┳",
            (PaneLines::Heavy, C::BottomJoin) => "┻",
            (PaneLines::Heavy, C::LeftJoin) => "┣",
            (PaneLines::Heavy, C::RightJoin) => "┫",
            (PaneLines::Heavy, C::Join) => "╋",
            (PaneLines::Single, C::TopBottom) => "│",
            (PaneLines::Single, C::LeftRight) => "─",
            (PaneLines::Single, C::TopLeft) => "┌",
            (PaneLines::Single, C::TopRight) => "┐",
            (PaneLines::Single, C::BottomLeft) => "└",
            (PaneLines::Single, C::BottomRight) => "┘",
            (PaneLines::Single, C::TopJoin) => "┬",
            (PaneLines::Single, C::BottomJoin) => "┴",
            (PaneLines::Single, C::LeftJoin) => "├",
            (PaneLines::Single, C::RightJoin) => "┤",
            (PaneLines::Single, C::Join) => "┼",
        }
    }
}

/// `screen_redraw_pane_border`'s answer for one pane: inside it, on one of its borders
/// (which side), or neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PaneBorder {
    Inside,
    Left,
    Right,
    Top,
    Bottom,
    Outside,
}

impl PaneBorder {
    fn is_border(self) -> bool {
        !matches!(self, PaneBorder::Inside | PaneBorder::Outside)
    }

    /// The arrow `pane-border-indicators arrows` draws on this side (tmux's
    /// `BORDER_MARKERS` through its ACS table): pointing into the pane.
    fn arrow(self) -> &'static str {
        match self {
            PaneBorder::Left => "→",
            PaneBorder::Right => "←",
            PaneBorder::Top => "↓",
            PaneBorder::Bottom => "↑",
            PaneBorder::Inside | PaneBorder::Outside => " ",
        }
    }
}

/// Window geometry for border decisions, in u32 so that edge arithmetic cannot overflow.
struct Layout<'s, 'a> {
    sx: u32,
    sy: u32,
    panes: &'s [ScenePane<'a>],
    /// tmux's `screen_redraw_two_panes` for a left/right (0) and top/bottom (1) split; both
    /// false with `pane-border-status` on, where each pane has its own line.
    two_lr: bool,
    two_tb: bool,
    pane_status: PaneStatus,
}

impl<'s, 'a> Layout<'s, 'a> {
    /// With `pane-border-indicators` off or arrows, two panes do not split their line.
    fn new(scene: &'s Scene<'a>, pane_status: PaneStatus, indicators: PaneIndicators) -> Self {
        let split = indicators.colour();
        let second = if scene.panes.len() == 2 && pane_status == PaneStatus::Off && split {
            scene.panes.get(1)
        } else {
            None
        };
        Layout {
            sx: u32::from(scene.session_cols),
            sy: u32::from(scene.session_rows),
            panes: &scene.panes,
            two_lr: second.is_some_and(|p| p.xoff != 0),
            two_tb: second.is_some_and(|p| p.yoff != 0),
            pane_status,
        }
    }

    /// tmux 3.3a `screen_redraw_pane_border`: with exactly two panes and the colour
    /// indicator, each owns half of the line between them, which is how the active one is
    /// shown.
    fn pane_border(&self, wp: &ScenePane<'_>, px: u32, py: u32) -> PaneBorder {
        let (xoff, yoff) = (u32::from(wp.xoff), u32::from(wp.yoff));
        let (sx, sy) = (u32::from(wp.cols), u32::from(wp.rows));
        let (ex, ey) = (xoff + sx, yoff + sy);
        if px >= xoff && px < ex && py >= yoff && py < ey {
            return PaneBorder::Inside;
        }
        if self.two_lr {
            if xoff == 0 && px == sx && py <= sy / 2 {
                return PaneBorder::Right;
            }
            if xoff != 0 && px == xoff - 1 && py > sy / 2 {
                return PaneBorder::Left;
            }
        } else if (yoff == 0 || py >= yoff - 1) && py <= ey {
            if xoff != 0 && px == xoff - 1 {
                return PaneBorder::Left;
            }
            if px == ex {
                return PaneBorder::Right;
            }
        }
        let across = (xoff == 0 || px >= xoff - 1) && px <= ex;
        let top = yoff != 0 && py == yoff - 1;
        match self.pane_status {
            // With pane status lines only the line holding a pane's status is its border.
            PaneStatus::Top if across && top => PaneBorder::Top,
            PaneStatus::Bottom if across && py == ey => PaneBorder::Bottom,
            PaneStatus::Off if self.two_tb => {
                if yoff == 0 && py == sy && px <= sx / 2 {
                    PaneBorder::Bottom
                } else if yoff != 0 && py == yoff - 1 && px > sx / 2 {
                    PaneBorder::Top
                } else {
                    PaneBorder::Outside
                }
            }
            PaneStatus::Off if across && top => PaneBorder::Top,
            PaneStatus::Off if across && py == ey => PaneBorder::Bottom,
            _ => PaneBorder::Outside,
        }
    }

    /// tmux `screen_redraw_cell_border`.
    fn cell_border(&self, px: u32, py: u32) -> bool {
        if px > self.sx || py > self.sy {
            return false;
        }
        if px == self.sx || py == self.sy {
            return true;
        }
        for wp in self.panes {
            match self.pane_border(wp, px, py) {
                PaneBorder::Inside => return false,
                PaneBorder::Outside => {}
                _ => return true,
            }
        }
        false
    }

    /// tmux `screen_redraw_type_of_cell`.
    fn type_of_cell(&self, px: u32, py: u32) -> CellType {
        if px > self.sx || py > self.sy {
            return CellType::Outside;
        }
        let left = px == 0 || self.cell_border(px - 1, py);
        let right = px <= self.sx && self.cell_border(px + 1, py);
        let above = py.checked_sub(1).is_some_and(|y| self.cell_border(px, y));
        let below = self.cell_border(px, py + 1);
        // The window's top (or, with status lines at the bottom, its last row) does not join
        // the lines of pane status rows, as in tmux.
        let (top, bottom) = match self.pane_status {
            PaneStatus::Top => (above, below),
            PaneStatus::Bottom => (py == 0 || above, py + 1 != self.sy && below),
            PaneStatus::Off => (py == 0 || above, below),
        };
        match (left, right, top, bottom) {
            (true, true, true, true) => CellType::Join,
            (true, true, true, false) => CellType::BottomJoin,
            (true, true, false, true) => CellType::TopJoin,
            (true, true, false, false) => CellType::LeftRight,
            (true, false, true, true) => CellType::RightJoin,
            (true, false, true, false) => CellType::BottomRight,
            (true, false, false, true) => CellType::TopRight,
            (false, true, true, true) => CellType::LeftJoin,
            (false, true, true, false) => CellType::BottomLeft,
            (false, true, false, true) => CellType::TopLeft,
            (false, false, true, true) => CellType::TopBottom,
            _ => CellType::Outside,
        }
    }

    /// The pane a border cell belongs to (tmux `screen_redraw_check_cell`): the first, from
    /// the active pane on in list order, whose border it is; none on the window's own edges.
    fn owner_of(
        &self,
        px: u32,
        py: u32,
        active: Option<&ScenePane<'_>>,
    ) -> Option<(usize, &'s ScenePane<'a>)> {
        if px >= self.sx || py >= self.sy {
            return None;
        }
        let start = active
            .and_then(|a| self.panes.iter().position(|p| p.id == a.id))
            .unwrap_or(0);
        let n = self.panes.len();
        (0..n)
            .map(|k| (start + k) % n)
            .filter_map(|i| self.panes.get(i).map(|p| (i, p)))
            .find(|(_, p)| self.pane_border(p, px, py).is_border())
    }

    /// Glyph and style of a window-area cell that no pane covers (tmux
    /// `screen_redraw_draw_borders_cell`): the window's own right and bottom edges and everything
    /// past them use `pane-border-style`; a border of the active pane is in
    /// `pane-active-border-style` (green), with an arrow pointing into it on its second cell
    /// under `pane-border-indicators arrows`.
    fn border_cell<'l>(
        &self,
        px: u32,
        py: u32,
        active: Option<&ScenePane<'_>>,
        look: &'l Look,
    ) -> (&'l str, Style) {
        let lines = look.pane_lines;
        let cell_type = self.type_of_cell(px, py);
        if cell_type == CellType::Outside {
            // `fill-character` replaces what tmux draws outside the window.
            let glyph = look
                .fill_character
                .as_deref()
                .unwrap_or_else(|| CellType::Outside.glyph(lines, None));
            return (glyph, look.border_style);
        }
        let owner = self.owner_of(px, py, active);
        let is_active = owner.is_some_and(|(_, p)| active.is_some_and(|a| a.id == p.id));
        let mut style = if is_active {
            look.active_border_style
        } else {
            look.border_style
        };
        // tmux `screen_redraw_draw_borders_cell`: every border cell of the marked pane has
        // reverse video toggled, whichever pane owns the cell (cells no pane owns keep the
        // plain border style).
        let marked = look
            .marked_pane
            .and_then(|id| self.panes.iter().find(|p| p.id == id));
        if owner.is_some() && marked.is_some_and(|m| self.pane_border(m, px, py).is_border()) {
            style.attrs.reverse = !style.attrs.reverse;
        }
        let number = owner.map(|(i, _)| {
            u32::try_from(i)
                .unwrap_or(u32::MAX)
                .wrapping_add(look.pane_base_index)
        });
        let glyph = cell_type.glyph(lines, number);
        if let (Some((_, wp)), Some(a), true) = (owner, active, look.pane_indicators.arrows()) {
            let border = self.pane_border(a, px, py);
            let (x1, y1) = (u32::from(wp.xoff) + 1, u32::from(wp.yoff) + 1);
            let along = (px == x1
                && (cell_type == CellType::LeftRight
                    || (cell_type == CellType::TopJoin && border == PaneBorder::Bottom)
                    || (cell_type == CellType::BottomJoin && border == PaneBorder::Top)))
                || (py == y1
                    && (cell_type == CellType::TopBottom
                        || (cell_type == CellType::LeftJoin && border == PaneBorder::Right)
                        || (cell_type == CellType::RightJoin && border == PaneBorder::Left)));
            if along && border.is_border() {
                return (border.arrow(), style);
            }
        }
        (glyph, style)
    }
}

/// Draw `scene` for a client of `client_cols` x `client_rows`.
///
/// The window is drawn at the top left. A client larger than the window sees tmux 3.3a's
/// filling: the window's right and bottom edges as border lines (`│`, `─`, `┘` and joins where
/// pane borders meet them) and `·` beyond, all in the default style. A smaller client sees the
/// top-left part. The status line (or a message) takes the last row; a message with the status
/// line off takes the last row too, covering the window.
pub fn compose(scene: &Scene<'_>, client_cols: u16, client_rows: u16) -> Frame {
    let mut frame = Frame::blank(0, 0);
    compose_into(scene, client_cols, client_rows, &mut frame);
    frame
}

/// [`compose`] into an existing frame, reusing its cells' buffers: redrawing a client's frame
/// every interval this way allocates nothing in the steady state.
pub fn compose_into(scene: &Scene<'_>, client_cols: u16, client_rows: u16, frame: &mut Frame) {
    compose_look(scene, &Look::default(), client_cols, client_rows, frame);
}

/// [`compose_into`] with a client's own [`Look`]: the styles of the status line, messages,
/// prompt and borders, `status-position`, `status-justify`, a command prompt and
/// `display-panes` numbers. With a prompt the terminal's cursor is hidden (the prompt draws its
/// own); the status row is at the top with `status_top` (a message or prompt with the status
/// line off still takes the last row).
pub fn compose_look(
    scene: &Scene<'_>,
    look: &Look,
    client_cols: u16,
    client_rows: u16,
    frame: &mut Frame,
) {
    reset_frame(frame, client_cols, client_rows);
    let overlay = scene.message.is_some() || look.prompt.is_some();
    let status_rows = if scene.status.is_some() {
        u16::try_from(look.status_lines.len().max(1)).unwrap_or(u16::MAX)
    } else {
        u16::from(overlay)
    }
    .min(client_rows);
    let area = Area {
        cols: client_cols,
        rows: client_rows - status_rows,
        // Window-area rows start below status lines at the top.
        top: if scene.status.is_some() && look.status_top {
            usize::from(status_rows)
        } else {
            0
        },
    };
    let active = scene
        .active_pane
        .and_then(|id| scene.panes.iter().find(|p| p.id == id));
    let owner = pane_owners(scene, area);
    draw_window_area(scene, look, area, &owner, active, frame);
    draw_pane_labels(scene, look, area, frame);
    for line in 0..status_rows {
        draw_status_row(
            scene,
            look,
            area,
            usize::from(line),
            usize::from(status_rows),
            frame,
        );
    }
    if let Some(active) = active {
        place_cursor(active, overlay, area, frame);
    }
}

/// The window area on the client: its size and first row.
#[derive(Debug, Clone, Copy)]
struct Area {
    /// The client's width.
    cols: u16,
    /// The client's rows less the status row.
    rows: u16,
    /// 1 when the status line is at the top (the area starts below it), else 0.
    top: usize,
}

/// Size `frame` for the client (its cells all redrawn when the size changed), no cursor, no
/// modes yet.
fn reset_frame(frame: &mut Frame, client_cols: u16, client_rows: u16) {
    let total = usize::from(client_cols) * usize::from(client_rows);
    let resized =
        (frame.cols, frame.rows) != (client_cols, client_rows) || frame.cells.len() != total;
    frame.cols = client_cols;
    frame.rows = client_rows;
    frame.cells.truncate(total);
    frame.cells.resize_with(total, Cell::default);
    frame.damage.begin(client_rows, resized);
    frame.cursor = None;
    frame.modes = PaneModes::default();
    frame.cursor_look = CursorLook::default();
}

/// Which pane covers each cell of the visible window area (later panes win, as tmux draws
/// panes in list order over each other): indexes into `scene.panes`, or NO_PANE.
fn pane_owners(scene: &Scene<'_>, area: Area) -> Vec<u16> {
    let cols = usize::from(area.cols);
    let mut owner: Vec<u16> = vec![NO_PANE; cols * usize::from(area.rows)];
    for (i, pane) in scene.panes.iter().enumerate().take(usize::from(NO_PANE)) {
        let x0 = pane.xoff.min(scene.session_cols);
        let y0 = pane.yoff.min(scene.session_rows);
        let x1 = pane
            .xoff
            .saturating_add(pane.cols)
            .min(scene.session_cols)
            .min(area.cols);
        let y1 = pane
            .yoff
            .saturating_add(pane.rows)
            .min(scene.session_rows)
            .min(area.rows);
        for y in y0..y1 {
            let start = usize::from(y) * cols;
            if let Some(run) = owner.get_mut(start + usize::from(x0)..start + usize::from(x1)) {
                run.fill(i as u16);
            }
        }
    }
    owner
}

/// The window area's rows: pane cells, and borders and filling where no pane is. Rows are
/// stamped with everything they are drawn from; a row whose stamp is the one it was last
/// composed with is left as it is (typing changes one row of one pane).
fn draw_window_area(
    scene: &Scene<'_>,
    look: &Look,
    area: Area,
    owner: &[u16],
    active: Option<&ScenePane<'_>>,
    frame: &mut Frame,
) {
    let cols = usize::from(area.cols);
    let top = area.top;
    let layout = Layout::new(scene, look.pane_status, look.pane_indicators);
    let layout_stamp = layout_stamp(scene, look, area, frame.rows);
    for y in 0..area.rows {
        let frame_row = usize::from(y) + top;
        let stamp = layout_stamp.map_or(0, |layout| {
            let mut h = std::hash::DefaultHasher::new();
            (layout, y).hash(&mut h);
            for p in &scene.panes {
                if y >= p.yoff && y - p.yoff < p.rows {
                    p.term.row_stamp(y - p.yoff).hash(&mut h);
                }
            }
            // 0 means "unknown": a hash that lands on it is simply never reused.
            h.finish()
        });
        if frame.damage.is_current(frame_row, stamp) {
            continue;
        }
        frame.damage.recomposed(frame_row, stamp);
        for x in 0..area.cols {
            let idx = usize::from(y) * cols + usize::from(x);
            let Some(slot) = frame.cells.get_mut(idx + top * cols) else {
                continue;
            };
            let pane = owner
                .get(idx)
                .filter(|&&o| o != NO_PANE)
                .and_then(|&o| scene.panes.get(usize::from(o)));
            match pane {
                Some(pane) => {
                    pane_cell(pane, x, y, owner, cols, slot);
                    let own = pane.term.palette();
                    default_colours(look, pane.id, own, slot);
                    palette_colours(look, pane.id, own, slot);
                }
                None => {
                    let (glyph, style) =
                        layout.border_cell(u32::from(x), u32::from(y), active, look);
                    slot.text.clear();
                    slot.text.push_str(glyph);
                    slot.width = 1;
                    slot.style = style;
                }
            }
        }
        let start = (usize::from(y) + top) * cols;
        if let Some(row) = frame.cells.get_mut(start..start + cols) {
            draw_pane_status(scene, look, &layout, active, y, row);
        }
    }
}

/// tmux `screen_redraw_make_pane_status`: on row `y`, the status line of each pane whose
/// border line it is: from two cells in, `width - 4` cells of border in the pane's border style
/// with its `pane-border-format` text drawn over them.
fn draw_pane_status(
    scene: &Scene<'_>,
    look: &Look,
    layout: &Layout<'_, '_>,
    active: Option<&ScenePane<'_>>,
    y: u16,
    row: &mut [Cell],
) {
    for (index, pane) in scene.panes.iter().enumerate() {
        let line = match look.pane_status {
            PaneStatus::Off => return,
            PaneStatus::Top => pane.yoff.checked_sub(1),
            PaneStatus::Bottom => pane.yoff.checked_add(pane.rows),
        };
        if line != Some(y) || y >= scene.session_rows {
            continue;
        }
        let is_active = active.is_some_and(|a| a.id == pane.id);
        let style = if is_active {
            look.active_border_style
        } else {
            look.border_style
        };
        let width = usize::from(pane.cols.saturating_sub(4));
        let text = look
            .pane_status_text
            .iter()
            .find(|(id, _)| *id == pane.id)
            .map(|(_, text)| markup_cells(text, style))
            .unwrap_or_default();
        let x0 = usize::from(pane.xoff) + 2;
        for i in 0..width {
            let Some(slot) = row.get_mut(x0 + i) else {
                break;
            };
            match text.get(i) {
                Some(cell) => slot.clone_from(cell),
                None => {
                    let px = u32::try_from(x0 + i).unwrap_or(u32::MAX);
                    slot.text.clear();
                    let number = u32::try_from(index)
                        .unwrap_or(u32::MAX)
                        .wrapping_add(look.pane_base_index);
                    slot.text.push_str(
                        layout
                            .type_of_cell(px, u32::from(y))
                            .glyph(look.pane_lines, Some(number)),
                    );
                    slot.width = 1;
                    slot.style = style;
                }
            }
        }
    }
}

/// What every row of the window area is drawn from besides its panes' rows: sizes, placement,
/// borders. None with display-panes numbers, which are drawn over rows afterwards: rows are
/// then always redone.
fn layout_stamp(scene: &Scene<'_>, look: &Look, area: Area, client_rows: u16) -> Option<u64> {
    look.pane_labels.is_empty().then(|| {
        let mut h = std::hash::DefaultHasher::new();
        (
            area.cols,
            client_rows,
            area.top,
            scene.session_cols,
            scene.session_rows,
        )
            .hash(&mut h);
        (
            scene.active_pane,
            look.border_style,
            look.active_border_style,
            look.pane_status,
            &look.pane_status_text,
            &look.pane_colours,
            look.active_colours,
            &look.palettes,
            (look.pane_lines, look.pane_indicators, look.pane_base_index),
            &look.fill_character,
            look.marked_pane,
        )
            .hash(&mut h);
        for p in &scene.panes {
            (p.id, p.xoff, p.yoff, p.cols, p.rows, p.term.row_stamp(0).0).hash(&mut h);
        }
        h.finish()
    })
}

/// display-panes numbers over their panes' parts inside both the window and this client.
fn draw_pane_labels(scene: &Scene<'_>, look: &Look, area: Area, frame: &mut Frame) {
    let cols = usize::from(area.cols);
    let top = area.top;
    for label in &look.pane_labels {
        let Some(pane) = scene.panes.iter().find(|p| p.id == label.pane) else {
            continue;
        };
        // The pane's part inside both the window and this client.
        let (x0, y0) = (usize::from(pane.xoff), usize::from(pane.yoff));
        let x1 = (x0 + usize::from(pane.cols))
            .min(usize::from(scene.session_cols))
            .min(cols);
        let y1 = (y0 + usize::from(pane.rows))
            .min(usize::from(scene.session_rows))
            .min(usize::from(area.rows));
        if x1 <= x0 || y1 <= y0 {
            continue;
        }
        let rect = PaneRect {
            xoff: x0,
            yoff: y0,
            sx: x1 - x0,
            sy: y1 - y0,
            full: (pane.cols, pane.rows),
        };
        let cells = &mut frame.cells;
        draw_pane_label(rect, *label, |x, y, c, style| {
            if x < x1 && y < y1 {
                let mut buf = [0u8; 4];
                if let Some(slot) = cells.get_mut((y + top) * cols + x) {
                    *slot = Cell::new(c.encode_utf8(&mut buf), style);
                }
            }
        });
    }
}

/// The status row (above or below the window area): a message, else the prompt, else the
/// status line.
fn draw_status_row(
    scene: &Scene<'_>,
    look: &Look,
    area: Area,
    line: usize,
    lines: usize,
    frame: &mut Frame,
) {
    let cols = usize::from(area.cols);
    let row_index = if area.top > 0 {
        line
    } else {
        usize::from(area.rows) + line
    };
    // A message or prompt takes the last status line, as in tmux.
    let last = line + 1 == lines;
    let format = look.status_lines.get(line);
    // The status row is drawn from the bar, the message and the look alone (the clock is
    // text in the bar): with the same inputs it is left as it is.
    let mut h = std::hash::DefaultHasher::new();
    (area.cols, row_index, line, last, &scene.status, look).hash(&mut h);
    if last {
        (&scene.message, scene.message_markup).hash(&mut h);
    }
    let stamp = h.finish();
    let current = frame.damage.is_current(row_index, stamp);
    if !current {
        frame.damage.recomposed(row_index, stamp);
    }
    let start = row_index * cols;
    if current {
        // Drawn from the same inputs last time: the cells are already right.
    } else if let Some(row) = frame.cells.get_mut(start..start + cols) {
        match (&scene.message, &look.prompt, &scene.status) {
            (Some(message), _, _) if last && scene.message_markup => {
                for slot in row.iter_mut() {
                    set_blank(slot, look.message_style);
                }
                crate::format_draw(row, message, look.message_style);
            }
            (Some(message), _, _) if last => draw_message(row, message, look.message_style),
            (None, Some(prompt), _) if last => draw_prompt(row, prompt, look),
            (_, _, Some(status)) => match format {
                Some(Some(text)) => {
                    for slot in row.iter_mut() {
                        set_blank(slot, look.status_style);
                    }
                    crate::format_draw(row, text, look.status_style);
                }
                // Line 0 in tmux's default format, drawn from the bar.
                None | Some(None) if line == 0 => draw_status(row, status, look),
                _ => {
                    for slot in row.iter_mut() {
                        set_blank(slot, look.status_style);
                    }
                }
            },
            _ => {}
        }
    }
}

/// The active pane's terminal modes, and its cursor when visible on this client (hidden under
/// a message or prompt).
fn place_cursor(active: &ScenePane<'_>, overlay: bool, area: Area, frame: &mut Frame) {
    frame.modes = active.term.modes();
    frame.cursor_look = active.term.cursor_look();
    let (cx, cy) = active.term.cursor();
    let visible = frame.modes.cursor_visible && !overlay;
    if visible && cx < active.cols && cy < active.rows {
        let x = u32::from(active.xoff) + u32::from(cx);
        let y = u32::from(active.yoff) + u32::from(cy);
        if x < u32::from(area.cols) && y < u32::from(area.rows) {
            frame.cursor = Some((x as u16, (y as usize + area.top) as u16));
        }
    }
}

/// `owner` value for a cell no pane covers (so at most 65535 panes are drawn).
const NO_PANE: u16 = u16::MAX;

/// Write the cell of `pane` shown at client position (`x`, `y`) into `slot`. A wide character
/// whose right half would leave the pane's visible part shows as a blank (tmux `tty_draw_line`).
/// tmux `tty_default_colours`: a cell in the terminal's default colours takes, in the
/// window's active pane, `window-active-style`'s colour, else the program's own (OSC 10 and
/// 11), else `window-style`'s; in other panes `window-style`'s, else the program's own.
fn default_colours(look: &Look, pane: i64, own: &Palette, slot: &mut Cell) {
    let (fg, bg) = look
        .pane_colours
        .iter()
        .find(|(id, _, _)| *id == pane)
        .map_or((Color::Default, Color::Default), |(_, fg, bg)| (*fg, *bg));
    let active = look
        .active_colours
        .filter(|(id, _, _)| *id == pane)
        .map(|(_, fg, bg)| (fg, bg));
    let program = |c: Option<crate::cursor::Rgb>| c.map(|(r, g, b)| Color::Rgb(r, g, b));
    let pick = |active: Option<Color>, normal: Color, own: Option<Color>| {
        let set = |c: &Color| *c != Color::Default;
        match active {
            Some(a) => Some(a).filter(set).or(own).unwrap_or(normal),
            None => Some(normal).filter(set).or(own).unwrap_or(Color::Default),
        }
    };
    let [own_fg, own_bg] = own.shown();
    if slot.style.fg == Color::Default {
        slot.style.fg = pick(active.map(|a| a.0), fg, program(own_fg));
    }
    if slot.style.bg == Color::Default {
        slot.style.bg = pick(active.map(|a| a.1), bg, program(own_bg));
    }
}

/// tmux `tty_check_fg`/`tty_check_bg`: a palette colour is drawn as the program's own entry
/// (OSC 4), else as the pane's `pane-colours` entry (tmux `colour_palette_get`); a bold
/// foreground of the first eight takes the bright entry (8 to 15) when that one is set, else
/// stays as it is.
fn palette_colours(look: &Look, pane: i64, own: &Palette, slot: &mut Cell) {
    let option = look
        .palettes
        .iter()
        .find(|(id, _)| *id == pane)
        .map(|(_, palette)| palette);
    if option.is_none() && own.is_empty() {
        return;
    }
    let entry = |n: u8| {
        own.entry(usize::from(n))
            .map(|(r, g, b)| Color::Rgb(r, g, b))
            .or_else(|| option.and_then(|p| p.get(usize::from(n)).copied().flatten()))
    };
    if let Color::Indexed(n) = slot.style.fg {
        let n = if n < 8 && slot.style.attrs.bold {
            n + 8
        } else {
            n
        };
        if let Some(c) = entry(n) {
            slot.style.fg = c;
        }
    }
    if let Color::Indexed(n) = slot.style.bg
        && let Some(c) = entry(n)
    {
        slot.style.bg = c;
    }
}

fn pane_cell(pane: &ScenePane<'_>, x: u16, y: u16, owner: &[u16], cols: usize, slot: &mut Cell) {
    let px = x - pane.xoff;
    let py = y - pane.yoff;
    pane.term.cell_into(px, py, slot);
    if slot.width == 2 {
        let idx = usize::from(y) * cols + usize::from(x);
        let next_visible = usize::from(x) + 1 < cols
            && u32::from(px) + 1 < u32::from(pane.cols)
            && owner.get(idx + 1) == owner.get(idx);
        if !next_visible {
            let style = slot.style;
            set_blank(slot, style);
        }
    }
}
