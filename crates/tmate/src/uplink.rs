//! The uplink to a tmate relay (issue 5, first slice): connects with russh's client when a
//! session starts and `tmate-server-host` was set, checks the relay's host key fingerprint,
//! streams the session (HEADER, replicated commands, UNAME, READY, SYNC_LAYOUT, PTY_DATA, FIN)
//! and applies what the relay sends (NOTIFY, SET_ENV, READY, PANE_KEY, RESIZE, EXEC_CMD*).
//! No reconnect yet: a lost connection is reported and the session goes on locally.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use russh::ChannelMsg;
use russh::client;
use russh::keys::{Algorithm, HashAlg, PublicKeyOrCertificate};
use tmate_proto::{
    DecoderConfig, HostMessage, Layout, LayoutPane, LayoutWindow, MAX_PTY_CHUNK, PROTOCOL_VERSION,
    RawStr, ServerDecoder, ServerMessage, WireMessage,
};
use tokio::sync::{mpsc, oneshot};

use crate::server::{ClientInfo, Shared};
use crate::state::{ClientEvent, State};

/// PTY chunks (and replies) queued for the relay. When full, pane data for the relay is
/// dropped and the screens are redrawn from our terminals once the queue drains: a slow relay
/// must never slow the panes or grow our memory.
pub const OUT_QUEUE: usize = 256;
/// bind/set commands kept for replay to the relay (oldest dropped first).
pub const REPLAY_LIMIT: usize = 4096;
/// SET_ENV names kept; a relay cannot make us store without bound.
pub const ENV_LIMIT: usize = 64;
/// Connecting (TCP + SSH handshake + auth + channel) must finish within this.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);
/// A single write to the relay blocked this long means the relay is gone.
const WRITE_TIMEOUT: Duration = Duration::from_secs(60);
/// `wait tmate-ready` gives up after this.
pub const READY_TIMEOUT: Duration = Duration::from_secs(30);

/// What travels to the uplink writer task.
pub enum Out {
    /// Raw bytes read from a pane's PTY.
    Pty(u32, Vec<u8>),
    /// An encoded protocol message (FAILED_CMD replies).
    Msg(Vec<u8>),
}

/// The host's tmate state, kept in `State` under the server lock.
#[derive(Default)]
pub struct Tmate {
    /// SET_ENV values: every name is a format variable (`#{tmate_ssh}`).
    pub env: BTreeMap<String, String>,
    /// The relay said READY (never reset, like tmate's `tmate_env_ready`).
    pub ready: bool,
    /// Why connecting failed or the connection ended.
    pub failed: Option<String>,
    /// `wait tmate-ready` clients: sent on READY, dropped on failure.
    pub waiters: Vec<oneshot::Sender<()>>,
    /// The relay's RESIZE (None for -1, "no viewer").
    pub remote_size: Option<(u16, u16)>,
    pub started: bool,
    /// Set while connected: pane readers queue their bytes here.
    pub out: Option<mpsc::Sender<Out>>,
    /// A pane's bytes were dropped because the queue was full: redraw the screens.
    pub overflow: bool,
    /// bind-key/unbind-key/set-option/set-window-option argv run on this host, replayed to the
    /// relay (protocol spec 3.7), numbered so the writer forwards each one once.
    pub replay: VecDeque<Vec<String>>,
    pub replay_total: u64,
    /// Taken at server exit: the writer sends FIN, then acknowledges.
    pub fin: Option<mpsc::Sender<oneshot::Sender<()>>>,
}

impl Tmate {
    /// A command that the relay mirrors ran here; remember it for the stream.
    pub fn record(&mut self, argv: Vec<String>) {
        if self.replay.len() >= REPLAY_LIMIT {
            self.replay.pop_front();
        }
        self.replay.push_back(argv);
        self.replay_total += 1;
    }

    /// Whether the user (config or command) set `tmate-server-host`: without it there is no
    /// relay to use yet (the embedded relay default is not implemented).
    fn host_configured(&self) -> bool {
        self.replay.iter().any(|argv| {
            argv.first().map(String::as_str) == Some("set-option")
                && argv.iter().any(|a| a == "tmate-server-host")
        })
    }
}

/// Queue pane output for the relay (called by the pane reader, under the lock).
pub fn pane_output(state: &mut State, pane: u32, bytes: &[u8]) {
    let Some(tx) = &state.tmate.out else {
        return;
    };
    if state.tmate.overflow {
        return;
    }
    if tx.try_send(Out::Pty(pane, bytes.to_vec())).is_err() {
        state.tmate.overflow = true;
    }
}

/// Where the relay is and which key it must present, read from the options.
struct Target {
    host: String,
    port: u16,
    rsa: String,
    ecdsa: String,
    ed25519: String,
}

/// Start the uplink once, when the first session exists and a relay is configured.
pub fn start(shared: &Arc<Shared>, state: &mut State) {
    if state.tmate.started || !state.tmate.host_configured() {
        return;
    }
    state.tmate.started = true;
    let opt = |name: &str| {
        state
            .options
            .get(crate::options::Scope::Server, name)
            .unwrap_or_default()
            .to_string()
    };
    let target = Target {
        host: opt("tmate-server-host"),
        port: opt("tmate-server-port").parse().unwrap_or(22),
        rsa: opt("tmate-server-rsa-fingerprint"),
        ecdsa: opt("tmate-server-ecdsa-fingerprint"),
        ed25519: opt("tmate-server-ed25519-fingerprint"),
    };
    let (fin_tx, fin_rx) = mpsc::channel(1);
    state.tmate.fin = Some(fin_tx);
    let shared = Arc::clone(shared);
    tokio::spawn(async move {
        let reason = match run(&shared, target, fin_rx).await {
            Ok(()) => return,
            Err(reason) => reason,
        };
        let mut st = shared.lock();
        fail(&mut st, reason);
        drop(st);
        shared.notify();
    });
}

/// Record a failure: shown like a message, wakes `wait tmate-ready` with an error.
fn fail(state: &mut State, reason: String) {
    state.tmate.out = None;
    state.tmate.remote_size = None;
    state.tmate.waiters.clear();
    show(state, reason.clone());
    state.tmate.failed = Some(reason);
}

/// `[tmate] text` on every attached client and in show-messages (tmate's `tmate_status_message`).
fn show(state: &mut State, text: String) {
    let text = format!("[tmate] {text}");
    let time = state
        .options
        .get(crate::options::Scope::Session, "tmate-display-time")
        .and_then(|v| v.parse().ok())
        .unwrap_or(15_000);
    for c in state.clients.values() {
        let _ = c.events.try_send(ClientEvent::Message(text.clone(), time));
    }
    state.log_message(text);
}

/// Checks the relay's host key against the fingerprint option for its type (spec 1.4).
struct Verifier {
    rsa: String,
    ecdsa: String,
    ed25519: String,
    refusal: Arc<Mutex<Option<String>>>,
}

impl client::Handler for Verifier {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        key: &PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        let PublicKeyOrCertificate::PublicKey { key, .. } = key else {
            self.refuse("Cannot authenticate server: it presented a certificate".into());
            return Ok(false);
        };
        let presented = key.fingerprint(HashAlg::Sha256).to_string();
        let (kind, expected) = match key.algorithm() {
            Algorithm::Ed25519 => ("ed25519", self.ed25519.as_str()),
            Algorithm::Rsa { .. } => ("rsa", self.rsa.as_str()),
            Algorithm::Ecdsa { .. } => ("ecdsa", self.ecdsa.as_str()),
            _ => ("unsupported", ""),
        };
        if presented == expected {
            return Ok(true);
        }
        self.refuse(format!(
            "Cannot authenticate server: its {kind} key has fingerprint {presented}, \
             expected {expected} (tmate-server-{kind}-fingerprint)"
        ));
        Ok(false)
    }
}

impl Verifier {
    fn refuse(&self, why: String) {
        if let Ok(mut r) = self.refusal.lock() {
            *r = Some(why);
        }
    }
}

/// Connect, stream, and handle the relay until FIN or a failure (the error text).
async fn run(
    shared: &Arc<Shared>,
    target: Target,
    mut fin_rx: mpsc::Receiver<oneshot::Sender<()>>,
) -> Result<(), String> {
    {
        let mut st = shared.lock();
        show(
            &mut st,
            format!("Connecting to {}:{}...", target.host, target.port),
        );
    }
    let refusal = Arc::new(Mutex::new(None));
    let verifier = Verifier {
        rsa: target.rsa.clone(),
        ecdsa: target.ecdsa.clone(),
        ed25519: target.ed25519.clone(),
        refusal: Arc::clone(&refusal),
    };
    let config = Arc::new(client::Config {
        nodelay: true,
        inactivity_timeout: None,
        ..Default::default()
    });
    let addr = (target.host.clone(), target.port);
    let connecting = async {
        let mut ssh = client::connect(config, addr, verifier)
            .await
            .map_err(|e| e.to_string())?;
        let auth = ssh
            .authenticate_none("tmate")
            .await
            .map_err(|e| e.to_string())?;
        if !auth.success() {
            return Err("the relay refused `none` authentication".to_string());
        }
        let channel = ssh
            .channel_open_session()
            .await
            .map_err(|e| e.to_string())?;
        channel
            .request_subsystem(true, "tmate")
            .await
            .map_err(|e| format!("Error initializing tmate: {e}"))?;
        Ok::<_, String>((ssh, channel))
    };
    let result = tokio::time::timeout(CONNECT_TIMEOUT, connecting).await;
    let refused = refusal.lock().ok().and_then(|mut r| r.take());
    let (ssh, channel) = match (result, refused) {
        (_, Some(why)) => return Err(why),
        (Err(_), None) => {
            return Err(format!(
                "Cannot connect to {}:{}: timed out",
                target.host, target.port
            ));
        }
        (Ok(Err(e)), None) => {
            return Err(format!(
                "Cannot connect to {}:{}: {e}",
                target.host, target.port
            ));
        }
        (Ok(Ok(c)), None) => c,
    };
    let (mut read, write) = channel.split();
    let (out_tx, mut out_rx) = mpsc::channel::<Out>(OUT_QUEUE);

    // The start-up burst, then the queue is installed under the same lock as the screens are
    // read, so every later pane byte follows the redraw exactly once.
    let (burst, mut sent_layout, mut replay_sent) = {
        let mut st = shared.lock();
        let mut burst = Vec::new();
        push(
            &mut burst,
            HostMessage::Header {
                protocol: PROTOCOL_VERSION,
                version: Some("2.4.0".into()),
            },
        );
        for argv in default_commands(&st) {
            push(&mut burst, exec(&argv));
        }
        for argv in &st.tmate.replay {
            push(&mut burst, exec(argv));
        }
        push(&mut burst, uname());
        push(&mut burst, HostMessage::Ready);
        let layout = layout(&st);
        if let Some(l) = &layout {
            push(&mut burst, HostMessage::SyncLayout(l.clone()));
            redraw_all(&st, &mut burst);
        }
        st.tmate.out = Some(out_tx.clone());
        st.tmate.overflow = false;
        (burst, layout, st.tmate.replay_total)
    };
    send(&write, burst).await?;

    // Reader: the relay's messages, applied under the lock.
    let reader_shared = Arc::clone(shared);
    let reply_tx = out_tx.clone();
    drop(out_tx);
    let reader = tokio::spawn(async move {
        let mut decoder = ServerDecoder::new(DecoderConfig::server_stream());
        loop {
            match read.wait().await {
                Some(ChannelMsg::Data { data }) => {
                    decoder.feed(&data);
                    while let Some(m) = decoder.next_message() {
                        match m {
                            Ok(m) => handle(&reader_shared, m, &reply_tx),
                            Err(e) => return format!("protocol error from the relay: {e}"),
                        }
                    }
                }
                Some(ChannelMsg::Eof) | Some(ChannelMsg::Close) | None => {
                    return "the relay closed the connection".to_string();
                }
                Some(_) => {}
            }
        }
    });
    let mut changed = shared.changed.subscribe();
    let mut reader = reader;
    let outcome = loop {
        tokio::select! {
            r = &mut reader => {
                break Err(r.unwrap_or_else(|_| "the uplink reader stopped".to_string()));
            }
            ack = fin_rx.recv() => {
                let _ = send(&write, HostMessage::Fin.encode()).await;
                let _ = write.eof().await;
                if let Some(ack) = ack {
                    let _ = ack.send(());
                }
                break Ok(());
            }
            o = out_rx.recv() => {
                let Some(o) = o else { continue };
                let mut bytes = Vec::new();
                match o {
                    Out::Msg(m) => bytes = m,
                    Out::Pty(pane, data) => {
                        // A pane the relay does not know yet: announce the layout first.
                        if !announced(sent_layout.as_ref(), pane) {
                            let st = shared.lock();
                            let l = layout(&st);
                            drop(st);
                            if l != sent_layout {
                                if let Some(l) = &l {
                                    push(&mut bytes, HostMessage::SyncLayout(l.clone()));
                                }
                                sent_layout = l;
                            }
                        }
                        if announced(sent_layout.as_ref(), pane) {
                            for chunk in data.chunks(MAX_PTY_CHUNK) {
                                push(&mut bytes, HostMessage::PtyData {
                                    pane_id: i64::from(pane),
                                    data: RawStr(chunk.to_vec()),
                                });
                            }
                        }
                    }
                }
                if let Err(e) = send(&write, bytes).await {
                    break Err(e);
                }
            }
            r = changed.changed() => {
                if r.is_err() {
                    break Ok(());
                }
                let bytes = {
                    let mut st = shared.lock();
                    let mut bytes = Vec::new();
                    // New bind/set commands, in order.
                    let skip = st.tmate.replay_total.saturating_sub(replay_sent);
                    let skip = usize::try_from(skip).unwrap_or(usize::MAX);
                    let start = st.tmate.replay.len().saturating_sub(skip);
                    for argv in st.tmate.replay.iter().skip(start) {
                        push(&mut bytes, exec(argv));
                    }
                    replay_sent = st.tmate.replay_total;
                    let l = layout(&st);
                    if st.tmate.overflow {
                        // Dropped pane data: forget what is queued (older than the screens
                        // now) and redraw every pane from our terminals.
                        while out_rx.try_recv().is_ok() {}
                        st.tmate.overflow = false;
                        if let Some(l) = &l {
                            push(&mut bytes, HostMessage::SyncLayout(l.clone()));
                        }
                        redraw_all(&st, &mut bytes);
                        sent_layout = l;
                    } else if l != sent_layout {
                        if let Some(l) = &l {
                            push(&mut bytes, HostMessage::SyncLayout(l.clone()));
                        }
                        sent_layout = l;
                    }
                    bytes
                };
                if !bytes.is_empty()
                    && let Err(e) = send(&write, bytes).await
                {
                    break Err(e);
                }
            }
        }
    };
    reader.abort();
    let _ = ssh
        .disconnect(russh::Disconnect::ByApplication, "", "en")
        .await;
    outcome
}

async fn send(write: &russh::ChannelWriteHalf<client::Msg>, bytes: Vec<u8>) -> Result<(), String> {
    if bytes.is_empty() {
        return Ok(());
    }
    match tokio::time::timeout(WRITE_TIMEOUT, write.data_bytes(bytes)).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(format!("lost the relay: {e}")),
        Err(_) => Err("lost the relay: a write timed out".to_string()),
    }
}

fn push(out: &mut Vec<u8>, m: HostMessage) {
    out.extend_from_slice(&m.encode());
}

fn exec(argv: &[String]) -> HostMessage {
    HostMessage::ExecCmd {
        argv: argv.iter().map(|a| RawStr::from(a.as_str())).collect(),
    }
}

fn announced(layout: Option<&Layout>, pane: u32) -> bool {
    layout.is_some_and(|l| {
        l.windows
            .iter()
            .any(|w| w.panes.iter().any(|p| p.id == i64::from(pane)))
    })
}

/// tmate 2.4's built-in bindings and the status-keys pair (spec 3.7 items 1-3), as EXEC_CMDs.
fn default_commands(state: &State) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for (_, line) in crate::parse::logical_lines(crate::bindings::DEFAULTS) {
        if let Ok(cmds) = crate::parse::parse_line(&line) {
            out.extend(cmds.into_iter().map(|words| normalise(&words)));
        }
    }
    let get = |name| {
        state
            .options
            .get(crate::options::Scope::Session, name)
            .or_else(|| state.options.get(crate::options::Scope::Window, name))
            .unwrap_or("emacs")
            .to_string()
    };
    out.push(vec![
        "set-option".into(),
        "-g".into(),
        "status-keys".into(),
        get("status-keys"),
    ]);
    // tmate 2.4 sends mode-keys under the name status-keys (its bug, kept for the relay).
    out.push(vec![
        "set-window-option".into(),
        "-g".into(),
        "status-keys".into(),
        get("mode-keys"),
    ]);
    out
}

/// The argv the relay expects: full command name, flags in ASCII order, then the rest.
pub fn normalise(words: &[String]) -> Vec<String> {
    let Some((name, rest)) = words.split_first() else {
        return Vec::new();
    };
    let Ok(entry) = crate::cmd::find(name) else {
        return words.to_vec();
    };
    let Ok(args) = crate::cmd::Args::parse(entry.spec, rest) else {
        return words.to_vec();
    };
    let mut argv = vec![entry.name.to_string()];
    for (flag, value) in &args.flags {
        argv.push(format!("-{flag}"));
        if let Some(v) = value {
            argv.push(v.clone());
        }
    }
    argv.extend(args.rest);
    argv
}

fn uname() -> HostMessage {
    let field = |f: &str| {
        std::fs::read_to_string(format!("/proc/sys/kernel/{f}"))
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    HostMessage::Uname {
        sysname: RawStr::from(field("ostype")),
        nodename: RawStr::from(crate::format::hostname()),
        release: RawStr::from(field("osrelease")),
        version: RawStr::from(field("version")),
        machine: RawStr::from(std::env::consts::ARCH),
    }
}

/// SYNC_LAYOUT for the session (tmate shares one session: the first).
fn layout(state: &State) -> Option<Layout> {
    let (sid, s) = state.sessions.iter().next()?;
    let windows = s
        .windows
        .iter()
        .map(|(idx, w)| LayoutWindow {
            idx: i64::from(*idx),
            name: RawStr::from(crate::format::window_name(state, *sid, *idx)),
            panes: w
                .visible()
                .iter()
                .map(|g| LayoutPane {
                    id: i64::from(g.id),
                    sx: i64::from(g.sx),
                    sy: i64::from(g.sy),
                    xoff: i64::from(g.xoff),
                    yoff: i64::from(g.yoff),
                })
                .collect(),
            active_pane_id: i64::from(w.zoomed.unwrap_or(w.active)),
        })
        .filter(|w| !w.panes.is_empty())
        .collect();
    Some(Layout {
        sx: i64::from(s.sx),
        sy: i64::from(s.sy),
        windows,
        active_window_idx: i64::from(s.current),
    })
}

/// PTY_DATA that repaints each pane's visible screen from our terminal (text only), so a
/// relay that joined late or lost data shows the current screen.
fn redraw_all(state: &State, out: &mut Vec<u8>) {
    for p in state.panes.values() {
        let (_, rows) = p.term.size();
        let mut bytes = b"\x1b[m\x1b[H\x1b[2J".to_vec();
        for row in 0..rows {
            bytes.extend_from_slice(format!("\x1b[{};1H", row + 1).as_bytes());
            bytes.extend_from_slice(p.term.row_text(row).as_bytes());
        }
        let (cx, cy) = p.term.cursor();
        bytes.extend_from_slice(format!("\x1b[{};{}H", cy + 1, cx + 1).as_bytes());
        for chunk in bytes.chunks(MAX_PTY_CHUNK) {
            push(
                out,
                HostMessage::PtyData {
                    pane_id: i64::from(p.id),
                    data: RawStr(chunk.to_vec()),
                },
            );
        }
    }
}

/// Apply one relay message (spec section 4).
fn handle(shared: &Arc<Shared>, m: ServerMessage, reply: &mpsc::Sender<Out>) {
    let mut st = shared.lock();
    match m {
        ServerMessage::Notify { message } => show(&mut st, message.to_string_lossy()),
        ServerMessage::SetEnv { name, value } => {
            let name = name.to_string_lossy();
            if st.tmate.env.len() < ENV_LIMIT || st.tmate.env.contains_key(&name) {
                st.tmate.env.insert(name, value.to_string_lossy());
            }
        }
        ServerMessage::Ready => {
            st.tmate.ready = true;
            for w in st.tmate.waiters.drain(..) {
                let _ = w.send(());
            }
        }
        ServerMessage::PaneKey { pane_id, key } => {
            if let Some(pane) = target_pane(&st, pane_id) {
                crate::cmd::write_key(&st, pane, key);
            }
        }
        ServerMessage::LegacyPaneKey { key } => {
            if let (Some(pane), Ok(key)) = (target_pane(&st, -1), u64::try_from(key)) {
                crate::cmd::write_key(&st, pane, tmate_proto::KeyCode(key));
            }
        }
        ServerMessage::Resize { sx, sy } => {
            st.tmate.remote_size = match (u16::try_from(sx), u16::try_from(sy)) {
                (Ok(x), Ok(y)) if x > 0 && y > 0 => Some((x, y)),
                _ => None,
            };
            let sids: Vec<u32> = st.sessions.keys().copied().collect();
            for sid in sids {
                st.recompute_size(sid);
            }
        }
        ServerMessage::ExecCmd { client_id, argv } => {
            let argv: Vec<String> = argv.iter().map(RawStr::to_string_lossy).collect();
            run_remote(shared, &mut st, client_id, &[argv], reply);
        }
        ServerMessage::ExecCmdStr { client_id, command } => {
            match crate::parse::parse_line(&command.to_string_lossy()) {
                Ok(cmds) => run_remote(shared, &mut st, client_id, &cmds, reply),
                Err(e) => failed(reply, client_id, &e),
            }
        }
        ServerMessage::Unknown { .. } => {}
    }
    drop(st);
    shared.notify();
}

/// -1 is the active pane of the current window; unknown ids are ignored.
fn target_pane(state: &State, pane_id: i64) -> Option<u32> {
    if pane_id == -1 {
        let s = state.sessions.values().next()?;
        return s.windows.get(&s.current).map(|w| w.active);
    }
    let id = u32::try_from(pane_id).ok()?;
    state.panes.contains_key(&id).then_some(id)
}

/// Commands from the relay run with no client; errors go back as FAILED_CMD, one per line.
fn run_remote(
    shared: &Arc<Shared>,
    state: &mut State,
    client_id: i64,
    cmds: &[Vec<String>],
    reply: &mpsc::Sender<Out>,
) {
    let info = ClientInfo {
        cwd: std::env::var("HOME").unwrap_or_default(),
        ..ClientInfo::default()
    };
    let r = crate::cmd::run_list(shared, state, &info, cmds);
    for line in r.err.lines().filter(|l| !l.is_empty()) {
        failed(reply, client_id, line);
    }
    if r.kill_server {
        shared.shutdown.notify_one();
    }
}

fn failed(reply: &mpsc::Sender<Out>, client_id: i64, cause: &str) {
    let m = HostMessage::FailedCmd {
        client_id,
        cause: RawStr::from(cause),
    };
    let _ = reply.try_send(Out::Msg(m.encode()));
}

/// At server exit: FIN to the relay, waiting a little for it to be written.
pub async fn finish(shared: &Arc<Shared>) {
    let fin = shared.lock().tmate.fin.take();
    let Some(fin) = fin else {
        return;
    };
    let (ack_tx, ack_rx) = oneshot::channel();
    if fin.try_send(ack_tx).is_ok() {
        let _ = tokio::time::timeout(Duration::from_secs(2), ack_rx).await;
    }
}

/// `wait-for tmate-ready`: done at once when ready, an error when the uplink failed or was
/// never configured, else a receiver woken by READY.
pub fn wait_ready(state: &mut State) -> Result<Option<oneshot::Receiver<()>>, String> {
    if state.tmate.ready {
        return Ok(None);
    }
    if let Some(f) = &state.tmate.failed {
        return Err(f.clone());
    }
    if !state.tmate.started {
        return Err("tmate is not connecting to a relay (set tmate-server-host)".into());
    }
    let (tx, rx) = oneshot::channel();
    state.tmate.waiters.retain(|w| !w.is_closed());
    state.tmate.waiters.push(tx);
    Ok(Some(rx))
}
