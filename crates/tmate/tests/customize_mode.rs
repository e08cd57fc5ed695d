//! customize-mode (`C-b C`) on attached clients side by side with real tmux 3.3a: the option
//! groups and key tables, each preview (descriptions, values where they come from, colour
//! and style examples), setting, toggling, unsetting and resetting options, and editing,
//! resetting and unbinding keys. The same keys go to both; whole screens are compared row by
//! row, text and style, and the changes are read back with show-options and list-keys.
//! (tmate's own options are listed too, in the server and session groups: the tests keep
//! those groups' tails off the screen.)
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

/// A fixed status-right, no paste detection, tmux's default window-size (tmate's is
/// `smallest`, listed among the window options), a user option.
const CONFIG: &str = "set -g status-right 'R'\nset -g display-time 20000\n\
                      set -g assume-paste-time 0\nset -g window-size latest\n\
                      set -g @mine hello\n";

const DOWN: &[u8] = b"\x1b[B";
const UP: &[u8] = b"\x1b[A";
const RIGHT: &[u8] = b"\x1b[C";

/// Both screens once `check` holds and the preview box is whole (its bottom line drawn).
async fn settle(p: &mut Pair, what: &str, check: impl Fn(&str) -> bool) {
    p.same_screens_when(what, |s| {
        check(s) && s.lines().any(|l| l.starts_with("└─") && l.ends_with("─┘"))
    })
    .await;
}

/// Search the tree for an item named `name` (`/`), as a user finds an option.
async fn find(p: &mut Pair, name: &str) {
    p.open(b"/", "(search)").await;
    let mut typed = name.as_bytes().to_vec();
    typed.push(b'\r');
    p.send(&typed).await;
    let title = format!("┌ {name} ");
    settle(p, &format!("the preview of {name}"), |s| s.contains(&title)).await;
}

/// A prompt's text replaced by `value` (C-u clears it, as in tmux's emacs keys) and entered.
async fn answer(p: &mut Pair, keys: &[u8], prompt: &str, value: &str) {
    p.open(keys, prompt).await;
    let mut typed = b"\x15".to_vec();
    typed.extend_from_slice(value.as_bytes());
    typed.push(b'\r');
    p.send(&typed).await;
}

async fn open_mode(p: &mut Pair) {
    p.send(b"\x02C").await;
    settle(p, "the groups and key tables", |s| {
        s.starts_with("(0) + Server Options") && s.contains("+ Key Table - root")
    })
    .await;
}

#[tokio::test]
async fn customize_mode_lists_and_previews_as_tmux() {
    let mut p = Pair::start_shown(CONFIG, Some("cat")).await;
    for m in &p.muxes {
        m.run(&["set", "-t", "main", "status-style", "bg=red"]);
        m.run(&["set", "-w", "-t", "main:0", "pane-border-style", "fg=blue"]);
        m.run(&["set", "-p", "-t", "main:0.0", "remain-on-exit", "on"]);
        m.run(&["set", "-g", "status-left", "#{session_name}x"]);
    }
    open_mode(&mut p).await;
    // Previews of a long description, a colour, a style held by the window and a value held
    // by the pane (with the values it hides); then the session group: the user option
    // first, a format that expands, a value held by the session shown with its scope. (Each
    // found item is the list's last row; tmate's own options sort after these.)
    find(&mut p, "aggressive-resize").await;
    find(&mut p, "clock-mode-colour").await;
    find(&mut p, "pane-border-style").await;
    find(&mut p, "remain-on-exit").await;
    find(&mut p, "@mine").await;
    find(&mut p, "status-format").await;
    p.send(RIGHT).await;
    p.send(DOWN).await;
    settle(&mut p, "an array's item", |s| {
        s.contains("┌ status-format[0] ")
    })
    .await;
    find(&mut p, "status-left").await;
    find(&mut p, "status-style").await;
    // H hides the global values: only the session's, window's and pane's own are left.
    p.send(b"H").await;
    settle(&mut p, "the global values hidden", |s| {
        !s.contains("status-left:") && s.contains("(session main)")
    })
    .await;
    // Key tables: a key's lines and its preview.
    p.send(b"H").await;
    find(&mut p, "Key Table - prefix").await;
    p.send(RIGHT).await;
    p.send(DOWN).await;
    p.send(RIGHT).await;
    settle(&mut p, "a key's lines", |s| {
        s.contains("Command: send-prefix")
    })
    .await;
}

#[tokio::test]
async fn customize_mode_sets_options_as_tmux() {
    let mut p = Pair::start_shown(CONFIG, Some("cat")).await;
    open_mode(&mut p).await;
    // s: a colour asked for, set on the session (the value was global).
    find(&mut p, "display-panes-active-colour").await;
    answer(
        &mut p,
        b"s",
        "(display-panes-active-colour, for session main) red",
        "green",
    )
    .await;
    settle(&mut p, "the session's own colour", |s| {
        s.contains("(session main) green")
    })
    .await;
    let args = ["show", "-v", "-t", "main", "display-panes-active-colour"];
    assert_eq!(p.run_both(&args), "green\n");
    // A bad value: tmux's error on the status line, nothing set.
    answer(
        &mut p,
        b"s",
        "(display-panes-active-colour, for session main) green",
        "nocolour",
    )
    .await;
    p.status("the error", |r| r.starts_with("Bad colour: nocolour"))
        .await;
    assert_eq!(p.run_both(&args), "green\n");
    // d resets it: the session's value goes, the global one shows again.
    p.open(b"d", "Reset display-panes-active-colour to default?")
        .await;
    p.send(b"y").await;
    settle(&mut p, "the colour reset", |s| {
        s.contains("display-panes-active-colour: red")
    })
    .await;
    assert_eq!(
        p.run_both(&["show", "-t", "main", "display-panes-active-colour"]),
        ""
    );
    // Enter toggles a flag on the session; u unsets it again.
    find(&mut p, "renumber-windows").await;
    p.send(b"\r").await;
    settle(&mut p, "the flag on", |s| {
        s.contains("renumber-windows: (session main) on")
    })
    .await;
    assert_eq!(
        p.run_both(&["show", "-v", "-t", "main", "renumber-windows"]),
        "on\n"
    );
    p.open(b"u", "Unset renumber-windows?").await;
    p.send(b"y").await;
    settle(&mut p, "the flag unset", |s| {
        s.contains("renumber-windows: off")
    })
    .await;
    // S steps a choice globally.
    find(&mut p, "mode-keys").await;
    p.send(b"S").await;
    settle(&mut p, "the choice stepped", |s| {
        s.contains("mode-keys: vi")
    })
    .await;
    assert_eq!(p.run_both(&["show", "-gwv", "mode-keys"]), "vi\n");
    // A user option set on the session over its global value.
    find(&mut p, "@mine").await;
    answer(&mut p, b"s", "(@mine, for session main) hello", "bye").await;
    settle(&mut p, "the user option", |s| {
        s.contains("@mine: (session main) bye")
    })
    .await;
    assert_eq!(p.run_both(&["show", "-v", "-t", "main", "@mine"]), "bye\n");
    assert_eq!(p.run_both(&["show", "-gv", "@mine"]), "hello\n");
    // An array gets a new item at its first free index, where the array is (global here).
    find(&mut p, "status-format").await;
    answer(&mut p, b"s", "(status-format[+], global)", "extra").await;
    p.send(RIGHT).await;
    p.send(DOWN).await;
    p.send(DOWN).await;
    p.send(DOWN).await;
    settle(&mut p, "the array's new item", |s| {
        s.contains("status-format[2]: extra") && s.contains("┌ status-format[2] ")
    })
    .await;
    assert_eq!(p.run_both(&["show", "-gv", "status-format[2]"]), "extra\n");
}

#[tokio::test]
async fn customize_mode_edits_key_bindings_as_tmux() {
    let mut p = Pair::start_shown(CONFIG, Some("cat")).await;
    open_mode(&mut p).await;
    // The prefix table's first key (C-b) and its command line.
    find(&mut p, "Key Table - prefix").await;
    p.send(RIGHT).await;
    p.send(DOWN).await;
    p.send(RIGHT).await;
    p.send(DOWN).await;
    settle(&mut p, "the command line", |s| {
        s.contains("Command: send-prefix")
    })
    .await;
    answer(&mut p, b"\r", "(C-b) send-prefix", "display hi").await;
    settle(&mut p, "the new command", |s| {
        s.contains("Command: display-message hi") && s.contains("The default is: send-prefix")
    })
    .await;
    let key = ["list-keys", "-T", "prefix", "C-b"];
    assert_eq!(
        p.run_both(&key),
        "bind-key -T prefix C-b display-message hi\n"
    );
    // A command that does not parse: tmux's error, the binding kept.
    answer(&mut p, b"\r", "(C-b) display-message hi", "nosuchcmd").await;
    p.status("the error", |r| r.starts_with("Unknown command: nosuchcmd"))
        .await;
    assert_eq!(
        p.run_both(&key),
        "bind-key -T prefix C-b display-message hi\n"
    );
    // Its note, then its repeat flag.
    p.send(DOWN).await;
    answer(&mut p, b"\r", "(C-b) Send the prefix key", "my note").await;
    settle(&mut p, "the new note", |s| s.contains("Note: my note")).await;
    p.send(DOWN).await;
    p.send(b"\r").await;
    settle(&mut p, "the key repeats", |s| {
        s.contains("This key does repeat.")
    })
    .await;
    assert_eq!(
        p.run_both(&key),
        "bind-key -r -T prefix C-b display-message hi\n"
    );
    // d puts the default back (command, repeat and note).
    p.send(UP).await;
    p.open(b"d", "Reset C-b to default?").await;
    p.send(b"y").await;
    settle(&mut p, "the default binding", |s| {
        s.contains("Command: send-prefix") && s.contains("Send the prefix key.")
    })
    .await;
    assert_eq!(p.run_both(&key), "bind-key -T prefix C-b send-prefix\n");
    // u unbinds a key.
    find(&mut p, "C-o").await;
    p.open(b"u", "Unset C-o?").await;
    p.send(b"y").await;
    settle(&mut p, "the key gone", |s| !s.contains("C-o")).await;
    for m in &p.muxes {
        let out = m.run_output(&["list-keys", "-T", "prefix", "C-o"]);
        assert!(!out.status.success(), "{out:?}");
    }
}
