//! Patterns in formats, pure: fnmatch(3) as glibc does it without flags (`m:`, `C:`), POSIX
//! extended regular expressions (`crate::posix_regex`: `m/r:`, `C/r:`, `s/...:`),
//! and tmux 3.3a's `regsub` (`s/pat/rep/i:`, `\1` references, its empty-match stepping).

use std::ops::Range;

use crate::posix_regex::PosixRegex;

/// A substitution stops growing its result here (text bounded by the expansion's own limit).
pub const MAX_SUB_OUTPUT: usize = 1 << 20;

/// A user's extended regular expression, `None` when it does not compile or is too large.
pub fn regex(pattern: &str, ignore_case: bool) -> Option<PosixRegex> {
    PosixRegex::new(pattern, ignore_case)
}

/// Replace every match of `pattern` in `text` with `with` (tmux's `regsub`); `None` when the
/// pattern does not compile (tmux then keeps the text).
pub fn regsub(pattern: &str, with: &str, text: &str, ignore_case: bool) -> Option<String> {
    if text.is_empty() {
        return Some(String::new());
    }
    let re = regex(pattern, ignore_case)?;
    let mut out = String::new();
    let (mut start, mut last, mut empty) = (0usize, 0usize, false);
    let end = text.len();
    while start <= end && out.len() < MAX_SUB_OUTPUT {
        let Some(caps) = re.captures_at(text, start) else {
            out.push_str(text.get(start..).unwrap_or_default());
            break;
        };
        let Some(Some(m)) = caps.first().cloned() else {
            break;
        };
        out.push_str(text.get(last..m.start).unwrap_or_default());
        if empty || m.start != last || !m.is_empty() {
            expand_with(&mut out, with, text, &caps);
            last = m.end;
            start = m.end;
            empty = false;
        } else {
            // An empty match where the last one ended: step over one character.
            last = m.end;
            let step = text.get(m.end..).and_then(|r| r.chars().next());
            start = m.end + step.map_or(1, char::len_utf8);
            empty = true;
        }
        if pattern.starts_with('^') {
            out.push_str(text.get(start..).unwrap_or_default());
            break;
        }
    }
    Some(out)
}

/// The replacement with `\0`..`\9` put in: a group that matched nothing leaves its digit, any
/// other escaped character stands for itself.
fn expand_with(out: &mut String, with: &str, text: &str, caps: &[Option<Range<usize>>]) {
    let mut chars = with.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(next) = chars.next() else { break };
        if let Some(d) = next.to_digit(10)
            && let Some(Some(g)) = usize::try_from(d).ok().and_then(|i| caps.get(i))
            && !g.is_empty()
            && let Some(group) = text.get(g.clone())
        {
            out.push_str(group);
            continue;
        }
        out.push(next);
    }
}

/// fnmatch(3) with no flags but an optional case fold: `*` and `?` match any character
/// (slashes and leading dots too), `[...]` sets with `!`/`^`, ranges and `[:class:]`, `\`
/// escapes. Linear backtracking over the last `*`, so any pattern costs at most
/// pattern × text steps.
pub fn fnmatch(pattern: &str, text: &str, fold: bool) -> bool {
    let norm = |c: char| {
        if fold {
            c.to_lowercase().next().unwrap_or(c)
        } else {
            c
        }
    };
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().map(norm).collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    loop {
        if let Some(&pc) = p.get(pi) {
            if pc == '*' {
                star = Some((pi + 1, ti));
                pi += 1;
                continue;
            }
            if let Some(&tc) = t.get(ti)
                && let Some(width) = single(&p, pi, tc, &norm)
            {
                pi += width;
                ti += 1;
                continue;
            }
        } else if ti == t.len() {
            return true;
        }
        match star {
            Some((sp, st)) if st < t.len() => {
                star = Some((sp, st + 1));
                pi = sp;
                ti = st + 1;
            }
            _ => return false,
        }
    }
}

/// Whether the pattern element at `pi` matches `tc`; the element's length in the pattern.
fn single(p: &[char], pi: usize, tc: char, norm: &dyn Fn(char) -> char) -> Option<usize> {
    match p.get(pi)? {
        '?' => Some(1),
        '[' => match bracket(p, pi + 1, tc, norm) {
            Some((true, len)) => Some(len + 1),
            Some((false, _)) => None,
            // No closing `]`: the `[` is an ordinary character.
            None => (tc == '[').then_some(1),
        },
        '\\' => match p.get(pi + 1) {
            Some(&c) => (norm(c) == tc).then_some(2),
            // A trailing backslash is an error to glibc: nothing matches.
            None => None,
        },
        &c => (norm(c) == tc).then_some(1),
    }
}

/// A `[...]` set whose body starts at `at`: whether `tc` is in it and the body's length with
/// its `]`; `None` when it never closes.
fn bracket(p: &[char], at: usize, tc: char, norm: &dyn Fn(char) -> char) -> Option<(bool, usize)> {
    let mut i = at;
    let negate = matches!(p.get(i), Some('!' | '^'));
    if negate {
        i += 1;
    }
    let mut hit = false;
    let mut first = true;
    loop {
        let c = *p.get(i)?;
        if c == ']' && !first {
            return Some((hit != negate, i + 1 - at));
        }
        first = false;
        if c == '[' && p.get(i + 1) == Some(&':') {
            let name_end = (i + 2..p.len()).find(|&k| p.get(k) == Some(&':'))?;
            if p.get(name_end + 1) == Some(&']') {
                let name: String = p.get(i + 2..name_end)?.iter().collect();
                hit |= class(&name, tc);
                i = name_end + 2;
                continue;
            }
        }
        let lo = if c == '\\' {
            i += 1;
            *p.get(i)?
        } else {
            c
        };
        if p.get(i + 1) == Some(&'-') && p.get(i + 2).is_some_and(|h| *h != ']') {
            let hi = *p.get(i + 2)?;
            hit |= (norm(lo)..=norm(hi)).contains(&tc) || (lo..=hi).contains(&tc);
            i += 3;
        } else {
            hit |= norm(lo) == tc;
            i += 1;
        }
    }
}

fn class(name: &str, c: char) -> bool {
    match name {
        "alpha" => c.is_alphabetic(),
        "digit" => c.is_ascii_digit(),
        "alnum" => c.is_alphanumeric(),
        "upper" => c.is_uppercase(),
        "lower" => c.is_lowercase(),
        "space" => c.is_whitespace(),
        "blank" => c == ' ' || c == '\t',
        "punct" => c.is_ascii_punctuation(),
        "xdigit" => c.is_ascii_hexdigit(),
        "cntrl" => c.is_control(),
        "print" => !c.is_control(),
        "graph" => !c.is_control() && !c.is_whitespace(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnmatch_like_glibc() {
        assert!(fnmatch("*foo*", "a foo b", false));
        assert!(!fnmatch("*foo*", "a FOO b", false));
        assert!(fnmatch("*foo*", "a FOO b", true));
        assert!(fnmatch("a?c", "abc", false));
        assert!(fnmatch("[a-c]x", "bx", false));
        assert!(!fnmatch("[!a-c]x", "bx", false));
        assert!(fnmatch("[[:digit:]]*", "7up", false));
        assert!(fnmatch("a\\*", "a*", false));
        assert!(!fnmatch("a\\*", "ab", false));
        assert!(fnmatch("*/*", "a/b", false));
        assert!(fnmatch("[", "[", false));
        assert!(!fnmatch("\\", "\\", false));
        assert!(fnmatch("", "", false));
        assert!(!fnmatch("", "x", false));
        assert!(fnmatch(
            "*a*a*a*a*b",
            &"a".repeat(200).replace("aa", "ab"),
            false
        ));
        assert!(!fnmatch("*a*a*a*a*c", &"a".repeat(2000), false));
    }

    #[test]
    fn regsub_like_tmux() {
        assert_eq!(
            regsub("a(.)", "\\1x", "abABab", true).as_deref(),
            Some("bxBxbx")
        );
        assert_eq!(regsub("o", "0", "foo", false).as_deref(), Some("f00"));
        assert_eq!(regsub("^f", "F", "ffoo", false).as_deref(), Some("Ffoo"));
        assert_eq!(regsub("x*", "-", "abc", false).as_deref(), Some("a-b-c-"));
        assert_eq!(regsub("(", "-", "abc", false), None);
        assert_eq!(regsub("b", "\\9", "abc", false).as_deref(), Some("a9c"));
        assert_eq!(regsub("a", "b", "", false).as_deref(), Some(""));
    }
}
