//! Pane options against tmux 3.3a: `set-option -p`/`show-options -p` (and `-A`), pane hooks
//! set with `set-hook -p`, lookups from a pane through its window to the globals (formats,
//! remain-on-exit and its format), `synchronize-panes`, `key-table`, and the pane borders'
//! `pane-border-lines` and `pane-border-indicators` drawn on an attached client, compared cell
//! by cell with real tmux 3.3a attached the same way.
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

use std::cell::Cell;
use std::time::{Duration, Instant};

use common::{Mux, compare_outcomes, compare_outcomes_on};
use pair::Pair;
use tmate_fixtures::pty_client::PtyClient;

#[test]
fn pane_options_set_show_and_inherit() {
    compare_outcomes(&[
        &["new-session", "-d", "-s", "main", "-x", "80", "-y", "24"],
        &["split-window", "-d"],
        &["set-option", "-p", "remain-on-exit", "on"],
        &["set-option", "-p", "@u", "2"],
        // -p before -g: still the pane's own.
        &["set-option", "-pg", "@v", "3"],
        &["show-options", "-p"],
        &["show-options", "-pA"],
        &["show-options", "-pv", "remain-on-exit"],
        &["show-options", "-pA", "remain-on-exit"],
        &["show-options", "-wA", "remain-on-exit"],
        &["show-options", "-w", "remain-on-exit"],
        // A window-only option given -p goes on the window.
        &["set-option", "-p", "mode-keys", "vi"],
        &["show-options", "-p", "mode-keys"],
        &["show-options", "-w"],
        // The other pane has nothing of its own and sees the window's and global values.
        &["show-options", "-p", "-t", ":.1"],
        &["set-option", "-w", "window-style", "bg=blue"],
        &["set-option", "-p", "-t", ":.1", "window-style", "bg=red"],
        &["display-message", "-p", "-t", ":.0", "#{window-style}"],
        &["display-message", "-p", "-t", ":.1", "#{window-style}"],
        &["display-message", "-p", "-t", ":.0", "#{@u}|#{@v}"],
        &["display-message", "-p", "-t", ":.1", "#{@u}|#{@v}"],
        &["set-option", "-w", "@w", "win"],
        &["display-message", "-p", "-t", ":.1", "#{@w}"],
        &["set-option", "-p", "-t", ":.1", "synchronize-panes", "on"],
        &[
            "display-message",
            "-p",
            "-t",
            ":.1",
            "#{pane_synchronized} #{synchronize-panes}",
        ],
        &[
            "display-message",
            "-p",
            "-t",
            ":.0",
            "#{pane_synchronized} #{synchronize-panes}",
        ],
        // A flag toggles from the value the pane inherits.
        &["set-option", "-p", "-t", ":.0", "synchronize-panes"],
        &["show-options", "-pv", "-t", ":.0", "synchronize-panes"],
        &["set-option", "-pu", "remain-on-exit"],
        &["set-option", "-pu", "@u"],
        &["show-options", "-p"],
        &["show-options", "-p", "@u"],
        &["show-options", "-pq", "@u"],
        &["set-option", "-p", "-t", "%99", "remain-on-exit", "on"],
        // tmate's `window-size` default is `smallest` (tmux's `latest`): set alike first.
        &["set-option", "-gw", "window-size", "smallest"],
        &["show-options", "-gw"],
        &["show-options", "-gwv", "pane-border-lines"],
        &["set-option", "-w", "pane-border-lines", "dotted"],
        &["set-option", "-w", "pane-border-indicators", "both"],
        &[
            "set-window-option",
            "remain-on-exit-format",
            "x #{pane_index}",
        ],
        &["show-window-options"],
        // `-a` on an item: a string item grows, a hook's command list is replaced.
        &["set", "-ga", "update-environment[1]", "_X"],
        &["show", "-gv", "update-environment[1]"],
        &["set-hook", "-g", "after-new-window[3]", "display a"],
        &["set-hook", "-ga", "after-new-window[3]", "display b"],
        &["show-hooks", "-g", "after-new-window"],
    ]);
}

/// tmux 3.3a itself sometimes never runs a pane's `pane-died` hook (the pane is dead, its
/// `pane_dead_status` empty and no remain-on-exit line drawn, for good: 7 of 30 runs of the
/// same commands by hand here), so the reference is taken from a tmux run that did run it, at
/// most five fresh tries; ours must run it every time.
#[test]
fn pane_hooks_and_remain_on_exit_format() {
    for attempt in 1..=5 {
        let (tmux, tmate) = (Mux::tmux(), Mux::tmate());
        pane_died_setup(&tmux, &tmate);
        for m in [&tmux, &tmate] {
            m.wait_pane_program(":.1", "cat");
        }
        compare_outcomes_on(&tmux, &tmate, &[&["send-keys", "-t", ":.1", "C-d"]]);
        for m in [&tmux, &tmate] {
            wait_dead_resending_eof(m, ":.1");
        }
        tmate.wait_for(
            &["show-options", "-gqv", "@died"],
            "the pane-died hook",
            |o| !o.trim().is_empty(),
        );
        if !hook_ran_within(&tmux, Duration::from_secs(5)) {
            eprintln!("attempt {attempt}: tmux 3.3a did not run its pane-died hook; again");
            continue;
        }
        compare_outcomes_on(
            &tmux,
            &tmate,
            &[
                &["show-options", "-gqv", "@died"],
                &["show-options", "-gqv", "@wrong"],
                &["display-message", "-p", "-t", ":.1", "#{pane_dead}"],
                &["capture-pane", "-p", "-t", ":.1"],
                &["capture-pane", "-p", "-e", "-t", ":.1"],
            ],
        );
        return;
    }
    panic!("tmux 3.3a never ran its pane-died hook in five tries");
}

/// Two `cat` panes; the second remains on exit with a format and a pane-died hook, the first
/// has a hook that must not run; compared step by step.
fn pane_died_setup(tmux: &Mux, tmate: &Mux) {
    compare_outcomes_on(
        tmux,
        tmate,
        &[
            &[
                "new-session",
                "-d",
                "-s",
                "main",
                "-n",
                "first",
                "-x",
                "60",
                "-y",
                "10",
                "cat",
            ],
            &["split-window", "-d", "cat"],
            &["set-option", "-p", "-t", ":.1", "remain-on-exit", "on"],
            &[
                "set-option",
                "-p",
                "-t",
                ":.1",
                "remain-on-exit-format",
                "gone #{pane_index} [#{pane_dead_status}] #[fg=red,bold]red#[default] plain",
            ],
            &[
                "set-hook",
                "-p",
                "-t",
                ":.1",
                "pane-died",
                "set -g @died '#{hook_pane} #{pane_index}'",
            ],
            &[
                "set-hook",
                "-p",
                "-t",
                ":.0",
                "pane-died",
                "set -g @wrong 1",
            ],
            &["show-hooks", "-p", "-t", ":.1"],
            &["show-hooks", "-p", "-t", ":.0"],
            &["show-hooks", "-w"],
            &["show-hooks", "-pA", "-t", ":.1"],
        ],
    );
}

/// Whether `@died` is set within `limit`.
fn hook_ran_within(m: &Mux, limit: Duration) -> bool {
    let start = Instant::now();
    loop {
        let out = m.run_output(&["show-options", "-gqv", "@died"]);
        if !String::from_utf8_lossy(&out.stdout).trim().is_empty() {
            return true;
        }
        if start.elapsed() > limit {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Wait until `target`'s program has exited after a C-d. Once (CI, 2026-12-07) tmux's `cat`
/// outlived the first C-d although it was already running; a pane still alive after a while
/// gets another one (the hooks its death raises are what the caller tests).
fn wait_dead_resending_eof(m: &Mux, target: &str) {
    let sent = Cell::new(Instant::now());
    m.wait_for(
        &["display-message", "-p", "-t", target, "#{pane_dead}"],
        "the pane's death",
        |o| {
            let dead = o.trim() == "1";
            if !dead && sent.get().elapsed() > Duration::from_secs(3) {
                let _ = m.run_output(&["send-keys", "-t", target, "C-d"]);
                sent.set(Instant::now());
            }
            dead
        },
    );
}

/// The pane borders with each `pane-border-lines` and `pane-border-indicators` value, on a
/// layout with joins of every kind, with the active pane in the middle.
#[tokio::test]
async fn border_lines_and_indicators() {
    let config = "set -g pane-border-style 'fg=colour99'
set -g pane-active-border-style 'fg=colour46'
";
    let mut p = Pair::start(config, 80, 24, Some("cat")).await;
    for m in &p.muxes {
        m.run(&["set", "-g", "status", "off"]);
        m.run(&["split-window", "-h", "cat"]);
        m.run(&["split-window", "-v", "cat"]);
        m.run(&["split-window", "-h", "cat"]);
        m.run(&["select-pane", "-t", ":.0"]);
        m.run(&["split-window", "-v", "cat"]);
        m.run(&["select-pane", "-t", ":.2"]);
    }
    let cases: &[(&str, &str, &str)] = &[
        ("single", "colour", "┼"),
        ("double", "colour", "╬"),
        ("heavy", "arrows", "┃"),
        ("simple", "both", "+"),
        ("number", "off", "3"),
        ("single", "both", "┼"),
        ("heavy", "off", "┳"),
    ];
    for (lines, indicators, ready) in cases {
        for m in &p.muxes {
            m.run(&["set", "-w", "pane-border-lines", lines]);
            m.run(&["set", "-w", "pane-border-indicators", indicators]);
        }
        let what = format!("pane-border-lines {lines}, indicators {indicators}");
        p.wait_text(&what, ready).await;
        p.same_screens(Some(24), &what).await;
    }
}

/// Two panes side by side and above each other: the colour indicator splits their line in
/// halves, the others do not; with `pane-base-index` the numbers follow it.
#[tokio::test]
async fn two_panes_and_numbered_lines() {
    let config = "set -g pane-active-border-style 'fg=colour46,bg=colour17'\n";
    let mut p = Pair::start(config, 60, 16, Some("cat")).await;
    for m in &p.muxes {
        m.run(&["set", "-g", "status", "off"]);
        m.run(&["split-window", "-h", "cat"]);
    }
    for (lines, indicators, ready) in [
        ("single", "colour", "│"),
        ("single", "arrows", "→"),
        ("double", "both", "║"),
    ] {
        for m in &p.muxes {
            m.run(&["set", "-w", "pane-border-lines", lines]);
            m.run(&["set", "-w", "pane-border-indicators", indicators]);
        }
        let what = format!("side by side: {lines}, {indicators}");
        p.wait_text(&what, ready).await;
        p.same_screens(Some(16), &what).await;
    }
    for m in &p.muxes {
        m.run(&["kill-pane", "-t", ":.1"]);
        m.run(&["split-window", "-v", "cat"]);
        m.run(&["set", "-w", "pane-base-index", "4"]);
        m.run(&["set", "-w", "pane-border-lines", "number"]);
        m.run(&["set", "-w", "pane-border-indicators", "colour"]);
        m.run(&["set", "-w", "pane-border-status", "top"]);
    }
    p.wait_text("numbers with status lines", "5").await;
    p.same_screens(Some(16), "numbered lines with pane-border-status top")
        .await;
}

/// `synchronize-panes`: keys typed on the client and `send-keys` reach every pane of the
/// window that has it on, not a pane that turned it off for itself.
#[tokio::test]
async fn synchronize_panes_sends_input_to_all() {
    let mut p = Pair::start("", 80, 24, Some("cat")).await;
    for m in &p.muxes {
        m.run(&["set", "-g", "status", "off"]);
        m.run(&["split-window", "-h", "cat"]);
        // Pane 2's program wants application cursor keys.
        m.run(&["split-window", "-v", "printf '\\033[?1h'; exec cat"]);
        m.run(&["set", "-w", "synchronize-panes", "on"]);
        m.run(&["set", "-p", "-t", ":.1", "synchronize-panes", "off"]);
        m.run(&["select-pane", "-t", ":.0"]);
    }
    p.send(b"typed\r").await;
    // cat's copy of a line comes after the terminal's echo of the next one if that is typed
    // first: the next line waits for both panes' copies.
    for m in &p.muxes {
        for pane in [":.0", ":.2"] {
            m.wait_for(
                &["capture-pane", "-p", "-t", pane],
                "the typed line twice",
                |o| o.matches("typed").count() == 2,
            );
        }
    }
    for m in &p.muxes {
        m.run(&["send-keys", "-t", ":.2", "sent", "Enter"]);
    }
    for m in &p.muxes {
        m.wait_for(
            &["capture-pane", "-p", "-t", ":.0"],
            "both lines in pane 0",
            |o| o.matches("sent").count() == 2,
        );
        m.wait_for(
            &["capture-pane", "-p", "-t", ":.2"],
            "both lines in pane 2",
            |o| o.matches("sent").count() == 2,
        );
    }
    for pane in [":.0", ":.1", ":.2"] {
        p.run_both(&["capture-pane", "-p", "-t", pane]);
    }
    // A key sent to pane 0 reaches pane 2 encoded for pane 2's modes (the terminal's echo
    // shows which; cat's copy is a cursor movement in pane 0, `A` in pane 2).
    for m in &p.muxes {
        m.run(&["send-keys", "-t", ":.0", "Up", "Enter"]);
        m.wait_for(
            &["capture-pane", "-p", "-t", ":.2"],
            "Up in application mode, and cat's copy of it",
            |o| o.contains("^[OA\nA\n"),
        );
        m.wait_for(
            &["capture-pane", "-p", "-t", ":.0"],
            "Up in normal mode",
            |o| o.contains("^[[A"),
        );
    }
    for pane in [":.0", ":.2"] {
        p.run_both(&["capture-pane", "-p", "-t", pane]);
    }
}

/// `key-table`: a session whose default table is not root looks keys up there, sends keys
/// it does not bind to the pane, and still takes the prefix.
#[tokio::test]
async fn key_table_option() {
    let config = "set -g status-right ''
bind -T mine x display-message 'from mine'
bind -T root y display-message 'from root'
set -g key-table mine
";
    let mut p = Pair::start(config, 80, 24, Some("cat")).await;
    p.send(b"x").await;
    p.status("the binding's message", |r| r.starts_with("from mine"))
        .await;
    p.send(b"yz\r").await;
    for m in &p.muxes {
        m.wait_for(&["capture-pane", "-p"], "y typed into cat", |o| {
            o.matches("yz").count() == 2
        });
    }
    p.run_both(&["capture-pane", "-p"]);
    p.send(b"\x02").await;
    p.send(b"c").await;
    p.wait_both(
        &["display-message", "-p", "#{session_windows}"],
        "C-b c",
        |o| o.trim() == "2",
    );
}

/// A session `main` (window `w0` running `cat`) on each and a client attached to it
/// read-only (`attach -r`) on each, drawn.
async fn read_only_clients_of(muxes: &[Mux; 2]) -> Vec<PtyClient> {
    let mut clients = Vec::new();
    for m in muxes {
        m.run(&["new-session", "-d", "-s", "main", "-n", "w0", "cat"]);
        let mut c = m.client_on_pty(80, 24, &["attach", "-r", "-t", "main"]);
        c.wait_for("the first frame in raw mode", |c| {
            c.is_raw() && c.last_row().contains("w0")
        })
        .await;
        clients.push(c);
    }
    clients
}

/// tmux 3.3a's `assume-paste-time` for a read-only client: of keys read together, the
/// second fast one on is taken as pasted typing and dropped, so `a C-b d` in one write leaves
/// the client in the prefix table without running `d`'s (read-only) detach-client; `d` typed
/// alone then runs it.
#[tokio::test]
async fn read_only_keys_read_with_a_dropped_one() {
    let muxes = [Mux::tmux(), Mux::tmate()];
    let mut clients = read_only_clients_of(&muxes).await;
    let table: &[&str] = &["list-clients", "-F", "#{client_key_table}"];
    for (c, m) in clients.iter_mut().zip(&muxes) {
        c.type_bytes(b"a\x02d").await;
        // The prefix table, or the client detached: the keys of the write were all taken.
        m.wait_for(table, "the keys taken", |o| {
            o.is_empty() || o.contains("prefix")
        });
    }
    both(&muxes, table);
    for c in &mut clients {
        c.type_bytes(b"d").await;
        c.wait_exit().await;
    }
    both(&muxes, table);
}

/// tmux 3.3a's `assume-paste-time` for a read-write client: of keys read together, the
/// second fast one on goes to the pane without the key tables, so a root binding (`x`) or the
/// prefix key in the middle of a write is typed text, while the same key after a pause, or
/// second in a write, is the binding; a pane in copy mode drops pasted keys.
#[tokio::test]
async fn pasted_keys_skip_the_key_tables() {
    let mut p = Pair::start_shown("bind -n x new-window -n made\n", Some("cat")).await;
    let windows: &[&str] = &["display-message", "-p", "#{session_windows}"];
    // `a` `b` `x` `x` `C-b` `c` together: only `a` and `b` are keys, the rest pasted.
    p.send(b"abxx\x02c").await;
    p.wait_text("the pasted text in the pane", "abxx^Bc").await;
    p.same_screens(None, "the pasted keys").await;
    assert_eq!(p.run_both(windows).trim(), "1");
    // `x` second in a write is still the binding.
    p.send(b"ax").await;
    p.status("the new window", |r| r.contains("1:made*")).await;
    p.wait_both(windows, "two windows", |o| o.trim() == "2");
    // In copy mode a pasted key is dropped (the mode takes only its bindings): `Left Left q`
    // in one write moves the cursor twice and stays in the mode, `q` typed alone leaves it.
    p.run_both(&["select-window", "-t", ":0"]);
    let in_mode: &[&str] = &["display-message", "-p", "#{pane_in_mode}"];
    let cursor: &[&str] = &["display-message", "-p", "#{copy_cursor_x}"];
    p.send(b"\x02[").await;
    p.wait_both(in_mode, "copy mode", |o| o.trim() == "1");
    let x: u32 = p.run_both(cursor).trim().parse().unwrap();
    p.send(b"\x1b[D\x1b[Dq").await;
    let moved = (x - 2).to_string();
    p.wait_both(cursor, "the cursor moved", |o| o.trim() == moved);
    assert_eq!(p.run_both(in_mode).trim(), "1");
    p.send(b"q").await;
    p.wait_both(in_mode, "copy mode left", |o| o.trim() == "0");
    p.run_both(&["capture-pane", "-p"]);
}

/// The same command's outcome on both.
fn both(muxes: &[Mux; 2], args: &[&str]) -> String {
    let out: Vec<String> = muxes.iter().map(|m| m.run(args)).collect();
    assert_eq!(
        out[1], out[0],
        "{args:?}: tmate (left) differs from tmux (right)"
    );
    out[1].clone()
}

/// Read-only clients as tmux 3.3a: `attach -r` marks the client (`#{client_readonly}`,
/// `#{client_flags}`), its typing never reaches the pane, a binding of other commands shows
/// `Client is read-only`, `switch-client -r` gives it the keyboard back and
/// `refresh-client -f read-only` takes it again; detach-client still works from its keys.
#[tokio::test]
async fn read_only_clients() {
    let muxes = [Mux::tmux(), Mux::tmate()];
    let mut clients = read_only_clients_of(&muxes).await;
    let flags = "#{client_readonly} #{client_flags}";
    both(&muxes, &["list-clients", "-F", flags]);
    both(&muxes, &["display-message", "-p", flags]);
    for c in &mut clients {
        c.type_bytes(b"\x02c").await;
        c.wait_for("the read-only error", |c| {
            c.last_row().starts_with("Client is read-only")
        })
        .await;
    }
    assert_eq!(clients[1].styled_row(23), clients[0].styled_row(23));
    both(&muxes, &["display-message", "-p", "#{session_windows}"]);
    // Typed while read-only: the message's display-time passes before the client is given
    // the keyboard back, so the line has long been read (and must not be in the pane).
    for c in &mut clients {
        c.type_bytes(b"abc\r").await;
        c.wait_for("the message gone", |c| {
            !c.last_row().starts_with("Client is read-only")
        })
        .await;
    }
    both(&muxes, &["switch-client", "-r"]);
    both(&muxes, &["list-clients", "-F", flags]);
    for (c, m) in clients.iter_mut().zip(&muxes) {
        c.type_bytes(b"typed\r").await;
        m.wait_for(&["capture-pane", "-p"], "the typed line", |o| {
            o.matches("typed").count() == 2
        });
    }
    both(&muxes, &["capture-pane", "-p"]);
    both(&muxes, &["refresh-client", "-f", "read-only"]);
    both(&muxes, &["list-clients", "-F", flags]);
    // Nothing clears read-only but switch-client -r.
    both(&muxes, &["refresh-client", "-f", "!read-only,!ignore-size"]);
    both(&muxes, &["list-clients", "-F", flags]);
    for c in &mut clients {
        c.type_bytes(b"\x02d").await;
        let tail = c.wait_exit().await;
        assert!(tail.contains("[detached (from session main)]"), "{tail:?}");
    }
}

/// detach-client -P prints tmux's line and hangs up the client's parent; -E runs a command
/// in the client's place.
#[tokio::test]
async fn detach_client_kill_and_exec() {
    let muxes = [Mux::tmux(), Mux::tmate()];
    for m in &muxes {
        m.run(&["new-session", "-d", "-s", "main", "cat"]);
    }
    for m in &muxes {
        // The client's parent is a shell that reports the hangup (never the test itself).
        let mut c = under_shell(m, "trap 'echo parent-got-HUP' HUP; \"$0\" \"$@\"; wait");
        c.wait_for("attached", |c| c.is_raw() && c.last_row().contains("main"))
            .await;
        m.run(&["detach-client", "-P"]);
        let tail = c.wait_exit().await;
        assert!(
            tail.contains("[detached and SIGHUP (from session main)]"),
            "{}: {tail:?}",
            m.program.display()
        );
        assert!(
            tail.contains("parent-got-HUP"),
            "{}: {tail:?}",
            m.program.display()
        );
        let mut c = m.client_on_pty(80, 24, &["attach", "-t", "main"]);
        c.wait_for("attached again", |c| {
            c.is_raw() && c.last_row().contains("main")
        })
        .await;
        m.run(&["detach-client", "-E", "echo ran-instead; echo $SHELL"]);
        let tail = c.wait_exit().await;
        assert!(
            tail.contains("ran-instead"),
            "{}: {tail:?}",
            m.program.display()
        );
        assert!(
            !tail.contains("[detached"),
            "{}: {tail:?}",
            m.program.display()
        );
    }
}

/// `attach -t main` run by `sh -c script` (the client's words as `$0 "$@"`) on a pty, with
/// the harness's environment.
fn under_shell(m: &Mux, script: &str) -> tmate_fixtures::pty_client::PtyClient {
    let inner = m.command(&["attach", "-t", "main"]);
    let mut cmd = std::process::Command::new("sh");
    cmd.arg("-c").arg(script).arg(inner.get_program());
    cmd.args(inner.get_args());
    for (k, v) in inner.get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    if let Some(dir) = inner.get_current_dir() {
        cmd.current_dir(dir);
    }
    let name = if m.is_tmux { "tmux" } else { "tmate" };
    tmate_fixtures::pty_client::PtyClient::spawn(&cmd, 80, 24, name)
}

/// A window smaller than the client: tmux's `·` outside it, then `fill-character`'s
/// character, and `·` again for a wide one.
#[tokio::test]
async fn fill_character_outside_a_smaller_window() {
    let mut p = Pair::start("set -g status-right ''\n", 80, 24, Some("cat")).await;
    for m in &p.muxes {
        m.run(&["split-window", "-h", "cat"]);
        m.run(&["resize-window", "-x", "40", "-y", "10"]);
    }
    p.wait_text("the smaller window", "·").await;
    p.same_screens(Some(24), "outside the window").await;
    for m in &p.muxes {
        m.run(&["set", "-w", "fill-character", "#x"]);
    }
    p.wait_text_by("fill-character #x", |s| {
        s.contains("##") && !s.contains('·')
    })
    .await;
    p.same_screens(Some(24), "fill-character #x").await;
    for m in &p.muxes {
        m.run(&["set", "-w", "fill-character", "界"]);
    }
    p.wait_text_by("a wide fill-character", |s| !s.contains('#'))
        .await;
    p.same_screens(Some(24), "a wide fill-character").await;
}

/// A pane's own `window-style`, `window-active-style` and `pane-border-format` drawn over
/// its window's.
#[tokio::test]
async fn a_panes_own_styles_and_border_format() {
    let config = "set -g status-right ''\nset -g pane-border-status top\n";
    let mut p = Pair::start(config, 80, 24, Some("cat")).await;
    for m in &p.muxes {
        m.run(&["split-window", "-h", "cat"]);
        m.run(&["set", "-w", "window-style", "bg=colour17"]);
        m.run(&["set", "-p", "-t", ":.0", "window-style", "bg=colour52"]);
        m.run(&[
            "set",
            "-p",
            "-t",
            ":.1",
            "window-active-style",
            "fg=colour226,bg=colour22",
        ]);
        m.run(&[
            "set",
            "-p",
            "-t",
            ":.0",
            "pane-border-format",
            "own #{pane_index}",
        ]);
    }
    p.wait_text("the pane's own border format", "own 0").await;
    p.same_screens(Some(23), "a pane's own styles and border format")
        .await;
    for m in &p.muxes {
        m.run(&["select-pane", "-t", ":.0"]);
        m.run(&["set", "-pu", "-t", ":.0", "pane-border-format"]);
    }
    p.wait_text_by("the window's border format again", |s| !s.contains("own 0"))
        .await;
    p.same_screens(Some(23), "pane 0 active, its format unset")
        .await;
}

/// `alternate-screen off`, globally and for one pane: the program's switch to the alternate
/// screen is ignored, so what it prints there lands on the normal screen.
#[test]
fn alternate_screen_off() {
    // Each program waits for a line: it prints once its window has its size (tmux sizes a
    // new window after starting it) and its pane's own option is set.
    let script = "read x; printf 'normal\\n\\033[?1049halt\\n'; exec cat";
    let later = "read x; printf 'n2\\n\\033[?1049ha2\\n'; exec cat";
    let (tmux, tmate) = (Mux::tmux(), Mux::tmate());
    compare_outcomes_on(
        &tmux,
        &tmate,
        &[
            &[
                "new-session",
                "-d",
                "-s",
                "main",
                "-n",
                "first",
                "-x",
                "40",
                "-y",
                "8",
                "cat",
            ],
            &["set", "-g", "alternate-screen", "off"],
            &["new-window", "-d", "-n", "off", script],
            &["set", "-g", "alternate-screen", "on"],
            &["new-window", "-d", "-n", "on", script],
            &["split-window", "-d", "-t", "on", later],
            &["set", "-p", "-t", "on.1", "alternate-screen", "off"],
            &["send-keys", "-t", "off", "go", "Enter"],
            &["send-keys", "-t", "on.0", "go", "Enter"],
            &["send-keys", "-t", "on.1", "go", "Enter"],
        ],
    );
    for m in [&tmux, &tmate] {
        for (pane, text) in [("off", "alt"), ("on.0", "alt"), ("on.1", "a2")] {
            m.wait_for(&["capture-pane", "-p", "-t", pane], text, |o| {
                o.contains(text)
            });
        }
    }
    compare_outcomes_on(
        &tmux,
        &tmate,
        &[
            &["capture-pane", "-p", "-t", "off"],
            &["capture-pane", "-p", "-t", "on.0"],
            &["capture-pane", "-p", "-t", "on.1"],
            &[
                "list-panes",
                "-s",
                "-F",
                "#{window_name}.#{pane_index} #{alternate_on}",
            ],
        ],
    );
}

/// tmux 3.3a's deprecated `select-pane -P` (the pane's own `window-style` and
/// `window-active-style`, unchecked, then the pane selected) and `-g` (the pane's
/// `window-style`, printed without selecting); `-T` titles a pane without selecting it.
#[test]
fn select_pane_style_flags() {
    compare_outcomes(&[
        &["new-session", "-d", "-s", "main", "-x", "80", "-y", "24"],
        &["split-window", "-d"],
        &["select-pane", "-g"],
        &["set", "-w", "window-style", "fg=green"],
        &["select-pane", "-g", "-t", ":.1"],
        &["select-pane", "-P", "bg=red", "-t", ":.1"],
        &["display-message", "-p", "#{pane_index}"],
        &["select-pane", "-g", "-t", ":.1"],
        &["show-options", "-p", "-t", ":.1"],
        &["select-pane", "-t", ":.0", "-P", "bogus", "-g"],
        &["show-options", "-p", "-t", ":.0"],
        &["display-message", "-p", "#{pane_index}"],
        &["select-pane", "-t", ":.0", "-T", "named"],
        &["display-message", "-p", "#{pane_index}"],
        &["display-message", "-p", "-t", ":.0", "#{pane_title}"],
    ]);
}

/// `select-pane -P` drawn: the pane's own style over its window's, a bad one as the default.
#[tokio::test]
async fn select_pane_style_drawn() {
    let config = "set -g status-right ''\nset -g window-style bg=colour17\n";
    let mut p = Pair::start(config, 80, 24, Some("cat")).await;
    for m in &p.muxes {
        m.run(&["split-window", "-h", "cat"]);
        m.run(&["select-pane", "-t", ":.0", "-P", "fg=colour226,bg=colour52"]);
        m.run(&["select-pane", "-t", ":.1", "-P", "bogus"]);
        m.run(&["send-keys", "-t", ":.0", "-l", "styled"]);
    }
    p.wait_text("the typed text", "styled").await;
    p.same_screens(None, "select-pane -P").await;
}

/// `send-keys -R`: the pane's terminal reset as tmux 3.3a's `input_reset` (attributes, modes,
/// scroll region, the screen cleared into the history, the cursor home) before the keys.
#[test]
fn send_keys_reset() {
    let script = "stty -echo; printf '\\033[31mred\\033[4h\\033[?1000h\\033[?1h\\033=\
        \\033[3;5r\\033[?7l\\033[5;7H'; exec cat";
    let (tmux, tmate) = (Mux::tmux(), Mux::tmate());
    let flags = "#{cursor_x},#{cursor_y} #{insert_flag}#{origin_flag}#{wrap_flag}\
        #{cursor_flag}#{keypad_flag}#{keypad_cursor_flag} #{mouse_standard_flag} #{history_size}";
    for m in [&tmux, &tmate] {
        m.run(&[
            "new-session",
            "-d",
            "-s",
            "main",
            "-x",
            "40",
            "-y",
            "8",
            script,
        ]);
        m.wait_for(&["capture-pane", "-p"], "red", |o| o.contains("red"));
    }
    compare_outcomes_on(&tmux, &tmate, &[&["display-message", "-p", flags]]);
    compare_outcomes_on(
        &tmux,
        &tmate,
        &[
            &["send-keys", "-R"],
            &["display-message", "-p", flags],
            &["send-keys", "-R", "after", "Enter"],
        ],
    );
    for m in [&tmux, &tmate] {
        m.wait_for(&["capture-pane", "-p"], "after", |o| o.contains("after"));
    }
    compare_outcomes_on(
        &tmux,
        &tmate,
        &[
            &["capture-pane", "-p", "-e", "-S", "-", "-E", "-"],
            &["display-message", "-p", flags],
        ],
    );
}
