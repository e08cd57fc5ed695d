//! The server's model: sessions, windows and panes with tmux's ids (`$n`, `@n`, `%n`), the
//! active/last pointers, and removal that cascades (last pane closes the window, last window
//! the session). No I/O here: a pane's process, PTY and input are `crate::process`'s.

use std::collections::{BTreeMap, VecDeque};
use std::os::fd::OwnedFd;

use tmate_term::PaneTerm;
use tokio::sync::mpsc;

use crate::layout::{self, Border, Cell, Dir};

/// Lines of history per pane (tmux `history-limit`).
pub const HISTORY_LIMIT: usize = 2000;
/// Queued writes per pane before input is dropped (a pane that stops reading must not grow us).
pub const PANE_INPUT_QUEUE: usize = 256;

pub struct Pane {
    pub id: u32,
    pub term: PaneTerm,
    pub input: PaneInput,
    /// A duplicate of the PTY master (non-blocking), for keystrokes, resizes and the
    /// foreground process group.
    pub master: Option<OwnedFd>,
    pub pid: Option<i32>,
    /// remain-on-exit: the program ended and the pane stays (`#{pane_dead}`).
    pub dead: Option<Exit>,
    /// The command it was started with (respawn-pane runs it again); `None`: the shell.
    pub command: Option<String>,
    /// That command as tmux prints it (`#{pane_start_command}`): each argument quoted as
    /// `args_escape` does, joined by spaces; empty for the shell.
    pub start_command: String,
    /// The shell it was started with (`default-shell`), named by `#{pane_current_command}`
    /// once it has no process and no start command (tmux's `wp->shell`).
    pub shell: String,
    /// The directory it was started in (respawn-pane without -c starts there again).
    pub cwd: String,
    /// Which spawn the PTY tasks belong to; respawn-pane starts a new one in the same pane.
    pub generation: u64,
    /// The pane's modes, bottom first (tmux `wp->modes`, whose head is our last): at most
    /// one of each kind, whose state is in the fields below (`crate::modes`).
    pub modes: Vec<crate::modes::ModeKind>,
    /// Copy mode over this pane (`crate::copy`), on `modes` while set.
    pub copy: Option<Box<crate::copy::CopyMode>>,
    /// View mode (run-shell output, config errors: `crate::copy` over lines of its own).
    pub view: Option<Box<crate::copy::CopyMode>>,
    /// Tree modes (choose-tree, choose-buffer, choose-client; one of each kind) drawn instead
    /// of the screen while on top.
    pub trees: Vec<Box<crate::tree::TreeMode>>,
    /// The last copy-mode search (tmux `wp->searchstr`, `searchregex`): a new copy mode
    /// repeats it upwards, `#{pane_search_string}`.
    pub last_search: Option<(String, bool)>,
    /// clock-mode over this pane (`crate::clock_mode`), drawn in its place while on.
    pub clock: Option<Box<crate::clock_mode::Clock>>,
    /// pipe-pane's open pipe (`crate::pipe`, `#{pane_pipe}`).
    pub pipe: Option<crate::pipe::PanePipe>,
    /// The last `current_command` answer: every redraw of the status line asks for it.
    pub command_cache: std::cell::RefCell<Option<crate::process::CommandCache>>,
    /// Options set on this pane (`set -p`): pane-capable window options and user options.
    pub options: BTreeMap<String, String>,
    /// tmux's PANE_FOCUSED: the pane was last found focused (`crate::focus`).
    pub focused: bool,
    /// pane-mode-changed raised for it (what control clients are told, once each).
    pub raised_mode: crate::changes::Raised,
}

/// A pane's input. A keystroke is written straight to the PTY when nothing waits before it:
/// one write, no hop through a task (this is on the echo path of every key). What the PTY
/// does not take at once goes to a bounded queue that the pane's writer task drains in order.
pub struct PaneInput {
    pub queue: mpsc::Sender<Vec<u8>>,
    /// Queued writes the writer task has not finished; while non-zero, new input queues too
    /// so that bytes keep their order.
    pub pending: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

/// How a pane's program ended: its exit status or the signal that killed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exit {
    pub status: Option<i32>,
    pub signal: Option<i32>,
    /// When it ended, seconds since the epoch (`#{pane_dead_time}`).
    pub time: i64,
}

/// Now in whole seconds since the epoch, as tmux's time variables hold it.
pub fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

impl Pane {
    /// How the pane's program wants keys encoded (cursor and keypad modes; xterm-style
    /// modifiers always, as tmux 3.3a's `xterm-keys on`).
    pub fn key_modes(&self) -> tmate_proto::PaneKeyModes {
        let m = self.term.modes();
        tmate_proto::PaneKeyModes {
            cursor_keys_application: m.cursor_keys_application,
            keypad_application: m.keypad_application,
            xterm_keys: true,
        }
    }

    /// Resize the pane's terminal; true when the size changed (its PTY must follow).
    fn resize(&mut self, sx: u16, sy: u16) -> bool {
        if self.term.size() == (sx, sy) {
            return false;
        }
        self.term.resize(sx, sy);
        // A copy or view mode on top rewraps its own lines to the new size.
        crate::copy::after_output(self);
        true
    }
}

/// What the model asks of the panes' processes. The model makes no system calls: these are
/// carried out by `process::apply_effects` when the lock on the model is released (`Shared`'s
/// guard), so they happen within the same critical section's aftermath. The list is drained at
/// every release, so it holds at most what one locked section did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// The pane's terminal changed size: its PTY gets the new size (and the program SIGWINCH).
    ResizePty(u32),
    /// A pane went away while its program ran: SIGHUP, as tmux closing the PTY master.
    Hangup(i32),
}

pub struct Window {
    pub id: u32,
    /// A name given by `-n`, rename-window or the program; `None`: named automatically.
    pub name: Option<String>,
    /// The last automatic name and when it was made (`crate::format::window_name`): kept
    /// while `automatic-rename` is off, as tmux keeps the window's name.
    pub auto_name: std::cell::RefCell<(String, Option<std::time::Instant>)>,
    pub layout: Cell,
    /// tmux's `w->panes`: the pane index order, which is not the layout's order once a pane
    /// went in across the window (`split-window -f`) or moved in (`join-pane`). Read through
    /// `pane_ids`, which keeps it to the layout's panes.
    order: Vec<u32>,
    pub active: u32,
    pub last: Option<u32>,
    pub sx: u16,
    pub sy: u16,
    /// Window options set on this window (`set -w` without -g).
    pub options: BTreeMap<String, String>,
    /// `resize-pane -Z`: the zoomed pane, drawn alone at the window's size.
    pub zoomed: Option<u32>,
    /// The last predefined layout set (next-layout and previous-layout step from it).
    pub lastlayout: Option<usize>,
    /// The layout before the last select-layout (`select-layout -o` goes back to it).
    pub old_layout: Option<String>,
    /// resize-window's size, kept while the window's `window-size` is `manual`.
    pub manual_size: Option<(u16, u16)>,
    /// `pane-border-status` as of the last `State::apply_layout`: panes give a row to it.
    pub pane_status: tmate_term::PaneStatus,
    /// Its last output, for `monitor-silence` and `#{window_activity}`.
    pub activity: crate::alerts::Activity,
    /// tmux's `w->latest`: who last typed or resized while showing it (`window-size latest`).
    pub latest: Option<Sizer>,
    /// A size its clients asked for while it was not shown (tmux's `WINDOW_RESIZE` with
    /// `new_sx`/`new_sy`): applied when it is next the current window of a shown session.
    pub pending_size: Option<(u16, u16)>,
    /// tmux's `active_point`s: the order in which panes were made active, for choosing among
    /// several neighbours (`select-pane -U` and so on take the most recent).
    active_points: BTreeMap<u32, u64>,
    /// window-pane-changed and window-layout-changed raised for it (control clients are told
    /// of each, as tmux tells them of each notification).
    pub raised_pane: crate::changes::Raised,
    pub raised_layout: crate::changes::Raised,
}

/// What sizes windows (`crate::window_size`): an attached client, or the relay's viewers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sizer {
    Client(u32),
    Relay,
}

impl Window {
    /// A name given by the user or the window's program: fixed, as tmux's
    /// `options_set_number(w->options, "automatic-rename", 0)` makes it (`show -w` shows the
    /// option).
    pub fn set_name(&mut self, name: String) {
        self.name = Some(name);
        self.options.insert("automatic-rename".into(), "off".into());
    }
    pub fn new(id: u32, name: Option<String>, pane: u32, sx: u16, sy: u16) -> Window {
        let mut w = Window {
            id,
            name: None,
            auto_name: std::cell::RefCell::new((String::new(), None)),
            layout: Cell::pane(pane, sx, sy),
            order: vec![pane],
            active: pane,
            last: None,
            sx,
            sy,
            options: BTreeMap::new(),
            zoomed: None,
            lastlayout: None,
            old_layout: None,
            manual_size: None,
            pane_status: tmate_term::PaneStatus::Off,
            activity: crate::alerts::Activity::default(),
            latest: None,
            pending_size: None,
            active_points: BTreeMap::new(),
            raised_pane: Default::default(),
            raised_layout: Default::default(),
        };
        if let Some(name) = name {
            w.set_name(name);
        }
        w
    }

    /// tmux `window_set_active_pane`'s `active_point`: the active pane was chosen just now.
    pub fn note_active(&mut self) {
        let next = self.active_points.values().max().map_or(1, |m| m + 1);
        self.active_points.insert(self.active, next);
    }

    /// `pane` counts as never made active (a split with `-d`).
    pub fn forget_active(&mut self, pane: u32) {
        self.active_points.remove(&pane);
    }

    /// When `pane` was last made active here (0: never).
    pub fn active_point(&self, pane: u32) -> u64 {
        self.active_points.get(&pane).copied().unwrap_or(0)
    }

    /// The panes in index order (tmux's pane list).
    pub fn pane_ids(&self) -> Vec<u32> {
        let in_layout: Vec<u32> = self.layout.panes().iter().map(|g| g.id).collect();
        let mut ids: Vec<u32> = self
            .order
            .iter()
            .copied()
            .filter(|p| in_layout.contains(p))
            .collect();
        // A pane the list does not know yet (a layout change without an insert) goes last.
        for p in in_layout {
            if !ids.contains(&p) {
                ids.push(p);
            }
        }
        ids
    }

    /// tmux `window_add_pane` (and join-pane's insert): `new` into the pane list after
    /// `other`, before it with `before`; across the window (`full`), at the tail or head.
    pub fn insert_pane(&mut self, new: u32, other: u32, before: bool, full: bool) {
        self.order = self.pane_ids();
        self.order.retain(|p| *p != new);
        let at = match (full, before) {
            (true, true) => 0,
            (true, false) => self.order.len(),
            (false, _) => self
                .order
                .iter()
                .position(|p| *p == other)
                .map_or(self.order.len(), |i| if before { i } else { i + 1 }),
        };
        self.order.insert(at, new);
    }

    /// Pane `from` becomes `to` in the same cell and the same place in the list.
    pub fn relabel_pane(&mut self, from: u32, to: u32) {
        self.order = self.pane_ids();
        let map = |p: u32| if p == from { to } else { p };
        self.order = self.order.iter().map(|p| map(*p)).collect();
        let ids: Vec<u32> = self.layout.panes().iter().map(|g| map(g.id)).collect();
        self.layout.set_ids(&ids);
        if let Some(point) = self.active_points.remove(&from) {
            self.active_points.insert(to, point);
        }
    }

    /// The pane list becomes `ids` (a permutation of it) with each place keeping its cell:
    /// the pane now n-th in the list takes the cell of the pane that was n-th (rotate-window).
    pub fn reorder_panes(&mut self, ids: &[u32]) {
        let old = self.pane_ids();
        let cells: Vec<u32> = self
            .layout
            .panes()
            .iter()
            .map(|g| {
                old.iter()
                    .position(|p| *p == g.id)
                    .and_then(|i| ids.get(i))
                    .copied()
                    .unwrap_or(g.id)
            })
            .collect();
        self.layout.set_ids(&cells);
        self.order = ids.to_vec();
    }

    /// A pane's place; a zoomed pane fills the window (tmux `window_zoom`).
    pub fn geometry(&self, pane: u32) -> Option<layout::Geometry> {
        if self.zoomed == Some(pane) {
            return Some(self.with_status_line(layout::Geometry {
                id: pane,
                xoff: 0,
                yoff: 0,
                sx: self.sx,
                sy: self.sy,
            }));
        }
        self.layout
            .panes()
            .into_iter()
            .find(|g| g.id == pane)
            .map(|g| self.with_status_line(g))
    }

    /// tmux `layout_fix_panes`: with `pane-border-status`, a pane in a cell at the window's
    /// top (or bottom) gives its first (or last) row to its status line; the others use the
    /// border line between cells. A cell of one row leaves its pane none (`#{pane_height}`
    /// 0, nothing drawn), as in tmux; its terminal keeps one row (`apply_layout`).
    fn with_status_line(&self, mut g: layout::Geometry) -> layout::Geometry {
        let window_rows = if self.zoomed.is_some() {
            self.sy
        } else {
            self.layout.sy
        };
        let takes_row = match self.pane_status {
            tmate_term::PaneStatus::Off => false,
            tmate_term::PaneStatus::Top => g.yoff == 0,
            tmate_term::PaneStatus::Bottom => g.yoff.saturating_add(g.sy) == window_rows,
        };
        if takes_row && g.sy > 0 {
            g.sy -= 1;
            if self.pane_status == tmate_term::PaneStatus::Top {
                g.yoff += 1;
            }
        }
        g
    }

    /// The panes drawn: all of them, or only the zoomed one.
    pub fn visible(&self) -> Vec<layout::Geometry> {
        match self.zoomed.and_then(|z| self.geometry(z)) {
            Some(g) => vec![g],
            None => self
                .pane_ids()
                .iter()
                .filter_map(|id| self.geometry(*id))
                .collect(),
        }
    }

    pub fn pane_index(&self, pane: u32) -> Option<usize> {
        self.pane_ids().iter().position(|p| *p == pane)
    }
}

pub struct Session {
    pub id: u32,
    pub name: String,
    /// Window index -> winlink -> window (`crate::winlink`).
    pub windows: crate::winlink::Windows,
    pub current: u32,
    pub last: Option<u32>,
    /// Bumped on every use; the most recent session is the default target.
    pub activity: u64,
    pub sx: u16,
    pub sy: u16,
    /// Session options set on this session (`set` without -g).
    pub options: BTreeMap<String, String>,
    /// tmux's stack of last windows below `last` (oldest first); `last` is its top.
    pub older: Vec<u32>,
    /// The session's environment over the global one (`set-environment` without -g).
    pub environ: crate::environ::Environ,
    /// When it was made, seconds since the epoch (`#{session_created}`).
    pub created: i64,
    /// Its working directory (`new-session -c`, else the client's; `#{session_path}`).
    pub path: String,
    /// When a client last typed in it or attached (tmux's `activity_time`,
    /// `#{session_activity}`), seconds since the epoch.
    pub activity_time: i64,
    /// When a client last attached, 0 for never (`#{session_last_attached}`).
    pub last_attached: i64,
    /// session-window-changed raised for it (control clients are told of each).
    pub raised_window: crate::changes::Raised,
    /// `assume-paste-time`'s clock over the keys of every client on the session (tmux keeps
    /// it in the session's activity times).
    pub paste: PasteClock,
    /// When `lock-after-time` locks the session's clients (tmux's `lock_timer`, restarted by
    /// `session_update_activity` while clients are attached: `crate::client_session`).
    pub lock_at: Option<std::time::Instant>,
}

/// tmux `server_client_assume_paste`: a key that comes within `assume-paste-time` of the one
/// before, itself that close to its own, is taken as pasted text (not looked up in the key
/// tables: it goes to the pane; a read-only client's is dropped like its other typing). The
/// first of a fast run is still a key, so `C-b c` written at once is the binding.
#[derive(Debug, Default)]
pub struct PasteClock {
    last: Option<std::time::Instant>,
    pasting: bool,
}

impl PasteClock {
    /// A mouse event at `now` (tmux's `session_update_activity` for it): the next key is
    /// timed from here. (tmux also restarts the clock when a client attaches; not done here,
    /// so that keys typed at once after attaching are not taken for a paste.)
    pub fn touch(&mut self, now: std::time::Instant) {
        self.last = Some(now);
    }

    /// A key came at `now`: whether it is pasted.
    pub fn key(&mut self, now: std::time::Instant, limit_ms: i64) -> bool {
        let gap = self.last.map(|l| now.saturating_duration_since(l));
        self.last = Some(now);
        let limit = std::time::Duration::from_millis(u64::try_from(limit_ms).unwrap_or(0));
        if limit.is_zero() {
            return false;
        }
        if gap.is_some_and(|g| g < limit) {
            let pasted = self.pasting;
            self.pasting = true;
            return pasted;
        }
        self.pasting = false;
        false
    }
}

impl Session {
    /// A session of `windows` with `current` shown, `sx`x`sy`, made (and last active) at
    /// `now`, never attached, with no options or environment of its own.
    pub fn new(
        id: u32,
        name: &str,
        windows: crate::winlink::Windows,
        current: u32,
        (sx, sy): (u16, u16),
        now: i64,
    ) -> Session {
        Session {
            id,
            name: name.to_string(),
            windows,
            current,
            last: None,
            activity: 0,
            sx,
            sy,
            options: BTreeMap::new(),
            older: Vec::new(),
            environ: Default::default(),
            created: now,
            path: String::new(),
            activity_time: now,
            last_attached: 0,
            raised_window: Default::default(),
            paste: PasteClock::default(),
            lock_at: None,
        }
    }

    /// The last-window stack, top last.
    fn stack(&self) -> Vec<u32> {
        self.older.iter().copied().chain(self.last).collect()
    }

    fn set_stack(&mut self, mut v: Vec<u32>) {
        self.last = v.pop();
        self.older = v;
    }

    /// tmux `session_set_current`: the current window goes on the last stack.
    pub fn select(&mut self, idx: u32) {
        if idx == self.current || !self.windows.contains_key(&idx) {
            return;
        }
        let mut v = self.stack();
        v.retain(|i| *i != idx && *i != self.current);
        v.push(self.current);
        self.set_stack(v);
        self.current = idx;
        // tmux `winlink_clear_flags`: the window is seen at this index (tmux 3.3a leaves the
        // marks of its other indexes).
        if let Some(l) = self.windows.link_mut(&idx) {
            l.alerts = crate::alerts::Alerts::default();
        }
        // tmux's `session_set_current` counts as the window's activity.
        if let Some(w) = self.windows.get_mut(&idx) {
            w.activity.touch();
        }
    }

    /// tmux `winlink_stack_remove`.
    pub fn forget(&mut self, idx: u32) {
        let mut v = self.stack();
        v.retain(|i| *i != idx);
        self.set_stack(v);
    }

    /// tmux `session_renumber_windows`: indexes from `base` in order, the stack kept.
    pub fn renumber(&mut self, base: u32) {
        let map: BTreeMap<u32, u32> = self
            .windows
            .keys()
            .zip(base..)
            .map(|(o, n)| (*o, n))
            .collect();
        let at = |i: u32| map.get(&i).copied();
        self.windows.renumber(&map);
        self.current = at(self.current).unwrap_or(self.current);
        let v = self.stack().into_iter().filter_map(at).collect();
        self.set_stack(v);
    }
}

/// An attached client as commands see it: its session and a bounded queue of requests.
pub struct ClientHandle {
    pub session: u32,
    /// The session it was in before (`switch-client -l`, `#{client_last_session}`), set as
    /// tmux's `last_session` (`crate::client_session`).
    pub last_session: Option<u32>,
    pub events: mpsc::Sender<ClientEvent>,
    /// Bumped on each key; the most recent client is the default for detach-client.
    pub activity: u64,
    /// The session area this client can show (its size minus the status line); a control
    /// client has none until `refresh-client -C`.
    pub size: Option<(u16, u16)>,
    /// A control client's flags and waiting output (`crate::control`).
    pub control: Option<Box<crate::control::ControlState>>,
    /// Its terminal's path (tmux's client name, `#{client_name}`).
    pub name: String,
    /// The client's `TERM` (`#{client_termname}`).
    pub term: String,
    /// The client's whole terminal, status lines included (`#{client_width}`/`_height`).
    pub tty_size: (u16, u16),
    /// The client's locale is UTF-8 (tmux's CLIENT_UTF8 from `LC_ALL`, `LC_CTYPE`, `LANG`).
    pub utf8: bool,
    /// tmux's CLIENT_READONLY (`attach -r`, `-f read-only`, `switch-client -r`): its keys run
    /// only bindings made of read-only commands and never reach a pane.
    pub read_only: bool,
    /// tmux's CLIENT_IGNORESIZE: its size counts only when every client ignores theirs.
    pub ignore_size: bool,
    /// display-popup's popup, drawn over its screen and taking its keys (`crate::popup`).
    pub popup: Option<Box<crate::popup::Popup>>,
    /// When it attached and when it last typed, seconds since the epoch
    /// (`#{client_created}`, `#{client_activity}`).
    pub created: i64,
    pub activity_time: i64,
    /// The client process (`#{client_pid}`), from the socket's peer credentials.
    pub pid: Option<i32>,
    /// The key table it was moved to (prefix, `switch-client -T`); `None` is the session's
    /// `key-table` (`#{client_key_table}`, `#{client_prefix}`).
    pub key_table: Option<String>,
    /// Bytes written to its terminal (`#{client_written}`), counted by its task.
    pub written: std::sync::Arc<std::sync::atomic::AtomicU64>,
    /// Its terminal's cell size in pixels, as the terminal reports it (0 when it does not);
    /// `None` without a terminal (`#{client_cell_width}`, `#{client_cell_height}`).
    pub cell_size: Option<(u32, u32)>,
    /// tmux's CLIENT_FOCUSED: set at first, cleared and set by the terminal's focus reports.
    pub focused: bool,
    /// What the terminal said it is in answer to XTVERSION (`#{client_termtype}`).
    pub term_type: String,
    /// Features tmux 3.3a adds for the terminal's answers to its queries
    /// (`crate::termcaps::features_of_reply`), comma-separated.
    pub reply_features: String,
}

impl State {
    /// The most recently active client (ties: the newest), of `session` when given: tmux's
    /// best client, used where a command or format names none.
    pub fn most_recent_client(&self, session: Option<u32>) -> Option<u32> {
        self.clients
            .iter()
            .filter(|(_, c)| session.is_none_or(|s| s == c.session))
            .max_by_key(|(id, c)| (c.activity, **id))
            .map(|(id, _)| *id)
    }
}

impl ClientHandle {
    /// tmux 3.3a `server_client_set_flags` for the flags every client has: `read-only` and
    /// `ignore-size`, `!` before a name clears it, except that nothing clears `read-only`
    /// (only `switch-client -r` does); a control client's own flags go to its state too.
    pub fn set_flags(&mut self, list: &str) {
        for word in list.split(',') {
            let (on, name) = match word.strip_prefix('!') {
                Some(n) => (false, n),
                None => (true, word),
            };
            match name {
                "read-only" if on => self.read_only = true,
                "ignore-size" => self.ignore_size = on,
                _ => {}
            }
        }
        if let Some(control) = self.control.as_mut() {
            control.set_flags(list);
        }
    }

    /// A client of `session` with nothing known of its terminal yet.
    pub fn new(
        session: u32,
        events: mpsc::Sender<ClientEvent>,
        activity: u64,
        name: String,
    ) -> Self {
        ClientHandle {
            session,
            last_session: None,
            events,
            activity,
            size: None,
            control: None,
            name,
            term: String::new(),
            tty_size: (80, 24),
            utf8: false,
            read_only: false,
            ignore_size: false,
            term_type: String::new(),
            reply_features: String::new(),
            popup: None,
            created: now_secs(),
            activity_time: now_secs(),
            pid: None,
            key_table: None,
            written: Default::default(),
            cell_size: None,
            focused: true,
        }
    }
}

#[derive(Debug, Clone)]
pub enum ClientEvent {
    Detach,
    /// detach-client -P: detach and the client sends SIGHUP to its parent (tmux
    /// MSG_DETACHKILL).
    DetachKill,
    /// detach-client -E: the client runs this shell command in its place (tmux MSG_EXEC):
    /// the command, then the shell to run it with.
    Exec(String, String),
    /// Shown on the status line for this many milliseconds (and logged for show-messages
    /// as the client's, tmux's `CLIENT message: TEXT`).
    Message(String, u64),
    /// A tmate note shown as a message; the log has it already, once for all clients.
    Note(String, u64),
    /// A message whose `#[...]` markup is drawn (display-message; tmux draws other
    /// messages, such as errors, as plain text).
    /// With `true`, keys are ignored while it shows (display-message -N).
    StyledMessage(String, u64, bool),
    /// A prompt or display-panes (`crate::prompt`).
    Overlay(crate::prompt::Request),
    /// switch-client -T: the key table the client's next key is looked up in (`None`: its
    /// default one, after a command moved it to another session).
    KeyTable(Option<String>),
    /// Ring the client terminal's bell (an alert's action).
    Bell,
    /// Bytes for the client's terminal as they are (the clipboard's OSC 52).
    Write(Vec<u8>),
    /// Stop drawing on the client's terminal and give it back to the client, which runs this
    /// `lock-command` (`Some`, tmux's MSG_LOCK) or stops itself (`None`, MSG_SUSPEND), then
    /// answers (UNLOCK, WAKEUP) and is drawn again.
    Suspend(Option<String>),
    /// display-menu: open this menu (`crate::menu`) unless one is open.
    Menu(Box<crate::menu::MenuRequest>),
}

/// Requests queued per attached client before new ones are dropped.
pub const CLIENT_EVENTS: usize = 64;
/// show-messages log entries kept at most, whatever `message-limit` says (it bounds the log
/// further, as tmux's).
pub const MESSAGE_LOG: usize = 10_000;

/// One entry of the message log (tmux's `message_entry`).
#[derive(Debug, Clone)]
pub struct LoggedMessage {
    pub text: String,
    /// When it was logged, in seconds since the epoch (`#{message_time}`).
    pub time: i64,
    /// Its number from the server's start (`#{message_number}`).
    pub number: u64,
}

/// Hook errors kept for the next new session; later ones are dropped.
pub const MAX_HOOK_CAUSES: usize = 100;

#[derive(Default)]
pub struct State {
    pub sessions: BTreeMap<u32, Session>,
    pub panes: BTreeMap<u32, Pane>,
    next_session: u32,
    next_window: u32,
    next_pane: u32,
    pub clock: u64,
    pub options: crate::options::Globals,
    pub keys: crate::bindings::KeyTables,
    /// `bind-key -N` notes by (table, key); a binding replaced without one loses it.
    pub key_notes: BTreeMap<(String, tmate_proto::KeyCode), String>,
    pub clients: BTreeMap<u32, ClientHandle>,
    next_client: u32,
    /// show-messages: config errors, the commands run after the config (tmux 3.3a's
    /// `cmdq_add_message`), the messages shown to clients and tmate's notes; oldest first.
    pub messages: VecDeque<LoggedMessage>,
    /// The next message's number.
    pub next_message: u64,
    /// Errors from the start-up config (kept for `tmate -F`, which refuses to run with them).
    pub config_errors: Vec<String>,
    /// They went into the first session's view mode (tmux shows them once).
    pub config_errors_shown: bool,
    /// Errors of hooks run with no client (notifications' hooks), waiting for the next new
    /// session's view mode as tmux 3.3a's config causes do (at most [`MAX_HOOK_CAUSES`]).
    pub hook_causes: Vec<String>,
    /// source-file nesting, bounded like tmux's.
    pub source_depth: u32,
    /// When the server started, seconds since the epoch (`#{start_time}`; 0 in tests).
    pub started: i64,
    /// The server's socket (`#{socket_path}`).
    pub socket_path: String,
    /// The start-up config has run (tmux's `cfg_finished`): jobs get `TERM` from then on.
    pub config_finished: bool,
    /// The start-up config files asked for, found or not (`#{config_files}`).
    pub config_files: Vec<String>,
    /// wait-for channels: locked flag and waiting command clients.
    pub channels: BTreeMap<String, crate::cmd::Channel>,
    /// The relay uplink's state: env values, ready flag, the queue to the relay.
    pub tmate: crate::uplink::Tmate,
    /// Paste buffers (copy mode, set-buffer).
    pub buffers: crate::copy::buffers::Buffers,
    /// Process work the model asked for since the lock was taken (see `Effect`).
    pub effects: Vec<Effect>,
    /// The global environment (`set-environment -g`): the server's own at start.
    pub environ: crate::environ::Environ,
    /// Variables the next pane spawned gets over its session's: `-e` and, for new-session
    /// (whose session does not exist yet when its pane starts), the session's environment.
    /// Set and cleared by the command within one locked section.
    pub spawn_env: Option<crate::environ::Environ>,
    /// Hooks running and notifications waiting to (`crate::hooks`).
    pub hooks: crate::hooks::Hooks,
    /// tmux's marked pane (`select-pane -m`); read through `State::marked`, which checks it
    /// still stands.
    pub marked: Option<Marked>,
    /// The last notification's number among those control clients are told of in order
    /// (`crate::changes::Raised`).
    pub raised_seq: u64,
}

/// Where the marked pane was marked: tmux keeps the session, winlink, window and pane, and the
/// mark stands only while all four still hold together (`cmd_find_valid_state`). The winlink
/// is its session's index and that winlink's serial here: a swap-window changes what the
/// index holds (another window id), a move-window away and back or renumbering makes a new
/// winlink.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Marked {
    pub session: u32,
    pub window: u32,
    /// The winlink's `serial`.
    pub winlink: u64,
    pub window_id: u32,
    pub pane: u32,
}

impl State {
    /// The environment of a job the server runs (run-shell, if-shell, `#()`, copy-pipe), as
    /// tmux 3.3a's `job_run` makes it: [`State::environment_for`] the session, with `TERM`
    /// only once the start-up config has run.
    pub fn job_environment(&self, session: Option<u32>) -> Vec<(String, String)> {
        let session_env = session
            .and_then(|s| self.sessions.get(&s))
            .map(|s| &s.environ);
        let term = self.config_finished.then(|| {
            self.options
                .get(crate::options::Scope::Server, "default-terminal")
                .unwrap_or("screen")
                .to_string()
        });
        self.environment_for(session_env, term, session)
    }

    /// tmux 3.3a's `environ_for_session` then `environ_push`: the global environment
    /// (`set-environment -g` included) overlaid by `session_env`, without hidden or removed
    /// variables; with a `term`, `TERM`, `TERM_PROGRAM=tmux` and `TERM_PROGRAM_VERSION`; and
    /// `$TMUX` naming this server and the session (`-1` for none).
    pub fn environment_for(
        &self,
        session_env: Option<&crate::environ::Environ>,
        term: Option<String>,
        session: Option<u32>,
    ) -> Vec<(String, String)> {
        let mut env = crate::environ::Environ::for_process(&self.environ, session_env);
        let mut set = |name: &str, value: String| {
            env.retain(|(k, _)| k != name);
            env.push((name.to_string(), value));
        };
        if let Some(term) = term {
            set("TERM", term);
            set("TERM_PROGRAM", "tmux".to_string());
            set("TERM_PROGRAM_VERSION", crate::TMUX_VERSION.to_string());
        }
        let index = session.map_or_else(|| "-1".to_string(), |s| s.to_string());
        let pid = std::process::id();
        set("TMUX", format!("{},{pid},{index}", self.socket_path));
        env
    }

    /// The marked pane while it is still where it was marked (tmux `server_check_marked`).
    pub fn marked(&self) -> Option<Marked> {
        let m = self.marked?;
        let s = self.sessions.get(&m.session)?;
        let link = s.windows.link(&m.window)?;
        let w = s.windows.get(&m.window)?;
        (link.serial == m.winlink && w.id == m.window_id && w.pane_ids().contains(&m.pane))
            .then_some(m)
    }

    /// tmux `server_set_marked`.
    pub fn set_marked(&mut self, session: u32, window: u32, pane: u32) {
        let Some(s) = self.sessions.get(&session) else {
            self.marked = None;
            return;
        };
        self.marked = s
            .windows
            .link(&window)
            .zip(s.windows.get(&window))
            .map(|(link, w)| Marked {
                session,
                window,
                winlink: link.serial,
                window_id: w.id,
                pane,
            });
    }

    /// tmux `session_renumber_windows`: new winlinks, so a mark in the session is lost.
    pub fn renumber_session(&mut self, sid: u32, base: u32) {
        if let Some(s) = self.sessions.get_mut(&sid) {
            s.renumber(base);
            if self.marked.is_some_and(|m| m.session == sid) {
                self.marked = None;
            }
        }
    }

    /// The id the next session will get (`#{next_session_id}`).
    pub fn next_session_id(&self) -> u32 {
        self.next_session
    }
    pub fn alloc_session(&mut self) -> u32 {
        self.next_session += 1;
        self.next_session - 1
    }
    pub fn alloc_window(&mut self) -> u32 {
        self.next_window += 1;
        self.next_window - 1
    }
    pub fn alloc_client(&mut self) -> u32 {
        self.next_client += 1;
        self.next_client
    }

    /// Add to the message log (tmux `server_add_message`), keeping the last `message-limit`.
    pub fn log_message(&mut self, text: String) {
        let time = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        self.messages.push_back(LoggedMessage {
            text,
            time,
            number: self.next_message,
        });
        self.next_message += 1;
        let limit = self
            .options
            .get(crate::options::Scope::Server, "message-limit")
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(1000)
            .min(MESSAGE_LOG);
        while self.messages.len() > limit {
            self.messages.pop_front();
        }
    }

    /// A client's name in the message log: its terminal when attached, else tmux's
    /// `client-PID` for a command client.
    pub fn client_log_name(&self, info: &crate::server::ClientInfo) -> Option<String> {
        if let Some(c) = info.attached.and_then(|id| self.clients.get(&id)) {
            return Some(c.name.clone());
        }
        info.name.clone()
    }

    /// An option's value for a window of a session: local, then global (tmux's parent chain).
    pub fn option(&self, sid: u32, idx: u32, name: &str) -> String {
        use crate::options::Scope;
        let scope = crate::options::lookup(name)
            .map(|d| d.scope)
            .unwrap_or(Scope::Session);
        let local = match scope {
            Scope::Window => self.window(sid, idx).and_then(|w| w.options.get(name)),
            Scope::Session => self.sessions.get(&sid).and_then(|s| s.options.get(name)),
            Scope::Server => None,
        };
        local
            .map(String::as_str)
            .or_else(|| self.options.get(scope, name))
            .unwrap_or_default()
            .to_string()
    }

    /// An option's value for a pane: the pane's own (for options a pane can hold, and user
    /// options), then its window's chain (tmux's `wp->options`, whose parent is the window's).
    pub fn pane_option(&self, pane: u32, name: &str) -> String {
        let own = crate::options::lookup(name).map_or(name.starts_with('@'), |d| d.pane);
        if own && let Some(v) = self.panes.get(&pane).and_then(|p| p.options.get(name)) {
            return v.clone();
        }
        match self.locate_pane(pane) {
            Some((sid, idx)) => self.option(sid, idx, name),
            None => self.option(u32::MAX, u32::MAX, name),
        }
    }

    /// An option's value where a format context points: the pane's own for an option panes
    /// can hold, else the window's chain ([`State::option`]).
    pub fn option_at(&self, ctx: crate::format::Ctx, name: &str) -> String {
        let own = crate::options::lookup(name).is_ok_and(|d| d.pane && d.name == name);
        if own && let Some(v) = self.panes.get(&ctx.pane).and_then(|p| p.options.get(name)) {
            return v.clone();
        }
        self.option(ctx.session, ctx.window, name)
    }

    /// Hand every pane its `alternate-screen` and `scroll-on-clear` values (after either
    /// changed anywhere).
    pub fn apply_terminal_options(&mut self) {
        let ids: Vec<u32> = self.panes.keys().copied().collect();
        for id in ids {
            let allowed = self.pane_option(id, "alternate-screen") != "off";
            let scroll = self.pane_option(id, "scroll-on-clear") != "off";
            if let Some(p) = self.panes.get_mut(&id) {
                p.term.set_alternate_screen(allowed);
                p.term.set_scroll_on_clear(scroll);
            }
        }
    }

    /// A passthrough DCS's data from `pane` (`ESC P tmux; ... ST`): with `allow-passthrough`
    /// on, written as it is to the terminals of the clients showing the pane's window (tmux's
    /// `screen_write_rawstring`).
    pub fn passthrough(&mut self, pane: u32, data: Vec<u8>) {
        if self.pane_option(pane, "allow-passthrough") != "on" {
            return;
        }
        let Some((sid, idx)) = self.locate_pane(pane) else {
            return;
        };
        if self.sessions.get(&sid).is_none_or(|s| s.current != idx) {
            return;
        }
        for c in self.clients.values() {
            if c.session == sid && c.control.is_none() {
                let _ = c.events.try_send(ClientEvent::Write(data.clone()));
            }
        }
    }

    /// The program in `pane` named its window (`ESC k NAME ST`): with `allow-rename` on, the
    /// window takes the name, or goes back to automatic naming for an empty one (tmux's
    /// `input_exit_rename`).
    pub fn program_rename(&mut self, pane: u32, name: &str) {
        if self.pane_option(pane, "allow-rename") != "on" {
            return;
        }
        let Some((sid, idx)) = self.locate_pane(pane) else {
            return;
        };
        if let Some(w) = self.window_mut(sid, idx) {
            if name.is_empty() {
                // tmux removes the window's own automatic-rename, naming it again.
                w.options.remove("automatic-rename");
                w.name = None;
            } else {
                w.set_name(name.to_string());
            }
        }
        self.notify_window("window-renamed", sid, idx, None);
    }

    /// A numeric option (0 when unset or not a number).
    pub fn option_num(&self, sid: u32, idx: u32, name: &str) -> i64 {
        self.option(sid, idx, name).parse().unwrap_or(0)
    }

    /// A session option for a session (its current window for window-scoped lookups).
    pub fn session_option(&self, sid: u32, name: &str) -> String {
        let idx = self.sessions.get(&sid).map(|s| s.current).unwrap_or(0);
        self.option(sid, idx, name)
    }

    pub fn alloc_pane(&mut self) -> u32 {
        self.next_pane += 1;
        self.next_pane - 1
    }

    pub fn touch(&mut self, session: u32) {
        self.clock += 1;
        let now = self.clock;
        if let Some(s) = self.sessions.get_mut(&session) {
            s.activity = now;
        }
    }

    /// The session and window index holding `pane`: the session's current window when that
    /// shows it, else its lowest index showing it (tmux `cmd_find_best_winlink_with_window`).
    pub fn locate_pane(&self, pane: u32) -> Option<(u32, u32)> {
        self.locate_by(|w| w.pane_ids().contains(&pane))
    }

    /// Where the window with this id is, chosen like [`State::locate_pane`].
    pub fn locate_window(&self, wid: u32) -> Option<(u32, u32)> {
        self.locate_by(|w| w.id == wid)
    }

    fn locate_by(&self, found: impl Fn(&Window) -> bool) -> Option<(u32, u32)> {
        self.sessions.iter().find_map(|(sid, s)| {
            if s.windows.get(&s.current).is_some_and(&found) {
                return Some((*sid, s.current));
            }
            s.windows
                .iter()
                .find(|(_, w)| found(w))
                .map(|(idx, _)| (*sid, *idx))
        })
    }

    pub fn window(&self, sid: u32, idx: u32) -> Option<&Window> {
        self.sessions.get(&sid)?.windows.get(&idx)
    }

    pub fn window_mut(&mut self, sid: u32, idx: u32) -> Option<&mut Window> {
        self.sessions.get_mut(&sid)?.windows.get_mut(&idx)
    }

    /// Apply the window's layout to its panes' terminals (and, through `effects`, PTYs).
    pub fn apply_layout(&mut self, sid: u32, idx: u32) {
        let pane_status =
            tmate_term::PaneStatus::from_option(&self.option(sid, idx, "pane-border-status"));
        let Some(w) = self.window_mut(sid, idx) else {
            return;
        };
        w.pane_status = pane_status;
        let w = &*w;
        let geometries: Vec<_> = w
            .pane_ids()
            .iter()
            .filter_map(|id| w.geometry(*id))
            .collect();
        for g in geometries {
            // A pane with no rows keeps a screen of one, as tmux's `screen_resize` does.
            if let Some(p) = self.panes.get_mut(&g.id)
                && p.resize(g.sx, g.sy.max(1))
            {
                self.effects.push(Effect::ResizePty(g.id));
            }
        }
    }

    /// `apply_layout` for every window (an option that changes pane geometry was set).
    pub fn apply_all_layouts(&mut self) {
        let windows: Vec<(u32, u32)> = self
            .sessions
            .iter()
            .flat_map(|(sid, s)| s.windows.keys().map(move |idx| (*sid, *idx)))
            .collect();
        for (sid, idx) in windows {
            self.apply_layout(sid, idx);
        }
    }

    /// Split `pane` in window (`sid`, `idx`) and make `new` active; the caller spawned `new`
    /// already.
    pub fn split(&mut self, sid: u32, idx: u32, pane: u32, dir: Dir, new: u32) -> Option<()> {
        self.split_how(sid, idx, pane, dir, new, crate::layout::SplitHow::default())?;
        self.set_active_pane(sid, idx, new, true);
        Some(())
    }

    /// Split `pane` with tmux's `-l`/`-p` size for the new pane, `-b` (new pane first) and
    /// `-f` (across the whole window); the active pane stays (the caller decides).
    pub fn split_how(
        &mut self,
        sid: u32,
        idx: u32,
        pane: u32,
        dir: Dir,
        new: u32,
        how: crate::layout::SplitHow,
    ) -> Option<()> {
        self.unzoom(sid, idx);
        let w = self.window_mut(sid, idx)?;
        let split = w
            .layout
            .split_how(pane, dir, new, how, Border::window(w.pane_status));
        if split.is_some() {
            w.insert_pane(new, pane, how.before, how.full);
        }
        self.apply_layout(sid, idx);
        split
    }

    /// Remove a pane (tmux `server_kill_pane`); closes its window and session when they
    /// become empty. The PTY's process gets SIGHUP like tmux's closing of the master.
    pub fn remove_pane(&mut self, pane: u32) {
        let modes = self.forget_pane(pane);
        self.close_pane_cell(pane, false);
        for _ in 0..modes {
            self.mode_changed(pane);
        }
    }

    /// A pane destroyed: out of the panes, its live process hung up. Returns how many modes
    /// it was in (tmux `window_pane_reset_mode_all` raises pane-mode-changed for each).
    pub fn forget_pane(&mut self, pane: u32) -> usize {
        let Some(p) = self.panes.remove(&pane) else {
            return 0;
        };
        // A dead pane's pid was reaped and may belong to someone else now.
        if let Some(pid) = p.pid.filter(|_| p.dead.is_none()) {
            self.effects.push(Effect::Hangup(pid));
        }
        p.mode_count()
    }

    /// `pane` leaves its window's layout (tmux `layout_close_pane`, after unzooming) and pane
    /// list (`window_lost_pane`), in that order unless `lost_first` (break-pane's order); the
    /// window goes when it was its last pane.
    pub fn close_pane_cell(&mut self, pane: u32, lost_first: bool) {
        let Some((sid, idx)) = self.locate_pane(pane) else {
            return;
        };
        let Some(w) = self.window_mut(sid, idx) else {
            return;
        };
        let before = w.pane_ids();
        if before.len() <= 1 {
            self.remove_window(sid, idx);
            return;
        }
        self.unzoom(sid, idx);
        if lost_first {
            self.lose_pane(sid, idx, pane, &before);
        }
        if let Some(w) = self.window_mut(sid, idx) {
            w.order.retain(|p| *p != pane);
            w.layout.remove(pane);
        }
        self.layout_changed(sid, idx);
        if !lost_first {
            self.lose_pane(sid, idx, pane, &before);
        }
        self.apply_layout(sid, idx);
    }

    /// tmux `session_detach` for an index already taken out of the session's window map: a
    /// current window gives way to the last window, else the previous, else the next; a
    /// session left with no window is removed.
    pub fn detach_index(&mut self, sid: u32, idx: u32) {
        let Some(s) = self.sessions.get_mut(&sid) else {
            return;
        };
        if s.current == idx {
            let next = s
                .last
                .filter(|l| s.windows.contains_key(l))
                .or_else(|| s.windows.range(..idx).next_back().map(|(i, _)| *i))
                .or_else(|| s.windows.keys().next().copied());
            match next {
                Some(n) => {
                    s.current = n;
                    s.forget(n);
                    s.forget(idx);
                    // tmux `session_detach` moves on with `session_set_current`.
                    self.current_window_changed(sid, idx);
                    return;
                }
                None => {
                    self.close_session(sid);
                    return;
                }
            }
        }
        s.forget(idx);
        if s.windows.is_empty() {
            self.close_session(sid);
        }
    }

    /// Forget a session, raising session-closed once.
    fn close_session(&mut self, sid: u32) {
        self.move_clients_off(sid);
        // Moving the clients may have destroyed it already (`destroy-unattached`).
        if self.sessions.contains_key(&sid) {
            self.notify_session("session-closed", sid);
            self.sessions.remove(&sid);
        }
    }

    /// tmux `server_kill_window`: every link to the window at (`sid`, `idx`) goes, lowest
    /// index first, each as a closed window (the current one gives way); then the session is
    /// renumbered (`renumber-windows`) and the window's panes are hung up.
    pub fn remove_window(&mut self, sid: u32, idx: u32) {
        let Some(wid) = self.window(sid, idx).map(|w| w.id) else {
            return;
        };
        let mut gone = None;
        while let Some(i) = self
            .sessions
            .get(&sid)
            .and_then(|s| s.windows.indexes_of(wid).first().copied())
        {
            self.notify_window("window-unlinked", sid, i, None);
            if let Some(w) = self
                .sessions
                .get_mut(&sid)
                .and_then(|s| s.windows.remove(&i))
            {
                gone = Some(w);
            }
            self.detach_index(sid, i);
        }
        if self.session_option(sid, "renumber-windows") == "on" {
            let base = u32::try_from(self.option_num(sid, 0, "base-index")).unwrap_or(0);
            self.renumber_session(sid, base);
        }
        if let Some(w) = gone {
            self.hang_up_window(&w);
        }
    }

    /// tmux `server_unlink_window`: only the link at (`sid`, `idx`) goes (no renumbering);
    /// the window and its panes go with it when it was the window's last link.
    pub fn unlink_window(&mut self, sid: u32, idx: u32) {
        if self.window(sid, idx).is_none() {
            return;
        }
        self.notify_window("window-unlinked", sid, idx, None);
        let gone = self
            .sessions
            .get_mut(&sid)
            .and_then(|s| s.windows.remove(&idx));
        self.detach_index(sid, idx);
        if let Some(w) = gone {
            self.hang_up_window(&w);
        }
    }

    /// A window that went: its panes forgotten, their live processes hung up.
    fn hang_up_window(&mut self, w: &Window) {
        for p in w.pane_ids() {
            for _ in 0..self.forget_pane(p) {
                self.mode_changed(p);
            }
        }
    }

    pub fn remove_session(&mut self, sid: u32) {
        // tmux's kill-session moves the clients before the windows go.
        self.move_clients_off(sid);
        // One at a time from the front: renumber-windows may move the indexes after each.
        while let Some(idx) = self
            .sessions
            .get(&sid)
            .and_then(|s| s.windows.keys().next().copied())
        {
            self.remove_window(sid, idx);
        }
        self.close_session(sid);
    }

    /// A window whose `window-size` is `manual` keeps resize-window's size (or `default-size`)
    /// whatever its clients' sizes, as in tmux 3.3a; `None` for the other windows.
    pub fn manual_window_size(&self, sid: u32, idx: u32) -> Option<(u16, u16)> {
        if self.option(sid, idx, "window-size") != "manual" {
            return None;
        }
        let manual = self.window(sid, idx).and_then(|w| w.manual_size);
        manual.or_else(|| parse_size(&self.option(sid, idx, "default-size")))
    }

    /// Window (`sid`, `idx`) becomes `sx` x `sy`, its layout and panes with it.
    /// tmux `resize_window`, raising window-layout-changed and window-resized (a zoomed
    /// window is unzoomed for it and zoomed again, each a layout change too).
    pub fn resize_window(&mut self, sid: u32, idx: u32, (sx, sy): (u16, u16)) {
        let zoomed = self.unzoom(sid, idx);
        let Some(w) = self.window_mut(sid, idx) else {
            return;
        };
        w.sx = sx;
        w.sy = sy;
        w.layout.resize(sx, sy, Border::window(w.pane_status));
        w.pending_size = None;
        let (wid, active) = (w.id, w.active);
        if zoomed {
            self.zoom(sid, idx, active);
        }
        self.apply_layout(sid, idx);
        self.layout_changed(sid, idx);
        self.notify_about_window("window-resized", wid);
    }
}

/// A `WxH` size as the `default-size` option holds it; `None` when it is not one.
pub fn parse_size(value: &str) -> Option<(u16, u16)> {
    let (x, y) = value.split_once('x')?;
    Some((x.parse().ok()?, y.parse().ok()?))
}
