//! Window, pane, layout and scripting commands against tmux 3.3a: swap/join/break/move
//! panes and windows, rotate, predefined layouts, resize -x/-y, respawn and remain-on-exit,
//! renumbering, wait-for, run-shell, if-shell; each step's stdout, stderr and exit status.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test stops on what it did not expect"
)]

mod common;

use common::Mux;

const PANES: &str = "#{window_index}.#{pane_index} #{pane_id} #{pane_left},#{pane_top} \
                     #{pane_width}x#{pane_height} #{?pane_active,active,-}";
const WINDOWS: &str = "#{window_index} #{window_id} #{window_panes} #{window_flags} \
                       #{window_width}x#{window_height}";

/// Every step on both; stdout, stderr and the exit status must match.
fn same(steps: &[&[&str]]) {
    let (a, b) = (Mux::tmux(), Mux::tmate());
    same_on(&a, &b, steps);
}

fn same_on(a: &Mux, b: &Mux, steps: &[&[&str]]) {
    for step in steps {
        let (x, y) = (a.run_output(step), b.run_output(step));
        let show = |o: &std::process::Output| {
            (
                String::from_utf8_lossy(&o.stdout).into_owned(),
                String::from_utf8_lossy(&o.stderr).into_owned(),
                o.status.code(),
            )
        };
        assert_eq!(
            show(&y),
            show(&x),
            "step {step:?}: tmate (left) differs from tmux (right)"
        );
    }
}

const LSP: &[&str] = &["list-panes", "-s", "-F", PANES];
const LSW: &[&str] = &["list-windows", "-F", WINDOWS];

#[test]
fn swap_and_rotate_panes_match_tmux() {
    same(&[
        &["new-session", "-d", "-x", "81", "-y", "25"],
        &["split-window", "-h"],
        &["split-window", "-v"],
        &["select-pane", "-t", ":.0"],
        &["split-window", "-v", "-l", "5"],
        LSP,
        &["swap-pane", "-s", ":.0", "-t", ":.2"],
        LSP,
        &["swap-pane", "-D"],
        LSP,
        &["swap-pane", "-U", "-t", ":.0"],
        LSP,
        &["swap-pane", "-d", "-s", ":.1", "-t", ":.3"],
        LSP,
        &["rotate-window"],
        LSP,
        &["rotate-window", "-D"],
        LSP,
        &["rotate-window", "-D"],
        LSP,
        // Across windows: the panes trade windows and sizes.
        &["new-window"],
        &["split-window", "-h"],
        LSP,
        &["swap-pane", "-s", ":0.1", "-t", ":1.0"],
        LSP,
        LSW,
        &["swap-pane", "-d", "-s", ":0.2", "-t", ":1.1"],
        LSP,
        // A zoomed window unzooms, or stays zoomed with -Z.
        &["resize-pane", "-Z"],
        &["swap-pane", "-D"],
        LSP,
        LSW,
        &["resize-pane", "-Z"],
        &["swap-pane", "-Z", "-D"],
        LSP,
        LSW,
        &["swap-pane", "-s", ":0.9"],
    ]);
}

#[test]
fn join_and_break_panes_match_tmux() {
    same(&[
        &["new-session", "-d", "-x", "80", "-y", "24"],
        &["split-window", "-h"],
        &["new-window"],
        &["split-window", "-v"],
        LSP,
        LSW,
        &["join-pane", "-s", ":0.1", "-t", ":1.0"],
        LSP,
        LSW,
        &[
            "join-pane",
            "-h",
            "-b",
            "-l",
            "10",
            "-s",
            ":1.2",
            "-t",
            ":0.0",
        ],
        LSP,
        &["move-pane", "-d", "-p", "30", "-s", ":0.0", "-t", ":1.1"],
        LSP,
        LSW,
        &["join-pane", "-s", ":1.0", "-t", ":1.0"],
        &["join-pane", "-l", "50%", "-s", ":1.0", "-t", ":1.2"],
        LSP,
        &["join-pane", "-l", "bogus", "-s", ":1.0", "-t", ":1.2"],
        &["join-pane", "-p", "300", "-s", ":1.0", "-t", ":1.2"],
        // Into a zoomed window: it unzooms first.
        &["select-window", "-t", ":1"],
        &["resize-pane", "-Z", "-t", ":1.0"],
        &["join-pane", "-h", "-s", ":0.0", "-t", ":1.0"],
        LSP,
        LSW,
        // The last pane of a window: the window goes with it.
        &["new-window", "-d"],
        &["join-pane", "-v", "-s", ":2", "-t", ":1.1"],
        LSP,
        LSW,
        // Within one window, moving the active pane with -d.
        &["select-pane", "-t", ":1.1"],
        &["join-pane", "-d", "-h", "-s", ":1.1", "-t", ":1.0"],
        LSP,
        &["join-pane", "-d", "-s", ":1.0", "-t", ":1.2"],
        LSP,
        &["break-pane", "-t", ":1"],
        &["break-pane", "-d", "-P", "-s", ":1.1"],
        LSP,
        LSW,
        &[
            "break-pane",
            "-P",
            "-F",
            "#{window_index} #{window_name} #{pane_index}",
            "-n",
            "named",
            "-s",
            ":1.0",
            "-t",
            ":7",
        ],
        LSP,
        // Only -n's name: tmux's automatic name of a new window settles some time later.
        &[
            "list-windows",
            "-F",
            "#{window_index} #{==:#{window_name},named}",
        ],
        // One pane left: the window itself moves; its own index or a taken one is an error.
        &["break-pane", "-s", ":7", "-t", ":7"],
        &["break-pane", "-s", ":7", "-t", ":0"],
        &["break-pane", "-s", ":7", "-t", ":4"],
        &["break-pane", "-s", ":9"],
        LSW,
        &["break-pane", "-s", ":1.0"],
        LSW,
    ]);
}

#[test]
#[allow(
    clippy::too_many_lines,
    reason = "one command script run against tmux, a flat list of steps each compared as it runs"
)]
fn move_swap_and_kill_windows_match_tmux() {
    same(&[
        &["new-session", "-d", "-s", "a", "-x", "80", "-y", "24"],
        &["new-window"],
        &["new-window"],
        &["new-window"],
        &["select-window", "-t", ":1"],
        LSW,
        &["move-window", "-s", ":0"],
        LSW,
        &["move-window", "-t", ":7"],
        LSW,
        &["move-window", "-s", ":2", "-t", ":7"],
        &["move-window", "-s", ":7", "-t", ":7"],
        &["move-window", "-k", "-s", ":2", "-t", ":7"],
        LSW,
        &["move-window", "-d", "-s", ":3", "-t", ":1"],
        LSW,
        &["move-window", "-r"],
        LSW,
        &["swap-window", "-s", ":0", "-t", ":2"],
        LSW,
        &["swap-window", "-d", "-s", ":1", "-t", ":0"],
        LSW,
        &["swap-window", "-t", ":9"],
        // -a/-b: the windows after the target move up one.
        &["move-window", "-a", "-s", ":2", "-t", ":0"],
        LSW,
        &["move-window", "-b", "-s", ":3", "-t", ":0"],
        LSW,
        &["move-window", "-a"],
        LSW,
        &["split-window"],
        &["break-pane", "-b", "-t", ":1"],
        LSW,
        &["split-window"],
        &["break-pane", "-a", "-d"],
        LSW,
        &["move-window", "-r"],
        // Between sessions.
        &["new-session", "-d", "-s", "b", "-x", "60", "-y", "20"],
        &["move-window", "-s", "a:0", "-t", "b:5"],
        &[
            "list-windows",
            "-a",
            "-F",
            "#{session_name} #{window_index} #{window_id} #{window_flags} #{window_width}x#{window_height}",
        ],
        &["swap-window", "-s", "a:1", "-t", "b:0"],
        &[
            "list-windows",
            "-a",
            "-F",
            "#{session_name} #{window_index} #{window_id} #{window_flags} #{window_width}x#{window_height}",
        ],
        &["kill-window", "-a", "-t", "a:1"],
        &[
            "list-windows",
            "-a",
            "-F",
            "#{session_name} #{window_index} #{window_id} #{window_flags}",
        ],
        // renumber-windows after a window closes.
        &["set", "-t", "b", "renumber-windows", "on"],
        &["new-window", "-t", "b:9"],
        &["kill-window", "-t", "b:0"],
        &[
            "list-windows",
            "-t",
            "b",
            "-F",
            "#{window_index} #{window_id} #{window_flags}",
        ],
        &["set", "-g", "base-index", "1"],
        &["move-window", "-r", "-t", "b"],
        &[
            "list-windows",
            "-t",
            "b",
            "-F",
            "#{window_index} #{window_id} #{window_flags}",
        ],
        &["kill-pane", "-a", "-t", "b:1"],
        &["kill-window", "-t", "b:1"],
        &[
            "list-windows",
            "-t",
            "b",
            "-F",
            "#{window_index} #{window_id} #{window_flags}",
        ],
    ]);
}

#[test]
fn layouts_match_tmux() {
    let lsp: &[&str] = &["list-panes", "-F", PANES];
    let mut steps: Vec<Vec<String>> = Vec::new();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    steps.push(s(&["new-session", "-d", "-x", "97", "-y", "31"]));
    // 2 to 7 panes at an odd size, each predefined layout.
    for n in 2..=7 {
        steps.push(s(&["split-window", "-t", ":.0"]));
        steps.push(s(&["select-layout", "tiled"]));
        if n == 2 || n >= 5 {
            for layout in [
                "even-horizontal",
                "even-vertical",
                "main-horizontal",
                "main-vertical",
                "tiled",
            ] {
                steps.push(s(&["select-layout", layout]));
                steps.push(s(lsp));
            }
        }
    }
    for opt in [
        &["set-window-option", "main-pane-width", "30"][..],
        &["select-layout", "main-vertical"],
        lsp,
        &["setw", "main-pane-width", "50%"],
        &["select-layout", "main-v"],
        lsp,
        &["setw", "other-pane-width", "20"],
        &["select-layout", "main-vertical"],
        lsp,
        &["setw", "main-pane-width", "500"],
        &["select-layout", "main-vertical"],
        lsp,
        &["setw", "main-pane-height", "10"],
        &["setw", "other-pane-height", "25%"],
        &["select-layout", "main-horizontal"],
        lsp,
        &["next-layout"],
        lsp,
        &["next-layout"],
        lsp,
        &["previous-layout"],
        &["previous-layout"],
        &["previous-layout"],
        lsp,
        &["select-layout", "-n"],
        lsp,
        &["select-layout"],
        lsp,
        &["select-layout", "even"],
        &["kill-pane", "-a"],
        &["next-layout"],
        lsp,
    ] {
        steps.push(s(opt));
    }
    let refs: Vec<Vec<&str>> = steps
        .iter()
        .map(|v| v.iter().map(String::as_str).collect())
        .collect();
    let refs: Vec<&[&str]> = refs.iter().map(Vec::as_slice).collect();
    same(&refs);
}

#[test]
fn resize_to_sizes_matches_tmux() {
    let lsp: &[&str] = &["list-panes", "-F", PANES];
    same(&[
        &["new-session", "-d", "-x", "90", "-y", "30"],
        &["split-window", "-h"],
        &["split-window", "-v"],
        &["resize-pane", "-x", "20"],
        lsp,
        &["resize-pane", "-t", ":.0", "-x", "30"],
        lsp,
        &["resize-pane", "-y", "8"],
        lsp,
        &["resize-pane", "-t", ":.1", "-y", "50%"],
        lsp,
        &["resize-pane", "-t", ":.0", "-x", "25%", "-y", "10"],
        lsp,
        &["resize-pane", "-x", "abc"],
        &["resize-pane", "-y", "200%"],
        &["resize-pane", "-Z"],
        &["resize-pane", "-x", "40"],
        lsp,
    ]);
}

#[test]
fn remain_on_exit_and_respawn_match_tmux() {
    let (a, b) = (Mux::tmux(), Mux::tmate());
    // tmux 3.3a marks a pane dead at EOF and only sometimes learns the exit status afterwards
    // (and draws its message only then), so the statuses are checked on ours alone.
    let fmt = "#{pane_index} #{pane_dead} #{window_panes}";
    let dead = |m: &Mux, n: usize, what: &str| {
        m.wait_for(&["list-panes", "-F", "#{pane_dead}"], what, |s| {
            s.matches('1').count() == n
        });
    };
    for m in [&a, &b] {
        m.run(&["new-session", "-d", "-x", "80", "-y", "40"]);
        m.run(&["set", "-g", "remain-on-exit", "on"]);
        m.run(&["split-window", "exit 3"]);
        dead(m, 1, "a dead pane");
        m.run(&["split-window", "kill -9 $$"]);
        dead(m, 2, "two dead panes");
    }
    same_on(
        &a,
        &b,
        &[
            &["list-panes", "-F", fmt],
            &["respawn-pane", "-t", ":.0"],
            &["respawn-window"],
        ],
    );
    b.wait_for(
        &[
            "list-panes",
            "-F",
            "#{pane_dead}:#{pane_dead_status}:#{pane_dead_signal}",
        ],
        "the statuses",
        |s| s == "0::\n1:3:\n1::9\n",
    );
    // tmux's message with the time left out.
    let out = b.run(&["capture-pane", "-p", "-t", ":.1"]);
    let line = out.lines().rfind(|l| !l.is_empty()).unwrap().to_string();
    assert_eq!(line.split(", ").next().unwrap(), "Pane is dead (status 3");
    for m in [&a, &b] {
        m.run(&["respawn-pane", "-t", ":.1", "echo revived; exec cat"]);
        m.wait_for(
            &["capture-pane", "-p", "-t", ":.1"],
            "the new program",
            |s| s.contains("revived"),
        );
    }
    same_on(&a, &b, &[&["list-panes", "-F", fmt]]);
    // `failed`: a clean exit closes the pane, a failing one stays.
    b.run(&["set", "-g", "remain-on-exit", "failed"]);
    b.run(&["split-window", "exit 0"]);
    b.run(&["split-window", "exit 4"]);
    b.wait_for(
        &["list-panes", "-F", "#{pane_dead}:#{pane_dead_status}"],
        "the clean exit gone, the failed one kept",
        |s| s.lines().count() == 4 && s.contains("1:4"),
    );
    for m in [&a, &b] {
        m.run(&["respawn-window", "-k", "exec cat"]);
    }
    // Where the pane started (the session's directory), not the client's.
    for m in [&a, &b] {
        let sub = m.dir.path().join("sub");
        std::fs::create_dir_all(&sub).unwrap();
        let mut c = m.command(&["respawn-pane", "-k", "pwd; exec cat"]);
        c.current_dir(&sub);
        assert!(c.status().unwrap().success());
        let home = m.dir.path().to_string_lossy().into_owned();
        m.wait_for(&["capture-pane", "-p"], "the start directory", |s| {
            s.lines().next() == Some(home.as_str())
        });
    }
    same_on(
        &a,
        &b,
        &[&["list-panes", "-F", fmt], &["list-windows", "-F", WINDOWS]],
    );
}

#[test]
fn wait_for_channels_match_tmux() {
    for m in [Mux::tmux(), Mux::tmate()] {
        m.run(&["new-session", "-d"]);
        // Signalled before anyone waits: the next wait returns at once, once.
        m.run(&["wait-for", "-S", "early"]);
        m.run(&["wait-for", "early"]);
        // A waiter blocks until signalled.
        let mut waiter = m.command(&["wait-for", "chan"]).spawn().unwrap();
        let started = std::time::Instant::now();
        // Signal only once the waiter is registered: a signal first would be kept instead.
        while started.elapsed() < std::time::Duration::from_millis(300) {
            assert!(
                waiter.try_wait().unwrap().is_none(),
                "{}: wait-for returned early",
                m.program.display()
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        m.run(&["wait-for", "-S", "chan"]);
        let deadline = std::time::Instant::now() + common::DEADLINE;
        let status = loop {
            if let Some(s) = waiter.try_wait().unwrap() {
                break s;
            }
            assert!(std::time::Instant::now() < deadline, "waiter never woke");
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        assert!(status.success());
        // Locks: a second -L waits for -U.
        m.run(&["wait-for", "-L", "lock"]);
        let mut locker = m.command(&["wait-for", "-L", "lock"]).spawn().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(200));
        assert!(locker.try_wait().unwrap().is_none());
        m.run(&["wait-for", "-U", "lock"]);
        let deadline = std::time::Instant::now() + common::DEADLINE;
        while locker.try_wait().unwrap().is_none() {
            assert!(
                std::time::Instant::now() < deadline,
                "locker never got the lock"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        m.run(&["wait-for", "-U", "lock"]);
        let out = m.run_output(&["wait-for", "-U", "lock"]);
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "channel lock not locked\n"
        );
        let out = m.run_output(&["wait-for"]);
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "command wait-for: too few arguments (need at least 1)\n"
        );
    }
}

#[test]
fn run_shell_and_if_shell_match_tmux() {
    same(&[
        &["new-session", "-d", "-x", "80", "-y", "24"],
        &["run-shell", "true"],
        &["run-shell", "exit 3"],
        &["run-shell", "kill -9 $$"],
        &["run-shell"],
        &["run-shell", "-d", "x", "true"],
        &["run-shell", "-b", "exit 5"],
        &["run-shell", "test #{window_panes} = 1"],
        &["run-shell", "-C", "display -p from-run"],
        &["if-shell", "true", "display -p yes", "display -p no"],
        &["if-shell", "false", "display -p yes", "display -p no"],
        &["if-shell", "false", "display -p yes"],
        &["if-shell", "test #{window_panes} = 1", "display -p one"],
        &[
            "if-shell",
            "-F",
            "#{window_panes}",
            "display -p A",
            "display -p B",
        ],
        &["if-shell", "-F", "0", "display -p A", "display -p B"],
        &["if-shell", "-F", "", "display -p A"],
        &["if-shell", "-F", "1", "display -p A; display -p B"],
        &["if-shell", "true", "frobnicate"],
        &["if-shell", "true"],
        &[
            "if-shell",
            "true",
            "display -p x",
            ";",
            "display",
            "-p",
            "after",
        ],
        &["run-shell", "true", ";", "display", "-p", "after"],
        &["run-shell", "exit 2", ";", "display", "-p", "not reached"],
        &["if-shell", "-b", "true", "new-window"],
        &["refresh-client", "-S"],
        &["frobnicate"],
    ]);
}

const MARKS: &str = "#{window_index}.#{pane_index} #{pane_id} #{pane_marked} #{pane_marked_set} \
                     #{window_marked_flag} #{session_marked} #{window_flags}";
const LSM: &[&str] = &["list-panes", "-a", "-F", MARKS];

#[test]
fn marked_pane_matches_tmux() {
    same(&[
        &["new-session", "-d", "-s", "a", "-x", "80", "-y", "24"],
        &["split-window", "-h"],
        &["new-window"],
        &["split-window", "-v"],
        &["new-session", "-d", "-s", "b", "-x", "80", "-y", "24"],
        LSM,
        // No mark: `~` and `{marked}` fail.
        &["display", "-p", "-t", "~", "#{pane_id}"],
        &["display", "-p", "-t", "{marked}", "#{pane_id}"],
        &["select-pane", "-m", "-t", "a:0.1"],
        LSM,
        &[
            "display",
            "-p",
            "-t",
            "~",
            "#{session_name}:#{window_index}.#{pane_index}",
        ],
        &["display", "-p", "-t", "{marked}", "#{pane_id}"],
        // -m on the marked pane unmarks it; on another moves the mark.
        &["select-pane", "-m", "-t", "a:0.1"],
        LSM,
        &["select-pane", "-m", "-t", "a:0.0"],
        &["select-pane", "-m", "-t", "a:1.1"],
        LSM,
        &["select-pane", "-M"],
        LSM,
        // swap-pane's source defaults to the marked pane; the mark stays with its window,
        // so the pane that went away is no longer marked.
        &["select-pane", "-m", "-t", "a:0.1"],
        &["swap-pane", "-t", "a:1.0"],
        LSP,
        LSM,
        // join-pane too.
        &["select-pane", "-m", "-t", "a:1.1"],
        &["join-pane", "-h", "-t", "a:0.0"],
        &["list-panes", "-a", "-F", PANES],
        LSM,
        // swap-window's source is the marked pane's window; the mark does not follow it.
        &["select-pane", "-m", "-t", "a:1.0"],
        &["swap-window", "-t", "a:0"],
        &["list-windows", "-a", "-F", WINDOWS],
        LSM,
        // A pane hidden by a zoom is not marked; the zoomed one is.
        &["select-pane", "-t", "a:0.0"],
        &["resize-pane", "-Z", "-t", "a:0.0"],
        &["select-pane", "-m", "-t", "a:0.1"],
        LSM,
        &["select-pane", "-m", "-t", "a:0.0"],
        LSM,
        &["resize-pane", "-Z", "-t", "a:0.0"],
        // Renumbering makes new winlinks in tmux: the mark is lost.
        &["new-window", "-d", "-t", "a:5"],
        &["select-pane", "-m", "-t", "a:5"],
        LSM,
        &["move-window", "-r", "-t", "a"],
        LSM,
        // A mark in another session: session_marked there, and `~` finds it.
        &["select-pane", "-m", "-t", "b:0"],
        LSM,
        &["kill-pane", "-t", "~"],
        LSM,
        &["display", "-p", "-t", "~", "#{pane_id}"],
    ]);
}

/// tmux holds the mark by its winlink: a window moved to another index and back sits in a new
/// winlink, so it is no longer marked (nor is it while away); swapped away and back, it is the
/// same winlink again.
#[test]
fn a_marked_window_moved_away_and_back_is_unmarked() {
    same(&[
        &["new-session", "-d", "-s", "a", "-x", "80", "-y", "24"],
        &["new-window", "-d"],
        &["split-window", "-t", "a:1"],
        &["select-pane", "-m", "-t", "a:1.0"],
        LSM,
        &["move-window", "-s", "a:1", "-t", "a:5"],
        LSM,
        &["display", "-p", "-t", "{marked}", "#{pane_id}"],
        &["move-window", "-s", "a:5", "-t", "a:1"],
        LSM,
        &["display", "-p", "-t", "{marked}", "#{pane_id}"],
        &["display", "-p", "-t", "~", "#{pane_id}"],
        // Swapped away and back: the winlink holds its window again, marked as before.
        &["select-pane", "-m", "-t", "a:1.1"],
        &["swap-window", "-s", "a:0", "-t", "a:1"],
        LSM,
        &["swap-window", "-s", "a:0", "-t", "a:1"],
        LSM,
        &["display", "-p", "-t", "{marked}", "#{pane_id}"],
    ]);
}

const SIZES: &[&str] = &[
    "list-windows",
    "-t",
    "main",
    "-F",
    "#{window_index} #{window_width}x#{window_height}",
];

/// Wait until `list-windows` on both gives `want`: tmux resizes a window on its next loop, so
/// each side is waited for, then they must agree.
fn sizes_are(muxes: &[Mux; 2], want: &str, what: &str) {
    for m in muxes {
        m.wait_for(SIZES, what, |out| out == want);
    }
}

/// Two servers with session `main` (windows 0 and 1 running `cat`, made 50x15 before any
/// client) and `config` applied.
fn sized_pair(config: &[&[&str]]) -> [Mux; 2] {
    let muxes = [Mux::tmux(), Mux::tmate()];
    for m in &muxes {
        m.run(&[
            "new-session",
            "-d",
            "-s",
            "main",
            "-n",
            "w0",
            "-x",
            "50",
            "-y",
            "15",
            "cat",
        ]);
        m.run(&["new-window", "-d", "-n", "w1", "cat"]);
        for step in config {
            m.run(step);
        }
    }
    muxes
}

/// A client on each server, its first frame drawn.
async fn attach_both(
    muxes: &[Mux; 2],
    cols: u16,
    rows: u16,
) -> Vec<tmate_fixtures::pty_client::PtyClient> {
    let mut clients = Vec::new();
    for m in muxes {
        let mut c = m.attach_client(cols, rows);
        c.wait_for("the first frame in raw mode", |c| {
            c.is_raw() && !c.screen.screen().contents().is_empty()
        })
        .await;
        clients.push(c);
    }
    clients
}

/// `window-size` as tmux 3.3a with two attached clients of different sizes (80x24 attached
/// first, then 60x20; one status line): each window's size after the first client, after the
/// second, after the first one typed (the latest client for `latest`), with window 1
/// selected (a window not shown keeps its size until then), and after the second typed.
#[tokio::test]
async fn window_size_with_two_clients_matches_tmux() {
    let big = "0 80x23\n1 50x15\n";
    let small = "0 60x19\n1 50x15\n";
    let cases: [(&str, [&str; 5]); 4] = [
        (
            "smallest",
            [
                big,
                small,
                small,
                "0 60x19\n1 60x19\n",
                "0 60x19\n1 60x19\n",
            ],
        ),
        (
            "largest",
            [big, big, big, "0 80x23\n1 80x23\n", "0 80x23\n1 80x23\n"],
        ),
        // Window 1 has no latest client until one types in it: with two clients it keeps the
        // size the first client alone asked for while it was not shown.
        (
            "latest",
            [big, small, big, "0 80x23\n1 80x23\n", "0 80x23\n1 60x19\n"],
        ),
        ("manual", ["0 50x15\n1 50x15\n"; 5]),
    ];
    for (value, [first, second, typed, selected, again]) in cases {
        let muxes = sized_pair(&[&["set", "-g", "window-size", value]]);
        let mut a = attach_both(&muxes, 80, 24).await;
        sizes_are(&muxes, first, &format!("{value}: the first client's sizes"));
        let mut b = attach_both(&muxes, 60, 20).await;
        sizes_are(
            &muxes,
            second,
            &format!("{value}: the second client's sizes"),
        );
        for c in &mut a {
            c.type_bytes(b"x").await;
        }
        sizes_are(
            &muxes,
            typed,
            &format!("{value}: after the first client typed"),
        );
        for m in &muxes {
            m.run(&["select-window", "-t", "main:1"]);
        }
        sizes_are(&muxes, selected, &format!("{value}: window 1 selected"));
        for c in &mut b {
            c.type_bytes(b"y").await;
        }
        sizes_are(
            &muxes,
            again,
            &format!("{value}: the second client typed in window 1"),
        );
    }
}

/// aggressive-resize: a window is sized only by the clients it is current for, so window 1
/// keeps its size until it is selected.
#[tokio::test]
async fn aggressive_resize_matches_tmux() {
    let muxes = sized_pair(&[
        &["set", "-g", "window-size", "smallest"],
        &["set", "-g", "aggressive-resize", "on"],
    ]);
    let _a = attach_both(&muxes, 80, 24).await;
    sizes_are(&muxes, "0 80x23\n1 50x15\n", "the first client's sizes");
    let _b = attach_both(&muxes, 60, 20).await;
    sizes_are(&muxes, "0 60x19\n1 50x15\n", "the second client's sizes");
    for m in &muxes {
        m.run(&["select-window", "-t", "main:1"]);
    }
    sizes_are(&muxes, "0 60x19\n1 60x19\n", "window 1 selected");
    for m in &muxes {
        m.run(&["set", "-w", "-t", "main:0", "window-size", "largest"]);
    }
    // Window 0 is no longer current: largest or not, nothing sizes it.
    sizes_are(
        &muxes,
        "0 60x19\n1 60x19\n",
        "window 0 largest, not current",
    );
    for m in &muxes {
        m.run(&["select-window", "-t", "main:0"]);
    }
    sizes_are(&muxes, "0 80x23\n1 60x19\n", "window 0 current again");
}

/// new-window's `-t` as tmux 3.3a's window-index targets: a bare number is an index of the
/// current session (a new one, or `index in use`), a bare session name its next free index,
/// `sess:N` and `:N` an index.
#[test]
fn new_window_targets_as_tmux() {
    common::compare_outcomes(&[
        &["new-session", "-d", "-s", "foo"],
        &["new-window", "-d", "-t", "9"],
        &["new-window", "-d", "-t", "0"],
        &["new-window", "-d", "-t", "foo"],
        &["new-window", "-d", "-t", "foo:5"],
        &["new-window", "-d", "-t", ":7"],
        &["new-window", "-d", "-t", "foo:5"],
        &["new-window", "-d", "-t", "nope:"],
        &["list-windows", "-F", "#{window_index}"],
    ]);
}

/// Windows and sessions named as tmux 3.3a's `cmd-find.c` finds them: an exact name, else the
/// start of one, else an fnmatch pattern, none when two match at that stage; `=` for an exact
/// name only; `+N`/`-N` counting by number and wrapping around. Each `select-window` is read
/// back as the session's current window. (Before: exact names only, no wrap, `+N` unknown, an
/// ambiguous name taken as its first window everywhere.)
#[test]
fn window_and_session_names_as_tmux() {
    let mut steps: Vec<Vec<&str>> = vec![
        vec!["new-session", "-d", "-s", "work", "-n", "editor"],
        vec!["new-window", "-d", "-n", "logs"],
        vec!["new-window", "-d", "-n", "logs"],
        vec!["new-window", "-d", "-n", "lazy"],
        vec!["new-session", "-d", "-s", "web"],
        vec!["new-session", "-d", "-s", "wiki"],
    ];
    for t in [
        "work:+",
        "work:+2",
        "work:-2",
        "work:-",
        "work:+x",
        "work:-0",
        "wo",
        "=wor",
        "=work",
        "work:=editor",
        "work:=edi",
        "work:[el]a*",
        "work:la",
        "work:l*",
        "work:logs",
        "work:=1",
        "work:=!",
        "wi?i",
        "w",
        "=w",
        "x:1",
        "work:x",
    ] {
        steps.push(vec!["select-window", "-t", "work:3"]);
        steps.push(vec!["select-window", "-t", t]);
        steps.push(vec![
            "display-message",
            "-p",
            "-t",
            "work:",
            "#{window_index}",
        ]);
    }
    for t in ["w", "wo", "=wo", "=work", "we*", "wi?i", "x*"] {
        steps.push(vec!["has-session", "-t", t]);
    }
    // display-message goes on when its target fails (CMD_FIND_CANFAIL): an ambiguous name is
    // the first window it matches, where select-window above refused it.
    for t in ["work:logs", "work:lo", "work:l*", "work:nope"] {
        steps.push(vec!["display-message", "-p", "-t", t, "#{window_index}"]);
    }
    // A bare pane word keeps its `=` in every lookup: nothing matches it (tmux names only a
    // session or window part as exact).
    for t in ["=work", "=editor", "=lazy"] {
        steps.push(vec!["display-message", "-p", "-t", t, "#{session_name}"]);
        steps.push(vec!["select-pane", "-t", t]);
        steps.push(vec!["select-window", "-t", t]);
    }
    let steps: Vec<&[&str]> = steps.iter().map(Vec::as_slice).collect();
    common::compare_outcomes(&steps);
}

/// tmux 3.3a's target aliases (`cmd_find_window_table`, `cmd_find_pane_table`): `{start}`,
/// `{end}`, `{last}`, `{next}`, `{previous}` for windows; `{top}`... `{bottom-right}` (and
/// the plain words), `{up-of}`... `{right-of}`, `+N`/`-N` for panes. (Before: none of them.)
#[test]
fn target_aliases_as_tmux() {
    let mut steps: Vec<Vec<&str>> = vec![
        vec!["new-session", "-d", "-s", "work", "-x", "80", "-y", "24"],
        vec!["new-window", "-d"],
        vec!["new-window", "-d"],
        vec!["split-window", "-h"],
        vec!["split-window", "-v"],
        vec!["select-window", "-t", ":1"],
        vec!["select-window", "-t", ":0"],
    ];
    for t in ["{start}", "{end}", "{last}", "{next}", "{previous}"] {
        steps.push(vec!["select-window", "-t", t]);
        steps.push(vec!["display-message", "-p", "#{window_index}"]);
        steps.push(vec!["select-window", "-t", ":0"]);
    }
    for t in [
        "{top}",
        "{bottom}",
        "{left}",
        "{right}",
        "{top-left}",
        "{top-right}",
        "{bottom-left}",
        "{bottom-right}",
        "{up-of}",
        "{down-of}",
        "{left-of}",
        "{right-of}",
        "{last}",
        "{next}",
        "{previous}",
        "top",
        "Bottom",
        "+2",
        "-2",
        "+x",
    ] {
        steps.push(vec!["select-pane", "-t", t]);
        steps.push(vec!["display-message", "-p", "#{pane_index}"]);
        steps.push(vec!["select-pane", "-t", ":.2"]);
    }
    let steps: Vec<&[&str]> = steps.iter().map(Vec::as_slice).collect();
    common::compare_outcomes(&steps);
}

/// The list commands as tmux 3.3a prints them: `-a` by session name, list-panes' three
/// default templates with the real history figures, `#{line}` and `-f` filters; windows named
/// by `-n` or rename-window have `automatic-rename` off as a window option; options commands
/// name a target they could not use as tmux does. (Before: `-f` and `#{line}` ignored,
/// `[history 0/2000, 0 bytes]` printed as such, sessions by creation, no option set.)
#[test]
fn lists_and_named_windows_as_tmux() {
    let steps: &[&[&str]] = &[
        // Named windows: automatic names depend on process timing (sh -c).
        &[
            "new-session",
            "-d",
            "-s",
            "work",
            "-n",
            "w0",
            "-x",
            "120",
            "-y",
            "40",
            "cat",
        ],
        &["new-window", "-d", "-n", "logs", "cat"],
        &["split-window", "-h", "-t", "work:0", "cat"],
        &[
            "new-session",
            "-d",
            "-s",
            "other",
            "-n",
            "o0",
            "-x",
            "100",
            "-y",
            "30",
            "cat",
        ],
        &["list-panes", "-a"],
        &["list-panes", "-s", "-t", "work"],
        &["list-panes", "-t", "work:0"],
        &["list-windows", "-a"],
        &["list-sessions", "-F", "#{line} #{session_name}"],
        &[
            "list-panes",
            "-a",
            "-f",
            "#{pane_active}",
            "-F",
            "#{line} #{session_name}:#{window_index}.#{pane_index}",
        ],
        &[
            "list-windows",
            "-a",
            "-f",
            "#{==:#{window_name},logs}",
            "-F",
            "#{line} #{session_name}:#{window_index}",
        ],
        &[
            "list-sessions",
            "-f",
            "#{==:#{session_name},work}",
            "-F",
            "#{session_name}",
        ],
        &["show-options", "-w", "-t", "work:1"],
        &["rename-window", "-t", "work:0", "ed"],
        &["show-options", "-wv", "-t", "work:0", "automatic-rename"],
        &["display", "-p", "-t", "work:0", "#{automatic-rename}"],
        &["show-options", "-w", "-t", "work:9"],
        &["show-options", "-t", "work:9", "status"],
        &["set-option", "-t", "nosuch", "status", "off"],
        &["set-option", "-w", "-t", "work:9", "mode-keys", "vi"],
    ];
    common::compare_outcomes(steps);
}

/// Automatic names as tmux 3.3a makes them: `automatic-rename-format` at the active pane
/// (tmux renames after the pane's output), kept while `automatic-rename` is off, made again
/// when it is turned back on. (Before: always the pane's command; the option and the format
/// were not read.)
#[test]
fn automatic_names_follow_the_format_as_tmux() {
    let (a, b) = (Mux::tmux(), Mux::tmate());
    let name = ["list-windows", "-t", "work", "-F", "#{window_name}"];
    for m in [&a, &b] {
        m.run(&[
            "new-session",
            "-d",
            "-s",
            "work",
            "-x",
            "80",
            "-y",
            "24",
            "-c",
            "/tmp",
            "cat",
        ]);
        m.run(&[
            "set",
            "-g",
            "automatic-rename-format",
            "D:#{b:pane_current_path}",
        ]);
        m.run(&["send-keys", "-t", "work", "x", "Enter"]);
        m.wait_for(&name, "the format's name", |o| o == "D:tmp\n");
        m.run(&["set", "-w", "-t", "work", "automatic-rename", "off"]);
        m.run(&[
            "set",
            "-g",
            "automatic-rename-format",
            "E:#{b:pane_current_path}",
        ]);
        m.run(&["send-keys", "-t", "work", "y", "Enter"]);
    }
    common::compare_outcomes_on(&a, &b, &[&name, &["show", "-w", "-t", "work"]]);
    for m in [&a, &b] {
        assert_eq!(m.run(&name), "D:tmp\n");
        m.run(&["set", "-w", "-t", "work", "automatic-rename", "on"]);
        m.run(&["send-keys", "-t", "work", "z", "Enter"]);
        m.wait_for(&name, "the new format's name", |o| o == "E:tmp\n");
    }
}

/// split-window's sizes as tmux 3.3a reads them (`-l 200%` asks for more than the cell, which
/// the layout clamps; its own `percentage`/`lines`/`-p` errors), and targets that must name a
/// window index (break-pane, new-window, move-window, link-window `-t`): a pane part is
/// refused before anything is looked up, an empty one is none.
#[test]
fn split_sizes_and_index_targets_match_tmux() {
    same(&[
        &["new-session", "-d", "-s", "work", "-x", "100", "-y", "30"],
        &["split-window", "-t", "work:0", "-l", "200%"],
        &["split-window", "-t", "work:0", "-l", "50x"],
        &["split-window", "-t", "work:0", "-p", "300"],
        &["split-window", "-t", "work:0", "-p", "-3"],
        &["split-window", "-t", "work:0", "-l", "999999999999%"],
        &["list-panes", "-t", "work:0", "-F", PANES],
        &["break-pane", "-s", "work:0.1", "-t", "work:1.0"],
        &["break-pane", "-s", "work:0.1", "-t", "work:5.2"],
        &["break-pane", "-d", "-s", "work:0.1", "-t", "work:7."],
        &["new-window", "-t", "work:3.1"],
        &["new-window", "-t", "%1"],
        &["move-window", "-s", "work:7", "-t", "work:2."],
        &["link-window", "-s", "work:0", "-t", "work:1.0"],
        &["new-window", "-d", "-t", "work:8."],
        &["list-windows", "-t", "work", "-F", WINDOWS],
    ]);
}

/// list-panes takes a window target as tmux's CMD_FIND_WINDOW: from inside a pane, `-t 1`
/// is window 1 of the current session, else the session named `1` (tmux-sessionist's
/// promote-pane lists a new session's panes so); it used to be pane 1 of the current window.
#[test]
fn list_panes_target_is_a_window_or_a_session() {
    let muxes = [Mux::tmux(), Mux::tmate()];
    let mut outputs = Vec::new();
    for m in &muxes {
        m.run(&["new-session", "-d", "-s", "main", "-x", "80", "-y", "24"]);
        m.run(&["split-window", "-h", "-t", "main:0"]);
        m.run(&["new-session", "-d", "-s", "1"]);
        let tmux = m.run(&["display", "-p", "-t", "main:0.0", "#{socket_path},#{pid},0"]);
        let pane = m.run(&["display", "-p", "-t", "main:0.0", "#{pane_id}"]);
        let inside = |args: &[&str]| {
            let out = m
                .command(args)
                .env("TMUX", tmux.trim_end())
                .env("TMUX_PANE", pane.trim_end())
                .output()
                .unwrap();
            format!(
                "{}{}{:?}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr),
                out.status.code()
            )
        };
        let f = "#{session_name}:#{window_index}.#{pane_index}";
        outputs.push(
            [
                inside(&["list-panes", "-t", "1", "-F", f]),
                inside(&["list-panes", "-t", "0", "-F", f]),
                inside(&["list-panes", "-t", "9", "-F", f]),
                inside(&["list-panes", "-s", "-t", "1", "-F", f]),
            ]
            .join("|"),
        );
        m.run(&["kill-server"]);
    }
    assert_eq!(
        outputs[1], outputs[0],
        "tmate (left) differs from tmux (right)"
    );
    assert!(
        outputs[0].starts_with("1:0.0\nSome(0)|main:0.0\nmain:0.1\n"),
        "{}",
        outputs[0]
    );
}
