//! The tmate host: a tmux-compatible terminal multiplexer. A server daemon per socket owns
//! sessions, windows and panes on PTYs; the `tmate` client runs one command on it or attaches
//! a terminal; `uplink` shares the session through a tmate relay (issue 5).
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
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

/// The tmux version this host follows (`#{version}`, `TERM_PROGRAM_VERSION`).
pub const TMUX_VERSION: &str = "3.3a";

pub mod alerts;
pub mod attach;
pub mod bindings;
mod bindings_table;
pub mod changes;
pub mod client;
mod client_session;
pub mod clock_mode;
pub mod cmd;
pub mod config;
pub mod control;
pub mod control_client;
pub mod copy;
pub mod cursor;
pub mod environ;
pub mod fdio;
mod focus;
pub mod format;
pub mod handshake;
pub mod hooks;
pub mod layout;
mod layout_full;
pub mod layout_string;
pub mod menu;
pub mod modes;
pub mod mouse;
pub mod options;
pub mod palette;
pub mod parse;
pub mod pipe;
pub mod popup;
pub mod posix_regex;
pub mod process;
pub mod prompt;
pub mod prompt_complete;
pub mod server;
pub mod server_start;
pub mod state;
pub mod style;
mod style_check;
pub mod termcaps;
pub mod tmux_client;
pub mod tree;
pub mod tty;
pub mod uplink;
mod window_size;
pub mod winlink;
pub mod wire;
