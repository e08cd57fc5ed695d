//! A pane program's colour requests as tmux 3.3a's `input.c` handles them: OSC 4 palette
//! entries and their queries, OSC 104 and RIS clearing them, OSC 10/11 default colours and
//! their queries, OSC 110/111, and OSC 12's query (its colour and OSC 112 are the cursor's,
//! `src/cursor.rs`). Replies are written to the pane's PTY in tmux's words.

use tmate_term::Palette;
use tmate_term::cursor::{ColourRequest, Rgb};

use crate::format::Ctx;
use crate::state::State;

/// What the queries of one batch read besides the palette being changed: the pane's
/// `pane-colours` (tmux's `default_palette`) and its `window-style` colours.
struct Context {
    default_palette: Vec<Option<Rgb>>,
    /// `window-style`'s foreground and background.
    normal: [Option<Rgb>; 2],
    /// `window-active-style`'s, when the pane is its window's active one.
    active: Option<[Option<Rgb>; 2]>,
    /// The program's OSC 12 colour and `cursor-colour`.
    cursor: (Option<Rgb>, Option<Rgb>),
}

/// The program's colour requests since its last output, applied in order.
pub fn pane_output(st: &mut State, pane: u32) {
    let Some(p) = st.panes.get_mut(&pane) else {
        return;
    };
    let requests = p.term.take_colour_requests();
    if requests.is_empty() {
        return;
    }
    let mut cx = context(st, pane);
    let Some(p) = st.panes.get_mut(&pane) else {
        return;
    };
    let mut palette = p.term.palette().clone();
    let mut replies = Vec::new();
    for request in requests {
        let (number, arg, bel) = match request {
            ColourRequest::Reset => {
                palette.clear();
                continue;
            }
            ColourRequest::Osc { number, arg, bel } => (number, arg, bel),
        };
        let arg = String::from_utf8_lossy(&arg);
        let mut reply = |n: u32, c: Option<Rgb>| {
            if let Some(c) = c {
                replies.extend_from_slice(&colour_reply(n, c, bel));
            }
        };
        match number {
            4 => osc_4(&mut palette, &cx, &arg, &mut reply),
            104 => osc_104(&mut palette, &arg),
            10 | 11 => {
                let which = usize::from(number == 11);
                let slot = if number == 10 {
                    &mut palette.fg
                } else {
                    &mut palette.bg
                };
                if arg == "?" {
                    // tmux `tty_default_colours`: the active pane's `window-active-style`,
                    // else the program's colour as last shown, else `window-style`'s.
                    let normal = cx.normal.get(which).copied().flatten();
                    let own = palette.shown().get(which).copied().flatten();
                    let colour = match cx.active {
                        Some(active) => active.get(which).copied().flatten().or(own).or(normal),
                        None => normal.or(own),
                    };
                    reply(number, colour);
                } else if let Some(c) = crate::cursor::osc_colour(&arg) {
                    *slot = Some(c);
                    palette.restyle();
                }
            }
            110 | 111 if arg.is_empty() => {
                if number == 110 {
                    palette.fg = None;
                } else {
                    palette.bg = None;
                }
                palette.restyle();
            }
            12 if arg == "?" => reply(12, cx.cursor.0.or(cx.cursor.1)),
            12 => {
                if let Some(c) = crate::cursor::osc_colour(&arg) {
                    cx.cursor.0 = Some(c);
                    p.term.set_cursor_colour(Some(c));
                }
            }
            112 if arg.is_empty() => {
                cx.cursor.0 = None;
                p.term.set_cursor_colour(None);
            }
            _ => {}
        }
    }
    p.term.set_palette(palette);
    if !replies.is_empty() {
        p.write(replies);
    }
}

/// `window-style` or `window-active-style` was set: every pane's style is worked out again
/// (tmux's `PANE_STYLECHANGED`), showing its program's default colours as they are now.
pub fn restyle_all(st: &mut State) {
    let panes: Vec<u32> = st.panes.keys().copied().collect();
    for pane in panes {
        restyle(st, pane);
    }
}

/// One pane's style worked out again (select-pane -m/-M on the panes marked before and after).
pub fn restyle(st: &mut State, pane: u32) {
    if let Some(p) = st.panes.get_mut(&pane) {
        let mut palette = p.term.palette().clone();
        palette.restyle();
        p.term.set_palette(palette);
    }
}

/// send-keys -R as tmux 3.3a: the program's palette cleared (`colour_palette_clear`), its
/// terminal reset (`input_reset`, passed on to the relay's copy of the pane too) and the
/// pane's style renewed.
pub fn reset_pane(st: &mut State, pane: u32) {
    let Some(p) = st.panes.get_mut(&pane) else {
        return;
    };
    let fed = p.term.reset();
    let mut palette = p.term.palette().clone();
    palette.clear();
    palette.restyle();
    p.term.set_palette(palette);
    crate::uplink::pane_output(st, pane, &fed);
}

fn context(st: &State, pane: u32) -> Context {
    let items = crate::options::array_items(&st.pane_option(pane, "pane-colours"));
    let mut default_palette = vec![None; tmate_term::palette::PALETTE_SIZE];
    for (i, value) in items {
        if let Some(slot) = usize::try_from(i)
            .ok()
            .and_then(|i| default_palette.get_mut(i))
        {
            *slot = crate::cursor::option_rgb(&value);
        }
    }
    let (normal, active) = match st.locate_pane(pane) {
        Some((session, window)) => {
            let ctx = Ctx {
                session,
                window,
                pane,
            };
            let colours = |option: &str| {
                let (fg, bg) = crate::style::window_style_colours(st, ctx, option);
                [force_rgb(fg), force_rgb(bg)]
            };
            let is_active = st.window(session, window).is_some_and(|w| w.active == pane);
            (
                colours("window-style"),
                is_active.then(|| colours("window-active-style")),
            )
        }
        None => ([None; 2], None),
    };
    let cursor = st.panes.get(&pane).map_or((None, None), |p| {
        (p.term.cursor_colour(), p.term.default_cursor().1)
    });
    Context {
        default_palette,
        normal,
        active,
        cursor,
    }
}

/// tmux `colour_force_rgb` of a drawn colour: `None` for the terminal's default.
fn force_rgb(c: tmate_term::Color) -> Option<Rgb> {
    match c {
        tmate_term::Color::Default => None,
        tmate_term::Color::Rgb(r, g, b) => Some((r, g, b)),
        tmate_term::Color::Indexed(n) => {
            let [_, r, g, b] = crate::format::modifiers::palette(u32::from(n))?.to_be_bytes();
            Some((r, g, b))
        }
    }
}

/// tmux `input_osc_colour_reply`: `OSC n ; rgb:RRRR/GGGG/BBBB` (each byte doubled) ended as
/// the request was. OSC 4's reply carries no index, as 3.3a writes it.
fn colour_reply(n: u32, (r, g, b): Rgb, bel: bool) -> Vec<u8> {
    let end = if bel { "\x07" } else { "\x1b\\" };
    format!("\x1b]{n};rgb:{r:02x}{r:02x}/{g:02x}{g:02x}/{b:02x}{b:02x}{end}").into_bytes()
}

/// tmux `colour_palette_get` for an OSC 4 query's index: 0-7 are themselves, 90-97 the
/// bright entries 8-15, anything else has no entry (3.3a reads the raw index as a colour).
fn query_index(idx: i64) -> Option<usize> {
    match idx {
        0..=7 => usize::try_from(idx).ok(),
        90..=97 => usize::try_from(idx - 82).ok(),
        _ => None,
    }
}

/// C's `strtol(s, &end, 10)`: leading white space, a sign, digits (saturating); without
/// digits the value is 0 and the rest is all of `s`.
fn strtol(s: &str) -> (i64, &str) {
    let t = s.trim_start_matches([' ', '\t', '\n', '\x0b', '\x0c', '\r']);
    let (negative, body) = match t.as_bytes().first() {
        Some(b'-') => (true, t.get(1..).unwrap_or_default()),
        Some(b'+') => (false, t.get(1..).unwrap_or_default()),
        _ => (false, t),
    };
    let digits = body.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return (0, s);
    }
    let value = body.bytes().take(digits).fold(0i64, |n, d| {
        n.saturating_mul(10).saturating_add(i64::from(d - b'0'))
    });
    let value = if negative { -value } else { value };
    (value, body.get(digits..).unwrap_or_default())
}

/// tmux `input_osc_4`: `INDEX;COLOUR` pairs set entries (a colour that does not parse is
/// skipped); `INDEX;?` answers with the entry, and nothing after a query is read (3.3a
/// does not move past it); a bad index ends the list.
fn osc_4(palette: &mut Palette, cx: &Context, arg: &str, reply: &mut impl FnMut(u32, Option<Rgb>)) {
    let mut s = Some(arg);
    while let Some(cur) = s.filter(|c| !c.is_empty()) {
        let (idx, rest) = strtol(cur);
        let Some(rest) = rest.strip_prefix(';') else {
            return;
        };
        let Ok(n) = usize::try_from(idx) else {
            return;
        };
        if n >= tmate_term::palette::PALETTE_SIZE {
            return;
        }
        let (spec, next) = match rest.split_once(';') {
            Some((spec, next)) => (spec, Some(next)),
            None => (rest, None),
        };
        if spec == "?" {
            let entry = query_index(idx).and_then(|i| {
                palette
                    .entry(i)
                    .or_else(|| cx.default_palette.get(i).copied().flatten())
            });
            reply(4, entry);
            return;
        }
        if let Some(c) = crate::cursor::osc_colour(spec) {
            palette.set(n, Some(c));
        }
        s = next;
    }
}

/// tmux `input_osc_104`: no argument clears the palette and the default colours; else
/// `;`-separated indexes are unset, a bad one ending the list.
fn osc_104(palette: &mut Palette, arg: &str) {
    if arg.is_empty() {
        palette.clear();
        return;
    }
    let mut s = arg;
    while !s.is_empty() {
        let (idx, rest) = strtol(s);
        if !rest.is_empty() && !rest.starts_with(';') {
            return;
        }
        let Some(n) = usize::try_from(idx)
            .ok()
            .filter(|n| *n < tmate_term::palette::PALETTE_SIZE)
        else {
            return;
        };
        palette.set(n, None);
        s = rest.strip_prefix(';').unwrap_or(rest);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_context() -> Context {
        Context {
            default_palette: vec![None; 256],
            normal: [None; 2],
            active: None,
            cursor: (None, None),
        }
    }

    fn run_4(palette: &mut Palette, cx: &Context, arg: &str) -> Vec<Option<Rgb>> {
        let mut out = Vec::new();
        osc_4(palette, cx, arg, &mut |_, c| out.push(c));
        out
    }

    #[test]
    fn osc_4_as_3_3a_reads_it() {
        let mut p = Palette::default();
        let mut cx = no_context();
        assert!(run_4(&mut p, &cx, "1;rgb:ff/00/00;2;nonsense;3;#0000ff").is_empty());
        assert_eq!(p.entry(1), Some((255, 0, 0)));
        assert_eq!(p.entry(2), None);
        assert_eq!(p.entry(3), Some((0, 0, 255)));
        // One query only, and nothing after it.
        assert_eq!(run_4(&mut p, &cx, "1;?;3;?;4;red"), [Some((255, 0, 0))]);
        assert_eq!(p.entry(4), None);
        // Indexes past 7 are not palette colours to 3.3a's query, but 90-97 are 8-15.
        p.set(9, Some((1, 2, 3)));
        assert_eq!(run_4(&mut p, &cx, "9;?"), [None]);
        assert_eq!(run_4(&mut p, &cx, "91;?"), [Some((1, 2, 3))]);
        // pane-colours under the program's entries.
        cx.default_palette[5] = Some((7, 7, 7));
        assert_eq!(run_4(&mut p, &cx, "5;?"), [Some((7, 7, 7))]);
        // A bad index stops the list.
        run_4(&mut p, &cx, "300;red;6;red");
        assert_eq!(p.entry(6), None);
    }

    #[test]
    fn osc_104_as_3_3a_reads_it() {
        let mut p = Palette::default();
        for i in 0..4 {
            p.set(i, Some((1, 1, 1)));
        }
        p.fg = Some((2, 2, 2));
        osc_104(&mut p, "1;;3");
        // `;;` reads as index 0.
        assert_eq!(
            (p.entry(0), p.entry(1), p.entry(2), p.entry(3)),
            (None, None, Some((1, 1, 1)), None)
        );
        osc_104(&mut p, "x");
        assert_eq!(p.entry(2), Some((1, 1, 1)));
        osc_104(&mut p, "");
        assert!(p.is_empty());
    }

    #[test]
    fn replies_are_tmuxs() {
        assert_eq!(
            colour_reply(4, (255, 0, 0x12), false),
            b"\x1b]4;rgb:ffff/0000/1212\x1b\\"
        );
        assert_eq!(
            colour_reply(10, (0, 0, 255), true),
            b"\x1b]10;rgb:0000/0000/ffff\x07"
        );
    }
}
