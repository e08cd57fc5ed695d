//! display-popup on attached clients side by side with real tmux 3.3a: the box at `-x`/`-y`
//! with `-w`/`-h`, its border lines (`-B`, `-b`, `popup-border-lines`), styles (`-s`, `-S`,
//! `popup-style`, `popup-border-style`), title, the program's output inside and the keys typed
//! to it, `-d` and `-e`, closing with Escape, `-C`, `-E` and `-EE`, and the status a command
//! client gets; the same screens cell by cell with colours.
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

use std::process::Child;

use pair::Pair;

const CONFIG: &str = "set -g status-right 'R'\nset -g assume-paste-time 0\n";

/// The popup commands' exit statuses, the same on both (tmux's once its popup closed).
fn finish(children: Vec<Child>, what: &str) -> Option<i32> {
    let codes = common::reap(children, "display-popup");
    assert_eq!(codes[1], codes[0], "{what}: tmate's status (left), tmux's");
    codes[0]
}

#[tokio::test]
async fn a_popup_shows_its_program_takes_keys_and_escape_closes_it() {
    let mut p = Pair::start_shown(CONFIG, Some("cat")).await;
    let children = p.spawn_both(&[
        "display-popup",
        "-T",
        "#[fg=green]Title",
        "-w",
        "40",
        "-h",
        "10",
        "-x",
        "5",
        "-y",
        "15",
        "printf 'hello\\nworld\\n'; cat",
    ]);
    p.wait_text("the popup", "world").await;
    p.same_screens(None, "the popup").await;
    p.send(b"typed").await;
    p.wait_text("the typed keys", "typed").await;
    p.same_screens(None, "keys to the program").await;
    // The pane under the popup got none of them.
    p.send(b"\x1b").await;
    p.wait_gone("the popup closed", "world").await;
    p.same_screens(None, "after Escape").await;
    // Closed while its program ran: tmux's 128 + SIGHUP.
    assert_eq!(finish(children, "Escape"), Some(129));
}

#[tokio::test]
async fn popup_sizes_positions_and_borders() {
    let mut p = Pair::start_shown(CONFIG, Some("cat")).await;
    p.run_both(&["split-window", "-h", "cat"]);
    let cases: &[&[&str]] = &[
        &[],
        &["-w", "50%", "-h", "30%", "-x", "R", "-y", "P"],
        &["-x", "P", "-y", "S", "-b", "double", "-T", "Dbl"],
        &["-x", "70", "-y", "3", "-b", "rounded"],
        &["-B", "-w", "20", "-h", "5"],
        &["-b", "heavy", "-s", "bg=blue", "-S", "fg=red,bold"],
        &["-b", "simple", "-x", "M", "-y", "M"],
        &["-b", "padded", "-x", "W", "-y", "W", "-w", "100%"],
        &[
            "-x",
            "#{popup_pane_right}",
            "-y",
            "#{e|-:#{popup_centre_y},2}",
        ],
        &["-x", "#{popup_width}", "-y", "#{popup_pane_top}", "-h", "5"],
    ];
    for args in cases {
        let mut all = vec!["display-popup"];
        all.extend_from_slice(args);
        all.extend(["-E", "printf 'inside\\n'; exec cat"]);
        let children = p.spawn_both(&all);
        p.wait_text("the popup", "inside").await;
        p.same_screens(None, &format!("display-popup {args:?}"))
            .await;
        p.run_both(&["display-popup", "-C"]);
        p.wait_gone("closed by -C", "inside").await;
        p.same_screens(None, &format!("closed {args:?}")).await;
        finish(children, &format!("{args:?}"));
    }
}

#[tokio::test]
async fn popup_options_directory_and_environment() {
    let mut p = Pair::start_shown(CONFIG, Some("cat")).await;
    for m in &p.muxes {
        m.run(&["set", "-g", "popup-style", "fg=yellow,bg=black"]);
        m.run(&["set", "-g", "popup-border-style", "fg=cyan"]);
        m.run(&["set", "-g", "popup-border-lines", "double"]);
    }
    let children = p.spawn_both(&[
        "display-popup",
        "-d",
        "/tmp",
        "-e",
        "FOO=bar",
        "-E",
        "printf '%s %s\\n' \"$FOO\" \"$(pwd)\"; printf '\\033[31mred\\033[m\\n'; exec cat",
    ]);
    p.wait_text("the popup", "bar /tmp").await;
    p.same_screens(None, "popup options").await;
    // With -E, Escape goes to the program (cat shows it as ^[).
    p.send(b"\x1b").await;
    p.wait_text("escape typed", "^[").await;
    p.same_screens(None, "escape to the program").await;
    p.send(b"\r\x04").await;
    p.wait_gone("closed when cat ends", "bar /tmp").await;
    p.same_screens(None, "closed").await;
    assert_eq!(finish(children, "-E"), Some(0));
}

#[tokio::test]
async fn closing_on_exit_with_e_and_ee() {
    let mut p = Pair::start_shown(CONFIG, Some("cat")).await;
    // -E: any exit closes it; the command client gets the status.
    let children = p.spawn_both(&["display-popup", "-E", "exit 5"]);
    assert_eq!(finish(children, "-E exit 5"), Some(5));
    // -EE: a failure leaves it open with what the program wrote, until Escape.
    let children = p.spawn_both(&["display-popup", "-EE", "printf 'failing\\n'; exit 3"]);
    p.wait_text("the popup", "failing").await;
    p.same_screens(None, "-EE after a failure").await;
    p.send(b"\x1b").await;
    p.wait_gone("closed by Escape", "failing").await;
    assert_eq!(finish(children, "-EE exit 3"), Some(3));
    let children = p.spawn_both(&["display-popup", "-EE", "printf 'fine\\n'; sleep 0.2"]);
    assert_eq!(finish(children, "-EE exit 0"), Some(0));
    p.wait_gone("closed on success", "fine").await;
    // Without -E the popup stays after the program ends.
    let children = p.spawn_both(&["display-popup", "printf 'done\\n'"]);
    p.wait_text("the popup", "done").await;
    p.same_screens(None, "ended, still open").await;
    p.send(b"\x03").await;
    p.wait_gone("closed by C-c", "done").await;
    p.same_screens(None, "after C-c").await;
    // Its status is 0, or 129 had C-c come before the program's end was seen (on either).
    let _ = common::reap(children, "display-popup");
}

#[tokio::test]
async fn popup_errors_and_a_bound_popup() {
    let mut p = Pair::start_shown(CONFIG, Some("cat")).await;
    for m in &p.muxes {
        for (args, err) in [
            (&["-w", "0"][..], "width too small\n"),
            (&["-h", "200"][..], "height too large\n"),
            (&["-w", "x"][..], "width invalid\n"),
            (
                &["-b", "wavy"][..],
                "popup-border-lines unknown value: wavy\n",
            ),
        ] {
            let mut words = vec!["display-popup"];
            words.extend_from_slice(args);
            let out = m.run_output(&words);
            assert_eq!(String::from_utf8_lossy(&out.stderr), err, "{args:?}");
            assert_eq!(out.status.code(), Some(1));
        }
        m.run(&["bind", "u", "popup", "-E", "-T", "Bound", "echo bound; cat"]);
    }
    p.send(b"\x02u").await;
    p.wait_text("the bound popup", "bound").await;
    p.same_screens(None, "the bound popup").await;
    p.send(b"\x04").await;
    p.wait_gone("closed when cat ends", "Bound").await;
    p.same_screens(None, "closed").await;
}

#[tokio::test]
async fn a_popup_follows_its_client_resizing() {
    let mut p = Pair::start_shown(CONFIG, Some("cat")).await;
    let children = p.spawn_both(&[
        "display-popup",
        "-w",
        "60",
        "-h",
        "16",
        "-x",
        "15",
        "-y",
        "20",
        "-E",
        "printf 'sized\\n'; exec sh",
    ]);
    p.wait_text("the popup", "sized").await;
    // Keys typed before the shell's prompt would be echoed ahead of it, as the shell's
    // start-up races the typing.
    p.wait_text("the shell's prompt", "│$").await;
    p.same_screens(None, "before the resize").await;
    // Smaller than the popup: it shrinks and moves in; its program gets the new size.
    for c in &mut p.clients {
        c.resize(50, 12);
    }
    for c in &mut p.clients {
        c.wait_for("the popup shrunk", |c| {
            c.row(0).starts_with('┌') && c.row(0).chars().count() == 50
        })
        .await;
    }
    p.send(b"stty size\r").await;
    p.wait_text("the program's new size", "10 48").await;
    p.same_screens(None, "smaller").await;
    // Back to the first size: the popup's own place and size again.
    for c in &mut p.clients {
        c.resize(80, 24);
    }
    p.same_screens(None, "larger again").await;
    p.run_both(&["display-popup", "-C"]);
    p.wait_gone("closed", "sized").await;
    finish(children, "resized");
}

/// An SGR mouse report at 1-based (x, y): `M` a press or motion, `m` a release.
fn sgr(button: u32, x: u16, y: u16, press: bool) -> Vec<u8> {
    let end = if press { 'M' } else { 'm' };
    format!("\x1b[<{button};{x};{y}{end}").into_bytes()
}

#[tokio::test]
async fn the_mouse_moves_and_resizes_a_popup_and_reaches_its_program() {
    let mut p = Pair::start_shown(CONFIG, Some("cat")).await;
    let program = "printf 'mouse\\n\\033[?1000h\\033[?1006h'; exec cat -v";
    let args = [
        "display-popup",
        "-w",
        "30",
        "-h",
        "8",
        "-x",
        "10",
        "-y",
        "15",
        "-E",
        program,
    ];
    let children = p.spawn_both(&args);
    p.wait_text("the popup", "mouse").await;
    // Button 1 dragged along the top border moves it (the drag starts on the border).
    p.send(&sgr(0, 20, 8, true)).await;
    p.send(&sgr(32, 25, 8, true)).await;
    p.send(&sgr(32, 30, 12, true)).await;
    p.send(&sgr(0, 30, 12, false)).await;
    for c in &mut p.clients {
        c.wait_for("moved", |c| c.row(11).find('┌') == Some(20))
            .await;
    }
    p.same_screens(None, "moved").await;
    // Button 3 dragged along the right border resizes it from its top-left.
    p.send(&sgr(2, 50, 14, true)).await;
    p.send(&sgr(34, 50, 15, true)).await;
    p.send(&sgr(34, 60, 18, true)).await;
    p.send(&sgr(2, 60, 18, false)).await;
    for c in &mut p.clients {
        c.wait_for("resized", |c| {
            c.row(16).find('└') == Some(20) && c.row(16).chars().count() == 59
        })
        .await;
    }
    p.same_screens(None, "resized").await;
    // Inside, the program asked for the mouse: it reads the click.
    p.send(&sgr(0, 25, 15, true)).await;
    p.send(&sgr(0, 25, 15, false)).await;
    p.wait_text("the click read", "^[[<0;").await;
    p.same_screens(None, "the click read").await;
    p.run_both(&["display-popup", "-C"]);
    p.wait_gone("closed", "mouse").await;
    finish(children, "mouse");
}

/// The popup's right-button menu (tmux 3.3a `popup_menu_items`): a right press outside the
/// popup or on its left or top border opens it at the mouse (Paste only with a buffer);
/// `p` pastes the newest buffer into the program, `C` centres the box, Fill Space (chosen by
/// dragging onto it and releasing) spreads it over the client, `q` closes the popup.
#[tokio::test]
async fn the_right_button_popup_menu() {
    let config = format!("{CONFIG}set -g mouse on\n");
    let mut p = Pair::start_shown(&config, Some("cat")).await;
    p.run_both(&["set-buffer", "from-the-buffer"]);
    let args = [
        "display-popup",
        "-w",
        "30",
        "-h",
        "8",
        "-x",
        "10",
        "-y",
        "15",
        "printf 'in-popup\\n'; cat",
    ];
    let children = p.spawn_both(&args);
    p.wait_text("the popup", "in-popup").await;
    // Outside the popup: the menu under the mouse.
    p.send(&sgr(2, 60, 3, true)).await;
    p.wait_text("the menu", "Fill Space").await;
    p.same_screens(None, "the menu outside").await;
    p.send(b"p").await;
    p.wait_gone("the menu gone", "Fill Space").await;
    p.wait_text("the buffer pasted", "from-the-buffer").await;
    p.same_screens(None, "pasted").await;
    // On the top border: Centre by its key.
    p.send(&sgr(2, 20, 8, true)).await;
    p.wait_text("the menu on the border", "Fill Space").await;
    p.same_screens(None, "the menu on the top border").await;
    p.send(b"C").await;
    p.wait_gone("the menu gone again", "Fill Space").await;
    for c in &mut p.clients {
        c.wait_for("centred", |c| c.row(8).find('┌') == Some(25))
            .await;
    }
    p.same_screens(None, "centred").await;
    // Dragged onto Fill Space (the menu's fourth row) and released there.
    p.send(&sgr(2, 5, 20, true)).await;
    p.wait_text("the menu at the bottom", "Fill Space").await;
    let row = p.clients[1]
        .screen
        .screen()
        .contents()
        .lines()
        .position(|l| l.contains("Fill Space"))
        .unwrap();
    let y = u16::try_from(row).unwrap() + 1;
    p.send(&sgr(34, 5, y, true)).await;
    p.same_screens(None, "Fill Space chosen").await;
    p.send(&sgr(2, 5, y, false)).await;
    for c in &mut p.clients {
        c.wait_for("filled", |c| c.row(0).starts_with('┌')).await;
    }
    p.same_screens(None, "filled").await;
    // On the left border: Close.
    p.send(&sgr(2, 1, 12, true)).await;
    p.wait_text("the menu on the left border", "Fill Space")
        .await;
    p.send(b"q").await;
    p.wait_gone("the popup closed", "in-popup").await;
    p.same_screens(None, "closed").await;
    assert_eq!(finish(children, "Close"), Some(129));
}

/// To Horizontal Pane and To Vertical Pane (tmux 3.3a `popup_make_pane`): the popup's program
/// moves, its screen as it was, into a new pane split from the active one, which becomes
/// active; the popup closes without ending it (display-popup returns 129) and the pane reads
/// the keys typed next.
#[tokio::test]
async fn the_popup_menu_moves_the_program_into_a_pane() {
    let config = format!("{CONFIG}set -g mouse on\n");
    let mut p = Pair::start(&config, 80, 24, Some("cat")).await;
    p.status("the status line", |r| r.starts_with("[main] 0:w0*"))
        .await;
    let layout = [
        "list-panes",
        "-F",
        "#{pane_index} #{pane_width}x#{pane_height} #{pane_active}",
    ];
    for (key, text) in [(b"h", "first-program"), (b"v", "second-program")] {
        let program = format!("printf '{text}\\n'; exec cat");
        let args = [
            "-w",
            "30",
            "-h",
            "8",
            "-x",
            "10",
            "-y",
            "15",
            program.as_str(),
        ];
        let children = p.spawn_both(&[&["display-popup"][..], &args[..]].concat());
        p.wait_text("the popup", text).await;
        p.send(&sgr(2, 70, 3, true)).await;
        p.wait_text("the menu", "To Vertical Pane").await;
        p.send(key).await;
        p.wait_gone("the menu gone", "To Vertical Pane").await;
        assert_eq!(finish(children, "moved"), Some(129));
        p.same_screens(None, "moved into a pane").await;
        p.run_both(&layout);
        p.send(format!("typed-after-{text}\r").as_bytes()).await;
        for c in &mut p.clients {
            c.wait_text("the pane reads keys", |t| {
                t.matches(&format!("typed-after-{text}")).count() == 2
            })
            .await;
        }
        p.same_screens(None, "the moved program reads keys").await;
    }
}
