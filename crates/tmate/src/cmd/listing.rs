//! list-clients and list-commands (tmux 3.3a `cmd-list-clients.c`, `cmd-list-keys.c`): their
//! default templates and the client variables a client's line is expanded with; the line of
//! every list-* command (`#{line}`, `-f` filters) and their sessions' order.

use super::{Args, CmdOutcome, Ctx, Find, output, resolve_as};
use crate::format::{self, Ctx as FmtCtx};
use crate::state::State;

/// tmux 3.3a's LIST_CLIENTS_TEMPLATE.
const LIST_CLIENTS_TEMPLATE: &str = "#{client_name}: #{session_name} \
     [#{client_width}x#{client_height} #{client_termname}] \
     #{?#{!=:#{client_uid},#{uid}},[user #{?client_user,#{client_user},#{client_uid},}] ,}\
     #{?client_flags,(,}#{client_flags}#{?client_flags,),}";

/// tmux 3.3a's list-commands template.
const LIST_COMMANDS_TEMPLATE: &str =
    "#{command_list_name}#{?command_list_alias, (#{command_list_alias}),} #{command_list_usage}";

/// A client's flags as tmux's `server_client_get_flags` lists them, in its order.
pub fn client_flags(c: &crate::state::ClientHandle) -> String {
    let mut flags: Vec<String> = vec!["attached".into(), "focused".into()];
    let control = c.control.as_deref();
    if control.is_some() {
        flags.push("control-mode".into());
    }
    if c.ignore_size {
        flags.push("ignore-size".into());
    }
    if let Some(control) = control {
        if control.no_output {
            flags.push("no-output".into());
        }
        if control.wait_exit {
            flags.push("wait-exit".into());
        }
        if let Some(age) = control.pause_after {
            flags.push(format!("pause-after={}", age.as_secs()));
        }
    }
    if c.read_only || control.is_some_and(|c| c.read_only) {
        flags.push("read-only".into());
    }
    if c.utf8 {
        flags.push("UTF-8".into());
    }
    flags.join(",")
}

/// The `client_*` variables of one client (tmux `format_defaults_client`, the ones this host
/// knows), for [`format::with_vars`].
pub fn client_vars(st: &State, id: u32) -> Vec<(String, String)> {
    format::CLIENT_VARIABLES
        .iter()
        .filter_map(|k| Some((k.to_string(), format::client_variable(st, id, k)?)))
        .collect()
}

/// The format context of a client: its session's current window and active pane.
fn client_ctx(st: &State, sid: u32) -> FmtCtx {
    let s = st.sessions.get(&sid);
    let window = s.map_or(u32::MAX, |s| s.current);
    let pane = s
        .and_then(|s| s.windows.get(&s.current))
        .map_or(u32::MAX, |w| w.active);
    FmtCtx {
        session: sid,
        window,
        pane,
    }
}

/// One item of a list-* command (tmux's `cmd_list_*`): `template` expanded at `ctx` with
/// `#{line}` (the item's number in its list, counted before the filter as tmux counts it),
/// or nothing when `-f`'s filter, expanded the same way, is false.
pub(super) fn list_item(
    state: &State,
    ctx: FmtCtx,
    kind: format::Kind,
    args: &Args,
    template: &str,
    line: usize,
) -> Option<String> {
    format::with_vars(vec![("line".into(), line.to_string())], || {
        let keep = args
            .get('f')
            .is_none_or(|f| format::truthy(&format::expand_as(state, ctx, kind, f)));
        keep.then(|| format::expand_as(state, ctx, kind, template))
    })
}

/// Sessions as tmux keeps them for `-a` listings: by name.
pub(super) fn sessions_by_name(state: &State) -> Vec<u32> {
    let mut sessions: Vec<(&str, u32)> = state
        .sessions
        .values()
        .map(|s| (s.name.as_str(), s.id))
        .collect();
    sessions.sort_unstable();
    sessions.into_iter().map(|(_, id)| id).collect()
}

pub fn list_clients(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    let only = match args.get('t') {
        Some(t) => Some(resolve_as(ctx, state, Some(t), Find::Session)?.session),
        None => None,
    };
    let template = args.get('F').unwrap_or(LIST_CLIENTS_TEMPLATE);
    let mut out = String::new();
    let ids: Vec<u32> = state
        .clients
        .iter()
        .filter(|(_, c)| only.is_none_or(|s| s == c.session))
        .map(|(id, _)| *id)
        .collect();
    for (line, id) in ids.into_iter().enumerate() {
        let Some(sid) = state.clients.get(&id).map(|c| c.session) else {
            continue;
        };
        let mut vars = client_vars(state, id);
        vars.push(("line".into(), line.to_string()));
        let text = format::with_vars(vars, || {
            format::expand(state, client_ctx(state, sid), template)
        });
        out.push_str(&text);
        out.push('\n');
    }
    output(out)
}

pub fn list_commands(_ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    let template = args.get('F').unwrap_or(LIST_COMMANDS_TEMPLATE);
    let wanted = args.rest.first();
    let mut out = String::new();
    // tmate 2.4's own commands (choose-session, choose-window) are not tmux 3.3a's.
    let commands = tmate_proto::command::COMMANDS
        .iter()
        .filter(|spec| !spec.has(tmate_proto::command::flags::LEGACY));
    for spec in commands {
        if let Some(w) = wanted
            && spec.name != w
            && spec.alias != Some(w.as_str())
        {
            continue;
        }
        let vars = vec![
            ("command_list_name".into(), spec.name.to_string()),
            (
                "command_list_alias".into(),
                spec.alias.unwrap_or_default().to_string(),
            ),
            ("command_list_usage".into(), spec.usage.to_string()),
        ];
        let line = format::with_vars(vars, || format::expand(state, FmtCtx::NONE, template));
        if !line.is_empty() {
            out.push_str(&line);
            out.push('\n');
        }
    }
    // A name tmux does not know prints nothing, successfully.
    output(out)
}
