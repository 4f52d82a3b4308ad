//! Opening an inspection (新建检查): the form with the agency's subjects (searchable), the
//! published items, the powers in force and the officers, and the opening itself through
//! `prepare_case` / `insert_prepared_case`, as `POST /cases` does.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use serde_json::json;

use super::cases::Choice;
use crate::auth::Role;
use crate::cases::api::caller_of;
use crate::cases::model::{CreateCaseRequest, NewCase};
use crate::cases::store;
use crate::clock;
use crate::console::session::ConsoleUser;
use crate::console::{ConsoleError, Form, Layout, Refusal, csrf, refusal_of, render, require, see_other};
use crate::db::DbConn;
use crate::error::AppError;
use crate::http::PageRequest;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "console/new_case.html")]
struct NewInspectionPage {
    layout: Layout,
    subjects: Vec<Choice>,
    items: Vec<Choice>,
    powers: Vec<Choice>,
    officers: Vec<Choice>,
    summary: String,
    refusal: Option<Refusal>,
    /// The subject search (name, unified social credit code or industry), if any.
    q: String,
}

/// The registers the opening form chooses from, as (id, label): subjects, inspection items
/// and powers in force today, officers.
pub struct Registers {
    subjects: Vec<(String, String)>,
    items: Vec<(String, String)>,
    powers: Vec<(String, String)>,
    officers: Vec<(String, String)>,
}

fn registers(conn: &mut DbConn, agency_id: &str, q: Option<String>) -> Result<Registers, AppError> {
    let page = PageRequest {
        limit: 1000,
        after: None,
    };
    // The subjects as `GET /subjects?q=` lists them: `q` in the name, the unified social
    // credit code or the industry.
    let subject_filter = crate::subjects::store::SubjectFilter {
        q,
        ..Default::default()
    };
    let subjects = crate::subjects::store::list(conn, agency_id, &subject_filter, &page)?
        .into_iter()
        .map(|s| {
            let label = match &s.profile.uscc {
                Some(code) => format!("{}（{code}）", s.profile.name),
                None => s.profile.name,
            };
            (s.id, label)
        })
        .collect();
    let filter = crate::inspection_items::store::ItemFilter {
        in_force_on: Some(clock::today()),
        ..Default::default()
    };
    let items = crate::inspection_items::store::list(conn, agency_id, &filter, &page)?
        .into_iter()
        .map(|i| (i.id, format!("{} {}", i.code, i.name)))
        .collect();
    let powers = crate::powers::store::list(
        conn,
        agency_id,
        &crate::powers::store::PowerFilter {
            in_force_on: Some(clock::today()),
            ..Default::default()
        },
        &page,
    )?
    .into_iter()
    .map(|(power, version)| (power.id, format!("{} {}", version.code, version.content.name)))
    .collect();
    let officers = crate::officers::store::list(conn, agency_id, None, &page)?
        .into_iter()
        .map(|u| {
            let label = match &u.certificate_no {
                Some(no) => format!("{}（执法证 {no}）", u.display_name),
                None => u.display_name.clone(),
            };
            (u.id, label)
        })
        .collect();
    Ok(Registers {
        subjects,
        items,
        powers,
        officers,
    })
}

fn as_choices(rows: Vec<(String, String)>, selected: &[String]) -> Vec<Choice> {
    rows.into_iter()
        .map(|(value, label)| Choice {
            selected: selected.contains(&value),
            value,
            label,
        })
        .collect()
}

async fn new_inspection_response(
    state: &AppState,
    user: &ConsoleUser,
    status: StatusCode,
    form: Option<&Form>,
    refusal: Option<Refusal>,
    q: Option<String>,
) -> Result<HttpResponse, ConsoleError> {
    let agency_id = user.current.agency_id.clone();
    let q = q.map(|q| q.trim().to_string()).filter(|q| !q.is_empty());
    let search = q.clone();
    let found = state.db(move |conn| registers(conn, &agency_id, search)).await?;
    let chosen = |name: &str| form.map(|f| f.all(name)).unwrap_or_default();
    let mut officer_ids = chosen("officer_ids");
    if form.is_none() {
        officer_ids.push(user.current.id.clone());
    }
    render(
        status,
        &NewInspectionPage {
            layout: Layout::new(user, "新建行政检查", "/console/cases/new"),
            subjects: as_choices(found.subjects, &chosen("subject_id")),
            items: as_choices(found.items, &chosen("inspection_item_ids")),
            powers: as_choices(found.powers, &chosen("power_ids")),
            officers: as_choices(found.officers, &officer_ids),
            summary: form.and_then(|f| f.get("summary")).unwrap_or_default().to_string(),
            refusal,
            q: q.unwrap_or_default(),
        },
    )
}

#[derive(Deserialize)]
pub struct NewInspectionQuery {
    q: Option<String>,
}

/// `GET /console/cases/new?q=`: the form opening an inspection case; `q` narrows the
/// subjects to those whose name, code or industry holds it.
pub async fn new_inspection_page(
    state: web::Data<AppState>,
    user: ConsoleUser,
    query: web::Query<NewInspectionQuery>,
) -> Result<HttpResponse, ConsoleError> {
    require(&user, Role::Officer)?;
    let q = query.into_inner().q;
    new_inspection_response(&state, &user, StatusCode::OK, None, None, q).await
}

/// `POST /console/cases/new`: opens an inspection as `POST /cases` does (the same request
/// type, the same checks, numbering and record); the signed-in officer leads.
pub async fn open_inspection(
    state: web::Data<AppState>,
    user: ConsoleUser,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, ConsoleError> {
    let form = Form(form.into_inner());
    csrf::check(&form, &user.csrf)?;
    require(&user, Role::Officer)?;
    // The signed-in officer leads: first among the officers chosen.
    let mut officer_ids = vec![user.current.id.clone()];
    officer_ids.extend(form.all("officer_ids").into_iter().filter(|id| *id != user.current.id));
    let item_ids = form.all("inspection_item_ids");
    let mut power_ids = form.all("power_ids");
    if power_ids.is_empty() && !item_ids.is_empty() {
        // Without powers chosen, the case cites the powers of the items chosen.
        let agency_id = user.current.agency_id.clone();
        let lookup = item_ids.clone();
        let items = state
            .db(move |conn| Ok(crate::inspection_items::store::find_many(conn, &agency_id, &lookup)?))
            .await?;
        for item in items {
            if !power_ids.contains(&item.power_id) {
                power_ids.push(item.power_id);
            }
        }
    }
    let mut body = json!({
        "kind": "inspection",
        "officer_ids": officer_ids,
        "inspection_item_ids": item_ids,
        "power_ids": power_ids,
        "summary": form.get("summary").unwrap_or_default(),
    });
    if let Some(subject) = form.text("subject_id") {
        body["subject_id"] = json!(subject);
    }
    let opened = match crate::http::from_json_value::<CreateCaseRequest>(body) {
        Ok(request) => open(&state, &user, request).await,
        Err(error) => Err(error),
    };
    match opened {
        Ok(case_id) => Ok(see_other(&format!("/console/cases/{case_id}?done=opened"))),
        Err(error) => {
            let (status, refusal) = refusal_of(error)?;
            let q = form.text("q");
            new_inspection_response(&state, &user, status, Some(&form), Some(refusal), q).await
        }
    }
}

/// `POST /cases`'s path: parse, check outside the write, number and insert inside it.
async fn open(state: &AppState, user: &ConsoleUser, request: CreateCaseRequest) -> Result<String, AppError> {
    let caller = caller_of(&user.current);
    let input = NewCase::try_from(request)?;
    let today = clock::today();
    let checker = caller.clone();
    let prepared = state
        .db(move |conn| store::prepare_case(conn, &checker, input, today))
        .await?;
    let (case, _) = state
        .db_write(move |conn| store::insert_prepared_case(conn, &caller, prepared, clock::now()))
        .await?;
    tracing::info!(case_id = %case.id, case_number = %case.case_number, "case opened in the console");
    Ok(case.id)
}
