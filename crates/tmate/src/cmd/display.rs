//! display-message: `-p` prints the expanded format; without it the message goes to the
//! attached clients' status line (not yet: printed like -p).

use super::{Args, CmdResult, Ctx, resolve};
use crate::format;
use crate::state::State;

pub fn display(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdResult {
    let t = match resolve(ctx, state, args.get('t')) {
        Ok(t) => t,
        Err(e) => return CmdResult::error(e),
    };
    let default = "[#{session_name}] #{window_index}:#{window_name}, current pane #{pane_index} - (%H:%M %d-%b-%y)";
    let fmt = args
        .get('F')
        .or(args.rest.first().map(String::as_str))
        .unwrap_or(default);
    let text = format::expand(state, t.fmt(), fmt);
    CmdResult {
        out: format!("{text}\n"),
        ..CmdResult::default()
    }
}
