//! A host's connection (the `tmate` subsystem): decodes its stream, collects its start-up until
//! its READY (as tmate's web tier did, so the names it asks for decide its tokens), creates or
//! reclaims its session, sends the NOTIFY/SET_ENV/READY burst, feeds the mirror, and writes
//! queued messages back to the host from one writer task.

use std::sync::Arc;

use russh::ChannelId;
use russh::server::Handle;
use tmate_proto::{
    DecodeError, DecoderConfig, HostDecoder, HostMessage, PROTOCOL_VERSION, ServerMessage,
    WireMessage,
};
use tokio::sync::mpsc;

use crate::Shared;
use crate::naming::{self, NameError, NameRequest};
use crate::registry::{Claim, Reclaim, Tokens};
use crate::session::{HOST_OUTBOX, HostEnd, HostFlow, Session};

/// Bounds on what a host may send before its READY (tmate 2.4 sends about 100 messages).
const MAX_START_MESSAGES: usize = 4096;
const MAX_START_BYTES: usize = 4 << 20;

/// Where a host connection is in its start-up.
enum Phase {
    AwaitHeader,
    /// HEADER read: the start-up is collected until the host's READY decides the session.
    Starting(Box<Starting>),
    Attached {
        session: Arc<Session>,
        generation: u64,
    },
    /// The session ended (FIN or an error); further bytes are ignored.
    Done,
}

/// A host's start-up before its READY.
struct Starting {
    version: String,
    /// RECONNECT's data (only as the first message after HEADER, as tmate sends it).
    reconnect: Option<Vec<u8>>,
    /// Everything else before READY, applied to the session once it exists.
    pending: Vec<HostMessage>,
    pending_bytes: usize,
    names: NameRequest,
}

/// What the SSH handler must do after feeding bytes.
#[derive(Debug, PartialEq, Eq)]
pub enum HostAction {
    Continue,
    /// Write these bytes (maybe none), then close the channel: no session was attached.
    CloseNow(Vec<u8>),
    /// The session's writer task closes the channel once it has sent what is queued (after
    /// FIN, a protocol error, or `-A`), so the host sees every message first.
    CloseAfterQueue,
}

pub struct HostConn {
    shared: Arc<Shared>,
    handle: Handle,
    channel: ChannelId,
    decoder: HostDecoder,
    phase: Phase,
    peer: std::net::SocketAddr,
}

impl HostConn {
    pub fn new(
        shared: Arc<Shared>,
        handle: Handle,
        channel: ChannelId,
        peer: std::net::SocketAddr,
    ) -> Self {
        let config = DecoderConfig {
            max_message_size: shared.config.limits.message_size,
            ..DecoderConfig::host_stream()
        };
        HostConn {
            shared,
            handle,
            channel,
            decoder: HostDecoder::new(config),
            phase: Phase::AwaitHeader,
            peer,
        }
    }

    /// Feed bytes from the host's channel. Awaits only at the host's READY, and then at most a
    /// cluster lookup (bounded by the store's timeout).
    pub async fn on_data(&mut self, data: &[u8]) -> HostAction {
        if matches!(self.phase, Phase::Done) {
            return HostAction::CloseNow(Vec::new());
        }
        self.decoder.feed(data);
        while let Some(result) = self.decoder.next_message() {
            let action = match result {
                Ok(message) => self.on_message(message).await,
                Err(error) => self.refuse(&error),
            };
            if action != HostAction::Continue {
                return action;
            }
        }
        HostAction::Continue
    }

    fn refuse(&mut self, error: &DecodeError) -> HostAction {
        if matches!(
            error,
            DecodeError::Frame(
                tmate_proto::msgpack::FrameError::TooLarge { .. }
                    | tmate_proto::msgpack::FrameError::TooManyElements { .. }
            )
        ) {
            self.shared
                .metrics
                .refused(crate::metrics::Limit::max_message_size);
        }
        let reason = format!("invalid host message: {error}");
        tracing::warn!(peer = %self.peer, %reason, "ending host session");
        self.end(HostEnd::Protocol(reason))
    }

    async fn on_message(&mut self, message: HostMessage) -> HostAction {
        match &mut self.phase {
            Phase::AwaitHeader => match message {
                HostMessage::Header { protocol, version } if protocol >= PROTOCOL_VERSION => {
                    let version = version.map(|v| v.to_string_lossy()).unwrap_or_default();
                    tracing::info!(peer = %self.peer, protocol, %version, "host connected");
                    self.phase = Phase::Starting(Box::new(Starting {
                        version,
                        reconnect: None,
                        pending: Vec::new(),
                        pending_bytes: 0,
                        names: NameRequest::default(),
                    }));
                    HostAction::Continue
                }
                HostMessage::Header { protocol, .. } => {
                    tracing::info!(peer = %self.peer, protocol, "refusing an old host");
                    self.phase = Phase::Done;
                    HostAction::CloseNow(
                        ServerMessage::Notify {
                            message: format!(
                                "This relay needs tmate 2.2.0 or later (protocol \
                                 {PROTOCOL_VERSION}); this host speaks protocol {protocol}. \
                                 Please upgrade tmate."
                            )
                            .into(),
                        }
                        .encode(),
                    )
                }
                other => {
                    let reason = format!("expected HEADER first, got {}", other.type_name());
                    tracing::warn!(peer = %self.peer, %reason, "ending host connection");
                    self.phase = Phase::Done;
                    HostAction::CloseNow(Vec::new())
                }
            },
            Phase::Starting(starting) => match message {
                HostMessage::Reconnect { data }
                    if starting.pending.is_empty() && starting.reconnect.is_none() =>
                {
                    starting.reconnect = Some(data.as_bytes().to_vec());
                    HostAction::Continue
                }
                HostMessage::Ready => {
                    let Phase::Starting(starting) = std::mem::replace(&mut self.phase, Phase::Done)
                    else {
                        return HostAction::CloseNow(Vec::new());
                    };
                    self.start(*starting).await
                }
                HostMessage::ExecCmd { argv }
                    if starting
                        .names
                        .note(&argv.iter().map(|a| a.to_string_lossy()).collect::<Vec<_>>()) =>
                {
                    HostAction::Continue
                }
                other => {
                    starting.pending_bytes += other.encode().len();
                    starting.pending.push(other);
                    if starting.pending.len() > MAX_START_MESSAGES
                        || starting.pending_bytes > MAX_START_BYTES
                    {
                        let reason = format!(
                            "more than {MAX_START_MESSAGES} messages or {MAX_START_BYTES} bytes \
                             before READY"
                        );
                        tracing::warn!(peer = %self.peer, %reason, "ending host connection");
                        self.phase = Phase::Done;
                        return HostAction::CloseNow(Vec::new());
                    }
                    HostAction::Continue
                }
            },
            Phase::Attached { .. } => self.apply_attached(message),
            Phase::Done => HostAction::CloseNow(Vec::new()),
        }
    }

    /// A message for the attached session.
    fn apply_attached(&mut self, message: HostMessage) -> HostAction {
        let Phase::Attached {
            session,
            generation,
        } = &self.phase
        else {
            return HostAction::CloseNow(Vec::new());
        };
        {
            let session = session.clone();
            let generation = *generation;
            let is_ready = message == HostMessage::Ready;
            match session.apply_host_message(generation, message) {
                Ok(HostFlow::Continue) => {
                    if is_ready && self.shared.config.require_authorized_keys {
                        return self.enforce_authorized_keys(&session);
                    }
                    HostAction::Continue
                }
                Ok(HostFlow::Finished) => {
                    tracing::info!(session = %session.label(), "host ended the session");
                    self.end(HostEnd::Finished)
                }
                Err(reason) => {
                    tracing::warn!(session = %session.label(), %reason, "ending host session");
                    self.end(HostEnd::Protocol(reason))
                }
            }
        }
    }

    /// The host's READY: its session (reclaimed, named or random), the start-up burst, then
    /// what it sent before READY, applied in order, and READY itself.
    async fn start(&mut self, starting: Starting) -> HostAction {
        let Starting {
            version,
            reconnect,
            pending,
            names,
            ..
        } = starting;
        let mut notes = Vec::new();
        let mut reclaimed = None;
        if let Some(data) = reconnect {
            match self.shared.registry.verify_reconnection_data(&data) {
                Some(tokens) => match self.reclaim(tokens).await {
                    Ok(session) => reclaimed = Some(session),
                    Err(name) => {
                        tracing::info!(peer = %self.peer, name = %name, "a reconnecting host's name was taken over; random tokens");
                        notes.push(format!(
                            "The session name {name:?} was taken over by a newer session; this \
                             session has new random tokens"
                        ));
                    }
                },
                None => {
                    tracing::info!(peer = %self.peer, "reconnection data not accepted; new session");
                }
            }
        }
        let reconnected = reclaimed.is_some();
        let session = match reclaimed {
            Some(session) => session,
            None => {
                let limit = self.shared.config.limits.sessions;
                if self.shared.registry.len() >= limit {
                    tracing::warn!(peer = %self.peer, limit, "session limit reached; refusing a host");
                    self.shared
                        .metrics
                        .refused(crate::metrics::Limit::max_sessions);
                    return HostAction::CloseNow(
                        ServerMessage::Notify {
                            message: "This relay is full; try again later.".into(),
                        }
                        .encode(),
                    );
                }
                // A reconnecting host whose name was taken does not ask for it again: two
                // hosts with one name would take it from each other for ever.
                let names = if notes.is_empty() {
                    names
                } else {
                    NameRequest::default()
                };
                let (session, note) = self.new_session(&names);
                notes.extend(note);
                session
            }
        };
        self.attach(session.clone(), version, reconnected, notes);
        for message in pending {
            let action = self.apply_attached(message);
            if action != HostAction::Continue {
                return action;
            }
        }
        // Told once the options sent before READY are known (the host's webhook among them).
        self.shared
            .session_registered(&session, self.peer, reconnected);
        self.apply_attached(HostMessage::Ready)
    }

    /// A reconnecting host's session, unless a newer session took one of its names (here or,
    /// in a cluster, on any node): `Err(name)` then.
    async fn reclaim(&self, tokens: Tokens) -> Result<Arc<Session>, String> {
        if let Some(cluster) = &self.shared.cluster {
            for name in tokens.names() {
                if cluster
                    .name_held_by_another(name, &tokens.session_key)
                    .await
                {
                    return Err(name.to_string());
                }
            }
        }
        match self.shared.registry.reclaim(tokens) {
            Reclaim::Session(session) => Ok(session),
            Reclaim::Taken(name) => Err(name),
        }
    }

    /// A new session: named as the host asked when it may be (taking the names from older
    /// sessions), else random, with the line that says why.
    fn new_session(&self, names: &NameRequest) -> (Arc<Session>, Option<String>) {
        let registry = &self.shared.registry;
        let named = match naming::decide(names, self.shared.config.accounts.as_deref()) {
            Ok(None) => return (registry.create(), None),
            Ok(Some(named)) => named,
            Err(error) => return (registry.create(), Some(error.to_string())),
        };
        let mut tokens = Tokens::random();
        if let Some(rw) = named.rw {
            tokens.rw = rw;
            tokens.rw_named = true;
        }
        if let Some(ro) = named.ro {
            tokens.ro = ro;
            tokens.ro_named = true;
        }
        match registry.claim(tokens) {
            Claim::Registered {
                session,
                taken_from,
            } => {
                for old in taken_from {
                    let name = old
                        .names()
                        .find(|name| session.holds_as_name(name))
                        .unwrap_or_default()
                        .to_string();
                    tracing::info!(
                        session = %old.label(),
                        by = %session.label(),
                        peer = %self.peer,
                        "session name taken over by a newer session"
                    );
                    old.end_taken_over(&name);
                    self.shared
                        .forget_session(&old, "its name was taken over by a newer session");
                }
                (session, None)
            }
            Claim::InUse(name) => (registry.create(), Some(NameError::InUse(name).to_string())),
        }
    }

    /// `-A`: a session that did not restrict access by authorized keys is closed at READY.
    fn enforce_authorized_keys(&mut self, session: &Session) -> HostAction {
        if session.lock().bindings.restricted {
            return HostAction::Continue;
        }
        for text in [
            "Server requires authorized_keys but none are given.",
            "Use '-a FILENAME' to specify an authorized_keys file.",
            "Press <Ctrl-c><Ctrl-d> to exit.",
            "",
        ] {
            session.send_to_host(ServerMessage::Notify {
                message: text.into(),
            });
        }
        self.end(HostEnd::Finished)
    }

    /// Bind this connection to `session`, start the writer, and send the start-up burst.
    /// `notes`: lines for the host after the connection strings (why it has no name...).
    fn attach(
        &mut self,
        session: Arc<Session>,
        version: String,
        reconnected: bool,
        notes: Vec<String>,
    ) {
        let (tx, rx) = mpsc::channel(HOST_OUTBOX);
        let generation = session.attach_host(tx);
        session.lock().client_version = version;
        tokio::spawn(write_to_host(
            self.handle.clone(),
            self.channel,
            rx,
            self.shared.clone(),
            session.clone(),
        ));
        let config = &self.shared.config;
        let ssh = config.ssh_command(&session.token);
        let ssh_ro = config.ssh_command(&session.token_ro);
        let web = config.web_link(&session.token);
        let web_ro = config.web_link(&session.token_ro);
        let notify = |text: String| ServerMessage::Notify {
            message: text.into(),
        };
        let set_env = |name: &str, value: &str| ServerMessage::SetEnv {
            name: name.into(),
            value: value.into(),
        };
        // The original's order (protocol spec 4.9), with the web lines its web tier added.
        let mut burst = Vec::new();
        if reconnected {
            burst.push(notify("Reconnected".into()));
        } else {
            burst.push(notify(
                "Note: clear your terminal before sharing readonly access".into(),
            ));
            if let Some(web_ro) = &web_ro {
                burst.push(notify(format!("web session read only: {web_ro}")));
            }
            burst.push(notify(format!("ssh session read only: {ssh_ro}")));
        }
        if let Some(web_ro) = &web_ro {
            burst.push(set_env("tmate_web_ro", web_ro));
        }
        burst.push(set_env("tmate_ssh_ro", &ssh_ro));
        if !reconnected {
            if let Some(web) = &web {
                burst.push(notify(format!("web session: {web}")));
            }
            burst.push(notify(format!("ssh session: {ssh}")));
        }
        // Last of the notes, so it is the one on the host's status line.
        for note in notes {
            tracing::info!(session = %session.label(), note = %note, "told the host");
            burst.push(notify(note));
        }
        if let Some(web) = &web {
            burst.push(set_env("tmate_web", web));
        }
        burst.push(set_env("tmate_ssh", &ssh));
        burst.push(ServerMessage::SetEnv {
            name: "tmate_reconnection_data".into(),
            value: self.shared.registry.reconnection_data(&session).into(),
        });
        burst.push(ServerMessage::Ready);
        match self.shared.cluster.clone() {
            // In a cluster the strings must work through every node by the time the host
            // prints them: publish the session first, then let the host know (bounded by the
            // store's own timeout; Redis down delays READY by that much, once).
            Some(cluster) => {
                let shared = self.shared.clone();
                let session = session.clone();
                tokio::spawn(async move {
                    cluster.publish(&shared, &session).await;
                    for message in burst {
                        session.send_to_host(message);
                    }
                });
            }
            None => {
                for message in burst {
                    session.send_to_host(message);
                }
            }
        }
        self.phase = Phase::Attached {
            session,
            generation,
        };
    }

    /// Detach from the session; dropping the session's outbox lets the writer drain and close.
    fn end(&mut self, end: HostEnd) -> HostAction {
        match std::mem::replace(&mut self.phase, Phase::Done) {
            Phase::Attached {
                session,
                generation,
            } => {
                session.detach_host(generation, &end);
                match &end {
                    HostEnd::Disconnected => self.shared.host_disconnected(&session),
                    HostEnd::Finished => self.shared.forget_session(&session, "the host ended it"),
                    HostEnd::Protocol(_) => self
                        .shared
                        .forget_session(&session, "the host sent invalid data"),
                }
                HostAction::CloseAfterQueue
            }
            _ => HostAction::CloseNow(Vec::new()),
        }
    }

    /// The connection went away. Without FIN the host may come back with its reconnection
    /// data; the session waits for it for the configured grace time.
    pub fn on_disconnect(&mut self) {
        let Phase::Attached { session, .. } = &self.phase else {
            self.phase = Phase::Done;
            return;
        };
        let session = session.clone();
        let _ = self.end(HostEnd::Disconnected);
        let shared = self.shared.clone();
        let grace = shared.config.reconnect_grace;
        tokio::spawn(async move {
            tokio::time::sleep(grace).await;
            let expired = {
                let state = session.lock();
                !state.host_connected
                    && state
                        .host_disconnected_at
                        .is_some_and(|at| at.elapsed() >= grace)
            };
            if expired {
                tracing::info!(session = %session.label(), "host did not reconnect; ending session");
                session.end("[the host did not reconnect]");
                shared.forget_session(&session, "the host did not reconnect");
            }
        });
    }
}

/// Writes queued messages to the host, batching what is queued at once into one channel write.
/// When the session lets go of the queue (the host's session ended), closes the channel.
async fn write_to_host(
    handle: Handle,
    channel: ChannelId,
    mut outbox: mpsc::Receiver<ServerMessage>,
    shared: Arc<Shared>,
    session: Arc<Session>,
) {
    const BATCH: usize = 32 * 1024;
    while let Some(first) = outbox.recv().await {
        let mut bytes = first.encode();
        while bytes.len() < BATCH {
            match outbox.try_recv() {
                Ok(message) => bytes.extend(message.encode()),
                Err(_) => break,
            }
        }
        shared
            .metrics
            .bytes(crate::metrics::Direction::host_out, bytes.len());
        if handle.data(channel, bytes).await.is_err() {
            return;
        }
    }
    if shared.draining.load(std::sync::atomic::Ordering::Relaxed) || session.hangs_up_host() {
        // Hang up as a network drop would: the host reconnects (to another node, or here to
        // be told its name was taken).
        let _ = handle
            .disconnect(
                russh::Disconnect::ByApplication,
                if session.hangs_up_host() {
                    "the session name was taken over by a newer session"
                } else {
                    "this relay node is restarting"
                }
                .into(),
                String::new(),
            )
            .await;
        return;
    }
    let _ = handle.eof(channel).await;
    let _ = handle.close(channel).await;
}
