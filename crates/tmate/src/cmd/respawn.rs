//! respawn-pane and respawn-window (tmux 3.3a): a new program in a dead pane (or, with -k,
//! a live one) where the pane started (or -c), the window cut back to its first pane;
//! remain-on-exit keeps panes to revive.

use super::{Args, CmdOutcome, CmdResult, Ctx, Target, fail};
use crate::process::respawn_pane as respawn;
use crate::state::State;

/// The program again: the command given, else the pane's first one (tmux keeps its argv).
fn command(state: &State, pane: u32, args: &Args) -> Option<String> {
    if args.rest.is_empty() {
        return state.panes.get(&pane).and_then(|p| p.command.clone());
    }
    Some(args.rest.join(" "))
}

fn hang_up_if_live(state: &mut State, pane: u32) {
    if let Some(p) = state.panes.get_mut(&pane)
        && p.dead.is_none()
        && let Some(pid) = p.pid.and_then(rustix::process::Pid::from_raw)
    {
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::HUP);
        let _ = rustix::process::kill_process(pid, rustix::process::Signal::HUP);
    }
}

pub fn respawn_pane(ctx: &Ctx<'_>, state: &mut State, args: &Args, t: Target) -> CmdOutcome {
    let live = state.panes.get(&t.pane).is_some_and(|p| p.dead.is_none());
    if live && !args.has('k') {
        let where_ = crate::format::expand(
            state,
            t.fmt(),
            "#{session_name}:#{window_index}.#{pane_index}",
        );
        return fail(format!("respawn pane failed: pane {where_} still active"));
    }
    let cmd = command(state, t.pane, args);
    hang_up_if_live(state, t.pane);
    state.spawn_env = crate::environ::Environ::from_e_flag(args.get_all('e'));
    let started = respawn(ctx.shared, state, t.pane, cmd.as_deref(), args.get('c'));
    state.spawn_env = None;
    started.map_err(|e| format!("respawn pane failed: {e}"))?;
    crate::process::note_start_command(state, t.pane, &args.rest);
    Ok(CmdResult::default())
}

pub fn respawn_window(ctx: &Ctx<'_>, state: &mut State, args: &Args, t: Target) -> CmdOutcome {
    let ids = state
        .window(t.session, t.window)
        .map(|w| w.pane_ids())
        .unwrap_or_default();
    let live = ids
        .iter()
        .any(|p| state.panes.get(p).is_some_and(|p| p.dead.is_none()));
    if live && !args.has('k') {
        let where_ = crate::format::expand(state, t.fmt(), "#{session_name}:#{window_index}");
        return fail(format!(
            "respawn window failed: window {where_} still active"
        ));
    }
    let Some((first, others)) = ids.split_first() else {
        return fail("no pane");
    };
    // Only the first pane stays, at the window's full size (tmux destroys the others with no
    // layout or active pane change told, `spawn_window`).
    for p in others {
        for _ in 0..state.forget_pane(*p) {
            state.mode_changed(*p);
        }
    }
    if let Some(w) = state.window_mut(t.session, t.window) {
        w.zoomed = None;
        w.layout = crate::layout::Cell::pane(*first, w.sx, w.sy);
        w.active = *first;
        w.note_active();
        w.last = None;
    }
    state.apply_layout(t.session, t.window);
    let cmd = command(state, *first, args);
    hang_up_if_live(state, *first);
    state.spawn_env = crate::environ::Environ::from_e_flag(args.get_all('e'));
    let started = respawn(ctx.shared, state, *first, cmd.as_deref(), args.get('c'));
    state.spawn_env = None;
    started.map_err(|e| format!("respawn window failed: {e}"))?;
    crate::process::note_start_command(state, *first, &args.rest);
    Ok(CmdResult::default())
}
