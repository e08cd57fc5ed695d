//! The status row and what replaces it (tmux 3.3a `status.c`, `format-draw.c`): the status line
//! with its styles and `status-justify`, a message, a command prompt with its cursor cell; and
//! `display-panes` numbers drawn over panes (`cmd-display-panes.c`). A [`Look`] carries the
//! client's options; `Look::default()` is tmux's default look.

use crate::markup::{markup_cells, plain_cells};
use crate::pane::set_blank;
use crate::style::{
    ACTIVE_BORDER_STYLE, BORDER_STYLE, Cell, Color, MESSAGE_STYLE, STATUS_STYLE, Style,
};

/// The status line's content. `left` and `right` may contain tmux style markup (`#[fg=red]`);
/// they are drawn whole: cut them first with [`crate::truncate_markup`] to apply
/// `status-left-length`/`status-right-length`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct StatusBar {
    pub left: String,
    pub right: String,
    pub windows: Vec<StatusWindow>,
}

/// One window in the status line's window list.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StatusWindow {
    pub idx: i64,
    pub name: String,
    pub active: bool,
    pub last: bool,
}

/// Where the window list goes (`status-justify`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Justify {
    #[default]
    Left,
    Centre,
    Right,
    AbsoluteCentre,
}

impl Justify {
    /// The option's value as tmux names it; unknown values are `left`.
    pub fn from_option(value: &str) -> Justify {
        match value {
            "centre" => Justify::Centre,
            "right" => Justify::Right,
            "absolute-centre" => Justify::AbsoluteCentre,
            _ => Justify::Left,
        }
    }
}

/// `pane-border-status`: whether each pane's border line above (or below) it carries its
/// `pane-border-format` text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PaneStatus {
    #[default]
    Off,
    Top,
    Bottom,
}

impl PaneStatus {
    /// The option's value as tmux names it; unknown values are `off`.
    pub fn from_option(value: &str) -> PaneStatus {
        match value {
            "top" => PaneStatus::Top,
            "bottom" => PaneStatus::Bottom,
            _ => PaneStatus::Off,
        }
    }
}

/// `pane-border-lines`: the characters pane borders are drawn with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PaneLines {
    #[default]
    Single,
    Double,
    Heavy,
    Simple,
    /// Each pane's index (mod 10) along its border, `*` on the window's edges.
    Number,
}

impl PaneLines {
    /// The option's value as tmux names it; unknown values are `single`.
    pub fn from_option(value: &str) -> PaneLines {
        match value {
            "double" => PaneLines::Double,
            "heavy" => PaneLines::Heavy,
            "simple" => PaneLines::Simple,
            "number" => PaneLines::Number,
            _ => PaneLines::Single,
        }
    }
}

/// `fill-character` as tmux 3.3a's `window_set_fill_character` takes it: the value's first
/// character when it is one cell wide; `None` (tmux's `·`) for an empty value or a wide one.
pub fn fill_character(value: &str) -> Option<String> {
    let c = value.chars().next()?;
    (unicode_width::UnicodeWidthChar::width(c) == Some(1)).then(|| c.to_string())
}

/// `pane-border-indicators`: how the active pane's border is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PaneIndicators {
    Off,
    #[default]
    Colour,
    Arrows,
    Both,
}

impl PaneIndicators {
    /// The option's value as tmux names it; unknown values are `colour`.
    pub fn from_option(value: &str) -> PaneIndicators {
        match value {
            "off" => PaneIndicators::Off,
            "arrows" => PaneIndicators::Arrows,
            "both" => PaneIndicators::Both,
            _ => PaneIndicators::Colour,
        }
    }

    /// Colour shows the active pane: two panes side by side each colour half their line.
    pub fn colour(self) -> bool {
        matches!(self, PaneIndicators::Colour | PaneIndicators::Both)
    }

    /// Arrows on the active pane's borders point at it.
    pub fn arrows(self) -> bool {
        matches!(self, PaneIndicators::Arrows | PaneIndicators::Both)
    }
}

/// One window of the list, already expanded from `window-status-format` (or the current one).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WindowEntry {
    /// Text with tmux style markup.
    pub text: String,
    /// The style the markup starts from and `#[default]` returns to (status-style with the
    /// window-status-* styles applied).
    pub style: Style,
    /// The current window: kept in view when the list is cut.
    pub current: bool,
}

/// A command prompt on the status row (tmux `status_prompt_redraw`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct PromptLine {
    /// The prompt (may contain style markup), e.g. `:` or `(rename-window) `.
    pub prompt: String,
    /// What was typed so far.
    pub input: String,
    /// Cursor position in characters of `input`.
    pub cursor: usize,
    /// vi command mode: drawn in `message-command-style` instead of `message-style`.
    pub command_mode: bool,
}

/// A `display-panes` label: the pane's number drawn over it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PaneLabel {
    pub pane: i64,
    pub number: u32,
    pub colour: Color,
}

/// How a client draws the parts that tmux options control.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Look {
    pub status_style: Style,
    /// `status-left-style` applied over `status-style`.
    pub left_style: Style,
    pub right_style: Style,
    pub message_style: Style,
    pub message_command_style: Style,
    pub border_style: Style,
    pub active_border_style: Style,
    /// `status-position top`.
    pub status_top: bool,
    /// With `status` 2 to 5: each status line's expanded `status-format[N]` (markup), `None`
    /// for a line tmux leaves blank, or for line 0 in tmux's default format (drawn from the
    /// [`StatusBar`]). Empty: the one default line.
    pub status_lines: Vec<Option<String>>,
    pub justify: Justify,
    /// The window list; `None`: `StatusBar::windows` in tmux's default format and style.
    pub windows: Option<Vec<WindowEntry>>,
    /// `window-status-separator` (may contain markup).
    pub separator: String,
    /// A prompt replaces the status row (a message still wins over it, as in tmux).
    pub prompt: Option<PromptLine>,
    /// `display-panes`: numbers drawn over these panes.
    pub pane_labels: Vec<PaneLabel>,
    /// `pane-border-status`, and each pane's expanded `pane-border-format` (markup) by pane id.
    pub pane_status: PaneStatus,
    pub pane_status_text: Vec<(i64, String)>,
    /// `window-style`: the colours a pane's default-coloured cells take, by pane id (panes
    /// not listed keep the terminal's defaults or the program's own, OSC 10 and 11).
    pub pane_colours: Vec<(i64, Color, Color)>,
    /// The window's active pane and its `window-active-style` colours (`Color::Default` where
    /// it sets none): they come first for that pane, then the program's own, then
    /// `window-style`'s (tmux `tty_default_colours`).
    pub active_colours: Option<(i64, Color, Color)>,
    /// `pane-colours`: each listed pane's palette, 256 entries (`None`: the colour as it is),
    /// applied to the colours its cells are drawn in (tmux `colour_palette_get`).
    pub palettes: Vec<(i64, Vec<Option<Color>>)>,
    /// `pane-border-lines`, `pane-border-indicators` and `pane-base-index` (for the numbers
    /// `pane-border-lines number` draws) of the window.
    pub pane_lines: PaneLines,
    pub pane_indicators: PaneIndicators,
    pub pane_base_index: u32,
    /// `fill-character`: one cell-wide character drawn outside the window instead of `·`.
    pub fill_character: Option<String>,
    /// The marked pane (`select-pane -m`) when it is in the window drawn: its borders are
    /// drawn with reverse video toggled, as tmux's.
    pub marked_pane: Option<i64>,
}

impl Default for Look {
    fn default() -> Self {
        Look {
            status_style: STATUS_STYLE,
            left_style: STATUS_STYLE,
            right_style: STATUS_STYLE,
            message_style: MESSAGE_STYLE,
            message_command_style: Style::colors(Color::Indexed(3), Color::Indexed(0)),
            border_style: BORDER_STYLE,
            active_border_style: ACTIVE_BORDER_STYLE,
            status_top: false,
            status_lines: Vec::new(),
            justify: Justify::Left,
            windows: None,
            separator: " ".into(),
            prompt: None,
            pane_labels: Vec::new(),
            pane_status: PaneStatus::Off,
            pane_status_text: Vec::new(),
            pane_colours: Vec::new(),
            active_colours: None,
            palettes: Vec::new(),
            pane_lines: PaneLines::Single,
            pane_indicators: PaneIndicators::Colour,
            pane_base_index: 0,
            fill_character: None,
            marked_pane: None,
        }
    }
}

/// Columns `start..end` of a list.
type Span = (usize, usize);

/// The window list: entries joined by the separator. Returns the cells and the focus range
/// (the current window's entry).
fn window_list(status: &StatusBar, look: &Look) -> (Vec<Cell>, Option<Span>) {
    let mut cells = Vec::new();
    let mut focus = None;
    let separator = markup_cells(&look.separator, look.status_style);
    let entries: Vec<(Vec<Cell>, bool)> = match &look.windows {
        Some(list) => list
            .iter()
            .map(|e| (markup_cells(&e.text, e.style), e.current))
            .collect(),
        None => status
            .windows
            .iter()
            .map(|w| {
                let flag = if w.active {
                    "*"
                } else if w.last {
                    "-"
                } else {
                    " "
                };
                // Names are shown as they are (never as markup): they come from the pane's program.
                let text = format!("{}:{}{}", w.idx, w.name, flag);
                (plain_cells(&text, look.status_style), w.active)
            })
            .collect(),
    };
    let count = entries.len();
    for (i, (entry, current)) in entries.into_iter().enumerate() {
        let start = cells.len();
        cells.extend(entry);
        if current && focus.is_none() {
            focus = Some((start, cells.len()));
        }
        if i + 1 < count {
            cells.extend(separator.iter().cloned());
        }
    }
    (cells, focus)
}

/// Copy `width` cells of `src` starting at `start` into `row` at `at` (tmux `format_draw_put`),
/// blanking half characters at either end so a wide character is never split.
pub(crate) fn put(row: &mut [Cell], at: usize, src: &[Cell], start: usize, width: usize) {
    let row_len = row.len();
    for i in 0..width {
        let Some(cell) = src.get(start + i) else {
            break;
        };
        let Some(slot) = row.get_mut(at + i) else {
            break;
        };
        let cut_right = cell.width == 2 && (i + 1 >= width || at + i + 1 >= row_len);
        let cut_left = cell.width == 0 && i == 0;
        if cut_left || cut_right {
            set_blank(slot, cell.style);
        } else {
            slot.clone_from(cell);
        }
    }
}

/// tmux 3.3a `format_draw` with the default `status-format`: left text at 0, right text
/// right-aligned, the window list placed by `status-justify`. When they do not fit, the list
/// shrinks first (keeping the current window in view between `<` and `>` markers), then the
/// right text (keeping its end), then the left.
pub(crate) fn draw_status(row: &mut [Cell], status: &StatusBar, look: &Look) {
    for slot in row.iter_mut() {
        set_blank(slot, look.status_style);
    }
    let l = layout(row.len(), status, look);
    put(row, 0, &l.left, 0, l.wl);
    put(row, l.right_at, &l.right, l.right.len() - l.wr, l.wr);
    if l.wlist == 0 {
        return;
    }
    draw_list(row, l.list_at, l.wlist, &l.list, l.focus, look.status_style);
}

/// Where the default status line's parts go in `available` cells.
struct Layout {
    left: Vec<Cell>,
    right: Vec<Cell>,
    list: Vec<Cell>,
    focus: (usize, usize),
    wl: usize,
    wr: usize,
    wlist: usize,
    right_at: usize,
    list_at: usize,
}

fn layout(available: usize, status: &StatusBar, look: &Look) -> Layout {
    let left = markup_cells(&status.left, look.left_style);
    let right = markup_cells(&status.right, look.right_style);
    let (list, focus) = window_list(status, look);
    let (mut wl, mut wlist, mut wr) = (left.len(), list.len(), right.len());
    if look.justify == Justify::AbsoluteCentre {
        // Left and right are trimmed against each other; the list is drawn over them.
        let excess = (wl + wr).saturating_sub(available);
        let cut = excess.min(wr);
        wr -= cut;
        wl -= (excess - cut).min(wl);
        wlist = wlist.min(available);
    } else {
        // The same order tmux trims in, in one step instead of one cell at a time.
        let mut excess = (wl + wlist + wr).saturating_sub(available);
        let cut = excess.min(wlist);
        wlist -= cut;
        excess -= cut;
        let cut = excess.min(wr);
        wr -= cut;
        excess -= cut;
        wl -= excess.min(wl);
    }
    let (right_at, list_at) = match look.justify {
        Justify::Left => (available - wr, wl),
        // The right text comes after the list in the format, so it follows the list.
        Justify::Right => (available - wr, available - wr - wlist),
        Justify::Centre => {
            let middle = wl + ((available - wr) - wl) / 2;
            (available - wr, middle - wlist / 2)
        }
        Justify::AbsoluteCentre => (available - wr, (available - wlist) / 2),
    };
    // Without a current window, tmux keeps the list's start (left, right) or middle in view.
    let focus = focus.unwrap_or(match look.justify {
        Justify::Left | Justify::Right => (0, 0),
        _ => (list.len() / 2, list.len() / 2),
    });
    Layout {
        left,
        right,
        list,
        focus,
        wl,
        wr,
        wlist,
        right_at,
        list_at,
    }
}

/// tmux 3.3a's default `status-format[0]` for this bar and look, with the texts already
/// expanded: what the default first line's mouse ranges are read from (`range=left` around
/// status-left, `range=window|N` around each entry, the current one the list's focus,
/// `range=right` around status-right). Styles are left out: they do not move ranges.
pub fn default_status_format(status: &StatusBar, look: &Look) -> String {
    let justify = match look.justify {
        Justify::Left => "left",
        Justify::Centre => "centre",
        Justify::Right => "right",
        Justify::AbsoluteCentre => "absolute-centre",
    };
    let mut text = format!(
        "#[align=left range=left]#[push-default]{}#[pop-default]#[norange default]\
         #[list=on align={justify}]#[list=left-marker]<#[list=right-marker]>#[list=on]",
        status.left
    );
    let count = status.windows.len();
    for (i, w) in status.windows.iter().enumerate() {
        let (entry, current) = match look.windows.as_ref().and_then(|l| l.get(i)) {
            Some(e) => (e.text.clone(), e.current),
            None => (default_entry_text(w), w.active),
        };
        let (focus, end) = if current {
            (" list=focus", "#[norange list=on default]")
        } else {
            ("", "#[norange default]")
        };
        text.push_str(&format!(
            "#[range=window|{}{focus}]#[push-default]{entry}#[pop-default]{end}",
            w.idx
        ));
        if i + 1 < count {
            text.push_str(&look.separator);
        }
    }
    text.push_str(&format!(
        "#[nolist align=right range=right]#[push-default]{}#[pop-default]#[norange default]",
        status.right
    ));
    text
}

/// A window's entry in tmux's default `window-status-format` (`#I:#W#F`), its name shown as
/// it is (never as markup: it comes from the pane's program).
fn default_entry_text(w: &StatusWindow) -> String {
    let flag = if w.active {
        "*"
    } else if w.last {
        "-"
    } else {
        " "
    };
    format!("{}:{}{}", w.idx, w.name.replace('#', "##"), flag)
}

/// tmux `format_draw_put_list`'s view of a list too wide for its `width` cells at `offset`:
/// (first list cell shown, where it is drawn, how many are shown), the `<` and `>` markers
/// taking a cell each where the list is cut.
fn list_window(
    offset: usize,
    width: usize,
    len: usize,
    focus: (usize, usize),
) -> (usize, usize, usize) {
    if width >= len {
        return (0, offset, width.min(len));
    }
    let (focus_start, focus_end) = focus;
    let focus_centre = focus_start + (focus_end - focus_start) / 2;
    let mut start = focus_centre.saturating_sub(width / 2);
    if focus_centre < width / 2 {
        start = 0;
    }
    if start + width > len {
        start = len - width;
    }
    let (mut offset, mut width) = (offset, width);
    if start != 0 && width > 1 {
        offset += 1;
        start += 1;
        width -= 1;
    }
    if start + width < len && width > 1 {
        width -= 1;
    }
    (start, offset, width)
}

/// tmux `format_draw_put_list`.
fn draw_list(
    row: &mut [Cell],
    offset: usize,
    width: usize,
    list: &[Cell],
    focus: (usize, usize),
    style: Style,
) {
    if width >= list.len() {
        put(row, offset, list, 0, width);
        return;
    }
    let (start, at, shown) = list_window(offset, width, list.len(), focus);
    let marker = |ch: &str| plain_cells(ch, style);
    if at > offset {
        put(row, offset, &marker("<"), 0, 1);
    }
    if at + shown < offset + width {
        put(row, at + shown, &marker(">"), 0, 1);
    }
    put(row, at, list, start, shown);
}

/// A message in place of the status line: the whole line in `message-style`, the text from the
/// left (control characters dropped, cut to the width).
pub(crate) fn draw_message(row: &mut [Cell], message: &str, style: Style) {
    for slot in row.iter_mut() {
        set_blank(slot, style);
    }
    let cells = plain_cells(message, style);
    let width = cells.len().min(row.len());
    put(row, 0, &cells, 0, width);
}

/// tmux `status_prompt_redraw`: the prompt, then the input scrolled so the cursor stays in view;
/// the cursor is the cell drawn in reverse (the terminal's cursor is hidden meanwhile).
pub(crate) fn draw_prompt(row: &mut [Cell], prompt: &PromptLine, look: &Look) {
    let style = if prompt.command_mode {
        look.message_command_style
    } else {
        look.message_style
    };
    for slot in row.iter_mut() {
        set_blank(slot, style);
    }
    let available = row.len();
    let head = markup_cells(&prompt.prompt, style);
    let start = head.len().min(available);
    put(row, 0, &head, 0, start);
    let left = available - start;
    if left == 0 {
        return;
    }
    let mut cursor_style = style;
    cursor_style.attrs.reverse = !cursor_style.attrs.reverse;
    // Input characters with their widths, and the cursor's column within the input.
    let chars: Vec<(char, usize)> = prompt
        .input
        .chars()
        .map(|c| (c, unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)))
        .collect();
    let pcursor: usize = chars.iter().take(prompt.cursor).map(|(_, w)| *w).sum();
    let mut pwidth: usize = chars.iter().map(|(_, w)| *w).sum();
    let offset = if pcursor >= left {
        pwidth = left;
        pcursor - left + 1
    } else {
        0
    };
    pwidth = pwidth.min(left);
    let mut x = start;
    let mut width = 0usize;
    let mut i = 0usize;
    while let Some(&(c, w)) = chars.get(i) {
        if width < offset {
            width += w;
            i += 1;
            continue;
        }
        if width >= offset + pwidth {
            break;
        }
        width += w;
        if width > offset + pwidth {
            break;
        }
        let cell_style = if i == prompt.cursor {
            cursor_style
        } else {
            style
        };
        let mut cells = Vec::with_capacity(2);
        cells.push(Cell::new(&c.to_string(), cell_style));
        if w == 2 {
            cells.push(Cell::continuation(cell_style));
        }
        let n = cells.len();
        put(row, x, &cells, 0, n);
        x += n;
        i += 1;
    }
    if x < available
        && prompt.cursor >= i
        && let Some(slot) = row.get_mut(x)
    {
        set_blank(slot, cursor_style);
    }
}

/// tmux's clock-mode digits (5x5), used by `display-panes` for large panes.
const DIGITS: [[&str; 5]; 10] = [
    ["#####", "#   #", "#   #", "#   #", "#####"],
    ["    #", "    #", "    #", "    #", "    #"],
    ["#####", "    #", "#####", "#    ", "#####"],
    ["#####", "    #", "#####", "    #", "#####"],
    ["#   #", "#   #", "#####", "    #", "    #"],
    ["#####", "#    ", "#####", "    #", "#####"],
    ["#####", "#    ", "#####", "#   #", "#####"],
    ["#####", "    #", "    #", "    #", "    #"],
    ["#####", "#   #", "#####", "#   #", "#####"],
    ["#####", "#   #", "#####", "    #", "#####"],
];

/// The visible rectangle of a pane on the client, in window-area coordinates.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PaneRect {
    pub xoff: usize,
    pub yoff: usize,
    pub sx: usize,
    pub sy: usize,
    /// The pane's full size (for the `WxH` label).
    pub full: (u16, u16),
}

/// tmux `cmd_display_panes_draw_pane`: the number in the middle of the pane, in big digits
/// when it fits (6 columns a digit, 5 rows), the pane's size at its top right.
/// `put_cell(x, y, text, style)` writes one window-area cell.
pub(crate) fn draw_pane_label(
    rect: PaneRect,
    label: PaneLabel,
    mut put_cell: impl FnMut(usize, usize, char, Style),
) {
    let number = label.number.to_string();
    let len = number.len();
    let (sx, sy) = (rect.sx, rect.sy);
    if sx < len {
        return;
    }
    let fg = Style::colors(label.colour, Color::Default);
    let bg = Style::colors(Color::Default, label.colour);
    let mut px = sx / 2;
    let mut py = sy / 2;
    let letter = (10..35)
        .contains(&label.number)
        .then(|| char::from(b'a' + (label.number - 10) as u8));
    let text_at =
        |x: usize, y: usize, text: &str, put_cell: &mut dyn FnMut(usize, usize, char, Style)| {
            for (i, c) in text.chars().enumerate() {
                put_cell(rect.xoff + x + i, rect.yoff + y, c, fg);
            }
        };
    if sx < len * 6 || sy < 5 {
        let llen = usize::from(letter.is_some());
        if sx > len + llen {
            // tmux writes the number, then a space, then the letter (panes 10 to 34).
            let mut text = format!("{number} ");
            text.extend(letter);
            text_at(
                px.saturating_sub((len + llen).div_ceil(2)),
                py,
                &text,
                &mut put_cell,
            );
        } else {
            text_at(px.saturating_sub(len / 2), py, &number, &mut put_cell);
        }
        return;
    }
    px -= len * 3;
    py -= 2;
    for d in number.bytes() {
        let Some(rows) = DIGITS.get(usize::from(d.wrapping_sub(b'0'))) else {
            continue;
        };
        for (j, line) in rows.iter().enumerate() {
            for (i, b) in line.bytes().enumerate() {
                if b == b'#' {
                    put_cell(rect.xoff + px + i, rect.yoff + py + j, ' ', bg);
                }
            }
        }
        px += 6;
    }
    if sy <= 6 {
        return;
    }
    let size = format!("{}x{}", rect.full.0, rect.full.1);
    if sx >= size.len() {
        text_at(sx - size.len(), 0, &size, &mut put_cell);
    }
    if let Some(l) = letter {
        text_at(sx / 2 + len * 3 - 2, py + 5, &l.to_string(), &mut put_cell);
    }
}
