//! End to end with real programs nobody here wrote: Debian's tmate 2.4 client shares a shell
//! through the relay (on a free loopback port), OpenSSH viewers on ptys join it, and tmate's
//! own `capture-pane`/`list-windows` tell what happened on the host.

mod common;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{DEADLINE, TestRelay};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::process::Command;

/// A headless tmate host with its own HOME, config and socket.
struct TmateHost {
    dir: tempfile::TempDir,
    socket: PathBuf,
}

impl TmateHost {
    async fn start(relay: &TestRelay) -> TmateHost {
        let dir = tempfile::tempdir().unwrap();
        let conf = dir.path().join("tmate.conf");
        std::fs::write(
            &conf,
            format!(
                "set -g tmate-server-host 127.0.0.1\nset -g tmate-server-port {}\n\
                 set -g tmate-server-ed25519-fingerprint {}\n",
                relay.addr.port(),
                relay.handle.config().host_keys.ed25519_fingerprint()
            ),
        )
        .unwrap();
        let socket = dir.path().join("tmate.sock");
        let host = TmateHost { dir, socket };
        host.run(&[
            "-f",
            conf.to_str().unwrap(),
            "new-session",
            "-d",
            "-x",
            "80",
            "-y",
            "24",
            "bash --norc --noprofile",
        ])
        .await;
        host.run(&["wait", "tmate-ready"]).await;
        host
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new("tmate");
        command
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .env("HOME", self.dir.path())
            .env("TERM", "xterm-256color")
            .env("LANG", "C.UTF-8")
            .env_remove("TMUX")
            .stdin(Stdio::null())
            .kill_on_drop(true);
        command
    }

    /// Run a tmate command and return its standard output; fails the test on error or timeout.
    async fn run(&self, args: &[&str]) -> String {
        let output = tokio::time::timeout(DEADLINE, self.command(args).output())
            .await
            .unwrap_or_else(|_| panic!("tmate {args:?} did not finish"))
            .unwrap_or_else(|e| panic!("cannot run tmate (is the Debian package installed?): {e}"));
        assert!(
            output.status.success(),
            "tmate {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    async fn display(&self, format: &str) -> String {
        self.run(&["display", "-p", format])
            .await
            .trim()
            .to_string()
    }

    /// Poll the host until `check` holds for the output of `args`.
    async fn wait_for(&self, what: &str, args: &[&str], check: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let output = self.run(args).await;
            if check(&output) {
                return output;
            }
            assert!(
                Instant::now() < deadline,
                "host never showed {what}; last output:\n{output}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for TmateHost {
    fn drop(&mut self) {
        let _ = std::process::Command::new("tmate")
            .arg("-S")
            .arg(&self.socket)
            .arg("kill-server")
            .env("HOME", self.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// An OpenSSH client on a pty, its screen decoded by vt100.
struct SshViewer {
    pty: pty_process::Pty,
    child: tokio::process::Child,
    screen: vt100::Parser,
    exited: bool,
}

impl SshViewer {
    async fn join(ssh_command: &str, cols: u16, rows: u16, extra: &[&str]) -> SshViewer {
        // `ssh -pPORT TOKEN@HOST` exactly as the host printed it.
        let words: Vec<&str> = ssh_command.split_whitespace().collect();
        assert_eq!(words.first(), Some(&"ssh"), "{ssh_command}");
        let (pty, pts) = pty_process::open().unwrap();
        pty.resize(pty_process::Size::new(rows, cols)).unwrap();
        let child = pty_process::Command::new("ssh")
            .args([
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
            ])
            .args(extra)
            .args(&words[1..])
            .env("TERM", "xterm-256color")
            .kill_on_drop(true)
            .spawn(pts)
            .unwrap();
        SshViewer {
            pty,
            child,
            screen: vt100::Parser::new(nonzero(rows), nonzero(cols), 0),
            exited: false,
        }
    }

    async fn type_bytes(&mut self, bytes: &[u8]) {
        self.pty.write_all(bytes).await.unwrap();
    }

    fn resize(&mut self, cols: u16, rows: u16) {
        self.pty.resize(pty_process::Size::new(rows, cols)).unwrap();
        self.screen
            .screen_mut()
            .set_size(nonzero(rows), nonzero(cols));
    }

    async fn wait_for(&mut self, what: &str, check: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + DEADLINE;
        let mut buf = vec![0u8; 65536];
        while !check(&self.screen.screen().contents()) {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero() && !self.exited,
                "viewer never showed {what}; screen:\n{}",
                self.screen.screen().contents()
            );
            match tokio::time::timeout(left, self.pty.read(&mut buf)).await {
                Ok(Ok(0)) | Ok(Err(_)) => self.exited = true,
                Ok(Ok(n)) => self.screen.process(&buf[..n]),
                Err(_) => {}
            }
        }
    }

    /// Wait for ssh to exit (the relay closed the connection).
    async fn wait_exit(&mut self) -> String {
        let mut buf = vec![0u8; 65536];
        let mut tail = Vec::new();
        let deadline = Instant::now() + DEADLINE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "ssh did not exit");
            match tokio::time::timeout(left, self.pty.read(&mut buf)).await {
                Ok(Ok(0)) | Ok(Err(_)) => break,
                Ok(Ok(n)) => tail.extend_from_slice(&buf[..n]),
                Err(_) => {}
            }
        }
        tokio::time::timeout(DEADLINE, self.child.wait())
            .await
            .expect("ssh exits")
            .unwrap();
        String::from_utf8_lossy(&tail).into_owned()
    }
}

fn nonzero(v: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(v.max(1)).unwrap()
}

fn tmate_installed() -> bool {
    let found = |name: &str| {
        std::env::var_os("PATH").is_some_and(|path| {
            std::env::split_paths(&path).any(|d| Path::new(&d).join(name).is_file())
        })
    };
    assert!(
        found("tmate") && found("ssh"),
        "the end-to-end tests need Debian's tmate and openssh-client (./scripts/test installs them)"
    );
    true
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_tmate_host_shares_with_ssh_viewers() {
    assert!(tmate_installed());
    let relay = TestRelay::start().await;
    let host = TmateHost::start(&relay).await;
    let ssh = host.display("#{tmate_ssh}").await;
    let ssh_ro = host.display("#{tmate_ssh_ro}").await;
    let port = relay.addr.port();
    assert!(ssh.starts_with(&format!("ssh -p{port} ")), "{ssh}");
    assert!(ssh_ro.starts_with(&format!("ssh -p{port} ro-")), "{ssh_ro}");
    // Leave tmate's start-up message view, as a user does with `q`.
    host.run(&["send-keys", "q"]).await;
    host.run(&["send-keys", "echo host-says-hello", "Enter"])
        .await;

    // A read-write viewer sees the shell (through the relay's mirror) and types into it.
    let mut viewer = SshViewer::join(&ssh, 100, 30, &[]).await;
    viewer
        .wait_for("the host's output", |s| s.contains("host-says-hello"))
        .await;
    // Its size (minus the status line) becomes the host's window size.
    host.wait_for("the viewer's size", &["list-windows"], |out| {
        out.contains("[100x29]")
    })
    .await;
    viewer.type_bytes(b"echo typed-by-viewer\r").await;
    host.wait_for("the viewer's command", &["capture-pane", "-p"], |out| {
        out.lines().any(|l| l == "typed-by-viewer")
    })
    .await;
    viewer
        .wait_for("its own command's output", |s| {
            s.lines().any(|l| l.trim_end() == "typed-by-viewer")
        })
        .await;

    // A read-only viewer (compressed SSH, as `ssh -C` asks) sees the session but cannot type.
    let mut ro = SshViewer::join(&ssh_ro, 90, 25, &["-C"]).await;
    ro.wait_for("the shared shell", |s| s.contains("typed-by-viewer"))
        .await;
    ro.type_bytes(b"echo ro-must-not-run\r").await;
    ro.type_bytes(b"\x02c").await;

    // C-b c typed by the read-write viewer creates a window on the host.
    viewer.type_bytes(b"\x02c").await;
    host.wait_for("a second window", &["list-windows"], |out| {
        out.lines().count() == 2
    })
    .await;
    // A split on the host is drawn for the viewer: the pane border appears.
    host.run(&["split-window", "-h"]).await;
    host.run(&["send-keys", "echo right-side", "Enter"]).await;
    viewer
        .wait_for("the split window", |s| {
            s.contains("right-side") && s.contains('│')
        })
        .await;
    viewer
        .wait_for("both windows in the status line", |s| {
            let last = s.lines().last().unwrap_or_default().to_string();
            last.contains("0:") && last.contains("1:")
        })
        .await;
    // Nothing the read-only viewer typed ran.
    let panes = host.run(&["capture-pane", "-p", "-t", ":0"]).await;
    assert!(!panes.contains("ro-must-not-run"), "{panes}");
    let windows = host.run(&["list-windows"]).await;
    assert_eq!(windows.lines().count(), 2, "{windows}");

    // Resizing the viewer resizes the host's window.
    viewer.resize(120, 40);
    host.wait_for("the new size", &["list-windows"], |out| {
        out.contains("[120x39]")
    })
    .await;

    // The read-only viewer leaves with C-b d and is told so in tmux's words, with the name
    // the host itself gives its session.
    let session_name = host.display("#S").await;
    ro.type_bytes(b"\x02d").await;
    let tail = ro.wait_exit().await;
    assert!(
        tail.contains(&format!("[detached (from session {session_name})]\r")),
        "{tail:?}"
    );

    // The host ends: every viewer's connection ends.
    host.run(&["kill-server"]).await;
    let tail = viewer.wait_exit().await;
    assert!(tail.contains("the host ended the session"), "{tail:?}");
    drop(host);
}

/// The host scrolls back in copy mode: the viewer sees the same scrolled view with tmux's
/// position indicator, and the live screen again when the host leaves copy mode.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn viewers_follow_the_hosts_copy_mode() {
    assert!(tmate_installed());
    let relay = TestRelay::start().await;
    let host = TmateHost::start(&relay).await;
    host.run(&["send-keys", "q"]).await;
    host.run(&["send-keys", "seq 1 200", "Enter"]).await;
    host.wait_for("the output", &["capture-pane", "-p"], |out| {
        out.lines().any(|l| l == "200")
    })
    .await;
    let ssh = host.display("#{tmate_ssh}").await;
    let mut viewer = SshViewer::join(&ssh, 80, 24, &[]).await;
    viewer
        .wait_for("the live screen", |s| s.contains("200"))
        .await;
    host.run(&["copy-mode"]).await;
    host.run(&["send-keys", "PPage"]).await;
    viewer
        .wait_for("the scrolled view with its indicator", |s| {
            !s.lines().any(|l| l.trim_end() == "200")
                && s.lines()
                    .next()
                    .is_some_and(|l| l.trim_end().ends_with(']'))
        })
        .await;
    host.run(&["send-keys", "q"]).await;
    viewer
        .wait_for("the live screen again", |s| {
            s.lines().any(|l| l.trim_end() == "200")
        })
        .await;
}

/// Run the headless-browser driver (web/tests/browser.mjs) and parse its JSON report.
async fn browser(args: &[&str]) -> serde_json::Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/tests/browser.mjs");
    let output = tokio::time::timeout(
        Duration::from_secs(90),
        Command::new("node")
            .arg(script)
            .args(args)
            .stdin(Stdio::null())
            .kill_on_drop(true)
            .output(),
    )
    .await
    .expect("the browser driver finishes")
    .expect("node runs (./scripts/test installs Node.js packages and Chromium)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let report: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| {
        panic!(
            "browser driver output is not JSON ({e}): {stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    assert_eq!(report["ok"], true, "browser driver failed: {report:#}");
    report
}

/// A raw HTTP/1.1 request on loopback; returns the status line and headers.
async fn http(addr: std::net::SocketAddr, request: &str) -> String {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    let _ = tokio::time::timeout(DEADLINE, stream.read_to_end(&mut response)).await;
    String::from_utf8_lossy(&response).into_owned()
}

/// The web viewer: Chromium opens the host's `tmate_web` link, sees the shell, types into it;
/// the `tmate_web_ro` page sees but cannot type; unknown links get 404, foreign origins 403.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browsers_join_through_the_web_links() {
    assert!(tmate_installed());
    let relay =
        TestRelay::start_with(|c| c.web_listen = Some("127.0.0.1:0".parse().unwrap())).await;
    let web_addr = relay.handle.web_addr().expect("the web viewer listens");
    let host = TmateHost::start(&relay).await;
    let web = host.display("#{tmate_web}").await;
    let web_ro = host.display("#{tmate_web_ro}").await;
    assert!(
        web.starts_with(&format!("http://127.0.0.1:{}/t/", web_addr.port())),
        "{web}"
    );
    assert!(web_ro.contains("/t/ro-"), "{web_ro}");
    host.run(&["send-keys", "q"]).await;
    host.wait_for("the prompt", &["capture-pane", "-p"], |out| {
        out.contains('#')
    })
    .await;

    let shot = tempfile::tempdir().unwrap();
    let png = shot.path().join("web.png");
    let report = browser(&[
        &web,
        "--wait",
        "#",
        "--type",
        "echo web-$((6*7))-marker",
        "--then-wait",
        "web-42-marker",
        "--screenshot",
        png.to_str().unwrap(),
    ])
    .await;
    assert_eq!(report["status"], 200);
    assert!(
        report["csp"]
            .as_str()
            .is_some_and(|csp| csp.contains("script-src 'self'")),
        "{report:#}"
    );
    assert!(
        report["inkPixels"].as_u64().unwrap_or(0) > 500,
        "blank screenshot: {report:#}"
    );
    assert_eq!(report["errors"], serde_json::json!([]), "{report:#}");
    host.wait_for("the browser's command", &["capture-pane", "-p"], |out| {
        out.lines().any(|l| l == "web-42-marker")
    })
    .await;

    // Read-only page: shows the session, says so, sends nothing.
    let report = browser(&[
        &web_ro,
        "--wait",
        "web-42-marker",
        "--type",
        "echo ro-web-typed",
    ])
    .await;
    assert!(
        report["readOnlyBanner"]
            .as_str()
            .is_some_and(|b| b.starts_with("Read-only")),
        "{report:#}"
    );
    host.run(&["send-keys", "echo after-ro", "Enter"]).await;
    let screen = host
        .wait_for("a later command", &["capture-pane", "-p"], |out| {
            out.lines().any(|l| l == "after-ro")
        })
        .await;
    assert!(!screen.contains("ro-web-typed"), "{screen}");

    // Unknown links: 404; a WebSocket from another site's page: 403.
    let host_header = format!("127.0.0.1:{}", web_addr.port());
    let response = http(
        web_addr,
        &format!("GET /t/NoSuchTokenAAAAAAAAAAAAAAA HTTP/1.1\r\nHost: {host_header}\r\nConnection: close\r\n\r\n"),
    )
    .await;
    assert!(response.starts_with("HTTP/1.1 404"), "{response}");
    let token = web.rsplit('/').next().unwrap();
    let response = http(
        web_addr,
        &format!(
            "GET /ws/{token} HTTP/1.1\r\nHost: {host_header}\r\nConnection: Upgrade\r\n\
             Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: http://evil.example\r\n\r\n"
        ),
    )
    .await;
    assert!(response.starts_with("HTTP/1.1 403"), "{response}");
}
