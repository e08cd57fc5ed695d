//! Our host sharing through our relay (issue 5): an in-process `tmate_relay` on a free loopback
//! port, the host headless on a private socket, russh viewers joining with the printed tokens.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test stops on what it did not expect"
)]

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{DEADLINE, Mux, host_ok};
use tmate_fixtures::relay::{KillableRelay, ScriptedViewer, TestRelay, ssh_login, token_of};
use tmate_relay::HostKeys;

/// Run a host command from async code without stalling the relay (multi-thread runtime).
fn host(mux: &Mux, args: &[&str]) -> std::process::Output {
    tokio::task::block_in_place(|| mux.run_output(args))
}

/// Poll the host's `capture-pane -p` until `check` holds.
fn wait_capture(mux: &Mux, what: &str, check: impl Fn(&str) -> bool) -> String {
    tokio::task::block_in_place(|| mux.wait_for(&["capture-pane", "-p"], what, check))
}

fn has_line(text: &str, line: &str) -> bool {
    text.lines().any(|l| l.trim_end() == line)
}

/// The shell's prompt alone on a line: `$` (PS1 from the test's environment) or `#` (sh as root
/// may keep its own).
fn shows_prompt(text: &str) -> bool {
    has_line(text, "$") || has_line(text, "#")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headless_host_viewers_type_and_see() {
    let relay = TestRelay::start().await;
    let mux = Mux::tmate().with_config(&relay.tmate_conf());
    host_ok(&mux, &["new-session", "-d", "-x", "100", "-y", "30"]);
    host_ok(&mux, &["wait", "tmate-ready"]);
    // Ready is remembered: a second wait returns at once.
    host_ok(&mux, &["wait", "tmate-ready"]);
    let ssh = host_ok(&mux, &["display", "-p", "#{tmate_ssh}"]);
    let ssh = ssh.trim();
    let port = relay.addr.port();
    assert!(
        ssh.starts_with(&format!("ssh -p{port} ")) && ssh.ends_with("@127.0.0.1"),
        "tmate_ssh: {ssh:?}"
    );
    let ro = host_ok(&mux, &["display", "-p", "#{tmate_ssh_ro}"]);
    assert!(
        token_of(ro.trim()).starts_with("ro-"),
        "tmate_ssh_ro: {ro:?}"
    );
    // The relay's notes are in the message log.
    let log = host_ok(&mux, &["show-messages"]);
    assert!(log.contains("[tmate] ssh session: "), "messages: {log}");

    // The prompt itself, not just any output: keys typed before the shell is up can be lost.
    let mut viewer = a_viewer_types_a_line(&mux, relay.addr, ssh).await;

    // A read-only viewer sees the session but its typing goes nowhere; a later read-write
    // line proves the ro input had its chance to arrive.
    let mut ro_viewer = ScriptedViewer::connect(relay.addr, &token_of(ro.trim()), 100, 30).await;
    ro_viewer
        .wait_text("the shared screen", |s| has_line(s, "marker"))
        .await;
    ro_viewer.type_bytes(b"echo rotyped\r").await;
    viewer.type_bytes(b"echo after\r").await;
    let text = wait_capture(&mux, "the rw viewer's second line", |t| {
        has_line(t, "after")
    });
    assert!(
        !text.contains("rotyped"),
        "ro input reached the host:\n{text}"
    );

    // A new window on the host reaches the viewers as a new layout.
    host_ok(&mux, &["new-window"]);
    host_ok(&mux, &["send-keys", "echo second", "Enter"]);
    viewer
        .wait_text("the new window's output", |s| {
            s.lines()
                .any(|l| l.trim_end().ends_with("second") && !l.contains("echo"))
        })
        .await;
    host_ok(&mux, &["kill-server"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_fingerprint_is_refused_with_both_fingerprints() {
    let relay = TestRelay::start().await;
    let real = relay.handle.config().host_keys.ed25519_fingerprint();
    let wrong = "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    let conf = format!(
        "set -g tmate-server-host 127.0.0.1\nset -g tmate-server-port {}\n\
         set -g tmate-server-ed25519-fingerprint {wrong}\n",
        relay.addr.port()
    );
    let mux = Mux::tmate().with_config(&conf);
    host_ok(&mux, &["new-session", "-d"]);
    let started = Instant::now();
    let out = host(&mux, &["wait", "tmate-ready"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "wait tmate-ready succeeded");
    assert!(
        err.contains(wrong) && err.contains(&real),
        "message must name both fingerprints: {err}"
    );
    assert!(started.elapsed() < Duration::from_secs(20));
    // The session itself goes on locally.
    // The prompt itself, not just any output: keys typed before the shell is up can be lost.
    wait_capture(&mux, "the prompt", shows_prompt);
    host_ok(&mux, &["send-keys", "echo local", "Enter"]);
    wait_capture(&mux, "local output", |t| has_line(t, "local"));
}

#[test]
fn wait_without_relay_fails_at_once() {
    let mux = Mux::tmate();
    mux.run(&["new-session", "-d"]);
    let out = mux.run_output(&["wait", "tmate-ready"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("tmate-server-host"));
}

/// Join with `token` until the viewer's screen shows `marker` (the relay may not know the
/// token yet while the host reconnects).
async fn join_when_ready(addr: SocketAddr, token: &str, marker: &str) -> ScriptedViewer {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        assert!(
            Instant::now() < deadline,
            "never joined {token} seeing {marker}"
        );
        let attempt = async {
            let mut v = ScriptedViewer::try_connect(addr, token, 100, 30).await?;
            let until = Instant::now() + Duration::from_secs(3);
            while !v.screen.screen().contents().contains(marker) {
                let left = until.saturating_duration_since(Instant::now());
                if left.is_zero() || v.closed {
                    return None;
                }
                v.pump(left).await;
            }
            Some(v)
        };
        if let Some(v) = attempt.await {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relay_restart_host_reconnects_with_same_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let secret = tmate_relay::load_or_create_secret(dir.path()).unwrap();
    let mut relay = KillableRelay::start(HostKeys::ephemeral().unwrap(), secret, 0);
    let port = relay.addr.port();
    let mux = Mux::tmate().with_config(&relay.keys.tmate_conf("127.0.0.1", port));
    host_ok(&mux, &["new-session", "-d", "-x", "100", "-y", "30"]);
    host_ok(&mux, &["wait", "tmate-ready"]);
    let ssh = host_ok(&mux, &["display", "-p", "#{tmate_ssh}"]);
    let ro = host_ok(&mux, &["display", "-p", "#{tmate_ssh_ro}"]);
    // Colours survive the reconnect: the SNAPSHOT carries each cell's attributes.
    // The prompt itself, not just any output: keys typed before the shell is up can be lost.
    wait_capture(&mux, "the prompt", shows_prompt);
    host_ok(
        &mux,
        &[
            "send-keys",
            "printf '\\033[31mbefore\\033[0m-drop\\n'",
            "Enter",
        ],
    );
    wait_capture(&mux, "the first output", |t| {
        t.lines()
            .any(|l| l.trim_end().ends_with("before-drop") && !l.contains("printf"))
    });

    // Kill the relay and bring it back on the same port, keys and secret (a relay restart).
    relay.kill();
    let keys = relay.keys.clone();
    let secret = relay.secret.clone();
    tokio::task::block_in_place(|| {
        mux.wait_for(&["show-messages"], "the reconnect message", |t| {
            t.contains("[tmate] Reconnecting... (")
        })
    });
    // Meanwhile the session goes on locally.
    host_ok(&mux, &["send-keys", "echo while-down", "Enter"]);
    wait_capture(&mux, "local output", |t| {
        t.lines()
            .any(|l| l.trim_end().ends_with("while-down") && !l.contains("echo"))
    });
    let relay2 = tokio::task::block_in_place(|| KillableRelay::start(keys, secret, port));

    // A new viewer with the old token sees the current screen, in colour, and can type.
    let viewer = join_when_ready(relay2.addr, &token_of(ssh.trim()), "while-down").await;
    let red = (0..30u16).any(|row| {
        (0..100u16).any(|col| {
            let screen = viewer.screen.screen();
            screen
                .cell(row, col)
                .is_some_and(|c| c.contents() == "b" && c.fgcolor() == vt100::Color::Idx(1))
        })
    });
    assert!(
        red,
        "the redrawn screen lost its colours:\n{}",
        viewer.screen.screen().contents()
    );
    viewer.type_bytes(b"echo after-restart\r").await;
    wait_capture(&mux, "the new viewer's typing", |t| {
        t.lines()
            .any(|l| l.trim_end().ends_with("after-restart") && !l.contains("echo"))
    });
    assert_eq!(host_ok(&mux, &["display", "-p", "#{tmate_ssh}"]), ssh);
    assert_eq!(host_ok(&mux, &["display", "-p", "#{tmate_ssh_ro}"]), ro);
    let _ro_viewer = join_when_ready(relay2.addr, &token_of(ro.trim()), "after-restart").await;
    host_ok(&mux, &["kill-server"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embedded_relay_by_default() {
    let mux = Mux::tmate()
        .with_config("set -g tmate-relay-web-listen 127.0.0.1:0\n")
        .with_embedded_relay();
    host_ok(&mux, &["new-session", "-d", "-x", "100", "-y", "30"]);
    host_ok(&mux, &["wait", "tmate-ready"]);
    let ssh = host_ok(&mux, &["display", "-p", "#{tmate_ssh}"]);
    let ssh = ssh.trim();
    let port: u16 = ssh
        .strip_prefix("ssh -p")
        .and_then(|s| s.split_whitespace().next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("tmate_ssh: {ssh:?}"));
    assert!(ssh.ends_with("@127.0.0.1"), "tmate_ssh: {ssh:?}");
    let web = host_ok(&mux, &["display", "-p", "#{tmate_web}"]);
    assert!(web.starts_with("http://127.0.0.1:"), "tmate_web: {web:?}");
    let log = host_ok(&mux, &["show-messages"]);
    assert!(
        log.contains("[tmate] Connecting to 127.0.0.1...")
            && log.contains("[tmate] web session: http://127.0.0.1:")
            && log.contains("[tmate] ssh session read only: ")
            && log.contains("[tmate] Note: clear your terminal before sharing readonly access"),
        "messages: {log}"
    );
    // tmate shares one session.
    let second = host(&mux, &["new-session", "-d"]);
    assert!(!second.status.success());
    assert!(
        String::from_utf8_lossy(&second.stderr)
            .contains("multi sessions is not supported with tmate")
    );

    // The prompt itself, not just any output: keys typed before the shell is up can be lost.
    wait_capture(&mux, "the prompt", shows_prompt);
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut viewer = ScriptedViewer::connect(addr, &token_of(ssh), 100, 30).await;
    viewer.type_bytes(b"echo embedded\r").await;
    viewer
        .wait_text("the echo's output", |s| has_line(s, "embedded"))
        .await;
    // The viewer's prefix key runs the binding on the host: C-b c makes a window.
    viewer.type_bytes(b"\x02c").await;
    tokio::task::block_in_place(|| {
        mux.wait_for(&["list-windows"], "a second window", |t| {
            t.lines().count() == 2
        })
    });
    host_ok(&mux, &["kill-server"]);
}

/// `tmate -F ARGS` running, its stdout read line by line on a thread.
struct Foreground {
    child: std::process::Child,
    lines: std::sync::mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Foreground {
    fn start(mux: &Mux, args: &[&str]) -> Foreground {
        use std::io::BufRead;
        let mut child = mux
            .command(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines() {
                if tx.send(line.unwrap_or_default()).is_err() {
                    break;
                }
            }
        });
        Foreground {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Read lines until one satisfies `check`; that line.
    fn wait_line(&mut self, what: &str, check: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + DEADLINE;
        loop {
            if let Some(l) = self.seen.iter().find(|l| check(l)) {
                return l.clone();
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(l) => self.seen.push(l),
                Err(_) => panic!("-F never printed {what}; got {:?}", self.seen),
            }
        }
    }

    /// Wait for the process to end (after kill-server).
    fn wait_exit(&mut self) {
        let deadline = Instant::now() + DEADLINE;
        while self.child.try_wait().unwrap().is_none() {
            assert!(Instant::now() < deadline, "-F did not exit with the server");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Foreground {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn foreground_prints_the_lines_and_restarts_the_shell() {
    let mux = Mux::tmate().with_embedded_relay();
    let mut fg = Foreground::start(&mux, &["-F"]);
    fg.wait_line("the ssh line", |l| l.starts_with("ssh session: ssh -p"));
    let lines = fg.seen.clone();
    let sock = &mux.sock_args[1];
    let program = env!("CARGO_BIN_EXE_tmate");
    assert_eq!(
        lines.first().map(String::as_str),
        Some(
            format!("To connect to the session locally, run: {program} -S {sock} attach").as_str()
        ),
        "{lines:?}"
    );
    assert_eq!(
        lines.get(1).map(String::as_str),
        Some(
            format!(
                "To stop sharing and end the session: press Ctrl-C here, or run: {program} -S \
                 {sock} kill-server"
            )
            .as_str()
        ),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(|l| l == "Connecting to 127.0.0.1..."),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("ssh session read only: ssh -p"))
    );
    // The shell exits: a new one takes its place and the share goes on.
    let before = mux.run(&["display", "-p", "#{pane_id}"]);
    mux.wait_for(&["capture-pane", "-p"], "the prompt", shows_prompt);
    mux.run(&["send-keys", "exit", "Enter"]);
    mux.wait_for(&["display", "-p", "#{pane_id}"], "a new pane", |t| {
        !t.trim().is_empty() && t != before
    });
    mux.run(&["kill-server"]);
    fg.wait_exit();
}

/// `tmate -F --share-on ADDR:PORT --host NAME`: the built-in relay listens where asked (even
/// when the config names another relay), the lines name the host, the web link is printed and
/// served on the next port, and a viewer joins on the printed port.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn share_on_opens_the_builtin_relay_with_the_advertised_host() {
    // A free port pair: the SSH port and the web viewer's (the next one).
    let (ssh_port, web_port) = loop {
        let a = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = a.local_addr().unwrap().port();
        if port < u16::MAX && std::net::TcpListener::bind(("127.0.0.1", port + 1)).is_ok() {
            break (port, port + 1);
        }
    };
    let mux = Mux::tmate()
        .with_config("set -g tmate-server-host 127.0.0.1\nset -g tmate-server-port 1\n")
        .with_embedded_relay();
    let listen = format!("127.0.0.1:{ssh_port}");
    let (mut fg, ssh, web) = tokio::task::block_in_place(|| {
        let mut fg = Foreground::start(&mux, &["-F", "--share-on", &listen, "--host", "box.test"]);
        let ssh = fg.wait_line("the ssh line", |l| l.starts_with("ssh session: "));
        let web = fg.wait_line("the web line", |l| l.starts_with("web session: "));
        (fg, ssh, web)
    });
    let ssh = ssh.trim_start_matches("ssh session: ");
    assert!(
        ssh.starts_with(&format!("ssh -p{ssh_port} ")) && ssh.ends_with("@box.test"),
        "{ssh}"
    );
    let token = token_of(ssh);
    assert_eq!(
        web,
        format!("web session: http://box.test:{web_port}/t/{token}"),
        "{:?}",
        fg.seen
    );
    // The web viewer's page is served on that port.
    let page = tokio::task::block_in_place(|| {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(("127.0.0.1", web_port)).unwrap();
        s.set_read_timeout(Some(DEADLINE)).unwrap();
        write!(
            s,
            "GET /t/{token} HTTP/1.1\r\nHost: box.test\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut page = String::new();
        let _ = s.read_to_string(&mut page);
        page
    });
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    wait_capture(&mux, "the prompt", shows_prompt);
    let mut viewer = ScriptedViewer::connect(
        SocketAddr::from(([127, 0, 0, 1], ssh_port)),
        &token,
        100,
        30,
    )
    .await;
    viewer.type_bytes(b"echo shared-$((6*7))\r").await;
    viewer
        .wait_text("the echo's output", |s| has_line(s, "shared-42"))
        .await;
    host_ok(&mux, &["kill-server"]);
    tokio::task::block_in_place(|| fg.wait_exit());
}

/// The relay's lines replace each other on the status line; the closing ssh line carries the
/// web link there (the log and `-F` keep the relay's lines as they are).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attached_status_line_shows_the_web_link() {
    let mux = Mux::tmate()
        .with_config("set -g tmate-relay-web-listen 127.0.0.1:0\n")
        .with_embedded_relay();
    // Attached from the start: the relay's lines reach the clients attached when they come.
    let mut attached = mux.client_on_pty(200, 24, &["new-session", "-s", "main"]);
    attached
        .wait_for("the attached client", |c| c.is_raw())
        .await;
    host_ok(&mux, &["wait", "tmate-ready"]);
    let web = host_ok(&mux, &["display", "-p", "#{tmate_web}"]);
    let ssh = host_ok(&mux, &["display", "-p", "#{tmate_ssh}"]);
    let expected = format!("[tmate] ssh session: {} | web: {}", ssh.trim(), web.trim());
    attached
        .wait_for("the ssh line with the web link", |c| {
            c.last_row().starts_with(&expected)
        })
        .await;
    let log = host_ok(&mux, &["show-messages"]);
    assert!(
        log.lines()
            .any(|l| l.ends_with(&format!("[tmate] ssh session: {}", ssh.trim()))),
        "{log}"
    );
    host_ok(&mux, &["kill-server"]);
}

#[test]
fn share_on_flags_are_checked() {
    let mux = Mux::tmate();
    for (args, says) in [
        (
            vec!["--share-on", "nowhere"],
            "--share-on: not an address:port",
        ),
        (
            vec!["--host", "box.test", "ls"],
            "--host and --web-on go with --share-on",
        ),
        (vec!["--share-on"], "--share-on needs a value"),
        (
            vec!["--share-on=127.0.0.1:0", "--web-on", "x"],
            "--web-on: not an address:port or off",
        ),
    ] {
        let out = mux.run_output(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attached_client_sends_status_to_viewers() {
    let relay = TestRelay::start().await;
    let conf = format!("{}set -g status-left '[share-left] '\n", relay.tmate_conf());
    let mux = Mux::tmate().with_config(&conf);
    host_ok(&mux, &["new-session", "-d", "-s", "main"]);
    host_ok(&mux, &["wait", "tmate-ready"]);
    let ssh = host_ok(&mux, &["display", "-p", "#{tmate_ssh}"]);
    let mut viewer = ScriptedViewer::connect(relay.addr, &token_of(ssh.trim()), 100, 30).await;
    // Headless: no STATUS, so the viewer's status line does not have the host's left part.
    viewer
        .wait_text("the status line", |s| s.lines().count() > 1)
        .await;
    assert!(!viewer.screen.screen().contents().contains("[share-left]"));

    // A local client attaches (on a pty): now tmate sends its status line to the relay.
    let _attached = mux
        .client_on_pty(100, 30, &["attach", "-t", "main"])
        .drain();
    viewer
        .wait_text("the host's status-left", |s| s.contains("[share-left]"))
        .await;
    host_ok(&mux, &["kill-server"]);
}

/// `-a FILE` restricts viewers to the listed keys; `-n NAME` reaches the relay, which names
/// the session (the token is the name; the key restriction holds for it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_authorized_keys_and_session_name() {
    use russh::keys::{Algorithm, PrivateKey};
    let relay = TestRelay::start().await;
    let mux = Mux::tmate().with_config(&relay.tmate_conf());
    let key = PrivateKey::random(&mut rand::rng(), Algorithm::Ed25519).unwrap();
    let keys_file = mux.dir.path().join("keys");
    std::fs::write(
        &keys_file,
        format!("{}\n\n", key.public_key().to_openssh().unwrap()),
    )
    .unwrap();
    let keys_arg = keys_file.to_string_lossy().into_owned();
    host_ok(
        &mux,
        &["-a", &keys_arg, "-n", "myname", "new-session", "-d"],
    );
    host_ok(&mux, &["wait", "tmate-ready"]);
    let ssh = host_ok(&mux, &["display", "-p", "#{tmate_ssh}"]);
    let token = token_of(ssh.trim());
    // Our relay names the session as asked (no accounts: the name is the token).
    assert_eq!(token, "myname", "{ssh}");
    assert!(
        !ssh_login(relay.addr, &token, None).await,
        "a viewer without the key got in"
    );
    assert!(
        ssh_login(relay.addr, &token, Some(&key)).await,
        "the listed key was refused"
    );
    host_ok(&mux, &["kill-server"]);
}

/// RESIZE from the relay sizes a headless session (the smallest rw viewer, minus the status
/// line); when the last viewer leaves (-1) the session keeps its size.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn viewer_size_resizes_headless_session() {
    let relay = TestRelay::start().await;
    let mux = Mux::tmate().with_config(&relay.tmate_conf());
    host_ok(&mux, &["new-session", "-d", "-x", "100", "-y", "30"]);
    host_ok(&mux, &["wait", "tmate-ready"]);
    let ssh = host_ok(&mux, &["display", "-p", "#{tmate_ssh}"]);
    let size = ["display", "-p", "#{window_width}x#{window_height}"];
    assert_eq!(host_ok(&mux, &size), "100x30\n");
    let viewer = ScriptedViewer::connect(relay.addr, &token_of(ssh.trim()), 60, 20).await;
    tokio::task::block_in_place(|| mux.wait_for(&size, "the viewer's size", |t| t == "60x19\n"));
    drop(viewer);
    // Give the relay's -1 time to arrive, proven by a later command's effect.
    let small = ScriptedViewer::connect(relay.addr, &token_of(ssh.trim()), 50, 15).await;
    tokio::task::block_in_place(|| {
        mux.wait_for(&size, "the second viewer's size", |t| t == "50x14\n")
    });
    drop(small);
    host_ok(&mux, &["send-keys", "echo gone", "Enter"]);
    wait_capture(&mux, "output after the viewer left", |t| {
        t.lines()
            .any(|l| l.trim_end().ends_with("gone") && !l.contains("echo"))
    });
    assert_eq!(host_ok(&mux, &size), "50x14\n");
    host_ok(&mux, &["kill-server"]);
}

/// tmate -F exits 1 on config errors (they would go unseen), naming file and line.
#[test]
fn foreground_refuses_config_errors() {
    let mux = Mux::tmate()
        .with_config("set -g no-such-option 1\n")
        .with_embedded_relay();
    let out = mux.command(&["-F"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("test.conf:1:"), "stderr: {err}");
}

/// A relay named by host name: every resolved address is tried, the first good one wins.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relay_by_host_name() {
    let relay = TestRelay::start().await;
    let conf = relay.tmate_conf().replace("127.0.0.1", "localhost");
    let mux = Mux::tmate().with_config(&conf);
    host_ok(&mux, &["new-session", "-d"]);
    host_ok(&mux, &["wait", "tmate-ready"]);
    let log = host_ok(&mux, &["show-messages"]);
    assert!(log.contains("[tmate] Connecting to localhost..."), "{log}");
    host_ok(&mux, &["kill-server"]);
}

/// The host's copy mode reaches viewers (SYNC_COPY_MODE): the relay draws the position
/// indicator and the scrolled view, and the live screen again when the host leaves it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn host_copy_mode_reaches_viewers() {
    let relay = TestRelay::start().await;
    let mux = Mux::tmate().with_config(&relay.tmate_conf());
    host_ok(&mux, &["new-session", "-d", "-x", "100", "-y", "29"]);
    host_ok(&mux, &["wait", "tmate-ready"]);
    let ssh = host_ok(&mux, &["display", "-p", "#{tmate_ssh}"]);
    // The prompt itself, not just any output: keys typed before the shell is up can be lost.
    wait_capture(&mux, "the prompt", shows_prompt);
    host_ok(&mux, &["send-keys", "seq 1 100", "Enter"]);
    wait_capture(&mux, "the numbers", |t| has_line(t, "100"));
    let mut viewer = ScriptedViewer::connect(relay.addr, &token_of(ssh.trim()), 100, 30).await;
    viewer
        .wait_text("the numbers", |s| has_line(s, "100"))
        .await;
    host_ok(&mux, &["copy-mode"]);
    host_ok(&mux, &["send-keys", "-X", "page-up"]);
    viewer
        .wait_text("the copy-mode indicator and history", |s| {
            s.lines()
                .next()
                .is_some_and(|l| l.trim_end().ends_with("]"))
                && !has_line(s, "100")
        })
        .await;
    host_ok(&mux, &["send-keys", "-X", "cancel"]);
    viewer
        .wait_text("the live screen again", |s| {
            has_line(s, "100")
                && !s
                    .lines()
                    .next()
                    .is_some_and(|l| l.trim_end().ends_with("]"))
        })
        .await;
    host_ok(&mux, &["kill-server"]);
}

/// The token of `ssh -pPORT TOKEN@HOST`.
fn token_in(ssh: &str) -> String {
    ssh.trim()
        .rsplit_once(' ')
        .and_then(|(_, at)| at.rsplit_once('@'))
        .map(|(token, _)| token.to_string())
        .unwrap_or_default()
}

/// Our host names its session as Debian's tmate does (`-n`, `-r`): the names are the tokens
/// on a relay without accounts; a refused name says why in `show-messages`; a newer session
/// with the same name takes it, and the older host, reconnecting, gets random tokens.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_host_names_its_session_and_hands_the_name_over() {
    let relay = TestRelay::start().await;
    let first = Mux::tmate().with_config(&relay.tmate_conf());
    host_ok(
        &first,
        &["-n", "lab", "-r", "lab-view", "new-session", "-d"],
    );
    host_ok(&first, &["wait", "tmate-ready"]);
    assert_eq!(
        token_in(&host_ok(&first, &["display", "-p", "#{tmate_ssh}"])),
        "lab"
    );
    assert_eq!(
        token_in(&host_ok(&first, &["display", "-p", "#{tmate_ssh_ro}"])),
        "lab-view"
    );

    let refused = Mux::tmate().with_config(&relay.tmate_conf());
    host_ok(&refused, &["-n", "lab view", "new-session", "-d"]);
    host_ok(&refused, &["wait", "tmate-ready"]);
    tokio::task::block_in_place(|| {
        refused.wait_for(&["show-messages"], "the reason", |log| {
            log.contains(
                "Cannot name this session: the session name (-n) \"lab view\" may only contain \
                 letters, digits, '-' and '_'; it has random tokens",
            )
        })
    });
    assert_eq!(
        token_in(&host_ok(&refused, &["display", "-p", "#{tmate_ssh}"])).len(),
        26
    );

    let second = Mux::tmate().with_config(&relay.tmate_conf());
    host_ok(&second, &["-n", "lab", "new-session", "-d"]);
    host_ok(&second, &["wait", "tmate-ready"]);
    assert_eq!(
        token_in(&host_ok(&second, &["display", "-p", "#{tmate_ssh}"])),
        "lab"
    );
    tokio::task::block_in_place(|| {
        first.wait_for(&["show-messages"], "the takeover", |log| {
            log.contains("this session has new random tokens")
        });
        first.wait_for(&["display", "-p", "#{tmate_ssh}"], "random tokens", |out| {
            token_in(out).len() == 26
        });
    });
    assert_eq!(
        token_in(&host_ok(&second, &["display", "-p", "#{tmate_ssh}"])),
        "lab"
    );
}

/// With accounts our host's `-k KEY -n NAME` gives `USER/NAME`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_host_names_its_session_with_an_account_key() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("accounts");
    let key = tmate_relay::accounts::add(&file, "alice").unwrap();
    let accounts = Arc::new(tmate_relay::accounts::Accounts::load(&file).unwrap());
    let relay = TestRelay::start_with(|c| c.accounts = Some(accounts)).await;
    let mux = Mux::tmate().with_config(&relay.tmate_conf());
    host_ok(&mux, &["-k", &key, "-n", "box", "new-session", "-d"]);
    host_ok(&mux, &["wait", "tmate-ready"]);
    assert_eq!(
        token_in(&host_ok(&mux, &["display", "-p", "#{tmate_ssh}"])),
        "alice/box"
    );
}

/// A pane with no rows (a one-row cell under `pane-border-status`, laid out as tmux 3.3a and
/// tmate 2.4 do) goes to the relay as it is: the relay takes the layout (a refused one would
/// end the host's session) and its viewers go on typing into the other pane.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pane_with_no_rows_is_shared() {
    let relay = TestRelay::start().await;
    let mux = Mux::tmate().with_config(&relay.tmate_conf());
    host_ok(&mux, &["new-session", "-d", "-x", "100", "-y", "30"]);
    host_ok(&mux, &["wait", "tmate-ready"]);
    let ssh = host_ok(&mux, &["display", "-p", "#{tmate_ssh}"]);
    host_ok(&mux, &["split-window", "-v", "-b", "-d", "-l", "1"]);
    host_ok(&mux, &["set", "-g", "pane-border-status", "top"]);
    assert_eq!(
        host_ok(&mux, &["display", "-p", "-t", ":.0", "#{pane_height}"]),
        "0\n"
    );
    let _viewer = a_viewer_types_a_line(&mux, relay.addr, ssh.trim()).await;
    host_ok(&mux, &["kill-server"]);
}

/// Once the host's prompt shows, a read-write viewer joins with the `ssh` line's token (100x30),
/// types `echo marker`, and the line reaches the pane and the echo's output the viewer.
async fn a_viewer_types_a_line(mux: &Mux, relay: SocketAddr, ssh: &str) -> ScriptedViewer {
    wait_capture(mux, "the prompt", shows_prompt);
    let mut viewer = ScriptedViewer::connect(relay, &token_of(ssh), 100, 30).await;
    viewer
        .wait_text("the prompt", |s| !s.trim().is_empty())
        .await;
    viewer.type_bytes(b"echo marker\r").await;
    wait_capture(mux, "marker typed by the viewer", |t| has_line(t, "marker"));
    viewer
        .wait_text("the echo's output", |s| has_line(s, "marker"))
        .await;
    viewer
}
