//! link-window and unlink-window (tmux 3.3a `cmd-move-window.c`, `cmd-kill-window.c`): one
//! window at several indexes of its session (`crate::winlink`), and one of those links
//! dropped.

use super::r#move::{Keep, relink_window};
use super::{Args, CmdOutcome, CmdResult, Ctx, Target, fail};
use crate::state::State;

pub fn link_window(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    relink_window(ctx, state, args, Keep::Link)
}

/// tmux refuses to drop a window's only link unless -k, which then kills the window.
pub fn unlink_window(_ctx: &Ctx<'_>, state: &mut State, args: &Args, t: Target) -> CmdOutcome {
    let links = state
        .sessions
        .get(&t.session)
        .map_or(0, |s| s.windows.references(&t.window));
    if links < 2 && !args.has('k') {
        return fail("window only linked to one session");
    }
    state.unlink_window(t.session, t.window);
    state.recompute_size(t.session);
    Ok(CmdResult::default())
}
