//! display-popup's popup (tmux 3.3a `popup.c`): a program on a PTY of its own, drawn in a box
//! over one attached client's screen and taking that client's keys while it is open; Escape or
//! C-c close it (unless `-E`/`-EE` and the program still runs), as do `display-popup -C`, the
//! program's exit with `-E` (or a zero exit with `-EE`) and the client going. The mouse drags
//! it by its border (or with Meta), opens its right-button menu and reaches a program that
//! asked for it.

use std::os::fd::OwnedFd;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tmate_proto::{KeyCode, pane_key_bytes};
use tmate_term::{Cell, Color, Frame, PaneTerm, Style};
use tokio::sync::oneshot;

use crate::server::Shared;
use crate::state::State;

/// tmux's status for a popup closed while its program runs (`128 + SIGHUP`).
const CLOSED_RUNNING: u8 = 129;
/// Popup screens keep no history (tmux's `screen_init(..., 0)`).
const NO_HISTORY: usize = 0;
/// Opened popups, so a popup's reader task acts only on the popup it was started for.
static GENERATION: AtomicU64 = AtomicU64::new(1);

/// `popup-border-lines` (and `-b`, `-B`): the box's lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    Single,
    Rounded,
    Double,
    Heavy,
    Simple,
    Padded,
    None,
}

impl Lines {
    /// An option value; `None` for one that is not a choice.
    pub fn parse(value: &str) -> Option<Lines> {
        Some(match value {
            "single" => Lines::Single,
            "rounded" => Lines::Rounded,
            "double" => Lines::Double,
            "heavy" => Lines::Heavy,
            "simple" => Lines::Simple,
            "padded" => Lines::Padded,
            "none" => Lines::None,
            _ => return None,
        })
    }

    /// Corners (top-left, top-right, bottom-left, bottom-right), then horizontal and
    /// vertical lines (tmux's `screen_write_box_border_set`).
    fn glyphs(self) -> [&'static str; 6] {
        match self {
            Lines::Single | Lines::None => ["┌", "┐", "└", "┘", "─", "│"],
            Lines::Rounded => ["╭", "╮", "╰", "╯", "─", "│"],
            Lines::Double => ["╔", "╗", "╚", "╝", "═", "║"],
            Lines::Heavy => ["┏", "┓", "┗", "┛", "━", "┃"],
            Lines::Simple => ["+", "+", "+", "+", "-", "|"],
            Lines::Padded => [" "; 6],
        }
    }
}

/// When the program's exit closes the popup (`-E`, `-EE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseOnExit {
    Never,
    Always,
    /// Only when it exits with status 0.
    Success,
}

/// What display-popup decided: the box on the client and its looks, and the program.
pub struct PopupSpec {
    /// Top-left cell and size of the whole box on the client, border included.
    pub px: u16,
    pub py: u16,
    pub sx: u16,
    pub sy: u16,
    pub lines: Lines,
    pub title: String,
    /// The border's colours (`popup-border-style`, `-S`) and the default colours of the
    /// whole box (`popup-style`, `-s`).
    pub border: Style,
    pub defaults: Style,
    pub close: CloseOnExit,
    /// The program and its arguments, started as they are (execvp), its directory and
    /// environment.
    pub argv: Vec<String>,
    pub cwd: String,
    pub env: Vec<(String, String)>,
}

/// An open popup, held by its client (`ClientHandle::popup`).
pub struct Popup {
    spec: PopupSpec,
    /// The place and size asked for (px, py, sx, sy): a client that grows again gets them back.
    preferred: (u16, u16, u16, u16),
    term: PaneTerm,
    input: crate::state::PaneInput,
    master: Option<OwnedFd>,
    /// The program while it runs.
    pid: Option<i32>,
    generation: u64,
    /// Its exit status (or signal); `CLOSED_RUNNING` until it exits.
    status: u8,
    /// display-popup waits for this (tmux's `CMD_RETURN_WAIT`): the status when it closes.
    done: Option<oneshot::Sender<u8>>,
    /// A mouse drag moving or resizing the popup, from this offset into it.
    dragging: Option<(Drag, u16, u16)>,
    /// The last mouse report: position and tmux's button bits (a release is 3).
    last_mouse: (u16, u16, u32),
    /// Shared with the program's reader task: the pane and spawn generation its program moved
    /// to (To Horizontal/Vertical Pane), set before the popup goes.
    handoff: Handoff,
}

/// Where a popup's program went when it became a pane.
type Handoff = Arc<std::sync::Mutex<Option<(u32, u64)>>>;

fn handed_to(handoff: &Handoff) -> Option<(u32, u64)> {
    *handoff
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// What a drag does (tmux's `dragging`): button 1 moves the popup, button 3 resizes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Drag {
    Move,
    Size,
}

impl Drop for Popup {
    /// Closing a popup ends its program (tmux's `job_free`: SIGTERM, and the PTY closed,
    /// which hangs up its process group) and lets display-popup return.
    fn drop(&mut self) {
        if let Some(pid) = self.pid.and_then(rustix::process::Pid::from_raw) {
            let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
            let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::HUP);
        }
        if let Some(done) = self.done.take() {
            let _ = done.send(self.status);
        }
    }
}

/// The inner area's size: the program's terminal.
fn inner_size(spec: &PopupSpec) -> (u16, u16) {
    if spec.lines == Lines::None {
        (spec.sx, spec.sy)
    } else {
        (spec.sx.saturating_sub(2), spec.sy.saturating_sub(2))
    }
}

/// Open `spec` on `client` and start its program; the receiver gets the status when the popup
/// closes. Nothing is opened (`Ok(None)`) when the box is too small or the client has a popup.
pub fn open(
    shared: &Arc<Shared>,
    state: &mut State,
    client: u32,
    spec: PopupSpec,
) -> Result<Option<oneshot::Receiver<u8>>, String> {
    let small = if spec.lines == Lines::None { 1 } else { 3 };
    if spec.sx < small || spec.sy < small {
        return Ok(None);
    }
    let Some(handle) = state.clients.get(&client) else {
        return Ok(None);
    };
    if handle.popup.is_some() {
        return Ok(None);
    }
    let (jx, jy) = inner_size(&spec);
    let program = crate::process::start_on_pty(command(&spec), jx, jy)?;
    let generation = GENERATION.fetch_add(1, Ordering::Relaxed);
    let (tx, rx) = oneshot::channel();
    let popup = Popup {
        preferred: (spec.px, spec.py, spec.sx, spec.sy),
        term: PaneTerm::new(jx.max(1), jy.max(1), NO_HISTORY),
        spec,
        input: program.input,
        master: program.master,
        pid: program.pid,
        generation,
        status: CLOSED_RUNNING,
        done: Some(tx),
        dragging: None,
        last_mouse: (0, 0, 0),
        handoff: Handoff::default(),
    };
    let handoff = Arc::clone(&popup.handoff);
    if let Some(handle) = state.clients.get_mut(&client) {
        handle.popup = Some(Box::new(popup));
    }
    let shared = Arc::clone(shared);
    let (reader, child) = (program.reader, program.child);
    tokio::spawn(async move {
        let rest = read_output(&shared, client, generation, &reader).await;
        match handed_to(&handoff) {
            Some((pane, pane_generation)) => {
                // The program is a pane's now: what was read meanwhile, then the rest.
                if let Some(bytes) = rest {
                    let mut st = shared.lock();
                    if crate::process::feed_pane(&mut st, pane, pane_generation, &bytes) {
                        crate::hooks::drain(&shared, &mut st);
                    }
                    drop(st);
                    shared.notify_output();
                }
                crate::process::read_output(&shared, pane, pane_generation, &reader).await;
                crate::process::program_ended(&shared, pane, pane_generation, child).await;
            }
            None => program_ended(&shared, client, generation, child, &handoff).await,
        }
    });
    Ok(Some(rx))
}

/// The program as tmux's `job_run` starts it: its arguments as they are, in its directory
/// (else `$HOME`, else /) with the session's environment and `-e`.
fn command(spec: &PopupSpec) -> pty_process::Command {
    let program = spec.argv.first().map_or("/bin/sh", String::as_str);
    let dir = [spec.cwd.clone(), std::env::var("HOME").unwrap_or_default()]
        .into_iter()
        .find(|d| !d.is_empty() && std::path::Path::new(d).is_dir())
        .unwrap_or_else(|| "/".to_string());
    pty_process::Command::new(program)
        .args(spec.argv.iter().skip(1))
        .current_dir(dir)
        .env_clear()
        .envs(spec.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

/// The client's popup when it is the one `generation` started.
fn popup_of(state: &mut State, client: u32, generation: u64) -> Option<&mut Popup> {
    state
        .clients
        .get_mut(&client)?
        .popup
        .as_deref_mut()
        .filter(|p| p.generation == generation)
}

/// The program's output into the popup's terminal, until the PTY ends or the popup goes;
/// what was read when it had gone is returned (for the pane it may have become).
async fn read_output(
    shared: &Arc<Shared>,
    client: u32,
    generation: u64,
    reader: &tokio::io::unix::AsyncFd<OwnedFd>,
) -> Option<Vec<u8>> {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match crate::fdio::read(reader, &mut buf).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => n,
        };
        let bytes = buf.get(..n)?;
        {
            let mut st = shared.lock();
            let Some(p) = popup_of(&mut st, client, generation) else {
                return Some(bytes.to_vec());
            };
            p.term.feed(bytes);
        }
        shared.notify_output();
        // A flood gives the other tasks their turn, as a pane's reader does.
        tokio::task::yield_now().await;
    }
}

/// The program ended (or its popup closed): its status is kept, and with `-E`/`-EE` the popup
/// closes (tmux's `popup_job_complete_cb`); a program that became a pane meanwhile ends the
/// pane's way.
async fn program_ended(
    shared: &Arc<Shared>,
    client: u32,
    generation: u64,
    mut child: tokio::process::Child,
    handoff: &Handoff,
) {
    use std::os::unix::process::ExitStatusExt;
    // One that ignores the hang-up is killed after a while.
    let exit = match tokio::time::timeout(Duration::from_secs(5), child.wait()).await {
        Ok(Ok(status)) => Some(status),
        _ => {
            let _ = child.kill().await;
            None
        }
    };
    let status = exit.map_or(i32::from(CLOSED_RUNNING), |s| {
        s.code().or(s.signal()).unwrap_or(0)
    });
    let mut st = shared.lock();
    let Some(p) = popup_of(&mut st, client, generation) else {
        drop(st);
        if let Some((pane, pane_generation)) = handed_to(handoff) {
            crate::process::pane_program_ended(shared, pane, pane_generation, exit);
        }
        return;
    };
    p.pid = None;
    p.status = u8::try_from(status & 0xff).unwrap_or(0);
    let close = match p.spec.close {
        CloseOnExit::Never => false,
        CloseOnExit::Always => true,
        CloseOnExit::Success => p.status == 0,
    };
    if close {
        close_popup(&mut st, client);
    }
    drop(st);
    shared.notify();
}

/// Whether `client` has a popup open.
pub fn is_open(state: &State, client: u32) -> bool {
    state
        .clients
        .get(&client)
        .is_some_and(|c| c.popup.is_some())
}

/// Close the client's popup (display-popup -C; nothing when none is open).
pub fn close_popup(state: &mut State, client: u32) {
    if let Some(c) = state.clients.get_mut(&client) {
        c.popup = None;
    }
}

/// A key for the client's popup (tmux `popup_key_cb` without the mouse): Escape and C-c close
/// it unless `-E`/`-EE` was given and its program runs; other keys go to the program.
pub fn key(state: &mut State, client: u32, key: KeyCode, raw: &[u8]) {
    let Some(p) = state.clients.get(&client).and_then(|c| c.popup.as_deref()) else {
        return;
    };
    let closes = p.spec.close == CloseOnExit::Never || p.pid.is_none();
    if closes && (key == KeyCode::ESCAPE || key == KeyCode(0x03)) {
        close_popup(state, client);
        return;
    }
    if p.pid.is_none() {
        return;
    }
    let m = p.term.modes();
    let modes = tmate_proto::PaneKeyModes {
        cursor_keys_application: m.cursor_keys_application,
        keypad_application: m.keypad_application,
        xterm_keys: true,
    };
    let bytes = pane_key_bytes(key, modes).unwrap_or_else(|| raw.to_vec());
    crate::process::write_input(p.master.as_ref(), &p.input, bytes);
}

/// The client's terminal is now `cols` x `rows` (tmux `popup_resize_cb`): the popup keeps its
/// place and size where they fit, else shrinks and moves in; its program follows.
pub fn client_resized(state: &mut State, client: u32, cols: u16, rows: u16) {
    let Some(p) = state
        .clients
        .get_mut(&client)
        .and_then(|c| c.popup.as_deref_mut())
    else {
        return;
    };
    let (ppx, ppy, psx, psy) = p.preferred;
    let spec = &mut p.spec;
    spec.sx = psx.min(cols);
    spec.sy = psy.min(rows);
    spec.px = ppx.min(cols - spec.sx);
    spec.py = ppy.min(rows - spec.sy);
    p.resize_program();
}

/// Draw the client's popup over `frame` (tmux `popup_draw_cb`); false when it has none. The
/// client's cursor and key modes become the popup program's.
pub fn draw(state: &State, client: u32, frame: &mut Frame) -> bool {
    let Some(p) = state.clients.get(&client).and_then(|c| c.popup.as_deref()) else {
        return false;
    };
    let rows = p.cells();
    let (px, py) = (usize::from(p.spec.px), usize::from(p.spec.py));
    let cols = usize::from(frame.cols);
    for (y, row) in rows.into_iter().enumerate() {
        for (x, cell) in row.into_iter().enumerate() {
            if px + x < cols
                && let Some(c) = frame.cells.get_mut((py + y) * cols + px + x)
            {
                *c = cell;
            }
        }
    }
    let modes = p.term.modes();
    frame.modes.cursor_keys_application = modes.cursor_keys_application;
    frame.modes.keypad_application = modes.keypad_application;
    frame.modes.bracketed_paste = modes.bracketed_paste;
    frame.modes.cursor_visible = modes.cursor_visible;
    // tmux takes the cursor's style and colour from the popup's screen too.
    frame.cursor_look = p.term.cursor_look();
    let inset = u16::from(p.spec.lines != Lines::None);
    let (cx, cy) = p.term.cursor();
    frame.cursor = modes
        .cursor_visible
        .then_some((p.spec.px + inset + cx, p.spec.py + inset + cy));
    true
}

impl Popup {
    /// The program's terminal and PTY follow the box's size.
    fn resize_program(&mut self) {
        let (jx, jy) = inner_size(&self.spec);
        if jx == 0 || jy == 0 {
            return;
        }
        self.term.resize(jx, jy);
        if let Some(fd) = &self.master {
            let ws = rustix::termios::Winsize {
                ws_row: jy,
                ws_col: jx,
                ws_xpixel: 0,
                ws_ypixel: 0,
            };
            let _ = rustix::termios::tcsetwinsize(fd, ws);
        }
    }

    /// The box's cells, row by row: cleared, the border and title, the program's screen
    /// inside. Default colours take the popup's defaults, except the border's and title's
    /// (tmux draws those with `GRID_FLAG_NOPALETTE`).
    fn cells(&self) -> Vec<Vec<Cell>> {
        let (w, h) = (usize::from(self.spec.sx), usize::from(self.spec.sy));
        let blank = self.with_defaults(Cell::blank(Style::default()));
        let mut rows = vec![vec![blank; w]; h];
        let inset = if self.spec.lines == Lines::None {
            0
        } else if w > 2 && h > 2 {
            self.draw_box(&mut rows);
            1
        } else {
            return rows;
        };
        let (jx, jy) = self.term.size();
        for (y, row) in rows
            .iter_mut()
            .skip(inset)
            .take(usize::from(jy))
            .enumerate()
        {
            for (x, cell) in row.iter_mut().skip(inset).take(usize::from(jx)).enumerate() {
                let (Ok(x), Ok(y)) = (u16::try_from(x), u16::try_from(y)) else {
                    continue;
                };
                *cell = self.with_defaults(self.term.cell(x, y));
            }
        }
        rows
    }

    /// tmux's `screen_write_box` with the border's colours and the title from the third cell.
    fn draw_box(&self, rows: &mut [Vec<Cell>]) {
        let [tl, tr, bl, br, horizontal, vertical] = self.spec.lines.glyphs();
        let style = self.spec.border;
        let h = rows.len();
        for (y, row) in rows.iter_mut().enumerate() {
            let w = row.len();
            for (x, cell) in row.iter_mut().enumerate() {
                let glyph = match (x, y) {
                    (0, 0) => tl,
                    (x, 0) if x == w - 1 => tr,
                    (0, y) if y == h - 1 => bl,
                    (x, y) if x == w - 1 && y == h - 1 => br,
                    (_, 0) => horizontal,
                    (_, y) if y == h - 1 => horizontal,
                    (0, _) => vertical,
                    (x, _) if x == w - 1 => vertical,
                    _ => continue,
                };
                *cell = Cell::new(glyph, style);
            }
        }
        let end = rows.first().map_or(0, |top| top.len().saturating_sub(2));
        if let Some(top) = rows.first_mut()
            && let Some(area) = top.get_mut(2..end)
            && !self.spec.title.is_empty()
        {
            crate::menu::draw_over(area, &self.spec.title, style);
        }
    }

    /// tmux draws the popup with its defaults: a cell's default colours take them.
    fn with_defaults(&self, mut cell: Cell) -> Cell {
        let defaults = self.spec.defaults;
        if cell.style.fg == Color::Default {
            cell.style.fg = defaults.fg;
        }
        if cell.style.bg == Color::Default {
            cell.style.bg = defaults.bg;
        }
        cell
    }
}

/// A mouse report for the client's popup (tmux `popup_key_cb`'s mouse part): button 3
/// outside the popup, or without modifiers on its left or top border, asks for the popup's
/// menu (returned for the client to open); a drag on the border, or anywhere with Meta, moves
/// the popup (button 1) or resizes it (button 3); inside, the report goes to a program that
/// asked for the mouse. `size` is the client's.
pub fn mouse(
    state: &mut State,
    client: u32,
    ev: &tmate_proto::MouseEvent,
    size: (u16, u16),
) -> Option<crate::menu::MenuRequest> {
    let p = state
        .clients
        .get_mut(&client)
        .and_then(|c| c.popup.as_deref_mut())?;
    let x = u16::try_from(ev.x.saturating_sub(1)).unwrap_or(u16::MAX);
    let y = u16::try_from(ev.y.saturating_sub(1)).unwrap_or(u16::MAX);
    let release = ev.release || (!ev.sgr && ev.button & 3 == 3 && ev.button & 64 == 0);
    // tmux's button bits: a release is 3, its modifiers lost.
    let b = if release { 3 } else { ev.button };
    let menu = p.on_mouse(x, y, b, ev, size);
    p.last_mouse = (x, y, b);
    menu.then(|| menu_request(state, client, (x, y)))
}

/// The popup's menu (tmux `popup_menu_items`, its names expanded for the client): Paste shows
/// with a paste buffer; no title, the menu's middle at the mouse's column, its top on the
/// mouse's row, opened by the mouse (nothing chosen until it moves over an item).
fn menu_request(state: &State, client: u32, at: (u16, u16)) -> crate::menu::MenuRequest {
    let paste = state
        .buffers
        .top()
        .map(|b| format!("Paste #[underscore]{}", b.name))
        .unwrap_or_default();
    let items: [(&str, &str); 8] = [
        ("Close", "q"),
        (&paste, "p"),
        ("", ""),
        ("Fill Space", "F"),
        ("Centre", "C"),
        ("", ""),
        ("To Horizontal Pane", "h"),
        ("To Vertical Pane", "v"),
    ];
    let items = items
        .iter()
        .map(|(name, key)| crate::menu::ItemSpec {
            name: (!key.is_empty()).then(|| (*name).to_string()),
            key: KeyCode::parse(key),
            command: (*key).to_string(),
        })
        .collect();
    // tmux draws the chosen item in the client's current window's mode-style.
    let (sid, window) = state
        .clients
        .get(&client)
        .and_then(|c| Some((c.session, state.sessions.get(&c.session)?.current)))
        .unwrap_or((0, 0));
    let choice_style = tmate_term::parse_style_over(
        &state.option(sid, window, "mode-style"),
        Style::default(),
        Style::default(),
    )
    .unwrap_or_default();
    let mouse = crate::mouse::MouseInfo {
        at,
        ..Default::default()
    };
    crate::menu::MenuRequest {
        title: String::new(),
        items,
        place: crate::menu::Placement::default(),
        pane: 0,
        mouse: Some(mouse),
        stay_open: false,
        choice_style,
        at: Some((usize::from(at.0), usize::from(at.1))),
        completion: false,
        open: None,
        tree_click: true,
        popup: true,
    }
}

/// An item of the popup's menu chosen, by its key (tmux `popup_menu_done`): `q` closes the
/// popup, `p` gives the program the most recent paste buffer, `F` spreads the box over the
/// whole client and `C` centres it (neither changes the program's size nor the place a
/// resized client gives back, as in tmux), `h` and `v` move the program into a new pane.
pub fn menu_chosen(state: &mut State, client: u32, key: &str, size: (u16, u16)) {
    match key {
        "q" => return close_popup(state, client),
        "h" => return move_to_pane(state, client, crate::layout::Dir::LeftRight),
        "v" => return move_to_pane(state, client, crate::layout::Dir::TopBottom),
        _ => {}
    }
    let top = state.buffers.top().map(|b| b.data.clone());
    let Some(p) = state
        .clients
        .get_mut(&client)
        .and_then(|c| c.popup.as_deref_mut())
    else {
        return;
    };
    let (cols, rows) = size;
    match key {
        "p" => {
            if let Some(data) = top.filter(|_| p.pid.is_some()) {
                crate::process::write_input(p.master.as_ref(), &p.input, data);
            }
        }
        "F" => {
            p.spec.px = 0;
            p.spec.py = 0;
            p.spec.sx = cols;
            p.spec.sy = rows;
        }
        "C" => {
            p.spec.px = (cols / 2).saturating_sub(p.spec.sx / 2);
            p.spec.py = (rows / 2).saturating_sub(p.spec.sy / 2);
        }
        _ => {}
    }
}

/// To Horizontal/Vertical Pane (tmux `popup_make_pane`): the active pane of the client's
/// current window is split (unzoomed, half each, the new one after it and active) and the
/// popup's program, with its screen as it is, becomes the new pane; the popup closes without
/// ending it (display-popup returns tmux's 129). Nothing happens once the program has exited
/// or when the pane has no room to split.
fn move_to_pane(state: &mut State, client: u32, dir: crate::layout::Dir) {
    let Some(sid) = state.clients.get(&client).map(|c| c.session) else {
        return;
    };
    let Some((idx, active)) = state
        .sessions
        .get(&sid)
        .and_then(|s| Some((s.current, s.windows.get(&s.current)?.active)))
    else {
        return;
    };
    let running = state
        .clients
        .get(&client)
        .and_then(|c| c.popup.as_deref())
        .is_some_and(|p| p.pid.is_some());
    if !running {
        return;
    }
    let new = state.alloc_pane();
    if state.split(sid, idx, active, dir, new).is_none() {
        return;
    }
    let Some(mut popup) = state.clients.get_mut(&client).and_then(|c| c.popup.take()) else {
        return;
    };
    let generation = crate::process::next_generation();
    if let Ok(mut to) = popup.handoff.lock() {
        *to = Some((new, generation));
    }
    // The program is no longer the popup's: its drop must not end it.
    let pid = popup.pid.take();
    let term = std::mem::replace(&mut popup.term, PaneTerm::new(1, 1, NO_HISTORY));
    let input = std::mem::replace(
        &mut popup.input,
        crate::state::PaneInput {
            queue: tokio::sync::mpsc::channel(1).0,
            pending: Arc::default(),
        },
    );
    let master = popup.master.take();
    let cwd = popup.spec.cwd.clone();
    drop(popup);
    crate::process::adopt_pane(state, new, term, input, master, pid, generation, &cwd);
    // The new pane's terminal and PTY take its place in the layout.
    state.apply_layout(sid, idx);
}

impl Popup {
    /// A report at (x, y) with tmux's button bits `b`; true when it asks for the menu.
    fn on_mouse(
        &mut self,
        x: u16,
        y: u16,
        b: u32,
        ev: &tmate_proto::MouseEvent,
        size: (u16, u16),
    ) -> bool {
        const DRAG: u32 = 32;
        const META: u32 = 8;
        const MODIFIERS: u32 = 4 | META | 16;
        // tmux's MOUSE_BUTTONS(b) == MOUSE_BUTTON_3: a press or drag of the right button.
        let right = b & 195 == 2;
        if let Some((drag, dx, dy)) = self.dragging {
            if b & DRAG == 0 {
                self.dragging = None;
            } else {
                self.drag_to(drag, (x, y), (dx, dy), size);
            }
            return false;
        }
        let s = &self.spec;
        if x < s.px || x >= s.px + s.sx || y < s.py || y >= s.py + s.sy {
            return right;
        }
        // Which border, in tmux's order: the corners belong to the left and right sides.
        let (left, top) = (x == s.px, y == s.py && x != s.px + s.sx - 1);
        let border = s.lines != Lines::None
            && (x == s.px || x == s.px + s.sx - 1 || y == s.py || y == s.py + s.sy - 1);
        if border && right && b & MODIFIERS == 0 && (left || top) {
            return true;
        }
        if b & MODIFIERS == META || border {
            let (lx, ly, lb) = self.last_mouse;
            if b & DRAG == 0 {
                return false;
            }
            let drag = match lb & 195 {
                0 => Drag::Move,
                2 => Drag::Size,
                _ => return false,
            };
            self.dragging = Some((drag, lx.saturating_sub(s.px), ly.saturating_sub(s.py)));
            return false;
        }
        if self.pid.is_some() {
            let inset = u16::from(s.lines != Lines::None);
            let (px, py) = (x - s.px - inset, y - s.py - inset);
            if let Some(bytes) = mouse_bytes(self.term.modes(), ev, b, px, py) {
                crate::process::write_input(self.master.as_ref(), &self.input, bytes);
            }
        }
        false
    }

    /// tmux's `popup_handle_drag`: moved within the client, or resized from its top-left.
    fn drag_to(&mut self, drag: Drag, at: (u16, u16), from: (u16, u16), size: (u16, u16)) {
        let ((x, y), (dx, dy), (cols, rows)) = (at, from, size);
        let s = &mut self.spec;
        match drag {
            Drag::Move => {
                s.px = x.saturating_sub(dx).min(cols.saturating_sub(s.sx));
                s.py = y.saturating_sub(dy).min(rows.saturating_sub(s.sy));
                self.dragging = Some((drag, x - s.px, y - s.py));
                self.preferred.0 = s.px;
                self.preferred.1 = s.py;
            }
            Drag::Size => {
                let least = if s.lines == Lines::None { 1 } else { 3 };
                if x < s.px + least || y < s.py + least {
                    return;
                }
                s.sx = x - s.px;
                s.sy = y - s.py;
                self.preferred.2 = s.sx;
                self.preferred.3 = s.sy;
                self.resize_program();
            }
        }
    }
}

/// A mouse report as a program that asked for the mouse reads it (tmux
/// `input_key_get_mouse`): SGR or X10 form, motion only in button or any-motion mode.
fn mouse_bytes(
    modes: tmate_term::PaneModes,
    ev: &tmate_proto::MouseEvent,
    b: u32,
    x: u16,
    y: u16,
) -> Option<Vec<u8>> {
    if !modes.mouse_reporting || (b & 32 != 0 && !modes.mouse_drag && !modes.mouse_motion) {
        return None;
    }
    if modes.sgr_mouse {
        let (button, end) = if b == 3 && ev.sgr {
            (ev.button, 'm')
        } else {
            (b, 'M')
        };
        return Some(format!("\x1b[<{button};{};{}{end}", x + 1, y + 1).into_bytes());
    }
    let byte = |v: u32| u8::try_from(v).ok();
    Some(vec![
        0x1b,
        b'[',
        b'M',
        byte(b + 32)?,
        byte(u32::from(x) + 33)?,
        byte(u32::from(y) + 33)?,
    ])
}
