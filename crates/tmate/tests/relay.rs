//! Our host sharing through our relay (issue 5): an in-process `tmate_relay` on a free loopback
//! port, the host headless on a private socket, russh viewers joining with the printed tokens.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{DEADLINE, Mux};
use russh::ChannelMsg;
use russh::client;
use russh::keys::PublicKeyOrCertificate;
use tmate_relay::{HostKeys, Relay, RelayConfig, RelayHandle};

struct TestRelay {
    handle: RelayHandle,
    addr: SocketAddr,
}

impl TestRelay {
    async fn start() -> TestRelay {
        let keys = HostKeys::ephemeral().unwrap();
        let config = RelayConfig::new(
            vec!["127.0.0.1:0".parse().unwrap()],
            "127.0.0.1".to_string(),
            keys,
        );
        let relay = Relay::bind(config).await.unwrap();
        let handle = relay.handle();
        let addr = handle.local_addrs()[0];
        tokio::spawn(relay.serve());
        TestRelay { handle, addr }
    }

    fn tmate_conf(&self) -> String {
        self.handle
            .config()
            .host_keys
            .tmate_conf("127.0.0.1", self.addr.port())
    }
}

impl Drop for TestRelay {
    fn drop(&mut self) {
        self.handle.shutdown();
    }
}

/// Run a host command from async code without stalling the relay (multi-thread runtime).
fn host(mux: &Mux, args: &[&str]) -> std::process::Output {
    tokio::task::block_in_place(|| mux.run_output(args))
}

fn host_ok(mux: &Mux, args: &[&str]) -> String {
    let out = host(mux, args);
    assert!(
        out.status.success(),
        "tmate {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Poll the host's `capture-pane -p` until `check` holds.
fn wait_capture(mux: &Mux, what: &str, check: impl Fn(&str) -> bool) -> String {
    tokio::task::block_in_place(|| mux.wait_for(&["capture-pane", "-p"], what, check))
}

struct AcceptAnyKey;

impl client::Handler for AcceptAnyKey {
    type Error = russh::Error;

    async fn check_server_key(&mut self, _: &PublicKeyOrCertificate) -> Result<bool, Self::Error> {
        Ok(true)
    }
}

/// A viewer as `ssh TOKEN@host` would be: a pty, a shell, the output in a vt100 screen.
struct Viewer {
    _ssh: client::Handle<AcceptAnyKey>,
    channel: russh::Channel<client::Msg>,
    screen: vt100::Parser,
}

impl Viewer {
    async fn join(addr: SocketAddr, token: &str) -> Viewer {
        let config = Arc::new(client::Config::default());
        let mut ssh = client::connect(config, addr, AcceptAnyKey).await.unwrap();
        assert!(ssh.authenticate_none(token).await.unwrap().success());
        let channel = ssh.channel_open_session().await.unwrap();
        channel
            .request_pty(true, "xterm-256color", 100, 30, 0, 0, &[])
            .await
            .unwrap();
        channel.request_shell(true).await.unwrap();
        Viewer {
            _ssh: ssh,
            channel,
            screen: vt100::Parser::new(30.try_into().unwrap(), 100.try_into().unwrap(), 0),
        }
    }

    async fn type_text(&self, text: &str) {
        self.channel
            .data_bytes(text.as_bytes().to_vec())
            .await
            .unwrap();
    }

    async fn wait_for(&mut self, what: &str, done: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + DEADLINE;
        while !done(&self.screen.screen().contents()) {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "viewer never saw {what}; screen:\n{}",
                self.screen.screen().contents()
            );
            match tokio::time::timeout(left, self.channel.wait()).await {
                Ok(Some(ChannelMsg::Data { data })) => self.screen.process(&data),
                Ok(None) | Ok(Some(ChannelMsg::Close)) => panic!("viewer disconnected"),
                _ => {}
            }
        }
    }
}

fn token(ssh_line: &str) -> String {
    ssh_line
        .split_whitespace()
        .last()
        .and_then(|s| s.split('@').next())
        .unwrap()
        .to_string()
}

fn has_line(text: &str, line: &str) -> bool {
    text.lines().any(|l| l.trim_end() == line)
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
    assert!(token(ro.trim()).starts_with("ro-"), "tmate_ssh_ro: {ro:?}");
    // The relay's notes are in the message log.
    let log = host_ok(&mux, &["show-messages"]);
    assert!(log.contains("[tmate] ssh session: "), "messages: {log}");

    wait_capture(&mux, "the prompt", |t| !t.trim().is_empty());
    let mut viewer = Viewer::join(relay.addr, &token(ssh)).await;
    viewer
        .wait_for("the prompt", |s| !s.trim().is_empty())
        .await;
    viewer.type_text("echo marker\r").await;
    wait_capture(&mux, "marker typed by the viewer", |t| {
        has_line(t, "marker")
    });
    viewer
        .wait_for("the echo's output", |s| has_line(s, "marker"))
        .await;

    // A read-only viewer sees the session but its typing goes nowhere; a later read-write
    // line proves the ro input had its chance to arrive.
    let mut ro_viewer = Viewer::join(relay.addr, &token(ro.trim())).await;
    ro_viewer
        .wait_for("the shared screen", |s| has_line(s, "marker"))
        .await;
    ro_viewer.type_text("echo rotyped\r").await;
    viewer.type_text("echo after\r").await;
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
        .wait_for("the new window's output", |s| {
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
