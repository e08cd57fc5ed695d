//! Layout commands: resize-pane (-L -R -U -D N, -x/-y sizes and percentages, -Z zoom),
//! select-layout (even-*, main-*, tiled, layout strings; -n -p -o -E), next-layout,
//! previous-layout, last-pane, resize-window.

use super::{Args, CmdOutcome, CmdResult, Ctx, Target, fail};
use crate::layout::{Border, Cell, Dir};
use crate::state::State;

pub fn resize_pane(_ctx: &Ctx<'_>, state: &mut State, args: &Args, t: Target) -> CmdOutcome {
    let Some(zoomed) = state
        .window(t.session, t.window)
        .map(|w| w.zoomed.is_some())
    else {
        return fail("no window");
    };
    if args.has('Z') {
        // tmux `window_zoom`: a window with one pane does not zoom.
        if zoomed {
            state.unzoom(t.session, t.window);
        } else {
            state.zoom(t.session, t.window, t.pane);
        }
        state.apply_layout(t.session, t.window);
        return Ok(CmdResult::default());
    }
    if args.has('M') {
        // tmux 3.3a: without a mouse event (a command line, a key) -M does nothing; a
        // MouseDrag1Border binding of it alone hands the drag to the border (`crate::mouse`).
        return Ok(CmdResult::default());
    }
    state.unzoom(t.session, t.window);
    let Some(w) = state.window_mut(t.session, t.window) else {
        return fail("no window");
    };
    if args.has('x') || args.has('y') {
        let (wsx, wsy) = (w.sx, w.sy);
        for (flag, dir, cur, what) in [
            ('x', Dir::LeftRight, wsx, "width"),
            ('y', Dir::TopBottom, wsy, "height"),
        ] {
            let Some(v) = args.get(flag) else { continue };
            let size = match to_size(v, cur) {
                Ok(n) => n,
                Err(e) => {
                    state.apply_layout(t.session, t.window);
                    return fail(format!("{what} {e}"));
                }
            };
            let resized = state.window_mut(t.session, t.window).is_some_and(|w| {
                let border = Border::window(w.pane_status);
                // tmux 3.3a asks one row more of a pane that gives one to its status line, so
                // `-y N` leaves it N rows of its own.
                let size = match dir {
                    Dir::TopBottom => size.saturating_add(w.layout.border_rows(t.pane, border)),
                    Dir::LeftRight => size,
                };
                w.layout.resize_pane_to(t.pane, dir, size, border)
            });
            if resized {
                state.layout_changed(t.session, t.window);
            }
        }
        state.apply_layout(t.session, t.window);
        return Ok(CmdResult::default());
    }
    let adjust = match args.rest.first().map(|n| n.parse::<i32>()) {
        None => 1,
        Some(Ok(n)) if (1..=i32::from(u16::MAX)).contains(&n) => n,
        Some(_) => {
            let n = args.rest.first().map(String::as_str).unwrap_or_default();
            return fail(format!("adjustment {n}"));
        }
    };
    let moves = [
        ('L', Dir::LeftRight, -adjust),
        ('R', Dir::LeftRight, adjust),
        ('U', Dir::TopBottom, -adjust),
        ('D', Dir::TopBottom, adjust),
    ];
    // tmux takes the first of -L -R -U -D.
    if let Some((_, dir, change)) = moves.into_iter().find(|(flag, _, _)| args.has(*flag))
        && w.layout
            .resize_pane(t.pane, dir, change, Border::window(w.pane_status))
    {
        state.layout_changed(t.session, t.window);
    }
    state.apply_layout(t.session, t.window);
    Ok(CmdResult::default())
}

/// tmux's predefined layouts in `next-layout` order.
const LAYOUTS: [&str; 5] = [
    "even-horizontal",
    "even-vertical",
    "main-horizontal",
    "main-vertical",
    "tiled",
];

/// tmux `layout_set_lookup`: a unique prefix of a layout name.
fn lookup(name: &str) -> Option<usize> {
    let mut found = LAYOUTS
        .iter()
        .enumerate()
        .filter(|(_, l)| l.starts_with(name));
    match (found.next(), found.next()) {
        (Some((i, _)), None) => Some(i),
        _ => None,
    }
}

/// tmux `layout_set_select`: arrange the window's panes by layout `n`.
pub fn apply_named(state: &mut State, sid: u32, idx: u32, n: usize) {
    let main_h = state.option(sid, idx, "main-pane-height");
    let other_h = state.option(sid, idx, "other-pane-height");
    let main_w = state.option(sid, idx, "main-pane-width");
    let other_w = state.option(sid, idx, "other-pane-width");
    state.unzoom(sid, idx);
    let Some(w) = state.window_mut(sid, idx) else {
        return;
    };
    let ids = w.pane_ids();
    let cell = match n {
        0 => Cell::even(&ids, Dir::LeftRight, w.sx, w.sy),
        1 => Cell::even(&ids, Dir::TopBottom, w.sx, w.sy),
        2 => Cell::main(&ids, Dir::TopBottom, w.sx, w.sy, &main_h, &other_h),
        3 => Cell::main(&ids, Dir::LeftRight, w.sx, w.sy, &main_w, &other_w),
        _ => Cell::tiled(&ids, w.sx, w.sy),
    };
    if let Some(cell) = cell {
        w.layout = cell;
    }
    w.lastlayout = Some(n.min(LAYOUTS.len() - 1));
    state.apply_layout(sid, idx);
    // tmux's layouts tell of the change themselves (not for a lone pane, left as it is).
    if ids.len() > 1 {
        state.layout_changed(sid, idx);
    }
}

/// next-layout and previous-layout (also `select-layout -n`/`-p`).
fn step(state: &mut State, sid: u32, idx: u32, forward: bool) {
    let last = state.window(sid, idx).and_then(|w| w.lastlayout);
    let n = LAYOUTS.len();
    let next = match (last, forward) {
        (None, true) => 0,
        (None, false) => n - 1,
        (Some(l), true) => (l + 1) % n,
        (Some(l), false) => (l + n - 1) % n,
    };
    apply_named(state, sid, idx, next);
}

pub fn select_layout(_ctx: &Ctx<'_>, state: &mut State, args: &Args, t: Target) -> CmdOutcome {
    state.unzoom(t.session, t.window);
    let old = state.window_mut(t.session, t.window).map(|w| {
        let now = crate::layout_string::dump(&w.layout);
        std::mem::replace(&mut w.old_layout, now)
    });
    let old = old.flatten();
    state.apply_layout(t.session, t.window);
    match select_layout_as_asked(state, args, t, old.as_deref()) {
        Ok(changed) => {
            // tmux's select-layout tells of the change (again, after the layout did).
            if changed {
                state.layout_changed(t.session, t.window);
            }
            Ok(CmdResult::default())
        }
        Err(e) => {
            if let Some(w) = state.window_mut(t.session, t.window) {
                // tmux keeps the layout `-o` returns to when the command fails.
                w.old_layout = old;
            }
            Err(e)
        }
    }
}

/// select-layout's choices in tmux's order: -n/-p, -E, a predefined name (or the last one),
/// then a layout string (the argument, or with -o the layout before the last select-layout).
/// Returns whether a layout was set.
fn select_layout_as_asked(
    state: &mut State,
    args: &Args,
    t: Target,
    old: Option<&str>,
) -> Result<bool, String> {
    if args.has('n') || args.has('p') {
        step(state, t.session, t.window, args.has('n'));
        return Ok(true);
    }
    if args.has('E') {
        if let Some(w) = state.window_mut(t.session, t.window) {
            w.layout.spread_out(t.pane, Border::window(w.pane_status));
        }
        state.apply_layout(t.session, t.window);
        return Ok(true);
    }
    let name = match args.rest.first() {
        Some(name) => Some(name.as_str()),
        None if args.has('o') => old,
        None => None,
    };
    if !args.has('o') {
        let predefined = match name {
            Some(name) => lookup(name),
            None => state.window(t.session, t.window).and_then(|w| w.lastlayout),
        };
        if let Some(n) = predefined {
            apply_named(state, t.session, t.window, n);
            return Ok(true);
        }
    }
    let Some(text) = name else {
        return Ok(false);
    };
    apply_string(state, t, text).map_err(|cause| format!("{cause}: {text}"))?;
    Ok(true)
}

/// tmux `layout_parse` on the window: the window takes the layout's size and its panes the
/// cells in pane order; the session's clients then size it as any other window.
fn apply_string(state: &mut State, t: Target, text: &str) -> Result<(), String> {
    let Some(w) = state.window_mut(t.session, t.window) else {
        return Err("no window".to_string());
    };
    let layout = crate::layout_string::parse(text, &w.pane_ids())?;
    w.sx = layout.sx;
    w.sy = layout.sy;
    w.layout = layout;
    let attached = state.clients.values().any(|c| c.session == t.session);
    let session_size = state.sessions.get(&t.session).map(|s| (s.sx, s.sy));
    if let (true, Some((sx, sy)), Some(w)) = (
        attached,
        session_size,
        state.window_mut(t.session, t.window),
    ) {
        w.sx = sx;
        w.sy = sy;
        w.layout.resize(sx, sy, Border::window(w.pane_status));
    }
    state.apply_layout(t.session, t.window);
    // tmux `layout_parse` tells of the change itself.
    state.layout_changed(t.session, t.window);
    Ok(())
}

pub fn next_layout(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    layout_step(ctx, state, args, true)
}

pub fn previous_layout(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    layout_step(ctx, state, args, false)
}

fn layout_step(ctx: &Ctx<'_>, state: &mut State, args: &Args, forward: bool) -> CmdOutcome {
    let t = super::resolve_as(ctx, state, args.get('t'), super::Find::Window)?;
    // select-layout's path in tmux: unzoomed, the layout set, the change told again.
    state.unzoom(t.session, t.window);
    step(state, t.session, t.window, forward);
    state.layout_changed(t.session, t.window);
    Ok(CmdResult::default())
}

/// tmux `args_percentage` with 0..=INT_MAX: `N` or `N%` of `cur`, strtonum's error words.
fn to_size(v: &str, cur: u16) -> Result<u16, &'static str> {
    let n = match v.strip_suffix('%') {
        Some(p) => u64::from(cur) * super::r#move::strtonum(p, 0, 100)? / 100,
        None => super::r#move::strtonum(v, 0, i64::from(i32::MAX))?,
    };
    Ok(u16::try_from(n).unwrap_or(u16::MAX))
}

pub fn last_pane(_ctx: &Ctx<'_>, state: &mut State, args: &Args, t: Target) -> CmdOutcome {
    let last = state
        .window(t.session, t.window)
        .and_then(|w| w.last.filter(|l| w.pane_ids().contains(l)));
    let Some(last) = last else {
        return fail("no last pane");
    };
    // tmux `window_push_zoom`, `window_set_active_pane`, `window_pop_zoom`.
    let rezoom = super::r#move::push_zoom(state, t.session, t.window, args.has('Z'));
    state.set_active_pane(t.session, t.window, last, true);
    super::r#move::pop_zoom(state, t.session, t.window, rezoom);
    Ok(CmdResult::default())
}

/// tmux's `WINDOW_MAXIMUM`.
const WINDOW_MAXIMUM: i64 = 10_000;

/// tmux 3.3a `resize-window`: a size (-x -y), a step (-L -R -U -D by the adjustment), or the
/// largest/smallest client's size (-A -a); the window's `window-size` becomes `manual` so the
/// clients no longer size it.
pub fn resize_window(_ctx: &Ctx<'_>, state: &mut State, args: &Args, t: Target) -> CmdOutcome {
    let adjust = match args.rest.first() {
        None => 1,
        Some(n) => u16::try_from(
            super::r#move::strtonum(n, 1, i64::from(i32::MAX))
                .map_err(|e| format!("adjustment {e}"))?,
        )
        .unwrap_or(u16::MAX),
    };
    let Some(w) = state.window(t.session, t.window) else {
        return fail("no window");
    };
    let (mut sx, mut sy) = (w.sx, w.sy);
    for (flag, size, what) in [('x', &mut sx, "width"), ('y', &mut sy, "height")] {
        if let Some(v) = args.get(flag) {
            let n =
                super::r#move::strtonum(v, 1, WINDOW_MAXIMUM).map_err(|e| format!("{what} {e}"))?;
            *size = u16::try_from(n).unwrap_or(u16::MAX);
        }
    }
    if args.has('L') {
        sx = sx.checked_sub(adjust).unwrap_or(sx);
    } else if args.has('R') {
        sx = sx.saturating_add(adjust);
    } else if args.has('U') {
        sy = sy.checked_sub(adjust).unwrap_or(sy);
    } else if args.has('D') {
        sy = sy.saturating_add(adjust);
    }
    if args.has('A') || args.has('a') {
        (sx, sy) = clients_size(state, t.session, args.has('A'));
    }
    let (sx, sy) = (sx.clamp(1, 10_000), sy.clamp(1, 10_000));
    let Some(w) = state.window_mut(t.session, t.window) else {
        return fail("no window");
    };
    w.options
        .insert("window-size".to_string(), "manual".to_string());
    w.manual_size = Some((sx, sy));
    state.resize_window(t.session, t.window, (sx, sy));
    Ok(CmdResult::default())
}

/// tmux `default_window_size` for -A/-a: the largest (or smallest) size among the session's
/// clients (ours and, sharing, the relay's), else `default-size`.
fn clients_size(state: &State, sid: u32, largest: bool) -> (u16, u16) {
    let sizes = state
        .clients
        .values()
        .filter(|c| c.session == sid)
        .filter_map(|c| c.size)
        .chain(state.tmate.remote_size);
    let pick = |a: (u16, u16), b: (u16, u16)| {
        if largest {
            (a.0.max(b.0), a.1.max(b.1))
        } else {
            (a.0.min(b.0), a.1.min(b.1))
        }
    };
    sizes.reduce(pick).unwrap_or_else(|| {
        let idx = state.sessions.get(&sid).map_or(0, |s| s.current);
        crate::state::parse_size(&state.option(sid, idx, "default-size")).unwrap_or((80, 24))
    })
}
