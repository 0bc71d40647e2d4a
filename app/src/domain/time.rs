//! Times as the shop reads them: the shop's local time (Europe/Paris: every
//! shop of the chain is in mainland France), without a time-zone database
//! (the rule is fixed: CET, CEST in summer). No time-zone data goes to the
//! browser, and server and browser print the same text.

use super::lang::Lang;

const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A moment (milliseconds since the epoch) in the shop's local time:
/// `23/11/2026 14:05` in French, `23 Nov 2026, 14:05` in English (a day
/// first, and a month no reader can take for a day).
pub fn format_shop_time(ms: i64, lang: Lang) -> String {
    let utc_secs = ms.div_euclid(1000);
    let offset_hours = if is_summer_time(utc_secs) { 2 } else { 1 };
    let local = utc_secs + offset_hours * 3600;
    let (y, m, d) = civil_from_days(local.div_euclid(86_400));
    let secs_of_day = local.rem_euclid(86_400);
    let (hour, minute) = (secs_of_day / 3600, (secs_of_day % 3600) / 60);
    match lang {
        Lang::Fr => format!("{d:02}/{m:02}/{y} {hour:02}:{minute:02}"),
        Lang::En => {
            let month = MONTHS_EN[((m - 1).clamp(0, 11)) as usize];
            format!("{d} {month} {y}, {hour:02}:{minute:02}")
        }
    }
}

/// The day alone, in the shop's local time: `23/11/2026`, `23 Nov 2026`.
pub fn format_shop_date(ms: i64, lang: Lang) -> String {
    let full = format_shop_time(ms, lang);
    match lang {
        Lang::Fr => full.split(' ').next().unwrap_or_default().to_string(),
        Lang::En => full.split(',').next().unwrap_or_default().to_string(),
    }
}

/// The day of the week in the shop's local time: 0 is Sunday, 6 Saturday.
pub fn shop_weekday(ms: i64) -> i64 {
    let utc_secs = ms.div_euclid(1000);
    let offset_hours = if is_summer_time(utc_secs) { 2 } else { 1 };
    let local_days = (utc_secs + offset_hours * 3600).div_euclid(86_400);
    // 1970-01-01 was a Thursday (weekday 4).
    (local_days + 4).rem_euclid(7)
}

/// `days` shop days after `ms`: Sundays, when the shops and carriers
/// rest, are not counted (and a promise never falls on one).
pub fn add_shop_days(ms: i64, days: i64) -> i64 {
    const DAY_MS: i64 = 86_400_000;
    let mut at = ms;
    let mut left = days.max(0);
    while left > 0 {
        at += DAY_MS;
        if shop_weekday(at) != 0 {
            left -= 1;
        }
    }
    while shop_weekday(at) == 0 {
        at += DAY_MS;
    }
    at
}

/// Local clock time of a shop day, `minutes` after midnight, as a moment:
/// the day given as `YYYY-MM-DD` (what a date field sends). `None` for
/// anything else.
pub fn shop_day_at(date: &str, minutes: i64) -> Option<i64> {
    let mut parts = date.trim().splitn(3, '-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: i64 = parts.next()?.parse().ok()?;
    let day: i64 = parts.next()?.parse().ok()?;
    if !(2000..=2200).contains(&year) || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    if civil_from_days(days) != (year, month, day) {
        return None;
    }
    let local_secs = days * 86_400 + minutes * 60;
    // The offset at that moment: try winter time, then check.
    let winter = local_secs - 3600;
    let utc_secs = if is_summer_time(winter - 3600) {
        local_secs - 7200
    } else {
        winter
    };
    Some(utc_secs * 1000)
}

/// The start of the shop day holding `ms` (local midnight), as a moment.
pub fn shop_day_start(ms: i64) -> i64 {
    shop_day_at(&iso_shop_date(ms), 0).unwrap_or(ms)
}

/// The shop day holding `ms` as `YYYY-MM-DD` (a date field's value).
pub fn iso_shop_date(ms: i64) -> String {
    let utc_secs = ms.div_euclid(1000);
    let offset_hours = if is_summer_time(utc_secs) { 2 } else { 1 };
    let (y, m, d) = civil_from_days((utc_secs + offset_hours * 3600).div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// EU summer time: from 01:00 UTC on the last Sunday of March to 01:00 UTC
/// on the last Sunday of October.
fn is_summer_time(utc_secs: i64) -> bool {
    let (year, _, _) = civil_from_days(utc_secs.div_euclid(86_400));
    let start = last_sunday(year, 3) * 86_400 + 3600;
    let end = last_sunday(year, 10) * 86_400 + 3600;
    (start..end).contains(&utc_secs)
}

/// Days since the epoch of the last Sunday of a month with 31 days.
fn last_sunday(year: i64, month: i64) -> i64 {
    let last_day = days_from_civil(year, month, 31);
    // 1970-01-01 was a Thursday: weekday 0 = Sunday at days = 3.
    let weekday = (last_day - 3).rem_euclid(7);
    last_day - weekday
}

/// Howard Hinnant's algorithm: days since 1970-01-01 to (year, month, day).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn winter_is_utc_plus_one() {
        // 2026-11-23 12:00:00 UTC
        assert_eq!(
            format_shop_time(1_795_435_200_000, Lang::Fr),
            "23/11/2026 13:00"
        );
        assert_eq!(
            format_shop_time(1_795_435_200_000, Lang::En),
            "23 Nov 2026, 13:00"
        );
    }

    #[test]
    fn a_day_alone_is_the_shop_s_day() {
        // 2026-11-23 23:30 UTC is already the 24th in Paris.
        let late = 1_795_435_200_000 + 11 * 3_600_000 + 30 * 60_000;
        assert_eq!(format_shop_date(late, Lang::Fr), "24/11/2026");
        assert_eq!(format_shop_date(late, Lang::En), "24 Nov 2026");
    }

    #[test]
    fn summer_is_utc_plus_two() {
        // 2026-07-14 10:30:00 UTC
        assert_eq!(
            format_shop_time(1_784_025_000_000, Lang::Fr),
            "14/07/2026 12:30"
        );
        assert_eq!(
            format_shop_time(1_784_025_000_000, Lang::En),
            "14 Jul 2026, 12:30"
        );
    }

    #[test]
    fn the_change_happens_on_the_last_sunday_of_march_at_one_utc() {
        // 2026-03-29 is the last Sunday of March 2026.
        let change = days_from_civil(2026, 3, 29) * 86_400 + 3600;
        assert!(!is_summer_time(change - 1));
        assert!(is_summer_time(change));
    }

    #[test]
    fn shop_days_skip_sundays() {
        // 2026-11-23 12:00 UTC was a Monday.
        let monday = 1_795_435_200_000;
        assert_eq!(shop_weekday(monday), 1);
        let day = 86_400_000;
        assert_eq!(add_shop_days(monday, 0), monday);
        assert_eq!(add_shop_days(monday, 2), monday + 2 * day);
        // Friday + 2 shop days: Saturday, (Sunday,) Monday.
        let friday = monday + 4 * day;
        assert_eq!(add_shop_days(friday, 2), friday + 3 * day);
        // A promise made on a Sunday for today is kept on Monday.
        assert_eq!(add_shop_days(monday - day, 0), monday);
    }

    #[test]
    fn date_fields_read_as_shop_days() {
        // 2026-11-24 00:00 in Paris is 2026-11-23 23:00 UTC.
        let midnight = shop_day_at("2026-11-24", 0).expect("a date");
        assert_eq!(format_shop_time(midnight, Lang::Fr), "24/11/2026 00:00");
        assert_eq!(shop_day_start(midnight + 5 * 3_600_000), midnight);
        assert_eq!(iso_shop_date(midnight), "2026-11-24");
        let summer = shop_day_at("2026-07-14", 19 * 60).expect("a date");
        assert_eq!(format_shop_time(summer, Lang::Fr), "14/07/2026 19:00");
        assert_eq!(shop_day_at("2026-02-30", 0), None);
        assert_eq!(shop_day_at("demain", 0), None);
    }

    #[test]
    fn days_round_trip() {
        for days in [-1, 0, 59, 365, 20_000, 20_415] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
