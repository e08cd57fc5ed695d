//! An attached client on a pty (ours or real tmux 3.3a), its output parsed with vt100, and
//! screen rows as text plus colours and attributes for comparing the two.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::time::Instant;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::common::{DEADLINE, Mux};

pub struct Client {
    pub pty: pty_process::Pty,
    pub child: tokio::process::Child,
    pub screen: vt100::Parser,
    pub exited: bool,
    pub name: &'static str,
}

impl Client {
    pub fn attach(m: &Mux, cols: u16, rows: u16) -> Client {
        Client::run(m, cols, rows, &["attach", "-t", "main"])
    }

    /// A client running `args` (e.g. `new-session`), attached on a pty.
    pub fn run(m: &Mux, cols: u16, rows: u16, args: &[&str]) -> Client {
        let (pty, child) = crate::common::spawn_on_pty(m, cols, rows, args);
        Client {
            pty,
            child,
            screen: vt100::Parser::new(rows.try_into().unwrap(), cols.try_into().unwrap(), 0),
            exited: false,
            name: if m.is_tmux { "tmux" } else { "tmate" },
        }
    }

    pub async fn send(&mut self, bytes: &[u8]) {
        self.pty.write_all(bytes).await.unwrap();
    }

    /// Read output until `check` holds for the screen (generous deadline).
    pub async fn wait_for(&mut self, what: &str, check: impl Fn(&Client) -> bool) {
        let deadline = Instant::now() + DEADLINE;
        let mut buf = vec![0u8; 65536];
        while !check(self) {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero() && !self.exited,
                "{}: never saw {what}; screen:\n{}",
                self.name,
                self.screen.screen().contents()
            );
            // Short reads: some conditions (raw mode) change without output.
            let slice = left.min(std::time::Duration::from_millis(50));
            match tokio::time::timeout(slice, self.pty.read(&mut buf)).await {
                Ok(Ok(0)) | Ok(Err(_)) => self.exited = true,
                Ok(Ok(n)) => self.screen.process(&buf[..n]),
                Err(_) => {}
            }
        }
    }

    /// The client has put its terminal in raw mode (keys typed before that are echoed by the
    /// pty and may be lost).
    pub fn is_raw(&self) -> bool {
        rustix::termios::tcgetattr(&self.pty)
            .is_ok_and(|t| !t.local_modes.contains(rustix::termios::LocalModes::ICANON))
    }

    pub fn rows(&self) -> u16 {
        self.screen.screen().size().0.into()
    }

    pub fn row(&self, row: u16) -> String {
        let cols: u16 = self.screen.screen().size().1.into();
        self.screen
            .screen()
            .contents_between(row, 0, row, cols)
            .trim_end()
            .to_string()
    }

    pub fn last_row(&self) -> String {
        self.row(self.rows() - 1)
    }

    /// A row cell by cell: `text fg bg` plus `B` bold, `R` reverse, `U` underline, `I` italics, runs of equal cells
    /// merged, so two screens can be compared with a readable difference.
    pub fn styled_row(&self, row: u16) -> String {
        let screen = self.screen.screen();
        let cols: u16 = screen.size().1.into();
        let mut out = String::new();
        let mut last_attr = String::new();
        for col in 0..cols {
            let Some(cell) = screen.cell(row, col) else {
                continue;
            };
            let attr = format!(
                "{:?}/{:?}{}{}{}{}",
                cell.fgcolor(),
                cell.bgcolor(),
                if cell.bold() { " B" } else { "" },
                if cell.inverse() { " R" } else { "" },
                if cell.underline() { " U" } else { "" },
                if cell.italic() { " I" } else { "" }
            );
            if attr != last_attr {
                out.push_str(&format!("<{attr}>"));
                last_attr = attr;
            }
            let text = cell.contents();
            out.push_str(if text.is_empty() { " " } else { text });
        }
        out
    }
}

/// Real tmux 3.3a (first) and our tmate (second), each with a client, driven alike.
pub struct Pair {
    pub muxes: [Mux; 2],
    pub clients: Vec<Client>,
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
            let mut c = Client::attach(m, cols, rows);
            c.wait_for("the first frame in raw mode", |c| {
                c.is_raw() && !c.screen.screen().contents().is_empty()
            })
            .await;
            clients.push(c);
        }
        Pair { muxes, clients }
    }

    pub async fn send(&mut self, bytes: &[u8]) {
        for c in &mut self.clients {
            c.send(bytes).await;
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
        self.same_rows(rows - 1..rows, what);
        self.clients[1].last_row()
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
