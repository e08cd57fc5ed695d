//! Option commands: set-option/set-window-option (-a -F -g -o -q -s -u -w, -t) and
//! show-options/show-window-options (-g -q -s -v -w, -t), with tmux 3.3a's messages.

use std::collections::BTreeMap;

use super::{Args, CmdOutcome, CmdResult, Ctx, Find, fail, output, resolve_as};
use crate::options::{self, Def, MAX_USER_OPTIONS, Scope, TABLE};
use crate::state::State;

pub fn set_option(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    set(ctx, state, args, false)
}

pub fn set_window_option(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    set(ctx, state, args, true)
}

pub fn show_options(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    show(ctx, state, args, false)
}

pub fn show_window_options(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    show(ctx, state, args, true)
}

/// The option's definition and scope: a table option decides its own scope (tmux 3.3a ignores
/// -s/-w for those); a user option `@name` goes where the flags say.
fn scope_of(
    name: &str,
    args: &Args,
    window_cmd: bool,
) -> Result<(Option<&'static Def>, Scope), String> {
    if name.starts_with('@') {
        let scope = if args.has('s') {
            Scope::Server
        } else if args.has('w') || window_cmd {
            Scope::Window
        } else {
            Scope::Session
        };
        return Ok((None, scope));
    }
    let d = options::lookup(name)?;
    Ok((Some(d), d.scope))
}

/// The map the command reads or writes: a global one, or a session's or window's own.
fn target_map<'s>(
    ctx: &Ctx<'_>,
    state: &'s mut State,
    args: &Args,
    scope: Scope,
) -> Result<&'s mut BTreeMap<String, String>, String> {
    if args.has('g') || scope == Scope::Server {
        return Ok(state.options.map_mut(scope));
    }
    let find = if scope == Scope::Window {
        Find::Window
    } else {
        Find::Session
    };
    let t = resolve_as(ctx, state, args.get('t'), find)?;
    match scope {
        Scope::Window => state
            .window_mut(t.session, t.window)
            .map(|w| &mut w.options)
            .ok_or_else(|| "no such window".to_string()),
        _ => state
            .sessions
            .get_mut(&t.session)
            .map(|s| &mut s.options)
            .ok_or_else(|| "no such session".to_string()),
    }
}

fn set(ctx: &Ctx<'_>, state: &mut State, args: &Args, window_cmd: bool) -> CmdOutcome {
    let Some(name) = args.rest.first() else {
        return fail("command set-option: too few arguments (need at least 1)");
    };
    let (def, scope) = match scope_of(name, args, window_cmd) {
        Ok(v) => v,
        Err(_) if args.has('q') => return Ok(CmdResult::default()),
        Err(e) => return fail(e),
    };
    let name = def.map_or(name.as_str(), |d| d.name).to_string();
    let mut value = args.rest.get(1).cloned();
    if args.has('F')
        && let Some(v) = &value
        && let Ok(t) = super::resolve(ctx, state, args.get('t'))
    {
        value = Some(crate::format::expand(state, t.fmt(), v));
    }
    // The value in force before the change (what a flag toggles and -a appends to).
    let global = state.options.get(scope, &name).map(str::to_string);
    let map = target_map(ctx, state, args, scope)?;
    if args.has('u') {
        match def {
            Some(d) if args.has('g') || scope == Scope::Server => {
                map.insert(name, d.default.to_string());
            }
            _ => {
                map.remove(&name);
            }
        }
        return Ok(CmdResult::default());
    }
    if args.has('o') && map.contains_key(&name) {
        return fail(format!("already set: {name}"));
    }
    let current = map.get(&name).cloned().or(global);
    if args.has('a')
        && let (Some(v), Some(cur)) = (&value, &current)
        && def.is_none_or(|d| d.kind == options::Kind::Str)
    {
        value = Some(format!("{cur}{v}"));
    }
    let new = match def {
        Some(d) => options::parse_value(d, value.as_deref(), current.as_deref())?,
        None => match value {
            Some(v) => v,
            None => return fail("empty value"),
        },
    };
    if def.is_none() && !map.contains_key(&name) && map.len() >= MAX_USER_OPTIONS + TABLE.len() {
        return fail("too many options");
    }
    let relayout = name == "pane-border-status";
    map.insert(name, new);
    if relayout {
        // Panes give a row to their status lines (or take it back) at once, as in tmux.
        state.apply_all_layouts();
    }
    Ok(CmdResult::default())
}

fn show(ctx: &Ctx<'_>, state: &mut State, args: &Args, window_cmd: bool) -> CmdOutcome {
    let one = args.rest.first();
    let (def, scope) = match one {
        Some(name) => match scope_of(name, args, window_cmd) {
            Ok(v) => v,
            Err(_) if args.has('q') => return Ok(CmdResult::default()),
            Err(e) => return fail(e),
        },
        None if args.has('s') => (None, Scope::Server),
        None if args.has('w') || window_cmd => (None, Scope::Window),
        None => (None, Scope::Session),
    };
    let global = args.has('g') || scope == Scope::Server;
    let map = match target_map(ctx, state, args, scope) {
        Ok(m) => m.clone(),
        Err(e) => return fail(e),
    };
    let line = |name: &str, value: &str| {
        if args.has('v') {
            format!("{value}\n")
        } else {
            format!("{name} {}\n", options::escape(value))
        }
    };
    let mut out = String::new();
    if let Some(name) = one {
        let name = def.map_or(name.as_str(), |d| d.name);
        match map.get(name) {
            Some(v) => out.push_str(&line(name, v)),
            None if def.is_none() && global && !args.has('q') => {
                return fail(format!("invalid option: {name}"));
            }
            None => {}
        }
    } else {
        // Table order first, then user options by name.
        for d in TABLE.iter().filter(|d| d.scope == scope) {
            if let Some(v) = map.get(d.name) {
                out.push_str(&line(d.name, v));
            }
        }
        for (name, v) in map.iter().filter(|(n, _)| n.starts_with('@')) {
            out.push_str(&line(name, v));
        }
    }
    output(out)
}
