//! Copy-mode commands beyond movement and search against real tmux 3.3a: jumps to a
//! character, paragraphs, matching brackets, the mark, select-word, the copy-line and pipe
//! commands with buffer prefixes and `copy-command`; then on attached clients the clipboard
//! (`set-clipboard`, OSC 52 both ways) and double and triple clicks. The same steps on both,
//! outputs (copy state, buffers, files the pipes wrote, what reached the client) compared.
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

use common::{DEADLINE, Mux};
use tmate_fixtures::pty_client::PtyClient;

/// Copy state as tmux's formats show it.
const STATE: &str = "#{pane_in_mode} #{scroll_position} #{copy_cursor_x} #{copy_cursor_y} \
     #{selection_present} #{selection_start_x} #{selection_start_y} #{selection_end_x} #{selection_end_y}";

/// What the shell prints: brackets on one line, a blank line, a paragraph of two lines.
const TEXT: &str = "printf 'a(b[c]d)e f.g\\n\\nxx yy-zz\\nzz {q} w\\n'";

/// A 60x10 session whose shell has printed `TEXT` and shows its prompt again.
fn start(m: &Mux, mode_keys: &str) {
    m.run(&["new-session", "-d", "-s", "main", "-x", "60", "-y", "10"]);
    m.run(&["set", "-g", "mode-keys", mode_keys]);
    // The shell's prompt is `$ `, or `# ` for root.
    m.wait_for(&["capture-pane", "-p"], "prompt", |s| {
        s.contains(['$', '#'])
    });
    m.run(&["send-keys", TEXT, "Enter"]);
    m.wait_for(&["capture-pane", "-p"], "the printed lines", |s| {
        let lines: Vec<&str> = s.lines().collect();
        lines
            .windows(2)
            .any(|w| w[0] == "zz {q} w" && (w[1] == "$" || w[1] == "#"))
    });
    m.wait_for(
        &["display", "-p", "#{cursor_x}"],
        "cursor after the prompt",
        |s| s == "2\n",
    );
}

/// stdout and stderr of a step.
fn outcome(m: &Mux, step: &[&str]) -> String {
    let out = m.run_output(step);
    let dir = m.dir.path().to_string_lossy().into_owned();
    (String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr))
        .replace(&dir, "DIR")
}

/// Run `steps` on tmux and tmate after `start`; every output must match.
fn compare_after(mode_keys: &str, steps: &[&[&str]]) -> (Mux, Mux) {
    let (a, b) = (Mux::tmux(), Mux::tmate());
    start(&a, mode_keys);
    start(&b, mode_keys);
    for step in steps {
        let (x, y) = (outcome(&a, step), outcome(&b, step));
        assert_eq!(
            y, x,
            "step {step:?}: tmate (left) differs from tmux (right)"
        );
    }
    (a, b)
}

/// The file `name` in the server's temp dir once it holds something (pipes run in the
/// background).
fn wait_file(m: &Mux, name: &str) -> String {
    let path = m.dir.path().join(name);
    let deadline = Instant::now() + DEADLINE;
    loop {
        if let Ok(text) = std::fs::read_to_string(&path)
            && !text.is_empty()
        {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "{}: {name} never written; the directory has {:?}",
            m.program.display(),
            std::fs::read_dir(m.dir.path())
                .map(|d| d.flatten().map(|e| e.file_name()).collect::<Vec<_>>())
                .unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn emacs_jumps_brackets_paragraphs_and_mark() {
    let s: &[&str] = &["display", "-p", STATE];
    let x = |cmd: &'static str| -> Vec<&'static str> { vec!["send", "-X", cmd] };
    let steps: Vec<Vec<&str>> = vec![
        vec!["copy-mode"],
        x("top-line"),
        x("cursor-down"),
        s.to_vec(),
        vec!["send", "-X", "jump-forward", "("],
        s.to_vec(),
        vec!["send", "-X", "jump-forward", "]"],
        s.to_vec(),
        x("jump-again"),
        s.to_vec(),
        vec!["send", "-X", "jump-backward", "b"],
        s.to_vec(),
        x("jump-reverse"),
        s.to_vec(),
        vec!["send", "-X", "jump-to-forward", ")"],
        s.to_vec(),
        vec!["send", "-X", "jump-to-backward", "("],
        s.to_vec(),
        vec!["send", "-X", "-N", "2", "jump-forward", "."],
        s.to_vec(),
        x("start-of-line"),
        x("next-matching-bracket"),
        s.to_vec(),
        x("previous-matching-bracket"),
        s.to_vec(),
        vec!["send", "-X", "jump-forward", "["],
        x("next-matching-bracket"),
        s.to_vec(),
        x("next-paragraph"),
        s.to_vec(),
        x("next-paragraph"),
        s.to_vec(),
        x("previous-paragraph"),
        s.to_vec(),
        x("previous-paragraph"),
        s.to_vec(),
        x("set-mark"),
        x("cursor-down"),
        x("cursor-down"),
        x("end-of-line"),
        s.to_vec(),
        x("jump-to-mark"),
        s.to_vec(),
        x("jump-to-mark"),
        s.to_vec(),
        // Keys through the table: f, ; and M-} as a user types them.
        vec!["send", "C-a", "f", "y"],
        s.to_vec(),
        vec!["send", "M-{"],
        s.to_vec(),
        // Outside a command's argument count tmux does nothing.
        vec!["send", "-X", "cursor-down", "extra"],
        vec!["send", "-X", "jump-forward"],
        vec!["send", "-X", "begin-selection"],
        x("cursor-right"),
        vec!["send", "-X", "copy-selection", "a", "b"],
        s.to_vec(),
        vec!["list-buffers"],
    ];
    let steps: Vec<&[&str]> = steps.iter().map(Vec::as_slice).collect();
    compare_after("emacs", &steps);
}

#[test]
fn vi_brackets_words_and_lines_copied() {
    let s: &[&str] = &["display", "-p", STATE];
    let x = |cmd: &'static str| -> Vec<&'static str> { vec!["send", "-X", cmd] };
    let steps: Vec<Vec<&str>> = vec![
        vec!["copy-mode"],
        x("top-line"),
        x("cursor-down"),
        // vi's % looks along the line for a bracket, and from a closing one goes back.
        x("next-matching-bracket"),
        s.to_vec(),
        x("next-matching-bracket"),
        s.to_vec(),
        vec!["send", "-X", "jump-to-forward", "e"],
        s.to_vec(),
        x("select-word"),
        s.to_vec(),
        x("copy-selection"),
        vec!["show-buffer"],
        x("cursor-down"),
        x("cursor-down"),
        vec!["send", "-X", "jump-forward", "-"],
        x("select-word"),
        s.to_vec(),
        x("cursor-right"),
        x("cursor-right"),
        s.to_vec(),
        x("copy-selection"),
        vec!["show-buffer"],
        x("copy-line"),
        vec!["show-buffer"],
        x("start-of-line"),
        x("cursor-right"),
        x("copy-end-of-line"),
        vec!["show-buffer"],
        s.to_vec(),
        vec!["send", "-X", "-N", "2", "copy-line", "two"],
        vec!["list-buffers", "-F", "#{buffer_name}:#{buffer_sample}"],
        x("cursor-up"),
        x("select-line"),
        x("cursor-down"),
        s.to_vec(),
        vec!["send", "-X", "copy-selection-and-cancel", "mine"],
        vec!["show-buffer", "-b", "mine0"],
        s.to_vec(),
    ];
    let steps: Vec<&[&str]> = steps.iter().map(Vec::as_slice).collect();
    compare_after("vi", &steps);
}

#[test]
fn pipes_and_copy_command() {
    let s: &[&str] = &["display", "-p", STATE];
    let x = |cmd: &'static str| -> Vec<&'static str> { vec!["send", "-X", cmd] };
    let steps: Vec<Vec<&str>> = vec![
        vec!["set", "-g", "copy-command", "cat > from-option"],
        vec!["copy-mode"],
        x("top-line"),
        x("cursor-down"),
        x("begin-selection"),
        vec!["send", "-X", "jump-forward", "e"],
        // pipe: to the command only, no buffer; the selection goes.
        vec!["send", "-X", "pipe", "cat > piped"],
        s.to_vec(),
        vec!["list-buffers"],
        x("begin-selection"),
        x("end-of-line"),
        vec!["send", "-X", "pipe-no-clear", "cat > kept"],
        s.to_vec(),
        // copy-pipe with no command: copy-command, and a buffer named by the prefix.
        vec!["send", "-X", "copy-pipe", "", "opt"],
        vec!["list-buffers", "-F", "#{buffer_name}:#{buffer_sample}"],
        x("cursor-down"),
        x("cursor-down"),
        vec!["send", "-X", "copy-pipe-line", "cat > line-#{pane_index}"],
        vec!["show-buffer"],
        s.to_vec(),
        // append-selection: onto the newest buffer, which keeps its name.
        x("begin-selection"),
        x("cursor-left"),
        x("append-selection"),
        vec!["list-buffers", "-F", "#{buffer_name}:#{buffer_sample}"],
        vec!["send", "-X", "pipe-and-cancel", "cat > cancelled"],
        s.to_vec(),
    ];
    let steps: Vec<&[&str]> = steps.iter().map(Vec::as_slice).collect();
    let (a, b) = compare_after("emacs", &steps);
    for file in ["piped", "kept", "from-option", "line-0"] {
        let tmux_text = wait_file(&a, file);
        assert_eq!(wait_file(&b, file), tmux_text, "{file}");
    }
    // pipe-and-cancel without a selection still runs its command (stdin empty).
    for m in [&a, &b] {
        let path = m.dir.path().join("cancelled");
        let deadline = Instant::now() + DEADLINE;
        while !path.exists() {
            assert!(
                Instant::now() < deadline,
                "{}: never ran",
                m.program.display()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

#[test]
fn capture_pane_alternate_screen() {
    let (a, b) = (Mux::tmux(), Mux::tmate());
    for m in [&a, &b] {
        start(m, "emacs");
    }
    let both = |step: &[&str]| {
        let (x, y) = (outcome(&a, step), outcome(&b, step));
        assert_eq!(y, x, "{step:?}: tmate (left) differs from tmux (right)");
    };
    // No alternate screen yet: an error, or nothing with -q.
    both(&["capture-pane", "-a", "-p"]);
    both(&["capture-pane", "-a", "-q", "-p"]);
    for m in [&a, &b] {
        m.run(&[
            "send-keys",
            "printf '\\033[?1049h\\033[Hon the alternate screen'; cat",
            "Enter",
        ]);
        m.wait_for(&["capture-pane", "-p"], "the alternate screen", |s| {
            s.starts_with("on the alternate screen")
        });
    }
    both(&["capture-pane", "-p"]);
    // -a: the normal screen under it, its rows only (tmux's saved grid has no history).
    both(&["capture-pane", "-a", "-p"]);
    both(&["capture-pane", "-a", "-p", "-S", "1", "-E", "3"]);
    both(&["capture-pane", "-a", "-p", "-S", "-5"]);
    both(&["capture-pane", "-a", "-b", "alt"]);
    both(&["show-buffer", "-b", "alt"]);
}

/// Type `bytes` (a mouse event that enters copy mode) until the pane is in a mode: tmux may
/// drop input that arrives while it still waits for the terminal's answers.
async fn enter_copy_mode_with(c: &mut PtyClient, m: &Mux, bytes: &[u8], what: &str) {
    let deadline = Instant::now() + DEADLINE;
    let in_mode = || m.run(&["display", "-p", "#{pane_in_mode}"]) == "1\n";
    loop {
        c.type_bytes(bytes).await;
        let retry = Instant::now() + Duration::from_secs(3);
        while Instant::now() < retry && !in_mode() {
            c.pump(Duration::from_millis(20)).await;
        }
        if in_mode() {
            return;
        }
        assert!(Instant::now() < deadline, "{what} never entered copy mode");
    }
}

/// A 40x11 session `main` whose shell ran `command` until a line reads `last` and the
/// prompt is back, with `mouse on`.
fn mouse_session_after(m: &Mux, command: &str, last: &str) {
    m.run(&["new-session", "-d", "-s", "main", "-x", "40", "-y", "11"]);
    m.wait_for(&["capture-pane", "-p"], "prompt", |s| {
        s.contains(['$', '#'])
    });
    m.run(&["send-keys", command, "Enter"]);
    m.wait_for(&["capture-pane", "-p"], last, |s| {
        s.lines().any(|l| l == last)
    });
    m.wait_for(&["display", "-p", "#{cursor_x}"], "the prompt", |s| {
        s == "2\n"
    });
    m.run(&["set", "-g", "mouse", "on"]);
}

/// A 40x12 client on a session whose shell printed a line of words, with `mouse on` and a
/// hook that counts `pane-set-clipboard`.
async fn clicking_client(m: &Mux) -> PtyClient {
    mouse_session_after(
        m,
        "printf 'alpha beta-gamma delta\\n'",
        "alpha beta-gamma delta",
    );
    m.run(&["set", "-g", "@clips", ""]);
    m.run(&[
        "set-hook",
        "-g",
        "pane-set-clipboard",
        "set -gF @clips '#{@clips}x'",
    ]);
    let mut c = m.attach_client(40, 12);
    c.wait_screen("the session", |s| s.contents().contains("alpha beta"))
        .await;
    // The wheel until copy mode shows the client is read (tmux may drop input that arrives
    // while it still waits for the terminal's answers), then back out.
    enter_copy_mode_with(&mut c, m, b"\x1b[<64;5;5M", "the wheel").await;
    m.run(&["send-keys", "-X", "cancel"]);
    c
}

/// Presses and releases of the left button at 0-based (x, y), `n` times in one write.
async fn clicks(c: &mut PtyClient, x: u16, y: u16, n: usize) {
    let one = format!("\x1b[<0;{};{}M\x1b[<0;{};{}m", x + 1, y + 1, x + 1, y + 1);
    c.type_bytes(one.repeat(n).as_bytes()).await;
}

/// The client's terminal got the clipboard sequence for `text`.
async fn clipboard_sent(c: &mut PtyClient, text: &str) {
    let want = format!("\x1b]52;;{}\x07", base64(text.as_bytes()));
    c.wait_for("the OSC 52", |c| {
        c.raw.windows(want.len()).any(|w| w == want.as_bytes())
    })
    .await;
}

/// Standard base64 (as tmux's `b64_ntop`), written here so the test checks the host's own.
fn base64(data: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Double and triple clicks on a pane and what they copy, the clipboard sequence each copy
/// sends to the client, and a pane's own OSC 52 with `set-clipboard on`.
async fn clicks_and_clipboard(m: &Mux) -> Vec<String> {
    let mut c = clicking_client(m).await;
    let mut seen = Vec::new();
    let buffers = ["list-buffers", "-F", "#{buffer_name}:#{buffer_sample}"];
    // A double click on `gamma` (row 1): copy mode, the word selected, copied 300 ms later.
    clicks(&mut c, 13, 1, 2).await;
    seen.push(m.wait_for(&buffers, "the word copied", |s| !s.is_empty()));
    let word = m.run(&["show-buffer"]);
    clipboard_sent(&mut c, &word).await;
    seen.push(m.wait_for(
        &["display", "-p", "#{pane_in_mode}"],
        "copy mode left",
        |s| s == "0\n",
    ));
    // A triple click: the line.
    clicks(&mut c, 2, 1, 3).await;
    seen.push(m.wait_for(&buffers, "the line copied", |s| s.lines().count() == 2));
    let line = m.run(&["show-buffer"]);
    clipboard_sent(&mut c, &line).await;
    seen.push(
        m.wait_for(&["show", "-gv", "@clips"], "the hook twice", |s| {
            s == "xx\n"
        }),
    );
    // `set-clipboard on`: a pane's OSC 52 makes a buffer and reaches the client.
    m.run(&["set", "-g", "set-clipboard", "on"]);
    m.run(&[
        "send-keys",
        "printf '\\033]52;c;aGVsbG8gdGhlcmU=\\007'",
        "Enter",
    ]);
    seen.push(m.wait_for(&buffers, "the pane's buffer", |s| s.lines().count() == 3));
    clipboard_sent(&mut c, "hello there").await;
    seen.push(m.wait_for(&["show", "-gv", "@clips"], "the hook", |s| s == "xxx\n"));
    // `external`: a pane's OSC 52 is ignored.
    m.run(&["set", "-g", "set-clipboard", "external"]);
    m.run(&[
        "send-keys",
        "printf '\\033]52;c;aWdub3JlZA==\\007'; echo done",
        "Enter",
    ]);
    m.wait_for(&["capture-pane", "-p"], "the printf done", |s| {
        s.lines().any(|l| l == "done")
    });
    seen.push(m.run(&buffers));
    seen
}

#[tokio::test]
async fn double_and_triple_clicks_and_the_clipboard_like_tmux() {
    let a = Mux::tmux();
    let expected = clicks_and_clipboard(&a).await;
    let b = Mux::tmate();
    let got = clicks_and_clipboard(&b).await;
    assert_eq!(got, expected, "tmate (left) differs from tmux (right)");
}

/// Presses and releases of `button` at the status-line text `at`, typed until `probe` prints
/// `want` (tmux may drop input that arrives before it has read the terminal's answers).
async fn click_status(c: &mut PtyClient, m: &Mux, at: &str, button: u32, want: &str) -> String {
    let deadline = Instant::now() + DEADLINE;
    let probe = ["display", "-p", "#{window_index}"];
    loop {
        let row = c.last_row();
        let x = row
            .find(at)
            .unwrap_or_else(|| panic!("{at:?} not in {row:?}"))
            + 1;
        let y = c.rows();
        let seq = format!("\x1b[<{button};{x};{y}M\x1b[<{button};{x};{y}m");
        c.type_bytes(seq.as_bytes()).await;
        let retry = Instant::now() + Duration::from_secs(3);
        while Instant::now() < retry {
            let now = m.run(&probe);
            if now == want {
                return now;
            }
            c.pump(Duration::from_millis(20)).await;
        }
        assert!(Instant::now() < deadline, "{at}: never saw {want:?}");
    }
}

/// Clicks on the status line pick the window whose entry is under the mouse; elsewhere on
/// the line they do nothing.
async fn status_clicks(m: &Mux) -> Vec<String> {
    m.run(&[
        "new-session",
        "-d",
        "-s",
        "main",
        "-n",
        "w0",
        "-x",
        "60",
        "-y",
        "11",
    ]);
    m.run(&["new-window", "-d", "-n", "w1"]);
    m.run(&["new-window", "-d", "-n", "w2"]);
    m.run(&["set", "-g", "mouse", "on"]);
    let mut c = m.attach_client(60, 12);
    c.wait_for("the window list", |c| c.last_row().contains("2:w2"))
        .await;
    let mut seen = vec![
        click_status(&mut c, m, "1:w1", 0, "1\n").await,
        click_status(&mut c, m, "2:w2", 0, "2\n").await,
    ];
    // On `[main]` (status-left) nothing; the click after it on `0:w0` shows both were read.
    let row = c.last_row();
    let x = row.find("main").unwrap() + 1;
    let y = c.rows();
    c.type_bytes(format!("\x1b[<0;{x};{y}M\x1b[<0;{x};{y}m").as_bytes())
        .await;
    seen.push(click_status(&mut c, m, "0:w0", 0, "0\n").await);
    seen.push(m.run(&["display", "-p", "#{window_index} #{last_window_index}"]));
    // The wheel down on an entry: next-window.
    seen.push(click_status(&mut c, m, "2:w2", 65, "1\n").await);
    c.wait_for("the status line", |c| c.last_row().contains("1:w1*"))
        .await;
    assert!(
        !c.last_row().contains("find"),
        "no error on the status line: {}",
        c.last_row()
    );
    seen
}

#[tokio::test]
async fn status_line_clicks_pick_the_window_under_the_mouse_like_tmux() {
    let a = Mux::tmux();
    let expected = status_clicks(&a).await;
    let b = Mux::tmate();
    let got = status_clicks(&b).await;
    assert_eq!(got, expected, "tmate (left) differs from tmux (right)");
}

#[tokio::test]
async fn the_mark_and_a_word_selection_drawn_like_tmux() {
    let command = "printf 'one two-three four\\nfive six\\n'; exec sleep 1000";
    let mut p = pair::Pair::start("", 50, 10, Some(command)).await;
    p.same_screens_when("the printed lines", |s| s.contains("five six"))
        .await;
    p.run_both(&["copy-mode"]);
    p.same_screens_when("copy mode", |s| s.contains("[0/0]"))
        .await;
    p.run_both(&["send", "-X", "top-line"]);
    p.run_both(&["send", "-X", "jump-forward", "t"]);
    // The mark's line in copy-mode-mark-style, its cell with the colours swapped.
    p.run_both(&["send", "-X", "set-mark"]);
    p.run_both(&["send", "-X", "cursor-down"]);
    p.run_both(&["display", "-p", STATE]);
    p.same_screens_when("the mark", |s| s.contains("[0/0]"))
        .await;
    p.run_both(&["set", "-g", "copy-mode-mark-style", "bg=blue,fg=white,bold"]);
    p.run_both(&["send", "-X", "jump-to-mark"]);
    p.run_both(&["display", "-p", STATE]);
    p.same_screens_when("the mark swapped with the cursor", |s| s.contains("[0/0]"))
        .await;
    // select-word on `three`, then a word selection growing by words to the right.
    p.run_both(&["send", "-X", "jump-forward", "h"]);
    p.run_both(&["send", "-X", "select-word"]);
    p.run_both(&["display", "-p", STATE]);
    p.same_screens_when("the word selected", |s| s.contains("[0/0]"))
        .await;
    p.run_both(&["send", "-X", "cursor-right"]);
    p.run_both(&["send", "-X", "cursor-right"]);
    p.run_both(&["send", "-X", "cursor-right"]);
    p.run_both(&["display", "-p", STATE]);
    p.same_screens_when("the selection by words", |s| s.contains("[0/0]"))
        .await;
    p.run_both(&["send", "-X", "copy-selection"]);
    p.run_both(&["show-buffer"]);
}

/// Poll `probe` on `m` until `check` holds, reading the client's output meanwhile (a client
/// whose terminal is not read stops its server's drawing).
async fn poll(
    c: &mut PtyClient,
    m: &Mux,
    probe: &[&str],
    what: &str,
    check: impl Fn(&str) -> bool,
) -> String {
    let deadline = Instant::now() + DEADLINE;
    loop {
        let out = m.run(probe);
        if check(&out) {
            return out;
        }
        assert!(
            Instant::now() < deadline,
            "{}: never saw {what}; last {out:?}",
            m.program.display()
        );
        c.pump(Duration::from_millis(20)).await;
    }
}

/// A mouse drag held on the pane's top row scrolls copy mode up on its own (tmux's 50 ms drag
/// timer), and the release copies what it went over. Returns the copied line count.
async fn drag_to_the_top(m: &Mux) -> usize {
    mouse_session_after(m, "seq 1 100", "100");
    let mut c = m.attach_client(40, 12);
    c.wait_screen("the session", |s| s.contents().contains("100"))
        .await;
    // Press on row 6 and drag a row up: copy mode (typed again if tmux dropped it).
    enter_copy_mode_with(&mut c, m, b"\x1b[<0;4;7M\x1b[<32;4;6M", "the drag").await;
    // To the top row, and held there: the copy scrolls by itself.
    c.type_bytes(b"\x1b[<32;4;1M").await;
    let probe = ["display", "-p", "#{scroll_position}"];
    poll(&mut c, m, &probe, "scrolled up by itself", |s| {
        s.trim().parse::<usize>().is_ok_and(|n| n >= 8)
    })
    .await;
    c.type_bytes(b"\x1b[<0;4;1m").await;
    poll(
        &mut c,
        m,
        &["display", "-p", "#{pane_in_mode}"],
        "copied",
        |s| s == "0\n",
    )
    .await;
    m.run(&["show-buffer"]).lines().count()
}

#[tokio::test]
async fn a_drag_held_at_the_top_scrolls_like_tmux() {
    let a = Mux::tmux();
    let tmux_lines = drag_to_the_top(&a).await;
    let b = Mux::tmate();
    let lines = drag_to_the_top(&b).await;
    // How far each got in its time differs; both copied the lines scrolled over.
    assert!(tmux_lines > 8, "tmux copied {tmux_lines} lines");
    assert!(lines > 8, "tmate copied {lines} lines");
}

#[test]
fn a_panes_clipboard_query_is_answered_like_tmux() {
    let (a, b) = (Mux::tmux(), Mux::tmate());
    for m in [&a, &b] {
        start(m, "emacs");
        m.run(&["set", "-g", "set-clipboard", "on"]);
        m.run(&["set-buffer", "hello"]);
        m.run(&["send-keys", "clear", "Enter"]);
        m.wait_for(
            &["display", "-p", "#{cursor_x},#{cursor_y}"],
            "the prompt on a cleared screen",
            |s| s == "2,0\n",
        );
        // The answer arrives as input: the terminal echoes it, `read` takes it with Enter.
        m.run(&[
            "send-keys",
            "printf '\\033]52;c;?\\007'; IFS= read -r r; echo \"$r\" | od -An -c",
            "Enter",
        ]);
        m.wait_for(&["capture-pane", "-p"], "the answer echoed", |s| {
            s.contains("52;;aGVsbG8=")
        });
        m.run(&["send-keys", "Enter"]);
        m.wait_for(&["capture-pane", "-p"], "od's output", |s| {
            s.contains(" 5   2")
        });
    }
    let (x, y) = (
        a.run(&["capture-pane", "-p"]),
        b.run(&["capture-pane", "-p"]),
    );
    assert_eq!(y, x, "tmate (left) differs from tmux (right)");
}
