//! Our host's start-up stream compared message by message with tmate 2.4's (the `startup`
//! fixture recorded against the original tmate-ssh-server): a recording SSH server in the test
//! answers like the original (the fixture's NOTIFY/SET_ENV/READY) and keeps what the host sends;
//! then the reconnect burst after the server dropped the connection (the `reconnect` fixture).
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

use std::sync::Arc;
use std::time::Instant;

use common::{DEADLINE, Mux};
use russh::keys::{Algorithm, HashAlg, PrivateKey};
use russh::server::{Auth, Msg, Session};
use russh::{Channel, ChannelId};
use tmate_proto::{DecoderConfig, HostDecoder, HostMessage, Layout, RawStr};
use tokio::sync::mpsc;

/// Accepts `none`, opens the `tmate` subsystem, answers with the original's start-up burst,
/// and forwards every byte the host sends.
struct Recorder {
    sent: mpsc::UnboundedSender<Vec<u8>>,
}

impl russh::server::Handler for Recorder {
    type Error = russh::Error;

    async fn auth_none(&mut self, _user: &str) -> Result<Auth, Self::Error> {
        Ok(Auth::Accept)
    }

    async fn channel_open_session(
        &mut self,
        _channel: Channel<Msg>,
        reply: russh::server::ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        reply.accept().await;
        Ok(())
    }

    async fn subsystem_request(
        &mut self,
        channel: ChannelId,
        name: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        assert_eq!(name, "tmate");
        session.channel_success(channel)?;
        let handle = session.handle();
        let burst = tmate_fixtures::stream("startup", "server-to-host");
        tokio::spawn(async move {
            let _ = handle.data(channel, burst).await;
        });
        Ok(())
    }

    async fn data(
        &mut self,
        _channel: ChannelId,
        data: &[u8],
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        let _ = self.sent.send(data.to_vec());
        Ok(())
    }
}

fn decode(bytes: &[u8]) -> Vec<HostMessage> {
    let mut d = HostDecoder::new(DecoderConfig::host_stream());
    d.feed(bytes);
    let mut out = Vec::new();
    while let Some(m) = d.next_message() {
        out.push(m.unwrap());
    }
    out
}

/// Window names differ (the fixture ran bash); everything else of a layout must match.
fn unnamed(mut l: Layout) -> Layout {
    for w in &mut l.windows {
        w.name = RawStr::from("");
    }
    l
}

/// A throwaway ed25519 server key (config and fingerprint) and a listener on a free loopback
/// port for the recording relay.
async fn recording_listener() -> (
    Arc<russh::server::Config>,
    String,
    tokio::net::TcpListener,
    u16,
) {
    let key = PrivateKey::random(&mut rand::rng(), Algorithm::Ed25519).unwrap();
    let fingerprint = key.public_key().fingerprint(HashAlg::Sha256).to_string();
    let config = Arc::new(russh::server::Config {
        keys: vec![key],
        ..Default::default()
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    (config, fingerprint, listener, port)
}

/// A recording relay for one host connection and a `Mux` whose config points at it with three
/// lines (server, port, ed25519 fingerprint): the Mux, what the host sends, the relay's task.
async fn recorded_host() -> (
    Mux,
    mpsc::UnboundedReceiver<Vec<u8>>,
    tokio::task::JoinHandle<()>,
) {
    let (config, fingerprint, listener, port) = recording_listener().await;
    let (tx, rx) = mpsc::unbounded_channel();
    let server = tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        let running = russh::server::run_stream(config, stream, Recorder { sent: tx })
            .await
            .unwrap();
        let _ = running.await;
    });
    let conf = format!(
        "set -g tmate-server-host 127.0.0.1\nset -g tmate-server-port {port}\n\
         set -g tmate-server-ed25519-fingerprint {fingerprint}\n"
    );
    (Mux::tmate().with_config(&conf), rx, server)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn startup_stream_matches_tmate_2_4() {
    let (config, fingerprint, listener, port) = recording_listener().await;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let server = tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        let running = russh::server::run_stream(config, stream, Recorder { sent: tx })
            .await
            .unwrap();
        let _ = running.await;
    });

    // The fixture's host had exactly these three config lines (as `recorded_host` writes);
    // the port and fingerprint are matched in the recording below.
    let conf = format!(
        "set -g tmate-server-host 127.0.0.1\nset -g tmate-server-port {port}\n\
         set -g tmate-server-ed25519-fingerprint {fingerprint}\n"
    );
    let mux = Mux::tmate().with_config(&conf);
    let run = |args: &[&str]| tokio::task::block_in_place(|| mux.run(args));
    run(&["new-session", "-d", "-x", "80", "-y", "24"]);
    run(&["wait", "tmate-ready"]);
    assert!(run(&["display", "-p", "#{tmate_ssh}"]).starts_with("ssh -p2222 "));
    run(&["kill-server"]);

    // Everything up to FIN.
    let mut bytes = Vec::new();
    let deadline = Instant::now() + DEADLINE;
    while !decode(&bytes).contains(&HostMessage::Fin) {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, rx.recv()).await {
            Ok(Some(b)) => bytes.extend_from_slice(&b),
            _ => panic!("no FIN; got {:?}", decode(&bytes)),
        }
    }
    server.abort();
    let ours = decode(&bytes);

    let fixture = tmate_fixtures::stream("startup", "host-to-server");
    let theirs: Vec<HostMessage> = decode(&fixture)
        .into_iter()
        .map(|m| match m {
            // Their relay's port and key, ours here.
            HostMessage::ExecCmd { argv } => HostMessage::ExecCmd {
                argv: argv
                    .into_iter()
                    .map(|a| match a.to_string_lossy().as_str() {
                        "2322" => RawStr::from(port.to_string()),
                        f if f.starts_with("SHA256:") => RawStr::from(fingerprint.as_str()),
                        _ => a,
                    })
                    .collect(),
            },
            m => m,
        })
        .collect();

    // HEADER, the 88 replicated commands in order, UNAME, READY: identical but for UNAME's
    // machine fields.
    let ready = |ms: &[HostMessage]| ms.iter().position(|m| *m == HostMessage::Ready).unwrap();
    let (a, b) = (&ours[..ready(&ours)], &theirs[..ready(&theirs)]);
    assert_eq!(a.len(), b.len(), "start-up lengths differ");
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        match (x, y) {
            (HostMessage::Uname { .. }, HostMessage::Uname { .. }) => {}
            _ => assert_eq!(x, y, "message {i} differs"),
        }
    }
    // The first layout after READY, and FIN last.
    let layout = |ms: &[HostMessage]| {
        ms.iter()
            .find_map(|m| match m {
                HostMessage::SyncLayout(l) => Some(unnamed(l.clone())),
                _ => None,
            })
            .unwrap()
    };
    // tmate 2.4 (tmux 2.x) takes the status line off `-y 24`; we size `-x/-y` as tmux 3.3a
    // does (the window is 80x24), a difference listed in the README.
    let mut expected = layout(&theirs);
    expected.sy += 1;
    for p in expected.windows.iter_mut().flat_map(|w| w.panes.iter_mut()) {
        p.sy += 1;
    }
    assert_eq!(layout(&ours), expected);
    assert_eq!(ours.last(), Some(&HostMessage::Fin));
    // Nothing but the session's own messages (no copy-mode tips yet: see README).
    assert!(ours.iter().all(|m| matches!(
        m,
        HostMessage::Header { .. }
            | HostMessage::ExecCmd { .. }
            | HostMessage::Uname { .. }
            | HostMessage::Ready
            | HostMessage::SyncLayout(_)
            | HostMessage::PtyData { .. }
            | HostMessage::Fin
    )));
}

/// Bytes of one connection until `done` holds for its decoded messages.
async fn record_until(
    rx: &mut mpsc::UnboundedReceiver<Vec<u8>>,
    done: impl Fn(&[HostMessage]) -> bool,
) -> Vec<HostMessage> {
    let mut bytes = Vec::new();
    let deadline = Instant::now() + std::time::Duration::from_secs(30);
    while !done(&decode(&bytes)) {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, rx.recv()).await {
            Ok(Some(b)) => bytes.extend_from_slice(&b),
            _ => panic!("incomplete; got {:?}", decode(&bytes)),
        }
    }
    decode(&bytes)
}

/// The kinds of messages, in order, with runs of EXEC_CMD and PTY_DATA counted once.
fn kinds(ms: &[HostMessage]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for m in ms {
        let k = match m {
            HostMessage::Header { .. } => "HEADER",
            HostMessage::Reconnect { .. } => "RECONNECT",
            HostMessage::ExecCmd { .. } => "EXEC_CMD",
            HostMessage::Uname { .. } => "UNAME",
            HostMessage::Ready => "READY",
            HostMessage::SyncLayout(_) => "SYNC_LAYOUT",
            HostMessage::Snapshot(_) => "SNAPSHOT",
            HostMessage::PtyData { .. } => "PTY_DATA",
            HostMessage::Fin => "FIN",
            _ => "OTHER",
        };
        if out.last() != Some(&k) || !matches!(k, "EXEC_CMD" | "PTY_DATA") {
            out.push(k);
        }
    }
    out
}

/// A host sharing through a recording relay that drops the first connection once the host is
/// ready, after `prepare` ran on the host; the messages of the second connection up to its
/// SNAPSHOT, and the host (still running, for more commands).
async fn reconnect_and_record(prepare: impl Fn(&Mux)) -> (Vec<HostMessage>, Mux) {
    reconnect_and_record_until(prepare, |ms| {
        ms.iter().any(|m| matches!(m, HostMessage::Snapshot(_)))
    })
    .await
}

/// As [`reconnect_and_record`], the second connection's messages until `done` holds.
async fn reconnect_and_record_until(
    prepare: impl Fn(&Mux),
    done: impl Fn(&[HostMessage]) -> bool,
) -> (Vec<HostMessage>, Mux) {
    let (config, fingerprint, listener, port) = recording_listener().await;
    // One recording per connection, with the handle that drops it.
    let (conn_tx, mut conn_rx) = mpsc::unbounded_channel();
    let acceptor = tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let (tx, rx) = mpsc::unbounded_channel();
            let config = config.clone();
            let running = russh::server::run_stream(config, stream, Recorder { sent: tx })
                .await
                .unwrap();
            let _ = conn_tx.send((rx, running.handle()));
            tokio::spawn(running);
        }
    });
    let conf = format!(
        "set -g tmate-server-host 127.0.0.1\nset -g tmate-server-port {port}\n\
         set -g tmate-server-ed25519-fingerprint {fingerprint}\n"
    );
    let mux = Mux::tmate().with_config(&conf);
    let run = |args: &[&str]| tokio::task::block_in_place(|| mux.run(args));
    run(&["new-session", "-d", "-x", "80", "-y", "24"]);
    run(&["wait", "tmate-ready"]);
    let (mut first, handle) = conn_rx.recv().await.unwrap();
    record_until(&mut first, |ms| ms.contains(&HostMessage::Ready)).await;
    tokio::task::block_in_place(|| prepare(&mux));
    handle
        .disconnect(
            russh::Disconnect::ByApplication,
            String::new(),
            String::new(),
        )
        .await
        .unwrap();

    let (mut second, _task) = tokio::time::timeout(DEADLINE, conn_rx.recv())
        .await
        .expect("the host did not reconnect")
        .unwrap();
    let ours = record_until(&mut second, done).await;
    acceptor.abort();
    (ours, mux)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconnect_burst_matches_tmate_2_4() {
    let (ours, mux) = reconnect_and_record(|_| {}).await;
    let run = |args: &[&str]| tokio::task::block_in_place(|| mux.run(args));
    let log = run(&["show-messages"]);
    assert!(log.contains("[tmate] Reconnecting... ("), "{log}");
    run(&["kill-server"]);

    let theirs = decode(&tmate_fixtures::stream("reconnect.conn2", "host-to-server"));
    let upto_snapshot = |k: Vec<&'static str>| {
        let end = k.iter().position(|k| *k == "SNAPSHOT").unwrap();
        k[..=end].to_vec()
    };
    assert_eq!(upto_snapshot(kinds(&ours)), upto_snapshot(kinds(&theirs)));
    // The same replayed commands (the fixture's relay port and key aside).
    let execs = |ms: &[HostMessage]| {
        ms.iter()
            .filter(|m| matches!(m, HostMessage::ExecCmd { .. }))
            .count()
    };
    assert_eq!(execs(&ours), execs(&theirs));
}

/// A pane in the alternate screen (a full-screen program) at reconnect: the SNAPSHOT carries
/// the normal screen as the saved grid (tmux's layout), so the relay's mirror rebuilt from it
/// shows the program now and the shell's lines again once the program leaves.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconnect_snapshot_keeps_the_alternate_screen() {
    let (ours, mux) = reconnect_and_record(|mux| {
        mux.run(&["send-keys", "echo normal-$((6*7))", "Enter"]);
        mux.wait_for(&["capture-pane", "-p"], "the shell's line", |s| {
            s.contains("normal-42")
        });
        mux.run(&[
            "send-keys",
            "printf '\\033[?1049h\\033[2J\\033[3;5Hfull-%s' screen; sleep 600",
            "Enter",
        ]);
        mux.wait_for(&["capture-pane", "-p"], "the alternate screen", |s| {
            s.contains("full-screen") && !s.contains("normal-42")
        });
    })
    .await;
    mux.run(&["kill-server"]);
    let panes = ours
        .iter()
        .find_map(|m| match m {
            HostMessage::Snapshot(p) => Some(p.clone()),
            _ => None,
        })
        .unwrap();
    let pane = panes.first().unwrap();
    let text = |lines: &[tmate_proto::SnapshotLine]| {
        lines
            .iter()
            .map(|l| String::from_utf8_lossy(l.text.as_bytes()).into_owned())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let saved = pane
        .saved
        .as_ref()
        .expect("no saved grid in the alternate screen");
    assert!(
        text(&saved.lines).contains("normal-42"),
        "{}",
        text(&saved.lines)
    );
    assert!(text(&pane.grid.lines).contains("full-screen"));
    assert!(!text(&pane.grid.lines).contains("normal-42"));

    // The relay's mirror, rebuilt from this snapshot as the relay does.
    let mut mirror = tmate_term::PaneTerm::new(80, 24, 2000);
    mirror.restore_snapshot(pane);
    let screen = |t: &tmate_term::PaneTerm| (0..24).map(|r| t.row_text(r)).collect::<Vec<_>>();
    assert!(
        screen(&mirror)[2].contains("full-screen"),
        "{:?}",
        screen(&mirror)
    );
    mirror.feed(b"\x1b[?1049l");
    assert!(
        screen(&mirror).iter().any(|r| r.contains("normal-42")),
        "{:?}",
        screen(&mirror)
    );
}

/// View mode reaches the relay as tmate 2.4's output view does: SYNC_COPY_MODE with
/// `backing` 0, a WRITE_COPY_MODE per line (run-shell's output, then `'cmd' returned N`), and
/// `[]` when it is left; copy mode proper is `backing` 1 with no prompt (tmux 3.3a's copy mode
/// prompts on the status line, which the relay does not mirror).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn view_mode_lines_reach_the_relay_as_write_copy_mode() {
    let (mux, mut rx, server) = recorded_host().await;
    let run = |args: &[&str]| tokio::task::block_in_place(|| mux.run(args));
    let run_any = |args: &[&str]| tokio::task::block_in_place(|| mux.run_output(args));
    run(&["new-session", "-d", "-x", "80", "-y", "24"]);
    run(&["wait", "tmate-ready"]);
    let pane: i64 = run(&["display", "-p", "#{pane_id}"])
        .trim()
        .trim_start_matches('%')
        .parse()
        .unwrap();
    run_any(&["run-shell", "echo a; echo b; exit 2"]);
    let lines = |ms: &[HostMessage]| -> Vec<String> {
        ms.iter()
            .filter_map(|m| match m {
                HostMessage::WriteCopyMode { pane_id, text } if *pane_id == pane => {
                    Some(text.to_string_lossy())
                }
                _ => None,
            })
            .collect()
    };
    let want = ["a", "b", "'echo a; echo b; exit 2' returned 2"];
    let seen = record_until(&mut rx, |ms| lines(ms).len() >= want.len()).await;
    assert_eq!(lines(&seen), want);
    let sync = |ms: &[HostMessage]| -> Vec<Option<bool>> {
        ms.iter()
            .filter_map(|m| match m {
                HostMessage::SyncCopyMode { pane_id, state } if *pane_id == pane => {
                    Some(state.as_ref().map(|s| s.backing))
                }
                _ => None,
            })
            .collect()
    };
    // The view's state went before its first line.
    let first_line = seen
        .iter()
        .position(|m| matches!(m, HostMessage::WriteCopyMode { .. }))
        .unwrap();
    assert_eq!(sync(&seen[..first_line]), [Some(false)]);
    // Leaving it, then copy mode over the pane with a search: backing 1, no prompt.
    run(&["send", "-X", "cancel"]);
    let seen = record_until(&mut rx, |ms| sync(ms).contains(&None)).await;
    assert_eq!(sync(&seen), [None]);
    run(&["copy-mode"]);
    run(&["send", "-X", "search-backward", "x"]);
    let seen = record_until(&mut rx, |ms| !sync(ms).is_empty()).await;
    for m in &seen {
        if let HostMessage::SyncCopyMode {
            state: Some(s),
            pane_id,
        } = m
        {
            assert_eq!((*pane_id, s.backing, &s.input), (pane, true, &None));
        }
    }
    run(&["kill-server"]);
    server.abort();
}

/// SYNC_COPY_MODE and WRITE_COPY_MODE tell of the mode on top of the pane's stack: copy mode
/// over a view is backing 1 after `[]`, a view that comes back (from under copy mode, or over
/// a tree mode that hid it) has its lines sent again (tmate 2.4's relay has no stack), a tree
/// mode on top ends the relay's copy mode.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_relay_sees_the_top_of_the_mode_stack() {
    let (mux, mut rx, server) = recorded_host().await;
    let run = |args: &[&str]| tokio::task::block_in_place(|| mux.run(args));
    run(&["new-session", "-d", "-x", "80", "-y", "24"]);
    run(&["wait", "tmate-ready"]);
    let pane: i64 = run(&["display", "-p", "#{pane_id}"])
        .trim()
        .trim_start_matches('%')
        .parse()
        .unwrap();
    // Each SYNC_COPY_MODE's backing (None: `[]`) and WRITE_COPY_MODE's text, in order.
    let copy = |ms: &[HostMessage]| -> Vec<String> {
        ms.iter()
            .filter_map(|m| match m {
                HostMessage::SyncCopyMode { pane_id, state } if *pane_id == pane => {
                    Some(format!("{:?}", state.as_ref().map(|s| s.backing)))
                }
                HostMessage::WriteCopyMode { pane_id, text } if *pane_id == pane => {
                    Some(text.to_string_lossy())
                }
                _ => None,
            })
            .collect()
    };
    // What the relay shows in the end: what it was told since it last left copy mode (the
    // host's state changes and its queued lines may reach the stream in either order).
    let last = |ms: &[HostMessage]| -> Vec<String> {
        let all = copy(ms);
        let from = all.iter().rposition(|m| m == "None").map_or(0, |i| i + 1);
        all[from..].to_vec()
    };
    run(&["run-shell", "echo a"]);
    record_until(&mut rx, |ms| last(ms) == ["Some(false)", "a"]).await;
    // Copy mode over the view: the relay leaves its output view for a copy of the pane.
    run(&["copy-mode"]);
    let seen = record_until(&mut rx, |ms| copy(ms).len() >= 2).await;
    assert_eq!(copy(&seen), ["None", "Some(true)"]);
    // Back to the view: its lines again, once.
    run(&["send", "-X", "cancel"]);
    record_until(&mut rx, |ms| last(ms) == ["Some(false)", "a"]).await;
    // A tree mode over it: no copy mode on the relay.
    run(&["choose-tree"]);
    let seen = record_until(&mut rx, |ms| !copy(ms).is_empty()).await;
    assert_eq!(copy(&seen), ["None"]);
    // run-shell brings the view back over the tree, its new line after the old one.
    run(&["run-shell", "echo b"]);
    record_until(&mut rx, |ms| last(ms) == ["Some(false)", "a", "b"]).await;
    assert_eq!(
        run(&["display", "-p", "#{pane_in_mode} #{pane_mode}"]),
        "2 view-mode\n"
    );
    run(&["kill-server"]);
    server.abort();
}

/// A view written before a reconnect is sent again to the new connection: its state, then its
/// lines after the SNAPSHOT (the relay's output view starts empty), the reconnection's notes
/// among them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconnect_replays_a_views_lines() {
    let lines = |ms: &[HostMessage]| -> Vec<String> {
        ms.iter()
            .filter_map(|m| match m {
                HostMessage::WriteCopyMode { text, .. } => Some(text.to_string_lossy()),
                _ => None,
            })
            .collect()
    };
    let (ours, mux) = reconnect_and_record_until(
        |mux| {
            mux.run(&["run-shell", "echo a; echo b"]);
        },
        |ms| lines(ms).len() >= 2,
    )
    .await;
    tokio::task::block_in_place(|| mux.run(&["kill-server"]));
    // tmate's notes went into the view too (tmate 2.4's `tmate_status_message_session`).
    let seen = lines(&ours);
    assert_eq!(seen[..2], ["a", "b"]);
    assert!(
        seen.iter().any(|l| l.starts_with("Reconnecting... (")),
        "{seen:?}"
    );
    let snapshot = ours
        .iter()
        .position(|m| matches!(m, HostMessage::Snapshot(_)))
        .unwrap();
    let view = ours
        .iter()
        .position(|m| matches!(m, HostMessage::SyncCopyMode { state: Some(s), .. } if !s.backing))
        .unwrap();
    let first_line = ours
        .iter()
        .position(|m| matches!(m, HostMessage::WriteCopyMode { .. }))
        .unwrap();
    assert!(snapshot < view && view < first_line, "{:?}", kinds(&ours));
}

/// With a relay configured, the server connects as soon as its config has run, before any
/// session, and the first session's stream goes out on that connection (HEADER first): the
/// handshake overlaps the session's start-up instead of following it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_relay_connection_opens_at_server_start_and_serves_the_first_session() {
    let (config, fingerprint, listener, port) = recording_listener().await;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let accepted = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let server = tokio::spawn({
        let accepted = Arc::clone(&accepted);
        async move {
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                accepted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let (config, tx) = (Arc::clone(&config), tx.clone());
                tokio::spawn(async move {
                    if let Ok(running) =
                        russh::server::run_stream(config, stream, Recorder { sent: tx }).await
                    {
                        let _ = running.await;
                    }
                });
            }
        }
    });
    // exit-empty off: the server waits for its first session (tmux's option).
    let conf = format!(
        "set -s exit-empty off\nset -g tmate-server-host 127.0.0.1\n\
         set -g tmate-server-port {port}\nset -g tmate-server-ed25519-fingerprint {fingerprint}\n"
    );
    let mux = Mux::tmate().with_config(&conf);
    let run = |args: &[&str]| tokio::task::block_in_place(|| mux.run(args));
    run(&["start-server"]);
    let deadline = Instant::now() + DEADLINE;
    while accepted.load(std::sync::atomic::Ordering::SeqCst) == 0 {
        assert!(
            Instant::now() < deadline,
            "no connection before the first session"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert!(
        run(&["list-sessions"]).trim().is_empty(),
        "a session exists already"
    );
    run(&["new-session", "-d", "-x", "80", "-y", "24"]);
    run(&["wait", "tmate-ready"]);
    let first = record_until(&mut rx, |ms| ms.contains(&HostMessage::Ready)).await;
    assert!(
        matches!(first.first(), Some(HostMessage::Header { .. })),
        "the stream starts {:?}",
        first.first()
    );
    assert_eq!(
        accepted.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "the first session opened a second connection"
    );
    run(&["kill-server"]);
    server.abort();
}
