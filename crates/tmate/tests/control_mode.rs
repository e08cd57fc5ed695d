//! Control mode (`-C`, `-CC`) against tmux 3.3a: the same lines on the standard input of
//! `tmux -C` and `tmate -C`, standard output compared line by line (times and numbers in
//! `%begin`/`%end`/`%error` and the `$ @ %` ids normalised, `%output` compared as the pane's
//! escaped text), waiting on the notification each step is expected to bring.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test stops on what it did not expect"
)]

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::process::{Child, ChildStdin, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{DEADLINE, Mux};

/// One control client: its stdin, and its stdout read line by line by a thread.
struct Control {
    name: &'static str,
    child: Child,
    stdin: Option<ChildStdin>,
    lines: mpsc::Receiver<String>,
    /// Lines other than `%output` since the last `take`.
    seen: Vec<String>,
    /// `%output` payloads by pane, escaped as sent.
    output: BTreeMap<String, String>,
    /// Marker count for `sync`.
    marks: u32,
}

impl Control {
    fn start(mux: &Mux, args: &[&str]) -> Control {
        let mut full = vec!["-C"];
        full.extend_from_slice(args);
        let mut child = mux
            .command(&full)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).split(b'\n') {
                let Ok(line) = line else { break };
                if tx
                    .send(String::from_utf8_lossy(&line).into_owned())
                    .is_err()
                {
                    break;
                }
            }
        });
        Control {
            name: if mux.is_tmux { "tmux" } else { "tmate" },
            stdin: child.stdin.take(),
            child,
            lines,
            seen: Vec::new(),
            output: BTreeMap::new(),
            marks: 0,
        }
    }

    fn send(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().unwrap();
        stdin.write_all(format!("{line}\n").as_bytes()).unwrap();
        stdin.flush().unwrap();
    }

    /// Read lines until `done` holds for what was seen (`%output` kept apart).
    fn until(&mut self, what: &str, done: impl Fn(&Control) -> bool) {
        let deadline = Instant::now() + DEADLINE;
        while !done(self) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self
                .lines
                .recv_timeout(left.min(Duration::from_millis(200)))
            {
                Ok(line) => self.keep(line),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    assert!(
                        done(self),
                        "{}: output ended before {what}: {:#?}",
                        self.name,
                        self.seen
                    );
                    return;
                }
            }
            assert!(
                Instant::now() < deadline,
                "{}: never saw {what}; saw {:#?} and output {:#?}",
                self.name,
                self.seen,
                self.output
            );
        }
    }

    fn keep(&mut self, line: String) {
        if let Some(rest) = line.strip_prefix("%output ") {
            let (pane, data) = rest.split_once(' ').unwrap_or((rest, ""));
            self.output
                .entry(pane.to_string())
                .or_default()
                .push_str(data);
        } else {
            self.seen.push(line);
        }
    }

    fn saw(&self, prefix: &str) -> bool {
        self.seen.iter().any(|l| l.starts_with(prefix))
    }

    /// Runs a marker command and waits for its block: everything before it has arrived.
    /// Returns the lines seen before the marker, normalised, and forgets them.
    fn sync(&mut self) -> Vec<String> {
        self.marks += 1;
        let mark = format!("mark-{}", self.marks);
        self.send(&format!("display-message -p {mark}"));
        self.until(&mark, |c| {
            c.seen
                .iter()
                .position(|l| *l == mark)
                .is_some_and(|i| c.seen.get(i + 1).is_some_and(|e| e.starts_with("%end")))
        });
        let at = self.seen.iter().position(|l| *l == mark).unwrap();
        // The marker's own %begin is the line before it.
        let before: Vec<String> = self.seen.drain(..at + 2).take(at - 1).collect();
        before.iter().map(|l| normalise(l)).collect()
    }

    /// Closes stdin and waits for the client to end; the lines it printed after.
    fn finish(&mut self) -> Vec<String> {
        self.stdin = None;
        self.until("the end of output", |c| c.saw("%exit"));
        let deadline = Instant::now() + DEADLINE;
        while self.child.try_wait().unwrap().is_none() {
            assert!(Instant::now() < deadline, "{}: did not exit", self.name);
            std::thread::sleep(Duration::from_millis(20));
        }
        std::mem::take(&mut self.seen)
            .iter()
            .map(|l| normalise(l))
            .collect()
    }
}

impl Drop for Control {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `%begin TIME NUMBER FLAGS` as `%begin FLAGS` (and `%end`, `%error`).
fn normalise(line: &str) -> String {
    let words: Vec<&str> = line.split(' ').collect();
    match words.as_slice() {
        [guard @ ("%begin" | "%end" | "%error"), _, _, flags] => format!("{guard} {flags}"),
        _ => line.to_string(),
    }
}

/// Both sides, the same steps.
struct Pair {
    tmux: Control,
    tmate: Control,
    _muxes: (Mux, Mux),
}

impl Pair {
    fn start(args: &[&str]) -> Pair {
        // tmux renames a new window after its forked child (`tmux`) now and then before the
        // shell runs: automatic renames would race the comparison.
        let config = "set -g automatic-rename off\n";
        let (a, b) = (
            Mux::tmux().with_config(config),
            Mux::tmate().with_config(config),
        );
        Pair {
            tmux: Control::start(&a, args),
            tmate: Control::start(&b, args),
            _muxes: (a, b),
        }
    }

    /// Sends `line` to both, waits on `what` in both, then compares everything printed up
    /// to a marker.
    fn step(&mut self, line: &str, what: &str, done: impl Fn(&Control) -> bool + Copy) {
        for c in [&mut self.tmux, &mut self.tmate] {
            if !line.is_empty() {
                c.send(line);
            }
            c.until(what, done);
        }
        let (a, b) = (self.tmux.sync(), self.tmate.sync());
        assert_eq!(a, b, "after {line:?}: tmux (left) and tmate (right) differ");
    }
}

/// A block that ended (either way) `n` times.
fn blocks(n: usize) -> impl Fn(&Control) -> bool + Copy {
    move |c| {
        c.seen
            .iter()
            .filter(|l| l.starts_with("%end") || l.starts_with("%error"))
            .count()
            >= n
    }
}

fn saw(prefix: &'static str) -> impl Fn(&Control) -> bool + Copy {
    move |c| c.saw(prefix)
}

fn saw_twice(prefix: &'static str) -> impl Fn(&Control) -> bool + Copy {
    move |c| c.seen.iter().filter(|l| l.starts_with(prefix)).count() >= 2
}

#[test]
fn commands_errors_and_notifications_match_tmux() {
    let mut p = Pair::start(&["new-session", "-x", "80", "-y", "24"]);
    p.step("", "the session", saw("%session-changed"));
    p.step("list-windows", "its block", blocks(1));
    p.step("bogus", "the error", blocks(1));
    p.step("split-window -Q", "the error", blocks(1));
    p.step("kill-window -t 9", "the error", blocks(1));
    p.step(
        "list-sessions -F '#{session_name}'; display -p x",
        "two blocks",
        blocks(2),
    );
    p.step("split-window", "the new layout", saw("%layout-change"));
    p.step(
        "select-pane -t 0",
        "the active pane",
        saw("%window-pane-changed"),
    );
    p.step("new-window -n foo", "the new window", saw("%window-add"));
    p.step("rename-window bar", "the rename", saw("%window-renamed"));
    p.step(
        "refresh-client -C 100x30",
        "both layouts",
        saw_twice("%layout-change"),
    );
    p.step("refresh-client -C 0x5", "the error", blocks(1));
    p.step("rename-session xx", "the rename", saw("%session-renamed"));
    p.step(
        "new-session -d -s other",
        "the new session",
        saw("%sessions-changed"),
    );
    p.step(
        "attach -t other",
        "the session change",
        saw("%session-changed"),
    );
    p.step(
        "kill-window -t xx:0",
        "the close",
        saw("%unlinked-window-close"),
    );
    p.step("copy-mode -t xx:1", "the mode", saw("%pane-mode-changed"));
    p.step("clock-mode -t xx:1", "the clock", saw("%pane-mode-changed"));
    let (a, b) = (p.tmux.finish(), p.tmate.finish());
    assert_eq!(a, b, "at the end of input");
    assert_eq!(b, ["%exit"]);
}

/// tmux 3.3a tells a control client of each window-layout-changed, window-pane-changed,
/// session-window-changed and pane-mode-changed raised (select-layout twice, a command list
/// selecting two windows twice), in the window's state once the command is done, and not of
/// layouts changed without one (rotate-window).
#[test]
fn each_notification_raised_is_told_as_tmux() {
    let mut p = Pair::start(&["new-session", "-x", "80", "-y", "24"]);
    p.step("", "the session", saw("%session-changed"));
    for line in [
        "split-window",
        "split-window -h",
        "select-layout even-horizontal",
        "next-layout",
        "resize-pane -L 3",
        "resize-pane -Z",
        "select-pane -t 0",
        "swap-pane -d -s 0 -t 1",
        "rotate-window",
        "kill-pane -t 2",
        "new-window -d",
        "select-window -t 1; select-window -t 0",
        "copy-mode; send -X cancel",
        "resize-window -x 60 -y 20",
    ] {
        p.step(line, "its blocks", blocks(line.matches(';').count() + 1));
    }
}

#[test]
fn output_after_send_keys_matches_tmux() {
    let mut p = Pair::start(&["new-session", "-x", "80", "-y", "24"]);
    p.step("", "the session", saw("%session-changed"));
    // dash prints `# ` for root whatever PS1 says, `$ ` otherwise: the same on both sides.
    let prompt = if rustix::process::getuid().is_root() {
        "# "
    } else {
        "$ "
    };
    let escaped = format!("hi\\015\\012{prompt}");
    for c in [&mut p.tmux, &mut p.tmate] {
        // The first prompt, then the command's echo and output.
        c.until("the prompt", |c| {
            c.output.get("%0").is_some_and(|o| o.ends_with(prompt))
        });
        c.output.clear();
        c.send("send-keys 'echo hi' Enter");
        c.until("the output", |c| {
            c.output.get("%0").is_some_and(|o| o.contains(&escaped))
        });
    }
    assert_eq!(p.tmux.output, p.tmate.output);
    assert_eq!(
        p.tmate.output.get("%0").map(String::as_str),
        Some(format!("echo hi\\015\\012{escaped}").as_str())
    );
    let (a, b) = (p.tmux.sync(), p.tmate.sync());
    assert_eq!(a, b);
    // An empty line detaches, as the end of input does.
    for c in [&mut p.tmux, &mut p.tmate] {
        c.send("");
    }
    let (a, b) = (p.tmux.finish(), p.tmate.finish());
    assert_eq!(a, b);
}

#[test]
fn attach_tells_the_session_and_no_output_silences_panes() {
    let (a, b) = (Mux::tmux(), Mux::tmate());
    for m in [&a, &b] {
        m.run(&["new-session", "-d", "-s", "work", "-x", "80", "-y", "24"]);
    }
    let mut p = Pair {
        tmux: Control::start(&a, &["attach", "-t", "work"]),
        tmate: Control::start(&b, &["attach", "-t", "work"]),
        _muxes: (a, b),
    };
    p.step("", "the session", saw("%session-changed"));
    p.step("refresh-client -f no-output", "its block", blocks(1));
    for c in [&mut p.tmux, &mut p.tmate] {
        c.output.clear();
        c.send("send-keys 'echo quiet' Enter");
    }
    p.step("display -p done", "its block", blocks(1));
    for c in [&p.tmux, &p.tmate] {
        assert!(c.output.is_empty(), "{}: {:?}", c.name, c.output);
    }
    let (a, b) = (p.tmux.finish(), p.tmate.finish());
    assert_eq!(a, b);
}

/// `-CC` opens tmux's DCS (`\033P1000p`) before anything and closes it (`\033\\`) after
/// `%exit`, as tmux 3.3a's control.c and client.c do (tmux itself needs a terminal for
/// `-CC`, so this checks ours alone, on a pipe).
#[test]
fn double_c_wraps_output_in_a_dcs() {
    let mux = Mux::tmate();
    let out = mux
        .command(&["-CC", "new-session", "-d", "-x", "80", "-y", "24"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("\x1bP1000p%begin "), "{text:?}");
    assert!(text.ends_with("%exit\n\x1b\\"), "{text:?}");
}

/// Another client attaching and going away: `%client-session-changed NAME $0 0` and
/// `%client-detached NAME`, as tmux 3.3a tells its control clients (the names, the other
/// client's terminal paths, are written NAME).
#[tokio::test(flavor = "multi_thread")]
async fn other_clients_coming_and_going_match_tmux() {
    let mut p = Pair::start(&["new-session", "-x", "80", "-y", "24"]);
    p.step("", "the session", saw("%session-changed"));
    let mask = |lines: Vec<String>| -> Vec<String> {
        lines
            .into_iter()
            .map(|l| {
                l.split(' ')
                    .map(|w| if w.starts_with("/dev/") { "NAME" } else { w })
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    };
    let clients = [&p._muxes.0, &p._muxes.1].map(|m| m.client_on_pty(80, 24, &["attach"]));
    for c in [&mut p.tmux, &mut p.tmate] {
        c.until("the other client", saw("%client-session-changed"));
    }
    let (a, b) = (mask(p.tmux.sync()), mask(p.tmate.sync()));
    assert_eq!(a, b, "attaching: tmux (left) and tmate (right) differ");
    assert!(
        a.iter().any(|l| l == "%client-session-changed NAME $0 0"),
        "{a:?}"
    );
    drop(clients);
    for c in [&mut p.tmux, &mut p.tmate] {
        c.until("the other client gone", saw("%client-detached"));
    }
    let (a, b) = (mask(p.tmux.sync()), mask(p.tmate.sync()));
    assert_eq!(a, b, "detaching: tmux (left) and tmate (right) differ");
}

/// link-window and unlink-window: each link made or dropped is told (`%window-add`,
/// `%window-close`), and killing a window linked twice closes both links.
#[test]
fn links_made_and_dropped_match_tmux() {
    let mut p = Pair::start(&["new-session", "-x", "80", "-y", "24"]);
    p.step("", "the session", saw("%session-changed"));
    p.step("new-window -d", "the new window", saw("%window-add"));
    p.step("link-window -d -s 1 -t 5", "the link", saw("%window-add"));
    p.step("unlink-window -t 5", "the unlink", saw("%window-close"));
    p.step("link-window -d -s 1 -t 6", "the link", saw("%window-add"));
    p.step(
        "kill-window -t 6",
        "both closes",
        saw_twice("%unlinked-window-close"),
    );
    let (a, b) = (p.tmux.finish(), p.tmate.finish());
    assert_eq!(a, b, "at the end of input");
}

/// A control client's `switch-client` without `-c` moves the control client itself, as tmux
/// 3.3a's (its own client is the command's), even with another client attached and more
/// recently active; `-c` names another client to move.
#[tokio::test(flavor = "multi_thread")]
async fn switch_client_moves_the_control_client() {
    let mut p = Pair::start(&["new-session", "-s", "main", "-x", "80", "-y", "24"]);
    p.step("", "the session", saw("%session-changed"));
    p.step(
        "new-session -d -s other",
        "the new session",
        saw("%sessions-changed"),
    );
    let mut clients =
        [&p._muxes.0, &p._muxes.1].map(|m| m.client_on_pty(80, 24, &["attach", "-t", "main"]));
    for c in [&mut p.tmux, &mut p.tmate] {
        c.until("the other client", saw("%client-session-changed"));
    }
    // The other client typed last: the most recently active one.
    for c in &mut clients {
        c.type_bytes(b"x").await;
    }
    let (a, b) = (p.tmux.sync(), p.tmate.sync());
    assert_eq!(a.len(), b.len(), "attaching: tmux {a:?}, tmate {b:?}");
    p.step(
        "switch-client -t other",
        "the control client moved",
        saw("%session-changed"),
    );
    let who = "list-clients -F '#{client_control_mode} #{session_name}'";
    p.step(who, "its block", blocks(1));
}
