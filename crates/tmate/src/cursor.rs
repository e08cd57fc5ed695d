//! The cursor's look for each pane, as tmux 3.3a keeps it: `cursor-style` and `cursor-colour`
//! handed to the panes' terminals when either option is set (tmux's `options_push_changes`;
//! a pane made later starts with the terminal's defaults, as in 3.3a), and the colours a
//! program names in OSC 4, 10, 11 and 12 parsed as tmux's `input_osc_parse_colour` (the
//! requests themselves are `src/palette.rs`'s).

use tmate_term::cursor::Rgb;

use crate::state::State;

/// An option's colour as the RGB tmux sends for it (`colour_force_rgb`): `None` for `none`,
/// `default`, `terminal` and anything unknown.
pub fn option_rgb(value: &str) -> Option<Rgb> {
    let hex = crate::format::modifiers::colour_hex(value);
    let n = u32::from_str_radix(&hex, 16).ok()?;
    Some(split(n))
}

fn split(n: u32) -> Rgb {
    let [_, r, g, b] = n.to_be_bytes();
    (r, g, b)
}

/// Every pane's `cursor-style` (its DECSCUSR number, the choice's index) or `cursor-colour`,
/// whichever `name` is, after it was set: the other keeps what the pane was given before.
pub fn apply_option(st: &mut State, name: &str) {
    let styles = crate::options::lookup("cursor-style")
        .ok()
        .and_then(|d| match d.kind {
            crate::options::Kind::Choice(list) => Some(list),
            _ => None,
        })
        .unwrap_or_default();
    let ids: Vec<u32> = st.panes.keys().copied().collect();
    for id in ids {
        let value = st.pane_option(id, name);
        let Some(p) = st.panes.get_mut(&id) else {
            continue;
        };
        let (mut style, mut colour) = p.term.default_cursor();
        if name == "cursor-style" {
            let number = styles.iter().position(|s| *s == value).unwrap_or(0);
            style = u32::try_from(number).unwrap_or(0);
        } else {
            colour = option_rgb(&value);
        }
        p.term.set_default_cursor(style, colour);
    }
}

/// tmux's `input_osc_parse_colour`: `rgb:RR/GG/BB`, `#RRGGBB`, `R,G,B`, their 16-bit forms
/// (`rgb:RRRR/GGGG/BBBB`, `#RRRRGGGGBBBB`, the high bytes kept), `cmyk:C/M/Y/K` and `cmy:C/M/Y`
/// (fractions 0 to 1), else an X11 colour name with the blanks around it trimmed.
pub fn osc_colour(text: &str) -> Option<Rgb> {
    let hex = |s: &str| {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| u32::from_str_radix(s, 16).ok())
            .flatten()
    };
    let three = |parts: [&str; 3], shift: u32| -> Option<Rgb> {
        let [r, g, b] = parts.map(|p| hex(p).map(|v| (v >> shift) as u8));
        Some((r?, g?, b?))
    };
    if let Some(rest) = text.strip_prefix("rgb:") {
        match text.len() {
            12 => return three(slashes(rest, 2)?, 0),
            18 => return three(slashes(rest, 4)?, 8),
            _ => {}
        }
    }
    if let Some(rest) = text.strip_prefix('#') {
        match text.len() {
            7 => return three([rest.get(0..2)?, rest.get(2..4)?, rest.get(4..6)?], 0),
            13 => return three([rest.get(0..4)?, rest.get(4..8)?, rest.get(8..12)?], 8),
            _ => {}
        }
    }
    if let Some(rgb) = decimal_triple(text) {
        return Some(rgb);
    }
    if let Some(rgb) = cmyk(text) {
        return Some(rgb);
    }
    crate::format::colours::by_name(text.trim_matches(' ')).map(split)
}

/// `A/B/C` with each part `width` characters long.
fn slashes(s: &str, width: usize) -> Option<[&str; 3]> {
    let mut it = s.split('/');
    let parts = [it.next()?, it.next()?, it.next()?];
    (it.next().is_none() && parts.iter().all(|p| p.len() == width)).then_some(parts)
}

/// `%d,%d,%d` as sscanf reads it (blanks before each number, anything after the third),
/// each value cut to a byte as tmux's `colour_join_rgb` takes it.
fn decimal_triple(text: &str) -> Option<Rgb> {
    let mut rest = text;
    let mut values = [0u8; 3];
    for (i, slot) in values.iter_mut().enumerate() {
        let t = rest.trim_start();
        let sign_len = usize::from(t.starts_with(['-', '+']));
        let digits = t
            .get(sign_len..)?
            .bytes()
            .take_while(u8::is_ascii_digit)
            .count();
        if digits == 0 {
            return None;
        }
        let n: i64 = t.get(..sign_len + digits)?.parse().ok()?;
        *slot = n.rem_euclid(256) as u8;
        rest = t.get(sign_len + digits..)?;
        if i < 2 {
            rest = rest.strip_prefix(',')?;
        }
    }
    Some((values[0], values[1], values[2]))
}

/// `cmyk:C/M/Y/K` or `cmy:C/M/Y`, each a fraction from 0 to 1.
fn cmyk(text: &str) -> Option<Rgb> {
    let (body, n) = if let Some(b) = text.strip_prefix("cmyk:") {
        (b, 4)
    } else {
        (text.strip_prefix("cmy:")?, 3)
    };
    let values: Vec<f64> = body
        .split('/')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .ok()?;
    if values.len() != n || values.iter().any(|v| !(0.0..=1.0).contains(v)) {
        return None;
    }
    let k = values.get(3).copied().unwrap_or(0.0);
    let channel = |v: f64| ((1.0 - v) * (1.0 - k) * 255.0) as u8;
    Some((
        channel(*values.first()?),
        channel(*values.get(1)?),
        channel(*values.get(2)?),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc_colours_as_tmux_reads_them() {
        assert_eq!(osc_colour("rgb:ff/00/d7"), Some((255, 0, 215)));
        assert_eq!(osc_colour("rgb:ffff/8000/0000"), Some((255, 128, 0)));
        assert_eq!(osc_colour("#102030"), Some((16, 32, 48)));
        assert_eq!(osc_colour("1,2,3"), Some((1, 2, 3)));
        assert_eq!(osc_colour("cmy:0/1/1"), Some((255, 0, 0)));
        assert_eq!(osc_colour(" green "), Some((0, 255, 0)));
        assert_eq!(osc_colour("rgb:f/0/0"), None);
        assert_eq!(osc_colour("nonsense"), None);
    }

    #[test]
    fn option_colours_are_forced_to_rgb() {
        assert_eq!(option_rgb("blue"), Some((0, 0, 128)));
        assert_eq!(option_rgb("colour200"), Some((255, 0, 215)));
        assert_eq!(option_rgb("none"), None);
        assert_eq!(option_rgb("default"), None);
    }
}
