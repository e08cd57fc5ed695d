//! One `#{...}` body (tmux 3.3a's `format_replace`): its modifiers gathered into a `Plan`, the
//! value made by the first that applies (`l:`, `a:`, `c:`, a loop, `N:`, `C:`, a comparison,
//! `?`, `e:`, else the variable), then in tmux's order `E:`/`T:`, each `s/../../:`, `=N:`,
//! `pN:`, `n:`, `w:`.

use super::parse::{self, Modifier};
use super::{Expander, Level, matching, modifiers, text, truthy};

/// What a modifier list asks for (tmux's `modifiers` bits and the modifiers it keeps).
#[derive(Debug, Default)]
pub(super) struct Plan {
    pub literal: bool,
    pub character: bool,
    pub colour: bool,
    pub sessions: bool,
    pub windows: bool,
    pub panes: bool,
    pub window_name: bool,
    pub session_name: bool,
    pub expand: bool,
    pub expand_time: bool,
    pub length: bool,
    pub width: bool,
    pub basename: bool,
    pub dirname: bool,
    pub quote_shell: bool,
    pub quote_style: bool,
    pub timestring: bool,
    pub pretty: bool,
    pub time_format: Option<String>,
    /// The comparison (`==`, `m`, `||`...) and its expanded arguments (`m`'s flags).
    pub compare: Option<(String, Vec<String>)>,
    /// `C:`'s flags.
    pub search: Option<Vec<String>>,
    /// `s/pattern/with/flags:`, each in turn.
    pub subs: Vec<Vec<String>>,
    pub limit: i64,
    pub marker: Option<String>,
    pub pad: i64,
    /// `e|op|flags|precision:`.
    pub expression: Option<Vec<String>>,
}

impl Expander<'_> {
    /// Gather the modifiers, expanding their arguments as tmux does when it reads them.
    fn plan(&self, list: &[Modifier<'_>], level: Level) -> Plan {
        let mut p = Plan::default();
        for m in list {
            let args: Vec<String> = m.args.iter().map(|a| self.expand1(a, level)).collect();
            let first = args.first().map(String::as_str);
            let has = |c: char| first.is_some_and(|f| f.contains(c));
            match m.name {
                "m" | "<" | ">" | "||" | "&&" | "==" | "!=" | "<=" | ">=" => {
                    p.compare = Some((m.name.to_string(), args));
                }
                "C" => p.search = Some(args),
                "s" if args.len() >= 2 => p.subs.push(args),
                "=" if !args.is_empty() => {
                    p.limit = strtonum_int(first);
                    p.marker = args.get(1).cloned();
                }
                "p" if !args.is_empty() => p.pad = strtonum_int(first),
                "e" if (1..=3).contains(&args.len()) => p.expression = Some(args),
                "t" => {
                    p.timestring = true;
                    if has('p') {
                        p.pretty = true;
                    } else if has('f')
                        && let Some(f) = args.get(1)
                    {
                        p.time_format = Some(parse::strip(f));
                    }
                }
                "q" if args.is_empty() => p.quote_shell = true,
                "q" if has('e') || has('h') => p.quote_style = true,
                "N" if args.is_empty() || has('w') => p.window_name = true,
                "N" if has('s') => p.session_name = true,
                name => p.flag(name),
            }
        }
        p
    }

    /// tmux's `format_replace` for one body; `None` stops the whole expansion there.
    pub(super) fn replace(&self, key: &str, level: Level) -> Option<String> {
        let (list, copy) = parse::modifiers(key).unwrap_or((Vec::new(), key));
        let plan = self.plan(&list, level);
        let value = self.value(&plan, copy, level)?;
        Some(self.finish(&plan, value, level))
    }

    /// The value before the trailing modifiers.
    fn value(&self, p: &Plan, copy: &str, level: Level) -> Option<String> {
        if p.literal {
            return Some(copy.to_string());
        }
        if p.character {
            return Some(modifiers::ascii(&self.expand1(copy, level)));
        }
        if p.colour {
            return Some(modifiers::colour_hex(&self.expand1(copy, level)));
        }
        if p.sessions {
            return Some(self.loop_sessions(copy, level));
        }
        if p.windows {
            return self.loop_windows(copy, level);
        }
        if p.panes {
            return self.loop_panes(copy, level);
        }
        if p.window_name {
            return self.window_name_exists(copy, level);
        }
        if p.session_name {
            return Some(self.session_name_exists(copy, level));
        }
        if let Some(flags) = &p.search {
            return Some(self.search(flags, &self.expand1(copy, level)));
        }
        if let Some((op, args)) = &p.compare {
            return self.compare(op, args, copy, level);
        }
        if let Some(cond) = copy.strip_prefix('?') {
            return self.conditional(p, cond, level);
        }
        if let Some(args) = &p.expression {
            // A syntax error here is an empty value, not the end of the expansion.
            let Some((l, r)) = parse::choose(copy) else {
                return Some(String::new());
            };
            let (l, r) = (self.expand1(l, level), self.expand1(r, level));
            return Some(modifiers::expression(args, &l, &r).unwrap_or_default());
        }
        if copy.contains("#{") {
            return Some(self.expand1(copy, level));
        }
        Some(self.find(p, copy).unwrap_or_default())
    }

    /// `#{?cond,a,b}`: `cond` is a variable, else a format whose expansion changed it.
    fn conditional(&self, p: &Plan, cond: &str, level: Level) -> Option<String> {
        let at = parse::skip(cond, b",")?;
        let condition = cond.get(..at)?;
        let found = self.find(p, condition).unwrap_or_else(|| {
            let e = self.expand1(condition, level);
            if e == condition { String::new() } else { e }
        });
        let (left, right) = parse::choose(cond.get(at + 1..)?)?;
        Some(self.expand1(if truthy(&found) { left } else { right }, level))
    }

    /// The two-sided modifiers: string comparisons, `||`, `&&`, `m` (fnmatch or regex).
    fn compare(&self, op: &str, args: &[String], copy: &str, level: Level) -> Option<String> {
        let (l, r) = parse::choose(copy)?;
        let (l, r) = (self.expand1(l, level), self.expand1(r, level));
        let yes = match op {
            "||" => truthy(&l) || truthy(&r),
            "&&" => truthy(&l) && truthy(&r),
            "==" => l == r,
            "!=" => l != r,
            "<" => l < r,
            ">" => l > r,
            "<=" => l <= r,
            ">=" => l >= r,
            _ => {
                let flags = args.first().map(String::as_str).unwrap_or_default();
                let fold = flags.contains('i');
                if flags.contains('r') {
                    matching::regex(&l, fold).is_some_and(|re| re.is_match(&r))
                } else {
                    matching::fnmatch(&l, &r, fold)
                }
            }
        };
        Some(if yes { "1" } else { "0" }.to_string())
    }

    /// `E:`/`T:`, substitutions, the length limit, padding, then `n:`/`w:`.
    fn finish(&self, p: &Plan, mut value: String, level: Level) -> String {
        if p.expand {
            value = self.expand1(&value, level);
        } else if p.expand_time {
            value = self.expand1(
                &value,
                Level {
                    time: true,
                    ..level
                },
            );
        }
        for sub in &p.subs {
            let pattern = self.expand1(sub.first().map_or("", String::as_str), level);
            let with = self.expand1(sub.get(1).map_or("", String::as_str), level);
            let fold = sub.get(2).is_some_and(|f| f.contains('i'));
            if let Some(new) = matching::regsub(&pattern, &with, &value, fold) {
                value = new;
            }
        }
        value = limit(value, p.limit, p.marker.as_deref());
        if p.pad != 0 {
            value = text::pad(&value, p.pad);
        }
        if p.length {
            value = value.len().to_string();
        }
        if p.width {
            value = text::width(&value).to_string();
        }
        value
    }
}

impl Plan {
    /// The single-letter modifiers without arguments.
    fn flag(&mut self, name: &str) {
        match name {
            "w" => self.width = true,
            "l" => self.literal = true,
            "a" => self.character = true,
            "b" => self.basename = true,
            "c" => self.colour = true,
            "d" => self.dirname = true,
            "n" => self.length = true,
            "E" => self.expand = true,
            "T" => self.expand_time = true,
            "S" => self.sessions = true,
            "W" => self.windows = true,
            "P" => self.panes = true,
            _ => {}
        }
    }
}

/// tmux's `strtonum(s, INT_MIN, INT_MAX)` with 0 for anything else.
fn strtonum_int(s: Option<&str>) -> i64 {
    s.and_then(|s| modifiers::strtonum(s, i64::from(i32::MIN), i64::from(i32::MAX)))
        .unwrap_or(0)
}

/// `=N:` and `=-N:` by display cells, with the marker where something was cut.
fn limit(value: String, n: i64, marker: Option<&str>) -> String {
    let cells = usize::try_from(n.unsigned_abs()).unwrap_or(usize::MAX);
    if n > 0 {
        let new = text::trim_left(&value, cells);
        match marker {
            Some(m) if new != value => format!("{new}{m}"),
            _ => new,
        }
    } else if n < 0 {
        let new = text::trim_right(&value, cells);
        match marker {
            Some(m) if new != value => format!("{m}{new}"),
            _ => new,
        }
    } else {
        value
    }
}
