//! OSC 52 (set the clipboard) found in a pane's output: a small scanner per mirrored pane that
//! follows the escape grammar just far enough to find `ESC ] 52 ; <selection> ; <base64>`
//! ended by BEL or ST, across the host's chunk boundaries, and decodes the text for the web
//! viewers allowed to receive it (read-write pages only; see `web`). The terminal mirror itself
//! never acts on OSC 52: it cuts long OSC strings (`tmate_term`'s filter) and has no clipboard.

/// Largest clipboard text offered to pages, decoded (tmux's default `set-clipboard` buffers
/// are of this order); a longer OSC 52 is dropped whole rather than cut.
pub const MAX_CLIPBOARD: usize = 64 * 1024;
/// Largest OSC 52 payload held while its end has not arrived: base64 of `MAX_CLIPBOARD` plus
/// the selection parameter.
const MAX_PAYLOAD: usize = MAX_CLIPBOARD / 3 * 4 + 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Ground,
    /// After ESC.
    Escape,
    /// Inside an OSC string: collecting while it may still be an OSC 52 that fits.
    Osc,
    /// Inside an OSC string not worth keeping (another number, or too long).
    OscSkip,
    /// ESC inside an OSC string: `\` ends it (ST), anything else aborts it.
    OscEscape {
        keep: bool,
    },
}

/// Finds OSC 52 sequences in one pane's output.
#[derive(Debug, Clone)]
pub struct OscScanner {
    state: State,
    payload: Vec<u8>,
}

impl Default for OscScanner {
    fn default() -> Self {
        OscScanner {
            state: State::Ground,
            payload: Vec::new(),
        }
    }
}

impl OscScanner {
    /// Scan `bytes`; returns the text of the last complete OSC 52 that set the clipboard, if
    /// any (queries, `?`, and invalid base64 are ignored).
    pub fn feed(&mut self, bytes: &[u8]) -> Option<String> {
        let mut found = None;
        let mut at = 0;
        while let Some(rest) = bytes.get(at..).filter(|r| !r.is_empty()) {
            if self.state == State::Ground {
                // Only ESC leaves the ground state: skip plain output in one scan.
                match memchr::memchr(0x1b, rest) {
                    Some(esc) => at += esc,
                    None => break,
                }
            }
            let Some(&b) = bytes.get(at) else { break };
            at += 1;
            self.state = match (self.state, b) {
                // CAN and SUB abort any sequence.
                (_, 0x18 | 0x1a) => State::Ground,
                (State::Ground, 0x1b) => State::Escape,
                (State::Ground, _) => State::Ground,
                (State::Escape, b']') => {
                    self.payload.clear();
                    State::Osc
                }
                (State::Escape, 0x1b) => State::Escape,
                (State::Escape, _) => State::Ground,
                (State::Osc | State::OscSkip, 0x07) => {
                    if self.state == State::Osc {
                        found = self.finish().or(found);
                    }
                    State::Ground
                }
                (State::Osc, 0x1b) => State::OscEscape { keep: true },
                (State::OscSkip, 0x1b) => State::OscEscape { keep: false },
                (State::Osc, b) => {
                    self.payload.push(b);
                    if self.worth_keeping() {
                        State::Osc
                    } else {
                        self.payload.clear();
                        State::OscSkip
                    }
                }
                (State::OscSkip, _) => State::OscSkip,
                (State::OscEscape { keep }, b'\\') => {
                    if keep {
                        found = self.finish().or(found);
                    }
                    State::Ground
                }
                // ESC then anything but `\`: the OSC is abandoned and a new escape begins.
                (State::OscEscape { .. }, b']') => {
                    self.payload.clear();
                    State::Osc
                }
                (State::OscEscape { .. }, 0x1b) => State::Escape,
                (State::OscEscape { .. }, _) => State::Ground,
            };
        }
        if self.state == State::Ground {
            // Give back a large buffer once its sequence is over.
            self.payload = Vec::new();
        }
        found
    }

    /// Whether the OSC collected so far can still be an OSC 52 within the limit.
    fn worth_keeping(&self) -> bool {
        let prefix = b"52;";
        let n = self.payload.len().min(prefix.len());
        self.payload.get(..n) == prefix.get(..n) && self.payload.len() <= MAX_PAYLOAD
    }

    /// The text of the finished OSC 52 held in `payload`.
    fn finish(&mut self) -> Option<String> {
        let payload = std::mem::take(&mut self.payload);
        let rest = payload.strip_prefix(b"52;")?;
        let at = rest.iter().position(|&b| b == b';')?;
        let data = rest.get(at + 1..)?;
        if data == b"?" {
            return None;
        }
        let decoded = decode_base64(data)?;
        if decoded.len() > MAX_CLIPBOARD {
            return None;
        }
        Some(String::from_utf8_lossy(&decoded).into_owned())
    }
}

/// Standard base64 (padding optional); None on any other byte.
fn decode_base64(data: &[u8]) -> Option<Vec<u8>> {
    let value = |b: u8| -> Option<u32> {
        Some(u32::from(match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        }))
    };
    let trimmed = data
        .strip_suffix(b"==")
        .or_else(|| data.strip_suffix(b"="))
        .unwrap_or(data);
    let mut out = Vec::with_capacity(trimmed.len() / 4 * 3 + 2);
    let mut bits = 0u32;
    let mut count = 0u32;
    for &b in trimmed {
        bits = (bits << 6) | value(b)?;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push(((bits >> count) & 0xff) as u8);
        }
        bits &= (1 << count) - 1;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_osc52_ended_by_bel_or_st_across_chunks() {
        let mut scanner = OscScanner::default();
        assert_eq!(
            scanner.feed(b"x\x1b]52;c;aGVsbG8gd29ybGQ=\x07y"),
            Some("hello world".into())
        );
        assert_eq!(scanner.feed(b"\x1b]52;;aGk"), None);
        assert_eq!(scanner.feed(b"=\x1b"), None);
        assert_eq!(scanner.feed(b"\\"), Some("hi".into()));
    }

    #[test]
    fn ignores_queries_titles_bad_data_and_aborted_strings() {
        let mut scanner = OscScanner::default();
        assert_eq!(scanner.feed(b"\x1b]52;c;?\x07"), None);
        assert_eq!(scanner.feed(b"\x1b]2;52;c;aGk=\x07"), None);
        assert_eq!(scanner.feed(b"\x1b]52;c;a*b\x07"), None);
        assert_eq!(scanner.feed(b"\x1b]52;c;aGk=\x18\x07"), None);
        assert_eq!(scanner.feed(b"\x1b]52;c;aGk=\x1b[m\x07"), None);
        // A new OSC right after an abandoned one still counts.
        assert_eq!(
            scanner.feed(b"\x1b]0;t\x1b\x1b]52;c;aGk=\x07"),
            Some("hi".into())
        );
    }

    #[test]
    fn drops_what_is_too_long_and_keeps_memory_bounded() {
        let mut scanner = OscScanner::default();
        let mut big = b"\x1b]52;c;".to_vec();
        big.extend(std::iter::repeat_n(b'A', MAX_PAYLOAD + 10));
        assert_eq!(scanner.feed(&big), None);
        assert!(scanner.payload.len() <= MAX_PAYLOAD);
        assert_eq!(scanner.feed(b"\x07"), None);
        assert_eq!(scanner.feed(b"\x1b]52;c;aGk=\x07"), Some("hi".into()));
    }

    #[test]
    fn base64() {
        assert_eq!(decode_base64(b"").as_deref(), Some(&b""[..]));
        assert_eq!(decode_base64(b"Zg==").as_deref(), Some(&b"f"[..]));
        assert_eq!(decode_base64(b"Zm8").as_deref(), Some(&b"fo"[..]));
        assert_eq!(decode_base64(b"Zm9v").as_deref(), Some(&b"foo"[..]));
        assert_eq!(decode_base64(b"Zm9v!"), None);
    }
}
