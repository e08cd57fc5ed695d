//! link-window and unlink-window against tmux 3.3a: one window at two indexes of a session
//! (list-windows and the `window_linked*`/`window_active*` formats from both links, the same
//! pane text through either), -a/-b/-d/-k, the errors, kill-window killing every link and
//! unlink-window only one, move/swap-window on linked windows, and a shared session with a
//! linked window (the relay gets it once).
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

use common::{Mux, compare_outcomes, compare_outcomes_on, host_ok};
use pair::Pair;
use tmate_fixtures::relay::{ScriptedViewer, TestRelay, token_of};

const WINDOWS: &str = "#{window_index} #{window_id} #{window_name} #{window_flags} \
                       #{window_active} #{window_linked} #{window_linked_sessions} \
                       #{window_linked_sessions_list} #{window_active_sessions} \
                       #{window_active_sessions_list} #{window_panes} #{session_windows}";
const LSW: &[&str] = &["list-windows", "-F", WINDOWS];
const PANES: &[&str] = &[
    "list-panes",
    "-a",
    "-F",
    "#{session_name}:#{window_index}.#{pane_index} #{pane_id} #{window_id}",
];

/// A session `main` with windows 0 (w0), 1 (w1) and 2 (w2), window 0 current.
const START: &[&[&str]] = &[
    &[
        "new-session",
        "-d",
        "-s",
        "main",
        "-n",
        "w0",
        "-x",
        "80",
        "-y",
        "24",
    ],
    &["new-window", "-d", "-n", "w1"],
    &["new-window", "-d", "-n", "w2"],
];

fn steps(more: &[&'static [&'static str]]) -> Vec<&'static [&'static str]> {
    START.iter().copied().chain(more.iter().copied()).collect()
}

#[test]
fn link_window_shows_one_window_at_two_indexes() {
    compare_outcomes(&steps(&[
        &["link-window", "-s", "1", "-t", "5"],
        LSW,
        PANES,
        &["display-message", "-p", "-t", ":5", WINDOWS],
        &["display-message", "-p", "-t", ":1", WINDOWS],
        // The same window at the other index: its name and options are the window's.
        &["rename-window", "-t", ":5", "renamed"],
        &["set-option", "-w", "-t", ":1", "@mine", "yes"],
        &["show-options", "-w", "-t", ":5", "@mine"],
        &["split-window", "-d", "-t", ":5"],
        LSW,
        PANES,
        &["select-window", "-t", ":1"],
        LSW,
        // A pane target finds the current link first.
        &["display-message", "-p", "-t", "%1", "#{window_index}"],
        &["select-window", "-t", ":0"],
        &["display-message", "-p", "-t", "%1", "#{window_index}"],
        &["display-message", "-p", "-t", "@1", "#{window_index}"],
        &["select-window", "-t", ":5"],
        &["display-message", "-p", "-t", "@1", "#{window_index}"],
        &["display-message", "-p", "-t", "main:@1", "#{window_index}"],
        &["display-message", "-p", "-t", "%1", "#{window_index}"],
    ]));
}

#[test]
fn link_window_errors_match_tmux() {
    compare_outcomes(&steps(&[
        &["link-window", "-s", "1", "-t", "1"],
        &["link-window", "-s", "1", "-t", "2"],
        &["link-window", "-s", "9", "-t", "4"],
        &["unlink-window", "-t", "0"],
        &["unlinkw", "-t", ":2"],
        &["link-window", "-s", "1", "-t", "5"],
        // Already there.
        &["link-window", "-s", "5", "-t", "1"],
        &["link-window", "-s", "1", "-t", "5"],
        &["unlink-window", "-t", "9"],
        LSW,
    ]));
}

#[test]
fn link_window_flags_place_and_select_like_tmux() {
    compare_outcomes(&steps(&[
        // No -t: the first free index, selected.
        &["link-window", "-s", "1"],
        LSW,
        // -d: not selected.
        &["link-window", "-d", "-s", "2", "-t", "7"],
        LSW,
        // -a after the target, the windows up to the next gap moved up one.
        &["link-window", "-a", "-s", "0", "-t", "1"],
        LSW,
        // -b before it; the source moves with the shuffle.
        &["link-window", "-b", "-s", "7", "-t", "0"],
        LSW,
        &["link-window", "-a", "-d", "-s", "3", "-t", "2"],
        LSW,
        // -k: what the index held is unlinked (killed when that was its last link).
        &["link-window", "-k", "-s", "0", "-t", "2"],
        LSW,
        PANES,
        &["new-window", "-d", "-n", "lone", "-t", ":9"],
        &["link-window", "-k", "-d", "-s", "0", "-t", "9"],
        LSW,
        PANES,
        &["link-window", "-k", "-s", "1", "-t", ":"],
        LSW,
    ]));
}

#[test]
fn kill_window_kills_every_link_and_unlink_window_one() {
    compare_outcomes(&steps(&[
        &["link-window", "-s", "1", "-t", "5"],
        &["link-window", "-d", "-s", "1", "-t", "6"],
        &["link-window", "-d", "-s", "2", "-t", "7"],
        LSW,
        &["unlink-window", "-t", "6"],
        LSW,
        PANES,
        &["kill-window", "-t", "5"],
        LSW,
        PANES,
        // Unlinking leaves the numbers alone, even with renumber-windows.
        &["set-option", "-g", "renumber-windows", "on"],
        &["unlink-window", "-t", "2"],
        LSW,
        // -k on a window linked once kills it.
        &["unlink-window", "-k", "-t", "0"],
        LSW,
        PANES,
        &["new-window", "-d", "-n", "spare"],
        &["link-window", "-s", "7", "-t", "3"],
        &["kill-window", "-t", "3"],
        LSW,
        PANES,
    ]));
}

#[test]
fn the_last_links_going_end_the_session() {
    let (a, b) = (Mux::tmux(), Mux::tmate());
    let start: &[&[&str]] = &[
        &["new-session", "-d", "-s", "keep", "-x", "80", "-y", "24"],
        &["new-session", "-d", "-s", "main", "-x", "80", "-y", "24"],
        &["link-window", "-s", "main:0", "-t", "main:3"],
        &["list-sessions", "-F", "#{session_name} #{session_windows}"],
        &["unlink-window", "-t", "main:0"],
        &["list-sessions", "-F", "#{session_name} #{session_windows}"],
        &["unlink-window", "-t", "main:3"],
        &["unlink-window", "-k", "-t", "main:3"],
        &["list-sessions", "-F", "#{session_name} #{session_windows}"],
        &["new-session", "-d", "-s", "again", "-x", "80", "-y", "24"],
        &["link-window", "-s", "again:0", "-t", "again:1"],
        &["kill-window", "-t", "again:1"],
        &["list-sessions", "-F", "#{session_name} #{session_windows}"],
    ];
    compare_outcomes_on(&a, &b, start);
}

#[test]
fn move_and_swap_window_move_one_link() {
    compare_outcomes(&steps(&[
        &["link-window", "-d", "-s", "1", "-t", "5"],
        &["move-window", "-s", "5", "-t", "7"],
        LSW,
        &["move-window", "-s", "7", "-t", "1"],
        &["swap-window", "-s", "7", "-t", "0"],
        LSW,
        &["swap-window", "-s", "0", "-t", "1"],
        LSW,
        // -s names the source: its session is not renumbered (tmux 3.3a).
        &["set-option", "-g", "renumber-windows", "on"],
        &["move-window", "-s", "1", "-t", "8"],
        LSW,
        &["move-window", "-t", "9"],
        LSW,
    ]));
}

/// Typing into the window through one index shows through the other: it is the same pane.
#[test]
fn both_links_show_the_same_pane() {
    let (a, b) = (Mux::tmux(), Mux::tmate());
    for m in [&a, &b] {
        for step in START {
            m.run(step);
        }
        m.run(&["link-window", "-d", "-s", "1", "-t", "5"]);
        // Keys typed before the shell's prompt would be echoed before it.
        m.wait_for(&["capture-pane", "-p", "-t", ":5"], "the prompt", |s| {
            s.lines().any(|l| matches!(l.trim_end(), "$" | "#"))
        });
        m.run(&["send-keys", "-t", ":5", "echo linked-$((6*7))", "Enter"]);
        m.wait_for(&["capture-pane", "-p", "-t", ":1"], "the echo", |s| {
            s.contains("linked-42")
        });
    }
    let capture = |m: &Mux, t: &str| {
        let text = m.run(&["capture-pane", "-p", "-t", t]);
        text.trim_end().to_string()
    };
    assert_eq!(capture(&b, ":1"), capture(&b, ":5"));
    assert_eq!(capture(&b, ":5"), capture(&a, ":5"));
}

/// Alert marks belong to each index (tmux's winlink flags): output in a linked window marks
/// both indexes unless one is current, and selecting one index clears only its marks.
#[tokio::test]
async fn each_link_has_its_own_alert_marks() {
    let p = Pair::start("set -g monitor-activity on\n", 80, 24, None).await;
    let flags = ["list-windows", "-F", "#{window_index} #{window_raw_flags}"];
    let marked = |idx: &'static str| {
        move |out: &str| out.lines().any(|l| l.starts_with(idx) && l.contains('#'))
    };
    for m in &p.muxes {
        m.run(&["new-window", "-d", "-n", "w1", "cat"]);
        m.run(&["link-window", "-d", "-s", "1", "-t", "5"]);
        m.run(&["send-keys", "-t", ":1", "one", "Enter"]);
    }
    p.wait_both(&flags, "both indexes marked", |o| {
        marked("1 ")(o) && marked("5 ")(o)
    });
    p.run_both(&flags);
    p.run_both(&["display-message", "-p", "#{session_alerts}"]);
    p.run_both(&["select-window", "-t", ":5"]);
    p.run_both(&flags);
    p.run_both(&["select-window", "-t", ":0"]);
    for m in &p.muxes {
        m.run(&["send-keys", "-t", ":5", "two", "Enter"]);
    }
    p.wait_both(&flags, "index 5 marked again", marked("5 "));
    p.run_both(&flags);
    p.run_both(&["select-window", "-t", ":1"]);
    p.run_both(&flags);
    p.run_both(&[
        "display-message",
        "-p",
        "-t",
        ":5",
        "#{window_activity_flag} #{window_active} #{window_active_sessions} \
         #{window_active_clients}",
    ]);
}

/// A shared session with a window at two indexes: the relay (which refuses a layout naming a
/// pane twice) is sent the window once and its viewers keep seeing and typing into it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_linked_window_is_shared_once() {
    let relay = TestRelay::start().await;
    let mux = Mux::tmate().with_config(&relay.tmate_conf());
    host_ok(&mux, &["new-session", "-d", "-x", "100", "-y", "30"]);
    host_ok(&mux, &["wait", "tmate-ready"]);
    let ssh = host_ok(&mux, &["display", "-p", "#{tmate_ssh}"]);
    host_ok(&mux, &["new-window", "-d"]);
    host_ok(&mux, &["link-window", "-s", "1", "-t", "5"]);
    let mut viewer = ScriptedViewer::connect(relay.addr, &token_of(ssh.trim()), 100, 30).await;
    // `$` from the test's PS1, or `#` where sh as root keeps its own.
    let prompt = |s: &str| s.lines().any(|l| matches!(l.trim_end(), "$" | "#"));
    tokio::task::block_in_place(|| {
        mux.wait_for(&["capture-pane", "-p", "-t", ":5"], "the prompt", prompt)
    });
    host_ok(
        &mux,
        &["send-keys", "-t", ":5", "echo via-$((1+1))", "Enter"],
    );
    viewer
        .wait_text("the linked window's output", |s| {
            s.lines().any(|l| l.trim_end() == "via-2")
        })
        .await;
    // The other index of the same window is current now: the viewer types into it.
    host_ok(&mux, &["select-window", "-t", ":1"]);
    viewer.type_bytes(b"echo typed-$((2+3))\r").await;
    tokio::task::block_in_place(|| {
        mux.wait_for(
            &["capture-pane", "-p", "-t", ":5"],
            "the viewer's line",
            |s| s.lines().any(|l| l.trim_end() == "typed-5"),
        )
    });
    viewer
        .wait_text("the echo of the viewer's line", |s| {
            s.lines().any(|l| l.trim_end() == "typed-5")
        })
        .await;
    host_ok(&mux, &["kill-server"]);
}

/// The window-linked and window-unlinked hooks: link-window, unlink-window, kill-window of a
/// linked window, move-window (linked at the new index, unlinked at the old) and a -k
/// replacing a window; each hook at the index its window had when it was raised.
#[test]
fn link_hooks_match_tmux() {
    compare_outcomes(&steps(&[
        &[
            "set-hook",
            "-g",
            "window-linked",
            "set -gaF @l '#{hook_window}:#{window_index},'",
        ],
        &[
            "set-hook",
            "-g",
            "window-unlinked",
            "set -gaF @u '#{hook_window}:#{window_index},'",
        ],
        &["link-window", "-d", "-s", "1", "-t", "5"],
        &["unlink-window", "-t", "5"],
        &["move-window", "-d", "-s", "1", "-t", "6"],
        &["link-window", "-d", "-s", "6", "-t", "7"],
        &["kill-window", "-t", "7"],
        &["link-window", "-k", "-s", "2", "-t", "0"],
        // Selected: the hook still runs at the index the window had when it was raised.
        &["link-window", "-s", "6", "-t", "9"],
        &["show-options", "-gv", "@l"],
        &["show-options", "-gv", "@u"],
    ]));
}
