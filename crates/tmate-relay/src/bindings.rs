//! The host's key bindings and options as the relay mirrors them from EXEC_CMD replays
//! (`bind-key`, `unbind-key`, `set-option`, `set-window-option`), and what a viewer's bound
//! command means: forwarded to the host, run in the relay for that viewer, or refused.

use std::collections::HashMap;
use std::time::Duration;

use tmate_proto::KeyCode;

/// One binding: the command list a key runs, and whether it repeats (`bind-key -r`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub repeat: bool,
    pub commands: Vec<Vec<String>>,
}

/// Key tables (`root`, `prefix`, and any the host makes with `-T`) plus the options viewers'
/// input and drawing depend on.
#[derive(Debug, Clone)]
pub struct Bindings {
    tables: HashMap<String, HashMap<KeyCode, Binding>>,
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
pub const MAX_BINDINGS: usize = 4096;
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
            tables: HashMap::new(),
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
        self.tables.get(table)?.get(&key)
    }

    /// Number of bindings in a table (for logs and tests).
    pub fn table_len(&self, table: &str) -> usize {
        self.tables.get(table).map_or(0, HashMap::len)
    }

    /// Apply one replicated command. Unknown commands and malformed arguments are ignored:
    /// they come from the host's own configuration and must never end the session.
    pub fn apply(&mut self, argv: &[String]) -> Applied {
        let Some((name, args)) = argv.split_first() else {
            return Applied::Nothing;
        };
        match name.as_str() {
            "bind-key" | "bind" => {
                self.bind(args);
                Applied::Nothing
            }
            "unbind-key" | "unbind" => {
                self.unbind(args);
                Applied::Nothing
            }
            "set-option" | "set" | "set-window-option" | "setw" => self.set(args),
            _ => Applied::Nothing,
        }
    }

    fn bind(&mut self, args: &[String]) {
        let (flags, rest) = parse_flags(args, &['T', 't']);
        // `-t` names a tmux 2.x mode table (vi-copy...), which the relay does not emulate.
        if flags.value('t').is_some() {
            return;
        }
        let Some((key_name, command)) = rest.split_first() else {
            return;
        };
        let Some(key) = KeyCode::parse(key_name) else {
            return;
        };
        let table = flags
            .value('T')
            .map(str::to_string)
            .unwrap_or_else(|| if flags.has('n') { "root" } else { "prefix" }.to_string());
        let binding = Binding {
            repeat: flags.has('r'),
            commands: split_command_list(command),
        };
        let exists = self
            .tables
            .get(&table)
            .is_some_and(|t| t.contains_key(&key));
        let total: usize = self.tables.values().map(HashMap::len).sum();
        if !exists && total >= MAX_BINDINGS {
            return;
        }
        self.tables.entry(table).or_default().insert(key, binding);
    }

    fn unbind(&mut self, args: &[String]) {
        let (flags, rest) = parse_flags(args, &['T', 't']);
        if flags.value('t').is_some() {
            return;
        }
        let table = flags
            .value('T')
            .map(str::to_string)
            .unwrap_or_else(|| if flags.has('n') { "root" } else { "prefix" }.to_string());
        if flags.has('a') {
            self.tables.remove(&table);
            return;
        }
        if let Some(key) = rest.first().and_then(|k| KeyCode::parse(k))
            && let Some(keys) = self.tables.get_mut(&table)
        {
            keys.remove(&key);
        }
    }

    fn set(&mut self, args: &[String]) -> Applied {
        let (flags, rest) = parse_flags(args, &['t']);
        let Some((name, value)) = rest.split_first() else {
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
        if flags.has('u') {
            match DEFAULT_OPTIONS.iter().find(|(k, _)| k == name) {
                Some((_, default)) => self.options.insert(name.clone(), default.to_string()),
                None => self.options.remove(name),
            };
        } else if flags.has('a') {
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

/// Flags of one tmux command, in tmux's argv layout (`-X` elements, values as the next element;
/// boolean flags may be combined as `-nr`).
pub struct Flags {
    booleans: Vec<char>,
    values: Vec<(char, String)>,
}

impl Flags {
    pub fn has(&self, flag: char) -> bool {
        self.booleans.contains(&flag)
    }

    pub fn value(&self, flag: char) -> Option<&str> {
        self.values
            .iter()
            .find(|(f, _)| *f == flag)
            .map(|(_, v)| v.as_str())
    }
}

/// Split leading flags from positional arguments. `with_value` lists the flags that take a value
/// (which may also be attached, as in `-I#S`).
pub fn parse_flags<'a>(args: &'a [String], with_value: &[char]) -> (Flags, &'a [String]) {
    let mut flags = Flags {
        booleans: Vec::new(),
        values: Vec::new(),
    };
    let mut index = 0;
    while let Some(arg) = args.get(index) {
        if arg == "--" {
            index += 1;
            break;
        }
        let Some(letters) = arg.strip_prefix('-').filter(|l| !l.is_empty()) else {
            break;
        };
        index += 1;
        for (at, flag) in letters.char_indices() {
            if with_value.contains(&flag) {
                let attached = letters.get(at + flag.len_utf8()..).unwrap_or_default();
                let value = if attached.is_empty() {
                    let next = args.get(index).cloned().unwrap_or_default();
                    index += 1;
                    next
                } else {
                    attached.to_string()
                };
                flags.values.push((flag, value));
                break;
            }
            flags.booleans.push(flag);
        }
    }
    (flags, args.get(index..).unwrap_or_default())
}

/// The option a replicated `set-option` (`set`, `set-window-option`, `setw`) sets, and the
/// value (empty when none is given); `None` for any other command.
pub fn option_set_by(argv: &[String]) -> Option<(&str, &str)> {
    let (command, args) = argv.split_first()?;
    if !matches!(
        command.as_str(),
        "set-option" | "set" | "set-window-option" | "setw"
    ) {
        return None;
    }
    let (_, rest) = parse_flags(args, &['t']);
    let (name, value) = rest.split_first()?;
    Some((name, value.first().map_or("", String::as_str)))
}

/// Split a bound command's words into commands at `;` (an element `;` or one ending in an
/// unescaped `;`, as in `select-pane -t=; send-keys -M`).
pub fn split_command_list(words: &[String]) -> Vec<Vec<String>> {
    let mut commands = vec![Vec::new()];
    for word in words {
        let (word, ends) = match word.strip_suffix(';') {
            Some(stripped) if !stripped.ends_with('\\') => (stripped.to_string(), true),
            Some(stripped) => (format!("{};", stripped.trim_end_matches('\\')), false),
            None => (word.clone(), false),
        };
        if (!word.is_empty() || !ends)
            && let Some(current) = commands.last_mut()
        {
            current.push(word);
        }
        if ends {
            commands.push(Vec::new());
        }
    }
    commands.retain(|c| !c.is_empty());
    commands
}

/// How the relay treats a command a viewer's binding runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommandKind {
    /// Runs on the host (EXEC_CMD): pane, window and session commands.
    Forward,
    /// Runs in the relay for the viewer that pressed the key.
    Local,
    /// Needs a client on the host (crashes or misbehaves there, protocol spec 4.7 and 10.3) and
    /// is not emulated: the viewer gets a message instead.
    Unavailable,
}

/// Commands the relay runs itself for the viewer.
const LOCAL: &[&str] = &[
    "detach-client",
    "detach",
    "send-prefix",
    "command-prompt",
    "confirm-before",
    "confirm",
    "display-message",
    "display",
    "refresh-client",
    "refresh",
    "bind-key",
    "bind",
    "unbind-key",
    "unbind",
    "set-option",
    "set",
    "set-window-option",
    "setw",
];

/// Client-bound commands: never forwarded (display-message crashed tmate 2.4's host, spec 4.7).
const UNAVAILABLE: &[&str] = &[
    "attach-session",
    "attach",
    "choose-buffer",
    "choose-client",
    "choose-session",
    "choose-tree",
    "choose-window",
    "clock-mode",
    "display-panes",
    "displayp",
    "find-window",
    "findw",
    "list-keys",
    "lsk",
    "lock-client",
    "lockc",
    "lock-server",
    "lock",
    "lock-session",
    "locks",
    "show-messages",
    "showmsgs",
    "suspend-client",
    "suspendc",
    "switch-client",
    "switchc",
    "kill-server",
    "source-file",
    "source",
];

pub fn classify(command: &str) -> CommandKind {
    if LOCAL.contains(&command) {
        CommandKind::Local
    } else if UNAVAILABLE.contains(&command) {
        CommandKind::Unavailable
    } else {
        CommandKind::Forward
    }
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
        for table in 0..100 {
            for key in ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"] {
                for m in ["", "C-", "M-", "C-M-", "S-"] {
                    let name = format!("{m}{key}");
                    b.apply(&argv(&["bind-key", "-T", &format!("t{table}"), &name, "x"]));
                }
            }
        }
        let total: usize = (0..100).map(|t| b.table_len(&format!("t{t}"))).sum();
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
        let words = argv(&["-I#S", "-p", "name", "rename '%%'"]);
        let (flags, rest) = parse_flags(&words, &['I', 'p']);
        assert_eq!(flags.value('I'), Some("#S"));
        assert_eq!(flags.value('p'), Some("name"));
        assert_eq!(rest, &argv(&["rename '%%'"])[..]);
        assert_eq!(classify("new-window"), CommandKind::Forward);
        assert_eq!(classify("display-message"), CommandKind::Local);
        assert_eq!(classify("choose-tree"), CommandKind::Unavailable);
    }
}
