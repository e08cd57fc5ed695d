//! State that formats report, against tmux 3.3a: a pane's history memory, the alternate
//! screen's saved cursor and OSC 7 path, alerts, `#{command}` and `#{current_file}`, session
//! activity and attach times, the variables of an attached client (its pid, terminal
//! features, key table and prefix on its status line), a dead pane's command, `-V`, and the
//! message log (show-messages).
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

use common::{DEADLINE, Mux, compare_outcomes, compare_outcomes_on};
use pair::Pair;

/// Both servers with a session `s` made with `new-session -d -s s` and `args` (size, name,
/// command), each waited on until `ready` holds for `#{probe}`.
fn pair_running(args: &[&str], probe: &str, ready: &str) -> (Mux, Mux) {
    let (a, b) = (Mux::tmux(), Mux::tmate());
    for m in [&a, &b] {
        let mut words = vec!["new-session", "-d", "-s", "s"];
        words.extend_from_slice(args);
        m.run(&words);
        m.wait_for(&["display", "-p", probe], ready, |s| s.trim_end() == ready);
    }
    (a, b)
}

/// `history_bytes` counts tmux's line records and the cells each line allocated (a quarter,
/// half or whole width), `history_all_bytes` each part; wide characters and RGB colours take
/// extended cells.
#[test]
fn history_bytes_as_tmux_counts_them() {
    let command = "printf 'abc\\n日本\\n\\033[38;2;1;2;3mrgb\\033[m\\n'; seq 1 30; \
                   printf '%.0s-' $(seq 1 50); echo; exec cat";
    let (a, b) = pair_running(&["-x", "80", "-y", "10", command], "#{history_size}", "25");
    compare_outcomes_on(
        &a,
        &b,
        &[
            &["display", "-p", "#{history_bytes}|#{history_all_bytes}"],
            &["clear-history"],
            &["display", "-p", "#{history_bytes}|#{history_all_bytes}"],
            &["split-window", "-d", "exec cat"],
            &[
                "display",
                "-p",
                "-t",
                ":.1",
                "#{history_bytes}|#{history_all_bytes}",
            ],
        ],
    );
}

/// `?1049h` saves the cursor for `alternate_saved_x/y` (UINT_MAX before), OSC 7 sets
/// `pane_path`.
#[test]
fn alternate_screen_saved_cursor_and_pane_path() {
    let command = "printf '\\033[5;7H\\033[?1049hx\\033[2;3H\\033]7;file://host/a b\\007'; \
                   exec cat";
    let (a, b) = pair_running(
        &["-x", "80", "-y", "24", command],
        "#{alternate_on}#{pane_path}",
        "1file://host/a b",
    );
    compare_outcomes_on(
        &a,
        &b,
        &[
            &[
                "display",
                "-p",
                "#{alternate_on}|#{alternate_saved_x},#{alternate_saved_y}|#{pane_path}|\
                 #{cursor_x},#{cursor_y}|#{history_all_bytes}",
            ],
            &["split-window", "-d", "exec cat"],
            &[
                "display",
                "-p",
                "-t",
                ":.1",
                "#{alternate_on}|#{alternate_saved_x},#{alternate_saved_y}|[#{pane_path}]",
            ],
        ],
    );
}

/// Bell and activity alerts in `session_alerts` and the flags (`#` escaped in
/// `window_flags`, not in `window_raw_flags`).
#[test]
fn session_alerts_and_window_flags() {
    let (a, b) = pair_running(
        &["-x", "80", "-y", "24", "exec cat"],
        "#{session_alerts}",
        "",
    );
    for m in [&a, &b] {
        // The bell first, before its output could count as activity too.
        m.run(&["new-window", "-d", "printf '\\a'; exec cat"]);
        m.wait_for(&["display", "-p", "#{session_alerts}"], "the bell", |s| {
            s == "1!\n"
        });
        m.run(&["set", "-g", "monitor-activity", "on"]);
        m.run(&["new-window", "-d", "sleep 0.3; echo hi; exec cat"]);
        m.wait_for(
            &["display", "-p", "#{session_alerts}"],
            "both alerts",
            |s| s == "1!,2#\n",
        );
    }
    compare_outcomes_on(
        &a,
        &b,
        &[
            &[
                "list-windows",
                "-F",
                "#{window_index} #{window_flags} #{window_raw_flags} #{session_alerts}",
            ],
            &[
                "display",
                "-p",
                "-t",
                ":2",
                "#{session_alerts}|#{window_flags}",
            ],
        ],
    );
}

/// `#{command}` is the command whose arguments are expanded (run-shell -C expands its
/// commands first, if-shell does not); `#{current_file}` the file source-file reads; a
/// session nobody attached has no attach time, and its activity is its creation.
#[test]
fn command_current_file_and_session_times() {
    let (a, b) = pair_running(&["-x", "80", "-y", "24"], "#{session_name}", "s");
    // Each reads its own file (set -F keeps what the file's command saw), compared with the
    // temp dir written DIR.
    let mut seen = Vec::new();
    for m in [&a, &b] {
        let dir = m.dir.path().to_string_lossy().into_owned();
        let path = format!("{dir}/x.conf");
        std::fs::write(&path, "set -gF @f '#{current_file} #{command}'\n").unwrap();
        m.run(&["source-file", &path]);
        seen.push(m.run(&["show", "-gv", "@f"]).replace(&dir, "DIR"));
    }
    assert_eq!(seen[0], "DIR/x.conf set-option\n", "tmux");
    assert_eq!(seen[1], seen[0], "tmate (left) differs from tmux (right)");
    compare_outcomes_on(
        &a,
        &b,
        &[
            &["display", "-p", "#{command}|[#{current_file}]"],
            &["list-windows", "-F", "#{command}"],
            &["if-shell", "-F", "#{command}", "display -p 'x#{command}'"],
            &["run-shell", "-C", "display -p '#{command}'"],
            &[
                "list-sessions",
                "-F",
                "#{command} [#{session_last_attached}] [#{t:session_last_attached}] \
                 #{==:#{session_activity},#{session_created}}",
            ],
            &[
                "display",
                "-p",
                "[#{client_pid}][#{client_termfeatures}][#{window_bigger}][#{session_group}]\
                 [#{session_attached_list}][#{window_active_clients_list}][#{client_key_table}]",
            ],
        ],
    );
}

/// An attached client's variables: the ones both servers know alike compared as they are,
/// pids, names and times by what must hold.
#[tokio::test]
async fn attached_client_variables() {
    let p = Pair::start("", 80, 24, Some("cat")).await;
    p.run_both(&[
        "display",
        "-p",
        "#{e|>:#{client_pid},1} #{client_termfeatures} [#{client_termtype}] \
         #{client_key_table} #{client_prefix} #{client_discarded} #{e|>:#{client_written},0} \
         #{==:#{client_user},#{user}} #{client_cell_width}x#{client_cell_height} \
         #{window_bigger} [#{window_offset_x}] [#{client_last_session}] \
         #{e|>=:#{session_last_attached},#{session_created}} \
         #{e|>=:#{client_created},#{session_created}} #{e|>=:#{client_activity},#{client_created}} \
         #{==:#{session_attached_list},#{client_name}} \
         #{==:#{window_active_clients_list},#{client_name}}",
    ]);
    p.run_both(&[
        "list-clients",
        "-F",
        "#{client_session} #{client_key_table} #{e|>:#{client_pid},1} #{client_readonly}",
    ]);
}

/// `client_key_table` and `client_prefix` on the status line follow the client's prefix key;
/// `session_activity` moves when the client types.
#[tokio::test]
async fn prefix_on_the_status_line_and_activity_on_keys() {
    let config = "set -g status-right '[#{client_key_table}:#{client_prefix}]'\n";
    let mut p = Pair::start(config, 80, 24, Some("cat")).await;
    p.status("the root table", |r| r.contains("[root:0]")).await;
    p.send(b"\x02").await;
    p.status("the prefix table", |r| r.contains("[prefix:1]"))
        .await;
    // An unbound key in the prefix table goes back to root.
    p.send(b"\x07").await;
    p.status("root again", |r| r.contains("[root:0]")).await;
    // The activity moves to the time of a key typed a second after the session began.
    let created: i64 = p.muxes[1]
        .run(&["display", "-p", "#{session_created}"])
        .trim()
        .parse()
        .unwrap();
    let deadline = Instant::now() + DEADLINE;
    while now_secs() <= created + 1 {
        assert!(Instant::now() < deadline, "the clock did not move");
        std::thread::sleep(Duration::from_millis(50));
    }
    p.send(b"x").await;
    let moved = "#{e|>:#{session_activity},#{session_created}}";
    p.wait_both(&["display", "-p", moved], "activity after the key", |s| {
        s == "1\n"
    });
    p.run_both(&[
        "display",
        "-p",
        "#{e|>=:#{client_activity},#{session_activity}}",
    ]);
}

fn now_secs() -> i64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    i64::try_from(since.unwrap().as_secs()).unwrap()
}

/// `list-buffers -F` expands each line with the buffer's variables (and no session), `-f`
/// filters.
#[test]
fn list_buffers_format_and_filter() {
    compare_outcomes(&[
        &["new-session", "-d", "-s", "s", "-x", "80", "-y", "24"],
        &["set-buffer", "-b", "one", "hello world"],
        &["set-buffer", "x\ny"],
        &[
            "list-buffers",
            "-F",
            "#{buffer_name}|#{buffer_size}|#{buffer_sample}|[#{session_name}]|\
                 #{e|>:#{buffer_created},0}|#{command}|#{?#{==:#{buffer_name},one},O,N}|\
                 #{=3:buffer_name}",
        ],
        &["list-buffers", "-f", "#{==:#{buffer_name},one}"],
        &[
            "list-buffers",
            "-F",
            "#{buffer_sample}#{buffer_name}",
            "-f",
            "#{m:b*,#{buffer_name}}",
        ],
        &["list-buffers", "-f", "0"],
    ]);
}

/// `allow-rename`: off (the default), a program's `ESC k NAME ST` changes nothing; on, it
/// names the window. The string never reaches the screen.
#[test]
fn allow_rename() {
    let rename = |name: &str| format!("printf 'a\\033k{name}\\033\\\\b\\n'; exec cat");
    let first = rename("first");
    let args = ["-n", "fixed", "-x", "40", "-y", "5", &first];
    let (a, b) = pair_running(&args, "#{cursor_y}", "1");
    for m in [&a, &b] {
        m.run(&["set", "-g", "allow-rename", "on"]);
        m.run(&["new-window", "-n", "other", &rename("named")]);
        m.wait_for(&["display", "-p", "#{window_name}"], "the rename", |s| {
            s == "named\n"
        });
    }
    compare_outcomes_on(
        &a,
        &b,
        &[
            &["list-windows", "-F", "#{window_index} #{window_name}"],
            &["capture-pane", "-p", "-t", ":0"],
            &["capture-pane", "-p", "-t", ":1"],
        ],
    );
}

/// `scroll-on-clear`: on (the default), clearing the screen moves its lines into the history;
/// off, they are gone.
#[test]
fn scroll_on_clear() {
    let command = "seq 1 3; printf '\\033[2J'; exec cat";
    let (a, b) = pair_running(&["-x", "40", "-y", "5", command], "#{history_size}", "3");
    for m in [&a, &b] {
        m.run(&["set", "-g", "scroll-on-clear", "off"]);
        m.run(&["new-window", command]);
        m.wait_for(&["display", "-p", "#{cursor_y}"], "the output", |s| {
            s == "3\n"
        });
    }
    compare_outcomes_on(
        &a,
        &b,
        &[
            &["list-panes", "-a", "-F", "#{window_index} #{history_size}"],
            &["capture-pane", "-p", "-S", "-", "-t", ":0"],
            &["capture-pane", "-p", "-S", "-", "-t", ":1"],
        ],
    );
}

/// `allow-passthrough`: a program's `ESC P tmux; ... ST` reaches the client's terminal only
/// when on (here an OSC 2 title), and is never drawn in the pane.
#[tokio::test]
async fn allow_passthrough() {
    let print = |title: &str, marker: &str| {
        format!("printf '\\033Ptmux;\\033\\033]2;{title}\\007\\033\\\\{marker}\\n'; exec cat")
    };
    let mut p = Pair::start("", 80, 24, Some("cat")).await;
    for m in &p.muxes {
        m.run(&["new-window", &print("blocked", "first")]);
    }
    p.wait_text("the first marker", "first").await;
    for m in &p.muxes {
        m.run(&["set", "-g", "allow-passthrough", "on"]);
        m.run(&["new-window", &print("passed", "second")]);
    }
    let sent = |c: &tmate_fixtures::pty_client::PtyClient, title: &str| {
        let seq = format!("\x1b]2;{title}\x07");
        c.raw.windows(seq.len()).any(|w| w == seq.as_bytes())
    };
    for c in &mut p.clients {
        c.wait_for("the title passed through", |c| sent(c, "passed"))
            .await;
        c.wait_text("the second marker", |t| t.contains("second"))
            .await;
        assert!(!sent(c, "blocked"), "{}: passed through while off", c.name);
    }
    p.same_rows(0..23, "the pane after the passthrough");
}

/// `capture-pane -P`: the escape sequence the program started and did not finish, with -C in
/// octal; nothing once it is finished.
#[test]
fn capture_pending_input() {
    let command = "printf 'ab\\033[1;3\\033]2;x\\\\y\\351'; exec cat";
    let (a, b) = pair_running(&["-x", "80", "-y", "24", command], "#{cursor_x}", "2");
    compare_outcomes_on(
        &a,
        &b,
        &[
            &["capture-pane", "-p", "-P", "-C"],
            &["capture-pane", "-P", "-C", "-b", "p"],
            &["show-buffer", "-b", "p"],
            &["split-window", "-d", "exec cat"],
            &["capture-pane", "-p", "-P", "-t", ":.1"],
        ],
    );
}

/// A dead pane's `#{pane_current_command}` is the first word of the command it started with,
/// else its shell (tmux's fallbacks through `parse_window_name`): oh-my-tmux finds its
/// maximized pane by it.
#[test]
fn dead_panes_current_command_as_tmux() {
    let (a, b) = pair_running(
        &["-x", "80", "-y", "10", "exec cat"],
        "#{pane_current_command}",
        "cat",
    );
    for m in [&a, &b] {
        m.run(&["set", "-g", "remain-on-exit", "on"]);
        m.run(&[
            "new-window",
            "-d",
            "-t",
            "s:1",
            "maximized... 2>/dev/null & exit 0",
        ]);
        m.run(&["new-window", "-d", "-t", "s:2", "exec /bin/true --flag"]);
        m.run(&["new-window", "-d", "-t", "s:3"]);
        m.run(&["send-keys", "-t", "s:3", "exit", "Enter"]);
        for w in ["s:1", "s:2", "s:3"] {
            m.wait_for(&["display", "-p", "-t", w, "#{pane_dead}"], "1", |s| {
                s.trim_end() == "1"
            });
        }
    }
    compare_outcomes_on(
        &a,
        &b,
        &[&[
            "list-panes",
            "-s",
            "-F",
            "#{pane_dead} #{pane_current_command}",
        ]],
    );
}

/// `-V` names the tmux version whose commands we follow, in tmux's form (scripts read it:
/// oh-my-tmux parses the number after the name, tpm cuts the second word).
#[test]
fn version_flag_names_the_tmux_version() {
    let out = Mux::tmate().run(&["-V"]);
    assert_eq!(out, "tmate 3.3a\n");
    let tmux = Mux::tmux().run(&["-V"]);
    assert_eq!(
        tmux.split_whitespace().nth(1),
        out.split_whitespace().nth(1)
    );
}

/// show-messages as tmux 3.3a: newest first, `HH:MM: ` before each, the commands run (a
/// key's as `key K:`, a command client's under its name) and the messages clients showed.
/// Client names and times differ between the two runs and are masked.
#[tokio::test]
async fn message_log_as_tmux() {
    let config = "set -g status-right 'R'\nbind x display -d 0 'hi there'\n";
    let mut p = Pair::start_shown(config, Some("cat")).await;
    p.send(b"\x02x").await;
    p.status("the message", |r| r.starts_with("hi there")).await;
    let mask = |log: String| -> String {
        log.lines()
            .map(|l| {
                let l = l.get(7..).unwrap_or_default();
                l.split(' ')
                    .map(|w| {
                        if w.starts_with("client-") {
                            "client-N"
                        } else if w.starts_with("/dev/pts/") {
                            "/dev/pts/N"
                        } else {
                            w
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let logs: Vec<String> = p
        .muxes
        .iter()
        .map(|m| mask(m.run(&["show-messages"])))
        .collect();
    assert_eq!(logs[1], logs[0], "tmate (left) differs from tmux (right)");
    assert!(
        logs[0].starts_with("client-N command: show-messages\n/dev/pts/N message: hi there\n"),
        "{}",
        logs[0]
    );
}
