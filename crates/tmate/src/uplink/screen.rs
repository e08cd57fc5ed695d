//! What the relay is told about the screens: SYNC_LAYOUT for the shared session, PTY_DATA that
//! repaints a pane from our terminal with its colours (after connecting or when the relay fell
//! behind), the SNAPSHOT of every pane sent after a reconnect (protocol spec 3.14), and the
//! copy-mode state of each pane (SYNC_COPY_MODE, spec 3.10).

use std::collections::BTreeMap;

use tmate_proto::{
    CopyInput, CopyModeState, CopySelection, HostMessage, Layout, LayoutPane, LayoutWindow,
    MAX_PTY_CHUNK, PaneSnapshot, RawStr, SnapshotGrid, SnapshotLine,
};
use tmate_term::{Color, Style};

use super::stream::push;
use crate::state::State;

/// SYNC_LAYOUT for the session (tmate shares one session: the first). A window linked at
/// several indexes (link-window) goes once, at the current index when it is the current window
/// and else at its lowest: the relay keeps one mirror per pane id and refuses a layout naming
/// a pane twice, and tmate 2.4's server was never sent one.
pub fn layout(state: &State) -> Option<Layout> {
    let (sid, s) = state.sessions.iter().next()?;
    let current = s.windows.get(&s.current).map(|w| w.id);
    let mut sent = std::collections::BTreeSet::new();
    let windows = s
        .windows
        .iter()
        .filter(|(idx, w)| {
            let elsewhere = current == Some(w.id) && **idx != s.current;
            !elsewhere && sent.insert(w.id)
        })
        .map(|(idx, w)| LayoutWindow {
            idx: i64::from(*idx),
            name: RawStr::from(crate::format::window_name(state, *sid, *idx)),
            panes: w
                .visible()
                .iter()
                .map(|g| LayoutPane {
                    id: i64::from(g.id),
                    sx: i64::from(g.sx),
                    sy: i64::from(g.sy),
                    xoff: i64::from(g.xoff),
                    yoff: i64::from(g.yoff),
                })
                .collect(),
            active_pane_id: i64::from(w.zoomed.unwrap_or(w.active)),
        })
        .filter(|w| !w.panes.is_empty())
        .collect();
    Some(Layout {
        sx: i64::from(s.sx),
        sy: i64::from(s.sy),
        windows,
        active_window_idx: i64::from(s.current),
    })
}

/// Whether the relay was told about `pane` in `layout`: it ignores anything about other panes.
pub fn announced(layout: Option<&Layout>, pane: u32) -> bool {
    layout.is_some_and(|l| {
        l.windows
            .iter()
            .any(|w| w.panes.iter().any(|p| p.id == i64::from(pane)))
    })
}

/// SGR parameters selecting `style` from the default (`ESC [ 0 ; ... m`).
pub fn sgr(style: &Style, out: &mut Vec<u8>) {
    let mut p = String::from("\x1b[0");
    let a = &style.attrs;
    for (on, code) in [
        (a.bold, "1"),
        (a.dim, "2"),
        (a.italic, "3"),
        (a.underline, "4"),
        (a.blink, "5"),
        (a.reverse, "7"),
        (a.hidden, "8"),
        (a.strike, "9"),
    ] {
        if on {
            p.push(';');
            p.push_str(code);
        }
    }
    for (color, base, bright, ext) in [(style.fg, 30, 90, 38), (style.bg, 40, 100, 48)] {
        match color {
            Color::Default => {}
            Color::Indexed(n) if n < 8 => p.push_str(&format!(";{}", base + u32::from(n))),
            Color::Indexed(n) if n < 16 => p.push_str(&format!(";{}", bright + u32::from(n - 8))),
            Color::Indexed(n) => p.push_str(&format!(";{ext};5;{n}")),
            Color::Rgb(r, g, b) => p.push_str(&format!(";{ext};2;{r};{g};{b}")),
        }
    }
    p.push('m');
    out.extend_from_slice(p.as_bytes());
}

/// Bytes that repaint a pane's visible screen (text, colours, attributes, cursor) on a fresh
/// terminal of the pane's size.
pub fn repaint(state: &State, pane: u32) -> Vec<u8> {
    let Some(p) = state.panes.get(&pane) else {
        return Vec::new();
    };
    // A pane in a tree mode shows the mode's screen.
    let term = p.tree_top().map_or(&p.term, |t| &t.screen);
    let (cols, rows) = term.size();
    // Erase from the home position (ED 0), not ED 2: the relay's alacritty mirror pushes an
    // ED 2 screen into scrollback, which makes it allocate its first 1,000 history rows (about
    // 2 MB for 80 columns) for every session (docs/BENCHMARKS.md, relay memory).
    let mut bytes = b"\x1b[m\x1b[H\x1b[J".to_vec();
    let top = term.scrollback_len();
    for row in 0..rows {
        // The program's screen, not a copy-mode view over it (the relay mirrors copy mode
        // through SYNC_COPY_MODE).
        let cells = term
            .grid_line(top + usize::from(row))
            .map(|l| l.cells)
            .unwrap_or_default();
        let cells: Vec<_> = cells.into_iter().take(usize::from(cols)).collect();
        // Trailing default blanks are already there after the clear.
        let used = cells
            .iter()
            .rposition(|c| !c.is_default_blank())
            .map_or(0, |i| i + 1);
        if used == 0 {
            continue;
        }
        bytes.extend_from_slice(format!("\x1b[{};1H", row + 1).as_bytes());
        let mut current = Style::default();
        for cell in cells.iter().take(used).filter(|c| c.width != 0) {
            if cell.style != current {
                sgr(&cell.style, &mut bytes);
                current = cell.style;
            }
            bytes.extend_from_slice(cell.text.as_bytes());
        }
        bytes.extend_from_slice(b"\x1b[m");
    }
    let (cx, cy) = term.program_cursor();
    bytes.extend_from_slice(format!("\x1b[{};{}H", cy + 1, cx + 1).as_bytes());
    if !term.modes().cursor_visible {
        bytes.extend_from_slice(b"\x1b[?25l");
    }
    bytes
}

/// PTY_DATA repainting every pane, so a relay that joined late or lost data shows the screens.
pub fn redraw_all(state: &State, out: &mut Vec<u8>) {
    for id in state.panes.keys() {
        for chunk in repaint(state, *id).chunks(MAX_PTY_CHUNK) {
            push(
                out,
                HostMessage::PtyData {
                    pane_id: i64::from(*id),
                    data: RawStr(chunk.to_vec()),
                },
            );
        }
    }
}

/// tmux 2.2's colour byte and whether it needs the 256 flag.
fn colour(c: Color, bright_base: u64) -> (u64, bool) {
    match c {
        Color::Default | Color::Rgb(..) => (8, false),
        Color::Indexed(n) if n < 8 => (u64::from(n), false),
        Color::Indexed(n) if n < 16 => (bright_base + u64::from(n - 8), false),
        Color::Indexed(n) => (u64::from(n), true),
    }
}

/// `flags<<24 | attr<<16 | bg<<8 | fg` for one cell (spec 3.14).
fn attr_word(style: &Style) -> u64 {
    let (fg, fg256) = colour(style.fg, 90);
    let (bg, bg256) = colour(style.bg, 100);
    let a = &style.attrs;
    let mut attr = 0;
    for (on, bit) in [
        (a.bold, 0x01),
        (a.dim, 0x02),
        (a.underline, 0x04),
        (a.blink, 0x08),
        (a.reverse, 0x10),
        (a.hidden, 0x20),
        (a.italic, 0x40),
    ] {
        if on {
            attr |= bit;
        }
    }
    let flags = u64::from(fg256) | (u64::from(bg256) << 1);
    (flags << 24) | (attr << 16) | (bg << 8) | fg
}

/// History lines a SNAPSHOT carries per pane (tmate 2.4's).
const SNAPSHOT_HISTORY: usize = 300;

/// The snapshot lines of `term`'s absolute lines `range` (0 = the oldest history line): each
/// line's text up to its last non-blank cell and one attribute word per character cell.
fn snapshot_lines(term: &tmate_term::PaneTerm, range: std::ops::Range<usize>) -> Vec<SnapshotLine> {
    range
        .map(|line| {
            let cells: Vec<_> = term
                .grid_line(line)
                .map(|l| l.cells)
                .unwrap_or_default()
                .into_iter()
                .filter(|c| c.width != 0)
                .collect();
            let used = cells
                .iter()
                .rposition(|c| !c.is_default_blank())
                .map_or(0, |i| i + 1);
            let mut text = String::new();
            let mut attrs = Vec::new();
            for c in cells.iter().take(used) {
                text.push_str(&c.text);
                attrs.push(attr_word(&c.style));
            }
            SnapshotLine {
                text: RawStr::from(text),
                attrs,
            }
        })
        .collect()
}

/// The last `SNAPSHOT_HISTORY` history lines of `term`, oldest first.
fn snapshot_history(term: &tmate_term::PaneTerm) -> Vec<SnapshotLine> {
    let hsize = term.scrollback_len();
    snapshot_lines(term, hsize.saturating_sub(SNAPSHOT_HISTORY)..hsize)
}

/// The visible rows of `term`, top first.
fn snapshot_screen(term: &tmate_term::PaneTerm) -> Vec<SnapshotLine> {
    let hsize = term.scrollback_len();
    let (_, rows) = term.size();
    snapshot_lines(term, hsize..hsize + usize::from(rows))
}

/// tmux 2.2's screen mode bits (spec 3.14) for the pane's modes.
fn snapshot_mode(p: &crate::state::Pane) -> u64 {
    let m = p.term.modes();
    let mut mode = 0x10; // WRAP
    for (on, bit) in [
        (m.cursor_visible && p.copy_top().is_none(), 0x1),
        (m.cursor_keys_application, 0x4),
        (m.keypad_application, 0x8),
        (m.mouse_reporting, 0x20),
        (m.mouse_drag || m.mouse_motion, 0x40),
        (m.sgr_mouse, 0x200),
        (m.bracketed_paste, 0x400),
        (m.focus_events, 0x800),
    ] {
        if on {
            mode |= bit;
        }
    }
    mode
}

/// SNAPSHOT of every pane (spec 3.14): up to 300 history lines and the screen, oldest first.
/// In the alternate screen it is laid out as tmux keeps it: the grid holds the normal screen's
/// history followed by the alternate rows, and the saved grid the normal screen's rows and
/// cursor, so a viewer sees the full-screen program now and the shell again when it exits.
pub fn snapshot(state: &mut State) -> HostMessage {
    let panes = state
        .panes
        .values_mut()
        .map(|p| {
            // A pane in a tree mode shows the mode's screen (no history, no cursor).
            if let Some(t) = p.tree_top() {
                return PaneSnapshot {
                    pane_id: i64::from(p.id),
                    mode: 0x10,
                    grid: SnapshotGrid {
                        cx: 0,
                        cy: 0,
                        lines: snapshot_screen(&t.screen),
                    },
                    saved: None,
                };
            }
            let normal = p.term.with_normal_screen(|term| {
                let (cx, cy) = term.program_cursor();
                (snapshot_history(term), snapshot_screen(term), cx, cy)
            });
            let (lines, saved) = match normal {
                Some((mut history, screen, cx, cy)) => {
                    history.extend(snapshot_screen(&p.term));
                    let saved = SnapshotGrid {
                        cx: i64::from(cx),
                        cy: i64::from(cy),
                        lines: screen,
                    };
                    (history, Some(saved))
                }
                None => {
                    let mut lines = snapshot_history(&p.term);
                    lines.extend(snapshot_screen(&p.term));
                    (lines, None)
                }
            };
            let (cx, cy) = p.term.program_cursor();
            PaneSnapshot {
                pane_id: i64::from(p.id),
                mode: snapshot_mode(p),
                grid: SnapshotGrid {
                    cx: i64::from(cx),
                    cy: i64::from(cy),
                    lines,
                },
                saved,
            }
        })
        .collect();
    HostMessage::Snapshot(panes)
}

/// STATUS `[5, left, right]`: the expanded status-left and status-right of the shared session,
/// only while a local client is attached to it (tmate sends it when it draws a status line).
pub fn status(state: &State) -> Option<(String, String)> {
    let (sid, s) = state.sessions.iter().next()?;
    if !state.clients.values().any(|c| c.session == *sid) {
        return None;
    }
    let w = s.windows.get(&s.current)?;
    let ctx = crate::format::Ctx {
        session: *sid,
        window: s.current,
        pane: w.active,
    };
    let now = std::time::SystemTime::now();
    let side = |name: &str| crate::attach::status::status_side(state, ctx, name, now);
    Some((side("status-left"), side("status-right")))
}

/// SYNC_COPY_MODE state of every pane in copy mode (`copy::copy_sync`: the view offset, the
/// copy cursor, the selection start counted up from the last line).
pub fn copy_states(state: &State) -> BTreeMap<u32, CopyModeState> {
    let int = |v: usize| i64::try_from(v).unwrap_or(i64::MAX);
    state
        .panes
        .values()
        .filter_map(|p| {
            let c = crate::copy::copy_sync(p)?;
            Some((
                p.id,
                CopyModeState {
                    backing: c.backing,
                    oy: int(c.oy),
                    cx: int(c.cx),
                    cy: int(c.cy),
                    selection: c.selection.map(|(x, y, rect)| CopySelection {
                        x: int(x),
                        y_from_bottom: int(y),
                        rectangle: rect,
                    }),
                    input: c.input.map(|(kind, prompt, input)| CopyInput {
                        kind: i64::from(kind),
                        prompt: RawStr::from(prompt),
                        input: RawStr::from(input),
                    }),
                },
            ))
        })
        .collect()
}

/// SYNC_COPY_MODE for the panes whose copy-mode state changed since `sent` (`[]` for a pane
/// that left it), only for panes the relay knows (`layout`).
pub fn copy_changes(
    state: &State,
    sent: &mut BTreeMap<u32, CopyModeState>,
    layout: Option<&Layout>,
    out: &mut Vec<u8>,
) {
    let known = |id: u32| announced(layout, id);
    let now = copy_states(state);
    for (id, st) in &now {
        if sent.get(id) != Some(st) && known(*id) {
            // The relay keeps the copy mode it is in (tmate's `window_pane_set_mode` finds
            // it): another one (view mode after copy mode, as the pane's modes change) needs
            // the old one left first.
            if sent.get(id).is_some_and(|s| s.backing != st.backing) {
                push(
                    out,
                    HostMessage::SyncCopyMode {
                        pane_id: i64::from(*id),
                        state: None,
                    },
                );
            }
            push(
                out,
                HostMessage::SyncCopyMode {
                    pane_id: i64::from(*id),
                    state: Some(st.clone()),
                },
            );
            sent.insert(*id, st.clone());
        }
    }
    let left: Vec<u32> = sent
        .keys()
        .filter(|id| !now.contains_key(id))
        .copied()
        .collect();
    for id in left {
        sent.remove(&id);
        if known(id) {
            push(
                out,
                HostMessage::SyncCopyMode {
                    pane_id: i64::from(id),
                    state: None,
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tmate_term::Attrs;

    #[test]
    fn a_linked_window_goes_to_the_relay_once() {
        use crate::state::{Session, Window};
        let mut windows: crate::winlink::Windows = [
            (0, Window::new(0, Some("a".into()), 0, 80, 23)),
            (1, Window::new(1, Some("b".into()), 1, 80, 23)),
        ]
        .into();
        assert!(windows.link_at(1, 5));
        let mut state = State::default();
        state
            .sessions
            .insert(1, Session::new(1, "0", windows, 5, (80, 23), 0));
        let sent = |state: &State| {
            let l = layout(state).unwrap();
            let idx: Vec<i64> = l.windows.iter().map(|w| w.idx).collect();
            (idx, l.active_window_idx)
        };
        // The current index stands for the window, else its lowest.
        assert_eq!(sent(&state), (vec![0, 5], 5));
        state.sessions.get_mut(&1).unwrap().current = 0;
        assert_eq!(sent(&state), (vec![0, 1], 0));
    }

    #[test]
    fn attr_words_match_tmux_2_2() {
        // Captured default cell: 2056 = 0x0808.
        assert_eq!(attr_word(&Style::default()), 2056);
        let red_bold = Style {
            fg: Color::Indexed(1),
            bg: Color::Default,
            attrs: Attrs {
                bold: true,
                ..Attrs::default()
            },
        };
        assert_eq!(attr_word(&red_bold), 0x01_0801);
        // Bright colours use 90+/100+, palette colours set the 256 flags.
        let bright = Style::colors(Color::Indexed(9), Color::Indexed(12));
        assert_eq!(attr_word(&bright), (104 << 8) | 91);
        let palette = Style::colors(Color::Indexed(200), Color::Indexed(17));
        assert_eq!(attr_word(&palette), (0x03 << 24) | (17 << 8) | 200);
    }

    #[test]
    fn sgr_selects_from_default() {
        let mut out = Vec::new();
        sgr(
            &Style {
                fg: Color::Indexed(2),
                bg: Color::Rgb(1, 2, 3),
                attrs: Attrs {
                    underline: true,
                    ..Attrs::default()
                },
            },
            &mut out,
        );
        assert_eq!(out, b"\x1b[0;4;32;48;2;1;2;3m");
    }
}
