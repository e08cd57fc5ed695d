//! Owns the sharing benchmarks: a relay (ours or the original tmate-ssh-server) on a free
//! loopback port, host clients (ours or Debian's tmate 2.4) on private sockets, OpenSSH viewers
//! on ptys; phases setup, viewers (echo latency, 4 MB bursts, relay CPU) and memory. The cluster
//! phase (cluster.rs) runs the same viewer measurement against relay nodes of its own.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use crate::procs::{self, run, run_ok};
use crate::{Ctx, median, summary};
use tmate_fixtures::pty_client::timed::{Term, latest, wait_all};

#[derive(Clone, Debug)]
pub enum RelayKind {
    Ours(PathBuf),
    Original(PathBuf),
}

/// One configuration measured end to end: a host client and a relay.
#[derive(Clone, Debug)]
pub struct Target {
    pub name: &'static str,
    pub label: String,
    pub client: PathBuf,
    pub relay: RelayKind,
}

pub struct Relay {
    child: std::process::Child,
    pub pid: i32,
    pub port: u16,
    pub conf: PathBuf,
    pub dir: PathBuf,
}

fn s(v: impl ToString) -> String {
    v.to_string()
}

/// A host's config for the relay at `server:port` with these host-key fingerprints.
pub fn host_conf(server: &str, port: u16, rsa: Option<&str>, ed25519: &str) -> String {
    let rsa = rsa.map_or_else(String::new, |rsa| {
        format!("set -g tmate-server-rsa-fingerprint {rsa}\n")
    });
    format!(
        "set -g tmate-server-host {server}\nset -g tmate-server-port {port}\n\
         {rsa}set -g tmate-server-ed25519-fingerprint {ed25519}\nset -g status off\n"
    )
}

fn fingerprint(pubkey: &Path, ctx: &Ctx) -> Result<String> {
    let out = run_ok(
        &[
            s("ssh-keygen"),
            s("-l"),
            s("-E"),
            s("SHA256"),
            s("-f"),
            pubkey.display().to_string(),
        ],
        &ctx.env,
        &ctx.work,
        Duration::from_secs(10),
    )?;
    out.split_whitespace()
        .nth(1)
        .map(str::to_string)
        .context("ssh-keygen -l printed no fingerprint")
}

/// The relay's RSA and Ed25519 host keys in `keys` (made when missing); their fingerprints.
fn host_keys(ctx: &Ctx, keys: &Path) -> Result<Vec<String>> {
    std::fs::create_dir_all(keys)?;
    let mut fps = Vec::new();
    for kt in ["rsa", "ed25519"] {
        let path = keys.join(format!("ssh_host_{kt}_key"));
        if !path.exists() {
            run_ok(
                &[
                    s("ssh-keygen"),
                    s("-q"),
                    s("-t"),
                    s(kt),
                    s("-N"),
                    s(""),
                    s("-f"),
                    path.display().to_string(),
                ],
                &ctx.env,
                &ctx.work,
                Duration::from_secs(30),
            )?;
        }
        fps.push(fingerprint(&path.with_extension("pub"), ctx)?);
    }
    Ok(fps)
}

impl Relay {
    pub fn start(ctx: &Ctx, kind: &RelayKind, name: &str) -> Result<Relay> {
        procs::check_not_stopping()?;
        let dir = ctx.work.join(format!("relay-{name}"));
        let keys = dir.join("keys");
        let fps = host_keys(ctx, &keys)?;
        let port = procs::free_port()?;
        let common = [
            s("-b"),
            s("127.0.0.1"),
            s("-p"),
            s(port),
            s("-h"),
            s("127.0.0.1"),
            s("-k"),
            keys.display().to_string(),
        ];
        let (bin, extra): (&Path, &[&str]) = match kind {
            // A capacity benchmark from one address: lift the per-address and total limits
            // (defaults 64 connections per address, 2,000 sessions).
            RelayKind::Ours(b) => (
                b,
                &[
                    "--no-web",
                    "--connections-per-ip",
                    "30000",
                    "--max-connections",
                    "30000",
                    "--max-sessions",
                    "20000",
                ],
            ),
            RelayKind::Original(b) => (b, &[]),
        };
        let log = std::fs::File::create(dir.join("relay.log"))?;
        let child = std::process::Command::new(bin)
            .args(&common)
            .args(extra)
            .envs(ctx.env.iter().map(|(k, v)| (k, v)))
            .stdin(std::process::Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .with_context(|| format!("cannot start {}", bin.display()))?;
        let pid = child.id() as i32;
        let mut relay = Relay {
            child,
            pid,
            port,
            conf: dir.join("host.conf"),
            dir,
        };
        if !procs::wait_until(Duration::from_secs(20), || {
            procs::listening(port) || !procs::alive(pid)
        }) || !procs::alive(pid)
        {
            let log = std::fs::read_to_string(relay.dir.join("relay.log")).unwrap_or_default();
            relay.stop();
            bail!("relay {} did not listen on {port}: {log}", bin.display());
        }
        let [rsa, ed] = fps.as_slice() else {
            bail!("fingerprints");
        };
        std::fs::write(&relay.conf, host_conf("127.0.0.1", port, Some(rsa), ed))?;
        Ok(relay)
    }

    pub fn mem(&self) -> procs::Mem {
        procs::tree_mem(self.pid)
    }

    /// Wait until the relay's process tree is back to `pids` processes (the original relay's
    /// per-session processes exit after their host left).
    pub fn settle(&self, pids: usize) {
        procs::wait_until(Duration::from_secs(15), || {
            procs::reap_orphans(&BTreeSet::new());
            self.mem().pids <= pids
        });
    }

    pub fn stop(&mut self) {
        for p in procs::tree(self.pid).into_iter().rev() {
            procs::signal(p, rustix::process::Signal::TERM);
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// A host client on its own socket.
pub struct Host<'a> {
    ctx: &'a Ctx,
    /// The client and its leading arguments: the client itself, or a wrapper that runs it (in
    /// a mount namespace of its own, for the cluster's failover).
    program: Vec<String>,
    conf: PathBuf,
    sock: PathBuf,
}

const CMD_TIMEOUT: Duration = Duration::from_secs(30);

impl<'a> Host<'a> {
    fn argv(&self, args: &[&str]) -> Vec<String> {
        let mut v = self.program.clone();
        v.extend([
            s("-f"),
            self.conf.display().to_string(),
            s("-S"),
            self.sock.display().to_string(),
        ]);
        v.extend(args.iter().map(s));
        v
    }

    pub fn cmd(&self, args: &[&str]) -> Result<String> {
        run_ok(&self.argv(args), &self.ctx.env, &self.ctx.work, CMD_TIMEOUT)
    }

    /// `new-session -d` then `wait tmate-ready`; the host and both times (ms from the start).
    pub fn start(
        ctx: &'a Ctx,
        client: &Path,
        relay: &Relay,
        pane_cmd: &str,
    ) -> Result<(Host<'a>, f64, f64)> {
        Host::start_with(
            ctx,
            vec![client.display().to_string()],
            &relay.conf,
            pane_cmd,
        )
    }

    /// As [`Host::start`], with `program` (the client and its leading arguments) and the config
    /// file `conf`.
    pub fn start_with(
        ctx: &'a Ctx,
        program: Vec<String>,
        conf: &Path,
        pane_cmd: &str,
    ) -> Result<(Host<'a>, f64, f64)> {
        let sock = ctx.new_path("h");
        let host = Host {
            ctx,
            program,
            conf: conf.to_path_buf(),
            sock,
        };
        let t0 = Instant::now();
        host.cmd(&["new-session", "-d", "-x", "80", "-y", "24", pane_cmd])?;
        let t1 = t0.elapsed().as_secs_f64() * 1e3;
        if let Err(e) = host.cmd(&["wait", "tmate-ready"]) {
            host.stop();
            return Err(e);
        }
        let t2 = t0.elapsed().as_secs_f64() * 1e3;
        Ok((host, t1, t2))
    }

    pub fn pid(&self) -> Option<i32> {
        self.cmd(&["display", "-p", "#{pid}"])
            .ok()?
            .trim()
            .parse()
            .ok()
    }

    /// Leave tmate 2.4's start-up message view (it takes the pane's input) if it is open.
    pub fn dismiss_messages(&self) {
        for _ in 0..20 {
            match self.cmd(&["display", "-p", "#{pane_in_mode}"]) {
                Ok(m) if m.trim() == "1" => {
                    let _ = self.cmd(&["send-keys", "q"]);
                }
                _ => return,
            }
        }
    }

    /// The login names of the read-write and read-only connection strings.
    pub fn tokens(&self) -> Result<(String, String)> {
        let user = |fmt: &str| -> Result<String> {
            let line = self.cmd(&["display", "-p", fmt])?;
            line.split_whitespace()
                .last()
                .and_then(|t| t.split('@').next())
                .filter(|u| !u.is_empty())
                .map(str::to_string)
                .with_context(|| format!("no token in {fmt}: {line:?}"))
        };
        Ok((user("#{tmate_ssh}")?, user("#{tmate_ssh_ro}")?))
    }

    pub fn stop(&self) {
        let pid = self.pid();
        let _ = run(
            &self.argv(&["kill-server"]),
            &self.ctx.env,
            &self.ctx.work,
            CMD_TIMEOUT,
        );
        if let Some(pid) = pid {
            procs::wait_until(Duration::from_secs(5), || {
                procs::reap_orphans(&BTreeSet::new());
                !procs::alive(pid)
            });
        }
    }
}

pub fn phase_setup(ctx: &Ctx, target: &Target, relay: &Relay) -> Result<Value> {
    let n = if ctx.quick { 5 } else { 15 };
    let mut new = Vec::new();
    let mut ready = Vec::new();
    for _ in 0..n {
        ctx.check_deadline()?;
        let (host, t1, t2) = Host::start(ctx, &target.client, relay, "cat")?;
        new.push(t1);
        ready.push(t2);
        host.stop();
    }
    Ok(json!({"runs": n, "new_session_ms": summary(&new), "ready_ms": summary(&ready)}))
}

fn viewer_argv(port: u16, user: &str) -> Vec<String> {
    viewer_argv_at("127.0.0.1", port, user)
}

/// `ssh -tt ... USER@ADDR` on `port`, with no config, known hosts or prompts.
pub fn viewer_argv_at(addr: &str, port: u16, user: &str) -> Vec<String> {
    let port = port.to_string();
    let destination = format!("{user}@{addr}");
    std::iter::once("ssh")
        .chain(
            tmate_fixtures::pty_client::SSH_VIEWER_OPTIONS
                .iter()
                .copied(),
        )
        .chain(["-p", port.as_str(), destination.as_str()])
        .map(s)
        .collect()
}

const LETTERS: &[u8] = b"abcdefghijklmnoprstuvwxyz";
pub const BURST: usize = 4_000_000;

/// Clear the pane and show a fresh marker; wait until every term shows it.
pub fn sync_all(ctx: &Ctx, terms: &[&Term], sender: &Term) -> Result<()> {
    let tag = format!("S{}", ctx.seq());
    let pat = format!("#C{tag}#");
    for t in terms {
        t.expect(pat.as_bytes());
    }
    sender.write(format!("!C{tag}\r").as_bytes())?;
    wait_all(terms, Duration::from_secs(30)).context("sync marker")?;
    Ok(())
}

/// Type `n` letters into `sender`; per key the ms until `terms[0]` and until the slowest saw it.
pub fn echo(
    terms: &[&Term],
    sender: &Term,
    n: usize,
    ctx: &Ctx,
) -> Result<(Vec<f64>, Vec<f64>, usize)> {
    let mut first = Vec::new();
    let mut slowest = Vec::new();
    let mut timeouts = 0;
    let mut prev = 0u8;
    for i in 0..n {
        ctx.check_deadline()?;
        let mut c = LETTERS.get(i % LETTERS.len()).copied().unwrap_or(b'a');
        if c == prev {
            c = LETTERS
                .get((i + 1) % LETTERS.len())
                .copied()
                .unwrap_or(b'b');
        }
        prev = c;
        for t in terms {
            t.expect(&[c]);
        }
        let t0 = Instant::now();
        sender.write(&[c])?;
        match wait_all(terms, Duration::from_secs(5)) {
            Ok(hits) => {
                let ms = |at: Instant| at.saturating_duration_since(t0).as_secs_f64() * 1e3;
                first.push(hits.first().map(|&h| ms(h)).unwrap_or(0.0));
                slowest.push(ms(latest(&hits)?));
            }
            Err(_) => {
                timeouts += 1;
                sync_all(ctx, terms, sender)?;
            }
        }
        // A short gap, like typing, so keys do not queue behind each other.
        std::thread::sleep(Duration::from_millis(10));
    }
    Ok((first, slowest, timeouts))
}

/// The pane's write time for bursts with nobody watching: the speed viewers must not reduce.
fn baseline(ctx: &Ctx, target: &Target, relay: &Relay, log: &Path, pane: &str) -> Result<Value> {
    let (host, _, _) = Host::start(ctx, &target.client, relay, pane)?;
    let res = (|| {
        host.dismiss_messages();
        let mut secs = Vec::new();
        for _ in 0..if ctx.quick { 1 } else { 3 } {
            let tag = format!("B{}", ctx.seq());
            host.cmd(&["send-keys", &format!("!T{BURST},{tag}"), "Enter"])?;
            let mut got = None;
            procs::wait_until(Duration::from_secs(60), || {
                got = crate::pane::logged_secs(log, &tag);
                got.is_some()
            });
            secs.push(got.context("baseline burst never finished")?);
        }
        Ok(json!({"pane_secs": summary(&secs)}))
    })();
    host.stop();
    res
}

pub fn phase_viewers(ctx: &Ctx, target: &Target, relay: &Relay, ks: &[usize]) -> Result<Value> {
    let log = ctx.new_path("pane.log");
    let pane = format!("{} pane {}", ctx.self_exe.display(), log.display());
    let mut out = serde_json::Map::new();
    let base = baseline(ctx, target, relay, &log, &pane)?;
    let base_secs = base["pane_secs"]["median"].as_f64();
    out.insert(s("0"), base);
    let place = Place {
        conf: &relay.conf,
        port: relay.port,
        relays: &[relay.pid],
    };
    for &k in ks {
        ctx.check_deadline()?;
        let load = Load::of(ctx, k);
        let r = viewers_k(ctx, &target.client, &place, &log, &pane, &load, base_secs)
            .map(|(v, _)| v)
            .unwrap_or_else(|e| {
                eprintln!("  {} K={k}: {e:#}", target.name);
                json!({"error": format!("{e:#}")})
            });
        out.insert(s(k), r);
        procs::reap_orphans(&BTreeSet::new());
    }
    Ok(Value::Object(out))
}

/// Where a viewers measurement runs: the host shares through the config `conf`, viewers join on
/// 127.0.0.1:`port`, and the process trees of `relays` are charged the CPU and memory.
pub struct Place<'a> {
    pub conf: &'a Path,
    pub port: u16,
    pub relays: &'a [i32],
}

impl Place<'_> {
    fn cpu_ns(&self) -> u64 {
        self.relays.iter().map(|&p| procs::tree_cpu_ns(p)).sum()
    }

    fn mem(&self) -> procs::Mem {
        self.relays
            .iter()
            .map(|&p| procs::tree_mem(p))
            .fold(procs::Mem::default(), |a, m| procs::Mem {
                pids: a.pids + m.pids,
                rss_kb: a.rss_kb + m.rss_kb,
                pss_kb: a.pss_kb + m.pss_kb,
            })
    }
}

/// How much one viewers measurement does: `k` viewers, `keys` keys typed, `bursts` bursts.
pub struct Load {
    pub k: usize,
    pub keys: usize,
    pub bursts: usize,
}

impl Load {
    /// The viewers phase's counts for `k` viewers.
    pub fn of(ctx: &Ctx, k: usize) -> Load {
        let keys = match (ctx.quick, k) {
            (true, _) => 40,
            (false, 1) => 200,
            (false, _) => 100,
        };
        let bursts = if ctx.quick { 1 } else { 3 };
        Load { k, keys, bursts }
    }
}

/// A fresh host (`client`, pane `pane`) and `load.k` OpenSSH viewers (viewer 0 read-write,
/// typing): echo latency, then 4 MB bursts (`log`: the pane's log of its write times;
/// `base_secs`: the write time with no viewer, for `pane_slowdown`). The results, and every
/// echo sample of viewer 0 (ms).
pub fn viewers_k(
    ctx: &Ctx,
    client: &Path,
    place: &Place,
    log: &Path,
    pane: &str,
    load: &Load,
    base_secs: Option<f64>,
) -> Result<(Value, Vec<f64>)> {
    let k = load.k;
    let (host, _, _) = Host::start_with(ctx, vec![client.display().to_string()], place.conf, pane)?;
    let mut terms: Vec<Term> = Vec::new();
    let res = (|| {
        host.dismiss_messages();
        let (rw, ro) = host.tokens()?;
        let t0 = Instant::now();
        for i in 0..k {
            let user = if i == 0 { &rw } else { &ro };
            let t = crate::procs::term(
                &format!("viewer{i}"),
                &viewer_argv(place.port, user),
                &ctx.env,
                80,
                24,
                Some(b"#READY#"),
            )?;
            terms.push(t);
            // Stagger connections a little so the listen backlog is not overrun.
            std::thread::sleep(Duration::from_millis(10));
        }
        let refs: Vec<&Term> = terms.iter().collect();
        let sender = *refs.first().context("no viewer")?;
        let hits = wait_all(&refs, Duration::from_secs(60)).context("viewers joining")?;
        let connect_ms = latest(&hits)?.saturating_duration_since(t0).as_secs_f64() * 1e3;
        sync_all(ctx, &refs, sender)?;

        let (first, slowest, timeouts) = echo(&refs, sender, load.keys, ctx)?;

        let mut bursts = Vec::new();
        for _ in 0..load.bursts {
            bursts.push(burst(ctx, &refs, sender, place, log)?);
        }
        let col =
            |key: &str| -> Vec<f64> { bursts.iter().filter_map(|b| b[key].as_f64()).collect() };
        let pane_med = median(&col("pane_secs"));
        let mem = place.mem();
        let v = json!({
            "viewers": k,
            "connect_all_ms": connect_ms,
            "echo_ms_viewer0": summary(&first),
            "echo_ms_slowest": summary(&slowest),
            "echo_timeouts": timeouts,
            "bursts": bursts,
            "burst_secs_all_median": median(&col("secs_all")),
            "burst_secs_viewer0_median": median(&col("secs_viewer0")),
            "viewer_bytes_median": median(&col("viewer_bytes_median")),
            "viewer_bytes_max": col("viewer_bytes_max").iter().copied().fold(0.0, f64::max),
            "relay_cpu_ms_per_mb_median": median(&col("relay_cpu_ms_per_mb")),
            "pane_secs_median": pane_med,
            "pane_slowdown": match (pane_med, base_secs) {
                (Some(p), Some(b)) if b > 0.0 => Some(p / b),
                _ => None,
            },
            "relay_rss_kb": mem.rss_kb,
            "relay_pss_kb": mem.pss_kb,
            "relay_procs": mem.pids,
        });
        Ok((v, first))
    })();
    for t in terms {
        t.stop();
    }
    host.stop();
    res
}

/// One 4 MB burst printed in the host's pane, all viewers in sync first: seconds until its end
/// marker is on viewer 0's screen and on every viewer's, the bytes each viewer received, the
/// relay's CPU, the pane's write time from its `log`.
fn burst(ctx: &Ctx, refs: &[&Term], sender: &Term, place: &Place, log: &Path) -> Result<Value> {
    ctx.check_deadline()?;
    sync_all(ctx, refs, sender)?;
    let tag = format!("T{}", ctx.seq());
    let pat = format!("#END-{tag}#");
    let rb0: Vec<u64> = refs.iter().map(|t| t.raw_bytes()).collect();
    let cpu0 = place.cpu_ns();
    for t in refs {
        t.expect(pat.as_bytes());
    }
    let t0 = Instant::now();
    sender.write(format!("!T{BURST},{tag}\r").as_bytes())?;
    let hits = wait_all(refs, Duration::from_secs(if ctx.quick { 60 } else { 120 }))
        .context("burst end marker")?;
    let secs_v0 = hits
        .first()
        .map(|h| h.saturating_duration_since(t0).as_secs_f64());
    let secs_all = latest(&hits)?.saturating_duration_since(t0).as_secs_f64();
    // Let trailing frames land before counting bytes and CPU.
    std::thread::sleep(Duration::from_millis(200));
    let cpu_ms = (place.cpu_ns().saturating_sub(cpu0)) as f64 / 1e6;
    let bytes: Vec<u64> = refs
        .iter()
        .zip(&rb0)
        .map(|(t, b)| t.raw_bytes().saturating_sub(*b))
        .collect();
    let mut pane_secs = None;
    procs::wait_until(Duration::from_secs(10), || {
        pane_secs = crate::pane::logged_secs(log, &tag);
        pane_secs.is_some()
    });
    let bytes_f: Vec<f64> = bytes.iter().map(|&b| b as f64).collect();
    Ok(json!({
        "secs_viewer0": secs_v0,
        "secs_all": secs_all,
        "mb_per_s_all": BURST as f64 / secs_all / 1e6,
        "viewer_bytes": bytes,
        "viewer_bytes_median": median(&bytes_f),
        "viewer_bytes_max": bytes_f.iter().copied().fold(0.0, f64::max),
        "relay_cpu_ms": cpu_ms,
        "relay_cpu_ms_per_mb": cpu_ms / (BURST as f64 / 1e6),
        "pane_secs": pane_secs,
    }))
}

/// Relay memory with `s` idle sessions: real host clients up to `real_max`, scripted hosts above
/// (our relay only: the original forks a process per session).
pub fn phase_memory(
    ctx: &Ctx,
    target: &Target,
    relay: &Relay,
    counts: &[usize],
    real_max: usize,
    pane_cmd: &str,
    trigger: Option<&str>,
) -> Result<Value> {
    let mut out = serde_json::Map::new();
    procs::reap_orphans(&BTreeSet::new());
    let base = relay.mem();
    out.insert(
        s("base"),
        json!({"rss_kb": base.rss_kb, "pss_kb": base.pss_kb, "procs": base.pids}),
    );
    for &n in counts {
        ctx.check_deadline()?;
        let original = matches!(target.relay, RelayKind::Original(_));
        if original && n > real_max {
            out.insert(
                s(n),
                json!({"skipped": "one process per session (about 7 MB each): does not fit"}),
            );
            continue;
        }
        let t0 = Instant::now();
        let entry = if n <= real_max {
            let mut hosts = Vec::new();
            let started = (|| {
                for _ in 0..n {
                    ctx.check_deadline()?;
                    hosts.push(Host::start(ctx, &target.client, relay, pane_cmd)?.0);
                }
                // Keys that make the panes print now that every host is connected (output
                // from before the connection is not sent by tmate 2.4).
                if let Some(key) = trigger {
                    for h in &hosts {
                        ctx.check_deadline()?;
                        h.dismiss_messages();
                        h.cmd(&["send-keys", key])?;
                    }
                }
                Ok::<_, anyhow::Error>(())
            })();
            let start_secs = t0.elapsed().as_secs_f64();
            std::thread::sleep(ctx.settle());
            let mem = relay.mem();
            let host_rss: Vec<f64> = hosts
                .iter()
                .filter_map(|h| h.pid())
                .map(|p| procs::tree_mem(p).rss_kb as f64)
                .collect();
            for h in &hosts {
                h.stop();
            }
            started?;
            json!({"hosts": "real", "sessions": n, "start_secs": start_secs,
                   "relay_rss_kb": mem.rss_kb, "relay_pss_kb": mem.pss_kb, "relay_procs": mem.pids,
                   "host_rss_kb_median": median(&host_rss)})
        } else {
            let fleet = crate::scripted::Fleet::start(relay.port, n, Duration::from_secs(300))?;
            let start_secs = t0.elapsed().as_secs_f64();
            std::thread::sleep(ctx.settle());
            let mem = relay.mem();
            let ready = fleet.ready();
            fleet.stop();
            if ready < n {
                bail!("only {ready} of {n} scripted hosts got READY");
            }
            json!({"hosts": "scripted", "sessions": n, "start_secs": start_secs,
                   "relay_rss_kb": mem.rss_kb, "relay_pss_kb": mem.pss_kb, "relay_procs": mem.pids})
        };
        let mut entry = entry;
        if let Some(o) = entry.as_object_mut() {
            let per = |now: u64, was: u64| now.saturating_sub(was) as f64 / n as f64;
            let rss = o.get("relay_rss_kb").and_then(Value::as_u64).unwrap_or(0);
            let pss = o.get("relay_pss_kb").and_then(Value::as_u64).unwrap_or(0);
            o.insert(s("rss_kb_per_session"), json!(per(rss, base.rss_kb)));
            o.insert(s("pss_kb_per_session"), json!(per(pss, base.pss_kb)));
        }
        out.insert(s(n), entry);
        relay.settle(base.pids);
    }
    Ok(Value::Object(out))
}
