//! lock-session, lock-server and lock-client side by side with real tmux 3.3a: the attached
//! client leaves its screen, runs `lock-command` in the foreground on its terminal (reading
//! what is typed there), and is drawn again, the same screens (text and colours) as tmux's.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test stops on what it did not expect"
)]

mod common;
#[path = "common/pair.rs"]
mod pair;

use std::time::{Duration, Instant};

use common::DEADLINE;
use pair::Pair;

/// The lock command asks for a line on the client's terminal and writes it to `got` in the
/// client's directory (each server's temp dir).
const CONFIG: &str = "set -g status-right 'R'\n\
    set -g lock-command 'printf \"locked: \"; read x; echo \"$x\" >> \"$HOME/got\"'\n\
    bind L lock-client\n";

fn wait_file(path: &std::path::Path, want: &str) {
    let deadline = Instant::now() + DEADLINE;
    loop {
        let got = std::fs::read_to_string(path).unwrap_or_default();
        if got == want {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{}: never held {want:?}; last {got:?}",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Lock with `lock`, answer the lock command's question, and see both clients drawn again.
async fn lock_and_answer(p: &mut Pair, lock: impl Fn(&Pair), answer: &str, want: &str) {
    lock(p);
    for c in &mut p.clients {
        // On a cleared screen, as tmux's server_lock_client leaves it.
        c.wait_for("the lock command's question", |c| {
            c.screen.screen().contents().trim_end() == "locked:"
        })
        .await;
    }
    // `\n`: the test's pty may be raw before the client starts, and the lock command gets
    // the terminal as the client found it.
    p.send(format!("{answer}\n").as_bytes()).await;
    for m in &p.muxes {
        wait_file(&m.dir.path().join("got"), want);
    }
    for c in &mut p.clients {
        c.wait_for("the screen drawn again", |c| {
            c.screen.screen().alternate_screen() && c.last_row().starts_with("[main] 0:w0*")
        })
        .await;
    }
    p.same_rows(0..24, "after the lock");
}

#[tokio::test]
async fn lock_commands_run_on_the_clients_terminal_and_redraw() {
    let mut p = Pair::start_shown(CONFIG, Some("cat")).await;
    // Something in the pane to draw again.
    p.send(b"hello\r").await;
    p.wait_text_by("cat's echo", |t| t.matches("hello").count() == 2)
        .await;
    let session = |p: &Pair| {
        p.run_both(&["lock-session", "-t", "main"]);
    };
    lock_and_answer(&mut p, session, "one", "one\n").await;
    let server = |p: &Pair| {
        p.run_both(&["lock-server"]);
    };
    lock_and_answer(&mut p, server, "two", "one\ntwo\n").await;
    // Keys typed after the redraw reach the pane again.
    p.send(b"after\r").await;
    p.wait_text_by("cat's echo", |t| t.matches("after").count() == 2)
        .await;
    p.same_rows(0..24, "typing after the locks");
}

#[tokio::test]
async fn lock_client_from_a_key_binding() {
    let mut p = Pair::start_shown(CONFIG, Some("cat")).await;
    p.send(b"\x02L").await;
    let nothing = |_: &Pair| {};
    lock_and_answer(&mut p, nothing, "key", "key\n").await;
}

#[test]
fn lock_commands_without_clients_do_nothing() {
    common::compare_outcomes(&[
        &["new-session", "-d", "-s", "main"],
        &["lock-session", "-t", "main"],
        &["lock-server"],
        &["lock-session", "-t", "nosuch"],
        &["lock-client"],
        &["suspend-client"],
    ]);
}

/// suspend-client (`C-b C-z`): the client leaves its screen and stops itself; SIGCONT brings
/// it back drawn again. (On the test's pty the client's process group is orphaned, so the
/// kernel ignores its SIGTSTP, for tmux's client as for ours: both wait for the SIGCONT.)
#[tokio::test]
async fn suspend_client_leaves_the_screen_until_continued() {
    let mut p = Pair::start_shown(CONFIG, Some("cat")).await;
    p.send(b"\x02\x1a").await;
    for c in &mut p.clients {
        c.wait_for("the screen left", |c| !c.screen.screen().alternate_screen())
            .await;
    }
    for c in &p.clients {
        let pid = c.child.id().unwrap().to_string();
        let status = std::process::Command::new("kill")
            .args(["-CONT", &pid])
            .status()
            .unwrap();
        assert!(status.success());
    }
    for c in &mut p.clients {
        c.wait_for("the screen drawn again", |c| {
            c.screen.screen().alternate_screen() && c.last_row().starts_with("[main] 0:w0*")
        })
        .await;
    }
    p.same_rows(0..24, "after suspend-client");
}

/// lock-after-time: an idle client is locked, and again after each unlock (tmux's MSG_UNLOCK
/// restarts the session's lock timer).
#[tokio::test]
async fn lock_after_time_locks_idle_clients() {
    let config = "set -g status-right 'R'\n\
        set -g lock-after-time 1\n\
        set -g lock-command 'echo x >> \"$HOME/idle\"'\n";
    let p = Pair::start(config, 80, 24, Some("cat")).await;
    for m in &p.muxes {
        let path = m.dir.path().join("idle");
        let deadline = Instant::now() + DEADLINE;
        while std::fs::read_to_string(&path)
            .unwrap_or_default()
            .lines()
            .count()
            < 2
        {
            assert!(
                Instant::now() < deadline,
                "{}: not locked twice",
                path.display()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// lock-after-time counts the session's activity as tmux 3.3a's session lock timer: keys on
/// one client keep its other client unlocked too, and once nobody types both are locked.
#[tokio::test]
async fn lock_after_time_is_the_sessions() {
    let config = "set -g status-right 'R'\n\
        set -g lock-after-time 2\n\
        set -g lock-command 'echo x >> \"$HOME/idle\"'\n";
    let mut p = Pair::start(config, 80, 24, Some("cat")).await;
    for m in &p.muxes {
        let mut other = m.attach_client(80, 24);
        other
            .wait_for("the second client drawn", |c| {
                c.is_raw() && c.last_row().contains("w0")
            })
            .await;
        p.clients.push(other);
    }
    let locks = |p: &Pair| -> Vec<usize> {
        p.muxes
            .iter()
            .map(|m| {
                std::fs::read_to_string(m.dir.path().join("idle"))
                    .unwrap_or_default()
                    .lines()
                    .count()
            })
            .collect()
    };
    // Typing on the first clients only, for longer than lock-after-time.
    let typing_until = Instant::now() + Duration::from_millis(4500);
    while Instant::now() < typing_until {
        for c in p.clients.iter_mut().take(2) {
            c.type_bytes(b"k").await;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    assert_eq!(
        locks(&p),
        vec![0, 0],
        "locked while a client of the session typed"
    );
    // Now idle: both clients of each are locked.
    let deadline = Instant::now() + DEADLINE;
    while locks(&p) != vec![2, 2] {
        assert!(
            Instant::now() < deadline,
            "not both clients locked: {:?}",
            locks(&p)
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
