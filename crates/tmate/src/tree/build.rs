//! The items of a tree mode, built from the state as tmux 3.3a's build callbacks do:
//! sessions, windows and panes (`window-tree.c`, with `-f` filters and the sort orders), paste
//! buffers (`window-buffer.c`) and attached clients (`window-client.c`); the line list with
//! each line's choice key (`mode_tree_build_lines`); search matches.

use tmate_proto::KeyCode;

use super::{Item, Kind, Line, MAX_ITEMS, Saved, Start, Tag, TreeMode};
use crate::format::{Ctx, Kind as FormatKind, expand_as, truthy, with_vars};
use crate::state::State;

/// tmux's WINDOW_TREE_DEFAULT_FORMAT.
pub const TREE_FORMAT: &str = concat!(
    "#{?pane_format,",
    "#{?pane_marked,#[reverse],}",
    "#{pane_current_command}#{?pane_active,*,}#{?pane_marked,M,}",
    "#{?#{&&:#{pane_title},#{!=:#{pane_title},#{host_short}}},: \"#{pane_title}\",}",
    ",",
    "#{?window_format,",
    "#{?window_marked_flag,#[reverse],}",
    "#{window_name}#{window_flags}",
    "#{?#{&&:#{==:#{window_panes},1},#{&&:#{pane_title},#{!=:#{pane_title},#{host_short}}}},: \"#{pane_title}\",}",
    ",",
    "#{session_windows} windows",
    "#{?session_grouped, ",
    "(group #{session_group}: ",
    "#{session_group_list}),",
    "}",
    "#{?session_attached, (attached),}",
    "}",
    "}"
);
/// tmux's WINDOW_TREE_DEFAULT_COMMAND.
pub const TREE_COMMAND: &str = "switch-client -Zt '%%'";
/// tmux's WINDOW_BUFFER_DEFAULT_FORMAT and _COMMAND.
pub const BUFFER_FORMAT: &str = "#{t/p:buffer_created}: #{buffer_sample}";
pub const BUFFER_COMMAND: &str = "paste-buffer -b '%%'";
/// tmux's WINDOW_CLIENT_DEFAULT_FORMAT and _COMMAND.
pub const CLIENT_FORMAT: &str = "#{t/p:client_activity}: session #{session_name}";
pub const CLIENT_COMMAND: &str = "detach-client -t '%%'";

/// A client's name (its terminal's path).
pub fn client_name(st: &State, id: u32) -> String {
    st.clients
        .get(&id)
        .map_or_else(|| format!("client-{id}"), |c| c.name.clone())
}

fn session_ctx(sid: u32) -> Ctx {
    Ctx {
        session: sid,
        window: u32::MAX,
        pane: u32::MAX,
    }
}

/// The format context of a session (its current window and pane), a window (its active
/// pane) or a pane, as tmux's `format_defaults` fills in what was not given.
fn ctx_of(st: &State, sid: u32, idx: Option<u32>, pane: Option<u32>) -> Ctx {
    let Some(s) = st.sessions.get(&sid) else {
        return session_ctx(sid);
    };
    let idx = idx.unwrap_or(s.current);
    let pane = pane
        .or_else(|| s.windows.get(&idx).map(|w| w.active))
        .unwrap_or(u32::MAX);
    Ctx {
        session: sid,
        window: idx,
        pane,
    }
}

impl TreeMode {
    /// tmux `mode_tree_build`: the items again (a filter that matches nothing shows
    /// everything, with `no matches`), the lines, the current line kept on the same item.
    pub(super) fn build(&mut self, st: &State) {
        let keep = self.current_item().map(|i| i.tag.clone());
        let saved: Saved = self
            .items
            .iter()
            .map(|i| (i.tag.clone(), (i.expanded, i.tagged)))
            .collect();
        let filter = self.settings.filter.clone();
        self.fill(st, &saved, filter.as_deref());
        self.no_matches = self.roots.is_empty();
        if self.no_matches && filter.is_some() {
            self.fill(st, &saved, None);
        }
        self.build_lines(st);
        let tag = if self.first {
            self.first = false;
            let tag = self.start_tag(st).or(keep);
            // tmux's type is NONE after the first build: items new later start expanded.
            self.settings.start = Start::Panes;
            tag
        } else {
            keep
        };
        match tag {
            Some(t) => {
                self.set_current(&t);
            }
            None => {
                self.current = 0;
                self.offset = 0;
            }
        }
        let rows = usize::from(self.screen.size().1);
        self.height = if self.settings.preview && self.settings.kind == Kind::Customize {
            // tmux's `window_customize_height`: twelve rows for the preview.
            fixed_preview_height(rows, 12)
        } else if self.settings.preview {
            preview_height(rows, self.lines.len())
        } else {
            rows
        };
        if self.current + 1 > self.height {
            self.offset = self.current + 1 - self.height;
        }
    }

    /// The item the mode starts on (tmux's `fs` for the tree, none for the others).
    fn start_tag(&self, st: &State) -> Option<Tag> {
        if self.settings.kind != Kind::Tree {
            return None;
        }
        let (sid, idx, pane) = self.origin;
        Some(match self.settings.start {
            Start::Sessions => Tag::Session(sid),
            Start::Windows => Tag::Window(sid, idx),
            Start::Panes => {
                if st.window(sid, idx).is_some_and(|w| w.pane_ids().len() == 1) {
                    Tag::Window(sid, idx)
                } else {
                    Tag::Pane(pane)
                }
            }
        })
    }

    fn fill(&mut self, st: &State, saved: &Saved, filter: Option<&str>) {
        self.items.clear();
        self.roots.clear();
        match self.settings.kind {
            Kind::Tree => self.fill_tree(st, saved, filter),
            Kind::Buffer => self.fill_buffers(st, saved, filter),
            Kind::Client => self.fill_clients(st, saved, filter),
            Kind::Customize => self.fill_customize(st, saved, filter),
        }
    }

    /// tmux `mode_tree_add`: a remembered item keeps its expanded (and, with its parent
    /// expanded, tagged) state.
    pub(super) fn add(
        &mut self,
        saved: &Saved,
        parent: Option<usize>,
        tag: Tag,
        name: String,
        text: Option<String>,
        expanded: bool,
    ) -> Option<usize> {
        if self.items.len() >= MAX_ITEMS {
            return None;
        }
        let parent_open = parent
            .and_then(|p| self.items.get(p))
            .is_none_or(|p| p.expanded);
        let (expanded, tagged) = match saved.get(&tag) {
            Some((e, t)) => (*e, parent_open && *t),
            None => (expanded, false),
        };
        let id = self.items.len();
        self.items.push(Item {
            tag,
            parent,
            children: Vec::new(),
            name,
            text,
            expanded,
            tagged,
            line: 0,
            key: None,
            no_tag: false,
            as_parent: false,
        });
        match parent.and_then(|p| self.items.get_mut(p)) {
            Some(p) => p.children.push(id),
            None => self.roots.push(id),
        }
        Some(id)
    }

    /// Drop the last added item (tmux `mode_tree_remove` of an empty window or session).
    fn remove_last(&mut self, id: usize) {
        if let Some(parent) = self.items.get(id).and_then(|i| i.parent) {
            if let Some(p) = self.items.get_mut(parent) {
                p.children.retain(|c| *c != id);
            }
        } else {
            self.roots.retain(|c| *c != id);
        }
        self.items.truncate(id);
    }

    fn fill_tree(&mut self, st: &State, saved: &Saved, filter: Option<&str>) {
        let mut sessions: Vec<u32> = st.sessions.keys().copied().collect();
        let (sort, rev) = (self.sort, self.settings.reversed);
        sessions.sort_by(|a, b| {
            let (sa, sb) = (st.sessions.get(a), st.sessions.get(b));
            let o = match sort {
                0 => a.cmp(b),
                1 => sa.map(|s| &s.name).cmp(&sb.map(|s| &s.name)),
                _ => sb
                    .map(|s| s.activity)
                    .cmp(&sa.map(|s| s.activity))
                    .then_with(|| sa.map(|s| &s.name).cmp(&sb.map(|s| &s.name))),
            };
            if rev { o.reverse() } else { o }
        });
        for sid in sessions {
            self.fill_session(st, saved, sid, filter);
        }
    }

    fn fill_session(&mut self, st: &State, saved: &Saved, sid: u32, filter: Option<&str>) {
        let Some(s) = st.sessions.get(&sid) else {
            return;
        };
        let text = expand_as(
            st,
            ctx_of(st, sid, None, None),
            FormatKind::Session,
            &self.settings.format,
        );
        let expanded = self.settings.start != Start::Sessions;
        let Some(item) = self.add(
            saved,
            None,
            Tag::Session(sid),
            s.name.clone(),
            Some(text),
            expanded,
        ) else {
            return;
        };
        let mut windows: Vec<u32> = s.windows.keys().copied().collect();
        let (sort, rev) = (self.sort, self.settings.reversed);
        let name = |idx: &u32| crate::format::window_name(st, sid, *idx);
        let latest = |idx: &u32| st.window(sid, *idx).map(|w| w.activity.latest);
        // tmux `window_tree_cmp_window`: index, name, or the most recent activity first
        // (then by name).
        windows.sort_by(|a, b| {
            let o = match sort {
                0 => a.cmp(b),
                1 => name(a).cmp(&name(b)),
                _ => latest(b)
                    .cmp(&latest(a))
                    .then_with(|| name(a).cmp(&name(b))),
            };
            if rev { o.reverse() } else { o }
        });
        let total = windows.len();
        let mut empty = 0;
        for idx in windows {
            if !self.fill_window(st, saved, sid, idx, item, filter) {
                empty += 1;
            }
        }
        if empty == total {
            self.remove_last(item);
        }
    }

    fn fill_window(
        &mut self,
        st: &State,
        saved: &Saved,
        sid: u32,
        idx: u32,
        parent: usize,
        filter: Option<&str>,
    ) -> bool {
        let Some(w) = st.window(sid, idx) else {
            return false;
        };
        let text = expand_as(
            st,
            ctx_of(st, sid, Some(idx), None),
            FormatKind::Window,
            &self.settings.format,
        );
        let expanded = self.settings.start == Start::Panes;
        let Some(item) = self.add(
            saved,
            Some(parent),
            Tag::Window(sid, idx),
            idx.to_string(),
            Some(text),
            expanded,
        ) else {
            return false;
        };
        let passes = |pane: u32| {
            filter.is_none_or(|f| {
                truthy(&expand_as(
                    st,
                    ctx_of(st, sid, Some(idx), Some(pane)),
                    FormatKind::Pane,
                    f,
                ))
            })
        };
        let panes = w.pane_ids();
        if let [one] = panes.as_slice() {
            if passes(*one) {
                return true;
            }
            self.remove_last(item);
            return false;
        }
        let mut shown: Vec<u32> = panes.iter().copied().filter(|p| passes(*p)).collect();
        if shown.is_empty() {
            self.remove_last(item);
            return false;
        }
        // Panes have no names: any order but time is by id, time by when each was last made
        // the active pane, earliest first (tmux `window_tree_cmp_pane`).
        if self.sort == 2 {
            shown.sort_by_key(|p| (w.active_point(*p), *p));
        } else {
            shown.sort_unstable();
        }
        if self.settings.reversed {
            shown.reverse();
        }
        let base = u32::try_from(st.option_num(sid, idx, "pane-base-index")).unwrap_or(0);
        for pane in shown {
            let n = w
                .pane_index(pane)
                .and_then(|n| u32::try_from(n).ok())
                .unwrap_or(0)
                .saturating_add(base);
            let text = expand_as(
                st,
                ctx_of(st, sid, Some(idx), Some(pane)),
                FormatKind::Pane,
                &self.settings.format,
            );
            self.add(
                saved,
                Some(item),
                Tag::Pane(pane),
                n.to_string(),
                Some(text),
                true,
            );
        }
        true
    }

    fn fill_buffers(&mut self, st: &State, saved: &Saved, filter: Option<&str>) {
        let mut list = st.buffers.by_time();
        match self.sort {
            1 => list.sort_by(|a, b| a.name.cmp(&b.name)),
            2 => list.sort_by(|a, b| {
                b.data
                    .len()
                    .cmp(&a.data.len())
                    .then_with(|| a.name.cmp(&b.name))
            }),
            _ => {}
        }
        if self.settings.reversed {
            list.reverse();
        }
        let (sid, idx, pane) = self.origin;
        let ctx = ctx_of(st, sid, Some(idx), Some(pane));
        for b in list {
            let vars = buffer_vars(b);
            let (keep, text) = with_vars(vars, || {
                let keep = filter.is_none_or(|f| truthy(&crate::format::expand(st, ctx, f)));
                (keep, crate::format::expand(st, ctx, &self.settings.format))
            });
            if keep {
                self.add(
                    saved,
                    None,
                    Tag::Buffer(b.name.clone()),
                    b.name.clone(),
                    Some(text),
                    true,
                );
            }
        }
    }

    fn fill_clients(&mut self, st: &State, saved: &Saved, filter: Option<&str>) {
        let mut clients: Vec<(&u32, &crate::state::ClientHandle)> = st.clients.iter().collect();
        let sort = self.sort;
        // tmux `window_client_cmp`: terminal size (width, then height), creation (newest
        // first: ids grow) or activity (most recent first, a key or the attach), the name as
        // the default and tie breaker.
        clients.sort_by(|(ia, a), (ib, b)| {
            let o = match sort {
                1 => a.tty_size.cmp(&b.tty_size),
                2 => ib.cmp(ia),
                3 => b.activity.cmp(&a.activity),
                _ => std::cmp::Ordering::Equal,
            };
            o.then_with(|| a.name.cmp(&b.name))
        });
        if self.settings.reversed {
            clients.reverse();
        }
        for (id, c) in clients {
            let ctx = ctx_of(st, c.session, None, None);
            let vars = client_vars(st, *id);
            let (keep, text) = with_vars(vars, || {
                let keep = filter.is_none_or(|f| truthy(&crate::format::expand(st, ctx, f)));
                (keep, crate::format::expand(st, ctx, &self.settings.format))
            });
            if keep {
                self.add(
                    saved,
                    None,
                    Tag::Client(*id),
                    client_name(st, *id),
                    Some(text),
                    true,
                );
            }
        }
    }

    /// tmux `mode_tree_build_lines`: expanded items' children follow them; each line gets its
    /// choice key.
    fn build_lines(&mut self, st: &State) {
        self.lines.clear();
        let roots = self.roots.clone();
        self.lines_of(&roots, 0);
        for n in 0..self.lines.len() {
            let Some(item) = self.lines.get(n).map(|l| l.item) else {
                continue;
            };
            let key = self.key_for(st, item, n);
            if let Some(it) = self.items.get_mut(item) {
                it.line = n;
                it.key = key;
            }
        }
    }

    fn lines_of(&mut self, list: &[usize], depth: usize) {
        let flat = list
            .iter()
            .all(|i| self.items.get(*i).is_none_or(|it| it.children.is_empty()));
        for (n, i) in list.iter().enumerate() {
            self.lines.push(Line {
                item: *i,
                depth,
                last: n + 1 == list.len(),
                flat,
            });
            let Some(it) = self.items.get(*i) else {
                continue;
            };
            if it.expanded {
                let children = it.children.clone();
                self.lines_of(&children, depth + 1);
            }
        }
    }

    /// The key that chooses line `n` (`-K`, else 0-9 then M-a to M-z).
    fn key_for(&self, st: &State, item: usize, n: usize) -> Option<KeyCode> {
        let Some(format) = &self.settings.key_format else {
            return match u8::try_from(n) {
                Ok(d @ 0..=9) => Some(KeyCode::char(char::from(b'0' + d))),
                Ok(d @ 10..=35) => Some(KeyCode(u64::from(b'a' + d - 10) | KeyCode::META)),
                _ => None,
            };
        };
        let tag = &self.items.get(item)?.tag;
        let (ctx, mut vars) = match tag {
            Tag::Session(sid) => (ctx_of(st, *sid, None, None), Vec::new()),
            Tag::Window(sid, idx) => (ctx_of(st, *sid, Some(*idx), None), Vec::new()),
            Tag::Pane(id) => {
                let (sid, idx) = st.locate_pane(*id)?;
                (ctx_of(st, sid, Some(idx), Some(*id)), Vec::new())
            }
            Tag::Buffer(name) => {
                let (sid, idx, pane) = self.origin;
                (
                    ctx_of(st, sid, Some(idx), Some(pane)),
                    buffer_vars(st.buffers.get(name)?),
                )
            }
            Tag::Client(id) => {
                let sid = st.clients.get(id)?.session;
                (ctx_of(st, sid, None, None), client_vars(st, *id))
            }
            _ => {
                let (sid, idx, pane) = self.origin;
                (ctx_of(st, sid, Some(idx), Some(pane)), Vec::new())
            }
        };
        vars.push(("line".into(), n.to_string()));
        let text = with_vars(vars, || crate::format::expand(st, ctx, format));
        KeyCode::parse(&text).filter(|k| *k != KeyCode::NONE)
    }
}

/// tmux `mode_tree_set_height` with a height callback asking for `preview` rows.
fn fixed_preview_height(rows: usize, preview: usize) -> usize {
    let h = if preview < rows { rows - preview } else { rows };
    if h < 10 || rows.saturating_sub(h) < 2 {
        return rows;
    }
    h
}

/// tmux `mode_tree_set_height` without a height callback.
fn preview_height(rows: usize, lines: usize) -> usize {
    let mut h = (rows / 3) * 2;
    if h > lines {
        h = rows / 2;
    }
    if h < 10 || rows.saturating_sub(h) < 2 {
        h = rows;
    }
    h
}

/// tmux `format_defaults_paste_buffer`.
pub(crate) fn buffer_vars(b: &crate::copy::buffers::Buffer) -> Vec<(String, String)> {
    vec![
        ("buffer_created".into(), b.created.to_string()),
        ("buffer_name".into(), b.name.clone()),
        ("buffer_size".into(), b.data.len().to_string()),
        (
            "buffer_sample".into(),
            crate::copy::buffers::sample(&b.data),
        ),
    ]
}

/// A client's variables (`crate::cmd::client_vars`).
fn client_vars(st: &State, id: u32) -> Vec<(String, String)> {
    crate::cmd::client_vars(st, id)
}

/// Whether an item matches a search (tmux's search callbacks: names, the pane's command,
/// a buffer's name or text).
pub(super) fn matches(st: &State, item: &Item, search: &str) -> bool {
    match &item.tag {
        Tag::Session(sid) => st
            .sessions
            .get(sid)
            .is_some_and(|s| s.name.contains(search)),
        Tag::Window(sid, idx) => crate::format::window_name(st, *sid, *idx).contains(search),
        Tag::Pane(id) => st
            .panes
            .get(id)
            .is_some_and(|p| p.current_command().contains(search)),
        Tag::Buffer(name) => {
            name.contains(search)
                || st.buffers.get(name).is_some_and(|b| {
                    let needle = search.as_bytes();
                    !needle.is_empty() && b.data.windows(needle.len()).any(|w| w == needle)
                })
        }
        // Client and customize-mode items: by name (tmux with no search callback).
        _ => item.name.contains(search),
    }
}

#[cfg(test)]
mod tests {
    use super::preview_height;

    /// tmux `mode_tree_set_height`: two thirds, half when the lines fit, the whole pane when
    /// that leaves the list under ten rows or the preview under two.
    #[test]
    fn list_height_as_tmux() {
        assert_eq!(preview_height(23, 1), 11);
        assert_eq!(preview_height(23, 20), 14);
        assert_eq!(preview_height(15, 2), 15);
        assert_eq!(preview_height(11, 30), 11);
    }
}
