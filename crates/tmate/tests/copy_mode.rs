//! Copy mode, paste buffers and the mouse against real tmux 3.3a: the same commands (emacs and
//! vi keys, `send -X` movements, selections, searches, buffers, capture-pane history ranges)
//! on both, outputs compared; then attached clients on ptys (`C-b [`, the position indicator
//! and the selection drawn, mouse wheel, drag-to-copy and clicks with `mouse on`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test stops on what it did not expect"
)]

mod common;

use std::time::{Duration, Instant};

use common::{DEADLINE, Mux};
use tmate_fixtures::pty_client::PtyClient;

/// Copy state as tmux's formats show it.
const STATE: &str =
    "#{pane_in_mode} #{scroll_position} #{copy_cursor_x} #{copy_cursor_y} #{selection_present}";

/// A 40x10 session whose shell has printed `fill` and then `last_line`.
fn start(m: &Mux, mode_keys: &str, fill: &str, last_line: &str) {
    m.run(&["new-session", "-d", "-s", "main", "-x", "40", "-y", "10"]);
    m.run(&["set", "-g", "mode-keys", mode_keys]);
    // Type only once the prompt is there, so that both shells echo the same lines.
    m.wait_for(&["capture-pane", "-p"], "prompt", |s| {
        s.contains(['$', '#'])
    });
    m.run(&["send-keys", fill, "Enter"]);
    // Done when the new prompt follows the output: the cursor is where copy mode starts.
    m.wait_for(&["capture-pane", "-p"], "the filled screen", |s| {
        let lines: Vec<&str> = s.lines().collect();
        lines.windows(2).any(|w| {
            w[0] == last_line && w[1].starts_with(['$', '#']) && w[1].trim_end().len() == 1
        })
    });
    m.wait_for(
        &["display", "-p", "#{cursor_x}"],
        "cursor after the prompt",
        |s| s == "2\n",
    );
}

/// Run `steps` on tmux and tmate after `start`; every output must match.
fn compare_after(mode_keys: &str, fill: &str, last_line: &str, steps: &[&[&str]]) {
    let (a, b) = (Mux::tmux(), Mux::tmate());
    start(&a, mode_keys, fill, last_line);
    start(&b, mode_keys, fill, last_line);
    for step in steps {
        let (x, y) = (a.run_output(step), b.run_output(step));
        let (x, y) = (
            String::from_utf8_lossy(&x.stdout).into_owned() + &String::from_utf8_lossy(&x.stderr),
            String::from_utf8_lossy(&y.stdout).into_owned() + &String::from_utf8_lossy(&y.stderr),
        );
        assert_eq!(
            y, x,
            "step {step:?}: tmate (left) differs from tmux (right)"
        );
    }
}

#[test]
fn emacs_movements_selection_and_buffers() {
    let s: &[&str] = &["display", "-p", STATE];
    compare_after(
        "emacs",
        "seq 1 30",
        "30",
        &[
            &["copy-mode"],
            s,
            &["send", "-X", "cursor-up"],
            &["send", "-X", "page-up"],
            s,
            &["send", "-X", "begin-selection"],
            &["send", "-X", "cursor-up"],
            &["send", "-X", "cursor-left"],
            s,
            &["send", "-X", "copy-selection"],
            &["show-buffer"],
            s,
            &["send", "-X", "history-top"],
            s,
            &["send", "-X", "page-down"],
            &["send", "-X", "halfpage-up"],
            s,
            &["send", "-X", "-N", "3", "scroll-down"],
            &["send", "-X", "goto-line", "5"],
            &["send", "-X", "middle-line"],
            s,
            &["send", "-X", "history-bottom"],
            s,
            &["send", "-X", "start-of-line"],
            &["send", "-X", "select-line"],
            &["send", "-X", "cursor-up"],
            &["send", "-X", "copy-selection-and-cancel"],
            s,
            &["show-buffer"],
            &["list-buffers"],
            // Keys through the copy-mode table (send-keys without -X in a mode).
            &["copy-mode"],
            &["send", "C-p", "C-p", "C-a", "C-Space", "C-n", "C-e"],
            s,
            &["send", "M-w"],
            s,
            &["show-buffer"],
            &["send", "-X", "cancel"],
            &["send", "-X", "cursor-up"],
        ],
    );
}

#[test]
fn words_search_and_rectangle() {
    let s: &[&str] = &["display", "-p", STATE];
    compare_after(
        "emacs",
        "echo 'foo bar-baz qux.quux  end'; echo 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu'; echo last",
        "last",
        &[
            &["copy-mode"],
            &["send", "-X", "history-top"],
            &["send", "-X", "search-forward", "foo"],
            s,
            &["send", "-X", "next-word"],
            &["send", "-X", "next-word"],
            s,
            &["send", "-X", "next-word-end"],
            s,
            &["send", "-X", "previous-word"],
            s,
            &["send", "-X", "begin-selection"],
            &["send", "-X", "next-word"],
            &["send", "-X", "next-word"],
            &["send", "-X", "copy-selection"],
            &["show-buffer"],
            &["send", "-X", "search-forward", "gamma"],
            s,
            &["send", "-X", "search-again"],
            s,
            &["send", "-X", "search-backward", "alpha"],
            &["send", "-X", "search-reverse"],
            s,
            &["send", "-X", "end-of-line"],
            &["send", "-X", "cursor-down"],
            &["send", "-X", "cursor-down"],
            &["send", "-X", "cursor-up"],
            s,
            &["send", "-X", "rectangle-toggle"],
            &["send", "-X", "begin-selection"],
            &["send", "-X", "cursor-up"],
            &["send", "-X", "cursor-left"],
            &["send", "-X", "cursor-left"],
            s,
            &["send", "-X", "copy-selection"],
            &["show-buffer"],
            &["send", "-X", "back-to-indentation"],
            s,
        ],
    );
}

#[test]
fn vi_keys_capture_history_and_buffer_commands() {
    let s: &[&str] = &["display", "-p", STATE];
    compare_after(
        "vi",
        "seq 1 50; echo 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron'",
        "theta iota kappa lambda mu nu xi omicron",
        &[
            &["copy-mode", "-u"],
            s,
            &["send", "k", "k", "k", "Space", "w", "w", "e"],
            s,
            &["send", "o"],
            s,
            &["send", "j", "Enter"],
            s,
            &["show-buffer"],
            &["copy-mode"],
            &["send", "-X", "search-backward", "beta"],
            &["send", "-X", "next-word-end"],
            &["send", "-X", "begin-selection"],
            &["send", "-X", "end-of-line"],
            s,
            &["send", "-X", "copy-selection"],
            &["show-buffer"],
            &["send", "-X", "search-backward", "4"],
            &["send", "n"],
            s,
            &["send", "N"],
            s,
            &["send", "V", "k", "y"],
            s,
            &["show-buffer"],
            &["list-buffers"],
            &["capture-pane", "-p", "-S", "-5", "-E", "2"],
            &["capture-pane", "-p", "-S", "-100", "-E", "-40"],
            &["capture-pane", "-pJ", "-S", "-3"],
            &["capture-pane", "-p", "-E", "-49"],
            &["capture-pane", "-p", "-S", "3", "-E", "1"],
            &["capture-pane", "-p", "-S", "-", "-E", "-48"],
            &["capture-pane", "-b", "cap", "-S", "-2", "-E", "-1"],
            &["show-buffer", "-b", "cap"],
            &["set-buffer", "-b", "named", "hello"],
            &["set-buffer", "-a", "-b", "named", " world"],
            &["set-buffer", "tab\there\\"],
            &["list-buffers"],
            &["list-buffers", "-F", "#{buffer_name}=#{buffer_size}"],
            &["show-buffer", "-b", "nope"],
            &["paste-buffer", "-b", "nope"],
            &["delete-buffer", "-b", "named"],
            &["delete-buffer"],
            &["list-buffers"],
            &["clear-history"],
            &["display", "-p", "#{history_size}"],
            &["capture-pane", "-p", "-S", "-3", "-E", "0"],
            &["send", "-X", "cancel"],
        ],
    );
}

#[test]
fn buffer_limit_and_paste_into_another_pane() {
    let (a, b) = (Mux::tmux(), Mux::tmate());
    let mut outputs = Vec::new();
    for m in [&a, &b] {
        m.run(&["new-session", "-d", "-s", "main", "-x", "60", "-y", "10"]);
        m.run(&["set", "-g", "buffer-limit", "3"]);
        for i in 0..5 {
            // set-buffer without -b makes automatic buffers, which buffer-limit bounds.
            m.run(&["set-buffer", &format!("text{i}")]);
        }
        m.run(&["set-buffer", "-b", "mine", "one\ntwo"]);
        let list = m.run(&["list-buffers"]);
        m.run(&["split-window", "-h", "cat"]);
        // No newline reaches cat (its line stays in the tty), so the screen is only echo.
        m.run(&["paste-buffer", "-b", "mine", "-s", " ", "-t", ".1"]);
        m.wait_for(&["capture-pane", "-p", "-t", ".1"], "first paste", |s| {
            s.contains("one two")
        });
        m.run(&["paste-buffer", "-d", "-s", "+", "-t", ".1"]);
        let pane = m.wait_for(&["capture-pane", "-p", "-t", ".1"], "pasted text", |s| {
            s.contains("one twoone+two")
        });
        outputs.push((list, pane, m.run(&["list-buffers"])));
    }
    assert_eq!(
        outputs[1], outputs[0],
        "tmate (left) differs from tmux (right)"
    );
}

#[test]
fn default_copy_key_tables() {
    let (a, b) = (Mux::tmux(), Mux::tmate());
    for m in [&a, &b] {
        m.run(&["new-session", "-d", "-s", "main"]);
    }
    for table in ["copy-mode", "copy-mode-vi"] {
        // command-prompt bindings use `{ }` blocks we cannot print the same way yet.
        let keep = |out: String| -> Vec<String> {
            out.lines()
                .filter(|l| !l.contains("command-prompt"))
                .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
                .collect()
        };
        let x = keep(a.run(&["list-keys", "-T", table]));
        let y = keep(b.run(&["list-keys", "-T", table]));
        assert!(x.len() > 40, "{x:?}");
        assert_eq!(
            x.iter().filter(|l| l.contains("Click1Pane")).count(),
            2,
            "tmux's double and triple click bindings: {x:?}"
        );
        assert_eq!(y, x, "list-keys -T {table}");
    }
}

/// What these tests do with an attached client beyond the shared kit's.
trait CopyModeClient {
    async fn type_until(&mut self, m: &Mux, keys: &[u8], probe: &[&str], want: &str) -> String;
    async fn mouse(&mut self, button: u32, x: u16, y: u16, release: bool);
}

impl CopyModeClient for PtyClient {
    /// Type `keys` until `probe` prints `want`. tmux 3.3a sometimes loses a key typed while
    /// it still waits for the terminal's answers to its start-up queries; a key is typed
    /// again only when nothing changed for 3 s, far longer than handling one key takes.
    async fn type_until(&mut self, m: &Mux, keys: &[u8], probe: &[&str], want: &str) -> String {
        let deadline = Instant::now() + DEADLINE;
        let before = m.run(probe);
        loop {
            self.type_bytes(keys).await;
            let retry = Instant::now() + Duration::from_secs(3);
            while Instant::now() < retry {
                let now = m.run(probe);
                if now == want {
                    return now;
                }
                assert!(now == before, "{probe:?}: {now:?}, not {want:?}");
                assert!(
                    Instant::now() < deadline,
                    "never saw {want:?} for {probe:?}"
                );
                // Drain the client's output so that it never blocks on a full pty.
                self.pump(Duration::from_millis(20)).await;
            }
        }
    }

    /// An SGR mouse report at 0-based (x, y).
    async fn mouse(&mut self, button: u32, x: u16, y: u16, release: bool) {
        let end = if release { 'm' } else { 'M' };
        let seq = format!("\x1b[<{button};{};{}{end}", x + 1, y + 1);
        self.type_bytes(seq.as_bytes()).await;
    }
}

/// Fill a session's single pane with `seq 1 40` and attach a 40x12 client to it.
async fn attached(m: &Mux) -> PtyClient {
    m.run(&["new-session", "-d", "-s", "main", "-x", "40", "-y", "11"]);
    m.wait_for(&["capture-pane", "-p"], "prompt", |s| {
        s.contains(['$', '#'])
    });
    m.run(&["send-keys", "seq 1 40", "Enter"]);
    m.wait_for(&["capture-pane", "-p"], "seq output", |s| {
        s.lines().any(|l| l == "40")
    });
    // The prompt after it: copy mode starts at the cursor.
    m.wait_for(&["display", "-p", "#{cursor_x}"], "the next prompt", |s| {
        s == "2\n"
    });
    let mut c = m.attach_client(40, 12);
    c.wait_screen("the session", |s| s.contents().contains("40"))
        .await;
    c
}

/// `C-b [`, arrows, C-Space, PageUp/PageDown and M-w typed on an attached client: the copy
/// state after each step and the copied buffer (the screen is checked on tmate only).
async fn bracket_keys(m: &Mux, check_screen: bool) -> Vec<String> {
    let mut c = attached(m).await;
    let mut seen = Vec::new();
    let state = |m: &Mux| m.run(&["display", "-p", STATE]);
    seen.push(
        c.type_until(m, b"\x02[", &["display", "-p", "#{pane_in_mode}"], "1\n")
            .await,
    );
    let hsize = m.run(&["display", "-p", "#{history_size}"]);
    if check_screen {
        let indicator = format!("[0/{}]", hsize.trim());
        c.wait_screen("position indicator", |s| {
            s.contents()
                .lines()
                .next()
                .unwrap_or("")
                .ends_with(&indicator)
        })
        .await;
        // The indicator is drawn in mode-style (black on yellow) at the top right.
        let cell = c.screen.screen().cell(0, 39).unwrap().clone();
        assert_eq!(cell.contents(), "]");
        assert_eq!(cell.bgcolor(), vt100::Color::Idx(3));
    }
    for want in ["9\n", "8\n", "7\n"] {
        let probe = ["display", "-p", "#{copy_cursor_y}"];
        seen.push(c.type_until(m, b"\x1b[A", &probe, want).await);
    }
    let probe = ["display", "-p", "#{selection_present} #{copy_cursor_y}"];
    seen.push(c.type_until(m, b"\x00", &probe, "1 7\n").await);
    seen.push(c.type_until(m, b"\x1b[A", &probe, "1 6\n").await);
    seen.push(c.type_until(m, b"\x1b[A", &probe, "1 5\n").await);
    seen.push(m.run(&["display", "-p", STATE]));
    if check_screen {
        c.wait_screen("selection drawn", |s| {
            s.cell(6, 0)
                .is_some_and(|c| c.bgcolor() == vt100::Color::Idx(3))
        })
        .await;
    }
    // A new mode-style is used from the next redraw of copy mode.
    m.run(&["set", "-g", "mode-style", "bg=red,fg=white"]);
    let probe = ["display", "-p", "#{scroll_position}"];
    let scrolled = c.type_until(m, b"\x1b[5~", &probe, "9\n").await;
    seen.push(scrolled.clone());
    if check_screen {
        let want = format!("[{}/{}]", scrolled.trim(), hsize.trim());
        c.wait_screen("scrolled indicator", |s| {
            s.contents()
                .lines()
                .next()
                .is_some_and(|l| l.ends_with(&want))
                && s.cell(0, 39)
                    .is_some_and(|c| c.bgcolor() == vt100::Color::Idx(1))
        })
        .await;
    }
    seen.push(c.type_until(m, b"\x1b[6~", &probe, "0\n").await);
    seen.push(state(m));
    let probe = ["display", "-p", "#{pane_in_mode}"];
    seen.push(c.type_until(m, b"\x1bw", &probe, "0\n").await);
    seen.push(m.run(&["show-buffer"]));
    if check_screen {
        // The live screen again: no indicator, the shell's prompt on the last row.
        c.wait_screen("live screen", |s| {
            !s.contents().contains("[0/")
                && s.contents_between(10, 0, 10, 40).starts_with(['#', '$'])
        })
        .await;
    }
    seen
}

#[tokio::test]
async fn prefix_bracket_keys_indicator_and_selection_like_tmux() {
    let a = Mux::tmux();
    let expected = bracket_keys(&a, false).await;
    let b = Mux::tmate();
    let got = bracket_keys(&b, true).await;
    assert_eq!(got, expected, "tmate (left) differs from tmux (right)");
}

/// The same mouse gestures on an attached tmux and tmate: the outputs of `probe` after each.
async fn mouse_gestures(m: &Mux) -> Vec<String> {
    let mut c = attached(m).await;
    let mut seen = Vec::new();
    let probe = |m: &Mux| m.run(&["display", "-p", "#{pane_in_mode} #{scroll_position}"]);
    m.run(&["set", "-g", "mouse", "on"]);
    // Wheel up: copy mode; again: five lines up; wheel down to the bottom leaves (-e).
    c.mouse(64, 5, 5, false).await;
    seen.push(
        m.wait_for(&["display", "-p", "#{pane_in_mode}"], "copy mode", |s| {
            s == "1\n"
        }),
    );
    c.mouse(64, 5, 5, false).await;
    seen.push(
        m.wait_for(&["display", "-p", "#{scroll_position}"], "scrolled", |s| {
            s == "5\n"
        }),
    );
    c.mouse(65, 5, 5, false).await;
    seen.push(
        m.wait_for(&["display", "-p", "#{pane_in_mode}"], "left", |s| {
            s == "0\n"
        }),
    );
    seen.push(probe(m));
    // Drag over a line: copy mode, the selection follows, release copies.
    let row = 4;
    c.mouse(0, 0, row, false).await;
    c.mouse(32, 1, row, false).await;
    c.mouse(32, 2, row, false).await;
    c.mouse(32, 3, row + 1, false).await;
    c.mouse(0, 3, row + 1, true).await;
    seen.push(
        m.wait_for(&["list-buffers", "-F", "#{buffer_size}"], "copied", |s| {
            !s.is_empty()
        }),
    );
    seen.push(m.run(&["show-buffer"]));
    seen.push(probe(m));
    // Click in the other pane of a split selects it.
    m.run(&["split-window", "-h"]);
    m.wait_for(&["display", "-p", "#{pane_index}"], "split", |s| s == "1\n");
    c.mouse(0, 2, 2, false).await;
    c.mouse(0, 2, 2, true).await;
    seen.push(
        m.wait_for(&["display", "-p", "#{pane_index}"], "clicked", |s| {
            s == "0\n"
        }),
    );
    // Drag the border two columns left.
    let width = m.run(&["display", "-p", "-t", ".0", "#{pane_width}"]);
    let border: u16 = width.trim().parse().unwrap();
    c.mouse(0, border, 3, false).await;
    c.mouse(32, border - 1, 3, false).await;
    c.mouse(32, border - 2, 3, false).await;
    c.mouse(0, border - 2, 3, true).await;
    let want = format!("{}\n", border - 2);
    seen.push(m.wait_for(
        &["display", "-p", "-t", ".0", "#{pane_width}"],
        "border dragged",
        |s| s == want,
    ));
    seen
}

#[tokio::test]
async fn mouse_wheel_drag_click_and_border_like_tmux() {
    let a = Mux::tmux();
    let expected = mouse_gestures(&a).await;
    let b = Mux::tmate();
    let got = mouse_gestures(&b).await;
    assert_eq!(got, expected, "tmate (left) differs from tmux (right)");
}

#[tokio::test]
async fn mouse_off_sends_reports_to_the_pane() {
    let m = Mux::tmate();
    let mut c = attached(&m).await;
    // A program that asked for the mouse gets the report; copy mode is not entered.
    m.run(&[
        "send-keys",
        "printf '\\033[?1000h\\033[?1006h'; cat -v",
        "Enter",
    ]);
    m.wait_for(&["display", "-p", "#{mouse_any_flag}"], "mouse mode", |s| {
        s == "1\n"
    });
    c.mouse(64, 3, 3, false).await;
    m.wait_for(&["capture-pane", "-p"], "the report in the pane", |s| {
        s.contains("^[[<64;4;4M")
    });
    assert_eq!(m.run(&["display", "-p", "#{pane_in_mode}"]), "0\n");
}
