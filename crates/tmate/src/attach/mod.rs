//! An attached client, server side: the loop serving one client's terminal, waking on its
//! input, resizes, the server's events for it (detach, messages, overlays), state changes and
//! timers, and drawing the session for it after each. The session takes the smallest client's
//! size, combined with the relay's viewers (tmate 2.4's rule, `State::recompute_size`).
//! Commands reach it through its bounded event queue.

mod connection;
mod draw;
pub(crate) mod input;
pub(crate) mod status;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use tmate_proto::{InputEvent, InputParser};
use tmate_term::{Frame, Renderer};
use tokio::net::UnixStream;
use tokio::sync::{mpsc, watch};

use crate::server::{ClientInfo, Shared};
use crate::state::{CLIENT_EVENTS, ClientEvent, ClientHandle, State};
use crate::wire::kind;
use connection::{Connection, read_keys};
use draw::StatusCache;
use input::KeyState;
use status::status_rows;

/// Client frames waiting for the attach loop; a client flooding input waits on its socket.
const INPUT_QUEUE: usize = 64;
/// How long a message "until a key" stays without one.
const UNTIL_KEY: Duration = Duration::from_secs(365 * 24 * 3600);
/// Longest sleep when nothing is pending (the clock still ticks every second).
const IDLE: Duration = Duration::from_secs(3600);
/// A redraw caused by pane output alone reuses the status line and look evaluated at most this
/// long ago: evaluating them (formats, window names, styles) cost more than drawing a typed
/// character. tmux, too, redraws its status on changes and timers, not on pane output; what
/// output changes there (a pane title, a window's command) shows within this time or at the
/// next second's tick.
const STATUS_REUSE: Duration = Duration::from_millis(250);

/// One attached client as the server sees it: its place in the session, its keys and
/// message, and what its screen shows.
struct AttachedClient<'a> {
    shared: &'a Arc<Shared>,
    sid: u32,
    /// Its id among the server's clients.
    id: u32,
    info: ClientInfo,
    cols: u16,
    rows: u16,
    /// Rows the status line takes (option `status`).
    status_lines: u16,
    /// The status-line message and when it goes.
    /// The message on the status line, until when, and whether its markup is drawn.
    message: Option<(String, Instant, bool)>,
    /// Keys are dropped while the message shows (display-message -N, tmux's
    /// `message_ignore_keys`).
    message_ignores_keys: bool,
    keys: KeyState,
    parser: InputParser,
    /// Parsed input waiting for the key tables.
    parsed: Vec<InputEvent>,
    /// The server's events for this client (detach, messages, overlays).
    server_events: mpsc::Receiver<ClientEvent>,
    changed: watch::Receiver<u64>,
    renderer: Renderer,
    frame: Frame,
    /// Bytes for the client's screen not yet sent.
    out: Vec<u8>,
    /// Whether this wake may have changed what the client shows: only keys that went straight
    /// to a pane change nothing by themselves (the pane's echo redraws), as in tmux.
    redraw: bool,
    status_cache: Option<StatusCache>,
    /// The server's state-change count at the last wake, and whether this wake is pane output
    /// alone (the status line may then be reused).
    seen_changes: u64,
    output_only: bool,
    /// The server's escape-time as of the last draw: how long a lone ESC waits.
    escape_time: Duration,
    /// The terminal is the client's (lock-command running, or stopped by suspend-client):
    /// no drawing and no keys until it answers.
    suspended: bool,
    /// A frame for the client, sent after the output before it (LOCK, SUSPEND).
    to_send: Option<(u8, Vec<u8>)>,
    /// display-menu's menu, drawn over the screen and taking the keys while open.
    menu: Option<crate::menu::Menu>,
    /// A menu or popup was drawn into `frame`: its rows are composed again in full.
    menu_drawn: bool,
    /// The frame that ends the client: DETACH, or detach-client's DETACH_KILL (-P) or
    /// EXEC (-E).
    farewell: u8,
    /// Bytes sent to its terminal, shared with its `ClientHandle` (`#{client_written}`).
    written: Arc<std::sync::atomic::AtomicU64>,
    /// The terminal was asked for its device attributes and version: answers still expected
    /// and until when (tmux's TTY_QUERY_TIMEOUT).
    awaiting_replies: Option<(u8, Instant)>,
}

/// How long the terminal's answers to the queries are waited for (tmux 3.3a: 5 seconds).
const QUERY_TIMEOUT: Duration = Duration::from_secs(5);

fn millis(v: i64) -> Duration {
    Duration::from_millis(u64::try_from(v).unwrap_or(0))
}

/// Serves one attached client until it detaches or goes, or its session or the server ends.
pub async fn run(
    shared: &Arc<Shared>,
    stream: UnixStream,
    sid: u32,
    info: ClientInfo,
    flags: &str,
) {
    // tmux's MSG_IDENTIFY_CLIENTPID; here the socket's peer credentials say it.
    let pid = stream.peer_cred().ok().and_then(|c| c.pid());
    let Some(mut conn) = Connection::open(stream).await else {
        return;
    };
    let name = conn.terminal.as_ref().and_then(|t| t.name());
    let mut client = AttachedClient::register(shared, sid, info, name, flags);
    if let Some(c) = shared.lock().clients.get_mut(&client.id) {
        c.pid = pid;
        c.cell_size = conn.terminal.as_ref().map(|t| t.cell_size());
    }
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let ending: String = loop {
        if let Some(end) = client.settle() {
            break end;
        }
        if !client.draw() {
            break "[exited]".into();
        }
        if client.flush(&mut conn).await.is_err() {
            break String::new();
        }
        if let Some((frame_kind, payload)) = client.to_send.take()
            && conn.send_frame(frame_kind, &payload).await.is_err()
        {
            break String::new();
        }
        let now = Instant::now();
        let wake = client.next_wake(now);
        tokio::select! {
            frame = conn.frames.recv() => match frame {
                None => break String::new(),
                Some((frame_kind, payload)) => {
                    client.on_frame(frame_kind, &payload);
                    if frame_kind == kind::RESIZE
                        && let Some(t) = conn.terminal.as_ref()
                        && let Some(c) = shared.lock().clients.get_mut(&client.id)
                    {
                        c.cell_size = Some(t.cell_size());
                    }
                }
            },
            typed = read_keys(conn.terminal.as_ref(), &mut conn.key_buf), if !client.suspended => match typed {
                Ok(n) if n > 0 => client.on_input(conn.key_buf.get(..n).unwrap_or_default()),
                // The terminal hung up (its client is gone).
                _ => break String::new(),
            },
            ev = client.server_events.recv() => if let Some(end) = client.on_server_event(ev) {
                break end;
            },
            _ = tokio::time::sleep_until(wake.into()) => client.on_wake(now),
            r = client.changed.changed() => {
                if r.is_err() {
                    break "[server exited]".into();
                }
                client.on_state_changed();
            },
            _ = tick.tick() => client.on_tick(),
        }
    };
    client.exit(conn, &ending).await;
}

impl<'a> AttachedClient<'a> {
    /// Joins the server's clients at the terminal's size.
    fn register(
        shared: &'a Arc<Shared>,
        sid: u32,
        info: ClientInfo,
        name: Option<String>,
        flags: &str,
    ) -> Self {
        let (events_tx, server_events) = mpsc::channel::<ClientEvent>(CLIENT_EVENTS);
        let written;
        let id = {
            let mut st = shared.lock();
            let id = st.alloc_client();
            let activity = st.clock;
            let mut handle = ClientHandle {
                term: client_env(&info, "TERM").unwrap_or_default(),
                utf8: crate::environ::locale_is_utf8(|k| client_env(&info, k)),
                ..ClientHandle::new(
                    sid,
                    events_tx,
                    activity,
                    name.unwrap_or_else(|| format!("client-{id}")),
                )
            };
            handle.set_flags(flags);
            written = handle.written.clone();
            st.clients.insert(id, handle);
            // tmux's `server_client_set_session`, then client-attached.
            crate::client_session::client_arrived(&mut st, sid, id);
            st.notify_client("client-session-changed", sid, id);
            st.notify_client("client-attached", sid, id);
            st.destroy_unattached();
            crate::hooks::drain(shared, &mut st);
            id
        };
        // Start-up config errors are in the first session's view mode (tmux 3.3a's
        // `cfg_show_causes`), not a message.
        let message = None;
        let (cols, rows) = (info.cols.max(1), info.rows.max(2));
        let status_lines = status_rows(shared, sid);
        set_client_size(shared, sid, id, (cols, rows), status_lines);
        let mut client = AttachedClient {
            shared,
            sid,
            id,
            info,
            cols,
            rows,
            status_lines,
            message,
            message_ignores_keys: false,
            keys: KeyState::new(),
            parser: InputParser::new(),
            parsed: Vec::new(),
            server_events,
            // Subscribed after the size is set: the first wake draws that change anyway.
            changed: shared.changed.subscribe(),
            renderer: Renderer::new(),
            frame: Frame::blank(0, 0),
            out: Vec::new(),
            redraw: true,
            status_cache: None,
            seen_changes: shared.state_changes.load(Ordering::Acquire),
            output_only: false,
            escape_time: Duration::ZERO,
            suspended: false,
            to_send: None,
            menu: None,
            menu_drawn: false,
            farewell: kind::DETACH,
            written,
            awaiting_replies: None,
        };
        client.renderer.enter(&mut client.out);
        // tmux 3.3a asks the terminal what it is once the client is attached
        // (`tty_send_requests`); the answers are read as they come and never reach a pane.
        let term = client_env(&client.info, "TERM").unwrap_or_default();
        if crate::termcaps::answers_queries(&term) {
            client.out.extend_from_slice(crate::termcaps::QUERIES);
            client.parser.expect_replies(true);
            client.awaiting_replies = Some((2, Instant::now() + QUERY_TIMEOUT));
        }
        client
    }

    /// Leaves the server's clients, so the session falls back to the other clients' (or the
    /// relay's) size; an ending (empty when the client is already gone) is shown after its
    /// screen is restored.
    async fn exit(mut self, conn: Connection, ending: &str) {
        {
            let shared = self.shared;
            let mut st = shared.lock();
            self.follow_session(&st);
            // Raised while the client is still known, for its name (`#{hook_client}`).
            st.notify_client("client-detached", self.sid, self.id);
            st.clients.remove(&self.id);
            crate::focus::update_session(&mut st, self.sid);
            st.forget_latest(crate::state::Sizer::Client(self.id));
            st.recompute_size(self.sid);
            st.destroy_unattached();
            crate::hooks::drain(self.shared, &mut st);
            self.shared.check_empty(&st);
        }
        if ending.is_empty() {
            conn.close(None).await;
        } else {
            self.renderer.leave(&mut self.out);
            conn.close(Some((&self.out, self.farewell, ending))).await;
        }
    }

    /// Catches up before drawing: expired timers, events deferred while keys ran, and a
    /// status line switched on or off. `Some(ending)` ends the attach loop.
    fn settle(&mut self) -> Option<String> {
        let shared = self.shared;
        self.follow_session(&shared.lock());
        if self
            .message
            .as_ref()
            .is_some_and(|(_, until, _)| Instant::now() >= *until)
        {
            self.message = None;
            self.redraw = true;
        }
        if self.keys.overlay.is_open() {
            self.keys.overlay.expire(Instant::now());
            self.redraw |= !self.keys.overlay.is_open();
        }
        self.click_timer();
        if std::mem::take(&mut self.keys.clear_message) {
            self.redraw |= self.message.take().is_some();
        }
        for ev in std::mem::take(&mut self.keys.deferred) {
            self.redraw = true;
            if let Some(end) = self.on_server_event(Some(ev)) {
                return Some(end);
            }
        }
        if self
            .keys
            .dispatch
            .repeat_deadline()
            .is_some_and(|t| Instant::now() >= t)
        {
            self.keys.dispatch.expire(Instant::now());
            self.sync_key_table(&mut self.shared.lock());
            self.redraw = true;
        }
        let lines = status_rows(self.shared, self.sid);
        if lines != self.status_lines {
            self.status_lines = lines;
            self.apply_size();
            self.redraw = true;
        }
        None
    }

    /// The client was moved to another session (switch-client, attach-session or new-session
    /// from a client, its session destroyed with `detach-on-destroy off`): it shows that one
    /// from now on, drawn afresh.
    fn follow_session(&mut self, st: &State) {
        let Some(sid) = st.clients.get(&self.id).map(|c| c.session) else {
            return;
        };
        if sid != self.sid {
            self.sid = sid;
            self.status_cache = None;
            self.frame.damage = tmate_term::RowDamage::default();
            self.redraw = true;
        }
    }

    /// Show a message for `ms` milliseconds (0: until a key clears it, as display-time 0 and
    /// display-message -d 0 do).
    /// A message this client shows goes into the message log under its name (tmux's
    /// `status_message_set`).
    fn log_shown(&self, text: &str) {
        let mut st = self.shared.lock();
        let name = st
            .clients
            .get(&self.id)
            .map_or_else(String::new, |c| c.name.clone());
        st.log_message(format!("{name} message: {text}"));
    }

    fn show_message(&mut self, text: String, ms: u64, markup: bool, ignore_keys: bool) {
        self.message_ignores_keys = ignore_keys;
        let shown = if ms == 0 {
            UNTIL_KEY
        } else {
            Duration::from_millis(ms)
        };
        self.message = Some((text, Instant::now() + shown, markup));
    }

    /// Sends what was drawn to the client's screen.
    async fn flush(&mut self, conn: &mut Connection) -> std::io::Result<()> {
        if !self.out.is_empty() {
            conn.send_output(&self.out).await?;
            let n = u64::try_from(self.out.len()).unwrap_or(u64::MAX);
            self.written.fetch_add(n, Ordering::Relaxed);
            self.out.clear();
        }
        Ok(())
    }

    /// When the loop must wake without other news: a pending escape sequence, the repeat
    /// time, the message's or the overlay's end.
    fn next_wake(&self, now: Instant) -> Instant {
        let mut wake = now + IDLE;
        if !self.parser.pending().is_empty() {
            wake = wake.min(now + self.escape_time);
        }
        for t in [
            self.keys.dispatch.repeat_deadline(),
            self.message.as_ref().map(|(_, t, _)| *t),
            self.keys.overlay.deadline(),
            self.click_deadline(),
        ]
        .into_iter()
        .flatten()
        {
            wake = wake.min(t);
        }
        wake
    }

    /// A frame from the client's socket: its new size, or its input when it has no terminal.
    fn on_frame(&mut self, frame_kind: u8, payload: &[u8]) {
        match frame_kind {
            kind::RESIZE => {
                let text = String::from_utf8_lossy(payload).to_string();
                let mut it = text.split(' ').map(|v| v.parse::<u16>().ok());
                if let (Some(Some(c)), Some(Some(r))) = (it.next(), it.next()) {
                    self.on_resize(c, r);
                }
            }
            kind::INPUT if !self.suspended => self.on_input(payload),
            kind::UNLOCK | kind::WAKEUP if self.suspended => {
                // tmux's tty_start_tty and a full redraw.
                self.suspended = false;
                // tmux's MSG_UNLOCK updates the session's activity: the lock timer restarts
                // (tmux's assume-paste clock too; not here, see `PasteClock::touch`).
                let mut st = self.shared.lock();
                let now = crate::state::now_secs();
                if let Some(c) = st.clients.get_mut(&self.id) {
                    c.activity_time = now;
                }
                let at = Instant::now();
                crate::client_session::session_activity(&mut st, self.sid, at);
                drop(st);
                self.renderer.enter(&mut self.out);
                self.status_cache = None;
                self.redraw = true;
            }
            _ => {}
        }
    }

    fn on_resize(&mut self, cols: u16, rows: u16) {
        self.cols = cols.max(1);
        self.rows = rows.max(2);
        // tmux's MSG_RESIZE makes the client its window's latest. client-resized comes
        // first: tmux resizes windows later in its loop (`WINDOW_RESIZE`).
        {
            let mut st = self.shared.lock();
            st.notify_client("client-resized", self.sid, self.id);
            st.update_latest(self.sid, crate::state::Sizer::Client(self.id));
        }
        self.apply_size();
        let mut st = self.shared.lock();
        crate::popup::client_resized(&mut st, self.id, self.cols, self.rows);
        crate::hooks::drain(self.shared, &mut st);
    }

    /// display-menu's request, laid out for this client (a menu already open stays).
    fn open_menu(&mut self, request: &crate::menu::MenuRequest) {
        if self.menu.is_none() {
            self.menu = crate::menu::Menu::open(request, self.cols, self.rows);
            self.redraw = true;
        }
    }

    /// The one-second tick: the session's lock timer (`lock-after-time`) is checked; when it
    /// has run out every client on the session is locked (this one through its queue).
    fn on_tick(&mut self) {
        crate::client_session::lock_if_idle(&mut self.shared.lock(), self.sid, Instant::now());
        if self
            .awaiting_replies
            .is_some_and(|(_, until)| Instant::now() >= until)
        {
            self.awaiting_replies = None;
            self.parser.expect_replies(false);
        }
    }

    /// The terminal's answers to the queries: its version for `#{client_termtype}` and the
    /// features tmux 3.3a adds for them; taken out of the parsed input. Whether there were
    /// any.
    fn take_replies(&mut self) -> bool {
        if !self
            .parsed
            .iter()
            .any(|ev| matches!(ev, InputEvent::Reply { .. }))
        {
            return false;
        }
        let mut st = None;
        for ev in &self.parsed {
            let InputEvent::Reply { raw } = ev else {
                continue;
            };
            let (version, features) = crate::termcaps::features_of_reply(raw);
            let st = st.get_or_insert_with(|| self.shared.lock());
            if let Some(c) = st.clients.get_mut(&self.id) {
                if let Some(version) = version {
                    c.term_type = version;
                }
                if !features.is_empty() {
                    if !c.reply_features.is_empty() {
                        c.reply_features.push(',');
                    }
                    c.reply_features.push_str(features);
                }
            }
            if let Some((left, _)) = self.awaiting_replies.as_mut() {
                *left = left.saturating_sub(1);
            }
        }
        drop(st);
        self.parsed
            .retain(|ev| !matches!(ev, InputEvent::Reply { .. }));
        if self.awaiting_replies.is_some_and(|(left, _)| left == 0) {
            self.awaiting_replies = None;
            self.parser.expect_replies(false);
        }
        true
    }

    /// Bytes the client typed.
    fn on_input(&mut self, bytes: &[u8]) {
        // `user-keys` as they are now (tmux rebuilds its key tree when the option changes).
        let user = self
            .shared
            .lock()
            .options
            .get(crate::options::Scope::Server, "user-keys")
            .map(crate::options::array_items)
            .unwrap_or_default();
        self.parser.set_user_keys(
            user.into_iter()
                .filter_map(|(i, s)| {
                    Some((s.into_bytes(), tmate_proto::KeyCode::user(u64::from(i))?))
                })
                .collect(),
        );
        self.parser.feed(bytes, &mut self.parsed);
        if self.take_replies() && self.parsed.is_empty() {
            return;
        }
        let quiet = self.handle_parsed();
        self.redraw = !quiet;
    }

    /// A timer fired: a lone ESC that waited escape-time since `slept_from` is a key.
    fn on_wake(&mut self, slept_from: Instant) {
        if !self.parser.pending().is_empty() && Instant::now() >= slept_from + self.escape_time {
            self.parser.flush(&mut self.parsed);
            self.take_replies();
            self.handle_parsed();
        }
    }

    fn session_name(&self) -> String {
        self.shared
            .lock()
            .sessions
            .get(&self.sid)
            .map(|s| s.name.clone())
            .unwrap_or_default()
    }

    /// The server's state changed: notes whether only pane output did.
    fn on_state_changed(&mut self) {
        let changes = self.shared.state_changes.load(Ordering::Acquire);
        self.output_only = changes == self.seen_changes;
        self.seen_changes = changes;
    }

    /// An event from the client's queue: `Some(ending)` ends the attach loop.
    fn on_server_event(&mut self, ev: Option<ClientEvent>) -> Option<String> {
        match ev {
            Some(ClientEvent::Detach) | None => {
                let name = self.session_name();
                Some(format!("[detached (from session {name})]"))
            }
            Some(ClientEvent::DetachKill) => {
                let name = self.session_name();
                self.farewell = kind::DETACH_KILL;
                Some(format!("[detached and SIGHUP (from session {name})]"))
            }
            Some(ClientEvent::Exec(command, shell)) => {
                self.farewell = kind::EXEC;
                Some(format!("{command}\0{shell}"))
            }
            Some(ClientEvent::Message(text, ms)) => {
                self.log_shown(&text);
                self.show_message(text, ms, false, false);
                None
            }
            Some(ClientEvent::Note(text, ms)) => {
                self.show_message(text, ms, false, false);
                None
            }
            Some(ClientEvent::StyledMessage(text, ms, ignore_keys)) => {
                self.log_shown(&text);
                self.show_message(text, ms, true, ignore_keys);
                None
            }
            Some(ClientEvent::Bell) => {
                self.out.push(0x07);
                None
            }
            Some(ClientEvent::Write(bytes)) => {
                if !self.suspended {
                    self.out.extend_from_slice(&bytes);
                }
                None
            }
            Some(ClientEvent::KeyTable(table)) => {
                self.keys.dispatch.set_table(table.as_deref());
                self.sync_key_table(&mut self.shared.lock());
                self.redraw = true;
                None
            }
            Some(ClientEvent::Suspend(command)) => {
                if !self.suspended {
                    // tmux's tty_stop_tty: the screen left before the client takes over.
                    self.renderer.leave(&mut self.out);
                    if command.is_some() {
                        // tmux's server_lock_client: the lock command gets a cleared
                        // alternate screen (smcup, clear, E3).
                        self.out
                            .extend_from_slice(b"\x1b[?1049h\x1b[H\x1b[2J\x1b[3J");
                    }
                    self.suspended = true;
                    self.to_send = Some(match command {
                        Some(c) => (kind::LOCK, c.into_bytes()),
                        None => (kind::SUSPEND, Vec::new()),
                    });
                }
                None
            }
            Some(ClientEvent::Menu(request)) => {
                self.open_menu(&request);
                None
            }
            Some(ClientEvent::Overlay(request)) => {
                if self.keys.overlay.open(request) {
                    self.message = None;
                }
                None
            }
        }
    }

    /// The session's size follows this client's (after a resize or the status line toggled).
    fn apply_size(&self) {
        set_client_size(
            self.shared,
            self.sid,
            self.id,
            (self.cols, self.rows),
            self.status_lines,
        );
    }
}

/// A variable of the attaching client's environment.
fn client_env(info: &ClientInfo, key: &str) -> Option<String> {
    info.env
        .as_ref()?
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
}

/// A client's size, less its status line, into its session's size.
fn set_client_size(shared: &Arc<Shared>, sid: u32, client: u32, size: (u16, u16), status: u16) {
    let (cols, rows) = size;
    let mut st = shared.lock();
    if let Some(c) = st.clients.get_mut(&client) {
        c.size = Some((cols, rows.saturating_sub(status).max(1)));
        c.tty_size = (cols, rows);
    }
    st.recompute_size(sid);
    drop(st);
    shared.notify();
}

/// The server's escape-time: how long a lone ESC waits for the rest of a sequence.
fn escape_of(st: &State) -> Duration {
    millis(
        st.options
            .get(crate::options::Scope::Server, "escape-time")
            .and_then(|v| v.parse().ok())
            .unwrap_or(500),
    )
}

fn escape_time(shared: &Arc<Shared>) -> Duration {
    escape_of(&shared.lock())
}
