//! The value transforms of tmux 3.3a's format modifiers, pure: `q:` and `q/h:` quoting, `b:`
//! and `d:` (POSIX basename/dirname), `e|op|f|N:` arithmetic, `a:` (a character code), `c:` (a
//! colour as RGB hex), `t:` times (ctime, `t/p:` short, `t/f/FMT:`), C's `strtonum`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// `q:`: a backslash before each character sh(1) treats specially (tmux's list).
pub fn quote_shell(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for c in s.chars() {
        if "|&;<>()$`\\\"'*?[# =%".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `q/h:`: `#` doubled so the value stays text in a status line.
pub fn quote_style(s: &str) -> String {
    s.replace('#', "##")
}

/// POSIX basename(3): the last component, trailing slashes ignored (`/` stays `/`, `` is `.`).
pub fn basename(s: &str) -> String {
    if s.is_empty() {
        return ".".into();
    }
    let trimmed = s.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".into();
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed).to_string()
}

/// POSIX dirname(3) as glibc's: the path without its last component (`.` for none).
pub fn dirname(s: &str) -> String {
    let trimmed = s.trim_end_matches('/');
    if trimmed.is_empty() {
        return if s.starts_with('/') { "/" } else { "." }.into();
    }
    let Some(at) = trimmed.rfind('/') else {
        return ".".into();
    };
    let dir = trimmed.get(..at).unwrap_or_default().trim_end_matches('/');
    if dir.is_empty() {
        // glibc keeps exactly two leading slashes (`//a` is `//`), as POSIX allows.
        return if trimmed.starts_with("//") && !trimmed.starts_with("///") {
            "//"
        } else {
            "/"
        }
        .into();
    }
    dir.to_string()
}

/// C's `strtonum(s, min, max)`: a whole decimal number in range, else `None`.
pub fn strtonum(s: &str, min: i64, max: i64) -> Option<i64> {
    let t = s.trim_start();
    let n: i64 = t.strip_prefix('+').unwrap_or(t).parse().ok()?;
    (min..=max).contains(&n).then_some(n)
}

/// `a:`: the printable ASCII character with this code, else nothing.
pub fn ascii(s: &str) -> String {
    strtonum(s, 32, 126)
        .and_then(|n| u8::try_from(n).ok())
        .map(|b| char::from(b).to_string())
        .unwrap_or_default()
}

/// The 16 basic colours of tmux's 256-colour table; the cube and greys are computed.
const BASIC: [u32; 16] = [
    0x00_0000, 0x80_0000, 0x00_8000, 0x80_8000, 0x00_0080, 0x80_0080, 0x00_8080, 0xc0_c0c0,
    0x80_8080, 0xff_0000, 0x00_ff00, 0xff_ff00, 0x00_00ff, 0xff_00ff, 0x00_ffff, 0xff_ffff,
];

/// tmux `colour_256toRGB`: palette entry `n` as 0xRRGGBB.
pub(crate) fn palette(n: u32) -> Option<u32> {
    const LEVELS: [u32; 6] = [0x00, 0x5f, 0x87, 0xaf, 0xd7, 0xff];
    match n {
        0..=15 => BASIC.get(usize::try_from(n).ok()?).copied(),
        16..=231 => {
            let i = n - 16;
            let level = |k: u32| LEVELS.get(usize::try_from(k).unwrap_or(0)).copied();
            Some((level(i / 36)? << 16) | (level((i / 6) % 6)? << 8) | level(i % 6)?)
        }
        232..=255 => {
            let g = 8 + 10 * (n - 232);
            Some((g << 16) | (g << 8) | g)
        }
        _ => None,
    }
}

/// `c:`: a tmux colour (basic, `brightX`, `colourN`, `#rrggbb`, an X11 name) as six hex
/// digits of RGB; nothing for `default`, `terminal` or an unknown name.
pub fn colour_hex(s: &str) -> String {
    let lower = s.to_ascii_lowercase();
    let rgb = if let Some(hex) = s.strip_prefix('#').filter(|h| h.len() == 6) {
        u32::from_str_radix(hex, 16)
            .ok()
            .filter(|_| hex.bytes().all(|b| b.is_ascii_hexdigit()))
    } else if let Some(n) = lower
        .strip_prefix("colour")
        .or_else(|| lower.strip_prefix("color"))
    {
        strtonum(n, 0, 255).and_then(|n| palette(u32::try_from(n).ok()?))
    } else {
        named(&lower, s)
            .and_then(palette)
            .or_else(|| super::colours::by_name(s))
    };
    rgb.map(|c| format!("{c:06x}")).unwrap_or_default()
}

fn named(lower: &str, raw: &str) -> Option<u32> {
    const NAMES: [&str; 8] = [
        "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
    ];
    for (i, name) in (0u32..).zip(NAMES) {
        if lower == name || raw == i.to_string() {
            return Some(i);
        }
        if lower.strip_prefix("bright") == Some(name) || raw == (90 + i).to_string() {
            return Some(8 + i);
        }
    }
    None
}

/// C's strtod over the whole string (leading blanks, `0x` hex, `inf`/`nan`; empty is 0).
fn strtod(s: &str) -> Option<f64> {
    let t = s.trim_start();
    if t.is_empty() {
        return Some(0.0);
    }
    let (sign, body) = match t.strip_prefix('-') {
        Some(rest) => (-1.0, rest),
        None => (1.0, t.strip_prefix('+').unwrap_or(t)),
    };
    if let Some(hex) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        return u64::from_str_radix(hex, 16).ok().map(|v| sign * v as f64);
    }
    if body.starts_with(['+', '-']) {
        return None;
    }
    // Negation, not a product, so `-nan` keeps its sign as strtod's does.
    let v = body.parse::<f64>().ok()?;
    Some(if sign < 0.0 { -v } else { v })
}

/// C's `(long long)` of a double as x86-64 does it: out of range and NaN become the minimum.
#[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
fn c_ll(x: f64) -> f64 {
    // 2^63: the first double beyond i64's range either way.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    if !(-LIMIT..LIMIT).contains(&x) {
        i64::MIN as f64
    } else {
        (x as i64) as f64
    }
}

/// Decimal places `%.*f` may be asked for: formats come from users.
const MAX_PRECISION: usize = 1000;

/// `%.*f` as glibc prints it (a negative precision is the default 6; `nan`/`-nan`, `inf`).
fn printf_f(x: f64, prec: i64) -> String {
    let prec = usize::try_from(prec).unwrap_or(6).min(MAX_PRECISION);
    if x.is_nan() {
        return if x.is_sign_negative() { "-nan" } else { "nan" }.into();
    }
    if x.is_infinite() {
        return if x < 0.0 { "-inf" } else { "inf" }.into();
    }
    format!("{x:.prec$}")
}

/// `e|op|flags|precision:left,right` on already expanded sides; `None` is tmux's failure
/// (an unknown operator, a bad precision or a side that is not a number).
pub fn expression(args: &[String], left: &str, right: &str) -> Option<String> {
    let op = args.first()?.as_str();
    let use_fp = args.get(1).is_some_and(|f| f.contains('f'));
    let mut prec = if use_fp { 2 } else { 0 };
    if let Some(p) = args.get(2) {
        prec = strtonum(p, i64::from(i32::MIN), i64::from(i32::MAX))?;
    }
    let (mut l, mut r) = (strtod(left)?, strtod(right)?);
    if !use_fp {
        l = c_ll(l);
        r = c_ll(r);
    }
    let flag = |b: bool| if b { 1.0 } else { 0.0 };
    let result = match op {
        "+" => l + r,
        "-" => l - r,
        "*" => l * r,
        "/" => l / r,
        "%" | "m" => l % r,
        "==" => flag((l - r).abs() < 1e-9),
        "!=" => flag((l - r).abs() > 1e-9),
        ">" => flag(l > r),
        "<" => flag(l < r),
        ">=" => flag(l >= r),
        "<=" => flag(l <= r),
        _ => return None,
    };
    Some(printf_f(if use_fp { result } else { c_ll(result) }, prec))
}

fn at(secs: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(u64::try_from(secs).unwrap_or(0))
}

/// `t:` on a time in seconds: ctime(3), `t/f/FMT` through strftime(3), `t/p` short.
pub fn time_string(secs: i64, pretty: bool, format: Option<&str>, now: SystemTime) -> String {
    let when = at(secs);
    if pretty {
        return pretty_time(when, now);
    }
    match format {
        Some(f) => tmate_term::strftime(f, when),
        None => tmate_term::clock::ctime(when),
    }
}

/// tmux's `format_pretty_time`: a clock time within a day, the weekday and day within this
/// month or 28 days, day and month within a year, else month and year.
fn pretty_time(when: SystemTime, now: SystemTime) -> String {
    let now = now.max(when);
    let age = now.duration_since(when).unwrap_or_default().as_secs();
    let ym = |t: SystemTime| -> (i64, i64) {
        let s = tmate_term::strftime("%Y %m", t);
        let mut it = s.split(' ').map(|p| p.parse::<i64>().unwrap_or(0));
        (it.next().unwrap_or(0), it.next().unwrap_or(0))
    };
    let ((ty, tm), (ny, nm)) = (ym(when), ym(now));
    let spec = if age < 24 * 3600 {
        "%H:%M"
    } else if (ty == ny && tm == nm) || age < 28 * 24 * 3600 {
        "%a%d"
    } else if (ty == ny && tm < nm) || (ty == ny - 1 && tm > nm) {
        "%d%b"
    } else {
        "%h%y"
    };
    tmate_term::strftime(spec, when)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(args: &[&str], l: &str, r: &str) -> Option<String> {
        let args: Vec<String> = args.iter().map(|s| (*s).to_string()).collect();
        expression(&args, l, r)
    }

    #[test]
    fn arithmetic_like_tmux() {
        assert_eq!(e(&["+"], "2", "3").as_deref(), Some("5"));
        assert_eq!(e(&["*", "f", "4"], "5.5", "3").as_deref(), Some("16.5000"));
        assert_eq!(e(&["/"], "7", "2").as_deref(), Some("3"));
        assert_eq!(e(&["/", "f"], "7", "2").as_deref(), Some("3.50"));
        assert_eq!(e(&["%"], "7", "3").as_deref(), Some("1"));
        assert_eq!(e(&["<"], "1", "2").as_deref(), Some("1"));
        assert_eq!(e(&["=="], "1.9", "1").as_deref(), Some("1"));
        assert_eq!(e(&["+"], "x", "1"), None);
        assert_eq!(e(&["^"], "1", "1"), None);
        assert_eq!(e(&["+"], "", "").as_deref(), Some("0"));
        assert_eq!(e(&["+", "", "x"], "1", "1"), None);
    }

    #[test]
    fn paths_and_quotes() {
        assert_eq!(basename("/usr/lib/"), "lib");
        assert_eq!(basename("/"), "/");
        assert_eq!(basename(""), ".");
        assert_eq!(dirname("/usr/lib"), "/usr");
        assert_eq!(dirname("usr"), ".");
        assert_eq!(dirname("/usr"), "/");
        assert_eq!(dirname("a//b//"), "a");
        assert_eq!(quote_shell("a b$"), "a\\ b\\$");
        assert_eq!(quote_style("a#b"), "a##b");
    }

    #[test]
    fn characters_and_colours() {
        assert_eq!(ascii("98"), "b");
        assert_eq!(ascii("31"), "");
        assert_eq!(colour_hex("red"), "800000");
        assert_eq!(colour_hex("brightred"), "ff0000");
        assert_eq!(colour_hex("colour16"), "000000");
        assert_eq!(colour_hex("colour196"), "ff0000");
        assert_eq!(colour_hex("colour255"), "eeeeee");
        assert_eq!(colour_hex("#AbCdEf"), "abcdef");
        assert_eq!(colour_hex("default"), "");
        assert_eq!(colour_hex("DarkGreen"), "006400");
        assert_eq!(colour_hex("grey50"), "7f7f7f");
        assert_eq!(colour_hex("greyish"), "bebebe");
        assert_eq!(colour_hex("grey101"), "");
    }
}
