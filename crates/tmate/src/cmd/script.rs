//! Scripting commands (tmux 3.3a): wait-for (-S -L -U; tmate's `tmate-ready`), run-shell
//! (-b -d -C -t), if-shell (-F -b, else branch), refresh-client; and the deferred command
//! machinery they share (a job that finishes later, then the rest of its command list).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::AsyncReadExt;
use tokio::sync::oneshot;

use super::{Args, Channel, CmdOutcome, CmdResult, Ctx, Target, fail};
use crate::server::{ClientInfo, Shared};
use crate::state::{ClientEvent, State};

/// A command's work that completes later; its result merges into the command list's.
pub struct Deferred(pub Pin<Box<dyn Future<Output = CmdResult> + Send>>);

impl std::fmt::Debug for Deferred {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Deferred")
    }
}

/// A command whose work finishes in `job`; its error ends the list as an immediate one would.
fn deferred(job: impl Future<Output = CmdOutcome> + Send + 'static) -> CmdOutcome {
    let job = async move { job.await.unwrap_or_else(CmdResult::error) };
    Ok(CmdResult {
        deferred: Some(Deferred(Box::pin(job))),
        ..CmdResult::default()
    })
}

/// Clients queued on one wait-for channel before more are refused.
const MAX_WAITERS: usize = 1024;
/// Output kept from a run-shell or if-shell job.
const MAX_OUTPUT: usize = 64 * 1024;
/// Longest `run-shell -d` delay accepted (tmux has none; a day is plenty).
const MAX_DELAY: f64 = 86_400.0;

/// Run `job`, then `rest` of its command list, in a task of its own: it finishes even when
/// nobody waits. An attached client (a key binding) sees output and errors as a message.
pub fn spawn(
    shared: &Arc<Shared>,
    client: &ClientInfo,
    job: Deferred,
    rest: Vec<Vec<String>>,
) -> oneshot::Receiver<CmdResult> {
    let (tx, rx) = oneshot::channel();
    let shared = Arc::clone(shared);
    let client = client.clone();
    tokio::spawn(async move {
        let mut r = job.0.await;
        // run-shell's exit status is the client's, not an error: the list goes on.
        if (r.code == 0 || r.err.is_empty() || r.keep_going) && !rest.is_empty() {
            let more = {
                let mut st = shared.lock();
                super::run_list(&shared, &mut st, &client, &rest)
            };
            shared.notify();
            r = merge(r, more).await;
        }
        if let Some(c) = client.attached {
            let text = r
                .err
                .lines()
                .chain(r.out.lines())
                .last()
                .map(str::to_string);
            if let Some(text) = text {
                let st = shared.lock();
                let time = st
                    .clients
                    .get(&c)
                    .map(|h| st.session_option(h.session, "display-time"))
                    .and_then(|t| t.parse().ok())
                    .unwrap_or(750);
                if let Some(h) = st.clients.get(&c) {
                    let _ = h.events.try_send(ClientEvent::Message(text, time));
                }
            }
        }
        let _ = tx.send(r);
    });
    rx
}

/// Append a later result (and whatever it still waits for) to an earlier one.
async fn merge(mut a: CmdResult, mut b: CmdResult) -> CmdResult {
    if let Some(p) = b.pending.take()
        && let Ok(later) = p.await
    {
        b.out.push_str(&later.out);
        b.err.push_str(&later.err);
        b.code = later.code;
    }
    a.out.push_str(&b.out);
    a.err.push_str(&b.err);
    a.located |= b.located;
    // An earlier run-shell's status stays the client's unless a later command fails.
    if b.code != 0 {
        a.code = b.code;
    }
    a
}

pub fn wait_for(_ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    let Some(name) = args.rest.first().cloned() else {
        return fail("command wait-for: too few arguments (need at least 1)");
    };
    let plain = !args.has('L') && !args.has('S') && !args.has('U');
    // tmate: waiting on `tmate-ready` returns once the relay said READY.
    if plain && name == "tmate-ready" {
        let wait = crate::uplink::wait_ready(state)?;
        return Ok(CmdResult {
            wait,
            ..CmdResult::default()
        });
    }
    if args.has('S') {
        let ch = state.channels.entry(name.clone()).or_default();
        if ch.waiters.is_empty() && !ch.woken {
            ch.woken = true;
            return Ok(CmdResult::default());
        }
        for w in ch.waiters.drain(..) {
            let _ = w.send(());
        }
        remove_if_idle(state, &name);
        return Ok(CmdResult::default());
    }
    if args.has('U') {
        let Some(ch) = state.channels.get_mut(&name).filter(|c| c.locked) else {
            return fail(format!("channel {name} not locked"));
        };
        // The lock passes to the first live waiter, else it opens.
        while let Some(next) = ch.lockers.pop_front() {
            if next.send(()).is_ok() {
                return Ok(CmdResult::default());
            }
        }
        ch.locked = false;
        remove_if_idle(state, &name);
        return Ok(CmdResult::default());
    }
    let ch = state.channels.entry(name.clone()).or_default();
    if args.has('L') {
        if !ch.locked {
            ch.locked = true;
            return Ok(CmdResult::default());
        }
        if ch.lockers.len() >= MAX_WAITERS {
            return fail(format!("too many clients waiting for {name}"));
        }
        let (tx, rx) = oneshot::channel();
        ch.lockers.push_back(tx);
        return deferred(async move {
            let _ = rx.await;
            Ok(CmdResult::default())
        });
    }
    if ch.woken {
        state.channels.remove(&name);
        return Ok(CmdResult::default());
    }
    // Waiters whose clients went away are dropped before counting.
    ch.waiters.retain(|w| !w.is_closed());
    if ch.waiters.len() >= MAX_WAITERS {
        return fail(format!("too many clients waiting for {name}"));
    }
    let (tx, rx) = oneshot::channel();
    ch.waiters.push(tx);
    deferred(async move {
        let _ = rx.await;
        Ok(CmdResult::default())
    })
}

fn remove_if_idle(state: &mut State, name: &str) {
    let idle = state
        .channels
        .get(name)
        .is_some_and(|c: &Channel| !c.woken && !c.locked && c.waiters.is_empty());
    if idle {
        state.channels.remove(name);
    }
}

/// How a job ended, as tmux reports it.
struct JobExit {
    output: String,
    /// Exit status, or 128 + signal.
    code: i32,
    /// `'cmd' returned N` / `'cmd' terminated by signal N`.
    note: Option<String>,
}

/// `/bin/sh -c cmd` like tmux's `job_run`: stdin and stdout a pipe, stderr /dev/null.
async fn run_job(cmd: String, cwd: String, env: Vec<(String, String)>) -> JobExit {
    let dir = if std::path::Path::new(&cwd).is_dir() {
        cwd
    } else {
        "/".to_string()
    };
    let child = tokio::process::Command::new("/bin/sh")
        .arg("-c")
        .arg(&cmd)
        .current_dir(dir)
        .env_clear()
        .envs(env)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            return JobExit {
                output: String::new(),
                code: 1,
                note: Some(format!("failed to run command: {cmd}: {e}")),
            };
        }
    };
    let mut output = Vec::new();
    if let Some(mut out) = child.stdout.take() {
        let mut buf = [0u8; 4096];
        // Read to the end (so the job never blocks on a full pipe), keeping a bounded part.
        while let Ok(n) = out.read(&mut buf).await {
            if n == 0 {
                break;
            }
            let room = MAX_OUTPUT.saturating_sub(output.len());
            output.extend_from_slice(buf.get(..n.min(room)).unwrap_or_default());
        }
    }
    let status = child.wait().await;
    use std::os::unix::process::ExitStatusExt;
    let (code, note) = match status {
        Ok(s) => match (s.code(), s.signal()) {
            (Some(0), _) => (0, None),
            (Some(c), _) => (c, Some(format!("'{cmd}' returned {c}"))),
            (None, Some(sig)) => (
                128 + sig,
                Some(format!("'{cmd}' terminated by signal {sig}")),
            ),
            (None, None) => (0, None),
        },
        Err(e) => (1, Some(format!("'{cmd}' failed: {e}"))),
    };
    JobExit {
        output: String::from_utf8_lossy(&output).into_owned(),
        code,
        note,
    }
}

/// run-shell output goes where tmux 3.3a puts it (`cmd_run_shell_print`): line by line into
/// the view mode of the `-t` pane, else the session's active pane (the client's, or the best
/// session's), parsed as terminal output; then `'cmd' returned N`. Never to the client.
fn show_output(shared: &Arc<Shared>, pane: Option<u32>, session: u32, exit: &JobExit) {
    let mut st = shared.lock();
    let Some(pane) = pane
        .filter(|p| st.panes.contains_key(p))
        .or_else(|| crate::copy::active_pane(&st, session))
    else {
        return;
    };
    // tmux reads LF-ended lines, then whatever is left without one.
    let text = exit.output.strip_suffix('\n').unwrap_or(&exit.output);
    if !exit.output.is_empty() {
        for line in text.split('\n') {
            crate::copy::view_add(&mut st, pane, line, true);
        }
    }
    if let Some(note) = &exit.note {
        crate::copy::view_add(&mut st, pane, note, true);
    }
    // pane-mode-changed of the view, before the command list goes on (as tmux's hooks run
    // in the queue's order).
    crate::hooks::drain(shared, &mut st);
}

pub fn run_shell(ctx: &Ctx<'_>, state: &mut State, args: &Args, t: Option<Target>) -> CmdOutcome {
    let delay = match args.get('d') {
        Some(d) => match d.parse::<f64>() {
            Ok(v) if v.is_finite() => Some(v.clamp(0.0, MAX_DELAY)),
            _ => return fail(format!("invalid delay time: {d}")),
        },
        None if args.rest.is_empty() => return Ok(CmdResult::default()),
        None => None,
    };
    let raw = args.rest.first().cloned();
    let shared = Arc::clone(ctx.shared);
    let client = ctx.client.clone();
    let cwd = ctx.client.cwd.clone();
    // A `-t` naming nothing still keeps the output from the command client: tmux shows it
    // in the best session's pane (`cmd_find_from_nothing`).
    let session = t.map(|t| t.session).or_else(|| {
        args.has('t')
            .then(|| super::current_session(ctx, state))
            .flatten()
    });
    let pane = t.filter(|_| args.has('t')).map(|t| t.pane);
    let env = state.job_environment(session);
    let fmt = t.map_or(crate::format::Ctx::NONE, Target::fmt);
    let as_commands = args.has('C');
    // tmux 3.3a expands the shell command and, with -C, the commands too
    // (`args_make_commands_prepare` with `expand`), `#{command}` being run-shell's.
    let cmd = raw.map(|c| crate::format::expand(state, fmt, &c));
    let job = async move {
        if let Some(d) = delay {
            tokio::time::sleep(Duration::from_secs_f64(d)).await;
        }
        let Some(cmd) = cmd else {
            return Ok(CmdResult::default());
        };
        if as_commands {
            let r = {
                let mut st = shared.lock();
                let commands = crate::parse::parse_line_grouped_in(&st.environ, &cmd)?;
                super::run_list(&shared, &mut st, &client, &commands)
            };
            shared.notify();
            return Ok(merge(CmdResult::default(), r).await);
        }
        let exit = run_job(cmd, cwd, env).await;
        let code = u8::try_from(exit.code).unwrap_or(1);
        let Some(session) = session else {
            // No pane to show it in (a config read before any session): to whoever ran it.
            let mut shown = exit.output;
            if let Some(n) = &exit.note {
                shown.push_str(n);
            }
            return Ok(CmdResult {
                out: shown,
                code,
                ..CmdResult::default()
            });
        };
        show_output(&shared, pane, session, &exit);
        shared.notify();
        Ok(CmdResult {
            code,
            ..CmdResult::default()
        })
    };
    if args.has('b') {
        // In the background: nobody waits and the exit status is not reported.
        tokio::spawn(job);
        return Ok(CmdResult::default());
    }
    deferred(job)
}

pub fn if_shell(ctx: &Ctx<'_>, state: &mut State, args: &Args, t: Option<Target>) -> CmdOutcome {
    let test = crate::format::expand(
        state,
        t.map_or(crate::format::Ctx::NONE, Target::fmt),
        args.rest.first().map(String::as_str).unwrap_or_default(),
    );
    let then = args.rest.get(1).cloned().unwrap_or_default();
    let other = args.rest.get(2).cloned();
    if args.has('F') {
        let chosen = if !test.is_empty() && !test.starts_with('0') {
            Some(then)
        } else {
            other
        };
        let Some(chosen) = chosen else {
            return Ok(CmdResult::default());
        };
        let commands = crate::parse::parse_line_grouped_in(&state.environ, &chosen)?;
        return Ok(super::run_list(ctx.shared, state, ctx.client, &commands));
    }
    let shared = Arc::clone(ctx.shared);
    let client = ctx.client.clone();
    let cwd = ctx.client.cwd.clone();
    let env = state.job_environment(t.map(|t| t.session));
    let job = async move {
        let exit = run_job(test, cwd, env).await;
        let chosen = if exit.code == 0 { Some(then) } else { other };
        let Some(chosen) = chosen else {
            return Ok(CmdResult::default());
        };
        let r = {
            let mut st = shared.lock();
            let commands = crate::parse::parse_line_grouped_in(&st.environ, &chosen)?;
            super::run_list(&shared, &mut st, &client, &commands)
        };
        shared.notify();
        Ok(merge(CmdResult::default(), r).await)
    };
    if args.has('b') {
        tokio::spawn(job);
        return Ok(CmdResult::default());
    }
    deferred(job)
}

/// refresh-client: redraw the client (the next frame is a full one anyway); a control
/// client's flags, size and pane states (`crate::control::refresh_client`).
pub fn refresh_client(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    let Some(client) = super::current_client(ctx, state) else {
        return fail("no current client");
    };
    crate::control::refresh_client(state, client, args)?;
    ctx.shared.notify();
    Ok(CmdResult::default())
}
