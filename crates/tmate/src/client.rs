//! The command client: finds or starts the server for a socket, sends one command with its
//! context, prints what comes back; for attach, puts the terminal in raw mode and relays
//! input, sizes and output until detached.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::net::UnixStream;
use tokio::net::unix::OwnedWriteHalf;

use crate::wire::{self, kind};

/// Whether the command list starts a server when none runs: no command (new-session), or any
/// command the table marks (tmux's `CMD_STARTSERVER`: new-session, start-server).
pub fn starts_server(argv: &[String]) -> bool {
    use tmate_proto::command::{find, flags, split_commands};
    argv.is_empty()
        || split_commands(argv).iter().any(|words| {
            words
                .first()
                .and_then(|name| find(name).ok())
                .is_some_and(|spec| spec.has(flags::STARTS_SERVER))
        })
}

/// The connection made before the runtime (`crate::server_start::connect_or_start`), on the
/// runtime, with our hello sent (`crate::handshake`).
pub(crate) async fn greet(
    stream: Result<std::os::unix::net::UnixStream, String>,
) -> Result<UnixStream, String> {
    use tokio::io::AsyncWriteExt;
    let failed = |e: std::io::Error| format!("lost server: {e}");
    let stream = stream?;
    stream.set_nonblocking(true).map_err(failed)?;
    let mut stream = UnixStream::from_std(stream).map_err(failed)?;
    // A failed write is not reported here: a foreign server may have answered and hung up
    // already, and its answer is still there to read (`check_server_speaks_ours`).
    let _ = stream.write_all(&crate::handshake::hello()).await;
    Ok(stream)
}

/// Connect to the running server at `socket` (none is started) and greet it.
async fn connect_running(socket: &Path) -> Result<UnixStream, String> {
    greet(crate::server_start::connect_running(socket)).await
}

/// Read the server's first bytes and make sure they are ours: a tmux-protocol server
/// (Debian's tmate 2.4) on the socket answers our hello with `MSG_VERSION`. Returns the bytes
/// read, which begin the first frame (empty at end of stream).
pub(crate) async fn check_server_speaks_ours(
    rd: &mut tokio::net::unix::OwnedReadHalf,
    socket: &Path,
) -> Result<Vec<u8>, String> {
    use crate::handshake::{HEADER, foreign_server_version};
    let mut first = vec![0u8; 4];
    if rd.read_exact(&mut first).await.is_err() {
        return Ok(Vec::new());
    }
    if foreign_server_version(&first).is_none() {
        return Ok(first);
    }
    // The rest of tmux's 16-byte answer, for its version (written at once, then it closes).
    first.resize(HEADER, 0);
    let rest = tokio::time::timeout(
        Duration::from_secs(1),
        rd.read_exact(first.get_mut(4..).unwrap_or_default()),
    )
    .await;
    let version = match rest {
        Ok(Ok(_)) => foreign_server_version(&first).flatten(),
        _ => None,
    };
    Err(crate::handshake::foreign_server_message(socket, version))
}

fn terminal_size() -> Option<(u16, u16)> {
    let ws = rustix::termios::tcgetwinsize(std::io::stdin()).ok()?;
    (ws.ws_col > 0 && ws.ws_row > 0).then_some((ws.ws_col, ws.ws_row))
}

/// Run `argv` on the server running at `socket`; returns the exit code.
async fn run_on_running(socket: &Path, argv: Vec<String>) -> i32 {
    let stream = crate::server_start::connect_running(socket);
    run_with(socket, stream, Vec::new(), argv).await
}

/// Run `prefix` (tmate's CLI options as `set-option ... ;`) then `argv` (no command: a new
/// session) over `stream`, the connection made before the runtime (which started a server
/// when `argv` may).
pub async fn run_with(
    socket: &Path,
    stream: Result<std::os::unix::net::UnixStream, String>,
    prefix: Vec<String>,
    argv: Vec<String>,
) -> i32 {
    let stream = match greet(stream).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    };
    let request = command_request(prefix, argv);
    let (mut rd, mut wr) = stream.into_split();
    let mut sent = wire::write_frame(&mut wr, kind::COMMAND, &request.encode())
        .await
        .is_ok();
    if request.stdin {
        // After the command, so the server is not kept waiting for it while stdin is read.
        match read_stdin().await {
            Ok(data) => sent &= wire::write_frame(&mut wr, kind::STDIN, &data).await.is_ok(),
            Err(e) => {
                eprintln!("{e}");
                return 1;
            }
        }
    }
    // Read before judging the write: a tmux-protocol server answers the hello and closes,
    // which can fail the command's write.
    let first = match check_server_speaks_ours(&mut rd, socket).await {
        Ok(first) => first,
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    };
    if !sent {
        eprintln!("lost server");
        return 1;
    }
    follow_server(std::io::Cursor::new(first).chain(rd), wr).await
}

/// The command with this client's context: its directory, `$TMUX`, terminal size and whether
/// stdin is a terminal. `prefix` runs first; with no command after it, a new session.
pub(crate) fn command_request(prefix: Vec<String>, argv: Vec<String>) -> wire::CommandRequest {
    let tty = rustix::termios::isatty(std::io::stdin());
    let (cols, rows) = terminal_size().unwrap_or((80, 24));
    let cwd = std::env::current_dir()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut words = prefix;
    if !words.is_empty() && argv.is_empty() {
        words.push("new-session".into());
    } else {
        words.extend(argv);
    }
    wire::CommandRequest {
        cwd,
        tmux: std::env::var("TMUX").unwrap_or_default(),
        tmux_pane: std::env::var("TMUX_PANE").unwrap_or_default(),
        cols,
        rows,
        tty,
        env: std::env::vars_os()
            .map(|(k, v)| {
                (
                    k.to_string_lossy().into_owned(),
                    v.to_string_lossy().into_owned(),
                )
            })
            .collect(),
        control: 0,
        stdin: reads_stdin(&words),
        argv: words,
    }
}

/// Whether a command of `words` reads the client's standard input, as tmux's `file_read` of
/// `-`: `load-buffer -` and `source-file -`.
pub(crate) fn reads_stdin(words: &[String]) -> bool {
    any_command(words, |spec, args| {
        ["load-buffer", "source-file"].contains(&spec.name) && args.rest.iter().any(|w| w == "-")
    })
}

/// Whether a command of the command line `words` (`;`-separated) satisfies `check`, given its
/// table entry and parsed arguments (commands that do not parse are skipped).
pub(crate) fn any_command(
    words: &[String],
    check: impl Fn(&tmate_proto::command::CommandSpec, &tmate_proto::command::Args) -> bool,
) -> bool {
    tmate_proto::command::split_commands(words)
        .iter()
        .filter_map(|c| c.split_first())
        .any(|(name, rest)| {
            tmate_proto::command::find(name).is_ok_and(|spec| {
                tmate_proto::command::Args::parse(spec, rest).is_ok_and(|a| check(spec, &a))
            })
        })
}

/// The STDIN frame's payload: standard input to its end, at most what one frame carries.
async fn read_stdin() -> Result<Vec<u8>, String> {
    use tokio::io::AsyncReadExt;
    let mut data = Vec::new();
    let limit = u64::try_from(wire::MAX_FRAME).unwrap_or(u64::MAX);
    tokio::io::stdin()
        .take(limit)
        .read_to_end(&mut data)
        .await
        .map_err(|e| format!("-: {e}"))?;
    if data.len() >= wire::MAX_FRAME {
        // The same words as for a tmux client (`tmux_client`).
        return Err(format!(
            "-: standard input too large (at most {} bytes)",
            wire::MAX_FRAME - 1
        ));
    }
    Ok(data)
}

/// The server's frames until the command is done: its output to ours; an attach puts the
/// terminal in raw mode and hands it (or its keys) over until detached. Returns the exit code.
async fn follow_server(mut rd: impl AsyncRead + Unpin, mut wr: OwnedWriteHalf) -> i32 {
    let mut saved = None;
    let mut stdin_task = None;
    // Answers (UNLOCK, WAKEUP) go through the input task, which owns the socket's write half.
    let (answers, answers_rx) = tokio::sync::mpsc::channel::<(u8, Vec<u8>)>(4);
    let mut answers_rx = Some(answers_rx);
    let code = loop {
        match wire::read_frame(&mut rd).await {
            Ok(Some((kind::STDOUT, p))) => {
                let mut o = std::io::stdout();
                let _ = o.write_all(&p).and_then(|_| o.flush());
            }
            Ok(Some((kind::STDERR, p))) => {
                let _ = std::io::stderr().write_all(&p);
            }
            Ok(Some((kind::EXIT, p))) => break i32::from(p.first().copied().unwrap_or(1)),
            Ok(Some((kind::ATTACH, _))) => {
                // Size changes are caught from before the terminal goes raw: one made as soon
                // as the server draws (SIGWINCH is ignored until a handler is set) is not lost.
                let winch = size_changes();
                saved = raw_mode();
                // The server reads and draws the terminal itself (`crate::tty`); without
                // one to hand over, the keys go through here.
                let Ok(passed) = crate::tty::send_terminal(wr.as_ref()).await else {
                    restore(saved.take());
                    eprintln!("lost server");
                    break 1;
                };
                let Some(answers_rx) = answers_rx.take() else {
                    break 1;
                };
                stdin_task = Some(tokio::spawn(forward_input(wr, !passed, answers_rx, winch)));
                // The write half now belongs to the input task.
                wr = match UnixStream::pair() {
                    Ok((a, _)) => a.into_split().1,
                    Err(_) => break 1,
                };
            }
            Ok(Some((kind::OUTPUT, p))) => {
                let mut o = std::io::stdout();
                let _ = o.write_all(&p).and_then(|_| o.flush());
            }
            Ok(Some((kind::LOCK, p))) => {
                // tmux's client: the lock command runs in the foreground on the terminal,
                // cooked, and the server draws again once it ends.
                restore(saved.take());
                let command = String::from_utf8_lossy(&p).into_owned();
                // Blocking, as tmux's system(3): the client has nothing else to do meanwhile.
                let _ = std::process::Command::new("/bin/sh")
                    .arg("-c")
                    .arg(&command)
                    .status();
                saved = raw_mode();
                let _ = answers.try_send((kind::UNLOCK, Vec::new()));
            }
            Ok(Some((kind::SUSPEND, _))) => {
                // The terminal as it was; raw again when continued (the input task does it:
                // it waits for SIGCONT, then answers WAKEUP, as tmux's client).
                restore(saved.clone());
                let _ = answers.try_send((kind::SUSPEND, Vec::new()));
            }
            Ok(Some((frame @ (kind::DETACH | kind::DETACH_KILL), p))) => {
                restore(saved.take());
                println!("{}", String::from_utf8_lossy(&p));
                if frame == kind::DETACH_KILL {
                    hangup_parent();
                }
                break 0;
            }
            Ok(Some((kind::EXEC, p))) => {
                restore(saved.take());
                exec_shell_command(&p);
                break 1;
            }
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => {
                restore(saved.take());
                if stdin_task.is_some() {
                    println!("[lost server]");
                }
                break 1;
            }
        }
    };
    restore(saved);
    if let Some(t) = stdin_task {
        t.abort();
    }
    code
}

/// The terminal's input: polled on the runtime when stdin can be opened again
/// (`crate::tty::open_input`), else tokio's blocking stdin.
enum Input {
    Polled(tokio::io::unix::AsyncFd<std::os::fd::OwnedFd>),
    Blocking(tokio::io::Stdin),
}

impl Input {
    fn open() -> Self {
        match crate::tty::open_input() {
            Some(fd) => Input::Polled(fd),
            None => Input::Blocking(tokio::io::stdin()),
        }
    }

    async fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Input::Blocking(stdin) => stdin.read(buf).await,
            Input::Polled(fd) => crate::fdio::read(fd, buf).await,
        }
    }
}

/// The terminal's size changes (SIGWINCH), caught from now on.
fn size_changes() -> Option<tokio::signal::unix::Signal> {
    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::window_change()).ok()
}

/// Size changes, and the keys too when `read_keys` (the server did not get the terminal).
async fn forward_input(
    mut wr: OwnedWriteHalf,
    read_keys: bool,
    mut answers: tokio::sync::mpsc::Receiver<(u8, Vec<u8>)>,
    mut winch: Option<tokio::signal::unix::Signal>,
) {
    let mut stdin = read_keys.then(Input::open);
    let mut buf = vec![0u8; 4096];
    let cont = tokio::signal::unix::SignalKind::from_raw(rustix::process::Signal::CONT.as_raw());
    let mut cont = tokio::signal::unix::signal(cont).ok();
    let mut suspended = false;
    loop {
        tokio::select! {
            n = async {
                match stdin.as_mut() {
                    Some(input) => input.read(&mut buf).await,
                    None => std::future::pending().await,
                }
            } => match n {
                Ok(0) | Err(_) => return,
                Ok(n) => {
                    let Some(bytes) = buf.get(..n) else { return };
                    if wire::write_frame(&mut wr, kind::INPUT, bytes).await.is_err() {
                        return;
                    }
                }
            },
            Some((frame_kind, payload)) = answers.recv() => {
                if frame_kind == kind::SUSPEND {
                    // suspend-client: stop (SIGTSTP's default action, as tmux's client does;
                    // the kernel ignores it in an orphaned process group) until SIGCONT.
                    suspended = true;
                    let _ = rustix::process::kill_process(
                        rustix::process::getpid(),
                        rustix::process::Signal::TSTP,
                    );
                } else if wire::write_frame(&mut wr, frame_kind, &payload).await.is_err() {
                    return;
                }
            }
            Some(()) = async { match cont.as_mut() { Some(c) => c.recv().await, None => std::future::pending().await } }, if suspended => {
                suspended = false;
                let _ = raw_mode();
                if wire::write_frame(&mut wr, kind::WAKEUP, b"").await.is_err() {
                    return;
                }
                if let Some((c, r)) = terminal_size()
                    && wire::write_frame(&mut wr, kind::RESIZE, format!("{c} {r}").as_bytes()).await.is_err()
                {
                    return;
                }
            }
            Some(()) = async { match winch.as_mut() { Some(w) => w.recv().await, None => std::future::pending().await } } => {
                if let Some((c, r)) = terminal_size()
                    && wire::write_frame(&mut wr, kind::RESIZE, format!("{c} {r}").as_bytes()).await.is_err()
                {
                    return;
                }
            }
        }
    }
}

/// detach-client -P (tmux's MSG_DETACHKILL): after its line the client sends SIGHUP to its
/// parent (the shell it ran in).
fn hangup_parent() {
    let parent = rustix::process::getppid();
    if let Some(pid) = parent.filter(|p| p.as_raw_nonzero().get() > 1) {
        let _ = rustix::process::kill_process(pid, rustix::process::Signal::HUP);
    }
}

/// detach-client -E (tmux `client_exec`): the client becomes `shell -c command`, argv[0]
/// the shell's name and `SHELL` set to it. Returns only when exec(2) failed.
fn exec_shell_command(payload: &[u8]) {
    use std::os::unix::process::CommandExt;
    let text = String::from_utf8_lossy(payload);
    let Some((command, shell)) = text.split_once('\0') else {
        return;
    };
    let name = shell
        .rsplit('/')
        .next()
        .filter(|n| !n.is_empty())
        .unwrap_or(shell);
    let err = std::process::Command::new(shell)
        .arg0(name)
        .arg("-c")
        .arg(command)
        .env("SHELL", shell)
        .exec();
    eprintln!("execl failed: {err}");
}

fn raw_mode() -> Option<rustix::termios::Termios> {
    let fd = std::io::stdin();
    let saved = rustix::termios::tcgetattr(&fd).ok()?;
    let mut raw = saved.clone();
    raw.make_raw();
    rustix::termios::tcsetattr(&fd, rustix::termios::OptionalActions::Now, &raw).ok()?;
    Some(saved)
}

fn restore(saved: Option<rustix::termios::Termios>) {
    if let Some(t) = saved {
        let _ =
            rustix::termios::tcsetattr(std::io::stdin(), rustix::termios::OptionalActions::Now, &t);
    }
}

/// `tmate -F [new-session args]`: a detached session sharing in the foreground; prints tmate's
/// messages (connecting, the ssh lines) as they come, until the server ends; Ctrl-C kills it.
pub async fn foreground(
    socket: &Path,
    stream: Result<std::os::unix::net::UnixStream, String>,
    prefix: Vec<String>,
    argv: Vec<String>,
) -> i32 {
    let mut argv = if argv.is_empty() {
        vec!["new-session".to_string()]
    } else {
        argv
    };
    if matches!(
        argv.first().map(String::as_str),
        Some("new-session" | "new")
    ) {
        argv.insert(1, "-d".into());
    }
    let code = run_with(socket, stream, prefix, argv).await;
    if code != 0 {
        return code;
    }
    let stream = match connect_running(socket).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    };
    let (mut rd, mut wr) = stream.into_split();
    let request = wire::CommandRequest {
        cwd: String::new(),
        tmux: String::new(),
        tmux_pane: String::new(),
        cols: 80,
        rows: 24,
        tty: false,
        env: Vec::new(),
        control: 0,
        stdin: false,
        argv: vec!["__foreground".into()],
    };
    if wire::write_frame(&mut wr, kind::COMMAND, &request.encode())
        .await
        .is_err()
    {
        return 1;
    }
    let mut interrupt =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).ok();
    let mut terminate =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    loop {
        let signalled = async {
            match (interrupt.as_mut(), terminate.as_mut()) {
                (Some(i), Some(t)) => tokio::select! { _ = i.recv() => {}, _ = t.recv() => {} },
                _ => std::future::pending().await,
            }
        };
        tokio::select! {
            frame = wire::read_frame(&mut rd) => match frame {
                Ok(Some((kind::STDOUT, p))) => {
                    let mut o = std::io::stdout();
                    let _ = o.write_all(&p).and_then(|_| o.flush());
                }
                Ok(Some((kind::STDERR, p))) => {
                    let _ = std::io::stderr().write_all(&p);
                }
                Ok(Some((kind::EXIT, p))) => return i32::from(p.first().copied().unwrap_or(1)),
                Ok(None) | Err(_) => return 0,
                Ok(Some(_)) => {}
            },
            () = signalled => {
                return run_on_running(socket, vec!["kill-server".into()]).await;
            }
        }
    }
}

/// The server forked by a client (`crate::server_start`), holding the socket's `listener`:
/// a daemon on a single-threaded runtime of its own; returns the process's exit code.
pub fn run_forked_server(
    socket: &Path,
    listener: std::os::unix::net::UnixListener,
    config: Option<std::path::PathBuf>,
) -> i32 {
    crate::server_start::become_daemon();
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return 1;
    };
    runtime.block_on(async {
        let listener = listener
            .set_nonblocking(true)
            .and_then(|()| tokio::net::UnixListener::from_std(listener));
        let Ok(listener) = listener else {
            return 1;
        };
        crate::server::run(socket.to_path_buf(), listener, config).await;
        0
    })
}

/// The server started by hand (`tmate -S PATH __server`): bind and serve.
pub async fn serve(socket: &Path, config: Option<&Path>) -> i32 {
    // Its own session, without a controlling terminal, as a forked server
    // (`run_forked_server`); its streams stay where the user pointed them.
    let _ = rustix::process::setsid();
    let Some(listener) = bind_for_self(socket).await else {
        return 1;
    };
    crate::server::run(
        socket.to_path_buf(),
        listener,
        config.map(Path::to_path_buf),
    )
    .await;
    0
}

/// Bind `socket` for a server started by hand (`tmate __server`), which inherits no listener.
async fn bind_for_self(socket: &Path) -> Option<tokio::net::UnixListener> {
    if let Some(dir) = socket.parent() {
        // Private like the default directory (`wire::socket_path`), for -S paths too.
        use std::os::unix::fs::DirBuilderExt;
        let _ = std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir);
    }
    // A socket file nobody answers on is left over from a dead server.
    if UnixStream::connect(socket).await.is_ok() {
        return None;
    }
    let _ = std::fs::remove_file(socket);
    tokio::net::UnixListener::bind(socket).ok()
}
