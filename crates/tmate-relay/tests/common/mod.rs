//! Test harness of the relay's tests: the shared kit (`tmate_fixtures`: the in-process relay,
//! scripted hosts and viewers, programs on ptys) re-exported, the recorded captures decoded, the
//! relay binary as a process, metrics scrapes and test certificates.
#![allow(dead_code)]

pub mod real;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tmate_proto::{DecoderConfig, ServerDecoder, ServerMessage};

pub use tmate_fixtures::DEADLINE;
pub use tmate_fixtures::relay::*;

/// The concatenated bytes of one direction of a capture.
pub fn capture_stream(name: &str, direction: &str) -> Vec<u8> {
    tmate_fixtures::stream(name, direction)
}

/// The messages of one direction of a capture, decoded.
pub fn capture_host_messages(name: &str) -> Vec<tmate_proto::HostMessage> {
    let bytes = capture_stream(name, "host-to-server");
    let mut decoder = tmate_proto::HostDecoder::new(DecoderConfig::host_stream());
    decoder.feed(&bytes);
    decoder.map(|m| m.unwrap()).collect()
}

pub fn capture_server_messages(name: &str) -> Vec<ServerMessage> {
    let bytes = capture_stream(name, "server-to-host");
    let mut decoder = ServerDecoder::new(DecoderConfig::server_stream());
    decoder.feed(&bytes);
    decoder.map(|m| m.unwrap()).collect()
}

/// The `tmate-ssh-server` binary on free loopback ports, with its own key directory.
pub struct RelayProcess {
    pub child: tokio::process::Child,
    pub addr: SocketAddr,
    _dir: tempfile::TempDir,
    pub log: std::path::PathBuf,
    /// The web viewer's address (`start_web`).
    pub web: Option<SocketAddr>,
    /// `--metrics-addr`'s address, when given.
    pub metrics: Option<SocketAddr>,
    /// `SHA256:...` of its ed25519 host key, as the banner prints it.
    pub fingerprint: String,
}

impl RelayProcess {
    /// The relay binary without its web viewer, `extra` flags after the test's own.
    pub async fn start(extra: &[&str]) -> RelayProcess {
        RelayProcess::start_full(extra, false).await
    }

    /// As `start`, with the web viewer on a free port.
    pub async fn start_web(extra: &[&str]) -> RelayProcess {
        RelayProcess::start_full(extra, true).await
    }

    async fn start_full(extra: &[&str], web: bool) -> RelayProcess {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("relay.log");
        let web_flags: &[&str] = if web {
            &["--web-port", "0", "--web-bind", "127.0.0.1"]
        } else {
            &["--no-web"]
        };
        let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_tmate-ssh-server"))
            .args(["-b", "127.0.0.1", "-p", "0", "-h", "127.0.0.1"])
            .args(web_flags)
            .arg("-k")
            .arg(dir.path())
            .arg("-l")
            .arg(&log)
            .args(extra)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let mut lines = tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(
            child.stdout.take().unwrap(),
        ));
        let mut addr = None;
        let (mut web, mut metrics, mut fingerprint) = (None, None, String::new());
        let mut sandboxed = false;
        let deadline = Instant::now() + DEADLINE;
        while addr.is_none() || !sandboxed {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = tokio::time::timeout(left, lines.next_line())
                .await
                .expect("the relay did not start")
                .unwrap()
                .expect("the relay exited");
            if let Some(rest) = line.strip_prefix("tmate-ssh-server listening on ") {
                addr = rest.trim().parse().ok();
            }
            if let Some(rest) = line.strip_prefix("web viewer on ") {
                web = rest.split(',').next().and_then(|a| a.trim().parse().ok());
            }
            if let Some(rest) = line.strip_prefix("metrics on http://") {
                metrics = rest.split('/').next().and_then(|a| a.parse().ok());
            }
            if let Some(rest) = line.strip_prefix("ed25519 fingerprint: ") {
                fingerprint = rest.trim().to_string();
            }
            sandboxed |= line.starts_with("sandbox: ");
        }
        // Keep draining its output so it never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        RelayProcess {
            child,
            addr: addr.unwrap(),
            _dir: dir,
            log,
            web,
            metrics,
            fingerprint,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id().unwrap()
    }

    /// User plus system CPU time used so far (from /proc).
    pub fn cpu_time(&self) -> Duration {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).unwrap();
        let after_name = stat.rsplit_once(')').unwrap().1;
        let fields: Vec<&str> = after_name.split_whitespace().collect();
        // Fields 14 and 15 of stat (utime, stime), counted from the state field (3).
        let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
        Duration::from_millis(ticks * 10)
    }

    pub fn status(&self, field: &str) -> String {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix(field))
            .unwrap_or_default()
            .trim()
            .to_string()
    }
}

/// One HTTP GET on loopback: (status code, body).
pub async fn get(addr: SocketAddr, path: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    tokio::time::timeout(DEADLINE, stream.read_to_end(&mut response))
        .await
        .expect("the metrics listener answers")
        .unwrap();
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_string())
        .unwrap_or_default();
    (status, body)
}

/// The value of the sample `series` (name with its labels, as printed) in `text`.
pub fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .find_map(|line| {
            let (name, value) = line.rsplit_once(' ')?;
            (name == series).then(|| value.parse().ok()).flatten()
        })
}

/// Scrape until `check` holds (a described condition, generous deadline); the last scrape.
pub async fn scrape_until(metrics: SocketAddr, what: &str, check: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + DEADLINE;
    loop {
        let (status, text) = get(metrics, "/metrics").await;
        assert_eq!(status, 200, "{text}");
        if check(&text) {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "metrics never showed {what}:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Run openssl in `dir`; its standard output. Panics with its errors when it fails.
pub fn openssl(dir: &std::path::Path, args: &[&str]) -> Vec<u8> {
    let out = std::process::Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl runs (./scripts/test installs it)");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// A certificate `name.pem` with key `name.key` in `dir`, signed by the test CA there
/// (`ca.pem`, `ca.key`, made on first use), with `extensions` (openssl `-extfile` lines, e.g.
/// `subjectAltName=IP:127.0.0.1`). P-256 keys, valid for two days.
pub fn signed_certificate(dir: &std::path::Path, name: &str, extensions: &str) {
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
    ];
    if !dir.join("ca.pem").exists() {
        let ca = [
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=test CA",
        ];
        openssl(dir, &[&["req", "-x509"][..], &ec, &ca].concat());
    }
    let (key, csr, pem, ext) = (
        format!("{name}.key"),
        format!("{name}.csr"),
        format!("{name}.pem"),
        format!("{name}.ext"),
    );
    std::fs::write(dir.join(&ext), extensions).unwrap();
    let subject = format!("/CN=test-{name}");
    let request = ["-keyout", &key, "-out", &csr, "-subj", &subject];
    openssl(dir, &[&["req"][..], &ec, &request].concat());
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-out",
            &pem,
            "-extfile",
            &ext,
        ],
    );
}
