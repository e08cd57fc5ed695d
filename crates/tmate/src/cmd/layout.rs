//! Layout commands: resize-pane (-L -R -U -D N, -Z zoom), select-layout (even-horizontal,
//! even-vertical), last-pane.

use super::{Args, CmdResult, Ctx, resolve};
use crate::layout::{Cell, Dir};
use crate::state::State;

pub fn resize_pane(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdResult {
    let t = match resolve(ctx, state, args.get('t')) {
        Ok(t) => t,
        Err(e) => return CmdResult::error(e),
    };
    let Some(w) = state.window_mut(t.session, t.window) else {
        return CmdResult::error("no window");
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
        return CmdResult::default();
    }
    if args.has('x') || args.has('y') || args.has('M') {
        return CmdResult::error("resize-pane: -x, -y and -M are not supported yet");
    }
    let adjust = match args.rest.first().map(|n| n.parse::<i32>()) {
        None => 1,
        Some(Ok(n)) if (1..=i32::from(u16::MAX)).contains(&n) => n,
        Some(_) => {
            let n = args.rest.first().map(String::as_str).unwrap_or_default();
            return CmdResult::error(format!("adjustment {n}"));
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
    CmdResult::default()
}

pub fn select_layout(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdResult {
    let t = match resolve(ctx, state, args.get('t')) {
        Ok(t) => t,
        Err(e) => return CmdResult::error(e),
    };
    let Some(w) = state.window_mut(t.session, t.window) else {
        return CmdResult::error("no window");
    };
    let name = args
        .rest
        .first()
        .map(String::as_str)
        .unwrap_or("even-horizontal");
    let dir = match name {
        "even-horizontal" => Dir::LeftRight,
        "even-vertical" => Dir::TopBottom,
        _ => return CmdResult::error(format!("can't set layout: {name}")),
    };
    w.zoomed = None;
    if let Some(cell) = Cell::even(&w.pane_ids(), dir, w.sx, w.sy) {
        w.layout = cell;
    }
    state.apply_layout(t.session, t.window);
    CmdResult::default()
}

pub fn last_pane(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdResult {
    let t = match super::resolve_as(ctx, state, args.get('t'), super::Find::Window) {
        Ok(t) => t,
        Err(e) => return CmdResult::error(e),
    };
    let last = state
        .window(t.session, t.window)
        .and_then(|w| w.last.filter(|l| w.pane_ids().contains(l)));
    let Some(last) = last else {
        return CmdResult::error("no last pane");
    };
    if let Some(w) = state.window_mut(t.session, t.window) {
        if w.zoomed.is_some_and(|z| z != last) && !args.has('Z') {
            w.zoomed = None;
        }
        w.last = Some(w.active);
        w.active = last;
    }
    state.apply_layout(t.session, t.window);
    CmdResult::default()
}
