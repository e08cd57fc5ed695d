//! tmux 3.3a command-line syntax (`cmd-parse.y`), shared by the host (config files, `tmate CMD`
//! lines) and the relay (viewers' command prompt, bound command strings): words with single
//! quotes (literal), double quotes (backslash escapes, `$VAR`), `\` escapes (`\e`, `\n`, octal,
//! `\uXXXX`), `~` and `$VAR` expansion through a caller-given lookup, `#` comments, `;` or a
//! newline separating commands (a word ends at `;` and `}`; `\;` is a literal `;`), `{ ... }`
//! blocks as arguments (a block over several lines keeps tmux's command groups, one per line),
//! `NAME=value` and `%hidden NAME=value` assignments, and config text
//! split into logical lines (a trailing `\` continues a line, an open `{` takes the next lines)
//! with their line numbers. No I/O: the environment comes from the caller.

use std::iter::Peekable;
use std::str::Chars;

/// Longest logical line accepted; longer ones are an error, not an allocation.
pub const MAX_LINE: usize = 64 * 1024;

/// Deepest nesting of `{ }` blocks (the parser recurses once per level).
pub const MAX_BLOCK_DEPTH: usize = 32;

/// First character of a word that came from a `{ ... }` block: the rest is the block's
/// commands as command-line text (words quoted, `;` between commands). A block stays one word
/// so that every command taking a command string (`bind-key`, `if-shell`, `confirm-before`)
/// reads it as it reads a quoted string, while `list-keys` can still print it as `{ ... }` as
/// tmux does. A private-use character, never produced from input (the lexer drops it).
pub const BLOCK: char = '\u{E000}';

/// Where [`logical_lines_counted`] joined a line ending in `\` to the next: nothing to the
/// lexer but a line to count, as tmux's `yylex_getc` counts an escaped newline.
pub const CONT: char = '\u{E002}';

/// The line numbers of one logical line's commands as tmux 3.3a's parser gives them (see
/// [`parse_line_counted`]), with those of the commands of each `{ }` block argument in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CommandLine {
    pub line: usize,
    pub blocks: Vec<Vec<CommandLine>>,
}

/// The command text of a block word, or `None` for an ordinary word.
pub fn block_text(word: &str) -> Option<&str> {
    word.strip_prefix(BLOCK)
}

/// A word as plain text: a block's commands without the marker, its groups joined by ` ; `
/// (what tmux 2.x, the relay's tmate 2.4 peers, reads as a command string).
pub fn plain_word(word: &str) -> String {
    match block_text(word) {
        Some(inner) => inner.replace('\n', " ; "),
        None => word.to_string(),
    }
}

/// Longest `~user` name (tmux's buffer less its terminator).
const MAX_USER_NAME: usize = 1022;

/// The quoting the last character of a word was read in (tmux's `last` in `yylex_token`):
/// `~` is expanded only where this differs from the quoting it is read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quoting {
    Start,
    None,
    Double,
    Single,
}

/// Split one command line into commands of words. `env` gives `$NAME` (and `HOME` for `~`,
/// and for `~user` the key `~user`: that user's home directory); the relay passes one that
/// knows nothing.
pub fn parse_line(
    line: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<Vec<String>>, String> {
    let mut commands = parse_line_grouped(line, env)?;
    commands.retain(|c| !c.is_empty());
    Ok(commands)
}

/// [`parse_line`] with tmux 3.3a's command groups: commands given different line numbers
/// (on different lines of a block written over several lines, see [`parse_line_counted`])
/// are different groups, an empty command between them. An error skips only the rest of its
/// group, and list-keys prints the break as `\;\;`.
pub fn parse_line_grouped(
    line: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<Vec<String>>, String> {
    parse_line_counted(line, 1, env).map(|(commands, _)| commands)
}

/// [`parse_line_grouped`] with each command's line number, `first` being the number of the
/// line the text starts on. A command's number is the line tmux's parser is on when it reads
/// the token after the command's last word: a newline ending a line is counted only when the
/// next token is read, the newline of a comment and a `\` continuation at once (so a command
/// followed by a comment takes the next line's number and joins that line's group).
pub fn parse_line_counted(
    line: &str,
    first: usize,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<(Vec<Vec<String>>, Vec<CommandLine>), String> {
    if line.len() > MAX_LINE {
        return Err("line too long".into());
    }
    let text = block_text(line).unwrap_or(line);
    let mut lexer = Lexer {
        chars: text.chars().peekable(),
        env,
        line: first,
        eol: false,
    };
    lexer.commands(0)
}

/// Quote a word so that `parse_line` gives it back unchanged (a block word as `{ ... }`).
pub fn quote(word: &str) -> String {
    if let Some(inner) = block_text(word) {
        return if inner.is_empty() {
            "{ }".into()
        } else {
            format!("{{ {inner} }}")
        };
    }
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./:%@+,=^!?*[]".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        return word.to_string();
    }
    let mut out = String::from("\"");
    for (i, c) in word.chars().enumerate() {
        match c {
            '"' | '\\' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x1b' => out.push_str("\\e"),
            // A `~` first inside the quotes would be a home directory (tmux's args_escape
            // escapes it too).
            '~' if i == 0 => out.push_str("\\~"),
            BLOCK | CONT => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Commands as one line of text that `parse_line` reads back as the same commands (a group
/// break, an empty command, as a newline).
pub fn join_commands(commands: &[Vec<String>]) -> String {
    let mut out = String::new();
    let mut group_break = false;
    for c in commands {
        if c.is_empty() {
            group_break = true;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if group_break { "\n" } else { " ; " });
        }
        group_break = false;
        out.push_str(&c.iter().map(|w| quote(w)).collect::<Vec<_>>().join(" "));
    }
    out
}

/// A config line that sets an environment variable (`NAME=value`, `%hidden NAME=value`):
/// whether it is hidden, the name and the value. `None` when the line is something else;
/// tmux treats the first word as an assignment only when it starts with a name and `=`.
pub fn assignment(
    line: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<Result<(bool, String, String), String>> {
    let line = line.trim_start_matches([' ', '\t']);
    let (hidden, rest) = match line.strip_prefix("%hidden") {
        Some(rest) if rest.starts_with([' ', '\t']) => (true, rest.trim_start_matches([' ', '\t'])),
        _ => (false, line),
    };
    let Some((name, value)) = rest.split_once('=') else {
        return hidden.then(|| Err("syntax error".to_string()));
    };
    let mut chars = name.chars();
    let starts = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if !starts || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return hidden.then(|| Err("syntax error".to_string()));
    }
    let parsed = parse_line(value, env).and_then(|commands| match commands.as_slice() {
        [] => Ok(String::new()),
        [one] if one.len() == 1 => Ok(one.concat()),
        _ => Err("syntax error".to_string()),
    });
    Some(parsed.map(|value| (hidden, name.to_string(), value)))
}

/// The lexer over one logical line.
struct Lexer<'a, 'e> {
    chars: Peekable<Chars<'a>>,
    env: &'e dyn Fn(&str) -> Option<String>,
    /// The line the lexer is on, as tmux's `pi->line`.
    line: usize,
    /// A newline token was read: the next token starts on the next line.
    eol: bool,
}

/// The commands of one list as the lexer builds them: group breaks (an empty command) where
/// the line number changes, each command's line and its blocks' lines.
#[derive(Default)]
struct Built {
    commands: Vec<Vec<String>>,
    lines: Vec<CommandLine>,
    current: Vec<String>,
    blocks: Vec<Vec<CommandLine>>,
}

impl Built {
    /// The command being read ends here, on `line`.
    fn end(&mut self, line: usize) {
        if self.current.is_empty() {
            return;
        }
        if self.lines.last().is_some_and(|l| l.line != line) {
            self.commands.push(Vec::new());
        }
        self.commands.push(std::mem::take(&mut self.current));
        self.lines.push(CommandLine {
            line,
            blocks: std::mem::take(&mut self.blocks),
        });
    }
}

impl Lexer<'_, '_> {
    /// Commands up to the end of the text, or (inside a block, `depth` > 0) to its `}`.
    fn commands(&mut self, depth: usize) -> Result<(Vec<Vec<String>>, Vec<CommandLine>), String> {
        let mut built = Built::default();
        loop {
            let Some(c) = self.chars.peek().copied() else {
                if depth > 0 {
                    return Err("syntax error".into());
                }
                built.end(self.line);
                break;
            };
            if !matches!(c, ' ' | '\t' | '\r' | BLOCK | CONT) && self.eol {
                // tmux counts a newline token's line when it reads the token after it.
                self.line += 1;
                self.eol = false;
            }
            match c {
                ' ' | '\t' | '\r' | BLOCK => {
                    self.chars.next();
                }
                CONT => {
                    self.chars.next();
                    self.line += 1;
                }
                ';' => {
                    self.chars.next();
                    built.end(self.line);
                }
                '\n' => {
                    self.chars.next();
                    built.end(self.line);
                    self.eol = true;
                }
                '#' => {
                    self.comment();
                    // A comment's newline is counted at once (tmux's lexer), also the one
                    // that ended the logical line, before the command ends.
                    self.chars.next_if_eq(&'\n');
                    self.line += 1;
                    built.end(self.line);
                }
                '}' => {
                    self.chars.next();
                    if depth == 0 {
                        return Err("syntax error".into());
                    }
                    built.end(self.line);
                    break;
                }
                '{' => {
                    self.chars.next();
                    // A block is an argument: a command cannot start with one.
                    if built.current.is_empty() {
                        return Err("syntax error".into());
                    }
                    if depth >= MAX_BLOCK_DEPTH {
                        return Err("syntax error: too many nested blocks".into());
                    }
                    let (inner, lines) = self.commands(depth + 1)?;
                    built
                        .current
                        .push(format!("{BLOCK}{}", join_commands(&inner)));
                    built.blocks.push(lines);
                }
                _ => {
                    let word = self.word()?;
                    built.current.push(word);
                }
            }
        }
        Ok((built.commands, built.lines))
    }

    /// `#` at the start of a word: a comment to the end of the line (`#{` too, as tmux).
    fn comment(&mut self) {
        while let Some(c) = self.chars.peek() {
            if *c == '\n' {
                break;
            }
            self.chars.next();
        }
    }

    /// One word: up to a blank, `;`, `}` or the end of the line, quotes and escapes inside.
    /// A `~` is a home directory where tmux's `yylex_token` expands it: first in the word,
    /// or first after a quote opened or closed (its `last != state`), never in single quotes.
    fn word(&mut self) -> Result<String, String> {
        let mut word = String::new();
        let mut last = Quoting::Start;
        while let Some(c) = self.chars.peek().copied() {
            match c {
                ' ' | '\t' | '\r' | '\n' | ';' | '}' => break,
                '\'' => {
                    self.chars.next();
                    self.single_quoted(&mut word, &mut last)?;
                    continue;
                }
                '"' => {
                    self.chars.next();
                    self.double_quoted(&mut word, &mut last)?;
                    continue;
                }
                '~' if last != Quoting::None => {
                    self.chars.next();
                    self.tilde(&mut word)?;
                }
                '\\' => {
                    self.chars.next();
                    match self.chars.next() {
                        Some(ch) => self.escape(&mut word, ch)?,
                        None => word.push('\\'),
                    }
                }
                '$' => {
                    self.chars.next();
                    self.variable(&mut word);
                }
                BLOCK => {
                    self.chars.next();
                    continue;
                }
                CONT => {
                    self.chars.next();
                    self.line += 1;
                    continue;
                }
                c => {
                    self.chars.next();
                    word.push(c);
                }
            }
            last = Quoting::None;
        }
        Ok(word)
    }

    /// tmux's yylex_token_tilde: a user name up to `/`, a blank or a quote; none is $HOME, an
    /// unknown user is a syntax error.
    fn tilde(&mut self, word: &mut String) -> Result<(), String> {
        let mut name = String::new();
        while let Some(c) = self.chars.peek().copied() {
            if "/ \t\n\"'".contains(c) {
                break;
            }
            if name.len() >= MAX_USER_NAME {
                return Err("user name is too long".into());
            }
            name.push(c);
            self.chars.next();
        }
        if name.is_empty() {
            word.push_str(&(self.env)("HOME").unwrap_or_default());
        } else {
            let home = (self.env)(&format!("~{name}")).ok_or("syntax error")?;
            word.push_str(&home);
        }
        Ok(())
    }

    /// Inside `'...'`: every character as it is. `last` becomes single-quoted once one is.
    fn single_quoted(&mut self, word: &mut String, last: &mut Quoting) -> Result<(), String> {
        loop {
            match self.chars.next() {
                Some('\'') => return Ok(()),
                Some(BLOCK) => {}
                Some(CONT) => self.line += 1,
                Some(ch) => {
                    word.push(ch);
                    *last = Quoting::Single;
                }
                None => return Err("syntax error: unterminated quote".into()),
            }
        }
    }

    /// Inside `"..."`: escapes, variables and a first `~` expanded.
    fn double_quoted(&mut self, word: &mut String, last: &mut Quoting) -> Result<(), String> {
        loop {
            match self.chars.next() {
                Some('"') => return Ok(()),
                Some('\\') => match self.chars.next() {
                    Some(ch) => self.escape(word, ch)?,
                    None => return Err("syntax error: unterminated quote".into()),
                },
                Some('$') => self.variable(word),
                Some('~') if *last != Quoting::Double => self.tilde(word)?,
                Some(BLOCK) => continue,
                Some(CONT) => {
                    self.line += 1;
                    continue;
                }
                Some(ch) => word.push(ch),
                None => return Err("syntax error: unterminated quote".into()),
            }
            *last = Quoting::Double;
        }
    }

    /// The character after a `\`, as tmux's `yylex_token_escape`: C escapes, `\e`, `\s`,
    /// three octal digits, `\uXXXX` and `\UXXXXXXXX`; any other character stands for itself.
    fn escape(&mut self, word: &mut String, ch: char) -> Result<(), String> {
        let simple = match ch {
            'a' => Some('\x07'),
            'b' => Some('\x08'),
            'e' => Some('\x1b'),
            'f' => Some('\x0c'),
            's' => Some(' '),
            'v' => Some('\x0b'),
            'r' => Some('\r'),
            'n' => Some('\n'),
            't' => Some('\t'),
            _ => None,
        };
        if let Some(c) = simple {
            word.push(c);
            return Ok(());
        }
        let (digits, radix) = match ch {
            '0'..='7' => (2, 8),
            'u' => (4, 16),
            'U' => (8, 16),
            c => {
                word.push(c);
                return Ok(());
            }
        };
        let mut text = String::new();
        if radix == 8 {
            text.push(ch);
        }
        for _ in 0..digits {
            match self.chars.next_if(|c| c.is_digit(radix)) {
                Some(c) => text.push(c),
                None => return Err(format!("invalid \\{ch} argument")),
            }
        }
        let code =
            u32::from_str_radix(&text, radix).map_err(|_| format!("invalid \\{ch} argument"))?;
        match char::from_u32(code).filter(|c| ![BLOCK, CONT].contains(c)) {
            Some(c) => word.push(c),
            None => return Err(format!("invalid \\{ch} argument")),
        }
        Ok(())
    }

    /// `$NAME` or `${NAME}` from the environment; a lone `$` stays, and so does one before a
    /// digit (`$2` in an awk program), as tmux's lexer reads it: a name does not start with one.
    fn variable(&mut self, word: &mut String) {
        let braced = self.chars.next_if_eq(&'{').is_some();
        if !braced && self.chars.peek().is_some_and(char::is_ascii_digit) {
            word.push('$');
            return;
        }
        let mut name = String::new();
        while let Some(c) = self
            .chars
            .next_if(|c| c.is_ascii_alphanumeric() || *c == '_')
        {
            name.push(c);
        }
        if braced {
            self.chars.next_if_eq(&'}');
        }
        if name.is_empty() && !braced {
            word.push('$');
            return;
        }
        word.push_str(&(self.env)(&name).unwrap_or_default());
    }
}

/// Config text as logical lines: (first line number, text). A line ending in an odd number of
/// backslashes continues on the next; a line that leaves a `{` open continues too, joined by
/// a newline (which separates the block's commands, as in tmux).
pub fn logical_lines(text: &str) -> Vec<(usize, String)> {
    logical_lines_with(text, false)
}

/// [`logical_lines`] with a [`CONT`] where a `\` joined two lines, so that
/// [`parse_line_counted`] counts them.
pub fn logical_lines_counted(text: &str) -> Vec<(usize, String)> {
    logical_lines_with(text, true)
}

fn logical_lines_with(text: &str, mark: bool) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut pending: Option<(usize, String, usize)> = None;
    for (n, raw) in text.lines().enumerate() {
        let (start, mut acc, depth) = pending.take().unwrap_or((n + 1, String::new(), 0));
        if depth > 0 {
            acc.push('\n');
        }
        let trailing = raw.len() - raw.trim_end_matches('\\').len();
        if trailing % 2 == 1 && acc.len() < MAX_LINE {
            acc.push_str(raw.get(..raw.len() - 1).unwrap_or_default());
            if mark {
                acc.push(CONT);
            }
            pending = Some((start, acc, depth));
            continue;
        }
        let depth = open_blocks(raw, depth);
        acc.push_str(raw);
        if depth > 0 && acc.len() < MAX_LINE {
            pending = Some((start, acc, depth));
            continue;
        }
        out.push((start, acc));
    }
    if let Some((start, acc, depth)) = pending {
        // A block still open at the end: tmux's parser fails where the file ends (the line
        // after the last newline).
        let line = if depth > 0 {
            text.matches('\n').count() + 1
        } else {
            start
        };
        out.push((line, acc));
    }
    out
}

/// How many `{` blocks are open after `line`, given `depth` open before it: braces at the
/// start of a word and outside quotes and comments, as the lexer reads them.
fn open_blocks(line: &str, mut depth: usize) -> usize {
    let mut chars = line.chars();
    let mut at_start = true;
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                chars.by_ref().find(|c| *c == '\'');
                at_start = false;
            }
            '"' => {
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
                at_start = false;
            }
            '\\' => {
                chars.next();
                at_start = false;
            }
            '#' if at_start => break,
            '{' if at_start => depth += 1,
            '}' => {
                depth = depth.saturating_sub(1);
                at_start = true;
            }
            ' ' | '\t' | ';' => at_start = true,
            _ => at_start = false,
        }
    }
    depth
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

    fn parse(line: &str) -> Vec<Vec<String>> {
        parse_line(line, &no_env).unwrap()
    }

    fn block(text: &str) -> String {
        format!("{BLOCK}{text}")
    }

    #[test]
    fn words_quotes_variables_and_separators() {
        assert_eq!(
            parse("rename-window 'my window'; select-pane -t \"%1\" # comment"),
            vec![
                argv(&["rename-window", "my window"]),
                argv(&["select-pane", "-t", "%1"])
            ]
        );
        assert_eq!(parse(r"send-keys a\;b"), vec![argv(&["send-keys", "a;b"])]);
        // A word ends at `;` (tmux 3.3a): `a;b` is two commands.
        assert_eq!(parse("x a;b"), vec![argv(&["x", "a"]), argv(&["b"])]);
        assert_eq!(parse("x a#b #c"), vec![argv(&["x", "a#b"])]);
        assert_eq!(parse("x #{pane_id}"), vec![argv(&["x"])]);
        assert!(parse_line("send-keys 'oops", &no_env).is_err());
        let env = |name: &str| match name {
            "HOME" => Some("/home/u".to_string()),
            "X" => Some("ex".to_string()),
            _ => None,
        };
        assert_eq!(
            parse_line("source ~/conf \"$X-${X}\" $MISSING a~b '$X' ~", &env).unwrap(),
            vec![argv(&[
                "source",
                "/home/u/conf",
                "ex-ex",
                "",
                "a~b",
                "$X",
                "/home/u"
            ])]
        );
        // `~` first after a quote opened or closed is a home too (tmux 3.3a's `last != state`:
        // `yank="~/y.sh"`), not after other characters, never in single quotes.
        assert_eq!(
            parse_line(
                "x y=\"~/a\" \"~\" \"a~\" '~' 'q'~/b \"\"~ \"a\"~ b\"~/c\"",
                &env
            )
            .unwrap(),
            vec![argv(&[
                "x",
                "y=/home/u/a",
                "/home/u",
                "a~",
                "~",
                "q/home/u/b",
                "/home/u",
                "a/home/u",
                "b/home/u/c"
            ])]
        );
        // A name does not start with a digit: `$2` in a shell or awk program stays as written
        // (tmux 3.3a's `yylex_is_var`), where `$X2` is a name.
        let env2 = |name: &str| (name == "X2").then(|| "v".to_string());
        assert_eq!(
            parse_line(r#"if "awk '{exit !($2 >= 3.1)}'" "a $X2" $1"#, &env2).unwrap(),
            vec![argv(&["if", "awk '{exit !($2 >= 3.1)}'", "a v", "$1"])]
        );
        assert!(parse_line(&"x".repeat(MAX_LINE + 1), &no_env).is_err());
    }

    #[test]
    fn escapes_as_tmux() {
        assert_eq!(
            parse(r#"x "\u00e9\e[0m\\" \U0001F600 \101\s\n"#),
            vec![argv(&["x", "é\x1b[0m\\", "😀", "A \n"])]
        );
        assert_eq!(parse(r#"bind \; a"#), vec![argv(&["bind", ";", "a"])]);
        assert_eq!(parse(r#"bind '"' a"#), vec![argv(&["bind", "\"", "a"])]);
        assert_eq!(parse(r#"bind \\ a"#), vec![argv(&["bind", "\\", "a"])]);
        assert!(parse_line(r#"x "\uzz""#, &no_env).is_err());
        // The block marker cannot be smuggled in.
        assert!(parse_line(r"x \uE000", &no_env).is_err());
    }

    #[test]
    fn blocks_are_one_word_of_commands() {
        assert_eq!(
            parse("bind x { display a; display 'b c' }"),
            vec![argv(&["bind", "x", &block("display a ; display \"b c\"")])]
        );
        assert_eq!(
            parse("if -F 1 { set -g @a 1 } {set -g @a 2}"),
            vec![argv(&[
                "if",
                "-F",
                "1",
                &block("set -g @a 1"),
                &block("set -g @a 2")
            ])]
        );
        assert_eq!(
            parse("x { a { b } } ; y"),
            vec![argv(&["x", &block("a { b }")]), argv(&["y"])]
        );
        assert_eq!(parse("bind x {\n}"), vec![argv(&["bind", "x", &block("")])]);
        assert_eq!(
            parse("x { display \"}\" }"),
            vec![argv(&["x", &block("display \"}\"")])]
        );
        assert!(parse_line("x { a", &no_env).is_err());
        assert!(parse_line("x }", &no_env).is_err());
        // A block word parses back into its commands.
        let words = parse("x { display a;display '$b c' ; y { z } }");
        let text = words[0][1].clone();
        assert_eq!(
            parse(&text),
            vec![
                argv(&["display", "a"]),
                argv(&["display", "$b c"]),
                argv(&["y", &block("z")])
            ]
        );
        let deep = format!("x {}{}", "{ ".repeat(MAX_BLOCK_DEPTH + 1), "}".repeat(40));
        assert!(parse_line(&deep, &no_env).is_err());
    }

    #[test]
    fn quoting_round_trips() {
        for w in [
            "", "a b", "\"q\"", "$X", "~", "#c", "a;", "}", "x\\y", "\n\t\x1b", "é",
        ] {
            assert_eq!(
                parse(&format!("x {}", quote(w))),
                vec![argv(&["x", w])],
                "{w:?}"
            );
        }
    }

    #[test]
    fn assignments() {
        let a = |line: &str| assignment(line, &no_env);
        assert_eq!(a("FOO=bar"), Some(Ok((false, "FOO".into(), "bar".into()))));
        assert_eq!(
            a("A2=\"q r\""),
            Some(Ok((false, "A2".into(), "q r".into())))
        );
        assert_eq!(a("%hidden H=1"), Some(Ok((true, "H".into(), "1".into()))));
        assert_eq!(a("E="), Some(Ok((false, "E".into(), String::new()))));
        assert_eq!(a("set -g @a=b"), None);
        assert_eq!(a("1A=b"), None);
        assert!(matches!(a("%hidden x"), Some(Err(_))));
        assert!(matches!(a("A=b c"), Some(Err(_))));
    }

    #[test]
    fn logical_lines_join_continuations_and_blocks() {
        let lines = logical_lines("set -g mouse \\\n on\n\nbind a b\n");
        assert_eq!(lines[0], (1, "set -g mouse  on".to_string()));
        assert_eq!(lines[2], (4, "bind a b".to_string()));
        let lines = logical_lines("bind w {\n  display a # }\n  display '{'\n}\nx\n");
        assert_eq!(
            lines,
            vec![
                (1, "bind w {\n  display a # }\n  display '{'\n}".to_string()),
                (5, "x".to_string())
            ]
        );
        assert_eq!(
            parse(&lines[0].1),
            vec![argv(&["bind", "w", &block("display a ; display \"{\"")])]
        );
        // An unclosed block is reported where the file ends, as tmux's parser does.
        assert_eq!(logical_lines("a\nbind x {\n b\n")[1].0, 4);
        assert_eq!(logical_lines("a\nbind x {\n b")[1].0, 3);
    }

    /// The numbers tmux 3.3a's `source-file -nv` printed for this text (its lines 2 to 10).
    #[test]
    fn command_lines_as_tmux_counts_them() {
        let text = "set -g @x 1 # c\nset -g @y \\\n 3\nset -g @z 1 ; set -g @w \\\n 2\n\
                    bind x {\n display a ; display b # c\n display c\n} # end\n";
        let at = |line: usize, blocks: Vec<Vec<CommandLine>>| CommandLine { line, blocks };
        let got: Vec<(Vec<Vec<String>>, Vec<CommandLine>)> = logical_lines_counted(text)
            .iter()
            .map(|(n, l)| parse_line_counted(l, *n, &no_env).unwrap())
            .collect();
        let lines: Vec<Vec<CommandLine>> = got.iter().map(|(_, l)| l.clone()).collect();
        assert_eq!(
            lines,
            vec![
                vec![at(2, vec![])],
                vec![at(3, vec![])],
                vec![at(4, vec![]), at(5, vec![])],
                vec![at(
                    10,
                    vec![vec![at(7, vec![]), at(8, vec![]), at(8, vec![])]]
                )],
            ]
        );
        // Different numbers are different groups; the block keeps its groups.
        assert_eq!(
            got[2].0,
            vec![
                argv(&["set", "-g", "@z", "1"]),
                vec![],
                argv(&["set", "-g", "@w", "2"])
            ]
        );
        assert_eq!(
            got[3].0,
            vec![argv(&[
                "bind",
                "x",
                &block("display a\ndisplay b ; display c")
            ])]
        );
        assert_eq!(got[1].0, vec![argv(&["set", "-g", "@y", "3"])]);
    }

    #[test]
    fn a_block_cannot_start_a_command() {
        for line in ["{ display a }", "{display a}", "x ; { y }", "x\n{ y }"] {
            assert!(parse_line(line, &no_env).is_err(), "{line}");
        }
        assert!(parse_line("x {", &no_env).is_err());
    }
}
