//! `PaneTerm::restore_snapshot`: tmate SNAPSHOT (protocol spec 3.14) rebuilt into a pane: the
//! real one from the recorded tmate 2.4 reconnect, and made-up ones for colours, attributes,
//! line-drawing characters, wide characters (both ways padding may be encoded), history,
//! the alternate screen and mismatched lengths.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test stops on what it did not expect"
)]

use tmate_proto::{
    DecoderConfig, HostDecoder, HostMessage, PaneSnapshot, SnapshotGrid, SnapshotLine,
};
use tmate_term::{Color, PaneTerm};

/// All host messages of a capture (the record format: u64 time, u32 length, payload).
fn host_messages(name: &str) -> Vec<HostMessage> {
    let mut decoder = HostDecoder::new(DecoderConfig::host_stream());
    let mut out = Vec::new();
    for (_, data) in tmate_fixtures::records(name, "host-to-server") {
        decoder.feed(&data);
        while let Some(message) = decoder.next_message() {
            out.push(message.expect("valid message"));
        }
    }
    out
}

const PLAIN: u64 = 0x0808;

fn line(text: &str, attrs: Vec<u64>) -> SnapshotLine {
    SnapshotLine {
        text: text.into(),
        attrs,
    }
}

fn plain(text: &str) -> SnapshotLine {
    line(text, vec![PLAIN; text.chars().count()])
}

fn snapshot(mode: u64, cx: i64, cy: i64, lines: Vec<SnapshotLine>) -> PaneSnapshot {
    PaneSnapshot {
        pane_id: 0,
        mode,
        grid: SnapshotGrid { cx, cy, lines },
        saved: None,
    }
}

#[test]
fn real_reconnect_snapshot_rebuilds_the_screen() {
    let messages = host_messages("reconnect.conn2");
    let (cols, rows) = messages
        .iter()
        .find_map(|m| match m {
            HostMessage::SyncLayout(layout) => {
                let pane = layout.windows.first()?.panes.first()?;
                Some((pane.sx as u16, pane.sy as u16))
            }
            _ => None,
        })
        .expect("a layout before the snapshot");
    let snap = messages
        .iter()
        .find_map(|m| match m {
            HostMessage::Snapshot(panes) => panes.first().cloned(),
            _ => None,
        })
        .expect("a snapshot in the reconnect burst");

    let mut pane = PaneTerm::new(cols, rows, 2000);
    pane.feed(b"old content that must disappear");
    let generation = pane.generation();
    pane.restore_snapshot(&snap);
    assert_ne!(pane.generation(), generation);
    assert_eq!(pane.row_text(0), "bash-5.2# echo before-drop");
    assert_eq!(pane.row_text(1), "before-drop");
    assert_eq!(pane.row_text(2), "bash-5.2#");
    for row in 3..rows {
        assert_eq!(pane.row_text(row), "");
    }
    assert_eq!(pane.cursor(), (10, 2));
    let modes = pane.modes();
    assert!(modes.cursor_visible);
    // 1041 = CURSOR | WRAP | BRACKETPASTE.
    assert!(modes.bracketed_paste);
    assert!(!modes.alt_screen);

    // The same screen as the pane fed with the first connection's output before the drop.
    let mut live = PaneTerm::new(cols, rows, 2000);
    for m in host_messages("reconnect.conn1") {
        if let HostMessage::PtyData { data, .. } = m {
            live.feed(data.as_bytes());
        }
    }
    for row in 0..rows {
        assert_eq!(live.row_text(row), pane.row_text(row), "row {row}");
    }
    assert_eq!(live.cursor(), pane.cursor());
}

#[test]
fn colours_attributes_and_line_drawing() {
    // fg red (1), bg default; fg 256-colour 200 with the fg256 flag; bright fg 91 on bright bg
    // 102; bold|underscore|reverse; italics; ACS `q` and `x`.
    let attrs = vec![
        0x0801,
        0x0100_08c8,
        0x665b,
        0x0015_0808,
        0x0040_0808,
        0x0080_0808,
        0x0080_0808,
    ];
    let snap = snapshot(0x11, 7, 0, vec![line("abcdeqx", attrs)]);
    let mut pane = PaneTerm::new(20, 3, 100);
    pane.restore_snapshot(&snap);
    assert_eq!(pane.row_text(0), "abcde─│");
    let a = pane.cell(0, 0).style;
    assert_eq!((a.fg, a.bg), (Color::Indexed(1), Color::Default));
    assert_eq!(pane.cell(1, 0).style.fg, Color::Indexed(200));
    let c = pane.cell(2, 0).style;
    assert_eq!((c.fg, c.bg), (Color::Indexed(9), Color::Indexed(10)));
    let d = pane.cell(3, 0).style.attrs;
    assert!(d.bold && d.underline && d.reverse && !d.italic);
    assert!(pane.cell(4, 0).style.attrs.italic);
    assert_eq!(pane.cursor(), (7, 0));
}

#[test]
fn wide_characters_with_or_without_padding_text() {
    let pad = 0x0400_0808;
    // Padding cells with their own text byte (as many graphemes as attributes)...
    let with_text = line("中 x", vec![PLAIN, pad, PLAIN]);
    // ...or with none (fewer graphemes than attributes).
    let without = line("中x", vec![PLAIN, pad, PLAIN]);
    // And no padding attribute at all: one attribute per character.
    let compact = line("中x", vec![PLAIN, PLAIN]);
    // More text than attributes, and more attributes than text.
    let long_text = line("abcdef", vec![0x0801]);
    let long_attrs = line("ab", vec![0x0801; 9]);
    let snap = snapshot(
        0x11,
        0,
        0,
        vec![with_text, without, compact, long_text, long_attrs],
    );
    let mut pane = PaneTerm::new(10, 5, 100);
    pane.restore_snapshot(&snap);
    for row in 0..3 {
        assert_eq!(pane.row_text(row), "中x", "row {row}");
        assert_eq!(pane.cell(0, row).width, 2);
        assert_eq!(pane.cell(1, row).width, 0);
    }
    assert_eq!(pane.row_text(3), "abcdef");
    assert_eq!(pane.cell(0, 3).style.fg, Color::Indexed(1));
    assert_eq!(pane.cell(1, 3).style.fg, Color::Default);
    assert_eq!(pane.row_text(4), "ab");
}

#[test]
fn history_alternate_screen_and_modes() {
    // 5 history lines + 3 visible rows of the normal screen... while in the alternate screen:
    // the grid has the normal history plus the alternate rows, the saved grid the normal rows.
    let mut lines: Vec<SnapshotLine> = (0..5).map(|i| plain(&format!("history {i}"))).collect();
    lines.extend(["alt one", "alt two", "alt three"].map(plain));
    let saved = SnapshotGrid {
        cx: 4,
        cy: 2,
        lines: ["normal a", "normal b", "$ "].map(plain).to_vec(),
    };
    // CURSOR | KCURSOR | KKEYPAD | WRAP | MOUSE_STANDARD | MOUSE_SGR | BRACKETPASTE.
    let mode = 0x1 | 0x4 | 0x8 | 0x10 | 0x20 | 0x200 | 0x400;
    let snap = PaneSnapshot {
        pane_id: 3,
        mode,
        grid: SnapshotGrid {
            cx: 1,
            cy: 1,
            lines,
        },
        saved: Some(saved),
    };
    let mut pane = PaneTerm::new(20, 3, 100);
    pane.restore_snapshot(&snap);
    assert_eq!(
        (0..3).map(|r| pane.row_text(r)).collect::<Vec<_>>(),
        ["alt one", "alt two", "alt three"]
    );
    assert_eq!(pane.cursor(), (1, 1));
    let m = pane.modes();
    assert!(m.alt_screen && m.cursor_visible && m.cursor_keys_application && m.keypad_application);
    assert!(m.mouse_reporting && m.sgr_mouse && m.bracketed_paste);

    // Leaving the alternate screen shows the normal one, its cursor and its history.
    pane.feed(b"\x1b[?1049l");
    assert_eq!(
        (0..3).map(|r| pane.row_text(r)).collect::<Vec<_>>(),
        ["normal a", "normal b", "$"]
    );
    assert_eq!(pane.cursor(), (4, 2));
    assert_eq!(pane.scrollback_len(), 5);
}

#[test]
fn plain_history_goes_to_scrollback_and_hostile_values_are_clamped() {
    let lines: Vec<SnapshotLine> = (0..30).map(|i| plain(&format!("line {i}"))).collect();
    let snap = snapshot(0, -5, 1_000_000, lines);
    let mut pane = PaneTerm::new(12, 4, 100);
    pane.restore_snapshot(&snap);
    assert_eq!(pane.scrollback_len(), 26);
    assert_eq!(pane.row_text(0), "line 26");
    assert_eq!(pane.row_text(3), "line 29");
    assert_eq!(pane.cursor(), (0, 3));
    // Mode 0: no cursor, no wrap.
    assert!(!pane.modes().cursor_visible);

    // Escape sequences inside snapshot text are shown as text, never executed; invalid UTF-8
    // and lines longer than the pane are cut.
    let evil = SnapshotLine {
        text: b"\x1b[2J\x1b]2;pwned\x07ok\xff\xfe and more text than fits"
            .to_vec()
            .into(),
        attrs: vec![u64::MAX; 3],
    };
    let snap = snapshot(u64::MAX, i64::MIN, i64::MAX, vec![evil, plain("second")]);
    let mut pane = PaneTerm::new(12, 4, 100);
    pane.restore_snapshot(&snap);
    assert_eq!(pane.title(), None);
    assert_eq!(pane.row_text(1), "second");
    assert!(
        pane.row_text(0).starts_with(" [2J ]2;pwne"),
        "{:?}",
        pane.row_text(0)
    );
}

/// `with_normal_screen` reads the normal screen under the alternate one (history, rows and
/// cursor) and leaves the alternate screen exactly as it was, output after it included.
#[test]
fn normal_screen_under_the_alternate_one_is_read_without_changing_it() {
    let mut pane = PaneTerm::new(20, 4, 100);
    pane.feed(b"one\r\ntwo\r\nthree\r\nfour\r\nfive");
    assert_eq!(pane.with_normal_screen(|_| ()), None);
    pane.feed(b"\x1b[?1049h\x1b[2;3Hfull");
    let (history, rows, cursor) = pane
        .with_normal_screen(|t| {
            let rows: Vec<String> = (0..4).map(|r| t.row_text(r)).collect();
            (t.scrollback_len(), rows, t.program_cursor())
        })
        .unwrap();
    assert_eq!(history, 1);
    assert_eq!(rows, ["two", "three", "four", "five"]);
    assert_eq!(cursor, (4, 3));
    // The alternate screen and its cursor are as they were: more output lands after "full".
    pane.feed(b"-screen");
    assert_eq!(pane.row_text(1).trim_end(), "  full-screen");
    assert_eq!(pane.scrollback_len(), 0);
    pane.feed(b"\x1b[?1049l");
    assert_eq!(pane.row_text(3).trim_end(), "five");
    assert_eq!(pane.program_cursor(), (4, 3));
}
