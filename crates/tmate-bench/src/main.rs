//! Owns the benchmark suite's command line and run order: each target (our host + our relay,
//! Debian's tmate 2.4 + our relay, tmate 2.4 + the original relay) through every phase, then our
//! relay as a cluster, then the local multiplexer against tmux; the table on stdout and the full
//! results as JSON.
// A benchmark run on loopback aborts with a message when its own set-up breaks: it faces no
// network input, so the workspace's no-panic lints (held by the relay and the host) are relaxed
// here.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a benchmark's own set-up failing is a bug to stop on, not input to survive"
)]

mod cluster;
mod local;
mod pane;
mod procs;
mod report;
mod scripted;
mod share;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use share::{RelayKind, Target};

const USAGE: &str = "\
tmate-bench [--quick] [--json FILE] [--targets ours,debian,original] [--phases setup,viewers,memory,cluster,local]
            [--viewers 1,5,20,100] [--sessions 1,100,1000,10000] [--max-seconds N] [--keep]
Runs the benchmarks of docs/BENCHMARKS.md on loopback. Our binaries are taken from this
program's directory (build with `cargo build --release`); Debian's client from
$TMATE_DEBIAN_CLIENT or /usr/bin/tmate; the original relay from $TMATE_REFERENCE_SERVER (the
`original` target is skipped without it). The cluster phase runs redis-server and our relay's
nodes, with the hosts of the targets ours and debian.";

pub struct Ctx {
    pub work: PathBuf,
    pub env: Vec<(String, String)>,
    pub quick: bool,
    pub self_exe: PathBuf,
    deadline: Instant,
    seq: AtomicU64,
}

impl Ctx {
    pub fn seq(&self) -> u64 {
        self.seq.fetch_add(1, Ordering::Relaxed)
    }

    /// A fresh path in the work directory.
    pub fn new_path(&self, prefix: &str) -> PathBuf {
        self.work.join(format!("{prefix}{}", self.seq()))
    }

    pub fn check_deadline(&self) -> Result<()> {
        if Instant::now() > self.deadline {
            bail!("--max-seconds exceeded");
        }
        Ok(())
    }

    /// How long idle sessions settle before their memory is read.
    pub fn settle(&self) -> Duration {
        Duration::from_millis(if self.quick { 1000 } else { 2000 })
    }
}

pub fn median(v: &[f64]) -> Option<f64> {
    percentile(v, 50.0)
}

fn percentile(v: &[f64], p: f64) -> Option<f64> {
    let mut s: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    if s.is_empty() {
        return None;
    }
    s.sort_by(f64::total_cmp);
    let k = (s.len() - 1) as f64 * p / 100.0;
    let lo = k.floor() as usize;
    let hi = (lo + 1).min(s.len() - 1);
    let a = *s.get(lo)?;
    let b = *s.get(hi)?;
    Some(a + (b - a) * (k - lo as f64))
}

pub fn summary(v: &[f64]) -> Value {
    json!({
        "n": v.len(),
        "median": median(v),
        "p90": percentile(v, 90.0),
        "p99": percentile(v, 99.0),
        "min": percentile(v, 0.0),
        "max": percentile(v, 100.0),
    })
}

struct Args {
    quick: bool,
    json: PathBuf,
    targets: Vec<String>,
    phases: Vec<String>,
    viewers: Option<Vec<usize>>,
    sessions: Option<Vec<usize>>,
    max_seconds: u64,
    keep: bool,
}

fn list(v: &str) -> Vec<String> {
    v.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn numbers(v: &str) -> Result<Vec<usize>> {
    list(v)
        .iter()
        .map(|n| n.parse().with_context(|| format!("not a number: {n}")))
        .collect()
}

fn parse_args(mut it: impl Iterator<Item = String>) -> Result<Args> {
    let mut a = Args {
        quick: false,
        json: PathBuf::from("bench-results.json"),
        targets: list("ours,debian,original"),
        phases: list("setup,viewers,memory,cluster,local"),
        viewers: None,
        sessions: None,
        max_seconds: 900,
        keep: false,
    };
    while let Some(arg) = it.next() {
        let mut value = || it.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--quick" => a.quick = true,
            "--keep" => a.keep = true,
            "--json" => a.json = PathBuf::from(value()?),
            "--targets" => a.targets = list(&value()?),
            "--phases" => a.phases = list(&value()?),
            "--viewers" => a.viewers = Some(numbers(&value()?)?),
            "--sessions" => a.sessions = Some(numbers(&value()?)?),
            "--max-seconds" => a.max_seconds = value()?.parse()?,
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => bail!("unknown argument {other}\n{USAGE}"),
        }
    }
    Ok(a)
}

fn version(program: &str, flag: &str) -> String {
    std::process::Command::new(program)
        .arg(flag)
        .output()
        .map(|o| {
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            );
            text.lines().next().unwrap_or("").trim().to_string()
        })
        .unwrap_or_default()
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn main() {
    let mut args = std::env::args().skip(1);
    if let Some(first) = std::env::args().nth(1)
        && first == "pane"
    {
        let log = std::env::args()
            .nth(2)
            .unwrap_or_else(|| "/dev/null".into());
        if let Err(e) = pane::main(&log) {
            eprintln!("pane: {e:#}");
            std::process::exit(1);
        }
        return;
    }
    if let (Some("report"), Some(path)) =
        (std::env::args().nth(1).as_deref(), std::env::args().nth(2))
    {
        // Print the table of a saved JSON result (after merging partial runs).
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        match serde_json::from_str::<Value>(&text) {
            Ok(v) => print!("{}", report::table(&v)),
            Err(e) => eprintln!("tmate-bench: {path}: {e}"),
        }
        return;
    }
    let parsed = parse_args(&mut args);
    // A panic must still stop everything started (below), so it is caught here.
    let outcome =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parsed.and_then(run_suite)));
    let code = match outcome {
        Ok(Ok(())) => 0,
        Ok(Err(e)) => {
            eprintln!("tmate-bench: {e:#}");
            1
        }
        Err(_) => 101,
    };
    procs::stop_all_descendants();
    std::process::exit(code);
}

/// On SIGINT or SIGTERM, stop everything started (host servers daemonize and would outlive us)
/// and exit.
fn stop_on_signal(work: PathBuf) {
    let spawned = std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async {
                use tokio::signal::unix::{SignalKind, signal};
                let (Ok(mut int), Ok(mut term)) = (
                    signal(SignalKind::interrupt()),
                    signal(SignalKind::terminate()),
                ) else {
                    std::future::pending::<()>().await;
                    return;
                };
                tokio::select! {
                    _ = int.recv() => {}
                    _ = term.recv() => {}
                }
            });
            eprintln!("tmate-bench: interrupted; stopping everything started");
            procs::STOPPING.store(true, std::sync::atomic::Ordering::SeqCst);
            // A command already running may still fork a daemon: stop, let it finish, stop again.
            procs::stop_all_descendants();
            std::thread::sleep(Duration::from_millis(500));
            procs::stop_all_descendants();
            let _ = std::fs::remove_dir_all(&work);
            std::process::exit(130);
        });
    if let Err(e) = spawned {
        eprintln!("tmate-bench: no signal thread: {e}");
    }
}

fn run_suite(args: Args) -> Result<()> {
    procs::become_subreaper();
    let self_exe = std::env::current_exe().context("current_exe")?;
    let bin_dir = self_exe.parent().context("exe dir")?.to_path_buf();
    let work = std::env::temp_dir().join(format!("tmate-bench.{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    stop_on_signal(work.clone());
    let ctx = Ctx {
        work: work.clone(),
        env: bench_env(&work),
        quick: args.quick,
        self_exe,
        deadline: Instant::now() + Duration::from_secs(args.max_seconds),
        seq: AtomicU64::new(0),
    };
    let ours_tmate = bin_dir.join("tmate");
    let ours_relay = bin_dir.join("tmate-ssh-server");
    let debian = PathBuf::from(
        std::env::var("TMATE_DEBIAN_CLIENT").unwrap_or_else(|_| "/usr/bin/tmate".into()),
    );
    let original = std::env::var("TMATE_REFERENCE_SERVER")
        .ok()
        .filter(|s| !s.is_empty());
    let targets = select_targets(
        &args.targets,
        &ours_tmate,
        &ours_relay,
        &debian,
        original.as_deref(),
    )?;
    let started = Instant::now();
    let mut results = json!({
        "meta": meta(args.quick, &debian, original.as_deref(), &targets),
        "targets": {},
    });
    let phase = |p: &str| args.phases.iter().any(|x| x == p);
    let viewers = args.viewers.clone().unwrap_or_else(|| {
        if args.quick {
            vec![1, 5, 20]
        } else {
            vec![1, 5, 20, 100]
        }
    });
    let sessions = args.sessions.clone().unwrap_or_else(|| {
        if args.quick {
            vec![1, 100, 1000]
        } else {
            vec![1, 100, 1000, 10000]
        }
    });
    let per_target = ["setup", "viewers", "memory"].iter().any(|p| phase(p));
    for target in targets.iter().filter(|_| per_target) {
        results["targets"][target.name] =
            run_target(&ctx, target, &args.phases, &viewers, &sessions);
    }
    if phase("cluster") {
        results["cluster"] = run_cluster(&ctx, &targets, &ours_relay);
    }
    if phase("local") {
        results["local"] = run_local(&ctx, &ours_tmate);
    }
    results["meta"]["loadavg_end"] = json!(loadavg());
    results["meta"]["elapsed_secs"] = json!(started.elapsed().as_secs_f64());
    print!("{}", report::table(&results));
    std::fs::write(&args.json, serde_json::to_string_pretty(&results)?)
        .with_context(|| format!("write {}", args.json.display()))?;
    eprintln!("results: {}", args.json.display());
    procs::stop_all_descendants();
    if !args.keep {
        let _ = std::fs::remove_dir_all(&work);
    }
    Ok(())
}

/// The environment of everything the suite starts: a home in the work directory, a plain
/// terminal and locale, the caller's user and PATH.
fn bench_env(work: &std::path::Path) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = vec![
        ("HOME".into(), work.display().to_string()),
        ("TERM".into(), "xterm".into()),
        ("LANG".into(), "C.UTF-8".into()),
        (
            "USER".into(),
            std::env::var("USER").unwrap_or_else(|_| "root".into()),
        ),
    ];
    if let Ok(path) = std::env::var("PATH") {
        env.push(("PATH".into(), path));
    }
    env
}

/// The `--targets` by name; `original` is skipped without a reference server.
fn select_targets(
    names: &[String],
    ours_tmate: &std::path::Path,
    ours_relay: &std::path::Path,
    debian: &std::path::Path,
    original: Option<&str>,
) -> Result<Vec<Target>> {
    let mut targets = Vec::new();
    for t in names {
        match t.as_str() {
            "ours" => targets.push(Target {
                name: "ours",
                label: "our tmate + our relay".into(),
                client: ours_tmate.to_path_buf(),
                relay: RelayKind::Ours(ours_relay.to_path_buf()),
            }),
            "debian" => targets.push(Target {
                name: "debian",
                label: "Debian tmate 2.4 + our relay".into(),
                client: debian.to_path_buf(),
                relay: RelayKind::Ours(ours_relay.to_path_buf()),
            }),
            "original" => match original {
                Some(p) => targets.push(Target {
                    name: "original",
                    label: "Debian tmate 2.4 + original tmate-ssh-server".into(),
                    client: debian.to_path_buf(),
                    relay: RelayKind::Original(PathBuf::from(p)),
                }),
                None => eprintln!("TMATE_REFERENCE_SERVER not set: skipping the original relay"),
            },
            other => bail!("unknown target {other}"),
        }
    }
    Ok(targets)
}

/// The results' `meta` at the start: the machine, the programs' versions, the targets.
fn meta(
    quick: bool,
    debian: &std::path::Path,
    original: Option<&str>,
    targets: &[Target],
) -> Value {
    json!({
        "quick": quick,
        "loadavg_start": loadavg(),
        "cpus": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        "kernel": version("uname", "-r"),
        "cpu_model": std::fs::read_to_string("/proc/cpuinfo").ok().and_then(|c| c.lines()
            .find_map(|l| l.strip_prefix("model name").map(|v| v.trim_start_matches([' ', '\t', ':']).to_string()))),
        "debian_client": version(&debian.display().to_string(), "-V"),
        "tmux": version("tmux", "-V"),
        "ssh": version("ssh", "-V"),
        "original_relay": original,
        "targets": targets.iter().map(|t| json!({"name": t.name, "label": t.label})).collect::<Vec<_>>(),
    })
}

/// A pane command that, on Enter, prints 2,100 lines of 80 columns (the pane is 80 wide, so
/// each is one full row) and stays: a pane with its whole 2,000-line history used.
const FULL_HISTORY_CMD: &str = "sh -c 'read x; i=0; while [ $i -lt 2100 ]; do printf \"%08d %071d\\n\" $i $i; i=$((i+1)); done; exec cat'";

/// One target through the setup, viewers and memory phases (those in `phases`), on a relay of
/// its own (fresh ones for memory). A phase that fails records its error.
fn run_target(
    ctx: &Ctx,
    target: &Target,
    phases: &[String],
    viewers: &[usize],
    sessions: &[usize],
) -> Value {
    let phase = |p: &str| phases.iter().any(|x| x == p);
    eprintln!("== {} ({})", target.name, target.label);
    let mut out = serde_json::Map::new();
    let mut relay = match share::Relay::start(ctx, &target.relay, target.name) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("  relay: {e:#}");
            out.insert("error".into(), json!(format!("{e:#}")));
            return Value::Object(out);
        }
    };
    let original_relay = matches!(target.relay, RelayKind::Original(_));
    let mut record = |name: &str, r: Result<Value>| {
        let v = r.unwrap_or_else(|e| {
            eprintln!("  {name}: {e:#}");
            json!({"error": format!("{e:#}")})
        });
        out.insert(name.into(), v);
    };
    if phase("setup") {
        eprintln!("  setup");
        record("setup", share::phase_setup(ctx, target, &relay));
    }
    if phase("viewers") {
        // The original relay renders every byte for every viewer: 100 viewers would take
        // minutes per burst, so it stops at 20 (DESIGN.md's reference points).
        let ks: Vec<usize> = viewers
            .iter()
            .copied()
            .filter(|&k| !original_relay || k <= 20)
            .collect();
        eprintln!("  viewers {ks:?}");
        record("viewers", share::phase_viewers(ctx, target, &relay, &ks));
    }
    relay.stop();
    if phase("memory") {
        // A fresh relay: after the bursts its allocator holds freed memory that new
        // sessions would reuse unseen.
        eprintln!("  memory {sessions:?}");
        let name = format!("{}-memory", target.name);
        let r = share::Relay::start(ctx, &target.relay, &name).and_then(|mut fresh| {
            let r = share::phase_memory(ctx, target, &fresh, sessions, 100, "cat", None);
            fresh.stop();
            r
        });
        record("memory", r);
        // The same with panes that printed 200 lines (scrolled once): what a session costs
        // once it has been used, not just opened.
        let name = format!("{}-memory-scrolled", target.name);
        let r = share::Relay::start(ctx, &target.relay, &name).and_then(|mut fresh| {
            let r = share::phase_memory(
                ctx,
                target,
                &fresh,
                &[100],
                100,
                "sh -c 'read x; seq 200; exec cat'",
                Some("Enter"),
            );
            fresh.stop();
            r
        });
        record("memory_scrolled", r);
        // And with a full 2,000-line history of 80-column text (2,100 lines printed into the
        // 80x24 pane): what a busy session costs at most.
        let name = format!("{}-memory-full", target.name);
        let r = share::Relay::start(ctx, &target.relay, &name).and_then(|mut fresh| {
            let r = share::phase_memory(
                ctx,
                target,
                &fresh,
                &[100],
                100,
                FULL_HISTORY_CMD,
                Some("Enter"),
            );
            fresh.stop();
            r
        });
        record("memory_full", r);
    }
    procs::reap_orphans(&Default::default());
    Value::Object(out)
}

/// Our relay's nodes, with the hosts of the targets that use our relay.
fn run_cluster(ctx: &Ctx, targets: &[Target], ours_relay: &std::path::Path) -> Value {
    let clients: Vec<(&'static str, PathBuf)> = targets
        .iter()
        .filter(|t| matches!(t.relay, RelayKind::Ours(_)))
        .map(|t| (t.name, t.client.clone()))
        .collect();
    let names: Vec<&str> = clients.iter().map(|c| c.0).collect();
    eprintln!("== cluster: 3 nodes of our relay on one Redis, hosts {names:?}");
    let result = cluster::phase_cluster(ctx, ours_relay, &clients).unwrap_or_else(|e| {
        eprintln!("  cluster: {e:#}");
        json!({"error": format!("{e:#}")})
    });
    procs::reap_orphans(&Default::default());
    result
}

/// The local multiplexer against tmux, in interleaved rounds pooled per program.
fn run_local(ctx: &Ctx, ours_tmate: &std::path::Path) -> Value {
    eprintln!("== local multiplexer: ours vs tmux");
    let mut local = serde_json::Map::new();
    // `ours` is the plain multiplexer (no sharing, like tmux); `ours-shared` is the default,
    // which runs the embedded relay and mirrors every pane in it.
    type Env<'a> = &'a [(&'a str, &'a str)];
    let runs: [(&str, PathBuf, Env); 3] = [
        (
            "ours",
            ours_tmate.to_path_buf(),
            &[("TMATE_EMBEDDED_RELAY", "0")],
        ),
        ("ours-shared", ours_tmate.to_path_buf(), &[]),
        ("tmux", PathBuf::from("tmux"), &[]),
    ];
    // Interleaved rounds (ours, shared, tmux, ours, ...), pooled per program.
    let rounds = if ctx.quick { 1 } else { 3 };
    let mut per_program: Vec<Vec<Value>> = vec![Vec::new(); runs.len()];
    for round in 0..rounds {
        eprintln!("  round {}", round + 1);
        for ((name, program, env), results) in runs.iter().zip(per_program.iter_mut()) {
            let r = local::phase_local(ctx, name, program, env).unwrap_or_else(|e| {
                eprintln!("  {name}: {e:#}");
                json!({"error": format!("{e:#}")})
            });
            results.push(r);
        }
    }
    for ((name, _, _), results) in runs.iter().zip(&per_program) {
        local.insert((*name).into(), local::pool_rounds(results));
    }
    Value::Object(local)
}
