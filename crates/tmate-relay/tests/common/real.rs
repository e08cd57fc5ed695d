//! Real programs for the end-to-end tests: Debian's tmate 2.4 as a headless host, OpenSSH
//! viewers on ptys (`tmate_fixtures::pty_client`, re-exported as `SshViewer`), the
//! headless-browser driver and raw HTTP.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::process::Command;

use tmate_fixtures::pty_client::{Drained, PtyClient};

use super::{DEADLINE, TestRelay};

/// An OpenSSH client on a pty (`SshViewer::ssh`), its screen decoded by vt100.
pub type SshViewer = PtyClient;

/// What a test adds to a host's start: config lines (each ending in a newline) and flags
/// before the command (`-n NAME`).
#[derive(Default)]
pub struct Extra<'a> {
    pub conf: &'a str,
    pub flags: &'a [&'a str],
}

/// A headless tmate host with its own HOME, config and socket.
pub struct TmateHost {
    pub dir: tempfile::TempDir,
    pub socket: PathBuf,
    /// The program and its leading arguments (`tmate`, or tmate inside a mount namespace).
    pub program: Vec<String>,
    /// An attached client on a pty, once `attach_client` made one (tmate 2.4's
    /// `show-messages` needs a client).
    client: std::sync::Mutex<Option<Drained>>,
}

impl TmateHost {
    pub async fn start(relay: &TestRelay) -> TmateHost {
        TmateHost::start_on(
            "127.0.0.1",
            relay.addr.port(),
            &relay.handle.config().host_keys.ed25519_fingerprint(),
        )
        .await
    }

    /// A host sharing through the relay at `host:port` with this ed25519 fingerprint.
    pub async fn start_on(host: &str, port: u16, fingerprint: &str) -> TmateHost {
        TmateHost::start_with(host, port, fingerprint, None).await
    }

    /// As `start_on`, with `hosts` bind-mounted over /etc/hosts for tmate (a private mount
    /// namespace, `unshare -m`): a relay name that resolves to several loopback addresses.
    pub async fn start_with(
        host: &str,
        port: u16,
        fingerprint: &str,
        hosts: Option<&Path>,
    ) -> TmateHost {
        TmateHost::start_program("tmate", host, port, fingerprint, hosts).await
    }

    /// As `start_with`, running `tmate` (a path: e.g. our own build instead of Debian's).
    pub async fn start_program(
        tmate: &str,
        host: &str,
        port: u16,
        fingerprint: &str,
        hosts: Option<&Path>,
    ) -> TmateHost {
        TmateHost::start_extra(tmate, (host, port, fingerprint), hosts, &Extra::default()).await
    }

    /// As `start_program` with `extra` config lines and flags (the relay as host, port,
    /// fingerprint).
    pub async fn start_extra(
        tmate: &str,
        relay: (&str, u16, &str),
        hosts: Option<&Path>,
        extra: &Extra<'_>,
    ) -> TmateHost {
        let (host, port, fingerprint) = relay;
        let program = match hosts {
            None => vec![tmate.to_string()],
            Some(hosts) => vec![
                "unshare".into(),
                "-m".into(),
                "sh".into(),
                "-c".into(),
                format!(
                    "mount --bind '{}' /etc/hosts && exec '{tmate}' \"$@\"",
                    hosts.display()
                ),
                "sh".into(),
            ],
        };
        let dir = tempfile::tempdir().unwrap();
        let conf = dir.path().join("tmate.conf");
        std::fs::write(
            &conf,
            format!(
                "set -g tmate-server-host {host}\nset -g tmate-server-port {port}\n\
                 set -g tmate-server-ed25519-fingerprint {fingerprint}\n{}",
                extra.conf
            ),
        )
        .unwrap();
        let socket = dir.path().join("tmate.sock");
        let host = TmateHost {
            dir,
            socket,
            program,
            client: std::sync::Mutex::new(None),
        };
        let start = [
            "new-session",
            "-d",
            "-x",
            "80",
            "-y",
            "24",
            "bash --norc --noprofile",
        ];
        host.run(&[&["-f", conf.to_str().unwrap()][..], extra.flags, &start].concat())
            .await;
        host.run(&["wait", "tmate-ready"]).await;
        host
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(&self.program[0]);
        command
            .args(&self.program[1..])
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
    pub async fn run(&self, args: &[&str]) -> String {
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

    /// Leave Debian tmate's tips screen (`q`) and wait for the shell's prompt.
    pub async fn past_tips(&self) {
        self.run(&["send-keys", "q"]).await;
        self.wait_for("the prompt", &["capture-pane", "-p"], |out| {
            out.contains("bash-")
        })
        .await;
    }

    /// Attach a client on an 80x25 pty (once), as a user's terminal would be; what it draws
    /// is read and dropped.
    pub fn attach_client(&self) {
        let mut client = self.client.lock().unwrap();
        if client.is_some() {
            return;
        }
        let attach = self.command(&["attach"]);
        let child = PtyClient::spawn(attach.as_std(), 80, 25, "tmate").drain();
        *client = Some(child);
    }

    /// The host's message log (`show-messages`, through an attached client).
    pub async fn messages(&self) -> String {
        self.attach_client();
        let deadline = Instant::now() + DEADLINE;
        loop {
            let output = self.command(&["show-messages"]).output().await.unwrap();
            if output.status.success() {
                return String::from_utf8_lossy(&output.stdout).into_owned();
            }
            assert!(Instant::now() < deadline, "show-messages never worked");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn display(&self, format: &str) -> String {
        self.run(&["display", "-p", format])
            .await
            .trim()
            .to_string()
    }

    /// Poll the host until `check` holds for the output of `args`.
    pub async fn wait_for(
        &self,
        what: &str,
        args: &[&str],
        check: impl Fn(&str) -> bool,
    ) -> String {
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

pub fn tmate_installed() -> bool {
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

/// Run the headless-browser driver (web/tests/browser.mjs) and parse its JSON report.
pub async fn browser(args: &[&str]) -> serde_json::Value {
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
pub async fn http(addr: std::net::SocketAddr, request: &str) -> String {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    let _ = tokio::time::timeout(DEADLINE, stream.read_to_end(&mut response)).await;
    String::from_utf8_lossy(&response).into_owned()
}
