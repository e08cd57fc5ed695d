//! The cursor's style and colour and `pane-colours` on attached clients side by side with real
//! tmux 3.3a: what each client's terminal was last told about its cursor (DECSCUSR, `CSI ? 12
//! h/l`, OSC 12/112) after `cursor-style`/`cursor-colour` changes, pane switches, copy mode, a
//! program's own sequences and detaching; pane palettes (`pane-colours` and a program's OSC
//! 4, 10, 11) compared cell by cell with colours; the replies to OSC 4, 10, 11 and 12 queries.
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

/// The query script: waits for `go` in its directory, then sends each step's sequences
/// followed by a sentinel (entry 0 set, then queried: the only reply it waits for) and writes
/// what came back before the sentinel's reply, `%q`-quoted, one line per step, then `end`.
const QUERY_SCRIPT: &str = r#"#!/bin/bash
cd "$(dirname "$0")" || exit 1
for _ in $(seq 400); do [ -e go ] && break; sleep 0.05; done
stty raw -echo
sentinel=$'\e]4;rgb:0101/0202/0303\a'
for step in "${STEPS[@]}"; do
  printf "$step"
  printf '\e]4;0;rgb:01/02/03\a\e]4;0;?\a'
  r=''
  while IFS= read -r -t 10 -n 1 -d '' c; do
    r+="$c"
    [[ $r == *"$sentinel" ]] && break
  done
  printf '%q\n' "${r%"$sentinel"}" >> out
done
echo end >> out
sleep 100
"#;

/// The steps: the palette's own entries (OSC 4) and `pane-colours` answered per index (one
/// query per OSC, 90-97 for the bright ones, none past 7), BEL or ST as the request ended,
/// OSC 104 with and without indexes, RIS, OSC 10/11 with `window-style` and their own
/// colours, OSC 12 with `cursor-colour` and the program's.
const QUERY_STEPS: &[&str] = &[
    r"\e]4;1;?\e\\",
    r"\e]4;3;?\a",
    r"\e]4;1;rgb:ff/00/00\e\\\e]4;1;?\e\\",
    r"\e]4;1;?;3;?\a",
    r"\e]4;9;#00ff00\a\e]4;9;?\a\e]4;91;?\a",
    r"\e]4;2;cmy:0/1/1;5;blue\a\e]4;2;?\a\e]4;5;?\a",
    r"\e]104;1;2\a\e]4;1;?\a\e]4;2;?\a\e]4;5;?\a",
    r"\e]10;?\a\e]11;?\a",
    r"\e]11;#102030\a\e]11;?\e\\\e]10;blue\a\e]10;?\a",
    r"\e]111\a\e]11;?\a",
    r"\e]12;?\a",
    r"\e]12;green\a\e]12;?\a\e]112\a\e]12;?\a",
    r"\ec\e]4;5;?\a\e]4;3;?\a",
    r"\e]4;6;red\a\e]104\a\e]4;6;?\a\e]4;3;?\a",
    r"\e]4;300;red;4;red\a\e]4;4;?\a",
    r"\e]11;#040506\a\e]104\a\e]11;?\a",
    r"\e]10;#abcdef\a",
];

/// What a program in a pane of tmux (first) and of ours read back after each of `steps`
/// (printf strings), one line each, with `config`; `after_start` runs once the pane is made.
fn replies_to(
    steps: &[&str],
    config: &str,
    after_start: &[&str],
) -> (Vec<String>, [common::Mux; 2]) {
    let steps: Vec<String> = steps.iter().map(|s| format!("'{s}'")).collect();
    let script = format!("STEPS=({})\n{QUERY_SCRIPT}", steps.join(" "));
    let muxes = [
        common::Mux::tmux().with_config(config),
        common::Mux::tmate().with_config(config),
    ];
    for m in &muxes {
        let path = m.dir.path().join("q.sh");
        std::fs::write(&path, script.replace("#!/bin/bash\n", "")).unwrap();
        let command = format!("bash {}", path.display());
        m.run(&["new-session", "-d", "-s", "main", &command]);
        if !after_start.is_empty() {
            m.run(after_start);
        }
        std::fs::write(m.dir.path().join("go"), "").unwrap();
    }
    let outputs: Vec<String> = muxes
        .iter()
        .map(|m| {
            let out = m.dir.path().join("out");
            let deadline = Instant::now() + DEADLINE * 4;
            loop {
                let text = std::fs::read_to_string(&out).unwrap_or_default();
                if text.ends_with("end\n") {
                    return text;
                }
                assert!(Instant::now() < deadline, "the queries never ended: {text}");
                std::thread::sleep(Duration::from_millis(50));
            }
        })
        .collect();
    (outputs, muxes)
}

/// A program's OSC 4, 10, 11 and 12 queries get tmux 3.3a's replies on the pane's PTY.
#[test]
fn colour_queries_like_tmux() {
    let config = "set -g pane-colours[3] colour200\nset -g window-style fg=colour33\n";
    // cursor-colour is handed to the pane once set (not from the config, read before the pane).
    let (outputs, muxes) = replies_to(QUERY_STEPS, config, &["set", "-g", "cursor-colour", "red"]);
    // Not vacuous: pane-colours' entry 3 was answered.
    assert!(
        outputs[0].contains(r"\E]4;rgb:ffff/0000/d7d7\a"),
        "{}",
        outputs[0]
    );
    assert_eq!(
        outputs[1], outputs[0],
        "tmate (left) differs from tmux (right)"
    );
    // The program's foreground comes before window-style's for the active pane.
    let formats = ["display", "-p", "#{pane_fg} #{pane_bg}"];
    let shown: Vec<String> = muxes.iter().map(|m| m.run(&formats)).collect();
    assert_eq!(shown, ["#abcdef default\n", "#abcdef default\n"]);
}

/// Device attributes (primary, secondary, only for a first parameter of 0 as tmux reads it;
/// DECID `ESC Z` none), device status, the cursor position, the text
/// area's size and XTVERSION (with tmux's parameters) get tmux 3.3a's replies, in order; mode
/// reports (mode 7727 too) and the kitty keyboard query none.
#[test]
fn device_queries_like_tmux() {
    let steps = [
        r"\e[c",
        r"\e[0c",
        r"\e[>c",
        r"\e[>0c",
        r"\e[5n",
        r"\e[6n",
        r"\e[3;7H\e[6n",
        r"\e[18t",
        r"\e[?25$p\e[4$p",
        r"\e[?u",
        r"\e[5n\e[6n\e[c",
        r"\e[>q",
        r"\e[>0q\e[c",
        r"\e[?7727$p\e[5n",
        r"\e[>1q\e[>;2q\e[>00q",
        r"\e[1c\e[>1c\e[5n",
        r"\e[;1c\e[>;1c\e[=c\e[?c",
        r"\e[0:1c\e[>0:1c\e[5n",
        r"\e[>$c\e[0!c\e[5n",
        r"\eZ\e[5n",
    ];
    let (outputs, _muxes) = replies_to(&steps, "", &[]);
    // Not vacuous: the cursor position was answered.
    assert!(outputs[0].contains(r"\E[3;7R"), "{}", outputs[0]);
    assert_eq!(
        outputs[1], outputs[0],
        "tmate (left) differs from tmux (right)"
    );
}

/// A program's own palette (OSC 4) and default colours (OSC 10/11) change how its pane is
/// drawn, over `pane-colours`, as tmux 3.3a draws it for a terminal with RGB colours; OSC
/// 104 and 110/111 give the colours back.
#[tokio::test]
async fn program_palette_like_tmux() {
    let config = "set -g status off\nset -as terminal-features ',xterm-256color:RGB'\n\
        set -g pane-colours[2] colour5\n";
    let mut p = Pair::start(config, 60, 16, None).await;
    both(&p, &["split-window", "-v"]);
    let line = r"printf '\033[31mred\033[0m \033[1;31mbold\033[0m \033[32mgreen\033[0m \033[42mbg\033[0m\n'";
    for pane in ["0", "1"] {
        both(&p, &["send-keys", "-t", pane, "clear; ", line, "Enter"]);
    }
    for c in &mut p.clients {
        c.wait_text("the colours printed", |t| {
            t.lines().filter(|l| l.starts_with("red bold")).count() == 2
        })
        .await;
    }
    both(&p, &["select-pane", "-t", "0"]);
    shell(
        &mut p,
        r"printf '\033]4;1;rgb:ff/00/00;9;#0000ff;2;#00ff00\007\033]10;#102030\033\\'",
        "first",
    )
    .await;
    for c in &mut p.clients {
        c.wait_for("the program's red", |c| {
            fg(c, 0, 0) == Some(vt100::Color::Rgb(255, 0, 0))
        })
        .await;
    }
    p.same_screens(None, "the program's palette").await;
    shell(
        &mut p,
        r"printf '\033]11;#203040\007\033]104;1\007\033]110\007'",
        "second",
    )
    .await;
    for c in &mut p.clients {
        c.wait_for("red again", |c| fg(c, 0, 0) == Some(vt100::Color::Idx(1)))
            .await;
    }
    p.same_screens(None, "entries reset").await;
    // 3.3a keeps drawing the background OSC 104 cleared until the pane's style changes.
    shell(&mut p, r"printf '\033]104\007'", "third").await;
    p.same_screens(None, "the palette cleared").await;
    both(&p, &["set", "-g", "window-style", "default"]);
    for c in &mut p.clients {
        c.wait_for("the background gone", |c| {
            c.screen.screen().cell(0, 0).map(vt100::Cell::bgcolor) == Some(vt100::Color::Default)
        })
        .await;
    }
    p.same_screens(None, "window-style set").await;
    // Marking the pane, swapping it, its own style (`select-pane -P`) and a reset of its
    // terminal (`send-keys -R`) renew its style too.
    let renewals: [&[&str]; 4] = [
        &["select-pane", "-m"],
        &["select-pane", "-P", "default"],
        &["send-keys", "-R"],
        &["swap-pane", "-D"],
    ];
    for (i, renew) in renewals.iter().enumerate() {
        let mark = format!("stale{i}");
        shell(&mut p, r"printf '\033]11;#203040\007\033]104\007'", &mark).await;
        for c in &mut p.clients {
            c.wait_for("the stale background", |c| {
                c.screen.screen().cell(0, 0).map(vt100::Cell::bgcolor)
                    == Some(vt100::Color::Rgb(32, 48, 64))
            })
            .await;
        }
        both(&p, renew);
        for c in &mut p.clients {
            c.wait_for("the background renewed", |c| {
                (0..16).all(|row| {
                    c.screen.screen().cell(row, 0).map(vt100::Cell::bgcolor)
                        != Some(vt100::Color::Rgb(32, 48, 64))
                })
            })
            .await;
        }
        p.same_screens(None, renew[0]).await;
    }
}
