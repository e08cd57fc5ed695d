//! The engine with its compact history against a plain alacritty `Term` that keeps its whole
//! history as grid cells: random output (text, SGR colours, wide characters, combining marks,
//! wraps, scroll regions, clears, the alternate screen), resizes and history clears must leave
//! the same screen, cursor and history in both.

use alacritty_terminal::Term;
use alacritty_terminal::event::VoidListener;
use alacritty_terminal::grid::Dimensions;
use alacritty_terminal::index::{Column, Line};
use alacritty_terminal::term::cell::Cell as AlaCell;
use alacritty_terminal::term::{Config, TermMode};
use alacritty_terminal::vte::ansi::Processor;

use crate::engine::{AlacrittyEngine, Engine, convert_cell_into_for_tests as convert};
use crate::filter::InputFilter;
use crate::style::Cell;
use crate::tap;

/// xorshift64*: reproducible cases without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

/// The plain terminal, fed the way the engine feeds its own.
struct Reference {
    term: Term<VoidListener>,
    parser: Processor,
    filter: InputFilter,
    /// Its history limit is never reached: every cell must match.
    strict: bool,
    /// Resized since it entered the alternate screen (the engine's normal screen is then full).
    resized_in_alt: bool,
}

struct Size(usize, usize);

fn mark_all(grid: &mut alacritty_terminal::grid::Grid<AlaCell>) {
    for line in -(grid.history_size() as i32)..grid.screen_lines() as i32 {
        let _ = (&mut grid[Line(line)]).into_iter();
    }
}

impl Dimensions for Size {
    fn total_lines(&self) -> usize {
        self.1
    }
    fn screen_lines(&self) -> usize {
        self.1
    }
    fn columns(&self) -> usize {
        self.0
    }
}

impl Reference {
    fn new(cols: usize, rows: usize, scrollback: usize) -> Self {
        let config = Config {
            scrolling_history: scrollback,
            ..Config::default()
        };
        Reference {
            term: Term::new(config, &Size(cols, rows), VoidListener),
            parser: Processor::new(),
            filter: InputFilter::default(),
            resized_in_alt: false,
            strict: scrollback == 0 || scrollback >= 1_000_000,
        }
    }

    fn feed(&mut self, bytes: &[u8]) {
        let cols = self.term.grid().columns();
        let mut filtered = Vec::new();
        self.filter.filter(bytes, cols, &mut filtered);
        self.parser.advance(&mut self.term, &filtered);
        if self.parser.sync_timeout().sync_timeout().is_some() {
            self.parser.stop_sync(&mut self.term);
        }
        if !self.term.mode().contains(TermMode::ALT_SCREEN) {
            self.resized_in_alt = false;
        }
    }

    /// Resize, with rows marked whole before and after as the engine does (see
    /// `tap::mark_rows_whole`: plain alacritty may leave stale cells after a reflow, which the
    /// engine clears). The normal screen hidden by the alternate one is reached (as the engine
    /// does) only at the first resize in the alternate screen.
    fn resize(&mut self, cols: usize, rows: usize) {
        let alt = self.term.mode().contains(TermMode::ALT_SCREEN);
        if alt && !self.resized_in_alt {
            let stash = self.term.grid().clone();
            self.term.swap_alt();
            mark_all(self.term.grid_mut());
            self.term.swap_alt();
            *self.term.grid_mut() = stash;
        }
        self.resized_in_alt = alt;
        mark_all(self.term.grid_mut());
        self.term.resize(Size(cols, rows));
        let grid = self.term.grid_mut();
        for line in 0..grid.screen_lines() as i32 {
            let _ = (&mut grid[Line(line)]).into_iter();
        }
    }

    fn history(&self) -> usize {
        self.term.grid().history_size()
    }

    /// Line by absolute index (0 = oldest history line) as the engine converts it.
    fn line(&self, line: usize, cols: usize) -> (Vec<Cell>, bool) {
        let grid = self.term.grid();
        let row = &grid[Line(line as i32 - self.history() as i32)];
        let mut out = vec![Cell::default(); cols];
        for (col, cell) in out.iter_mut().enumerate() {
            convert(&row[Column(col)], cell);
        }
        let wrapped = row[Column(grid.columns() - 1)]
            .flags
            .contains(alacritty_terminal::term::cell::Flags::WRAPLINE);
        (out, wrapped)
    }
}

/// One burst of random output.
fn output(rng: &mut Rng, rows: usize, cols: usize) -> Vec<u8> {
    let mut out = String::new();
    for _ in 0..1 + rng.below(40) {
        match rng.below(30) {
            0..=7 => {
                let words = [
                    "hello",
                    "world",
                    "ls -l",
                    "x",
                    "0123456789",
                    "  indent",
                    "tab\there",
                ];
                out.push_str(rng.pick(&words));
            }
            8..=10 => out.push_str("\r\n"),
            11 => out.push('\n'),
            12 => {
                // A line longer than the screen: it wraps.
                let n = cols + rng.below(2 * cols as u64) as usize;
                let c = char::from(b'a' + rng.below(26) as u8);
                out.extend(std::iter::repeat_n(c, n));
            }
            13 => {
                let sgr = [
                    "\x1b[0m",
                    "\x1b[1m",
                    "\x1b[4m",
                    "\x1b[7m",
                    "\x1b[31m",
                    "\x1b[42m",
                    "\x1b[38;5;200m",
                    "\x1b[48;2;1;2;3m",
                    "\x1b[2;3m",
                    "\x1b[9m",
                    "\x1b[39;49m",
                ];
                out.push_str(rng.pick(&sgr));
            }
            14 => out.push_str(rng.pick(&["漢字", "日本語テキスト", "a漢", "🎉"])),
            15 => out.push_str("e\u{301}"),
            16 => out.push_str(rng.pick(&["\x1b[K", "\x1b[1K", "\x1b[2K", "\x1b[J", "\x1b[1J"])),
            17 => out.push_str(rng.pick(&["\x1b[2J", "\x1b[3J", "\x1b[H\x1b[2J"])),
            18 => {
                let n = 1 + rng.below(rows as u64 + 2);
                let op = rng.pick(&["S", "T", "L", "M"]);
                out.push_str(&format!("\x1b[{n}{op}"));
            }
            19 => out.push_str(rng.pick(&["\x1bD", "\x1bM", "\x1bE"])),
            20 => {
                let top = 1 + rng.below(rows as u64);
                // Past the screen tmux refuses a region alacritty takes (one line at the
                // bottom): the engine follows tmux.
                let bottom = (top + rng.below(rows as u64)).min(rows as u64);
                out.push_str(&format!("\x1b[{top};{bottom}r"));
            }
            21 => out.push_str("\x1b[r"),
            22 => {
                let r = 1 + rng.below(rows as u64 + 1);
                let c = 1 + rng.below(cols as u64 + 1);
                out.push_str(&format!("\x1b[{r};{c}H"));
            }
            23 => out.push_str(rng.pick(&["\x1b[?1049h", "\x1b[?1049l"])),
            24 => out.push_str(rng.pick(&["\x1b[?7l", "\x1b[?7h", "\x1b[4h", "\x1b[4l"])),
            25 => {
                if rng.below(8) == 0 {
                    out.push_str("\x1bc");
                }
            }
            26 => out.push_str(rng.pick(&["\x1b7", "\x1b8"])),
            27 => out.push_str(rng.pick(&[
                "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\",
                "\x1b[58;5;3m\x1b[4:3mcurl\x1b[0m",
            ])),
            _ => {
                // Many lines at once.
                for i in 0..rng.below(3 * rows as u64) {
                    out.push_str(&format!("line {i}\r\n"));
                }
            }
        }
    }
    out.into_bytes()
}

/// A flood: enough lines that most never show (`flood.rs` writes them, not alacritty), after a
/// sequence the parser may still be in.
fn flood(rng: &mut Rng, rows: usize, cols: usize, out: &mut String) {
    out.push_str(rng.pick(&[
        "",
        "",
        "",
        "\x1bX",
        "\x1b_apc",
        "\x1bP1$q",
        "\x1bPtmux;",
        "\x1b",
        "\x1b[",
        "\x1b[1;",
        "\x1b]0;title",
        "\x1b(",
        "\x1b(0",
        "\x1b[?7l",
        "\x1b[4h",
    ]));
    for i in 0..3 * rows as u64 + 2 + rng.below(4 * rows as u64) {
        match rng.below(8) {
            0 => out.push('\n'),
            1 => {
                let n = cols + rng.below(2 * cols as u64) as usize;
                out.extend(std::iter::repeat_n('w', n));
                out.push_str("\r\n");
            }
            2 => {
                // Exactly the width: the wrap is pending at the line's end.
                out.extend(std::iter::repeat_n('e', cols));
                out.push_str(rng.pick(&["\r\n", "\n", "\n\r"]));
            }
            3 => out.push_str("abcdef\rX\r\n"),
            4 => out.push_str("\r\n"),
            _ => out.push_str(&format!("flood {i}\r\n")),
        }
    }
}

/// Equal cells; when not `strict`, blanks only need the same text.
fn same(ours: &Cell, theirs: &Cell, strict: bool) -> bool {
    ours == theirs
        || (!strict && ours.text == " " && theirs.text == " " && ours.width == theirs.width)
}

fn compare(engine: &AlacrittyEngine, reference: &Reference, case: u64, step: usize) {
    let at = format!("case {case} step {step}");
    let strict = reference.strict;
    let (cols, rows) = engine.size();
    let grid = reference.term.grid();
    assert_eq!(
        (cols, rows),
        (grid.columns(), grid.screen_lines()),
        "{at}: size"
    );
    assert_eq!(
        engine.cursor(),
        (
            grid.cursor.point.column.0,
            grid.cursor.point.line.0 as usize
        ),
        "{at}: cursor"
    );
    assert_eq!(
        engine.modes().alt_screen,
        reference.term.mode().contains(TermMode::ALT_SCREEN),
        "{at}: alternate screen"
    );
    assert_eq!(
        engine.scrollback_len(),
        reference.history(),
        "{at}: history length {}",
        engine.debug_state()
    );
    let mut ours = Cell::default();
    let mut theirs = Cell::default();
    for row in 0..rows {
        for col in 0..cols {
            assert!(engine.cell_into(col, row, &mut ours), "{at}: ({col},{row})");
            convert(&grid[Line(row as i32)][Column(col)], &mut theirs);
            assert!(
                same(&ours, &theirs, strict),
                "{at}: screen cell ({col},{row}) {ours:?} {theirs:?}"
            );
        }
    }
    let mut line = Vec::new();
    for i in 0..reference.history() + rows {
        let wrapped = engine.grid_line_into(i, cols, &mut line);
        let (expected, expected_wrapped) = reference.line(i, cols);
        assert_eq!(wrapped, Some(expected_wrapped), "{at}: line {i} wrap");
        let equal = line.len() == expected.len()
            && line.iter().zip(&expected).all(|(a, b)| same(a, b, strict));
        assert!(equal, "{at}: line {i}: {line:?} {expected:?}");
    }
}

/// The view scrolled back into history shows the reference's lines.
fn compare_view(engine: &mut AlacrittyEngine, reference: &Reference, offset: usize, case: u64) {
    engine.set_view_offset(offset);
    let (cols, rows) = engine.size();
    let shown = offset.min(reference.history());
    let mut ours = Cell::default();
    for row in 0..rows {
        let (expected, _) = reference.line(reference.history() - shown + row, cols);
        for (col, theirs) in expected.iter().enumerate() {
            assert!(engine.cell_into(col, row, &mut ours));
            assert!(
                same(&ours, theirs, reference.strict),
                "case {case}: view {offset} ({col},{row})"
            );
        }
    }
    engine.set_view_offset(0);
}

/// Some output of every kind, then a flood.
fn output_then_flood(rng: &mut Rng, rows: usize, cols: usize) -> Vec<u8> {
    let mut bytes = output(rng, rows, cols);
    let mut text = String::new();
    flood(rng, rows, cols, &mut text);
    bytes.extend_from_slice(text.as_bytes());
    bytes
}

fn run_case(case: u64) {
    run_case_with(case, output);
}

fn run_case_with(case: u64, output: fn(&mut Rng, usize, usize) -> Vec<u8>) {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ case.wrapping_mul(0x1000_0000_01b3));
    let mut cols = 2 + rng.below(90) as usize;
    let mut rows = 1 + rng.below(30) as usize;
    // With a small limit the reference recycles its oldest rows for new lines, and alacritty
    // clears a recycled row only as far as it was written: blank cells there may keep an old
    // background, where the engine's rows are always cleared whole. Those cases compare text
    // and the cells that are not blank; a limit the reference never reaches compares all.
    let scrollback = [0, 3, 40, 300, 1_000_000][rng.below(5) as usize];
    let mut engine = AlacrittyEngine::new(cols, rows, scrollback);
    let mut reference = Reference::new(cols, rows, scrollback);
    let verbose =
        std::env::var("TMATE_TERM_CASE").is_ok() || std::env::var("TMATE_TERM_FLOOD_CASE").is_ok();
    if verbose {
        eprintln!("new {cols}x{rows} scrollback {scrollback}");
    }
    for step in 0..1 + rng.below(25) as usize {
        match rng.below(10) {
            0 => {
                cols = 2 + rng.below(90) as usize;
                rows = 1 + rng.below(30) as usize;
                if verbose {
                    eprintln!("{step}: resize {cols}x{rows}");
                }
                let old_cols = reference.term.grid().columns();
                engine.resize(cols, rows);
                reference.resize(cols, rows);
                // Tab stops and a scroll region after a resize as tmux keeps them (the engine
                // does; alacritty alone would not), checked against tmux elsewhere.
                if cols != old_cols {
                    tap::reset_term_tabs(&mut reference.term);
                }
                let region = engine.scroll_region();
                if region != (0, rows - 1) {
                    tap::restore_term_region(&mut reference.term, region);
                }
            }
            1 if rng.below(4) == 0 => {
                if verbose {
                    eprintln!("{step}: clear-history");
                }
                engine.clear_history();
                reference.term.grid_mut().clear_history();
            }
            _ => {
                let bytes = output(&mut rng, rows, cols);
                if verbose {
                    eprintln!("{step}: feed {:?}", String::from_utf8_lossy(&bytes));
                }
                if verbose {
                    eprintln!(
                        "   before: {} ref {}",
                        engine.debug_state(),
                        reference.history()
                    );
                }
                if std::env::var("TMATE_TERM_BYTES").ok() == Some(step.to_string()) {
                    for (i, b) in bytes.iter().enumerate() {
                        engine.feed(&[*b]);
                        reference.feed(&[*b]);
                        eprintln!("byte {i} {:?} {}", char::from(*b), engine.debug_state());
                        compare(&engine, &reference, case, 1000 + i);
                        if engine.scrollback_len() != reference.history() {
                            panic!(
                                "at byte {i} {:?}: {} vs {}",
                                String::from_utf8_lossy(&bytes[i.saturating_sub(80)..=i]),
                                engine.debug_state(),
                                reference.history()
                            );
                        }
                    }
                } else {
                    engine.feed(&bytes);
                    reference.feed(&bytes);
                }
            }
        }
        compare(&engine, &reference, case, step);
        if rng.below(4) == 0 {
            let offset = rng.below(reference.history() as u64 + 3) as usize;
            compare_view(&mut engine, &reference, offset, case);
        }
    }
}

#[test]
fn compact_history_matches_a_full_alacritty_history() {
    // TMATE_TERM_CASE=n replays one case, printing its steps.
    if let Some(case) = std::env::var("TMATE_TERM_CASE")
        .ok()
        .and_then(|c| c.parse().ok())
    {
        run_case(case);
        return;
    }
    for case in 0..500 {
        run_case(case);
    }
}

#[test]
fn floods_match_a_full_alacritty_history() {
    // The middle of long plain-text runs is written by `flood.rs`, not alacritty: the same
    // comparison over cases that end their output with a flood, after anything else.
    // TMATE_TERM_FLOOD_CASE=n replays one case, printing its steps.
    if let Some(case) = std::env::var("TMATE_TERM_FLOOD_CASE")
        .ok()
        .and_then(|c| c.parse().ok())
    {
        run_case_with(case, output_then_flood);
        return;
    }
    for case in 1_000_000..1_000_300 {
        run_case_with(case, output_then_flood);
    }
}

/// A screenful of scrolling keeps only a screen of grid rows beside the compact lines.
#[test]
fn two_thousand_lines_of_eighty_columns_fit_in_a_quarter_megabyte() {
    let mut engine = AlacrittyEngine::new(80, 24, 2000);
    let line: String = (0..80).map(|i| char::from(b'!' + (i % 90) as u8)).collect();
    for _ in 0..2100 {
        engine.feed(format!("{line}\r\n").as_bytes());
    }
    assert_eq!(engine.scrollback_len(), 2000);
    let bytes = engine.history_bytes();
    assert!(bytes < 256 * 1024, "{bytes} bytes");
    let mut cells = Vec::new();
    assert_eq!(engine.grid_line_into(0, 80, &mut cells), Some(false));
    assert_eq!(
        cells.iter().map(|c| c.text.as_str()).collect::<String>(),
        line
    );
}

/// An engine that never scrolled keeps no history rows at all.
#[test]
fn an_idle_pane_has_no_history_cost() {
    let mut engine = AlacrittyEngine::new(80, 24, 2000);
    engine.feed(b"$ echo hi\r\nhi\r\n$ ");
    assert_eq!(engine.history_bytes(), 0);
}
