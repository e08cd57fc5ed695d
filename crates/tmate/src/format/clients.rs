//! What a format sees beyond its session, window and pane: the client it is expanded for
//! (`client_*`, tmux 3.3a's client callbacks), the command running (`#{command}`) and the
//! config file being read (`#{current_file}`), the last two being tmux's command queue item
//! formats. Kept per thread around an expansion, as the server runs on one thread.

use std::cell::{Cell, RefCell};
use std::sync::atomic::Ordering;

use crate::state::State;

thread_local! {
    /// The client formats are expanded for (a binding's client, the client drawing its status
    /// line): tmux's `ft->c`.
    static CLIENT: Cell<Option<u32>> = const { Cell::new(None) };
    /// The command whose arguments are being expanded (tmux's `cmdq_merge_formats`).
    static COMMAND: Cell<Option<&'static str>> = const { Cell::new(None) };
    /// The config file whose commands run (tmux's `current_file` item format).
    static CURRENT_FILE: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Run `f` with its expansions seeing `client`'s variables (`None` keeps the one set, if any).
pub fn with_client<R>(client: Option<u32>, f: impl FnOnce() -> R) -> R {
    let Some(id) = client else {
        return f();
    };
    let saved = CLIENT.with(|c| c.replace(Some(id)));
    let r = f();
    CLIENT.with(|c| c.set(saved));
    r
}

/// Run `f` as command `name` (`#{command}`).
pub fn with_command<R>(name: &'static str, f: impl FnOnce() -> R) -> R {
    let saved = COMMAND.with(|c| c.replace(Some(name)));
    let r = f();
    COMMAND.with(|c| c.set(saved));
    r
}

/// Run `f` while reading config file `path` (`#{current_file}`).
pub fn with_current_file<R>(path: &str, f: impl FnOnce() -> R) -> R {
    let saved = CURRENT_FILE.with(|c| c.replace(Some(path.to_string())));
    let r = f();
    CURRENT_FILE.with(|c| *c.borrow_mut() = saved);
    r
}

/// `#{command}` and `#{current_file}`, when set.
pub(super) fn item_variable(key: &str) -> Option<String> {
    match key {
        "command" => COMMAND.with(Cell::get).map(str::to_string),
        "current_file" => CURRENT_FILE.with(|c| c.borrow().clone()),
        _ => None,
    }
}

/// The client a format sees: the one it is expanded for, else tmux's best client for the
/// session (`cmd_find_best_client`): its most recently active client, or any session's when
/// none is attached to it.
pub(super) fn client_for(state: &State, session: u32) -> Option<u32> {
    CLIENT
        .with(Cell::get)
        .filter(|id| state.clients.contains_key(id))
        .or_else(|| state.most_recent_client(Some(session)))
        .or_else(|| state.most_recent_client(None))
}

/// The `client_*` names tmux 3.3a's table has that [`client_variable`] answers, for
/// `list-clients -F` and the tree modes.
pub const CLIENT_VARIABLES: [&str; 24] = [
    "client_name",
    "client_tty",
    "client_width",
    "client_height",
    "client_termname",
    "client_termtype",
    "client_termfeatures",
    "client_uid",
    "client_user",
    "client_flags",
    "client_utf8",
    "client_readonly",
    "client_control_mode",
    "client_session",
    "client_last_session",
    "client_pid",
    "client_created",
    "client_activity",
    "client_key_table",
    "client_prefix",
    "client_written",
    "client_discarded",
    "client_cell_width",
    "client_cell_height",
];

/// One `client_*` variable of client `id`; `None` for other names, a client that is gone, or
/// what tmux leaves unset (a client without a pid, a last session).
pub fn client_variable(state: &State, id: u32, key: &str) -> Option<String> {
    let c = state.clients.get(&id)?;
    let flag = |on: bool| u8::from(on).to_string();
    let uid = || rustix::process::getuid().as_raw();
    let value = match key {
        "client_name" | "client_tty" => c.name.clone(),
        "client_width" => c.tty_size.0.to_string(),
        "client_height" => c.tty_size.1.to_string(),
        "client_termname" => c.term.clone(),
        // tmux learns it from the terminal's answer to its XTVERSION query, not sent here.
        "client_termtype" => c.term_type.clone(),
        "client_termfeatures" => crate::termcaps::features(state, &c.term, &c.reply_features),
        "client_uid" => uid().to_string(),
        "client_user" => super::variables::user_name(uid())?,
        "client_flags" => crate::cmd::client_flags(c),
        "client_utf8" => flag(c.utf8),
        "client_readonly" => flag(c.read_only || c.control.as_ref().is_some_and(|c| c.read_only)),
        "client_control_mode" => flag(c.control.is_some()),
        "client_session" => state.sessions.get(&c.session)?.name.clone(),
        "client_last_session" => state.sessions.get(&state.last_session(id)?)?.name.clone(),
        "client_pid" => c.pid?.to_string(),
        "client_created" => c.created.to_string(),
        "client_activity" => c.activity_time.to_string(),
        "client_key_table" => match &c.key_table {
            Some(t) => t.clone(),
            None => default_key_table(state, c.session),
        },
        // tmux's `format_cb_client_prefix`: in a table other than the default one.
        "client_prefix" => flag(
            c.key_table
                .as_ref()
                .is_some_and(|t| *t != default_key_table(state, c.session)),
        ),
        "client_written" => c.written.load(Ordering::Relaxed).to_string(),
        // Nothing is dropped for a slow client here: its task waits for the terminal.
        "client_discarded" => "0".into(),
        "client_cell_width" => c.cell_size?.0.to_string(),
        "client_cell_height" => c.cell_size?.1.to_string(),
        _ => return None,
    };
    Some(value)
}

/// The session's `key-table` (tmux's `server_client_get_key_table`).
fn default_key_table(state: &State, session: u32) -> String {
    let table = state.session_option(session, "key-table");
    if table.is_empty() {
        "root".into()
    } else {
        table
    }
}
