//! The embedded relay: with no `tmate-server-host` configured the server runs `tmate_relay` in
//! its own process (the public tmate.io relays are gone), listening on `tmate-relay-listen`
//! (127.0.0.1, a free port) and advertising `tmate-relay-host` (a web viewer on
//! `tmate-relay-web-listen` when set), with an ed25519 host key and the
//! reconnection secret kept in a per-user directory, so `tmate` prints working `ssh` lines at once.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use russh::keys::{Algorithm, PrivateKey};
use tmate_relay::{HostKeys, Relay, RelayConfig, RelayHandle};

use super::connect::Target;
use crate::server::Shared;

/// Turns the embedded relay off (tests that compare with tmux, users who only want a local
/// multiplexer): `TMATE_EMBEDDED_RELAY=0`.
pub fn enabled() -> bool {
    std::env::var("TMATE_EMBEDDED_RELAY").map_or(true, |v| v != "0")
}

/// `$XDG_STATE_HOME/tmate`, else `~/.local/state/tmate`, else next to the socket.
fn keys_dir(socket: &Path) -> PathBuf {
    if let Some(d) = std::env::var_os("XDG_STATE_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(d).join("tmate");
    }
    if let Some(h) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        return PathBuf::from(h).join(".local/state/tmate");
    }
    socket
        .parent()
        .map_or_else(|| PathBuf::from("."), |p| p.join("relay"))
}

/// The ed25519 host key of the embedded relay, created once (mode 0600). No RSA key: every
/// tmate since 2.3 and OpenSSH prefer ed25519, and making a 3072-bit key costs seconds.
fn host_key(dir: &Path) -> Result<PrivateKey, String> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    let path = dir.join(tmate_relay::hostkeys::ED25519_FILE);
    if let Ok(k) = russh::keys::load_secret_key(&path, None)
        && k.algorithm() == Algorithm::Ed25519
    {
        return Ok(k);
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let key = PrivateKey::random(&mut rand::rng(), Algorithm::Ed25519)
        .map_err(|e| format!("cannot make a host key: {e}"))?;
    let text = key
        .to_openssh(russh::keys::ssh_key::LineEnding::LF)
        .map_err(|e| format!("cannot encode the host key: {e}"))?;
    let write = || -> std::io::Result<()> {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&path)?;
        f.write_all(text.as_bytes())
    };
    write().map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(key)
}

/// Start the relay from the options; the target the uplink connects to and the handle.
pub async fn start(shared: &Arc<Shared>) -> Result<(Target, RelayHandle), String> {
    let (listen, advertised, web) = {
        let st = shared.lock();
        let opt = |n: &str| {
            st.options
                .get(crate::options::Scope::Server, n)
                .unwrap_or_default()
                .to_string()
        };
        (
            opt("tmate-relay-listen"),
            opt("tmate-relay-host"),
            opt("tmate-relay-web-listen"),
        )
    };
    let listen: SocketAddr = listen
        .parse()
        .map_err(|_| format!("tmate-relay-listen: not an address:port: {listen}"))?;
    let host = if !advertised.is_empty() {
        advertised
    } else if listen.ip().is_unspecified() {
        crate::format::hostname()
    } else {
        listen.ip().to_string()
    };
    let dir = keys_dir(&shared.socket);
    let key = host_key(&dir)?;
    let keys = HostKeys {
        ed25519: key,
        rsa: None,
    };
    let mut config = RelayConfig::new(vec![listen], host, keys);
    if !web.is_empty() {
        config.web_listen = Some(
            web.parse()
                .map_err(|_| format!("tmate-relay-web-listen: not an address:port: {web}"))?,
        );
    }
    config.reconnect_secret = tmate_relay::load_or_create_secret(&dir)
        .map_err(|e| format!("cannot keep the relay secret: {e:#}"))?;
    let handle = run_relay(config).await?;
    let addr = handle
        .local_addrs()
        .first()
        .copied()
        .ok_or("the embedded relay has no address")?;
    let connect_ip = if addr.ip().is_unspecified() {
        "127.0.0.1".to_string()
    } else {
        addr.ip().to_string()
    };
    let target = Target {
        host: connect_ip,
        port: addr.port(),
        rsa: String::new(),
        ecdsa: String::new(),
        ed25519: handle.config().host_keys.ed25519_fingerprint(),
        identity: String::new(),
    };
    Ok((target, handle))
}

/// Threads the embedded relay's runtime may use (SSH crypto and viewers' drawing).
const RELAY_THREADS: usize = 2;

/// Bind and serve the relay on a runtime of its own, so that its work (encryption, viewers)
/// never sits between a keystroke and its echo on the multiplexer's single thread. The thread
/// ends when the relay does (`RelayHandle::shutdown`).
async fn run_relay(config: RelayConfig) -> Result<RelayHandle, String> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let thread = std::thread::Builder::new()
        .name("tmate-relay".into())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(RELAY_THREADS)
                .thread_name("tmate-relay")
                .enable_all()
                .build()
            {
                Ok(r) => r,
                Err(e) => {
                    let _ = tx.send(Err(format!("cannot start the embedded relay: {e}")));
                    return;
                }
            };
            runtime.block_on(async move {
                match Relay::bind(config).await {
                    Ok(relay) => {
                        let _ = tx.send(Ok(relay.handle()));
                        // Its end (an error included) shows as the uplink's lost connection.
                        let _ = relay.serve().await;
                    }
                    Err(e) => {
                        let _ = tx.send(Err(format!("cannot start the embedded relay: {e:#}")));
                    }
                }
            });
        });
    if let Err(e) = thread {
        return Err(format!("cannot start the embedded relay: {e}"));
    }
    rx.await
        .map_err(|_| "the embedded relay's thread ended".to_string())?
}
