//! Input to a pane: written straight to its PTY when nothing waits, queued when the PTY is
//! full. Bytes arrive whole and in order either way, and a pane that stops reading holds
//! neither the server nor other commands.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test stops on what it did not expect"
)]

mod common;

use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{DEADLINE, Mux};

/// Run a command with a deadline: a server blocked on a pane would otherwise hang the test.
fn run_within(m: &Mux, args: &[&str]) -> String {
    let mut child = m
        .command(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + DEADLINE;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let out = child.wait_with_output().unwrap();
            assert!(
                status.success(),
                "{args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            return String::from_utf8_lossy(&out.stdout).into_owned();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{args:?} did not finish: the server is stuck");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A pane running `program` in raw mode (no line editing, no echo), once it is ready.
fn raw_pane(m: &Mux, program: &str) {
    let cmd = format!("stty raw -echo; echo READY; {program}");
    run_within(m, &["new-session", "-d", "-x", "80", "-y", "24", &cmd]);
    m.wait_for(&["capture-pane", "-p"], "the pane ready", |s| {
        s.contains("READY")
    });
}

#[test]
fn input_keeps_its_order_when_the_pty_fills_up() {
    let m = Mux::tmate();
    let file = m.dir.path().join("got");
    // The program reads slowly, a small read per process: the PTY's input buffer (4 KiB)
    // keeps filling and emptying while input arrives, written at once or queued. (The rule
    // that keeps the order is checked deterministically in state.rs's unit tests.)
    raw_pane(
        &m,
        &format!(
            "while :; do dd bs=256 count=1 status=none; done > {}",
            file.display()
        ),
    );
    let mut expected = String::new();
    for i in 0..40 {
        let chunk = format!("<{i:02}>").repeat(400);
        run_within(&m, &["send-keys", "-l", &chunk]);
        expected.push_str(&chunk);
    }
    let deadline = Instant::now() + DEADLINE;
    loop {
        let got = std::fs::read_to_string(&file).unwrap_or_default();
        if got.len() >= expected.len() || Instant::now() > deadline {
            assert_eq!(got.len(), expected.len(), "bytes lost or added");
            assert!(got == expected, "bytes out of order");
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_pane_that_never_reads_does_not_hold_the_server() {
    let m = Mux::tmate();
    raw_pane(&m, "exec sleep 60");
    run_within(&m, &["split-window", "-d", "cat"]);
    // Far more than the PTY and the pane's queue hold.
    let chunk = "x".repeat(8192);
    for _ in 0..300 {
        run_within(&m, &["send-keys", "-t", "%0", "-l", &chunk]);
    }
    // The server still answers, and the other pane still gets its input.
    run_within(&m, &["send-keys", "-t", "%1", "-l", "still typing"]);
    m.wait_for(
        &["capture-pane", "-p", "-t", "%1"],
        "the other pane's echo",
        |s| s.contains("still typing"),
    );
    assert_eq!(
        run_within(&m, &["display", "-p", "#{pane_id}"]).trim(),
        "%0"
    );
}

/// A pane that never stops printing (`yes`) must not freeze the server, which runs on one
/// thread: an attached client keeps seeing the flood and gets its keys handled (`C-b c` opens
/// a window), and a command client gets answers.
#[tokio::test]
async fn an_endless_flood_leaves_the_server_responsive() {
    let m = Mux::tmate();
    run_within(
        &m,
        &[
            "new-session",
            "-d",
            "-s",
            "main",
            "-x",
            "80",
            "-y",
            "24",
            "yes flood",
        ],
    );
    let mut c = m.attach_client(80, 24);
    c.wait_for("the flood on the screen", |c| c.row(0) == "flood")
        .await;
    c.wait_for("raw mode", |c| c.is_raw()).await;
    c.type_bytes(b"\x02c").await;
    c.wait_for("the new window in the status line", |c| {
        c.last_row().contains("1:sh*")
    })
    .await;
    // Nobody reads the attached terminal meanwhile: its client waits, the server does not.
    let windows = run_within(&m, &["list-windows", "-F", "#I"]);
    assert_eq!(windows, "0\n1\n");
}
