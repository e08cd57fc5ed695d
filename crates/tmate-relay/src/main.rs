//! `tmate-ssh-server`: the relay's command line (flags of the original tmate-ssh-server), key
//! set-up, the start-up banner with fingerprints and `~/.tmate.conf` lines, logging, the sandbox,
//! and how a failure is told (one line on stderr, non-zero exit).

use std::io::IsTerminal;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{CommandFactory, Parser};
use std::time::Duration;
use tmate_relay::viewer::ViewerTiming;
use tmate_relay::{HostKeys, Limits, Relay, RelayConfig, load_or_create_secret};
use tracing_subscriber::EnvFilter;

mod config_file;
mod sandbox;

/// A tmate-compatible relay: tmate 2.4 hosts share their terminal through it, viewers join with
/// `ssh TOKEN@HOST` (read-write) or `ssh ro-TOKEN@HOST` (read-only).
#[derive(Parser, Debug)]
#[command(name = "tmate-ssh-server", version, disable_help_flag = true)]
struct Cli {
    /// Address to listen on (default: all IPv4 and IPv6 addresses).
    #[arg(short = 'b', value_name = "ADDR")]
    bind: Option<IpAddr>,
    /// Host name shown in connection strings (default: this machine's host name).
    #[arg(short = 'h', value_name = "HOST")]
    host: Option<String>,
    /// Port to listen on.
    #[arg(short = 'p', value_name = "PORT", default_value_t = 22)]
    port: u16,
    /// Port shown in connection strings (default: the listening port).
    #[arg(short = 'q', value_name = "PORT")]
    advertised_port: Option<u16>,
    /// Directory of the host keys (ssh_host_ed25519_key, ssh_host_rsa_key); missing keys are
    /// created there.
    #[arg(short = 'k', value_name = "DIR", default_value = "keys")]
    keys: PathBuf,
    /// Write logs to this file instead of standard error.
    #[arg(short = 'l', value_name = "FILE")]
    log_file: Option<PathBuf>,
    /// More logging (repeat for more).
    #[arg(short = 'v', action = clap::ArgAction::Count)]
    verbose: u8,
    /// Require every session to restrict viewers with authorized keys (tmate -a).
    #[arg(short = 'A')]
    authorized_keys_only: bool,
    /// Port of the web viewer (HTTP; the `tmate_web` links).
    #[arg(long, value_name = "PORT", default_value_t = 8080)]
    web_port: u16,
    /// Address the web viewer listens on (default: the -b address, else all addresses).
    #[arg(long, value_name = "ADDR")]
    web_bind: Option<IpAddr>,
    /// Public base URL of the web viewer, when a proxy serves it (e.g. https://relay.example.com).
    #[arg(long, value_name = "URL")]
    web_url: Option<String>,
    /// Do not serve the web viewer (no `tmate_web` links).
    #[arg(long)]
    no_web: bool,
    /// Seconds a session waits for its disconnected host to reconnect.
    #[arg(long, value_name = "SECONDS", default_value_t = 600)]
    reconnect_grace: u64,
    /// Most simultaneous connections (SSH and web) from one address (IPv6: one /64).
    #[arg(long, value_name = "N", default_value_t = Limits::default().connections_per_ip)]
    connections_per_ip: usize,
    /// Most simultaneous connections in all.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    max_connections: usize,
    /// Most live sessions; further hosts are told the relay is full.
    #[arg(long, value_name = "N", default_value_t = Limits::default().sessions)]
    max_sessions: usize,
    /// Most viewers (SSH and web) of one session.
    #[arg(long, value_name = "N", default_value_t = Limits::default().viewers_per_session)]
    viewers_per_session: usize,
    /// Largest message a host may send, in bytes (larger ones end its session).
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().message_size)]
    max_message_size: usize,
    /// Seconds a new connection has to authenticate and open its channel.
    #[arg(long, value_name = "SECONDS", default_value_t = 20)]
    handshake_timeout: u64,
    /// Seconds without any packet from a peer (keepalive answers count) before it is dropped.
    #[arg(long, value_name = "SECONDS", default_value_t = Limits::default().idle_timeout.as_secs())]
    idle_timeout: u64,
    /// Seconds a viewer may leave its output unread (full window) before it is dropped.
    #[arg(long, value_name = "SECONDS", default_value_t = ViewerTiming::default().stall_limit.as_secs())]
    viewer_stall_timeout: u64,
    /// Milliseconds each wrong session token adds to its address's wait (guessing defence).
    #[arg(long, value_name = "MS", default_value_t = 50)]
    token_guess_interval: u64,
    /// Cluster mode: share sessions with the other nodes through this Redis
    /// (redis://[USER:PASSWORD@]HOST:PORT[/DB], rediss:// for TLS); every node needs the same
    /// keys directory.
    #[arg(long, value_name = "URL")]
    redis: Option<String>,
    /// rediss://: trust this CA (PEM) for Redis's certificate instead of the system's roots.
    #[arg(long, value_name = "FILE", requires = "redis")]
    redis_ca: Option<PathBuf>,
    /// rediss://: present this client certificate (PEM) to Redis (with --redis-client-key).
    #[arg(long, value_name = "FILE", requires_all = ["redis", "redis_client_key"])]
    redis_client_cert: Option<PathBuf>,
    /// rediss://: the client certificate's private key (PEM).
    #[arg(long, value_name = "FILE", requires_all = ["redis", "redis_client_cert"])]
    redis_client_key: Option<PathBuf>,
    /// This node's name in the cluster (letters, digits, . _ -; default: from its address).
    #[arg(long, value_name = "NAME", requires = "redis")]
    node_name: Option<String>,
    /// Named sessions need an account: lines `USER KEY` (# comments), re-read on SIGHUP; a
    /// host names its session with `tmate -k KEY -n NAME` and gets `USER/NAME` tokens. Without
    /// it, `tmate -n NAME` gives the token NAME.
    #[arg(long, value_name = "FILE")]
    accounts: Option<PathBuf>,
    /// HOST:PORT other nodes reach this node's SSH port on (default: the -b address and -p
    /// port, else this machine's host name and -p port).
    #[arg(long, value_name = "HOST:PORT", requires = "redis")]
    cluster_addr: Option<String>,
    // The help names what sandbox.rs applies, in its own words (one wording everywhere).
    #[arg(
        long,
        help = format!("Do not sandbox the process after start-up. The sandbox: {}", sandbox::SUMMARY)
    )]
    no_sandbox: bool,
    /// Serve Prometheus metrics (`/metrics`) and health checks (`/healthz`, `/readyz`) on this
    /// address, e.g. 127.0.0.1:9090 (off by default; never on the web port).
    #[arg(long, value_name = "ADDR:PORT")]
    metrics_addr: Option<SocketAddr>,
    /// Log format: `text` (for people) or `json` (one object per line, for log pipelines).
    #[arg(long, value_name = "FORMAT", default_value = "text")]
    log_format: LogFormat,
    /// POST session events (JSON) to this URL; repeat for more URLs.
    #[arg(long, value_name = "URL")]
    webhook: Vec<String>,
    /// Sign every webhook request: header `X-Tmate-Signature-256: sha256=HEX`, the HMAC-SHA256 of
    /// the body with this secret.
    #[arg(
        long,
        value_name = "SECRET",
        env = "TMATE_WEBHOOK_SECRET",
        hide_env_values = true
    )]
    webhook_secret: Option<String>,
    /// Also send a session's events to the URL its host sets (`tmate-webhook-url`, with
    /// `tmate-webhook-userdata`).
    #[arg(long)]
    allow_host_webhooks: bool,
    /// Let host-set webhook URLs reach loopback, private and link-local addresses (refused by
    /// default: a host could otherwise make the relay POST into the operator's network).
    #[arg(long, requires = "allow_host_webhooks")]
    allow_private_host_webhooks: bool,
    /// Serve the web viewer over HTTPS with this certificate chain (PEM; re-read on SIGHUP).
    #[arg(long, value_name = "FILE", requires = "web_tls_key")]
    web_tls_cert: Option<PathBuf>,
    /// The web certificate's private key (PEM; re-read on SIGHUP).
    #[arg(long, value_name = "FILE", requires = "web_tls_cert")]
    web_tls_key: Option<PathBuf>,
    /// Read settings from this TOML file: keys are the long flag names (`port = 22`,
    /// `web-port = 8080`, `webhook = ["https://..."]`); flags given here override it.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Print help.
    #[arg(long, action = clap::ArgAction::Help)]
    help: Option<bool>,
    #[command(subcommand)]
    command: Option<Command>,
}

/// `--log-format`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum LogFormat {
    Text,
    Json,
}

#[derive(clap::Subcommand, Debug)]
enum Command {
    /// Manage the accounts file of named sessions (`--accounts`).
    Account {
        #[command(subcommand)]
        action: AccountAction,
    },
}

#[derive(clap::Subcommand, Debug)]
enum AccountAction {
    /// Add USER with a fresh random key, print the key (the file is created, mode 0600, when
    /// missing). A running relay sees it after SIGHUP.
    Add {
        /// The user name: 1-50 letters, digits, '-' or '_' (tokens read USER/NAME).
        user: String,
        /// The accounts file.
        #[arg(long, value_name = "FILE")]
        accounts: PathBuf,
    },
}

fn main() -> ExitCode {
    let argv = match config_file::merge(Cli::command(), std::env::args_os().collect()) {
        Ok(argv) => argv,
        Err(error) => {
            eprintln!("tmate-ssh-server: {error}");
            return ExitCode::FAILURE;
        }
    };
    let cli = match Cli::try_parse_from(&argv) {
        Ok(cli) => cli,
        Err(error) if error.use_stderr() && argv.iter().any(|arg| arg == "--config") => {
            // The file's settings arrive as flags: say where a flag the user never typed came from.
            let _ = error.print();
            eprintln!("(settings from the --config file count as the flags of the same names)");
            return ExitCode::from(2);
        }
        Err(error) => error.exit(),
    };
    let logs_to_file = cli.log_file.is_some();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // One line with its causes (`cannot listen on [::]:22: Address already in use`), not
            // anyhow's `Caused by:` block or a backtrace: this is the user's answer.
            eprintln!("tmate-ssh-server: {error:#}");
            if logs_to_file {
                tracing::error!("{error:#}");
            }
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    if let Some(Command::Account {
        action: AccountAction::Add { user, accounts },
    }) = &cli.command
    {
        return add_account(user, accounts);
    }
    init_logging(&cli)?;

    let (host_keys, origins) = HostKeys::load_or_create(&cli.keys)?;
    for origin in &origins {
        tracing::info!(?origin, "host key");
    }
    let reconnect_secret = load_or_create_secret(&cli.keys)?;
    let advertised_host = match cli.host.clone() {
        Some(host) => host,
        None => hostname(),
    };
    let mut config = RelayConfig::new(
        listen_addrs(&cli),
        advertised_host.clone(),
        host_keys.clone(),
    );
    config.reconnect_secret = reconnect_secret;
    configure(&mut config, &cli)?;
    let accounts = config.accounts.clone();
    let connects =
        config.cluster.is_some() || !config.webhooks.is_empty() || config.allow_host_webhooks;

    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let relay = bind_any(config, cli.bind.is_none()).await?;
        let handle = relay.handle();
        let port = handle.config().advertised_port.unwrap_or(cli.port);
        print_banner(&handle, &host_keys, &advertised_host, port);
        // Everything that needs the file system is done: keys, secret, log file, sockets.
        if cli.no_sandbox {
            println!("sandbox: off (--no-sandbox)");
        } else {
            enter_sandbox(&cli, connects)?;
        }
        tokio::spawn(reload_on_sighup(accounts, handle.clone()));
        let stopped_rx = stop_on_signals(handle.clone());
        relay.serve().await?;
        // Accepting stopped; a drain still moves its hosts (bounded).
        let _ = tokio::time::timeout(DRAIN_LIMIT + Duration::from_secs(5), stopped_rx).await;
        Ok(())
    })
}

/// `account add`: a fresh key for the user in the accounts file, printed with how to use it.
fn add_account(user: &str, accounts: &std::path::Path) -> Result<()> {
    let key = tmate_relay::accounts::add(accounts, user).map_err(anyhow::Error::msg)?;
    println!("{key}");
    eprintln!(
        "added {user} to {}; the host uses: tmate -k {key} -n NAME (or `set -g tmate-api-key \
         {key}` in ~/.tmate.conf); send SIGHUP to a running relay",
        accounts.display()
    );
    Ok(())
}

/// The SSH listening address: -b, else all IPv6 addresses (`bind_any` adds IPv4).
fn listen_addrs(cli: &Cli) -> Vec<SocketAddr> {
    match cli.bind {
        Some(ip) => vec![SocketAddr::new(ip, cli.port)],
        None => vec![SocketAddr::new(IpAddr::V6(Ipv6Addr::UNSPECIFIED), cli.port)],
    }
}

/// The flags' settings into the relay's config: limits, web viewer, cluster, accounts (loaded
/// here), metrics, TLS, webhooks (URLs checked here).
fn configure(config: &mut RelayConfig, cli: &Cli) -> Result<()> {
    config.advertised_port = cli.advertised_port;
    config.require_authorized_keys = cli.authorized_keys_only;
    config.reconnect_grace = Duration::from_secs(cli.reconnect_grace);
    config.login_grace = Duration::from_secs(cli.handshake_timeout.max(1));
    config.max_connections = cli.max_connections;
    config.limits = Limits {
        connections_per_ip: cli.connections_per_ip.max(1),
        sessions: cli.max_sessions,
        viewers_per_session: cli.viewers_per_session,
        message_size: cli.max_message_size.max(64 * 1024),
        idle_timeout: Duration::from_secs(cli.idle_timeout.max(1)),
        token_guess_interval: Duration::from_millis(cli.token_guess_interval),
        ..Limits::default()
    };
    config.viewer_timing.stall_limit = Duration::from_secs(cli.viewer_stall_timeout.max(1));
    if !cli.no_web {
        let ip = cli
            .web_bind
            .or(cli.bind)
            .unwrap_or(IpAddr::V6(Ipv6Addr::UNSPECIFIED));
        config.web_listen = Some(SocketAddr::new(ip, cli.web_port));
        config.web_url = cli.web_url.clone();
    }
    if let Some(redis_url) = &cli.redis {
        config.cluster = Some(cluster_config(cli, redis_url)?);
    }
    if let Some(path) = &cli.accounts {
        let accounts = tmate_relay::accounts::Accounts::load(path)
            .map_err(|e| anyhow::anyhow!("--accounts: {e}"))?;
        tracing::info!(accounts = accounts.len(), file = %path.display(), "named sessions need an account key");
        config.accounts = Some(std::sync::Arc::new(accounts));
    }
    config.metrics_listen = cli.metrics_addr;
    if let (Some(cert), Some(key)) = (&cli.web_tls_cert, &cli.web_tls_key) {
        if cli.no_web {
            anyhow::bail!("--web-tls-cert: the web viewer is off (--no-web)");
        }
        config.web_tls = Some(tmate_relay::web_tls::TlsFiles {
            cert: cert.clone(),
            key: key.clone(),
        });
    }
    for url in &cli.webhook {
        tmate_relay::webhook::Webhooks::check_url(url)
            .map_err(|e| anyhow::anyhow!("--webhook {url}: {e}"))?;
    }
    config.webhooks = cli.webhook.clone();
    config.allow_host_webhooks = cli.allow_host_webhooks;
    config.webhook_settings.allow_private_host_urls = cli.allow_private_host_webhooks;
    config.webhook_settings.secret = cli.webhook_secret.as_ref().map(|s| s.as_bytes().to_vec());
    Ok(())
}

/// The start-up banner: where the relay listens, its fingerprints and the `~/.tmate.conf`
/// lines for its hosts.
fn print_banner(
    handle: &tmate_relay::RelayHandle,
    host_keys: &HostKeys,
    advertised_host: &str,
    port: u16,
) {
    let addrs: Vec<String> = handle.local_addrs().iter().map(|a| a.to_string()).collect();
    println!("tmate-ssh-server listening on {}", addrs.join(", "));
    if let (Some(addr), Some(base)) = (handle.web_addr(), handle.config().web_base_url()) {
        println!("web viewer on {addr}, links {base}/t/TOKEN");
    }
    if let Some(addr) = handle.metrics_addr() {
        println!("metrics on http://{addr}/metrics, health on /healthz and /readyz");
    }
    if let Some(cluster) = &handle.config().cluster {
        println!(
            "cluster node {} (other nodes reach it on {}), Redis {}",
            cluster.node_name,
            cluster.node_addr,
            redacted_url(&cluster.redis_url)
        );
    }
    println!("ed25519 fingerprint: {}", host_keys.ed25519_fingerprint());
    if let Some(rsa) = host_keys.rsa_fingerprint() {
        println!("rsa fingerprint:     {rsa}");
    }
    println!("\nPut these lines in ~/.tmate.conf on every host that shares through this relay:\n");
    print!("{}", host_keys.tmate_conf(advertised_host, port));
    println!();
}

/// Restrict the process (`sandbox`), `connects` when it must still open connections (Redis,
/// webhooks); the directories of the files re-read on SIGHUP stay readable. Says what is in
/// force on stdout and in the log.
fn enter_sandbox(cli: &Cli, connects: bool) -> Result<()> {
    let readable: Vec<PathBuf> = [
        cli.accounts.as_deref(),
        cli.web_tls_cert.as_deref(),
        cli.web_tls_key.as_deref(),
    ]
    .into_iter()
    .flatten()
    .filter_map(|p| std::path::absolute(p).ok())
    .filter_map(|p| p.parent().map(std::path::Path::to_path_buf))
    .collect();
    let enforced = sandbox::restrict(connects, &readable).context("cannot restrict the process")?;
    let said = enforced.describe(connects);
    let said = if readable.is_empty() || connects {
        said.to_string()
    } else {
        let dirs: Vec<String> = readable.iter().map(|d| d.display().to_string()).collect();
        format!(
            "{said}; {} stay readable (re-read on SIGHUP)",
            dirs.join(", ")
        )
    };
    println!("sandbox: {said}");
    tracing::info!("sandbox: {said}");
    Ok(())
}

/// Ctrl-C stops the relay at once; SIGTERM drains it (hosts move to other nodes, bounded by
/// DRAIN_LIMIT). The receiver hears when either is done.
fn stop_on_signals(stopper: tmate_relay::RelayHandle) -> tokio::sync::oneshot::Receiver<()> {
    let (stopped, stopped_rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
        let terminated = async {
            match terminate.as_mut() {
                Some(t) => t.recv().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {
                tracing::info!("interrupted; shutting down");
                stopper.shutdown();
            }
            _ = terminated => {
                tracing::info!("terminated; draining");
                stopper.drain(DRAIN_LIMIT).await;
            }
        }
        let _ = stopped.send(());
    });
    stopped_rx
}

/// SIGHUP re-reads the accounts file and the web viewer's certificate; a file that does not
/// load keeps what is in force.
async fn reload_on_sighup(
    accounts: Option<std::sync::Arc<tmate_relay::accounts::Accounts>>,
    handle: tmate_relay::RelayHandle,
) {
    let Ok(mut hangups) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
    else {
        tracing::warn!("cannot watch SIGHUP; files are read at start only");
        return;
    };
    while hangups.recv().await.is_some() {
        if let Some(accounts) = &accounts {
            match accounts.reload() {
                Ok(count) => {
                    tracing::info!(accounts = count, file = %accounts.path().display(), "accounts reloaded")
                }
                Err(error) => tracing::error!(
                    %error,
                    kept = accounts.len(),
                    "accounts not reloaded; the previous accounts stay in force"
                ),
            }
        }
        match handle.reload_web_tls() {
            Some(Ok(())) => tracing::info!("web TLS certificate reloaded"),
            Some(Err(error)) => tracing::error!(
                %error,
                "web TLS certificate not reloaded; the previous one stays in force"
            ),
            None => {}
        }
    }
}

/// How long SIGTERM waits for the hosts to move to other nodes before ending what is left.
const DRAIN_LIMIT: Duration = Duration::from_secs(30);

/// The node's name and address from the flags, with the defaults `--help` states.
fn cluster_config(cli: &Cli, redis_url: &str) -> Result<tmate_relay::cluster::ClusterConfig> {
    let node_addr = match (&cli.cluster_addr, cli.bind) {
        (Some(addr), _) => addr.clone(),
        (None, Some(ip)) if !ip.is_unspecified() => SocketAddr::new(ip, cli.port).to_string(),
        (None, _) => format!("{}:{}", hostname(), cli.port),
    };
    if !node_addr.contains(':') {
        anyhow::bail!("--cluster-addr: not HOST:PORT: {node_addr}");
    }
    let node_name = match &cli.node_name {
        Some(name) => name.clone(),
        None => node_addr
            .chars()
            .map(|c| match c {
                'a'..='z' | 'A'..='Z' | '0'..='9' | '.' | '_' | '-' => c,
                _ => '-',
            })
            .collect::<String>()
            .trim_matches('-')
            .to_string(),
    };
    if !tmate_relay::cluster::valid_node_name(&node_name) {
        anyhow::bail!(
            "--node-name: {node_name:?} is not a node name (1-64 letters, digits, '.', '_', '-')"
        );
    }
    let read = |flag: &str, path: &PathBuf| {
        std::fs::read(path).with_context(|| format!("{flag}: cannot read {}", path.display()))
    };
    let redis_tls = tmate_relay::cluster::RedisTls {
        ca: cli
            .redis_ca
            .as_ref()
            .map(|path| read("--redis-ca", path))
            .transpose()?,
        client: match (&cli.redis_client_cert, &cli.redis_client_key) {
            (Some(cert), Some(key)) => Some((
                read("--redis-client-cert", cert)?,
                read("--redis-client-key", key)?,
            )),
            _ => None,
        },
    };
    if !redis_url.starts_with("rediss://") && (redis_tls.ca.is_some() || redis_tls.client.is_some())
    {
        anyhow::bail!(
            "--redis-ca and --redis-client-cert need a rediss:// URL: {}",
            redacted_url(redis_url)
        );
    }
    redis_tls
        .check()
        .map_err(|e| anyhow::anyhow!("--redis TLS files: {e}"))?;
    Ok(tmate_relay::cluster::ClusterConfig {
        redis_url: redis_url.to_string(),
        redis_tls,
        node_name,
        node_addr,
    })
}

/// A Redis URL without its password, for the banner and logs.
fn redacted_url(url: &str) -> String {
    match (url.split_once("://"), url.rfind('@')) {
        (Some((scheme, _)), Some(at)) => format!("{scheme}://***{}", url.get(at..).unwrap_or("")),
        _ => url.to_string(),
    }
}

/// Without `-b`, listen on `[::]`, which on Linux also takes IPv4; fall back to `0.0.0.0` only
/// on a machine without IPv6. Any other error (a port in use, no permission) is the answer
/// as it is: retrying on IPv4 would fail the same way after a misleading IPv6 line.
async fn bind_any(config: RelayConfig, any_address: bool) -> Result<Relay> {
    if !any_address {
        return Relay::bind(config).await;
    }
    match Relay::bind(config.clone()).await {
        Ok(relay) => Ok(relay),
        Err(error) if ipv6_unavailable(&error) => {
            tracing::info!("no IPv6 ({error:#}); listening on IPv4 only");
            let mut v4 = config;
            for addr in &mut v4.listen {
                addr.set_ip(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
            }
            if let Some(web) = v4.web_listen.as_mut()
                && web.ip() == IpAddr::V6(Ipv6Addr::UNSPECIFIED)
            {
                web.set_ip(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
            }
            Relay::bind(v4).await
        }
        Err(error) => Err(error),
    }
}

/// Whether binding `[::]` failed because this machine has no IPv6: no such address family
/// (IPv6 not built or booted with `ipv6.disable=1`) or no such address (IPv6 turned off).
fn ipv6_unavailable(error: &anyhow::Error) -> bool {
    error
        .chain()
        .filter_map(|cause| cause.downcast_ref::<std::io::Error>())
        .any(|io| {
            matches!(
                io.raw_os_error(),
                Some(libc::EAFNOSUPPORT | libc::EPROTONOSUPPORT | libc::EADDRNOTAVAIL)
            )
        })
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_string())
}

fn init_logging(cli: &Cli) -> Result<()> {
    let level = match cli.verbose {
        0 => "info,russh=warn",
        1 => "debug,russh=info",
        _ => "trace",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(level));
    let writer = match &cli.log_file {
        Some(path) => {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .with_context(|| format!("cannot open the log file {}", path.display()))?;
            tracing_subscriber::fmt::writer::BoxMakeWriter::new(std::sync::Mutex::new(file))
        }
        None => tracing_subscriber::fmt::writer::BoxMakeWriter::new(std::io::stderr),
    };
    // Colours only for a person at a terminal: a redirected stderr (a file, journald, a pipe)
    // would get raw escape sequences.
    let ansi = cli.log_file.is_none() && std::io::stderr().is_terminal();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    match cli.log_format {
        LogFormat::Text => builder.with_ansi(ansi).init(),
        // One object per line: time, level, target, message and the event's fields at the top
        // level, as log pipelines (journald, Loki, Elasticsearch) index them.
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false)
            .init(),
    }
    Ok(())
}
