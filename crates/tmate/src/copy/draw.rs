//! What copy mode shows (tmux 3.3a `window_copy_write_line`): the visible rows of its own
//! lines with search matches in `copy-mode-match-style` and the current one in
//! `copy-mode-current-match-style`, the position indicator (`[oy/hsize]`, with `(N results)`
//! or `(timed out)`) at the top right in `mode-style`, and the `$` of a cursor past the last
//! column. The selection is laid over these by `PaneTerm`'s copy overlay.

use tmate_term::{Cell, GridLine, Style};

use super::backing::Grid;
use super::mode::CopyMode;

/// The window's styles copy mode draws with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Styles {
    /// `mode-style`.
    pub mode: Style,
    /// `copy-mode-match-style`.
    pub matched: Style,
    /// `copy-mode-current-match-style`.
    pub current: Style,
    /// `copy-mode-mark-style`.
    pub mark: Style,
}

impl Default for Styles {
    /// tmux 3.3a's defaults.
    fn default() -> Self {
        let style = |s: &str| tmate_term::parse_style(s).unwrap_or_default();
        Styles {
            mode: tmate_term::MODE_STYLE,
            matched: style(MATCH_STYLE),
            current: style(CURRENT_MATCH_STYLE),
            mark: style(MARK_STYLE),
        }
    }
}

/// tmux 3.3a's `copy-mode-match-style` default.
pub const MATCH_STYLE: &str = "bg=cyan,fg=black";
/// tmux 3.3a's `copy-mode-mark-style` default.
pub const MARK_STYLE: &str = "bg=red,fg=black";
/// tmux 3.3a's `copy-mode-current-match-style` default.
pub const CURRENT_MATCH_STYLE: &str = "bg=magenta,fg=black";

/// The indicator text at the top right; empty when hidden (`copy-mode -H`).
pub fn indicator(m: &CopyMode, g: &Grid<'_>) -> String {
    if m.hide_position {
        return String::new();
    }
    let pos = format!("[{}/{}]", m.oy, g.hsize());
    let s = &m.search;
    if s.marks.is_none() {
        if s.timeout {
            return format!("(timed out) {pos}");
        }
        return pos;
    }
    if s.count == -1 {
        return pos;
    }
    format!(
        "({}{} results) {pos}",
        s.count,
        if s.more { "+" } else { "" }
    )
}

/// The visible rows, `sy` of `sx` cells each.
pub fn rows(m: &CopyMode, g: &Grid<'_>, styles: &Styles) -> Vec<GridLine> {
    let (sx, sy) = (g.sx(), g.sy());
    let top = g.hsize().saturating_sub(m.oy);
    let hdr = indicator(m, g);
    // The indicator is ASCII: one cell per byte.
    let size = hdr.len().min(sx);
    (0..sy)
        .map(|py| {
            let nx = if py == 0 { sx - size } else { sx };
            let fy = top + py;
            let line = g.line(fy);
            let mut cells = Vec::with_capacity(sx);
            let mut fx = 0;
            while fx < nx {
                let cell = line
                    .cells
                    .get(fx)
                    .cloned()
                    .unwrap_or_else(|| Cell::blank(Style::default()));
                let w = usize::from(cell.width.max(1));
                if cell.width != 0 && fx + w > nx {
                    // A wide character that does not fit before the indicator is left out.
                    cells.push(Cell::blank(Style::default()));
                    fx += 1;
                    continue;
                }
                let mut cell = cell;
                // tmux `window_copy_update_style`: the mark's line in the mark style, its
                // column with the colours swapped (and so any match over it).
                let mut inv = false;
                if let Some((mx, my)) = m.mark
                    && my == fy
                {
                    inv = mx == fx;
                    cell.style = paint(styles.mark, inv);
                }
                match m.match_at(g, fx, fy) {
                    Some(true) => cell.style = paint(styles.current, inv),
                    Some(false) => cell.style = paint(styles.matched, inv),
                    None => {}
                }
                cells.push(cell);
                fx += 1;
            }
            if py == 0 {
                cells.extend(hdr.chars().take(size).map(|c| Cell {
                    text: c.to_string(),
                    width: 1,
                    style: styles.mode,
                }));
            }
            if py == m.cy
                && m.cx == sx
                && let Some(last) = cells.last_mut()
            {
                *last = Cell {
                    text: "$".into(),
                    width: 1,
                    style: Style::default(),
                };
            }
            GridLine {
                cells,
                wrapped: false,
            }
        })
        .collect()
}

/// A style's attributes and colours, the colours swapped when `inv`.
fn paint(style: Style, inv: bool) -> Style {
    if inv {
        Style {
            fg: style.bg,
            bg: style.fg,
            attrs: style.attrs,
        }
    } else {
        style
    }
}
