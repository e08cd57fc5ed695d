//! Configs laid out as today's theme plugins lay theirs out (catppuccin's `.conf` files, dracula's
//! and tpm's shell scripts), written here in their style, run on tmux 3.3a and ours: files that
//! source their neighbours with `source -F '#{d:current_file}/...'`, `%hidden` variables and
//! `%if` read when each file is parsed, `set -ogq` defaults, and a config's `run` whose script
//! calls the multiplexer back through `$TMUX` with the global environment set before it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test stops on what it did not expect"
)]

mod common;

use common::Mux;

/// A theme in the files-and-`%if` style: the main file sets defaults then sources a module,
/// which decides with `%if` on values set before it was sourced (not before the main file was
/// parsed), using a `%hidden` name from the main file.
fn write_theme(dir: &std::path::Path) {
    let modules = dir.join("theme").join("modules");
    std::fs::create_dir_all(&modules).unwrap();
    std::fs::write(
        dir.join("theme").join("main.conf"),
        r##"%hidden MODULE="cpu"
set -ogq @theme_flavour "night"
set -ogq "@theme_${MODULE}_bg" "#{l:#{cpu_bg}}"
set -ogq @theme_fg "#cdd6f4"
set -ogqF "@theme_${MODULE}_fg" "#{E:@theme_fg}"
source -F "#{d:current_file}/modules/${MODULE}.conf"
source -F "#{d:current_file}/modules/#{@theme_flavour}.conf"
"##,
    )
    .unwrap();
    std::fs::write(
        modules.join("cpu.conf"),
        r##"%if "#{==:#{@theme_${MODULE}_bg},}"
  set -gq @module_bg "default"
%else
  set -gqF @module_bg "#{@theme_${MODULE}_bg}"
%endif
set -gF "@theme_status_${MODULE}" "#[fg=#{@theme_${MODULE}_fg},bg=#{@module_bg}]"
set -ag "@theme_status_${MODULE}" "#{E:@theme_${MODULE}_text}"
set -ogq "@theme_${MODULE}_text" " #{l:#{cpu_percentage}}"
set -ug @module_bg
"##,
    )
    .unwrap();
    std::fs::write(
        modules.join("night.conf"),
        "set -g @theme_night_loaded yes\n",
    )
    .unwrap();
}

#[test]
fn a_theme_made_of_files_loads_as_tmux() {
    let config = "set -g @theme_flavour night\n\
                  source -F '#{d:current_file}/theme/main.conf'\n\
                  set -g status-right '#{E:@theme_status_cpu}'\n";
    let (a, b) = (Mux::tmux(), Mux::tmate());
    write_theme(a.dir.path());
    write_theme(b.dir.path());
    let (a, b) = (a.with_config(config), b.with_config(config));
    common::compare_outcomes_on(
        &a,
        &b,
        &[
            &["new-session", "-d", "-s", "main"],
            // A config error would put the first pane in view mode.
            &["display", "-p", "#{pane_in_mode}"],
            &["show", "-g", "@theme_status_cpu"],
            &["show", "-g", "@theme_cpu_fg"],
            &["show", "-g", "@theme_night_loaded"],
            &["show", "-g", "@module_bg"],
            &["show", "-gv", "status-right"],
            &["display", "-p", "#{E:status-right}"],
            // -o: quiet with -q, an error naming the option as given without it.
            &["set", "-ogq", "@theme_fg", "x"],
            &["set", "-og", "@theme_fg", "x"],
            &["set", "-go", "status-format[0]", "x"],
            &["set", "-go", "status-format[7]", "x"],
            &["set", "-go", "status-format[7]", "y"],
            &["show", "-gv", "status-format[7]"],
            &["show", "-gv", "@theme_fg"],
        ],
    );
}

/// A plugin the way dracula's and tpm's are: a config `run`s a script, whose commands reach
/// the server through `$TMUX` alone (no -S or -L), with the global environment the config set
/// (PATH and a variable), while the rest of the config waits for it.
#[test]
fn a_plugin_script_calls_back_through_tmux_as_tmux() {
    let config = |program: &str, dir: &std::path::Path| {
        let script = dir.join("plugin.sh");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\n\
                 set -e\n\
                 \"{program}\" set -g @plugin_seen \"$PLUGIN_COLOUR\"\n\
                 \"{program}\" set -g status-left \"[$(\"{program}\" show -gv @plugin_prefix)]\"\n\
                 \"{program}\" set -g @plugin_term \"$TERM_PROGRAM\"\n\
                 \"{program}\" set -g @plugin_session \"${{TMUX##*,}}\"\n"
            ),
        )
        .unwrap();
        format!(
            "set-environment -g PLUGIN_COLOUR green\n\
             set -g @plugin_prefix P\n\
             run 'sh {script}'\n\
             set -gF @after '#{{@plugin_seen}}'\n",
            script = script.display()
        )
    };
    let (a, b) = (Mux::tmux(), Mux::tmate());
    let (ta, tb) = (
        config("tmux", a.dir.path()),
        config(env!("CARGO_BIN_EXE_tmate"), b.dir.path()),
    );
    let (a, b) = (a.with_config(&ta), b.with_config(&tb));
    common::compare_outcomes_on(
        &a,
        &b,
        &[
            &["new-session", "-d", "-s", "main"],
            // A config error would put the first pane in view mode.
            &["display", "-p", "#{pane_in_mode}"],
            &["show", "-g", "@plugin_seen"],
            &["show", "-g", "@after"],
            &["show-buffer", "-b", "viatmux"],
            &["show", "-g", "@viatmux"],
            &["show", "-gv", "status-left"],
            // The config's run had no session yet: $TMUX ends in -1; and TERM_PROGRAM is
            // set only once the config has run.
            &["show", "-g", "@plugin_session"],
            &["show", "-g", "@plugin_term"],
            &["setenv", "-g", "PLUGIN_COLOUR", "blue"],
            &["run", "sh plugin.sh"],
            &["show", "-g", "@plugin_seen"],
            &["show", "-g", "@plugin_term"],
            &["show", "-g", "@plugin_session"],
            &[
                "if",
                "test \"$PLUGIN_COLOUR\" = blue",
                "set -g @if yes",
                "set -g @if no",
            ],
            &["show", "-g", "@if"],
            &["if", "-F", "1", "set -g @parsed $PLUGIN_COLOUR"],
            &["show", "-g", "@parsed"],
        ],
    );
}

/// Debian's tmux 3.3a client pointed at our socket (`-S`, or `$TMUX` inside a pane, as
/// plugins, vim-tmux-navigator and scripts call it) runs commands as it does on a tmux server:
/// the same output, errors and exit status for the same commands on both servers.
#[test]
fn a_real_tmux_client_runs_commands_on_ours_as_on_tmux() {
    let (a, b) = (Mux::tmux(), Mux::tmate());
    for m in [&a, &b] {
        // Named: an automatic name depends on when the shell has started.
        let first = [
            "new-session",
            "-d",
            "-s",
            "main",
            "-n",
            "first",
            "-x",
            "80",
            "-y",
            "24",
        ];
        m.run(&first);
        m.run(&["new-window", "-d", "-n", "second"]);
    }
    // The same tmux binary as the client of both servers.
    let (tmux_on_ours, socket) = tmux_client_of(&b);
    let steps: &[&[&str]] = &[
        &[
            "display",
            "-p",
            "#{session_name} #{window_index} #{version}",
        ],
        &["list-windows", "-F", "#{window_index}:#{window_name}"],
        &["set", "-g", "@from", "tmux client"],
        &["show", "-gv", "@from"],
        &["show", "-g", "nosuch"],
        &["has-session", "-t", "nosuch"],
        &[
            "rename-window",
            "-t",
            ":1",
            "renamed",
            ";",
            "list-windows",
            "-F",
            "#W",
        ],
        &[
            "setenv",
            "-g",
            "FROM_TMUX",
            "1",
            ";",
            "showenv",
            "-g",
            "FROM_TMUX",
        ],
        &["run", "echo from-run; exit 3"],
        &["wait-for", "-S", "nobody"],
        &["nosuchcommand"],
    ];
    common::compare_outcomes_on(&a, &tmux_on_ours, steps);
    // Attaching needs our client (the terminal protocol): told so, nothing made.
    for attach in [&["attach"][..], &["new-session", "-s", "other"], &[]] {
        let out = tmux_on_ours.run_output(attach);
        assert_eq!(out.status.code(), Some(1), "{attach:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("tmux clients can run commands on this tmate server but not attach")
                && err.contains(&format!("-S {socket} attach")),
            "{attach:?}: {err}"
        );
    }
    assert_eq!(b.run(&["list-sessions", "-F", "#S"]), "main\n");
}

/// Debian's tmux as the client of our server `m` (`tmux -S SOCKET`), and that socket.
fn tmux_client_of(m: &Mux) -> (Mux, String) {
    let socket = m.dir.path().join("s").to_string_lossy().into_owned();
    let client = Mux {
        program: "tmux".into(),
        sock_args: vec!["-S".into(), socket.clone()],
        dir: tempfile::tempdir().unwrap(),
        is_tmux: true,
        embedded_relay: false,
    };
    (client, socket)
}

/// tmux-resurrect's restore, as its script runs it through `tmux` into a server that has a
/// session of another name: the saved session and its windows and panes made again, then
/// `kill-session -t 0` (the default session's name), which names no session here: a bare
/// word for a session command is a session only, never a window of the current one.
#[test]
fn a_resurrect_restore_through_tmux_as_on_tmux() {
    let (a, b) = (Mux::tmux(), Mux::tmate());
    for m in [&a, &b] {
        m.run(&[
            "new-session",
            "-d",
            "-s",
            "tmp",
            "-x",
            "80",
            "-y",
            "24",
            "-c",
            "/",
        ]);
    }
    let (tmux_on_ours, _) = tmux_client_of(&b);
    let steps: &[&[&str]] = &[
        &["new-session", "-d", "-s", "work", "-c", "/tmp"],
        &["split-window", "-t", "work:0", "-c", "/usr"],
        &["resize-pane", "-t", "work:0", "-U", "999"],
        &["new-window", "-d", "-t", "work:1", "-c", "/var"],
        &["display", "-p", "#{client_session}"],
        &["kill-session", "-t", "0"],
        &["has-session", "-t", "1"],
        &["switch-client", "-t", "work:0"],
        &[
            "list-panes",
            "-a",
            "-F",
            "#S:#I.#P #{pane_height} #{pane_current_path}",
        ],
    ];
    common::compare_outcomes_on(&a, &tmux_on_ours, steps);
}

/// Inside one of our panes `tmux` (Debian's) finds our server through `$TMUX` and acts on
/// the pane it runs in (`$TMUX_PANE`), as vim-tmux-navigator's calls do; the same script in
/// a tmux pane does the same there.
#[test]
fn tmux_inside_our_pane_acts_on_that_pane_as_in_tmux() {
    let script = "tmux display -p '#{pane_index}:#{pane_current_command}' > out; \
                  tmux select-pane -L; tmux set -g @done yes; sleep 30";
    let (a, b) = (Mux::tmux(), Mux::tmate());
    for m in [&a, &b] {
        m.run(&["new-session", "-d", "-s", "main", "-x", "80", "-y", "24"]);
        m.run(&[
            "split-window",
            "-h",
            "-c",
            &m.dir.path().to_string_lossy(),
            script,
        ]);
    }
    for m in [&a, &b] {
        m.wait_for(
            &["show", "-gqv", "@done"],
            "the script's last command",
            |o| o == "yes\n",
        );
    }
    common::compare_outcomes_on(
        &a,
        &b,
        &[
            &["display", "-p", "#{pane_index}"],
            &["run", "cat out"],
            &["display", "-p", "#{pane_in_mode}"],
        ],
    );
    assert_eq!(
        std::fs::read_to_string(b.dir.path().join("out")).unwrap(),
        std::fs::read_to_string(a.dir.path().join("out")).unwrap(),
    );
}

/// tmux-protocol openings that go wrong (a message over tmux's size limit, a string without
/// its NUL, a client that stalls halfway) cost only their own connection: each is dropped
/// (the stalled one when its opening time runs out) and real tmux clients are served meanwhile.
#[test]
fn broken_tmux_openings_are_dropped_alone() {
    use std::io::{Read, Write};
    let m = Mux::tmate();
    m.run(&["new-session", "-d", "-s", "main"]);
    let socket = m.dir.path().join("s");
    let header = |kind: u32, len: usize| {
        let mut h = Vec::new();
        h.extend_from_slice(&kind.to_le_bytes());
        h.extend_from_slice(&u16::try_from(len).unwrap().to_le_bytes());
        h.extend_from_slice(&0u16.to_le_bytes());
        h.extend_from_slice(&8u32.to_le_bytes());
        h.extend_from_slice(&4242u32.to_le_bytes());
        h
    };
    // MSG_IDENTIFY_FLAGS then MSG_IDENTIFY_LONGFLAGS: what tmux 3.3a sends first.
    let mut opening = header(100, 20);
    opening.extend_from_slice(&0i32.to_le_bytes());
    opening.extend(header(111, 24));
    opening.extend_from_slice(&0u64.to_le_bytes());
    let mut too_long = opening.clone();
    too_long.extend(header(108, 40_000));
    let mut no_nul = opening.clone();
    no_nul.extend(header(108, 20));
    no_nul.extend_from_slice(b"/tmp");
    let mut stalled = std::os::unix::net::UnixStream::connect(&socket).unwrap();
    stalled.write_all(&opening[..24]).unwrap();
    for bad in [too_long, no_nul] {
        let mut s = std::os::unix::net::UnixStream::connect(&socket).unwrap();
        s.set_read_timeout(Some(std::time::Duration::from_secs(60)))
            .unwrap();
        s.write_all(&bad).unwrap();
        let mut rest = Vec::new();
        // Dropped without an answer: end of file, nothing read.
        assert_eq!(s.read_to_end(&mut rest).unwrap(), 0);
    }
    let tmux_on_ours = std::process::Command::new("tmux")
        .args(["-S", &socket.to_string_lossy(), "display", "-p", "#S"])
        .env_remove("TMUX")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&tmux_on_ours.stdout), "main\n");
    // The stalled one is let go once its opening time is over.
    stalled
        .set_read_timeout(Some(std::time::Duration::from_secs(60)))
        .unwrap();
    let mut rest = Vec::new();
    assert_eq!(stalled.read_to_end(&mut rest).unwrap(), 0);
    assert_eq!(m.run(&["display", "-p", "#S"]), "main\n");
}

/// What themes set and what `show` prints back: colour options kept in tmux's form (names,
/// `colourN`, lower-case `#rrggbb`, X11 names as RGB) and printed unquoted, bad colours
/// refused; tmux 3.3a's parser making an assignment by its branch's own flag (an `%else`
/// after a false `%elif` assigns even when the `%if` was taken, as catppuccin's message
/// colour shows); `$` quoted by `show` only before a name.
#[test]
fn theme_colours_and_assignments_as_tmux() {
    let config = r##"set -g @status_background default
%if "#{==:#{@status_background},default}"
  set -g @branch first
  %hidden MESSAGE_BG="#{@overlay}"
%elif "#{==:#{@status_background},none}"
  %hidden MESSAGE_BG="default"
%else
  %hidden MESSAGE_BG="#{E:@status_background}"
%endif
%if 1
  %hidden TAKEN="if"
%elif 1
  %hidden TAKEN="elif"
%else
  %hidden TAKEN="else"
%endif
set -g @overlay "#737994"
set -gF message-style "fg=red,bg=$MESSAGE_BG"
set -g clock-mode-colour '#8CAAEE'
set -g status-bg DarkOrange
set -g status-fg 93
set -g display-panes-colour colour033
set -g pane-colours 'red,#ABCDEF,2'
set -g @awk "awk '{print $0, $NF, ${x}}'"
"##;
    let (a, b) = (
        Mux::tmux().with_config(config),
        Mux::tmate().with_config(config),
    );
    common::compare_outcomes_on(
        &a,
        &b,
        &[
            &["new-session", "-d", "-s", "main"],
            &["display", "-p", "#{pane_in_mode}"],
            &["show", "-g", "@branch"],
            &["show-environment", "-gh", "MESSAGE_BG"],
            &["show-environment", "-gh", "TAKEN"],
            &["show", "-g", "message-style"],
            &["show", "-gw", "clock-mode-colour"],
            &["show", "-g", "status-bg"],
            &["show", "-g", "status-fg"],
            &["show", "-g", "display-panes-colour"],
            &["show", "-g", "pane-colours"],
            &["show", "-g", "@awk"],
            &["set", "-g", "status-bg", "colour300"],
            &["set", "-g", "cursor-colour", "12"],
            &["set", "-g", "pane-colours[3]", "nosuch"],
            &["show", "-g", "status-bg"],
        ],
    );
    // Server options in tmux's table order (tmate's own options come after them).
    let server_options = |m: &Mux| {
        let all = m.run(&["show", "-gs"]);
        all.lines()
            .filter(|l| !l.starts_with("tmate-"))
            .map(|l| format!("{l}\n"))
            .collect::<String>()
    };
    assert_eq!(server_options(&b), server_options(&a));
}

/// `load-buffer -` and `source-file -` read the command client's standard input, as scripts
/// pipe into them (`xclip -o | tmux load-buffer -`), from our client and from Debian's tmux
/// client alike: the same buffers, options and errors as tmux's; nothing read sets no buffer.
/// Buffer paths are formats.
#[test]
fn standard_input_for_load_buffer_and_source_file_as_tmux() {
    use std::io::Write;
    let fed = |m: &Mux, args: &[&str], input: &[u8]| {
        let mut child = m
            .command(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input).unwrap();
        let out = child.wait_with_output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (a, b) = (Mux::tmux(), Mux::tmate());
    let fed_steps: &[(&[&str], &[u8])] = &[
        (&["load-buffer", "-"], b"from a pipe\nsecond line"),
        (&["load-buffer", "-b", "named", "-"], b"\x01binary\xff"),
        (&["load-buffer", "-b", "empty", "-"], b""),
        (
            &["source-file", "-"],
            b"set -g @piped yes\nset -g @where \"#{current_file}\"\n",
        ),
        (&["source-file", "-"], b"set -g @bad\nnosuchcommand\n"),
        (&["source-file", "nosuch", "-"], b"set -g @after yes\n"),
    ];
    for m in [&a, &b] {
        m.run(&["new-session", "-d", "-s", "main"]);
    }
    for (args, input) in fed_steps {
        assert_eq!(fed(&b, args, input), fed(&a, args, input), "{args:?}");
    }
    // Debian's tmux client piping into our server (its MSG_READ_OPEN of `-`).
    let (tmux_on_ours, _) = tmux_client_of(&b);
    let through_tmux: &[(&[&str], &[u8])] = &[
        (
            &["load-buffer", "-b", "viatmux", "-"],
            b"piped through tmux",
        ),
        (&["source-file", "-"], b"set -g @viatmux yes\n"),
    ];
    for (args, input) in through_tmux {
        assert_eq!(
            fed(&tmux_on_ours, args, input),
            fed(&a, args, input),
            "{args:?}"
        );
    }
    common::compare_outcomes_on(
        &a,
        &b,
        &[
            &["list-buffers", "-F", "#{buffer_name} #{buffer_size}"],
            &["show-buffer"],
            &["show-buffer", "-b", "named"],
            &["show", "-g", "@piped"],
            &["show", "-g", "@where"],
            &["show", "-g", "@after"],
            &["show-buffer", "-b", "viatmux"],
            &["show", "-g", "@viatmux"],
            &["load-buffer", "-b", "nostdin", "-"],
            &["list-buffers", "-F", "#{buffer_name}"],
            // Buffer paths are formats, as tmux's.
            &["save-buffer", "-b", "viatmux", "saved-#{session_name}.txt"],
            &["load-buffer", "-b", "back", "saved-#{session_name}.txt"],
            &["show-buffer", "-b", "back"],
            &["load-buffer", "-b", "none", "nosuch-#{window_index}"],
        ],
    );
}

/// Attaching from inside one of the server's own panes is refused in tmux's words (`tmate`
/// typed in a shared pane, `tmate attach`, or Debian's `tmux attach` there), while detached
/// commands from there work; with `$TMUX` unset it is the user's choice.
#[test]
fn attaching_from_inside_a_pane_is_refused_as_in_tmux() {
    // Debian's tmux inside our pane (its `$TMUX` names our server) is told the same (err3).
    let script = |program: &str| {
        format!(
            "{program} attach -t main 2> err1; echo $? >> err1; \
             {program} new-session -s inner 2> err2; echo $? >> err2; \
             tmux attach -t main 2> err3; echo $? >> err3; \
             {program} new-session -d -s detached; \
             {program} set -g @done yes; sleep 30"
        )
    };
    let (a, b) = (Mux::tmux(), Mux::tmate());
    let scripts = [script("tmux"), script(env!("CARGO_BIN_EXE_tmate"))];
    for (m, script) in [&a, &b].into_iter().zip(&scripts) {
        m.run(&["new-session", "-d", "-s", "main", "-x", "80", "-y", "24"]);
        let dir = m.dir.path().to_string_lossy().into_owned();
        m.run(&["split-window", "-c", &dir, script]);
        m.wait_for(
            &["show", "-gqv", "@done"],
            "the script's last command",
            |o| o == "yes\n",
        );
    }
    for file in ["err1", "err2", "err3"] {
        assert_eq!(
            std::fs::read_to_string(b.dir.path().join(file)).unwrap(),
            std::fs::read_to_string(a.dir.path().join(file)).unwrap(),
            "{file}"
        );
    }
    common::compare_outcomes_on(&a, &b, &[&["list-sessions", "-F", "#S"]]);
}
