//! Terminal input bytes to tmux keys: what a viewer's (or local client's) terminal sends, parsed
//! into key codes the way tmux 2.2's tty-keys.c does, keeping the exact bytes of every key and
//! holding an incomplete escape sequence until the next read (or until the escape time passes).

use crate::keys::KeyCode;

/// The longest sequence kept while waiting for its end; anything longer is given up on.
pub const MAX_PENDING: usize = 64;

/// A mouse report from the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MouseEvent {
    /// Button and modifier bits as the terminal reported them (SGR value, or X10 byte minus 32).
    pub button: u32,
    /// 1-based column and row.
    pub x: u32,
    pub y: u32,
    /// SGR reports a release with a final `m`; X10 reports it as button 3.
    pub release: bool,
    /// Reported in SGR (1006) form rather than X10.
    pub sgr: bool,
}

/// One thing the terminal sent, with the exact bytes it was made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputEvent {
    Key {
        key: KeyCode,
        raw: Vec<u8>,
    },
    Mouse {
        event: MouseEvent,
        raw: Vec<u8>,
    },
    /// A complete escape sequence (or an invalid UTF-8 byte) that is no known key, such as the
    /// bracketed-paste markers; callers may pass the bytes on as they are or drop them.
    Unrecognized {
        raw: Vec<u8>,
    },
    /// The terminal's answer to a query, while [`InputParser::expect_replies`] is on: secondary
    /// device attributes (`ESC [ > ... c`, or `ESC [ ? ... c` as old Terminal.app sends) or
    /// XTVERSION's `ESC P > | text ESC \`. Never a key.
    Reply {
        raw: Vec<u8>,
    },
}

impl InputEvent {
    pub fn raw(&self) -> &[u8] {
        match self {
            InputEvent::Key { raw, .. }
            | InputEvent::Mouse { raw, .. }
            | InputEvent::Unrecognized { raw }
            | InputEvent::Reply { raw } => raw,
        }
    }
}

/// Streaming parser; one per terminal.
#[derive(Debug, Default, Clone)]
pub struct InputParser {
    pending: Vec<u8>,
    /// `user-keys`: input sequences that are the keys User0..User999 (tmux adds them to its
    /// terminal's key tree, so they win over what the sequence would be otherwise).
    user: Vec<(Vec<u8>, KeyCode)>,
    /// Queries went to the terminal: their answers are [`InputEvent::Reply`]s, not keys.
    replies: bool,
}

/// The longest XTVERSION answer taken (tmux 3.3a's buffer); a longer one is keys.
const MAX_REPLY: usize = 128;

enum Parsed {
    Event(InputEvent, usize),
    /// The bytes so far may be the start of a longer sequence.
    Incomplete,
}

impl InputParser {
    pub fn new() -> Self {
        Self::default()
    }

    /// Parse `input` (appended to what an earlier call left pending) into `out`. A trailing
    /// incomplete sequence stays pending; call `flush` when the escape time passes without more.
    pub fn feed(&mut self, input: &[u8], out: &mut Vec<InputEvent>) {
        self.pending.extend_from_slice(input);
        self.drain(false, out);
    }

    /// Take whatever is pending as complete: a lone ESC becomes the Escape key, a cut sequence
    /// becomes Meta plus its next character, and so on.
    pub fn flush(&mut self, out: &mut Vec<InputEvent>) {
        self.drain(true, out);
    }

    /// The `user-keys` sequences and their keys (empty sequences are ignored).
    pub fn set_user_keys(&mut self, keys: Vec<(Vec<u8>, KeyCode)>) {
        self.user = keys.into_iter().filter(|(s, _)| !s.is_empty()).collect();
    }

    /// The longest user key at the start of `buf`; `Incomplete` while `buf` may still
    /// become a longer one; `None` when no user key is there.
    fn user_key(&self, buf: &[u8], at_end: bool) -> Option<Parsed> {
        if self.user.is_empty() {
            return None;
        }
        if !at_end
            && self
                .user
                .iter()
                .any(|(s, _)| s.len() > buf.len() && s.starts_with(buf))
        {
            return Some(Parsed::Incomplete);
        }
        self.user
            .iter()
            .filter(|(s, _)| buf.starts_with(s))
            .max_by_key(|(s, _)| s.len())
            .map(|(s, k)| key(*k, s))
    }

    /// Whether the terminal's answers to device-attribute and XTVERSION queries are expected
    /// (from sending the queries until both answers came, or a timeout): tmux 3.3a reads
    /// them only then, so `ESC P` stays M-P otherwise.
    pub fn expect_replies(&mut self, on: bool) {
        self.replies = on;
    }

    /// Bytes held back waiting for the rest of a sequence.
    pub fn pending(&self) -> &[u8] {
        &self.pending
    }

    fn drain(&mut self, at_end: bool, out: &mut Vec<InputEvent>) {
        let mut pos = 0;
        while let Some(rest) = self.pending.get(pos..).filter(|r| !r.is_empty()) {
            let reply = if self.replies {
                terminal_reply(rest, at_end || rest.len() >= MAX_REPLY)
            } else {
                None
            };
            let at_end = at_end || rest.len() >= MAX_PENDING;
            let parsed = reply
                .or_else(|| self.user_key(rest, at_end))
                .unwrap_or_else(|| parse_one(rest, at_end));
            match parsed {
                Parsed::Event(event, len) => {
                    out.push(event);
                    pos += len.max(1);
                }
                Parsed::Incomplete => break,
            }
        }
        self.pending.drain(..pos.min(self.pending.len()));
    }
}

/// A terminal's answer at the start of `buf` (tmux 3.3a `tty_keys_device_attributes`,
/// `tty_keys_extended_device_attributes`): `Incomplete` while `buf` may still become one,
/// `None` when it is none.
fn terminal_reply(buf: &[u8], at_end: bool) -> Option<Parsed> {
    let incomplete = || (!at_end).then_some(Parsed::Incomplete);
    let reply = |len: usize| {
        Some(Parsed::Event(
            InputEvent::Reply {
                raw: head(buf, len).to_vec(),
            },
            len,
        ))
    };
    let da: &[u8] = b"\x1b[>";
    let old_da: &[u8] = b"\x1b[?";
    let xda: &[u8] = b"\x1bP>|";
    let prefix_of = |p: &[u8]| buf.len() < p.len() && p.starts_with(buf);
    if prefix_of(da) || prefix_of(old_da) || prefix_of(xda) {
        return incomplete();
    }
    if buf.starts_with(da) || buf.starts_with(old_da) {
        let body = buf.get(3..).unwrap_or_default();
        for (i, b) in body.iter().enumerate().take(63) {
            match b {
                b'c' => return reply(3 + i + 1),
                b'0'..=b'9' | b';' => {}
                _ => return None,
            }
        }
        return if body.len() < 63 { incomplete() } else { None };
    }
    if buf.starts_with(xda) {
        let body = buf.get(4..).unwrap_or_default();
        let end = body.windows(2).position(|w| w == b"\x1b\\");
        return match end {
            Some(i) if 4 + i + 2 <= MAX_REPLY => reply(4 + i + 2),
            Some(_) => None,
            None if buf.len() < MAX_REPLY => incomplete(),
            None => None,
        };
    }
    None
}

/// The first `n` bytes of `buf` (all of it if shorter).
fn head(buf: &[u8], n: usize) -> &[u8] {
    buf.get(..n).unwrap_or(buf)
}

fn key(key: KeyCode, raw: &[u8]) -> Parsed {
    Parsed::Event(
        InputEvent::Key {
            key,
            raw: raw.to_vec(),
        },
        raw.len(),
    )
}

fn unrecognized(raw: &[u8]) -> Parsed {
    Parsed::Event(InputEvent::Unrecognized { raw: raw.to_vec() }, raw.len())
}

/// Parse the first key of `buf` (never empty).
fn parse_one(buf: &[u8], at_end: bool) -> Parsed {
    let Some(&first) = buf.first() else {
        return Parsed::Incomplete;
    };
    match first {
        0x1b => parse_escape(buf, at_end),
        // The pty's VERASE: tmux turns it into BSpace.
        0x7f => key(KeyCode::BSPACE, head(buf, 1)),
        0x00..=0x7e => key(KeyCode(u64::from(first)), head(buf, 1)),
        _ => parse_utf8(buf, at_end),
    }
}

fn parse_utf8(buf: &[u8], at_end: bool) -> Parsed {
    let need = match buf.first() {
        Some(0xc2..=0xdf) => 2,
        Some(0xe0..=0xef) => 3,
        Some(0xf0..=0xf4) => 4,
        _ => return unrecognized(head(buf, 1)),
    };
    let Some(bytes) = buf.get(..need) else {
        // Wait for the rest unless what is there already cannot start a character.
        if !at_end && std::str::from_utf8(buf).is_err_and(|e| e.error_len().is_none()) {
            return Parsed::Incomplete;
        }
        return unrecognized(head(buf, 1));
    };
    match std::str::from_utf8(bytes)
        .ok()
        .and_then(|s| s.chars().next())
    {
        Some(c) => key(KeyCode::char(c), bytes),
        None => unrecognized(head(buf, 1)),
    }
}

/// Known sequences that are not CSI/SS3 with parameters (tty-keys.c's raw table, the linux
/// console's F1-F5, and the terminfo entries of xterm, screen and rxvt).
fn fixed_sequence(seq: &[u8]) -> Option<KeyCode> {
    let c = KeyCode::CTRL;
    let s = KeyCode::SHIFT;
    Some(match seq {
        b"\x1b[[A" => KeyCode::F1,
        b"\x1b[[B" => KeyCode::F2,
        b"\x1b[[C" => KeyCode::F3,
        b"\x1b[[D" => KeyCode::F4,
        b"\x1b[[E" => KeyCode::F5,
        b"\x1b[A" => KeyCode::UP,
        b"\x1b[B" => KeyCode::DOWN,
        b"\x1b[C" => KeyCode::RIGHT,
        b"\x1b[D" => KeyCode::LEFT,
        b"\x1b[H" => KeyCode::HOME,
        b"\x1b[F" => KeyCode::END,
        b"\x1b[Z" => KeyCode::BTAB,
        b"\x1b[I" => KeyCode::FOCUS_IN,
        b"\x1b[O" => KeyCode::FOCUS_OUT,
        b"\x1b[a" => KeyCode::UP.with_modifiers(s),
        b"\x1b[b" => KeyCode::DOWN.with_modifiers(s),
        b"\x1b[c" => KeyCode::RIGHT.with_modifiers(s),
        b"\x1b[d" => KeyCode::LEFT.with_modifiers(s),
        b"\x1bOa" => KeyCode::UP.with_modifiers(c),
        b"\x1bOb" => KeyCode::DOWN.with_modifiers(c),
        b"\x1bOc" => KeyCode::RIGHT.with_modifiers(c),
        b"\x1bOd" => KeyCode::LEFT.with_modifiers(c),
        _ => return None,
    })
}

/// The key a CSI `n ~` (or rxvt `n ^`, `n $`, `n @`) number stands for.
fn tilde_key(n: u32) -> Option<KeyCode> {
    Some(match n {
        1 | 7 => KeyCode::HOME,
        2 => KeyCode::IC,
        3 => KeyCode::DC,
        4 | 8 => KeyCode::END,
        5 => KeyCode::PPAGE,
        6 => KeyCode::NPAGE,
        11 => KeyCode::F1,
        12 => KeyCode::F2,
        13 => KeyCode::F3,
        14 => KeyCode::F4,
        15 => KeyCode::F5,
        17 => KeyCode::F6,
        18 => KeyCode::F7,
        19 => KeyCode::F8,
        20 => KeyCode::F9,
        21 => KeyCode::F10,
        23 => KeyCode::F11,
        24 => KeyCode::F12,
        25 => KeyCode::F1.with_modifiers(KeyCode::SHIFT),
        26 => KeyCode::F2.with_modifiers(KeyCode::SHIFT),
        28 => KeyCode::F3.with_modifiers(KeyCode::SHIFT),
        29 => KeyCode::F4.with_modifiers(KeyCode::SHIFT),
        31 => KeyCode::F5.with_modifiers(KeyCode::SHIFT),
        32 => KeyCode::F6.with_modifiers(KeyCode::SHIFT),
        33 => KeyCode::F7.with_modifiers(KeyCode::SHIFT),
        34 => KeyCode::F8.with_modifiers(KeyCode::SHIFT),
        _ => return None,
    })
}

/// The key of a CSI or SS3 final letter (`A` Up, `P` F1, ...).
fn letter_key(final_byte: u8) -> Option<KeyCode> {
    Some(match final_byte {
        b'A' => KeyCode::UP,
        b'B' => KeyCode::DOWN,
        b'C' => KeyCode::RIGHT,
        b'D' => KeyCode::LEFT,
        b'H' => KeyCode::HOME,
        b'F' => KeyCode::END,
        b'P' => KeyCode::F1,
        b'Q' => KeyCode::F2,
        b'R' => KeyCode::F3,
        b'S' => KeyCode::F4,
        _ => return None,
    })
}

/// The keypad key of an SS3 final byte (application keypad mode).
fn keypad_key(final_byte: u8) -> Option<KeyCode> {
    Some(match final_byte {
        b'o' => KeyCode::KP_SLASH,
        b'j' => KeyCode::KP_STAR,
        b'm' => KeyCode::KP_MINUS,
        b'w' => KeyCode::KP_7,
        b'x' => KeyCode::KP_8,
        b'y' => KeyCode::KP_9,
        b'k' => KeyCode::KP_PLUS,
        b't' => KeyCode::KP_4,
        b'u' => KeyCode::KP_5,
        b'v' => KeyCode::KP_6,
        b'q' => KeyCode::KP_1,
        b'r' => KeyCode::KP_2,
        b's' => KeyCode::KP_3,
        b'M' => KeyCode::KP_ENTER,
        b'p' => KeyCode::KP_0,
        b'n' => KeyCode::KP_PERIOD,
        _ => return None,
    })
}

/// xterm's modifier parameter (`1 + shift + 2 meta + 4 ctrl`, 8 also meta) as tmux key bits.
fn xterm_modifiers(param: u32) -> u64 {
    let flags = param.saturating_sub(1);
    let mut modifiers = 0;
    if flags & 1 != 0 {
        modifiers |= KeyCode::SHIFT;
    }
    if flags & (2 | 8) != 0 {
        modifiers |= KeyCode::META;
    }
    if flags & 4 != 0 {
        modifiers |= KeyCode::CTRL;
    }
    modifiers
}

/// Semicolon-separated decimal parameters; `None` if any is not a number (or too big).
fn numbers(params: &[u8]) -> Option<Vec<u32>> {
    if params.is_empty() {
        return Some(Vec::new());
    }
    params
        .split(|&b| b == b';')
        .map(|p| {
            if p.is_empty() || p.len() > 9 || !p.iter().all(u8::is_ascii_digit) {
                return None;
            }
            std::str::from_utf8(p).ok()?.parse().ok()
        })
        .collect()
}

fn parse_escape(buf: &[u8], at_end: bool) -> Parsed {
    let Some(&second) = buf.get(1) else {
        return if at_end {
            key(KeyCode::ESCAPE, buf)
        } else {
            Parsed::Incomplete
        };
    };
    let sequence = match second {
        b'[' => parse_csi(buf),
        b'O' => parse_ss3(buf),
        _ => None,
    };
    match sequence {
        Some(Parsed::Incomplete) if !at_end => Parsed::Incomplete,
        Some(parsed @ Parsed::Event(..)) => parsed,
        // Not a sequence (or cut short at the end): ESC then a key is that key with Meta.
        _ => meta_key(buf, at_end),
    }
}

/// `ESC` followed by a key: the key with the Meta modifier (`ESC x` is M-x, `ESC ESC [A` M-Up).
fn meta_key(buf: &[u8], at_end: bool) -> Parsed {
    let rest = buf.get(1..).unwrap_or_default();
    match parse_one(rest, at_end) {
        Parsed::Incomplete => Parsed::Incomplete,
        Parsed::Event(InputEvent::Key { key: inner, .. }, len)
            if inner.0 & KeyCode::META == 0 && inner != KeyCode::ESCAPE =>
        {
            key(inner.with_modifiers(KeyCode::META), head(buf, 1 + len))
        }
        // ESC before something that cannot take Meta: the Escape key alone.
        Parsed::Event(..) => key(KeyCode::ESCAPE, head(buf, 1)),
    }
}

/// `ESC [` sequences. `None` when the bytes are not a well-formed CSI sequence.
fn parse_csi(buf: &[u8]) -> Option<Parsed> {
    let body = buf.get(2..)?;
    // Linux console function keys: ESC [ [ A..E.
    if body.first() == Some(&b'[') {
        return match body.get(1) {
            None => Some(Parsed::Incomplete),
            Some(_) => fixed_sequence(head(buf, 4)).map(|k| key(k, head(buf, 4))),
        };
    }
    if body.first() == Some(&b'M') {
        return Some(parse_x10_mouse(buf));
    }
    if body.first() == Some(&b'<') {
        return parse_sgr_mouse(buf);
    }
    // CSI grammar: parameter bytes 0x30-0x3f, intermediate bytes 0x20-0x2f, one final 0x40-0x7e.
    let mut end = 0;
    while let Some(&b) = body.get(end) {
        match b {
            // rxvt ends Shift-modified keys with `$` (an intermediate byte in ECMA-48 terms).
            b'$' if end > 0 && head(body, end).iter().all(u8::is_ascii_digit) => {
                return Some(csi_key(head(buf, 2 + end + 1), head(body, end), b));
            }
            0x20..=0x3f => end += 1,
            0x40..=0x7e => {
                return Some(csi_key(head(buf, 2 + end + 1), head(body, end), b));
            }
            _ => return None,
        }
    }
    Some(Parsed::Incomplete)
}

/// Interpret a complete CSI sequence `seq` with parameters `params` and final byte `final_byte`.
fn csi_key(seq: &[u8], params: &[u8], final_byte: u8) -> Parsed {
    if let Some(k) = fixed_sequence(seq) {
        return key(k, seq);
    }
    let Some(nums) = numbers(params) else {
        return unrecognized(seq);
    };
    let found = match (final_byte, nums.as_slice()) {
        // xterm modifyOtherKeys: CSI 27 ; m ; char ~
        (b'~', [27, m, ch]) => char::from_u32(*ch).map(|c| {
            let key = KeyCode::char(c);
            let mut modifiers = xterm_modifiers(*m);
            // A control character already is its Ctrl key (0x0b is C-k): a Ctrl bit on top
            // would be a key named `C-C-k`, which no binding can spell.
            if key.name().starts_with("C-") {
                modifiers &= !KeyCode::CTRL;
            }
            key.with_modifiers(modifiers)
        }),
        (b'~', [n]) => tilde_key(*n),
        (b'~', [n, m]) => tilde_key(*n).map(|k| k.with_modifiers(xterm_modifiers(*m))),
        // rxvt: ^ is Ctrl, $ is Shift, @ is both.
        (b'^', [n]) => tilde_key(*n).map(|k| k.with_modifiers(KeyCode::CTRL)),
        (b'$', [n]) => tilde_key(*n).map(|k| k.with_modifiers(KeyCode::SHIFT)),
        (b'@', [n]) => tilde_key(*n).map(|k| k.with_modifiers(KeyCode::CTRL | KeyCode::SHIFT)),
        (_, [1, m]) => letter_key(final_byte).map(|k| k.with_modifiers(xterm_modifiers(*m))),
        _ => None,
    };
    match found {
        Some(k) => key(k, seq),
        None => unrecognized(seq),
    }
}

/// `ESC O x` and `ESC O 1;m x` / `ESC O m x` (modified F1-F4 in some xterms).
fn parse_ss3(buf: &[u8]) -> Option<Parsed> {
    let body = buf.get(2..)?;
    let mut end = 0;
    while let Some(&b) = body.get(end) {
        if b.is_ascii_digit() || b == b';' {
            end += 1;
            continue;
        }
        if !(0x40..=0x7e).contains(&b) {
            return None;
        }
        let seq = head(buf, 2 + end + 1);
        if end == 0 {
            if let Some(k) = fixed_sequence(seq) {
                return Some(key(k, seq));
            }
            let k = letter_key(b).or_else(|| keypad_key(b));
            return Some(match k {
                Some(k) => key(k, seq),
                None => unrecognized(seq),
            });
        }
        let modifier = match numbers(head(body, end)).as_deref() {
            Some([1, m]) | Some([m]) => Some(xterm_modifiers(*m)),
            _ => None,
        };
        return Some(match (modifier, letter_key(b)) {
            (Some(m), Some(k)) => key(k.with_modifiers(m), seq),
            _ => unrecognized(seq),
        });
    }
    Some(Parsed::Incomplete)
}

/// X10 mouse: `ESC [ M` then button, column and row, each plus 32.
fn parse_x10_mouse(buf: &[u8]) -> Parsed {
    let Some(raw @ &[_, _, _, b, x, y]) = buf.get(..6) else {
        return Parsed::Incomplete;
    };
    let button = u32::from(b.saturating_sub(32));
    let event = MouseEvent {
        button,
        x: u32::from(x.saturating_sub(32)),
        y: u32::from(y.saturating_sub(32)),
        release: button & 3 == 3,
        sgr: false,
    };
    Parsed::Event(
        InputEvent::Mouse {
            event,
            raw: raw.to_vec(),
        },
        6,
    )
}

/// SGR mouse: `ESC [ < b ; x ; y M` (press) or `m` (release).
fn parse_sgr_mouse(buf: &[u8]) -> Option<Parsed> {
    let body = buf.get(3..)?;
    let mut end = 0;
    while let Some(&b) = body.get(end) {
        match b {
            b'0'..=b'9' | b';' => end += 1,
            b'M' | b'm' => {
                let seq = head(buf, 3 + end + 1);
                return Some(match numbers(head(body, end)).as_deref() {
                    Some(&[button, x, y]) => Parsed::Event(
                        InputEvent::Mouse {
                            event: MouseEvent {
                                button,
                                x,
                                y,
                                release: b == b'm',
                                sgr: true,
                            },
                            raw: seq.to_vec(),
                        },
                        seq.len(),
                    ),
                    _ => unrecognized(seq),
                });
            }
            _ => return None,
        }
    }
    Some(Parsed::Incomplete)
}
