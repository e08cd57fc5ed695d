//! The status line's content for an attached client: whether it takes a row, its left and
//! right sides from the status options and formats (with the clock), and the window list.

use std::sync::Arc;
use std::time::SystemTime;

use tmate_term::{StatusBar, StatusWindow};

use crate::format;
use crate::server::Shared;
use crate::state::State;

/// Rows the status lines take for this session (option `status`: off, on, or 2 to 5).
pub(super) fn status_rows(shared: &Arc<Shared>, sid: u32) -> u16 {
    crate::style::status_line_count(&shared.lock().session_option(sid, "status"))
}

/// The status line's content from the status options and formats.
pub(crate) fn status_bar(st: &State, sid: u32) -> Option<StatusBar> {
    let s = st.sessions.get(&sid)?;
    let w = s.windows.get(&s.current)?;
    let windows = s
        .windows
        .keys()
        .map(|idx| StatusWindow {
            idx: i64::from(*idx),
            name: format::window_name(st, sid, *idx),
            active: *idx == s.current,
            last: s.last == Some(*idx),
        })
        .collect();
    let ctx = format::Ctx {
        session: sid,
        window: s.current,
        pane: w.active,
    };
    let now = SystemTime::now();
    let side = |name: &str, len: &str| {
        let text = status_side(st, ctx, name, now);
        let width = usize::try_from(st.option_num(sid, s.current, len)).unwrap_or(0);
        tmate_term::truncate_markup(&text, width)
    };
    Some(StatusBar {
        left: side("status-left", "status-left-length"),
        right: side("status-right", "status-right-length"),
        windows,
    })
}

/// One side of the status line (`status-left` or `status-right`) expanded at `now`, before
/// truncation: what an attached client draws and what the uplink sends as STATUS.
pub(crate) fn status_side(st: &State, ctx: format::Ctx, name: &str, now: SystemTime) -> String {
    let fmt = st.option(ctx.session, ctx.window, name);
    let default = crate::options::lookup(name)
        .map(|d| d.default)
        .unwrap_or_default();
    if fmt == default && name == "status-right" {
        // The default's `#{?window_bigger,...}` part is always empty here.
        let title = format::expand(st, ctx, "#{=21:pane_title}");
        format!("\"{title}\" {}", tmate_term::status_clock(now))
    } else {
        // As tmux's format_expand_time: strftime(3) on the template (and each nested
        // format), then the formats, so a `%` in a pane title or window name is left alone.
        format::expand_time(st, ctx, &fmt, now)
    }
}
