//! tmux command-line syntax (the common part of tmux's `cmd-parse.y`), shared by the host (config
//! files, `tmate CMD` lines) and the relay (viewers' command prompt, bound command strings):
//! words with single quotes (literal), double quotes (backslash escapes, `$VAR`), `\` escapes,
//! `~` and `$VAR` expansion through a caller-given lookup, `#` comments, `;` separating commands
//! (`\;` a literal `;`), and config text split into logical lines (a trailing `\` continues a
//! line) with their line numbers. No I/O: the environment comes from the caller.

/// Longest logical line accepted; longer ones are an error, not an allocation.
pub const MAX_LINE: usize = 64 * 1024;

/// Split one command line into commands of words. `env` gives `$NAME` (and `HOME` for `~`);
/// the relay passes one that knows nothing.
pub fn parse_line(
    line: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<Vec<String>>, String> {
    if line.len() > MAX_LINE {
        return Err("line too long".into());
    }
    let mut commands: Vec<Vec<String>> = vec![Vec::new()];
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    let end_word = |commands: &mut Vec<Vec<String>>, word: &mut String, in_word: &mut bool| {
        if *in_word {
            if let Some(current) = commands.last_mut() {
                current.push(std::mem::take(word));
            }
            *in_word = false;
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(ch) => word.push(ch),
                        None => return Err("syntax error: unterminated quote".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(ch) => push_escape(&mut word, ch),
                            None => return Err("syntax error: unterminated quote".into()),
                        },
                        Some('$') => expand_var(&mut chars, &mut word, env),
                        Some(ch) => word.push(ch),
                        None => return Err("syntax error: unterminated quote".into()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(ch) = chars.next() {
                    push_escape(&mut word, ch);
                }
            }
            ';' => {
                end_word(&mut commands, &mut word, &mut in_word);
                commands.push(Vec::new());
            }
            '#' if !in_word => break,
            '~' if !in_word => {
                in_word = true;
                if matches!(chars.peek(), None | Some('/') | Some(' ') | Some('\t')) {
                    word.push_str(&env("HOME").unwrap_or_default());
                } else {
                    word.push('~');
                }
            }
            '$' => {
                in_word = true;
                expand_var(&mut chars, &mut word, env);
            }
            c if c.is_whitespace() => end_word(&mut commands, &mut word, &mut in_word),
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    end_word(&mut commands, &mut word, &mut in_word);
    commands.retain(|c| !c.is_empty());
    Ok(commands)
}

fn push_escape(word: &mut String, ch: char) {
    match ch {
        'n' => word.push('\n'),
        't' => word.push('\t'),
        'r' => word.push('\r'),
        'e' => word.push('\x1b'),
        c => word.push(c),
    }
}

/// `$NAME` or `${NAME}` from `env`; a lone `$` stays.
fn expand_var(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    word: &mut String,
    env: &dyn Fn(&str) -> Option<String>,
) {
    let braced = chars.peek() == Some(&'{');
    if braced {
        chars.next();
    }
    let mut name = String::new();
    while let Some(c) = chars.peek().copied() {
        if c.is_ascii_alphanumeric() || c == '_' {
            name.push(c);
            chars.next();
        } else {
            break;
        }
    }
    if braced && chars.peek() == Some(&'}') {
        chars.next();
    }
    if name.is_empty() && !braced {
        word.push('$');
        return;
    }
    word.push_str(&env(&name).unwrap_or_default());
}

/// Config text as logical lines: (first line number, text), continuations joined.
pub fn logical_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut pending: Option<(usize, String)> = None;
    for (n, raw) in text.lines().enumerate() {
        let (start, mut acc) = pending.take().unwrap_or((n + 1, String::new()));
        // An odd number of trailing backslashes continues the line.
        let trailing = raw.len() - raw.trim_end_matches('\\').len();
        if trailing % 2 == 1 && acc.len() < MAX_LINE {
            acc.push_str(raw.get(..raw.len() - 1).unwrap_or_default());
            pending = Some((start, acc));
            continue;
        }
        acc.push_str(raw);
        out.push((start, acc));
    }
    if let Some(p) = pending {
        out.push(p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn words_quotes_variables_and_separators() {
        assert_eq!(
            parse_line(
                "rename-window 'my window'; select-pane -t \"%1\" # comment",
                &no_env
            )
            .unwrap(),
            vec![
                argv(&["rename-window", "my window"]),
                argv(&["select-pane", "-t", "%1"])
            ]
        );
        assert_eq!(
            parse_line(r"send-keys a\;b", &no_env).unwrap(),
            vec![argv(&["send-keys", "a;b"])]
        );
        assert!(parse_line("send-keys 'oops", &no_env).is_err());
        let env = |name: &str| match name {
            "HOME" => Some("/home/u".to_string()),
            "X" => Some("ex".to_string()),
            _ => None,
        };
        assert_eq!(
            parse_line("source ~/conf \"$X-${X}\" $MISSING", &env).unwrap(),
            vec![argv(&["source", "/home/u/conf", "ex-ex", ""])]
        );
        assert!(parse_line(&"x".repeat(MAX_LINE + 1), &no_env).is_err());
    }

    #[test]
    fn logical_lines_join_continuations() {
        let lines = logical_lines("set -g mouse \\\n on\n\nbind a b\n");
        assert_eq!(lines[0], (1, "set -g mouse  on".to_string()));
        assert_eq!(lines[2], (4, "bind a b".to_string()));
    }
}
