//! A control client's notifications (tmux 3.3a's `control-notify.c`), found by comparing what
//! it last saw of the server with what is there now. The model keeps no per-client events
//! (state.rs stays free of per-client bookkeeping); for the notifications tmux tells of each
//! time they are raised (a session's current window, a window's active pane and layout, a
//! pane's mode) it counts how many were raised (`crate::changes`), and a client is told once
//! for each, with the values as they are now (as tmux formats them when the notification
//! runs, once the command list is done). The order follows what tmux 3.3a prints for one
//! command: the session's current window, windows closed and added, the session list, the
//! client's session, renames, active panes, layouts, pane modes.

use std::collections::BTreeMap;

use crate::changes::Raised;
use crate::state::State;

/// What a control client is told about one session.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SessionSeen {
    name: String,
    /// The current window's id.
    current: Option<u32>,
    /// session-window-changed raised.
    raised_window: Raised,
}

/// What a control client is told about one window.
#[derive(Debug, Clone, PartialEq, Eq)]
struct WindowSeen {
    session: u32,
    name: String,
    active: u32,
    /// `#{window_layout} #{window_visible_layout} #{window_raw_flags}`, for windows of the
    /// client's session only (the only ones it hears layouts of).
    layout: Option<(String, String, String)>,
    /// The indexes showing it (link-window): tmux tells of each link made or dropped.
    links: usize,
    /// window-pane-changed and window-layout-changed raised.
    raised_pane: Raised,
    raised_layout: Raised,
}

/// The server as a control client last saw it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Seen {
    client_session: Option<u32>,
    sessions: BTreeMap<u32, SessionSeen>,
    windows: BTreeMap<u32, WindowSeen>,
    /// Panes and the pane-mode-changed raised for each.
    pane_modes: BTreeMap<u32, Raised>,
    /// The last notification raised then (`State::raised_seq`).
    raised_seq: u64,
    /// The other clients: their names and sessions.
    clients: BTreeMap<u32, (String, u32)>,
}

impl Seen {
    /// The server now, for a client of `client_session`.
    pub fn take(st: &State, client_session: Option<u32>, me: u32) -> Seen {
        let mut seen = Seen {
            client_session,
            raised_seq: st.raised_seq,
            ..Seen::default()
        };
        for (sid, s) in &st.sessions {
            seen.sessions.insert(
                *sid,
                SessionSeen {
                    name: s.name.clone(),
                    current: s.windows.get(&s.current).map(|w| w.id),
                    raised_window: s.raised_window.clone(),
                },
            );
            for (idx, w) in &s.windows {
                // A linked window is seen at its first index, counted at each.
                if let Some(seen_w) = seen.windows.get_mut(&w.id) {
                    seen_w.links += 1;
                    continue;
                }
                let layout = (client_session == Some(*sid)).then(|| layout_of(st, *sid, *idx));
                seen.windows.insert(
                    w.id,
                    WindowSeen {
                        session: *sid,
                        name: crate::format::window_name(st, *sid, *idx),
                        active: w.active,
                        layout,
                        links: 1,
                        raised_pane: w.raised_pane.clone(),
                        raised_layout: w.raised_layout.clone(),
                    },
                );
            }
        }
        for (id, p) in &st.panes {
            seen.pane_modes.insert(*id, p.raised_mode.clone());
        }
        for (id, c) in st.clients.iter().filter(|(id, _)| **id != me) {
            seen.clients.insert(*id, (c.name.clone(), c.session));
        }
        seen
    }

    /// The notification lines (without newlines) from `self` to `now`, in tmux's order.
    pub fn changes(&self, now: &Seen) -> Vec<String> {
        let mut out = self.raised_since(now, true);
        // A closed window is no longer in any session when tmux tells of it, so it is an
        // "unlinked" close even in the client's own session (as tmux 3.3a prints it).
        for (id, w) in self
            .windows
            .iter()
            .filter(|(id, _)| !now.windows.contains_key(*id))
        {
            for _ in 0..w.links {
                out.push(format!("%unlinked-window-close @{id}"));
            }
        }
        for (id, w) in now
            .windows
            .iter()
            .filter(|(id, _)| !self.windows.contains_key(*id))
        {
            out.push(now.window_line(w.session, "add", &format!("@{id}")));
        }
        // Links made or dropped while the window stays (tmux's window-linked/-unlinked).
        for (id, w) in &now.windows {
            let Some(old) = self.windows.get(id) else {
                continue;
            };
            let (what, n) = if w.links > old.links {
                ("add", w.links - old.links)
            } else {
                ("close", old.links - w.links)
            };
            for _ in 0..n {
                out.push(now.window_line(w.session, what, &format!("@{id}")));
            }
        }
        let before: Vec<&u32> = self.sessions.keys().collect();
        let after: Vec<&u32> = now.sessions.keys().collect();
        if before != after {
            out.push("%sessions-changed".into());
        }
        for (sid, s) in &now.sessions {
            if self.sessions.get(sid).is_some_and(|o| o.name != s.name) {
                out.push(format!("%session-renamed ${sid} {}", s.name));
            }
        }
        if now.client_session != self.client_session
            && let Some(sid) = now.client_session
            && let Some(s) = now.sessions.get(&sid)
        {
            out.push(format!("%session-changed ${sid} {}", s.name));
        }
        // Another client attaching is told before the resize it causes.
        self.client_changes(now, &mut out);
        self.window_changes(now, &mut out);
        out.extend(self.raised_since(now, false));
        out
    }

    /// The notifications tmux tells of as they are raised, raised since `self` for what was
    /// there then, in the order raised, with the values `now` has: sessions' current windows
    /// (`sessions`, told first), else active panes, layouts and pane modes (told last).
    fn raised_since(&self, now: &Seen, sessions: bool) -> Vec<String> {
        let seen = self.raised_seq;
        let mut told: Vec<(u64, String)> = Vec::new();
        for (sid, s) in now.sessions.iter().filter(|_| sessions) {
            if self.sessions.contains_key(sid)
                && let Some(w) = s.current
            {
                let line = format!("%session-window-changed ${sid} @{w}");
                told.extend(s.raised_window.after(seen).map(|n| (n, line.clone())));
            }
        }
        for (id, old, w) in now
            .windows
            .iter()
            .filter(|_| !sessions)
            .filter_map(|(id, w)| Some((id, self.windows.get(id)?, w)))
        {
            let line = format!("%window-pane-changed @{id} %{}", w.active);
            told.extend(w.raised_pane.after(seen).map(|n| (n, line.clone())));
            // A client that just changed session hears of its windows' layouts when they
            // next change, not now (tmux tells layouts as they change).
            if now.client_session == self.client_session
                && old.layout.is_some()
                && let Some(b) = &w.layout
            {
                let line = format!("%layout-change @{id} {} {} {}", b.0, b.1, b.2);
                told.extend(w.raised_layout.after(seen).map(|n| (n, line.clone())));
            }
        }
        for (id, raised) in now.pane_modes.iter().filter(|_| !sessions) {
            if self.pane_modes.contains_key(id) {
                let line = format!("%pane-mode-changed %{id}");
                told.extend(raised.after(seen).map(|n| (n, line.clone())));
            }
        }
        told.sort_by_key(|(n, _)| *n);
        told.into_iter().map(|(_, line)| line).collect()
    }

    /// Other clients that came to a session (tmux `control_notify_client_session_changed`)
    /// or went (`control_notify_client_detached`).
    fn client_changes(&self, now: &Seen, out: &mut Vec<String>) {
        for (id, (name, sid)) in &now.clients {
            if self.clients.get(id).is_none_or(|(_, old)| old != sid)
                && let Some(s) = now.sessions.get(sid)
            {
                out.push(format!("%client-session-changed {name} ${sid} {}", s.name));
            }
        }
        for (id, (name, _)) in &self.clients {
            if !now.clients.contains_key(id) {
                out.push(format!("%client-detached {name}"));
            }
        }
    }

    /// Renames of windows seen both times.
    fn window_changes(&self, now: &Seen, out: &mut Vec<String>) {
        for (id, w) in &now.windows {
            if self.windows.get(id).is_some_and(|old| old.name != w.name) {
                out.push(now.window_line(w.session, "renamed", &format!("@{id} {}", w.name)));
            }
        }
    }

    /// `%window-WHAT` for a window of the client's session, else `%unlinked-window-WHAT`.
    fn window_line(&self, session: u32, what: &str, rest: &str) -> String {
        if self.client_session == Some(session) {
            format!("%window-{what} {rest}")
        } else {
            format!("%unlinked-window-{what} {rest}")
        }
    }
}

/// A window's layout, visible layout and raw flags, as `%layout-change` prints them.
fn layout_of(st: &State, sid: u32, idx: u32) -> (String, String, String) {
    let Some(w) = st.window(sid, idx) else {
        return Default::default();
    };
    let layout = crate::layout_string::dump(&w.layout).unwrap_or_default();
    let visible = match w.zoomed {
        Some(z) => crate::layout_string::dump(&crate::layout::Cell::pane(z, w.sx, w.sy))
            .unwrap_or_default(),
        None => layout.clone(),
    };
    (layout, visible, crate::format::window_flags(st, sid, idx))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(session: u32, name: &str, active: u32, layout: &str) -> WindowSeen {
        WindowSeen {
            session,
            name: name.into(),
            active,
            layout: Some((layout.into(), layout.into(), "*".into())),
            links: 1,
            raised_pane: Raised::default(),
            raised_layout: Raised::default(),
        }
    }

    fn seen(client: Option<u32>, windows: &[(u32, WindowSeen)]) -> Seen {
        let mut s = Seen {
            client_session: client,
            ..Seen::default()
        };
        s.sessions.insert(
            0,
            SessionSeen {
                name: "0".into(),
                current: windows.last().map(|(id, _)| *id),
                raised_window: Raised::default(),
            },
        );
        s.windows = windows.iter().cloned().collect();
        s
    }

    #[test]
    fn each_link_made_or_dropped_is_told() {
        let one = seen(Some(0), &[(0, window(0, "sh", 0, "L0"))]);
        let mut two = one.clone();
        if let Some(w) = two.windows.get_mut(&0) {
            w.links = 2;
        }
        assert_eq!(one.changes(&two), ["%window-add @0"]);
        assert_eq!(two.changes(&one), ["%window-close @0"]);
        let none = seen(Some(0), &[]);
        assert_eq!(
            two.changes(&none),
            ["%unlinked-window-close @0", "%unlinked-window-close @0"]
        );
    }

    #[test]
    fn a_new_session_tells_window_sessions_and_session() {
        let before = Seen::default();
        let after = seen(Some(0), &[(0, window(0, "sh", 0, "L0"))]);
        assert_eq!(
            before.changes(&after),
            [
                "%window-add @0",
                "%sessions-changed",
                "%session-changed $0 0"
            ]
        );
    }

    #[test]
    fn split_rename_and_new_window() {
        let a = seen(Some(0), &[(0, window(0, "sh", 0, "L0"))]);
        let mut b = seen(Some(0), &[(0, window(0, "sh", 1, "L1"))]);
        // Told as often as raised, in the order raised, with the values as they are now.
        if let Some(w) = b.windows.get_mut(&0) {
            w.raised_layout.push(1);
            w.raised_pane.push(2);
            w.raised_layout.push(3);
        }
        b.raised_seq = 3;
        assert_eq!(
            a.changes(&b),
            [
                "%layout-change @0 L1 L1 *",
                "%window-pane-changed @0 %1",
                "%layout-change @0 L1 L1 *"
            ]
        );
        let mut c = seen(
            Some(0),
            &[(0, window(0, "sh", 1, "L1")), (1, window(0, "x", 2, "L2"))],
        );
        c.windows.insert(0, b.windows[&0].clone());
        if let Some(s) = c.sessions.get_mut(&0) {
            s.raised_window.push(4);
        }
        c.raised_seq = 4;
        assert_eq!(
            b.changes(&c),
            ["%session-window-changed $0 @1", "%window-add @1"]
        );
        let mut d = c.clone();
        if let Some(w) = d.windows.get_mut(&1) {
            w.name = "bar".into();
        }
        assert_eq!(c.changes(&d), ["%window-renamed @1 bar"]);
        // Another session's window is "unlinked".
        let mut e = d.clone();
        e.windows.insert(5, window(3, "sh", 7, "L"));
        assert_eq!(d.changes(&e), ["%unlinked-window-add @5"]);
        assert_eq!(e.changes(&d), ["%unlinked-window-close @5"]);
    }
}
