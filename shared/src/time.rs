//! Times are kept as milliseconds since the Unix epoch in every service's database (one portable
//! integer type on both backends) and shown as RFC 3339 UTC in answers. These are the only
//! conversions between the two.

use chrono::{DateTime, TimeZone, Utc};

use crate::calendar::cst;

/// Now, in milliseconds; for code that has no [`crate::clock::Clock`] (delivery workers).
pub fn now_ms() -> i64 {
    to_ms(Utc::now())
}

pub fn to_ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// A stored time; a value out of chrono's range (never written by us) reads as the earliest time.
pub fn from_ms(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// `20261127`: the day in China time, as in ticket numbers.
pub fn cst_day(t: DateTime<Utc>) -> String {
    t.with_timezone(&cst()).format("%Y%m%d").to_string()
}

/// `2026-10-23 17:30`: how a deadline is written to people.
pub fn cst_minute(t: DateTime<Utc>) -> String {
    t.with_timezone(&cst()).format("%Y-%m-%d %H:%M").to_string()
}

/// The reverse of [`cst_minute`]: `2026-10-23 17:30` in China time; `None` if not that form.
pub fn parse_cst_minute(s: &str) -> Option<DateTime<Utc>> {
    let naive = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").ok()?;
    Some(
        cst()
            .from_local_datetime(&naive)
            .single()?
            .with_timezone(&Utc),
    )
}

/// Milliseconds in a day, and China time's offset, for grouping by local day in SQL.
pub const DAY_MS: i64 = 86_400_000;
pub const CST_OFFSET_MS: i64 = 8 * 3_600_000;

/// The local (China) date of a day number `(ms + offset) / DAY_MS`.
pub fn day_number_to_date(day: i64) -> chrono::NaiveDate {
    from_ms(day * DAY_MS).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_are_china_days() {
        // 2026-11-26 17:00 UTC is 2026-11-27 01:00 in China.
        let t = Utc.with_ymd_and_hms(2026, 11, 26, 17, 0, 0).unwrap();
        assert_eq!(cst_day(t), "20261127");
        let day = (to_ms(t) + CST_OFFSET_MS).div_euclid(DAY_MS);
        assert_eq!(day_number_to_date(day).to_string(), "2026-11-27");
        assert_eq!(from_ms(to_ms(t)), t);
    }
}
