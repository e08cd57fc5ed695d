//! tmux 3.3a format expansion (`format.c`'s `format_expand1`): `#{...}` with modifiers,
//! `#{?c,a,b}`, the one-letter aliases (`#S #I #W #P #D #H #h #F #T`), the escapes `##` `#,` `#}`,
//! and `#[...]` style markup passed through for the status line. Syntax is in `parse`, the
//! modifiers' order in `replace`, values in `variables`, loops in `loops`.
//!
//! Everything here is typed by users, so it is bounded: nesting (tmux's 100 levels), total
//! work per expansion (a budget of steps shared by nested loops and `E:`), output length,
//! regular expression size, padding and decimal places.

mod clients;
pub(crate) mod colours;
mod history;
pub mod jobs;
mod loops;
pub(crate) mod matching;
pub(crate) mod modifiers;
pub mod mouse;
mod parse;
mod replace;
pub(crate) mod text;
mod variables;

use std::cell::Cell;
use std::time::SystemTime;

use crate::state::State;

pub use clients::{
    CLIENT_VARIABLES, client_variable, with_client, with_command, with_current_file,
};
pub use variables::{hostname, window_flags, window_name};

/// What a format is expanded against (tmux's `format_defaults` target).
#[derive(Debug, Clone, Copy)]
pub struct Ctx {
    pub session: u32,
    pub window: u32,
    pub pane: u32,
}

impl Ctx {
    /// No session, window or pane (ids are never `u32::MAX`): a config line read before any
    /// session exists sees only server-wide values, as in tmux.
    pub const NONE: Ctx = Ctx {
        session: u32::MAX,
        window: u32::MAX,
        pane: u32::MAX,
    };
}

/// What a format is for (tmux's `format_type`): `session_format`, `window_format` and
/// `pane_format` say which.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Unknown,
    Session,
    Window,
    Pane,
}

impl Kind {
    /// The most specific target `ctx` has (what a command's `-t` resolves to).
    fn of(ctx: Ctx) -> Kind {
        if ctx.pane != u32::MAX {
            Kind::Pane
        } else if ctx.window != u32::MAX {
            Kind::Window
        } else if ctx.session != u32::MAX {
            Kind::Session
        } else {
            Kind::Unknown
        }
    }
}

thread_local! {
    /// Variables [`with_vars`] adds for the expansions it runs (tmux's `format_add` on one
    /// format tree).
    static EXTRA: std::cell::RefCell<Vec<(String, String)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Run `f` with `vars` visible to its expansions before any other variable.
pub fn with_vars<R>(vars: Vec<(String, String)>, f: impl FnOnce() -> R) -> R {
    let saved = EXTRA.with(|e| std::mem::replace(&mut *e.borrow_mut(), vars));
    let r = f();
    EXTRA.with(|e| *e.borrow_mut() = saved);
    r
}

fn extra_var(key: &str) -> Option<String> {
    EXTRA.with(|e| {
        e.borrow()
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    })
}

/// tmux's `FORMAT_LOOP_LIMIT`: nested expansions deeper than this expand to nothing.
const LOOP_LIMIT: usize = 100;
/// Expansions (each `#{...}` body, argument and loop item) one top-level expansion may do;
/// beyond it everything expands to nothing, so `#{W:#{W:#{W:...}}}` or a self-referencing
/// `E:` stays cheap.
const STEP_BUDGET: usize = 200_000;
/// Longest result of one expansion level; more is cut.
const MAX_OUTPUT: usize = 1 << 20;
/// tmux's strftime buffer for `T:`: a longer result is nothing.
const MAX_TIME_EXPANSION: usize = 8191;

/// The per-level flags tmux copies into nested expansions (`format_expand_state`).
#[derive(Debug, Clone, Copy, Default)]
struct Level {
    depth: usize,
    /// `T:` and `format_expand_time`: pass the text through strftime first.
    time: bool,
    /// Inside a `#(command)` or its output: no jobs are started (tmux FORMAT_EXPAND_NOJOBS).
    no_jobs: bool,
}

/// One expansion in progress: the state it reads, the target, the shared work budget.
struct Expander<'a> {
    state: &'a State,
    ctx: Ctx,
    kind: Kind,
    steps: &'a Cell<usize>,
    now: SystemTime,
}

pub fn expand(state: &State, ctx: Ctx, fmt: &str) -> String {
    expand_as(state, ctx, Kind::of(ctx), fmt)
}

/// [`expand`] for a format of a given kind (`list-windows -F` is for windows although its
/// target has an active pane).
pub fn expand_as(state: &State, ctx: Ctx, kind: Kind, fmt: &str) -> String {
    let steps = Cell::new(0);
    let ex = Expander {
        state,
        ctx,
        kind,
        steps: &steps,
        now: SystemTime::now(),
    };
    ex.expand1(fmt, Level::default())
}

/// The same through strftime(3) first, as tmux's `format_expand_time` (status lines,
/// `display-message`).
pub fn expand_time(state: &State, ctx: Ctx, fmt: &str, now: SystemTime) -> String {
    let steps = Cell::new(0);
    let ex = Expander {
        state,
        ctx,
        kind: Kind::of(ctx),
        steps: &steps,
        now,
    };
    ex.expand1(
        fmt,
        Level {
            time: true,
            ..Level::default()
        },
    )
}

pub fn truthy(v: &str) -> bool {
    !v.is_empty() && v != "0"
}

impl Expander<'_> {
    /// Take one step of the budget; `false` once it is spent.
    fn spend(&self) -> bool {
        let used = self.steps.get();
        self.steps.set(used.saturating_add(1));
        used < STEP_BUDGET
    }

    /// The same expansion against another target (a loop's item), sharing the budget.
    fn at(&self, ctx: Ctx, kind: Kind) -> Expander<'_> {
        Expander {
            state: self.state,
            ctx,
            kind,
            steps: self.steps,
            now: self.now,
        }
    }

    /// tmux's `format_expand1`: a failed `#{...}` (unterminated, or a modifier's syntax error)
    /// ends the expansion there, keeping what came before.
    fn expand1(&self, fmt: &str, level: Level) -> String {
        if fmt.is_empty() || level.depth >= LOOP_LIMIT || !self.spend() {
            return String::new();
        }
        let level = Level {
            depth: level.depth + 1,
            ..level
        };
        let timed;
        let mut rest = fmt;
        if level.time && fmt.contains('%') {
            timed = tmate_term::strftime(fmt, self.now);
            if timed.len() > MAX_TIME_EXPANSION {
                return String::new();
            }
            rest = &timed;
        }
        let mut out = String::new();
        while let Some(pos) = rest.find('#') {
            if out.len() > MAX_OUTPUT {
                return out;
            }
            out.push_str(rest.get(..pos).unwrap_or_default());
            match self.hash(rest.get(pos..).unwrap_or_default(), level, &mut out) {
                Some(after) => rest = after,
                None => return out,
            }
        }
        out.push_str(rest);
        out
    }

    /// `#(cmd)`: the command expanded (without jobs or times), its job's output now, and
    /// that output expanded as a format in turn, as tmux's `format_job_get`.
    fn job(&self, cmd: &str, level: Level) -> String {
        let inner = Level {
            no_jobs: true,
            time: false,
            ..level
        };
        let expanded = self.expand1(cmd, inner);
        let interval = self
            .state
            .options
            .get(crate::options::Scope::Session, "status-interval")
            .and_then(|v| v.parse().ok())
            .unwrap_or(15);
        // tmux runs a format's job with no session: the global environment.
        let out = jobs::output(cmd, &expanded, interval, || {
            self.state.job_environment(None)
        });
        self.expand1(&out, inner)
    }

    /// One `#` sequence at the start of `s`, written to `out`; the text after it, or `None`
    /// when the expansion stops here.
    fn hash<'s>(&self, s: &'s str, level: Level, out: &mut String) -> Option<&'s str> {
        let after = s.get(1..)?;
        let Some(ch) = after.chars().next() else {
            // A `#` ending the format stays (tmux copies it before stopping).
            out.push('#');
            return None;
        };
        let rest = after.get(ch.len_utf8()..)?;
        match ch {
            '{' => {
                let end = parse::skip(s, b"}")?;
                let body = s.get(2..end)?;
                out.push_str(&self.replace(body, level)?);
                s.get(end + 1..)
            }
            '#' => {
                // `##[` (two or more `#`s before a `[`) is left for the status line to draw.
                let hashes = rest.bytes().take_while(|b| *b == b'#').count();
                if rest.as_bytes().get(hashes) == Some(&b'[') {
                    out.push_str(s.get(..hashes + 3)?);
                    return s.get(hashes + 3..);
                }
                out.push('#');
                Some(rest)
            }
            '(' => {
                // `#(command)`: the job's last output line (`jobs`); an unterminated one ends
                // the expansion.
                let mut open = 1usize;
                let close = rest.char_indices().find(|(_, c)| {
                    match c {
                        '(' => open += 1,
                        ')' => open -= 1,
                        _ => {}
                    }
                    open == 0
                })?;
                if !level.no_jobs {
                    let cmd = rest.get(..close.0)?;
                    out.push_str(&self.job(cmd, level));
                }
                rest.get(close.0 + 1..)
            }
            '}' | ',' => {
                out.push(ch);
                Some(rest)
            }
            _ => {
                match parse::alias(ch) {
                    Some(key) => out.push_str(&self.replace(key, level)?),
                    None => {
                        out.push('#');
                        out.push(ch);
                    }
                }
                Some(rest)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditionals_and_literals() {
        let st = State::default();
        let ctx = Ctx {
            session: 0,
            window: 0,
            pane: 0,
        };
        assert_eq!(expand(&st, ctx, "a##b#{?session_name,x,y}"), "a#by");
        assert_eq!(expand(&st, ctx, "#{?#{==:1,1},yes,no}"), "yes");
        assert_eq!(expand(&st, ctx, "x#{unterminated"), "x");
        assert_eq!(expand(&st, ctx, "#[fg=red]x"), "#[fg=red]x");
        assert_eq!(expand(&st, ctx, "##[fg=red]"), "##[fg=red]");
        assert_eq!(expand(&st, ctx, "#{?,a#,b,c#}d}"), "c}d");
        assert_eq!(expand(&st, ctx, "#{l:#{?x,a,b}}"), "#{?x,a,b}");
    }

    #[test]
    fn work_stays_bounded() {
        let mut st = State::default();
        st.tmate
            .env
            .insert("loop".into(), "#{E:loop}#{E:loop}".into());
        assert_eq!(expand(&st, Ctx::NONE, "#{E:loop}"), "");
        // 150 true conditionals, each a level deeper: the 100-level limit cuts it, within a
        // small stack (status lines are drawn on runtime threads).
        let deep = format!("{}x{}", "#{?#{l:1},".repeat(150), ",}".repeat(150));
        let shallow = format!("{}x{}", "#{?#{l:1},".repeat(20), ",}".repeat(20));
        let st2 = State::default();
        let outs = std::thread::Builder::new()
            .stack_size(512 * 1024)
            .spawn(move || {
                (
                    expand(&st2, Ctx::NONE, &deep),
                    expand(&st2, Ctx::NONE, &shallow),
                )
            })
            .ok()
            .and_then(|t| t.join().ok());
        assert_eq!(outs, Some((String::new(), "x".to_string())));
        assert_eq!(
            expand(&st, Ctx::NONE, "#{p2147483647:}").len(),
            text::MAX_PAD
        );
    }

    /// Random formats from the syntax's own pieces: none may panic, and each finishes fast
    /// (a fixed generator, so a failure repeats).
    #[test]
    fn random_formats_never_panic() {
        const PIECES: [&str; 34] = [
            "#{",
            "}",
            ",",
            "?",
            "l:",
            "=5:",
            "=-2:",
            "=/3/..:",
            "s/a/b/:",
            "s/(/x/i:",
            "e|+|:",
            "e|/|f|3:",
            "W:",
            "P:",
            "S:",
            "m/r:",
            "m:",
            "C/r:",
            "E:",
            "T:",
            "p-3:",
            "n:",
            "w:",
            "#",
            "##",
            "#,",
            "#}",
            "#(",
            ")",
            "[",
            "日",
            "session_name",
            "1",
            ";",
        ];
        let mut st = State::default();
        st.tmate.env.insert("a".into(), "#{E:a}x".into());
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..3000 {
            let mut fmt = String::new();
            for _ in 0..(seed % 24) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let at = usize::try_from(seed % 34).unwrap_or(0);
                fmt.push_str(PIECES.get(at).copied().unwrap_or_default());
            }
            let started = std::time::Instant::now();
            let _ = expand(&st, Ctx::NONE, &fmt);
            assert!(
                started.elapsed() < std::time::Duration::from_secs(2),
                "{fmt}"
            );
        }
    }

    #[test]
    fn times_as_ctime() {
        let mut st = State::default();
        st.tmate.env.insert("stamp".into(), "1764936000".into());
        let ctx = Ctx::NONE;
        let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_764_936_000);
        assert_eq!(expand(&st, ctx, "#{t:stamp}"), tmate_term::clock::ctime(at));
        // Not a number: nothing, as tmux.
        st.tmate.env.insert("word".into(), "soon".into());
        assert_eq!(expand(&st, ctx, "#{t:word}"), "");
    }
}
