//! Window alerts (tmux 3.3a `alerts.c`): a bell or activity in a window's panes marks the
//! window (`!`, `#` in its flags, `window-status-bell-style`/`-activity-style` in the status
//! line) unless it is the current window of a session with clients; the session's
//! `bell-action`/`activity-action` then decide whether its clients hear a bell or, with
//! `visual-bell`/`visual-activity`, read `Bell in window N`; the `alert-*` hooks run. The
//! marks go when the window becomes current. Silence: a window with `monitor-silence N` and no
//! output for N seconds is marked `~` (checked every second by the server's alerts task).

use crate::state::{ClientEvent, State};

/// A window's alert marks (tmux's WINLINK_ACTIVITY, WINLINK_BELL, WINLINK_SILENCE).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Alerts {
    pub activity: bool,
    pub bell: bool,
    pub silence: bool,
}

/// When a window last had output and whether its silence since then was told.
#[derive(Debug, Clone, Copy)]
pub struct Activity {
    pub at: std::time::Instant,
    /// tmux's `activity_time`: its creation, last output or becoming a session's current
    /// window, whichever came last (choose-tree's `time` order); `at` is output only, for
    /// `monitor-silence`.
    pub latest: std::time::Instant,
    /// Seconds since the epoch of `latest` (`#{window_activity}`).
    pub time: i64,
    pub silence_told: bool,
}

impl Default for Activity {
    fn default() -> Self {
        let now = std::time::Instant::now();
        Activity {
            at: now,
            latest: now,
            time: crate::state::now_secs(),
            silence_told: false,
        }
    }
}

impl Activity {
    /// tmux `window_update_activity` without output (the window became current).
    pub fn touch(&mut self) {
        self.latest = std::time::Instant::now();
        self.time = crate::state::now_secs();
    }
}

#[derive(Clone, Copy)]
enum Kind {
    Bell,
    Activity,
    Silence,
}

impl Kind {
    fn monitor(self) -> &'static str {
        match self {
            Kind::Bell => "monitor-bell",
            Kind::Activity => "monitor-activity",
            Kind::Silence => "monitor-silence",
        }
    }
    fn action(self) -> &'static str {
        match self {
            Kind::Bell => "bell-action",
            Kind::Activity => "activity-action",
            Kind::Silence => "silence-action",
        }
    }
    fn visual(self) -> &'static str {
        match self {
            Kind::Bell => "visual-bell",
            Kind::Activity => "visual-activity",
            Kind::Silence => "visual-silence",
        }
    }
    fn word(self) -> &'static str {
        match self {
            Kind::Bell => "Bell",
            Kind::Activity => "Activity",
            Kind::Silence => "Silence",
        }
    }
    fn hook(self) -> &'static str {
        match self {
            Kind::Bell => "alert-bell",
            Kind::Activity => "alert-activity",
            Kind::Silence => "alert-silence",
        }
    }
}

/// Output reached pane `pane` (with a bell in it or not): tmux's `alerts_queue` and check.
pub fn pane_output(st: &mut State, pane: u32, bell: bool) {
    let Some((sid, idx)) = st.locate_pane(pane) else {
        return;
    };
    if let Some(w) = st.window_mut(sid, idx) {
        w.activity = Activity::default();
    }
    if bell {
        check(st, sid, idx, Kind::Bell);
    }
    check(st, sid, idx, Kind::Activity);
}

/// Windows quiet for their `monitor-silence` seconds (tmux's silence timer firing); whether
/// any was.
pub fn check_silence(st: &mut State) -> bool {
    let mut quiet = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (sid, s) in &st.sessions {
        for (idx, w) in &s.windows {
            let secs: u64 = st
                .option(*sid, *idx, "monitor-silence")
                .parse()
                .unwrap_or(0);
            // A linked window once: `check` marks all its indexes.
            if secs > 0
                && !w.activity.silence_told
                && w.activity.at.elapsed() >= std::time::Duration::from_secs(secs)
                && seen.insert(w.id)
            {
                quiet.push((*sid, *idx));
            }
        }
    }
    let any = !quiet.is_empty();
    for (sid, idx) in quiet {
        if let Some(w) = st.window_mut(sid, idx) {
            w.activity.silence_told = true;
        }
        check(st, sid, idx, Kind::Silence);
    }
    any
}

/// The alert on each index showing the window at (`sid`, `idx`), as tmux walks the window's
/// winlinks: each is marked unless it is the current one of an attached session, each whose
/// action applies runs the hook, and the session's clients are told once.
fn check(st: &mut State, sid: u32, idx: u32, kind: Kind) {
    let monitored = match kind {
        Kind::Silence => st.option(sid, idx, kind.monitor()) != "0",
        _ => st.option(sid, idx, kind.monitor()) == "on",
    };
    if !monitored {
        return;
    }
    let Some(s) = st.sessions.get(&sid) else {
        return;
    };
    let Some(wid) = s.windows.get(&idx).map(|w| w.id) else {
        return;
    };
    let attached = st.clients.values().any(|c| c.session == sid);
    let mut told = false;
    for i in s.windows.indexes_of(wid) {
        told |= check_link(st, (sid, i), kind, attached, told);
    }
}

/// One index's share of [`check`]; whether the clients were told.
fn check_link(
    st: &mut State,
    (sid, idx): (u32, u32),
    kind: Kind,
    attached: bool,
    told: bool,
) -> bool {
    let Some(s) = st.sessions.get_mut(&sid) else {
        return false;
    };
    let current = s.current == idx;
    let Some(l) = s.windows.link_mut(&idx) else {
        return false;
    };
    // Activity is checked once until the window is seen (its mark stays set meanwhile).
    if matches!(kind, Kind::Activity) && l.alerts.activity {
        return false;
    }
    if !current || !attached {
        match kind {
            Kind::Bell => l.alerts.bell = true,
            Kind::Activity => l.alerts.activity = true,
            Kind::Silence => l.alerts.silence = true,
        }
    }
    let applies = match st.session_option(sid, kind.action()).as_str() {
        "any" => true,
        "current" => current,
        "other" => !current,
        _ => false,
    };
    if !applies {
        return false;
    }
    st.notify_window(kind.hook(), sid, idx, None);
    if !told {
        tell_clients(st, sid, idx, current, kind);
    }
    true
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
}
