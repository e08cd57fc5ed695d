//! The host's copy mode mirrored on a pane: the view scrolls back into history, the copy cursor
//! shows, and tmux's `[offset/size]` indicator sits at the top right; clearing it returns to the
//! live screen.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test stops on what it did not expect"
)]

use tmate_term::{CopyView, MODE_STYLE, PaneTerm};

#[test]
fn copy_view_scrolls_into_history() {
    let mut pane = PaneTerm::new(10, 5, 1000);
    let lines: Vec<String> = (1..=100).map(|n| n.to_string()).collect();
    pane.feed(lines.join("\r\n").as_bytes());
    assert_eq!(pane.row_text(0), "96");
    assert_eq!(pane.row_text(4), "100");
    assert_eq!(pane.scrollback_len(), 95);
    let before = pane.generation();

    pane.set_copy_view(Some(CopyView {
        offset: 3,
        cursor: (1, 2),
    }));
    assert!(pane.generation() > before, "a redraw is due");
    assert_eq!(pane.row_text(0), "93  [3/95]");
    assert_eq!(pane.row_text(1), "94");
    assert_eq!(pane.row_text(4), "97");
    assert_eq!(pane.cursor(), (1, 2));
    assert!(pane.modes().cursor_visible);
    assert_eq!(pane.cell(9, 0).style, MODE_STYLE);
    assert_eq!(pane.cell(9, 0).text, "]");

    // Beyond the history: clamped to the oldest line.
    pane.set_copy_view(Some(CopyView {
        offset: 10_000,
        cursor: (0, 0),
    }));
    assert_eq!(pane.row_text(1), "2");

    pane.set_copy_view(None);
    assert_eq!(pane.row_text(0), "96");
    assert_eq!(pane.row_text(4), "100");
}

/// The host's own copy mode draws whole rows (its copy of the pane, with its match styles):
/// they replace the live screen, new output does not show through, the selection still lies
/// over them, and a wide character cut in half is drawn blank.
#[test]
fn copy_overlay_rows_replace_the_live_screen() {
    use tmate_term::{Cell, Color, CopyOverlay, GridLine, Style};
    let mut pane = PaneTerm::new(6, 3, 100);
    pane.feed(b"live");
    let cell = |t: &str, width: u8, style: Style| Cell {
        text: t.into(),
        width,
        style,
    };
    let cyan = Style::colors(Color::Indexed(0), Color::Indexed(6));
    let rows = vec![
        GridLine {
            cells: vec![
                cell("o", 1, Style::default()),
                cell("l", 1, cyan),
                cell("d", 1, Style::default()),
            ],
            wrapped: false,
        },
        GridLine {
            // A wide character's first half with no second half.
            cells: vec![
                cell("x", 1, Style::default()),
                cell("中", 2, Style::default()),
            ],
            wrapped: false,
        },
    ];
    pane.set_copy_view(Some(CopyView {
        offset: 0,
        cursor: (0, 0),
    }));
    pane.set_copy_overlay(Some(CopyOverlay {
        indicator: String::new(),
        highlight: vec![None, Some((0, 1)), None],
        style: MODE_STYLE,
        rows,
    }));
    pane.feed(b"\r\nmore");
    assert_eq!(pane.row_text(0), "old");
    assert_eq!(pane.cell(1, 0).style, cyan);
    assert_eq!(pane.row_text(1), "x");
    assert_eq!(
        pane.cell(0, 1).style,
        MODE_STYLE,
        "the selection over the rows"
    );
    assert_eq!(pane.row_text(2), "", "a row not given is blank");
    pane.set_copy_overlay(None);
    pane.set_copy_view(None);
    assert_eq!(pane.row_text(1), "more");
}
