//! The server daemon: binds the socket, accepts clients (one command each, or an attached
//! terminal), owns the state behind one lock, dispatches their commands, and exits when the last
//! session ends or on `kill-server`. Pane processes are `crate::process`'s.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::net::{UnixListener, UnixStream};
use tokio::sync::{Notify, watch};

use crate::state::State;

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
    /// Open once the start-up config is done, when it waits for a command: the first client
    /// to come (the one that started the server) waits for it, as tmux's does.
    pub config_gate: std::sync::Mutex<Option<tokio::sync::oneshot::Receiver<()>>>,
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
    /// The start-up config (and what it started, such as if-shell's branches): a
    /// `new-session` there makes a detached session, as in tmux.
    pub startup_config: bool,
    /// A control-mode client (`-C`): `new-session` sizes its session as a detached one (tmux
    /// 3.3a takes no size from a control client's terminal).
    pub control: bool,
    /// A command client's environment (`update-environment`); `None` for the server's own
    /// commands (config, key bindings, hooks), which have no client environment in tmux either.
    pub env: Option<Arc<Vec<(String, String)>>>,
    /// Commands from the relay's viewers (tmate's remote commands, their keys in a tree
    /// mode): no client of ours ran them, yet a tree's choice still moves the session.
    pub relay: bool,
    /// A command client's standard input, read to its end, when its command reads `-`
    /// (`load-buffer -`, `source-file -`); `None` for every other command and client.
    pub stdin: Option<Arc<Vec<u8>>>,
    /// The key whose binding runs the commands (the message log's `key K:`).
    pub key: Option<tmate_proto::KeyCode>,
    /// A command client's name in the message log ([`command_client_name`]).
    pub name: Option<String>,
}

/// The locked model; on release, its effects reach the panes' processes.
pub struct StateGuard<'a>(MutexGuard<'a, State>);

impl std::ops::Deref for StateGuard<'_> {
    type Target = State;
    fn deref(&self) -> &State {
        &self.0
    }
}

impl std::ops::DerefMut for StateGuard<'_> {
    fn deref_mut(&mut self) -> &mut State {
        &mut self.0
    }
}

impl Drop for StateGuard<'_> {
    fn drop(&mut self) {
        crate::process::apply_effects(&mut self.0);
    }
}

impl Shared {
    /// The state; a panic elsewhere while holding the lock must not take the server down.
    /// Releasing it carries out the process work the model asked for (`state::Effect`).
    pub fn lock(&self) -> StateGuard<'_> {
        StateGuard(self.state.lock().unwrap_or_else(|e| e.into_inner()))
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

    /// Exit when nothing is left to serve, unless the `exit-empty` server option is off (as
    /// tmux's server loop: `start-server` then keeps a server without sessions). Not while
    /// the start-up config runs: a run-shell there may run our commands before the client
    /// that started the server has made its session (tmux counts that client, and the job).
    pub fn check_empty(&self, state: &State) {
        if !state.config_finished {
            return;
        }
        let exit_empty = state
            .options
            .get(crate::options::Scope::Server, "exit-empty")
            .is_none_or(|v| v != "off");
        if state.sessions.is_empty() && exit_empty {
            self.shutdown.notify_one();
        }
    }
}

/// The state a server starts with: $SHELL as default-shell (tmux `getshell`), the default
/// key tables (compiled in: `bindings::default_tables`).
fn initial_state() -> State {
    let mut state = State::default();
    state.started = crate::state::now_secs();
    // The global environment starts as the server's own (the first client's, as in tmux).
    state.environ = crate::environ::Environ::from_pairs(std::env::vars_os().map(|(k, v)| {
        (
            k.to_string_lossy().into_owned(),
            v.to_string_lossy().into_owned(),
        )
    }));
    if let Ok(shell) = std::env::var("SHELL")
        && shell.starts_with('/')
        && Path::new(&shell).exists()
    {
        state
            .options
            .map_mut(crate::options::Scope::Session)
            .insert("default-shell".into(), shell);
    }
    state.keys = crate::bindings::default_tables();
    state.key_notes = crate::bindings::default_notes();
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
        config_gate: std::sync::Mutex::new(None),
    });
    load_startup_config(&shared, &socket, config.as_deref());
    tokio::spawn(watch_silence(Arc::clone(&shared)));
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    let shared = Arc::clone(&shared);
                    tokio::spawn(async move {
                        let lost = Arc::clone(&shared);
                        handle_client(shared, stream).await;
                        client_lost(&lost);
                    });
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
    crate::format::jobs::kill_all();
    let _ = std::fs::remove_file(&socket);
    // Give client tasks a moment to send their last frames.
    tokio::time::sleep(Duration::from_millis(100)).await;
}

/// A start-up file's problems: kept for show-messages and the first session's view.
fn config_errors(st: &mut State, loaded: crate::config::Loaded) {
    for e in loaded.causes.into_iter().chain(loaded.errors) {
        st.log_message(e.clone());
        st.config_errors.push(e);
    }
}

/// tmux 3.3a's `cfg_done`: a session the config made shows its errors.
fn config_done(st: &mut State) {
    st.config_finished = true;
    if let Some(sid) = st.sessions.keys().next().copied() {
        crate::copy::show_config_errors(st, sid);
    }
}

/// The start-up config files, run before any client is served; a run-shell or if-shell in
/// them hands the rest to a task (`finish_config`). Once all has run, the relay connection
/// opens (`uplink::connect_early`).
fn load_startup_config(shared: &Arc<Shared>, socket: &Path, config: Option<&Path>) {
    let mut st = shared.lock();
    let client = ClientInfo {
        cwd: std::env::var("HOME").unwrap_or_default(),
        startup_config: true,
        control: false,
        ..ClientInfo::default()
    };
    st.socket_path = socket.to_string_lossy().into_owned();
    let files = crate::config::startup_files(config);
    st.config_files = files
        .iter()
        .map(|(f, _)| f.to_string_lossy().into_owned())
        .collect();
    let mut files = files.into_iter();
    let mut waiting = None;
    for (file, options) in files.by_ref() {
        let loaded = crate::config::load_file_printing(shared, &mut st, &client, &file, options);
        if loaded.rest.is_some() {
            waiting = Some(loaded);
            break;
        }
        config_errors(&mut st, loaded);
    }
    match waiting {
        None => {
            config_done(&mut st);
            crate::uplink::connect_early(shared, &mut st);
        }
        Some(loaded) => {
            // A run-shell or if-shell holds up the rest of the config (tmux's queue
            // waits for it), and the client that started the server waits for the
            // config; others are served meanwhile (a run-shell may run our commands).
            let (done, gate) = tokio::sync::oneshot::channel();
            *shared
                .config_gate
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(gate);
            let rest: Vec<_> = files.collect();
            tokio::spawn(finish_config(
                Arc::clone(shared),
                client,
                loaded,
                rest,
                done,
            ));
        }
    }
}

/// The start-up config after a command it waits for: its rest, then the files after it.
async fn finish_config(
    shared: Arc<Shared>,
    client: ClientInfo,
    loaded: crate::config::Loaded,
    files: Vec<(PathBuf, crate::config::LoadOptions)>,
    done: tokio::sync::oneshot::Sender<()>,
) {
    let loaded = crate::config::finish(&shared, loaded).await;
    config_errors(&mut shared.lock(), loaded);
    for (file, options) in files {
        let loaded = {
            let mut st = shared.lock();
            crate::config::load_file_printing(&shared, &mut st, &client, &file, options)
        };
        let loaded = crate::config::finish(&shared, loaded).await;
        config_errors(&mut shared.lock(), loaded);
    }
    {
        let mut st = shared.lock();
        config_done(&mut st);
        crate::uplink::connect_early(&shared, &mut st);
    }
    shared.notify();
    let _ = done.send(());
}

/// Every second, the windows quiet for their `monitor-silence` (tmux arms a timer per window;
/// one tick for all does the same to the second). Ends with the server.
async fn watch_silence(shared: Arc<Shared>) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tick.tick().await;
        let mut st = shared.lock();
        if crate::alerts::check_silence(&mut st) {
            crate::hooks::drain(&shared, &mut st);
            drop(st);
            shared.notify();
        }
    }
}

/// How long a client may take to send its hello and its command.
const CLIENT_OPENING: Duration = Duration::from_secs(10);
/// Longest a command client may take to send the standard input its command reads.
const STDIN_WAIT: Duration = Duration::from_secs(600);

/// Longest the first client waits for a start-up config that waits for commands.
const CONFIG_GATE: Duration = Duration::from_secs(120);

/// What a client's first bytes made of it.
enum Accepted {
    /// Our client: frames of ours follow.
    Ours,
    /// A tmux 3.2+ command client: its first imsg header (see `crate::tmux_client`).
    TmuxClient([u8; crate::handshake::HEADER]),
    /// Answered in its own framing and dropped.
    Refused,
}

/// Read the client's hello; a client that is not one of ours at this version, nor a tmux
/// command client we serve, is answered in its own framing and dropped (`crate::handshake`).
async fn accept_opening(shared: &Shared, stream: &mut UnixStream) -> Accepted {
    use crate::handshake::{self, Opening};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut opening = [0u8; handshake::HEADER];
    match tokio::time::timeout(CLIENT_OPENING, stream.read_exact(&mut opening)).await {
        Ok(Ok(_)) => {}
        _ => return Accepted::Refused,
    }
    let reply = match handshake::classify_opening(&opening) {
        Opening::Ours => return Accepted::Ours,
        Opening::Tmux { kind, version } if crate::tmux_client::may_serve(kind, version) => {
            // tmate 2.4 and tmux 3.3a both open with MSG_IDENTIFY_FLAGS: the next message
            // tells them apart.
            match tokio::time::timeout(
                CLIENT_OPENING,
                crate::tmux_client::second_header(stream, opening),
            )
            .await
            {
                Ok(Some(next)) if crate::tmux_client::serves(&next) => {
                    return Accepted::TmuxClient(next);
                }
                Ok(Some(_)) => handshake::reply_to_tmux_client(
                    kind,
                    version,
                    &handshake::foreign_client_message(&shared.socket),
                ),
                _ => return Accepted::Refused,
            }
        }
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
    Accepted::Refused
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

/// The start-up config's gate for a client, unless the client was run by this server (a
/// config's run-shell running our commands, a pane): such a client names us in `$TMUX`, never
/// started us, and must not wait for the config it is part of.
pub(crate) async fn wait_unless_ours(shared: &Shared, tmux: &str) {
    if !names_this_server(tmux) {
        wait_for_config(shared).await;
    }
}

/// The pane a client runs in: its `$TMUX_PANE` (`%N`) when its `$TMUX` names our socket.
pub(crate) fn pane_of(shared: &Shared, tmux: &str, tmux_pane: &str) -> Option<u32> {
    let ours = tmux.split(',').next() == Some(&*shared.socket.to_string_lossy());
    tmux_pane
        .strip_prefix('%')
        .and_then(|p| p.parse().ok())
        .filter(|_| ours)
}

/// A variable of a client's environment as it sent it; empty when unset.
pub(crate) fn env_value<'a>(env: &'a [(String, String)], name: &str) -> &'a str {
    env.iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// [`pane_of`] from a client's environment (`$TMUX`, `$TMUX_PANE`).
pub(crate) fn pane_in_env(shared: &Shared, env: &[(String, String)]) -> Option<u32> {
    pane_of(shared, env_value(env, "TMUX"), env_value(env, "TMUX_PANE"))
}

/// A client's `$TMUX` (`socket,pid,session`) names this server process.
fn names_this_server(tmux: &str) -> bool {
    tmux.split(',')
        .nth(1)
        .and_then(|pid| pid.parse::<u32>().ok())
        == Some(std::process::id())
}

/// The first client waits for a start-up config still running (see `Shared::config_gate`).
async fn wait_for_config(shared: &Shared) {
    let gate = shared
        .config_gate
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .take();
    if let Some(gate) = gate {
        // Bounded by the config's own waits; a gate dropped unopened lets the client go.
        let _ = tokio::time::timeout(CONFIG_GATE, gate).await;
    }
}

/// tmux `server_client_lost`'s `server_check_unattached`: any client going, a command
/// client too, destroys the sessions without clients whose `destroy-unattached` is on.
fn client_lost(shared: &Arc<Shared>) {
    let mut st = shared.lock();
    let before = st.sessions.len();
    st.destroy_unattached();
    if st.sessions.len() != before {
        crate::hooks::drain(shared, &mut st);
        shared.check_empty(&st);
        drop(st);
        shared.notify();
    }
}

/// A command client's name, as tmux names a client: the terminal on its standard input when it
/// has one, else `client-PID` (the pid from the socket's peer credentials). Read once, when
/// the client connects.
pub(crate) fn command_client_name(stream: &UnixStream, tty: bool) -> Option<String> {
    let pid = stream.peer_cred().ok()?.pid()?;
    let terminal = tty
        .then(|| std::fs::read_link(format!("/proc/{pid}/fd/0")).ok())
        .flatten()
        .map(|p| p.to_string_lossy().into_owned())
        .filter(|p| p.starts_with("/dev/"));
    Some(terminal.unwrap_or_else(|| format!("client-{pid}")))
}

async fn handle_client(shared: Arc<Shared>, mut stream: UnixStream) {
    match accept_opening(&shared, &mut stream).await {
        Accepted::Ours => {}
        Accepted::TmuxClient(opening) => {
            crate::tmux_client::serve(&shared, stream, opening).await;
            return;
        }
        Accepted::Refused => return,
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
        env,
        control,
        stdin,
        argv,
    }) = wire::CommandRequest::decode(&payload)
    else {
        return;
    };
    // The client reads its standard input to the end after sending the command, however
    // long a pipe takes to give it (bounded), or hangs up.
    let stdin = if stdin {
        match tokio::time::timeout(STDIN_WAIT, wire::read_frame(&mut stream)).await {
            Ok(Ok(Some((kind::STDIN, data)))) => Some(Arc::new(data)),
            _ => return,
        }
    } else {
        None
    };
    wait_unless_ours(&shared, &tmux).await;
    if argv.first().map(String::as_str) == Some("__foreground") {
        crate::uplink::foreground_stream(&shared, stream).await;
        return;
    }
    let info = ClientInfo {
        cwd,
        pane: pane_of(&shared, &tmux, &tmux_pane),
        cols,
        rows,
        tty,
        attached: None,
        mouse: None,
        startup_config: false,
        control: false,
        env: Some(Arc::new(env)),
        relay: false,
        stdin,
        key: None,
        name: command_client_name(&stream, tty),
    };
    if control > 0 {
        crate::control::run(&shared, stream, info, argv, control).await;
        return;
    }
    let attach = run_command_client(&shared, &info, &argv, &mut OurFrames(&mut stream)).await;
    if let Some((sid, flags)) = attach {
        crate::attach::run(&shared, stream, sid, info, &flags).await;
    }
}

/// Where a command client's replies go: our frames, or a tmux client's imsgs
/// (`crate::tmux_client`).
pub(crate) trait CommandSink {
    /// The command's output and errors.
    async fn output(&mut self, out: &str, err: &str);
    /// The client's exit status; nothing follows.
    async fn exit(&mut self, code: u8);
    /// Resolves when the client hangs up (or, for ours, sends anything).
    async fn gone(&mut self);
}

/// Our client's framing.
struct OurFrames<'a>(&'a mut UnixStream);

impl CommandSink for OurFrames<'_> {
    async fn output(&mut self, out: &str, err: &str) {
        if !out.is_empty() {
            let _ = wire::write_frame(self.0, kind::STDOUT, out.as_bytes()).await;
        }
        if !err.is_empty() {
            let _ = wire::write_frame(self.0, kind::STDERR, err.as_bytes()).await;
        }
    }

    async fn exit(&mut self, code: u8) {
        let _ = wire::write_frame(self.0, kind::EXIT, &[code]).await;
    }

    async fn gone(&mut self) {
        let _ = wire::read_frame(self.0).await;
    }
}

/// Run a command client's command line and answer it: output, the waits its commands asked
/// for (tmate-ready, run-shell, wait-for), its exit status. A command that attaches is
/// returned (its session and flags) for the caller to attach; no exit status is sent then.
pub(crate) async fn run_command_client<S: CommandSink>(
    shared: &Arc<Shared>,
    info: &ClientInfo,
    argv: &[String],
    sink: &mut S,
) -> Option<(u32, String)> {
    let result = {
        let mut st = shared.lock();
        let r = crate::cmd::run_line(shared, &mut st, info, argv);
        if r.kill_server {
            shared.shutdown.notify_one();
        } else if r.attach.is_none() {
            shared.check_empty(&st);
        }
        r
    };
    shared.notify();
    sink.output(&result.out, &result.err).await;
    if let Some(wait) = result.wait
        && !wait_ready(shared, sink, wait).await
    {
        return None;
    }
    let mut code = result.code;
    if let Some(pending) = result.pending {
        code = finish_pending(shared, sink, pending).await?;
    }
    if let Some(sid) = result.attach {
        return Some((sid, result.attach_flags));
    }
    sink.exit(code).await;
    None
}

/// wait-for tmate-ready: the uplink wakes us on READY or drops the sender on failure. False
/// when it failed or timed out, told to the client with exit 1.
async fn wait_ready<S: CommandSink>(
    shared: &Shared,
    sink: &mut S,
    wait: tokio::sync::oneshot::Receiver<()>,
) -> bool {
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
        sink.output("", &format!("{e}\n")).await;
        sink.exit(1).await;
        return false;
    }
    true
}

/// run-shell, if-shell, wait-for: wait for the job, or stop when the client goes (None). The
/// job's output goes to the client; returns its exit code.
async fn finish_pending<S: CommandSink>(
    shared: &Shared,
    sink: &mut S,
    pending: tokio::sync::oneshot::Receiver<crate::cmd::CmdResult>,
) -> Option<u8> {
    let done = tokio::select! {
        r = pending => r.ok(),
        () = sink.gone() => None,
    };
    let r = done?;
    sink.output(&r.out, &r.err).await;
    shared.check_empty(&shared.lock());
    Some(r.code)
}
