//! The first bytes on the local socket: our client's hello, and telling apart a peer that speaks
//! tmux's protocol (Debian's tmate 2.4, tmux) from one of ours, so that either side of a mix-up
//! says what it reached in one line instead of "lost server".
//!
//! Our hello is shaped like a tmux imsg header (type, length, flags, peer id, pid; host byte
//! order) with a peer id that is not tmux's protocol version 8. A tmux or tmate server answers
//! any message with a foreign version with a bare `MSG_VERSION` imsg (proc.c
//! `peer_check_version`), which our client recognises; its length field never makes a valid
//! frame of ours (see [`foreign_server_version`]). The other way round, a tmux-protocol client
//! opens with an imsg whose type and length our server recognises, and gets an answer in its
//! own framing (see [`reply_to_tmux_client`]).

use std::path::Path;

/// tmux's `MSG_VERSION`: a server's answer to a client of another protocol version.
const MSG_VERSION: u32 = 12;
/// tmux 2.x's first message from a client (tmate 2.4 sends it first).
const MSG_IDENTIFY_FLAGS: u32 = 100;
/// tmux 2.x's `MSG_EXIT` (an int exit code) and `MSG_STDERR`.
const MSG_EXIT: u32 = 203;
const MSG_STDERR: u32 = 211;
/// tmux's `IMSG_HEADER_SIZE`.
pub const HEADER: usize = 16;
/// The tmux protocol version that tmate 2.4 and tmux 2.x-3.x speak.
const TMUX_PROTOCOL: u32 = 8;
/// tmate 2.4's `struct msg_stderr_data`: a `ssize_t` (8 bytes on 64-bit Linux), then glibc's
/// `BUFSIZ` bytes; the client refuses any other size.
const TMATE24_STDERR_SIZE: usize = 8;
const TMATE24_STDERR_DATA: usize = 8192;

/// Our local protocol's version, in the hello's peer id. Its low byte is never tmux's 8, so a
/// tmux-protocol server always answers it with `MSG_VERSION`. Bump it when frames change.
pub const WIRE_VERSION: u32 = 0x5205;
/// "TMRS" in the hello's pid field: marks the hello as ours.
const MAGIC: u32 = u32::from_le_bytes(*b"TMRS");

/// The 16 bytes our client sends before its first frame.
pub fn hello() -> [u8; HEADER] {
    imsg_header(MSG_IDENTIFY_FLAGS, 0, WIRE_VERSION, MAGIC)
}

fn imsg_header(kind: u32, payload: usize, peer_id: u32, pid: u32) -> [u8; HEADER] {
    let len = u16::try_from(HEADER + payload).unwrap_or(u16::MAX);
    let mut h = [0u8; HEADER];
    h[0..4].copy_from_slice(&kind.to_le_bytes());
    h[4..6].copy_from_slice(&len.to_le_bytes());
    // flags (6..8) stay 0: no file descriptor rides along.
    h[8..12].copy_from_slice(&peer_id.to_le_bytes());
    h[12..16].copy_from_slice(&pid.to_le_bytes());
    h
}

fn field(bytes: &[u8], at: usize) -> Option<u32> {
    let chunk: [u8; 4] = bytes.get(at..at + 4)?.try_into().ok()?;
    Some(u32::from_le_bytes(chunk))
}

/// What a server made of the first 16 bytes a client sent.
#[derive(Debug, PartialEq, Eq)]
pub enum Opening {
    /// Our hello at our version: frames follow.
    Ours,
    /// Our hello from a client of another version of ours.
    OurOtherVersion(u32),
    /// A tmux-protocol client (tmate 2.4, tmux): its first message type and protocol version.
    Tmux { kind: u32, version: u32 },
    /// Anything else (an older client of ours without a hello, garbage).
    Unknown,
}

pub fn classify_opening(bytes: &[u8; HEADER]) -> Opening {
    let (Some(kind), Some(peer_id), Some(pid)) =
        (field(bytes, 0), field(bytes, 8), field(bytes, 12))
    else {
        return Opening::Unknown;
    };
    let len = usize::from(u16::from_le_bytes([bytes[4], bytes[5]]));
    if kind == MSG_IDENTIFY_FLAGS && pid == MAGIC {
        return if peer_id == WIRE_VERSION {
            Opening::Ours
        } else {
            Opening::OurOtherVersion(peer_id)
        };
    }
    // tmux's identify messages are 100-115, its commands 200-220; imsgs are 16 bytes to 16 KB.
    let tmux_kind = (100..=115).contains(&kind) || (200..=220).contains(&kind);
    if tmux_kind && (HEADER..=16384).contains(&len) {
        return Opening::Tmux {
            kind,
            version: peer_id & 0xff,
        };
    }
    Opening::Unknown
}

/// The answer to a tmux-protocol client, in its framing. tmate 2.4 (protocol 8, which opens
/// with `MSG_IDENTIFY_FLAGS`) gets our sentence on its stderr and exit code 1; other tmux
/// clients get `MSG_VERSION`, which they print as "protocol version mismatch".
pub fn reply_to_tmux_client(kind: u32, version: u32, sentence: &str) -> Vec<u8> {
    if kind != MSG_IDENTIFY_FLAGS || version != TMUX_PROTOCOL {
        return imsg_header(MSG_VERSION, 0, WIRE_VERSION & 0xff, 0).to_vec();
    }
    let shown: Vec<u8> = format!("{sentence}\n")
        .into_bytes()
        .into_iter()
        .take(TMATE24_STDERR_DATA)
        .collect();
    let size = i64::try_from(shown.len()).unwrap_or(0);
    let mut data = size.to_le_bytes().to_vec();
    data.extend_from_slice(&shown);
    data.resize(TMATE24_STDERR_SIZE + TMATE24_STDERR_DATA, 0);
    let mut out = imsg_header(MSG_STDERR, data.len(), version, 0).to_vec();
    out.extend_from_slice(&data);
    out.extend_from_slice(&imsg_header(MSG_EXIT, 4, version, 0));
    out.extend_from_slice(&1i32.to_le_bytes());
    out
}

/// When the first bytes a client read are a tmux server's `MSG_VERSION`, that server's
/// protocol version. Our frames start with a big-endian length of at most
/// [`crate::wire::MAX_FRAME`], so `0c 00 00 00` (201 MB) is never one of ours.
/// The inner `None`: the answer was seen but not yet its version field.
pub fn foreign_server_version(first: &[u8]) -> Option<Option<u32>> {
    if field(first, 0)? != MSG_VERSION {
        return None;
    }
    Some(field(first, 8).map(|v| v & 0xff))
}

/// This program, as the user would run it: the path of the running binary.
pub fn this_program() -> String {
    std::env::current_exe()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| "tmate".into())
}

/// Our client's line when the socket is served by a tmux-protocol server.
pub fn foreign_server_message(socket: &Path, version: Option<u32>) -> String {
    let protocol = version.map_or_else(String::new, |v| format!("protocol {v}: "));
    format!(
        "{} is served by a tmux-protocol server ({protocol}Debian's tmate 2.4 or tmux), not by \
         this tmate ({}); use that program, or another socket (-L NAME or -S PATH)",
        socket.display(),
        this_program()
    )
}

/// Our server's line for a tmux-protocol client (tmate 2.4) that reached it.
pub fn foreign_client_message(socket: &Path) -> String {
    let ours = this_program();
    format!(
        "{} is served by tmate-rs {} ({ours}), not by tmate 2.4; attach with `{ours} -S {} \
         attach`, or use another socket (-L NAME or -S PATH)",
        socket.display(),
        env!("CARGO_PKG_VERSION"),
        socket.display()
    )
}

/// Our server's line for a client of another version of ours (a binary rebuilt or upgraded
/// while the old server still runs).
pub fn other_version_message(socket: &Path, client_version: Option<u32>) -> String {
    let client = client_version.map_or_else(|| "an older one".into(), |v| format!("{v:#x}"));
    format!(
        "{} is served by another version of tmate ({}, local protocol {WIRE_VERSION:#x}; this \
         client's: {client}); run that binary, or kill that server first",
        socket.display(),
        this_program()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_hello_is_recognised_and_a_tmux_server_would_refuse_it() {
        let h = hello();
        assert_eq!(classify_opening(&h), Opening::Ours);
        // tmux's peer_check_version compares the peer id's low byte with 8.
        assert_ne!(field(&h, 8).map(|v| v & 0xff), Some(TMUX_PROTOCOL));
        let mut other = h;
        other[8] = 0x01;
        assert_eq!(classify_opening(&other), Opening::OurOtherVersion(0x5201));
    }

    #[test]
    fn a_tmate24_opening_is_told_apart_from_our_frames() {
        // tmate 2.4's first imsg: MSG_IDENTIFY_FLAGS, 20 bytes, peer id 8, its pid.
        let t = imsg_header(MSG_IDENTIFY_FLAGS, 4, 8, 4242);
        assert_eq!(
            classify_opening(&t),
            Opening::Tmux {
                kind: MSG_IDENTIFY_FLAGS,
                version: 8
            }
        );
        // An old client of ours: a big-endian frame length, kind 1, strings.
        let mut old = [0u8; HEADER];
        old[..6].copy_from_slice(&[0, 0, 0, 40, 1, 0]);
        assert_eq!(classify_opening(&old), Opening::Unknown);
    }

    #[test]
    fn the_reply_to_tmate24_is_its_stderr_then_exit_1() {
        let r = reply_to_tmux_client(MSG_IDENTIFY_FLAGS, 8, "hello there");
        assert_eq!(field(&r, 0), Some(MSG_STDERR));
        let len = usize::from(u16::from_le_bytes([r[4], r[5]]));
        assert_eq!(len, HEADER + 8 + 8192);
        assert_eq!(field(&r, 8), Some(8));
        assert_eq!(&r[HEADER..HEADER + 8], &12i64.to_le_bytes());
        assert_eq!(&r[HEADER + 8..HEADER + 20], b"hello there\n");
        let exit = &r[len..];
        assert_eq!(field(exit, 0), Some(MSG_EXIT));
        assert_eq!(field(exit, HEADER), Some(1));
        assert_eq!(exit.len(), HEADER + 4);
        // tmux 3.x (other first message) gets MSG_VERSION.
        let v = reply_to_tmux_client(111, 8, "x");
        assert_eq!(foreign_server_version(&v), Some(Some(WIRE_VERSION & 0xff)));
    }

    #[test]
    fn a_tmux_version_answer_is_never_a_frame_of_ours() {
        let answer = imsg_header(MSG_VERSION, 0, 8, 0);
        assert_eq!(foreign_server_version(&answer), Some(Some(8)));
        assert_eq!(foreign_server_version(&answer[..6]), Some(None));
        let len = u32::from_be_bytes([answer[0], answer[1], answer[2], answer[3]]);
        assert!(usize::try_from(len).unwrap_or(0) > crate::wire::MAX_FRAME);
        // One of our frames (STDOUT "hi") is not taken for it.
        assert_eq!(foreign_server_version(&[0, 0, 0, 3, 10, b'h', b'i']), None);
    }
}
