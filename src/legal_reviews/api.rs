//! `POST /cases/{id}/legal-reviews`, `GET /legal-reviews`, `GET /legal-reviews/{id}`,
//! `POST /legal-reviews/{id}/opinion`.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{CurrentUser, Role};
use crate::cases::api::caller_of;
use crate::cases::model::{ChecklistItem, Command, LegalOpinionInput, ReviewOutcome, SubmitLegalReviewInput};
use crate::clock;
use crate::db::DbConn;
use crate::error::{AppError, AppResult, Problem};
use crate::http::{ApiQuery, Page, PageParams, RawJson, parse_json};
use crate::idempotency::{self, Answer, IdempotencyKey};
use crate::legal_reviews::store::{self, ReviewRow};
use crate::state::AppState;

/// A review in counsel's queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewSummary {
    pub id: String,
    pub case_id: String,
    pub case_number: String,
    /// 1 for the first submission of the case, 2 for a resubmission, ….
    pub seq: i32,
    /// `pending` or `done`.
    pub status: String,
    pub outcome: Option<ReviewOutcome>,
    pub submitted_at: DateTime<Utc>,
    pub submitted_on: NaiveDate,
    /// Working days from submission to the opinion, or to today while pending.
    pub age_working_days: u32,
    /// The case's decision deadline (APL art. 60).
    pub decision_due_on: Option<NaiveDate>,
    pub reviewer_id: Option<String>,
    pub reviewed_at: Option<DateTime<Utc>>,
}

/// A review with everything counsel reads and signs.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewView {
    pub id: String,
    pub case_id: String,
    pub seq: i32,
    pub status: String,
    /// The proposal as submitted (`propose_decision`).
    pub proposal: Value,
    /// The case as it stood: party, facts, cited power versions, notice, defence and
    /// hearing, the documents listed.
    pub package: Value,
    pub submitted_at: DateTime<Utc>,
    pub submitted_on: NaiveDate,
    pub submitted_by: String,
    /// The case record's length and head hash when submitted.
    pub record_length: i32,
    pub record_head_hash: String,
    pub outcome: Option<ReviewOutcome>,
    pub checklist: Option<Vec<ChecklistItem>>,
    pub opinion: Option<String>,
    /// SHA-256 of `signed_content` in canonical JSON; the case record's
    /// `record_legal_opinion` event carries the same hash.
    pub opinion_hash: Option<String>,
    pub signed_content: Option<Value>,
    pub reviewer_id: Option<String>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub reviewed_on: Option<NaiveDate>,
    /// The proposal against its discretion benchmark (行政裁量权基准); null when it applies
    /// none.
    pub discretion_check: Option<DiscretionCheck>,
}

/// What counsel needs to judge `discretion_appropriate` (国办发〔2022〕27号): the benchmark
/// the proposal applies, the other grades of the same circumstance in force on the
/// violation date, whether the proposal leaves its grade, and the checklist line
/// pre-filled from that for counsel to confirm or overturn.
#[derive(Debug, Serialize, ToSchema)]
pub struct DiscretionCheck {
    /// The benchmark applied, as the proposal holds it.
    pub applied: Value,
    pub alternatives: Vec<BenchmarkAlternative>,
    pub deviates: bool,
    /// `discretion_appropriate`: passes when the penalties stay inside the grade applied.
    pub suggested: ChecklistItem,
}

/// Another grade of the circumstance a proposal's benchmark grades.
#[derive(Debug, Serialize, ToSchema)]
pub struct BenchmarkAlternative {
    pub id: String,
    pub grade: crate::benchmarks::model::BenchmarkGrade,
    pub grade_label: String,
    /// 适用条件
    pub conditions: String,
    /// What the grade allows, in words.
    pub allows: String,
}

impl ReviewView {
    fn new(row: ReviewRow) -> AppResult<Self> {
        let parse = |text: &str| serde_json::from_str::<Value>(text).map_err(AppError::internal);
        let checklist: Option<Vec<ChecklistItem>> = row
            .checklist
            .as_deref()
            .map(|c| serde_json::from_str(c).map_err(AppError::internal))
            .transpose()?;
        let signed_content = match (&row.outcome, &checklist, &row.opinion, row.reviewed_on) {
            (Some(outcome), Some(checklist), Some(opinion), Some(reviewed_on)) => Some(json!({
                "review_id": row.id, "outcome": outcome, "checklist": checklist,
                "opinion": opinion, "reviewed_on": reviewed_on,
            })),
            _ => None,
        };
        Ok(ReviewView {
            proposal: parse(&row.proposal)?,
            package: parse(&row.package)?,
            submitted_at: clock::from_db(row.submitted_at),
            reviewed_at: row.reviewed_at.map(clock::from_db),
            id: row.id,
            case_id: row.case_id,
            seq: row.seq,
            status: row.status,
            submitted_on: row.submitted_on,
            submitted_by: row.submitted_by,
            record_length: row.record_length,
            record_head_hash: row.record_head_hash,
            outcome: row.outcome,
            checklist,
            opinion: row.opinion,
            opinion_hash: row.opinion_hash,
            signed_content,
            reviewer_id: row.reviewer_id,
            reviewed_on: row.reviewed_on,
            discretion_check: None,
        })
    }
}

/// A review of the agency with its package and discretion check (404 for any other).
pub fn load_view(conn: &mut DbConn, agency_id: &str, id: &str) -> AppResult<ReviewView> {
    let mut view = ReviewView::new(store::find(conn, agency_id, id)?.ok_or(AppError::NotFound("legal review"))?)?;
    view.discretion_check = discretion_check(conn, agency_id, &view.case_id, &view.proposal)?;
    Ok(view)
}

/// The discretion check of a proposal that applies a benchmark.
fn discretion_check(
    conn: &mut DbConn,
    agency_id: &str,
    case_id: &str,
    proposal: &Value,
) -> AppResult<Option<DiscretionCheck>> {
    use crate::cases::model::{AppliedBenchmark, ReviewItem};
    use crate::db::schema::cases;
    use diesel::prelude::*;
    let Some(applied) = proposal.get("benchmark").filter(|b| !b.is_null()) else {
        return Ok(None);
    };
    let benchmark: AppliedBenchmark = serde_json::from_value(applied.clone()).map_err(AppError::internal)?;
    let (violation_on, ended_on): (Option<NaiveDate>, Option<NaiveDate>) = cases::table
        .filter(cases::agency_id.eq(agency_id))
        .filter(cases::id.eq(case_id))
        .select((cases::violation_on, cases::violation_ended_on))
        .first(conn)?;
    let alternatives = match ended_on.or(violation_on) {
        Some(day) => crate::benchmarks::store::in_force_on(conn, agency_id, &benchmark.power_id, day)?
            .into_iter()
            .filter(|b| b.circumstance == benchmark.circumstance && b.id != benchmark.id)
            .map(|b| BenchmarkAlternative {
                allows: crate::benchmarks::model::penalties_in_words(b.grade, &b.content),
                grade_label: b.grade.label().to_string(),
                conditions: b.content.conditions,
                grade: b.grade,
                id: b.id,
            })
            .collect(),
        None => Vec::new(),
    };
    let deviates = benchmark.deviation.is_some();
    let comment = match &benchmark.deviation {
        Some(deviation) => format!(
            "偏离行政裁量权基准（{}），理由：{}；请审核偏离理由是否成立",
            deviation.outside, deviation.reason
        ),
        None => format!(
            "处罚在所适用的行政裁量权基准（{}，{}）范围内",
            benchmark.circumstance,
            benchmark.grade.label()
        ),
    };
    Ok(Some(DiscretionCheck {
        applied: applied.clone(),
        alternatives,
        deviates,
        suggested: ChecklistItem {
            item: ReviewItem::DiscretionAppropriate,
            pass: !deviates,
            comment: Some(comment),
        },
    }))
}

/// Submit the case's current proposal to counsel (法制审核, APL art. 58): officers of the case.
#[utoipa::path(
    post, path = "/api/v1/cases/{id}/legal-reviews", tag = "legal reviews",
    params(("id" = String, Path), idempotency::KeyHeader),
    request_body(content = SubmitLegalReviewInput, description = "`{}`, or the documents listed and a note"),
    responses(
        (status = 201, body = ReviewView),
        (status = 400, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "the case has no proposal to review now, or the caller is not its officer"),
        (status = 413, body = Problem), (status = 415, body = Problem),
        (status = 422, body = Problem, description = "legal_review_already_approved, or invalid fields"),
    ),
    security(("bearer" = []))
)]
pub async fn submit_review(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<String>,
    body: RawJson,
) -> AppResult<HttpResponse> {
    let input: SubmitLegalReviewInput = parse_json(&body.0)?;
    let key = IdempotencyKey::from_request(&req, &user.id, &body.0)?;
    let caller = caller_of(&user);
    let case_id = id.into_inner();
    idempotency::run(&state, key, Answer::CREATED, move |conn| {
        let command = Command::SubmitLegalReview(input);
        let (case, _) =
            crate::cases::store::transition(conn, &caller, &case_id, command, None, clock::today(), clock::now())?;
        let review_id = case.legal_review_id.ok_or(AppError::NotFound("legal review"))?;
        load_view(conn, &caller.agency_id, &review_id)
    })
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueParams {
    /// `pending` (counsel's queue) or `done`; all when absent.
    #[param(inline)]
    pub status: Option<QueueStatus>,
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QueueStatus {
    Pending,
    Done,
}

/// Counsel's queue across the agency, oldest submission first: legal counsel and supervisors.
#[utoipa::path(
    get, path = "/api/v1/legal-reviews", tag = "legal reviews",
    params(QueueParams, PageParams),
    responses((status = 200, body = inline(Page<ReviewSummary>)), (status = 400, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = []))
)]
pub async fn list_reviews(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: ApiQuery<QueueParams>,
    page: ApiQuery<PageParams>,
) -> AppResult<HttpResponse> {
    user.require_any(&[Role::LegalCounsel, Role::Supervisor])?;
    let request = page.0.validate()?;
    let status = query.0.status.map(|s| match s {
        QueueStatus::Pending => "pending",
        QueueStatus::Done => "done",
    });
    let agency_id = user.agency_id.clone();
    let page = state
        .db(move |conn| {
            let summaries = queue_summaries(conn, &agency_id, status, &request)?;
            Ok(Page::from_rows(summaries, &request, |s| s.id.clone()))
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One page of the agency's queue (`pending`, `done` or all), oldest submission first, each
/// with its age in working days and the case's decision deadline.
pub fn queue_summaries(
    conn: &mut DbConn,
    agency_id: &str,
    status: Option<&str>,
    request: &crate::http::PageRequest,
) -> AppResult<Vec<ReviewSummary>> {
    let today = clock::today();
    let rows = store::queue(conn, agency_id, status, request)?;
    let earliest = rows.iter().map(|(r, _, _)| r.submitted_on).min().unwrap_or(today);
    let calendar = crate::calendar::store::load_range(conn, earliest, today)?;
    Ok(rows
        .into_iter()
        .map(|(row, case_number, decision_due_on)| {
            let until = row.reviewed_on.unwrap_or(today);
            ReviewSummary {
                age_working_days: calendar.working_days_between(row.submitted_on, until),
                submitted_at: clock::from_db(row.submitted_at),
                reviewed_at: row.reviewed_at.map(clock::from_db),
                id: row.id,
                case_id: row.case_id,
                case_number,
                seq: row.seq,
                status: row.status,
                outcome: row.outcome,
                submitted_on: row.submitted_on,
                decision_due_on,
                reviewer_id: row.reviewer_id,
            }
        })
        .collect())
}

/// A review with its package and, once signed, the opinion and its hash: read as the case's
/// file is (its officers, counsel, supervisors, admins).
#[utoipa::path(
    get, path = "/api/v1/legal-reviews/{id}", tag = "legal reviews",
    params(("id" = String, Path)),
    responses((status = 200, body = ReviewView), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
pub async fn get_review(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let view = state
        .db(move |conn| {
            let view = load_view(conn, &user.agency_id, &id)?;
            // The package holds the case's file: read as its documents are.
            let (case, _) =
                crate::cases::store::load(conn, &user.agency_id, &view.case_id)?.ok_or(AppError::NotFound("case"))?;
            crate::cases::api::check_case_file_reader(&user, &case, "legal reviews")?;
            Ok(view)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Counsel's signed opinion (DESIGN §5.2): legal counsel with a legal qualification who is
/// not an officer of the case, once per review.
#[utoipa::path(
    post, path = "/api/v1/legal-reviews/{id}/opinion", tag = "legal reviews",
    params(("id" = String, Path), idempotency::KeyHeader),
    request_body = LegalOpinionInput,
    responses(
        (status = 200, body = ReviewView),
        (status = 400, body = Problem),
        (status = 403, body = Problem, description = "not legal counsel with a legal qualification, or an officer of the case"),
        (status = 404, body = Problem),
        (status = 409, body = Problem, description = "already signed, or the case is not awaiting this review"),
        (status = 413, body = Problem), (status = 415, body = Problem),
        (status = 422, body = Problem, description = "checklist_item_failed, or the checklist does not hold the ten items"),
    ),
    security(("bearer" = []))
)]
pub async fn sign_opinion(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<String>,
    body: RawJson,
) -> AppResult<HttpResponse> {
    let input: LegalOpinionInput = parse_json(&body.0)?;
    user.require(Role::LegalCounsel)?;
    let caller = caller_of(&user);
    if !caller.is_counsel {
        return Err(AppError::Forbidden(
            "a legal review is signed by counsel holding a legal qualification (法律职业资格)".into(),
        ));
    }
    let key = IdempotencyKey::from_request(&req, &user.id, &body.0)?;
    let review_id = id.into_inner();
    idempotency::run(&state, key, Answer::OK, move |conn| {
        sign(conn, &caller, &review_id, input)
    })
    .await
}

/// Signs counsel's opinion on a review (run inside a write transaction): the caller must
/// not be an officer of the case, the review must be pending; the step is the case's
/// `record_legal_opinion`. `caller` is counsel with a legal qualification (checked by the
/// callers, from the user).
pub fn sign(
    conn: &mut DbConn,
    caller: &crate::cases::store::Caller,
    review_id: &str,
    mut input: LegalOpinionInput,
) -> AppResult<ReviewView> {
    input.review_id = review_id.to_string();
    let review = store::find(conn, &caller.agency_id, review_id)?.ok_or(AppError::NotFound("legal review"))?;
    let (case, _) =
        crate::cases::store::load(conn, &caller.agency_id, &review.case_id)?.ok_or(AppError::NotFound("case"))?;
    if case.officers.iter().any(|o| o.user_id == caller.user_id) {
        return Err(AppError::Forbidden(
            "an officer of the case cannot review it (DESIGN §5.2)".into(),
        ));
    }
    if review.status != "pending" {
        return Err(AppError::conflict(
            "this review is already signed; an opinion is signed once",
        ));
    }
    let command = Command::RecordLegalOpinion(input);
    crate::cases::store::transition(conn, caller, &case.id, command, None, clock::today(), clock::now())?;
    load_view(conn, &caller.agency_id, review_id)
}
