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
    for args in [
        &["switch-client", "-T", "nosuch"][..],
        &["switch-client", "-l"],
        &["switch-client", "-n"],
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
