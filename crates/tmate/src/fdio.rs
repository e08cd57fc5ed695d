//! Non-blocking descriptors on the runtime, polled for reading only: writes go straight to the
//! descriptor and register for writability only while one has to wait. A descriptor polled
//! for both is woken after every write it makes (the edge of "writable again"); on the echo
//! path of a keystroke those needless wake-ups kept the server's thread busy just when the
//! pane (or the terminal's reader) was woken, which then started on the other CPU, later.

use std::os::fd::{AsFd, OwnedFd};

use tokio::io::Interest;
use tokio::io::unix::AsyncFd;

#[allow(unsafe_code)]
fn register(fd: OwnedFd, interest: Interest) -> std::io::Result<AsyncFd<OwnedFd>> {
    // SAFETY: the AsyncFd owns the descriptor; nothing else closes or replaces it while it is
    // registered (the OwnedFd is only lent out for reads and writes).
    unsafe { AsyncFd::register_with_interest(fd, interest) }.map_err(|e| e.into_parts().1)
}

/// `fd`, made non-blocking, polled for reading.
pub fn reader(fd: OwnedFd) -> std::io::Result<AsyncFd<OwnedFd>> {
    rustix::io::ioctl_fionbio(&fd, true)?;
    register(fd, Interest::READABLE)
}

/// Read what is there (0: end of file). A short read does not mean the descriptor is drained:
/// a PTY under a flood hands its data over in pieces, and treating a short read as "empty"
/// (and waiting for the next edge) stalled a 100 MB run by seconds; so readiness is only
/// given up on "would block".
pub async fn read(fd: &AsyncFd<OwnedFd>, buf: &mut [u8]) -> std::io::Result<usize> {
    loop {
        let mut ready = fd.readable().await?;
        match ready.try_io(|fd| rustix::io::read(fd.get_ref(), &mut *buf).map_err(Into::into)) {
            Ok(result) => return result,
            Err(_would_block) => continue,
        }
    }
}

/// Extra reads `read_gathering` makes at once after one that returned data.
const GATHER_READS: usize = 16;
/// What `read_gathering` collects at most: one PTY_DATA message's worth.
const GATHER_BYTES: usize = tmate_proto::MAX_PTY_CHUNK;

/// As `read`, then, while the descriptor keeps handing data over, read again at once (up to
/// [`GATHER_READS`] times, until [`GATHER_BYTES`] or `buf` is full or it would block; gathering
/// 64 KiB gained little and left the relay holding about 30 KB more per session after a
/// flood, its buffers sized by the larger packets): a PTY gives at most 4 KiB
/// per read, and under a flood the pane's writer refills it meanwhile, so the parser, the
/// relay's messages and the wake-ups come in larger pieces; no wait is added (an echo's read
/// is followed by one read that would block).
pub async fn read_gathering(fd: &AsyncFd<OwnedFd>, buf: &mut [u8]) -> std::io::Result<usize> {
    loop {
        let mut ready = fd.readable().await?;
        let result = ready.try_io(|fd| {
            let mut total = rustix::io::read(fd.get_ref(), &mut *buf)?;
            if total == 0 {
                return Ok(0);
            }
            for _ in 0..GATHER_READS {
                let Some(rest) = buf
                    .get_mut(total..GATHER_BYTES.max(total))
                    .filter(|r| !r.is_empty())
                else {
                    break;
                };
                match rustix::io::read(fd.get_ref(), rest) {
                    Ok(n) if n > 0 => total += n,
                    // End of file, would block or an error: the next read tells.
                    _ => break,
                }
            }
            Ok(total)
        });
        match result {
            Ok(result) => return result,
            Err(_would_block) => continue,
        }
    }
}

/// Write all of `bytes` to the non-blocking `fd`; when it is full, wait until it is writable
/// (a registration made for that wait only).
pub async fn write_all(fd: impl AsFd, mut bytes: &[u8]) -> std::io::Result<()> {
    while !bytes.is_empty() {
        match rustix::io::write(&fd, bytes) {
            Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
            Ok(n) => bytes = bytes.get(n..).unwrap_or_default(),
            Err(rustix::io::Errno::INTR) => {}
            Err(rustix::io::Errno::AGAIN) => {
                let waiter =
                    register(rustix::io::fcntl_dupfd_cloexec(&fd, 0)?, Interest::WRITABLE)?;
                let _writable = waiter.writable().await?;
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// Mark every descriptor above standard error close-on-exec: the server is started by a
/// client and inherits whatever that client's parent left open without the flag (a build
/// tool's jobserver pipes, a shell's spare descriptors), and pane programs must get only
/// their terminal, as tmux closes everything above stderr when it starts its server. Called
/// first thing in the server process, before any thread or runtime exists.
#[allow(unsafe_code)]
pub fn close_inherited_on_exec() {
    let Ok(entries) = std::fs::read_dir("/proc/self/fd") else {
        return;
    };
    // Collected first: the listing's own descriptor is closed once `entries` is dropped.
    let fds: Vec<i32> = entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .filter(|fd| *fd > 2)
        .collect();
    for fd in fds {
        // SAFETY: `fd` was open in this single-threaded process a moment ago and nothing
        // has closed it since except, possibly, the listing's own descriptor, for which the
        // call fails with EBADF; the borrow lasts for this one fcntl only.
        let borrowed = unsafe { std::os::fd::BorrowedFd::borrow_raw(fd) };
        let _ = rustix::io::fcntl_setfd(borrowed, rustix::io::FdFlags::CLOEXEC);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn a_write_into_a_full_pipe_waits_until_it_is_read() {
        let (rd, wr) = std::io::pipe().unwrap();
        let wr = OwnedFd::from(wr);
        rustix::io::ioctl_fionbio(&wr, true).unwrap();
        let reader = reader(OwnedFd::from(rd)).unwrap();
        let big: Vec<u8> = (0..300_000u32).map(|i| (i % 253) as u8).collect();
        let writing = tokio::spawn({
            let big = big.clone();
            async move { write_all(&wr, &big).await }
        });
        let mut got = Vec::new();
        let mut buf = vec![0u8; 8192];
        while got.len() < big.len() {
            let n = tokio::time::timeout(Duration::from_secs(10), read(&reader, &mut buf))
                .await
                .unwrap()
                .unwrap();
            assert!(n > 0);
            got.extend_from_slice(&buf[..n]);
        }
        writing.await.unwrap().unwrap();
        assert!(got == big);
    }

    #[tokio::test]
    async fn end_of_file_reads_as_zero() {
        let (rd, wr) = std::io::pipe().unwrap();
        let reader = reader(OwnedFd::from(rd)).unwrap();
        drop(wr);
        let mut buf = [0u8; 16];
        let n = tokio::time::timeout(Duration::from_secs(10), read(&reader, &mut buf))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(n, 0);
    }
}
