//! The cursor's style and colour and `pane-colours` on attached clients side by side with real
//! tmux 3.3a: what each client's terminal was last told about its cursor (DECSCUSR, `CSI ? 12
//! h/l`, OSC 12/112) after `cursor-style`/`cursor-colour` changes, pane switches, copy mode, a
//! program's own sequences and detaching; pane palettes compared cell by cell with colours.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test stops on what it did not expect"
)]

mod common;
#[path = "common/pair.rs"]
mod pair;

use std::time::{Duration, Instant};

use common::DEADLINE;
use pair::Pair;

/// The cursor a terminal shows after `raw`: the last DECSCUSR number (`2`, tmux's `Se`, when
/// none came), whether `CSI ? 12 h` (blinking) was the last word on mode 12, and the last
/// OSC 12 colour (`None` after OSC 112 or when none came).
#[derive(Debug, Clone, PartialEq, Eq)]
struct CursorState {
    style: String,
    blink: bool,
    colour: Option<String>,
}

fn cursor_state(raw: &[u8]) -> CursorState {
    let mut state = CursorState {
        style: "2".into(),
        blink: false,
        colour: None,
    };
    let mut i = 0;
    while i < raw.len() {
        if raw[i] != 0x1b {
            i += 1;
            continue;
        }
        match raw.get(i + 1) {
            Some(b'[') => {
                let start = i + 2;
                let mut end = start;
                while end < raw.len() && !(0x40..=0x7e).contains(&raw[end]) {
                    end += 1;
                }
                let Some(&fin) = raw.get(end) else { break };
                let body = String::from_utf8_lossy(&raw[start..end]).into_owned();
                if fin == b'q'
                    && let Some(n) = body.strip_suffix(' ')
                {
                    state.style = if n.is_empty() { "0".into() } else { n.into() };
                }
                if matches!(fin, b'h' | b'l')
                    && let Some(params) = body.strip_prefix('?')
                    && params.split(';').any(|p| p == "12")
                {
                    state.blink = fin == b'h';
                }
                i = end + 1;
            }
            Some(b']') => {
                let start = i + 2;
                let mut end = start;
                while end < raw.len() && raw[end] != 0x07 && raw[end] != 0x1b {
                    end += 1;
                }
                let body = String::from_utf8_lossy(&raw[start..end.min(raw.len())]).into_owned();
                if let Some(c) = body.strip_prefix("12;") {
                    state.colour = Some(c.into());
                } else if body == "112" {
                    state.colour = None;
                }
                i = end + 1;
            }
            _ => i += 1,
        }
    }
    state
}

fn want(style: &str, blink: bool, colour: Option<&str>) -> CursorState {
    CursorState {
        style: style.into(),
        blink,
        colour: colour.map(str::to_string),
    }
}

/// Until each client's terminal (tmux's first) was last told `expected`; fails with both
/// states once `DEADLINE` passes.
async fn cursor_is(p: &mut Pair, what: &str, expected: &CursorState) {
    let deadline = Instant::now() + DEADLINE;
    loop {
        let states: Vec<CursorState> = p.clients.iter().map(|c| cursor_state(&c.raw)).collect();
        if states.iter().all(|s| s == expected) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: want {expected:?}; tmux {:?}, tmate {:?}",
            states[0],
            states[1]
        );
        for c in &mut p.clients {
            c.pump(Duration::from_millis(30)).await;
        }
    }
}

/// Run one command on both servers.
fn both(p: &Pair, args: &[&str]) {
    for m in &p.muxes {
        m.run(args);
    }
}

/// Type a shell line into the active pane of both and wait for its end, marked by `mark`
/// (a word no earlier line printed).
async fn shell(p: &mut Pair, line: &str, mark: &str) {
    let (head, tail) = mark.split_at(1);
    both(
        p,
        &[
            "send-keys",
            &format!("{line}; echo {head}''{tail}"),
            "Enter",
        ],
    );
    for c in &mut p.clients {
        c.wait_screen("the command's end", |s| {
            s.contents().lines().any(|l| l.trim_end() == mark)
        })
        .await;
    }
}

#[tokio::test]
async fn cursor_style_and_colour_like_tmux() {
    // Set at start-up, before any pane: tmux 3.3a hands the options to panes only when they
    // are set, so the first pane keeps the terminal's cursor.
    let config = "set -g cursor-style bar\nset -g cursor-colour red\n";
    let mut p = Pair::start(config, 60, 16, None).await;
    cursor_is(&mut p, "the start-up config", &want("2", false, None)).await;
    both(&p, &["set", "-g", "cursor-style", "underline"]);
    cursor_is(&mut p, "cursor-style underline", &want("4", false, None)).await;
    both(&p, &["set", "-g", "cursor-colour", "colour200"]);
    let pink = Some("rgb:ff/00/d7");
    cursor_is(&mut p, "cursor-colour colour200", &want("4", false, pink)).await;
    // A new pane starts with the terminal's cursor.
    both(&p, &["split-window"]);
    cursor_is(&mut p, "a new pane", &want("2", false, None)).await;
    both(&p, &["select-pane", "-t", "0"]);
    cursor_is(&mut p, "back to the first pane", &want("4", false, pink)).await;
    // Copy mode has a screen of its own: the terminal's cursor.
    both(&p, &["copy-mode"]);
    cursor_is(&mut p, "copy mode", &want("2", false, None)).await;
    both(&p, &["send-keys", "-X", "cancel"]);
    cursor_is(&mut p, "copy mode left", &want("4", false, pink)).await;
    // A pane's own value reaches every pane's default (tmux pushes the option to all panes).
    both(
        &p,
        &["set", "-p", "-t", "1", "cursor-style", "blinking-bar"],
    );
    both(&p, &["select-pane", "-t", "1"]);
    cursor_is(&mut p, "pane 1's blinking bar", &want("5", false, None)).await;
    // The program's own DECSCUSR and OSC 12 win over the defaults, OSC 112 and DECSCUSR 0
    // give them back.
    shell(&mut p, r"printf '\033[3 q\033]12;green\007'", "first").await;
    cursor_is(
        &mut p,
        "the program's cursor",
        &want("3", false, Some("rgb:00/ff/00")),
    )
    .await;
    shell(&mut p, r"printf '\033[0 q\033]112\007'", "second").await;
    cursor_is(&mut p, "the program's reset", &want("5", false, None)).await;
    shell(
        &mut p,
        r"printf '\033]12;rgb:12/34/56\007\033[?12h'",
        "third",
    )
    .await;
    cursor_is(
        &mut p,
        "mode 12 over the default style",
        &want("5", false, Some("rgb:12/34/56")),
    )
    .await;
    // Detaching gives the terminal its own cursor back.
    both(&p, &["detach-client"]);
    for c in &mut p.clients {
        let tail = c.wait_exit().await;
        c.raw.extend_from_slice(tail.as_bytes());
    }
    let states: Vec<CursorState> = p.clients.iter().map(|c| cursor_state(&c.raw)).collect();
    assert_eq!(states, [want("2", false, None), want("2", false, None)]);
}

/// `pane-colours` (global and a pane's own) changes how the panes' palette colours reach the
/// clients, bold foregrounds taking the bright entry; `capture-pane -e` keeps the colours the
/// program wrote, as tmux's.
#[tokio::test]
async fn pane_colours_like_tmux() {
    let config = "set -g pane-colours[1] colour5\nset -g pane-colours[9] colour14\n\
        set -g pane-colours[42] colour3\nset -g status off\n";
    let mut p = Pair::start(config, 60, 12, None).await;
    both(&p, &["split-window", "-h"]);
    both(
        &p,
        &["set", "-p", "-t", "1", "pane-colours[2]", "colour200"],
    );
    both(&p, &["set", "-p", "-t", "1", "pane-colours[1]", "default"]);
    let line = r"printf '\033[31mred\033[0m \033[1;31mbold\033[0m \033[42mbg\033[0m \033[38;5;42mcube\033[0m \033[32mgreen\033[0m\n'";
    for pane in ["0", "1"] {
        both(&p, &["send-keys", "-t", pane, "clear; ", line, "Enter"]);
        for m in &p.muxes {
            m.wait_for(
                &["capture-pane", "-p", "-t", pane],
                "the colours printed",
                |s| s.lines().any(|l| l.starts_with("red bold")),
            );
        }
    }
    // Not vacuous: the left pane's red is drawn as colour 5, the right pane's as the default.
    for c in &mut p.clients {
        c.wait_for("both panes' colours", |c| {
            fg(c, 0, 0) == Some(vt100::Color::Idx(5)) && fg(c, 0, 30) == Some(vt100::Color::Default)
        })
        .await;
    }
    p.same_screens(None, "palettes drawn").await;
    for pane in ["0", "1"] {
        p.run_both(&["capture-pane", "-p", "-e", "-t", pane]);
    }
    // Taking an entry out redraws with the program's colour.
    both(&p, &["set", "-gu", "pane-colours[1]"]);
    for c in &mut p.clients {
        c.wait_for("red again", |c| fg(c, 0, 0) == Some(vt100::Color::Idx(1)))
            .await;
    }
    p.same_screens(None, "an entry removed").await;
}

/// The foreground colour a client shows at (`row`, `col`).
fn fg(c: &tmate_fixtures::pty_client::PtyClient, row: u16, col: u16) -> Option<vt100::Color> {
    c.screen.screen().cell(row, col).map(vt100::Cell::fgcolor)
}
