//! Commands that move panes and windows (tmux 3.3a): swap-pane, join-pane/move-pane,
//! break-pane, rotate-window, move-window (-r renumbers; -a/-b shuffle up), swap-window,
//! kill-window (-a).

use super::{
    Args, CmdOutcome, CmdResult, Ctx, Find, Target, fail, resolve, resolve_as, resolve_source,
};
use crate::format;
use crate::layout::{Border, Dir};
use crate::state::{State, Window};

/// A placeholder leaf while a pane moves within one tree (pane ids never reach it).
const MOVING: u32 = u32::MAX;
/// What a pane that moved out leaves in a window that goes once the move is done.
const LEFT: u32 = u32::MAX - 1;

/// tmux `window_push_zoom`: unzoom; the window re-zooms its active pane afterwards only with
/// `-Z` and when it was zoomed.
pub(super) fn push_zoom(state: &mut State, sid: u32, idx: u32, keep: bool) -> bool {
    state.unzoom(sid, idx) && keep
}

/// tmux `window_pop_zoom`: the active pane zoomed again when `push_zoom` said so.
pub(super) fn pop_zoom(state: &mut State, sid: u32, idx: u32, rezoom: bool) {
    if rezoom && let Some(active) = state.window(sid, idx).map(|w| w.active) {
        state.zoom(sid, idx, active);
    }
    state.apply_layout(sid, idx);
}

/// tmux `window_set_active_pane` (no unzoom: callers did that).
fn set_active(state: &mut State, sid: u32, idx: u32, pane: u32) {
    state.set_active_pane(sid, idx, pane, true);
}

pub fn swap_pane(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    let dst = resolve(ctx, state, args.get('t'))?;
    let keep = args.has('Z');
    let dst_zoom = push_zoom(state, dst.session, dst.window, keep);
    let src = if args.has('D') || args.has('U') {
        let ids = state
            .window(dst.session, dst.window)
            .map(|w| w.pane_ids())
            .unwrap_or_default();
        let pos = ids.iter().position(|p| *p == dst.pane).unwrap_or(0);
        let n = ids.len().max(1);
        let at = if args.has('D') {
            (pos + 1) % n
        } else {
            (pos + n - 1) % n
        };
        Target {
            pane: ids.get(at).copied().unwrap_or(dst.pane),
            ..dst
        }
    } else {
        resolve_source(ctx, state, args.get('s'), Find::Pane)?
    };
    let same = (src.session, src.window) == (dst.session, dst.window);
    let src_zoom = !same && push_zoom(state, src.session, src.window, keep);
    if src.pane != dst.pane {
        swap(state, src, dst, args.has('d'));
    }
    pop_zoom(
        state,
        src.session,
        src.window,
        if same { dst_zoom } else { src_zoom },
    );
    if !same {
        pop_zoom(state, dst.session, dst.window, dst_zoom);
    }
    Ok(CmdResult::default())
}

/// The cells stay; the two panes trade places (and so sizes).
fn swap(state: &mut State, src: Target, dst: Target, detached: bool) {
    // tmux sets PANE_STYLECHANGED on both panes.
    crate::palette::restyle(state, src.pane);
    crate::palette::restyle(state, dst.pane);
    let relabel = |w: &mut Window, from: u32, to: u32| w.relabel_pane(from, to);
    let same = (src.session, src.window) == (dst.session, dst.window);
    if same {
        if let Some(w) = state.window_mut(dst.session, dst.window) {
            relabel(w, src.pane, MOVING);
            relabel(w, dst.pane, src.pane);
            relabel(w, MOVING, dst.pane);
        }
    } else {
        if let Some(w) = state.window_mut(src.session, src.window) {
            relabel(w, src.pane, dst.pane);
        }
        if let Some(w) = state.window_mut(dst.session, dst.window) {
            relabel(w, dst.pane, src.pane);
        }
    }
    let active = |state: &State, t: Target| state.window(t.session, t.window).map(|w| w.active);
    if !detached {
        if same {
            set_active(state, src.session, src.window, dst.pane);
        } else {
            set_active(state, src.session, src.window, dst.pane);
            set_active(state, dst.session, dst.window, src.pane);
        }
    } else {
        // tmux checks these in turn, so within one window the second undoes the first.
        if active(state, src) == Some(src.pane) {
            set_active(state, src.session, src.window, dst.pane);
        }
        if active(state, dst) == Some(dst.pane) {
            set_active(state, dst.session, dst.window, src.pane);
        }
    }
    if !same {
        for (t, gone) in [(src, src.pane), (dst, dst.pane)] {
            if let Some(w) = state.window_mut(t.session, t.window)
                && w.last == Some(gone)
            {
                w.last = None;
            }
            // A pane that left is no longer this window's active one.
            if let Some(w) = state.window_mut(t.session, t.window)
                && w.active == gone
            {
                w.active = if gone == src.pane { dst.pane } else { src.pane };
            }
        }
    }
    state.apply_layout(src.session, src.window);
    state.apply_layout(dst.session, dst.window);
    state.layout_changed(src.session, src.window);
    if !same {
        state.layout_changed(dst.session, dst.window);
    }
}

/// `-l N`/`-l N%` or `-p N` for a cell `cur` wide: tmux's `size ...` errors.
pub fn split_size(args: &Args, cur: u16) -> Result<Option<u16>, String> {
    if let Some(l) = args.get('l') {
        return layout_size(l, cur).map(Some);
    }
    if let Some(p) = args.get('p') {
        let pct = strtonum(p, 0, 100).map_err(|e| format!("size {e}"))?;
        let size = u64::from(cur) * pct / 100;
        return Ok(Some(u16::try_from(size).unwrap_or(u16::MAX)));
    }
    Ok(None)
}

/// split-window's `-l N`, `-l N%` or `-p N` for a cell `cur` wide, as tmux 3.3a's
/// `cmd_split_window_exec` reads them: any percentage (`-l 200%` asks for twice the cell, which
/// the layout then clamps) and its own error words.
pub fn split_window_size(args: &Args, cur: u16) -> Result<Option<u16>, String> {
    let share = |pct: u64| u16::try_from(u64::from(cur) * pct / 100).unwrap_or(u16::MAX);
    if let Some(l) = args.get('l') {
        return match l.strip_suffix('%') {
            Some(p) => strtonum(p, 0, i64::from(i32::MAX))
                .map(|pct| Some(share(pct)))
                .map_err(|e| format!("percentage {e}")),
            None => strtonum(l, 0, i64::from(i32::MAX))
                .map(|n| Some(u16::try_from(n).unwrap_or(u16::MAX)))
                .map_err(|e| format!("lines {e}")),
        };
    }
    if let Some(p) = args.get('p') {
        return strtonum(p, 0, i64::from(i32::MAX))
            .map(|pct| Some(share(pct)))
            .map_err(|e| format!("create pane failed: -p {e}"));
    }
    Ok(None)
}

fn layout_size(value: &str, cur: u16) -> Result<u16, String> {
    let n = match value.strip_suffix('%') {
        Some(p) => {
            let pct = strtonum(p, 0, 100).map_err(|e| format!("size {e}"))?;
            u64::from(cur) * pct / 100
        }
        None => strtonum(value, 0, i64::from(i32::MAX)).map_err(|e| format!("size {e}"))?,
    };
    Ok(u16::try_from(n).unwrap_or(u16::MAX))
}

/// strtonum(3)'s errors: `invalid`, `too small`, `too large`.
pub fn strtonum(s: &str, min: i64, max: i64) -> Result<u64, &'static str> {
    let n: i64 = s.trim_start().parse().map_err(|_| "invalid")?;
    if n < min {
        return Err("too small");
    }
    if n > max {
        return Err("too large");
    }
    u64::try_from(n).map_err(|_| "too small")
}

pub fn join_pane(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    let dst = resolve(ctx, state, args.get('t'))?;
    let src = resolve_source(ctx, state, args.get('s'), Find::Pane)?;
    for t in [dst, src] {
        state.unzoom(t.session, t.window);
        state.apply_layout(t.session, t.window);
    }
    if src.pane == dst.pane {
        return fail("source and target panes must be different");
    }
    let dir = if args.has('h') {
        Dir::LeftRight
    } else {
        Dir::TopBottom
    };
    let Some(g) = state
        .window(dst.session, dst.window)
        .and_then(|w| w.geometry(dst.pane))
    else {
        return fail("no pane");
    };
    let cur = if dir == Dir::TopBottom { g.sy } else { g.sx };
    let size = split_size(args, cur)?;
    let dst_wid = state.window(dst.session, dst.window).map(|w| w.id);
    let split = state.window_mut(dst.session, dst.window).and_then(|w| {
        let how = crate::layout::SplitHow {
            size,
            before: args.has('b'),
            full: args.has('f'),
        };
        w.layout
            .split_how(dst.pane, dir, MOVING, how, Border::window(w.pane_status))?;
        // join-pane puts the pane next to the target in the list even across the window.
        w.insert_pane(MOVING, dst.pane, how.before, false);
        Some(())
    });
    if split.is_none() {
        return fail("create pane failed: pane too small");
    }
    // Out of its window like tmux's layout_close_pane, then into the new cell. A window left
    // empty goes last, as in tmux (after the target window is selected).
    let Some(pane) = state.panes.remove(&src.pane) else {
        return fail("no pane");
    };
    let src_wid = state.window(src.session, src.window).map(|w| w.id);
    let emptied = state
        .window(src.session, src.window)
        .is_some_and(|w| w.pane_ids().len() == 1);
    if emptied {
        state.layout_changed(src.session, src.window);
        if let Some(w) = state.window_mut(src.session, src.window) {
            w.relabel_pane(src.pane, LEFT);
        }
    } else {
        state.close_pane_cell(src.pane, false);
    }
    state.panes.insert(src.pane, pane);
    let Some((sid, idx)) = dst_wid.and_then(|w| state.locate_window(w)) else {
        return fail("no window");
    };
    if let Some(w) = state.window_mut(sid, idx) {
        w.relabel_pane(MOVING, src.pane);
        // Closing the source cell may have made the placeholder the active or last pane.
        if w.active == MOVING {
            w.active = src.pane;
        }
        if w.last == Some(MOVING) {
            w.last = Some(src.pane);
        }
    }
    if !args.has('d') {
        set_active(state, sid, idx, src.pane);
        super::window::select_index(state, sid, idx);
    }
    match src_wid.and_then(|w| state.locate_window(w)) {
        Some((s, i)) if emptied => state.remove_window(s, i),
        Some((s, i)) => state.layout_changed(s, i),
        None => {}
    }
    if let Some((sid, idx)) = dst_wid.and_then(|w| state.locate_window(w)) {
        state.layout_changed(sid, idx);
        state.apply_layout(sid, idx);
    }
    // tmux sets PANE_STYLECHANGED on the joined pane.
    crate::palette::restyle(state, src.pane);
    Ok(CmdResult::default())
}

/// A `-t` naming a window index that may not exist yet (tmux `CMD_FIND_WINDOW_INDEX`):
/// the session and the index, `None` for "the first free one".
pub(super) fn index_target(
    ctx: &Ctx<'_>,
    state: &State,
    target: Option<&str>,
) -> Result<(u32, Option<u32>), String> {
    let Some(t) = target else {
        let sid = super::current_session(ctx, state).ok_or("no current session")?;
        return Ok((sid, None));
    };
    // tmux's CMD_FIND_WINDOW_INDEX: a target naming a pane (`S:W.P`, `W.P`, `%N`) is refused
    // before anything is looked up.
    let window_part = t.split_once(':').map_or(t, |(_, w)| w);
    if t.starts_with('%')
        || window_part
            .split_once('.')
            .is_some_and(|(_, p)| !p.is_empty())
    {
        return Err("can't specify pane here".into());
    }
    // An empty pane part (`S:W.`) is none.
    let t = match window_part.split_once('.') {
        Some((_, "")) => t.strip_suffix('.').unwrap_or(t),
        _ => t,
    };
    // A bare word is a window of the current session first (an index that may not exist
    // yet included), then a session (tmux's cmd_find_get_window, then the session's next
    // free index).
    if !t.contains([':', '.']) && !t.starts_with(['@', '%', '$', '{', '~', '!', '+', '-']) {
        if let Some(cur) = super::current_session(ctx, state) {
            if let Some(w) = super::target::find_window(state, cur, t) {
                return Ok((cur, Some(w)));
            }
            if let Ok(i) = t.strip_prefix('=').unwrap_or(t).parse::<u32>() {
                return Ok((cur, Some(i)));
            }
        }
        if let Some(sid) = super::target::find_session(state, t) {
            return Ok((sid, None));
        }
    }
    if let Ok(found) = resolve_as(ctx, state, Some(t), Find::Window) {
        let named_window = t.split_once(':').is_none_or(|(_, w)| !w.is_empty());
        return Ok((found.session, named_window.then_some(found.window)));
    }
    let (sess, win) = t.split_once(':').unwrap_or(("", t));
    let sid = if sess.is_empty() {
        super::current_session(ctx, state).ok_or("no current session")?
    } else {
        resolve_as(ctx, state, Some(sess), Find::Session)?.session
    };
    match win.strip_prefix('=').unwrap_or(win).parse::<u32>() {
        Ok(i) => Ok((sid, Some(i))),
        Err(_) if win.is_empty() => Ok((sid, None)),
        Err(_) => Err(format!("can't find window: {win}")),
    }
}

/// tmux `winlink_shuffle_up` for `-a`/`-b`: the index after (or at) the target window (the
/// current one when the target names none), the windows from there to the next gap moved up
/// one. Returns the index and the range that moved.
fn shuffle_up(
    state: &mut State,
    dst: u32,
    at: Option<u32>,
    before: bool,
) -> Option<(u32, std::ops::Range<u32>)> {
    let s = state.sessions.get_mut(&dst)?;
    let base = at
        .filter(|i| s.windows.contains_key(i))
        .unwrap_or(s.current);
    let idx = if before { base } else { base.checked_add(1)? };
    let mut last = idx;
    while s.windows.contains_key(&last) {
        last = last.checked_add(1)?;
    }
    for i in (idx..last).rev() {
        s.windows.move_link(i, i + 1);
    }
    let moved = idx..last;
    let up = |i: u32| if moved.contains(&i) { i + 1 } else { i };
    s.last = s.last.map(up);
    s.older = s.older.iter().copied().map(up).collect();
    s.current = up(s.current);
    Some((idx, moved))
}

/// `-a`/`-b`: shuffle the destination and follow the source window if it moved with it.
pub(super) fn place(
    state: &mut State,
    args: &Args,
    (dst, at): (u32, Option<u32>),
    src: &mut Target,
) -> Result<Option<u32>, String> {
    if !args.has('a') && !args.has('b') {
        return Ok(at);
    }
    let (idx, moved) = shuffle_up(state, dst, at, args.has('b')).ok_or("no session")?;
    if src.session == dst && moved.contains(&src.window) {
        src.window += 1;
    }
    Ok(Some(idx))
}

fn first_free(state: &State, sid: u32) -> u32 {
    let base = u32::try_from(state.option_num(sid, 0, "base-index")).unwrap_or(0);
    let Some(s) = state.sessions.get(&sid) else {
        return base;
    };
    (base..)
        .find(|i| !s.windows.contains_key(i))
        .unwrap_or(base)
}

/// What `relink` does with the source's link once the window is at its new index.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Keep {
    /// move-window: it goes (tmux `server_unlink_window` after the link).
    Move,
    /// link-window: it stays, the window now at both indexes.
    Link,
}

/// tmux `server_link_window` (then `server_unlink_window` for a move): the window at
/// (`sid`, `idx`) goes to `dst` at `at` (first free when `None`). Returns the new index.
pub(super) fn relink(
    state: &mut State,
    (sid, idx): (u32, u32),
    (dst, at): (u32, Option<u32>),
    kill: bool,
    select: bool,
    keep: Keep,
) -> Result<u32, String> {
    let mut select = select;
    let Some(wid) = state.window(sid, idx).map(|w| w.id) else {
        return Err("no window".into());
    };
    // Windows live in their session (`crate::winlink`): one window in two sessions cannot be.
    if sid != dst {
        let linked = state
            .sessions
            .get(&sid)
            .is_some_and(|s| s.windows.references(&idx) > 1);
        if keep == Keep::Link || linked {
            return Err("a window in two sessions is not supported with tmate".into());
        }
    }
    if let Some(i) = at
        && let Some(there) = state.window(dst, i).map(|w| w.id)
    {
        if there == wid {
            return Err(format!("same index: {i}"));
        }
        if !kill {
            return Err(format!("index in use: {i}"));
        }
        // That link goes (its window too when it was its last), without ending the session.
        state.notify_window("window-unlinked", dst, i, None);
        let old = state.sessions.get_mut(&dst).and_then(|s| {
            s.forget(i);
            s.windows.remove(&i)
        });
        if state.sessions.get(&dst).is_some_and(|s| s.current == i) {
            select = true;
        }
        for p in old.map(|w| w.pane_ids()).unwrap_or_default() {
            // remove_pane hangs the process up; the pane is in no layout any more.
            state.remove_pane(p);
        }
    }
    let new_idx = at.unwrap_or_else(|| first_free(state, dst));
    // tmux queues window-linked, then (for a move) window-unlinked for the source's link,
    // which is gone by then: its notification is taken now.
    // The new link first (tmux `server_link_window`), a move's old one dropped after it: the
    // hooks raised in between see the window at both indexes.
    let across = if sid == dst {
        let linked = state
            .sessions
            .get_mut(&sid)
            .is_some_and(|s| s.windows.link_at(idx, new_idx));
        if !linked {
            return Err("no window".into());
        }
        None
    } else {
        Some(move_across(state, (sid, idx), (dst, new_idx))?)
    };
    if let Some(cur) = state
        .sessions
        .get(&dst)
        .filter(|s| select || !s.windows.contains_key(&s.current))
        .map(|s| s.current)
    {
        state.select_window(dst, new_idx);
        // The replaced current window is gone: it leaves no trace on the stack.
        if let Some(s) = state.sessions.get_mut(&dst)
            && !s.windows.contains_key(&cur)
        {
            s.forget(cur);
        }
    }
    state.notify_window("window-linked", dst, new_idx, None);
    if keep == Keep::Move {
        let n = match across {
            Some(n) => n,
            None => {
                let n = state.window_notification("window-unlinked", sid, idx);
                if let Some(s) = state.sessions.get_mut(&sid) {
                    s.windows.remove(&idx);
                }
                n
            }
        };
        state.notify_hook(n);
        // Unlink from the source: its current moves on like a closed window's.
        state.detach_index(sid, idx);
    }
    if sid != dst {
        fit(state, dst, new_idx);
    }
    Ok(new_idx)
}

/// A move to another session: the window (at one index only, `relink` checked) leaves `sid`
/// for `dst`. Returns the source's window-unlinked notification, taken before it left.
fn move_across(
    state: &mut State,
    (sid, idx): (u32, u32),
    (dst, new_idx): (u32, u32),
) -> Result<crate::hooks::Notification, String> {
    let n = state.window_notification("window-unlinked", sid, idx);
    let w = state
        .sessions
        .get_mut(&sid)
        .and_then(|s| s.windows.remove(&idx));
    match (w, state.sessions.get_mut(&dst)) {
        (Some(w), Some(s)) => {
            s.windows.insert(new_idx, w);
            Ok(n)
        }
        _ => Err("no window".into()),
    }
}

/// tmux `recalculate_sizes` after a window moved into session `sid`: sized by the session's
/// clients as its `window-size` says (without clients it keeps its own size).
fn fit(state: &mut State, sid: u32, idx: u32) {
    state.recompute_size(sid);
    state.apply_layout(sid, idx);
}

pub fn move_window(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    if args.has('r') {
        let t = resolve_as(ctx, state, args.get('t'), Find::Session)?;
        let base = u32::try_from(state.option_num(t.session, 0, "base-index")).unwrap_or(0);
        state.renumber_session(t.session, base);
        return Ok(CmdResult::default());
    }
    relink_window(ctx, state, args, Keep::Move)
}

/// move-window's and link-window's common part: `-s` placed at `-t` (with -a/-b/-k/-d), the
/// source kept as a link or moved; the source session renumbered when -s did not name it (a
/// -k may have dropped one of its windows), as tmux.
pub(super) fn relink_window(
    ctx: &Ctx<'_>,
    state: &mut State,
    args: &Args,
    keep: Keep,
) -> CmdOutcome {
    let mut src = resolve_as(ctx, state, args.get('s'), Find::Window)?;
    let (dst, at) = index_target(ctx, state, args.get('t'))?;
    let at = place(state, args, (dst, at), &mut src)?;
    relink(
        state,
        (src.session, src.window),
        (dst, at),
        args.has('k'),
        !args.has('d'),
        keep,
    )?;
    if !args.has('s')
        && state.sessions.contains_key(&src.session)
        && state.session_option(src.session, "renumber-windows") == "on"
    {
        let base = u32::try_from(state.option_num(src.session, 0, "base-index")).unwrap_or(0);
        state.renumber_session(src.session, base);
    }
    Ok(CmdResult::default())
}

pub fn swap_window(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    let src = resolve_source(ctx, state, args.get('s'), Find::Window)?;
    let dst = resolve_as(ctx, state, args.get('t'), Find::Window)?;
    if (src.session, src.window) == (dst.session, dst.window) {
        return Ok(CmdResult::default());
    }
    if src.session == dst.session {
        let swapped = state
            .sessions
            .get_mut(&src.session)
            .is_some_and(|s| s.windows.swap_links(src.window, dst.window));
        if !swapped {
            return fail("no window");
        }
    } else {
        swap_across(state, &src, &dst)?;
    }
    if src.session != dst.session {
        fit(state, src.session, src.window);
        fit(state, dst.session, dst.window);
    }
    // tmux 3.3a selects the target's index with -d (it is already current otherwise).
    if args.has('d') {
        super::window::select_index(state, dst.session, dst.window);
        if src.session != dst.session {
            super::window::select_index(state, src.session, src.window);
        }
    }
    Ok(CmdResult::default())
}

/// swap-window between two sessions: each window goes to the other's session, which it can
/// only do when it is at one index (a window lives in one session here, `crate::winlink`).
fn swap_across(state: &mut State, src: &Target, dst: &Target) -> Result<(), String> {
    let linked = |t: &Target| {
        state
            .sessions
            .get(&t.session)
            .is_some_and(|s| s.windows.references(&t.window) > 1)
    };
    if linked(src) || linked(dst) {
        return Err("a window in two sessions is not supported with tmate".into());
    }
    let a = state
        .sessions
        .get_mut(&src.session)
        .and_then(|s| s.windows.remove(&src.window));
    let b = state
        .sessions
        .get_mut(&dst.session)
        .and_then(|s| s.windows.remove(&dst.window));
    let (Some(a), Some(b)) = (a, b) else {
        return Err("no window".into());
    };
    if let Some(s) = state.sessions.get_mut(&dst.session) {
        s.windows.insert(dst.window, a);
    }
    if let Some(s) = state.sessions.get_mut(&src.session) {
        s.windows.insert(src.window, b);
    }
    Ok(())
}

pub fn break_pane(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    let mut src = resolve(ctx, state, args.get('s'))?;
    let (dst, at) = index_target(ctx, state, args.get('t'))?;
    let at = place(state, args, (dst, at), &mut src)?;
    state.unzoom(src.session, src.window);
    state.apply_layout(src.session, src.window);
    let Some(w) = state.window(src.session, src.window) else {
        return fail("no window");
    };
    let (wsx, wsy) = (w.sx, w.sy);
    let (sid, idx) = if w.pane_ids().len() == 1 {
        // One pane: the window itself moves.
        match relink(
            state,
            (src.session, src.window),
            (dst, at),
            false,
            !args.has('d'),
            Keep::Move,
        ) {
            Ok(i) => (dst, i),
            Err(e) => return Err(e),
        }
    } else {
        if let Some(i) = at
            && state.window(dst, i).is_some()
        {
            return fail(format!("index in use: {i}"));
        }
        let Some(pane) = state.panes.remove(&src.pane) else {
            return fail("no pane");
        };
        state.close_pane_cell(src.pane, true);
        state.panes.insert(src.pane, pane);
        let wid = state.alloc_window();
        let idx = at.unwrap_or_else(|| first_free(state, dst));
        let w = Window::new(wid, None, src.pane, wsx, wsy);
        if let Some(s) = state.sessions.get_mut(&dst) {
            s.windows.insert(idx, w);
        }
        if !args.has('d') {
            state.select_window(dst, idx);
        }
        fit(state, dst, idx);
        state.apply_layout(dst, idx);
        // tmux sets PANE_STYLECHANGED on a pane broken off (not on a moved window's).
        crate::palette::restyle(state, src.pane);
        (dst, idx)
    };
    if let Some(name) = args.get('n')
        && let Some(w) = state.window_mut(sid, idx)
    {
        w.set_name(name.to_string());
    }
    let mut r = CmdResult::default();
    if args.has('P') {
        let fmt = args
            .get('F')
            .unwrap_or("#{session_name}:#{window_index}.#{pane_index}");
        let c = format::Ctx {
            session: sid,
            window: idx,
            pane: src.pane,
        };
        r.out = format!("{}\n", format::expand(state, c, fmt));
    }
    Ok(r)
}

pub fn rotate_window(_ctx: &Ctx<'_>, state: &mut State, args: &Args, t: Target) -> CmdOutcome {
    let rezoom = push_zoom(state, t.session, t.window, args.has('Z'));
    let Some(w) = state.window_mut(t.session, t.window) else {
        return fail("no window");
    };
    let mut ids = w.pane_ids();
    if ids.is_empty() {
        return Ok(CmdResult::default());
    }
    // The pane order rotates and each pane takes the next one's cell; the active cell stays.
    let down = args.has('D');
    if down {
        ids.rotate_right(1);
    } else {
        ids.rotate_left(1);
    }
    w.reorder_panes(&ids);
    let pos = ids.iter().position(|p| *p == w.active).unwrap_or(0);
    let n = ids.len();
    let next = if down {
        ids.get((pos + n - 1) % n)
    } else {
        ids.get((pos + 1) % n)
    };
    if let Some(p) = next.copied() {
        set_active(state, t.session, t.window, p);
    }
    pop_zoom(state, t.session, t.window, rezoom);
    Ok(CmdResult::default())
}

pub fn kill_window(_ctx: &Ctx<'_>, state: &mut State, args: &Args, t: Target) -> CmdOutcome {
    if !args.has('a') {
        state.remove_window(t.session, t.window);
        return Ok(CmdResult::default());
    }
    // Every other window; by id, since renumber-windows moves indexes as they go.
    let keep = state.window(t.session, t.window).map(|w| w.id);
    let others: Vec<u32> = state
        .sessions
        .get(&t.session)
        .map(|s| {
            s.windows
                .values()
                .map(|w| w.id)
                .filter(|id| Some(*id) != keep)
                .collect()
        })
        .unwrap_or_default();
    for wid in others {
        if let Some((sid, idx)) = state.locate_window(wid) {
            state.remove_window(sid, idx);
        }
    }
    Ok(CmdResult::default())
}
