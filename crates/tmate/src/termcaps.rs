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
