//! The uplink to a tmate relay (issue 5), and here its lifecycle: sharing starts with the first
//! session, a supervisor connects to the configured relay (or the embedded one) and, when the
//! connection drops, keeps the session going locally and reconnects every 2 s; at server exit
//! FIN goes out. The roles live beside it: `state` (what is known), `stream` (the channel),
//! `burst` (what a connection opens with), `inbound` (the relay's messages), `foreground` (-F).

mod authorized_keys;
mod burst;
mod connect;
pub mod embedded;
mod foreground;
mod inbound;
mod notes;
pub(crate) mod screen;
mod state;
mod stream;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

pub use self::burst::VIEW_REPLAY;
pub use self::burst::normalise;
use self::connect::{Conn, Target};
pub use self::foreground::{foreground_restart, foreground_stream};
pub use self::screen::{repaint, sgr};
use self::state::Reconnect;
pub use self::state::{ENV_LIMIT, READY_TIMEOUT, REPLAY_LIMIT, Tmate, wait_ready};
use self::stream::Stream;
pub use self::stream::{OUT_QUEUE, Out, copy_line, copy_restart, pane_output};
use crate::server::Shared;
use crate::state::State;

/// tmate's TMATE_RECONNECT_RETRY_TIMEOUT.
const RETRY: Duration = Duration::from_secs(2);
/// Server exit waits no longer than this for FIN to be written.
const FIN_TIMEOUT: Duration = Duration::from_secs(2);

/// Where server exit asks the uplink for FIN, handing it a sender to acknowledge on.
type FinReceiver = mpsc::Receiver<oneshot::Sender<()>>;

/// How long a connection opened at server start waits for a session to use it.
const EARLY_KEEP: Duration = Duration::from_secs(10);

/// A connection being opened before any session exists, and the relay it goes to.
pub struct Early {
    target: Target,
    task: JoinHandle<Result<Conn, String>>,
}

/// At server start, once the config has run: open the connection to a configured relay now,
/// so that its TCP handshake, key exchange and authentication (about 6 ms of round trips on
/// loopback) overlap the first session's start (the shell's spawn, the reply to the client)
/// instead of following it. Nothing is sent on it before a session exists; unused for
/// `EARLY_KEEP` (`start-server` alone), it is closed and the first session connects anew.
pub fn connect_early(shared: &Arc<Shared>, state: &mut State) {
    if state.tmate.started || state.tmate.early.is_some() || !state.tmate.host_configured() {
        return;
    }
    let target = Target::from_options(state);
    let task = tokio::spawn({
        let target = target.clone();
        async move { connect::connect(&target, None).await }
    });
    state.tmate.early = Some(Early { target, task });
    let shared = Arc::clone(shared);
    tokio::spawn(async move {
        tokio::time::sleep(EARLY_KEEP).await;
        let early = shared.lock().tmate.early.take();
        if let Some(early) = early {
            early.task.abort();
        }
    });
}

/// Start sharing once, when the first session exists: through the configured relay, else
/// through the embedded one (unless `TMATE_EMBEDDED_RELAY=0`).
pub fn start(shared: &Arc<Shared>, state: &mut State) {
    if state.tmate.started {
        return;
    }
    let target = if state.tmate.host_configured() {
        Some(Target::from_options(state))
    } else if embedded::enabled() {
        None
    } else {
        return;
    };
    state.tmate.started = true;
    // The early connection serves if the options still name the relay it went to (a client's
    // `set -g tmate-server-host ...` before its new-session may have changed them).
    let early = state.tmate.early.take().and_then(|early| {
        if target.as_ref() == Some(&early.target) {
            Some(early.task)
        } else {
            early.task.abort();
            None
        }
    });
    foreground::enter_if_requested(shared, state);
    authorized_keys::record(state);
    let (fin_tx, fin_rx) = mpsc::channel(1);
    state.tmate.fin = Some(fin_tx);
    let shared = Arc::clone(shared);
    tokio::spawn(async move { supervise(shared, target, early, fin_rx).await });
}

/// Connect (the first time through `early` when given), stream, and on any failure retry
/// every 2 s (tmate's reconnect loop) until FIN.
async fn supervise(
    shared: Arc<Shared>,
    target: Option<Target>,
    mut early: Option<JoinHandle<Result<Conn, String>>>,
    mut fin_rx: FinReceiver,
) {
    let Some(target) = relay_target(&shared, target).await else {
        return;
    };
    let mut reconnect = Reconnect::default();
    loop {
        if reconnect.announce {
            update(&shared, |st| {
                notes::show(st, format!("Connecting to {}...", target.host));
            });
            reconnect.announce = false;
        }
        let early = early.take();
        let preferred = reconnect.preferred;
        let target = &target;
        let connecting = async move {
            match early {
                Some(task) => task
                    .await
                    .unwrap_or_else(|e| Err(format!("connecting failed: {e}"))),
                None => connect::connect(target, preferred).await,
            }
        };
        let Some(connecting) = unless_fin(connecting, &mut fin_rx).await else {
            return;
        };
        match connecting {
            Err(reason) => update(&shared, |st| state::fail(st, reason)),
            Ok(conn) => {
                reconnect.connected(conn.addr);
                shared.lock().tmate.failed = None;
                match run(&shared, conn, &mut fin_rx, reconnect.reconnected).await {
                    Ok(()) => return,
                    Err(reason) => {
                        update(&shared, |st| connection_lost(st, &reason));
                        reconnect.dropped();
                    }
                }
            }
        }
        if unless_fin(tokio::time::sleep(RETRY), &mut fin_rx)
            .await
            .is_none()
        {
            return;
        }
    }
}

/// The configured relay, or the embedded one started now; None (the failure shown) when the
/// embedded relay could not start, since there is then nothing to connect to.
async fn relay_target(shared: &Arc<Shared>, configured: Option<Target>) -> Option<Target> {
    if configured.is_some() {
        return configured;
    }
    match embedded::start(shared).await {
        Ok((target, handle)) => {
            shared.lock().tmate.relay = Some(handle);
            Some(target)
        }
        Err(e) => {
            update(shared, |st| state::fail(st, e));
            None
        }
    }
}

/// `work`, unless FIN comes first: with no connection to send FIN on, it is acknowledged at
/// once and the uplink ends (None).
async fn unless_fin<T>(work: impl Future<Output = T>, fin_rx: &mut FinReceiver) -> Option<T> {
    tokio::select! {
        done = work => Some(done),
        ack = fin_rx.recv() => {
            if let Some(ack) = ack {
                let _ = ack.send(());
            }
            None
        }
    }
}

/// Change the state, then wake clients and the stream once the lock is free for them.
fn update(shared: &Shared, change: impl FnOnce(&mut State)) {
    let mut st = shared.lock();
    change(&mut st);
    drop(st);
    shared.notify();
}

fn connection_lost(state: &mut State, reason: &str) {
    state::lost(state);
    let text = foreground::reconnecting_text(state, reason);
    notes::show(state, text);
}

/// Stream the session over an open channel and handle the relay until FIN or a failure.
async fn run(
    shared: &Arc<Shared>,
    conn: Conn,
    fin_rx: &mut FinReceiver,
    reconnected: bool,
) -> Result<(), String> {
    let Conn { ssh, channel, .. } = conn;
    let (read, write) = channel.split();
    let (mut stream, reply) = Stream::open(shared, write, reconnected).await?;
    let mut reader = stream::spawn_reader(Arc::clone(shared), read, reply);
    let outcome = stream.pump(shared, &mut reader, fin_rx).await;
    reader.abort();
    let _ = ssh
        .disconnect(russh::Disconnect::ByApplication, "", "en")
        .await;
    outcome
}

/// At server exit: FIN to the relay, waiting a little for it to be written.
pub async fn finish(shared: &Arc<Shared>) {
    let fin = shared.lock().tmate.fin.take();
    if let Some(fin) = fin {
        let (ack_tx, ack_rx) = oneshot::channel();
        if fin.try_send(ack_tx).is_ok() {
            let _ = tokio::time::timeout(FIN_TIMEOUT, ack_rx).await;
        }
    }
    if let Some(relay) = shared.lock().tmate.relay.take() {
        relay.shutdown();
    }
}
