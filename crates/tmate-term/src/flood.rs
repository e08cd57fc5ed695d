//! Plain-text floods: in a long run of printable ASCII, CR and LF on the normal screen, the
//! lines that scroll off before the run ends go to the compact history directly, without the
//! escape parser and alacritty's per-character path; the grid, the cursor and the history end
//! exactly as if alacritty had read every byte (`engine_tests` compares the two).
//!
//! Why: `cat` of a big file, build logs and the like are most of what a pane prints, and on a
//! relay every pane's output is parsed a second time; alacritty's `input` (charset mapping,
//! wide-character checks, damage tracking per character) was the largest cost of a flood.
//! Only plain rows in the default colours are written here (a character there is a cell with
//! nothing but its byte), so a row is its bytes until it is shown or kept.

use std::collections::VecDeque;

use alacritty_terminal::Term;
use alacritty_terminal::event::EventListener;
use alacritty_terminal::grid::Dimensions;
use alacritty_terminal::index::{Column, Line};
use alacritty_terminal::term::TermMode;
use alacritty_terminal::term::cell::{Cell as AlaCell, Flags};
use alacritty_terminal::vte::ansi::{CharsetIndex, Handler, StandardCharset};

use crate::history::History;
use crate::tap::{self, GridMode, TapState};

/// A byte of plain text: printable ASCII, CR or LF.
fn is_plain(b: u8) -> bool {
    matches!(b, 0x20..=0x7e | b'\r' | b'\n')
}

/// Length of the plain prefix of `bytes`.
pub(crate) fn plain_prefix(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .position(|&b| !is_plain(b))
        .unwrap_or(bytes.len())
}

/// For a plain run on a screen of `rows` rows: where the part written here starts and ends
/// (both just after a LF), or `None` when the run is too short to be worth it. Before the
/// start is a letter (which ends any escape or control sequence the parser was still in) and a
/// line feed; the part itself holds at least `rows` line feeds, so every row on the screen
/// before it scrolls off.
pub(crate) fn middle(run: &[u8], rows: usize) -> Option<(usize, usize)> {
    let letter = run.iter().position(|b| (0x40..=0x7e).contains(b))?;
    let start = letter + memchr::memchr(b'\n', run.get(letter..)?)? + 1;
    let end = memchr::memrchr(b'\n', run)? + 1;
    let part = run.get(start..end)?;
    (memchr::memchr_iter(b'\n', part).count() >= rows.max(1)).then_some((start, end))
}

/// Whether the terminal is in a state `scroll_plain_lines` writes exactly as alacritty would:
/// the normal screen with a compact (or no) grid history and no scroll region, the cursor on a
/// blank bottom row, not inserting, every character set ASCII, the pen in the default colours
/// with no attributes, the view not scrolled.
pub(crate) fn can_write<L>(term: &Term<L>, state: &TapState) -> bool {
    let grid = term.grid();
    let mode = term.mode();
    let charsets_ascii = [
        CharsetIndex::G0,
        CharsetIndex::G1,
        CharsetIndex::G2,
        CharsetIndex::G3,
    ]
    .into_iter()
    .all(|index| grid.cursor.charsets[index] == StandardCharset::Ascii);
    let bottom =
        usize::try_from(grid.cursor.point.line.0).ok() == grid.screen_lines().checked_sub(1);
    // A compact grid history (or none at all, with no history kept) takes the one line the
    // final scroll puts there; a bare grid with history wanted must first become compact.
    let grid_ok =
        state.mode == GridMode::Compact || (state.mode == GridMode::Plain && state.scrollback == 0);
    let blank = AlaCell::default();
    let row_blank = bottom
        && grid[grid.cursor.point.line][..]
            .iter()
            .all(|cell| *cell == blank);
    let pen = &grid.cursor.template;
    let pen_default =
        pen.fg == blank.fg && pen.bg == blank.bg && pen.flags.is_empty() && pen.extra.is_none();
    !state.region_set
        && grid_ok
        && row_blank
        && pen_default
        && !mode.intersects(TermMode::ALT_SCREEN | TermMode::INSERT)
        && charsets_ascii
        && grid.display_offset() == 0
        && grid.columns() > 0
}

/// Write `lines` (plain text ending in a LF; at least a screenful of line feeds) as alacritty
/// would with the cursor on the bottom row: every row that scrolls off goes to the history,
/// the last screenful stays on the screen. The caller checked `can_write`.
pub(crate) fn scroll_plain_lines<L: EventListener>(
    term: &mut Term<L>,
    state: &mut TapState,
    lines: &[u8],
) {
    let wrap = term.mode().contains(TermMode::LINE_WRAP);
    let rows = term.grid().screen_lines();
    let cols = term.grid().columns();
    let mut col = term.grid().cursor.point.column.0;
    let mut needs_wrap = term.grid().cursor.input_needs_wrap;

    // The history gets the grid's own history lines first, then the screen rows above the
    // cursor as they scroll off (a screenful of line feeds follows).
    tap::drain_grid(term, state, 0);
    let trim = state.trim;
    {
        let grid = term.grid();
        for row in 0..rows.saturating_sub(1) {
            let line = Line(i32::try_from(row).unwrap_or(i32::MAX));
            state.history.push(&grid[line][..Column(cols)], trim);
        }
    }
    // The cursor's (blank) row, then the rows the text makes; the last `rows` finished ones
    // are kept for the screen.
    let mut current = PlainRow::blank(cols);
    let mut finished = Finished {
        kept: VecDeque::with_capacity(rows + 1),
        spare: None,
        rows,
    };
    for &b in lines {
        match b {
            b'\r' => {
                col = 0;
                needs_wrap = false;
            }
            b'\n' => finished.push(&mut current, &mut state.history),
            _ => {
                if needs_wrap && wrap {
                    // alacritty marks the cell under the cursor (the last column) as wrapped.
                    current.wrapped = true;
                    finished.push(&mut current, &mut state.history);
                    col = 0;
                    needs_wrap = false;
                }
                if let Some(cell) = current.text.get_mut(col) {
                    *cell = b;
                }
                if col + 1 < cols {
                    col += 1;
                } else {
                    needs_wrap = true;
                }
            }
        }
    }
    // `lines` ends with a LF, so `current` is a fresh blank row: alacritty's own scroll makes
    // it, and puts the oldest kept row into the grid's history as any scroll does.
    let grid = term.grid_mut();
    let blank = AlaCell::default();
    for (row, kept) in finished.kept.iter().enumerate() {
        let line = Line(i32::try_from(row).unwrap_or(i32::MAX));
        for (c, &byte) in kept.text.iter().enumerate() {
            let cell = &mut grid[line][Column(c)];
            *cell = blank.clone();
            cell.c = char::from(byte);
        }
        if kept.wrapped {
            let last = Column(cols.saturating_sub(1));
            grid[line][last].flags.insert(Flags::WRAPLINE);
        }
    }
    grid.cursor.point.column = Column(col);
    grid.cursor.input_needs_wrap = needs_wrap;
    Handler::linefeed(term);
    state.full_damage = true;
}

/// A row of plain text in the default colours: its bytes (a space where nothing was
/// written), and whether it wrapped (alacritty's WRAPLINE on its last cell).
struct PlainRow {
    text: Vec<u8>,
    wrapped: bool,
}

impl PlainRow {
    fn blank(cols: usize) -> Self {
        PlainRow {
            text: vec![b' '; cols],
            wrapped: false,
        }
    }
}

/// The rows finished so far: the newest screenful kept, older ones gone to the history.
struct Finished {
    kept: VecDeque<PlainRow>,
    /// The last row given to the history, reused as the next fresh row.
    spare: Option<PlainRow>,
    rows: usize,
}

impl Finished {
    /// `current` is finished (a line feed or a wrap): keep it, start a fresh row.
    fn push(&mut self, current: &mut PlainRow, history: &mut History) {
        let cols = current.text.len();
        let fresh = match self.spare.take() {
            Some(mut row) => {
                row.text.clear();
                row.text.resize(cols, b' ');
                row.wrapped = false;
                row
            }
            None => PlainRow::blank(cols),
        };
        self.kept.push_back(std::mem::replace(current, fresh));
        if self.kept.len() > self.rows
            && let Some(oldest) = self.kept.pop_front()
        {
            history.push_plain(&oldest.text, oldest.wrapped);
            self.spare = Some(oldest);
        }
    }
}
