//! A real tmux 3.2+ command client on our socket: Debian's `tmux` run inside our panes and jobs
//! (plugins such as tpm's and dracula's scripts, vim-tmux-navigator, scripts that call `tmux`
//! with `$TMUX` set, which names this server) or with `-S` at our socket. tmate 2.4 answered
//! them `server version is too old for client` (tmate-io/tmate#245). Its identify messages are
//! read (flags, directory, terminal name, environment; the descriptors it passes are dropped
//! unread), its command runs as one of our command clients' would, and the answer goes back in
//! tmux 3.3a's imsg protocol: `MSG_WRITE_OPEN`/`MSG_WRITE` on streams 1 and 2 (file.c), then
//! `MSG_EXIT`. Attaching and control mode stay with our own client, which has the terminal
//! protocol for them: a tmux client asking for them is told so.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::UnixStream;

use crate::handshake::HEADER;
use crate::server::{ClientInfo, CommandSink, Shared};

/// tmux's protocol version (3.3a's `PROTOCOL_VERSION`), in every imsg's peer id.
const PROTOCOL: u32 = 8;
const MSG_IDENTIFY_TTYNAME: u32 = 102;
const MSG_IDENTIFY_ENVIRON: u32 = 105;
const MSG_IDENTIFY_CWD: u32 = 108;
/// tmux 3.2+'s second message; older clients (tmate 2.4's tmux 2.x) lack it and the file
/// messages used here.
const MSG_IDENTIFY_LONGFLAGS: u32 = 111;
const MSG_COMMAND: u32 = 200;
const MSG_EXIT: u32 = 203;
const MSG_READ_OPEN: u32 = 300;
const MSG_READ: u32 = 301;
const MSG_READ_DONE: u32 = 302;
const MSG_WRITE_OPEN: u32 = 303;
const MSG_WRITE: u32 = 304;
/// tmux's `CLIENT_CONTROL` flag (`-C`).
const CLIENT_CONTROL: u64 = 0x2000;
/// tmux's `MAX_IMSGSIZE`: no message is longer.
const MAX_IMSG: usize = 16384;
/// Most bytes of identify and command messages read from one client (its environment
/// included), and how long they may take to arrive.
const MAX_OPENING: usize = 4 << 20;
const OPENING_TIME: Duration = Duration::from_secs(10);
/// Most of a client's standard input taken (as from our own client, whose one frame carries
/// it), and how long it may take.
const MAX_STDIN: usize = crate::wire::MAX_FRAME - 1;
const STDIN_WAIT: Duration = Duration::from_secs(600);
/// How long a client may take to hang up after its exit status.
const EXIT_WAIT: Duration = Duration::from_secs(2);

/// tmux's first identify message (an int of flags), sent first by tmux 3.3a and tmate 2.4.
const MSG_IDENTIFY_FLAGS: u32 = 100;

/// Whether a tmux-protocol client that opened with this message at this version may be one
/// served here: its next message decides ([`serves`]).
pub fn may_serve(kind: u32, version: u32) -> bool {
    kind == MSG_IDENTIFY_FLAGS && version == PROTOCOL
}

/// Whether a client whose second imsg has this header is served: tmux 3.2+ sends
/// `MSG_IDENTIFY_LONGFLAGS` second, tmate 2.4 `MSG_IDENTIFY_TERM`.
pub fn serves(second: &[u8; HEADER]) -> bool {
    second
        .get(0..4)
        .and_then(|b| b.try_into().ok())
        .map(u32::from_le_bytes)
        == Some(MSG_IDENTIFY_LONGFLAGS)
}

/// What the client said before its command.
#[derive(Debug, Default, PartialEq, Eq)]
struct Request {
    flags: u64,
    cwd: String,
    /// Its terminal's name (`/dev/pts/N`), empty without one.
    tty: String,
    env: Vec<(String, String)>,
    argv: Vec<String>,
}

/// Serve one tmux client whose `MSG_IDENTIFY_LONGFLAGS` header is `opening` (its flags
/// message before it was read).
pub async fn serve(shared: &Arc<Shared>, mut stream: UnixStream, opening: [u8; HEADER]) {
    let request = match tokio::time::timeout(OPENING_TIME, read_request(&mut stream, opening)).await
    {
        Ok(Some(request)) => request,
        // A broken or slow opening: nothing sensible to answer in.
        _ => return,
    };
    let mut sink = TmuxReplies {
        stream,
        opened: [false; 2],
    };
    if let Some(refusal) = refusal(&request, shared) {
        sink.output("", &format!("{refusal}\n")).await;
        sink.exit(1).await;
        return;
    }
    // `load-buffer -`, `source-file -`: the client's standard input, asked for as tmux's
    // server asks (`file_read` of `-`) before the command runs.
    let stdin = if crate::client::reads_stdin(&request.argv) {
        match tokio::time::timeout(STDIN_WAIT, read_stdin(&mut sink.stream)).await {
            Ok(Some(data)) if data.len() <= MAX_STDIN => Some(Arc::new(data)),
            Ok(Some(_)) => {
                let e = format!("-: standard input too large (at most {MAX_STDIN} bytes)\n");
                sink.output("", &e).await;
                sink.exit(1).await;
                return;
            }
            _ => return,
        }
    } else {
        None
    };
    crate::server::wait_unless_ours(shared, crate::server::env_value(&request.env, "TMUX")).await;
    let info = ClientInfo {
        cwd: request.cwd.clone(),
        pane: crate::server::pane_in_env(shared, &request.env),
        cols: 80,
        rows: 24,
        // No terminal of its own reaches us: commands that would attach fail as they do
        // for our clients without one (the refusal above explains the usual ones).
        tty: false,
        attached: None,
        mouse: None,
        startup_config: false,
        control: false,
        env: Some(Arc::new(request.env)),
        relay: false,
        stdin,
        key: None,
        // Named by the terminal it identified (MSG_IDENTIFY_TTYNAME), as tmux names it.
        name: if request.tty.is_empty() {
            crate::server::command_client_name(&sink.stream, false)
        } else {
            Some(request.tty.clone())
        },
    };
    if crate::server::run_command_client(shared, &info, &request.argv, &mut sink)
        .await
        .is_some()
    {
        sink.output("", &format!("{}\n", attach_refusal(shared)))
            .await;
        sink.exit(1).await;
    }
}

/// Why this client's request is refused before it runs: control mode, or a command that
/// attaches (tmux's client then expects to hand over its terminal).
fn refusal(request: &Request, shared: &Shared) -> Option<String> {
    if request.flags & CLIENT_CONTROL != 0 {
        return Some(format!(
            "control mode is not served to tmux clients here: run `{} -S {} -C`",
            crate::handshake::this_program(),
            shared.socket.display()
        ));
    }
    let attaches = crate::client::any_command(&request.argv, |spec, args| {
        spec.name == "attach-session" || (spec.name == "new-session" && !args.has('d'))
    });
    if !attaches {
        return None;
    }
    // From inside one of our panes tmux's own words fit: with $TMUX unset, `tmux` starts a
    // tmux server of its own there.
    if crate::server::pane_in_env(shared, &request.env).is_some() {
        return Some("sessions should be nested with care, unset $TMUX to force".into());
    }
    Some(attach_refusal(shared))
}

fn attach_refusal(shared: &Shared) -> String {
    format!(
        "tmux clients can run commands on this tmate server but not attach to it: run `{} -S \
         {} attach`",
        crate::handshake::this_program(),
        shared.socket.display()
    )
}

/// The client's standard input: `MSG_READ_OPEN` of `-` on its descriptor 0 (stream 3, the
/// first tmux numbers), then its `MSG_READ` pieces until `MSG_READ_DONE`; one byte past
/// [`MAX_STDIN`] is kept (to tell a refusal), the rest read and dropped. `None` when the
/// connection ends first.
async fn read_stdin(stream: &mut UnixStream) -> Option<Vec<u8>> {
    const STREAM: i32 = 3;
    let mut open = Vec::new();
    for v in [STREAM, 0] {
        open.extend_from_slice(&v.to_ne_bytes());
    }
    open.extend_from_slice(b"-\0");
    stream.write_all(&imsg(MSG_READ_OPEN, &open)).await.ok()?;
    let mut data = Vec::new();
    loop {
        let (kind, payload) = read_imsg(stream).await?;
        let ours = payload.get(0..4) == Some(&STREAM.to_ne_bytes()[..]);
        match kind {
            MSG_READ if ours => {
                let piece = payload.get(4..).unwrap_or_default();
                let room = (MAX_STDIN + 1).saturating_sub(data.len());
                data.extend_from_slice(piece.get(..piece.len().min(room)).unwrap_or_default());
            }
            MSG_READ_DONE if ours => return Some(data),
            _ => {}
        }
    }
}

/// One imsg: its type and data; `None` at the end of the connection or for a bad length.
async fn read_imsg(stream: &mut UnixStream) -> Option<(u32, Vec<u8>)> {
    let mut header = [0u8; HEADER];
    stream.read_exact(&mut header).await.ok()?;
    imsg_data(stream, header).await
}

/// Past the first imsg (whose `header` was read) to the second one's header, which tells a
/// tmux 3.2+ client from tmate 2.4's ([`serves`]).
pub async fn second_header(stream: &mut UnixStream, first: [u8; HEADER]) -> Option<[u8; HEADER]> {
    imsg_data(stream, first).await?;
    let mut next = [0u8; HEADER];
    stream.read_exact(&mut next).await.ok()?;
    Some(next)
}

/// The data of the imsg whose `header` was read; `None` for a bad length or a closed
/// connection.
async fn imsg_data(stream: &mut UnixStream, header: [u8; HEADER]) -> Option<(u32, Vec<u8>)> {
    let kind = u32::from_ne_bytes(header.get(0..4)?.try_into().ok()?);
    let len = usize::from(u16::from_ne_bytes(header.get(4..6)?.try_into().ok()?));
    if !(HEADER..=MAX_IMSG).contains(&len) {
        return None;
    }
    let mut data = vec![0u8; len - HEADER];
    stream.read_exact(&mut data).await.ok()?;
    Some((kind, data))
}

/// The identify messages up to and with `MSG_COMMAND`; `None` for a message tmux would call
/// bad (a wrong size), a closed connection or too much.
async fn read_request(stream: &mut UnixStream, opening: [u8; HEADER]) -> Option<Request> {
    let mut request = Request::default();
    let mut next = imsg_data(stream, opening).await;
    let mut total = 0usize;
    loop {
        let (kind, data) = next?;
        total += HEADER + data.len();
        if total > MAX_OPENING {
            return None;
        }
        if take_message(&mut request, kind, &data)? {
            return Some(request);
        }
        next = read_imsg(stream).await;
    }
}

/// One identify message into the request: `Some(true)` once the command has come, `None`
/// for a malformed one. Messages not needed here (terminal type and features, terminfo,
/// pid, the passed descriptors, `MSG_IDENTIFY_DONE`) are skipped.
fn take_message(request: &mut Request, kind: u32, data: &[u8]) -> Option<bool> {
    match kind {
        MSG_IDENTIFY_LONGFLAGS => {
            request.flags = u64::from_ne_bytes(data.try_into().ok()?);
        }
        MSG_IDENTIFY_TTYNAME => request.tty = c_string(data)?,
        MSG_IDENTIFY_CWD => request.cwd = c_string(data)?,
        MSG_IDENTIFY_ENVIRON => {
            if let Some((name, value)) = c_string(data)?.split_once('=')
                && request.env.len() < crate::wire::MAX_REQUEST_ENV
            {
                request.env.push((name.to_string(), value.to_string()));
            }
        }
        MSG_COMMAND => {
            request.argv = unpack_argv(data)?;
            return Some(true);
        }
        _ => {}
    }
    Some(false)
}

/// A NUL-terminated string as tmux sends them (`datalen == 0 || data[datalen - 1] != '\0'`
/// is a bad message).
fn c_string(data: &[u8]) -> Option<String> {
    let text = data.strip_suffix(&[0])?;
    Some(String::from_utf8_lossy(text).into_owned())
}

/// `struct msg_command` (an int argc) then the packed argv (each word NUL-terminated, tmux's
/// `cmd_pack_argv`); no words means `new-session`, as tmux's server reads it.
fn unpack_argv(data: &[u8]) -> Option<Vec<String>> {
    let argc = i32::from_ne_bytes(data.get(0..4)?.try_into().ok()?);
    let argc = usize::try_from(argc).ok()?;
    let mut words = Vec::new();
    let mut rest = data.get(4..)?;
    while words.len() < argc {
        let end = rest.iter().position(|b| *b == 0)?;
        words.push(String::from_utf8_lossy(rest.get(..end)?).into_owned());
        rest = rest.get(end + 1..)?;
    }
    if words.is_empty() {
        words.push("new-session".into());
    }
    Some(words)
}

/// One imsg from the server: header (peer id tmux's protocol, our pid) and data.
fn imsg(kind: u32, data: &[u8]) -> Vec<u8> {
    let len = u16::try_from(HEADER + data.len()).unwrap_or(u16::MAX);
    let mut out = Vec::with_capacity(HEADER + data.len());
    out.extend_from_slice(&kind.to_ne_bytes());
    out.extend_from_slice(&len.to_ne_bytes());
    out.extend_from_slice(&0u16.to_ne_bytes());
    out.extend_from_slice(&PROTOCOL.to_ne_bytes());
    out.extend_from_slice(&std::process::id().to_ne_bytes());
    out.extend_from_slice(data);
    out
}

/// The messages that write `text` to the client's stream 1 (stdout) or 2 (stderr): an open
/// first (tmux's `msg_write_open`: stream, the client's own descriptor of that number, no
/// flags), then the text in pieces that fit an imsg.
fn write_messages(stream: i32, open: bool, text: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    if open {
        let mut data = Vec::with_capacity(12);
        for v in [stream, stream, 0] {
            data.extend_from_slice(&v.to_ne_bytes());
        }
        out.extend(imsg(MSG_WRITE_OPEN, &data));
    }
    for piece in text.chunks(MAX_IMSG - HEADER - 4) {
        let mut data = stream.to_ne_bytes().to_vec();
        data.extend_from_slice(piece);
        out.extend(imsg(MSG_WRITE, &data));
    }
    out
}

/// Replies in tmux's protocol.
struct TmuxReplies {
    stream: UnixStream,
    /// Streams 1 and 2 opened on the client.
    opened: [bool; 2],
}

impl CommandSink for TmuxReplies {
    async fn output(&mut self, out: &str, err: &str) {
        for (number, text) in [(1i32, out), (2, err)] {
            if text.is_empty() {
                continue;
            }
            let Some(opened) = self.opened.get_mut(usize::from(number == 2)) else {
                continue;
            };
            let bytes = write_messages(number, !*opened, text.as_bytes());
            *opened = true;
            let _ = self.stream.write_all(&bytes).await;
        }
    }

    async fn exit(&mut self, code: u8) {
        let _ = self
            .stream
            .write_all(&imsg(MSG_EXIT, &i32::from(code).to_ne_bytes()))
            .await;
        // Read what the client still sends (its MSG_WRITE_READY answers) until it hangs up,
        // for a bounded time: closing with them unread would reset the connection, and the
        // client would report a lost server instead of its output and status.
        let _ = tokio::time::timeout(EXIT_WAIT, self.gone()).await;
    }

    async fn gone(&mut self) {
        // The client sends only MSG_WRITE_READY answers until it goes.
        let mut sink = [0u8; 1024];
        while matches!(self.stream.read(&mut sink).await, Ok(n) if n > 0) {}
    }
}

#[cfg(test)]
#[allow(
    clippy::indexing_slicing,
    reason = "a test stops on what it did not expect"
)]
mod tests {
    use super::*;

    fn message(kind: u32, data: &[u8]) -> (u32, Vec<u8>) {
        (kind, data.to_vec())
    }

    #[test]
    fn identify_messages_make_the_request() {
        let mut r = Request::default();
        let mut command = 2i32.to_ne_bytes().to_vec();
        command.extend_from_slice(b"show\0-gv\0");
        let steps = [
            message(MSG_IDENTIFY_LONGFLAGS, &0x2000u64.to_ne_bytes()),
            message(MSG_IDENTIFY_CWD, b"/tmp\0"),
            message(MSG_IDENTIFY_TTYNAME, b"/dev/pts/3\0"),
            message(MSG_IDENTIFY_ENVIRON, b"TMUX=/s,1,0\0"),
            message(MSG_IDENTIFY_ENVIRON, b"NOVALUE\0"),
            message(104, b""),
            message(106, b""),
        ];
        for (kind, data) in &steps {
            assert_eq!(take_message(&mut r, *kind, data), Some(false));
        }
        assert_eq!(take_message(&mut r, MSG_COMMAND, &command), Some(true));
        assert_eq!(r.flags, CLIENT_CONTROL);
        assert_eq!((r.cwd.as_str(), r.tty.as_str()), ("/tmp", "/dev/pts/3"));
        assert_eq!(r.env, vec![("TMUX".to_string(), "/s,1,0".to_string())]);
        assert_eq!(r.argv, vec!["show".to_string(), "-gv".to_string()]);
    }

    #[test]
    fn malformed_messages_are_refused() {
        let mut r = Request::default();
        // A string without its NUL, a flags word of the wrong size, an argv shorter than argc.
        assert_eq!(take_message(&mut r, MSG_IDENTIFY_CWD, b"/tmp"), None);
        assert_eq!(take_message(&mut r, MSG_IDENTIFY_LONGFLAGS, &[1, 2]), None);
        let mut command = 3i32.to_ne_bytes().to_vec();
        command.extend_from_slice(b"a\0b\0");
        assert_eq!(take_message(&mut r, MSG_COMMAND, &command), None);
        assert_eq!(
            take_message(&mut r, MSG_COMMAND, &(-1i32).to_ne_bytes()),
            None
        );
        // No words: tmux's new-session.
        assert_eq!(
            unpack_argv(&0i32.to_ne_bytes()),
            Some(vec!["new-session".to_string()])
        );
    }

    #[test]
    fn output_opens_its_stream_once_and_is_cut_to_imsgs() {
        let text = vec![b'x'; MAX_IMSG * 2];
        let bytes = write_messages(1, true, &text);
        let mut at = 0;
        let mut kinds = Vec::new();
        let mut carried = 0;
        while at < bytes.len() {
            let kind = u32::from_ne_bytes(bytes[at..at + 4].try_into().unwrap_or_default());
            let len = usize::from(u16::from_ne_bytes(
                bytes[at + 4..at + 6].try_into().unwrap_or_default(),
            ));
            assert!(len <= MAX_IMSG);
            if kind == MSG_WRITE {
                carried += len - HEADER - 4;
            }
            kinds.push(kind);
            at += len;
        }
        assert_eq!(at, bytes.len());
        assert_eq!(kinds.first(), Some(&MSG_WRITE_OPEN));
        assert_eq!(kinds.iter().filter(|k| **k == MSG_WRITE_OPEN).count(), 1);
        assert_eq!(carried, text.len());
        assert!(!write_messages(2, false, b"e").starts_with(&MSG_WRITE_OPEN.to_ne_bytes()));
    }
}
