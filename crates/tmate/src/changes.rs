//! The model's changes that raise notifications, made in one place each as tmux 3.3a makes
//! them: a session's current window (`session_set_current`: session-window-changed), a
//! window's active pane (`window_set_active_pane`, `window_lost_pane`: window-pane-changed),
//! zoom (`window_zoom`/`window_unzoom`), layouts (window-layout-changed), window sizes
//! (`resize_window`: window-resized) and pane modes (pane-mode-changed). Each change raises
//! its own notification, so two in one command list raise two hooks, as in tmux; the ones
//! control clients are told of are also numbered on their object (`Raised`). Focus moves
//! with the window and the active pane here too (`crate::focus`). Titles are the exception:
//! a pane's terminal counts those set as it parses them (OSC 0/2), and pane-title-changed is
//! raised for them when the command list or output that set them is done.

use std::collections::VecDeque;

use crate::hooks::Notification;
use crate::state::State;

/// How many of an object's notifications of one kind are kept: a control client is told of
/// those raised since it last looked, which is at most one command list ago.
const KEPT: usize = 64;

/// The notifications of one kind raised for one object (session-window-changed for a
/// session...), by number in the order raised server-wide (`State::raised_seq`), the latest
/// few: control clients are told of each, in that order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Raised(VecDeque<u64>);

impl Raised {
    pub fn push(&mut self, seq: u64) {
        if self.0.len() == KEPT {
            self.0.pop_front();
        }
        self.0.push_back(seq);
    }

    /// The numbers of those raised after number `seen`.
    pub fn after(&self, seen: u64) -> impl Iterator<Item = u64> + '_ {
        self.0.iter().copied().filter(move |n| *n > seen)
    }
}

impl State {
    /// tmux `notify_window`: about the window alone (`#{hook_window}`, no session).
    pub fn notify_about_window(&mut self, name: &'static str, wid: u32) {
        let mut n = Notification::new(name);
        n.window = Some(wid);
        n.window_name = self
            .locate_window(wid)
            .map(|(sid, idx)| crate::format::window_name(self, sid, idx));
        self.notify_hook(n);
    }

    /// tmux `notify_pane`: about the pane alone (`#{hook_pane}`).
    pub fn notify_pane(&mut self, name: &'static str, pane: u32) {
        let mut n = Notification::new(name);
        n.pane = Some(pane);
        self.notify_hook(n);
    }

    /// Whether notifications are raised now: not while a hook runs (tmux's NOHOOKS, which
    /// control clients do not hear of either).
    fn raising(&self) -> bool {
        self.hooks.running.is_none()
    }

    /// The next notification's number when notifications are raised now.
    fn next_raised(&mut self) -> Option<u64> {
        self.raising().then(|| {
            self.raised_seq += 1;
            self.raised_seq
        })
    }

    /// window-layout-changed for the window at (`sid`, `idx`).
    pub fn layout_changed(&mut self, sid: u32, idx: u32) {
        self.window_changed(sid, idx, "window-layout-changed", |w| &mut w.raised_layout);
    }

    /// `hook` about the window at (`sid`, `idx`), numbered in its `raised` list for the
    /// control clients.
    fn window_changed(
        &mut self,
        sid: u32,
        idx: u32,
        hook: &'static str,
        raised: fn(&mut crate::state::Window) -> &mut Raised,
    ) {
        if self.window(sid, idx).is_none() {
            return;
        }
        let seq = self.next_raised();
        let Some(w) = self.window_mut(sid, idx) else {
            return;
        };
        if let Some(n) = seq {
            raised(w).push(n);
        }
        let wid = w.id;
        self.notify_about_window(hook, wid);
    }

    /// pane-mode-changed: a mode came to the top of the pane's modes or left it.
    pub fn mode_changed(&mut self, pane: u32) {
        if self.panes.contains_key(&pane)
            && let Some(n) = self.next_raised()
            && let Some(p) = self.panes.get_mut(&pane)
        {
            p.raised_mode.push(n);
        }
        self.notify_pane("pane-mode-changed", pane);
    }

    /// window-pane-changed for the window at (`sid`, `idx`).
    fn pane_changed(&mut self, sid: u32, idx: u32) {
        self.window_changed(sid, idx, "window-pane-changed", |w| &mut w.raised_pane);
    }

    /// tmux `session_set_current`: `idx` becomes the session's current window (the old one
    /// goes on the last-window stack). Returns whether it changed.
    pub fn select_window(&mut self, sid: u32, idx: u32) -> bool {
        let Some(s) = self.sessions.get_mut(&sid) else {
            return false;
        };
        let old = s.current;
        if old == idx || !s.windows.contains_key(&idx) {
            return false;
        }
        s.select(idx);
        self.current_window_changed(sid, old);
        true
    }

    /// What follows a session's current window changing from `old`: focus moves with it (when
    /// `focus-events` is on) and session-window-changed is raised.
    pub fn current_window_changed(&mut self, sid: u32, old: u32) {
        if crate::focus::events_on(self) {
            crate::focus::update_window(self, sid, old);
            if let Some(idx) = self.sessions.get(&sid).map(|s| s.current) {
                crate::focus::update_window(self, sid, idx);
            }
        }
        if self.sessions.contains_key(&sid)
            && let Some(n) = self.next_raised()
            && let Some(s) = self.sessions.get_mut(&sid)
        {
            s.raised_window.push(n);
        }
        self.notify_session("session-window-changed", sid);
    }

    /// tmux `window_set_active_pane`: `pane` becomes the window's active pane (the old one its
    /// last), raising window-pane-changed when `notify`. Returns whether it changed.
    pub fn set_active_pane(&mut self, sid: u32, idx: u32, pane: u32, notify: bool) -> bool {
        let Some(w) = self.window_mut(sid, idx) else {
            return false;
        };
        if w.active == pane {
            return false;
        }
        let old = w.active;
        w.last = Some(old);
        w.active = pane;
        w.note_active();
        if crate::focus::events_on(self) {
            crate::focus::update_pane(self, old);
            crate::focus::update_pane(self, pane);
        }
        if notify {
            self.pane_changed(sid, idx);
        }
        true
    }

    /// tmux `window_lost_pane`: `gone` left the window; when it was the active pane the last
    /// one (else the one before it, else the one after it in `before`, the pane list with it)
    /// takes over and window-pane-changed is raised.
    pub fn lose_pane(&mut self, sid: u32, idx: u32, gone: u32, before: &[u32]) {
        let Some(w) = self.window_mut(sid, idx) else {
            return;
        };
        if w.active != gone {
            if w.last == Some(gone) {
                w.last = None;
            }
            return;
        }
        let pos = before.iter().position(|p| *p == gone).unwrap_or(0);
        let near = pos
            .checked_sub(1)
            .and_then(|i| before.get(i))
            .or(before.get(pos + 1))
            .copied();
        w.active = w.last.take().filter(|l| *l != gone).or(near).unwrap_or(0);
        let active = w.active;
        crate::focus::update_pane(self, active);
        self.pane_changed(sid, idx);
    }

    /// tmux `window_zoom`: `pane` (made active) fills the window. Returns whether it zoomed
    /// (a zoomed window or one with a single pane does not).
    pub fn zoom(&mut self, sid: u32, idx: u32, pane: u32) -> bool {
        let can = self
            .window(sid, idx)
            .is_some_and(|w| w.zoomed.is_none() && w.pane_ids().len() > 1);
        if !can {
            return false;
        }
        self.set_active_pane(sid, idx, pane, true);
        if let Some(w) = self.window_mut(sid, idx) {
            w.zoomed = Some(pane);
        }
        self.layout_changed(sid, idx);
        true
    }

    /// tmux `window_unzoom`: the window shows all its panes again. Returns whether it was
    /// zoomed. The caller applies the layout.
    pub fn unzoom(&mut self, sid: u32, idx: u32) -> bool {
        let was = self
            .window_mut(sid, idx)
            .is_some_and(|w| w.zoomed.take().is_some());
        if was {
            self.layout_changed(sid, idx);
        }
        was
    }

    /// pane-title-changed for each title set (no more than the queue holds).
    pub fn titles_set(&mut self, pane: u32, times: u32) {
        for _ in 0..times.min(256) {
            self.notify_pane("pane-title-changed", pane);
        }
    }

    /// Titles set through a pane's terminal (OSC 0/2, `select-pane -T`) since the last look:
    /// the terminal counts them, as it parses them outside any command (`raise`: queue
    /// pane-title-changed for them; else they were a hook's doing and raise nothing).
    pub fn take_titles_set(&mut self, raise: bool) {
        let titled: Vec<(u32, u32)> = self
            .panes
            .iter_mut()
            .map(|(id, p)| (*id, p.term.take_title_set()))
            .filter(|(_, n)| *n > 0)
            .collect();
        if raise {
            for (pane, times) in titled {
                self.titles_set(pane, times);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{Session, Window};

    fn two_windows() -> State {
        let mut st = State::default();
        let mut windows = crate::winlink::Windows::default();
        windows.insert(0, Window::new(0, Some("a".into()), 0, 80, 24));
        windows.insert(1, Window::new(1, Some("b".into()), 1, 80, 24));
        st.sessions
            .insert(0, Session::new(0, "s", windows, 0, (80, 24), 0));
        st
    }

    #[test]
    fn each_change_raises_and_numbers_its_notification() {
        let mut st = two_windows();
        assert!(st.select_window(0, 1));
        assert!(st.select_window(0, 0));
        assert!(!st.select_window(0, 0));
        let names: Vec<&str> = st.hooks.queue.iter().map(|n| n.name).collect();
        assert_eq!(names, ["session-window-changed", "session-window-changed"]);
        let raised: Vec<u64> = st.sessions[&0].raised_window.after(0).collect();
        assert_eq!(raised, [1, 2]);
        // While a hook runs nothing is raised or numbered (tmux's NOHOOKS).
        st.hooks.running = Some(Vec::new());
        st.layout_changed(0, 1);
        assert_eq!(st.hooks.queue.len(), 2);
        assert_eq!(
            st.window(0, 1).map(|w| w.raised_layout.after(0).count()),
            Some(0)
        );
    }

    #[test]
    fn raised_keeps_the_latest() {
        let mut r = Raised::default();
        for n in 1..=100 {
            r.push(n);
        }
        assert_eq!(r.after(0).count(), KEPT);
        assert_eq!(r.after(98).collect::<Vec<_>>(), [99, 100]);
    }
}
