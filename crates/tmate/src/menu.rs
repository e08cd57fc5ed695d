//! display-menu (tmux 3.3a `menu.c`, `cmd-display-menu.c`): a bordered menu drawn over an
//! attached client's screen at `-x`/`-y`, its items' keys and the arrow keys choosing, Enter or
//! an item's key running the item's command for that client, Escape/q/C-c/C-g closing it.

use tmate_proto::KeyCode;
use tmate_term::{Cell, Frame, Style};

use crate::format::text;

/// tmux 3.3a's default menus (`key-bindings.c`): `C-b <` (the window), `C-b >` (the pane) and
/// the right-button menus on status-left (the session), the status line's window list and
/// panes, over tmate 2.4's bindings in the server's own tables (the relay keeps tmate 2.4's
/// list, as for `bindings::SERVER_DEFAULTS`). Built into `bindings_table`.
#[cfg(test)]
pub const DEFAULT_BINDINGS: &str = r##"
bind < { display-menu -xW -yW -T '#[align=centre]#{window_index}:#{window_name}' '#{?#{>:#{session_windows},1},,-}Swap Left' 'l' {swap-window -t:-1} '#{?#{>:#{session_windows},1},,-}Swap Right' 'r' {swap-window -t:+1} '#{?pane_marked_set,,-}Swap Marked' 's' {swap-window} '' 'Kill' 'X' {kill-window} 'Respawn' 'R' {respawn-window -k} '#{?pane_marked,Unmark,Mark}' 'm' {select-pane -m} 'Rename' 'n' {command-prompt -FI "#W" {rename-window -t '#{window_id}' -- '%%'}} '' 'New After' 'w' {new-window -a} 'New At End' 'W' {new-window} }
bind > { display-menu -xP -yP -T '#[align=centre]#{pane_index} (#{pane_id})' '#{?#{m/r:(copy|view)-mode,#{pane_mode}},Go To Top,}' '<' {send -X history-top} '#{?#{m/r:(copy|view)-mode,#{pane_mode}},Go To Bottom,}' '>' {send -X history-bottom} '' '#{?mouse_word,Search For #[underscore]#{=/9/...:mouse_word},}' 'C-r' {if -F '#{?#{m/r:(copy|view)-mode,#{pane_mode}},0,1}' 'copy-mode -t='; send -Xt= search-backward "#{q:mouse_word}"} '#{?mouse_word,Type #[underscore]#{=/9/...:mouse_word},}' 'C-y' {copy-mode -q; send-keys -l -- "#{q:mouse_word}"} '#{?mouse_word,Copy #[underscore]#{=/9/...:mouse_word},}' 'c' {copy-mode -q; set-buffer -- "#{q:mouse_word}"} '#{?mouse_line,Copy Line,}' 'l' {copy-mode -q; set-buffer -- "#{q:mouse_line}"} '' 'Horizontal Split' 'h' {split-window -h} 'Vertical Split' 'v' {split-window -v} '' '#{?#{>:#{window_panes},1},,-}Swap Up' 'u' {swap-pane -U} '#{?#{>:#{window_panes},1},,-}Swap Down' 'd' {swap-pane -D} '#{?pane_marked_set,,-}Swap Marked' 's' {swap-pane} '' 'Kill' 'X' {kill-pane} 'Respawn' 'R' {respawn-pane -k} '#{?pane_marked,Unmark,Mark}' 'm' {select-pane -m} '#{?#{>:#{window_panes},1},,-}#{?window_zoomed_flag,Unzoom,Zoom}' 'z' {resize-pane -Z} }
bind -n MouseDown3StatusLeft { display-menu -t= -xM -yW -T '#[align=centre]#{session_name}' 'Next' 'n' {switch-client -n} 'Previous' 'p' {switch-client -p} '' 'Renumber' 'N' {move-window -r} 'Rename' 'n' {command-prompt -I "#S" {rename-session -- '%%'}} '' 'New Session' 's' {new-session} 'New Window' 'w' {new-window} }
bind -n MouseDown3Status { display-menu -t= -xW -yW -T '#[align=centre]#{window_index}:#{window_name}' '#{?#{>:#{session_windows},1},,-}Swap Left' 'l' {swap-window -t:-1} '#{?#{>:#{session_windows},1},,-}Swap Right' 'r' {swap-window -t:+1} '#{?pane_marked_set,,-}Swap Marked' 's' {swap-window} '' 'Kill' 'X' {kill-window} 'Respawn' 'R' {respawn-window -k} '#{?pane_marked,Unmark,Mark}' 'm' {select-pane -m} 'Rename' 'n' {command-prompt -FI "#W" {rename-window -t '#{window_id}' -- '%%'}} '' 'New After' 'w' {new-window -a} 'New At End' 'W' {new-window} }
bind -n MouseDown3Pane { if -Ft= '#{||:#{mouse_any_flag},#{&&:#{pane_in_mode},#{?#{m/r:(copy|view)-mode,#{pane_mode}},0,1}}}' { select-pane -t=; send -M } { display-menu -t= -xM -yM -T '#[align=centre]#{pane_index} (#{pane_id})' '#{?#{m/r:(copy|view)-mode,#{pane_mode}},Go To Top,}' '<' {send -X history-top} '#{?#{m/r:(copy|view)-mode,#{pane_mode}},Go To Bottom,}' '>' {send -X history-bottom} '' '#{?mouse_word,Search For #[underscore]#{=/9/...:mouse_word},}' 'C-r' {if -F '#{?#{m/r:(copy|view)-mode,#{pane_mode}},0,1}' 'copy-mode -t='; send -Xt= search-backward "#{q:mouse_word}"} '#{?mouse_word,Type #[underscore]#{=/9/...:mouse_word},}' 'C-y' {copy-mode -q; send-keys -l -- "#{q:mouse_word}"} '#{?mouse_word,Copy #[underscore]#{=/9/...:mouse_word},}' 'c' {copy-mode -q; set-buffer -- "#{q:mouse_word}"} '#{?mouse_line,Copy Line,}' 'l' {copy-mode -q; set-buffer -- "#{q:mouse_line}"} '' 'Horizontal Split' 'h' {split-window -h} 'Vertical Split' 'v' {split-window -v} '' '#{?#{>:#{window_panes},1},,-}Swap Up' 'u' {swap-pane -U} '#{?#{>:#{window_panes},1},,-}Swap Down' 'd' {swap-pane -D} '#{?pane_marked_set,,-}Swap Marked' 's' {swap-pane} '' 'Kill' 'X' {kill-pane} 'Respawn' 'R' {respawn-pane -k} '#{?pane_marked,Unmark,Mark}' 'm' {select-pane -m} '#{?#{>:#{window_panes},1},,-}#{?window_zoomed_flag,Unzoom,Zoom}' 'z' {resize-pane -Z} } }
bind -n M-MouseDown3Pane { display-menu -t= -xM -yM -T '#[align=centre]#{pane_index} (#{pane_id})' '#{?#{m/r:(copy|view)-mode,#{pane_mode}},Go To Top,}' '<' {send -X history-top} '#{?#{m/r:(copy|view)-mode,#{pane_mode}},Go To Bottom,}' '>' {send -X history-bottom} '' '#{?mouse_word,Search For #[underscore]#{=/9/...:mouse_word},}' 'C-r' {if -F '#{?#{m/r:(copy|view)-mode,#{pane_mode}},0,1}' 'copy-mode -t='; send -Xt= search-backward "#{q:mouse_word}"} '#{?mouse_word,Type #[underscore]#{=/9/...:mouse_word},}' 'C-y' {copy-mode -q; send-keys -l -- "#{q:mouse_word}"} '#{?mouse_word,Copy #[underscore]#{=/9/...:mouse_word},}' 'c' {copy-mode -q; set-buffer -- "#{q:mouse_word}"} '#{?mouse_line,Copy Line,}' 'l' {copy-mode -q; set-buffer -- "#{q:mouse_line}"} '' 'Horizontal Split' 'h' {split-window -h} 'Vertical Split' 'v' {split-window -v} '' '#{?#{>:#{window_panes},1},,-}Swap Up' 'u' {swap-pane -U} '#{?#{>:#{window_panes},1},,-}Swap Down' 'd' {swap-pane -D} '#{?pane_marked_set,,-}Swap Marked' 's' {swap-pane} '' 'Kill' 'X' {kill-pane} 'Respawn' 'R' {respawn-pane -k} '#{?pane_marked,Unmark,Mark}' 'm' {select-pane -m} '#{?#{>:#{window_panes},1},,-}#{?window_zoomed_flag,Unzoom,Zoom}' 'z' {resize-pane -Z} }
"##;

/// Items a menu keeps at most (more than any screen shows).
const MAX_ITEMS: usize = 1000;

/// One item as display-menu's arguments give it (name and command already format-expanded).
#[derive(Debug, Clone)]
pub struct ItemSpec {
    /// `None`: a separator line (an empty name).
    pub name: Option<String>,
    pub key: Option<KeyCode>,
    pub command: String,
}

/// What display-menu asks a client to open; the client lays it out for its own size.
#[derive(Debug, Clone)]
pub struct MenuRequest {
    pub title: String,
    pub items: Vec<ItemSpec>,
    /// `-x`/`-y` and what they are worked out from.
    pub place: Placement,
    /// The target pane: its id (the commands' target).
    pub pane: u32,
    /// The mouse event of the binding that opened it: the mouse chooses (tmux's menus
    /// without `MENU_NOMOUSE`), and its items' commands run for that event (`-t =`).
    pub mouse: Option<crate::mouse::MouseInfo>,
    /// `-O`: the mouse does not close it on a release (tmux's `MENU_STAYOPEN`).
    pub stay_open: bool,
    /// `mode-style`: the chosen item's style.
    pub choice_style: Style,
    /// The top-left cell asked for instead of `-x`/`-y` (a prompt's completion menu).
    pub at: Option<(usize, usize)>,
    /// A prompt's completion menu (tmux's `MENU_TAB`): Tab moves down (closing past the
    /// last item), Backspace closes, and the chosen item's text goes back to the prompt.
    pub completion: bool,
    /// Held while the menu is open: display-menu waits until every holder is gone (the menu
    /// closed, or it never opened), as tmux's command waits for its menu.
    pub open: Option<std::sync::Arc<tokio::sync::oneshot::Sender<()>>>,
    /// Opened by a right click in a tree mode (tmux's `mode_tree_display_menu`, without
    /// MENU_NOMOUSE): no item is chosen until a key moves, and the menu's middle goes at
    /// `at`'s column.
    pub tree_click: bool,
    /// The right-button menu of the client's popup (tmux `popup_menu_items`): a chosen
    /// item's command is its key, which the popup acts on (`popup::menu_chosen`).
    pub popup: bool,
}

struct Item {
    /// As drawn (markup; a `-` first means disabled); `None`: a separator.
    name: Option<String>,
    key: Option<KeyCode>,
    command: String,
}

/// An open menu on a client.
pub struct Menu {
    title: String,
    items: Vec<Item>,
    width: usize,
    px: usize,
    py: usize,
    choice: Option<usize>,
    pub pane: u32,
    /// See [`MenuRequest::mouse`].
    pub mouse: Option<crate::mouse::MouseInfo>,
    stay_open: bool,
    choice_style: Style,
    /// See [`MenuRequest::completion`].
    pub completion: bool,
    /// See [`MenuRequest::popup`].
    pub popup: bool,
    /// See [`MenuRequest::open`]: dropped with the menu.
    _open: Option<std::sync::Arc<tokio::sync::oneshot::Sender<()>>>,
}

/// What a key did to the menu.
#[derive(Debug, PartialEq, Eq)]
pub enum MenuOutcome {
    Stay,
    Close,
    /// Close and run this item's command.
    Run(String),
}

impl Menu {
    /// Lay the menu out for a `cols` x `rows` client; `None` when it does not fit (tmux then
    /// shows nothing) or has no items.
    pub fn open(req: &MenuRequest, cols: u16, rows: u16) -> Option<Menu> {
        let (sx, sy) = (usize::from(cols), usize::from(rows));
        let mut items: Vec<Item> = Vec::new();
        let mut width = 0;
        for spec in req.items.iter().take(MAX_ITEMS) {
            // tmux's menu_add_item: no separator first, no item whose name expands to nothing.
            let Some(name) = &spec.name else {
                if !items.is_empty() {
                    items.push(Item {
                        name: None,
                        key: None,
                        command: String::new(),
                    });
                }
                continue;
            };
            if name.is_empty() {
                continue;
            }
            let (name, w) = item_name(name, spec.key, sx.saturating_sub(4));
            width = width.max(w);
            items.push(Item {
                name: Some(name),
                key: spec.key,
                command: spec.command.clone(),
            });
        }
        let (w, h) = (width + 4, items.len() + 2);
        if items.is_empty() || w > sx || h > sy {
            return None;
        }
        let (px, py) = match req.at {
            Some((x, y)) if req.tree_click => (x.saturating_sub(w / 2), y),
            Some(at) => at,
            None => req.place.position(sx, sy, w, h),
        };
        let (px, py) = (px.min(sx - w), py.min(sy - h));
        // Opened by keys (no mouse): the first enabled item is chosen; by the mouse, none.
        let choice = items
            .iter()
            .position(|i| i.name.as_deref().is_some_and(|n| !n.starts_with('-')))
            .filter(|_| req.mouse.is_none() && !req.tree_click);
        Some(Menu {
            title: req.title.clone(),
            items,
            width,
            px,
            py,
            choice,
            pane: req.pane,
            mouse: req.mouse.clone(),
            stay_open: req.stay_open,
            choice_style: req.choice_style,
            completion: req.completion,
            popup: req.popup,
            _open: req.open.clone(),
        })
    }

    /// The box's width and height.
    pub fn size(&self) -> (usize, usize) {
        (self.width + 4, self.items.len() + 2)
    }

    fn enabled(&self, i: usize) -> bool {
        self.items
            .get(i)
            .and_then(|i| i.name.as_deref())
            .is_some_and(|n| !n.starts_with('-'))
    }

    /// A key (tmux's `menu_key_cb` without the mouse).
    pub fn key(&mut self, key: KeyCode) -> MenuOutcome {
        let count = self.items.len();
        let keyed = (0..count).find(|i| {
            self.enabled(*i) && self.items.get(*i).is_some_and(|item| item.key == Some(key))
        });
        if let Some(i) = keyed {
            self.choice = Some(i);
            return self.chosen();
        }
        let ch = |c: u8| KeyCode(u64::from(c));
        match key {
            k if self.completion && k == KeyCode::BSPACE => return MenuOutcome::Close,
            k if self.completion && k == KeyCode::TAB => {
                if self.choice == Some(count - 1) {
                    return MenuOutcome::Close;
                }
                self.step(count, true);
            }
            k if k == KeyCode::UP || k == ch(b'k') => self.step(count, false),
            k if k == KeyCode::DOWN || k == ch(b'j') => self.step(count, true),
            k if k == KeyCode::PPAGE || k == ch(b'g') || k == ch(0x02) => {
                let c = self.choice.map_or(0, |c| c.saturating_sub(5));
                self.choice = (c..count).find(|i| self.enabled(*i));
            }
            k if k == KeyCode::NPAGE || k == ch(b'G') => {
                let c = self.choice.map_or(count - 1, |c| (c + 5).min(count - 1));
                self.choice = (0..=c).rev().find(|i| self.enabled(*i));
            }
            k if k == KeyCode::ENTER => return self.chosen(),
            k if k == KeyCode::ESCAPE || k == ch(0x03) || k == ch(0x07) || k == ch(b'q') => {
                return MenuOutcome::Close;
            }
            _ => {}
        }
        MenuOutcome::Stay
    }

    /// A mouse report at (x, y) of the client, 0-based (tmux's `menu_key_cb`): a menu opened
    /// by keys closes on anything but button 1 (a release included); one opened by the mouse
    /// follows it over its items, a release on one chooses it, a release elsewhere closes.
    pub fn mouse_event(&mut self, x: usize, y: usize, button: u32, release: bool) -> MenuOutcome {
        // tmux's button bits: a release is 3, its modifiers lost.
        let b = if release { 3 } else { button };
        let buttons = b & 195;
        if self.mouse.is_none() {
            return if buttons == 0 {
                MenuOutcome::Stay
            } else {
                MenuOutcome::Close
            };
        }
        let count = self.items.len();
        let outside =
            x < self.px || x > self.px + 4 + self.width || y < self.py + 1 || y > self.py + count;
        let (wheel, drag) = (buttons == 64 || buttons == 65, b & 32 != 0);
        // A release closes or chooses; with -O a press does (and a release does not close).
        let acts = if self.stay_open {
            !wheel && !drag && (buttons != 3 || !outside)
        } else {
            buttons == 3
        };
        if outside {
            if acts {
                return MenuOutcome::Close;
            }
            self.choice = None;
            return MenuOutcome::Stay;
        }
        if acts {
            // With -O, a separator or disabled item under the mouse keeps the menu open.
            return match self.chosen() {
                MenuOutcome::Close if self.stay_open && self.choice.is_some() => MenuOutcome::Stay,
                other => other,
            };
        }
        self.choice = Some(y - (self.py + 1));
        MenuOutcome::Stay
    }

    /// Up or down to the next enabled item, wrapping; stops where it started.
    fn step(&mut self, count: usize, down: bool) {
        let old = self.choice.unwrap_or(0);
        let mut c = self.choice;
        loop {
            let next = match (c, down) {
                (None, true) => 0,
                (Some(x), true) if x + 1 >= count => 0,
                (Some(x), true) => x + 1,
                (None | Some(0), false) => count - 1,
                (Some(x), false) => x - 1,
            };
            c = Some(next);
            if self.enabled(next) || next == old {
                break;
            }
        }
        self.choice = c;
    }

    fn chosen(&self) -> MenuOutcome {
        match self.choice.and_then(|c| self.items.get(c)) {
            Some(item) if item.name.as_deref().is_some_and(|n| !n.starts_with('-')) => {
                MenuOutcome::Run(item.command.clone())
            }
            _ => MenuOutcome::Close,
        }
    }

    /// Draw the menu over `frame` (tmux's `screen_write_menu` on a cleared screen, drawn at
    /// the menu's place over everything, the status line included).
    pub fn draw(&self, frame: &mut Frame) {
        let (w, h) = (self.width + 4, self.items.len() + 2);
        let mut rows: Vec<Vec<Cell>> = vec![vec![Cell::blank(Style::default()); w]; h];
        let line = |s: &str| Cell::new(s, Style::default());
        let set = |rows: &mut Vec<Vec<Cell>>, y: usize, x: usize, c: Cell| {
            if let Some(cell) = rows.get_mut(y).and_then(|r| r.get_mut(x)) {
                *cell = c;
            }
        };
        for x in 1..w - 1 {
            set(&mut rows, 0, x, line("─"));
            set(&mut rows, h - 1, x, line("─"));
        }
        for y in 1..h - 1 {
            set(&mut rows, y, 0, line("│"));
            set(&mut rows, y, w - 1, line("│"));
        }
        set(&mut rows, 0, 0, line("┌"));
        set(&mut rows, 0, w - 1, line("┐"));
        set(&mut rows, h - 1, 0, line("└"));
        set(&mut rows, h - 1, w - 1, line("┘"));
        if let Some(top) = rows.first_mut()
            && let Some(area) = top.get_mut(2..w - 2)
            && !self.title.is_empty()
        {
            draw_over(area, &self.title, Style::default());
        }
        for (i, item) in self.items.iter().enumerate() {
            let Some(row) = rows.get_mut(i + 1) else {
                continue;
            };
            let Some(name) = &item.name else {
                for (x, cell) in row.iter_mut().enumerate() {
                    let glyph = match x {
                        0 => "├",
                        x if x == w - 1 => "┤",
                        _ => "─",
                    };
                    *cell = Cell::new(glyph, Style::default());
                }
                continue;
            };
            let (text, style) = match name.strip_prefix('-') {
                Some(rest) => {
                    let mut dim = Style::default();
                    dim.attrs.dim = true;
                    (rest, dim)
                }
                None if self.choice == Some(i) => (name.as_str(), self.choice_style),
                None => (name.as_str(), Style::default()),
            };
            if let Some(area) = row.get_mut(2..2 + self.width) {
                for cell in area.iter_mut() {
                    *cell = Cell::blank(style);
                }
                tmate_term::format_draw(area, text, style);
            }
        }
        let cols = usize::from(frame.cols);
        for (y, row) in rows.into_iter().enumerate() {
            for (x, cell) in row.into_iter().enumerate() {
                let (fx, fy) = (self.px + x, self.py + y);
                if fx < cols
                    && let Some(c) = frame.cells.get_mut(fy * cols + fx)
                {
                    *c = cell;
                }
            }
        }
        // tmux's menu screen has no cursor.
        frame.cursor = None;
    }
}

/// A title drawn as format_draw does into the top border: only the cells it writes replace
/// the line (found by starting from cells it never writes).
pub(crate) fn draw_over(area: &mut [Cell], text: &str, style: Style) {
    let unwritten = Cell::new("\u{0}", style);
    let mut drawn = vec![unwritten.clone(); area.len()];
    tmate_term::format_draw(&mut drawn, text, style);
    for (cell, new) in area.iter_mut().zip(drawn) {
        if new != unwritten {
            *cell = new;
        }
    }
}

/// tmux's menu_add_item: the name trimmed to `max_width` (`>` when cut), the key right-aligned
/// after it when it fits; and the width it takes.
fn item_name(name: &str, key: Option<KeyCode>, max_width: usize) -> (String, usize) {
    let mut max_width = max_width;
    let slen = name.len();
    let mut key = key
        .filter(|_| !name.starts_with('-'))
        .map(KeyCode::name)
        .filter(|k| !k.is_empty());
    if let Some(k) = &key {
        let keylen = k.len() + 3;
        if keylen <= max_width / 4 {
            max_width -= keylen;
        } else if keylen >= max_width || slen >= max_width - keylen {
            key = None;
        }
    }
    let mut suffix = "";
    if slen > max_width {
        max_width = max_width.saturating_sub(1);
        suffix = ">";
    }
    let trimmed = text::trim_right(name, max_width);
    let full = match key {
        Some(k) => format!("{trimmed}{suffix}#[default] #[align=right]({k})"),
        None => format!("{trimmed}{suffix}"),
    };
    let mut width = text::width(&full);
    if full.starts_with('-') {
        width = width.saturating_sub(1);
    }
    (full, width)
}

/// `strtol` of a position: leading digits (with a sign), else 0.
fn number(s: &str) -> i64 {
    let s = s.trim_start();
    let (sign, digits) = match s.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, s.strip_prefix('+').unwrap_or(s)),
    };
    let end = digits
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(digits.len());
    sign * digits
        .get(..end)
        .and_then(|d| d.parse::<i64>().ok())
        .unwrap_or(0)
}

/// Where display-menu and display-popup put their box: what tmux's
/// `cmd_display_menu_get_position` works `-x`/`-y` out from.
#[derive(Debug, Clone, Default)]
pub struct Placement {
    pub x: Option<String>,
    pub y: Option<String>,
    /// The target pane's geometry (xoff, yoff, sx, sy).
    pub geometry: (u16, u16, u16, u16),
    /// Status lines and whether they are at the top (for `-y S` and pane positions).
    pub status_lines: u16,
    pub status_top: bool,
    /// The mouse event the command runs for, on the client's terminal (for M).
    pub mouse: Option<(u16, u16)>,
    /// Where the target window's entry starts on the status line: (x, line), for W.
    pub window_status: Option<(u16, u16)>,
}

impl Placement {
    /// The top-left cell of a `w` x `h` box on an `sx` x `sy` client. `-x`: C (default), R,
    /// P, M, W or a number; `-y`: C (default), P, M, S, W or a number (the box's bottom
    /// line). A position that does not apply (M without a mouse event, W without the window
    /// on the status line) is tmux's empty format: 0.
    pub fn position(&self, sx: usize, sy: usize, w: usize, h: usize) -> (usize, usize) {
        let (sx, sy, w, h) = (sx as i64, sy as i64, w as i64, h as i64);
        let x = self.x_value(sx, w).unwrap_or(0);
        let x = if x + w >= sx { sx - w } else { x.max(0) };
        let y = self.y_value(sy, h).unwrap_or(0);
        let y = if y < h { 0 } else { y - h };
        let y = if y + h >= sy { sy - h } else { y.max(0) };
        (
            usize::try_from(x).unwrap_or(0),
            usize::try_from(y).unwrap_or(0),
        )
    }

    /// tmux's `popup_*` format variables for a `w` x `h` box on an `sx` x `sy` client: what
    /// an `-x`/`-y` format (`#{e|+:#{popup_centre_x},2}`) is expanded with.
    pub fn variables(&self, sx: usize, sy: usize, w: usize, h: usize) -> Vec<(String, String)> {
        let (sxi, syi, wi, hi) = (sx as i64, sy as i64, w as i64, h as i64);
        let mut vars = vec![
            ("popup_width", Some(wi)),
            ("popup_height", Some(hi)),
            ("popup_centre_x", self.x_letter("C", sxi, wi)),
            ("popup_centre_y", self.y_letter("C", syi, hi)),
            ("popup_pane_left", self.x_letter("P", sxi, wi)),
            ("popup_pane_right", self.x_letter("R", sxi, wi)),
            ("popup_pane_bottom", self.y_letter("P", syi, hi)),
            ("popup_status_line_y", self.y_letter("S", syi, hi)),
            ("popup_window_status_line_x", self.x_letter("W", sxi, wi)),
            ("popup_window_status_line_y", self.y_letter("W", syi, hi)),
            ("popup_mouse_centre_x", self.x_letter("M", sxi, wi)),
            ("popup_mouse_top", self.y_letter("M", syi, hi)),
        ];
        if let Some((mx, my)) = self.mouse {
            let (mx, my) = (i64::from(mx), i64::from(my));
            vars.push(("popup_mouse_x", Some(mx)));
            vars.push(("popup_mouse_y", Some(my)));
            let centre_y = if my - hi / 2 + hi >= syi {
                syi - hi
            } else {
                my - hi / 2
            };
            vars.push(("popup_mouse_centre_y", Some(centre_y)));
            vars.push(("popup_mouse_bottom", Some((my - hi).max(0))));
        }
        let top = i64::from(self.status_lines) * i64::from(self.status_top);
        let pane_top = top + i64::from(self.geometry.1) + hi;
        vars.push((
            "popup_pane_top",
            Some(if pane_top >= syi { syi - hi } else { pane_top }),
        ));
        vars.into_iter()
            .filter_map(|(k, v)| v.map(|v| (k.to_string(), v.to_string())))
            .collect()
    }

    /// A position given as a format (not one of the letters): expanded by `expand` with
    /// [`Placement::variables`], so `position` reads the number it gives.
    pub fn expand_formats(
        &mut self,
        size: (usize, usize, usize, usize),
        expand: impl Fn(&str, Vec<(String, String)>) -> String,
    ) {
        let (sx, sy, w, h) = size;
        let vars = self.variables(sx, sy, w, h);
        for value in [&mut self.x, &mut self.y] {
            if let Some(v) = value.as_mut().filter(|v| v.contains('#')) {
                *v = expand(v, vars.clone());
            }
        }
    }

    fn x_letter(&self, letter: &str, sx: i64, w: i64) -> Option<i64> {
        Placement {
            x: Some(letter.to_string()),
            ..self.clone()
        }
        .x_value(sx, w)
    }

    fn y_letter(&self, letter: &str, sy: i64, h: i64) -> Option<i64> {
        Placement {
            y: Some(letter.to_string()),
            ..self.clone()
        }
        .y_value(sy, h)
    }

    fn x_value(&self, sx: i64, w: i64) -> Option<i64> {
        let (xoff, _, psx, _) = self.geometry;
        let (xoff, psx) = (i64::from(xoff), i64::from(psx));
        Some(match self.x.as_deref() {
            None | Some("C") => ((sx - 1) / 2 - w / 2).max(0),
            Some("R") => (xoff + psx - w).max(0),
            Some("P") => xoff,
            Some("M") => (i64::from(self.mouse?.0) - w / 2).max(0),
            Some("W") => i64::from(self.window_status?.0),
            Some(other) => number(other),
        })
    }

    fn y_value(&self, sy: i64, h: i64) -> Option<i64> {
        let (_, yoff, _, psy) = self.geometry;
        let lines = i64::from(self.status_lines);
        let top = if self.status_lines > 0 && self.status_top {
            lines
        } else {
            0
        };
        let status = || (self.status_lines > 0).then_some(());
        Some(match self.y.as_deref() {
            None | Some("C") => {
                let n = (sy - 1) / 2 + h / 2;
                if n >= sy { sy - h } else { n }
            }
            Some("P") => top + i64::from(yoff) + i64::from(psy),
            Some("M") => (i64::from(self.mouse?.1) + h).min(sy - 1),
            Some("S") if self.status_top => status().map(|()| lines + h)?,
            Some("S") => status().map(|()| sy - lines)?,
            Some("W") => {
                let line = i64::from(self.window_status?.1);
                if self.status_top {
                    line + 1 + h
                } else {
                    sy - lines + line
                }
            }
            Some(other) => number(other),
        })
    }
}
