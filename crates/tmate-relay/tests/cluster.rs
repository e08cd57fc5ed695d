//! Several relays as one service, end to end with real programs: a redis-server of the test's
//! own (free loopback port, no persistence), `tmate-ssh-server` nodes sharing one keys
//! directory, Debian's tmate 2.4 as the host, OpenSSH viewers and headless Chromium joining
//! through nodes that do not own the session; Redis killed and restarted empty; a forged node
//! link; a node with other keys; Redis over TLS; names unique across nodes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test stops on what it did not expect"
)]

mod common;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::real::{Extra, SshViewer, TmateHost, browser, tmate_installed};
use common::{DEADLINE, get, sample, scrape_until, signed_certificate};
use tokio::io::AsyncBufReadExt;

/// A port nobody listens on now.
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// A redis-server of this test's own: loopback, a free port, nothing saved to disk; with
/// `tls`, TLS only, asking clients for a certificate of the test's CA (redis-server's default).
struct Redis {
    child: Option<std::process::Child>,
    port: u16,
    dir: tempfile::TempDir,
    tls: bool,
}

impl Redis {
    fn start() -> Redis {
        Redis::start_with(false)
    }

    /// TLS only: a CA, a server certificate for 127.0.0.1 and a client certificate, all made
    /// here in the Redis directory (ca.pem, server.*, client.*).
    fn start_tls() -> Redis {
        Redis::start_with(true)
    }

    fn start_with(tls: bool) -> Redis {
        let mut redis = Redis {
            child: None,
            port: free_port(),
            dir: tempfile::tempdir().unwrap(),
            tls,
        };
        if tls {
            redis.make_certificates();
        }
        redis.restart();
        redis
    }

    /// A CA, a server certificate for 127.0.0.1 and a client certificate, in its directory.
    fn make_certificates(&self) {
        let dir = self.dir.path();
        signed_certificate(
            dir,
            "server",
            "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth",
        );
        signed_certificate(dir, "client", "extendedKeyUsage=clientAuth");
    }

    /// A file the TLS set-up made.
    fn file(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    /// The flags a node needs to reach this Redis (TLS: the CA and the client certificate).
    fn node_args(&self) -> Vec<String> {
        let mut args = vec!["--redis".to_string(), self.url()];
        if self.tls {
            for (flag, file) in [
                ("--redis-ca", "ca.pem"),
                ("--redis-client-cert", "client.pem"),
                ("--redis-client-key", "client.key"),
            ] {
                args.extend([flag.to_string(), self.file(file)]);
            }
        }
        args
    }

    /// Start (again, empty) on the same port; returns once it answers PING.
    fn restart(&mut self) {
        let port = self.port.to_string();
        let mut command = std::process::Command::new("redis-server");
        command.args(["--bind", "127.0.0.1"]);
        if self.tls {
            command
                .args(["--port", "0", "--tls-port", &port])
                .args(["--tls-cert-file", &self.file("server.pem")])
                .args(["--tls-key-file", &self.file("server.key")])
                .args(["--tls-ca-cert-file", &self.file("ca.pem")]);
        } else {
            command.args(["--port", &port]);
        }
        let child = command
            .args([
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "yes",
            ])
            .arg("--dir")
            .arg(self.dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server runs (./scripts/test installs it)");
        self.child = Some(child);
        let deadline = Instant::now() + DEADLINE;
        while self.cli(&["PING"]).trim() != "PONG" {
            assert!(Instant::now() < deadline, "redis-server did not answer");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn url(&self) -> String {
        let scheme = if self.tls { "rediss" } else { "redis" };
        format!("{scheme}://127.0.0.1:{}/", self.port)
    }

    /// `redis-cli` against it (empty output when it is down).
    fn cli(&self, args: &[&str]) -> String {
        let mut command = std::process::Command::new("redis-cli");
        command.args(["-h", "127.0.0.1", "-p", &self.port.to_string(), "--raw"]);
        if self.tls {
            command
                .args(["--tls", "--cacert", &self.file("ca.pem")])
                .args(["--cert", &self.file("client.pem")])
                .args(["--key", &self.file("client.key")]);
        }
        command
            .args(args)
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default()
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.kill();
    }
}

/// One `tmate-ssh-server` node on free loopback ports.
struct Node {
    /// Killed when the test ends (kill_on_drop).
    child: tokio::process::Child,
    name: String,
    ssh: SocketAddr,
    web: SocketAddr,
    /// `--metrics-addr`'s address, when the node was given one.
    metrics: Option<SocketAddr>,
    log: PathBuf,
    _logs: tempfile::TempDir,
}

impl Node {
    async fn start(name: &str, keys: &Path, redis: &Redis) -> Node {
        Node::start_at(name, keys, redis, "127.0.0.1", 0, "127.0.0.1").await
    }

    /// A node on a free loopback port with `extra` flags.
    async fn start_with(name: &str, keys: &Path, redis: &Redis, extra: &[&str]) -> Node {
        Node::try_start_at(
            name,
            keys,
            &redis.node_args(),
            ("127.0.0.1", 0, "127.0.0.1"),
            extra,
        )
        .await
        .unwrap_or_else(|output| panic!("node {name} did not start: {output}"))
    }

    /// A node on `ip:port` whose strings name `host`.
    async fn start_at(
        name: &str,
        keys: &Path,
        redis: &Redis,
        ip: &str,
        port: u16,
        host: &str,
    ) -> Node {
        Node::try_start_at(name, keys, &redis.node_args(), (ip, port, host), &[])
            .await
            .unwrap_or_else(|output| panic!("node {name} did not start: {output}"))
    }

    async fn try_start(name: &str, keys: &Path, redis: &Redis) -> Result<Node, String> {
        Node::try_start_at(
            name,
            keys,
            &redis.node_args(),
            ("127.0.0.1", 0, "127.0.0.1"),
            &[],
        )
        .await
    }

    /// Start a node; its output when it exits instead of listening.
    /// (`at`: the address and port to listen on, the host name in the strings.)
    async fn try_start_at(
        name: &str,
        keys: &Path,
        redis_args: &[String],
        at: (&str, u16, &str),
        extra: &[&str],
    ) -> Result<Node, String> {
        let (ip, port, host) = at;
        let logs = tempfile::tempdir().unwrap();
        let log = logs.path().join(format!("{name}.log"));
        let port = port.to_string();
        let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_tmate-ssh-server"))
            .args(["-b", ip, "-p", &port, "--web-port", "0", "-h", host])
            .arg("-k")
            .arg(keys)
            .arg("-l")
            .arg(&log)
            .args(redis_args)
            .args(["--node-name", name])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let (mut ssh, mut web, mut metrics, mut seen) = (None, None, None, String::new());
        let deadline = Instant::now() + DEADLINE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = match tokio::time::timeout(left, lines.next_line()).await {
                Ok(Ok(Some(line))) => line,
                Ok(_) => {
                    let mut err = String::new();
                    if let Some(mut stderr) = child.stderr.take() {
                        let _ =
                            tokio::io::AsyncReadExt::read_to_string(&mut stderr, &mut err).await;
                    }
                    return Err(format!("{seen}{err}"));
                }
                Err(_) => panic!("node {name} did not start: {seen}"),
            };
            seen.push_str(&line);
            seen.push('\n');
            if let Some(rest) = line.strip_prefix("tmate-ssh-server listening on ") {
                ssh = rest.trim().parse().ok();
            }
            if let Some(rest) = line.strip_prefix("web viewer on ") {
                web = rest.split(',').next().and_then(|a| a.trim().parse().ok());
            }
            if let Some(rest) = line.strip_prefix("metrics on http://") {
                metrics = rest.split('/').next().and_then(|a| a.parse().ok());
            }
            if line.starts_with("sandbox: ") {
                break;
            }
        }
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(Node {
            child,
            name: name.to_string(),
            ssh: ssh.unwrap(),
            web: web.unwrap(),
            metrics,
            log,
            _logs: logs,
        })
    }

    /// `ssh -pPORT TOKEN@ADDRESS` for this node.
    fn ssh_command(&self, token: &str) -> String {
        format!("ssh -p{} {token}@{}", self.ssh.port(), self.ssh.ip())
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Send a signal by name (`KILL`, `TERM`).
    fn signal(&self, name: &str) {
        let pid = self.child.id().expect("the node runs").to_string();
        let sent = std::process::Command::new("kill")
            .args([&format!("-{name}"), &pid])
            .status()
            .unwrap();
        assert!(sent.success());
    }

    /// Wait for the node to exit; its exit code.
    async fn exit_code(&mut self) -> Option<i32> {
        tokio::time::timeout(Duration::from_secs(60), self.child.wait())
            .await
            .expect("the node exits")
            .unwrap()
            .code()
    }
}

/// The token in `ssh -pPORT TOKEN@HOST`.
fn token_of(ssh: &str) -> String {
    ssh.split_whitespace()
        .last()
        .and_then(|s| s.split('@').next())
        .unwrap()
        .to_string()
}

/// Three nodes on one keys directory (the first creates the keys).
async fn three_nodes(keys: &Path, redis: &Redis) -> (Node, Node, Node) {
    let a = Node::start("a", keys, redis).await;
    let b = Node::start("b", keys, redis).await;
    let c = Node::start("c", keys, redis).await;
    (a, b, c)
}

async fn host_on(node: &Node, keys: &Path) -> TmateHost {
    let keys = tmate_relay::HostKeys::load_or_create(keys).unwrap().0;
    let host = TmateHost::start_on("127.0.0.1", node.ssh.port(), &keys.ed25519_fingerprint()).await;
    // Debian's tmate opens on its tips screen; q leaves it for the shell.
    host.past_tips().await;
    host
}

/// Any node serves any session: the host on A, a read-write OpenSSH viewer through B types into
/// it, a read-only one through C sees it and cannot type, Chromium on C's web port types.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn any_node_serves_any_session() {
    assert!(tmate_installed());
    let redis = Redis::start();
    let keys = tempfile::tempdir().unwrap();
    let (a, b, c) = three_nodes(keys.path(), &redis).await;
    let host = host_on(&a, keys.path()).await;
    let ssh = host.display("#{tmate_ssh}").await;
    let ssh_ro = host.display("#{tmate_ssh_ro}").await;
    assert!(
        ssh.starts_with(&format!("ssh -p{} ", a.ssh.port())),
        "{ssh}"
    );
    // Redis holds hashes of the tokens, never the tokens.
    let keys_in_redis = redis.cli(&["KEYS", "*"]);
    assert!(!keys_in_redis.contains(&token_of(&ssh)), "{keys_in_redis}");
    assert_eq!(redis.cli(&["KEYS", "tmate:token:*"]).lines().count(), 2);

    let mut rw = SshViewer::ssh(&b.ssh_command(&token_of(&ssh)), 100, 30, &[]);
    rw.wait_text("the shell through B", |s| s.contains("bash-"))
        .await;
    rw.type_bytes(b"echo via-b-$((6*7))\r").await;
    host.wait_for("B's typing", &["capture-pane", "-p"], |out| {
        out.lines().any(|l| l == "via-b-42")
    })
    .await;
    rw.wait_text("the echo through B", |s| s.contains("via-b-42"))
        .await;

    let mut ro = SshViewer::ssh(&c.ssh_command(&token_of(&ssh_ro)), 100, 30, &[]);
    ro.wait_text("the screen through C", |s| s.contains("via-b-42"))
        .await;
    ro.type_bytes(b"echo ro-typed\r").await;
    host.run(&["send-keys", "echo after-ro", "Enter"]).await;
    ro.wait_text("the host's later command through C", |s| {
        s.lines().any(|l| l.trim_end() == "after-ro")
    })
    .await;
    let screen = host.run(&["capture-pane", "-p"]).await;
    assert!(!screen.contains("ro-typed"), "{screen}");
    // The owner saw the viewers' own addresses, through the other nodes.
    let log = a.log();
    assert_eq!(
        log.matches("viewer forwarded by another node").count(),
        2,
        "{log}"
    );

    // The web link on C's web port, in Chromium.
    let web = host.display("#{tmate_web}").await;
    let path = web.split("/t/").nth(1).unwrap();
    let on_c = format!("http://127.0.0.1:{}/t/{path}", c.web.port());
    let report = browser(&[
        &on_c,
        "--wait",
        "after-ro",
        "--type",
        "echo web-$((6*7))-on-c",
        "--then-wait",
        "web-42-on-c",
    ])
    .await;
    assert_eq!(report["status"], 200, "{report:#}");
    host.wait_for(
        "the browser's command through C",
        &["capture-pane", "-p"],
        |out| out.lines().any(|l| l == "web-42-on-c"),
    )
    .await;
}

/// Redis killed: each node keeps serving its own sessions and viewers, new sessions start, a
/// viewer on another node is told why it cannot be forwarded, the trouble is logged once.
/// Redis back empty: the nodes re-publish within a renewal and forwarding works again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_down_is_not_an_outage() {
    assert!(tmate_installed());
    let mut redis = Redis::start();
    let keys = tempfile::tempdir().unwrap();
    let metrics = ["--metrics-addr", "127.0.0.1:0"];
    let a = Node::start_with("a", keys.path(), &redis, &metrics).await;
    let b = Node::start_with("b", keys.path(), &redis, &metrics).await;
    let (a_ops, b_ops) = (a.metrics.unwrap(), b.metrics.unwrap());
    let host = host_on(&a, keys.path()).await;
    let token = token_of(&host.display("#{tmate_ssh}").await);
    let mut local = SshViewer::ssh(&a.ssh_command(&token), 100, 30, &[]);
    local
        .wait_text("the shell on A", |s| s.contains("bash-"))
        .await;
    assert_eq!(get(a_ops, "/readyz").await, (200, "ready\n".into()));
    scrape_until(a_ops, "Redis up", |t| {
        sample(t, "tmate_cluster_redis_up") == Some(1.0)
    })
    .await;

    redis.kill();
    // A's own viewer goes on.
    local.type_bytes(b"echo still-$((6*7))\r").await;
    local
        .wait_text("the echo on A", |s| s.contains("still-42"))
        .await;
    // A viewer through B is told, several times, in one line each.
    for _ in 0..3 {
        let mut through_b = SshViewer::ssh(&b.ssh_command(&token), 100, 30, &[]);
        let said = through_b.wait_exit().await;
        assert!(
            said.contains("cannot reach the cluster's registry"),
            "{said:?}"
        );
    }
    // A new session on A starts while Redis is down.
    let second = host_on(&a, keys.path()).await;
    assert!(second.display("#{tmate_ssh}").await.contains("@127.0.0.1"));
    let b_log = b.log();
    assert_eq!(
        b_log.matches("Redis unreachable").count(),
        1,
        "logged once:\n{b_log}"
    );

    // Both nodes stop taking new traffic (a load balancer reads the 503) and say why.
    for ops in [a_ops, b_ops] {
        let deadline = Instant::now() + DEADLINE;
        while get(ops, "/readyz").await != (503, "not ready: Redis unreachable\n".into()) {
            assert!(
                Instant::now() < deadline,
                "/readyz never said Redis is unreachable"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(get(ops, "/healthz").await.0, 200, "alive all the same");
    }
    scrape_until(a_ops, "Redis down", |t| {
        sample(t, "tmate_cluster_redis_up") == Some(0.0)
    })
    .await;

    redis.restart();
    // Within a renewal both sessions are back in the (empty) Redis and B forwards again.
    let deadline = Instant::now() + DEADLINE;
    while redis.cli(&["KEYS", "tmate:token:*"]).lines().count() < 4 {
        assert!(Instant::now() < deadline, "sessions were not re-published");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut through_b = SshViewer::ssh(&b.ssh_command(&token), 100, 30, &[]);
    through_b
        .wait_text("the session through B again", |s| s.contains("still-42"))
        .await;
    assert!(b.log().contains("Redis is reachable again"));
    assert_eq!(get(b_ops, "/readyz").await, (200, "ready\n".into()));
    // B counts the viewer it forwards; A, the owner, counts it as a cluster viewer.
    scrape_until(b_ops, "B's forwarded viewer", |t| {
        sample(t, "tmate_cluster_forwarded_viewers") == Some(1.0)
    })
    .await;
    scrape_until(a_ops, "A's viewer from B", |t| {
        sample(t, "tmate_viewers{transport=\"cluster\",access=\"rw\"}") == Some(1.0)
    })
    .await;
}

/// rediss://: a Redis that speaks only TLS and asks for client certificates (redis-server's
/// default). Nodes with the CA and a client certificate are one cluster as over plain TCP; a
/// node without the client certificate is turned away by Redis, says so once, and still serves
/// its own sessions.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_over_tls_with_client_certificates() {
    assert!(tmate_installed());
    let redis = Redis::start_tls();
    let keys = tempfile::tempdir().unwrap();
    let a = Node::start("a", keys.path(), &redis).await;
    let b = Node::start("b", keys.path(), &redis).await;
    let host = host_on(&a, keys.path()).await;
    let token = token_of(&host.display("#{tmate_ssh}").await);
    assert_eq!(redis.cli(&["KEYS", "tmate:token:*"]).lines().count(), 2);
    let mut through_b = SshViewer::ssh(&b.ssh_command(&token), 100, 30, &[]);
    through_b
        .wait_text("the shell through B", |s| s.contains("bash-"))
        .await;
    through_b.type_bytes(b"echo tls-$((6*7))\r").await;
    host.wait_for("B's typing", &["capture-pane", "-p"], |out| {
        out.lines().any(|l| l == "tls-42")
    })
    .await;

    let only_ca = [
        "--redis".to_string(),
        redis.url(),
        "--redis-ca".to_string(),
        redis.file("ca.pem"),
    ];
    let c = Node::try_start_at(
        "c",
        keys.path(),
        &only_ca,
        ("127.0.0.1", 0, "127.0.0.1"),
        &[],
    )
    .await
    .unwrap_or_else(|output| panic!("node c did not start: {output}"));
    let mut through_c = SshViewer::ssh(&c.ssh_command(&token), 100, 30, &[]);
    let said = through_c.wait_exit().await;
    assert!(
        said.contains("cannot reach the cluster's registry"),
        "{said:?}"
    );
    let own = host_on(&c, keys.path()).await;
    assert!(own.display("#{tmate_ssh}").await.contains("@127.0.0.1"));
    let c_log = c.log();
    assert_eq!(
        c_log.matches("Redis unreachable").count(),
        1,
        "logged once:\n{c_log}"
    );
    // The log names the reason: Redis asked for the certificate this node lacks.
    assert!(c_log.contains("CertificateRequired"), "{c_log}");
}

/// Only holders of the cluster's host key open node links: a client with another key (or
/// none) is refused before a session is named, and a node started with other keys refuses to
/// join the cluster.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_links_and_foreign_keys_are_refused() {
    assert!(tmate_installed());
    let redis = Redis::start();
    let keys = tempfile::tempdir().unwrap();
    let a = Node::start("a", keys.path(), &redis).await;
    let host = host_on(&a, keys.path()).await;
    let token = token_of(&host.display("#{tmate_ssh}").await);

    let forger = tempfile::tempdir().unwrap();
    let key = forger.path().join("id_ed25519");
    let made = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(&key)
        .status()
        .unwrap();
    assert!(made.success());
    let request = format!("viewer v1 {token} 127.0.0.1:1 80 24 -");
    for identity in [Some(key.as_path()), None] {
        let mut ssh = tokio::process::Command::new("ssh");
        ssh.args(["-F", "/dev/null", "-o", "StrictHostKeyChecking=no"])
            .args(["-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes"])
            .args(["-o", "IdentitiesOnly=yes", "-p", &a.ssh.port().to_string()]);
        if let Some(identity) = identity {
            ssh.arg("-i").arg(identity);
        }
        let out = tokio::time::timeout(
            DEADLINE,
            ssh.arg("tmate-cluster-link@127.0.0.1")
                .arg(&request)
                .stdin(Stdio::null())
                .output(),
        )
        .await
        .unwrap()
        .unwrap();
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("Permission denied"), "{err}");
    }
    let log = a.log();
    assert!(!log.contains("viewer forwarded"), "{log}");
    assert!(
        log.contains("refused a cluster link without the cluster's key"),
        "{log}"
    );
    let screen = host.run(&["capture-pane", "-p"]).await;
    assert!(!screen.contains("joined"), "{screen}");

    // A node with keys of its own cannot join.
    let other_keys = tempfile::tempdir().unwrap();
    let refused = Node::try_start("d", other_keys.path(), &redis).await;
    let said = refused.err().expect("a node with other keys is refused");
    assert!(said.contains("differ from the cluster's"), "{said}");
}

/// Two nodes on one port of two loopback addresses, and a name that resolves to both inside
/// the host's mount namespace (its own /etc/hosts), as `ssh.example.com` would to two machines.
struct TwoAddressCluster {
    redis: Redis,
    keys: tempfile::TempDir,
    nodes: Vec<Node>,
    hosts: tempfile::TempDir,
    port: u16,
}

impl TwoAddressCluster {
    async fn start() -> TwoAddressCluster {
        let redis = Redis::start();
        let keys = tempfile::tempdir().unwrap();
        let port = loop {
            let a = std::net::TcpListener::bind("127.0.0.2:0").unwrap();
            let port = a.local_addr().unwrap().port();
            if std::net::TcpListener::bind(("127.0.0.3", port)).is_ok() {
                break port;
            }
        };
        let first =
            Node::start_at("n2", keys.path(), &redis, "127.0.0.2", port, "cluster.test").await;
        let second =
            Node::start_at("n3", keys.path(), &redis, "127.0.0.3", port, "cluster.test").await;
        let hosts = tempfile::tempdir().unwrap();
        std::fs::write(
            hosts.path().join("hosts"),
            "127.0.0.1 localhost\n127.0.0.2 cluster.test\n127.0.0.3 cluster.test\n",
        )
        .unwrap();
        TwoAddressCluster {
            redis,
            keys,
            nodes: vec![first, second],
            hosts,
            port,
        }
    }

    /// Our own `tmate` (built beside this binary by `cargo test --workspace`) as the host.
    async fn our_host(&self) -> TmateHost {
        let ours = Path::new(env!("CARGO_BIN_EXE_tmate-ssh-server")).with_file_name("tmate");
        assert!(
            ours.is_file(),
            "{} is missing: build the host too (cargo build -p tmate, or cargo test --workspace)",
            ours.display()
        );
        let keys = tmate_relay::HostKeys::load_or_create(self.keys.path())
            .unwrap()
            .0;
        let hosts = self.hosts.path().join("hosts");
        let host = TmateHost::start_program(
            &ours.to_string_lossy(),
            "cluster.test",
            self.port,
            &keys.ed25519_fingerprint(),
            Some(&hosts),
        )
        .await;
        host.wait_for("the prompt", &["capture-pane", "-p"], |out| {
            out.contains("bash-")
        })
        .await;
        host
    }

    async fn debian_host(&self) -> TmateHost {
        let keys = tmate_relay::HostKeys::load_or_create(self.keys.path())
            .unwrap()
            .0;
        let hosts = self.hosts.path().join("hosts");
        let host = TmateHost::start_with(
            "cluster.test",
            self.port,
            &keys.ed25519_fingerprint(),
            Some(&hosts),
        )
        .await;
        host.past_tips().await;
        host
    }

    /// The index of the node that owns `token` now (from Redis).
    async fn owner_of(&self, token: &str) -> usize {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let key = tmate_relay::cluster::store::token_key(token);
            let record = self.redis.cli(&["GET", &key]);
            if let Some(owner) = tmate_relay::cluster::Owner::decode(record.trim())
                && let Some(i) = self.nodes.iter().position(|n| n.name == owner.node)
            {
                return i;
            }
            assert!(
                Instant::now() < deadline,
                "no owner for the session: {record:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Wait until `token` is owned by node `index`.
    async fn wait_owner(&self, token: &str, index: usize) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while self.owner_of(token).await != index {
            assert!(
                Instant::now() < deadline,
                "the session did not move to node {index}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// SIGKILL the node that owns `host`'s session: the host reconnects to the other address with
/// its reconnection data, keeps its strings, and a viewer through the survivor sees the screen
/// again and types into it.
async fn kill_the_owner_and_follow(cluster: &TwoAddressCluster, host: &TmateHost) {
    let ssh = host.display("#{tmate_ssh}").await;
    assert!(ssh.ends_with("@cluster.test"), "{ssh}");
    let token = token_of(&ssh);
    host.run(&["send-keys", "echo before-$((6*7))", "Enter"])
        .await;
    let owner = cluster.owner_of(&token).await;
    let other = 1 - owner;
    cluster.nodes[owner].signal("KILL");
    let killed = Instant::now();
    cluster.wait_owner(&token, other).await;
    assert_eq!(host.display("#{tmate_ssh}").await, ssh, "the strings stay");
    let survivor = &cluster.nodes[other];
    let mut viewer = SshViewer::ssh(&survivor.ssh_command(&token), 100, 30, &[]);
    viewer
        .wait_text("the screen through the survivor", |s| {
            s.contains("before-42")
        })
        .await;
    eprintln!(
        "session back for viewers {:?} after the kill",
        killed.elapsed()
    );
    viewer.type_bytes(b"echo after-$((6*7))\r").await;
    host.wait_for(
        "typing after the failover",
        &["capture-pane", "-p"],
        |out| out.lines().any(|l| l == "after-42"),
    )
    .await;
}

/// Failover keeps tokens, with Debian's tmate 2.4 as the host.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_nodes_host_moves_with_its_tokens() {
    assert!(tmate_installed());
    let cluster = TwoAddressCluster::start().await;
    let host = cluster.debian_host().await;
    kill_the_owner_and_follow(&cluster, &host).await;
}

/// The same failover with our own `tmate` as the host.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_nodes_host_moves_with_its_tokens_with_our_host() {
    let cluster = TwoAddressCluster::start().await;
    let host = cluster.our_host().await;
    kill_the_owner_and_follow(&cluster, &host).await;
}

/// Drain: SIGTERM makes the owner stop accepting and let its host go; the host moves to the
/// other node with its tokens, the drained node's viewer is told, and the node exits 0.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_drained_nodes_host_moves_and_the_node_exits() {
    assert!(tmate_installed());
    let mut cluster = TwoAddressCluster::start().await;
    let host = cluster.debian_host().await;
    let ssh = host.display("#{tmate_ssh}").await;
    let token = token_of(&ssh);
    let owner = cluster.owner_of(&token).await;
    let other = 1 - owner;
    let mut on_owner = SshViewer::ssh(&cluster.nodes[owner].ssh_command(&token), 100, 30, &[]);
    on_owner
        .wait_text("the shell on the owner", |s| s.contains("bash-"))
        .await;
    cluster.nodes[owner].signal("TERM");
    cluster.wait_owner(&token, other).await;
    let said = on_owner.wait_exit().await;
    assert!(said.contains("moved to another relay node"), "{said:?}");
    assert_eq!(cluster.nodes[owner].exit_code().await, Some(0));
    assert_eq!(host.display("#{tmate_ssh}").await, ssh, "the strings stay");
    let mut viewer = SshViewer::ssh(&cluster.nodes[other].ssh_command(&token), 100, 30, &[]);
    viewer.type_bytes(b"echo drained-$((6*7))\r").await;
    host.wait_for("typing after the drain", &["capture-pane", "-p"], |out| {
        out.lines().any(|l| l == "drained-42")
    })
    .await;
}

/// The wrong-token penalty holds across the cluster: six wrong tokens from one address, three
/// on each of two nodes at once, are answered one interval apart in all (per node they would
/// take half as long).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guessing_over_several_nodes_gains_nothing() {
    let redis = Redis::start();
    let keys = tempfile::tempdir().unwrap();
    let interval = ["--token-guess-interval", "300"];
    let a = Node::start_with("a", keys.path(), &redis, &interval).await;
    let b = Node::start_with("b", keys.path(), &redis, &interval).await;
    let started = Instant::now();
    let mut guesses = tokio::task::JoinSet::new();
    for i in 0..6u32 {
        let addr = if i % 2 == 0 { a.ssh } else { b.ssh };
        guesses.spawn(async move {
            let token = format!("{:026}", i);
            common::ssh_login(addr, &token, None).await
        });
    }
    while let Some(done) = guesses.join_next().await {
        // Wrong tokens are let in and refused at the shell, like the original.
        assert!(done.unwrap());
    }
    let took = started.elapsed();
    // Six answers one 300 ms interval apart: the last one at least 1.5 s after the first
    // guess (a slow machine only makes it later). Per node it would be about 0.9 s.
    assert!(took >= Duration::from_millis(1500), "took only {took:?}");
    assert_eq!(
        redis.cli(&["KEYS", "tmate:guess:*"]).trim(),
        "tmate:guess:127.0.0.1"
    );
}

/// Whether a fresh TCP connection to `addr` is served (the SSH banner comes) or closed at
/// accept (a connection limit).
async fn served(addr: SocketAddr) -> Option<tokio::net::TcpStream> {
    use tokio::io::AsyncReadExt;
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut banner = [0u8; 7];
    match tokio::time::timeout(DEADLINE, stream.read_exact(&mut banner)).await {
        Ok(Ok(_)) if &banner == b"SSH-2.0" => Some(stream),
        _ => None,
    }
}

/// `--connections-per-ip` counts the whole cluster: with four connections held on A, B lets
/// the same address in no more; when they close, B lets it in again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_per_address_count_every_node() {
    let redis = Redis::start();
    let keys = tempfile::tempdir().unwrap();
    let flags = ["--connections-per-ip", "4", "--handshake-timeout", "120"];
    let a = Node::start_with("a", keys.path(), &redis, &flags).await;
    let b = Node::start_with("b", keys.path(), &redis, &flags).await;
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(served(a.ssh).await.expect("A serves up to the limit"));
    }
    assert!(served(a.ssh).await.is_none(), "A's own limit");
    // Within a couple of exchanges B counts A's four too.
    let deadline = Instant::now() + DEADLINE;
    while served(b.ssh).await.is_some() {
        assert!(
            Instant::now() < deadline,
            "B never counted the connections held on A"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    drop(held);
    let deadline = Instant::now() + DEADLINE;
    while served(b.ssh).await.is_none() {
        assert!(
            Instant::now() < deadline,
            "B never let the address in again"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// A stale owner loses: when Redis shows a newer owner of the session (its host reattached
/// elsewhere while this node was cut off), this node's next renewal closes its copy and tells
/// its viewers where the session went.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_owner_closes_its_copy() {
    assert!(tmate_installed());
    let redis = Redis::start();
    let keys = tempfile::tempdir().unwrap();
    let a = Node::start("a", keys.path(), &redis).await;
    let host = host_on(&a, keys.path()).await;
    let ssh = host.display("#{tmate_ssh}").await;
    let ssh_ro = host.display("#{tmate_ssh_ro}").await;
    let mut viewer = SshViewer::ssh(&a.ssh_command(&token_of(&ssh)), 100, 30, &[]);
    viewer
        .wait_text("the shell on A", |s| s.contains("bash-"))
        .await;
    // What a node "b" would publish after the host reattached there: a newer generation.
    let key = tmate_relay::cluster::store::token_key(&token_of(&ssh));
    let current =
        tmate_relay::cluster::Owner::decode(redis.cli(&["GET", &key]).trim()).expect("A's record");
    let newer = tmate_relay::cluster::Owner {
        node: "b".into(),
        generation: current.generation + 1,
        ..current
    };
    for token in [token_of(&ssh), token_of(&ssh_ro)] {
        let key = tmate_relay::cluster::store::token_key(&token);
        redis.cli(&["SET", &key, &newer.encode(), "PX", "60000"]);
    }
    let said = viewer.wait_exit().await;
    assert!(said.contains("moved to another relay node"), "{said:?}");
    assert!(a.log().contains("a newer owner holds this session"));
}

/// Named sessions across nodes: a name held on A is reachable through B; a newer session on B
/// asking for the same name takes it over (A closes its copy at its next renewal, its viewers
/// are told), a viewer of the name on A is forwarded to B's session, and A's host reconnects
/// with random tokens rather than taking the name back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_are_unique_across_nodes() {
    assert!(tmate_installed());
    let redis = Redis::start();
    let keys = tempfile::tempdir().unwrap();
    let a = Node::start("a", keys.path(), &redis).await;
    let b = Node::start("b", keys.path(), &redis).await;
    let named_on = |node: &Node| {
        let fingerprint = tmate_relay::HostKeys::load_or_create(keys.path())
            .unwrap()
            .0
            .ed25519_fingerprint();
        let port = node.ssh.port();
        async move {
            let host = TmateHost::start_extra(
                "tmate",
                ("127.0.0.1", port, &fingerprint),
                None,
                &Extra {
                    flags: &["-n", "lab"],
                    ..Extra::default()
                },
            )
            .await;
            host.past_tips().await;
            host
        }
    };
    let first = named_on(&a).await;
    assert_eq!(first.display("#{tmate_ssh}").await, a.ssh_command("lab"));
    first.run(&["send-keys", "echo on-a", "Enter"]).await;
    let mut through_b = SshViewer::ssh(&b.ssh_command("lab"), 100, 30, &[]);
    through_b
        .wait_text("A's session through B", |s| s.contains("on-a"))
        .await;
    let mut on_a = SshViewer::ssh(&a.ssh_command("lab"), 100, 30, &[]);
    on_a.wait_text("A's session on A", |s| s.contains("on-a"))
        .await;

    let second = named_on(&b).await;
    assert_eq!(second.display("#{tmate_ssh}").await, b.ssh_command("lab"));
    second.run(&["send-keys", "echo on-b", "Enter"]).await;
    let said = on_a.wait_exit().await;
    assert!(
        said.contains("the session name lab was taken over by a newer session"),
        "{said:?}"
    );
    // The name on A now reaches B's session.
    let mut again = SshViewer::ssh(&a.ssh_command("lab"), 100, 30, &[]);
    again
        .wait_text("B's session through A", |s| s.contains("on-b"))
        .await;
    // A's host reconnected and was given random tokens.
    first
        .wait_for("random tokens", &["display", "-p", "#{tmate_ssh}"], |out| {
            token_of(out.trim()).len() == 26
        })
        .await;
    assert_eq!(second.display("#{tmate_ssh}").await, b.ssh_command("lab"));
    assert!(
        a.log()
            .contains("session name taken over by a newer session on another node")
    );
}
