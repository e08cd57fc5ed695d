//! Target resolution (tmux `cmd-find.c`): what `-t` names — `sess:win.pane`, `$id`, `@id`,
//! `%id`, `=` for the pane under the mouse, `!`/`+`/`-`/`^`/`$` — read as a session, window or
//! pane by the command's target kind, with tmux's fallbacks and error words. Pure: the model and
//! the client that asked, nothing else.

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

fn find_session(state: &State, name: &str) -> Option<u32> {
    let name = name.strip_prefix('=').unwrap_or(name);
    if let Some(id) = name.strip_prefix('$').and_then(|n| n.parse::<u32>().ok()) {
        return state.sessions.contains_key(&id).then_some(id);
    }
    if let Some(s) = state.sessions.values().find(|s| s.name == name) {
        return Some(s.id);
    }
    let pre: Vec<u32> = state
        .sessions
        .values()
        .filter(|s| s.name.starts_with(name))
        .map(|s| s.id)
        .collect();
    match pre.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

fn find_window(state: &State, sid: u32, spec: &str) -> Option<u32> {
    // `=N`: exact match only, which is all we do anyway.
    let spec = spec
        .strip_prefix('=')
        .filter(|s| !s.is_empty())
        .unwrap_or(spec);
    let s = state.sessions.get(&sid)?;
    match spec {
        "" => return Some(s.current),
        "!" => return s.last,
        "^" => return s.windows.keys().next().copied(),
        "$" => return s.windows.keys().next_back().copied(),
        "+" => return s.windows.range(s.current + 1..).next().map(|(i, _)| *i),
        "-" => return s.windows.range(..s.current).next_back().map(|(i, _)| *i),
        _ => {}
    }
    if let Some(id) = spec.strip_prefix('@').and_then(|n| n.parse::<u32>().ok()) {
        return s.windows.iter().find(|(_, w)| w.id == id).map(|(i, _)| *i);
    }
    if let Ok(idx) = spec.parse::<u32>() {
        return s.windows.contains_key(&idx).then_some(idx);
    }
    s.windows
        .keys()
        .copied()
        .find(|i| crate::format::window_name(state, sid, *i) == spec)
}

fn find_pane(state: &State, sid: u32, idx: u32, spec: &str) -> Option<u32> {
    let w = state.window(sid, idx)?;
    let ids = w.pane_ids();
    let pos = ids.iter().position(|p| *p == w.active)?;
    match spec {
        "" => Some(w.active),
        "!" => w.last,
        "+" => ids.get((pos + 1) % ids.len()).copied(),
        "-" => ids.get((pos + ids.len() - 1) % ids.len()).copied(),
        _ => {
            let base = usize::try_from(state.option_num(sid, idx, "pane-base-index")).unwrap_or(0);
            spec.parse::<usize>()
                .ok()
                .and_then(|i| i.checked_sub(base))
                .and_then(|i| ids.get(i).copied())
        }
    }
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
    let t = target.unwrap_or("");
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
    let bare =
        !t.is_empty() && !t.contains(':') && !t.contains('.') && !t.starts_with(['$', '@', '%']);
    if bare && find != Find::Session {
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
        if let Some(window) = find_window(state, session, t) {
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
        let Some(found) = find_session(state, t) else {
            return Err(match find {
                Find::Pane => format!("can't find pane: {t}"),
                _ => format!("can't find window: {t}"),
            });
        };
        return resolve_as(client, state, Some(&format!("${found}")), Find::Session);
    }
    let err = || format!("can't find pane: {t}");
    if let Some(id) = t.strip_prefix('%').and_then(|n| n.parse::<u32>().ok()) {
        let (session, window) = state.locate_pane(id).ok_or_else(err)?;
        return Ok(Target {
            session,
            window,
            pane: id,
        });
    }
    if let Some(id) = t.strip_prefix('@').and_then(|n| n.parse::<u32>().ok()) {
        let (session, window) = state
            .locate_window(id)
            .ok_or_else(|| format!("can't find window: {t}"))?;
        let pane = state
            .window(session, window)
            .map(|w| w.active)
            .ok_or_else(err)?;
        return Ok(Target {
            session,
            window,
            pane,
        });
    }
    let (sess_part, rest) = match t.split_once(':') {
        Some((s, r)) => (Some(s), r),
        None if t.contains('.') => (None, t),
        None => (Some(t).filter(|s| !s.is_empty()), ""),
    };
    let session = match sess_part.filter(|s| !s.is_empty()) {
        Some(name) => match find_session(state, name) {
            Some(s) => s,
            // A bare word may be a window of the current session.
            None if !t.contains(':') => {
                let cur = current_session(client, state).ok_or("no current session")?;
                let w = find_window(state, cur, name)
                    .ok_or_else(|| format!("can't find session: {name}"))?;
                let pane = state.window(cur, w).map(|w| w.active).ok_or_else(err)?;
                return Ok(Target {
                    session: cur,
                    window: w,
                    pane,
                });
            }
            None => return Err(format!("can't find session: {name}")),
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
    let window = find_window(state, session, win_part)
        .ok_or_else(|| format!("can't find window: {win_part}"))?;
    // tmux names only the pane part it could not find.
    let pane = find_pane(state, session, window, pane_part)
        .ok_or_else(|| format!("can't find pane: {pane_part}"))?;
    Ok(Target {
        session,
        window,
        pane,
    })
}
