//! The same command sequences against tmux 3.3a and tmate: pane geometry after splits and
//! kills (`list-panes -F`), `display -p` formats, and `capture-pane -p` after `send-keys`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test stops on what it did not expect"
)]

mod common;

use common::{Mux, compare, compare_outcomes};

const GEOMETRY: &str =
    "#{pane_index} #{pane_left},#{pane_top} #{pane_width}x#{pane_height} #{?pane_active,active,-}";

#[test]
fn split_geometry_matches_tmux() {
    let lsp: &[&str] = &["list-panes", "-F", GEOMETRY];
    compare(&[
        &["new-session", "-d", "-x", "81", "-y", "25"],
        lsp,
        &["split-window", "-h"],
        lsp,
        &["split-window", "-v"],
        lsp,
        &["split-window", "-v"],
        lsp,
        &["select-pane", "-t", "0"],
        &["split-window", "-h"],
        lsp,
        &["split-window", "-v", "-t", ":.3"],
        lsp,
        &["kill-pane", "-t", ":.2"],
        lsp,
        &["kill-pane", "-t", ":.0"],
        lsp,
        &["select-pane", "-L"],
        lsp,
        &["select-pane", "-U"],
        lsp,
    ]);
}

#[test]
fn formats_match_tmux() {
    let fmt = "#{session_name} #{window_index} #{pane_index} #{pane_width}x#{pane_height} \
               #{window_width}x#{window_height} #{?pane_active,yes,no} #{pane_id} #{window_id} \
               #{session_id} #{window_panes} #{?#{==:#{window_index},1},one,other} ##\
               #{session_attached} #{?session_attached, (attached),}";
    let display: &[&str] = &["display", "-p", fmt];
    compare(&[
        // Named: tmux 3.3a's automatic name is "tmux" until its child has exec'd the shell (a race).
        &[
            "new-session",
            "-d",
            "-s",
            "work",
            "-n",
            "first",
            "-x",
            "100",
            "-y",
            "30",
        ],
        display,
        &["new-window", "-n", "second"],
        display,
        &["display", "-p", "#{window_name}"],
        &["split-window", "-h"],
        display,
        &["select-window", "-t", "work:0"],
        display,
        &["rename-window", "-t", "@1", "renamed"],
        &[
            "list-windows",
            "-F",
            "#{window_index} #{window_name} #{window_id} #{window_flags}",
        ],
        &["display", "-p", "-t", "%2", fmt],
        &["display", "-p", "-t", "work:1.0", fmt],
        &["next-window"],
        display,
        &["kill-window", "-t", ":1"],
        display,
        &[
            "list-panes",
            "-a",
            "-F",
            "#{session_name}:#{window_index}.#{pane_index} #{pane_id}",
        ],
    ]);
}

#[test]
fn capture_after_send_keys_matches_tmux() {
    let run = |m: &Mux| {
        // One line at a time, each waited for: the terminal's echo and cat's copy of a line
        // interleave with the next keys otherwise, in whatever order the scheduler picks.
        m.run(&["new-session", "-d", "-x", "40", "-y", "8", "cat"]);
        m.run(&["send-keys", "hello", "Space", "world", "Enter"]);
        m.wait_for(&["capture-pane", "-p"], "the first line twice", |s| {
            s.matches("hello world").count() == 2
        });
        m.run(&["send-keys", "-l", "C-a literal"]);
        m.run(&["send-keys", "Enter"]);
        m.wait_for(&["capture-pane", "-p"], "the literal line twice", |s| {
            s.matches("C-a literal").count() == 2
        });
        m.run(&["send-keys", "tab", "Tab", "x", "Enter"]);
        m.wait_for(&["capture-pane", "-p"], "all lines echoed", |s| {
            s.matches('x').count() == 2
        })
    };
    let (a, b) = (Mux::tmux(), Mux::tmate());
    assert_eq!(run(&b), run(&a));
}

#[test]
fn unknown_command_and_missing_server_like_tmux() {
    let (a, b) = (Mux::tmux(), Mux::tmate());
    for m in [&a, &b] {
        m.run(&["new-session", "-d"]);
        let out = m.run_output(&["frobnicate"]);
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "unknown command: frobnicate\n"
        );
        m.run(&["kill-server"]);
        let out = m.run_output(&["list-windows"]);
        assert_eq!(out.status.code(), Some(1));
    }
}

/// The shared command table's words: usage errors, ambiguous prefixes, `start-server`, and a
/// word ending in `;` separating commands, each exactly as tmux 3.3a answers.
#[test]
fn command_errors_and_separators_like_tmux() {
    let (a, b) = (Mux::tmux(), Mux::tmate());
    let answers = |m: &Mux| {
        let mut seen = Vec::new();
        let out = m.run_output(&["start-server"]);
        seen.push((
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        ));
        // With no session the server exits at once (exit-empty); a command sent while it is
        // exiting gets "server exited unexpectedly", so wait until it is gone.
        let deadline = std::time::Instant::now() + common::DEADLINE;
        loop {
            let ls = m.run_output(&["ls"]);
            let said = String::from_utf8_lossy(&ls.stderr);
            if said.contains("no server running") || said.contains("error connecting") {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the server did not exit: {said}"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        m.run(&["new-session", "-d;", "rename-window", "renamed"]);
        for argv in [
            &["sel"][..],
            &["rename-window", "a", "b"],
            &["select-pane", "-Q"],
            &["kill-server", "now"],
            &["display-message", "-p", "#W"],
        ] {
            let out = m.run_output(argv);
            seen.push((
                out.status.code(),
                String::from_utf8_lossy(&out.stderr).into_owned()
                    + &String::from_utf8_lossy(&out.stdout),
            ));
        }
        m.run(&["kill-server"]);
        seen
    };
    let tmux = answers(&a);
    assert!(
        tmux.iter().any(|(_, said)| said.contains("renamed")),
        "{tmux:?}"
    );
    assert_eq!(answers(&b), tmux);
}

#[test]
fn server_exits_with_last_session() {
    let m = Mux::tmate();
    m.run(&["new-session", "-d", "-s", "a"]);
    m.run(&["new-session", "-d", "-s", "b"]);
    m.run(&["kill-session", "-t", "a"]);
    assert_eq!(m.run(&["list-sessions", "-F", "#{session_name}"]), "b\n");
    m.run(&["kill-session", "-t", "b"]);
    let sock = m.dir.path().join("s");
    let deadline = std::time::Instant::now() + common::DEADLINE;
    while sock.exists() {
        assert!(std::time::Instant::now() < deadline, "server did not exit");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn resize_zoom_and_layouts_match_tmux() {
    let fmt = format!("{GEOMETRY} #{{window_zoomed_flag}} #{{window_flags}}");
    let lsp: &[&str] = &["list-panes", "-F", &fmt];
    compare(&[
        &["new-session", "-d", "-x", "81", "-y", "25"],
        &["split-window", "-h"],
        &["split-window", "-v"],
        lsp,
        &["resize-pane", "-Z"],
        lsp,
        &["resize-pane", "-Z"],
        lsp,
        &["resize-pane", "-L", "5"],
        lsp,
        &["resize-pane", "-t", ":.0", "-R", "3"],
        lsp,
        &["resize-pane", "-U", "2"],
        lsp,
        &["resize-pane", "-t", ":.2", "-D", "4"],
        lsp,
        &["resize-pane", "-t", ":.1", "-R", "100"],
        lsp,
        &["select-layout", "even-horizontal"],
        lsp,
        &["select-layout", "even-vertical"],
        lsp,
        &["split-window", "-h"],
        &["select-layout", "even-horizontal"],
        lsp,
        &["last-pane"],
        lsp,
        &["select-pane", "-t", ":.0"],
        &["resize-pane", "-Z"],
        lsp,
        &["select-pane", "-t", ":.1"],
        lsp,
        &["resize-pane", "-Z"],
        &["split-window", "-v"],
        lsp,
    ]);
}

/// set-environment and show-environment as tmux 3.3a: global and session variables, removed
/// (`-r`) and hidden (`-h`) ones, `-s` shell lines, `-F`, `-u`, every error with its words and
/// status; and what a new pane's process gets (session over global, removed and hidden left
/// out).
#[test]
fn environment_commands_and_pane_environment_match_tmux() {
    let steps: &[&[&str]] = &[
        &["new-session", "-d", "-s", "env"],
        &["set-environment", "-g", "FOO", "bar"],
        &["setenv", "-g", "SHOWN", "a \"b\" $c"],
        &["setenv", "-r", "GONE"],
        &["setenv", "-h", "HID", "x"],
        &["setenv", "LOCAL", "session"],
        &["setenv", "FOO", "session-foo"],
        &["showenv", "-g", "FOO"],
        &["showenv", "GONE"],
        &["showenv", "-s", "GONE"],
        &["showenv", "-gs", "SHOWN"],
        &["showenv", "HID"],
        &["showenv", "-h"],
        &["showenv", "-t", "env", "LOCAL"],
        // Formats fall back to the environment (session, then global; hidden ones too).
        &[
            "display",
            "-p",
            "#{FOO}|#{HID}|#{GONE}|#{LOCAL}|#{nonesuch}",
        ],
        &["setenv", "-g"],
        &["setenv", "-gu", "NOPE"],
        &["showenv", "-g", "NOPE"],
        &["setenv", "-g", "A"],
        &["setenv", "-Fg", "X", "#{session_name}"],
        &["showenv", "-g", "X"],
        &["setenv", "-g", "B=C", "v"],
        &["setenv", "-g", "", "v"],
        &["showenv", "-g", "Q", "W"],
        &["setenv", "-gr", "FOO", "v"],
        &["setenv", "-gu", "X"],
        &["showenv", "-g", "X"],
        &["showenv", "-t", "nosuch"],
        &["setenv", "-t", "nosuch", "A", "b"],
    ];
    let mut seen = Vec::new();
    for m in [Mux::tmux(), Mux::tmate()] {
        let mut outputs = Vec::new();
        for step in steps {
            let out = m.run_output(step);
            outputs.push((
                step.to_vec(),
                String::from_utf8_lossy(&out.stdout).into_owned(),
                String::from_utf8_lossy(&out.stderr).into_owned(),
                out.status.code(),
            ));
        }
        // A new pane's process: the session's FOO over the global one, no GONE, no HID.
        let file = m.dir.path().join("pane-env");
        let script = format!(
            "echo \"FOO=$FOO LOCAL=$LOCAL SHOWN=$SHOWN GONE=${{GONE-none}} HID=${{HID-none}}\" > {}",
            file.display()
        );
        m.run(&["new-window", "-d", &script]);
        let deadline = std::time::Instant::now() + common::DEADLINE;
        let pane_env = loop {
            match std::fs::read_to_string(&file) {
                Ok(text) if text.ends_with('\n') => break text,
                _ => {}
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the pane never wrote {file:?}"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        outputs.push((vec!["pane"], pane_env, String::new(), None));
        seen.push(outputs);
    }
    assert_eq!(
        seen[1].last().map(|o| o.1.as_str()),
        Some("FOO=session-foo LOCAL=session SHOWN=a \"b\" $c GONE=none HID=none\n")
    );
    for (theirs, ours) in seen[0].iter().zip(&seen[1]) {
        assert_eq!(ours, theirs, "tmate (left) differs from tmux (right)");
    }
}

/// `list-sessions` in tmux 3.3a's default layout, with `(created ...)` as ctime(3) in the
/// local time zone; digits masked, since the two servers start a moment apart.
#[test]
fn list_sessions_default_layout_matches_tmux() {
    let mask = |s: String| -> String {
        s.chars()
            .map(|c| if c.is_ascii_digit() { '9' } else { c })
            .collect()
    };
    let mut seen = Vec::new();
    for m in [Mux::tmux(), Mux::tmate()] {
        m.run(&["new-session", "-d", "-s", "listed"]);
        seen.push(mask(m.run(&["list-sessions"])));
    }
    assert!(
        seen[0].starts_with("listed: 9 windows (created "),
        "{}",
        seen[0]
    );
    assert_eq!(seen[1], seen[0], "{seen:?}");
}

/// `capture-pane -e` (and `-eC`): the escape sequences tmux 3.3a writes for attributes added
/// and removed, the eight, bright, 256 and RGB colours, carried across lines.
#[test]
fn capture_pane_with_escape_sequences_matches_tmux() {
    let program = "printf '\\033[31mred\\033[0m plain \\033[1;44mbold\\033[22m nb \
                   \\033[4;93mu\\033[0m\\n\\033[38;5;200mx\\033[48;2;1;2;3my\\033[7;9mz\\033[0m\\n'; \
                   printf done; sleep 60";
    let mut seen = Vec::new();
    for m in [Mux::tmux(), Mux::tmate()] {
        m.run(&["new-session", "-d", "-x", "60", "-y", "6", program]);
        m.wait_for(&["capture-pane", "-p"], "the program's output", |s| {
            s.contains("done")
        });
        seen.push((
            m.run(&["capture-pane", "-e", "-p"]),
            m.run(&["capture-pane", "-e", "-C", "-p"]),
        ));
    }
    assert!(seen[0].0.contains("\x1b[48;2;1;2;3m"), "{:?}", seen[0].0);
    assert_eq!(seen[1], seen[0], "{seen:?}");
}

/// Layout strings as tmux 3.3a: `#{window_layout}` and `#{window_visible_layout}` (zoomed too)
/// with tmux's checksum; `select-layout` reading one back (a dump from another arrangement,
/// fewer panes than cells, a different window size, bad checksums, counts and sizes with
/// tmux's words), `-o` back to the layout before, and `-E` spreading the panes out.
#[test]
fn layout_strings_match_tmux() {
    let fmt = format!("{GEOMETRY} #{{window_width}}x#{{window_height}}");
    let lsp: &[&str] = &["list-panes", "-F", &fmt];
    let layouts: &[&str] = &["display", "-p", "#{window_layout} #{window_visible_layout}"];
    // Dumped by tmux 3.3a from an 81x25 window: panes 0 | (1 / 2) with the left one 30 wide.
    let custom = "8ca1,81x25,0,0{30x25,0,0,0,50x25,31,0[50x12,31,0,1,50x12,31,13,2]}";
    compare_outcomes(&[
        &["new-session", "-d", "-x", "81", "-y", "25"],
        layouts,
        &["split-window", "-h"],
        &["split-window", "-v"],
        layouts,
        &["resize-pane", "-Z"],
        layouts,
        &["resize-pane", "-Z"],
        &["select-layout", "even-vertical"],
        layouts,
        &["select-layout", custom],
        lsp,
        layouts,
        &["select-layout", "-o"],
        lsp,
        &["select-layout", "-E"],
        lsp,
        &["resize-pane", "-t", ":.1", "-D", "3"],
        &["select-layout", "-E"],
        lsp,
        // A bigger window from the layout (no client sizes it back), then a one-pane layout.
        &[
            "select-layout",
            "6584,100x30,0,0[100x15,0,0,0,100x14,0,16{50x14,0,16,1,49x14,51,16,2}]",
        ],
        lsp,
        &["select-layout", "b25d,80x24,0,0,0"],
        &["select-layout", "0000,81x25,0,0,0"],
        &["select-layout", "23d2,80x24,0,0{40x24,0,0,0}"],
        &["kill-pane", "-t", ":.2"],
        &["kill-pane", "-t", ":.1"],
        &["select-layout", custom],
        lsp,
        layouts,
    ]);
}

/// Full-size splits as tmux 3.3a: `split-window -f` across the whole window (both ways, `-b`,
/// `-l` sizes and percentages of the window, into a root running the same way and the other
/// way, until there is no space) and `join-pane -f`.
#[test]
fn full_size_splits_match_tmux() {
    let fmt = format!("{GEOMETRY} #{{window_layout}}");
    let lsp: &[&str] = &["list-panes", "-F", &fmt];
    compare_outcomes(&[
        &["new-session", "-d", "-x", "81", "-y", "25"],
        &["split-window", "-h"],
        &["split-window", "-v"],
        &["split-window", "-f"],
        lsp,
        &["split-window", "-f", "-h", "-l", "10"],
        lsp,
        &["split-window", "-f", "-b", "-l", "30%"],
        lsp,
        &["split-window", "-f", "-v", "-b"],
        lsp,
        &["resize-pane", "-t", ":.1", "-D", "2"],
        &["split-window", "-fh", "-l", "20"],
        lsp,
        &["new-window", "-d"],
        &["join-pane", "-f", "-h", "-s", ":1.0", "-t", ":0.2"],
        lsp,
        // With the pane list out of the layout's order: moves follow the list.
        &["rotate-window"],
        lsp,
        &["rotate-window", "-D"],
        &["swap-pane", "-D", "-t", ":.3"],
        lsp,
        &["select-pane", "-t", ":.4"],
        &["kill-pane", "-t", ":.2"],
        lsp,
        &["select-layout", "tiled"],
        lsp,
        &["split-window", "-f", "-l", "1"],
        &["split-window", "-f"],
        &["split-window", "-f"],
        &["split-window", "-f"],
        &["split-window", "-f"],
        lsp,
    ]);
}

/// resize-window as tmux 3.3a: sizes, steps by an adjustment, the default size without
/// clients (-A/-a), the errors in tmux's words, and the window's `window-size` then manual.
#[test]
fn resize_window_matches_tmux() {
    let fmt = format!("{GEOMETRY} #{{window_width}}x#{{window_height}}");
    let lsp: &[&str] = &["list-panes", "-F", &fmt];
    compare_outcomes(&[
        &["new-session", "-d", "-x", "81", "-y", "25"],
        &["split-window", "-h"],
        &["resize-window", "-x", "100", "-y", "30"],
        lsp,
        &["show", "-w", "window-size"],
        &["resize-window", "-L", "7"],
        lsp,
        &["resize-window", "-D"],
        &["resize-window", "-U", "3"],
        lsp,
        &["resize-window", "-L", "1000"],
        lsp,
        &["resize-window", "-A"],
        lsp,
        &["resize-window", "-x", "0"],
        &["resize-window", "-y", "10001"],
        &["resize-window", "-x", "wide"],
        &["resize-window", "0"],
        &["resize-window", "-R", "two"],
        &["new-window", "-d"],
        &["resize-window", "-t", ":1", "-x", "20", "-y", "5"],
        &[
            "list-windows",
            "-F",
            "#{window_index} #{window_width}x#{window_height}",
        ],
    ]);
}

/// `pane-border-status` takes a row from the panes at the window's top (or bottom) for their
/// status lines, as tmux 3.3a's pane geometry shows (zoomed too), and gives it back when off.
#[test]
fn pane_border_status_geometry_matches_tmux() {
    let lsp: &[&str] = &["list-panes", "-F", GEOMETRY];
    compare_outcomes(&[
        &["new-session", "-d", "-x", "81", "-y", "25"],
        &["set", "-g", "pane-border-status", "top"],
        lsp,
        &["split-window", "-h"],
        &["split-window", "-v"],
        lsp,
        &["resize-pane", "-Z"],
        lsp,
        &["resize-pane", "-Z"],
        &["set", "-g", "pane-border-status", "bottom"],
        lsp,
        &["select-layout", "even-vertical"],
        lsp,
        &["set", "-g", "pane-border-status", "off"],
        lsp,
        &["show", "-gw", "pane-border-format"],
    ]);
}

/// A cell of one row at the window's edge under `pane-border-status` leaves its pane no rows
/// (tmux 3.3a's `layout_fix_panes`: height 0, below its status line with `top`), while its
/// screen keeps one (`capture-pane`).
#[test]
fn a_one_row_cell_under_a_pane_status_line_has_no_rows() {
    let lsp: &[&str] = &[
        "list-panes",
        "-F",
        "#{pane_index} #{pane_left},#{pane_top} #{pane_width}x#{pane_height} #{pane_bottom} \
         #{pane_at_top} #{pane_at_bottom}",
    ];
    compare_outcomes(&[
        &["new-session", "-d", "-x", "40", "-y", "12"],
        &["split-window", "-v", "-b", "-l", "1"],
        &["split-window", "-v", "-l", "1", "-t", ":.1"],
        &["set", "-g", "pane-border-status", "top"],
        lsp,
        &["capture-pane", "-p", "-t", ":.0"],
        &["split-window", "-v", "-t", ":.0"],
        &["set", "-g", "pane-border-status", "bottom"],
        lsp,
        &["capture-pane", "-p", "-t", ":.2"],
        &["set", "-g", "pane-border-status", "off"],
        lsp,
    ]);
}

/// With `pane-border-status`, a pane that gives a row to its status line needs one more:
/// tmux 3.3a refuses to stack-split or join into it at 3 rows (another 3-row pane splits),
/// and resize-pane and a smaller window keep it 2 rows high.
#[test]
fn pane_border_status_minimums_match_tmux() {
    let lsp: &[&str] = &["list-panes", "-F", GEOMETRY];
    // The pane at the status line's edge (before and after the other 3-row pane splits),
    // that other pane, and the pane the split made.
    for (status, edge, other, edge_after, made) in [
        ("top", ":.0", ":.2", ":.0", ":.3"),
        ("bottom", ":.2", ":.0", ":.3", ":.1"),
    ] {
        compare_outcomes(&[
            &["new-session", "-d", "-x", "30", "-y", "10"],
            &["set", "-g", "pane-border-status", status],
            &["split-window", "-v", "-l", "3"],
            &["split-window", "-v", "-b", "-l", "3", "-t", ":.0"],
            lsp,
            &["split-window", "-v", "-t", edge],
            &["split-window", "-v", "-t", other],
            lsp,
            &["join-pane", "-v", "-s", made, "-t", edge_after],
            lsp,
            &["resize-pane", "-t", edge_after, "-y", "1"],
            lsp,
            &["resize-pane", "-t", ":.1", "-U", "20"],
            lsp,
            &["resize-pane", "-t", ":.1", "-D", "20"],
            lsp,
            &["resize-window", "-y", "5"],
            lsp,
        ]);
    }
}

/// With `pane-border-status` on, `select-layout -E` spreads stacked panes over the rows the
/// status lines leave (the edge pane getting its line's row on top of its share) and
/// `split-window -f` / `join-pane -f` shrink the window's panes keeping their status rows,
/// and `resize-pane -y N` leaves the edge pane N rows of its own, as tmux 3.3a.
#[test]
fn pane_border_status_spread_and_full_splits_match_tmux() {
    let lsp: &[&str] = &["list-panes", "-F", GEOMETRY];
    for status in ["top", "bottom"] {
        compare_outcomes(&[
            &["new-session", "-d", "-x", "40", "-y", "30"],
            &["set", "-g", "pane-border-status", status],
            &["split-window", "-v"],
            &["split-window", "-v", "-t", ":.0"],
            &["resize-pane", "-t", ":.0", "-y", "2"],
            lsp,
            &["select-layout", "-E"],
            lsp,
            &["split-window", "-f", "-v"],
            lsp,
            &["split-window", "-f", "-v", "-b", "-l", "4"],
            lsp,
            &["split-window", "-f", "-h"],
            lsp,
            &["select-layout", "-E", "-t", ":.1"],
            lsp,
            &["kill-pane", "-t", ":.4"],
            &["kill-pane", "-t", ":.3"],
            &["split-window", "-h", "-t", ":.0"],
            &["join-pane", "-f", "-v", "-s", ":.0", "-t", ":.2"],
            lsp,
            &["select-layout", "-E", "-t", ":.0"],
            lsp,
        ]);
    }
    // A 3-row window has no room for a full-size stacked split when its pane keeps a row for
    // its status line; `-b -l` past the window's size wraps round in tmux's unsigned sum
    // (the new pane takes all but a row).
    compare_outcomes(&[
        &["new-session", "-d", "-x", "40", "-y", "3"],
        &["set", "-g", "pane-border-status", "top"],
        &["split-window", "-f", "-v"],
        lsp,
        &["set", "-g", "pane-border-status", "off"],
        &["resize-window", "-y", "11"],
        &["split-window", "-f", "-v", "-b", "-l", "11"],
        lsp,
        &["split-window", "-v", "-b", "-l", "12"],
        lsp,
    ]);
}

/// select-pane -U/-D/-L/-R from every pane of a six-pane window, under each
/// `pane-border-status`: the neighbours across each border (wrapping round), and among
/// several the one made active most recently, as tmux 3.3a.
#[test]
fn select_pane_directions_match_tmux() {
    for status in ["top", "bottom", "off"] {
        let mut steps: Vec<Vec<&str>> = vec![
            vec!["new-session", "-d", "-x", "40", "-y", "12"],
            vec!["set", "-g", "pane-border-status", status],
            vec!["split-window", "-v"],
            vec!["split-window", "-h"],
            vec!["select-pane", "-t", ":.0"],
            vec!["split-window", "-h", "-l", "10"],
            vec!["split-window", "-v", "-t", ":.2"],
            vec!["split-window", "-d", "-h", "-t", ":.0"],
        ];
        for pane in [":.0", ":.1", ":.2", ":.3", ":.4", ":.5"] {
            for dir in ["-U", "-D", "-L", "-R"] {
                steps.push(vec!["select-pane", "-t", pane]);
                steps.push(vec!["select-pane", dir]);
                steps.push(vec!["display", "-p", "#{pane_index}"]);
            }
        }
        let steps: Vec<&[&str]> = steps.iter().map(Vec::as_slice).collect();
        compare_outcomes(&steps);
    }
}

/// A pane's program gets the terminal as its standard input, output and error and no other
/// descriptor of the server (other panes' terminals, clients' terminals), as in tmux: the
/// second pane's program lists its own open descriptors (the test runner's inherited ones, such
/// as cargo's jobserver pipes, would show too). `ls` runs as a plain command of the pane's
/// shell, so nothing else is open but its own handle on the directory it reads (3); a shell's
/// `$(...)` would add descriptors of its own at moments that vary.
#[test]
fn pane_processes_inherit_only_their_terminal() {
    let mut seen = Vec::new();
    for m in [Mux::tmux(), Mux::tmate()] {
        m.run(&["new-session", "-d", "-x", "80", "-y", "24", "sleep 600"]);
        m.run(&["split-window", "ls -C /proc/self/fd; exec sleep 600"]);
        let screen = m.wait_for(&["capture-pane", "-p"], "the descriptor list", |s| {
            s.lines().any(|l| l.starts_with("0 "))
        });
        m.run(&["kill-server"]);
        let line = screen
            .lines()
            .find(|l| l.starts_with("0 "))
            .unwrap_or_default()
            .to_string();
        seen.push(line);
    }
    assert_eq!(seen[0], "0  1  2  3", "tmux: {seen:?}");
    assert_eq!(seen[1], seen[0], "{seen:?}");
}

/// The terminal description lines everyday tmux configs carry (`terminal-overrides`,
/// `terminal-features`, `user-keys`, set and appended as arrays) load and read back as in
/// tmux 3.3a.
#[test]
fn terminal_options_from_everyday_configs_match_tmux() {
    compare_outcomes(&[
        &["new-session", "-d"],
        &["set", "-g", "terminal-overrides", ",xterm-256color:Tc"],
        &["set", "-ga", "terminal-overrides", ",*256col*:RGB"],
        &["set", "-as", "terminal-features", ",xterm*:RGB"],
        &["set", "-s", "user-keys[0]", "\\e[5;30012~"],
        &["show", "-s", "terminal-overrides"],
        &["show", "-s", "terminal-features"],
        &["show", "-s", "user-keys"],
        &["show", "-sv", "terminal-overrides[1]"],
        &["set", "-su", "terminal-overrides"],
        &["show", "-s", "terminal-overrides"],
    ]);
}

/// `command-alias` as tmux 3.3a: its defaults (`splitp`), an alias's arguments appended to
/// its last command, an alias of several commands, aliases expanded when a key is bound
/// (list-keys shows the commands), and a whole value split at commas only.
#[test]
fn command_aliases_match_tmux() {
    let windows: &[&str] = &["list-windows", "-F", "#{window_index}:#{window_panes}"];
    compare_outcomes(&[
        &["new-session", "-d", "-x", "80", "-y", "24"],
        &["splitp", "-h"],
        windows,
        &[
            "set",
            "-sa",
            "command-alias",
            "lsx=list-windows -F \"#{window_index}:\"",
        ],
        &["lsx"],
        &["lsx", "-a"],
        &[
            "set",
            "-s",
            "command-alias[9]",
            "ww=new-window -d ; neww -d",
        ],
        &["ww"],
        windows,
        &["bind", "x", "lsx"],
        &["list-keys", "x"],
        &["set", "-s", "command-alias", "a=display -p one two,b=lsx"],
        &["show", "-s", "command-alias"],
        &["a"],
        &["splitp"],
        // Ambiguous names are listed in tmux's table order (display-popup first).
        &["display-p"],
        &["list-commands", "-F", "#{command_list_name}"],
    ]);
}
