//! `GET /inspection-alerts`: enterprises inspected more often than the agency's thresholds
//! allow in a day, seven days or a month (国办发〔2024〕54号 七: 预警重复检查、高频检查), for the
//! head to look at.

use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{CurrentUser, Role};
use crate::cases::model::{AlertWindow, CaseKind, CaseStatus, SubjectKind, frequency_alerts};
use crate::clock;
use crate::db::schema::{cases, subjects};
use crate::error::{AppError, AppResult, Problem};
use crate::http::ApiQuery;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AlertParams {
    /// First day counted (default 90 days before `to`).
    #[param(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub from: Option<NaiveDate>,
    /// Last day counted (default today); at most 366 days after `from`.
    #[param(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub to: Option<NaiveDate>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AlertView {
    pub subject_id: String,
    pub subject_name: String,
    pub window: AlertWindow,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub inspections: usize,
    /// More than this many is an alert (the agency's setting for the window).
    pub threshold: u32,
    pub case_ids: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AlertList {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub alerts: Vec<AlertView>,
}

/// Enterprises and sole traders inspected more than the agency's `alert_per_day`,
/// `alert_per_week` (seven consecutive days) or `alert_per_month` (calendar month) allow,
/// counting the agency's inspections of them by filing date (voided ones left out). The
/// head and admins.
#[utoipa::path(
    get, path = "/api/v1/inspection-alerts", tag = "cases",
    params(AlertParams),
    responses(
        (status = 200, body = AlertList),
        (status = 400, body = Problem),
        (status = 401, body = Problem),
        (status = 403, body = Problem, description = "not a supervisor or admin"),
        (status = 422, body = Problem, description = "from after to, or more than 366 days"),
    ),
    security(("bearer" = []))
)]
pub async fn inspection_alerts(
    state: web::Data<AppState>,
    user: CurrentUser,
    params: ApiQuery<AlertParams>,
) -> AppResult<HttpResponse> {
    user.require_any(&[Role::Supervisor, Role::Admin])?;
    let to = params.0.to.unwrap_or_else(clock::today);
    let from = params.0.from.unwrap_or(to - chrono::Duration::days(90));
    if from > to {
        return Err(AppError::field("from", "may not be after to"));
    }
    if (to - from).num_days() > 366 {
        return Err(AppError::field("from", "at most 366 days before to"));
    }
    let agency_id = user.agency_id.clone();
    let alerts = state
        .db(move |conn| {
            let settings = crate::cases::store::procedure_settings(conn, &agency_id)?;
            type Row = (String, String, NaiveDate, String);
            let rows: Vec<Row> = cases::table
                .inner_join(subjects::table)
                .filter(cases::agency_id.eq(&agency_id))
                .filter(cases::kind.eq(CaseKind::Inspection))
                .filter(cases::status.ne(CaseStatus::Voided))
                .filter(subjects::kind.eq_any([SubjectKind::Enterprise, SubjectKind::IndividualBusiness]))
                .filter(cases::opened_on.between(from, to))
                .select((cases::subject_id, subjects::name, cases::opened_on, cases::id))
                .load(conn)?;
            let names: std::collections::HashMap<String, String> =
                rows.iter().map(|(id, name, _, _)| (id.clone(), name.clone())).collect();
            let inspections: Vec<(String, NaiveDate, String)> = rows
                .into_iter()
                .map(|(subject, _, day, id)| (subject, day, id))
                .collect();
            Ok(frequency_alerts(
                &inspections,
                settings.alert_per_day,
                settings.alert_per_week,
                settings.alert_per_month,
            )
            .into_iter()
            .map(|alert| AlertView {
                subject_name: names.get(&alert.subject_id).cloned().unwrap_or_default(),
                subject_id: alert.subject_id,
                window: alert.window,
                from: alert.from,
                to: alert.to,
                inspections: alert.inspections,
                threshold: alert.threshold,
                case_ids: alert.case_ids,
            })
            .collect::<Vec<_>>())
        })
        .await?;
    Ok(HttpResponse::Ok().json(AlertList { from, to, alerts }))
}
