//! Owns the cluster phase (docs/CLUSTER.md): a redis-server of its own and `tmate-ssh-server`
//! nodes in cluster mode on loopback; echo and 4 MB bursts for a viewer on the owner node and
//! for one forwarded through another node, the time from SIGKILLing a session's owner until a
//! viewer through the survivor sees the screen again (the host resolves one name to two nodes in
//! a mount namespace of its own), and Redis memory per session. Everything started here is
//! stopped here, also after an error (Drop).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use crate::procs::{self, run_ok};
use crate::scripted::Fleet;
use crate::share::{Host, Load, Place, host_conf, viewer_argv_at, viewers_k};
use crate::{Ctx, median, summary};

/// Bound on any single wait for a process to come up or for Redis to show a change.
const WAIT: Duration = Duration::from_secs(30);

fn s(v: impl ToString) -> String {
    v.to_string()
}

/// Poll `cond` every 20 ms until it holds or `limit` passes. For conditions read with
/// `redis-cli`: a process per poll, so not as often as `procs::wait_until` (5 ms), which would
/// keep a core busy on a 2-core machine while the nodes and the host work.
fn poll(limit: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    loop {
        if cond() {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// SIGTERM, up to 5 s to exit, then SIGKILL; reaps the child.
fn stop_child(child: &mut Child) {
    if let Ok(Some(_)) = child.try_wait() {
        return;
    }
    procs::signal(child.id() as i32, rustix::process::Signal::TERM);
    let exited = procs::wait_until(Duration::from_secs(5), || {
        matches!(child.try_wait(), Ok(Some(_)))
    });
    if !exited {
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// A redis-server of the phase's own: 127.0.0.1, a free port, nothing saved to disk.
struct Redis {
    child: Child,
    port: u16,
}

impl Redis {
    fn start(ctx: &Ctx, dir: &Path) -> Result<Redis> {
        procs::check_not_stopping()?;
        let port = procs::free_port()?;
        let log = std::fs::File::create(dir.join("redis.log"))?;
        let child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
            .args(["--save", "", "--appendonly", "no", "--dir"])
            .arg(dir)
            .envs(ctx.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .context("cannot start redis-server (Debian package redis-server)")?;
        let redis = Redis { child, port };
        let mut last = String::new();
        let up = poll(WAIT, || {
            last = redis
                .cli(ctx, &["PING"])
                .unwrap_or_else(|e| format!("{e:#}"));
            last.trim() == "PONG" || !procs::alive(redis.child.id() as i32)
        });
        if !up || last.trim() != "PONG" {
            let log = std::fs::read_to_string(dir.join("redis.log")).unwrap_or_default();
            bail!("redis-server on port {port} did not answer PING ({last:?}): {log}");
        }
        Ok(redis)
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// `redis-cli ARGS` against it (raw output).
    fn cli(&self, ctx: &Ctx, args: &[&str]) -> Result<String> {
        let mut argv = vec![
            s("redis-cli"),
            s("-h"),
            s("127.0.0.1"),
            s("-p"),
            s(self.port),
            s("--raw"),
        ];
        argv.extend(args.iter().map(s));
        run_ok(&argv, &ctx.env, &ctx.work, Duration::from_secs(10))
    }

    fn used_memory(&self, ctx: &Ctx) -> Result<u64> {
        let info = self.cli(ctx, &["INFO", "memory"])?;
        info.lines()
            .find_map(|l| l.trim().strip_prefix("used_memory:"))
            .and_then(|v| v.parse().ok())
            .with_context(|| format!("no used_memory in INFO memory: {info:?}"))
    }

    fn dbsize(&self, ctx: &Ctx) -> Result<u64> {
        let out = self.cli(ctx, &["DBSIZE"])?;
        out.trim()
            .parse()
            .with_context(|| format!("DBSIZE answered {out:?}"))
    }

    /// The node that owns the session of `token` now, from its record (decoded by the relay's
    /// own `Owner::decode`, so the bench follows the record's format).
    fn owner(&self, ctx: &Ctx, token: &str) -> Result<Option<String>> {
        let record = self.cli(
            ctx,
            &["GET", &tmate_relay::cluster::store::token_key(token)],
        )?;
        Ok(tmate_relay::cluster::Owner::decode(record.trim()).map(|owner| owner.node))
    }

    /// Wait until the session of `token` is owned by one of `names`; which one.
    fn wait_owner(&self, ctx: &Ctx, token: &str, names: &[&str]) -> Result<String> {
        let mut owner = None;
        poll(WAIT, || {
            owner = self
                .owner(ctx, token)
                .ok()
                .flatten()
                .filter(|o| names.contains(&o.as_str()));
            owner.is_some()
        });
        owner.with_context(|| format!("Redis names none of {names:?} as the session's owner"))
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        stop_child(&mut self.child);
    }
}

/// One `tmate-ssh-server` node in cluster mode.
struct Node {
    child: Child,
    name: String,
    pid: i32,
    addr: SocketAddr,
    /// Its standard output up to the `sandbox:` line (the start-up banner).
    banner: String,
}

/// Where a node listens and the host name its strings carry.
struct At<'a> {
    ip: &'a str,
    port: u16,
    host: &'a str,
}

const LOCAL: At = At {
    ip: "127.0.0.1",
    port: 0,
    host: "127.0.0.1",
};

impl Node {
    fn start(
        ctx: &Ctx,
        bin: &Path,
        dir: &Path,
        redis: &Redis,
        name: &str,
        at: &At,
    ) -> Result<Node> {
        procs::check_not_stopping()?;
        let log_path = dir.join(format!("node-{name}.log"));
        let log = std::fs::File::create(&log_path)?;
        let child = Command::new(bin)
            .args(["-b", at.ip, "-p", &at.port.to_string(), "--web-port", "0"])
            .args(["-h", at.host, "-k"])
            .arg(dir.join("keys"))
            .args(["--redis", &redis.url(), "--node-name", name])
            // Up to 1,000 sessions from one address, and the limit counts the whole cluster
            // (defaults: 64 connections per address).
            .args([
                "--connections-per-ip",
                "30000",
                "--max-connections",
                "30000",
            ])
            .envs(ctx.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .with_context(|| format!("cannot start {}", bin.display()))?;
        let pid = child.id() as i32;
        let mut node = Node {
            child,
            name: name.to_string(),
            pid,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            banner: String::new(),
        };
        let mut text = String::new();
        let started = procs::wait_until(WAIT, || {
            text = std::fs::read_to_string(&log_path).unwrap_or_default();
            text.lines().any(|l| l.starts_with("sandbox: ")) || !procs::alive(pid)
        });
        let addr = text
            .lines()
            .find_map(|l| l.strip_prefix("tmate-ssh-server listening on "))
            .and_then(|a| a.split(',').next())
            .and_then(|a| a.trim().parse().ok());
        match addr {
            Some(addr) if started && procs::alive(pid) => {
                node.addr = addr;
                node.banner = text;
                Ok(node)
            }
            _ => bail!("node {name} did not start: {text}"),
        }
    }

    /// The value of the banner's `set -g OPTION VALUE` line.
    fn conf_value(&self, option: &str) -> Option<String> {
        let prefix = format!("set -g {option} ");
        self.banner
            .lines()
            .find_map(|l| l.strip_prefix(prefix.as_str()))
            .map(|v| v.trim().to_string())
    }

    /// A host's config for the relay at `server:port` with this node's (the cluster's) keys.
    fn host_conf(&self, server: &str, port: u16) -> Result<String> {
        let ed = self
            .conf_value("tmate-server-ed25519-fingerprint")
            .with_context(|| format!("no ed25519 fingerprint in the banner: {}", self.banner))?;
        let rsa = self.conf_value("tmate-server-rsa-fingerprint");
        Ok(host_conf(server, port, rsa.as_deref(), &ed))
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        stop_child(&mut self.child);
    }
}

/// A port free on both 127.0.0.2 and 127.0.0.3.
fn two_address_port() -> Result<u16> {
    for _ in 0..100 {
        let first = std::net::TcpListener::bind("127.0.0.2:0")?;
        let port = first.local_addr()?.port();
        if std::net::TcpListener::bind(("127.0.0.3", port)).is_ok() {
            return Ok(port);
        }
    }
    bail!("no port free on both 127.0.0.2 and 127.0.0.3")
}

/// The host clients measured: (name, path), ours and/or Debian's tmate 2.4.
pub type Clients<'a> = &'a [(&'static str, PathBuf)];

/// The cluster phase: Redis and nodes a, b, c of `relay_bin`; per host client, a viewer on the
/// owner vs one forwarded; Redis memory per session; per host client, failovers.
pub fn phase_cluster(ctx: &Ctx, relay_bin: &Path, clients: Clients) -> Result<Value> {
    let dir = ctx.new_path("cluster");
    std::fs::create_dir_all(dir.join("keys"))?;
    let redis = Redis::start(ctx, &dir)?;
    let version = redis
        .cli(ctx, &["INFO", "server"])?
        .lines()
        .find_map(|l| l.trim().strip_prefix("redis_version:").map(str::to_string));
    // Node a first: it creates the keys the others load.
    let a = Node::start(ctx, relay_bin, &dir, &redis, "a", &LOCAL)?;
    let b = Node::start(ctx, relay_bin, &dir, &redis, "b", &LOCAL)?;
    let c = Node::start(ctx, relay_bin, &dir, &redis, "c", &LOCAL)?;
    let nodes = [&a, &b, &c];
    let mut out = serde_json::Map::new();
    out.insert(s("redis_version"), json!(version));
    out.insert(s("nodes"), json!(nodes.len()));

    let mut hosts = serde_json::Map::new();
    for (name, client) in clients {
        ctx.check_deadline()?;
        eprintln!("  {name}: a viewer on the owner node, and one forwarded through another");
        let r = owner_and_forwarded(ctx, client, &dir, &nodes).unwrap_or_else(|e| {
            eprintln!("  {name}: {e:#}");
            json!({"error": format!("{e:#}")})
        });
        hosts.insert(s(name), r);
    }

    ctx.check_deadline()?;
    procs::check_not_stopping()?;
    let n = if ctx.quick { 100 } else { 1000 };
    eprintln!(
        "  Redis memory with {n} sessions over {} nodes",
        nodes.len()
    );
    let r = redis_memory(ctx, &redis, &nodes, n).unwrap_or_else(|e| {
        eprintln!("  redis memory: {e:#}");
        json!({"error": format!("{e:#}")})
    });
    out.insert(s("redis_memory"), r);

    let reps = if ctx.quick { 1 } else { 3 };
    for (name, client) in clients {
        let mut runs = Vec::new();
        for rep in 0..reps {
            ctx.check_deadline()?;
            procs::check_not_stopping()?;
            eprintln!("  {name}: failover {}", rep + 1);
            let r = failover(ctx, relay_bin, client, &dir, &redis, &a).unwrap_or_else(|e| {
                eprintln!("  {name}: failover: {e:#}");
                json!({"error": format!("{e:#}")})
            });
            runs.push(r);
        }
        let secs: Vec<f64> = runs.iter().filter_map(|r| r["secs"].as_f64()).collect();
        let entry = hosts
            .entry(s(name))
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .context("host entry")?;
        entry.insert(
            s("failover"),
            json!({"runs": runs, "secs": secs, "median_secs": median(&secs)}),
        );
    }
    out.insert(s("hosts"), Value::Object(hosts));
    drop((a, b, c));
    drop(redis);
    Ok(Value::Object(out))
}

/// Hosts on node a, each with one viewer: on a (the owner) or through b (forwarded to a). The
/// viewers phase's counts for 1 viewer (200 keys and 3 bursts; 40 and 1 with --quick), split
/// over rounds that alternate the two (owner, forwarded | forwarded, owner | owner, forwarded:
/// a fresh host each), pooled per side, so a drifting shared machine favours neither.
fn owner_and_forwarded(ctx: &Ctx, client: &Path, dir: &Path, nodes: &[&Node]) -> Result<Value> {
    let [a, b, ..] = nodes else {
        bail!("two nodes needed");
    };
    let conf = dir.join(format!("host-a{}.conf", ctx.seq()));
    std::fs::write(&conf, a.host_conf("127.0.0.1", a.addr.port())?)?;
    let log = ctx.new_path("pane.log");
    let pane = format!("{} pane {}", ctx.self_exe.display(), log.display());
    let pids: Vec<i32> = nodes.iter().map(|n| n.pid).collect();
    let total = Load::of(ctx, 1);
    let rounds = total.bursts.max(1);
    let sides = [("owner", *a), ("forwarded", *b)];
    // Per side: each round's results, and every echo sample.
    let mut runs: [(Vec<Value>, Vec<f64>); 2] = Default::default();
    for round in 0..rounds {
        let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
        for side in order {
            ctx.check_deadline()?;
            let (_, node) = sides[side];
            let place = Place {
                conf: &conf,
                port: node.addr.port(),
                relays: &pids,
            };
            // The keys split evenly over the rounds (200 = 67 + 67 + 66), one burst a round.
            let keys = total.keys / rounds + usize::from(round < total.keys % rounds);
            let load = Load {
                k: 1,
                keys,
                bursts: total.bursts / rounds,
            };
            let (r, samples) = viewers_k(ctx, client, &place, &log, &pane, &load, None)?;
            let (results, echoes) = &mut runs[side];
            results.push(r);
            echoes.extend(samples);
        }
    }
    let mut out = serde_json::Map::new();
    for ((key, node), (results, echoes)) in sides.iter().zip(&runs) {
        out.insert(s(key), pool(node, results, echoes));
    }
    let at = |k: &str, path: &[&str]| {
        path.iter()
            .fold(&out[k], |v, p| &v[*p])
            .as_f64()
            .unwrap_or(f64::NAN)
    };
    let echo = ["echo_ms_viewer0", "median"];
    let burst = ["burst_secs_all_median"];
    let echo_diff = at("forwarded", &echo) - at("owner", &echo);
    let burst_ratio = at("forwarded", &burst) / at("owner", &burst);
    out.insert(s("echo_median_diff_ms"), json!(echo_diff));
    out.insert(s("burst_ratio"), json!(burst_ratio));
    Ok(Value::Object(out))
}

/// One side's rounds pooled: echo over every sample, burst figures over every burst.
fn pool(node: &Node, results: &[Value], echoes: &[f64]) -> Value {
    let bursts: Vec<Value> = results
        .iter()
        .flat_map(|r| r["bursts"].as_array().cloned().unwrap_or_default())
        .collect();
    let col = |key: &str| -> Vec<f64> { bursts.iter().filter_map(|b| b[key].as_f64()).collect() };
    let connect: Vec<f64> = results
        .iter()
        .filter_map(|r| r["connect_all_ms"].as_f64())
        .collect();
    json!({
        "viewer_node": node.name,
        "rounds": results.len(),
        "connect_ms": summary(&connect),
        "echo_ms_viewer0": summary(echoes),
        "echo_timeouts": results.iter().filter_map(|r| r["echo_timeouts"].as_u64()).sum::<u64>(),
        "bursts": bursts,
        "burst_secs_all_median": median(&col("secs_all")),
        "viewer_bytes_median": median(&col("viewer_bytes_median")),
        "relay_cpu_ms_per_mb_median": median(&col("relay_cpu_ms_per_mb")),
        "pane_secs_median": median(&col("pane_secs")),
    })
}

/// `n` scripted hosts spread over the nodes: Redis's `used_memory` before and with them, per
/// session; then they end their sessions and the records go.
fn redis_memory(ctx: &Ctx, redis: &Redis, nodes: &[&Node], n: usize) -> Result<Value> {
    let keys0 = redis.dbsize(ctx)?;
    let mem0 = redis.used_memory(ctx)?;
    let mut fleets: Vec<Fleet> = Vec::new();
    let t0 = Instant::now();
    let mut spread = Vec::new();
    let started = (|| {
        for (i, node) in nodes.iter().enumerate() {
            let count = n / nodes.len() + usize::from(i < n % nodes.len());
            spread.push(count);
            fleets.push(Fleet::start(
                node.addr.port(),
                count,
                Duration::from_secs(300),
            )?);
        }
        Ok::<_, anyhow::Error>(())
    })();
    let start_secs = t0.elapsed().as_secs_f64();
    // Two records per session (the read-write and the read-only token), published before READY.
    let want = keys0 + 2 * n as u64;
    let mut keys1 = keys0;
    let published = started.is_ok()
        && poll(WAIT, || {
            keys1 = redis.dbsize(ctx).unwrap_or(keys1);
            keys1 >= want
        });
    let mem1 = redis.used_memory(ctx);
    let ended = Instant::now();
    for f in fleets {
        f.end();
    }
    started?;
    let mem1 = mem1?;
    if !published {
        bail!("Redis holds {keys1} keys, {want} expected with {n} sessions");
    }
    let mut keys2 = keys1;
    let cleared = poll(WAIT, || {
        keys2 = redis.dbsize(ctx).unwrap_or(keys2);
        keys2 <= keys0
    });
    Ok(json!({
        "sessions": n,
        "per_node": spread,
        "start_secs": start_secs,
        "keys_before": keys0,
        "keys_with_sessions": keys1,
        "keys_after_end": keys2,
        "records_gone_secs": cleared.then(|| ended.elapsed().as_secs_f64()),
        "used_memory_before": mem0,
        "used_memory_with_sessions": mem1,
        "bytes_per_session": mem1.saturating_sub(mem0) as f64 / n as f64,
    }))
}

/// The host's program for `failover`: `client` in a mount namespace whose /etc/hosts gives
/// cluster.test both node addresses, and its config file for the cluster's keys.
fn namespaced_host(
    dir: &Path,
    seq: u64,
    client: &Path,
    keys_node: &Node,
    port: u16,
) -> Result<(Vec<String>, PathBuf)> {
    let hosts = dir.join(format!("hosts{seq}"));
    std::fs::write(
        &hosts,
        "127.0.0.1 localhost\n127.0.0.2 cluster.test\n127.0.0.3 cluster.test\n",
    )?;
    let conf = dir.join(format!("host-f{seq}.conf"));
    std::fs::write(&conf, keys_node.host_conf("cluster.test", port)?)?;
    let program = vec![
        s("unshare"),
        s("-m"),
        s("sh"),
        s("-c"),
        format!(
            "mount --bind '{}' /etc/hosts && exec '{}' \"$@\"",
            hosts.display(),
            client.display()
        ),
        s("sh"),
    ];
    Ok((program, conf))
}

/// A viewer (`argv`) through the survivor, again until one sees `marker` (an attempt that
/// ends or stays blank 10 s is retried) or `deadline` passes. When it was seen, and the
/// attempts it took.
fn view_after_kill(
    ctx: &Ctx,
    argv: &[String],
    marker: &str,
    deadline: Instant,
) -> Result<(Instant, usize)> {
    let mut attempts = 0;
    let mut last = String::new();
    let seen = loop {
        if Instant::now() > deadline {
            break None;
        }
        attempts += 1;
        let v = crate::procs::term(
            "after-kill",
            argv,
            &ctx.env,
            80,
            24,
            Some(marker.as_bytes()),
        )?;
        let hit = v.wait_hit((Instant::now() + Duration::from_secs(10)).min(deadline));
        last = v.tail();
        v.stop();
        if hit.is_some() {
            break hit;
        }
    };
    let at = seen.with_context(|| {
        format!("no viewer through the survivor saw the screen within {WAIT:?}: {last:?}")
    })?;
    Ok((at, attempts))
}

/// Two more nodes on 127.0.0.2:P and 127.0.0.3:P, a host that reaches them by one name in a
/// mount namespace with its own /etc/hosts; the owner SIGKILLed: seconds until Redis names the
/// survivor, and until a viewer through the survivor sees the marker printed before the kill.
fn failover(
    ctx: &Ctx,
    relay_bin: &Path,
    client: &Path,
    dir: &Path,
    redis: &Redis,
    keys_node: &Node,
) -> Result<Value> {
    let port = two_address_port()?;
    let seq = ctx.seq();
    let at = |ip| At {
        ip,
        port,
        host: "cluster.test",
    };
    let mut pair = [
        Node::start(
            ctx,
            relay_bin,
            dir,
            redis,
            &format!("f{seq}-2"),
            &at("127.0.0.2"),
        )?,
        Node::start(
            ctx,
            relay_bin,
            dir,
            redis,
            &format!("f{seq}-3"),
            &at("127.0.0.3"),
        )?,
    ];
    let (program, conf) = namespaced_host(dir, seq, client, keys_node, port)?;
    let log = ctx.new_path("pane.log");
    let pane = format!("{} pane {}", ctx.self_exe.display(), log.display());
    let (host, _, _) = Host::start_with(ctx, program, &conf, &pane)?;
    let res = (|| {
        host.dismiss_messages();
        let (rw, _) = host.tokens()?;
        let names = [pair[0].name.clone(), pair[1].name.clone()];
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let owner = redis.wait_owner(ctx, &rw, &names)?;
        let i = usize::from(owner != pair[0].name);
        let (survivor_name, survivor_addr) = (pair[1 - i].name.clone(), pair[1 - i].addr);
        let owner_addr = pair[i].addr;
        let tag = format!("F{}", ctx.seq());
        let marker = format!("#C{tag}#");
        host.cmd(&["send-keys", &format!("!C{tag}"), "Enter"])?;
        // The owner has the marker: a viewer through it sees it.
        let before = crate::procs::term(
            "before-kill",
            &viewer_argv_at(&owner_addr.ip().to_string(), port, &rw),
            &ctx.env,
            80,
            24,
            Some(marker.as_bytes()),
        )?;
        let seen = before.wait_hit(Instant::now() + WAIT);
        let tail = before.tail();
        before.stop();
        seen.with_context(|| format!("the marker never reached the owner's viewer: {tail:?}"))?;

        let killed = Instant::now();
        if let Some(node) = pair.get_mut(i) {
            node.kill();
        }
        redis.wait_owner(ctx, &rw, &[survivor_name.as_str()])?;
        let moved_secs = killed.elapsed().as_secs_f64();
        let argv = viewer_argv_at(&survivor_addr.ip().to_string(), port, &rw);
        let (at, attempts) = view_after_kill(ctx, &argv, &marker, killed + WAIT)?;
        Ok(json!({
            "owner": owner,
            "survivor": survivor_name,
            "port": port,
            "owner_moved_secs": moved_secs,
            "secs": at.saturating_duration_since(killed).as_secs_f64(),
            "viewer_attempts": attempts,
        }))
    })();
    host.stop();
    for node in &mut pair {
        stop_child(&mut node.child);
    }
    res
}
