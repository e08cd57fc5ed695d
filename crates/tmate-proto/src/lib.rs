//! tmate protocol 6, both directions, with no I/O: the message types, a streaming decoder that
//! takes bytes in any split, a byte-exact encoder, and tmux 2.2 key codes (key <-> pane bytes,
//! terminal input -> keys).
//!
//! Reading a stream:
//! ```
//! use tmate_proto::{DecoderConfig, HostDecoder, HostMessage};
//! let mut decoder = HostDecoder::new(DecoderConfig::host_stream());
//! decoder.feed(&[0x93, 0x00, 0x06, 0xa5]);
//! assert!(decoder.next_message().is_none()); // incomplete: wait for more
//! decoder.feed(b"2.4.0");
//! let header = decoder.next_message().and_then(Result::ok);
//! assert_eq!(header, Some(HostMessage::Header { protocol: 6, version: Some("2.4.0".into()) }));
//! ```
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::unreachable,
    clippy::todo,
    clippy::unimplemented
)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )
)]

pub mod cmdline;
pub mod command;
pub mod decoder;
pub mod input;
pub mod keys;
pub mod keytable;
pub mod message;
pub mod msgpack;

pub use decoder::{
    Decoder, DecoderConfig, HostDecoder, MAX_PANES, MAX_PTY_CHUNK, ORIGINAL_SERVER_MAX_MESSAGE,
    ServerDecoder, decode_frame,
};
pub use input::{InputEvent, InputParser, MouseEvent};
pub use keys::{
    KeyCode, MouseAction, PaneKeyModes, mouse_event, mouse_event_button, pane_key_bytes,
};
pub use message::{
    CopyInput, CopyModeState, CopySelection, DecodeError, HostMessage, Layout, LayoutPane,
    LayoutWindow, PaneSnapshot, RawStr, ServerMessage, SnapshotGrid, SnapshotLine, WireMessage,
};

/// The protocol version tmate 2.4 speaks and this crate implements.
pub const PROTOCOL_VERSION: i64 = 6;
