//! customize-mode (`C-b C`, tmux 3.3a `window-customize.c`): a tree of the options (server,
//! session, window and pane, each shown where its value comes from) and the key tables, with
//! a preview that describes the current one; keys set, toggle, unset and reset options and
//! edit, unbind and reset key bindings. Changes run as `set-option`, `bind-key` and
//! `unbind-key` commands: checked and applied as any other, and mirrored to the relay.

use std::collections::HashMap;

use tmate_proto::KeyCode;
use tmate_term::Style;

use super::draw::Canvas;
use super::{After, Item, ModePrompt, Saved, Tag, TreeMode, pane_number};
use crate::format::{Ctx, truthy, with_vars};
use crate::options::{self, Def, Kind as OptionKind, Scope};
use crate::state::State;

/// tmux's WINDOW_CUSTOMIZE_DEFAULT_FORMAT.
pub const CUSTOMIZE_FORMAT: &str = concat!(
    "#{?is_option,",
    "#{?option_is_global,,#[reverse](#{option_scope})#[default] }",
    "#[ignore]",
    "#{option_value}#{?option_unit, #{option_unit},}",
    ",",
    "#{key}",
    "}"
);

/// The groups of options, in tmux's order and titles.
const GROUPS: [&str; 3] = ["Server Options", "Session Options", "Window & Pane Options"];

/// Key tables shown at most (tmux stops at 256).
const MAX_TABLES: usize = 256;

/// Where an option item's value lives (tmux's `window_customize_scope`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Place {
    Server,
    GlobalSession,
    Session(u32),
    GlobalWindow,
    /// Session id and window index.
    Window(u32, u32),
    Pane(u32),
}

impl Place {
    fn is_global(self) -> bool {
        matches!(
            self,
            Place::Server | Place::GlobalSession | Place::GlobalWindow
        )
    }

    /// tmux's `window_customize_scope_text`.
    fn text(self, st: &State) -> String {
        match self {
            Place::Pane(p) => format!("pane {}", pane_number(st, p).unwrap_or(0)),
            Place::Session(sid) => format!(
                "session {}",
                st.sessions.get(&sid).map_or("", |s| s.name.as_str())
            ),
            Place::Window(_, idx) => format!("window {idx}"),
            _ => String::new(),
        }
    }

    /// The values held here (not inherited).
    fn values(self, st: &State) -> Option<&std::collections::BTreeMap<String, String>> {
        match self {
            Place::Server => st.options.scopes.get(&Scope::Server),
            Place::GlobalSession => st.options.scopes.get(&Scope::Session),
            Place::GlobalWindow => st.options.scopes.get(&Scope::Window),
            Place::Session(sid) => st.sessions.get(&sid).map(|s| &s.options),
            Place::Window(sid, idx) => st.window(sid, idx).map(|w| &w.options),
            Place::Pane(p) => st.panes.get(&p).map(|p| &p.options),
        }
    }

    /// The place this one inherits from (tmux's `options_get_parent`).
    fn parent(self, st: &State) -> Option<Place> {
        match self {
            Place::Session(_) => Some(Place::GlobalSession),
            Place::Window(..) => Some(Place::GlobalWindow),
            Place::Pane(p) => st.locate_pane(p).map(|(sid, idx)| Place::Window(sid, idx)),
            _ => None,
        }
    }

    /// An option's value here or inherited, and the place that holds it (`options_get`).
    fn lookup(self, st: &State, name: &str) -> Option<(String, Place)> {
        let mut at = Some(self);
        while let Some(place) = at {
            if let Some(v) = place.values(st).and_then(|m| m.get(name)) {
                return Some((v.clone(), place));
            }
            at = place.parent(st);
        }
        None
    }

    /// The `set-option` flags and target that name this place.
    fn set_args(self) -> Vec<String> {
        let words: Vec<String> = match self {
            Place::Server => vec!["-s".into()],
            Place::GlobalSession => vec!["-g".into()],
            Place::GlobalWindow => vec!["-gw".into()],
            Place::Session(sid) => vec!["-t".into(), format!("${sid}")],
            Place::Window(sid, idx) => vec!["-w".into(), "-t".into(), format!("${sid}:{idx}")],
            Place::Pane(p) => vec!["-p".into(), "-t".into(), format!("%{p}")],
        };
        let mut args = vec!["set-option".to_string()];
        args.extend(words);
        args
    }

    /// The place `s`/`w`/`S` set an option from an item here (tmux's scope choice in
    /// `window_customize_set_option`); `at` is the mode's session, window and pane.
    fn for_setting(self, global: bool, pane: bool, (sid, idx, pane_id): (u32, u32, u32)) -> Place {
        let window_or_pane = if pane {
            Place::Pane(pane_id)
        } else {
            Place::Window(sid, idx)
        };
        match (self, global) {
            (Place::Session(_), true) => Place::GlobalSession,
            (Place::Window(..) | Place::Pane(_), true) => Place::GlobalWindow,
            (Place::GlobalSession, false) => Place::Session(sid),
            (Place::Window(..) | Place::Pane(_) | Place::GlobalWindow, false) => window_or_pane,
            (other, _) => other,
        }
    }
}

/// The table's entry for an option named exactly (`None` for a user option).
fn table_def(name: &str) -> Option<&'static Def> {
    options::TABLE.iter().find(|d| d.name == name)
}

/// The format context of the mode's session, window and pane.
fn format_ctx((session, window, pane): (u32, u32, u32)) -> Ctx {
    Ctx {
        session,
        window,
        pane,
    }
}

/// What a key item's field line is.
const FIELDS: [&str; 3] = ["Command", "Note", "Repeat"];

/// What an open prompt of the mode changes when answered.
#[derive(Debug, Clone)]
enum Pending {
    Option {
        place: Place,
        name: String,
        /// `None` for an array: the first free index.
        index: Option<u32>,
    },
    Command(String, KeyCode),
    Note(String, KeyCode),
}

/// customize-mode's own state in a [`TreeMode`].
#[derive(Debug, Default)]
pub struct Customize {
    /// `H`: options with global values are not listed.
    hide_global: bool,
    /// Each option item's place by its tag (the tag stays when a value moves to another
    /// place, as tmux's tags are the option's table entry).
    places: HashMap<Tag, Place>,
    pending: Option<Pending>,
}

/// The option or key an item stands for.
enum Subject {
    Option {
        place: Place,
        name: String,
        index: Option<u32>,
    },
    /// Table and key; `Some(n)` for its field line `FIELDS[n]`.
    Key(String, KeyCode, Option<u8>),
}

impl TreeMode {
    /// The pane the mode is on, and where it is (tmux's `fs` from the mode's pane).
    fn customize_at(&self, st: &State) -> Option<(u32, u32, u32)> {
        let pane = self.origin.2;
        let (sid, idx) = st.locate_pane(pane)?;
        Some((sid, idx, pane))
    }

    /// tmux `window_customize_build`: the three groups of options, then the key tables.
    pub(super) fn fill_customize(&mut self, st: &State, saved: &Saved, filter: Option<&str>) {
        self.customize.places.clear();
        let Some((sid, idx, pane)) = self.customize_at(st) else {
            return;
        };
        let ctx = format_ctx((sid, idx, pane));
        let groups: [Vec<Place>; 3] = [
            vec![Place::Server],
            vec![Place::GlobalSession, Place::Session(sid)],
            vec![
                Place::GlobalWindow,
                Place::Window(sid, idx),
                Place::Pane(pane),
            ],
        ];
        for (g, places) in groups.iter().enumerate() {
            self.fill_group(st, saved, filter, ctx, g, places);
        }
        let tables: Vec<&String> = st
            .keys
            .tables
            .iter()
            .filter(|(_, t)| !t.is_empty())
            .map(|(n, _)| n)
            .take(MAX_TABLES)
            .collect();
        for table in tables {
            self.fill_keys(st, saved, filter, ctx, table);
        }
    }

    fn fill_group(
        &mut self,
        st: &State,
        saved: &Saved,
        filter: Option<&str>,
        ctx: Ctx,
        g: usize,
        places: &[Place],
    ) {
        let title = GROUPS.get(g).copied().unwrap_or_default();
        let group = u8::try_from(g).unwrap_or(0);
        let Some(top) = self.add(saved, None, Tag::Group(group), title.into(), None, false) else {
            return;
        };
        if let Some(i) = self.items.get_mut(top) {
            i.no_tag = true;
        }
        // User options from every place (first the global ones), then the table's options
        // in name order; each shown from the most specific place that holds it.
        let mut names: Vec<String> = Vec::new();
        for place in places {
            for name in place.values(st).into_iter().flat_map(|m| m.keys()) {
                if name.starts_with('@') && !names.contains(name) {
                    names.push(name.clone());
                }
            }
        }
        let Some(first) = places.first() else {
            return;
        };
        names.extend(
            first
                .values(st)
                .into_iter()
                .flat_map(|m| m.keys())
                .filter(|n| !n.starts_with('@'))
                .cloned(),
        );
        let most_specific = places.last().copied().unwrap_or(*first);
        for name in names {
            let Some((value, place)) = most_specific.lookup(st, &name) else {
                continue;
            };
            self.add_option(st, saved, filter, ctx, (group, top), place, &name, &value);
        }
    }

    /// tmux `window_customize_build_option` (and `_build_array` for an array's items).
    #[allow(clippy::too_many_arguments)]
    fn add_option(
        &mut self,
        st: &State,
        saved: &Saved,
        filter: Option<&str>,
        ctx: Ctx,
        (group, top): (u8, usize),
        place: Place,
        name: &str,
        value: &str,
    ) {
        let def = table_def(name);
        if def.is_some_and(|d| d.kind == OptionKind::Hook) {
            return;
        }
        let array = def.is_some_and(|d| d.kind == OptionKind::Array);
        if self.customize.hide_global && place.is_global() {
            return;
        }
        let unit = super::option_help::help(name)
            .and_then(|(_, u)| u)
            .unwrap_or_default();
        let mut vars = vec![
            ("is_option".to_string(), "1".to_string()),
            ("is_key".into(), "0".into()),
            ("option_name".into(), name.to_string()),
            (
                "option_is_global".into(),
                u8::from(place.is_global()).to_string(),
            ),
            ("option_is_array".into(), u8::from(array).to_string()),
            ("option_scope".into(), place.text(st)),
            ("option_unit".into(), unit.to_string()),
        ];
        if !array {
            vars.push(("option_value".into(), value.to_string()));
        }
        let expand = |vars: &[(String, String)], text: &str| {
            with_vars(vars.to_vec(), || crate::format::expand(st, ctx, text))
        };
        if let Some(f) = filter
            && !truthy(&expand(&vars, f))
        {
            return;
        }
        let text = (!array).then(|| expand(&vars, &self.settings.format));
        // A user option's tag is its place too (tmux tags it by its entry, a new one where
        // it is set anew: the current line goes back to the top then, as in tmux).
        let user = def.is_none().then_some(place);
        let tag = Tag::Option(group, name.to_string(), None, user);
        let Some(id) = self.add(saved, Some(top), tag.clone(), name.into(), text, false) else {
            return;
        };
        self.customize.places.insert(tag, place);
        if !array {
            return;
        }
        for (index, item) in options::array_items(value) {
            let item_name = format!("{name}[{index}]");
            let mut vars = vars.clone();
            vars.push(("option_name".into(), item_name.clone()));
            vars.push(("option_value".into(), item.clone()));
            let text = expand(&vars, &self.settings.format);
            let tag = Tag::Option(group, name.to_string(), Some(index), None);
            if self
                .add(saved, Some(id), tag.clone(), item_name, Some(text), true)
                .is_none()
            {
                return;
            }
            self.customize.places.insert(tag, place);
        }
    }

    /// tmux `window_customize_build_keys`: a table's keys, each with its command, note and
    /// repeat flag as lines under it.
    fn fill_keys(
        &mut self,
        st: &State,
        saved: &Saved,
        filter: Option<&str>,
        ctx: Ctx,
        table: &str,
    ) {
        let Some(bindings) = st.keys.tables.get(table) else {
            return;
        };
        let title = format!("Key Table - {table}");
        let Some(top) = self.add(saved, None, Tag::KeyTable(table.into()), title, None, false)
        else {
            return;
        };
        if let Some(i) = self.items.get_mut(top) {
            i.no_tag = true;
        }
        for (key, binding) in bindings {
            let note = st.key_notes.get(&(table.to_string(), *key));
            let mut vars = vec![
                ("is_option".to_string(), "0".to_string()),
                ("is_key".into(), "1".into()),
                ("key".into(), key.name()),
            ];
            if let Some(n) = note {
                vars.push(("key_note".into(), n.clone()));
            }
            let expand =
                |text: &str| with_vars(vars.clone(), || crate::format::expand(st, ctx, text));
            if let Some(f) = filter
                && !truthy(&expand(f))
            {
                continue;
            }
            let name = expand(&self.settings.format);
            let tag = Tag::Key(table.into(), *key);
            let Some(child) = self.add(saved, Some(top), tag, name, None, false) else {
                return;
            };
            let fields = [
                format!(
                    "#[ignore]{}",
                    crate::bindings::print_commands_with(&binding.commands, " ; ")
                ),
                note.map_or(String::new(), |n| format!("#[ignore]{n}")),
                if binding.repeat { "on" } else { "off" }.to_string(),
            ];
            for (n, (field, text)) in FIELDS.iter().zip(fields).enumerate() {
                let tag = Tag::KeyField(table.into(), *key, u8::try_from(n).unwrap_or(0));
                let Some(line) =
                    self.add(saved, Some(child), tag, (*field).into(), Some(text), true)
                else {
                    return;
                };
                if let Some(i) = self.items.get_mut(line) {
                    i.no_tag = true;
                    i.as_parent = true;
                }
            }
        }
    }

    /// The option or key an item stands for.
    fn subject(&self, item: &Item) -> Option<Subject> {
        match &item.tag {
            Tag::Option(_, name, index, _) => Some(Subject::Option {
                place: *self.customize.places.get(&item.tag)?,
                name: name.clone(),
                index: *index,
            }),
            Tag::Key(table, key) => Some(Subject::Key(table.clone(), *key, None)),
            Tag::KeyField(table, key, n) => Some(Subject::Key(table.clone(), *key, Some(*n))),
            _ => None,
        }
    }

    /// The name tmux's prompts use for an item (`item->name`): the option's or the key's.
    fn subject_name(subject: &Subject) -> String {
        match subject {
            Subject::Option { name, .. } => name.clone(),
            Subject::Key(_, key, _) => key.name(),
        }
    }

    /// customize-mode's own keys (tmux `window_customize_key`).
    pub(super) fn customize_key(&mut self, st: &mut State, c: u64) -> After {
        let subject = self.current_item().and_then(|i| self.subject(i));
        match (u8::try_from(c).map(char::from), subject) {
            (Ok('\r' | 's'), Some(Subject::Key(table, key, Some(field)))) => {
                self.set_key(st, &table, key, field)
            }
            (Ok('\r' | 's'), Some(Subject::Option { place, name, index })) => {
                self.set_option(st, place, &name, index, false, true)
            }
            (Ok('w'), Some(Subject::Option { place, name, index })) => {
                self.set_option(st, place, &name, index, false, false)
            }
            (Ok('S' | 'W'), Some(Subject::Option { place, name, index })) => {
                self.set_option(st, place, &name, index, true, false)
            }
            (Ok('d'), Some(s)) => {
                if matches!(s, Subject::Option { index: Some(_), .. }) {
                    return After::Redraw;
                }
                let p = format!("Reset {} to default? ", Self::subject_name(&s));
                self.prompt(&p, "", ModePrompt::ResetCurrent, true)
            }
            (Ok('u'), Some(s)) => {
                let p = match &s {
                    Subject::Option {
                        name,
                        index: Some(i),
                        ..
                    } => format!("Unset {name}[{i}]? "),
                    _ => format!("Unset {}? ", Self::subject_name(&s)),
                };
                self.prompt(&p, "", ModePrompt::UnsetCurrent, true)
            }
            (Ok('D'), _) if self.count_tagged() > 0 => {
                let p = format!("Reset {} tagged to default? ", self.count_tagged());
                self.prompt(&p, "", ModePrompt::ResetTagged, true)
            }
            (Ok('U'), _) if self.count_tagged() > 0 => {
                let p = format!("Unset {} tagged? ", self.count_tagged());
                self.prompt(&p, "", ModePrompt::UnsetTagged, true)
            }
            (Ok('H'), _) => {
                self.customize.hide_global = !self.customize.hide_global;
                self.build(st);
                After::Redraw
            }
            _ => After::Redraw,
        }
    }

    /// `s`, `w`, `S` on an option (tmux `window_customize_set_option`): a flag toggles and
    /// a choice steps at once, anything else is asked for in a prompt.
    fn set_option(
        &mut self,
        st: &State,
        place: Place,
        name: &str,
        index: Option<u32>,
        global: bool,
        pane: bool,
    ) -> After {
        let def = table_def(name);
        let array = def.is_some_and(|d| d.kind == OptionKind::Array);
        let pane = pane && def.is_none_or(|d| d.pane);
        let target = match self.customize_at(st) {
            Some(at) if !array => place.for_setting(global, pane, at),
            Some(_) => place,
            None => return After::Redraw,
        };
        let current = target.lookup(st, name).map(|(v, _)| v);
        let toggled = match def.map(|d| d.kind) {
            Some(OptionKind::Flag) => Some(if current.as_deref() == Some("on") {
                "off".to_string()
            } else {
                "on".to_string()
            }),
            Some(OptionKind::Choice(choices)) => {
                let at = choices
                    .iter()
                    .position(|c| Some(*c) == current.as_deref())
                    .map_or(0, |i| i + 1);
                Some(
                    choices
                        .get(at)
                        .or(choices.first())
                        .copied()
                        .unwrap_or("")
                        .into(),
                )
            }
            _ => None,
        };
        if let Some(value) = toggled {
            let mut args = target.set_args();
            args.extend([name.to_string(), value]);
            return After::Run(vec![args]);
        }
        let text = target.text(st);
        let space = if !text.is_empty() {
            ", for "
        } else if target != Place::Server {
            ", global"
        } else {
            ""
        };
        let shown = match (array, index) {
            (true, None) => format!("{name}[+]"),
            (true, Some(i)) => format!("{name}[{i}]"),
            (false, _) => name.to_string(),
        };
        let prompt = format!("({shown}{space}{text}) ");
        let value = place.lookup(st, name).map(|(v, _)| v).unwrap_or_default();
        let value = match (array, index) {
            (true, Some(i)) => options::array_items(&value).remove(&i).unwrap_or_default(),
            // tmux 3.3a starts a new item's prompt empty.
            (true, None) => String::new(),
            (false, _) => value,
        };
        self.customize.pending = Some(Pending::Option {
            place: target,
            name: name.to_string(),
            index,
        });
        self.prompt(&prompt, &value, ModePrompt::Customize, false)
    }

    /// Enter on a key's field line (tmux `window_customize_set_key`): the repeat flag
    /// toggles, the command and note are asked for.
    fn set_key(&mut self, st: &mut State, table: &str, key: KeyCode, field: u8) -> After {
        let Some(binding) = st.keys.lookup(table, key) else {
            return After::Redraw;
        };
        let prompt = format!("({}) ", key.name());
        match field {
            2 => {
                let commands = crate::bindings::print_commands_with(&binding.commands, " ; ");
                let note = st.key_notes.get(&(table.to_string(), key)).cloned();
                After::Run(vec![rebind(table, key, !binding.repeat, note, commands)])
            }
            0 => {
                let value = crate::bindings::print_commands_with(&binding.commands, " ; ");
                self.customize.pending = Some(Pending::Command(table.into(), key));
                self.prompt(&prompt, &value, ModePrompt::Customize, false)
            }
            _ => {
                let note = st
                    .key_notes
                    .get(&(table.to_string(), key))
                    .cloned()
                    .unwrap_or_default();
                self.customize.pending = Some(Pending::Note(table.into(), key));
                self.prompt(&prompt, &note, ModePrompt::Customize, false)
            }
        }
    }

    /// The answer to the prompt `s`, `w`, `S` or a key's field opened: the commands that
    /// make the change (an option), or the change made (a binding).
    pub(super) fn customize_answer(
        &mut self,
        st: &State,
        answer: &str,
    ) -> Result<Vec<Vec<String>>, String> {
        let Some(pending) = self.customize.pending.take() else {
            return Ok(Vec::new());
        };
        if answer.is_empty() {
            return Ok(Vec::new());
        }
        match pending {
            Pending::Option { place, name, index } => {
                let array = table_def(&name).is_some_and(|d| d.kind == OptionKind::Array);
                let mut args = place.set_args();
                let name = match (array, index) {
                    (true, Some(i)) => format!("{name}[{i}]"),
                    (true, None) => {
                        let held = place.lookup(st, &name).map(|(v, _)| v).unwrap_or_default();
                        let items = options::array_items(&held);
                        let free = (0..options::ARRAY_LIMIT)
                            .find(|i| !items.contains_key(i))
                            .unwrap_or(options::ARRAY_LIMIT);
                        format!("{name}[{free}]")
                    }
                    (false, _) => name,
                };
                args.extend([name, answer.to_string()]);
                Ok(vec![args])
            }
            Pending::Command(table, key) => {
                let Some(b) = st.keys.lookup(&table, key) else {
                    return Ok(Vec::new());
                };
                let note = st.key_notes.get(&(table.clone(), key)).cloned();
                Ok(vec![rebind(&table, key, b.repeat, note, answer.into())])
            }
            Pending::Note(table, key) => {
                let Some(b) = st.keys.lookup(&table, key) else {
                    return Ok(Vec::new());
                };
                let commands = crate::bindings::print_commands_with(&b.commands, " ; ");
                Ok(vec![rebind(
                    &table,
                    key,
                    b.repeat,
                    Some(answer.into()),
                    commands,
                )])
            }
        }
    }

    /// `y` to `d`, `u`, `D` or `U`: the current or tagged items unset or reset (tmux
    /// `window_customize_change_*`). Options go back as `set-option -u` commands; bindings
    /// change here.
    pub(super) fn customize_change(
        &mut self,
        st: &State,
        reset: bool,
        tagged: bool,
    ) -> Vec<Vec<String>> {
        let items: Vec<usize> = if tagged {
            self.lines
                .iter()
                .map(|l| l.item)
                .filter(|i| self.items.get(*i).is_some_and(|it| it.tagged))
                .collect()
        } else {
            self.lines
                .get(self.current)
                .map(|l| l.item)
                .into_iter()
                .collect()
        };
        let current = self.lines.get(self.current).map(|l| l.item);
        let mut commands = Vec::new();
        for id in items {
            let Some(subject) = self.items.get(id).and_then(|i| self.subject(i)) else {
                continue;
            };
            let is_current = Some(id) == current && !tagged;
            match subject {
                Subject::Option { place, name, index } => {
                    // Reset leaves an array's items alone (tmux: only whole options).
                    if reset && index.is_some() {
                        continue;
                    }
                    if index.is_some() && is_current {
                        self.up(false);
                    }
                    let mut args = place.set_args();
                    args.insert(1, "-u".into());
                    args.push(match index {
                        Some(i) => format!("{name}[{i}]"),
                        None => name,
                    });
                    commands.push(args);
                }
                Subject::Key(table, key, _) => {
                    let default = crate::bindings::default_tables()
                        .lookup(&table, key)
                        .cloned();
                    if reset
                        && default.as_ref().map(|d| &d.commands)
                            == st.keys.lookup(&table, key).map(|b| &b.commands)
                    {
                        continue;
                    }
                    if is_current && (!reset || default.is_none()) {
                        self.collapse_to_parent(id);
                        self.up(false);
                    }
                    commands.push(match default.filter(|_| reset) {
                        Some(d) => {
                            let note =
                                crate::bindings::default_notes().remove(&(table.clone(), key));
                            let text = crate::bindings::print_commands_with(&d.commands, " ; ");
                            rebind(&table, key, d.repeat, note, text)
                        }
                        None => vec!["unbind-key".into(), "-T".into(), table, key.name()],
                    });
                }
            }
        }
        commands
    }

    /// tmux `mode_tree_collapse_current` for an item about to go: its key line folds.
    fn collapse_to_parent(&mut self, id: usize) {
        let key_line = match self.items.get(id) {
            Some(i) if i.as_parent => i.parent,
            Some(_) => Some(id),
            None => None,
        };
        if let Some(i) = key_line.and_then(|k| self.items.get_mut(k)) {
            i.expanded = false;
        }
    }
}

/// The `bind-key` that binds `key` in `table` to a command line, with its repeat flag and
/// note (key changes go as commands, as option changes do: checked as `bind-key` checks
/// them, and mirrored to the relay as any binding).
fn rebind(
    table: &str,
    key: KeyCode,
    repeat: bool,
    note: Option<String>,
    commands: String,
) -> Vec<String> {
    let mut args = vec!["bind-key".to_string()];
    if repeat {
        args.push("-r".into());
    }
    if let Some(n) = note {
        args.extend(["-N".into(), n]);
    }
    args.extend(["-T".into(), table.into(), key.name(), commands]);
    args
}

/// A cursor writing text into the preview box as tmux's `screen_write_text` does: words
/// wrapped at the box's width, stopping at its last line.
struct TextBox<'a> {
    canvas: &'a mut Canvas,
    x: usize,
    top: usize,
    width: usize,
    lines: usize,
    cx: usize,
    cy: usize,
}

impl TextBox<'_> {
    /// Write `text`; `more` keeps the cursor on the line for what follows. `false` when it
    /// did not all fit (nothing more is written then, as tmux).
    fn text(&mut self, text: &str, style: Style, more: bool) -> bool {
        use unicode_width::UnicodeWidthChar;
        let chars: Vec<char> = text.chars().collect();
        let start_cy = self.cy;
        let lines = self.lines.saturating_sub(self.cy - self.top);
        let mut left = (self.x + self.width).saturating_sub(self.cx);
        let mut idx = 0;
        loop {
            let mut at = 0;
            let mut end = idx;
            while let Some(ch) = chars.get(end) {
                let w = ch.width().unwrap_or(0);
                if *ch == '\n' || at + w > left {
                    break;
                }
                at += w;
                end += 1;
            }
            let next = match chars.get(end) {
                None => end,
                Some('\n' | ' ') => end + 1,
                Some(_) => match (idx + 1..=end).rev().find(|i| chars.get(*i) == Some(&' ')) {
                    Some(space) => {
                        end = space;
                        space + 1
                    }
                    None => end,
                },
            };
            for ch in chars.get(idx..end).unwrap_or_default() {
                let s = ch.to_string();
                let w = self.canvas.text(self.cx, self.cy, &s, style, usize::MAX);
                self.cx += w;
            }
            let stuck = next == idx;
            idx = next;
            if self.cy + 1 >= start_cy + lines || idx >= chars.len() || stuck {
                break;
            }
            self.newline();
            left = self.width;
        }
        let at_end = self.cx >= self.x + self.width;
        if (self.cy + 1 >= start_cy + lines && (!more || at_end)) || idx < chars.len() {
            return false;
        }
        if !more || at_end {
            self.newline();
        }
        true
    }

    fn newline(&mut self) {
        self.cx = self.x;
        self.cy += 1;
    }

    /// A blank line; `false` once the box is full (tmux's `s->cy >= cy + sy - 1`).
    fn skip(&mut self) -> bool {
        self.newline();
        self.cy < self.top + self.lines - 1
    }
}

/// customize-mode's preview of an item (tmux `window_customize_draw`).
pub(super) fn preview(
    mode: &TreeMode,
    st: &State,
    c: &mut Canvas,
    item: &Item,
    (x, y, w, h): (usize, usize, usize, usize),
) {
    let mut b = TextBox {
        canvas: c,
        x,
        top: y,
        width: w,
        lines: h,
        cx: x,
        cy: y,
    };
    match mode.subject(item) {
        Some(Subject::Key(table, key, _)) => key_preview(st, &mut b, &table, key),
        Some(Subject::Option { place, name, index }) => {
            option_preview(mode, st, &mut b, place, &name, index);
        }
        None => {}
    }
}

fn key_preview(st: &State, b: &mut TextBox<'_>, table: &str, key: KeyCode) {
    let Some(binding) = st.keys.lookup(table, key) else {
        return;
    };
    let d = Style::default();
    let note = st
        .key_notes
        .get(&(table.to_string(), key))
        .map_or("There is no note for this key.", String::as_str);
    let period = if !note.is_empty() && !note.ends_with('.') {
        "."
    } else {
        ""
    };
    if !b.text(&format!("{note}{period}"), d, false) || !b.skip() {
        return;
    }
    if !b.text(&format!("This key is in the {table} table."), d, false) {
        return;
    }
    let repeat = if binding.repeat { "does" } else { "does not" };
    if !b.text(&format!("This key {repeat} repeat."), d, false) || !b.skip() {
        return;
    }
    let command = crate::bindings::print_commands_with(&binding.commands, " ; ");
    if !b.text(&format!("Command: {command}"), d, false) {
        return;
    }
    if let Some(default) = crate::bindings::default_tables().lookup(table, key) {
        let default = crate::bindings::print_commands_with(&default.commands, " ; ");
        if default != command {
            b.text(&format!("The default is: {default}"), d, false);
        }
    }
}

fn option_preview(
    mode: &TreeMode,
    st: &State,
    b: &mut TextBox<'_>,
    place: Place,
    name: &str,
    index: Option<u32>,
) {
    let Some((held, owner)) = place.lookup(st, name) else {
        return;
    };
    let Some(ctx) = mode.customize_at(st).map(format_ctx) else {
        return;
    };
    let d = Style::default();
    let def = table_def(name);
    let help = super::option_help::help(name);
    let unit = help.and_then(|(_, u)| u);
    let (space, unit) = (if unit.is_some() { " " } else { "" }, unit.unwrap_or(""));
    let text = help.map_or("This option doesn't have a description.", |(t, _)| t);
    if !b.text(text, d, false) || !b.skip() {
        return;
    }
    let kind = match def {
        None => "user",
        Some(d) if d.pane => "window and pane",
        Some(d) => match d.scope {
            Scope::Window => "window",
            Scope::Session => "session",
            Scope::Server => "server",
        },
    };
    if !b.text(&format!("This is a {kind} option."), d, false) {
        return;
    }
    let array = def.is_some_and(|d| d.kind == OptionKind::Array);
    if array {
        let said = match index {
            Some(i) => format!("This is an array option, index {i}."),
            None => "This is an array option.".to_string(),
        };
        if !b.text(&said, d, false) || index.is_none() {
            return;
        }
    }
    if !b.skip() {
        return;
    }
    let value = match index {
        Some(i) => options::array_items(&held).remove(&i).unwrap_or_default(),
        None => held,
    };
    if !value_lines(st, ctx, b, def, name, index, &value, (space, unit)) {
        return;
    }
    b.newline();
    if b.cy > b.top + b.lines - 1 || array {
        return;
    }
    parent_values(st, b, place, owner, name, (space, unit));
}

/// The value's lines of an option's preview: the value, what it expands to, its choices, an
/// example of its colour or style, its default. `false` once the box is full.
#[allow(clippy::too_many_arguments)]
fn value_lines(
    st: &State,
    ctx: Ctx,
    b: &mut TextBox<'_>,
    def: Option<&Def>,
    name: &str,
    index: Option<u32>,
    value: &str,
    (space, unit): (&str, &str),
) -> bool {
    let d = Style::default();
    let default = def
        .filter(|_| index.is_none())
        .map(|d| d.default)
        .filter(|d| *d != value);
    if !b.text(&format!("Option value: {value}{space}{unit}"), d, false) {
        return false;
    }
    let colour = crate::style_check::is_colour_option(name);
    let string = def.is_none_or(|d| matches!(d.kind, OptionKind::Str | OptionKind::Array));
    if string && !colour {
        let expanded = crate::format::expand(st, ctx, value);
        if expanded != value && !b.text(&format!("This expands to: {expanded}"), d, false) {
            return false;
        }
    }
    if let Some(OptionKind::Choice(choices)) = def.map(|d| d.kind)
        && !b.text(
            &format!("Available values are: {}", choices.join(", ")),
            d,
            false,
        )
    {
        return false;
    }
    if colour {
        let fg = tmate_term::parse_style(&format!("fg={value}")).unwrap_or_default();
        if !b.text("This is a colour option: ", d, true) || !b.text("EXAMPLE", fg, false) {
            return false;
        }
    }
    if def.is_some_and(crate::style_check::is_style_option) {
        let expanded = crate::format::expand(st, ctx, value);
        let style = tmate_term::parse_style(&expanded).unwrap_or_default();
        if !b.text("This is a style option: ", d, true) || !b.text("EXAMPLE", style, false) {
            return false;
        }
    }
    if let Some(default) = default
        && !b.text(&format!("The default is: {default}{space}{unit}"), d, false)
    {
        return false;
    }
    true
}

/// The values an option's place inherits from, as tmux shows them under the value.
fn parent_values(
    st: &State,
    b: &mut TextBox<'_>,
    place: Place,
    owner: Place,
    name: &str,
    (space, unit): (&str, &str),
) {
    let d = Style::default();
    let (window, global) = match place {
        Place::Pane(p) => (
            st.locate_pane(p).map(|(s, i)| Place::Window(s, i)),
            Some(Place::GlobalWindow),
        ),
        Place::Window(..) => (None, Some(Place::GlobalWindow)),
        Place::Session(_) => (None, Some(Place::GlobalSession)),
        _ => (None, None),
    };
    if let Some(w) = window
        && owner != w
        && let Some(v) = w.values(st).and_then(|m| m.get(name))
    {
        let n = match w {
            Place::Window(_, i) => i,
            _ => 0,
        };
        if !b.text(
            &format!("Window value (from window {n}): {v}{space}{unit}"),
            d,
            false,
        ) {
            return;
        }
    }
    if let Some(g) = global
        && owner != g
        && let Some(v) = g.values(st).and_then(|m| m.get(name))
    {
        b.text(&format!("Global value: {v}{space}{unit}"), d, false);
    }
}
