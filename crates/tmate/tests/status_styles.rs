//! Status line styles, `#[...]` markup, `status-justify`, `status-position`, lengths, message
//! and border styles drawn by an attached client, compared cell by cell (text, colours,
//! attributes) with real tmux 3.3a attached the same way.
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

/// Start both with `config` and panes running `cat` (nothing drawn in them), run `setup` on
/// both, wait until the whole screen shows `ready` on both, and compare every row.
async fn same_screen(config: &str, setup: &[&[&str]], ready: &str) -> Pair {
    let mut p = Pair::start(config, 80, 24, Some("cat")).await;
    for cmd in setup {
        for m in &p.muxes {
            m.run(cmd);
        }
    }
    p.wait_text(ready, ready).await;
    // The last command may still be drawing: wait until both draw the same screen.
    p.same_screens(Some(24), config).await;
    p
}

const WINDOWS: &[&[&str]] = &[
    &["new-window", "-n", "cat", "cat"],
    &["new-window", "-n", "cat", "cat"],
    &["select-window", "-t", "1"],
];

#[tokio::test]
async fn styles_markup_and_window_list() {
    let config = "set -g status-right '#[fg=colour33,bold]R#[default]r'
set -g status-style 'bg=colour17,fg=white'
set -g status-left '#[fg=red]L#[none,reverse]x#[default]y '
set -g status-left-style 'bg=blue'
set -g status-right-style 'fg=yellow,italics'
setw -g window-status-style 'fg=cyan'
setw -g window-status-current-style 'bg=red,bold'
setw -g window-status-last-style 'underscore'
setw -g window-status-separator '#[fg=green]|'
setw -g window-status-format '#I#[fg=magenta]:#W#F'
";
    same_screen(config, WINDOWS, "1:cat*").await;
}

#[tokio::test]
async fn justify_centre_at_the_top() {
    let config = "set -g status-right 'right'
set -g status-position top
set -g status-justify centre
set -g status-style 'fg=colour220,bg=default'
";
    same_screen(config, WINDOWS, "1:cat*").await;
}

#[tokio::test]
async fn justify_right_and_lengths() {
    let config = "set -g status-right 'a-long-right-side-text'
set -g status-right-length 8
set -g status-left '#[bg=colour88]left-is-long-too'
set -g status-left-length 6
set -g status-justify right
set -g status-fg black
set -g status-bg colour214
";
    same_screen(config, WINDOWS, "1:cat*").await;
}

#[tokio::test]
async fn justify_absolute_centre_and_message_style() {
    let config = "set -g status-right ''
set -g status-justify absolute-centre
set -g message-style 'fg=white,bg=colour52,bold'
";
    let p = same_screen(config, WINDOWS, "1:cat*").await;
    for m in &p.muxes {
        m.run(&["display-message", "a styled message"]);
    }
    let mut p = p;
    for c in &mut p.clients {
        c.wait_for("the message", |c| c.last_row() == "a styled message")
            .await;
    }
    p.same_rows(23..24, "message-style");
}

#[tokio::test]
async fn border_styles_and_status_off() {
    let config = "set -g status-right 'R'
set -g pane-border-style 'fg=colour99'
set -g pane-active-border-style 'fg=colour46,bg=colour16'
";
    let setup: &[&[&str]] = &[
        &["split-window", "-h", "cat"],
        &["split-window", "-v", "cat"],
        &["select-pane", "-t", "0"],
    ];
    let mut p = same_screen(config, setup, "├").await;
    for m in &p.muxes {
        m.run(&["set", "-g", "status", "off"]);
    }
    for c in &mut p.clients {
        c.wait_for("no status line", |c| c.last_row().contains('│'))
            .await;
    }
    p.same_rows(0..24, "status off");
}

/// `pane-border-status top` and `bottom` drawn as tmux 3.3a: each pane's status line with
/// its `pane-border-format` (the active one reversed) over the border, the joins around it,
/// and the border styles; then a format of our own.
#[tokio::test]
async fn pane_border_status_lines() {
    let config = "set -g status-right 'R'
set -g pane-border-status top
set -g pane-active-border-style 'fg=colour46'
";
    let setup: &[&[&str]] = &[
        &["split-window", "-h", "cat"],
        &["split-window", "-v", "cat"],
        &["select-pane", "-t", "0"],
    ];
    let mut p = same_screen(config, setup, "├").await;
    // Pane 0's status line is on the window's first row with `top`, on its last with `bottom`.
    for (value, row) in [("bottom", 22), ("top", 0)] {
        for m in &p.muxes {
            m.run(&["set", "-g", "pane-border-status", value]);
        }
        for c in &mut p.clients {
            c.wait_for(value, |c| c.row(row).contains("0 \"")).await;
        }
        p.same_rows(0..24, value);
    }
    for m in &p.muxes {
        m.run(&[
            "set",
            "-g",
            "pane-border-format",
            "#[fg=colour99]<#{pane_index}:#{pane_width}x#{pane_height}>",
        ]);
    }
    for c in &mut p.clients {
        c.wait_for("the new format", |c| {
            c.screen.screen().contents().contains("<2:")
        })
        .await;
    }
    p.same_rows(0..24, "pane-border-format");
}

/// One-row cells at the window's top and bottom under `pane-border-status`: their panes have
/// no rows, so only their status lines show (tmux 3.3a), `top` and `bottom`.
#[tokio::test]
async fn one_row_cells_under_pane_status_lines() {
    let config = "set -g status-right 'R'\n";
    let setup: &[&[&str]] = &[
        &[
            "split-window",
            "-v",
            "-b",
            "-l",
            "1",
            "printf top; exec cat",
        ],
        &[
            "split-window",
            "-v",
            "-l",
            "1",
            "-t",
            ":.1",
            "printf bottom; exec cat",
        ],
        &["select-pane", "-t", ":.1"],
    ];
    let mut p = same_screen(config, setup, "bottom").await;
    // The first row holds the top pane's status line, the last the bottom pane's.
    for (value, row, label) in [("top", 0, "0 \""), ("bottom", 22, "2 \"")] {
        for m in &p.muxes {
            m.run(&["set", "-g", "pane-border-status", value]);
        }
        for c in &mut p.clients {
            c.wait_for(value, |c| c.row(row).contains(label)).await;
        }
        p.same_screens(Some(24), value).await;
    }
}

/// `window-style` and `window-active-style` (the usual "dim the other panes" config) colour
/// each pane's default-coloured cells as tmux 3.3a draws them, following the active pane.
#[tokio::test]
async fn window_styles_colour_the_panes() {
    let config = "set -g window-style 'fg=colour245,bg=colour235'
set -g window-active-style 'bg=colour16'
";
    let setup: &[&[&str]] = &[
        &["split-window", "-h", "cat"],
        &["send-keys", "-t", ":.0", "-l", "alpha"],
        &["send-keys", "-t", ":.1", "-l", "beta"],
    ];
    let mut p = same_screen(config, setup, "beta").await;
    for m in &p.muxes {
        m.run(&["select-pane", "-t", ":.0"]);
        m.run(&["display", "-p", "#{pane_fg} #{pane_bg}"]);
    }
    let styled = |c: &tmate_fixtures::pty_client::PtyClient| c.styled_row(5);
    let before = styled(&p.clients[1]);
    for c in &mut p.clients {
        c.wait_for("the other pane active", |c| styled(c) != before)
            .await;
    }
    p.same_rows(0..24, "window-active-style moved");
}

/// `status 3`: tmux 3.3a's default second line (the pane list, centred, the active pane
/// reversed) and a blank third line, with the window area three rows shorter.
#[tokio::test]
async fn three_status_lines_with_the_default_formats() {
    let config = "set -g status 3\nset -g status-right 'right'\n";
    let setup: &[&[&str]] = &[&["split-window", "-h", "cat"]];
    let p = same_screen(config, setup, "1[39x21]").await;
    p.same_rows(0..24, config);
}

/// `status-format[]` of one's own: fill, sections (left, centre, right, absolute-centre), a
/// window list with its focus, markers and the text after it, `##` escapes, at the top.
#[tokio::test]
async fn status_formats_of_ones_own_at_the_top() {
    let config = "set -g status 2
set -g status-position top
set -g status-format[0] '#[fill=colour52 align=left]L##x#[list=on align=centre]#[list=left-marker]<<#[list=right-marker]>>#[list=on]#{W:#[fg=yellow]#I:#W ,#[list=focus bg=red]#I:#W#[list=on bg=default] }#[nolist]after#[align=right]#{session_name}!'
set -g status-format[1] '#[align=absolute-centre,fg=green]mid#[align=right]end'
";
    same_screen(config, WINDOWS, "after").await;
    // Names too long for the line: the list is cut around the current window, between the
    // markers.
    let long: &[&[&str]] = &[
        &[
            "new-window",
            "-n",
            "a-rather-long-window-name-number-one",
            "cat",
        ],
        &[
            "new-window",
            "-n",
            "a-rather-long-window-name-number-two",
            "cat",
        ],
        &[
            "new-window",
            "-n",
            "third-long-window-name-in-the-list",
            "cat",
        ],
        &["select-window", "-t", "1"],
    ];
    same_screen(config, long, "after").await;
}

/// `display-message` draws its text's markup as tmux 3.3a does (styles, alignment, `##`), on
/// the last of several status lines.
#[tokio::test]
async fn display_message_markup() {
    let config = "set -g status 2\nset -g message-style 'bg=colour25,fg=white'\n";
    let setup: &[&[&str]] = &[&[
        "display-message",
        "-d",
        "0",
        "#[fg=red,bold]red#[default] plain ## #[align=right]shown-right",
    ]];
    same_screen(config, setup, "shown-right").await;
}

/// `terminal-overrides` with `am@` for the client's terminal: tmux 3.3a never writes the
/// bottom-right cell (it would scroll a terminal without automatic margins), so the status
/// line's last character is left out on both.
#[tokio::test]
async fn no_automatic_margins_leave_the_last_cell() {
    let config = "set -g terminal-overrides 'xterm*:am@'\nset -g status-right 'end-XYZ'\n";
    let p = same_screen(config, &[], "end-XY").await;
    for c in &p.clients {
        assert!(
            !c.screen.screen().contents().contains("end-XYZ"),
            "the bottom-right cell was written"
        );
    }
}

/// `#(command)` in the status line: each job's last output line once it has run, its
/// command's formats expanded first and its output expanded as a format in turn, as tmux.
#[tokio::test]
async fn shell_command_jobs_in_the_status_line() {
    let config = "set -g status-right '[#(printf \"first\\nlast\\n\")]#(echo job-#{session_name})'
set -g status-left '#(printf \"no-newline\")#(echo \"#{window_index}\") '
set -g status-left-length 30
";
    same_screen(config, &[], "job-main").await;
}

/// Alerts as tmux 3.3a: output in a window that is not current marks it (`#` activity with
/// `monitor-activity`, `!` for a bell, in `window-status-*-style`), `visual-bell` says so on
/// the status line, and selecting the window clears the marks.
#[tokio::test]
async fn bell_and_activity_alerts() {
    let config = "setw -g monitor-activity on
set -g visual-bell on
setw -g window-status-activity-style 'fg=red,underscore'
";
    let setup: &[&[&str]] = &[
        &["new-window", "-n", "other", "cat"],
        &["send-keys", "-t", ":0", "-l", "text"],
        &["send-keys", "-t", ":0", "Enter"],
    ];
    let p = same_screen(config, setup, "0:w0#").await;
    drop(p);
    let setup: &[&[&str]] = &[
        &["new-window", "-n", "other", "cat"],
        &["send-keys", "-t", ":0", "C-g", "Enter"],
    ];
    let mut p = same_screen(config, setup, "Bell in window 0").await;
    for m in &p.muxes {
        m.run(&["select-window", "-t", ":0"]);
    }
    p.status("the marks cleared", |r| r.contains("0:w0*")).await;
    p.run_both(&[
        "list-windows",
        "-F",
        "#{window_index}#{window_flags} #{window_bell_flag}",
    ]);
}

/// `monitor-silence`: a window with no output for that many seconds is marked `~` and, with
/// `visual-silence`, said so, as tmux 3.3a.
#[tokio::test]
async fn silence_alerts() {
    let config = "set -g visual-silence on\n";
    let setup: &[&[&str]] = &[
        &["set", "-w", "-t", ":0", "monitor-silence", "1"],
        &["new-window", "-n", "other", "cat"],
    ];
    let p = same_screen(config, setup, "Silence in window 0").await;
    p.run_both(&[
        "list-windows",
        "-F",
        "#{window_index}#{window_flags} #{window_silence_flag}",
    ]);
}

/// `display-message -N`: keys typed while the message shows are dropped (tmux 3.3a's
/// `message_ignore_keys`); once it has gone they reach the pane again.
#[tokio::test]
async fn display_message_ignoring_keys() {
    let setup: &[&[&str]] = &[&["display-message", "-N", "-d", "5000", "held-message"]];
    let mut p = same_screen("", setup, "held-message").await;
    p.send(b"dropped").await;
    p.status("the message gone", |r| !r.contains("held-message"))
        .await;
    p.send(b"typed").await;
    for c in &mut p.clients {
        c.wait_for("the later keys", |c| {
            c.screen.screen().contents().contains("typed")
        })
        .await;
    }
    // Both dropped the first keys (the message shows for 5 s, ample time to type them).
    p.same_rows(0..24, "after the message");
}

/// Status-line clicks as tmux 3.3a names them: a window's entry is `Status` (`-t =` is that
/// window), the status-left text `StatusLeft`, the status-right text `StatusRight`, the rest
/// `StatusDefault`; with `status-position top` the status line is the first row and clicks
/// below it land on the pane under them.
#[tokio::test]
async fn status_line_mouse_ranges_at_the_bottom_and_top() {
    let mut config = "set -g status-right 'RIGHT'\nset -g display-time 20000\n\
                      set -g assume-paste-time 0\nset -g mouse on\n"
        .to_string();
    // Clicks in quick succession are a second and a third click (tmux's 300 ms click timer):
    // each location's three keys do the same.
    for click in ["MouseDown1", "SecondClick1", "TripleClick1"] {
        for (place, command) in [
            ("StatusLeft", "display left"),
            ("StatusRight", "display right"),
            ("StatusDefault", "display default"),
            ("Status", "select-window -t ="),
        ] {
            config.push_str(&format!("bind -n {click}{place} {command}\n"));
        }
    }
    let mut p = Pair::start(&config, 80, 24, Some("cat")).await;
    for m in &p.muxes {
        m.run(&["new-window", "-d", "-n", "w1", "cat"]);
    }
    p.status("both windows", |r| r.starts_with("[main] 0:w0* 1:w1"))
        .await;
    let click = |x: u16, y: u16| format!("\x1b[<0;{x};{y}M\x1b[<0;{x};{y}m").into_bytes();
    // "[main] " is status-left, "0:w0* " starts at column 8 (1-based), RIGHT ends the row.
    p.send(&click(15, 24)).await;
    p.wait_both(
        &["display", "-p", "#{window_index}"],
        "window 1 chosen",
        |s| s == "1\n",
    );
    p.status("window 1 current", |r| r.contains("1:w1*")).await;
    p.send(&click(2, 24)).await;
    p.status("status-left clicked", |r| r == "left").await;
    p.send(&click(40, 24)).await;
    p.status("the rest clicked", |r| r == "default").await;
    p.send(&click(78, 24)).await;
    p.status("status-right clicked", |r| r == "right").await;

    for m in &p.muxes {
        m.run(&["set", "-g", "status-position", "top"]);
        m.run(&["split-window", "-v", "cat"]);
    }
    p.wait_both(&["display", "-p", "#{pane_index}"], "the split", |s| {
        s == "1\n"
    });
    p.send(&click(2, 1)).await;
    first_row(&mut p, "status-left clicked at the top", "left").await;
    p.same_rows(0..1, "the top status line");
    p.send(&click(40, 1)).await;
    first_row(&mut p, "the rest clicked at the top", "default").await;
    // Window rows start on the second row: row 12 is the top pane's last row (11 rows, then
    // the border), not the border.
    p.send(&click(10, 12)).await;
    p.wait_both(
        &["display", "-p", "#{pane_index}"],
        "the top pane chosen",
        |s| s == "0\n",
    );
}

/// Wait until the first row shows `want` on both clients.
async fn first_row(p: &mut Pair, what: &str, want: &str) {
    for c in &mut p.clients {
        c.wait_for(what, |c| c.row(0).trim_end() == want).await;
    }
}

/// Bindings that append where each click landed to the global option `@hit`: `L`, `R`, `D`
/// for StatusLeft, StatusRight, StatusDefault, the window's index for Status (`-t =`). Quick
/// clicks are second and third clicks (tmux's click timer), bound alike.
fn hit_bindings() -> String {
    let mut config = "set -g mouse on\nset -g @hit ''\n".to_string();
    for click in ["MouseDown1", "SecondClick1", "TripleClick1"] {
        for (place, command) in [
            ("StatusLeft", "set -ga @hit 'L '"),
            ("StatusRight", "set -ga @hit 'R '"),
            ("StatusDefault", "set -ga @hit 'D '"),
            ("Status", "set -gaF -t = @hit '#{window_index} '"),
        ] {
            config.push_str(&format!("bind -n {click}{place} {command}\n"));
        }
    }
    config
}

/// Click at each (column, row), 1-based, and wait until both have recorded `want` in `@hit`.
async fn clicks(p: &mut Pair, at: &[(u16, u16)], want: &str) {
    for m in &p.muxes {
        m.run(&["set", "-g", "@hit", ""]);
    }
    for (x, y) in at {
        p.send(format!("\x1b[<0;{x};{y}M\x1b[<0;{x};{y}m").as_bytes())
            .await;
    }
    p.wait_both(&["show", "-gv", "@hit"], want, |s| s.trim_end() == want);
}

/// `range=` in `status-format[]` lines of one's own, as tmux 3.3a follows them for the mouse:
/// a range ends one cell past its text (the cell after `LL` is still StatusLeft), one never
/// ended with `norange` is no range, `range=window|N` of a window that does not exist makes no
/// key at all, and `range=` values 3.3a does not know (`user|x`) refuse their markup.
#[tokio::test]
async fn status_format_ranges_of_ones_own() {
    let config = hit_bindings()
        + "set -g status 2
set -g status-format[0] '#[range=left]LL#[norange] #[range=window|1]W1#[norange] #[range=window|5]W5#[norange] #[range=user|x]U#[norange]#[align=right range=right]RR#[norange]'
set -g status-format[1] '#[align=centre]#[range=window|0]ZERO#[norange]#[range=left]open'
";
    let mut p = Pair::start(&config, 80, 24, Some("cat")).await;
    for m in &p.muxes {
        m.run(&["new-window", "-d", "-n", "w1", "cat"]);
    }
    p.status("the second line", |r| r.contains("ZEROopen"))
        .await;
    p.same_rows(22..24, "both status lines");
    let at = [
        (1, 23),
        (3, 23),
        (4, 23),
        (6, 23),
        // W5: no key.
        (7, 23),
        (10, 23),
        (79, 23),
        (38, 24),
        (42, 24),
    ];
    clicks(&mut p, &at, "L L 1 1 D R 0 D").await;
}

/// `range=` inside status-left and status-right on tmux 3.3a's default first line: a range of
/// their own replaces `range=left`/`range=right` from there; the window entries' ranges cover
/// the separator after them; with the list centred or on the right.
#[tokio::test]
async fn ranges_inside_status_left_and_right() {
    let config = hit_bindings()
        + "set -g status-left '#[range=window|1]ONE#[norange]X '
set -g status-right '#[range=left]RL#[norange]R'
";
    let mut p = Pair::start(&config, 80, 24, Some("cat")).await;
    for m in &p.muxes {
        m.run(&["new-window", "-d", "-n", "w1", "cat"]);
    }
    p.status("both windows", |r| r.starts_with("ONEX 0:w0* 1:w1"))
        .await;
    let at = [
        (1, 24),
        (4, 24),
        (5, 24),
        (6, 24),
        (11, 24),
        (12, 24),
        (78, 24),
        (80, 24),
        (77, 24),
    ];
    clicks(&mut p, &at, "1 1 D 0 0 1 L L D").await;
    for m in &p.muxes {
        m.run(&["set", "-g", "status-justify", "centre"]);
    }
    p.status("the list centred", |r| r.contains("  0:w0* 1:w1  "))
        .await;
    clicks(&mut p, &[(40, 24), (30, 24)], "0 D").await;
    for m in &p.muxes {
        m.run(&["set", "-g", "status-justify", "right"]);
    }
    p.status("the list on the right", |r| r.ends_with("0:w0* 1:w1 RLR"))
        .await;
    clicks(&mut p, &[(70, 24), (74, 24), (75, 24)], "0 1 1").await;
}
