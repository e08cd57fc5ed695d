//! Unit tests of webhook delivery: real receivers on loopback (plain and TLS with a test CA),
//! signatures, order, retries, refusals, timeouts, full queues, host-set URLs and URL checks.

use super::http::{USER_AGENT, is_public};
use super::*;
use std::collections::VecDeque;
use std::time::Instant;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;

/// Generous: the machine is shared with other builds.
const DEADLINE: Duration = Duration::from_secs(30);

fn small() -> WebhookSettings {
    WebhookSettings {
        first_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(40),
        attempts: 3,
        timeout: Duration::from_secs(1),
        ..WebhookSettings::default()
    }
}

#[derive(Clone, Copy, Debug)]
enum Reply {
    Status(u16),
    /// Read the request, then never answer.
    Stall,
}

#[derive(Debug)]
struct Received {
    path: String,
    /// Names lowercased.
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }
}

struct Receiver {
    url: String,
    requests: mpsc::Receiver<Received>,
}

impl Receiver {
    async fn next(&mut self) -> Received {
        tokio::time::timeout(DEADLINE, self.requests.recv())
            .await
            .expect("a request within the deadline")
            .expect("the receiver is running")
    }
}

/// A small HTTP/1.1 receiver on 127.0.0.1: answers `script` in order, then `then`.
async fn receiver(script: Vec<Reply>, then: Reply) -> Receiver {
    receiver_on(script, then, None).await
}

/// The same over TLS with `tls` (the URL then names `localhost`, for SNI by name).
async fn receiver_on(
    script: Vec<Reply>,
    then: Reply,
    tls: Option<tokio_rustls::TlsAcceptor>,
) -> Receiver {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (tx, rx) = mpsc::channel(64);
    let tls_url = tls.is_some();
    let script = Arc::new(Mutex::new(VecDeque::from(script)));
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let reply = lock(&script).pop_front().unwrap_or(then);
            let tx = tx.clone();
            match tls.clone() {
                None => drop(tokio::spawn(serve(stream, reply, tx))),
                Some(acceptor) => drop(tokio::spawn(async move {
                    let accepted = tokio::time::timeout(DEADLINE, acceptor.accept(stream));
                    if let Ok(Ok(stream)) = accepted.await {
                        serve(stream, reply, tx).await;
                    }
                })),
            }
        }
    });
    let url = match tls_url {
        false => format!("http://{addr}/hook"),
        true => format!("https://localhost:{}/hook", addr.port()),
    };
    Receiver { url, requests: rx }
}

async fn serve<S>(mut stream: S, reply: Reply, tx: mpsc::Sender<Received>)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let Ok(Some(request)) = tokio::time::timeout(DEADLINE, read_request(&mut stream)).await else {
        return;
    };
    let _ = tx.send_timeout(request, DEADLINE).await;
    match reply {
        Reply::Status(code) => {
            let answer = format!(
                "HTTP/1.1 {code} Scripted\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
            );
            let _ = stream.write_all(answer.as_bytes()).await;
            let _ = stream.shutdown().await;
        }
        Reply::Stall => {
            // Hold the connection open, silent, until the client gives up (then EOF).
            let mut sink = [0u8; 64];
            let _ = tokio::time::timeout(DEADLINE, stream.read(&mut sink)).await;
        }
    }
}

async fn read_request<S: AsyncRead + Unpin>(stream: &mut S) -> Option<Received> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 || buf.len() > 64 * 1024 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8(buf[..head_end].to_vec()).ok()?;
    let mut lines = head.split("\r\n");
    let request_line = lines.next()?;
    let mut parts = request_line.split(' ');
    assert_eq!(parts.next(), Some("POST"));
    let path = parts.next()?.to_string();
    assert_eq!(parts.next(), Some("HTTP/1.1"));
    let mut headers = HashMap::new();
    for line in lines {
        let (name, value) = line.split_once(':')?;
        headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_string());
    }
    let length: usize = headers.get("content-length")?.parse().ok()?;
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Received {
        path,
        headers,
        body,
    })
}

/// Poll `cond` until it holds; fail the test at the deadline.
async fn wait_for(what: &str, cond: impl Fn() -> bool) {
    let deadline = Instant::now() + DEADLINE;
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

#[tokio::test]
async fn signed_request_has_every_header() {
    let mut rx = receiver(vec![], Reply::Status(200)).await;
    let secret = b"s3cret".to_vec();
    let settings = WebhookSettings {
        secret: Some(secret.clone()),
        ..small()
    };
    let hooks = Webhooks::new(vec![rx.url.clone()], settings).expect("webhooks");
    assert!(hooks.has_relay_urls());
    let body = Bytes::from_static(br#"{"type":"session_register"}"#);
    hooks.deliver("session_register", body.clone(), None);
    let got = rx.next().await;
    assert_eq!(got.path, "/hook");
    assert_eq!(got.body, body);
    assert_eq!(got.header("content-type"), Some("application/json"));
    assert_eq!(got.header("user-agent"), Some(USER_AGENT));
    assert!(USER_AGENT.starts_with("tmate-ssh-server/"));
    assert_eq!(got.header("x-tmate-event"), Some("session_register"));
    let id = got.header("x-tmate-delivery").expect("delivery id");
    assert_eq!(id.len(), 32);
    assert!(
        id.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
    assert!(got.header("host").is_some());
    let signature = got
        .header("x-tmate-signature-256")
        .expect("signature")
        .strip_prefix("sha256=")
        .expect("sha256= prefix");
    assert!(signature.bytes().all(|b| !b.is_ascii_uppercase()));
    let key = hmac::Key::new(hmac::HMAC_SHA256, &secret);
    hmac::verify(&key, &got.body, &unhex(signature)).expect("the signature verifies");
    let wrong = hmac::Key::new(hmac::HMAC_SHA256, b"other");
    assert!(hmac::verify(&wrong, &got.body, &unhex(signature)).is_err());
    wait_for("delivered", || hooks.stats().delivered == 1).await;
    assert_eq!(
        hooks.stats(),
        WebhookStats {
            delivered: 1,
            ..WebhookStats::default()
        }
    );
}

#[tokio::test]
async fn no_signature_without_secret() {
    let mut rx = receiver(vec![], Reply::Status(204)).await;
    let hooks = Webhooks::new(vec![rx.url.clone()], small()).expect("webhooks");
    hooks.deliver("session_close", Bytes::from_static(b"{}"), None);
    let got = rx.next().await;
    assert_eq!(got.header("x-tmate-signature-256"), None);
    assert_eq!(got.header("x-tmate-event"), Some("session_close"));
    wait_for("delivered", || hooks.stats().delivered == 1).await;
}

#[tokio::test]
async fn order_is_kept_per_url() {
    let mut rx = receiver(vec![], Reply::Status(200)).await;
    let hooks = Webhooks::new(vec![rx.url.clone()], small()).expect("webhooks");
    for n in 0..5 {
        hooks.deliver("n", Bytes::from(format!("{{\"n\":{n}}}")), None);
    }
    for n in 0..5 {
        assert_eq!(rx.next().await.body, format!("{{\"n\":{n}}}").into_bytes());
    }
    wait_for("all delivered", || hooks.stats().delivered == 5).await;
}

#[tokio::test]
async fn server_errors_are_retried_with_the_same_delivery_id() {
    let mut rx = receiver(
        vec![Reply::Status(500), Reply::Status(500)],
        Reply::Status(200),
    )
    .await;
    let hooks = Webhooks::new(vec![rx.url.clone()], small()).expect("webhooks");
    hooks.deliver("e", Bytes::from_static(b"{\"a\":1}"), None);
    let first = rx.next().await;
    let second = rx.next().await;
    let third = rx.next().await;
    let id = first.header("x-tmate-delivery").expect("id");
    assert_eq!(second.header("x-tmate-delivery"), Some(id));
    assert_eq!(third.header("x-tmate-delivery"), Some(id));
    assert_eq!(third.body, b"{\"a\":1}");
    wait_for("delivered", || hooks.stats().delivered == 1).await;
    let stats = hooks.stats();
    assert_eq!((stats.retried, stats.failed, stats.dropped), (2, 0, 0));
}

#[tokio::test]
async fn a_refusal_is_given_up_at_once() {
    let mut rx = receiver(vec![Reply::Status(400)], Reply::Status(200)).await;
    let hooks = Webhooks::new(vec![rx.url.clone()], small()).expect("webhooks");
    hooks.deliver("e", Bytes::from_static(b"1"), None);
    hooks.deliver("e", Bytes::from_static(b"2"), None);
    // The second event comes next: the first was not tried again.
    assert_eq!(rx.next().await.body, b"1");
    assert_eq!(rx.next().await.body, b"2");
    wait_for("delivered", || hooks.stats().delivered == 1).await;
    let stats = hooks.stats();
    assert_eq!((stats.failed, stats.retried), (1, 0));
}

#[tokio::test]
async fn too_many_requests_is_retried() {
    let mut rx = receiver(vec![Reply::Status(429)], Reply::Status(200)).await;
    let hooks = Webhooks::new(vec![rx.url.clone()], small()).expect("webhooks");
    hooks.deliver("e", Bytes::from_static(b"1"), None);
    rx.next().await;
    rx.next().await;
    wait_for("delivered", || hooks.stats().delivered == 1).await;
    assert_eq!(hooks.stats().retried, 1);
}

#[tokio::test]
async fn a_dead_url_fails_after_its_attempts() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let hooks = Webhooks::new(vec![format!("http://{addr}/x")], small()).expect("webhooks");
    hooks.deliver("e", Bytes::from_static(b"{}"), None);
    wait_for("given up", || hooks.stats().failed == 1).await;
    let stats = hooks.stats();
    assert_eq!((stats.delivered, stats.retried), (0, 2));
}

#[tokio::test]
async fn a_silent_receiver_times_out_and_deliver_does_not_wait() {
    let mut rx = receiver(vec![], Reply::Stall).await;
    let settings = WebhookSettings {
        timeout: Duration::from_millis(300),
        ..small()
    };
    let hooks = Webhooks::new(vec![rx.url.clone()], settings).expect("webhooks");
    let started = Instant::now();
    hooks.deliver("e", Bytes::from_static(b"{}"), None);
    // The worker is now stuck on the silent receiver; delivering more must not wait for it.
    rx.next().await;
    hooks.deliver("e", Bytes::from_static(b"{}"), None);
    let before = Instant::now();
    hooks.deliver("e", Bytes::from_static(b"{}"), None);
    assert!(before.elapsed() < Duration::from_millis(50));
    assert!(started.elapsed() < DEADLINE);
    // Each of the three events: three tries that time out.
    wait_for("all given up", || hooks.stats().failed == 3).await;
    let stats = hooks.stats();
    assert_eq!((stats.delivered, stats.retried), (0, 6));
}

#[tokio::test]
async fn a_full_queue_drops_and_counts() {
    let mut rx = receiver(vec![], Reply::Stall).await;
    let settings = WebhookSettings {
        queue_limit: 2,
        timeout: Duration::from_secs(20),
        ..small()
    };
    let hooks = Webhooks::new(vec![rx.url.clone()], settings).expect("webhooks");
    hooks.deliver("e", Bytes::from_static(b"0"), None);
    // The first is in flight (stalled); two more fill the queue; the rest are dropped.
    rx.next().await;
    for n in 1..=10 {
        let before = Instant::now();
        hooks.deliver("e", Bytes::from(format!("{n}")), None);
        assert!(before.elapsed() < Duration::from_millis(50));
    }
    assert_eq!(hooks.stats().dropped, 8);
}

#[tokio::test]
async fn a_host_url_gets_a_worker_that_ends_when_idle() {
    let mut relay = receiver(vec![], Reply::Status(200)).await;
    let mut host = receiver(vec![], Reply::Status(200)).await;
    let settings = WebhookSettings {
        host_idle: Duration::from_millis(100),
        allow_private_host_urls: true,
        ..small()
    };
    let hooks = Webhooks::new(vec![relay.url.clone()], settings).expect("webhooks");
    assert_eq!(hooks.host_urls(), 0);
    hooks.deliver("e", Bytes::from_static(b"1"), Some(&host.url));
    assert_eq!(hooks.host_urls(), 1);
    let to_relay = relay.next().await;
    let to_host = host.next().await;
    assert_eq!(to_relay.body, b"1");
    assert_eq!(to_host.body, b"1");
    // One event, one id, whichever URL it goes to.
    assert_eq!(
        to_relay.header("x-tmate-delivery"),
        to_host.header("x-tmate-delivery")
    );
    wait_for("both delivered", || hooks.stats().delivered == 2).await;
    wait_for("the idle worker to end", || hooks.host_urls() == 0).await;
    hooks.deliver("e", Bytes::from_static(b"2"), Some(&host.url));
    assert_eq!(host.next().await.body, b"2");
    wait_for("delivered again", || hooks.stats().delivered == 4).await;
    assert_eq!(hooks.stats().dropped, 0);
}

#[tokio::test]
async fn host_urls_are_bounded_and_checked() {
    let mut first = receiver(vec![], Reply::Stall).await;
    let second = receiver(vec![], Reply::Status(200)).await;
    let settings = WebhookSettings {
        max_host_urls: 1,
        timeout: Duration::from_secs(20),
        allow_private_host_urls: true,
        ..small()
    };
    let hooks = Webhooks::new(vec![], settings).expect("webhooks");
    assert!(!hooks.has_relay_urls());
    hooks.deliver("e", Bytes::from_static(b"1"), Some(&first.url));
    first.next().await;
    hooks.deliver("e", Bytes::from_static(b"2"), Some(&second.url));
    assert_eq!(hooks.stats().dropped, 1);
    assert_eq!(hooks.host_urls(), 1);
    hooks.deliver("e", Bytes::from_static(b"3"), Some("ftp://example.com/x"));
    assert_eq!(hooks.stats().dropped, 2);
    hooks.deliver("bad\nevent", Bytes::from_static(b"4"), Some(&first.url));
    assert_eq!(hooks.stats().dropped, 3);
    // Without any URL an event costs nothing and counts nothing.
    hooks.deliver("e", Bytes::from_static(b"5"), None);
    assert_eq!(hooks.stats().dropped, 3);
}

#[tokio::test]
async fn a_host_url_that_is_a_relay_url_gets_the_event_once() {
    let mut rx = receiver(vec![], Reply::Status(200)).await;
    let settings = WebhookSettings {
        allow_private_host_urls: true,
        ..small()
    };
    let hooks = Webhooks::new(vec![rx.url.clone(), rx.url.clone()], settings).expect("webhooks");
    hooks.deliver("e", Bytes::from_static(b"1"), Some(&rx.url));
    hooks.deliver("e", Bytes::from_static(b"2"), None);
    assert_eq!(hooks.host_urls(), 0, "no second queue for the same URL");
    assert_eq!(rx.next().await.body, b"1");
    assert_eq!(rx.next().await.body, b"2");
    wait_for("delivered", || hooks.stats().delivered == 2).await;
}

#[tokio::test]
async fn a_host_url_to_a_private_address_is_refused() {
    let mut relay = receiver(vec![], Reply::Status(200)).await;
    let mut host = receiver(vec![], Reply::Status(200)).await;
    // The default: host-set URLs reach public addresses only.
    let hooks = Webhooks::new(vec![relay.url.clone()], small()).expect("webhooks");
    hooks.deliver("e", Bytes::from_static(b"1"), Some(&host.url));
    // The relay-wide URL (the operator's) is not restricted.
    assert_eq!(relay.next().await.body, b"1");
    wait_for(
        "the host URL's event given up, the relay's delivered",
        || {
            let stats = hooks.stats();
            stats.failed == 1 && stats.delivered == 1
        },
    )
    .await;
    let stats = hooks.stats();
    assert_eq!((stats.delivered, stats.retried), (1, 0));
    assert!(
        host.requests.try_recv().is_err(),
        "nothing reached the host URL"
    );
}

#[test]
fn public_addresses() {
    for public in [
        "93.184.215.14",
        "2606:2800:21f:cb07:6820:80da:af6b:8b2c",
        "1.1.1.1",
    ] {
        assert!(is_public(public.parse().expect("ip")), "{public}");
    }
    for private in [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "255.255.255.255",
        "224.0.0.1",
        "::1",
        "::",
        "fd00::1",
        "fe80::1",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "64:ff9b::a00:1",
    ] {
        assert!(!is_public(private.parse().expect("ip")), "{private}");
    }
}

const TEST_CA: &str = "-----BEGIN CERTIFICATE-----
MIIBmzCCAUGgAwIBAgIUGe+XKzAU62IPaGMhZYkdRLfmZNAwCgYIKoZIzj0EAwIw
GjEYMBYGA1UEAwwPd2ViaG9vayB0ZXN0IENBMCAXDTI2MTIwNTA4MDAyM1oYDzIx
MjYxMTExMDgwMDIzWjAaMRgwFgYDVQQDDA93ZWJob29rIHRlc3QgQ0EwWTATBgcq
hkjOPQIBBggqhkjOPQMBBwNCAAQbmUZzFaKoF57auXmoVthMpyAM1iDeh6ciUywT
mSSvcilCyp/BM/q4/DRCqwmOIa+jgDMAcsX4YwscLrYSvmtuo2MwYTAdBgNVHQ4E
FgQUZSiC2sri8IWxLx5vKX2AnMjj3p0wHwYDVR0jBBgwFoAUZSiC2sri8IWxLx5v
KX2AnMjj3p0wDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAgQwCgYIKoZI
zj0EAwIDSAAwRQIhAPM750BAmV3x/pFkF51OIdTQtgKaYS/uPGyiMftz9CmKAiBK
gTimAd6AFJYy54Dyq8qQ0wdnFaTYPGPAdXGGDbhaIQ==
-----END CERTIFICATE-----
";

/// For `localhost` and 127.0.0.1, signed by `TEST_CA`, valid 2026-12-05 to 2126.
const TEST_LEAF: &str = "-----BEGIN CERTIFICATE-----
MIIBxDCCAWugAwIBAgIUG5O8sJwlJvpv3uN4jJ8CEjms2eEwCgYIKoZIzj0EAwIw
GjEYMBYGA1UEAwwPd2ViaG9vayB0ZXN0IENBMCAXDTI2MTIwNTA4MDAyM1oYDzIx
MjYxMTExMDgwMDIzWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIB
BggqhkjOPQMBBwNCAAR5hdhIV2Ne4P5emjwm9C2BqOeJmgmNhVOFPfIVv7BjeaEp
1P7z6nXZ8YnZfSc7BK+XpPltb476e+Bt+pFXsobAo4GSMIGPMAwGA1UdEwEB/wQC
MAAwDgYDVR0PAQH/BAQDAgeAMBMGA1UdJQQMMAoGCCsGAQUFBwMBMBoGA1UdEQQT
MBGCCWxvY2FsaG9zdIcEfwAAATAdBgNVHQ4EFgQUZTXyYYcqRZHcpTV+izDsFW1c
xcswHwYDVR0jBBgwFoAUZSiC2sri8IWxLx5vKX2AnMjj3p0wCgYIKoZIzj0EAwID
RwAwRAIgJnkMq340F3LdW+1Z4V1Zkaiat1R4oqGBisyVR7alqOMCIDQIKDJKVA/D
wfEkQyr+SPrw/ejtLShdTkMg7fJUaCEp
-----END CERTIFICATE-----
";

/// A test key, used nowhere else.
const TEST_LEAF_KEY: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgvYe0e/vx7Ui8ACB+
/nudOFq5IKxRJJl2dmawb8hOg32hRANCAAR5hdhIV2Ne4P5emjwm9C2BqOeJmgmN
hVOFPfIVv7BjeaEp1P7z6nXZ8YnZfSc7BK+XpPltb476e+Bt+pFXsobA
-----END PRIVATE KEY-----
";

#[allow(deprecated)] // ring's provider: see `load_tls`.
fn ring() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn test_acceptor() -> tokio_rustls::TlsAcceptor {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let leaf = CertificateDer::from_pem_slice(TEST_LEAF.as_bytes()).expect("leaf");
    let key = PrivateKeyDer::from_pem_slice(TEST_LEAF_KEY.as_bytes()).expect("key");
    let config = rustls::ServerConfig::builder_with_provider(ring())
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(vec![leaf], key)
        .expect("server config");
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}

fn test_connector() -> tokio_rustls::TlsConnector {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_slice(TEST_CA.as_bytes()).expect("ca"))
        .expect("root");
    let config = rustls::ClientConfig::builder_with_provider(ring())
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    tokio_rustls::TlsConnector::from(Arc::new(config))
}

#[tokio::test]
async fn https_with_a_trusted_certificate() {
    let mut rx = receiver_on(vec![], Reply::Status(200), Some(test_acceptor())).await;
    let secret = b"k".to_vec();
    let settings = WebhookSettings {
        secret: Some(secret.clone()),
        ..small()
    };
    let hooks = Webhooks::with_tls(vec![rx.url.clone()], settings, Some(test_connector()))
        .expect("webhooks");
    hooks.deliver("session_join", Bytes::from_static(b"{\"x\":1}"), None);
    let got = rx.next().await;
    assert_eq!(got.body, b"{\"x\":1}");
    assert_eq!(got.header("x-tmate-event"), Some("session_join"));
    let signature = got
        .header("x-tmate-signature-256")
        .and_then(|s| s.strip_prefix("sha256="))
        .expect("signature");
    let key = hmac::Key::new(hmac::HMAC_SHA256, &secret);
    hmac::verify(&key, &got.body, &unhex(signature)).expect("the signature verifies");
    wait_for("delivered", || hooks.stats().delivered == 1).await;
}

#[tokio::test]
async fn https_with_an_untrusted_certificate_fails() {
    let rx = receiver_on(vec![], Reply::Status(200), Some(test_acceptor())).await;
    // The system's roots (or none, on a machine without ca-certificates): the test CA is
    // not among them, so every try fails its handshake.
    let hooks = match Webhooks::new(vec![rx.url.clone()], small()) {
        Ok(hooks) => hooks,
        Err(error) => {
            assert!(error.contains("no TLS root certificates"), "{error}");
            return;
        }
    };
    hooks.deliver("e", Bytes::from_static(b"{}"), None);
    wait_for("given up", || hooks.stats().failed == 1).await;
    let stats = hooks.stats();
    assert_eq!((stats.delivered, stats.retried), (0, 2));
}

#[test]
fn check_url_names_the_problem() {
    assert!(Webhooks::check_url("http://127.0.0.1:8080/hook").is_ok());
    assert!(Webhooks::check_url("https://example.com/x").is_ok());
    assert!(Webhooks::check_url("https://example.com").is_ok());
    assert!(Webhooks::check_url("http://[::1]:9000/x?token=a").is_ok());
    let err = |url: &str| Webhooks::check_url(url).expect_err(url);
    assert!(err("ftp://example.com/x").contains("scheme"));
    assert!(err("http:///x").contains("not a URL") || err("http:///x").contains("host"));
    assert!(err("/just/a/path").contains("scheme"));
    assert!(err("https://user:pass@example.com/x").contains("user:password"));
    assert!(err("https://token@example.com/x").contains("user:password"));
    assert!(err("http://example.com:0/x").contains("port"));
    assert!(err("http://exa mple.com/x").contains("spaces"));
    assert!(err("http://example.com/x#frag").contains("fragment"));
    let long = format!("https://example.com/{}", "a".repeat(MAX_URL_LEN));
    assert!(err(&long).contains("2048"));
}

#[test]
fn targets_split_for_the_request() {
    let t = parse_url("https://[::1]/a?b=c").expect("url");
    assert!(t.https);
    assert_eq!((t.host.as_str(), t.port), ("::1", 443));
    assert_eq!(t.authority, "[::1]");
    assert_eq!(t.path, "/a?b=c");
    assert_eq!(t.label, "https://[::1]/a");
    let t = parse_url("http://example.com").expect("url");
    assert_eq!((t.port, t.path.as_str()), (80, "/"));
}

#[tokio::test]
async fn new_refuses_a_bad_relay_url() {
    let err = Webhooks::new(vec!["ftp://x/y?secret=1".into()], small())
        .err()
        .expect("refused");
    assert!(
        err.contains("ftp://x/y") && !err.contains("secret"),
        "{err}"
    );
}

#[test]
fn new_needs_a_runtime() {
    assert!(Webhooks::new(vec![], WebhookSettings::default()).is_err());
}

#[test]
fn backoff_doubles_up_to_the_cap() {
    let first = Duration::from_millis(300);
    let max = Duration::from_secs(30);
    for (attempt, full) in [(1, 300), (2, 600), (3, 1200), (8, 30_000), (40, 30_000)] {
        let wait = backoff(first, max, attempt);
        let full = Duration::from_millis(full);
        assert!(
            wait <= full && wait >= full - full / 10,
            "{attempt}: {wait:?}"
        );
    }
}

#[test]
fn status_classes() {
    for (code, retry, give_up) in [
        (200, false, false),
        (204, false, false),
        (400, false, true),
        (404, false, true),
        (408, true, false),
        (429, true, false),
        (500, true, false),
        (503, true, false),
        (301, false, true),
    ] {
        let status = StatusCode::from_u16(code).expect("status");
        let outcome = classify(status);
        assert_eq!(matches!(outcome, Outcome::Retry(_)), retry, "{code}");
        assert_eq!(matches!(outcome, Outcome::GiveUp(_)), give_up, "{code}");
    }
}

#[test]
fn settings_debug_hides_the_secret() {
    let settings = WebhookSettings {
        secret: Some(b"hunter2".to_vec()),
        ..WebhookSettings::default()
    };
    assert!(!format!("{settings:?}").contains("hunter2"));
}
