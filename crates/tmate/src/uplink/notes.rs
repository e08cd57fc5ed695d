//! The `[tmate]` messages the uplink shows the user (tmate's `tmate_status_message`): on every
//! attached client's status line, in `show-messages`, in the first session's view mode when
//! it has one, and kept (bounded) for `-F` to print.

use crate::state::{ClientEvent, State};

/// tmate messages kept for `-F` to print.
const NOTES_LIMIT: usize = 256;

/// `[tmate] text` on every attached client and in show-messages (tmate's `tmate_status_message`);
/// `-F` prints the text.
pub(super) fn show(state: &mut State, text: String) {
    let status = format!("[tmate] {text}");
    show_with_status(state, text, status);
}

/// A note as it is printed (`-F`) and logged (`show-messages`), and the status line's text,
/// which for the relay's closing `ssh session:` line also carries the web link announced just
/// before it: each message replaces the last on the status line, so the web link would show
/// for an instant only.
pub(super) fn show_relay_note(state: &mut State, text: String) {
    if let Some(web) = text.strip_prefix("web session: ") {
        state.tmate.web_link = Some(web.to_string());
    } else if let Some(web) = text.strip_prefix("web session read only: ") {
        state.tmate.web_link_ro = Some(web.to_string());
    }
    let web = if text.starts_with("ssh session: ") {
        state.tmate.web_link.as_deref()
    } else if text.starts_with("ssh session read only: ") {
        state.tmate.web_link_ro.as_deref()
    } else {
        None
    };
    let status = match web {
        Some(web) => format!("[tmate] {text} | web: {web}"),
        None => format!("[tmate] {text}"),
    };
    show_with_status(state, text, status);
}

fn show_with_status(state: &mut State, text: String, status: String) {
    if state.tmate.notes.len() >= NOTES_LIMIT {
        state.tmate.notes.pop_front();
    }
    state.tmate.notes.push_back(text.clone());
    state.tmate.notes_total += 1;
    let time = state
        .options
        .get(crate::options::Scope::Session, "tmate-display-time")
        .and_then(|v| v.parse().ok())
        .unwrap_or(15_000);
    for c in state.clients.values() {
        let _ = c.events.try_send(ClientEvent::Note(status.clone(), time));
    }
    state.log_message(format!("[tmate] {text}"));
    // tmate 2.4's `tmate_status_message_session`: the first session's active pane, when it
    // shows a view (config errors, run-shell output), gets the note as a line too.
    if !state.tmate.foreground
        && let Some(sid) = state.sessions.keys().next().copied()
        && let Some(pane) = crate::copy::active_pane(state, sid)
        && state
            .panes
            .get(&pane)
            .is_some_and(|p| p.top_mode() == Some(crate::modes::ModeKind::View))
    {
        crate::copy::view_add(state, pane, &text, false);
    }
}

/// The notes recorded since `next` (the count already printed), one line each; notes that fell
/// out of the bounded log are skipped. Advances `next` past them.
pub(super) fn unread(state: &State, next: &mut u64) -> String {
    let total = state.tmate.notes_total;
    let kept = u64::try_from(state.tmate.notes.len()).unwrap_or(0);
    let first = total.saturating_sub(kept);
    let skip = usize::try_from((*next).max(first) - first).unwrap_or(usize::MAX);
    *next = total;
    state
        .tmate
        .notes
        .iter()
        .skip(skip)
        .map(|n| format!("{n}\n"))
        .collect()
}
