//! Copy-mode searches, the frozen copy and view mode against real tmux 3.3a, with a client
//! attached to each on a pty and their screens compared row by row, text and style: regular
//! expression and plain searches up and down (the match and current-match styles, the
//! `(N results) [oy/hsize]` indicator, marks cleared by a movement), the copy not following
//! new output until `refresh-from-pane`, run-shell output and config errors in view mode.
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

const COLS: u16 = 60;
const ROWS: u16 = 12;

/// A pane that prints `text` (printf format) and then waits, reading nothing it is sent.
fn printing(text: &str) -> String {
    format!("printf '{text}'; exec sleep 1000")
}

/// `args` on both servers (tmux first), outputs compared.
fn both(p: &Pair, args: &[&str]) -> String {
    p.run_both(args)
}

const LINES: &str = "alpha foo1 bar\\nbeta foo22 gamma foo333\\nFoo4 end\\nfoo5\\n";

async fn started(keys: &str) -> Pair {
    let config = format!("set -g mode-keys {keys}\n");
    let mut p = Pair::start(&config, COLS, ROWS, Some(&printing(LINES))).await;
    p.same_screens_when("the printed lines", |s| s.contains("foo5"))
        .await;
    both(&p, &["copy-mode"]);
    p.same_screens_when("copy mode", |s| s.contains("[0/0]"))
        .await;
    p
}

#[tokio::test]
async fn regex_search_up_and_down_with_emacs_keys_marks_like_tmux() {
    let mut p = started("emacs").await;
    // Lower case: either case matches (Foo4 too); five matches, the last one current.
    both(&p, &["send", "-X", "search-backward", "foo[0-9]+"]);
    p.same_screens_when("five results", |s| s.contains("(5 results)"))
        .await;
    let cursor = "#{copy_cursor_x},#{copy_cursor_y} #{search_present} #{search_match}";
    both(&p, &["display", "-p", cursor]);
    both(&p, &["send", "-X", "search-again"]);
    p.same_screens_when("the match before", |s| s.contains("(5 results)"))
        .await;
    both(&p, &["display", "-p", cursor]);
    // Forwards from here (emacs: the cursor goes after the match).
    both(&p, &["send", "-X", "search-reverse"]);
    p.same_screens_when("search-reverse", |s| s.contains("(5 results)"))
        .await;
    both(&p, &["display", "-p", cursor]);
    // Upper case is exact: one match.
    both(&p, &["send", "-X", "search-forward", "Foo[0-9]"]);
    p.same_screens_when("one result", |s| s.contains("(1 results)"))
        .await;
    both(&p, &["display", "-p", cursor]);
    // A movement clears the marks with emacs keys.
    both(&p, &["send", "-X", "cursor-left"]);
    p.same_screens_when("marks cleared", |s| !s.contains("results"))
        .await;
    both(&p, &["display", "-p", cursor]);
}

/// A regular expression's match is POSIX's longest at the leftmost place (tmux's regexec):
/// `foo|foo[0-9]+` marks and selects `Foo4`, not `Foo`. (Before: the crate's first
/// alternative, so the emacs cursor stopped after `foo`.)
#[tokio::test]
async fn regex_matches_are_the_longest_like_tmux() {
    let mut p = started("emacs").await;
    let cursor = "#{copy_cursor_x},#{copy_cursor_y} #{search_match}";
    both(&p, &["send", "-X", "search-backward", "foo|foo[0-9]+"]);
    p.same_screens_when("five results", |s| s.contains("(5 results)"))
        .await;
    both(&p, &["display", "-p", cursor]);
    both(&p, &["send", "-X", "search-again"]);
    p.same_screens_when("the match before", |s| s.contains("(5 results)"))
        .await;
    assert_eq!(both(&p, &["display", "-p", cursor]), "0,2 Foo4\n");
    both(&p, &["send", "-X", "search-reverse"]);
    p.same_screens_when("search-reverse", |s| s.contains("(5 results)"))
        .await;
    both(&p, &["display", "-p", cursor]);
}

#[tokio::test]
async fn text_search_with_vi_keys_keeps_marks_on_movement_like_tmux() {
    let mut p = started("vi").await;
    // Plain text: the dot is not a wildcard.
    both(&p, &["send", "-X", "search-backward-text", "a."]);
    p.same_screens_when("no match", |s| s.contains("[0/0]"))
        .await;
    both(&p, &["send", "-X", "search-backward-text", "oo"]);
    p.same_screens_when("five results", |s| s.contains("(5 results)"))
        .await;
    both(&p, &["send", "-X", "search-forward", "o+"]);
    p.same_screens_when("regex forward", |s| s.contains("results)"))
        .await;
    both(&p, &["send", "-X", "search-again"]);
    p.same_screens_when("again", |s| s.contains("results)"))
        .await;
    let cursor = "#{copy_cursor_x},#{copy_cursor_y} #{search_match}";
    both(&p, &["display", "-p", cursor]);
    // vi keys keep the marks over a cursor movement.
    both(&p, &["send", "-X", "cursor-down"]);
    p.same_screens_when("marks kept", |s| s.contains("results)"))
        .await;
    both(&p, &["send", "-X", "cancel"]);
    p.same_screens_when("left copy mode", |s| !s.contains("results"))
        .await;
    // The pane keeps its search string (`#{pane_search_string}`), and a new copy mode
    // repeats it upwards with search-again.
    both(&p, &["display", "-p", "#{pane_search_string}"]);
    both(&p, &["copy-mode"]);
    both(&p, &["send", "-X", "search-again"]);
    p.same_screens_when("search-again in a new copy mode", |s| {
        s.contains("results)")
    })
    .await;
}

#[tokio::test]
async fn a_match_across_a_wrapped_line_like_tmux() {
    // 60 columns: the word is cut by the right edge and continues on the next row. Printed
    // once the client has attached (the file `go`): a line printed while the window shrinks
    // to the client's width is rewrapped with the cursor on it, which puts its first row
    // into the history (in tmux too), and the two servers would each race differently.
    let fill = "x".repeat(57);
    let command = format!(
        "while [ ! -e go ]; do sleep 0.05; done; printf '{fill}needle here\\nneedle two\\n'; \
         exec sleep 1000"
    );
    let mut p = Pair::start("", COLS, ROWS, Some(&command)).await;
    for m in &p.muxes {
        m.wait_for(
            &["display", "-p", "#{window_width}"],
            "the client's width",
            |w| w == "60\n",
        );
        std::fs::write(m.dir.path().join("go"), "").unwrap();
    }
    p.same_screens_when("the printed lines", |s| s.contains("two"))
        .await;
    both(&p, &["copy-mode"]);
    both(&p, &["send", "-X", "search-backward", "needle"]);
    p.same_screens_when("two results", |s| s.contains("(2 results)"))
        .await;
    both(&p, &["send", "-X", "search-again"]);
    p.same_screens_when("the wrapped match", |s| s.contains("(2 results)"))
        .await;
    both(&p, &["display", "-p", "#{copy_cursor_x},#{copy_cursor_y}"]);
}

#[tokio::test]
async fn copy_mode_keeps_its_copy_until_refresh_from_pane_like_tmux() {
    // The pane prints more once a file `go` appears in its directory.
    let command = "printf 'first line\\n'; while [ ! -e go ]; do sleep 0.05; done; \
                   printf 'new output\\n'; exec sleep 1000";
    let mut p = Pair::start("", COLS, ROWS, Some(command)).await;
    p.same_screens_when("the first line", |s| s.contains("first line"))
        .await;
    both(&p, &["copy-mode"]);
    p.same_screens_when("copy mode", |s| s.contains("[0/0]"))
        .await;
    for m in &p.muxes {
        std::fs::write(m.dir.path().join("go"), "").unwrap();
        m.wait_for(&["capture-pane", "-p"], "the new output in the pane", |s| {
            s.contains("new output")
        });
    }
    // Still the copy taken on entering, on both.
    p.same_screens_when("the frozen copy", |s| !s.contains("new output"))
        .await;
    both(&p, &["send", "-X", "refresh-from-pane"]);
    p.same_screens_when("refreshed", |s| s.contains("new output"))
        .await;
    both(&p, &["send", "-X", "cancel"]);
    p.same_screens_when("the live pane", |s| !s.contains("[0/0]"))
        .await;
}

#[tokio::test]
async fn run_shell_output_goes_to_view_mode_like_tmux() {
    let mut p = Pair::start("", COLS, ROWS, Some(&printing("pane text\\n"))).await;
    p.same_screens_when("the pane", |s| s.contains("pane text"))
        .await;
    both(&p, &["run-shell", "echo a; echo b"]);
    p.same_screens_when("the output", |s| s.lines().any(|l| l.trim_end() == "b"))
        .await;
    both(&p, &["display", "-p", "#{pane_in_mode} #{pane_mode}"]);
    // More output is added below in the same view; a failing command says so.
    let out = p.muxes.iter().map(|m| {
        m.run_output(&["run-shell", "printf 'c\\033[31mred\\033[m\\n'; exit 3"])
            .status
            .code()
    });
    let codes: Vec<_> = out.collect();
    assert_eq!(codes[1], codes[0], "run-shell's exit status");
    p.same_screens_when("the failure", |s| s.contains("returned 3"))
        .await;
    both(&p, &["send", "-X", "cancel"]);
    p.same_screens_when("the pane again", |s| !s.contains("returned"))
        .await;
}

/// run-shell output goes through one terminal for the view's life (tmux's `writing` screen
/// and its input parser): colours and attributes set on one line carry to the next ones, and
/// to the next command's lines, until reset.
#[tokio::test]
async fn run_shell_colours_carry_from_line_to_line_like_tmux() {
    let mut p = Pair::start("", COLS, ROWS, Some(&printing("pane text\\n"))).await;
    p.same_screens_when("the pane", |s| s.contains("pane text"))
        .await;
    both(
        &p,
        &[
            "run-shell",
            "printf '\\033[31;1mred\\nstill red\\033[44m\\non blue\\033[m\\nplain\\n'",
        ],
    );
    p.same_screens_when("the output", |s| s.contains("plain"))
        .await;
    both(&p, &["run-shell", "printf '\\033[4;32munder\\n'"]);
    p.same_screens_when("the second", |s| s.contains("under"))
        .await;
    both(
        &p,
        &["run-shell", "printf 'still under\\033[m\\nplain again\\n'"],
    );
    p.same_screens_when("the third", |s| s.contains("plain again"))
        .await;
}

#[tokio::test]
async fn config_errors_show_in_view_mode_like_tmux() {
    // A parse error refuses the whole file (tmux 3.3a): one error, from line 2.
    let config = "set -g status-left x\nno-such-command\nset -g no-such-option 1\n";
    let mut p = Pair::start(config, 100, ROWS, None).await;
    for c in &mut p.clients {
        c.wait_text("the error", |s| s.contains("no-such-command"))
            .await;
    }
    // The config's path differs (same length): compared as DIR.
    let rows = |i: usize| -> Vec<String> {
        let dir = p.muxes[i].dir.path().to_string_lossy().into_owned();
        (0..ROWS)
            .map(|r| p.clients[i].styled_row(r).replace(&dir, "DIR"))
            .collect()
    };
    assert_eq!(rows(1), rows(0), "tmate (left) differs from tmux (right)");
    both(&p, &["display", "-p", "#{pane_mode}"]);
}

#[tokio::test]
async fn incremental_search_prompt_like_tmux() {
    // C-b [ then C-s (emacs keys): the prompt searches as the text is typed. No
    // assume-paste-time: tmux would take keys read together for pasted text.
    let config = "set -g assume-paste-time 0\n";
    let mut p = Pair::start(config, COLS, ROWS, Some(&printing(LINES))).await;
    p.same_screens_when("the printed lines", |s| s.contains("foo5"))
        .await;
    p.send(b"\x02[").await;
    p.same_screens_when("copy mode", |s| s.contains("[0/0]"))
        .await;
    p.open(b"\x13", "(search down)").await;
    p.send(b"fo").await;
    p.same_screens_when("typed fo", |s| s.contains("(5 results)"))
        .await;
    p.send(b"o3").await;
    p.same_screens_when("typed foo3", |s| s.contains("(1 results)"))
        .await;
    // Backspace searches again for the shorter text from where the search began.
    p.send(b"\x7f").await;
    p.same_screens_when("back to foo", |s| s.contains("(5 results)"))
        .await;
    // C-r repeats it upwards; Enter closes the prompt and keeps the position.
    p.send(b"\x12").await;
    p.same_screens_when("C-r", |s| s.contains("(5 results)"))
        .await;
    p.send(b"\r").await;
    p.same_screens_when("prompt closed", |s| !s.contains("(search"))
        .await;
    both(&p, &["display", "-p", "#{copy_cursor_x},#{copy_cursor_y}"]);
}

#[tokio::test]
async fn a_bound_commands_output_goes_to_view_mode_like_tmux() {
    // No assume-paste-time: tmux would take a Y read with its C-b for pasted text.
    let config = "set -g assume-paste-time 0\nbind-key X show-options -g status-keys\n\
                  bind-key Y show-options -g status-left\n";
    let mut p = Pair::start(config, COLS, ROWS, Some(&printing("pane text\\n"))).await;
    p.same_screens_when("the pane", |s| s.contains("pane text"))
        .await;
    p.send(b"\x02X").await;
    p.same_screens_when("the option", |s| s.contains("status-keys emacs"))
        .await;
    p.send(b"\x02Y").await;
    p.same_screens_when("the second line", |s| s.contains("status-left"))
        .await;
    both(&p, &["display", "-p", "#{pane_mode}"]);
}

#[test]
fn copy_mode_over_view_mode_and_back_like_tmux() {
    let mode = ["display", "-p", "#{pane_in_mode} #{pane_mode}"];
    common::compare_outcomes(&[
        &["new-session", "-d", "-s", "main", "-x", "40", "-y", "10"],
        &["run-shell", "echo a"],
        &mode,
        // Copy mode over the view; cancelling it shows the view again.
        &["copy-mode"],
        &mode,
        &["send", "-X", "cancel"],
        &mode,
        // A view line while in copy mode over a view brings the view back on top.
        &["copy-mode"],
        &["run-shell", "echo b"],
        &mode,
        &["send", "-X", "cancel"],
        &mode,
        &["copy-mode"],
        &mode,
        // -q leaves every mode.
        &["run-shell", "echo c"],
        &["copy-mode", "-q"],
        &mode,
    ]);
}

#[test]
fn vi_star_searches_the_word_under_the_cursor_like_tmux() {
    let word = [
        "display",
        "-p",
        "#{copy_cursor_word}|#{copy_cursor_x},#{copy_cursor_y}",
    ];
    let tmux = common::Mux::tmux();
    let tmate = common::Mux::tmate();
    for m in [&tmux, &tmate] {
        m.run(&[
            "new-session",
            "-d",
            "-s",
            "main",
            "-x",
            "40",
            "-y",
            "10",
            "printf 'one two-x three\\ntwo four\\n'; exec sleep 1000",
        ]);
        m.wait_for(&["capture-pane", "-p"], "the lines", |s| s.contains("four"));
    }
    common::compare_outcomes_on(
        &tmux,
        &tmate,
        &[
            &["set", "-g", "mode-keys", "vi"],
            &["copy-mode"],
            &["send", "-X", "history-top"],
            &["send", "-X", "next-word"],
            &word,
            // `*` and `#` of the vi table: the word under the cursor, down and up.
            &["send", "*"],
            &word,
            &["send", "#"],
            &word,
        ],
    );
}
