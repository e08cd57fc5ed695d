//! Window commands: new-window, select-window, next/previous/last-window,
//! rename-window, list-windows.

use super::{Args, CmdOutcome, CmdResult, Ctx, Find, Target, fail, output, resolve_as};
use crate::format;
use crate::process::spawn_pane;
use crate::state::{State, Window};

pub fn new(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    // `-t` names a window index that may not exist yet (`sess:N`, `:N` or a bare `N`).
    let (session, wanted) = super::index_target(ctx, state, args.get('t'))?;
    let t = Target {
        session,
        window: 0,
        pane: 0,
    };
    let Some(s) = state.sessions.get(&t.session) else {
        return fail("no session");
    };
    let (sx, sy) = state.default_window_size(t.session, ctx.client.attached);
    let idx = match wanted {
        Some(i) if s.windows.contains_key(&i) => {
            return fail(format!("create window failed: index {i} in use"));
        }
        Some(i) => i,
        None => {
            let base =
                u32::try_from(state.option_num(t.session, s.current, "base-index")).unwrap_or(0);
            (base..)
                .find(|i| !s.windows.contains_key(i))
                .unwrap_or(base)
        }
    };
    let command = (!args.rest.is_empty()).then(|| args.rest.join(" "));
    let cwd = args.get('c').unwrap_or(&ctx.client.cwd).to_string();
    state.spawn_env = crate::environ::Environ::from_e_flag(args.get_all('e'));
    let pane = spawn_pane(
        ctx.shared,
        state,
        t.session,
        command.as_deref(),
        &cwd,
        sx,
        sy,
    );
    state.spawn_env = None;
    let pane = pane?;
    crate::process::note_start_command(state, pane, &args.rest);
    let wid = state.alloc_window();
    let w = Window::new(wid, args.get('n').map(str::to_string), pane, sx, sy);
    if let Some(s) = state.sessions.get_mut(&t.session) {
        s.windows.insert(idx, w);
    }
    if !args.has('d') {
        state.select_window(t.session, idx);
    }
    state.recompute_size(t.session);
    state.hooks.created = Some(Target {
        session: t.session,
        window: idx,
        pane,
    });
    state.notify_window("window-linked", t.session, idx, None);
    let mut r = CmdResult::default();
    if args.has('P') {
        let fmt = args
            .get('F')
            .unwrap_or("#{session_name}:#{window_index}.#{pane_index}");
        r.out = format!(
            "{}\n",
            format::expand(
                state,
                format::Ctx {
                    session: t.session,
                    window: idx,
                    pane
                },
                fmt
            )
        );
    }
    Ok(r)
}

/// Make `idx` the current window of `sid`, remembering the previous one as last.
pub fn select_index(state: &mut State, sid: u32, idx: u32) {
    if state.select_window(sid, idx) {
        // aggressive-resize sizes a window by the clients it is current for.
        state.recompute_size(sid);
    }
}

pub fn select(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    if args.has('n') {
        return next(ctx, state, args);
    }
    if args.has('p') {
        return previous(ctx, state, args);
    }
    if args.has('l') {
        let t = resolve_as(ctx, state, args.get('t'), Find::Session)?;
        return last(ctx, state, args, t);
    }
    let t = resolve_as(ctx, state, args.get('t'), Find::Window)?;
    select_index(state, t.session, t.window);
    Ok(CmdResult::default())
}

fn step(ctx: &Ctx<'_>, state: &mut State, args: &Args, forward: bool) -> CmdOutcome {
    let t = resolve_as(ctx, state, args.get('t'), Find::Session)?;
    let Some(s) = state.sessions.get(&t.session) else {
        return fail("no session");
    };
    let cur = s.current;
    let next = if forward {
        s.windows
            .range(cur + 1..)
            .next()
            .or_else(|| s.windows.iter().next())
    } else {
        s.windows
            .range(..cur)
            .next_back()
            .or_else(|| s.windows.iter().next_back())
    };
    let Some(idx) = next.map(|(i, _)| *i).filter(|i| *i != cur) else {
        return fail(if forward {
            "no next window"
        } else {
            "no previous window"
        });
    };
    select_index(state, t.session, idx);
    Ok(CmdResult::default())
}

pub fn next(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    step(ctx, state, args, true)
}

pub fn previous(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    step(ctx, state, args, false)
}

pub fn last(_ctx: &Ctx<'_>, state: &mut State, _args: &Args, t: Target) -> CmdOutcome {
    let last = state
        .sessions
        .get(&t.session)
        .and_then(|s| s.last)
        .ok_or("no last window")?;
    select_index(state, t.session, last);
    Ok(CmdResult::default())
}

pub fn rename(_ctx: &Ctx<'_>, state: &mut State, args: &Args, t: Target) -> CmdOutcome {
    let Some(name) = args.rest.first() else {
        return fail("usage: rename-window [-t target-window] new-name");
    };
    if let Some(w) = state.window_mut(t.session, t.window) {
        w.set_name(name.clone());
    }
    state.notify_window("window-renamed", t.session, t.window, None);
    Ok(CmdResult::default())
}

/// tmux 3.3a's `list-windows` formats: one session's windows with their layout and id, or
/// with `-a` every session's, prefixed by the session name and without the layout.
const LIST_WINDOWS_TEMPLATE: &str = "#{window_index}: #{window_name}#{window_raw_flags} \
     (#{window_panes} panes) [#{window_width}x#{window_height}] [layout #{window_layout}] \
     #{window_id}#{?window_active, (active),}";
const LIST_WINDOWS_WITH_SESSION_TEMPLATE: &str = "#{session_name}:#{window_index}: \
     #{window_name}#{window_raw_flags} (#{window_panes} panes) \
     [#{window_width}x#{window_height}] ";

pub fn list(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    let fmt = args.get('F').unwrap_or(if args.has('a') {
        LIST_WINDOWS_WITH_SESSION_TEMPLATE
    } else {
        LIST_WINDOWS_TEMPLATE
    });
    let sessions: Vec<u32> = if args.has('a') {
        super::listing::sessions_by_name(state)
    } else {
        match resolve_as(ctx, state, args.get('t'), Find::Session) {
            Ok(t) => vec![t.session],
            Err(e) => return fail(e),
        }
    };
    let mut out = String::new();
    for sid in sessions {
        let Some(s) = state.sessions.get(&sid) else {
            continue;
        };
        for (line, (idx, w)) in s.windows.iter().enumerate() {
            let c = format::Ctx {
                session: sid,
                window: *idx,
                pane: w.active,
            };
            if let Some(text) =
                super::listing::list_item(state, c, format::Kind::Window, args, fmt, line)
            {
                out.push_str(&text);
                out.push('\n');
            }
        }
    }
    output(out)
}
