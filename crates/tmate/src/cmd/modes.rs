//! pipe-pane (-I -O -o), clock-mode and display-menu: the pane's pipe (`crate::pipe`), clock
//! (`crate::clock_mode`) and a client's menu (`crate::menu`), as tmux 3.3a's
//! `cmd-pipe-pane.c`, `window-clock.c` and `cmd-display-menu.c`.

use super::{Args, CmdOutcome, CmdResult, Ctx, Target, fail};
use crate::state::State;

/// pipe-pane: close the pane's pipe, then (given a command, and without `-o` when one was
/// open: the toggle) open a new one running it.
pub fn pipe_pane(ctx: &Ctx<'_>, state: &mut State, args: &Args, t: Target) -> CmdOutcome {
    let Some(p) = state.panes.get_mut(&t.pane) else {
        return fail("no pane");
    };
    // A pane kept only for its pipe to drain has exited too (tmux checks PANE_EXITED).
    if p.dead.is_some()
        || p.pipe
            .as_ref()
            .is_some_and(|pipe| pipe.pane_exited(p.generation))
    {
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

/// display-menu: `name key command` triples (an empty name is a separator) opened as a menu
/// on the current client, which lays it out for its size (`crate::menu`).
pub fn display_menu(ctx: &Ctx<'_>, state: &mut State, args: &Args, t: Target) -> CmdOutcome {
    let client = super::client::target_client(ctx, state, args.get('c'))?;
    if crate::popup::is_open(state, client) {
        // tmux: nothing while the client shows an overlay.
        return Ok(CmdResult::default());
    }
    let expand = |s: &str| crate::format::expand(state, t.fmt(), s);
    let mut items = Vec::new();
    let mut words = args.rest.iter();
    while let Some(name) = words.next() {
        if name.is_empty() {
            items.push(crate::menu::ItemSpec {
                name: None,
                key: None,
                command: String::new(),
            });
            continue;
        }
        let (Some(key), Some(command)) = (words.next(), words.next()) else {
            return fail("not enough arguments");
        };
        items.push(crate::menu::ItemSpec {
            name: Some(expand(name)),
            key: tmate_proto::KeyCode::parse(key),
            command: expand(command),
        });
    }
    let (open, closed) = tokio::sync::oneshot::channel::<()>();
    let mode_style = state.option(t.session, t.window, "mode-style");
    let choice_style = tmate_term::parse_style_over(
        &mode_style,
        tmate_term::Style::default(),
        tmate_term::Style::default(),
    )
    .unwrap_or_default();
    let mut request = crate::menu::MenuRequest {
        title: args.get('T').map(&expand).unwrap_or_default(),
        items,
        place: placement(ctx, state, args, t, client),
        pane: t.pane,
        mouse: ctx.client.mouse.clone(),
        stay_open: args.has('O'),
        choice_style,
        at: None,
        completion: false,
        open: Some(std::sync::Arc::new(open)),
        tree_click: false,
        popup: false,
    };
    // A format position is expanded here, with the menu's size on the client.
    let (cols, rows) = state.clients.get(&client).map_or((80, 24), |c| c.tty_size);
    if let Some(menu) = crate::menu::Menu::open(&request, cols, rows) {
        let (w, h) = menu.size();
        let size = (usize::from(cols), usize::from(rows), w, h);
        request.place.expand_formats(size, |f, vars| {
            crate::format::with_vars(vars, || crate::format::expand(state, t.fmt(), f))
        });
    }
    if let Some(c) = state.clients.get(&client) {
        let _ = c
            .events
            .try_send(crate::state::ClientEvent::Menu(Box::new(request)));
    }
    // tmux's command waits until its menu closes (its sender is dropped with the menu).
    let job = async move {
        let _ = closed.await;
        CmdResult::default()
    };
    Ok(CmdResult {
        deferred: Some(super::script::Deferred(Box::pin(job))),
        ..CmdResult::default()
    })
}

/// What `-x`/`-y` of display-menu and display-popup are worked out from, for `client`: the
/// target pane, the status lines, the mouse event the command runs for and the target
/// window's entry on the status line.
pub(super) fn placement(
    ctx: &Ctx<'_>,
    state: &State,
    args: &Args,
    t: Target,
    client: u32,
) -> crate::menu::Placement {
    let geometry = state
        .window(t.session, t.window)
        .and_then(|w| w.geometry(t.pane))
        .map_or((0, 0, 0, 0), |g| (g.xoff, g.yoff, g.sx, g.sy));
    let status = state.session_option(t.session, "status");
    let status_lines = match status.as_str() {
        "off" => 0,
        "on" => 1,
        n => n.parse().unwrap_or(1),
    };
    let cols = state.clients.get(&client).map_or(80, |c| c.tty_size.0);
    crate::menu::Placement {
        x: args.get('x').map(str::to_string),
        y: args.get('y').map(str::to_string),
        geometry,
        status_lines,
        status_top: state.session_option(t.session, "status-position") == "top",
        mouse: ctx.client.mouse.as_ref().map(|m| m.at),
        window_status: (status_lines > 0)
            .then(|| crate::mouse::status_entry_start(state, t.session, t.window, cols))
            .flatten(),
    }
}
