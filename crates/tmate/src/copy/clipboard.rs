//! The outer terminals' clipboard (tmux 3.3a `set-clipboard`, OSC 52): a copy in copy mode is
//! sent to the terminals of the clients showing the pane as `ESC ] 52 ; ; BASE64 BEL`
//! (`external` and `on`), and with `on` a pane's own OSC 52 sets a paste buffer (and goes on
//! to the clients) or, for `?`, is answered with the newest buffer. Each raises the
//! `pane-set-clipboard` hook.

use crate::options::{Scope, array_items};
use crate::state::{ClientEvent, State};

/// Largest text sent to a terminal's clipboard or taken from a pane's OSC 52 (paste buffers'
/// own bound).
const MAX_CLIPBOARD: usize = super::buffers::MAX_BUFFER;

/// `set-clipboard`: 0 off, 1 external, 2 on (tmux's numbers).
fn setting(state: &State) -> u8 {
    match state.options.get(Scope::Server, "set-clipboard") {
        Some("on") => 2,
        Some("external") => 1,
        _ => 0,
    }
}

/// The client's terminal can set the clipboard: tmux's `Ms` capability, which the `clipboard`
/// terminal feature adds (the default `terminal-features` give it to `xterm*`) and
/// `terminal-overrides` can add or remove. Terminfo itself is not read here.
pub fn has_clipboard(state: &State, term: &str) -> bool {
    if let Some(set) = crate::termcaps::override_of(state, term, "Ms") {
        return set;
    }
    let Some(features) = state.options.get(Scope::Server, "terminal-features") else {
        return false;
    };
    array_items(features).values().any(|item| {
        let mut fields = item.split(':');
        let pattern = fields.next().unwrap_or_default();
        crate::format::matching::fnmatch(pattern, term, false) && fields.any(|f| f == "clipboard")
    })
}

/// A copy-mode copy of `text` from `pane` (tmux `window_copy_copy_buffer`): to the clients'
/// clipboards unless `set-clipboard` is off, and the hook.
pub fn copied(state: &mut State, pane: u32, text: &[u8]) {
    if setting(state) == 0 {
        return;
    }
    set_selection(state, pane, text);
    if let Some((sid, idx)) = state.locate_pane(pane) {
        state.notify_window("pane-set-clipboard", sid, idx, Some(pane));
    }
}

/// An OSC 52 the pane's program wrote (`52;FLAGS;DATA`, tmux `input_osc_52`), only with
/// `set-clipboard on`: `?` asks for the newest paste buffer (the answer is returned, ended as
/// the question was), anything else is base64 for a new paste buffer and the clients'
/// clipboards.
pub fn from_pane(
    state: &mut State,
    pane: u32,
    payload: &[u8],
    bel: bool,
    limit: usize,
) -> Option<Vec<u8>> {
    if setting(state) != 2 {
        return None;
    }
    let (_, data) = split_once(payload.strip_prefix(b"52;")?, b';')?;
    if data.is_empty() {
        return None;
    }
    if data == b"?" {
        let top = state
            .buffers
            .top()
            .map(|b| b.data.clone())
            .unwrap_or_default();
        let mut reply = b"\x1b]52;;".to_vec();
        reply.extend_from_slice(encode(&top).as_bytes());
        reply.extend_from_slice(if bel { b"\x07" } else { b"\x1b\\" });
        return Some(reply);
    }
    let text = decode(data)?;
    if text.is_empty() || text.len() > MAX_CLIPBOARD {
        return None;
    }
    set_selection(state, pane, &text);
    if let Some((sid, idx)) = state.locate_pane(pane) {
        state.notify_window("pane-set-clipboard", sid, idx, Some(pane));
    }
    state.buffers.add(text, limit);
    None
}

/// An OSC 52 from pane `pane`'s output: handled as tmux does, the answer to a `?` written to
/// the pane.
pub fn pane_osc52(state: &mut State, pane: u32, payload: &[u8], bel: bool) {
    let limit = super::buffer_limit(state);
    if let Some(reply) = from_pane(state, pane, payload, bel, limit)
        && let Some(p) = state.panes.get(&pane)
    {
        p.write(reply);
    }
}

fn split_once(b: &[u8], sep: u8) -> Option<(&[u8], &[u8])> {
    let i = b.iter().position(|c| *c == sep)?;
    Some((b.get(..i)?, b.get(i + 1..)?))
}

/// tmux `screen_write_setselection` then `tty_set_selection`: the clipboard sequence to the
/// terminal of each client showing the pane's window, if it has the capability.
fn set_selection(state: &State, pane: u32, text: &[u8]) {
    if text.len() > MAX_CLIPBOARD {
        return;
    }
    let Some((sid, idx)) = state.locate_pane(pane) else {
        return;
    };
    let current = state.sessions.get(&sid).is_some_and(|s| s.current == idx);
    if !current {
        return;
    }
    let mut seq = b"\x1b]52;;".to_vec();
    seq.extend_from_slice(encode(text).as_bytes());
    seq.push(0x07);
    for c in state.clients.values() {
        if c.session == sid && c.control.is_none() && has_clipboard(state, &c.term) {
            let _ = c.events.try_send(ClientEvent::Write(seq.clone()));
        }
    }
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding (tmux's `b64_ntop`).
pub fn encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                let v = usize::try_from((n >> (18 - 6 * i)) & 63).unwrap_or(0);
                out.push(char::from(ALPHABET.get(v).copied().unwrap_or(b'A')));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Base64 as tmux's `b64_pton` reads it: white space skipped, whole groups of four with
/// their padding, zero fill bits; None when malformed.
pub fn decode(text: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    let (mut count, mut padding) = (0usize, 0usize);
    for &c in text {
        if c.is_ascii_whitespace() {
            continue;
        }
        if c == b'=' {
            padding += 1;
            continue;
        }
        if padding > 0 {
            return None;
        }
        let v = u32::try_from(ALPHABET.iter().position(|a| *a == c)?).ok()?;
        // Only the bits not yet made into a byte are kept.
        acc = ((acc << 6) | v) & 0x3fff;
        bits += 6;
        count += 1;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xff).ok()?);
        }
    }
    let whole = matches!((count % 4, padding), (0, 0) | (2, 2) | (3, 1));
    if !whole || acc & ((1 << bits) - 1) != 0 {
        return None;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips() {
        for text in [
            &b""[..],
            b"a",
            b"ab",
            b"abc",
            b"hello world\n",
            &[0, 255, 128, 7],
        ] {
            let e = encode(text);
            assert_eq!(e.len() % 4, 0);
            assert_eq!(decode(e.as_bytes()).as_deref(), Some(text), "{e}");
        }
        assert_eq!(encode(b"hello"), "aGVsbG8=");
        assert_eq!(decode(b"aGVs bG8="), Some(b"hello".to_vec()));
        assert_eq!(decode(b"a*bc"), None);
        assert_eq!(
            decode(b"aGVsbG8"),
            None,
            "a partial group without its padding"
        );
    }
}
