//! Owns the printed report: one table per figure of DESIGN.md section 7, every target side by
//! side with its ratio to the original relay, the cluster's figures, then each target checked
//! (met / MISSED).

use std::fmt::Write;

use serde_json::Value;

const TARGETS: [&str; 3] = ["ours", "debian", "original"];

fn f(v: Option<f64>, nd: usize) -> String {
    v.map_or_else(|| "-".to_string(), |x| format!("{x:.nd$}"))
}

fn at<'a>(v: &'a Value, path: &[&str]) -> &'a Value {
    path.iter().fold(v, |v, k| &v[*k])
}

fn num(v: &Value, path: &[&str]) -> Option<f64> {
    at(v, path).as_f64()
}

fn ratio(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => Some(a / b),
        _ => None,
    }
}

fn rows(out: &mut String, header: &[String], rows: &[Vec<String>]) {
    let mut w: Vec<usize> = header.iter().map(String::len).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            if let Some(x) = w.get_mut(i) {
                *x = (*x).max(c.len());
            }
        }
    }
    let line = |cells: &[String]| -> String {
        let mut s = String::from("|");
        for (i, c) in cells.iter().enumerate() {
            let _ = write!(
                s,
                " {:>width$} |",
                c,
                width = w.get(i).copied().unwrap_or(0)
            );
        }
        s
    };
    let _ = writeln!(out, "{}", line(header));
    let _ = writeln!(
        out,
        "|{}",
        w.iter()
            .map(|n| format!("{}:|", "-".repeat(n + 1)))
            .collect::<String>()
    );
    for r in rows {
        let _ = writeln!(out, "{}", line(r));
    }
    out.push('\n');
}

fn present(res: &Value) -> Vec<(&'static str, &Value)> {
    TARGETS
        .iter()
        .filter_map(|t| {
            let v = &res["targets"][*t];
            (!v.is_null()).then_some((*t, v))
        })
        .collect()
}

fn keys_of(res: &Value, phase: &str) -> Vec<String> {
    let mut ks: Vec<u64> = present(res)
        .iter()
        .filter_map(|(_, v)| v[phase].as_object())
        .flat_map(|o| {
            o.keys()
                .filter_map(|k| k.parse::<u64>().ok())
                .collect::<Vec<_>>()
        })
        .collect();
    ks.sort_unstable();
    ks.dedup();
    ks.iter().map(u64::to_string).collect()
}

pub fn table(res: &Value) -> String {
    let mut out = String::new();
    let m = &res["meta"];
    let _ = writeln!(
        out,
        "tmate-bench{}: {} cpus ({}), load {} -> {}, {:.0} s",
        if m["quick"].as_bool() == Some(true) {
            " --quick"
        } else {
            ""
        },
        m["cpus"],
        m["cpu_model"].as_str().unwrap_or("?"),
        m["loadavg_start"].as_str().unwrap_or("?"),
        m["loadavg_end"].as_str().unwrap_or("?"),
        m["elapsed_secs"].as_f64().unwrap_or(0.0)
    );
    let ts = present(res);
    for (t, v) in &ts {
        let label = m["targets"]
            .as_array()
            .and_then(|a| a.iter().find(|x| x["name"] == *t))
            .and_then(|x| x["label"].as_str())
            .unwrap_or("");
        let _ = writeln!(out, "  {t}: {label}");
        if let Some(e) = v["error"].as_str() {
            let _ = writeln!(out, "    error: {e}");
        }
    }
    out.push('\n');
    if !ts.is_empty() {
        target_tables(&mut out, res, &ts);
    }
    cluster_tables(&mut out, &res["cluster"]);

    // Local multiplexer.
    let l = &res["local"];
    if !l.is_null() {
        let _ = writeln!(
            out,
            "Local multiplexer, one attached client (80x25): a pane printing {} MB, and keystroke echo\n",
            num(l, &["ours", "bytes"]).map_or(100.0, |b| b / 1e6)
        );
        let header: Vec<String> = [
            "",
            "to client s",
            "MB/s",
            "pane write s",
            "client KB",
            "server cpu ms",
            "echo med ms",
            "echo p99 ms",
        ]
        .map(String::from)
        .to_vec();
        let r: Vec<Vec<String>> = ["ours", "ours-shared", "tmux"]
            .iter()
            .map(|n| {
                let x = &l[*n];
                vec![
                    n.to_string(),
                    f(num(x, &["secs_to_client_median"]), 2),
                    f(num(x, &["mb_per_s_median"]), 1),
                    f(num(x, &["pane_secs_median"]), 2),
                    f(num(x, &["client_bytes_median"]).map(|b| b / 1024.0), 0),
                    f(num(x, &["server_cpu_ms_median"]), 0),
                    f(num(x, &["echo_ms", "median"]), 2),
                    f(num(x, &["echo_ms", "p99"]), 2),
                ]
            })
            .collect();
        rows(&mut out, &header, &r);
    }
    out.push_str(&checks(res));
    out
}

/// The tables of the per-target phases: setup, echo latency, bursts, memory.
fn target_tables(out: &mut String, res: &Value, ts: &[(&str, &Value)]) {
    setup_table(out, res, ts);
    let ks: Vec<String> = keys_of(res, "viewers")
        .into_iter()
        .filter(|k| k != "0")
        .collect();
    echo_table(out, res, ts, &ks);
    burst_table(out, res, ts, &ks);
    memory_table(out, res, ts);
}

/// Session setup, against the original relay.
fn setup_table(out: &mut String, res: &Value, ts: &[(&str, &Value)]) {
    let orig = &res["targets"]["original"];
    let _ = writeln!(
        out,
        "Session setup, `new-session -d` to `wait tmate-ready` (ms)\n"
    );
    let header: Vec<String> = [
        "target",
        "median",
        "p90",
        "min",
        "new-session alone",
        "vs original",
    ]
    .map(String::from)
    .to_vec();
    let o = num(orig, &["setup", "ready_ms", "median"]);
    let r: Vec<Vec<String>> = ts
        .iter()
        .map(|(t, v)| {
            let med = num(v, &["setup", "ready_ms", "median"]);
            vec![
                t.to_string(),
                f(med, 1),
                f(num(v, &["setup", "ready_ms", "p90"]), 1),
                f(num(v, &["setup", "ready_ms", "min"]), 1),
                f(num(v, &["setup", "new_session_ms", "median"]), 1),
                f(ratio(med, o), 2),
            ]
        })
        .collect();
    rows(out, &header, &r);
}

/// Echo latency per viewer count `ks`, against the original relay.
fn echo_table(out: &mut String, res: &Value, ts: &[(&str, &Value)], ks: &[String]) {
    let orig = &res["targets"]["original"];
    let _ = writeln!(
        out,
        "Keystroke echo seen by ssh viewers (ms): viewer 0 (read-write, typing) median / p99, slowest viewer median\n"
    );
    let mut header = vec!["viewers".to_string()];
    for (t, _) in ts {
        header.push(format!("{t} v0 med"));
        header.push(format!("{t} v0 p99"));
        header.push(format!("{t} slowest"));
    }
    header.push("ours/orig".into());
    header.push("debian/orig".into());
    let r: Vec<Vec<String>> = ks
        .iter()
        .map(|k| {
            let mut row = vec![k.clone()];
            for (_, v) in ts {
                let x = &v["viewers"][k.as_str()];
                row.push(f(num(x, &["echo_ms_viewer0", "median"]), 2));
                row.push(f(num(x, &["echo_ms_viewer0", "p99"]), 2));
                row.push(f(num(x, &["echo_ms_slowest", "median"]), 2));
            }
            for t in ["ours", "debian"] {
                row.push(f(
                    ratio(
                        num(
                            &res["targets"][t],
                            &["viewers", k, "echo_ms_viewer0", "median"],
                        ),
                        num(orig, &["viewers", k, "echo_ms_viewer0", "median"]),
                    ),
                    2,
                ));
            }
            row
        })
        .collect();
    rows(out, &header, &r);
}

/// The 4 MB burst per viewer count `ks`, against the original relay; the pane's own write time.
fn burst_table(out: &mut String, res: &Value, ts: &[(&str, &Value)], ks: &[String]) {
    let orig = &res["targets"]["original"];
    let _ = writeln!(
        out,
        "4 MB burst printed in the host's pane: seconds until the end marker is on every viewer's screen, \
         KB each viewer received (median), the pane's write time vs the same burst with no viewer, relay CPU ms per MB\n"
    );
    let mut header = vec!["viewers".to_string()];
    for (t, _) in ts {
        header.push(format!("{t} s"));
        header.push(format!("{t} KB/viewer"));
        header.push(format!("{t} pane x"));
        header.push(format!("{t} cpu ms/MB"));
    }
    header.push("orig/ours".into());
    header.push("orig/debian".into());
    let r: Vec<Vec<String>> = ks
        .iter()
        .map(|k| {
            let mut row = vec![k.clone()];
            for (_, v) in ts {
                let x = &v["viewers"][k.as_str()];
                if x.is_null() {
                    row.extend(["-", "-", "-", "-"].map(String::from));
                    continue;
                }
                row.push(f(num(x, &["burst_secs_all_median"]), 3));
                row.push(f(num(x, &["viewer_bytes_median"]).map(|b| b / 1024.0), 0));
                row.push(f(num(x, &["pane_slowdown"]), 2));
                row.push(f(num(x, &["relay_cpu_ms_per_mb_median"]), 1));
            }
            for t in ["ours", "debian"] {
                row.push(f(
                    ratio(
                        num(orig, &["viewers", k, "burst_secs_all_median"]),
                        num(&res["targets"][t], &["viewers", k, "burst_secs_all_median"]),
                    ),
                    1,
                ));
            }
            row
        })
        .collect();
    rows(out, &header, &r);
    let base: Vec<String> = ts
        .iter()
        .map(|(t, v)| {
            format!(
                "{t} {} s",
                f(num(v, &["viewers", "0", "pane_secs", "median"]), 3)
            )
        })
        .collect();
    let _ = writeln!(
        out,
        "Pane write time of the burst with no viewer (the 1.00 of `pane x`): {}\n",
        base.join(", ")
    );
}

/// Relay memory per idle session, and per used session.
fn memory_table(out: &mut String, res: &Value, ts: &[(&str, &Value)]) {
    let _ = writeln!(
        out,
        "Relay memory per idle session (KB; RSS, PSS of the relay's process tree minus the idle relay; hosts: real clients, or scripted russh hosts)\n"
    );
    let ss: Vec<String> = keys_of(res, "memory");
    let mut header = vec!["sessions".to_string()];
    for (t, _) in ts {
        header.push(format!("{t} RSS/sess"));
        header.push(format!("{t} PSS/sess"));
        header.push(format!("{t} hosts"));
    }
    let r: Vec<Vec<String>> = ss
        .iter()
        .map(|s| {
            let mut row = vec![s.clone()];
            for (_, v) in ts {
                let x = &v["memory"][s.as_str()];
                if x["skipped"].is_string() {
                    row.extend(["-", "-", "skipped"].map(String::from));
                    continue;
                }
                row.push(f(num(x, &["rss_kb_per_session"]), 0));
                row.push(f(num(x, &["pss_kb_per_session"]), 0));
                row.push(x["hosts"].as_str().unwrap_or("-").to_string());
            }
            row
        })
        .collect();
    rows(out, &header, &r);
    let scrolled: Vec<String> = ts
        .iter()
        .map(|(t, v)| {
            let x = &v["memory_scrolled"]["100"];
            format!("{t} {} KB", f(num(x, &["rss_kb_per_session"]), 0))
        })
        .collect();
    let _ = writeln!(
        out,
        "Per session with 100 real hosts whose panes printed 200 lines (RSS): {}\n",
        scrolled.join(", ")
    );
    let full: Vec<String> = ts
        .iter()
        .map(|(t, v)| {
            let x = &v["memory_full"]["100"];
            format!("{t} {} KB", f(num(x, &["rss_kb_per_session"]), 0))
        })
        .collect();
    let _ = writeln!(
        out,
        "Per session with 100 real hosts whose panes hold a full 2,000-line history of 80-column text (RSS): {}\n",
        full.join(", ")
    );
}

fn signed(v: Option<f64>, nd: usize) -> String {
    v.map_or_else(|| "-".to_string(), |x| format!("{x:+.nd$}"))
}

/// The cluster's hosts, in the targets' order (ours, debian).
fn cluster_hosts(c: &Value) -> Vec<(&String, &Value)> {
    let mut hosts: Vec<(&String, &Value)> = c["hosts"]
        .as_object()
        .map(|o| o.iter().collect())
        .unwrap_or_default();
    hosts.sort_by_key(|(h, _)| TARGETS.iter().position(|t| t == h).unwrap_or(TARGETS.len()));
    hosts
}

/// The cluster phase: owner vs forwarded viewer, failover times, Redis memory per session.
fn cluster_tables(out: &mut String, c: &Value) {
    if c.is_null() {
        return;
    }
    let _ = writeln!(
        out,
        "Cluster: {} nodes of our relay on one Redis {}; one viewer on the session's owner node vs one forwarded through another node \
         (echo ms, 4 MB burst s until the marker is on the viewer's screen, KB the viewer received, CPU ms per MB of all nodes)\n",
        c["nodes"],
        c["redis_version"].as_str().unwrap_or("")
    );
    if let Some(e) = c["error"].as_str() {
        let _ = writeln!(out, "  error: {e}\n");
        return;
    }
    let hosts = cluster_hosts(c);
    cluster_viewer_table(out, &hosts);
    failover_lines(out, &hosts);
    redis_memory_line(out, &c["redis_memory"]);
}

/// Per host: a viewer on the owner node, a forwarded one, the difference; then the errors.
fn cluster_viewer_table(out: &mut String, hosts: &[(&String, &Value)]) {
    let header: Vec<String> = [
        "host",
        "viewer",
        "echo med",
        "echo p99",
        "burst s",
        "KB/viewer",
        "cpu ms/MB",
    ]
    .map(String::from)
    .to_vec();
    let mut r = Vec::new();
    let mut errors = Vec::new();
    for (h, v) in hosts {
        if let Some(e) = v["error"].as_str() {
            errors.push(format!("  {h}: error: {e}"));
            continue;
        }
        let col = |k: &str, path: &[&str]| num(&v[k], path);
        let echo = ["echo_ms_viewer0", "median"];
        let p99 = ["echo_ms_viewer0", "p99"];
        let burst = ["burst_secs_all_median"];
        let kb = ["viewer_bytes_median"];
        let cpu = ["relay_cpu_ms_per_mb_median"];
        for (k, label) in [("owner", "on the owner"), ("forwarded", "forwarded")] {
            if let Some(e) = v[k]["error"].as_str() {
                errors.push(format!("  {h} {k}: error: {e}"));
            }
            r.push(vec![
                h.to_string(),
                label.to_string(),
                f(col(k, &echo), 2),
                f(col(k, &p99), 2),
                f(col(k, &burst), 3),
                f(col(k, &kb).map(|b| b / 1024.0), 0),
                f(col(k, &cpu), 1),
            ]);
        }
        let diff = |path: &[&str]| match (col("forwarded", path), col("owner", path)) {
            (Some(a), Some(b)) => Some(a - b),
            _ => None,
        };
        r.push(vec![
            h.to_string(),
            "difference".to_string(),
            signed(diff(&echo), 2),
            signed(diff(&p99), 2),
            ratio(col("forwarded", &burst), col("owner", &burst))
                .map_or_else(|| "-".into(), |x| format!("{:+.0}%", (x - 1.0) * 100.0)),
            signed(diff(&kb).map(|b| b / 1024.0), 0),
            signed(diff(&cpu), 1),
        ]);
    }
    if !r.is_empty() {
        rows(out, &header, &r);
    }
    for e in errors {
        let _ = writeln!(out, "{e}");
    }
}

/// The failover runs per host.
fn failover_lines(out: &mut String, hosts: &[(&String, &Value)]) {
    let _ = writeln!(
        out,
        "Failover: the owner node SIGKILLed; seconds until a viewer through the surviving node sees the screen \
         (until Redis names the survivor):"
    );
    for (h, v) in hosts {
        let runs = v["failover"]["runs"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let each: Vec<String> = runs
            .iter()
            .map(|run| match run["error"].as_str() {
                Some(e) => format!("error: {e}"),
                None => format!(
                    "{} ({})",
                    f(run["secs"].as_f64(), 2),
                    f(run["owner_moved_secs"].as_f64(), 2)
                ),
            })
            .collect();
        let _ = writeln!(
            out,
            "  {h}: {}; median {} s",
            each.join(", "),
            f(num(v, &["failover", "median_secs"]), 2)
        );
    }
}

/// What a session costs in Redis.
fn redis_memory_line(out: &mut String, m: &Value) {
    match m["error"].as_str() {
        Some(e) => {
            let _ = writeln!(out, "Redis memory: error: {e}\n");
        }
        None => {
            let _ = writeln!(
                out,
                "Redis memory per session: {} bytes ({} scripted sessions over the nodes: used_memory {} -> {} bytes, {} -> {} keys; {} keys after they ended)\n",
                f(num(m, &["bytes_per_session"]), 0),
                m["sessions"],
                m["used_memory_before"],
                m["used_memory_with_sessions"],
                m["keys_before"],
                m["keys_with_sessions"],
                m["keys_after_end"],
            );
        }
    }
}

/// DESIGN.md section 7's targets, each met or missed, for our relay (with our host and with
/// Debian's client) against the original relay measured in the same run.
pub fn checks(res: &Value) -> String {
    let mut out = String::from("Targets (DESIGN.md section 7)\n\n");
    for t in ["ours", "debian"] {
        let v = &res["targets"][t];
        if v.is_null() {
            continue;
        }
        target_checks(&mut out, res, t, v);
    }
    cluster_checks(&mut out, res);
    let l = &res["local"];
    if !l.is_null() {
        local_checks(&mut out, l);
    }
    out
}

/// One line of `checks`: met, MISSED, or n/a without the numbers.
fn check_line(out: &mut String, ok: Option<bool>, what: String) {
    let mark = match ok {
        Some(true) => "met   ",
        Some(false) => "MISSED",
        None => "n/a   ",
    };
    let _ = writeln!(out, "- {mark} {what}");
}

/// The targets for our relay with target `t`'s host (`v`).
fn target_checks(out: &mut String, res: &Value, t: &str, v: &Value) {
    speed_checks(out, &res["targets"]["original"], t, v);
    cost_checks(out, t, v);
}

/// Setup, echo and bursts against the original relay (`orig`), and flat in the viewer count.
fn speed_checks(out: &mut String, orig: &Value, t: &str, v: &Value) {
    let mut line = |ok: Option<bool>, what: String| check_line(out, ok, what);
    let setup = num(v, &["setup", "ready_ms", "median"]);
    let o = num(orig, &["setup", "ready_ms", "median"]);
    let r = ratio(setup, o);
    line(
        r.map(|r| r <= 0.5),
        format!(
            "{t}: setup at most half the original's ({} vs {} ms)",
            f(setup, 1),
            f(o, 1)
        ),
    );
    let e1 = num(v, &["viewers", "1", "echo_ms_viewer0", "median"]);
    let o1 = num(orig, &["viewers", "1", "echo_ms_viewer0", "median"]);
    line(
        ratio(e1, o1).map(|r| r <= 1.0),
        format!(
            "{t}: echo with 1 viewer at most the original's ({} vs {} ms)",
            f(e1, 2),
            f(o1, 2)
        ),
    );
    let e20 = num(v, &["viewers", "20", "echo_ms_slowest", "median"]);
    line(
        ratio(e20, e1).map(|r| r <= 1.5),
        format!(
            "{t}: echo flat in viewers, 20 viewers (slowest) within 1.5x of 1 ({} vs {} ms)",
            f(e20, 2),
            f(e1, 2)
        ),
    );
    for k in ["1", "5", "20"] {
        let b = num(v, &["viewers", k, "burst_secs_all_median"]);
        let ob = num(orig, &["viewers", k, "burst_secs_all_median"]);
        line(
            ratio(ob, b).map(|r| r >= 10.0),
            format!(
                "{t}: 4 MB burst on all {k} viewers' screens at least 10x sooner ({} vs {} s)",
                f(b, 3),
                f(ob, 3)
            ),
        );
    }
    let b1 = num(v, &["viewers", "1", "burst_secs_all_median"]);
    let b20 = num(v, &["viewers", "20", "burst_secs_all_median"]);
    line(
        ratio(b20, b1).map(|r| r <= 1.5),
        format!(
            "{t}: burst time flat in viewers, 20 within 1.5x of 1 ({} vs {} s)",
            f(b20, 3),
            f(b1, 3)
        ),
    );
}

/// What viewers cost: the host's pane not slowed, bytes to each viewer; relay memory per
/// session for `ours`.
fn cost_checks(out: &mut String, t: &str, v: &Value) {
    let mut line = |ok: Option<bool>, what: String| check_line(out, ok, what);
    let worst = ["1", "5", "20", "100"]
        .iter()
        .filter_map(|k| num(v, &["viewers", k, "pane_slowdown"]))
        .fold(None, |a: Option<f64>, x| Some(a.map_or(x, |a| a.max(x))));
    line(
        worst.map(|w| w <= 1.25),
        format!(
            "{t}: host's pane not slowed by viewers (worst {}x the no-viewer write time; 1.25x allowed for noise)",
            f(worst, 2)
        ),
    );
    let bytes = ["1", "5", "20", "100"]
        .iter()
        .filter_map(|k| num(v, &["viewers", k, "viewer_bytes_max"]))
        .fold(None, |a: Option<f64>, x| Some(a.map_or(x, |a| a.max(x))));
    line(
        bytes.map(|b| b <= crate::share::BURST as f64 / 10.0),
        format!(
            "{t}: bytes to a viewer far below the 4 MB burst (at most a tenth; largest {} KB)",
            f(bytes.map(|b| b / 1024.0), 0)
        ),
    );
    if t == "ours" {
        let worst = ["1", "100", "1000", "10000"]
            .iter()
            .filter_map(|s| num(v, &["memory", s, "rss_kb_per_session"]).filter(|_| *s != "1"))
            .fold(None, |a: Option<f64>, x| Some(a.map_or(x, |a| a.max(x))));
        line(
            worst.map(|w| w < 256.0),
            format!(
                "relay memory under 256 KiB per idle session (worst of 100/1,000/10,000: {} KB RSS)",
                f(worst, 0)
            ),
        );
    }
}

/// The cluster's targets per host: forwarded echo and burst, failover.
fn cluster_checks(out: &mut String, res: &Value) {
    let mut line = |ok: Option<bool>, what: String| check_line(out, ok, what);
    for (h, v) in cluster_hosts(&res["cluster"]) {
        let echo = |k: &str| num(v, &[k, "echo_ms_viewer0", "median"]);
        let (fw, own) = (echo("forwarded"), echo("owner"));
        line(
            fw.zip(own).map(|(a, b)| a <= b + 0.2),
            format!(
                "cluster {h}: a forwarded viewer's echo at most 0.2 ms over the owner's ({} vs {} ms median)",
                f(fw, 2),
                f(own, 2)
            ),
        );
        let burst = |k: &str| num(v, &[k, "burst_secs_all_median"]);
        let (fw, own) = (burst("forwarded"), burst("owner"));
        line(
            ratio(fw, own).map(|r| r <= 1.1),
            format!(
                "cluster {h}: a forwarded viewer's 4 MB burst at most 10% slower ({} vs {} s)",
                f(fw, 3),
                f(own, 3)
            ),
        );
        let fail = num(v, &["failover", "median_secs"]);
        line(
            fail.map(|s| s < 3.0),
            format!(
                "cluster {h}: a killed node's session back for viewers within 3 s (median {} s)",
                f(fail, 2)
            ),
        );
    }
}

/// The local multiplexer against tmux: echo and throughput to the attached client.
fn local_checks(out: &mut String, l: &Value) {
    let mut line = |ok: Option<bool>, what: String| check_line(out, ok, what);
    let ours = num(l, &["ours", "echo_ms", "median"]);
    let tmux = num(l, &["tmux", "echo_ms", "median"]);
    line(
        ratio(ours, tmux).map(|r| r <= 1.1),
        format!(
            "local: echo no slower than tmux ({} vs {} ms median; 10% allowed for noise)",
            f(ours, 2),
            f(tmux, 2)
        ),
    );
    let ours = num(l, &["ours", "secs_to_client_median"]);
    let tmux = num(l, &["tmux", "secs_to_client_median"]);
    line(
        ratio(ours, tmux).map(|r| r <= 1.1),
        format!(
            "local: 100 MB to the attached client no slower than tmux ({} vs {} s)",
            f(ours, 2),
            f(tmux, 2)
        ),
    );
}
