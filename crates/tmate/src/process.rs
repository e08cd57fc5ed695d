//! Pane processes: spawning and respawning a pane's program on a PTY with its reader and
//! writer tasks, what it exits with, writing keystrokes and sizes to its PTY, hanging it up,
//! and its foreground command (`#{pane_current_command}`, from /proc). The model (`state`)
//! holds the results; this is where the system calls are.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::server::Shared;
use crate::state::{Effect, HISTORY_LIMIT, PANE_INPUT_QUEUE, Pane, State};

/// history-limit is capped: a config asking for millions of lines per pane must not exhaust us.
const MAX_HISTORY: usize = 100_000;

/// `pane_current_command` as last read from /proc, for which process and when.
pub struct CommandCache {
    pid: i32,
    read_at: std::time::Instant,
    name: String,
}

/// How long a `pane_current_command` read stays good while the foreground process is the
/// same: catches an `exec` in that process (tmux renames windows every 500 ms, too).
const COMMAND_CACHE_AGE: std::time::Duration = std::time::Duration::from_millis(250);

/// Start a pane running `command` (or the login shell) in a `sx` x `sy` PTY. Returns the pane id.
pub fn spawn_pane(
    shared: &Arc<Shared>,
    state: &mut State,
    session: u32,
    command: Option<&str>,
    cwd: &str,
    sx: u16,
    sy: u16,
) -> Result<u32, String> {
    let id = state.alloc_pane();
    let started = start_process(shared, state, id, session, command, cwd, sx, sy)?;
    let history = history_limit(state, session);
    // `alternate-screen` as the session's current window has it (the pane has no window yet;
    // a split goes there, a new window starts from the globals).
    let current = state.sessions.get(&session).map_or(0, |s| s.current);
    let alternate = state.option(session, current, "alternate-screen") != "off";
    let scroll_on_clear = state.option(session, current, "scroll-on-clear") != "off";
    let mut term = tmate_term::PaneTerm::new(sx.max(1), sy.max(1), history);
    term.set_alternate_screen(alternate);
    term.set_scroll_on_clear(scroll_on_clear);
    let pane = new_pane(id, term, started, command, cwd);
    state.panes.insert(id, pane);
    Ok(id)
}

/// tmux's `parse_window_name`: the first word of a command line (inside a leading double
/// quote, after `exec ` and leading spaces and dashes), trailing characters that are neither
/// letters, digits nor punctuation dropped, a path's last part.
pub fn parse_window_name(line: &str) -> String {
    let mut name = line.strip_prefix('"').unwrap_or(line);
    if let Some(quote) = name.find('"') {
        name = name.get(..quote).unwrap_or_default();
    }
    name = name.strip_prefix("exec ").unwrap_or(name);
    name = name.trim_start_matches([' ', '-']);
    if let Some(space) = name.find(' ') {
        name = name.get(..space).unwrap_or_default();
    }
    let mut kept: Vec<char> = name.chars().collect();
    while kept.len() > 1
        && kept
            .last()
            .is_some_and(|c| !c.is_ascii_alphanumeric() && !c.is_ascii_punctuation())
    {
        kept.pop();
    }
    let name: String = kept.into_iter().collect();
    if name.starts_with('/') {
        return crate::format::modifiers::basename(&name);
    }
    name
}

/// A pane around a started program and its terminal.
fn new_pane(
    id: u32,
    term: tmate_term::PaneTerm,
    started: Started,
    command: Option<&str>,
    cwd: &str,
) -> Pane {
    Pane {
        id,
        term,
        input: started.input,
        master: started.master,
        pid: started.pid,
        dead: None,
        command: command.map(str::to_string),
        start_command: String::new(),
        shell: started.shell,
        cwd: cwd.to_string(),
        generation: started.generation,
        modes: Vec::new(),
        copy: None,
        view: None,
        trees: Vec::new(),
        raised_mode: Default::default(),
        clock: None,
        pipe: None,
        command_cache: Default::default(),
        options: Default::default(),
        last_search: None,
        focused: false,
    }
}

/// A program already running on a PTY becomes pane `id` (a popup's moved into a pane, tmux
/// `popup_make_pane`): its terminal, input, master and pid as they are; its reader task
/// feeds the pane from then on under `generation`.
#[allow(
    clippy::too_many_arguments,
    reason = "the parts of a running program, as Started holds them"
)]
pub(crate) fn adopt_pane(
    state: &mut State,
    id: u32,
    term: tmate_term::PaneTerm,
    input: crate::state::PaneInput,
    master: Option<std::os::fd::OwnedFd>,
    pid: Option<i32>,
    generation: u64,
    cwd: &str,
) {
    let started = Started {
        input,
        master,
        pid,
        generation,
        shell: String::new(),
    };
    state
        .panes
        .insert(id, new_pane(id, term, started, None, cwd));
}

/// Record the arguments a pane was (re)started with, for `#{pane_start_command}` (tmux's
/// `cmd_stringify_argv`); no arguments leave what it had (respawn keeps the first command).
pub fn note_start_command(state: &mut State, pane: u32, argv: &[String]) {
    if argv.is_empty() {
        return;
    }
    if let Some(p) = state.panes.get_mut(&pane) {
        let quoted: Vec<String> = argv.iter().map(|a| crate::options::escape(a)).collect();
        p.start_command = quoted.join(" ");
    }
}

/// respawn-pane: a new program in an existing pane, same size, fresh screen (tmux
/// `screen_reinit`), in `cwd` or else where the pane started. The caller has hung up a live
/// program already (`-k`).
pub fn respawn_pane(
    shared: &Arc<Shared>,
    state: &mut State,
    pane: u32,
    command: Option<&str>,
    cwd: Option<&str>,
) -> Result<(), String> {
    let (sid, _) = state.locate_pane(pane).ok_or("no pane")?;
    let cwd = match cwd {
        Some(c) => c.to_string(),
        None => state
            .panes
            .get(&pane)
            .map(|p| p.cwd.clone())
            .unwrap_or_default(),
    };
    let cwd = cwd.as_str();
    let (sx, sy) = state
        .panes
        .get(&pane)
        .map(|p| p.term.size())
        .ok_or("no pane")?;
    let started = start_process(shared, state, pane, sid, command, cwd, sx, sy)?;
    let history = history_limit(state, sid);
    let mut modes = 0;
    if let Some(p) = state.panes.get_mut(&pane) {
        // A fresh screen: tmux resets the pane's modes (copy mode ends).
        modes = p.drop_modes();
        // tmux keeps the pane's palette (OSC 4, 10, 11) across a respawn.
        let palette = p.term.palette().clone();
        p.term = tmate_term::PaneTerm::new(sx.max(1), sy.max(1), history);
        p.term.set_palette(palette);
        p.input = started.input;
        p.master = started.master;
        p.pid = started.pid;
        p.dead = None;
        p.command = command.map(str::to_string);
        p.shell = started.shell;
        p.cwd = cwd.to_string();
        p.generation = started.generation;
    }
    for _ in 0..modes {
        state.mode_changed(pane);
    }
    Ok(())
}

fn history_limit(state: &State, session: u32) -> usize {
    let idx = state.sessions.get(&session).map(|s| s.current).unwrap_or(0);
    usize::try_from(state.option_num(session, idx, "history-limit"))
        .unwrap_or(HISTORY_LIMIT)
        .min(MAX_HISTORY)
}

/// A started pane program: its input queue, PTY master and pid.
struct Started {
    input: crate::state::PaneInput,
    master: Option<std::os::fd::OwnedFd>,
    pid: Option<i32>,
    generation: u64,
    /// The shell it was started with (`Pane::shell`); empty for a program started elsewhere.
    shell: String,
}

/// Longest a pane's reader keeps the server's thread during a flood before letting the
/// clients redraw (about 100 frames a second).
const FLOOD_TURN: Duration = Duration::from_millis(10);

/// Spawns so far; a pane's PTY tasks act on the pane only while it holds their generation.
static GENERATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// A new spawn's generation (a popup's program moved into a pane takes one too).
pub(crate) fn next_generation() -> u64 {
    GENERATION.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

#[allow(clippy::too_many_arguments)]
fn start_process(
    shared: &Arc<Shared>,
    state: &mut State,
    id: u32,
    session: u32,
    command: Option<&str>,
    cwd: &str,
    sx: u16,
    sy: u16,
) -> Result<Started, String> {
    let generation = next_generation();
    let shell = default_shell(state, session);
    let cmd = pane_command(state, id, session, &shell, command, cwd);
    let program = start_on_pty(cmd, sx, sy).map_err(|e| format!("create pane failed: {e}"))?;
    let PtyProgram {
        input,
        master,
        pid,
        reader,
        child,
    } = program;
    let shared = Arc::clone(shared);
    tokio::spawn(async move {
        read_output(&shared, id, generation, &reader).await;
        program_ended(&shared, id, generation, child).await;
    });
    Ok(Started {
        input,
        master,
        pid,
        generation,
        shell,
    })
}

/// A program started on a PTY of its own: its input, the master for sizes and direct writes,
/// and what its reader task needs (a pane's, or a popup's in `crate::popup`).
pub struct PtyProgram {
    pub input: crate::state::PaneInput,
    pub master: Option<std::os::fd::OwnedFd>,
    pub pid: Option<i32>,
    pub reader: tokio::io::unix::AsyncFd<std::os::fd::OwnedFd>,
    pub child: tokio::process::Child,
}

/// Start `cmd` on a new `sx` x `sy` PTY.
pub fn start_on_pty(cmd: pty_process::Command, sx: u16, sy: u16) -> Result<PtyProgram, String> {
    let failed = |e: &dyn std::fmt::Display| e.to_string();
    let (pty, pts) = pty_process::open().map_err(|e| failed(&e))?;
    pty.resize(pty_process::Size::new(sy.max(1), sx.max(1)))
        .map_err(|e| failed(&e))?;
    // Keystrokes are written on this duplicate from the server's tasks: it must never block
    // (the flag is the PTY's own, which tokio has set already; made sure here).
    let master = rustix::io::fcntl_dupfd_cloexec(&pty, 0)
        .ok()
        .filter(|fd| rustix::io::ioctl_fionbio(fd, true).is_ok());
    // The PTY is read through a read-only registration and written without one (`fdio`):
    // pty-process's own polls for both, which woke the server after every keystroke it wrote.
    let writer = rustix::io::fcntl_dupfd_cloexec(&pty, 0).map_err(|e| failed(&e))?;
    let reader_fd = rustix::io::fcntl_dupfd_cloexec(&pty, 0).map_err(|e| failed(&e))?;
    drop(pty);
    let reader = crate::fdio::reader(reader_fd).map_err(|e| failed(&e))?;
    let child = cmd.spawn(pts).map_err(|e| failed(&e))?;
    let pid = child.id().and_then(|p| i32::try_from(p).ok());
    Ok(PtyProgram {
        input: spawn_writer(writer),
        master,
        pid,
        reader,
        child,
    })
}

/// The environment a session's programs start with (tmux `environ_for_session`): the global
/// and session environments, `default-terminal` as TERM, and tmux's `TMUX`.
pub fn session_environment(state: &State, session: u32) -> Vec<(String, String)> {
    let idx = state.sessions.get(&session).map(|s| s.current).unwrap_or(0);
    let term = Some(state.option(session, idx, "default-terminal"))
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| "screen".to_string());
    let mut session_env = state
        .sessions
        .get(&session)
        .map(|s| s.environ.clone())
        .unwrap_or_default();
    for (name, var) in state.spawn_env.iter().flat_map(|e| e.iter()) {
        let _ = session_env.set(name, var.value.clone(), var.hidden);
    }
    state.environment_for(Some(&session_env), Some(term), Some(session))
}

/// The pane's program: `command` through `default-shell -c`, or that shell as a login shell,
/// in `cwd` (or /), with the session's environment and tmux's `TMUX_PANE`.
fn pane_command(
    state: &State,
    id: u32,
    session: u32,
    shell: &str,
    command: Option<&str>,
    cwd: &str,
) -> pty_process::Command {
    let base = shell.rsplit('/').next().unwrap_or("sh").to_string();
    let mut cmd = pty_process::Command::new(shell);
    cmd = match command {
        Some(c) => cmd.arg("-c").arg(c),
        // tmux starts the default shell as a login shell: argv[0] "-sh".
        None => cmd.arg0(format!("-{base}")),
    };
    let dir = if Path::new(cwd).is_dir() {
        cwd.to_string()
    } else {
        "/".to_string()
    };
    cmd.current_dir(dir)
        .env_clear()
        .envs(session_environment(state, session))
        .env("TMUX_PANE", format!("%{id}"))
}

/// `default-shell` when it is an absolute path that exists, else /bin/sh (tmux `checkshell`).
pub fn default_shell(state: &State, session: u32) -> String {
    let idx = state.sessions.get(&session).map(|s| s.current).unwrap_or(0);
    Some(state.option(session, idx, "default-shell"))
        .filter(|s| s.starts_with('/') && Path::new(s).exists())
        .unwrap_or_else(|| "/bin/sh".to_string())
}

/// The pane's writer task: queued input to the PTY in order, until a write fails.
fn spawn_writer(writer: std::os::fd::OwnedFd) -> crate::state::PaneInput {
    let (tx, mut rx) = mpsc::channel::<Vec<u8>>(PANE_INPUT_QUEUE);
    let pending = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let pending2 = Arc::clone(&pending);
    tokio::spawn(async move {
        while let Some(bytes) = rx.recv().await {
            let ok = crate::fdio::write_all(&writer, &bytes).await.is_ok();
            pending2.fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
            if !ok {
                break;
            }
        }
    });
    crate::state::PaneInput { queue: tx, pending }
}

/// Output of pane `id`'s program of spawn `generation` into its terminal, and on to what
/// follows a pane's output (copy mode, pipe-pane, the relay, control clients, alerts, OSC 52,
/// renames, passthrough, focus reports, title hooks). True when hooks were queued (the caller
/// runs them, holding the server's handle).
pub(crate) fn feed_pane(st: &mut State, id: u32, generation: u64, bytes: &[u8]) -> bool {
    let Some(p) = st.panes.get_mut(&id).filter(|p| p.generation == generation) else {
        return false;
    };
    let focus_reports = p.term.modes().focus_events;
    p.term.feed(bytes);
    let focus_asked = !focus_reports && p.term.modes().focus_events;
    let titled = p.term.take_title_set();
    let bell = p.term.take_bell();
    let clipboard = p.term.take_clipboard();
    let rename = p.term.take_rename();
    let passthrough = p.term.take_passthrough();
    crate::copy::after_output(p);
    if let Some(pipe) = &p.pipe {
        pipe.output(bytes);
    }
    // A pane in a tree mode shows the mode's screen to the relay too.
    if p.tree_top().is_none() {
        crate::uplink::pane_output(st, id, bytes);
    }
    crate::control::pane_output(st, id, bytes);
    crate::alerts::pane_output(st, id, bell);
    for (osc, bel) in clipboard {
        crate::copy::clipboard::pane_osc52(st, id, &osc, bel);
    }
    if let Some(name) = rename {
        st.program_rename(id, &name);
    }
    for data in passthrough {
        st.passthrough(id, data);
    }
    // Device attributes, device status and the cursor position, answered as tmux's input.c
    // answers them (before the colour replies: both in the order asked would need one queue).
    if let Some(p) = st.panes.get_mut(&id) {
        let replies = p.term.take_replies();
        if !replies.is_empty() {
            p.write(replies);
        }
    }
    crate::palette::pane_output(st, id);
    if focus_asked {
        crate::focus::reports_enabled(st, id);
    }
    if titled > 0 {
        // tmux raises pane-title-changed on each title the program sets.
        st.titles_set(id, titled);
    }
    titled > 0
}

/// The pane's output until the PTY ends: into its terminal, copy mode and the uplink, while
/// the pane still holds this spawn's `generation`.
pub(crate) async fn read_output(
    shared: &Arc<Shared>,
    id: u32,
    generation: u64,
    reader: &tokio::io::unix::AsyncFd<std::os::fd::OwnedFd>,
) {
    let mut buf = vec![0u8; 64 * 1024];
    let mut last_turn = std::time::Instant::now();
    loop {
        // A flood never leaves the PTY empty, so this task would keep the (single) thread
        // to itself and the attached clients would not redraw until it ends: it gives way
        // every FLOOD_TURN, as tmux shows a flood as it goes.
        if last_turn.elapsed() >= FLOOD_TURN {
            tokio::task::yield_now().await;
            last_turn = std::time::Instant::now();
        }
        match crate::fdio::read_gathering(reader, &mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if let Some(bytes) = buf.get(..n) {
                    let mut st = shared.lock();
                    if feed_pane(&mut st, id, generation, bytes) {
                        crate::hooks::drain(shared, &mut st);
                    }
                }
                shared.notify_output();
            }
        }
    }
}

/// The PTY ended: reap the program and close the pane (or keep it dead), unless it was
/// respawned meanwhile.
pub(crate) async fn program_ended(
    shared: &Arc<Shared>,
    id: u32,
    generation: u64,
    mut child: tokio::process::Child,
) {
    // A respawned pane has new PTY tasks; this spawn's end is no longer its end.
    let current = |st: &State| {
        st.panes
            .get(&id)
            .is_some_and(|p| p.generation == generation)
    };
    if current(&shared.lock()) {
        crate::uplink::foreground_restart(shared, id).await;
    }
    // Reap the child first (tmux closes a pane once it has both EOF and the exit status);
    // one that ignores SIGHUP is killed after a while.
    let status = match tokio::time::timeout(Duration::from_secs(5), child.wait()).await {
        Ok(Ok(status)) => Some(status),
        _ => {
            let _ = child.kill().await;
            None
        }
    };
    crate::pipe::drain_before_close(shared, id, generation).await;
    pane_program_ended(shared, id, generation, status);
}

/// Pane `id`'s program of spawn `generation` was reaped with `status` (`None`: killed after
/// ignoring the hang-up): the pane closes or stays dead (remain-on-exit).
pub(crate) fn pane_program_ended(
    shared: &Arc<Shared>,
    id: u32,
    generation: u64,
    status: Option<std::process::ExitStatus>,
) {
    {
        let mut st = shared.lock();
        if st
            .panes
            .get(&id)
            .is_some_and(|p| p.generation == generation)
        {
            pane_exited(&mut st, id, status);
            crate::hooks::drain(shared, &mut st);
        }
        shared.check_empty(&st);
    }
    shared.notify();
}

/// A pane's program ended: remove the pane, or keep it dead with tmux's remain-on-exit
/// message on its last line (`on`, or `failed` for a non-zero exit or a signal).
fn pane_exited(state: &mut State, id: u32, status: Option<std::process::ExitStatus>) {
    use std::os::unix::process::ExitStatusExt;
    let exit = crate::state::Exit {
        status: status.and_then(|s| s.code()),
        signal: status.and_then(|s| s.signal()),
        time: crate::state::now_secs(),
    };
    let remain = state.pane_option(id, "remain-on-exit");
    let keep = match remain.as_str() {
        "on" => true,
        "failed" => exit.status != Some(0),
        _ => false,
    };
    let hook = if keep { "pane-died" } else { "pane-exited" };
    let at = state.locate_pane(id);
    if let Some((sid, idx)) = at {
        state.notify_window(hook, sid, idx, Some(id));
    }
    let Some(p) = state.panes.get_mut(&id).filter(|_| keep) else {
        state.remove_pane(id);
        return;
    };
    p.dead = Some(exit);
    let (sx, sy) = p.term.size();
    // tmux `server_destroy_pane`: `remain-on-exit-format` expanded for the pane (its dead
    // status, signal and time now set) and drawn with its styles.
    let fmt = state.pane_option(id, "remain-on-exit-format");
    let text = match at {
        Some((session, window)) => crate::format::expand(
            state,
            crate::format::Ctx {
                session,
                window,
                pane: id,
            },
            &fmt,
        ),
        None => fmt,
    };
    let mut bytes = format!("\x1b[r\x1b[{sy};1H\n\x1b[0m").into_bytes();
    bytes.extend(drawn_line(&text, sx));
    if let Some(p) = state.panes.get_mut(&id) {
        p.term.feed(&bytes);
    }
}

/// A format's text drawn on one line of `width` cells (tmux `format_draw` into a pane) as
/// the SGR and characters that write it, without the blanks after its last character.
fn drawn_line(text: &str, width: u16) -> Vec<u8> {
    use tmate_term::{Cell, Style};
    if text.is_empty() {
        return Vec::new();
    }
    let mut row = vec![Cell::blank(Style::default()); usize::from(width)];
    tmate_term::format_draw(&mut row, text, Style::default());
    let used = row
        .iter()
        .rposition(|c| !c.is_default_blank())
        .map_or(0, |i| i + 1);
    let mut out = Vec::new();
    let mut last: Option<Style> = None;
    for cell in row.iter().take(used).filter(|c| c.width != 0) {
        if last != Some(cell.style) {
            crate::uplink::screen::sgr(&cell.style, &mut out);
            last = Some(cell.style);
        }
        out.extend_from_slice(cell.text.as_bytes());
    }
    out.extend_from_slice(b"\x1b[0m");
    out
}

impl Pane {
    /// tmux `pane_current_command`: basename of the foreground process's argv[0]; with no
    /// process (a dead pane) the command it started with, else its shell, as tmux's
    /// `format_cb_current_command` reads them through `parse_window_name`.
    pub fn current_command(&self) -> String {
        // A dead pane's process may linger a moment (not yet reaped): tmux has closed it.
        if self.dead.is_none() {
            let running = self.running_command();
            if !running.is_empty() {
                return running;
            }
        }
        let fallback = if self.start_command.is_empty() {
            &self.shell
        } else {
            &self.start_command
        };
        parse_window_name(fallback)
    }

    /// Basename of the foreground process's argv[0] (empty when there is none).
    fn running_command(&self) -> String {
        let pgrp = self
            .master
            .as_ref()
            .and_then(|fd| rustix::termios::tcgetpgrp(fd).ok())
            .map(|p| p.as_raw_nonzero().get())
            .or(self.pid);
        let Some(pid) = pgrp else {
            return String::new();
        };
        if let Ok(cache) = self.command_cache.try_borrow()
            && let Some(c) = cache.as_ref()
            && c.pid == pid
            && c.read_at.elapsed() < COMMAND_CACHE_AGE
        {
            return c.name.clone();
        }
        let name = Self::read_command(pid);
        if let Ok(mut cache) = self.command_cache.try_borrow_mut() {
            *cache = Some(CommandCache {
                pid,
                read_at: std::time::Instant::now(),
                name: name.clone(),
            });
        }
        name
    }

    /// Basename of argv[0] of process `pid`, without a login shell's `-`.
    fn read_command(pid: i32) -> String {
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        let argv0 = cmdline.split(|b| *b == 0).next().unwrap_or_default();
        let argv0 = String::from_utf8_lossy(argv0);
        let argv0 = argv0.trim_start_matches('-').trim_end();
        argv0.rsplit('/').next().unwrap_or_default().to_string()
    }

    pub fn write(&self, bytes: Vec<u8>) {
        write_input(self.master.as_ref(), &self.input, bytes);
    }
}

/// Input for a program on a PTY: straight to its master when nothing waits, else (or for what
/// the PTY does not take) queued for its writer task, in order.
pub fn write_input(
    master: Option<&std::os::fd::OwnedFd>,
    input: &crate::state::PaneInput,
    bytes: Vec<u8>,
) {
    use std::sync::atomic::Ordering;
    let mut written = 0;
    if input.pending.load(Ordering::Acquire) == 0
        && let Some(fd) = master
    {
        match rustix::io::write(fd, &bytes) {
            Ok(n) => written = n,
            Err(rustix::io::Errno::AGAIN | rustix::io::Errno::INTR) => {}
            // The PTY is gone (the program exited); its reader task ends the pane.
            Err(_) => return,
        }
    }
    let Some(rest) = bytes.get(written..).filter(|r| !r.is_empty()) else {
        return;
    };
    input.pending.fetch_add(1, Ordering::AcqRel);
    // Full queue: the program is not reading; dropping keys beats blocking the server.
    if input.queue.try_send(rest.to_vec()).is_err() {
        input.pending.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Tell the PTY the pane's new size (its program gets SIGWINCH).
pub fn set_window_size(pane: &Pane, sx: u16, sy: u16) {
    if let Some(fd) = &pane.master {
        let ws = rustix::termios::Winsize {
            ws_row: sy,
            ws_col: sx,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        let _ = rustix::termios::tcsetwinsize(fd, ws);
    }
}

/// Carry out what the model asked for while it was locked (`state::Effect`).
pub fn apply_effects(state: &mut State) {
    for effect in std::mem::take(&mut state.effects) {
        match effect {
            Effect::ResizePty(id) => {
                if let Some(pane) = state.panes.get(&id) {
                    let (sx, sy) = pane.term.size();
                    set_window_size(pane, sx, sy);
                }
            }
            Effect::Hangup(pid) => hangup(pid),
        }
    }
}

/// SIGHUP to the pane's process group and process (tmux closes the PTY the same way).
pub fn hangup(pid: i32) {
    if let Some(pid) = rustix::process::Pid::from_raw(pid) {
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::HUP);
        let _ = rustix::process::kill_process(pid, rustix::process::Signal::HUP);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::PaneInput;
    use std::io::Read;
    use std::os::fd::OwnedFd;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tmate_term::PaneTerm;

    #[test]
    fn window_names_from_command_lines_as_tmux_parses_them() {
        assert_eq!(parse_window_name("vim file.txt"), "vim");
        assert_eq!(
            parse_window_name("\"maximized... 2>/dev/null & \\\"x\\\"\""),
            "maximized..."
        );
        assert_eq!(parse_window_name("exec /usr/bin/top -d 1"), "top");
        assert_eq!(parse_window_name("  --bash"), "bash");
        assert_eq!(parse_window_name("/bin/sh"), "sh");
        assert_eq!(parse_window_name("caf\u{e9}\u{e9}"), "caf");
        assert_eq!(parse_window_name(""), "");
    }

    /// A pane whose "PTY" is the write end of a non-blocking pipe; returns the read end and
    /// the queue the writer task would drain.
    fn pane_on_pipe() -> (Pane, std::io::PipeReader, mpsc::Receiver<Vec<u8>>) {
        let (reader, writer) = std::io::pipe().unwrap();
        let writer = OwnedFd::from(writer);
        rustix::io::ioctl_fionbio(&writer, true).unwrap();
        let (queue, rx) = mpsc::channel(PANE_INPUT_QUEUE);
        let started = Started {
            input: PaneInput {
                queue,
                pending: Arc::new(AtomicUsize::new(0)),
            },
            master: Some(writer),
            pid: None,
            generation: 0,
            shell: String::new(),
        };
        let pane = new_pane(0, PaneTerm::new(10, 5, 10), started, None, "");
        (pane, reader, rx)
    }

    fn available(reader: &mut std::io::PipeReader) -> Vec<u8> {
        rustix::io::ioctl_fionbio(&*reader, true).unwrap();
        let mut buf = vec![0u8; 1 << 20];
        match reader.read(&mut buf) {
            Ok(n) => buf[..n].to_vec(),
            Err(_) => Vec::new(),
        }
    }

    #[test]
    fn keys_go_straight_to_the_pty_when_nothing_waits() {
        let (pane, mut reader, mut rx) = pane_on_pipe();
        pane.write(b"ls\r".to_vec());
        assert_eq!(available(&mut reader), b"ls\r");
        assert!(rx.try_recv().is_err());
        assert_eq!(pane.input.pending.load(Ordering::Acquire), 0);
    }

    #[test]
    fn keys_queue_behind_input_that_still_waits() {
        let (pane, mut reader, mut rx) = pane_on_pipe();
        pane.input.pending.store(1, Ordering::Release);
        pane.write(b"later".to_vec());
        assert!(
            available(&mut reader).is_empty(),
            "passed the waiting input"
        );
        assert_eq!(rx.try_recv().unwrap(), b"later");
        assert_eq!(pane.input.pending.load(Ordering::Acquire), 2);
    }

    #[test]
    fn what_a_full_pty_does_not_take_is_queued_in_order() {
        let (pane, mut reader, mut rx) = pane_on_pipe();
        // More than a pipe holds (64 KiB): the first part is written, the rest queued.
        let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        pane.write(big.clone());
        pane.write(b"after".to_vec());
        let mut got = available(&mut reader);
        assert!(!got.is_empty() && got.len() < big.len());
        while let Ok(queued) = rx.try_recv() {
            got.extend_from_slice(&queued);
        }
        let mut want = big;
        want.extend_from_slice(b"after");
        assert!(got == want, "lost or reordered");
        assert_eq!(pane.input.pending.load(Ordering::Acquire), 2);
    }

    #[test]
    fn the_model_asks_for_pty_sizes_and_hangups_instead_of_making_the_calls() {
        use crate::layout::Dir;
        use crate::state::{Session, Window};
        let mut state = State::default();
        for id in [1, 2] {
            let (mut pane, _reader, _rx) = pane_on_pipe();
            pane.id = id;
            // Never applied here; and no process has pid -1 (rustix refuses it).
            pane.pid = Some(-1);
            state.panes.insert(id, pane);
        }
        state.sessions.insert(
            1,
            Session::new(
                1,
                "0",
                [(0, Window::new(1, None, 1, 10, 5))].into(),
                0,
                (10, 5),
                0,
            ),
        );
        state.split(1, 0, 1, Dir::LeftRight, 2).unwrap();
        assert!(
            state.effects.contains(&Effect::ResizePty(1)),
            "the split pane's PTY follows its new width: {:?}",
            state.effects
        );
        state.effects.clear();
        state.remove_pane(2);
        // The program of the removed pane is hung up, the survivor takes the width back.
        assert_eq!(
            state.effects,
            vec![Effect::Hangup(-1), Effect::ResizePty(1)]
        );
        assert_eq!(state.panes.get(&1).map(|p| p.term.size()), Some((10, 5)));
    }
}
