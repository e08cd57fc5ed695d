//! Target resolution (tmux `cmd-find.c`): what `-t` names — `sess:win.pane`, `$id`, `@id`,
//! `%id`, `=` for the pane under the mouse, `!`/`+N`/`-N`/`^`/`$`, names exact, by prefix or
//! by pattern — read as a session, window or pane by the command's target kind, with tmux's
//! fallbacks and error words. Pure: the model and the client that asked, nothing else.

use crate::server::ClientInfo;
use crate::state::State;

/// A resolved target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub session: u32,
    pub window: u32,
    pub pane: u32,
}

impl Target {
    pub fn fmt(self) -> crate::format::Ctx {
        crate::format::Ctx {
            session: self.session,
            window: self.window,
            pane: self.pane,
        }
    }
}

/// The current session: the client's own (inside a pane), else the most recently used.
pub fn current_session(client: &ClientInfo, state: &State) -> Option<u32> {
    if let Some((sid, _)) = client.pane.and_then(|p| state.locate_pane(p)) {
        return Some(sid);
    }
    state
        .sessions
        .values()
        .max_by_key(|s| (s.activity, s.id))
        .map(|s| s.id)
}

/// What a name that two sessions or windows match at once gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ambiguous {
    /// Nothing, as tmux's lookup fails.
    NoMatch,
    /// The first match: the state tmux's failed lookup leaves behind, which commands that may
    /// go on without a target (CMD_FIND_CANFAIL: display-message...) use; there a window part
    /// that matches nothing is also the session's current window.
    FirstMatch,
}

pub(super) fn find_session(state: &State, name: &str) -> Option<u32> {
    find_session_with(state, name, Ambiguous::NoMatch)
}

fn find_session_with(state: &State, name: &str, ambiguous: Ambiguous) -> Option<u32> {
    // `=NAME`: that name exactly (tmux's CMD_FIND_EXACT_SESSION).
    let (name, exact) = match name.strip_prefix('=') {
        Some(rest) => (rest, true),
        None => (name, false),
    };
    if let Some(id) = name.strip_prefix('$').and_then(|n| n.parse::<u32>().ok()) {
        return state.sessions.contains_key(&id).then_some(id);
    }
    let names = || state.sessions.values().map(|s| (s.id, s.name.as_str()));
    // tmux's order: the exact name, then the session of a client with that name (its
    // terminal, with or without `/dev/`), then (unless `=`) a prefix or pattern.
    if let Some(id) = match_name(names, name, true, ambiguous) {
        return Some(id);
    }
    if let Some(client) = client_named(state, name) {
        return state.clients.get(&client).map(|c| c.session);
    }
    if exact {
        return None;
    }
    match_name(names, name, false, ambiguous)
}

/// The client `name` names, as tmux's `cmd_find_client`: one trailing `:` dropped, then the
/// client's name (its terminal's path, or `client-N` for a control client) or that path
/// without `/dev/`.
pub(super) fn client_named(state: &State, name: &str) -> Option<u32> {
    let name = name.strip_suffix(':').unwrap_or(name);
    state
        .clients
        .iter()
        .find(|(_, c)| c.name == name || c.name.strip_prefix("/dev/") == Some(name))
        .map(|(id, _)| *id)
}

/// tmux's name lookup (`cmd_find_get_session`, `cmd_find_get_window_with_session`): an exact
/// name, else (unless `exact`) the start of a name, else an fnmatch(3) pattern; two matches at
/// the first stage that has any are no match at all (ambiguous), as in tmux, unless the
/// caller takes the first.
fn match_name<'a, T: Copy, I: Iterator<Item = (T, &'a str)>>(
    items: impl Fn() -> I,
    spec: &str,
    exact: bool,
    ambiguous: Ambiguous,
) -> Option<T> {
    let stages: [&dyn Fn(&str) -> bool; 3] = [
        &|name| name == spec,
        &|name| name.starts_with(spec),
        &|name| crate::format::matching::fnmatch(spec, name, false),
    ];
    // tmux reads an empty part as none (the current one) before any lookup.
    if spec.is_empty() {
        return None;
    }
    for (stage, matches) in stages.iter().enumerate() {
        if exact && stage > 0 {
            return None;
        }
        let mut found = items().filter(|(_, name)| matches(name)).map(|(id, _)| id);
        if let Some(first) = found.next() {
            let unique = found.next().is_none();
            return (unique || ambiguous == Ambiguous::FirstMatch).then_some(first);
        }
    }
    None
}

/// The window of session `sid` that `spec` names: `@id`, `+N`/`-N` (by number, wrapping, as
/// tmux's `winlink_next_by_number`), `!`, `^`, `$`, an index, else a name by [`match_name`];
/// `=NAME` takes an index or an exact name only.
pub(super) fn find_window(state: &State, sid: u32, spec: &str) -> Option<u32> {
    find_window_with(state, sid, spec, Ambiguous::NoMatch)
}

fn find_window_with(state: &State, sid: u32, spec: &str, ambiguous: Ambiguous) -> Option<u32> {
    let (spec, exact) = match spec.strip_prefix('=').filter(|s| !s.is_empty()) {
        Some(rest) => (rest, true),
        None => (spec, false),
    };
    // tmux's `cmd_find_window_table`.
    let spec = match spec {
        "{start}" => "^",
        "{last}" => "!",
        "{end}" => "$",
        "{next}" => "+",
        "{previous}" => "-",
        _ => spec,
    };
    let s = state.sessions.get(&sid)?;
    if spec.is_empty() {
        return Some(s.current);
    }
    if let Some(id) = spec.strip_prefix('@').and_then(|n| n.parse::<u32>().ok()) {
        // A linked window: the current index if it is one of its, else the lowest.
        let at = s.windows.indexes_of(id);
        return at
            .contains(&s.current)
            .then_some(s.current)
            .or_else(|| at.first().copied());
    }
    if !exact {
        let indexes: Vec<u32> = s.windows.keys().copied().collect();
        if let Some(found) = offset_from(&indexes, s.current, spec) {
            return found;
        }
        match spec {
            "!" => return s.last,
            "^" => return s.windows.keys().next().copied(),
            "$" => return s.windows.keys().next_back().copied(),
            _ => {}
        }
    }
    if !spec.starts_with(['+', '-'])
        && let Ok(idx) = spec.parse::<u32>()
        && s.windows.contains_key(&idx)
    {
        return Some(idx);
    }
    let names: Vec<(u32, String)> = s
        .windows
        .keys()
        .map(|i| (*i, crate::format::window_name(state, sid, *i)))
        .collect();
    match_name(
        || names.iter().map(|(i, n)| (*i, n.as_str())),
        spec,
        exact,
        ambiguous,
    )
}

/// `+N` / `-N` from `current` in `items` (N is 1 without digits), by number and wrapping
/// round, as tmux's `winlink_next_by_number` and `window_pane_next_by_number`: `Some(item)`
/// for an offset, `None` for any other word. A count that is not a number from 1 up counts as
/// 0, `current` itself, as tmux's failed `strtonum` does.
fn offset_from<T: Copy + PartialEq>(items: &[T], current: T, spec: &str) -> Option<Option<T>> {
    let forward = spec.starts_with('+');
    let rest = spec.strip_prefix(['+', '-'])?;
    let n = if rest.is_empty() {
        1
    } else {
        rest.parse::<usize>().unwrap_or(0)
    };
    let at = items.iter().position(|i| *i == current)?;
    let len = items.len();
    let step = n % len;
    let to = if forward {
        (at + step) % len
    } else {
        (at + len - step) % len
    };
    Some(items.get(to).copied())
}

fn find_pane(state: &State, sid: u32, idx: u32, spec: &str) -> Option<u32> {
    let w = state.window(sid, idx)?;
    let ids = w.pane_ids();
    // tmux's `cmd_find_pane_table`: `{last}` is `!`, `{top}` is `top`...
    let spec = match spec {
        "{last}" => "!",
        "{next}" => "+",
        "{previous}" => "-",
        _ => spec
            .strip_prefix('{')
            .and_then(|s| s.strip_suffix('}'))
            .filter(|s| pane_at_edge(w, s).is_some())
            .unwrap_or(spec),
    };
    let neighbour = |dir| super::pane::neighbour(state, sid, idx, w.active, dir);
    match spec {
        "" => Some(w.active),
        "!" => w.last,
        "{up-of}" => neighbour('U'),
        "{down-of}" => neighbour('D'),
        "{left-of}" => neighbour('L'),
        "{right-of}" => neighbour('R'),
        // A pane id in this window (tmux's `cmd_find_get_pane_with_window` tries `%N` first).
        _ if spec.starts_with('%') => spec
            .get(1..)
            .and_then(|n| n.parse::<u32>().ok())
            .filter(|id| ids.contains(id)),
        // `+N` / `-N` by number, wrapping (tmux's `window_pane_next_by_number`; a count that is
        // not a number from 1 up counts as 0, the active pane).
        _ if spec.starts_with(['+', '-']) => offset_from(&ids, w.active, spec).flatten(),
        _ => {
            let base = usize::try_from(state.option_num(sid, idx, "pane-base-index")).unwrap_or(0);
            spec.parse::<usize>()
                .ok()
                .and_then(|i| i.checked_sub(base))
                .and_then(|i| ids.get(i).copied())
                .or_else(|| pane_at_edge(w, spec))
        }
    }
}

/// `top`, `bottom-left`... (tmux's `window_find_string`): the visible pane at that edge or
/// corner of the window, its middle on the other axis, past a pane-border-status row; `None`
/// for any other word.
fn pane_at_edge(w: &crate::state::Window, word: &str) -> Option<u32> {
    let (mut x, mut y) = (w.sx / 2, w.sy / 2);
    let (top, bottom) = match w.pane_status {
        tmate_term::PaneStatus::Top => (1, w.sy.saturating_sub(1)),
        tmate_term::PaneStatus::Bottom => (0, w.sy.saturating_sub(2)),
        tmate_term::PaneStatus::Off => (0, w.sy.saturating_sub(1)),
    };
    let right = w.sx.saturating_sub(1);
    match word.to_ascii_lowercase().as_str() {
        "top" => y = top,
        "bottom" => y = bottom,
        "left" => x = 0,
        "right" => x = right,
        "top-left" => (x, y) = (0, top),
        "top-right" => (x, y) = (right, top),
        "bottom-left" => (x, y) = (0, bottom),
        "bottom-right" => (x, y) = (right, bottom),
        _ => return None,
    }
    // tmux's `window_get_active_at`: a pane's right and bottom border count as its own.
    w.pane_ids()
        .into_iter()
        .filter(|p| w.zoomed.is_none_or(|z| z == *p))
        .filter_map(|p| w.geometry(p))
        .find(|g| (g.xoff..=g.xoff + g.sx).contains(&x) && (g.yoff..=g.yoff + g.sy).contains(&y))
        .map(|g| g.id)
}

/// What a command's `-t` names, which decides how a bare word is read (tmux `CMD_FIND_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Find {
    Session,
    Window,
    Pane,
}

/// Resolve `-t` for a pane command.
pub fn resolve(client: &ClientInfo, state: &State, target: Option<&str>) -> Result<Target, String> {
    resolve_as(client, state, target, Find::Pane)
}

/// Resolve `-t` like tmux's `cmd_find_target`: `sess:win.pane`, `$id`, `@id`, `%id`; a bare
/// word is a session, window or pane by `find`.
pub fn resolve_as(
    client: &ClientInfo,
    state: &State,
    target: Option<&str>,
    find: Find,
) -> Result<Target, String> {
    resolve_with(client, state, target, find, Ambiguous::NoMatch)
}

/// [`resolve_as`] for a command that goes on when its target fails (tmux's CMD_FIND_CANFAIL):
/// a name two windows or sessions match is the first of them, as the state tmux's failed
/// lookup leaves behind (`display -p -t logs` with two `logs` windows shows the first).
pub fn resolve_leniently(
    client: &ClientInfo,
    state: &State,
    target: Option<&str>,
    find: Find,
) -> Result<Target, String> {
    resolve_with(client, state, target, find, Ambiguous::FirstMatch)
}

fn resolve_with(
    client: &ClientInfo,
    state: &State,
    target: Option<&str>,
    find: Find,
    ambiguous: Ambiguous,
) -> Result<Target, String> {
    let t = target.unwrap_or("");
    // `~` or `{marked}`: the marked pane, wherever it is.
    if t == "~" || t == "{marked}" {
        let m = state.marked().ok_or("no marked target")?;
        return Ok(Target {
            session: m.session,
            window: m.window,
            pane: m.pane,
        });
    }
    // `=`: the pane under the mouse, in a mouse binding.
    if t == "="
        && let Some(pane) = client.mouse.as_ref().and_then(|m| m.pane)
        && let Some((session, window)) = state.locate_pane(pane)
    {
        return Ok(Target {
            session,
            window,
            pane,
        });
    }
    // ...or the window of the status-line entry under it.
    if t == "="
        && let Some(window) = client.mouse.as_ref().and_then(|m| m.window)
        && let Some(session) = current_session(client, state)
        && let Some(pane) = state.window(session, window).map(|w| w.active)
    {
        return Ok(Target {
            session,
            window,
            pane,
        });
    }
    // ...or, for a click on no window (status-left, status-right), the current window of the
    // mouse's session (tmux's `cmd_mouse_window`). Without a mouse event `=` names nothing
    // (`no mouse target`): never a name to look up.
    if t == "=" {
        let session = client
            .mouse
            .as_ref()
            .and_then(|_| current_session(client, state))
            .ok_or("no mouse target")?;
        return resolve_path(client, state, &format!("${session}:"), Ambiguous::NoMatch);
    }
    let bare =
        !t.is_empty() && !t.contains(':') && !t.contains('.') && !t.starts_with(['$', '@', '%']);
    if bare && find != Find::Session {
        return resolve_bare(client, state, t, find, ambiguous);
    }
    // A bare word for a session command is a session only (tmux's CMD_FIND_SESSION reads it
    // as the session part; no window of the current session is tried, so `kill-session -t 0`
    // with no session `0` kills nothing).
    if bare && find_session_with(state, t, ambiguous).is_none() {
        return Err(format!("can't find session: {}", unexact(t)));
    }
    if let Some(found) = resolve_id(state, t)? {
        return Ok(found);
    }
    resolve_path(client, state, t, ambiguous)
}

/// `resolve_as` for a source that defaults to the marked pane (tmux CMD_FIND_DEFAULT_MARKED:
/// join-pane, move-pane, swap-pane and swap-window's `-s`): while a pane is marked it is the
/// current one, so no `-s` names it and relative words start from it.
pub fn resolve_source(
    client: &ClientInfo,
    state: &State,
    target: Option<&str>,
    find: Find,
) -> Result<Target, String> {
    match state.marked() {
        Some(m) => {
            let from_marked = ClientInfo {
                pane: Some(m.pane),
                ..client.clone()
            };
            resolve_as(&from_marked, state, target, find)
        }
        None => resolve_as(client, state, target, find),
    }
}

/// A bare word for a window or pane command: a pane of the current window (pane commands), a
/// window of the current session, else a session.
fn resolve_bare(
    client: &ClientInfo,
    state: &State,
    t: &str,
    find: Find,
    ambiguous: Ambiguous,
) -> Result<Target, String> {
    // A pane word keeps its `=` through tmux's pane, window and session lookups (only a
    // window or session part is read as exact), so no name matches it.
    if find == Find::Pane && t.starts_with('=') {
        return Err(format!("can't find pane: {t}"));
    }
    let session = current_session(client, state).ok_or("no current session")?;
    let own = client
        .pane
        .and_then(|p| state.locate_pane(p))
        .filter(|(s, _)| *s == session);
    let cur_window = own
        .map(|(_, w)| w)
        .or(state.sessions.get(&session).map(|s| s.current));
    // tmux falls back from pane to window to session (`cmd_find_get_pane`, `_window`).
    if find == Find::Pane
        && let Some(window) = cur_window
        && let Some(pane) = find_pane(state, session, window, t)
    {
        return Ok(Target {
            session,
            window,
            pane,
        });
    }
    if let Some(window) = find_window_with(state, session, t, ambiguous) {
        let pane = state
            .window(session, window)
            .map(|w| w.active)
            .ok_or("no pane")?;
        return Ok(Target {
            session,
            window,
            pane,
        });
    }
    // A window word's `=` asks for an exact window only: as a session it is a plain name
    // (tmux sets CMD_FIND_EXACT_WINDOW, not _SESSION, for it).
    let word = unexact(t);
    let Some(found) = find_session_with(state, word, ambiguous) else {
        return Err(match find {
            Find::Pane => format!("can't find pane: {t}"),
            _ => format!("can't find window: {word}"),
        });
    };
    resolve_as(client, state, Some(&format!("${found}")), Find::Session)
}

/// `%id` (that pane) and `@id` (that window's active pane); `Ok(None)` when `t` is neither.
fn resolve_id(state: &State, t: &str) -> Result<Option<Target>, String> {
    let err = || format!("can't find pane: {t}");
    if let Some(id) = t.strip_prefix('%').and_then(|n| n.parse::<u32>().ok()) {
        let (session, window) = state.locate_pane(id).ok_or_else(err)?;
        return Ok(Some(Target {
            session,
            window,
            pane: id,
        }));
    }
    if let Some(id) = t.strip_prefix('@').and_then(|n| n.parse::<u32>().ok()) {
        let (session, window) = state
            .locate_window(id)
            .ok_or_else(|| format!("can't find window: {t}"))?;
        let pane = state
            .window(session, window)
            .map(|w| w.active)
            .ok_or_else(err)?;
        return Ok(Some(Target {
            session,
            window,
            pane,
        }));
    }
    Ok(None)
}

/// `session:window.pane` with any part left out (the current one, or the client's own pane
/// when `t` is empty); a bare word that names no session may be a window of the current one.
fn resolve_path(
    client: &ClientInfo,
    state: &State,
    t: &str,
    ambiguous: Ambiguous,
) -> Result<Target, String> {
    let err = || format!("can't find pane: {t}");
    let (sess_part, rest) = match t.split_once(':') {
        Some((s, r)) => (Some(s), r),
        None if t.contains('.') => (None, t),
        None => (Some(t).filter(|s| !s.is_empty()), ""),
    };
    let session = match sess_part.filter(|s| !s.is_empty()) {
        Some(name) => match find_session_with(state, name, ambiguous) {
            Some(s) => s,
            // A bare word may be a window of the current session.
            None if !t.contains(':') => {
                let cur = current_session(client, state).ok_or("no current session")?;
                let w = find_window_with(state, cur, name, ambiguous)
                    .ok_or_else(|| format!("can't find session: {}", unexact(name)))?;
                let pane = state.window(cur, w).map(|w| w.active).ok_or_else(err)?;
                return Ok(Target {
                    session: cur,
                    window: w,
                    pane,
                });
            }
            None => return Err(format!("can't find session: {}", unexact(name))),
        },
        None => current_session(client, state).ok_or("no current session")?,
    };
    let (win_part, pane_part) = rest.split_once('.').unwrap_or((rest, ""));
    // Inside a pane with no explicit target, the client's own pane is the default.
    if t.is_empty()
        && let Some(p) = client.pane
        && let Some((s, w)) = state.locate_pane(p)
    {
        return Ok(Target {
            session: s,
            window: w,
            pane: p,
        });
    }
    let window = find_window_with(state, session, win_part, ambiguous)
        // tmux's failed window lookup leaves the session's current window in its state.
        .or_else(|| {
            (ambiguous == Ambiguous::FirstMatch)
                .then(|| state.sessions.get(&session).map(|s| s.current))
                .flatten()
        })
        .ok_or_else(|| format!("can't find window: {}", unexact(win_part)))?;
    // tmux names only the pane part it could not find.
    let pane = find_pane(state, session, window, pane_part)
        .ok_or_else(|| format!("can't find pane: {pane_part}"))?;
    Ok(Target {
        session,
        window,
        pane,
    })
}

/// A session or window part as tmux's errors name it: without the `=` that asked for an exact
/// match.
fn unexact(part: &str) -> &str {
    part.strip_prefix('=').unwrap_or(part)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::Dir;
    use crate::state::{Session, Window};

    /// Sessions `work` ($1: windows 0 "edit" with panes %1 %2 and 1 "logs" with %3) and
    /// `play` ($2: window 0 "game" with %4), `work` the most recently used; no processes.
    fn model() -> State {
        let mut state = State::default();
        let mut add = |id: u32, name: &str, windows: &[(u32, u32, &str, u32)], activity| {
            let windows = windows
                .iter()
                .map(|(idx, wid, wname, pane)| {
                    (
                        *idx,
                        Window::new(*wid, Some(wname.to_string()), *pane, 80, 24),
                    )
                })
                .collect::<crate::winlink::Windows>();
            state.sessions.insert(
                id,
                Session {
                    activity,
                    ..Session::new(id, name, windows, 0, (80, 24), 0)
                },
            );
        };
        add(1, "work", &[(0, 1, "edit", 1), (1, 2, "logs", 3)], 2);
        add(2, "play", &[(0, 3, "game", 4)], 1);
        state.split(1, 0, 1, Dir::LeftRight, 2).unwrap();
        state
    }

    fn outside() -> ClientInfo {
        ClientInfo::default()
    }

    fn target(session: u32, window: u32, pane: u32) -> Target {
        Target {
            session,
            window,
            pane,
        }
    }

    #[test]
    fn no_target_is_the_most_recent_sessions_current_pane() {
        let state = model();
        assert_eq!(resolve(&outside(), &state, None), Ok(target(1, 0, 2)));
    }

    #[test]
    fn inside_a_pane_no_target_is_that_pane() {
        let state = model();
        let client = ClientInfo {
            pane: Some(4),
            ..ClientInfo::default()
        };
        assert_eq!(resolve(&client, &state, None), Ok(target(2, 0, 4)));
    }

    #[test]
    fn ids_and_full_names() {
        let state = model();
        let c = outside();
        assert_eq!(resolve(&c, &state, Some("%3")), Ok(target(1, 1, 3)));
        assert_eq!(resolve(&c, &state, Some("@3")), Ok(target(2, 0, 4)));
        assert_eq!(resolve(&c, &state, Some("$2")), Ok(target(2, 0, 4)));
        assert_eq!(resolve(&c, &state, Some("work:logs")), Ok(target(1, 1, 3)));
        assert_eq!(resolve(&c, &state, Some("work:0.0")), Ok(target(1, 0, 1)));
        assert_eq!(resolve(&c, &state, Some("=play:")), Ok(target(2, 0, 4)));
    }

    #[test]
    fn relative_windows_and_panes() {
        let state = model();
        let c = outside();
        assert_eq!(resolve(&c, &state, Some(":$")), Ok(target(1, 1, 3)));
        assert_eq!(resolve(&c, &state, Some(":+")), Ok(target(1, 1, 3)));
        assert_eq!(resolve(&c, &state, Some(":^")), Ok(target(1, 0, 2)));
        // `-` from the active pane (%2, the second) is the first; `+` wraps round.
        assert_eq!(resolve(&c, &state, Some(".-")), Ok(target(1, 0, 1)));
        assert_eq!(resolve(&c, &state, Some(".+")), Ok(target(1, 0, 1)));
        assert_eq!(resolve(&c, &state, Some(".!")), Ok(target(1, 0, 1)));
    }

    #[test]
    fn a_bare_word_falls_back_from_pane_to_window_to_session() {
        let state = model();
        let c = outside();
        // A pane index of the current window, then a window of the current session, then a
        // session (tmux `cmd_find_get_pane` -> `_window` -> `_session`).
        assert_eq!(resolve(&c, &state, Some("0")), Ok(target(1, 0, 1)));
        assert_eq!(resolve(&c, &state, Some("logs")), Ok(target(1, 1, 3)));
        assert_eq!(resolve(&c, &state, Some("pla")), Ok(target(2, 0, 4)));
        // Read as a session first for a session command.
        assert_eq!(
            resolve_as(&c, &state, Some("play"), Find::Session),
            Ok(target(2, 0, 4))
        );
    }

    #[test]
    fn errors_in_tmux_words() {
        let state = model();
        let c = outside();
        assert_eq!(
            resolve(&c, &state, Some("nope")),
            Err("can't find pane: nope".to_string())
        );
        assert_eq!(
            resolve_as(&c, &state, Some("nope"), Find::Window),
            Err("can't find window: nope".to_string())
        );
        assert_eq!(
            resolve(&c, &state, Some("nope:1")),
            Err("can't find session: nope".to_string())
        );
        assert_eq!(
            resolve(&c, &state, Some("work:7")),
            Err("can't find window: 7".to_string())
        );
        assert_eq!(
            resolve(&c, &state, Some("work:0.5")),
            Err("can't find pane: 5".to_string())
        );
        assert_eq!(
            resolve(&c, &state, Some("%99")),
            Err("can't find pane: %99".to_string())
        );
        assert_eq!(
            resolve(&c, &State::default(), None),
            Err("no current session".to_string())
        );
    }
}
