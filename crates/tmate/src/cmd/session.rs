//! Session commands: new-session, attach-session, has-session, kill-session, rename-session,
//! list-sessions, kill-server.

use super::{
    Args, CmdOutcome, CmdResult, Ctx, Find, Target, current_session, fail, output, resolve_as,
};
use crate::environ::Environ;
use crate::format;
use crate::process::spawn_pane;
use crate::state::{Session, State, Window};

/// A new session `sid` with one window (index `base-index`) holding `pane`; returns that index.
fn insert_session(
    state: &mut State,
    sid: u32,
    name: String,
    window_name: Option<&str>,
    pane: u32,
    (sx, sy): (u16, u16),
) -> u32 {
    let wid = state.alloc_window();
    let base = u32::try_from(
        state
            .options
            .get(crate::options::Scope::Session, "base-index")
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0),
    )
    .unwrap_or(0);
    let window = Window::new(wid, window_name.map(str::to_string), pane, sx, sy);
    let windows = crate::winlink::Windows::from([(base, window)]);
    let session = Session::new(
        sid,
        &name,
        windows,
        base,
        (sx, sy),
        crate::state::now_secs(),
    );
    state.sessions.insert(sid, session);
    base
}

/// A new session's environment (tmux `cmd_new_session_exec`): the client's variables
/// `update-environment` names (global value; not with `-E`), then `-e NAME=value`.
fn new_environ(ctx: &Ctx<'_>, state: &State, args: &Args) -> Environ {
    let mut environ = Environ::default();
    if !args.has('E')
        && let Some(env) = &ctx.client.env
    {
        environ.update(update_patterns(state, None).iter().map(String::as_str), env);
    }
    environ.put_all(args.get_all('e'));
    environ
}

/// `update-environment`'s patterns for a session (`None`: the global value).
pub(super) fn update_patterns(state: &State, sid: Option<u32>) -> Vec<String> {
    let value = match sid {
        Some(sid) => state.session_option(sid, "update-environment"),
        None => state
            .options
            .get(crate::options::Scope::Session, "update-environment")
            .unwrap_or_default()
            .to_string(),
    };
    crate::options::array_items(&value).into_values().collect()
}

/// new-session's window size: the client's, or detached -x/-y over the global `default-size`
/// (tmux 3.3a); and, with -x or -y, the session's own `default-size` they make
/// (resize-window -A/-a without clients use it).
fn new_session_size(
    ctx: &Ctx<'_>,
    state: &State,
    args: &Args,
    detached: bool,
) -> ((u16, u16), Option<String>) {
    let size = |c: char, default: u16| {
        args.get(c)
            .and_then(|v| v.parse::<u16>().ok())
            .filter(|v| *v > 0)
            .unwrap_or(default)
    };
    let default = state
        .options
        .get(crate::options::Scope::Session, "default-size")
        .and_then(crate::state::parse_size)
        .unwrap_or((80, 24));
    let (sx, sy) = if detached || ctx.client.control {
        (size('x', default.0), size('y', default.1))
    } else {
        // An attached client's terminal as it is now (its attach command's size may be old).
        let (cols, rows) = attached_client(ctx, state)
            .and_then(|c| state.clients.get(&c))
            .map_or((ctx.client.cols, ctx.client.rows), |c| c.tty_size);
        (cols.max(1), rows.saturating_sub(1).max(1))
    };
    let own =
        (args.has('x') || args.has('y')).then(|| format!("{}x{}", size('x', sx), size('y', sy)));
    ((sx, sy), own)
}

pub fn new(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    // In the start-up config there is no terminal to attach yet: detached, as tmux does.
    let detached = args.has('d') || ctx.client.startup_config;
    if !detached && !ctx.client.tty {
        return fail("open terminal failed: not a terminal");
    }
    if !detached && attached_client(ctx, state).is_none() && nested(ctx, state) {
        return fail(NESTED);
    }
    let ((sx, sy), default_size) = new_session_size(ctx, state, args, detached);
    // tmate shares one session: a second one is refused while sharing (tmate 2.4's text).
    if state.tmate.started && !state.sessions.is_empty() {
        return fail("multi sessions is not supported with tmate");
    }
    let sid = state.alloc_session();
    let name = args
        .get('s')
        .map(str::to_string)
        .unwrap_or_else(|| sid.to_string());
    if name.contains(':') || name.contains('.') || name.is_empty() {
        return fail(format!("invalid session: {name}"));
    }
    if state.sessions.values().any(|s| s.name == name) {
        return fail(format!("duplicate session: {name}"));
    }
    let command = (!args.rest.is_empty()).then(|| args.rest.join(" "));
    let cwd = args.get('c').unwrap_or(&ctx.client.cwd).to_string();
    let environ = new_environ(ctx, state, args);
    state.spawn_env = Some(environ.clone());
    let pane = spawn_pane(ctx.shared, state, sid, command.as_deref(), &cwd, sx, sy);
    state.spawn_env = None;
    let pane = pane?;
    crate::process::note_start_command(state, pane, &args.rest);
    let base = insert_session(state, sid, name, args.get('n'), pane, (sx, sy));
    if let Some(s) = state.sessions.get_mut(&sid) {
        s.environ = environ;
        s.path = cwd;
        if let Some(size) = default_size {
            s.options.insert("default-size".to_string(), size);
        }
    }
    state.touch(sid);
    state.hooks.created = Some(Target {
        session: sid,
        window: base,
        pane,
    });
    state.notify_session("session-created", sid);
    state.notify_window("window-linked", sid, base, None);
    // tmux 3.3a `cfg_show_causes`: start-up config errors into the new session's pane.
    crate::copy::show_config_errors(state, sid);
    // The first session starts sharing when a relay is configured (tmate_session_start).
    crate::uplink::start(ctx.shared, state);
    let mut r = CmdResult::default();
    if args.has('P') {
        let fmt = args.get('F').unwrap_or("#{session_name}:");
        r.out = format!(
            "{}\n",
            format::expand(
                state,
                format::Ctx {
                    session: sid,
                    window: base,
                    pane
                },
                fmt
            )
        );
    }
    if !detached {
        match attached_client(ctx, state) {
            // tmux: a client that has a session moves to the new one.
            Some(c) => {
                if let Some(h) = state.clients.get_mut(&c) {
                    h.set_flags(args.get('f').unwrap_or_default());
                }
                state.set_client_session(c, sid);
                super::client::default_key_table(ctx, state, c);
            }
            None => {
                r.attach = Some(sid);
                r.attach_flags = args.get('f').unwrap_or_default().to_string();
            }
        }
    }
    Ok(r)
}

/// tmux's words for a client attaching from inside one of this server's panes.
const NESTED: &str = "sessions should be nested with care, unset $TMUX to force";

/// The command client runs inside one of this server's panes (tmux's
/// `server_client_check_nested`: its `$TMUX` is set and its terminal is a pane's): its own
/// environment names this server and a live pane (a control client's current pane is not
/// where it runs).
fn nested(ctx: &Ctx<'_>, state: &State) -> bool {
    let Some(env) = &ctx.client.env else {
        return false;
    };
    crate::server::pane_in_env(ctx.shared, env).is_some_and(|p| state.panes.contains_key(&p))
}

pub fn attach(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    if state.sessions.is_empty() {
        return fail("no sessions");
    }
    let sid = match args.get('t') {
        Some(t) => match resolve_as(ctx, state, Some(t), Find::Session) {
            Ok(t) => t.session,
            Err(e) => return fail(e),
        },
        None => match current_session(ctx, state) {
            Some(s) => s,
            None => return fail("no sessions"),
        },
    };
    let moving = attached_client(ctx, state);
    if moving.is_none() && nested(ctx, state) {
        return fail(NESTED);
    }
    if moving.is_none() && !ctx.client.tty {
        return fail("open terminal failed: not a terminal");
    }
    // tmux `cmd_attach_session`: the client's variables into the session's environment.
    if !args.has('E')
        && let Some(env) = ctx.client.env.clone()
    {
        let patterns = update_patterns(state, Some(sid));
        if let Some(s) = state.sessions.get_mut(&sid) {
            s.environ.update(patterns.iter().map(String::as_str), &env);
        }
    }
    state.touch(sid);
    // tmux `cmd_attach_session`: `-f` flags, then `-r` (read-only and ignore-size).
    let mut flags: Vec<&str> = args.get('f').into_iter().collect();
    if args.has('r') {
        flags.push("read-only,ignore-size");
    }
    if let Some(c) = moving {
        // A client with a session moves there, the one it leaves (or this one) its last.
        if let Some(h) = state.clients.get_mut(&c) {
            h.set_flags(&flags.join(","));
            h.last_session = Some(h.session);
        }
        state.set_client_session(c, sid);
        super::client::default_key_table(ctx, state, c);
        return Ok(CmdResult::default());
    }
    Ok(CmdResult {
        attach: Some(sid),
        attach_flags: flags.join(","),
        ..CmdResult::default()
    })
}

/// The attached client whose key binding or prompt runs the command: attach-session and
/// new-session move it rather than attaching a new one.
fn attached_client(ctx: &Ctx<'_>, state: &State) -> Option<u32> {
    ctx.client
        .attached
        .filter(|c| state.clients.get(c).is_some_and(|h| h.control.is_none()))
}

pub fn has(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    resolve_as(ctx, state, args.get('t'), Find::Session)?;
    Ok(CmdResult::default())
}

pub fn kill(_ctx: &Ctx<'_>, state: &mut State, args: &Args, t: Target) -> CmdOutcome {
    let all: Vec<u32> = if args.has('a') {
        state
            .sessions
            .keys()
            .copied()
            .filter(|s| *s != t.session)
            .collect()
    } else {
        vec![t.session]
    };
    for sid in all {
        state.remove_session(sid);
    }
    Ok(CmdResult::default())
}

pub fn rename(_ctx: &Ctx<'_>, state: &mut State, args: &Args, t: Target) -> CmdOutcome {
    let Some(name) = args.rest.first() else {
        return fail("usage: rename-session [-t target-session] new-name");
    };
    if state
        .sessions
        .values()
        .any(|s| &s.name == name && s.id != t.session)
    {
        return fail(format!("duplicate session: {name}"));
    }
    if let Some(s) = state.sessions.get_mut(&t.session) {
        s.name = name.clone();
    }
    state.notify_session("session-renamed", t.session);
    Ok(CmdResult::default())
}

/// tmux 3.3a's `list-sessions` template, without the session-group parts (one session per
/// server: there are no groups).
const LIST_SESSIONS_TEMPLATE: &str = "#{session_name}: #{session_windows} windows (created #{t:session_created})#{?session_attached, (attached),}";

pub fn list(_ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    let fmt = args.get('F').unwrap_or(LIST_SESSIONS_TEMPLATE);
    let mut out = String::new();
    for (line, sid) in super::listing::sessions_by_name(state)
        .into_iter()
        .enumerate()
    {
        let Some(s) = state.sessions.get(&sid) else {
            continue;
        };
        let pane = s.windows.get(&s.current).map(|w| w.active).unwrap_or(0);
        let c = format::Ctx {
            session: sid,
            window: s.current,
            pane,
        };
        if let Some(text) =
            super::listing::list_item(state, c, format::Kind::Session, args, fmt, line)
        {
            out.push_str(&text);
            out.push('\n');
        }
    }
    output(out)
}

/// `start-server`: the server is up by the time a command runs (the client started it).
pub fn start_server(_ctx: &Ctx<'_>, _state: &mut State, _args: &Args) -> CmdOutcome {
    Ok(CmdResult::default())
}

pub fn kill_server(_ctx: &Ctx<'_>, _state: &mut State, _args: &Args) -> CmdOutcome {
    Ok(CmdResult {
        kill_server: true,
        ..CmdResult::default()
    })
}
