//! Drawing a tree mode's screen as tmux 3.3a's `mode_tree_draw` does: the list (choice keys,
//! `+`/`-` markers, tree lines, the formatted text, the current line in `mode-style`, tagged
//! lines bright), the preview box with its title, and each mode's preview (window-tree's
//! windows and panes side by side with labels, a buffer's text, a client's pane). The cells
//! become escape sequences that a `PaneTerm` of the pane's size (and the relay) draws.

use tmate_term::{Cell, Color, PaneTerm, Style};
use unicode_width::UnicodeWidthChar;

use super::{Tag, TreeMode};
use crate::state::State;

/// A screen being drawn.
pub(super) struct Canvas {
    cols: usize,
    rows: usize,
    cells: Vec<Cell>,
}

impl Canvas {
    fn new(cols: usize, rows: usize) -> Canvas {
        Canvas {
            cols,
            rows,
            cells: vec![Cell::default(); cols.saturating_mul(rows)],
        }
    }

    fn set(&mut self, x: usize, y: usize, cell: Cell) {
        if x < self.cols
            && y < self.rows
            && let Some(c) = self.cells.get_mut(y * self.cols + x)
        {
            *c = cell;
        }
    }

    /// Text from (x, y) in `style`, at most `max` cells; returns the cells used. Control
    /// characters are dropped, a wide character that does not fit ends the text.
    pub(super) fn text(&mut self, x: usize, y: usize, s: &str, style: Style, max: usize) -> usize {
        let mut used = 0;
        for ch in s.chars() {
            let w = ch.width().unwrap_or(0);
            if w == 0 {
                continue;
            }
            if used + w > max {
                break;
            }
            let mut buf = [0u8; 4];
            self.set(x + used, y, Cell::new(ch.encode_utf8(&mut buf), style));
            if w == 2 {
                self.set(x + used + 1, y, Cell::continuation(style));
            }
            used += w;
        }
        used
    }

    /// tmux `format_draw` for item texts: `#[...]` changes the style (after `#[ignore]` it
    /// is text), `##` is `#`.
    fn format_text(&mut self, x: usize, y: usize, s: &str, base: Style, max: usize) -> usize {
        let mut style = base;
        let mut used = 0;
        let mut rest = s;
        let mut ignore = false;
        while !rest.is_empty() && used < max {
            if !ignore
                && let Some(after) = rest.strip_prefix("#[")
                && let Some(end) = after.find(']')
            {
                let spec = after.get(..end).unwrap_or_default();
                let (ignored, spec) = strip_ignore(spec);
                ignore = ignored;
                if let Some(st) = tmate_term::parse_style_over(&spec, style, base) {
                    style = st;
                }
                rest = after.get(end + 1..).unwrap_or_default();
                continue;
            }
            let (chunk, next) = match rest.strip_prefix("##") {
                Some(n) => ("#", n),
                None => {
                    let n = rest.char_indices().nth(1).map_or(rest.len(), |(i, _)| i);
                    (
                        rest.get(..n).unwrap_or_default(),
                        rest.get(n..).unwrap_or_default(),
                    )
                }
            };
            used += self.text(x + used, y, chunk, style, max - used);
            rest = next;
        }
        used
    }

    pub(super) fn fill_row(&mut self, y: usize, style: Style) {
        for x in 0..self.cols {
            self.set(x, y, Cell::blank(style));
        }
    }

    fn vline(&mut self, x: usize, y: usize, n: usize) {
        for i in 0..n {
            self.set(x, y + i, Cell::new("│", Style::default()));
        }
    }

    fn hline(&mut self, x: usize, y: usize, n: usize) {
        for i in 0..n {
            self.set(x + i, y, Cell::new("─", Style::default()));
        }
    }

    /// tmux `screen_write_box` with the default lines.
    fn frame(&mut self, x: usize, y: usize, w: usize, h: usize) {
        if w < 2 || h < 2 {
            return;
        }
        let d = Style::default();
        self.set(x, y, Cell::new("┌", d));
        self.hline(x + 1, y, w - 2);
        self.set(x + w - 1, y, Cell::new("┐", d));
        self.set(x, y + h - 1, Cell::new("└", d));
        self.hline(x + 1, y + h - 1, w - 2);
        self.set(x + w - 1, y + h - 1, Cell::new("┘", d));
        for i in 1..h - 1 {
            self.set(x, y + i, Cell::new("│", d));
            self.set(x + w - 1, y + i, Cell::new("│", d));
        }
    }

    /// tmux `screen_write_preview`: the pane's screen from the top left, or around its
    /// cursor when the cursor is on (drawn reversed).
    fn preview(&mut self, x: usize, y: usize, src: &PaneTerm, nx: usize, ny: usize) {
        let (scols, srows) = src.size();
        let (scols, srows) = (usize::from(scols), usize::from(srows));
        let cursor_on = src.modes().cursor_visible;
        let (ccx, ccy) = src.program_cursor();
        let (ccx, ccy) = (usize::from(ccx), usize::from(ccy));
        let origin = |c: usize, n: usize, size: usize| {
            let p = c.saturating_sub(n / 3);
            if p + n > size {
                size.saturating_sub(n)
            } else {
                p
            }
        };
        let (px, py) = if cursor_on {
            (origin(ccx, nx, scols), origin(ccy, ny, srows))
        } else {
            (0, 0)
        };
        for row in 0..ny.min(srows.saturating_sub(py)) {
            let mut col = 0;
            while col < nx && px + col < scols {
                let (sc, sr) = (px + col, py + row);
                let cell = src.cell(
                    u16::try_from(sc).unwrap_or(u16::MAX),
                    u16::try_from(sr).unwrap_or(u16::MAX),
                );
                let w = usize::from(cell.width.max(1));
                if col + w > nx {
                    break;
                }
                if cell.width != 0 {
                    self.set(x + col, y + row, cell.clone());
                    if cell.width == 2 {
                        self.set(x + col + 1, y + row, Cell::continuation(cell.style));
                    }
                }
                col += w;
            }
        }
        if cursor_on && ccx < scols && ccy < srows {
            let mut cell = src.cell(
                u16::try_from(ccx).unwrap_or(u16::MAX),
                u16::try_from(ccy).unwrap_or(u16::MAX),
            );
            cell.style.attrs.reverse = true;
            if cell.width == 0 {
                cell = Cell::blank(cell.style);
            }
            self.set(x + (ccx - px), y + ccy.saturating_sub(py), cell);
        }
    }

    /// The escape sequences that draw this canvas on a fresh terminal, cursor hidden.
    fn bytes(&self) -> Vec<u8> {
        // ED 0 from home rather than ED 2 (see `uplink::repaint`).
        let mut out = b"\x1b[?25l\x1b[m\x1b[H\x1b[J".to_vec();
        for (y, row) in self.cells.chunks(self.cols.max(1)).enumerate() {
            let used = row
                .iter()
                .rposition(|c| !c.is_default_blank())
                .map_or(0, |i| i + 1);
            if used == 0 {
                continue;
            }
            out.extend_from_slice(format!("\x1b[{};1H", y + 1).as_bytes());
            let mut current = Style::default();
            for cell in row.iter().take(used).filter(|c| c.width != 0) {
                if cell.style != current {
                    crate::uplink::sgr(&cell.style, &mut out);
                    current = cell.style;
                }
                out.extend_from_slice(cell.text.as_bytes());
            }
            out.extend_from_slice(b"\x1b[m");
        }
        out.extend_from_slice(b"\x1b[H");
        out
    }
}

/// A style's `ignore` (tmux's STYLE_IGNORE: the rest of the text is not parsed for styles)
/// taken out of it, and whether it was there.
fn strip_ignore(spec: &str) -> (bool, String) {
    let mut ignore = false;
    let kept: Vec<&str> = spec
        .split([',', ' '])
        .filter(|word| {
            let is = word.eq_ignore_ascii_case("ignore");
            ignore |= is;
            !is && !word.eq_ignore_ascii_case("noignore")
        })
        .collect();
    (ignore, kept.join(","))
}

/// The window's `mode-style` (tmux's default when it does not parse).
fn mode_style(st: &State, sid: u32, idx: u32) -> Style {
    tmate_term::parse_style(&st.option(sid, idx, "mode-style")).unwrap_or(tmate_term::MODE_STYLE)
}

/// Draw the mode: the bytes that put its screen on a terminal of the pane's size.
pub(super) fn render(mode: &mut TreeMode, st: &State) -> Vec<u8> {
    let (cols, rows) = mode.screen.size();
    let mut c = Canvas::new(usize::from(cols), usize::from(rows));
    if !mode.lines.is_empty() {
        draw_list(mode, st, &mut c);
        draw_preview(mode, st, &mut c);
    }
    c.bytes()
}

/// The list lines from `offset` (tmux `mode_tree_draw`'s first half).
fn draw_list(mode: &TreeMode, st: &State, c: &mut Canvas) {
    let (sid, idx, _) = mode.origin;
    let gc = mode_style(st, sid, idx);
    let w = c.cols;
    let keylen = mode
        .items
        .iter()
        .filter_map(|i| i.key.map(|k| k.name().len() + 3))
        .max()
        .unwrap_or(0);
    for (n, line) in mode
        .lines
        .iter()
        .enumerate()
        .skip(mode.offset)
        .take(mode.height)
    {
        let Some(item) = mode.items.get(line.item) else {
            continue;
        };
        let key = item
            .key
            .map_or(String::new(), |k| format!("({})", k.name()));
        let symbol = if line.flat {
            ""
        } else if item.children.is_empty() {
            "  "
        } else if item.expanded {
            "- "
        } else {
            "+ "
        };
        let mut start = String::new();
        if line.depth > 0 {
            let parent_last = item
                .parent
                .and_then(|p| mode.items.get(p))
                .and_then(|p| mode.lines.get(p.line))
                .is_some_and(|l| l.last);
            for _ in 1..line.depth {
                start.push_str(if parent_last { "    " } else { "│   " });
            }
            start.push_str(if line.last { "└─> " } else { "├─> " });
        }
        start.push_str(symbol);
        let text = format!(
            "{key:<keylen$}{start}{}{}{}",
            item.name,
            if item.tagged { "*" } else { "" },
            if item.text.is_some() { ": " } else { "" }
        );
        let (mut gc, mut gc0) = (gc, Style::default());
        if item.tagged {
            gc.attrs.bold = !gc.attrs.bold;
            gc0.attrs.bold = !gc0.attrs.bold;
        }
        let y = n - mode.offset;
        let style = if n == mode.current {
            c.fill_row(y, Style::colors(Color::Default, gc.bg));
            gc
        } else {
            gc0
        };
        let width = c.text(0, y, &text, style, w);
        if let Some(t) = &item.text {
            c.format_text(width, y, t, style, w.saturating_sub(width));
        }
    }
}

/// The preview box below the list, its title and the mode's preview inside.
fn draw_preview(mode: &mut TreeMode, st: &State, c: &mut Canvas) {
    let (w, sy, h) = (c.cols, c.rows, mode.height);
    if !mode.settings.preview || sy <= 4 || h <= 4 || sy - h <= 4 || w <= 4 {
        return;
    }
    let Some(mut item) = mode.current_item().cloned() else {
        return;
    };
    // A line drawn as its parent previews the parent, under its name.
    if item.as_parent
        && let Some(parent) = item.parent.and_then(|p| mode.items.get(p))
    {
        item = parent.clone();
    }
    let (sid, idx, _) = mode.origin;
    let gc = mode_style(st, sid, idx);
    c.frame(0, h, w, sy - h);
    let sorts = mode.settings.kind.sorts();
    let title = match sorts.get(mode.sort) {
        Some(sort) => format!(
            " {} (sort: {sort}{})",
            item.name,
            if mode.settings.reversed {
                ", reversed"
            } else {
                ""
            }
        ),
        None => format!(" {}", item.name),
    };
    if w - 2 >= title.len() {
        let mut x = 1 + c.text(1, h, &title, Style::default(), w - 2);
        let n = if mode.no_matches { 10 } else { 6 };
        if mode.settings.filter.is_some() && w - 2 >= title.len() + 10 + n + 2 {
            x += c.text(x, h, " (filter: ", Style::default(), w);
            x += if mode.no_matches {
                c.text(x, h, "no matches", gc, w)
            } else {
                c.text(x, h, "active", Style::default(), w)
            };
            c.text(x, h, ") ", Style::default(), w);
        } else {
            c.text(x, h, " ", Style::default(), w);
        }
    }
    let (bx, by) = (w - 4, sy - h - 2);
    if bx == 0 || by == 0 {
        return;
    }
    match &item.tag {
        Tag::Session(s) => session_preview(mode, st, c, *s, (2, h + 1, bx, by)),
        Tag::Window(s, i) => window_preview(mode, st, c, (*s, *i), (2, h + 1, bx, by)),
        Tag::Pane(p) => {
            if let Some(p) = st.panes.get(p) {
                c.preview(2, h + 1, &p.term, bx, by);
            }
        }
        Tag::Buffer(name) => buffer_preview(st, c, name, (2, h + 1, bx, by)),
        Tag::Client(id) => client_preview(st, c, *id, (2, h + 1, bx, by)),
        _ => super::customize::preview(mode, st, c, &item, (2, h + 1, bx, by)),
    }
}

/// One box of a side-by-side preview: the pane shown, its label, whether it is the active one.
struct Part<'a> {
    term: &'a PaneTerm,
    label: String,
    short: String,
    active: bool,
}

/// `window_tree_draw_session`/`_window`: the parts side by side, scrolled to show the active
/// one (and `<`/`>` when some are off to a side). `label_each`: the window preview centres
/// labels on the part's share, the session preview on its drawn width (as tmux does).
fn strip(
    state: &mut super::Strip,
    c: &mut Canvas,
    parts: &[Part<'_>],
    colours: (Style, Style),
    label_each: bool,
    (cx, cy, sx, sy): (usize, usize, usize, usize),
) {
    let total = parts.len();
    if total == 0 {
        return;
    }
    let visible = if sx / total < 24 {
        (sx / 24).max(1)
    } else {
        total
    };
    let current = parts.iter().position(|p| p.active).unwrap_or(0);
    let (mut start, mut end) = if current < visible {
        (0, visible)
    } else if current >= total - visible {
        (total - visible, total)
    } else {
        let s = current - visible / 2;
        (s, s + visible)
    };
    let lo = -i64::try_from(start).unwrap_or(0);
    let hi = i64::try_from(total - end).unwrap_or(0);
    state.offset = state.offset.clamp(lo, hi.max(lo));
    let offset = state.offset;
    let shift = |v: usize| usize::try_from(i64::try_from(v).unwrap_or(0) + offset).unwrap_or(0);
    start = shift(start);
    end = shift(end);
    let (mut left, mut right) = (start != 0, end != total);
    if ((left && right) && sx <= 6) || ((left || right) && sx <= 3) {
        left = false;
        right = false;
    }
    let room = sx
        - if left && right {
            6
        } else if left || right {
            3
        } else {
            0
        };
    let each = room / visible;
    let remaining = room - visible * each;
    if each == 0 {
        return;
    }
    // Where the parts are, for clicks in the preview (tmux keeps them in its modedata).
    state.left = left.then_some(cx + 2);
    state.right = right.then_some(cx + sx - 3);
    (state.start, state.end, state.each) = (start, end, each);
    if left {
        c.vline(cx + 2, cy, sy);
        c.text(cx, cy + sy / 2, "<", Style::default(), 1);
    }
    if right {
        c.vline(cx + sx - 3, cy, sy);
        c.text(cx + sx - 1, cy + sy / 2, ">", Style::default(), 1);
    }
    for (i, part) in parts.iter().enumerate().take(end).skip(start) {
        let n = i - start;
        let off = if left { 3 } else { 0 } + n * each;
        let width = if i == end - 1 {
            each + remaining
        } else {
            each - 1
        };
        c.preview(cx + off, cy, part.term, width, sy);
        let style = if part.active { colours.1 } else { colours.0 };
        let label_w = if label_each { each } else { width };
        let label = if part.label.len() > width {
            &part.short
        } else {
            &part.label
        };
        draw_label(c, (cx + off, cy, label_w, sy), style, label);
        if i != end - 1 {
            c.vline(cx + off + width, cy, sy);
        }
    }
}

/// tmux `window_tree_draw_label`: the label centred, boxed when there is room.
fn draw_label(
    c: &mut Canvas,
    (px, py, sx, sy): (usize, usize, usize, usize),
    style: Style,
    label: &str,
) {
    let len = label.len();
    if sx == 0 || sy == 1 || len > sx {
        return;
    }
    let ox = (sx - len).div_ceil(2);
    let oy = sy.div_ceil(2);
    if ox > 1 && ox + len < sx - 1 && sy >= 3 {
        c.frame(px + ox - 1, py + oy - 1, len + 2, 3);
    }
    c.text(px + ox, py + oy, label, style, len);
}

/// `display-panes-colour` and `display-panes-active-colour` as label styles.
fn label_colours(st: &State, sid: u32) -> (Style, Style) {
    let colour =
        |name: &str| crate::style::colour(&st.session_option(sid, name)).unwrap_or_default();
    (
        Style::colors(colour("display-panes-colour"), Color::Default),
        Style::colors(colour("display-panes-active-colour"), Color::Default),
    )
}

fn session_preview(
    mode: &mut TreeMode,
    st: &State,
    c: &mut Canvas,
    sid: u32,
    area: (usize, usize, usize, usize),
) {
    let Some(s) = st.sessions.get(&sid) else {
        return;
    };
    let parts: Vec<Part<'_>> = s
        .windows
        .iter()
        .filter_map(|(idx, w)| {
            let term = &st.panes.get(&w.active)?.term;
            Some(Part {
                term,
                label: format!(" {idx}:{} ", crate::format::window_name(st, sid, *idx)),
                short: format!(" {idx} "),
                active: *idx == s.current,
            })
        })
        .collect();
    strip(
        &mut mode.strip,
        c,
        &parts,
        label_colours(st, sid),
        false,
        area,
    );
}

fn window_preview(
    mode: &mut TreeMode,
    st: &State,
    c: &mut Canvas,
    (sid, idx): (u32, u32),
    area: (usize, usize, usize, usize),
) {
    let Some(w) = st.window(sid, idx) else {
        return;
    };
    let base = usize::try_from(st.option_num(sid, idx, "pane-base-index")).unwrap_or(0);
    let parts: Vec<Part<'_>> = w
        .pane_ids()
        .iter()
        .enumerate()
        .filter_map(|(n, id)| {
            let term = &st.panes.get(id)?.term;
            let label = format!(" {} ", n + base);
            Some(Part {
                term,
                short: label.clone(),
                label,
                active: *id == w.active,
            })
        })
        .collect();
    strip(
        &mut mode.strip,
        c,
        &parts,
        label_colours(st, sid),
        true,
        area,
    );
}

/// `window_buffer_draw`: the buffer's first lines, made visible.
fn buffer_preview(
    st: &State,
    c: &mut Canvas,
    name: &str,
    (cx, cy, sx, sy): (usize, usize, usize, usize),
) {
    let Some(b) = st.buffers.get(name) else {
        return;
    };
    for (i, line) in b.data.split(|b| *b == b'\n').take(sy).enumerate() {
        let text = crate::copy::buffers::vis(line);
        if !text.is_empty() {
            c.text(cx, cy + i, &text, Style::default(), sx);
        }
    }
}

/// The client's status row as it draws it (at the client's width), if it has one.
fn status_row(st: &State, id: u32) -> Option<Vec<Cell>> {
    let client = st.clients.get(&id)?;
    let (cols, rows) = client.size?;
    let scene = tmate_term::Scene {
        session_cols: cols,
        session_rows: rows,
        panes: Vec::new(),
        active_pane: None,
        status: Some(crate::attach::status::status_bar(st, client.session)?),
        message: None,
        message_markup: false,
    };
    let look = crate::style::look(st, client.session);
    let mut frame = tmate_term::Frame::blank(0, 0);
    let total = rows.saturating_add(1);
    tmate_term::compose_look(&scene, &look, cols, total, &mut frame);
    let top = st.session_option(client.session, "status-position") == "top";
    let row = if top { 0 } else { usize::from(rows) };
    let width = usize::from(cols);
    frame
        .cells
        .get(row * width..(row + 1) * width)
        .map(<[Cell]>::to_vec)
}

/// `window_client_draw`: the client's active pane above a line, its status line below (or
/// above, with `status-position top`).
fn client_preview(
    st: &State,
    c: &mut Canvas,
    id: u32,
    (cx, cy, sx, sy): (usize, usize, usize, usize),
) {
    let Some(client) = st.clients.get(&id) else {
        return;
    };
    let Some(s) = st.sessions.get(&client.session) else {
        return;
    };
    let Some(p) = s
        .windows
        .get(&s.current)
        .and_then(|w| st.panes.get(&w.active))
    else {
        return;
    };
    let lines = usize::from(st.session_option(client.session, "status") != "off");
    let lines = if lines >= sy { 0 } else { lines };
    let top = st.session_option(client.session, "status-position") == "top";
    let at = if top { lines } else { 0 };
    c.preview(cx, cy + at, &p.term, sx, sy.saturating_sub(2 + lines));
    let y = if at != 0 { cy + 2 } else { cy + sy - 1 - lines };
    c.hline(cx, y, sx);
    if lines == 0 {
        return;
    }
    let y = if at != 0 { cy } else { cy + sy - lines };
    for (x, cell) in status_row(st, id)
        .unwrap_or_default()
        .into_iter()
        .take(sx)
        .enumerate()
    {
        c.set(cx + x, y, cell);
    }
}
