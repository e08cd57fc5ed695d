//! One shared session as the relay mirrors it: the host's layout and pane screens, options and
//! key bindings, the attached viewers, and the outbox of messages to the host. A `Session`
//! outlives any one host connection, so a host that reconnects keeps its tokens and viewers.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use tmate_proto::{HostMessage, Layout, RawStr, ServerMessage};
use tmate_term::{CopyView, PaneTerm, Scene, ScenePane, StatusBar, StatusWindow, status_clock};
use tokio::sync::{mpsc, watch};

use crate::bindings::{Applied, Bindings};
use crate::frames::FrameCache;
use crate::token;

/// History kept per mirrored pane (tmate-ssh-server's TMATE_HLIMIT).
pub const PANE_HISTORY: usize = 2000;
/// Most panes a host may announce (the original server's limit).
pub const MAX_PANES: usize = tmate_proto::MAX_PANES;
/// Largest pane or session dimension accepted from a host.
pub const MAX_DIMENSION: i64 = 10_000;
/// Most screen cells (columns x rows, summed over a layout's panes) a host may announce: a
/// cell costs the relay tens of bytes, so this bounds one session's screens (~25 MB).
pub const MAX_LAYOUT_CELLS: usize = 1_000_000;
/// Scrollback cells (history lines x columns, over all panes) a session may keep: panes of an
/// unusually wide layout keep fewer than `PANE_HISTORY` lines.
pub const MAX_HISTORY_CELLS: usize = 2_000_000;
/// Bytes held for panes the host has not announced yet.
const MAX_UNANNOUNCED_PTY: usize = 64 * 1024;
/// Lines kept in a pane's copy-mode output view (tmate's own messages).
const MAX_OUTPUT_LINES: usize = 200;
/// Messages queued to the host before input from viewers is dropped (a host that stops
/// reading must not make the relay buffer without bound).
pub const HOST_OUTBOX: usize = 4096;
/// Events queued to one viewer's task.
pub const VIEWER_EVENTS: usize = 64;
/// The host's tmux session name as viewers are told it (`[detached (from session 0)]`, `#S`).
/// The host stream never carries it (SYNC_LAYOUT lists windows, not the session, and
/// rename-session is not replicated), and a tmate 2.4 host names its session `0` as tmux numbers
/// its first one, so that is the name (the original relay said its own tmux's `default`).
pub const HOST_SESSION_NAME: &str = "0";

/// What a viewer's task is told by the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ViewerEvent {
    /// Show a message in this viewer's status line for a while.
    Message { text: String, duration: Duration },
    /// The session is over (or the viewer was detached): say why and disconnect.
    Close { reason: String },
}

/// A viewer as the session sees it (its task owns the terminal side).
#[derive(Debug)]
pub struct ViewerEntry {
    pub client_id: i64,
    pub read_only: bool,
    pub cols: u16,
    pub rows: u16,
    pub addr: Option<SocketAddr>,
    pub events: mpsc::Sender<ViewerEvent>,
    /// A browser (counted apart in `Presence`).
    pub web: bool,
    /// Whether its size counts in the session's size (`viewer_size`): a touch browser shows the
    /// session at the session's size until its user asks to fit it to the screen.
    pub sizing: bool,
}

/// Who watches a session, as web pages show it (`web`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Presence {
    pub ssh_rw: usize,
    pub ssh_ro: usize,
    pub web_rw: usize,
    pub web_ro: usize,
}

/// The last clipboard text a pane set with OSC 52 (`osc`), numbered so pages tell a new copy
/// of the same text from the old one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Clipboard {
    pub serial: u64,
    pub text: std::sync::Arc<str>,
}

/// How a viewer joins: the part of `Session::add_viewer`'s arguments that describe it.
#[derive(Debug, Clone, Copy)]
pub struct ViewerKind {
    pub read_only: bool,
    pub web: bool,
    pub sizing: bool,
}

/// One mirrored pane: its terminal, and the copy-mode output view tmate writes its own
/// messages into (shown instead of the pane while open). The view's lines are kept as text and
/// drawn into a terminal only while someone watches: an idle headless session (tmate's start-up
/// messages stay open until someone presses `q`) then costs a few hundred bytes, not a grid.
pub struct PaneMirror {
    pub term: PaneTerm,
    /// Scrollback lines this pane was created with.
    history: usize,
    /// Lines of the open output view (`None`: no output view).
    output_lines: Option<VecDeque<Vec<u8>>>,
    /// The output view drawn into a terminal, while viewers are attached.
    output_view: Option<PaneTerm>,
    /// OSC 52 in its output (`osc`).
    osc: crate::osc::OscScanner,
}

impl PaneMirror {
    fn new(cols: u16, rows: u16, history: usize) -> Self {
        PaneMirror {
            term: PaneTerm::new(cols, rows, history),
            history,
            output_lines: None,
            output_view: None,
            osc: crate::osc::OscScanner::default(),
        }
    }

    /// What viewers see for this pane right now (after `prepare_view`).
    pub fn visible(&self) -> &PaneTerm {
        self.output_view.as_ref().unwrap_or(&self.term)
    }

    fn resize(&mut self, cols: u16, rows: u16) {
        self.term.resize(cols, rows);
        if let Some(view) = self.output_view.as_mut() {
            view.resize(cols, rows);
        }
    }

    /// Draw the open output view into a terminal, if it is not yet.
    fn prepare_view(&mut self) {
        let Some(lines) = &self.output_lines else {
            return;
        };
        if self.output_view.is_some() {
            return;
        }
        let (cols, rows) = self.term.size();
        let mut view = PaneTerm::new(cols, rows, MAX_OUTPUT_LINES);
        // The output view has no cursor (tmux hides it in copy mode).
        view.feed(b"\x1b[?25l");
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                view.feed(b"\r\n");
            }
            view.feed(line);
        }
        self.output_view = Some(view);
    }

    /// Forget the drawn view (nobody watches); its lines stay.
    fn release_view(&mut self) {
        self.output_view = None;
    }

    fn write_output_line(&mut self, text: &[u8]) {
        // The text is the host's own message: printable only, so it cannot move the cursor.
        let clean: Vec<u8> = text
            .iter()
            .copied()
            .filter(|&b| b >= 0x20 && b != 0x7f)
            .take(4096)
            .collect();
        let lines = self.output_lines.get_or_insert_with(VecDeque::new);
        if lines.len() >= MAX_OUTPUT_LINES {
            lines.pop_front();
        }
        if let Some(view) = self.output_view.as_mut() {
            if !lines.is_empty() {
                view.feed(b"\r\n");
            }
            view.feed(&clean);
        }
        lines.push_back(clean);
    }

    fn close_output_view(&mut self) {
        self.output_lines = None;
        self.output_view = None;
    }
}

/// Whether the host's stream goes on after a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostFlow {
    Continue,
    /// FIN arrived.
    Finished,
}

/// Why the host side of a session ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostEnd {
    /// FIN: the host's session is over.
    Finished,
    /// The host sent something the relay refuses; the reason is logged.
    Protocol(String),
    /// The connection dropped without FIN: the host may reconnect.
    Disconnected,
}

/// The mirrored state, behind the session's lock.
pub struct SessionState {
    pub bindings: Bindings,
    pub layout: Option<Layout>,
    pub panes: HashMap<i64, PaneMirror>,
    /// Index of the window that was current before the current one (`-` in the status line).
    pub last_window: Option<i64>,
    pub status: Option<(String, String)>,
    pub host_name: String,
    pub client_version: String,
    pub viewers: HashMap<u64, ViewerEntry>,
    next_client_id: i64,
    unannounced: Vec<(i64, Vec<u8>)>,
    unannounced_bytes: usize,
    /// Host link generation currently allowed to feed this session.
    pub host_generation: u64,
    pub host_connected: bool,
    pub host_disconnected_at: Option<Instant>,
    pub ended: bool,
}

/// A shared session.
pub struct Session {
    pub id: u64,
    pub token: String,
    pub token_ro: String,
    /// Which tokens are names the host asked for (`naming`).
    pub named: bool,
    pub named_ro: bool,
    /// The session's identity across its host's reconnections (`registry::Tokens`).
    pub session_key: String,
    /// Set when the session is closed to hand its name to a newer session: its host is hung
    /// up on (as a network drop would), so it reconnects and is told why.
    hang_up_host: std::sync::atomic::AtomicBool,
    state: Mutex<SessionState>,
    /// Bumped whenever what viewers see may have changed; viewers redraw from the mirror.
    changed: watch::Sender<u64>,
    /// The last OSC 52 text from a pane (`osc`), for read-write web pages.
    clipboard: watch::Sender<Clipboard>,
    /// Messages to the current host connection (replaced on reconnect).
    host_outbox: Mutex<Option<mpsc::Sender<ServerMessage>>>,
    /// Frames and diffs shared by this session's viewers.
    pub frames: FrameCache,
    /// PTY bytes received so far: viewers compare it between frames to tell a keystroke's echo
    /// (draw at once) from a flood of output (pace the frames).
    pty_bytes: AtomicU64,
    /// When its current host attached (ms since the epoch): in a cluster, the newest owner of a
    /// session's tokens wins (`cluster`).
    owner_generation: AtomicU64,
    /// What its lifecycle events remember (`events`).
    pub record: crate::events::SessionRecord,
    /// The viewer that sent the last key, and when: its echo is drawn before the other
    /// viewers' (`mark_changed`).
    typist: Mutex<Option<Typist>>,
    /// A change told to the typist alone so far (`mark_changed`); the others are told once
    /// the typist's task has drawn it (`release_deferred_change`).
    change_deferred: std::sync::atomic::AtomicBool,
    /// How many viewers it has (read without the state's lock: `mark_changed` may run under it).
    viewer_count: std::sync::atomic::AtomicUsize,
}

/// The viewer that typed last: when, and how to wake its task alone.
#[derive(Clone)]
struct Typist {
    viewer_id: u64,
    typed_at: std::time::Instant,
    wake: Arc<tokio::sync::Notify>,
}

/// A session's mirror and frames are the relay's big allocations: once they are freed, give
/// the memory back to the system (see `memory`).
impl Drop for Session {
    fn drop(&mut self) {
        crate::memory::freed_something_big();
    }
}

impl Session {
    pub fn new(id: u64, tokens: crate::registry::Tokens) -> Arc<Session> {
        let (changed, _) = watch::channel(0);
        let (clipboard, _) = watch::channel(Clipboard::default());
        Arc::new(Session {
            id,
            token: tokens.rw,
            token_ro: tokens.ro,
            named: tokens.rw_named,
            named_ro: tokens.ro_named,
            session_key: tokens.session_key,
            hang_up_host: std::sync::atomic::AtomicBool::new(false),
            state: Mutex::new(SessionState {
                bindings: Bindings::default(),
                layout: None,
                panes: HashMap::new(),
                last_window: None,
                status: None,
                host_name: String::new(),
                client_version: String::new(),
                viewers: HashMap::new(),
                next_client_id: 1,
                unannounced: Vec::new(),
                unannounced_bytes: 0,
                host_generation: 0,
                host_connected: false,
                host_disconnected_at: None,
                ended: false,
            }),
            changed,
            clipboard,
            host_outbox: Mutex::new(None),
            record: crate::events::SessionRecord::default(),
            pty_bytes: AtomicU64::new(0),
            owner_generation: AtomicU64::new(0),
            frames: FrameCache::default(),
            typist: Mutex::new(None),
            change_deferred: std::sync::atomic::AtomicBool::new(false),
            viewer_count: std::sync::atomic::AtomicUsize::new(0),
        })
    }

    /// `viewer_id` sent a key to the host just now; `wake` wakes its task alone.
    pub fn note_typist(&self, viewer_id: u64, wake: &Arc<tokio::sync::Notify>) {
        let mut typist = self.typist.lock().unwrap_or_else(PoisonError::into_inner);
        *typist = Some(Typist {
            viewer_id,
            typed_at: std::time::Instant::now(),
            wake: wake.clone(),
        });
    }

    /// The typist's waker while it typed recently and others watch (see `mark_changed`).
    fn recent_typist_wake(&self) -> Option<Arc<tokio::sync::Notify>> {
        if self.viewer_count.load(Ordering::Relaxed) < 2 {
            return None;
        }
        let typist = self.typist.lock().unwrap_or_else(PoisonError::into_inner);
        typist
            .as_ref()
            .filter(|t| t.typed_at.elapsed() < crate::viewer::TYPING_RECENTLY)
            .map(|t| t.wake.clone())
    }

    /// The mirrored state. A panic while it was held (which no code path should cause) must not
    /// take the other sessions down, so poisoning is ignored.
    pub fn lock(&self) -> MutexGuard<'_, SessionState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }

    /// OSC 52 texts from the panes (the current one is not news: `borrow_and_update` it).
    pub fn subscribe_clipboard(&self) -> watch::Receiver<Clipboard> {
        self.clipboard.subscribe()
    }

    pub fn pty_bytes(&self) -> u64 {
        self.pty_bytes.load(Ordering::Relaxed)
    }

    /// When this node's host attached (see the field).
    pub fn owner_generation(&self) -> u64 {
        self.owner_generation.load(Ordering::Relaxed)
    }

    /// What viewers see may have changed. While a viewer is typing, only its task is woken
    /// at first (the new generation is already readable) and the others when it has drawn
    /// its echo (`release_deferred_change`): on 2 cores, waking twenty viewer tasks at once put
    /// the typist's echo behind the others' polls.
    pub fn mark_changed(&self) {
        if let Some(wake) = self.recent_typist_wake() {
            self.changed.send_if_modified(|generation| {
                *generation += 1;
                false
            });
            self.change_deferred.store(true, Ordering::Release);
            wake.notify_one();
            return;
        }
        self.changed.send_modify(|generation| *generation += 1);
    }

    /// Whether a change was told to the typist alone so far.
    pub fn change_deferred(&self) -> bool {
        self.change_deferred.load(Ordering::Acquire)
    }

    /// Tell every viewer about a change told only to the typist so far (a no-op otherwise).
    /// Any viewer task may call it; the typist's does after drawing (or not drawing) its frame.
    pub fn release_deferred_change(&self) {
        if self.change_deferred.swap(false, Ordering::AcqRel) {
            self.changed.send_modify(|_| {});
        }
    }

    /// Short name for logs.
    pub fn label(&self) -> String {
        token::redact(&self.token)
    }

    /// Attach a new host connection; returns its generation. Messages queued for an older
    /// connection are dropped with it.
    pub fn attach_host(&self, outbox: mpsc::Sender<ServerMessage>) -> u64 {
        *self
            .host_outbox
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(outbox);
        self.owner_generation
            .store(crate::cluster::generation_now(), Ordering::Relaxed);
        let mut state = self.lock();
        state.host_generation += 1;
        state.host_connected = true;
        state.host_disconnected_at = None;
        // A reconnecting host re-sends its whole configuration and layout: start clean.
        state.bindings = Bindings::default();
        state.layout = None;
        state.panes.clear();
        state.status = None;
        state.unannounced.clear();
        state.unannounced_bytes = 0;
        state.host_generation
    }

    /// Queue a message to the host. Returns false when there is no host or its queue is full
    /// (the message is dropped: a host that stops reading loses viewer input, not memory).
    pub fn send_to_host(&self, message: ServerMessage) -> bool {
        let outbox = self
            .host_outbox
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match outbox.as_ref() {
            Some(tx) => tx.try_send(message).is_ok(),
            None => false,
        }
    }

    /// The host connection of `generation` went away.
    pub fn detach_host(&self, generation: u64, end: &HostEnd) {
        let mut state = self.lock();
        if state.host_generation != generation {
            return;
        }
        state.host_connected = false;
        *self
            .host_outbox
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = None;
        match end {
            HostEnd::Disconnected => {
                state.host_disconnected_at = Some(Instant::now());
                let message = "The host disconnected; waiting for it to reconnect...".to_string();
                for viewer in state.viewers.values() {
                    let _ = viewer.events.try_send(ViewerEvent::Message {
                        text: message.clone(),
                        duration: Duration::from_secs(3600),
                    });
                }
            }
            HostEnd::Finished | HostEnd::Protocol(_) => {
                state.ended = true;
                let reason = match end {
                    HostEnd::Finished => "[the host ended the session]".to_string(),
                    _ => "[the session ended: the host sent invalid data]".to_string(),
                };
                for viewer in state.viewers.values() {
                    let _ = viewer.events.try_send(ViewerEvent::Close {
                        reason: reason.clone(),
                    });
                }
            }
        }
        drop(state);
        self.mark_changed();
    }

    /// Let go of the host's connection (a draining node): its writer ends and hangs up, and the
    /// host reconnects, to another node of the cluster. The session waits for it as after any
    /// disconnection.
    pub fn release_host(&self) {
        *self
            .host_outbox
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = None;
    }

    /// End the session for good (the relay shuts down, or a disconnected host never came back).
    pub fn end(&self, reason: &str) {
        let mut state = self.lock();
        state.ended = true;
        for viewer in state.viewers.values() {
            let _ = viewer.events.try_send(ViewerEvent::Close {
                reason: reason.to_string(),
            });
        }
        drop(state);
        *self
            .host_outbox
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = None;
        self.mark_changed();
    }

    /// Whether `token` is one of this session's names (not a random token).
    pub fn holds_as_name(&self, token: &str) -> bool {
        self.names().any(|name| name == token)
    }

    /// The tokens that are names the host asked for.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        [(&self.token, self.named), (&self.token_ro, self.named_ro)]
            .into_iter()
            .filter(|(_, named)| *named)
            .map(|(token, _)| token.as_str())
    }

    /// Close the session because a newer session took its name `name`: its host reads why
    /// and is hung up on (it reconnects and gets random tokens), its viewers read why.
    pub fn end_taken_over(&self, name: &str) {
        self.send_to_host(ServerMessage::Notify {
            message: format!(
                "The session name {name:?} was taken over by a newer session; this session \
                 gets random tokens when it reconnects"
            )
            .into(),
        });
        self.hang_up_host
            .store(true, std::sync::atomic::Ordering::Relaxed);
        self.end(&format!(
            "[the session name {name} was taken over by a newer session; reconnect to see it]"
        ));
    }

    /// Whether the host's connection is to be dropped rather than closed (`end_taken_over`).
    pub fn hangs_up_host(&self) -> bool {
        self.hang_up_host.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn is_ended(&self) -> bool {
        self.lock().ended
    }

    /// Add a viewer; returns its tmux-style client id. Announces the join to the host and sends
    /// the new size.
    pub fn add_viewer(
        &self,
        viewer_id: u64,
        kind: ViewerKind,
        cols: u16,
        rows: u16,
        addr: Option<SocketAddr>,
        events: mpsc::Sender<ViewerEvent>,
    ) -> i64 {
        let (client_id, count, size) = {
            let mut state = self.lock();
            let client_id = state.next_client_id;
            state.next_client_id += 1;
            state.viewers.insert(
                viewer_id,
                ViewerEntry {
                    client_id,
                    read_only: kind.read_only,
                    cols,
                    rows,
                    addr,
                    events,
                    web: kind.web,
                    sizing: kind.sizing,
                },
            );
            (client_id, state.viewers.len(), state.viewer_size())
        };
        self.viewer_count.store(count, Ordering::Relaxed);
        self.announce("joined", addr, count);
        self.send_to_host(ServerMessage::Resize {
            sx: size.0,
            sy: size.1,
        });
        self.mark_changed();
        client_id
    }

    pub fn remove_viewer(&self, viewer_id: u64) {
        let (entry, count, size) = {
            let mut state = self.lock();
            let entry = state.viewers.remove(&viewer_id);
            if state.viewers.is_empty() {
                for pane in state.panes.values_mut() {
                    pane.release_view();
                }
            }
            (entry, state.viewers.len(), state.viewer_size())
        };
        self.viewer_count.store(count, Ordering::Relaxed);
        {
            // A change waiting for this viewer's echo goes to the others now.
            let mut typist = self.typist.lock().unwrap_or_else(PoisonError::into_inner);
            if typist.as_ref().is_some_and(|t| t.viewer_id == viewer_id) {
                *typist = None;
            }
        }
        self.release_deferred_change();
        if let Some(entry) = entry {
            self.announce("left", entry.addr, count);
            self.send_to_host(ServerMessage::Resize {
                sx: size.0,
                sy: size.1,
            });
            // Pages show who is here (`web`): they look again on a change.
            self.mark_changed();
        }
    }

    /// Whether a viewer's size counts in the session's size (see `ViewerEntry::sizing`).
    pub fn set_viewer_sizing(&self, viewer_id: u64, sizing: bool) {
        let size = {
            let mut state = self.lock();
            match state.viewers.get_mut(&viewer_id) {
                Some(viewer) if viewer.sizing != sizing => {
                    viewer.sizing = sizing;
                    if viewer.read_only {
                        return;
                    }
                }
                _ => return,
            }
            state.viewer_size()
        };
        self.send_to_host(ServerMessage::Resize {
            sx: size.0,
            sy: size.1,
        });
        self.mark_changed();
    }

    pub fn resize_viewer(&self, viewer_id: u64, cols: u16, rows: u16) {
        let size = {
            let mut state = self.lock();
            match state.viewers.get_mut(&viewer_id) {
                Some(viewer) => {
                    viewer.cols = cols;
                    viewer.rows = rows;
                    // A read-only viewer never sizes the session: its resizes reach no host;
                    // nor does one that only looks at the session's size (`sizing`).
                    if viewer.read_only || !viewer.sizing {
                        drop(state);
                        self.mark_changed();
                        return;
                    }
                }
                None => return,
            }
            state.viewer_size()
        };
        self.send_to_host(ServerMessage::Resize {
            sx: size.0,
            sy: size.1,
        });
        self.mark_changed();
    }

    /// NOTIFY the host that a mate joined or left, and update `tmate_num_clients` (what the
    /// original web tier did).
    fn announce(&self, what: &str, addr: Option<SocketAddr>, count: usize) {
        let ip = addr.map_or_else(|| "unknown".to_string(), |a| a.ip().to_string());
        self.send_to_host(ServerMessage::Notify {
            message: format!("A mate has {what} ({ip}) -- {count} client(s) currently connected")
                .into(),
        });
        self.send_to_host(ServerMessage::SetEnv {
            name: "tmate_num_clients".into(),
            value: count.to_string().into(),
        });
    }

    /// Apply one message from the host connection of `generation`. An `Err` ends that host's
    /// session with the reason.
    pub fn apply_host_message(
        &self,
        generation: u64,
        message: HostMessage,
    ) -> Result<HostFlow, String> {
        let mut state = self.lock();
        if state.host_generation != generation || state.ended {
            return Ok(HostFlow::Continue);
        }
        if message == HostMessage::Fin {
            return Ok(HostFlow::Finished);
        }
        if let HostMessage::PtyData { data, .. } = &message {
            self.pty_bytes
                .fetch_add(data.len() as u64, Ordering::Relaxed);
        }
        let changed = state.apply(message, self)?;
        drop(state);
        if changed {
            self.mark_changed();
        }
        Ok(HostFlow::Continue)
    }
}

/// A dimension of SYNC_LAYOUT within 0..=MAX_DIMENSION.
fn dimension(v: i64, what: &str) -> Result<u16, String> {
    if (0..=MAX_DIMENSION).contains(&v) {
        Ok(v as u16)
    } else {
        Err(format!("SYNC_LAYOUT: {what} {v} out of range"))
    }
}

/// SYNC_LAYOUT's bounds for the whole session: its size, the pane count, the active window,
/// the cells of all panes.
fn check_layout(layout: &Layout) -> Result<(), String> {
    dimension(layout.sx, "session width")?;
    dimension(layout.sy, "session height")?;
    let total: usize = layout.windows.iter().map(|w| w.panes.len()).sum();
    if total > MAX_PANES {
        return Err(format!(
            "SYNC_LAYOUT: {total} panes (the limit is {MAX_PANES})"
        ));
    }
    if !layout.windows.is_empty()
        && !layout
            .windows
            .iter()
            .any(|w| w.idx == layout.active_window_idx)
    {
        return Err(format!(
            "SYNC_LAYOUT: active window {} does not exist",
            layout.active_window_idx
        ));
    }
    let cells: usize = layout
        .windows
        .iter()
        .flat_map(|w| w.panes.iter())
        .map(|p| p.sx.clamp(0, MAX_DIMENSION) as usize * p.sy.clamp(0, MAX_DIMENSION) as usize)
        .sum();
    if cells > MAX_LAYOUT_CELLS {
        return Err(format!(
            "SYNC_LAYOUT: {cells} cells (the limit is {MAX_LAYOUT_CELLS})"
        ));
    }
    Ok(())
}

/// SYNC_COPY_MODE on a pane: its copy view follows the host's.
fn sync_copy_mode(pane: &mut PaneMirror, state: Option<tmate_proto::CopyModeState>) {
    match state {
        None => {
            pane.close_output_view();
            pane.term.set_copy_view(None);
        }
        // Copy mode over the pane's own screen: show the same scrolled view.
        Some(copy) if copy.backing => {
            let coordinate = |v: i64| u16::try_from(v.max(0)).unwrap_or(u16::MAX);
            pane.term.set_copy_view(Some(CopyView {
                offset: usize::try_from(copy.oy.max(0)).unwrap_or(usize::MAX),
                cursor: (coordinate(copy.cx), coordinate(copy.cy)),
            }));
        }
        // An output view: its lines come with WRITE_COPY_MODE.
        Some(_) => {}
    }
}

impl SessionState {
    /// The session size viewers allow: the smallest read-write viewer, minus its status line;
    /// (-1, -1) without one (read-only viewers never shrink the session).
    pub fn viewer_size(&self) -> (i64, i64) {
        let status_rows = i64::from(self.bindings.status_on());
        let mut size: Option<(i64, i64)> = None;
        for viewer in self.viewers.values().filter(|v| !v.read_only && v.sizing) {
            let cols = i64::from(viewer.cols.max(1));
            let rows = (i64::from(viewer.rows) - status_rows).max(1);
            size = Some(match size {
                Some((c, r)) => (c.min(cols), r.min(rows)),
                None => (cols, rows),
            });
        }
        size.unwrap_or((-1, -1))
    }

    /// Who watches, by transport and access.
    pub fn presence(&self) -> Presence {
        let mut presence = Presence::default();
        for viewer in self.viewers.values() {
            let count = match (viewer.web, viewer.read_only) {
                (false, false) => &mut presence.ssh_rw,
                (false, true) => &mut presence.ssh_ro,
                (true, false) => &mut presence.web_rw,
                (true, true) => &mut presence.web_ro,
            };
            *count += 1;
        }
        presence
    }

    /// The session's title for pages: the current pane's title (OSC 0/2, as tmux's `#T`), or
    /// its window's name; None before the host's layout.
    pub fn title(&self) -> Option<String> {
        let layout = self.layout.as_ref()?;
        let window = layout
            .windows
            .iter()
            .find(|w| w.idx == layout.active_window_idx)?;
        let pane_title = self
            .panes
            .get(&window.active_pane_id)
            .and_then(|p| p.term.title())
            .filter(|t| !t.trim().is_empty());
        pane_title
            .or_else(|| Some(window.name.to_string_lossy()))
            .filter(|t| !t.trim().is_empty())
    }

    /// The size a viewer needs to show the whole session: the host's window and the status
    /// line (None before the host's layout).
    pub fn shown_size(&self) -> Option<(u16, u16)> {
        let layout = self.layout.as_ref()?;
        let cols = u16::try_from(layout.sx.clamp(1, MAX_DIMENSION)).ok()?;
        let rows = u16::try_from(layout.sy.clamp(1, MAX_DIMENSION)).ok()?;
        Some((cols, rows + u16::from(self.bindings.status_on())))
    }

    /// Returns whether viewers need a redraw.
    fn apply(&mut self, message: HostMessage, session: &Session) -> Result<bool, String> {
        match message {
            HostMessage::Header { .. } => Err("a second HEADER".into()),
            HostMessage::SyncLayout(layout) => {
                self.apply_layout(layout)?;
                Ok(true)
            }
            HostMessage::PtyData { pane_id, data } => {
                match self.panes.get_mut(&pane_id) {
                    Some(pane) => {
                        pane.term.feed(data.as_bytes());
                        if let Some(text) = pane.osc.feed(data.as_bytes()) {
                            session.clipboard.send_modify(|clip| {
                                clip.serial += 1;
                                clip.text = text.into();
                            });
                        }
                    }
                    None => self.hold_unannounced(pane_id, data.0),
                }
                Ok(true)
            }
            HostMessage::ExecCmdStr { .. } => Ok(false),
            HostMessage::FailedCmd { client_id, cause } => {
                self.show_failed_command(client_id, &cause);
                Ok(false)
            }
            HostMessage::Status { left, right } => {
                self.status = Some((left.to_string_lossy(), right.to_string_lossy()));
                Ok(true)
            }
            HostMessage::SyncCopyMode { pane_id, state } => {
                if let Some(pane) = self.panes.get_mut(&pane_id) {
                    sync_copy_mode(pane, state);
                }
                Ok(true)
            }
            HostMessage::WriteCopyMode { pane_id, text } => {
                if let Some(pane) = self.panes.get_mut(&pane_id) {
                    pane.write_output_line(text.as_bytes());
                }
                Ok(true)
            }
            // Handled by `Session::apply_host_message` before the lock's work.
            HostMessage::Fin => Ok(false),
            HostMessage::Ready => Ok(false),
            HostMessage::Reconnect { .. } => Err("RECONNECT in the middle of a session".into()),
            HostMessage::Snapshot(panes) => {
                for snapshot in panes {
                    if let Some(pane) = self.panes.get_mut(&snapshot.pane_id) {
                        pane.term.restore_snapshot(&snapshot);
                    }
                }
                Ok(true)
            }
            HostMessage::ExecCmd { argv } => Ok(self.exec_command(&argv, session)),
            HostMessage::Uname { nodename, .. } => {
                self.host_name = nodename.to_string_lossy();
                Ok(true)
            }
            HostMessage::Unknown { msg_type, .. } => {
                tracing::debug!(session = %session.label(), msg_type, "skipping unknown host message");
                Ok(false)
            }
        }
    }

    /// FAILED_CMD: the host's error on the status line of the viewer whose command it was.
    fn show_failed_command(&self, client_id: i64, cause: &RawStr) {
        let text = capitalize(&cause.to_string_lossy());
        let duration = self.bindings.display_time().max(Duration::from_secs(2));
        for viewer in self.viewers.values().filter(|v| v.client_id == client_id) {
            let _ = viewer.events.try_send(ViewerEvent::Message {
                text: text.clone(),
                duration,
            });
        }
    }

    /// EXEC_CMD: the host's key bindings and display options (`Bindings`); a display change
    /// resizes the session. Returns whether viewers need a redraw.
    fn exec_command(&mut self, argv: &[RawStr], session: &Session) -> bool {
        let argv: Vec<String> = argv.iter().map(RawStr::to_string_lossy).collect();
        let prefix_before = self.bindings.prefix_keys();
        let applied = self.bindings.apply(&argv);
        if self.bindings.prefix_keys() != prefix_before {
            // Web pages show the prefix on their extra key: a new one is news to them even
            // when no viewer needs a redraw.
            session.mark_changed();
        }
        match applied {
            Applied::DisplayChanged => {
                let size = self.viewer_size();
                session.send_to_host(ServerMessage::Resize {
                    sx: size.0,
                    sy: size.1,
                });
                true
            }
            Applied::NamingTooLate(option) => {
                // The tokens were decided at READY (the original web tier's words).
                session.send_to_host(ServerMessage::Notify {
                    message: format!(
                        "{option} can only be set via the command line, or \
                         configuration file"
                    )
                    .into(),
                });
                false
            }
            Applied::Nothing => false,
        }
    }

    fn apply_layout(&mut self, layout: Layout) -> Result<(), String> {
        check_layout(&layout)?;
        let all_cols: usize = (layout.windows.iter().flat_map(|w| w.panes.iter()))
            .map(|p| p.sx.clamp(1, MAX_DIMENSION) as usize)
            .sum();
        let history = (MAX_HISTORY_CELLS / all_cols.max(1)).min(PANE_HISTORY);
        let mut seen = std::collections::HashSet::new();
        for window in &layout.windows {
            if !window.panes.is_empty()
                && !window.panes.iter().any(|p| p.id == window.active_pane_id)
            {
                return Err(format!(
                    "SYNC_LAYOUT: active pane {} is not in window {}",
                    window.active_pane_id, window.idx
                ));
            }
            for pane in &window.panes {
                if !seen.insert(pane.id) {
                    return Err(format!("SYNC_LAYOUT: pane {} appears twice", pane.id));
                }
                let cols = dimension(pane.sx, "pane width")?;
                let rows = dimension(pane.sy, "pane height")?;
                dimension(pane.xoff, "pane x offset")?;
                dimension(pane.yoff, "pane y offset")?;
                match self.panes.get_mut(&pane.id) {
                    // Kept unless its scrollback no longer fits the session's budget (only in
                    // very wide layouts): then it starts again with less.
                    Some(mirror) if mirror.history <= history => {
                        if mirror.term.size() != (cols.max(2), rows.max(1)) {
                            mirror.resize(cols, rows);
                        }
                    }
                    _ => {
                        self.panes
                            .insert(pane.id, PaneMirror::new(cols, rows, history));
                    }
                }
            }
        }
        self.panes.retain(|id, _| seen.contains(id));
        if let Some(previous) = &self.layout
            && previous.active_window_idx != layout.active_window_idx
        {
            self.last_window = Some(previous.active_window_idx);
        }
        if let Some(last) = self.last_window
            && !layout.windows.iter().any(|w| w.idx == last)
        {
            self.last_window = None;
        }
        self.layout = Some(layout);
        self.feed_announced();
        Ok(())
    }

    /// Output that arrived for panes announced just now.
    fn feed_announced(&mut self) {
        let held = std::mem::take(&mut self.unannounced);
        self.unannounced_bytes = 0;
        for (pane_id, data) in held {
            match self.panes.get_mut(&pane_id) {
                Some(pane) => pane.term.feed(&data),
                None => self.hold_unannounced(pane_id, data),
            }
        }
    }

    /// Keep output for a pane the layout does not have yet, within a bound (then drop it).
    fn hold_unannounced(&mut self, pane_id: i64, data: Vec<u8>) {
        if self.unannounced_bytes + data.len() > MAX_UNANNOUNCED_PTY {
            return;
        }
        self.unannounced_bytes += data.len();
        self.unannounced.push((pane_id, data));
    }

    /// Draw what only viewers need (open output views) before `scene`.
    pub fn prepare_views(&mut self) {
        for pane in self.panes.values_mut() {
            pane.prepare_view();
        }
    }

    /// What a viewer sees: the current window's panes, the status line, a message.
    pub fn scene(&self, message: Option<String>, now: std::time::SystemTime) -> Scene<'_> {
        let Some(layout) = &self.layout else {
            return Scene {
                session_cols: 0,
                session_rows: 0,
                panes: Vec::new(),
                active_pane: None,
                status: self.status_bar(None, now),
                message,
                message_markup: false,
            };
        };
        let window = layout
            .windows
            .iter()
            .find(|w| w.idx == layout.active_window_idx);
        let panes = window
            .map(|w| {
                w.panes
                    .iter()
                    .filter_map(|p| {
                        let mirror = self.panes.get(&p.id)?;
                        Some(ScenePane {
                            id: p.id,
                            xoff: p.xoff as u16,
                            yoff: p.yoff as u16,
                            cols: p.sx as u16,
                            rows: p.sy as u16,
                            term: mirror.visible(),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        Scene {
            session_cols: layout.sx as u16,
            session_rows: layout.sy as u16,
            panes,
            active_pane: window.map(|w| w.active_pane_id),
            status: self.status_bar(Some(layout), now),
            message,
            message_markup: false,
        }
    }

    fn status_bar(&self, layout: Option<&Layout>, now: std::time::SystemTime) -> Option<StatusBar> {
        if !self.bindings.status_on() {
            return None;
        }
        let windows = layout
            .map(|layout| {
                layout
                    .windows
                    .iter()
                    .map(|w| StatusWindow {
                        idx: w.idx,
                        name: w.name.to_string_lossy(),
                        active: w.idx == layout.active_window_idx,
                        last: Some(w.idx) == self.last_window,
                    })
                    .collect()
            })
            .unwrap_or_default();
        let (left, right) = match &self.status {
            Some((left, right)) => (left.clone(), right.clone()),
            // A headless host never sends STATUS: draw tmux's default look.
            None => (
                "[tmate] ".to_string(),
                format!("\"{}\" {}", self.host_name, status_clock(now)),
            ),
        };
        Some(StatusBar {
            left,
            right,
            windows,
        })
    }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capitalize_first_letter() {
        assert_eq!(capitalize("unknown command: x"), "Unknown command: x");
        assert_eq!(capitalize(""), "");
    }
}
