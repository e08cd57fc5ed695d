//! The start-up burst every connection opens with (spec 5.4 on reconnect): HEADER, RECONNECT,
//! tmate 2.4's default bindings and every replayed command as EXEC_CMD, UNAME, READY, then the
//! screens (SYNC_LAYOUT and a repaint, or a SNAPSHOT after a reconnect) and copy-mode states.

use std::collections::BTreeMap;

use tmate_proto::{HostMessage, PROTOCOL_VERSION, RawStr};

use super::screen;
use super::stream::{Sent, copy_line_text, exec, push};
use crate::state::State;

/// The tmate version relays expect from a protocol-6 host.
const TMATE_VERSION: &str = "2.4.0";

/// The burst's bytes and what they told the relay, from which the stream sends only changes.
pub(super) fn build(state: &mut State, reconnected: bool) -> (Vec<u8>, Sent) {
    let mut burst = Vec::new();
    push(
        &mut burst,
        HostMessage::Header {
            protocol: PROTOCOL_VERSION,
            version: Some(TMATE_VERSION.into()),
        },
    );
    if reconnected && let Some(data) = state.tmate.env.get("tmate_reconnection_data") {
        push(
            &mut burst,
            HostMessage::Reconnect {
                data: RawStr::from(data.as_str()),
            },
        );
    }
    for argv in default_commands(state) {
        push(&mut burst, exec(&argv));
    }
    for argv in &state.tmate.replay {
        push(&mut burst, exec(argv));
    }
    push(&mut burst, uname());
    push(&mut burst, HostMessage::Ready);
    let layout = screen::layout(state);
    if let Some(l) = &layout {
        push(&mut burst, HostMessage::SyncLayout(l.clone()));
        if reconnected {
            push(&mut burst, screen::snapshot(state));
        } else {
            screen::redraw_all(state, &mut burst);
        }
    }
    let mut copy = BTreeMap::new();
    screen::copy_changes(state, &mut copy, layout.as_ref(), &mut burst);
    // A view the relay has not seen (written before this connection): its lines again.
    for p in state.panes.values() {
        if !screen::announced(layout.as_ref(), p.id) {
            continue;
        }
        for line in crate::copy::view_lines(p, VIEW_REPLAY) {
            push(
                &mut burst,
                HostMessage::WriteCopyMode {
                    pane_id: i64::from(p.id),
                    text: RawStr::from(copy_line_text(&line).as_str()),
                },
            );
        }
    }
    let sent = Sent {
        layout,
        replay_total: state.tmate.replay_total,
        copy,
        status: None,
    };
    (burst, sent)
}

/// View-mode lines a new connection replays per pane (as many as a SNAPSHOT's history).
pub const VIEW_REPLAY: usize = 300;

/// tmate 2.4's built-in bindings and the status-keys pair (spec 3.7 items 1-3), as EXEC_CMDs.
fn default_commands(state: &State) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for (_, line) in crate::parse::logical_lines(crate::bindings::DEFAULTS) {
        if let Ok(cmds) = crate::parse::parse_line(&line) {
            out.extend(
                cmds.into_iter()
                    .map(|words| glue_separator(normalise(&words))),
            );
        }
    }
    let get = |name| {
        state
            .options
            .get(crate::options::Scope::Session, name)
            .or_else(|| state.options.get(crate::options::Scope::Window, name))
            .unwrap_or("emacs")
            .to_string()
    };
    out.push(vec![
        "set-option".into(),
        "-g".into(),
        "status-keys".into(),
        get("status-keys"),
    ]);
    // tmate 2.4 sends mode-keys under the name status-keys (its bug, kept for the relay).
    out.push(vec![
        "set-window-option".into(),
        "-g".into(),
        "status-keys".into(),
        get("mode-keys"),
    ]);
    out
}

/// tmux 2.x's default table wrote `select-pane -t=\; send-keys -M`, and tmate 2.4 sends the
/// `;` glued to the word before it (`"-t=;"`, captured): our table keeps the `;` apart.
fn glue_separator(argv: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(argv.len());
    for a in argv {
        match out.last_mut() {
            Some(prev) if a == ";" && prev.ends_with('=') => prev.push(';'),
            _ => out.push(a),
        }
    }
    out
}

/// The argv the relay expects: full command name, flags in ASCII order, then the rest.
pub fn normalise(words: &[String]) -> Vec<String> {
    let Some((name, rest)) = words.split_first() else {
        return Vec::new();
    };
    let Ok(spec) = tmate_proto::command::find(name) else {
        return words.to_vec();
    };
    let Ok(args) = crate::cmd::Args::parse(spec, rest) else {
        return words.to_vec();
    };
    args.to_words(spec.name)
}

fn uname() -> HostMessage {
    let field = |f: &str| {
        std::fs::read_to_string(format!("/proc/sys/kernel/{f}"))
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    HostMessage::Uname {
        sysname: RawStr::from(field("ostype")),
        nodename: RawStr::from(crate::format::hostname()),
        release: RawStr::from(field("osrelease")),
        version: RawStr::from(field("version")),
        machine: RawStr::from(std::env::consts::ARCH),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(w: &[&str]) -> Vec<String> {
        w.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn separator_glues_only_after_an_equals_sign() {
        assert_eq!(
            glue_separator(words(&["select-pane", "-t=", ";", "send-keys", "-M"])),
            words(&["select-pane", "-t=;", "send-keys", "-M"])
        );
        assert_eq!(
            glue_separator(words(&["a", ";", "b"])),
            words(&["a", ";", "b"])
        );
    }

    #[test]
    fn normalise_leaves_unknown_commands_alone() {
        assert!(normalise(&[]).is_empty());
        let unknown = words(&["no-such-command", "-x"]);
        assert_eq!(normalise(&unknown), unknown);
    }
}
