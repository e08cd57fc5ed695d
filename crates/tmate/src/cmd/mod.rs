//! The command table (tmux `cmd.c`): names, aliases, getopt-style flag specs, `;`-separated
//! command lists, and target resolution (`-t sess:win.pane`, `$id`, `@id`, `%id`) before a
//! command's `exec` runs. One file per command group.

mod buffer;
mod client;
mod keys;
mod layout;
mod r#move;
mod options;
mod pane;
mod prompt;
mod respawn;
mod script;
mod session;
mod window;

pub use client::current_client;
pub use keys::write_key;

use std::sync::Arc;

pub use tmate_proto::command::Args;
use tmate_proto::command::{self, CommandSpec, flags};

use crate::server::{ClientInfo, Shared};
use crate::state::State;

#[derive(Debug, Default)]
pub struct CmdResult {
    pub out: String,
    pub err: String,
    pub code: u8,
    /// Attach the client to this session after the command.
    pub attach: Option<u32>,
    pub kill_server: bool,
    /// `err` lines already name their file and line (source-file).
    pub located: bool,
    /// wait-for: the command client waits for this before exiting.
    pub wait: Option<tokio::sync::oneshot::Receiver<()>>,
    /// A command that finishes later (run-shell, if-shell, wait-for): `run_list` spawns it
    /// with the rest of the list and hands back `pending`.
    pub deferred: Option<script::Deferred>,
    /// The outcome of a spawned command list; the command client waits for it.
    pub pending: Option<tokio::sync::oneshot::Receiver<CmdResult>>,
}

/// A wait-for channel: `-L` holders and the clients waiting for a signal or the lock.
#[derive(Debug, Default)]
pub struct Channel {
    /// Signalled with nobody waiting: the next wait returns at once.
    pub woken: bool,
    pub locked: bool,
    pub waiters: Vec<tokio::sync::oneshot::Sender<()>>,
    pub lockers: std::collections::VecDeque<tokio::sync::oneshot::Sender<()>>,
}

impl CmdResult {
    pub fn error(msg: impl Into<String>) -> CmdResult {
        CmdResult {
            err: format!("{}\n", msg.into()),
            code: 1,
            ..CmdResult::default()
        }
    }
}

pub struct Ctx<'a> {
    pub shared: &'a Arc<Shared>,
    pub client: &'a ClientInfo,
}

type Exec = fn(&Ctx<'_>, &mut State, &Args) -> CmdResult;

/// A command the host runs: its place in the shared table (`tmate_proto::command`: alias,
/// getopt, bounds, usage, flags) and its `exec`.
#[derive(Clone, Copy)]
pub struct Entry {
    pub spec: &'static CommandSpec,
    pub exec: Exec,
}

/// The host's `exec` of each command it implements, by the table's name.
const EXEC: &[(&str, Exec)] = &[
    ("attach-session", session::attach),
    ("bind-key", keys::bind),
    ("break-pane", r#move::break_pane),
    ("capture-pane", buffer::capture),
    ("clear-history", buffer::clear_history),
    ("copy-mode", buffer::copy_mode),
    ("delete-buffer", buffer::delete_buffer),
    ("command-prompt", prompt::command_prompt),
    ("confirm-before", prompt::confirm_before),
    ("detach-client", client::detach),
    ("display-message", client::display),
    ("display-panes", prompt::display_panes),
    ("has-session", session::has),
    ("if-shell", script::if_shell),
    ("join-pane", r#move::join_pane),
    ("kill-pane", pane::kill),
    ("kill-server", session::kill_server),
    ("kill-session", session::kill),
    ("kill-window", r#move::kill_window),
    ("last-pane", layout::last_pane),
    ("last-window", window::last),
    ("list-buffers", buffer::list_buffers),
    ("list-keys", keys::list),
    ("list-panes", pane::list),
    ("list-sessions", session::list),
    ("list-windows", window::list),
    ("load-buffer", buffer::load_buffer),
    ("move-pane", r#move::join_pane),
    ("move-window", r#move::move_window),
    ("new-session", session::new),
    ("new-window", window::new),
    ("next-layout", layout::next_layout),
    ("next-window", window::next),
    ("paste-buffer", buffer::paste_buffer),
    ("previous-layout", layout::previous_layout),
    ("previous-window", window::previous),
    ("refresh-client", script::refresh_client),
    ("rename-session", session::rename),
    ("rename-window", window::rename),
    ("resize-pane", layout::resize_pane),
    ("respawn-pane", respawn::respawn_pane),
    ("respawn-window", respawn::respawn_window),
    ("rotate-window", r#move::rotate_window),
    ("run-shell", script::run_shell),
    ("save-buffer", buffer::save_buffer),
    ("select-layout", layout::select_layout),
    ("select-pane", pane::select),
    ("select-window", window::select),
    ("send-keys", pane::send_keys),
    ("send-prefix", keys::send_prefix),
    ("set-buffer", buffer::set_buffer),
    ("set-option", options::set_option),
    ("set-window-option", options::set_window_option),
    ("show-buffer", buffer::show_buffer),
    ("show-messages", client::show_messages),
    ("show-options", options::show_options),
    ("show-window-options", options::show_window_options),
    ("source-file", client::source_file),
    ("split-window", pane::split),
    ("swap-pane", r#move::swap_pane),
    ("swap-window", r#move::swap_window),
    ("wait-for", script::wait_for),
    ("unbind-key", keys::unbind),
    ("start-server", session::start_server),
];

/// tmux's lookup (name, alias, unique prefix, with tmux's messages), then this host's `exec`.
pub fn find(name: &str) -> Result<Entry, String> {
    let spec = command::find(name)?;
    EXEC.iter()
        .find(|(name, _)| *name == spec.name)
        .map(|(_, exec)| Entry { spec, exec: *exec })
        .ok_or_else(|| format!("{}: not supported by this tmate", spec.name))
}

/// The commands this host implements, as the table has them (for completion).
pub fn implemented() -> impl Iterator<Item = &'static CommandSpec> {
    command::COMMANDS
        .iter()
        .filter(|spec| EXEC.iter().any(|(name, _)| *name == spec.name))
}

/// Install one default binding (`bind-key ...` words) at server start, before any client.
pub fn bind_default(state: &mut State, words: &[String]) {
    if let Some(rest) = words.get(1..)
        && let Ok(spec) = command::find("bind-key")
        && let Ok(args) = Args::parse(spec, rest)
    {
        let _ = keys::bind_args(state, &args);
    }
}

/// Run a command client's argv (`;` words separate commands; none means new-session).
pub fn run_line(
    shared: &Arc<Shared>,
    state: &mut State,
    client: &ClientInfo,
    argv: &[String],
) -> CmdResult {
    let default = ["new-session".to_string()];
    let argv = if argv.is_empty() { &default[..] } else { argv };
    run_list(shared, state, client, &command::split_commands(argv))
}

/// Run commands in order. Output accumulates; the first error stops the list, like tmux.
pub fn run_list(
    shared: &Arc<Shared>,
    state: &mut State,
    client: &ClientInfo,
    commands: &[Vec<String>],
) -> CmdResult {
    let ctx = Ctx { shared, client };
    let mut total = CmdResult::default();
    for (i, cmd) in commands.iter().enumerate() {
        let Some((name, rest)) = cmd.split_first() else {
            continue;
        };
        let r = match find(name).and_then(|e| Args::parse(e.spec, rest).map(|a| (e, a))) {
            Ok((entry, args)) => {
                let r = (entry.exec)(&ctx, state, &args);
                // The relay mirrors bindings and options (protocol spec 3.7): keep them for it.
                if r.code == 0 && entry.spec.has(flags::REPLICATED) {
                    state.tmate.record(args.to_words(entry.spec.name));
                }
                r
            }
            Err(e) => CmdResult::error(e),
        };
        total.out.push_str(&r.out);
        total.err.push_str(&r.err);
        total.kill_server |= r.kill_server;
        total.located |= r.located;
        if r.attach.is_some() {
            total.attach = r.attach;
        }
        if r.wait.is_some() {
            total.wait = r.wait;
        }
        // A nested list (if-shell -F) that is still running counts as this command's job.
        let job = r.deferred.or_else(|| {
            r.pending
                .map(|p| script::Deferred(Box::pin(async move { p.await.unwrap_or_default() })))
        });
        if let Some(job) = job {
            // The rest of the list runs after the job, like tmux's waiting queue item.
            let rest = commands.get(i + 1..).unwrap_or_default().to_vec();
            total.pending = Some(script::spawn(shared, client, job, rest));
            break;
        }
        if r.code != 0 {
            total.code = r.code;
            break;
        }
    }
    total
}

/// A resolved target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub session: u32,
    pub window: u32,
    pub pane: u32,
}

impl Target {
    pub fn fmt(self) -> crate::format::Ctx {
        crate::format::Ctx {
            session: self.session,
            window: self.window,
            pane: self.pane,
        }
    }
}

/// The current session: the client's own (inside a pane), else the most recently used.
pub fn current_session(ctx: &Ctx<'_>, state: &State) -> Option<u32> {
    if let Some((sid, _)) = ctx.client.pane.and_then(|p| state.locate_pane(p)) {
        return Some(sid);
    }
    state
        .sessions
        .values()
        .max_by_key(|s| (s.activity, s.id))
        .map(|s| s.id)
}

fn find_session(state: &State, name: &str) -> Option<u32> {
    let name = name.strip_prefix('=').unwrap_or(name);
    if let Some(id) = name.strip_prefix('$').and_then(|n| n.parse::<u32>().ok()) {
        return state.sessions.contains_key(&id).then_some(id);
    }
    if let Some(s) = state.sessions.values().find(|s| s.name == name) {
        return Some(s.id);
    }
    let pre: Vec<u32> = state
        .sessions
        .values()
        .filter(|s| s.name.starts_with(name))
        .map(|s| s.id)
        .collect();
    match pre.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

fn find_window(state: &State, sid: u32, spec: &str) -> Option<u32> {
    // `=N`: exact match only, which is all we do anyway.
    let spec = spec
        .strip_prefix('=')
        .filter(|s| !s.is_empty())
        .unwrap_or(spec);
    let s = state.sessions.get(&sid)?;
    match spec {
        "" => return Some(s.current),
        "!" => return s.last,
        "^" => return s.windows.keys().next().copied(),
        "$" => return s.windows.keys().next_back().copied(),
        "+" => return s.windows.range(s.current + 1..).next().map(|(i, _)| *i),
        "-" => return s.windows.range(..s.current).next_back().map(|(i, _)| *i),
        _ => {}
    }
    if let Some(id) = spec.strip_prefix('@').and_then(|n| n.parse::<u32>().ok()) {
        return s.windows.iter().find(|(_, w)| w.id == id).map(|(i, _)| *i);
    }
    if let Ok(idx) = spec.parse::<u32>() {
        return s.windows.contains_key(&idx).then_some(idx);
    }
    s.windows
        .keys()
        .copied()
        .find(|i| crate::format::window_name(state, sid, *i) == spec)
}

fn find_pane(state: &State, sid: u32, idx: u32, spec: &str) -> Option<u32> {
    let w = state.window(sid, idx)?;
    let ids = w.pane_ids();
    let pos = ids.iter().position(|p| *p == w.active)?;
    match spec {
        "" => Some(w.active),
        "!" => w.last,
        "+" => ids.get((pos + 1) % ids.len()).copied(),
        "-" => ids.get((pos + ids.len() - 1) % ids.len()).copied(),
        _ => {
            let base = usize::try_from(state.option_num(sid, idx, "pane-base-index")).unwrap_or(0);
            spec.parse::<usize>()
                .ok()
                .and_then(|i| i.checked_sub(base))
                .and_then(|i| ids.get(i).copied())
        }
    }
}

/// What a command's `-t` names, which decides how a bare word is read (tmux `CMD_FIND_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Find {
    Session,
    Window,
    Pane,
}

/// Resolve `-t` for a pane command.
pub fn resolve(ctx: &Ctx<'_>, state: &State, target: Option<&str>) -> Result<Target, String> {
    resolve_as(ctx, state, target, Find::Pane)
}

/// Resolve `-t` like tmux's `cmd_find_target`: `sess:win.pane`, `$id`, `@id`, `%id`; a bare
/// word is a session, window or pane by `find`.
pub fn resolve_as(
    ctx: &Ctx<'_>,
    state: &State,
    target: Option<&str>,
    find: Find,
) -> Result<Target, String> {
    let t = target.unwrap_or("");
    // `=`: the pane under the mouse, in a mouse binding.
    if t == "="
        && let Some(pane) = ctx.client.mouse.as_ref().and_then(|m| m.pane)
        && let Some((session, window)) = state.locate_pane(pane)
    {
        return Ok(Target {
            session,
            window,
            pane,
        });
    }
    let bare =
        !t.is_empty() && !t.contains(':') && !t.contains('.') && !t.starts_with(['$', '@', '%']);
    if bare && find != Find::Session {
        let session = current_session(ctx, state).ok_or("no current session")?;
        let own = ctx
            .client
            .pane
            .and_then(|p| state.locate_pane(p))
            .filter(|(s, _)| *s == session);
        let cur_window = own
            .map(|(_, w)| w)
            .or(state.sessions.get(&session).map(|s| s.current));
        // tmux falls back from pane to window to session (`cmd_find_get_pane`, `_window`).
        if find == Find::Pane
            && let Some(window) = cur_window
            && let Some(pane) = find_pane(state, session, window, t)
        {
            return Ok(Target {
                session,
                window,
                pane,
            });
        }
        if let Some(window) = find_window(state, session, t) {
            let pane = state
                .window(session, window)
                .map(|w| w.active)
                .ok_or("no pane")?;
            return Ok(Target {
                session,
                window,
                pane,
            });
        }
        let Some(found) = find_session(state, t) else {
            return Err(match find {
                Find::Pane => format!("can't find pane: {t}"),
                _ => format!("can't find window: {t}"),
            });
        };
        return resolve_as(ctx, state, Some(&format!("${found}")), Find::Session);
    }
    let err = || format!("can't find pane: {t}");
    if let Some(id) = t.strip_prefix('%').and_then(|n| n.parse::<u32>().ok()) {
        let (session, window) = state.locate_pane(id).ok_or_else(err)?;
        return Ok(Target {
            session,
            window,
            pane: id,
        });
    }
    if let Some(id) = t.strip_prefix('@').and_then(|n| n.parse::<u32>().ok()) {
        let (session, window) = state
            .locate_window(id)
            .ok_or_else(|| format!("can't find window: {t}"))?;
        let pane = state
            .window(session, window)
            .map(|w| w.active)
            .ok_or_else(err)?;
        return Ok(Target {
            session,
            window,
            pane,
        });
    }
    let (sess_part, rest) = match t.split_once(':') {
        Some((s, r)) => (Some(s), r),
        None if t.contains('.') => (None, t),
        None => (Some(t).filter(|s| !s.is_empty()), ""),
    };
    let session = match sess_part.filter(|s| !s.is_empty()) {
        Some(name) => match find_session(state, name) {
            Some(s) => s,
            // A bare word may be a window of the current session.
            None if !t.contains(':') => {
                let cur = current_session(ctx, state).ok_or("no current session")?;
                let w = find_window(state, cur, name)
                    .ok_or_else(|| format!("can't find session: {name}"))?;
                let pane = state.window(cur, w).map(|w| w.active).ok_or_else(err)?;
                return Ok(Target {
                    session: cur,
                    window: w,
                    pane,
                });
            }
            None => return Err(format!("can't find session: {name}")),
        },
        None => current_session(ctx, state).ok_or("no current session")?,
    };
    let (win_part, pane_part) = rest.split_once('.').unwrap_or((rest, ""));
    // Inside a pane with no explicit target, the client's own pane is the default.
    if t.is_empty()
        && let Some(p) = ctx.client.pane
        && let Some((s, w)) = state.locate_pane(p)
    {
        return Ok(Target {
            session: s,
            window: w,
            pane: p,
        });
    }
    let window = find_window(state, session, win_part)
        .ok_or_else(|| format!("can't find window: {win_part}"))?;
    // tmux names only the pane part it could not find.
    let pane = find_pane(state, session, window, pane_part)
        .ok_or_else(|| format!("can't find pane: {pane_part}"))?;
    Ok(Target {
        session,
        window,
        pane,
    })
}
