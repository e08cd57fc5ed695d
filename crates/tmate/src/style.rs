//! Style options as tmux 3.3a applies them (`style_apply`, the default `status-format`): the
//! status, message, border and window-status styles of a session, read into a
//! `tmate_term::Look` for the attached client's compositor. No I/O.

use tmate_term::{Color, Justify, Look, Style, WindowEntry, markup_end_style, parse_style_over};

use crate::format::{self, Ctx};
use crate::state::State;

/// An option's style (format-expanded first, like tmux's `E:` and `style_apply`) applied to
/// `current` with `default` meaning `base`; an invalid value leaves `current`.
fn option_style(st: &State, ctx: Ctx, name: &str, current: Style, base: Style) -> Style {
    let value = st.option_at(ctx, name);
    let value = if value.contains('#') {
        format::expand(st, ctx, &value)
    } else {
        value
    };
    parse_style_over(&value, current, base).unwrap_or(current)
}

/// A colour option (`display-panes-colour`...): a colour name, `colourN`, `#rrggbb`.
pub fn colour(value: &str) -> Option<Color> {
    let s = parse_style_over(&format!("fg={value}"), Style::default(), Style::default())?;
    Some(s.fg)
}

/// tmux `tty_default_colours`: each visible pane's `window-style` colours for
/// default-coloured cells; panes left at the terminal's defaults are not listed.
pub fn pane_colours(st: &State, ctx: Ctx, w: &crate::state::Window) -> Vec<(i64, Color, Color)> {
    w.visible()
        .iter()
        .filter_map(|g| {
            let pane = Ctx { pane: g.id, ..ctx };
            let (fg, bg) = window_style_colours(st, pane, "window-style");
            (fg != Color::Default || bg != Color::Default).then_some((i64::from(g.id), fg, bg))
        })
        .collect()
}

/// A pane's `window-style` or `window-active-style` colours (`Color::Default` for none).
pub fn window_style_colours(st: &State, pane: Ctx, option: &str) -> (Color, Color) {
    let none = Style::default();
    let style = option_style(st, pane, option, none, none);
    (style.fg, style.bg)
}

/// tmux `colour_palette_from_option`: each visible pane's `pane-colours` as a palette of 256
/// entries (items past 255 and colours that do not parse are left out; `default` draws the
/// terminal's colour); panes without one, and
/// panes showing clock mode (drawn without the palette, as tmux's), are not listed.
pub fn palettes(st: &State, ctx: Ctx, w: &crate::state::Window) -> Vec<(i64, Vec<Option<Color>>)> {
    w.visible()
        .iter()
        .filter(|g| {
            st.panes
                .get(&g.id)
                .is_some_and(|p| p.top_mode() != Some(crate::modes::ModeKind::Clock))
        })
        .filter_map(|g| {
            let pane = Ctx { pane: g.id, ..ctx };
            let items = crate::options::array_items(&st.option_at(pane, "pane-colours"));
            if items.is_empty() {
                return None;
            }
            let mut palette = vec![None; 256];
            for (i, value) in items {
                if let Some(slot) = usize::try_from(i).ok().and_then(|i| palette.get_mut(i)) {
                    *slot = colour(&value);
                }
            }
            Some((i64::from(g.id), palette))
        })
        .collect()
}

/// `pane-border-status`, `-lines` and `-indicators` of the current window and, with status
/// lines on, each visible pane's expanded `pane-border-format`.
fn pane_status_lines(st: &State, ctx: Ctx, look: &mut Look) {
    let Some(w) = st.window(ctx.session, ctx.window) else {
        return;
    };
    look.pane_colours = pane_colours(st, ctx, w);
    let active = Ctx {
        pane: w.active,
        ..ctx
    };
    let (fg, bg) = window_style_colours(st, active, "window-active-style");
    look.active_colours = Some((i64::from(w.active), fg, bg));
    look.palettes = palettes(st, ctx, w);
    look.pane_status = w.pane_status;
    let option = |name: &str| st.option(ctx.session, ctx.window, name);
    look.pane_lines = tmate_term::PaneLines::from_option(&option("pane-border-lines"));
    look.pane_indicators =
        tmate_term::PaneIndicators::from_option(&option("pane-border-indicators"));
    look.pane_base_index = option("pane-base-index").parse().unwrap_or(0);
    look.fill_character = tmate_term::fill_character(&option("fill-character"));
    if w.pane_status == tmate_term::PaneStatus::Off {
        return;
    }
    look.pane_status_text = w
        .visible()
        .iter()
        .map(|g| {
            let pane = Ctx { pane: g.id, ..ctx };
            // Each pane's own `pane-border-format` (a pane option in tmux 3.3a).
            let fmt = st.option_at(pane, "pane-border-format");
            (i64::from(g.id), format::expand(st, pane, &fmt))
        })
        .collect();
}

/// The rows option `status` gives the status lines: `off`, `on` (one) or 2 to 5.
pub fn status_line_count(value: &str) -> u16 {
    match value {
        "off" => 0,
        "on" => 1,
        n => n.parse().unwrap_or(1),
    }
}

/// Each status line's expanded `status-format[N]` when the session draws more than one line
/// or a `status-format[0]` of its own; line 0 in tmux's default format stays `None` (the
/// compositor draws it from the status bar, which is what that format expands to).
fn status_lines(st: &State, ctx: Ctx) -> Vec<Option<String>> {
    let count = status_line_count(&st.session_option(ctx.session, "status")).max(1);
    let items = crate::options::array_items(&st.session_option(ctx.session, "status-format"));
    let defaults = crate::options::lookup("status-format")
        .map(|d| crate::options::array_items(d.default))
        .unwrap_or_default();
    let default_first = items.get(&0) == defaults.get(&0);
    if count == 1 && default_first {
        return Vec::new();
    }
    let now = std::time::SystemTime::now();
    (0..u32::from(count))
        .map(|line| match items.get(&line) {
            Some(_) if line == 0 && default_first => None,
            Some(fmt) => Some(format::expand_time(st, ctx, fmt, now)),
            // tmux leaves a line without a format blank; line 0 too once it is unset.
            None => (line == 0).then(String::new),
        })
        .collect()
}

/// The session's look for its current window (`status-style` and the rest), with the window
/// list expanded from `window-status-format` / `window-status-current-format`.
pub fn look(st: &State, sid: u32) -> Look {
    let mut look = Look::default();
    let Some(s) = st.sessions.get(&sid) else {
        return look;
    };
    let pane = s.windows.get(&s.current).map(|w| w.active).unwrap_or(0);
    let ctx = Ctx {
        session: sid,
        window: s.current,
        pane,
    };
    let none = Style::default();
    let mut status = option_style(st, ctx, "status-style", none, none);
    // The deprecated status-fg/status-bg win when set (tmux `status_redraw`).
    if let Some(c) = colour(&st.option(sid, s.current, "status-fg"))
        && c != Color::Default
    {
        status.fg = c;
    }
    if let Some(c) = colour(&st.option(sid, s.current, "status-bg"))
        && c != Color::Default
    {
        status.bg = c;
    }
    look.status_style = status;
    look.left_style = option_style(st, ctx, "status-left-style", status, status);
    look.right_style = option_style(st, ctx, "status-right-style", status, status);
    look.message_style = option_style(st, ctx, "message-style", none, none);
    look.message_command_style = option_style(st, ctx, "message-command-style", none, none);
    look.border_style = option_style(st, ctx, "pane-border-style", none, none);
    look.active_border_style = option_style(st, ctx, "pane-active-border-style", none, none);
    // tmux `server_is_marked(s, s->curw, ...)`: only in the marked pane's own session and
    // window.
    look.marked_pane = st
        .marked()
        .filter(|m| (m.session, m.window) == (sid, s.current))
        .map(|m| i64::from(m.pane));
    look.status_top = st.option(sid, s.current, "status-position") == "top";
    look.status_lines = status_lines(st, ctx);
    pane_status_lines(st, ctx, &mut look);
    look.justify = Justify::from_option(&st.option(sid, s.current, "status-justify"));
    look.separator = format::expand(
        st,
        ctx,
        &st.option(sid, s.current, "window-status-separator"),
    );
    // Each entry's styles apply to the style the separator before it left (tmux's format
    // keeps the separator's `#[...]` until the next entry's own `#[...]`).
    let after_separator = markup_end_style(&look.separator, status);
    let entries = s
        .windows
        .iter()
        .enumerate()
        .map(|(i, (idx, w))| {
            let start = if i == 0 { status } else { after_separator };
            let wctx = Ctx {
                session: sid,
                window: *idx,
                pane: w.active,
            };
            let current = *idx == s.current;
            let style = entry_style(st, wctx, (current, s.last == Some(*idx)), start, status);
            let fmt = st.option(
                sid,
                *idx,
                if current {
                    "window-status-current-format"
                } else {
                    "window-status-format"
                },
            );
            WindowEntry {
                // As tmux's default status-format: `#{T:window-status-format}`.
                text: format::expand_time(st, wctx, &fmt, std::time::SystemTime::now()),
                style,
                current,
            }
        })
        .collect();
    look.windows = Some(entries);
    look
}

/// One window list entry's style, as tmux's default status-format builds it: the window's
/// style (or the current window's), then the last window's, then a bell's, else activity's.
fn entry_style(
    st: &State,
    wctx: Ctx,
    (current, last): (bool, bool),
    start: Style,
    status: Style,
) -> Style {
    let is_default = |name: &str| st.option(wctx.session, wctx.window, name) == "default";
    let plain = option_style(st, wctx, "window-status-style", start, status);
    let mut style = if current && !is_default("window-status-current-style") {
        option_style(st, wctx, "window-status-current-style", start, status)
    } else {
        plain
    };
    if last && !is_default("window-status-last-style") {
        style = option_style(st, wctx, "window-status-last-style", style, status);
    }
    let alerts = st
        .sessions
        .get(&wctx.session)
        .map(|s| s.windows.alerts(&wctx.window))
        .unwrap_or_default();
    if alerts.bell && !is_default("window-status-bell-style") {
        style = option_style(st, wctx, "window-status-bell-style", style, status);
    } else if (alerts.activity || alerts.silence) && !is_default("window-status-activity-style") {
        style = option_style(st, wctx, "window-status-activity-style", style, status);
    }
    style
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_by_name_number_and_rgb() {
        assert_eq!(colour("red"), Some(Color::Indexed(1)));
        assert_eq!(colour("colour200"), Some(Color::Indexed(200)));
        assert_eq!(colour("#102030"), Some(Color::Rgb(16, 32, 48)));
        assert_eq!(colour("brightblue"), Some(Color::Indexed(12)));
        assert_eq!(colour("nosuch"), None);
    }
}
