//! The local client-server protocol over the unix socket: frames of `u32 length, u8 kind,
//! payload`, bounded in size. The client sends one command (argv and its context), then, when
//! attached, terminal input and sizes; the server sends output, errors, the exit code.

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// Largest frame either side accepts (a screenful of ANSI is far below this).
pub const MAX_FRAME: usize = 4 << 20;

pub mod kind {
    /// Client: a command; payload = encoded string list (cwd, TMUX_PANE, cols, rows, tty, argv...).
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

/// The per-user socket directory, like tmux's `/tmp/tmux-UID` but `tmate-UID`.
pub fn socket_path(label: Option<&str>) -> std::path::PathBuf {
    let base = std::env::var_os("TMUX_TMPDIR")
        .filter(|v| !v.is_empty())
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from("/tmp"));
    let uid = rustix::process::getuid().as_raw();
    base.join(format!("tmate-{uid}"))
        .join(label.unwrap_or("default"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_round_trip_and_reject_truncation() {
        let v = vec!["a".to_string(), String::new(), "xyz".into()];
        let enc = encode_strings(&v);
        assert_eq!(decode_strings(&enc), Some(v));
        assert_eq!(decode_strings(&enc[..enc.len() - 1]), None);
    }
}
