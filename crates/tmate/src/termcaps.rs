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
/// the VT100, and `learned` (from the terminal's answers, [`features_of_reply`]). Without
/// terminfo every terminal counts as VT100-like; `256` (tmux's `-2`) is not known.
pub fn features(state: &State, term: &str, learned: &str) -> String {
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
    for name in ["bpaste", "focus", "title"]
        .into_iter()
        .chain(learned.split(',').filter(|n| !n.is_empty()))
    {
        add(name);
    }
    let names: Vec<&str> = FEATURES
        .iter()
        .zip(on)
        .filter_map(|(f, on)| on.then_some(*f))
        .collect();
    names.join(",")
}

/// The queries tmux 3.3a sends a VT100-like client terminal once it is attached
/// (`tty_send_requests`): secondary device attributes and XTVERSION.
pub const QUERIES: &[u8] = b"\x1b[>c\x1b[>q";

/// Whether [`QUERIES`] go to a terminal named `term`: tmux asks terminals whose terminfo
/// clears the screen with `ESC [`; without terminfo, every terminal but a dumb one.
pub fn answers_queries(term: &str) -> bool {
    !term.is_empty() && term != "dumb"
}

/// An answer to [`QUERIES`]: XTVERSION's text (`Some`, `#{client_termtype}`) or `None` for
/// device attributes, and the features tmux 3.3a adds for it (`tty_default_features`:
/// iTerm2, tmux, XTerm and mintty by name; VT420, mintty, tmux and rxvt-unicode by the
/// first device-attribute number).
pub fn features_of_reply(raw: &[u8]) -> (Option<String>, &'static str) {
    const MINTTY: &str = "256,RGB,bpaste,clipboard,mouse,strikethrough,title,\
                          ccolour,cstyle,extkeys,margins,overline,usstyle";
    const TMUX: &str = "256,RGB,bpaste,clipboard,mouse,strikethrough,title,\
                        ccolour,cstyle,focus,overline,usstyle";
    const ITERM2: &str = "256,RGB,bpaste,clipboard,mouse,strikethrough,title,\
                          cstyle,extkeys,margins,usstyle,sync,osc7";
    const XTERM: &str = "256,RGB,bpaste,clipboard,mouse,strikethrough,title,\
                         ccolour,cstyle,extkeys,focus";
    const RXVT: &str = "256,bpaste,ccolour,cstyle,mouse,title";
    if let Some(text) = raw
        .strip_prefix(b"\x1bP>|")
        .and_then(|r| r.strip_suffix(b"\x1b\\"))
    {
        let text = String::from_utf8_lossy(text).into_owned();
        let features = [
            ("iTerm2 ", ITERM2),
            ("tmux ", TMUX),
            ("XTerm(", XTERM),
            ("mintty ", MINTTY),
        ]
        .iter()
        .find(|(start, _)| text.starts_with(start))
        .map_or("", |(_, f)| f);
        return (Some(text), features);
    }
    // `ESC [ > Pp ; ... c`: tmux reads the first number (`ESC [ ?` answers are ignored).
    let first = raw.strip_prefix(b"\x1b[>").map(|r| {
        r.iter()
            .take_while(|b| b.is_ascii_digit())
            .fold(0u32, |n, d| {
                n.saturating_mul(10).saturating_add(u32::from(d - b'0'))
            })
    });
    let features = match first {
        Some(41) => "margins,rectfill",
        Some(77) => MINTTY,
        Some(84) => TMUX,
        Some(85) => RXVT,
        _ => "",
    };
    (None, features)
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

    #[test]
    fn answers_name_the_terminal_and_its_features() {
        let (version, features) = features_of_reply(b"\x1bP>|iTerm2 3.5.0\x1b\\");
        assert_eq!(version.as_deref(), Some("iTerm2 3.5.0"));
        assert!(features.contains("sync") && features.contains("osc7"));
        assert_eq!(features_of_reply(b"\x1bP>|foot(1.16)\x1b\\").1, "");
        assert_eq!(
            features_of_reply(b"\x1b[>41;388;0c"),
            (None, "margins,rectfill")
        );
        assert!(features_of_reply(b"\x1b[>84;0;0c").1.contains("focus"));
        assert_eq!(features_of_reply(b"\x1b[>1;2c"), (None, ""));
    }
}
