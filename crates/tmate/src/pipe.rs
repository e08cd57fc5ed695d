//! pipe-pane (tmux 3.3a `cmd-pipe-pane.c`): a shell command joined to a pane by a socket pair.
//! The pane's new output goes to the command's stdin (`-O`, the default), the command's stdout
//! goes to the pane as typed input (`-I`); `#{pane_pipe}` says whether a pipe is open.
//!
//! Bounds: tmux queues pane output for the pipe in an unbounded bufferevent. Here at most
//! `PIPE_BACKLOG` bytes wait for a slow command; output arriving while that much waits is
//! dropped (the command misses it, as a logging pipe that cannot keep up must), so a command
//! that never reads holds neither the pane nor the server, nor memory beyond that.
//!
//! A pane whose program exits stays while output waits for its pipe's command (tmux's
//! `window_pane_destroy_ready`), so the command gets all of it; tmux waits for ever, here at
//! most `DRAIN_LIMIT` (`drain_before_close`).

use std::os::fd::OwnedFd;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::{Notify, mpsc};

use crate::server::Shared;
use crate::state::State;

/// Pane output waiting for a pipe's command, at most (bytes).
pub const PIPE_BACKLOG: usize = 4 << 20;

/// Chunks waiting for a pipe's command, at most (each pane read is one chunk).
const PIPE_CHUNKS: usize = 4096;

/// Longest a pane whose program has exited waits for its pipe's command to take the output
/// still queued for it. tmux waits as long as it takes; a command that stopped reading (a
/// `cat > fifo` nobody opens) would then keep the pane, its window and session for ever, so
/// past this the pane closes and the command misses what it had not read. A minute is far
/// more than any command that reads at all needs for the 4 MiB the queue holds.
pub const DRAIN_LIMIT: Duration = Duration::from_secs(60);

/// Pipes opened so far: a pipe's tasks act on the pane only while it holds their pipe.
static PIPES: AtomicUsize = AtomicUsize::new(1);

/// An open pipe on a pane (`Pane::pipe`). Dropping it closes the pane's end: the writer task
/// still hands the command what was queued, then closes; the reader task stops at once.
pub struct PanePipe {
    id: usize,
    /// Pane output for the command (`-O`); `None` with `-I` alone.
    out: Option<mpsc::Sender<Vec<u8>>>,
    /// Bytes in `out` not yet written to the command.
    queued: Arc<AtomicUsize>,
    reader: Option<tokio::task::AbortHandle>,
    /// Wakes a pane waiting for the queue to drain (`drain_before_close`): the writer task
    /// after each write, and the pipe closing.
    written: Arc<Notify>,
    /// The spawn of the pane whose program has exited while the pane waits for this pipe
    /// (tmux's PANE_EXITED while `window_pane_destroy_ready` says no): pipe-pane refuses the
    /// pane, until a respawn-pane -k starts another spawn.
    exited: Option<u64>,
}

impl Drop for PanePipe {
    fn drop(&mut self) {
        if let Some(reader) = &self.reader {
            reader.abort();
        }
        self.written.notify_one();
    }
}

impl PanePipe {
    /// New output of the pane: queued for the command, or dropped past the backlog.
    pub fn output(&self, bytes: &[u8]) {
        let Some(out) = &self.out else { return };
        if bytes.is_empty() {
            return;
        }
        let queued = self.queued.load(Ordering::Acquire);
        if queued.saturating_add(bytes.len()) > PIPE_BACKLOG {
            return;
        }
        self.queued.fetch_add(bytes.len(), Ordering::AcqRel);
        if out.try_send(bytes.to_vec()).is_err() {
            self.queued.fetch_sub(bytes.len(), Ordering::AcqRel);
        }
    }

    /// The pane's program of spawn `generation` has exited and the pane is kept for this pipe.
    pub fn pane_exited(&self, generation: u64) -> bool {
        self.exited == Some(generation)
    }
}

/// Pane `pane`'s program of spawn `generation` has exited and its output has all been read:
/// while its pipe holds output the command has not taken, the pane stays (tmux closes it from
/// the pipe's write callback once the queue is empty, or when the pipe closes), for at most
/// `DRAIN_LIMIT`.
pub async fn drain_before_close(shared: &Shared, pane: u32, generation: u64) {
    let deadline = tokio::time::Instant::now() + DRAIN_LIMIT;
    loop {
        let written = {
            let mut st = shared.lock();
            let Some(pipe) = st
                .panes
                .get_mut(&pane)
                .filter(|p| p.generation == generation)
                .and_then(|p| p.pipe.as_mut())
            else {
                return;
            };
            if pipe.queued.load(Ordering::Acquire) == 0 {
                return;
            }
            pipe.exited = Some(generation);
            Arc::clone(&pipe.written)
        };
        // A write finished or the pipe closed since the check leaves a permit: no wake is lost.
        if tokio::time::timeout_at(deadline, written.notified())
            .await
            .is_err()
        {
            return;
        }
    }
}

/// What `pipe-pane` was asked for.
pub struct PipeRequest<'a> {
    pub command: &'a str,
    /// `-I`: the command's stdout is typed into the pane.
    pub input: bool,
    /// `-O` (or neither flag): the pane's output is the command's stdin.
    pub output: bool,
}

/// Open a pipe on `pane` running `request.command` with `/bin/sh -c` (the command is expanded
/// already). The caller has closed any previous pipe.
pub fn open(
    shared: &Arc<Shared>,
    state: &mut State,
    pane: u32,
    request: &PipeRequest<'_>,
) -> Result<(), String> {
    let (ours, theirs) =
        std::os::unix::net::UnixStream::pair().map_err(|e| format!("socketpair error: {e}"))?;
    let null = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/null")
            .map(std::process::Stdio::from)
    };
    let end = |s: &std::os::unix::net::UnixStream| -> Result<std::process::Stdio, String> {
        let fd = s.try_clone().map_err(|e| format!("fork error: {e}"))?;
        Ok(std::process::Stdio::from(OwnedFd::from(fd)))
    };
    let stdin = if request.output {
        end(&theirs)?
    } else {
        null().map_err(|e| format!("fork error: {e}"))?
    };
    let stdout = if request.input {
        end(&theirs)?
    } else {
        null().map_err(|e| format!("fork error: {e}"))?
    };
    let stderr = null().map_err(|e| format!("fork error: {e}"))?;
    let mut child = tokio::process::Command::new("/bin/sh")
        .arg("-c")
        .arg(request.command)
        .stdin(stdin)
        .stdout(stdout)
        .stderr(stderr)
        .spawn()
        .map_err(|e| format!("fork error: {e}"))?;
    drop(theirs);
    // Reaped whenever it ends; nothing waits for it (tmux's SIGCHLD handler reaps it too).
    tokio::spawn(async move {
        let _ = child.wait().await;
    });
    ours.set_nonblocking(true)
        .map_err(|e| format!("socketpair error: {e}"))?;
    let stream =
        tokio::net::UnixStream::from_std(ours).map_err(|e| format!("socketpair error: {e}"))?;
    let (read_half, write_half) = stream.into_split();
    let id = PIPES.fetch_add(1, Ordering::Relaxed);
    let queued = Arc::new(AtomicUsize::new(0));
    let written = Arc::new(Notify::new());
    let out = request.output.then(|| {
        let (tx, rx) = mpsc::channel(PIPE_CHUNKS);
        tokio::spawn(write_to_command(
            Arc::clone(shared),
            pane,
            id,
            rx,
            write_half,
            Arc::clone(&queued),
            Arc::clone(&written),
        ));
        tx
    });
    let reader = request.input.then(|| {
        tokio::spawn(read_from_command(Arc::clone(shared), pane, id, read_half)).abort_handle()
    });
    if let Some(p) = state.panes.get_mut(&pane) {
        p.pipe = Some(PanePipe {
            id,
            out,
            queued,
            reader,
            written,
            exited: None,
        });
    }
    Ok(())
}

/// The pipe `id` failed (tmux's error callback): the pane's pipe is closed, if it is still it.
fn close_if_current(shared: &Shared, pane: u32, id: usize) {
    let mut st = shared.lock();
    if let Some(p) = st.panes.get_mut(&pane)
        && p.pipe.as_ref().is_some_and(|pipe| pipe.id == id)
    {
        p.pipe = None;
    }
}

/// The pane's output to the command's stdin, in order, until the pipe is closed and its queue
/// drained, or a write fails (the command exited: the pipe closes, as tmux's does).
async fn write_to_command(
    shared: Arc<Shared>,
    pane: u32,
    id: usize,
    mut rx: mpsc::Receiver<Vec<u8>>,
    mut socket: tokio::net::unix::OwnedWriteHalf,
    queued: Arc<AtomicUsize>,
    written: Arc<Notify>,
) {
    while let Some(bytes) = rx.recv().await {
        let ok = socket.write_all(&bytes).await.is_ok();
        queued.fetch_sub(bytes.len(), Ordering::AcqRel);
        written.notify_one();
        if !ok {
            close_if_current(&shared, pane, id);
            return;
        }
    }
    let _ = socket.shutdown().await;
}

/// The command's stdout typed into the pane (`-I`) until it ends; then the pipe closes.
async fn read_from_command(
    shared: Arc<Shared>,
    pane: u32,
    id: usize,
    mut socket: tokio::net::unix::OwnedReadHalf,
) {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        match socket.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                let st = shared.lock();
                let Some(p) = st
                    .panes
                    .get(&pane)
                    .filter(|p| p.pipe.as_ref().is_some_and(|pipe| pipe.id == id))
                else {
                    return;
                };
                if let Some(bytes) = buf.get(..n) {
                    p.write(bytes.to_vec());
                }
            }
        }
    }
    close_if_current(&shared, pane, id);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_past_the_backlog_is_dropped_not_queued() {
        let (tx, mut rx) = mpsc::channel(PIPE_CHUNKS);
        let pipe = PanePipe {
            id: 0,
            out: Some(tx),
            queued: Arc::new(AtomicUsize::new(0)),
            reader: None,
            written: Arc::new(Notify::new()),
            exited: None,
        };
        let chunk = vec![b'x'; 1 << 20];
        for _ in 0..10 {
            pipe.output(&chunk);
        }
        assert_eq!(pipe.queued.load(Ordering::Acquire), PIPE_BACKLOG);
        let mut n = 0;
        while let Ok(bytes) = rx.try_recv() {
            n += bytes.len();
        }
        assert_eq!(n, PIPE_BACKLOG);
    }
}
