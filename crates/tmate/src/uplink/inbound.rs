//! The relay's messages (spec section 4) applied to the host: NOTIFY, SET_ENV, READY, PANE_KEY
//! (and its legacy form), RESIZE, EXEC_CMD and EXEC_CMD_STR, whose errors go back as FAILED_CMD.

use std::sync::Arc;

use tmate_proto::{HostMessage, KeyCode, RawStr, ServerMessage, WireMessage};
use tokio::sync::mpsc;

use super::state::{self, ENV_LIMIT};
use super::{notes, stream::Out};
use crate::server::{ClientInfo, Shared};
use crate::state::State;

/// The pane id the relay uses for "the active pane of the current window".
const ACTIVE_PANE: i64 = -1;

/// Apply one relay message under the lock, then wake whoever draws or streams the change.
pub(super) fn apply(shared: &Arc<Shared>, m: ServerMessage, reply: &mpsc::Sender<Out>) {
    let mut st = shared.lock();
    match m {
        ServerMessage::Notify { message } => {
            notes::show_relay_note(&mut st, message.to_string_lossy());
        }
        ServerMessage::SetEnv { name, value } => {
            set_env(&mut st, name.to_string_lossy(), value.to_string_lossy());
        }
        ServerMessage::Ready => ready(&mut st),
        ServerMessage::PaneKey { pane_id, key } => {
            if let Some(pane) = target_pane(&st, pane_id) {
                viewer_key(shared, &mut st, pane, key);
            }
        }
        ServerMessage::LegacyPaneKey { key } => {
            if let (Some(pane), Ok(key)) = (target_pane(&st, ACTIVE_PANE), u64::try_from(key)) {
                viewer_key(shared, &mut st, pane, KeyCode(key));
            }
        }
        ServerMessage::Resize { sx, sy } => resize(&mut st, sx, sy),
        ServerMessage::ExecCmd { client_id, argv } => {
            let argv: Vec<String> = argv.iter().map(RawStr::to_string_lossy).collect();
            run_remote(shared, &mut st, client_id, &[argv], reply);
        }
        ServerMessage::ExecCmdStr { client_id, command } => {
            match crate::parse::parse_line(&command.to_string_lossy()) {
                Ok(cmds) => run_remote(shared, &mut st, client_id, &cmds, reply),
                Err(e) => failed(reply, client_id, &e),
            }
        }
        ServerMessage::Unknown { .. } => {}
    }
    drop(st);
    shared.notify();
}

/// A viewer's key for a pane: to its tree mode when it has one (tmate's `window_pane_key`),
/// else to its program.
fn viewer_key(shared: &Arc<Shared>, st: &mut State, pane: u32, key: KeyCode) {
    // A viewer typed: the relay is the latest client of the window it showed.
    if let Some((sid, _)) = st.locate_pane(pane) {
        st.update_latest(sid, crate::state::Sizer::Relay);
    }
    if crate::tree::in_mode(st, pane) {
        let viewers = ClientInfo {
            relay: true,
            ..ClientInfo::default()
        };
        crate::tree::key(shared, st, &viewers, pane, key);
    } else {
        crate::cmd::write_key(st, pane, key);
    }
}

/// New names beyond `ENV_LIMIT` are ignored; names already known may still change.
fn set_env(state: &mut State, name: String, value: String) {
    if state.tmate.env.len() < ENV_LIMIT || state.tmate.env.contains_key(&name) {
        state.tmate.env.insert(name, value);
    }
}

fn ready(state: &mut State) {
    state.tmate.ready = true;
    for w in state.tmate.waiters.drain(..) {
        let _ = w.send(());
    }
}

/// A size of -1 (or any non-positive one) means no viewer: the relay stops constraining us.
fn resize(state: &mut State, sx: i64, sy: i64) {
    state.tmate.remote_size = match (u16::try_from(sx), u16::try_from(sy)) {
        (Ok(x), Ok(y)) if x > 0 && y > 0 => Some((x, y)),
        _ => None,
    };
    // A viewers' resize makes the relay each session's current window's latest (tmux's
    // MSG_RESIZE); without viewers it hands its windows over as a lost client does.
    if state.tmate.remote_size.is_some() {
        let sids: Vec<u32> = state.sessions.keys().copied().collect();
        for sid in sids {
            state.update_latest(sid, crate::state::Sizer::Relay);
        }
    } else {
        state.forget_latest(crate::state::Sizer::Relay);
    }
    state::recompute_sizes(state);
}

/// -1 is the active pane of the current window; unknown ids are ignored.
fn target_pane(state: &State, pane_id: i64) -> Option<u32> {
    if pane_id == ACTIVE_PANE {
        let s = state.sessions.values().next()?;
        return s.windows.get(&s.current).map(|w| w.active);
    }
    let id = u32::try_from(pane_id).ok()?;
    state.panes.contains_key(&id).then_some(id)
}

/// Commands from the relay run with no client; errors go back as FAILED_CMD, one per line.
fn run_remote(
    shared: &Arc<Shared>,
    state: &mut State,
    client_id: i64,
    cmds: &[Vec<String>],
    reply: &mpsc::Sender<Out>,
) {
    let info = ClientInfo {
        cwd: std::env::var("HOME").unwrap_or_default(),
        relay: true,
        ..ClientInfo::default()
    };
    let r = crate::cmd::run_list(shared, state, &info, cmds);
    for line in r.err.lines().filter(|l| !l.is_empty()) {
        failed(reply, client_id, line);
    }
    if r.kill_server {
        shared.shutdown.notify_one();
    }
}

/// A full queue drops the reply: the relay must not make us wait or buffer without bound.
fn failed(reply: &mpsc::Sender<Out>, client_id: i64, cause: &str) {
    let m = HostMessage::FailedCmd {
        client_id,
        cause: RawStr::from(cause),
    };
    let _ = reply.try_send(Out::Msg(m.encode()));
}
