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
