//! The server daemon: binds the socket, accepts clients (one command each, or an attached
//! terminal), owns the state behind one lock, runs a reader and a writer task per pane PTY,
//! and exits when the last session ends or on `kill-server`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::net::{UnixListener, UnixStream};
use tokio::sync::{Notify, mpsc, watch};

use crate::state::{HISTORY_LIMIT, PANE_INPUT_QUEUE, Pane, State};

/// history-limit is capped: a config asking for millions of lines per pane must not exhaust us.
const MAX_HISTORY: usize = 100_000;
use crate::wire::{self, kind};

pub struct Shared {
    state: Mutex<State>,
    /// Bumped on every visible change; attached clients redraw when it moves.
    pub changed: watch::Sender<u64>,
    /// Bumped on every change but pane output (commands, layout, options, relay messages):
    /// a redraw for which it did not move was caused by pane output alone.
    pub state_changes: std::sync::atomic::AtomicU64,
    pub shutdown: Notify,
    pub socket: PathBuf,
}

/// What a client told us about itself with its command.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    pub cwd: String,
    /// The pane the client runs in (`$TMUX_PANE`) when `$TMUX` names this server.
    pub pane: Option<u32>,
    pub cols: u16,
    pub rows: u16,
    pub tty: bool,
    /// Set when the command comes from an attached client's key binding.
    pub attached: Option<u32>,
    /// The mouse event a binding runs for (`-t =`, `send-keys -M`, `copy-mode -M`).
    pub mouse: Option<crate::mouse::MouseInfo>,
}

impl Shared {
    /// The state; a panic elsewhere while holding the lock must not take the server down.
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn notify(&self) {
        self.state_changes
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        self.changed.send_modify(|g| *g = g.wrapping_add(1));
    }

    /// A pane printed something: clients redraw their panes (see `state_changes`).
    pub fn notify_output(&self) {
        self.changed.send_modify(|g| *g = g.wrapping_add(1));
    }

    /// Exit when nothing is left to serve (tmux's exit-empty).
    pub fn check_empty(&self, state: &State) {
        if state.sessions.is_empty() {
            self.shutdown.notify_one();
        }
    }
}

/// Start a pane running `command` (or the login shell) in a `sx` x `sy` PTY. Returns the pane id.
pub fn spawn_pane(
    shared: &Arc<Shared>,
    state: &mut State,
    session: u32,
    command: Option<&str>,
    cwd: &str,
    sx: u16,
    sy: u16,
) -> Result<u32, String> {
    let id = state.alloc_pane();
    let started = start_process(shared, state, id, session, command, cwd, sx, sy)?;
    let history = history_limit(state, session);
    state.panes.insert(
        id,
        Pane {
            id,
            term: tmate_term::PaneTerm::new(sx.max(1), sy.max(1), history),
            input: started.input,
            master: started.master,
            pid: started.pid,
            dead: None,
            command: command.map(str::to_string),
            cwd: cwd.to_string(),
            generation: started.generation,
            copy: None,
            command_cache: Default::default(),
        },
    );
    Ok(id)
}

/// respawn-pane: a new program in an existing pane, same size, fresh screen (tmux
/// `screen_reinit`), in `cwd` or else where the pane started. The caller has hung up a live
/// program already (`-k`).
pub fn respawn_pane(
    shared: &Arc<Shared>,
    state: &mut State,
    pane: u32,
    command: Option<&str>,
    cwd: Option<&str>,
) -> Result<(), String> {
    let (sid, _) = state.locate_pane(pane).ok_or("no pane")?;
    let cwd = match cwd {
        Some(c) => c.to_string(),
        None => state
            .panes
            .get(&pane)
            .map(|p| p.cwd.clone())
            .unwrap_or_default(),
    };
    let cwd = cwd.as_str();
    let (sx, sy) = state
        .panes
        .get(&pane)
        .map(|p| p.term.size())
        .ok_or("no pane")?;
    let started = start_process(shared, state, pane, sid, command, cwd, sx, sy)?;
    let history = history_limit(state, sid);
    if let Some(p) = state.panes.get_mut(&pane) {
        p.term = tmate_term::PaneTerm::new(sx.max(1), sy.max(1), history);
        p.input = started.input;
        p.master = started.master;
        p.pid = started.pid;
        p.dead = None;
        p.command = command.map(str::to_string);
        p.cwd = cwd.to_string();
        p.generation = started.generation;
        // A fresh screen: tmux resets the pane's modes (copy mode ends).
        p.copy = None;
    }
    Ok(())
}

fn history_limit(state: &State, session: u32) -> usize {
    let idx = state.sessions.get(&session).map(|s| s.current).unwrap_or(0);
    usize::try_from(state.option_num(session, idx, "history-limit"))
        .unwrap_or(HISTORY_LIMIT)
        .min(MAX_HISTORY)
}

/// A started pane program: its input queue, PTY master and pid.
struct Started {
    input: crate::state::PaneInput,
    master: Option<std::os::fd::OwnedFd>,
    pid: Option<i32>,
    generation: u64,
}

/// Longest a pane's reader keeps the server's thread during a flood before letting the
/// clients redraw (about 100 frames a second).
const FLOOD_TURN: Duration = Duration::from_millis(10);

/// Spawns so far; a pane's PTY tasks act on the pane only while it holds their generation.
static GENERATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

#[allow(clippy::too_many_arguments)]
fn start_process(
    shared: &Arc<Shared>,
    state: &mut State,
    id: u32,
    session: u32,
    command: Option<&str>,
    cwd: &str,
    sx: u16,
    sy: u16,
) -> Result<Started, String> {
    let generation = GENERATION.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let (pty, pts) = pty_process::open().map_err(|e| format!("create pane failed: {e}"))?;
    pty.resize(pty_process::Size::new(sy.max(1), sx.max(1)))
        .map_err(|e| format!("create pane failed: {e}"))?;
    // Keystrokes are written on this duplicate from the server's tasks: it must never block
    // (the flag is the PTY's own, which tokio has set already; made sure here).
    let master = rustix::io::dup(&pty)
        .ok()
        .filter(|fd| rustix::io::ioctl_fionbio(fd, true).is_ok());
    let idx = state.sessions.get(&session).map(|s| s.current).unwrap_or(0);
    let shell = Some(state.option(session, idx, "default-shell"))
        .filter(|s| s.starts_with('/') && Path::new(s).exists())
        .unwrap_or_else(|| "/bin/sh".to_string());
    let term = Some(state.option(session, idx, "default-terminal"))
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| "screen".to_string());
    let base = shell.rsplit('/').next().unwrap_or("sh").to_string();
    let mut cmd = pty_process::Command::new(&shell);
    cmd = match command {
        Some(c) => cmd.arg("-c").arg(c),
        // tmux starts the default shell as a login shell: argv[0] "-sh".
        None => cmd.arg0(format!("-{base}")),
    };
    let dir = if Path::new(cwd).is_dir() {
        cwd.to_string()
    } else {
        "/".to_string()
    };
    cmd = cmd
        .current_dir(dir)
        .env("TERM", term)
        .env(
            "TMUX",
            format!(
                "{},{},{}",
                shared.socket.display(),
                std::process::id(),
                session
            ),
        )
        .env("TMUX_PANE", format!("%{id}"));
    // The PTY is read through a read-only registration and written without one (`fdio`):
    // pty-process's own polls for both, which woke the server after every keystroke it wrote.
    let failed = |e: &dyn std::fmt::Display| format!("create pane failed: {e}");
    let writer = rustix::io::dup(&pty).map_err(|e| failed(&e))?;
    let reader_fd = rustix::io::dup(&pty).map_err(|e| failed(&e))?;
    drop(pty);
    let reader = crate::fdio::reader(reader_fd).map_err(|e| failed(&e))?;
    let mut child = cmd.spawn(pts).map_err(|e| failed(&e))?;
    let pid = child.id().and_then(|p| i32::try_from(p).ok());
    let (tx, mut rx) = mpsc::channel::<Vec<u8>>(PANE_INPUT_QUEUE);
    let pending = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let pending2 = Arc::clone(&pending);
    tokio::spawn(async move {
        while let Some(bytes) = rx.recv().await {
            let ok = crate::fdio::write_all(&writer, &bytes).await.is_ok();
            pending2.fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
            if !ok {
                break;
            }
        }
    });
    let shared2 = Arc::clone(shared);
    tokio::spawn(async move {
        let mut buf = vec![0u8; 64 * 1024];
        let mut last_turn = std::time::Instant::now();
        loop {
            // A flood never leaves the PTY empty, so this task would keep the (single) thread
            // to itself and the attached clients would not redraw until it ends: it gives way
            // every FLOOD_TURN, as tmux shows a flood as it goes.
            if last_turn.elapsed() >= FLOOD_TURN {
                tokio::task::yield_now().await;
                last_turn = std::time::Instant::now();
            }
            match crate::fdio::read(&reader, &mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    {
                        let mut st = shared2.lock();
                        if let (Some(p), Some(bytes)) = (st.panes.get_mut(&id), buf.get(..n))
                            && p.generation == generation
                        {
                            p.term.feed(bytes);
                            crate::copy::after_output(p);
                            crate::uplink::pane_output(&mut st, id, bytes);
                        }
                    }
                    shared2.notify_output();
                }
            }
        }
        // A respawned pane has new PTY tasks; this spawn's end is no longer its end.
        let current = |st: &State| {
            st.panes
                .get(&id)
                .is_some_and(|p| p.generation == generation)
        };
        if current(&shared2.lock()) {
            crate::uplink::foreground_restart(&shared2, id).await;
        }
        // Reap the child first (tmux closes a pane once it has both EOF and the exit status);
        // one that ignores SIGHUP is killed after a while.
        let status = match tokio::time::timeout(Duration::from_secs(5), child.wait()).await {
            Ok(Ok(status)) => Some(status),
            _ => {
                let _ = child.kill().await;
                None
            }
        };
        {
            let mut st = shared2.lock();
            if st
                .panes
                .get(&id)
                .is_some_and(|p| p.generation == generation)
            {
                pane_exited(&mut st, id, status);
            }
            shared2.check_empty(&st);
        }
        shared2.notify();
    });
    Ok(Started {
        input: crate::state::PaneInput { queue: tx, pending },
        master,
        pid,
        generation,
    })
}

/// A pane's program ended: remove the pane, or keep it dead with tmux's remain-on-exit
/// message on its last line (`on`, or `failed` for a non-zero exit or a signal).
fn pane_exited(state: &mut State, id: u32, status: Option<std::process::ExitStatus>) {
    use std::os::unix::process::ExitStatusExt;
    let exit = crate::state::Exit {
        status: status.and_then(|s| s.code()),
        signal: status.and_then(|s| s.signal()),
    };
    let remain = state
        .locate_pane(id)
        .map(|(sid, idx)| state.option(sid, idx, "remain-on-exit"))
        .unwrap_or_default();
    let keep = match remain.as_str() {
        "on" => true,
        "failed" => exit.status != Some(0),
        _ => false,
    };
    let Some(p) = state.panes.get_mut(&id).filter(|_| keep) else {
        state.remove_pane(id);
        return;
    };
    p.dead = Some(exit);
    let (_, sy) = p.term.size();
    let what = match (exit.status, exit.signal) {
        (Some(code), _) => format!("status {code}"),
        (None, Some(sig)) => format!("signal {sig}"),
        (None, None) => String::new(),
    };
    let when = ctime(std::time::SystemTime::now());
    // tmux: scroll region reset, cursor to the last line, a line feed, then the text.
    let text = format!("\x1b[r\x1b[{sy};1H\n\x1b[0mPane is dead ({what}, {when})");
    p.term.feed(text.as_bytes());
}

/// ctime(3) in UTC without the newline: `Thu Nov 26 22:45:01 2026` (tmux `#{t:...}`).
pub fn ctime(t: std::time::SystemTime) -> String {
    let c = tmate_proto::civil::Civil::utc(t);
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let weekday = DAYS.get(c.weekday as usize).copied().unwrap_or_default();
    let month = MONTHS
        .get((c.month as usize).saturating_sub(1))
        .copied()
        .unwrap_or_default();
    format!(
        "{weekday} {month} {:2} {:02}:{:02}:{:02} {}",
        c.day, c.hour, c.minute, c.second, c.year
    )
}

/// The state a server starts with: $SHELL as default-shell (tmux `getshell`), tmate 2.4's
/// default key bindings.
fn initial_state() -> State {
    let mut state = State::default();
    if let Ok(shell) = std::env::var("SHELL")
        && shell.starts_with('/')
        && Path::new(&shell).exists()
    {
        state
            .options
            .map_mut(crate::options::Scope::Session)
            .insert("default-shell".into(), shell);
    }
    let defaults = [crate::bindings::DEFAULTS, crate::copy::keys::DEFAULTS];
    for (_, line) in defaults.iter().flat_map(|d| crate::parse::logical_lines(d)) {
        if let Ok(cmds) = crate::parse::parse_line(&line) {
            for words in cmds {
                crate::cmd::bind_default(&mut state, &words);
            }
        }
    }
    state
}

/// Run the server on `socket` until it is empty or killed. `listener` is already bound;
/// `config` is `-f FILE` (else the user's default files).
pub async fn run(socket: PathBuf, listener: UnixListener, config: Option<PathBuf>) {
    let (changed, _) = watch::channel(0u64);
    let shared = Arc::new(Shared {
        state: Mutex::new(initial_state()),
        changed,
        state_changes: std::sync::atomic::AtomicU64::new(0),
        shutdown: Notify::new(),
        socket: socket.clone(),
    });
    {
        let mut st = shared.lock();
        let client = ClientInfo {
            cwd: std::env::var("HOME").unwrap_or_default(),
            ..ClientInfo::default()
        };
        for (file, quiet) in crate::config::startup_files(config.as_deref()) {
            let errors = crate::config::load_file(&shared, &mut st, &client, &file, quiet);
            for e in errors {
                st.log_message(e.clone());
                st.config_errors.push(e);
            }
        }
    }
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    let shared = Arc::clone(&shared);
                    tokio::spawn(async move { handle_client(shared, stream).await });
                }
            }
            _ = shared.shutdown.notified() => break,
        }
    }
    // FIN to the relay first, then tell attached clients and hang up every pane.
    crate::uplink::finish(&shared).await;
    let ids: Vec<u32> = shared.lock().sessions.keys().copied().collect();
    {
        let mut st = shared.lock();
        for sid in ids {
            st.remove_session(sid);
        }
    }
    shared.notify();
    let _ = std::fs::remove_file(&socket);
    // Give client tasks a moment to send their last frames.
    tokio::time::sleep(Duration::from_millis(100)).await;
}

/// How long a client may take to send its hello and its command.
const CLIENT_OPENING: Duration = Duration::from_secs(10);

/// Read the client's hello; a client that is not one of ours at this version is answered in
/// its own framing and dropped (`crate::handshake`). True when frames of ours follow.
async fn accept_opening(shared: &Shared, stream: &mut UnixStream) -> bool {
    use crate::handshake::{self, Opening};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut opening = [0u8; handshake::HEADER];
    match tokio::time::timeout(CLIENT_OPENING, stream.read_exact(&mut opening)).await {
        Ok(Ok(_)) => {}
        _ => return false,
    }
    let reply = match handshake::classify_opening(&opening) {
        Opening::Ours => return true,
        Opening::Tmux { kind, version } => handshake::reply_to_tmux_client(
            kind,
            version,
            &handshake::foreign_client_message(&shared.socket),
        ),
        Opening::OurOtherVersion(v) => other_version_frames(&shared.socket, Some(v)),
        Opening::Unknown => other_version_frames(&shared.socket, None),
    };
    let _ = tokio::time::timeout(CLIENT_OPENING, stream.write_all(&reply)).await;
    // Wait for the client to hang up (bounded): closing while it still writes its opening
    // messages could make it report a lost server before it reads our answer.
    let mut sink = [0u8; 4096];
    let _ = tokio::time::timeout(Duration::from_secs(2), async {
        while matches!(stream.read(&mut sink).await, Ok(n) if n > 0) {}
    })
    .await;
    false
}

/// Our framing's STDERR + EXIT 1 for a client of another version of ours.
fn other_version_frames(socket: &Path, version: Option<u32>) -> Vec<u8> {
    let text = format!(
        "{}\n",
        crate::handshake::other_version_message(socket, version)
    );
    let mut out = Vec::new();
    for (k, payload) in [(kind::STDERR, text.as_bytes()), (kind::EXIT, &[1u8][..])] {
        let len = u32::try_from(payload.len() + 1).unwrap_or(0);
        out.extend_from_slice(&len.to_be_bytes());
        out.push(k);
        out.extend_from_slice(payload);
    }
    out
}

async fn handle_client(shared: Arc<Shared>, mut stream: UnixStream) {
    if !accept_opening(&shared, &mut stream).await {
        return;
    }
    let first = tokio::time::timeout(CLIENT_OPENING, wire::read_frame(&mut stream)).await;
    let Ok(Ok(Some((kind::COMMAND, payload)))) = first else {
        return;
    };
    let Some(wire::CommandRequest {
        cwd,
        tmux,
        tmux_pane,
        cols,
        rows,
        tty,
        argv,
    }) = wire::CommandRequest::decode(&payload)
    else {
        return;
    };
    if argv.first().map(String::as_str) == Some("__foreground") {
        crate::uplink::foreground_stream(&shared, stream).await;
        return;
    }
    let ours = tmux.split(',').next() == Some(&*shared.socket.to_string_lossy());
    let pane = tmux_pane
        .strip_prefix('%')
        .and_then(|p| p.parse().ok())
        .filter(|_| ours);
    let info = ClientInfo {
        cwd,
        pane,
        cols,
        rows,
        tty,
        attached: None,
        mouse: None,
    };
    let result = {
        let mut st = shared.lock();
        let r = crate::cmd::run_line(&shared, &mut st, &info, &argv);
        if r.kill_server || (r.attach.is_none() && st.sessions.is_empty()) {
            shared.shutdown.notify_one();
        }
        r
    };
    shared.notify();
    if !result.out.is_empty() {
        let _ = wire::write_frame(&mut stream, kind::STDOUT, result.out.as_bytes()).await;
    }
    if !result.err.is_empty() {
        let _ = wire::write_frame(&mut stream, kind::STDERR, result.err.as_bytes()).await;
    }
    if let Some(wait) = result.wait {
        // wait-for tmate-ready: the uplink wakes us on READY or drops the sender on failure.
        let err = match tokio::time::timeout(crate::uplink::READY_TIMEOUT, wait).await {
            Ok(Ok(())) => None,
            Ok(Err(_)) => Some(
                shared
                    .lock()
                    .tmate
                    .failed
                    .clone()
                    .unwrap_or_else(|| "the tmate connection ended".into()),
            ),
            Err(_) => Some("timed out waiting for tmate-ready".to_string()),
        };
        if let Some(e) = err {
            let _ = wire::write_frame(&mut stream, kind::STDERR, format!("{e}\n").as_bytes()).await;
            let _ = wire::write_frame(&mut stream, kind::EXIT, &[1]).await;
            return;
        }
    }
    let mut code = result.code;
    if let Some(pending) = result.pending {
        // run-shell, if-shell, wait-for: wait for the job, or stop when the client goes.
        let done = tokio::select! {
            r = pending => r.ok(),
            _ = wire::read_frame(&mut stream) => None,
        };
        let Some(r) = done else {
            return;
        };
        if !r.out.is_empty() {
            let _ = wire::write_frame(&mut stream, kind::STDOUT, r.out.as_bytes()).await;
        }
        if !r.err.is_empty() {
            let _ = wire::write_frame(&mut stream, kind::STDERR, r.err.as_bytes()).await;
        }
        code = r.code;
        let st = shared.lock();
        if st.sessions.is_empty() {
            shared.shutdown.notify_one();
        }
    }
    if let Some(sid) = result.attach {
        crate::attach::run(&shared, stream, sid, info).await;
        return;
    }
    let _ = wire::write_frame(&mut stream, kind::EXIT, &[code]).await;
}
