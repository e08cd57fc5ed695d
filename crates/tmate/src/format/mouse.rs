//! The mouse event a binding's commands run for, as their formats see it: `mouse_word` and
//! `mouse_line` (tmux 3.3a's `format_cb_mouse_word`/`_line`, `format_grid_word`/`_line`): the
//! word and line under the mouse in the pane's screen with its history, or in copy and view
//! mode what the mode shows. Kept per thread around a binding's commands.

use std::cell::Cell;

use tmate_term::{GridLine, PaneTerm};

use crate::state::State;

thread_local! {
    /// The pane under the mouse and the position in it (tmux's `ft->m` through
    /// `cmd_mouse_at`): set while a mouse binding's commands run.
    static MOUSE: Cell<Option<(u32, i32, i32)>> = const { Cell::new(None) };
}

/// Run `f` with its expansions seeing a mouse event at (`x`, `y`) of `pane` (`None`: on no
/// pane).
pub fn with_mouse<R>(at: Option<(u32, i32, i32)>, f: impl FnOnce() -> R) -> R {
    let saved = MOUSE.with(|m| m.replace(at));
    let r = f();
    MOUSE.with(|m| m.set(saved));
    r
}

/// `mouse_word` or `mouse_line`; `None` without a mouse event inside a pane, for a pane in a
/// mode other than copy and view mode, and when there is nothing there.
pub(super) fn variable(state: &State, key: &str) -> Option<String> {
    let (pane, x, y) = MOUSE.with(Cell::get)?;
    let p = state.panes.get(&pane)?;
    let (cols, rows) = p.term.size();
    let x = usize::try_from(x).ok().filter(|&x| x < usize::from(cols))?;
    let y = usize::try_from(y).ok().filter(|&y| y < usize::from(rows))?;
    if matches!(
        p.top_mode(),
        Some(crate::modes::ModeKind::Tree(_) | crate::modes::ModeKind::Clock)
    ) {
        return None;
    }
    let separators = state
        .options
        .get(crate::options::Scope::Session, "word-separators")
        .unwrap_or_default();
    if p.copy_top().is_some() {
        // tmux reads the mode's own screen: the rows it shows, none wrapped.
        let lines = Shown(&p.term);
        let last = usize::from(rows).saturating_sub(1);
        return match key {
            "mouse_word" => word(&lines, last, x, y, separators),
            _ => line(&lines, y),
        };
    }
    let lines = Grid(&p.term);
    let y = p.term.scrollback_len() + y;
    let last = p.term.total_lines().saturating_sub(1);
    match key {
        "mouse_word" => word(&lines, last, x, y, separators),
        _ => line(&lines, y),
    }
}

/// Lines by index, as tmux's grid reads them.
/// Lines by absolute number (0: the oldest history line), for [`word`].
pub(crate) trait Lines {
    fn get(&self, y: usize) -> Option<GridLine>;
}

/// The pane's history and screen.
struct Grid<'a>(&'a PaneTerm);

impl Lines for Grid<'_> {
    fn get(&self, y: usize) -> Option<GridLine> {
        self.0.grid_line(y)
    }
}

/// The rows the pane shows (copy and view mode drawn in place).
struct Shown<'a>(&'a PaneTerm);

impl Lines for Shown<'_> {
    fn get(&self, y: usize) -> Option<GridLine> {
        let (cols, rows) = self.0.size();
        let row = u16::try_from(y).ok().filter(|&r| r < rows)?;
        Some(GridLine {
            cells: (0..cols).map(|x| self.0.cell(x, row)).collect(),
            wrapped: false,
        })
    }
}

/// One line read at a time: the walk below stays on a line for many steps.
struct Cursor<'a, L: Lines> {
    lines: &'a L,
    at: Option<(usize, GridLine)>,
}

impl<L: Lines> Cursor<'_, L> {
    fn line(&mut self, y: usize) -> Option<&GridLine> {
        if self.at.as_ref().is_none_or(|(at, _)| *at != y) {
            self.at = Some((y, self.lines.get(y)?));
        }
        self.at.as_ref().map(|(_, l)| l)
    }

    /// The cell's text, `None` for the right half of a wide character (a padding cell);
    /// past the line's cells a space.
    fn text(&mut self, x: usize, y: usize) -> Option<String> {
        match self.line(y).and_then(|l| l.cells.get(x)) {
            Some(c) if c.width == 0 => None,
            Some(c) => Some(c.text.clone()),
            None => Some(" ".into()),
        }
    }

    fn length(&mut self, y: usize) -> usize {
        self.line(y).map_or(0, GridLine::length)
    }

    fn wrapped(&mut self, y: usize) -> bool {
        self.line(y).is_some_and(|l| l.wrapped)
    }
}

/// tmux's `format_grid_word`: back from (x, y) to a separator or space (across wrapped
/// lines), then forward collecting until the next one; a click on a separator takes the word
/// after it. Also copy mode's `#{copy_cursor_word}`.
pub(crate) fn word(
    lines: &impl Lines,
    last: usize,
    mut x: usize,
    mut y: usize,
    separators: &str,
) -> Option<String> {
    let mut c = Cursor { lines, at: None };
    let stop = |t: &str| t == " " || (!t.is_empty() && t.chars().all(|ch| separators.contains(ch)));
    let mut found = false;
    // Each step moves one cell left or a line up: bounded by the lines above.
    while let Some(t) = c.text(x, y) {
        if stop(&t) {
            found = true;
            break;
        }
        if x == 0 {
            if y == 0 || !c.wrapped(y - 1) {
                break;
            }
            y -= 1;
            x = c.length(y);
            if x == 0 {
                break;
            }
        }
        x -= 1;
    }
    let mut out = String::new();
    // Each step moves one cell right or a line down: bounded by the lines below.
    loop {
        if found {
            let end = c.length(y);
            if end == 0 || x + 1 == end {
                if y >= last || !c.wrapped(y) {
                    break;
                }
                y += 1;
                x = 0;
            } else {
                x += 1;
            }
        }
        found = true;
        let Some(t) = c.text(x, y) else {
            break;
        };
        if stop(&t) {
            break;
        }
        out.push_str(&t);
    }
    (!out.is_empty()).then_some(out)
}

/// tmux's `format_grid_line`: the line's cells up to its length, stopping at the right half of
/// a wide character.
fn line(lines: &impl Lines, y: usize) -> Option<String> {
    let l = lines.get(y)?;
    let mut out = String::new();
    for cell in l.cells.iter().take(l.length()) {
        if cell.width == 0 {
            break;
        }
        out.push_str(&cell.text);
    }
    (!out.is_empty()).then_some(out)
}

/// Copy mode's lines (its copy of the pane's history and screen).
impl Lines for crate::copy::backing::Grid<'_> {
    fn get(&self, y: usize) -> Option<GridLine> {
        (y <= self.last_line()).then(|| self.line(y).clone())
    }
}
