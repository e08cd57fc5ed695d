//! The streaming decoder: bytes in any split, whole typed messages out, with limits enforced
//! while a message is still arriving.

use std::marker::PhantomData;

use crate::message::{DecodeError, HostMessage, ServerMessage, WireMessage};
use crate::msgpack::{FrameError, FrameLimits, Framed, Framer, parse_frame};

/// The limit the original tmate-ssh-server puts on each host message (`TMATE_MAX_MESSAGE_SIZE`).
/// A client talking to a real server must keep every message below it.
pub const ORIGINAL_SERVER_MAX_MESSAGE: usize = 17 * 1024;

/// The largest PTY chunk tmate puts in one PTY_DATA (`TMATE_MAX_PTY_SIZE`).
pub const MAX_PTY_CHUNK: usize = 16 * 1024;

/// The most panes the original server accepts in one SYNC_LAYOUT.
pub const MAX_PANES: usize = 1000;

/// Limits for one decoding stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecoderConfig {
    /// Largest encoded message accepted, in bytes; a bigger one breaks the stream.
    pub max_message_size: usize,
    /// Deepest array nesting accepted (tmate's deepest message, SNAPSHOT, uses 6 levels).
    pub max_depth: usize,
}

impl DecoderConfig {
    /// For a server reading a host: every message fits 17 KiB except the reconnect SNAPSHOT
    /// (300 history lines per pane, an attribute word per cell), which can reach megabytes.
    pub const fn host_stream() -> Self {
        DecoderConfig {
            max_message_size: 8 * 1024 * 1024,
            max_depth: 16,
        }
    }

    /// For a host reading a server: server messages are small (NOTIFY is at most 1023 bytes).
    pub const fn server_stream() -> Self {
        DecoderConfig {
            max_message_size: 256 * 1024,
            max_depth: 16,
        }
    }

    fn frame_limits(self) -> FrameLimits {
        FrameLimits {
            max_message_size: self.max_message_size,
            max_depth: self.max_depth,
        }
    }
}

/// Turns a byte stream into messages of type `M`. Feed it whatever arrives, then take messages
/// until it has none; an incomplete message simply waits for more bytes.
///
/// Memory: the decoder holds at most one incomplete message (bounded by `max_message_size`) plus
/// whatever the caller fed and has not taken yet, so callers take all messages after each feed.
#[derive(Debug)]
pub struct Decoder<M> {
    config: DecoderConfig,
    buf: Vec<u8>,
    /// Start of the current (unconsumed) frame in `buf`; bytes before it are already decoded.
    start: usize,
    framer: Framer,
    broken: bool,
    _message: PhantomData<fn() -> M>,
}

/// Buffer capacity an emptied decoder keeps.
const KEEP_CAPACITY: usize = 8 * 1024;

/// Decodes what a host sends to a server.
pub type HostDecoder = Decoder<HostMessage>;
/// Decodes what a server sends to a host.
pub type ServerDecoder = Decoder<ServerMessage>;

impl<M: WireMessage> Decoder<M> {
    pub fn new(config: DecoderConfig) -> Self {
        Decoder {
            config,
            buf: Vec::new(),
            start: 0,
            framer: Framer::new(config.frame_limits()),
            broken: false,
            _message: PhantomData,
        }
    }

    pub fn config(&self) -> DecoderConfig {
        self.config
    }

    /// Append bytes read from the stream. Ignored once the stream is broken.
    pub fn feed(&mut self, bytes: &[u8]) {
        if self.broken {
            return;
        }
        if self.start > 0 {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// Bytes received but not yet returned as messages.
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.start
    }

    /// True after a framing error: nothing more can be read from this stream.
    pub fn is_broken(&self) -> bool {
        self.broken
    }

    /// The next whole message, `None` when more bytes are needed (or the stream is broken and its
    /// error was already returned). A `DecodeError::Invalid` affects only that one message; a
    /// `DecodeError::Frame` breaks the stream.
    pub fn next_message(&mut self) -> Option<Result<M, DecodeError>> {
        if self.broken {
            return None;
        }
        let pending = self.buf.get(self.start..).unwrap_or_default();
        match self.framer.advance(pending) {
            Ok(Framed::NeedMore) => None,
            Ok(Framed::Complete(len)) => {
                let frame = pending.get(..len).unwrap_or_default();
                let result = decode_frame(frame, self.config);
                self.start += len;
                self.framer.reset();
                if self.start == self.buf.len() {
                    self.buf.clear();
                    self.start = 0;
                    // A flood's large messages leave a large buffer; an idle session (a relay
                    // holds thousands) keeps only a small one.
                    self.buf.shrink_to(KEEP_CAPACITY);
                }
                Some(result)
            }
            Err(error) => Some(Err(self.break_stream(error))),
        }
    }

    fn break_stream(&mut self, error: FrameError) -> DecodeError {
        self.broken = true;
        self.buf = Vec::new();
        self.start = 0;
        DecodeError::Frame(error)
    }
}

impl<M: WireMessage> Iterator for Decoder<M> {
    type Item = Result<M, DecodeError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_message()
    }
}

/// Decode one complete message from exactly its bytes.
pub fn decode_frame<M: WireMessage>(frame: &[u8], config: DecoderConfig) -> Result<M, DecodeError> {
    let value = parse_frame(frame, config.frame_limits()).map_err(|error| match error {
        crate::msgpack::ParseError::Frame(frame_error) => DecodeError::Frame(frame_error),
        other => DecodeError::Invalid {
            message: "",
            reason: other.to_string(),
        },
    })?;
    M::from_frame(frame, &value)
}
