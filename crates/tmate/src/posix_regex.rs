//! POSIX extended regular expressions as tmux 3.3a gets them from regcomp(3)/regexec(3) with
//! REG_EXTENDED (formats' `m/r:` `C/r:` `s/...:`, copy-mode searches): ERE syntax translated
//! to the `regex` crates' and matches chosen leftmost-longest (the longest match at the first
//! position where any starts) instead of the crates' leftmost-first. Pure.

use std::ops::Range;

use regex_automata::meta::Regex;
use regex_automata::util::captures::Captures;
use regex_automata::util::syntax;
use regex_automata::{Anchored, Input, MatchKind};

/// Compiled-program and lazy-DFA limits for a user's pattern: a pattern that needs more is
/// refused, as a pattern regcomp(3) rejects.
const SIZE_LIMIT: usize = 1 << 20;
/// Parenthesis nesting a user's pattern may have.
const NEST_LIMIT: u32 = 64;

/// A compiled ERE.
pub struct PosixRegex {
    /// Leftmost-first: where the leftmost match starts (the same place for both semantics).
    first: Regex,
    /// Every match state kept (`MatchKind::All`): anchored at that start, the longest match.
    longest: Regex,
}

impl std::fmt::Debug for PosixRegex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PosixRegex").finish_non_exhaustive()
    }
}

impl PosixRegex {
    /// `pattern` in ERE syntax, `None` when it does not compile or is too large.
    pub fn new(pattern: &str, ignore_case: bool) -> Option<PosixRegex> {
        let translated = ere_to_rust(pattern)?;
        let build = |kind: MatchKind| {
            Regex::builder()
                .syntax(
                    syntax::Config::new()
                        .case_insensitive(ignore_case)
                        .nest_limit(NEST_LIMIT),
                )
                .configure(
                    Regex::config()
                        .match_kind(kind)
                        .nfa_size_limit(Some(SIZE_LIMIT))
                        .onepass_size_limit(Some(SIZE_LIMIT))
                        .dfa_size_limit(Some(SIZE_LIMIT))
                        .hybrid_cache_capacity(SIZE_LIMIT),
                )
                .build(&translated)
                .ok()
        };
        Some(PosixRegex {
            first: build(MatchKind::LeftmostFirst)?,
            longest: build(MatchKind::All)?,
        })
    }

    pub fn is_match(&self, haystack: &str) -> bool {
        self.first.is_match(haystack)
    }

    /// The leftmost-longest match starting at or after byte `start` (text before `start` is
    /// context: `^` does not match there, as regexec's REG_NOTBOL).
    pub fn find_at(&self, haystack: &str, start: usize) -> Option<Range<usize>> {
        let (leftmost, from_there) = self.leftmost(haystack, start)?;
        let longest = self.longest.search(&from_there);
        Some(longest.map_or(leftmost, |m| m.range()))
    }

    /// The leftmost-first match at or after `start` (its start is POSIX's too) and the
    /// anchored search from there that finds the longest; `None` for no match or a start past
    /// the end (which regex-automata would refuse with a panic).
    fn leftmost<'h>(&self, haystack: &'h str, start: usize) -> Option<(Range<usize>, Input<'h>)> {
        if start > haystack.len() {
            return None;
        }
        let leftmost = self.first.search(&Input::new(haystack).range(start..))?;
        let from_there = Input::new(haystack)
            .range(leftmost.start()..)
            .anchored(Anchored::Yes);
        Some((leftmost.range(), from_there))
    }

    /// [`Self::find_at`] with its groups: index 0 the whole match, then each parenthesised
    /// group that took part. Groups are those of the longest match's first path through the
    /// pattern (POSIX prefers each group longest in turn; glibc does not always either).
    pub fn captures_at(&self, haystack: &str, start: usize) -> Option<Vec<Option<Range<usize>>>> {
        let (leftmost, from_there) = self.leftmost(haystack, start)?;
        let mut caps: Captures = self.longest.create_captures();
        self.longest.search_captures(&from_there, &mut caps);
        if !caps.is_match() {
            return Some(vec![Some(leftmost)]);
        }
        Some(
            (0..caps.group_len())
                .map(|i| caps.get_group(i).map(|s| s.range()))
                .collect(),
        )
    }
}

/// POSIX extended syntax (glibc's regcomp with REG_EXTENDED) to the `regex` crate's, `None`
/// where regcomp fails (an interval `{` that does not close, a repetition with nothing
/// before it, a trailing backslash, an unclosed `(` or `[`). ERE reads differently: a
/// backslash before an ordinary character, `)` with no `(` and `&`, `~`, `[` in brackets are
/// literal; stacked repetitions (`a**`, `a+?`, `a{1,2}{3}`) repeat the repetition, where the
/// crate refuses them or reads `?` as lazy; `{,n}` is `{0,n}`; `[.c.]` and `[=c=]` are `c`;
/// glibc's GNU escapes (`\w \W \s \S \b \B`, `\<` `\>` for a word's start and end, `` \` ``
/// `\'` for the string's) are the crate's.
pub fn ere_to_rust(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    // Where in `out` the atom a repetition would apply to starts (`None`: at the start, after
    // `(`, `|` or `^`, where glibc refuses one).
    let mut atom: Option<usize> = None;
    let mut repeated = false;
    let mut groups: Vec<usize> = Vec::new();
    while let Some(c) = chars.next() {
        let here = out.len();
        let quantifier = match c {
            '*' | '+' | '?' => Some(c.to_string()),
            '{' => {
                let mut body = String::new();
                loop {
                    match chars.next()? {
                        '}' => break,
                        c => body.push(c),
                    }
                }
                Some(interval(&body)?)
            }
            _ => None,
        };
        if let Some(q) = quantifier {
            let start = atom?;
            if repeated {
                out.insert_str(start, "(?:");
                out.push(')');
            }
            out.push_str(&q);
            repeated = true;
            continue;
        }
        repeated = false;
        atom = Some(here);
        match c {
            '(' => {
                groups.push(here);
                out.push('(');
                atom = None;
            }
            ')' => match groups.pop() {
                Some(start) => {
                    out.push(')');
                    atom = Some(start);
                }
                None => out.push_str("\\)"),
            },
            '|' | '^' => {
                out.push(c);
                atom = None;
            }
            '[' => bracket(&mut chars, &mut out)?,
            '}' => out.push_str("\\}"),
            '\\' => match chars.next()? {
                n if "wWsSbB".contains(n) => {
                    out.push('\\');
                    out.push(n);
                }
                '<' => out.push_str("\\b{start}"),
                '>' => out.push_str("\\b{end}"),
                '`' => out.push_str("\\A"),
                '\'' => out.push_str("\\z"),
                n => out.push_str(&regex::escape(n.encode_utf8(&mut [0; 4]))),
            },
            c => out.push(c),
        }
    }
    groups.is_empty().then_some(out)
}

/// An interval's body (between `{` and `}`) as the crate's, `None` if glibc refuses it.
fn interval(body: &str) -> Option<String> {
    let (low, high) = match body.split_once(',') {
        Some((low, high)) => (low, Some(high)),
        None => (body, None),
    };
    let number = |s: &str| -> Option<u32> {
        (!s.is_empty() && s.len() <= 5 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
            .filter(|n| *n <= 0x7fff)
    };
    let low = if low.is_empty() && high.is_some() {
        0
    } else {
        number(low)?
    };
    Some(match high {
        None => format!("{{{low}}}"),
        Some("") => format!("{{{low},}}"),
        Some(high) => {
            let high = number(high)?;
            (low <= high).then(|| format!("{{{low},{high}}}"))?
        }
    })
}

/// A bracket expression after its `[`, written to `out` as the crate's class; `None` when
/// it does not close or names a collating element of more than one character.
fn bracket(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, out: &mut String) -> Option<()> {
    out.push('[');
    if chars.next_if_eq(&'^').is_some() {
        out.push('^');
    }
    // `]` first is a literal.
    if chars.next_if_eq(&']').is_some() {
        out.push_str("\\]");
    }
    loop {
        match chars.next()? {
            ']' => {
                out.push(']');
                return Some(());
            }
            '[' if chars.peek() == Some(&':') => {
                // A class name ([:alpha:]) passes through whole.
                out.push('[');
                loop {
                    let n = chars.next()?;
                    out.push(n);
                    if n == ']' {
                        break;
                    }
                }
            }
            '[' if matches!(chars.peek(), Some('.' | '=')) => {
                // A collating element or equivalence class: here one character.
                let kind = chars.next()?;
                let element = chars.next()?;
                if chars.next()? != kind || chars.next()? != ']' {
                    return None;
                }
                out.push_str(&regex::escape(element.encode_utf8(&mut [0; 4])));
            }
            c @ ('[' | '\\' | '&' | '~') => {
                // Ordinary in POSIX brackets; special (nesting, escapes, set operators) in
                // the crate's.
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(pattern: &str, haystack: &str) -> Option<Range<usize>> {
        PosixRegex::new(pattern, false)?.find_at(haystack, 0)
    }

    #[test]
    fn ere_syntax_becomes_the_crates() {
        let ok = |ere: &str| ere_to_rust(ere).unwrap_or_else(|| format!("refused: {ere}"));
        assert_eq!(ok("a{2}"), "a{2}");
        assert_eq!(ok("a{,2}b{3,}"), "a{0,2}b{3,}");
        assert_eq!(ok("[]a]"), "[\\]a]");
        assert_eq!(ok("[^]a]"), "[^\\]a]");
        assert_eq!(ok("[[:digit:]]+"), "[[:digit:]]+");
        assert_eq!(ok("\\<w\\>"), "\\b{start}w\\b{end}");
        assert_eq!(ok("\\d\\."), "d\\.");
        assert_eq!(ok("[a&&b~]"), "[a\\&\\&b\\~]");
        assert_eq!(ok("[a[b\\]"), "[a\\[b\\\\]");
        assert_eq!(ok("[[.a.][=b=]]"), "[ab]");
        assert_eq!(ok("x)"), "x\\)");
        assert_eq!(ok("a}"), "a\\}");
        assert_eq!(ok("a**"), "(?:a*)*");
        assert_eq!(ok("(ab)+?"), "(?:(ab)+)?");
        assert_eq!(ok("a{1,2}{3}"), "(?:a{1,2}){3}");
        // What glibc's regcomp refuses.
        for refused in [
            "a{", "a{x", "{a", "a{1", "a{2,1}", "*a", "a|*b", "^*a", "(*a)", "a\\", "x(", "[a",
        ] {
            assert_eq!(ere_to_rust(refused), None, "{refused}");
        }
    }

    #[test]
    fn matches_are_leftmost_longest() {
        assert_eq!(found("a|ab", "xab"), Some(1..3));
        assert_eq!(found("sam|samwise", "samwise"), Some(0..7));
        assert_eq!(found("[0-9]+|[0-9]+\\.[0-9]+", "v 3.14"), Some(2..6));
        // The leftmost start wins over a longer match further on.
        assert_eq!(found("a|bcd", "abcd"), Some(0..1));
        assert_eq!(found("x*", "yxx"), Some(0..0));
        assert_eq!(found("\\<wo", "two words"), Some(4..6));
        // Forms that read differently in ERE, with glibc's matches.
        assert_eq!(found("xa+?", "x"), Some(0..1));
        assert_eq!(found("a{,2}", "aaa"), Some(0..2));
        assert_eq!(found("x)", "x)"), Some(0..2));
        assert_eq!(found("[a[b]", "["), Some(0..1));
        assert_eq!(found("(|a)", "a"), Some(0..1));
        assert_eq!(found("a{1,2}{3}", "aaaaaa"), Some(0..6));
        // After the start, `^` does not match (REG_NOTBOL).
        let re = PosixRegex::new("^a", false).expect("compiles");
        assert_eq!(re.find_at("aa", 1), None);
        assert!(PosixRegex::new("(", false).is_none());
        // A start past the end is no match, not a panic.
        assert_eq!(re.find_at("aa", 3), None);
        assert_eq!(re.captures_at("aa", 9), None);
    }

    #[test]
    fn groups_come_from_the_longest_match() {
        let re = PosixRegex::new("(a|ab)(c|bcd)?", false).expect("compiles");
        let caps = re.captures_at("abcd", 0).expect("a match");
        assert_eq!(caps.first(), Some(&Some(0..4)));
        assert_eq!(caps.len(), 3);
    }
}
