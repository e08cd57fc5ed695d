//! Tab stops and the scroll region a program sets, kept and used as tmux 3.3a keeps them
//! through resizes and resets (`#{pane_tabs}`, `#{scroll_region_*}` are compared with tmux in
//! the host's tests).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test stops on what it did not expect"
)]

use tmate_term::PaneTerm;

fn text(term: &PaneTerm, col: u16, row: u16) -> String {
    term.cell(col, row).text
}

/// HTS and TBC set the stops tabs stop at; a change of width brings tmux's defaults back
/// (alacritty would keep the program's), RIS too; at the last column, with the cursor waiting
/// to wrap, neither sets nor clears.
#[test]
fn tab_stops_as_tmux() {
    let mut term = PaneTerm::new(80, 24, 0);
    term.feed(b"\x1b[3g\x1b[10G\x1bH\r\tX");
    assert_eq!(term.tab_stops(), [9]);
    assert_eq!(text(&term, 9, 0), "X");
    term.resize(80, 20);
    assert_eq!(term.tab_stops(), [9], "a change of height keeps them");
    term.resize(60, 20);
    assert_eq!(term.tab_stops(), [8, 16, 24, 32, 40, 48, 56]);
    term.feed(b"\r\n\tY");
    assert_eq!(text(&term, 8, 1), "Y");
    term.feed(b"\x1b[3g\x1b[60Gz\x1bH\x1b[60G\x1bH\x1b[60Gz\x1b[g");
    assert_eq!(term.tab_stops(), [59]);
    term.feed(b"\x1bc");
    assert_eq!(term.tab_stops(), [8, 16, 24, 32, 40, 48, 56]);
}

/// A region survives a change of width (alacritty alone forgets it) and still scrolls; a
/// change of height, RIS and `CSI r` give the whole screen back; a region of one line, even
/// past the screen, is refused.
#[test]
fn scroll_region_as_tmux() {
    let mut term = PaneTerm::new(80, 10, 0);
    term.feed(b"\x1b[3;5r");
    assert_eq!(term.scroll_region(), (2, 4));
    term.feed(b"\x1b[10;30r\x1b[7;7r");
    assert_eq!(term.scroll_region(), (2, 4), "one line: refused");
    term.resize(60, 10);
    assert_eq!(term.scroll_region(), (2, 4));
    term.feed(b"\x1b[1;1Htop\x1b[4;1HA\x1b[5;1H\n");
    assert_eq!(text(&term, 0, 2), "A", "the region scrolled");
    assert_eq!(text(&term, 0, 0), "t");
    term.resize(60, 8);
    assert_eq!(term.scroll_region(), (0, 7));
    term.feed(b"\x1b[2;100r");
    assert_eq!(term.scroll_region(), (1, 7));
    term.feed(b"\x1bc");
    assert_eq!(term.scroll_region(), (0, 7));
    term.feed(b"\x1b[2;4r\x1b[r");
    assert_eq!(term.scroll_region(), (0, 7));
}
