//! set-environment (-F -h -g -r -u) and show-environment (-h -g -s) as tmux 3.3a: the global
//! environment with -g, else the target session's; messages in tmux's words.

use super::{Args, CmdOutcome, CmdResult, Ctx, Find, fail, output, resolve_as};
use crate::environ::{self, Environ};
use crate::state::State;

/// The environment a command acts on: the global one with -g, else its session's.
fn environ_mut<'a>(
    ctx: &Ctx<'_>,
    state: &'a mut State,
    args: &Args,
) -> Result<&'a mut Environ, String> {
    if args.has('g') {
        return Ok(&mut state.environ);
    }
    // tmux looks the session up quietly (CMD_FIND_CANFAIL) and words the failure itself.
    let found = resolve_as(ctx, state, args.get('t'), Find::Session).ok();
    match found.and_then(|t| state.sessions.get_mut(&t.session)) {
        Some(s) => Ok(&mut s.environ),
        None => match args.get('t') {
            Some(name) => fail(format!("no such session: {name}")),
            None => fail("no current session"),
        },
    }
}

pub fn set_environment(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    let name = args.rest.first().map(String::as_str).unwrap_or_default();
    environ::check_name(name)?;
    let value = args.rest.get(1).map(|v| {
        if args.has('F') {
            let target = resolve_as(ctx, state, args.get('t'), Find::Session)
                .ok()
                .map_or(crate::format::Ctx::NONE, super::Target::fmt);
            crate::format::expand(state, target, v)
        } else {
            v.clone()
        }
    });
    let hidden = args.has('h');
    let env = environ_mut(ctx, state, args)?;
    if args.has('u') {
        if value.is_some() {
            return fail("can't specify a value with -u");
        }
        env.unset(name);
    } else if args.has('r') {
        if value.is_some() {
            return fail("can't specify a value with -r");
        }
        env.set(name, None, hidden)?;
    } else {
        let Some(value) = value else {
            return fail("no value specified");
        };
        env.set(name, Some(value), hidden)?;
    }
    Ok(CmdResult::default())
}

pub fn show_environment(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    let shell = args.has('s');
    // -h shows only the hidden variables, without it only the visible ones (tmux 3.3a).
    let hidden = args.has('h');
    let env = environ_mut(ctx, state, args)?;
    if let Some(name) = args.rest.first() {
        let Some(var) = env.get(name) else {
            return fail(format!("unknown variable: {name}"));
        };
        if var.hidden != hidden {
            return Ok(CmdResult::default());
        }
        return output(environ::show_line(name, var, shell));
    }
    let lines: String = env
        .iter()
        .filter(|(_, var)| var.hidden == hidden)
        .map(|(name, var)| environ::show_line(name, var, shell))
        .collect();
    output(lines)
}
