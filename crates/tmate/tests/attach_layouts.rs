//! Layout and pane keys of an attached client (C-b Space, C-b M-1..M-5, C-b {, C-b }, C-o, C-b !)
//! against tmux 3.3a attached the same way, window sizes after moves into the attached session
//! (`window-size smallest`),
//! and a bound run-shell's output in the pane's view mode.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test stops on what it did not expect"
)]

mod common;

use std::time::{Duration, Instant};

use common::{DEADLINE, Mux};
use tmate_fixtures::pty_client::PtyClient;

const PANES: &str = "#{window_index}.#{pane_index} #{pane_id} #{pane_left},#{pane_top} \
                     #{pane_width}x#{pane_height} #{?pane_active,active,-}";

/// How long a poll reads (and draws) a client's output: the pty must be drained either way;
/// the screen is parsed only for the status-line check.
const PUMP: Duration = Duration::from_millis(20);

/// Poll `list-panes` while draining the client until it differs from `before`.
async fn changed(m: &Mux, c: &mut PtyClient, before: &str, what: &str) -> String {
    let deadline = Instant::now() + DEADLINE;
    loop {
        let now = m.run(&["list-panes", "-t", "main", "-F", PANES]);
        if now != before {
            return now;
        }
        assert!(
            Instant::now() < deadline,
            "{}: {what} never changed the panes:\n{now}",
            m.program.display()
        );
        c.pump(PUMP).await;
    }
}

#[tokio::test]
async fn layout_keys_match_tmux() {
    let (a, b) = (Mux::tmux(), Mux::tmate());
    let mut clients = Vec::new();
    for m in [&a, &b] {
        m.run(&["new-session", "-d", "-s", "main", "-x", "80", "-y", "24"]);
        m.run(&["split-window", "-v"]);
        m.run(&["split-window", "-v"]);
        m.run(&["split-window", "-h"]);
        let mut c = m.attach_client(80, 25);
        // Attached once its status line is drawn.
        let deadline = Instant::now() + DEADLINE;
        while !c
            .screen
            .screen()
            .contents_between(24, 0, 24, 80)
            .contains("[main]")
        {
            assert!(Instant::now() < deadline, "client never attached");
            c.pump(PUMP).await;
        }
        clients.push(c);
    }
    // Each key gives a layout different from the one before, so "changed" is the condition.
    let steps: &[(&[u8], &str)] = &[
        (b"\x02 ", "C-b Space"),
        (b"\x02 ", "C-b Space again"),
        (b"\x02\x1b3", "C-b M-3"),
        (b"\x02\x1b5", "C-b M-5"),
        (b"\x02\x1b4", "C-b M-4"),
        (b"\x02{", "C-b {"),
        (b"\x02}", "C-b }"),
        (b"\x02\x0f", "C-b C-o"),
        (b"\x02\x1bo", "C-b M-o"),
        (b"\x02\x1b1", "C-b M-1"),
        (b"\x02\x1b2", "C-b M-2"),
    ];
    let mut before = [String::new(), String::new()];
    for (i, m) in [&a, &b].into_iter().enumerate() {
        before[i] = m.run(&["list-panes", "-t", "main", "-F", PANES]);
    }
    assert_eq!(before[1], before[0]);
    for (keys, what) in steps {
        let mut after = Vec::new();
        for (i, m) in [&a, &b].into_iter().enumerate() {
            clients[i].type_bytes(keys).await;
            after.push(changed(m, &mut clients[i], &before[i], what).await);
        }
        assert_eq!(
            after[1], after[0],
            "after {what}: tmate (left), tmux (right)"
        );
        before = [after[0].clone(), after[1].clone()];
    }
    // With tmate's default `window-size smallest` (tmux's is `latest`): a window moved in
    // from a detached session keeps its size while it is not shown, one swapped in as the
    // current window takes the attached client's.
    let all = "#{session_name} #{window_index} #{window_id} #{window_width}x#{window_height}";
    for m in [&a, &b] {
        m.run(&["set", "-g", "window-size", "smallest"]);
        m.run(&["new-session", "-d", "-s", "one", "-x", "50", "-y", "15"]);
        m.run(&["new-session", "-d", "-s", "two", "-x", "50", "-y", "15"]);
        m.run(&["move-window", "-d", "-s", "one:0", "-t", "main:5"]);
        m.run(&["swap-window", "-s", "two:0", "-t", "main:0"]);
        m.run(&["break-pane", "-d", "-s", "two:0.1", "-t", "main:7"]);
    }
    assert_eq!(
        b.run(&["list-windows", "-a", "-F", all]),
        a.run(&["list-windows", "-a", "-F", all])
    );
}

#[tokio::test]
async fn bound_run_shell_shows_its_output() {
    let m = Mux::tmate();
    m.run(&["new-session", "-d", "-s", "main", "-x", "80", "-y", "24"]);
    m.run(&["bind-key", "R", "run-shell", "echo from-the-shell"]);
    m.run(&["bind-key", "E", "run-shell", "exit 7"]);
    let mut c = m.attach_client(80, 25);
    let deadline = Instant::now() + DEADLINE;
    // In the pane's view mode, as tmux 3.3a shows it (not on the status line).
    let pane = |c: &PtyClient| c.screen.screen().contents_between(0, 0, 23, 80);
    for (key, text) in [
        (&b"\x02R"[..], "from-the-shell"),
        (b"\x02E", "'exit 7' returned 7"),
    ] {
        c.type_bytes(key).await;
        while !pane(&c).contains(text) {
            assert!(
                Instant::now() < deadline,
                "never saw {text}; pane: {}",
                pane(&c)
            );
            c.pump(PUMP).await;
        }
    }
    assert_eq!(m.run(&["display", "-p", "#{pane_mode}"]), "view-mode\n");
}
