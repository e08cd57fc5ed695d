//! A pane's stack of modes (tmux 3.3a `window_pane_set_mode`, `window_pane_reset_mode`,
//! `window_pane_reset_mode_all`): copy, view, tree and clock mode, at most one of each. Setting
//! a mode already on the stack moves it to the top with its state; leaving the top mode shows
//! the one under it again at the pane's current size. Only the top mode takes keys, draws for
//! attached clients and reaches the relay; each change of the top raises pane-mode-changed.

use crate::copy::CopyMode;
use crate::state::{Pane, State};

/// A kind of mode on a pane's stack (tmux's `window_mode`s).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModeKind {
    Copy,
    View,
    Tree(crate::tree::Kind),
    Clock,
}

/// What setting a mode did to the stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placed {
    /// It was on top already: nothing changes (tmux returns 1, telling of nothing).
    Top,
    /// It was under others and came to the top, state kept.
    Moved,
    /// It is new, on top; the caller puts its state in the pane.
    New,
}

impl Pane {
    /// The mode on top (what the pane shows and gives keys to).
    pub fn top_mode(&self) -> Option<ModeKind> {
        self.modes.last().copied()
    }

    /// How many modes the pane is in (`#{pane_in_mode}`).
    pub fn mode_count(&self) -> usize {
        self.modes.len()
    }

    /// Copy or view mode, when it is on top.
    pub fn copy_top(&self) -> Option<&CopyMode> {
        match self.top_mode()? {
            ModeKind::Copy => self.copy.as_deref(),
            ModeKind::View => self.view.as_deref(),
            ModeKind::Tree(_) | ModeKind::Clock => None,
        }
    }

    pub fn copy_top_mut(&mut self) -> Option<&mut CopyMode> {
        match self.top_mode()? {
            ModeKind::Copy => self.copy.as_deref_mut(),
            ModeKind::View => self.view.as_deref_mut(),
            ModeKind::Tree(_) | ModeKind::Clock => None,
        }
    }

    /// The tree mode on top, if one is.
    pub fn tree_top(&self) -> Option<&crate::tree::TreeMode> {
        match self.top_mode()? {
            ModeKind::Tree(k) => self.trees.iter().find(|t| t.kind() == k).map(|t| &**t),
            _ => None,
        }
    }

    /// The highest tree mode on the stack (the top one when a tree mode is on top), taken out
    /// of the pane while it works (the stack still lists it); put back with
    /// [`Pane::put_tree`].
    pub fn take_tree(&mut self) -> Option<Box<crate::tree::TreeMode>> {
        let kind = self.modes.iter().rev().find_map(|k| match k {
            ModeKind::Tree(k) => Some(*k),
            _ => None,
        })?;
        let i = self.trees.iter().position(|t| t.kind() == kind)?;
        Some(self.trees.remove(i))
    }

    pub fn put_tree(&mut self, t: Box<crate::tree::TreeMode>) {
        self.trees.retain(|o| o.kind() != t.kind());
        self.trees.push(t);
    }

    /// Copy or view mode on top, taken out of the pane (while a command works on it; the
    /// stack still lists it) to be put back with [`Pane::put_copy`].
    pub fn take_copy_top(&mut self) -> Option<Box<CopyMode>> {
        match self.top_mode()? {
            ModeKind::Copy => self.copy.take(),
            ModeKind::View => self.view.take(),
            ModeKind::Tree(_) | ModeKind::Clock => None,
        }
    }

    /// A copy or view mode back in its place.
    pub fn put_copy(&mut self, m: Box<CopyMode>) {
        if m.view {
            self.view = Some(m);
        } else {
            self.copy = Some(m);
        }
    }

    /// Put `kind` on top of the stack (tmux `window_pane_set_mode`'s list handling).
    pub fn place_mode(&mut self, kind: ModeKind) -> Placed {
        if self.top_mode() == Some(kind) {
            return Placed::Top;
        }
        let had = self.modes.iter().position(|k| *k == kind);
        if let Some(i) = had {
            self.modes.remove(i);
        }
        self.modes.push(kind);
        if had.is_some() {
            Placed::Moved
        } else {
            Placed::New
        }
    }

    /// Every mode dropped without telling (a respawn's fresh screen, a destroyed pane);
    /// returns how many there were.
    pub fn drop_modes(&mut self) -> usize {
        let n = self.modes.len();
        self.modes.clear();
        self.copy = None;
        self.view = None;
        self.trees.clear();
        self.clock = None;
        self.term.set_copy_overlay(None);
        self.term.set_copy_view(None);
        n
    }
}

/// After the top of the pane's stack changed from `old`: the new top shows at the pane's
/// current size (tmux calls the mode's `resize` as it comes back), the relay is told, and
/// pane-mode-changed is raised.
pub fn top_changed(state: &mut State, pane: u32, old: Option<ModeKind>) {
    let Some(p) = state.panes.get_mut(&pane) else {
        return;
    };
    let new = p.top_mode();
    if matches!(new, Some(ModeKind::Copy | ModeKind::View)) {
        crate::copy::sync(p);
    } else {
        // Copy mode's rows are drawn over the pane's screen only while it is on top.
        p.term.set_copy_overlay(None);
        p.term.set_copy_view(None);
    }
    // A view that comes back: the relay left its copy of it, so the lines go again.
    let replay = if new == Some(ModeKind::View) && old != new {
        crate::copy::view_lines(p, crate::uplink::VIEW_REPLAY)
    } else {
        Vec::new()
    };
    match new {
        Some(ModeKind::Tree(_)) if old != new => crate::tree::shown(state, pane),
        _ if matches!(old, Some(ModeKind::Tree(_))) => crate::tree::hidden(state, pane),
        _ => {}
    }
    if new == Some(ModeKind::Clock) {
        crate::clock_mode::refresh(state, pane);
    }
    if !replay.is_empty() {
        crate::uplink::copy_restart(state, pane);
        for line in &replay {
            crate::uplink::copy_line(state, pane, line);
        }
    }
    state.mode_changed(pane);
}

/// tmux `window_pane_reset_mode`: the top mode ends and the one under it shows again.
pub fn reset(state: &mut State, pane: u32) {
    let Some(p) = state.panes.get_mut(&pane) else {
        return;
    };
    let Some(kind) = p.modes.pop() else {
        return;
    };
    match kind {
        ModeKind::Copy => p.copy = None,
        ModeKind::View => p.view = None,
        ModeKind::Clock => p.clock = None,
        ModeKind::Tree(kind) => {
            if let Some(i) = p.trees.iter().position(|t| t.kind() == kind) {
                let mode = p.trees.remove(i);
                crate::tree::ended(state, pane, &mode);
            }
        }
    }
    // tmux calls the mode under it back with `resize` at the pane's size, even an unchanged
    // one: copy mode's selection and search marks are cleared (`window_copy_size_changed`).
    if let Some(p) = state.panes.get_mut(&pane) {
        let (sx, sy) = p.term.size();
        if let Some(m) = p.copy_top_mut() {
            m.resize(sx, sy);
        }
    }
    top_changed(state, pane, Some(kind));
}

/// tmux `window_pane_reset_mode_all` (`copy-mode -q`, clear-history): every mode ends, top
/// first, each telling of it.
pub fn reset_all(state: &mut State, pane: u32) {
    // At most one of each kind is on the stack.
    for _ in 0..4 {
        if state.panes.get(&pane).is_none_or(|p| p.modes.is_empty()) {
            break;
        }
        reset(state, pane);
    }
}

/// `#{pane_in_mode}` (how many modes) and `#{pane_mode}` (the top one's name).
pub fn format_var(p: &Pane, name: &str) -> Option<String> {
    match name {
        "pane_in_mode" => Some(p.mode_count().to_string()),
        "pane_mode" => Some(
            match p.top_mode() {
                None => "",
                Some(ModeKind::Copy) => "copy-mode",
                Some(ModeKind::View) => "view-mode",
                Some(ModeKind::Clock) => "clock-mode",
                Some(ModeKind::Tree(k)) => k.name(),
            }
            .into(),
        ),
        _ => None,
    }
}
