//! `#{history_bytes}` and `#{history_all_bytes}`: the memory tmux 3.3a's grid would hold for a
//! pane's history and screen, worked out from the lines our emulator keeps. tmux counts its
//! line records, the cells each line has allocated and the extended cells among them; a line
//! allocates cells up to the last one written, rounded up to a quarter, a half or the whole
//! width (`grid_expand_line`). A written blank cannot be told from an unwritten one here, so a
//! line counts up to its last cell that is not a default blank.

use tmate_term::{Cell, Color, PaneTerm};

/// tmux's `sizeof (struct grid_line)` on a 64-bit system.
const LINE_BYTES: usize = 32;
/// `sizeof (struct grid_cell_entry)` (packed).
const CELL_BYTES: usize = 5;
/// `sizeof (struct grid_extd_entry)` (packed).
const EXTENDED_BYTES: usize = 19;

/// Lines, allocated cells and extended cells of the pane's history and screen.
struct Usage {
    lines: usize,
    cells: usize,
    extended: usize,
}

fn usage(term: &PaneTerm) -> Usage {
    let width = usize::from(term.size().0);
    let lines = term.total_lines();
    let mut u = Usage {
        lines,
        cells: 0,
        extended: 0,
    };
    for i in 0..lines {
        let Some(line) = term.grid_line(i) else {
            continue;
        };
        let used = line
            .cells
            .iter()
            .rposition(|c| !c.is_default_blank())
            .map_or(0, |last| last + 1);
        u.cells += allocated(used, width);
        u.extended += line.cells.iter().take(used).filter(|c| extended(c)).count();
    }
    u
}

/// tmux's `grid_expand_line` for a line written up to `used` cells of a `width`-cell grid.
fn allocated(used: usize, width: usize) -> usize {
    if used == 0 {
        0
    } else if used < width / 4 {
        width / 4
    } else if used < width / 2 {
        width / 2
    } else {
        used.max(width)
    }
}

/// tmux's `grid_need_extended_cell`: anything but one ASCII byte one cell wide (the right
/// half of a wide character is a padding cell of no width, extended too), or an RGB colour.
fn extended(c: &Cell) -> bool {
    let rgb = |colour: Color| matches!(colour, Color::Rgb(..));
    c.width != 1 || c.text.len() != 1 || rgb(c.style.fg) || rgb(c.style.bg)
}

/// `#{history_bytes}`.
pub(super) fn history_bytes(term: &PaneTerm) -> String {
    let u = usage(term);
    (u.cells * CELL_BYTES + u.extended * EXTENDED_BYTES + u.lines * LINE_BYTES).to_string()
}

/// `#{history_all_bytes}`: lines, their bytes, cells, their bytes, extended cells, theirs.
pub(super) fn history_all_bytes(term: &PaneTerm) -> String {
    let u = usage(term);
    format!(
        "{},{},{},{},{},{}",
        u.lines,
        u.lines * LINE_BYTES,
        u.cells,
        u.cells * CELL_BYTES,
        u.extended,
        u.extended * EXTENDED_BYTES
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_allocate_a_quarter_a_half_or_the_width() {
        assert_eq!(allocated(0, 80), 0);
        assert_eq!(allocated(3, 80), 20);
        assert_eq!(allocated(20, 80), 40);
        assert_eq!(allocated(40, 80), 80);
        assert_eq!(allocated(80, 80), 80);
    }

    #[test]
    fn a_pane_with_one_short_line() {
        let mut term = PaneTerm::new(80, 24, 100);
        term.feed(b"abc\r\n");
        assert_eq!(history_bytes(&term), (20 * 5 + 24 * 32).to_string());
        term.feed("\u{65e5}\x1b[38;2;1;2;3mx".as_bytes());
        assert_eq!(history_all_bytes(&term), "24,768,40,200,3,57");
    }
}
