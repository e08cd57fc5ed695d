//! The relay against a scripted host (the recorded tmate 2.4 streams replayed over SSH) and
//! scripted viewers: it must answer as the original relay did in the captures, refuse bad
//! input without harming other sessions, and keep hosts unblocked by viewers.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test stops on what it did not expect"
)]
#![allow(
    clippy::too_many_lines,
    reason = "each test is one end-to-end scenario that reads top to bottom, step after step"
)]

mod common;

use std::time::{Duration, Instant};

use common::*;
use tmate_proto::{HostMessage, KeyCode, RawStr, ServerMessage, WireMessage};

fn type_names(messages: &[ServerMessage]) -> Vec<&'static str> {
    messages.iter().map(WireMessage::type_name).collect()
}

/// The start-up stream of the `startup` capture without its final FIN.
fn startup_without_fin() -> Vec<HostMessage> {
    let mut messages = capture_host_messages("startup");
    assert_eq!(messages.pop(), Some(HostMessage::Fin));
    messages
}

/// A host that replayed the recorded start-up; returns it with the relay's burst.
async fn started_host(relay: &TestRelay) -> (ScriptedHost, Vec<ServerMessage>) {
    let mut host = ScriptedHost::connect(relay.addr).await;
    host.send(&startup_without_fin()).await;
    let burst = host.recv_until(|m| *m == ServerMessage::Ready).await;
    (host, burst)
}

/// A started host with one read-write viewer of `cols` x `rows` (SSH window `window`) whose
/// join the host has seen (its RESIZE).
async fn host_with_viewer(
    relay: &TestRelay,
    cols: u16,
    rows: u16,
    window: Option<u32>,
) -> (ScriptedHost, ScriptedViewer) {
    let (mut host, burst) = started_host(relay).await;
    let token = token_of(&env(&burst, "tmate_ssh").unwrap());
    let viewer = match window {
        Some(window) => {
            ScriptedViewer::connect_with_window(relay.addr, &token, cols, rows, window).await
        }
        None => ScriptedViewer::connect(relay.addr, &token, cols, rows).await,
    };
    host.recv_until(|m| matches!(m, ServerMessage::Resize { .. }))
        .await;
    (host, viewer)
}

#[tokio::test]
async fn answers_the_startup_burst_like_the_original() {
    let relay = TestRelay::start().await;
    let (mut host, burst) = started_host(&relay).await;

    let original = capture_server_messages("startup");
    // Ours adds the reconnection data (so the host keeps its tokens across a reconnect) just
    // before READY; everything else is the original's order.
    let mut expected = type_names(&original);
    expected.insert(expected.len() - 1, "SET_ENV");
    assert_eq!(type_names(&burst), expected);
    assert_eq!(
        burst[0],
        ServerMessage::Notify {
            message: "Note: clear your terminal before sharing readonly access".into()
        }
    );
    let port = relay.addr.port();
    let ssh = env(&burst, "tmate_ssh").unwrap();
    let ssh_ro = env(&burst, "tmate_ssh_ro").unwrap();
    assert!(
        ssh.starts_with(&format!("ssh -p{port} ")) && ssh.ends_with("@127.0.0.1"),
        "{ssh}"
    );
    assert!(ssh_ro.starts_with(&format!("ssh -p{port} ro-")), "{ssh_ro}");
    assert_eq!(token_of(&ssh).len(), 26);
    assert_eq!(
        burst[1],
        ServerMessage::Notify {
            message: format!("ssh session read only: {ssh_ro}").into()
        }
    );
    assert_eq!(
        burst[3],
        ServerMessage::Notify {
            message: format!("ssh session: {ssh}").into()
        }
    );
    assert!(env(&burst, "tmate_reconnection_data").is_some());
    assert!(relay.handle.registry().lookup(&token_of(&ssh)).is_some());

    // FIN ends the session: the relay closes the connection and forgets the tokens.
    host.send(&[HostMessage::Fin]).await;
    host.expect_closed().await;
    let deadline = Instant::now() + DEADLINE;
    while relay.handle.registry().lookup(&token_of(&ssh)).is_some() {
        assert!(
            Instant::now() < deadline,
            "session still registered after FIN"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn refuses_old_protocols_with_a_notify() {
    let relay = TestRelay::start().await;
    let mut host = ScriptedHost::connect(relay.addr).await;
    host.send(&[HostMessage::Header {
        protocol: 5,
        version: Some("2.2.0".into()),
    }])
    .await;
    let messages = host.expect_closed().await;
    assert!(
        matches!(&messages[..], [ServerMessage::Notify { message }] if message.to_string_lossy().contains("protocol 5")),
        "{messages:?}"
    );
    assert!(relay.handle.registry().is_empty());
}

#[tokio::test]
async fn bad_host_input_ends_only_that_session() {
    let relay = TestRelay::start().await;
    let (mut good, good_burst) = started_host(&relay).await;
    let (mut bad, bad_burst) = started_host(&relay).await;
    let bad_token = token_of(&env(&bad_burst, "tmate_ssh").unwrap());
    let good_token = token_of(&env(&good_burst, "tmate_ssh").unwrap());

    // A reserved msgpack marker: the stream cannot be read any further.
    bad.send_bytes(&[0x92, 0x02, 0xc1]).await;
    bad.expect_closed().await;
    assert!(relay.handle.registry().lookup(&bad_token).is_none());

    // A message of the wrong shape ends a session too: a layout whose active window does not
    // exist (the original treated that as fatal as well).
    let (mut shape, _) = started_host(&relay).await;
    shape
        .send(&[HostMessage::SyncLayout(tmate_proto::Layout {
            sx: 80,
            sy: 23,
            windows: vec![tmate_proto::LayoutWindow {
                idx: 0,
                name: "sh".into(),
                panes: vec![tmate_proto::LayoutPane {
                    id: 0,
                    sx: 80,
                    sy: 23,
                    xoff: 0,
                    yoff: 0,
                }],
                active_pane_id: 0,
            }],
            active_window_idx: 7,
        })])
        .await;
    shape.expect_closed().await;

    // An oversized message (a 9 MiB string) is refused from its header.
    let (mut huge, _) = started_host(&relay).await;
    huge.send_bytes(&[0x93, 0x02, 0x00, 0xdb, 0x00, 0x90, 0x00, 0x00])
        .await;
    huge.expect_closed().await;

    // The good session is untouched: a viewer joins and its keys reach the host.
    assert!(relay.handle.registry().lookup(&good_token).is_some());
    let mut viewer = ScriptedViewer::connect(relay.addr, &good_token, 80, 24).await;
    viewer.type_bytes(b"x").await;
    let got = good
        .recv_until(|m| matches!(m, ServerMessage::PaneKey { .. }))
        .await;
    assert_eq!(
        got.last(),
        Some(&ServerMessage::PaneKey {
            pane_id: -1,
            key: KeyCode::char('x')
        })
    );
    viewer.pump(Duration::from_millis(1)).await;
}

#[tokio::test]
async fn unknown_tokens_wait_then_get_the_original_message() {
    let relay = TestRelay::start().await;
    let started = Instant::now();
    let mut viewer =
        ScriptedViewer::connect(relay.addr, "NoSuchTokenAAAAAAAAAAAAAAA", 80, 24).await;
    viewer
        .wait_for("the refusal", |_, raw| {
            raw.windows(33)
                .any(|w| w == b"Invalid or expired session token\r")
        })
        .await;
    viewer.wait_closed().await;
    assert!(started.elapsed() >= Duration::from_millis(50));
    // Malformed names get the same answer.
    let mut viewer = ScriptedViewer::connect(relay.addr, "a b", 80, 24).await;
    viewer
        .wait_for("the refusal", |_, raw| {
            raw.starts_with(b"Invalid or expired session token")
        })
        .await;
}

/// The `viewer_input` capture: what a read-write viewer typed and the PANE_KEY/EXEC_CMD the
/// original relay sent for it; a read-only viewer's typing sent nothing; `C-b d` detached both,
/// each told so in tmux's words with the host's session name (`0`: tmate 2.4 names its session
/// like tmux, and the host stream never carries another).
#[tokio::test]
async fn viewer_input_matches_the_original_relay() {
    let relay = TestRelay::start().await;
    let (mut host, burst) = started_host(&relay).await;
    let token = token_of(&env(&burst, "tmate_ssh").unwrap());
    let token_ro = token_of(&env(&burst, "tmate_ssh_ro").unwrap());

    let mut viewer = ScriptedViewer::connect(relay.addr, &token, 100, 30).await;
    let joined = host
        .recv_until(|m| matches!(m, ServerMessage::Resize { .. }))
        .await;
    assert_eq!(
        joined.last(),
        Some(&ServerMessage::Resize { sx: 100, sy: 29 })
    );
    assert!(
        joined
            .iter()
            .any(|m| matches!(m, ServerMessage::Notify { message }
        if message.to_string_lossy().starts_with("A mate has joined (127.0.0.1) -- 1 client(s)")))
    );

    // The keystrokes, one write each, as in viewer_input.steps.json.
    let typed: &[&[u8]] = &[
        b"echo viewer",
        b"\r",
        b"\x1b[A",
        b"\x1b[B",
        b"\x1b[D",
        b"\x1b[C",
        b"\x03",
        b"\x1bOP",
        b"\x1b[15~",
        b"\x1bx",
        b"\x03",
        b"\x02c",
        b"\x02%",
        b"\x02n",
    ];
    for bytes in typed {
        viewer.type_bytes(bytes).await;
        // Let the escape time pass between keys, as a person typing would.
        tokio::time::sleep(Duration::from_millis(60)).await;
    }
    let original: Vec<ServerMessage> = capture_server_messages("viewer_input")
        .into_iter()
        .filter(|m| {
            matches!(
                m,
                ServerMessage::PaneKey { .. } | ServerMessage::ExecCmd { .. }
            )
        })
        .collect();
    assert_eq!(original.len(), 24);
    let mut ours = Vec::new();
    while ours.len() < original.len() {
        let message = host.recv().await.expect("a key from the relay");
        if matches!(
            message,
            ServerMessage::PaneKey { .. } | ServerMessage::ExecCmd { .. }
        ) {
            ours.push(message);
        }
    }
    // The original's client id for the first viewer was 1; ours too.
    assert_eq!(ours, original);

    viewer.resize(120, 40).await;
    let resized = host
        .recv_until(|m| matches!(m, ServerMessage::Resize { .. }))
        .await;
    assert_eq!(
        resized.last(),
        Some(&ServerMessage::Resize { sx: 120, sy: 39 })
    );

    // A read-only viewer: its size does not count and nothing it types reaches the host.
    let mut ro = ScriptedViewer::connect(relay.addr, &token_ro, 90, 25).await;
    let joined = host
        .recv_until(|m| matches!(m, ServerMessage::Resize { .. }))
        .await;
    assert_eq!(
        joined.last(),
        Some(&ServerMessage::Resize { sx: 120, sy: 39 })
    );
    ro.type_bytes(b"echo ro-viewer\r").await;
    ro.type_bytes(b"q").await;
    ro.type_bytes(b"\x02c").await;
    // The rw viewer detaches with C-b d: only the size changes for the host.
    viewer.type_bytes(b"\x02d").await;
    viewer.wait_closed().await;
    let detached = b"[detached (from session 0)]\r\n";
    assert!(
        viewer.raw.ends_with(detached),
        "the rw viewer's last words: {:?}",
        String::from_utf8_lossy(&viewer.raw[viewer.raw.len().saturating_sub(80)..])
    );
    let after = host
        .recv_until(|m| *m == ServerMessage::Resize { sx: -1, sy: -1 })
        .await;
    assert!(
        !after.iter().any(|m| matches!(
            m,
            ServerMessage::PaneKey { .. } | ServerMessage::ExecCmd { .. }
        )),
        "read-only input reached the host: {after:?}"
    );
    // A read-only viewer may leave the same way, and is told the same.
    ro.type_bytes(b"\x02d").await;
    ro.wait_closed().await;
    assert!(
        ro.raw.ends_with(detached),
        "the ro viewer's last words: {:?}",
        String::from_utf8_lossy(&ro.raw[ro.raw.len().saturating_sub(80)..])
    );
}

/// A read-only viewer may not run bindings either (not even through the prefix table).
#[tokio::test]
async fn read_only_viewers_send_nothing() {
    let relay = TestRelay::start().await;
    let (mut host, burst) = started_host(&relay).await;
    let token_ro = token_of(&env(&burst, "tmate_ssh_ro").unwrap());
    let ro = ScriptedViewer::connect(relay.addr, &token_ro, 80, 24).await;
    ro.type_bytes(b"ls\r\x02c\x02%\x1b[A").await;
    // Then a marker from the host side proves the relay processed the input by now: join and
    // leave a rw viewer, whose RESIZE comes after anything the ro viewer caused.
    let token = token_of(&env(&burst, "tmate_ssh").unwrap());
    tokio::time::sleep(Duration::from_millis(200)).await;
    let rw = ScriptedViewer::connect(relay.addr, &token, 70, 20).await;
    let seen = host
        .recv_until(|m| *m == ServerMessage::Resize { sx: 70, sy: 19 })
        .await;
    assert!(
        !seen.iter().any(|m| matches!(
            m,
            ServerMessage::PaneKey { .. } | ServerMessage::ExecCmd { .. }
        )),
        "{seen:?}"
    );
    drop(rw);
}

/// Bound commands that need a client on the host are never forwarded (display-message crashed
/// tmate 2.4's host); prompts run in the relay and forward only the resulting command.
#[tokio::test]
async fn client_commands_stay_in_the_relay() {
    let relay = TestRelay::start().await;
    let (mut host, mut viewer) = host_with_viewer(&relay, 80, 24, None).await;
    // prefix i (display-message), prefix s (choose-tree), prefix , (rename prompt).
    viewer.type_bytes(b"\x02i").await;
    viewer.type_bytes(b"\x02s").await;
    viewer
        .wait_for("the refusal of choose-tree", |screen, _| {
            screen
                .contents()
                .contains("choose-tree: not available to viewers")
        })
        .await;
    viewer.type_bytes(b"\x02,").await;
    viewer
        .wait_for("the rename prompt", |screen, _| {
            screen.contents().contains("(rename-window) ")
        })
        .await;
    // Clear the pre-filled window name and type a new one.
    viewer.type_bytes(b"\x15renamed\r").await;
    let got = host
        .recv_until(|m| matches!(m, ServerMessage::ExecCmd { .. }))
        .await;
    let exec: Vec<&ServerMessage> = got
        .iter()
        .filter(|m| matches!(m, ServerMessage::ExecCmd { .. }))
        .collect();
    assert_eq!(
        exec,
        vec![&ServerMessage::ExecCmd {
            client_id: 1,
            argv: vec![RawStr::from("rename-window"), RawStr::from("renamed")]
        }]
    );
    // confirm-before (prefix x) asks first; `n` cancels, `y` forwards kill-pane.
    viewer.type_bytes(b"\x02x").await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    viewer.type_bytes(b"n").await;
    viewer.type_bytes(b"\x02x").await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    viewer.type_bytes(b"y").await;
    let got = host
        .recv_until(|m| matches!(m, ServerMessage::ExecCmd { .. }))
        .await;
    assert_eq!(
        got.last(),
        Some(&ServerMessage::ExecCmd {
            client_id: 1,
            argv: vec![RawStr::from("kill-pane")]
        })
    );
    assert!(
        !got.iter()
            .any(|m| matches!(m, ServerMessage::PaneKey { key, .. } if *key == KeyCode::char('n')))
    );
}

/// FAILED_CMD goes to the viewer whose command failed, as a message.
#[tokio::test]
async fn failed_commands_are_shown_to_their_viewer() {
    let relay = TestRelay::start().await;
    let (host, mut viewer) = host_with_viewer(&relay, 80, 24, None).await;
    host.send(&[HostMessage::FailedCmd {
        client_id: 1,
        cause: "unknown command: bogus-cmd".into(),
    }])
    .await;
    viewer
        .wait_for("the failure message", |screen, _| {
            screen.contents().contains("Unknown command: bogus-cmd")
        })
        .await;
}

/// Many viewers joining and leaving at once: every join is counted, every leave undone, and the
/// host ends with RESIZE -1,-1.
#[tokio::test]
async fn many_viewers_join_and_leave() {
    let relay = TestRelay::start().await;
    let (mut host, burst) = started_host(&relay).await;
    let token = token_of(&env(&burst, "tmate_ssh").unwrap());
    let session = relay.handle.registry().lookup(&token).unwrap().session;
    let mut joins = Vec::new();
    for i in 0..24u16 {
        let addr = relay.addr;
        let token = token.clone();
        joins.push(tokio::spawn(async move {
            ScriptedViewer::connect(addr, &token, 60 + i, 20 + i).await
        }));
    }
    let mut viewers = Vec::new();
    for join in joins {
        viewers.push(join.await.unwrap());
    }
    let deadline = Instant::now() + DEADLINE;
    while session.lock().viewers.len() < 24 {
        assert!(Instant::now() < deadline, "not every viewer attached");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(session.lock().viewer_size(), (60, 19));
    drop(viewers);
    host.recv_until(|m| *m == ServerMessage::Resize { sx: -1, sy: -1 })
        .await;
    let deadline = Instant::now() + DEADLINE;
    while !session.lock().viewers.is_empty() {
        assert!(Instant::now() < deadline, "viewers not removed");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// A viewer that never reads its output must not slow the host: the host's stream keeps being
/// read and answered while that viewer's SSH window is full.
#[tokio::test]
async fn a_viewer_that_never_reads_does_not_block_the_host() {
    let relay = TestRelay::start().await;
    let (mut host, burst) = started_host(&relay).await;
    let token = token_of(&env(&burst, "tmate_ssh").unwrap());
    // This viewer's output is never read, and its SSH window is small: the relay soon cannot
    // send it anything more.
    let _stalled =
        ScriptedViewer::connect_with_window(relay.addr, &token, 200, 60, 16 * 1024).await;
    host.recv_until(|m| matches!(m, ServerMessage::Resize { .. }))
        .await;
    host.send(&[HostMessage::SyncLayout(tmate_proto::Layout {
        sx: 200,
        sy: 59,
        windows: vec![tmate_proto::LayoutWindow {
            idx: 0,
            name: "bash".into(),
            panes: vec![tmate_proto::LayoutPane {
                id: 0,
                sx: 200,
                sy: 59,
                xoff: 0,
                yoff: 0,
            }],
            active_pane_id: 0,
        }],
        active_window_idx: 0,
    })])
    .await;
    // 4 MB of changing screens in 16 KiB chunks.
    let started = Instant::now();
    for round in 0..256u32 {
        let line = format!("\x1b[H\x1b[2J{}\r\n", format!("{round:08} ").repeat(22));
        let chunk = line.repeat(16_384 / line.len());
        host.send(&[HostMessage::PtyData {
            pane_id: 0,
            data: chunk.into(),
        }])
        .await;
    }
    // A second viewer still joins and gets its RESIZE promptly.
    let _second = ScriptedViewer::connect(relay.addr, &token, 100, 30).await;
    let got = host
        .recv_until(|m| *m == ServerMessage::Resize { sx: 100, sy: 29 })
        .await;
    assert!(!got.is_empty());
    assert!(
        started.elapsed() < DEADLINE,
        "the host was held up for {:?}",
        started.elapsed()
    );
}

/// A host whose connection drops keeps its tokens: it reconnects with the reconnection data it
/// was given, gets "Reconnected" and the same connection strings, and the viewer that stayed
/// attached meanwhile keeps working.
#[tokio::test]
async fn reconnecting_hosts_keep_their_tokens_and_viewers() {
    let relay = TestRelay::start().await;
    let (host, burst) = started_host(&relay).await;
    let ssh = env(&burst, "tmate_ssh").unwrap();
    let data = env(&burst, "tmate_reconnection_data").unwrap();
    let token = token_of(&ssh);
    let mut viewer = ScriptedViewer::connect(relay.addr, &token, 80, 24).await;
    let session = relay.handle.registry().lookup(&token).unwrap().session;
    let deadline = Instant::now() + DEADLINE;
    while session.lock().viewers.is_empty() {
        assert!(Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    drop(host);
    let deadline = Instant::now() + DEADLINE;
    while session.lock().host_connected {
        assert!(
            Instant::now() < deadline,
            "the relay did not notice the drop"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    viewer
        .wait_for("the disconnection notice", |screen, _| {
            screen.contents().contains("The host disconnected")
        })
        .await;

    // The reconnect burst of tmate 2.4: HEADER, RECONNECT, then the configuration again.
    let mut again = ScriptedHost::connect(relay.addr).await;
    let mut replay = vec![
        HostMessage::Header {
            protocol: 6,
            version: Some("2.4.0".into()),
        },
        HostMessage::Reconnect {
            data: data.clone().into(),
        },
    ];
    replay.extend(startup_without_fin().into_iter().skip(1));
    again.send(&replay).await;
    let burst = again.recv_until(|m| *m == ServerMessage::Ready).await;
    assert_eq!(
        burst[0],
        ServerMessage::Notify {
            message: "Reconnected".into()
        }
    );
    assert_eq!(env(&burst, "tmate_ssh").as_deref(), Some(ssh.as_str()));
    // The viewer that waited is still attached, and its keys reach the new connection.
    viewer.type_bytes(b"z").await;
    let got = again
        .recv_until(|m| matches!(m, ServerMessage::PaneKey { .. }))
        .await;
    assert_eq!(
        got.last(),
        Some(&ServerMessage::PaneKey {
            pane_id: -1,
            key: KeyCode::char('z')
        })
    );
    assert!(!viewer.closed);

    // Forged reconnection data gets a fresh session instead.
    let mut forged = ScriptedHost::connect(relay.addr).await;
    forged
        .send(&[
            HostMessage::Header {
                protocol: 6,
                version: Some("2.4.0".into()),
            },
            HostMessage::Reconnect {
                data: data.replace(&token[..4], "zzzz").into(),
            },
            HostMessage::Ready,
        ])
        .await;
    let burst = forged.recv_until(|m| *m == ServerMessage::Ready).await;
    assert_ne!(env(&burst, "tmate_ssh").as_deref(), Some(ssh.as_str()));
}

/// `-A`: a session that does not restrict viewers with authorized keys is told why and closed
/// at READY, with the original's three messages.
#[tokio::test]
async fn require_authorized_keys_closes_open_sessions() {
    let relay = TestRelay::start_with(|c| c.require_authorized_keys = true).await;
    let mut host = ScriptedHost::connect(relay.addr).await;
    host.send(&startup_without_fin()).await;
    let messages = host.expect_closed().await;
    let notes: Vec<String> = messages
        .iter()
        .filter_map(|m| match m {
            ServerMessage::Notify { message } => Some(message.to_string_lossy()),
            _ => None,
        })
        .collect();
    assert!(
        notes.ends_with(&[
            "Server requires authorized_keys but none are given.".to_string(),
            "Use '-a FILENAME' to specify an authorized_keys file.".to_string(),
            "Press <Ctrl-c><Ctrl-d> to exit.".to_string(),
            String::new(),
        ]),
        "{notes:?}"
    );
}

/// `tmate -a FILE`: only viewers presenting a listed key get in; others are refused during SSH
/// authentication (so OpenSSH would try its next key).
#[tokio::test]
async fn authorized_keys_restrict_viewers() {
    let relay = TestRelay::start_with(|c| c.require_authorized_keys = true).await;
    let allowed =
        russh::keys::PrivateKey::random(&mut rand::rng(), russh::keys::Algorithm::Ed25519).unwrap();
    let other =
        russh::keys::PrivateKey::random(&mut rand::rng(), russh::keys::Algorithm::Ed25519).unwrap();
    let line = allowed.public_key().to_openssh().unwrap();
    let mut host = ScriptedHost::connect(relay.addr).await;
    let mut messages = startup_without_fin();
    let ready = messages
        .iter()
        .position(|m| *m == HostMessage::Ready)
        .unwrap();
    messages.insert(
        ready,
        HostMessage::ExecCmd {
            argv: vec![
                "set-option".into(),
                "tmate-authorized-keys".into(),
                "/home/user/.ssh/authorized_keys".into(),
            ],
        },
    );
    messages.insert(
        ready + 1,
        HostMessage::ExecCmd {
            argv: vec![
                "set-option".into(),
                "tmate-set".into(),
                format!("authorized_keys={line} user@laptop").into(),
            ],
        },
    );
    host.send(&messages).await;
    let burst = host.recv_until(|m| *m == ServerMessage::Ready).await;
    let token = token_of(&env(&burst, "tmate_ssh").unwrap());
    // The session stays open under -A: it restricted access.
    assert!(relay.handle.registry().lookup(&token).is_some());

    assert!(
        !ssh_login(relay.addr, &token, None).await,
        "no key must be refused"
    );
    assert!(
        !ssh_login(relay.addr, &token, Some(&other)).await,
        "an unlisted key must be refused"
    );
    assert!(
        ssh_login(relay.addr, &token, Some(&allowed)).await,
        "the listed key gets in"
    );
}

/// A viewer with a small SSH window that pastes a lot during heavy output gets every key to
/// the host, in order: its input is read while its frames wait for the window.
#[tokio::test]
async fn a_paste_during_heavy_output_arrives_whole() {
    let relay = TestRelay::start().await;
    let (mut host, viewer) = host_with_viewer(&relay, 200, 60, Some(8 * 1024)).await;
    // Fill the viewer's window, and the SSH queue behind it, with screens it never reads:
    // changes spread over time, so the relay draws many frames.
    for round in 0..40u32 {
        let text = format!("\x1b[H\x1b[2J{}", format!("{round:06} ").repeat(200));
        host.send(&[HostMessage::PtyData {
            pane_id: 0,
            data: text.into(),
        }])
        .await;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Then a paste of 3000 characters, in 600 separate writes.
    let paste: Vec<u8> = (0..3000u32).map(|i| b'a' + (i % 26) as u8).collect();
    for chunk in paste.chunks(5) {
        viewer.type_bytes(chunk).await;
    }
    let mut keys = Vec::new();
    while keys.len() < paste.len() {
        match host.recv().await {
            Some(ServerMessage::PaneKey { key, .. }) => keys.push(key.0 as u8),
            Some(_) => {}
            None => panic!("only {} of {} keys arrived", keys.len(), paste.len()),
        }
    }
    assert_eq!(keys, paste);
}

/// tmate's own messages (WRITE_COPY_MODE into an output view) are shown to viewers until the
/// host closes the view, whether the viewer came before or after them.
#[tokio::test]
async fn viewers_see_tmates_message_view() {
    let relay = TestRelay::start().await;
    // The recorded start-up up to where tmate's message view is still open (the capture closes
    // it with SYNC_COPY_MODE just before FIN).
    let mut messages = startup_without_fin();
    assert!(matches!(
        messages.pop(),
        Some(HostMessage::SyncCopyMode { state: None, .. })
    ));
    let mut host = ScriptedHost::connect(relay.addr).await;
    host.send(&messages).await;
    let burst = host.recv_until(|m| *m == ServerMessage::Ready).await;
    let token = token_of(&env(&burst, "tmate_ssh").unwrap());
    let mut viewer = ScriptedViewer::connect(relay.addr, &token, 80, 24).await;
    viewer
        .wait_for("the start-up tips", |screen, _| {
            screen
                .contents()
                .contains("Tip: if you wish to use tmate only for remote access")
        })
        .await;
    host.send(&[HostMessage::WriteCopyMode {
        pane_id: 0,
        text: "a line written later".into(),
    }])
    .await;
    viewer
        .wait_for("the later line", |screen, _| {
            screen.contents().contains("a line written later")
        })
        .await;
    host.send(&[
        HostMessage::SyncCopyMode {
            pane_id: 0,
            state: None,
        },
        HostMessage::PtyData {
            pane_id: 0,
            data: "\x1b[H\x1b[2Jbash-5.2# ".into(),
        },
    ])
    .await;
    viewer
        .wait_for("the pane again", |screen, _| {
            screen.contents().contains("bash-5.2#") && !screen.contents().contains("Tip:")
        })
        .await;
    drop(viewer);
    host.recv_until(|m| *m == ServerMessage::Resize { sx: -1, sy: -1 })
        .await;
}
