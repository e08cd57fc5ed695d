//! Format syntax, pure (tmux 3.3a's `format_skip`, `format_build_modifiers`, `format_choose`,
//! `format_strip`): where a `#{...}` or an argument ends, the `;`-separated modifier list before
//! the `:`, the two comma-separated alternatives, the one-letter aliases.

/// One modifier as written: its name (`l`, `=`, `s`, `||`...) and its arguments, unexpanded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Modifier<'a> {
    pub name: &'a str,
    pub args: Vec<&'a str>,
}

/// Modifiers a format may stack: beyond this the list is refused (treated as no modifiers),
/// so a pathological `#{l;l;l;...:x}` costs nothing.
const MAX_MODIFIERS: usize = 64;

/// Index in `s` of the first byte in `end` outside nested `#{...}`; `#,` `##` `#{` `#}` `#:`
/// are escapes and never end anything (a `#{` still opens a level).
pub fn skip(s: &str, end: &[u8]) -> Option<usize> {
    let b = s.as_bytes();
    let mut depth: i64 = 0;
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c == b'#' {
            let next = b.get(i + 1).copied();
            if next == Some(b'{') {
                depth += 1;
            }
            if matches!(next, Some(b',' | b'#' | b'{' | b'}' | b':')) {
                i += 2;
                continue;
            }
        }
        if c == b'}' {
            depth -= 1;
        }
        if depth == 0 && end.contains(&c) {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// `left,right` split at the first top-level comma (the rest may hold more commas).
pub fn choose(s: &str) -> Option<(&str, &str)> {
    let at = skip(s, b",")?;
    Some((s.get(..at)?, s.get(at + 1..)?))
}

/// Drop the `#` of `#,` `##` `#{` `#}` `#:` outside nested `#{...}` (tmux's `format_strip`,
/// used on the `t/f/` time format).
pub fn strip(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth: i64 = 0;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        if c == '#' && next == Some('{') {
            depth += 1;
        }
        if c == '#' && matches!(next, Some(',' | '#' | '{' | '}' | ':')) {
            if depth != 0 {
                out.push(c);
            }
            continue;
        }
        if c == '}' {
            depth -= 1;
        }
        out.push(c);
    }
    out
}

fn is_end(b: Option<&u8>) -> bool {
    matches!(b, Some(b';' | b':'))
}

/// The modifiers at the start of a `#{...}` body and the rest after their `:`; `None` when the
/// body has no well-formed modifier list (then all of it is the key, as in tmux).
pub fn modifiers(s: &str) -> Option<(Vec<Modifier<'_>>, &str)> {
    let b = s.as_bytes();
    let mut list = Vec::new();
    let mut cp = 0;
    while let Some(&c) = b.get(cp) {
        if c == b':' || list.len() > MAX_MODIFIERS {
            break;
        }
        if c == b';' {
            cp += 1;
        }
        let Some(&c0) = b.get(cp) else { break };
        if b"labcdnwETSWP<>".contains(&c0) && is_end(b.get(cp + 1)) {
            list.push(Modifier {
                name: s.get(cp..=cp)?,
                args: Vec::new(),
            });
            cp += 1;
            continue;
        }
        let two = b.get(cp..cp + 2).unwrap_or_default();
        let pairs: [&[u8]; 6] = [b"||", b"&&", b"!=", b"==", b"<=", b">="];
        if pairs.contains(&two) && is_end(b.get(cp + 2)) {
            list.push(Modifier {
                name: s.get(cp..cp + 2)?,
                args: Vec::new(),
            });
            cp += 2;
            continue;
        }
        if !b"mCNst=peq".contains(&c0) {
            break;
        }
        let name = s.get(cp..=cp)?;
        let (args, next) = arguments(s, cp + 1)?;
        list.push(Modifier { name, args });
        cp = next;
    }
    if b.get(cp) != Some(&b':') || list.len() > MAX_MODIFIERS {
        return None;
    }
    Some((list, s.get(cp + 1..)?))
}

/// The arguments of a modifier whose letter ends just before `at`: none (`t:`), one bare one
/// (`=5:`, `p-3:`), or several after a wrapper punctuation character (`s/a/b/i:`,
/// `e|+|f|2:`). Returns them and where the modifier ends (at its `;` or `:`).
fn arguments(s: &str, at: usize) -> Option<(Vec<&str>, usize)> {
    let b = s.as_bytes();
    let c1 = *b.get(at)?;
    if is_end(Some(&c1)) {
        return Some((Vec::new(), at));
    }
    if !c1.is_ascii_punctuation() || c1 == b'-' {
        let end = at + skip(s.get(at..)?, b":;")?;
        return Some((vec![s.get(at..end)?], end));
    }
    let ends = [c1, b';', b':'];
    let mut args = Vec::new();
    let mut cp = at;
    loop {
        if b.get(cp) == Some(&c1) && is_end(b.get(cp + 1)) {
            cp += 1;
            break;
        }
        let end = cp + 1 + skip(s.get(cp + 1..)?, &ends)?;
        args.push(s.get(cp + 1..end)?);
        cp = end;
        if is_end(b.get(cp)) {
            break;
        }
    }
    Some((args, cp))
}

/// The one-letter aliases (`#S` is `#{session_name}`).
pub fn alias(c: char) -> Option<&'static str> {
    Some(match c {
        'D' => "pane_id",
        'F' => "window_flags",
        'H' => "host",
        'I' => "window_index",
        'P' => "pane_index",
        'S' => "session_name",
        'T' => "pane_title",
        'W' => "window_name",
        'h' => "host_short",
        _ => return None,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a test stops on what it did not expect")]
mod tests {
    use super::*;

    fn names<'a>(list: &[Modifier<'a>]) -> Vec<(&'a str, Vec<&'a str>)> {
        list.iter().map(|m| (m.name, m.args.clone())).collect()
    }

    #[test]
    fn skip_balances_braces_and_escapes() {
        assert_eq!(skip("a,b", b","), Some(1));
        assert_eq!(skip("#{a,b},c", b","), Some(6));
        assert_eq!(skip("a#,b,c", b","), Some(4));
        assert_eq!(skip("#}a,", b","), Some(3));
        assert_eq!(skip("abc", b","), None);
        // The `#{...}` of an expansion is found from its `#`.
        assert_eq!(skip("#{x#{y}z}rest", b"}"), Some(8));
    }

    #[test]
    fn choose_splits_at_the_first_top_level_comma() {
        assert_eq!(choose("a,b,c"), Some(("a", "b,c")));
        assert_eq!(choose("#{?x,1,2},b"), Some(("#{?x,1,2}", "b")));
        assert_eq!(choose("nothing"), None);
    }

    #[test]
    fn modifier_lists() {
        let (list, rest) = modifiers("=5:pane_title").unwrap();
        assert_eq!(names(&list), [("=", vec!["5"])]);
        assert_eq!(rest, "pane_title");
        let (list, rest) = modifiers("=/5/...;l:x").unwrap();
        assert_eq!(names(&list), [("=", vec!["5", "..."]), ("l", vec![])]);
        assert_eq!(rest, "x");
        let (list, _) = modifiers("s/a(.)/\\1x/i:v").unwrap();
        assert_eq!(names(&list), [("s", vec!["a(.)", "\\1x", "i"])]);
        let (list, _) = modifiers("e|*|f|4:5.5,3").unwrap();
        assert_eq!(names(&list), [("e", vec!["*", "f", "4"])]);
        let (list, _) = modifiers("||:a,b").unwrap();
        assert_eq!(names(&list), [("||", vec![])]);
        let (list, _) = modifiers("p-3:x").unwrap();
        assert_eq!(names(&list), [("p", vec!["-3"])]);
        let (list, _) = modifiers("t/f/%H#:%M:x").unwrap();
        assert_eq!(names(&list), [("t", vec!["f", "%H#:%M"])]);
        let (list, _) = modifiers("m/ri:^A,b").unwrap();
        assert_eq!(names(&list), [("m", vec!["ri"])]);
    }

    #[test]
    fn not_modifiers() {
        assert_eq!(modifiers("session_name"), None);
        assert_eq!(modifiers("?a,b,c"), None);
        assert_eq!(modifiers("pane_active"), None);
        assert_eq!(modifiers("s/unterminated"), None);
        assert_eq!(modifiers(""), None);
        let many = format!("{}l:x", "l;".repeat(100));
        assert_eq!(modifiers(&many), None);
    }

    #[test]
    fn strip_drops_escapes_outside_braces() {
        assert_eq!(strip("%H#:%M"), "%H:%M");
        assert_eq!(strip("a#,b##c"), "a,b#c");
    }
}
