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
