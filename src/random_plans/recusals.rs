//! `/recusals` (回避): an officer is never drawn for a subject he or she has an interest in.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{CurrentUser, Role};
use crate::clock;
use crate::error::{AppError, AppResult, Problem};
use crate::http::{RawJson, parse_json};
use crate::idempotency::{self, Answer, IdempotencyKey};
use crate::random_plans::api::{HEADS, LIST_LIMIT};
use crate::random_plans::store::{self, RecusalRow};
use crate::state::AppState;

/// `POST /recusals`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRecusalRequest {
    pub officer_id: String,
    pub subject_id: String,
    /// Why the officer may not inspect the subject (e.g. 近亲属在该企业任职).
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecusalView {
    pub id: String,
    pub officer_id: String,
    pub subject_id: String,
    pub reason: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl From<RecusalRow> for RecusalView {
    fn from(row: RecusalRow) -> Self {
        RecusalView {
            id: row.id,
            officer_id: row.officer_id,
            subject_id: row.subject_id,
            reason: row.reason,
            created_by: row.created_by,
            created_at: clock::from_db(row.created_at),
        }
    }
}

/// Record a recusal (回避, supervisors): the officer is never drawn for the subject.
#[utoipa::path(
    post, path = "/api/v1/recusals", tag = "random plans",
    params(idempotency::KeyHeader),
    request_body = CreateRecusalRequest,
    responses(
        (status = 201, body = RecusalView),
        (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem, description = "not a supervisor"),
        (status = 409, body = Problem, description = "this recusal is recorded already"),
        (status = 413, body = Problem), (status = 415, body = Problem),
        (status = 422, body = Problem, description = "an unknown officer or subject of this agency, or a blank reason"),
    ),
    security(("bearer" = []))
)]
pub async fn create_recusal(
    state: web::Data<AppState>,
    caller: CurrentUser,
    req: HttpRequest,
    body: RawJson,
) -> AppResult<HttpResponse> {
    let request: CreateRecusalRequest = parse_json(&body.0)?;
    caller.require_any(&HEADS)?;
    let reason = request.reason.trim().to_string();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(AppError::field("reason", "must be 1 to 500 characters"));
    }
    let key = IdempotencyKey::from_request(&req, &caller.id, &body.0)?;
    let agency_id = caller.agency_id.clone();
    let by = caller.id.clone();
    idempotency::run(&state, key, Answer::CREATED, move |conn| {
        use crate::db::schema::{subjects, users};
        let officer: bool = diesel::select(diesel::dsl::exists(
            users::table
                .filter(users::agency_id.eq(&agency_id))
                .filter(users::id.eq(&request.officer_id)),
        ))
        .get_result(conn)?;
        if !officer {
            return Err(AppError::field("officer_id", "no such user in this agency"));
        }
        let subject: bool = diesel::select(diesel::dsl::exists(
            subjects::table
                .filter(subjects::agency_id.eq(&agency_id))
                .filter(subjects::id.eq(&request.subject_id)),
        ))
        .get_result(conn)?;
        if !subject {
            return Err(AppError::field(
                "subject_id",
                "no such subject in this agency's register",
            ));
        }
        let row = RecusalRow {
            id: uuid::Uuid::now_v7().to_string(),
            agency_id: agency_id.clone(),
            officer_id: request.officer_id,
            subject_id: request.subject_id,
            reason,
            created_by: by,
            created_at: clock::to_db(clock::now()),
        };
        store::insert_recusal(conn, &row).map_err(|e| {
            AppError::from_unique_violation(e, || {
                AppError::conflict("this officer is recused from this subject already")
            })
        })?;
        Ok(RecusalView::from(row))
    })
    .await
}

/// The agency's recusals, newest first (at most 500; supervisors and admins).
#[utoipa::path(
    get, path = "/api/v1/recusals", tag = "random plans",
    responses(
        (status = 200, body = Vec<RecusalView>),
        (status = 401, body = Problem),
        (status = 403, body = Problem, description = "neither a supervisor nor an admin"),
    ),
    security(("bearer" = []))
)]
pub async fn list_recusals(state: web::Data<AppState>, caller: CurrentUser) -> AppResult<HttpResponse> {
    caller.require_any(&[Role::Supervisor, Role::Admin])?;
    let rows = state
        .db(move |conn| Ok(store::list_recusals(conn, &caller.agency_id, LIST_LIMIT)?))
        .await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(RecusalView::from).collect::<Vec<_>>()))
}
