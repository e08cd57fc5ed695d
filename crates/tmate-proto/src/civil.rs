//! Calendar dates from Unix time (UTC), for the host's `#{t:...}` and the relay's event
//! timestamps: one conversion, no time-zone database.

use std::time::{SystemTime, UNIX_EPOCH};

/// A UTC date and time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    /// 1-12.
    pub month: u32,
    /// 1-31.
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    /// 0 = Sunday ... 6 = Saturday.
    pub weekday: u32,
    pub millisecond: u32,
}

impl Civil {
    /// `t` in UTC; times before 1970 read as 1970-01-01.
    pub fn utc(t: SystemTime) -> Civil {
        let since = t.duration_since(UNIX_EPOCH).unwrap_or_default();
        let secs = since.as_secs();
        let days = i64::try_from(secs / 86_400).unwrap_or(0);
        let rem = u32::try_from(secs % 86_400).unwrap_or(0);
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        Civil {
            year: yoe + era * 400 + i64::from(month <= 2),
            month: u32::try_from(month).unwrap_or(1),
            day: u32::try_from(day).unwrap_or(1),
            hour: rem / 3600,
            minute: rem % 3600 / 60,
            second: rem % 60,
            // 1970-01-01 was a Thursday.
            weekday: u32::try_from((days + 4).rem_euclid(7)).unwrap_or(0),
            millisecond: since.subsec_millis(),
        }
    }

    /// RFC 3339 with milliseconds: `2026-12-05T08:01:02.345Z`.
    pub fn rfc3339(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second, self.millisecond
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn known_dates() {
        let at = |secs: u64, millis: u64| {
            Civil::utc(UNIX_EPOCH + Duration::from_millis(secs * 1000 + millis))
        };
        assert_eq!(at(0, 0).rfc3339(), "1970-01-01T00:00:00.000Z");
        assert_eq!(at(0, 0).weekday, 4);
        // 2000-02-29 (a leap day of a century leap year), a Tuesday.
        let leap = at(951_782_400, 7);
        assert_eq!(leap.rfc3339(), "2000-02-29T00:00:00.007Z");
        assert_eq!(leap.weekday, 2);
        // 2026-12-05T08:01:02Z, a Saturday.
        let today = at(1_796_457_662, 345);
        assert_eq!(today.rfc3339(), "2026-12-05T08:01:02.345Z");
        assert_eq!(today.weekday, 6);
    }
}
