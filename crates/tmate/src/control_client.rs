//! The control-mode client (`tmate -C`, `-CC`), tmux 3.3a's `client.c` in control mode: sends
//! the command like any client, then passes standard input to the server (which splits it into
//! command lines) and prints what the server sends, until the server says the client is done;
//! then it prints `%exit` (with the reason), waits for an empty line when `wait-exit` is set,
//! and with `-CC` closes the DCS the server opened and restores the terminal.

use std::io::Write;
use std::path::Path;

use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::sync::mpsc;

use crate::wire::{self, kind};

/// Chunks of standard input waiting for the loop: a server that stops taking lines holds the
/// reader here rather than letting input pile up.
const STDIN_QUEUE: usize = 16;

/// Run `argv` as a control client at `level` (1 `-C`, 2 `-CC`); returns the exit code.
pub async fn run(
    socket: &Path,
    stream: Result<std::os::unix::net::UnixStream, String>,
    prefix: Vec<String>,
    argv: Vec<String>,
    level: u8,
) -> i32 {
    let stream = match crate::client::greet(stream).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    };
    let mut request = crate::client::command_request(prefix, argv);
    request.control = level;
    // A control client's standard input carries its commands.
    request.stdin = false;
    let (mut rd, mut wr) = stream.into_split();
    let sent = wire::write_frame(&mut wr, kind::COMMAND, &request.encode())
        .await
        .is_ok();
    let first = match crate::client::check_server_speaks_ours(&mut rd, socket).await {
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
    let saved = if level >= 2 { raw_mode() } else { None };
    let frames = spawn_frames(std::io::Cursor::new(first).chain(rd));
    let code = follow(frames, wr, level).await;
    restore(saved);
    code
}

/// The server's frames, read by a task of their own (a frame read is not cancel-safe).
fn spawn_frames(mut rd: impl AsyncRead + Unpin + Send + 'static) -> mpsc::Receiver<(u8, Vec<u8>)> {
    let (tx, frames) = mpsc::channel(STDIN_QUEUE);
    tokio::spawn(async move {
        while let Ok(Some(f)) = wire::read_frame(&mut rd).await {
            if tx.send(f).await.is_err() {
                break;
            }
        }
    });
    frames
}

/// Standard input in chunks; the channel closes at end of file.
fn spawn_stdin() -> mpsc::Receiver<Vec<u8>> {
    let (tx, chunks) = mpsc::channel(STDIN_QUEUE);
    tokio::spawn(async move {
        let mut stdin = tokio::io::stdin();
        let mut buf = vec![0u8; 4096];
        while let Ok(n) = stdin.read(&mut buf).await {
            let Some(bytes) = buf.get(..n).filter(|b| !b.is_empty()) else {
                break;
            };
            if tx.send(bytes.to_vec()).await.is_err() {
                break;
            }
        }
    });
    chunks
}

/// Input to the server and its output to ours until it ends the client.
async fn follow(
    mut frames: mpsc::Receiver<(u8, Vec<u8>)>,
    wr: tokio::net::unix::OwnedWriteHalf,
    level: u8,
) -> i32 {
    let mut stdin = spawn_stdin();
    // Dropped at end of input: the server sees the socket's end as tmux sees stdin's.
    let mut wr = Some(wr);
    let (code, exit) = loop {
        tokio::select! {
            frame = frames.recv() => match frame {
                Some((kind::STDOUT, p)) => {
                    let mut o = std::io::stdout();
                    let _ = o.write_all(&p).and_then(|()| o.flush());
                }
                Some((kind::STDERR, p)) => {
                    let _ = std::io::stderr().write_all(&p);
                }
                Some((kind::CONTROL_EXIT, p)) => break (0, Some(p)),
                Some((kind::EXIT, p)) => break (i32::from(p.first().copied().unwrap_or(1)), None),
                Some(_) => {}
                None => break (1, Some(b"0server exited unexpectedly".to_vec())),
            },
            chunk = stdin.recv(), if wr.is_some() => match (chunk, wr.as_mut()) {
                (Some(bytes), Some(w)) => {
                    if wire::write_frame(w, kind::INPUT, &bytes).await.is_err() {
                        wr = None;
                    }
                }
                _ => wr = None,
            },
        }
    };
    if let Some(p) = exit {
        let (wait, reason) = p
            .split_first()
            .map_or((false, &[][..]), |(w, r)| (*w == b'1', r));
        let mut o = std::io::stdout();
        let line = if reason.is_empty() {
            "%exit\n".to_string()
        } else {
            format!("%exit {}\n", String::from_utf8_lossy(reason))
        };
        let _ = o.write_all(line.as_bytes()).and_then(|()| o.flush());
        if wait {
            wait_for_empty_line(&mut stdin).await;
        }
        if level >= 2 {
            let _ = o.write_all(b"\x1b\\").and_then(|()| o.flush());
        }
    }
    code
}

/// `wait-exit`: after `%exit`, the client reads lines until an empty one or the end of input
/// (tmux's client does this so its controller sees `%exit` before the client goes).
async fn wait_for_empty_line(stdin: &mut mpsc::Receiver<Vec<u8>>) {
    let mut line_len = 0usize;
    while let Some(chunk) = stdin.recv().await {
        for b in chunk {
            if b == b'\n' {
                if line_len == 0 {
                    return;
                }
                line_len = 0;
            } else {
                line_len += 1;
            }
        }
    }
}

/// `-CC`: tmux's control terminal settings (raw, but CR read as LF and LF written as CR LF);
/// `None` when standard input is not a terminal.
fn raw_mode() -> Option<rustix::termios::Termios> {
    use rustix::termios::{InputModes, OutputModes};
    let fd = std::io::stdin();
    let saved = rustix::termios::tcgetattr(&fd).ok()?;
    let mut raw = saved.clone();
    raw.make_raw();
    raw.input_modes = InputModes::ICRNL | InputModes::IXANY;
    raw.output_modes = OutputModes::OPOST | OutputModes::ONLCR;
    rustix::termios::tcsetattr(&fd, rustix::termios::OptionalActions::Now, &raw).ok()?;
    Some(saved)
}

fn restore(saved: Option<rustix::termios::Termios>) {
    if let Some(t) = saved {
        let _ = rustix::termios::tcsetattr(
            std::io::stdout(),
            rustix::termios::OptionalActions::Flush,
            &t,
        );
    }
}
