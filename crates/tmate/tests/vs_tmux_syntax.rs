//! tmux 3.3a's command syntax against ours: `{ }` blocks (one line and several), escapes
//! (`\;`, `\\`, `'"'`, `\uXXXX`, `\e`), `~` and `$VAR`, `NAME=value` and `%hidden`, a word
//! ending in `;`, how list-keys prints blocks, and a parse error refusing a whole file.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test stops on what it did not expect"
)]

mod common;

use common::Mux;

/// Run every step on both, each started with `config` (see `common::compare_outcomes_on`).
fn same_with_config(config: &str, steps: &[&[&str]]) {
    let tmux = Mux::tmux().with_config(config);
    let tmate = Mux::tmate().with_config(config);
    common::compare_outcomes_on(&tmux, &tmate, steps);
}

const BLOCKS: &str = r#"
bind x { display a; display b }
bind y display a \; display b
bind z if -F 1 { set -g @a 1 } { set -g @a "2 x" }
bind v {
  display a # a comment } in a block
  display "b c" ; display '}'
}
bind u { }
bind \; display semi
bind '"' display q
bind \\ display backslash
bind t if -F 1 { if -F 0 { display in } { display out } }
"#;

#[test]
fn blocks_and_escaped_keys_list_as_tmux() {
    same_with_config(
        BLOCKS,
        &[
            &["new-session", "-d", "-x", "80", "-y", "24"],
            &["has-session"],
        ],
    );
    // tmux 3.3a lists the whole table even when given a key, and the default tables differ
    // (tmate 2.4's against tmux 3.3a's): compare the lines of the keys bound here.
    let keys = ["x", "y", "z", "v", "u", "t", r"\;", r#"\""#, r"\\"];
    let bound = |m: Mux| {
        m.run(&["new-session", "-d"]);
        let all = m.run(&["list-keys", "-T", "prefix"]);
        let lines: Vec<String> = all
            .lines()
            .filter(|l| keys.contains(&l.split_whitespace().nth(3).unwrap_or_default()))
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        assert_eq!(lines.len(), keys.len(), "{all}");
        lines
    };
    let theirs = bound(Mux::tmux().with_config(BLOCKS));
    assert_eq!(
        bound(Mux::tmate().with_config(BLOCKS)),
        theirs,
        "tmate (left) differs from tmux (right)"
    );
}

#[test]
fn if_shell_runs_blocks_as_tmux() {
    same_with_config(
        "if -F 1 { set -g @a 1 ; set -g @b 2 } { set -g @a 3 }\n\
         if -F 0 { set -g @c 1 } {\n  set -g @c \"two words\"\n  set -g @d x\n}\n",
        &[
            &["new-session", "-d"],
            &["show", "-gv", "@a"],
            &["show", "-gv", "@b"],
            &["show", "-gv", "@c"],
            &["show", "-gv", "@d"],
        ],
    );
}

const WORDS: &str = r#"
%hidden HID=secret
FOO=bar
QUOTED="q r"
set -g @u "\u00e9 $FOO $HID ${QUOTED}"
set -g @esc "x\e[0m\\" ; set -g @tilde ~/x
set -g @lit '$FOO ~' ; set -g @mid a~b
set -g @hash a#b # a comment
set -g @semi "a;b" ; set -g @cont one\
two
set -g @big \U0001F600\s\101
"#;

#[test]
fn escapes_variables_and_assignments_as_tmux() {
    same_with_config(
        WORDS,
        &[
            &["new-session", "-d"],
            &["show", "-gv", "@u"],
            &["show", "-gv", "@esc"],
            &["show", "-gv", "@tilde"],
            &["show", "-gv", "@lit"],
            &["show", "-gv", "@mid"],
            &["show", "-gv", "@hash"],
            &["show", "-gv", "@semi"],
            &["show", "-gv", "@cont"],
            &["show", "-gv", "@big"],
            &["show-environment", "-g", "FOO"],
            &["show-environment", "-g", "QUOTED"],
            &["show-environment", "-g", "HID"],
            &["show-environment", "-gh", "HID"],
        ],
    );
}

/// A word ending in `;` from a shell (`new -d\; has`) and `;` as its own argument.
#[test]
fn semicolon_words_from_the_shell_as_tmux() {
    same_with_config(
        "",
        &[
            &["new-session", "-d;", "has-session"],
            &["set", "-g", "@a", "1", ";", "show", "-gv", "@a"],
            &["set", "-g", "@b", "x\\;", ";", "show", "-gv", "@b"],
        ],
    );
}

/// One bad line refuses the whole file, as tmux 3.3a: the error names the file and line,
/// and no line of it ran (assignments, made while parsing, did).
#[test]
fn a_parse_error_refuses_the_whole_file_as_tmux() {
    let bad = "set -g @one 1\nEARLY=yes\nbogus-command x\nset -g @two 2\n";
    let unclosed = "set -g @three 3\nbind x {\n display a\n";
    let (a, b) = (Mux::tmux(), Mux::tmate());
    let mut seen: Vec<Vec<(String, String, Option<i32>)>> = Vec::new();
    for m in [&a, &b] {
        let dir = m.dir.path().to_string_lossy().into_owned();
        std::fs::write(m.dir.path().join("bad.conf"), bad).unwrap();
        std::fs::write(m.dir.path().join("open.conf"), unclosed).unwrap();
        m.run(&["new-session", "-d"]);
        let mut steps = Vec::new();
        for step in [
            &["source-file", "bad.conf"][..],
            &["show", "-g", "@one"],
            &["show", "-g", "@two"],
            &["show-environment", "-g", "EARLY"],
            &["source-file", "open.conf"],
            &["show", "-g", "@three"],
        ] {
            let o = m.run_output(step);
            let text = |b: &[u8]| String::from_utf8_lossy(b).replace(&dir, "DIR");
            steps.push((text(&o.stdout), text(&o.stderr), o.status.code()));
        }
        seen.push(steps);
    }
    assert_eq!(
        seen[0][0].0,
        "DIR/bad.conf:3: unknown command: bogus-command\n"
    );
    // An unclosed block: the error names the line where the file ended, not the block's.
    assert_eq!(seen[0][4].0, "DIR/open.conf:4: syntax error\n");
    assert_eq!(seen[1], seen[0], "tmate (left) differs from tmux (right)");
}

/// `~/.tmate.conf` keeps tmate 2.4's rule (config.rs says why): a bad line is reported and
/// the other lines run.
#[test]
fn tmate_conf_loads_its_good_lines_as_tmate_2_4() {
    let m = Mux::tmate();
    std::fs::write(
        m.dir.path().join(".tmate.conf"),
        "set -g @one 1\nbind-key -t vi-copy v begin-selection\nset -g @two 2\n",
    )
    .unwrap();
    // Without -f: the default files are read from HOME, the temp dir.
    let args: Vec<String> = m.sock_args.iter().take(2).cloned().collect();
    let mut plain = std::process::Command::new(&m.program);
    plain
        .args(&args)
        .args(["new-session", "-d"])
        .env("HOME", m.dir.path())
        .env("TMATE_EMBEDDED_RELAY", "0")
        .env("SHELL", "/bin/sh")
        .env_remove("TMUX")
        .current_dir(m.dir.path());
    assert!(plain.status().unwrap().success());
    assert_eq!(m.run(&["show", "-gv", "@one"]), "1\n");
    assert_eq!(m.run(&["show", "-gv", "@two"]), "2\n");
    let log = m.run(&["show-messages"]);
    assert!(
        log.contains(".tmate.conf:2: command bind-key: unknown flag -t"),
        "{log}"
    );
}

/// `source-file -v` prints each line's commands as tmux builds them (a block's commands
/// first), `-nv` too without running them; `source-file -v` on a file with a bad command
/// prints the lines before it.
#[test]
fn source_file_verbose_as_tmux() {
    let good = "set -g @a 1 ; set -g @b \"x y\"\n\
                bind x if -F 1 { set -g @c 1 } { set -g @c 2 }\n\
                setw -g mode-keys vi\n\
                %if 1\nbind y display \"a;b\"\n%endif\n\
                %if 0\nset -g @hidden 1\n%endif\n\
                X=1\nbind z { }\n";
    let bad = "set -g @d 1\nset -g @e 2 ; nosuch-command\n";
    let (a, b) = (Mux::tmux(), Mux::tmate());
    for m in [&a, &b] {
        std::fs::write(m.dir.path().join("good.conf"), good).unwrap();
        std::fs::write(m.dir.path().join("bad.conf"), bad).unwrap();
        m.run(&["new-session", "-d"]);
    }
    common::compare_outcomes_on(
        &a,
        &b,
        &[
            &["source-file", "-v", "good.conf"],
            &["show", "-gv", "@b"],
            &["source-file", "-nv", "good.conf"],
            &["source-file", "-v", "bad.conf"],
            &["source-file", "-nv", "bad.conf"],
            &["source-file", "-v", "nosuch.conf"],
        ],
    );
}

/// Where tmux 3.3a wants a string a `{ }` block is refused, the whole file with it:
/// `argument N must be "string"`, `-t argument must be a string`; where it takes commands
/// (set-option's value, if-shell's branches, display-menu's commands) a block is fine.
#[test]
fn blocks_refused_where_tmux_wants_a_string() {
    let cases = [
        "display { a }\nset -g @after 1\n",
        "set -g @x { a }\nif -F 1 { set -g @y 1 } { set -g @y 2 } { x }\n",
        "rename-window -t { x } y\n",
        "display-menu -x 0 a b { set -g @m 1 } \"\" c d { e }\n",
        "display-menu -x 0 a { b } c\n",
        "run-shell -C { set -g @r 1 }\nrun-shell { true }\n",
        "set -g @x { a }\nset -g @ok 1\n",
    ];
    let (a, b) = (Mux::tmux(), Mux::tmate());
    let mut steps: Vec<Vec<String>> = Vec::new();
    for (i, text) in cases.iter().enumerate() {
        for m in [&a, &b] {
            std::fs::write(m.dir.path().join(format!("c{i}.conf")), text).unwrap();
        }
        steps.push(vec![
            "source-file".into(),
            "-n".into(),
            format!("c{i}.conf"),
        ]);
    }
    for m in [&a, &b] {
        m.run(&["new-session", "-d"]);
    }
    steps.push(vec![
        "source-file".into(),
        format!("c{}.conf", cases.len() - 1),
    ]);
    steps.push(vec!["show".into(), "-gv".into(), "@ok".into()]);
    let refs: Vec<Vec<&str>> = steps
        .iter()
        .map(|s| s.iter().map(String::as_str).collect())
        .collect();
    let refs: Vec<&[&str]> = refs.iter().map(Vec::as_slice).collect();
    common::compare_outcomes_on(&a, &b, &refs);
}

/// `~user` is that user's home directory; an unknown user is a syntax error.
#[test]
fn tilde_user_as_tmux() {
    same_with_config(
        "set -g @root ~root/x\nset -g @home ~/y\n",
        &[
            &["new-session", "-d"],
            &["show", "-gv", "@root"],
            &["source-file", "unknown.conf"],
        ],
    );
    let tmux = Mux::tmux();
    let tmate = Mux::tmate();
    for m in [&tmux, &tmate] {
        std::fs::write(
            m.dir.path().join("unknown.conf"),
            "set -g @u ~nosuch-user-zz/x\n",
        )
        .unwrap();
        m.run(&["new-session", "-d"]);
    }
    common::compare_outcomes_on(
        &tmux,
        &tmate,
        &[&["source-file", "unknown.conf"], &["show", "-gv", "@u"]],
    );
}

/// `~` right after a quote opens or closes is a home directory too (tmux's lexer expands it
/// wherever no character was read since the quoting changed): `yank="~/.tmux/yank.sh"` in
/// samoshkin/tmux-config; not after other characters, not in single quotes. Each server has
/// its own HOME, so the values are compared through formats.
#[test]
fn tilde_after_a_quote_as_tmux() {
    same_with_config(
        "set -g @h \"$HOME/x\"\nset -g @a \"~/x\"\nyank=\"~/y\"\nset -g @y \"$yank\"\n\
         set -g @b \"a~\"\nset -g @c '~/z'\nset -g @d \"\"~\nset -g @e 'q'~\n",
        &[
            &["new-session", "-d"],
            &[
                "display",
                "-p",
                "#{==:#{@a},#{@h}} #{@b} #{@c} #{m:/*/y,#{@y}} #{m:/*,#{@d}} #{m:q/*,#{@e}}",
            ],
            &["show-environment", "-g", "yank"],
        ],
    );
}

/// Several `-e` on one command all count (new-session, new-window, split-window, respawn-pane).
#[test]
fn several_environment_flags_as_tmux() {
    let (a, b) = (Mux::tmux(), Mux::tmate());
    let show = "printf '<%s %s>\\n' \"$A\" \"$B\"; exec cat";
    for m in [&a, &b] {
        m.run(&[
            "new-session",
            "-d",
            "-e",
            "A=1",
            "-e",
            "B=2",
            "-x",
            "80",
            "-y",
            "24",
            show,
        ]);
        m.run(&["new-window", "-e", "A=3", "-e", "B=4", show]);
        m.run(&["split-window", "-e", "A=5", "-e", "B=6", show]);
        m.run(&["set", "-g", "remain-on-exit", "on"]);
        m.run(&["new-window", "true"]);
        m.wait_for(
            &["list-panes", "-t", ":2", "-F", "#{pane_dead}"],
            "the pane to die",
            |s| s == "1\n",
        );
        m.run(&["respawn-pane", "-t", ":2", "-e", "A=7", "-e", "B=8", show]);
        for (target, want) in [
            (":0", "<1 2>"),
            (":1.0", "<3 4>"),
            (":1.1", "<5 6>"),
            (":2", "<7 8>"),
        ] {
            m.wait_for(
                &["capture-pane", "-p", "-t", target],
                "the variables",
                |s| s.contains(want),
            );
        }
    }
    common::compare_outcomes_on(
        &a,
        &b,
        &[
            &["show-environment", "-t", ":", "A"],
            &["show-environment", "-t", ":", "B"],
        ],
    );
}

/// `bind-key -N` notes and `list-keys -N` (with -a, -P, -1, a key) in a table of our own
/// (the default tables differ: tmate 2.4's bindings have no notes, tmux 3.3a's do).
#[test]
fn list_keys_notes_as_tmux() {
    same_with_config(
        "bind -T mine -N 'Say hello' x display hello\n\
         bind -T mine -N 'A longer key' C-Up display up\n\
         bind -T mine y display plain\n\
         bind -T mine -N 'gone' z display z\nbind -T mine z display replaced\n",
        &[
            &["new-session", "-d"],
            &["list-keys", "-N", "-T", "mine"],
            &["list-keys", "-aN", "-T", "mine"],
            &["list-keys", "-N", "-P", ">> ", "-T", "mine"],
            &["list-keys", "-1N", "-T", "mine"],
            &["list-keys", "-N", "-T", "mine", "x"],
            &["list-keys", "-N", "-T", "mine", "y"],
            &["list-keys", "-T", "mine", "x"],
            &["unbind", "-T", "mine", "x"],
            &["list-keys", "-N", "-T", "mine"],
            &["list-keys", "-N", "-T", "nosuch"],
        ],
    );
    // Without -T: the root table's notes indented as wide as `C-b `, then the prefix table's.
    same_with_config(
        "unbind -a -T root\nunbind -a -T prefix\n\
         bind -N 'Split' '%' split-window -h\nbind -n -N 'From the root' F5 display f5\n\
         bind -N 'Another' C-o rotate-window\n",
        &[
            &["new-session", "-d"],
            &["list-keys", "-N"],
            &["list-keys", "-N", "-P", "pfx "],
            &["set", "-g", "prefix", "None"],
            &["list-keys", "-N"],
        ],
    );
}

/// tmux 3.3a's command groups: a block written over several lines holds a group per line;
/// list-keys prints the breaks as `\;\;`, an error skips only the rest of its group.
#[test]
fn command_groups_as_tmux() {
    let config = "bind g {\n  set -g @g1 1 ; select-window -t :99 ; set -g @g2 1\n  set -g @g3 1\n}\n\
                  bind h if -F 1 {\n  display a\n  display b ; display c\n}\n\
                  if -F 1 {\n  set -g @i1 1 ; select-window -t :99 ; set -g @i2 1\n  set -g @i3 1\n}\n";
    let keys = ["g", "h"];
    let bound = |m: Mux| {
        m.run(&["new-session", "-d"]);
        let all = m.run(&["list-keys", "-T", "prefix"]);
        let lines: Vec<String> = all
            .lines()
            .filter(|l| keys.contains(&l.split_whitespace().nth(3).unwrap_or_default()))
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        assert_eq!(lines.len(), keys.len(), "{all}");
        let shown = m.run(&["show", "-g"]);
        let set: Vec<&str> = shown.lines().filter(|l| l.starts_with("@i")).collect();
        (lines, set.join("\n"))
    };
    let theirs = bound(Mux::tmux().with_config(config));
    assert_eq!(
        bound(Mux::tmate().with_config(config)),
        theirs,
        "tmate (left) differs from tmux (right)"
    );
    // The config's groups: @i2 skipped after the error, @i3 set.
    assert_eq!(theirs.1, "@i1 1\n@i3 1");
}

/// Blocks over several lines, comments after commands, `\` continuations, `;` and a bad
/// command inside a block: what `source-file -v` prints is each group (the commands tmux gives
/// one line number) with its own number, as tmux 3.3a builds them, up to the failing command,
/// whose line the error names.
const VERBOSE: &str = r#"set -g @x 1 # a comment after a command
set -g @y \
 3
set -g @z 1 ; set -g @w \
 2
bind v {
  display a # a comment } in a block
  display "b c" ; display '}'
  if -F 1 {
    display in
  } {
    display out
  }
} # after the block
if -F 1 { set -g @a 1 } {
  set -g @b 2
  set -g @c 3
}
set -g @q {
}
%if 1
set -g @r 1
%endif
set -g @s "a\
b"
bind y { display a } ; bind z {
 display b
} # c
"#;

#[test]
fn source_file_v_numbers_each_group_as_tmux() {
    let (a, b) = (Mux::tmux(), Mux::tmate());
    for m in [&a, &b] {
        std::fs::write(m.dir.path().join("v.conf"), VERBOSE).unwrap();
        let failing = format!("{VERBOSE}set -g @t 2 ; set -g @u {{\n 3\n}}\nset -g @v 1\n");
        std::fs::write(m.dir.path().join("bad.conf"), failing).unwrap();
        std::fs::write(m.dir.path().join("c.conf"), "set -g @a 1\nbogus x # c\n").unwrap();
        m.run(&["new-session", "-d"]);
    }
    let steps: &[&[&str]] = &[
        &["source-file", "-nv", "v.conf"],
        &["source-file", "-v", "v.conf"],
        &["list-keys", "-T", "prefix", "v"],
        &["source-file", "-nv", "bad.conf"],
        &["source-file", "-v", "bad.conf"],
        &["source-file", "-v", "c.conf"],
        &["show", "-gv", "@w"],
    ];
    let printed = a.run_output(&["source-file", "-nv", "v.conf"]);
    let text = String::from_utf8_lossy(&printed.stdout);
    // The checks that make this test mean something: a block's groups on their own lines.
    assert!(
        text.contains("v.conf:8: display-message a ; display-message \"b c\""),
        "{text}"
    );
    assert!(text.contains("v.conf:12: display-message out\n"), "{text}");
    common::compare_outcomes_on(&a, &b, steps);
}

/// `{` and `}` given by the shell as words of their own are no block (tmux 3.3a parses blocks
/// only in command text): bind-key builds its commands when binding, so these are its errors.
#[test]
fn braces_as_shell_arguments_as_tmux() {
    same_with_config(
        "",
        &[
            &["new-session", "-d"],
            &["bind", "x", "{", "display", "a", "}"],
            &["bind", "x", "{", "display", "a", ";", "display", "b", "}"],
            &["bind", "x", "{"],
            &["bind", "x", "{ display a }"],
            &["bind", "x", "{", "}"],
            &["bind", "x", "}"],
            &["bind", "x", "display a", "}"],
            &["bind", "x", "{display a}"],
            &["bind", "x", "bogus"],
            &["bind", "x", "display", "a", "b"],
            &["bind", "x", "display { display b }"],
            &["bind", "x", "if -F 1 { display a } { bogus }"],
            &["if", "-F", "1", "{", "display", "-p", "a", "}"],
            &["if", "-F", "1", "{display -p a}"],
            &["if", "-F", "1", "display -p a", "{"],
            &["{", "display", "a", "}"],
            &["bind", "x", "display", "{"],
            &["list-keys", "-T", "prefix", "x"],
        ],
    );
}

/// `source-file` from a command client: a parse error (an unknown command, an open block) is
/// a cause on stdout named by file and line, the errors of commands that ran are bare
/// messages on stderr (a nested file's too), a missing file's error comes first; exit 1.
#[test]
fn source_file_errors_from_a_command_client_as_tmux() {
    let (a, b) = (Mux::tmux(), Mux::tmate());
    for m in [&a, &b] {
        let write = |name: &str, text: &str| std::fs::write(m.dir.path().join(name), text).unwrap();
        write("unknown.conf", "set -g @a 1\nbogus-cmd x\nset -g @b 2\n");
        write("open.conf", "set -g @a 1\nif-shell true {\nset -g @c 3\n");
        write(
            "run.conf",
            "set -g @r 1\nset -g nosuchopt 1\nset -g @s 2\nselect-window -t nosuch\n",
        );
        write(
            "outer.conf",
            "source-file run.conf\nset -g @o 1\nsource-file open.conf\n",
        );
        m.run(&["new-session", "-d", "-s", "main"]);
    }
    common::compare_outcomes_on(
        &a,
        &b,
        &[
            &["source-file", "unknown.conf"],
            &["show", "-g", "@a"],
            &["source-file", "open.conf"],
            &["source-file", "run.conf"],
            &["show", "-g", "@s"],
            &["source-file", "outer.conf"],
            &["show", "-g", "@o"],
            &["source-file", "nosuch.conf", "run.conf"],
            &["source-file", "run.conf", "unknown.conf"],
        ],
    );
}

/// A run-shell or if-shell (without -b) in a config holds up the lines after it, as tmux
/// 3.3a's queue waits for the shell command: at start-up (the client that started the
/// server waits for it) and from `source-file` (whatever follows it in the list waits too).
#[test]
fn config_lines_wait_for_shell_commands_as_tmux() {
    let text = |dir: &std::path::Path| {
        format!(
            "if-shell 'true' 'set -g @a 1'\n\
             set -gF @b '#{{@a}}'\n\
             run-shell 'sleep 0.3; echo x > {dir}/F'\n\
             if-shell 'test -f {dir}/F' 'set -g @c yes' 'set -g @c no'\n\
             run-shell 'sleep 0.2'\n\
             set -g nosuch 1\n\
             set -g @d done\n",
            dir = dir.display()
        )
    };
    let (a, b) = (Mux::tmux(), Mux::tmate());
    let (ta, tb) = (text(a.dir.path()), text(b.dir.path()));
    let (a, b) = (a.with_config(&ta), b.with_config(&tb));
    let steps: &[&[&str]] = &[
        &["new-session", "-d", "-s", "main"],
        &["show", "-g", "@b"],
        &["show", "-g", "@c"],
        &["show", "-g", "@d"],
        &["set", "-gu", "@b"],
        &["set", "-gu", "@c"],
        &["set", "-gu", "@d"],
        &["set", "-gu", "@a"],
        &["run-shell", "rm F"],
        &["source-file", "test.conf", ";", "show", "-g", "@d"],
        &["show", "-g", "@b"],
        &["show", "-g", "@c"],
    ];
    common::compare_outcomes_on(&a, &b, steps);
}

/// Bindings in the copy tables, tmux 3.3a's defaults and ones a config made with `{ }` blocks
/// and quoted command strings: `list-keys` prints them as tmux does (a block as `{ }`, a string
/// quoted), for the two copy tables and in the listing of all tables; and the printed lines,
/// read back with `source-file` into emptied tables, give the same listing again (as tmux's
/// reading of them does).
const COPY_BINDINGS: &str = r##"
bind -T copy-mode C-r command-prompt -i -I "#{pane_search_string}" -T search -p "(search up)" { send -X search-backward-incremental "%%" }
bind -T copy-mode C-t command-prompt -p "(as string)" "send -X search-backward \"%%\""
bind -T copy-mode-vi C-t confirm-before -p "go? " { send -X cancel ; display "a b" }
bind -T copy-mode-vi C-u if -F "#{selection_present}" { send -X copy-selection } "send -X cancel"
bind -T copy-mode-vi C-y {
  send -X begin-selection
  send -X end-of-line
}
"##;

#[test]
fn copy_table_bindings_list_and_read_back_as_tmux() {
    let (a, b) = (
        Mux::tmux().with_config(COPY_BINDINGS),
        Mux::tmate().with_config(COPY_BINDINGS),
    );
    let tables = ["copy-mode", "copy-mode-vi"];
    let mut listings = Vec::new();
    for m in [&a, &b] {
        m.run(&["new-session", "-d"]);
        let mut listed: Vec<String> = tables
            .iter()
            .map(|t| m.run(&["list-keys", "-T", t]))
            .collect();
        // The listing of every table pads columns over all of them (the prefix and root tables
        // are tmate 2.4's in ours): compare the copy tables' lines, spaces collapsed.
        let all = m.run(&["list-keys"]);
        let copy_lines: Vec<String> = all
            .lines()
            .filter(|l| tables.contains(&l.split_whitespace().nth(2).unwrap_or_default()))
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        listed.push(copy_lines.join("\n"));
        let mut read_back = Vec::new();
        for (table, before) in tables.iter().zip(&listed) {
            let file = m.dir.path().join(format!("{table}.conf"));
            std::fs::write(&file, before).unwrap();
            m.run(&["unbind-key", "-a", "-T", table]);
            m.run(&["source-file", &file.to_string_lossy()]);
            let again = m.run(&["list-keys", "-T", table]);
            // tmux reads a printed group break (`\;\;`) back as two separators: the vi table,
            // with one, is compared with tmux's reading instead.
            if *table == "copy-mode" {
                assert_eq!(&again, before, "{} read back {table}", m.program.display());
            }
            read_back.push(again);
        }
        listed.extend(read_back);
        listings.push(listed);
    }
    assert!(listings[0][0].contains(
        r##"command-prompt -i -I "#{pane_search_string}" -T search -p "(search up)" { send-keys -X search-backward-incremental "%%" }"##
    ));
    for (ours, theirs) in listings[1].iter().zip(&listings[0]) {
        assert_eq!(ours, theirs, "tmate (left) differs from tmux (right)");
    }
}

/// Lines an everyday `~/.tmux.conf` carries (vim-tmux-navigator's `ps | grep`, a version test
/// in awk, `%if` on the version, styles, hooks, plugin options): they load without an error
/// and set what tmux sets. `$1`/`$2` in a shell or awk program stay as written (a variable
/// name does not start with a digit); they once expanded to nothing here.
const EVERYDAY: &str = r##"
set -g prefix C-a
unbind C-b
bind C-a send-prefix
set -g mouse on
set -g base-index 1
setw -g mode-keys vi
bind -T copy-mode-vi v send -X begin-selection
bind | split-window -h -c "#{pane_current_path}"
is_vim="ps -o state= -o comm= -t '#{pane_tty}' | grep -iqE '^[^TXZ ]+ +(\\S+\\/)?g?(view|n?vim?x?)(diff)?$'"
bind-key -n 'C-h' if-shell "$is_vim" 'send-keys C-h' 'select-pane -L'
if-shell "echo 'tmux 3.3a' | awk '{exit !($2 >= 3.1)}'" "set -g @awk yes" "set -g @awk no"
set -g @price "costs $5 or ${HOME}x"
%if #{>=:#{version},3.2}
set -g popup-border-lines rounded
%endif
set -g status-style 'bg=colour234 fg=colour137 dim'
set -g status-right '#[fg=colour233,bg=colour241,bold] %d/%m #[fg=colour233,bg=colour245,bold] %H:%M:%S '
setw -g window-status-current-format ' #I#[fg=colour249]:#[fg=colour255]#W#[fg=colour249]#F '
set-hook -g after-split-window 'select-layout even-horizontal'
set -g @plugin 'tmux-plugins/tmux-sensible'
set-environment -g EDITOR vim
"##;

#[test]
fn an_everyday_config_loads_as_tmux() {
    same_with_config(
        EVERYDAY,
        &[
            &["new-session", "-d", "-x", "80", "-y", "24"],
            &["show", "-gv", "@awk"],
            &["show", "-gv", "@price"],
            &["show", "-gv", "prefix"],
            &["show", "-gv", "popup-border-lines"],
            &["show", "-gv", "status-right"],
            &["show-environment", "-g", "EDITOR"],
            &["display", "-p", "#{pane_mode}|#{window_panes}"],
        ],
    );
    // The navigator's binding reads back as tmux prints it.
    let bound = |m: Mux| {
        m.run(&["new-session", "-d"]);
        let all = m.run(&["list-keys", "-T", "root"]);
        let line = all
            .lines()
            .find(|l| l.contains(" C-h "))
            .map(str::to_string);
        line.unwrap_or_else(|| panic!("no C-h binding: {all}"))
    };
    assert_eq!(
        bound(Mux::tmate().with_config(EVERYDAY)),
        bound(Mux::tmux().with_config(EVERYDAY))
    );
}

/// The default key tables are tmux 3.3a's: every table listed as tmux lists it, the prefix
/// table's notes (`C-b ?` runs `list-keys -N`), and `C-b /`'s one-key description.
#[test]
fn default_key_tables_and_notes_as_tmux() {
    same_with_config(
        "",
        &[
            &["new-session", "-d", "-x", "80", "-y", "24"],
            &["list-keys"],
            &["list-keys", "-N"],
            &["list-keys", "-1N", "C-b"],
            &["list-keys", "-N", "-T", "root"],
            &["unbind-key", "?"],
            &["bind-key", "-N", "My help", "?", "list-keys", "-N"],
            &["list-keys", "-1N", "?"],
        ],
    );
}
