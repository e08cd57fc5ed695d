//! Hooks and update-environment against tmux 3.3a: set-hook/show-hooks output and errors,
//! after-* hooks on the new window or pane, notification hooks (session-renamed,
//! window-renamed, pane-exited, session-created) with their `#{hook*}` variables, hooks that
//! would trigger themselves, and the client's environment copied by new-session (`-e` too).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test stops on what it did not expect"
)]

mod common;

use common::{Mux, compare_outcomes, compare_outcomes_on};

fn show(o: &std::process::Output) -> (String, String, Option<i32>) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
        o.status.code(),
    )
}

#[test]
fn set_hook_and_show_hooks_print_as_tmux() {
    compare_outcomes(&[
        &["new-session", "-d", "-s", "main"],
        &["set-hook", "-g", "after-new-window", "set -g @y 2"],
        &["set-hook", "-ag", "after-new-window", "set -g @z 3"],
        &[
            "set-hook",
            "-g",
            "after-new-window[5]",
            "display 'hi there'",
        ],
        &["show-hooks", "-g", "after-new-window"],
        &["set-hook", "-gu", "after-new-window[0]"],
        &["show-hooks", "-g", "after-new-window"],
        &["set-hook", "-g", "after-kill-session", "set -g @x 1"],
        &["show-hooks"],
        &["set-hook", "after-new-window", "foo"],
        &["show-hooks"],
        &[
            "set-hook",
            "-g",
            "session-renamed",
            "set -gF @r '#{hook} x;y' ; list-keys",
        ],
        &["show-hooks", "-g"],
        &["show-hooks", "-gw"],
        &["set-hook", "-gw", "window-renamed", "set -g @w 1"],
        &["show-hooks", "-gw", "window-renamed"],
        &["show-hooks", "-g", "nohook"],
        &["set-hook", "-gu", "after-new-window"],
        &["show-hooks", "-g", "after-new-window"],
        &["show-options", "-g", "update-environment"],
        &["show-options", "-gv", "update-environment[2]"],
    ]);
}

#[test]
fn after_hooks_run_on_what_the_command_made() {
    compare_outcomes(&[
        &["new-session", "-d", "-s", "main"],
        &[
            "set-hook",
            "-g",
            "after-new-window",
            "set -gF @x '#{window_index} #{hook} [#{hook_window}]'",
        ],
        &["new-window", "-d"],
        &["show-options", "-gv", "@x"],
        &["new-window", "-d", "-t", "main:7"],
        &["show-options", "-gv", "@x"],
        // A hook's output goes to the command's client.
        &[
            "set-hook",
            "-g",
            "after-new-window",
            "display -p 'hi #{window_index}'",
        ],
        &["new-window", "-d", "-t", "main:8"],
        &[
            "set-hook",
            "-g",
            "after-split-window",
            "set -gF @y '#{pane_id} #{hook}'",
        ],
        &["split-window", "-d", "-t", "main:0"],
        &["show-options", "-gv", "@y"],
        // set-hook -R runs it now.
        &["set-option", "-g", "@y", "none"],
        &["set-hook", "-R", "after-split-window"],
        &["show-options", "-gv", "@y"],
    ]);
}

#[test]
fn hooks_that_trigger_themselves_run_once() {
    compare_outcomes(&[
        &["new-session", "-d", "-s", "main"],
        &["set-hook", "-g", "after-set-option", "set -ga @n x"],
        &["set-option", "-g", "@a", "1"],
        &["show-options", "-gv", "@n"],
        &[
            "set-hook",
            "-g",
            "session-renamed",
            "rename-session -t main main",
        ],
        &["rename-session", "-t", "main", "other"],
    ]);
}

/// Notification hooks run after the command, from the server's queue: wait for their effect.
#[test]
fn notification_hooks_with_their_variables() {
    let (a, b) = (Mux::tmux(), Mux::tmate());
    let setup: &[&[&str]] = &[
        &["new-session", "-d", "-s", "main"],
        // tmux renames windows after their programs on its own timer, which would raise
        // window-renamed again at any moment: only the explicit rename below may.
        &["set", "-gw", "automatic-rename", "off"],
        &[
            "set-hook",
            "-g",
            "session-renamed",
            "set -gF @r '#{hook} #{hook_session} #{hook_session_name}'",
        ],
        &[
            "set-hook",
            "-g",
            "window-renamed",
            "set -gF @w '#{hook} #{hook_window} #{hook_window_name} #{window_name}'",
        ],
        &[
            "set-hook",
            "-g",
            "pane-exited",
            "set -gF @p '#{hook} #{hook_pane} #{pane_id}'",
        ],
        &[
            "set-hook",
            "-g",
            "session-created",
            "set -gF @c '#{hook} #{hook_session_name}'",
        ],
        &["rename-session", "-t", "main", "renamed"],
        &["rename-window", "-t", "renamed:0", "abc"],
        &["new-window", "-d", "true"],
        &["new-session", "-d", "-s", "second"],
    ];
    compare_outcomes_on(&a, &b, setup);
    for (option, want) in [
        ("@r", "session-renamed $0 renamed\n"),
        ("@w", "window-renamed @0 abc abc\n"),
        ("@p", "pane-exited %1 %0\n"),
        ("@c", "session-created second\n"),
    ] {
        for mux in [&a, &b] {
            mux.wait_for(&["show-options", "-gqv", option], option, |o| o == want);
        }
    }
}

/// A notification's hook runs with no client to tell its error to: as tmux 3.3a's
/// `cmdq_error`, the error waits as a config cause (named `(null):0:`, tmux's source of a
/// hook string being none) and shows in the next new session's view mode, once. (Before: the
/// error was dropped.)
#[test]
fn a_failing_notification_hooks_error_shows_in_the_next_session() {
    let (a, b) = (Mux::tmux(), Mux::tmate());
    for mux in [&a, &b] {
        mux.run(&["new-session", "-d", "-s", "main", "-x", "80", "-y", "24"]);
        mux.run(&["set-hook", "-g", "pane-exited", "select-window -t nosuch"]);
        mux.run(&["new-window", "-d", "true"]);
        mux.wait_for(
            &["list-windows", "-t", "main", "-F", "#I"],
            "the exited window gone",
            |o| o == "0\n",
        );
    }
    let steps: &[&[&str]] = &[
        &["new-session", "-d", "-s", "b", "-x", "80", "-y", "24"],
        &["display", "-p", "-t", "b", "#{pane_in_mode} #{pane_mode}"],
        &["send", "-t", "b", "-X", "history-top"],
        &["send", "-t", "b", "-X", "select-line"],
        &["send", "-t", "b", "-X", "copy-selection-and-cancel"],
        &["show-buffer"],
        &["new-session", "-d", "-s", "c", "-x", "80", "-y", "24"],
        &["display", "-p", "-t", "c", "#{pane_in_mode}"],
    ];
    compare_outcomes_on(&a, &b, steps);
    let line = b.run(&["show-buffer"]);
    assert!(
        line.starts_with("(null):0: can't find window: nosuch"),
        "{line}"
    );
}

/// Variables set on one command's client.
type Env<'a> = &'a [(&'a str, &'a str)];

fn with_env(mux: &Mux, args: &[&str], env: &[(&str, &str)]) -> (String, String, Option<i32>) {
    let mut c = mux.command(args);
    c.env_remove("TEST_FOO").env_remove("TEST_BARX");
    for (k, v) in env {
        c.env(k, v);
    }
    show(&c.output().unwrap())
}

#[test]
fn update_environment_copies_the_clients_variables() {
    let (a, b) = (Mux::tmux(), Mux::tmate());
    compare_outcomes_on(
        &a,
        &b,
        &[
            &["new-session", "-d", "-s", "main"],
            &[
                "set-option",
                "-g",
                "update-environment",
                "TEST_FOO TEST_BAR*",
            ],
            &["show-options", "-g", "update-environment"],
        ],
    );
    let env = [("TEST_FOO", "1"), ("TEST_BARX", "two words")];
    let steps: &[(&[&str], Env)] = &[
        (&["new-session", "-d", "-s", "two"], &env),
        (&["show-environment", "-t", "two"], &[]),
        (&["new-session", "-d", "-s", "three"], &env[..1]),
        (&["show-environment", "-t", "three"], &[]),
        (&["new-session", "-d", "-E", "-s", "four"], &env),
        (&["show-environment", "-t", "four"], &[]),
        (&["new-session", "-d", "-s", "five", "-e", "X=1=2"], &[]),
        (&["show-environment", "-t", "five"], &[]),
        (&["set-option", "-ga", "update-environment", "OTHER"], &[]),
        (&["show-options", "-gv", "update-environment"], &[]),
    ];
    for (args, env) in steps {
        assert_eq!(
            with_env(&b, args, env),
            with_env(&a, args, env),
            "{args:?}: tmate (left) differs from tmux (right)"
        );
    }
}

#[test]
fn new_window_and_split_window_e_reach_the_process() {
    for mux in [Mux::tmux(), Mux::tmate()] {
        mux.run(&["new-session", "-d", "-s", "main"]);
        mux.run(&[
            "new-window",
            "-d",
            "-e",
            "TEST_W=win",
            "printf %s \"$TEST_W\" > w.txt; sleep 30",
        ]);
        mux.run(&[
            "split-window",
            "-d",
            "-e",
            "TEST_S=split",
            "printf %s \"$TEST_S\" > s.txt; sleep 30",
        ]);
        for (file, want) in [("w.txt", "win"), ("s.txt", "split")] {
            let path = mux.dir.path().join(file);
            mux.wait_for(&["list-sessions"], file, |_| {
                std::fs::read_to_string(&path).is_ok_and(|t| t == want)
            });
        }
        // Only that pane's process: the session's environment is unchanged.
        let out = mux.run_output(&["show-environment", "-t", "main", "TEST_W"]);
        assert!(out.stdout.is_empty(), "{}", mux.program.display());
    }
}

/// Hooks each appending `#{hook}` and its objects to an option of their own.
const WATCHED: &[&str] = &[
    "session-window-changed",
    "window-pane-changed",
    "window-resized",
    "pane-mode-changed",
    "pane-title-changed",
    "client-active",
];

fn watch_hooks(mux: &Mux) {
    for h in WATCHED {
        mux.run(&[
            "set-hook",
            "-g",
            h,
            &format!(
                "set -gaF @{h} '#{{hook}}:#{{hook_session}}:#{{hook_window}}:#{{hook_pane}}|'"
            ),
        ]);
    }
}

/// Every watched option's value, emptied for the next step.
fn take_watched(mux: &Mux) -> String {
    let mut all = String::new();
    for h in WATCHED {
        all.push_str(&mux.run(&["show", "-gqv", &format!("@{h}")]));
        mux.run(&["set", "-gu", &format!("@{h}")]);
    }
    all
}

/// session-window-changed, window-pane-changed, window-resized, pane-mode-changed (copy
/// mode) and pane-title-changed (select-pane -T) after the commands that raise them in tmux
/// 3.3a, and not after those that do not (new-window -d, a new session, selecting the active
/// pane again, killing a pane that was not active).
#[test]
fn state_change_hooks_after_commands_as_tmux() {
    let (a, b) = (Mux::tmux(), Mux::tmate());
    let steps: &[&[&str]] = &[
        &["new-window"],
        &["new-window", "-d"],
        &["select-window", "-t", ":0"],
        &["split-window"],
        &["split-window", "-d"],
        &["select-pane", "-t", ":0.0"],
        &["select-pane", "-t", ":0.0"],
        &["kill-pane", "-t", ":0.2"],
        &["kill-pane", "-t", ":0.0"],
        &["resize-window", "-x", "60", "-y", "20", "-t", ":0"],
        &["copy-mode", "-t", ":0"],
        &["copy-mode", "-t", ":0"],
        &["send-keys", "-t", ":0", "-X", "cancel"],
        &["select-pane", "-T", "newtitle", "-t", ":0"],
        &["select-pane", "-T", "newtitle", "-t", ":0"],
        &["new-session", "-d", "-s", "two"],
        &["kill-window", "-t", "main:0"],
        &["last-window", "-t", "main:"],
    ];
    let mut seen = Vec::new();
    for m in [&a, &b] {
        m.run(&["new-session", "-d", "-s", "main", "-x", "80", "-y", "24"]);
        watch_hooks(m);
        let mut outs = Vec::new();
        for step in steps {
            let o = m.run_output(step);
            outs.push((step.join(" "), o.status.code(), take_watched(m)));
        }
        seen.push(outs);
    }
    for (x, y) in seen[0].iter().zip(&seen[1]) {
        assert_eq!(y, x, "tmate (left) differs from tmux (right)");
    }
}

/// A title set by the pane's program (OSC 2, the same one twice) raises pane-title-changed
/// each time, as tmux 3.3a.
#[test]
fn pane_title_changed_by_the_program_as_tmux() {
    for m in [Mux::tmux(), Mux::tmate()] {
        m.run(&["new-session", "-d", "-s", "main"]);
        watch_hooks(&m);
        m.run(&[
            "send-keys",
            "printf '\\033]2;one\\033\\\\'; printf '\\033]2;one\\033\\\\'",
            "Enter",
        ]);
        m.wait_for(
            &["show", "-gqv", "@pane-title-changed"],
            "two titles",
            |o| o == "pane-title-changed:::%0|pane-title-changed:::%0|\n",
        );
        assert_eq!(m.run(&["display", "-p", "#{pane_title}"]), "one\n");
    }
}

/// client-active: a key from a client that is not its window's latest (the last to attach
/// is), once until another client takes over, as tmux 3.3a.
#[tokio::test(flavor = "multi_thread")]
async fn client_active_on_keys_as_tmux() {
    use tokio::io::AsyncWriteExt;
    let mut seen = Vec::new();
    for m in [Mux::tmux(), Mux::tmate()] {
        m.run(&["new-session", "-d", "-s", "main"]);
        m.run(&["set-hook", "-g", "client-active", "set -ga @active x"]);
        let mut first = m.attach_client(80, 24);
        first
            .wait_text("status line", |s| s.contains("[main]"))
            .await;
        let mut second = m.attach_client(80, 24);
        second
            .wait_text("status line", |s| s.contains("[main]"))
            .await;
        let value = |m: &Mux| common::host_ok(m, &["show", "-gqv", "@active"]);
        // The latest client typing (once its echo shows, tmux has also had the size its
        // client sends on attaching, which would otherwise race the first client's keys).
        second.pty.write_all(b"echo $((100+11))\r").await.unwrap();
        second.wait_text("111", |s| s.contains("111")).await;
        let mut values = vec![value(&m)];
        first.pty.write_all(b"echo $((200+22))\r").await.unwrap();
        first.wait_text("222", |s| s.contains("222")).await;
        values.push(value(&m));
        first.pty.write_all(b"echo $((300+33))\r").await.unwrap();
        first.wait_text("333", |s| s.contains("333")).await;
        second.pty.write_all(b"echo $((400+44))\r").await.unwrap();
        second.wait_text("444", |s| s.contains("444")).await;
        values.push(value(&m));
        seen.push(values);
    }
    assert_eq!(seen[0], vec!["", "x\n", "xx\n"]);
    assert_eq!(seen[1], seen[0], "tmate (left) differs from tmux (right)");
}

/// With focus-events on: the client's terminal is asked for focus reports, its `ESC [ O` and
/// `ESC [ I` raise client-focus-out/-in and pane-focus-out/-in (in tmux 3.3a's order) and
/// reach the pane that asked for them (`ESC [ ? 1004 h`), as do attaching and select-pane
/// or split-window moving the active pane; the pane is told at once when it asks.
#[tokio::test(flavor = "multi_thread")]
async fn focus_events_as_tmux() {
    use tokio::io::AsyncWriteExt;
    let program = "printf '\\033[?1004h'; stty raw -echo; exec dd bs=1 of=got 2>/dev/null";
    for m in [
        Mux::tmux().with_config("set -g focus-events on\n"),
        Mux::tmate().with_config("set -g focus-events on\n"),
    ] {
        let got = m.dir.path().join("got");
        let got_is = |want: &'static str| {
            let got = got.clone();
            move |_: &str| std::fs::read(&got).is_ok_and(|b| b == want.as_bytes())
        };
        m.run(&["new-session", "-d", "-s", "main", program]);
        m.wait_for(&["list-sessions"], "the first report", got_is("\x1b[O"));
        for h in [
            "pane-focus-in",
            "pane-focus-out",
            "client-focus-in",
            "client-focus-out",
        ] {
            m.run(&["set-hook", "-g", h, "set -gaF @f '#{hook}:#{hook_pane}|'"]);
        }
        let mut c = m.attach_client(80, 24);
        c.wait_text("status line", |s| s.contains("[main]")).await;
        let f = |want: &'static str| move |o: &str| o == want;
        let show = ["show", "-gqv", "@f"];
        let attached = "pane-focus-in:%0|\n";
        tokio::task::block_in_place(|| m.wait_for(&show, "attach", f(attached)));
        // tmux 3.3a asks once the terminal answered its queries, or after 5 seconds.
        c.wait_for("focus reports asked for", |c| {
            String::from_utf8_lossy(&c.raw).contains("\x1b[?1004h")
        })
        .await;
        c.pty.write_all(b"\x1b[O").await.unwrap();
        let out = "pane-focus-in:%0|pane-focus-out:%0|client-focus-out:|\n";
        tokio::task::block_in_place(|| m.wait_for(&show, "focus out", f(out)));
        c.pty.write_all(b"\x1b[I").await.unwrap();
        let back = "pane-focus-in:%0|pane-focus-out:%0|client-focus-out:|\
                    client-focus-in:|pane-focus-in:%0|\n";
        tokio::task::block_in_place(|| m.wait_for(&show, "focus in", f(back)));
        common::host_ok(&m, &["set", "-gu", "@f"]);
        common::host_ok(&m, &["split-window", "-t", "main"]);
        common::host_ok(&m, &["select-pane", "-t", "main:0.0"]);
        let moved = "pane-focus-out:%0|pane-focus-in:%1|pane-focus-out:%1|pane-focus-in:%0|\n";
        tokio::task::block_in_place(|| {
            m.wait_for(&show, "select-pane", f(moved));
            m.wait_for(
                &["list-sessions"],
                "the pane's reports",
                got_is("\x1b[O\x1b[I\x1b[O\x1b[I\x1b[O\x1b[I"),
            );
        });
    }
}

/// The hooks tmux 3.3a raises where the model changes, all appending to one option so their
/// order shows.
const LOGGED: &[&str] = &[
    "session-window-changed",
    "window-pane-changed",
    "window-resized",
    "pane-mode-changed",
    "window-layout-changed",
];

/// Each step (`;` separating commands of one list) on a session made 80x24 with the LOGGED
/// hooks set: its exit status and the hooks it raised, in order, tmate against tmux.
fn compare_hook_log(steps: &[&[&str]]) {
    let mut seen = Vec::new();
    for m in [Mux::tmux(), Mux::tmate()] {
        m.run(&["new-session", "-d", "-s", "main", "-x", "80", "-y", "24"]);
        m.run(&["set", "-gw", "automatic-rename", "off"]);
        for h in LOGGED {
            m.run(&[
                "set-hook",
                "-g",
                h,
                "set -gaF @log '#{hook}:#{hook_session}:#{hook_window}:#{hook_pane}|'",
            ]);
        }
        let mut outs = Vec::new();
        for step in steps {
            let o = m.run_output(step);
            let log = m.run(&["show", "-gqv", "@log"]);
            m.run(&["set", "-gu", "@log"]);
            outs.push((step.join(" "), o.status.code(), log));
        }
        seen.push(outs);
    }
    let differ: Vec<String> = seen[0]
        .iter()
        .zip(&seen[1])
        .filter(|(x, y)| x != y)
        .map(|(x, y)| format!("tmux:  {x:?}\ntmate: {y:?}"))
        .collect();
    assert!(differ.is_empty(), "\n{}", differ.join("\n"));
}

/// window-layout-changed after each command that changes a layout in tmux 3.3a, as often as
/// tmux raises it (select-layout twice: once by the layout, once by the command) and in its
/// order with window-pane-changed.
#[test]
fn layout_hooks_as_tmux() {
    compare_hook_log(&[
        &["split-window"],
        &["split-window", "-h"],
        &["select-layout", "even-horizontal"],
        &["next-layout"],
        &["previous-layout"],
        &["select-layout", "-E"],
        &["select-layout", "-o"],
        &["select-layout", "tiled"],
        &["select-layout", "main-vertical"],
        &["resize-pane", "-L", "3"],
        &["resize-pane", "-x", "20"],
        &["resize-pane", "-Z"],
        &["resize-pane", "-Z"],
        &["resize-pane", "-Z"],
        &["select-pane", "-t", ":0.0"],
        &["resize-pane", "-Z"],
        &["kill-pane", "-t", ":0.1"],
        &["swap-pane", "-s", ":0.0", "-t", ":0.1"],
        &["swap-pane", "-d", "-s", ":0.0", "-t", ":0.1"],
        &["rotate-window"],
        &["rotate-window", "-D"],
        &["new-window", "-d"],
        &["join-pane", "-s", ":1", "-t", ":0"],
        &["join-pane", "-d", "-s", ":0.0", "-t", ":0.1"],
        &["break-pane", "-d", "-s", ":0.1"],
        &["move-pane", "-s", ":1", "-t", ":0"],
        &["resize-window", "-x", "60", "-y", "20"],
        &["resize-window", "-x", "60", "-y", "20"],
        &["kill-pane"],
    ]);
}

/// Two changes of one kind in one command list raise two hooks, as in tmux 3.3a.
#[test]
fn each_change_in_a_command_list_raises_its_hook() {
    compare_hook_log(&[
        &["new-window", "-d"],
        &["split-window"],
        &[
            "select-window",
            "-t",
            ":1",
            ";",
            "select-window",
            "-t",
            ":0",
            ";",
            "select-window",
            "-t",
            ":1",
        ],
        &["last-window", ";", "next-window"],
        &[
            "select-pane",
            "-t",
            ":0.0",
            ";",
            "select-pane",
            "-t",
            ":0.1",
            ";",
            "select-pane",
            "-t",
            ":0.0",
        ],
        &["copy-mode", ";", "send", "-X", "cancel", ";", "clock-mode"],
        &["kill-pane", "-t", ":0.0"],
        &["move-window", "-s", ":0", "-t", ":5"],
        &["new-window"],
        &["kill-window"],
        &["link-window", "-s", ":1", "-t", ":7"],
        &["unlink-window", "-t", ":7"],
    ]);
}

/// Zoom kept across a command (-Z: unzoomed, then zoomed again, each a layout change), a lone
/// pane's layouts, resizes with no cell to move, last-pane, and modes ended by clear-history,
/// respawn-pane and kill-pane, as in tmux 3.3a.
#[test]
fn zoom_and_mode_hooks_as_tmux() {
    compare_hook_log(&[
        &["select-layout"],
        &["select-layout", "even-vertical"],
        &["resize-pane", "-U", "2"],
        &["split-window", "-h"],
        &["resize-pane", "-U", "2"],
        &["resize-pane", "-x", "20", "-y", "10"],
        &["split-window", "-d"],
        &["last-pane"],
        &["last-pane"],
        &["resize-pane", "-Z"],
        &["last-pane", "-Z"],
        &["select-pane", "-Z", "-t", ":0.2"],
        &["rotate-window", "-Z"],
        &["swap-pane", "-Z", "-D"],
        &["kill-pane", "-a", "-t", ":0.0"],
        &["copy-mode"],
        &["clear-history"],
        &["copy-mode"],
        &["respawn-pane", "-k"],
        &["split-window"],
        &["copy-mode"],
        &["kill-pane", "-a"],
        &["copy-mode", "-q"],
        &["new-window"],
        &["swap-window", "-d", "-s", ":0", "-t", ":1"],
        &["break-pane", "-s", ":0.0"],
        &["split-window"],
        &["resize-pane", "-Z"],
        &["resize-window", "-x", "60", "-y", "20"],
        &["choose-tree", "-Z"],
        &["copy-mode"],
    ]);
}

/// A pane's stack of modes as tmux 3.3a keeps it (`window_pane_set_mode`,
/// `window_pane_reset_mode`): a mode set again comes back to the top, leaving the top one
/// shows the one under it, `copy-mode -q` and clear-history end them all, one by one. Each
/// change raises pane-mode-changed; `#{pane_in_mode}` counts the modes and `#{pane_mode}`
/// names the top one.
#[test]
fn mode_stack_hooks_as_tmux() {
    let log: &[&str] = &["set", "-gaF", "@log", "#{pane_in_mode}:#{pane_mode}|"];
    compare_hook_log(&[
        &["choose-tree"],
        log,
        &["copy-mode"],
        log,
        &["copy-mode"],
        log,
        &["clock-mode"],
        log,
        &["choose-tree"],
        log,
        &["send", "-X", "cancel"],
        &["copy-mode"],
        log,
        &["send", "-X", "cancel"],
        log,
        &["run-shell", "-t", ":0", "echo hi"],
        log,
        &["copy-mode"],
        log,
        &["send", "-X", "cancel"],
        log,
        &["send", "q"],
        log,
        &["send", "-X", "cancel"],
        log,
        &["copy-mode", "-q"],
        log,
        &[
            "clock-mode",
            ";",
            "copy-mode",
            ";",
            "choose-tree",
            ";",
            "clear-history",
        ],
        log,
        // The tree modes are modes of their own: choose-buffer stacks over choose-tree.
        &["set-buffer", "hello"],
        &["choose-tree"],
        &["choose-buffer"],
        log,
        &["choose-tree"],
        log,
        &["copy-mode", "-q"],
        log,
    ]);
}

/// Windows swapped, moved, linked and broken out of: session-window-changed where tmux 3.3a
/// raises it (the current window moving with its index, a -d move away from it).
#[test]
fn window_move_hooks_as_tmux() {
    compare_hook_log(&[
        &["new-window"],
        &["new-window", "-d"],
        &["swap-window", "-s", ":0", "-t", ":1"],
        &["swap-window", "-d", "-s", ":0", "-t", ":2"],
        &["swap-window", "-d", "-s", ":1", "-t", ":2"],
        &["move-window", "-s", ":2", "-t", ":5"],
        &["move-window", "-d", "-s", ":5", "-t", ":6"],
        &["move-window", "-r"],
        &["link-window", "-d", "-s", ":0", "-t", ":9"],
        &["kill-window", "-t", ":9"],
        &["new-window", "-a", "-t", ":0"],
        &["break-pane", "-d"],
        &["split-window"],
        &["break-pane", "-d"],
        &["split-window"],
        &["break-pane"],
        &["previous-window", ";", "previous-window"],
        &["next-window", "-t", ":1"],
        &["select-window", "-l"],
    ]);
}
