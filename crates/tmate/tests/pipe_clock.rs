//! pipe-pane and clock-mode side by side with real tmux 3.3a: what a pipe's command receives
//! and types, `#{pane_pipe}` toggling, errors; the big clock drawn on attached clients (cell by
//! cell with colours, at the same local time), any key leaving it, `#{pane_mode}`.
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

use std::time::{Duration, Instant};

use common::{DEADLINE, Mux, compare, compare_outcomes_on};
use pair::Pair;

/// Both servers with a session `main` running `command` in an 80x24 window.
fn both(command: &str) -> [Mux; 2] {
    let muxes = [Mux::tmux(), Mux::tmate()];
    for m in &muxes {
        m.run(&[
            "new-session",
            "-d",
            "-s",
            "main",
            "-x",
            "80",
            "-y",
            "24",
            command,
        ]);
    }
    muxes
}

/// Poll until the file at `path` holds `want`; its content.
fn wait_file(path: &std::path::Path, want: &[u8]) -> Vec<u8> {
    let deadline = Instant::now() + DEADLINE;
    loop {
        let got = std::fs::read(path).unwrap_or_default();
        if got == want {
            return got;
        }
        assert!(
            Instant::now() < deadline,
            "{}: never held {:?}; last {:?}",
            path.display(),
            String::from_utf8_lossy(want),
            String::from_utf8_lossy(&got)
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn pipe_pane_gives_the_command_the_panes_output() {
    let muxes = both("cat");
    for m in &muxes {
        let file = m.dir.path().join("log");
        let cmd = format!("cat > {}", file.display());
        m.run(&["pipe-pane", "-o", "-t", "main", &cmd]);
        m.wait_for(&["display", "-p", "#{pane_pipe}"], "the pipe", |o| {
            o == "1\n"
        });
        m.run(&["send-keys", "-t", "main", "abc", "Enter"]);
        // The tty's echo, then cat's answer: the same bytes tmux's pipe gets.
        wait_file(&file, b"abc\r\nabc\r\n");
        // -o again closes it: later output is not written.
        m.run(&["pipe-pane", "-o", "-t", "main", &cmd]);
        assert_eq!(m.run(&["display", "-p", "#{pane_pipe}"]), "0\n");
        m.run(&["send-keys", "-t", "main", "zz", "Enter"]);
        m.wait_for(&["capture-pane", "-p"], "zz twice", |o| {
            o.matches("zz").count() == 2
        });
        assert_eq!(std::fs::read(&file).unwrap(), b"abc\r\nabc\r\n");
    }
}

#[test]
fn pane_pipe_toggles_as_in_tmux() {
    compare(&[
        &["new-session", "-d", "-s", "main", "cat"],
        &["display", "-p", "#{pane_pipe}"],
        &["pipe-pane", "-o", "cat > /dev/null"],
        &["display", "-p", "#{pane_pipe}"],
        &["pipe-pane", "-o", "cat > /dev/null"],
        &["display", "-p", "#{pane_pipe}"],
        &["pipe-pane", "cat > /dev/null"],
        &["pipe-pane", "cat > /dev/null"],
        &["display", "-p", "#{pane_pipe}"],
        &["pipe-pane"],
        &["display", "-p", "#{pane_pipe}"],
        &["pipep", "-O", "cat > /dev/null"],
        &["pipep", ""],
        &["display", "-p", "#{pane_pipe}"],
    ]);
}

#[test]
fn pipe_pane_input_types_into_the_pane() {
    // No echo: what shows is cat's copy of the typed lines alone, in one order.
    let muxes = both("stty -echo; exec cat");
    let mut captures = Vec::new();
    for m in &muxes {
        m.wait_for(&["display", "-p", "#{pane_current_command}"], "cat", |o| {
            o == "cat\n"
        });
        m.run(&["pipe-pane", "-I", "-t", "main", "echo hi; echo there"]);
        // The command ended: the pipe closed.
        let out = m.wait_for(
            &["capture-pane", "-p", "-t", "main"],
            "the typed lines",
            |o| o.contains("hi\nthere\n"),
        );
        m.wait_for(&["display", "-p", "#{pane_pipe}"], "the pipe closed", |o| {
            o == "0\n"
        });
        captures.push(out);
    }
    assert_eq!(captures[1], captures[0], "tmate (left) differs from tmux");
}

#[test]
fn pipe_pane_formats_its_command_and_refuses_a_dead_pane() {
    let muxes = both("cat");
    for m in &muxes {
        let file = m.dir.path().join("name");
        let cmd = format!(
            "echo '#{{session_name}} #{{pane_index}}' > {}",
            file.display()
        );
        m.run(&["pipe-pane", "-t", "main", &cmd]);
        wait_file(&file, b"main 0\n");
        m.run(&["set", "-g", "remain-on-exit", "on"]);
        m.run(&["new-window", "-d", "-t", "main:1", "true"]);
        m.wait_for(
            &["display", "-p", "-t", "main:1", "#{pane_dead}"],
            "dead",
            |o| o == "1\n",
        );
    }
    compare_outcomes_on(
        &muxes[0],
        &muxes[1],
        &[
            &["pipe-pane", "-t", "main:1", "cat"],
            &["pipe-pane", "-t", "main:1"],
            &["pipe-pane", "-t", "nosuch", "cat"],
        ],
    );
}

/// A pipe whose command never reads: the pane's output flows on (ours drops what is past the
/// backlog; tmux would buffer it all), and the server answers.
#[test]
fn a_pipe_that_never_reads_stalls_nothing() {
    let m = Mux::tmate();
    m.run(&["new-session", "-d", "-s", "main", "-x", "80", "-y", "24"]);
    m.run(&["pipe-pane", "-t", "main", "sleep 1000"]);
    m.run(&[
        "send-keys",
        "-t",
        "main",
        "yes | head -n 2000000; echo DO''NE",
        "Enter",
    ]);
    m.wait_for(&["capture-pane", "-p"], "the flood's end", |o| {
        o.contains("DONE")
    });
    assert_eq!(m.run(&["display", "-p", "#{pane_pipe}"]), "1\n");
}

const CONFIG: &str = "set -g status-right 'R'\nset -g status-left '[main] '\n";

#[tokio::test]
async fn clock_mode_draws_as_tmux_and_any_key_leaves_it() {
    let mut p = Pair::start_shown(CONFIG, Some("cat")).await;
    p.send(b"\x02t").await;
    for c in &mut p.clients {
        c.wait_for("the clock", |c| {
            (0..23).any(|r| c.styled_row(r).contains("Idx(4)"))
        })
        .await;
    }
    p.same_screens(Some(24), "24-hour clock").await;
    assert_eq!(
        p.run_both(&["display", "-p", "#{pane_in_mode} #{pane_mode}"]),
        "1 clock-mode\n"
    );
    // A key leaves it and reaches nothing: cat's screen is back, empty.
    p.send(b"x").await;
    for c in &mut p.clients {
        c.wait_for("the pane again", |c| {
            !(0..23).any(|r| c.styled_row(r).contains("Idx(4)"))
        })
        .await;
    }
    p.same_screens(Some(24), "after the clock").await;
    assert_eq!(p.run_both(&["display", "-p", "#{pane_in_mode}"]), "0\n");
    assert_eq!(p.clients[1].row(0), "");
    // send-keys with a client attached: the first key leaves the clock, the rest are typed.
    p.run_both(&["clock-mode", "-t", "main"]);
    p.run_both(&["send-keys", "-t", "main", "abc"]);
    for c in &mut p.clients {
        c.wait_text("the keys after the first", |t| t.starts_with("bc"))
            .await;
    }
    p.same_screens(Some(24), "send-keys into the clock").await;
}

/// clock-mode over copy mode (tmux 3.3a stacks modes): a key leaves the clock and copy mode
/// is back at its position, counted and named as in tmux; its selection went (tmux resizes
/// the mode that comes back, which clears it).
#[tokio::test]
async fn clock_over_copy_mode_and_back() {
    let mut p = Pair::start_shown(CONFIG, Some("cat")).await;
    p.run_both(&[
        "send-keys",
        "-t",
        "main",
        "first",
        "Enter",
        "second",
        "Enter",
    ]);
    // Typed (echoed) and written back by cat.
    p.wait_both(&["capture-pane", "-p", "-t", "main"], "the lines", |s| {
        s.matches("second").count() == 2
    });
    p.run_both(&["copy-mode", "-t", "main"]);
    p.run_both(&["send", "-t", "main", "-X", "cursor-up"]);
    p.run_both(&["send", "-t", "main", "-X", "begin-selection"]);
    p.run_both(&["send", "-t", "main", "-X", "cursor-up"]);
    p.same_screens_when("copy mode", |s| s.contains("[0/0]"))
        .await;
    p.run_both(&["clock-mode", "-t", "main"]);
    for c in &mut p.clients {
        c.wait_for("the clock", |c| {
            (0..23).any(|r| c.styled_row(r).contains("Idx(4)"))
        })
        .await;
    }
    let mode = [
        "display",
        "-p",
        "-t",
        "main",
        "#{pane_in_mode} #{pane_mode}",
    ];
    assert_eq!(p.run_both(&mode), "2 clock-mode\n");
    p.send(b"x").await;
    p.same_screens_when("copy mode again", |s| s.contains("[0/0]"))
        .await;
    assert_eq!(p.run_both(&mode), "1 copy-mode\n");
    assert_eq!(
        p.run_both(&[
            "display",
            "-p",
            "-t",
            "main",
            "#{copy_cursor_x},#{copy_cursor_y} #{selection_present}"
        ]),
        "5,2 0\n"
    );
}

#[test]
fn send_keys_without_a_client_stay_in_the_clock() {
    compare(&[
        &["new-session", "-d", "-s", "main", "cat"],
        &["clock-mode"],
        &["send-keys", "abc", "Enter"],
        &["display", "-p", "#{pane_in_mode} #{pane_mode}"],
        &["capture-pane", "-p"],
    ]);
}

#[tokio::test]
async fn twelve_hour_clock_in_colour_and_a_small_pane() {
    let config = format!("{CONFIG}set -g clock-mode-style 12\nset -g clock-mode-colour red\n");
    let mut p = Pair::start_shown(&config, Some("cat")).await;
    p.run_both(&["split-window", "-h", "-l", "20", "cat"]);
    p.run_both(&["clock-mode", "-t", "main:0.0"]);
    p.run_both(&["clock-mode", "-t", "main:0.1"]);
    for c in &mut p.clients {
        c.wait_for("the clocks", |c| {
            (0..23).any(|r| c.styled_row(r).contains("Idx(1)"))
                && (0..23).any(|r| c.row(r).trim_end().ends_with('M'))
        })
        .await;
    }
    p.same_screens(Some(24), "12-hour clocks").await;
    // Resized: the clock is drawn again at the new size.
    p.run_both(&["resize-pane", "-t", "main:0.1", "-x", "50"]);
    p.same_screens(Some(24), "resized clocks").await;
}

/// A pane whose program exits while its pipe's command has not yet taken all its output stays
/// until the command has it (tmux's `window_pane_destroy_ready`), then closes: the command
/// gets every byte.
#[test]
fn an_exited_pane_waits_for_its_pipe_to_drain() {
    let muxes = both("cat");
    let want: String = (1..=200_000).map(|i| format!("{i}\r\n")).collect();
    for m in &muxes {
        let (ready, go, log) = (
            m.dir.path().join("ready"),
            m.dir.path().join("go"),
            m.dir.path().join("log"),
        );
        let program = format!(
            "while [ ! -e {} ]; do sleep 0.05; done; seq 1 200000",
            ready.display()
        );
        let pane = m.run(&[
            "new-window",
            "-d",
            "-P",
            "-F",
            "#{pane_id} #{pane_pid}",
            "-t",
            "main:1",
            &program,
        ]);
        let (pane, pid) = pane.trim().split_once(' ').unwrap();
        // The command reads nothing until `go` exists: most of the output waits for it.
        let command = format!(
            "while [ ! -e {} ]; do sleep 0.05; done; cat > {}",
            go.display(),
            log.display()
        );
        m.run(&["pipe-pane", "-t", pane, &command]);
        std::fs::write(&ready, "").unwrap();
        // The program has exited and been reaped by the server.
        let deadline = Instant::now() + DEADLINE;
        while std::path::Path::new(&format!("/proc/{pid}")).exists() {
            assert!(Instant::now() < deadline, "{pid} never ended");
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(
            m.run(&[
                "list-panes",
                "-a",
                "-F",
                "#{pane_id} #{pane_pipe} #{pane_dead}"
            ]),
            format!("%0 0 0\n{pane} 1 0\n"),
            "{}: the pane waits for its pipe",
            m.program.display()
        );
        // It has exited all the same: no new pipe.
        let out = m.run_output(&["pipe-pane", "-t", pane, "cat"]);
        assert_eq!(
            (
                out.status.code(),
                String::from_utf8_lossy(&out.stderr).into_owned()
            ),
            (Some(1), "target pane has exited\n".to_string()),
            "{}: pipe-pane on the waiting pane",
            m.program.display()
        );
        std::fs::write(&go, "").unwrap();
        m.wait_for(
            &["list-panes", "-a", "-F", "#{pane_id}"],
            "the pane gone",
            |o| o == "%0\n",
        );
        wait_file(&log, want.as_bytes());
    }
}
