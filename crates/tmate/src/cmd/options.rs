//! Option commands: set-option/set-window-option (-a -F -g -o -q -s -u -w, -t),
//! show-options/show-window-options (-g -q -s -v -w, -t), and the hooks, which are array
//! options in tmux 3.3a: set-hook (-a -g -p -R -u -w, -t, `hook[N]`) and show-hooks (-g -p -w);
//! pane options (`-p`) on the pane, `-A` to show inherited values;
//! arrays (`update-environment`, hooks) set and shown by item; tmux 3.3a's messages.

use std::collections::BTreeMap;

use super::{Args, CmdOutcome, CmdResult, Ctx, Find, fail, output, resolve_as};
use crate::options::{self, Def, Kind, MAX_USER_OPTIONS, Scope, TABLE};
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

/// set-hook: set-option for hooks (`-w` for window hooks, `-p` for a pane's own pane hooks);
/// `-R` runs the hook now instead.
pub fn set_hook(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    let Some(name) = args.rest.first() else {
        return fail("command set-hook: too few arguments (need at least 1)");
    };
    let base = options::split_index(name).map_or(name.as_str(), |(b, _)| b);
    let def = match options::lookup(base) {
        Ok(d) if d.kind == Kind::Hook => d,
        _ => return fail(format!("invalid option: {base}")),
    };
    if args.has('R') {
        let target = super::resolve(ctx, state, args.get('t')).ok();
        crate::hooks::run_now(ctx, state, def.name, target);
        return Ok(CmdResult::default());
    }
    set(ctx, state, args, args.has('w') || args.has('p'))
}

/// show-hooks: show-options over the hooks alone.
pub fn show_hooks(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    show_some(ctx, state, args, args.has('w') || args.has('p'), true)
}

/// Where an option is read or written: its scope, and whether it is a pane's own (`-p` on
/// an option panes can hold, or on a user option).
#[derive(Debug, Clone, Copy)]
struct Place {
    scope: Scope,
    pane: bool,
}

/// The option's definition and place (tmux 3.3a `options_scope_from_name`): a table option
/// decides its own scope (tmux ignores -s/-w for those) and goes on a pane with `-p` where
/// panes can hold it; a user option `@name` goes where the flags say.
fn scope_of(
    name: &str,
    args: &Args,
    window_cmd: bool,
) -> Result<(Option<&'static Def>, Place), String> {
    if name.starts_with('@') {
        return Ok((None, place_from_flags(args, window_cmd)));
    }
    let base = options::split_index(name).map_or(name, |(b, _)| b);
    let d = options::lookup(base)?;
    let pane = d.pane && args.has('p');
    Ok((
        Some(d),
        Place {
            scope: d.scope,
            pane,
        },
    ))
}

/// tmux 3.3a `options_scope_from_flags`: `-s` the server, `-p` a pane (before `-g`), `-w` (or
/// the window commands) a window, else a session.
fn place_from_flags(args: &Args, window_cmd: bool) -> Place {
    let (scope, pane) = if args.has('s') {
        (Scope::Server, false)
    } else if args.has('p') {
        (Scope::Window, true)
    } else if args.has('w') || window_cmd {
        (Scope::Window, false)
    } else {
        (Scope::Session, false)
    };
    Place { scope, pane }
}

/// The index in `name[N]`; an index on an option that is not an array is refused as tmux does.
fn index_of(name: &str, def: Option<&Def>) -> Result<Option<u32>, String> {
    let (base, index) =
        options::split_index(name).ok_or_else(|| format!("invalid option: {name}"))?;
    match (index, def) {
        (Some(_), Some(d)) if !is_array(d) => Err(format!("not an array: {base}")),
        (Some(i), _) if i >= options::ARRAY_LIMIT => Err(format!("invalid option: {name}")),
        _ => Ok(index),
    }
}

fn is_array(d: &Def) -> bool {
    matches!(d.kind, Kind::Array | Kind::Hook)
}

/// The map the command reads or writes: a pane's own, a global one, or a session's or
/// window's own.
fn target_map<'s>(
    ctx: &Ctx<'_>,
    state: &'s mut State,
    args: &Args,
    place: Place,
) -> Result<&'s mut BTreeMap<String, String>, String> {
    let scope = place.scope;
    if place.pane {
        // tmux's messages when `-t` names no pane.
        let t =
            resolve_as(ctx, state, args.get('t'), Find::Pane).map_err(|e| match args.get('t') {
                Some(t) if e.starts_with("can't find") => format!("no such pane: {t}"),
                _ => e,
            })?;
        return state
            .panes
            .get_mut(&t.pane)
            .map(|p| &mut p.options)
            .ok_or_else(|| "no current pane".to_string());
    }
    if args.has('g') || scope == Scope::Server {
        return Ok(state.options.map_mut(scope));
    }
    let find = if scope == Scope::Window {
        Find::Window
    } else {
        Find::Session
    };
    // tmux's `options_scope_from_flags` names the whole target it could not use; its lookup
    // may fail (CMD_FIND_CANFAIL) and still leave the session for a session's options.
    let found = resolve_as(ctx, state, args.get('t'), find).or_else(|e| match scope {
        Scope::Session => {
            super::target::resolve_leniently(ctx.client, state, args.get('t'), find).or(Err(e))
        }
        _ => Err(e),
    });
    let t = found.map_err(|e| match args.get('t') {
        Some(t) if e.starts_with("can't find") && scope == Scope::Window => {
            format!("no such window: {t}")
        }
        Some(t) if e.starts_with("can't find") => format!("no such session: {t}"),
        _ => e,
    })?;
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
    let r = set_value(ctx, state, args, window_cmd)?;
    // The panes' terminals keep `alternate-screen` and `scroll-on-clear` themselves: tell
    // them of a change.
    let base = args.rest.first().and_then(|n| options::split_index(n));
    let kept = ["alternate-screen", "scroll-on-clear"];
    if base.is_some_and(|(b, _)| options::lookup(b).is_ok_and(|d| kept.contains(&d.name))) {
        state.apply_terminal_options();
    }
    // tmux hands every pane its cursor options when either is set (never when a pane is made).
    if let Some(d) = base.and_then(|(b, _)| options::lookup(b).ok())
        && ["cursor-style", "cursor-colour"].contains(&d.name)
    {
        crate::cursor::apply_option(state, d.name);
    }
    if let Some(d) = base.and_then(|(b, _)| options::lookup(b).ok())
        && ["window-style", "window-active-style"].contains(&d.name)
    {
        crate::palette::restyle_all(state);
    }
    // tmux recalculates window sizes after any option change (`window-size`,
    // `aggressive-resize`, `default-size` among them).
    state.recompute_all_sizes();
    Ok(r)
}

fn set_value(ctx: &Ctx<'_>, state: &mut State, args: &Args, window_cmd: bool) -> CmdOutcome {
    let Some(name) = args.rest.first() else {
        return fail("command set-option: too few arguments (need at least 1)");
    };
    let (def, place) = match scope_of(name, args, window_cmd) {
        Ok(v) => v,
        Err(_) if args.has('q') => return Ok(CmdResult::default()),
        Err(e) => return fail(e),
    };
    let scope = place.scope;
    // Global and table values are the defaults: a pane's or window's own value is unset by
    // `-u`, a global one goes back to the default.
    let global = !place.pane && (args.has('g') || scope == Scope::Server);
    let index = index_of(name, def)?;
    let name = def.map_or(name.as_str(), |d| d.name).to_string();
    let mut value = args.rest.get(1).cloned();
    if args.has('F')
        && let Some(v) = &value
    {
        // With no session yet (a start-up config), server-wide values still expand.
        let at =
            super::resolve(ctx, state, args.get('t')).map_or(crate::format::Ctx::NONE, |t| t.fmt());
        value = Some(crate::format::expand(state, at, v));
    }
    // The value in force before the change (what a flag toggles and -a appends to).
    let inherited = parent_value(ctx, state, args, place, &name)
        .or_else(|| state.options.get(scope, &name).map(str::to_string));
    let map = target_map(ctx, state, args, place)?;
    if let Some(d) = def.filter(|d| is_array(d)) {
        // -o: an array is set when the table has it (a global table has them all), an
        // index when that item is.
        let already = match (index, map.get(d.name)) {
            (None, found) => global || found.is_some(),
            (Some(i), Some(items)) => options::array_items(items).contains_key(&i),
            (Some(_), None) => false,
        };
        if args.has('o') && !args.has('u') && already {
            return already_set(args);
        }
        set_array(map, d, index, value.as_deref(), args, global)?;
        return Ok(CmdResult::default());
    }
    if args.has('u') {
        match def {
            Some(d) if global => {
                map.insert(name, d.default.to_string());
            }
            _ => {
                map.remove(&name);
            }
        }
        return Ok(CmdResult::default());
    }
    if args.has('o') && map.contains_key(&name) {
        return already_set(args);
    }
    let current = map.get(&name).cloned().or(inherited);
    let value = checked_value(def, value, current.as_deref(), args.has('a'))?;
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

/// A scalar option's new value before it is parsed: appended to the current one with -a
/// (style options with tmux's `,` separator), a style checked, a colour in tmux's form.
fn checked_value(
    def: Option<&Def>,
    value: Option<String>,
    current: Option<&str>,
    append: bool,
) -> Result<Option<String>, String> {
    let style = def.is_some_and(crate::style_check::is_style_option);
    let mut value = value;
    if append
        && let (Some(v), Some(cur)) = (&value, current)
        && def.is_none_or(|d| d.kind == options::Kind::Str)
    {
        let separator = if style { "," } else { "" };
        value = Some(format!("{cur}{separator}{v}"));
    }
    if style && let Some(v) = &value {
        crate::style_check::check(v)?;
    }
    // A colour option keeps tmux's form of the colour (`colour_tostring`), or refuses it.
    if def.is_some_and(|d| crate::style_check::is_colour_option(d.name))
        && let Some(v) = &value
    {
        let colour =
            crate::style_check::colour_value(v).ok_or_else(|| format!("bad colour: {v}"))?;
        value = Some(colour);
    }
    Ok(value)
}

/// `set -o` on an option that has a value: quietly nothing with -q, else tmux's error (the
/// argument as given, index and all).
fn already_set(args: &Args) -> CmdOutcome {
    if args.has('q') {
        return Ok(CmdResult::default());
    }
    let given = args.rest.first().map(String::as_str).unwrap_or_default();
    fail(format!("already set: {given}"))
}

/// Set, append to or unset an array option or one of its items (tmux 3.3a's
/// `cmd_set_option` for arrays): a whole value replaces the items (split at spaces and commas,
/// a hook's command list kept whole), `-a` adds after them, `name[N]` sets one item. An array
/// that fails to set still exists afterwards, empty, as in tmux.
fn set_array(
    map: &mut BTreeMap<String, String>,
    d: &Def,
    index: Option<u32>,
    value: Option<&str>,
    args: &Args,
    global: bool,
) -> Result<(), String> {
    if args.has('u') {
        match (index, map.get(d.name)) {
            (None, _) if global => drop(map.insert(d.name.into(), d.default.into())),
            (None, _) => drop(map.remove(d.name)),
            (Some(i), Some(old)) => {
                let mut items = options::array_items(old);
                items.remove(&i);
                map.insert(d.name.into(), options::array_encode(&items));
            }
            (Some(_), None) => {}
        }
        return Ok(());
    }
    let old = map.entry(d.name.to_string()).or_default();
    let mut items = options::array_items(old);
    let Some(value) = value else {
        return fail("empty value");
    };
    let values: Vec<String> = match d.kind {
        Kind::Hook => match hook_commands(value) {
            Ok(v) => vec![v],
            Err(e) => {
                // tmux clears the array before it parses the new value.
                if index.is_none() && !args.has('a') {
                    old.clear();
                }
                return Err(e);
            }
        },
        // An item set by index is kept whole (tmux `options_array_set`).
        _ if index.is_some() => vec![value.to_string()],
        _ => value
            .split(options::array_separators(d.name))
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .collect(),
    };
    let colours = crate::style_check::is_colour_option(d.name);
    let values = if colours {
        values
            .iter()
            .map(|v| crate::style_check::colour_value(v).ok_or_else(|| format!("bad colour: {v}")))
            .collect::<Result<Vec<_>, _>>()?
    } else {
        values
    };
    match index {
        Some(i) => {
            let mut v = values.into_iter().next().unwrap_or_default();
            // tmux `options_array_set`: `-a` appends to a string item; a hook's item (a
            // command list) and a colour are replaced.
            if args.has('a')
                && d.kind == Kind::Array
                && !colours
                && let Some(old) = items.get(&i)
            {
                v = format!("{old}{v}");
            }
            items.insert(i, v);
        }
        None => {
            if !args.has('a') {
                items.clear();
            }
            for v in values {
                let i = options::array_next(&items).ok_or("too many items")?;
                items.insert(i, v);
            }
        }
    }
    *old = options::array_encode(&items);
    Ok(())
}

/// A hook's value: its command list checked as tmux parses it when set (`unknown command:
/// foo`), kept as tmux prints it back (`set-option -g @x 1`).
fn hook_commands(value: &str) -> Result<String, String> {
    let mut commands = Vec::new();
    for line in crate::parse::parse_line(value)? {
        for words in tmate_proto::command::split_commands(&line) {
            if let Some((name, rest)) = words.split_first() {
                // Commands this host lacks are kept: they fail when the hook runs.
                let spec = tmate_proto::command::find(name)?;
                Args::parse(spec, rest)?;
                commands.push(words);
            }
        }
    }
    // tmux prints a hook's commands joined by a bare `;` (list-keys escapes it).
    Ok(commands
        .iter()
        .map(|c| crate::bindings::print_commands(std::slice::from_ref(c)))
        .collect::<Vec<_>>()
        .join(" ; "))
}

fn show(ctx: &Ctx<'_>, state: &mut State, args: &Args, window_cmd: bool) -> CmdOutcome {
    show_some(ctx, state, args, window_cmd, false)
}

/// show-options (`hooks` false: hooks only with `-H`) and show-hooks (`hooks` true: only
/// hooks), one option (`name[N]` for one item) or all of a scope.
fn show_some(
    ctx: &Ctx<'_>,
    state: &mut State,
    args: &Args,
    window_cmd: bool,
    hooks: bool,
) -> CmdOutcome {
    let one = args.rest.first();
    let (def, place) = match one {
        Some(name) => match scope_of(name, args, window_cmd) {
            Ok(v) => v,
            Err(_) if args.has('q') => return Ok(CmdResult::default()),
            Err(e) => return fail(e),
        },
        None => (None, place_from_flags(args, window_cmd)),
    };
    let scope = place.scope;
    let map = match target_map(ctx, state, args, place) {
        Ok(m) => m.clone(),
        Err(_) if args.has('q') => return Ok(CmdResult::default()),
        Err(e) => return fail(e),
    };
    // `-A`: what a name not set here inherits, printed with `*` (tmux's `parent`).
    let parent = |name: &str| {
        args.has('A')
            .then(|| parent_value(ctx, state, args, place, name))
            .flatten()
    };
    let mut out = String::new();
    if let Some(name) = one {
        let index = index_of(name, def)?;
        let name = def.map_or(name.as_str(), |d| d.name);
        match map.get(name) {
            Some(v) => out.push_str(&show_lines(args, def, name, v, index, false)),
            None => match parent(name) {
                Some(v) => out.push_str(&show_lines(args, def, name, &v, index, true)),
                None if def.is_none() && !args.has('q') => {
                    return fail(format!("invalid option: {name}"));
                }
                None => {}
            },
        }
    } else {
        // User options first, by name, then the table's in its order (tmux
        // `cmd_show_options_all`); a pane lists the options panes can hold.
        if !hooks {
            for (name, v) in map.iter().filter(|(n, _)| n.starts_with('@')) {
                out.push_str(&show_lines(args, None, name, v, None, false));
            }
        }
        let shown = |d: &&Def| {
            let hook = d.kind == Kind::Hook;
            let in_scope = if place.pane { d.pane } else { d.scope == scope };
            in_scope && if hooks { hook } else { !hook || args.has('H') }
        };
        for d in TABLE.iter().filter(shown) {
            match map.get(d.name) {
                Some(v) => out.push_str(&show_lines(args, Some(d), d.name, v, None, false)),
                None => {
                    if let Some(v) = parent(d.name) {
                        out.push_str(&show_lines(args, Some(d), d.name, &v, None, true));
                    }
                }
            }
        }
    }
    output(out)
}

/// The value an option not set in `place` inherits (tmux's parent options): a pane's from its
/// window, then the global window options; a window's or session's from the global ones; the
/// global and server options have no parent.
fn parent_value(
    ctx: &Ctx<'_>,
    state: &State,
    args: &Args,
    place: Place,
    name: &str,
) -> Option<String> {
    if place.pane {
        let t = resolve_as(ctx, state, args.get('t'), Find::Pane).ok()?;
        if let Some(v) = state
            .window(t.session, t.window)
            .and_then(|w| w.options.get(name))
        {
            return Some(v.clone());
        }
    } else if args.has('g') || place.scope == Scope::Server {
        return None;
    }
    state.options.get(place.scope, name).map(str::to_string)
}

/// One option's lines as tmux 3.3a's `cmd_show_options_print`: `name value` (the value
/// quoted unless it is a command list), an array item per line as `name[N] value`, an empty
/// array as its bare name; `-v` values alone.
fn show_lines(
    args: &Args,
    def: Option<&Def>,
    name: &str,
    value: &str,
    index: Option<u32>,
    parent: bool,
) -> String {
    let star = if parent { "*" } else { "" };
    // tmux quotes string options only (`options_is_string`): hooks are command lists, and
    // colours print as `colour_tostring` made them.
    let quote = |v: &str| match def {
        Some(d) if d.kind == Kind::Hook || crate::style_check::is_colour_option(d.name) => {
            v.to_string()
        }
        _ => options::escape(v),
    };
    let line = |name: &str, v: &str| {
        if args.has('v') {
            format!("{v}\n")
        } else {
            format!("{name}{star} {}\n", quote(v))
        }
    };
    if !def.is_some_and(is_array) {
        return line(name, value);
    }
    let items = options::array_items(value);
    if let Some(i) = index {
        return items
            .get(&i)
            .map(|v| line(&format!("{name}[{i}]"), v))
            .unwrap_or_default();
    }
    if items.is_empty() {
        return if args.has('v') {
            String::new()
        } else {
            format!("{name}{star}\n")
        };
    }
    items
        .iter()
        .map(|(i, v)| line(&format!("{name}[{i}]"), v))
        .collect()
}
