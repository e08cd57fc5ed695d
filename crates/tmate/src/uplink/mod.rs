//! The uplink to a tmate relay (issue 5): when the first session starts, connects to the
//! configured relay (or the embedded one) with russh's client, streams the session (HEADER,
//! replicated commands, UNAME, READY, SYNC_LAYOUT, PTY_DATA, FIN), applies what the relay sends
//! (NOTIFY, SET_ENV, READY, PANE_KEY, RESIZE, EXEC_CMD*), and when the connection drops keeps
//! the session going locally and reconnects every 2 s (RECONNECT, replay, SNAPSHOT).

mod connect;
pub mod embedded;
mod screen;

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use russh::ChannelMsg;
use russh::client;
use tmate_proto::{
    DecoderConfig, HostMessage, Layout, MAX_PTY_CHUNK, PROTOCOL_VERSION, RawStr, ServerDecoder,
    ServerMessage, WireMessage,
};
use tokio::sync::{mpsc, oneshot};

use self::connect::{Conn, Target};
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
/// tmate messages kept for `-F` to print.
const NOTES_LIMIT: usize = 256;
/// A single write to the relay blocked this long means the relay is gone.
const WRITE_TIMEOUT: Duration = Duration::from_secs(60);
/// tmate's TMATE_RECONNECT_RETRY_TIMEOUT.
const RETRY: Duration = Duration::from_secs(2);
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
    /// The embedded relay, when no `tmate-server-host` was configured.
    pub relay: Option<tmate_relay::RelayHandle>,
    /// The texts of `[tmate]` messages (the last NOTES_LIMIT), numbered, for `-F`.
    pub notes: VecDeque<String>,
    pub notes_total: u64,
    /// `tmate -F`: the session restarts its shell instead of ending.
    pub foreground: bool,
    /// The relay's last `web session:` links (read-write, read-only), shown with the ssh line.
    pub web_link: Option<String>,
    pub web_link_ro: Option<String>,
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

    /// Whether the user (config or command) set `tmate-server-host` to a relay: without it,
    /// or when its last setting is empty (`tmate --share-on` sets it so), the embedded relay
    /// is used.
    fn host_configured(&self) -> bool {
        let last = self.replay.iter().rev().find_map(|argv| {
            if argv.first().map(String::as_str) != Some("set-option") {
                return None;
            }
            let at = argv.iter().position(|a| a == "tmate-server-host")?;
            Some(argv.get(at + 1).is_some_and(|v| !v.is_empty()))
        });
        last.unwrap_or(false)
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

/// Start sharing once, when the first session exists: through the configured relay, else
/// through the embedded one (unless `TMATE_EMBEDDED_RELAY=0`).
pub fn start(shared: &Arc<Shared>, state: &mut State) {
    if state.tmate.started {
        return;
    }
    let target = if state.tmate.host_configured() {
        let opt = |name: &str| {
            state
                .options
                .get(crate::options::Scope::Server, name)
                .unwrap_or_default()
                .to_string()
        };
        Some(Target {
            host: opt("tmate-server-host"),
            port: opt("tmate-server-port").parse().unwrap_or(22),
            rsa: opt("tmate-server-rsa-fingerprint"),
            ecdsa: opt("tmate-server-ecdsa-fingerprint"),
            ed25519: opt("tmate-server-ed25519-fingerprint"),
            identity: opt("tmate-identity"),
        })
    } else if embedded::enabled() {
        None
    } else {
        return;
    };
    state.tmate.started = true;
    state.tmate.foreground = state.tmate.replay.iter().any(|a| {
        a.iter()
            .map(String::as_str)
            .eq(["set-option", "tmate-set", "foreground=true"])
    });
    if state.tmate.foreground {
        let program = crate::handshake::this_program();
        let socket = shared.socket.display();
        show(
            state,
            format!("To connect to the session locally, run: {program} -S {socket} attach"),
        );
        show(
            state,
            format!(
                "To stop sharing and end the session: press Ctrl-C here, or run: {program} -S \
                 {socket} kill-server"
            ),
        );
    }
    record_authorized_keys(state);
    let (fin_tx, fin_rx) = mpsc::channel(1);
    state.tmate.fin = Some(fin_tx);
    let shared = Arc::clone(shared);
    tokio::spawn(async move { supervise(shared, target, fin_rx).await });
}

/// Most authorized_keys lines sent, and the most bytes read from that file.
const AUTHORIZED_KEYS_LINES: usize = 1000;
const AUTHORIZED_KEYS_BYTES: u64 = 1 << 20;

/// `tmate-authorized-keys FILE` (or `-a FILE`): each non-empty line goes to the relay as
/// `set-option tmate-set authorized_keys=<line>` (spec 3.7 item 7), replayed on reconnect.
fn record_authorized_keys(state: &mut State) {
    let file = state
        .options
        .get(crate::options::Scope::Server, "tmate-authorized-keys")
        .unwrap_or_default()
        .to_string();
    if file.is_empty() {
        return;
    }
    let path = match file.strip_prefix("~/") {
        Some(rest) => {
            std::path::PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(rest)
        }
        None => std::path::PathBuf::from(&file),
    };
    let mut text = String::new();
    let read = std::fs::File::open(&path).and_then(|f| {
        use std::io::Read;
        f.take(AUTHORIZED_KEYS_BYTES).read_to_string(&mut text)
    });
    if let Err(e) = read {
        show(state, format!("Cannot read {}: {e}", path.display()));
        return;
    }
    let lines: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(AUTHORIZED_KEYS_LINES)
        .map(str::to_string)
        .collect();
    for line in lines {
        state.tmate.record(vec![
            "set-option".into(),
            "tmate-set".into(),
            format!("authorized_keys={line}"),
        ]);
    }
}

/// Record a failure to connect: shown like a message (once per distinct reason), wakes
/// `wait tmate-ready` with an error unless the relay was ready before.
fn fail(state: &mut State, reason: String) {
    state.tmate.waiters.clear();
    if state.tmate.failed.as_deref() != Some(reason.as_str()) {
        show(state, reason.clone());
    }
    state.tmate.failed = Some(reason);
}

/// The connection dropped: unshared until the next one; the relay's size no longer counts.
fn lost(state: &mut State) {
    state.tmate.out = None;
    state.tmate.remote_size = None;
    let sids: Vec<u32> = state.sessions.keys().copied().collect();
    for sid in sids {
        state.recompute_size(sid);
    }
}

/// `[tmate] text` on every attached client and in show-messages (tmate's `tmate_status_message`);
/// `-F` prints the text.
fn show(state: &mut State, text: String) {
    let status = format!("[tmate] {text}");
    show_with_status(state, text, status);
}

/// A note as it is printed (`-F`) and logged (`show-messages`), and the status line's text,
/// which for the relay's closing `ssh session:` line also carries the web link announced just
/// before it: each message replaces the last on the status line, so the web link would show
/// for an instant only.
fn show_note(state: &mut State, text: String) {
    if let Some(web) = text.strip_prefix("web session: ") {
        state.tmate.web_link = Some(web.to_string());
    } else if let Some(web) = text.strip_prefix("web session read only: ") {
        state.tmate.web_link_ro = Some(web.to_string());
    }
    let web = if text.starts_with("ssh session: ") {
        state.tmate.web_link.as_deref()
    } else if text.starts_with("ssh session read only: ") {
        state.tmate.web_link_ro.as_deref()
    } else {
        None
    };
    let status = match web {
        Some(web) => format!("[tmate] {text} | web: {web}"),
        None => format!("[tmate] {text}"),
    };
    show_with_status(state, text, status);
}

fn show_with_status(state: &mut State, text: String, status: String) {
    if state.tmate.notes.len() >= NOTES_LIMIT {
        state.tmate.notes.pop_front();
    }
    state.tmate.notes.push_back(text.clone());
    state.tmate.notes_total += 1;
    let time = state
        .options
        .get(crate::options::Scope::Session, "tmate-display-time")
        .and_then(|v| v.parse().ok())
        .unwrap_or(15_000);
    for c in state.clients.values() {
        let _ = c
            .events
            .try_send(ClientEvent::Message(status.clone(), time));
    }
    state.log_message(format!("[tmate] {text}"));
}

/// Connect, stream, and on any failure retry every 2 s (tmate's reconnect loop) until FIN.
async fn supervise(
    shared: Arc<Shared>,
    target: Option<Target>,
    mut fin_rx: mpsc::Receiver<oneshot::Sender<()>>,
) {
    let target = match target {
        Some(t) => t,
        None => match embedded::start(&shared).await {
            Ok((t, handle)) => {
                shared.lock().tmate.relay = Some(handle);
                t
            }
            Err(e) => {
                let mut st = shared.lock();
                fail(&mut st, e);
                drop(st);
                shared.notify();
                return;
            }
        },
    };
    let mut reconnected = false;
    let mut preferred = None;
    let mut announce = true;
    loop {
        if announce {
            let mut st = shared.lock();
            show(&mut st, format!("Connecting to {}...", target.host));
            drop(st);
            shared.notify();
            announce = false;
        }
        let connecting = tokio::select! {
            c = connect::connect(&target, preferred) => Some(c),
            ack = fin_rx.recv() => {
                if let Some(ack) = ack {
                    let _ = ack.send(());
                }
                None
            }
        };
        let Some(connecting) = connecting else {
            return;
        };
        match connecting {
            Err(reason) => {
                let mut st = shared.lock();
                fail(&mut st, reason);
                drop(st);
                shared.notify();
            }
            Ok(conn) => {
                preferred = Some(conn.addr);
                shared.lock().tmate.failed = None;
                match run(&shared, conn, &mut fin_rx, reconnected).await {
                    Ok(()) => return,
                    Err(reason) => {
                        let mut st = shared.lock();
                        lost(&mut st);
                        let text = if st.tmate.foreground {
                            "Reconnecting...".to_string()
                        } else {
                            format!("Reconnecting... ({reason})")
                        };
                        show(&mut st, text);
                        drop(st);
                        shared.notify();
                        reconnected = true;
                        announce = true;
                    }
                }
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(RETRY) => {}
            ack = fin_rx.recv() => {
                if let Some(ack) = ack {
                    let _ = ack.send(());
                }
                return;
            }
        }
    }
}

/// Stream the session over an open channel and handle the relay until FIN or a failure.
async fn run(
    shared: &Arc<Shared>,
    conn: Conn,
    fin_rx: &mut mpsc::Receiver<oneshot::Sender<()>>,
    reconnected: bool,
) -> Result<(), String> {
    let Conn { ssh, channel, .. } = conn;
    let (mut read, write) = channel.split();
    let (out_tx, mut out_rx) = mpsc::channel::<Out>(OUT_QUEUE);

    // The start-up burst (spec 5.4 on reconnect), then the queue is installed under the same
    // lock as the screens are read, so every later pane byte follows the repaint exactly once.
    let (burst, mut sent_layout, mut replay_sent, mut copy_sent) = {
        let mut st = shared.lock();
        let mut burst = Vec::new();
        push(
            &mut burst,
            HostMessage::Header {
                protocol: PROTOCOL_VERSION,
                version: Some("2.4.0".into()),
            },
        );
        if reconnected && let Some(data) = st.tmate.env.get("tmate_reconnection_data") {
            push(
                &mut burst,
                HostMessage::Reconnect {
                    data: RawStr::from(data.as_str()),
                },
            );
        }
        for argv in default_commands(&st) {
            push(&mut burst, exec(&argv));
        }
        for argv in &st.tmate.replay {
            push(&mut burst, exec(argv));
        }
        push(&mut burst, uname());
        push(&mut burst, HostMessage::Ready);
        let layout = screen::layout(&st);
        if let Some(l) = &layout {
            push(&mut burst, HostMessage::SyncLayout(l.clone()));
            if reconnected {
                push(&mut burst, screen::snapshot(&st));
            } else {
                screen::redraw_all(&st, &mut burst);
            }
        }
        let mut copy_sent = std::collections::BTreeMap::new();
        screen::copy_changes(&st, &mut copy_sent, layout.as_ref(), &mut burst);
        st.tmate.out = Some(out_tx.clone());
        st.tmate.overflow = false;
        (burst, layout, st.tmate.replay_total, copy_sent)
    };
    send(&write, burst).await?;
    let mut sent_status: Option<(String, String)> = None;
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
                    return "Disconnected".to_string();
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
                            let l = screen::layout(&st);
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
                    let status = screen::status(&st);
                    if status.is_some() && status != sent_status {
                        if let Some((left, right)) = &status {
                            push(&mut bytes, HostMessage::Status {
                                left: RawStr::from(left.as_str()),
                                right: RawStr::from(right.as_str()),
                            });
                        }
                        sent_status = status;
                    }
                    let l = screen::layout(&st);
                    if st.tmate.overflow {
                        // Dropped pane data: forget what is queued (older than the screens
                        // now) and redraw every pane from our terminals.
                        while out_rx.try_recv().is_ok() {}
                        st.tmate.overflow = false;
                        if let Some(l) = &l {
                            push(&mut bytes, HostMessage::SyncLayout(l.clone()));
                        }
                        screen::redraw_all(&st, &mut bytes);
                        sent_layout = l;
                    } else if l != sent_layout {
                        if let Some(l) = &l {
                            push(&mut bytes, HostMessage::SyncLayout(l.clone()));
                        }
                        sent_layout = l;
                    }
                    screen::copy_changes(&st, &mut copy_sent, sent_layout.as_ref(), &mut bytes);
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
        Ok(Err(e)) => Err(format!("Error writing to channel: {e}")),
        Err(_) => Err("Error writing to channel: timed out".to_string()),
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
            out.extend(
                cmds.into_iter()
                    .map(|words| glue_separator(normalise(&words))),
            );
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

/// tmux 2.x's default table wrote `select-pane -t=\; send-keys -M`, and tmate 2.4 sends the
/// `;` glued to the word before it (`"-t=;"`, captured): our table keeps the `;` apart.
fn glue_separator(argv: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(argv.len());
    for a in argv {
        match out.last_mut() {
            Some(prev) if a == ";" && prev.ends_with('=') => prev.push(';'),
            _ => out.push(a),
        }
    }
    out
}

/// The argv the relay expects: full command name, flags in ASCII order, then the rest.
pub fn normalise(words: &[String]) -> Vec<String> {
    let Some((name, rest)) = words.split_first() else {
        return Vec::new();
    };
    let Ok(spec) = tmate_proto::command::find(name) else {
        return words.to_vec();
    };
    let Ok(args) = crate::cmd::Args::parse(spec, rest) else {
        return words.to_vec();
    };
    args.to_words(spec.name)
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

/// Apply one relay message (spec section 4).
fn handle(shared: &Arc<Shared>, m: ServerMessage, reply: &mpsc::Sender<Out>) {
    let mut st = shared.lock();
    match m {
        ServerMessage::Notify { message } => show_note(&mut st, message.to_string_lossy()),
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
    if let Some(fin) = fin {
        let (ack_tx, ack_rx) = oneshot::channel();
        if fin.try_send(ack_tx).is_ok() {
            let _ = tokio::time::timeout(Duration::from_secs(2), ack_rx).await;
        }
    }
    if let Some(relay) = shared.lock().tmate.relay.take() {
        relay.shutdown();
    }
}

/// `tmate -F`: when the session's last pane ends and `tmate-foreground-restart` is on, a new
/// window with a fresh shell replaces it after 500 ms (tmate's restart) instead of the session
/// (and the share) ending.
pub async fn foreground_restart(shared: &Arc<Shared>, pane: u32) {
    let last = |st: &State| {
        st.tmate.foreground
            && st.panes.len() == 1
            && st.panes.contains_key(&pane)
            && st
                .options
                .get(crate::options::Scope::Server, "tmate-foreground-restart")
                != Some("0")
    };
    if !last(&shared.lock()) {
        return;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut st = shared.lock();
    if last(&st) {
        let info = ClientInfo {
            cwd: std::env::var("HOME").unwrap_or_default(),
            ..ClientInfo::default()
        };
        let argv = vec!["new-window".to_string()];
        let r = crate::cmd::run_line(shared, &mut st, &info, &argv);
        if !r.err.is_empty() {
            show(
                &mut st,
                format!("Cannot restart the shell: {}", r.err.trim()),
            );
        }
    }
}

/// The `-F` client's stream: every tmate message, one line each, until the server exits.
pub async fn foreground_stream(shared: &Arc<Shared>, mut stream: tokio::net::UnixStream) {
    use crate::wire::{self, kind};
    // tmate -F refuses to run with config errors (they would go unseen): print them, exit 1.
    let errors = {
        let st = shared.lock();
        st.config_errors.join("\n")
    };
    if !errors.is_empty() {
        let _ =
            wire::write_frame(&mut stream, kind::STDERR, format!("{errors}\n").as_bytes()).await;
        let _ = wire::write_frame(&mut stream, kind::EXIT, &[1]).await;
        shared.shutdown.notify_one();
        return;
    }
    let mut changed = shared.changed.subscribe();
    let mut next = 0u64;
    loop {
        let text = {
            let st = shared.lock();
            let total = st.tmate.notes_total;
            let kept = u64::try_from(st.tmate.notes.len()).unwrap_or(0);
            let first = total.saturating_sub(kept);
            let skip = usize::try_from(next.max(first) - first).unwrap_or(usize::MAX);
            next = total;
            st.tmate
                .notes
                .iter()
                .skip(skip)
                .map(|n| format!("{n}\n"))
                .collect::<String>()
        };
        if !text.is_empty()
            && wire::write_frame(&mut stream, kind::STDOUT, text.as_bytes())
                .await
                .is_err()
        {
            return;
        }
        if changed.changed().await.is_err() {
            return;
        }
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
        return Err(
            "tmate is not sharing (TMATE_EMBEDDED_RELAY=0 and no tmate-server-host set)".into(),
        );
    }
    let (tx, rx) = oneshot::channel();
    state.tmate.waiters.retain(|w| !w.is_closed());
    state.tmate.waiters.push(tx);
    Ok(Some(rx))
}
