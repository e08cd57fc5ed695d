//! display-menu on attached clients side by side with real tmux 3.3a: the menu's box, title,
//! items, separators, disabled items and keys drawn at `-x`/`-y` (letters, numbers, formats)
//! or centred, the chosen item in `mode-style`, moving with the arrow keys, an item's key or
//! Enter running its command, q closing it; tmux 3.3a's default `C-b <`, `C-b >` and
//! right-button menus, chosen and closed with the mouse, `-O`; the same screens cell by cell
//! with colours.
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

use pair::Pair;

const CONFIG: &str = "set -g status-right 'R'\nset -g assume-paste-time 0\n\
    bind m display-menu -T Pick First a 'rename-window first' '' '-Disabled' b '' \
    'Third item' c 'rename-window third' 'Last' Down 'rename-window last'\n";

/// The menu commands ended well (once their menus closed).
fn done(children: Vec<std::process::Child>) {
    for code in common::reap(children, "display-menu") {
        assert_eq!(code, Some(0));
    }
}

#[tokio::test]
async fn a_menu_from_the_command_line_at_a_position() {
    let mut p = Pair::start_shown(CONFIG, Some("cat")).await;
    let mut children = p.spawn_both(&[
        "display-menu",
        "-T",
        "Title",
        "-x",
        "2",
        "-y",
        "12",
        "First",
        "a",
        "rename-window first",
        "",
        "-Disabled",
        "b",
        "",
        "Third item",
        "c",
        "rename-window third",
    ]);
    p.wait_text("the menu", "Third item").await;
    p.same_screens(Some(24), "the menu").await;
    for c in &mut children {
        assert!(
            c.try_wait().unwrap().is_none(),
            "returned with its menu open"
        );
    }
    // Down skips the separator and the disabled item.
    p.send(b"\x1b[B").await;
    p.same_screens(Some(24), "the choice moved").await;
    p.send(b"\r").await;
    p.status("the renamed window", |r| r.contains("0:third*"))
        .await;
    p.same_screens(Some(24), "the menu closed").await;
    done(children);
}

#[tokio::test]
async fn a_bound_menu_centred_its_keys_and_q() {
    let mut p = Pair::start_shown(CONFIG, Some("cat")).await;
    p.send(b"\x02m").await;
    p.wait_text("the menu", "Third item").await;
    p.same_screens(Some(24), "the centred menu").await;
    p.send(b"q").await;
    p.wait_gone("the menu gone", "Third item").await;
    p.same_screens(Some(24), "after q").await;
    // An item's key runs its command at once.
    p.send(b"\x02m").await;
    p.wait_text("the menu again", "Third item").await;
    p.send(b"c").await;
    p.status("the renamed window", |r| r.contains("0:third*"))
        .await;
    p.same_screens(Some(24), "after c").await;
}

#[tokio::test]
async fn menu_positions_and_errors() {
    let mut p = Pair::start_shown(CONFIG, Some("cat")).await;
    p.run_both(&["split-window", "-h", "cat"]);
    let formats = ("#{e|+:#{popup_centre_x},5}", "#{popup_pane_bottom}");
    for (x, y) in [("R", "P"), ("P", "S"), ("70", "3"), ("C", "C"), formats] {
        let children = p.spawn_both(&[
            "display-menu",
            "-x",
            x,
            "-y",
            y,
            "-T",
            "#[align=centre]Centred",
            "Item",
            "i",
            "rename-window item",
        ]);
        p.wait_text("the menu", "Item").await;
        p.same_screens(Some(24), &format!("-x {x} -y {y}")).await;
        p.send(b"\x1b").await;
        p.wait_gone("the menu gone", "Item").await;
        done(children);
    }
    for m in &p.muxes {
        let out = m.run_output(&["display-menu", "a", "b"]);
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "not enough arguments\n"
        );
        assert_eq!(out.status.code(), Some(1));
    }
}

/// An SGR mouse report at 1-based (x, y): `M` a press or motion, `m` a release.
fn sgr(button: u32, x: u16, y: u16, press: bool) -> Vec<u8> {
    let end = if press { 'M' } else { 'm' };
    format!("\x1b[<{button};{x};{y}{end}").into_bytes()
}

#[tokio::test]
async fn the_default_window_and_pane_menus() {
    let mut p = Pair::start_shown(CONFIG, Some("cat")).await;
    p.run_both(&["new-window", "-d", "-n", "w1", "cat"]);
    p.run_both(&["split-window", "-h", "cat"]);
    // C-b <: the window menu at the window's status-line entry.
    p.send(b"\x02<").await;
    p.wait_text("the window menu", "New At End").await;
    p.same_screens(Some(24), "C-b <").await;
    p.send(b"n").await;
    p.status("the rename prompt", |r| r.starts_with("(rename-window) w0"))
        .await;
    p.send(b"\x1b").await;
    p.status("the prompt gone", |r| r.starts_with("[main]"))
        .await;
    // C-b >: the pane menu below the pane.
    p.send(b"\x02>").await;
    p.wait_text("the pane menu", "Horizontal Split").await;
    p.same_screens(Some(24), "C-b >").await;
    p.send(b"z").await;
    p.wait_text("zoomed", "0:w0*Z").await;
    p.same_screens(Some(24), "zoomed from the menu").await;
    // A click closes a menu opened by keys.
    p.send(b"\x02>").await;
    p.wait_text("the pane menu again", "Unzoom").await;
    p.send(&sgr(0, 5, 5, false)).await;
    p.wait_gone("closed by a click", "Unzoom").await;
    p.same_screens(Some(24), "after the click").await;
}

/// Both with `mouse on` and the window split; each right-button test starts afresh, as a
/// press of the button soon after another is a SecondClick (tmux's click timer).
async fn with_mouse() -> Pair {
    let config = format!("{CONFIG}set -g mouse on\n");
    let p = Pair::start_shown(&config, Some("cat")).await;
    p.run_both(&["split-window", "-h", "cat"]);
    p
}

#[tokio::test]
async fn the_right_button_pane_menu_follows_the_mouse() {
    let mut p = with_mouse().await;
    // MouseDown3Pane: the pane menu at the mouse, nothing chosen.
    p.send(&sgr(2, 10, 5, true)).await;
    p.wait_text("the pane menu", "Horizontal Split").await;
    p.same_screens(Some(24), "MouseDown3Pane").await;
    // Moving over an item chooses it; releasing there runs it (Vertical Split).
    p.send(&sgr(34, 14, 7, true)).await;
    p.same_screens(Some(24), "the mouse over an item").await;
    p.send(&sgr(2, 14, 7, false)).await;
    p.wait_gone("the menu gone", "Horizontal Split").await;
    p.wait_both(&["display", "-p", "#{window_panes}"], "the split", |o| {
        o.trim() == "3"
    });
    p.same_screens(Some(24), "after the release").await;
}

#[tokio::test]
async fn a_release_away_from_a_mouse_menu_closes_it() {
    let mut p = with_mouse().await;
    // M-MouseDown3Pane opens the pane menu too.
    p.send(&sgr(10, 50, 12, true)).await;
    p.wait_text("the pane menu", "Vertical Split").await;
    p.same_screens(Some(24), "M-MouseDown3Pane").await;
    p.send(&sgr(2, 2, 2, false)).await;
    p.wait_gone("the menu gone", "Vertical Split").await;
    p.same_screens(Some(24), "released outside").await;
}

#[tokio::test]
async fn the_right_button_window_menu_on_the_status_line() {
    let mut p = with_mouse().await;
    p.run_both(&["new-window", "-d", "-n", "w1", "cat"]);
    // MouseDown3Status: the window menu at the clicked window's entry.
    p.send(&sgr(2, 16, 24, true)).await;
    p.wait_text("the window menu", "New At End").await;
    p.same_screens(Some(24), "MouseDown3Status").await;
    p.send(b"q").await;
    p.wait_gone("the menu gone", "New At End").await;
    p.same_screens(Some(24), "after q").await;
}

/// MouseDown3StatusLeft: tmux 3.3a's session menu, at the mouse's column above the current
/// window's entry (`-xM -yW`), opened by the press.
#[tokio::test]
async fn the_right_button_session_menu_on_status_left() {
    let mut p = with_mouse().await;
    p.send(&sgr(2, 3, 24, true)).await;
    p.wait_text("the session menu", "New Session").await;
    p.same_screens(Some(24), "MouseDown3StatusLeft").await;
    // Its key `w` runs New Window.
    p.send(b"w").await;
    p.wait_gone("the menu gone", "New Session").await;
    p.status("the new window", |r| r.contains("1:")).await;
    p.same_screens(Some(24), "after w").await;
}

/// A whole right click on status-left: the release closes the session menu the press opened.
#[tokio::test]
async fn a_right_click_on_status_left_closes_its_menu_on_release() {
    let mut p = with_mouse().await;
    p.send(&sgr(2, 3, 24, true)).await;
    p.wait_text("the session menu", "New Session").await;
    p.send(&sgr(2, 3, 24, false)).await;
    p.wait_gone("closed by the release", "New Session").await;
    p.same_screens(Some(24), "after the release").await;
}

#[tokio::test]
async fn a_menu_with_o_stays_open_after_the_release() {
    let mut p = with_mouse().await;
    for m in &p.muxes {
        m.run(&[
            "bind",
            "-n",
            "MouseDown3Pane",
            "display-menu",
            "-O",
            "-t=",
            "-xM",
            "-yM",
            "One",
            "1",
            "rename-window one",
            "Two",
            "2",
            "rename-window two",
        ]);
    }
    p.send(&sgr(2, 10, 5, true)).await;
    p.wait_text("the menu", "Two").await;
    // The release where it opened (its top border) leaves it open.
    p.send(&sgr(2, 10, 5, false)).await;
    p.same_screens(Some(24), "released").await;
    // Over the second item, a press chooses it.
    p.send(&sgr(35, 6, 7, true)).await;
    p.send(&sgr(0, 6, 7, true)).await;
    p.status("the renamed window", |r| r.contains("0:two*"))
        .await;
    p.same_screens(Some(24), "chosen by a press").await;
}
