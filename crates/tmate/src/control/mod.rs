//! Control mode, server side (tmux 3.3a's `control.c`): a client started with `-C`/`-CC` sends
//! command lines; each command runs as a command client's would and its output comes back in
//! `%begin TIME NUMBER FLAGS` ... `%end`/`%error` blocks; between them the client hears of
//! pane output (`%output`) and of changes (`notify.rs`). It never draws a screen. Its size
//! counts in its session's only after `refresh-client -C`, as in tmux. The loop is
//! `ControlClient`, one per client, waking on its lines, the server's events for it, state
//! changes and a one-second tick (automatic window names change without an event).

mod notify;
pub mod output;
mod refresh;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use tokio::net::UnixStream;
use tokio::net::unix::OwnedWriteHalf;
use tokio::sync::mpsc;

pub use output::{ControlState, pane_output};
pub use refresh::refresh_client;

use crate::cmd::CmdResult;
use crate::server::{ClientInfo, Shared};
use crate::state::{CLIENT_EVENTS, ClientEvent, ClientHandle, State};
use crate::wire::{self, kind};

/// Frames from the client waiting for the loop; a client sending faster waits on its socket.
const INPUT_QUEUE: usize = 64;
/// A write the client does not take within tmux's maximum output age ends it.
const WRITE_TIMEOUT: Duration = output::MAXIMUM_AGE;
/// How long a deferred command (run-shell, if-shell, wait-for) may hold the client's queue.
const PENDING_TIMEOUT: Duration = Duration::from_secs(3600);
/// Bytes of an unfinished line kept; longer lines are refused as tmux's parser refuses them.
const MAX_LINE: usize = crate::parse::MAX_LINE;

/// One control client as the server sees it.
struct ControlClient<'a> {
    shared: &'a Arc<Shared>,
    /// Its id among the server's clients (in `State::clients` once it has a session).
    id: u32,
    info: ClientInfo,
    session: Option<u32>,
    events_tx: mpsc::Sender<ClientEvent>,
    events: mpsc::Receiver<ClientEvent>,
    /// What the client was last told of the server, and the change count then.
    seen: notify::Seen,
    seen_changes: u64,
    /// The last `%begin` number.
    number: u64,
    /// Input after the last newline.
    line: Vec<u8>,
    /// Text for the client not yet sent.
    out: String,
    /// `Some(reason)` ends the loop with `%exit [reason]`.
    ending: Option<String>,
}

/// Serves one control client: `argv` is its first command (flags 0 in its block, as tmux),
/// `level` 2 for `-CC` (output opens a DCS the client closes).
pub async fn run(
    shared: &Arc<Shared>,
    stream: UnixStream,
    info: ClientInfo,
    argv: Vec<String>,
    level: u8,
) {
    let (rd, mut wr) = stream.into_split();
    let (tx, mut frames) = mpsc::channel::<(u8, Vec<u8>)>(INPUT_QUEUE);
    let reader = tokio::spawn(async move {
        let mut rd = tokio::io::BufReader::with_capacity(16 * 1024, rd);
        while let Ok(Some(f)) = wire::read_frame(&mut rd).await {
            if tx.send(f).await.is_err() {
                break;
            }
        }
    });
    let mut client = ControlClient::new(shared, info);
    if level >= 2 {
        client.out.push_str("\x1bP1000p");
    }
    let first = if argv.is_empty() {
        vec![vec!["new-session".to_string()]]
    } else {
        tmate_proto::command::split_commands(&argv)
    };
    client.execute(&first, 0).await;
    let mut changed = shared.changed.subscribe();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let mut force = true;
    let gone = loop {
        client.catch_up(std::mem::take(&mut force));
        if flush(&mut wr, &mut client.out).await.is_err() {
            break true;
        }
        if client.ending.is_some() {
            break false;
        }
        tokio::select! {
            frame = frames.recv() => match frame {
                Some((kind::INPUT, bytes)) => client.on_input(&bytes).await,
                Some(_) => {}
                None => client.ending = Some(String::new()),
            },
            ev = client.events.recv() => client.on_event(ev),
            r = changed.changed() => if r.is_err() {
                client.ending = Some("server exited".into());
            },
            _ = tick.tick() => force = true,
        }
    };
    let wait_exit = client.leave();
    if !gone {
        let mut payload = vec![if wait_exit { b'1' } else { b'0' }];
        payload.extend_from_slice(client.ending.unwrap_or_default().as_bytes());
        let _ = tokio::time::timeout(
            WRITE_TIMEOUT,
            wire::write_frame(&mut wr, kind::CONTROL_EXIT, &payload),
        )
        .await;
    }
    reader.abort();
}

/// Sends what is waiting; an error when the client is gone or took too long.
async fn flush(wr: &mut OwnedWriteHalf, out: &mut String) -> std::io::Result<()> {
    if out.is_empty() {
        return Ok(());
    }
    let text = std::mem::take(out);
    match tokio::time::timeout(
        WRITE_TIMEOUT,
        wire::write_frame(wr, kind::STDOUT, text.as_bytes()),
    )
    .await
    {
        Ok(r) => r,
        Err(_) => Err(std::io::Error::other("too far behind")),
    }
}

/// Seconds since the epoch, as `%begin` prints them.
fn epoch() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(0))
        .unwrap_or(0)
}

/// One command's block as tmux prints it: `%begin`, its output and errors (each line ended),
/// then `%end` or, when it failed, `%error`; `time` and `number` as in both guard lines.
pub fn block(time: i64, number: u64, flags: u8, result: &CmdResult, out: &mut String) {
    out.push_str(&format!("%begin {time} {number} {flags}\n"));
    for text in [&result.out, &result.err] {
        if !text.is_empty() {
            out.push_str(text);
            if !text.ends_with('\n') {
                out.push('\n');
            }
        }
    }
    let end = if result.code == 0 { "%end" } else { "%error" };
    out.push_str(&format!("{end} {time} {number} {flags}\n"));
}

impl<'a> ControlClient<'a> {
    fn new(shared: &'a Arc<Shared>, info: ClientInfo) -> Self {
        let (events_tx, events) = mpsc::channel(CLIENT_EVENTS);
        let (id, seen) = {
            let mut st = shared.lock();
            let id = st.alloc_client();
            (id, notify::Seen::take(&st, None, id))
        };
        ControlClient {
            shared,
            id,
            info: ClientInfo {
                attached: Some(id),
                // What a command client needs a terminal for (attach, new-session without
                // -d), a control client does without one, as in tmux.
                tty: true,
                control: true,
                ..info
            },
            session: None,
            events_tx,
            events,
            seen,
            seen_changes: shared.state_changes.load(Ordering::Acquire),
            number: 0,
            line: Vec::new(),
            out: String::new(),
            ending: None,
        }
    }

    /// Pane output, then notifications when the server changed (or `force`, for automatic
    /// window names); ends the client when its session went or it fell too far behind.
    fn catch_up(&mut self, force: bool) {
        let st = self.shared.lock();
        // Moved by a command (switch-client, its session destroyed): it follows.
        if let Some(c) = st.clients.get(&self.id)
            && self.session.is_some()
        {
            self.session = Some(c.session);
        }
        if let Some(sid) = self.session
            && !st.sessions.contains_key(&sid)
        {
            // tmux: the client's session was destroyed, the client exits.
            self.ending.get_or_insert_with(String::new);
            return;
        }
        let mut st = st;
        if let Some(c) = st
            .clients
            .get_mut(&self.id)
            .and_then(|c| c.control.as_mut())
        {
            c.take_lines(Instant::now(), &mut self.out);
            if c.behind {
                self.ending = Some("too far behind".into());
            }
        }
        let changes = self.shared.state_changes.load(Ordering::Acquire);
        if force || changes != self.seen_changes {
            self.seen_changes = changes;
            self.notify(&st);
        }
    }

    /// Tells the client what changed since it was last told.
    fn notify(&mut self, st: &State) {
        let now = notify::Seen::take(st, self.session, self.id);
        for line in self.seen.changes(&now) {
            self.out.push_str(&line);
            self.out.push('\n');
        }
        self.seen = now;
    }

    /// Bytes from the client: complete lines run in order; an empty line ends the client.
    async fn on_input(&mut self, bytes: &[u8]) {
        self.line.extend_from_slice(bytes);
        while self.ending.is_none()
            && let Some(nl) = self.line.iter().position(|b| *b == b'\n')
        {
            let rest = self.line.split_off(nl + 1);
            let line = std::mem::replace(&mut self.line, rest);
            let text = String::from_utf8_lossy(line.get(..nl).unwrap_or_default()).into_owned();
            if text.is_empty() {
                self.ending = Some(String::new());
                break;
            }
            self.run_line(&text).await;
        }
        if self.line.len() > MAX_LINE {
            self.line.clear();
            self.error_block("parse error: line too long");
        }
    }

    /// One command line: parsed (an unknown command or bad flags are parse errors in tmux
    /// 3.3a, which resolves commands while parsing), then each command in its own block.
    async fn run_line(&mut self, line: &str) {
        let parsed = crate::parse::parse_line(line).and_then(|c| {
            let st = self.shared.lock();
            crate::cmd::expand_aliases(&st, &c)
        });
        let commands = match parsed {
            Ok(c) => c,
            Err(e) => return self.error_block(&format!("parse error: {e}")),
        };
        for words in &commands {
            let Some((name, rest)) = words.split_first() else {
                continue;
            };
            // The parser's errors already name the command (`command NAME: ...`).
            let checked = crate::cmd::find(name)
                .and_then(|entry| tmate_proto::command::Args::parse(entry.spec, rest));
            if let Err(e) = checked {
                return self.error_block(&format!("parse error: {e}"));
            }
        }
        self.execute(&commands, 1).await;
    }

    /// A block for an error found before anything ran.
    fn error_block(&mut self, message: &str) {
        self.number += 1;
        block(
            epoch(),
            self.number,
            1,
            &CmdResult::error(message),
            &mut self.out,
        );
    }

    /// Runs commands in order, each in its own block; the first error stops the rest, as
    /// tmux drops the rest of a failed command's group.
    async fn execute(&mut self, commands: &[Vec<String>], flags: u8) {
        for words in commands {
            if words.is_empty() {
                continue;
            }
            self.number += 1;
            let time = epoch();
            let result = self.run_one(words).await;
            block(time, self.number, flags, &result, &mut self.out);
            if result.code != 0 {
                break;
            }
        }
    }

    /// One command, as a command client's: output, errors, and the jobs it leaves waited
    /// for; an attach moves this client to the session.
    async fn run_one(&mut self, words: &[String]) -> CmdResult {
        let mut result = {
            let mut st = self.shared.lock();
            let info = ClientInfo {
                pane: self.session.and_then(|sid| active_pane(&st, sid)),
                ..self.info.clone()
            };
            let r = crate::cmd::run_list(self.shared, &mut st, &info, &[words.to_vec()]);
            if let Some(sid) = r.attach {
                self.attach(&mut st, sid);
            }
            if r.kill_server {
                self.shared.shutdown.notify_one();
            } else {
                self.shared.check_empty(&st);
            }
            r
        };
        self.shared.notify();
        if let Some(wait) = result.wait.take() {
            let failed = match tokio::time::timeout(crate::uplink::READY_TIMEOUT, wait).await {
                Ok(Ok(())) => None,
                Ok(Err(_)) => Some(
                    self.shared
                        .lock()
                        .tmate
                        .failed
                        .clone()
                        .unwrap_or_else(|| "the tmate connection ended".into()),
                ),
                Err(_) => Some("timed out waiting for tmate-ready".into()),
            };
            if let Some(e) = failed {
                result.err.push_str(&format!("{e}\n"));
                result.code = 1;
            }
        }
        if let Some(pending) = result.pending.take() {
            let done = match tokio::time::timeout(PENDING_TIMEOUT, pending).await {
                Ok(Ok(r)) => r,
                _ => CmdResult::error("command did not finish"),
            };
            result.out.push_str(&done.out);
            result.err.push_str(&done.err);
            result.code = done.code;
        }
        result
    }

    /// Joins `sid`'s clients (or moves there): the sizes of both sessions are recomputed.
    fn attach(&mut self, st: &mut State, sid: u32) {
        let activity = st.clock;
        let previous = self.session.replace(sid);
        match st.clients.get_mut(&self.id) {
            Some(c) => {
                // tmux `cmd_attach_session` for a client with a session.
                c.last_session = Some(c.session);
                st.set_client_session(self.id, sid);
            }
            None => {
                st.clients.insert(
                    self.id,
                    ClientHandle {
                        control: Some(Box::default()),
                        // No terminal is passed for a control client: tmux's name for a
                        // client without one.
                        ..ClientHandle::new(
                            sid,
                            self.events_tx.clone(),
                            activity,
                            format!("client-{}", self.id),
                        )
                    },
                );
            }
        }
        if let Some(old) = previous.filter(|old| *old != sid) {
            st.recompute_size(old);
        }
        st.recompute_size(sid);
    }

    /// An event from the client's queue: a detach ends it; messages and overlays are for
    /// clients with a screen.
    fn on_event(&mut self, ev: Option<ClientEvent>) {
        if let Some(ClientEvent::Detach | ClientEvent::DetachKill | ClientEvent::Exec(..)) | None =
            ev
        {
            self.ending = Some(String::new());
        }
    }

    /// Leaves the server's clients; returns whether `wait-exit` was set.
    fn leave(&self) -> bool {
        let mut st = self.shared.lock();
        let handle = st.clients.remove(&self.id);
        st.forget_latest(crate::state::Sizer::Client(self.id));
        if let Some(sid) = self.session {
            st.recompute_size(sid);
        }
        if handle.is_some() {
            st.destroy_unattached();
            self.shared.check_empty(&st);
        }
        handle.and_then(|h| h.control).is_some_and(|c| c.wait_exit)
    }
}

/// The active pane of a session's current window: where its commands run by default.
fn active_pane(st: &State, sid: u32) -> Option<u32> {
    let s = st.sessions.get(&sid)?;
    s.windows.get(&s.current).map(|w| w.active)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_frame_output_and_errors_as_tmux() {
        let mut out = String::new();
        let ok = CmdResult {
            out: "a\nb".into(),
            ..CmdResult::default()
        };
        block(1700000000, 5, 1, &ok, &mut out);
        assert_eq!(out, "%begin 1700000000 5 1\na\nb\n%end 1700000000 5 1\n");
        let mut out = String::new();
        block(7, 6, 0, &CmdResult::error("can't find window: 9"), &mut out);
        assert_eq!(out, "%begin 7 6 0\ncan't find window: 9\n%error 7 6 0\n");
        let mut out = String::new();
        block(7, 8, 1, &CmdResult::default(), &mut out);
        assert_eq!(out, "%begin 7 8 1\n%end 7 8 1\n");
    }
}
