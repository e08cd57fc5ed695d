//! Environments as tmux keeps them (`environ.c`): the global one (the server's own at start)
//! and each session's, with variables set, marked for removal (`setenv -r`, shown `-NAME`) or
//! hidden (`-h`: kept for formats, never given to processes); and what a new pane's process
//! gets from both. No I/O: the server reads its own environment in at start.

use std::collections::BTreeMap;

/// Most variables one environment holds: they come from users' commands and configs.
pub const MAX_VARS: usize = 4096;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvVar {
    /// `None`: marked for removal from processes started here (`setenv -r`).
    pub value: Option<String>,
    pub hidden: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Environ {
    vars: BTreeMap<String, EnvVar>,
}

impl Environ {
    /// From `NAME=value` pairs (the server's own environment at start).
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Environ {
        let mut env = Environ::default();
        for (name, value) in pairs {
            if check_name(&name).is_ok() && env.vars.len() < MAX_VARS {
                env.vars.insert(
                    name,
                    EnvVar {
                        value: Some(value),
                        hidden: false,
                    },
                );
            }
        }
        env
    }

    pub fn is_empty(&self) -> bool {
        self.vars.is_empty()
    }

    pub fn get(&self, name: &str) -> Option<&EnvVar> {
        self.vars.get(name)
    }

    /// Set `name` (`value: None` marks it for removal), replacing what was there.
    pub fn set(&mut self, name: &str, value: Option<String>, hidden: bool) -> Result<(), String> {
        check_name(name)?;
        if !self.vars.contains_key(name) && self.vars.len() >= MAX_VARS {
            return Err(format!("too many variables (at most {MAX_VARS})"));
        }
        self.vars.insert(name.to_string(), EnvVar { value, hidden });
        Ok(())
    }

    /// Forget `name` altogether (`setenv -u`).
    pub fn unset(&mut self, name: &str) {
        self.vars.remove(name);
    }

    /// tmux's `environ_update`: for each `update-environment` pattern (fnmatch), copy the
    /// client's matching variables in, or mark the name removed (`-NAME`) when none matches.
    pub fn update<'a>(
        &mut self,
        patterns: impl IntoIterator<Item = &'a str>,
        client: &[(String, String)],
    ) {
        for pattern in patterns {
            let mut found = false;
            for (name, value) in client {
                if crate::config::wildcard_match(pattern.as_bytes(), name.as_bytes()) {
                    let _ = self.set(name, Some(value.clone()), false);
                    found = true;
                }
            }
            if !found {
                let _ = self.set(pattern, None, false);
            }
        }
    }

    /// `-e NAME=value` words (new-session, new-window, split-window); a word without `=`
    /// is ignored, as tmux's `environ_put` does.
    pub fn put_all<'a>(&mut self, words: impl IntoIterator<Item = &'a str>) {
        for word in words {
            if let Some((name, value)) = word.split_once('=') {
                let _ = self.set(name, Some(value.to_string()), false);
            }
        }
    }

    /// The `-e` flags of new-window/split-window/respawn-* as variables for the new pane alone.
    pub fn from_e_flag<'a>(words: impl IntoIterator<Item = &'a str>) -> Option<Environ> {
        let mut env = Environ::default();
        env.put_all(words);
        (!env.is_empty()).then_some(env)
    }

    /// Variables in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &EnvVar)> {
        self.vars.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// What a process started in a session gets (tmux's `environ_for_session` then
    /// `environ_push`): the global variables overlaid by the session's, without removed or
    /// hidden ones.
    pub fn for_process(global: &Environ, session: Option<&Environ>) -> Vec<(String, String)> {
        let mut merged = global.vars.clone();
        if let Some(s) = session {
            merged.extend(s.vars.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        merged
            .into_iter()
            .filter(|(_, v)| !v.hidden)
            .filter_map(|(k, v)| v.value.map(|value| (k, value)))
            .collect()
    }
}

/// A variable name tmux accepts, with its error words.
pub fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("empty variable name".into());
    }
    if name.contains('=') {
        return Err("variable name contains =".into());
    }
    Ok(())
}

/// A `show-environment` line: `NAME=value`, `-NAME` when removed; with `shell` (`-s`) as
/// `NAME="value"; export NAME;` or `unset NAME;` (tmux escapes `$ \` " and backquote).
pub fn show_line(name: &str, var: &EnvVar, shell: bool) -> String {
    match (&var.value, shell) {
        (Some(value), false) => format!("{name}={value}\n"),
        (None, false) => format!("-{name}\n"),
        (Some(value), true) => {
            let mut quoted = String::with_capacity(value.len() + 2);
            for c in value.chars() {
                if matches!(c, '$' | '`' | '"' | '\\') {
                    quoted.push('\\');
                }
                quoted.push(c);
            }
            format!("{name}=\"{quoted}\"; export {name};\n")
        }
        (None, true) => format!("unset {name};\n"),
    }
}

/// A client's locale is UTF-8, as tmux's client decides it: the first of `LC_ALL`,
/// `LC_CTYPE`, `LANG` that is set and not empty names UTF-8 (or UTF8) in any case.
pub fn locale_is_utf8(get: impl Fn(&str) -> Option<String>) -> bool {
    ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .find_map(|k| get(k).filter(|v| !v.is_empty()))
        .is_some_and(|v| {
            let upper = v.to_ascii_uppercase();
            upper.contains("UTF-8") || upper.contains("UTF8")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_override_the_global_environment_for_processes() {
        let mut global = Environ::from_pairs([
            ("HOME".to_string(), "/root".to_string()),
            ("DISPLAY".to_string(), ":0".to_string()),
            ("LANG".to_string(), "C".to_string()),
        ]);
        global.set("SECRET", Some("x".into()), true).unwrap();
        let mut session = Environ::default();
        session.set("DISPLAY", None, false).unwrap();
        session.set("LANG", Some("C.UTF-8".into()), false).unwrap();
        let env = Environ::for_process(&global, Some(&session));
        assert_eq!(
            env,
            [
                ("HOME".to_string(), "/root".to_string()),
                ("LANG".to_string(), "C.UTF-8".to_string())
            ]
        );
        assert_eq!(Environ::for_process(&global, None).len(), 3);
    }

    #[test]
    fn update_copies_matches_and_marks_missing_names_removed() {
        let client = [
            ("DISPLAY".to_string(), ":1".to_string()),
            ("SSH_A".to_string(), "a".to_string()),
            ("SSH_B".to_string(), "b".to_string()),
            ("OTHER".to_string(), "o".to_string()),
        ];
        let mut env = Environ::default();
        env.update(["DISPLAY", "SSH_*", "XAUTHORITY"], &client);
        let shown: Vec<String> = env.iter().map(|(k, v)| show_line(k, v, false)).collect();
        assert_eq!(
            shown,
            ["DISPLAY=:1\n", "SSH_A=a\n", "SSH_B=b\n", "-XAUTHORITY\n"]
        );
        env.put_all(["A=1=2", "NOEQUALS"]);
        assert_eq!(env.get("A").and_then(|v| v.value.as_deref()), Some("1=2"));
        assert!(env.get("NOEQUALS").is_none());
    }

    #[test]
    fn names_are_checked_and_the_count_bounded() {
        let mut env = Environ::default();
        assert_eq!(env.set("", None, false).unwrap_err(), "empty variable name");
        assert_eq!(
            env.set("A=B", None, false).unwrap_err(),
            "variable name contains ="
        );
        for i in 0..MAX_VARS {
            env.set(&format!("V{i}"), Some(String::new()), false)
                .unwrap();
        }
        assert!(env.set("ONE_MORE", None, false).is_err());
        // Replacing one that exists is still allowed.
        env.set("V0", Some("new".into()), false).unwrap();
        env.unset("V1");
        assert!(env.get("V1").is_none());
    }

    #[test]
    fn show_lines_as_tmux_prints_them() {
        let set = EnvVar {
            value: Some("a \"b\" $c".into()),
            hidden: false,
        };
        let removed = EnvVar {
            value: None,
            hidden: false,
        };
        assert_eq!(show_line("X", &set, false), "X=a \"b\" $c\n");
        assert_eq!(show_line("X", &removed, false), "-X\n");
        assert_eq!(
            show_line("X", &set, true),
            "X=\"a \\\"b\\\" \\$c\"; export X;\n"
        );
        assert_eq!(show_line("X", &removed, true), "unset X;\n");
    }
}
