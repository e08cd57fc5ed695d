//! Pane commands: split-window (-h -v -b -f -l -p), select-pane (unzooms like tmux), kill-pane, list-panes,
//! send-keys, capture-pane.

use tmate_proto::{KeyCode, pane_key_bytes};

use super::{Args, CmdOutcome, CmdResult, Ctx, Find, Target, fail, output, resolve_as};
use crate::format;
use crate::layout::{Dir, Geometry, SplitHow};
use crate::process::spawn_pane;
use crate::state::State;

pub fn split(ctx: &Ctx<'_>, state: &mut State, args: &Args, t: Target) -> CmdOutcome {
    let dir = if args.has('h') {
        Dir::LeftRight
    } else {
        Dir::TopBottom
    };
    let Some((g, window_size)) = state
        .window(t.session, t.window)
        .and_then(|w| Some((w.geometry(t.pane)?, (w.sx, w.sy))))
    else {
        return fail("no pane");
    };
    // -f splits the whole window: its size is what must fit and what -l N% is a share of.
    let (sx, sy) = if args.has('f') {
        window_size
    } else {
        (g.sx, g.sy)
    };
    let cur = if dir == Dir::TopBottom { sy } else { sx };
    if cur < 3 {
        return fail("no space for new pane");
    }
    let size = super::r#move::split_window_size(args, cur)?;
    let command = (!args.rest.is_empty()).then(|| args.rest.join(" "));
    let cwd = args.get('c').unwrap_or(&ctx.client.cwd).to_string();
    // Spawned at the old size; the split resizes it at once.
    state.spawn_env = crate::environ::Environ::from_e_flag(args.get_all('e'));
    let new = spawn_pane(
        ctx.shared,
        state,
        t.session,
        command.as_deref(),
        &cwd,
        g.sx,
        g.sy,
    );
    state.spawn_env = None;
    let new = new?;
    crate::process::note_start_command(state, new, &args.rest);
    let how = SplitHow {
        size,
        before: args.has('b'),
        full: args.has('f'),
    };
    if state
        .split_how(t.session, t.window, t.pane, dir, new, how)
        .is_none()
    {
        state.remove_pane(new);
        return fail("no space for new pane");
    }
    // tmux `spawn_pane`: the new pane is made active (unless -d), then the layout told of.
    if !args.has('d') {
        state.set_active_pane(t.session, t.window, new, true);
    }
    state.hooks.created = Some(Target { pane: new, ..t });
    state.layout_changed(t.session, t.window);
    let mut r = CmdResult::default();
    if args.has('P') {
        let fmt = args
            .get('F')
            .unwrap_or("#{session_name}:#{window_index}.#{pane_index}");
        let c = format::Ctx {
            session: t.session,
            window: t.window,
            pane: new,
        };
        r.out = format!("{}\n", format::expand(state, c, fmt));
    }
    Ok(r)
}

/// The pane next to `pane` in a direction (tmux 3.3a `window_pane_find_*`): the panes whose
/// far side is across the border from this one's near side (wrapping round the window, past
/// the rows `pane-border-status` takes at its top or bottom) and that overlap it, the one
/// made active most recently.
pub fn neighbour(state: &State, sid: u32, idx: u32, pane: u32, dir: char) -> Option<u32> {
    let w = state.window(sid, idx)?;
    let all: Vec<Geometry> = w.pane_ids().iter().filter_map(|p| w.geometry(*p)).collect();
    let me = all.iter().find(|g| g.id == pane)?;
    let (across, edge) = neighbour_edge(me, dir, (w.sx, w.sy), w.pane_status);
    let candidates = all.iter().filter(|g| {
        let (start, size) = if across {
            (g.yoff, g.sy)
        } else {
            (g.xoff, g.sx)
        };
        let near = match dir {
            'L' => g.xoff + g.sx + 1,
            'R' => g.xoff,
            'U' => g.yoff + g.sy + 1,
            _ => g.yoff,
        };
        let (lo, hi) = if across {
            (me.yoff, me.yoff + me.sy)
        } else {
            (me.xoff, me.xoff + me.sx)
        };
        let end = (start + size).saturating_sub(1);
        g.id != pane
            && near == edge
            && ((start < lo && end > hi) || (lo..=hi).contains(&start) || (lo..=hi).contains(&end))
    });
    // tmux `window_pane_choose_best`: the first of the most recently active.
    candidates
        .fold(None::<&Geometry>, |best, g| match best {
            Some(b) if w.active_point(g.id) <= w.active_point(b.id) => Some(b),
            _ => Some(g),
        })
        .map(|g| g.id)
}

/// Whether `dir` looks left or right (the overlap is then in rows), and the coordinate a
/// neighbour's near side must have: for L and U one past its far side's border, for R and D
/// its offset.
fn neighbour_edge(
    me: &Geometry,
    dir: char,
    (sx, sy): (u16, u16),
    status: tmate_term::PaneStatus,
) -> (bool, u16) {
    use tmate_term::PaneStatus;
    match dir {
        'L' => (true, if me.xoff == 0 { sx + 1 } else { me.xoff }),
        'R' => {
            let edge = me.xoff + me.sx + 1;
            (true, if edge >= sx { 0 } else { edge })
        }
        'U' => {
            let top = match status {
                PaneStatus::Top => 1,
                _ => 0,
            };
            let wrap = match status {
                PaneStatus::Bottom => sy,
                _ => sy + 1,
            };
            (false, if me.yoff == top { wrap } else { me.yoff })
        }
        _ => {
            let edge = me.yoff + me.sy + 1;
            let (limit, wrap) = match status {
                PaneStatus::Top => (sy, 1),
                PaneStatus::Bottom => (sy.saturating_sub(1), 0),
                PaneStatus::Off => (sy, 0),
            };
            (false, if edge >= limit { wrap } else { edge })
        }
    }
}

/// select-pane's change of active pane: tmux 3.3a unzooms the window first and zooms it again
/// after only with `-Z` (`window_push_zoom`, `window_pop_zoom`).
pub fn set_active(state: &mut State, sid: u32, idx: u32, pane: u32, keep_zoom: bool) {
    if state.window(sid, idx).is_some_and(|w| w.active != pane) {
        let rezoom = super::r#move::push_zoom(state, sid, idx, keep_zoom);
        state.set_active_pane(sid, idx, pane, true);
        super::r#move::pop_zoom(state, sid, idx, rezoom);
    }
}

/// select-pane -m (mark the pane, or unmark it when it is the marked one) and -M (clear the
/// mark), as tmux 3.3a: a pane hidden by another's zoom is not marked.
fn mark(state: &mut State, args: &Args, t: Target) {
    let hidden = state
        .window(t.session, t.window)
        .is_some_and(|w| w.zoomed.is_some_and(|z| z != t.pane));
    if args.has('m') && hidden {
        return;
    }
    let is_marked = state
        .marked()
        .is_some_and(|m| (m.session, m.window, m.pane) == (t.session, t.window, t.pane));
    let before = state.marked().map(|m| m.pane);
    if args.has('M') || is_marked {
        state.marked = None;
    } else {
        state.set_marked(t.session, t.window, t.pane);
    }
    // tmux sets PANE_STYLECHANGED on the panes marked before and after.
    let after = state.marked().map(|m| m.pane);
    for pane in before.into_iter().chain(after) {
        crate::palette::restyle(state, pane);
    }
}

pub fn select(_ctx: &Ctx<'_>, state: &mut State, args: &Args, t: Target) -> CmdOutcome {
    if (args.has('m') || args.has('M')) && !args.has('l') {
        mark(state, args, t);
        return Ok(CmdResult::default());
    }
    // tmux 3.3a's deprecated -P sets the pane's own window styles unchecked (a bad one draws
    // as `default`), renewing its cached style; -g prints what the pane's `window-style` is.
    if !args.has('l') {
        if let Some(style) = args.get('P') {
            if let Some(p) = state.panes.get_mut(&t.pane) {
                for name in ["window-style", "window-active-style"] {
                    p.options.insert(name.to_string(), style.to_string());
                }
            }
            crate::palette::restyle(state, t.pane);
        }
        if args.has('g') {
            return output(format!("{}\n", state.pane_option(t.pane, "window-style")));
        }
    }
    let mut pane = t.pane;
    if args.has('l') {
        match state.window(t.session, t.window).and_then(|w| w.last) {
            Some(l) => pane = l,
            None => return fail("no last pane"),
        }
    }
    for d in ['L', 'R', 'U', 'D'] {
        if args.has(d) {
            pane = neighbour(state, t.session, t.window, t.pane, d).unwrap_or(t.pane);
        }
    }
    if let Some(title) = args.get('T')
        && let Some(p) = state.panes.get_mut(&pane)
    {
        // Titles go through the terminal like a program's OSC 2, so pane_title sees them.
        p.term.feed(format!("\x1b]2;{title}\x1b\\").as_bytes());
    }
    // tmux 3.3a sets a title without selecting the pane.
    if args.has('T') {
        return Ok(CmdResult::default());
    }
    // tmux 3.3a leaves the session's current window as it is.
    set_active(state, t.session, t.window, pane, args.has('Z'));
    Ok(CmdResult::default())
}

pub fn kill(_ctx: &Ctx<'_>, state: &mut State, args: &Args, t: Target) -> CmdOutcome {
    if args.has('a') {
        let others: Vec<u32> = state
            .window(t.session, t.window)
            .map(|w| w.pane_ids().into_iter().filter(|p| *p != t.pane).collect())
            .unwrap_or_default();
        others.into_iter().for_each(|p| state.remove_pane(p));
    } else {
        state.remove_pane(t.pane);
    }
    Ok(CmdResult::default())
}

/// tmux 3.3a's list-panes templates: the pane's line of one window, of a session (`-s`,
/// window index first) and of the server (`-a`, session name first).
const LIST_PANES_TEMPLATE: &str = "#{pane_index}: [#{pane_width}x#{pane_height}] \
     [history #{history_size}/#{history_limit}, #{history_bytes} bytes] #{pane_id}\
     #{?pane_active, (active),}#{?pane_dead, (dead),}";
const LIST_PANES_SESSION_TEMPLATE: &str = "#{window_index}.#{pane_index}: \
     [#{pane_width}x#{pane_height}] [history #{history_size}/#{history_limit}, \
     #{history_bytes} bytes] #{pane_id}#{?pane_active, (active),}#{?pane_dead, (dead),}";
const LIST_PANES_SERVER_TEMPLATE: &str = "#{session_name}:#{window_index}.#{pane_index}: \
     [#{pane_width}x#{pane_height}] [history #{history_size}/#{history_limit}, \
     #{history_bytes} bytes] #{pane_id}#{?pane_active, (active),}#{?pane_dead, (dead),}";

pub fn list(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    let fmt = args.get('F').unwrap_or(if args.has('a') {
        LIST_PANES_SERVER_TEMPLATE
    } else if args.has('s') {
        LIST_PANES_SESSION_TEMPLATE
    } else {
        LIST_PANES_TEMPLATE
    });
    // A window target (tmux CMD_FIND_WINDOW): `-t 1` is window 1, else session `1`, never
    // pane 1 of the current window.
    let t = resolve_as(ctx, state, args.get('t'), Find::Window)?;
    let windows: Vec<(u32, u32)> = if args.has('a') {
        super::listing::sessions_by_name(state)
            .into_iter()
            .flat_map(|sid| {
                state
                    .sessions
                    .get(&sid)
                    .into_iter()
                    .flat_map(move |s| s.windows.keys().map(move |i| (sid, *i)))
            })
            .collect()
    } else if args.has('s') {
        state
            .sessions
            .get(&t.session)
            .map(|s| s.windows.keys().map(|i| (t.session, *i)).collect())
            .unwrap_or_default()
    } else {
        vec![(t.session, t.window)]
    };
    let mut out = String::new();
    for (sid, idx) in windows {
        let ids = state
            .window(sid, idx)
            .map(|w| w.pane_ids())
            .unwrap_or_default();
        for (line, p) in ids.into_iter().enumerate() {
            let c = format::Ctx {
                session: sid,
                window: idx,
                pane: p,
            };
            if let Some(text) =
                super::listing::list_item(state, c, format::Kind::Pane, args, fmt, line)
            {
                out.push_str(&text);
                out.push('\n');
            }
        }
    }
    output(out)
}

pub fn send_keys(ctx: &Ctx<'_>, state: &mut State, args: &Args, t: Target) -> CmdOutcome {
    // -M: the mouse event of the binding, to the pane under the mouse.
    if args.has('M') {
        if let Some(m) = &ctx.client.mouse
            && let Some(p) = m.pane
            && !crate::copy::in_mode(state, p)
        {
            if crate::tree::in_mode(state, p) {
                crate::tree::mouse(ctx.shared, state, ctx.client, p, m);
            } else {
                crate::mouse::send_to_pane(state, p, m);
            }
        }
        return Ok(CmdResult::default());
    }
    // Copy mode: -X runs a copy command, other keys go through the copy key table.
    if args.has('X') {
        return crate::copy::command(ctx, state, t.pane, args);
    }
    if args.has('R') {
        crate::palette::reset_pane(state, t.pane);
        // A reset alone sends nothing (tmux sends the binding's key only without -R and -N).
        if args.rest.is_empty() {
            return Ok(CmdResult::default());
        }
    }
    if let Some(r) = crate::copy::send_keys(ctx, state, t.pane, args) {
        return Ok(r);
    }
    // A tree mode takes the keys itself (tmux `window_pane_key` to the mode).
    if crate::tree::in_mode(state, t.pane) && !args.has('l') && !args.has('H') {
        // The keys come from the target client (tmux's `cmdq_get_target_client`): the prompts
        // and messages a mode opens show there, and its commands run as that client's.
        let mut from = ctx.client.clone();
        if from.attached.is_none() && !from.relay {
            from.attached = super::client::current_client(ctx, state);
        }
        for word in &args.rest {
            if !crate::tree::in_mode(state, t.pane) {
                break;
            }
            if let Some(key) = KeyCode::parse(word) {
                crate::tree::key(ctx.shared, state, &from, t.pane, key);
            }
        }
        return Ok(CmdResult::default());
    }
    let Some(p) = state.panes.get(&t.pane) else {
        return fail("no pane");
    };
    let repeat = args
        .get('N')
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(1)
        .min(10_000);
    let mut skip = 0;
    // clock-mode takes keys as tmux's window_pane_key gives them to a mode: with a client to
    // act for, the first key leaves it (the rest reach the pane); without one, all are dropped.
    if p.top_mode() == Some(crate::modes::ModeKind::Clock) {
        if super::current_client(ctx, state).is_none() {
            return Ok(CmdResult::default());
        }
        crate::clock_mode::leave(state, t.pane);
        ctx.shared.notify();
        skip = 1;
    }
    // tmux's send-keys goes through `window_pane_key`: the panes synchronized with the
    // target get the keys too, each encoded for its own program's modes.
    for id in std::iter::once(t.pane).chain(super::synchronized_panes(state, t.pane)) {
        if let Some(p) = state.panes.get(&id) {
            let keys = key_bytes(args, p.key_modes());
            let bytes = keys.get(skip..).unwrap_or_default().concat();
            for _ in 0..repeat {
                p.write(bytes.clone());
            }
        }
    }
    Ok(CmdResult::default())
}

/// send-keys' words as the bytes of each key (one entry per key, as tmux injects them one
/// by one) for a pane whose program is in these key modes: `-l` characters, `-H` hex bytes,
/// else key names, or a word's characters when it is not one.
fn key_bytes(args: &Args, modes: tmate_proto::PaneKeyModes) -> Vec<Vec<u8>> {
    let mut keys: Vec<Vec<u8>> = Vec::new();
    let chars =
        |word: &str| -> Vec<Vec<u8>> { word.chars().map(|c| c.to_string().into_bytes()).collect() };
    for word in &args.rest {
        if args.has('l') {
            keys.extend(chars(word));
            continue;
        }
        if args.has('H') {
            for h in word.split_whitespace() {
                if let Ok(b) = u8::from_str_radix(h, 16) {
                    keys.push(vec![b]);
                }
            }
            continue;
        }
        match KeyCode::parse(word).and_then(|k| pane_key_bytes(k, modes)) {
            Some(b) => keys.push(b),
            None => keys.extend(chars(word)),
        }
    }
    keys
}
