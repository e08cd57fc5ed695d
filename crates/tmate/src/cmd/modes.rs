//! pipe-pane (-I -O -o) and clock-mode: the pane's pipe (`crate::pipe`) and clock
//! (`crate::clock_mode`), as tmux 3.3a's `cmd-pipe-pane.c` and `window-clock.c`.

use super::{Args, CmdOutcome, CmdResult, Ctx, Target, fail};
use crate::state::State;

/// pipe-pane: close the pane's pipe, then (given a command, and without `-o` when one was
/// open: the toggle) open a new one running it.
pub fn pipe_pane(ctx: &Ctx<'_>, state: &mut State, args: &Args, t: Target) -> CmdOutcome {
    let Some(p) = state.panes.get_mut(&t.pane) else {
        return fail("no pane");
    };
    if p.dead.is_some() {
        return fail("target pane has exited");
    }
    let was_open = p.pipe.take().is_some();
    let command = args.rest.first().map(String::as_str).unwrap_or_default();
    if command.is_empty() || (args.has('o') && was_open) {
        return Ok(CmdResult::default());
    }
    // Neither -I nor -O is -O.
    let input = args.has('I');
    let output = !input || args.has('O');
    let command = crate::format::expand_time(state, t.fmt(), command, std::time::SystemTime::now());
    let request = crate::pipe::PipeRequest {
        command: &command,
        input,
        output,
    };
    crate::pipe::open(ctx.shared, state, t.pane, &request)?;
    Ok(CmdResult::default())
}

/// clock-mode: the pane shows the big clock until a key.
pub fn clock_mode(ctx: &Ctx<'_>, state: &mut State, _args: &Args, t: Target) -> CmdOutcome {
    crate::clock_mode::enter(ctx.shared, state, t.pane);
    ctx.shared.notify();
    Ok(CmdResult::default())
}
