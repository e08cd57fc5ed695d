//! Copy mode on the host (tmux 3.3a `window-copy.c`): entering and leaving it on a pane, the
//! `send-keys -X` commands, keys through the `copy-mode`/`copy-mode-vi` tables, drawing through
//! the pane's `PaneTerm` copy view, and the state the relay uplink mirrors (SYNC_COPY_MODE).
//! View mode (tmux's `window_view_mode`: run-shell output, config errors) is the same mode
//! over lines the server writes. The movements are in `mode.rs` and `motion.rs`, searches in
//! `search.rs`, the drawn rows in `draw.rs`, the lines in `backing.rs`, paste buffers in
//! `buffers.rs`, the outer terminals' clipboard (OSC 52) in `clipboard.rs`.

pub mod backing;
pub mod buffers;
pub mod clipboard;
pub mod draw;
pub mod keys;
pub mod mode;
pub mod motion;
pub mod search;

use std::sync::Arc;

use tmate_proto::KeyCode;
use tmate_term::{CopyOverlay, CopyView, MODE_STYLE};

pub use mode::CopyMode;
use mode::Grid;

use crate::modes::{ModeKind, Placed};
use search::SearchType;

use crate::cmd::{Args, CmdOutcome, CmdResult, Ctx, fail};
use crate::state::{Pane, State};

/// The key table a pane's mode reads keys from (by `mode-keys`), if copy or view mode is on
/// top of its modes.
pub fn key_table(state: &State, pane: u32) -> Option<&'static str> {
    state.panes.get(&pane)?.copy_top()?;
    Some(if mode_keys_vi(state, pane) {
        "copy-mode-vi"
    } else {
        "copy-mode"
    })
}

/// The window's `mode-style` and match styles (tmux's defaults when they do not parse).
fn styles(state: &State, pane: u32) -> draw::Styles {
    let (sid, idx) = state.locate_pane(pane).unwrap_or((0, 0));
    let get = |name: &str, default| {
        tmate_term::parse_style(&state.option(sid, idx, name)).unwrap_or(default)
    };
    let d = draw::Styles::default();
    draw::Styles {
        mode: get("mode-style", MODE_STYLE),
        matched: get("copy-mode-match-style", d.matched),
        current: get("copy-mode-current-match-style", d.current),
        mark: get("copy-mode-mark-style", d.mark),
    }
}

fn mode_keys_vi(state: &State, pane: u32) -> bool {
    let (sid, idx) = state.locate_pane(pane).unwrap_or((0, 0));
    state.option(sid, idx, "mode-keys") == "vi"
}

/// Copy or view mode is on top of the pane's modes (keys and `send -X` go to it).
pub fn in_mode(state: &State, pane: u32) -> bool {
    state
        .panes
        .get(&pane)
        .is_some_and(|p| p.copy_top().is_some())
}

/// Enter copy mode (tmux `window_pane_set_mode`): no change when it is on top already; a copy
/// mode under other modes comes back to the top as it was. Returns false when it was on top.
pub fn enter(state: &mut State, pane: u32) -> bool {
    let vi = mode_keys_vi(state, pane);
    let styles = styles(state, pane);
    let Some(p) = state.panes.get_mut(&pane) else {
        return false;
    };
    let old = p.top_mode();
    match p.place_mode(ModeKind::Copy) {
        Placed::Top => return false,
        Placed::Moved => {}
        Placed::New => {
            let mut m = CopyMode::new(&p.term);
            m.vi = vi;
            m.styles = styles;
            m.search = search::Search::from_pane(p.last_search.clone());
            p.copy = Some(Box::new(m));
        }
    }
    crate::modes::top_changed(state, pane, old);
    true
}

/// Add a line to the pane's view mode, setting it first unless it is on top (tmux
/// `window_copy_add` after `window_pane_set_mode(.., &window_view_mode)`: over the other
/// modes, or back from under them). `parse`: run-shell output, through a terminal.
pub fn view_add(state: &mut State, pane: u32, text: &str, parse: bool) {
    let vi = mode_keys_vi(state, pane);
    let styles = styles(state, pane);
    let Some(p) = state.panes.get_mut(&pane) else {
        return;
    };
    let old = p.top_mode();
    let placed = p.place_mode(ModeKind::View);
    if placed == Placed::New {
        let (sx, sy) = p.term.size();
        let mut m = CopyMode::new_view(sx, sy);
        m.vi = vi;
        m.styles = styles;
        m.search = search::Search::from_pane(p.last_search.clone());
        p.view = Some(Box::new(m));
    }
    if placed != Placed::Top {
        // Before the line: a view coming back replays its earlier lines to the relay.
        crate::modes::top_changed(state, pane, old);
    }
    let Some(p) = state.panes.get_mut(&pane) else {
        return;
    };
    if let Some(m) = p.view.as_mut() {
        m.add_line(text, parse);
    }
    sync(p);
    // Viewers see the line in tmate's output view.
    crate::uplink::copy_line(state, pane, text);
}

/// The active pane of the session's current window.
pub fn active_pane(state: &State, session: u32) -> Option<u32> {
    let s = state.sessions.get(&session)?;
    Some(s.windows.get(&s.current)?.active)
}

/// tmux 3.3a `cfg_show_causes`: the start-up config's errors (once) and the errors of hooks
/// that ran with no client since, into the view mode of the session's active pane (plain text
/// lines, wrapped at the pane's width).
pub fn show_config_errors(state: &mut State, session: u32) {
    let config = !state.config_errors_shown && !state.config_errors.is_empty();
    if !config && state.hook_causes.is_empty() {
        return;
    }
    let Some(pane) = active_pane(state, session) else {
        return;
    };
    let mut causes = Vec::new();
    if config {
        state.config_errors_shown = true;
        causes.extend(state.config_errors.iter().cloned());
    }
    causes.append(&mut state.hook_causes);
    for e in causes {
        view_add(state, pane, &e, false);
    }
}

/// Leave copy or view mode when it is on top (tmux `window_pane_reset_mode` from the mode's
/// `cancel`): the mode under it, if any, shows again.
pub fn leave(state: &mut State, pane: u32) {
    if in_mode(state, pane) {
        crate::modes::reset(state, pane);
    }
}

/// Bring the pane's drawing in line with its copy or view mode when that is on top (cursor,
/// rows, overlay).
pub fn sync(p: &mut Pane) {
    let (sx, sy) = p.term.size();
    let Some(m) = p.copy_top_mut() else {
        return;
    };
    if m.backing.size() != (usize::from(sx), usize::from(sy).max(1)) {
        m.resize(sx, sy);
    }
    let b = Arc::clone(&m.backing);
    let g = Grid::new(&b);
    m.settle(&g);
    m.refresh_marks(&g);
    let view = CopyView {
        offset: m.oy,
        cursor: (
            u16::try_from(m.cx.min(g.sx().saturating_sub(1))).unwrap_or(0),
            u16::try_from(m.cy).unwrap_or(0),
        ),
    };
    let overlay = CopyOverlay {
        indicator: String::new(),
        highlight: m.highlight(&g),
        style: m.styles.mode,
        rows: draw::rows(m, &g, &m.styles),
    };
    p.term.set_copy_view(Some(view));
    p.term.set_copy_overlay(Some(overlay));
}

/// Start a mouse selection at (x, y) of the pane (tmux `window_copy_start_drag`).
pub fn start_drag(state: &mut State, pane: u32, x: i32, y: i32) {
    let Some(p) = state.panes.get_mut(&pane) else {
        return;
    };
    if let Some(m) = p.copy_top_mut() {
        let b = Arc::clone(&m.backing);
        let g = Grid::new(&b);
        m.start_drag(&g, x, y);
    }
    sync(p);
}

/// How often a drag held on the pane's top or bottom row scrolls (tmux
/// `WINDOW_COPY_DRAG_REPEAT_TIME`).
const DRAG_REPEAT: std::time::Duration = std::time::Duration::from_millis(50);
/// Most scroll steps of one held drag (the task's bound: over an hour of holding).
const DRAG_REPEAT_MAX: u32 = 100_000;
/// Names each drag's scrolling task, so that a newer one or the release stops it.
static DRAG_TOKEN: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// The mouse moved during a copy-mode drag: the cursor and the selection follow (tmux
/// `window_copy_drag_update`). On the pane's top or bottom row the copy scrolls a line, and
/// goes on scrolling every 50 ms while the mouse stays there.
pub fn drag_update(
    shared: &Arc<crate::server::Shared>,
    state: &mut State,
    pane: u32,
    x: i32,
    y: i32,
) {
    let Some(p) = state.panes.get_mut(&pane) else {
        return;
    };
    if let Some(m) = p.copy_top_mut() {
        let b = Arc::clone(&m.backing);
        let g = Grid::new(&b);
        m.drag_scroll = None;
        let (old_cx, old_cy) = (m.cx, m.cy);
        m.mouse_to(&g, x, y);
        let last = i32::try_from(g.sy() - 1).unwrap_or(i32::MAX);
        if old_cy != m.cy || old_cx == m.cx {
            let up = if y == 0 {
                Some(true)
            } else if y == last {
                Some(false)
            } else {
                None
            };
            if let Some(up) = up {
                if up {
                    m.cursor_up(&g, true);
                } else {
                    m.cursor_down(&g, true);
                }
                let token = DRAG_TOKEN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                m.drag_scroll = Some(token);
                drag_scroll(Arc::clone(shared), pane, token);
            }
        }
    }
    sync(p);
}

/// The drag ended: no more scrolling (tmux `window_copy_drag_release`).
pub fn drag_release(state: &mut State, pane: u32) {
    if let Some(m) = state.panes.get_mut(&pane).and_then(|p| p.copy_top_mut()) {
        m.drag_scroll = None;
    }
}

/// tmux `window_copy_scroll_timer`: while the drag's cursor stays on the top or bottom row,
/// a line every `DRAG_REPEAT`.
fn drag_scroll(shared: Arc<crate::server::Shared>, pane: u32, token: u64) {
    tokio::spawn(async move {
        for _ in 0..DRAG_REPEAT_MAX {
            tokio::time::sleep(DRAG_REPEAT).await;
            {
                let mut st = shared.lock();
                let Some(p) = st.panes.get_mut(&pane) else {
                    break;
                };
                let Some(m) = p.copy_top_mut().filter(|m| m.drag_scroll == Some(token)) else {
                    break;
                };
                let b = Arc::clone(&m.backing);
                let g = Grid::new(&b);
                if m.cy == 0 {
                    m.cursor_up(&g, true);
                } else if m.cy == g.sy() - 1 {
                    m.cursor_down(&g, true);
                } else {
                    m.drag_scroll = None;
                    break;
                }
                sync(p);
            }
            shared.notify();
        }
    });
}

/// After pane output or a resize: copy mode shows its own copy, so only a new pane size
/// matters.
pub fn after_output(p: &mut Pane) {
    let (sx, sy) = p.term.size();
    if p.copy_top()
        .is_some_and(|m| m.backing.size() != (usize::from(sx), usize::from(sy).max(1)))
    {
        sync(p);
    }
}

/// `send-keys` without -X on a pane in copy mode: each key runs its copy table binding (tmux
/// `cmd_send_keys_inject_key`); unbound keys do nothing. None when the pane is not in a mode.
pub fn send_keys(ctx: &Ctx<'_>, state: &mut State, pane: u32, args: &Args) -> Option<CmdResult> {
    let table = key_table(state, pane)?;
    if args.has('l') || args.has('H') {
        return Some(CmdResult::default());
    }
    let mut total = CmdResult::default();
    for word in &args.rest {
        let Some(key) = KeyCode::parse(word) else {
            continue;
        };
        // The mode may have ended or changed tables after an earlier key.
        let table = key_table(state, pane).unwrap_or(table);
        let Some(b) = state.keys.lookup(table, key).cloned() else {
            continue;
        };
        let client = crate::server::ClientInfo {
            pane: Some(pane),
            ..ctx.client.clone()
        };
        let r = crate::cmd::run_list(ctx.shared, state, &client, &b.commands);
        total.err.push_str(&r.err);
        if r.code != 0 {
            total.code = r.code;
            break;
        }
    }
    Some(total)
}

/// `send-keys -X COMMAND [ARG]` (-N count): a copy-mode command on the target pane.
pub fn command(ctx: &Ctx<'_>, state: &mut State, pane: u32, args: &Args) -> CmdOutcome {
    if !in_mode(state, pane) {
        return fail("not in a mode");
    }
    let Some(name) = args.rest.first().cloned() else {
        return Ok(CmdResult::default());
    };
    let (least, most) = keys::arg_range(&name);
    let given = args.rest.len().saturating_sub(1);
    if given < least || given > most {
        return Ok(CmdResult::default());
    }
    let arg = command_arg(state, pane, args);
    let count = args
        .get('N')
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, 10_000);
    let vi = mode_keys_vi(state, pane);
    let styles = styles(state, pane);
    let (sid, idx) = state.locate_pane(pane).unwrap_or((0, 0));
    let separators = state.option(sid, idx, "word-separators");
    let wrap = state.option(sid, idx, "wrap-search") == "on";
    let limit = buffer_limit(state);
    let Some(p) = state.panes.get_mut(&pane) else {
        return fail("no pane");
    };
    let Some(mut m) = p.take_copy_top() else {
        return fail("not in a mode");
    };
    m.vi = vi;
    m.styles = styles;
    if name == "refresh-from-pane" && !m.view {
        // tmux `window_copy_cmd_refresh_from_pane`: a new copy, then as after a resize.
        m.refresh_from(&p.term);
        let b = Arc::clone(&m.backing);
        let g = Grid::new(&b);
        m.settle(&g);
        m.clear_selection(&g);
        search::after_refresh(&mut m, &g);
    }
    let b = Arc::clone(&m.backing);
    let g = Grid::new(&b);
    m.settle(&g);
    // tmux `window_copy_move_mouse`: a command a mouse key ran (not the wheel) starts with the
    // cursor under the mouse.
    if let Some(ms) = ctx
        .client
        .mouse
        .as_ref()
        .filter(|ms| ms.pane == Some(pane) && ms.button & 64 == 0)
    {
        m.mouse_cursor(&g, ms.x, ms.y);
    }
    let arg2 = args.rest.get(2).cloned();
    let inv = Invocation {
        name: &name,
        arg: arg.as_deref(),
        arg2: arg2.as_deref(),
        count,
        separators: &separators,
        wrap,
    };
    let effect = run_command(ctx, pane, &mut m, &g, &inv);
    clear_marks_after(&mut m, &name, vi);
    p.last_search.clone_from(&m.search.pane);
    p.put_copy(m);
    if effect.cancel {
        leave(state, pane);
    } else if let Some(p) = state.panes.get_mut(&pane) {
        sync(p);
    }
    finish_copy(state, pane, effect, limit);
    Ok(CmdResult::default())
}

/// Search marks go after the commands tmux's table says clear them (not after searches).
fn clear_marks_after(m: &mut CopyMode, name: &str, vi: bool) {
    if name.starts_with("search-") || m.search.marks.is_none() {
        return;
    }
    let clear = match keys::clears_marks(name) {
        keys::Clear::Always => true,
        keys::Clear::EmacsOnly => !vi,
        keys::Clear::Never => false,
    };
    if clear {
        m.clear_marks();
        m.search.origin = None;
    }
}

/// The command's argument, through the formats with -F.
fn command_arg(state: &State, pane: u32, args: &Args) -> Option<String> {
    let arg = args.rest.get(1).cloned();
    if args.has('F')
        && let Some(a) = &arg
        && let Some((sid, idx)) = state.locate_pane(pane)
    {
        let fctx = crate::format::Ctx {
            session: sid,
            window: idx,
            pane,
        };
        return Some(crate::format::expand(state, fctx, a));
    }
    arg
}

/// The server's `buffer-limit` (tmux's 50 when unset or not a number).
pub(crate) fn buffer_limit(state: &State) -> usize {
    usize::try_from(
        state
            .options
            .get(crate::options::Scope::Server, "buffer-limit")
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(50),
    )
    .unwrap_or(50)
}

/// One `send-keys -X` command as the command groups read it.
struct Invocation<'a> {
    name: &'a str,
    arg: Option<&'a str>,
    /// The second argument (copy-pipe's buffer prefix).
    arg2: Option<&'a str>,
    /// -N, at least 1.
    count: usize,
    /// The window's `word-separators`.
    separators: &'a str,
    /// The window's `wrap-search`.
    wrap: bool,
}

/// What a command leaves to do once the mode is back on its pane.
#[derive(Default)]
struct Effect {
    /// Leave copy mode.
    cancel: bool,
    /// The text taken (the selection, or the search match under the cursor).
    copied: Option<Vec<u8>>,
    /// The text goes to a new paste buffer (copy-*), is appended to the top one
    /// (append-selection), or only to a command (pipe*).
    store: Store,
    /// The text goes to a command: the pipe commands' argument, unexpanded; `copy-command`
    /// when it is missing or expands to nothing.
    pipe: Option<Option<String>>,
    /// The new buffer's name prefix (tmux's `prefix` argument), unexpanded.
    prefix: Option<String>,
}

#[derive(Default, PartialEq, Eq)]
enum Store {
    #[default]
    None,
    New,
    Append,
}

impl Effect {
    fn cancel(cancel: bool) -> Self {
        Effect {
            cancel,
            ..Effect::default()
        }
    }
}

/// Run one command on the mode (taken off its pane for the while); unknown commands do nothing.
fn run_command(
    ctx: &Ctx<'_>,
    pane: u32,
    m: &mut CopyMode,
    g: &Grid<'_>,
    inv: &Invocation<'_>,
) -> Effect {
    match inv.name {
        "cancel" => return Effect::cancel(true),
        "toggle-position" => {
            m.hide_position = !m.hide_position;
            return Effect::default();
        }
        _ => {}
    }
    if let Some(cancel) = movement_command(m, g, inv) {
        return Effect::cancel(cancel);
    }
    if selection_command(ctx, pane, m, g, inv) || search_command(m, g, inv) {
        return Effect::default();
    }
    copy_command(m, g, inv).unwrap_or_default()
}

/// Cursor, scroll, page, line, history and word movements. `Some(cancel)` when `inv` is one:
/// the scroll-down and page-down kinds may leave the mode at the bottom.
fn movement_command(m: &mut CopyMode, g: &Grid<'_>, inv: &Invocation<'_>) -> Option<bool> {
    let (name, count, separators) = (inv.name, inv.count, inv.separators);
    let mut cancel = false;
    match name {
        "cursor-up" => (0..count).for_each(|_| m.cursor_up(g, false)),
        "cursor-down" => (0..count).for_each(|_| m.cursor_down(g, false)),
        "cursor-left" => (0..count).for_each(|_| m.cursor_left(g)),
        "cursor-right" => (0..count).for_each(|_| m.cursor_right(g)),
        "scroll-up" => (0..count).for_each(|_| m.cursor_up(g, true)),
        "scroll-down" | "scroll-down-and-cancel" => {
            for _ in 0..count {
                m.cursor_down(g, true);
                if (m.scroll_exit || name == "scroll-down-and-cancel") && m.oy == 0 {
                    cancel = true;
                    break;
                }
            }
        }
        "start-of-line" => m.start_of_line(g),
        "end-of-line" => m.end_of_line(g),
        "back-to-indentation" => m.back_to_indentation(g),
        "page-up" => (0..count).for_each(|_| m.page_up(g, false)),
        "halfpage-up" => (0..count).for_each(|_| m.page_up(g, true)),
        "page-down" | "page-down-and-cancel" | "halfpage-down" | "halfpage-down-and-cancel" => {
            let half = name.starts_with("half");
            for _ in 0..count {
                if m.page_down(g, half) || (name.ends_with("-and-cancel") && m.oy == 0) {
                    cancel = true;
                    break;
                }
            }
        }
        "history-top" => m.history_top(g),
        "history-bottom" => m.history_bottom(g),
        "top-line" => m.top_line(g),
        "middle-line" => m.middle_line(g),
        "bottom-line" => m.bottom_line(g),
        "next-word" => (0..count).for_each(|_| m.next_word(g, separators)),
        "next-word-end" => (0..count).for_each(|_| m.next_word_end(g, separators)),
        "previous-word" => (0..count).for_each(|_| m.previous_word(g, separators, true)),
        "next-space" => (0..count).for_each(|_| m.next_word(g, "")),
        "next-space-end" => (0..count).for_each(|_| m.next_word_end(g, "")),
        "previous-space" => (0..count).for_each(|_| m.previous_word(g, "", true)),
        "goto-line" => {
            if let Some(a) = inv.arg {
                m.goto_line(g, a);
            }
        }
        "cursor-down-and-cancel" => {
            let cy = m.cy;
            (0..count).for_each(|_| m.cursor_down(g, false));
            cancel = cy == m.cy && m.oy == 0;
        }
        "jump-forward" | "jump-backward" | "jump-to-forward" | "jump-to-backward" => {
            let kind = match name {
                "jump-forward" => mode::Jump::Forward,
                "jump-backward" => mode::Jump::Backward,
                "jump-to-forward" => mode::Jump::ToForward,
                _ => mode::Jump::ToBackward,
            };
            m.jump_new(g, kind, inv.arg.unwrap_or(""), count);
        }
        "jump-again" => m.jump_repeat(g, false, count),
        "jump-reverse" => m.jump_repeat(g, true, count),
        "next-paragraph" => (0..count).for_each(|_| m.next_paragraph(g)),
        "previous-paragraph" => (0..count).for_each(|_| m.previous_paragraph(g)),
        "next-matching-bracket" => m.next_matching_bracket(g, count),
        "previous-matching-bracket" => m.previous_matching_bracket(g, count),
        "jump-to-mark" => m.jump_to_mark(g),
        _ => return None,
    }
    Some(cancel)
}

/// Starting, shaping and clearing the selection. True when `inv` is one of these.
fn selection_command(
    ctx: &Ctx<'_>,
    pane: u32,
    m: &mut CopyMode,
    g: &Grid<'_>,
    inv: &Invocation<'_>,
) -> bool {
    match inv.name {
        "clear-selection" => m.clear_selection(g),
        "begin-selection" => {
            // From a mouse binding, the selection starts under the mouse.
            match ctx.client.mouse.as_ref().filter(|ms| ms.pane == Some(pane)) {
                Some(ms) => m.start_drag(g, ms.x, ms.y),
                None => m.begin_selection(g),
            }
        }
        "select-line" => m.select_line(g, inv.count),
        "select-word" => m.select_word(g, inv.separators),
        "set-mark" => m.set_mark(g),
        "stop-selection" => {
            m.drag = mode::Drag::None;
            m.lineflag = mode::LineSel::None;
            m.selflag = mode::SelFlag::Char;
        }
        "rectangle-toggle" => {
            m.lineflag = mode::LineSel::None;
            let r = !m.rect;
            m.set_rect(g, r);
        }
        "rectangle-on" => m.set_rect(g, true),
        "rectangle-off" => m.set_rect(g, false),
        // An even count swaps the ends back: nothing to do.
        "other-end" => {
            m.selflag = mode::SelFlag::Char;
            if inv.count % 2 == 1 {
                m.other_end(g);
            }
        }
        _ => return false,
    }
    true
}

/// Searches, new or repeated (tmux `window_copy_cmd_search_*`). True when `inv` is one.
fn search_command(m: &mut CopyMode, g: &Grid<'_>, inv: &Invocation<'_>) -> bool {
    let (name, count, wrap) = (inv.name, inv.count, inv.wrap);
    let repeat = |m: &mut CopyMode, down: bool| {
        let regex = m.search.regex;
        for _ in 0..count {
            m.search(g, down, regex, wrap);
        }
    };
    match name {
        "search-forward" | "search-forward-text" | "search-backward" | "search-backward-text" => {
            let down = name.starts_with("search-forward");
            let regex = !name.ends_with("-text");
            // tmux `window_copy_expand_search_string`: without a string nothing happens.
            let Some(a) = inv.arg.filter(|a| !a.is_empty()) else {
                return true;
            };
            m.search.string = Some(a.to_string());
            if m.search.string.is_some() {
                m.search.kind = if down {
                    SearchType::Down
                } else {
                    SearchType::Up
                };
                m.search.regex = regex;
                m.search.timeout = false;
                repeat(m, down);
            }
        }
        "search-forward-incremental" | "search-backward-incremental" => {
            search::incremental(m, g, inv.arg.unwrap_or(""), name.contains("forward"), wrap);
        }
        "search-again" | "search-reverse" => {
            let again = name == "search-again";
            match m.search.kind {
                SearchType::Up => repeat(m, !again),
                SearchType::Down => repeat(m, again),
                SearchType::Off => {}
            }
        }
        _ => return false,
    }
    true
}

/// The copy-, copy-pipe-, pipe- and append- commands: the text they take, where it goes,
/// whether they leave the mode. None when `inv` is not one of them.
fn copy_command(m: &mut CopyMode, g: &Grid<'_>, inv: &Invocation<'_>) -> Option<Effect> {
    let name = inv.name;
    let owned = |a: Option<&str>| a.map(str::to_string);
    let base = name
        .strip_suffix("-and-cancel")
        .or_else(|| name.strip_suffix("-no-clear"))
        .unwrap_or(name);
    let mut effect = Effect::cancel(name.ends_with("-and-cancel"));
    let pipes = base.starts_with("copy-pipe") || base == "pipe";
    if pipes {
        // `copy-pipe [command [prefix]]`; `pipe [command]`.
        effect.pipe = Some(owned(inv.arg));
        effect.prefix = owned(inv.arg2);
    } else {
        // `copy-selection [prefix]` and the like.
        effect.prefix = owned(inv.arg);
    }
    effect.store = match base {
        "pipe" => Store::None,
        "append-selection" => Store::Append,
        _ => Store::New,
    };
    match base {
        "copy-selection" | "copy-pipe" | "pipe" | "append-selection" => {
            effect.copied = copy_text(m, g);
            if !name.ends_with("-no-clear") {
                m.clear_selection(g);
            }
        }
        "copy-end-of-line" | "copy-pipe-end-of-line" | "copy-line" | "copy-pipe-line" => {
            // tmux `window_copy_do_copy_end_of_line` / `_copy_line`: select to the end of the
            // line (and count-1 lines more), copy, clear, and put the cursor back.
            let (cx, cy, oy) = (m.cx, m.cy, m.oy);
            if base.ends_with("-line") && !base.ends_with("end-of-line") {
                m.selflag = mode::SelFlag::Char;
                m.start_of_line(g);
            }
            m.start_selection(g);
            for _ in 1..inv.count {
                m.cursor_down(g, false);
            }
            m.end_of_line(g);
            effect.copied = copy_text(m, g);
            m.clear_selection(g);
            (m.cx, m.cy, m.oy) = (cx, cy, oy);
        }
        _ => return None,
    }
    Some(effect)
}

/// tmux `window_copy_get_selection`: the selection, or without one the search match under
/// the cursor.
fn copy_text(m: &CopyMode, g: &Grid<'_>) -> Option<Vec<u8>> {
    if !m.selecting && m.lineflag == mode::LineSel::None {
        return m.match_text(g).map(String::into_bytes);
    }
    m.selection_text(g)
}

/// After a copy command: the text to its pipe command, to a paste buffer, and to the outer
/// terminals' clipboard (`set-clipboard`, tmux `window_copy_copy_buffer`).
fn finish_copy(state: &mut State, pane: u32, effect: Effect, limit: usize) {
    let expand = |state: &State, s: &str| match state.locate_pane(pane) {
        Some((session, window)) => crate::format::expand(
            state,
            crate::format::Ctx {
                session,
                window,
                pane,
            },
            s,
        ),
        None => s.to_string(),
    };
    let text = effect.copied;
    if let Some(arg) = effect.pipe {
        // tmux runs the command even without a selection (its stdin is then empty).
        let command = arg
            .filter(|a| !a.is_empty())
            .map(|a| expand(state, &a))
            .filter(|c| !c.is_empty())
            .or_else(|| {
                Some(
                    state
                        .options
                        .get(crate::options::Scope::Server, "copy-command")
                        .unwrap_or_default()
                        .to_string(),
                )
            })
            .filter(|c| !c.is_empty());
        if let Some(command) = command {
            let session = state.locate_pane(pane).map(|(s, _)| s);
            let env = state.job_environment(session);
            run_pipe(&command, text.clone().unwrap_or_default(), env);
        }
    }
    let Some(text) = text else {
        return;
    };
    match effect.store {
        Store::None => {}
        Store::New => {
            clipboard::copied(state, pane, &text);
            let prefix = effect.prefix.map(|p| expand(state, &p));
            state
                .buffers
                .add_prefixed(prefix.as_deref().unwrap_or("buffer"), text, limit);
        }
        Store::Append => {
            clipboard::copied(state, pane, &text);
            append_to_top_buffer(state, text, limit);
        }
    }
}

/// append-selection: tmux appends to the most recent buffer (or makes one).
fn append_to_top_buffer(state: &mut State, text: Vec<u8>, limit: usize) {
    let top = state
        .buffers
        .top()
        .map(|b| (b.name.clone(), b.data.clone()));
    match top {
        Some((name, mut data)) => {
            data.extend_from_slice(&text);
            // tmux `paste_set` under the top buffer's name: it keeps the name and is no
            // longer an automatic one.
            let _ = state.buffers.set(Some(&name), data, limit);
        }
        None => state.buffers.add(text, limit),
    }
}

/// copy-pipe: the text to `sh -c COMMAND` on its stdin, in the background, bounded in time.
fn run_pipe(command: &str, text: Vec<u8>, env: Vec<(String, String)>) {
    // tmux's `job_run` without a directory: the server's home, else `/`.
    let cwd = std::env::var("HOME").unwrap_or_default();
    let command = command.to_string();
    tokio::spawn(async move {
        use tokio::io::AsyncWriteExt;
        let child = tokio::process::Command::new("/bin/sh")
            .arg("-c")
            .arg(&command)
            .current_dir(if !cwd.is_empty() && std::path::Path::new(&cwd).is_dir() {
                cwd
            } else {
                "/".into()
            })
            .env_clear()
            .envs(env)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn();
        let Ok(mut child) = child else {
            return;
        };
        if let Some(mut stdin) = child.stdin.take() {
            let _ = tokio::time::timeout(PIPE_TIMEOUT, stdin.write_all(&text)).await;
        }
        let _ = tokio::time::timeout(PIPE_TIMEOUT, child.wait()).await;
    });
}

/// How long a copy-pipe command may take before it is killed.
const PIPE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// The copy-mode state as tmate's SYNC_COPY_MODE carries it (protocol spec 3.10), for the
/// uplink: `None` when the pane is not in copy mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopySync {
    /// 1: the view is over the pane's own screen; 0: view mode (tmate's output view).
    pub backing: bool,
    pub oy: usize,
    pub cx: usize,
    pub cy: usize,
    /// (selx, sely counted from the last line, rectangle).
    pub selection: Option<(usize, usize, bool)>,
    /// (input type, prompt, text): tmux 3.3a's copy mode has no prompt of its own (its
    /// searches and goto-line prompt through command-prompt), so always None.
    pub input: Option<(u8, String, String)>,
}

/// A view's lines to replay to a relay that connected after they were written (the last
/// `limit`); empty when the pane shows no view.
pub fn view_lines(p: &Pane, limit: usize) -> Vec<String> {
    match p.copy_top() {
        Some(m) if m.view => m.backing.written(limit),
        _ => Vec::new(),
    }
}

pub fn copy_sync(p: &Pane) -> Option<CopySync> {
    let m = p.copy_top()?;
    let g = Grid::new(&m.backing);
    let last = g.hsize() + g.sy() - 1;
    // The relay scrolls its own mirror of the live pane, whose history has grown by the lines
    // printed since our copy was taken: the same offset from the bottom would show newer
    // lines, so it is moved up by that growth.
    let grown = if m.view {
        0
    } else {
        p.term.scrollback_len().saturating_sub(g.hsize())
    };
    Some(CopySync {
        backing: !m.view,
        oy: (m.oy + grown).min(if m.view {
            m.oy
        } else {
            p.term.scrollback_len()
        }),
        cx: m.cx,
        cy: m.cy,
        selection: m
            .selecting
            .then(|| (m.selx, (last + grown).saturating_sub(m.sely), m.rect)),
        input: None,
    })
}

/// `#{copy_cursor_word}` (tmux `format_grid_word` at the copy cursor): back to the start of
/// the word (across wrapped lines), then forward to a separator or a space.
pub fn cursor_word(p: &Pane, separators: &str) -> Option<String> {
    let m = p.copy_top()?;
    let g = Grid::new(&m.backing);
    let y = m.abs_cy(&g);
    crate::format::mouse::word(&g, g.last_line(), m.cx, y, separators)
}

/// Format variables of a pane's copy mode (tmux names), `None` when not applicable.
pub fn format_var(p: &Pane, name: &str) -> Option<String> {
    match name {
        "pane_search_string" => {
            return Some(
                p.last_search
                    .as_ref()
                    .map(|s| s.0.clone())
                    .unwrap_or_default(),
            );
        }
        "history_size" => return Some(p.term.scrollback_len().to_string()),
        "mouse_any_flag" => {
            return Some(
                if p.term.modes().mouse_reporting {
                    "1"
                } else {
                    "0"
                }
                .into(),
            );
        }
        _ => {}
    }
    let m = p.copy_top()?;
    let g = Grid::new(&m.backing);
    let y = m.abs_cy(&g);
    Some(match name {
        "scroll_position" => m.oy.to_string(),
        "copy_cursor_x" => m.cx.to_string(),
        "copy_cursor_y" => m.cy.to_string(),
        "selection_present" => if m.selecting { "1" } else { "0" }.into(),
        "selection_active" => if m.selecting && m.drag != mode::Drag::None {
            "1"
        } else {
            "0"
        }
        .into(),
        "selection_start_x" if m.selecting => m.selx.to_string(),
        "selection_start_y" if m.selecting => m.sely.to_string(),
        "selection_end_x" if m.selecting => m.endselx.to_string(),
        "selection_end_y" if m.selecting => m.endsely.to_string(),
        "copy_cursor_line" => {
            let l = g.line(y);
            l.text(0, l.length())
        }
        "rectangle_toggle" => if m.rect { "1" } else { "0" }.into(),
        "search_present" => if m.search.marks.is_some() { "1" } else { "0" }.into(),
        "search_match" => m.match_text(&g)?,
        _ => return None,
    })
}
