//! Config files: which ones load at start (`-f FILE`, else `~/.tmux.conf` then `~/.tmate.conf`),
//! and running a file line by line with tmux 3.3a's `%if`/`%elif`/`%else`/`%endif`. An error
//! names the file and line and stops only the rest of its own line (tmux 3 command groups); the
//! rest of the file still loads.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::server::{ClientInfo, Shared};
use crate::state::State;

/// Larger files are refused rather than read into memory.
pub const MAX_FILE: u64 = 4 * 1024 * 1024;
/// tmux's `source-file` nesting limit.
pub const MAX_DEPTH: u32 = 50;

/// The files read at server start: the one given with `-f`, else the user's tmux and tmate
/// configs (each only if it exists).
pub fn startup_files(given: Option<&Path>) -> Vec<(PathBuf, bool)> {
    if let Some(f) = given {
        return vec![(f.to_path_buf(), false)];
    }
    let Some(home) = std::env::var_os("HOME") else {
        return Vec::new();
    };
    let home = PathBuf::from(home);
    vec![
        (home.join(".tmux.conf"), true),
        (home.join(".tmate.conf"), true),
    ]
}

/// Run the commands of `path`; returns the error messages (`file:line: message`). `quiet`:
/// a missing file is not an error (`source-file -q`, the default files).
pub fn load_file(
    shared: &Arc<Shared>,
    state: &mut State,
    client: &ClientInfo,
    path: &Path,
    quiet: bool,
) -> Vec<String> {
    let shown = path.display().to_string();
    if state.source_depth >= MAX_DEPTH {
        return vec![format!("{shown}: too many nested files")];
    }
    let text = match std::fs::metadata(path) {
        Ok(m) if m.len() > MAX_FILE => return vec![format!("{shown}: file too large")],
        Ok(_) => match std::fs::read(path) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => return vec![format!("{shown}: {}", io_message(&e))],
        },
        Err(e) if quiet && e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => return vec![format!("{shown}: {}", io_message(&e))],
    };
    state.source_depth += 1;
    let errors = run_text(shared, state, client, &shown, &text);
    state.source_depth -= 1;
    errors
}

/// Run config text; `name` labels its errors.
pub fn run_text(
    shared: &Arc<Shared>,
    state: &mut State,
    client: &ClientInfo,
    name: &str,
    text: &str,
) -> Vec<String> {
    let mut errors = Vec::new();
    let mut conditions = Conditionals::default();
    let mut last_line = 0;
    for (line_no, line) in crate::parse::logical_lines(text) {
        last_line = line_no;
        if let Some(directive) = Directive::parse(&line) {
            let truth = |arg: &str| format_true(shared, state, client, arg);
            if let Err(e) = conditions.apply(directive, truth) {
                errors.push(format!("{name}:{line_no}: {e}"));
            }
            continue;
        }
        if !conditions.active() {
            continue;
        }
        let commands = match crate::parse::parse_line(&line) {
            Ok(c) => c,
            Err(e) => {
                errors.push(format!("{name}:{line_no}: {e}"));
                continue;
            }
        };
        if commands.is_empty() {
            continue;
        }
        let r = crate::cmd::run_list(shared, state, client, &commands);
        // A nested source-file's causes (on its stdout) already name their file and line.
        if r.located {
            errors.extend(r.out.lines().map(str::to_string));
        }
        for e in r.err.lines() {
            errors.push(format!("{name}:{line_no}: {e}"));
        }
    }
    if conditions.open() {
        errors.push(format!("{name}:{last_line}: syntax error"));
    }
    errors
}

/// A `%if`/`%elif` argument (one word, quoted or not) expanded as a format against the
/// current pane, or against nothing before any session exists; true as tmux's `format_true`:
/// not empty and not `0`.
fn format_true(shared: &Arc<Shared>, state: &State, client: &ClientInfo, arg: &str) -> bool {
    // Quoted as tmux's examples write it, or bare (`%if #{==:a,b}`: a `#{` is no comment).
    let word = if arg.starts_with(['"', '\'']) {
        crate::parse::parse_line(arg)
            .ok()
            .and_then(|commands| commands.into_iter().next())
            .and_then(|words| words.into_iter().next())
            .unwrap_or_default()
    } else {
        arg.to_string()
    };
    let ctx = crate::cmd::Ctx { shared, client };
    let target = crate::cmd::resolve(&ctx, state, None)
        .ok()
        .map_or(crate::format::Ctx::NONE, crate::cmd::Target::fmt);
    let value = crate::format::expand(state, target, &word);
    !value.is_empty() && value != "0"
}

/// A conditional line of a config file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Directive<'a> {
    If(&'a str),
    Elif(&'a str),
    Else,
    Endif,
}

impl<'a> Directive<'a> {
    fn parse(line: &'a str) -> Option<Directive<'a>> {
        let line = line.trim();
        let (word, rest) = line.split_once([' ', '\t']).unwrap_or((line, ""));
        let rest = rest.trim();
        match word {
            "%if" => Some(Directive::If(rest)),
            "%elif" => Some(Directive::Elif(rest)),
            "%else" => Some(Directive::Else),
            "%endif" => Some(Directive::Endif),
            _ => None,
        }
    }
}

/// One open `%if`: whether its enclosing lines run, whether a branch was already taken, and
/// whether the current branch runs.
#[derive(Debug)]
struct Branch {
    outer_active: bool,
    taken: bool,
    active: bool,
    seen_else: bool,
}

/// The open `%if`s of a file, innermost last; nesting is bounded like `source-file`'s.
#[derive(Debug, Default)]
struct Conditionals {
    stack: Vec<Branch>,
}

impl Conditionals {
    /// Whether ordinary lines run here.
    fn active(&self) -> bool {
        self.stack.last().is_none_or(|b| b.active)
    }

    fn open(&self) -> bool {
        !self.stack.is_empty()
    }

    /// Apply a directive; `truth` evaluates a condition, and is called only where the result
    /// matters (a skipped branch's conditions are not expanded). Errors are tmux's words.
    fn apply(
        &mut self,
        directive: Directive<'_>,
        truth: impl FnOnce(&str) -> bool,
    ) -> Result<(), String> {
        match directive {
            Directive::If(arg) => {
                if self.stack.len() >= MAX_DEPTH as usize {
                    return Err("too many nested %if".into());
                }
                let outer_active = self.active();
                let active = outer_active && truth(arg);
                self.stack.push(Branch {
                    outer_active,
                    taken: active,
                    active,
                    seen_else: false,
                });
            }
            Directive::Elif(arg) => {
                let b = self.stack.last_mut().ok_or("syntax error")?;
                if b.seen_else {
                    return Err("syntax error".into());
                }
                b.active = b.outer_active && !b.taken && truth(arg);
                b.taken |= b.active;
            }
            Directive::Else => {
                let b = self.stack.last_mut().ok_or("syntax error")?;
                if b.seen_else {
                    return Err("syntax error".into());
                }
                b.seen_else = true;
                b.active = b.outer_active && !b.taken;
                b.taken = true;
            }
            Directive::Endif => {
                self.stack.pop().ok_or("syntax error")?;
            }
        }
        Ok(())
    }
}

/// The `strerror` text tmux prints (without Rust's " (os error N)").
fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "No such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "Permission denied".into(),
        _ => {
            let s = e.to_string();
            s.split(" (os error").next().unwrap_or_default().to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Which of `lines` run, with `%if`/`%elif` arguments true when they are "1".
    fn running(lines: &[&str]) -> Result<Vec<String>, String> {
        let mut c = Conditionals::default();
        let mut ran = Vec::new();
        for line in lines {
            match Directive::parse(line) {
                Some(d) => c.apply(d, |arg| arg == "1")?,
                None if c.active() => ran.push(line.to_string()),
                None => {}
            }
        }
        if c.open() {
            return Err("unterminated".into());
        }
        Ok(ran)
    }

    #[test]
    fn if_elif_else_choose_one_branch() {
        let file = |a: &str, b: &str| {
            running(&[
                "before",
                &format!("%if {a}"),
                "one",
                &format!("%elif {b}"),
                "two",
                "%else",
                "three",
                "%endif",
                "after",
            ])
            .unwrap()
        };
        assert_eq!(file("1", "1"), ["before", "one", "after"]);
        assert_eq!(file("0", "1"), ["before", "two", "after"]);
        assert_eq!(file("0", "0"), ["before", "three", "after"]);
    }

    #[test]
    fn nested_ifs_inside_a_false_branch_stay_off() {
        let ran = running(&[
            "%if 0", "%if 1", "inner", "%else", "other", "%endif", "%endif", "x",
        ]);
        assert_eq!(ran.unwrap(), ["x"]);
        let ran = running(&["%if 1", "%if 0", "no", "%else", "yes", "%endif", "%endif"]);
        assert_eq!(ran.unwrap(), ["yes"]);
    }

    #[test]
    fn stray_or_unterminated_directives_are_errors() {
        assert!(running(&["%endif"]).is_err());
        assert!(running(&["%else"]).is_err());
        assert!(running(&["%if 1", "%else", "%else", "%endif"]).is_err());
        assert!(running(&["%if 1", "x"]).is_err());
        assert_eq!(Directive::parse("%iffy"), None);
        assert_eq!(
            Directive::parse("  %if \"#{x}\""),
            Some(Directive::If("\"#{x}\""))
        );
    }
}
