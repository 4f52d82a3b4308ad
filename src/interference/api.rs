//! `/interference-reports`: the interference register (干预插手登记, DESIGN §6).
//!
//! Any staff member files a report. A report is read by supervisors and by its reporter;
//! to anyone else of the agency (and to other agencies) it is a 404. Every read is itself
//! recorded: `GET /interference-reports/{id}` records one read, and a listing records one
//! read of each report it returns. Supervisors list the reads of a report (its access
//! log), refer reports (e.g. to 街纪工委) and record the referral's outcome. Nothing is
//! ever changed or deleted: a correction is a new report with `corrects_id`.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::{CurrentUser, Role};
use crate::clock;
use crate::db::DbConn;
use crate::error::{AppError, AppResult, Problem};
use crate::http::{ApiQuery, Page, PageParams, RawJson, parse_json};
use crate::idempotency::{self, Answer, IdempotencyKey};
use crate::interference::model::{
    CreateReportRequest, InterferenceMethod, NewReport, Reader, ReferRequest, ReferralOutcomeRequest, ReferralStatus,
    check_outcome, check_refer, may_read, parse_outcome, parse_referral, shows_reporter,
};
use crate::interference::store::{self, OutcomeRow, ReferralRow, ReportRow};
use crate::state::AppState;

/// A report as its reader sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportView {
    pub id: String,
    /// Who filed it; null for a reader who is an officer of the case concerned (the
    /// reporter's identity is never shown to them).
    pub reporter_id: Option<String>,
    pub reporter_hidden: bool,
    pub person_name: String,
    pub position: String,
    pub internal: bool,
    pub occurred_at: DateTime<Utc>,
    pub method: InterferenceMethod,
    /// 当面, 电话, …
    pub method_label: String,
    pub request: String,
    pub case_id: Option<String>,
    pub evidence_id: Option<String>,
    /// The report this one corrects.
    pub corrects_id: Option<String>,
    /// Later reports that correct this one, oldest first.
    pub corrected_by: Vec<String>,
    pub referral_status: ReferralStatus,
    /// 未移交, 已移交待反馈, 已办结
    pub referral_status_label: String,
    pub referral: Option<ReferralView>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReferralView {
    pub id: String,
    /// The body the report went to (e.g. 街纪工委).
    pub to: String,
    pub note: Option<String>,
    pub referred_by: String,
    pub referred_at: DateTime<Utc>,
    pub outcome: Option<OutcomeView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OutcomeView {
    pub outcome: String,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

/// One read of a report.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessEntry {
    /// Who read it; null where the reader is the reporter and the caller an officer of the
    /// case concerned.
    pub reader_id: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AccessLog {
    pub report_id: String,
    pub items: Vec<AccessEntry>,
}

/// Who reads, as the register's rules see them.
pub fn reader_of(caller: &CurrentUser) -> Reader {
    Reader {
        user_id: caller.id.clone(),
        is_supervisor: caller.has(Role::Supervisor),
    }
}

fn referral_view(referral: ReferralRow, outcome: Option<OutcomeRow>) -> ReferralView {
    ReferralView {
        id: referral.id,
        to: referral.referred_to,
        note: referral.note,
        referred_by: referral.referred_by,
        referred_at: clock::from_db(referral.referred_at),
        outcome: outcome.map(|o| OutcomeView {
            outcome: o.outcome,
            recorded_by: o.recorded_by,
            recorded_at: clock::from_db(o.recorded_at),
        }),
    }
}

fn view(conn: &mut DbConn, reader: &Reader, row: ReportRow) -> AppResult<ReportView> {
    let officers = match &row.case_id {
        Some(case_id) => store::case_officer_ids(conn, case_id)?,
        None => Vec::new(),
    };
    let shown = shows_reporter(reader, &row.reporter_id, &officers);
    let referral = store::referral_of(conn, &row.id)?;
    let outcome = match &referral {
        Some(referral) => store::outcome_of(conn, &referral.id)?,
        None => None,
    };
    let referral_status = ReferralStatus::of(referral.is_some(), outcome.is_some());
    Ok(ReportView {
        corrected_by: store::corrections_of(conn, &row.id)?,
        reporter_id: shown.then_some(row.reporter_id),
        reporter_hidden: !shown,
        person_name: row.person_name,
        position: row.position,
        internal: row.internal,
        occurred_at: clock::from_db(row.occurred_at),
        method: row.method,
        method_label: row.method.label().to_string(),
        request: row.request,
        case_id: row.case_id,
        evidence_id: row.evidence_id,
        corrects_id: row.corrects_id,
        referral_status,
        referral_status_label: referral_status.label().to_string(),
        referral: referral.map(|r| referral_view(r, outcome)),
        created_at: clock::from_db(row.created_at),
        id: row.id,
    })
}

/// The report if the reader may read it; 404 otherwise, as for another agency's.
fn readable(conn: &mut DbConn, agency_id: &str, reader: &Reader, id: &str) -> AppResult<ReportRow> {
    store::find(conn, agency_id, id)?
        .filter(|row| may_read(reader, &row.reporter_id))
        .ok_or(AppError::NotFound("interference report"))
}

/// File an interference report (干预插手登记): any staff member.
///
/// `case_id`, `evidence_id` and `corrects_id` must name the caller's agency's case, evidence
/// item, and a report the caller may read (422 naming the field otherwise). The case's
/// record does not mention the report; a supervisor's view of the case shows
/// `interference_reported: true`.
#[utoipa::path(
    post, path = "/api/v1/interference-reports", tag = "interference",
    params(idempotency::KeyHeader),
    request_body = CreateReportRequest,
    responses(
        (status = 201, body = ReportView),
        (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 413, body = Problem), (status = 415, body = Problem),
        (status = 422, body = Problem, description = "a blank or overlong field, occurred_at in the future, or a case_id, evidence_id or corrects_id not of the caller's agency"),
    ),
    security(("bearer" = []))
)]
pub async fn create_interference_report(
    state: web::Data<AppState>,
    caller: CurrentUser,
    req: HttpRequest,
    body: RawJson,
) -> AppResult<HttpResponse> {
    let request: CreateReportRequest = parse_json(&body.0)?;
    let key = IdempotencyKey::from_request(&req, &caller.id, &body.0)?;
    let reader = reader_of(&caller);
    let agency_id = caller.agency_id.clone();
    let answer = Answer::created_under("/api/v1/interference-reports");
    idempotency::once(&state, key, answer, async {
        let report = NewReport::parse(request, clock::now()).map_err(AppError::Validation)?;
        Ok(move |conn: &mut DbConn| {
            let view = file_report(conn, &agency_id, &reader, report)?;
            tracing::info!(report_id = %view.id, "interference report filed");
            Ok(view)
        })
    })
    .await
}

/// Files `report` by `reader` (`POST /interference-reports`, and the console's form).
pub fn file_report(conn: &mut DbConn, agency_id: &str, reader: &Reader, report: NewReport) -> AppResult<ReportView> {
    if let Some(case_id) = &report.case_id
        && !store::case_in_agency(conn, agency_id, case_id)?
    {
        return Err(AppError::field("case_id", "no such case in this agency"));
    }
    if let Some(evidence_id) = &report.evidence_id
        && !store::evidence_in_agency(conn, agency_id, evidence_id)?
    {
        return Err(AppError::field("evidence_id", "no such evidence item in this agency"));
    }
    if let Some(corrects_id) = &report.corrects_id
        && store::find(conn, agency_id, corrects_id)?
            .filter(|row| may_read(reader, &row.reporter_id))
            .is_none()
    {
        return Err(AppError::field(
            "corrects_id",
            "no report of this agency that you may read",
        ));
    }
    let row = ReportRow::new(agency_id, &reader.user_id, report, clock::to_db(clock::now()));
    store::insert_report(conn, &row)?;
    view(conn, reader, row)
}

/// The reports the caller may read, in order of entry: every report of the agency for a
/// supervisor, the caller's own for anyone else. Listing reads them: one read of each
/// listed report is recorded in its access log.
#[utoipa::path(
    get, path = "/api/v1/interference-reports", tag = "interference",
    params(PageParams),
    responses(
        (status = 200, body = inline(Page<ReportView>)),
        (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 422, body = Problem, description = "a limit out of range"),
    ),
    security(("bearer" = []))
)]
pub async fn list_interference_reports(
    state: web::Data<AppState>,
    caller: CurrentUser,
    page: ApiQuery<PageParams>,
) -> AppResult<HttpResponse> {
    let request = page.0.validate()?;
    let reader = reader_of(&caller);
    let agency_id = caller.agency_id.clone();
    let page = state
        .db_write(move |conn| list_read(conn, &agency_id, &reader, &request))
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// The reports `reader` may read, one page; one read of each is recorded in its access log.
pub fn list_read(
    conn: &mut DbConn,
    agency_id: &str,
    reader: &Reader,
    request: &crate::http::PageRequest,
) -> AppResult<Page<ReportView>> {
    let own = (!reader.is_supervisor).then_some(reader.user_id.as_str());
    let rows = store::list(conn, agency_id, own, request)?;
    let page = Page::from_rows(rows, request, |row| row.id.clone());
    let ids: Vec<String> = page.items.iter().map(|row| row.id.clone()).collect();
    store::record_reads(conn, agency_id, &ids, &reader.user_id, clock::to_db(clock::now()))?;
    page.try_map(|row| view(conn, reader, row))
}

/// One report, for a supervisor or its reporter (404 for anyone else); the read is recorded.
#[utoipa::path(
    get, path = "/api/v1/interference-reports/{id}", tag = "interference",
    params(("id" = String, Path, description = "report id")),
    responses(
        (status = 200, body = ReportView),
        (status = 401, body = Problem),
        (status = 404, body = Problem, description = "no such report that the caller may read"),
    ),
    security(("bearer" = []))
)]
pub async fn get_interference_report(
    state: web::Data<AppState>,
    caller: CurrentUser,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let reader = reader_of(&caller);
    let agency_id = caller.agency_id.clone();
    let view = state
        .db_write(move |conn| read_report(conn, &agency_id, &reader, &id))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// One report for `reader` (404 unless a supervisor or its reporter); the read is recorded.
pub fn read_report(conn: &mut DbConn, agency_id: &str, reader: &Reader, id: &str) -> AppResult<ReportView> {
    let row = readable(conn, agency_id, reader, id)?;
    store::record_reads(
        conn,
        agency_id,
        std::slice::from_ref(&row.id),
        &reader.user_id,
        clock::to_db(clock::now()),
    )?;
    view(conn, reader, row)
}

/// Who read a report and when, oldest first (supervisors).
#[utoipa::path(
    get, path = "/api/v1/interference-reports/{id}/access-log", tag = "interference",
    params(("id" = String, Path, description = "report id")),
    responses(
        (status = 200, body = AccessLog),
        (status = 401, body = Problem),
        (status = 403, body = Problem, description = "not a supervisor"),
        (status = 404, body = Problem, description = "no such report in the caller's agency"),
    ),
    security(("bearer" = []))
)]
pub async fn interference_access_log(
    state: web::Data<AppState>,
    caller: CurrentUser,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    caller.require(Role::Supervisor)?;
    let id = id.into_inner();
    let reader = reader_of(&caller);
    let agency_id = caller.agency_id.clone();
    let log = state
        .db(move |conn| access_log_of(conn, &agency_id, &reader, &id))
        .await?;
    Ok(HttpResponse::Ok().json(log))
}

/// Who read a report and when, oldest first; the caller checks the reader is a supervisor.
pub fn access_log_of(conn: &mut DbConn, agency_id: &str, reader: &Reader, id: &str) -> AppResult<AccessLog> {
    let row = readable(conn, agency_id, reader, id)?;
    let officers = match &row.case_id {
        Some(case_id) => store::case_officer_ids(conn, case_id)?,
        None => Vec::new(),
    };
    let shown = shows_reporter(reader, &row.reporter_id, &officers);
    let items = store::access_log(conn, &row.id)?
        .into_iter()
        .map(|(reader_id, at)| AccessEntry {
            reader_id: (shown || reader_id != row.reporter_id).then_some(reader_id),
            at: clock::from_db(at),
        })
        .collect();
    Ok(AccessLog {
        report_id: row.id,
        items,
    })
}

/// Refer a report (移交), e.g. to 街纪工委 (supervisors). Once per report (422
/// `report_already_referred`).
#[utoipa::path(
    post, path = "/api/v1/interference-reports/{id}/refer", tag = "interference",
    params(("id" = String, Path, description = "report id"), idempotency::KeyHeader),
    request_body = ReferRequest,
    responses(
        (status = 201, body = ReportView),
        (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem, description = "not a supervisor"),
        (status = 404, body = Problem, description = "no such report in the caller's agency"),
        (status = 413, body = Problem), (status = 415, body = Problem),
        (status = 422, body = Problem, description = "a blank `to`, or report_already_referred"),
    ),
    security(("bearer" = []))
)]
pub async fn refer_interference_report(
    state: web::Data<AppState>,
    caller: CurrentUser,
    req: HttpRequest,
    id: web::Path<String>,
    body: RawJson,
) -> AppResult<HttpResponse> {
    let request: ReferRequest = parse_json(&body.0)?;
    caller.require(Role::Supervisor)?;
    let (to, note) = parse_referral(request)?;
    let key = IdempotencyKey::from_request(&req, &caller.id, &body.0)?;
    let id = id.into_inner();
    let reader = reader_of(&caller);
    let agency_id = caller.agency_id.clone();
    idempotency::run(&state, key, Answer::CREATED, move |conn| {
        let view = refer(conn, &agency_id, &reader, &id, to, note)?;
        tracing::info!(report_id = %view.id, "interference report referred");
        Ok(view)
    })
    .await
}

/// Refers a report (supervisors; the caller checks the role): once per report.
pub fn refer(
    conn: &mut DbConn,
    agency_id: &str,
    reader: &Reader,
    id: &str,
    to: String,
    note: Option<String>,
) -> AppResult<ReportView> {
    let row = readable(conn, agency_id, reader, id)?;
    check_refer(store::referral_of(conn, &row.id)?.is_some())?;
    let referral = ReferralRow {
        id: uuid::Uuid::now_v7().to_string(),
        agency_id: agency_id.to_string(),
        report_id: row.id.clone(),
        referred_to: to,
        note,
        referred_by: reader.user_id.clone(),
        referred_at: clock::to_db(clock::now()),
    };
    store::insert_referral(conn, &referral).map_err(|e| {
        AppError::from_unique_violation(e, || check_refer(true).err().unwrap_or(AppError::NotFound("report")))
    })?;
    view(conn, reader, row)
}

/// Record the outcome of a report's referral (supervisors): after a referral (422
/// `referral_required`), once (422 `outcome_already_recorded`).
#[utoipa::path(
    post, path = "/api/v1/interference-reports/{id}/referral-outcome", tag = "interference",
    params(("id" = String, Path, description = "report id"), idempotency::KeyHeader),
    request_body = ReferralOutcomeRequest,
    responses(
        (status = 201, body = ReportView),
        (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem, description = "not a supervisor"),
        (status = 404, body = Problem, description = "no such report in the caller's agency"),
        (status = 413, body = Problem), (status = 415, body = Problem),
        (status = 422, body = Problem, description = "a blank outcome, referral_required or outcome_already_recorded"),
    ),
    security(("bearer" = []))
)]
pub async fn record_interference_outcome(
    state: web::Data<AppState>,
    caller: CurrentUser,
    req: HttpRequest,
    id: web::Path<String>,
    body: RawJson,
) -> AppResult<HttpResponse> {
    let request: ReferralOutcomeRequest = parse_json(&body.0)?;
    caller.require(Role::Supervisor)?;
    let outcome = parse_outcome(request)?;
    let key = IdempotencyKey::from_request(&req, &caller.id, &body.0)?;
    let id = id.into_inner();
    let reader = reader_of(&caller);
    let agency_id = caller.agency_id.clone();
    idempotency::run(&state, key, Answer::CREATED, move |conn| {
        let view = record_outcome(conn, &agency_id, &reader, &id, outcome)?;
        tracing::info!(report_id = %view.id, "interference referral outcome recorded");
        Ok(view)
    })
    .await
}

/// Records the outcome of a report's referral (supervisors; the caller checks the role).
pub fn record_outcome(
    conn: &mut DbConn,
    agency_id: &str,
    reader: &Reader,
    id: &str,
    outcome: String,
) -> AppResult<ReportView> {
    let row = readable(conn, agency_id, reader, id)?;
    let referral = store::referral_of(conn, &row.id)?;
    let recorded = match &referral {
        Some(referral) => store::outcome_of(conn, &referral.id)?.is_some(),
        None => false,
    };
    check_outcome(referral.is_some(), recorded)?;
    let Some(referral) = referral else {
        return Err(AppError::NotFound("referral"));
    };
    let outcome = OutcomeRow {
        id: uuid::Uuid::now_v7().to_string(),
        agency_id: agency_id.to_string(),
        referral_id: referral.id,
        outcome,
        recorded_by: reader.user_id.clone(),
        recorded_at: clock::to_db(clock::now()),
    };
    store::insert_outcome(conn, &outcome).map_err(|e| {
        AppError::from_unique_violation(e, || {
            check_outcome(true, true)
                .err()
                .unwrap_or(AppError::NotFound("referral"))
        })
    })?;
    view(conn, reader, row)
}
