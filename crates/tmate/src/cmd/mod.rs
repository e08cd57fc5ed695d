//! The host's half of the command table (tmux `cmd.c`): each entry of the shared table
//! (`tmate_proto::command`) paired with its `exec`, `;`-separated command lists, and the `-t`
//! target resolved (`target.rs`) before a command's `exec` runs. One file per command group.

mod buffer;
mod choose;
mod client;
mod environment;
mod keys;
mod layout;
mod link;
mod listing;
pub(crate) mod lock;
mod modes;

pub use listing::{client_flags, client_vars};
mod r#move;
mod options;
mod pane;
mod popup;
mod prompt;
mod respawn;
mod script;
mod session;
mod target;
mod window;

pub use client::current_client;
pub use keys::{synchronized_panes, write_key};
use r#move::index_target;
pub use target::{Find, Target};

use std::sync::Arc;

pub use tmate_proto::command::Args;
use tmate_proto::command::{self, CommandSpec, TargetKind, flags};

use crate::server::{ClientInfo, Shared};
use crate::state::State;

#[derive(Debug, Default)]
pub struct CmdResult {
    pub out: String,
    pub err: String,
    pub code: u8,
    /// Attach the client to this session after the command.
    pub attach: Option<u32>,
    /// The attaching client's flags (`attach -r`, `-f`): tmux's `server_client_set_flags` list.
    pub attach_flags: String,
    pub kill_server: bool,
    /// `err` lines already name their file and line (source-file).
    pub located: bool,
    /// A failure that makes the client's exit status but stops nothing after it (source-file
    /// whose files had errors, as in tmux, where they are errors of the files' commands).
    pub keep_going: bool,
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

/// What a command's `exec` returns: its output, or the error tmux would print (`can't find
/// pane: 3`); `run_list` turns an error into the command client's stderr and exit code 1.
pub type CmdOutcome = Result<CmdResult, String>;

/// A command's printed output (`list-*`, `show-*`, `display -p`).
pub fn output(out: String) -> CmdOutcome {
    Ok(CmdResult {
        out,
        ..CmdResult::default()
    })
}

/// A command's error, for `return fail(...)` where `?` does not fit.
pub fn fail<T>(msg: impl Into<String>) -> Result<T, String> {
    Err(msg.into())
}

pub struct Ctx<'a> {
    pub shared: &'a Arc<Shared>,
    pub client: &'a ClientInfo,
}

/// A command's `exec`: on the target its `-t` names, resolved by the table's target kind before
/// it runs (as tmux's queue resolves `cmd_entry.target` before `exec`), or on its arguments alone
/// (commands without a target, or whose `-t` is a destination that may not exist yet).
#[derive(Clone, Copy)]
pub enum Exec {
    OnTarget(fn(&Ctx<'_>, &mut State, &Args, Target) -> CmdOutcome),
    /// As `OnTarget` for commands whose target may be missing (`flags::TARGET_CAN_FAIL`):
    /// `None` when `-t` is not given and there is no current one.
    MaybeOnTarget(fn(&Ctx<'_>, &mut State, &Args, Option<Target>) -> CmdOutcome),
    Plain(fn(&Ctx<'_>, &mut State, &Args) -> CmdOutcome),
}

use Exec::{MaybeOnTarget, OnTarget, Plain};

impl Entry {
    /// Resolve the target (if the command runs on one), then run the command.
    fn run(&self, ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
        match self.exec {
            Plain(exec) => exec(ctx, state, args),
            OnTarget(exec) => {
                let target = resolve_as(ctx, state, args.get('t'), self.find())?;
                exec(ctx, state, args, target)
            }
            MaybeOnTarget(exec) => {
                let target = match resolve_as(ctx, state, args.get('t'), self.find()) {
                    Ok(t) => Some(t),
                    // tmux's CMD_FIND_CANFAIL is quiet too: a `-t` that names nothing (a
                    // missing pane, `~` with no marked pane) leaves the command without one,
                    // and an ambiguous name with its first match.
                    Err(_) if self.spec.has(flags::TARGET_CAN_FAIL) => {
                        target::resolve_leniently(ctx.client, state, args.get('t'), self.find())
                            .ok()
                    }
                    Err(e) => return Err(e),
                };
                exec(ctx, state, args, target)
            }
        }
    }

    /// How `-t` is read for this command: by the table's target kind.
    fn find(&self) -> Find {
        match self.spec.target {
            TargetKind::Session => Find::Session,
            TargetKind::Window => Find::Window,
            TargetKind::Pane | TargetKind::Client | TargetKind::None => Find::Pane,
        }
    }
}

/// A command the host runs: its place in the shared table (`tmate_proto::command`: alias,
/// getopt, bounds, usage, flags) and its `exec`.
#[derive(Clone, Copy)]
pub struct Entry {
    pub spec: &'static CommandSpec,
    pub exec: Exec,
}

/// The host's `exec` of each command it implements, by the table's name.
const EXEC: &[(&str, Exec)] = &[
    ("attach-session", Plain(session::attach)),
    ("bind-key", Plain(keys::bind)),
    ("break-pane", Plain(r#move::break_pane)),
    ("capture-pane", OnTarget(buffer::capture)),
    ("choose-buffer", OnTarget(choose::choose_buffer)),
    ("choose-client", OnTarget(choose::choose_client)),
    ("choose-session", Plain(choose::choose_session)),
    ("choose-tree", OnTarget(choose::choose_tree)),
    ("choose-window", Plain(choose::choose_window)),
    ("customize-mode", OnTarget(choose::customize_mode)),
    ("find-window", OnTarget(choose::find_window)),
    ("switch-client", Plain(choose::switch_client)),
    ("clear-history", OnTarget(buffer::clear_history)),
    ("clock-mode", OnTarget(modes::clock_mode)),
    ("copy-mode", OnTarget(buffer::copy_mode)),
    ("delete-buffer", Plain(buffer::delete_buffer)),
    ("command-prompt", Plain(prompt::command_prompt)),
    ("confirm-before", Plain(prompt::confirm_before)),
    ("detach-client", Plain(client::detach)),
    ("display-menu", OnTarget(modes::display_menu)),
    ("display-popup", OnTarget(popup::display_popup)),
    ("display-message", MaybeOnTarget(client::display)),
    ("display-panes", Plain(prompt::display_panes)),
    ("has-session", Plain(session::has)),
    ("set-environment", Plain(environment::set_environment)),
    ("set-hook", Plain(options::set_hook)),
    ("show-hooks", Plain(options::show_hooks)),
    ("show-environment", Plain(environment::show_environment)),
    ("if-shell", MaybeOnTarget(script::if_shell)),
    ("join-pane", Plain(r#move::join_pane)),
    ("kill-pane", OnTarget(pane::kill)),
    ("kill-server", Plain(session::kill_server)),
    ("kill-session", OnTarget(session::kill)),
    ("kill-window", OnTarget(r#move::kill_window)),
    ("last-pane", OnTarget(layout::last_pane)),
    ("last-window", OnTarget(window::last)),
    ("link-window", Plain(link::link_window)),
    ("list-buffers", Plain(buffer::list_buffers)),
    ("list-keys", Plain(keys::list)),
    ("list-clients", Plain(listing::list_clients)),
    ("list-commands", Plain(listing::list_commands)),
    ("show-prompt-history", Plain(prompt::show_prompt_history)),
    ("clear-prompt-history", Plain(prompt::clear_prompt_history)),
    ("list-panes", Plain(pane::list)),
    ("list-sessions", Plain(session::list)),
    ("list-windows", Plain(window::list)),
    ("lock-client", Plain(lock::lock_client)),
    ("lock-server", Plain(lock::lock_server)),
    ("lock-session", OnTarget(lock::lock_session)),
    ("load-buffer", Plain(buffer::load_buffer)),
    ("move-pane", Plain(r#move::join_pane)),
    ("move-window", Plain(r#move::move_window)),
    ("new-session", Plain(session::new)),
    ("new-window", Plain(window::new)),
    ("next-layout", Plain(layout::next_layout)),
    ("next-window", Plain(window::next)),
    ("paste-buffer", OnTarget(buffer::paste_buffer)),
    ("pipe-pane", OnTarget(modes::pipe_pane)),
    ("previous-layout", Plain(layout::previous_layout)),
    ("previous-window", Plain(window::previous)),
    ("refresh-client", Plain(script::refresh_client)),
    ("rename-session", OnTarget(session::rename)),
    ("rename-window", OnTarget(window::rename)),
    ("resize-pane", OnTarget(layout::resize_pane)),
    ("resize-window", OnTarget(layout::resize_window)),
    ("respawn-pane", OnTarget(respawn::respawn_pane)),
    ("respawn-window", OnTarget(respawn::respawn_window)),
    ("rotate-window", OnTarget(r#move::rotate_window)),
    ("run-shell", MaybeOnTarget(script::run_shell)),
    ("save-buffer", Plain(buffer::save_buffer)),
    ("select-layout", OnTarget(layout::select_layout)),
    ("select-pane", OnTarget(pane::select)),
    ("select-window", Plain(window::select)),
    ("send-keys", OnTarget(pane::send_keys)),
    ("send-prefix", OnTarget(keys::send_prefix)),
    ("set-buffer", Plain(buffer::set_buffer)),
    ("set-option", Plain(options::set_option)),
    ("set-window-option", Plain(options::set_window_option)),
    ("show-buffer", Plain(buffer::show_buffer)),
    ("show-messages", Plain(client::show_messages)),
    ("show-options", Plain(options::show_options)),
    ("show-window-options", Plain(options::show_window_options)),
    ("source-file", Plain(client::source_file)),
    ("split-window", OnTarget(pane::split)),
    ("suspend-client", Plain(lock::suspend_client)),
    ("swap-pane", Plain(r#move::swap_pane)),
    ("swap-window", Plain(r#move::swap_window)),
    ("wait-for", Plain(script::wait_for)),
    ("unbind-key", Plain(keys::unbind)),
    ("unlink-window", OnTarget(link::unlink_window)),
    ("start-server", Plain(session::start_server)),
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

/// Install one default binding (`bind-key ...` words) on a fresh state: how the texts
/// become `bindings_table` (checked by its test).
#[cfg(test)]
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
    let commands = command::split_commands(argv);
    // tmux builds the client's whole list before running any of it (a bad command anywhere
    // is the only error).
    if let Err(e) = expand_aliases(state, &commands).and_then(|c| check_list(&c, 0)) {
        return CmdResult::error(e);
    }
    run_list(shared, state, client, &commands)
}

/// tmux 3.3a's `command-alias`: a command named by an alias (`NAME=COMMANDS`) becomes the
/// alias's commands with its own arguments appended to the last one; the alias's commands are
/// not expanded again (tmux parses them with CMD_PARSE_NOALIAS). An alias that does not parse
/// is the command's error.
pub fn expand_aliases(state: &State, commands: &[Vec<String>]) -> Result<Vec<Vec<String>>, String> {
    // Read in place: every default binding comes through here at server start, and building
    // the alias table for each was a third of the server's start-up instructions.
    let aliases = state
        .options
        .get(crate::options::Scope::Server, "command-alias")
        .unwrap_or_default();
    let mut out = Vec::with_capacity(commands.len());
    for words in commands {
        let alias = words.first().and_then(|name| {
            crate::options::array_values(aliases).find_map(|item| {
                item.split_once('=')
                    .filter(|(alias, _)| alias == name)
                    .map(|(_, value)| value)
            })
        });
        let Some(value) = alias else {
            out.push(words.clone());
            continue;
        };
        let mut expanded: Vec<Vec<String>> = crate::parse::parse_line(value)?
            .iter()
            .flat_map(|line| command::split_commands(line))
            .filter(|c| !c.is_empty())
            .collect();
        if let Some(last) = expanded.last_mut() {
            last.extend(words.iter().skip(1).cloned());
        }
        out.extend(expanded);
    }
    Ok(out)
}

/// Each command of a list checked as tmux builds a parsed list (`cmd_parse_build_commands`):
/// a command's `{ }` blocks first, depth first, then its name, flags and arguments.
pub fn check_list(commands: &[Vec<String>], depth: usize) -> Result<(), String> {
    for argv in commands {
        if depth < tmate_proto::cmdline::MAX_BLOCK_DEPTH {
            for word in argv {
                if let Some(inner) = tmate_proto::cmdline::block_text(word) {
                    // A block's words are stored quoted: nothing to look up.
                    let inner = tmate_proto::cmdline::parse_line(inner, &|_| None)?;
                    check_list(&inner, depth + 1)?;
                }
            }
        }
        if let Some((name, rest)) = argv.split_first() {
            command::find(name).and_then(|spec| Args::parse(spec, rest))?;
        }
    }
    Ok(())
}

/// A command about to run, in the message log as tmux 3.3a's `cmdq_add_message` puts it:
/// `CLIENT key KEY: COMMAND` for a binding, `CLIENT command: COMMAND`, or `command:
/// COMMAND` with no client (hooks and jobs of the server's own).
fn log_command(state: &mut State, client: &ClientInfo, words: &[String]) {
    let line = crate::bindings::print_commands(std::slice::from_ref(&words.to_vec()));
    let text = match (state.client_log_name(client), client.key) {
        (Some(name), Some(key)) if client.attached.is_some() => {
            format!("{name} key {}: {line}", key.name())
        }
        (Some(name), _) => format!("{name} command: {line}"),
        (None, _) => format!("command: {line}"),
    };
    state.log_message(text);
}

/// Run commands in order. Output accumulates; an error stops the rest of its group (the
/// whole list when it has no group breaks), like tmux.
pub fn run_list(
    shared: &Arc<Shared>,
    state: &mut State,
    client: &ClientInfo,
    commands: &[Vec<String>],
) -> CmdResult {
    let ctx = Ctx { shared, client };
    let commands = match expand_aliases(state, commands) {
        Ok(c) => c,
        Err(e) => return CmdResult::error(e),
    };
    let commands = &commands[..];
    let mut total = CmdResult::default();
    // After an error the rest of its group is skipped; the next group (after an empty
    // command, tmux's group break) runs (tmux `cmdq_remove_group`).
    let mut skipping = false;
    for (i, cmd) in commands.iter().enumerate() {
        let Some((name, rest)) = cmd.split_first() else {
            skipping = false;
            continue;
        };
        if skipping {
            continue;
        }
        let r = match find(name).and_then(|e| Args::parse(e.spec, rest).map(|a| (e, a))) {
            Ok((entry, args)) => {
                if state.config_finished {
                    log_command(state, client, &args.to_words(entry.spec.name));
                }
                // Its formats see the command's name and the client a binding runs for.
                let mut r = crate::format::with_client(ctx.client.attached, || {
                    crate::format::with_command(entry.spec.name, || entry.run(&ctx, state, &args))
                })
                .unwrap_or_else(CmdResult::error);
                // The relay mirrors bindings and options (protocol spec 3.7): keep them for it.
                if r.code == 0 && entry.spec.has(flags::REPLICATED) {
                    // Blocks go as command strings, which tmate 2.4's relay reads.
                    let words = args.to_words(entry.spec.name);
                    let words = words.iter().map(|w| tmate_proto::cmdline::plain_word(w));
                    state.tmate.record(words.collect());
                }
                if r.code == 0 && r.deferred.is_none() && r.pending.is_none() {
                    let target = resolve_as(&ctx, state, args.get('t'), entry.find()).ok();
                    let h = crate::hooks::after(&ctx, state, entry.spec.name, target);
                    r.out.push_str(&h.out);
                    r.err.push_str(&h.err);
                    r.code = h.code;
                }
                state.hooks.created = None;
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
            total.attach_flags = r.attach_flags;
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
            skipping = !r.keep_going;
        }
    }
    // Notifications the list raised run once it is done (tmux queues them after it).
    crate::hooks::drain(shared, state);
    total
}

/// `target::resolve` for a command's context.
pub fn resolve(ctx: &Ctx<'_>, state: &State, target: Option<&str>) -> Result<Target, String> {
    target::resolve(ctx.client, state, target)
}

/// `target::resolve_as` for a command's context.
pub fn resolve_as(
    ctx: &Ctx<'_>,
    state: &State,
    target: Option<&str>,
    find: Find,
) -> Result<Target, String> {
    target::resolve_as(ctx.client, state, target, find)
}

/// `target::resolve_source` for a command's context: `-s` defaulting to the marked pane.
pub fn resolve_source(
    ctx: &Ctx<'_>,
    state: &State,
    target: Option<&str>,
    find: Find,
) -> Result<Target, String> {
    target::resolve_source(ctx.client, state, target, find)
}

/// `target::current_session` for a command's context.
pub fn current_session(ctx: &Ctx<'_>, state: &State) -> Option<u32> {
    target::current_session(ctx.client, state)
}
