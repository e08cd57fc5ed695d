//! The relay's Prometheus metrics (`--metrics-addr`): the series, where the code counts into
//! them, and the text the `/metrics` endpoint serves. Values that live elsewhere (open
//! connections, Redis health, webhook deliveries) are read when scraped, so there is one source
//! of truth for each.

use std::sync::atomic::Ordering;

use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

use crate::Shared;

/// How a viewer reached the session: directly over SSH, through the web viewer, or forwarded
/// by another node of the cluster (that node counts it as SSH or web too).
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq, EncodeLabelValue)]
#[allow(non_camel_case_types)] // label values are written as Prometheus users expect them
pub enum Transport {
    ssh,
    web,
    cluster,
}

#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq, EncodeLabelValue)]
#[allow(non_camel_case_types)]
pub enum Access {
    rw,
    ro,
}

impl Access {
    pub fn of(read_only: bool) -> Access {
        if read_only { Access::ro } else { Access::rw }
    }
}

/// Which way bytes went, seen from the relay.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq, EncodeLabelValue)]
#[allow(non_camel_case_types)]
pub enum Direction {
    /// From hosts (their panes' output and state).
    host_in,
    /// To hosts (viewers' keys, resizes, commands).
    host_out,
    /// From viewers (what they type).
    viewer_in,
    /// To viewers (their drawn screens).
    viewer_out,
}

/// A limit or defence that refused something.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq, EncodeLabelValue)]
#[allow(non_camel_case_types)]
pub enum Limit {
    max_connections,
    connections_per_ip,
    max_sessions,
    viewers_per_session,
    max_message_size,
    token_guesses,
    authorized_keys,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct SessionLabels {
    /// The host's tmate version (`2.4.0`), as it announced it.
    pub client_version: String,
    /// `yes` when the session has a name the host asked for.
    pub named: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ViewerLabels {
    pub transport: Transport,
    pub access: Access,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct TransportLabels {
    pub transport: Transport,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct DirectionLabels {
    pub direction: Direction,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct LimitLabels {
    pub limit: Limit,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabels {
    pub outcome: &'static str,
}

/// Every series the relay exports. Counters only go up; gauges are kept equal to the live
/// count by the code that adds and removes the thing counted.
pub struct Metrics {
    pub sessions: Family<SessionLabels, Gauge>,
    pub sessions_started: Counter,
    pub reconnections: Counter,
    pub viewers: Family<ViewerLabels, Gauge>,
    pub viewers_joined: Family<ViewerLabels, Counter>,
    /// Viewers this node sends on to the session's owner (cluster).
    pub forwarded_viewers: Gauge,
    pub connections_accepted: Family<TransportLabels, Counter>,
    pub bytes: Family<DirectionLabels, Counter>,
    pub frames_sent: Counter,
    pub frames_skipped: Counter,
    pub wrong_tokens: Counter,
    pub refusals: Family<LimitLabels, Counter>,
    pub handshake_failures: Counter,
    // Set from their sources when scraped.
    connections: Gauge,
    redis_up: Gauge,
    webhook_events: Family<OutcomeLabels, Counter>,
}

impl Default for Metrics {
    /// Every labelled series a dashboard plots exists from the start, at zero, so a graph or
    /// a `rate()` has a line before the first event (sessions are labelled by the host's
    /// version, known only when one comes).
    fn default() -> Metrics {
        let metrics = Metrics {
            sessions: Family::default(),
            sessions_started: Counter::default(),
            reconnections: Counter::default(),
            viewers: Family::default(),
            viewers_joined: Family::default(),
            forwarded_viewers: Gauge::default(),
            connections_accepted: Family::default(),
            bytes: Family::default(),
            frames_sent: Counter::default(),
            frames_skipped: Counter::default(),
            wrong_tokens: Counter::default(),
            refusals: Family::default(),
            handshake_failures: Counter::default(),
            connections: Gauge::default(),
            redis_up: Gauge::default(),
            webhook_events: Family::default(),
        };
        for transport in [Transport::ssh, Transport::web, Transport::cluster] {
            for access in [Access::rw, Access::ro] {
                let labels = ViewerLabels { transport, access };
                let _ = metrics.viewers.get_or_create(&labels);
                let _ = metrics.viewers_joined.get_or_create(&labels);
            }
        }
        for transport in [Transport::ssh, Transport::web] {
            let _ = metrics
                .connections_accepted
                .get_or_create(&TransportLabels { transport });
        }
        for direction in [
            Direction::host_in,
            Direction::host_out,
            Direction::viewer_in,
            Direction::viewer_out,
        ] {
            let _ = metrics.bytes.get_or_create(&DirectionLabels { direction });
        }
        for limit in [
            Limit::max_connections,
            Limit::connections_per_ip,
            Limit::max_sessions,
            Limit::viewers_per_session,
            Limit::max_message_size,
            Limit::token_guesses,
            Limit::authorized_keys,
        ] {
            let _ = metrics.refusals.get_or_create(&LimitLabels { limit });
        }
        for outcome in ["delivered", "retried", "failed", "dropped"] {
            let _ = metrics
                .webhook_events
                .get_or_create(&OutcomeLabels { outcome });
        }
        metrics
    }
}

impl Metrics {
    pub fn bytes(&self, direction: Direction, count: usize) {
        self.bytes
            .get_or_create(&DirectionLabels { direction })
            .inc_by(count as u64);
    }

    pub fn refused(&self, limit: Limit) {
        self.refusals.get_or_create(&LimitLabels { limit }).inc();
    }

    pub fn accepted(&self, transport: Transport) {
        self.connections_accepted
            .get_or_create(&TransportLabels { transport })
            .inc();
    }

    #[allow(
        clippy::too_many_lines,
        reason = "one registration per series with its help text, a flat list that reads as the relay's /metrics reference"
    )]
    fn registry(&self, in_cluster: bool) -> Registry {
        let mut registry = Registry::with_prefix("tmate");
        registry.register(
            "sessions",
            "Live sessions, by the host's tmate version and whether they are named",
            self.sessions.clone(),
        );
        registry.register(
            "sessions_started",
            "Sessions registered since start (reconnections not included)",
            self.sessions_started.clone(),
        );
        registry.register(
            "reconnections",
            "Hosts that came back to their session with its reconnection data",
            self.reconnections.clone(),
        );
        registry.register(
            "viewers",
            "Connected viewers, by transport (ssh, web, cluster: forwarded by another node) and access",
            self.viewers.clone(),
        );
        registry.register(
            "viewers_joined",
            "Viewers that joined a session since start",
            self.viewers_joined.clone(),
        );
        registry.register(
            "connections",
            "Open connections (SSH and web, hosts and viewers)",
            self.connections.clone(),
        );
        registry.register(
            "connections_accepted",
            "Connections accepted, by front (ssh, web)",
            self.connections_accepted.clone(),
        );
        registry.register(
            "bytes",
            "Bytes relayed, by direction (host_in, host_out, viewer_in, viewer_out)",
            self.bytes.clone(),
        );
        registry.register(
            "frames_sent",
            "Screen updates sent to viewers",
            self.frames_sent.clone(),
        );
        registry.register(
            "frames_skipped",
            "Session changes folded into a later screen update (a viewer was still busy)",
            self.frames_skipped.clone(),
        );
        registry.register(
            "wrong_tokens",
            "Answers to unknown or expired session tokens (SSH and web)",
            self.wrong_tokens.clone(),
        );
        registry.register(
            "refusals",
            "Connections, sessions, viewers or messages refused, by the limit that refused them",
            self.refusals.clone(),
        );
        registry.register(
            "handshake_failures",
            "SSH connections that ended before they authenticated and opened a channel",
            self.handshake_failures.clone(),
        );
        registry.register(
            "webhook_events",
            "Webhook deliveries by outcome (delivered, retried, failed, dropped)",
            self.webhook_events.clone(),
        );
        if in_cluster {
            registry.register(
                "cluster_forwarded_viewers",
                "Viewers this node forwards to the node that owns their session",
                self.forwarded_viewers.clone(),
            );
            registry.register(
                "cluster_redis_up",
                "1 when the last exchange with Redis worked, else 0",
                self.redis_up.clone(),
            );
        }
        registry
    }
}

/// The `/metrics` text (Prometheus text format 0.0.4) for `shared`'s relay, with the values
/// read from their sources first.
pub fn render(shared: &Shared) -> String {
    let metrics = &shared.metrics;
    metrics
        .connections
        .set(shared.connections.load(Ordering::Relaxed) as i64);
    if let Some(cluster) = &shared.cluster {
        metrics.redis_up.set(i64::from(cluster.redis_reachable()));
    }
    if let Some(webhooks) = &shared.webhooks {
        let stats = webhooks.stats();
        for (outcome, total) in [
            ("delivered", stats.delivered),
            ("retried", stats.retried),
            ("failed", stats.failed),
            ("dropped", stats.dropped),
        ] {
            let counter = metrics
                .webhook_events
                .get_or_create(&OutcomeLabels { outcome });
            counter.inc_by(total.saturating_sub(counter.get()));
        }
    }
    let mut text = String::new();
    // Writing to a String cannot fail; an encoder error would be a bug in a label, and a
    // partial answer is still more use to an operator than none.
    let _ = prometheus_client::encoding::prometheus_text::encode(
        &mut text,
        &metrics.registry(shared.cluster.is_some()),
    );
    text
}
