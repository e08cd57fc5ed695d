//! Running hooks as tmux 3.3a does (`cmdq_insert_hook`, `notify.c`): `after-<command>` right
//! after a command that succeeded, on its target; notifications (session-created,
//! pane-exited...) queued by the model and run once the command that raised them is done.
//! Hooks are array options (`crate::options`, set by `set-hook`); their commands go through
//! `cmd::run_list` like any other, with `#{hook}` and `#{hook_*}` set, and never fire hooks or
//! raise notifications themselves (tmux's `CMDQ_STATE_NOHOOKS`), so a hook cannot loop.

use std::collections::VecDeque;
use std::sync::Arc;

use crate::cmd::{CmdResult, Ctx, Target};
use crate::server::{ClientInfo, Shared};
use crate::state::State;

/// Notifications waiting to run; more are dropped (a burst of commands cannot grow us).
const MAX_QUEUED: usize = 256;

/// What the model raised: the hook's name and the objects it is about (tmux's
/// `notify_entry`). Windows are by id, sessions by id, panes by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub name: &'static str,
    pub session: Option<u32>,
    pub window: Option<u32>,
    pub pane: Option<u32>,
    /// The session's and window's names when raised (they may be gone when it runs).
    pub session_name: Option<String>,
    pub window_name: Option<String>,
    /// The client's name, for the client-* notifications (`#{hook_client}`).
    pub client: Option<String>,
    /// The index the window was at when raised (its current one, else its lowest), as tmux
    /// keeps the winlink: the hook runs there while that index still shows the window.
    pub link: Option<u32>,
}

impl Notification {
    pub fn new(name: &'static str) -> Notification {
        Notification {
            name,
            session: None,
            window: None,
            pane: None,
            session_name: None,
            window_name: None,
            client: None,
            link: None,
        }
    }
}

/// The hooks' part of the model.
#[derive(Debug, Default)]
pub struct Hooks {
    /// While a hook's commands run: its `#{hook}`/`#{hook_*}` variables. Set means no
    /// further hooks fire and no notifications are queued.
    pub running: Option<Vec<(&'static str, String)>>,
    /// Raised and not yet run.
    pub queue: VecDeque<Notification>,
    /// The window or pane a command just made (new-window, split-window, new-session): its
    /// `after-` hook runs there, as tmux's commands set their hook's target.
    pub created: Option<Target>,
}

impl State {
    /// Queue a notification unless a hook is running (tmux's `notify_add` with NOHOOKS).
    pub fn notify_hook(&mut self, n: Notification) {
        if self.hooks.running.is_none() && self.hooks.queue.len() < MAX_QUEUED {
            self.hooks.queue.push_back(n);
        }
    }

    /// A notification about a session (its name kept for when it runs).
    pub fn notify_session(&mut self, name: &'static str, sid: u32) {
        let mut n = Notification::new(name);
        n.session = Some(sid);
        n.session_name = self.sessions.get(&sid).map(|s| s.name.clone());
        self.notify_hook(n);
    }

    /// A notification about a client of a session (client-attached, -detached, -resized).
    pub fn notify_client(&mut self, name: &'static str, sid: u32, client: u32) {
        let mut n = Notification::new(name);
        n.session = Some(sid);
        n.session_name = self.sessions.get(&sid).map(|s| s.name.clone());
        n.client = self.clients.get(&client).map(|c| c.name.clone());
        self.notify_hook(n);
    }

    /// A notification about a window of a session (by index), or one of its panes.
    pub fn notify_window(&mut self, name: &'static str, sid: u32, idx: u32, pane: Option<u32>) {
        let mut n = self.window_notification(name, sid, idx);
        n.pane = pane;
        self.notify_hook(n);
    }

    /// [`State::notify_window`]'s notification, not queued yet.
    pub fn window_notification(&self, name: &'static str, sid: u32, idx: u32) -> Notification {
        let mut n = Notification::new(name);
        n.session = Some(sid);
        n.session_name = self.sessions.get(&sid).map(|s| s.name.clone());
        n.window = self.window(sid, idx).map(|w| w.id);
        n.window_name = Some(crate::format::window_name(self, sid, idx));
        n.link = self.sessions.get(&sid).zip(n.window).and_then(|(s, wid)| {
            let at = s.windows.indexes_of(wid);
            at.contains(&s.current)
                .then_some(s.current)
                .or_else(|| at.first().copied())
        });
        n
    }
}

/// A `#{hook...}` format variable while a hook runs ("" otherwise).
pub fn format_var(state: &State, name: &str) -> Option<String> {
    let vars = state.hooks.running.as_ref()?;
    Some(
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default(),
    )
}

/// A hook's command lists: its items in index order, parsed back from their printed form.
fn hook_commands(state: &State, target: Option<Target>, name: &str) -> Vec<Vec<String>> {
    let window_hook =
        crate::options::lookup(name).is_ok_and(|d| d.scope == crate::options::Scope::Window);
    let value = match target {
        // tmux `notify_insert_hook`: a window or pane hook from the pane's options, whose
        // parents are its window's and the global window options.
        Some(t) if window_hook => state.pane_option(t.pane, name),
        Some(t) => state.option(t.session, t.window, name),
        None => {
            let scope =
                crate::options::lookup(name).map_or(crate::options::Scope::Session, |d| d.scope);
            state
                .options
                .get(scope, name)
                .unwrap_or_default()
                .to_string()
        }
    };
    crate::options::array_items(&value)
        .values()
        .filter_map(|text| crate::parse::parse_line_in(&state.environ, text).ok())
        .flatten()
        .flat_map(|line| tmate_proto::command::split_commands(&line))
        .collect()
}

/// Run hook `name`'s commands on `target` with these format variables; their output.
fn run(
    shared: &Arc<Shared>,
    state: &mut State,
    client: &ClientInfo,
    name: &str,
    target: Option<Target>,
    vars: Vec<(&'static str, String)>,
) -> CmdResult {
    let commands = hook_commands(state, target, name);
    if commands.is_empty() || state.hooks.running.is_some() {
        return CmdResult::default();
    }
    let mut client = client.clone();
    // The hook's current target is the command's (or notification's) target.
    if let Some(t) = target {
        client.pane = Some(t.pane);
    }
    let saved = state.hooks.running.replace(vars);
    let r = crate::cmd::run_list(shared, state, &client, &commands);
    state.hooks.running = saved;
    r
}

/// `after-<command>` for a command that succeeded (tmux `cmdq_fire_command`): on what it made,
/// else its target, else the client's current one. Its output goes to the command's client.
pub fn after(ctx: &Ctx<'_>, state: &mut State, command: &str, target: Option<Target>) -> CmdResult {
    let created = state.hooks.created.take();
    if state.hooks.running.is_some() {
        return CmdResult::default();
    }
    let name = format!("after-{command}");
    let is_hook = crate::options::lookup(&name)
        .is_ok_and(|d| d.name == name && d.kind == crate::options::Kind::Hook);
    if !is_hook {
        return CmdResult::default();
    }
    let target = created
        .or(target)
        .filter(|t| state.panes.contains_key(&t.pane))
        .or_else(|| crate::cmd::resolve(ctx, state, None).ok());
    let vars = vec![("hook", name.clone())];
    run(ctx.shared, state, ctx.client, &name, target, vars)
}

/// `set-hook -R`: run a hook now, on the command's target.
pub fn run_now(ctx: &Ctx<'_>, state: &mut State, name: &'static str, target: Option<Target>) {
    let vars = vec![("hook", name.to_string())];
    run(ctx.shared, state, ctx.client, name, target, vars);
}

/// Run the queued notifications' hooks (tmux runs them from the global queue, without a
/// client: their output goes nowhere). Called when a command list is done and where the
/// model changes outside commands (a pane's program ending, clients attaching).
pub fn drain(shared: &Arc<Shared>, state: &mut State) {
    if state.hooks.running.is_some() {
        return;
    }
    state.take_titles_set(true);
    let ran = !state.hooks.queue.is_empty();
    while let Some(n) = state.hooks.queue.pop_front() {
        let target = notification_target(state, &n);
        let mut vars = vec![("hook", n.name.to_string())];
        // tmux's client notifications carry no session of their own (it is only where their
        // hook runs).
        if let Some(sid) = n.session.filter(|_| n.client.is_none()) {
            vars.push(("hook_session", format!("${sid}")));
            vars.push((
                "hook_session_name",
                n.session_name.clone().unwrap_or_default(),
            ));
        }
        if let Some(wid) = n.window {
            vars.push(("hook_window", format!("@{wid}")));
            vars.push((
                "hook_window_name",
                n.window_name.clone().unwrap_or_default(),
            ));
        }
        if let Some(pane) = n.pane {
            vars.push(("hook_pane", format!("%{pane}")));
        }
        if let Some(client) = &n.client {
            vars.push(("hook_client", client.clone()));
        }
        let client = ClientInfo::default();
        let r = run(shared, state, &client, n.name, target, vars);
        // tmux 3.3a's `cmdq_error` with no client: a config cause named by the command's
        // source, which for a hook's string is none (glibc prints the null file as
        // `(null)`, line 0); shown by the next new-session.
        for line in r.err.lines() {
            if state.hook_causes.len() < crate::state::MAX_HOOK_CAUSES {
                state.hook_causes.push(format!("(null):0: {line}"));
            }
        }
    }
    if ran {
        // Titles the hooks' commands set raise nothing (tmux's NOHOOKS).
        state.take_titles_set(false);
    }
}

/// Where a notification's hook runs: its pane, else its window's active pane, else its
/// session's current pane (whichever still exists).
fn notification_target(state: &State, n: &Notification) -> Option<Target> {
    let at = |pane: u32| {
        state.locate_pane(pane).map(|(session, window)| Target {
            session,
            window,
            pane,
        })
    };
    // A window raised at an index that no longer shows it: tmux's winlink is gone, so the
    // hook runs in the session's current window.
    let window = match (n.session, n.link, n.window) {
        (Some(sid), Some(idx), Some(wid)) => state.window(sid, idx).filter(|w| w.id == wid),
        _ => n
            .window
            .and_then(|wid| state.locate_window(wid))
            .and_then(|(sid, idx)| state.window(sid, idx)),
    }
    .map(|w| w.active);
    let session = n
        .session
        .and_then(|sid| state.sessions.get(&sid))
        .and_then(|s| s.windows.get(&s.current))
        .map(|w| w.active);
    n.pane
        .and_then(at)
        .or_else(|| window.and_then(at))
        .or_else(|| session.and_then(at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notifications_are_bounded_and_dropped_while_a_hook_runs() {
        let mut state = State::default();
        for _ in 0..MAX_QUEUED + 10 {
            state.notify_hook(Notification::new("session-created"));
        }
        assert_eq!(state.hooks.queue.len(), MAX_QUEUED);
        state.hooks.queue.clear();
        state.hooks.running = Some(vec![("hook", "session-renamed".into())]);
        state.notify_hook(Notification::new("session-renamed"));
        assert!(state.hooks.queue.is_empty());
        assert_eq!(
            format_var(&state, "hook").as_deref(),
            Some("session-renamed")
        );
        assert_eq!(format_var(&state, "hook_pane").as_deref(), Some(""));
        state.hooks.running = None;
        assert_eq!(format_var(&state, "hook"), None);
    }

    #[test]
    fn hook_items_run_in_index_order() {
        let mut state = State::default();
        let mut items = std::collections::BTreeMap::new();
        items.insert(5, "display-message b".to_string());
        items.insert(1, "set-option -g @x \"a b\" \\; list-keys".to_string());
        state
            .options
            .map_mut(crate::options::Scope::Session)
            .insert(
                "after-new-window".into(),
                crate::options::array_encode(&items),
            );
        let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            hook_commands(&state, None, "after-new-window"),
            vec![
                words(&["set-option", "-g", "@x", "a b"]),
                words(&["list-keys"]),
                words(&["display-message", "b"]),
            ]
        );
    }
}
