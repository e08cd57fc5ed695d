//! Mouse keys and variables side by side with real tmux 3.3a: the keys of buttons 6 to 11
//! (`MouseDown8Pane`, `TripleClick11Status`...) bound, listed and run from an attached
//! client's reports; `mouse_word` and `mouse_line` in a binding's commands and in the default
//! right-button pane menu; `mouse_any_flag`; motion without a button (the MouseMove keys no
//! binding can name) to the pane under the mouse, and after the prefix.
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

use common::{compare_outcomes, compare_outcomes_on};
use pair::Pair;

/// An SGR mouse report at 1-based (x, y).
fn sgr(button: u32, x: u16, y: u16, press: bool) -> Vec<u8> {
    let end = if press { 'M' } else { 'm' };
    format!("\x1b[<{button};{x};{y}{end}").into_bytes()
}

/// Until each server acts on the client's mouse reports (tmux drops input read while it
/// still waits for the terminal's answers to its queries): a wheel report, which leaves the
/// click timer alone, sets `@ready` through `bind -n WheelUpPane` (see `READY`).
async fn mouse_ready(p: &mut Pair) {
    for i in 0..p.clients.len() {
        let deadline = std::time::Instant::now() + common::DEADLINE;
        loop {
            p.clients[i].type_bytes(&sgr(64, 2, 2, true)).await;
            p.clients[i]
                .pump(std::time::Duration::from_millis(100))
                .await;
            // Quiet: `@ready` does not exist until the wheel's binding ran.
            if p.muxes[i].run(&["show", "-gqv", "@ready"]).trim() == "1" {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the mouse never reached server {i}"
            );
        }
    }
}

/// The config line [`mouse_ready`] needs.
const READY: &str = "set -g mouse on\nbind -n WheelUpPane set -g @ready 1\n";

#[test]
fn keys_of_buttons_6_to_11_bind_and_list_like_tmux() {
    compare_outcomes(&[
        &["new-session", "-d", "-s", "main"],
        &["bind", "-T", "t", "MouseDown8Pane", "display", "d8"],
        &["bind", "-T", "t", "MouseUp6Status", "display", "u6"],
        &["bind", "-T", "t", "MouseDrag11Border", "display", "g11"],
        &[
            "bind",
            "-T",
            "t",
            "MouseDragEnd7StatusLeft",
            "display",
            "e7",
        ],
        &[
            "bind",
            "-T",
            "t",
            "SecondClick9StatusRight",
            "display",
            "s9",
        ],
        &[
            "bind",
            "-T",
            "t",
            "DoubleClick10StatusDefault",
            "display",
            "c10",
        ],
        &["bind", "-T", "t", "TripleClick6Pane", "display", "t6"],
        &["bind", "-T", "t", "M-MouseDown11Pane", "display", "m11"],
        &["bind", "-T", "t", "MouseDown1Pane", "display", "d1"],
        &["bind", "-T", "t", "WheelDownPane", "display", "w"],
        &["bind", "-T", "t", "TripleClick3Pane", "display", "t3"],
        &["list-keys", "-T", "t"],
        &["unbind", "-T", "t", "mousedown8pane"],
        &["list-keys", "-T", "t"],
        &["bind", "-T", "t", "MouseDown12Pane", "display", "no"],
        &["bind", "-T", "t", "MouseDown5Pane", "display", "no"],
    ]);
}

/// Presses and releases of buttons 6 and 8 on a pane run their keys' bindings.
#[tokio::test]
async fn reports_of_buttons_6_to_11_run_their_keys() {
    let config = format!(
        "{READY}set -g @seen ''\n\
        bind -n MouseDown8Pane set -gF @seen '#{{@seen}}d8'\n\
        bind -n MouseUp8Pane set -gF @seen '#{{@seen}}u8'\n\
        bind -n SecondClick8Pane set -gF @seen '#{{@seen}}s8'\n\
        bind -n DoubleClick8Pane set -gF @seen '#{{@seen}}c8'\n\
        bind -n MouseDown6Pane set -gF @seen '#{{@seen}}d6'\n\
        bind -n MouseUp6Pane set -gF @seen '#{{@seen}}u6'\n"
    );
    let mut p = Pair::start(&config, 60, 12, Some("cat")).await;
    mouse_ready(&mut p).await;
    // Button 8 (128) twice: down, up, a second click, up, and once the click time is over
    // a double click.
    for _ in 0..2 {
        p.send(&sgr(128, 5, 3, true)).await;
        p.send(&sgr(128, 5, 3, false)).await;
    }
    p.wait_both(&["show", "-gv", "@seen"], "button 8", |o| {
        o.trim() == "d8u8s8u8c8"
    });
    // Button 6 (66), pressed and released.
    p.send(&sgr(66, 5, 3, true)).await;
    p.send(&sgr(66, 5, 3, false)).await;
    p.wait_both(&["show", "-gv", "@seen"], "button 6", |o| {
        o.trim() == "d8u8s8u8c8d6u6"
    });
}

/// Both with `mouse on`, this config, and a line of text printed; the 1-based row it is on.
async fn with_text(config: &str) -> (Pair, u16) {
    let config = format!("{READY}{config}");
    // Tall enough for the default pane menu (tmux shows no menu taller than the client).
    let mut p = Pair::start(&config, 60, 30, None).await;
    mouse_ready(&mut p).await;
    p.run_both(&[
        "send-keys",
        "clear; printf 'alpha beta-gamma/delta  end\\n'",
        "Enter",
    ]);
    for c in &mut p.clients {
        c.wait_text("the text", |t| {
            t.lines().any(|l| l.starts_with("alpha beta-gamma/delta"))
        })
        .await;
    }
    let screen = p.clients[0].screen.screen().contents();
    let row = screen
        .lines()
        .position(|l| l.starts_with("alpha beta"))
        .unwrap();
    (p, u16::try_from(row).unwrap() + 1)
}

/// `mouse_word` and `mouse_line` under a click: on a word, on a separator, on a space, past
/// the text. Every press of the left button runs the binding (a press soon after another is
/// a SecondClick or TripleClick; the double click's copy mode is unbound).
#[tokio::test]
async fn mouse_word_and_line_like_tmux() {
    let command = "set -gF @w '[#{mouse_word}]' \\; set -gF @l '[#{mouse_line}]'";
    let config = format!(
        "bind -n MouseDown1Pane {command}\nbind -n SecondClick1Pane {command}\n\
         bind -n TripleClick1Pane {command}\nunbind -n DoubleClick1Pane\n"
    );
    let (mut p, row) = with_text(&config).await;
    let mut seen = Vec::new();
    // On `gamma`, on the `/` separator, on a space, past the end of the text, on `alpha`.
    for x in [14, 17, 6, 40, 1] {
        for m in &p.muxes {
            m.run(&["set", "-g", "@w", "-"]);
        }
        p.send(&sgr(0, x, row, true)).await;
        p.send(&sgr(0, x, row, false)).await;
        p.wait_both(&["show", "-gv", "@w"], "the binding", |o| o.trim() != "-");
        seen.push(p.run_both(&["show", "-gv", "@w"]));
        seen.push(p.run_both(&["show", "-gv", "@l"]));
    }
    assert_eq!(seen[0].trim(), "[gamma]", "{seen:?}");
    assert_eq!(seen[1].trim(), "[alpha beta-gamma/delta  end]", "{seen:?}");
}

/// The default MouseDown3Pane menu offers the word and the line under the mouse.
#[tokio::test]
async fn the_pane_menu_shows_the_word_under_the_mouse() {
    let (mut p, row) = with_text("").await;
    p.send(&sgr(2, 8, row, true)).await;
    for c in &mut p.clients {
        c.wait_text("the pane menu", |t| t.contains("Horizontal Split"))
            .await;
    }
    let screen = p.clients[1].screen.screen().contents();
    assert!(
        screen.contains("Search For") && screen.contains("Copy Line"),
        "{screen}"
    );
    p.same_screens(None, "the pane menu with the word").await;
}

/// In copy mode the menu's word is the one copy mode shows under the mouse.
#[tokio::test]
async fn the_pane_menu_in_copy_mode_shows_the_word_there() {
    let (mut p, row) = with_text("").await;
    p.run_both(&["copy-mode"]);
    for c in &mut p.clients {
        c.wait_text("copy mode", |t| t.contains("[0/")).await;
    }
    p.send(&sgr(2, 14, row, true)).await;
    for c in &mut p.clients {
        c.wait_text("the pane menu", |t| t.contains("Go To Top"))
            .await;
    }
    let screen = p.clients[1].screen.screen().contents();
    assert!(screen.contains("Search For gamma"), "{screen}");
    p.same_screens(None, "the pane menu in copy mode").await;
}

#[test]
fn mouse_any_flag_like_tmux() {
    let (a, b) = (common::Mux::tmux(), common::Mux::tmate());
    for m in [&a, &b] {
        m.run(&["new-session", "-d", "-s", "main", "cat"]);
        m.run(&[
            "split-window",
            "-t",
            "main",
            "printf '\\033[?1000h'; exec cat",
        ]);
        m.wait_for(
            &["display", "-p", "-t", "main:0.1", "#{mouse_any_flag}"],
            "the program's mouse mode",
            |o| o == "1\n",
        );
    }
    compare_outcomes_on(
        &a,
        &b,
        &[
            &["display", "-p", "-t", "main:0.0", "#{mouse_any_flag}"],
            &["display", "-p", "-t", "main:0.1", "#{mouse_any_flag}"],
            &["copy-mode", "-t", "main:0.1"],
            &["display", "-p", "-t", "main:0.1", "#{mouse_any_flag}"],
        ],
    );
}

/// tmux 3.3a names the MouseMove keys but cannot parse the names: binding one is an unknown
/// key, and nothing lists them.
#[test]
fn mouse_move_keys_cannot_be_bound_like_tmux() {
    compare_outcomes(&[
        &["new-session", "-d", "-s", "main"],
        &["bind", "-T", "t", "MouseDrag3Pane", "display", "d"],
        &["bind", "-T", "t", "MouseMovePane", "display", "m"],
        &["bind", "-T", "t", "MouseMoveStatus", "display", "m"],
        &["bind", "-T", "t", "MouseMove1Pane", "display", "m"],
        &["unbind", "-T", "t", "MouseMoveBorder"],
        &["list-keys", "-T", "t"],
    ]);
}

/// Whether the last word `raw` gave a terminal on mode 1003 (all motion) turned it on.
fn all_motion(raw: &[u8]) -> bool {
    let text = String::from_utf8_lossy(raw);
    let on = text.rfind("\x1b[?1003h");
    let off = text.rfind("\x1b[?1003l");
    on.is_some_and(|on| off.is_none_or(|off| on > off))
}

/// Motion without a button is tmux 3.3a's MouseMove key, not MouseDrag3: unbound (it cannot
/// be bound), it reaches the pane under the mouse when that program asked for all motion
/// (`CSI ? 1003 h`), which the client's terminal is asked for when any pane of the window
/// wants it; other panes and the border get nothing.
#[tokio::test]
async fn motion_without_a_button_reaches_the_pane_like_tmux() {
    let config = format!(
        "{READY}bind -n MouseDrag3Pane set -g @drag3 pane\n\
         bind -n MouseDrag3Border set -g @drag3 border\n"
    );
    let program = r"printf '\033[?1003h\033[?1006h'; stty raw -echo; exec cat -v";
    let mut p = Pair::start(&config, 60, 12, Some(program)).await;
    p.run_both(&["split-window", "-h", "cat"]);
    mouse_ready(&mut p).await;
    for c in &mut p.clients {
        c.wait_for("all motion asked of the terminal", |c| all_motion(&c.raw))
            .await;
    }
    // Over the left pane, the right pane (cat, no mouse) and the border between them.
    p.send(&sgr(35, 5, 3, true)).await;
    p.send(&sgr(35, 45, 3, true)).await;
    p.send(&sgr(35, 31, 3, true)).await;
    p.send(&sgr(35, 7, 4, true)).await;
    for c in &mut p.clients {
        c.wait_text("both motions in the left pane", |t| {
            t.contains("^[[<35;5;3M^[[<35;7;4M")
        })
        .await;
    }
    p.same_screens(None, "the motions delivered").await;
    assert_eq!(p.run_both(&["display", "-p", "#{@drag3}"]), "\n");
}

/// After the prefix a mouse key goes through the prefix table, then root, as any key in tmux
/// 3.3a: motion, bound in neither, is not passed on and ends the prefix, so the next key is
/// typed into the pane.
#[tokio::test]
async fn motion_after_the_prefix_ends_it_like_tmux() {
    let program = r"printf '\033[?1003h\033[?1006h'; stty raw -echo; exec cat -v";
    let mut p = Pair::start(READY, 60, 12, Some(program)).await;
    mouse_ready(&mut p).await;
    for c in &mut p.clients {
        c.wait_for("all motion asked of the terminal", |c| all_motion(&c.raw))
            .await;
    }
    p.send(b"\x02").await;
    p.send(&sgr(35, 5, 3, true)).await;
    p.send(b"x").await;
    for c in &mut p.clients {
        c.wait_text("x typed into the pane", |t| {
            t.lines().next().is_some_and(|l| l.trim_end() == "x")
        })
        .await;
    }
    p.same_screens(None, "the prefix ended by the motion").await;
}
