//! A control client's notifications (tmux 3.3a's `control-notify.c`), found by comparing what
//! it last saw of the server with what is there now. The model records no events (state.rs
//! stays free of per-client bookkeeping), so every change a command or a pane's end makes is
//! seen the same way, wherever it came from. The order follows what tmux 3.3a prints for one
//! command: the session's current window, windows closed and added, the session list, the
//! client's session, renames, active panes, layouts, pane modes.

use std::collections::BTreeMap;

use crate::state::State;

/// What a control client is told about one session.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SessionSeen {
    name: String,
    /// The current window's id.
    current: Option<u32>,
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
}

/// The server as a control client last saw it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Seen {
    client_session: Option<u32>,
    sessions: BTreeMap<u32, SessionSeen>,
    windows: BTreeMap<u32, WindowSeen>,
    /// Panes and the modes each is in (copy mode, clock-mode).
    pane_modes: BTreeMap<u32, (bool, bool)>,
    /// The other clients: their names and sessions.
    clients: BTreeMap<u32, (String, u32)>,
}

impl Seen {
    /// The server now, for a client of `client_session`.
    pub fn take(st: &State, client_session: Option<u32>, me: u32) -> Seen {
        let mut seen = Seen {
            client_session,
            ..Seen::default()
        };
        for (sid, s) in &st.sessions {
            seen.sessions.insert(
                *sid,
                SessionSeen {
                    name: s.name.clone(),
                    current: s.windows.get(&s.current).map(|w| w.id),
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
                    },
                );
            }
        }
        for (id, p) in &st.panes {
            // Copy mode and clock-mode: tmux sends %pane-mode-changed as either comes or goes.
            seen.pane_modes
                .insert(*id, (p.copy.is_some(), p.clock.is_some()));
        }
        for (id, c) in st.clients.iter().filter(|(id, _)| **id != me) {
            seen.clients.insert(*id, (c.name.clone(), c.session));
        }
        seen
    }

    /// The notification lines (without newlines) from `self` to `now`, in tmux's order.
    pub fn changes(&self, now: &Seen) -> Vec<String> {
        let mut out = Vec::new();
        for (sid, s) in &now.sessions {
            if let Some(old) = self.sessions.get(sid)
                && old.current != s.current
                && let Some(w) = s.current
            {
                out.push(format!("%session-window-changed ${sid} @{w}"));
            }
        }
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
        for (id, mode) in &now.pane_modes {
            if self.pane_modes.get(id).is_some_and(|m| m != mode) {
                out.push(format!("%pane-mode-changed %{id}"));
            }
        }
        out
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

    /// Renames, active panes and layouts of windows seen both times.
    fn window_changes(&self, now: &Seen, out: &mut Vec<String>) {
        let both = || {
            now.windows
                .iter()
                .filter_map(|(id, w)| Some((id, self.windows.get(id)?, w)))
        };
        for (id, old, w) in both() {
            if old.name != w.name {
                out.push(now.window_line(w.session, "renamed", &format!("@{id} {}", w.name)));
            }
        }
        for (id, old, w) in both() {
            if old.active != w.active {
                out.push(format!("%window-pane-changed @{id} %{}", w.active));
            }
        }
        // A client that just changed session hears of its windows' layouts when they next
        // change, not now (tmux tells layouts as they change).
        if now.client_session != self.client_session {
            return;
        }
        for (id, old, w) in both() {
            if let (Some(a), Some(b)) = (&old.layout, &w.layout)
                && (a.0 != b.0 || a.1 != b.1)
            {
                out.push(format!("%layout-change @{id} {} {} {}", b.0, b.1, b.2));
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
        let b = seen(Some(0), &[(0, window(0, "sh", 1, "L1"))]);
        assert_eq!(
            a.changes(&b),
            ["%window-pane-changed @0 %1", "%layout-change @0 L1 L1 *"]
        );
        let c = seen(
            Some(0),
            &[(0, window(0, "sh", 1, "L1")), (1, window(0, "x", 2, "L2"))],
        );
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
