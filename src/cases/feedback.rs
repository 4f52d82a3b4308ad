//! What an enterprise says about an inspection through its code (国办发〔2024〕54号 七: the
//! inspected enterprise evaluates the inspection): a rating of 1–5 once per inspection, with
//! a comment or a complaint; the head lists them, sees ratings and complaints per officer
//! and item, and handles complaints.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{CurrentUser, Role};
use crate::cases::model::{Case, CaseStatus, CodeStatus, code_status};
use crate::clock;
use crate::db::schema::inspection_feedback;
use crate::error::{AppError, AppResult, FieldError, Problem};
use crate::http::{ApiJson, ApiQuery};
use crate::state::AppState;

string_enum!(
    /// Where a piece of feedback stands: a rating is `received`; a complaint is `open`
    /// until the head has `handled` it.
    FeedbackStatus {
        Received => "received",
        Open => "open",
        Handled => "handled",
    }
);

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackInput {
    /// 1 (very dissatisfied) to 5 (very satisfied).
    #[schema(minimum = 1, maximum = 5)]
    pub rating: i32,
    #[schema(max_length = 1000)]
    pub comment: Option<String>,
    /// A complaint about the inspection (投诉), which the head handles; it needs a comment.
    #[serde(default)]
    pub complaint: bool,
}

/// `POST /public/inspections/{code}/rating`: the rating as DESIGN §8 spells it
/// (`score` for `rating`); the same feedback as `…/feedback`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingInput {
    /// 1 (very dissatisfied) to 5 (very satisfied).
    #[schema(minimum = 1, maximum = 5)]
    pub score: i32,
    #[schema(max_length = 1000)]
    pub comment: Option<String>,
    /// A complaint about the inspection (投诉), which the head handles; it needs a comment.
    #[serde(default)]
    pub complaint: bool,
}

impl From<RatingInput> for FeedbackInput {
    fn from(input: RatingInput) -> Self {
        FeedbackInput {
            rating: input.score,
            comment: input.comment,
            complaint: input.complaint,
        }
    }
}

/// The rules of feedback: the inspection has started (or is done) and was not withdrawn;
/// the rating is 1–5; a comment is at most 1,000 characters; a complaint says what it is
/// about. Returns the comment trimmed.
pub fn check_feedback(case: &Case, input: &FeedbackInput, today: chrono::NaiveDate) -> AppResult<Option<String>> {
    let status = code_status(case, today);
    if status == CodeStatus::Withdrawn {
        return Err(AppError::rule(
            "inspection_withdrawn",
            "this inspection was withdrawn; there is nothing to rate",
        ));
    }
    if case.status == CaseStatus::Registered {
        return Err(AppError::rule(
            "inspection_not_started",
            "an inspection is rated once it has started",
        ));
    }
    let mut errors = Vec::new();
    if !(1..=5).contains(&input.rating) {
        errors.push(FieldError::new("rating", "must be between 1 and 5"));
    }
    let comment = input
        .comment
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string);
    if comment.as_deref().is_some_and(|c| c.chars().count() > 1000) {
        errors.push(FieldError::new("comment", "at most 1000 characters"));
    }
    if input.complaint && comment.is_none() {
        errors.push(FieldError::new("comment", "say what the complaint is about"));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(comment)
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = inspection_feedback)]
struct FeedbackRow {
    case_id: String,
    agency_id: String,
    rating: i32,
    comment: Option<String>,
    complaint: bool,
    status: FeedbackStatus,
    created_at: NaiveDateTime,
    handled_by: Option<String>,
    handled_at: Option<NaiveDateTime>,
    handling_note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackReceived {
    pub rating: i32,
    pub complaint: bool,
    pub status: FeedbackStatus,
    pub created_at: DateTime<Utc>,
}

/// Rate the inspection a code stands for, once (no login: whoever holds the code).
#[utoipa::path(
    post, path = "/api/v1/public/inspections/{code}/feedback", tag = "public",
    params(("code" = String, Path, description = "the 12-character inspection code")),
    request_body = FeedbackInput,
    responses(
        (status = 201, body = FeedbackReceived),
        (status = 400, body = Problem),
        (status = 404, body = Problem, description = "no inspection has this code"),
        (status = 409, body = Problem, description = "this inspection was rated already"),
        (status = 413, body = Problem), (status = 415, body = Problem),
        (status = 422, body = Problem, description = "not started yet (inspection_not_started), withdrawn (inspection_withdrawn), or a field out of bounds"),
        (status = 429, body = Problem, description = "too many requests from this address; see Retry-After"),
    )
)]
pub async fn give_feedback(
    state: web::Data<AppState>,
    code: web::Path<String>,
    body: ApiJson<FeedbackInput>,
    req: actix_web::HttpRequest,
) -> AppResult<HttpResponse> {
    receive_feedback(state, code.into_inner(), body.0, req).await
}

/// The same as `…/feedback`, in the words of DESIGN §8: `{"score": 1..5, "comment"}`.
#[utoipa::path(
    post, path = "/api/v1/public/inspections/{code}/rating", tag = "public",
    params(("code" = String, Path, description = "the 12-character inspection code")),
    request_body = RatingInput,
    responses(
        (status = 201, body = FeedbackReceived),
        (status = 400, body = Problem),
        (status = 404, body = Problem, description = "no inspection has this code"),
        (status = 409, body = Problem, description = "this inspection was rated already"),
        (status = 413, body = Problem), (status = 415, body = Problem),
        (status = 422, body = Problem, description = "not started yet (inspection_not_started), withdrawn (inspection_withdrawn), or a field out of bounds"),
        (status = 429, body = Problem, description = "too many requests from this address; see Retry-After"),
    )
)]
pub async fn give_rating(
    state: web::Data<AppState>,
    code: web::Path<String>,
    body: ApiJson<RatingInput>,
    req: actix_web::HttpRequest,
) -> AppResult<HttpResponse> {
    receive_feedback(state, code.into_inner(), body.0.into(), req).await
}

async fn receive_feedback(
    state: web::Data<AppState>,
    code: String,
    input: FeedbackInput,
    req: actix_web::HttpRequest,
) -> AppResult<HttpResponse> {
    crate::ratelimit::spend(&state, &req)?;
    let received = state
        .db_write(move |conn| {
            let (agency_id, case, _) = crate::cases::store::load_by_code(conn, &code)?;
            let comment = check_feedback(&case, &input, clock::today())?;
            let row = FeedbackRow {
                case_id: case.id.clone(),
                agency_id,
                rating: input.rating,
                comment,
                complaint: input.complaint,
                status: if input.complaint {
                    FeedbackStatus::Open
                } else {
                    FeedbackStatus::Received
                },
                created_at: clock::to_db(clock::now()),
                handled_by: None,
                handled_at: None,
                handling_note: None,
            };
            diesel::insert_into(inspection_feedback::table)
                .values(&row)
                .execute(conn)
                .map_err(|e| {
                    AppError::from_unique_violation(e, || {
                        AppError::conflict("this inspection was rated already; each inspection is rated once")
                    })
                })?;
            Ok(FeedbackReceived {
                rating: row.rating,
                complaint: row.complaint,
                status: row.status,
                created_at: clock::from_db(row.created_at),
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(received))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedbackFilter {
    /// Only complaints (`true`) or only ratings without one (`false`).
    pub complaint: Option<bool>,
    pub status: Option<FeedbackStatus>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackView {
    pub case_id: String,
    pub case_number: String,
    pub subject_name: String,
    pub officers: Vec<String>,
    pub items: Vec<String>,
    pub rating: i32,
    pub comment: Option<String>,
    pub complaint: bool,
    pub status: FeedbackStatus,
    pub created_at: DateTime<Utc>,
    pub handled_by: Option<String>,
    pub handled_at: Option<DateTime<Utc>>,
    pub handling_note: Option<String>,
}

#[derive(Debug, Default, Serialize, ToSchema)]
pub struct RatingSummary {
    /// An officer's display name, or an item's code and name.
    pub name: String,
    pub ratings: usize,
    pub average_rating: f64,
    pub complaints: usize,
    pub open_complaints: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackList {
    pub items: Vec<FeedbackView>,
    /// Per officer of the rated inspections, by name.
    pub by_officer: Vec<RatingSummary>,
    /// Per inspection item, by code.
    pub by_item: Vec<RatingSummary>,
}

/// The enterprises' ratings and complaints, newest first, with the figures per officer and
/// per item over the list shown. The head and admins.
#[utoipa::path(
    get, path = "/api/v1/inspection-feedback", tag = "cases",
    params(FeedbackFilter),
    responses(
        (status = 200, body = FeedbackList),
        (status = 400, body = Problem),
        (status = 401, body = Problem),
        (status = 403, body = Problem, description = "not a supervisor or admin"),
    ),
    security(("bearer" = []))
)]
pub async fn list_feedback(
    state: web::Data<AppState>,
    user: CurrentUser,
    filter: ApiQuery<FeedbackFilter>,
) -> AppResult<HttpResponse> {
    user.require_any(&[Role::Supervisor, Role::Admin])?;
    let filter = filter.0;
    let agency_id = user.agency_id.clone();
    let list = state
        .db(move |conn| {
            let mut query = inspection_feedback::table
                .filter(inspection_feedback::agency_id.eq(&agency_id))
                .order(inspection_feedback::created_at.desc())
                .select(FeedbackRow::as_select())
                .limit(1000)
                .into_boxed();
            if let Some(complaint) = filter.complaint {
                query = query.filter(inspection_feedback::complaint.eq(complaint));
            }
            if let Some(status) = filter.status {
                query = query.filter(inspection_feedback::status.eq(status));
            }
            let rows: Vec<FeedbackRow> = query.load(conn)?;
            let ids: Vec<String> = rows.iter().map(|r| r.case_id.clone()).collect();
            let cases: BTreeMap<String, (Case, crate::cases::store::CaseMeta)> =
                crate::cases::store::load_many(conn, &agency_id, &ids)?
                    .into_iter()
                    .map(|(case, meta)| (case.id.clone(), (case, meta)))
                    .collect();
            Ok(summarise(rows, &cases))
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Adds a rating to the figures under `key`: count, running total, average to two places,
/// complaints and open ones.
fn count(map: &mut BTreeMap<String, (RatingSummary, i64)>, key: &str, row: &FeedbackRow) {
    let (summary, total) = map.entry(key.to_string()).or_default();
    summary.name = key.to_string();
    summary.ratings += 1;
    *total += i64::from(row.rating);
    summary.average_rating = (*total as f64 / summary.ratings as f64 * 100.0).round() / 100.0;
    if row.complaint {
        summary.complaints += 1;
        if row.status == FeedbackStatus::Open {
            summary.open_complaints += 1;
        }
    }
}

fn summarise(rows: Vec<FeedbackRow>, cases: &BTreeMap<String, (Case, crate::cases::store::CaseMeta)>) -> FeedbackList {
    let mut by_officer: BTreeMap<String, (RatingSummary, i64)> = BTreeMap::new();
    let mut by_item: BTreeMap<String, (RatingSummary, i64)> = BTreeMap::new();
    let mut items = Vec::new();
    for row in rows {
        let Some((case, meta)) = cases.get(&row.case_id) else {
            continue;
        };
        let officers: Vec<String> = case
            .officers
            .iter()
            .filter(|o| !o.recused)
            .map(|o| o.display_name.clone())
            .collect();
        let item_names: Vec<String> = case
            .inspection_items
            .iter()
            .map(|i| format!("{} {}", i.code, i.name))
            .collect();
        for name in &officers {
            count(&mut by_officer, name, &row);
        }
        for name in &item_names {
            count(&mut by_item, name, &row);
        }
        items.push(FeedbackView {
            case_id: row.case_id,
            case_number: case.case_number.clone(),
            subject_name: meta.subject_name.clone(),
            officers,
            items: item_names,
            rating: row.rating,
            comment: row.comment,
            complaint: row.complaint,
            status: row.status,
            created_at: clock::from_db(row.created_at),
            handled_by: row.handled_by,
            handled_at: row.handled_at.map(clock::from_db),
            handling_note: row.handling_note,
        });
    }
    FeedbackList {
        items,
        by_officer: by_officer.into_values().map(|(summary, _)| summary).collect(),
        by_item: by_item.into_values().map(|(summary, _)| summary).collect(),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandleComplaintInput {
    /// What was done about it.
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = r"[^\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub note: String,
}

/// Record how an open complaint was handled (the head).
#[utoipa::path(
    post, path = "/api/v1/inspection-feedback/{case_id}/handle", tag = "cases",
    params(("case_id" = String, Path)),
    request_body = HandleComplaintInput,
    responses(
        (status = 200, body = FeedbackReceived),
        (status = 400, body = Problem),
        (status = 401, body = Problem),
        (status = 403, body = Problem, description = "not a supervisor"),
        (status = 404, body = Problem, description = "no feedback on this case"),
        (status = 409, body = Problem, description = "not an open complaint"),
        (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn handle_complaint(
    state: web::Data<AppState>,
    user: CurrentUser,
    case_id: web::Path<String>,
    body: ApiJson<HandleComplaintInput>,
) -> AppResult<HttpResponse> {
    user.require(Role::Supervisor)?;
    let note = body.0.note.trim().to_string();
    if note.is_empty() || note.chars().count() > 2000 {
        return Err(AppError::field("note", "must be 1 to 2000 characters"));
    }
    let case_id = case_id.into_inner();
    let handled = state
        .db_write(move |conn| {
            let row: FeedbackRow = inspection_feedback::table
                .filter(inspection_feedback::agency_id.eq(&user.agency_id))
                .filter(inspection_feedback::case_id.eq(&case_id))
                .select(FeedbackRow::as_select())
                .first(conn)
                .optional()?
                .ok_or(AppError::NotFound("feedback"))?;
            if row.status != FeedbackStatus::Open {
                return Err(AppError::conflict("only an open complaint is handled"));
            }
            let now = clock::to_db(clock::now());
            diesel::update(
                inspection_feedback::table
                    .filter(inspection_feedback::case_id.eq(&case_id))
                    .filter(inspection_feedback::status.eq(FeedbackStatus::Open)),
            )
            .set((
                inspection_feedback::status.eq(FeedbackStatus::Handled),
                inspection_feedback::handled_by.eq(&user.id),
                inspection_feedback::handled_at.eq(now),
                inspection_feedback::handling_note.eq(&note),
            ))
            .execute(conn)?;
            Ok(FeedbackReceived {
                rating: row.rating,
                complaint: row.complaint,
                status: FeedbackStatus::Handled,
                created_at: clock::from_db(row.created_at),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(handled))
}
