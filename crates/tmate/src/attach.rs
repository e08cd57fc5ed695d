//! An attached client, server side: draws the session with tmate-term's compositor and
//! renderer (status line from the status options, or a message), reads the terminal's keys and
//! runs them through the key tables (prefix/prefix2, `bind-key -r` repeat within repeat-time),
//! sending unbound keys to the active pane. The session takes the smallest client's size,
//! combined with the relay's viewers (tmate 2.4's rule, `State::recompute_size`). Commands
//! reach it through its bounded event queue (detach, messages).

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant, SystemTime};

use tmate_proto::keytable::{KeyContext, KeyDispatch, KeyOutcome};
use tmate_proto::{InputEvent, InputParser, KeyCode, PaneKeyModes, pane_key_bytes};
use tmate_term::{Frame, Renderer, Scene, ScenePane, StatusBar, StatusWindow, compose_look};
use tokio::net::UnixStream;
use tokio::sync::mpsc;

use crate::format;
use crate::prompt::{KeyOptions, Outcome, Overlay};
use crate::server::{ClientInfo, Shared};
use crate::state::{CLIENT_EVENTS, ClientEvent, ClientHandle, State};
use crate::wire::{self, kind};

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

/// Where the client is in the key tables.
struct KeyState {
    /// Its key table and repeat time: tmux's dispatch, as for relay viewers.
    dispatch: KeyDispatch,
    mouse: crate::mouse::MouseState,
    /// A prompt or display-panes taking the keys (`crate::prompt`).
    overlay: Overlay,
    /// A key was pressed or a prompt opened: the message goes (tmux
    /// `server_client_key_callback`, `status_prompt_set`).
    clear_message: bool,
    /// Events that arrived while keys ran, for the loop.
    deferred: Vec<ClientEvent>,
}

fn millis(v: i64) -> Duration {
    Duration::from_millis(u64::try_from(v).unwrap_or(0))
}

pub async fn run(shared: &Arc<Shared>, stream: UnixStream, sid: u32, info: ClientInfo) {
    let (rd, mut wr) = stream.into_split();
    if wire::write_frame(&mut wr, kind::ATTACH, b"").await.is_err() {
        return;
    }
    let terminal = match crate::tty::receive_terminal(rd.as_ref()).await {
        Ok(t) => t,
        Err(e) => {
            let _ = wire::write_frame(&mut wr, kind::DETACH, e.as_bytes()).await;
            return;
        }
    };
    let (tx, mut rx) = mpsc::channel::<(u8, Vec<u8>)>(INPUT_QUEUE);
    let reader = tokio::spawn(async move {
        // Buffered: a keystroke's frame is one read, not a header read and a payload read.
        let mut rd = tokio::io::BufReader::with_capacity(16 * 1024, rd);
        while let Ok(Some(f)) = wire::read_frame(&mut rd).await {
            if tx.send(f).await.is_err() {
                break;
            }
        }
    });
    let (ev_tx, mut ev_rx) = mpsc::channel::<ClientEvent>(CLIENT_EVENTS);
    let (id, mut message) = {
        let mut st = shared.lock();
        let id = st.alloc_client();
        let activity = st.clock;
        st.clients.insert(
            id,
            ClientHandle {
                session: sid,
                events: ev_tx,
                activity,
                size: None,
            },
        );
        // Start-up config errors go to the first client, like tmux's config causes.
        let errors = std::mem::take(&mut st.config_errors);
        let time = millis(
            st.session_option(sid, "display-time")
                .parse()
                .unwrap_or(750),
        );
        let msg = (!errors.is_empty()).then(|| {
            (
                errors.join("; "),
                Instant::now() + time.max(Duration::from_secs(5)),
            )
        });
        (id, msg)
    };
    let (mut cols, mut rows) = (info.cols.max(1), info.rows.max(2));
    let mut status_lines = status_rows(shared, sid);
    resize(shared, sid, id, cols, rows, status_lines);
    let mut changed = shared.changed.subscribe();
    let mut renderer = Renderer::new();
    let mut key_buf = vec![0u8; 4096];
    let mut out = Vec::new();
    renderer.enter(&mut out);
    let mut frame = Frame::blank(0, 0);
    let mut parser = InputParser::new();
    let mut events = Vec::new();
    let mut keys = KeyState {
        dispatch: KeyDispatch::default(),
        mouse: crate::mouse::MouseState::default(),
        overlay: Overlay::None,
        clear_message: false,
        deferred: Vec::new(),
    };
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    // Whether this wake may have changed what the client shows: only keys that went straight
    // to a pane change nothing by themselves (the pane's echo redraws), as in tmux.
    let mut redraw = true;
    // The last evaluated status line and look, and whether this wake is pane output alone.
    let mut status_cache: Option<(Instant, StatusBar, tmate_term::Look)> = None;
    let mut seen_changes = shared.state_changes.load(Ordering::Acquire);
    let mut output_only = false;
    let ending: String = 'main: loop {
        if message
            .as_ref()
            .is_some_and(|(_, until)| Instant::now() >= *until)
        {
            message = None;
            redraw = true;
        }
        if keys.overlay.is_open() {
            keys.overlay.expire(Instant::now());
            redraw |= !keys.overlay.is_open();
        }
        if std::mem::take(&mut keys.clear_message) {
            redraw |= message.take().is_some();
        }
        for ev in std::mem::take(&mut keys.deferred) {
            redraw = true;
            if let Some(end) = on_event(shared, sid, Some(ev), &mut message, &mut keys) {
                break 'main end;
            }
        }
        if keys
            .dispatch
            .repeat_deadline()
            .is_some_and(|t| Instant::now() >= t)
        {
            keys.dispatch.expire(Instant::now());
            redraw = true;
        }
        let lines = status_rows(shared, sid);
        if lines != status_lines {
            status_lines = lines;
            resize(shared, sid, id, cols, rows, status_lines);
            redraw = true;
        }
        // Draw what the session looks like now.
        let draw = std::mem::replace(&mut redraw, true);
        let (gone, escape_time) = if !draw {
            (false, escape_time(shared))
        } else {
            let st = shared.lock();
            let escape = escape_of(&st);
            match scene_geometry(&st, sid) {
                Some(scene_data) => {
                    let reuse = std::mem::take(&mut output_only)
                        && status_cache
                            .as_ref()
                            .is_some_and(|(at, ..)| at.elapsed() < STATUS_REUSE);
                    if !reuse {
                        status_cache = None;
                    }
                    let (_, status, look) = status_cache.get_or_insert_with(|| {
                        let status = status_bar(&st, sid).unwrap_or_default();
                        (
                            Instant::now(),
                            status,
                            overlay_look(&st, sid, &keys.overlay),
                        )
                    });
                    let mut scene = build(&st, &scene_data, status.clone());
                    if status_lines == 0 {
                        scene.status = None;
                    }
                    scene.message = message.as_ref().map(|(m, _)| m.clone());
                    compose_look(&scene, look, cols, rows, &mut frame);
                    if st.session_option(sid, "mouse") == "on" {
                        // tmux asks the terminal for button and drag reports itself.
                        frame.modes.mouse_reporting = true;
                        frame.modes.mouse_drag = true;
                        frame.modes.sgr_mouse = true;
                    }
                    (false, escape)
                }
                None => (true, escape),
            }
        };
        if gone {
            break "[exited]".into();
        }
        if draw {
            renderer.render(&frame, &mut out);
        }
        if !out.is_empty() {
            if send_output(terminal.as_ref(), &mut wr, &out).await.is_err() {
                break String::new();
            }
            out.clear();
        }
        let now = Instant::now();
        let mut wake = now + IDLE;
        if !parser.pending().is_empty() {
            wake = wake.min(now + escape_time);
        }
        for t in [
            keys.dispatch.repeat_deadline(),
            message.as_ref().map(|(_, t)| *t),
            keys.overlay.deadline(),
        ]
        .into_iter()
        .flatten()
        {
            wake = wake.min(t);
        }
        tokio::select! {
            f = rx.recv() => match f {
                None => break String::new(),
                Some((kind::RESIZE, p)) => {
                    let text = String::from_utf8_lossy(&p).to_string();
                    let mut it = text.split(' ').map(|v| v.parse::<u16>().ok());
                    if let (Some(Some(c)), Some(Some(r))) = (it.next(), it.next()) {
                        cols = c.max(1);
                        rows = r.max(2);
                        resize(shared, sid, id, cols, rows, status_lines);
                    }
                }
                Some((kind::INPUT, p)) => {
                    parser.feed(&p, &mut events);
                    let quiet = handle(shared, sid, id, &info, &mut events, &mut keys, &mut ev_rx);
                    redraw = !quiet;
                }
                Some(_) => {}
            },
            typed = read_keys(terminal.as_ref(), &mut key_buf) => match typed {
                Ok(n) if n > 0 => {
                    parser.feed(key_buf.get(..n).unwrap_or_default(), &mut events);
                    let quiet = handle(shared, sid, id, &info, &mut events, &mut keys, &mut ev_rx);
                    redraw = !quiet;
                }
                // The terminal hung up (its client is gone).
                _ => break String::new(),
            },
            ev = ev_rx.recv() => if let Some(end) = on_event(shared, sid, ev, &mut message, &mut keys) {
                break end;
            },
            _ = tokio::time::sleep_until(wake.into()) => {
                if !parser.pending().is_empty() && Instant::now() >= now + escape_time {
                    parser.flush(&mut events);
                    handle(shared, sid, id, &info, &mut events, &mut keys, &mut ev_rx);
                }
            }
            r = changed.changed() => {
                if r.is_err() {
                    break "[server exited]".into();
                }
                let changes = shared.state_changes.load(Ordering::Acquire);
                output_only = changes == seen_changes;
                seen_changes = changes;
            },
            _ = tick.tick() => {}
        }
    };
    {
        // The session falls back to the other clients' (or the relay's) size.
        let mut st = shared.lock();
        st.clients.remove(&id);
        st.recompute_size(sid);
    }
    if !ending.is_empty() {
        renderer.leave(&mut out);
        // Written before DETACH is sent: the client prints its line after the screen is left.
        let _ = send_output(terminal.as_ref(), &mut wr, &out).await;
        let _ = wire::write_frame(&mut wr, kind::DETACH, ending.as_bytes()).await;
    }
    reader.abort();
}

/// Keys from the client's terminal when it passed one (else they come as INPUT frames).
async fn read_keys(
    terminal: Option<&crate::tty::Terminal>,
    buf: &mut [u8],
) -> std::io::Result<usize> {
    match terminal {
        Some(t) => t.read(buf).await,
        None => std::future::pending().await,
    }
}

/// Output for the client's screen: onto its terminal when it passed one, else over the socket.
async fn send_output(
    terminal: Option<&crate::tty::Terminal>,
    socket: &mut tokio::net::unix::OwnedWriteHalf,
    out: &[u8],
) -> std::io::Result<()> {
    match terminal {
        Some(t) => t.write_all(out).await,
        None => wire::write_frame(socket, kind::OUTPUT, out).await,
    }
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

/// Rows the status line takes for this session (option `status`).
fn status_rows(shared: &Arc<Shared>, sid: u32) -> u16 {
    let on = shared.lock().session_option(sid, "status");
    u16::from(on != "off")
}

fn resize(shared: &Arc<Shared>, sid: u32, client: u32, cols: u16, rows: u16, status: u16) {
    let mut st = shared.lock();
    if let Some(c) = st.clients.get_mut(&client) {
        c.size = Some((cols, rows.saturating_sub(status).max(1)));
    }
    st.recompute_size(sid);
    drop(st);
    shared.notify();
}

/// Keys through the key tables (tmux `server_client_handle_key`): the prefix keys switch to
/// the prefix table; a bound key runs its commands; a `-r` binding keeps the table for
/// repeat-time; an unbound key in the root table goes to the active pane. Returns whether
/// the keys only went to panes (nothing to redraw until the panes answer).
fn handle(
    shared: &Arc<Shared>,
    sid: u32,
    client: u32,
    info: &ClientInfo,
    events: &mut Vec<InputEvent>,
    keys: &mut KeyState,
    ev_rx: &mut mpsc::Receiver<ClientEvent>,
) -> bool {
    let mut quiet = keys.dispatch.is_idle() && !keys.overlay.is_open();
    let mut st = shared.lock();
    st.clock += 1;
    let now_clock = st.clock;
    if let Some(c) = st.clients.get_mut(&client) {
        c.activity = now_clock;
    }
    for ev in events.drain(..) {
        let Some(s) = st.sessions.get(&sid) else {
            break;
        };
        let current = s.current;
        let Some(active) = s.windows.get(&s.current).map(|w| w.active) else {
            break;
        };
        let (key, raw) = match &ev {
            InputEvent::Key { key, raw } => (*key, raw.clone()),
            InputEvent::Mouse { event, raw } => {
                quiet = false;
                // `mouse on`: through the mouse key bindings; else to the pane as it came.
                let mctx = ClientInfo {
                    attached: Some(client),
                    ..info.clone()
                };
                if !crate::mouse::handle(shared, &mut st, sid, &mctx, event, &mut keys.mouse) {
                    send_key(&st, active, None, raw);
                }
                continue;
            }
            other => {
                // Unknown sequences: to the pane, as they came.
                send_key(&st, active, None, other.raw());
                continue;
            }
        };
        let ctx = ClientInfo {
            pane: Some(active),
            attached: Some(client),
            tty: true,
            ..info.clone()
        };
        keys.clear_message = true;
        if keys.overlay.is_open() {
            match overlay_key(&st, sid, current, &mut keys.overlay, key) {
                Outcome::Consumed => continue,
                Outcome::Pass => {}
                Outcome::Run(commands) => {
                    run_commands(shared, &mut st, &ctx, &commands, keys, ev_rx);
                    continue;
                }
                Outcome::Error(e) => {
                    show_error(&st, sid, current, client, &e);
                    continue;
                }
            }
        }
        let prefix = KeyCode::parse(&st.option(sid, current, "prefix"));
        let prefix2 =
            KeyCode::parse(&st.option(sid, current, "prefix2")).filter(|k| *k != KeyCode::NONE);
        let outcome = {
            let context = KeyContext {
                tables: &st.keys,
                prefixes: [prefix, prefix2],
                repeat_time: millis(st.option_num(sid, current, "repeat-time")),
                // A pane in copy mode reads keys from its mode's table first (then root);
                // keys bound in neither do nothing (tmux's window_copy has no key handler).
                mode_table: crate::copy::key_table(&st, active),
            };
            keys.dispatch.key(key, Instant::now(), &context)
        };
        match outcome {
            KeyOutcome::Pane => send_key(&st, active, Some(key), &raw),
            KeyOutcome::Prefix | KeyOutcome::Dropped => quiet = false,
            KeyOutcome::Run(commands) => {
                quiet = false;
                run_commands(shared, &mut st, &ctx, &commands, keys, ev_rx);
            }
        }
    }
    drop(st);
    if !quiet {
        shared.notify();
    }
    quiet
}

/// Run a binding's or an overlay's commands for this client: errors go to its status line;
/// a prompt or display-panes they open takes the next keys at once (even later keys of the
/// same read), other events wait for the loop.
fn run_commands(
    shared: &Arc<Shared>,
    st: &mut State,
    ctx: &ClientInfo,
    commands: &[Vec<String>],
    keys: &mut KeyState,
    ev_rx: &mut mpsc::Receiver<ClientEvent>,
) {
    let r = crate::cmd::run_list(shared, st, ctx, commands);
    if let Some(client) = ctx.attached
        && let Some(err) = r.err.lines().next()
        && let Some(sid) = st.clients.get(&client).map(|c| c.session)
    {
        let current = st.sessions.get(&sid).map(|s| s.current).unwrap_or(0);
        show_error(st, sid, current, client, err);
    }
    if r.kill_server {
        shared.shutdown.notify_one();
    }
    shared.check_empty(st);
    while let Ok(ev) = ev_rx.try_recv() {
        match ev {
            ClientEvent::Overlay(request) => keys.clear_message |= keys.overlay.open(request),
            other => keys.deferred.push(other),
        }
    }
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

/// A key for the open overlay, with the options it needs.
fn overlay_key(st: &State, sid: u32, current: u32, overlay: &mut Overlay, key: KeyCode) -> Outcome {
    let opts = KeyOptions {
        vi: st.option(sid, current, "status-keys") == "vi",
        word_separators: st.option(sid, current, "word-separators"),
        history_limit: usize::try_from(st.option_num(sid, current, "prompt-history-limit"))
            .unwrap_or(100),
    };
    let numbers = pane_numbers(st, sid, current);
    let panes: Vec<(u32, u32)> = numbers.iter().map(|(id, n, _)| (*id, *n)).collect();
    overlay.key(key, &opts, &panes)
}

/// The current window's panes as display-panes numbers them: (id, index + pane-base-index,
/// active).
fn pane_numbers(st: &State, sid: u32, current: u32) -> Vec<(u32, u32, bool)> {
    let base = u32::try_from(st.option_num(sid, current, "pane-base-index")).unwrap_or(0);
    let Some(w) = st.window(sid, current) else {
        return Vec::new();
    };
    w.pane_ids()
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let n = u32::try_from(i).unwrap_or(u32::MAX).saturating_add(base);
            (*id, n, *id == w.active)
        })
        .collect()
}

/// The session's styles plus this client's prompt or display-panes labels.
fn overlay_look(st: &State, sid: u32, overlay: &Overlay) -> tmate_term::Look {
    let mut look = crate::style::look(st, sid);
    look.prompt = overlay.prompt_line();
    if overlay.is_open() && look.prompt.is_none() {
        let current = st.sessions.get(&sid).map(|s| s.current).unwrap_or(0);
        let colour =
            |name: &str| crate::style::colour(&st.option(sid, current, name)).unwrap_or_default();
        look.pane_labels = overlay.labels(
            &pane_numbers(st, sid, current),
            colour("display-panes-colour"),
            colour("display-panes-active-colour"),
        );
    }
    look
}

/// An event from the client's queue: `Some(ending)` ends the attach loop.
fn on_event(
    shared: &Arc<Shared>,
    sid: u32,
    ev: Option<ClientEvent>,
    message: &mut Option<(String, Instant)>,
    keys: &mut KeyState,
) -> Option<String> {
    match ev {
        Some(ClientEvent::Detach) | None => {
            let name = shared
                .lock()
                .sessions
                .get(&sid)
                .map(|s| s.name.clone())
                .unwrap_or_default();
            Some(format!("[detached (from session {name})]"))
        }
        Some(ClientEvent::Message(text, ms)) => {
            // 0 (display-time 0, display-message -d 0): until a key clears it.
            let shown = if ms == 0 {
                UNTIL_KEY
            } else {
                Duration::from_millis(ms)
            };
            *message = Some((text, Instant::now() + shown));
            None
        }
        Some(ClientEvent::Overlay(request)) => {
            if keys.overlay.open(request) {
                *message = None;
            }
            None
        }
    }
}

fn send_key(st: &State, pane: u32, key: Option<KeyCode>, raw: &[u8]) {
    let Some(p) = st.panes.get(&pane) else { return };
    let m = p.term.modes();
    let modes = PaneKeyModes {
        cursor_keys_application: m.cursor_keys_application,
        keypad_application: m.keypad_application,
        xterm_keys: true,
    };
    let bytes = key
        .and_then(|k| pane_key_bytes(k, modes))
        .unwrap_or_else(|| raw.to_vec());
    p.write(bytes);
}

/// The session's current window, as owned data (pane ids and geometry) plus its status bar.
type SceneData = (u16, u16, Vec<(u32, u16, u16, u16, u16)>, u32);

fn scene_geometry(st: &crate::state::State, sid: u32) -> Option<SceneData> {
    let s = st.sessions.get(&sid)?;
    let w = s.windows.get(&s.current)?;
    let panes = w
        .visible()
        .iter()
        .map(|g| (g.id, g.xoff, g.yoff, g.sx, g.sy))
        .collect();
    Some((w.sx, w.sy, panes, w.active))
}

/// The status line's content from the status options and formats.
fn status_bar(st: &crate::state::State, sid: u32) -> Option<StatusBar> {
    let s = st.sessions.get(&sid)?;
    let w = s.windows.get(&s.current)?;
    let windows = s
        .windows
        .keys()
        .map(|idx| StatusWindow {
            idx: i64::from(*idx),
            name: format::window_name(st, sid, *idx),
            active: *idx == s.current,
            last: s.last == Some(*idx),
        })
        .collect();
    let ctx = format::Ctx {
        session: sid,
        window: s.current,
        pane: w.active,
    };
    let clock = tmate_term::status_clock(SystemTime::now());
    let side = |name: &str, len: &str| {
        let fmt = st.option(sid, s.current, name);
        let default = crate::options::lookup(name)
            .map(|d| d.default)
            .unwrap_or_default();
        let text = if fmt == default && name == "status-right" {
            // The default's `#{?window_bigger,...}` part is always empty here.
            let title = format::expand(st, ctx, "#{=21:pane_title}");
            format!("\"{title}\" {clock}")
        } else {
            strftime(&format::expand(st, ctx, &fmt), &clock)
        };
        let width = usize::try_from(st.option_num(sid, s.current, len)).unwrap_or(0);
        tmate_term::truncate_markup(&text, width)
    };
    Some(StatusBar {
        left: side("status-left", "status-left-length"),
        right: side("status-right", "status-right-length"),
        windows,
    })
}

/// The strftime fields of tmux's default clock, from `HH:MM DD-Mon-YY` (UTC, tmate-term).
fn strftime(text: &str, clock: &str) -> String {
    if !text.contains('%') {
        return text.to_string();
    }
    let f: Vec<&str> = clock.split([' ', ':', '-']).collect();
    let field = |i: usize| f.get(i).copied().unwrap_or_default();
    text.replace("%H", field(0))
        .replace("%M", field(1))
        .replace("%d", field(2))
        .replace("%b", field(3))
        .replace("%y", field(4))
        .replace("%%", "%")
}

fn build<'a>(st: &'a crate::state::State, data: &SceneData, status: StatusBar) -> Scene<'a> {
    let (sx, sy, panes, active) = data;
    Scene {
        session_cols: *sx,
        session_rows: *sy,
        panes: panes
            .iter()
            .filter_map(|(id, xoff, yoff, cols, rows)| {
                st.panes.get(id).map(|p| ScenePane {
                    id: i64::from(*id),
                    xoff: *xoff,
                    yoff: *yoff,
                    cols: *cols,
                    rows: *rows,
                    term: &p.term,
                })
            })
            .collect(),
        active_pane: Some(i64::from(*active)),
        status: Some(status),
        message: None,
    }
}
