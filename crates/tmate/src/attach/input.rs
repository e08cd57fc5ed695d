//! An attached client's keys and mouse: through its open prompt or display-panes first, then
//! the key tables (prefix/prefix2, `bind-key -r` repeat within repeat-time), running bound
//! commands for the client and sending unbound keys to the active pane.

use std::time::Instant;

use tmate_proto::keytable::{KeyContext, KeyDispatch, KeyOutcome};
use tmate_proto::{InputEvent, KeyCode, pane_key_bytes};

use super::draw::pane_numbers;
use super::{AttachedClient, millis};
use crate::prompt::{KeyOptions, Outcome, Overlay};
use crate::server::ClientInfo;
use crate::state::{ClientEvent, State};

/// Where the client is in the key tables.
pub(super) struct KeyState {
    /// Its key table and repeat time: tmux's dispatch, as for relay viewers.
    pub(super) dispatch: KeyDispatch,
    mouse: crate::mouse::MouseState,
    /// A prompt or display-panes taking the keys (`crate::prompt`).
    pub(super) overlay: Overlay,
    /// A key was pressed or a prompt opened: the message goes (tmux
    /// `server_client_key_callback`, `status_prompt_set`).
    pub(super) clear_message: bool,
    /// Events that arrived while keys ran, for the loop.
    pub(super) deferred: Vec<ClientEvent>,
}

impl KeyState {
    pub(super) fn new() -> Self {
        KeyState {
            dispatch: KeyDispatch::default(),
            mouse: crate::mouse::MouseState::default(),
            overlay: Overlay::None,
            clear_message: false,
            deferred: Vec::new(),
        }
    }
}

impl AttachedClient<'_> {
    /// The parsed keys through the key tables (tmux `server_client_handle_key`). Returns
    /// whether the keys only went to panes (nothing to redraw until the panes answer).
    pub(super) fn handle_parsed(&mut self) -> bool {
        let mut quiet = self.keys.dispatch.is_idle() && !self.keys.overlay.is_open();
        let shared = self.shared;
        let mut st = shared.lock();
        st.clock += 1;
        let now_clock = st.clock;
        // tmux's `server_client_handle_key`: the client's and its session's activity times.
        let now = crate::state::now_secs();
        if let Some(c) = st.clients.get_mut(&self.id) {
            c.activity = now_clock;
            c.activity_time = now;
        }
        if let Some(s) = st.sessions.get_mut(&self.sid) {
            s.activity_time = now;
            // Its order among sessions (choose-tree's `time`, the most recent session).
            s.activity = now_clock;
        }
        // Taken out so the events can be handled with `self` borrowed; put back to keep the
        // allocation.
        let mut parsed = std::mem::take(&mut self.parsed);
        // tmux makes a client its window's latest after any key but a focus-out report.
        let latest = parsed
            .iter()
            .any(|ev| !matches!(ev, InputEvent::Key { key, .. } if *key == KeyCode::FOCUS_OUT));
        // One time for the keys read together, as tmux runs them in one pass of its queue.
        let read_at = Instant::now();
        for ev in parsed.drain(..) {
            // A key before this one may have moved the client to another session.
            self.follow_session(&st);
            let Some(s) = st.sessions.get(&self.sid) else {
                break;
            };
            let current = s.current;
            let Some(active) = s.windows.get(&s.current).map(|w| w.active) else {
                break;
            };
            if self.on_input_event(&mut st, &ev, current, active, read_at) {
                quiet = false;
            }
        }
        self.parsed = parsed;
        self.sync_key_table(&mut st);
        // tmux `server_client_update_latest` after each key: the window it showed (the
        // client's session may have changed under the keys).
        if let Some(sid) = st
            .clients
            .get(&self.id)
            .map(|c| c.session)
            .filter(|_| latest)
        {
            st.update_latest(sid, crate::state::Sizer::Client(self.id));
        }
        if !st.hooks.queue.is_empty() {
            // client-active, raised by a key that only went to a pane.
            crate::hooks::drain(shared, &mut st);
        }
        drop(st);
        if !quiet {
            shared.notify();
        }
        quiet
    }

    /// The key table the client is in, for `#{client_key_table}` and `#{client_prefix}`.
    pub(super) fn sync_key_table(&self, st: &mut State) {
        let table = self.keys.dispatch.current();
        if let Some(c) = st.clients.get_mut(&self.id)
            && c.key_table.as_deref() != table
        {
            c.key_table = table.map(str::to_string);
        }
    }

    /// When the mouse's click timer runs out (`crate::mouse::CLICK_TIME`).
    pub(super) fn click_deadline(&self) -> Option<Instant> {
        self.keys.mouse.click_deadline()
    }

    /// The click timer ran out: a double click's key runs now.
    pub(super) fn click_timer(&mut self) {
        let now = Instant::now();
        if self.click_deadline().is_none_or(|t| now < t) {
            return;
        }
        let shared = self.shared;
        let mut st = shared.lock();
        let mctx = ClientInfo {
            attached: Some(self.id),
            ..self.info.clone()
        };
        let keys = (&mut self.keys.mouse, &mut self.keys.dispatch);
        crate::mouse::click_expired(shared, &mut st, self.sid, &mctx, keys, now);
        drop(st);
        shared.notify();
        self.redraw = true;
    }

    /// One key, mouse event or unknown sequence; returns whether it may change the screen.
    fn on_input_event(
        &mut self,
        st: &mut State,
        ev: &InputEvent,
        current: u32,
        active: u32,
        read_at: Instant,
    ) -> bool {
        if let InputEvent::Key { key, .. } = ev
            && (*key == KeyCode::FOCUS_IN || *key == KeyCode::FOCUS_OUT)
        {
            // The terminal's focus report (read-only clients' too), never passed on as it
            // came: the panes that asked are told by `crate::focus`.
            crate::focus::client_report(st, self.id, *key == KeyCode::FOCUS_IN);
            return self.on_focus_key(st, *key, current, active, read_at);
        }
        if st.clients.get(&self.id).is_some_and(|c| c.read_only) {
            // tmux 3.3a: a read-only client's mouse and unknown sequences are dropped, its
            // keys only go through the key tables, unless pasted (then they are typing).
            return match ev {
                InputEvent::Key { key, .. } => {
                    !paste_clock(st, self.sid, current, read_at, true)
                        && self.on_read_only_key(st, *key, current, active)
                }
                InputEvent::Mouse { .. } => {
                    paste_clock(st, self.sid, current, read_at, false);
                    false
                }
                _ => false,
            };
        }
        match ev {
            InputEvent::Key { key, raw } => self.on_key(st, *key, raw, current, active, read_at),
            InputEvent::Mouse { event, .. } if self.menu.is_some() => {
                self.menu_mouse(st, event, current);
                true
            }
            InputEvent::Mouse { event, .. } if crate::popup::is_open(st, self.id) => {
                if let Some(menu) = crate::popup::mouse(st, self.id, event, (self.cols, self.rows))
                {
                    self.open_menu(&menu);
                }
                true
            }
            InputEvent::Mouse { event, raw } => {
                paste_clock(st, self.sid, current, read_at, false);
                // `mouse on`: through the mouse key bindings; else to the pane as it came.
                let mctx = ClientInfo {
                    attached: Some(self.id),
                    ..self.info.clone()
                };
                if !crate::mouse::handle(
                    self.shared,
                    st,
                    self.sid,
                    &mctx,
                    event,
                    (&mut self.keys.mouse, &mut self.keys.dispatch),
                ) {
                    send_key(st, active, None, raw, false);
                }
                true
            }
            other if crate::popup::is_open(st, self.id) => {
                // Unknown sequences: to the popup's program, as they came.
                crate::popup::key(st, self.id, KeyCode::NONE, other.raw());
                false
            }
            other => {
                // Unknown sequences: to the pane, as they came.
                send_key(st, active, None, other.raw(), true);
                false
            }
        }
    }

    /// A key: to the open overlay first, then the key tables (a bound key runs its commands, a
    /// `-r` binding keeps the table for repeat-time, an unbound root key goes to the active
    /// pane). Returns whether it may change the screen.
    fn on_key(
        &mut self,
        st: &mut State,
        key: KeyCode,
        raw: &[u8],
        current: u32,
        active: u32,
        read_at: Instant,
    ) -> bool {
        let ctx = ClientInfo {
            pane: Some(active),
            attached: Some(self.id),
            tty: true,
            ..self.info.clone()
        };
        if self.message.is_some() && self.message_ignores_keys {
            return false;
        }
        self.keys.clear_message = true;
        if self.menu.is_none() && crate::popup::is_open(st, self.id) {
            // An open popup takes every key (tmux's overlay key callback).
            crate::popup::key(st, self.id, key, raw);
            return true;
        }
        if let Some(menu) = self.menu.as_mut() {
            // An open menu takes every key (tmux's overlay key callback comes first).
            let outcome = menu.key(key);
            self.menu_outcome(st, &ctx, current, outcome);
            return true;
        }
        if self.keys.overlay.is_open() && self.overlay_took(st, &ctx, current, key) {
            return false;
        }
        // Past the overlays, as tmux's key callback: a pasted key skips the key tables (the
        // client stays in the one it was in) and goes to the pane as an unbound key would; a
        // pane in copy mode, which takes no keys but its bindings, drops it (tmux
        // `window_pane_key` with no mode key handler).
        let outcome = if !paste_clock(st, self.sid, current, read_at, true) {
            self.dispatch_key(st, key, current, active)
        } else if crate::copy::key_table(st, active).is_some() {
            KeyOutcome::Dropped
        } else {
            KeyOutcome::Pane
        };
        match outcome {
            KeyOutcome::Pane if crate::tree::in_mode(st, active) => {
                // Keys no table binds go to the pane's mode (tmux `window_pane_key`).
                crate::tree::key(self.shared, st, &ctx, active, key);
                self.shared.check_empty(st);
                self.drain_events();
                true
            }
            KeyOutcome::Pane => {
                // Any key leaves clock mode (tmux's window_clock_key) and goes no further.
                if crate::clock_mode::leave(st, active) {
                    return true;
                }
                send_key(st, active, Some(key), raw, true);
                false
            }
            KeyOutcome::Prefix | KeyOutcome::Dropped => true,
            KeyOutcome::Run(commands) => {
                // The binding's commands run for its key (the message log names it).
                let ctx = ClientInfo {
                    key: Some(key),
                    ..ctx
                };
                self.run_commands(st, &ctx, &commands);
                true
            }
        }
    }

    /// A focus report then goes on as tmux 3.3a's FocusIn/FocusOut key
    /// (`server_client_handle_key`), which no table can bind by name (`unknown key: FocusIn`)
    /// and no pane's program reads: it clears the message and closes display-panes as any key;
    /// an open menu or popup takes it and does nothing, a prompt too unless it asks for a
    /// single key (`command-prompt -k`, answered `FocusIn`). Past them it is timed as a key
    /// (`assume-paste-time`) and goes through the key tables, where a table's `Any` binding
    /// catches it and a table bound neither way ends a prefix, repeat or `-T` table; with
    /// nothing bound it goes to the pane's mode (clock mode leaves, as for any key).
    fn on_focus_key(
        &mut self,
        st: &mut State,
        key: KeyCode,
        current: u32,
        active: u32,
        read_at: Instant,
    ) -> bool {
        if st.clients.get(&self.id).is_some_and(|c| c.read_only) {
            if !paste_clock(st, self.sid, current, read_at, true) {
                self.on_read_only_key(st, key, current, active);
            }
            return true;
        }
        if self.message.is_some() && self.message_ignores_keys {
            return false;
        }
        self.keys.clear_message = true;
        if self.menu.is_some() || crate::popup::is_open(st, self.id) {
            return true;
        }
        let ctx = ClientInfo {
            pane: Some(active),
            attached: Some(self.id),
            tty: true,
            ..self.info.clone()
        };
        if let Overlay::Prompt(prompt) = &self.keys.overlay {
            if prompt.takes_any_key() {
                self.overlay_took(st, &ctx, current, key);
            }
            return true;
        }
        // display-panes closes on a key that picks no pane.
        if self.keys.overlay.is_open() && self.overlay_took(st, &ctx, current, key) {
            return true;
        }
        let outcome = if paste_clock(st, self.sid, current, read_at, true) {
            KeyOutcome::Pane
        } else {
            self.dispatch_key(st, key, current, active)
        };
        match outcome {
            KeyOutcome::Run(commands) => {
                let ctx = ClientInfo {
                    key: Some(key),
                    ..ctx
                };
                self.run_commands(st, &ctx, &commands);
            }
            KeyOutcome::Pane => {
                crate::clock_mode::leave(st, active);
            }
            KeyOutcome::Prefix | KeyOutcome::Dropped => {}
        }
        true
    }

    /// What a key or the mouse did to the open menu: closed it, or chose an item whose
    /// command runs on the menu's pane (for the mouse event that opened it), or whose text
    /// goes back to the prompt under a completion menu.
    fn menu_outcome(
        &mut self,
        st: &mut State,
        ctx: &ClientInfo,
        current: u32,
        outcome: crate::menu::MenuOutcome,
    ) {
        let Some(menu) = self.menu.as_ref() else {
            return;
        };
        let (pane, completion, mouse) = (menu.pane, menu.completion, menu.mouse.clone());
        let popup = menu.popup;
        if outcome != crate::menu::MenuOutcome::Stay {
            self.menu = None;
        }
        let crate::menu::MenuOutcome::Run(command) = outcome else {
            return;
        };
        if popup {
            crate::popup::menu_chosen(st, self.id, &command, (self.cols, self.rows));
            return;
        }
        if completion {
            self.keys.overlay.completion_chosen(&command);
            return;
        }
        let ctx = ClientInfo {
            pane: Some(pane),
            mouse: mouse.or_else(|| ctx.mouse.clone()),
            ..ctx.clone()
        };
        match crate::parse::parse_line(&command) {
            Ok(lines) => {
                let commands: Vec<Vec<String>> = lines
                    .iter()
                    .flat_map(|l| tmate_proto::command::split_commands(l))
                    .filter(|c| !c.is_empty())
                    .collect();
                self.run_commands(st, &ctx, &commands);
            }
            Err(e) => show_error(st, self.sid, current, self.id, &e),
        }
    }

    /// A mouse report while a menu is open: the menu's (tmux's overlay key callback).
    fn menu_mouse(&mut self, st: &mut State, event: &tmate_proto::MouseEvent, current: u32) {
        let Some(menu) = self.menu.as_mut() else {
            return;
        };
        let x = usize::try_from(event.x.saturating_sub(1)).unwrap_or(usize::MAX);
        let y = usize::try_from(event.y.saturating_sub(1)).unwrap_or(usize::MAX);
        let release =
            event.release || (!event.sgr && event.button & 3 == 3 && event.button & 64 == 0);
        let outcome = menu.mouse_event(x, y, event.button, release);
        let ctx = ClientInfo {
            attached: Some(self.id),
            tty: true,
            ..self.info.clone()
        };
        self.menu_outcome(st, &ctx, current, outcome);
    }

    /// A read-only client's key (tmux `server_client_handle_key` with CLIENT_READONLY): no
    /// message is cleared, no prompt or menu takes it, a binding runs only when all its
    /// commands are read-only ones (else `client is read-only`), and nothing reaches a pane.
    fn on_read_only_key(
        &mut self,
        st: &mut State,
        key: KeyCode,
        current: u32,
        active: u32,
    ) -> bool {
        match self.dispatch_key(st, key, current, active) {
            KeyOutcome::Run(commands) if commands.iter().all(|c| read_only_command(c)) => {
                let ctx = ClientInfo {
                    pane: Some(active),
                    attached: Some(self.id),
                    tty: true,
                    key: Some(key),
                    ..self.info.clone()
                };
                self.run_commands(st, &ctx, &commands);
                true
            }
            KeyOutcome::Run(_) => {
                show_error(st, self.sid, current, self.id, "client is read-only");
                true
            }
            KeyOutcome::Prefix | KeyOutcome::Dropped => true,
            KeyOutcome::Pane => false,
        }
    }

    /// A key for the open overlay; false when it passes the key on to the key tables.
    fn overlay_took(
        &mut self,
        st: &mut State,
        ctx: &ClientInfo,
        current: u32,
        key: KeyCode,
    ) -> bool {
        let size = (self.cols, self.rows);
        match overlay_key(st, self.sid, current, &mut self.keys.overlay, key, size) {
            Outcome::Consumed => true,
            Outcome::Pass => false,
            Outcome::Run(commands) => {
                self.run_commands(st, ctx, &commands);
                true
            }
            Outcome::Error(e) => {
                show_error(st, self.sid, current, self.id, &e);
                true
            }
            Outcome::Menu(menu) => {
                self.open_completion_menu(st, current, menu);
                true
            }
            Outcome::Mode { pane, what, answer } => {
                crate::tree::prompt_answer(self.shared, st, ctx, pane, what, &answer);
                // Killing from the tree can end the last session.
                self.shared.check_empty(st);
                self.drain_events();
                true
            }
        }
    }

    /// A prompt's completion menu (tmux's `menu_display` from `status.c`: no title, keys 0-9,
    /// the prompt's own position), in `mode-style`.
    fn open_completion_menu(
        &mut self,
        st: &State,
        current: u32,
        menu: crate::prompt::CompletionMenu,
    ) {
        let choice_style = tmate_term::parse_style_over(
            &st.option(self.sid, current, "mode-style"),
            tmate_term::Style::default(),
            tmate_term::Style::default(),
        )
        .unwrap_or_default();
        let items = menu
            .items
            .into_iter()
            .zip(b'0'..)
            .map(|((name, value), key)| crate::menu::ItemSpec {
                name: Some(name),
                key: Some(KeyCode(u64::from(key))),
                command: value,
            })
            .collect();
        let request = crate::menu::MenuRequest {
            title: String::new(),
            items,
            place: crate::menu::Placement::default(),
            pane: 0,
            mouse: None,
            stay_open: false,
            choice_style,
            at: Some((menu.x, menu.y)),
            completion: true,
            open: None,
            tree_click: false,
            popup: false,
        };
        self.open_menu(&request);
    }

    /// Where the key tables send a key, moving the client between tables.
    fn dispatch_key(&mut self, st: &State, key: KeyCode, current: u32, active: u32) -> KeyOutcome {
        let sid = self.sid;
        let prefix = KeyCode::parse(&st.option(sid, current, "prefix"));
        let prefix2 =
            KeyCode::parse(&st.option(sid, current, "prefix2")).filter(|k| *k != KeyCode::NONE);
        let default_table = st.option(sid, current, "key-table");
        let context = KeyContext {
            tables: &st.keys,
            prefixes: [prefix, prefix2],
            repeat_time: millis(st.option_num(sid, current, "repeat-time")),
            // A pane in copy mode reads keys from its mode's table first (then root);
            // keys bound in neither do nothing (tmux's window_copy has no key handler).
            mode_table: crate::copy::key_table(st, active),
            default_table: &default_table,
        };
        self.keys.dispatch.key(key, Instant::now(), &context)
    }

    /// Run a binding's or an overlay's commands for this client: errors go to its status line;
    /// a prompt or display-panes they open takes the next keys at once (even later keys of the
    /// same read), other events wait for the loop.
    fn run_commands(&mut self, st: &mut State, ctx: &ClientInfo, commands: &[Vec<String>]) {
        let shared = self.shared;
        let r = crate::cmd::run_list(shared, st, ctx, commands);
        if let Some(client) = ctx.attached {
            show_outcome(st, client, &r);
        }
        if r.kill_server {
            shared.shutdown.notify_one();
        }
        shared.check_empty(st);
        self.drain_events();
    }

    /// Take the events commands queued for this client: a prompt they open takes the next
    /// keys at once (even later keys of the same read), other events wait for the loop.
    fn drain_events(&mut self) {
        while let Ok(ev) = self.server_events.try_recv() {
            match ev {
                ClientEvent::Overlay(request) => {
                    self.keys.clear_message |= self.keys.overlay.open(request);
                }
                ClientEvent::Menu(request) => self.open_menu(&request),
                other => self.keys.deferred.push(other),
            }
        }
    }
}

/// tmux 3.3a's `session_update_activity` and `server_client_assume_paste` for an event that
/// reaches its key callback (past prompts, menus and popups): every client's keys and mouse
/// events on the session time it and restart its lock timer; for a key (`key`), whether it
/// is pasted.
fn paste_clock(st: &mut State, sid: u32, current: u32, now: Instant, key: bool) -> bool {
    crate::client_session::session_activity(st, sid, now);
    let limit = st.option_num(sid, current, "assume-paste-time");
    let Some(s) = st.sessions.get_mut(&sid) else {
        return false;
    };
    if key {
        s.paste.key(now, limit)
    } else {
        s.paste.touch(now);
        false
    }
}

/// What a client's commands gave, shown on it: the first error on its status line, what
/// they printed into the view mode of its pane (tmux 3.3a's `cmdq_error` and `cmdq_print`
/// for a client with a session), a line at a time.
pub fn show_outcome(st: &mut State, client: u32, r: &crate::cmd::CmdResult) {
    let Some(sid) = st.clients.get(&client).map(|c| c.session) else {
        return;
    };
    if let Some(err) = r.err.lines().next() {
        let current = st.sessions.get(&sid).map(|s| s.current).unwrap_or(0);
        show_error(st, sid, current, client, err);
    }
    if !r.out.is_empty()
        && let Some(pane) = crate::copy::active_pane(st, sid)
    {
        let out = r.out.strip_suffix('\n').unwrap_or(&r.out);
        for line in out.split('\n') {
            crate::copy::view_add(st, pane, line, false);
        }
    }
}

/// tmux 3.3a's CMD_READONLY commands, the only ones a read-only client's keys may run.
fn read_only_command(words: &[String]) -> bool {
    words
        .first()
        .and_then(|name| tmate_proto::command::find(name).ok())
        .is_some_and(|spec| {
            matches!(
                spec.name,
                "attach-session" | "detach-client" | "list-clients" | "switch-client"
            )
        })
}

/// An error on the client's status line, its first letter capitalised (tmux `cmdq_error`).
fn show_error(st: &State, sid: u32, current: u32, client: u32, err: &str) {
    let time = u64::try_from(st.option_num(sid, current, "display-time")).unwrap_or(750);
    let mut chars = err.chars();
    let text: String = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    if let Some(c) = st.clients.get(&client) {
        let _ = c.events.try_send(ClientEvent::Message(text, time));
    }
}

/// A key for the open overlay, with the options it needs (the paste buffer and what Tab
/// completes against only for the keys that use them). `size`: the client's (cols, rows).
fn overlay_key(
    st: &State,
    sid: u32,
    current: u32,
    overlay: &mut Overlay,
    key: KeyCode,
    size: (u16, u16),
) -> Outcome {
    let pastes = key.0 == 0x19 || key.0 == u64::from(b'p');
    let tab = key == KeyCode::TAB;
    let opts = KeyOptions {
        vi: st.option(sid, current, "status-keys") == "vi",
        word_separators: st.option(sid, current, "word-separators"),
        history_limit: usize::try_from(st.option_num(sid, current, "prompt-history-limit"))
            .unwrap_or(100),
        paste: pastes
            .then(|| st.buffers.top().map(|b| b.data.clone()))
            .flatten(),
        complete: tab.then(|| completion_source(st, sid, size.1)),
    };
    let numbers = pane_numbers(st, sid, current);
    let panes: Vec<(u32, u32)> = numbers.iter().map(|(id, n, _)| (*id, *n)).collect();
    overlay.key(key, &opts, &panes)
}

/// What Tab completes against: every command name and alias (tmux's whole table, as its
/// completion lists commands it has), `command-alias` names, option names, the session and
/// its windows.
fn completion_source(st: &State, sid: u32, rows: u16) -> crate::prompt_complete::Source {
    let mut commands: Vec<String> = Vec::new();
    for spec in tmate_proto::command::COMMANDS {
        commands.push(spec.name.to_string());
        commands.extend(spec.alias.map(str::to_string));
    }
    if let Some(aliases) = st
        .options
        .get(crate::options::Scope::Server, "command-alias")
        .map(crate::options::array_items)
    {
        commands.extend(
            aliases
                .values()
                .filter_map(|a| a.split_once('=').map(|(name, _)| name.to_string())),
        );
    }
    let options = crate::options::TABLE
        .iter()
        .map(|d| d.name.to_string())
        .collect();
    let session = st.sessions.get(&sid);
    let windows = session
        .map(|s| {
            s.windows
                .keys()
                .map(|idx| (i64::from(*idx), crate::format::window_name(st, sid, *idx)))
                .collect()
        })
        .unwrap_or_default();
    let status = st.session_option(sid, "status");
    let status_lines = match status.as_str() {
        "off" => 0,
        "on" => 1,
        n => n.parse().unwrap_or(1),
    };
    crate::prompt_complete::Source {
        commands,
        options,
        sessions: session
            .map(|s| vec![(s.name.clone(), s.id)])
            .unwrap_or_default(),
        session: session.map(|s| s.name.clone()).unwrap_or_default(),
        windows,
        rows: usize::from(rows),
        status_lines,
        status_top: st.session_option(sid, "status-position") == "top",
    }
}

/// A key (or a sequence we do not parse, as it came) to the pane and the panes synchronized
/// with it; mouse events go to the pane alone (`sync` false), as in tmux.
fn send_key(st: &State, pane: u32, key: Option<KeyCode>, raw: &[u8], sync: bool) {
    let others = if sync {
        crate::cmd::synchronized_panes(st, pane)
    } else {
        Vec::new()
    };
    for id in std::iter::once(pane).chain(others) {
        let Some(p) = st.panes.get(&id) else { continue };
        let modes = p.key_modes();
        let bytes = key
            .and_then(|k| pane_key_bytes(k, modes))
            .unwrap_or_else(|| raw.to_vec());
        p.write(bytes);
    }
}
