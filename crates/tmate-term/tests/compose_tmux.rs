//! The compositor against a live tmux 3.3a: the same layout is built in a private tmux server, a
//! real client is attached in a pseudo-terminal, its output is decoded with vt100, and the
//! screen must equal our `compose` of the same scene cell for cell (text, colours, attributes),
//! cursor included: borders, the two-pane half-coloured border, the filling of a client larger
//! than the window, and the status line.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test stops on what it did not expect"
)]

mod common;

use std::time::Instant;

use common::{Client, DEADLINE, Seen, Tmux, vt100_row_text};
use tmate_term::{Frame, PaneTerm, Scene, ScenePane, StatusBar, StatusWindow, compose};

struct PaneInfo {
    id: i64,
    x: u16,
    y: u16,
    w: u16,
    h: u16,
    active: bool,
}

fn panes(tmux: &Tmux) -> Vec<PaneInfo> {
    let out = tmux.out(&[
        "list-panes",
        "-F",
        "#{pane_id} #{pane_left} #{pane_top} #{pane_width} #{pane_height} #{pane_active}",
    ]);
    out.lines()
        .map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            let n = |i: usize| f[i].parse::<u16>().expect("number");
            PaneInfo {
                id: f[0].trim_start_matches('%').parse().expect("pane id"),
                x: n(1),
                y: n(2),
                w: n(3),
                h: n(4),
                active: f[5] == "1",
            }
        })
        .collect()
}

/// The text each pane prints, in tmux and in our terms.
const PANE_CMD: &str = "printf 'pane %s\\n' \"$TMUX_PANE\"; exec sleep 600";

fn new_session(tmux: &Tmux, cols: u16, rows: u16) {
    tmux.out(&[
        "new-session",
        "-d",
        "-x",
        &cols.to_string(),
        "-y",
        &rows.to_string(),
        "-n",
        "main",
        PANE_CMD,
    ]);
    tmux.out(&["set", "-g", "status-left", "[0] "]);
    tmux.out(&["set", "-g", "status-right", ""]);
}

/// Make the window keep its size whatever the client's (set last: tmux 3.3a crashes creating
/// windows or panes in a detached session with `window-size manual`).
fn freeze_window(tmux: &Tmux, cols: u16, rows: u16) {
    tmux.out(&["set", "-g", "window-size", "manual"]);
    tmux.out(&[
        "resize-window",
        "-x",
        &cols.to_string(),
        "-y",
        &rows.to_string(),
    ]);
}

/// Differences between tmux's decoded screen and our frame.
fn diffs(screen: &vt100::Screen, frame: &Frame) -> Vec<String> {
    let mut out = Vec::new();
    for row in 0..frame.rows {
        let theirs = vt100_row_text(screen, row, frame.cols);
        let ours = frame.row_text(row);
        if theirs != ours {
            let cells = |f: &dyn Fn(u16) -> String| {
                (0..frame.cols)
                    .map(|c| format!("{c}:{}", f(c)))
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let tmux_cells = cells(&|c| {
                screen
                    .cell(row, c)
                    .map(|x| x.contents().to_owned())
                    .unwrap_or_default()
            });
            let our_cells = cells(&|c| {
                frame
                    .cell(c, row)
                    .map(|x| x.text.clone())
                    .unwrap_or_default()
            });
            out.push(format!(
                "row {row}:\n  ours: {ours:?}\n  tmux: {theirs:?}\n  ours: {our_cells}\n  tmux: {tmux_cells}"
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
            if a != b {
                out.push(format!(
                    "cell ({col},{row}) {:?}: ours {a:?} tmux {b:?}",
                    cell.text
                ));
            }
        }
    }
    let (cy, cx) = screen.cursor_position();
    let theirs = (!screen.hide_cursor()).then_some((cx, cy));
    if theirs != frame.cursor {
        out.push(format!("cursor: ours {:?} tmux {theirs:?}", frame.cursor));
    }
    out
}

/// Attach a client of `cols` x `rows` and wait until it shows exactly `frame`.
fn assert_tmux_draws(tmux: &Tmux, frame: &Frame) {
    let client = Client::attach(tmux, frame.cols, frame.rows);
    let start = Instant::now();
    loop {
        let parser = client.screen();
        let d = diffs(parser.screen(), frame);
        if d.is_empty() {
            return;
        }
        assert!(
            start.elapsed() < DEADLINE,
            "tmux's screen differs from ours:\n{}",
            d.join("\n")
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// The status line tmux has: `[0] ` on the left, `right`, and its windows.
fn status_of(tmux: &Tmux, right: &str) -> StatusBar {
    let out = tmux.out(&[
        "list-windows",
        "-F",
        "#{window_index} #{window_active} #{window_last_flag} #{window_name}",
    ]);
    let windows = out
        .lines()
        .map(|line| {
            let mut f = line.splitn(4, ' ');
            let idx = f.next().and_then(|v| v.parse().ok()).expect("index");
            let active = f.next() == Some("1");
            let last = f.next() == Some("1");
            StatusWindow {
                idx,
                name: f.next().unwrap_or("").to_owned(),
                active,
                last,
            }
        })
        .collect();
    StatusBar {
        left: "[0] ".to_owned(),
        right: right.to_owned(),
        windows,
    }
}

/// Our scene for the session as tmux has it, with each pane showing what `PANE_CMD` printed.
fn our_frame(tmux: &Tmux, sx: u16, sy: u16, client: (u16, u16)) -> Frame {
    our_frame_with(tmux, sx, sy, client, status_of(tmux, ""))
}

fn our_frame_with(tmux: &Tmux, sx: u16, sy: u16, client: (u16, u16), status: StatusBar) -> Frame {
    let info = panes(tmux);
    let terms: Vec<PaneTerm> = info
        .iter()
        .map(|p| {
            let mut term = PaneTerm::new(p.w, p.h, 100);
            term.feed(format!("pane %{}\r\n", p.id).as_bytes());
            term
        })
        .collect();
    let scene = Scene {
        session_cols: sx,
        session_rows: sy,
        panes: info
            .iter()
            .zip(&terms)
            .map(|(p, term)| ScenePane {
                id: p.id,
                xoff: p.x,
                yoff: p.y,
                cols: p.w,
                rows: p.h,
                term,
            })
            .collect(),
        active_pane: info.iter().find(|p| p.active).map(|p| p.id),
        status: Some(status),
        message: None,
        message_markup: false,
    };
    compose(&scene, client.0, client.1)
}

#[test]
fn two_panes_side_by_side_in_a_larger_client() {
    let tmux = Tmux::new();
    new_session(&tmux, 30, 8);
    tmux.out(&["split-window", "-h", PANE_CMD]);
    tmux.out(&["select-pane", "-L"]);
    freeze_window(&tmux, 30, 8);
    let frame = our_frame(&tmux, 30, 8, (50, 14));
    assert!(
        frame.row_text(8).contains('┘'),
        "the window edge is inside the client"
    );
    assert_tmux_draws(&tmux, &frame);

    // The other pane active: the lower half of the middle line turns green instead.
    tmux.out(&["select-pane", "-R"]);
    let frame = our_frame(&tmux, 30, 8, (50, 14));
    assert_tmux_draws(&tmux, &frame);
}

#[test]
fn two_panes_stacked_in_a_larger_client() {
    let tmux = Tmux::new();
    new_session(&tmux, 30, 9);
    tmux.out(&["split-window", "-v", PANE_CMD]);
    freeze_window(&tmux, 30, 9);
    let frame = our_frame(&tmux, 30, 9, (36, 13));
    assert_tmux_draws(&tmux, &frame);
}

#[test]
fn three_panes_with_joins_in_a_client_of_the_same_size() {
    let tmux = Tmux::new();
    new_session(&tmux, 40, 12);
    tmux.out(&["split-window", "-v", PANE_CMD]);
    tmux.out(&["select-pane", "-U"]);
    tmux.out(&["split-window", "-h", PANE_CMD]);
    tmux.out(&["select-pane", "-t", ":.2"]);
    freeze_window(&tmux, 40, 12);
    let frame = our_frame(&tmux, 40, 12, (40, 13));
    assert!(frame.row_text(6).contains('┴') || frame.row_text(5).contains('┴'));
    assert_tmux_draws(&tmux, &frame);
}

#[test]
fn four_panes_with_a_cross_in_a_larger_client() {
    let tmux = Tmux::new();
    new_session(&tmux, 31, 11);
    tmux.out(&["split-window", "-h", PANE_CMD]);
    tmux.out(&["split-window", "-v", PANE_CMD]);
    tmux.out(&["select-pane", "-L"]);
    tmux.out(&["split-window", "-v", PANE_CMD]);
    freeze_window(&tmux, 31, 11);
    let frame = our_frame(&tmux, 31, 11, (45, 15));
    assert_tmux_draws(&tmux, &frame);
}

#[test]
fn status_line_with_wide_characters_and_cuts() {
    let tmux = Tmux::new();
    new_session(&tmux, 30, 4);
    tmux.out(&["set", "-g", "automatic-rename", "off"]);
    tmux.out(&["new-window", "-n", "日本語テスト", PANE_CMD]);
    tmux.out(&["new-window", "-n", "abc", PANE_CMD]);
    tmux.out(&["new-window", "-n", "中文窗口名", PANE_CMD]);
    tmux.out(&["select-window", "-t", "3"]);
    tmux.out(&["select-window", "-t", "1"]);
    tmux.out(&["set", "-g", "status-right", "右边#[fg=red]红"]);
    freeze_window(&tmux, 30, 4);
    // Wide enough for everything, then narrower and narrower: the list is cut around the
    // current window, then the right side. Below 30 columns the client is smaller than the
    // window; tmux then pans to the cursor, which is at the top left here, so it shows the same
    // top-left crop as we do.
    let status = || status_of(&tmux, "右边#[fg=red]红");
    for width in [60u16, 33, 30, 27, 14] {
        let frame = our_frame_with(&tmux, 30, 4, (width, 5), status());
        assert_tmux_draws(&tmux, &frame);
    }
    // Where a cut falls inside a wide character, its remaining half is a blank. tmux 3.3a keeps
    // an orphaned padding cell in its status screen and skips it when writing to the terminal,
    // so everything after it lands one column to the left and the last column stays empty
    // (width 21: tmux shows `[0] <本語テス>右边红 `; width 9: `[0] 边红  `). We keep every
    // cell in its column instead.
    let frame = our_frame_with(&tmux, 30, 4, (21, 5), status());
    assert_eq!(frame.row_text(4), "[0] < 本語テス>右边红");
    let frame = our_frame_with(&tmux, 30, 4, (9, 5), status());
    assert_eq!(frame.row_text(4), "[0]  边红");
}
