//! Owns the in-process relay of the tests and what talks to it over SSH (russh's client): a
//! relay on a free loopback port ([`TestRelay`]) or one that can be killed and brought back
//! ([`KillableRelay`]), logins, a scripted tmate host speaking the
//! protocol ([`ScriptedHost`], and the session start tmate 2.4 sends) and scripted viewers with
//! a pty, a shell and a vt100 screen ([`ScriptedViewer`]).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use russh::ChannelMsg;
use russh::client;
use russh::keys::PublicKeyOrCertificate;
use tmate_proto::message::{Layout, LayoutPane, LayoutWindow};
use tmate_proto::{DecoderConfig, HostMessage, ServerDecoder, ServerMessage, WireMessage};
use tmate_relay::{HostKeys, Relay, RelayConfig, RelayHandle};

use crate::{DEADLINE, nonzero};

/// A relay in this process on a free port of 127.0.0.1 with throwaway host keys; shut down
/// when dropped.
pub struct TestRelay {
    pub handle: RelayHandle,
    pub addr: SocketAddr,
}

impl TestRelay {
    pub async fn start() -> TestRelay {
        Self::start_with(|_| {}).await
    }

    /// As `start`, with `adjust` applied to the configuration before the relay binds.
    pub async fn start_with(adjust: impl FnOnce(&mut RelayConfig)) -> TestRelay {
        let keys = HostKeys::ephemeral().expect("host keys");
        let mut config = RelayConfig::new(
            vec![SocketAddr::from(([127, 0, 0, 1], 0))],
            "127.0.0.1".to_string(),
            keys,
        );
        adjust(&mut config);
        let relay = Relay::bind(config).await.expect("the relay binds");
        let handle = relay.handle();
        let addr = *handle.local_addrs().first().expect("a listening address");
        tokio::spawn(relay.serve());
        TestRelay { handle, addr }
    }

    /// The tmate config lines that share through this relay (host, port, fingerprints).
    pub fn tmate_conf(&self) -> String {
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

/// A relay in its own runtime, so "killing" it drops every connection at once (like a process
/// dying) and it can come back on the same port with the same keys and secret (`port` 0 the
/// first time: a free one).
pub struct KillableRelay {
    runtime: Option<tokio::runtime::Runtime>,
    pub keys: HostKeys,
    pub secret: Vec<u8>,
    pub addr: SocketAddr,
}

impl KillableRelay {
    pub fn start(keys: HostKeys, secret: Vec<u8>, port: u16) -> KillableRelay {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a runtime for the relay");
        let deadline = Instant::now() + DEADLINE;
        // The old listener's port may take a moment to be free again.
        let addr = loop {
            let mut config = RelayConfig::new(
                vec![SocketAddr::from(([127, 0, 0, 1], port))],
                "127.0.0.1".to_string(),
                keys.clone(),
            );
            config.reconnect_secret = secret.clone();
            let (tx, rx) = std::sync::mpsc::channel();
            runtime.spawn(async move {
                match Relay::bind(config).await {
                    Ok(relay) => {
                        let _ = tx.send(Some(relay.local_addrs()[0]));
                        let _ = relay.serve().await;
                    }
                    Err(_) => {
                        let _ = tx.send(None);
                    }
                }
            });
            match rx.recv_timeout(DEADLINE).expect("the relay binds or fails") {
                Some(addr) => break addr,
                None => {
                    assert!(Instant::now() < deadline, "cannot re-bind port {port}");
                    std::thread::sleep(Duration::from_millis(50));
                }
            }
        };
        KillableRelay {
            runtime: Some(runtime),
            keys,
            secret,
            addr,
        }
    }

    pub fn kill(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

impl Drop for KillableRelay {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Test relays have throwaway host keys: any is accepted.
pub struct AcceptAnyKey;

impl client::Handler for AcceptAnyKey {
    type Error = russh::Error;

    async fn check_server_key(&mut self, _: &PublicKeyOrCertificate) -> Result<bool, Self::Error> {
        Ok(true)
    }
}

/// Connect to `addr` and try `none` as `user`: the connection and whether it logged in.
pub async fn ssh_connect(addr: SocketAddr, user: &str) -> (client::Handle<AcceptAnyKey>, bool) {
    ssh_connect_with(addr, user, client::Config::default().window_size).await
}

/// As `ssh_connect`, with this SSH window (what the relay may send before the client reads).
pub async fn ssh_connect_with(
    addr: SocketAddr,
    user: &str,
    window_size: u32,
) -> (client::Handle<AcceptAnyKey>, bool) {
    let config = client::Config {
        nodelay: true,
        window_size,
        ..Default::default()
    };
    try_login(Arc::new(config), addr, user)
        .await
        .expect("ssh connection")
}

/// Connect with `config` and try `none` as `user`, errors returned (the bench's scripted hosts
/// count them instead of failing).
pub async fn try_login(
    config: Arc<client::Config>,
    addr: impl tokio::net::ToSocketAddrs,
    user: &str,
) -> Result<(client::Handle<AcceptAnyKey>, bool), russh::Error> {
    let mut handle = client::connect(config, addr, AcceptAnyKey).await?;
    let ok = handle.authenticate_none(user).await?.success();
    Ok((handle, ok))
}

/// Whether `user` can log in with `none` over `stream` (None: the relay dropped the connection
/// before answering).
pub async fn ssh_login_stream(stream: tokio::net::TcpStream, user: &str) -> Option<bool> {
    ssh_login_keep(stream, user).await.map(|(_, ok)| ok)
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
    let mut handle = client::connect(config, addr, AcceptAnyKey)
        .await
        .expect("ssh connection");
    let result = match key {
        None => handle.authenticate_none(user).await,
        Some(key) => {
            handle
                .authenticate_publickey(
                    user,
                    russh::keys::PrivateKeyWithHashAlg::new(Arc::new(key.clone()), None),
                )
                .await
        }
    };
    result.expect("ssh authentication").success()
}

/// The `tmate` subsystem on a logged-in connection, as a host opens it.
pub async fn open_tmate_channel(
    ssh: &client::Handle<AcceptAnyKey>,
) -> Result<russh::Channel<client::Msg>, russh::Error> {
    let channel = ssh.channel_open_session().await?;
    channel.request_subsystem(true, "tmate").await?;
    Ok(channel)
}

/// What tmate 2.4 sends when its session starts: HEADER, UNAME, READY, the layout of one 80x24
/// window with one pane, and a prompt in it.
pub fn tmate_start(nodename: &str) -> Vec<HostMessage> {
    vec![
        HostMessage::Header {
            protocol: 6,
            version: Some("2.4.0".into()),
        },
        HostMessage::Uname {
            sysname: "Linux".into(),
            nodename: nodename.into(),
            release: "6".into(),
            version: "#1".into(),
            machine: "x86_64".into(),
        },
        HostMessage::Ready,
        HostMessage::SyncLayout(Layout {
            sx: 80,
            sy: 24,
            windows: vec![LayoutWindow {
                idx: 0,
                name: "bash".into(),
                panes: vec![LayoutPane {
                    id: 0,
                    sx: 80,
                    sy: 24,
                    xoff: 0,
                    yoff: 0,
                }],
                active_pane_id: 0,
            }],
            active_window_idx: 0,
        }),
        HostMessage::PtyData {
            pane_id: 0,
            data: "$ ".into(),
        },
    ]
}

/// Messages as they go on the wire.
pub fn encode(messages: &[HostMessage]) -> Vec<u8> {
    messages.iter().flat_map(WireMessage::encode).collect()
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

    /// Connect a host through an already-open stream (e.g. a proxy's), as `connect` does.
    pub async fn connect_stream(stream: tokio::net::TcpStream) -> ScriptedHost {
        let config = Arc::new(client::Config {
            nodelay: true,
            ..Default::default()
        });
        let mut ssh = client::connect_stream(config, stream, AcceptAnyKey)
            .await
            .expect("ssh connection");
        assert!(
            ssh.authenticate_none("tmate")
                .await
                .expect("ssh authentication")
                .success()
        );
        ScriptedHost::open(ssh).await
    }

    async fn open(ssh: client::Handle<AcceptAnyKey>) -> ScriptedHost {
        let channel = open_tmate_channel(&ssh).await.expect("the tmate subsystem");
        ScriptedHost {
            _ssh: ssh,
            channel,
            decoder: ServerDecoder::new(DecoderConfig::server_stream()),
            closed: false,
        }
    }

    pub async fn send_bytes(&self, bytes: &[u8]) {
        self.channel
            .data_bytes(bytes.to_vec())
            .await
            .expect("send to the relay");
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

    pub async fn send(&self, messages: &[HostMessage]) {
        self.send_bytes(&encode(messages)).await;
    }

    /// The next message from the relay, or `None` if the channel closed or the deadline passed.
    pub async fn recv(&mut self) -> Option<ServerMessage> {
        self.recv_within(DEADLINE).await
    }

    pub async fn recv_within(&mut self, limit: Duration) -> Option<ServerMessage> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(message) = self.decoder.next_message() {
                return Some(message.expect("a message the relay may send"));
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

/// The last value of SET_ENV `name` in a burst.
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
        .unwrap_or_else(|| panic!("no token in {ssh_command:?}"))
        .to_string()
}

/// A scripted viewer, as `ssh TOKEN@relay` would be: an SSH client with a pty and a shell, its
/// output in a vt100 screen.
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
        ScriptedViewer::open(ssh, cols, rows)
            .await
            .expect("a pty and a shell")
    }

    /// As `connect`, `None` where it would fail (the relay does not know the token yet).
    pub async fn try_connect(
        addr: SocketAddr,
        token: &str,
        cols: u16,
        rows: u16,
    ) -> Option<ScriptedViewer> {
        let config = Arc::new(client::Config::default());
        let (ssh, ok) = try_login(config, addr, token).await.ok()?;
        if !ok {
            return None;
        }
        ScriptedViewer::open(ssh, cols, rows).await.ok()
    }

    async fn open(
        ssh: client::Handle<AcceptAnyKey>,
        cols: u16,
        rows: u16,
    ) -> Result<ScriptedViewer, russh::Error> {
        let channel = ssh.channel_open_session().await?;
        channel
            .request_pty(true, "xterm-256color", cols.into(), rows.into(), 0, 0, &[])
            .await?;
        channel.request_shell(true).await?;
        Ok(ScriptedViewer {
            _ssh: ssh,
            channel,
            screen: vt100::Parser::new(nonzero(rows), nonzero(cols), 0),
            raw: Vec::new(),
            closed: false,
        })
    }

    pub async fn channel_wait(&mut self) -> Option<ChannelMsg> {
        self.channel.wait().await
    }

    pub async fn type_bytes(&self, bytes: &[u8]) {
        self.channel
            .data_bytes(bytes.to_vec())
            .await
            .expect("send to the relay");
    }

    pub async fn resize(&mut self, cols: u16, rows: u16) {
        self.channel
            .window_change(cols.into(), rows.into(), 0, 0)
            .await
            .expect("window change");
        self.screen
            .screen_mut()
            .set_size(nonzero(rows), nonzero(cols));
    }

    /// Read output until `done(screen, raw bytes)` holds; fails the test at the deadline or
    /// when the relay closes the channel first.
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

    /// As `wait_for`, on the screen's text.
    pub async fn wait_text(&mut self, what: &str, done: impl Fn(&str) -> bool) {
        self.wait_for(what, |screen, _| done(&screen.contents()))
            .await;
    }

    /// Read whatever arrives within `limit` (one message).
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_scripted_host_shares_and_a_scripted_viewer_sees_it() {
        let relay = TestRelay::start().await;
        let mut host = ScriptedHost::connect(relay.addr).await;
        host.send(&tmate_start("fixtures")).await;
        let burst = host.recv_until(|m| matches!(m, ServerMessage::Ready)).await;
        let ssh = env(&burst, "tmate_ssh").expect("the ssh line");
        let token = token_of(&ssh);
        let mut viewer = ScriptedViewer::connect(relay.addr, &token, 80, 25).await;
        viewer.wait_text("the prompt", |t| t.starts_with('$')).await;
        host.send(&[HostMessage::PtyData {
            pane_id: 0,
            data: "hello".into(),
        }])
        .await;
        viewer
            .wait_text("the output", |t| t.starts_with("$ hello"))
            .await;
        let mut late = ScriptedViewer::try_connect(relay.addr, &token, 80, 25)
            .await
            .expect("a second viewer");
        late.wait_text("the output", |t| t.starts_with("$ hello"))
            .await;
    }
}
