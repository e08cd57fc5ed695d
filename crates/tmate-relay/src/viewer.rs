//! One SSH viewer: a task that owns its terminal (input parsing, prefix key tables, prompts,
//! messages) and draws the session for it from the mirror, at most once per frame interval and
//! only where the picture changed. A slow viewer delays only itself.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use russh::ChannelId;
use russh::server::Handle;
use tmate_proto::{InputEvent, InputParser, KeyCode, RawStr, ServerMessage};
use tmate_term::{Renderer, compose_into};
use tokio::sync::{mpsc, watch};
use tokio::time::{sleep_until, timeout};

use crate::bindings::{classify, parse_command_line};
use crate::frames::{FrameKey, SharedDiff};
use crate::session::{HOST_SESSION_NAME, Session, VIEWER_EVENTS, ViewerEvent};
use tmate_proto::command::{Args, ViewerCommand};
use tmate_proto::keytable::{KeyContext, KeyDispatch, KeyOutcome};

/// What the SSH connection hands to a viewer's task.
#[derive(Debug)]
pub enum ViewerInput {
    Data(Vec<u8>),
    Resize {
        cols: u16,
        rows: u16,
    },
    /// Whether its size counts in the session's size (a touch browser's choice, `web`).
    Sizing(bool),
}

/// Input queued from the connection to the task before the connection waits.
pub const VIEWER_INPUT_QUEUE: usize = 256;

/// Timing of a viewer's task.
#[derive(Debug, Clone, Copy)]
pub struct ViewerTiming {
    /// Shortest time between two frames while the panes print a lot (a burst is shown as a
    /// few frames, not replayed).
    pub frame_interval: Duration,
    /// Shortest time between two frames for small changes (a keystroke's echo is drawn at once).
    pub quick_interval: Duration,
    /// PTY bytes since the last frame below which a change counts as small.
    pub small_update: u64,
    /// How long a lone ESC waits for the rest of a sequence (tmux's escape-time).
    pub escape_time: Duration,
    /// How long a frame may wait for the viewer's SSH window before the viewer is dropped.
    pub stall_limit: Duration,
    /// While a viewer types, how long after its task drew a change the other viewers are
    /// told of it (`Session::mark_changed`), so the typist's echo is encrypted and written
    /// first (on 2 cores, twenty viewers woken and drawn at once put the typist's echo behind
    /// nineteen others'). Measured with 20 viewers (docs/BENCHMARKS.md): 0.75 ms gives the
    /// typist the same gain as 2 ms at about half the watchers' extra wait.
    pub typist_lead: Duration,
}

/// How long after a viewer's last key it counts as the typist.
pub(crate) const TYPING_RECENTLY: Duration = Duration::from_secs(1);

impl Default for ViewerTiming {
    fn default() -> Self {
        ViewerTiming {
            frame_interval: Duration::from_millis(16),
            quick_interval: Duration::from_millis(2),
            small_update: 1024,
            typist_lead: Duration::from_micros(750),
            escape_time: Duration::from_millis(50),
            stall_limit: Duration::from_secs(60),
        }
    }
}

/// Everything a viewer task needs.
pub struct ViewerSetup {
    pub session: Arc<Session>,
    pub viewer_id: u64,
    pub read_only: bool,
    pub cols: u16,
    pub rows: u16,
    pub addr: Option<SocketAddr>,
    pub output: ViewerOutput,
    pub timing: ViewerTiming,
    /// For its events and metrics.
    pub shared: Arc<crate::Shared>,
    pub transport: crate::metrics::Transport,
    /// SHA256 fingerprint of the key the viewer authenticated with, if any.
    pub key: Option<String>,
    /// Whether its size counts in the session's size from the start (`ViewerInput::Sizing`).
    pub sizing: bool,
}

/// Start a viewer; the returned sender feeds it what the viewer types and its resizes. Dropping
/// the sender (the connection closed) ends the task.
pub fn spawn(setup: ViewerSetup) -> mpsc::Sender<ViewerInput> {
    let (input_tx, input_rx) = mpsc::channel(VIEWER_INPUT_QUEUE);
    tokio::spawn(run(setup, input_rx));
    input_tx
}

enum PromptKind {
    /// command-prompt: the template (with `%%` for the input) or none (the input is a command).
    Command { template: Option<String> },
    /// confirm-before: the commands to run on `y`.
    Confirm { commands: Vec<Vec<String>> },
}

struct Prompt {
    kind: PromptKind,
    label: String,
    input: String,
}

struct Viewer {
    session: Arc<Session>,
    viewer_id: u64,
    client_id: i64,
    read_only: bool,
    cols: u16,
    rows: u16,
    parser: InputParser,
    escape_deadline: Option<Instant>,
    /// Where its keys go (prefix, repeat): tmux's dispatch, as on the host.
    keys: KeyDispatch,
    prompt: Option<Prompt>,
    message: Option<(String, Instant)>,
    /// What this viewer's terminal shows, shared with the viewers that show the same.
    renderer: Arc<Renderer>,
    /// The shared frame the terminal shows (None after a reset: nothing to diff from).
    shown: Option<u64>,
    dirty: bool,
    /// Wakes this task alone for a change while it is the typist (`Session::mark_changed`).
    typist_wake: Arc<tokio::sync::Notify>,
    /// Set when the viewer must go, with what to print on the way out.
    closing: Option<String>,
}

async fn run(setup: ViewerSetup, input: mpsc::Receiver<ViewerInput>) {
    let ViewerSetup {
        session,
        viewer_id,
        read_only,
        cols,
        rows,
        addr,
        output,
        timing,
        shared,
        transport,
        key,
        sizing,
    } = setup;
    let (events_tx, events) = mpsc::channel(VIEWER_EVENTS);
    let changed = session.subscribe();
    let kind = crate::session::ViewerKind {
        read_only,
        web: transport == crate::metrics::Transport::web,
        sizing,
    };
    let client_id = session.add_viewer(viewer_id, kind, cols, rows, addr, events_tx);
    let mut viewer = Viewer::new(session.clone(), viewer_id, client_id, read_only, cols, rows);
    let info = crate::events::ViewerInfo {
        transport,
        read_only,
        addr,
        key,
        client_id,
    };
    shared.viewer_joined(&session, &info);
    if session.lock().host_disconnected_at.is_some() {
        viewer.show(
            "The host disconnected; waiting for it to reconnect...",
            Duration::from_secs(3600),
        );
    }

    let mut out = Vec::new();
    Arc::make_mut(&mut viewer.renderer).enter(&mut out);
    // The network writes happen in their own task, one frame at a time: this task never waits
    // for the viewer's SSH window, so it keeps reading the viewer's input (a paste while the
    // window is full would otherwise stall the connection that must deliver the window adjust).
    let (frames, frames_rx) = mpsc::channel::<bytes::Bytes>(1);
    let writer = tokio::spawn(write_frames(output, frames_rx, timing.stall_limit));
    let sources = Sources {
        input,
        events,
        changed,
    };
    serve(&mut viewer, &shared, &timing, out, &frames, sources).await;

    session.remove_viewer(viewer_id);
    shared.viewer_left(&session, &info);
    say_goodbye(&mut viewer, frames, writer).await;
}

/// What wakes a viewer's task besides its timers.
struct Sources {
    /// What the viewer types, its resizes.
    input: mpsc::Receiver<ViewerInput>,
    /// Messages and the order to go, from the session.
    events: mpsc::Receiver<ViewerEvent>,
    /// The session's picture changed (its generation).
    changed: watch::Receiver<u64>,
}

/// The viewer's loop: a frame when one is due and the writer can take it; else wait for
/// input, session events and changes, the writer, or a timer. Returns when the viewer goes.
async fn serve(
    viewer: &mut Viewer,
    shared: &crate::Shared,
    timing: &ViewerTiming,
    mut out: Vec<u8>,
    frames: &mpsc::Sender<bytes::Bytes>,
    sources: Sources,
) {
    let Sources {
        mut input,
        mut events,
        mut changed,
    } = sources;
    let session = viewer.session.clone();
    let client_id = viewer.client_id;
    let mut pacing = Pacing::new(session.pty_bytes());
    let typist_wake = viewer.typist_wake.clone();
    let outlet = Outlet {
        shared,
        timing,
        frames,
    };
    loop {
        let now = Instant::now();
        let (frame_due, due_now) = match pacing.draw(viewer, &outlet, &mut out, &changed, now) {
            FrameStep::Sent => continue,
            FrameStep::WriterGone => break,
            FrameStep::Wait { frame_due, due_now } => (frame_due, due_now),
        };
        let deadline = viewer.next_deadline(frame_due.filter(|_| !due_now), pacing.lead_end);
        tokio::select! {
            received = input.recv() => match received {
                None => break,
                Some(ViewerInput::Data(bytes)) => viewer.on_input(&bytes, timing.escape_time),
                Some(ViewerInput::Resize { cols, rows }) => viewer.on_resize(cols, rows),
                Some(ViewerInput::Sizing(sizing)) => {
                    session.set_viewer_sizing(viewer.viewer_id, sizing);
                }
            },
            event = events.recv() => match event {
                None => break,
                Some(ViewerEvent::Message { text, duration }) => viewer.show(&text, duration),
                Some(ViewerEvent::Close { reason }) => viewer.closing = Some(reason),
            },
            result = changed.changed() => {
                if result.is_err() {
                    break;
                }
                if !viewer.dirty && pacing.drawn_generation == Some(*changed.borrow_and_update()) {
                    // The typist's change, drawn before the others were told.
                    continue;
                }
                if viewer.dirty {
                    // Folded into the frame still to be drawn.
                    shared.metrics.frames_skipped.inc();
                }
                viewer.dirty = true;
            }
            () = typist_wake.notified() => {
                viewer.dirty = true;
            }
            // A frame is due but the previous one is still being written: wait for the writer
            // (the frame drawn then shows the latest state; the ones in between are skipped).
            permit = frames.reserve(), if due_now => {
                if permit.is_err() {
                    tracing::info!(session = %session.label(), client_id, "viewer stalled or gone; dropping it");
                    break;
                }
            }
            () = sleep_until_opt(deadline) => viewer.on_timers(),
        }
        if viewer.closing.is_some() {
            break;
        }
    }
}

/// When a viewer's frames were drawn, and the typist's lead.
struct Pacing {
    last_frame: Option<Instant>,
    /// The session's PTY bytes when the last frame was drawn (an echo or a flood since).
    pty_bytes_drawn: u64,
    /// The session generation the last frame showed.
    drawn_generation: Option<u64>,
    /// When the other viewers are told of a change this viewer, typing, drew first.
    lead_end: Option<Instant>,
}

/// Where a viewer's frames go, and how they are paced.
#[derive(Clone, Copy)]
struct Outlet<'a> {
    shared: &'a crate::Shared,
    timing: &'a ViewerTiming,
    frames: &'a mpsc::Sender<bytes::Bytes>,
}

/// What `Pacing::draw` did.
enum FrameStep {
    /// A frame went to the writer (or there was nothing to send): look again.
    Sent,
    /// The writer gave up on this viewer (stalled or gone).
    WriterGone,
    /// No frame now: when one is due, and whether it is due already (waiting for the writer).
    Wait {
        frame_due: Option<Instant>,
        due_now: bool,
    },
}

impl Pacing {
    fn new(pty_bytes: u64) -> Self {
        Pacing {
            last_frame: None,
            pty_bytes_drawn: pty_bytes,
            drawn_generation: None,
            lead_end: None,
        }
    }

    /// Draw and queue a frame when one is due and the writer can take it; otherwise tell the
    /// other viewers of a change held for this typist once its lead is over (or at once when
    /// this viewer does not draw it now).
    fn draw(
        &mut self,
        viewer: &mut Viewer,
        outlet: &Outlet<'_>,
        out: &mut Vec<u8>,
        changed: &watch::Receiver<u64>,
        now: Instant,
    ) -> FrameStep {
        let Outlet {
            shared,
            timing,
            frames,
        } = *outlet;
        let session = &viewer.session;
        let frame_due = viewer.frame_due(self.last_frame, self.pty_bytes_drawn, timing, now);
        let due_now = frame_due.is_some_and(|due| due <= now);
        if due_now && frames.capacity() > 0 {
            self.pty_bytes_drawn = session.pty_bytes();
            let generation = *changed.borrow();
            self.drawn_generation = Some(generation);
            self.last_frame = Some(now);
            let deferred = session.change_deferred();
            if let Some(bytes) = viewer.frame(generation, out) {
                shared.metrics.frames_sent.inc();
                shared
                    .metrics
                    .bytes(crate::metrics::Direction::viewer_out, bytes.len());
                if frames.try_send(bytes).is_err() {
                    return FrameStep::WriterGone;
                }
            }
            if deferred {
                // This typist's echo is on its way: the others draw theirs after the lead.
                self.lead_end.get_or_insert(now + timing.typist_lead);
            }
            return FrameStep::Sent;
        }
        match self.lead_end {
            Some(end) if end > now => {}
            _ => {
                self.lead_end = None;
                viewer.session.release_deferred_change();
            }
        }
        FrameStep::Wait { frame_due, due_now }
    }
}

/// The terminal back to how the viewer had it (and why the viewer goes), after the frames
/// queued; the writer then closes the channel.
async fn say_goodbye(
    viewer: &mut Viewer,
    frames: mpsc::Sender<bytes::Bytes>,
    writer: tokio::task::JoinHandle<()>,
) {
    let mut goodbye = Vec::new();
    Arc::make_mut(&mut viewer.renderer).leave(&mut goodbye);
    if let Some(reason) = &viewer.closing {
        goodbye.extend_from_slice(reason.as_bytes());
        goodbye.extend_from_slice(b"\r\n");
    }
    // The writer sends what is queued, then this, then closes the channel.
    let _ = timeout(
        Duration::from_secs(2),
        frames.send(bytes::Bytes::from(goodbye)),
    )
    .await;
    drop(frames);
    let _ = timeout(Duration::from_secs(5), writer).await;
}

/// Where a viewer's frames go.
pub enum ViewerOutput {
    /// An SSH viewer's session channel.
    Ssh {
        handle: Handle,
        channel: ChannelId,
        /// Drops the viewer's whole connection (its writes stalled).
        kill: Arc<tokio::sync::Notify>,
    },
    /// A browser viewer's WebSocket task; the channel closing means the viewer is done.
    Web(mpsc::Sender<bytes::Bytes>),
}

/// Write a viewer's frames in order; close the channel (or let the WebSocket task close) when
/// the viewer task is done. Gives up (ending the viewer) when one write waits longer than
/// `stall_limit` for the viewer to take it.
pub(crate) async fn write_frames(
    output: ViewerOutput,
    mut frames: mpsc::Receiver<bytes::Bytes>,
    stall_limit: Duration,
) {
    while let Some(bytes) = frames.recv().await {
        let sent = match &output {
            ViewerOutput::Ssh {
                handle, channel, ..
            } => timeout(stall_limit, handle.data(*channel, bytes))
                .await
                .is_ok_and(|r| r.is_ok()),
            ViewerOutput::Web(socket) => timeout(stall_limit, socket.send(bytes))
                .await
                .is_ok_and(|r| r.is_ok()),
        };
        if !sent {
            // Stalled past the limit (or gone): closing politely would queue behind the same
            // full window, so the connection is dropped.
            if let ViewerOutput::Ssh { kill, .. } = &output {
                kill.notify_one();
            }
            return;
        }
    }
    if let ViewerOutput::Ssh {
        handle, channel, ..
    } = output
    {
        let _ = handle.exit_status_request(channel, 0).await;
        let _ = handle.eof(channel).await;
        let _ = handle.close(channel).await;
    }
}

/// `ESC [ 200 ~` and `ESC [ 201 ~`, which open and close a bracketed paste.
fn is_paste_marker(raw: &[u8]) -> bool {
    raw == b"\x1b[200~" || raw == b"\x1b[201~"
}

async fn sleep_until_opt(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => sleep_until(deadline.into()).await,
        None => std::future::pending().await,
    }
}

impl Viewer {
    fn new(
        session: Arc<Session>,
        viewer_id: u64,
        client_id: i64,
        read_only: bool,
        cols: u16,
        rows: u16,
    ) -> Self {
        Viewer {
            session,
            viewer_id,
            client_id,
            read_only,
            cols,
            rows,
            parser: InputParser::new(),
            escape_deadline: None,
            keys: KeyDispatch::default(),
            prompt: None,
            message: None,
            renderer: Arc::new(Renderer::new()),
            shown: None,
            dirty: true,
            typist_wake: Arc::new(tokio::sync::Notify::new()),
            closing: None,
        }
    }

    /// When the next frame may be drawn: never while nothing changed, the first at once, then
    /// `quick_interval` after the last for a small change (a keystroke's echo) or
    /// `frame_interval` while the panes print a lot.
    fn frame_due(
        &self,
        last_frame: Option<Instant>,
        pty_bytes_drawn: u64,
        timing: &ViewerTiming,
        now: Instant,
    ) -> Option<Instant> {
        if !self.dirty {
            return None;
        }
        let small = self.session.pty_bytes().saturating_sub(pty_bytes_drawn) < timing.small_update;
        let due = match last_frame {
            Some(last) if small => last + timing.quick_interval,
            Some(last) => last + timing.frame_interval,
            None => now,
        };
        Some(due)
    }

    /// The soonest of: a frame not due yet, the end of the typist's lead, the message's end, a
    /// lone ESC's wait, the end of the repeat time.
    fn next_deadline(
        &self,
        frame_later: Option<Instant>,
        lead_end: Option<Instant>,
    ) -> Option<Instant> {
        [
            frame_later,
            lead_end,
            self.message.as_ref().map(|(_, until)| *until),
            self.escape_deadline,
            self.keys.repeat_deadline(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Draw a frame behind what `out` holds; None when there is nothing to send.
    fn frame(&mut self, generation: u64, out: &mut Vec<u8>) -> Option<bytes::Bytes> {
        let diff = self.draw(generation);
        self.dirty = false;
        if out.is_empty() && diff.is_empty() {
            return None;
        }
        // Anything queued before (entering the alternate screen) goes first.
        Some(if out.is_empty() {
            diff
        } else {
            out.extend_from_slice(&diff);
            bytes::Bytes::from(std::mem::take(out))
        })
    }

    fn show(&mut self, text: &str, duration: Duration) {
        self.message = Some((text.to_string(), Instant::now() + duration));
        self.dirty = true;
    }

    fn message_line(&self) -> Option<String> {
        match &self.prompt {
            Some(prompt) => Some(format!("{}{}", prompt.label, prompt.input)),
            None => self.message.as_ref().map(|(text, _)| text.clone()),
        }
    }

    /// The bytes that bring this viewer's terminal to the session's current picture. Viewers of
    /// the same size showing the same picture share the composed frame and the diff.
    fn draw(&mut self, generation: u64) -> bytes::Bytes {
        let now = SystemTime::now();
        let key = FrameKey {
            generation,
            cols: self.cols,
            rows: self.rows,
            message: self.message_line(),
            minute: now
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() / 60),
        };
        let message = key.message.clone();
        let session = self.session.clone();
        let (cols, rows) = (self.cols, self.rows);
        let shown = self.shown;
        let renderer = &mut self.renderer;
        let (id, drawn) = session.frames.with_frame(
            key,
            |frame| {
                let mut state = session.lock();
                state.prepare_views();
                let scene = state.scene(message, now);
                compose_into(&scene, cols, rows, frame);
            },
            |id, frame| {
                if let Some(from) = shown
                    && let Some(diff) = session.frames.diff(from, id)
                {
                    *renderer = diff.renderer.clone();
                    return (id, Err(diff.bytes.clone()));
                }
                let mut out = Vec::new();
                let drawing = Arc::make_mut(renderer);
                drawing.render(frame, &mut out);
                drawing.canonicalize();
                (id, Ok(bytes::Bytes::from(out)))
            },
        );
        self.shown = Some(id);
        // Err: another viewer's diff, already shared.
        let bytes = match drawn {
            Ok(bytes) => bytes,
            Err(shared) => return shared,
        };
        // Offer the diff to the other viewers of this size (alone, there is nobody to share with).
        let peers = session
            .lock()
            .viewers
            .values()
            .filter(|v| v.cols == cols && v.rows == rows)
            .count();
        if let Some(from) = shown
            && peers > 1
        {
            session.frames.store_diff(Arc::new(SharedDiff {
                from,
                to: id,
                bytes: bytes.clone(),
                renderer: self.renderer.clone(),
            }));
        }
        bytes
    }

    fn on_resize(&mut self, cols: u16, rows: u16) {
        self.cols = cols.max(1);
        self.rows = rows.max(1);
        Arc::make_mut(&mut self.renderer).reset();
        self.shown = None;
        self.dirty = true;
        self.session
            .resize_viewer(self.viewer_id, self.cols, self.rows);
    }

    fn on_timers(&mut self) {
        let now = Instant::now();
        if let Some((_, until)) = &self.message
            && *until <= now
        {
            self.message = None;
            self.dirty = true;
        }
        if self.escape_deadline.is_some_and(|d| d <= now) {
            self.escape_deadline = None;
            let mut events = Vec::new();
            self.parser.flush(&mut events);
            self.on_events(events);
        }
        self.keys.expire(now);
    }

    fn on_input(&mut self, bytes: &[u8], escape_time: Duration) {
        let mut events = Vec::new();
        self.parser.feed(bytes, &mut events);
        self.escape_deadline = if self.parser.pending().is_empty() {
            None
        } else {
            Some(Instant::now() + escape_time)
        };
        self.on_events(events);
    }

    fn on_events(&mut self, events: Vec<InputEvent>) {
        for event in events {
            if self.closing.is_some() {
                return;
            }
            match event {
                InputEvent::Key { key, .. } => self.on_key(key),
                InputEvent::Unrecognized { raw } if is_paste_marker(&raw) => {
                    self.paste_marker(&raw);
                }
                // Mouse reports and sequences that are no key are not passed on: the host's
                // pane did not ask for them and they would arrive as garbage.
                InputEvent::Mouse { .. }
                | InputEvent::Unrecognized { .. }
                | InputEvent::Reply { .. } => {}
            }
        }
    }

    fn on_key(&mut self, key: KeyCode) {
        if self.prompt.is_some() {
            self.prompt_key(key);
            return;
        }
        let outcome = {
            let state = self.session.lock();
            let bindings = &state.bindings;
            let context = KeyContext {
                tables: &bindings.tables,
                prefixes: bindings.prefix_keys(),
                repeat_time: bindings.repeat_time(),
                // Viewers have no copy mode of their own: no mode table.
                mode_table: None,
                default_table: "root",
            };
            self.keys.key(key, Instant::now(), &context)
        };
        match outcome {
            KeyOutcome::Run(commands) => self.run_commands(&commands),
            KeyOutcome::Pane => self.send_key(key),
            KeyOutcome::Prefix | KeyOutcome::Dropped => {}
        }
    }

    /// A bracketed-paste marker from the viewer's terminal (which only brackets pastes while
    /// the active pane asked, `CSI ? 2004 h`, mirrored by the renderer): passed to that pane as
    /// its bytes, one key each (tmate's PANE_KEY writes a plain key's byte as it is), so the
    /// program sees the paste bracketed; dropped when the pane does not want it.
    fn paste_marker(&mut self, raw: &[u8]) {
        let wanted = {
            let state = self.session.lock();
            state.layout.as_ref().is_some_and(|layout| {
                layout
                    .windows
                    .iter()
                    .find(|w| w.idx == layout.active_window_idx)
                    .and_then(|w| state.panes.get(&w.active_pane_id))
                    .is_some_and(|pane| pane.term.modes().bracketed_paste)
            })
        };
        if wanted && self.keys.is_idle() {
            for &byte in raw {
                self.send_key(KeyCode(u64::from(byte)));
            }
        }
    }

    /// An unbound key goes to the host's active pane.
    fn send_key(&mut self, key: KeyCode) {
        if self.read_only {
            return;
        }
        self.session.note_typist(self.viewer_id, &self.typist_wake);
        self.session
            .send_to_host(ServerMessage::PaneKey { pane_id: -1, key });
    }

    fn run_commands(&mut self, commands: &[Vec<String>]) {
        for argv in commands {
            if self.closing.is_some() || self.prompt.is_some() {
                return;
            }
            self.run_command(argv);
        }
    }

    fn run_command(&mut self, argv: &[String]) {
        let Some((name, args)) = argv.split_first() else {
            return;
        };
        // A read-only viewer can only leave.
        if self.read_only && !matches!(name.as_str(), "detach-client" | "detach") {
            return;
        }
        match classify(name) {
            ViewerCommand::Forward => {
                let argv = argv.iter().map(|a| RawStr::from(a.as_str())).collect();
                if !self.session.send_to_host(ServerMessage::ExecCmd {
                    client_id: self.client_id,
                    argv,
                }) {
                    self.show("The host is not connected", Duration::from_secs(2));
                }
            }
            ViewerCommand::Unavailable => {
                self.show(
                    &format!("{name}: not available to viewers"),
                    Duration::from_secs(2),
                );
            }
            ViewerCommand::Relay => self.run_local(name, args),
        }
    }

    fn run_local(&mut self, name: &str, args: &[String]) {
        let Ok(spec) = tmate_proto::command::find(name) else {
            return;
        };
        let args = match Args::parse(spec, args) {
            Ok(args) => args,
            Err(error) => {
                self.show(&error, Duration::from_secs(2));
                return;
            }
        };
        let rest = &args.rest;
        match spec.name {
            "detach-client" => {
                // tmux's line, with the host's session name (SSH and web viewers, rw and ro).
                self.closing = Some(format!("[detached (from session {HOST_SESSION_NAME})]"));
            }
            "send-prefix" => {
                let prefixes = self.session.lock().bindings.prefix_keys();
                let index = usize::from(args.has('2'));
                if let Some(Some(key)) = prefixes.get(index) {
                    self.send_key(*key);
                }
            }
            "refresh-client" => {
                Arc::make_mut(&mut self.renderer).reset();
                self.shown = None;
                self.dirty = true;
            }
            "display-message" => {
                let text = match rest.first() {
                    Some(text) => self.expand(text),
                    None => self.expand("[#S] #I:#P, current pane #D - (#W)"),
                };
                if !args.has('p') {
                    let duration = self.session.lock().bindings.display_time();
                    self.show(&text, duration.max(Duration::from_millis(750)));
                }
            }
            "command-prompt" => self.open_command_prompt(&args),
            "confirm-before" => self.open_confirm(&args),
            other => {
                self.show(
                    &format!("{other}: only the host can change bindings and options"),
                    Duration::from_secs(2),
                );
            }
        }
    }

    /// command-prompt: a prompt whose line runs as a command (or fills the template).
    fn open_command_prompt(&mut self, args: &Args) {
        let rest = &args.rest;
        // tmux: `(PROMPT) ` with -p, else `(COMMAND) ` of the template, else `:`.
        let label = match (args.get('p'), rest.first()) {
            (Some(p), _) => format!("({}) ", p.split(',').next().unwrap_or_default()),
            (None, Some(template)) => {
                let name = template.split([' ', ',']).next().unwrap_or_default();
                format!("({name}) ")
            }
            (None, None) => ":".to_string(),
        };
        let input = args
            .get('I')
            .map(|i| self.expand(i.split(',').next().unwrap_or_default()))
            .unwrap_or_default();
        self.prompt = Some(Prompt {
            kind: PromptKind::Command {
                template: rest.first().cloned(),
            },
            label,
            input,
        });
        self.dirty = true;
    }

    /// confirm-before: a y/n prompt for the command, which must parse.
    fn open_confirm(&mut self, args: &Args) {
        let Some(command) = args.rest.first() else {
            return;
        };
        let commands = match parse_command_line(command) {
            Ok(commands) => commands,
            Err(e) => {
                self.show(&e, Duration::from_secs(2));
                return;
            }
        };
        let label = match args.get('p') {
            Some(p) => self.expand(p),
            None => format!("Confirm '{command}'? (y/n)"),
        };
        self.prompt = Some(Prompt {
            kind: PromptKind::Confirm { commands },
            label,
            input: String::new(),
        });
        self.dirty = true;
    }

    /// A few of tmux's format variables, from the mirror: enough for the default bindings'
    /// prompts (`#W`, `#S`, `#I`, `#P`, `#D`).
    fn expand(&self, text: &str) -> String {
        let state = self.session.lock();
        let layout = state.layout.as_ref();
        let window = layout.and_then(|l| l.windows.iter().find(|w| w.idx == l.active_window_idx));
        let pane_index = window
            .and_then(|w| w.panes.iter().position(|p| p.id == w.active_pane_id))
            .unwrap_or(0);
        let mut out = String::new();
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            if c != '#' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('W') => {
                    out.push_str(&window.map(|w| w.name.to_string_lossy()).unwrap_or_default())
                }
                Some('S') => out.push_str(HOST_SESSION_NAME),
                Some('I') => out.push_str(&window.map_or(0, |w| w.idx).to_string()),
                Some('P') => out.push_str(&pane_index.to_string()),
                Some('D') => out.push_str(&format!("%{}", window.map_or(0, |w| w.active_pane_id))),
                Some('H' | 'h') => out.push_str(&state.host_name),
                Some('#') => out.push('#'),
                Some(other) => {
                    out.push('#');
                    out.push(other);
                }
                None => out.push('#'),
            }
        }
        out
    }

    fn prompt_key(&mut self, key: KeyCode) {
        let Some(prompt) = self.prompt.as_mut() else {
            return;
        };
        self.dirty = true;
        if let PromptKind::Confirm { commands } = &prompt.kind {
            let commands = commands.clone();
            self.prompt = None;
            if key == KeyCode::char('y') {
                self.run_commands(&commands);
            }
            return;
        }
        match key {
            KeyCode::ENTER => {
                let Some(prompt) = self.prompt.take() else {
                    return;
                };
                let line = match &prompt.kind {
                    PromptKind::Command {
                        template: Some(template),
                    } => template
                        .replace("%%", &prompt.input)
                        .replace("%1", &prompt.input),
                    _ => prompt.input.clone(),
                };
                match parse_command_line(&line) {
                    Ok(commands) => self.run_commands(&commands),
                    Err(e) => self.show(&e, Duration::from_secs(2)),
                }
            }
            // Escape, C-c, C-g: cancel.
            KeyCode(0x1b) | KeyCode(0x03) | KeyCode(0x07) => self.prompt = None,
            KeyCode::BSPACE | KeyCode(0x08) => {
                prompt.input.pop();
            }
            // C-u: clear the line.
            KeyCode(0x15) => prompt.input.clear(),
            key if key.0 >= 0x20 && key.0 != 0x7f && key.0 < KeyCode::BASE => {
                if let Some(c) = u32::try_from(key.0).ok().and_then(char::from_u32)
                    && prompt.input.len() < 1024
                {
                    prompt.input.push(c);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewer(session: &Arc<Session>, viewer_id: u64) -> Viewer {
        let mut viewer = Viewer::new(Arc::clone(session), viewer_id, 1, false, 80, 24);
        // Its first frame is drawn; then the session's picture changed.
        viewer.dirty = true;
        viewer
    }

    #[test]
    fn an_echo_is_drawn_at_once_and_a_flood_is_paced() {
        let session = Session::new(1, crate::registry::Tokens::random());
        let timing = ViewerTiming::default();
        let last_frame = Instant::now() - Duration::from_secs(1);
        let (mut typist, mut watcher) = (viewer(&session, 1), viewer(&session, 2));
        let now = Instant::now();
        for v in [&typist, &watcher] {
            let due = v.frame_due(Some(last_frame), 0, &timing, now);
            assert!(due.is_some_and(|due| due <= now), "{due:?}");
        }
        // A typist's echo is not held back here (the others are told of it later: below).
        typist.send_key(KeyCode(u64::from(b'a')));
        let now = Instant::now();
        let due = typist.frame_due(Some(last_frame), 0, &timing, now);
        assert!(due.is_some_and(|due| due <= now), "typist waits: {due:?}");
        // Small changes right after a frame wait the quick interval, a flood the frame interval.
        let due = watcher.frame_due(Some(now), 0, &timing, now);
        assert_eq!(due, Some(now + timing.quick_interval));
        let timing_small = ViewerTiming {
            small_update: 0,
            ..ViewerTiming::default()
        };
        let due = watcher.frame_due(Some(now), 0, &timing_small, now);
        assert_eq!(due, Some(now + timing_small.frame_interval));
        // Once drawn, nothing is due until the next change.
        let mut out = Vec::new();
        let _ = watcher.frame(session.owner_generation(), &mut out);
        typist.dirty = false;
        assert_eq!(watcher.frame_due(Some(now), 0, &timing, now), None);
    }

    #[tokio::test]
    async fn a_change_while_typing_wakes_the_typist_first_and_the_others_after_it() {
        let session = Session::new(1, crate::registry::Tokens::random());
        let mut watching = session.subscribe();
        let mut typist = viewer(&session, 1);
        let kind = crate::session::ViewerKind {
            read_only: false,
            web: false,
            sizing: true,
        };
        let (events, _events) = mpsc::channel(1);
        session.add_viewer(1, kind, 80, 24, None, events.clone());
        session.add_viewer(2, kind, 80, 24, None, events.clone());
        watching.borrow_and_update();
        // Nobody typed: everyone is told at once.
        session.mark_changed();
        assert!(watching.has_changed().unwrap_or(false));
        let seen = *watching.borrow_and_update();
        typist.send_key(KeyCode(u64::from(b'a')));
        session.mark_changed();
        // The typist's task is woken and already reads the new generation; the others not yet.
        let woken = timeout(Duration::from_secs(5), typist.typist_wake.notified()).await;
        assert!(woken.is_ok(), "the typist was not woken");
        assert!(!watching.has_changed().unwrap_or(true));
        assert_eq!(*watching.borrow(), seen + 1);
        session.release_deferred_change();
        assert!(watching.has_changed().unwrap_or(false));
        assert_eq!(*watching.borrow_and_update(), seen + 1);
        // Released once: a second release tells nobody anything.
        session.release_deferred_change();
        assert!(!watching.has_changed().unwrap_or(true));
        // A typist that leaves hands its waiting change on.
        session.mark_changed();
        assert!(!watching.has_changed().unwrap_or(true));
        session.remove_viewer(1);
        assert!(watching.has_changed().unwrap_or(false));
        watching.borrow_and_update();
        // Alone, a typist's changes are told at once (nobody to go before).
        session.add_viewer(1, kind, 80, 24, None, events);
        session.remove_viewer(2);
        watching.borrow_and_update();
        typist.send_key(KeyCode(u64::from(b'b')));
        session.mark_changed();
        assert!(watching.has_changed().unwrap_or(false));
    }
}
