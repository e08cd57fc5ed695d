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
    let mut p = Pair::start_shown(BASE_CONFIG, None).await;
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
    let mut p = Pair::start_shown(&config, None).await;
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
    let mut p = Pair::start_shown(BASE_CONFIG, None).await;
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
    let mut p = Pair::start_shown(&config, Some("cat")).await;
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

/// C-y pastes the top buffer (up to its first control character) or what C-w deleted; Tab
/// completes commands, options and targets as tmux 3.3a, with its menu when the candidates
/// share no more; `-T window-target` completes window indexes; each type keeps its history.
#[tokio::test]
async fn paste_completion_menus_and_prompt_types() {
    // Panes running cat: the screens compare whole, whatever a shell prints when.
    let mut p = Pair::start_shown(BASE_CONFIG, Some("cat")).await;
    for m in &p.muxes {
        m.run(&["new-window", "-d", "-n", "two", "cat"]);
        m.run(&["set-buffer", "pasted\nnot this"]);
        m.run(&[
            "bind",
            "F7",
            "command-prompt",
            "-T",
            "window-target",
            "-p",
            "win",
            "select-window -t %%",
        ]);
    }
    p.status("two windows", |r| r.contains("1:two")).await;
    p.open(b"\x02:", ":").await;
    p.send(b"display \x19").await;
    p.status("pasted", |r| r == ":display pasted").await;
    p.send(b"\x17\x19\x19").await;
    p.status("C-w's text pasted back", |r| r == ":display pastedpasted")
        .await;

    // Several commands share `kill-se`: a menu of them over the screen, keys 0 and 1.
    p.send(b"\x15kill-se\t").await;
    for c in &mut p.clients {
        c.wait_for("the menu", |c| {
            c.screen.screen().contents().contains("kill-session")
        })
        .await;
    }
    p.same_rows(0..24, "the command menu");
    p.send(b"1").await;
    p.status("chosen", |r| r == ":kill-session").await;
    p.same_rows(0..24, "the menu gone");

    // Options after the first word: the common prefix, then the menu; Escape closes only it.
    p.send(b"\x15set status-le\t").await;
    p.status("the common prefix", |r| r == ":set status-left")
        .await;
    p.send(b"\t").await;
    for c in &mut p.clients {
        c.wait_for("the option menu", |c| {
            c.screen.screen().contents().contains("status-left-style")
        })
        .await;
    }
    p.same_rows(0..24, "the option menu");
    // Tab moves down the menu; Enter chooses.
    p.send(b"\t\r").await;
    p.status("chosen by Tab and Enter", |r| {
        r == ":set status-left-length"
    })
    .await;
    p.same_rows(0..24, "after the option menu");

    // -t: the session, then a menu of its windows.
    p.send(b"\x15selectw -t\t").await;
    p.status("the session", |r| r == ":selectw -tmain:").await;
    p.send(b"\t").await;
    for c in &mut p.clients {
        c.wait_for("the window menu", |c| {
            c.screen.screen().contents().contains("main:1 (two)")
        })
        .await;
    }
    p.same_rows(0..24, "the window menu");
    p.send(b"1").await;
    p.status("a window", |r| r == ":selectw -tmain:1").await;
    p.send(b"\r").await;
    p.status("window 1 selected", |r| r.contains("1:two*"))
        .await;

    window_target_prompt_and_histories(&mut p).await;
}

/// A window-target prompt's menu lists indexes and its choice is the whole input; each
/// prompt type keeps its own history.
async fn window_target_prompt_and_histories(p: &mut Pair) {
    // A window-target prompt: its menu lists indexes and the choice is the whole input.
    p.open(b"\x02\x1b[18~", "win").await;
    p.send(b"\t").await;
    for c in &mut p.clients {
        c.wait_for("the index menu", |c| {
            c.screen.screen().contents().contains("0 (w0)")
        })
        .await;
    }
    p.same_rows(0..24, "the index menu");
    p.send(b"0").await;
    p.status("index chosen", |r| r == "win 0").await;
    p.send(b"\r").await;
    p.status("window 0 selected", |r| r.contains("0:w0*")).await;

    // Each type has its own history.
    p.run_both(&["show-prompt-history"]);
    p.run_both(&["show-prompt-history", "-T", "window-target"]);
    p.run_both(&["clear-prompt-history", "-T", "window-target"]);
    p.run_both(&["show-prompt-history"]);
    p.open(b"\x02\x1b[18~", "win").await;
    p.send(b"\x1b[A").await;
    p.status("no window-target history", |r| r == "win").await;
    p.send(b"\x03").await;
    p.open(b"\x02:", ":").await;
    p.send(b"\x1b[A").await;
    p.status("the command history", |r| r == ":selectw -tmain:1")
        .await;
    p.send(b"\x03").await;
}

/// A command client's command-prompt, confirm-before and display-panes wait for the answer
/// (without -b) and run what it gives as the client's own commands (their output is the
/// client's); confirm-before's refusal is exit status 1.
#[tokio::test]
async fn overlays_block_a_command_client_until_answered() {
    let config = format!("{BASE_CONFIG}set -g display-panes-time 60000\n");
    let mut p = Pair::start_shown(&config, Some("cat")).await;

    let spawn = |p: &Pair, args: &[&str]| -> Vec<std::process::Child> {
        p.muxes
            .iter()
            .map(|m| {
                m.command(args)
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect()
    };

    let children = spawn(&p, &["command-prompt", "-p", "ask", "display -p 'got %%'"]);
    p.status("the prompt", |r| r == "ask").await;
    p.send(b"abc\r").await;
    let outcome = finish("step 1", children).await;
    assert_eq!(
        outcome[0],
        (Some(0), "got abc\n".to_string(), String::new())
    );
    assert_eq!(outcome[1], outcome[0], "tmate (left) differs from tmux");
    p.status("the prompt gone", |r| r.starts_with("[main]"))
        .await;

    let children = spawn(&p, &["confirm-before", "-p", "sure?", "set -g @c yes"]);
    p.status("the question", |r| r == "sure?").await;
    p.send(b"n").await;
    let outcome = finish("step 2", children).await;
    assert_eq!(outcome[0].0, Some(1));
    assert_eq!(outcome[1], outcome[0], "tmate (left) differs from tmux");
    p.status("the question gone", |r| r.starts_with("[main]"))
        .await;
    let children = spawn(&p, &["confirm-before", "-p", "sure?", "set -g @c yes"]);
    p.status("the question", |r| r == "sure?").await;
    p.send(b"y").await;
    let outcome = finish("step 3", children).await;
    assert_eq!(outcome[0].0, Some(0));
    assert_eq!(outcome[1], outcome[0], "tmate (left) differs from tmux");
    p.status("the question gone", |r| r.starts_with("[main]"))
        .await;
    p.run_both(&["show", "-gv", "@c"]);

    let children = spawn(&p, &["display-panes", "display -p 'pane %%'"]);
    for c in &mut p.clients {
        c.wait_for("the pane size label", |c| c.row(0).contains("80x23"))
            .await;
    }
    p.send(b"0").await;
    let outcome = finish("step 4", children).await;
    assert_eq!(
        outcome[0],
        (Some(0), "pane %0\n".to_string(), String::new())
    );
    assert_eq!(outcome[1], outcome[0], "tmate (left) differs from tmux");

    // -b: back at once, the prompt stays.
    p.run_both(&["command-prompt", "-b", "-p", "later", "set -g @l %%"]);
    p.status("the -b prompt", |r| r == "later").await;
    p.send(b"x\r").await;
    p.wait_both(&["show", "-gv", "@l"], "the answer", |s| s == "x\n");
}

/// A key binding's command-prompt, confirm-before and display-panes hold up the rest of the
/// binding's list until answered (tmux 3.3a's CMD_RETURN_WAIT): the answer's commands run
/// first, then the rest, which also runs after a refusal or a cancelled prompt.
#[tokio::test]
async fn a_bindings_overlay_holds_up_the_rest_of_its_list() {
    let config = format!(
        "{BASE_CONFIG}set -g display-panes-time 60000\n\
         bind a command-prompt -p ask 'set -g @a %%' \\; display 'a=#{{@a}}'\n\
         bind b confirm-before -p sure? 'set -g @b yes' \\; display 'b=#{{@b}}'\n\
         bind c display-panes 'set -g @c %%' \\; display 'c=#{{@c}}'\n"
    );
    let mut p = Pair::start_shown(&config, None).await;
    p.open(b"\x02a", "ask").await;
    p.send(b"one\r").await;
    p.status("the rest after the answer", |r| r == "a=one")
        .await;
    // The prefix clears the message and still starts the prefix table (an Escape there would
    // go on to the pane); a cancelled prompt still lets the rest run.
    p.send(b"\x02").await;
    p.status("the message gone", |r| r.starts_with("[main]"))
        .await;
    p.open(b"a", "ask").await;
    p.send(b"\x03").await;
    p.status("the rest after C-c", |r| r == "a=one").await;
    p.send(b"\x02").await;
    p.status("the message gone", |r| r.starts_with("[main]"))
        .await;

    p.open(b"b", "sure?").await;
    p.send(b"n").await;
    p.status("the rest after a refusal", |r| r == "b=").await;
    p.send(b"\x02").await;
    p.status("the message gone", |r| r.starts_with("[main]"))
        .await;
    p.open(b"b", "sure?").await;
    p.send(b"y").await;
    p.status("the rest after yes", |r| r == "b=yes").await;
    p.send(b"\x02").await;
    p.status("the message gone", |r| r.starts_with("[main]"))
        .await;

    p.send(b"c").await;
    for c in &mut p.clients {
        c.wait_for("the pane size label", |c| c.row(0).contains("80x23"))
            .await;
    }
    p.send(b"0").await;
    p.status("the rest after a pane was chosen", |r| r == "c=%0")
        .await;
}

/// `user-keys`: an input sequence of one's own is the key User0..User999, bound like any
/// other (here in the root table), as tmux 3.3a.
#[tokio::test]
async fn user_keys_map_input_sequences() {
    let config = format!(
        "{BASE_CONFIG}set -s user-keys[0] \"\\e[5;30012~\"\n\
         set -s user-keys[3] \"\\033Ox\"\n\
         bind -n User0 display user-zero\nbind -n User3 display 'user #{{window_name}}'\n"
    );
    let mut p = Pair::start_shown(&config, Some("cat")).await;
    p.send(b"\x1b[5;30012~").await;
    p.status("User0 ran", |r| r == "user-zero").await;
    p.send(b"\x1bOx").await;
    p.status("User3 ran", |r| r == "user w0").await;
    p.run_both(&["show", "-s", "user-keys"]);
}

/// Wait for each child to exit (polling, with the harness's deadline): exit code, stdout,
/// stderr.
async fn finish(
    what: &str,
    children: Vec<std::process::Child>,
) -> Vec<(Option<i32>, String, String)> {
    let deadline = std::time::Instant::now() + common::DEADLINE;
    let mut out = Vec::new();
    for (i, mut child) in children.into_iter().enumerate() {
        while child.try_wait().unwrap().is_none() {
            assert!(
                std::time::Instant::now() < deadline,
                "{what}: the command client never exited ({})",
                ["tmux", "tmate"][i]
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        let o = child.wait_with_output().unwrap();
        out.push((
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        ));
    }
    out
}
