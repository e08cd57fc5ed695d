//! Options, config files and key tables against tmux 3.3a: `show-options` values after a
//! config, `list-keys` lines of default bindings and of user ones, and config error messages.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test stops on what it did not expect"
)]

mod common;

use std::collections::BTreeMap;

use common::Mux;

const CONFIG: &str = "\
# a comment line
set -g base-index 1
set -g status-left 'x y '
set -g prefix C-a
set -g mouse on
set -s escape-time 10
set -g display-time 2000
set -g history-limit 5000
set -g status-keys vi
set -g repeat-time 700
set -g renumber-windows on
set -g status-right \"#{pane_title} \\\"q\\\"\"
setw -g mode-keys vi
setw -g pane-base-index 1
set -gw remain-on-exit on
set -g @user \"a b\"
set -g status-left-length \\
  20
set -ga status-left 'z'
";

/// `name value` lines keyed by name.
fn by_name(out: &str) -> BTreeMap<String, String> {
    out.lines()
        .filter_map(|l| {
            l.split_once(' ')
                .map(|(n, _)| (n.to_string(), l.to_string()))
        })
        .collect()
}

#[test]
fn show_options_after_config_match_tmux() {
    let a = Mux::tmux().with_config(CONFIG);
    let b = Mux::tmate().with_config(CONFIG);
    for m in [&a, &b] {
        m.run(&["new-session", "-d"]);
    }
    let mut compared = 0;
    for flags in ["-g", "-gw", "-s"] {
        let (x, y) = (
            by_name(&a.run(&["show", flags])),
            by_name(&b.run(&["show", flags])),
        );
        for (name, line) in &y {
            // The editor comes from the environment of whoever started the server;
            // `window-size` defaults to tmate's `smallest` (tmux: `latest`).
            if name == "editor" || name == "window-size" {
                continue;
            }
            if let Some(theirs) = x.get(name) {
                assert_eq!(line, theirs, "show {flags}");
                compared += 1;
            }
        }
    }
    assert!(compared > 80, "only {compared} options in common");
    for args in [
        &["show", "-gv", "status-left"][..],
        &["show", "-g", "base"],
        &["show", "-g", "@user"],
        &["show", "-gw", "mode-keys"],
        &["show", "status"],
        &["list-windows", "-F", "#{window_index}"],
        &["list-panes", "-F", "#{pane_index}"],
    ] {
        assert_eq!(b.run(args), a.run(args), "{args:?}");
    }
    // Errors: unknown option, bad values, -q, -o, -u.
    for args in [
        &["set", "-g", "nonexist", "x"][..],
        &["set", "-g", "base-index", "abc"],
        &["set", "-g", "base-index", "-5"],
        &["set", "-g", "status", "maybe"],
        &["set", "-g", "prefix", "Foo"],
        &["set", "-go", "@user", "x"],
        &["set", "-gq", "nonexist", "x"],
        &["set", "-gu", "base-index"],
        &["set", "-g", "status"],
        &["show", "-g", "@missing"],
        &["show", "-g", "status"],
        &["show", "-g", "base-index"],
    ] {
        let (x, y) = (a.run_output(args), b.run_output(args));
        assert_eq!(y.status.code(), x.status.code(), "{args:?}");
        assert_eq!(
            String::from_utf8_lossy(&y.stderr),
            String::from_utf8_lossy(&x.stderr),
            "{args:?}"
        );
        assert_eq!(y.stdout, x.stdout, "{args:?}");
    }
}

#[test]
fn tmate_options_have_the_original_defaults() {
    let m = Mux::tmate();
    m.run(&["new-session", "-d"]);
    let show = |o: &str| m.run(&["show", "-gv", o]);
    assert_eq!(show("tmate-server-host"), "ssh.tmate.io\n");
    assert_eq!(show("tmate-server-port"), "22\n");
    assert_eq!(
        show("tmate-server-ed25519-fingerprint"),
        "SHA256:jfttvoypkHiQYUqUCwKeqd9d1fJj/ZiQlFOHVl6E9sI\n"
    );
    assert_eq!(show("tmate-display-time"), "15000\n");
    assert_eq!(show("tmate-foreground-restart"), "1\n");
    m.run(&["set", "-g", "tmate-server-host", "relay.example"]);
    assert_eq!(show("tmate-server-host"), "relay.example\n");
    let out = m.run_output(&["set", "-g", "tmate-server-port", "70000"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "value is too large: 70000\n"
    );
}

#[test]
fn list_keys_match_tmux() {
    let (a, b) = (Mux::tmux(), Mux::tmate());
    for m in [&a, &b] {
        m.run(&["new-session", "-d"]);
        m.run(&["bind", "-T", "mytab", "x", "new-window -n foo"]);
        m.run(&[
            "bind",
            "-r",
            "-T",
            "mytab",
            "y",
            "split-window",
            "-h",
            "\\;",
            "kill-pane",
        ]);
        m.run(&[
            "bind",
            "-n",
            "F5",
            "select-pane",
            "-t",
            "{left}",
            "\\;",
            "display",
            "hi",
        ]);
        m.run(&["bind", "M-q", "next-window"]);
        // tmux 3.3a's `Any`, which sorts after the characters.
        m.run(&["bind", "-T", "mytab", "any", "display", "caught"]);
        m.run(&["bind", "-T", "mytab", "BSpace", "display", "back"]);
    }
    // Default bindings tmate 2.4 and tmux 3.3a share, and the ones made above.
    let keys = [
        "c", "d", "n", "p", "%", "\"", "o", "l", "\\;", "0", "9", "z", "{", "}", "Up", "Left",
        "M-1", "M-5", "M-Up", "C-Down", "C-b", "PPage", "M-q",
    ];
    for k in keys {
        let args = ["list-keys", "-T", "prefix", k];
        assert_eq!(b.run(&args), a.run(&args), "{args:?}");
    }
    for args in [
        &["list-keys", "-T", "mytab"][..],
        &["list-keys", "-T", "root", "F5"],
        &["list-keys", "-T", "mytab", "Any"],
    ] {
        assert_eq!(b.run(args), a.run(args), "{args:?}");
    }
    for m in [&a, &b] {
        m.run(&["unbind", "-T", "mytab", "x"]);
        m.run(&["unbind", "M-q"]);
    }
    assert_eq!(
        b.run(&["list-keys", "-T", "mytab"]),
        a.run(&["list-keys", "-T", "mytab"])
    );
    for args in [
        &["list-keys", "-T", "nosuch"][..],
        &["unbind", "-T", "nosuch", "x"],
        &["list-keys", "-T", "prefix", "M-q"],
        &["bind", "-T", "mytab", "C-Any", "display", "x"],
    ] {
        let (x, y) = (a.run_output(args), b.run_output(args));
        assert_eq!(y.status.code(), x.status.code(), "{args:?}");
        assert_eq!(
            String::from_utf8_lossy(&y.stderr),
            String::from_utf8_lossy(&x.stderr),
            "{args:?}"
        );
    }
}

#[test]
fn config_errors_name_file_and_line() {
    let (a, b) = (Mux::tmux(), Mux::tmate());
    let text = "set -g base-index 1\n\nfrobnicate now\nset -g display-time 1234\n";
    let mut errs = Vec::new();
    for m in [&a, &b] {
        m.run(&["new-session", "-d"]);
        let path = m.dir.path().join("bad.conf");
        std::fs::write(&path, text).unwrap();
        let out = m.run_output(&["source-file", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1));
        // tmux prints config causes on stdout.
        let err = String::from_utf8_lossy(&out.stdout).into_owned();
        errs.push(err.replace(&*m.dir.path().to_string_lossy(), "DIR"));
        let missing = m.run_output(&["source-file", "-q", "nothing-here.conf"]);
        assert_eq!(missing.status.code(), Some(0));
    }
    assert_eq!(errs[1], errs[0]);
    assert_eq!(errs[0], "DIR/bad.conf:3: unknown command: frobnicate\n");
    // As tmux, a parse error refuses the whole file: nothing of it ran.
    assert_eq!(
        b.run(&["show", "-gv", "display-time"]),
        a.run(&["show", "-gv", "display-time"])
    );

    // Start-up config errors are kept for show-messages; the good lines took effect.
    let c = Mux::tmate().with_config("set -g status-keys nope\nset -g base-index 3\n");
    c.run(&["new-session", "-d"]);
    assert_eq!(c.run(&["list-windows", "-F", "#{window_index}"]), "3\n");
    let log = c.run(&["show-messages"]);
    assert!(log.contains("test.conf:1: unknown value: nope"), "{log}");
}

/// A config read before any session: `%if`/`%elif`/`%else`/`%endif` (quoted and bare
/// conditions, nesting) and `if-shell` (shell and `-F`) without a target, as tmux 3.3a loads
/// them: the same user options end up set.
#[test]
fn config_conditionals_and_if_shell_before_any_session_match_tmux() {
    const CONDITIONAL: &str = "\
%if \"#{==:a,a}\"
set -g @a yes
%elif 1
set -g @a elif
%else
set -g @a no
%endif
%if \"0\"
set -g @b no
%elif \"1\"
set -g @b elif
%if 0
set -g @b nested
%endif
%endif
%if #{!=:x,x}
set -g @c no
%else
set -g @c else
%endif
if-shell true 'set -g @d then' 'set -g @d else'
if-shell false 'set -g @e then' 'set -g @e else'
if-shell -F '#{==:1,1}' 'set -g @f yes'
run-shell true
set -g @last done
";
    let names = ["@a", "@b", "@c", "@d", "@e", "@f", "@last"];
    let mut seen = Vec::new();
    for m in [Mux::tmux(), Mux::tmate()] {
        let m = m.with_config(CONDITIONAL);
        let started = m.run_output(&["new-session", "-d"]);
        // No config error on either stream (tmux prints a start-up config's causes there).
        assert!(started.status.success());
        assert_eq!(String::from_utf8_lossy(&started.stdout), "");
        assert_eq!(String::from_utf8_lossy(&started.stderr), "");
        // A shell test finishes after the config returns; wait for the last one's effect.
        m.wait_for(&["show", "-g"], "@e set", |out| out.contains("@e "));
        let values: Vec<String> = names
            .iter()
            .map(|n| m.run(&["show", "-gv", n]).trim_end().to_string())
            .collect();
        seen.push(values);
    }
    assert_eq!(
        seen[0],
        ["yes", "elif", "else", "then", "else", "yes", "done"]
    );
    assert_eq!(seen[1], seen[0]);
}

/// `new-session` in a config makes a detached session (no terminal to attach yet), and later
/// lines see it: `start-server` with such a config leaves the session running, as tmux 3.3a.
#[test]
fn config_new_session_is_detached_and_seen_by_later_lines_like_tmux() {
    const WITH_SESSION: &str =
        "new-session -s cfg\nsetenv -t cfg CFGVAR 1\nrename-window -t cfg:0 named\n";
    let mut seen = Vec::new();
    for m in [Mux::tmux(), Mux::tmate()] {
        let m = m.with_config(WITH_SESSION);
        let started = m.run_output(&["start-server"]);
        assert!(started.status.success(), "{started:?}");
        seen.push((
            m.run(&["list-sessions", "-F", "#{session_name} #{session_windows}"]),
            m.run(&["show-environment", "-t", "cfg", "CFGVAR"]),
            m.run(&["list-windows", "-t", "cfg", "-F", "#{window_name}"]),
        ));
    }
    assert_eq!(seen[0].0, "cfg 1\n");
    assert_eq!(seen[1], seen[0]);
}

/// `source-file` with a glob (sorted matches, one erroring), `-n` (checked, not run), `-q` on
/// a pattern that matches nothing, and the same without `-q`: outputs and statuses as tmux's.
#[test]
fn source_file_globs_and_parse_only_match_tmux() {
    let mut seen = Vec::new();
    for m in [Mux::tmux(), Mux::tmate()] {
        let dir = m.dir.path().to_path_buf();
        std::fs::write(dir.join("g1.conf"), "set -g @g1 one\n").unwrap();
        std::fs::write(dir.join("g2.conf"), "set -g @g2 two\nbogus\n").unwrap();
        std::fs::write(dir.join("n.conf"), "set -g @n1 x\nsplit-window -Q\n").unwrap();
        m.run(&["new-session", "-d"]);
        let mut outputs = Vec::new();
        for args in [
            vec![
                "source-file".to_string(),
                format!("{}/g*.conf", dir.display()),
            ],
            // @g1, not @g2: tmux refuses all of g2.conf over its unknown command, as we do.
            vec!["show".into(), "-gv".into(), "@g1".into()],
            vec![
                "source-file".into(),
                "-n".into(),
                format!("{}/n.conf", dir.display()),
            ],
            vec!["show".into(), "-gv".into(), "@n1".into()],
            vec![
                "source-file".into(),
                "-q".into(),
                format!("{}/none*.conf", dir.display()),
            ],
            vec![
                "source-file".into(),
                format!("{}/none*.conf", dir.display()),
            ],
        ] {
            let argv: Vec<&str> = args.iter().map(String::as_str).collect();
            let out = m.run_output(&argv);
            let text =
                |b: &[u8]| String::from_utf8_lossy(b).replace(&*dir.to_string_lossy(), "DIR");
            outputs.push((
                argv.join(" ").replace(&*dir.to_string_lossy(), "DIR"),
                text(&out.stdout),
                text(&out.stderr),
                out.status.code(),
            ));
        }
        seen.push(outputs);
    }
    assert_eq!(seen[0][0].1, "DIR/g2.conf:2: unknown command: bogus\n");
    for (ours, theirs) in seen[1].iter().zip(&seen[0]) {
        assert_eq!(ours, theirs, "tmate (left) differs from tmux (right)");
    }
}

/// `exit-empty off` keeps a server without sessions (`start-server` from a config), as tmux's;
/// turning it back on ends that server.
#[test]
fn exit_empty_off_keeps_a_server_without_sessions() {
    for mux in [
        Mux::tmux().with_config("set -s exit-empty off\n"),
        Mux::tmate().with_config("set -s exit-empty off\n"),
    ] {
        mux.run(&["start-server"]);
        assert_eq!(mux.run(&["list-sessions"]), "", "a server without sessions");
        mux.run(&["set-option", "-s", "exit-empty", "on"]);
        mux.wait_for_failure(&["list-sessions"], "the server gone with exit-empty on");
    }
}

/// Style options are checked as tmux 3.3a checks them (`invalid style: ...`, the old value
/// kept); values holding `#{` are not; `-a` joins with a comma and checks the whole value.
#[test]
fn style_values_checked_as_tmux() {
    let mut steps: Vec<Vec<String>> = vec![vec!["new-session".into(), "-d".into()]];
    for value in [
        "nonsense",
        "fg=red,bogus",
        "fg=nocolour",
        "#{?client_prefix,fg=red,}",
        "bg=red,#{x}",
        "fg=DarkSeaGreen,bg=grey50",
        "fg=red bold|dim",
        "align=bogus",
        "range=bogus",
        "range=window|x",
        "list=on",
        "fill=xx",
        "",
        "none",
    ] {
        steps.push(vec![
            "set".into(),
            "-g".into(),
            "status-style".into(),
            value.into(),
        ]);
        steps.push(vec!["show".into(), "-gv".into(), "status-style".into()]);
    }
    for step in [
        &["set", "-ga", "status-style", "bogus"][..],
        &["set", "-ga", "status-style", "bold"],
        &["show", "-gv", "status-style"],
        &["set", "-g", "message-style", "xx"],
        &["setw", "-g", "window-status-style", "xx"],
        &["set", "-g", "@user-style", "xx"],
        &["set", "-gF", "mode-style", "#{session_name}"],
    ] {
        steps.push(step.iter().map(|s| s.to_string()).collect());
    }
    let refs: Vec<Vec<&str>> = steps
        .iter()
        .map(|s| s.iter().map(String::as_str).collect())
        .collect();
    let refs: Vec<&[&str]> = refs.iter().map(Vec::as_slice).collect();
    common::compare_outcomes(&refs);
}
