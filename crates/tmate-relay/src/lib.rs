//! tmate-relay: a relay that the real tmate 2.4 client shares through and plain `ssh` viewers
//! join. `Relay::bind` + `serve` run it; the binary `tmate-ssh-server` is a thin CLI around it.

pub mod accounts;
pub mod bindings;
pub mod cluster;
pub mod events;
pub mod frames;
pub mod host;
pub mod hostkeys;
pub mod limits;
pub mod memory;
pub mod metrics;
pub mod naming;
pub mod ops;
pub mod osc;
pub mod registry;
pub mod session;
pub mod ssh;
pub mod token;
pub mod viewer;
pub mod web;
pub mod web_tls;
pub mod webhook;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::{Context, Result};
use tokio::net::TcpListener;
use tokio::sync::watch;

pub use hostkeys::HostKeys;
pub use limits::Limits;
pub use registry::Registry;

/// Everything a relay needs to run.
#[derive(Clone)]
pub struct RelayConfig {
    /// Addresses to listen on (port 0 picks a free port).
    pub listen: Vec<SocketAddr>,
    /// Host name shown in connection strings.
    pub advertised_host: String,
    /// Port shown in connection strings; `None` means the port actually listened on.
    pub advertised_port: Option<u16>,
    pub host_keys: HostKeys,
    /// Signs reconnection data; keep it across restarts so hosts keep their tokens.
    pub reconnect_secret: Vec<u8>,
    /// `-A`: close sessions that do not restrict viewers with authorized keys.
    pub require_authorized_keys: bool,
    /// How long a session waits for its disconnected host to come back.
    pub reconnect_grace: Duration,
    /// Time before a connection must have authenticated and opened its channel (the
    /// handshake timeout).
    pub login_grace: Duration,
    /// Most simultaneous connections (hosts and viewers together).
    pub max_connections: usize,
    /// Per-address, per-session and per-message limits.
    pub limits: Limits,
    pub viewer_timing: viewer::ViewerTiming,
    /// Delay range before "Invalid or expired session token".
    pub invalid_token_delay: (Duration, Duration),
    /// Where the web viewer listens (`None`: no web viewer, no `tmate_web` links).
    pub web_listen: Option<SocketAddr>,
    /// Public base URL of the web viewer (behind a proxy); `None`: `http://HOST:PORT`.
    pub web_url: Option<String>,
    /// The port the web viewer really listens on (set by `Relay::bind`).
    pub web_port: Option<u16>,
    /// Cluster mode (`--redis`): this node's name, address and the shared Redis.
    pub cluster: Option<cluster::ClusterConfig>,
    /// `--accounts`: named sessions need a key and get `USER/NAME` tokens; without it, names
    /// are the tokens (`naming`).
    pub accounts: Option<Arc<accounts::Accounts>>,
    /// `--metrics-addr`: Prometheus metrics and health checks on their own listener.
    pub metrics_listen: Option<SocketAddr>,
    /// `--web-tls-cert` / `--web-tls-key`: the web viewer speaks HTTPS (links `https://`).
    pub web_tls: Option<web_tls::TlsFiles>,
    /// `--webhook` URLs (relay-wide) and how requests are signed and retried.
    pub webhooks: Vec<String>,
    pub webhook_settings: webhook::WebhookSettings,
    /// `--allow-host-webhooks`: a host's `tmate-webhook-url` gets its session's events too.
    pub allow_host_webhooks: bool,
}

impl RelayConfig {
    /// Defaults for a relay on `listen` with the given keys.
    pub fn new(listen: Vec<SocketAddr>, advertised_host: String, host_keys: HostKeys) -> Self {
        RelayConfig {
            listen,
            advertised_host,
            advertised_port: None,
            host_keys,
            reconnect_secret: random_secret(),
            require_authorized_keys: false,
            reconnect_grace: Duration::from_secs(600),
            login_grace: Duration::from_secs(20),
            max_connections: 10_000,
            limits: Limits::default(),
            viewer_timing: viewer::ViewerTiming::default(),
            invalid_token_delay: (Duration::from_millis(50), Duration::from_millis(200)),
            web_listen: None,
            web_url: None,
            web_port: None,
            cluster: None,
            accounts: None,
            metrics_listen: None,
            web_tls: None,
            webhooks: Vec::new(),
            webhook_settings: webhook::WebhookSettings::default(),
            allow_host_webhooks: false,
        }
    }

    /// The web viewer's base URL, when it is on.
    pub fn web_base_url(&self) -> Option<String> {
        self.web_listen?;
        if let Some(url) = &self.web_url {
            return Some(url.trim_end_matches('/').to_string());
        }
        let port = self.web_port.or(self.web_listen.map(|a| a.port()))?;
        let scheme = if self.web_tls.is_some() {
            "https"
        } else {
            "http"
        };
        Some(format!("{scheme}://{}:{port}", self.advertised_host))
    }

    /// `<base>/t/<token>`, when the web viewer is on.
    pub fn web_link(&self, token: &str) -> Option<String> {
        self.web_base_url().map(|base| format!("{base}/t/{token}"))
    }

    /// `ssh[ -pPORT] TOKEN@HOST`, as the original prints it.
    pub fn ssh_command(&self, token: &str) -> String {
        let port = self.advertised_port.unwrap_or(22);
        let host = &self.advertised_host;
        if port == 22 {
            format!("ssh {token}@{host}")
        } else {
            format!("ssh -p{port} {token}@{host}")
        }
    }
}

/// 32 random bytes.
pub fn random_secret() -> Vec<u8> {
    use rand::Rng;
    let mut secret = vec![0u8; 32];
    rand::rng().fill_bytes(&mut secret);
    secret
}

/// The reconnection secret kept in the keys directory (created once, mode 0600).
pub fn load_or_create_secret(dir: &Path) -> Result<Vec<u8>> {
    let path = dir.join("reconnect_secret");
    if let Ok(secret) = std::fs::read(&path)
        && secret.len() >= 32
    {
        return Ok(secret);
    }
    let secret = random_secret();
    {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        file.write_all(&secret)?;
    }
    Ok(secret)
}

/// State shared by every connection of one relay.
pub struct Shared {
    pub config: RelayConfig,
    pub registry: Registry,
    pub connections: AtomicUsize,
    /// Open connections per client address.
    pub per_ip: limits::PerIp,
    /// Wrong-token penalties per client address.
    pub guesses: limits::GuessLimiter,
    /// Cluster mode: the shared store and the links to other nodes.
    pub cluster: Option<Arc<cluster::Cluster>>,
    /// Draining (SIGTERM): no new connections; hosts are let go to move to other nodes.
    pub draining: std::sync::atomic::AtomicBool,
    /// The Prometheus series (`metrics`), counted into wherever things happen.
    pub metrics: metrics::Metrics,
    /// Delivery of session events (`--webhook`, and hosts' own URLs when allowed).
    pub webhooks: Option<webhook::Webhooks>,
    /// The web viewer's certificate, swapped on SIGHUP (`web_tls`).
    pub web_tls: Option<web_tls::Reloadable>,
    /// Every listener is bound and serving (`/readyz`).
    pub serving: std::sync::atomic::AtomicBool,
    next_viewer_id: AtomicU64,
}

impl Shared {
    pub fn next_viewer_id(&self) -> u64 {
        self.next_viewer_id.fetch_add(1, Ordering::Relaxed)
    }

    /// Charge a wrong token to `ip` and wait out its penalty; `false`: refused, close at once.
    /// In a cluster the penalty is kept in Redis, so a guesser gains nothing by spreading over
    /// nodes; when Redis cannot be asked, this node's own account is used.
    pub async fn penalize_guess(&self, ip: std::net::IpAddr) -> bool {
        let limits = &self.config.limits;
        if let Some(cluster) = &self.cluster {
            let client = limits::client_key(ip).to_string();
            let charged = cluster
                .store
                .charge_guess(
                    &client,
                    limits.token_guess_interval,
                    limits.token_guess_backlog,
                )
                .await;
            cluster.note(&charged);
            if let Ok(wait) = charged {
                return match wait {
                    Some(wait) => {
                        tokio::time::sleep(wait).await;
                        true
                    }
                    None => false,
                };
            }
        }
        self.guesses.penalize(ip, limits).await
    }

    /// A session is over: drop it from the registry and, in a cluster, from Redis; tell it
    /// (`events`) with `reason`.
    pub fn forget_session(&self, session: &Arc<session::Session>, reason: &str) {
        self.session_closed(session, reason);
        self.registry.remove(session);
        if let Some(cluster) = &self.cluster {
            let cluster = cluster.clone();
            let session = session.clone();
            tokio::spawn(async move { cluster.unpublish(&session).await });
        }
    }
}

/// A bound relay, ready to serve.
pub struct Relay {
    listeners: Vec<TcpListener>,
    web_listener: Option<TcpListener>,
    metrics_listener: Option<TcpListener>,
    shared: Arc<Shared>,
    ssh_config: Arc<russh::server::Config>,
    shutdown: watch::Sender<bool>,
}

/// Controls a running relay from elsewhere (tests, signal handlers).
#[derive(Clone)]
pub struct RelayHandle {
    shared: Arc<Shared>,
    shutdown: watch::Sender<bool>,
    addrs: Vec<SocketAddr>,
    web_addr: Option<SocketAddr>,
    metrics_addr: Option<SocketAddr>,
}

impl RelayHandle {
    /// Where metrics and health checks are served, when they are on.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics_addr
    }

    /// Re-read the web viewer's certificate and key (SIGHUP). Connections already open keep
    /// theirs; new ones get the new certificate. A pair that does not load leaves the old one.
    pub fn reload_web_tls(&self) -> Option<Result<(), String>> {
        self.shared
            .web_tls
            .as_ref()
            .map(web_tls::Reloadable::reload)
    }

    /// Stop accepting, end every session, and let `serve` return.
    pub fn shutdown(&self) {
        let _ = self.shutdown.send(true);
        for session in self.shared.registry.all() {
            session.end("[the relay is shutting down]");
            self.shared.forget_session(&session, "the relay shut down");
        }
    }

    /// Drain (SIGTERM, for a rolling restart): stop accepting, let every host go so it
    /// reconnects to another node of the cluster with its tokens, close each session here once
    /// it is owned elsewhere (its viewers are told to reconnect), and after `limit` end what is
    /// left. Without a cluster there is nowhere to move to: the same as `shutdown`.
    pub async fn drain(&self, limit: Duration) {
        let Some(cluster) = self.shared.cluster.clone() else {
            self.shutdown();
            return;
        };
        tracing::info!(sessions = self.shared.registry.len(), "draining");
        self.shared.draining.store(true, Ordering::Relaxed);
        let _ = self.shutdown.send(true);
        for session in self.shared.registry.all() {
            session.release_host();
        }
        let deadline = tokio::time::Instant::now() + limit;
        while !self.shared.registry.is_empty() && tokio::time::Instant::now() < deadline {
            for session in self.shared.registry.all() {
                let owner = cluster.store.owner(&session.token).await;
                cluster.note(&owner);
                if let Ok(Some(owner)) = owner
                    && owner.node != cluster.config.node_name
                {
                    session.end("[this session moved to another relay node; reconnect to see it]");
                    self.shared.session_moved(&session, &owner.node);
                    self.shared.registry.remove(&session);
                }
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        tracing::info!(left = self.shared.registry.len(), "drained");
        self.shutdown();
    }

    pub fn local_addrs(&self) -> &[SocketAddr] {
        &self.addrs
    }

    /// Where the web viewer listens, when it is on.
    pub fn web_addr(&self) -> Option<SocketAddr> {
        self.web_addr
    }

    pub fn registry(&self) -> &Registry {
        &self.shared.registry
    }

    /// Connections open now (SSH and web viewers' sockets).
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::Relaxed)
    }

    pub fn config(&self) -> &RelayConfig {
        &self.shared.config
    }
}

/// The SSH listeners, and the first one's port, which is advertised unless the config names
/// another.
async fn bind_ssh(config: &mut RelayConfig) -> Result<(Vec<TcpListener>, u16)> {
    let mut listeners = Vec::new();
    for addr in &config.listen {
        let listener = TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        listeners.push(listener);
    }
    let port = listeners
        .first()
        .and_then(|l| l.local_addr().ok())
        .map(|a| a.port())
        .context("no address to listen on")?;
    config.advertised_port.get_or_insert(port);
    Ok((listeners, port))
}

/// The web viewer's listener when it is on; its port goes into the config.
async fn bind_web(config: &mut RelayConfig) -> Result<Option<TcpListener>> {
    let Some(addr) = config.web_listen else {
        return Ok(None);
    };
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen for the web viewer on {addr}"))?;
    config.web_port = listener.local_addr().ok().map(|a| a.port());
    Ok(Some(listener))
}

/// The cluster this node is in (--redis), after checking its host keys are the cluster's.
async fn join_cluster(config: &RelayConfig) -> Result<Option<Arc<cluster::Cluster>>> {
    let Some(cluster_config) = &config.cluster else {
        return Ok(None);
    };
    let cluster = cluster::Cluster::new(cluster_config.clone(), &config.host_keys)
        .map_err(|e| anyhow::anyhow!("--redis: {e}"))?;
    cluster
        .check_host_keys()
        .await
        .map_err(anyhow::Error::msg)?;
    Ok(Some(Arc::new(cluster)))
}

impl Relay {
    pub async fn bind(mut config: RelayConfig) -> Result<Relay> {
        let (listeners, port) = bind_ssh(&mut config).await?;
        let web_listener = bind_web(&mut config).await?;
        let ssh_config = Arc::new(ssh::server_config(&config));
        let registry = Registry::new(&config.reconnect_secret);
        // A node told to listen on port 0 is reached on the port it got.
        if let Some(cluster) = &mut config.cluster
            && let Some(host) = cluster.node_addr.strip_suffix(":0")
        {
            cluster.node_addr = format!("{host}:{port}");
        }
        let cluster = join_cluster(&config).await?;
        let metrics_listener = match config.metrics_listen {
            Some(addr) => Some(
                TcpListener::bind(addr)
                    .await
                    .with_context(|| format!("cannot listen for metrics on {addr}"))?,
            ),
            None => None,
        };
        let web_tls = match &config.web_tls {
            Some(files) => {
                Some(web_tls::Reloadable::load(files.clone()).map_err(anyhow::Error::msg)?)
            }
            None => None,
        };
        let webhooks = if config.webhooks.is_empty() && !config.allow_host_webhooks {
            None
        } else {
            Some(
                webhook::Webhooks::new(config.webhooks.clone(), config.webhook_settings.clone())
                    .map_err(|e| anyhow::anyhow!("--webhook: {e}"))?,
            )
        };
        let (shutdown, _) = watch::channel(false);
        Ok(Relay {
            listeners,
            web_listener,
            shared: Arc::new(Shared {
                config,
                registry,
                connections: AtomicUsize::new(0),
                per_ip: limits::PerIp::default(),
                guesses: limits::GuessLimiter::default(),
                cluster,
                draining: std::sync::atomic::AtomicBool::new(false),
                metrics: metrics::Metrics::default(),
                webhooks,
                web_tls,
                serving: std::sync::atomic::AtomicBool::new(false),
                next_viewer_id: AtomicU64::new(1),
            }),
            metrics_listener,
            ssh_config,
            shutdown,
        })
    }

    pub fn local_addrs(&self) -> Vec<SocketAddr> {
        self.listeners
            .iter()
            .filter_map(|l| l.local_addr().ok())
            .collect()
    }

    pub fn handle(&self) -> RelayHandle {
        RelayHandle {
            shared: self.shared.clone(),
            shutdown: self.shutdown.clone(),
            addrs: self.local_addrs(),
            web_addr: self.web_listener.as_ref().and_then(|l| l.local_addr().ok()),
            metrics_addr: self
                .metrics_listener
                .as_ref()
                .and_then(|l| l.local_addr().ok()),
        }
    }

    /// Accept connections until `RelayHandle::shutdown`.
    pub async fn serve(self) -> Result<()> {
        let mut tasks = tokio::task::JoinSet::new();
        if let Some(cluster) = self.shared.cluster.clone() {
            let shared = self.shared.clone();
            let stop = self.shutdown.subscribe();
            tasks.spawn(cluster.run(shared, stop));
        }
        for listener in self.listeners {
            let shared = self.shared.clone();
            let ssh_config = self.ssh_config.clone();
            let mut stop = self.shutdown.subscribe();
            tasks.spawn(async move {
                loop {
                    tokio::select! {
                        accepted = listener.accept() => match accepted {
                            Ok((stream, peer)) => ssh::accept(shared.clone(), ssh_config.clone(), stream, peer),
                            Err(error) => {
                                // Out of file descriptors and the like: back off, don't spin.
                                tracing::warn!(%error, "accept failed");
                                tokio::time::sleep(Duration::from_millis(100)).await;
                            }
                        },
                        _ = stop.changed() => break,
                    }
                }
            });
        }
        if let Some(listener) = self.web_listener {
            let app = web::router(self.shared.clone())
                .into_make_service_with_connect_info::<web::PeerAddr>();
            let listener = web::CountedListener::new(listener, self.shared.clone());
            let mut stop = self.shutdown.subscribe();
            tasks.spawn(async move {
                let stopped = async move {
                    let _ = stop.changed().await;
                };
                if let Err(error) = axum::serve(listener, app)
                    .with_graceful_shutdown(stopped)
                    .await
                {
                    tracing::warn!(%error, "web viewer stopped");
                }
            });
        }
        if let Some(listener) = self.metrics_listener {
            tasks.spawn(ops::serve(
                listener,
                self.shared.clone(),
                self.shutdown.subscribe(),
            ));
        }
        self.shared
            .serving
            .store(true, std::sync::atomic::Ordering::Relaxed);
        while tasks.join_next().await.is_some() {}
        Ok(())
    }
}
