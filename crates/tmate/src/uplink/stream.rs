//! The protocol stream on the SSH channel: the bounded queue pane readers feed, encoding and
//! writing messages (with a write timeout), forwarding what changed since the last write
//! (PTY_DATA in chunks, replayed commands, STATUS, SYNC_LAYOUT, SYNC_COPY_MODE), FIN, and the
//! reader task that decodes the relay's messages for `inbound`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use russh::client;
use russh::{ChannelMsg, ChannelReadHalf, ChannelWriteHalf};
use tmate_proto::{
    CopyModeState, DecoderConfig, HostMessage, Layout, MAX_PTY_CHUNK, RawStr, ServerDecoder,
    WireMessage,
};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use super::{burst, inbound, screen};
use crate::server::Shared;
use crate::state::State;

/// PTY chunks (and replies) queued for the relay. When full, pane data for the relay is
/// dropped and the screens are redrawn from our terminals once the queue drains: a slow relay
/// must never slow the panes or grow our memory.
pub const OUT_QUEUE: usize = 256;
/// A single write to the relay blocked this long means the relay is gone.
const WRITE_TIMEOUT: Duration = Duration::from_secs(60);

/// What travels to the uplink writer task.
pub enum Out {
    /// Raw bytes read from a pane's PTY.
    Pty(u32, Vec<u8>),
    /// An encoded protocol message (FAILED_CMD replies).
    Msg(Vec<u8>),
    /// A line added to a pane's view mode: WRITE_COPY_MODE, as tmate 2.4's
    /// `window_copy_add` sends for its output view.
    CopyLine(u32, String),
    /// A view came back to the top of a pane's modes: the relay leaves its copy mode (the
    /// view's lines follow as `CopyLine`s, which enter it anew).
    CopyRestart(u32),
}

/// A WRITE_COPY_MODE line is cut to this many bytes (tmate's relay keeps 4096 of it; the
/// original server refuses messages over 17 KiB).
const MAX_COPY_LINE: usize = 4096;

/// A view-mode line as WRITE_COPY_MODE carries it: at most `MAX_COPY_LINE` bytes.
pub(super) fn copy_line_text(text: &str) -> String {
    let mut end = text.len().min(MAX_COPY_LINE);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default().to_string()
}

/// Queue a view-mode line for the relay (under the lock, as pane output).
pub fn copy_line(state: &mut State, pane: u32, text: &str) {
    let Some(tx) = &state.tmate.out else {
        return;
    };
    if tx
        .try_send(Out::CopyLine(pane, copy_line_text(text)))
        .is_err()
    {
        // Lost like dropped pane data: the redraw after an overflow repaints the panes.
        state.tmate.overflow = true;
    }
}

/// Queue a restart of the relay's copy mode of `pane` (before a view's lines are replayed).
pub fn copy_restart(state: &mut State, pane: u32) {
    let Some(tx) = &state.tmate.out else {
        return;
    };
    if tx.try_send(Out::CopyRestart(pane)).is_err() {
        state.tmate.overflow = true;
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

/// What the relay has been told, so that only changes are written.
pub(super) struct Sent {
    pub layout: Option<Layout>,
    /// `Tmate::replay_total` when the replayed commands were last forwarded.
    pub replay_total: u64,
    pub copy: BTreeMap<u32, CopyModeState>,
    pub status: Option<(String, String)>,
}

/// The writing side of one connection.
pub(super) struct Stream {
    write: ChannelWriteHalf<client::Msg>,
    queue: mpsc::Receiver<Out>,
    sent: Sent,
}

impl Stream {
    /// Send the start-up burst and install the queue under the same lock as the screens are
    /// read, so every later pane byte follows the repaint exactly once. Returns the stream and
    /// a sender for replies to the relay.
    pub async fn open(
        shared: &Arc<Shared>,
        write: ChannelWriteHalf<client::Msg>,
        reconnected: bool,
    ) -> Result<(Self, mpsc::Sender<Out>), String> {
        let (out_tx, queue) = mpsc::channel::<Out>(OUT_QUEUE);
        let (burst, sent) = {
            let mut st = shared.lock();
            let built = burst::build(&mut st, reconnected);
            st.tmate.out = Some(out_tx.clone());
            st.tmate.overflow = false;
            built
        };
        send(&write, burst).await?;
        let stream = Self { write, queue, sent };
        Ok((stream, out_tx))
    }

    /// Write until FIN (Ok), the reader ends (the relay left or misbehaved), a write fails, or
    /// the server goes away (Ok).
    pub async fn pump(
        &mut self,
        shared: &Arc<Shared>,
        reader: &mut JoinHandle<String>,
        fin_rx: &mut mpsc::Receiver<oneshot::Sender<()>>,
    ) -> Result<(), String> {
        let mut changed = shared.changed.subscribe();
        loop {
            tokio::select! {
                r = &mut *reader => {
                    return Err(r.unwrap_or_else(|_| "the uplink reader stopped".to_string()));
                }
                ack = fin_rx.recv() => {
                    self.finish(ack).await;
                    return Ok(());
                }
                o = self.queue.recv() => {
                    let Some(o) = o else { continue };
                    self.forward(shared, o).await?;
                }
                r = changed.changed() => {
                    if r.is_err() {
                        return Ok(());
                    }
                    self.send_changes(shared).await?;
                }
            }
        }
    }

    /// FIN and EOF, then acknowledge: the server waits for this before it exits.
    async fn finish(&self, ack: Option<oneshot::Sender<()>>) {
        let _ = send(&self.write, HostMessage::Fin.encode()).await;
        let _ = self.write.eof().await;
        if let Some(ack) = ack {
            let _ = ack.send(());
        }
    }

    /// One queued item: a reply as is, or a pane's bytes as PTY_DATA chunks.
    async fn forward(&mut self, shared: &Arc<Shared>, out: Out) -> Result<(), String> {
        let bytes = match out {
            Out::Msg(m) => m,
            Out::Pty(pane, data) => self.pane_data(shared, pane, &data),
            Out::CopyLine(pane, text) => self.copy_line(shared, pane, text),
            Out::CopyRestart(pane) => self.copy_restart(pane),
        };
        send(&self.write, bytes).await
    }

    /// The relay drops data for panes it does not know, so a new pane's layout goes first;
    /// bytes of a pane that is already gone from the layout are not sent.
    fn pane_data(&mut self, shared: &Arc<Shared>, pane: u32, data: &[u8]) -> Vec<u8> {
        let mut bytes = Vec::new();
        if !screen::announced(self.sent.layout.as_ref(), pane) {
            let layout = screen::layout(&shared.lock());
            self.layout_if_changed(layout, &mut bytes);
        }
        if screen::announced(self.sent.layout.as_ref(), pane) {
            for chunk in data.chunks(MAX_PTY_CHUNK) {
                push(
                    &mut bytes,
                    HostMessage::PtyData {
                        pane_id: i64::from(pane),
                        data: RawStr(chunk.to_vec()),
                    },
                );
            }
        }
        bytes
    }

    /// WRITE_COPY_MODE for a pane the relay knows (the original server ends the session on
    /// an unknown pane id), after the view's SYNC_COPY_MODE as tmate 2.4 orders them.
    fn copy_line(&mut self, shared: &Arc<Shared>, pane: u32, text: String) -> Vec<u8> {
        let mut bytes = Vec::new();
        {
            let st = shared.lock();
            if !screen::announced(self.sent.layout.as_ref(), pane) {
                self.layout_if_changed(screen::layout(&st), &mut bytes);
            }
            screen::copy_changes(
                &st,
                &mut self.sent.copy,
                self.sent.layout.as_ref(),
                &mut bytes,
            );
        }
        if screen::announced(self.sent.layout.as_ref(), pane) {
            push(
                &mut bytes,
                HostMessage::WriteCopyMode {
                    pane_id: i64::from(pane),
                    text: RawStr::from(text.as_str()),
                },
            );
        }
        bytes
    }

    /// SYNC_COPY_MODE `[]` for a pane whose copy mode the relay was told of.
    fn copy_restart(&mut self, pane: u32) -> Vec<u8> {
        let mut bytes = Vec::new();
        if self.sent.copy.remove(&pane).is_some()
            && screen::announced(self.sent.layout.as_ref(), pane)
        {
            push(
                &mut bytes,
                HostMessage::SyncCopyMode {
                    pane_id: i64::from(pane),
                    state: None,
                },
            );
        }
        bytes
    }

    /// The server's state changed: forward what of it the relay mirrors.
    async fn send_changes(&mut self, shared: &Arc<Shared>) -> Result<(), String> {
        let bytes = {
            let mut st = shared.lock();
            let mut bytes = Vec::new();
            self.new_commands(&st, &mut bytes);
            self.status_change(&st, &mut bytes);
            self.screen_changes(&mut st, &mut bytes);
            bytes
        };
        send(&self.write, bytes).await
    }

    /// bind/set commands run since the last call, in order (those already dropped from the
    /// bounded replay log are lost).
    fn new_commands(&mut self, state: &State, bytes: &mut Vec<u8>) {
        let skip = state
            .tmate
            .replay_total
            .saturating_sub(self.sent.replay_total);
        let skip = usize::try_from(skip).unwrap_or(usize::MAX);
        let start = state.tmate.replay.len().saturating_sub(skip);
        for argv in state.tmate.replay.iter().skip(start) {
            push(bytes, exec(argv));
        }
        self.sent.replay_total = state.tmate.replay_total;
    }

    /// STATUS only while a client draws one, and only when its text changed.
    fn status_change(&mut self, state: &State, bytes: &mut Vec<u8>) {
        let status = screen::status(state);
        if status.is_some() && status != self.sent.status {
            if let Some((left, right)) = &status {
                push(
                    bytes,
                    HostMessage::Status {
                        left: RawStr::from(left.as_str()),
                        right: RawStr::from(right.as_str()),
                    },
                );
            }
            self.sent.status = status;
        }
    }

    /// A changed layout, copy-mode changes, and after dropped pane data a full redraw.
    fn screen_changes(&mut self, state: &mut State, bytes: &mut Vec<u8>) {
        let layout = screen::layout(state);
        if state.tmate.overflow {
            // What is still queued is older than the screens now: the redraw replaces it.
            while self.queue.try_recv().is_ok() {}
            state.tmate.overflow = false;
            if let Some(l) = &layout {
                push(bytes, HostMessage::SyncLayout(l.clone()));
            }
            screen::redraw_all(state, bytes);
            self.sent.layout = layout;
        } else {
            self.layout_if_changed(layout, bytes);
        }
        screen::copy_changes(state, &mut self.sent.copy, self.sent.layout.as_ref(), bytes);
    }

    fn layout_if_changed(&mut self, layout: Option<Layout>, bytes: &mut Vec<u8>) {
        if layout != self.sent.layout {
            if let Some(l) = &layout {
                push(bytes, HostMessage::SyncLayout(l.clone()));
            }
            self.sent.layout = layout;
        }
    }
}

/// Read the relay's messages and apply each under the lock until the channel ends or a message
/// does not decode; the task's result is why.
pub(super) fn spawn_reader(
    shared: Arc<Shared>,
    mut read: ChannelReadHalf,
    reply: mpsc::Sender<Out>,
) -> JoinHandle<String> {
    tokio::spawn(async move {
        let mut decoder = ServerDecoder::new(DecoderConfig::server_stream());
        loop {
            match read.wait().await {
                Some(ChannelMsg::Data { data }) => {
                    decoder.feed(&data);
                    while let Some(m) = decoder.next_message() {
                        match m {
                            Ok(m) => inbound::apply(&shared, m, &reply),
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
    })
}

/// Nothing is written for no bytes; a write that blocks past `WRITE_TIMEOUT` fails.
async fn send(write: &ChannelWriteHalf<client::Msg>, bytes: Vec<u8>) -> Result<(), String> {
    if bytes.is_empty() {
        return Ok(());
    }
    match tokio::time::timeout(WRITE_TIMEOUT, write.data_bytes(bytes)).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(format!("Error writing to channel: {e}")),
        Err(_) => Err("Error writing to channel: timed out".to_string()),
    }
}

pub(super) fn push(out: &mut Vec<u8>, m: HostMessage) {
    out.extend_from_slice(&m.encode());
}

pub(super) fn exec(argv: &[String]) -> HostMessage {
    HostMessage::ExecCmd {
        argv: argv.iter().map(|a| RawStr::from(a.as_str())).collect(),
    }
}
