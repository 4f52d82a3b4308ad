//! The head's publishing and review pages: disclosures to publish (事后公示), through the
//! same store functions as `GET /disclosures` and `POST /disclosures/{id}/publish`; and the
//! case-file review campaigns (案卷评查) with their report, built by `file_reviews::report`
//! as `GET /review-campaigns/{id}/report` builds it (JSON or XLSX).

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, Charset, ContentDisposition, DispositionParam, DispositionType, ExtendedValue};
use actix_web::{HttpResponse, web};
use askama::Template;
use diesel::prelude::*;
use serde::Deserialize;

use crate::auth::Role;
use crate::clock;
use crate::console::session::ConsoleUser;
use crate::console::{ConsoleError, Form, Layout, Refusal, csrf, refusal_of, render, require, see_other};
use crate::db::schema::cases;
use crate::disclosures::model::DisclosureStatus;
use crate::error::AppError;
use crate::file_reviews::report::{self, CampaignReport};
use crate::http::PageRequest;
use crate::state::AppState;

/// Most rows a list shows.
const LIST_LIMIT: i64 = 200;

/// A pending disclosure as the list shows it.
pub struct PendingDisclosure {
    pub id: String,
    pub case_id: String,
    pub case_number: String,
    pub kind: &'static str,
    pub source_on: String,
    pub due_on: String,
    pub overdue: bool,
}

#[derive(Template)]
#[template(path = "console/disclosures.html")]
struct DisclosuresPage {
    layout: Layout,
    rows: Vec<PendingDisclosure>,
    truncated: bool,
    notice: Option<String>,
    refusal: Option<Refusal>,
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

async fn disclosures_response(
    state: &AppState,
    user: &ConsoleUser,
    status: StatusCode,
    notice: Option<String>,
    refusal: Option<Refusal>,
) -> Result<HttpResponse, ConsoleError> {
    let agency_id = user.current.agency_id.clone();
    let today = clock::today();
    let (rows, numbers) = state
        .db(move |conn| {
            let rows = crate::disclosures::store::list(
                conn,
                &agency_id,
                Some(DisclosureStatus::Pending),
                &PageRequest {
                    limit: LIST_LIMIT,
                    after: None,
                },
            )?;
            let ids: Vec<String> = rows.iter().map(|r| r.case_id.clone()).collect();
            let numbers: HashMap<String, String> = cases::table
                .filter(cases::agency_id.eq(&agency_id))
                .filter(cases::id.eq_any(ids))
                .select((cases::id, cases::case_number))
                .load::<(String, String)>(conn)?
                .into_iter()
                .collect();
            Ok::<_, AppError>((rows, numbers))
        })
        .await?;
    let truncated = rows.len() as i64 > LIST_LIMIT;
    let mut rows: Vec<PendingDisclosure> = rows
        .into_iter()
        .take(LIST_LIMIT as usize)
        .map(|row| PendingDisclosure {
            overdue: row.overdue_on(today),
            case_number: numbers.get(&row.case_id).cloned().unwrap_or_default(),
            kind: row.kind.label(),
            source_on: row.source_on.to_string(),
            due_on: row.due_on.to_string(),
            id: row.id,
            case_id: row.case_id,
        })
        .collect();
    // Soonest due first: what is late or nearly so comes to the top.
    rows.sort_by(|a, b| a.due_on.cmp(&b.due_on).then_with(|| a.id.cmp(&b.id)));
    render(
        status,
        &DisclosuresPage {
            layout: Layout::new(user, "待公示", "/console/disclosures"),
            rows,
            truncated,
            notice,
            refusal,
        },
    )
}

/// `GET /console/disclosures` (supervisors): the disclosures pending publication, soonest
/// due first, overdue ones marked, each with a publish form.
pub async fn pending(
    state: web::Data<AppState>,
    user: ConsoleUser,
    query: web::Query<DoneQuery>,
) -> Result<HttpResponse, ConsoleError> {
    require(&user, Role::Supervisor)?;
    let notice = (query.done.as_deref() == Some("published"))
        .then(|| "已公示，公开内容已固定并记入执法全过程记录。".to_string());
    disclosures_response(&state, &user, StatusCode::OK, notice, None).await
}

/// `POST /console/disclosures/{id}/publish` (supervisors): publishes as
/// `POST /disclosures/{id}/publish` does (`disclosures::store::publish`, one write
/// transaction). A refusal (not pending, a minor's case) shows on the list, nothing changed.
pub async fn publish(
    state: web::Data<AppState>,
    user: ConsoleUser,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, ConsoleError> {
    let form = Form(form.into_inner());
    csrf::check(&form, &user.csrf)?;
    require(&user, Role::Supervisor)?;
    let id = id.into_inner();
    let (agency_id, actor_id) = (user.current.agency_id.clone(), user.current.id.clone());
    let published = state
        .db_write(move |conn| {
            crate::disclosures::store::publish(conn, &agency_id, &id, &actor_id, clock::today(), clock::now())
        })
        .await;
    match published {
        Ok(row) => {
            tracing::info!(disclosure_id = %row.id, "disclosure published in the console");
            Ok(see_other("/console/disclosures?done=published"))
        }
        Err(error) => {
            let (status, refusal) = refusal_of(error)?;
            disclosures_response(&state, &user, status, None, Some(refusal)).await
        }
    }
}

/// A campaign as the list shows it.
pub struct CampaignLine {
    pub id: String,
    pub name: String,
    pub period: String,
    pub eligible: i32,
    pub sampled: i32,
}

#[derive(Template)]
#[template(path = "console/campaigns.html")]
struct CampaignsPage {
    layout: Layout,
    rows: Vec<CampaignLine>,
}

/// `GET /console/campaigns` (supervisors): the agency's review campaigns, newest first.
pub async fn campaigns(state: web::Data<AppState>, user: ConsoleUser) -> Result<HttpResponse, ConsoleError> {
    require(&user, Role::Supervisor)?;
    let agency_id = user.current.agency_id.clone();
    let rows = state
        .db(move |conn| {
            Ok::<_, AppError>(crate::file_reviews::store::list_campaigns(
                conn,
                &agency_id,
                &PageRequest {
                    limit: LIST_LIMIT,
                    after: None,
                },
            )?)
        })
        .await?;
    let mut rows: Vec<CampaignLine> = rows
        .into_iter()
        .take(LIST_LIMIT as usize)
        .map(|row| CampaignLine {
            id: row.id,
            name: row.name,
            period: row.period,
            eligible: row.eligible_count,
            sampled: row.sample_count,
        })
        .collect();
    rows.reverse();
    render(
        StatusCode::OK,
        &CampaignsPage {
            layout: Layout::new(&user, "案卷评查", "/console/campaigns"),
            rows,
        },
    )
}

#[derive(Template)]
#[template(path = "console/campaign.html")]
struct CampaignPage {
    layout: Layout,
    report: CampaignReport,
    average: String,
}

async fn campaign_report(state: &AppState, user: &ConsoleUser, id: String) -> Result<CampaignReport, ConsoleError> {
    let agency_id = user.current.agency_id.clone();
    Ok(state
        .db(move |conn| {
            let row = crate::file_reviews::store::find_campaign(conn, &agency_id, &id)?
                .ok_or(AppError::NotFound("review campaign"))?;
            report::build(conn, &row, clock::today())
        })
        .await?)
}

/// `GET /console/campaigns/{id}` (supervisors): the campaign's report — files reviewed,
/// average score, grade distribution, the most frequent deductions, exemplary and poor
/// files, rectifications — and the link to its XLSX.
pub async fn campaign(
    state: web::Data<AppState>,
    user: ConsoleUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    require(&user, Role::Supervisor)?;
    let report = campaign_report(&state, &user, id.into_inner()).await?;
    let average = report
        .average_score
        .map(|score| format!("{score:.1}"))
        .unwrap_or_else(|| "—".to_string());
    render(
        StatusCode::OK,
        &CampaignPage {
            layout: Layout::new(&user, format!("案卷评查 {}", report.name), "/console/campaigns"),
            report,
            average,
        },
    )
}

/// `GET /console/campaigns/{id}/report.xlsx` (supervisors): the same workbook as
/// `GET /review-campaigns/{id}/report?format=xlsx`.
pub async fn campaign_xlsx(
    state: web::Data<AppState>,
    user: ConsoleUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    require(&user, Role::Supervisor)?;
    let report = campaign_report(&state, &user, id.into_inner()).await?;
    let bytes = report::xlsx(&report).map_err(ConsoleError::internal)?;
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![DispositionParam::FilenameExt(ExtendedValue {
            charset: Charset::Ext("UTF-8".into()),
            language_tag: None,
            value: format!("案卷评查报告-{}.xlsx", report.period).into_bytes(),
        })],
    };
    Ok(HttpResponse::Ok()
        .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .insert_header((header::CONTENT_DISPOSITION, disposition))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(bytes))
}
