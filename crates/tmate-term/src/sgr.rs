//! SGR (Select Graphic Rendition) output: the shortest `CSI ... m` that moves a terminal's pen
//! from one style to another, used by the renderer and the snapshot rebuilder.

use crate::style::{Attrs, Color, Style};

fn push_num(out: &mut Vec<u8>, n: u32) {
    let mut buf = [0u8; 10];
    let mut i = buf.len();
    let mut n = n;
    loop {
        i -= 1;
        if let Some(slot) = buf.get_mut(i) {
            *slot = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || i == 0 {
            break;
        }
    }
    out.extend_from_slice(buf.get(i..).unwrap_or_default());
}

/// Appends decimal parameters separated by `;`.
struct Params<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

impl Params<'_> {
    fn add(&mut self, n: u32) {
        if !self.first {
            self.out.push(b';');
        }
        self.first = false;
        push_num(self.out, n);
    }
}

fn add_color(p: &mut Params<'_>, color: Color, is_fg: bool) {
    let base = if is_fg { 30 } else { 40 };
    match color {
        Color::Default => p.add(base + 9),
        Color::Indexed(i) if i < 8 => p.add(base + u32::from(i)),
        Color::Indexed(i) if i < 16 => p.add(base + 60 + u32::from(i - 8)),
        Color::Indexed(i) => {
            p.add(base + 8);
            p.add(5);
            p.add(u32::from(i));
        }
        Color::Rgb(r, g, b) => {
            p.add(base + 8);
            p.add(2);
            p.add(u32::from(r));
            p.add(u32::from(g));
            p.add(u32::from(b));
        }
    }
}

fn add_attrs(p: &mut Params<'_>, add: &Attrs, except: &Attrs) {
    let table = [
        (add.bold, except.bold, 1),
        (add.dim, except.dim, 2),
        (add.italic, except.italic, 3),
        (add.underline, except.underline, 4),
        (add.blink, except.blink, 5),
        (add.reverse, except.reverse, 7),
        (add.hidden, except.hidden, 8),
        (add.strike, except.strike, 9),
    ];
    for (want, have, code) in table {
        if want && !have {
            p.add(code);
        }
    }
}

/// Append the SGR sequence that changes the pen from `from` to `to` (nothing when equal).
///
/// Removing any attribute resets with `0` and sets the rest again: one form that every terminal
/// understands (`22` turns off bold and dim together, and not every terminal knows `28`/`29`).
pub(crate) fn write_sgr_change(out: &mut Vec<u8>, from: &Style, to: &Style) {
    if from == to {
        return;
    }
    out.extend_from_slice(b"\x1b[");
    let mut p = Params { out, first: true };
    if from.attrs.has_any_not_in(&to.attrs) {
        p.add(0);
        add_attrs(&mut p, &to.attrs, &Attrs::default());
        if to.fg != Color::Default {
            add_color(&mut p, to.fg, true);
        }
        if to.bg != Color::Default {
            add_color(&mut p, to.bg, false);
        }
    } else {
        add_attrs(&mut p, &to.attrs, &from.attrs);
        if to.fg != from.fg {
            add_color(&mut p, to.fg, true);
        }
        if to.bg != from.bg {
            add_color(&mut p, to.bg, false);
        }
    }
    p.out.push(b'm');
}

/// Append a full SGR for `to` starting from an unknown pen (reset first).
pub(crate) fn write_sgr_absolute(out: &mut Vec<u8>, to: &Style) {
    out.extend_from_slice(b"\x1b[");
    let mut p = Params { out, first: true };
    p.add(0);
    add_attrs(&mut p, &to.attrs, &Attrs::default());
    if to.fg != Color::Default {
        add_color(&mut p, to.fg, true);
    }
    if to.bg != Color::Default {
        add_color(&mut p, to.bg, false);
    }
    p.out.push(b'm');
}

/// Append a decimal number (for cursor movement sequences).
pub(crate) fn write_num(out: &mut Vec<u8>, n: u32) {
    push_num(out, n);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(from: Style, to: Style) -> String {
        let mut out = Vec::new();
        write_sgr_change(&mut out, &from, &to);
        String::from_utf8(out).unwrap_or_default()
    }

    #[test]
    fn minimal_changes() {
        let plain = Style::default();
        let red = Style::colors(Color::Indexed(1), Color::Default);
        assert_eq!(change(plain, plain), "");
        assert_eq!(change(plain, red), "\x1b[31m");
        assert_eq!(change(red, plain), "\x1b[39m");
        let mut bold_red = red;
        bold_red.attrs.bold = true;
        assert_eq!(change(red, bold_red), "\x1b[1m");
        assert_eq!(change(bold_red, red), "\x1b[0;31m");
        let fancy = Style::colors(Color::Indexed(200), Color::Rgb(1, 2, 3));
        assert_eq!(change(plain, fancy), "\x1b[38;5;200;48;2;1;2;3m");
        let bright = Style::colors(Color::Indexed(9), Color::Indexed(12));
        assert_eq!(change(plain, bright), "\x1b[91;104m");
    }

    #[test]
    fn numbers() {
        for n in [0u32, 7, 10, 99, 100, 65535, u32::MAX] {
            let mut out = Vec::new();
            write_num(&mut out, n);
            assert_eq!(String::from_utf8(out).unwrap_or_default(), n.to_string());
        }
    }
}
