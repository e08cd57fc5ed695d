//! A client attached on a pty, driven as a user would: the status line shows the session, the
//! window list and the clock, typed keys reach the pane, `C-b c` opens a window, `C-b d` detaches.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test stops on what it did not expect"
)]

mod common;

use std::time::Instant;

use common::{DEADLINE, Mux};
use tokio::io::AsyncWriteExt;

#[tokio::test]
async fn attach_draws_status_and_detaches() {
    // No assume-paste-time: `C-b c` may come within it of the line typed before.
    let m = Mux::tmate().with_config("set -g assume-paste-time 0\n");
    m.run(&["new-session", "-d", "-s", "main"]);
    let mut c = m.attach_client(80, 24);
    c.wait_screen("status line", |s| s.contents().contains("[main] 0:sh*"))
        .await;
    let status = c.row(23);
    assert!(status.starts_with("[main] 0:sh*"), "{status}");
    // Clock at the right: `HH:MM DD-Mon-YY`.
    let clock: Vec<&str> = status.rsplit(' ').take(2).collect();
    assert_eq!(clock.len(), 2, "{status}");
    assert_eq!(clock[0].len(), 9, "{status}");
    // The client's size is the window's size (status line excluded).
    m.wait_for(
        &["display", "-p", "#{window_width}x#{window_height}"],
        "client size",
        |s| s == "80x23\n",
    );

    c.pty.write_all(b"echo typed-$((6*7))\r").await.unwrap();
    c.wait_screen("echo output", |s| s.contents().contains("typed-42"))
        .await;

    c.pty.write_all(b"\x02c").await.unwrap();
    c.wait_screen("second window", |s| s.contents().contains("0:sh- 1:sh*"))
        .await;
    assert_eq!(m.run(&["list-windows", "-F", "#{window_index}"]), "0\n1\n");

    c.pty.write_all(b"\x02%").await.unwrap();
    m.wait_for(&["list-panes", "-F", "#{pane_width}"], "split", |s| {
        s == "40\n39\n"
    });
    c.wait_screen("border", |s| s.contents().contains('│'))
        .await;

    c.pty.write_all(b"\x02d").await.unwrap();
    c.wait_screen("detach message", |s| {
        s.contents().contains("[detached (from session main)]")
    })
    .await;
    let status = tokio::time::timeout(DEADLINE, c.child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success());
    // The session lives on after the client detached.
    assert_eq!(
        m.run(&["display", "-p", "-t", "main", "#{session_windows}"]),
        "2\n"
    );
}

#[tokio::test]
async fn config_prefix_messages_and_detach_client() {
    let m = Mux::tmate().with_config("set -g prefix C-a\nset -g status-left '<#S> '\n");
    m.run(&["new-session", "-d", "-s", "main"]);
    let mut c = m.attach_client(80, 24);
    c.wait_screen("status line from the options", |s| {
        s.contents().contains("<main> 0:sh*")
    })
    .await;
    // C-b is an ordinary key now; C-a is the prefix.
    c.pty.write_all(b"\x01c").await.unwrap();
    c.wait_screen("second window", |s| s.contents().contains("0:sh- 1:sh*"))
        .await;
    m.run(&["display-message", "hello-from-outside"]);
    c.wait_screen("message on the status line", |s| {
        s.contents().contains("hello-from-outside")
    })
    .await;
    m.run(&["set", "-g", "status", "off"]);
    m.wait_for(
        &["display", "-p", "#{window_height}"],
        "status line gone",
        |s| s == "24\n",
    );
    m.run(&["detach-client", "-s", "main"]);
    c.wait_screen("detach message", |s| {
        s.contents().contains("[detached (from session main)]")
    })
    .await;
    let status = tokio::time::timeout(DEADLINE, c.child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success());
}

/// With stdout not its terminal (redirected to a file), the client keeps its terminal: it
/// relays the keys and writes the screen it gets over the socket (`tty.rs`'s fallback).
#[tokio::test]
async fn a_client_whose_output_is_not_its_terminal_relays_both_ways() {
    let m = Mux::tmate();
    m.run(&["new-session", "-d", "-s", "main"]);
    // `C-b d` may come within a millisecond of the command line's keys (the echo's round trip
    // is that fast): with assume-paste-time on it would be pasted text, as in tmux 3.3a.
    m.run(&["set", "-g", "assume-paste-time", "0"]);
    let out = m.dir.path().join("screen.out");
    let std_cmd = m.command(&["attach", "-t", "main"]);
    let mut script = format!("exec {}", std_cmd.get_program().to_string_lossy());
    for arg in std_cmd.get_args() {
        script.push(' ');
        script.push_str(&arg.to_string_lossy());
    }
    script.push_str(&format!(" > {}", out.display()));
    // The attach command's environment, run by a shell that redirects its output.
    let mut sh = std::process::Command::new("/bin/sh");
    sh.arg("-c").arg(&script);
    for (k, v) in std_cmd.get_envs() {
        match v {
            Some(v) => sh.env(k, v),
            None => sh.env_remove(k),
        };
    }
    let (mut pty, mut child) = tmate_fixtures::pty_client::spawn_on_pty(&sh, 80, 24);
    let screen = |what: &str| {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let text = std::fs::read_to_string(&out).unwrap_or_default();
            if text.contains(what) {
                return;
            }
            assert!(Instant::now() < deadline, "never saw {what}:\n{text}");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    };
    screen("[main] 0:sh*");
    pty.write_all(b"echo relayed-$((6*7))\r").await.unwrap();
    screen("relayed-42");
    pty.write_all(b"\x02d").await.unwrap();
    let status = tokio::time::timeout(DEADLINE, child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success());
    screen("[detached (from session main)]");
}
