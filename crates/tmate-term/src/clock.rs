//! Times as tmux shows them, the one place dates are computed: strftime(3) for status lines
//! and `#{t:...}` in the local time zone (`TZ`, else /etc/localtime, else UTC, as libc reads
//! them), ctime(3), and RFC 3339 in UTC for the relay's event log. Through jiff, so no
//! calendar arithmetic of our own.

use std::fmt::Write as _;
use std::time::SystemTime;

use jiff::tz::TimeZone;
use jiff::{Timestamp, ZonedDateTime};

/// tmux's default `status-right` clock: `%H:%M %d-%b-%y`.
pub const STATUS_CLOCK: &str = "%H:%M %d-%b-%y";

fn timestamp(now: SystemTime) -> Timestamp {
    // Outside jiff's range (year 9999 and beyond): the epoch, rather than no status line.
    Timestamp::try_from(now).unwrap_or(Timestamp::UNIX_EPOCH)
}

fn local(now: SystemTime) -> ZonedDateTime {
    timestamp(now).to_zoned_datetime(TimeZone::system())
}

/// `format` through strftime(3) at `now` in the local time zone. A conversion jiff does not
/// know stays as written (glibc's strftime leaves unknown ones alone too), so a status line
/// with `50%` or `%!` keeps its text.
pub fn strftime(format: &str, now: SystemTime) -> String {
    if !format.contains('%') {
        return format.to_string();
    }
    let zoned = local(now);
    let mut out = String::with_capacity(format.len() + 16);
    let mut rest = format;
    while let Some(at) = rest.find('%') {
        out.push_str(rest.get(..at).unwrap_or_default());
        let spec = conversion(rest.get(at..).unwrap_or_default());
        match spec {
            "%%" => out.push('%'),
            _ => {
                let mut piece = String::new();
                if spec.len() > 1 && write!(piece, "{}", zoned.strftime(spec)).is_ok() {
                    out.push_str(&piece);
                } else {
                    out.push_str(spec);
                }
            }
        }
        rest = rest.get(at + spec.len()..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

/// The conversion at the start of `text` (which starts with `%`): flags (`-_0^#`), a width,
/// an `E`/`O` modifier, then the letter (or just `%` when nothing follows).
fn conversion(text: &str) -> &str {
    let mut end = 1;
    for (i, c) in text.char_indices().skip(1) {
        end = i + c.len_utf8();
        if !(matches!(c, '-' | '_' | '0' | '^' | '#' | 'E' | 'O') || c.is_ascii_digit()) {
            break;
        }
    }
    text.get(..end).unwrap_or(text)
}

/// tmux's default status-right clock at `now`.
pub fn status_clock(now: SystemTime) -> String {
    strftime(STATUS_CLOCK, now)
}

/// ctime(3) without its newline, in the local time zone: `Thu Nov 26 22:45:01 2026`.
pub fn ctime(now: SystemTime) -> String {
    strftime("%a %b %e %H:%M:%S %Y", now)
}

/// RFC 3339 in UTC with milliseconds: `2026-12-05T08:01:02.345Z`.
pub fn rfc3339_utc(now: SystemTime) -> String {
    let mut out = String::new();
    let _ = write!(out, "{}", timestamp(now).strftime("%Y-%m-%dT%H:%M:%S%.3fZ"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    fn at(secs: u64, millis: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(secs * 1000 + millis)
    }

    #[test]
    fn utc_event_times() {
        assert_eq!(rfc3339_utc(at(0, 0)), "1970-01-01T00:00:00.000Z");
        // A leap day of a century leap year.
        assert_eq!(rfc3339_utc(at(951_782_400, 7)), "2000-02-29T00:00:00.007Z");
        assert_eq!(
            rfc3339_utc(at(1_796_457_662, 345)),
            "2026-12-05T08:01:02.345Z"
        );
    }

    #[test]
    fn unknown_and_literal_percents_stay() {
        let t = at(1_796_457_662, 0);
        assert_eq!(strftime("cpu 50% %! %", t), "cpu 50% %! %");
        assert_eq!(strftime("100%%", t), "100%");
        assert_eq!(strftime("no conversions", t), "no conversions");
    }

    #[test]
    fn conversions_in_the_local_zone() {
        let t = at(1_796_457_662, 0);
        let zoned = local(t);
        // Whatever the machine's zone, each conversion agrees with the zoned time's fields.
        assert_eq!(strftime("%Y", t), zoned.year().to_string());
        assert_eq!(
            strftime("%m-%d", t),
            format!("{:02}-{:02}", zoned.month(), zoned.day())
        );
        assert_eq!(strftime("%-d", t), zoned.day().to_string());
        assert_eq!(strftime("%S", t), "02");
        let clock = status_clock(t);
        assert_eq!(clock.len(), "08:01 05-Dec-26".len(), "{clock}");
        assert!(clock.ends_with("-Dec-26"), "{clock}");
        let c = ctime(t);
        assert!(c.ends_with(" 2026"), "{c}");
        assert_eq!(c.len(), "Sat Dec  5 08:01:02 2026".len(), "{c}");
    }

    #[test]
    fn conversions_are_split_where_strftime_would() {
        assert_eq!(conversion("%H:%M"), "%H");
        assert_eq!(conversion("%-d rest"), "%-d");
        assert_eq!(conversion("%Ey"), "%Ey");
        assert_eq!(conversion("%"), "%");
        assert_eq!(conversion("%é"), "%é");
    }
}
