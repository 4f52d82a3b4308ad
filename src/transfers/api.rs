//! `/transfers`: transfer letters (移送函) issued by the case step `transfer`, the receiving
//! side's receipt and feedback, and cases received from other departments.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{CurrentUser, Role};
use crate::cases::api::caller_of;
use crate::cases::model::NewCase;
use crate::cases::store as case_store;
use crate::clock;
use crate::db::DbConn;
use crate::error::{AppError, AppResult, Problem};
use crate::http::{ApiQuery, Page, PageParams, RawJson, parse_json};
use crate::idempotency::{self, Answer, IdempotencyKey};
use crate::state::AppState;
use crate::transfers::model::{
    FeedbackRequest, IncomingTransferRequest, ReceiptRequest, TransferKind, TransferStatus, age_days, check_feedback,
    check_incoming, check_receipt,
};
use crate::transfers::store::{self, IncomingRow, TransferRow};

/// A transfer as staff see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TransferView {
    pub id: String,
    pub case_id: String,
    pub case_number: String,
    pub kind: TransferKind,
    /// 移送有关部门 / 移送司法机关
    pub kind_label: String,
    pub to_department: String,
    pub reason: String,
    /// 移送函编号, e.g. 学府移字〔2026〕第1号: gap-free per agency and year.
    pub letter_number: String,
    pub transferred_on: NaiveDate,
    pub transferred_by: String,
    pub status: TransferStatus,
    /// 待回执, 待反馈, 已办结
    pub status_label: String,
    /// Calendar days since the letter went out.
    pub age_days: i64,
    pub received_on: Option<NaiveDate>,
    pub receiver_name: Option<String>,
    pub feedback: Option<String>,
    pub feedback_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
}

/// Transfer letters as the API and the console show them.
pub fn views(conn: &mut DbConn, rows: Vec<TransferRow>) -> AppResult<Vec<TransferView>> {
    let ids: Vec<String> = rows.iter().map(|row| row.case_id.clone()).collect();
    let numbers = store::case_numbers(conn, &ids)?;
    let today = clock::today();
    Ok(rows
        .into_iter()
        .map(|row| {
            let status = row.status();
            TransferView {
                case_number: numbers.get(&row.case_id).cloned().unwrap_or_default(),
                kind_label: row.kind.label().to_string(),
                status,
                status_label: status.label().to_string(),
                age_days: age_days(row.transferred_on, today),
                id: row.id,
                case_id: row.case_id,
                kind: row.kind,
                to_department: row.to_department,
                reason: row.reason,
                letter_number: row.letter_number,
                transferred_on: row.transferred_on,
                transferred_by: row.transferred_by,
                received_on: row.received_on,
                receiver_name: row.receiver_name,
                feedback: row.feedback,
                feedback_on: row.feedback_on,
                created_at: clock::from_db(row.created_at),
            }
        })
        .collect())
}

fn view(conn: &mut DbConn, row: TransferRow) -> AppResult<TransferView> {
    views(conn, vec![row])?
        .pop()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("a transfer's view went missing")))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TransferListParams {
    /// Only transfers in this state.
    pub status: Option<TransferStatus>,
}

/// The agency's transfers, oldest first, with their age in days.
#[utoipa::path(
    get, path = "/api/v1/transfers", tag = "transfers",
    params(TransferListParams, PageParams),
    responses(
        (status = 200, body = inline(Page<TransferView>)),
        (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 422, body = Problem, description = "a limit out of range"),
    ),
    security(("bearer" = []))
)]
pub async fn list_transfers(
    state: web::Data<AppState>,
    caller: CurrentUser,
    query: ApiQuery<TransferListParams>,
    page: ApiQuery<PageParams>,
) -> AppResult<HttpResponse> {
    let request = page.0.validate()?;
    let status = query.0.status;
    let page = state
        .db(move |conn| {
            let rows = store::list(conn, &caller.agency_id, status, &request)?;
            let page = Page::from_rows(rows, &request, |row| row.id.clone());
            Ok(Page {
                items: views(conn, page.items)?,
                next_cursor: page.next_cursor,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One transfer of the agency.
#[utoipa::path(
    get, path = "/api/v1/transfers/{id}", tag = "transfers",
    params(("id" = String, Path, description = "transfer id")),
    responses(
        (status = 200, body = TransferView),
        (status = 401, body = Problem),
        (status = 404, body = Problem, description = "no such transfer in the caller's agency"),
    ),
    security(("bearer" = []))
)]
pub async fn get_transfer(
    state: web::Data<AppState>,
    caller: CurrentUser,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let view = state
        .db(move |conn| {
            let row = store::find(conn, &caller.agency_id, &id)?.ok_or(AppError::NotFound("transfer"))?;
            view(conn, row)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Receipt and feedback are recorded by the case's officers or a supervisor.
fn check_recorder(caller: &CurrentUser) -> AppResult<()> {
    caller.require_any(&[Role::Officer, Role::Supervisor])
}

/// The transfer and its case's row lock (taken before the record event), or 404; 403 for
/// an officer who is not on the case.
fn load_for_change(conn: &mut DbConn, caller: &CurrentUser, id: &str) -> AppResult<TransferRow> {
    let row = store::find(conn, &caller.agency_id, id)?.ok_or(AppError::NotFound("transfer"))?;
    if !caller.has(Role::Supervisor) {
        let officers = crate::interference::store::case_officer_ids(conn, &row.case_id)?;
        if !officers.contains(&caller.id) {
            return Err(AppError::Forbidden(
                "a transfer's receipt and feedback are recorded by the case's officers or a supervisor".into(),
            ));
        }
    }
    case_store::lock_for_record(conn, &caller.agency_id, &row.case_id, clock::now())?;
    Ok(row)
}

/// Records a receipt as `POST /transfers/{id}/receipt` does (the handler and the console
/// form): who may record it, the case's row lock, the rules, the row and the record event.
/// Call inside a write transaction.
pub fn record_receipt(
    conn: &mut DbConn,
    caller: &CurrentUser,
    id: &str,
    request: ReceiptRequest,
) -> AppResult<TransferView> {
    check_recorder(caller)?;
    let row = load_for_change(conn, caller, id)?;
    let receipt = check_receipt(&row.state(), request, clock::today())?;
    let now = clock::now();
    if !store::record_receipt(conn, &row, &receipt, &caller.id, clock::to_db(now))? {
        return Err(AppError::rule(
            "receipt_already_recorded",
            "the receipt of this transfer was recorded by another request",
        ));
    }
    let payload = serde_json::json!({
        "transfer_id": row.id,
        "letter_number": row.letter_number,
        "received_on": receipt.received_on,
        "receiver_name": receipt.receiver_name,
    });
    crate::record::store::append(conn, &row.case_id, &caller.id, "transfer_receipt", &payload, now)?;
    let row = store::find(conn, &caller.agency_id, id)?.ok_or(AppError::NotFound("transfer"))?;
    view(conn, row)
}

/// Records feedback as `POST /transfers/{id}/feedback` does (the handler and the console
/// form). Call inside a write transaction.
pub fn record_feedback(
    conn: &mut DbConn,
    caller: &CurrentUser,
    id: &str,
    request: FeedbackRequest,
) -> AppResult<TransferView> {
    check_recorder(caller)?;
    let row = load_for_change(conn, caller, id)?;
    let feedback = check_feedback(&row.state(), request, clock::today())?;
    let now = clock::now();
    if !store::record_feedback(conn, &row, &feedback, &caller.id, clock::to_db(now))? {
        return Err(AppError::rule(
            "feedback_already_recorded",
            "the feedback of this transfer was recorded by another request",
        ));
    }
    let payload = serde_json::json!({
        "transfer_id": row.id,
        "letter_number": row.letter_number,
        "feedback": feedback.feedback,
        "feedback_on": feedback.feedback_on,
    });
    crate::record::store::append(conn, &row.case_id, &caller.id, "transfer_feedback", &payload, now)?;
    let row = store::find(conn, &caller.agency_id, id)?.ok_or(AppError::NotFound("transfer"))?;
    view(conn, row)
}

/// Record the receiving side's receipt (回执): once (422 `receipt_already_recorded`), not
/// before the transfer (422 `received_before_transfer`). The case's record gets a
/// `transfer_receipt` event in the same transaction.
#[utoipa::path(
    post, path = "/api/v1/transfers/{id}/receipt", tag = "transfers",
    params(("id" = String, Path, description = "transfer id"), idempotency::KeyHeader),
    request_body = ReceiptRequest,
    responses(
        (status = 200, body = TransferView),
        (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem, description = "neither an officer of the case nor a supervisor"),
        (status = 404, body = Problem, description = "no such transfer in the caller's agency"),
        (status = 413, body = Problem), (status = 415, body = Problem),
        (status = 422, body = Problem, description = "a blank receiver_name, received_on in the future, receipt_already_recorded or received_before_transfer"),
    ),
    security(("bearer" = []))
)]
pub async fn record_transfer_receipt(
    state: web::Data<AppState>,
    caller: CurrentUser,
    req: HttpRequest,
    id: web::Path<String>,
    body: RawJson,
) -> AppResult<HttpResponse> {
    let request: ReceiptRequest = parse_json(&body.0)?;
    check_recorder(&caller)?;
    let key = IdempotencyKey::from_request(&req, &caller.id, &body.0)?;
    let id = id.into_inner();
    idempotency::run(&state, key, Answer::OK, move |conn| {
        let view = record_receipt(conn, &caller, &id, request)?;
        tracing::info!(transfer_id = %view.id, "transfer receipt recorded");
        Ok(view)
    })
    .await
}

/// Record the receiving side's feedback (处理结果): after the receipt (422
/// `transfer_receipt_required`), once (422 `feedback_already_recorded`). The case's record gets a
/// `transfer_feedback` event in the same transaction.
#[utoipa::path(
    post, path = "/api/v1/transfers/{id}/feedback", tag = "transfers",
    params(("id" = String, Path, description = "transfer id"), idempotency::KeyHeader),
    request_body = FeedbackRequest,
    responses(
        (status = 200, body = TransferView),
        (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem, description = "neither an officer of the case nor a supervisor"),
        (status = 404, body = Problem, description = "no such transfer in the caller's agency"),
        (status = 413, body = Problem), (status = 415, body = Problem),
        (status = 422, body = Problem, description = "a blank feedback, feedback_on in the future, transfer_receipt_required, feedback_already_recorded or feedback_before_receipt"),
    ),
    security(("bearer" = []))
)]
pub async fn record_transfer_feedback(
    state: web::Data<AppState>,
    caller: CurrentUser,
    req: HttpRequest,
    id: web::Path<String>,
    body: RawJson,
) -> AppResult<HttpResponse> {
    let request: FeedbackRequest = parse_json(&body.0)?;
    check_recorder(&caller)?;
    let key = IdempotencyKey::from_request(&req, &caller.id, &body.0)?;
    let id = id.into_inner();
    idempotency::run(&state, key, Answer::OK, move |conn| {
        let view = record_feedback(conn, &caller, &id, request)?;
        tracing::info!(transfer_id = %view.id, "transfer feedback recorded");
        Ok(view)
    })
    .await
}

/// A case received from another department, as `POST /transfers/incoming` answers it.
#[derive(Debug, Serialize, ToSchema)]
pub struct IncomingTransferView {
    pub id: String,
    pub from_department: String,
    /// The sender's letter number (移送函编号).
    pub letter_number: String,
    pub received_on: NaiveDate,
    /// The case opened for it (`source: referral`).
    pub case_id: String,
    pub case_number: String,
    pub case_status: crate::cases::model::CaseStatus,
    pub created_at: DateTime<Utc>,
}

/// Receive a case transferred by another department (officers): opens a case with
/// `source: referral` through the same path as `POST /cases` (its rules and 422s), linked
/// to the sender's letter; the case's record holds a `receive_transfer` event after its
/// `create`. The same sender's letter twice is a 409.
#[utoipa::path(
    post, path = "/api/v1/transfers/incoming", tag = "transfers",
    params(idempotency::KeyHeader),
    request_body = IncomingTransferRequest,
    responses(
        (status = 201, body = IncomingTransferView),
        (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem, description = "not an officer"),
        (status = 409, body = Problem, description = "this sender's letter was received already"),
        (status = 413, body = Problem), (status = 415, body = Problem),
        (status = 422, body = Problem, description = "a field, a source other than referral, or a rule of opening a case (two_officers_required, limitation_period_expired…)"),
    ),
    security(("bearer" = []))
)]
pub async fn receive_transfer(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    body: RawJson,
) -> AppResult<HttpResponse> {
    let request: IncomingTransferRequest = parse_json(&body.0)?;
    user.require(Role::Officer)?;
    let key = IdempotencyKey::from_request(&req, &user.id, &body.0)?;
    let caller = caller_of(&user);
    idempotency::once(&state, key, Answer::CREATED, async {
        let today = clock::today();
        let incoming = check_incoming(request, today)?;
        let input = NewCase::try_from(incoming.case.clone())?;
        let checker = caller.clone();
        let prepared = state
            .db(move |conn| case_store::prepare_case(conn, &checker, input, today))
            .await?;
        Ok(move |conn: &mut DbConn| {
            let now = clock::now();
            let (case, _) = case_store::insert_prepared_case(conn, &caller, prepared, now)?;
            let row = IncomingRow {
                id: uuid::Uuid::now_v7().to_string(),
                agency_id: caller.agency_id.clone(),
                case_id: case.id.clone(),
                from_department: incoming.from_department,
                letter_number: incoming.letter_number,
                received_on: incoming.received_on,
                created_by: caller.user_id.clone(),
                created_at: clock::to_db(now),
            };
            store::insert_incoming(conn, &row)?;
            let payload = serde_json::json!({
                "incoming_transfer_id": row.id,
                "from_department": row.from_department,
                "letter_number": row.letter_number,
                "received_on": row.received_on,
            });
            crate::record::store::append(conn, &case.id, &caller.user_id, "receive_transfer", &payload, now)?;
            tracing::info!(case_id = %case.id, from = %row.from_department, "incoming transfer received");
            Ok(IncomingTransferView {
                id: row.id,
                from_department: row.from_department,
                letter_number: row.letter_number,
                received_on: row.received_on,
                case_id: case.id,
                case_number: case.case_number,
                case_status: case.status,
                created_at: clock::from_db(row.created_at),
            })
        })
    })
    .await
}
