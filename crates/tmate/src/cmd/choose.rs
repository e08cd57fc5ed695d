//! The commands that start tree modes (tmux 3.3a `cmd-choose-tree.c`, `cmd-find-window.c`):
//! choose-tree, choose-buffer, choose-client, customize-mode, tmate 2.4's choose-window and choose-session,
//! find-window; and switch-client, the default choose-tree template (it moves the client to
//! the chosen session, window and pane).

use super::{Args, CmdOutcome, CmdResult, Ctx, Find, Target, fail, resolve_as};
use crate::state::State;
use crate::tree::{Kind, Settings, Start};

/// The settings every choose command reads (`-F -f -K -O -r -N -Z`, the template).
fn settings(args: &Args, kind: Kind, format: &str, command: &str) -> Settings {
    Settings {
        kind,
        format: args.get('F').unwrap_or(format).to_string(),
        key_format: args.get('K').map(str::to_string),
        command: args
            .rest
            .first()
            .map_or(command, String::as_str)
            .to_string(),
        filter: args.get('f').map(str::to_string),
        sort: args.get('O').map(str::to_string),
        reversed: args.has('r'),
        preview: !args.has('N'),
        zoom: args.has('Z'),
        start: if args.has('s') {
            Start::Sessions
        } else if args.has('w') {
            Start::Windows
        } else {
            Start::Panes
        },
    }
}

pub fn choose_tree(_ctx: &Ctx<'_>, state: &mut State, args: &Args, t: Target) -> CmdOutcome {
    let s = settings(
        args,
        Kind::Tree,
        crate::tree::TREE_FORMAT,
        crate::tree::TREE_COMMAND,
    );
    crate::tree::enter(state, t.pane, s);
    Ok(CmdResult::default())
}

/// tmate 2.4's choose-window and choose-session: choose-tree from the windows or sessions.
pub fn choose_window(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    legacy(ctx, state, args, Start::Windows)
}

pub fn choose_session(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    legacy(ctx, state, args, Start::Sessions)
}

fn legacy(ctx: &Ctx<'_>, state: &mut State, args: &Args, start: Start) -> CmdOutcome {
    let t = resolve_as(ctx, state, None, Find::Pane)?;
    let mut s = settings(
        args,
        Kind::Tree,
        crate::tree::TREE_FORMAT,
        crate::tree::TREE_COMMAND,
    );
    s.start = start;
    crate::tree::enter(state, t.pane, s);
    Ok(CmdResult::default())
}

pub fn choose_buffer(_ctx: &Ctx<'_>, state: &mut State, args: &Args, t: Target) -> CmdOutcome {
    // Nothing to choose from: tmux does not start the mode.
    if state.buffers.top().is_none() {
        return Ok(CmdResult::default());
    }
    let s = settings(
        args,
        Kind::Buffer,
        crate::tree::BUFFER_FORMAT,
        crate::tree::BUFFER_COMMAND,
    );
    crate::tree::enter(state, t.pane, s);
    Ok(CmdResult::default())
}

pub fn choose_client(_ctx: &Ctx<'_>, state: &mut State, args: &Args, t: Target) -> CmdOutcome {
    if state.clients.is_empty() {
        return Ok(CmdResult::default());
    }
    let s = settings(
        args,
        Kind::Client,
        crate::tree::CLIENT_FORMAT,
        crate::tree::CLIENT_COMMAND,
    );
    crate::tree::enter(state, t.pane, s);
    Ok(CmdResult::default())
}

/// customize-mode: the options and key tables in a tree (`-F -f -N -Z`).
pub fn customize_mode(_ctx: &Ctx<'_>, state: &mut State, args: &Args, t: Target) -> CmdOutcome {
    let s = settings(args, Kind::Customize, crate::tree::CUSTOMIZE_FORMAT, "");
    crate::tree::enter(state, t.pane, s);
    Ok(CmdResult::default())
}

/// find-window: choose-tree with a filter matching the window name, pane title or content.
pub fn find_window(_ctx: &Ctx<'_>, state: &mut State, args: &Args, t: Target) -> CmdOutcome {
    let s = args.rest.first().map_or("", String::as_str);
    let mut s_tree = settings(
        &Args::default(),
        Kind::Tree,
        crate::tree::TREE_FORMAT,
        crate::tree::TREE_COMMAND,
    );
    s_tree.zoom = args.has('Z');
    s_tree.filter = Some(find_filter(
        s,
        args.has('C'),
        args.has('N'),
        args.has('T'),
        args.has('r'),
        args.has('i'),
    ));
    crate::tree::enter(state, t.pane, s_tree);
    Ok(CmdResult::default())
}

/// The filter cmd-find-window.c builds.
fn find_filter(s: &str, c: bool, n: bool, t: bool, r: bool, i: bool) -> String {
    let suffix = match (r, i) {
        (true, true) => "/ri",
        (true, false) => "/r",
        (false, true) => "/i",
        _ => "",
    };
    let (c, n, t) = if !c && !n && !t {
        (true, true, true)
    } else {
        (c, n, t)
    };
    let content = format!("#{{C{suffix}:{s}}}");
    let name = format!("#{{m{suffix}:*{s}*,#{{window_name}}}}");
    let title = format!("#{{m{suffix}:*{s}*,#{{pane_title}}}}");
    match (c, n, t) {
        (true, true, true) => format!("#{{||:{content},#{{||:{name},{title}}}}}"),
        (true, true, false) => format!("#{{||:{content},{name}}}"),
        (true, false, true) => format!("#{{||:{content},{title}}}"),
        (false, true, true) => format!("#{{||:{name},{title}}}"),
        (true, false, false) => content,
        (false, true, false) => name,
        _ => title,
    }
}

/// tmux 3.3a's switch-client: `-T` sets the client's key table, `-r` toggles it read-only,
/// `-n`/`-p` move it to the next or previous session by name, `-l` to its last one, and a
/// target moves it there, selecting that window and pane (`-Z` keeps a zoomed window zoomed);
/// the client's `update-environment` variables go into the session unless `-E`.
pub fn switch_client(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    // tmux finds the client, then the target, before anything else.
    let client = super::client::target_client(ctx, state, args.get('c'));
    let tflag = args.get('t');
    let find = if tflag.is_some_and(|t| t.contains([':', '.', '%'])) {
        Find::Pane
    } else {
        Find::Session
    };
    let plain = !['r', 'T', 'n', 'p', 'l'].into_iter().any(|f| args.has(f));
    let client = match client {
        Ok(c) => c,
        // No client: a relay viewer choosing in a tree (tmate 2.4's choose-window and
        // choose-session) still selects the window and pane; anyone else gets tmux's error.
        Err(_) if plain && ctx.client.relay => {
            let t = resolve_as(ctx, state, tflag, Find::Pane)?;
            select_target(state, t, args.has('Z'));
            return Ok(CmdResult::default());
        }
        Err(e) => return fail(e),
    };
    let t = resolve_as(ctx, state, tflag, find)?;
    if args.has('r')
        && let Some(c) = state.clients.get_mut(&client)
    {
        // tmux 3.3a: `-r` toggles the client's read-only (and ignore-size) flag.
        let on = !c.read_only;
        c.read_only = on;
        c.ignore_size = on;
        let session = c.session;
        state.recompute_size(session);
    }
    if let Some(table) = args.get('T') {
        if !state.keys.tables.contains_key(table) {
            return fail(format!("table {table} doesn't exist"));
        }
        super::client::send(
            state,
            client,
            crate::state::ClientEvent::KeyTable(Some(table.to_string())),
        );
        return Ok(CmdResult::default());
    }
    let from = state.clients.get(&client).map(|c| c.session);
    let sid = if args.has('n') {
        let next = from.and_then(|s| state.neighbour_session(s, true));
        next.ok_or("can't find next session")?
    } else if args.has('p') {
        let previous = from.and_then(|s| state.neighbour_session(s, false));
        previous.ok_or("can't find previous session")?
    } else if args.has('l') {
        state
            .last_session(client)
            .ok_or("can't find last session")?
    } else {
        select_target(state, t, args.has('Z'));
        t.session
    };
    // tmux 3.3a: the client's `update-environment` variables go into the session unless -E.
    if !args.has('E')
        && let Some(env) = ctx.client.env.clone()
    {
        let patterns = super::session::update_patterns(state, Some(sid));
        if let Some(s) = state.sessions.get_mut(&sid) {
            s.environ.update(patterns.iter().map(String::as_str), &env);
        }
    }
    state.set_client_session(client, sid);
    super::client::default_key_table(ctx, state, client);
    Ok(CmdResult::default())
}

/// switch-client's target becomes its session's current window and that window's active
/// pane (a zoomed window stays zoomed with `-Z`).
fn select_target(state: &mut State, t: Target, keep_zoom: bool) {
    if state
        .window(t.session, t.window)
        .is_some_and(|w| w.active != t.pane)
    {
        let rezoom = super::r#move::push_zoom(state, t.session, t.window, keep_zoom);
        state.set_active_pane(t.session, t.window, t.pane, true);
        super::r#move::pop_zoom(state, t.session, t.window, rezoom);
    }
    super::window::select_index(state, t.session, t.window);
}

#[cfg(test)]
mod tests {
    use super::find_filter;

    #[test]
    fn find_window_filters_as_tmux() {
        assert_eq!(
            find_filter("x", false, false, false, false, false),
            "#{||:#{C:x},#{||:#{m:*x*,#{window_name}},#{m:*x*,#{pane_title}}}}"
        );
        assert_eq!(
            find_filter("x", false, true, false, true, true),
            "#{m/ri:*x*,#{window_name}}"
        );
        assert_eq!(
            find_filter("x", true, false, true, false, true),
            "#{||:#{C/i:x},#{m/i:*x*,#{pane_title}}}"
        );
    }
}
