//! Time conventions: instants are stored as UTC and shown as RFC 3339; business dates
//! (立案日期, deadlines) are dates in Asia/Shanghai (UTC+8, no daylight saving).

use chrono::{DateTime, DurationRound, FixedOffset, NaiveDate, NaiveDateTime, Offset, TimeDelta, TimeZone, Utc};

/// China Standard Time.
pub fn shanghai() -> FixedOffset {
    const CST_SECONDS: i32 = 8 * 3600;
    // Within FixedOffset's range (±24 h), so the fallback is never taken.
    FixedOffset::east_opt(CST_SECONDS).unwrap_or(Utc.fix())
}

/// The current instant, to the microsecond: what both databases store exactly, so an
/// instant reads back as it was written.
pub fn now() -> DateTime<Utc> {
    let now = Utc::now();
    now.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(now)
}

/// Today's date in Asia/Shanghai.
pub fn today() -> NaiveDate {
    now().with_timezone(&shanghai()).date_naive()
}

pub fn to_db(instant: DateTime<Utc>) -> NaiveDateTime {
    instant.naive_utc()
}

pub fn from_db(stored: NaiveDateTime) -> DateTime<Utc> {
    Utc.from_utc_datetime(&stored)
}
