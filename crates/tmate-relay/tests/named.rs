//! Named sessions end to end with Debian's tmate 2.4 as the host and OpenSSH and headless
//! Chromium as viewers: `-n`/`-r` as tokens on a relay without accounts, `USER/NAME` with
//! `--accounts` and `-k`, every refusal told to the host in one line (random tokens then),
//! takeover (the older session's viewers are told; its host's reconnection gets random
//! tokens, so two hosts never take a name from each other), and SIGHUP re-reading accounts.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test stops on what it did not expect"
)]
#![allow(
    clippy::too_many_lines,
    reason = "each test is one end-to-end scenario that reads top to bottom, step after step"
)]

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::real::{Extra, SshViewer, TmateHost, browser, tmate_installed};
use common::{DEADLINE, RelayProcess, TestRelay};

/// The token in `ssh -pPORT TOKEN@HOST`.
fn token_of(ssh: &str) -> String {
    ssh.split_whitespace()
        .last()
        .and_then(|s| s.rsplit_once('@'))
        .map(|(token, _)| token.to_string())
        .unwrap_or_default()
}

/// A random token: 26 characters of tmate's alphabet.
fn is_random(token: &str) -> bool {
    token.len() == 26 && token.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Debian's tmate 2.4 on the relay at `addr` (fingerprint `fingerprint`) with `extra`, past
/// its tips screen at a prompt.
async fn host_with(addr: std::net::SocketAddr, fingerprint: &str, extra: Extra<'_>) -> TmateHost {
    let host = TmateHost::start_extra(
        "tmate",
        ("127.0.0.1", addr.port(), fingerprint),
        None,
        &extra,
    )
    .await;
    host.past_tips().await;
    host
}

async fn host_on(relay: &TestRelay, extra: Extra<'_>) -> TmateHost {
    let fingerprint = relay.handle.config().host_keys.ed25519_fingerprint();
    host_with(relay.addr, &fingerprint, extra).await
}

/// `ssh -pPORT TOKEN@127.0.0.1` for `relay`.
fn ssh_to(addr: std::net::SocketAddr, token: &str) -> String {
    format!("ssh -p{} {token}@127.0.0.1", addr.port())
}

/// Debian's tmate 2.4 in the foreground (`tmate -F`), which prints every message from the
/// relay on its standard output: how a user (or CI log) sees the start-up lines, which a
/// detached session only shows to clients attached at the time.
struct Foreground {
    child: tokio::process::Child,
    lines: tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStdout>>,
    seen: String,
    _dir: tempfile::TempDir,
}

impl Foreground {
    async fn start(addr: std::net::SocketAddr, fingerprint: &str, flags: &[&str]) -> Foreground {
        let dir = tempfile::tempdir().unwrap();
        let conf = dir.path().join("tmate.conf");
        std::fs::write(
            &conf,
            format!(
                "set -g tmate-server-host 127.0.0.1\nset -g tmate-server-port {}\n\
                 set -g tmate-server-ed25519-fingerprint {fingerprint}\n",
                addr.port()
            ),
        )
        .unwrap();
        let mut child = tokio::process::Command::new("tmate")
            .arg("-S")
            .arg(dir.path().join("tmate.sock"))
            .arg("-f")
            .arg(&conf)
            .arg("-F")
            .args(flags)
            .env("HOME", dir.path())
            .env("TERM", "xterm-256color")
            .env("LANG", "C.UTF-8")
            .env_remove("TMUX")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("tmate runs");
        let stdout = child.stdout.take().unwrap();
        Foreground {
            child,
            lines: tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(stdout)),
            seen: String::new(),
            _dir: dir,
        }
    }

    /// Read its output until a line holds `text`; that line.
    async fn wait_line(&mut self, text: &str) -> String {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, self.lines.next_line()).await {
                Ok(Ok(Some(line))) => {
                    self.seen.push_str(&line);
                    self.seen.push('\n');
                    if line.contains(text) {
                        return line;
                    }
                }
                _ => panic!(
                    "tmate -F never printed {text:?}; it printed:\n{}",
                    self.seen
                ),
            }
        }
    }

    /// The token of its `ssh session:` line (waiting for it).
    async fn token(&mut self) -> String {
        let line = self.wait_line("ssh session: ").await;
        token_of(&line)
    }
}

impl Drop for Foreground {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

/// Wait until the host's `show-messages` holds `line` (tmate 2.4 keeps the messages that
/// arrive while a client is attached; `messages` attaches one).
async fn told(host: &TmateHost, line: &str) {
    let deadline = Instant::now() + DEADLINE;
    loop {
        let log = host.messages().await;
        if log.contains(line) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the host was never told {line:?}:\n{log}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// No accounts: `-n` and `-r` are the tokens (the read-only one random without `-r`), the
/// web links carry them, a viewer with the name drives the session, one with the read-only
/// name cannot type. Names come from the command line and from `set -g` config lines alike.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_are_the_tokens_without_accounts() {
    assert!(tmate_installed());
    let relay =
        TestRelay::start_with(|c| c.web_listen = Some("127.0.0.1:0".parse().unwrap())).await;
    let host = host_on(
        &relay,
        Extra {
            flags: &["-n", "demo"],
            ..Extra::default()
        },
    )
    .await;
    let ssh = host.display("#{tmate_ssh}").await;
    assert_eq!(ssh, ssh_to(relay.addr, "demo"));
    let ssh_ro = host.display("#{tmate_ssh_ro}").await;
    let ro = token_of(&ssh_ro);
    assert!(
        ro.starts_with("ro-") && is_random(&ro[3..]),
        "the read-only token stays random: {ssh_ro}"
    );
    let web = host.display("#{tmate_web}").await;
    assert!(web.ends_with("/t/demo"), "{web}");

    let mut viewer = SshViewer::ssh(&ssh, 100, 30, &[]);
    viewer.wait_text("the shell", |s| s.contains("bash-")).await;
    viewer.type_bytes(b"echo named-$((6*7))\r").await;
    host.wait_for("the viewer's typing", &["capture-pane", "-p"], |out| {
        out.lines().any(|l| l == "named-42")
    })
    .await;

    let report = browser(&[
        &web,
        "--wait",
        "named-42",
        "--type",
        "echo web-named-$((6*7))",
        "--then-wait",
        "web-named-42",
    ])
    .await;
    assert_eq!(report["status"], 200, "{report:#}");
    host.wait_for("the browser's typing", &["capture-pane", "-p"], |out| {
        out.lines().any(|l| l == "web-named-42")
    })
    .await;

    // Both names, from the configuration file.
    let both = host_on(
        &relay,
        Extra {
            conf: "set -g tmate-session-name pair\nset -g tmate-session-name-ro pair-view\n",
            ..Extra::default()
        },
    )
    .await;
    assert_eq!(
        both.display("#{tmate_ssh}").await,
        ssh_to(relay.addr, "pair")
    );
    let view = both.display("#{tmate_ssh_ro}").await;
    assert_eq!(view, ssh_to(relay.addr, "pair-view"));
    let mut watcher = SshViewer::ssh(&view, 100, 30, &[]);
    watcher
        .wait_text("the shell", |s| s.contains("bash-"))
        .await;
    watcher.type_bytes(b"echo ro-typed\r").await;
    both.run(&["send-keys", "echo after-ro", "Enter"]).await;
    // The session (80 columns) is drawn inside the viewer's wider screen, with a border.
    watcher
        .wait_text("the host's command", |s| {
            s.lines()
                .any(|l| l.split('│').next().map(str::trim_end) == Some("after-ro"))
        })
        .await;
    let screen = both.run(&["capture-pane", "-p"]).await;
    assert!(!screen.contains("ro-typed"), "{screen}");

    // After READY the names are fixed, as the original web tier answered.
    both.attach_client();
    both.messages().await;
    both.run(&["set", "tmate-session-name", "other"]).await;
    told(
        &both,
        "tmate-session-name can only be set via the command line, or configuration file",
    )
    .await;
    assert_eq!(
        both.display("#{tmate_ssh}").await,
        ssh_to(relay.addr, "pair")
    );
}

/// Every refusal: the session starts with random tokens and the host reads why, in one line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_names_start_random_sessions_and_say_why() {
    assert!(tmate_installed());
    let relay = TestRelay::start().await;
    let long = "n".repeat(51);
    let cases: [(&[&str], &str); 4] = [
        (&["-n", ""], "the session name (-n) is empty"),
        (
            &["-n", &long],
            "the session name (-n) is 51 characters long; the maximum is 50",
        ),
        (
            &["-n", "my.box"],
            "may only contain letters, digits, '-' and '_'",
        ),
        (
            &["-n", "same", "-r", "same"],
            "the read-write and read-only names are both \"same\"; they must differ",
        ),
    ];
    let fingerprint = relay.handle.config().host_keys.ed25519_fingerprint();
    for (flags, says) in cases {
        let mut host = Foreground::start(relay.addr, &fingerprint, flags).await;
        // tmate prints the read-only line first.
        let ro = token_of(&host.wait_line("ssh session read only: ").await);
        assert!(ro.starts_with("ro-") && is_random(&ro[3..]), "{ro}");
        let token = host.token().await;
        assert!(is_random(&token), "{flags:?} gave {token}");
        let note = host.wait_line("Cannot name this session: ").await;
        assert!(note.contains(says), "{note}");
        assert!(note.ends_with("; it has random tokens"), "{note}");
    }
}

/// A newer session asking for a held name takes it: the older session's viewers and host
/// are told; the older host reconnects (as after a network drop) and gets random tokens
/// instead of taking the name back; a viewer of the name reaches the newer session.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newer_session_takes_the_name_and_the_older_does_not_take_it_back() {
    assert!(tmate_installed());
    let relay = TestRelay::start().await;
    let named = Extra {
        flags: &["-n", "kitchen"],
        ..Extra::default()
    };
    let first = host_on(&relay, named).await;
    let ssh = first.display("#{tmate_ssh}").await;
    assert_eq!(token_of(&ssh), "kitchen");
    first.run(&["send-keys", "echo first-host", "Enter"]).await;
    let mut old_viewer = SshViewer::ssh(&ssh, 100, 30, &[]);
    old_viewer
        .wait_text("the first session", |s| s.contains("first-host"))
        .await;

    let second = host_on(
        &relay,
        Extra {
            flags: &["-n", "kitchen"],
            ..Extra::default()
        },
    )
    .await;
    assert_eq!(second.display("#{tmate_ssh}").await, ssh);
    second
        .run(&["send-keys", "echo second-host", "Enter"])
        .await;
    let said = old_viewer.wait_exit().await;
    assert!(
        said.contains("the session name kitchen was taken over by a newer session"),
        "{said:?}"
    );
    told(
        &first,
        "The session name \"kitchen\" was taken over by a newer session",
    )
    .await;
    // The first host reconnects with its signed data and is given random tokens.
    told(
        &first,
        "was taken over by a newer session; this session has new random tokens",
    )
    .await;
    first
        .wait_for("random tokens", &["display", "-p", "#{tmate_ssh}"], |out| {
            is_random(&token_of(out.trim()))
        })
        .await;
    // The name stays with the second session, now and after the first host settled.
    let mut viewer = SshViewer::ssh(&ssh, 100, 30, &[]);
    viewer
        .wait_text("the second session", |s| s.contains("second-host"))
        .await;
    let first_ssh = first.display("#{tmate_ssh}").await;
    let mut first_viewer = SshViewer::ssh(&first_ssh, 100, 30, &[]);
    first_viewer
        .wait_text("the first session under its new token", |s| {
            s.contains("first-host")
        })
        .await;
    assert_eq!(second.display("#{tmate_ssh}").await, ssh);
    assert_eq!(relay.handle.registry().len(), 2);
}

/// Accounts: `-k KEY -n NAME` gives `USER/NAME` (web link `/t/USER/NAME`); no key or a wrong
/// key starts a random session with the reason.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_prefix_the_user_and_need_a_valid_key() {
    assert!(tmate_installed());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("accounts");
    let key = tmate_relay::accounts::add(&file, "alice").unwrap();
    let accounts = std::sync::Arc::new(tmate_relay::accounts::Accounts::load(&file).unwrap());
    let relay = TestRelay::start_with(|c| {
        c.accounts = Some(accounts);
        c.web_listen = Some("127.0.0.1:0".parse().unwrap());
    })
    .await;
    let host = host_on(
        &relay,
        Extra {
            flags: &["-k", &key, "-n", "demo"],
            ..Extra::default()
        },
    )
    .await;
    let ssh = host.display("#{tmate_ssh}").await;
    assert_eq!(ssh, ssh_to(relay.addr, "alice/demo"));
    assert!(
        host.display("#{tmate_web}")
            .await
            .ends_with("/t/alice/demo")
    );
    let mut viewer = SshViewer::ssh(&ssh, 100, 30, &[]);
    viewer.type_bytes(b"echo alice-$((6*7))\r").await;
    host.wait_for("alice's viewer", &["capture-pane", "-p"], |out| {
        out.lines().any(|l| l == "alice-42")
    })
    .await;
    // `ssh demo@` is not alice's session: the name alone is an unknown token.
    let mut stranger = SshViewer::ssh(&ssh_to(relay.addr, "demo"), 100, 30, &[]);
    let said = stranger.wait_exit().await;
    assert!(
        said.contains("Invalid or expired session token"),
        "{said:?}"
    );

    let fingerprint = relay.handle.config().host_keys.ed25519_fingerprint();
    for (flags, says) in [
        (
            &["-n", "nokey"][..],
            "this relay needs an account key to name sessions",
        ),
        (
            &["-k", "tmk-not-a-key-of-this-relay", "-n", "badkey"][..],
            "the account key (-k) is not valid on this relay",
        ),
    ] {
        let mut host = Foreground::start(relay.addr, &fingerprint, flags).await;
        assert!(is_random(&host.token().await));
        host.wait_line(says).await;
    }
}

/// `account add` writes a key; a running relay sees it after SIGHUP; a broken file on SIGHUP
/// keeps the accounts in force and says so in the log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_rereads_the_accounts_file() {
    assert!(tmate_installed());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("accounts");
    let add = |user: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_tmate-ssh-server"))
            .args(["account", "add", user, "--accounts"])
            .arg(&file)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    let alice = add("alice");
    let accounts = file.to_str().unwrap();
    let relay = RelayProcess::start(&["--accounts", accounts]).await;
    let keys = tmate_relay::HostKeys::load_or_create(relay_keys(&relay))
        .unwrap()
        .0;
    let fingerprint = keys.ed25519_fingerprint();
    // The ssh token a host given `-k KEY -n NAME` gets.
    let token_with = |key: String, name: &'static str| {
        let fingerprint = fingerprint.clone();
        async move {
            let flags = ["-k", &key, "-n", name];
            let extra = Extra {
                flags: &flags,
                ..Extra::default()
            };
            let host = host_with(relay.addr, &fingerprint, extra).await;
            token_of(&host.display("#{tmate_ssh}").await)
        }
    };

    let bob = add("bob");
    let mut early = Foreground::start(relay.addr, &fingerprint, &["-k", &bob, "-n", "early"]).await;
    early
        .wait_line("the account key (-k) is not valid on this relay")
        .await;

    signal(&relay, "HUP");
    wait_for_log(&relay, "accounts reloaded").await;
    assert_eq!(token_with(bob, "later").await, "bob/later");

    std::fs::write(&file, "this is not an accounts file\n").unwrap();
    signal(&relay, "HUP");
    wait_for_log(&relay, "accounts not reloaded").await;
    assert_eq!(token_with(alice, "still").await, "alice/still");
}

/// The keys directory of a relay process (its `-k`, the log file's directory).
fn relay_keys(relay: &RelayProcess) -> &Path {
    relay.log.parent().unwrap()
}

fn signal(relay: &RelayProcess, name: &str) {
    let sent = std::process::Command::new("kill")
        .args([&format!("-{name}"), &relay.pid().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}

async fn wait_for_log(relay: &RelayProcess, line: &str) {
    let deadline = Instant::now() + DEADLINE;
    loop {
        let log = std::fs::read_to_string(&relay.log).unwrap_or_default();
        if log.contains(line) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the log never said {line:?}:\n{log}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
