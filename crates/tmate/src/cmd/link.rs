//! link-window and unlink-window (tmux 3.3a `cmd-move-window.c`, `cmd-kill-window.c`): one
//! window at several indexes of its session (`crate::winlink`), and one of those links
//! dropped.

use super::r#move::{Keep, index_target, place, relink};
use super::{Args, CmdOutcome, CmdResult, Ctx, Find, Target, fail, resolve_as};
use crate::state::State;

pub fn link_window(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    let mut src = resolve_as(ctx, state, args.get('s'), Find::Window)?;
    let (dst, at) = index_target(ctx, state, args.get('t'))?;
    let at = place(state, args, (dst, at), &mut src)?;
    relink(
        state,
        (src.session, src.window),
        (dst, at),
        args.has('k'),
        !args.has('d'),
        Keep::Link,
    )?;
    // As move-window: the source session renumbered when -s did not name it (a -k may have
    // dropped one of its windows).
    if !args.has('s')
        && state.sessions.contains_key(&src.session)
        && state.session_option(src.session, "renumber-windows") == "on"
    {
        let base = u32::try_from(state.option_num(src.session, 0, "base-index")).unwrap_or(0);
        state.renumber_session(src.session, base);
    }
    Ok(CmdResult::default())
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
