//! The attached client's link: the attach handshake on its socket, the task reading its
//! frames, its terminal when it passed one, and the screen output and goodbye sent to it.

use tokio::net::UnixStream;
use tokio::net::unix::OwnedWriteHalf;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::INPUT_QUEUE;
use crate::tty::Terminal;
use crate::wire::{self, kind};

/// One client's socket and terminal, for the attach loop to wait on and write to.
pub(super) struct Connection {
    /// The client's terminal when it passed one: keys are read and output written there.
    pub(super) terminal: Option<Terminal>,
    socket: OwnedWriteHalf,
    /// Frames from the socket (resizes, and input when there is no terminal).
    pub(super) frames: mpsc::Receiver<(u8, Vec<u8>)>,
    reader: JoinHandle<()>,
    /// Where keys read from the terminal land.
    pub(super) key_buf: Vec<u8>,
}

impl Connection {
    /// Answers the attach and takes the client's terminal; `None` when the client is gone or
    /// its terminal could not be taken (it was told why).
    pub(super) async fn open(stream: UnixStream) -> Option<Self> {
        let (rd, mut socket) = stream.into_split();
        if wire::write_frame(&mut socket, kind::ATTACH, b"")
            .await
            .is_err()
        {
            return None;
        }
        let terminal = match crate::tty::receive_terminal(rd.as_ref()).await {
            Ok(t) => t,
            Err(e) => {
                let _ = wire::write_frame(&mut socket, kind::DETACH, e.as_bytes()).await;
                return None;
            }
        };
        let (tx, frames) = mpsc::channel::<(u8, Vec<u8>)>(INPUT_QUEUE);
        let reader = tokio::spawn(async move {
            // Buffered: a keystroke's frame is one read, not a header read and a payload read.
            let mut rd = tokio::io::BufReader::with_capacity(16 * 1024, rd);
            while let Ok(Some(f)) = wire::read_frame(&mut rd).await {
                if tx.send(f).await.is_err() {
                    break;
                }
            }
        });
        Some(Connection {
            terminal,
            socket,
            frames,
            reader,
            key_buf: vec![0u8; 4096],
        })
    }

    /// Output for the client's screen: onto its terminal when it passed one, else over the
    /// socket.
    pub(super) async fn send_output(&mut self, out: &[u8]) -> std::io::Result<()> {
        match &self.terminal {
            Some(t) => t.write_all(out).await,
            None => wire::write_frame(&mut self.socket, kind::OUTPUT, out).await,
        }
    }

    /// A frame on the client's socket (LOCK, SUSPEND).
    pub(super) async fn send_frame(
        &mut self,
        frame_kind: u8,
        payload: &[u8],
    ) -> std::io::Result<()> {
        wire::write_frame(&mut self.socket, frame_kind, payload).await
    }

    /// Stops reading; with an ending, restores the client's screen and tells it why it ends.
    /// Leave: the screen restored, then the frame (DETACH, DETACH_KILL or EXEC) that ends
    /// the client with its payload; nothing when the client is gone (`None`).
    pub(super) async fn close(mut self, goodbye: Option<(&[u8], u8, &str)>) {
        if let Some((screen_restore, frame, ending)) = goodbye {
            // Written before DETACH is sent: the client prints its line after the screen is left.
            let _ = self.send_output(screen_restore).await;
            let _ = wire::write_frame(&mut self.socket, frame, ending.as_bytes()).await;
        }
        self.reader.abort();
    }
}

/// Keys from the client's terminal when it passed one (else they come as INPUT frames).
pub(super) async fn read_keys(
    terminal: Option<&Terminal>,
    buf: &mut [u8],
) -> std::io::Result<usize> {
    match terminal {
        Some(t) => t.read(buf).await,
        None => std::future::pending().await,
    }
}
