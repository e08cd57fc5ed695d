//! `#(command)` in formats (tmux 3.3a `format_job_get`): each command is run by `sh -c` in
//! the background, its last complete output line is what the format shows (nothing until the
//! first line, `<'cmd' not ready>` after a second without one), and it is run again once it
//! has ended and the status interval has passed, or at once when its expanded text changes.
//! One table for the server, bounded; every job is killed when the server ends.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::sync::Mutex;

/// Most commands the table keeps (a format that builds a new command each time would
/// otherwise grow it without end); a command beyond it shows nothing.
const MAX_JOBS: usize = 256;
/// Longest output line kept; more is cut.
const MAX_LINE: usize = 64 * 1024;

#[derive(Debug, Default)]
struct Job {
    /// The command after format expansion, as last run.
    expanded: String,
    /// The last line (or the unterminated rest at the end), `None` before any.
    out: Option<String>,
    /// A line arrived during the current run.
    updated: bool,
    /// The running child's pid, and which run it is (a newer run's lines win).
    running: Option<u32>,
    run: u64,
    /// When the current or last run started (seconds since the epoch).
    last: i64,
}

static JOBS: Mutex<Option<HashMap<String, Job>>> = Mutex::new(None);

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// The text `#(cmd)` shows now, starting or restarting the job as tmux does. `expanded` is
/// `cmd` with its own formats expanded; `interval` is `status-interval` (seconds, at least 1
/// is used) between runs of a job that has ended; `env` makes a new run's environment.
pub fn output(
    cmd: &str,
    expanded: &str,
    interval: i64,
    env: impl FnOnce() -> Vec<(String, String)>,
) -> String {
    let Ok(mut guard) = JOBS.lock() else {
        return String::new();
    };
    let table = guard.get_or_insert_with(HashMap::new);
    if !table.contains_key(cmd) && table.len() >= MAX_JOBS {
        return String::new();
    }
    let job = table.entry(cmd.to_string()).or_default();
    let force = job.expanded != expanded;
    if force {
        job.expanded = expanded.to_string();
        if let Some(pid) = job.running.take() {
            kill(pid);
        }
    }
    let now = now_secs();
    if force || (job.running.is_none() && now - job.last >= interval.max(1)) {
        job.run += 1;
        job.last = now;
        job.updated = false;
        match spawn(cmd, expanded, job.run, env()) {
            Some(pid) => job.running = Some(pid),
            None => job.out = Some(format!("<'{cmd}' didn't start>")),
        }
    } else if job.running.is_some() && now - job.last > 1 && job.out.is_none() {
        job.out = Some(format!("<'{cmd}' not ready>"));
    }
    job.out.clone().unwrap_or_default()
}

/// Start `sh -c expanded` and a thread that reads its output into the table; its pid.
fn spawn(cmd: &str, expanded: &str, run: u64, env: Vec<(String, String)>) -> Option<u32> {
    let home = std::env::var_os("HOME").unwrap_or_else(|| "/".into());
    let mut child = Command::new("/bin/sh")
        .arg("-c")
        .arg(expanded)
        .current_dir(&home)
        .env_clear()
        .envs(env)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let pid = child.id();
    let stdout = child.stdout.take()?;
    let cmd = cmd.to_string();
    let started = std::thread::Builder::new()
        .name("format-job".into())
        .spawn(move || {
            read_output(&cmd, run, stdout);
            // Reap it; its output is already read to the end.
            let _ = child.wait();
        });
    if started.is_err() {
        kill(pid);
        return None;
    }
    Some(pid)
}

/// Each complete line becomes the job's output (tmux `format_job_update`); at the end, the
/// unterminated rest does when it is not empty or no line came (`format_job_complete`).
fn read_output(cmd: &str, run: u64, stdout: impl Read) {
    let mut reader = BufReader::new(stdout);
    let mut line = Vec::new();
    loop {
        line.clear();
        let read = (&mut reader)
            .take(MAX_LINE as u64)
            .read_until(b'\n', &mut line);
        let Ok(n) = read else { break };
        let complete = line.last() == Some(&b'\n');
        if complete {
            line.pop();
        } else if n == MAX_LINE {
            // An over-long line: keep its start, drop the rest up to its end.
            let mut rest = Vec::new();
            let _ = (&mut reader).take(u64::MAX).read_until(b'\n', &mut rest);
        }
        let text = String::from_utf8_lossy(&line).into_owned();
        let ended = n == 0 || (!complete && n < MAX_LINE);
        update(cmd, run, text, ended);
        if ended {
            break;
        }
    }
}

fn update(cmd: &str, run: u64, text: String, ended: bool) {
    let Ok(mut guard) = JOBS.lock() else { return };
    let Some(job) = guard.as_mut().and_then(|t| t.get_mut(cmd)) else {
        return;
    };
    if job.run != run {
        return;
    }
    if ended {
        if !text.is_empty() || !job.updated {
            job.out = Some(text);
        }
        job.running = None;
    } else {
        job.out = Some(text);
        job.updated = true;
    }
}

fn kill(pid: u32) {
    if let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    {
        let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
    }
}

/// Kill every running job (the server is ending, as tmux frees its jobs).
pub fn kill_all() {
    let Ok(mut guard) = JOBS.lock() else { return };
    if let Some(table) = guard.as_mut() {
        for job in table.values_mut() {
            if let Some(pid) = job.running.take() {
                kill(pid);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wait_for(cmd: &str, want: &str) -> String {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let out = output(cmd, cmd, 3600, || std::env::vars().collect());
            if out == want || std::time::Instant::now() > deadline {
                return out;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }

    #[test]
    fn the_last_line_shows_once_written() {
        assert_eq!(wait_for("printf 'a\\nb\\n'", "b"), "b");
        // An unterminated last line counts at the end.
        assert_eq!(wait_for("printf 'a\\nrest'", "rest"), "rest");
        // Nothing printed: empty, and the job is not run again within the interval.
        assert_eq!(wait_for("true", ""), "");
    }
}
