//! Key binding commands: bind-key (-n -r -N -T), unbind-key (-a -n -q -T), list-keys (-T, key;
//! -N notes with -a -P -1), send-prefix (-2), with tmux 3.3a's messages and list layout.

use tmate_proto::{KeyCode, pane_key_bytes};

use tmate_proto::command::{binding_table, split_commands};

use super::{Args, CmdOutcome, CmdResult, Ctx, Target, fail, output};
use crate::bindings::Binding;
use crate::state::State;

/// The table a bind-key or unbind-key acts on (`-T` over `-n`, as tmux 3.3a).
fn table_of(args: &Args) -> String {
    binding_table(args).to_string()
}

fn parse_key(name: &str) -> Result<KeyCode, String> {
    KeyCode::parse(name)
        .filter(|k| *k != KeyCode::NONE)
        .ok_or_else(|| format!("unknown key: {name}"))
}

pub fn bind(_ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    bind_checked(state, args, true)
}

/// bind-key for the default bindings, which are not checked again.
#[cfg(test)]
pub fn bind_args(state: &mut State, args: &Args) -> CmdOutcome {
    bind_checked(state, args, false)
}

/// bind-key; with `check` the commands are built as tmux 3.3a builds them when binding, so
/// an unknown command or bad arguments (`bind x '{' display a '}'`: `{` is no command when
/// the shell gives it as a word of its own) are bind-key's error.
fn bind_checked(state: &mut State, args: &Args, check: bool) -> CmdOutcome {
    let Some((key, words)) = args.rest.split_first() else {
        return fail("command bind-key: too few arguments (need at least 1)");
    };
    let key = parse_key(key)?;
    // One argument is a command line of its own (`bind x "neww -n a; splitw"`).
    let commands = match words {
        [] => return Ok(CmdResult::default()),
        [line] => crate::parse::parse_line_grouped_in(&state.environ, line)?,
        _ => split_commands(words),
    };
    let commands = built_commands(state, commands, check)?;
    let binding = Binding {
        repeat: args.has('r'),
        commands,
    };
    let table = table_of(args);
    crate::bindings::bind(&mut state.keys, &table, key, binding)?;
    match args.get('N') {
        Some(note) => state.key_notes.insert((table, key), note.to_string()),
        None => state.key_notes.remove(&(table, key)),
    };
    Ok(CmdResult::default())
}

/// A binding's commands as tmux builds them: aliases expanded (list-keys shows the commands)
/// and, with `check`, each checked as a command with its arguments.
fn built_commands(
    state: &State,
    commands: Vec<Vec<String>>,
    check: bool,
) -> Result<Vec<Vec<String>>, String> {
    let commands = super::expand_aliases(state, &commands)?;
    if check {
        super::check_list(&commands, 0)?;
    }
    Ok(commands)
}

pub fn unbind(_ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    let table = table_of(args);
    if args.has('T') && !state.keys.tables.contains_key(&table) {
        if args.has('q') {
            return Ok(CmdResult::default());
        }
        return fail(format!("table {table} doesn't exist"));
    }
    if args.has('a') {
        state.keys.unbind_all(&table);
        state.key_notes.retain(|(t, _), _| *t != table);
        return Ok(CmdResult::default());
    }
    let Some(key) = args.rest.first() else {
        return fail("missing key");
    };
    match parse_key(key) {
        Ok(k) => {
            state.keys.unbind(&table, k);
            state.key_notes.remove(&(table.clone(), k));
            Ok(CmdResult::default())
        }
        Err(_) if args.has('q') => Ok(CmdResult::default()),
        Err(e) => Err(e),
    }
}

pub fn list(_ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    let table = args.get('T');
    if let Some(t) = table
        && !state.keys.tables.contains_key(t)
    {
        return fail(format!("table {t} doesn't exist"));
    }
    let key = match args.rest.first().map(|k| parse_key(k)) {
        Some(Ok(k)) => Some(k),
        Some(Err(e)) => return fail(e),
        None => None,
    };
    if args.has('N') {
        return list_notes(state, args, table, key);
    }
    let lines = crate::bindings::list(&state.keys, table, key);
    if key.is_some() && lines.is_empty() {
        return fail(format!(
            "unknown key: {}",
            args.rest.first().map(String::as_str).unwrap_or_default()
        ));
    }
    let mut out = String::new();
    for l in lines {
        out.push_str(&l);
        out.push('\n');
    }
    output(out)
}

/// `list-keys -N` (tmux 3.3a `cmd_list_keys_print_notes`): the keys with notes (all with
/// `-a`, their commands standing in) as `PREFIX KEY  note`; without `-T` the root table's
/// (indented as wide as the prefix) then the prefix table's after the prefix key's name.
fn list_notes(
    state: &State,
    args: &Args,
    table: Option<&str>,
    only: Option<KeyCode>,
) -> CmdOutcome {
    let shown = |table: &str, all: bool| -> Vec<(String, String)> {
        let Some(t) = state.keys.tables.get(table) else {
            return Vec::new();
        };
        t.iter()
            .filter(|(k, _)| only.is_none_or(|o| o == **k) && !k.is_mouse())
            .filter_map(|(k, b)| {
                let note = state
                    .key_notes
                    .get(&(table.to_string(), *k))
                    .filter(|n| !n.is_empty())
                    .cloned();
                let note = match note {
                    Some(n) => n,
                    None if all => crate::bindings::print_commands(&b.commands),
                    None => return None,
                };
                Some((k.name(), note))
            })
            .collect()
    };
    // Widths count only keys with notes, as tmux's `cmd_list_keys_get_width`.
    let width = |table: &str| {
        shown(table, false)
            .iter()
            .map(|(k, _)| k.chars().count())
            .max()
            .unwrap_or(0)
    };
    let all = args.has('a');
    let mut sections: Vec<(String, String)> = Vec::new();
    let keywidth;
    match table {
        Some(t) => {
            keywidth = width(t);
            sections.push((t.to_string(), args.get('P').unwrap_or_default().to_string()));
        }
        None => {
            let prefix = state
                .options
                .get(crate::options::Scope::Session, "prefix")
                .and_then(KeyCode::parse)
                .filter(|k| *k != KeyCode::NONE);
            let start = match (args.get('P'), prefix) {
                (Some(p), _) => p.to_string(),
                (None, Some(k)) => format!("{} ", k.name()),
                (None, None) => String::new(),
            };
            let root_width = width("root");
            let prefix_width = prefix.map(|_| width("prefix")).unwrap_or(0);
            keywidth = root_width.max(prefix_width);
            sections.push(("root".into(), " ".repeat(start.chars().count())));
            if prefix.is_some() && prefix_width != 0 {
                sections.push(("prefix".into(), start));
            }
        }
    }
    let mut out = String::new();
    let mut found = false;
    'tables: for (t, start) in &sections {
        for (key, note) in shown(t, all) {
            found = true;
            out.push_str(&format!("{start}{key:<w$}{note}\n", w = keywidth + 1));
            if args.has('1') {
                break 'tables;
            }
        }
    }
    if only.is_some() && !found {
        return fail(format!(
            "unknown key: {}",
            args.rest.first().map(String::as_str).unwrap_or_default()
        ));
    }
    output(out)
}

/// Write `key` to `pane` as its program expects it (cursor and keypad modes), and to the
/// panes synchronized with it, each as its own program expects it.
pub fn write_key(state: &State, pane: u32, key: KeyCode) {
    for id in std::iter::once(pane).chain(synchronized_panes(state, pane)) {
        if let Some(p) = state.panes.get(&id)
            && let Some(bytes) = pane_key_bytes(key, p.key_modes())
        {
            p.write(bytes);
        }
    }
}

/// The other panes that get what is typed into `pane` (tmux 3.3a `window_pane_key`): with
/// `synchronize-panes` on for `pane`, each other visible pane of its window that has it on
/// too, runs its program (not dead) and shows no mode.
pub fn synchronized_panes(state: &State, pane: u32) -> Vec<u32> {
    if state.pane_option(pane, "synchronize-panes") != "on" {
        return Vec::new();
    }
    let Some(w) = state
        .locate_pane(pane)
        .and_then(|(sid, idx)| state.window(sid, idx))
    else {
        return Vec::new();
    };
    w.visible()
        .iter()
        .map(|g| g.id)
        .filter(|id| *id != pane)
        .filter(|id| {
            state
                .panes
                .get(id)
                .is_some_and(|p| p.dead.is_none() && p.master.is_some() && p.modes.is_empty())
        })
        .filter(|id| state.pane_option(*id, "synchronize-panes") == "on")
        .collect()
}

pub fn send_prefix(_ctx: &Ctx<'_>, state: &mut State, args: &Args, t: Target) -> CmdOutcome {
    let name = if args.has('2') { "prefix2" } else { "prefix" };
    if let Some(key) = KeyCode::parse(&state.option(t.session, t.window, name))
        && key != KeyCode::NONE
    {
        write_key(state, t.pane, key);
    }
    Ok(CmdResult::default())
}
