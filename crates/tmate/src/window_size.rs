//! Window sizes from the clients' (tmux 3.3a `resize.c`): `window-size` `smallest`,
//! `largest`, `latest` and `manual`, `aggressive-resize`, each window's latest client, and the
//! size a new window starts at. The relay's viewers take part as one more client whose size is
//! their smallest read-write viewer's (tmate's rule): counted by `smallest` and `largest`, and
//! the latest one of a window after a viewer typed into it or the viewers' size changed.

use crate::state::{Sizer, State};

impl State {
    /// What may size a window of `sid`: its attached clients that have a size (tmux
    /// `ignore_client_size`: `ignore-size` clients only when every client is one) and the
    /// relay's viewers.
    fn sizers(&self, sid: Option<u32>) -> Vec<(Sizer, (u16, u16))> {
        let all_ignore = self.clients.values().all(|c| c.ignore_size);
        let clients = self
            .clients
            .iter()
            .filter(|(_, c)| sid.is_none_or(|s| c.session == s) && (all_ignore || !c.ignore_size))
            .filter_map(|(id, c)| Some((Sizer::Client(*id), c.size?)));
        clients
            .chain(self.tmate.remote_size.map(|s| (Sizer::Relay, s)))
            .collect()
    }

    /// tmux `clients_calculate_size` for window (`sid`, `idx`) by its `window-size`; `None`
    /// when nothing sizes it (it keeps its size).
    pub fn window_size_for(&self, sid: u32, idx: u32) -> Option<(u16, u16)> {
        let kind = self.option(sid, idx, "window-size");
        if kind == "manual" {
            return self.manual_window_size(sid, idx);
        }
        let s = self.sessions.get(&sid)?;
        let w = s.windows.get(&idx)?;
        // aggressive-resize: only clients whose current window it is; a session's clients
        // (and the relay's viewers) all show the session's current window.
        if self.option(sid, idx, "aggressive-resize") == "on" && s.current != idx {
            return None;
        }
        let mut sizers = self.sizers(Some(sid));
        // latest: with more than one client, the window's latest client alone.
        if kind == "latest" && sizers.len() > 1 {
            sizers.retain(|(who, _)| w.latest == Some(*who));
        }
        let sizes = sizers.into_iter().map(|(_, size)| size);
        if kind == "largest" {
            sizes.reduce(|a, b| (a.0.max(b.0), a.1.max(b.1)))
        } else {
            sizes.reduce(|a, b| (a.0.min(b.0), a.1.min(b.1)))
        }
    }

    /// tmux `recalculate_size` for every window of a session (a client came, went or
    /// changed size, the current window changed, an option changed). As in tmux, where a new
    /// size waits (`WINDOW_RESIZE`) until the window is current in a session with clients,
    /// only the current window of a shown session changes now; the others when they are
    /// selected (which calls this again). `manual` sizes apply at once. The session's own
    /// size, which the relay's layout carries, stays tmate's rule: the smallest of its
    /// clients and the viewers.
    pub fn recompute_size(&mut self, sid: u32) {
        self.recalculate(sid, false);
    }

    /// `recompute_size` resizing every window at once (tmux `recalculate_sizes_now(1)`, as
    /// `refresh-client` does).
    pub fn recompute_size_now(&mut self, sid: u32) {
        self.recalculate(sid, true);
    }

    fn recalculate(&mut self, sid: u32, now: bool) {
        let Some(idxs) = self
            .sessions
            .get(&sid)
            .map(|s| s.windows.keys().copied().collect::<Vec<u32>>())
        else {
            return;
        };
        let smallest = self
            .sizers(Some(sid))
            .into_iter()
            .map(|(_, size)| size)
            .reduce(|a, b| (a.0.min(b.0), a.1.min(b.1)));
        let current = self.sessions.get(&sid).map(|s| s.current);
        if let (Some((sx, sy)), Some(s)) = (smallest, self.sessions.get_mut(&sid)) {
            s.sx = sx;
            s.sy = sy;
        }
        for idx in idxs {
            let shown = now || (current == Some(idx) && smallest.is_some());
            let manual = self.option(sid, idx, "window-size") == "manual";
            let wanted = self.window_size_for(sid, idx);
            let Some(w) = self.window_mut(sid, idx) else {
                continue;
            };
            let now = (w.sx, w.sy);
            if !(shown || manual) {
                // Kept for later; with no size asked for now, an earlier one still waits.
                if let Some(size) = wanted {
                    w.pending_size = (size != now).then_some(size);
                }
                continue;
            }
            match wanted.or(w.pending_size) {
                Some(size) if size != now => self.resize_window(sid, idx, size),
                _ => w.pending_size = None,
            }
        }
    }

    /// `recompute_size` for every session.
    pub fn recompute_all_sizes(&mut self) {
        let sids: Vec<u32> = self.sessions.keys().copied().collect();
        for sid in sids {
            self.recompute_size(sid);
        }
    }

    /// tmux `server_client_update_latest`: `who` typed or resized while showing `sid`; its
    /// current window's latest client becomes `who`, resizing it under `window-size latest`.
    pub fn update_latest(&mut self, sid: u32, who: Sizer) {
        let Some(idx) = self.sessions.get(&sid).map(|s| s.current) else {
            return;
        };
        let Some(w) = self.window_mut(sid, idx) else {
            return;
        };
        if w.latest == Some(who) {
            return;
        }
        w.latest = Some(who);
        if self.option(sid, idx, "window-size") == "latest" {
            self.recompute_size(sid);
        }
        // tmux `server_client_update_latest`: a client that becomes its window's latest.
        if let Sizer::Client(c) = who {
            self.notify_client("client-active", sid, c);
        }
    }

    /// tmux `server_client_lost`'s hand-over: each window whose latest client was `gone` gets
    /// the most recently active client showing it (the relay's viewers have no activity to
    /// compare, so they are never picked here).
    pub fn forget_latest(&mut self, gone: Sizer) {
        let windows: Vec<(u32, u32)> = self
            .sessions
            .iter()
            .flat_map(|(sid, s)| {
                s.windows
                    .iter()
                    .filter(|(_, w)| w.latest == Some(gone))
                    .map(move |(idx, _)| (*sid, *idx))
            })
            .collect();
        for (sid, idx) in windows {
            let shown = self.sessions.get(&sid).is_some_and(|s| s.current == idx);
            let found = self
                .clients
                .iter()
                .filter(|(id, c)| shown && c.session == sid && Sizer::Client(**id) != gone)
                .max_by_key(|(id, c)| (c.activity, **id))
                .map(|(id, _)| Sizer::Client(*id));
            if let Some(w) = self.window_mut(sid, idx) {
                w.latest = found;
            }
            if let Some(Sizer::Client(c)) = found {
                self.notify_client("client-active", sid, c);
            }
        }
    }

    /// tmux `default_window_size` for a new window of `sid` made by `client` (an attached
    /// client's binding, or none): by the global `window-size`, `latest` takes that client's
    /// size; else the session's clients' (and viewers') smallest or largest; with none, the
    /// session's size.
    pub fn default_window_size(&self, sid: u32, client: Option<u32>) -> (u16, u16) {
        let kind = self
            .options
            .get(crate::options::Scope::Window, "window-size")
            .unwrap_or("smallest")
            .to_string();
        let fallback = self.sessions.get(&sid).map_or((80, 24), |s| (s.sx, s.sy));
        if kind == "latest"
            && let Some(size) = client
                .and_then(|c| {
                    self.sizers(None)
                        .into_iter()
                        .find(|(w, _)| *w == Sizer::Client(c))
                })
                .map(|(_, size)| size)
        {
            return size;
        }
        if kind == "manual" {
            return fallback;
        }
        // tmux counts every session's clients for `latest` here, the session's for the others.
        let scope = (kind != "latest").then_some(sid);
        let sizes = self.sizers(scope).into_iter().map(|(_, size)| size);
        let found = if kind == "largest" {
            sizes.reduce(|a, b| (a.0.max(b.0), a.1.max(b.1)))
        } else {
            sizes.reduce(|a, b| (a.0.min(b.0), a.1.min(b.1)))
        };
        found.unwrap_or(fallback)
    }
}

#[cfg(test)]
mod tests {
    use crate::state::{ClientHandle, Session, Sizer, State, Window};

    /// Session 1 with windows 0 (current) and 1, both 50x15, a client of 80x23 and, when
    /// given, the relay's viewers at `relay`; `value` as the global `window-size`.
    fn model(value: &str, relay: Option<(u16, u16)>) -> State {
        let mut st = State::default();
        let windows: crate::winlink::Windows = [(0, Window::new(0, None, 0, 50, 15))]
            .into_iter()
            .chain([(1, Window::new(1, None, 1, 50, 15))])
            .collect();
        st.sessions
            .insert(1, Session::new(1, "s", windows, 0, (50, 15), 0));
        st.options
            .map_mut(crate::options::Scope::Window)
            .insert("window-size".into(), value.into());
        let (tx, _rx) = tokio::sync::mpsc::channel(1);
        let mut client = ClientHandle::new(1, tx, 0, "c".into());
        client.size = Some((80, 23));
        st.clients.insert(7, client);
        st.tmate.remote_size = relay;
        st
    }

    fn size(st: &State, idx: u32) -> (u16, u16) {
        st.window(1, idx).map(|w| (w.sx, w.sy)).unwrap_or_default()
    }

    #[test]
    fn viewers_count_for_smallest_and_largest() {
        let mut st = model("smallest", Some((60, 19)));
        st.recompute_size(1);
        assert_eq!(size(&st, 0), (60, 19));
        // Not shown: it waits until selected.
        assert_eq!(size(&st, 1), (50, 15));
        let mut st = model("largest", Some((100, 30)));
        st.recompute_size(1);
        assert_eq!(size(&st, 0), (100, 30));
    }

    #[test]
    fn latest_follows_whoever_typed_viewers_included() {
        let mut st = model("latest", Some((60, 19)));
        st.update_latest(1, Sizer::Client(7));
        assert_eq!(size(&st, 0), (80, 23));
        st.update_latest(1, Sizer::Relay);
        assert_eq!(size(&st, 0), (60, 19));
        // The viewers gone: the window goes back to the client, which alone sizes it.
        st.tmate.remote_size = None;
        st.forget_latest(Sizer::Relay);
        st.recompute_size(1);
        assert_eq!(size(&st, 0), (80, 23));
    }
}
