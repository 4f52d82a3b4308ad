//! The head's dashboard: the year's figures from the statistics summary, the report's
//! paragraph (as `GET /stats/report?format=text`) and a chart of cases per month by kind.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::Datelike;
use serde::Deserialize;

use crate::auth::Role;
use crate::clock;
use crate::console::chart::{self, Chart};
use crate::console::session::ConsoleUser;
use crate::console::{ConsoleError, Layout, render, require};
use crate::state::AppState;
use crate::stats::model::{Period, wan_yuan};
use crate::stats::store::{self, BreakdownBy, Summary};

#[derive(Template)]
#[template(path = "console/dashboard.html")]
struct DashboardPage {
    layout: Layout,
    year: i32,
    years: Vec<i32>,
    summary: Summary,
    fines_wan_yuan: String,
    paragraph: String,
    chart: Chart,
    months: Vec<(String, i64, i64)>,
}

#[derive(Deserialize)]
pub struct DashboardQuery {
    year: Option<String>,
}

/// `GET /console/dashboard?year=` (supervisors): the year defaults to this one.
pub async fn dashboard(
    state: web::Data<AppState>,
    user: ConsoleUser,
    query: web::Query<DashboardQuery>,
) -> Result<HttpResponse, ConsoleError> {
    require(&user, Role::Supervisor)?;
    let this_year = clock::today().year();
    // Anything but one of the last ten years shows this year.
    let year = query
        .year
        .as_deref()
        .and_then(|y| y.trim().parse::<i32>().ok())
        .filter(|y| (this_year - 10..=this_year).contains(y))
        .unwrap_or(this_year);
    let agency_id = user.current.agency_id.clone();
    let period = Period::year(year);
    let (summary, months) = state
        .db(move |conn| {
            let today = clock::today();
            let summary = store::summary(conn, &agency_id, period, today)?;
            let months = store::breakdown(conn, &agency_id, period, today, BreakdownBy::Month)?;
            Ok((summary, months))
        })
        .await?;
    let months: Vec<(String, i64, i64)> = months
        .into_iter()
        .map(|row| (row.key, row.inspection_cases, row.penalty_cases))
        .collect();
    render(
        StatusCode::OK,
        &DashboardPage {
            layout: Layout::new(&user, format!("{year}年统计概览"), "/console/dashboard"),
            year,
            years: (this_year - 4..=this_year).rev().collect(),
            fines_wan_yuan: wan_yuan(summary.fines_total_fen),
            paragraph: crate::stats::export::text(&summary),
            chart: chart::monthly(&months),
            months,
            summary,
        },
    )
}
