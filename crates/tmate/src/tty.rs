//! The attached terminal handed from the client to the server (as tmux does): the client
//! passes its terminal over the socket (SCM_RIGHTS) right after ATTACH, and the server reads
//! the keys from it and writes the screen to it directly. A keystroke's echo then goes
//! terminal -> server -> pane -> server -> terminal, with no hop through the client process
//! either way (each was a process wake-up). The client is left with SIGWINCH and the end of
//! the attach. A client whose stdin and stdout are not one terminal sends the frame without a
//! descriptor and relays INPUT and OUTPUT frames instead.

use std::io::{IoSlice, IoSliceMut};
use std::mem::MaybeUninit;
use std::os::fd::{AsFd, OwnedFd};
use std::time::Duration;

use rustix::net::{
    RecvAncillaryBuffer, RecvAncillaryMessage, RecvFlags, SendAncillaryBuffer,
    SendAncillaryMessage, SendFlags,
};
use tokio::io::Interest;
use tokio::io::unix::AsyncFd;
use tokio::net::UnixStream;

use crate::wire::kind;

/// The TTY frame: length 1, kind TTY, no payload; the descriptor rides on its first byte.
const TTY_FRAME: [u8; 5] = [0, 0, 0, 1, kind::TTY];

/// How long the server waits for the client's TTY frame after ATTACH.
const HANDOVER: Duration = Duration::from_secs(10);

/// The client's terminal opened again for reading and writing: its own file description, so
/// the server's O_NONBLOCK does not reach the shell that shares it. `None` unless stdin and
/// stdout are the same terminal.
fn reopen_terminal() -> Option<OwnedFd> {
    let (stdin, stdout) = (std::io::stdin(), std::io::stdout());
    if !rustix::termios::isatty(&stdin) || !rustix::termios::isatty(&stdout) {
        return None;
    }
    let device = |fd| rustix::fs::fstat(fd).ok().map(|st| st.st_rdev);
    if device(stdin.as_fd()).is_none() || device(stdin.as_fd()) != device(stdout.as_fd()) {
        return None;
    }
    rustix::fs::open(
        "/proc/self/fd/0",
        rustix::fs::OFlags::RDWR | rustix::fs::OFlags::NOCTTY | rustix::fs::OFlags::CLOEXEC,
        rustix::fs::Mode::empty(),
    )
    .ok()
}

/// Client: send the TTY frame, with the terminal when stdin and stdout are one. Returns
/// whether the terminal was handed over (the server then reads the keys itself).
pub async fn send_terminal(sock: &UnixStream) -> std::io::Result<bool> {
    let terminal = reopen_terminal();
    let passed = terminal.is_some();
    send(sock, terminal).await?;
    Ok(passed)
}

async fn send(sock: &UnixStream, terminal: Option<OwnedFd>) -> std::io::Result<()> {
    loop {
        sock.writable().await?;
        let sent = sock.try_io(Interest::WRITABLE, || {
            let mut space = [MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(1))];
            let mut control = SendAncillaryBuffer::new(&mut space);
            let fds: Vec<_> = terminal.iter().map(|fd| fd.as_fd()).collect();
            if !fds.is_empty() && !control.push(SendAncillaryMessage::ScmRights(&fds)) {
                return Err(std::io::Error::other("no room for the terminal descriptor"));
            }
            rustix::net::sendmsg(
                sock,
                &[IoSlice::new(&TTY_FRAME)],
                &mut control,
                SendFlags::NOSIGNAL,
            )
            .map_err(std::io::Error::from)
        });
        match sent {
            // Five bytes into an empty socket buffer: a short send does not happen; if it
            // did, the server would see a broken frame and end the attach with an error.
            Ok(_) => return Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
            Err(e) => return Err(e),
        }
    }
}

/// Server: read the client's TTY frame; returns the terminal to write to, or `None` when
/// the client sent none (its output then goes over the socket).
pub async fn receive_terminal(sock: &UnixStream) -> Result<Option<Terminal>, String> {
    tokio::time::timeout(HANDOVER, receive(sock))
        .await
        .map_err(|_| "the client did not hand over its terminal".to_string())?
}

async fn receive(sock: &UnixStream) -> Result<Option<Terminal>, String> {
    let mut frame = [0u8; TTY_FRAME.len()];
    let mut got = 0;
    let mut passed: Option<OwnedFd> = None;
    while got < frame.len() {
        sock.readable().await.map_err(|e| e.to_string())?;
        let want = frame.get_mut(got..).unwrap_or_default();
        let read = sock.try_io(Interest::READABLE, || {
            let mut space = [MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(1))];
            let mut control = RecvAncillaryBuffer::new(&mut space);
            let msg = rustix::net::recvmsg(
                sock,
                &mut [IoSliceMut::new(want)],
                &mut control,
                RecvFlags::CMSG_CLOEXEC,
            )?;
            for message in control.drain() {
                if let RecvAncillaryMessage::ScmRights(fds) = message {
                    // More than one descriptor is not ours to keep: all but the first close.
                    for fd in fds {
                        passed.get_or_insert(fd);
                    }
                }
            }
            Ok(msg.bytes)
        });
        match read {
            Ok(0) => return Err("the client went away".into()),
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
            Err(e) => return Err(e.to_string()),
        }
    }
    if frame != TTY_FRAME {
        return Err("protocol mismatch: the client is not this version of tmate".into());
    }
    // Only a terminal is written to; anything else is closed and the socket used instead.
    let Some(fd) = passed.filter(|fd| rustix::termios::isatty(fd)) else {
        return Ok(None);
    };
    let out = rustix::io::fcntl_dupfd_cloexec(&fd, 0).map_err(|e| e.to_string())?;
    let keys = crate::fdio::reader(fd).map_err(|e| e.to_string())?;
    Ok(Some(Terminal { keys, out }))
}

/// Client without a handed-over terminal: its input, polled on the runtime. tokio's stdin
/// reads on a blocking thread and hands each read over, which cost a keystroke a thread
/// wake-up on its way to the server. The terminal is opened again (its own file description, so O_NONBLOCK does not
/// leak to the shell); `None` when that fails (the caller reads stdin the blocking way).
pub fn open_input() -> Option<AsyncFd<OwnedFd>> {
    let fd = rustix::fs::open(
        "/proc/self/fd/0",
        rustix::fs::OFlags::RDONLY | rustix::fs::OFlags::NOCTTY | rustix::fs::OFlags::CLOEXEC,
        rustix::fs::Mode::empty(),
    )
    .ok()?;
    crate::fdio::reader(fd).ok()
}

/// An attached client's terminal: the server reads its keys and writes its screen. Two
/// descriptors of one terminal, so that reading it is polled and writing it is not.
pub struct Terminal {
    keys: AsyncFd<OwnedFd>,
    out: OwnedFd,
}

impl Terminal {
    /// Keys typed on the terminal; 0 when it hung up.
    pub async fn read(&self, buf: &mut [u8]) -> std::io::Result<usize> {
        crate::fdio::read(&self.keys, buf).await
    }

    /// The terminal's device path (`/dev/pts/3`), tmux's client name.
    pub fn name(&self) -> Option<String> {
        use std::os::fd::AsRawFd;
        let path = std::fs::read_link(format!("/proc/self/fd/{}", self.out.as_raw_fd())).ok()?;
        Some(path.to_string_lossy().into_owned())
    }

    /// Its cell size in pixels as tmux's `tty_resize` works it out: the window's pixels over
    /// its cells, 0 when the terminal does not say.
    pub fn cell_size(&self) -> (u32, u32) {
        let Ok(ws) = rustix::termios::tcgetwinsize(&self.out) else {
            return (0, 0);
        };
        let per =
            |pixels: u16, cells: u16| u32::from(pixels).checked_div(u32::from(cells)).unwrap_or(0);
        (per(ws.ws_xpixel, ws.ws_col), per(ws.ws_ypixel, ws.ws_row))
    }

    /// Write all of `bytes`, waiting while the terminal is full (a terminal that stops
    /// reading holds only its own client's loop).
    pub async fn write_all(&self, bytes: &[u8]) -> std::io::Result<()> {
        crate::fdio::write_all(&self.out, bytes).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn the_server_writes_to_and_reads_from_the_terminal_the_client_passed() {
        let (a, b) = UnixStream::pair().unwrap();
        let (mut master, pts) = pty_process::open().unwrap();
        let terminal = rustix::io::dup(&pts).unwrap();
        send(&a, Some(terminal)).await.unwrap();
        let got = receive_terminal(&b).await.unwrap().expect("a terminal");
        got.write_all(b"on the screen").await.unwrap();
        let mut seen = Vec::new();
        let mut buf = [0u8; 64];
        while !seen.ends_with(b"on the screen") {
            let n = tokio::time::timeout(Duration::from_secs(10), master.read(&mut buf))
                .await
                .unwrap()
                .unwrap();
            seen.extend_from_slice(&buf[..n]);
        }
        // And reads what is typed on it (a line: the test's terminal is not in raw mode).
        master.write_all(b"typed\n").await.unwrap();
        let mut typed = Vec::new();
        while !typed.ends_with(b"\n") {
            let n = tokio::time::timeout(Duration::from_secs(10), got.read(&mut buf))
                .await
                .unwrap()
                .unwrap();
            assert!(n > 0, "the terminal hung up");
            typed.extend_from_slice(&buf[..n]);
        }
        assert_eq!(typed, b"typed\n");
    }

    #[tokio::test]
    async fn no_descriptor_or_one_that_is_not_a_terminal_means_the_socket() {
        let (a, b) = UnixStream::pair().unwrap();
        send(&a, None).await.unwrap();
        assert!(receive_terminal(&b).await.unwrap().is_none());
        let (a, b) = UnixStream::pair().unwrap();
        let (pipe, _other) = std::io::pipe().unwrap();
        send(&a, Some(OwnedFd::from(pipe))).await.unwrap();
        assert!(receive_terminal(&b).await.unwrap().is_none());
    }

    #[tokio::test]
    async fn another_frame_first_is_a_protocol_mismatch() {
        let (mut a, b) = UnixStream::pair().unwrap();
        a.write_all(&[0, 0, 0, 2, kind::INPUT, b'x']).await.unwrap();
        let err = receive_terminal(&b).await.err().unwrap();
        assert!(err.contains("protocol mismatch"), "{err}");
    }

    #[tokio::test]
    async fn a_client_that_hangs_up_is_an_error_not_a_wait() {
        let (a, b) = UnixStream::pair().unwrap();
        drop(a);
        let err = receive_terminal(&b).await.err().unwrap();
        assert!(err.contains("went away"), "{err}");
    }
}
