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

use std::collections::BTreeMap;
use std::sync::Arc;

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

pub struct Entry {
    pub name: &'static str,
    pub alias: Option<&'static str>,
    /// getopt string: a letter followed by `:` takes a value.
    pub spec: &'static str,
    pub exec: Exec,
}

pub const TABLE: &[Entry] = &[
    Entry {
        name: "attach-session",
        alias: Some("attach"),
        spec: "dErt:",
        exec: session::attach,
    },
    Entry {
        name: "bind-key",
        alias: Some("bind"),
        spec: "nrN:T:",
        exec: keys::bind,
    },
    Entry {
        name: "break-pane",
        alias: Some("breakp"),
        spec: "abdPF:n:s:t:",
        exec: r#move::break_pane,
    },
    Entry {
        name: "capture-pane",
        alias: Some("capturep"),
        spec: "ab:CeE:JNpPqS:t:",
        exec: buffer::capture,
    },
    Entry {
        name: "clear-history",
        alias: Some("clearhist"),
        spec: "t:",
        exec: buffer::clear_history,
    },
    Entry {
        name: "copy-mode",
        alias: None,
        spec: "eHMqs:t:u",
        exec: buffer::copy_mode,
    },
    Entry {
        name: "delete-buffer",
        alias: Some("deleteb"),
        spec: "b:",
        exec: buffer::delete_buffer,
    },
    Entry {
        name: "command-prompt",
        alias: None,
        spec: "1bFkiI:Np:t:T:",
        exec: prompt::command_prompt,
    },
    Entry {
        name: "confirm-before",
        alias: Some("confirm"),
        spec: "bp:t:",
        exec: prompt::confirm_before,
    },
    Entry {
        name: "detach-client",
        alias: Some("detach"),
        spec: "aPE:s:t:",
        exec: client::detach,
    },
    Entry {
        name: "display-message",
        alias: Some("display"),
        spec: "aINpvc:d:F:t:",
        exec: client::display,
    },
    Entry {
        name: "display-panes",
        alias: Some("displayp"),
        spec: "bd:Nt:",
        exec: prompt::display_panes,
    },
    Entry {
        name: "has-session",
        alias: Some("has"),
        spec: "t:",
        exec: session::has,
    },
    Entry {
        name: "if-shell",
        alias: Some("if"),
        spec: "bFt:",
        exec: script::if_shell,
    },
    Entry {
        name: "join-pane",
        alias: Some("joinp"),
        spec: "bdfhvp:l:s:t:",
        exec: r#move::join_pane,
    },
    Entry {
        name: "kill-pane",
        alias: Some("killp"),
        spec: "at:",
        exec: pane::kill,
    },
    Entry {
        name: "kill-server",
        alias: None,
        spec: "",
        exec: session::kill_server,
    },
    Entry {
        name: "kill-session",
        alias: None,
        spec: "aCt:",
        exec: session::kill,
    },
    Entry {
        name: "kill-window",
        alias: Some("killw"),
        spec: "at:",
        exec: r#move::kill_window,
    },
    Entry {
        name: "last-pane",
        alias: Some("lastp"),
        spec: "deZt:",
        exec: layout::last_pane,
    },
    Entry {
        name: "last-window",
        alias: Some("last"),
        spec: "t:",
        exec: window::last,
    },
    Entry {
        name: "list-buffers",
        alias: Some("lsb"),
        spec: "F:f:",
        exec: buffer::list_buffers,
    },
    Entry {
        name: "list-keys",
        alias: Some("lsk"),
        spec: "1aNP:T:",
        exec: keys::list,
    },
    Entry {
        name: "list-panes",
        alias: Some("lsp"),
        spec: "asF:f:t:",
        exec: pane::list,
    },
    Entry {
        name: "list-sessions",
        alias: Some("ls"),
        spec: "F:f:",
        exec: session::list,
    },
    Entry {
        name: "list-windows",
        alias: Some("lsw"),
        spec: "aF:f:t:",
        exec: window::list,
    },
    Entry {
        name: "load-buffer",
        alias: Some("loadb"),
        spec: "b:t:w",
        exec: buffer::load_buffer,
    },
    Entry {
        name: "move-pane",
        alias: Some("movep"),
        spec: "bdfhvp:l:s:t:",
        exec: r#move::join_pane,
    },
    Entry {
        name: "move-window",
        alias: Some("movew"),
        spec: "abdkrs:t:",
        exec: r#move::move_window,
    },
    Entry {
        name: "new-session",
        alias: Some("new"),
        spec: "AdDEPXc:e:F:f:n:s:t:x:y:",
        exec: session::new,
    },
    Entry {
        name: "new-window",
        alias: Some("neww"),
        spec: "abdkPSc:e:F:n:t:",
        exec: window::new,
    },
    Entry {
        name: "next-layout",
        alias: Some("nextl"),
        spec: "t:",
        exec: layout::next_layout,
    },
    Entry {
        name: "next-window",
        alias: Some("next"),
        spec: "at:",
        exec: window::next,
    },
    Entry {
        name: "paste-buffer",
        alias: Some("pasteb"),
        spec: "db:prs:t:",
        exec: buffer::paste_buffer,
    },
    Entry {
        name: "previous-layout",
        alias: Some("prevl"),
        spec: "t:",
        exec: layout::previous_layout,
    },
    Entry {
        name: "previous-window",
        alias: Some("prev"),
        spec: "at:",
        exec: window::previous,
    },
    Entry {
        name: "refresh-client",
        alias: Some("refresh"),
        spec: "A:B:cC:Df:F:l:LRSt:U",
        exec: script::refresh_client,
    },
    Entry {
        name: "rename-session",
        alias: Some("rename"),
        spec: "t:",
        exec: session::rename,
    },
    Entry {
        name: "rename-window",
        alias: Some("renamew"),
        spec: "t:",
        exec: window::rename,
    },
    Entry {
        name: "resize-pane",
        alias: Some("resizep"),
        spec: "DLMRTt:Ux:y:Z",
        exec: layout::resize_pane,
    },
    Entry {
        name: "respawn-pane",
        alias: Some("respawnp"),
        spec: "c:e:kt:",
        exec: respawn::respawn_pane,
    },
    Entry {
        name: "respawn-window",
        alias: Some("respawnw"),
        spec: "c:e:kt:",
        exec: respawn::respawn_window,
    },
    Entry {
        name: "rotate-window",
        alias: Some("rotatew"),
        spec: "Dt:UZ",
        exec: r#move::rotate_window,
    },
    Entry {
        name: "run-shell",
        alias: Some("run"),
        spec: "bd:Ct:",
        exec: script::run_shell,
    },
    Entry {
        name: "save-buffer",
        alias: Some("saveb"),
        spec: "ab:",
        exec: buffer::save_buffer,
    },
    Entry {
        name: "select-layout",
        alias: Some("selectl"),
        spec: "Enopt:",
        exec: layout::select_layout,
    },
    Entry {
        name: "select-pane",
        alias: Some("selectp"),
        spec: "DdegLlMmRUZT:t:",
        exec: pane::select,
    },
    Entry {
        name: "select-window",
        alias: Some("selectw"),
        spec: "lnpTt:",
        exec: window::select,
    },
    Entry {
        name: "send-keys",
        alias: Some("send"),
        spec: "FHlMRXN:t:",
        exec: pane::send_keys,
    },
    Entry {
        name: "send-prefix",
        alias: None,
        spec: "2t:",
        exec: keys::send_prefix,
    },
    Entry {
        name: "set-buffer",
        alias: Some("setb"),
        spec: "ab:t:n:w",
        exec: buffer::set_buffer,
    },
    Entry {
        name: "set-option",
        alias: Some("set"),
        spec: "aFgopqst:uUw",
        exec: options::set_option,
    },
    Entry {
        name: "set-window-option",
        alias: Some("setw"),
        spec: "aFgoqt:u",
        exec: options::set_window_option,
    },
    Entry {
        name: "show-buffer",
        alias: Some("showb"),
        spec: "b:",
        exec: buffer::show_buffer,
    },
    Entry {
        name: "show-messages",
        alias: Some("showmsgs"),
        spec: "JTt:",
        exec: client::show_messages,
    },
    Entry {
        name: "show-options",
        alias: Some("show"),
        spec: "AgHpqst:vw",
        exec: options::show_options,
    },
    Entry {
        name: "show-window-options",
        alias: Some("showw"),
        spec: "gvt:",
        exec: options::show_window_options,
    },
    Entry {
        name: "source-file",
        alias: Some("source"),
        spec: "Fnqv",
        exec: client::source_file,
    },
    Entry {
        name: "split-window",
        alias: Some("splitw"),
        spec: "bc:de:fF:hIl:p:Pt:vZ",
        exec: pane::split,
    },
    Entry {
        name: "swap-pane",
        alias: Some("swapp"),
        spec: "dDs:t:UZ",
        exec: r#move::swap_pane,
    },
    Entry {
        name: "swap-window",
        alias: Some("swapw"),
        spec: "ds:t:",
        exec: r#move::swap_window,
    },
    Entry {
        name: "wait-for",
        alias: Some("wait"),
        spec: "LSU",
        exec: script::wait_for,
    },
    Entry {
        name: "unbind-key",
        alias: Some("unbind"),
        spec: "anqT:",
        exec: keys::unbind,
    },
];

/// tmux's lookup: exact name or alias, else a unique prefix.
pub fn find(name: &str) -> Result<&'static Entry, String> {
    if let Some(e) = TABLE
        .iter()
        .find(|e| e.name == name || e.alias == Some(name))
    {
        return Ok(e);
    }
    let matches: Vec<&Entry> = TABLE.iter().filter(|e| e.name.starts_with(name)).collect();
    match matches.as_slice() {
        [one] => Ok(one),
        [] => Err(format!("unknown command: {name}")),
        _ => Err(format!("ambiguous command: {name}")),
    }
}

#[derive(Debug, Default)]
pub struct Args {
    pub flags: BTreeMap<char, Option<String>>,
    pub rest: Vec<String>,
}

impl Args {
    pub fn has(&self, c: char) -> bool {
        self.flags.contains_key(&c)
    }
    pub fn get(&self, c: char) -> Option<&str> {
        self.flags.get(&c).and_then(|v| v.as_deref())
    }

    /// getopt(3) as tmux uses it: flags until the first non-flag word or `--`.
    pub fn parse(spec: &str, argv: &[String]) -> Result<Args, String> {
        let mut args = Args::default();
        let mut i = 0;
        while let Some(word) = argv.get(i) {
            if word == "--" {
                i += 1;
                break;
            }
            let Some(letters) = word.strip_prefix('-').filter(|l| !l.is_empty()) else {
                break;
            };
            let chars = letters.char_indices();
            for (pos, c) in chars {
                let Some(at) = spec.find(c) else {
                    return Err(format!("unknown flag -{c}"));
                };
                if spec.get(at + 1..at + 2) == Some(":") {
                    let inline = letters.get(pos + c.len_utf8()..).unwrap_or_default();
                    let value = if inline.is_empty() {
                        i += 1;
                        argv.get(i)
                            .cloned()
                            .ok_or_else(|| format!("-{c} expects an argument"))?
                    } else {
                        inline.to_string()
                    };
                    args.flags.insert(c, Some(value));
                    break;
                }
                args.flags.insert(c, None);
            }
            i += 1;
        }
        args.rest = argv.get(i..).unwrap_or_default().to_vec();
        Ok(args)
    }
}

/// Install one default binding (`bind-key ...` words) at server start, before any client.
pub fn bind_default(state: &mut State, words: &[String]) {
    if let Some(rest) = words.get(1..)
        && let Ok(args) = Args::parse("nrN:T:", rest)
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
    run_list(shared, state, client, &crate::parse::split_arguments(argv))
}

/// Commands whose successful runs are replayed to the relay as EXEC_CMD.
const REPLICATED: &[&str] = &["bind-key", "unbind-key", "set-option", "set-window-option"];

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
                if r.code == 0 && REPLICATED.contains(&entry.name) {
                    let mut argv = vec![entry.name.to_string()];
                    for (flag, value) in &args.flags {
                        argv.push(format!("-{flag}"));
                        argv.extend(value.clone());
                    }
                    argv.extend(args.rest.iter().cloned());
                    state.tmate.record(argv);
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
