//! Recorded PTY output of real programs (tests/data/*.bin, made by tests/data/record.py) fed to
//! `PaneTerm` and compared with what tmux 3.3a shows for the same bytes (text, colours,
//! attributes, cursor, modes) and with the vt100 crate as an independent oracle; then composed
//! and rendered to a (vt100) client, which must show exactly the composed frame.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test stops on what it did not expect"
)]

mod common;

use common::{Seen, Tmux, data_file, parse_capture, vt100_row_text};
use tmate_term::{Frame, PaneTerm, Renderer, Scene, ScenePane, StatusBar, StatusWindow, compose};

const COLS: u16 = 80;
const ROWS: u16 = 24;

/// Differences between `pane` and a vt100 screen: text of every row, then the attributes of
/// every cell that is not the right half of a wide character.
fn diff_against(pane: &PaneTerm, screen: &vt100::Screen, label: &str) -> Vec<String> {
    let mut diffs = Vec::new();
    for row in 0..ROWS {
        let ours = pane.row_text(row);
        let theirs = vt100_row_text(screen, row, COLS);
        if ours != theirs {
            diffs.push(format!(
                "{label} row {row} text:\n  ours:   {ours:?}\n  theirs: {theirs:?}"
            ));
            continue;
        }
        for col in 0..COLS {
            let cell = pane.cell(col, row);
            if cell.width == 0 {
                continue;
            }
            let Some(other) = screen.cell(row, col) else {
                continue;
            };
            let (a, b) = (Seen::of_style(&cell.style), Seen::of_vt100(other));
            if a != b {
                diffs.push(format!(
                    "{label} cell ({col},{row}) {:?}: ours {a:?} theirs {b:?}",
                    cell.text
                ));
            }
        }
    }
    diffs
}

/// Feed `bytes` in pieces of varying size (including cuts inside UTF-8 characters and escape
/// sequences) and check that the result does not depend on the split.
fn feed_split(bytes: &[u8]) -> PaneTerm {
    let mut pane = PaneTerm::new(COLS, ROWS, 2000);
    let mut rest = bytes;
    let mut step = 1usize;
    while !rest.is_empty() {
        let n = step.min(rest.len());
        let (head, tail) = rest.split_at(n);
        pane.feed(head);
        rest = tail;
        step = step % 7 + 1;
    }
    pane
}

/// The pane as the only pane of a window with a status line, as a client of 80x25 sees it.
fn frame_of(pane: &PaneTerm) -> Frame {
    let scene = Scene {
        session_cols: COLS,
        session_rows: ROWS,
        panes: vec![ScenePane {
            id: 0,
            xoff: 0,
            yoff: 0,
            cols: COLS,
            rows: ROWS,
            term: pane,
        }],
        active_pane: Some(0),
        status: Some(StatusBar {
            left: "[tmate] ".to_owned(),
            right: String::new(),
            windows: vec![StatusWindow {
                idx: 0,
                name: "replay".to_owned(),
                active: true,
                last: false,
            }],
        }),
        message: None,
        message_markup: false,
    };
    compose(&scene, COLS, ROWS + 1)
}

/// Differences between a client's vt100 screen and the frame it was sent.
fn diff_client(screen: &vt100::Screen, frame: &Frame) -> Vec<String> {
    let mut diffs = Vec::new();
    for row in 0..frame.rows {
        let theirs = vt100_row_text(screen, row, frame.cols);
        if theirs != frame.row_text(row) {
            diffs.push(format!(
                "client row {row}: {:?} vs {theirs:?}",
                frame.row_text(row)
            ));
            continue;
        }
        for col in 0..frame.cols {
            let Some(cell) = frame.cell(col, row).filter(|c| c.width != 0) else {
                continue;
            };
            let Some(other) = screen.cell(row, col) else {
                continue;
            };
            let (a, b) = (Seen::of_style(&cell.style), Seen::of_vt100(other));
            // vt100 keeps one intensity; a cell both bold and dim shows as one of them.
            if a != b && !(cell.style.attrs.bold && cell.style.attrs.dim) {
                diffs.push(format!(
                    "client cell ({col},{row}): frame {a:?} client {b:?}"
                ));
            }
        }
    }
    let (cy, cx) = screen.cursor_position();
    let shown = (!screen.hide_cursor()).then_some((cx, cy));
    if shown != frame.cursor {
        diffs.push(format!(
            "client cursor: frame {:?} client {shown:?}",
            frame.cursor
        ));
    }
    diffs
}

fn tmux_modes(tmux: &Tmux) -> Vec<bool> {
    let out = tmux.out(&[
        "display-message",
        "-p",
        "#{cursor_flag} #{keypad_cursor_flag} #{keypad_flag} #{alternate_on} #{mouse_any_flag} \
         #{mouse_sgr_flag}",
    ]);
    out.split_whitespace().map(|w| w == "1").collect()
}

fn check_recording(name: &str) {
    let path = data_file(name);
    let bytes = std::fs::read(&path).expect("read recording");

    let mut pane = PaneTerm::new(COLS, ROWS, 2000);
    pane.feed(&bytes);
    check_split_feed(name, &bytes, &pane);
    let mut diffs = tmux_diffs(name, &path, &pane);
    diffs.extend(vt100_diffs(&bytes, &pane));
    diffs.extend(client_diffs(&bytes, &pane));

    assert!(
        diffs.is_empty(),
        "{name}: {} differences:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
}

/// The recording fed in pieces draws what it draws fed whole (`pane`).
fn check_split_feed(name: &str, bytes: &[u8], pane: &PaneTerm) {
    let split = feed_split(bytes);
    for row in 0..ROWS {
        assert_eq!(
            pane.row_text(row),
            split.row_text(row),
            "{name}: split feed row {row}"
        );
        for col in 0..COLS {
            assert_eq!(
                pane.cell(col, row),
                split.cell(col, row),
                "{name}: split feed cell"
            );
        }
    }
    assert_eq!(pane.cursor(), split.cursor());
}

/// Where `pane` differs from tmux 3.3a fed the same recording: text, colours and attributes,
/// cursor, modes.
fn tmux_diffs(name: &str, path: &std::path::Path, pane: &PaneTerm) -> Vec<String> {
    let mut diffs = Vec::new();
    // tmux 3.3a: plain text exactly as `capture-pane -p` prints it.
    let tmux = Tmux::new();
    tmux.replay_file(path, COLS, ROWS);
    let text = tmux.out(&["capture-pane", "-p"]);
    let tmux_rows: Vec<&str> = text.lines().collect();
    assert_eq!(tmux_rows.len(), usize::from(ROWS), "{name}: tmux rows");
    for (row, theirs) in tmux_rows.iter().enumerate() {
        let ours = pane.row_text(row as u16);
        if ours != *theirs {
            diffs.push(format!(
                "tmux row {row}:\n  ours: {ours:?}\n  tmux: {theirs:?}"
            ));
        }
    }

    // tmux 3.3a: colours and attributes from `capture-pane -p -e -N`.
    let styled = tmux.out(&["capture-pane", "-p", "-e", "-N"]);
    let parsed = parse_capture(&styled, COLS, ROWS);
    diffs.extend(diff_against(pane, parsed.screen(), "tmux"));

    // tmux 3.3a: cursor and modes.
    let cursor = tmux.out(&["display-message", "-p", "#{cursor_x} #{cursor_y}"]);
    let theirs: Vec<u16> = cursor
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    let (cx, cy) = pane.cursor();
    if theirs != [cx, cy] {
        diffs.push(format!("tmux cursor: ours {:?} tmux {theirs:?}", (cx, cy)));
    }
    let m = pane.modes();
    let ours = vec![
        m.cursor_visible,
        m.cursor_keys_application,
        m.keypad_application,
        m.alt_screen,
        m.mouse_reporting,
        m.sgr_mouse,
    ];
    let theirs = tmux_modes(&tmux);
    if ours != theirs {
        diffs.push(format!(
            "tmux modes (cursor, app cursor, app keypad, alt screen, mouse, sgr mouse): \
             ours {ours:?} tmux {theirs:?}"
        ));
    }
    diffs
}

/// Where `pane` differs from vt100 0.18 fed the same bytes: cells and cursor.
fn vt100_diffs(bytes: &[u8], pane: &PaneTerm) -> Vec<String> {
    // vt100 0.18: an independent emulator fed the same bytes.
    let mut oracle = common::vt100_parser(COLS, ROWS);
    oracle.process(bytes);
    let mut diffs = diff_against(pane, oracle.screen(), "vt100");
    let (cx, cy) = pane.cursor();
    let (vy, vx) = oracle.screen().cursor_position();
    if (vx, vy) != (cx, cy) {
        diffs.push(format!(
            "vt100 cursor: ours {:?} vt100 {:?}",
            (cx, cy),
            (vx, vy)
        ));
    }
    diffs
}

/// Where a (vt100) client, sent the rendered frames of half the recording and then all of it,
/// differs from the composed frame.
fn client_diffs(bytes: &[u8], pane: &PaneTerm) -> Vec<String> {
    // Composed with a status line and sent through the renderer, first half of the recording
    // then all of it (an incremental update of real content), a client shows exactly the frame.
    let mut half = PaneTerm::new(COLS, ROWS, 2000);
    half.feed(&bytes[..bytes.len() / 2]);
    let mut renderer = Renderer::new();
    let mut out = Vec::new();
    renderer.enter(&mut out);
    renderer.render(&frame_of(&half), &mut out);
    let frame = frame_of(pane);
    renderer.render(&frame, &mut out);
    let mut client = common::vt100_parser(COLS, ROWS + 1);
    client.process(&out);
    diff_client(client.screen(), &frame)
}

#[test]
fn vim_matches_tmux() {
    check_recording("vim.bin");
}

#[test]
fn top_interactive_matches_tmux() {
    check_recording("top.bin");
}

#[test]
fn top_batch_matches_tmux() {
    check_recording("top_batch.bin");
}

#[test]
fn less_matches_tmux() {
    check_recording("less.bin");
}

#[test]
fn ls_color_matches_tmux() {
    check_recording("ls.bin");
}

#[test]
fn shell_with_cjk_and_emoji_matches_tmux() {
    check_recording("shell_cjk.bin");
}
