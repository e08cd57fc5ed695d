//! Our host through a loopback TCP proxy the test controls, to an in-process relay: when the
//! proxy cuts the host's connection, the host reconnects by itself with the same tokens and the
//! viewer that stayed attached to the relay keeps working (issue 8's faults with our host).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test stops on what it did not expect"
)]

mod common;

use std::net::SocketAddr;

use common::{DEADLINE, Mux, host_ok};
use tmate_fixtures::relay::{ScriptedViewer, TestRelay, token_of};
use tmate_relay::HostKeys;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// Forwards every connection to `to`; bumping `cut` closes the connections open at that time
/// (both sides), new ones are forwarded again.
struct Proxy {
    port: u16,
    cut: watch::Sender<u64>,
}

impl Proxy {
    async fn start(to: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (cut, _) = watch::channel(0u64);
        let cuts = cut.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let mut cut = cuts.subscribe();
                cut.mark_unchanged();
                tokio::spawn(async move {
                    let Ok(server) = TcpStream::connect(to).await else {
                        return;
                    };
                    let (mut cr, mut cw) = client.into_split();
                    let (mut sr, mut sw) = server.into_split();
                    tokio::select! {
                        _ = tokio::io::copy(&mut cr, &mut sw) => {}
                        _ = tokio::io::copy(&mut sr, &mut cw) => {}
                        _ = cut.changed() => {}
                    }
                });
            }
        });
        Proxy { port, cut }
    }

    fn cut(&self) {
        self.cut.send_modify(|n| *n += 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cut_host_connection_reconnects_and_the_viewer_stays() {
    let relay = TestRelay::start().await;
    let relay_addr = relay.addr;
    let keys = relay.handle.config().host_keys.clone();
    let proxy = Proxy::start(relay_addr).await;

    // The host knows only the proxy's port.
    let mux = Mux::tmate().with_config(&keys.tmate_conf("127.0.0.1", proxy.port));
    host_ok(&mux, &["new-session", "-d", "-x", "100", "-y", "30"]);
    host_ok(&mux, &["wait", "tmate-ready"]);
    let ssh = host_ok(&mux, &["display", "-p", "#{tmate_ssh}"]);
    let token = token_of(&ssh);
    // The viewer joins the relay directly (not through the proxy).
    let mut viewer = ScriptedViewer::connect(relay_addr, &token, 100, 30).await;
    host_ok(&mux, &["send-keys", "echo before-cut", "Enter"]);
    viewer
        .wait_text("output before the cut", |t| {
            t.lines()
                .any(|l| l.trim_end().ends_with("before-cut") && !l.contains("echo"))
        })
        .await;

    proxy.cut();
    // The relay notices and tells the viewer; the host reconnects through the proxy by itself.
    viewer
        .wait_text("the disconnection notice", |t| {
            t.contains("The host disconnected")
        })
        .await;
    host_ok(&mux, &["send-keys", "echo after-cut", "Enter"]);
    viewer
        .wait_text("output after the reconnect", |t| {
            t.lines()
                .any(|l| l.trim_end().ends_with("after-cut") && !l.contains("echo"))
        })
        .await;
    assert_eq!(host_ok(&mux, &["display", "-p", "#{tmate_ssh}"]), ssh);
    assert!(relay.handle.registry().lookup(&token).is_some());
    host_ok(&mux, &["kill-server"]);
    relay.handle.shutdown();
}

/// A proxy that closes at once must not wedge the host: an unreachable relay through it is
/// retried while the session keeps working locally.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_that_resets_every_connection_leaves_the_host_working() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepts = tokio::spawn(async move {
        let mut n = 0u32;
        while n < 3 {
            let Ok((mut s, _)) = listener.accept().await else {
                break;
            };
            // Say something that is not SSH, then hang up.
            let _ = s.write_all(b"garbage\r\n").await;
            let mut buf = [0u8; 64];
            let _ =
                tokio::time::timeout(std::time::Duration::from_millis(100), s.read(&mut buf)).await;
            n += 1;
        }
        n
    });
    let keys = HostKeys::ephemeral().unwrap();
    let mux = Mux::tmate().with_config(&keys.tmate_conf("127.0.0.1", port));
    host_ok(&mux, &["new-session", "-d", "-x", "80", "-y", "24"]);
    host_ok(&mux, &["send-keys", "echo still-here", "Enter"]);
    tokio::task::block_in_place(|| {
        mux.wait_for(&["capture-pane", "-p"], "local output", |t| {
            // After the prompt, not the typed command.
            t.lines()
                .any(|l| l.trim_end().ends_with("still-here") && !l.contains("echo"))
        })
    });
    let tried = tokio::time::timeout(DEADLINE, accepts).await;
    host_ok(&mux, &["kill-server"]);
    assert!(
        matches!(tried, Ok(Ok(n)) if n >= 1),
        "the host did not keep retrying the relay"
    );
}
