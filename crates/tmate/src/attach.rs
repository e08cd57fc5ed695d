//! An attached client, server side: draws the session with tmate-term's compositor and
//! renderer (status line: `[session] ` window list, clock), reads the terminal's keys, runs
//! the prefix table (C-b c " % n p o d and arrows) and sends other keys to the active pane.
//! The client's size is the session's size (tmux `window-size latest`).

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tmate_proto::{InputEvent, InputParser, KeyCode, PaneKeyModes, pane_key_bytes};
use tmate_term::{Frame, Renderer, Scene, ScenePane, StatusBar, StatusWindow, compose_into};
use tokio::net::UnixStream;
use tokio::sync::mpsc;

use crate::format;
use crate::server::{ClientInfo, Shared};
use crate::wire::{self, kind};

/// Client frames waiting for the attach loop; a client flooding input waits on its socket.
const INPUT_QUEUE: usize = 64;
/// tmux `escape-time` default.
const ESCAPE_TIME: Duration = Duration::from_millis(500);

pub async fn run(shared: &Arc<Shared>, stream: UnixStream, sid: u32, info: ClientInfo) {
    let (mut rd, mut wr) = stream.into_split();
    if wire::write_frame(&mut wr, kind::ATTACH, b"").await.is_err() {
        return;
    }
    let (tx, mut rx) = mpsc::channel::<(u8, Vec<u8>)>(INPUT_QUEUE);
    let reader = tokio::spawn(async move {
        while let Ok(Some(f)) = wire::read_frame(&mut rd).await {
            if tx.send(f).await.is_err() {
                break;
            }
        }
    });
    let (mut cols, mut rows) = (info.cols.max(1), info.rows.max(2));
    resize(shared, sid, cols, rows);
    let mut changed = shared.changed.subscribe();
    let mut renderer = Renderer::new();
    let mut out = Vec::new();
    renderer.enter(&mut out);
    let mut frame = Frame::blank(0, 0);
    let mut parser = InputParser::new();
    let mut events = Vec::new();
    let mut prefix = false;
    let prefix_key = KeyCode::parse("C-b");
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let ending: String = loop {
        // Draw what the session looks like now.
        let gone = {
            let st = shared.lock();
            match scene(&st, sid) {
                Some((scene_data, status)) => {
                    let scene = build(&st, &scene_data, status);
                    compose_into(&scene, cols, rows, &mut frame);
                    false
                }
                None => true,
            }
        };
        if gone {
            break "[exited]".into();
        }
        renderer.render(&frame, &mut out);
        if !out.is_empty() {
            if wire::write_frame(&mut wr, kind::OUTPUT, &out)
                .await
                .is_err()
            {
                reader.abort();
                return;
            }
            out.clear();
        }
        let flush_in = if parser.pending().is_empty() {
            Duration::from_secs(3600)
        } else {
            ESCAPE_TIME
        };
        tokio::select! {
            f = rx.recv() => match f {
                None => { reader.abort(); return; }
                Some((kind::RESIZE, p)) => {
                    let text = String::from_utf8_lossy(&p).to_string();
                    let mut it = text.split(' ').map(|v| v.parse::<u16>().ok());
                    if let (Some(Some(c)), Some(Some(r))) = (it.next(), it.next()) {
                        cols = c.max(1);
                        rows = r.max(2);
                        resize(shared, sid, cols, rows);
                    }
                }
                Some((kind::INPUT, p)) => {
                    parser.feed(&p, &mut events);
                    if let Some(end) = handle(shared, sid, &mut events, &mut prefix, prefix_key) {
                        break end;
                    }
                }
                Some(_) => {}
            },
            _ = tokio::time::sleep(flush_in) => {
                parser.flush(&mut events);
                if let Some(end) = handle(shared, sid, &mut events, &mut prefix, prefix_key) {
                    break end;
                }
            }
            r = changed.changed() => if r.is_err() { break "[server exited]".into(); },
            _ = tick.tick() => {}
        }
    };
    renderer.leave(&mut out);
    let _ = wire::write_frame(&mut wr, kind::OUTPUT, &out).await;
    let _ = wire::write_frame(&mut wr, kind::DETACH, ending.as_bytes()).await;
    reader.abort();
}

fn resize(shared: &Arc<Shared>, sid: u32, cols: u16, rows: u16) {
    let mut st = shared.lock();
    st.resize_session(sid, cols, rows.saturating_sub(1).max(1));
    drop(st);
    shared.notify();
}

/// Keys to the prefix table or the active pane. `Some(message)` when the client detaches.
fn handle(
    shared: &Arc<Shared>,
    sid: u32,
    events: &mut Vec<InputEvent>,
    prefix: &mut bool,
    prefix_key: Option<KeyCode>,
) -> Option<String> {
    let mut st = shared.lock();
    let mut result = None;
    for ev in events.drain(..) {
        let Some(s) = st.sessions.get(&sid) else {
            break;
        };
        let name = s.name.clone();
        let Some(active) = s.windows.get(&s.current).map(|w| w.active) else {
            break;
        };
        let (key, raw) = match &ev {
            InputEvent::Key { key, raw } => (Some(*key), raw.clone()),
            other => (None, other.raw().to_vec()),
        };
        if *prefix {
            *prefix = false;
            let command: &[&str] = match key.map(|k| k.name()).as_deref() {
                Some("c") => &["new-window"],
                Some("\"") => &["split-window", "-v"],
                Some("%") => &["split-window", "-h"],
                Some("n") => &["next-window"],
                Some("p") => &["previous-window"],
                Some("o") => &["select-pane", "-t", ":.+"],
                Some("l") => &["last-window"],
                Some("x") => &["kill-pane"],
                Some("Up") => &["select-pane", "-U"],
                Some("Down") => &["select-pane", "-D"],
                Some("Left") => &["select-pane", "-L"],
                Some("Right") => &["select-pane", "-R"],
                Some("d") => {
                    result = Some(format!("[detached (from session {name})]"));
                    break;
                }
                _ if key.is_some() && key == prefix_key => {
                    send_key(&st, active, key, &raw);
                    continue;
                }
                _ => continue,
            };
            let argv: Vec<String> = command.iter().map(|s| s.to_string()).collect();
            let info = ClientInfo {
                pane: Some(active),
                cols: 80,
                rows: 24,
                tty: true,
                cwd: "/".into(),
            };
            let _ = crate::cmd::run_line(shared, &mut st, &info, &argv);
            continue;
        }
        if key.is_some() && key == prefix_key {
            *prefix = true;
            continue;
        }
        send_key(&st, active, key, &raw);
    }
    drop(st);
    shared.notify();
    result
}

fn send_key(st: &crate::state::State, pane: u32, key: Option<KeyCode>, raw: &[u8]) {
    let Some(p) = st.panes.get(&pane) else { return };
    let m = p.term.modes();
    let modes = PaneKeyModes {
        cursor_keys_application: m.cursor_keys_application,
        keypad_application: m.keypad_application,
        xterm_keys: true,
    };
    let bytes = key
        .and_then(|k| pane_key_bytes(k, modes))
        .unwrap_or_else(|| raw.to_vec());
    p.write(bytes);
}

/// The session's current window, as owned data (pane ids and geometry) plus its status bar.
type SceneData = (u16, u16, Vec<(u32, u16, u16, u16, u16)>, u32);

fn scene(st: &crate::state::State, sid: u32) -> Option<(SceneData, StatusBar)> {
    let s = st.sessions.get(&sid)?;
    let w = s.windows.get(&s.current)?;
    let panes = w
        .layout
        .panes()
        .iter()
        .map(|g| (g.id, g.xoff, g.yoff, g.sx, g.sy))
        .collect();
    let windows = s
        .windows
        .keys()
        .map(|idx| StatusWindow {
            idx: i64::from(*idx),
            name: format::window_name(st, sid, *idx),
            active: *idx == s.current,
            last: s.last == Some(*idx),
        })
        .collect();
    let ctx = format::Ctx {
        session: sid,
        window: s.current,
        pane: w.active,
    };
    let title = format::expand(st, ctx, "#{=21:pane_title}");
    let status = StatusBar {
        left: format!("[{}] ", s.name),
        right: format!(
            "\"{title}\" {}",
            tmate_term::status_clock(SystemTime::now())
        ),
        windows,
    };
    Some(((w.sx, w.sy, panes, w.active), status))
}

fn build<'a>(st: &'a crate::state::State, data: &SceneData, status: StatusBar) -> Scene<'a> {
    let (sx, sy, panes, active) = data;
    Scene {
        session_cols: *sx,
        session_rows: *sy,
        panes: panes
            .iter()
            .filter_map(|(id, xoff, yoff, cols, rows)| {
                st.panes.get(id).map(|p| ScenePane {
                    id: i64::from(*id),
                    xoff: *xoff,
                    yoff: *yoff,
                    cols: *cols,
                    rows: *rows,
                    term: &p.term,
                })
            })
            .collect(),
        active_pane: Some(i64::from(*active)),
        status: Some(status),
        message: None,
    }
}
