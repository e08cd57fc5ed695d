//! Notifications found by comparing the model with what the hooks last saw, for changes made
//! in many places (tmux raises them where it changes the state): a session's current window
//! (session-window-changed), a window's active pane (window-pane-changed) and size
//! (window-resized), copy, view and clock mode coming or going (pane-mode-changed; tree modes
//! raise it themselves), titles set by OSC 0/2 or `select-pane -T` (pane-title-changed).
//! New and closed objects raise nothing here, as tmux's do not (new-session, new-window -d).

use std::collections::BTreeMap;

use crate::state::State;

/// What the hooks last saw.
#[derive(Debug, Default)]
pub struct Seen {
    /// Session id to its current window's id.
    sessions: BTreeMap<u32, u32>,
    /// Window id to its active pane and size.
    windows: BTreeMap<u32, (u32, u16, u16)>,
    /// Pane id to its mode stack (copy or view mode, copy mode over view mode, clock mode).
    modes: BTreeMap<u32, (u8, bool)>,
}

/// The model as the comparison sees it.
fn look(state: &State) -> Seen {
    let mut seen = Seen::default();
    for (sid, s) in &state.sessions {
        if let Some(w) = s.windows.get(&s.current) {
            seen.sessions.insert(*sid, w.id);
        }
        for w in s.windows.values() {
            seen.windows.insert(w.id, (w.active, w.sx, w.sy));
        }
    }
    for (id, p) in &state.panes {
        let copy = p
            .copy
            .as_ref()
            .map_or(0, |c| 1 + u8::from(c.under.is_some()));
        seen.modes.insert(*id, (copy, p.clock.is_some()));
    }
    seen
}

/// Queue the notifications for what changed since the last look, and look again.
pub fn detect(state: &mut State) {
    let now = look(state);
    let before = std::mem::take(&mut state.hooks.seen);
    let focus_events = crate::focus::events_on(state);
    for (sid, wid) in &now.sessions {
        let Some(old) = before.sessions.get(sid).filter(|w| *w != wid) else {
            continue;
        };
        // tmux `session_set_current`: focus moves with the window when focus-events is on.
        if focus_events {
            for w in [old, wid] {
                if let Some((active, _, _)) = now.windows.get(w) {
                    crate::focus::update_pane(state, *active);
                }
            }
        }
        state.notify_session("session-window-changed", *sid);
    }
    for (wid, (active, sx, sy)) in &now.windows {
        let Some((was_active, was_x, was_y)) = before.windows.get(wid) else {
            continue;
        };
        if was_active != active {
            // tmux `window_set_active_pane` (with focus-events on), or `window_lost_pane`
            // (always) when the active pane went away.
            let lost = !state.panes.contains_key(was_active);
            if focus_events || lost {
                crate::focus::update_pane(state, *was_active);
                crate::focus::update_pane(state, *active);
            }
            notify_window(state, "window-pane-changed", *wid);
        }
        if (was_x, was_y) != (sx, sy) {
            notify_window(state, "window-resized", *wid);
        }
    }
    for (pane, mode) in &now.modes {
        if before.modes.get(pane).is_some_and(|m| m != mode) {
            notify_pane(state, "pane-mode-changed", *pane);
        }
    }
    let titled: Vec<(u32, u32)> = state
        .panes
        .iter_mut()
        .map(|(id, p)| (*id, p.term.take_title_set()))
        .filter(|(_, n)| *n > 0)
        .collect();
    for (pane, times) in titled {
        titles_set(state, pane, times);
    }
    state.hooks.seen = now;
}

/// Take what changed as seen without raising anything: what a hook's own commands did (tmux
/// queues no notifications while a hook runs).
pub fn absorb(state: &mut State) {
    for p in state.panes.values_mut() {
        p.term.take_title_set();
    }
    state.hooks.seen = look(state);
}

/// pane-title-changed for each title set (no more than the queue holds).
pub fn titles_set(state: &mut State, pane: u32, times: u32) {
    for _ in 0..times.min(256) {
        notify_pane(state, "pane-title-changed", pane);
    }
}

/// tmux `notify_window`: about the window alone (`#{hook_window}`, no session).
fn notify_window(state: &mut State, name: &'static str, wid: u32) {
    let mut n = crate::hooks::Notification::new(name);
    n.window = Some(wid);
    n.window_name = state
        .locate_window(wid)
        .map(|(sid, idx)| crate::format::window_name(state, sid, idx));
    state.notify_hook(n);
}

/// tmux `notify_pane`: about the pane alone (`#{hook_pane}`).
pub fn notify_pane(state: &mut State, name: &'static str, pane: u32) {
    let mut n = crate::hooks::Notification::new(name);
    n.pane = Some(pane);
    state.notify_hook(n);
}
