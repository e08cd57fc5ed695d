//! `tmate -F` (foreground mode): recognising it from `tmate-set foreground=true`, the
//! instructions it prints, its quieter reconnect line, the client stream that prints every
//! `[tmate]` message, and the shell restarted when the session's last pane ends.

use std::sync::Arc;
use std::time::Duration;

use super::notes;
use crate::server::{ClientInfo, Shared};
use crate::state::State;

/// tmate's delay before the restarted shell replaces the one that ended.
const RESTART_DELAY: Duration = Duration::from_millis(500);

/// `tmate -F` reaches the server as `set-option tmate-set foreground=true`: remember it and
/// tell the user how to attach and stop, since -F never attaches itself.
pub(super) fn enter_if_requested(shared: &Shared, state: &mut State) {
    state.tmate.foreground = state.tmate.replay.iter().any(|a| {
        a.iter()
            .map(String::as_str)
            .eq(["set-option", "tmate-set", "foreground=true"])
    });
    if !state.tmate.foreground {
        return;
    }
    let program = crate::handshake::this_program();
    let socket = shared.socket.display();
    notes::show(
        state,
        format!("To connect to the session locally, run: {program} -S {socket} attach"),
    );
    notes::show(
        state,
        format!(
            "To stop sharing and end the session: press Ctrl-C here, or run: {program} -S \
             {socket} kill-server"
        ),
    );
}

/// -F prints every note on its own terminal, where the reason would only add noise (tmate's).
pub(super) fn reconnecting_text(state: &State, reason: &str) -> String {
    if state.tmate.foreground {
        "Reconnecting...".to_string()
    } else {
        format!("Reconnecting... ({reason})")
    }
}

/// `tmate -F`: when the session's last pane ends and `tmate-foreground-restart` is on, a new
/// window with a fresh shell replaces it after 500 ms (tmate's restart) instead of the session
/// (and the share) ending.
pub async fn foreground_restart(shared: &Arc<Shared>, pane: u32) {
    let last = |st: &State| {
        st.tmate.foreground
            && st.panes.len() == 1
            && st.panes.contains_key(&pane)
            && st
                .options
                .get(crate::options::Scope::Server, "tmate-foreground-restart")
                != Some("0")
    };
    if !last(&shared.lock()) {
        return;
    }
    tokio::time::sleep(RESTART_DELAY).await;
    let mut st = shared.lock();
    // The pane may have been replaced or the option turned off while we slept.
    if last(&st) {
        restart_shell(shared, &mut st);
    }
}

fn restart_shell(shared: &Arc<Shared>, state: &mut State) {
    let info = ClientInfo {
        cwd: std::env::var("HOME").unwrap_or_default(),
        ..ClientInfo::default()
    };
    let argv = vec!["new-window".to_string()];
    let r = crate::cmd::run_line(shared, state, &info, &argv);
    if !r.err.is_empty() {
        notes::show(state, format!("Cannot restart the shell: {}", r.err.trim()));
    }
}

/// The `-F` client's stream: every tmate message, one line each, until the server exits.
pub async fn foreground_stream(shared: &Arc<Shared>, mut stream: tokio::net::UnixStream) {
    use crate::wire::{self, kind};
    if refuse_config_errors(shared, &mut stream).await {
        return;
    }
    let mut changed = shared.changed.subscribe();
    let mut next = 0u64;
    loop {
        let text = notes::unread(&shared.lock(), &mut next);
        if !text.is_empty()
            && wire::write_frame(&mut stream, kind::STDOUT, text.as_bytes())
                .await
                .is_err()
        {
            return;
        }
        if changed.changed().await.is_err() {
            return;
        }
    }
}

/// tmate -F refuses to run with config errors (they would go unseen): print them, exit 1, and
/// end the server. Whether it refused.
async fn refuse_config_errors(shared: &Arc<Shared>, stream: &mut tokio::net::UnixStream) -> bool {
    use crate::wire::{self, kind};
    let errors = shared.lock().config_errors.join("\n");
    if errors.is_empty() {
        return false;
    }
    let _ = wire::write_frame(stream, kind::STDERR, format!("{errors}\n").as_bytes()).await;
    let _ = wire::write_frame(stream, kind::EXIT, &[1]).await;
    shared.shutdown.notify_one();
    true
}
