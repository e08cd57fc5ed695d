//! The cursor's style and colour as tmux 3.3a tells a client's terminal (`tty_update_cursor`,
//! `tty_force_cursor_colour`): what a pane's program asked for (DECSCUSR, `CSI ? 12 h/l`,
//! `CSI 34 h/l`, OSC 12/112), the `cursor-style`/`cursor-colour` defaults the host gives a
//! pane, and the sequences that change a client's terminal from one look to the next.

/// A cursor shape (tmux's `enum screen_cursor_style`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CursorShape {
    /// Whatever the terminal's own default is.
    #[default]
    Default,
    Block,
    Underline,
    Bar,
}

/// A 24-bit colour, as tmux sends cursor colours (`rgb:RR/GG/BB`).
pub type Rgb = (u8, u8, u8);

/// What a client's terminal is told about its cursor: shape, blinking, tmux's "very visible"
/// mode (`CSI 34 l`) and colour (`None`: the terminal's own).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct CursorLook {
    pub shape: CursorShape,
    pub blinking: bool,
    pub very_visible: bool,
    pub colour: Option<Rgb>,
}

/// A DECSCUSR number (the `cursor-style` option's choices in the same order: `default`,
/// `blinking-block`, `block`, ...) applied to a shape and blinking flag as tmux's
/// `screen_set_cursor_style` does: 0 keeps the blinking flag, numbers past 6 change nothing.
pub fn apply_style_number(n: u32, shape: &mut CursorShape, blinking: &mut bool) {
    let (s, blink) = match n {
        0 => {
            *shape = CursorShape::Default;
            return;
        }
        1 => (CursorShape::Block, true),
        2 => (CursorShape::Block, false),
        3 => (CursorShape::Underline, true),
        4 => (CursorShape::Underline, false),
        5 => (CursorShape::Bar, true),
        6 => (CursorShape::Bar, false),
        _ => return,
    };
    *shape = s;
    *blinking = blink;
}

/// Most bytes of colour requests kept until the host reads them (the oldest go first). The
/// host takes them after every read of the pane's output; terminals nobody reads them from
/// (the relay's mirrors, a popup's) keep at most this much.
const MAX_COLOUR_REQUEST_BYTES: usize = 256 * 1024;

/// The OSC numbers tmux 3.3a acts on for colours: the palette (4, 104), the default
/// foreground and background (10, 11, 110, 111) and the cursor colour (12, 112).
pub(crate) const COLOUR_OSCS: [u32; 8] = [4, 10, 11, 12, 104, 110, 111, 112];

/// A colour request of the pane's program, kept in order for the host (which knows colour
/// names and answers queries on the pane's PTY).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColourRequest {
    /// OSC `number` with what followed its `;` (empty without one), and whether it ended
    /// with BEL (else ST), which a reply ends with too.
    Osc {
        number: u32,
        arg: Vec<u8>,
        bel: bool,
    },
    /// RIS (`ESC c`): tmux clears the palette and the default colours.
    Reset,
}

/// The cursor state a pane's program set with its own sequences (tmux keeps it in the pane's
/// `struct screen`: `cstyle`, the `MODE_CURSOR_*` bits), plus the colour requests (OSC 4, 10,
/// 11, 12 and their resets, RIS) not yet read by the host, which knows colour names.
#[derive(Debug, Clone, Default)]
pub struct PaneCursor {
    pub shape: CursorShape,
    /// `MODE_CURSOR_BLINKING`: from DECSCUSR or `CSI ? 12 h`.
    pub blinking: bool,
    /// `MODE_CURSOR_BLINKING_SET`: `CSI ? 12 h/l` was used, so the default style's blinking
    /// no longer applies.
    pub blinking_set: bool,
    /// `MODE_CURSOR_VERY_VISIBLE` (`CSI 34 l`, cleared by `CSI 34 h`).
    pub very_visible: bool,
    /// The colour requests, in order.
    pub colour_requests: std::collections::VecDeque<ColourRequest>,
    /// The argument bytes they hold.
    colour_bytes: usize,
}

impl PaneCursor {
    /// A CSI sequence the pane's program sent: `body` is what came between `[` and the final
    /// byte (parameters and intermediates).
    pub(crate) fn csi(&mut self, body: &[u8], final_byte: u8) {
        match final_byte {
            b'q' if body.last() == Some(&b' ') => {
                let params = body.get(..body.len() - 1).unwrap_or_default();
                let first = params.split(|&c| c == b';').next().unwrap_or_default();
                if first.iter().all(u8::is_ascii_digit) {
                    let n = number(first);
                    apply_style_number(n, &mut self.shape, &mut self.blinking);
                }
            }
            b'h' | b'l' => {
                let set = final_byte == b'h';
                match body.strip_prefix(b"?") {
                    Some(params) => {
                        if params.split(|&c| c == b';').any(|p| p == b"12") {
                            self.blinking = set;
                            self.blinking_set = true;
                        }
                    }
                    None => {
                        if body.split(|&c| c == b';').any(|p| p == b"34") {
                            // tmux: `CSI 34 l` (RM) turns very-visible on.
                            self.very_visible = !set;
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// A finished OSC string (`bel`: ended by BEL, else ST): the colour ones are kept for the
    /// host, split as tmux's `input_exit_osc` does (the number, then an optional `;`).
    pub(crate) fn osc(&mut self, payload: &[u8], bel: bool) {
        let digits = payload.iter().take_while(|b| b.is_ascii_digit()).count();
        let (Some(head), Some(rest)) = (payload.get(..digits), payload.get(digits..)) else {
            return;
        };
        if head.is_empty() || head.len() > 3 {
            return;
        }
        let number = number(head);
        if !COLOUR_OSCS.contains(&number) {
            return;
        }
        let arg = rest.strip_prefix(b";").unwrap_or(rest).to_vec();
        self.push(ColourRequest::Osc { number, arg, bel });
    }

    /// RIS: the palette is cleared in order with the OSCs around it.
    pub(crate) fn reset(&mut self) {
        self.push(ColourRequest::Reset);
    }

    fn push(&mut self, request: ColourRequest) {
        self.colour_bytes += request_bytes(&request);
        self.colour_requests.push_back(request);
        while self.colour_bytes > MAX_COLOUR_REQUEST_BYTES {
            let Some(old) = self.colour_requests.pop_front() else {
                break;
            };
            self.colour_bytes = self.colour_bytes.saturating_sub(request_bytes(&old));
        }
    }

    /// The requests in order, taken.
    pub(crate) fn take_colour_requests(&mut self) -> Vec<ColourRequest> {
        self.colour_bytes = 0;
        std::mem::take(&mut self.colour_requests).into()
    }
}

/// What a request counts for against [`MAX_COLOUR_REQUEST_BYTES`] (a few bytes even empty).
fn request_bytes(request: &ColourRequest) -> usize {
    match request {
        ColourRequest::Osc { arg, .. } => arg.len() + 16,
        ColourRequest::Reset => 16,
    }
}

/// [`COLOUR_OSCS`] as the digits that start their strings.
const COLOUR_OSC_NAMES: [&[u8]; 8] = [b"4", b"10", b"11", b"12", b"104", b"110", b"111", b"112"];

/// Whether `payload`, the start of an OSC string, may still become one of [`COLOUR_OSCS`]
/// (its digits so far begin one of them, or anything after them follows a whole one). Only
/// the first four bytes are read: it runs for every byte of the string.
pub(crate) fn may_be_colour_osc(payload: &[u8]) -> bool {
    let digits = payload
        .iter()
        .take(4)
        .take_while(|b| b.is_ascii_digit())
        .count();
    let head = payload.get(..digits).unwrap_or_default();
    let open = digits == payload.len();
    COLOUR_OSC_NAMES.iter().any(|name| {
        if open {
            name.starts_with(head)
        } else {
            *name == head
        }
    })
}

fn number(digits: &[u8]) -> u32 {
    digits.iter().fold(0u32, |n, &d| {
        n.saturating_mul(10).saturating_add(u32::from(d - b'0'))
    })
}

/// A pane's cursor as tmux's `tty_update_cursor` works it out from the pane's screen: the
/// program's shape when it set one, else the `cursor-style` default (whose blinking applies
/// unless the program used `CSI ? 12 h/l`); the program's colour, else `cursor-colour`.
pub fn effective(
    pane: &PaneCursor,
    colour: Option<Rgb>,
    default_style: u32,
    default_colour: Option<Rgb>,
) -> CursorLook {
    let mut look = CursorLook {
        shape: pane.shape,
        blinking: pane.blinking,
        very_visible: pane.very_visible,
        colour: colour.or(default_colour),
    };
    if pane.shape == CursorShape::Default {
        let mut default_blink = false;
        apply_style_number(default_style, &mut look.shape, &mut default_blink);
        if !pane.blinking_set {
            look.blinking = default_blink;
        }
    }
    look
}

/// The bytes that move a terminal's cursor colour from `have` to `want` (terminfo `Cs`/`Cr`
/// as tmux's `ccolour` feature gives them), nothing when they are the same.
pub(crate) fn write_colour(have: Option<Rgb>, want: Option<Rgb>, out: &mut Vec<u8>) {
    if have == want {
        return;
    }
    match want {
        None => out.extend_from_slice(b"\x1b]112\x07"),
        Some((r, g, b)) => {
            out.extend_from_slice(format!("\x1b]12;rgb:{r:02x}/{g:02x}/{b:02x}\x07").as_bytes());
        }
    }
}

/// The bytes tmux sends to show the cursor with `want`'s shape when the terminal had `have`
/// (`None`: unknown): `cnorm` (`CSI ? 12 l CSI ? 25 h`), then `Se` when going back to the
/// default shape from another, `Ss` with the DECSCUSR number for a shape, and `cvvis` (`CSI ?
/// 12 ; 25 h`) for a blinking or very visible default-shaped cursor.
pub(crate) fn write_shape(have: Option<CursorShape>, want: &CursorLook, out: &mut Vec<u8>) {
    out.extend_from_slice(b"\x1b[?12l\x1b[?25h");
    let n = match want.shape {
        CursorShape::Default => {
            if have != Some(CursorShape::Default) {
                out.extend_from_slice(b"\x1b[2 q");
            }
            if want.blinking || want.very_visible {
                out.extend_from_slice(b"\x1b[?12;25h");
            }
            return;
        }
        CursorShape::Block => 2,
        CursorShape::Underline => 4,
        CursorShape::Bar => 6,
    };
    let n = if want.blinking { n - 1 } else { n };
    out.extend_from_slice(format!("\x1b[{n} q").as_bytes());
}

/// What a terminal is given back on detaching (tmux `tty_stop_tty`): `Se` after a shape of its
/// own, `Cr` after a colour.
pub(crate) fn write_restore(shape: Option<CursorShape>, colour: Option<Rgb>, out: &mut Vec<u8>) {
    if shape != Some(CursorShape::Default) {
        out.extend_from_slice(b"\x1b[2 q");
    }
    if colour.is_some() {
        out.extend_from_slice(b"\x1b]112\x07");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decscusr_and_modes_as_tmux_reads_them() {
        let mut c = PaneCursor::default();
        c.csi(b"5 ", b'q');
        assert_eq!((c.shape, c.blinking), (CursorShape::Bar, true));
        c.csi(b"0 ", b'q');
        assert_eq!((c.shape, c.blinking), (CursorShape::Default, true));
        c.csi(b"9 ", b'q');
        assert_eq!(c.shape, CursorShape::Default);
        c.csi(b" ", b'q');
        assert_eq!(c.shape, CursorShape::Default);
        c.csi(b"?25;12", b'l');
        assert!(!c.blinking && c.blinking_set);
        c.csi(b"34", b'l');
        assert!(c.very_visible);
        c.csi(b"5", b'q');
        assert_eq!(c.shape, CursorShape::Default, "no space: not DECSCUSR");
    }

    #[test]
    fn colour_requests_are_kept_in_order_and_bounded() {
        let mut c = PaneCursor::default();
        c.osc(b"4;1;red", true);
        c.reset();
        c.osc(b"112", false);
        c.osc(b"2;title", true);
        c.osc(b"1045;x", true);
        assert_eq!(
            c.take_colour_requests(),
            [
                ColourRequest::Osc {
                    number: 4,
                    arg: b"1;red".to_vec(),
                    bel: true
                },
                ColourRequest::Reset,
                ColourRequest::Osc {
                    number: 112,
                    arg: Vec::new(),
                    bel: false
                },
            ]
        );
        // Nobody takes them (a relay mirror): memory stays bounded, the newest kept.
        let big = [b"4;1;".as_slice(), &[b'x'; 60 * 1024]].concat();
        for _ in 0..100 {
            c.osc(&big, true);
        }
        c.reset();
        assert!(c.colour_bytes <= MAX_COLOUR_REQUEST_BYTES);
        assert_eq!(c.colour_requests.back(), Some(&ColourRequest::Reset));
        assert!(may_be_colour_osc(b"1") && may_be_colour_osc(b"10") && may_be_colour_osc(b"4;"));
        assert!(
            !may_be_colour_osc(b"52;") && !may_be_colour_osc(b"1045") && !may_be_colour_osc(b"2;")
        );
    }

    #[test]
    fn the_default_style_fills_in() {
        let c = PaneCursor::default();
        let look = effective(&c, None, 5, Some((1, 2, 3)));
        assert_eq!(look.shape, CursorShape::Bar);
        assert!(look.blinking);
        assert_eq!(look.colour, Some((1, 2, 3)));
        let mut own = PaneCursor::default();
        own.csi(b"4 ", b'q');
        let look = effective(&own, Some((9, 9, 9)), 5, Some((1, 2, 3)));
        assert_eq!((look.shape, look.blinking), (CursorShape::Underline, false));
        assert_eq!(look.colour, Some((9, 9, 9)));
    }

    #[test]
    fn sequences_are_tmuxs() {
        let mut out = Vec::new();
        write_colour(None, Some((255, 0, 215)), &mut out);
        assert_eq!(out, b"\x1b]12;rgb:ff/00/d7\x07");
        out.clear();
        let bar = CursorLook {
            shape: CursorShape::Bar,
            ..CursorLook::default()
        };
        write_shape(Some(CursorShape::Default), &bar, &mut out);
        assert_eq!(out, b"\x1b[?12l\x1b[?25h\x1b[6 q");
        out.clear();
        write_shape(Some(CursorShape::Bar), &CursorLook::default(), &mut out);
        assert_eq!(out, b"\x1b[?12l\x1b[?25h\x1b[2 q");
    }
}
