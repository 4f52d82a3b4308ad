//! 案件移送 in the console: the agency's transfer letters with a status filter and their
//! age in days, read as `GET /transfers` reads them (any staff member), and one letter's
//! page with the receiving side's receipt (回执) and feedback (处理结果) as forms — recorded
//! through `transfers::api::record_receipt` / `record_feedback`, the code behind
//! `POST /transfers/{id}/receipt` and `/feedback`: same roles, rules and record events.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use serde_json::json;

use crate::console::session::ConsoleUser;
use crate::console::{ConsoleError, Form, Layout, Refusal, csrf, refusal_of, render, see_other};
use crate::error::AppError;
use crate::http::PageRequest;
use crate::state::AppState;
use crate::transfers::api::{self, TransferView, views};
use crate::transfers::model::{FeedbackRequest, ReceiptRequest, TransferStatus};

#[derive(Template)]
#[template(path = "console/transfers.html")]
struct TransfersPage {
    layout: Layout,
    statuses: Vec<(&'static str, &'static str, bool)>,
    rows: Vec<TransferView>,
    truncated: bool,
}

#[derive(Deserialize)]
pub struct TransfersQuery {
    status: Option<String>,
}

/// `GET /console/transfers?status=`: the agency's transfer letters, oldest first.
pub async fn list(
    state: web::Data<AppState>,
    user: ConsoleUser,
    query: web::Query<TransfersQuery>,
) -> Result<HttpResponse, ConsoleError> {
    let status = query.status.as_deref().and_then(TransferStatus::parse);
    let agency_id = user.current.agency_id.clone();
    let (rows, truncated) = state
        .db(move |conn| {
            let request = PageRequest {
                limit: 200,
                after: None,
            };
            let rows = crate::transfers::store::list(conn, &agency_id, status, &request)?;
            let truncated = rows.len() > 200;
            let mut rows = views(conn, rows)?;
            rows.truncate(200);
            Ok((rows, truncated))
        })
        .await?;
    render(
        StatusCode::OK,
        &TransfersPage {
            layout: Layout::new(&user, "案件移送", "/console/transfers"),
            statuses: TransferStatus::ALL
                .iter()
                .map(|s| (s.as_str(), s.label(), Some(*s) == status))
                .collect(),
            rows,
            truncated,
        },
    )
}

#[derive(Template)]
#[template(path = "console/transfer.html")]
struct TransferPage {
    layout: Layout,
    transfer: TransferView,
    today: String,
    notice: Option<&'static str>,
    refusal: Option<Refusal>,
}

#[derive(Deserialize)]
pub struct TransferQuery {
    done: Option<String>,
}

async fn transfer_page(
    state: &AppState,
    user: &ConsoleUser,
    id: String,
    status: StatusCode,
    notice: Option<&'static str>,
    refusal: Option<Refusal>,
) -> Result<HttpResponse, ConsoleError> {
    let agency_id = user.current.agency_id.clone();
    let transfer = state
        .db(move |conn| {
            let row = crate::transfers::store::find(conn, &agency_id, &id)?.ok_or(AppError::NotFound("transfer"))?;
            views(conn, vec![row])?.pop().ok_or(AppError::NotFound("transfer"))
        })
        .await?;
    render(
        status,
        &TransferPage {
            layout: Layout::new(user, format!("移送函 {}", transfer.letter_number), "/console/transfers"),
            transfer,
            today: crate::clock::today().to_string(),
            notice,
            refusal,
        },
    )
}

/// `GET /console/transfers/{id}`: one letter, its receipt and feedback, and the form of
/// the one still missing.
pub async fn show(
    state: web::Data<AppState>,
    user: ConsoleUser,
    id: web::Path<String>,
    query: web::Query<TransferQuery>,
) -> Result<HttpResponse, ConsoleError> {
    let notice = match query.done.as_deref() {
        Some("receipt") => Some("已记录回执。"),
        Some("feedback") => Some("已记录处理结果反馈。"),
        _ => None,
    };
    transfer_page(&state, &user, id.into_inner(), StatusCode::OK, notice, None).await
}

/// `POST /console/transfers/{id}/receipt`: as `POST /transfers/{id}/receipt`.
pub async fn receipt(
    state: web::Data<AppState>,
    user: ConsoleUser,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, ConsoleError> {
    let form = Form(form.into_inner());
    csrf::check(&form, &user.csrf)?;
    let id = id.into_inner();
    let body = json!({
        "received_on": form.get("received_on").unwrap_or_default().trim(),
        "receiver_name": form.get("receiver_name").unwrap_or_default(),
    });
    let caller = user.current.clone();
    let target = id.clone();
    let done = match crate::http::from_json_value::<ReceiptRequest>(body) {
        Ok(request) => {
            state
                .db_write(move |conn| api::record_receipt(conn, &caller, &target, request))
                .await
        }
        Err(error) => Err(error),
    };
    finish(&state, &user, id, done, "receipt").await
}

/// `POST /console/transfers/{id}/feedback`: as `POST /transfers/{id}/feedback`.
pub async fn feedback(
    state: web::Data<AppState>,
    user: ConsoleUser,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, ConsoleError> {
    let form = Form(form.into_inner());
    csrf::check(&form, &user.csrf)?;
    let id = id.into_inner();
    let mut body = json!({ "feedback": form.get("feedback").unwrap_or_default() });
    if let Some(on) = form.text("feedback_on") {
        body["feedback_on"] = json!(on);
    }
    let caller = user.current.clone();
    let target = id.clone();
    let done = match crate::http::from_json_value::<FeedbackRequest>(body) {
        Ok(request) => {
            state
                .db_write(move |conn| api::record_feedback(conn, &caller, &target, request))
                .await
        }
        Err(error) => Err(error),
    };
    finish(&state, &user, id, done, "feedback").await
}

async fn finish(
    state: &AppState,
    user: &ConsoleUser,
    id: String,
    done: Result<TransferView, AppError>,
    what: &str,
) -> Result<HttpResponse, ConsoleError> {
    match done {
        Ok(view) => {
            tracing::info!(transfer_id = %view.id, what, "transfer recorded in the console");
            Ok(see_other(&format!("/console/transfers/{}?done={what}", view.id)))
        }
        Err(error) => {
            let (status, refusal) = refusal_of(error)?;
            transfer_page(state, user, id, status, None, Some(refusal)).await
        }
    }
}
