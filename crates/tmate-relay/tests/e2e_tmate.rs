//! End to end with real programs nobody here wrote: Debian's tmate 2.4 client shares a shell
//! through the relay (on a free loopback port), OpenSSH viewers on ptys join it, and tmate's
//! own `capture-pane`/`list-windows` tell what happened on the host.
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

use common::TestRelay;
use common::real::{SshViewer, TmateHost, browser, http, tmate_installed};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_tmate_host_shares_with_ssh_viewers() {
    assert!(tmate_installed());
    let relay = TestRelay::start().await;
    let host = TmateHost::start(&relay).await;
    let ssh = host.display("#{tmate_ssh}").await;
    let ssh_ro = host.display("#{tmate_ssh_ro}").await;
    let port = relay.addr.port();
    assert!(ssh.starts_with(&format!("ssh -p{port} ")), "{ssh}");
    assert!(ssh_ro.starts_with(&format!("ssh -p{port} ro-")), "{ssh_ro}");
    // Leave tmate's start-up message view, as a user does with `q`.
    host.run(&["send-keys", "q"]).await;
    host.run(&["send-keys", "echo host-says-hello", "Enter"])
        .await;

    // A read-write viewer sees the shell (through the relay's mirror) and types into it.
    let mut viewer = SshViewer::ssh(&ssh, 100, 30, &[]);
    viewer
        .wait_text("the host's output", |s| s.contains("host-says-hello"))
        .await;
    // Its size (minus the status line) becomes the host's window size.
    host.wait_for("the viewer's size", &["list-windows"], |out| {
        out.contains("[100x29]")
    })
    .await;
    viewer.type_bytes(b"echo typed-by-viewer\r").await;
    host.wait_for("the viewer's command", &["capture-pane", "-p"], |out| {
        out.lines().any(|l| l == "typed-by-viewer")
    })
    .await;
    viewer
        .wait_text("its own command's output", |s| {
            s.lines().any(|l| l.trim_end() == "typed-by-viewer")
        })
        .await;

    // A read-only viewer (compressed SSH, as `ssh -C` asks) sees the session but cannot type.
    let mut ro = SshViewer::ssh(&ssh_ro, 90, 25, &["-C"]);
    ro.wait_text("the shared shell", |s| s.contains("typed-by-viewer"))
        .await;
    ro.type_bytes(b"echo ro-must-not-run\r").await;
    ro.type_bytes(b"\x02c").await;

    // C-b c typed by the read-write viewer creates a window on the host.
    viewer.type_bytes(b"\x02c").await;
    host.wait_for("a second window", &["list-windows"], |out| {
        out.lines().count() == 2
    })
    .await;
    // A split on the host is drawn for the viewer: the pane border appears.
    host.run(&["split-window", "-h"]).await;
    host.run(&["send-keys", "echo right-side", "Enter"]).await;
    viewer
        .wait_text("the split window", |s| {
            s.contains("right-side") && s.contains('│')
        })
        .await;
    viewer
        .wait_text("both windows in the status line", |s| {
            let last = s.lines().last().unwrap_or_default().to_string();
            last.contains("0:") && last.contains("1:")
        })
        .await;
    // Nothing the read-only viewer typed ran.
    let panes = host.run(&["capture-pane", "-p", "-t", ":0"]).await;
    assert!(!panes.contains("ro-must-not-run"), "{panes}");
    let windows = host.run(&["list-windows"]).await;
    assert_eq!(windows.lines().count(), 2, "{windows}");

    // Resizing the viewer resizes the host's window.
    viewer.resize(120, 40);
    host.wait_for("the new size", &["list-windows"], |out| {
        out.contains("[120x39]")
    })
    .await;

    // The read-only viewer leaves with C-b d and is told so in tmux's words, with the name
    // the host itself gives its session.
    let session_name = host.display("#S").await;
    ro.type_bytes(b"\x02d").await;
    let tail = ro.wait_exit().await;
    assert!(
        tail.contains(&format!("[detached (from session {session_name})]\r")),
        "{tail:?}"
    );

    // The host ends: every viewer's connection ends.
    host.run(&["kill-server"]).await;
    let tail = viewer.wait_exit().await;
    assert!(tail.contains("the host ended the session"), "{tail:?}");
    drop(host);
}

/// The host scrolls back in copy mode: the viewer sees the same scrolled view with tmux's
/// position indicator, and the live screen again when the host leaves copy mode.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn viewers_follow_the_hosts_copy_mode() {
    assert!(tmate_installed());
    let relay = TestRelay::start().await;
    let host = TmateHost::start(&relay).await;
    host.run(&["send-keys", "q"]).await;
    host.run(&["send-keys", "seq 1 200", "Enter"]).await;
    host.wait_for("the output", &["capture-pane", "-p"], |out| {
        out.lines().any(|l| l == "200")
    })
    .await;
    let ssh = host.display("#{tmate_ssh}").await;
    let mut viewer = SshViewer::ssh(&ssh, 80, 24, &[]);
    viewer
        .wait_text("the live screen", |s| s.contains("200"))
        .await;
    host.run(&["copy-mode"]).await;
    host.run(&["send-keys", "PPage"]).await;
    viewer
        .wait_text("the scrolled view with its indicator", |s| {
            !s.lines().any(|l| l.trim_end() == "200")
                && s.lines()
                    .next()
                    .is_some_and(|l| l.trim_end().ends_with(']'))
        })
        .await;
    host.run(&["send-keys", "q"]).await;
    viewer
        .wait_text("the live screen again", |s| {
            s.lines().any(|l| l.trim_end() == "200")
        })
        .await;
}

/// The web viewer: Chromium opens the host's `tmate_web` link, sees the shell, types into it;
/// the `tmate_web_ro` page sees but cannot type; unknown links get 404, foreign origins 403.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browsers_join_through_the_web_links() {
    assert!(tmate_installed());
    let relay =
        TestRelay::start_with(|c| c.web_listen = Some("127.0.0.1:0".parse().unwrap())).await;
    let web_addr = relay.handle.web_addr().expect("the web viewer listens");
    let host = TmateHost::start(&relay).await;
    let web = host.display("#{tmate_web}").await;
    let web_ro = host.display("#{tmate_web_ro}").await;
    assert!(
        web.starts_with(&format!("http://127.0.0.1:{}/t/", web_addr.port())),
        "{web}"
    );
    assert!(web_ro.contains("/t/ro-"), "{web_ro}");
    host.run(&["send-keys", "q"]).await;
    host.wait_for("the prompt", &["capture-pane", "-p"], |out| {
        out.contains('#')
    })
    .await;

    let shot = tempfile::tempdir().unwrap();
    let png = shot.path().join("web.png");
    let report = browser(&[
        &web,
        "--wait",
        "#",
        "--type",
        "echo web-$((6*7))-marker",
        "--then-wait",
        "web-42-marker",
        "--screenshot",
        png.to_str().unwrap(),
    ])
    .await;
    assert_eq!(report["status"], 200);
    assert!(
        report["csp"]
            .as_str()
            .is_some_and(|csp| csp.contains("script-src 'self'")),
        "{report:#}"
    );
    assert!(
        report["inkPixels"].as_u64().unwrap_or(0) > 500,
        "blank screenshot: {report:#}"
    );
    assert_eq!(report["errors"], serde_json::json!([]), "{report:#}");
    host.wait_for("the browser's command", &["capture-pane", "-p"], |out| {
        out.lines().any(|l| l == "web-42-marker")
    })
    .await;

    // Read-only page: shows the session, says so, sends nothing.
    let report = browser(&[
        &web_ro,
        "--wait",
        "web-42-marker",
        "--type",
        "echo ro-web-typed",
    ])
    .await;
    assert!(
        report["readOnlyBanner"]
            .as_str()
            .is_some_and(|b| b.starts_with("Read-only")),
        "{report:#}"
    );
    host.run(&["send-keys", "echo after-ro", "Enter"]).await;
    let screen = host
        .wait_for("a later command", &["capture-pane", "-p"], |out| {
            out.lines().any(|l| l == "after-ro")
        })
        .await;
    assert!(!screen.contains("ro-web-typed"), "{screen}");

    // Unknown links: 404; a WebSocket from another site's page: 403.
    let host_header = format!("127.0.0.1:{}", web_addr.port());
    let response = http(
        web_addr,
        &format!("GET /t/NoSuchTokenAAAAAAAAAAAAAAA HTTP/1.1\r\nHost: {host_header}\r\nConnection: close\r\n\r\n"),
    )
    .await;
    assert!(response.starts_with("HTTP/1.1 404"), "{response}");
    let token = web.rsplit('/').next().unwrap();
    let response = http(
        web_addr,
        &format!(
            "GET /ws/{token} HTTP/1.1\r\nHost: {host_header}\r\nConnection: Upgrade\r\n\
             Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: http://evil.example\r\n\r\n"
        ),
    )
    .await;
    assert!(response.starts_with("HTTP/1.1 403"), "{response}");
}
