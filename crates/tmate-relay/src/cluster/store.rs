//! The cluster's shared facts in Redis: which node owns each live session (by a hash of every
//! token that reaches it), the nodes and the address others reach them on, and the cluster's
//! host-key fingerprint. Every key has a lease (PX) that its owner renews; nothing here is the
//! only copy of anything (each node re-publishes what it holds).

use std::time::Duration;

use redis::aio::ConnectionManager;
use ring::digest;

/// Every key starts with this.
const PREFIX: &str = "tmate:";
/// One Redis command may take this long before it counts as failed (a stalled Redis must not
/// hold a viewer's login or the renew loop).
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(1);

/// What Redis says owns a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub node: String,
    /// When the owner's host attached (ms since the epoch): the newer owner wins.
    pub generation: u64,
    /// The session lets in only viewers with an authorized key.
    pub restricted: bool,
    /// The SHA256 fingerprints of those keys (`SHA256:...`).
    pub keys: Vec<String>,
    /// The session's identity (`registry::Tokens::session_key`): the same session after its
    /// host moved, another one after a newer session took a name.
    pub session: String,
}

impl Owner {
    /// `v2 NODE GENERATION RESTRICTED KEY,KEY... SESSION` (node names, fingerprints and
    /// session keys hold no spaces or commas).
    pub fn encode(&self) -> String {
        format!(
            "v2 {} {} {} {} {}",
            self.node,
            self.generation,
            u8::from(self.restricted),
            if self.keys.is_empty() {
                "-".to_string()
            } else {
                self.keys.join(",")
            },
            self.session
        )
    }

    pub fn decode(text: &str) -> Option<Owner> {
        let mut parts = text.split(' ');
        if parts.next()? != "v2" {
            return None;
        }
        let node = parts.next()?.to_string();
        let generation = parts.next()?.parse().ok()?;
        let restricted = parts.next()? == "1";
        let keys = match parts.next()? {
            "-" => Vec::new(),
            list => list.split(',').map(str::to_string).collect(),
        };
        let session = parts.next()?.to_string();
        if parts.next().is_some() || node.is_empty() || session.is_empty() {
            return None;
        }
        Some(Owner {
            node,
            generation,
            restricted,
            keys,
            session,
        })
    }
}

/// The Redis key for a token: a SHA-256 of it, so Redis (its dumps, its MONITOR) never holds a
/// token that would let anyone in.
pub fn token_key(token: &str) -> String {
    let hash = digest::digest(&digest::SHA256, token.as_bytes());
    let hex: String = hash.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    format!("{PREFIX}token:{hex}")
}

fn node_key(node: &str) -> String {
    format!("{PREFIX}node:{node}")
}

const KEYS_KEY: &str = "tmate:cluster:host-keys";
/// The cluster's key record outlives its last node by this long (a cluster given new keys
/// starts over after it, or at once when the key is deleted by hand).
const KEYS_LEASE_MS: u64 = 3_600_000;
/// The live nodes, scored by when their lease ends.
const NODES_KEY: &str = "tmate:nodes";

/// Set the token keys unless a newer generation holds one of them: 1 when set, else the newer
/// record (this copy is stale, or its name was taken over).
const PUBLISH: &str = r"
for _, key in ipairs(KEYS) do
  local current = redis.call('GET', key)
  if current then
    local generation = tonumber(string.match(current, '^v%d+ %S+ (%d+)'))
    if generation and generation > tonumber(ARGV[2]) then
      return current
    end
  end
end
for _, key in ipairs(KEYS) do
  redis.call('SET', key, ARGV[1], 'PX', ARGV[3])
end
return 1
";

/// Delete the token keys only while they still name this node and generation.
const UNPUBLISH: &str = r"
local current = redis.call('GET', KEYS[1])
if current and string.match(current, '^v%d+ (%S+ %d+)') == ARGV[1] then
  for _, key in ipairs(KEYS) do
    redis.call('DEL', key)
  end
  return 1
end
return 0
";

/// Charge a wrong token to an address, cluster-wide: its next answer moves `interval` later
/// (on Redis's clock, so nodes' clocks need not agree). The wait in ms, or -1 when more than
/// `backlog` is queued already (refuse at once).
const GUESS: &str = r"
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local slot = tonumber(redis.call('GET', KEYS[1]) or '0')
local start = math.max(slot, now)
if start - now > tonumber(ARGV[2]) then
  return -1
end
local next = start + tonumber(ARGV[1])
redis.call('SET', KEYS[1], next, 'PX', next - now + 1000)
return next - now
";

/// Whether a publish took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Published {
    Owned,
    /// A newer owner holds a token (its record when it reads as one): this node's copy is
    /// stale, or a newer session took its name.
    Stale(Option<Owner>),
}

/// Redis through one auto-reconnecting multiplexed connection.
#[derive(Clone)]
pub struct Store {
    conn: ConnectionManager,
}

/// A Redis failure, worded for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// TLS material for a `rediss://` URL, as PEM bytes: without any, the server's certificate
/// is checked against the system's trust store and no client certificate is sent.
#[derive(Debug, Clone, Default)]
pub struct RedisTls {
    /// The CA (or self-signed certificate) to trust instead of the system's roots.
    pub ca: Option<Vec<u8>>,
    /// A client certificate and its key, for servers that ask for one (redis-server's
    /// `tls-auth-clients yes`, its default).
    pub client: Option<(Vec<u8>, Vec<u8>)>,
}

impl RedisTls {
    fn is_empty(&self) -> bool {
        self.ca.is_none() && self.client.is_none()
    }

    /// Check the PEM files hold what they are for, so a wrong file is an error at start, not
    /// a TLS failure in the log later. The error names the file's role.
    pub fn check(&self) -> Result<(), StoreError> {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        let has_certificate = |pem: &[u8]| CertificateDer::pem_slice_iter(pem).any(|c| c.is_ok());
        if let Some(ca) = &self.ca
            && !has_certificate(ca)
        {
            return Err(StoreError("the CA file holds no PEM certificate".into()));
        }
        if let Some((cert, key)) = &self.client {
            if !has_certificate(cert) {
                return Err(StoreError(
                    "the client certificate file holds no PEM certificate".into(),
                ));
            }
            if PrivateKeyDer::from_pem_slice(key).is_err() {
                return Err(StoreError(
                    "the client key file holds no PEM private key".into(),
                ));
            }
        }
        Ok(())
    }
}

impl Store {
    /// A store for `url` (`redis://[user:password@]host:port/db`, `rediss://` for TLS);
    /// connects lazily, so a node starts while Redis is down.
    pub fn open(url: &str, tls: &RedisTls) -> Result<Store, StoreError> {
        let failed = |e: redis::RedisError| StoreError(format!("{e}"));
        let client = if url.starts_with("rediss://") {
            // The redis crate builds its rustls config from the process-wide provider; ring is
            // the one this binary carries (an Err means one is installed already, which serves).
            // rustls deprecates ring's provider for lacking post-quantum key exchange; the
            // alternative (aws-lc-rs) adds a C and cmake build for a link inside the operator's
            // own network, so ring stays until the web side's TLS needs otherwise.
            #[allow(deprecated)]
            let _ = rustls::crypto::ring::default_provider().install_default();
            if tls.is_empty() {
                redis::Client::open(url).map_err(failed)?
            } else {
                let certificates = redis::TlsCertificates {
                    client_tls: tls.client.clone().map(|(client_cert, client_key)| {
                        redis::ClientTlsConfig {
                            client_cert,
                            client_key,
                        }
                    }),
                    root_cert: tls.ca.clone(),
                };
                redis::Client::build_with_tls(url, certificates).map_err(failed)?
            }
        } else if !tls.is_empty() {
            return Err(StoreError(
                "TLS files were given for Redis but the URL is not rediss://".into(),
            ));
        } else {
            redis::Client::open(url).map_err(failed)?
        };
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(COMMAND_TIMEOUT))
            .set_response_timeout(Some(COMMAND_TIMEOUT))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_secs(2));
        let conn = client
            .get_connection_manager_lazy(config)
            .map_err(|e| StoreError(format!("{e}")))?;
        Ok(Store { conn })
    }

    async fn run<T: redis::FromRedisValue>(&self, cmd: &redis::Cmd) -> Result<T, StoreError> {
        let mut conn = self.conn.clone();
        answer(tokio::time::timeout(COMMAND_TIMEOUT, cmd.query_async(&mut conn)).await)
    }

    /// Run `pipe` (its replies ignored).
    async fn run_pipe(&self, pipe: &redis::Pipeline) -> Result<(), StoreError> {
        let mut conn = self.conn.clone();
        answer(tokio::time::timeout(COMMAND_TIMEOUT, pipe.query_async::<()>(&mut conn)).await)
    }

    async fn script<T: redis::FromRedisValue>(
        &self,
        source: &str,
        keys: &[String],
        args: &[String],
    ) -> Result<T, StoreError> {
        let mut cmd = redis::cmd("EVAL");
        cmd.arg(source).arg(keys.len()).arg(keys).arg(args);
        self.run(&cmd).await
    }

    /// Claim `tokens` for `owner` for `lease`, unless a newer generation holds them.
    pub async fn publish(
        &self,
        tokens: &[&str],
        owner: &Owner,
        lease: Duration,
    ) -> Result<Published, StoreError> {
        let keys: Vec<String> = tokens.iter().map(|t| token_key(t)).collect();
        let lease_ms = lease.as_millis().max(1).to_string();
        let answer: redis::Value = self
            .script(
                PUBLISH,
                &keys,
                &[owner.encode(), owner.generation.to_string(), lease_ms],
            )
            .await?;
        Ok(match answer {
            redis::Value::Int(1) => Published::Owned,
            redis::Value::BulkString(newer) => {
                Published::Stale(std::str::from_utf8(&newer).ok().and_then(Owner::decode))
            }
            _ => Published::Stale(None),
        })
    }

    /// Forget `tokens` if they are still this owner's.
    pub async fn unpublish(&self, tokens: &[&str], owner: &Owner) -> Result<(), StoreError> {
        let keys: Vec<String> = tokens.iter().map(|t| token_key(t)).collect();
        let tag = format!("{} {}", owner.node, owner.generation);
        let _: i64 = self.script(UNPUBLISH, &keys, &[tag]).await?;
        Ok(())
    }

    /// Who owns `token`, if anyone.
    pub async fn owner(&self, token: &str) -> Result<Option<Owner>, StoreError> {
        let value: Option<String> = self.run(redis::cmd("GET").arg(token_key(token))).await?;
        Ok(value.as_deref().and_then(Owner::decode))
    }

    /// Charge one wrong token to the address `client` (already reduced to its counting key):
    /// how long to wait before answering, or `None` to refuse at once.
    pub async fn charge_guess(
        &self,
        client: &str,
        interval: Duration,
        backlog: Duration,
    ) -> Result<Option<Duration>, StoreError> {
        let key = format!("{PREFIX}guess:{client}");
        let wait: i64 = self
            .script(
                GUESS,
                &[key],
                &[
                    interval.as_millis().to_string(),
                    backlog.as_millis().to_string(),
                ],
            )
            .await?;
        Ok(u64::try_from(wait).ok().map(Duration::from_millis))
    }

    /// Replace this node's record of its busiest addresses (`address -> connections`).
    pub async fn publish_connections(
        &self,
        node: &str,
        counts: &[(String, usize)],
        lease: Duration,
    ) -> Result<(), StoreError> {
        let key = format!("{PREFIX}conns:{node}");
        let mut pipe = redis::pipe();
        pipe.atomic().del(&key).ignore();
        if !counts.is_empty() {
            pipe.hset_multiple(&key, counts)
                .ignore()
                .pexpire(&key, i64::try_from(lease.as_millis()).unwrap_or(i64::MAX))
                .ignore();
        }
        self.run_pipe(&pipe).await
    }

    /// Another node's busiest addresses.
    pub async fn connections_of(&self, node: &str) -> Result<Vec<(String, usize)>, StoreError> {
        self.run(redis::cmd("HGETALL").arg(format!("{PREFIX}conns:{node}")))
            .await
    }

    /// The names of the live nodes (those whose lease in `tmate:nodes` has not run out).
    pub async fn nodes(&self) -> Result<Vec<String>, StoreError> {
        let now = super::generation_now();
        self.run(
            redis::cmd("ZRANGEBYSCORE")
                .arg(NODES_KEY)
                .arg(now)
                .arg("+inf"),
        )
        .await
    }

    /// Announce this node and where other nodes reach it, for `lease`.
    pub async fn publish_node(
        &self,
        node: &str,
        addr: &str,
        lease: Duration,
    ) -> Result<(), StoreError> {
        let lease_ms = u64::try_from(lease.as_millis()).unwrap_or(u64::MAX).max(1);
        let now = super::generation_now();
        let mut pipe = redis::pipe();
        pipe.cmd("SET")
            .arg(node_key(node))
            .arg(addr)
            .arg("PX")
            .arg(lease_ms)
            .ignore()
            // The index of nodes: scored by when each lease ends; ended ones pruned here.
            .cmd("ZADD")
            .arg(NODES_KEY)
            .arg(now.saturating_add(lease_ms))
            .arg(node)
            .ignore()
            .cmd("ZREMRANGEBYSCORE")
            .arg(NODES_KEY)
            .arg("-inf")
            .arg(now)
            .ignore()
            .cmd("PEXPIRE")
            .arg(NODES_KEY)
            .arg(lease_ms.saturating_mul(4))
            .ignore();
        self.run_pipe(&pipe).await
    }

    /// Where a live node is reached.
    pub async fn node_addr(&self, node: &str) -> Result<Option<String>, StoreError> {
        self.run(redis::cmd("GET").arg(node_key(node))).await
    }

    /// Record this node's host-key fingerprints as the cluster's when none are recorded; the
    /// recorded ones (equal to `mine` when all is well).
    pub async fn cluster_host_keys(&self, mine: &str) -> Result<String, StoreError> {
        let _: Option<String> = self
            .run(
                redis::cmd("SET")
                    .arg(KEYS_KEY)
                    .arg(mine)
                    .arg("NX")
                    .arg("PX")
                    .arg(KEYS_LEASE_MS),
            )
            .await?;
        let recorded: Option<String> = self.run(redis::cmd("GET").arg(KEYS_KEY)).await?;
        Ok(recorded.unwrap_or_else(|| mine.to_string()))
    }

    /// Keep the cluster's key record while a node lives (re-created if Redis lost it).
    pub async fn renew_cluster_host_keys(&self, mine: &str) -> Result<(), StoreError> {
        self.cluster_host_keys(mine).await?;
        let _: i64 = self
            .run(redis::cmd("PEXPIRE").arg(KEYS_KEY).arg(KEYS_LEASE_MS))
            .await?;
        Ok(())
    }
}

/// A bounded Redis call's outcome, worded for the log.
fn answer<T>(
    outcome: Result<redis::RedisResult<T>, tokio::time::error::Elapsed>,
) -> Result<T, StoreError> {
    match outcome {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(StoreError(e.to_string())),
        Err(_) => Err(StoreError(format!(
            "no answer within {} ms",
            COMMAND_TIMEOUT.as_millis()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_records_round_trip_and_reject_garbage() {
        let owner = Owner {
            node: "node-a".into(),
            generation: 1_764_000_000_123,
            restricted: true,
            keys: vec!["SHA256:abc".into(), "SHA256:def".into()],
            session: "00ff".into(),
        };
        assert_eq!(
            owner.encode(),
            "v2 node-a 1764000000123 1 SHA256:abc,SHA256:def 00ff"
        );
        assert_eq!(Owner::decode(&owner.encode()), Some(owner));
        let open = Owner {
            node: "b".into(),
            generation: 7,
            restricted: false,
            keys: Vec::new(),
            session: "k".into(),
        };
        assert_eq!(Owner::decode(&open.encode()), Some(open));
        for bad in [
            "",
            "v1 a 1 0 -",
            "v2 a x 0 - k",
            "v2 a 1 0 -",
            "v2 a 1 0 - k extra",
        ] {
            assert_eq!(Owner::decode(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn token_keys_hide_the_token() {
        let key = token_key("ro-abc");
        assert!(key.starts_with("tmate:token:"));
        assert!(!key.contains("abc"));
        assert_eq!(key.len(), "tmate:token:".len() + 64);
        assert_ne!(key, token_key("abc"));
    }
}
