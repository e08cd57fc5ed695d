//! What the host knows of an attached client's terminal beyond its size: the capabilities
//! `terminal-overrides` sets for the client's `TERM` (tmux 3.3a `tty_term_apply_overrides`).
//! Only those that change drawing here are read; terminfo itself is not consulted (every
//! terminal this host draws for is assumed to have tmux's baseline: automatic margins, colour).

use crate::options::{Scope, array_items};
use crate::state::State;

/// Split one override item (`PATTERN:CAP:CAP=VALUE:CAP@`) at its colons, `\:` being a colon
/// inside a field (tmux `tty_term_override_next`).
fn fields(item: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut chars = item.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek() == Some(&':') {
            chars.next();
            if let Some(last) = out.last_mut() {
                last.push(':');
            }
        } else if c == ':' {
            out.push(String::new());
        } else if let Some(last) = out.last_mut() {
            last.push(c);
        }
    }
    out
}

/// The final state `terminal-overrides` gives capability `cap` for terminal `term`: `Some(true)`
/// when set (`cap` or `cap=...`), `Some(false)` when removed (`cap@`), `None` when no item
/// matching `term` names it. Later items win, as tmux applies them in order.
pub fn override_of(state: &State, term: &str, cap: &str) -> Option<bool> {
    let items = array_items(state.options.get(Scope::Server, "terminal-overrides")?);
    let mut result = None;
    for item in items.values() {
        let f = fields(item);
        let Some((pattern, caps)) = f.split_first() else {
            continue;
        };
        if !crate::format::matching::fnmatch(pattern, term, false) {
            continue;
        }
        for c in caps {
            if c == cap || c.split_once('=').is_some_and(|(name, _)| name == cap) {
                result = Some(true);
            } else if c.strip_suffix('@') == Some(cap) {
                result = Some(false);
            }
        }
    }
    result
}

/// The client's terminal lacks automatic margins (`am@` for its `TERM`): tmux then never
/// writes the bottom-right cell.
pub fn no_auto_margins(state: &State, term: &str) -> bool {
    override_of(state, term, "am") == Some(false)
}

/// tmux 3.3a's terminal features, in the order `tty_get_features` lists them.
const FEATURES: [&str; 17] = [
    "256",
    "bpaste",
    "ccolour",
    "clipboard",
    "cstyle",
    "extkeys",
    "focus",
    "margins",
    "mouse",
    "osc7",
    "overline",
    "rectfill",
    "RGB",
    "strikethrough",
    "sync",
    "title",
    "usstyle",
];

/// `#{client_termfeatures}`: what `terminal-features` gives `term` (tmux
/// `tty_term_create`), with `bpaste,focus,title`, which tmux adds for terminals derived from
/// the VT100. Without terminfo every terminal counts as VT100-like; `256` (tmux's `-2`) and
/// the features tmux learns from a terminal's answers to its queries are not known.
pub fn features(state: &State, term: &str) -> String {
    let mut on = [false; FEATURES.len()];
    let mut add = |name: &str| {
        let i = FEATURES.iter().position(|f| f.eq_ignore_ascii_case(name));
        match i.and_then(|i| on.get_mut(i)) {
            Some(flag) => {
                *flag = true;
                true
            }
            None => false,
        }
    };
    let items = state
        .options
        .get(Scope::Server, "terminal-features")
        .map(array_items)
        .unwrap_or_default();
    for item in items.values() {
        let f = fields(item);
        if let Some((pattern, names)) = f.split_first()
            && crate::format::matching::fnmatch(pattern, term, false)
        {
            // tmux stops at an unknown name.
            for name in names {
                if !add(name) {
                    break;
                }
            }
        }
    }
    for name in ["bpaste", "focus", "title"] {
        add(name);
    }
    let names: Vec<&str> = FEATURES
        .iter()
        .zip(on)
        .filter_map(|(f, on)| on.then_some(*f))
        .collect();
    names.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_split_at_unescaped_colons() {
        assert_eq!(
            fields("xterm*:am@:Ss=\\E[%p1%d q"),
            ["xterm*", "am@", "Ss=\\E[%p1%d q"]
        );
        assert_eq!(fields("a\\:b:c"), ["a:b", "c"]);
    }
}
