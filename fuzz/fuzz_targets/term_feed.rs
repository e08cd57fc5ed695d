//! Fuzz target: arbitrary PTY output, cut into pieces and interleaved with pane and client
//! resizes, through two panes' terminals (`tmate_term::PaneTerm`), the compositor and a
//! client's renderer. Nothing may panic; frames always have the client's size and the cursor
//! stays inside them.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tmate_term::{PaneTerm, Renderer, Scene, ScenePane, StatusBar, StatusWindow, compose_into};

/// Control bytes in the input stream: the two that follow are a new size.
const PANE_RESIZE: u8 = 0xfe;
const CLIENT_RESIZE: u8 = 0xfd;
/// Switch which pane the following bytes go to.
const SWITCH: u8 = 0xfc;

fn size(a: u8, b: u8) -> (u16, u16) {
    (u16::from(a % 120) + 1, u16::from(b % 60) + 1)
}

fuzz_target!(|data: &[u8]| {
    let Some((header, mut rest)) = data.split_first_chunk::<4>() else {
        return;
    };
    let (mut cols, mut rows) = size(header[0], header[1]);
    let (mut client_cols, mut client_rows) = size(header[2], header[3]);
    let mut left = PaneTerm::new(cols, rows, 50);
    let mut right = PaneTerm::new(cols, rows, 50);
    let mut to_right = false;
    let mut renderer = Renderer::new();
    let mut out = Vec::new();
    renderer.enter(&mut out);
    let mut frame = tmate_term::Frame::blank(client_cols, client_rows);
    while !rest.is_empty() {
        let end = rest
            .iter()
            .position(|b| matches!(*b, PANE_RESIZE | CLIENT_RESIZE | SWITCH))
            .unwrap_or(rest.len());
        let (chunk, tail) = rest.split_at(end);
        if to_right {
            right.feed(chunk);
        } else {
            left.feed(chunk);
        }
        rest = tail;
        match rest {
            [PANE_RESIZE, a, b, tail @ ..] => {
                (cols, rows) = size(*a, *b);
                left.resize(cols, rows);
                right.resize(cols, rows);
                rest = tail;
            }
            [CLIENT_RESIZE, a, b, tail @ ..] => {
                (client_cols, client_rows) = size(*a, *b);
                rest = tail;
            }
            [SWITCH, tail @ ..] => {
                to_right = !to_right;
                rest = tail;
            }
            [_, ..] => rest = &[],
            [] => {}
        }
        // Side by side with a one-column border, as a vertical split lays them out.
        let scene = Scene {
            session_cols: cols.saturating_mul(2).saturating_add(1),
            session_rows: rows,
            panes: vec![
                ScenePane { id: 0, xoff: 0, yoff: 0, cols, rows, term: &left },
                ScenePane { id: 1, xoff: cols + 1, yoff: 0, cols, rows, term: &right },
            ],
            active_pane: Some(i64::from(to_right)),
            status: Some(StatusBar {
                left: "[tmate] ".into(),
                right: left.title().unwrap_or_default(),
                windows: vec![StatusWindow { idx: 0, name: "sh".into(), active: true, last: false }],
            }),
            message: None,
            message_markup: false,
        };
        compose_into(&scene, client_cols, client_rows, &mut frame);
        assert_eq!(frame.cells.len(), usize::from(client_cols) * usize::from(client_rows));
        if let Some((x, y)) = frame.cursor {
            assert!(x < client_cols && y < client_rows, "cursor {x},{y} outside {client_cols}x{client_rows}");
        }
        out.clear();
        renderer.render(&frame, &mut out);
    }
    renderer.leave(&mut out);
});
