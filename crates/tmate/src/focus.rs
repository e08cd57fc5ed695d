//! Focus as tmux 3.3a keeps it (`window_pane_update_focus`, tty-keys' focus reports): a pane
//! is focused when it is its window's active pane and a focused client shows that window.
//! When that changes the pane gets `ESC [ I` / `ESC [ O` if its program asked for them
//! (`ESC [ ? 1004 h`) and pane-focus-in/-out is raised. Clients are focused until their
//! terminal says otherwise; with `focus-events` on their terminal is asked for reports.

use crate::state::State;

/// What a pane that asked for focus reports is sent when it gains focus.
const FOCUS_IN: &[u8] = b"\x1b[I";
/// What it is sent when it loses focus.
const FOCUS_OUT: &[u8] = b"\x1b[O";

/// The `focus-events` server option.
pub fn events_on(st: &State) -> bool {
    st.options
        .get(crate::options::Scope::Server, "focus-events")
        == Some("on")
}

/// tmux `window_pane_update_focus`: find whether `pane` is focused now and tell it and the
/// hooks when that changed.
pub fn update_pane(st: &mut State, pane: u32) {
    let Some((sid, idx)) = st.locate_pane(pane) else {
        return;
    };
    let active = st.window(sid, idx).is_some_and(|w| w.active == pane);
    let shown = st.sessions.get(&sid).is_some_and(|s| s.current == idx);
    let focused = active && shown && st.clients.values().any(|c| c.focused && c.session == sid);
    let Some(p) = st.panes.get_mut(&pane) else {
        return;
    };
    if p.focused == focused {
        return;
    }
    p.focused = focused;
    if p.term.modes().focus_events {
        p.write(if focused { FOCUS_IN } else { FOCUS_OUT }.to_vec());
    }
    let hook = if focused {
        "pane-focus-in"
    } else {
        "pane-focus-out"
    };
    st.notify_pane(hook, pane);
}

/// tmux `window_update_focus`: the window's active pane.
pub fn update_window(st: &mut State, sid: u32, idx: u32) {
    if let Some(active) = st.window(sid, idx).map(|w| w.active) {
        update_pane(st, active);
    }
}

/// The session's current window (a client came or went: tmux `server_client_set_session`).
pub fn update_session(st: &mut State, sid: u32) {
    if let Some(idx) = st.sessions.get(&sid).map(|s| s.current) {
        update_window(st, sid, idx);
    }
}

/// A focus report from a client's terminal (tmux's tty-keys): the client's flag, its
/// window's active pane, and client-focus-in/-out in tmux's order around the pane's hooks.
pub fn client_report(st: &mut State, client: u32, focused: bool) {
    let Some(c) = st.clients.get_mut(&client) else {
        return;
    };
    c.focused = focused;
    let sid = c.session;
    if focused {
        st.notify_client("client-focus-in", sid, client);
    }
    update_session(st, sid);
    if !focused {
        st.notify_client("client-focus-out", sid, client);
    }
}

/// A pane's program just asked for focus reports: with `focus-events` on it is told at once
/// whether it has focus (tmux's input.c on mode 1004).
pub fn reports_enabled(st: &State, pane: u32) {
    if !events_on(st) {
        return;
    }
    if let Some(p) = st.panes.get(&pane) {
        p.write(if p.focused { FOCUS_IN } else { FOCUS_OUT }.to_vec());
    }
}
