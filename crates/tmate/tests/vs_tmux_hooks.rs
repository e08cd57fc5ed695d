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
