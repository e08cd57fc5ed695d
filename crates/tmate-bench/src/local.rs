//! Owns the local multiplexer comparison (issue 4): our `tmate` and tmux 3.3a, unshared, each
//! with one client attached on a pty: a pane printing 100 MB, and keystroke echo latency.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde_json::{Value, json};

use crate::procs::{self, run, run_ok};
use crate::share::{echo, sync_all};
use crate::{Ctx, median, summary};
use tmate_fixtures::pty_client::timed::Term;

pub fn phase_local(
    ctx: &Ctx,
    name: &str,
    program: &Path,
    extra_env: &[(&str, &str)],
) -> Result<Value> {
    let mut env = ctx.env.clone();
    env.extend(
        extra_env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string())),
    );
    let sock = ctx.new_path(&format!("local-{name}"));
    let log = ctx.new_path("local-pane.log");
    let base = vec![
        program.display().to_string(),
        "-S".to_string(),
        sock.display().to_string(),
        "-f".to_string(),
        "/dev/null".to_string(),
    ];
    let argv = |args: &[&str]| -> Vec<String> {
        let mut v = base.clone();
        v.extend(args.iter().map(|a| a.to_string()));
        v
    };
    let pane = format!("{} pane {}", ctx.self_exe.display(), log.display());
    let timeout = Duration::from_secs(30);
    run_ok(
        &argv(&["new-session", "-d", "-x", "80", "-y", "24", &pane]),
        &env,
        &ctx.work,
        timeout,
    )?;
    let server_pid: Option<i32> = run_ok(
        &argv(&["display", "-p", "#{pid}"]),
        &env,
        &ctx.work,
        timeout,
    )
    .ok()
    .and_then(|p| p.trim().parse().ok());
    let mut client_env = env.clone();
    client_env.retain(|(k, _)| k != "TERM");
    client_env.push(("TERM".into(), "xterm-256color".into()));
    let client = crate::procs::term(
        &format!("{name}-client"),
        &argv(&["attach"]),
        &client_env,
        80,
        25,
        Some(b"#READY#"),
    );
    let res = (|| {
        let client = client.as_ref().map_err(|e| anyhow::anyhow!("{e:#}"))?;
        client
            .wait_hit(Instant::now() + Duration::from_secs(30))
            .context("attached client never showed the pane")?;
        let terms = [client];
        sync_all(ctx, &terms, client)?;
        let total: usize = if ctx.quick { 20_000_000 } else { 100_000_000 };
        let mut runs = Vec::new();
        for _ in 0..if ctx.quick { 1 } else { 2 } {
            runs.push(print_run(ctx, client, server_pid, &log, total)?);
        }
        sync_all(ctx, &terms, client)?;
        let keys = if ctx.quick { 40 } else { 200 };
        let (lat, _, timeouts) = echo(&terms, client, keys, ctx)?;
        Ok(json!({
            "bytes": total,
            "runs": runs,
            "echo_samples_ms": lat,
            "echo_timeouts": timeouts,
        }))
    })();
    if let Ok(c) = client {
        c.stop();
    }
    let _ = run(&argv(&["kill-server"]), &env, &ctx.work, timeout);
    if let Some(pid) = server_pid {
        procs::wait_until(Duration::from_secs(5), || {
            procs::reap_orphans(&Default::default());
            !procs::alive(pid)
        });
    }
    res
}

/// One run of `total` bytes printed in the pane, the client in sync first: seconds until the
/// end marker is on the attached client's screen, bytes it received, the server's CPU, the
/// pane's write time from its `log`.
fn print_run(
    ctx: &Ctx,
    client: &Term,
    server_pid: Option<i32>,
    log: &Path,
    total: usize,
) -> Result<Value> {
    ctx.check_deadline()?;
    sync_all(ctx, &[client], client)?;
    let tag = format!("L{}", ctx.seq());
    client.expect(format!("#END-{tag}#").as_bytes());
    let b0 = client.raw_bytes();
    let cpu0 = server_pid.map(procs::tree_cpu_ns).unwrap_or(0);
    let t0 = Instant::now();
    client.write(format!("!T{total},{tag}\r").as_bytes())?;
    let hit = client
        .wait_hit(Instant::now() + Duration::from_secs(if ctx.quick { 60 } else { 180 }))
        .context("end marker of the 100 MB run")?;
    let secs = hit.saturating_duration_since(t0).as_secs_f64();
    let cpu_ms = server_pid
        .map(procs::tree_cpu_ns)
        .unwrap_or(0)
        .saturating_sub(cpu0) as f64
        / 1e6;
    let mut pane_secs = None;
    procs::wait_until(Duration::from_secs(10), || {
        pane_secs = crate::pane::logged_secs(log, &tag);
        pane_secs.is_some()
    });
    Ok(json!({
        "secs_to_client": secs,
        "mb_per_s": total as f64 / secs / 1e6,
        "pane_secs": pane_secs,
        "client_bytes": client.raw_bytes().saturating_sub(b0),
        "server_cpu_ms": cpu_ms,
    }))
}

/// One program's rounds of `phase_local` as one result: the 100 MB runs and the echo samples
/// of every round pooled. The rounds of the programs are interleaved by the caller, so that a
/// shared machine's drift (other jobs, the previous phase's clean-up) spreads over every
/// program instead of landing on whichever ran first.
pub fn pool_rounds(rounds: &[Value]) -> Value {
    let ok: Vec<&Value> = rounds.iter().filter(|r| r.get("error").is_none()).collect();
    let Some(first) = ok.first() else {
        return rounds.first().cloned().unwrap_or(Value::Null);
    };
    let runs: Vec<Value> = ok
        .iter()
        .flat_map(|r| r["runs"].as_array().cloned().unwrap_or_default())
        .collect();
    let lat: Vec<f64> = ok
        .iter()
        .flat_map(|r| r["echo_samples_ms"].as_array().cloned().unwrap_or_default())
        .filter_map(|v| v.as_f64())
        .collect();
    let timeouts: u64 = ok.iter().filter_map(|r| r["echo_timeouts"].as_u64()).sum();
    let col = |key: &str| -> Vec<f64> { runs.iter().filter_map(|r| r[key].as_f64()).collect() };
    json!({
        "bytes": first["bytes"],
        "rounds": ok.len(),
        "runs": runs,
        "secs_to_client_median": median(&col("secs_to_client")),
        "mb_per_s_median": median(&col("mb_per_s")),
        "pane_secs_median": median(&col("pane_secs")),
        "client_bytes_median": median(&col("client_bytes")),
        "server_cpu_ms_median": median(&col("server_cpu_ms")),
        "echo_ms": summary(&lat),
        "echo_timeouts": timeouts,
    })
}
