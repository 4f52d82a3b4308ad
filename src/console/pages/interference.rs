//! 干预插手登记 in the console: any staff member files a report; the reporter sees their
//! own reports, supervisors all of them, anyone else gets 404 — as the API decides. Every
//! page that shows a report records the read through the register's own functions
//! (`interference::api::list_read` / `read_report`), so the API's access log shows it.
//! Supervisors refer a report and record the referral's outcome on its page.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use diesel::prelude::*;
use serde_json::json;

use crate::auth::Role;
use crate::console::session::ConsoleUser;
use crate::console::{ConsoleError, Form, Layout, Refusal, csrf, refusal_of, render, require, see_other};
use crate::db::DbConn;
use crate::db::schema::users;
use crate::error::AppError;
use crate::http::PageRequest;
use crate::interference::api::{self, ReportView, reader_of};
use crate::interference::model::{
    CreateReportRequest, InterferenceMethod, NewReport, ReferRequest, ReferralOutcomeRequest, parse_outcome,
    parse_referral,
};
use crate::state::AppState;

/// Most reports a list shows.
const LIST_LIMIT: i64 = 200;

fn names(conn: &mut DbConn, agency_id: &str) -> Result<HashMap<String, String>, AppError> {
    Ok(users::table
        .filter(users::agency_id.eq(agency_id))
        .select((users::id, users::display_name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect())
}

/// A report as the pages show it.
pub struct ReportRow {
    pub id: String,
    pub occurred_at: String,
    pub person: String,
    pub method: String,
    pub request: String,
    pub reporter: String,
    pub status: String,
    pub referral: Option<(String, String, Option<String>)>,
    pub outcome: Option<String>,
    pub case_id: Option<String>,
}

fn row_of(view: ReportView, names: &HashMap<String, String>) -> ReportRow {
    let name = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_string());
    ReportRow {
        occurred_at: super::cases::local_time(&view.occurred_at.to_rfc3339()),
        person: format!(
            "{}（{}{}）",
            view.person_name,
            view.position,
            if view.internal { "，内部人员" } else { "" }
        ),
        method: view.method_label,
        request: view.request,
        reporter: match &view.reporter_id {
            Some(id) => name(id),
            None => "（登记人不予显示）".to_string(),
        },
        status: view.referral_status_label,
        outcome: view
            .referral
            .as_ref()
            .and_then(|r| r.outcome.as_ref())
            .map(|o| o.outcome.clone()),
        referral: view
            .referral
            .map(|r| (r.to, super::cases::local_time(&r.referred_at.to_rfc3339()), r.note)),
        case_id: view.case_id,
        id: view.id,
    }
}

#[derive(Template)]
#[template(path = "console/interference_list.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<ReportRow>,
    all: bool,
    truncated: bool,
}

/// `GET /console/interference`: the reports the user may read (their own; all for a
/// supervisor), each read recorded as the API's listing records it.
pub async fn list(state: web::Data<AppState>, user: ConsoleUser) -> Result<HttpResponse, ConsoleError> {
    let reader = reader_of(&user.current);
    let all = reader.is_supervisor;
    let agency_id = user.current.agency_id.clone();
    let (page, names) = state
        .db_write(move |conn| {
            let request = PageRequest {
                limit: LIST_LIMIT,
                after: None,
            };
            let page = api::list_read(conn, &agency_id, &reader, &request)?;
            Ok((page, names(conn, &agency_id)?))
        })
        .await?;
    let truncated = page.next_cursor.is_some();
    render(
        StatusCode::OK,
        &ListPage {
            layout: Layout::new(
                &user,
                if all {
                    "干预插手登记"
                } else {
                    "我的干预登记"
                },
                "/console/interference",
            ),
            rows: page.items.into_iter().map(|v| row_of(v, &names)).collect(),
            all,
            truncated,
        },
    )
}

#[derive(Template)]
#[template(path = "console/interference_new.html")]
struct NewPage {
    layout: Layout,
    methods: Vec<(&'static str, &'static str, bool)>,
    form: HashMap<String, String>,
    refusal: Option<Refusal>,
}

fn new_page(
    user: &ConsoleUser,
    status: StatusCode,
    form: Option<&Form>,
    refusal: Option<Refusal>,
) -> Result<HttpResponse, ConsoleError> {
    let values: HashMap<String, String> = form
        .map(|f| f.0.iter().filter(|(k, _)| k != csrf::FIELD).cloned().collect())
        .unwrap_or_default();
    let chosen = values.get("method").cloned().unwrap_or_default();
    render(
        status,
        &NewPage {
            layout: Layout::new(user, "登记干预插手", "/console/interference/new"),
            methods: InterferenceMethod::ALL
                .iter()
                .map(|m| (m.as_str(), m.label(), m.as_str() == chosen))
                .collect(),
            form: values,
            refusal,
        },
    )
}

/// `GET /console/interference/new`: the report form (any staff member).
pub async fn new_form(user: ConsoleUser) -> Result<HttpResponse, ConsoleError> {
    new_page(&user, StatusCode::OK, None, None)
}

/// The form's `occurred_at` (a `datetime-local`, Beijing time) as RFC 3339.
fn occurred_at(text: &str) -> Option<String> {
    let local = chrono::NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M:%S"))
        .ok()?;
    Some(format!("{}+08:00", local.format("%Y-%m-%dT%H:%M:%S")))
}

/// `POST /console/interference/new`: files the report as `POST /interference-reports`.
pub async fn file(
    state: web::Data<AppState>,
    user: ConsoleUser,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, ConsoleError> {
    let form = Form(form.into_inner());
    csrf::check(&form, &user.csrf)?;
    let mut body = json!({
        "person_name": form.get("person_name").unwrap_or_default(),
        "position": form.get("position").unwrap_or_default(),
        "internal": form.checked("internal"),
        "method": form.get("method").unwrap_or_default(),
        "request": form.get("request").unwrap_or_default(),
    });
    if let Some(at) = form.get("occurred_at") {
        body["occurred_at"] = json!(occurred_at(at).unwrap_or_else(|| at.to_string()));
    }
    for name in ["case_id", "evidence_id", "corrects_id"] {
        if let Some(value) = form.text(name) {
            body[name] = json!(value);
        }
    }
    let reader = reader_of(&user.current);
    let agency_id = user.current.agency_id.clone();
    let filed = match crate::http::from_json_value::<CreateReportRequest>(body) {
        Ok(request) => match NewReport::parse(request, crate::clock::now()) {
            Ok(report) => {
                state
                    .db_write(move |conn| api::file_report(conn, &agency_id, &reader, report))
                    .await
            }
            Err(errors) => Err(AppError::Validation(errors)),
        },
        Err(error) => Err(error),
    };
    match filed {
        Ok(view) => {
            tracing::info!(report_id = %view.id, "interference report filed in the console");
            Ok(see_other(&format!("/console/interference/{}?done=filed", view.id)))
        }
        Err(error) => {
            let (status, refusal) = refusal_of(error)?;
            new_page(&user, status, Some(&form), Some(refusal))
        }
    }
}

#[derive(Template)]
#[template(path = "console/interference_report.html")]
struct ReportPage {
    layout: Layout,
    report: ReportRow,
    supervisor: bool,
    access_log: Vec<(String, String)>,
    notice: Option<&'static str>,
    refusal: Option<Refusal>,
}

#[derive(serde::Deserialize)]
pub struct ReportQuery {
    done: Option<String>,
}

async fn report_page(
    state: &AppState,
    user: &ConsoleUser,
    id: String,
    status: StatusCode,
    notice: Option<&'static str>,
    refusal: Option<Refusal>,
) -> Result<HttpResponse, ConsoleError> {
    let reader = reader_of(&user.current);
    let supervisor = reader.is_supervisor;
    let agency_id = user.current.agency_id.clone();
    let (view, log, names) = state
        .db_write(move |conn| {
            let view = api::read_report(conn, &agency_id, &reader, &id)?;
            let log = if reader.is_supervisor {
                Some(api::access_log_of(conn, &agency_id, &reader, &id)?)
            } else {
                None
            };
            Ok((view, log, names(conn, &agency_id)?))
        })
        .await?;
    let access_log = log
        .map(|log| {
            log.items
                .into_iter()
                .map(|entry| {
                    let who = match &entry.reader_id {
                        Some(id) => names.get(id).cloned().unwrap_or_else(|| id.clone()),
                        None => "（登记人不予显示）".to_string(),
                    };
                    (who, super::cases::local_time(&entry.at.to_rfc3339()))
                })
                .collect()
        })
        .unwrap_or_default();
    render(
        status,
        &ReportPage {
            layout: Layout::new(user, "干预插手登记", "/console/interference"),
            report: row_of(view, &names),
            supervisor,
            access_log,
            notice,
            refusal,
        },
    )
}

/// `GET /console/interference/{id}`: one report, for a supervisor or its reporter (404 for
/// anyone else); the read is recorded. Supervisors see the access log and the forms.
pub async fn show(
    state: web::Data<AppState>,
    user: ConsoleUser,
    id: web::Path<String>,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, ConsoleError> {
    let notice = match query.done.as_deref() {
        Some("filed") => Some("已登记。"),
        Some("referred") => Some("已移交。"),
        Some("outcome") => Some("已记录处理结果。"),
        _ => None,
    };
    report_page(&state, &user, id.into_inner(), StatusCode::OK, notice, None).await
}

/// `POST /console/interference/{id}/refer` (supervisors): as `POST …/refer`.
pub async fn refer(
    state: web::Data<AppState>,
    user: ConsoleUser,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, ConsoleError> {
    let form = Form(form.into_inner());
    csrf::check(&form, &user.csrf)?;
    require(&user, Role::Supervisor)?;
    let id = id.into_inner();
    let request = ReferRequest {
        to: form.get("to").unwrap_or_default().to_string(),
        note: form.text("note"),
    };
    let reader = reader_of(&user.current);
    let agency_id = user.current.agency_id.clone();
    let target = id.clone();
    let done = match parse_referral(request) {
        Ok((to, note)) => {
            state
                .db_write(move |conn| api::refer(conn, &agency_id, &reader, &target, to, note))
                .await
        }
        Err(error) => Err(error),
    };
    match done {
        Ok(view) => Ok(see_other(&format!("/console/interference/{}?done=referred", view.id))),
        Err(error) => {
            let (status, refusal) = refusal_of(error)?;
            report_page(&state, &user, id, status, None, Some(refusal)).await
        }
    }
}

/// `POST /console/interference/{id}/outcome` (supervisors): as `POST …/referral-outcome`.
pub async fn outcome(
    state: web::Data<AppState>,
    user: ConsoleUser,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, ConsoleError> {
    let form = Form(form.into_inner());
    csrf::check(&form, &user.csrf)?;
    require(&user, Role::Supervisor)?;
    let id = id.into_inner();
    let request = ReferralOutcomeRequest {
        outcome: form.get("outcome").unwrap_or_default().to_string(),
    };
    let reader = reader_of(&user.current);
    let agency_id = user.current.agency_id.clone();
    let target = id.clone();
    let done = match parse_outcome(request) {
        Ok(outcome) => {
            state
                .db_write(move |conn| api::record_outcome(conn, &agency_id, &reader, &target, outcome))
                .await
        }
        Err(error) => Err(error),
    };
    match done {
        Ok(view) => Ok(see_other(&format!("/console/interference/{}?done=outcome", view.id))),
        Err(error) => {
            let (status, refusal) = refusal_of(error)?;
            report_page(&state, &user, id, status, None, Some(refusal)).await
        }
    }
}
