//! Layout commands: resize-pane (-L -R -U -D N, -x/-y sizes and percentages, -Z zoom),
//! select-layout (even-*, main-*, tiled; -n -p), next-layout, previous-layout, last-pane.

use super::{Args, CmdOutcome, CmdResult, Ctx, Target, fail};
use crate::layout::{Cell, Dir};
use crate::state::State;

pub fn resize_pane(_ctx: &Ctx<'_>, state: &mut State, args: &Args, t: Target) -> CmdOutcome {
    let Some(w) = state.window_mut(t.session, t.window) else {
        return fail("no window");
    };
    if args.has('Z') {
        // tmux `window_zoom`: a window with one pane does not zoom.
        if w.zoomed.is_some() {
            w.zoomed = None;
        } else if w.pane_ids().len() > 1 {
            w.zoomed = Some(t.pane);
            w.last = (w.active != t.pane).then_some(w.active).or(w.last);
            w.active = t.pane;
        }
        state.apply_layout(t.session, t.window);
        return Ok(CmdResult::default());
    }
    if args.has('M') {
        return fail("resize-pane: -M is not supported yet");
    }
    if args.has('x') || args.has('y') {
        w.zoomed = None;
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
            if let Some(w) = state.window_mut(t.session, t.window) {
                w.layout.resize_pane_to(t.pane, dir, size);
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
    w.zoomed = None;
    for (flag, dir, change) in moves {
        if args.has(flag) {
            w.layout.resize_pane(t.pane, dir, change);
        }
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
    let Some(w) = state.window_mut(sid, idx) else {
        return;
    };
    w.zoomed = None;
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
    if let Some(w) = state.window_mut(t.session, t.window) {
        w.zoomed = None;
    }
    state.apply_layout(t.session, t.window);
    if args.has('n') || args.has('p') {
        step(state, t.session, t.window, args.has('n'));
        return Ok(CmdResult::default());
    }
    let Some(name) = args.rest.first() else {
        // No name: the last layout again, if there was one.
        if let Some(n) = state.window(t.session, t.window).and_then(|w| w.lastlayout) {
            apply_named(state, t.session, t.window, n);
        }
        return Ok(CmdResult::default());
    };
    // tmux then parses it as a layout string (`select-layout bb62,...`), which we lack.
    let layout = lookup(name).ok_or_else(|| format!("invalid layout: {name}"))?;
    apply_named(state, t.session, t.window, layout);
    Ok(CmdResult::default())
}

pub fn next_layout(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    layout_step(ctx, state, args, true)
}

pub fn previous_layout(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    layout_step(ctx, state, args, false)
}

fn layout_step(ctx: &Ctx<'_>, state: &mut State, args: &Args, forward: bool) -> CmdOutcome {
    let t = super::resolve_as(ctx, state, args.get('t'), super::Find::Window)?;
    step(state, t.session, t.window, forward);
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
    if let Some(w) = state.window_mut(t.session, t.window) {
        if w.zoomed.is_some_and(|z| z != last) && !args.has('Z') {
            w.zoomed = None;
        }
        w.last = Some(w.active);
        w.active = last;
    }
    state.apply_layout(t.session, t.window);
    Ok(CmdResult::default())
}
