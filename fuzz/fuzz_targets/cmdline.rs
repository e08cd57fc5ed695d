//! Fuzz target: config/command text through tmux command-line parsing as the host and the relay
//! use it: logical lines, words and commands (`tmate_proto::cmdline`), the host's command lookup
//! and getopt (`tmate::cmd`), the shared `;` splitter (`tmate_proto::command`), and the relay's mirror of replicated
//! `bind-key`/`set-option` commands (`tmate_relay::bindings`). Nothing may panic, and the parsed
//! sizes stay within the input's.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tmate_proto::cmdline::{MAX_LINE, logical_lines, parse_line};
use tmate_relay::bindings::Bindings;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // A lookup that knows a few names, one with an expansion larger than its reference.
    let env = |name: &str| match name {
        "HOME" => Some("/home/u".to_string()),
        "X" => Some("a b;c".to_string()),
        _ => None,
    };
    let mut relay = Bindings::default();
    for (line_no, line) in logical_lines(&text) {
        assert!(line_no >= 1);
        assert!(line.len() <= text.len());
        let Ok(commands) = parse_line(&line, &env) else {
            continue;
        };
        assert!(line.len() <= MAX_LINE);
        for argv in &commands {
            let _ = relay.apply(argv);
            let split = tmate_proto::command::split_commands(argv);
            assert!(split.iter().map(Vec::len).sum::<usize>() <= argv.len());
            let Some((name, rest)) = argv.split_first() else {
                continue;
            };
            if let Ok(entry) = tmate::cmd::find(name) {
                let _ = tmate::cmd::Args::parse(entry.spec, rest);
            }
        }
    }
    let _ = relay.prefix_keys();
    let _ = relay.repeat_time();
});
