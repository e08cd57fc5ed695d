//! The mouse on an attached client with `mouse on` (tmux 3.3a `server_client_check_mouse`):
//! terminal reports become the keys `MouseDown1Pane`, `WheelUpPane`, `MouseDrag1Border`...
//! run through the pane's copy-mode table and the root table; `-t =` names the pane under the
//! mouse; a drag continues in copy mode (the selection follows) or on a border (the layout
//! follows). With `mouse off` reports go to the active pane unchanged, as before. A second
//! press of the same button within 300 ms is `SecondClick`, a third `TripleClick`, and two
//! presses without a third once the time is up `DoubleClick` (tmux's click timer).

use std::time::{Duration, Instant};

use tmate_proto::keys::MOUSE_MOVE_EVENT;
use tmate_proto::keytable::{KeyDispatch, KeyOutcome};
use tmate_proto::{KeyCode, MouseAction, MouseEvent, mouse_event, mouse_event_button};

use crate::server::ClientInfo;
use crate::state::State;

/// Where a report landed (tmux `KEYC_MOUSE_LOCATION_*`, in KeyCode::mouse order): a status
/// line's `range=window|N` is Status, its `range=left` and `range=right` StatusLeft and
/// StatusRight, the rest of it StatusDefault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Pane = 0,
    Status = 1,
    Border = 2,
    StatusLeft = 3,
    StatusRight = 4,
    StatusDefault = 5,
}

/// The mouse event a command runs for: its pane and position there, for `-t =`,
/// `send-keys -M`, `copy-mode -M` and copy mode's drag.
#[derive(Debug, Clone, Default)]
pub struct MouseInfo {
    pub pane: Option<u32>,
    /// Position relative to the pane (may be outside it while dragging).
    pub x: i32,
    pub y: i32,
    /// Position on the client's terminal, 0-based (tmux's `m->x`, `m->y`: display-menu and
    /// display-popup's `-x M`/`-y M`).
    pub at: (u16, u16),
    /// The report as the terminal sent it (button bits, release).
    pub button: u32,
    pub release: bool,
    /// The window under a status-line click (tmux's `m->w`, from the window list's range).
    pub window: Option<u32>,
    /// A DoubleClick made by the click timer: `send-keys -M` does not pass it on (tmux's
    /// `m->ignore`), the program saw both presses already.
    pub ignore: bool,
    /// The event the key was made of (tmux's `m->key`): `KeyCode::mouse`'s event number,
    /// [`DOUBLE_CLICK1`] for a left double click.
    pub event: u64,
}

/// The event numbers of MouseDown3 and DoubleClick1 (`KeyCode::mouse`).
pub const MOUSE_DOWN3: u64 = 2;
pub const DOUBLE_CLICK1: u64 = 17;

/// tmux's `KEYC_CLICK_TIMEOUT`.
pub const CLICK_TIME: Duration = Duration::from_millis(300);

/// What the click timer waits for (tmux `CLIENT_DOUBLECLICK`, `CLIENT_TRIPLECLICK`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClickWait {
    /// A press happened: another of its button makes a SecondClick.
    Second,
    /// Two happened: a third makes a TripleClick, none a DoubleClick when the time is up.
    Third,
}

/// A drag in progress and who follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Drag {
    /// The MouseDrag key ran; later motion runs it again (no handler took the drag).
    Key,
    /// Copy mode's selection follows the mouse (window_copy_drag_update).
    Copy { pane: u32 },
    /// A border follows the mouse (resize-pane -M), last position in the window.
    Border { x: u16, y: u16 },
}

/// tmux's `MOUSE_BUTTONS`: the button number (1-3, 6-11) of a report's button bits; `None`
/// for the wheel and a release without a button.
fn button_of(b: u32) -> Option<u64> {
    match b & 195 {
        n @ 0..=2 => Some(u64::from(n) + 1),
        n @ (66 | 67) => Some(u64::from(n) - 60),
        n @ 128..=131 => Some(u64::from(n) - 120),
        _ => None,
    }
}

/// A drag (`MouseDrag`) or its end: where the button went down decides.
fn is_drag_or_end(event: u64) -> bool {
    matches!(
        mouse_event_button(event),
        Some((MouseAction::Drag | MouseAction::DragEnd, _))
    )
}

fn is_drag(event: u64) -> bool {
    matches!(mouse_event_button(event), Some((MouseAction::Drag, _)))
}

/// Per attached client: the button held and the drag.
#[derive(Debug, Default)]
pub struct MouseState {
    /// The button pressed last (1-3, 6-11; 0 before any).
    button: u64,
    location: Option<Location>,
    pane: Option<u32>,
    /// Where the button went down, in the window.
    down: (u16, u16),
    drag: Option<Drag>,
    /// The click timer: what it waits for and until when.
    click: Option<(ClickWait, Instant)>,
    /// The press the timer started with (tmux `click_event`, `click_button`).
    click_event: Option<MouseEvent>,
}

impl MouseState {
    /// When the click timer runs out, if it runs.
    pub fn click_deadline(&self) -> Option<Instant> {
        self.click.map(|(_, at)| at)
    }
}

/// The click timer ran out (tmux `server_client_click_timer`): two presses that waited for a
/// third were a double click, which runs now at the second press's place.
pub fn click_expired(
    shared: &std::sync::Arc<crate::server::Shared>,
    st: &mut State,
    sid: u32,
    info: &ClientInfo,
    (ms, keys): (&mut MouseState, &mut KeyDispatch),
    now: Instant,
) {
    let Some((wait, at)) = ms.click else {
        return;
    };
    if now < at {
        return;
    }
    ms.click = None;
    let Some(ev) = ms.click_event.take().filter(|_| wait == ClickWait::Third) else {
        return;
    };
    let Some(w) = st
        .sessions
        .get(&sid)
        .and_then(|s| s.windows.get(&s.current))
    else {
        return;
    };
    let x = u16::try_from(ev.x.saturating_sub(1)).unwrap_or(u16::MAX);
    let y = u16::try_from(ev.y.saturating_sub(1)).unwrap_or(u16::MAX);
    let spot = spot_at(st, info, sid, w, x, y);
    let Some(event) = mouse_event(MouseAction::DoubleClick, button_of(ev.button).unwrap_or(1))
    else {
        return;
    };
    dispatch(
        shared,
        st,
        info,
        (ms, keys),
        spot,
        event,
        ev.button,
        false,
        true,
    );
}

/// A press through the click timer (tmux `server_client_check_mouse`): the key's event
/// number, MouseDown, SecondClick or TripleClick; None for a press of another button while
/// the timer waited (tmux makes no key of it).
fn click(ms: &mut MouseState, ev: &MouseEvent, button: u64) -> Option<u64> {
    let same = ms.click_event.is_some_and(|c| c.button == ev.button);
    let (event, wait) = match ms.click.take().map(|(w, _)| w) {
        Some(ClickWait::Second) if same => (
            mouse_event(MouseAction::SecondClick, button),
            Some(ClickWait::Third),
        ),
        Some(ClickWait::Third) if same => {
            ms.click_event = None;
            return mouse_event(MouseAction::TripleClick, button);
        }
        Some(_) => (None, None),
        None => (
            mouse_event(MouseAction::Down, button),
            Some(ClickWait::Second),
        ),
    };
    ms.click = wait.map(|w| (w, Instant::now() + CLICK_TIME));
    ms.click_event = Some(*ev);
    event
}

/// Handle a mouse report; false when the mouse option is off (the caller sends it on).
pub fn handle(
    shared: &std::sync::Arc<crate::server::Shared>,
    st: &mut State,
    sid: u32,
    info: &ClientInfo,
    ev: &MouseEvent,
    (ms, keys): (&mut MouseState, &mut KeyDispatch),
) -> bool {
    if st.session_option(sid, "mouse") != "on" {
        return false;
    }
    click_expired(shared, st, sid, info, (ms, keys), Instant::now());
    let Some(s) = st.sessions.get(&sid) else {
        return true;
    };
    let Some(w) = s.windows.get(&s.current) else {
        return true;
    };
    let x = u16::try_from(ev.x.saturating_sub(1)).unwrap_or(u16::MAX);
    let y = u16::try_from(ev.y.saturating_sub(1)).unwrap_or(u16::MAX);
    let spot = spot_at(st, info, sid, w, x, y);
    let b = ev.button;
    // tmux's MOUSE_RELEASE: button bits 3 (an X10 release).
    let release = ev.release || (!ev.sgr && b & 195 == 3);
    let Some(event) = event_number(shared, st, info, ev, release, ms, spot) else {
        return true;
    };
    dispatch(shared, st, info, (ms, keys), spot, event, b, release, false);
    true
}

/// Run mouse key `event` (`KeyCode::mouse` numbering) for a report at `spot`: through the
/// pane's mode table and the root table, to the pane when unbound.
#[allow(
    clippy::too_many_arguments,
    reason = "one report's parts, as tmux's mouse_event"
)]
fn dispatch(
    shared: &std::sync::Arc<crate::server::Shared>,
    st: &mut State,
    info: &ClientInfo,
    (ms, keys): (&mut MouseState, &mut KeyDispatch),
    spot: Spot,
    event: u64,
    b: u32,
    release: bool,
    ignore: bool,
) {
    let (x, y) = (spot.x, spot.y);
    let (location, pane) = (spot.location, spot.pane);
    let (start_location, start_pane) = (ms.location, ms.pane);
    let sid = info
        .attached
        .and_then(|c| st.clients.get(&c))
        .map_or(0, |c| c.session);
    // A drag or its end belongs where the button went down.
    let (location, pane) = if is_drag_or_end(event) {
        (start_location.unwrap_or(location), start_pane.or(pane))
    } else {
        (location, pane)
    };
    if is_drag(event) {
        ms.drag = Some(Drag::Key);
    }
    let key = KeyCode::mouse(event, location as u64);
    // A drag starts where the button went down (tmux's cmd_mouse_at with `last`).
    let (ax, ay) = if is_drag(event) { ms.down } else { (x, y) };
    let (px, py) = pane.map(|p| pane_position(st, p, ax, ay)).unwrap_or((0, 0));
    let mode_table = pane
        .filter(|_| location == Location::Pane)
        .and_then(|p| crate::copy::key_table(st, p));
    // tmux: a Status key belongs to the window whose range is under the mouse; below a
    // window smaller than the client there is no key.
    let window = if location == Location::Status {
        let Some(idx) = spot.window else {
            return;
        };
        Some(idx)
    } else {
        None
    };
    let Some(commands) = lookup(st, sid, keys, mode_table, key) else {
        return;
    };
    let mouse = MouseInfo {
        pane,
        x: px,
        y: py,
        at: (x, y),
        button: b,
        release,
        window,
        ignore,
        event,
    };
    let Some(commands) = commands else {
        if let Some(p) = pane.filter(|_| location == Location::Pane)
            && mode_table.is_none()
            && !ignore
        {
            unbound(shared, st, info, p, &mouse);
        }
        return;
    };
    if location == Location::Border && is_resize_drag(&commands) {
        // The border follows from where the button went down (tmux's m->lx, m->ly).
        drag_border(shared, st, info, ms.down.0, ms.down.1, x, y);
        ms.drag = Some(Drag::Border { x, y });
        return;
    }
    let ctx = ClientInfo {
        pane: pane.or(info.pane),
        tty: true,
        mouse: Some(mouse),
        ..info.clone()
    };
    // tmux's `cmd_mouse_at`: a position inside the pane, for `mouse_word` and `mouse_line`.
    let at = pane
        .map(|p| (p, px, py))
        .filter(|_| location == Location::Pane);
    let r =
        crate::format::mouse::with_mouse(at, || crate::cmd::run_list(shared, st, &ctx, &commands));
    if let Some(err) = r.err.lines().next() {
        show_error(st, sid, info, err);
    }
    // A drag that put the pane in copy mode continues as a selection (window_copy_start_drag).
    if is_drag(event)
        && let Some(p) = pane
        && crate::copy::in_mode(st, p)
    {
        ms.drag = Some(Drag::Copy { pane: p });
    }
}

/// Where window `idx`'s entry starts on the status lines of a client `cols` wide: (x, line)
/// of the first line with its `range=window|N` (tmux's start of that range, for
/// display-menu's `-x W`/`-y W`).
pub fn status_entry_start(st: &State, sid: u32, idx: u32, cols: u16) -> Option<(u16, u16)> {
    let lines = crate::style::status_line_count(&st.session_option(sid, "status"));
    let ranges = status_ranges(st, sid, cols);
    (0..lines).find_map(|line| {
        let r = ranges
            .get(usize::from(line))?
            .iter()
            .find(|r| r.kind == tmate_term::RangeKind::Window(idx))?;
        Some((u16::try_from(r.start).unwrap_or(u16::MAX), line))
    })
}

/// Each status line's mouse ranges on a client `cols` wide (tmux keeps them per line as it
/// draws): from the line's own `status-format[]`, or for the default first line from tmux's
/// default format around the status bar's texts.
fn status_ranges(st: &State, sid: u32, cols: u16) -> Vec<Vec<tmate_term::StyleRange>> {
    let look = crate::style::look(st, sid);
    let width = usize::from(cols);
    let default_first = || {
        crate::attach::status::status_bar(st, sid)
            .map(|bar| {
                tmate_term::format_ranges(width, &tmate_term::default_status_format(&bar, &look))
            })
            .unwrap_or_default()
    };
    if look.status_lines.is_empty() {
        return vec![default_first()];
    }
    look.status_lines
        .iter()
        .enumerate()
        .map(|(line, text)| match text {
            Some(text) => tmate_term::format_ranges(width, text),
            None if line == 0 => default_first(),
            None => Vec::new(),
        })
        .collect()
}

/// Where a report at (x, y) of the client's terminal landed (tmux
/// `server_client_check_mouse`): on one of the client's status lines (at the top or bottom
/// by `status-position`), by the `range=` there; else in the window, whose rows start below
/// status lines at the top.
fn spot_at(
    st: &State,
    info: &ClientInfo,
    sid: u32,
    w: &crate::state::Window,
    x: u16,
    y: u16,
) -> Spot {
    let lines = crate::style::status_line_count(&st.session_option(sid, "status"));
    let top = st.session_option(sid, "status-position") == "top";
    let (cols, rows) = info
        .attached
        .and_then(|c| st.clients.get(&c))
        .map_or((0, 0), |c| c.tty_size);
    let at = if top { 0 } else { rows.saturating_sub(lines) };
    if lines > 0 && y >= at && y - at < lines {
        let (location, window) = status_range(st, sid, cols, x, y - at);
        return Spot {
            x,
            y,
            location,
            pane: None,
            window,
        };
    }
    let y = if top && lines > 0 {
        y.saturating_sub(lines)
    } else {
        y
    };
    locate(w, x, y)
}

/// What a status line `line` (from 0) has at column `x`, by its ranges (tmux 3.3a
/// `status_get_range`): a window's entry is Status with that window, or with none when the
/// session has no window of that index (tmux then makes no key), `range=left` StatusLeft,
/// `range=right` StatusRight, no range StatusDefault.
fn status_range(st: &State, sid: u32, cols: u16, x: u16, line: u16) -> (Location, Option<u32>) {
    let ranges = status_ranges(st, sid, cols);
    let kind = ranges
        .get(usize::from(line))
        .and_then(|r| tmate_term::range_at(r, usize::from(x)));
    match kind {
        Some(tmate_term::RangeKind::Window(idx)) => {
            let exists = st
                .sessions
                .get(&sid)
                .is_some_and(|s| s.windows.contains_key(&idx));
            (Location::Status, exists.then_some(idx))
        }
        Some(tmate_term::RangeKind::Left) => (Location::StatusLeft, None),
        Some(tmate_term::RangeKind::Right) => (Location::StatusRight, None),
        None => (Location::StatusDefault, None),
    }
}

/// An unbound mouse key on a pane: to its tree mode, else to its program if it asked for the
/// mouse (tmux forwards too).
fn unbound(
    shared: &std::sync::Arc<crate::server::Shared>,
    st: &mut State,
    info: &ClientInfo,
    pane: u32,
    mouse: &MouseInfo,
) {
    if crate::tree::in_mode(st, pane) {
        crate::tree::mouse(shared, st, info, pane, mouse);
    } else {
        send_to_pane(st, pane, mouse);
    }
}

/// Where (x, y) of the window is: the status line below it, a pane, or a border with the pane
/// to its left or above (tmux picks the one the border is of).
fn locate(w: &crate::state::Window, x: u16, y: u16) -> Spot {
    let geos = w.visible();
    let inside = geos
        .iter()
        .find(|g| x >= g.xoff && x < g.xoff + g.sx && y >= g.yoff && y < g.yoff + g.sy);
    let (location, pane) = if y >= w.sy {
        (Location::Status, None)
    } else if let Some(g) = inside {
        (Location::Pane, Some(g.id))
    } else {
        let near = geos
            .iter()
            .find(|g| {
                (g.xoff + g.sx == x && y >= g.yoff && y <= g.yoff + g.sy)
                    || (g.yoff + g.sy == y && x >= g.xoff && x <= g.xoff + g.sx)
            })
            .map(|g| g.id);
        (Location::Border, near)
    };
    Spot {
        x,
        y,
        location,
        pane,
        window: None,
    }
}

/// Where a report landed: the window position, what is there, the pane it is of, the window
/// of a status line's entry.
#[derive(Debug, Clone, Copy)]
struct Spot {
    x: u16,
    y: u16,
    location: Location,
    pane: Option<u32>,
    window: Option<u32>,
}

/// The report as the event of `KeyCode::mouse` (`mouse_event`: down, up, drag, drag end of
/// buttons 1-3 and 6-11; the wheel 12-13). A press remembers its button and place in `ms`. None when the drag in progress
/// took the report: copy mode's selection or a border follows the mouse, or its release.
fn event_number(
    shared: &std::sync::Arc<crate::server::Shared>,
    st: &mut State,
    info: &ClientInfo,
    ev: &MouseEvent,
    release: bool,
    ms: &mut MouseState,
    spot: Spot,
) -> Option<u64> {
    let Spot {
        x,
        y,
        location,
        pane,
        ..
    } = spot;
    let b = ev.button;
    let wheel = matches!(b & 195, 64 | 65);
    let motion = b & 32 != 0;
    Some(if wheel {
        12 + u64::from(b & 1)
    } else if release {
        let n = ms.button.max(1);
        let dragged = ms.drag.take();
        let action = match dragged {
            Some(Drag::Copy { pane }) => {
                crate::copy::drag_release(st, pane);
                MouseAction::DragEnd
            }
            Some(Drag::Key) => MouseAction::DragEnd,
            Some(Drag::Border { .. }) => return None,
            None => MouseAction::Up,
        };
        mouse_event(action, n)?
    } else if motion && b & 3 == 3 {
        // Motion without a button (any-event tracking): tmux 3.3a's MouseMove keys, which
        // no binding can name, so they reach the pane under the mouse.
        MOUSE_MOVE_EVENT
    } else if motion {
        match ms.drag {
            Some(Drag::Copy { pane }) => {
                let (px, py) = pane_position(st, pane, x, y);
                crate::copy::drag_update(shared, st, pane, px, py);
                return None;
            }
            Some(Drag::Border { x: lx, y: ly }) => {
                drag_border(shared, st, info, lx, ly, x, y);
                ms.drag = Some(Drag::Border { x, y });
                return None;
            }
            Some(Drag::Key) | None => mouse_event(MouseAction::Drag, button_of(b)?)?,
        }
    } else {
        let button = button_of(b)?;
        ms.button = button;
        ms.down = (x, y);
        ms.location = Some(location);
        ms.pane = pane;
        return click(ms, ev, button);
    })
}

/// The commands mouse key `key` runs: `Some(None)` when unbound (the pane may get it),
/// `None` when it does nothing.
fn lookup(
    st: &State,
    sid: u32,
    keys: &mut KeyDispatch,
    mode_table: Option<&str>,
    key: KeyCode,
) -> Option<Option<Vec<Vec<String>>>> {
    // The session's default table (`key-table`, root unless set) after a mode's.
    let default_table = st.session_option(sid, "key-table");
    if keys.is_idle() {
        return Some(
            mode_table
                .and_then(|t| st.keys.lookup(t, key))
                .or_else(|| st.keys.lookup(&default_table, key))
                .map(|b| b.commands.clone()),
        );
    }
    // Out of the default table (after the prefix, or repeating) a mouse key goes through
    // tmux's key state machine like any key: the client's table, then root; bound in
    // neither it does nothing, and the client is back in root (so motion ends a prefix).
    let option = |name: &str| st.session_option(sid, name);
    let context = tmate_proto::keytable::KeyContext {
        tables: &st.keys,
        prefixes: [
            KeyCode::parse(&option("prefix")),
            KeyCode::parse(&option("prefix2")).filter(|k| *k != KeyCode::NONE),
        ],
        repeat_time: Duration::from_millis(
            u64::try_from(option("repeat-time").parse::<i64>().unwrap_or(0)).unwrap_or(0),
        ),
        mode_table,
        default_table: &default_table,
    };
    match keys.key(key, Instant::now(), &context) {
        KeyOutcome::Run(commands) => Some(Some(commands)),
        KeyOutcome::Pane => Some(None),
        KeyOutcome::Prefix | KeyOutcome::Dropped => None,
    }
}

/// A binding's error on the client's status line for `display-time`.
fn show_error(st: &State, sid: u32, info: &ClientInfo, err: &str) {
    if let Some(c) = info.attached.and_then(|id| st.clients.get(&id)) {
        let _ = c.events.try_send(crate::state::ClientEvent::Message(
            err.to_string(),
            u64::try_from(
                st.session_option(sid, "display-time")
                    .parse::<i64>()
                    .unwrap_or(750),
            )
            .unwrap_or(750),
        ));
    }
}

/// `resize-pane -M` alone: the binding hands the drag to the border.
fn is_resize_drag(commands: &[Vec<String>]) -> bool {
    matches!(commands, [one] if one.first().is_some_and(|c| c == "resize-pane" || c == "resizep")
        && one.iter().any(|w| w == "-M"))
}

/// Window position to the pane's own coordinates.
fn pane_position(st: &State, pane: u32, x: u16, y: u16) -> (i32, i32) {
    let geo = st
        .locate_pane(pane)
        .and_then(|(s, w)| st.window(s, w))
        .and_then(|w| w.geometry(pane));
    match geo {
        Some(g) => (
            i32::from(x) - i32::from(g.xoff),
            i32::from(y) - i32::from(g.yoff),
        ),
        None => (i32::from(x), i32::from(y)),
    }
}

/// Follow a border drag from (lx, ly) to (x, y): the pane left of / above the border grows or
/// shrinks by the motion, through resize-pane.
fn drag_border(
    shared: &std::sync::Arc<crate::server::Shared>,
    st: &mut State,
    info: &ClientInfo,
    lx: u16,
    ly: u16,
    x: u16,
    y: u16,
) {
    let Some(sid) = info
        .attached
        .and_then(|c| st.clients.get(&c))
        .map(|c| c.session)
    else {
        return;
    };
    let Some(w) = st
        .sessions
        .get(&sid)
        .and_then(|s| s.windows.get(&s.current))
    else {
        return;
    };
    let geos = w.layout.panes();
    let mut cmds = Vec::new();
    if x != lx
        && let Some(g) = geos
            .iter()
            .find(|g| g.xoff + g.sx == lx && ly >= g.yoff && ly < g.yoff + g.sy)
    {
        let (dir, n) = if x > lx {
            ("-R", x - lx)
        } else {
            ("-L", lx - x)
        };
        cmds.push(resize_cmd(g.id, dir, n));
    }
    if y != ly
        && let Some(g) = geos
            .iter()
            .find(|g| g.yoff + g.sy == ly && lx >= g.xoff && lx < g.xoff + g.sx)
    {
        let (dir, n) = if y > ly {
            ("-D", y - ly)
        } else {
            ("-U", ly - y)
        };
        cmds.push(resize_cmd(g.id, dir, n));
    }
    if !cmds.is_empty() {
        let _ = crate::cmd::run_list(shared, st, info, &cmds);
    }
}

fn resize_cmd(pane: u32, dir: &str, n: u16) -> Vec<String> {
    vec![
        "resize-pane".into(),
        "-t".into(),
        format!("%{pane}"),
        dir.into(),
        n.to_string(),
    ]
}

/// `send-keys -M` and unbound reports: the event to the pane in its coordinates and encoding,
/// if its program turned mouse reporting on.
pub fn send_to_pane(st: &State, pane: u32, m: &MouseInfo) {
    let Some(p) = st.panes.get(&pane).filter(|_| !m.ignore) else {
        return;
    };
    let modes = p.term.modes();
    if !modes.mouse_reporting || m.x < 0 || m.y < 0 {
        return;
    }
    // tmux `input_key_get_mouse`: motion only to a program that asked for button or any
    // motion, motion without a button only to one that asked for any.
    let motion = m.button & 32 != 0 && m.button & 192 != 64;
    let wanted = if m.button & 3 == 3 {
        modes.mouse_motion
    } else {
        modes.mouse_drag || modes.mouse_motion
    };
    if motion && !wanted {
        return;
    }
    let (x, y) = (m.x as u32 + 1, m.y as u32 + 1);
    let bytes = if modes.sgr_mouse {
        let end = if m.release { 'm' } else { 'M' };
        format!("\x1b[<{};{x};{y}{end}", m.button).into_bytes()
    } else {
        let b = if m.release { 3 } else { m.button };
        // X10 cannot carry positions past 223.
        let (Ok(b), Ok(x), Ok(y)) = (
            u8::try_from(b + 32),
            u8::try_from(x + 32),
            u8::try_from(y + 32),
        ) else {
            return;
        };
        vec![0x1b, b'[', b'M', b, x, y]
    };
    p.write(bytes);
}
