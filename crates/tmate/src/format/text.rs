//! Widths of expanded text as tmux 3.3a's `format-draw.c` counts them (`#[...]` styles take
//! no room, `##` is one `#`), and the `=N:` trims and `pN:` pads built on them; pure.

use super::parse::skip;
use unicode_width::UnicodeWidthChar;

/// A character's cells: printable ASCII is one, the rest by Unicode width (tmux's wcwidth;
/// combining marks are none); `None` for controls, which tmux drops.
fn cells(c: char) -> Option<usize> {
    if c.is_ascii() {
        (c > '\u{1f}' && c < '\u{7f}').then_some(1)
    } else {
        c.width()
    }
}

fn char_width(c: char) -> usize {
    cells(c).unwrap_or(0)
}

/// A run of `#`s at `at` (tmux's `format_leading_hashes`): how many there are, the cells they
/// show as, and where scanning goes on (at the `#` of a `#[` style when the count is odd).
fn leading_hashes(b: &[u8], at: usize) -> (usize, usize, usize) {
    let n = b
        .get(at..)
        .unwrap_or_default()
        .iter()
        .take_while(|c| **c == b'#')
        .count();
    if b.get(at + n) != Some(&b'[') {
        return (n, n.div_ceil(2), at + n);
    }
    if n % 2 == 0 {
        return (n, n / 2, at + n);
    }
    (n, n / 2, at + n - 1)
}

/// The end (after its `]`) of a `#[...]` style starting at `at`.
fn style_end(s: &str, at: usize) -> Option<usize> {
    Some(at + 2 + skip(s.get(at + 2..)?, b"]")? + 1)
}

/// Cells the text takes when drawn (tmux's `format_width`); an unterminated style makes it 0.
pub fn width(s: &str) -> usize {
    let b = s.as_bytes();
    let mut total = 0;
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c == b'#' {
            let (_, w, end) = leading_hashes(b, i);
            total += w;
            i = end;
            if b.get(i) == Some(&b'#') {
                let Some(after) = style_end(s, i) else {
                    return 0;
                };
                i = after;
            }
            continue;
        }
        let Some(ch) = s.get(i..).and_then(|r| r.chars().next()) else {
            break;
        };
        total += char_width(ch);
        i += ch.len_utf8();
    }
    total
}

/// Cells of the text without regard to styles (tmux's `utf8_cstrwidth`, used by padding).
fn plain_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// Copy a run of `n` `#`s showing as `shown` cells: a lone `#` stays one, escaped ones stay
/// doubled so the status line still draws them as `#`.
fn push_hashes(out: &mut String, n: usize, shown: usize) {
    if shown == 0 {
        return;
    }
    if n == 1 {
        out.push('#');
    } else {
        out.extend(std::iter::repeat_n('#', 2 * shown));
    }
}

/// The first `limit` cells (tmux's `format_trim_left`); styles are kept.
pub fn trim_left(s: &str, limit: usize) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut used = 0;
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if used >= limit {
            break;
        }
        if c == b'#' {
            let (n, w, end) = leading_hashes(b, i);
            let shown = w.min(limit - used);
            push_hashes(&mut out, n, shown);
            used += shown;
            i = end;
            if b.get(i) == Some(&b'#') {
                let Some(after) = style_end(s, i) else { break };
                out.push_str(s.get(i..after).unwrap_or_default());
                i = after;
            }
            continue;
        }
        let Some(ch) = s.get(i..).and_then(|r| r.chars().next()) else {
            break;
        };
        let w = char_width(ch);
        if cells(ch).is_some() && used + w <= limit {
            out.push(ch);
        }
        used += w;
        i += ch.len_utf8();
    }
    out
}

/// The last `limit` cells (tmux's `format_trim_right`); styles are kept.
pub fn trim_right(s: &str, limit: usize) -> String {
    let total = width(s);
    if total <= limit {
        return s.to_string();
    }
    let skip_cells = total - limit;
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut seen = 0;
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c == b'#' {
            let (n, w, end) = leading_hashes(b, i);
            let shown = if seen <= skip_cells {
                w.saturating_sub(skip_cells - seen)
            } else {
                w
            };
            push_hashes(&mut out, n, shown);
            seen += w;
            i = end;
            if b.get(i) == Some(&b'#') {
                let Some(after) = style_end(s, i) else { break };
                out.push_str(s.get(i..after).unwrap_or_default());
                i = after;
            }
            continue;
        }
        let Some(ch) = s.get(i..).and_then(|r| r.chars().next()) else {
            break;
        };
        let w = char_width(ch);
        if cells(ch).is_some() && seen >= skip_cells {
            out.push(ch);
        }
        seen += w;
        i += ch.len_utf8();
    }
    out
}

/// Padding beyond this many cells is not added: formats come from users.
pub const MAX_PAD: usize = 65_536;

/// Pad to `cells` with spaces, after the text for a positive width, before it for a negative
/// one (tmux's `utf8_padcstr`/`utf8_rpadcstr`).
pub fn pad(s: &str, cells: i64) -> String {
    let want = usize::try_from(cells.unsigned_abs())
        .unwrap_or(MAX_PAD)
        .min(MAX_PAD);
    let have = plain_width(s);
    if have >= want {
        return s.to_string();
    }
    let spaces = " ".repeat(want - have);
    if cells > 0 {
        format!("{s}{spaces}")
    } else {
        format!("{spaces}{s}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_skip_styles_and_count_wide_characters() {
        assert_eq!(width("abc"), 3);
        assert_eq!(width("#[fg=red]abc#[default]"), 3);
        assert_eq!(width("日本"), 4);
        assert_eq!(width("##"), 1);
        assert_eq!(width("###[x]"), 1);
        assert_eq!(width("##[x]"), 4);
        assert_eq!(width("#[unterminated"), 0);
        assert_eq!(width("a\u{7}b"), 2);
    }

    #[test]
    fn trims_by_cells() {
        assert_eq!(trim_left("abcdef", 3), "abc");
        assert_eq!(trim_left("日本語", 3), "日");
        assert_eq!(trim_left("#[fg=red]abcdef", 2), "#[fg=red]ab");
        assert_eq!(trim_right("abcdef", 3), "def");
        assert_eq!(trim_right("日本語", 3), "語");
        assert_eq!(trim_right("ab", 3), "ab");
        assert_eq!(trim_left("a##b", 2), "a##");
    }

    #[test]
    fn pads_either_side() {
        assert_eq!(pad("ab", 4), "ab  ");
        assert_eq!(pad("ab", -4), "  ab");
        assert_eq!(pad("日本", 5), "日本 ");
        assert_eq!(pad("abc", 2), "abc");
        assert_eq!(pad("", i64::MAX).len(), MAX_PAD);
    }
}
