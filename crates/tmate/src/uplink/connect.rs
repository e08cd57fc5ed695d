//! Reaching the relay: resolve its name, race one SSH connection per address (the first whose
//! host key passes the fingerprint check and that opens the `tmate` subsystem wins, like tmate's
//! `connection_complete`), authenticate as `tmate` (`none`, then keys that need no passphrase,
//! then the agent), with tmate 2.4's socket options and error texts.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use russh::client;
use russh::keys::{Algorithm, HashAlg, PrivateKeyWithHashAlg, PublicKeyOrCertificate};
use tokio::net::TcpStream;
use tokio::task::JoinSet;

/// One attempt (TCP + SSH handshake + auth + channel) must finish within this.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);
/// A name resolving to more addresses than this: the rest are not tried.
const MAX_ADDRS: usize = 16;
/// The agent is asked only if it answers quickly (never a hang).
const AGENT_TIMEOUT: Duration = Duration::from_secs(5);

/// Where the relay is and which key it must present, read from the options.
#[derive(Clone, PartialEq, Eq)]
pub struct Target {
    pub host: String,
    pub port: u16,
    pub rsa: String,
    pub ecdsa: String,
    pub ed25519: String,
    /// `tmate-identity`: a key file (`~/.ssh/NAME` when it has no `/`).
    pub identity: String,
}

impl Target {
    /// The `tmate-server-*` and `tmate-identity` server options (port 22 unless a number).
    pub fn from_options(state: &crate::state::State) -> Self {
        let opt = |name: &str| {
            state
                .options
                .get(crate::options::Scope::Server, name)
                .unwrap_or_default()
                .to_string()
        };
        Self {
            host: opt("tmate-server-host"),
            port: opt("tmate-server-port").parse().unwrap_or(22),
            rsa: opt("tmate-server-rsa-fingerprint"),
            ecdsa: opt("tmate-server-ecdsa-fingerprint"),
            ed25519: opt("tmate-server-ed25519-fingerprint"),
            identity: opt("tmate-identity"),
        }
    }
}

/// An open `tmate` subsystem channel.
pub struct Conn {
    pub ssh: client::Handle<Verifier>,
    pub channel: russh::Channel<client::Msg>,
    pub addr: SocketAddr,
}

/// Checks the relay's host key against the fingerprint option for its type (spec 1.4).
pub struct Verifier {
    rsa: String,
    ecdsa: String,
    ed25519: String,
    refusal: Arc<Mutex<Option<String>>>,
}

impl client::Handler for Verifier {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        key: &PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        let PublicKeyOrCertificate::PublicKey { key, .. } = key else {
            self.refuse("Cannot authenticate server: it presented a certificate".into());
            return Ok(false);
        };
        let presented = key.fingerprint(HashAlg::Sha256).to_string();
        let (kind, expected) = match key.algorithm() {
            Algorithm::Ed25519 => ("ed25519", self.ed25519.as_str()),
            Algorithm::Rsa { .. } => ("rsa", self.rsa.as_str()),
            Algorithm::Ecdsa { .. } => ("ecdsa", self.ecdsa.as_str()),
            _ => ("unsupported", ""),
        };
        if presented == expected {
            return Ok(true);
        }
        self.refuse(format!(
            "Cannot authenticate server: its {kind} key has fingerprint {presented}, \
             expected {expected} (tmate-server-{kind}-fingerprint)"
        ));
        Ok(false)
    }
}

impl Verifier {
    fn refuse(&self, why: String) {
        if let Ok(mut r) = self.refusal.lock() {
            *r = Some(why);
        }
    }
}

/// Resolve the relay and race every address; `preferred` (the last winner) is tried too, first.
pub async fn connect(target: &Target, preferred: Option<SocketAddr>) -> Result<Conn, String> {
    let lookup = tokio::net::lookup_host((target.host.as_str(), target.port));
    let mut addrs: Vec<SocketAddr> = match tokio::time::timeout(CONNECT_TIMEOUT, lookup).await {
        Ok(Ok(a)) => a.take(MAX_ADDRS).collect(),
        _ => Vec::new(),
    };
    if addrs.is_empty() {
        return Err(format!(
            "{} lookup failure. Retrying in 2 seconds",
            target.host
        ));
    }
    if let Some(p) = preferred
        && let Some(pos) = addrs.iter().position(|a| *a == p)
    {
        addrs.swap(0, pos);
    }
    let mut race = JoinSet::new();
    for addr in addrs {
        let target = target.clone();
        race.spawn(async move {
            match tokio::time::timeout(CONNECT_TIMEOUT, attempt(&target, addr)).await {
                Ok(r) => r,
                Err(_) => Err(format!("Error connecting: {addr}: timed out")),
            }
        });
    }
    // The first to succeed wins; dropping the set aborts the others.
    let mut errors = Vec::new();
    while let Some(done) = race.join_next().await {
        match done {
            Ok(Ok(conn)) => return Ok(conn),
            Ok(Err(e)) => errors.push(e),
            Err(_) => {}
        }
    }
    // A fingerprint refusal says more than a refused TCP connection elsewhere.
    let best = errors
        .iter()
        .find(|e| e.starts_with("Cannot authenticate server"))
        .or(errors.first())
        .cloned();
    Err(best.unwrap_or_else(|| "Error connecting".to_string()))
}

/// tmate's socket options: no delay, keepalive 30 s idle / 11 s interval / 4 probes, and an
/// 80 s user timeout, so a relay that vanished without closing is noticed within minutes.
fn tune(stream: &TcpStream) {
    use rustix::net::sockopt;
    let _ = stream.set_nodelay(true);
    let _ = sockopt::set_socket_keepalive(stream, true);
    let _ = sockopt::set_tcp_keepidle(stream, Duration::from_secs(30));
    let _ = sockopt::set_tcp_keepintvl(stream, Duration::from_secs(11));
    let _ = sockopt::set_tcp_keepcnt(stream, 4);
    let _ = sockopt::set_tcp_user_timeout(stream, 80_000);
}

async fn attempt(target: &Target, addr: SocketAddr) -> Result<Conn, String> {
    let stream = TcpStream::connect(addr)
        .await
        .map_err(|e| format!("Error connecting: {addr}: {e}"))?;
    tune(&stream);
    let refusal = Arc::new(Mutex::new(None));
    let verifier = Verifier {
        rsa: target.rsa.clone(),
        ecdsa: target.ecdsa.clone(),
        ed25519: target.ed25519.clone(),
        refusal: Arc::clone(&refusal),
    };
    let config = Arc::new(client::Config {
        nodelay: true,
        inactivity_timeout: None,
        ..Default::default()
    });
    let connected = client::connect_stream(config, stream, verifier).await;
    if let Some(why) = refusal.lock().ok().and_then(|mut r| r.take()) {
        return Err(why);
    }
    let mut ssh = connected.map_err(|e| format!("Error connecting: {e}"))?;
    authenticate(&mut ssh, target).await?;
    let channel = ssh
        .channel_open_session()
        .await
        .map_err(|e| format!("Error opening channel: {e}"))?;
    channel
        .request_subsystem(true, "tmate")
        .await
        .map_err(|e| format!("Error initializing tmate: {e}"))?;
    Ok(Conn { ssh, channel, addr })
}

/// `none` first (what relays accept), then `tmate-identity` or the usual key files, skipping
/// keys that need a passphrase (a prompt would hang a daemon), then the agent's keys.
async fn authenticate(ssh: &mut client::Handle<Verifier>, target: &Target) -> Result<(), String> {
    let auth_err = |e: russh::Error| format!("Auth error: {e}");
    if ssh
        .authenticate_none("tmate")
        .await
        .map_err(auth_err)?
        .success()
    {
        return Ok(());
    }
    let rsa_hash = ssh.best_supported_rsa_hash().await.ok().flatten().flatten();
    for path in key_files(&target.identity) {
        let Ok(key) = russh::keys::load_secret_key(&path, None) else {
            continue;
        };
        let hash = matches!(key.algorithm(), Algorithm::Rsa { .. })
            .then_some(rsa_hash)
            .flatten();
        let key = PrivateKeyWithHashAlg::new(Arc::new(key), hash);
        if ssh
            .authenticate_publickey("tmate", key)
            .await
            .map_err(auth_err)?
            .success()
        {
            return Ok(());
        }
    }
    if target.identity.is_empty() && agent_auth(ssh, rsa_hash).await {
        return Ok(());
    }
    Err("Access denied. Check your SSH keys.".to_string())
}

async fn agent_auth(ssh: &mut client::Handle<Verifier>, rsa_hash: Option<HashAlg>) -> bool {
    use russh::keys::agent::AgentIdentity;
    let agent = async {
        let mut agent = russh::keys::agent::client::AgentClient::connect_env()
            .await
            .ok()?;
        let ids = agent.request_identities().await.ok()?;
        for id in ids.into_iter().take(MAX_ADDRS) {
            let AgentIdentity::PublicKey { key, .. } = id else {
                continue;
            };
            let hash = matches!(key.algorithm(), Algorithm::Rsa { .. })
                .then_some(rsa_hash)
                .flatten();
            if let Ok(r) = ssh
                .authenticate_publickey_with("tmate", key, hash, &mut agent)
                .await
                && r.success()
            {
                return Some(());
            }
        }
        None
    };
    matches!(
        tokio::time::timeout(AGENT_TIMEOUT, agent).await,
        Ok(Some(()))
    )
}

/// tmate-identity (a path, or a name under ~/.ssh), else ~/.ssh/id_ed25519, id_ecdsa, id_rsa.
fn key_files(identity: &str) -> Vec<PathBuf> {
    let ssh_dir = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default()
        .join(".ssh");
    if !identity.is_empty() {
        let path = if let Some(rest) = identity.strip_prefix("~/") {
            ssh_dir.parent().map(|h| h.join(rest)).unwrap_or_default()
        } else if identity.contains('/') {
            PathBuf::from(identity)
        } else {
            ssh_dir.join(identity)
        };
        return vec![path];
    }
    ["id_ed25519", "id_ecdsa", "id_rsa"]
        .iter()
        .map(|n| ssh_dir.join(n))
        .collect()
}
