//! The SSH front: russh configuration, one handler per TCP connection, and the role each
//! connection takes from its first channel request (`subsystem tmate` = host, `shell` = viewer).

use std::borrow::Cow;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rand::RngExt;
use russh::keys::PublicKey;
use russh::server::{Auth, ChannelOpenHandle, Msg, PublicKeyOffer, Session, VerifiedPublicKey};
use russh::{Channel, ChannelId, MethodKind, MethodSet, Preferred, compression};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

use crate::cluster::Located;
use crate::cluster::link::{self, Forward, LINK_USER};
use crate::host::{HostAction, HostConn};
use crate::registry::Found;
use crate::viewer::{self, ViewerInput, ViewerSetup};
use crate::{RelayConfig, Shared, token};

/// The user name tmate hosts log in with.
const HOST_USER: &str = "tmate";

pub fn server_config(config: &RelayConfig) -> russh::server::Config {
    let mut methods = MethodSet::empty();
    methods.push(MethodKind::None);
    methods.push(MethodKind::PublicKey);
    russh::server::Config {
        server_id: russh::SshId::Standard(Cow::Borrowed("SSH-2.0-tmate")),
        methods,
        // Refusals are only "this session needs a listed key": nothing to brute-force.
        auth_rejection_time: Duration::from_millis(0),
        auth_rejection_time_initial: Some(Duration::from_millis(0)),
        keys: config.host_keys.to_vec(),
        // Sessions are long and idle, so this is reset by any packet, keepalive answers
        // included: it drops peers that stopped answering, and bounds how long one write to a
        // peer with a full TCP window may block (and the SSH banner exchange).
        inactivity_timeout: Some(config.limits.idle_timeout),
        keepalive_interval: Some(Duration::from_secs(30)),
        keepalive_max: 4,
        nodelay: true,
        // Messages queued per connection before `Handle::data` waits: with one frame in flight
        // per viewer, this bounds what a stalled viewer can hold in memory to a few frames.
        event_buffer_size: 8,
        preferred: Preferred {
            // Protocol spec 1.3: `none` first so current libssh clients stay uncompressed,
            // plain `zlib` for libssh 0.9 (which offers no `none`); not the delayed variant.
            compression: Cow::Borrowed(&[compression::NONE, compression::ZLIB]),
            ..Preferred::default()
        },
        ..Default::default()
    }
}

/// Run one accepted TCP connection.
pub fn accept(
    shared: Arc<Shared>,
    ssh_config: Arc<russh::server::Config>,
    stream: TcpStream,
    peer: SocketAddr,
) {
    let Some(guard) = ConnectionCount::acquire(&shared, peer) else {
        drop(stream);
        return;
    };
    let _ = stream.set_nodelay(true);
    shared.metrics.accepted(crate::metrics::Transport::ssh);
    tokio::spawn(async move {
        // The count belongs to this task, so it ends with the connection however it ends (a
        // dropped stalled viewer included); the handler only may release its address early.
        let count = Arc::new(guard);
        let established = Arc::new(AtomicBool::new(false));
        let authenticated = established.clone();
        let kill = Arc::new(tokio::sync::Notify::new());
        let handler = Conn {
            shared: shared.clone(),
            peer,
            kill: kill.clone(),
            user: String::new(),
            offered_key: None,
            channel: None,
            pty_size: (80, 24),
            role: Role::None,
            established: established.clone(),
            count: Arc::downgrade(&count),
            link_peer: false,
            located: None,
        };
        let running = match russh::server::run_stream(ssh_config, stream, handler).await {
            Ok(running) => running,
            Err(error) => {
                tracing::debug!(%peer, %error, "SSH handshake failed");
                shared.metrics.handshake_failures.inc();
                return;
            }
        };
        let handle = running.handle();
        let grace = shared.config.login_grace;
        let watchdog = tokio::spawn(async move {
            tokio::time::sleep(grace).await;
            if !established.load(Ordering::Relaxed) {
                tracing::debug!(%peer, "login grace time passed");
                let _ = handle
                    .disconnect(
                        russh::Disconnect::ByApplication,
                        "Connection grace period passed".into(),
                        String::new(),
                    )
                    .await;
            }
        });
        tokio::select! {
            result = running => {
                if let Err(error) = result {
                    tracing::debug!(%peer, %error, "connection ended");
                }
            }
            // A viewer that stopped taking its output: drop the TCP connection (and whatever
            // russh still buffers for it) without waiting for its window.
            () = kill.notified() => tracing::info!(%peer, "dropping a stalled connection"),
        }
        watchdog.abort();
        if !authenticated.load(Ordering::Relaxed) {
            shared.metrics.handshake_failures.inc();
        }
    });
}

/// Counts a connection (in total and per client address) for as long as it lives, however it
/// ends. Shared by the SSH and web fronts.
pub struct ConnectionCount {
    shared: Arc<Shared>,
    ip_key: std::sync::Mutex<Option<std::net::IpAddr>>,
}

impl ConnectionCount {
    /// Count a connection from `peer`; `None` (nothing counted) past either limit.
    pub fn acquire(shared: &Arc<Shared>, peer: SocketAddr) -> Option<ConnectionCount> {
        let count = shared.connections.fetch_add(1, Ordering::Relaxed) + 1;
        let guard = ConnectionCount {
            shared: shared.clone(),
            ip_key: std::sync::Mutex::new(None),
        };
        if count > shared.config.max_connections {
            tracing::warn!(%peer, count, "too many connections; refusing");
            shared
                .metrics
                .refused(crate::metrics::Limit::max_connections);
            return None;
        }
        let limit = shared.config.limits.connections_per_ip;
        match shared.per_ip.acquire(peer.ip(), limit) {
            Some(key) => guard.set_ip_key(Some(key)),
            None => {
                tracing::warn!(%peer, limit, "too many connections from this address; refusing");
                shared
                    .metrics
                    .refused(crate::metrics::Limit::connections_per_ip);
                return None;
            }
        }
        Some(guard)
    }
}

impl ConnectionCount {
    fn set_ip_key(&self, key: Option<std::net::IpAddr>) {
        *self
            .ip_key
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = key;
    }

    /// Stop counting this connection against its address: a cluster link carries one viewer
    /// for another node, whose address is not the viewer's (the viewer was counted there).
    pub fn release_address(&self) {
        let key = self
            .ip_key
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(key) = key {
            self.shared.per_ip.release(key);
        }
    }
}

impl Drop for ConnectionCount {
    fn drop(&mut self) {
        self.shared.connections.fetch_sub(1, Ordering::Relaxed);
        self.release_address();
    }
}

enum Role {
    None,
    Host(HostConn),
    Viewer(mpsc::Sender<ViewerInput>),
    /// A refused viewer or a finished host: ignore whatever else arrives.
    Closed,
}

struct Conn {
    shared: Arc<Shared>,
    peer: SocketAddr,
    /// Told when this connection must be dropped at once (a stalled viewer).
    kill: Arc<tokio::sync::Notify>,
    user: String,
    offered_key: Option<PublicKey>,
    channel: Option<ChannelId>,
    pty_size: (u16, u16),
    role: Role,
    established: Arc<AtomicBool>,
    /// This connection's place in the connection counts (owned by the connection's task).
    count: std::sync::Weak<ConnectionCount>,
    /// Authenticated as another node of the cluster (`cluster::link`).
    link_peer: bool,
    /// In a cluster, where the user's token lives when it is not here (asked once per
    /// connection: auth methods ask several times).
    located: Option<(String, Located)>,
}

impl Conn {
    /// Whether the user may log in with `key` (None: no key). Hosts always may; viewers of a
    /// session restricted by authorized keys need a listed key; unknown tokens are let through
    /// and refused at the shell, like the original. Every answer that is not "a live token
    /// that lets this key in" first waits out this address's wrong-token penalty, so neither
    /// an unknown token nor a restricted session's refusal comes cheap to a guesser.
    async fn may_login(
        &mut self,
        user: &str,
        key: Option<&PublicKey>,
    ) -> Result<bool, russh::Error> {
        if user == HOST_USER {
            return Ok(true);
        }
        if user == LINK_USER && self.shared.cluster.is_some() {
            return Ok(self.is_cluster_key(key));
        }
        let found = token::is_well_formed(user)
            .then(|| self.shared.registry.lookup(user))
            .flatten();
        if found.is_none()
            && token::is_well_formed(user)
            && let Some(Located::Remote { owner, .. }) = self.locate(user).await
        {
            // The owner checks the key again when the link names it.
            let allowed = match key {
                Some(key) => {
                    !owner.restricted
                        || owner
                            .keys
                            .contains(&key.fingerprint(russh::keys::HashAlg::Sha256).to_string())
                }
                None => !owner.restricted,
            };
            if allowed {
                return Ok(true);
            }
        }
        let allowed = match found {
            Some(Found { session, .. }) => {
                let state = session.lock();
                let allowed = match key {
                    Some(key) => state.bindings.allows_key(key),
                    None => !state.bindings.restricted,
                };
                if allowed {
                    return Ok(true);
                }
                self.shared
                    .metrics
                    .refused(crate::metrics::Limit::authorized_keys);
                false
            }
            None => true,
        };
        if !self.shared.penalize_guess(self.peer.ip()).await {
            tracing::info!(peer = %self.peer, "too many wrong tokens; disconnecting");
            self.shared
                .metrics
                .refused(crate::metrics::Limit::token_guesses);
            return Err(russh::Error::Disconnect);
        }
        Ok(allowed)
    }

    /// Whether `key` is the cluster's host key (ours: every node has the same keys).
    fn is_cluster_key(&self, key: Option<&PublicKey>) -> bool {
        let ours = self.shared.config.host_keys.ed25519.public_key();
        let matches = key.is_some_and(|key| key.key_data() == ours.key_data());
        if key.is_some() && !matches {
            tracing::warn!(peer = %self.peer, "refused a cluster link without the cluster's key");
        }
        matches
    }

    /// In a cluster, where `token`'s session is when this node does not have it (cached).
    async fn locate(&mut self, token: &str) -> Option<&Located> {
        let cluster = self.shared.cluster.clone()?;
        if self.located.as_ref().is_none_or(|(t, _)| t != token) {
            let located = cluster.locate(token).await;
            self.located = Some((token.to_string(), located));
        }
        self.located.as_ref().map(|(_, located)| located)
    }

    fn decision(allowed: bool) -> Auth {
        if allowed {
            Auth::Accept
        } else {
            Auth::Reject {
                proceed_with_methods: None,
                partial_success: false,
            }
        }
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        if let Role::Host(host) = &mut self.role {
            host.on_disconnect();
        }
    }
}

impl russh::server::Handler for Conn {
    type Error = russh::Error;

    async fn auth_none(&mut self, user: &str) -> Result<Auth, Self::Error> {
        self.user = user.to_string();
        Ok(Self::decision(self.may_login(user, None).await?))
    }

    async fn auth_publickey_offered(
        &mut self,
        user: &str,
        offer: PublicKeyOffer<'_>,
    ) -> Result<Auth, Self::Error> {
        Ok(Self::decision(
            self.may_login(user, Some(offer.public_key)).await?,
        ))
    }

    async fn auth_publickey(
        &mut self,
        user: &str,
        key: VerifiedPublicKey<'_>,
    ) -> Result<Auth, Self::Error> {
        self.user = user.to_string();
        let allowed = self.may_login(user, Some(key.public_key)).await?;
        if allowed {
            self.offered_key = Some(key.public_key.clone());
            if user == LINK_USER && self.shared.cluster.is_some() {
                self.link_peer = true;
                if let Some(count) = self.count.upgrade() {
                    count.release_address();
                }
            }
        }
        Ok(Self::decision(allowed))
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        // One session channel per connection, as in the original.
        if self.channel.is_some() {
            reply
                .reject(russh::ChannelOpenFailure::AdministrativelyProhibited)
                .await;
            return Ok(());
        }
        self.channel = Some(channel.id());
        reply.accept().await;
        Ok(())
    }

    async fn subsystem_request(
        &mut self,
        channel: ChannelId,
        name: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        if name != "tmate" || !matches!(self.role, Role::None) || self.channel != Some(channel) {
            session.channel_failure(channel)?;
            return Ok(());
        }
        self.established.store(true, Ordering::Relaxed);
        self.role = Role::Host(HostConn::new(
            self.shared.clone(),
            session.handle(),
            channel,
            self.peer,
        ));
        session.channel_success(channel)?;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn pty_request(
        &mut self,
        channel: ChannelId,
        _term: &str,
        cols: u32,
        rows: u32,
        _pix_width: u32,
        _pix_height: u32,
        _modes: &[(russh::Pty, u32)],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.pty_size = (clamp_size(cols, 80), clamp_size(rows, 24));
        session.channel_success(channel)?;
        Ok(())
    }

    async fn shell_request(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        if !matches!(self.role, Role::None) || self.channel != Some(channel) {
            session.channel_failure(channel)?;
            return Ok(());
        }
        self.established.store(true, Ordering::Relaxed);
        session.channel_success(channel)?;
        let found = token::is_well_formed(&self.user)
            .then(|| self.shared.registry.lookup(&self.user))
            .flatten();
        if let Some(found) = found {
            let (cols, rows) = self.pty_size;
            let key = self.offered_key.as_ref().map(fingerprint);
            let transport = crate::metrics::Transport::ssh;
            self.start_viewer(
                found,
                (cols, rows),
                self.peer,
                (transport, key),
                channel,
                session,
            );
            return Ok(());
        }
        let user = self.user.clone();
        let located = match token::is_well_formed(&user) {
            true => self.locate(&user).await.cloned(),
            false => None,
        };
        match located {
            Some(Located::Remote { addr, .. }) => {
                self.forward(&addr, channel, session).await;
            }
            Some(Located::Unknown(error)) => {
                tracing::warn!(peer = %self.peer, %error, "cannot look up a token in the cluster");
                self.role = Role::Closed;
                refuse(
                    session.handle(),
                    channel,
                    "This relay node cannot reach the cluster's registry to find that session; \
                     try again in a moment\r\n",
                    Duration::ZERO,
                );
            }
            Some(Located::Nowhere) | None => {
                self.role = Role::Closed;
                tracing::info!(peer = %self.peer, token = %token::redact(&self.user), "unknown token");
                self.shared.metrics.wrong_tokens.inc();
                let (low, high) = self.shared.config.invalid_token_delay;
                let delay = rand::rng().random_range(low..=high.max(low));
                refuse(
                    session.handle(),
                    channel,
                    "Invalid or expired session token\r\n",
                    delay,
                );
            }
        }
        Ok(())
    }

    async fn exec_request(
        &mut self,
        channel: ChannelId,
        data: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        // The original only runs exec requests through its web tier; here the only one is a
        // cluster node's forwarded viewer.
        let forward = std::str::from_utf8(data).ok().and_then(Forward::decode);
        let (true, Some(forward), Role::None, true) = (
            self.link_peer,
            forward,
            &self.role,
            self.channel == Some(channel),
        ) else {
            session.channel_failure(channel)?;
            return Ok(());
        };
        self.established.store(true, Ordering::Relaxed);
        session.channel_success(channel)?;
        let found = token::is_well_formed(&forward.token)
            .then(|| self.shared.registry.lookup(&forward.token))
            .flatten();
        let Some(found) = found else {
            self.role = Role::Closed;
            refuse(
                session.handle(),
                channel,
                "Invalid or expired session token\r\n",
                Duration::ZERO,
            );
            return Ok(());
        };
        let allowed = {
            let state = found.session.lock();
            !state.bindings.restricted
                || forward
                    .public_key()
                    .is_some_and(|key| state.bindings.allows_key(&key))
        };
        if !allowed {
            self.role = Role::Closed;
            tracing::info!(peer = %forward.addr, "forwarded viewer without an authorized key");
            self.shared
                .metrics
                .refused(crate::metrics::Limit::authorized_keys);
            refuse(
                session.handle(),
                channel,
                "Permission denied: this session lets in only listed keys\r\n",
                Duration::ZERO,
            );
            return Ok(());
        }
        tracing::info!(
            session = %found.session.label(),
            peer = %forward.addr,
            via = %self.peer,
            read_only = found.read_only,
            "viewer forwarded by another node"
        );
        let key = forward.public_key().as_ref().map(fingerprint);
        self.start_viewer(
            found,
            (forward.cols, forward.rows),
            forward.addr,
            (crate::metrics::Transport::cluster, key),
            channel,
            session,
        );
        Ok(())
    }

    async fn window_change_request(
        &mut self,
        _channel: ChannelId,
        cols: u32,
        rows: u32,
        _pix_width: u32,
        _pix_height: u32,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.pty_size = (clamp_size(cols, 80), clamp_size(rows, 24));
        if let Role::Viewer(sender) = &self.role {
            let (cols, rows) = self.pty_size;
            let _ = sender.send(ViewerInput::Resize { cols, rows }).await;
        }
        Ok(())
    }

    async fn data(
        &mut self,
        channel: ChannelId,
        data: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.channel != Some(channel) {
            return Ok(());
        }
        if matches!(self.role, Role::Host(_)) {
            self.shared
                .metrics
                .bytes(crate::metrics::Direction::host_in, data.len());
        }
        match &mut self.role {
            Role::Host(host) => match host.on_data(data).await {
                HostAction::Continue => {}
                HostAction::CloseNow(last_words) => {
                    self.role = Role::Closed;
                    if !last_words.is_empty() {
                        session.data(channel, last_words)?;
                    }
                    session.eof(channel)?;
                    session.close(channel)?;
                }
                HostAction::CloseAfterQueue => self.role = Role::Closed,
            },
            // Waiting here when the viewer's task is busy pushes back on this viewer's
            // connection only.
            Role::Viewer(sender) => {
                self.shared
                    .metrics
                    .bytes(crate::metrics::Direction::viewer_in, data.len());
                let _ = sender.send(ViewerInput::Data(data.to_vec())).await;
            }
            Role::None | Role::Closed => {}
        }
        Ok(())
    }

    async fn channel_eof(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        // A viewer whose input ended (`ssh ... </dev/null`) may still watch; a host that stops
        // sending is gone.
        if matches!(self.role, Role::Viewer(_)) {
            return Ok(());
        }
        self.channel_gone(channel, session)
    }

    async fn channel_close(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.channel_gone(channel, session)
    }
}

impl Conn {
    /// Serve a viewer of a session on this node (unless it has too many viewers).
    fn start_viewer(
        &mut self,
        found: Found,
        (cols, rows): (u16, u16),
        addr: SocketAddr,
        (transport, key): (crate::metrics::Transport, Option<String>),
        channel: ChannelId,
        session: &mut Session,
    ) {
        let limit = self.shared.config.limits.viewers_per_session;
        if found.session.lock().viewers.len() >= limit {
            self.role = Role::Closed;
            tracing::warn!(session = %found.session.label(), limit, "viewer limit reached; refusing");
            self.shared
                .metrics
                .refused(crate::metrics::Limit::viewers_per_session);
            refuse(
                session.handle(),
                channel,
                "This session has too many viewers\r\n",
                Duration::ZERO,
            );
            return;
        }
        let sender = viewer::spawn(ViewerSetup {
            viewer_id: self.shared.next_viewer_id(),
            read_only: found.read_only,
            session: found.session,
            cols,
            rows,
            addr: Some(addr),
            output: viewer::ViewerOutput::Ssh {
                handle: session.handle(),
                channel,
                kill: self.kill.clone(),
            },
            timing: self.shared.config.viewer_timing,
            shared: self.shared.clone(),
            transport,
            key,
            sizing: true,
        });
        self.role = Role::Viewer(sender);
    }

    /// Forward this viewer to its session's node at `addr` (`cluster::link`).
    async fn forward(&mut self, addr: &str, channel: ChannelId, session: &mut Session) {
        let Some(cluster) = self.shared.cluster.clone() else {
            return;
        };
        let (cols, rows) = self.pty_size;
        let forward = Forward {
            token: self.user.clone(),
            addr: self.peer,
            cols,
            rows,
            key: self.offered_key.as_ref().and_then(link::encode_key),
        };
        match link::open(addr, &cluster.host_key, &forward).await {
            Ok(open) => {
                let output = viewer::ViewerOutput::Ssh {
                    handle: session.handle(),
                    channel,
                    kill: self.kill.clone(),
                };
                let stall = self.shared.config.viewer_timing.stall_limit;
                self.role = Role::Viewer(link::spawn(open, output, stall, self.shared.clone()));
            }
            Err(error) => {
                tracing::warn!(peer = %self.peer, error = %error.0, "cannot forward a viewer");
                self.role = Role::Closed;
                refuse(
                    session.handle(),
                    channel,
                    &format!("{}\r\n", error.0),
                    Duration::ZERO,
                );
            }
        }
    }

    fn channel_gone(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), russh::Error> {
        if self.channel != Some(channel) {
            return Ok(());
        }
        match std::mem::replace(&mut self.role, Role::Closed) {
            Role::Host(mut host) => {
                host.on_disconnect();
                session.close(channel)?;
            }
            // Dropping the sender ends the viewer's task, which detaches it.
            Role::Viewer(_) => {}
            Role::None | Role::Closed => {}
        }
        Ok(())
    }
}

/// Tell a viewer why it is not let in (after `delay`), then close its channel.
/// `SHA256:...`, as `ssh-keygen -l` prints it.
fn fingerprint(key: &PublicKey) -> String {
    key.fingerprint(russh::keys::HashAlg::Sha256).to_string()
}

fn refuse(handle: russh::server::Handle, channel: ChannelId, text: &str, delay: Duration) {
    let text = text.as_bytes().to_vec();
    tokio::spawn(async move {
        tokio::time::sleep(delay).await;
        let _ = handle.data(channel, text).await;
        let _ = handle.exit_status_request(channel, 1).await;
        let _ = handle.eof(channel).await;
        let _ = handle.close(channel).await;
    });
}

/// Terminal sizes from the client: zero means "unknown" in SSH; huge values are clamped.
fn clamp_size(value: u32, default: u16) -> u16 {
    match value {
        0 => default,
        v => u16::try_from(v).unwrap_or(u16::MAX).min(4096),
    }
}
