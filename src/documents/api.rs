//! `GET /cases/{id}/documents`, `GET /documents/{id}`, `GET /documents/{id}/html`.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::auth::CurrentUser;
use crate::cases::model::Case;
use crate::clock;
use crate::db::DbConn;
use crate::documents::model::{DocumentContent, DocumentKind};
use crate::documents::store::{self, DocumentRow};
use crate::error::{AppError, AppResult, Problem};
use crate::http::{ApiQuery, Page, PageParams};
use crate::state::AppState;

pub const HASH_ALGORITHM: &str = "content_hash = hex(SHA-256(canonical JSON of content)); canonical JSON as for the case record: keys sorted by UTF-8 bytes, no whitespace, UTF-8 strings escaping only \", \\ and control characters, integers in decimal";

/// A document in a case's list.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentSummary {
    pub id: String,
    pub case_id: String,
    pub kind: DocumentKind,
    /// 行政处罚决定书, 不予行政处罚决定书 or 行政处罚事先告知书.
    pub title: String,
    /// 文号.
    pub number: String,
    pub content_hash: String,
    pub issued_at: DateTime<Utc>,
    /// The document that replaced this one (a new notice), if any.
    pub superseded_by: Option<String>,
    /// The printable page.
    pub html_url: String,
}

impl DocumentSummary {
    fn new(row: DocumentRow) -> Self {
        DocumentSummary {
            html_url: html_url(&row.id),
            title: row.kind.title().to_string(),
            issued_at: clock::from_db(row.issued_at),
            id: row.id,
            case_id: row.case_id,
            kind: row.kind,
            number: row.number,
            content_hash: row.content_hash,
            superseded_by: row.superseded_by,
        }
    }
}

/// A document with its content as issued.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentView {
    pub id: String,
    pub case_id: String,
    pub kind: DocumentKind,
    pub title: String,
    pub number: String,
    /// Exactly what was hashed and recorded when the step issued the document.
    #[schema(value_type = DocumentContent)]
    pub content: Value,
    /// SHA-256 of `content` in canonical JSON; the case record's event of the step that
    /// issued the document (`decide` or `notify`) carries it as `payload.document.hash`.
    pub content_hash: String,
    pub hash_algorithm: String,
    pub issued_at: DateTime<Utc>,
    pub superseded_by: Option<String>,
    pub html_url: String,
}

impl DocumentView {
    fn new(row: DocumentRow) -> AppResult<Self> {
        Ok(DocumentView {
            content: serde_json::from_str(&row.content).map_err(AppError::internal)?,
            html_url: html_url(&row.id),
            title: row.kind.title().to_string(),
            issued_at: clock::from_db(row.issued_at),
            hash_algorithm: HASH_ALGORITHM.into(),
            id: row.id,
            case_id: row.case_id,
            kind: row.kind,
            number: row.number,
            content_hash: row.content_hash,
            superseded_by: row.superseded_by,
        })
    }
}

fn html_url(id: &str) -> String {
    format!("/api/v1/documents/{id}/html")
}

fn check_reader(user: &CurrentUser, case: &Case) -> AppResult<()> {
    crate::cases::api::check_case_file_reader(user, case, "documents")
}

/// A document of the caller's agency that the caller may read.
fn readable(conn: &mut DbConn, user: &CurrentUser, id: &str) -> AppResult<DocumentRow> {
    let row = store::find(conn, &user.agency_id, id)?.ok_or(AppError::NotFound("document"))?;
    let (case, _) =
        crate::cases::store::load(conn, &user.agency_id, &row.case_id)?.ok_or(AppError::NotFound("document"))?;
    check_reader(user, &case)?;
    Ok(row)
}

/// The documents a case's steps issued (告知书 on `notify`, 决定书 on `decide`), in order.
#[utoipa::path(
    get, path = "/api/v1/cases/{id}/documents", tag = "documents",
    params(("id" = String, Path), PageParams),
    responses(
        (status = 200, body = inline(Page<DocumentSummary>)),
        (status = 400, body = Problem),
        (status = 401, body = Problem),
        (status = 403, body = Problem, description = "an officer who is not on the case"),
        (status = 404, body = Problem, description = "no such case in the caller's agency"),
    ),
    security(("bearer" = []))
)]
pub async fn list_case_documents(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    page: ApiQuery<PageParams>,
) -> AppResult<HttpResponse> {
    let request = page.0.validate()?;
    let case_id = id.into_inner();
    let page = state
        .db(move |conn| {
            let (case, _) =
                crate::cases::store::load(conn, &user.agency_id, &case_id)?.ok_or(AppError::NotFound("case"))?;
            check_reader(&user, &case)?;
            let rows = store::of_case(conn, &case.id, &request)?;
            Ok(Page::from_rows(rows, &request, |row| row.id.clone()).map(DocumentSummary::new))
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// A document with its content as issued and its hash.
#[utoipa::path(
    get, path = "/api/v1/documents/{id}", tag = "documents",
    params(("id" = String, Path)),
    responses(
        (status = 200, body = DocumentView),
        (status = 401, body = Problem),
        (status = 403, body = Problem, description = "an officer who is not on the case"),
        (status = 404, body = Problem, description = "no such document in the caller's agency"),
    ),
    security(("bearer" = []))
)]
pub async fn get_document(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let view = state
        .db(move |conn| DocumentView::new(readable(conn, &user, &id)?))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The document as a printable A4 page in Chinese (self-contained HTML).
#[utoipa::path(
    get, path = "/api/v1/documents/{id}/html", tag = "documents",
    params(("id" = String, Path)),
    responses(
        (status = 200, content_type = "text/html; charset=utf-8", body = String),
        (status = 401, body = Problem),
        (status = 403, body = Problem, description = "an officer who is not on the case"),
        (status = 404, body = Problem, description = "no such document in the caller's agency"),
    ),
    security(("bearer" = []))
)]
pub async fn get_document_html(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let html = state
        .db(move |conn| {
            let row = readable(conn, &user, &id)?;
            let content: DocumentContent = serde_json::from_str(&row.content).map_err(AppError::internal)?;
            Ok(crate::documents::html::render(
                &content,
                &row.content_hash,
                row.superseded_by.as_deref(),
            ))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        // The page loads nothing: its style is inline and it has no scripts.
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'",
        ))
        .body(html))
}
