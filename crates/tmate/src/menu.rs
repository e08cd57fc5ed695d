//! display-menu (tmux 3.3a `menu.c`, `cmd-display-menu.c`): a bordered menu drawn over an
//! attached client's screen at `-x`/`-y`, its items' keys and the arrow keys choosing, Enter or
//! an item's key running the item's command for that client, Escape/q/C-c/C-g closing it.

use tmate_proto::KeyCode;
use tmate_term::{Cell, Frame, Style};

use crate::format::text;

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
    pub x: Option<String>,
    pub y: Option<String>,
    /// The target pane: its id (the commands' target) and geometry (xoff, yoff, sx, sy).
    pub pane: u32,
    pub geometry: (u16, u16, u16, u16),
    /// Status lines and whether they are at the top (for `-y S` and pane positions).
    pub status_lines: u16,
    pub status_top: bool,
    /// `mode-style`: the chosen item's style.
    pub choice_style: Style,
    /// The top-left cell asked for instead of `-x`/`-y` (a prompt's completion menu).
    pub at: Option<(usize, usize)>,
    /// A prompt's completion menu (tmux's `MENU_TAB`): Tab moves down (closing past the
    /// last item), Backspace closes, and the chosen item's text goes back to the prompt.
    pub completion: bool,
    /// Opened by a right click in a tree mode (tmux's `mode_tree_display_menu`, without
    /// MENU_NOMOUSE): no item is chosen until a key moves, and the menu's middle goes at
    /// `at`'s column.
    pub mouse: bool,
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
    choice_style: Style,
    /// See [`MenuRequest::completion`].
    pub completion: bool,
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
            Some((x, y)) if req.mouse => (x.saturating_sub(w / 2), y),
            Some(at) => at,
            None => position(req, sx, sy, w, h),
        };
        let (px, py) = (px.min(sx - w), py.min(sy - h));
        // Opened by keys (no mouse): the first enabled item is chosen.
        let choice = items
            .iter()
            .position(|i| i.name.as_deref().is_some_and(|n| !n.starts_with('-')))
            .filter(|_| !req.mouse);
        Some(Menu {
            title: req.title.clone(),
            items,
            width,
            px,
            py,
            choice,
            pane: req.pane,
            choice_style: req.choice_style,
            completion: req.completion,
        })
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
fn draw_over(area: &mut [Cell], text: &str, style: Style) {
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

/// tmux's cmd_display_menu_get_position for a `w` x `h` menu on an `sx` x `sy` client: the
/// top-left cell. `-x`: C (default), R, P or a number; `-y`: C (default), P, S or a number
/// (the menu's bottom line); the mouse and window-status positions (M, W) count as C.
fn position(req: &MenuRequest, sx: usize, sy: usize, w: usize, h: usize) -> (usize, usize) {
    let (sx, sy, w, h) = (sx as i64, sy as i64, w as i64, h as i64);
    let (xoff, yoff, psx, _psy) = req.geometry;
    let (xoff, yoff, psx) = (i64::from(xoff), i64::from(yoff), i64::from(psx));
    let lines = i64::from(req.status_lines);
    let top = if req.status_lines > 0 && req.status_top {
        lines
    } else {
        0
    };
    let centre_x = ((sx - 1) / 2 - w / 2).max(0);
    let centre_y = {
        let n = (sy - 1) / 2 + h / 2;
        if n >= sy { sy - h } else { n }
    };
    let x = match req.x.as_deref() {
        None | Some("C" | "M" | "W") => centre_x,
        Some("R") => (xoff + psx - w).max(0),
        Some("P") => xoff,
        Some(other) => number(other),
    };
    let x = if x + w >= sx { sx - w } else { x.max(0) };
    let y = match req.y.as_deref() {
        None | Some("C" | "M" | "W") => centre_y,
        Some("P") => top + yoff + i64::from(req.geometry.3),
        Some("S") => {
            if req.status_top {
                lines + h
            } else {
                sy - lines
            }
        }
        Some(other) => number(other),
    };
    let y = if y < h { 0 } else { y - h };
    let y = if y + h >= sy { sy - h } else { y.max(0) };
    (
        usize::try_from(x).unwrap_or(0),
        usize::try_from(y).unwrap_or(0),
    )
}
