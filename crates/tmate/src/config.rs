//! Config files: which ones load at start (`-f FILE`, else `~/.tmux.conf` then `~/.tmate.conf`),
//! and loading a file as tmux 3.3a does: parsed whole first (`%if`/`%elif`/`%else`/`%endif`,
//! every command checked), where a parse error means nothing of the file runs; then run line
//! by line, where an error names the file and line and stops only the rest of its own line.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tmate_proto::cmdline::CommandLine;

use crate::cmd::CmdResult;
use crate::server::{ClientInfo, Shared};
use crate::state::State;

/// Larger files are refused rather than read into memory.
pub const MAX_FILE: u64 = 4 * 1024 * 1024;
/// tmux's `source-file` nesting limit.
pub const MAX_DEPTH: u32 = 50;

/// The files read at server start and how: the one given with `-f`, else the user's tmux and
/// tmate configs (each only if it exists; `~/.tmate.conf` read the tmate 2.4 way).
pub fn startup_files(given: Option<&Path>) -> Vec<(PathBuf, LoadOptions)> {
    if let Some(f) = given {
        return vec![(f.to_path_buf(), LoadOptions::default())];
    }
    let Some(home) = std::env::var_os("HOME") else {
        return Vec::new();
    };
    let home = PathBuf::from(home);
    let quiet = LoadOptions {
        quiet: true,
        ..LoadOptions::default()
    };
    vec![
        (home.join(".tmux.conf"), quiet),
        (
            home.join(".tmate.conf"),
            LoadOptions {
                lenient: true,
                ..quiet
            },
        ),
    ]
}

/// How a file is loaded (`source-file`'s flags).
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// A missing file is not an error (`-q`, the default files).
    pub quiet: bool,
    /// Parse and check every command without running any (`-n`).
    pub parse_only: bool,
    /// A bad line is reported and the other lines still run, as tmate 2.4 loaded files
    /// (`~/.tmate.conf` only; `run_text` says why).
    pub lenient: bool,
    /// Print each line's commands as parsed, `file:line: commands` (`-v`).
    pub verbose: bool,
}

/// What loading a file gave.
#[derive(Debug, Default)]
pub struct Loaded {
    /// What `-v` prints.
    pub printed: Vec<String>,
    /// Problems named by file and line (`file:line: message`): tmux's config causes.
    pub causes: Vec<String>,
    /// Errors of commands that ran for a client (not the start-up config), as tmux's
    /// `cmdq_error` words them for a client: the bare message (on a command client's stderr).
    pub errors: Vec<String>,
    /// The lines left to run once a command that finishes later (run-shell, if-shell) is
    /// done: tmux's queue holds up the rest of the file for it. [`finish`] runs them.
    pub rest: Option<Rest>,
}

/// How long a file's later lines wait for one run-shell or if-shell (tmux waits for ever).
const MAX_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// A file's lines after a command still running, and that command's outcome to come.
#[derive(Debug)]
pub struct Rest {
    name: String,
    /// The line of the command waited for (its errors are named by it).
    line: usize,
    lines: std::vec::IntoIter<(usize, Vec<Vec<String>>)>,
    waiting: tokio::sync::oneshot::Receiver<crate::cmd::CmdResult>,
    client: ClientInfo,
    /// The nesting depth the file was read at (`source-file` within it stays bounded).
    depth: u32,
}

/// Run the rest of a file (and of the files it sourced) after each command it waits for,
/// in turn; what the whole load gave.
pub async fn finish(shared: &Arc<Shared>, mut loaded: Loaded) -> Loaded {
    while let Some(rest) = loaded.rest.take() {
        let Rest {
            name,
            line,
            lines,
            waiting,
            client,
            depth,
        } = rest;
        // A command that takes too long is left running and the file goes on.
        if let Ok(Ok(r)) = tokio::time::timeout(MAX_WAIT, waiting).await {
            account(&mut loaded, &client, &name, line, &r);
        }
        {
            let mut st = shared.lock();
            let saved = std::mem::replace(&mut st.source_depth, depth);
            run_lines(shared, &mut st, &client, &name, lines, &mut loaded);
            st.source_depth = saved;
        }
        shared.notify();
    }
    loaded
}

/// Run the commands of `path`; returns the error messages (`file:line: message`).
pub fn load_file(
    shared: &Arc<Shared>,
    state: &mut State,
    client: &ClientInfo,
    path: &Path,
    options: LoadOptions,
) -> Vec<String> {
    let loaded = load_file_printing(shared, state, client, path, options);
    let mut all = loaded.causes;
    all.extend(loaded.errors);
    all
}

/// [`load_file`], with what `-v` prints and the errors kept apart from the causes.
pub fn load_file_printing(
    shared: &Arc<Shared>,
    state: &mut State,
    client: &ClientInfo,
    path: &Path,
    options: LoadOptions,
) -> Loaded {
    let quiet = options.quiet;
    let shown = path.display().to_string();
    let cause = |text: String| Loaded {
        causes: vec![text],
        ..Loaded::default()
    };
    if state.source_depth >= MAX_DEPTH {
        return cause(format!("{shown}: too many nested files"));
    }
    let text = match std::fs::metadata(path) {
        Ok(m) if m.len() > MAX_FILE => {
            return cause(format!("{shown}: file too large"));
        }
        Ok(_) => match std::fs::read(path) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => return cause(format!("{shown}: {}", io_message(&e))),
        },
        Err(e) if quiet && e.kind() == std::io::ErrorKind::NotFound => {
            return Loaded::default();
        }
        Err(e) => return cause(format!("{shown}: {}", io_message(&e))),
    };
    load_text_printing(shared, state, client, &shown, &text, options)
}

/// A config's text (a file read, or a command client's standard input for `source-file -`)
/// loaded as [`load_file_printing`] loads a file, named `shown` in its messages.
pub fn load_text_printing(
    shared: &Arc<Shared>,
    state: &mut State,
    client: &ClientInfo,
    shown: &str,
    text: &str,
    options: LoadOptions,
) -> Loaded {
    if state.source_depth >= MAX_DEPTH {
        return Loaded {
            causes: vec![format!("{shown}: too many nested files")],
            ..Loaded::default()
        };
    }
    state.source_depth += 1;
    let loaded = if options.parse_only {
        let (printed, causes) = check_text(shared, state, client, shown, text, options.verbose);
        Loaded {
            printed,
            causes,
            ..Loaded::default()
        }
    } else {
        run_text(shared, state, client, shown, text, options)
    };
    state.source_depth -= 1;
    loaded
}

/// Run config text as tmux 3.3a does: the whole file parsed first (`%if` decided,
/// `NAME=value` assignments made, every command's name, flags and arguments checked); a
/// parse error is the file's only error and none of its commands run. Then each line runs;
/// an error there names the file and line and stops only the rest of its own line.
///
/// Which files refuse themselves over one bad line was decided by running both programs on
/// a config with an unknown command on line 2 of 3: tmux 3.3a sets nothing and shows
/// `file:2: unknown command: ...`; Debian's tmate 2.4 (tmux 2.x, a line at a time) shows the
/// same error and runs lines 1 and 3. A config that loads cleanly on tmate 2.4 can still fail
/// our 3.3a parse: tmate 2.4 silently accepts tmux 2.x lines such as `bind-key -t vi-copy v
/// begin-selection`, common in old configs, which tmux 3.3a rejects (`unknown flag -t`).
/// So `~/.tmate.conf`, the file written for tmate 2.4, keeps the line-at-a-time rule
/// (`LoadOptions::lenient`: each bad line is reported and the others run); everything else
/// (`-f`, `~/.tmux.conf`, `source-file`) follows tmux 3.3a.
///
/// A command that fails at run time is a cause named by file and line only in the start-up
/// config (tmux's items there have no client); for a client's `source-file` it is the
/// command's bare error, as tmux 3.3a prints it on the command client's stderr.
pub fn run_text(
    shared: &Arc<Shared>,
    state: &mut State,
    client: &ClientInfo,
    name: &str,
    text: &str,
    options: LoadOptions,
) -> Loaded {
    let mut file = parse_text(shared, state, client, name, text, true);
    let printed = if options.verbose {
        std::mem::take(&mut file.printed)
    } else {
        Vec::new()
    };
    if !options.lenient
        && let Some(first) = file.refusal()
    {
        let printed = if first.syntax { Vec::new() } else { printed };
        return Loaded {
            printed,
            causes: vec![first.text.clone()],
            ..Loaded::default()
        };
    }
    let mut loaded = Loaded {
        printed,
        causes: file.errors.into_iter().map(|p| p.text).collect(),
        ..Loaded::default()
    };
    run_lines(
        shared,
        state,
        client,
        name,
        file.lines.into_iter(),
        &mut loaded,
    );
    loaded
}

/// Run a file's lines in order until one waits for a command that finishes later (its
/// `pending` outcome): the lines after it go to `loaded.rest`.
fn run_lines(
    shared: &Arc<Shared>,
    state: &mut State,
    client: &ClientInfo,
    name: &str,
    mut lines: std::vec::IntoIter<(usize, Vec<Vec<String>>)>,
    loaded: &mut Loaded,
) {
    while let Some((line_no, commands)) = lines.next() {
        let mut r = crate::format::with_current_file(name, || {
            crate::cmd::run_list(shared, state, client, &commands)
        });
        account(loaded, client, name, line_no, &r);
        if let Some(waiting) = r.pending.take() {
            loaded.rest = Some(Rest {
                name: name.to_string(),
                line: line_no,
                lines,
                waiting,
                client: client.clone(),
                depth: state.source_depth,
            });
            return;
        }
    }
}

/// One line's outcome into the file's: a nested source-file's causes (on its stdout, already
/// named by file and line), its errors (named by this line in the start-up config).
fn account(loaded: &mut Loaded, client: &ClientInfo, name: &str, line_no: usize, r: &CmdResult) {
    if r.located {
        loaded.causes.extend(r.out.lines().map(str::to_string));
    }
    for e in r.err.lines() {
        if client.startup_config {
            loaded.causes.push(format!("{name}:{line_no}: {e}"));
        } else {
            loaded.errors.push(e.to_string());
        }
    }
}

/// The commands of the lines that run, each with its line number.
type Parsed = Vec<(usize, Vec<Vec<String>>)>;

/// One problem of a file, `file:line: message`: found while parsing (`syntax`: tmux's
/// yyparse, over the whole file before anything is built) or while building its commands.
#[derive(Debug)]
struct Problem {
    syntax: bool,
    text: String,
}

/// A config file parsed: the lines that run, what `-v` prints (each command group as tmux
/// builds it, up to the first command that fails to build), the problems in line order.
#[derive(Debug, Default)]
struct ParsedFile {
    lines: Parsed,
    printed: Vec<String>,
    errors: Vec<Problem>,
}

impl ParsedFile {
    /// The error that refuses the whole file in tmux: the first parse error (the parse
    /// fails before anything is built), else the first command that does not build.
    fn refusal(&self) -> Option<&Problem> {
        self.errors
            .iter()
            .find(|p| p.syntax)
            .or_else(|| self.errors.first())
    }
}

/// A config parsed as tmux's parser does, nothing run: `%if` branches not taken left out,
/// assignments made (tmux makes them while parsing, so even a refused file sets them), each
/// command's name, flags and argument count checked. Every problem is kept, worded
/// `file:line: message` (tmux stops at the first; `lenient` loading goes on).
fn parse_text(
    shared: &Arc<Shared>,
    state: &mut State,
    client: &ClientInfo,
    name: &str,
    text: &str,
    assigns: bool,
) -> ParsedFile {
    let mut conditions = Conditionals::default();
    let mut last_line = 0;
    let mut file = ParsedFile::default();
    let mut printing = true;
    // tmux builds the whole file as one list: a group can span lines (a command followed by
    // a comment takes the next line's number, so it joins the next line's commands).
    let mut top = Group::default();
    for (line_no, line) in tmate_proto::cmdline::logical_lines_counted(text) {
        last_line = line_no;
        let at = |e: String| format!("{name}:{line_no}: {e}");
        let plain = line.replace(tmate_proto::cmdline::CONT, "");
        if let Some(directive) = Directive::parse(&plain) {
            let truth = |arg: &str| format_true(shared, state, client, arg);
            if let Err(e) = conditions.apply(directive, truth) {
                file.errors.push(Problem {
                    syntax: true,
                    text: at(e),
                });
            }
            continue;
        }
        if !conditions.active() {
            if assigns && conditions.assigning() {
                // Only its assignment (tmux's parser makes it; the line's commands do not run).
                let _ = assign(state, &line, true);
            }
            continue;
        }
        let (commands, lines) = match parse_one(state, &line, line_no, assigns) {
            Ok(Some(parsed)) => parsed,
            Ok(None) => continue,
            Err(e) => {
                file.errors.push(Problem {
                    syntax: true,
                    text: at(e),
                });
                continue;
            }
        };
        let mut printed = Vec::new();
        let built = build(name, &commands, &lines, &mut top, &mut printed, 0);
        if printing {
            file.printed.extend(printed);
        }
        match built {
            Ok(()) => file.lines.push((line_no, commands)),
            Err(e) => {
                printing = false;
                file.errors.push(Problem {
                    syntax: false,
                    text: format!("{name}:{}: {e}", top.at),
                });
            }
        }
    }
    if printing {
        top.print(name, &mut file.printed);
    }
    if conditions.open() {
        file.errors.push(Problem {
            syntax: true,
            text: format!("{name}:{last_line}: syntax error"),
        });
    }
    file
}

/// A logical line's commands with their line numbers.
type Counted = (Vec<Vec<String>>, Vec<CommandLine>);

/// One logical line parsed: an assignment (made now, in the global environment; `None`),
/// or its commands with their line numbers.
fn parse_one(
    state: &mut State,
    line: &str,
    line_no: usize,
    assigns: bool,
) -> Result<Option<Counted>, String> {
    if let Some(assigned) = assign(state, line, assigns) {
        assigned?;
        return Ok(None);
    }
    let env = |var: &str| {
        crate::parse::lookup(var, |v| state.environ.get(v).and_then(|e| e.value.clone()))
    };
    let (commands, lines) = tmate_proto::cmdline::parse_line_counted(line, line_no, &env)?;
    Ok((!commands.is_empty()).then_some((commands, lines)))
}

/// A `NAME=value` or `%hidden NAME=value` line made in the global environment (when `make`;
/// else only checked); `None` when the line is not one.
fn assign(state: &mut State, line: &str, make: bool) -> Option<Result<(), String>> {
    let env = |var: &str| {
        crate::parse::lookup(var, |v| state.environ.get(v).and_then(|e| e.value.clone()))
    };
    let assigned = tmate_proto::cmdline::assignment(line, &env)?;
    Some(assigned.and_then(|(hidden, var, value)| {
        if make {
            state.environ.set(&var, Some(value), hidden)
        } else {
            Ok(())
        }
    }))
}

/// The command group being built (tmux's `current` list in `cmd_parse_build_commands`): its
/// commands and their line number, and the line last built (`pi->line`, which a block's
/// commands move on).
#[derive(Debug, Default)]
struct Group {
    commands: Vec<Vec<String>>,
    line: Option<usize>,
    at: usize,
}

impl Group {
    /// `-v`'s line for the group, `file:line: commands`, numbered with the line last built;
    /// the group is emptied.
    fn print(&mut self, name: &str, printed: &mut Vec<String>) {
        if !self.commands.is_empty() {
            let text = crate::bindings::print_commands_with(&self.commands, " ; ");
            printed.push(format!("{name}:{}: {text}", self.at));
            self.commands.clear();
        }
    }
}

/// tmux's `cmd_parse_build_commands` over one list: each command's `{ }` blocks built first
/// (depth first, each block a list of its own), then the command checked (name, flags,
/// arguments). A group is printed for `-v` when the next group starts or its list ends,
/// numbered with the line last built: so a command holding a block is printed with its
/// block's last line. On an error `group.at` is the line tmux names.
fn build(
    name: &str,
    commands: &[Vec<String>],
    lines: &[CommandLine],
    group: &mut Group,
    printed: &mut Vec<String>,
    depth: usize,
) -> Result<(), String> {
    for (argv, node) in commands.iter().filter(|c| !c.is_empty()).zip(lines) {
        if group.line.is_some_and(|l| l != node.line) {
            group.print(name, printed);
        }
        group.line = Some(node.line);
        group.at = node.line;
        let mut blocks = node.blocks.iter();
        for word in argv {
            let Some(inner) = tmate_proto::cmdline::block_text(word) else {
                continue;
            };
            let inner_lines = blocks.next().map(Vec::as_slice).unwrap_or_default();
            // A block's words are stored quoted, so no variable is looked up again.
            let (inner, _) = tmate_proto::cmdline::parse_line_counted(inner, 1, &|_| None)?;
            if depth < tmate_proto::cmdline::MAX_BLOCK_DEPTH {
                let mut block = Group {
                    at: group.at,
                    ..Group::default()
                };
                let built = build(name, &inner, inner_lines, &mut block, printed, depth + 1);
                group.at = block.at;
                built?;
                block.print(name, printed);
            }
        }
        if let Some((command, rest)) = argv.split_first() {
            tmate_proto::command::find(command)
                .and_then(|spec| tmate_proto::command::Args::parse(spec, rest))?;
        }
        group.commands.push(argv.clone());
    }
    Ok(())
}

/// `source-file -n`: the file checked, nothing run; its first problem is the error.
fn check_text(
    shared: &Arc<Shared>,
    state: &mut State,
    client: &ClientInfo,
    name: &str,
    text: &str,
    verbose_on: bool,
) -> (Vec<String>, Vec<String>) {
    // `-n` (tmux's CMD_PARSE_PARSEONLY) makes no assignment either.
    let file = parse_text(shared, state, client, name, text, false);
    let refusal = file.refusal();
    let printed = if verbose_on && !refusal.is_some_and(|p| p.syntax) {
        file.printed.clone()
    } else {
        Vec::new()
    };
    (
        printed,
        refusal.map(|p| p.text.clone()).into_iter().collect(),
    )
}

/// `source-file`'s paths: each as glob(3) expands it (`*`, `?`, `[...]` in any component,
/// matches sorted, dot files only when the pattern says so); none when nothing matches (tmux
/// then says `No such file or directory`, or nothing with -q).
pub fn expand_glob(pattern: &Path) -> Vec<PathBuf> {
    let text = pattern.to_string_lossy();
    if !text.contains(['*', '?', '[']) {
        return if pattern.exists() {
            vec![pattern.to_path_buf()]
        } else {
            Vec::new()
        };
    }
    let mut found = vec![PathBuf::from(if text.starts_with('/') { "/" } else { "." })];
    let relative = !text.starts_with('/');
    for part in text.split('/').filter(|p| !p.is_empty()) {
        let mut next = Vec::new();
        for dir in &found {
            if !part.contains(['*', '?', '[']) {
                next.push(dir.join(part));
                continue;
            }
            let Ok(entries) = std::fs::read_dir(dir) else {
                continue;
            };
            let mut names: Vec<String> = entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| !n.starts_with('.') || part.starts_with('.'))
                .filter(|n| wildcard_match(part.as_bytes(), n.as_bytes()))
                .collect();
            names.sort();
            next.extend(names.into_iter().map(|n| dir.join(n)));
            // Bounded: a pattern over a huge tree must not hold the server.
            next.truncate(MAX_GLOB_MATCHES);
        }
        found = next;
    }
    found
        .into_iter()
        .filter(|p| p.exists())
        .map(|p| match (relative, p.strip_prefix(".")) {
            (true, Ok(stripped)) => stripped.to_path_buf(),
            _ => p,
        })
        .collect()
}

/// Most files one `source-file` pattern loads.
const MAX_GLOB_MATCHES: usize = 1000;

/// fnmatch(3) for one path component: `*`, `?`, `[abc]`, `[a-z]`, `[!x]`/`[^x]`, `\x`.
pub fn wildcard_match(pattern: &[u8], name: &[u8]) -> bool {
    // Iterative with one backtrack point for the last `*`: linear enough for file names.
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        let (matched, width) = match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, n));
                p += 1;
                continue;
            }
            Some(b'?') => (true, 1),
            Some(b'[') => {
                match class_match(pattern.get(p + 1..).unwrap_or_default(), name.get(n)) {
                    Some((ok, len)) => (ok, len + 1),
                    None => (name.get(n) == Some(&b'['), 1),
                }
            }
            Some(b'\\') if pattern.get(p + 1).is_some() => (pattern.get(p + 1) == name.get(n), 2),
            Some(c) => (Some(c) == name.get(n), 1),
            None => (false, 0),
        };
        if matched {
            p += width;
            n += 1;
        } else if let Some((sp, sn)) = star {
            p = sp + 1;
            n = sn + 1;
            star = Some((sp, sn + 1));
        } else {
            return false;
        }
    }
    pattern
        .get(p..)
        .unwrap_or_default()
        .iter()
        .all(|c| *c == b'*')
}

/// A bracket expression after its `[`: whether `c` is in it, and its length up to and
/// including `]`; `None` when it never closes (then `[` is an ordinary character).
fn class_match(class: &[u8], c: Option<&u8>) -> Option<(bool, usize)> {
    let c = *c?;
    let negated = matches!(class.first(), Some(b'!' | b'^'));
    let mut i = usize::from(negated);
    let mut hit = false;
    let mut first = true;
    loop {
        let lo = *class.get(i)?;
        if lo == b']' && !first {
            return Some((hit != negated, i + 1));
        }
        first = false;
        if class.get(i + 1) == Some(&b'-') && class.get(i + 2).is_some_and(|h| *h != b']') {
            let hi = *class.get(i + 2)?;
            hit |= (lo..=hi).contains(&c);
            i += 3;
        } else {
            hit |= lo == c;
            i += 1;
        }
    }
}

/// A `%if`/`%elif` argument (one word, quoted or not) expanded as a format against the
/// current pane, or against nothing before any session exists; true as tmux's `format_true`:
/// not empty and not `0`.
fn format_true(shared: &Arc<Shared>, state: &State, client: &ClientInfo, arg: &str) -> bool {
    // Quoted as tmux's examples write it, or bare (`%if #{==:a,b}`: a `#{` is no comment).
    let word = if arg.starts_with(['"', '\'']) {
        crate::parse::parse_line_in(&state.environ, arg)
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
/// whether the current branch runs; and tmux 3.3a's own flag for assignments
/// (`cmd_parse_scope`): the branch's own condition, `%else` the opposite of the branch before
/// it, whatever the enclosing `%if`s or an earlier branch decided.
#[derive(Debug)]
struct Branch {
    outer_active: bool,
    taken: bool,
    active: bool,
    seen_else: bool,
    assigns: bool,
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

    /// Whether a `NAME=value` or `%hidden` line here sets its variable. tmux 3.3a's parser
    /// decides that by the innermost branch's own flag, so an assignment runs in a branch not
    /// taken when its own condition is true (`%if 1 ... %elif 1 A=x`), or in an `%else` after a
    /// false `%elif` (catppuccin's theme file relies on it).
    fn assigning(&self) -> bool {
        self.stack.last().is_none_or(|b| b.assigns)
    }

    /// Apply a directive; `truth` evaluates a condition (every one, taken branch or not, as
    /// tmux does). Errors are tmux's words.
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
                let condition = truth(arg);
                let active = outer_active && condition;
                self.stack.push(Branch {
                    outer_active,
                    taken: active,
                    active,
                    seen_else: false,
                    assigns: condition,
                });
            }
            Directive::Elif(arg) => {
                let b = self.stack.last_mut().ok_or("syntax error")?;
                if b.seen_else {
                    return Err("syntax error".into());
                }
                let condition = truth(arg);
                b.active = b.outer_active && !b.taken && condition;
                b.taken |= b.active;
                b.assigns = condition;
            }
            Directive::Else => {
                let b = self.stack.last_mut().ok_or("syntax error")?;
                if b.seen_else {
                    return Err("syntax error".into());
                }
                b.seen_else = true;
                b.active = b.outer_active && !b.taken;
                b.taken = true;
                b.assigns = !b.assigns;
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
    fn wildcards_as_fnmatch() {
        let m = |p: &str, n: &str| wildcard_match(p.as_bytes(), n.as_bytes());
        assert!(m("*.conf", "a.conf"));
        assert!(m("*.conf", ".conf"));
        assert!(!m("*.conf", "a.conf.bak"));
        assert!(m("g?.conf", "g1.conf"));
        assert!(!m("g?.conf", "g10.conf"));
        assert!(m("[a-c]*", "beta"));
        assert!(!m("[!a-c]*", "beta"));
        assert!(m("[^x]", "y"));
        assert!(m("a[", "a["));
        assert!(m("*a*b*", "xxaxxbxx"));
        assert!(!m("*a*b", "xxaxxbxx"));
        assert!(m("\\*", "*"));
        assert!(!m("\\*", "x"));
    }

    #[test]
    fn globs_expand_sorted_and_nothing_matches_nothing() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b.conf", "a.conf", ".hidden.conf", "c.txt"] {
            std::fs::write(dir.path().join(name), "").unwrap();
        }
        let got = expand_glob(&dir.path().join("*.conf"));
        assert_eq!(got, [dir.path().join("a.conf"), dir.path().join("b.conf")]);
        assert!(expand_glob(&dir.path().join("*.nothing")).is_empty());
        assert!(expand_glob(&dir.path().join("missing.conf")).is_empty());
        let plain = dir.path().join("c.txt");
        assert_eq!(expand_glob(&plain), vec![plain]);
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
