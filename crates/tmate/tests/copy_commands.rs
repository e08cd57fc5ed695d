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

use std::time::{Duration, Instant};

use common::{DEADLINE, Mux};

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
