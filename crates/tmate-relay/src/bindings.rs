//! The host's key bindings and options as the relay mirrors them from EXEC_CMD replays
//! (`bind-key`, `unbind-key`, `set-option`, `set-window-option`), read with the command table
//! and key tables the host uses too (`tmate_proto::command`, `tmate_proto::keytable`).

use std::collections::HashMap;
use std::time::Duration;

use tmate_proto::KeyCode;
use tmate_proto::command::{self, Args};
pub use tmate_proto::keytable::{Binding, KeyTables, MAX_BINDINGS};

/// Key tables (`root`, `prefix`, and any the host makes with `-T`) plus the options viewers'
/// input and drawing depend on.
#[derive(Debug, Clone)]
pub struct Bindings {
    pub tables: KeyTables,
    options: HashMap<String, String>,
    /// `set-option tmate-authorized-keys` seen: viewers must present a listed key.
    pub restricted: bool,
    /// Keys from `set-option tmate-set authorized_keys=<line>`, parsed.
    pub authorized_keys: Vec<russh::keys::PublicKey>,
    /// `tmate-set foreground=true` (host runs `tmate -F`).
    pub foreground: bool,
}

/// Bounds on what a host's replicated configuration may make the relay keep: past them further
/// entries are ignored (a hostile host cannot grow the relay's memory with `bind-key` or
/// `set-option -a` loops).
pub const MAX_OPTIONS: usize = 1024;
pub const MAX_OPTION_VALUE: usize = 64 * 1024;
pub const MAX_AUTHORIZED_KEYS: usize = 1024;

/// Defaults of the options the relay reads (tmux 2.2 / tmate 2.4 values).
const DEFAULT_OPTIONS: &[(&str, &str)] = &[
    ("prefix", "C-b"),
    ("prefix2", "None"),
    ("status", "on"),
    ("repeat-time", "500"),
    ("display-time", "750"),
    ("tmate-display-time", "15000"),
];

impl Default for Bindings {
    fn default() -> Self {
        Bindings {
            tables: KeyTables::default(),
            options: DEFAULT_OPTIONS
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            restricted: false,
            authorized_keys: Vec::new(),
            foreground: false,
        }
    }
}

/// What applying one EXEC_CMD told the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    Nothing,
    /// An option that changes what viewers see (status line on/off).
    DisplayChanged,
    /// A naming option (`naming::is_naming_option`) after READY, where it has no effect.
    NamingTooLate(String),
}

impl Bindings {
    pub fn option(&self, name: &str) -> Option<&str> {
        self.options.get(name).map(String::as_str)
    }

    pub fn prefix_keys(&self) -> [Option<KeyCode>; 2] {
        let key = |name| {
            self.option(name)
                .and_then(KeyCode::parse)
                .filter(|k| *k != KeyCode::NONE)
        };
        [key("prefix"), key("prefix2")]
    }

    pub fn status_on(&self) -> bool {
        self.option("status") != Some("off")
    }

    fn millis(&self, name: &str, default: u64) -> Duration {
        Duration::from_millis(
            self.option(name)
                .and_then(|v| v.parse().ok())
                .unwrap_or(default),
        )
    }

    pub fn repeat_time(&self) -> Duration {
        self.millis("repeat-time", 500)
    }

    pub fn display_time(&self) -> Duration {
        self.millis("display-time", 750)
    }

    pub fn tmate_display_time(&self) -> Duration {
        self.millis("tmate-display-time", 15000)
    }

    pub fn lookup(&self, table: &str, key: KeyCode) -> Option<&Binding> {
        self.tables.lookup(table, key)
    }

    /// Number of bindings in a table (for logs and tests).
    pub fn table_len(&self, table: &str) -> usize {
        self.tables.len(table)
    }

    /// Apply one replicated command. Unknown commands and malformed arguments are ignored:
    /// they come from the host's own configuration and must never end the session.
    pub fn apply(&mut self, argv: &[String]) -> Applied {
        let Some((name, args)) = argv.split_first() else {
            return Applied::Nothing;
        };
        // Flags the table does not know (tmux 2.x's `bind-key -t vi-copy`, a mode table the
        // relay does not emulate) make the command not apply, as it would fail on tmux 3.3a.
        let Ok(spec) = command::find(name) else {
            return Applied::Nothing;
        };
        let Ok(parsed) = Args::parse_flags(spec, args) else {
            return Applied::Nothing;
        };
        match spec.name {
            "bind-key" => {
                self.bind(&parsed);
                Applied::Nothing
            }
            "unbind-key" => {
                self.unbind(&parsed);
                Applied::Nothing
            }
            "set-option" | "set-window-option" => self.set(&parsed),
            _ => Applied::Nothing,
        }
    }

    fn bind(&mut self, args: &Args) {
        let Some((key_name, words)) = args.rest.split_first() else {
            return;
        };
        let Some(key) = KeyCode::parse(key_name) else {
            return;
        };
        let binding = Binding {
            repeat: args.has('r'),
            commands: command::split_commands(words),
        };
        self.tables.bind(command::binding_table(args), key, binding);
    }

    fn unbind(&mut self, args: &Args) {
        let table = command::binding_table(args);
        if args.has('a') {
            self.tables.unbind_all(table);
            return;
        }
        if let Some(key) = args.rest.first().and_then(|k| KeyCode::parse(k)) {
            self.tables.unbind(table, key);
        }
    }

    fn set(&mut self, args: &Args) -> Applied {
        let Some((name, value)) = args.rest.split_first() else {
            return Applied::Nothing;
        };
        let value = value.first().cloned().unwrap_or_default();
        match name.as_str() {
            "tmate-authorized-keys" => {
                self.restricted = true;
                self.authorized_keys.clear();
                return Applied::Nothing;
            }
            "tmate-set" => {
                if let Some(line) = value.strip_prefix("authorized_keys=") {
                    // A line with options in front (`no-pty ssh-ed25519 ...`) fails to parse and
                    // is skipped, as in the original.
                    if self.authorized_keys.len() >= MAX_AUTHORIZED_KEYS {
                        // Still restricted: the extra keys are simply not let in.
                        self.restricted = true;
                    } else if let Ok(key) = russh::keys::PublicKey::from_openssh(line.trim()) {
                        self.restricted = true;
                        self.authorized_keys.push(key);
                    }
                } else if value == "foreground=true" {
                    self.foreground = true;
                }
                return Applied::Nothing;
            }
            _ if value.len() > MAX_OPTION_VALUE
                || (self.options.len() >= MAX_OPTIONS && !self.options.contains_key(name)) =>
            {
                return Applied::Nothing;
            }
            option if crate::naming::is_naming_option(option) => {
                return Applied::NamingTooLate(name.clone());
            }
            _ => {}
        }
        if args.has('u') {
            match DEFAULT_OPTIONS.iter().find(|(k, _)| k == name) {
                Some((_, default)) => self.options.insert(name.clone(), default.to_string()),
                None => self.options.remove(name),
            };
        } else if args.has('a') {
            let entry = self.options.entry(name.clone()).or_default();
            if entry.len() + value.len() <= MAX_OPTION_VALUE {
                entry.push_str(&value);
            }
        } else {
            let value = if value.is_empty() && name == "status" {
                // `set -g status` toggles in tmux 2.2.
                if self.status_on() { "off" } else { "on" }.to_string()
            } else {
                value
            };
            self.options.insert(name.clone(), value);
        }
        if name == "status" {
            Applied::DisplayChanged
        } else {
            Applied::Nothing
        }
    }

    /// Whether a viewer's key is allowed in (authorized keys).
    pub fn allows_key(&self, key: &russh::keys::PublicKey) -> bool {
        !self.restricted
            || self
                .authorized_keys
                .iter()
                .any(|k| k.key_data() == key.key_data())
    }
}

/// The option a replicated `set-option` (`set`, `set-window-option`, `setw`) sets, and the
/// value (empty when none is given); `None` for any other command.
pub fn option_set_by(argv: &[String]) -> Option<(String, String)> {
    let (name, args) = argv.split_first()?;
    let spec = command::find(name).ok()?;
    if !matches!(spec.name, "set-option" | "set-window-option") {
        return None;
    }
    let parsed = Args::parse_flags(spec, args).ok()?;
    let (option, value) = parsed.rest.split_first()?;
    Some((option.clone(), value.first().cloned().unwrap_or_default()))
}

/// How the relay treats a command a viewer's binding runs (by the command table's flags); a
/// command the table does not know goes to the host, which answers for it.
pub fn classify(command: &str) -> command::ViewerCommand {
    command::find(command).map_or(command::ViewerCommand::Forward, |spec| spec.for_viewers())
}

/// Split a tmux command line (a viewer's prompt input, a bound command string) into commands
/// of words. The relay has no environment of its own to offer, so `$VAR` expands to nothing.
pub fn parse_command_line(line: &str) -> Result<Vec<Vec<String>>, String> {
    tmate_proto::cmdline::parse_line(line, &|_| None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    /// A hostile host's configuration loops cannot grow the relay's copy without bound.
    #[test]
    fn replicated_configuration_is_bounded() {
        let mut b = Bindings::default();
        for table in 0..40 {
            for key in ('a'..='z').map(String::from) {
                for m in ["", "C-", "M-", "C-M-", "S-"] {
                    let name = format!("{m}{key}");
                    b.apply(&argv(&["bind-key", "-T", &format!("t{table}"), &name, "x"]));
                }
            }
        }
        let total: usize = (0..40).map(|t| b.table_len(&format!("t{t}"))).sum();
        assert_eq!(total, MAX_BINDINGS);
        // Rebinding an existing key still works at the limit.
        b.apply(&argv(&["bind-key", "-T", "t0", "a", "y"]));
        assert_eq!(
            b.lookup("t0", KeyCode::char('a')).unwrap().commands,
            vec![argv(&["y"])]
        );
        let chunk = "x".repeat(16 * 1024);
        for _ in 0..100 {
            b.apply(&argv(&["set-option", "-ag", "status-left", &chunk]));
        }
        assert!(b.option("status-left").unwrap().len() <= MAX_OPTION_VALUE);
        for n in 0..(2 * MAX_OPTIONS) {
            b.apply(&argv(&["set-option", "-g", &format!("@o{n}"), "v"]));
        }
        assert!(b.options.len() <= MAX_OPTIONS);
    }

    #[test]
    fn default_bindings_and_prefix() {
        let mut b = Bindings::default();
        b.apply(&argv(&["bind-key", "C-b", "send-prefix"]));
        b.apply(&argv(&["bind-key", "%", "split-window", "-h"]));
        b.apply(&argv(&["bind-key", "-r", "Up", "select-pane", "-U"]));
        b.apply(&argv(&[
            "bind-key",
            "-n",
            "MouseDown1Pane",
            "select-pane",
            "-t=;",
            "send-keys",
            "-M",
        ]));
        assert_eq!(b.prefix_keys(), [Some(KeyCode(2)), None]);
        assert_eq!(
            b.lookup("prefix", KeyCode::char('%')),
            Some(&Binding {
                repeat: false,
                commands: vec![argv(&["split-window", "-h"])]
            })
        );
        assert!(b.lookup("prefix", KeyCode::UP).unwrap().repeat);
        assert_eq!(
            b.lookup("root", KeyCode::parse("MouseDown1Pane").unwrap())
                .unwrap()
                .commands,
            vec![argv(&["select-pane", "-t="]), argv(&["send-keys", "-M"])]
        );
        // Re-applying the same burst (reconnect) is idempotent.
        b.apply(&argv(&["bind-key", "%", "split-window", "-h"]));
        assert_eq!(b.table_len("prefix"), 3);
        b.apply(&argv(&["unbind-key", "%"]));
        assert_eq!(b.lookup("prefix", KeyCode::char('%')), None);
        b.apply(&argv(&["set-option", "-g", "prefix", "C-a"]));
        assert_eq!(b.prefix_keys(), [Some(KeyCode(1)), None]);
        b.apply(&argv(&["set-option", "-gu", "prefix"]));
        assert_eq!(b.prefix_keys(), [Some(KeyCode(2)), None]);
        assert_eq!(
            b.apply(&argv(&["set-option", "-g", "status", "off"])),
            Applied::DisplayChanged
        );
        assert!(!b.status_on());
        b.apply(&argv(&[
            "bind-key",
            "-T",
            "copy-mode",
            "q",
            "send-keys",
            "-X",
            "cancel",
        ]));
        assert!(b.lookup("copy-mode", KeyCode::char('q')).is_some());
        // Garbage never panics.
        b.apply(&argv(&["bind-key"]));
        b.apply(&argv(&["bind-key", "-T"]));
        b.apply(&argv(&["set-option"]));
        b.apply(&[]);
    }

    #[test]
    fn authorized_keys() {
        let mut b = Bindings::default();
        let key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl user@host";
        assert!(!b.restricted);
        b.apply(&argv(&["set-option", "tmate-authorized-keys", "/tmp/keys"]));
        assert!(b.restricted);
        b.apply(&argv(&[
            "set-option",
            "tmate-set",
            &format!("authorized_keys={key}"),
        ]));
        b.apply(&argv(&[
            "set-option",
            "tmate-set",
            "authorized_keys=garbage",
        ]));
        assert_eq!(b.authorized_keys.len(), 1);
        let parsed = russh::keys::PublicKey::from_openssh(key).unwrap();
        assert!(b.allows_key(&parsed));
        b.apply(&argv(&["set-option", "tmate-set", "foreground=true"]));
        assert!(b.foreground);
    }

    #[test]
    fn command_lines() {
        assert_eq!(
            parse_command_line("rename-window 'my window'; select-pane -t \"%1\"").unwrap(),
            vec![
                argv(&["rename-window", "my window"]),
                argv(&["select-pane", "-t", "%1"])
            ]
        );
        assert_eq!(parse_command_line("  ").unwrap(), Vec::<Vec<String>>::new());
        assert!(parse_command_line("send-keys 'oops").is_err());
        assert_eq!(
            parse_command_line("display $HOME").unwrap(),
            vec![argv(&["display", ""])]
        );
        assert_eq!(
            parse_command_line(r"send-keys a\;b").unwrap(),
            vec![argv(&["send-keys", "a;b"])]
        );
        use tmate_proto::command::ViewerCommand;
        assert_eq!(classify("new-window"), ViewerCommand::Forward);
        assert_eq!(classify("display-message"), ViewerCommand::Relay);
        assert_eq!(classify("choose-tree"), ViewerCommand::Unavailable);
        assert_eq!(classify("no-such-command"), ViewerCommand::Forward);
    }
}
