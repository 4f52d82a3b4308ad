//! Calendar queries: loading exceptions, replacing a year, seeding the reference data.

use chrono::{Datelike, Duration, NaiveDate};
use diesel::prelude::*;

use crate::calendar::model::{
    CalendarDay, DayKind, REFERENCE_CSV, WorkCalendar, parse_reference_csv, span_upper_bound,
};
use crate::clock;
use crate::db::DbConn;
use crate::db::schema::{calendar_days, calendar_years};

/// Exceptions between two dates (inclusive), as a calendar. A year counts as loaded when
/// its notice is in `calendar_years`, whatever the span: a span after a year's last
/// holiday (mid-December) holds none of its exceptions and is still covered.
pub fn load_range(conn: &mut DbConn, from: NaiveDate, to: NaiveDate) -> QueryResult<WorkCalendar> {
    let rows: Vec<(NaiveDate, DayKind)> = calendar_days::table
        .filter(calendar_days::day.between(from, to))
        .select((calendar_days::day, calendar_days::kind))
        .load(conn)?;
    let years: Vec<i32> = calendar_years::table
        .filter(calendar_years::year.between(from.year(), to.year()))
        .select(calendar_years::year)
        .load(conn)?;
    Ok(WorkCalendar::with_years(rows, years))
}

pub struct YearListing {
    pub source: Option<String>,
    pub updated_at: Option<chrono::NaiveDateTime>,
    pub days: Vec<CalendarDay>,
}

pub fn year(conn: &mut DbConn, year: i32) -> QueryResult<YearListing> {
    let meta: Option<(String, chrono::NaiveDateTime)> = calendar_years::table
        .find(year)
        .select((calendar_years::source, calendar_years::updated_at))
        .first(conn)
        .optional()?;
    let (start, end) = year_bounds(year);
    let rows: Vec<(NaiveDate, DayKind, String)> = calendar_days::table
        .filter(calendar_days::day.between(start, end))
        .order(calendar_days::day.asc())
        .select((calendar_days::day, calendar_days::kind, calendar_days::name))
        .load(conn)?;
    Ok(YearListing {
        source: meta.as_ref().map(|m| m.0.clone()),
        updated_at: meta.map(|m| m.1),
        days: rows
            .into_iter()
            .map(|(date, kind, name)| CalendarDay { date, kind, name })
            .collect(),
    })
}

fn year_bounds(year: i32) -> (NaiveDate, NaiveDate) {
    let start = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN);
    let end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX);
    (start, end)
}

/// Replaces a year's exceptions. Call inside a write transaction.
pub fn replace_year(
    conn: &mut DbConn,
    year: i32,
    days: &[CalendarDay],
    source: &str,
    updated_by: Option<&str>,
) -> QueryResult<()> {
    let (start, end) = year_bounds(year);
    diesel::delete(calendar_days::table.filter(calendar_days::day.between(start, end))).execute(conn)?;
    for day in days {
        diesel::insert_into(calendar_days::table)
            .values((
                calendar_days::day.eq(day.date),
                calendar_days::kind.eq(day.kind.as_str()),
                calendar_days::name.eq(day.name.trim()),
            ))
            .execute(conn)?;
    }
    diesel::delete(calendar_years::table.find(year)).execute(conn)?;
    diesel::insert_into(calendar_years::table)
        .values((
            calendar_years::year.eq(year),
            calendar_years::source.eq(source),
            calendar_years::updated_at.eq(clock::to_db(clock::now())),
            calendar_years::updated_by.eq(updated_by),
        ))
        .execute(conn)?;
    Ok(())
}

/// Loads the shipped reference years that the table does not hold yet. An admin's edit of
/// a year is never overwritten. Returns the years seeded.
pub fn seed_reference_calendar(conn: &mut DbConn) -> Result<Vec<i32>, String> {
    let days = parse_reference_csv(REFERENCE_CSV)?;
    let mut years: Vec<i32> = days.iter().map(|d| d.date.year()).collect();
    years.sort_unstable();
    years.dedup();
    crate::db::write_transaction(conn, |conn| {
        let known: Vec<i32> = calendar_years::table.select(calendar_years::year).load(conn)?;
        let mut seeded = Vec::new();
        for year in years.iter().copied().filter(|y| !known.contains(y)) {
            let of_year: Vec<CalendarDay> = days.iter().filter(|d| d.date.year() == year).cloned().collect();
            replace_year(conn, year, &of_year, "reference", None)?;
            seeded.push(year);
        }
        Ok::<_, diesel::result::Error>(seeded)
    })
    .map_err(|e| e.to_string())
}

/// `from` plus `days` working days, and whether the calendar covered every year spanned.
pub fn working_day_deadline(conn: &mut DbConn, from: NaiveDate, days: u32) -> QueryResult<(NaiveDate, bool)> {
    let horizon = from + Duration::days(span_upper_bound(days));
    let calendar = load_range(conn, from, horizon)?;
    let date = calendar.add_working_days(from, days);
    let complete = (from.year()..=date.year()).all(|year| calendar.covers_year(year));
    Ok((date, complete))
}
