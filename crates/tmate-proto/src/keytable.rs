//! Key tables and where a client's key goes, shared by the host's attached clients and the
//! relay's viewers: `KeyTables` (`root`, `prefix`, copy-mode tables and any `bind-key -T`
//! makes, bounded) and `KeyDispatch`, the small state machine of tmux 3.3a's
//! `server_client_key_callback` (prefix and prefix2, the repeat time of `bind-key -r`, the
//! pane's mode table, falling back to the root table).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::KeyCode;

/// Bounds on what configurations (or a host's replicated commands) may build.
pub const MAX_TABLES: usize = 64;
pub const MAX_BINDINGS: usize = 4096;

/// One binding: the commands a key runs, and whether it repeats (`bind-key -r`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub repeat: bool,
    /// Commands, each as words.
    pub commands: Vec<Vec<String>>,
}

/// Named key tables.
#[derive(Debug, Clone, Default)]
pub struct KeyTables {
    pub tables: BTreeMap<String, BTreeMap<KeyCode, Binding>>,
}

impl KeyTables {
    pub fn lookup(&self, table: &str, key: KeyCode) -> Option<&Binding> {
        self.tables.get(table)?.get(&key)
    }

    /// Bind `key` in `table`; `false` (nothing changed) past the bounds, where only existing
    /// bindings may be replaced.
    pub fn bind(&mut self, table: &str, key: KeyCode, binding: Binding) -> bool {
        let exists = self.lookup(table, key).is_some();
        let total: usize = self.tables.values().map(BTreeMap::len).sum();
        if !exists
            && (total >= MAX_BINDINGS
                || (!self.tables.contains_key(table) && self.tables.len() >= MAX_TABLES))
        {
            return false;
        }
        self.tables
            .entry(table.to_string())
            .or_default()
            .insert(key, binding);
        true
    }

    /// Remove one binding; `true` if it was there. A table left empty goes away (tmux).
    pub fn unbind(&mut self, table: &str, key: KeyCode) -> bool {
        let Some(keys) = self.tables.get_mut(table) else {
            return false;
        };
        let removed = keys.remove(&key).is_some();
        if keys.is_empty() {
            self.tables.remove(table);
        }
        removed
    }

    /// Remove every binding of `table`.
    pub fn unbind_all(&mut self, table: &str) {
        self.tables.remove(table);
    }

    /// Bindings in a table.
    pub fn len(&self, table: &str) -> usize {
        self.tables.get(table).map_or(0, BTreeMap::len)
    }

    pub fn is_empty(&self) -> bool {
        self.tables.values().all(BTreeMap::is_empty)
    }
}

/// What a client's options say about its keys, read when a key arrives.
pub struct KeyContext<'a> {
    pub tables: &'a KeyTables,
    /// `prefix` and `prefix2` (`None` for `None`).
    pub prefixes: [Option<KeyCode>; 2],
    pub repeat_time: Duration,
    /// The key table of the mode the active pane is in (`copy-mode`, `copy-mode-vi`), used
    /// while the client is in its default table.
    pub mode_table: Option<&'a str>,
    /// The session's `key-table` option: the table a client returns to (tmux's default key
    /// table, `root` unless set).
    pub default_table: &'a str,
}

/// Where a key went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyOutcome {
    /// A binding's commands are to run (the client's table is already updated).
    Run(Vec<Vec<String>>),
    /// The prefix key: the client is now in the prefix table.
    Prefix,
    /// No binding: the key goes to the active pane.
    Pane,
    /// Not bound in the table the client was in (nor in root): nothing happens.
    Dropped,
}

/// A client's place in the key tables: its table (`None` is the default, root) and, after a
/// repeatable binding, until when more repeatable keys need no prefix.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyDispatch {
    table: Option<String>,
    repeat_until: Option<Instant>,
}

const ROOT: &str = "root";

impl KeyDispatch {
    /// The table the next key is looked up in (before a mode's table).
    pub fn table(&self) -> &str {
        self.table.as_deref().unwrap_or(ROOT)
    }

    /// The table the client was moved to (`None`: the default, the session's `key-table`).
    pub fn current(&self) -> Option<&str> {
        self.table.as_deref()
    }

    /// In the default table and not repeating: keys go straight to bindings of root or the pane.
    pub fn is_idle(&self) -> bool {
        self.table.is_none() && self.repeat_until.is_none()
    }

    /// When the repeat time runs out, if a repeat is pending.
    pub fn repeat_deadline(&self) -> Option<Instant> {
        self.repeat_until
    }

    /// Switch to `table` (`switch-client -T`); `None` is the default (the session's
    /// `key-table`). `root` is kept by name: it is not the default under another `key-table`.
    pub fn set_table(&mut self, table: Option<&str>) {
        self.table = table.map(str::to_string);
        self.repeat_until = None;
    }

    /// The repeat time passed at `now`: back to the default table.
    pub fn expire(&mut self, now: Instant) {
        if self.repeat_until.is_some_and(|until| until <= now) {
            self.set_table(None);
        }
    }

    /// Where `key` goes, as tmux 3.3a decides: the prefix keys first (unless already in the
    /// prefix table), then the client's table (the pane's mode table while in the default one),
    /// then root; while repeating, a binding that does not repeat ends the repeat and is looked
    /// up again from root; a key bound nowhere goes to the pane only from root (or right after
    /// a repeat).
    pub fn key(&mut self, key: KeyCode, now: Instant, ctx: &KeyContext<'_>) -> KeyOutcome {
        self.expire(now);
        let current = self.table.as_deref().unwrap_or(ctx.default_table);
        // tmux's `server_client_is_default_key_table` compares names.
        let mut table = match ctx.mode_table {
            Some(mode) if current == ctx.default_table => mode.to_string(),
            _ => current.to_string(),
        };
        let mut first = table.clone();
        let mut repeating = self.repeat_until.is_some();
        // Bounded: each pass ends in a return or moves to the default table, once.
        for _ in 0..4 {
            if ctx.prefixes.contains(&Some(key)) && table != "prefix" {
                self.table = Some("prefix".into());
                self.repeat_until = None;
                return KeyOutcome::Prefix;
            }
            let entered_repeating = repeating;
            loop {
                // A key the table does not bind is looked up again as `Any` (tmux 3.3a's
                // KEYC_ANY), in the same table.
                let found = ctx
                    .tables
                    .lookup(&table, key)
                    .or_else(|| ctx.tables.lookup(&table, KeyCode::ANY));
                if let Some(binding) = found {
                    if repeating && !binding.repeat {
                        // A key that does not repeat ends the repeat: from the top, in root.
                        self.set_table(None);
                        table = ctx.default_table.into();
                        first = table.clone();
                        repeating = false;
                        break;
                    }
                    if binding.repeat && !ctx.repeat_time.is_zero() {
                        self.repeat_until = Some(now + ctx.repeat_time);
                    } else {
                        self.set_table(None);
                    }
                    return KeyOutcome::Run(binding.commands.clone());
                }
                if table != ctx.default_table || repeating {
                    self.set_table(None);
                    if repeating {
                        first = ctx.default_table.into();
                    }
                    table = ctx.default_table.into();
                    repeating = false;
                    continue;
                }
                if first != table && !entered_repeating {
                    self.set_table(None);
                    return KeyOutcome::Dropped;
                }
                return KeyOutcome::Pane;
            }
        }
        self.set_table(None);
        KeyOutcome::Dropped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str) -> KeyCode {
        KeyCode::parse(name).unwrap()
    }

    fn tables(bindings: &[(&str, &str, bool, &str)]) -> KeyTables {
        let mut tables = KeyTables::default();
        for (table, name, repeat, command) in bindings {
            tables.bind(
                table,
                key(name),
                Binding {
                    repeat: *repeat,
                    commands: vec![vec![command.to_string()]],
                },
            );
        }
        tables
    }

    fn run(command: &str) -> KeyOutcome {
        KeyOutcome::Run(vec![vec![command.to_string()]])
    }

    fn ctx<'a>(tables: &'a KeyTables, mode: Option<&'a str>) -> KeyContext<'a> {
        KeyContext {
            tables,
            prefixes: [Some(key("C-b")), None],
            repeat_time: Duration::from_millis(500),
            mode_table: mode,
            default_table: ROOT,
        }
    }

    /// tmux checks the prefix before the root table: a root binding of the prefix key itself
    /// never runs (the relay looked in root first).
    #[test]
    fn the_prefix_comes_before_root_bindings() {
        let t = tables(&[
            ("root", "C-b", false, "root-binding"),
            ("prefix", "c", false, "new-window"),
        ]);
        let mut d = KeyDispatch::default();
        let now = Instant::now();
        assert_eq!(d.key(key("C-b"), now, &ctx(&t, None)), KeyOutcome::Prefix);
        assert_eq!(d.table(), "prefix");
        assert_eq!(d.key(key("c"), now, &ctx(&t, None)), run("new-window"));
        assert!(d.is_idle());
        // In the prefix table, the prefix is looked up there (C-b C-b: send-prefix).
        let t = tables(&[("prefix", "C-b", false, "send-prefix")]);
        let mut d = KeyDispatch::default();
        d.key(key("C-b"), now, &ctx(&t, None));
        assert_eq!(d.key(key("C-b"), now, &ctx(&t, None)), run("send-prefix"));
    }

    #[test]
    fn root_bindings_unbound_keys_and_unbound_prefix_keys() {
        let t = tables(&[("root", "F2", false, "next-window")]);
        let mut d = KeyDispatch::default();
        let now = Instant::now();
        assert_eq!(d.key(key("F2"), now, &ctx(&t, None)), run("next-window"));
        assert_eq!(d.key(key("a"), now, &ctx(&t, None)), KeyOutcome::Pane);
        // After the prefix, a key bound nowhere is dropped, not typed.
        assert_eq!(d.key(key("C-b"), now, &ctx(&t, None)), KeyOutcome::Prefix);
        assert_eq!(d.key(key("z"), now, &ctx(&t, None)), KeyOutcome::Dropped);
        assert!(d.is_idle());
        // After the prefix, a key bound only in root runs the root binding.
        d.key(key("C-b"), now, &ctx(&t, None));
        assert_eq!(d.key(key("F2"), now, &ctx(&t, None)), run("next-window"));
    }

    #[test]
    fn repeatable_bindings_repeat_within_the_repeat_time() {
        let t = tables(&[
            ("prefix", "Up", true, "select-pane -U"),
            ("prefix", "c", false, "new-window"),
        ]);
        let mut d = KeyDispatch::default();
        let now = Instant::now();
        d.key(key("C-b"), now, &ctx(&t, None));
        assert_eq!(d.key(key("Up"), now, &ctx(&t, None)), run("select-pane -U"));
        assert_eq!(d.repeat_deadline(), Some(now + Duration::from_millis(500)));
        // Again without the prefix, within the time.
        let soon = now + Duration::from_millis(300);
        assert_eq!(
            d.key(key("Up"), soon, &ctx(&t, None)),
            run("select-pane -U")
        );
        // A non-repeating binding ends the repeat and is looked up from root: typed.
        let later = soon + Duration::from_millis(100);
        assert_eq!(d.key(key("c"), later, &ctx(&t, None)), KeyOutcome::Pane);
        assert!(d.is_idle());
        // An unbound key right after a repeat goes to the pane.
        d.key(key("C-b"), now, &ctx(&t, None));
        d.key(key("Up"), now, &ctx(&t, None));
        assert_eq!(d.key(key("x"), now, &ctx(&t, None)), KeyOutcome::Pane);
        // After the repeat time, the key is a plain root key.
        d.key(key("C-b"), now, &ctx(&t, None));
        d.key(key("Up"), now, &ctx(&t, None));
        let expired = now + Duration::from_millis(600);
        assert_eq!(d.key(key("Up"), expired, &ctx(&t, None)), KeyOutcome::Pane);
    }

    #[test]
    fn a_panes_mode_table_comes_first_and_swallows_unbound_keys() {
        let t = tables(&[
            ("copy-mode", "q", false, "send-keys -X cancel"),
            ("root", "F2", false, "next-window"),
            ("prefix", "c", false, "new-window"),
        ]);
        let mut d = KeyDispatch::default();
        let now = Instant::now();
        let copy = ctx(&t, Some("copy-mode"));
        assert_eq!(d.key(key("q"), now, &copy), run("send-keys -X cancel"));
        assert_eq!(d.key(key("F2"), now, &copy), run("next-window"));
        assert_eq!(d.key(key("z"), now, &copy), KeyOutcome::Dropped);
        // The prefix still works in a mode.
        assert_eq!(d.key(key("C-b"), now, &copy), KeyOutcome::Prefix);
        assert_eq!(d.key(key("c"), now, &copy), run("new-window"));
    }

    #[test]
    fn a_key_table_other_than_root_is_the_default() {
        let t = tables(&[
            ("mine", "x", false, "a"),
            ("root", "y", false, "b"),
            ("prefix", "c", false, "new-window"),
        ]);
        let mut c = ctx(&t, None);
        c.default_table = "mine";
        let now = Instant::now();
        let mut d = KeyDispatch::default();
        assert_eq!(d.key(key("x"), now, &c), run("a"));
        // Root is not consulted: the key goes to the pane.
        assert_eq!(d.key(key("y"), now, &c), KeyOutcome::Pane);
        assert_eq!(d.key(key("C-b"), now, &c), KeyOutcome::Prefix);
        assert_eq!(d.key(key("c"), now, &c), run("new-window"));
        // switch-client -T root: root by name, once, then the default again.
        d.set_table(Some("root"));
        assert_eq!(d.key(key("y"), now, &c), run("b"));
        assert_eq!(d.key(key("x"), now, &c), run("a"));
        d.set_table(Some("root"));
        assert_eq!(d.key(key("z"), now, &c), KeyOutcome::Dropped);
    }

    /// tmux 3.3a's `Any`: a key a table does not bind runs that table's `Any` binding
    /// (the prefix key still goes to the prefix table first); a table without one falls back
    /// to root as before.
    #[test]
    fn any_catches_keys_its_table_does_not_bind() {
        let t = tables(&[
            ("prefix", "c", false, "new-window"),
            ("prefix", "Any", false, "prefix-any"),
            ("root", "F2", false, "next-window"),
        ]);
        let mut d = KeyDispatch::default();
        let now = Instant::now();
        assert_eq!(d.key(key("a"), now, &ctx(&t, None)), KeyOutcome::Pane);
        assert_eq!(d.key(key("C-b"), now, &ctx(&t, None)), KeyOutcome::Prefix);
        assert_eq!(d.key(key("z"), now, &ctx(&t, None)), run("prefix-any"));
        assert!(d.is_idle());
        d.key(key("C-b"), now, &ctx(&t, None));
        assert_eq!(d.key(key("c"), now, &ctx(&t, None)), run("new-window"));
        d.key(key("C-b"), now, &ctx(&t, None));
        assert_eq!(
            d.key(KeyCode::FOCUS_IN, now, &ctx(&t, None)),
            run("prefix-any")
        );
        let t = tables(&[("root", "Any", false, "root-any")]);
        let mut d = KeyDispatch::default();
        assert_eq!(d.key(key("a"), now, &ctx(&t, None)), run("root-any"));
        assert_eq!(d.key(key("C-b"), now, &ctx(&t, None)), KeyOutcome::Prefix);
        // Unbound in prefix, then root's Any.
        assert_eq!(d.key(key("q"), now, &ctx(&t, None)), run("root-any"));
    }

    #[test]
    fn tables_are_bounded() {
        let mut t = KeyTables::default();
        let binding = Binding {
            repeat: false,
            commands: Vec::new(),
        };
        for n in 0..MAX_TABLES {
            assert!(t.bind(&format!("t{n}"), key("a"), binding.clone()));
        }
        assert!(!t.bind("one-more", key("a"), binding.clone()));
        assert!(
            t.bind("t0", key("a"), binding.clone()),
            "rebinding works at the limit"
        );
        assert!(t.unbind("t0", key("a")));
        assert!(!t.unbind("t0", key("a")));
        t.unbind_all("t1");
        assert_eq!(t.len("t1"), 0);
    }
}
