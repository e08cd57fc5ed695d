//! `tmate-authorized-keys FILE` (or `-a FILE`): the file's keys become replayed commands, so the
//! relay (and every relay after a reconnect) admits only their holders (spec 3.7 item 7).

use std::io::Read;
use std::path::PathBuf;

use super::notes;
use crate::state::State;

/// Most authorized_keys lines sent, and the most bytes read from that file.
const AUTHORIZED_KEYS_LINES: usize = 1000;
const AUTHORIZED_KEYS_BYTES: u64 = 1 << 20;

/// Each non-empty line goes to the relay as `set-option tmate-set authorized_keys=<line>`.
pub(super) fn record(state: &mut State) {
    let file = state
        .options
        .get(crate::options::Scope::Server, "tmate-authorized-keys")
        .unwrap_or_default()
        .to_string();
    if file.is_empty() {
        return;
    }
    let path = expand_home(&file);
    let mut text = String::new();
    let read = std::fs::File::open(&path)
        .and_then(|f| f.take(AUTHORIZED_KEYS_BYTES).read_to_string(&mut text));
    if let Err(e) = read {
        notes::show(state, format!("Cannot read {}: {e}", path.display()));
        return;
    }
    let lines: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(AUTHORIZED_KEYS_LINES)
        .map(str::to_string)
        .collect();
    for line in lines {
        state.tmate.record(vec![
            "set-option".into(),
            "tmate-set".into(),
            format!("authorized_keys={line}"),
        ]);
    }
}

/// The option is usually written `~/.ssh/authorized_keys`, and no shell expanded it.
fn expand_home(file: &str) -> PathBuf {
    match file.strip_prefix("~/") {
        Some(rest) => PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(rest),
        None => PathBuf::from(file),
    }
}
