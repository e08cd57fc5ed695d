//! What the host knows about its relay connection: the `Tmate` record kept in `State` (env,
//! readiness, failure, replayed commands, the relay's size), the reconnect bookkeeping of the
//! supervisor, and `wait tmate-ready`.

use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

use super::notes;
use super::stream::Out;
use crate::state::State;

/// bind/set commands kept for replay to the relay (oldest dropped first).
pub const REPLAY_LIMIT: usize = 4096;
/// SET_ENV names kept; a relay cannot make us store without bound.
pub const ENV_LIMIT: usize = 64;
/// `wait tmate-ready` gives up after this.
pub const READY_TIMEOUT: Duration = Duration::from_secs(30);

/// The host's tmate state, kept in `State` under the server lock.
#[derive(Default)]
pub struct Tmate {
    /// SET_ENV values: every name is a format variable (`#{tmate_ssh}`).
    pub env: BTreeMap<String, String>,
    /// The relay said READY (never reset, like tmate's `tmate_env_ready`).
    pub ready: bool,
    /// Why connecting failed or the connection ended.
    pub failed: Option<String>,
    /// `wait tmate-ready` clients: sent on READY, dropped on failure.
    pub waiters: Vec<oneshot::Sender<()>>,
    /// The relay's RESIZE (None for -1, "no viewer").
    pub remote_size: Option<(u16, u16)>,
    pub started: bool,
    /// Set while connected: pane readers queue their bytes here.
    pub out: Option<mpsc::Sender<Out>>,
    /// A pane's bytes were dropped because the queue was full: redraw the screens.
    pub overflow: bool,
    /// bind-key/unbind-key/set-option/set-window-option argv run on this host, replayed to the
    /// relay (protocol spec 3.7), numbered so the writer forwards each one once.
    pub replay: VecDeque<Vec<String>>,
    pub replay_total: u64,
    /// Taken at server exit: the writer sends FIN, then acknowledges.
    pub fin: Option<mpsc::Sender<oneshot::Sender<()>>>,
    /// The embedded relay, when no `tmate-server-host` was configured.
    pub relay: Option<tmate_relay::RelayHandle>,
    /// The texts of `[tmate]` messages (the last `notes::NOTES_LIMIT`), numbered, for `-F`.
    pub notes: VecDeque<String>,
    pub notes_total: u64,
    /// `tmate -F`: the session restarts its shell instead of ending.
    pub foreground: bool,
    /// The relay's last `web session:` links (read-write, read-only), shown with the ssh line.
    pub web_link: Option<String>,
    pub web_link_ro: Option<String>,
    /// The connection opened at server start (`uplink::connect_early`), until the first
    /// session's uplink takes it.
    pub early: Option<super::Early>,
}

impl Tmate {
    /// A command that the relay mirrors ran here; remember it for the stream.
    pub fn record(&mut self, argv: Vec<String>) {
        if self.replay.len() >= REPLAY_LIMIT {
            self.replay.pop_front();
        }
        self.replay.push_back(argv);
        self.replay_total += 1;
    }

    /// Whether the user (config or command) set `tmate-server-host` to a relay: without it,
    /// or when its last setting is empty (`tmate --share-on` sets it so), the embedded relay
    /// is used.
    pub(super) fn host_configured(&self) -> bool {
        let last = self.replay.iter().rev().find_map(|argv| {
            if argv.first().map(String::as_str) != Some("set-option") {
                return None;
            }
            let at = argv.iter().position(|a| a == "tmate-server-host")?;
            Some(argv.get(at + 1).is_some_and(|v| !v.is_empty()))
        });
        last.unwrap_or(false)
    }
}

/// What the supervisor carries from one connection attempt to the next.
pub(super) struct Reconnect {
    /// A connection was up before: the next one sends RECONNECT and a SNAPSHOT.
    pub reconnected: bool,
    /// The address that won the last race, tried first next time.
    pub preferred: Option<SocketAddr>,
    /// "Connecting to ..." is shown once per outage, not on every retry.
    pub announce: bool,
}

impl Default for Reconnect {
    fn default() -> Self {
        Self {
            reconnected: false,
            preferred: None,
            announce: true,
        }
    }
}

impl Reconnect {
    pub fn connected(&mut self, addr: SocketAddr) {
        self.preferred = Some(addr);
    }

    pub fn dropped(&mut self) {
        self.reconnected = true;
        self.announce = true;
    }
}

/// Record a failure to connect: shown like a message (once per distinct reason), wakes
/// `wait tmate-ready` with an error unless the relay was ready before.
pub(super) fn fail(state: &mut State, reason: String) {
    state.tmate.waiters.clear();
    if state.tmate.failed.as_deref() != Some(reason.as_str()) {
        notes::show(state, reason.clone());
    }
    state.tmate.failed = Some(reason);
}

/// The connection dropped: unshared until the next one; the relay's size no longer counts.
pub(super) fn lost(state: &mut State) {
    state.tmate.out = None;
    state.tmate.remote_size = None;
    state.forget_latest(crate::state::Sizer::Relay);
    recompute_sizes(state);
}

/// The relay's size takes part in every session's size, so it changing resizes them all.
pub(super) fn recompute_sizes(state: &mut State) {
    let sids: Vec<u32> = state.sessions.keys().copied().collect();
    for sid in sids {
        state.recompute_size(sid);
    }
}

/// `wait-for tmate-ready`: done at once when ready, an error when the uplink failed or was
/// never configured, else a receiver woken by READY.
pub fn wait_ready(state: &mut State) -> Result<Option<oneshot::Receiver<()>>, String> {
    if state.tmate.ready {
        return Ok(None);
    }
    if let Some(f) = &state.tmate.failed {
        return Err(f.clone());
    }
    if !state.tmate.started {
        return Err(
            "tmate is not sharing (TMATE_EMBEDDED_RELAY=0 and no tmate-server-host set)".into(),
        );
    }
    let (tx, rx) = oneshot::channel();
    state.tmate.waiters.retain(|w| !w.is_closed());
    state.tmate.waiters.push(tx);
    Ok(Some(rx))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| (*w).to_string()).collect()
    }

    #[test]
    fn the_last_server_host_setting_decides() {
        let mut t = Tmate::default();
        assert!(!t.host_configured());
        t.record(argv(&[
            "set-option",
            "-g",
            "tmate-server-host",
            "relay.example",
        ]));
        assert!(t.host_configured());
        t.record(argv(&["bind-key", "x", "kill-pane"]));
        assert!(t.host_configured());
        t.record(argv(&["set-option", "-g", "tmate-server-host", ""]));
        assert!(!t.host_configured());
    }

    #[test]
    fn replay_keeps_the_newest_and_counts_all() {
        let mut t = Tmate::default();
        for i in 0..REPLAY_LIMIT + 3 {
            t.record(vec![i.to_string()]);
        }
        assert_eq!(t.replay.len(), REPLAY_LIMIT);
        assert_eq!(t.replay_total, u64::try_from(REPLAY_LIMIT + 3).unwrap());
        assert_eq!(t.replay.front(), Some(&vec!["3".to_string()]));
    }
}
