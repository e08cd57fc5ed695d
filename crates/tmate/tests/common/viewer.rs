//! A viewer as `ssh TOKEN@host` would be (russh, a pty, a shell), its output in a vt100
//! screen, for the tests that share our host through a relay.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use russh::ChannelMsg;
use russh::client;
use russh::keys::PublicKeyOrCertificate;

use crate::common::{DEADLINE, Mux};

/// Test relays have throwaway host keys: any is accepted.
pub struct AcceptAnyKey;

impl client::Handler for AcceptAnyKey {
    type Error = russh::Error;

    async fn check_server_key(&mut self, _: &PublicKeyOrCertificate) -> Result<bool, Self::Error> {
        Ok(true)
    }
}

pub struct Viewer {
    pub _ssh: client::Handle<AcceptAnyKey>,
    pub channel: russh::Channel<client::Msg>,
    pub screen: vt100::Parser,
}

impl Viewer {
    pub async fn join(addr: SocketAddr, token: &str) -> Viewer {
        Viewer::join_sized(addr, token, 100, 30).await
    }

    pub async fn join_sized(addr: SocketAddr, token: &str, cols: u16, rows: u16) -> Viewer {
        let config = Arc::new(client::Config::default());
        let mut ssh = client::connect(config, addr, AcceptAnyKey).await.unwrap();
        assert!(ssh.authenticate_none(token).await.unwrap().success());
        let channel = ssh.channel_open_session().await.unwrap();
        channel
            .request_pty(true, "xterm-256color", cols.into(), rows.into(), 0, 0, &[])
            .await
            .unwrap();
        channel.request_shell(true).await.unwrap();
        Viewer {
            _ssh: ssh,
            channel,
            screen: vt100::Parser::new(rows.try_into().unwrap(), cols.try_into().unwrap(), 0),
        }
    }

    pub async fn type_text(&self, text: &str) {
        self.channel
            .data_bytes(text.as_bytes().to_vec())
            .await
            .unwrap();
    }

    pub async fn wait_for(&mut self, what: &str, done: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + DEADLINE;
        while !done(&self.screen.screen().contents()) {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "viewer never saw {what}; screen:\n{}",
                self.screen.screen().contents()
            );
            match tokio::time::timeout(left, self.channel.wait()).await {
                Ok(Some(ChannelMsg::Data { data })) => self.screen.process(&data),
                Ok(None) | Ok(Some(ChannelMsg::Close)) => panic!("viewer disconnected"),
                _ => {}
            }
        }
    }
}

/// Run a host command that must succeed from async code without stalling the relay
/// (multi-thread runtime); its stdout.
pub fn host_ok(mux: &Mux, args: &[&str]) -> String {
    let out = tokio::task::block_in_place(|| mux.run_output(args));
    assert!(
        out.status.success(),
        "tmate {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
