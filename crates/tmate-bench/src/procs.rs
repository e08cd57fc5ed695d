//! Owns process bookkeeping: /proc readings (process trees, RSS/PSS, CPU time), short commands
//! run with a timeout, and stopping everything the suite started.
//!
//! The suite makes itself a child subreaper so daemonizing host servers (tmate, tmux) stay below
//! it: their memory and CPU can be summed, and at exit every descendant is stopped by pid.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use rustix::process::{Pid, Signal, WaitOptions};
use tmate_fixtures::pty_client::timed::Term;

/// Become a child subreaper (orphaned descendants are re-parented to us, not to init).
pub fn become_subreaper() {
    let _ = rustix::process::set_child_subreaper(Some(rustix::process::getpid()));
}

/// `(state, ppid)` of a process from /proc/PID/stat.
fn stat(pid: i32) -> Option<(char, i32)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = text.get(text.rfind(')')? + 2..)?;
    let mut fields = after.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let ppid = fields.next()?.parse().ok()?;
    Some((state, ppid))
}

fn all_pids() -> Vec<i32> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect()
}

/// `root` and its live (non-zombie) descendants.
pub fn tree(root: i32) -> Vec<i32> {
    let mut children: HashMap<i32, Vec<i32>> = HashMap::new();
    let mut live = BTreeSet::new();
    for pid in all_pids() {
        if let Some((state, ppid)) = stat(pid) {
            children.entry(ppid).or_default().push(pid);
            if state != 'Z' {
                live.insert(pid);
            }
        }
    }
    let mut out = Vec::new();
    let mut todo = vec![root];
    let mut seen = BTreeSet::new();
    while let Some(p) = todo.pop() {
        if !seen.insert(p) {
            continue;
        }
        if live.contains(&p) {
            out.push(p);
        }
        if let Some(kids) = children.get(&p) {
            todo.extend(kids);
        }
    }
    out
}

/// Whether `pid` exists and is not a zombie.
pub fn alive(pid: i32) -> bool {
    matches!(stat(pid), Some((state, _)) if state != 'Z')
}

/// Summed memory of a process tree.
#[derive(Debug, Clone, Copy, Default)]
pub struct Mem {
    pub pids: usize,
    pub rss_kb: u64,
    pub pss_kb: u64,
}

fn field_kb(path: &str, name: &str) -> u64 {
    let Ok(text) = std::fs::read_to_string(path) else {
        return 0;
    };
    text.lines()
        .find_map(|l| l.strip_prefix(name))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

pub fn tree_mem(root: i32) -> Mem {
    let pids = tree(root);
    let mut mem = Mem {
        pids: pids.len(),
        ..Mem::default()
    };
    for p in pids {
        mem.rss_kb += field_kb(&format!("/proc/{p}/status"), "VmRSS:");
        mem.pss_kb += field_kb(&format!("/proc/{p}/smaps_rollup"), "Pss:");
    }
    mem
}

/// CPU time (ns) of every live thread of a process tree, from schedstat (nanosecond resolution,
/// unlike the 10 ms ticks of /proc/PID/stat).
pub fn tree_cpu_ns(root: i32) -> u64 {
    let mut total = 0;
    for p in tree(root) {
        let Ok(tasks) = std::fs::read_dir(format!("/proc/{p}/task")) else {
            continue;
        };
        for t in tasks.flatten() {
            let path = t.path().join("schedstat");
            if let Ok(text) = std::fs::read_to_string(path)
                && let Some(ns) = text
                    .split_whitespace()
                    .next()
                    .and_then(|v| v.parse::<u64>().ok())
            {
                total += ns;
            }
        }
    }
    total
}

/// Reap zombie children that no `Child` handle owns (daemons re-parented to us).
pub fn reap_orphans(owned: &BTreeSet<i32>) {
    let me = std::process::id() as i32;
    for pid in all_pids() {
        if owned.contains(&pid) {
            continue;
        }
        if let Some(('Z', ppid)) = stat(pid)
            && ppid == me
            && let Some(p) = Pid::from_raw(pid)
        {
            let _ = rustix::process::waitpid(Some(p), WaitOptions::NOHANG);
        }
    }
}

pub fn signal(pid: i32, sig: Signal) {
    if let Some(p) = Pid::from_raw(pid) {
        let _ = rustix::process::kill_process(p, sig);
    }
}

/// Stop every descendant of this process: SIGTERM, then SIGKILL for what is left after 2 s.
pub fn stop_all_descendants() {
    let me = std::process::id() as i32;
    for sig in [Signal::TERM, Signal::KILL] {
        let left: Vec<i32> = tree(me).into_iter().filter(|&p| p != me).collect();
        if left.is_empty() {
            break;
        }
        for &p in &left {
            signal(p, sig);
        }
        let deadline = Instant::now() + Duration::from_secs(2);
        while Instant::now() < deadline && left.iter().any(|&p| alive(p)) {
            reap_orphans(&BTreeSet::new());
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    reap_orphans(&BTreeSet::new());
}

static RUNS: AtomicU64 = AtomicU64::new(0);

/// Set when the suite is interrupted: nothing new may be started.
pub static STOPPING: AtomicBool = AtomicBool::new(false);

pub fn check_not_stopping() -> Result<()> {
    if STOPPING.load(Ordering::SeqCst) {
        bail!("interrupted");
    }
    Ok(())
}

/// A program on its own pty, read by a thread that timestamps when the watched text shows up
/// (the shared kit's `Term`); refused once the run is stopping.
pub fn term(
    name: &str,
    argv: &[String],
    env: &[(String, String)],
    cols: u16,
    rows: u16,
    first_watch: Option<&[u8]>,
) -> Result<Term> {
    check_not_stopping()?;
    Term::spawn(name, argv, env, cols, rows, first_watch)
}

/// Output of a finished short command.
pub struct Output {
    pub ok: bool,
    pub stdout: String,
    pub stderr: String,
}

/// Run a short command with a timeout. Output goes to files, not pipes: a command that forks a
/// daemon (tmate/tmux `new-session`) would otherwise keep a pipe open past its own exit.
pub fn run(
    argv: &[String],
    env: &[(String, String)],
    dir: &Path,
    timeout: Duration,
) -> Result<Output> {
    check_not_stopping()?;
    let (program, args) = argv.split_first().context("empty command")?;
    let n = RUNS.fetch_add(1, Ordering::Relaxed);
    let out_path = dir.join(format!("cmd{n}.out"));
    let err_path = dir.join(format!("cmd{n}.err"));
    let out = std::fs::File::create(&out_path)?;
    let err = std::fs::File::create(&err_path)?;
    let mut child = Command::new(program)
        .args(args)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .with_context(|| format!("cannot run {program}"))?;
    let deadline = Instant::now() + timeout;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            bail!("timed out after {timeout:?}: {}", argv.join(" "));
        }
        std::thread::sleep(Duration::from_micros(200));
    };
    let output = Output {
        ok: status.success(),
        stdout: std::fs::read_to_string(&out_path).unwrap_or_default(),
        stderr: std::fs::read_to_string(&err_path).unwrap_or_default(),
    };
    let _ = std::fs::remove_file(&out_path);
    let _ = std::fs::remove_file(&err_path);
    Ok(output)
}

/// Like [`run`], failing unless the command succeeded; returns its standard output.
pub fn run_ok(
    argv: &[String],
    env: &[(String, String)],
    dir: &Path,
    timeout: Duration,
) -> Result<String> {
    let out = run(argv, env, dir, timeout)?;
    if !out.ok {
        bail!("{} failed: {}", argv.join(" "), out.stderr.trim());
    }
    Ok(out.stdout)
}

/// Poll `cond` until it holds or `limit` passes.
pub fn wait_until(limit: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    loop {
        if cond() {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// A free loopback TCP port (bound then released).
pub fn free_port() -> Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(l.local_addr()?.port())
}

/// Whether a socket listens on `port` (read from /proc/net/tcp: connecting to probe would
/// start an SSH session on the relay, a whole process for the original one).
pub fn listening(port: u16) -> bool {
    ["/proc/net/tcp", "/proc/net/tcp6"].iter().any(|path| {
        std::fs::read_to_string(path).is_ok_and(|text| {
            text.lines().skip(1).any(|line| {
                let mut f = line.split_whitespace();
                let local = f.nth(1).unwrap_or("");
                let state = f.nth(1).unwrap_or("");
                let lport = local
                    .rsplit(':')
                    .next()
                    .and_then(|h| u16::from_str_radix(h, 16).ok());
                lport == Some(port) && state == "0A"
            })
        })
    })
}
