//! Owns the text view of a terminal byte stream: escape sequences and controls stripped
//! incrementally (sequences may be split across reads), and a pattern watch over that text.
//!
//! Timing is measured on the text a viewer's terminal would show, not on a parsed screen: the
//! pane program clears the screen before every marker, so a diffing renderer must send the
//! marker's characters contiguously and a plain search finds them.

/// Incremental stripper of CSI, OSC/DCS/APC/PM/SOS strings, ESC sequences and C0 controls.
#[derive(Debug, Default)]
pub struct Stripper {
    state: State,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum State {
    #[default]
    Ground,
    Esc,
    EscIntermediate,
    Csi,
    Str,
    StrEsc,
}

impl Stripper {
    /// Append the printable text of `input` to `out`.
    pub fn feed(&mut self, input: &[u8], out: &mut Vec<u8>) {
        for &b in input {
            self.state = match self.state {
                State::Ground => match b {
                    0x1b => State::Esc,
                    0x00..=0x1f | 0x7f => State::Ground,
                    _ => {
                        out.push(b);
                        State::Ground
                    }
                },
                State::Esc => match b {
                    b'[' => State::Csi,
                    b']' | b'P' | b'_' | b'^' | b'X' => State::Str,
                    0x20..=0x2f => State::EscIntermediate,
                    0x1b => State::Esc,
                    _ => State::Ground,
                },
                State::EscIntermediate => match b {
                    0x20..=0x2f => State::EscIntermediate,
                    0x1b => State::Esc,
                    _ => State::Ground,
                },
                State::Csi => match b {
                    0x40..=0x7e => State::Ground,
                    0x1b => State::Esc,
                    _ => State::Csi,
                },
                State::Str => match b {
                    0x07 => State::Ground,
                    0x1b => State::StrEsc,
                    _ => State::Str,
                },
                State::StrEsc => match b {
                    b'\\' => State::Ground,
                    0x1b => State::StrEsc,
                    _ => State::Str,
                },
            };
        }
    }
}

/// A pattern searched for in text that arrives in pieces; remembers when it was first seen.
#[derive(Debug)]
pub struct Watch<T> {
    pattern: Vec<u8>,
    tail: Vec<u8>,
    hit: Option<T>,
}

impl<T: Copy> Watch<T> {
    pub fn new(pattern: &[u8]) -> Watch<T> {
        Watch {
            pattern: pattern.to_vec(),
            tail: Vec::new(),
            hit: None,
        }
    }

    /// Search `text` (following what was fed before); record `at` on the first match.
    pub fn feed(&mut self, text: &[u8], at: T) {
        if self.hit.is_some() || text.is_empty() {
            return;
        }
        self.tail.extend_from_slice(text);
        if contains(&self.tail, &self.pattern) {
            self.hit = Some(at);
            self.tail = Vec::new();
            return;
        }
        // Keep only what could still be the start of a match.
        let keep = self.pattern.len().saturating_sub(1);
        let drop = self.tail.len().saturating_sub(keep);
        self.tail.drain(..drop);
    }

    pub fn hit(&self) -> Option<T> {
        self.hit
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip_in_pieces(input: &[u8], piece: usize) -> Vec<u8> {
        let mut s = Stripper::default();
        let mut out = Vec::new();
        for chunk in input.chunks(piece) {
            s.feed(chunk, &mut out);
        }
        out
    }

    #[test]
    fn strips_sequences_split_anywhere() {
        let input =
            b"\x1b[?1049h\x1b[H\x1b[2J#C1#\r\n\x1b]0;title\x07a\x1b(Bb\x1bP1$r\x1b\\c\x1b7\xc3\xa9";
        for piece in 1..input.len() {
            assert_eq!(
                strip_in_pieces(input, piece),
                b"#C1#abc\xc3\xa9".to_vec(),
                "piece {piece}"
            );
        }
    }

    #[test]
    fn watch_finds_pattern_across_feeds_once() {
        let mut w = Watch::new(b"#END-T3#");
        w.feed(b"xx#EN", 1);
        assert_eq!(w.hit(), None);
        w.feed(b"D-T", 2);
        w.feed(b"3#yy", 3);
        assert_eq!(w.hit(), Some(3));
        w.feed(b"#END-T3#", 4);
        assert_eq!(w.hit(), Some(3));
        let mut other = Watch::new(b"#END-T3#");
        other.feed(b"#END-T4#", 1);
        assert_eq!(other.hit(), None);
    }
}
