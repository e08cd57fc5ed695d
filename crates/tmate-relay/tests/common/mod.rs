//! Test harness: an in-process relay on a free loopback port, a scripted tmate host and scripted
//! viewers speaking SSH through russh's client, and readers for the recorded captures.
#![allow(dead_code)]

pub mod real;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use russh::ChannelMsg;
use russh::client;
use russh::keys::PublicKeyOrCertificate;
use tmate_proto::{DecoderConfig, ServerDecoder, ServerMessage, WireMessage};
use tmate_relay::{HostKeys, Relay, RelayConfig, RelayHandle};

/// Generous deadline for anything a test waits for (the machine is shared and slow).
pub const DEADLINE: Duration = Duration::from_secs(20);

pub struct TestRelay {
    pub handle: RelayHandle,
    pub addr: SocketAddr,
}

impl TestRelay {
    pub async fn start() -> TestRelay {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(adjust: impl FnOnce(&mut RelayConfig)) -> TestRelay {
        let keys = HostKeys::ephemeral().unwrap();
        let mut config = RelayConfig::new(
            vec!["127.0.0.1:0".parse().unwrap()],
            "127.0.0.1".to_string(),
            keys,
        );
        adjust(&mut config);
        let relay = Relay::bind(config).await.unwrap();
        let handle = relay.handle();
        let addr = handle.local_addrs()[0];
        tokio::spawn(relay.serve());
        TestRelay { handle, addr }
    }
}

impl Drop for TestRelay {
    fn drop(&mut self) {
        self.handle.shutdown();
    }
}

pub struct AcceptAnyKey;

impl client::Handler for AcceptAnyKey {
    type Error = russh::Error;

    async fn check_server_key(&mut self, _: &PublicKeyOrCertificate) -> Result<bool, Self::Error> {
        Ok(true)
    }
}

async fn ssh_connect(addr: SocketAddr, user: &str) -> (client::Handle<AcceptAnyKey>, bool) {
    ssh_connect_with(addr, user, client::Config::default().window_size).await
}

async fn ssh_connect_with(
    addr: SocketAddr,
    user: &str,
    window_size: u32,
) -> (client::Handle<AcceptAnyKey>, bool) {
    let config = Arc::new(client::Config {
        nodelay: true,
        window_size,
        ..Default::default()
    });
    let mut handle = client::connect(config, addr, AcceptAnyKey).await.unwrap();
    let auth = handle.authenticate_none(user).await.unwrap();
    let ok = auth.success();
    (handle, ok)
}

/// Whether `user` can log in with `none` over `stream` (None: the relay dropped the connection
/// before answering).
pub async fn ssh_login_stream(stream: tokio::net::TcpStream, user: &str) -> Option<bool> {
    let config = Arc::new(client::Config::default());
    let mut handle = client::connect_stream(config, stream, AcceptAnyKey)
        .await
        .ok()?;
    let result = handle.authenticate_none(user).await.ok()?;
    Some(result.success())
}

/// Log in with `none` over `stream` and keep the connection (None: dropped before answering).
pub async fn ssh_login_keep(
    stream: tokio::net::TcpStream,
    user: &str,
) -> Option<(client::Handle<AcceptAnyKey>, bool)> {
    let config = Arc::new(client::Config::default());
    let mut handle = client::connect_stream(config, stream, AcceptAnyKey)
        .await
        .ok()?;
    let result = handle.authenticate_none(user).await.ok()?;
    Some((handle, result.success()))
}

/// Whether `user` can log in with `key` (or with `none` when `key` is None).
pub async fn ssh_login(
    addr: SocketAddr,
    user: &str,
    key: Option<&russh::keys::PrivateKey>,
) -> bool {
    let config = Arc::new(client::Config::default());
    let mut handle = client::connect(config, addr, AcceptAnyKey).await.unwrap();
    let result = match key {
        None => handle.authenticate_none(user).await.unwrap(),
        Some(key) => handle
            .authenticate_publickey(
                user,
                russh::keys::PrivateKeyWithHashAlg::new(Arc::new(key.clone()), None),
            )
            .await
            .unwrap(),
    };
    result.success()
}

/// A scripted tmate host: sends protocol bytes, reads the relay's messages.
pub struct ScriptedHost {
    _ssh: client::Handle<AcceptAnyKey>,
    channel: russh::Channel<client::Msg>,
    decoder: ServerDecoder,
    pub closed: bool,
}

impl ScriptedHost {
    pub async fn connect(addr: SocketAddr) -> ScriptedHost {
        let (ssh, ok) = ssh_connect(addr, "tmate").await;
        assert!(ok, "a host logs in with `none`");
        ScriptedHost::open(ssh).await
    }

    /// The `tmate` subsystem on a logged-in connection.
    async fn open(ssh: client::Handle<AcceptAnyKey>) -> ScriptedHost {
        let channel = ssh.channel_open_session().await.unwrap();
        channel.request_subsystem(true, "tmate").await.unwrap();
        ScriptedHost {
            _ssh: ssh,
            channel,
            decoder: ServerDecoder::new(DecoderConfig::server_stream()),
            closed: false,
        }
    }

    pub async fn send_bytes(&self, bytes: &[u8]) {
        self.channel.data_bytes(bytes.to_vec()).await.unwrap();
    }

    /// Send, without failing when the relay has closed the channel or stopped reading it (a
    /// hostile host's writes): `false` then.
    pub async fn try_send_bytes(&self, bytes: &[u8]) -> bool {
        let sent = self.channel.data_bytes(bytes.to_vec());
        matches!(
            tokio::time::timeout(Duration::from_secs(5), sent).await,
            Ok(Ok(()))
        )
    }

    /// Connect a host through an already-open stream (e.g. a proxy's), as `connect` does.
    pub async fn connect_stream(stream: tokio::net::TcpStream) -> ScriptedHost {
        let config = Arc::new(client::Config {
            nodelay: true,
            ..Default::default()
        });
        let mut ssh = client::connect_stream(config, stream, AcceptAnyKey)
            .await
            .unwrap();
        assert!(ssh.authenticate_none("tmate").await.unwrap().success());
        ScriptedHost::open(ssh).await
    }

    pub async fn send(&self, messages: &[tmate_proto::HostMessage]) {
        let bytes: Vec<u8> = messages.iter().flat_map(WireMessage::encode).collect();
        self.send_bytes(&bytes).await;
    }

    /// The next message from the relay, or `None` if the channel closed or the deadline passed.
    pub async fn recv(&mut self) -> Option<ServerMessage> {
        self.recv_within(DEADLINE).await
    }

    pub async fn recv_within(&mut self, limit: Duration) -> Option<ServerMessage> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(message) = self.decoder.next_message() {
                return Some(message.unwrap());
            }
            if self.closed {
                return None;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, self.channel.wait()).await {
                Err(_) => return None,
                Ok(None) | Ok(Some(ChannelMsg::Close)) | Ok(Some(ChannelMsg::Eof)) => {
                    self.closed = true;
                }
                Ok(Some(ChannelMsg::Data { data })) => self.decoder.feed(&data),
                Ok(Some(_)) => {}
            }
        }
    }

    /// Messages until one matches `stop` (included); panics at the deadline.
    pub async fn recv_until(
        &mut self,
        stop: impl Fn(&ServerMessage) -> bool,
    ) -> Vec<ServerMessage> {
        let mut out = Vec::new();
        loop {
            let message = self
                .recv()
                .await
                .unwrap_or_else(|| panic!("relay went quiet or closed; got so far: {out:?}"));
            let done = stop(&message);
            out.push(message);
            if done {
                return out;
            }
        }
    }

    /// Wait until the relay closes the host's channel.
    pub async fn expect_closed(&mut self) -> Vec<ServerMessage> {
        let mut out = Vec::new();
        while let Some(message) = self.recv().await {
            out.push(message);
        }
        assert!(
            self.closed,
            "the relay did not close the host connection; got {out:?}"
        );
        out
    }
}

/// The values of SET_ENV in a burst.
pub fn env(messages: &[ServerMessage], name: &str) -> Option<String> {
    messages.iter().rev().find_map(|m| match m {
        ServerMessage::SetEnv { name: n, value } if n.as_bytes() == name.as_bytes() => {
            Some(value.to_string_lossy())
        }
        _ => None,
    })
}

/// The token in `ssh -pPORT TOKEN@HOST`.
pub fn token_of(ssh_command: &str) -> String {
    ssh_command
        .split_whitespace()
        .last()
        .and_then(|s| s.split('@').next())
        .unwrap()
        .to_string()
}

/// A scripted viewer: an SSH client with a pty and a shell, its output in a vt100 screen.
pub struct ScriptedViewer {
    _ssh: client::Handle<AcceptAnyKey>,
    channel: russh::Channel<client::Msg>,
    pub screen: vt100::Parser,
    pub raw: Vec<u8>,
    pub closed: bool,
}

impl ScriptedViewer {
    pub async fn connect(addr: SocketAddr, token: &str, cols: u16, rows: u16) -> ScriptedViewer {
        Self::connect_with_window(
            addr,
            token,
            cols,
            rows,
            client::Config::default().window_size,
        )
        .await
    }

    /// A viewer whose SSH window (what the relay may send before it reads) is `window_size`.
    pub async fn connect_with_window(
        addr: SocketAddr,
        token: &str,
        cols: u16,
        rows: u16,
        window_size: u32,
    ) -> ScriptedViewer {
        let (ssh, ok) = ssh_connect_with(addr, token, window_size).await;
        assert!(ok, "viewers log in without a key");
        let channel = ssh.channel_open_session().await.unwrap();
        channel
            .request_pty(true, "xterm-256color", cols.into(), rows.into(), 0, 0, &[])
            .await
            .unwrap();
        channel.request_shell(true).await.unwrap();
        ScriptedViewer {
            _ssh: ssh,
            channel,
            screen: vt100::Parser::new(nonzero(rows), nonzero(cols), 0),
            raw: Vec::new(),
            closed: false,
        }
    }

    pub async fn channel_wait(&mut self) -> Option<ChannelMsg> {
        self.channel.wait().await
    }

    pub async fn type_bytes(&self, bytes: &[u8]) {
        self.channel.data_bytes(bytes.to_vec()).await.unwrap();
    }

    pub async fn resize(&mut self, cols: u16, rows: u16) {
        self.channel
            .window_change(cols.into(), rows.into(), 0, 0)
            .await
            .unwrap();
        self.screen
            .screen_mut()
            .set_size(nonzero(rows), nonzero(cols));
    }

    /// Read output until `done(screen text, raw bytes)` holds or the deadline passes.
    pub async fn wait_for(&mut self, what: &str, done: impl Fn(&vt100::Screen, &[u8]) -> bool) {
        let deadline = Instant::now() + DEADLINE;
        while !done(self.screen.screen(), &self.raw) {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero() && !self.closed,
                "viewer never saw {what} ({} bytes received: {:?}, closed: {}); screen:\n{}",
                self.raw.len(),
                String::from_utf8_lossy(&self.raw[..self.raw.len().min(400)]),
                self.closed,
                self.screen.screen().contents()
            );
            self.pump(left).await;
        }
    }

    /// Read whatever arrives within `limit`.
    pub async fn pump(&mut self, limit: Duration) {
        match tokio::time::timeout(limit, self.channel.wait()).await {
            Err(_) => {}
            Ok(None) | Ok(Some(ChannelMsg::Close)) => self.closed = true,
            Ok(Some(ChannelMsg::Data { data })) => {
                self.screen.process(&data);
                self.raw.extend_from_slice(&data);
            }
            Ok(Some(_)) => {}
        }
    }

    /// Wait until the relay closes this viewer's channel.
    pub async fn wait_closed(&mut self) {
        let deadline = Instant::now() + DEADLINE;
        while !self.closed {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "viewer was not disconnected");
            self.pump(left).await;
        }
    }
}

/// The concatenated bytes of one direction of a capture.
pub fn capture_stream(name: &str, direction: &str) -> Vec<u8> {
    tmate_fixtures::stream(name, direction)
}

/// The messages of one direction of a capture, decoded.
pub fn capture_host_messages(name: &str) -> Vec<tmate_proto::HostMessage> {
    let bytes = capture_stream(name, "host-to-server");
    let mut decoder = tmate_proto::HostDecoder::new(DecoderConfig::host_stream());
    decoder.feed(&bytes);
    decoder.map(|m| m.unwrap()).collect()
}

pub fn capture_server_messages(name: &str) -> Vec<ServerMessage> {
    let bytes = capture_stream(name, "server-to-host");
    let mut decoder = ServerDecoder::new(DecoderConfig::server_stream());
    decoder.feed(&bytes);
    decoder.map(|m| m.unwrap()).collect()
}

pub fn nonzero(v: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(v.max(1)).unwrap()
}

/// The `tmate-ssh-server` binary on free loopback ports, with its own key directory.
pub struct RelayProcess {
    pub child: tokio::process::Child,
    pub addr: SocketAddr,
    _dir: tempfile::TempDir,
    pub log: std::path::PathBuf,
    /// The web viewer's address (`start_web`).
    pub web: Option<SocketAddr>,
    /// `--metrics-addr`'s address, when given.
    pub metrics: Option<SocketAddr>,
    /// `SHA256:...` of its ed25519 host key, as the banner prints it.
    pub fingerprint: String,
}

impl RelayProcess {
    /// The relay binary without its web viewer, `extra` flags after the test's own.
    pub async fn start(extra: &[&str]) -> RelayProcess {
        RelayProcess::start_full(extra, false).await
    }

    /// As `start`, with the web viewer on a free port.
    pub async fn start_web(extra: &[&str]) -> RelayProcess {
        RelayProcess::start_full(extra, true).await
    }

    async fn start_full(extra: &[&str], web: bool) -> RelayProcess {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("relay.log");
        let web_flags: &[&str] = if web {
            &["--web-port", "0", "--web-bind", "127.0.0.1"]
        } else {
            &["--no-web"]
        };
        let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_tmate-ssh-server"))
            .args(["-b", "127.0.0.1", "-p", "0", "-h", "127.0.0.1"])
            .args(web_flags)
            .arg("-k")
            .arg(dir.path())
            .arg("-l")
            .arg(&log)
            .args(extra)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let mut lines = tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(
            child.stdout.take().unwrap(),
        ));
        let mut addr = None;
        let (mut web, mut metrics, mut fingerprint) = (None, None, String::new());
        let mut sandboxed = false;
        let deadline = Instant::now() + DEADLINE;
        while addr.is_none() || !sandboxed {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = tokio::time::timeout(left, lines.next_line())
                .await
                .expect("the relay did not start")
                .unwrap()
                .expect("the relay exited");
            if let Some(rest) = line.strip_prefix("tmate-ssh-server listening on ") {
                addr = rest.trim().parse().ok();
            }
            if let Some(rest) = line.strip_prefix("web viewer on ") {
                web = rest.split(',').next().and_then(|a| a.trim().parse().ok());
            }
            if let Some(rest) = line.strip_prefix("metrics on http://") {
                metrics = rest.split('/').next().and_then(|a| a.parse().ok());
            }
            if let Some(rest) = line.strip_prefix("ed25519 fingerprint: ") {
                fingerprint = rest.trim().to_string();
            }
            sandboxed |= line.starts_with("sandbox: ");
        }
        // Keep draining its output so it never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        RelayProcess {
            child,
            addr: addr.unwrap(),
            _dir: dir,
            log,
            web,
            metrics,
            fingerprint,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id().unwrap()
    }

    /// User plus system CPU time used so far (from /proc).
    pub fn cpu_time(&self) -> Duration {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).unwrap();
        let after_name = stat.rsplit_once(')').unwrap().1;
        let fields: Vec<&str> = after_name.split_whitespace().collect();
        // Fields 14 and 15 of stat (utime, stime), counted from the state field (3).
        let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
        Duration::from_millis(ticks * 10)
    }

    pub fn status(&self, field: &str) -> String {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix(field))
            .unwrap_or_default()
            .trim()
            .to_string()
    }
}

/// One HTTP GET on loopback: (status code, body).
pub async fn get(addr: SocketAddr, path: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    tokio::time::timeout(DEADLINE, stream.read_to_end(&mut response))
        .await
        .expect("the metrics listener answers")
        .unwrap();
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_string())
        .unwrap_or_default();
    (status, body)
}

/// The value of the sample `series` (name with its labels, as printed) in `text`.
pub fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .find_map(|line| {
            let (name, value) = line.rsplit_once(' ')?;
            (name == series).then(|| value.parse().ok()).flatten()
        })
}

/// Scrape until `check` holds (a described condition, generous deadline); the last scrape.
pub async fn scrape_until(metrics: SocketAddr, what: &str, check: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + DEADLINE;
    loop {
        let (status, text) = get(metrics, "/metrics").await;
        assert_eq!(status, 200, "{text}");
        if check(&text) {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "metrics never showed {what}:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Run openssl in `dir`; its standard output. Panics with its errors when it fails.
pub fn openssl(dir: &std::path::Path, args: &[&str]) -> Vec<u8> {
    let out = std::process::Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl runs (./scripts/test installs it)");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// A certificate `name.pem` with key `name.key` in `dir`, signed by the test CA there
/// (`ca.pem`, `ca.key`, made on first use), with `extensions` (openssl `-extfile` lines, e.g.
/// `subjectAltName=IP:127.0.0.1`). P-256 keys, valid for two days.
pub fn signed_certificate(dir: &std::path::Path, name: &str, extensions: &str) {
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
    ];
    if !dir.join("ca.pem").exists() {
        let ca = [
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=test CA",
        ];
        openssl(dir, &[&["req", "-x509"][..], &ec, &ca].concat());
    }
    let (key, csr, pem, ext) = (
        format!("{name}.key"),
        format!("{name}.csr"),
        format!("{name}.pem"),
        format!("{name}.ext"),
    );
    std::fs::write(dir.join(&ext), extensions).unwrap();
    let subject = format!("/CN=test-{name}");
    let request = ["-keyout", &key, "-out", &csr, "-subj", &subject];
    openssl(dir, &[&["req"][..], &ec, &request].concat());
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-out",
            &pem,
            "-extfile",
            &ext,
        ],
    );
}
