//! tmux format expansion (`format.c`, the common part): `#{variable}`, `#{?cond,a,b}`,
//! `#{==:a,b}`/`#{!=:a,b}`, the one-letter aliases (`#S #I #W #P #D #H #F #T ##`) and
//! `#[...]` style markup passed through for the status line.

use crate::state::State;

/// What a format is expanded against (tmux's `format_defaults` target).
#[derive(Debug, Clone, Copy)]
pub struct Ctx {
    pub session: u32,
    pub window: u32,
    pub pane: u32,
}

impl Ctx {
    /// No session, window or pane (ids are never `u32::MAX`): a config line read before any
    /// session exists sees only server-wide values, as in tmux.
    pub const NONE: Ctx = Ctx {
        session: u32::MAX,
        window: u32::MAX,
        pane: u32::MAX,
    };
}

/// Nesting limit: formats come from users; recursion must stay bounded.
const MAX_DEPTH: usize = 16;

pub fn expand(state: &State, ctx: Ctx, fmt: &str) -> String {
    expand_depth(state, ctx, fmt, 0)
}

fn expand_depth(state: &State, ctx: Ctx, fmt: &str, depth: usize) -> String {
    if depth > MAX_DEPTH {
        return String::new();
    }
    let mut out = String::new();
    let mut rest = fmt;
    while let Some(pos) = rest.find('#') {
        out.push_str(rest.get(..pos).unwrap_or_default());
        let after = rest.get(pos + 1..).unwrap_or_default();
        let mut chars = after.chars();
        match chars.next() {
            Some('{') => {
                let body_and_more = chars.as_str();
                match matching_brace(body_and_more) {
                    Some(end) => {
                        let body = body_and_more.get(..end).unwrap_or_default();
                        out.push_str(&expand_item(state, ctx, body, depth + 1));
                        rest = body_and_more.get(end + 1..).unwrap_or_default();
                    }
                    None => {
                        rest = "";
                    }
                }
            }
            Some('#') => {
                out.push('#');
                rest = chars.as_str();
            }
            Some(c) => {
                match alias(c) {
                    Some(var) => out.push_str(&variable(state, ctx, var)),
                    None => {
                        out.push('#');
                        out.push(c);
                    }
                }
                rest = chars.as_str();
            }
            None => {
                out.push('#');
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

fn alias(c: char) -> Option<&'static str> {
    Some(match c {
        'S' => "session_name",
        'I' => "window_index",
        'W' => "window_name",
        'P' => "pane_index",
        'D' => "pane_id",
        'H' => "host",
        'h' => "host_short",
        'F' => "window_flags",
        'T' => "pane_title",
        _ => return None,
    })
}

/// Index of the `}` closing a `#{` whose body starts `s`.
fn matching_brace(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    let bytes = s.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'#' if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 1;
            }
            b'{' => depth += 1,
            b'}' if depth == 0 => return Some(i),
            b'}' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    None
}

/// Split at top-level commas (not inside nested `#{...}`).
fn split_commas(s: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    let bytes = s.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'#' if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 1;
            }
            b'}' => depth = depth.saturating_sub(1),
            b',' if depth == 0 => {
                parts.push(s.get(start..i).unwrap_or_default());
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    parts.push(s.get(start..).unwrap_or_default());
    parts
}

fn truthy(v: &str) -> bool {
    !v.is_empty() && v != "0"
}

fn expand_item(state: &State, ctx: Ctx, body: &str, depth: usize) -> String {
    if let Some(cond) = body.strip_prefix('?') {
        let parts = split_commas(cond);
        let test = parts.first().copied().unwrap_or_default();
        let value = if test.contains('#') {
            expand_depth(state, ctx, test, depth)
        } else {
            variable(state, ctx, test)
        };
        let pick = if truthy(&value) {
            parts.get(1)
        } else {
            parts.get(2)
        };
        return expand_depth(state, ctx, pick.copied().unwrap_or_default(), depth);
    }
    for (op, eq) in [("==:", true), ("!=:", false)] {
        if let Some(args) = body.strip_prefix(op) {
            let parts = split_commas(args);
            let a = expand_depth(
                state,
                ctx,
                parts.first().copied().unwrap_or_default(),
                depth,
            );
            let b = expand_depth(state, ctx, parts.get(1).copied().unwrap_or_default(), depth);
            return if (a == b) == eq { "1" } else { "0" }.to_string();
        }
    }
    // `t:` a time in seconds as ctime(3) shows it, in the local time zone (tmux 3.3a).
    if let Some(var) = body.strip_prefix("t:") {
        let v = expand_item(state, ctx, var, depth);
        let Ok(secs) = v.parse::<u64>() else {
            return String::new();
        };
        let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs);
        return tmate_term::clock::ctime(at);
    }
    if let Some(rest) = body.strip_prefix('=')
        && let Some((n, var)) = rest.split_once(':')
        && let Ok(n) = n.parse::<i64>()
    {
        let v = expand_item(state, ctx, var, depth);
        let len = usize::try_from(n.unsigned_abs()).unwrap_or(usize::MAX);
        let chars: Vec<char> = v.chars().collect();
        return if n >= 0 {
            chars.iter().take(len).collect()
        } else {
            chars.iter().skip(chars.len().saturating_sub(len)).collect()
        };
    }
    variable(state, ctx, body)
}

/// A name no format variable has, looked up in the environment as tmux's `format_find` does:
/// the session's, else the global one (hidden variables too; removed ones are empty).
fn environment_value(
    state: &State,
    session: Option<&crate::state::Session>,
    name: &str,
) -> Option<String> {
    let var = session
        .and_then(|s| s.environ.get(name))
        .or_else(|| state.environ.get(name))?;
    var.value.clone()
}

/// The host's name (`#H`): one uname(2) per call, as tmux's gethostname(3); the status line
/// asks for it on every redraw, so no file is opened here.
pub fn hostname() -> String {
    rustix::system::uname()
        .nodename()
        .to_string_lossy()
        .into_owned()
}

/// The window's name: set by `-n`/`rename-window`, else the active pane's command (tmux's
/// automatic-rename).
pub fn window_name(state: &State, session: u32, window: u32) -> String {
    let Some(w) = state.window(session, window) else {
        return String::new();
    };
    if let Some(n) = &w.name {
        return n.clone();
    }
    state
        .panes
        .get(&w.active)
        .map(|p| p.current_command())
        .unwrap_or_default()
}

pub fn window_flags(state: &State, session: u32, window: u32) -> String {
    let Some(s) = state.sessions.get(&session) else {
        return String::new();
    };
    let mut f = String::new();
    if s.current == window {
        f.push('*');
    } else if s.last == Some(window) {
        f.push('-');
    }
    if s.windows.get(&window).is_some_and(|w| w.zoomed.is_some()) {
        f.push('Z');
    }
    f
}

/// The pane's own variables (`pane_*`, `cursor_*`); `None` for a name it does not know.
fn pane_variable(state: &State, ctx: Ctx, name: &str) -> Option<String> {
    let window = state.window(ctx.session, ctx.window);
    let pane = state.panes.get(&ctx.pane);
    let geo = window.and_then(|w| w.geometry(ctx.pane));
    let b = |v: bool| if v { "1" } else { "0" }.to_string();
    let value = match name {
        "pane_dead" => b(pane.is_some_and(|p| p.dead.is_some())),
        "pane_dead_status" => pane
            .and_then(|p| p.dead)
            .and_then(|d| d.status)
            .map(|c| c.to_string())
            .unwrap_or_default(),
        "pane_dead_signal" => pane
            .and_then(|p| p.dead)
            .and_then(|d| d.signal)
            .map(|c| c.to_string())
            .unwrap_or_default(),
        "pane_id" => pane.map(|p| format!("%{}", p.id)).unwrap_or_default(),
        "pane_width" => geo.map(|g| g.sx.to_string()).unwrap_or_default(),
        "pane_height" => geo.map(|g| g.sy.to_string()).unwrap_or_default(),
        "pane_left" => geo.map(|g| g.xoff.to_string()).unwrap_or_default(),
        "pane_top" => geo.map(|g| g.yoff.to_string()).unwrap_or_default(),
        "pane_right" => geo
            .map(|g| (g.xoff + g.sx).saturating_sub(1).to_string())
            .unwrap_or_default(),
        "pane_bottom" => geo
            .map(|g| (g.yoff + g.sy).saturating_sub(1).to_string())
            .unwrap_or_default(),
        "pane_active" => b(window.is_some_and(|w| w.active == ctx.pane)),
        "pane_pid" => pane
            .and_then(|p| p.pid)
            .map(|p| p.to_string())
            .unwrap_or_default(),
        "pane_current_command" => pane.map(|p| p.current_command()).unwrap_or_default(),
        "pane_title" => pane.and_then(|p| p.term.title()).unwrap_or_else(hostname),
        "cursor_x" => pane
            .map(|p| p.term.cursor().0.to_string())
            .unwrap_or_default(),
        "cursor_y" => pane
            .map(|p| p.term.cursor().1.to_string())
            .unwrap_or_default(),
        _ => return None,
    };
    Some(value)
}

fn variable(state: &State, ctx: Ctx, name: &str) -> String {
    let session = state.sessions.get(&ctx.session);
    let window = state.window(ctx.session, ctx.window);
    let pane = state.panes.get(&ctx.pane);
    let b = |v: bool| if v { "1" } else { "0" }.to_string();
    // Copy mode's variables (pane_in_mode, scroll_position, copy_cursor_x...).
    if let Some(v) = pane.and_then(|p| crate::copy::format_var(p, name)) {
        return v;
    }
    if let Some(v) = pane_variable(state, ctx, name) {
        return v;
    }
    // A running hook's variables (`#{hook}`, `#{hook_pane}`...).
    if (name == "hook" || name.starts_with("hook_"))
        && let Some(v) = crate::hooks::format_var(state, name)
    {
        return v;
    }
    match name {
        "session_name" => session.map(|s| s.name.clone()).unwrap_or_default(),
        "session_id" => session.map(|s| format!("${}", s.id)).unwrap_or_default(),
        "session_windows" => session
            .map(|s| s.windows.len().to_string())
            .unwrap_or_default(),
        "session_attached" => session
            .map(|s| {
                let n = state.clients.values().filter(|c| c.session == s.id).count();
                n.to_string()
            })
            .unwrap_or_default(),
        "session_created" => session.map(|s| s.created.to_string()).unwrap_or_default(),
        "window_index" => window.map(|_| ctx.window.to_string()).unwrap_or_default(),
        "window_id" => window.map(|w| format!("@{}", w.id)).unwrap_or_default(),
        "window_name" => window_name(state, ctx.session, ctx.window),
        "window_width" => window.map(|w| w.sx.to_string()).unwrap_or_default(),
        "window_height" => window.map(|w| w.sy.to_string()).unwrap_or_default(),
        "window_panes" => window
            .map(|w| w.pane_ids().len().to_string())
            .unwrap_or_default(),
        "window_active" => b(session.is_some_and(|s| s.current == ctx.window)),
        "window_flags" => window_flags(state, ctx.session, ctx.window),
        "pane_index" => window
            .and_then(|w| w.pane_index(ctx.pane))
            .map(|i| {
                let base = state.option_num(ctx.session, ctx.window, "pane-base-index");
                (i64::try_from(i).unwrap_or(0) + base).to_string()
            })
            .unwrap_or_default(),
        "window_zoomed_flag" => b(window.is_some_and(|w| w.zoomed.is_some())),
        "host" => hostname(),
        "host_short" => hostname().split('.').next().unwrap_or_default().to_string(),
        "pid" => std::process::id().to_string(),
        // Any option by name, as tmux's formats allow (`#{base-index}`).
        _ if crate::options::TABLE.iter().any(|d| d.name == name) || name.starts_with('@') => {
            option_variable(state, ctx, name)
        }
        // The relay's SET_ENV values (`#{tmate_ssh}`), tmate's format variables.
        _ => state
            .tmate
            .env
            .get(name)
            .cloned()
            .or_else(|| environment_value(state, session, name))
            .unwrap_or_default(),
    }
}

/// An option's value as a format variable.
fn option_variable(state: &State, ctx: Ctx, name: &str) -> String {
    let value = state.option(ctx.session, ctx.window, name);
    // tmux gives flag options as numbers in formats (`#{?synchronize-panes,...}`).
    let flag = crate::options::lookup(name).is_ok_and(|d| d.kind == crate::options::Kind::Flag);
    match value.as_str() {
        "on" if flag => "1".into(),
        "off" if flag => "0".into(),
        _ => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditionals_and_literals() {
        let st = State::default();
        let ctx = Ctx {
            session: 0,
            window: 0,
            pane: 0,
        };
        assert_eq!(expand(&st, ctx, "a##b#{?session_name,x,y}"), "a#by");
        assert_eq!(expand(&st, ctx, "#{?#{==:1,1},yes,no}"), "yes");
        assert_eq!(expand(&st, ctx, "#{unterminated"), "");
        assert_eq!(expand(&st, ctx, "#[fg=red]x"), "#[fg=red]x");
    }

    #[test]
    fn times_as_ctime() {
        let mut st = State::default();
        st.tmate.env.insert("stamp".into(), "1764936000".into());
        let ctx = Ctx::NONE;
        let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_764_936_000);
        assert_eq!(expand(&st, ctx, "#{t:stamp}"), tmate_term::clock::ctime(at));
        // Not a number: nothing, as tmux.
        st.tmate.env.insert("word".into(), "soon".into());
        assert_eq!(expand(&st, ctx, "#{t:word}"), "");
    }
}
