//! The replies a pane program's queries get from `PaneTerm`: tmux 3.3a's, in the order the
//! program asked, whether the emulator or the input filter answers them.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test stops on what it did not expect"
)]

use tmate_term::PaneTerm;

const VERSION: &[u8] = b"\x1bP>|tmux 3.3a\x1b\\";

fn replies(input: &[&[u8]]) -> Vec<u8> {
    let mut term = PaneTerm::new(80, 24, 100);
    for chunk in input {
        term.feed(chunk);
    }
    term.take_replies()
}

/// XTVERSION is answered between the replies to what came before and after it, also inside
/// a synchronized update (whose bytes the parser holds back) and cut across feeds.
#[test]
fn xtversion_is_answered_in_order() {
    let expected = [b"\x1b[0n".as_slice(), VERSION, b"\x1b[1;1R"].concat();
    assert_eq!(replies(&[b"\x1b[5n\x1b[>q\x1b[6n"]), expected);
    assert_eq!(replies(&[b"\x1b[5n\x1b[>", b"0q\x1b[6n"]), expected);
    assert_eq!(
        replies(&[b"\x1b[?2026h\x1b[5n\x1b[>q\x1b[6n\x1b[?2026l"]),
        expected
    );
    // Parameters as tmux reads them: a first one of 0 (or missing) only.
    assert_eq!(
        replies(&[b"\x1b[>;2q\x1b[>00q"]),
        [VERSION, VERSION].concat()
    );
    assert_eq!(
        replies(&[b"\x1b[>1q\x1b[>0:1q\x1b[>0$q\x1b[5n"]),
        b"\x1b[0n"
    );
    // Nothing of it reaches the screen.
    let mut term = PaneTerm::new(80, 24, 100);
    term.feed(b"a\x1b[>qb");
    assert_eq!(term.cursor(), (2, 0));
}

/// A mode report (DECRQM) gets nothing, as in tmux, whatever the mode.
#[test]
fn mode_reports_get_nothing() {
    assert_eq!(
        replies(&[b"\x1b[?7727$p\x1b[?25$p\x1b[4$p\x1b[5n"]),
        b"\x1b[0n"
    );
}
