//! `/calendar/{year}` and `/calendar/add-working-days`.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{CurrentUser, Role};
use crate::calendar::model::{CalendarDay, MAX_WORKING_DAYS, validate_year};
use crate::calendar::store::{self, YearListing};
use crate::clock;
use crate::error::{AppError, AppResult, Problem};
use crate::http::{ApiJson, ApiQuery};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarYear {
    pub year: i32,
    /// `reference` (shipped State Council data), `admin` (edited here), or absent when the
    /// year is not in the calendar (every weekday then counts as a working day).
    pub source: Option<String>,
    pub updated_at: Option<DateTime<Utc>>,
    pub days: Vec<CalendarDay>,
}

impl CalendarYear {
    fn new(year: i32, listing: YearListing) -> Self {
        CalendarYear {
            year,
            source: listing.source,
            updated_at: listing.updated_at.map(clock::from_db),
            days: listing.days,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PutCalendarYear {
    /// The year's exceptions; replaces the whole list.
    pub days: Vec<CalendarDay>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AddWorkingDaysParams {
    /// The day of the act (not counted).
    #[param(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub from: NaiveDate,
    /// Working days to add, 0–3660.
    #[param(minimum = 0, maximum = 3660)]
    pub days: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AddWorkingDaysResponse {
    pub date: NaiveDate,
    /// False when a year in the span is missing from the calendar, so only weekends were
    /// skipped there; an admin should load that year's notice.
    pub calendar_complete: bool,
}

pub(crate) fn check_year(year: i32) -> AppResult<i32> {
    if (2000..=2100).contains(&year) {
        Ok(year)
    } else {
        Err(AppError::field("year", "must be between 2000 and 2100"))
    }
}

/// A year's exceptions to the Monday–Friday week.
#[utoipa::path(
    get, path = "/api/v1/calendar/{year}", tag = "calendar",
    params(("year" = i32, Path, minimum = 2000, maximum = 2100)),
    responses(
        (status = 200, body = CalendarYear), (status = 401, body = Problem),
        (status = 422, body = Problem, description = "a year outside 2000–2100"),
    ),
    security(("bearer" = []))
)]
pub async fn get_year(
    state: web::Data<AppState>,
    _caller: CurrentUser,
    year: web::Path<i32>,
) -> AppResult<HttpResponse> {
    let year = check_year(year.into_inner())?;
    let listing = state.db(move |conn| Ok(store::year(conn, year)?)).await?;
    Ok(HttpResponse::Ok().json(CalendarYear::new(year, listing)))
}

/// Replace a year's exceptions (admin), e.g. when the State Council publishes next year's
/// holiday notice in November.
#[utoipa::path(
    put, path = "/api/v1/calendar/{year}", tag = "calendar",
    params(("year" = i32, Path, minimum = 2000, maximum = 2100)),
    request_body = PutCalendarYear,
    responses((status = 200, body = CalendarYear), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
pub async fn put_year(
    state: web::Data<AppState>,
    caller: CurrentUser,
    year: web::Path<i32>,
    body: ApiJson<PutCalendarYear>,
) -> AppResult<HttpResponse> {
    let year = year.into_inner();
    let listing = replace(&state, &caller, year, body.0.days).await?;
    Ok(HttpResponse::Ok().json(CalendarYear::new(year, listing)))
}

/// Replaces a year's exceptions (admins): the year in range, each day of that year once, a
/// make-up working day on a weekend, names of 1 to 50 characters — each problem a 422
/// naming `days[i]`. What `PUT /calendar/{year}` and the console's calendar form do.
pub(crate) async fn replace(
    state: &AppState,
    caller: &CurrentUser,
    year: i32,
    mut days: Vec<CalendarDay>,
) -> AppResult<store::YearListing> {
    caller.require(Role::Admin)?;
    let year = check_year(year)?;
    validate_year(year, &days).map_err(AppError::Validation)?;
    days.sort_by_key(|d| d.date);
    let by = caller.id.clone();
    let listing = state
        .db_write(move |conn| {
            store::replace_year(conn, year, &days, "admin", Some(&by))?;
            Ok(store::year(conn, year)?)
        })
        .await?;
    tracing::info!(year, by = %caller.id, entries = listing.days.len(), "calendar year replaced");
    Ok(listing)
}

/// The date N working days after a date (APL art. 85), as every legal deadline uses it.
#[utoipa::path(
    get, path = "/api/v1/calendar/add-working-days", tag = "calendar",
    params(AddWorkingDaysParams),
    responses((status = 200, body = AddWorkingDaysResponse), (status = 400, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
pub async fn add_working_days(
    state: web::Data<AppState>,
    _caller: CurrentUser,
    query: ApiQuery<AddWorkingDaysParams>,
) -> AppResult<HttpResponse> {
    let AddWorkingDaysParams { from, days } = query.0;
    if !(0..=MAX_WORKING_DAYS).contains(&days) {
        return Err(AppError::field(
            "days",
            format!("must be between 0 and {MAX_WORKING_DAYS}"),
        ));
    }
    let days = days as u32;
    let (date, complete) = state
        .db(move |conn| Ok(store::working_day_deadline(conn, from, days)?))
        .await?;
    Ok(HttpResponse::Ok().json(AddWorkingDaysResponse {
        date,
        calendar_complete: complete,
    }))
}
