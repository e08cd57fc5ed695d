//! The server daemon: binds the socket, accepts clients (one command each, or an attached
//! terminal), owns the state behind one lock, runs a reader and a writer task per pane PTY,
//! and exits when the last session ends or on `kill-server`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::{Notify, mpsc, watch};

use crate::state::{HISTORY_LIMIT, PANE_INPUT_QUEUE, Pane, State};
use crate::wire::{self, kind};

pub struct Shared {
    state: Mutex<State>,
    /// Bumped on every visible change; attached clients redraw when it moves.
    pub changed: watch::Sender<u64>,
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
}

impl Shared {
    /// The state; a panic elsewhere while holding the lock must not take the server down.
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn notify(&self) {
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
    let (pty, pts) = pty_process::open().map_err(|e| format!("create pane failed: {e}"))?;
    pty.resize(pty_process::Size::new(sy.max(1), sx.max(1)))
        .map_err(|e| format!("create pane failed: {e}"))?;
    let master = rustix::io::dup(&pty).ok();
    let shell = std::env::var("SHELL")
        .ok()
        .filter(|s| s.starts_with('/') && Path::new(s).exists())
        .unwrap_or_else(|| "/bin/sh".to_string());
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
        .env("TERM", "tmux-256color")
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
    let mut child = cmd
        .spawn(pts)
        .map_err(|e| format!("create pane failed: {e}"))?;
    let pid = child.id().and_then(|p| i32::try_from(p).ok());
    let (mut reader, mut writer) = pty.into_split();
    let (tx, mut rx) = mpsc::channel::<Vec<u8>>(PANE_INPUT_QUEUE);
    tokio::spawn(async move {
        while let Some(bytes) = rx.recv().await {
            if writer.write_all(&bytes).await.is_err() {
                break;
            }
        }
    });
    let shared2 = Arc::clone(shared);
    tokio::spawn(async move {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match reader.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let mut st = shared2.lock();
                    if let (Some(p), Some(bytes)) = (st.panes.get_mut(&id), buf.get(..n)) {
                        p.term.feed(bytes);
                    }
                    drop(st);
                    shared2.notify();
                }
            }
        }
        {
            let mut st = shared2.lock();
            st.remove_pane(id);
            shared2.check_empty(&st);
        }
        shared2.notify();
        // Reap the child; one that ignores SIGHUP is killed after a while.
        if tokio::time::timeout(Duration::from_secs(5), child.wait())
            .await
            .is_err()
        {
            let _ = child.kill().await;
        }
    });
    state.panes.insert(
        id,
        Pane {
            id,
            term: tmate_term::PaneTerm::new(sx.max(1), sy.max(1), HISTORY_LIMIT),
            input: tx,
            master,
            pid,
        },
    );
    Ok(id)
}

/// Run the server on `socket` until it is empty or killed. `listener` is already bound.
pub async fn run(socket: PathBuf, listener: UnixListener) {
    let (changed, _) = watch::channel(0u64);
    let shared = Arc::new(Shared {
        state: Mutex::new(State::default()),
        changed,
        shutdown: Notify::new(),
        socket: socket.clone(),
    });
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
    // Tell attached clients, then hang up every pane.
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

async fn handle_client(shared: Arc<Shared>, mut stream: UnixStream) {
    let first = tokio::time::timeout(Duration::from_secs(10), wire::read_frame(&mut stream)).await;
    let Ok(Ok(Some((kind::COMMAND, payload)))) = first else {
        return;
    };
    let Some(strings) = wire::decode_strings(&payload) else {
        return;
    };
    let mut it = strings.into_iter();
    let cwd = it.next().unwrap_or_default();
    let tmux = it.next().unwrap_or_default();
    let tmux_pane = it.next().unwrap_or_default();
    let cols = it.next().and_then(|v| v.parse().ok()).unwrap_or(80);
    let rows = it.next().and_then(|v| v.parse().ok()).unwrap_or(24);
    let tty = it.next().as_deref() == Some("1");
    let argv: Vec<String> = it.collect();
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
    if let Some(sid) = result.attach {
        crate::attach::run(&shared, stream, sid, info).await;
        return;
    }
    let _ = wire::write_frame(&mut stream, kind::EXIT, &[result.code]).await;
}
