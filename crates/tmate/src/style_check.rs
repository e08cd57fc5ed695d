//! Which values tmux 3.3a's `style_parse` accepts, for `set-option`'s check of style options
//! (`status-style`, `mode-style`...): `invalid style: VALUE` for the rest, values holding
//! `#{` left unchecked (they are expanded when drawn). Drawing reads styles elsewhere
//! (`tmate_term::markup`); this only answers yes or no, token by token as tmux does.

/// Is `name` a style option (tmux's `OPTIONS_TABLE_IS_STYLE`)? Every one of them is a string
/// option whose name ends in `-style`.
pub fn is_style_option(def: &crate::options::Def) -> bool {
    def.kind == crate::options::Kind::Str && def.name.ends_with("-style")
}

/// tmux `options_from_string_check` for a style option: the error for a value it refuses.
pub fn check(value: &str) -> Result<(), String> {
    if value.contains("#{") || valid(value) {
        Ok(())
    } else {
        Err(format!("invalid style: {value}"))
    }
}

/// tmux's token buffer: longer tokens are refused.
const MAX_TOKEN: usize = 255;

/// `style_parse`: tokens between spaces, commas and newlines, each one known.
fn valid(value: &str) -> bool {
    value
        .split([' ', ',', '\n'])
        .filter(|t| !t.is_empty())
        .all(|t| t.len() <= MAX_TOKEN && token(t))
}

fn token(t: &str) -> bool {
    let lower = t.to_ascii_lowercase();
    match lower.as_str() {
        "default" | "ignore" | "noignore" | "push-default" | "pop-default" | "nolist"
        | "norange" | "noalign" | "none" => return true,
        _ => {}
    }
    if let Some(v) = lower.strip_prefix("list=") {
        return matches!(v, "on" | "focus" | "left-marker" | "right-marker");
    }
    // `range=`, `align=`, `fill=` and `fg=` need something after the `=` (tmux compares the
    // token's length first); an empty one falls through to the attributes and fails there.
    if let Some(v) = lower.strip_prefix("range=").filter(|v| !v.is_empty()) {
        return range(v);
    }
    if let Some(v) = lower.strip_prefix("align=").filter(|v| !v.is_empty()) {
        return matches!(v, "left" | "centre" | "right" | "absolute-centre");
    }
    if let Some(v) = t
        .get(5..)
        .filter(|_| lower.starts_with("fill=") && t.len() > 5)
    {
        return colour(v);
    }
    if t.len() > 3 && lower.get(1..3) == Some("g=") {
        return matches!(lower.get(..1), Some("f" | "b")) && t.get(3..).is_some_and(colour);
    }
    if let Some(rest) = t
        .get(2..)
        .filter(|r| lower.starts_with("no") && !r.is_empty())
    {
        return attributes(rest);
    }
    attributes(t)
}

/// `range=left`, `range=right`, `range=window|N`; other range names are let through (tmux
/// ignores them), but a `|` must be followed by digits only.
fn range(v: &str) -> bool {
    let (kind, argument) = match v.split_once('|') {
        Some((k, a)) => {
            if a.is_empty() || !a.bytes().all(|b| b.is_ascii_digit()) {
                return false;
            }
            (k, Some(a))
        }
        None => (v, None),
    };
    match kind {
        "left" | "right" => argument.is_none(),
        "window" => argument.is_some(),
        _ => true,
    }
}

/// `attributes_fromstring`: names joined by spaces, commas or `|` (none at either end), or
/// `default`/`none` alone.
fn attributes(s: &str) -> bool {
    const NAMES: &[&str] = &[
        "acs",
        "bright",
        "bold",
        "dim",
        "underscore",
        "blink",
        "reverse",
        "hidden",
        "italics",
        "strikethrough",
        "double-underscore",
        "curly-underscore",
        "dotted-underscore",
        "dashed-underscore",
        "overline",
    ];
    let delimiter = |c: char| matches!(c, ' ' | ',' | '|');
    if s.is_empty() || s.starts_with(delimiter) || s.ends_with(delimiter) {
        return false;
    }
    if s.eq_ignore_ascii_case("default") || s.eq_ignore_ascii_case("none") {
        return true;
    }
    s.split(delimiter)
        .filter(|n| !n.is_empty())
        .all(|n| NAMES.iter().any(|known| known.eq_ignore_ascii_case(n)))
}

/// tmux 3.3a's colour options (`OPTIONS_TABLE_COLOUR`): checked and kept in tmux's form, and
/// shown unquoted.
pub fn is_colour_option(name: &str) -> bool {
    [
        "clock-mode-colour",
        "cursor-colour",
        "display-panes-active-colour",
        "display-panes-colour",
        "pane-colours",
        "status-bg",
        "status-fg",
    ]
    .contains(&name)
}

/// A colour as tmux keeps a colour option (`colour_fromstring` then `colour_tostring`): the
/// eight names and `brightX` (numbers `0`-`7`, `90`-`97` become names), `colourN`, `default`,
/// `terminal`, `#rrggbb` in lower case, an X11 name as its `#rrggbb`; `None` for what tmux
/// refuses (`bad colour`).
pub fn colour_value(s: &str) -> Option<String> {
    if !colour(s) {
        return None;
    }
    const NAMES: [&str; 8] = [
        "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
    ];
    let lower = s.to_ascii_lowercase();
    if s.starts_with('#') {
        return Some(lower);
    }
    for prefix in ["colour", "color"] {
        if let Some(n) = lower.strip_prefix(prefix) {
            return Some(format!("colour{}", n.trim_start().parse::<u8>().ok()?));
        }
    }
    if lower == "default" || lower == "terminal" {
        return Some(lower);
    }
    for (i, name) in NAMES.iter().enumerate() {
        if lower == *name || s == i.to_string() {
            return Some((*name).to_string());
        }
        if lower.strip_prefix("bright") == Some(name) || s == (90 + i).to_string() {
            return Some(format!("bright{name}"));
        }
    }
    crate::format::colours::by_name(s).map(|rgb| format!("#{rgb:06x}"))
}

/// `colour_fromstring`: `#rrggbb`, `colourN`/`colorN` (0-255), the eight names and their
/// bright forms or numbers, `default`, `terminal`, or an X11 name.
fn colour(s: &str) -> bool {
    if let Some(hex) = s.strip_prefix('#') {
        return hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    let lower = s.to_ascii_lowercase();
    for prefix in ["colour", "color"] {
        if let Some(n) = lower.strip_prefix(prefix) {
            return n
                .trim_start()
                .parse::<i64>()
                .is_ok_and(|n| (0..=255).contains(&n));
        }
    }
    const NAMES: &[&str] = &[
        "default", "terminal", "black", "red", "green", "yellow", "blue", "magenta", "cyan",
        "white",
    ];
    let numbered = matches!(s, "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7")
        || matches!(s, "90" | "91" | "92" | "93" | "94" | "95" | "96" | "97");
    numbered
        || NAMES.contains(&lower.as_str())
        || lower
            .strip_prefix("bright")
            .is_some_and(|n| NAMES.get(2..).unwrap_or_default().contains(&n))
        || crate::format::colours::by_name(s).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_as_tmux_style_parse() {
        for ok in [
            "",
            "default",
            "fg=red,bg=#00ff00",
            "bold|dim nounderscore",
            "range=window|3",
            "range=bogus",
            "list=on",
            "fill=colour200",
            "fg=DarkSeaGreen",
            "bg=brightred",
            "#{?client_prefix,fg=red,}",
            "nodefault",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
        for bad in [
            "nonsense",
            "fg=red,bogus",
            "fg=nocolour",
            "align=bogus",
            "fill=xx",
            "range=left|1",
            "range=window",
            "range=window|x",
            "list=off",
            "bold|",
            "colour256",
            "xg=red",
            "align=",
        ] {
            assert_eq!(check(bad), Err(format!("invalid style: {bad}")), "{bad}");
        }
    }
}
