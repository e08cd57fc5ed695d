//! display-popup (tmux 3.3a `cmd-display-menu.c`'s `cmd_display_popup_exec`): the box's size
//! and place on the target client, its looks from the options and flags, and the program it
//! runs, opened by `crate::popup`; the command finishes when the popup closes.

use super::{Args, CmdOutcome, CmdResult, Ctx, Target};
use crate::popup::{CloseOnExit, Lines, PopupSpec};
use crate::state::State;

/// display-popup: open a popup on the target client (`-C` closes its open one).
pub fn display_popup(ctx: &Ctx<'_>, state: &mut State, args: &Args, t: Target) -> CmdOutcome {
    let client = super::client::target_client(ctx, state, args.get('c'))?;
    if args.has('C') {
        crate::popup::close_popup(state, client);
        return Ok(CmdResult::default());
    }
    if crate::popup::is_open(state, client) {
        return Ok(CmdResult::default());
    }
    let (cols, rows) = state.clients.get(&client).map_or((80, 24), |c| c.tty_size);
    let sy = size(args.get('h'), rows, "height")?.unwrap_or(rows / 2);
    let sx = size(args.get('w'), cols, "width")?.unwrap_or(cols / 2);
    let mut place = super::modes::placement(ctx, state, args, t, client);
    let size = (
        usize::from(cols),
        usize::from(rows),
        usize::from(sx),
        usize::from(sy),
    );
    place.expand_formats(size, |f, vars| {
        crate::format::with_vars(vars, || crate::format::expand(state, t.fmt(), f))
    });
    let (px, py) = place.position(
        usize::from(cols),
        usize::from(rows),
        usize::from(sx),
        usize::from(sy),
    );
    let lines = border_lines(state, args, t)?;
    let (border, defaults) = styles(state, args, t);
    let expand = |s: &str| crate::format::expand(state, t.fmt(), s);
    let cwd = match args.get('d') {
        Some(d) => expand(d),
        None => state
            .sessions
            .get(&t.session)
            .map(|s| s.path.clone())
            .unwrap_or_default(),
    };
    let mut env = crate::process::session_environment(state, t.session);
    for assignment in args.get_all('e') {
        if let Some((name, value)) = assignment.split_once('=') {
            env.retain(|(k, _)| k != name);
            env.push((name.to_string(), value.to_string()));
        }
    }
    let spec = PopupSpec {
        px: u16::try_from(px).unwrap_or(0),
        py: u16::try_from(py).unwrap_or(0),
        sx,
        sy,
        lines,
        title: args.get('T').map(expand).unwrap_or_default(),
        border,
        defaults,
        close: match args.count('E') {
            0 => CloseOnExit::Never,
            1 => CloseOnExit::Always,
            _ => CloseOnExit::Success,
        },
        argv: program(state, args, t.session),
        cwd,
        env,
    };
    let Some(done) = crate::popup::open(ctx.shared, state, client, spec)? else {
        return Ok(CmdResult::default());
    };
    ctx.shared.notify();
    // tmux's command waits for the popup; a command client then exits with its status.
    let job = async move {
        let code = done.await.unwrap_or(0);
        CmdResult {
            code,
            ..CmdResult::default()
        }
    };
    Ok(CmdResult {
        deferred: Some(super::script::Deferred(Box::pin(job))),
        ..CmdResult::default()
    })
}

/// `-w`/`-h` (tmux `args_percentage` from 1 to the client's size): cells or `N%` of the
/// client; `None` when not given.
fn size(value: Option<&str>, cur: u16, what: &str) -> Result<Option<u16>, String> {
    let Some(v) = value else {
        return Ok(None);
    };
    let n = match v.strip_suffix('%') {
        Some(p) => {
            let p = super::r#move::strtonum(p, 0, 100).map_err(|e| format!("{what} {e}"))?;
            let n = u64::from(cur) * p / 100;
            if n < 1 {
                return Err(format!("{what} too small"));
            }
            n
        }
        None => super::r#move::strtonum(v, 1, i64::from(cur)).map_err(|e| format!("{what} {e}"))?,
    };
    Ok(Some(u16::try_from(n).unwrap_or(cur).min(cur)))
}

/// `-B` (none), `-b` (a `popup-border-lines` choice), else the option.
fn border_lines(state: &State, args: &Args, t: Target) -> Result<Lines, String> {
    if args.has('B') {
        return Ok(Lines::None);
    }
    if let Some(value) = args.get('b') {
        return Lines::parse(value)
            .ok_or_else(|| format!("popup-border-lines unknown value: {value}"));
    }
    let option = state.option(t.session, t.window, "popup-border-lines");
    Ok(Lines::parse(&option).unwrap_or(Lines::Single))
}

/// The border's and the box's colours: the options, then `-S`/`-s` (whose colours replace
/// them, as tmux's `style_parse` on a default cell); attributes are dropped.
fn styles(state: &State, args: &Args, t: Target) -> (tmate_term::Style, tmate_term::Style) {
    use tmate_term::{Style, parse_style_over};
    let one = |option: &str, flag: char| {
        let value = state.option(t.session, t.window, option);
        let base = parse_style_over(&value, Style::default(), Style::default()).unwrap_or_default();
        let style = args
            .get(flag)
            .and_then(|s| parse_style_over(s, Style::default(), base))
            .unwrap_or(base);
        Style::colors(style.fg, style.bg)
    };
    (one("popup-border-style", 'S'), one("popup-style", 's'))
}

/// What runs: `default-command` or the one argument through `/bin/sh -c`, the default shell
/// when that is empty, several arguments as they are.
fn program(state: &State, args: &Args, session: u32) -> Vec<String> {
    let command = match args.rest.as_slice() {
        [] => state.session_option(session, "default-command"),
        [one] => one.clone(),
        many => return many.to_vec(),
    };
    if command.is_empty() {
        return vec![crate::process::default_shell(state, session)];
    }
    vec!["/bin/sh".into(), "-c".into(), command]
}
