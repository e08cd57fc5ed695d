//! Session lifecycle events, told once in one place: a session registers, its host disconnects,
//! a viewer joins or leaves, the session closes (or moves to another node). Each event is
//! logged once (with the session's id and a token prefix at most, never a token), counted in
//! the metrics, and posted to the webhooks as tmate's web tier did
//! (`{type, entity_id, timestamp, generation, userdata, params}`).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::{Value, json};

use crate::Shared;
use crate::metrics::{Access, SessionLabels, Transport, ViewerLabels};
use crate::session::Session;

/// What a session's events need to remember between them.
#[derive(Default)]
pub struct SessionRecord {
    inner: Mutex<RecordState>,
}

#[derive(Default)]
struct RecordState {
    /// The labels the session is counted under in `tmate_sessions` (set while counted).
    counted: Option<SessionLabels>,
    /// The host's own webhook (`tmate-webhook-url`, when the operator allows it) and userdata,
    /// as they were when the session registered.
    host_webhook: Option<String>,
    userdata: String,
    host_addr: Option<SocketAddr>,
    closed: bool,
}

/// A viewer, as its events describe it.
#[derive(Clone, Debug)]
pub struct ViewerInfo {
    pub transport: Transport,
    pub read_only: bool,
    pub addr: Option<SocketAddr>,
    /// SHA256 fingerprint of the key the viewer authenticated with, if any.
    pub key: Option<String>,
    pub client_id: i64,
}

impl ViewerInfo {
    fn labels(&self) -> ViewerLabels {
        ViewerLabels {
            transport: self.transport,
            access: Access::of(self.read_only),
        }
    }
}

/// The session's id in logs and webhooks: the same across its host's reconnections and on
/// every node, and not a credential (a hash of its identity, never a token).
pub fn entity_id(session: &Session) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, session.session_key.as_bytes());
    digest
        .as_ref()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn now() -> String {
    tmate_term::clock::rfc3339_utc(std::time::SystemTime::now())
}

fn record(session: &Session) -> std::sync::MutexGuard<'_, RecordState> {
    session
        .record
        .inner
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
}

fn addr_text(addr: Option<SocketAddr>) -> String {
    addr.map(|a| a.ip().to_string()).unwrap_or_default()
}

impl Shared {
    /// The host's READY was handled: the session is reachable by its tokens.
    pub fn session_registered(&self, session: &Arc<Session>, peer: SocketAddr, reconnected: bool) {
        let id = entity_id(session);
        let (version, host_webhook, userdata) = {
            let state = session.lock();
            let option = |name: &str| state.bindings.option(name).unwrap_or("").to_string();
            (
                state.client_version.clone(),
                Some(option("tmate-webhook-url"))
                    .filter(|url| !url.is_empty() && self.config.allow_host_webhooks),
                option("tmate-webhook-userdata"),
            )
        };
        let named = session.named || session.named_ro;
        let newly_counted = {
            let mut record = record(session);
            record.host_webhook = host_webhook;
            record.userdata = userdata;
            record.host_addr = Some(peer);
            record.closed = false;
            let labels = SessionLabels {
                client_version: version.clone(),
                named: if named { "yes" } else { "no" }.to_string(),
            };
            if record.counted.is_none() {
                self.metrics.sessions.get_or_create(&labels).inc();
                record.counted = Some(labels);
                true
            } else {
                false
            }
        };
        if reconnected {
            self.metrics.reconnections.inc();
        }
        if newly_counted && !reconnected {
            self.metrics.sessions_started.inc();
        }
        tracing::info!(
            event = "session_register",
            session = %id,
            token = %session.label(),
            addr = %peer,
            client_version = %version,
            named,
            reconnected,
            "session registered"
        );
        let config = &self.config;
        let params = json!({
            "ip_address": peer.ip().to_string(),
            "client_version": version,
            "stoken": session.token,
            "stoken_ro": session.token_ro,
            "ssh": config.ssh_command(&session.token),
            "ssh_ro": config.ssh_command(&session.token_ro),
            "web": config.web_link(&session.token),
            "web_ro": config.web_link(&session.token_ro),
            "ssh_cmd_fmt": config.ssh_command("%s"),
            "web_url_fmt": config.web_link("%s"),
            "named": named,
            "reconnected": reconnected,
            "ssh_only": config.web_listen.is_none(),
        });
        self.post("session_register", session, params);
    }

    /// The host's connection dropped without FIN; the session waits for it to reconnect.
    pub fn host_disconnected(&self, session: &Arc<Session>) {
        let addr = record(session).host_addr;
        tracing::info!(
            event = "session_disconnect",
            session = %entity_id(session),
            token = %session.label(),
            addr = %addr_text(addr),
            "host disconnected; the session waits for it"
        );
        self.post(
            "session_disconnect",
            session,
            json!({ "ip_address": addr_text(addr) }),
        );
    }

    /// The session is over (its host ended it, never came back, lost its name, or the relay
    /// stopped). Told once however many paths lead here.
    pub fn session_closed(&self, session: &Arc<Session>, reason: &str) {
        if !self.uncount(session) {
            return;
        }
        tracing::info!(
            event = "session_close",
            session = %entity_id(session),
            token = %session.label(),
            reason,
            "session closed"
        );
        self.post("session_close", session, json!({ "reason": reason }));
    }

    /// The session went on to another node of the cluster: no longer counted here, and not
    /// closed (that node tells its registration).
    pub fn session_moved(&self, session: &Arc<Session>, to: &str) {
        self.uncount(session);
        tracing::info!(
            event = "session_moved",
            session = %entity_id(session),
            token = %session.label(),
            to,
            "session moved to another node"
        );
    }

    /// Mark the session closed here and take it out of `tmate_sessions`; `false` when it
    /// already was.
    fn uncount(&self, session: &Session) -> bool {
        let labels = {
            let mut record = record(session);
            if record.closed {
                return false;
            }
            record.closed = true;
            record.counted.take()
        };
        if let Some(labels) = labels {
            self.metrics.sessions.get_or_create(&labels).dec();
        }
        true
    }

    pub fn viewer_joined(&self, session: &Arc<Session>, viewer: &ViewerInfo) {
        self.metrics.viewers.get_or_create(&viewer.labels()).inc();
        self.metrics
            .viewers_joined
            .get_or_create(&viewer.labels())
            .inc();
        tracing::info!(
            event = "session_join",
            session = %entity_id(session),
            token = %session.label(),
            client_id = viewer.client_id,
            transport = ?viewer.transport,
            access = ?Access::of(viewer.read_only),
            addr = %addr_text(viewer.addr),
            key = viewer.key.as_deref().unwrap_or(""),
            "viewer joined"
        );
        self.post("session_join", session, viewer_params(viewer));
    }

    pub fn viewer_left(&self, session: &Arc<Session>, viewer: &ViewerInfo) {
        self.metrics.viewers.get_or_create(&viewer.labels()).dec();
        tracing::info!(
            event = "session_left",
            session = %entity_id(session),
            token = %session.label(),
            client_id = viewer.client_id,
            transport = ?viewer.transport,
            access = ?Access::of(viewer.read_only),
            addr = %addr_text(viewer.addr),
            "viewer left"
        );
        self.post("session_left", session, viewer_params(viewer));
    }

    /// Queue the event for the webhooks (never waits).
    fn post(&self, kind: &str, session: &Session, params: Value) {
        let Some(webhooks) = &self.webhooks else {
            return;
        };
        let (host_url, userdata) = {
            let record = record(session);
            (record.host_webhook.clone(), record.userdata.clone())
        };
        if host_url.is_none() && !webhooks.has_relay_urls() {
            return;
        }
        let body = json!({
            "type": kind,
            "entity_id": entity_id(session),
            "timestamp": now(),
            "generation": session.owner_generation(),
            "userdata": userdata,
            "params": params,
        });
        let body = bytes::Bytes::from(body.to_string());
        webhooks.deliver(kind, body, host_url.as_deref());
    }
}

fn viewer_params(viewer: &ViewerInfo) -> Value {
    json!({
        "id": viewer.client_id,
        "type": match viewer.transport {
            Transport::web => "web",
            Transport::ssh | Transport::cluster => "ssh",
        },
        "forwarded": viewer.transport == Transport::cluster,
        "ip_address": addr_text(viewer.addr),
        "readonly": viewer.read_only,
        "key_fingerprint": viewer.key,
    })
}
