//! Copy-mode searches as tmux 3.3a's `window-copy.c` does them: plain text or a regular
//! expression, up or down from the cursor, across wrapped lines, around the ends with
//! `wrap-search`, case-insensitive when the string has no upper case; the search marks over
//! the visible lines (each match numbered so the current one can be told apart), the match
//! count with tmux's time limits, and where the cursor lands for emacs and vi keys.

use std::time::{Duration, Instant};

use super::backing::Grid;
use super::mode::CopyMode;
use crate::posix_regex::PosixRegex;

/// tmux's `WINDOW_COPY_SEARCH_TIMEOUT`: a search taking longer gives up its marks.
const SEARCH_TIMEOUT: Duration = Duration::from_millis(10_000);
/// tmux's `WINDOW_COPY_SEARCH_ALL_TIMEOUT`: counting every match stops after this.
const SEARCH_ALL_TIMEOUT: Duration = Duration::from_millis(200);
/// A regular expression sees at most this many rows a line wraps into (tmux takes all of
/// them; a history of one wrapped line would make every search quadratic in its length).
const MAX_WRAPPED: usize = 100;
/// A search string longer than this matches nothing (tmux has no bound; ours keeps the
/// per-position comparisons small).
const MAX_SEARCH: usize = 4096;

/// tmux `searchtype`: what `search-again` repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SearchType {
    #[default]
    Off,
    Up,
    Down,
}

/// The search part of a pane's copy-mode state (tmux's `search*` fields).
#[derive(Debug, Clone, Default)]
pub struct Search {
    /// `searchstr`.
    pub string: Option<String>,
    pub kind: SearchType,
    /// `searchregex`: the last search command took a regular expression.
    pub regex: bool,
    /// `searchdirection`: the last search went down.
    pub down: bool,
    /// `searchmark`: per visible cell (row by row), 0 or the number of the match on it.
    pub marks: Option<Vec<u8>>,
    /// `searchcount`: matches in the whole grid; -1 when counting stopped below 10.
    pub count: i64,
    /// `searchmore`: counting stopped, `count` is a lower bound.
    pub more: bool,
    /// `searchall` inverted: the first search since entering counted every match.
    pub counted: bool,
    /// `timeout`: marking took too long; no marks until the next search command.
    pub timeout: bool,
    /// `searchx/searchy/searcho`: where an incremental search started.
    pub origin: Option<(usize, usize, usize)>,
    /// The pane's `searchstr`/`searchregex` (kept across copy modes, `#{pane_search_string}`).
    pub pane: Option<(String, bool)>,
}

impl Search {
    /// The state on entering copy mode: the pane's last search, to repeat upwards.
    pub fn from_pane(pane: Option<(String, bool)>) -> Search {
        let mut s = Search::default();
        if let Some((string, regex)) = &pane {
            s.kind = SearchType::Up;
            s.regex = *regex;
            s.string = Some(string.clone());
        }
        s.pane = pane;
        s
    }
}

/// What is looked for: tmux's one-row search screen, or a compiled expression.
enum Matcher {
    /// The string's cells (text, width) and whether to compare ASCII letters folded.
    Text(Vec<(String, u8)>, bool),
    Regex(PosixRegex),
}

/// tmux `window_copy_is_lowercase`: no ASCII upper-case letter.
fn is_lowercase(s: &str) -> bool {
    !s.bytes().any(|b| b.is_ascii_uppercase())
}

fn matcher(string: &str, regex: bool) -> Option<Matcher> {
    if string.len() > MAX_SEARCH {
        return None;
    }
    let cis = is_lowercase(string);
    if regex {
        return PosixRegex::new(string, cis).map(Matcher::Regex);
    }
    let mut cells = Vec::new();
    for ch in string.chars() {
        let w = unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0);
        match (w, cells.last_mut()) {
            // A combining character joins the cell before it, as on the grid.
            (0, Some((text, _))) => String::push(text, ch),
            (0, None) => {}
            (w, _) => {
                cells.push((ch.to_string(), u8::try_from(w).unwrap_or(1)));
                if w == 2 {
                    cells.push((String::new(), 0));
                }
            }
        }
    }
    (!cells.is_empty()).then_some(Matcher::Text(cells, cis))
}

/// A line (with the lines it wraps into) as one string, and where each cell starts in it.
struct Stringified {
    buf: String,
    /// Byte offset of each cell from column 0 of the first line.
    starts: Vec<usize>,
}

/// tmux `window_copy_stringify` of line `py` and the lines it wraps into, from column 0 (a
/// cell past a line's end reads as a space, a wide character's second half as nothing).
fn stringify(g: &Grid<'_>, py: usize) -> Stringified {
    let (sx, last) = (g.sx(), g.last_line());
    let mut s = Stringified {
        buf: String::new(),
        starts: Vec::new(),
    };
    let mut y = py;
    loop {
        let line = g.line(y);
        for x in 0..sx {
            s.starts.push(s.buf.len());
            match line.cells.get(x) {
                Some(c) if c.width == 0 => {}
                Some(c) => s.buf.push_str(&c.text),
                None => s.buf.push(' '),
            }
        }
        if y >= last || !line.wrapped || y - py >= MAX_WRAPPED {
            break;
        }
        y += 1;
    }
    s
}

impl Stringified {
    /// tmux `window_copy_cstrtocellpos`: the first cell at or after byte `b` (one past the
    /// last cell at the end), counted from column 0 of the first line.
    fn cell_at(&self, b: usize) -> usize {
        self.starts.partition_point(|s| *s < b)
    }
    fn byte_of(&self, cell: usize) -> usize {
        self.starts.get(cell).copied().unwrap_or(self.buf.len())
    }
}

/// The cell (px, py) compared with the search string's cell (tmux
/// `window_copy_search_compare`): same text and width; one ASCII byte folded with `cis`.
fn compare(g: &Grid<'_>, px: usize, py: usize, want: &(String, u8), cis: bool) -> bool {
    let line = g.line(py);
    let (text, width) = match line.cells.get(px) {
        Some(c) => (c.text.as_str(), c.width),
        None => (" ", 1),
    };
    if width != want.1 || text.len() != want.0.len() {
        return false;
    }
    if cis && text.len() == 1 {
        return text.to_ascii_lowercase() == want.0;
    }
    text == want.0
}

/// Does the string match at column `ax` of line `py` (continuing into wrapped lines)?
fn text_at(g: &Grid<'_>, cells: &[(String, u8)], ax: usize, py: usize, cis: bool) -> bool {
    let (sx, endline) = (g.sx(), g.last_line());
    for (bx, want) in cells.iter().enumerate() {
        let mut px = ax + bx;
        let mut pywrap = py;
        while px >= sx && pywrap < endline && g.wrapped(pywrap) {
            px -= sx;
            pywrap += 1;
        }
        if px >= sx || !compare(g, px, pywrap, want, cis) {
            return false;
        }
    }
    true
}

/// tmux `window_copy_search_lr` / `_lr_regex`: the first match starting on line `py` at a
/// column in `first..last`, as (column, width in cells).
fn find_lr(
    g: &Grid<'_>,
    m: &Matcher,
    py: usize,
    first: usize,
    last: usize,
) -> Option<(usize, usize)> {
    match m {
        Matcher::Text(cells, cis) => (first..last)
            .find(|ax| text_at(g, cells, *ax, py, *cis))
            .map(|ax| (ax, cells.len())),
        Matcher::Regex(re) => {
            if first >= last {
                return None;
            }
            let s = stringify(g, py);
            // Searching from `first` in the whole line: `^` only matches at column 0, as
            // tmux's REG_NOTBOL does when it starts later.
            let hit = re.find_at(&s.buf, s.byte_of(first))?;
            if hit.is_empty() {
                return None;
            }
            let (a, b) = (s.cell_at(hit.start), s.cell_at(hit.end));
            (a < g.sx() && a < last).then_some((a, b.saturating_sub(a)))
        }
    }
}

/// tmux `window_copy_search_rl` / `_rl_regex` (`window_copy_last_regex`): the last match
/// starting on line `py` at a column in `first..last`.
fn find_rl(
    g: &Grid<'_>,
    m: &Matcher,
    py: usize,
    first: usize,
    last: usize,
) -> Option<(usize, usize)> {
    match m {
        Matcher::Text(cells, cis) => (first..last)
            .rev()
            .find(|ax| text_at(g, cells, *ax, py, *cis))
            .map(|ax| (ax, cells.len())),
        Matcher::Regex(re) => {
            let s = stringify(g, py);
            let base = s.byte_of(first);
            let mut px = 0;
            let mut saved: Option<(usize, usize)> = None;
            while base + px <= s.buf.len() {
                // tmux runs each later match on the rest of its buffer: without REG_NOTBOL
                // (a search from column 0) `^` matches where the previous match ended.
                let hit = if first == 0 {
                    let Some(rest) = s.buf.get(px..) else {
                        break;
                    };
                    re.find_at(rest, 0).map(|h| (h.start + px, h.end + px))
                } else {
                    re.find_at(&s.buf, base + px).map(|h| (h.start, h.end))
                };
                let Some((hs, he)) = hit else {
                    break;
                };
                if hs == he {
                    break;
                }
                // Columns past the line's end are on a wrapped line below: past `last` too.
                let a = s.cell_at(hs);
                if a >= last {
                    break;
                }
                let b = s.cell_at(he);
                if b >= last {
                    // The match runs past `last` (or onto the next line): it is the one.
                    return Some((a, b - a));
                }
                saved = Some((a, b - a));
                px = he - base;
            }
            saved.filter(|(_, w)| *w > 0)
        }
    }
}

/// tmux `window_copy_search_back_overlap`: searching up through wrapped lines, a match that
/// started on an earlier line and ends where this one does is the one to take.
fn back_overlap(g: &Grid<'_>, m: &Matcher, hit: &mut (usize, usize, usize), endline: usize) {
    let sx = g.sx().max(1);
    let norm = |x: usize, y: usize| (x % sx, y + x / sx);
    let (ppx, psx, ppy) = *hit;
    let old_end = norm(ppx + psx, ppy.saturating_sub(1));
    let mut end = old_end;
    let (mut px, mut py) = (ppx, ppy);
    let mut found = true;
    while found && px == 0 && py >= 2 && py - 1 > endline && g.wrapped(py - 2) && end == old_end {
        py -= 1;
        match find_rl(g, m, py - 1, 0, sx) {
            Some((x, w)) => {
                px = x;
                end = norm(x + w, py - 1);
                if end == old_end {
                    *hit = (x, w, py);
                }
            }
            None => found = false,
        }
    }
}

/// tmux `window_copy_move_left`/`_right` over the whole grid.
fn move_left(g: &Grid<'_>, fx: &mut usize, fy: &mut usize, wrap: bool) {
    if *fx == 0 {
        if *fy == 0 {
            if wrap {
                *fx = g.sx().saturating_sub(1);
                *fy = g.last_line();
            }
            return;
        }
        *fx = g.sx().saturating_sub(1);
        *fy -= 1;
    } else {
        *fx -= 1;
    }
}

fn move_right(g: &Grid<'_>, fx: &mut usize, fy: &mut usize, wrap: bool) {
    if *fx + 1 >= g.sx() {
        if *fy == g.last_line() {
            if wrap {
                *fx = 0;
                *fy = 0;
            }
            return;
        }
        *fx = 0;
        *fy += 1;
    } else {
        *fx += 1;
    }
}

impl CopyMode {
    /// tmux `window_copy_search_mark_at`: the mark index of (px, py) if it is visible.
    fn mark_at(&self, g: &Grid<'_>, px: usize, py: usize) -> Option<usize> {
        let top = g.hsize().saturating_sub(self.oy);
        if py < top || py > top + g.sy() - 1 {
            return None;
        }
        Some((py - top) * g.sx() + px)
    }

    fn mark(&self, at: usize) -> u8 {
        self.search
            .marks
            .as_ref()
            .and_then(|m| m.get(at))
            .copied()
            .unwrap_or(0)
    }

    fn abs_cursor(&self, g: &Grid<'_>) -> (usize, usize) {
        (self.cx, self.abs_cy(g))
    }

    /// tmux `window_copy_move_after_search_mark`.
    fn move_after_mark(&self, g: &Grid<'_>, fx: &mut usize, fy: &mut usize, wrap: bool) {
        let Some(start) = self.mark_at(g, *fx, *fy) else {
            return;
        };
        let first = self.mark(start);
        if first == 0 {
            return;
        }
        while let Some(at) = self.mark_at(g, *fx, *fy) {
            if self.mark(at) != first {
                break;
            }
            if !wrap && *fx + 1 >= g.sx() && *fy == g.last_line() {
                break;
            }
            move_right(g, fx, fy, wrap);
        }
    }

    /// tmux `window_copy_search_jump`: from (fx, fy) towards `endline`, the cursor to the
    /// first match; around the end once with `wrap`.
    #[allow(clippy::too_many_arguments)]
    fn search_jump(
        &mut self,
        g: &Grid<'_>,
        m: &Matcher,
        fx: usize,
        fy: usize,
        endline: usize,
        wrap: bool,
        down: bool,
    ) -> bool {
        let sx = g.sx();
        let mut found = None;
        if down {
            let mut fx = fx;
            for i in fy..=endline {
                if let Some((px, _)) = find_lr(g, m, i, fx, sx) {
                    found = Some((px, i));
                    break;
                }
                fx = 0;
            }
        } else {
            let mut fx = fx;
            let mut i = fy + 1;
            while endline < i {
                let hit = find_rl(g, m, i - 1, 0, fx + 1);
                if let Some((px, w)) = hit {
                    let mut h = (px, w, i);
                    if matches!(m, Matcher::Regex(_)) {
                        back_overlap(g, m, &mut h, endline);
                    }
                    found = Some((h.0, h.2 - 1));
                    break;
                }
                fx = sx.saturating_sub(1);
                i -= 1;
            }
        }
        if let Some((px, py)) = found {
            self.scroll_to(g, px, py);
            return true;
        }
        if wrap {
            let (x, y) = if down {
                (0, 0)
            } else {
                (sx.saturating_sub(1), g.last_line())
            };
            return self.search_jump(g, m, x, y, fy, false, down);
        }
        false
    }

    /// tmux `window_copy_search`: search for the current string up or down, move the cursor
    /// as tmux does for the mode keys, and mark the matches. True when found.
    pub fn search(&mut self, g: &Grid<'_>, down: bool, regex: bool, wrap: bool) -> bool {
        let Some(string) = self.search.string.clone() else {
            return false;
        };
        let regex =
            regex && string.contains(['^', '$', '*', '+', '(', ')', '?', '[', ']', '.', '\\']);
        self.search.down = down;
        if self.search.timeout {
            return false;
        }
        let visible_only =
            self.search.counted && self.search.pane.as_ref() == Some(&(string.clone(), regex));
        self.search.counted = true;
        self.search.pane = Some((string.clone(), regex));
        let Some(m) = matcher(&string, regex) else {
            return false;
        };
        let (mut fx, mut fy) = self.abs_cursor(g);
        let endline = if down {
            if self.vi {
                if self.search.marks.is_some() {
                    self.move_after_mark(g, &mut fx, &mut fy, wrap);
                } else {
                    move_right(g, &mut fx, &mut fy, wrap);
                }
            }
            g.last_line()
        } else {
            move_left(g, &mut fx, &mut fy, wrap);
            0
        };
        if !self.search_jump(g, &m, fx, fy, endline, wrap, down) {
            return false;
        }
        self.mark_matches(g, &m, visible_only);
        self.place_after_search(g, &m, endline, wrap, down);
        true
    }

    /// After a match was found: forwards, again when the cursor is inside a match; then
    /// after the match (emacs) or at its start (searching up).
    fn place_after_search(
        &mut self,
        g: &Grid<'_>,
        m: &Matcher,
        endline: usize,
        wrap: bool,
        down: bool,
    ) {
        let (mut fx, mut fy) = self.abs_cursor(g);
        if down
            && let Some(at) = self.mark_at(g, fx, fy)
            && at > 0
            && self.mark(at) == self.mark(at - 1)
        {
            self.move_after_mark(g, &mut fx, &mut fy, wrap);
            self.search_jump(g, m, fx, fy, endline, wrap, down);
            (fx, fy) = self.abs_cursor(g);
        }
        let top = g.hsize().saturating_sub(self.oy);
        if down {
            if !self.vi {
                self.move_after_mark(g, &mut fx, &mut fy, wrap);
                self.cx = fx;
                self.cy = fy.saturating_sub(top);
            }
        } else if let Some(start) = self.mark_at(g, fx, fy) {
            let first = self.mark(start);
            while let Some(at) = self.mark_at(g, fx, fy) {
                if self.mark(at) != first {
                    break;
                }
                self.cx = fx;
                self.cy = fy.saturating_sub(top);
                if at == 0 {
                    break;
                }
                move_left(g, &mut fx, &mut fy, false);
            }
        }
    }

    /// tmux `window_copy_visible_lines`: from the start of the line the top row belongs to.
    fn visible_lines(&self, g: &Grid<'_>) -> (usize, usize) {
        let mut start = g.hsize().saturating_sub(self.oy);
        while start > 0 && g.wrapped(start - 1) {
            start -= 1;
        }
        (start, g.hsize().saturating_sub(self.oy) + g.sy())
    }

    /// tmux `window_copy_search_marks`: number the matches on the visible cells; without
    /// `visible_only`, count every match too (in at most 200 ms, then a lower bound).
    fn mark_matches(&mut self, g: &Grid<'_>, m: &Matcher, visible_only: bool) {
        let started = Instant::now();
        let (sx, size) = (g.sx(), g.sx() * g.sy());
        let (mut start, mut end) = if visible_only {
            self.visible_lines(g)
        } else {
            (0, g.hsize() + g.sy())
        };
        let mut stop = (!visible_only).then(|| started + SEARCH_ALL_TIMEOUT);
        let mut stopped = false;
        let mut nfound: i64 = 0;
        let mut marks = vec![0u8; size];
        loop {
            marks.fill(0);
            let mut number: u8 = 1;
            for py in start..end {
                let mut px = 0;
                while let Some((x, w)) = find_lr(g, m, py, px, sx) {
                    nfound += 1;
                    let w = w.max(1);
                    if let Some(b) = self.mark_at(g, x, py) {
                        for cell in marks.iter_mut().take(size.min(b + w)).skip(b) {
                            if *cell == 0 {
                                *cell = number;
                            }
                        }
                        number = if number == u8::MAX { 1 } else { number + 1 };
                    }
                    px = x + w;
                }
                let now = Instant::now();
                if now - started > SEARCH_TIMEOUT {
                    self.search.timeout = true;
                    break;
                }
                if stop.is_some_and(|s| now > s) {
                    stopped = true;
                    break;
                }
            }
            if self.search.timeout {
                self.search.marks = None;
                return;
            }
            if stopped && stop.is_some() {
                // Counting took too long: mark only what is visible.
                (start, end) = self.visible_lines(g);
                stop = None;
                continue;
            }
            break;
        }
        self.search.marks = Some(marks);
        if !visible_only {
            if stopped {
                self.search.count = match nfound {
                    n if n > 1000 => 1000,
                    n if n > 100 => 100,
                    n if n > 10 => 10,
                    _ => -1,
                };
                self.search.more = true;
            } else {
                self.search.count = nfound;
                self.search.more = false;
            }
        }
    }

    /// The marks again for the lines now visible (tmux redoes them whenever the view moves).
    pub fn refresh_marks(&mut self, g: &Grid<'_>) {
        if self.search.marks.is_none() || self.search.timeout {
            return;
        }
        let Some(string) = self.search.string.clone() else {
            return;
        };
        if let Some(m) = matcher(&string, self.search.regex) {
            self.mark_matches(g, &m, true);
        }
    }

    /// tmux `window_copy_clear_marks`.
    pub fn clear_marks(&mut self) {
        self.search.marks = None;
    }

    /// tmux `window_copy_match_start_end`: the cells of the match at mark index `at`.
    fn match_bounds(&self, at: usize, size: usize) -> (usize, usize) {
        let mark = self.mark(at);
        let (mut start, mut end) = (at, at);
        while start != 0 && self.mark(start) == mark {
            start -= 1;
        }
        if self.mark(start) != mark {
            start += 1;
        }
        while end + 1 < size && self.mark(end) == mark {
            end += 1;
        }
        if self.mark(end) != mark {
            end = end.saturating_sub(1);
        }
        (start, end)
    }

    /// The match style a visible cell takes (tmux `window_copy_update_style`): `None`, or
    /// `Some(true)` for the match the cursor is on, `Some(false)` for another.
    pub fn match_at(&self, g: &Grid<'_>, fx: usize, fy: usize) -> Option<bool> {
        let current = self.mark_at(g, fx, fy)?;
        let mark = self.mark(current);
        if mark == 0 {
            return None;
        }
        let (cx, cy) = self.abs_cursor(g);
        if let Some(mut cursor) = self.mark_at(g, cx, cy) {
            let mut found = false;
            if cursor != 0 && !self.vi && self.search.down {
                if self.mark(cursor - 1) == mark {
                    cursor -= 1;
                    found = true;
                }
            } else if self.mark(cursor) == mark {
                found = true;
            }
            if found {
                let (start, end) = self.match_bounds(cursor, g.sx() * g.sy());
                if current >= start && current <= end {
                    return Some(true);
                }
            }
        }
        Some(false)
    }

    /// tmux `window_copy_match_at_cursor` (`#{search_match}`).
    pub fn match_text(&self, g: &Grid<'_>) -> Option<String> {
        self.search.marks.as_ref()?;
        let (cx, cy) = self.abs_cursor(g);
        let mut at = self.mark_at(g, cx, cy)?;
        if self.mark(at) == 0 {
            // One position after the match counts.
            if at == 0 || self.mark(at - 1) == 0 {
                return None;
            }
            at -= 1;
        }
        let sx = g.sx().max(1);
        let (start, end) = self.match_bounds(at, sx * g.sy());
        let top = g.hsize().saturating_sub(self.oy);
        let mut out = String::new();
        for a in start..=end {
            let line = g.line(top + a / sx);
            if let Some(c) = line.cells.get(a % sx) {
                out.push_str(&c.text);
            }
        }
        (!out.is_empty()).then_some(out)
    }
}

/// `search-forward-incremental`/`-backward-incremental ARG` (tmux
/// `window_copy_cmd_search_*_incremental`): ARG's first character says which way (`=` the
/// command's own, `+` down, `-` up), the rest is the text; each new text starts again from
/// where the incremental search began.
pub fn incremental(m: &mut CopyMode, g: &Grid<'_>, arg: &str, forward: bool, wrap: bool) {
    m.search.timeout = false;
    let mut chars = arg.chars();
    let Some(prefix) = chars.next() else {
        return;
    };
    let rest = chars.as_str();
    match m.search.origin {
        None => m.search.origin = Some((m.cx, m.cy, m.oy)),
        Some((cx, cy, oy)) if m.search.string.as_deref().is_some_and(|s| s != rest) => {
            (m.cx, m.cy, m.oy) = (cx, cy, oy);
        }
        Some(_) => {}
    }
    if rest.is_empty() {
        m.clear_marks();
        return;
    }
    let down = match (prefix, forward) {
        ('=', f) => f,
        ('+', _) => true,
        ('-', _) => false,
        _ => return,
    };
    m.search.kind = if down {
        SearchType::Down
    } else {
        SearchType::Up
    };
    m.search.regex = false;
    m.search.string = Some(rest.to_string());
    if !m.search(g, down, false, wrap) {
        m.clear_marks();
    }
}

/// After new lines (refresh-from-pane): marks again over everything if there were any, and
/// the incremental search starts here (tmux `window_copy_size_changed`).
pub fn after_refresh(m: &mut CopyMode, g: &Grid<'_>) {
    let had = m.search.marks.is_some();
    m.clear_marks();
    if had
        && !m.search.timeout
        && let Some(string) = m.search.string.clone()
        && let Some(matcher) = matcher(&string, m.search.regex)
    {
        m.mark_matches(g, &matcher, false);
    }
    m.search.origin = Some((m.cx, m.cy, m.oy));
}

#[cfg(test)]
mod tests {
    use super::*;
    use tmate_term::PaneTerm;

    fn mode(cols: u16, rows: u16, text: &str) -> CopyMode {
        let mut term = PaneTerm::new(cols, rows, 100);
        term.feed(text.as_bytes());
        CopyMode::new(&term)
    }

    #[test]
    fn regex_search_up_finds_the_last_match_before_the_cursor() {
        let mut m = mode(20, 4, "ab1 ab22\r\nab333\r\n");
        let b = m.backing.clone();
        let g = Grid::new(&b);
        m.search.string = Some("ab[0-9]+".into());
        assert!(m.search(&g, false, true, true));
        assert_eq!((m.cx, m.abs_cy(&g)), (0, 1));
        assert_eq!(m.search.count, 3);
        assert!(m.search(&g, false, true, true));
        assert_eq!((m.cx, m.abs_cy(&g)), (4, 0));
        assert_eq!(m.match_at(&g, 5, 0), Some(true));
        assert_eq!(m.match_at(&g, 0, 0), Some(false));
        assert_eq!(m.match_at(&g, 3, 0), None);
    }

    #[test]
    fn text_search_matches_across_a_wrapped_line() {
        let mut m = mode(5, 4, "xxxhello\r\n");
        let b = m.backing.clone();
        let g = Grid::new(&b);
        m.search.string = Some("hello".into());
        assert!(m.search(&g, false, false, true));
        assert_eq!((m.cx, m.abs_cy(&g)), (3, 0));
    }
}
