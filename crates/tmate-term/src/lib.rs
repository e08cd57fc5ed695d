//! Terminal state and drawing for tmate-compatible sharing, with no I/O and no async: a pane's
//! screen and scrollback fed with raw PTY bytes (`PaneTerm`, alacritty_terminal inside), a
//! compositor that draws a session's active window for one client of any size the way tmux 3.3a
//! does (`compose` into a `Frame`), and a per-client renderer that emits only the ANSI needed to
//! move that client's terminal from the last frame to the next (`Renderer`).
//!
//! ```
//! use tmate_term::{compose, PaneTerm, Renderer, Scene, ScenePane, StatusBar, StatusWindow};
//! let mut pane = PaneTerm::new(80, 23, 2000);
//! pane.feed(b"\x1b[1;31mhello\x1b[0m world\r\n$ ");
//! let scene = Scene {
//!     session_cols: 80,
//!     session_rows: 23,
//!     panes: vec![ScenePane { id: 0, xoff: 0, yoff: 0, cols: 80, rows: 23, term: &pane }],
//!     active_pane: Some(0),
//!     status: Some(StatusBar {
//!         left: "[tmate] ".into(),
//!         right: String::new(),
//!         windows: vec![StatusWindow { idx: 0, name: "sh".into(), active: true, last: false }],
//!     }),
//!     message: None,
//!     message_markup: false,
//! };
//! let frame = compose(&scene, 80, 24);
//! assert_eq!(frame.row_text(0), "hello world");
//! assert_eq!(frame.row_text(23), "[tmate] 0:sh*");
//! let mut renderer = Renderer::new();
//! let mut out = Vec::new();
//! renderer.enter(&mut out);
//! renderer.render(&frame, &mut out);
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

pub mod clock;
mod compose;
pub mod cursor;
mod engine;
#[cfg(test)]
mod engine_tests;
mod filter;
mod flood;
mod format_draw;
mod history;
mod markup;
pub mod palette;
mod pane;
mod render;
mod sgr;
mod snapshot;
mod status;
mod style;
mod tap;

pub use clock::{status_clock, strftime};
pub use compose::{Frame, RowDamage, Scene, ScenePane, compose, compose_into, compose_look};
pub use cursor::{CursorLook, CursorShape};
pub use format_draw::{RangeKind, StyleRange, format_draw, format_ranges, range_at};
pub use markup::{markup_end_style, parse_style, parse_style_over, truncate_markup};
pub use palette::Palette;
pub use pane::{CopyOverlay, CopyView, GridLine, PaneTerm};
pub use render::Renderer;
pub use status::{
    Justify, Look, PaneIndicators, PaneLabel, PaneLines, PaneStatus, PromptLine, StatusBar,
    StatusWindow, WindowEntry, default_status_format, fill_character,
};
pub use style::{
    ACTIVE_BORDER_STYLE, Attrs, BORDER_STYLE, Cell, Color, MESSAGE_STYLE, MODE_STYLE, PaneModes,
    STATUS_STYLE, Style,
};

#[cfg(test)]
mod tests {
    /// The relay keeps panes and renderers in async tasks that may move between threads.
    #[test]
    fn shared_types_are_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<super::PaneTerm>();
        assert_send_sync::<super::Renderer>();
        assert_send_sync::<super::Frame>();
        assert_send_sync::<super::Scene<'static>>();
    }
}
