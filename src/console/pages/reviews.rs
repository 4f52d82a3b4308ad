//! Counsel's pages: the review queue and one review with its package and the ten-item
//! checklist, signed through `legal_reviews::api::sign` as `POST /legal-reviews/{id}/opinion`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde_json::{Value, json};

use crate::auth::Role;
use crate::cases::api::caller_of;
use crate::cases::model::ReviewItem;
use crate::console::session::ConsoleUser;
use crate::console::{ConsoleError, Form, Layout, Refusal, csrf, refusal_of, render, see_other};
use crate::error::AppError;
use crate::http::PageRequest;
use crate::legal_reviews::api::{ReviewSummary, ReviewView, load_view, queue_summaries, sign as sign_opinion};
use crate::state::AppState;

/// Counsel and the head read the queue and the reviews, as the API lets them.
fn require_reader(user: &ConsoleUser) -> Result<(), ConsoleError> {
    if user.current.has(Role::LegalCounsel) || user.current.has(Role::Supervisor) {
        Ok(())
    } else {
        Err(ConsoleError::Forbidden)
    }
}

pub fn item_label(item: ReviewItem) -> &'static str {
    match item {
        ReviewItem::SubjectLegal => "执法主体合法",
        ReviewItem::OfficersQualified => "执法人员具备资格",
        ReviewItem::WithinAuthority => "未超越法定职权",
        ReviewItem::FactsClear => "事实清楚",
        ReviewItem::EvidenceSufficient => "证据确凿充分",
        ReviewItem::ProcedureLegal => "程序合法",
        ReviewItem::LawCorrect => "适用法律正确",
        ReviewItem::DiscretionAppropriate => "裁量适当",
        ReviewItem::DocumentsComplete => "文书齐全规范",
        ReviewItem::CriminalTransferNeeded => "无需移送司法机关（涉嫌犯罪的不通过）",
    }
}

#[derive(Template)]
#[template(path = "console/reviews.html")]
struct QueuePage {
    layout: Layout,
    rows: Vec<ReviewSummary>,
}

/// `GET /console/reviews`: pending reviews, oldest first, with their age in working days
/// and the case's decision deadline.
pub async fn queue(state: web::Data<AppState>, user: ConsoleUser) -> Result<HttpResponse, ConsoleError> {
    require_reader(&user)?;
    let agency_id = user.current.agency_id.clone();
    let rows = state
        .db(move |conn| {
            queue_summaries(
                conn,
                &agency_id,
                Some("pending"),
                &PageRequest {
                    limit: 200,
                    after: None,
                },
            )
        })
        .await?;
    render(
        StatusCode::OK,
        &QueuePage {
            layout: Layout::new(&user, "法制审核队列", "/console/reviews"),
            rows,
        },
    )
}

/// One line of the checklist form.
pub struct ChecklistLine {
    pub item: &'static str,
    pub label: &'static str,
    pub pass: bool,
    pub comment: String,
}

#[derive(Template)]
#[template(path = "console/review.html")]
struct ReviewPage {
    layout: Layout,
    review: ReviewView,
    case_number: String,
    proposal: Vec<(String, String)>,
    package: Vec<(String, String)>,
    checklist: Vec<ChecklistLine>,
    can_sign: bool,
    opinion: String,
    refusal: Option<Refusal>,
    signed: bool,
}

/// A JSON object's fields as lines of text (nested values in compact JSON).
fn lines(value: &Value) -> Vec<(String, String)> {
    match value {
        Value::Object(fields) => fields
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| {
                let text = match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                (k.clone(), text)
            })
            .collect(),
        Value::Null => Vec::new(),
        other => vec![(String::new(), other.to_string())],
    }
}

async fn review_response(
    state: &AppState,
    user: &ConsoleUser,
    id: String,
    status: StatusCode,
    form: Option<&Form>,
    refusal: Option<Refusal>,
) -> Result<HttpResponse, ConsoleError> {
    let reader = user.current.clone();
    let (review, case_number, on_case) = state
        .db(move |conn| {
            let view = load_view(conn, &reader.agency_id, &id)?;
            let (case, _) =
                crate::cases::store::load(conn, &reader.agency_id, &view.case_id)?.ok_or(AppError::NotFound("case"))?;
            crate::cases::api::check_case_file_reader(&reader, &case, "legal reviews")?;
            let on_case = case.officers.iter().any(|o| o.user_id == reader.id);
            Ok((view, case.case_number, on_case))
        })
        .await?;
    let suggested = review.discretion_check.as_ref().map(|c| c.suggested.clone());
    let checklist = ReviewItem::ALL
        .iter()
        .map(|item| {
            let name = item.as_str();
            let (pass, comment) = match form {
                Some(form) => (
                    form.get(&format!("pass_{name}")) == Some("true"),
                    form.get(&format!("comment_{name}")).unwrap_or_default().to_string(),
                ),
                None => match &suggested {
                    Some(s) if s.item == *item => (s.pass, s.comment.clone().unwrap_or_default()),
                    _ => (true, String::new()),
                },
            };
            ChecklistLine {
                item: name,
                label: item_label(*item),
                pass,
                comment,
            }
        })
        .collect();
    let caller = caller_of(&user.current);
    let page = ReviewPage {
        layout: Layout::new(user, format!("法制审核 {case_number}"), "/console/reviews"),
        case_number,
        proposal: lines(&review.proposal),
        package: lines(&review.package),
        checklist,
        can_sign: caller.is_counsel && !on_case && review.status == "pending",
        signed: review.status != "pending",
        opinion: form.and_then(|f| f.get("opinion")).unwrap_or_default().to_string(),
        refusal,
        review,
    };
    render(status, &page)
}

/// `GET /console/reviews/{id}`: the package, the proposal and the checklist form.
pub async fn review_page(
    state: web::Data<AppState>,
    user: ConsoleUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    require_reader(&user)?;
    review_response(&state, &user, id.into_inner(), StatusCode::OK, None, None).await
}

/// `POST /console/reviews/{id}/opinion`: counsel signs, as the API's opinion does.
pub async fn sign(
    state: web::Data<AppState>,
    user: ConsoleUser,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, ConsoleError> {
    let form = Form(form.into_inner());
    csrf::check(&form, &user.csrf)?;
    let caller = caller_of(&user.current);
    if !caller.is_counsel {
        return Err(ConsoleError::Forbidden);
    }
    let review_id = id.into_inner();
    let checklist: Vec<Value> = ReviewItem::ALL
        .iter()
        .map(|item| {
            let name = item.as_str();
            let mut line = json!({"item": name, "pass": form.get(&format!("pass_{name}")) == Some("true")});
            if let Some(comment) = form.text(&format!("comment_{name}")) {
                line["comment"] = json!(comment);
            }
            line
        })
        .collect();
    let mut body = json!({"checklist": checklist, "opinion": form.get("opinion").unwrap_or_default()});
    if let Some(outcome) = form.text("outcome") {
        body["outcome"] = json!(outcome);
    }
    let signed = match crate::http::from_json_value(body) {
        Ok(input) => {
            let target = review_id.clone();
            state
                .db_write(move |conn| sign_opinion(conn, &caller, &target, input))
                .await
        }
        Err(error) => Err(error),
    };
    match signed {
        Ok(view) => Ok(see_other(&format!("/console/reviews/{}", view.id))),
        Err(error) => {
            let (status, refusal) = refusal_of(error)?;
            review_response(&state, &user, review_id, status, Some(&form), Some(refusal)).await
        }
    }
}
