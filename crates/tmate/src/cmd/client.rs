//! Client and config commands: detach-client (-a -s -P -E), source-file (-q), show-messages, and
//! display-message (-p prints; otherwise the attached clients show it on the status line, for
//! `-d` or display-time milliseconds, 0 until a key).

use std::path::Path;

use super::{Args, CmdOutcome, CmdResult, Ctx, Find, Target, fail, output, resolve_as};
use crate::state::{ClientEvent, State};

/// The client a command acts on: the attached client that ran it (a key binding), else the
/// one attached to the caller's session (inside a pane), else the most recently active.
pub fn current_client(ctx: &Ctx<'_>, state: &State) -> Option<u32> {
    if let Some(c) = ctx
        .client
        .attached
        .filter(|c| state.clients.contains_key(c))
    {
        return Some(c);
    }
    let own = ctx.client.pane.and_then(|p| state.locate_pane(p));
    state.most_recent_client(own.map(|(s, _)| s))
}

/// The client a `-t`/`-c target-client` names by its terminal (tmux `cmd_find_client`: the
/// name, or it without `/dev/`), else the current one.
pub fn target_client(ctx: &Ctx<'_>, state: &State, name: Option<&str>) -> Result<u32, String> {
    match name {
        Some(t) => {
            super::target::client_named(state, t).ok_or_else(|| format!("can't find client: {t}"))
        }
        None => current_client(ctx, state).ok_or_else(|| "no current client".to_string()),
    }
}

pub(super) fn send(state: &State, client: u32, ev: ClientEvent) {
    if let Some(c) = state.clients.get(&client) {
        // A client that is not draining its queue misses the request rather than blocking us.
        let _ = c.events.try_send(ev);
    }
}

/// A command moved `client` to a session: it goes back to its default key table (tmux's
/// `server_client_set_key_table(c, NULL)`), unless its own key ran the command, whose
/// binding decides (a repeating one keeps its table, as tmux's CMDQ_STATE_REPEAT).
pub fn default_key_table(ctx: &Ctx<'_>, state: &State, client: u32) {
    if ctx.client.attached != Some(client) {
        send(state, client, ClientEvent::KeyTable(None));
    }
}

pub fn detach(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    let targets: Vec<u32> = if let Some(s) = args.get('s') {
        let sid = match resolve_as(ctx, state, Some(s), Find::Session) {
            Ok(t) => t.session,
            Err(e) => return fail(e),
        };
        state
            .clients
            .iter()
            .filter(|(_, c)| c.session == sid)
            .map(|(id, _)| *id)
            .collect()
    } else {
        let me = target_client(ctx, state, args.get('t'))?;
        if args.has('a') {
            state.clients.keys().copied().filter(|c| *c != me).collect()
        } else {
            vec![me]
        }
    };
    // tmux 3.3a: `-E` runs a command in the client's place (with the session's
    // default-shell; an empty one is ignored), `-P` sends SIGHUP to its parent.
    let event = match args.get('E') {
        Some("") => return Ok(CmdResult::default()),
        Some(command) => {
            let sid = targets
                .first()
                .and_then(|c| state.clients.get(c))
                .map(|c| c.session);
            let shell = sid
                .map(|s| state.session_option(s, "default-shell"))
                .filter(|s| s.starts_with('/') && Path::new(s).exists())
                .unwrap_or_else(|| "/bin/sh".to_string());
            ClientEvent::Exec(command.to_string(), shell)
        }
        None if args.has('P') => ClientEvent::DetachKill,
        None => ClientEvent::Detach,
    };
    for c in targets {
        send(state, c, event.clone());
    }
    Ok(CmdResult::default())
}

pub fn source_file(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    if args.rest.is_empty() {
        return fail("command source-file: too few arguments (need at least 1)");
    }
    let mut sourced = Sourced::default();
    let options = crate::config::LoadOptions {
        quiet: args.has('q'),
        parse_only: args.has('n'),
        lenient: false,
        verbose: args.has('v'),
    };
    let mut all = Vec::new();
    // -F: each path is a format, expanded at the command's current target as tmux's
    // format_single_from_target (`#{d:current_file}` names the file being read).
    let format_target = args.has('F').then(|| {
        super::resolve(ctx, state, None)
            .ok()
            .map_or(crate::format::Ctx::NONE, super::Target::fmt)
    });
    let given: Vec<String> = match format_target {
        Some(target) => args
            .rest
            .iter()
            .map(|f| crate::format::expand(state, target, f))
            .collect(),
        None => args.rest.clone(),
    };
    for f in &given {
        if f == "-" {
            // The client's standard input, read as a file named `-` (tmux).
            all.push(std::path::PathBuf::from("-"));
            continue;
        }
        let pattern = match f.strip_prefix("~/") {
            Some(rest) => Path::new(&std::env::var("HOME").unwrap_or_default()).join(rest),
            None => Path::new(&ctx.client.cwd).join(f),
        };
        let paths = crate::config::expand_glob(&pattern);
        if paths.is_empty() && !options.quiet {
            // As tmux: glob(3) found nothing, an error of the command (stderr), not a cause.
            // tmux names the path as given, not the pattern it made of it.
            sourced
                .missing
                .push_str(&format!("{f}: No such file or directory\n"));
        }
        all.extend(paths);
    }
    let mut paths = all.into_iter();
    while let Some(path) = paths.next() {
        let loaded = load_source(ctx.shared, state, ctx.client, &path, options);
        if loaded.rest.is_some() {
            // A run-shell or if-shell in the file: its later lines, and the files after it,
            // wait for it, and so does whatever follows source-file.
            let shared = std::sync::Arc::clone(ctx.shared);
            let client = ctx.client.clone();
            let paths: Vec<_> = paths.collect();
            let job = async move {
                sourced.add(crate::config::finish(&shared, loaded).await);
                for path in paths {
                    let loaded = {
                        let mut st = shared.lock();
                        load_source(&shared, &mut st, &client, &path, options)
                    };
                    sourced.add(crate::config::finish(&shared, loaded).await);
                }
                sourced.outcome()
            };
            return Ok(CmdResult {
                deferred: Some(super::script::Deferred(Box::pin(job))),
                ..CmdResult::default()
            });
        }
        sourced.add(loaded);
    }
    Ok(sourced.outcome())
}

/// One of source-file's files loaded: `-` is the command client's standard input (none for
/// a binding or a hook: tmux's `-: Bad file descriptor`).
fn load_source(
    shared: &std::sync::Arc<crate::server::Shared>,
    state: &mut State,
    client: &crate::server::ClientInfo,
    path: &Path,
    options: crate::config::LoadOptions,
) -> crate::config::Loaded {
    if path != Path::new("-") {
        return crate::config::load_file_printing(shared, state, client, path, options);
    }
    match &client.stdin {
        Some(data) => {
            let text = String::from_utf8_lossy(data);
            crate::config::load_text_printing(shared, state, client, "-", &text, options)
        }
        None => crate::config::Loaded {
            errors: vec!["-: Bad file descriptor".into()],
            ..crate::config::Loaded::default()
        },
    }
}

/// What source-file's files gave so far.
#[derive(Default)]
struct Sourced {
    failed: bool,
    /// Some file was read: its errors then stop nothing after source-file.
    read: bool,
    printed: String,
    missing: String,
    errors: String,
}

impl Sourced {
    fn add(&mut self, loaded: crate::config::Loaded) {
        // -v's lines come as tmux prints them, each file's before its causes.
        let lines = |v: &[String]| v.iter().map(|l| format!("{l}\n")).collect::<String>();
        self.printed.push_str(&lines(&loaded.printed));
        self.printed.push_str(&lines(&loaded.causes));
        self.errors.push_str(&lines(&loaded.errors));
        self.failed |= !loaded.causes.is_empty() || !loaded.errors.is_empty();
        self.read = true;
    }

    fn outcome(mut self) -> CmdResult {
        if !self.missing.is_empty() {
            // The missing file is source-file's own error, printed before those of the
            // files' commands (tmux runs them after it).
            self.missing.push_str(&self.errors);
            return CmdResult {
                out: self.printed,
                err: self.missing,
                code: 1,
                located: true,
                keep_going: self.read,
                ..CmdResult::default()
            };
        }
        // tmux prints config causes with cmdq_print: on stdout, and the command fails; its
        // commands' own errors are the client's (stderr).
        CmdResult {
            code: u8::from(self.failed),
            keep_going: true,
            located: !self.printed.is_empty(),
            out: self.printed,
            err: self.errors,
            ..CmdResult::default()
        }
    }
}

/// show-messages: the message log, newest first, each line as tmux 3.3a's template
/// `#{t/p:message_time}: #{message_text}`.
pub fn show_messages(ctx: &Ctx<'_>, state: &mut State, _args: &Args) -> CmdOutcome {
    let at = super::resolve(ctx, state, None).map_or(crate::format::Ctx::NONE, |t| t.fmt());
    let mut out = String::new();
    for m in state.messages.iter().rev() {
        let vars = vec![
            ("message_text".to_string(), m.text.clone()),
            ("message_number".into(), m.number.to_string()),
            ("message_time".into(), m.time.to_string()),
        ];
        let line = crate::format::with_vars(vars, || {
            crate::format::expand(state, at, SHOW_MESSAGES_TEMPLATE)
        });
        out.push_str(&line);
        out.push('\n');
    }
    output(out)
}

/// tmux 3.3a's SHOW_MESSAGES_TEMPLATE.
const SHOW_MESSAGES_TEMPLATE: &str = "#{t/p:message_time}: #{message_text}";

pub fn display(ctx: &Ctx<'_>, state: &mut State, args: &Args, t: Option<Target>) -> CmdOutcome {
    let default = "[#{session_name}] #{window_index}:#{window_name}, current pane #{pane_index} - (%H:%M %d-%b-%y)";
    let fmt = args
        .get('F')
        .or(args.rest.first().map(String::as_str))
        .unwrap_or(default);
    // `-c`: where the message goes, and the client formats see when it is in the target's
    // session (tmux 3.3a); a name that finds no client is no error (CMD_CLIENT_CANFAIL).
    let named = args
        .get('c')
        .map(|name| super::target::client_named(state, name));
    let format_client = named
        .flatten()
        .filter(|c| state.clients.get(c).map(|c| c.session) == t.map(|t| t.session));
    // As tmux's format_expand_time: strftime(3) first at every level, then the formats.
    let fmt_ctx = t.map_or(crate::format::Ctx::NONE, Target::fmt);
    let text = crate::format::with_client(format_client, || {
        crate::format::expand_time(state, fmt_ctx, fmt, std::time::SystemTime::now())
    });
    if args.has('p') {
        return output(format!("{text}\n"));
    }
    // To the client that ran it, or the clients of the target session; none: dropped (tmux).
    // -d: this many milliseconds instead of display-time; 0 keeps it until a key.
    let time = match args.get('d') {
        Some(d) => match d.parse::<u32>() {
            Ok(ms) => u64::from(ms),
            Err(_) => return fail(format!("delay {d} is invalid")),
        },
        None => u64::try_from(state.option_num(fmt_ctx.session, fmt_ctx.window, "display-time"))
            .unwrap_or(0),
    };
    let targets: Vec<u32> = match (named, ctx.client.attached) {
        (Some(named), _) => named.into_iter().collect(),
        (None, Some(c)) => vec![c],
        (None, None) => state
            .clients
            .iter()
            .filter(|(_, c)| Some(c.session) == t.map(|t| t.session))
            .map(|(id, _)| *id)
            .collect(),
    };
    // Each client logs the message as it shows it (tmux's `status_message_set`).
    for c in targets {
        send(
            state,
            c,
            ClientEvent::StyledMessage(text.clone(), time, args.has('N')),
        );
    }
    Ok(CmdResult::default())
}
