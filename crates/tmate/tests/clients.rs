//! Attached clients seen by commands, compared with real tmux 3.3a attached the same way:
//! list-clients (its default template and client formats) and switch-client.
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

/// Each side's output of `args` with its client's terminal path written `NAME` (the ptys
/// differ).
fn masked(p: &Pair, args: &[&str]) -> [String; 2] {
    [0, 1].map(|i| {
        let m = &p.muxes[i];
        let name = m.run(&["display", "-p", "-t", "main", "#{client_name}"]);
        let name = name.trim();
        assert!(!name.is_empty(), "no client name");
        m.run(args).replace(name, "NAME")
    })
}

#[tokio::test]
async fn list_clients_matches_tmux() {
    let p = Pair::start("", 80, 24, Some("cat")).await;
    let [tmux, tmate] = masked(&p, &["list-clients"]);
    assert_eq!(tmate, tmux);
    assert!(tmux.starts_with("NAME: main [80x24 "), "{tmux}");
    let fmt = "#{line} #{client_name} #{client_tty} #{client_width}x#{client_height} \
               #{client_termname} #{client_utf8} #{client_control_mode} #{session_name}";
    let [tmux, tmate] = masked(&p, &["list-clients", "-F", fmt]);
    assert_eq!(tmate, tmux);
    let [tmux, tmate] = masked(&p, &["list-clients", "-t", "main", "-F", "#{client_flags}"]);
    assert_eq!(tmate, tmux);
}

/// A client's terminal names its session in targets, as tmux 3.3a's `cmd_find_get_session`
/// (after an exact session name, before a prefix): with and without `/dev/`, in a
/// `session:window` path, and (for `-c`) with one trailing colon. (Before: `can't find`.)
#[tokio::test]
async fn a_clients_terminal_names_its_session() {
    let p = Pair::start("", 80, 24, Some("cat")).await;
    for m in &p.muxes {
        m.run(&["new-session", "-d", "-s", "other", "-n", "w1", "cat"]);
    }
    for i in [0, 1] {
        let m = &p.muxes[i];
        let name = m.run(&["display", "-p", "-t", "main", "#{client_name}"]);
        let name = name.trim().to_string();
        let short = name.strip_prefix("/dev/").expect("a terminal under /dev");
        let with_colon = format!("{name}:");
        let window = format!("{short}:0");
        let exact = format!("={name}");
        let outs: Vec<String> = [
            vec!["display", "-p", "-t", &name, "#S #I"],
            vec!["display", "-p", "-t", short, "#S #I"],
            vec!["display", "-p", "-t", &window, "#S #I"],
            vec!["display", "-p", "-t", &exact, "#S"],
            vec!["has-session", "-t", short],
            vec!["display", "-p", "-c", &with_colon, "#{client_name}"],
            vec!["display", "-p", "-t", "other", "#S"],
            vec!["has-session", "-t", "/dev/nope"],
        ]
        .iter()
        .map(|args| {
            let o = m.run_output(args);
            format!(
                "{:?} {} {}",
                o.status.code(),
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            )
        })
        .collect();
        let expected = [
            "Some(0) main 0\n ",
            "Some(0) main 0\n ",
            "Some(0) main 0\n ",
            // `=` asks for a session named so exactly: display-message goes on without one.
            "Some(0) \n ",
            "Some(0)  ",
            &format!("Some(0) {name}\n "),
            "Some(0) other\n ",
            "Some(1)  can't find session: /dev/nope\n",
        ];
        assert_eq!(outs, expected, "{}", ["tmux", "tmate"][i]);
    }
}

/// Attached, the client's terminal is asked for its device attributes and version as tmux
/// 3.3a asks it (`ESC [ > c`, `ESC [ > q`); the answers set `#{client_termtype}` and the
/// features tmux adds for them, and never reach the pane. (Before: no queries, an empty
/// `client_termtype`.)
#[tokio::test]
async fn terminal_answers_set_the_client_type_as_tmux() {
    let mut p = Pair::start("", 80, 24, Some("cat")).await;
    for c in &mut p.clients {
        c.wait_for("the terminal queries", |c| {
            let queries: &[u8] = b"\x1b[>c\x1b[>q";
            c.raw.windows(queries.len()).any(|w| w == queries)
        })
        .await;
    }
    // An xterm's answers, the second cut in two reads.
    p.send(b"\x1b[>41;388;0c\x1bP>|XTerm(").await;
    p.send(b"388)\x1b\\").await;
    p.wait_both(
        &["display", "-p", "-t", "main", "#{client_termtype}"],
        "the terminal's version",
        |out| out == "XTerm(388)\n",
    );
    let features = p.run_both(&["display", "-p", "-t", "main", "#{client_termfeatures}"]);
    assert!(
        features.contains("extkeys") && features.contains("rectfill"),
        "{features}"
    );
    // Nothing of the answers was typed into the pane.
    p.send(b"typed").await;
    p.wait_text("the typed keys", "typed").await;
    p.same_screens(None, "the pane after the answers").await;
    for c in &p.clients {
        let screen = c.screen.screen().contents();
        assert!(
            !screen.contains("XTerm") && !screen.contains("388"),
            "{screen}"
        );
    }
}

/// switch-client -T: the client's next key is looked up in that table once (then the root
/// table again), a missing table is an error, and -l/-n with one session answer as tmux.
#[tokio::test]
async fn switch_client_key_tables_match_tmux() {
    let config = "bind -T mytable x display-message -d 0 'in-mytable'\n";
    let mut p = Pair::start(config, 80, 24, Some("cat")).await;
    p.run_both(&["switch-client", "-T", "mytable"]);
    p.send(b"x").await;
    p.status("the table's binding ran", |r| r.contains("in-mytable"))
        .await;
    // The message stays until a key; that key goes to the pane through the root table.
    p.send(b"y").await;
    p.send(b"x").await;
    for c in &mut p.clients {
        c.wait_for("the keys in the pane", |c| {
            c.screen.screen().contents().contains("yx")
        })
        .await;
    }
    p.same_rows(0..24, "after the key table");
    same_failures(
        &p,
        &[
            &["switch-client", "-T", "nosuch"],
            &["switch-client", "-l"],
            &["switch-client", "-n"],
        ],
    );
}

/// The client hooks see the client (`#{hook_client}`, its terminal's path) as tmux 3.3a's do.
#[tokio::test]
async fn client_hooks_name_the_client() {
    let config = "set-hook -g client-attached 'set -gF @attached \"#{hook}:#{hook_client}\"'
set-hook -g client-resized 'set -gF @resized \"#{hook}:#{hook_client}\"'
";
    let mut p = Pair::start(config, 80, 24, Some("cat")).await;
    for c in &mut p.clients {
        c.resize(100, 30);
    }
    // -q: the option does not exist until the hook has run (`show` would fail meanwhile).
    p.wait_both(&["show", "-gqv", "@resized"], "the resize hook", |s| {
        s.starts_with("client-resized:")
    });
    let [tmux, tmate] = masked(&p, &["show", "-gv", "@attached"]);
    assert_eq!(tmate, tmux);
    assert_eq!(tmux, "client-attached:NAME\n");
    let [tmux, tmate] = masked(&p, &["show", "-gv", "@resized"]);
    assert_eq!(tmate, tmux);
}

/// Both sides' status lines show session `name`, then their whole screens are compared (once
/// the rest has arrived).
async fn shows_session(p: &mut Pair, name: &str) {
    let start = format!("[{name}]");
    let what = format!("the client in {name}");
    for c in &mut p.clients {
        c.wait_for(&what, |c| c.last_row().starts_with(&start))
            .await;
    }
    p.same_screens(None, &what).await;
}

/// tmux takes a key that comes soon after the session's last activity (a switch counts) as
/// pasted text and sends it to the pane: keys here are typed one at a time, as a user does.
const NO_PASTE: &str = "set -g assume-paste-time 0\n";

/// Each command of `commands` run on both servers ends with the same status and stderr.
fn same_failures(p: &Pair, commands: &[&[&str]]) {
    for args in commands {
        let outs = [0, 1].map(|i| {
            let o = p.muxes[i].run_output(args);
            (
                o.status.code(),
                String::from_utf8_lossy(&o.stderr).into_owned(),
            )
        });
        assert_eq!(outs[1], outs[0], "{args:?}: tmate (left) differs from tmux");
    }
}

/// switch-client from key bindings (-t, -n, -p, -l), from the command prompt and from the
/// command line moves the attached client to the other session, drawn as tmux 3.3a draws it.
#[tokio::test]
async fn switch_client_moves_the_client_between_sessions() {
    let config = format!(
        "{NO_PASTE}bind -n F5 switch-client -t other
bind -n F6 switch-client -n
bind -n F7 switch-client -p
bind -n F8 switch-client -l
bind -n F9 command-prompt
"
    );
    let mut p = Pair::start(&config, 80, 24, Some("cat")).await;
    shows_session(&mut p, "main").await;
    for m in &p.muxes {
        m.run(&["new-session", "-d", "-s", "other", "-n", "w1", "cat"]);
        m.run(&["new-session", "-d", "-s", "third", "-n", "w2", "cat"]);
        m.run(&["send-keys", "-t", "other", "in other", "Enter"]);
    }
    p.send(b"\x1b[15~").await;
    shows_session(&mut p, "other").await;
    p.wait_text("the other session's pane", "in other").await;
    p.send(b"\x1b[17~").await;
    shows_session(&mut p, "third").await;
    p.send(b"\x1b[19~").await;
    shows_session(&mut p, "other").await;
    p.send(b"\x1b[18~").await;
    shows_session(&mut p, "main").await;
    p.open(b"\x1b[20~", ":").await;
    p.send(b"switch-client -t third\r").await;
    shows_session(&mut p, "third").await;
    p.run_both(&["switch-client", "-t", "other"]);
    shows_session(&mut p, "other").await;
    let fmt = "#{session_name} #{client_session} #{client_last_session}";
    assert_eq!(
        p.run_both(&["list-clients", "-F", fmt]),
        "other other third\n"
    );
    // The one session's own next and previous: none but itself.
    for m in &p.muxes {
        m.run(&["kill-session", "-t", "main"]);
        m.run(&["kill-session", "-t", "third"]);
    }
    same_failures(&p, &[&["switch-client", "-n"], &["switch-client", "-p"]]);
}

/// client-session-changed as tmux 3.3a raises it (attaching, switch-client -t/-n/-l,
/// attach-session and new-session from a key binding, the client's session killed with
/// `detach-on-destroy off`), with `#{hook_client}` and `#{client_last_session}` as tmux's.
#[tokio::test]
async fn client_session_changed_hook_as_tmux() {
    let config = NO_PASTE.to_string()
        + "set-hook -g client-session-changed 'set -gaF @c \"#{hook}:#{hook_client}:\
#{hook_session_name}:#{session_name}:#{client_last_session}|\"'
bind -n F5 attach-session -t other
bind -n F6 new-session -s fresh -n wf cat
";
    let mut p = Pair::start(&config, 80, 24, Some("cat")).await;
    shows_session(&mut p, "main").await;
    for m in &p.muxes {
        m.run(&["new-session", "-d", "-s", "other", "-n", "w1", "cat"]);
        m.run(&["new-session", "-d", "-s", "third", "-n", "w2", "cat"]);
    }
    p.run_both(&["switch-client", "-t", "other"]);
    p.run_both(&["switch-client", "-n"]);
    p.run_both(&["switch-client", "-l"]);
    shows_session(&mut p, "other").await;
    p.send(b"\x1b[15~").await;
    let count = |n: usize| move |s: &str| s.matches('|').count() == n;
    p.wait_both(&["show", "-gqv", "@c"], "attach-session's hook", count(5));
    p.send(b"\x1b[17~").await;
    shows_session(&mut p, "fresh").await;
    p.wait_both(&["show", "-gqv", "@c"], "new-session's hook", count(6));
    p.run_both(&["kill-session", "-t", "third"]);
    p.run_both(&["kill-session", "-t", "other"]);
    p.run_both(&["set", "-g", "detach-on-destroy", "off"]);
    p.run_both(&["kill-session", "-t", "fresh"]);
    shows_session(&mut p, "main").await;
    p.wait_both(&["show", "-gqv", "@c"], "kill-session's hook", count(7));
    let [tmux, tmate] = masked(&p, &["show", "-gv", "@c"]);
    assert_eq!(tmate, tmux);
    let h = "client-session-changed:NAME:";
    assert_eq!(
        tmux,
        format!(
            "{h}:main:|{h}:other:main|{h}:third:other|{h}:other:third|{h}:other:other|\
             {h}:fresh:other|{h}:main:|\n"
        )
    );
}

/// With focus-events on, a focus report is tmux 3.3a's FocusIn/FocusOut key: no table can
/// bind it (`unknown key: FocusIn`), and like a key bound nowhere it ends the prefix (the
/// next key goes to the pane), clears the status message and closes display-panes.
#[tokio::test]
async fn focus_reports_are_keys_bound_nowhere() {
    let config = NO_PASTE.to_string()
        + "set -g focus-events on
set -g status-right '#{?client_prefix,PFX,---}'
";
    let mut p = Pair::start(&config, 80, 24, Some("cat")).await;
    p.status("the status line", |r| r.ends_with("---")).await;
    for args in [
        &["bind", "-n", "FocusIn", "display", "x"][..],
        &["bind", "FocusOut", "display", "x"],
    ] {
        let outs = [0, 1].map(|i| {
            let o = p.muxes[i].run_output(args);
            (
                o.status.code(),
                String::from_utf8_lossy(&o.stderr).into_owned(),
            )
        });
        assert_eq!(outs[1], outs[0], "{args:?}: tmate (left) differs from tmux");
    }
    p.send(b"\x02").await;
    p.status("the prefix", |r| r.ends_with("PFX")).await;
    p.send(b"\x1b[O").await;
    p.status("the prefix ended", |r| r.ends_with("---")).await;
    p.send(b"c").await;
    p.same_screens_when("c in the pane", |s| s.starts_with('c'))
        .await;
    p.run_both(&["display-message", "-d", "0", "a message"]);
    p.status("the message", |r| r.starts_with("a message"))
        .await;
    p.send(b"\x1b[I").await;
    p.status("the message cleared", |r| r.ends_with("---"))
        .await;
    p.run_both(&["display-panes", "-b", "-d", "0"]);
    // display-panes writes the pane's size in its corner.
    p.wait_text("display-panes", "80x23").await;
    p.send(b"\x1b[O").await;
    p.same_screens_when("display-panes closed", |s| !s.contains("80x23"))
        .await;
    assert_eq!(
        p.run_both(&["list-windows", "-F", "#{window_index}"]),
        "0\n"
    );
}

/// tmux 3.3a's `Any` key: bound in a table, it catches the keys that table does not bind,
/// focus reports included; a single-key prompt (`command-prompt -k`) is answered `FocusIn`.
#[tokio::test]
async fn any_key_catches_unbound_keys_and_focus_reports() {
    let config = NO_PASTE.to_string()
        + "set -g focus-events on
set -g status-right '#{?client_prefix,PFX,---}'
bind -T mytable Any display-message 'any in mytable'
bind -T mytable x display-message 'x in mytable'
";
    let mut p = Pair::start(&config, 80, 24, Some("cat")).await;
    p.status("the status line", |r| r.ends_with("---")).await;
    p.run_both(&["list-keys", "-T", "mytable"]);
    p.run_both(&["switch-client", "-T", "mytable"]);
    p.send(b"z").await;
    p.status("Any's binding", |r| r.starts_with("any in mytable"))
        .await;
    // Back in root: an unbound key goes to the pane.
    p.send(b"y").await;
    p.same_screens_when("y in the pane", |s| s.starts_with('y'))
        .await;
    p.run_both(&["switch-client", "-T", "mytable"]);
    p.send(b"x").await;
    p.status("x's own binding", |r| r.starts_with("x in mytable"))
        .await;
    p.run_both(&["bind", "-n", "Any", "display-message", "root any"]);
    p.send(b"\x1b[I").await;
    p.status("a focus report caught", |r| r.starts_with("root any"))
        .await;
    p.run_both(&["unbind", "-n", "Any"]);
    p.run_both(&[
        "command-prompt",
        "-b",
        "-k",
        "-p",
        "key",
        "display-message 'got %%'",
    ]);
    p.status("the prompt", |r| r.starts_with("key")).await;
    p.send(b"\x1b[O").await;
    p.status("the answer", |r| r.starts_with("got FocusOut"))
        .await;
    p.same_screens(None, "after the prompt").await;
}

/// A session destroyed under its client (its last pane killed): with `detach-on-destroy off`
/// the client goes to the least recently active other session, with `no-detached` to such a
/// session no client shows, as tmux 3.3a.
#[tokio::test]
async fn destroyed_session_moves_its_client() {
    for (value, to) in [("off", "other"), ("no-detached", "third")] {
        let config = format!(
            "{NO_PASTE}set -g detach-on-destroy {value}
bind -n F5 switch-client -t third
bind -n F8 switch-client -l
"
        );
        let mut p = Pair::start(&config, 80, 24, Some("cat")).await;
        shows_session(&mut p, "main").await;
        let mut seconds = Vec::new();
        for m in &p.muxes {
            m.run(&["new-session", "-d", "-s", "other", "-n", "w1", "cat"]);
            m.run(&["new-session", "-d", "-s", "third", "-n", "w2", "cat"]);
            let mut c = m.client_on_pty(80, 24, &["attach", "-t", "other"]);
            c.wait_text("the second client", |s| s.contains("[other]"))
                .await;
            seconds.push(c);
        }
        // third is now more recently active than other, which has a client.
        p.send(b"\x1b[15~").await;
        shows_session(&mut p, "third").await;
        p.send(b"\x1b[19~").await;
        shows_session(&mut p, "main").await;
        p.run_both(&["kill-pane", "-t", "main:0.0"]);
        shows_session(&mut p, to).await;
    }
}

/// A client's terminal resized: its window is resized, raising window-layout-changed and
/// window-resized after client-resized, as in tmux 3.3a.
#[tokio::test]
async fn a_client_resize_raises_the_window_hooks() {
    let mut config = String::new();
    for h in ["client-resized", "window-layout-changed", "window-resized"] {
        config.push_str(&format!("set-hook -g {h} 'set -gaF @log \"#{{hook}}|\"'\n"));
    }
    let mut p = Pair::start(&config, 80, 24, Some("cat")).await;
    // What attaching raised (the window took the client's size) is not what is compared.
    p.wait_both(&["show", "-gqv", "@log"], "the attach's resize", |s| {
        s.contains("window-resized")
    });
    p.run_both(&["set", "-gu", "@log"]);
    for c in &mut p.clients {
        c.resize(100, 30);
    }
    let want = "client-resized|window-layout-changed|window-resized|\n";
    p.wait_both(&["show", "-gqv", "@log"], "the resize's hooks", |s| {
        s == want
    });
}

/// destroy-unattached: a session left without clients is destroyed when a client moves or
/// goes (a command client too), and the server ends with the last one, as tmux 3.3a.
#[tokio::test]
async fn destroy_unattached_as_tmux() {
    let config = format!("{NO_PASTE}bind -n F5 switch-client -t other\n");
    let mut p = Pair::start(&config, 80, 24, Some("cat")).await;
    shows_session(&mut p, "main").await;
    for m in &p.muxes {
        m.run(&["new-session", "-d", "-s", "other", "-n", "w1", "cat"]);
        m.run(&["new-session", "-d", "-s", "extra", "-n", "w2", "cat"]);
        m.run(&["set", "-t", "main", "destroy-unattached", "on"]);
    }
    p.send(b"\x1b[15~").await;
    shows_session(&mut p, "other").await;
    let names = ["list-sessions", "-F", "#{session_name}"];
    p.wait_both(&names, "main destroyed", |s| s == "extra\nother\n");
    // Gone as soon as the command client that set it has.
    p.run_both(&["set", "-t", "extra", "destroy-unattached", "on"]);
    p.wait_both(&names, "extra destroyed", |s| s == "other\n");
    p.run_both(&["set", "-t", "other", "destroy-unattached", "on"]);
    p.run_both(&["detach-client"]);
    for m in &p.muxes {
        m.wait_for_failure(&["list-sessions"], "the server gone with its last session");
    }
}

/// A client that pressed the prefix and is moved by another client's switch-client goes
/// back to its default key table, as tmux 3.3a.
#[tokio::test]
async fn switch_client_from_elsewhere_ends_the_prefix() {
    let config = "set -g status-right '#{?client_prefix,PFX,---}'\n";
    let mut p = Pair::start(config, 80, 24, Some("cat")).await;
    p.status("the status line", |r| r.ends_with("---")).await;
    for m in &p.muxes {
        m.run(&["new-session", "-d", "-s", "other", "-n", "w1", "cat"]);
    }
    p.send(b"\x02").await;
    p.status("the prefix", |r| r.ends_with("PFX")).await;
    p.run_both(&["switch-client", "-t", "other"]);
    p.status("in other without the prefix", |r| {
        r.starts_with("[other]") && r.ends_with("---")
    })
    .await;
}
