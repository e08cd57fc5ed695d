//! tmux style markup in status text (`#[fg=red,bold]`, `##`): parsed into styled cells the way
//! tmux 3.3a's `format_draw` and `style_parse` read it, and cut to a width with the markup kept.

use unicode_width::UnicodeWidthChar;

use crate::style::{Attrs, Cell, Color, Style};

/// `s` without its first `n` bytes (empty if `n` is past the end or inside a character).
fn skip(s: &str, n: usize) -> &str {
    s.get(n..).unwrap_or("")
}

/// Text made of cells: wide characters are a width-2 cell followed by a continuation.
pub(crate) fn plain_cells(text: &str, style: Style) -> Vec<Cell> {
    let mut cells = Vec::new();
    for c in text.chars() {
        push_char(&mut cells, c, style);
    }
    cells
}

/// Append one character: zero-width ones join the previous grapheme, unprintable ones are
/// dropped (tmux ignores them in status text).
pub(crate) fn push_char(cells: &mut Vec<Cell>, c: char, style: Style) {
    if c.is_control() {
        return;
    }
    match UnicodeWidthChar::width(c) {
        None => {}
        Some(0) => {
            if let Some(last) = cells.iter_mut().rev().find(|cell| cell.width != 0) {
                last.text.push(c);
            }
        }
        Some(w) => {
            let width = w.min(2) as u8;
            cells.push(Cell {
                text: c.to_string(),
                width,
                style,
            });
            if width == 2 {
                cells.push(Cell::continuation(style));
            }
        }
    }
}

/// Colour names as tmux's `colour_fromstring` reads them. `Some(None)` is tmux's colour 8
/// ("default"), which means the base style's colour.
fn parse_colour(s: &str) -> Option<Option<Color>> {
    let lower = s.to_ascii_lowercase();
    if let Some(hex) = lower.strip_prefix('#') {
        if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let byte = |i: usize| {
            hex.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        };
        return Some(Some(Color::Rgb(byte(0)?, byte(2)?, byte(4)?)));
    }
    for prefix in ["colour", "color"] {
        if let Some(n) = lower.strip_prefix(prefix) {
            return n.parse::<u8>().ok().map(|n| Some(Color::Indexed(n)));
        }
    }
    let names = [
        "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
    ];
    for (i, name) in names.iter().enumerate() {
        if lower == *name || lower == i.to_string() {
            return Some(Some(Color::Indexed(i as u8)));
        }
        if lower == format!("bright{name}") || lower == (90 + i).to_string() {
            return Some(Some(Color::Indexed(8 + i as u8)));
        }
    }
    match lower.as_str() {
        "default" => Some(None),
        // tmux's colour 9: the terminal's own default, whatever the base style says.
        "terminal" => Some(Some(Color::Default)),
        _ => None,
    }
}

/// An attribute name as tmux's `attributes_fromstring` reads it; `None` if unknown.
fn set_attr(attrs: &mut Attrs, name: &str, on: bool) -> Option<()> {
    match name.to_ascii_lowercase().as_str() {
        "bright" | "bold" => attrs.bold = on,
        "dim" => attrs.dim = on,
        "underscore" | "double-underscore" | "curly-underscore" | "dotted-underscore"
        | "dashed-underscore" => attrs.underline = on,
        "blink" => attrs.blink = on,
        "reverse" => attrs.reverse = on,
        "hidden" => attrs.hidden = on,
        "italics" => attrs.italic = on,
        "strikethrough" => attrs.strike = on,
        // Known to tmux but with nothing to show here.
        "acs" | "overline" => {}
        _ => return None,
    }
    Some(())
}

/// Apply one `#[...]` body to `style`, as tmux's `style_parse`: on any bad token the whole
/// markup is ignored. Layout tokens (align, list, range, fill, push/pop-default) are accepted and
/// have no effect here.
fn apply_style(style: &Style, base: &Style, body: &str) -> Option<Style> {
    let mut new = *style;
    for token in body.split([' ', ',', '\n']).filter(|t| !t.is_empty()) {
        let lower = token.to_ascii_lowercase();
        let (key, value) = match lower.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (lower.as_str(), None),
        };
        match (key, value) {
            ("default", None) => new = *base,
            ("none", None) => new.attrs = Attrs::default(),
            ("fg", Some(v)) => new.fg = parse_colour(v)?.unwrap_or(base.fg),
            ("bg", Some(v)) => new.bg = parse_colour(v)?.unwrap_or(base.bg),
            ("fill", Some(v)) => {
                parse_colour(v)?;
            }
            (
                "ignore" | "noignore" | "push-default" | "pop-default" | "nolist" | "norange",
                None,
            )
            | ("noalign", None)
            | ("list" | "range" | "align", Some(_)) => {}
            (name, None) => {
                if let Some(rest) = name.strip_prefix("no").filter(|r| !r.is_empty()) {
                    set_attr(&mut new.attrs, rest, false)?;
                } else {
                    set_attr(&mut new.attrs, name, true)?;
                }
            }
            _ => return None,
        }
    }
    Some(new)
}

/// A style option's value (`bg=yellow,fg=black`, as `mode-style`) over the default style;
/// `None` when tmux's `style_parse` would refuse it.
pub fn parse_style(text: &str) -> Option<Style> {
    apply_style(&Style::default(), &Style::default(), text)
}

/// A style option's value (`fg=red,bold`, `bg=colour200`, `#rrggbb`, `default`, `none`)
/// applied to `current`, with `default` meaning `base`, as tmux's `style_parse` does. `None`
/// when any token is invalid (tmux refuses the value).
pub fn parse_style_over(text: &str, current: Style, base: Style) -> Option<Style> {
    apply_style(&current, &base, text)
}

/// The style in effect at the end of `text` (its last `#[...]` changes), starting from `base`:
/// what the next part of a status format starts from (tmux keeps it across a
/// `window-status-separator`).
pub fn markup_end_style(text: &str, base: Style) -> Style {
    let mut style = base;
    let mut rest = text;
    while let Some(at) = rest.find("#[") {
        let hashes = rest
            .get(..at)
            .unwrap_or("")
            .bytes()
            .rev()
            .take_while(|&b| b == b'#')
            .count();
        let body_and_rest = skip(rest, at + 2);
        let Some(end) = body_and_rest.find(']') else {
            break;
        };
        // `##[` is a literal `#[`.
        if hashes % 2 == 0
            && let Some(new) = apply_style(&style, &base, body_and_rest.get(..end).unwrap_or(""))
        {
            style = new;
        }
        rest = skip(body_and_rest, end + 1);
    }
    style
}

/// Parse status text with tmux markup into cells, starting from (and with `default` meaning)
/// `base`. `#[...]` changes the style and is never shown; a run of `#` not followed by `[` shows
/// half of them rounded up (`##` is one `#`), as tmux draws an expanded format. Unprintable
/// characters are dropped. An unterminated `#[` ends the text (tmux would drop the whole line).
pub(crate) fn markup_cells(text: &str, base: Style) -> Vec<Cell> {
    let mut cells = Vec::new();
    let mut style = base;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c != '#' {
            push_char(&mut cells, c, style);
            rest = skip(rest, c.len_utf8());
            continue;
        }
        let hashes = rest.bytes().take_while(|&b| b == b'#').count();
        let after = skip(rest, hashes);
        if !after.starts_with('[') {
            for _ in 0..hashes.div_ceil(2) {
                push_char(&mut cells, '#', style);
            }
            rest = after;
            continue;
        }
        // `#` run followed by `[`: pairs print `#`; an odd last `#` opens a style.
        for _ in 0..hashes / 2 {
            push_char(&mut cells, '#', style);
        }
        if hashes % 2 == 0 {
            push_char(&mut cells, '[', style);
            rest = skip(after, 1);
            continue;
        }
        let body_and_rest = skip(after, 1);
        let Some(end) = body_and_rest.find(']') else {
            break;
        };
        let body = body_and_rest.get(..end).unwrap_or("");
        if let Some(new) = apply_style(&style, &base, body) {
            style = new;
        }
        rest = skip(body_and_rest, end + 1);
    }
    cells
}

/// Cut status text with tmux markup to at most `width` columns of visible text, keeping every
/// style change (like tmux's `#{=/N:...}` on status-left and status-right). Useful to apply
/// `status-left-length` (tmux default 10) and `status-right-length` (default 40) before
/// building a [`crate::StatusBar`].
pub fn truncate_markup(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0usize;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '#' {
            let hashes = rest.bytes().take_while(|&b| b == b'#').count();
            let after = skip(rest, hashes);
            let (shown, opens_style) = if after.starts_with('[') {
                (hashes / 2 + usize::from(hashes % 2 == 0), hashes % 2 == 1)
            } else {
                (hashes.div_ceil(2), false)
            };
            if used + shown > width {
                // Keep whole `##` pairs that still fit.
                let fit = width - used;
                out.push_str(&"##".repeat(fit));
                return out;
            }
            used += shown;
            if opens_style {
                let Some(end) = after.find(']') else {
                    return out;
                };
                out.push_str(rest.get(..hashes + end + 1).unwrap_or(""));
                rest = skip(after, end + 1);
            } else if after.starts_with('[') {
                out.push_str(rest.get(..hashes + 1).unwrap_or(""));
                rest = skip(after, 1);
            } else {
                out.push_str(rest.get(..hashes).unwrap_or(""));
                rest = after;
            }
            continue;
        }
        let w = if c.is_control() {
            0
        } else {
            UnicodeWidthChar::width(c).unwrap_or(0)
        };
        if used + w > width {
            return out;
        }
        used += w;
        out.push(c);
        rest = skip(rest, c.len_utf8());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(cells: &[Cell]) -> String {
        cells.iter().map(|c| c.text.as_str()).collect()
    }

    const BASE: Style = Style::colors(Color::Indexed(0), Color::Indexed(2));

    #[test]
    fn styles_are_applied_and_hidden() {
        let cells = markup_cells("#[fg=red,bold]R#[default]ight", BASE);
        assert_eq!(text(&cells), "Right");
        assert_eq!(cells[0].style.fg, Color::Indexed(1));
        assert!(cells[0].style.attrs.bold);
        assert_eq!(cells[1].style, BASE);
    }

    #[test]
    fn hashes_and_bad_styles() {
        assert_eq!(text(&markup_cells("L##x", BASE)), "L#x");
        assert_eq!(text(&markup_cells("a###b", BASE)), "a##b");
        assert_eq!(text(&markup_cells("##[x]", BASE)), "#[x]");
        let cells = markup_cells("#[fg=nosuch]x#[bg=colour200]y#[fg=default]z", BASE);
        assert_eq!(text(&cells), "xyz");
        assert_eq!(cells[0].style, BASE);
        assert_eq!(cells[1].style.bg, Color::Indexed(200));
        assert_eq!(cells[2].style.fg, BASE.fg);
        assert_eq!(text(&markup_cells("ab#[fg=red", BASE)), "ab");
        assert_eq!(text(&markup_cells("a\x1b[31mb", BASE)), "a[31mb");
    }

    #[test]
    fn wide_characters_take_two_cells() {
        let cells = markup_cells("中x", BASE);
        assert_eq!(cells.len(), 3);
        assert_eq!((cells[0].width, cells[1].width, cells[2].width), (2, 0, 1));
    }

    #[test]
    fn truncation_keeps_markup() {
        assert_eq!(truncate_markup("#[fg=red]abcdef", 3), "#[fg=red]abc");
        assert_eq!(truncate_markup("ab中", 3), "ab");
        assert_eq!(truncate_markup("a##b", 2), "a##");
        assert_eq!(truncate_markup("[tmate] ", 10), "[tmate] ");
    }
}
