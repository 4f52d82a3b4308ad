//! For the head: `GET /inspection-alerts`, enterprises inspected more often than the
//! agency's thresholds allow in a day, seven days or a month (国办发〔2024〕54号 七: 预警重复检查、
//! 高频检查), and `GET /inspection-merge-proposals`, inspections of one enterprise close
//! together that could be one (四: 综合查一次).

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

#[derive(Debug, Serialize, ToSchema)]
pub struct MergeCandidate {
    pub case_id: String,
    pub case_number: String,
    /// The approved start, else the filing date.
    pub date: NaiveDate,
    pub approved: bool,
    /// The codes of the items it cites.
    pub items: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MergeProposal {
    pub subject_id: String,
    pub subject_name: String,
    pub inspections: Vec<MergeCandidate>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MergeProposals {
    pub window_days: u32,
    pub proposals: Vec<MergeProposal>,
}

/// Joint inspections (综合查一次, 国办发〔2024〕54号 四): the agency's inspections of one
/// enterprise that cite items, have not started and fall within `joint_inspection_window_days`
/// of each other (approved start, else filing date), proposed to be merged into one
/// inspection covering all their items. The head and admins.
#[utoipa::path(
    get, path = "/api/v1/inspection-merge-proposals", tag = "cases",
    responses(
        (status = 200, body = MergeProposals),
        (status = 401, body = Problem),
        (status = 403, body = Problem, description = "not a supervisor or admin"),
    ),
    security(("bearer" = []))
)]
pub async fn inspection_merge_proposals(state: web::Data<AppState>, user: CurrentUser) -> AppResult<HttpResponse> {
    use crate::db::schema::inspection_plans;
    user.require_any(&[Role::Supervisor, Role::Admin])?;
    let agency_id = user.agency_id.clone();
    let proposals = state
        .db(move |conn| {
            let settings = crate::cases::store::procedure_settings(conn, &agency_id)?;
            type Row = (String, String, String, NaiveDate, Option<NaiveDate>);
            let rows: Vec<Row> = cases::table
                .inner_join(inspection_plans::table.on(inspection_plans::case_id.eq(cases::id)))
                .filter(cases::agency_id.eq(&agency_id))
                .filter(cases::status.eq(CaseStatus::Registered))
                .select((
                    cases::subject_id,
                    cases::id,
                    cases::case_number,
                    cases::opened_on,
                    inspection_plans::planned_from,
                ))
                .load(conn)?;
            let dated: Vec<(String, String, NaiveDate)> = rows
                .iter()
                .map(|(subject, id, _, opened_on, planned_from)| {
                    (subject.clone(), id.clone(), planned_from.unwrap_or(*opened_on))
                })
                .collect();
            let groups = crate::cases::model::merge_proposals(&dated, settings.joint_inspection_window_days);
            let ids: Vec<String> = groups.iter().flat_map(|(_, ids)| ids.clone()).collect();
            let loaded: std::collections::HashMap<String, (crate::cases::model::Case, crate::cases::store::CaseMeta)> =
                crate::cases::store::load_many(conn, &agency_id, &ids)?
                    .into_iter()
                    .map(|(case, meta)| (case.id.clone(), (case, meta)))
                    .collect();
            let mut proposals = Vec::new();
            for (subject_id, ids) in groups {
                let mut inspections = Vec::new();
                let mut subject_name = String::new();
                for id in ids {
                    let Some((case, meta)) = loaded.get(&id) else { continue };
                    subject_name = meta.subject_name.clone();
                    let approval = case.plan.as_ref().and_then(|p| p.approval.as_ref());
                    inspections.push(MergeCandidate {
                        case_id: case.id.clone(),
                        case_number: case.case_number.clone(),
                        date: approval.map_or(case.opened_on, |a| a.planned_from),
                        approved: approval.is_some(),
                        items: case.inspection_items.iter().map(|i| i.code.clone()).collect(),
                    });
                }
                proposals.push(MergeProposal {
                    subject_id,
                    subject_name,
                    inspections,
                });
            }
            Ok(MergeProposals {
                window_days: settings.joint_inspection_window_days,
                proposals,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(proposals))
}
