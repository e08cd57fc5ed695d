//! Commands that open an overlay on an attached client (tmux 3.3a `cmd-command-prompt.c`,
//! `cmd-confirm-before.c`, `cmd-display-panes.c`): command-prompt, confirm-before,
//! display-panes. They hand a `prompt::Request` to the client; `crate::prompt` does the rest.

use std::time::Duration;

use super::{Args, CmdOutcome, CmdResult, Ctx, current_client, fail};
use crate::prompt::{Action, Mode, PromptSpec, Request};
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
    if let Some(t) = args.get('T')
        && !["command", "search", "target", "window-target"].contains(&t)
    {
        return fail(format!("unknown type: {t}"));
    }
    let template = if args.rest.is_empty() {
        "%1".to_string()
    } else {
        command_text(&args.rest)
    };
    // Without -p: `(first-word) ` for a template, else `:` with no space.
    let (prompts, space) = match args.get('p') {
        Some(p) => (p.to_string(), true),
        None if !args.rest.is_empty() => {
            let name = template
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
    send(
        state,
        client,
        Request::Prompt(PromptSpec {
            prompts: list,
            action: Action::Template(template),
            mode,
        }),
    );
    Ok(CmdResult::default())
}

pub fn confirm_before(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    let (client, fctx) = target(ctx, state)?;
    let commands = if args.rest.len() == 1 {
        crate::parse::parse_line(&command_text(&args.rest))?
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
    send(
        state,
        client,
        Request::Prompt(PromptSpec {
            prompts: vec![(prompt, String::new())],
            action: Action::Confirm(commands),
            mode: Mode::Single,
        }),
    );
    Ok(CmdResult::default())
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
    send(
        state,
        client,
        Request::Panes {
            // -d 0: until a key.
            time: (ms != 0).then(|| Duration::from_millis(ms)),
            template,
            keys: !args.has('N'),
        },
    );
    Ok(CmdResult::default())
}

/// tmux 3.3a's prompt types, in its order; our one history is the `command` type's (the
/// others' prompts share it, so their lists show empty).
const PROMPT_TYPES: [&str; 4] = ["command", "search", "target", "window-target"];

/// show-prompt-history and clear-prompt-history (`-T type`), as tmux 3.3a words them.
pub fn prompt_history(_ctx: &Ctx<'_>, _state: &mut State, args: &Args, clear: bool) -> CmdOutcome {
    let types: Vec<&str> = match args.get('T') {
        Some(t) if PROMPT_TYPES.contains(&t) => vec![t],
        Some(t) => return fail(format!("invalid type: {t}")),
        None => PROMPT_TYPES.to_vec(),
    };
    if clear {
        if types.contains(&"command") {
            crate::prompt::history_clear();
        }
        return Ok(CmdResult::default());
    }
    let mut out = String::new();
    for t in types {
        out.push_str(&format!("History for {t}:\n\n"));
        if t == "command" {
            for (i, line) in crate::prompt::history_lines().iter().enumerate() {
                out.push_str(&format!("{}: {line}\n", i + 1));
            }
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
