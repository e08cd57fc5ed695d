//! Starting a server for a socket: the client binds the socket itself and hands the listening
//! descriptor to the server it spawns, so its own connection is queued at once instead of
//! polling until the new server has bound (which cost every `new-session -d` the polling
//! interval, 10 ms, on top of the server's start-up). A lock file beside the socket keeps two
//! clients starting at once from both binding (tmux's `client_get_lock`).

use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::net::UnixListener;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The argument after `__server` that names the inherited listening descriptor.
pub const LISTEN_FD_ARG: &str = "--listen-fd";

/// What `bind_or_connect` found.
pub enum Started {
    /// Another client started a server meanwhile; here is a connection to it.
    Running(std::os::unix::net::UnixStream),
    /// We bound the socket and spawned a server holding it.
    Spawned,
}

/// Bind `socket` and spawn `__server` with the listener (unless a server answers by the time
/// we hold the lock). `server` is the command to run, without its `__server` arguments.
pub fn bind_and_spawn(
    socket: &Path,
    mut server: std::process::Command,
    deadline: Instant,
) -> Result<Started, String> {
    let failed = |e: &dyn std::fmt::Display| format!("server start failed: {e}");
    if let Some(dir) = socket.parent() {
        use std::os::unix::fs::DirBuilderExt;
        let _ = std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir);
    }
    let lock_path = lock_path(socket);
    let lock = take_lock(&lock_path, deadline).map_err(|e| failed(&e))?;
    if let Ok(stream) = std::os::unix::net::UnixStream::connect(socket) {
        return Ok(Started::Running(stream));
    }
    // Nobody answers: a socket file left is a dead server's.
    let _ = std::fs::remove_file(socket);
    let listener = UnixListener::bind(socket).map_err(|e| failed(&e))?;
    let fd = listener.as_fd();
    // Only this descriptor crosses the exec (std opens everything close-on-exec); the client
    // is single-threaded here, so no other spawn can inherit it meanwhile.
    rustix::io::fcntl_setfd(fd, rustix::io::FdFlags::empty()).map_err(|e| failed(&e))?;
    let spawned = server
        .arg("__server")
        .arg(LISTEN_FD_ARG)
        .arg(fd.as_raw_fd().to_string())
        .spawn();
    let _ = rustix::io::fcntl_setfd(fd, rustix::io::FdFlags::CLOEXEC);
    if let Err(e) = spawned {
        let _ = std::fs::remove_file(socket);
        return Err(failed(&e));
    }
    // The socket is served from now on; waiting clients find it when the lock goes.
    let _ = std::fs::remove_file(&lock_path);
    drop(lock);
    Ok(Started::Spawned)
}

fn lock_path(socket: &Path) -> PathBuf {
    let mut name = socket.as_os_str().to_os_string();
    name.push(".lock");
    PathBuf::from(name)
}

/// Hold an exclusive `flock` on `path` (created 0600), waiting at most until `deadline`.
fn take_lock(path: &Path, deadline: Instant) -> std::io::Result<OwnedFd> {
    use rustix::fs::{FlockOperation, Mode, OFlags};
    let fd = rustix::fs::open(
        path,
        OFlags::CREATE | OFlags::RDWR | OFlags::CLOEXEC,
        Mode::from_raw_mode(0o600),
    )?;
    let mut pause = Duration::from_micros(500);
    loop {
        match rustix::fs::flock(&fd, FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => return Ok(fd),
            Err(rustix::io::Errno::WOULDBLOCK) if Instant::now() < deadline => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(10));
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// The listener named by `__server --listen-fd N`, when N is an open Unix stream socket
/// bound to `socket` (anything else is ignored and the server binds for itself).
#[allow(unsafe_code)]
pub fn inherited_listener(args: &[String], socket: &Path) -> Option<UnixListener> {
    let mut it = args.iter();
    it.find(|a| a.as_str() == LISTEN_FD_ARG)?;
    let raw: i32 = it.next()?.parse().ok().filter(|fd| *fd > 2)?;
    // SAFETY: the borrow lasts for these checks only; on a closed number they fail (EBADF).
    let borrowed = unsafe { std::os::fd::BorrowedFd::borrow_raw(raw) };
    rustix::io::fcntl_getfd(borrowed).ok()?;
    let bound = rustix::net::getsockname(borrowed).ok()?;
    let path = rustix::net::SocketAddrUnix::try_from(bound).ok()?;
    if path.path()?.to_bytes() != socket.as_os_str().as_encoded_bytes() {
        return None;
    }
    // SAFETY: `raw` is open (checked above), a Unix socket bound to our path, passed to us by
    // the client that spawned this process for that purpose; nothing else in this process
    // uses it, so taking ownership once is sound.
    let listener = unsafe { UnixListener::from_raw_fd(raw) };
    listener.set_nonblocking(true).ok()?;
    Some(listener)
}
