//! tmux's command table, shared by the host and the relay: each command's name, alias, getopt
//! spec, argument bounds, target kind, usage and what it means to tmate (replicated to the
//! relay, needs a client, starts the server, run by the relay for a viewer...); tmux's lookup by
//! name, alias or unique prefix; one getopt parser with tmux's error words; one `;` splitter.
//! The host adds each command's `exec`; the relay classifies viewers' commands by the flags.

mod table;

use std::collections::BTreeMap;

pub use table::COMMANDS;

/// What a command's `-t` names (tmux `CMD_FIND_*`), which decides how a bare word is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetKind {
    None,
    Session,
    Window,
    Pane,
    Client,
}

/// Bits of `CommandSpec::flags`.
pub mod flags {
    pub const NONE: u16 = 0;
    /// Replayed to the relay after it succeeds on the host (protocol spec 3.7: the relay mirrors
    /// key bindings and options).
    pub const REPLICATED: u16 = 1 << 0;
    /// Starts a server when none runs (tmux `CMD_STARTSERVER`).
    pub const STARTS_SERVER: u16 = 1 << 1;
    /// Acts on the client that runs it (an attached terminal): a relay viewer's copy of it
    /// cannot run on the host (tmate 2.4 crashes or misbehaves, protocol spec 4.7 and 10.3).
    pub const NEEDS_CLIENT: u16 = 1 << 2;
    /// The relay runs it itself for the viewer that pressed the key.
    pub const RELAY_RUNS: u16 = 1 << 3;
    /// Never run for a viewer, neither in the relay nor on the host (server-wide or a mode the
    /// relay does not draw).
    pub const NOT_FOR_VIEWERS: u16 = 1 << 4;
    /// A tmux 2.x command tmate 2.4 still has (gone from tmux 3.3a).
    pub const LEGACY: u16 = 1 << 5;
    /// Runs without a target when `-t` is not given and there is none (tmux's
    /// `CMD_FIND_CANFAIL`): `if-shell`, `run-shell` and `display-message` in a config file
    /// read before any session exists.
    pub const TARGET_CAN_FAIL: u16 = 1 << 6;
}

/// One command of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandSpec {
    pub name: &'static str,
    pub alias: Option<&'static str>,
    /// getopt(3) letters; one followed by `:` takes a value.
    pub getopt: &'static str,
    /// Least and most positional arguments (`None`: no upper bound).
    pub args: (usize, Option<usize>),
    pub target: TargetKind,
    /// As `tmux list-commands` prints it after the name.
    pub usage: &'static str,
    pub flags: u16,
}

impl CommandSpec {
    pub fn has(&self, flag: u16) -> bool {
        self.flags & flag != 0
    }

    /// `usage: NAME USAGE`, as tmux words a usage error.
    pub fn usage_line(&self) -> String {
        format!("usage: {} {}", self.name, self.usage)
    }

    /// How the relay treats this command when a viewer's key binding runs it.
    pub fn for_viewers(&self) -> ViewerCommand {
        if self.has(flags::RELAY_RUNS) {
            ViewerCommand::Relay
        } else if self.has(flags::NEEDS_CLIENT | flags::NOT_FOR_VIEWERS) {
            ViewerCommand::Unavailable
        } else {
            ViewerCommand::Forward
        }
    }

    /// Whether the getopt spec has `flag`, and whether it takes a value.
    fn flag(&self, flag: char) -> Option<bool> {
        let at = self.getopt.find(flag).filter(|_| flag != ':')?;
        Some(self.getopt.get(at + 1..at + 2) == Some(":"))
    }
}

/// What the relay does with a command a viewer's binding runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewerCommand {
    /// Runs on the host (EXEC_CMD): pane, window and session commands.
    Forward,
    /// Runs in the relay for the viewer.
    Relay,
    /// Not available to viewers: the viewer is told so.
    Unavailable,
}

/// tmux's lookup: the exact name or alias, else a unique prefix of a name. Errors as tmux
/// words them (`unknown command: x`, `ambiguous command: sel, could be: select-layout, ...`).
pub fn find(name: &str) -> Result<&'static CommandSpec, String> {
    if let Some(spec) = COMMANDS
        .iter()
        .find(|c| c.name == name || c.alias == Some(name))
    {
        return Ok(spec);
    }
    let matches: Vec<&CommandSpec> = COMMANDS
        .iter()
        .filter(|c| !name.is_empty() && c.name.starts_with(name))
        .collect();
    match matches.as_slice() {
        [one] => Ok(one),
        [] => Err(format!("unknown command: {name}")),
        many => Err(format!(
            "ambiguous command: {name}, could be: {}",
            many.iter().map(|c| c.name).collect::<Vec<_>>().join(", ")
        )),
    }
}

/// A command's parsed arguments: its flags (a value for those that take one; the last one
/// given wins) and the positional arguments after them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Args {
    pub flags: BTreeMap<char, Option<String>>,
    pub rest: Vec<String>,
    /// Every flag value in the order given (tmux keeps them all: `-e A=1 -e B=2`); a flag
    /// without a value is there with an empty one each time it is given (`-EE`).
    pub values: Vec<(char, String)>,
}

impl Args {
    pub fn has(&self, flag: char) -> bool {
        self.flags.contains_key(&flag)
    }

    pub fn get(&self, flag: char) -> Option<&str> {
        self.flags.get(&flag).and_then(|v| v.as_deref())
    }

    /// How many times a flag was given (tmux's `args_has`: `display-popup -EE` is 2).
    pub fn count(&self, flag: char) -> usize {
        self.values.iter().filter(|(f, _)| *f == flag).count()
    }

    /// Every value given for a flag, in order.
    pub fn get_all(&self, flag: char) -> Vec<&str> {
        self.values
            .iter()
            .filter(|(f, _)| *f == flag)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// getopt(3) as tmux uses it (flags until the first word that is not one, or `--`;
    /// `-abc` combined, `-tVALUE` attached), then the argument bounds. Errors in tmux's words:
    /// `command NAME: unknown flag -x`, `command NAME: -t expects an argument`,
    /// `command NAME: too many arguments (need at most 1)`.
    pub fn parse(spec: &CommandSpec, argv: &[String]) -> Result<Args, String> {
        let command = |what: String| format!("command {}: {what}", spec.name);
        let args = Args::parse_flags(spec, argv).map_err(command)?;
        for (i, word) in args.rest.iter().enumerate() {
            if crate::cmdline::block_text(word).is_some() && !takes_commands(spec.name, &args, i) {
                return Err(command(format!("argument {} must be \"string\"", i + 1)));
            }
        }
        let (least, most) = spec.args;
        if args.rest.len() < least {
            return Err(command(format!(
                "too few arguments (need at least {least})"
            )));
        }
        if let Some(most) = most
            && args.rest.len() > most
        {
            return Err(command(format!("too many arguments (need at most {most})")));
        }
        Ok(args)
    }

    /// The flags part of `parse`, without the bounds (for replicated commands the relay reads
    /// leniently) and without the command's name in errors.
    pub fn parse_flags(spec: &CommandSpec, argv: &[String]) -> Result<Args, String> {
        let mut args = Args::default();
        let mut index = 0;
        while let Some(word) = argv.get(index) {
            if word == "--" {
                index += 1;
                break;
            }
            let Some(letters) = word.strip_prefix('-').filter(|l| !l.is_empty()) else {
                break;
            };
            index += 1;
            for (at, flag) in letters.char_indices() {
                match spec.flag(flag) {
                    None => return Err(format!("unknown flag -{flag}")),
                    Some(false) => {
                        args.values.push((flag, String::new()));
                        args.flags.insert(flag, None);
                    }
                    Some(true) => {
                        let attached = letters.get(at + flag.len_utf8()..).unwrap_or_default();
                        let value = if attached.is_empty() {
                            let value = argv
                                .get(index)
                                .cloned()
                                .ok_or_else(|| format!("-{flag} expects an argument"))?;
                            if crate::cmdline::block_text(&value).is_some() {
                                return Err(format!("-{flag} argument must be a string"));
                            }
                            index += 1;
                            value
                        } else {
                            attached.to_string()
                        };
                        args.values.push((flag, value.clone()));
                        args.flags.insert(flag, Some(value));
                        break;
                    }
                }
            }
        }
        args.rest = argv.get(index..).unwrap_or_default().to_vec();
        Ok(args)
    }

    /// The words again, as a command line would give them (flags in letter order).
    pub fn to_words(&self, name: &str) -> Vec<String> {
        let mut words = vec![name.to_string()];
        for (flag, value) in &self.flags {
            words.push(format!("-{flag}"));
            words.extend(value.clone());
        }
        words.extend(self.rest.iter().cloned());
        words
    }
}

/// Whether argument `index` (from 0) of a command may be a `{ }` block: tmux 3.3a's
/// `args_parse` callbacks answer "commands or string" for these, every other argument must be
/// a string.
fn takes_commands(name: &str, args: &Args, index: usize) -> bool {
    match name {
        "bind-key" | "command-prompt" | "confirm-before" | "display-panes" | "choose-tree"
        | "choose-client" | "choose-buffer" => true,
        "if-shell" => index == 1 || index == 2,
        "run-shell" => args.has('C'),
        "set-option" | "set-window-option" | "set-hook" => index == 1,
        // Items of three (name, key, command), or one empty name (a separator).
        "display-menu" => {
            let mut i = 0;
            loop {
                if i == index {
                    return false;
                }
                let name = args.rest.get(i).map(String::as_str).unwrap_or_default();
                i += 1;
                if name.is_empty() {
                    continue;
                }
                if i == index {
                    return false;
                }
                i += 1;
                if i == index {
                    return true;
                }
                i += 1;
            }
        }
        _ => false,
    }
}

/// Split words into commands at `;`: a word that is `;` or ends in an unescaped `;` ends a
/// command (`new -d\; has`, `select-pane -t=; send-keys -M`); `\;` at the end of a word is a
/// literal `;`. Empty commands are dropped.
pub fn split_commands(words: &[String]) -> Vec<Vec<String>> {
    let mut commands = vec![Vec::new()];
    for word in words {
        let (word, ends) = match word.strip_suffix(';') {
            Some(stripped) if stripped.ends_with('\\') => {
                (format!("{};", stripped.trim_end_matches('\\')), false)
            }
            Some(stripped) => (stripped.to_string(), true),
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

/// The key table `bind-key`/`unbind-key` use: `-T` wins over `-n` (root), else `prefix`, as in
/// tmux 3.3a's cmd-bind-key.c.
pub fn binding_table(args: &Args) -> &str {
    match args.get('T') {
        Some(table) => table,
        None if args.has('n') => "root",
        None => "prefix",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &[&str]) -> Vec<String> {
        line.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn lookup_by_name_alias_and_prefix() {
        assert_eq!(find("new-window").map(|c| c.name), Ok("new-window"));
        assert_eq!(find("neww").map(|c| c.name), Ok("new-window"));
        assert_eq!(find("start").map(|c| c.name), Ok("start-server"));
        assert_eq!(find("list-k").map(|c| c.name), Ok("list-keys"));
        assert_eq!(
            find("sel"),
            Err(
                "ambiguous command: sel, could be: select-layout, select-pane, select-window"
                    .into()
            )
        );
        assert_eq!(find("bogus"), Err("unknown command: bogus".into()));
        assert_eq!(find(""), Err("unknown command: ".into()));
    }

    #[test]
    fn getopt_and_bounds_in_tmux_words() {
        let spec = find("select-pane").unwrap();
        let args = Args::parse(spec, &words(&["-LZ", "-t%3"])).unwrap();
        assert!(args.has('L') && args.has('Z'));
        assert_eq!(args.get('t'), Some("%3"));
        assert_eq!(
            Args::parse(spec, &words(&["-Q"])),
            Err("command select-pane: unknown flag -Q".into())
        );
        assert_eq!(
            Args::parse(spec, &words(&["-t"])),
            Err("command select-pane: -t expects an argument".into())
        );
        let rename = find("rename-window").unwrap();
        assert_eq!(
            Args::parse(rename, &[]),
            Err("command rename-window: too few arguments (need at least 1)".into())
        );
        assert_eq!(
            Args::parse(rename, &words(&["a", "b"])),
            Err("command rename-window: too many arguments (need at most 1)".into())
        );
        // `--` ends the flags; a lone `-` is an argument.
        let send = find("send-keys").unwrap();
        let args = Args::parse(send, &words(&["-l", "--", "-x", "-"])).unwrap();
        assert_eq!(args.rest, words(&["-x", "-"]));
        assert_eq!(
            args.to_words("send-keys"),
            words(&["send-keys", "-l", "-x", "-"])
        );
        assert_eq!(
            find("kill-server").unwrap().usage_line(),
            "usage: kill-server "
        );
    }

    #[test]
    fn the_table_is_consistent() {
        for spec in COMMANDS {
            // Every getopt letter is a letter or digit, `:` only after one.
            let mut previous = None;
            for c in spec.getopt.chars() {
                if c == ':' {
                    assert!(previous.is_some_and(|p: char| p != ':'), "{}", spec.name);
                } else {
                    assert!(c.is_ascii_alphanumeric(), "{}", spec.name);
                }
                previous = Some(c);
            }
            if let (least, Some(most)) = spec.args {
                assert!(least <= most, "{}", spec.name);
            }
            // Names and aliases are unique.
            let same = COMMANDS
                .iter()
                .filter(|c| c.name == spec.name || (spec.alias.is_some() && c.alias == spec.alias))
                .count();
            assert_eq!(same, 1, "{}", spec.name);
        }
        // In tmux 3.3a's cmd_table order (list-commands, "could be: ..."): sorted by name but
        // for display-popup, which comes before display-panes.
        assert!(COMMANDS.windows(2).all(|w| w[0].name < w[1].name
            || (w[0].name, w[1].name) == ("display-popup", "display-panes")));
    }

    #[test]
    fn what_viewers_may_run() {
        let kind = |name| find(name).map(|c| c.for_viewers());
        assert_eq!(kind("new-window"), Ok(ViewerCommand::Forward));
        assert_eq!(kind("display-message"), Ok(ViewerCommand::Relay));
        assert_eq!(kind("bind"), Ok(ViewerCommand::Relay));
        assert_eq!(kind("choose-tree"), Ok(ViewerCommand::Unavailable));
        assert_eq!(kind("choose-window"), Ok(ViewerCommand::Unavailable));
        assert_eq!(kind("kill-server"), Ok(ViewerCommand::Unavailable));
        assert_eq!(kind("source"), Ok(ViewerCommand::Unavailable));
        assert!(find("set-option").unwrap().has(flags::REPLICATED));
        assert!(find("new").unwrap().has(flags::STARTS_SERVER));
        assert!(find("start-server").unwrap().has(flags::STARTS_SERVER));
    }

    #[test]
    fn semicolons_split_commands() {
        assert_eq!(
            split_commands(&words(&["new", "-d;", "has"])),
            vec![words(&["new", "-d"]), words(&["has"])]
        );
        assert_eq!(
            split_commands(&words(&["select-pane", "-t=", ";", "send-keys", "-M"])),
            vec![words(&["select-pane", "-t="]), words(&["send-keys", "-M"])]
        );
        assert_eq!(
            split_commands(&words(&["send-keys", "a\\;"])),
            vec![words(&["send-keys", "a;"])]
        );
        assert_eq!(
            split_commands(&words(&[";", ";"])),
            Vec::<Vec<String>>::new()
        );
    }

    /// tmux 3.3a: `bind-key -n -T copy-mode x ...` binds in copy-mode (`-T` wins over `-n`).
    #[test]
    fn bind_key_table_prefers_t_over_n() {
        let bind = find("bind-key").unwrap();
        let args = Args::parse(bind, &words(&["-n", "-T", "copy-mode", "x", "y"])).unwrap();
        assert_eq!(binding_table(&args), "copy-mode");
        let args = Args::parse(bind, &words(&["-n", "x", "y"])).unwrap();
        assert_eq!(binding_table(&args), "root");
        let args = Args::parse(bind, &words(&["x", "y"])).unwrap();
        assert_eq!(binding_table(&args), "prefix");
    }
}
