//! Format variables (tmux 3.3a's `format_find` and its table): options by name first, then the
//! session, window and pane values our state holds, copy mode's, tmate's SET_ENV values, then
//! the environment; with `t:` (times), `b:`, `d:`, `q:` and `q/h:` applied to what was found.

use super::replace::Plan;
use super::{Ctx, Expander, Kind, modifiers};
use crate::state::{Session, State, Window};

impl Expander<'_> {
    /// A variable's value with the lookup modifiers applied; `None` when nothing has that
    /// name (or `t:` found no time).
    pub(super) fn find(&self, p: &Plan, key: &str) -> Option<String> {
        let found = match key {
            "session_format" => Some(flag(self.kind == Kind::Session)),
            "window_format" => Some(flag(self.kind == Kind::Window)),
            "pane_format" => Some(flag(self.kind == Kind::Pane)),
            _ => lookup(self.state, self.ctx, key, !p.timestring),
        };
        if p.timestring {
            let secs = found
                .and_then(|f| modifiers::strtonum(&f, 0, i64::MAX))
                .filter(|t| *t != 0)?;
            return Some(modifiers::time_string(
                secs,
                p.pretty,
                p.time_format.as_deref(),
                self.now,
            ));
        }
        let mut value = found?;
        if p.basename {
            value = modifiers::basename(&value);
        }
        if p.dirname {
            value = modifiers::dirname(&value);
        }
        if p.quote_shell {
            value = modifiers::quote_shell(&value);
        }
        if p.quote_style {
            value = modifiers::quote_style(&value);
        }
        Some(value)
    }
}

/// The raw value of `key` in tmux's order; the environment only when `environment` (not for
/// `t:`).
fn lookup(state: &State, ctx: Ctx, key: &str, environment: bool) -> Option<String> {
    // Values a caller adds for one expansion (a tree mode's `line`, `buffer_*`, `client_*`).
    if let Some(v) = super::extra_var(key) {
        return Some(v);
    }
    if crate::options::TABLE.iter().any(|d| d.name == key) {
        return Some(option_variable(state, ctx, key));
    }
    if key.starts_with('@') {
        let v = option_variable(state, ctx, key);
        if !v.is_empty() {
            return Some(v);
        }
    }
    // A running hook's variables (`#{hook}`, `#{hook_pane}`...).
    if (key == "hook" || key.starts_with("hook_"))
        && let Some(v) = crate::hooks::format_var(state, key)
    {
        return Some(v);
    }
    // The mouse event a binding runs for (tmux's `ft->m`), whatever the target.
    if key == "mouse_word" || key == "mouse_line" {
        return super::mouse::variable(state, key);
    }
    let pane = state.panes.get(&ctx.pane);
    // The pane's modes: how many, the top one's name.
    if let Some(v) = pane.and_then(|p| crate::modes::format_var(p, key)) {
        return Some(v);
    }
    if key == "copy_cursor_word" {
        // tmux's `format_grid_word` reads the global `word-separators`.
        let separators = state
            .options
            .get(crate::options::Scope::Session, "word-separators")
            .unwrap_or_default();
        return pane.and_then(|p| crate::copy::cursor_word(p, separators));
    }
    // Copy mode's variables (scroll_position, copy_cursor_x...).
    if let Some(v) = pane.and_then(|p| crate::copy::format_var(p, key)) {
        return Some(v);
    }
    if let Some(v) = pane_variable(state, ctx, key)
        .or_else(|| pane_state_variable(state, ctx, key))
        .or_else(|| window_variable(state, ctx, key))
        .or_else(|| session_variable(state, ctx, key))
        .or_else(|| server_variable(state, key))
    {
        return Some(v);
    }
    if key.starts_with("client_")
        && let Some(id) = super::clients::client_for(state, ctx.session)
        && let Some(v) = super::clients::client_variable(state, id, key)
    {
        return Some(v);
    }
    if let Some(v) = client_window_variable(state, ctx, key) {
        return Some(v);
    }
    // The command queue item's own (`#{command}`, `#{current_file}`).
    if let Some(v) = super::clients::item_variable(key) {
        return Some(v);
    }
    // The relay's SET_ENV values (`#{tmate_ssh}`), tmate's format variables.
    if let Some(v) = state.tmate.env.get(key) {
        return Some(v.clone());
    }
    if environment {
        return environment_value(state, state.sessions.get(&ctx.session), key);
    }
    None
}

/// A name no format variable has, looked up in the environment as tmux's `format_find` does:
/// the session's, else the global one (hidden variables too; removed ones are empty).
fn environment_value(state: &State, session: Option<&Session>, name: &str) -> Option<String> {
    let var = session
        .and_then(|s| s.environ.get(name))
        .or_else(|| state.environ.get(name))?;
    var.value.clone()
}

/// The host's name (`#H`): one uname(2) per call, as tmux's gethostname(3); the status line
/// asks for it on every redraw, so no file is opened here.
pub fn hostname() -> String {
    rustix::system::uname()
        .nodename()
        .to_string_lossy()
        .into_owned()
}

thread_local! {
    /// An automatic name is being expanded: a format that names the window itself sees the
    /// name it had (tmux's stored `w->name`) instead of expanding again.
    static NAMING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// How long an automatic name stands before it is made again (tmux's NAME_INTERVAL).
const NAME_INTERVAL: std::time::Duration = std::time::Duration::from_millis(500);

/// The window's name: set by `-n`/`rename-window`/its program, else tmux's automatic
/// rename: `automatic-rename-format` at the window's active pane (by default its command,
/// `[tmux]` in a mode, `[dead]`), made again when shown at most every 500 ms; with
/// `automatic-rename` off the last one stays.
pub fn window_name(state: &State, session: u32, window: u32) -> String {
    let Some(w) = state.window(session, window) else {
        return String::new();
    };
    if let Some(n) = &w.name {
        return n.clone();
    }
    let (last, made) = w.auto_name.borrow().clone();
    let automatic = state.option(session, window, "automatic-rename") == "on";
    let fresh = made.is_some_and(|t| t.elapsed() < NAME_INTERVAL);
    if (made.is_some() && (!automatic || fresh)) || NAMING.with(std::cell::Cell::get) {
        return last;
    }
    let format = state.option(session, window, "automatic-rename-format");
    let ctx = super::Ctx {
        session,
        window,
        pane: w.active,
    };
    NAMING.with(|n| n.set(true));
    let name = super::expand(state, ctx, &format);
    NAMING.with(|n| n.set(false));
    w.auto_name
        .replace((name.clone(), Some(std::time::Instant::now())));
    name
}

pub fn window_flags(state: &State, session: u32, window: u32) -> String {
    let Some(s) = state.sessions.get(&session) else {
        return String::new();
    };
    let mut f = String::new();
    let a = s.windows.alerts(&window);
    for (on, c) in [(a.activity, '#'), (a.bell, '!'), (a.silence, '~')] {
        if on {
            f.push(c);
        }
    }
    if s.current == window {
        f.push('*');
    } else if s.last == Some(window) {
        f.push('-');
    }
    if state
        .marked()
        .is_some_and(|m| (m.session, m.window) == (session, window))
    {
        f.push('M');
    }
    if s.windows.get(&window).is_some_and(|w| w.zoomed.is_some()) {
        f.push('Z');
    }
    f
}

fn flag(v: bool) -> String {
    if v { "1" } else { "0" }.to_string()
}

/// The pane's place and process (`pane_*` geometry, ids, exit); `None` for other names or
/// without a pane.
fn pane_variable(state: &State, ctx: Ctx, name: &str) -> Option<String> {
    let window = state.window(ctx.session, ctx.window)?;
    let pane = state.panes.get(&ctx.pane)?;
    let g = window.geometry(ctx.pane);
    let geo = |f: &dyn Fn(&crate::layout::Geometry) -> u32| g.as_ref().map(|g| f(g).to_string());
    // Read only for the two names that need it: this runs on every status-line redraw.
    let border =
        |side: &str| u32::from(state.option(ctx.session, ctx.window, "pane-border-status") == side);
    let value = match name {
        "pane_dead" => flag(pane.dead.is_some()),
        "pane_dead_status" => pane.dead.and_then(|d| d.status)?.to_string(),
        "pane_dead_signal" => pane.dead.and_then(|d| d.signal)?.to_string(),
        "pane_dead_time" => pane.dead.map(|d| d.time).filter(|t| *t != 0)?.to_string(),
        "pane_id" => format!("%{}", pane.id),
        "pane_width" => geo(&|g| u32::from(g.sx))?,
        "pane_height" => geo(&|g| u32::from(g.sy))?,
        "pane_left" => geo(&|g| u32::from(g.xoff))?,
        "pane_top" => geo(&|g| u32::from(g.yoff))?,
        "pane_right" => geo(&|g| (u32::from(g.xoff) + u32::from(g.sx)).saturating_sub(1))?,
        "pane_bottom" => geo(&|g| (u32::from(g.yoff) + u32::from(g.sy)).saturating_sub(1))?,
        "pane_at_left" => flag(g?.xoff == 0),
        "pane_at_right" => flag(u32::from(g?.xoff) + u32::from(g?.sx) == u32::from(window.sx)),
        "pane_at_top" => flag(u32::from(g?.yoff) == border("top")),
        "pane_at_bottom" => {
            let end = u32::from(window.sy).saturating_sub(border("bottom"));
            flag(u32::from(g?.yoff) + u32::from(g?.sy) == end)
        }
        "pane_active" => flag(window.active == ctx.pane),
        "pane_last" => flag(window.last == Some(ctx.pane)),
        "pane_index" => {
            let i = i64::try_from(window.pane_index(ctx.pane)?).unwrap_or(0);
            (i + state.option_num(ctx.session, ctx.window, "pane-base-index")).to_string()
        }
        "pane_pid" => pane.pid?.to_string(),
        "pane_start_command" => pane.start_command.clone(),
        "pane_start_path" => pane.cwd.clone(),
        "pane_current_path" => current_path(pane)?,
        "pane_current_command" => pane.current_command(),
        "pane_tty" => {
            let name = rustix::pty::ptsname(pane.master.as_ref()?, Vec::new()).ok()?;
            name.to_string_lossy().into_owned()
        }
        "pane_pipe" => flag(pane.pipe.is_some()),
        "pane_synchronized" => option_variable(state, ctx, "synchronize-panes"),
        "pane_input_off" => "0".into(),
        "pane_marked" => flag(state.marked().is_some_and(|m| m.pane == ctx.pane)),
        "pane_marked_set" => flag(state.marked().is_some()),
        "pane_tabs" => {
            let stops = pane.term.tab_stops();
            let stops: Vec<String> = stops.iter().map(ToString::to_string).collect();
            stops.join(",")
        }
        "scroll_region_upper" => pane.term.scroll_region().0.to_string(),
        "scroll_region_lower" => pane.term.scroll_region().1.to_string(),
        "insert_flag" => flag(pane.term.edit_modes().0),
        "origin_flag" => flag(pane.term.edit_modes().1),
        "wrap_flag" => flag(pane.term.edit_modes().2),
        _ => return None,
    };
    Some(value)
}

/// The working directory of the pane's foreground process group (else its first process),
/// from `/proc`, as tmux's `osdep_get_cwd`.
fn current_path(pane: &crate::state::Pane) -> Option<String> {
    let foreground = pane
        .master
        .as_ref()
        .and_then(|fd| rustix::termios::tcgetpgrp(fd).ok())
        .map(|p| p.as_raw_nonzero().get());
    let read = |pid: i32| std::fs::read_link(format!("/proc/{pid}/cwd")).ok();
    let link = foreground.and_then(read).or_else(|| read(pane.pid?))?;
    Some(link.to_string_lossy().into_owned())
}

/// The pane's terminal: title, cursor, modes, colours, history.
fn pane_state_variable(state: &State, ctx: Ctx, name: &str) -> Option<String> {
    let window = state.window(ctx.session, ctx.window)?;
    let pane = state.panes.get(&ctx.pane)?;
    let modes = pane.term.modes();
    let (cx, cy) = pane.term.cursor();
    let value = match name {
        "pane_title" => pane.term.title().unwrap_or_else(hostname),
        "cursor_x" => cx.to_string(),
        "cursor_y" => cy.to_string(),
        "cursor_character" => {
            let cell = pane.term.cell(cx, cy);
            (cell.width != 0).then_some(cell.text)?
        }
        "cursor_flag" => flag(modes.cursor_visible),
        "keypad_cursor_flag" => flag(modes.cursor_keys_application),
        "keypad_flag" => flag(modes.keypad_application),
        "alternate_on" => flag(modes.alt_screen),
        "mouse_sgr_flag" => flag(modes.sgr_mouse),
        "mouse_all_flag" => flag(modes.mouse_motion),
        "mouse_button_flag" => flag(modes.mouse_drag && !modes.mouse_motion),
        "mouse_standard_flag" => {
            flag(modes.mouse_reporting && !modes.mouse_drag && !modes.mouse_motion)
        }
        "history_size" => pane.term.scrollback_len().to_string(),
        "history_bytes" => super::history::history_bytes(&pane.term),
        "history_all_bytes" => super::history::history_all_bytes(&pane.term),
        // tmux's UINT_MAX until a `?1049h` saves the cursor.
        "alternate_saved_x" | "alternate_saved_y" => {
            let saved = pane.term.alternate_saved_cursor();
            let v = saved.map(|(x, y)| if name == "alternate_saved_x" { x } else { y });
            v.map_or(u32::MAX.to_string(), |v| v.to_string())
        }
        "pane_path" => pane.term.path().unwrap_or_default(),
        "history_limit" => state
            .option_num(ctx.session, ctx.window, "history-limit")
            .to_string(),
        "pane_fg" | "pane_bg" => {
            let which = if name == "pane_fg" { "fg" } else { "bg" };
            pane_colour(state, ctx, window.active == ctx.pane, which)
        }
        _ => return None,
    };
    Some(value)
}

/// `pane_fg`/`pane_bg`: the pane's default colour as tmux's `tty_default_colours` works it
/// out: for the active pane `window-active-style`'s, else the program's own (OSC 10/11),
/// else `window-style`'s; for the others `window-style`'s, else the program's; else `default`.
fn pane_colour(state: &State, ctx: Ctx, active: bool, which: &str) -> String {
    let of = |option: &str| style_colour(&state.option(ctx.session, ctx.window, option), which);
    let own = state.panes.get(&ctx.pane).and_then(|p| {
        let [fg, bg] = p.term.palette().shown();
        let (r, g, b) = if which == "fg" { fg } else { bg }?;
        Some(format!("#{r:02x}{g:02x}{b:02x}"))
    });
    let colour = if active {
        of("window-active-style")
            .or(own)
            .or_else(|| of("window-style"))
    } else {
        of("window-style").or(own)
    };
    colour.unwrap_or_else(|| "default".into())
}

/// The last `fg=`/`bg=` of a style, `None` for none or `default`.
fn style_colour(style: &str, which: &str) -> Option<String> {
    let value = style
        .split([',', ' '])
        .filter_map(|part| part.trim().split_once('='))
        .filter(|(k, _)| *k == which)
        .map(|(_, v)| v.to_ascii_lowercase())
        .next_back()?;
    (value != "default").then_some(value)
}

/// The window's values; `None` for other names or without a window.
fn window_variable(state: &State, ctx: Ctx, name: &str) -> Option<String> {
    let s = state.sessions.get(&ctx.session)?;
    let w: &Window = s.windows.get(&ctx.window)?;
    let value = match name {
        "window_index" => ctx.window.to_string(),
        "window_id" => format!("@{}", w.id),
        "window_name" => window_name(state, ctx.session, ctx.window),
        "window_width" => w.sx.to_string(),
        "window_height" => w.sy.to_string(),
        "window_panes" => w.pane_ids().len().to_string(),
        "window_active" => flag(s.current == ctx.window),
        "window_flags" => window_flags(state, ctx.session, ctx.window).replace('#', "##"),
        "window_raw_flags" => window_flags(state, ctx.session, ctx.window),
        "window_zoomed_flag" => flag(w.zoomed.is_some()),
        "window_bell_flag" => flag(s.windows.alerts(&ctx.window).bell),
        "window_activity_flag" => flag(s.windows.alerts(&ctx.window).activity),
        "window_silence_flag" => flag(s.windows.alerts(&ctx.window).silence),
        "window_activity" => w.activity.time.to_string(),
        "window_last_flag" => flag(s.last == Some(ctx.window)),
        "window_start_flag" => flag(s.windows.keys().next() == Some(&ctx.window)),
        "window_end_flag" => flag(s.windows.keys().next_back() == Some(&ctx.window)),
        "window_stack_index" => {
            let stack = s.last.into_iter().chain(s.older.iter().rev().copied());
            let at = (1..).zip(stack).find(|(_, i)| *i == ctx.window);
            at.map_or(0, |(n, _)| n).to_string()
        }
        // Links count within the session: a window lives in one here (`crate::winlink`).
        "window_linked" => flag(s.windows.references(&ctx.window) > 1),
        "window_marked_flag" => flag(
            state
                .marked()
                .is_some_and(|m| (m.session, m.window) == (ctx.session, ctx.window)),
        ),
        // tmux counts the window's winlinks, and names each one's session.
        "window_linked_sessions" => s.windows.references(&ctx.window).to_string(),
        "window_linked_sessions_list" => {
            vec![s.name.as_str(); s.windows.references(&ctx.window)].join(",")
        }
        "window_active_sessions" => flag(shows(s, w)),
        "window_active_sessions_list" => {
            if shows(s, w) {
                s.name.clone()
            } else {
                String::new()
            }
        }
        "window_active_clients" => {
            let current = shows(s, w);
            let n = state
                .clients
                .values()
                .filter(|c| current && c.session == s.id)
                .count();
            n.to_string()
        }
        // tmux's DEFAULT_XPIXEL/DEFAULT_YPIXEL: no client here reports its cell size.
        "window_cell_width" => "16".into(),
        "window_cell_height" => "32".into(),
        "window_layout" => crate::layout_string::dump(&w.layout).unwrap_or_default(),
        // Zoomed, tmux's visible layout is the one pane at the window's size.
        "window_visible_layout" => match w.zoomed {
            Some(z) => crate::layout_string::dump(&crate::layout::Cell::pane(z, w.sx, w.sy)),
            None => crate::layout_string::dump(&w.layout),
        }
        .unwrap_or_default(),
        _ => return None,
    };
    Some(value)
}

/// The session's values; `None` for other names or without a session.
fn session_variable(state: &State, ctx: Ctx, name: &str) -> Option<String> {
    let s = state.sessions.get(&ctx.session)?;
    let attached = state.clients.values().filter(|c| c.session == s.id).count();
    let value = match name {
        "session_name" => s.name.clone(),
        "session_id" => format!("${}", s.id),
        "session_windows" => s.windows.len().to_string(),
        "session_attached" => attached.to_string(),
        "session_many_attached" => flag(attached > 1),
        "session_created" => s.created.to_string(),
        "session_grouped" => "0".into(),
        "session_marked" => flag(state.marked().is_some_and(|m| m.session == s.id)),
        "session_path" => s.path.clone(),
        "session_activity" => s.activity_time.to_string(),
        "session_last_attached" => Some(s.last_attached).filter(|t| *t != 0)?.to_string(),
        "session_alerts" => session_alerts(s),
        "session_attached_list" => {
            let names: Vec<&str> = state
                .clients
                .values()
                .filter(|c| c.session == s.id)
                .map(|c| c.name.as_str())
                .collect();
            names.join(",")
        }
        "session_stack" => {
            let stack = s.last.into_iter().chain(s.older.iter().rev().copied());
            let all: Vec<String> = std::iter::once(s.current)
                .chain(stack)
                .map(|i| i.to_string())
                .collect();
            all.join(",")
        }
        "active_window_index" => s.current.to_string(),
        "last_window_index" => s.windows.keys().next_back()?.to_string(),
        "next_session_id" => format!("${}", state.next_session_id()),
        _ => return None,
    };
    Some(value)
}

/// tmux's `format_cb_session_alerts`: each window with alerts as its index followed by `#`
/// (activity), `!` (bell) and `~` (silence), comma-separated.
fn session_alerts(s: &Session) -> String {
    let mut out = Vec::new();
    for index in s.windows.keys() {
        let a = s.windows.alerts(index);
        if !(a.activity || a.bell || a.silence) {
            continue;
        }
        let mut item = index.to_string();
        for (on, c) in [(a.activity, '#'), (a.bell, '!'), (a.silence, '~')] {
            if on {
                item.push(c);
            }
        }
        out.push(item);
    }
    out.join(",")
}

/// The window's values that depend on the clients: who shows it, and whether it is larger
/// than the format's client (`window_bigger`; tmate sizes windows to their smallest client,
/// so it is not, and there is no offset).
fn client_window_variable(state: &State, ctx: Ctx, name: &str) -> Option<String> {
    let s = state.sessions.get(&ctx.session)?;
    let w = s.windows.get(&ctx.window)?;
    match name {
        "window_active_clients_list" => {
            let names: Vec<&str> = state
                .clients
                .values()
                .filter(|c| shows(s, w) && c.session == s.id)
                .map(|c| c.name.as_str())
                .collect();
            (!names.is_empty()).then(|| names.join(","))
        }
        "window_bigger" | "window_offset_x" | "window_offset_y" => {
            let id = super::clients::client_for(state, ctx.session)?;
            let (cols, rows) = state.clients.get(&id)?.size?;
            let bigger = w.sx > cols || w.sy > rows;
            match name {
                "window_bigger" => Some(flag(bigger)),
                _ => bigger.then(|| "0".to_string()),
            }
        }
        _ => None,
    }
}

/// Values of the server and host.
fn server_variable(state: &State, name: &str) -> Option<String> {
    Some(match name {
        "start_time" if state.started != 0 => state.started.to_string(),
        "host" => hostname(),
        "host_short" => hostname().split('.').next().unwrap_or_default().to_string(),
        "pid" => std::process::id().to_string(),
        // The tmux version whose behaviour this host follows (scripts test it with `%if`).
        "version" => crate::TMUX_VERSION.into(),
        "socket_path" => state.socket_path.clone(),
        "config_files" => state.config_files.join(","),
        "tree_mode_format" => crate::tree::build::TREE_FORMAT.into(),
        "buffer_mode_format" => crate::tree::build::BUFFER_FORMAT.into(),
        "client_mode_format" => crate::tree::build::CLIENT_FORMAT.into(),
        "uid" => rustix::process::getuid().as_raw().to_string(),
        "user" => user_name(rustix::process::getuid().as_raw())?,
        _ => return None,
    })
}

/// The name of a user id (tmux's getpwuid(3)); looked up only when asked.
pub(super) fn user_name(uid: u32) -> Option<String> {
    let found = nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(uid)).ok()??;
    Some(found.name)
}

/// An option's value as a format variable.
fn option_variable(state: &State, ctx: Ctx, name: &str) -> String {
    let value = option_lookup(state, ctx, name);
    // tmux gives flag options as numbers in formats (`#{?synchronize-panes,...}`).
    let flag = crate::options::lookup(name).is_ok_and(|d| d.kind == crate::options::Kind::Flag);
    match value.as_str() {
        "on" if flag => "1".into(),
        "off" if flag => "0".into(),
        _ => value,
    }
}

/// tmux 3.3a `format_find`'s option order: the server's, the pane's own, its window's, the
/// global window options, the session's, the global session options.
fn option_lookup(state: &State, ctx: Ctx, name: &str) -> String {
    use crate::options::Scope;
    let pane = state.panes.get(&ctx.pane).map(|p| &p.options);
    let window = state.window(ctx.session, ctx.window).map(|w| &w.options);
    let session = state.sessions.get(&ctx.session).map(|s| &s.options);
    state
        .options
        .get(Scope::Server, name)
        .or_else(|| pane.and_then(|o| o.get(name)).map(String::as_str))
        .or_else(|| window.and_then(|o| o.get(name)).map(String::as_str))
        .or_else(|| state.options.get(Scope::Window, name))
        .or_else(|| session.and_then(|o| o.get(name)).map(String::as_str))
        .or_else(|| state.options.get(Scope::Session, name))
        .unwrap_or_default()
        .to_string()
}

/// Whether the session's current window is `w` (at whichever of its indexes): tmux's
/// `window_active_*` variables ask of the window, not of one link.
fn shows(s: &Session, w: &Window) -> bool {
    s.windows.get(&s.current).is_some_and(|c| c.id == w.id)
}
