//! Tree modes on a pane (tmux 3.3a `mode-tree.c` with `window-tree.c`, `window-buffer.c`,
//! `window-client.c` and `window-customize.c`): choose-tree, choose-buffer, choose-client and
//! customize-mode (in `customize.rs`). The mode owns a screen of
//! its own (a `PaneTerm` fed with the drawn rows) that replaces the pane's content for attached
//! clients and the relay while the mode is on. Items are built in `build.rs`, drawn in
//! `draw.rs`; keys and the prompts the mode opens are here.

pub(crate) mod build;
mod customize;
mod draw;
mod edit;
mod menu;
mod option_help;

pub use build::{
    BUFFER_COMMAND, BUFFER_FORMAT, CLIENT_COMMAND, CLIENT_FORMAT, TREE_COMMAND, TREE_FORMAT,
};
pub use customize::CUSTOMIZE_FORMAT;

use std::collections::HashMap;

use tmate_proto::KeyCode;
use tmate_term::PaneTerm;

use crate::cmd::CmdResult;
use crate::modes::{ModeKind, Placed};
use crate::server::{ClientInfo, Shared};
use crate::state::State;

/// Which mode: tmux's `tree-mode`, `buffer-mode`, `client-mode` or `options-mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Tree,
    Buffer,
    Client,
    Customize,
}

impl Kind {
    /// `#{pane_mode}`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Tree => "tree-mode",
            Kind::Buffer => "buffer-mode",
            Kind::Client => "client-mode",
            Kind::Customize => "options-mode",
        }
    }

    /// The sort orders `O` cycles through (tmux's sort lists).
    fn sorts(self) -> &'static [&'static str] {
        match self {
            Kind::Tree => &["index", "name", "time"],
            Kind::Buffer => &["time", "name", "size"],
            Kind::Client => &["name", "size", "creation", "activity"],
            Kind::Customize => &[],
        }
    }
}

/// What an item stands for; kept across rebuilds to remember expanded and tagged items.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Tag {
    Session(u32),
    /// Session id and window index (tmux's winlink).
    Window(u32, u32),
    Pane(u32),
    Buffer(String),
    Client(u32),
    /// customize-mode: a group of options (server, session, window and pane).
    Group(u8),
    /// customize-mode: an option of a group, or an item of an array option; a user option's
    /// place.
    Option(u8, String, Option<u32>, Option<customize::Place>),
    KeyTable(String),
    /// customize-mode: a key of a table, and one of its field lines (command, note, repeat).
    Key(String, KeyCode),
    KeyField(String, KeyCode, u8),
}

/// Where choose-tree starts (tmux's `window_tree_type`): what is expanded and current.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    Sessions,
    Windows,
    Panes,
}

/// One entry of the tree.
#[derive(Debug, Clone)]
struct Item {
    tag: Tag,
    parent: Option<usize>,
    children: Vec<usize>,
    name: String,
    text: Option<String>,
    expanded: bool,
    tagged: bool,
    /// Its line in `lines` while shown.
    line: usize,
    key: Option<KeyCode>,
    /// Never tagged (tmux `mode_tree_no_tag`).
    no_tag: bool,
    /// Previewed as its parent (tmux `mode_tree_draw_as_parent`).
    as_parent: bool,
}

/// One shown line: an item at a depth.
#[derive(Debug, Clone, Copy)]
struct Line {
    item: usize,
    depth: usize,
    last: bool,
    /// No item at this level has children (no `+`/`-` column).
    flat: bool,
}

/// The settings a choose command gives the mode.
#[derive(Debug, Clone)]
pub struct Settings {
    pub kind: Kind,
    pub format: String,
    /// `-K`; `None`: tmux's default (0-9, then M-a to M-z).
    pub key_format: Option<String>,
    pub command: String,
    pub filter: Option<String>,
    pub sort: Option<String>,
    pub reversed: bool,
    pub preview: bool,
    pub zoom: bool,
    pub start: Start,
}

/// A tree mode on one pane.
pub struct TreeMode {
    settings: Settings,
    /// What the mode draws; shown instead of the pane's own screen.
    pub screen: PaneTerm,
    /// The bytes last fed to `screen` (unchanged drawings are not fed or sent again).
    last: Vec<u8>,
    items: Vec<Item>,
    roots: Vec<usize>,
    lines: Vec<Line>,
    current: usize,
    offset: usize,
    height: usize,
    sort: usize,
    search: Option<String>,
    no_matches: bool,
    /// The window tree's preview: its scroll (`<`/`>`) and where its parts were drawn.
    strip: Strip,
    /// tmux's `zoomed`: `Some(true)` when the mode zoomed the window and unzooms it at the end.
    zoomed_here: bool,
    /// The first build makes the target current, later ones keep the current item.
    first: bool,
    /// The target the mode started on (session, window index, pane): `H` goes back to it.
    origin: (u32, u32, u32),
    /// customize-mode's own state.
    customize: customize::Customize,
}

/// The window tree's side-by-side preview (tmux's `offset`, `left`, `right`, `start`, `end`,
/// `each`).
#[derive(Debug, Clone, Copy, Default)]
struct Strip {
    offset: i64,
    left: Option<usize>,
    right: Option<usize>,
    start: usize,
    end: usize,
    each: usize,
}

/// Items kept at most (sessions, windows, panes, buffers or clients shown).
const MAX_ITEMS: usize = 100_000;

/// Start a mode on `pane` (tmux `window_pane_set_mode`): the same mode already on top stays as
/// it is, one under other modes comes back to the top as it was, else it goes over the
/// pane's other modes (another tree mode's included).
pub fn enter(state: &mut State, pane: u32, settings: Settings) {
    let Some((sid, idx)) = state.locate_pane(pane) else {
        return;
    };
    // The same mode on top stays as it is; under other modes it comes back to the top.
    if let Some(p) = state.panes.get_mut(&pane) {
        let old = p.top_mode();
        match p.place_mode(ModeKind::Tree(settings.kind)) {
            Placed::Top => return,
            Placed::Moved => {
                crate::modes::top_changed(state, pane, old);
                return;
            }
            // Off the stack again until its state is made below.
            Placed::New => p.modes.retain(|k| *k != ModeKind::Tree(settings.kind)),
        }
    }
    let zoomed_here = settings.zoom && state.zoom(sid, idx, pane);
    if zoomed_here {
        state.apply_layout(sid, idx);
    }
    let Some(p) = state.panes.get(&pane) else {
        return;
    };
    let (cols, rows) = p.term.size();
    let kind = settings.kind;
    let sort = settings
        .sort
        .as_deref()
        .and_then(|s| kind.sorts().iter().position(|n| n.eq_ignore_ascii_case(s)))
        .unwrap_or(0);
    let mode = TreeMode {
        settings,
        screen: PaneTerm::new(cols, rows, 0),
        last: Vec::new(),
        items: Vec::new(),
        roots: Vec::new(),
        lines: Vec::new(),
        current: 0,
        offset: 0,
        height: usize::from(rows),
        sort,
        search: None,
        no_matches: false,
        strip: Strip::default(),
        zoomed_here,
        first: true,
        origin: (sid, idx, pane),
        customize: customize::Customize::default(),
    };
    let Some(p) = state.panes.get_mut(&pane) else {
        return;
    };
    let old = p.top_mode();
    p.place_mode(ModeKind::Tree(kind));
    p.put_tree(Box::new(mode));
    crate::modes::top_changed(state, pane, old);
}

/// End the mode when it is on top (tmux `window_pane_reset_mode`): the mode under it, or
/// the pane's own screen, shows again.
pub fn leave(state: &mut State, pane: u32) {
    if in_mode(state, pane) {
        crate::modes::reset(state, pane);
    }
}

/// The mode was taken off the pane's stack: a zoom it made ends (tmux `mode_tree_free`).
pub(crate) fn ended(state: &mut State, pane: u32, mode: &TreeMode) {
    if mode.zoomed_here
        && let Some((sid, idx)) = state.locate_pane(pane)
        && state.unzoom(sid, idx)
    {
        state.apply_layout(sid, idx);
    }
}

/// The mode came to the top of the pane's modes: drawn anew at the pane's size, all of it to
/// the relay.
pub(crate) fn shown(state: &mut State, pane: u32) {
    if let Some(p) = state.panes.get_mut(&pane)
        && let Some(mut t) = p.take_tree()
    {
        t.last.clear();
        p.put_tree(t);
    }
    refresh(state, pane);
}

/// The mode is no longer on top: the relay gets the pane's own screen again.
pub(crate) fn hidden(state: &mut State, pane: u32) {
    let mut bytes = crate::uplink::repaint(state, pane);
    // The mode's screen hid the cursor; the repaint only hides it.
    if state
        .panes
        .get(&pane)
        .is_some_and(|p| p.term.modes().cursor_visible)
    {
        bytes.extend_from_slice(b"\x1b[?25h");
    }
    crate::uplink::pane_output(state, pane, &bytes);
}

/// Rebuild the items from the state and redraw (tmux's mode `update`, run when a client's
/// status line is redrawn and after each key), when the mode is on top.
pub fn refresh(state: &mut State, pane: u32) {
    if !in_mode(state, pane) {
        return;
    }
    let Some(mut mode) = state.panes.get_mut(&pane).and_then(|p| p.take_tree()) else {
        return;
    };
    if let Some(p) = state.panes.get(&pane) {
        let (cols, rows) = p.term.size();
        if mode.screen.size() != (cols, rows) {
            mode.screen.resize(cols, rows);
            mode.last.clear();
        }
    }
    mode.build(state);
    let ended = mode.lines.is_empty() && matches!(mode.settings.kind, Kind::Buffer | Kind::Client);
    let bytes = draw::render(&mut mode, state);
    let changed = bytes != mode.last;
    if changed {
        mode.screen.feed(&bytes);
        mode.last = bytes.clone();
    }
    if let Some(p) = state.panes.get_mut(&pane) {
        p.put_tree(mode);
    }
    if ended {
        leave(state, pane);
    } else if changed {
        crate::uplink::pane_output(state, pane, &bytes);
    }
}

/// Refresh every tree mode in the session's current window (before a client draws it).
pub fn refresh_window(state: &mut State, sid: u32) {
    let Some(s) = state.sessions.get(&sid) else {
        return;
    };
    let Some(w) = s.windows.get(&s.current) else {
        return;
    };
    let panes: Vec<u32> = w
        .pane_ids()
        .into_iter()
        .filter(|id| in_mode(state, *id))
        .collect();
    for pane in panes {
        refresh(state, pane);
    }
}

/// Whether a tree mode is on top of the pane's modes (its keys go to the mode).
pub fn in_mode(state: &State, pane: u32) -> bool {
    state
        .panes
        .get(&pane)
        .is_some_and(|p| p.tree_top().is_some())
}

/// What a key asks of the caller after the mode handled it.
enum After {
    Redraw,
    /// Leave the mode, then run these commands (tmux queues the command before the mode
    /// ends, and it runs after).
    Finish(Vec<String>),
    /// Open a prompt on the client for this mode.
    Prompt(crate::prompt::Request),
    /// Edit this buffer in the `editor` (choose-buffer's `e`).
    Edit(String),
    /// Run these commands and stay in the mode (customize-mode's changes).
    Run(Vec<Vec<String>>),
}

/// A key for the pane's tree mode (tmux `window_pane_key` to the mode's key handler).
pub fn key(
    shared: &std::sync::Arc<Shared>,
    st: &mut State,
    ctx: &ClientInfo,
    pane: u32,
    k: KeyCode,
) {
    let Some(mut mode) = st.panes.get_mut(&pane).and_then(|p| p.take_tree()) else {
        return;
    };
    let before = mode.current_item().map(|i| i.tag.clone());
    let after = mode.key(st, pane, k);
    // Another item: the preview starts unscrolled (tmux resets its offset).
    if mode.current_item().map(|i| &i.tag) != before.as_ref() {
        mode.strip.offset = 0;
    }
    if let Some(p) = st.panes.get_mut(&pane) {
        p.put_tree(mode);
    }
    apply(shared, st, ctx, pane, after);
}

/// What the caller does after the mode handled a key or a click.
fn apply(
    shared: &std::sync::Arc<Shared>,
    st: &mut State,
    ctx: &ClientInfo,
    pane: u32,
    after: After,
) {
    apply_after(shared, st, ctx, pane, after);
    // The hooks the mode raised (pane-mode-changed) run now, as after a command.
    crate::hooks::drain(shared, st);
}

fn apply_after(
    shared: &std::sync::Arc<Shared>,
    st: &mut State,
    ctx: &ClientInfo,
    pane: u32,
    after: After,
) {
    match after {
        After::Redraw => refresh(st, pane),
        After::Finish(commands) => {
            leave(st, pane);
            run_lines(shared, st, ctx, &commands);
        }
        After::Prompt(request) => {
            if let Some(c) = ctx.attached.and_then(|id| st.clients.get(&id)) {
                let _ = c
                    .events
                    .try_send(crate::state::ClientEvent::Overlay(request));
            }
            refresh(st, pane);
        }
        After::Edit(name) => {
            if let Some(client) = ctx.attached {
                edit::start(shared, st, client, pane, &name);
            }
        }
        After::Run(commands) => {
            run_commands(shared, st, ctx, Ok(commands));
            refresh(st, pane);
        }
    }
}

/// A mouse event for the pane's tree mode (tmux `mode_tree_key` with a mouse key): a press
/// on a line makes it current, a double click chooses it. tmux 3.3a returns before its wheel
/// cases for any mouse key, so the wheel does nothing.
pub fn mouse(
    shared: &std::sync::Arc<Shared>,
    st: &mut State,
    ctx: &ClientInfo,
    pane: u32,
    m: &crate::mouse::MouseInfo,
) {
    let Some(mut mode) = st.panes.get_mut(&pane).and_then(|p| p.take_tree()) else {
        return;
    };
    // Presses of the left or right button (tmux's MouseDown1Pane, MouseDown3Pane).
    let press = m.button & (64 | 32) == 0 && !m.release && (m.button & 3) != 1;
    let mut after = After::Redraw;
    if let (true, Ok(x), Ok(y)) = (press, usize::try_from(m.x), usize::try_from(m.y)) {
        let width = usize::from(mode.screen.size().0);
        let outside = x > width || y > mode.height;
        // MouseDown3 (not a SecondClick3): the mode's menu (on a line, after making it
        // current).
        if m.button & 3 == 2 && m.event == crate::mouse::MOUSE_DOWN3 {
            if !outside && mode.offset + y < mode.lines.len() {
                mode.current = mode.offset + y;
            }
            let request = menu::request(st, &mode, pane, (x, y), outside);
            if let Some(c) = ctx.attached.and_then(|id| st.clients.get(&id)) {
                let _ = c
                    .events
                    .try_send(crate::state::ClientEvent::Menu(Box::new(request)));
            }
        } else if outside {
            if m.button & 3 == 0 && mode.settings.preview && mode.settings.kind == Kind::Tree {
                after = mode.preview_click(st, x);
            }
        } else if mode.offset + y < mode.lines.len() {
            mode.current = mode.offset + y;
            if m.event == crate::mouse::DOUBLE_CLICK1 {
                // tmux hands the mode Enter.
                after = mode.mode_key(st, pane, KeyCode::ENTER);
            }
        }
    }
    if let Some(p) = st.panes.get_mut(&pane) {
        p.put_tree(mode);
    }
    apply(shared, st, ctx, pane, after);
}

/// Parse and run command lines as the client; errors go to its status line as tmux's
/// `mode_tree_run_command` shows them.
fn run_lines(shared: &std::sync::Arc<Shared>, st: &mut State, ctx: &ClientInfo, lines: &[String]) {
    for line in lines {
        run_commands(shared, st, ctx, crate::parse::parse_line(line));
    }
}

/// Run a parsed command list (or show why there is none) as [`run_lines`] does.
fn run_commands(
    shared: &std::sync::Arc<Shared>,
    st: &mut State,
    ctx: &ClientInfo,
    commands: Result<Vec<Vec<String>>, String>,
) {
    let r = match commands {
        Ok(cmds) if cmds.is_empty() => return,
        Ok(cmds) => crate::cmd::run_list(shared, st, ctx, &cmds),
        Err(e) => CmdResult::error(e),
    };
    if r.kill_server {
        shared.shutdown.notify_one();
    }
    if let Some(err) = r.err.lines().next()
        && let Some(c) = ctx.attached.and_then(|id| st.clients.get(&id))
    {
        let mut chars = err.chars();
        let text: String = chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default();
        let _ = c
            .events
            .try_send(crate::state::ClientEvent::Message(text, 750));
    }
}

/// The prompts a tree mode opens; their answers come back through [`prompt_answer`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModePrompt {
    Filter,
    Search,
    /// `:`: a command for the current or tagged items.
    Command,
    KillCurrent,
    KillTagged,
    /// customize-mode: a value for the option or key field the mode remembers.
    Customize,
    /// customize-mode's `d`, `D`, `u` and `U`.
    ResetCurrent,
    ResetTagged,
    UnsetCurrent,
    UnsetTagged,
}

/// A prompt's answer for the mode on `pane` (tmux's mode-tree and window-tree callbacks).
pub fn prompt_answer(
    shared: &std::sync::Arc<Shared>,
    st: &mut State,
    ctx: &ClientInfo,
    pane: u32,
    what: ModePrompt,
    answer: &str,
) {
    let Some(mut mode) = st.panes.get_mut(&pane).and_then(|p| p.take_tree()) else {
        return;
    };
    let mut commands = Vec::new();
    let mut parsed = Ok(Vec::new());
    let yes = answer.len() == 1 && answer.eq_ignore_ascii_case("y");
    match what {
        ModePrompt::Customize => parsed = mode.customize_answer(st, answer),
        ModePrompt::ResetCurrent | ModePrompt::ResetTagged if yes => {
            parsed = Ok(mode.customize_change(st, true, what == ModePrompt::ResetTagged));
        }
        ModePrompt::UnsetCurrent | ModePrompt::UnsetTagged if yes => {
            parsed = Ok(mode.customize_change(st, false, what == ModePrompt::UnsetTagged));
        }
        ModePrompt::Filter => {
            mode.settings.filter = (!answer.is_empty()).then(|| answer.to_string());
        }
        ModePrompt::Search => {
            mode.search = (!answer.is_empty()).then(|| answer.to_string());
            mode.search_next(st);
        }
        ModePrompt::Command if !answer.is_empty() => {
            for target in mode.targets_tagged_or_current(st) {
                commands.push(crate::prompt::template_replace(answer, &target, 1));
            }
        }
        ModePrompt::KillCurrent | ModePrompt::KillTagged
            if answer.len() == 1 && answer.eq_ignore_ascii_case("y") =>
        {
            let tags = if what == ModePrompt::KillCurrent {
                mode.current_item()
                    .map(|i| vec![i.tag.clone()])
                    .unwrap_or_default()
            } else {
                mode.tagged_or_current(true)
            };
            if let Some(p) = st.panes.get_mut(&pane) {
                p.put_tree(mode);
            }
            for tag in tags {
                kill(st, &tag);
            }
            refresh(st, pane);
            return;
        }
        _ => {}
    }
    if let Some(p) = st.panes.get_mut(&pane) {
        p.put_tree(mode);
    }
    run_lines(shared, st, ctx, &commands);
    run_commands(shared, st, ctx, parsed);
    refresh(st, pane);
    crate::hooks::drain(shared, st);
}

/// `x`/`X` in choose-tree: kill the session, window or pane (tmux `window_tree_kill_each`).
fn kill(st: &mut State, tag: &Tag) {
    match tag {
        Tag::Session(sid) => st.remove_session(*sid),
        Tag::Window(sid, idx) => st.remove_window(*sid, *idx),
        Tag::Pane(id) => st.remove_pane(*id),
        _ => {}
    }
}

impl TreeMode {
    /// Which of the tree modes it is.
    pub fn kind(&self) -> Kind {
        self.settings.kind
    }

    fn current_item(&self) -> Option<&Item> {
        let line = self.lines.get(self.current)?;
        self.items.get(line.item)
    }

    /// The tags of the tagged items, else the current one when `current` says so (tmux
    /// `mode_tree_each_tagged`).
    fn tagged_or_current(&self, current: bool) -> Vec<Tag> {
        let tagged: Vec<Tag> = self
            .lines
            .iter()
            .filter_map(|l| self.items.get(l.item))
            .filter(|i| i.tagged)
            .map(|i| i.tag.clone())
            .collect();
        if tagged.is_empty() && current {
            return self
                .current_item()
                .map(|i| vec![i.tag.clone()])
                .unwrap_or_default();
        }
        tagged
    }

    fn targets_tagged_or_current(&self, st: &State) -> Vec<String> {
        self.tagged_or_current(true)
            .iter()
            .filter_map(|t| target_of(st, t))
            .collect()
    }

    fn count_tagged(&self) -> usize {
        self.lines
            .iter()
            .filter(|l| self.items.get(l.item).is_some_and(|i| i.tagged))
            .count()
    }

    fn up(&mut self, wrap: bool) {
        if self.current == 0 {
            if wrap {
                self.current = self.lines.len().saturating_sub(1);
                if self.lines.len() >= self.height {
                    self.offset = self.lines.len() - self.height;
                }
            }
        } else {
            self.current -= 1;
            if self.current < self.offset {
                self.offset = self.offset.saturating_sub(1);
            }
        }
    }

    fn down(&mut self, wrap: bool) {
        if self.current + 1 >= self.lines.len() {
            if wrap {
                self.current = 0;
                self.offset = 0;
            }
        } else {
            self.current += 1;
            if self.current + 1 > self.offset + self.height {
                self.offset += 1;
            }
        }
    }

    /// Make the item with `tag` current (tmux `mode_tree_set_current`).
    fn set_current(&mut self, tag: &Tag) -> bool {
        let found = self
            .lines
            .iter()
            .position(|l| self.items.get(l.item).is_some_and(|i| i.tag == *tag));
        match found {
            Some(n) => {
                self.current = n;
                self.offset = (n + 1).saturating_sub(self.height);
                true
            }
            None => {
                self.current = 0;
                self.offset = 0;
                false
            }
        }
    }

    fn set_expanded(&mut self, tag: &Tag, expanded: bool) {
        if let Some(i) = self.items.iter_mut().find(|i| i.tag == *tag) {
            i.expanded = expanded;
        }
    }

    /// `n` and the search prompt: the next item matching the search, its parents expanded.
    fn search_next(&mut self, st: &State) {
        let Some(search) = self.search.clone() else {
            return;
        };
        let Some(start) = self.lines.get(self.current).map(|l| l.item) else {
            return;
        };
        let order = self.preorder();
        let Some(pos) = order.iter().position(|i| *i == start) else {
            return;
        };
        let n = order.len();
        let found = (1..n)
            .filter_map(|k| order.get((pos + k) % n).copied())
            .find(|i| {
                self.items
                    .get(*i)
                    .is_some_and(|it| build::matches(st, it, &search))
            });
        let Some(found) = found else {
            return;
        };
        let mut parent = self.items.get(found).and_then(|i| i.parent);
        while let Some(p) = parent {
            if let Some(it) = self.items.get_mut(p) {
                it.expanded = true;
                parent = it.parent;
            } else {
                break;
            }
        }
        let tag = self.items.get(found).map(|i| i.tag.clone());
        self.build(st);
        if let Some(tag) = tag {
            self.set_current(&tag);
        }
    }

    /// Every item, parents before children, in tree order.
    fn preorder(&self) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack: Vec<usize> = self.roots.iter().rev().copied().collect();
        while let Some(i) = stack.pop() {
            out.push(i);
            if let Some(it) = self.items.get(i) {
                stack.extend(it.children.iter().rev().copied());
            }
        }
        out
    }

    /// A key (tmux `mode_tree_key` and the mode's own keys).
    fn key(&mut self, st: &mut State, pane: u32, k: KeyCode) -> After {
        if let Some(choice) = self
            .lines
            .iter()
            .position(|l| self.items.get(l.item).is_some_and(|i| i.key == Some(k)))
        {
            self.current = choice;
            // tmux turns a choice key into Enter for the mode.
            return self.mode_key(st, pane, KeyCode::ENTER);
        }
        if let Some(after) = self.tree_key(st, k) {
            return after;
        }
        self.mode_key(st, pane, k)
    }

    /// Keys every tree mode shares (`mode_tree_key`); `None` for the mode's own keys.
    fn tree_key(&mut self, st: &mut State, k: KeyCode) -> Option<After> {
        let c = k.0;
        let last = self.lines.len().saturating_sub(1);
        match c {
            _ if k == KeyCode::UP || c == u64::from(b'k') || c == 0x10 => self.up(true),
            _ if k == KeyCode::DOWN || c == u64::from(b'j') || c == 0x0e => self.down(true),
            _ if k == KeyCode::PPAGE || c == 0x02 => {
                for _ in 0..self.height {
                    if self.current == 0 {
                        break;
                    }
                    self.up(true);
                }
            }
            _ if k == KeyCode::NPAGE || c == 0x06 => {
                for _ in 0..self.height {
                    if self.current == last {
                        break;
                    }
                    self.down(true);
                }
            }
            _ if k == KeyCode::HOME || c == u64::from(b'g') => {
                self.current = 0;
                self.offset = 0;
            }
            _ if k == KeyCode::END || c == u64::from(b'G') => {
                self.current = last;
                self.offset = (last + 1).saturating_sub(self.height);
            }
            _ if c == u64::from(b'q') || k == KeyCode::ESCAPE || c == 0x07 => {
                return Some(After::Finish(Vec::new()));
            }
            _ if c == u64::from(b't') => self.toggle_tag(),
            _ if c == u64::from(b'T') => self.items.iter_mut().for_each(|i| i.tagged = false),
            0x14 => self.tag_all(),
            _ if c == u64::from(b'O') => {
                self.sort = (self.sort + 1) % self.settings.kind.sorts().len().max(1);
                self.build(st);
            }
            _ if c == u64::from(b'r') => {
                self.settings.reversed = !self.settings.reversed;
                self.build(st);
            }
            _ if k == KeyCode::LEFT || c == u64::from(b'h') || c == u64::from(b'-') => {
                self.collapse(st);
            }
            _ if k == KeyCode::RIGHT || c == u64::from(b'l') || c == u64::from(b'+') => {
                self.expand(st);
            }
            _ if c == u64::from(b'-') | KeyCode::META || c == u64::from(b'+') | KeyCode::META => {
                let open = c & 0xff == u64::from(b'+');
                for r in self.roots.clone() {
                    if let Some(i) = self.items.get_mut(r) {
                        i.expanded = open;
                    }
                }
                self.build(st);
            }
            _ if c == u64::from(b'?') || c == u64::from(b'/') || c == 0x13 => {
                return Some(self.prompt("(search) ", "", ModePrompt::Search, false));
            }
            _ if c == u64::from(b'n') => self.search_next(st),
            _ if c == u64::from(b'f') => {
                let input = self.settings.filter.clone().unwrap_or_default();
                return Some(self.prompt("(filter) ", &input, ModePrompt::Filter, false));
            }
            _ if c == u64::from(b'v') => {
                self.settings.preview = !self.settings.preview;
                self.build(st);
            }
            _ => return None,
        }
        Some(After::Redraw)
    }

    fn toggle_tag(&mut self) {
        let Some(cur) = self.lines.get(self.current).map(|l| l.item) else {
            return;
        };
        if self.items.get(cur).is_some_and(|i| i.no_tag) {
            return;
        }
        let tagged = self.items.get(cur).is_some_and(|i| i.tagged);
        if !tagged {
            // Parents and children are never tagged together.
            let mut parent = self.items.get(cur).and_then(|i| i.parent);
            while let Some(p) = parent {
                parent = self.items.get_mut(p).and_then(|i| {
                    i.tagged = false;
                    i.parent
                });
            }
            let mut stack = self
                .items
                .get(cur)
                .map(|i| i.children.clone())
                .unwrap_or_default();
            while let Some(c) = stack.pop() {
                if let Some(i) = self.items.get_mut(c) {
                    i.tagged = false;
                    stack.extend(i.children.iter().copied());
                }
            }
        }
        if let Some(i) = self.items.get_mut(cur) {
            i.tagged = !tagged;
        }
        // tmux moves down whenever the key came with its (key or mouse) event.
        self.down(false);
    }

    fn tag_all(&mut self) {
        let shown: Vec<usize> = self.lines.iter().map(|l| l.item).collect();
        for i in shown {
            // Top items, or the children of items never tagged (tmux's `C-t`).
            let tag = self.items.get(i).is_some_and(|it| match it.parent {
                None => !it.no_tag,
                Some(p) => self.items.get(p).is_some_and(|p| p.no_tag),
            });
            if let Some(it) = self.items.get_mut(i) {
                it.tagged = tag;
            }
        }
    }

    fn collapse(&mut self, st: &State) {
        let Some(line) = self.lines.get(self.current).copied() else {
            return;
        };
        let mut target = Some(line.item);
        let expanded = self.items.get(line.item).is_some_and(|i| i.expanded);
        if line.flat || !expanded {
            target = self.items.get(line.item).and_then(|i| i.parent);
        }
        match target {
            None => self.up(false),
            Some(t) => {
                let Some(it) = self.items.get_mut(t) else {
                    return;
                };
                it.expanded = false;
                let tag = it.tag.clone();
                self.build(st);
                self.set_current(&tag);
            }
        }
    }

    fn expand(&mut self, st: &State) {
        let Some(line) = self.lines.get(self.current).copied() else {
            return;
        };
        let expanded = self.items.get(line.item).is_some_and(|i| i.expanded);
        if line.flat || expanded {
            self.down(false);
        } else if let Some(it) = self.items.get_mut(line.item) {
            it.expanded = true;
            self.build(st);
        }
    }

    fn prompt(&self, prompt: &str, input: &str, what: ModePrompt, single: bool) -> After {
        let pane = self.origin.2;
        After::Prompt(crate::prompt::Request::Prompt(crate::prompt::PromptSpec {
            prompts: vec![(prompt.to_string(), input.to_string())],
            action: crate::prompt::Action::Mode { pane, what },
            mode: if single {
                crate::prompt::Mode::Single
            } else {
                crate::prompt::Mode::Line
            },
            // tmux's mode-tree search and filter prompts keep the search history.
            kind: if matches!(what, ModePrompt::Search | ModePrompt::Filter) {
                crate::prompt::PromptType::Search
            } else {
                crate::prompt::PromptType::Command
            },
            waiter: crate::prompt::Waiter::default(),
        }))
    }

    /// A left click in the window tree's preview (tmux `window_tree_mouse`): the arrows
    /// scroll, a click on a window or pane there expands the item, makes the part current and
    /// runs the template.
    fn preview_click(&mut self, st: &State, x: usize) -> After {
        let s = self.strip;
        if s.left.is_some_and(|l| x <= l) {
            self.strip.offset -= 1;
            return After::Redraw;
        }
        if s.right.is_some_and(|r| x >= r) {
            self.strip.offset += 1;
            return After::Redraw;
        }
        let x = match s.left {
            Some(l) => x.saturating_sub(l),
            None => x.saturating_sub(1),
        };
        let n = if x == 0 || s.end == 0 {
            0
        } else {
            let n = x / s.each.max(1);
            if s.start + n >= s.end { s.end - 1 } else { n }
        };
        let nth = s.start + n;
        let Some(tag) = self.current_item().map(|i| i.tag.clone()) else {
            return After::Redraw;
        };
        let target = match tag {
            Tag::Session(sid) => st
                .sessions
                .get(&sid)
                .and_then(|se| se.windows.keys().nth(nth))
                .map(|idx| Tag::Window(sid, *idx)),
            Tag::Window(sid, idx) => st
                .window(sid, idx)
                .and_then(|w| w.pane_ids().get(nth).copied())
                .map(Tag::Pane),
            _ => return After::Redraw,
        };
        let was_expanded = self.current_item().is_some_and(|i| i.expanded);
        self.set_expanded(&tag, true);
        self.build(st);
        if let Some(t) = target {
            self.set_current(&t);
        }
        // tmux runs the template on the item that was current before the click (its
        // `window_tree_key` took the item first): the session or window, not the part; when
        // the click expanded it, tmux's rebuild freed that item and nothing is chosen (the
        // mode just ends).
        if !was_expanded {
            return After::Finish(Vec::new());
        }
        self.choose_tag(st, Some(tag))
    }

    /// Enter or a choice key: run the template on the current item.
    fn choose(&self, st: &State) -> After {
        let tag = self.current_item().map(|i| i.tag.clone());
        self.choose_tag(st, tag)
    }

    /// The template run on an item's target (a session, window, pane, buffer or client).
    fn choose_tag(&self, st: &State, tag: Option<Tag>) -> After {
        let target = tag.and_then(|t| target_of(st, &t));
        After::Finish(
            target
                .map(|t| {
                    vec![crate::prompt::template_replace(
                        &self.settings.command,
                        &t,
                        1,
                    )]
                })
                .unwrap_or_default(),
        )
    }

    /// The mode's own keys (window-tree, window-buffer, window-client).
    fn mode_key(&mut self, st: &mut State, pane: u32, k: KeyCode) -> After {
        let c = k.0;
        if k == KeyCode::ENTER && self.settings.kind != Kind::Customize {
            return self.choose(st);
        }
        match self.settings.kind {
            Kind::Tree => self.window_tree_key(st, pane, c),
            Kind::Buffer => self.buffer_key(st, c),
            Kind::Client => self.client_key(st, c),
            Kind::Customize => self.customize_key(st, if k == KeyCode::ENTER { 13 } else { c }),
        }
    }

    fn window_tree_key(&mut self, st: &mut State, pane: u32, c: u64) -> After {
        match u8::try_from(c).map(char::from) {
            Ok('<') => self.strip.offset -= 1,
            Ok('>') => self.strip.offset += 1,
            Ok('H') => {
                let (sid, idx, _) = self.origin;
                self.set_expanded(&Tag::Session(sid), true);
                self.set_expanded(&Tag::Window(sid, idx), true);
                self.build(st);
                if !self.set_current(&Tag::Pane(pane)) {
                    self.set_current(&Tag::Window(sid, idx));
                }
            }
            Ok('x') => {
                let Some(tag) = self.current_item().map(|i| i.tag.clone()) else {
                    return After::Redraw;
                };
                let prompt = match tag {
                    Tag::Session(sid) => st
                        .sessions
                        .get(&sid)
                        .map(|s| format!("Kill session {}? ", s.name)),
                    Tag::Window(_, idx) => Some(format!("Kill window {idx}? ")),
                    Tag::Pane(id) => pane_number(st, id).map(|n| format!("Kill pane {n}? ")),
                    _ => None,
                };
                if let Some(p) = prompt {
                    return self.prompt(&p, "", ModePrompt::KillCurrent, true);
                }
            }
            Ok('X') => {
                let n = self.count_tagged();
                if n != 0 {
                    return self.prompt(
                        &format!("Kill {n} tagged? "),
                        "",
                        ModePrompt::KillTagged,
                        true,
                    );
                }
            }
            // tmux `window_tree_pull_item`: a session's current window's active pane, a
            // window's active pane, or the pane.
            Ok('m') => {
                let item = self.current_item().and_then(|i| pulled_pane(st, &i.tag));
                if let Some((sid, idx, pane)) = item {
                    st.set_marked(sid, idx, pane);
                }
                self.build(st);
            }
            Ok('M') => {
                st.marked = None;
                self.build(st);
            }
            Ok(':') => {
                let n = self.count_tagged();
                let p = if n == 0 {
                    "(current) ".to_string()
                } else {
                    format!("({n} tagged) ")
                };
                return self.prompt(&p, "", ModePrompt::Command, false);
            }
            _ => {}
        }
        After::Redraw
    }

    fn buffer_key(&mut self, st: &mut State, c: u64) -> After {
        let names = |tags: Vec<Tag>| -> Vec<String> {
            tags.into_iter()
                .filter_map(|t| match t {
                    Tag::Buffer(n) => Some(n),
                    _ => None,
                })
                .collect()
        };
        match u8::try_from(c).map(char::from) {
            Ok('d') => {
                let cur = self
                    .current_item()
                    .map(|i| vec![i.tag.clone()])
                    .unwrap_or_default();
                self.down(false);
                for n in names(cur) {
                    st.buffers.remove(&n);
                }
            }
            Ok('D') => {
                for n in names(self.tagged_or_current(false)) {
                    st.buffers.remove(&n);
                }
            }
            Ok('p') => {
                let cur = self
                    .current_item()
                    .map(|i| vec![i.tag.clone()])
                    .unwrap_or_default();
                return self.paste(st, names(cur));
            }
            Ok('P') => return self.paste(st, names(self.tagged_or_current(false))),
            Ok('e') => {
                let cur = self.current_item().map(|i| vec![i.tag.clone()]);
                if let Some(name) = names(cur.unwrap_or_default()).pop() {
                    return After::Edit(name);
                }
            }
            _ => {}
        }
        if st.buffers.top().is_none() {
            return After::Finish(Vec::new());
        }
        After::Redraw
    }

    fn paste(&self, st: &State, names: Vec<String>) -> After {
        After::Finish(
            names
                .into_iter()
                .filter(|n| st.buffers.get(n).is_some())
                .map(|n| crate::prompt::template_replace(&self.settings.command, &n, 1))
                .collect(),
        )
    }

    fn client_key(&mut self, st: &mut State, c: u64) -> After {
        let ids = |tags: Vec<Tag>| -> Vec<u32> {
            tags.into_iter()
                .filter_map(|t| match t {
                    Tag::Client(n) => Some(n),
                    _ => None,
                })
                .collect()
        };
        match u8::try_from(c).map(char::from) {
            Ok('d' | 'x' | 'z') => {
                let cur = self
                    .current_item()
                    .map(|i| vec![i.tag.clone()])
                    .unwrap_or_default();
                for id in ids(cur) {
                    detach(st, id);
                }
            }
            Ok('D' | 'X' | 'Z') => {
                for id in ids(self.tagged_or_current(false)) {
                    detach(st, id);
                }
            }
            _ => {}
        }
        After::Redraw
    }
}

/// Detach an attached client (tmux `server_client_detach`).
fn detach(st: &State, id: u32) {
    if let Some(c) = st.clients.get(&id) {
        let _ = c.events.try_send(crate::state::ClientEvent::Detach);
    }
}

/// A pane's index in its window plus `pane-base-index`.
fn pane_number(st: &State, pane: u32) -> Option<u32> {
    let (sid, idx) = st.locate_pane(pane)?;
    let w = st.window(sid, idx)?;
    let n = u32::try_from(w.pane_index(pane)?).ok()?;
    let base = u32::try_from(st.option_num(sid, idx, "pane-base-index")).unwrap_or(0);
    Some(n.saturating_add(base))
}

/// The session, window and pane an item stands for (tmux `window_tree_pull_item`).
fn pulled_pane(st: &State, tag: &Tag) -> Option<(u32, u32, u32)> {
    match tag {
        Tag::Session(sid) => {
            let s = st.sessions.get(sid)?;
            Some((*sid, s.current, s.windows.get(&s.current)?.active))
        }
        Tag::Window(sid, idx) => Some((*sid, *idx, st.window(*sid, *idx)?.active)),
        Tag::Pane(id) => {
            let (sid, idx) = st.locate_pane(*id)?;
            Some((sid, idx, *id))
        }
        _ => None,
    }
}

/// The target an item's command gets (tmux `window_tree_get_target`).
fn target_of(st: &State, tag: &Tag) -> Option<String> {
    match tag {
        Tag::Session(sid) => Some(format!("={}:", st.sessions.get(sid)?.name)),
        Tag::Window(sid, idx) => {
            let s = st.sessions.get(sid)?;
            s.windows.get(idx)?;
            Some(format!("={}:{idx}.", s.name))
        }
        Tag::Pane(id) => {
            let (sid, idx) = st.locate_pane(*id)?;
            Some(format!("={}:{idx}.%{id}", st.sessions.get(&sid)?.name))
        }
        Tag::Buffer(name) => Some(name.clone()),
        Tag::Client(id) => Some(build::client_name(st, *id)),
        _ => None,
    }
}

/// Remembered item state across a rebuild (tmux keeps the old items as `saved`).
type Saved = HashMap<Tag, (bool, bool)>;
