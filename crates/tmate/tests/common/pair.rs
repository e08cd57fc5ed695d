//! Real tmux 3.3a and our tmate side by side, each with a client attached on a pty
//! (`tmate_fixtures::pty_client`), driven alike and their screens' rows compared, text and
//! style.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::time::{Duration, Instant};

use tmate_fixtures::pty_client::PtyClient;

use crate::common::Mux;

/// Real tmux 3.3a (first) and our tmate (second), each with a client, driven alike.
pub struct Pair {
    pub muxes: [Mux; 2],
    pub clients: Vec<PtyClient>,
}

impl Pair {
    /// tmux and tmate with the same config, a session `main`, and a client attached to each.
    pub async fn start(config: &str, cols: u16, rows: u16, command: Option<&str>) -> Pair {
        let muxes = [
            Mux::tmux().with_config(config),
            Mux::tmate().with_config(config),
        ];
        let mut clients = Vec::new();
        for m in &muxes {
            // Named windows: automatic names depend on process timing and differ (sh -c).
            let mut args = vec!["new-session", "-d", "-s", "main", "-n", "w0"];
            args.extend(command);
            m.run(&args);
            let mut c = m.attach_client(cols, rows);
            c.wait_for("the first frame in raw mode", |c| {
                c.is_raw() && !c.screen.screen().contents().is_empty()
            })
            .await;
            clients.push(c);
        }
        Pair { muxes, clients }
    }

    /// [`Pair::start`] at 80x24, waited on until both draw the status line of window 0.
    pub async fn start_shown(config: &str, command: Option<&str>) -> Pair {
        let mut p = Pair::start(config, 80, 24, command).await;
        p.status("the status line", |r| r.starts_with("[main] 0:w0*"))
            .await;
        p
    }

    pub async fn send(&mut self, bytes: &[u8]) {
        for c in &mut self.clients {
            c.type_bytes(bytes).await;
        }
    }

    /// Type keys that open a prompt and wait for it on both (tmux runs a key's command after
    /// the rest of the keys read with it, so a user waits to see the prompt before typing).
    pub async fn open(&mut self, keys: &[u8], prompt: &str) {
        self.send(keys).await;
        self.status("the prompt", |r| r.starts_with(prompt)).await;
    }

    /// Wait until the status row (the last row) satisfies `check` on both, then compare it.
    pub async fn status(&mut self, what: &str, check: impl Fn(&str) -> bool) -> String {
        for c in &mut self.clients {
            c.wait_for(what, |c| check(&c.last_row())).await;
        }
        let rows = self.clients[0].rows();
        // A client seen satisfying `check` may be mid-frame when the other one is (tmux
        // clears the screen before drawing it again): wait until both rows hold and agree,
        // then compare (failing with both screens once the deadline passes).
        let deadline = Instant::now() + crate::common::DEADLINE;
        while Instant::now() < deadline {
            let agree =
                self.clients[0].styled_row(rows - 1) == self.clients[1].styled_row(rows - 1);
            if agree && self.clients.iter().all(|c| check(&c.last_row())) {
                break;
            }
            for c in &mut self.clients {
                c.pump(Duration::from_millis(50)).await;
            }
        }
        self.same_rows(rows - 1..rows, what);
        self.clients[1].last_row()
    }

    /// Until both clients' screen text satisfies `check`.
    pub async fn wait_text_by(&mut self, what: &str, check: impl Fn(&str) -> bool) {
        for c in &mut self.clients {
            c.wait_text(what, &check).await;
        }
    }

    /// Until both clients' screens show `text`.
    pub async fn wait_text(&mut self, what: &str, text: &str) {
        self.wait_text_by(what, |t| t.contains(text)).await;
    }

    /// Until `text` is gone from both clients' screens.
    pub async fn wait_gone(&mut self, what: &str, text: &str) {
        self.wait_text_by(what, |t| !t.contains(text)).await;
    }

    /// Both screens' rows in `range` must be the same, text and style.
    pub fn same_rows(&self, range: std::ops::Range<u16>, what: &str) {
        for row in range {
            assert_eq!(
                self.clients[1].styled_row(row),
                self.clients[0].styled_row(row),
                "{what}: row {row} differs (left tmate, right tmux)\ntmate:\n{}\ntmux:\n{}",
                self.clients[1].screen.screen().contents(),
                self.clients[0].screen.screen().contents(),
            );
        }
    }

    /// Until both clients draw the same rows `0..rows` (all rows when `None`); then compared,
    /// failing with both screens once `DEADLINE` passes.
    pub async fn same_screens(&mut self, rows: Option<u16>, what: &str) {
        let rows = rows.unwrap_or_else(|| self.clients[0].rows());
        let deadline = Instant::now() + crate::common::DEADLINE;
        loop {
            let differs =
                (0..rows).any(|r| self.clients[0].styled_row(r) != self.clients[1].styled_row(r));
            if !differs {
                return;
            }
            if Instant::now() > deadline {
                self.same_rows(0..rows, what);
            }
            for c in &mut self.clients {
                c.pump(Duration::from_millis(50)).await;
            }
        }
    }

    /// Until both screens' text satisfies `check`, then [`Pair::same_screens`] on every row
    /// (a screen may still be arriving after the text shows).
    pub async fn same_screens_when(&mut self, what: &str, check: impl Fn(&str) -> bool) {
        self.wait_text_by(what, check).await;
        self.same_screens(None, what).await;
    }

    /// The same command from a command client on both, not waited for (one that waits for
    /// what it opened to close, as display-menu and display-popup): see `common::reap`.
    pub fn spawn_both(&self, args: &[&str]) -> Vec<std::process::Child> {
        self.muxes
            .iter()
            .map(|m| m.command(args).spawn().unwrap())
            .collect()
    }

    /// The same command's output from both.
    pub fn run_both(&self, args: &[&str]) -> String {
        let a = self.muxes[0].run(args);
        let b = self.muxes[1].run(args);
        assert_eq!(b, a, "{args:?}: tmate (left) differs from tmux (right)");
        b
    }

    pub fn wait_both(&self, args: &[&str], what: &str, check: impl Fn(&str) -> bool) {
        for m in &self.muxes {
            m.wait_for(args, what, &check);
        }
    }
}
