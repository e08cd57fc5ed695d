//! The command prompt, confirm-before and display-panes on attached clients, driven by keys on
//! a pty side by side with real tmux 3.3a: the same keys, the same screens (text, colours,
//! attributes), the same effects.
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

/// A fixed status-right so the clock and host name do not differ; no paste detection (tmux
/// sends keys that follow other activity within assume-paste-time to the pane).
const BASE_CONFIG: &str =
    "set -g status-right 'R'\nset -g display-time 20000\nset -g assume-paste-time 0\n";

#[tokio::test]
async fn command_prompt_edits_runs_and_reports_errors() {
    let mut p = Pair::start(BASE_CONFIG, 80, 24, None).await;
    p.status("the status line", |r| r.starts_with("[main] 0:w0*"))
        .await;
    p.send(b"\x02:").await;
    let row = p.status("the prompt", |r| r.starts_with(':')).await;
    assert_eq!(row, ":");
    // Typing, moving, inserting: the cursor is the reverse cell.
    p.send(b"neww -n abc").await;
    p.status("typed text", |r| r == ":neww -n abc").await;
    p.send(b"\x1b[D\x1b[DZ").await;
    p.status("inserted", |r| r == ":neww -n aZbc").await;
    p.send(b"\x01").await; // C-a
    p.send(b"X").await;
    p.status("at the start", |r| r == ":Xneww -n aZbc").await;
    p.send(b"\x05\x17").await; // C-e C-w
    p.status("word deleted", |r| r == ":Xneww -n").await;
    p.send(b"\x15").await; // C-u
    p.status("line deleted", |r| r == ":").await;
    p.send(b"new-window -n fromprompt\r").await;
    p.status("the new window", |r| r.contains("1:fromprompt*"))
        .await;
    p.run_both(&["list-windows", "-F", "#{window_index}:#{window_name}"]);

    // Errors show on the status line in message-style.
    p.open(b"\x02:", ":").await;
    p.send(b"nosuchcommand\r").await;
    let row = p.status("the error", |r| r.contains("nosuchcommand")).await;
    // tmux capitalises errors shown on the status line.
    assert_eq!(row, "Unknown command: nosuchcommand");
    // A key clears the message; C-c cancels a prompt without running it.
    p.open(b"\x02:", ":").await;
    p.send(b"kill-server\x03").await;
    p.status("the status line again", |r| r.contains("1:fromprompt*"))
        .await;
    // History: Up brings back the last line.
    p.open(b"\x02:", ":").await;
    p.send(b"\x1b[A").await;
    p.status("history", |r| r == ":nosuchcommand").await;
    p.send(b"\x1b").await;
    p.status("cancelled", |r| r.contains("1:fromprompt*")).await;
    // show-prompt-history lists the lines run (every type's list, then one), as tmux.
    p.run_both(&["show-prompt-history"]);
    p.run_both(&["show-prompt-history", "-T", "command"]);
    p.run_both(&["clear-prompt-history"]);
    p.run_both(&["show-prompt-history", "-T", "command"]);

    // C-b , with the window name as the initial input.
    p.open(b"\x02,", "(rename-window)").await;
    assert_eq!(p.clients[1].last_row(), "(rename-window) fromprompt");
    p.send(b"\x15renamed\r").await;
    p.status("renamed", |r| r.contains("1:renamed*")).await;
    // command-prompt -p with two prompts, -I inputs and %1 %2.
    for m in &p.muxes {
        m.run(&[
            "bind",
            "F5",
            "command-prompt",
            "-p",
            "first,second",
            "-I",
            "a",
            "rename-window '%1-%2'",
        ]);
    }
    p.open(b"\x02\x1b[15~", "first").await;
    assert_eq!(p.clients[1].last_row(), "first a");
    p.send(b"\r").await;
    p.status("second prompt", |r| r == "second").await;
    p.send(b"b\r").await;
    p.status("renamed from two answers", |r| r.contains("1:a-b*"))
        .await;
    // More of the default bindings: C-b ' (select by index), C-b $ (rename the session).
    p.open(b"\x02'", "index").await;
    p.send(b"0\r").await;
    p.status("window 0 selected", |r| r.contains("0:w0*")).await;
    p.open(b"\x02$", "(rename-session)").await;
    assert_eq!(p.clients[1].last_row(), "(rename-session) main");
    p.send(b"\x15other\r").await;
    p.status("session renamed", |r| r.starts_with("[other]"))
        .await;
}

#[tokio::test]
async fn vi_status_keys_and_completion() {
    // escape-time 0: Escape then `0` is not read as M-0.
    let config = format!("{BASE_CONFIG}set -g status-keys vi\nset -s escape-time 0\n");
    let mut p = Pair::start(&config, 80, 24, None).await;
    p.status("the status line", |r| r.starts_with("[main] 0:w0*"))
        .await;
    p.open(b"\x02:", ":").await;
    p.send(b"new-window -n vvv").await;
    p.status("typed", |r| r == ":new-window -n vvv").await;
    // Escape: command mode in message-command-style; 0 x deletes the first character.
    p.send(b"\x1b").await;
    for c in &mut p.clients {
        c.wait_for("message-command-style", |c| {
            c.styled_row(23).starts_with("<Idx(3)/Idx(0)>:new-window")
        })
        .await;
    }
    p.status("command mode", |r| r == ":new-window -n vvv")
        .await;
    p.send(b"0x").await;
    p.status("x", |r| r == ":ew-window -n vvv").await;
    p.send(b"in\r").await;
    p.status("ran", |r| r.contains("1:vvv*")).await;
    // Tab completes a unique command name.
    p.open(b"\x02:", ":").await;
    p.send(b"rename-w\t").await;
    p.status("completed", |r| r == ":rename-window").await;
    p.send(b"done\r").await;
    p.status("completed command ran", |r| r.contains("1:done*"))
        .await;
}

#[tokio::test]
async fn confirm_before_kill_pane() {
    let mut p = Pair::start(BASE_CONFIG, 80, 24, None).await;
    p.status("the status line", |r| r.starts_with("[main] 0:w0*"))
        .await;
    p.send(b"\x02%").await;
    p.wait_both(&["list-panes", "-F", "#{pane_index}"], "split", |s| {
        s == "0\n1\n"
    });
    p.open(b"\x02x", "kill-pane").await;
    let row = p.clients[1].last_row();
    assert_eq!(row, "kill-pane 1? (y/n)");
    p.send(b"n").await;
    p.status("refused", |r| r.contains("0:w0*")).await;
    assert_eq!(p.run_both(&["list-panes", "-F", "#{pane_index}"]), "0\n1\n");
    p.open(b"\x02x", "kill-pane 1?").await;
    p.send(b"y").await;
    p.wait_both(&["list-panes", "-F", "#{pane_index}"], "pane killed", |s| {
        s == "0\n"
    });
    p.open(b"\x02&", "kill-window").await;
    let row = p.clients[1].last_row();
    assert_eq!(row, "kill-window w0? (y/n)");
    p.send(b"\x1b").await;
    p.status("cancelled", |r| r.contains("0:w0*")).await;

    // display-message -d 0 stays until a key (here the prefix, then Escape leaves its table).
    for m in &p.muxes {
        m.run(&["display-message", "-d", "0", "sticky #{window_name}"]);
    }
    p.status("the message", |r| r == "sticky w0").await;
    p.send(b"\x02").await;
    p.status("cleared by a key", |r| r.contains("0:w0*")).await;
    p.send(b"\x1b").await;
}

#[tokio::test]
async fn display_panes_numbers_and_selection() {
    let config = format!(
        "{BASE_CONFIG}set -g display-panes-time 60000\nset -g display-panes-colour colour202\n"
    );
    // Panes running cat show nothing, so the screens compare whole.
    let mut p = Pair::start(&config, 80, 24, Some("cat")).await;
    p.status("the status line", |r| r.starts_with("[main] 0:w0*"))
        .await;
    for m in &p.muxes {
        m.run(&["split-window", "-h", "cat"]);
    }
    p.wait_both(&["list-panes", "-F", "#{pane_index}"], "split", |s| {
        s == "0\n1\n"
    });
    for c in &mut p.clients {
        c.wait_for("the border", |c| c.row(0).contains('│')).await;
    }
    p.send(b"\x02q").await;
    // Big digits: pane 0 in colour202 (display-panes-colour), pane 1 (active) in red, with
    // each pane's size at its top right.
    for c in &mut p.clients {
        c.wait_for("the pane sizes", |c| {
            c.row(0).contains("40x23") && c.row(0).contains("39x23")
        })
        .await;
    }
    p.same_rows(0..23, "display-panes");
    let big = p.clients[1].styled_row(10);
    assert!(big.contains("Idx(202)") && big.contains("Idx(1)"), "{big}");
    // A digit selects that pane and ends the display.
    p.send(b"0").await;
    p.wait_both(
        &["display", "-p", "#{pane_index}"],
        "pane 0 selected",
        |s| s == "0\n",
    );
    for c in &mut p.clients {
        c.wait_for("the labels gone", |c| !c.row(0).contains("40x23"))
            .await;
    }
    p.same_rows(0..24, "after display-panes");
    // Any other key ends it too and is handled as usual.
    p.send(b"\x02q").await;
    for c in &mut p.clients {
        c.wait_for("labels", |c| c.row(0).contains("40x23")).await;
    }
    p.send(b"\x02c").await;
    p.status("new window", |r| r.contains(" 1:")).await;
    // -N: the numbers show but keys go by them, to the pane (typed into cat) and the tables.
    p.run_both(&["kill-window"]);
    p.status("window 0 again", |r| r.contains("0:w0*")).await;
    p.run_both(&["display-panes", "-b", "-N", "-d", "60000"]);
    for c in &mut p.clients {
        c.wait_for("labels", |c| c.row(0).contains("40x23")).await;
    }
    // Without -N, 1 would select pane 1.
    p.send(b"1x").await;
    p.wait_both(&["display", "-p", "#{pane_index}"], "still pane 0", |s| {
        s == "0\n"
    });
    for c in &mut p.clients {
        c.wait_for("the keys in the pane", |c| {
            c.screen.screen().contents().contains("1x")
        })
        .await;
    }
    p.same_rows(0..24, "display-panes -N");
}
