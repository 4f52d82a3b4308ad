//! Working days under the Administrative Penalty Law (art. 85): periods of 2/3/5/7 days
//! count working days, excluding statutory holidays. China moves working days every year
//! (调休), so the exceptions to the Monday–Friday week are data, not code.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

string_enum!(
    /// An exception to the Monday–Friday week.
    DayKind {
        /// 法定节假日 — a statutory holiday (a rest day even on a weekday).
        Holiday => "holiday",
        /// 调休上班 — a weekend day that is worked.
        Workday => "workday",
    }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CalendarDay {
    /// A day of the year the path names, listed once; a `workday` is a Saturday or Sunday.
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub date: NaiveDate,
    pub kind: DayKind,
    /// The occasion, e.g. 国庆节 or 国庆节调休上班: 1 to 50 characters.
    #[schema(
        min_length = 1,
        max_length = 50,
        pattern = r"[^\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub name: String,
}

/// The longest period `add_working_days` accepts; legal periods are far shorter.
pub const MAX_WORKING_DAYS: i64 = 3660;

#[derive(Debug, Clone, Default)]
pub struct WorkCalendar {
    exceptions: HashMap<NaiveDate, DayKind>,
    /// Years whose official exceptions are loaded.
    years: std::collections::BTreeSet<i32>,
}

impl WorkCalendar {
    /// A calendar whose exceptions are complete for the years they fall in.
    pub fn new(days: impl IntoIterator<Item = (NaiveDate, DayKind)>) -> Self {
        let exceptions: HashMap<NaiveDate, DayKind> = days.into_iter().collect();
        let years = exceptions.keys().map(|d| d.year()).collect();
        WorkCalendar { exceptions, years }
    }

    /// A calendar whose loaded years are given explicitly (a year may have no exceptions).
    pub fn with_years(
        days: impl IntoIterator<Item = (NaiveDate, DayKind)>,
        years: impl IntoIterator<Item = i32>,
    ) -> Self {
        WorkCalendar {
            exceptions: days.into_iter().collect(),
            years: years.into_iter().collect(),
        }
    }

    /// Whether the year's official exceptions are loaded.
    pub fn covers_year(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    /// A listed day follows its listing; any other day is a working day Monday–Friday.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        match self.exceptions.get(&date) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// The working days after `from` up to and including `to` (0 when `to` is not later).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        let mut count = 0;
        let mut day = from;
        while day < to {
            day = day.succ_opt().unwrap_or(NaiveDate::MAX);
            if self.is_working_day(day) {
                count += 1;
            }
        }
        count
    }

    /// The date `days` working days after `from`, counting from the day after `from`
    /// (the day of the act is not counted). `days = 0` gives `from`.
    pub fn add_working_days(&self, from: NaiveDate, days: u32) -> NaiveDate {
        let mut date = from;
        let mut remaining = days;
        while remaining > 0 {
            date += Duration::days(1);
            if self.is_working_day(date) {
                remaining -= 1;
            }
        }
        date
    }
}

/// Calendar days after a date (90 days to decide, 15 to pay).
pub fn add_calendar_days(from: NaiveDate, days: u32) -> NaiveDate {
    from + Duration::days(i64::from(days))
}

/// How many calendar days `add_working_days` can span for `days` working days: enough to
/// load exceptions for, even across the Spring Festival and National Day weeks.
pub fn span_upper_bound(days: u32) -> i64 {
    i64::from(days) * 7 / 5 + 30
}

/// Why a year's list of exceptions is refused; each names the entry (`days[i].field`).
pub fn validate_year(year: i32, days: &[CalendarDay]) -> Result<(), Vec<crate::error::FieldError>> {
    use crate::error::FieldError;
    let mut errors = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, day) in days.iter().enumerate() {
        if day.date.year() != year {
            errors.push(FieldError::new(format!("days[{i}].date"), format!("is not in {year}")));
        }
        if !seen.insert(day.date) {
            errors.push(FieldError::new(format!("days[{i}].date"), "is listed twice"));
        }
        if day.kind == DayKind::Workday && !matches!(day.date.weekday(), Weekday::Sat | Weekday::Sun) {
            errors.push(FieldError::new(
                format!("days[{i}].kind"),
                "a make-up working day (调休上班) must fall on a Saturday or Sunday",
            ));
        }
        let name_len = day.name.trim().chars().count();
        if name_len == 0 || name_len > 50 {
            errors.push(FieldError::new(format!("days[{i}].name"), "must be 1 to 50 characters"));
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

/// Parses the reference CSV (`date,kind,name`).
pub fn parse_reference_csv(csv: &str) -> Result<Vec<CalendarDay>, String> {
    let mut days = Vec::new();
    for (n, line) in csv.lines().enumerate().skip(1) {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let mut parts = line.splitn(3, ',');
        let (Some(date), Some(kind), Some(name)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(format!("line {}: expected date,kind,name", n + 1));
        };
        let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|e| format!("line {}: {e}", n + 1))?;
        let kind = DayKind::parse(kind).ok_or_else(|| format!("line {}: unknown kind {kind:?}", n + 1))?;
        days.push(CalendarDay {
            date,
            kind,
            name: name.to_string(),
        });
    }
    Ok(days)
}

/// The official exceptions 2024–2026 (State Council notices), shipped with the service.
pub const REFERENCE_CSV: &str = include_str!("../../reference/cn-workday-calendar.csv");

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn official() -> WorkCalendar {
        let days = parse_reference_csv(REFERENCE_CSV).unwrap();
        WorkCalendar::new(days.into_iter().map(|d| (d.date, d.kind)))
    }

    #[test]
    fn national_day_2024_counts_make_up_days_and_skips_the_holiday() {
        // 29 Sep (Sunday) is worked, 1–7 Oct are holidays, 12 Oct (Saturday) is worked.
        assert_eq!(official().add_working_days(date("2024-09-27"), 7), date("2024-10-12"));
    }

    #[test]
    fn plain_weeks_skip_weekends() {
        let plain = WorkCalendar::default();
        assert_eq!(plain.add_working_days(date("2026-11-27"), 1), date("2026-11-30"));
        assert_eq!(plain.add_working_days(date("2026-11-23"), 5), date("2026-11-30"));
        assert_eq!(plain.add_working_days(date("2026-11-23"), 0), date("2026-11-23"));
    }

    #[test]
    fn spring_festival_2025_and_a_make_up_saturday() {
        let cal = official();
        // 2025-01-26 (Sunday) is worked; 28 Jan – 4 Feb are holidays; 8 Feb (Saturday) is worked.
        assert!(cal.is_working_day(date("2025-01-26")));
        assert!(!cal.is_working_day(date("2025-01-28")));
        assert!(cal.is_working_day(date("2025-02-08")));
        assert_eq!(cal.add_working_days(date("2025-01-27"), 5), date("2025-02-10"));
    }

    #[test]
    fn reference_data_is_well_formed() {
        let days = parse_reference_csv(REFERENCE_CSV).unwrap();
        for year in [2024, 2025, 2026] {
            let of_year: Vec<_> = days.iter().filter(|d| d.date.year() == year).cloned().collect();
            assert!(of_year.len() > 20, "{year} has {} rows", of_year.len());
            validate_year(year, &of_year).unwrap();
        }
    }

    #[test]
    fn year_validation_names_the_entry() {
        let bad = vec![
            CalendarDay {
                date: date("2025-10-01"),
                kind: DayKind::Holiday,
                name: "国庆节".into(),
            },
            CalendarDay {
                date: date("2025-10-08"),
                kind: DayKind::Workday,
                name: "周三".into(),
            },
            CalendarDay {
                date: date("2024-10-01"),
                kind: DayKind::Holiday,
                name: "国庆节".into(),
            },
        ];
        let fields: Vec<_> = validate_year(2025, &bad)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, vec!["days[1].kind", "days[2].date"]);
    }

    #[test]
    fn span_bound_covers_the_longest_holiday_run() {
        let cal = official();
        for start in ["2024-09-27", "2025-01-20", "2026-02-10", "2024-12-30"] {
            for days in [1, 5, 7, 20] {
                let end = cal.add_working_days(date(start), days);
                assert!(
                    (end - date(start)).num_days() <= span_upper_bound(days),
                    "{start} + {days}"
                );
            }
        }
    }
}
