//! The host's use of tmux command-line syntax (`tmate_proto::cmdline`): lines parsed with this
//! process's environment (a command's argv is split by `tmate_proto::command::split_commands`).

pub use tmate_proto::cmdline::{MAX_LINE, logical_lines};

/// Split one command line into commands of words, with `$VAR` and `~` from this process's
/// environment (`~user` from the password file).
pub fn parse_line(line: &str) -> Result<Vec<Vec<String>>, String> {
    tmate_proto::cmdline::parse_line(line, &|name| lookup(name, |v| std::env::var(v).ok()))
}

/// [`parse_line`] keeping command groups (an empty command between two groups).
pub fn parse_line_grouped(line: &str) -> Result<Vec<Vec<String>>, String> {
    tmate_proto::cmdline::parse_line_grouped(line, &|name| lookup(name, |v| std::env::var(v).ok()))
}

/// [`parse_line`] with `$VAR` from the server's global environment, as tmux's parser reads
/// it (`set-environment -g` changes what later lines see; `%hidden` variables included).
pub fn parse_line_in(
    environ: &crate::environ::Environ,
    line: &str,
) -> Result<Vec<Vec<String>>, String> {
    tmate_proto::cmdline::parse_line(line, &in_environ(environ))
}

/// [`parse_line_grouped`] with `$VAR` from the server's global environment.
pub fn parse_line_grouped_in(
    environ: &crate::environ::Environ,
    line: &str,
) -> Result<Vec<Vec<String>>, String> {
    tmate_proto::cmdline::parse_line_grouped(line, &in_environ(environ))
}

/// The parser's lookups in `environ` (`~user` from the password file).
fn in_environ(environ: &crate::environ::Environ) -> impl Fn(&str) -> Option<String> + '_ {
    |name| lookup(name, |v| environ.get(v).and_then(|e| e.value.clone()))
}

/// What the parser asks for: `~user` is a home directory, anything else a variable from `env`.
pub fn lookup(name: &str, env: impl Fn(&str) -> Option<String>) -> Option<String> {
    match name.strip_prefix('~') {
        Some(user) => user_home(user),
        None => env(name),
    }
}

/// A user's home directory, as tmux's getpwnam(3) finds it (the password file or any other
/// directory service the system names); `None` for an unknown user.
pub fn user_home(user: &str) -> Option<String> {
    let found = nix::unistd::User::from_name(user).ok()??;
    Some(found.dir.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn words_quotes_and_separators() {
        assert_eq!(
            parse_line("rename-window 'my window'; select-pane -t \"%1\" # comment").unwrap(),
            vec![
                argv(&["rename-window", "my window"]),
                argv(&["select-pane", "-t", "%1"])
            ]
        );
        assert_eq!(
            parse_line(r"bind x select-pane \; send-keys a#b").unwrap(),
            vec![argv(&["bind", "x", "select-pane", ";", "send-keys", "a#b"])]
        );
        assert!(parse_line("send-keys 'oops").is_err());
        assert_eq!(parse_line("   ").unwrap(), Vec::<Vec<String>>::new());
        assert_eq!(
            parse_line("set -g status-left ''").unwrap(),
            vec![argv(&["set", "-g", "status-left", ""])]
        );
    }

    #[test]
    fn tilde_user() {
        assert_eq!(
            parse_line("x ~root/a").unwrap(),
            vec![argv(&["x", &format!("{}/a", user_home("root").unwrap())])]
        );
        assert!(parse_line("x ~nosuchuser-zz/a").is_err());
    }

    #[test]
    fn continuation_lines_and_arguments() {
        let lines = logical_lines("set -g mouse \\\n on\n\nbind a b\n");
        assert_eq!(lines[0], (1, "set -g mouse  on".to_string()));
        assert_eq!(lines[2], (4, "bind a b".to_string()));
    }
}
