//! The clock in tmux's default status-right (`%H:%M %d-%b-%y`), computed without a time-zone
//! database (so in UTC): shared by the relay's and the host's status lines.

use std::time::{SystemTime, UNIX_EPOCH};

/// `HH:MM DD-Mon-YY` for `now`, in UTC.
pub fn status_clock(now: SystemTime) -> String {
    let secs = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let (hour, minute) = ((secs % 86_400) / 3600, (secs % 3600) / 60);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let name = usize::try_from(month - 1)
        .ok()
        .and_then(|i| MONTHS.get(i))
        .copied()
        .unwrap_or("Jan");
    format!(
        "{hour:02}:{minute:02} {day:02}-{name}-{:02}",
        year.rem_euclid(100)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn clock_format() {
        // 2026-11-26 19:01:00 UTC
        let t = UNIX_EPOCH + Duration::from_secs(1_795_719_660);
        assert_eq!(status_clock(t), "19:01 26-Nov-26");
        assert_eq!(status_clock(UNIX_EPOCH), "00:00 01-Jan-70");
        // A leap day.
        let t = UNIX_EPOCH + Duration::from_secs(1_709_164_800 + 3600);
        assert_eq!(status_clock(t), "01:00 29-Feb-24");
    }
}
