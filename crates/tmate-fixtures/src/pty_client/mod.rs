//! Owns programs run on a pseudo-terminal for tests and the bench: an attached `tmate`/`tmux`
//! client or an `ssh` viewer whose output feeds a vt100 screen that tests read and wait on
//! ([`PtyClient`]), and, for the bench, a blocking variant that timestamps when a pattern shows
//! up in the stripped text ([`timed::Term`], [`text`]).

pub mod text;
pub mod timed;

use std::process::Command;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::{DEADLINE, nonzero};

/// How long one read waits before the condition is checked again: some conditions (the
/// terminal in raw mode) change without output.
const READ_SLICE: Duration = Duration::from_millis(50);

/// `cmd`'s program, arguments and environment (its removals too), not its working directory,
/// run on a new pty of this size with `TERM=xterm-256color`; the child is killed when dropped.
pub fn spawn_on_pty(
    cmd: &Command,
    cols: u16,
    rows: u16,
) -> (pty_process::Pty, tokio::process::Child) {
    let (pty, pts) = pty_process::open().expect("openpty");
    pty.resize(pty_process::Size::new(rows, cols))
        .expect("pty size");
    let mut child = pty_process::Command::new(cmd.get_program()).args(cmd.get_args());
    for (k, v) in cmd.get_envs() {
        child = match v {
            Some(v) => child.env(k, v),
            None => child.env_remove(k),
        };
    }
    let child = child
        .env("TERM", "xterm-256color")
        .kill_on_drop(true)
        .spawn(pts)
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", cmd.get_program().display()));
    (pty, child)
}

/// A program on a pty whose output is drawn on a vt100 screen.
pub struct PtyClient {
    pub pty: pty_process::Pty,
    pub child: tokio::process::Child,
    pub screen: vt100::Parser,
    /// Every byte read so far.
    pub raw: Vec<u8>,
    /// The pty hung up (the program and its children closed it).
    pub exited: bool,
    /// Names the client in failure messages (`tmux`, `tmate`, `viewer`).
    pub name: String,
}

/// A client whose output is read and dropped in the background (it must be drained so that it
/// never blocks on a full pty); killed, and the reader stopped, when dropped.
pub struct Drained {
    pub child: tokio::process::Child,
    reader: tokio::task::JoinHandle<()>,
}

impl Drop for Drained {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

/// OpenSSH's options for a test viewer: a pty, no config file, any host key, nothing written
/// to known hosts, no prompts, errors only.
pub const SSH_VIEWER_OPTIONS: &[&str] = &[
    "-tt",
    "-F",
    "/dev/null",
    "-o",
    "StrictHostKeyChecking=no",
    "-o",
    "UserKnownHostsFile=/dev/null",
    "-o",
    "LogLevel=ERROR",
    "-o",
    "BatchMode=yes",
];

impl PtyClient {
    /// `cmd` on a pty of this size (see [`spawn_on_pty`]).
    pub fn spawn(cmd: &Command, cols: u16, rows: u16, name: &str) -> PtyClient {
        let (pty, child) = spawn_on_pty(cmd, cols, rows);
        PtyClient {
            pty,
            child,
            screen: vt100::Parser::new(nonzero(rows), nonzero(cols), 0),
            raw: Vec::new(),
            exited: false,
            name: name.to_string(),
        }
    }

    /// OpenSSH joining with `ssh -pPORT TOKEN@HOST` exactly as a host printed it (no config
    /// file, any host key, no prompts), `extra` options before the destination.
    pub fn ssh(ssh_command: &str, cols: u16, rows: u16, extra: &[&str]) -> PtyClient {
        let words: Vec<&str> = ssh_command.split_whitespace().collect();
        assert_eq!(words.first(), Some(&"ssh"), "{ssh_command}");
        let mut cmd = Command::new("ssh");
        cmd.args(SSH_VIEWER_OPTIONS).args(extra).args(&words[1..]);
        PtyClient::spawn(&cmd, cols, rows, "viewer")
    }

    /// Type (write) `bytes` to the program.
    pub async fn type_bytes(&mut self, bytes: &[u8]) {
        self.pty.write_all(bytes).await.expect("write to the pty");
    }

    /// Read and draw whatever arrives within `limit` (one read).
    pub async fn pump(&mut self, limit: Duration) {
        let mut buf = vec![0u8; 65536];
        match tokio::time::timeout(limit, self.pty.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => self.exited = true,
            Ok(Ok(n)) => {
                self.screen.process(&buf[..n]);
                self.raw.extend_from_slice(&buf[..n]);
            }
            Err(_) => {}
        }
    }

    /// Read output until `check` holds for the client (deadline [`DEADLINE`]); fails the test
    /// with the screen when the deadline passes or the program hangs up first.
    pub async fn wait_for(&mut self, what: &str, check: impl Fn(&PtyClient) -> bool) {
        let deadline = Instant::now() + DEADLINE;
        while !check(self) {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero() && !self.exited,
                "{}: never saw {what}{}; screen:\n{}",
                self.name,
                if self.exited { " (it exited)" } else { "" },
                self.screen.screen().contents()
            );
            self.pump(left.min(READ_SLICE)).await;
        }
    }

    /// As [`PtyClient::wait_for`], on the screen's text.
    pub async fn wait_text(&mut self, what: &str, check: impl Fn(&str) -> bool) {
        self.wait_for(what, |c| check(&c.screen.screen().contents()))
            .await;
    }

    /// As [`PtyClient::wait_for`], on the screen.
    pub async fn wait_screen(&mut self, what: &str, check: impl Fn(&vt100::Screen) -> bool) {
        self.wait_for(what, |c| check(c.screen.screen())).await;
    }

    /// Wait for the program to hang up the pty and exit; the output after the last wait.
    pub async fn wait_exit(&mut self) -> String {
        let mut buf = vec![0u8; 65536];
        let mut tail = Vec::new();
        let deadline = Instant::now() + DEADLINE;
        while !self.exited {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "{} did not exit", self.name);
            match tokio::time::timeout(left, self.pty.read(&mut buf)).await {
                Ok(Ok(0)) | Ok(Err(_)) => self.exited = true,
                Ok(Ok(n)) => tail.extend_from_slice(&buf[..n]),
                Err(_) => {}
            }
        }
        tokio::time::timeout(DEADLINE, self.child.wait())
            .await
            .unwrap_or_else(|_| panic!("{} exits", self.name))
            .expect("wait for the child");
        String::from_utf8_lossy(&tail).into_owned()
    }

    /// Resize the pty (the program gets SIGWINCH) and the screen.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        self.pty
            .resize(pty_process::Size::new(rows, cols))
            .expect("pty size");
        self.screen
            .screen_mut()
            .set_size(nonzero(rows), nonzero(cols));
    }

    /// Stop reading the screen: drain the output in the background from now on.
    pub fn drain(self) -> Drained {
        let (mut read, _write) = self.pty.into_split();
        let reader = tokio::spawn(async move {
            let mut sink = vec![0u8; 16384];
            while read.read(&mut sink).await.is_ok_and(|n| n > 0) {}
        });
        Drained {
            child: self.child,
            reader,
        }
    }

    /// The program has put its terminal in raw mode (keys typed before that are echoed by the
    /// pty and may be lost).
    pub fn is_raw(&self) -> bool {
        rustix::termios::tcgetattr(&self.pty)
            .is_ok_and(|t| !t.local_modes.contains(rustix::termios::LocalModes::ICANON))
    }

    pub fn rows(&self) -> u16 {
        self.screen.screen().size().0.into()
    }

    /// Row `row`'s text, trailing blanks trimmed.
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

    /// A row cell by cell: `text fg bg` plus `B` bold, `R` reverse, `U` underline, `I` italics,
    /// runs of equal cells merged, so two screens can be compared with a readable difference.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_program_on_a_pty_is_drawn_and_waited_for() {
        let mut cmd = Command::new("/bin/sh");
        cmd.args([
            "-c",
            "printf 'one\\r\\n\\033[1mtwo\\033[m'; read line; echo got-$line",
        ])
        .env_remove("ENV");
        let mut c = PtyClient::spawn(&cmd, 20, 5, "sh");
        c.wait_text("the output", |t| t.contains("two")).await;
        assert_eq!(c.row(0), "one");
        assert!(c.styled_row(1).contains(" B>two"), "{}", c.styled_row(1));
        c.type_bytes(b"x\r").await;
        c.wait_for("the answer", |c| c.row(2) == "got-x").await;
        c.resize(30, 6);
        assert_eq!(c.rows(), 6);
        c.wait_exit().await;
        assert!(c.exited);
    }

    #[tokio::test]
    async fn a_drained_client_does_not_block() {
        let mut cmd = Command::new("/bin/sh");
        cmd.args([
            "-c",
            "head -c 1000000 /dev/zero | tr '\\0' x; echo; echo done",
        ]);
        let mut drained = PtyClient::spawn(&cmd, 80, 24, "sh").drain();
        let status = tokio::time::timeout(DEADLINE, drained.child.wait())
            .await
            .expect("the writer finishes")
            .expect("wait");
        assert!(status.success());
    }
}
