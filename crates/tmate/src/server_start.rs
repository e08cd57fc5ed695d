//! Starting a server for a socket, before the client starts its runtime: the client binds the
//! socket itself and forks the server from its own process, as tmux does (`client_get_lock`,
//! `proc_fork_and_daemon`). Its own connection is queued at once (no polling for the new
//! server to bind), and the server is not a second exec of this binary: a fresh exec and
//! dynamic link of `tmate` costs about 1.5-2 ms, paid by every `new-session` that starts one.
//! A lock file beside the socket keeps two clients starting at once from both binding.

use std::os::fd::OwnedFd;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long a client may wait for the lock of another client starting the same server.
const LOCK_WAIT: Duration = Duration::from_secs(10);

/// The connection to the server at `socket`, starting one when none answers and `may_start`
/// (the command list starts servers). A started server runs `serve(listener, config)` in a
/// child forked from this process, which must not have started a thread yet (checked; the
/// client's runtime is built after this). `config` is made absolute, as the user meant it.
pub fn connect_or_start(
    socket: &Path,
    may_start: bool,
    config: Option<&Path>,
    serve: impl FnOnce(UnixListener, Option<PathBuf>) -> i32,
) -> Result<UnixStream, String> {
    match UnixStream::connect(socket) {
        Ok(stream) => return Ok(stream),
        Err(e) if !may_start => return Err(not_running(socket, &e)),
        Err(_) => {}
    }
    let failed = |e: &dyn std::fmt::Display| format!("server start failed: {e}");
    if let Some(dir) = socket.parent() {
        use std::os::unix::fs::DirBuilderExt;
        let _ = std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir);
    }
    let lock_path = lock_path(socket);
    let lock = take_lock(&lock_path, Instant::now() + LOCK_WAIT).map_err(|e| failed(&e))?;
    if let Ok(stream) = UnixStream::connect(socket) {
        // Another client started it while we waited for the lock. The file may be one this
        // client created after that client removed its own: it goes too, or it stays behind.
        remove_lock_file(&lock_path, &lock);
        return Ok(stream);
    }
    // Nobody answers: a socket file left is a dead server's.
    let _ = std::fs::remove_file(socket);
    let listener = UnixListener::bind(socket).map_err(|e| failed(&e))?;
    let config = config.map(|f| {
        std::env::current_dir()
            .map(|d| d.join(f))
            .unwrap_or_else(|_| f.to_path_buf())
    });
    let forked = fork_server(listener, lock, config, serve);
    // The socket is served from now on (or nobody will serve it); waiting clients find out
    // when the lock goes.
    match forked {
        Ok(lock) => remove_lock_file(&lock_path, &lock),
        Err(e) => {
            let _ = std::fs::remove_file(&lock_path);
            let _ = std::fs::remove_file(socket);
            return Err(failed(&e));
        }
    }
    // The socket listens already (the server holds it): this connection waits in its queue
    // until the server accepts.
    UnixStream::connect(socket).map_err(|_| format!("server did not start on {}", socket.display()))
}

/// The connection to the server running at `socket`; none is started.
pub fn connect_running(socket: &Path) -> Result<UnixStream, String> {
    UnixStream::connect(socket).map_err(|e| not_running(socket, &e))
}

/// What a client says when no server answers on `socket` (tmux's words).
fn not_running(socket: &Path, e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => format!(
            "error connecting to {} (No such file or directory)",
            socket.display()
        ),
        _ => format!("no server running on {}", socket.display()),
    }
}

/// Fork; the child becomes the server (`serve`, then exit with its code), the parent closes
/// its copy of the listener and gets the lock back, to let go of once the lock file is gone.
#[allow(unsafe_code)]
fn fork_server(
    listener: UnixListener,
    lock: OwnedFd,
    config: Option<PathBuf>,
    serve: impl FnOnce(UnixListener, Option<PathBuf>) -> i32,
) -> std::io::Result<OwnedFd> {
    let threads = thread_count()?;
    if threads != 1 {
        return Err(std::io::Error::other(format!(
            "the client runs {threads} threads; a server can only be forked from one"
        )));
    }
    // SAFETY: the process has exactly one thread (checked just above), so the child is a
    // complete copy: no lock (the allocator's, stdio's) can be held by a thread that does not
    // exist in the child, and the child may run any code, as tmux's forked server does.
    let pid = unsafe { libc::fork() };
    match pid {
        -1 => Err(std::io::Error::last_os_error()),
        0 => {
            // The lock stays with the parent, which removes it.
            drop(lock);
            let code = serve(listener, config);
            std::process::exit(code);
        }
        _ => Ok(lock),
    }
}

/// Threads of this process (`/proc/self/stat`'s num_threads).
fn thread_count() -> std::io::Result<usize> {
    let stat = std::fs::read_to_string("/proc/self/stat")?;
    threads_in_stat(&stat).ok_or_else(|| std::io::Error::other("unreadable /proc/self/stat"))
}

/// The num_threads field of a `/proc/PID/stat` line.
fn threads_in_stat(stat: &str) -> Option<usize> {
    // The command name (in parentheses) may hold spaces and parentheses: fields are counted
    // after its last `)`; num_threads is the 20th field, the 18th after the name.
    let (_, rest) = stat.rsplit_once(')')?;
    rest.split_whitespace().nth(17)?.parse().ok()
}

/// Make the forked process the server: its own session without a controlling terminal
/// (tmux's `daemon()`: the terminal's signals and job control do not reach it), standard
/// streams on /dev/null, and every inherited descriptor closed on exec so that panes get none.
pub fn become_daemon() {
    let _ = rustix::process::setsid();
    if let Ok(null) = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/null")
    {
        let _ = rustix::stdio::dup2_stdin(&null);
        let _ = rustix::stdio::dup2_stdout(&null);
        let _ = rustix::stdio::dup2_stderr(&null);
    }
    crate::fdio::close_inherited_on_exec();
}

fn lock_path(socket: &Path) -> PathBuf {
    let mut name = socket.as_os_str().to_os_string();
    name.push(".lock");
    PathBuf::from(name)
}

/// Remove the lock file at `path` while its lock is held, if it is still the file `lock` holds
/// (a client that took the lock on an already removed file must not remove a newer one, which
/// another client may be holding).
fn remove_lock_file(path: &Path, lock: &OwnedFd) {
    let same = match (rustix::fs::stat(path), rustix::fs::fstat(lock)) {
        (Ok(named), Ok(held)) => named.st_dev == held.st_dev && named.st_ino == held.st_ino,
        _ => false,
    };
    if same {
        let _ = std::fs::remove_file(path);
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threads_are_read_after_a_command_name_with_spaces_and_parentheses() {
        let stat = "4242 (my (odd) tmate) S 1 4242 4242 0 -1 4194560 120 0 0 0 1 0 0 0 20 0 \
                    3 0 2893 11337728 650 18446744073709551615";
        assert_eq!(threads_in_stat(stat), Some(3));
        assert_eq!(threads_in_stat("4242 (tmate) S 1"), None);
        assert!(thread_count().is_ok_and(|n| n >= 1));
    }
}
