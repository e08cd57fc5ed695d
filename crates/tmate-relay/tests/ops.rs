//! Running a public relay, end to end with the binary, Debian's tmate 2.4 and OpenSSH: the
//! `--config` file, Prometheus metrics that `promtool check metrics` accepts and whose values
//! move with a real session, `/healthz` and `/readyz`, JSON logs with every session and viewer
//! event once and no token, webhooks (signed, in order, retried after a receiver answers 500 or
//! is down, never holding a session up when a receiver stalls, the host's own URL when allowed),
//! and the web viewer over HTTPS (a CA the test makes, Chromium pinned to the certificate, a
//! SIGHUP reload that keeps open connections, clear errors for a bad key).
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

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::real::{Extra, SshViewer, TmateHost, browser, tmate_installed};
use common::{
    DEADLINE, RelayProcess, get, openssl, sample, scrape_until, signed_certificate, token_of,
};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// Debian's tmate 2.4 sharing through `relay`, past its tips screen.
async fn host_on(relay: &RelayProcess, conf: &str) -> TmateHost {
    let extra = Extra {
        conf,
        ..Extra::default()
    };
    let host = TmateHost::start_extra(
        "tmate",
        ("127.0.0.1", relay.addr.port(), &relay.fingerprint),
        None,
        &extra,
    )
    .await;
    host.past_tips().await;
    host
}

/// `promtool check metrics` (Prometheus' own linter) on `text`.
fn promtool_accepts(text: &str) {
    let mut child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("promtool runs (./scripts/test installs Debian's prometheus)");
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "promtool check metrics: {}{}\n{text}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_health_and_json_logs_follow_a_real_session() {
    tmate_installed();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("relay.toml");
    // The file asks for port 1; the command line's `-p 0` must win. The rest comes from it.
    std::fs::write(
        &config,
        "port = 1\nlog-format = \"json\"\nmetrics-addr = \"127.0.0.1:0\"\nidle-timeout = 120\n",
    )
    .unwrap();
    let relay = RelayProcess::start(&["--config", config.to_str().unwrap()]).await;
    assert_ne!(relay.addr.port(), 1, "the command line overrides the file");
    let metrics = relay.metrics.expect("--metrics-addr from the config file");

    assert_eq!(get(metrics, "/healthz").await, (200, "ok\n".into()));
    // The metrics listener answers a moment before the relay marks itself serving: until
    // then it is `starting` (a load balancer waits for the 200), never anything else.
    let deadline = Instant::now() + common::DEADLINE;
    loop {
        let ready = get(metrics, "/readyz").await;
        if ready == (200, "ready\n".into()) {
            break;
        }
        assert_eq!(ready, (503, "not ready: starting\n".into()));
        assert!(Instant::now() < deadline, "never ready");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (status, _) = get(metrics, "/nothing").await;
    assert_eq!(status, 404);
    // Every series a dashboard plots is there from the start, at zero.
    let idle = scrape_until(metrics, "the idle series", |t| {
        sample(t, "tmate_viewers{transport=\"web\",access=\"ro\"}") == Some(0.0)
            && sample(t, "tmate_refusals_total{limit=\"connections_per_ip\"}") == Some(0.0)
            && sample(t, "tmate_bytes_total{direction=\"viewer_out\"}") == Some(0.0)
    })
    .await;
    promtool_accepts(&idle);

    let host = host_on(&relay, "").await;
    let ssh = host.display("#{tmate_ssh}").await;
    let token = token_of(&ssh);
    let session = "tmate_sessions{client_version=\"2.4.0\",named=\"no\"}";
    scrape_until(metrics, "the session", |t| sample(t, session) == Some(1.0)).await;

    let mut viewer = SshViewer::ssh(&ssh, 80, 24, &[]);
    viewer
        .wait_text("the shell prompt", |s| s.contains("bash-"))
        .await;
    viewer.type_bytes(b"echo metrics-$((6*7))\r").await;
    viewer
        .wait_text("the echo", |s| s.contains("metrics-42"))
        .await;
    let rw_ssh = "tmate_viewers{transport=\"ssh\",access=\"rw\"}";
    let busy = scrape_until(metrics, "one rw ssh viewer and traffic", |t| {
        sample(t, rw_ssh) == Some(1.0)
            && sample(t, "tmate_bytes_total{direction=\"host_in\"}").unwrap_or(0.0) > 0.0
            && sample(t, "tmate_bytes_total{direction=\"viewer_in\"}").unwrap_or(0.0) > 0.0
            && sample(t, "tmate_bytes_total{direction=\"viewer_out\"}").unwrap_or(0.0) > 0.0
            && sample(t, "tmate_bytes_total{direction=\"host_out\"}").unwrap_or(0.0) > 0.0
            && sample(t, "tmate_frames_sent_total").unwrap_or(0.0) > 0.0
    })
    .await;
    assert!(
        sample(&busy, "tmate_connections").unwrap_or(0.0) >= 2.0,
        "{busy}"
    );
    assert_eq!(sample(&busy, "tmate_sessions_started_total"), Some(1.0));

    // A wrong token is answered and counted.
    let wrong = format!("ssh -p{} nosuchtoken123@127.0.0.1", relay.addr.port());
    let mut stranger = SshViewer::ssh(&wrong, 80, 24, &[]);
    let said = stranger.wait_exit().await;
    assert!(said.contains("Invalid or expired session token"), "{said}");
    scrape_until(metrics, "the wrong token", |t| {
        sample(t, "tmate_wrong_tokens_total") == Some(1.0)
    })
    .await;

    drop(viewer);
    scrape_until(metrics, "the viewer gone", |t| {
        sample(t, rw_ssh) == Some(0.0)
    })
    .await;
    host.run(&["kill-server"]).await;
    let done = scrape_until(metrics, "the session closed", |t| {
        sample(t, session) == Some(0.0)
    })
    .await;
    promtool_accepts(&done);

    // One JSON object per line; each event once, with the session's id; no token anywhere.
    let log = std::fs::read_to_string(&relay.log).unwrap();
    let mut events: HashMap<String, Vec<serde_json::Value>> = HashMap::new();
    for line in log.lines() {
        let object: serde_json::Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("a log line is not JSON ({e}): {line}"));
        assert!(
            object["timestamp"].is_string() && object["level"].is_string(),
            "{line}"
        );
        if let Some(event) = object["event"].as_str() {
            events
                .entry(event.to_string())
                .or_default()
                .push(object.clone());
        }
    }
    assert!(!log.contains(&token), "a token in the log:\n{log}");
    for event in [
        "session_register",
        "session_join",
        "session_left",
        "session_close",
    ] {
        assert_eq!(
            events.get(event).map(Vec::len),
            Some(1),
            "{event} once:\n{log}"
        );
    }
    let register = &events["session_register"][0];
    let id = register["session"].as_str().unwrap();
    assert_eq!(id.len(), 32, "{register}");
    assert!(register["addr"].as_str().unwrap().starts_with("127.0.0.1:"));
    let join = &events["session_join"][0];
    assert_eq!(join["session"], id);
    assert_eq!(join["access"], "rw");
    assert_eq!(join["addr"], "127.0.0.1");
    assert_eq!(events["session_close"][0]["session"], id);
}

/// A request as the test's webhook receiver got it.
#[derive(Clone, Debug)]
struct Delivery {
    path: String,
    headers: HashMap<String, String>,
    body: serde_json::Value,
    raw: Vec<u8>,
}

/// A local HTTP receiver: records every request, answers the scripted statuses in order
/// (then 200), or never answers when `stall`.
struct Receiver {
    addr: SocketAddr,
    got: Arc<Mutex<Vec<Delivery>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Receiver {
    async fn start(listener: TcpListener, statuses: Vec<u16>, stall: bool) -> Receiver {
        let addr = listener.local_addr().unwrap();
        let got = Arc::new(Mutex::new(Vec::new()));
        let statuses = Arc::new(Mutex::new(statuses.into_iter()));
        let record = got.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let record = record.clone();
                let statuses = statuses.clone();
                tokio::spawn(async move {
                    let mut reader = BufReader::new(stream);
                    let Some(delivery) = read_request(&mut reader).await else {
                        return;
                    };
                    record.lock().unwrap().push(delivery);
                    if stall {
                        tokio::time::sleep(Duration::from_secs(3600)).await;
                    }
                    let status = statuses.lock().unwrap().next().unwrap_or(200);
                    let answer = format!(
                        "HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    );
                    let _ = reader.get_mut().write_all(answer.as_bytes()).await;
                });
            }
        });
        Receiver { addr, got, task }
    }

    fn deliveries(&self) -> Vec<Delivery> {
        self.got.lock().unwrap().clone()
    }

    /// Wait until the receiver holds deliveries satisfying `done`.
    async fn wait_for(&self, what: &str, done: impl Fn(&[Delivery]) -> bool) -> Vec<Delivery> {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let got = self.deliveries();
            if done(&got) {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "the receiver never got {what}: {:#?}",
                got.iter()
                    .map(|d| (&d.body["type"], d.headers.get("x-tmate-delivery")))
                    .collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn read_request(reader: &mut BufReader<tokio::net::TcpStream>) -> Option<Delivery> {
    let mut line = String::new();
    reader.read_line(&mut line).await.ok()?;
    let path = line.split_whitespace().nth(1)?.to_string();
    let mut headers = HashMap::new();
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).await.ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_string());
    }
    let length: usize = headers.get("content-length")?.parse().ok()?;
    let mut raw = vec![0; length];
    reader.read_exact(&mut raw).await.ok()?;
    let body = serde_json::from_slice(&raw).ok()?;
    Some(Delivery {
        path,
        headers,
        body,
        raw,
    })
}

/// The events' types in the order delivered, a retried event counted once.
fn kinds(deliveries: &[Delivery]) -> Vec<String> {
    let mut seen = Vec::new();
    let mut ids = Vec::new();
    for delivery in deliveries {
        let id = delivery
            .headers
            .get("x-tmate-delivery")
            .cloned()
            .unwrap_or_default();
        if !ids.contains(&id) {
            ids.push(id);
            seen.push(delivery.body["type"].as_str().unwrap_or("").to_string());
        }
    }
    seen
}

fn signature_ok(delivery: &Delivery, secret: &[u8]) -> bool {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret);
    let tag = ring::hmac::sign(&key, &delivery.raw);
    let hex: String = tag.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    delivery.headers.get("x-tmate-signature-256") == Some(&format!("sha256={hex}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_are_signed_ordered_retried_and_never_hold_up_a_session() {
    tmate_installed();
    // The relay-wide receiver is down at first: its port bound but not listening (connections
    // are refused), so no other socket can take the port before it comes up.
    let reserved = tokio::net::TcpSocket::new_v4().unwrap();
    reserved.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let relay_hook = reserved.local_addr().unwrap();
    // A receiver that accepts and never answers.
    let stalled = Receiver::start(
        TcpListener::bind("127.0.0.1:0").await.unwrap(),
        vec![],
        true,
    )
    .await;
    // The host's own receiver.
    let host_hook = Receiver::start(
        TcpListener::bind("127.0.0.1:0").await.unwrap(),
        vec![],
        false,
    )
    .await;
    let secret = "webhook-secret-for-the-test";
    let relay = RelayProcess::start(&[
        "--webhook",
        &format!("http://{relay_hook}/events"),
        "--webhook",
        &format!("http://{}/stalls", stalled.addr),
        "--webhook-secret",
        secret,
        "--allow-host-webhooks",
        // The host's receiver is on loopback, which host URLs may not reach by default.
        "--allow-private-host-webhooks",
        "--metrics-addr",
        "127.0.0.1:0",
    ])
    .await;
    let conf = format!(
        "set -g tmate-webhook-url http://{}/mine\nset -g tmate-webhook-userdata ci-job-42\n",
        host_hook.addr
    );
    // The host gets its session although one receiver is down and another stalls.
    let started = Instant::now();
    let host = host_on(&relay, &conf).await;
    let ssh = host.display("#{tmate_ssh}").await;
    let setup = started.elapsed();

    // The relay-wide receiver comes up, answers its first request 500, then 200s.
    let listener = reserved.listen(128).unwrap();
    let receiver = Receiver::start(listener, vec![500], false).await;
    let mut viewer = SshViewer::ssh(&ssh, 80, 24, &[]);
    viewer
        .wait_text("the shell prompt", |s| s.contains("bash-"))
        .await;
    drop(viewer);
    // The viewer leaves, then the host ends the session: wait until the relay has seen the
    // leave, or on a loaded machine the host's close can overtake the ssh client's exit.
    let metrics = relay.metrics.expect("--metrics-addr");
    scrape_until(metrics, "the viewer gone", |t| {
        sample(t, "tmate_viewers{transport=\"ssh\",access=\"rw\"}") == Some(0.0)
    })
    .await;
    host.run(&["kill-server"]).await;

    let expected = [
        "session_register",
        "session_join",
        "session_left",
        "session_close",
    ];
    let got = receiver
        .wait_for("the four events", |d| kinds(d) == expected)
        .await;
    // The first try was answered 500 and retried with the same delivery id and body.
    let first = &got[0];
    let second = &got[1];
    assert_eq!(first.body["type"], "session_register");
    assert_eq!(
        first.headers.get("x-tmate-delivery"),
        second.headers.get("x-tmate-delivery")
    );
    assert_eq!(first.raw, second.raw);
    for delivery in &got {
        assert_eq!(delivery.path, "/events");
        assert!(signature_ok(delivery, secret.as_bytes()), "{delivery:?}");
        assert!(!signature_ok(delivery, b"another secret"));
        assert_eq!(
            delivery.headers.get("x-tmate-event").map(String::as_str),
            delivery.body["type"].as_str()
        );
        assert_eq!(delivery.body["userdata"], "ci-job-42");
    }
    let id = first.body["entity_id"].as_str().unwrap();
    assert!(got.iter().all(|d| d.body["entity_id"] == id));
    let params = &first.body["params"];
    assert_eq!(params["stoken"], token_of(&ssh));
    assert_eq!(params["ssh"], ssh);
    assert_eq!(params["client_version"], "2.4.0");
    assert_eq!(params["reconnected"], false);
    assert_eq!(params["named"], false);
    let join = &got
        .iter()
        .find(|d| d.body["type"] == "session_join")
        .unwrap()
        .body;
    assert_eq!(join["params"]["type"], "ssh");
    assert_eq!(join["params"]["readonly"], false);
    assert_eq!(join["params"]["ip_address"], "127.0.0.1");

    // The host's URL got the same events, in the same order.
    host_hook
        .wait_for("the host's four events", |d| kinds(d) == expected)
        .await;
    assert!(host_hook.deliveries().iter().all(|d| d.path == "/mine"));

    // The outage was told once, and its end once.
    let log = std::fs::read_to_string(&relay.log).unwrap();
    let about_it = |what: &str| {
        log.lines()
            .filter(|l| l.contains(what) && l.contains(&relay_hook.to_string()))
            .count()
    };
    assert_eq!(about_it("webhook URL unreachable"), 1, "{log}");
    assert_eq!(about_it("webhook URL delivering again"), 1, "{log}");

    // The stalled receiver got its first event and holds it; nothing waited for it.
    assert_eq!(stalled.deliveries().len(), 1);
    assert!(setup < Duration::from_secs(30), "setup took {setup:?}");
    let metrics = relay.metrics.unwrap();
    scrape_until(metrics, "the deliveries counted", |t| {
        sample(t, "tmate_webhook_events_total{outcome=\"retried\"}").unwrap_or(0.0) >= 1.0
            && sample(t, "tmate_webhook_events_total{outcome=\"delivered\"}").unwrap_or(0.0) >= 8.0
    })
    .await;
}

/// A certificate for 127.0.0.1, `name.pem` with key `name.key`, from the test CA in `dir`.
fn make_certificate(dir: &Path, name: &str) {
    signed_certificate(dir, name, "subjectAltName=IP:127.0.0.1\n");
}

/// What Chromium pins: base64 of the SHA-256 of the certificate's public key.
fn spki_hash(dir: &Path, cert: &str) -> String {
    let public = openssl(dir, &["x509", "-in", cert, "-pubkey", "-noout"]);
    std::fs::write(dir.join("public.pem"), public).unwrap();
    let der = openssl(
        dir,
        &["pkey", "-pubin", "-in", "public.pem", "-outform", "der"],
    );
    std::fs::write(dir.join("public.der"), der).unwrap();
    let digest = openssl(dir, &["dgst", "-sha256", "-binary", "public.der"]);
    std::fs::write(dir.join("digest.bin"), digest).unwrap();
    String::from_utf8(openssl(dir, &["base64", "-A", "-in", "digest.bin"])).unwrap()
}

/// A TLS client that trusts only the test's CA: the connection and the certificate it got.
async fn tls_connect(
    ca: &Path,
    addr: SocketAddr,
) -> (
    tokio_rustls::client::TlsStream<tokio::net::TcpStream>,
    Vec<u8>,
) {
    let mut roots = rustls::RootCertStore::empty();
    let pem = std::fs::read(ca).unwrap();
    for cert in rustls::pki_types::pem::PemObject::pem_slice_iter(&pem) {
        roots.add(cert.unwrap()).unwrap();
    }
    #[allow(deprecated, reason = "the ring provider, as the relay uses")]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let name = rustls::pki_types::ServerName::IpAddress(addr.ip().into());
    let stream = tokio::time::timeout(DEADLINE, connector.connect(name, tcp))
        .await
        .expect("the TLS handshake finishes")
        .expect("the certificate verifies against the test CA");
    let cert = stream
        .get_ref()
        .1
        .peer_certificates()
        .and_then(|chain| chain.first())
        .map(|c| c.to_vec())
        .unwrap();
    (stream, cert)
}

/// Send one keep-alive GET on `stream` and read the answer's status line.
async fn get_on<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(
    stream: &mut S,
    path: &str,
) -> String {
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        tokio::time::timeout(DEADLINE, stream.read_exact(&mut byte))
            .await
            .expect("an answer")
            .unwrap();
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let length: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse().unwrap())
        })
        .unwrap_or(0);
    let mut body = vec![0; length];
    stream.read_exact(&mut body).await.unwrap();
    head.lines().next().unwrap_or("").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn web_viewer_over_https_reloads_its_certificate_on_sighup() {
    tmate_installed();
    let certs = tempfile::tempdir().unwrap();
    let dir = certs.path();
    make_certificate(dir, "first");
    make_certificate(dir, "second");
    std::fs::copy(dir.join("first.pem"), dir.join("web.pem")).unwrap();
    std::fs::copy(dir.join("first.key"), dir.join("web.key")).unwrap();
    let cert = dir.join("web.pem");
    let key = dir.join("web.key");
    let relay = RelayProcess::start_web(&[
        "--web-tls-cert",
        cert.to_str().unwrap(),
        "--web-tls-key",
        key.to_str().unwrap(),
    ])
    .await;
    let web = relay.web.unwrap();
    let host = host_on(&relay, "").await;
    let link = host.display("#{tmate_web}").await;
    assert!(
        link.starts_with(&format!("https://127.0.0.1:{}/t/", web.port())),
        "{link}"
    );
    let path = link
        .split_once(&format!("{}", web.port()))
        .unwrap()
        .1
        .to_string();

    // A client that trusts only the test's CA verifies the certificate and gets the page.
    let ca = dir.join("ca.pem");
    let (mut open, first_cert) = tls_connect(&ca, web).await;
    assert_eq!(get_on(&mut open, &path).await, "HTTP/1.1 200 OK");
    // Plain HTTP on the HTTPS port gets nothing served.
    let plain = common::real::http(web, "GET / HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert!(!plain.contains("200 OK"), "{plain}");

    // Chromium, pinned to this certificate, runs the terminal over wss://.
    let report = browser(&[
        &link,
        "--wait",
        "bash-",
        "--type",
        "echo https-$((40+2))",
        "--then-wait",
        "https-42",
        "--trust-spki",
        &spki_hash(dir, "first.pem"),
    ])
    .await;
    assert_eq!(report["status"], 200, "{report:#}");

    // SIGHUP with a new certificate: new connections get it, the open one keeps working.
    std::fs::copy(dir.join("second.pem"), &cert).unwrap();
    std::fs::copy(dir.join("second.key"), &key).unwrap();
    let pid = relay.child.id().unwrap().to_string();
    let hang_up = || {
        let sent = Command::new("kill").args(["-HUP", &pid]).status().unwrap();
        assert!(sent.success());
    };
    hang_up();
    let deadline = Instant::now() + DEADLINE;
    loop {
        let (_, now_cert) = tls_connect(&ca, web).await;
        if now_cert != first_cert {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the new certificate never served"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(get_on(&mut open, &path).await, "HTTP/1.1 200 OK");

    // A key that does not load after SIGHUP leaves the certificate in force.
    std::fs::write(&key, "not a key").unwrap();
    hang_up();
    let deadline = Instant::now() + DEADLINE;
    while !std::fs::read_to_string(&relay.log)
        .unwrap()
        .contains("web TLS certificate not reloaded")
    {
        assert!(Instant::now() < deadline, "the bad reload was never logged");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (mut again, _) = tls_connect(&ca, web).await;
    assert_eq!(get_on(&mut again, &path).await, "HTTP/1.1 200 OK");
}

#[test]
fn web_tls_files_that_cannot_work_stop_the_relay_with_a_clear_error() {
    let certs = tempfile::tempdir().unwrap();
    let dir = certs.path();
    make_certificate(dir, "first");
    make_certificate(dir, "second");
    let keys = tempfile::tempdir().unwrap();
    let start = |cert: &str, key: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_tmate-ssh-server"))
            .args(["-b", "127.0.0.1", "-p", "0", "--web-port", "0", "-k"])
            .arg(keys.path())
            .arg("--web-tls-cert")
            .arg(dir.join(cert))
            .arg("--web-tls-key")
            .arg(dir.join(key))
            .env_remove("RUST_LOG")
            .output()
            .unwrap();
        assert!(!out.status.success());
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let mismatched = start("first.pem", "second.key");
    assert!(
        mismatched.contains("second.key is not the key of the certificate in"),
        "{mismatched}"
    );
    let missing = start("first.pem", "missing.key");
    assert!(missing.contains("--web-tls-key: cannot read"), "{missing}");
    let not_pem = start("first.key", "first.key");
    assert!(not_pem.contains("--web-tls-cert:"), "{not_pem}");
    let said = mismatched
        .lines()
        .filter(|l| l.starts_with("tmate-ssh-server:"));
    assert_eq!(said.count(), 1, "one line: {mismatched}");
}
