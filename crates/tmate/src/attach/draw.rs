//! Drawing an attached client's screen: the session's current window as a tmate-term scene,
//! with its status line (reused briefly across pane output), message, and the look of its
//! prompt or display-panes labels, rendered into the client's output.

use std::time::Instant;

use tmate_term::{Look, Scene, ScenePane, StatusBar, compose_look};

use super::status::status_bar;
use super::{AttachedClient, STATUS_REUSE, escape_of, escape_time};
use crate::prompt::Overlay;
use crate::state::State;

/// The last evaluated status line and look, with when they were evaluated.
pub(super) struct StatusCache {
    at: Instant,
    status: StatusBar,
    look: Look,
}

/// The session's current window, as owned data (pane ids and geometry) plus its status bar.
type SceneData = (u16, u16, Vec<(u32, u16, u16, u16, u16)>, u32);

impl AttachedClient<'_> {
    /// Renders what the session looks like now into the client's output, unless this wake
    /// changed nothing it shows. Returns false when the session is gone.
    pub(super) fn draw(&mut self) -> bool {
        if self.suspended {
            // Nothing is drawn on a terminal the client has; the redraw follows its answer.
            return self.shared.lock().sessions.contains_key(&self.sid);
        }
        let draw = std::mem::replace(&mut self.redraw, true);
        if !draw {
            self.escape_time = escape_time(self.shared);
            return true;
        }
        let shared = self.shared;
        let mut st = shared.lock();
        // A clock whose pane was resized (or whose minute turned) is redrawn first.
        crate::clock_mode::refresh_all(&mut st);
        // The next wait needs escape-time on every wake: read it under this lock, not another.
        self.escape_time = escape_of(&st);
        let reuse = std::mem::take(&mut self.output_only)
            && self
                .status_cache
                .as_ref()
                .is_some_and(|cache| cache.at.elapsed() < STATUS_REUSE);
        if !reuse {
            self.status_cache = None;
            // tmux updates the modes of the current window when it redraws a status line.
            crate::tree::refresh_window(&mut st, self.sid);
        }
        let Some(scene_data) = scene_geometry(&st, self.sid) else {
            return false;
        };
        let (sid, overlay, id) = (self.sid, &self.keys.overlay, self.id);
        // The status line and borders see this client's variables (`#{client_prefix}`).
        let cached = self.status_cache.get_or_insert_with(|| {
            crate::format::with_client(Some(id), || StatusCache {
                at: Instant::now(),
                status: status_bar(&st, sid).unwrap_or_default(),
                look: overlay_look(&st, sid, overlay),
            })
        });
        let mut scene =
            crate::format::with_client(Some(id), || build(&st, &scene_data, cached.status.clone()));
        if self.status_lines == 0 {
            scene.status = None;
        }
        scene.message = self.message.as_ref().map(|(m, _, _)| m.clone());
        scene.message_markup = self.message.as_ref().is_some_and(|(_, _, markup)| *markup);
        if std::mem::take(&mut self.menu_drawn) {
            // The menu's or popup's cells are in the frame: every row is composed again.
            self.frame.damage = tmate_term::RowDamage::default();
        }
        compose_look(&scene, &cached.look, self.cols, self.rows, &mut self.frame);
        let popup = crate::popup::draw(&st, self.id, &mut self.frame);
        if popup {
            self.frame.damage = tmate_term::RowDamage::default();
            self.menu_drawn = true;
        }
        if let Some(menu) = &self.menu {
            menu.draw(&mut self.frame);
            // The menu's screen has the terminal's default cursor, as tmux's.
            self.frame.cursor_look = tmate_term::CursorLook::default();
            self.frame.damage = tmate_term::RowDamage::default();
            self.menu_drawn = true;
            if menu.mouse.is_some() {
                // tmux's menu screen opened by the mouse asks for every motion.
                self.frame.modes.mouse_reporting = true;
                self.frame.modes.mouse_motion = true;
                self.frame.modes.sgr_mouse = true;
            }
        }
        if st.session_option(sid, "mouse") == "on" {
            // tmux asks the terminal for button and drag reports itself.
            self.frame.modes.mouse_reporting = true;
            self.frame.modes.mouse_drag = true;
            self.frame.modes.sgr_mouse = true;
            if !popup && self.menu.is_none() {
                // tmux `server_client_reset_state`: every motion when any pane of the window
                // asks for it (the MouseMove keys then reach the pane under the mouse).
                self.frame.modes.mouse_motion = scene_data.2.iter().any(|(id, ..)| {
                    st.panes
                        .get(id)
                        .is_some_and(|p| p.term.modes().mouse_motion)
                });
            }
        }
        // tmux asks the terminal for focus reports by the option, whatever the panes want.
        self.frame.modes.focus_events = crate::focus::events_on(&st);
        // terminal-overrides apply to attached clients at once, as tmux re-applies them.
        let term = st.clients.get(&self.id).map_or("", |c| c.term.as_str());
        self.renderer
            .set_no_auto_margins(crate::termcaps::no_auto_margins(&st, term));
        drop(st);
        self.renderer.render(&self.frame, &mut self.out);
        true
    }
}

/// The current window's panes as display-panes numbers them: (id, index + pane-base-index,
/// active).
pub(super) fn pane_numbers(st: &State, sid: u32, current: u32) -> Vec<(u32, u32, bool)> {
    let base = u32::try_from(st.option_num(sid, current, "pane-base-index")).unwrap_or(0);
    let Some(w) = st.window(sid, current) else {
        return Vec::new();
    };
    w.pane_ids()
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let n = u32::try_from(i).unwrap_or(u32::MAX).saturating_add(base);
            (*id, n, *id == w.active)
        })
        .collect()
}

/// The session's styles plus this client's prompt or display-panes labels.
fn overlay_look(st: &State, sid: u32, overlay: &Overlay) -> Look {
    let mut look = crate::style::look(st, sid);
    look.prompt = overlay.prompt_line();
    if overlay.is_open() && look.prompt.is_none() {
        let current = st.sessions.get(&sid).map(|s| s.current).unwrap_or(0);
        let colour =
            |name: &str| crate::style::colour(&st.option(sid, current, name)).unwrap_or_default();
        look.pane_labels = overlay.labels(
            &pane_numbers(st, sid, current),
            colour("display-panes-colour"),
            colour("display-panes-active-colour"),
        );
    }
    look
}

fn scene_geometry(st: &State, sid: u32) -> Option<SceneData> {
    let s = st.sessions.get(&sid)?;
    let w = s.windows.get(&s.current)?;
    let panes = w
        .visible()
        .iter()
        .map(|g| (g.id, g.xoff, g.yoff, g.sx, g.sy))
        .collect();
    Some((w.sx, w.sy, panes, w.active))
}

fn build<'a>(st: &'a State, data: &SceneData, status: StatusBar) -> Scene<'a> {
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
                    // The top mode's own screen replaces the pane's (copy and view mode
                    // draw through the pane's terminal).
                    term: match p.top_mode() {
                        Some(crate::modes::ModeKind::Clock) => p.clock.as_ref().map(|c| &c.term),
                        Some(crate::modes::ModeKind::Tree(_)) => p.tree_top().map(|t| &t.screen),
                        _ => None,
                    }
                    .unwrap_or(&p.term),
                })
            })
            .collect(),
        active_pane: Some(i64::from(*active)),
        status: Some(status),
        message: None,
        message_markup: false,
    }
}
