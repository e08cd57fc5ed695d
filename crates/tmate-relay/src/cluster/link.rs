//! The node-to-node link that forwards one viewer to its session's owner: an SSH connection
//! from the node the viewer reached to the owner's SSH port, one per forwarded viewer.
//!
//! Both ends prove they hold the cluster's host key (every node has the same keys directory):
//! the owner accepts the user [`LINK_USER`] only with its own ed25519 host key as the client
//! key, and the forwarding node accepts only that key as the owner's host key; anything else is
//! refused before a session is named. The viewer's token, real address, size and key travel in
//! one exec request ([`Forward`]); then the channel carries the viewer's bytes one way and the
//! frames the owner drew for it the other, with window changes for resizes. Because the link
//! is the viewer's alone, its TCP flow control carries a slow viewer's back-pressure to the
//! owner, which skips frames for it as for a local viewer.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use russh::client;
use russh::keys::{PrivateKey, PrivateKeyWithHashAlg, PublicKey, PublicKeyOrCertificate};
use russh::{ChannelMsg, Disconnect};
use tokio::sync::mpsc;

use crate::viewer::{VIEWER_INPUT_QUEUE, ViewerInput, ViewerOutput, write_frames};

/// The user name a forwarding node logs in with.
pub const LINK_USER: &str = "tmate-cluster-link";
/// Connecting, authenticating and opening the channel must finish within this.
pub const LINK_SETUP: Duration = Duration::from_secs(3);

/// What the forwarding node tells the owner about its viewer (the exec request).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forward {
    pub token: String,
    /// The viewer's real address (limits and logs use it, not the forwarding node's).
    pub addr: SocketAddr,
    pub cols: u16,
    pub rows: u16,
    /// The viewer's authenticated public key (OpenSSH base64 form), for sessions restricted
    /// by authorized keys.
    pub key: Option<String>,
}

impl Forward {
    pub fn encode(&self) -> String {
        format!(
            "viewer v1 {} {} {} {} {}",
            self.token,
            self.addr,
            self.cols,
            self.rows,
            self.key.as_deref().unwrap_or("-")
        )
    }

    pub fn decode(text: &str) -> Option<Forward> {
        let mut parts = text.split(' ');
        if parts.next()? != "viewer" || parts.next()? != "v1" {
            return None;
        }
        let token = parts.next()?.to_string();
        let addr = parts.next()?.parse().ok()?;
        let cols = parts.next()?.parse().ok()?;
        let rows = parts.next()?.parse().ok()?;
        let key = match parts.next()? {
            "-" => None,
            key => Some(key.to_string()),
        };
        if parts.next().is_some() {
            return None;
        }
        Some(Forward {
            token,
            addr,
            cols,
            rows,
            key,
        })
    }

    /// The viewer's key, parsed.
    pub fn public_key(&self) -> Option<PublicKey> {
        let (algorithm, base64) = self.key.as_deref()?.split_once(':')?;
        PublicKey::from_openssh(&format!("{algorithm} {base64}")).ok()
    }
}

/// The key form carried in [`Forward::key`]: `ALGORITHM:BASE64` (no spaces).
pub fn encode_key(key: &PublicKey) -> Option<String> {
    let text = key.to_openssh().ok()?;
    let mut parts = text.split(' ');
    Some(format!("{}:{}", parts.next()?, parts.next()?))
}

/// The forwarding node's side: accepts the owner only when it shows the cluster's host key.
struct LinkClient {
    cluster_key: PublicKey,
}

impl client::Handler for LinkClient {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        key: &PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        Ok(matches!(key, PublicKeyOrCertificate::PublicKey { key, .. }
            if key.key_data() == self.cluster_key.key_data()))
    }
}

/// Why a viewer could not be forwarded, worded for the viewer.
#[derive(Debug)]
pub struct LinkError(pub String);

/// An open link for one viewer.
pub struct Link {
    ssh: client::Handle<LinkClient>,
    channel: russh::Channel<client::Msg>,
}

/// Open a link to the owner at `addr` and ask it to serve `forward`.
pub async fn open(
    addr: &str,
    host_key: &Arc<PrivateKey>,
    forward: &Forward,
) -> Result<Link, LinkError> {
    let setup = async {
        let config = Arc::new(client::Config {
            nodelay: true,
            inactivity_timeout: Some(Duration::from_secs(300)),
            keepalive_interval: Some(Duration::from_secs(30)),
            ..client::Config::default()
        });
        let handler = LinkClient {
            cluster_key: host_key.public_key().clone(),
        };
        let mut ssh = client::connect(config, addr, handler).await.map_err(|e| {
            LinkError(format!(
                "The session's relay node ({addr}) is not answering ({e}); if it went down, its \
                 host is reconnecting to another node: try again in a few seconds"
            ))
        })?;
        let auth = ssh
            .authenticate_publickey(
                LINK_USER,
                PrivateKeyWithHashAlg::new(host_key.clone(), None),
            )
            .await
            .map_err(|e| LinkError(format!("the relay node at {addr} refused the link: {e}")))?;
        if !auth.success() {
            return Err(LinkError(format!(
                "the relay node at {addr} refused the link (its keys differ from this node's)"
            )));
        }
        let channel = ssh
            .channel_open_session()
            .await
            .map_err(|e| LinkError(format!("the relay node at {addr} refused the link: {e}")))?;
        channel
            .exec(true, forward.encode())
            .await
            .map_err(|e| LinkError(format!("the relay node at {addr} refused the link: {e}")))?;
        Ok(Link { ssh, channel })
    };
    match tokio::time::timeout(LINK_SETUP, setup).await {
        Ok(result) => result,
        Err(_) => Err(LinkError(format!(
            "the session's relay node ({addr}) did not answer within {} s",
            LINK_SETUP.as_secs()
        ))),
    }
}

/// Serve a viewer through `link`: its input and resizes go to the owner, the owner's frames to
/// `output` (written with the same stall limit as a local viewer's). Dropping the returned
/// sender (the viewer left) closes the link.
pub fn spawn(
    link: Link,
    output: ViewerOutput,
    stall_limit: Duration,
    shared: Arc<crate::Shared>,
) -> mpsc::Sender<ViewerInput> {
    let (input_tx, input_rx) = mpsc::channel(VIEWER_INPUT_QUEUE);
    tokio::spawn(async move {
        shared.metrics.forwarded_viewers.inc();
        run(link, input_rx, output, stall_limit).await;
        shared.metrics.forwarded_viewers.dec();
    });
    input_tx
}

async fn run(
    link: Link,
    mut input: mpsc::Receiver<ViewerInput>,
    output: ViewerOutput,
    stall_limit: Duration,
) {
    let Link { ssh, mut channel } = link;
    // One frame at a time toward the viewer: while it is being written nothing more is read
    // from the link, so the owner sees the viewer's pace.
    let (frames, frames_rx) = mpsc::channel::<bytes::Bytes>(1);
    let writer = tokio::spawn(write_frames(output, frames_rx, stall_limit));
    loop {
        tokio::select! {
            message = channel.wait() => match message {
                Some(ChannelMsg::Data { data }) => {
                    if frames.send(bytes::Bytes::copy_from_slice(&data)).await.is_err() {
                        break;
                    }
                }
                Some(ChannelMsg::Eof | ChannelMsg::Close) | None => break,
                Some(_) => {}
            },
            typed = input.recv() => match typed {
                Some(ViewerInput::Data(bytes)) => {
                    if channel.data(&bytes[..]).await.is_err() {
                        break;
                    }
                }
                Some(ViewerInput::Resize { cols, rows }) => {
                    let _ = channel.window_change(cols.into(), rows.into(), 0, 0).await;
                }
                // The owner node sees an SSH viewer, whose size always counts: a touch page
                // forwarded from another node sizes the session like a desktop one.
                Some(ViewerInput::Sizing(_)) => {}
                None => break,
            },
        }
    }
    drop(frames);
    let _ = channel.close().await;
    let _ = ssh
        .disconnect(Disconnect::ByApplication, "viewer left", "")
        .await;
    let _ = tokio::time::timeout(Duration::from_secs(5), writer).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forward_requests_round_trip_and_reject_garbage() {
        let f = Forward {
            token: "ro-abcdefghijklmnopqrstuvwxyz".into(),
            addr: "[2001:db8::1]:5022".parse().expect("address"),
            cols: 120,
            rows: 40,
            key: Some("ssh-ed25519:AAAAC3NzaC1lZDI1NTE5AAAAIG".into()),
        };
        assert_eq!(Forward::decode(&f.encode()), Some(f.clone()));
        let none = Forward { key: None, ..f };
        assert_eq!(Forward::decode(&none.encode()), Some(none));
        for bad in [
            "",
            "viewer v2 t 1.2.3.4:5 80 24 -",
            "viewer v1 t nowhere 80 24 -",
            "viewer v1 t 1.2.3.4:5 80 24 - x",
        ] {
            assert_eq!(Forward::decode(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn keys_travel_in_openssh_form() {
        let key =
            PrivateKey::random(&mut rand::rng(), russh::keys::Algorithm::Ed25519).expect("a key");
        let public = key.public_key().clone();
        let f = Forward {
            token: "t".into(),
            addr: "127.0.0.1:1".parse().expect("address"),
            cols: 80,
            rows: 24,
            key: encode_key(&public),
        };
        assert_eq!(
            f.public_key().map(|k| k.key_data().clone()),
            Some(public.key_data().clone())
        );
    }
}
