//! Window alerts (tmux 3.3a `alerts.c`): a bell or activity in a window's panes marks the
//! window (`!`, `#` in its flags, `window-status-bell-style`/`-activity-style` in the status
//! line) unless it is the current window of a session with clients; the session's
//! `bell-action`/`activity-action` then decide whether its clients hear a bell or, with
//! `visual-bell`/`visual-activity`, read `Bell in window N`; the `alert-*` hooks run. The
//! marks go when the window becomes current. Silence (`monitor-silence`) is not watched.

use crate::state::{ClientEvent, State};

/// A window's alert marks (tmux's WINLINK_ACTIVITY, WINLINK_BELL, WINLINK_SILENCE).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Alerts {
    pub activity: bool,
    pub bell: bool,
    pub silence: bool,
}

#[derive(Clone, Copy)]
enum Kind {
    Bell,
    Activity,
}

impl Kind {
    fn monitor(self) -> &'static str {
        match self {
            Kind::Bell => "monitor-bell",
            Kind::Activity => "monitor-activity",
        }
    }
    fn action(self) -> &'static str {
        match self {
            Kind::Bell => "bell-action",
            Kind::Activity => "activity-action",
        }
    }
    fn visual(self) -> &'static str {
        match self {
            Kind::Bell => "visual-bell",
            Kind::Activity => "visual-activity",
        }
    }
    fn word(self) -> &'static str {
        match self {
            Kind::Bell => "Bell",
            Kind::Activity => "Activity",
        }
    }
    fn hook(self) -> &'static str {
        match self {
            Kind::Bell => "alert-bell",
            Kind::Activity => "alert-activity",
        }
    }
}

/// Output reached pane `pane` (with a bell in it or not): tmux's `alerts_queue` and check.
pub fn pane_output(st: &mut State, pane: u32, bell: bool) {
    let Some((sid, idx)) = st.locate_pane(pane) else {
        return;
    };
    if bell {
        check(st, sid, idx, Kind::Bell);
    }
    check(st, sid, idx, Kind::Activity);
}

fn check(st: &mut State, sid: u32, idx: u32, kind: Kind) {
    if st.option(sid, idx, kind.monitor()) != "on" {
        return;
    }
    let Some(s) = st.sessions.get(&sid) else {
        return;
    };
    let current = s.current == idx;
    let attached = st.clients.values().any(|c| c.session == sid);
    let Some(w) = st.window_mut(sid, idx) else {
        return;
    };
    // Activity is checked once until the window is seen (its mark stays set meanwhile).
    if matches!(kind, Kind::Activity) && w.alerts.activity {
        return;
    }
    if !current || !attached {
        match kind {
            Kind::Bell => w.alerts.bell = true,
            Kind::Activity => w.alerts.activity = true,
        }
    }
    let applies = match st.session_option(sid, kind.action()).as_str() {
        "any" => true,
        "current" => current,
        "other" => !current,
        _ => false,
    };
    if !applies {
        return;
    }
    st.notify_window(kind.hook(), sid, idx, None);
    tell_clients(st, sid, idx, current, kind);
}

/// tmux `alerts_set_message`: a bell on each client's terminal, a message, or both.
fn tell_clients(st: &mut State, sid: u32, idx: u32, current: bool, kind: Kind) {
    let visual = st.session_option(sid, kind.visual());
    let time = u64::try_from(st.option_num(sid, idx, "display-time")).unwrap_or(750);
    let text = if current {
        format!("{} in current window", kind.word())
    } else {
        format!("{} in window {idx}", kind.word())
    };
    for c in st.clients.values() {
        if c.session != sid || c.control.is_some() {
            continue;
        }
        if visual == "off" || visual == "both" {
            let _ = c.events.try_send(ClientEvent::Bell);
        }
        if visual != "off" {
            let _ = c.events.try_send(ClientEvent::Message(text.clone(), time));
        }
    }
    if visual != "off" {
        st.log_message(text);
    }
}
