//! Commands that open an overlay on an attached client (tmux 3.3a `cmd-command-prompt.c`,
//! `cmd-confirm-before.c`, `cmd-display-panes.c`): command-prompt, confirm-before,
//! display-panes. They hand a `prompt::Request` to the client; `crate::prompt` does the rest.

use std::time::Duration;

use super::{Args, CmdOutcome, CmdResult, Ctx, current_client, fail};
use crate::prompt::{Action, Mode, PromptSpec, PromptType, Request, Waiter};
use crate::state::{ClientEvent, State};

/// The client to show on and the format context of its session's current pane.
fn target(ctx: &Ctx<'_>, state: &State) -> Result<(u32, crate::format::Ctx), String> {
    let client = current_client(ctx, state).ok_or("no current client")?;
    let sid = state
        .clients
        .get(&client)
        .map(|c| c.session)
        .ok_or("no current client")?;
    let s = state.sessions.get(&sid).ok_or("no current session")?;
    let pane = s.windows.get(&s.current).map(|w| w.active).unwrap_or(0);
    let fctx = crate::format::Ctx {
        session: sid,
        window: s.current,
        pane,
    };
    Ok((client, fctx))
}

/// Longest a command client waits for an overlay (tmux waits for ever; a day is plenty).
const MAX_WAIT: Duration = Duration::from_secs(24 * 60 * 60);

/// Whether this command waits for its overlay: without `-b` (tmux 3.3a's CMD_RETURN_WAIT),
/// from a command client or a key binding, whose list goes on once the overlay is answered
/// or closed; a control client's goes on at once.
fn waits(ctx: &Ctx<'_>, args: &Args) -> bool {
    !args.has('b') && !ctx.client.control
}

/// A waiter for the overlay (when the command waits) and the command's outcome: done at
/// once, or once the overlay answers, its commands run as the client's (tmux inserts them
/// after the waiting item, so their output and errors are the command client's, or shown on
/// the attached client whose binding waited), before the rest of the list.
fn waiting(ctx: &Ctx<'_>, wait: bool) -> (Waiter, CmdResult) {
    if !wait {
        return (Waiter::default(), CmdResult::default());
    }
    let (waiter, rx) = Waiter::new();
    let shared = std::sync::Arc::clone(ctx.shared);
    let client = ctx.client.clone();
    let job = async move {
        let Ok(Ok(answer)) = tokio::time::timeout(MAX_WAIT, rx).await else {
            return CmdResult::default();
        };
        let mut r = CmdResult::default();
        if !answer.commands.is_empty() {
            r = {
                let mut st = shared.lock();
                super::run_list(&shared, &mut st, &client, &answer.commands)
            };
            shared.notify();
            if r.kill_server {
                shared.shutdown.notify_one();
            }
            if let Some(p) = r.pending.take()
                && let Ok(later) = p.await
            {
                r.out.push_str(&later.out);
                r.err.push_str(&later.err);
                r.code = later.code;
            }
        }
        if let Some(attached) = client.attached {
            {
                let mut st = shared.lock();
                crate::attach::input::show_outcome(&mut st, attached, &r);
            }
            shared.notify();
            r.out.clear();
            r.err.clear();
        }
        if r.code == 0 {
            r.code = answer.code;
        }
        r
    };
    let result = CmdResult {
        deferred: Some(super::script::Deferred(Box::pin(job))),
        ..CmdResult::default()
    };
    (waiter, result)
}

fn send(state: &State, client: u32, request: Request) {
    if let Some(c) = state.clients.get(&client) {
        // A client that is not draining its queue misses the request rather than blocking us.
        let _ = c.events.try_send(ClientEvent::Overlay(request));
    }
}

/// The command argument: one word is a command string; several are one command's words.
fn command_text(words: &[String]) -> String {
    match words {
        [one] => one.clone(),
        _ => words
            .iter()
            .map(|w| crate::options::escape(w))
            .collect::<Vec<_>>()
            .join(" "),
    }
}

pub fn command_prompt(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    let (client, fctx) = target(ctx, state)?;
    let kind = match args.get('T') {
        Some(t) => match PromptType::from_name(t) {
            Some(kind) => kind,
            None => return fail(format!("unknown type: {t}")),
        },
        None => PromptType::Command,
    };
    let template = if args.rest.is_empty() {
        "%1".to_string()
    } else {
        command_text(&args.rest)
    };
    // Without -p: `(first-word) ` for a template, else `:` with no space.
    let (prompts, space) = match args.get('p') {
        Some(p) => (p.to_string(), true),
        None if !args.rest.is_empty() => {
            // A `{ }` block's first command names it too (without the block's marker).
            let name = tmate_proto::cmdline::plain_word(&template)
                .split([' ', ','])
                .next()
                .unwrap_or_default()
                .to_string();
            (format!("({name})"), true)
        }
        None => (":".to_string(), false),
    };
    let mut inputs = args.get('I').map(|i| i.split(','));
    let expand = |s: &str| crate::format::expand(state, fctx, s);
    let list = prompts
        .split(',')
        .map(|p| {
            let prompt = if space {
                format!("{} ", expand(p))
            } else {
                expand(p)
            };
            let input = inputs
                .as_mut()
                .and_then(|i| i.next())
                .map(expand)
                .unwrap_or_default();
            (prompt, input)
        })
        .collect();
    let mode = if args.has('1') {
        Mode::Single
    } else if args.has('N') {
        Mode::Numeric
    } else if args.has('k') {
        Mode::Key
    } else if args.has('i') {
        Mode::Incremental
    } else {
        Mode::Line
    };
    let (waiter, result) = waiting(ctx, waits(ctx, args) && mode != Mode::Incremental);
    send(
        state,
        client,
        Request::Prompt(PromptSpec {
            prompts: list,
            action: Action::Template(template),
            mode,
            kind,
            waiter,
        }),
    );
    Ok(result)
}

pub fn confirm_before(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    let (client, fctx) = target(ctx, state)?;
    let commands = if args.rest.len() == 1 {
        crate::parse::parse_line_grouped(&command_text(&args.rest))?
    } else {
        tmate_proto::command::split_commands(&args.rest)
    };
    let prompt = match args.get('p') {
        Some(p) => format!("{} ", crate::format::expand(state, fctx, p)),
        None => {
            let first = commands
                .first()
                .and_then(|c| c.first())
                .and_then(|n| super::find(n).ok())
                .map(|e| e.spec.name)
                .unwrap_or_default();
            format!("Confirm '{first}'? (y/n) ")
        }
    };
    let (waiter, result) = waiting(ctx, waits(ctx, args));
    send(
        state,
        client,
        Request::Prompt(PromptSpec {
            prompts: vec![(prompt, String::new())],
            action: Action::Confirm(commands),
            mode: Mode::Single,
            kind: PromptType::Command,
            waiter,
        }),
    );
    Ok(result)
}

pub fn display_panes(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    let (client, fctx) = target(ctx, state)?;
    let ms = match args.get('d') {
        Some(d) => match d.parse::<u32>() {
            Ok(v) => u64::from(v),
            Err(_) => return fail(format!("delay {d} is invalid")),
        },
        None => u64::try_from(state.option_num(fctx.session, fctx.window, "display-panes-time"))
            .unwrap_or(1000),
    };
    let template = args
        .rest
        .first()
        .cloned()
        .unwrap_or_else(|| "select-pane -t \"%%%\"".to_string());
    let (waiter, result) = waiting(ctx, waits(ctx, args));
    send(
        state,
        client,
        Request::Panes {
            // -d 0: until a key.
            time: (ms != 0).then(|| Duration::from_millis(ms)),
            template,
            keys: !args.has('N'),
            waiter,
        },
    );
    Ok(result)
}

/// show-prompt-history and clear-prompt-history (`-T type`, else every type), as tmux 3.3a
/// words them.
pub fn prompt_history(_ctx: &Ctx<'_>, _state: &mut State, args: &Args, clear: bool) -> CmdOutcome {
    let types: Vec<PromptType> = match args.get('T') {
        Some(t) => match PromptType::from_name(t) {
            Some(kind) => vec![kind],
            None => return fail(format!("invalid type: {t}")),
        },
        None => PromptType::ALL.to_vec(),
    };
    if clear {
        for kind in types {
            crate::prompt::history_clear(kind);
        }
        return Ok(CmdResult::default());
    }
    let mut out = String::new();
    for kind in types {
        out.push_str(&format!("History for {}:\n\n", kind.name()));
        for (i, line) in crate::prompt::history_lines(kind).iter().enumerate() {
            out.push_str(&format!("{}: {line}\n", i + 1));
        }
        out.push('\n');
    }
    super::output(out)
}

pub fn show_prompt_history(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    prompt_history(ctx, state, args, false)
}

pub fn clear_prompt_history(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    prompt_history(ctx, state, args, true)
}
