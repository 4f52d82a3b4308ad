//! `GET /stats/summary`, `GET /stats/breakdown`, `GET /stats/report` (supervisors and admins).

use actix_web::http::header::{self, Charset, ContentDisposition, DispositionParam, DispositionType, ExtendedValue};
use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{CurrentUser, Role};
use crate::clock;
use crate::db::DbConn;
use crate::error::{AppError, AppResult, Problem};
use crate::http::ApiQuery;
use crate::state::AppState;
use crate::stats::export;
use crate::stats::model::Period;
use crate::stats::store::{self, BreakdownBy, BreakdownRow, Breakdowns, Summary};

/// The period: exactly one of `year`, `quarter`, or `from` with `to`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodParams {
    /// e.g. 2024
    pub year: Option<String>,
    /// e.g. 2024Q3
    pub quarter: Option<String>,
    /// First day (inclusive), with `to`.
    #[param(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub from: Option<NaiveDate>,
    /// Last day (inclusive), with `from`; at most ten years after `from`.
    #[param(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub to: Option<NaiveDate>,
}

impl PeriodParams {
    pub fn period(&self) -> AppResult<Period> {
        Period::parse(self.year.as_deref(), self.quarter.as_deref(), self.from, self.to)
    }
}

fn check_reader(user: &CurrentUser) -> AppResult<()> {
    user.require_any(&[Role::Supervisor, Role::Admin])
}

/// The figures of DESIGN §7 for a period, each with the case-list query behind it.
#[utoipa::path(
    get, path = "/api/v1/stats/summary", tag = "statistics",
    params(PeriodParams),
    responses(
        (status = 200, body = Summary),
        (status = 400, body = Problem, description = "a malformed date"),
        (status = 403, body = Problem, description = "not a supervisor or admin"),
        (status = 422, body = Problem, description = "not exactly one period, or a period out of range"),
    ),
    security(("bearer" = []))
)]
pub async fn get_summary(
    state: web::Data<AppState>,
    user: CurrentUser,
    params: ApiQuery<PeriodParams>,
) -> AppResult<HttpResponse> {
    check_reader(&user)?;
    let period = params.0.period()?;
    let summary = state
        .db(move |conn| Ok(store::summary(conn, &user.agency_id, period, clock::today())?))
        .await?;
    Ok(HttpResponse::Ok().json(summary))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BreakdownParams {
    /// `officer`, `power`, `department` or `month`.
    #[param(value_type = BreakdownBy, inline)]
    pub by: BreakdownBy,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Breakdown {
    pub period: Period,
    pub period_label: String,
    pub by: String,
    /// Officers certified during the period; powers in force in it (and their departments);
    /// the months it touches.
    pub rows: Vec<BreakdownRow>,
}

/// A period's cases and decisions by officer, power, department or month.
#[utoipa::path(
    get, path = "/api/v1/stats/breakdown", tag = "statistics",
    params(BreakdownParams, PeriodParams),
    responses(
        (status = 200, body = Breakdown),
        (status = 400, body = Problem, description = "a malformed date or an unknown `by`"),
        (status = 403, body = Problem, description = "not a supervisor or admin"),
        (status = 422, body = Problem, description = "not exactly one period, or a period out of range"),
    ),
    security(("bearer" = []))
)]
pub async fn get_breakdown(
    state: web::Data<AppState>,
    user: CurrentUser,
    by: ApiQuery<BreakdownParams>,
    params: ApiQuery<PeriodParams>,
) -> AppResult<HttpResponse> {
    check_reader(&user)?;
    let period = params.0.period()?;
    let by = by.0.by;
    let rows = state
        .db(move |conn| Ok(store::breakdown(conn, &user.agency_id, period, clock::today(), by)?))
        .await?;
    Ok(HttpResponse::Ok().json(Breakdown {
        period,
        period_label: period.label(),
        by: by.to_string(),
        rows,
    }))
}

#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportFormat {
    #[default]
    Text,
    Csv,
    Xlsx,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    /// `text` (default), `csv` or `xlsx`.
    #[param(value_type = Option<ReportFormat>, inline)]
    pub format: Option<ReportFormat>,
}

/// The summary and every breakdown of a period: what a report or an export needs.
pub fn report_data(
    conn: &mut DbConn,
    agency_id: &str,
    period: Period,
    today: NaiveDate,
) -> diesel::QueryResult<(Summary, Breakdowns)> {
    let summary = store::summary(conn, agency_id, period, today)?;
    let mut breakdowns = Vec::new();
    for by in BreakdownBy::ALL {
        breakdowns.push((*by, store::breakdown(conn, agency_id, period, today, *by)?));
    }
    Ok((summary, breakdowns))
}

/// A rendered report: its bytes, media type and file name.
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    pub filename: String,
}

pub fn render(
    format: ReportFormat,
    summary: &Summary,
    breakdowns: &[(BreakdownBy, Vec<BreakdownRow>)],
) -> anyhow::Result<Rendered> {
    let stem = format!("执法统计-{}", summary.period_label);
    Ok(match format {
        ReportFormat::Text => Rendered {
            bytes: export::text(summary).into_bytes(),
            content_type: "text/plain; charset=utf-8",
            filename: format!("{stem}.txt"),
        },
        ReportFormat::Csv => Rendered {
            bytes: export::csv(summary, breakdowns)?,
            content_type: "text/csv; charset=utf-8",
            filename: format!("{stem}.csv"),
        },
        ReportFormat::Xlsx => Rendered {
            bytes: export::xlsx(summary, breakdowns)?,
            content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            filename: format!("{stem}.xlsx"),
        },
    })
}

/// The report: `text` is the paragraph the annual report quotes (全年开展检查并录入…), from
/// data; `csv` (UTF-8 with BOM) and `xlsx` carry the summary and every breakdown.
#[utoipa::path(
    get, path = "/api/v1/stats/report", tag = "statistics",
    params(ReportParams, PeriodParams),
    responses(
        (status = 200, description = "the report",
            content(
                (String = "text/plain; charset=utf-8"),
                (String = "text/csv; charset=utf-8"),
                (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            )),
        (status = 400, body = Problem, description = "a malformed date or an unknown format"),
        (status = 403, body = Problem, description = "not a supervisor or admin"),
        (status = 422, body = Problem, description = "not exactly one period, or a period out of range"),
    ),
    security(("bearer" = []))
)]
pub async fn get_report(
    state: web::Data<AppState>,
    user: CurrentUser,
    format: ApiQuery<ReportParams>,
    params: ApiQuery<PeriodParams>,
) -> AppResult<HttpResponse> {
    check_reader(&user)?;
    let period = params.0.period()?;
    let format = format.0.format.unwrap_or_default();
    let rendered = state
        .db(move |conn| {
            let today = clock::today();
            let (summary, breakdowns) = match format {
                // The paragraph needs no breakdown.
                ReportFormat::Text => (store::summary(conn, &user.agency_id, period, today)?, Vec::new()),
                _ => report_data(conn, &user.agency_id, period, today)?,
            };
            render(format, &summary, &breakdowns).map_err(AppError::internal)
        })
        .await?;
    let disposition = ContentDisposition {
        disposition: match format {
            ReportFormat::Text => DispositionType::Inline,
            _ => DispositionType::Attachment,
        },
        parameters: vec![DispositionParam::FilenameExt(ExtendedValue {
            charset: Charset::Ext("UTF-8".into()),
            language_tag: None,
            value: rendered.filename.into_bytes(),
        })],
    };
    Ok(HttpResponse::Ok()
        .content_type(rendered.content_type)
        .insert_header((header::CONTENT_DISPOSITION, disposition))
        .body(rendered.bytes))
}
