//! The local client-server protocol over the unix socket: frames of `u32 length, u8 kind,
//! payload`, bounded in size. The client sends one command (argv and its context), then, when
//! attached, terminal input and sizes; the server sends output, errors, the exit code.

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// Largest frame either side accepts (a screenful of ANSI is far below this).
pub const MAX_FRAME: usize = 4 << 20;

pub mod kind {
    /// Client: a command; payload = `CommandRequest::encode`.
    pub const COMMAND: u8 = 1;
    /// Client: bytes typed on the attached terminal.
    pub const INPUT: u8 = 2;
    /// Client: the attached terminal's size, `cols rows` as text.
    pub const RESIZE: u8 = 3;
    pub const STDOUT: u8 = 10;
    pub const STDERR: u8 = 11;
    /// Server: the command is done; payload = exit code byte.
    pub const EXIT: u8 = 12;
    /// Server: switch the terminal to raw mode, attached output follows.
    pub const ATTACH: u8 = 13;
    /// Server: attached output (ANSI for the client's terminal).
    pub const OUTPUT: u8 = 14;
    /// Server: detached; payload = the message to print after restoring the terminal.
    pub const DETACH: u8 = 15;
    /// Client, first after ATTACH: no payload; its terminal passed with SCM_RIGHTS when
    /// stdout is one (`crate::tty`), else output comes as OUTPUT frames.
    pub const TTY: u8 = 16;
    /// Server, last to a control client (`-C`): payload = `1` when the client must wait for
    /// an empty line before exiting (`wait-exit`), else `0`, then the `%exit` reason.
    pub const CONTROL_EXIT: u8 = 17;
    /// Server: the screen is left and the terminal is the client's again; payload = the
    /// `lock-command` to run in the foreground, then answer UNLOCK (tmux MSG_LOCK).
    pub const LOCK: u8 = 18;
    /// Server: as LOCK, but the client stops itself (SIGTSTP), answering WAKEUP once
    /// continued (tmux MSG_SUSPEND).
    pub const SUSPEND: u8 = 19;
    /// Client: the lock command ended; draw again.
    pub const UNLOCK: u8 = 20;
    /// Client: continued after SUSPEND; draw again.
    pub const WAKEUP: u8 = 21;
    /// Server: as DETACH, then the client sends SIGHUP to its parent (tmux MSG_DETACHKILL).
    pub const DETACH_KILL: u8 = 22;
    /// Server: the screen is left; the client runs a shell command in its place (tmux
    /// MSG_EXEC); payload = the command, NUL, the shell.
    pub const EXEC: u8 = 23;
    /// Client, after a COMMAND whose request says so: its standard input, read to the end
    /// (`load-buffer -`, `source-file -`), at most one frame.
    pub const STDIN: u8 = 24;
}

pub async fn write_frame<W: AsyncWrite + Unpin>(
    w: &mut W,
    kind: u8,
    payload: &[u8],
) -> std::io::Result<()> {
    let len =
        u32::try_from(payload.len() + 1).map_err(|_| std::io::Error::other("frame too large"))?;
    let mut buf = Vec::with_capacity(payload.len() + 5);
    buf.extend_from_slice(&len.to_be_bytes());
    buf.push(kind);
    buf.extend_from_slice(payload);
    w.write_all(&buf).await?;
    w.flush().await
}

/// Next frame, `None` at a clean end of stream.
pub async fn read_frame<R: AsyncRead + Unpin>(r: &mut R) -> std::io::Result<Option<(u8, Vec<u8>)>> {
    let mut len = [0u8; 4];
    match r.read_exact(&mut len).await {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let len = usize::try_from(u32::from_be_bytes(len)).unwrap_or(usize::MAX);
    if len == 0 || len > MAX_FRAME {
        return Err(std::io::Error::other("bad frame length"));
    }
    let mut buf = vec![0u8; len];
    r.read_exact(&mut buf).await?;
    let kind = buf.remove(0);
    Ok(Some((kind, buf)))
}

/// Strings as `u32 length` + bytes each.
pub fn encode_strings(items: &[String]) -> Vec<u8> {
    let mut out = Vec::new();
    for s in items {
        out.extend_from_slice(&u32::try_from(s.len()).unwrap_or(0).to_be_bytes());
        out.extend_from_slice(s.as_bytes());
    }
    out
}

pub fn decode_strings(mut buf: &[u8]) -> Option<Vec<String>> {
    let mut out = Vec::new();
    while !buf.is_empty() {
        let (len, rest) = buf.split_first_chunk::<4>()?;
        let len = usize::try_from(u32::from_be_bytes(*len)).ok()?;
        let s = rest.get(..len)?;
        out.push(String::from_utf8_lossy(s).into_owned());
        buf = rest.get(len..)?;
    }
    Some(out)
}

/// What a command client sends first (a `COMMAND` frame): where and how it runs, then the
/// command's words. Encoded as length-prefixed strings, fields in this order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandRequest {
    /// The client's working directory.
    pub cwd: String,
    /// `$TMUX` (`socket,pid,session`) when the client runs inside a pane.
    pub tmux: String,
    /// `$TMUX_PANE` (`%N`).
    pub tmux_pane: String,
    pub cols: u16,
    pub rows: u16,
    /// Standard input is a terminal.
    pub tty: bool,
    /// The client's environment (`update-environment` copies from it into a session it
    /// creates or attaches to, as tmux's client sends its environ with MSG_IDENTIFY_ENVIRON).
    pub env: Vec<(String, String)>,
    /// Control mode: 0 none, 1 `-C`, 2 `-CC` (output wrapped in a DCS).
    pub control: u8,
    /// A STDIN frame follows: a command reads the client's standard input.
    pub stdin: bool,
    pub argv: Vec<String>,
}

/// Most environment variables a request carries (more are dropped, like an oversized one).
pub const MAX_REQUEST_ENV: usize = 4096;

impl CommandRequest {
    pub fn encode(&self) -> Vec<u8> {
        let mut items = vec![
            self.cwd.clone(),
            self.tmux.clone(),
            self.tmux_pane.clone(),
            self.cols.to_string(),
            self.rows.to_string(),
            if self.tty { "1" } else { "0" }.to_string(),
            self.control.to_string(),
            if self.stdin { "1" } else { "0" }.to_string(),
        ];
        let env = self.env.iter().take(MAX_REQUEST_ENV);
        items.push(env.len().to_string());
        items.extend(env.map(|(k, v)| format!("{k}={v}")));
        items.extend(self.argv.iter().cloned());
        encode_strings(&items)
    }

    /// `None` for a frame that is not a request (broken lengths, missing fields); a size
    /// that is not a number reads as 80x24.
    pub fn decode(payload: &[u8]) -> Option<CommandRequest> {
        let mut items = decode_strings(payload)?.into_iter();
        let cwd = items.next()?;
        let tmux = items.next()?;
        let tmux_pane = items.next()?;
        let cols = items.next()?.parse().unwrap_or(80);
        let rows = items.next()?.parse().unwrap_or(24);
        let tty = items.next()? == "1";
        let control = items.next()?.parse().unwrap_or(0);
        let stdin = items.next()? == "1";
        let count: usize = items.next()?.parse().ok()?;
        let mut env = Vec::new();
        for _ in 0..count.min(MAX_REQUEST_ENV) {
            let item = items.next()?;
            let (k, v) = item.split_once('=')?;
            env.push((k.to_string(), v.to_string()));
        }
        Some(CommandRequest {
            cwd,
            tmux,
            tmux_pane,
            cols,
            rows,
            tty,
            env,
            control,
            stdin,
            argv: items.collect(),
        })
    }
}

/// The server socket named by `$TMUX` (`socket,pid,session`, set in panes and jobs), as tmux's
/// client reads it when neither -S nor -L is given. Only a server running this same program
/// counts: `tmate` is often started inside a real tmux, whose `$TMUX` names a server that
/// speaks another protocol (tmate 2.4 refused to start there; we start our own session).
/// `None` when unset, empty, or another program's.
pub fn socket_from_env() -> Option<std::path::PathBuf> {
    use std::os::unix::ffi::{OsStrExt, OsStringExt};
    let value = std::env::var_os("TMUX")?.into_vec();
    let mut fields = value.split(|b| *b == b',');
    let path = fields.next().filter(|p| !p.is_empty())?;
    let pid: u32 = std::str::from_utf8(fields.next()?).ok()?.parse().ok()?;
    let server = std::fs::read_link(format!("/proc/{pid}/exe")).ok()?;
    let ours = std::env::current_exe().ok()?;
    (same_program(&server, &ours)).then(|| std::ffi::OsStr::from_bytes(path).into())
}

/// Two `/proc/PID/exe` links name the same program (a replaced binary reads `... (deleted)`).
fn same_program(a: &std::path::Path, b: &std::path::Path) -> bool {
    let trim = |p: &std::path::Path| {
        let s = p.to_string_lossy();
        s.strip_suffix(" (deleted)").unwrap_or(&s).to_string()
    };
    trim(a) == trim(b)
}

/// The socket for `-L label` (default `default`) in the per-user directory, like tmux's
/// `/tmp/tmux-UID` but `tmate-UID` (tmate 2.4's name), under `$TMUX_TMPDIR` when set. The
/// directory is created 0700 and refused, as tmux and tmate refuse it, when it is not a
/// directory, is owned by someone else, or lets other users in.
pub fn socket_path(label: Option<&str>) -> Result<std::path::PathBuf, String> {
    let base = std::env::var_os("TMUX_TMPDIR")
        .filter(|v| !v.is_empty())
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from("/tmp"));
    let uid = rustix::process::getuid().as_raw();
    let dir = base.join(format!("tmate-{uid}"));
    check_socket_dir(&dir, uid)?;
    Ok(dir.join(label.unwrap_or("default")))
}

/// Create `dir` 0700 when missing, then check it as tmux's `make_label` does.
pub fn check_socket_dir(dir: &std::path::Path, uid: u32) -> Result<(), String> {
    use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
    let error = |why: String| format!("error creating {} ({why})", dir.display());
    match std::fs::DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(error(e.to_string())),
    }
    let meta = std::fs::symlink_metadata(dir).map_err(|e| error(e.to_string()))?;
    if !meta.is_dir() {
        return Err(error("Not a directory".into()));
    }
    if meta.uid() != uid {
        return Err(error(format!(
            "Permission denied: owned by uid {}, not {uid}",
            meta.uid()
        )));
    }
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o007 != 0 {
        return Err(error(format!(
            "Permission denied: mode {mode:04o} lets other users in; chmod 700 it"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {

    #[test]
    fn command_requests_round_trip() {
        let request = CommandRequest {
            cwd: "/home/a b".into(),
            tmux: "/tmp/tmate-0/default,42,0".into(),
            tmux_pane: "%3".into(),
            cols: 132,
            rows: 43,
            tty: true,
            env: vec![
                ("DISPLAY".into(), ":1".into()),
                ("EMPTY".into(), String::new()),
                ("EQ".into(), "a=b".into()),
            ],
            control: 2,
            stdin: true,
            argv: vec!["new-session".into(), "-d;".into(), "".into(), "has".into()],
        };
        assert_eq!(
            CommandRequest::decode(&request.encode()),
            Some(request.clone())
        );
        let bare = CommandRequest {
            argv: Vec::new(),
            env: Vec::new(),
            tty: false,
            control: 0,
            stdin: false,
            ..request
        };
        assert_eq!(CommandRequest::decode(&bare.encode()), Some(bare.clone()));
        // Too few fields, or a broken length: not a request.
        assert_eq!(CommandRequest::decode(&encode_strings(&["/".into()])), None);
        let mut broken = bare.encode();
        broken.truncate(broken.len() - 1);
        assert_eq!(CommandRequest::decode(&broken), None);
        // An environment count beyond the items there: not a request.
        let mut short = encode_strings(&["/".into(), "".into(), "".into()]);
        short.extend(encode_strings(&[
            "80".into(),
            "24".into(),
            "0".into(),
            "2".into(),
        ]));
        short.extend(encode_strings(&["A=1".into()]));
        assert_eq!(CommandRequest::decode(&short), None);
    }

    use super::*;

    #[test]
    fn strings_round_trip_and_reject_truncation() {
        let v = vec!["a".to_string(), String::new(), "xyz".into()];
        let enc = encode_strings(&v);
        assert_eq!(decode_strings(&enc), Some(v));
        assert_eq!(decode_strings(&enc[..enc.len() - 1]), None);
    }

    #[test]
    fn the_socket_directory_is_private_and_checked() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().expect("temp dir");
        let uid = rustix::process::getuid().as_raw();
        let dir = tmp.path().join("tmate-x");
        check_socket_dir(&dir, uid).expect("created");
        let mode = std::fs::metadata(&dir).expect("dir").permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
        // Open to others: refused with tmux's kind of message, and left as it is.
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let e = check_socket_dir(&dir, uid).expect_err("0755 refused");
        assert!(e.starts_with(&format!(
            "error creating {} (Permission denied",
            dir.display()
        )));
        assert!(e.contains("0755"), "{e}");
        // Group access alone is allowed, as tmux allows it.
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o750)).expect("chmod");
        check_socket_dir(&dir, uid).expect("0750 accepted");
        // Someone else's directory.
        let e = check_socket_dir(&dir, uid.wrapping_add(1)).expect_err("foreign owner refused");
        assert!(e.contains("owned by uid"), "{e}");
        // A file in its place.
        let file = tmp.path().join("tmate-file");
        std::fs::write(&file, b"").expect("file");
        let e = check_socket_dir(&file, uid).expect_err("file refused");
        assert!(e.contains("Not a directory"), "{e}");
    }
}
