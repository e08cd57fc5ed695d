//! Tree modes on attached clients side by side with real tmux 3.3a: choose-tree from `C-b s`
//! and `C-b w` (the list, the `+`/`-` markers, the preview box with its windows and panes),
//! moving, expanding and choosing; choose-buffer pasting into a pane; find-window's filter.
//! The same keys go to both; whole screens are compared row by row, text and style.
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

/// A fixed status-right so the clock and host name do not differ; no paste detection.
const BASE_CONFIG: &str =
    "set -g status-right 'R'\nset -g display-time 20000\nset -g assume-paste-time 0\n";

/// Wait until both screens satisfy `check` (on their whole text) and, when a preview box is
/// drawn, show its bottom line (drawn after the rows above it, so the box is whole), then
/// compare every row.
async fn settle(p: &mut Pair, what: &str, check: impl Fn(&str) -> bool) {
    let whole = |s: &str| {
        check(s)
            && (!s.contains("(sort: ")
                || s.lines().any(|l| l.starts_with("└─") && l.contains("─┘")))
    };
    for c in &mut p.clients {
        c.wait_text(what, &whole).await;
    }
    let rows = p.clients[0].rows();
    p.same_rows(0..rows, what);
}

/// Three windows running `cat` (window 1 split in two), with text in each pane so the
/// previews show something; names set so automatic names do not differ.
async fn three_windows() -> Pair {
    let mut p = Pair::start(BASE_CONFIG, 80, 24, Some("cat")).await;
    for m in &p.muxes {
        m.run(&["new-window", "-d", "-n", "w1", "cat"]);
        m.run(&["split-window", "-d", "-h", "-t", "main:1", "cat"]);
        m.run(&["new-window", "-d", "-n", "w2", "cat"]);
        for (t, text) in [
            ("main:0.0", "zero"),
            ("main:1.0", "one-left"),
            ("main:1.1", "one-right"),
            ("main:2.0", "two"),
        ] {
            m.run(&["send-keys", "-t", t, text, "Enter"]);
        }
    }
    for (t, text) in [
        ("main:0.0", "zero"),
        ("main:1.1", "one-right"),
        ("main:2.0", "two"),
    ] {
        p.wait_both(&["capture-pane", "-p", "-t", t], "the echoed text", |s| {
            s.matches(text).count() == 2
        });
    }
    p.status("the status line", |r| r.starts_with("[main] 0:w0*"))
        .await;
    p
}

#[tokio::test]
async fn choose_tree_sessions_expand_and_choose() {
    let mut p = three_windows().await;
    // C-b s: choose-tree -Zs, the session collapsed with a preview of its windows.
    p.send(b"\x02s").await;
    settle(&mut p, "the session list", |s| {
        s.starts_with("(0) + main: 3 windows (attached)") && s.contains(" main (sort: index) ")
    })
    .await;
    // Right expands the session; its windows are listed under it.
    p.send(b"\x1b[C").await;
    settle(&mut p, "the expanded session", |s| {
        s.starts_with("(0) - main: 3 windows (attached)") && s.contains("(3) └─>   2: w2")
    })
    .await;
    // Down twice: window 1, its panes in the preview.
    p.send(b"\x1b[B").await;
    settle(&mut p, "window 0 current", |s| {
        s.contains(" 0 (sort: index) ")
    })
    .await;
    p.send(b"\x1b[B").await;
    settle(&mut p, "window 1 current", |s| {
        s.contains(" 1 (sort: index) ")
    })
    .await;
    // Right expands window 1, Down twice reaches its second pane, Enter chooses it.
    p.send(b"\x1b[C").await;
    settle(&mut p, "window 1 expanded", |s| {
        s.contains("(3) │   ├─> 0: ")
    })
    .await;
    p.send(b"\x1b[B").await;
    settle(&mut p, "pane 1.0 current", |s| {
        s.contains(" 0 (sort: index) ")
    })
    .await;
    p.send(b"\x1b[B").await;
    settle(&mut p, "pane 1.1 current", |s| {
        s.contains(" 1 (sort: index) ")
    })
    .await;
    p.send(b"\r").await;
    p.status("window 1 shown", |r| r.contains("1:w1*")).await;
    p.run_both(&[
        "display",
        "-p",
        "-t",
        "main",
        "#{window_index}.#{pane_index}",
    ]);
    let rows = p.clients[0].rows();
    p.same_rows(0..rows, "after choosing");
}

#[tokio::test]
async fn choose_tree_windows_zooms_and_keys() {
    let mut p = three_windows().await;
    p.send(b"\x02n").await;
    p.status("window 1", |r| r.contains("1:w1*")).await;
    // C-b w on the split window: zoomed while the mode is on, the windows listed.
    p.send(b"\x02w").await;
    settle(&mut p, "the window list", |s| {
        s.starts_with("(0) - main: 3 windows (attached)") && s.contains(" 1 (sort: index) ")
    })
    .await;
    p.run_both(&[
        "display",
        "-p",
        "-t",
        "main",
        "#{window_zoomed_flag} #{pane_in_mode} #{pane_mode}",
    ]);
    // Up, Up: the session line; Down: window 0; the key (3) chooses window 2 at once.
    p.send(b"k").await;
    settle(&mut p, "window 0 current", |s| {
        s.contains(" 0 (sort: index) ")
    })
    .await;
    p.send(b"k").await;
    settle(&mut p, "the session current", |s| {
        s.contains(" main (sort: index) ")
    })
    .await;
    // v hides the preview, v shows it again.
    p.send(b"v").await;
    settle(&mut p, "no preview", |s| !s.contains("(sort: index)")).await;
    p.send(b"v").await;
    settle(&mut p, "the preview again", |s| {
        s.contains(" main (sort: index) ")
    })
    .await;
    p.send(b"3").await;
    p.status("window 2 shown", |r| r.contains("2:w2*")).await;
    p.run_both(&[
        "display",
        "-p",
        "-t",
        "main",
        "#{window_index}.#{pane_index} #{pane_in_mode}",
    ]);
    // The mode ended: window 1 is not zoomed any more.
    p.run_both(&["display", "-p", "-t", "main:1", "#{window_zoomed_flag}"]);
    let rows = p.clients[0].rows();
    p.same_rows(0..rows, "after choosing");
    // q leaves without choosing.
    p.send(b"\x02w").await;
    settle(&mut p, "the window list", |s| {
        s.contains(" 2 (sort: index) ")
    })
    .await;
    p.send(b"q").await;
    p.wait_both(
        &["display", "-p", "-t", "main", "#{pane_in_mode}"],
        "the mode gone",
        |s| s.trim() == "0",
    );
}

#[tokio::test]
async fn choose_buffer_pastes_into_a_pane() {
    let mut p = three_windows().await;
    for m in &p.muxes {
        m.run(&["set-buffer", "-b", "first", "alpha"]);
        m.run(&["set-buffer", "-b", "second", "beta\ngamma"]);
    }
    // Through the prompt with a fixed format (the default shows the creation time).
    p.open(b"\x02:", ":").await;
    p.send(b"choose-buffer -F '#{buffer_name}: #{buffer_sample}'\r")
        .await;
    settle(&mut p, "the buffer list", |s| {
        s.starts_with("(0) second: second: beta\\ngamma") && s.contains(" second (sort: time) ")
    })
    .await;
    p.send(b"j").await;
    settle(&mut p, "the first buffer", |s| {
        s.contains(" first (sort: time) ")
    })
    .await;
    p.send(b"\r").await;
    p.wait_both(
        &["capture-pane", "-p", "-t", "main:0.0"],
        "the paste",
        |s| s.contains("alpha"),
    );
    let a = p.muxes[0].run(&["capture-pane", "-p", "-t", "main:0.0"]);
    let b = p.muxes[1].run(&["capture-pane", "-p", "-t", "main:0.0"]);
    assert_eq!(b, a, "the pane after the paste");
    p.run_both(&["display", "-p", "-t", "main", "#{pane_in_mode}"]);
}

#[tokio::test]
async fn find_window_filters_by_name() {
    let mut p = three_windows().await;
    p.open(b"\x02f", "(find-window)").await;
    p.send(b"w2\r").await;
    settle(&mut p, "the matching window", |s| {
        s.starts_with("(0) - main: 3 windows (attached)") && s.contains("(filter: active)")
    })
    .await;
    // The current window does not match: the session line is current; Down reaches w2.
    p.send(b"j").await;
    settle(&mut p, "window 2 current", |s| {
        s.contains(" 2 (sort: index) ")
    })
    .await;
    p.send(b"\r").await;
    p.status("window 2 shown", |r| r.contains("2:w2*")).await;
    p.run_both(&[
        "display",
        "-p",
        "-t",
        "main",
        "#{window_index}.#{pane_index}",
    ]);
}

/// The mode's screen reaches the relay's viewers as the pane's content (tmate mirrors what
/// the pane shows), and the pane's own screen comes back when the mode ends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tree_mode_reaches_viewers() {
    use common::host_ok;
    use tmate_fixtures::relay::{ScriptedViewer, TestRelay, token_of};

    let relay = TestRelay::start().await;
    let mux = common::Mux::tmate().with_config(&relay.tmate_conf());
    host_ok(
        &mux,
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
            "23",
            "cat",
        ],
    );
    host_ok(&mux, &["wait", "tmate-ready"]);
    let ssh = host_ok(&mux, &["display", "-p", "#{tmate_ssh}"]);
    host_ok(&mux, &["send-keys", "-t", "main", "visible", "Enter"]);
    let mut viewer = ScriptedViewer::connect(relay.addr, &token_of(ssh.trim()), 80, 24).await;
    viewer
        .wait_text("the pane's text", |s| s.contains("visible"))
        .await;
    host_ok(&mux, &["new-window", "-d", "-n", "w1", "cat"]);
    host_ok(&mux, &["choose-tree", "-t", "main", "-s"]);
    viewer
        .wait_text("the tree", |s| {
            s.starts_with("(0) + main: 2 windows") && s.contains(" main (sort: index) ")
        })
        .await;
    // A viewer's keys reach the mode (tmate's PANE_KEY through `window_pane_key`): Right
    // expands the session.
    viewer.type_bytes(b"\x1b[C").await;
    viewer
        .wait_text("the session expanded by the viewer", |s| {
            s.starts_with("(0) - main: 2 windows") && s.contains("(2) └─> 1: w1")
        })
        .await;
    // A viewer's choice moves the session though no client of ours made it (tmate's tree
    // choices for viewers; a command client with no attached client gets tmux's error).
    viewer.type_bytes(b"\x1b[B\x1b[B\r").await;
    mux.wait_for(
        &[
            "display",
            "-p",
            "-t",
            "main",
            "#{window_index} #{pane_in_mode}",
        ],
        "the viewer's choice",
        |s| s == "1 0\n",
    );
    host_ok(&mux, &["kill-server"]);
}

#[tokio::test]
async fn choose_tree_tags_sorts_filters_kills_and_commands() {
    let mut p = three_windows().await;
    p.send(b"\x02w").await;
    settle(&mut p, "the window list", |s| {
        s.contains(" 0 (sort: index) ")
    })
    .await;
    // t tags window 0 (drawn bright with a `*`), C-t tags all, T none.
    p.send(b"t").await;
    settle(&mut p, "window 0 tagged, window 1 current", |s| {
        s.contains("0*: w0*") && s.contains(" 1 (sort: index) ")
    })
    .await;
    p.send(b"\x14").await;
    settle(&mut p, "all tagged", |s| s.contains("main*: ")).await;
    p.send(b"T").await;
    settle(&mut p, "none tagged", |s| !s.contains("main*: ")).await;
    // O: by name; r: reversed.
    p.send(b"O").await;
    settle(&mut p, "sorted by name", |s| s.contains("(sort: name)")).await;
    p.send(b"r").await;
    settle(&mut p, "reversed", |s| s.contains("(sort: name, reversed)")).await;
    p.send(b"rOO").await;
    settle(&mut p, "by index again", |s| s.contains(" (sort: index) ")).await;
    // f: a filter from the prompt (the current window 0 no longer shows: the session line
    // becomes current).
    p.open(b"f", "(filter)").await;
    p.send(b"#{==:#{window_name},w1}\r").await;
    settle(&mut p, "the filter", |s| {
        s.contains("(filter: active)") && !s.contains("2: w2")
    })
    .await;
    p.open(b"f", "(filter)").await;
    p.send(b"\x150\r").await;
    settle(&mut p, "no matches", |s| s.contains("(filter: no matches)")).await;
    // C-c cancels the prompt, which clears the filter as tmux's callback does.
    p.open(b"f", "(filter)").await;
    p.send(b"\x03").await;
    settle(&mut p, "no filter", |s| {
        !s.contains("(filter:") && s.contains("2: w2")
    })
    .await;
    // x on window 2 asks, y kills it.
    p.send(b"G").await;
    settle(&mut p, "window 2 current", |s| {
        s.contains(" 2 (sort: index) ")
    })
    .await;
    p.open(b"x", "Kill window 2?").await;
    p.send(b"y").await;
    settle(&mut p, "window 2 gone", |s| !s.contains("2: w2")).await;
    p.run_both(&[
        "list-windows",
        "-t",
        "main",
        "-F",
        "#{window_index}:#{window_name}",
    ]);
    // `:` runs a command for the current item.
    p.send(b"g").await;
    settle(&mut p, "the session current", |s| {
        s.contains(" main (sort: index) ")
    })
    .await;
    p.send(b"j").await;
    settle(&mut p, "window 0 current", |s| {
        s.contains(" 0 (sort: index) ")
    })
    .await;
    p.open(b":", "(current)").await;
    p.send(b"rename-window -t '%%' renamed\r").await;
    settle(&mut p, "the renamed window", |s| s.contains("0: renamed")).await;
    p.run_both(&[
        "list-windows",
        "-t",
        "main",
        "-F",
        "#{window_index}:#{window_name}",
    ]);
}

#[tokio::test]
async fn choose_client_lists_and_detaches() {
    let mut p = Pair::start(BASE_CONFIG, 80, 24, Some("cat")).await;
    for m in &p.muxes {
        m.run(&["send-keys", "-t", "main", "text", "Enter"]);
    }
    p.wait_both(&["capture-pane", "-p", "-t", "main"], "the echo", |s| {
        s.matches("text").count() == 2
    });
    p.open(b"\x02:", ":").await;
    p.send(b"choose-client -F 'session #{session_name}'\r")
        .await;
    for c in &mut p.clients {
        c.wait_text("the client list", |s| s.contains("(sort: name)"))
            .await;
    }
    // Each side's client is its own pty: the names differ and are masked, nothing else.
    let rows = p.clients[0].rows();
    let name = |c: &tmate_fixtures::pty_client::PtyClient| {
        let row = c.row(0);
        row.trim_start_matches("(0) ")
            .split(':')
            .next()
            .unwrap()
            .to_string()
    };
    let names = [name(&p.clients[0]), name(&p.clients[1])];
    assert!(names[0].starts_with("/dev/pts/"), "{names:?}");
    // The names can differ in length (`/dev/pts/9`, `/dev/pts/10`): rows naming the client
    // are compared without the blanks and box lines the length shifts.
    let mask = |row: String, name: &str| {
        if row.contains(name) {
            row.replace(name, "TTY").replace([' ', '─'], "")
        } else {
            row
        }
    };
    for row in 0..rows {
        let a = mask(p.clients[0].styled_row(row), &names[0]);
        let b = mask(p.clients[1].styled_row(row), &names[1]);
        assert_eq!(b, a, "row {row} differs (left tmate, right tmux)");
    }
    // Enter detaches the chosen client (itself here).
    p.send(b"\r").await;
    for c in &mut p.clients {
        let out = c.wait_exit().await;
        assert!(out.contains("[detached"), "{out}");
    }
}

/// Twelve windows: M-a chooses the eleventh line, the session preview scrolls with `<`/`>`
/// arrows at its sides, paging and M-+/M-- move and expand as in tmux.
#[tokio::test]
async fn choose_tree_many_windows_keys_and_scrolled_previews() {
    let mut p = Pair::start(BASE_CONFIG, 80, 24, Some("cat")).await;
    for m in &p.muxes {
        for n in 1..12 {
            m.run(&["new-window", "-d", "-n", &format!("w{n}"), "cat"]);
        }
    }
    p.status("the status line", |r| r.contains("10:w10  11:"))
        .await;
    p.send(b"\x02w").await;
    settle(&mut p, "twelve windows", |s| s.contains("(M-a) ├─> 9: w9")).await;
    // PageDown, End, Home, PageUp.
    p.send(b"\x1b[6~").await;
    settle(&mut p, "a page down", |s| s.contains(" 11 (sort: index) ")).await;
    p.send(b"g").await;
    settle(&mut p, "the top", |s| s.contains(" main (sort: index) ")).await;
    // The session's preview shows three windows with an arrow to the right; > scrolls.
    p.send(b">").await;
    settle(&mut p, "scrolled right", |s| {
        s.contains(" 1:w1 ") && s.contains("<")
    })
    .await;
    p.send(b"<").await;
    settle(&mut p, "scrolled back", |s| s.contains(" 0:w0 ")).await;
    // M-- collapses every session, M-+ expands them.
    p.send(b"\x1b-").await;
    settle(&mut p, "collapsed", |s| s.starts_with("(0) + main")).await;
    p.send(b"\x1b+").await;
    settle(&mut p, "expanded", |s| s.starts_with("(0)   - main")).await;
    // M-a is the eleventh line: window 9.
    p.send(b"\x1ba").await;
    p.status("window 9 shown", |r| r.contains("9:w9*")).await;
    p.run_both(&[
        "display",
        "-p",
        "-t",
        "main",
        "#{window_index} #{pane_in_mode}",
    ]);
}

/// choose-tree without -s/-w: everything expanded, the pane current; `/` searches names, `H`
/// goes back to the mode's own pane; d deletes buffers in choose-buffer until none are left.
#[tokio::test]
async fn choose_tree_panes_search_home_and_buffer_delete() {
    let mut p = three_windows().await;
    p.send(b"\x02n").await;
    p.status("window 1", |r| r.contains("1:w1*")).await;
    p.open(b"\x02:", ":").await;
    // A fixed format: the panes' commands are `sh -c cat` in one and `cat` in the other.
    p.send(b"choose-tree -F '#{?pane_format,pane #{pane_index},#{?window_format,#{window_name},#{session_name}}}'\r").await;
    settle(&mut p, "the whole tree", |s| {
        s.contains("│   └─> 1: pane 1") && s.contains(" 0 (sort: index) ")
    })
    .await;
    p.open(b"/", "(search)").await;
    p.send(b"w2\r").await;
    settle(&mut p, "window 2 found", |s| {
        s.contains(" 2 (sort: index) ")
    })
    .await;
    p.send(b"H").await;
    settle(&mut p, "home again", |s| s.contains(" 0 (sort: index) ")).await;
    p.send(b"q").await;
    for m in &p.muxes {
        m.wait_for(
            &["display", "-p", "-t", "main", "#{pane_in_mode}"],
            "no mode",
            |s| s.trim() == "0",
        );
        m.run(&["set-buffer", "-b", "one", "1"]);
        m.run(&["set-buffer", "-b", "two", "2"]);
    }
    p.open(b"\x02:", ":").await;
    p.send(b"choose-buffer -F '#{buffer_size}'\r").await;
    settle(&mut p, "two buffers", |s| s.contains("(1) one: 1")).await;
    p.send(b"d").await;
    settle(&mut p, "one buffer", |s| !s.contains("(1) one: 1")).await;
    p.run_both(&["list-buffers", "-F", "#{buffer_name}"]);
    p.send(b"d").await;
    p.wait_both(
        &["display", "-p", "-t", "main", "#{pane_in_mode}"],
        "no mode",
        |s| s.trim() == "0",
    );
    p.run_both(&["list-buffers", "-F", "#{buffer_name}"]);
}

/// With `mouse on`, a click on a line makes it current; the wheel does nothing (tmux 3.3a's
/// mode tree returns before its wheel cases for mouse keys).
#[tokio::test]
async fn choose_tree_mouse_clicks_and_wheel() {
    let mut p = three_windows().await;
    for m in &p.muxes {
        m.run(&["set", "-g", "mouse", "on"]);
    }
    p.send(b"\x02w").await;
    settle(&mut p, "the window list", |s| {
        s.contains(" 0 (sort: index) ")
    })
    .await;
    // A click on the fourth line (window 2), SGR reports as xterm sends them.
    p.send(b"\x1b[<0;10;4M\x1b[<0;10;4m").await;
    settle(&mut p, "window 2 clicked", |s| {
        s.contains(" 2 (sort: index) ")
    })
    .await;
    // Wheel up, then j: from the last line j wraps to the session line.
    p.send(b"\x1b[<64;10;4M").await;
    p.send(b"j").await;
    settle(&mut p, "the wheel ignored", |s| {
        s.contains(" main (sort: index) ")
    })
    .await;
}

/// A double click on a line chooses it (tmux's mode tree turns DoubleClick1Pane, which the
/// root table's `send-keys -M` hands it, into Enter).
#[tokio::test]
async fn choose_tree_double_click_chooses() {
    let mut p = three_windows().await;
    for m in &p.muxes {
        m.run(&["set", "-g", "mouse", "on"]);
    }
    p.send(b"\x02w").await;
    settle(&mut p, "the window list", |s| {
        s.contains(" 0 (sort: index) ")
    })
    .await;
    // Two clicks on the fourth line (window 2) within the click time.
    p.send(b"\x1b[<0;10;4M\x1b[<0;10;4m\x1b[<0;10;4M\x1b[<0;10;4m")
        .await;
    p.status("window 2 shown", |r| r.contains("2:w2*")).await;
    p.wait_both(
        &["display", "-p", "-t", "main", "#{pane_in_mode}"],
        "the mode gone",
        |s| s.trim() == "0",
    );
    p.run_both(&[
        "display",
        "-p",
        "-t",
        "main",
        "#{window_index}.#{pane_index} #{pane_in_mode}",
    ]);
}

/// choose-tree from `C-b w` with the default bindings: tmux 3.3a's MouseDown3Pane passes a
/// right click on a pane in a mode other than copy or view mode to the mode (`send -M`).
async fn tree_with_right_button() -> Pair {
    let mut p = three_windows().await;
    for m in &p.muxes {
        m.run(&["set", "-g", "mouse", "on"]);
    }
    p.send(b"\x02w").await;
    settle(&mut p, "the window list", |s| {
        s.contains(" 0 (sort: index) ")
    })
    .await;
    p
}

/// The right-button menu on a line (tmux `mode_tree_display_menu`): the mode's items under
/// the item's name, centred on the mouse; an item's key runs it on that line.
#[tokio::test]
async fn choose_tree_right_button_menu_on_a_line() {
    let mut p = tree_with_right_button().await;
    let rows = p.clients[0].rows();
    // A right click on the fourth line (window 2).
    p.send(b"\x1b[<2;10;4M\x1b[<2;10;4m").await;
    settle(&mut p, "the menu on window 2", |s| {
        s.contains("Kill Tagged") && s.contains("┌────────2────────┐")
    })
    .await;
    // Its Mark item by its key: window 2 marked, the menu gone.
    p.send(b"m").await;
    for c in &mut p.clients {
        c.wait_text("window 2 marked", |s| {
            s.contains("2: w2M") && !s.contains("Kill Tagged")
        })
        .await;
    }
    p.same_rows(0..rows - 1, "window 2 marked");
    p.run_both(&[
        "list-panes",
        "-s",
        "-t",
        "main",
        "-F",
        "#{window_index}.#{pane_index} #{pane_marked}",
    ]);
}

/// The right-button menu outside the list (in the preview): the scroll items without a
/// title; its Cancel leaves the mode.
#[tokio::test]
async fn choose_tree_right_button_menu_outside() {
    let mut p = tree_with_right_button().await;
    p.send(b"\x1b[<2;30;16M\x1b[<2;30;16m").await;
    settle(&mut p, "the outside menu", |s| s.contains("Scroll Right")).await;
    p.send(b"q").await;
    p.wait_both(
        &["display", "-p", "-t", "main", "#{pane_in_mode}"],
        "the mode gone",
        |s| s.trim() == "0",
    );
}

/// A click on a window in the session's preview chooses it (tmux `window_tree_mouse`). The
/// first click of the client: a second one soon after an earlier click is a SecondClick for
/// tmux, which the tree ignores.
#[tokio::test]
async fn choose_tree_preview_click_chooses() {
    let mut p = three_windows().await;
    for m in &p.muxes {
        m.run(&["set", "-g", "mouse", "on"]);
    }
    p.send(b"\x02w").await;
    settle(&mut p, "the window list", |s| {
        s.contains(" 0 (sort: index) ")
    })
    .await;
    p.send(b"j").await;
    settle(&mut p, "window 1 current", |s| {
        s.contains(" 1 (sort: index) ")
    })
    .await;
    // Expanded first: a click on a collapsed item's preview ends the mode without choosing.
    p.send(b"\x1b[C").await;
    settle(&mut p, "window 1 expanded", |s| s.contains("├─> - 1: w1")).await;
    // The right pane of window 1's preview.
    p.send(b"\x1b[<0;60;16M\x1b[<0;60;16m").await;
    p.status("window 1 shown", |r| r.contains("1:w1*")).await;
    p.run_both(&[
        "display",
        "-p",
        "-t",
        "main",
        "#{window_index}.#{pane_index} #{pane_in_mode}",
    ]);
}

/// Until the clock is not in the last ten seconds of a minute, so two `%H:%M` times taken a
/// moment apart (tmux's and ours) are the same minute.
fn away_from_minute_end() {
    let deadline = std::time::Instant::now() + tmate_fixtures::DEADLINE;
    loop {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        if secs % 60 < 50 {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the clock did not move"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// `C-b =` with the default format (the buffers' creation times and samples); P pastes the
/// tagged buffers in order.
#[tokio::test]
async fn choose_buffer_default_binding_and_tagged_paste() {
    let mut p = three_windows().await;
    away_from_minute_end();
    for m in &p.muxes {
        m.run(&["set-buffer", "-b", "a", "AAA"]);
        m.run(&["set-buffer", "-b", "b", "BBB"]);
        m.run(&["set-buffer", "-b", "c", "CCC"]);
    }
    p.send(b"\x02=").await;
    settle(&mut p, "the buffers", |s| {
        s.contains(": AAA") && s.contains(" c (sort: time) ")
    })
    .await;
    // Tag c and a (t moves down), then P pastes both.
    p.send(b"tjt").await;
    settle(&mut p, "two tagged", |s| s.contains("(2) a*: ")).await;
    p.send(b"P").await;
    p.wait_both(
        &["capture-pane", "-p", "-t", "main:0.0"],
        "the pastes",
        |s| s.contains("CCCAAA"),
    );
    let a = p.muxes[0].run(&["capture-pane", "-p", "-t", "main:0.0"]);
    let b = p.muxes[1].run(&["capture-pane", "-p", "-t", "main:0.0"]);
    assert_eq!(b, a, "the pane after the pastes");
}

/// `-K`: the choice keys from a format with `#{line}`; the first line's key chooses it.
#[tokio::test]
async fn choose_tree_key_format() {
    let mut p = three_windows().await;
    p.open(b"\x02:", ":").await;
    p.send(b"choose-tree -w -K '#{?#{e|<:#{line},2},#{a:#{e|+:120,#{line}}},}'\r")
        .await;
    settle(&mut p, "x and y keys", |s| {
        s.starts_with("(x) - main") && s.contains("(y) ├─>")
    })
    .await;
    p.send(b"y").await;
    p.wait_both(
        &["display", "-p", "-t", "main", "#{pane_in_mode}"],
        "the mode ended",
        |s| s.trim() == "0",
    );
    p.run_both(&[
        "display",
        "-p",
        "-t",
        "main",
        "#{window_index}.#{pane_index}",
    ]);
}

/// tmate 2.4's choose-window (its `C-b w` for relay viewers) opens the tree at the windows.
#[test]
fn tmate_choose_window_opens_the_window_tree() {
    let mux = common::Mux::tmate();
    common::host_ok(
        &mux,
        &[
            "new-session",
            "-d",
            "-s",
            "main",
            "-x",
            "80",
            "-y",
            "24",
            "cat",
        ],
    );
    mux.run(&["new-window", "-d", "-n", "w1", "cat"]);
    mux.run(&["choose-window", "-t", "main"]);
    assert_eq!(
        mux.run(&["display", "-p", "-t", "main", "#{pane_mode}"]),
        "tree-mode\n"
    );
    // Chosen with no client (a command client's keys): tmux's error, the window unchanged.
    mux.run(&["send-keys", "-t", "main", "Down", "Enter"]);
    assert_eq!(
        mux.run(&["display", "-p", "-t", "main", "#{window_index}"]),
        "0\n"
    );
}

/// find-window -C matches pane contents: only the matching pane of a split window is listed;
/// -N -i matches names ignoring case.
#[tokio::test]
async fn find_window_contents_and_names_ignoring_case() {
    let mut p = three_windows().await;
    p.open(b"\x02:", ":").await;
    p.send(b"find-window -C one-right\r").await;
    settle(&mut p, "the matching pane", |s| {
        s.contains("(filter: active)") && s.contains("└─> 1: ")
    })
    .await;
    p.send(b"q").await;
    p.wait_both(
        &["display", "-p", "-t", "main", "#{pane_in_mode}"],
        "the mode gone",
        |s| s.trim() == "0",
    );
    p.open(b"\x02:", ":").await;
    p.send(b"find-window -Ni W2\r").await;
    settle(&mut p, "the matching window", |s| {
        s.contains("(filter: active)") && s.contains("2: w2") && !s.contains("0: w0")
    })
    .await;
}

/// Entering and leaving a tree mode raise pane-mode-changed, as tmux's
/// `window_pane_set_mode` and `window_pane_reset_mode` do.
#[tokio::test]
async fn tree_mode_raises_pane_mode_changed() {
    let mut p = three_windows().await;
    for m in &p.muxes {
        m.run(&["set-hook", "-g", "pane-mode-changed", "set -ga @changes x"]);
    }
    p.send(b"\x02s").await;
    settle(&mut p, "the tree", |s| s.contains(" main (sort: index) ")).await;
    p.run_both(&["show", "-gv", "@changes"]);
    p.send(b"q").await;
    p.wait_both(
        &["display", "-p", "-t", "main", "#{pane_in_mode}"],
        "the mode gone",
        |s| s.trim() == "0",
    );
    p.wait_both(&["show", "-gv", "@changes"], "the second change", |s| {
        s.trim() == "xx"
    });
    p.run_both(&["show", "-gv", "@changes"]);
}

/// Copy mode over a tree mode stacks as tmux 3.3a's modes do: the client shows copy mode
/// over the pane's own screen (the tree's zoom kept), and leaving it shows the tree again
/// with its selection and expansion.
#[tokio::test]
async fn copy_mode_over_choose_tree_and_back() {
    let mut p = three_windows().await;
    p.send(b"\x02w").await;
    settle(&mut p, "the tree", |s| s.contains(" 0 (sort: index) ")).await;
    // Down to window 1 and expand it: its panes show.
    p.send(b"j").await;
    settle(&mut p, "window 1", |s| s.contains(" 1 (sort: index) ")).await;
    p.send(b"\x1b[C").await;
    settle(&mut p, "window 1 expanded", |s| s.contains("- 1: w1")).await;
    let mode = [
        "display",
        "-p",
        "-t",
        "main",
        "#{pane_in_mode} #{pane_mode}",
    ];
    p.run_both(&["copy-mode", "-t", "main"]);
    p.same_screens_when("copy mode over the tree", |s| {
        s.contains("[0/") && !s.contains("(sort: ")
    })
    .await;
    assert_eq!(p.run_both(&mode), "2 copy-mode\n");
    p.send(b"q").await;
    settle(&mut p, "the tree again", |s| {
        s.contains(" 1 (sort: index) ") && s.contains("- 1: w1") && !s.contains("[0/")
    })
    .await;
    assert_eq!(p.run_both(&mode), "1 tree-mode\n");
    // The tree still works: Enter chooses the line it was on.
    p.send(b"\r").await;
    p.status("window 1", |r| r.contains("1:w1*")).await;
}

/// Whether a border cell near the middle column of `row` is drawn in reverse video (the
/// marked pane's border).
fn border_reversed(s: &vt100::Screen, row: u16) -> bool {
    (37..43).any(|col| {
        s.cell(row, col)
            .is_some_and(|c| c.inverse() && matches!(c.contents(), "│" | "|" | "x"))
    })
}

/// The marked pane as tmux 3.3a draws it: `select-pane -m` reverses its borders (of two
/// panes side by side, each owns half the line between them) and puts `M` in the window's
/// flags; choose-tree shows the marked window in reverse with its `M`, `M` clears the mark and
/// `m` marks the current item's pane.
#[tokio::test]
async fn marked_pane_borders_and_choose_tree_marks() {
    let mut p = three_windows().await;
    p.send(b"\x02n").await;
    p.status("window 1", |r| r.contains("1:w1*")).await;
    let rows = p.clients[0].rows();
    for m in &p.muxes {
        m.run(&["select-pane", "-m", "-t", "main:1.1"]);
    }
    p.status("the M flag", |r| r.contains("1:w1*M")).await;
    for c in &mut p.clients {
        c.wait_screen("the right pane's half reversed", |s| {
            border_reversed(s, rows - 3)
        })
        .await;
    }
    p.same_rows(0..rows, "the right pane marked");
    for m in &p.muxes {
        m.run(&["select-pane", "-m", "-t", "main:1.0"]);
    }
    for c in &mut p.clients {
        c.wait_screen("the left pane's half reversed", |s| {
            border_reversed(s, 0) && !border_reversed(s, rows - 3)
        })
        .await;
    }
    p.same_rows(0..rows, "the left pane marked");
    // The tree: the marked window in reverse with its M.
    p.send(b"\x02w").await;
    settle(&mut p, "the window list", |s| {
        s.contains("w1*MZ") && s.contains(" 1 (sort: index) ")
    })
    .await;
    p.send(b"M").await;
    settle(&mut p, "the mark cleared", |s| {
        s.contains("1: w1*Z") && !s.contains("w1*MZ")
    })
    .await;
    // Up to window 0, m marks its active pane.
    p.send(b"k").await;
    settle(&mut p, "window 0 current", |s| {
        s.contains(" 0 (sort: index) ")
    })
    .await;
    p.send(b"m").await;
    // tmux does not redraw its status line for this mark (it shows the `M` at its next
    // redraw); ours does at once, so the rows above it are compared.
    for c in &mut p.clients {
        c.wait_text("window 0 marked", |s| {
            s.contains("0: w0-M") && s.lines().any(|l| l.starts_with("└─") && l.contains("─┘"))
        })
        .await;
    }
    p.same_rows(0..rows - 1, "window 0 marked");
    p.send(b"q").await;
    p.wait_both(
        &["display", "-p", "-t", "main", "#{pane_in_mode}"],
        "the mode gone",
        |s| s.trim() == "0",
    );
    p.run_both(&[
        "list-panes",
        "-s",
        "-t",
        "main",
        "-F",
        "#{window_index}.#{pane_index} #{pane_marked} #{pane_marked_set} #{window_marked_flag}",
    ]);
}

/// choose-tree's `time` order (`-O time`, and `O` back to it) against tmux 3.3a's: sessions by
/// their last activity (made, attached, a key typed), newest first; windows by theirs (made,
/// output, made current), newest first; panes by when each was last made active, earliest
/// first. Sessions and windows are made in an order the index and name orders do not give.
#[tokio::test]
async fn choose_tree_time_order_as_tmux() {
    let mut p = Pair::start(BASE_CONFIG, 80, 40, Some("cat")).await;
    p.status("the status line", |r| r.starts_with("[main] 0:w0*"))
        .await;
    for m in &p.muxes {
        m.run(&["new-window", "-d", "-n", "a", "cat"]);
        m.run(&["new-window", "-d", "-n", "b", "cat"]);
        m.run(&["split-window", "-d", "-t", "main:1", "cat"]);
        m.run(&["select-pane", "-t", "main:1.1"]);
        m.run(&["select-pane", "-t", "main:1.0"]);
        m.run(&["new-session", "-d", "-s", "zz", "-n", "z0", "cat"]);
        m.run(&["new-session", "-d", "-s", "aa", "-n", "a0", "cat"]);
        m.run(&[
            "choose-tree",
            "-t",
            "main:0",
            "-O",
            "time",
            "-F",
            "#{?pane_format,pane #{pane_index},#{?window_format,#{window_name},#{session_name}}}",
        ]);
    }
    // Newest first: aa, zz, then main (attached before they were made).
    settle(&mut p, "the tree by time", |s| {
        s.contains("(sort: time)") && s.find("aa").is_some_and(|a| s.find("zz") > Some(a))
    })
    .await;
    // O cycles index, name, time: main's typed keys make it the newest session.
    p.send(b"O").await;
    settle(&mut p, "by index", |s| s.contains("(sort: index)")).await;
    p.send(b"O").await;
    settle(&mut p, "by name", |s| s.contains("(sort: name)")).await;
    p.send(b"O").await;
    settle(&mut p, "by time again", |s| s.contains("(sort: time)")).await;
    // Window 2 made current, then window 0 again: 2 is newer than 1.
    for m in &p.muxes {
        m.run(&["select-window", "-t", "main:2"]);
        m.run(&["select-window", "-t", "main:0"]);
    }
    p.send(b"r").await;
    settle(&mut p, "by time, reversed", |s| {
        s.contains("(sort: time, reversed)")
    })
    .await;
}

/// choose-buffer's `e`: the `editor` (here a `sed` that changes the first `a` of each line)
/// runs on the current buffer's text in a popup, which closes when it exits; the buffer then
/// holds the edited text, in the list and for show-buffer, as in tmux 3.3a.
#[tokio::test]
async fn choose_buffer_e_edits_in_the_editor() {
    let config = format!("{BASE_CONFIG}set -s editor 'sed -i s/a/b/'\n");
    let mut p = Pair::start(&config, 80, 24, Some("cat")).await;
    p.status("the status line", |r| r.starts_with("[main] 0:w0*"))
        .await;
    for m in &p.muxes {
        m.run(&["set-buffer", "-b", "mine", "banana\nand a"]);
        m.run(&["set-buffer", "-b", "other", "aaa"]);
    }
    p.open(b"\x02:", ":").await;
    p.send(b"choose-buffer -F '#{buffer_sample}'\r").await;
    settle(&mut p, "two buffers", |s| {
        s.contains("(1) mine: banana") && s.contains(" other (sort: time) ")
    })
    .await;
    p.send(b"j").await;
    settle(&mut p, "mine current", |s| {
        s.contains(" mine (sort: time) ")
    })
    .await;
    p.send(b"e").await;
    for m in &p.muxes {
        m.wait_for(&["show-buffer", "-b", "mine"], "the edited buffer", |s| {
            s != "banana\nand a"
        });
    }
    assert_eq!(p.run_both(&["show-buffer", "-b", "mine"]), "bbnana\nbnd a");
    p.run_both(&["show-buffer", "-b", "other"]);
    settle(&mut p, "the edited sample", |s| {
        s.contains("(1) mine: bbnana")
    })
    .await;
}

/// choose-client's `size`, `creation` and `activity` orders against tmux 3.3a's: two clients
/// of different sizes, the second attached last, then the first typing a key. The clients'
/// names are their ptys (different for tmux and us), so the lines are compared by the size
/// the format shows.
#[tokio::test]
async fn choose_client_orders_as_tmux() {
    let mut p = Pair::start(BASE_CONFIG, 80, 24, Some("cat")).await;
    p.status("the status line", |r| r.starts_with("[main] 0:w0*"))
        .await;
    let mut seconds = Vec::new();
    for m in &p.muxes {
        let mut c = m.attach_client(100, 30);
        c.wait_for("the second client's frame", |c| {
            c.is_raw() && c.last_row().starts_with("[main]")
        })
        .await;
        seconds.push(c);
    }
    // The sizes the list shows, in its order, from the first client's screen.
    let order = |c: &tmate_fixtures::pty_client::PtyClient| -> Vec<String> {
        (0..c.rows())
            .map(|r| c.row(r))
            .filter(|l| l.starts_with('('))
            .filter_map(|l| l.split(": ").nth(1).map(|s| s.trim().to_string()))
            .collect()
    };
    let mut shown = Vec::new();
    for sort in ["size", "creation"] {
        for m in &p.muxes {
            m.run(&[
                "choose-client",
                "-t",
                "main",
                "-O",
                sort,
                "-F",
                "#{client_width}x#{client_height}",
            ]);
        }
        let mut both = Vec::new();
        for c in &mut p.clients {
            let want = format!("(sort: {sort})");
            c.wait_text("the client list", |s| {
                s.contains(&want) && s.matches("x").count() >= 2
            })
            .await;
            both.push(order(c));
        }
        assert_eq!(
            both[1], both[0],
            "{sort}: tmate (left) differs from tmux (right)"
        );
        shown.push(both.swap_remove(0));
        for m in &p.muxes {
            m.run(&["send-keys", "-t", "main", "q"]);
        }
    }
    assert_eq!(shown[0], ["80x24", "100x30"], "{shown:?}");
    assert_eq!(shown[1], ["100x30", "80x24"], "{shown:?}");
    drop(seconds);
}
