//! Owns the fleets of lightweight scripted hosts used where real clients would not fit (1,000
//! and 10,000 idle sessions): each is one russh connection in this process that opens the
//! `tmate` subsystem, sends what tmate 2.4 sends at start (HEADER, UNAME, READY, SYNC_LAYOUT, a
//! prompt: the shared kit's `tmate_fixtures::relay`, as the relay's scripted hosts),
//! waits for the relay's READY, then stays idle, draining whatever the relay sends. At the end
//! each hangs up, or first ends its session as tmate does on exit (FIN), which frees the
//! session's records in a cluster's Redis at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::{Context, Result};
use russh::client;
use tmate_fixtures::relay::{encode, open_tmate_channel, tmate_start, try_login};
use tmate_proto::{DecoderConfig, HostMessage, ServerDecoder, ServerMessage, WireMessage};

pub struct Fleet {
    rt: tokio::runtime::Runtime,
    ready: Arc<AtomicUsize>,
    stop: tokio::sync::watch::Sender<Until>,
}

/// What the hosts do now.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Until {
    Running,
    /// Hang up (the relay keeps each session for its host's reconnection).
    HangUp,
    /// Send FIN (the session ends), then hang up.
    End,
}

async fn one_host(
    port: u16,
    ready: Arc<AtomicUsize>,
    mut stop: tokio::sync::watch::Receiver<Until>,
    permit: tokio::sync::OwnedSemaphorePermit,
) -> Result<()> {
    let config = Arc::new(client::Config {
        nodelay: true,
        inactivity_timeout: None,
        ..Default::default()
    });
    let (ssh, ok) = try_login(config, ("127.0.0.1", port), "tmate").await?;
    anyhow::ensure!(ok, "none auth refused");
    let mut channel = open_tmate_channel(&ssh).await?;
    channel.data_bytes(encode(&tmate_start("bench"))).await?;
    let mut decoder = ServerDecoder::new(DecoderConfig::server_stream());
    let mut permit = Some(permit);
    loop {
        tokio::select! {
            _ = stop.changed() => {
                if *stop.borrow() == Until::End {
                    let _ = channel.data_bytes(HostMessage::Fin.encode()).await;
                }
                break;
            }
            msg = channel.wait() => match msg {
                Some(russh::ChannelMsg::Data { data }) => {
                    decoder.feed(&data);
                    while let Some(m) = decoder.next_message() {
                        if matches!(m, Ok(ServerMessage::Ready)) && permit.take().is_some() {
                            ready.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
                Some(_) => {}
                None => break,
            },
        }
    }
    let _ = ssh
        .disconnect(russh::Disconnect::ByApplication, "", "")
        .await;
    Ok(())
}

impl Fleet {
    /// Connect `n` scripted hosts (at most 16 handshakes at a time); returns once all got READY,
    /// one failed to connect, or `limit` passed.
    pub fn start(port: u16, n: usize, limit: Duration) -> Result<Fleet> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .context("tokio runtime")?;
        let ready = Arc::new(AtomicUsize::new(0));
        let failed = Arc::new(AtomicUsize::new(0));
        let (stop, stop_rx) = tokio::sync::watch::channel(Until::Running);
        let gate = Arc::new(tokio::sync::Semaphore::new(16));
        let fleet = Fleet { rt, ready, stop };
        let done = fleet.rt.block_on({
            let ready = Arc::clone(&fleet.ready);
            let failed = Arc::clone(&failed);
            async move {
                for _ in 0..n {
                    let Ok(permit) = Arc::clone(&gate).acquire_owned().await else {
                        break;
                    };
                    let ready2 = Arc::clone(&ready);
                    let failed2 = Arc::clone(&failed);
                    let stop_rx = stop_rx.clone();
                    tokio::spawn(async move {
                        if one_host(port, ready2, stop_rx, permit).await.is_err() {
                            failed2.fetch_add(1, Ordering::Relaxed);
                        }
                    });
                    if failed.load(Ordering::Relaxed) > 0 {
                        break;
                    }
                }
                let wait = async {
                    while ready.load(Ordering::Relaxed) + failed.load(Ordering::Relaxed) < n {
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                };
                tokio::time::timeout(limit, wait).await.is_ok()
            }
        });
        let failures = failed.load(Ordering::Relaxed);
        if !done || failures > 0 {
            let got = fleet.ready();
            fleet.stop();
            anyhow::bail!("scripted hosts: {got} of {n} ready, {failures} failed");
        }
        Ok(fleet)
    }

    pub fn ready(&self) -> usize {
        self.ready.load(Ordering::Relaxed)
    }

    pub fn stop(self) {
        self.finish(Until::HangUp);
    }

    /// End every session (FIN, as tmate sends when it exits), then hang up.
    pub fn end(self) {
        self.finish(Until::End);
    }

    fn finish(self, how: Until) {
        let _ = self.stop.send(how);
        // Give the disconnects a moment to go out, then drop every connection.
        self.rt
            .block_on(async { tokio::time::sleep(Duration::from_millis(500)).await });
        self.rt.shutdown_timeout(Duration::from_secs(5));
    }
}
