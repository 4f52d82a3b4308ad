//! Supervisors and admins read: `GET /disclosures`, `GET /disclosures/{id}`, `…/preview`;
//! supervisors act: `…/publish`, `…/withdraw`, `…/update`. Public, without login:
//! `GET /public/disclosures`, `GET /public/disclosures/{id}`.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{CurrentUser, Role};
use crate::clock;
use crate::db::DbConn;
use crate::db::schema::disclosures;
use crate::disclosures::model::{DisclosureKind, DisclosureStatus, PublicContent};
use crate::disclosures::store::{self, DisclosureRow, PublicFilter};
use crate::error::{AppError, AppResult, Problem};
use crate::http::{ApiQuery, Page, PageParams, PageRequest, RawJson, parse_json};
use crate::idempotency::{self, Answer, IdempotencyKey};
use crate::state::AppState;

/// A disclosure as staff see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DisclosureView {
    pub id: String,
    pub case_id: String,
    pub kind: DisclosureKind,
    pub status: DisclosureStatus,
    /// Why it is never published (a minor's case).
    pub exempt_reason: Option<String>,
    /// The decision date, or the day the inspection closed.
    pub source_on: NaiveDate,
    /// Published by this day (7 working days for penalty decisions, 20 otherwise).
    pub due_on: NaiveDate,
    pub overdue: bool,
    pub published_on: Option<NaiveDate>,
    pub published_on_time: Option<bool>,
    /// Withdraw or update by this day: the decision was revoked, changed or found void.
    pub correction_due_on: Option<NaiveDate>,
    pub correction_reason: Option<String>,
    pub updated_on: Option<NaiveDate>,
    pub update_reason: Option<String>,
    pub withdrawn_on: Option<NaiveDate>,
    pub withdraw_reason: Option<String>,
    /// What the public sees (once published).
    pub content: Option<PublicContent>,
    pub content_hash: Option<String>,
}

impl DisclosureView {
    fn new(row: DisclosureRow, today: NaiveDate) -> Self {
        DisclosureView {
            overdue: row.overdue_on(today),
            published_on_time: row.published_on.map(|on| on <= row.due_on),
            content: row.public_content(),
            id: row.id,
            case_id: row.case_id,
            kind: row.kind,
            status: row.status,
            exempt_reason: row.exempt_reason,
            source_on: row.source_on,
            due_on: row.due_on,
            published_on: row.published_on,
            correction_due_on: row.correction_due_on,
            correction_reason: row.correction_reason,
            updated_on: row.updated_on,
            update_reason: row.update_reason,
            withdrawn_on: row.withdrawn_on,
            withdraw_reason: row.withdraw_reason,
            content_hash: row.content_hash,
        }
    }
}

fn check_staff(user: &CurrentUser) -> AppResult<()> {
    user.require_any(&[Role::Supervisor, Role::Admin])
}

/// Publishing, withdrawing and updating a disclosure is the head's act (DESIGN §1: the
/// supervisor publishes disclosures; §8): a supervisor, never an admin as such.
fn check_publisher(user: &CurrentUser) -> AppResult<()> {
    user.require(Role::Supervisor)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DisclosureFilter {
    pub status: Option<DisclosureStatus>,
    /// `true`: only those past their due date unpublished, or past a correction date.
    pub overdue: Option<bool>,
}

/// The agency's disclosures (supervisors and admins), oldest first.
#[utoipa::path(
    get, path = "/api/v1/disclosures", tag = "disclosures",
    params(DisclosureFilter, PageParams),
    responses(
        (status = 200, body = inline(Page<DisclosureView>)),
        (status = 400, body = Problem),
        (status = 403, body = Problem, description = "not a supervisor or admin"),
        (status = 422, body = Problem, description = "limit out of range"),
    ),
    security(("bearer" = []))
)]
pub async fn list_disclosures(
    state: web::Data<AppState>,
    user: CurrentUser,
    filter: ApiQuery<DisclosureFilter>,
    page: ApiQuery<PageParams>,
) -> AppResult<HttpResponse> {
    check_staff(&user)?;
    let request = page.0.validate()?;
    let filter = filter.0;
    let page = state
        .db(move |conn| {
            let today = clock::today();
            // Overdue is decided row by row, so the page reads on until it is full.
            let mut items = Vec::new();
            let mut cursor = request.clone();
            loop {
                let rows = store::list(
                    conn,
                    &user.agency_id,
                    filter.status,
                    &PageRequest {
                        limit: request.limit,
                        after: cursor.after.clone(),
                    },
                )?;
                let exhausted = rows.len() < request.limit as usize + 1;
                let last = rows.last().map(|r| r.id.clone());
                items.extend(
                    rows.into_iter()
                        .filter(|r| filter.overdue.is_none_or(|wanted| r.overdue_on(today) == wanted)),
                );
                if exhausted || items.len() > request.limit as usize {
                    break;
                }
                cursor.after = last;
            }
            Ok(Page::from_rows(items, &request, |r| r.id.clone()).map(|r| DisclosureView::new(r, today)))
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

fn staff_row(conn: &mut DbConn, user: &CurrentUser, id: &str) -> AppResult<DisclosureRow> {
    store::find(conn, &user.agency_id, id)?.ok_or(AppError::NotFound("disclosure"))
}

/// One disclosure (supervisors and admins).
#[utoipa::path(
    get, path = "/api/v1/disclosures/{id}", tag = "disclosures",
    params(("id" = String, Path)),
    responses(
        (status = 200, body = DisclosureView),
        (status = 403, body = Problem, description = "not a supervisor or admin"),
        (status = 404, body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn get_disclosure(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    check_staff(&user)?;
    let id = id.into_inner();
    let row = state.db(move |conn| staff_row(conn, &user, &id)).await?;
    Ok(HttpResponse::Ok().json(DisclosureView::new(row, clock::today())))
}

/// Exactly what publishing now would make public: the redacted content.
#[utoipa::path(
    get, path = "/api/v1/disclosures/{id}/preview", tag = "disclosures",
    params(("id" = String, Path)),
    responses(
        (status = 200, body = PublicContent),
        (status = 403, body = Problem, description = "not a supervisor or admin"),
        (status = 404, body = Problem),
        (status = 422, body = Problem, description = "a minor's case is never published (minor_never_published)"),
    ),
    security(("bearer" = []))
)]
pub async fn preview_disclosure(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    check_staff(&user)?;
    let id = id.into_inner();
    let content = state
        .db(move |conn| {
            let row = staff_row(conn, &user, &id)?;
            if row.status == DisclosureStatus::Exempt {
                crate::disclosures::model::check_publish(row.status)?;
            }
            store::build_content(conn, &row)
        })
        .await?;
    Ok(HttpResponse::Ok().json(content))
}

/// Publish a pending disclosure (its redacted content is fixed and its hash recorded).
///
/// Supervisors only: admins read disclosures but do not publish them.
#[utoipa::path(
    post, path = "/api/v1/disclosures/{id}/publish", tag = "disclosures",
    params(("id" = String, Path), idempotency::KeyHeader),
    responses(
        (status = 200, body = DisclosureView),
        (status = 400, body = Problem, description = "a malformed Idempotency-Key"),
        (status = 403, body = Problem, description = "not a supervisor"),
        (status = 404, body = Problem),
        (status = 422, body = Problem, description = "not pending (disclosure_not_pending), a minor's case (minor_never_published), or idempotency_key_reused"),
    ),
    security(("bearer" = []))
)]
pub async fn publish_disclosure(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    check_publisher(&user)?;
    let key = IdempotencyKey::from_request(&req, &user.id, b"")?;
    let id = id.into_inner();
    idempotency::run(&state, key, Answer::OK, move |conn| {
        let today = clock::today();
        let row = store::publish(conn, &user.agency_id, &id, &user.id, today, clock::now())?;
        Ok(DisclosureView::new(row, today))
    })
    .await
}

/// A store step that takes a reason (`withdraw`, `update`).
type ReasonedStep = fn(&mut DbConn, &str, &str, &str, &str, (NaiveDate, DateTime<Utc>)) -> AppResult<DisclosureRow>;

/// A supervisor's step with a reason, in one write transaction.
async fn with_reason(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<String>,
    body: RawJson,
    step: ReasonedStep,
) -> AppResult<HttpResponse> {
    let request: ReasonRequest = parse_json(&body.0)?;
    check_publisher(&user)?;
    let key = IdempotencyKey::from_request(&req, &user.id, &body.0)?;
    let id = id.into_inner();
    let reason = request.reason;
    idempotency::run(&state, key, Answer::OK, move |conn| {
        let today = clock::today();
        let row = step(conn, &user.agency_id, &id, &user.id, &reason, (today, clock::now()))?;
        Ok(DisclosureView::new(row, today))
    })
    .await
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReasonRequest {
    /// Shown to the public (公开说明理由).
    pub reason: String,
}

/// Withdraw a disclosure (e.g. its decision was revoked), the reason shown to the public;
/// it stays listed as withdrawn.
///
/// Supervisors only: admins read disclosures but do not withdraw them.
#[utoipa::path(
    post, path = "/api/v1/disclosures/{id}/withdraw", tag = "disclosures",
    params(("id" = String, Path), idempotency::KeyHeader),
    request_body = ReasonRequest,
    responses(
        (status = 200, body = DisclosureView),
        (status = 400, body = Problem),
        (status = 403, body = Problem, description = "not a supervisor"),
        (status = 404, body = Problem),
        (status = 422, body = Problem, description = "no reason (disclosure_reason_required) or not pending or published (disclosure_not_withdrawable)"),
    ),
    security(("bearer" = []))
)]
pub async fn withdraw_disclosure(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<String>,
    body: RawJson,
) -> AppResult<HttpResponse> {
    with_reason(state, user, req, id, body, store::withdraw).await
}

/// Republish a published disclosure from the case as it now stands (a changed decision),
/// the reason shown to the public.
///
/// Supervisors only: admins read disclosures but do not update them.
#[utoipa::path(
    post, path = "/api/v1/disclosures/{id}/update", tag = "disclosures",
    params(("id" = String, Path), idempotency::KeyHeader),
    request_body = ReasonRequest,
    responses(
        (status = 200, body = DisclosureView),
        (status = 400, body = Problem),
        (status = 403, body = Problem, description = "not a supervisor"),
        (status = 404, body = Problem),
        (status = 422, body = Problem, description = "no reason (disclosure_reason_required) or not published (disclosure_not_published)"),
    ),
    security(("bearer" = []))
)]
pub async fn update_disclosure(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<String>,
    body: RawJson,
) -> AppResult<HttpResponse> {
    with_reason(state, user, req, id, body, store::update).await
}

/// A disclosure as the public reads it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicDisclosure {
    pub id: String,
    pub agency_code: String,
    pub agency_name: String,
    pub kind: DisclosureKind,
    pub title: String,
    /// `published` or `withdrawn` (a withdrawn entry stays, with its reason).
    pub status: DisclosureStatus,
    pub published_on: Option<NaiveDate>,
    pub updated_on: Option<NaiveDate>,
    pub update_reason: Option<String>,
    pub withdrawn_on: Option<NaiveDate>,
    pub withdraw_reason: Option<String>,
    pub content: Option<PublicContent>,
    pub published_at: Option<DateTime<Utc>>,
}

impl PublicDisclosure {
    pub fn new((row, agency_code, agency_name): (DisclosureRow, String, String)) -> Self {
        PublicDisclosure {
            title: row
                .title
                .clone()
                .unwrap_or_else(|| format!("{}信息公开", row.kind.label())),
            content: row.public_content(),
            published_at: row.published_at.map(clock::from_db),
            id: row.id,
            agency_code,
            agency_name,
            kind: row.kind,
            status: row.status,
            published_on: row.published_on,
            updated_on: row.updated_on,
            update_reason: row.update_reason,
            withdrawn_on: row.withdrawn_on,
            withdraw_reason: row.withdraw_reason,
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PublicDisclosureParams {
    /// The agency's public code, e.g. XF.
    pub agency: Option<String>,
    /// The year of the decision or inspection.
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
    pub kind: Option<DisclosureKind>,
    /// Text in the published content (party, facts, result…).
    pub q: Option<String>,
}

impl PublicDisclosureParams {
    pub fn filter(&self) -> AppResult<PublicFilter> {
        if self.year.is_some_and(|y| !(2000..=2100).contains(&y)) {
            return Err(AppError::field("year", "a year from 2000 to 2100"));
        }
        Ok(PublicFilter {
            agency_code: self
                .agency
                .as_deref()
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(String::from),
            year: self.year,
            kind: self.kind,
            text: self
                .q
                .as_deref()
                .map(str::trim)
                .filter(|q| !q.is_empty())
                .map(String::from),
        })
    }
}

/// Published (and withdrawn) disclosures, newest first; no login.
#[utoipa::path(
    get, path = "/api/v1/public/disclosures", tag = "public",
    params(PublicDisclosureParams, PageParams),
    responses(
        (status = 200, body = inline(Page<PublicDisclosure>)),
        (status = 400, body = Problem),
        (status = 422, body = Problem, description = "a year or limit out of range"),
    )
)]
pub async fn public_disclosures(
    state: web::Data<AppState>,
    params: ApiQuery<PublicDisclosureParams>,
    page: ApiQuery<PageParams>,
) -> AppResult<HttpResponse> {
    let request = page.0.validate()?;
    let filter = params.0.filter()?;
    let listed = request.clone();
    let rows = state
        .db(move |conn| Ok(store::public_page(conn, &filter, &listed)?))
        .await?;
    let page = Page::from_rows(rows, &request, |(row, ..)| row.id.clone()).map(PublicDisclosure::new);
    Ok(HttpResponse::Ok().json(page))
}

/// One published (or withdrawn) disclosure; no login.
#[utoipa::path(
    get, path = "/api/v1/public/disclosures/{id}", tag = "public",
    params(("id" = String, Path)),
    responses(
        (status = 200, body = PublicDisclosure),
        (status = 404, body = Problem, description = "no such published disclosure"),
    )
)]
pub async fn public_disclosure(state: web::Data<AppState>, id: web::Path<String>) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let found = state
        .db(move |conn| store::public_one(conn, &id)?.ok_or(AppError::NotFound("disclosure")))
        .await?;
    Ok(HttpResponse::Ok().json(PublicDisclosure::new(found)))
}

/// Counts for the statistics: disclosures of decisions and inspections in a period.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct DisclosureFigures {
    /// Disclosures whose due date falls in the period (exempt ones left out).
    pub due: i64,
    /// Of those, published by the due date.
    pub published_on_time: i64,
    /// Of those, published after it.
    pub published_late: i64,
    /// Of those, still pending after it (as of today).
    pub pending_overdue: i64,
}

/// The disclosure figures of a period for an agency.
pub fn figures(
    conn: &mut DbConn,
    agency_id: &str,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
) -> QueryResult<DisclosureFigures> {
    let rows: Vec<(DisclosureStatus, NaiveDate, Option<NaiveDate>)> = disclosures::table
        .filter(disclosures::agency_id.eq(agency_id))
        .filter(disclosures::due_on.ge(from))
        .filter(disclosures::due_on.le(to))
        .filter(disclosures::status.ne(DisclosureStatus::Exempt))
        .select((disclosures::status, disclosures::due_on, disclosures::published_on))
        .load(conn)?;
    let mut figures = DisclosureFigures::default();
    for (status, due_on, published_on) in rows {
        figures.due += 1;
        match published_on {
            Some(on) if on <= due_on => figures.published_on_time += 1,
            Some(_) => figures.published_late += 1,
            None if status == DisclosureStatus::Pending && due_on < today => figures.pending_overdue += 1,
            None => {}
        }
    }
    Ok(figures)
}
