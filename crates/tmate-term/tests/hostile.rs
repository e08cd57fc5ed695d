//! Hostile pane output (a malicious host sends any bytes): arbitrary bytes and escape fragments
//! with resizes in between (down to 1x1 and back) never panic and keep the pane consistent; the
//! things a stream could make grow without bound (OSC strings, combining marks, scrollback)
//! stay bounded; replies are never produced; a synchronized update cannot freeze the screen.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test stops on what it did not expect"
)]

use proptest::prelude::*;
use tmate_term::{PaneTerm, Renderer, Scene, ScenePane, compose};

/// Pieces that steer the parser into every state: escapes, CSI/OSC/DCS openers, parameters,
/// finals, UTF-8 (wide, combining, cut in half), C0 and C1 bytes.
const FRAGMENTS: &[&[u8]] = &[
    b"\x1b",
    b"\x1b[",
    b"\x1b]",
    b"\x1bP",
    b"\x1b_",
    b"\x1b^",
    b"\x1bX",
    b"\x1b(0",
    b"\x1b)B",
    b"[",
    b"]",
    b";",
    b"?",
    b"0",
    b"1",
    b"9",
    b"99999",
    b"m",
    b"H",
    b"J",
    b"K",
    b"h",
    b"l",
    b"r",
    b"t",
    b"@",
    b"P",
    b"X",
    b"L",
    b"M",
    b"S",
    b"T",
    b"b",
    b"q",
    b"\x07",
    b"\x18",
    b"\x1a",
    b"\x1b\\",
    b"\r",
    b"\n",
    b"\t",
    b"\x08",
    b"\x0e",
    b"\x0f",
    b"\x9b",
    b"\x9d",
    b"\xc2\x9b",
    "中".as_bytes(),
    "😀".as_bytes(),
    "\u{301}".as_bytes(),
    "\u{200d}".as_bytes(),
    b"\xe4\xb8",
    b"\xff",
    b"A",
    b" ",
    b"\x1b[?1049h",
    b"\x1b[?1049l",
    b"\x1b[?2026h",
    b"\x1b[?2026l",
    b"\x1b[?1000h",
    b"\x1b[?1006h",
    b"\x1b[6n",
    b"\x1b[c",
    b"\x1b]2;t\x07",
    b"\x1b[22;0t",
    b"\x1b[23;0t",
    b"\x1b[4h",
    b"\x1b[?7l",
    b"\x1b[?6h",
    b"\x1b[2;3r",
    b"\x1b#8",
    b"\x1bc",
    b"\x1b[1;999H",
    b"\x1b[999;1H",
    b"\x1b[99999b",
    b"\x1b]8;;http://x\x1b\\",
];

#[derive(Debug, Clone)]
enum Op {
    Feed(Vec<u8>),
    Resize(u16, u16),
}

fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..200),
        prop::collection::vec(prop::sample::select(FRAGMENTS), 0..80)
            .prop_map(|parts| parts.concat()),
    ]
}

fn ops() -> impl Strategy<Value = Vec<Op>> {
    prop::collection::vec(
        prop_oneof![
            4 => bytes().prop_map(Op::Feed),
            1 => (0u16..14, 0u16..7).prop_map(|(c, r)| Op::Resize(c, r)),
            1 => prop::sample::select(vec![(1u16, 1u16), (1, 5), (2, 1), (80, 24)])
                .prop_map(|(c, r)| Op::Resize(c, r)),
        ],
        1..30,
    )
}

/// The pane's answers stay consistent whatever it was fed.
fn check_consistent(pane: &PaneTerm) -> Result<(), TestCaseError> {
    let (cols, rows) = pane.size();
    let (cx, cy) = pane.cursor();
    prop_assert!(cols == 0 || cx < cols, "cursor x {cx} outside {cols}");
    prop_assert!(rows == 0 || cy < rows, "cursor y {cy} outside {rows}");
    for row in 0..rows.saturating_add(1) {
        let _ = pane.row_text(row);
        for col in 0..cols.saturating_add(1) {
            let cell = pane.cell(col, row);
            prop_assert!(cell.width <= 2);
            prop_assert!(!cell.text.chars().any(char::is_control), "{:?}", cell.text);
            prop_assert!(
                cell.text.chars().count() <= 17,
                "{} chars in one cell",
                cell.text.len()
            );
            if cell.width == 2 {
                prop_assert_eq!(pane.cell(col + 1, row).width, 0);
            }
        }
    }
    Ok(())
}

/// Compose and render the pane at a few client sizes.
fn check_drawable(pane: &PaneTerm) {
    let (cols, rows) = pane.size();
    let scene = Scene {
        session_cols: cols,
        session_rows: rows,
        panes: vec![ScenePane {
            id: 0,
            xoff: 0,
            yoff: 0,
            cols,
            rows,
            term: pane,
        }],
        active_pane: Some(0),
        status: None,
        message: pane.title(),
        message_markup: false,
    };
    let mut renderer = Renderer::new();
    let mut out = Vec::new();
    for (c, r) in [(cols, rows), (3, 2), (20, 8)] {
        let frame = compose(&scene, c, r);
        renderer.render(&frame, &mut out);
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_bytes_and_resizes_never_panic(start in (0u16..14, 0u16..7), ops in ops()) {
        let mut pane = PaneTerm::new(start.0, start.1, 50);
        for op in ops {
            match op {
                Op::Feed(bytes) => pane.feed(&bytes),
                Op::Resize(c, r) => {
                    pane.resize(c, r);
                    prop_assert_eq!(pane.size(), (c, r));
                }
            }
            check_consistent(&pane)?;
        }
        check_drawable(&pane);
        prop_assert!(pane.scrollback_len() <= 50);
    }
}

#[test]
fn osc_strings_are_bounded() {
    let mut pane = PaneTerm::new(80, 24, 100);
    pane.feed(b"\x1b]2;hello\x07");
    assert_eq!(pane.title().as_deref(), Some("hello"));
    // A title of a million bytes, arriving in pieces, is kept to the filter's 1 KiB.
    pane.feed(b"\x1b]0;");
    for _ in 0..1000 {
        pane.feed(&[b'A'; 1000]);
    }
    pane.feed(b"\x07after");
    let title = pane.title().unwrap_or_default();
    assert!(
        title.len() <= 1024 && title.starts_with("AAAA"),
        "title of {} bytes",
        title.len()
    );
    assert_eq!(pane.row_text(0), "after");
    // An OSC that never ends does not take the screen with it once something ends it.
    pane.feed(b"\x1b]2;");
    pane.feed(&vec![b'x'; 3 << 20]);
    pane.feed(b"\x1b\\\r\nvisible");
    assert_eq!(pane.row_text(1), "visible");
}

#[test]
fn combining_marks_on_one_cell_are_capped() {
    let mut pane = PaneTerm::new(10, 2, 10);
    let mut bytes = b"e".to_vec();
    for _ in 0..100_000 {
        bytes.extend_from_slice("\u{301}".as_bytes());
    }
    pane.feed(&bytes);
    let cell = pane.cell(0, 0);
    assert!(cell.text.starts_with('e'));
    assert!(
        cell.text.chars().count() <= 17,
        "{} chars kept",
        cell.text.chars().count()
    );
    // Moving the cursor back to the same cell between bursts does not get around the cap.
    for _ in 0..50 {
        let mut burst = b"\x1b[1;2H".to_vec();
        for _ in 0..2000 {
            burst.extend_from_slice("\u{301}".as_bytes());
        }
        pane.feed(&burst);
    }
    assert!(pane.cell(0, 0).text.chars().count() <= 17);
}

#[test]
fn scrollback_is_bounded_and_replies_are_not_produced() {
    let mut pane = PaneTerm::new(40, 5, 300);
    let mut text = Vec::new();
    for i in 0..20_000 {
        text.extend_from_slice(
            format!("line {i} \x1b[6n\x1b[c\x1b[>c\x1b]11;?\x07\r\n").as_bytes(),
        );
    }
    pane.feed(&text);
    assert_eq!(pane.scrollback_len(), 300);
    assert_eq!(pane.row_text(3), "line 19999");
    assert_eq!(pane.row_text(4), "");
}

#[test]
fn synchronized_updates_cannot_freeze_the_screen() {
    let mut pane = PaneTerm::new(20, 3, 10);
    pane.feed(b"\x1b[?2026hvisible");
    assert_eq!(pane.row_text(0), "visible");
    pane.feed(b" more\x1b[?2026l");
    assert_eq!(pane.row_text(0), "visible more");
}

#[test]
fn wide_characters_in_one_column_panes() {
    let mut pane = PaneTerm::new(1, 1, 10);
    pane.feed("中😀ab中".as_bytes());
    let cell = pane.cell(0, 0);
    assert_eq!(cell.width, 1);
    pane.resize(0, 0);
    pane.feed("中".as_bytes());
    assert_eq!(pane.cell(0, 0), tmate_term::Cell::default());
    pane.resize(5, 2);
    pane.feed("\x1b[H中文x".as_bytes());
    assert_eq!(pane.row_text(0), "中文x");
}

#[test]
fn generation_moves_only_on_changes() {
    let mut pane = PaneTerm::new(10, 3, 10);
    let g0 = pane.generation();
    pane.feed(b"");
    pane.resize(10, 3);
    assert_eq!(pane.generation(), g0);
    pane.feed(b"x");
    let g1 = pane.generation();
    assert_ne!(g1, g0);
    pane.resize(11, 3);
    assert_ne!(pane.generation(), g1);
}

/// A flood of cursor-position queries into a terminal nobody takes the replies from (a relay
/// mirror) keeps at most 64 KiB of them; the host's take empties the queue.
#[test]
fn query_replies_are_bounded() {
    let mut term = PaneTerm::new(80, 24, 100);
    term.feed(b"\x1b[5n\x1b[c");
    assert_eq!(term.take_replies(), b"\x1b[0n\x1b[?1;2c");
    assert!(term.take_replies().is_empty());
    term.feed(&b"\x1b[6n".repeat(100_000));
    let kept = term.take_replies();
    assert!(
        (60 * 1024..=64 * 1024).contains(&kept.len()),
        "{}",
        kept.len()
    );
    assert!(kept.starts_with(b"\x1b[1;1R"));
}
