//! Cluster mode (`--redis`): several relays as one service. Each node publishes in Redis the
//! sessions it owns (by token hashes, with a generation and a lease) and where other nodes reach
//! it; a viewer that lands on another node is forwarded to the owner over an SSH link that only
//! holders of the cluster's host key can open (`link`). Redis holds small rebuildable facts
//! only: when it is down, every node keeps serving its own sessions and says so once.

pub mod link;
pub mod store;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use russh::keys::{HashAlg, PrivateKey};

use crate::Shared;
use crate::session::Session;
pub use store::{Owner, Published, RedisTls, Store, StoreError};

/// How long published facts live without renewal, and how often they are renewed: a node that
/// dies is forgotten within the lease; Redis restarted empty is refilled within a renewal.
pub const LEASE: Duration = Duration::from_secs(15);
pub const RENEW_EVERY: Duration = Duration::from_secs(5);
/// How often per-address connection counts are exchanged, and how long a node's counts live.
pub const CONNECTIONS_EVERY: Duration = Duration::from_secs(1);
pub const CONNECTIONS_LEASE: Duration = Duration::from_secs(5);

/// What a node is told to be (from the command line).
#[derive(Debug, Clone)]
pub struct ClusterConfig {
    /// `redis://[user:password@]host:port[/db]`, or `rediss://` for TLS.
    pub redis_url: String,
    /// PEM files for `rediss://` beyond the system's trust store.
    pub redis_tls: RedisTls,
    /// This node's name, unique in the cluster.
    pub node_name: String,
    /// `HOST:PORT` other nodes open their SSH links to (this node's SSH listener).
    pub node_addr: String,
}

/// Node names go into Redis records separated by spaces: letters, digits, `.`, `_`, `-`.
pub fn valid_node_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// Where a token's session is, seen from this node.
#[derive(Debug, Clone)]
pub enum Located {
    /// Another node owns it and is reachable at `addr`.
    Remote { owner: Owner, addr: String },
    /// Nobody does (or only this node did).
    Nowhere,
    /// Redis could not be asked.
    Unknown(StoreError),
}

/// The cluster side of one node.
pub struct Cluster {
    pub config: ClusterConfig,
    pub store: Store,
    /// The cluster's host key: links authenticate with it both ways.
    pub host_key: Arc<PrivateKey>,
    /// Redis health as last seen, so trouble and recovery are logged once each.
    redis_down: AtomicBool,
    /// This node's host-key fingerprints (`HostKeys::fingerprints_line`), kept as the
    /// cluster's in Redis.
    host_keys_line: String,
}

impl Cluster {
    pub fn new(config: ClusterConfig, host_keys: &crate::HostKeys) -> Result<Cluster, StoreError> {
        let store = Store::open(&config.redis_url, &config.redis_tls)?;
        Ok(Cluster {
            config,
            store,
            host_key: Arc::new(host_keys.ed25519.clone()),
            redis_down: AtomicBool::new(false),
            host_keys_line: host_keys.fingerprints_line(),
        })
    }

    /// Note the outcome of a Redis call: losing Redis and getting it back are logged once
    /// each, whatever happens in between (at debug level).
    pub fn note<T>(&self, result: &Result<T, StoreError>) {
        match result {
            Ok(_) => {
                if self.redis_down.swap(false, Ordering::Relaxed) {
                    tracing::info!(node = %self.config.node_name, "Redis is reachable again");
                }
            }
            Err(error) => {
                if !self.redis_down.swap(true, Ordering::Relaxed) {
                    tracing::error!(
                        node = %self.config.node_name,
                        %error,
                        "Redis unreachable: serving this node's own sessions only; viewers of \
                         other nodes' sessions cannot be forwarded until it is back"
                    );
                } else {
                    tracing::debug!(node = %self.config.node_name, %error, "Redis still unreachable");
                }
            }
        }
    }

    pub fn redis_reachable(&self) -> bool {
        !self.redis_down.load(Ordering::Relaxed)
    }

    /// The record this node publishes for `session`.
    fn owner_of(&self, session: &Session) -> Owner {
        let state = session.lock();
        Owner {
            node: self.config.node_name.clone(),
            generation: session.owner_generation(),
            restricted: state.bindings.restricted,
            keys: state
                .bindings
                .authorized_keys
                .iter()
                .map(|k| k.fingerprint(HashAlg::Sha256).to_string())
                .collect(),
            session: session.session_key.clone(),
        }
    }

    /// Publish `session` now; a stale copy (a newer owner exists) is ended.
    pub async fn publish(&self, shared: &Shared, session: &Arc<Session>) {
        if session.is_ended() {
            return;
        }
        let owner = self.owner_of(session);
        let result = self
            .store
            .publish(&[&session.token, &session.token_ro], &owner, LEASE)
            .await;
        self.note(&result);
        let Ok(Published::Stale(newer)) = result else {
            return;
        };
        match newer {
            // Another session now holds a name of this one: hand it over, as on one node.
            Some(newer) if newer.session != session.session_key => {
                let name = session
                    .names()
                    .next()
                    .map_or_else(|| session.label(), str::to_string);
                tracing::info!(
                    session = %session.label(),
                    node = %newer.node,
                    "session name taken over by a newer session on another node"
                );
                session.end_taken_over(&name);
                shared.session_closed(session, "its name was taken over by a newer session");
            }
            newer => {
                tracing::warn!(
                    session = %session.label(),
                    "a newer owner holds this session on another node; closing this copy"
                );
                session.end("[this session moved to another relay node; reconnect to see it]");
                let to = newer.map_or_else(String::new, |owner| owner.node);
                shared.session_moved(session, &to);
            }
        }
        shared.registry.remove(session);
    }

    /// Whether Redis says a session other than `session_key` holds `name` now (a newer
    /// session took it over). Redis unreachable: no, this node's own registry decides.
    pub async fn name_held_by_another(&self, name: &str, session_key: &str) -> bool {
        let owner = self.store.owner(name).await;
        self.note(&owner);
        matches!(owner, Ok(Some(owner)) if owner.session != session_key)
    }

    /// Forget `session` in Redis (if still ours).
    pub async fn unpublish(&self, session: &Session) {
        let owner = self.owner_of(session);
        let result = self
            .store
            .unpublish(&[&session.token, &session.token_ro], &owner)
            .await;
        self.note(&result);
    }

    /// Where `token`'s session lives, when it is not on this node.
    pub async fn locate(&self, token: &str) -> Located {
        let owner = self.store.owner(token).await;
        self.note(&owner);
        let owner = match owner {
            Ok(Some(owner)) if owner.node != self.config.node_name => owner,
            Ok(_) => return Located::Nowhere,
            Err(e) => return Located::Unknown(e),
        };
        let addr = self.store.node_addr(&owner.node).await;
        self.note(&addr);
        match addr {
            Ok(Some(addr)) => Located::Remote { owner, addr },
            // The owner's node record expired: it died, and its hosts are moving.
            Ok(None) => Located::Nowhere,
            Err(e) => Located::Unknown(e),
        }
    }

    /// Renew this node's facts every `RENEW_EVERY` and exchange per-address connection counts
    /// every second, until the relay shuts down.
    pub async fn run(
        self: Arc<Self>,
        shared: Arc<Shared>,
        mut stop: tokio::sync::watch::Receiver<bool>,
    ) {
        let mut nodes = Vec::new();
        let mut next_renewal = tokio::time::Instant::now();
        loop {
            if tokio::time::Instant::now() >= next_renewal {
                self.renew(&shared).await;
                let listed = self.store.nodes().await;
                self.note(&listed);
                if let Ok(listed) = listed {
                    nodes = listed;
                }
                next_renewal = tokio::time::Instant::now() + RENEW_EVERY;
            }
            self.exchange_connections(&shared, &nodes).await;
            tokio::select! {
                () = tokio::time::sleep(CONNECTIONS_EVERY) => {}
                _ = stop.changed() => return,
            }
        }
    }

    /// Publish the addresses holding many connections here, and learn what the other nodes
    /// hold, so `--connections-per-ip` counts the whole cluster (up to a couple of seconds
    /// late). Redis down: each node counts alone.
    async fn exchange_connections(&self, shared: &Shared, nodes: &[String]) {
        let limit = shared.config.limits.connections_per_ip;
        // Only addresses that could matter: a few connections per address are the norm.
        let least = (limit / 8).max(1);
        let mine: Vec<(String, usize)> = shared
            .per_ip
            .busiest(least)
            .into_iter()
            .map(|(ip, n)| (ip.to_string(), n))
            .collect();
        let published = self
            .store
            .publish_connections(&self.config.node_name, &mine, CONNECTIONS_LEASE)
            .await;
        self.note(&published);
        if published.is_err() {
            shared
                .per_ip
                .set_elsewhere(std::collections::HashMap::new());
            return;
        }
        let mut elsewhere: std::collections::HashMap<std::net::IpAddr, usize> =
            std::collections::HashMap::new();
        for node in nodes.iter().filter(|n| **n != self.config.node_name) {
            let counts = self.store.connections_of(node).await;
            self.note(&counts);
            for (ip, n) in counts.unwrap_or_default() {
                if let Ok(ip) = ip.parse() {
                    *elsewhere.entry(ip).or_insert(0) += n;
                }
            }
        }
        shared.per_ip.set_elsewhere(elsewhere);
    }

    /// One renewal: the node record and every live session.
    async fn renew(&self, shared: &Arc<Shared>) {
        let node = self
            .store
            .publish_node(&self.config.node_name, &self.config.node_addr, LEASE)
            .await;
        self.note(&node);
        if node.is_err() {
            // Redis is down: trying every session would only wait out the same timeout.
            return;
        }
        let keys = self
            .store
            .renew_cluster_host_keys(&self.host_keys_line)
            .await;
        self.note(&keys);
        for session in shared.registry.all() {
            self.publish(shared, &session).await;
        }
    }

    /// Refuse to join a cluster whose host keys differ (a viewer moving between nodes would
    /// see a changed host key). Redis down at start: checked at the next start instead.
    pub async fn check_host_keys(&self) -> Result<(), String> {
        let fingerprints = &self.host_keys_line;
        let recorded = self.store.cluster_host_keys(fingerprints).await;
        self.note(&recorded);
        match recorded {
            Ok(recorded) if recorded != *fingerprints => Err(format!(
                "this node's host keys ({fingerprints}) differ from the cluster's ({recorded}): \
                 copy the keys directory (ssh_host_*_key and reconnect_secret) from a running \
                 node to every node"
            )),
            _ => Ok(()),
        }
    }
}

/// Now, in ms since the epoch: a host attaching gets this as its session's generation.
pub fn generation_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_names_are_checked() {
        assert!(valid_node_name("relay-1.lon_a"));
        for bad in ["", "a b", "a,b", &"x".repeat(65), "é"] {
            assert!(!valid_node_name(bad), "{bad:?}");
        }
    }
}
