//! Test harness: the same command sequence against real tmux 3.3a and our tmate, each on a
//! private socket in its own temp dir, killed when dropped; polling waits with deadlines;
//! clients attached on ptys through the shared kit (`tmate_fixtures::pty_client`).
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

pub use tmate_fixtures::DEADLINE;
use tmate_fixtures::pty_client::PtyClient;

pub struct Mux {
    pub program: PathBuf,
    pub sock_args: Vec<String>,
    pub dir: tempfile::TempDir,
    pub is_tmux: bool,
    /// Our tmate shares through its embedded relay unless told not to; tests that compare the
    /// multiplexer with tmux turn that off (TMATE_EMBEDDED_RELAY=0).
    pub embedded_relay: bool,
}

impl Mux {
    pub fn tmux() -> Mux {
        let dir = tempfile::tempdir().unwrap();
        let label = format!(
            "tmatetest{}",
            dir.path().file_name().unwrap().to_string_lossy()
        );
        Mux {
            program: "tmux".into(),
            sock_args: vec!["-L".into(), label, "-f".into(), "/dev/null".into()],
            dir,
            is_tmux: true,
            embedded_relay: false,
        }
    }

    pub fn tmate() -> Mux {
        let dir = tempfile::tempdir().unwrap();
        let sock = dir.path().join("s").to_string_lossy().into_owned();
        Mux {
            program: env!("CARGO_BIN_EXE_tmate").into(),
            sock_args: vec!["-S".into(), sock, "-f".into(), "/dev/null".into()],
            dir,
            is_tmux: false,
            embedded_relay: false,
        }
    }

    /// Start the server with this config text instead of `/dev/null` (written in the temp dir).
    pub fn with_config(mut self, text: &str) -> Mux {
        let path = self.dir.path().join("test.conf");
        std::fs::write(&path, text).unwrap();
        if let Some(pos) = self.sock_args.iter().position(|a| a == "-f") {
            self.sock_args[pos + 1] = path.to_string_lossy().into_owned();
        }
        self
    }

    /// Let the server start its embedded relay (the default for users).
    pub fn with_embedded_relay(mut self) -> Mux {
        self.embedded_relay = true;
        self
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(&self.program);
        if !self.embedded_relay {
            c.env("TMATE_EMBEDDED_RELAY", "0");
        }
        c.args(&self.sock_args)
            .args(args)
            .env_remove("TMUX")
            .env_remove("TMUX_PANE")
            .env_remove("ENV")
            .env("HOME", self.dir.path())
            .env("SHELL", "/bin/sh")
            .env("PS1", "$ ")
            .env("TMUX_TMPDIR", self.dir.path())
            .current_dir(self.dir.path())
            .stdin(Stdio::null());
        c
    }

    pub fn run_output(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    /// Run a command that must succeed; its stdout.
    pub fn run(&self, args: &[&str]) -> String {
        let out = self.run_output(args);
        assert!(
            out.status.success(),
            "{} {:?} failed: {}",
            self.program.display(),
            args,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Poll `args` until its output satisfies `check`; the last output.
    pub fn wait_for(&self, args: &[&str], what: &str, check: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let out = self.run(args);
            if check(&out) {
                return out;
            }
            assert!(
                Instant::now() < deadline,
                "{}: never saw {what}; last:\n{out}",
                self.program.display()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Poll `args` until it fails (the server has gone, say).
    pub fn wait_for_failure(&self, args: &[&str], what: &str) {
        let deadline = Instant::now() + DEADLINE;
        while self.run_output(args).status.success() {
            assert!(
                Instant::now() < deadline,
                "{}: never saw {what}",
                self.program.display()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Wait until `program` runs as the pane's process or one of its children: keys sent
    /// before the pane's shell has exec'd its command can be lost while the pane starts.
    pub fn wait_pane_program(&self, target: &str, program: &str) {
        let pid = self.run(&["display-message", "-p", "-t", target, "#{pane_pid}"]);
        let pid = pid.trim().to_owned();
        let comm =
            |pid: &str| std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        let deadline = Instant::now() + DEADLINE;
        loop {
            let children = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
                .unwrap_or_default();
            if std::iter::once(pid.as_str())
                .chain(children.split_whitespace())
                .any(|p| comm(p).trim() == program)
            {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{}: pane {target} (pid {pid}) never ran {program}",
                self.program.display()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Mux {
    fn drop(&mut self) {
        let _ = self
            .command(&["kill-server"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// The exit statuses of command clients spawned without waiting (`Pair::spawn_both`), once
/// each ended; `what` names the command in the failure.
pub fn reap(children: Vec<std::process::Child>, what: &str) -> Vec<Option<i32>> {
    children
        .into_iter()
        .map(|mut c| {
            let deadline = Instant::now() + DEADLINE;
            loop {
                if let Some(status) = c.try_wait().unwrap() {
                    return status.code();
                }
                assert!(Instant::now() < deadline, "{what} never ended");
                std::thread::sleep(Duration::from_millis(20));
            }
        })
        .collect()
}

/// Run the same steps on both; each step's outputs must match.
pub fn compare(steps: &[&[&str]]) {
    let (a, b) = (Mux::tmux(), Mux::tmate());
    for step in steps {
        let (x, y) = (a.run(step), b.run(step));
        assert_eq!(
            y, x,
            "step {step:?}: tmate (left) differs from tmux (right)"
        );
    }
}

/// Run the same steps on both, failures included; each step's exit status, stdout and stderr
/// must match.
#[allow(dead_code, reason = "not every test file compares failing steps")]
pub fn compare_outcomes(steps: &[&[&str]]) {
    compare_outcomes_on(&Mux::tmux(), &Mux::tmate(), steps);
}

/// [`compare_outcomes`] on two servers already set up (a config, earlier steps); each one's
/// temp dir is written `DIR` in what it prints.
#[allow(dead_code, reason = "not every test file compares failing steps")]
pub fn compare_outcomes_on(tmux: &Mux, tmate: &Mux, steps: &[&[&str]]) {
    let outcome = |m: &Mux, step: &[&str]| {
        let dir = m.dir.path().to_string_lossy().into_owned();
        let out = m.run_output(step);
        let text = |b: &[u8]| String::from_utf8_lossy(b).replace(&dir, "DIR");
        (out.status.code(), text(&out.stdout), text(&out.stderr))
    };
    for step in steps {
        let (x, y) = (outcome(tmux, step), outcome(tmate, step));
        assert_eq!(
            y, x,
            "step {step:?}: tmate (left) differs from tmux (right)"
        );
    }
}

impl Mux {
    /// `attach -t main` on a new pty of this size (TERM=xterm-256color), with the harness's
    /// environment; the client is killed when dropped.
    pub fn attach_client(&self, cols: u16, rows: u16) -> PtyClient {
        self.client_on_pty(cols, rows, &["attach", "-t", "main"])
    }

    /// A client running `args` (an attaching command, e.g. `new-session`) on a pty of this size.
    pub fn client_on_pty(&self, cols: u16, rows: u16, args: &[&str]) -> PtyClient {
        let name = if self.is_tmux { "tmux" } else { "tmate" };
        PtyClient::spawn(&self.command(args), cols, rows, name)
    }
}

/// Run a host command that must succeed from async code without stalling the relay
/// (multi-thread runtime); its stdout.
pub fn host_ok(mux: &Mux, args: &[&str]) -> String {
    let out = tokio::task::block_in_place(|| mux.run_output(args));
    assert!(
        out.status.success(),
        "tmate {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
