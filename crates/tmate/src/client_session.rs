//! A client's session changing, as tmux 3.3a's `server_client_set_session`: its last
//! session, both sessions' sizes and focus, the new session's activity, alerts and latest
//! client, and client-session-changed; where a destroyed session's clients go
//! (`detach-on-destroy`, tmux's `server_destroy_session`), and sessions left without clients
//! (`destroy-unattached`); and the sessions switch-client
//! `-n`/`-p` go to. Attached and control clients follow their handle's session on their next
//! wake.

use crate::state::{Sizer, State};

impl State {
    /// tmux `server_client_set_session` for a client that has a session: it moves to `sid`
    /// (the one it left becomes its last session), or stays there, which raises
    /// client-session-changed all the same, as in tmux.
    pub fn set_client_session(&mut self, client: u32, sid: u32) {
        let Some(c) = self.clients.get_mut(&client) else {
            return;
        };
        let old = c.session;
        if old != sid {
            c.last_session = Some(old);
        }
        c.session = sid;
        c.focused = true;
        if old != sid {
            crate::focus::update_session(self, old);
            self.recompute_size(old);
        }
        self.recompute_size(sid);
        self.touch(sid);
        client_arrived(self, sid, client);
        self.notify_client("client-session-changed", sid, client);
        self.destroy_unattached();
    }

    /// tmux `server_check_unattached`, after a client moved, came or went: every session no
    /// client shows whose `destroy-unattached` is on is destroyed (one never attached too).
    pub fn destroy_unattached(&mut self) {
        let gone: Vec<u32> = self
            .sessions
            .keys()
            .copied()
            .filter(|s| !self.clients.values().any(|c| c.session == *s))
            .filter(|s| self.session_option(*s, "destroy-unattached") == "on")
            .collect();
        for sid in gone {
            self.remove_session(sid);
        }
    }

    /// tmux `server_destroy_session`, before session `sid` goes: with `detach-on-destroy off`
    /// its clients go to the other session least recently active (tmux 3.3a compares
    /// activity times that way), with `no-detached` to such a session without clients; with
    /// `on`, or when there is none, they stay and end with the session.
    pub(crate) fn move_clients_off(&mut self, sid: u32) {
        let detached_only = match self.session_option(sid, "detach-on-destroy").as_str() {
            "off" => false,
            "no-detached" => true,
            _ => return,
        };
        let attached = |st: &State, s: u32| st.clients.values().any(|c| c.session == s);
        let Some(to) = self
            .sessions
            .values()
            .filter(|s| s.id != sid && !(detached_only && attached(self, s.id)))
            .min_by_key(|s| (s.activity_time, s.activity, s.name.clone()))
            .map(|s| s.id)
        else {
            return;
        };
        let leaving: Vec<u32> = self
            .clients
            .iter()
            .filter(|(_, c)| c.session == sid)
            .map(|(id, _)| *id)
            .collect();
        for client in leaving {
            self.set_client_session(client, to);
        }
    }

    /// tmux `session_next_session` (`forward`) and `session_previous_session`: the session
    /// after or before `from` in name order, wrapping around; `None` when it is the only one.
    pub fn neighbour_session(&self, from: u32, forward: bool) -> Option<u32> {
        let mut names: Vec<(&str, u32)> = self
            .sessions
            .values()
            .map(|s| (s.name.as_str(), s.id))
            .collect();
        names.sort_unstable();
        let at = names.iter().position(|(_, id)| *id == from)?;
        let n = names.len();
        let to = if forward {
            (at + 1) % n
        } else {
            (at + n - 1) % n
        };
        names.get(to).map(|(_, id)| *id).filter(|id| *id != from)
    }

    /// The client's last session while it still exists (`#{client_last_session}`,
    /// `switch-client -l`).
    pub fn last_session(&self, client: u32) -> Option<u32> {
        self.clients
            .get(&client)
            .and_then(|c| c.last_session)
            .filter(|s| self.sessions.contains_key(s))
    }
}

/// What a client coming to session `sid` does to it (tmux `server_client_set_session`): its
/// activity and attach times, its current window's alerts seen and the client its latest,
/// and the focus of that window's panes.
pub(crate) fn client_arrived(st: &mut State, sid: u32, client: u32) {
    let now = std::time::Instant::now();
    session_activity(st, sid, now);
    if let Some(s) = st.sessions.get_mut(&sid) {
        s.last_attached = s.activity_time;
        let current = s.current;
        if let Some(l) = s.windows.link_mut(&current) {
            l.alerts = crate::alerts::Alerts::default();
        }
    }
    let current = st.sessions.get(&sid).map(|s| s.current);
    if let Some(w) = current.and_then(|idx| st.window_mut(sid, idx)) {
        w.latest = Some(Sizer::Client(client));
    }
    crate::focus::update_session(st, sid);
}

/// tmux `session_update_activity` at `now`: the session's activity time, and its lock timer
/// restarted for `lock-after-time` while clients are attached, so that activity on any of a
/// session's clients keeps all of them unlocked. (The assume-paste clock, which tmux reads
/// from the same times, is the caller's: a key is timed against the activity before it.)
pub(crate) fn session_activity(st: &mut State, sid: u32, now: std::time::Instant) {
    let attached = st.clients.values().any(|c| c.session == sid);
    let after = st
        .session_option(sid, "lock-after-time")
        .parse::<u64>()
        .unwrap_or(0);
    if let Some(s) = st.sessions.get_mut(&sid) {
        s.activity_time = crate::state::now_secs();
        s.lock_at = (attached && after != 0)
            .then(|| now.checked_add(std::time::Duration::from_secs(after)))
            .flatten();
    }
}

/// The session lock timer's end (tmux `session_lock_timer`): when `lock-after-time` has
/// passed since the session's last activity, every client on it is locked, once (the timer
/// starts again with the next activity: a key, an attach, an unlock).
pub(crate) fn lock_if_idle(st: &mut State, sid: u32, now: std::time::Instant) {
    let Some(s) = st.sessions.get_mut(&sid) else {
        return;
    };
    if s.lock_at.is_none_or(|at| now < at) {
        return;
    }
    s.lock_at = None;
    crate::cmd::lock::lock_session_clients(st, sid);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{ClientHandle, Session};

    /// Sessions of one window each (window and pane ids are the session's).
    fn with_sessions(names: &[&str]) -> State {
        let mut st = State::default();
        for name in names {
            let sid = st.alloc_session();
            let window = crate::state::Window::new(sid, None, sid, 80, 24);
            let windows = std::iter::once((0, window)).collect();
            let mut s = Session::new(sid, name, windows, 0, (80, 24), 0);
            s.activity = u64::from(sid);
            st.sessions.insert(sid, s);
        }
        st
    }

    #[test]
    fn next_and_previous_go_by_name_and_wrap() {
        let st = with_sessions(&["b", "a", "c"]);
        let id = |name: &str| st.sessions.values().find(|s| s.name == name).unwrap().id;
        assert_eq!(st.neighbour_session(id("a"), true), Some(id("b")));
        assert_eq!(st.neighbour_session(id("c"), true), Some(id("a")));
        assert_eq!(st.neighbour_session(id("a"), false), Some(id("c")));
        let one = with_sessions(&["only"]);
        assert_eq!(one.neighbour_session(0, true), None);
        assert_eq!(one.neighbour_session(0, false), None);
    }

    #[test]
    fn moving_keeps_the_last_session_and_raises_the_hook() {
        let mut st = with_sessions(&["a", "b"]);
        let (tx, _rx) = tokio::sync::mpsc::channel(1);
        st.clients
            .insert(7, ClientHandle::new(0, tx, 0, "/dev/pts/9".into()));
        st.set_client_session(7, 1);
        assert_eq!(st.clients.get(&7).map(|c| c.session), Some(1));
        assert_eq!(st.last_session(7), Some(0));
        // The same session again: the last one stays.
        st.set_client_session(7, 1);
        assert_eq!(st.last_session(7), Some(0));
        let raised: Vec<_> = st.hooks.queue.iter().map(|n| n.name).collect();
        assert_eq!(raised, ["client-session-changed"; 2]);
        st.sessions.remove(&0);
        assert_eq!(st.last_session(7), None);
    }

    #[test]
    fn a_destroyed_session_moves_its_client_and_closes_once() {
        let mut st = with_sessions(&["a", "b"]);
        if let Some(s) = st.sessions.get_mut(&0) {
            s.options.insert("detach-on-destroy".into(), "off".into());
            // Left without clients by the move, it is destroyed from inside the move.
            s.options.insert("destroy-unattached".into(), "on".into());
        }
        let (tx, _rx) = tokio::sync::mpsc::channel(1);
        st.clients
            .insert(7, ClientHandle::new(0, tx, 0, "/dev/pts/9".into()));
        // Its last window closed (as its last pane exiting does).
        st.remove_window(0, 0);
        assert_eq!(st.clients.get(&7).map(|c| c.session), Some(1));
        assert!(!st.sessions.contains_key(&0));
        let raised: Vec<_> = st.hooks.queue.iter().map(|n| n.name).collect();
        assert_eq!(
            raised,
            [
                "window-unlinked",
                "client-session-changed",
                "session-closed"
            ]
        );
    }
}
