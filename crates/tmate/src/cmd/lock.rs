//! lock-server, lock-session, lock-client and suspend-client (tmux 3.3a `cmd-lock-server.c`,
//! `server_lock_client`, `cmd-detach-client.c`'s suspend-client): the attached clients leave
//! the screen and run `lock-command` on their terminals (or stop themselves), then are drawn
//! again (`ClientEvent::Suspend`, answered by the client's UNLOCK or WAKEUP).

use super::{Args, CmdOutcome, CmdResult, Ctx, Target};
use crate::state::{ClientEvent, State};

/// Ask `client` to run its session's `lock-command`. Skipped as tmux skips them: control
/// clients and an empty lock-command.
fn lock(state: &State, client: u32) {
    let Some(c) = state.clients.get(&client) else {
        return;
    };
    if c.control.is_some() {
        return;
    }
    let command = state.session_option(c.session, "lock-command");
    if command.is_empty() {
        return;
    }
    // A client that is not draining its queue misses the request rather than blocking us.
    let _ = c.events.try_send(ClientEvent::Suspend(Some(command)));
}

pub fn lock_server(_ctx: &Ctx<'_>, state: &mut State, _args: &Args) -> CmdOutcome {
    let clients: Vec<u32> = state.clients.keys().copied().collect();
    for c in clients {
        lock(state, c);
    }
    Ok(CmdResult::default())
}

pub fn lock_session(_ctx: &Ctx<'_>, state: &mut State, _args: &Args, t: Target) -> CmdOutcome {
    lock_session_clients(state, t.session);
    Ok(CmdResult::default())
}

/// tmux `server_lock_session`: every client on session `sid` locked.
pub(crate) fn lock_session_clients(state: &State, sid: u32) {
    let clients: Vec<u32> = state
        .clients
        .iter()
        .filter(|(_, c)| c.session == sid)
        .map(|(id, _)| *id)
        .collect();
    for c in clients {
        lock(state, c);
    }
}

pub fn lock_client(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    let client = super::client::target_client(ctx, state, args.get('t'))?;
    lock(state, client);
    Ok(CmdResult::default())
}

pub fn suspend_client(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    let client = super::client::target_client(ctx, state, args.get('t'))?;
    if let Some(c) = state.clients.get(&client).filter(|c| c.control.is_none()) {
        let _ = c.events.try_send(ClientEvent::Suspend(None));
    }
    Ok(CmdResult::default())
}
