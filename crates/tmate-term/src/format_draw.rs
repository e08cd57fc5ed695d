//! tmux 3.3a's `format_draw` for a whole expanded status-format line: text split into the
//! left, centre, right and absolute-centre sections, a window list with its focus and `<`/`>`
//! markers and the part after it (`#[align=...]`, `#[list=...]`, `#[nolist]`), `fill`, and
//! `push-default`/`pop-default`, then placed and trimmed the way tmux places them, with the
//! mouse ranges (`range=left`, `range=right`, `range=window|N`) placed the same way.

use crate::markup::{parse_style_over, push_char as push_cell_char};
use crate::pane::set_blank;
use crate::status::put;
use crate::style::{Cell, Color, Style};

/// `#[align=...]`: which section text goes to (tmux `enum style_align`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Align {
    Default,
    Left,
    Centre,
    Right,
    AbsoluteCentre,
}

/// `#[list=...]` (tmux `enum style_list`); it stays in force until changed, as in tmux.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum List {
    Off,
    On,
    Focus,
    LeftMarker,
    RightMarker,
}

/// The sections text is drawn into (tmux's screens in `format_draw`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Left,
    Centre,
    Right,
    AbsoluteCentre,
    List,
    ListLeft,
    ListRight,
    After,
}

/// The cells written to each section so far.
#[derive(Default)]
struct Sections {
    left: Vec<Cell>,
    centre: Vec<Cell>,
    right: Vec<Cell>,
    absolute_centre: Vec<Cell>,
    list: Vec<Cell>,
    list_left: Vec<Cell>,
    list_right: Vec<Cell>,
    after: Vec<Cell>,
}

impl Sections {
    fn get(&self, s: Section) -> &Vec<Cell> {
        match s {
            Section::Left => &self.left,
            Section::Centre => &self.centre,
            Section::Right => &self.right,
            Section::AbsoluteCentre => &self.absolute_centre,
            Section::List => &self.list,
            Section::ListLeft => &self.list_left,
            Section::ListRight => &self.list_right,
            Section::After => &self.after,
        }
    }

    fn get_mut(&mut self, s: Section) -> &mut Vec<Cell> {
        match s {
            Section::Left => &mut self.left,
            Section::Centre => &mut self.centre,
            Section::Right => &mut self.right,
            Section::AbsoluteCentre => &mut self.absolute_centre,
            Section::List => &mut self.list,
            Section::ListLeft => &mut self.list_left,
            Section::ListRight => &mut self.list_right,
            Section::After => &mut self.after,
        }
    }
}

/// Which section text goes to for each alignment (tmux's `map`): after the list, the text
/// aligned as the list was goes after it.
struct AlignMap([Section; 5]);

impl AlignMap {
    fn slot(&mut self, a: Align) -> &mut Section {
        let [default, left, centre, right, absolute] = &mut self.0;
        match a {
            Align::Default => default,
            Align::Left => left,
            Align::Centre => centre,
            Align::Right => right,
            Align::AbsoluteCentre => absolute,
        }
    }
}

/// What a `range=` marks (tmux 3.3a `enum style_range_type`, without its NONE).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RangeKind {
    Left,
    Right,
    /// `range=window|N`: the window of index N.
    Window(u32),
}

/// A range of a drawn line (tmux `struct style_range`): columns `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StyleRange {
    pub kind: RangeKind,
    pub start: usize,
    pub end: usize,
}

/// The range at column `x` of a line: the first of `ranges` (in the order they ended, as
/// tmux's `status_get_range` walks them) that covers it.
pub fn range_at(ranges: &[StyleRange], x: usize) -> Option<RangeKind> {
    ranges
        .iter()
        .find(|r| x >= r.start && x < r.end)
        .map(|r| r.kind)
}

/// A range while the text is walked: where it is in its section, not yet on the line.
#[derive(Debug, Clone, Copy)]
struct SectionRange {
    kind: RangeKind,
    section: Section,
    start: usize,
    end: usize,
}

/// The value of a `range=` token as tmux 3.3a's `style_parse` reads it: `Err` refuses the
/// whole markup (an argument that is empty or not digits, `left|N`, `window` without one),
/// `Ok(None)` a name it does not know, which changes nothing.
fn range_token(value: &str) -> Result<Option<RangeKind>, ()> {
    let (name, argument) = match value.split_once('|') {
        Some((name, arg)) => {
            if arg.is_empty() || !arg.bytes().all(|b| b.is_ascii_digit()) {
                return Err(());
            }
            // atoi: digits only here, so only an overflow is left, which names no window.
            (name, Some(arg.parse::<u32>().unwrap_or(u32::MAX)))
        }
        None => (value, None),
    };
    match (name, argument) {
        ("left", None) => Ok(Some(RangeKind::Left)),
        ("right", None) => Ok(Some(RangeKind::Right)),
        ("window", Some(n)) => Ok(Some(RangeKind::Window(n))),
        ("left" | "right", Some(_)) | ("window", None) => Err(()),
        _ => Ok(None),
    }
}

/// The layout tokens of one `#[...]` body; `None` when a value is not one tmux knows (tmux's
/// `style_parse` then ignores the whole markup).
#[derive(Debug, Default)]
struct Tokens {
    align: Option<Align>,
    list: Option<List>,
    fill: Option<Color>,
    push: bool,
    pop: bool,
    ignore: Option<bool>,
    /// `Some(None)`: `norange`.
    range: Option<Option<RangeKind>>,
}

fn layout_tokens(body: &str) -> Option<Tokens> {
    let mut t = Tokens::default();
    for token in body.split([' ', ',', '\n']).filter(|t| !t.is_empty()) {
        let lower = token.to_ascii_lowercase();
        match lower.split_once('=') {
            Some(("align", v)) => {
                t.align = Some(match v {
                    "left" => Align::Left,
                    "centre" => Align::Centre,
                    "right" => Align::Right,
                    "absolute-centre" => Align::AbsoluteCentre,
                    _ => return None,
                });
            }
            Some(("list", v)) => {
                t.list = Some(match v {
                    "on" => List::On,
                    "focus" => List::Focus,
                    "left-marker" => List::LeftMarker,
                    "right-marker" => List::RightMarker,
                    _ => return None,
                });
            }
            Some(("fill", v)) => {
                let s = parse_style_over(&format!("bg={v}"), Style::default(), Style::default())?;
                t.fill = Some(s.bg);
            }
            // tmux reads `range=` only past its first character ("range=" alone is refused).
            Some(("range", "")) => return None,
            Some(("range", v)) => {
                if let Some(kind) = range_token(v).ok()? {
                    t.range = Some(Some(kind));
                }
            }
            Some(_) => {}
            None => match lower.as_str() {
                "noalign" => t.align = Some(Align::Default),
                "nolist" => t.list = Some(List::Off),
                "push-default" => t.push = true,
                "pop-default" => t.pop = true,
                "ignore" => t.ignore = Some(true),
                "noignore" => t.ignore = Some(false),
                "norange" => t.range = Some(None),
                _ => {}
            },
        }
    }
    Some(t)
}

/// tmux `format_skip(s, "]")`: the end of a `#[...]` body, stepping over `#{...}` and
/// escaped characters; `None` when it never ends.
fn style_end(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut depth = 0i32;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let next = bytes.get(i + 1).copied();
        if b == b'#' && next == Some(b'{') {
            depth += 1;
        }
        if b == b'#' && next.is_some_and(|n| b",#{}:".contains(&n)) {
            i += 2;
            continue;
        }
        if b == b'}' {
            depth -= 1;
        }
        if b == b']' && depth == 0 {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// What the walk over the text builds: the sections' cells, the list's focus and alignment,
/// and the fill colour.
struct Parts {
    cells: Sections,
    focus: (Option<usize>, Option<usize>),
    list_align: Align,
    fill: Option<Color>,
    /// The ranges ended so far, in that order.
    ranges: Vec<SectionRange>,
}

/// The state of the walk (tmux keeps it in one `struct style`).
struct Walk {
    style: Style,
    base: Style,
    align: Align,
    list: List,
    ignore: bool,
    current: Section,
    list_state: Option<bool>,
    map: AlignMap,
    /// The style's `range=`.
    range: Option<RangeKind>,
    /// The range being walked: its kind, section and first cell.
    open: Option<(RangeKind, Section, usize)>,
}

impl Walk {
    /// tmux's list-state switch, run after every style: where the following text goes.
    fn after_style(&mut self, parts: &mut Parts) {
        let list_len = parts.cells.get(Section::List).len();
        match self.list {
            List::On => {
                if self.list_state != Some(true) {
                    // Entering the list drops a range in progress, as tmux's does.
                    self.open = None;
                    self.list_state = Some(true);
                    parts.list_align = self.align;
                }
                if parts.focus.0.is_some() && parts.focus.1.is_none() {
                    parts.focus.1 = Some(list_len);
                }
                self.current = Section::List;
            }
            List::Focus => {
                if self.list_state == Some(true) && parts.focus.0.is_none() {
                    parts.focus.0 = Some(list_len);
                }
            }
            List::Off => {
                if self.list_state == Some(true) {
                    self.open = None;
                    if parts.focus.0.is_some() && parts.focus.1.is_none() {
                        parts.focus.1 = Some(list_len);
                    }
                    *self.map.slot(parts.list_align) = Section::After;
                    if parts.list_align == Align::Left {
                        *self.map.slot(Align::Default) = Section::After;
                    }
                    self.list_state = Some(false);
                }
                self.current = *self.map.slot(self.align);
            }
            List::LeftMarker | List::RightMarker => {
                let marker = if self.list == List::LeftMarker {
                    Section::ListLeft
                } else {
                    Section::ListRight
                };
                if self.list_state == Some(true) && parts.cells.get(marker).is_empty() {
                    self.open = None;
                    if parts.focus.0.is_some() && parts.focus.1.is_none() {
                        parts.focus = (None, None);
                    }
                    self.current = marker;
                }
            }
        }
    }

    /// Apply one `#[...]` body; an invalid one changes nothing, as in tmux.
    fn apply(&mut self, body: &str, line_base: Style, parts: &mut Parts) {
        let (Some(style), Some(tokens)) = (
            parse_style_over(body, self.style, self.base),
            layout_tokens(body),
        ) else {
            return;
        };
        let saved = self.style;
        self.style = style;
        if let Some(a) = tokens.align {
            self.align = a;
        }
        if let Some(l) = tokens.list {
            self.list = l;
        }
        if let Some(i) = tokens.ignore {
            self.ignore = i;
        }
        if tokens.fill.is_some() {
            parts.fill = tokens.fill;
        }
        if tokens.push {
            self.base = saved;
        } else if tokens.pop {
            self.base = line_base;
        }
        if let Some(range) = tokens.range {
            self.range = range;
        }
        self.after_style(parts);
        self.after_range(parts);
    }

    /// tmux's range check after each style: a range whose kind changed ends one cell past
    /// where the current section is (tmux's `cx + 1`, so it covers the next cell too), unless
    /// it is empty; a new one starts where the current section is.
    fn after_range(&mut self, parts: &mut Parts) {
        let cx = parts.cells.get(self.current).len();
        if let Some((kind, section, start)) = self.open
            && Some(kind) != self.range
        {
            if cx != start {
                parts.ranges.push(SectionRange {
                    kind,
                    section,
                    start,
                    end: cx + 1,
                });
            }
            self.open = None;
        }
        if self.open.is_none()
            && let Some(kind) = self.range
        {
            self.open = Some((kind, self.current, cx));
        }
    }
}

/// Walk the text into sections; `None` when a `#[` is never closed (tmux then draws nothing).
fn parse(text: &str, base: Style) -> Option<Parts> {
    let mut parts = Parts {
        cells: Sections::default(),
        focus: (None, None),
        list_align: Align::Default,
        fill: None,
        ranges: Vec::new(),
    };
    let mut walk = Walk {
        style: base,
        base,
        align: Align::Default,
        list: List::Off,
        ignore: false,
        current: Section::Left,
        list_state: None,
        map: AlignMap([
            Section::Left,
            Section::Left,
            Section::Centre,
            Section::Right,
            Section::AbsoluteCentre,
        ]),
        range: None,
        open: None,
    };
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let bytes = rest.as_bytes();
        if c == '#' && !matches!(bytes.get(1), Some(b'[') | None) {
            let n = bytes.iter().take_while(|b| **b == b'#').count();
            let even = n % 2 == 0;
            let cells = parts.cells.get_mut(walk.current);
            if bytes.get(n) != Some(&b'[') {
                rest = rest.get(n..).unwrap_or("");
                for _ in 0..n.div_ceil(2) {
                    push_cell_char(cells, '#', walk.style);
                }
                continue;
            }
            rest = rest.get(if even { n + 1 } else { n - 1 }..).unwrap_or("");
            if walk.ignore {
                continue;
            }
            for _ in 0..n / 2 {
                push_cell_char(cells, '#', walk.style);
            }
            if even {
                push_cell_char(cells, '[', walk.style);
            }
            continue;
        }
        if c != '#' || bytes.get(1) != Some(&b'[') || walk.ignore {
            push_cell_char(parts.cells.get_mut(walk.current), c, walk.style);
            rest = rest.get(c.len_utf8()..).unwrap_or("");
            continue;
        }
        let body_and_rest = rest.get(2..).unwrap_or("");
        let end = style_end(body_and_rest)?;
        let body = body_and_rest.get(..end).unwrap_or("");
        walk.apply(body, base, &mut parts);
        rest = body_and_rest.get(end + 1..).unwrap_or("");
    }
    Some(parts)
}

/// Draw `text` (an expanded status-format line with its markup) over `row`, which the caller
/// has already blanked in `base`, as tmux 3.3a's `format_draw` does.
pub fn format_draw(row: &mut [Cell], text: &str, base: Style) {
    format_draw_ranges(row, text, base);
}

/// The mouse ranges of `text` drawn on a line `width` cells wide (tmux's `status_get_range`
/// reads these): in the order they ended. A range still open at the end of the text is
/// dropped, and one in a part that is never placed (the list's markers, or what follows a
/// list trimmed away) keeps its place within that part, as in tmux.
pub fn format_ranges(width: usize, text: &str) -> Vec<StyleRange> {
    let mut row = vec![Cell::default(); width];
    format_draw_ranges(&mut row, text, Style::default())
}

/// [`format_draw`], returning the mouse ranges as [`format_ranges`] does.
fn format_draw_ranges(row: &mut [Cell], text: &str, base: Style) -> Vec<StyleRange> {
    let Some(parts) = parse(text, base) else {
        return Vec::new();
    };
    if let Some(bg) = parts.fill {
        let fill = Style {
            bg,
            ..Style::default()
        };
        for slot in row.iter_mut() {
            set_blank(slot, fill);
        }
    }
    let mut draw = Draw {
        row,
        available: 0,
        parts,
    };
    draw.available = draw.row.len();
    match draw.parts.list_align {
        Align::Default => draw.none(),
        Align::Left => draw.with_list(ListAt::Left),
        Align::Centre => draw.with_list(ListAt::Centre),
        Align::Right => draw.with_list(ListAt::Right),
        Align::AbsoluteCentre => draw.absolute_centre(),
    }
    draw.parts
        .ranges
        .iter()
        .map(|r| StyleRange {
            kind: r.kind,
            start: r.start,
            end: r.end,
        })
        .collect()
}

/// Take `excess` cells off the widths, each in turn down to 0 before the next (tmux trims
/// one cell at a time in this order).
fn trim<const N: usize>(mut excess: usize, widths: [&mut usize; N]) {
    for w in widths {
        let cut = excess.min(*w);
        *w -= cut;
        excess -= cut;
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ListAt {
    Left,
    Centre,
    Right,
}

struct Draw<'r> {
    row: &'r mut [Cell],
    available: usize,
    parts: Parts,
}

impl Draw<'_> {
    fn width(&self, s: Section) -> usize {
        self.parts.cells.get(s).len()
    }

    /// tmux `format_draw_put`: `width` cells of a section from `start`, at `offset`; the
    /// section's ranges move with them, cut to what is shown or dropped when none of them is
    /// (tmux `format_update_ranges`).
    fn put(&mut self, s: Section, offset: usize, start: usize, width: usize) {
        put(self.row, offset, self.parts.cells.get(s), start, width);
        self.parts.ranges.retain_mut(|r| {
            if r.section != s {
                return true;
            }
            if r.end <= start || r.start >= start + width {
                return false;
            }
            r.start = r.start.max(start);
            r.end = r.end.min(start + width);
            if r.start == r.end {
                return false;
            }
            r.start = r.start - start + offset;
            r.end = r.end - start + offset;
            true
        });
    }

    /// Left, centre and right widths trimmed to the line, the centre first, then the right,
    /// then the left (tmux's order where no list takes part).
    fn sides_trimmed(&self) -> (usize, usize, usize) {
        let (mut wl, mut wc, mut wr) = (
            self.width(Section::Left),
            self.width(Section::Centre),
            self.width(Section::Right),
        );
        let excess = (wl + wc + wr).saturating_sub(self.available);
        trim(excess, [&mut wc, &mut wr, &mut wl]);
        (wl, wc, wr)
    }

    /// tmux `format_draw_none`: no list.
    fn none(&mut self) {
        let available = self.available;
        let (wl, wc, wr) = self.sides_trimmed();
        self.put(Section::Left, 0, 0, wl);
        let right_len = self.width(Section::Right);
        self.put(Section::Right, available - wr, right_len - wr, wr);
        self.put_centre_between(wl, available - wr, wc);
        self.abs_centre_alone();
    }

    /// The middle `width` cells of the centre, centred between `from` and `to`.
    fn put_centre_between(&mut self, from: usize, to: usize, width: usize) {
        let centre_len = self.width(Section::Centre);
        self.put(
            Section::Centre,
            (from + to.saturating_sub(from) / 2).saturating_sub(width / 2),
            (centre_len / 2).saturating_sub(width / 2),
            width,
        );
    }

    /// The absolute-centre section in the middle of the whole line.
    fn abs_centre_alone(&mut self) {
        let w = self.width(Section::AbsoluteCentre).min(self.available);
        self.put(Section::AbsoluteCentre, (self.available - w) / 2, 0, w);
    }

    /// The list part gone: what followed it joins the section the list was in.
    fn fold_after_into(&mut self, into: Section, width_after: usize) {
        let after: Vec<Cell> = self
            .parts
            .cells
            .get(Section::After)
            .iter()
            .take(width_after)
            .cloned()
            .collect();
        self.parts.cells.get_mut(into).extend(after);
        self.none();
    }

    /// tmux `format_draw_left`, `format_draw_centre` and `format_draw_right`.
    fn with_list(&mut self, at: ListAt) {
        let available = self.available;
        let (mut wl, mut wc, mut wr) = (
            self.width(Section::Left),
            self.width(Section::Centre),
            self.width(Section::Right),
        );
        let (mut wlist, mut wafter) = (self.width(Section::List), self.width(Section::After));
        let excess = (wl + wc + wr + wlist + wafter).saturating_sub(available);
        if at == ListAt::Centre {
            trim(excess, [&mut wlist, &mut wafter, &mut wc, &mut wr, &mut wl]);
        } else {
            trim(excess, [&mut wc, &mut wlist, &mut wr, &mut wafter, &mut wl]);
        }
        if wlist == 0 {
            let into = match at {
                ListAt::Left => Section::Left,
                ListAt::Centre => Section::Centre,
                ListAt::Right => Section::Right,
            };
            return self.fold_after_into(into, wafter);
        }
        let list_len = self.width(Section::List);
        let (right_len, after_len) = (self.width(Section::Right), self.width(Section::After));
        self.put(Section::Left, 0, 0, wl);
        let list_at = match at {
            ListAt::Left => {
                self.put(Section::Right, available - wr, right_len - wr, wr);
                self.put(Section::After, wl + wlist, 0, wafter);
                self.put_centre_between(wl + wlist + wafter, available - wr, wc);
                wl
            }
            ListAt::Centre => {
                self.put(Section::Right, available - wr, right_len - wr, wr);
                let middle = wl + (available - wr - wl) / 2;
                self.put(
                    Section::Centre,
                    middle.saturating_sub(wlist / 2 + wc),
                    0,
                    wc,
                );
                self.put(Section::After, middle - wlist / 2 + wlist, 0, wafter);
                middle - wlist / 2
            }
            ListAt::Right => {
                self.put(
                    Section::After,
                    available - wafter,
                    after_len - wafter,
                    wafter,
                );
                let right_at = available - wr - wlist - wafter;
                self.put(Section::Right, right_at, 0, wr);
                self.put_centre_between(wl, right_at, wc);
                available - wlist - wafter
            }
        };
        let focus = self.focus_or(if at == ListAt::Centre {
            list_len / 2
        } else {
            0
        });
        self.put_list(list_at, wlist, focus);
        self.abs_centre_alone();
    }

    /// The list's focus, or `default` for both ends when none was given.
    fn focus_or(&self, default: usize) -> (usize, usize) {
        match self.parts.focus {
            (Some(a), Some(b)) => (a, b),
            _ => (default, default),
        }
    }

    /// tmux `format_draw_absolute_centre`.
    fn absolute_centre(&mut self) {
        let available = self.available;
        let (wl, wc, wr) = self.sides_trimmed();
        let (mut wlist, mut wafter, mut wabs) = (
            self.width(Section::List),
            self.width(Section::After),
            self.width(Section::AbsoluteCentre),
        );
        let excess = (wlist + wafter + wabs).saturating_sub(available);
        trim(excess, [&mut wlist, &mut wafter, &mut wabs]);
        let right_len = self.width(Section::Right);
        self.put(Section::Left, 0, 0, wl);
        self.put(Section::Right, available - wr, right_len - wr, wr);
        let middle = wl + (available - wr - wl) / 2;
        self.put(Section::Centre, middle.saturating_sub(wc), 0, wc);
        let list_len = self.width(Section::List);
        let focus = self.focus_or(list_len / 2);
        let mut offset = (available - wlist - wabs) / 2;
        self.put(Section::AbsoluteCentre, offset, 0, wabs);
        offset += wabs;
        self.put_list(offset, wlist, focus);
        offset += wlist;
        self.put(Section::After, offset, 0, wafter);
    }

    /// tmux `format_draw_put_list`: the list whole, or trimmed around its focus with the
    /// markers at the cut ends.
    fn put_list(&mut self, mut offset: usize, mut width: usize, focus: (usize, usize)) {
        let list_len = self.width(Section::List);
        if width >= list_len {
            self.put(Section::List, offset, 0, width);
            return;
        }
        let centre = focus.0 + focus.1.saturating_sub(focus.0) / 2;
        let mut start = centre.saturating_sub(width / 2);
        if start + width > list_len {
            start = list_len - width;
        }
        // The markers are copied without their ranges, as tmux copies them.
        let left_marker = self.width(Section::ListLeft);
        if start != 0 && width > left_marker {
            put(
                self.row,
                offset,
                self.parts.cells.get(Section::ListLeft),
                0,
                left_marker,
            );
            offset += left_marker;
            start += left_marker;
            width -= left_marker;
        }
        let right_marker = self.width(Section::ListRight);
        if start + width < list_len && width > right_marker {
            put(
                self.row,
                offset + width - right_marker,
                self.parts.cells.get(Section::ListRight),
                0,
                right_marker,
            );
            width -= right_marker;
        }
        self.put(Section::List, offset, start, width);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draw(text: &str, width: usize) -> String {
        let mut row = vec![Cell::default(); width];
        for slot in row.iter_mut() {
            set_blank(slot, Style::default());
        }
        format_draw(&mut row, text, Style::default());
        row.iter().map(|c| c.text.as_str()).collect()
    }

    #[test]
    fn sections_are_placed_like_tmux() {
        assert_eq!(draw("ab#[align=right]cd", 8), "ab    cd");
        assert_eq!(draw("#[align=centre]mid", 9), "   mid   ");
        assert_eq!(
            draw("l#[align=absolute-centre]x#[align=right]r", 7),
            "l  x  r"
        );
        // The centre is trimmed first (to its middle cell here), then the right.
        assert_eq!(
            draw("left#[align=centre]centre#[align=right]right", 10),
            "lefttright"
        );
        assert_eq!(
            draw("left#[align=centre]centre#[align=right]right", 7),
            "leftght"
        );
    }

    #[test]
    fn hashes_escape_as_tmux() {
        assert_eq!(draw("a##b", 4), "a#b ");
        assert_eq!(draw("##[x]", 5), "#[x] ");
        assert_eq!(draw("a#[bogus=1]b", 3), "ab ");
        // An unclosed style draws nothing.
        assert_eq!(draw("abc#[fg=red", 4), "    ");
    }

    #[test]
    fn lists_keep_their_focus_in_view_between_markers() {
        // A list without an alignment is not drawn (tmux's list_align stays "default").
        assert_eq!(draw("a#[list=on]bc", 4), "a   ");
        let list = "#[list=on align=left]#[list=left-marker]<#[list=right-marker]>#[list=on]\
                    aaaa bbbb #[list=focus]cccc#[list=on] dddd";
        assert_eq!(draw(list, 30), "aaaa bbbb cccc dddd           ");
        assert_eq!(draw(list, 10), "<b cccc d>");
        let after = "L#[list=on align=left]list#[nolist]after#[align=right]R";
        assert_eq!(draw(after, 15), "Llistafter    R");
    }

    fn ranges(text: &str, width: usize) -> Vec<(RangeKind, usize, usize)> {
        format_ranges(width, text)
            .iter()
            .map(|r| (r.kind, r.start, r.end))
            .collect()
    }

    #[test]
    fn ranges_end_one_cell_late_and_are_cut_to_their_part() {
        use RangeKind::*;
        // Each range covers the cell after its text; the first to end wins a shared cell.
        assert_eq!(
            ranges(
                "#[range=left]ab#[norange]cd#[range=window|7]ef#[norange]",
                10
            ),
            [(Left, 0, 3), (Window(7), 4, 6)]
        );
        // Right-aligned text keeps its range; one never ended is dropped.
        assert_eq!(
            ranges("x#[align=right range=right]rr#[norange]#[range=left]zz", 8),
            [(Right, 4, 7)]
        );
        // A bad argument refuses the whole markup, an unknown name changes nothing.
        assert_eq!(ranges("#[range=window|x]a#[norange]", 4), []);
        assert_eq!(ranges("#[range=user|1]a#[norange]", 4), []);
        assert_eq!(ranges("#[range=left|1]a#[norange]", 4), []);
        // Only the shown part of a trimmed list keeps its range.
        let list = concat!(
            "#[list=on align=left]#[range=window|1]aaaa#[norange] ",
            "#[range=window|2 list=focus]bbbb#[norange list=on]"
        );
        assert_eq!(ranges(list, 20), [(Window(1), 0, 5), (Window(2), 5, 9)]);
        assert_eq!(ranges(list, 5), [(Window(1), 0, 1), (Window(2), 1, 5)]);
    }

    #[test]
    fn fill_paints_the_whole_line() {
        let mut row = vec![Cell::default(); 4];
        format_draw(&mut row, "#[fill=red]a", Style::default());
        assert_eq!(row[3].style.bg, Color::Indexed(1));
        assert_eq!(row[0].text, "a");
    }
}
