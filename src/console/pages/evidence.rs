//! Evidence on the case page: the list (kind, file, SHA-256, size) and the upload form
//! (`multipart/form-data`: `csrf`, `kind`, `description`, then `file`). The file streams into
//! `evidence::api::attach`, the code behind `POST /cases/{id}/evidence`: the same checks
//! before a byte is read, the same storage, hashing, quota and record event. The form works
//! without JavaScript; `/console/static/upload.js` only adds a progress bar.
//!
//! CSRF: the form's hidden `csrf` field comes before the file; a file part reached without
//! the session's token is refused (403) before a byte of it is read, so nothing is stored.

use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt;

use crate::cases::api::{caller_of, check_case_file_reader};
use crate::console::session::ConsoleUser;
use crate::console::{ConsoleError, csrf, refusal_of, see_other};
use crate::db::DbConn;
use crate::error::AppError;
use crate::evidence::api::UploadParams;
use crate::evidence::model::EvidenceKind;
use crate::http::PageRequest;
use crate::state::AppState;

/// The most a text field of the upload form may hold.
const TEXT_FIELD_BYTES: usize = 8 * 1024;
/// The most evidence items the case page lists.
const LIST_LIMIT: i64 = 200;

/// An evidence item as the case page lists it.
pub struct EvidenceItem {
    pub kind: &'static str,
    pub filename: String,
    pub description: String,
    pub sha256: String,
    pub size: String,
    pub uploaded_at: String,
    pub record_seq: i32,
}

/// `bytes` for people: `1 234 567 字节（1.2 MB）`.
fn size_words(bytes: i64) -> String {
    let units = [("GB", 1u64 << 30), ("MB", 1 << 20), ("KB", 1 << 10)];
    let n = u64::try_from(bytes).unwrap_or(0);
    match units.iter().find(|(_, size)| n >= *size) {
        Some((unit, size)) => format!("{n} 字节（{:.1} {unit}）", n as f64 / *size as f64),
        None => format!("{n} 字节"),
    }
}

/// The kinds an upload may be, as (code, word).
pub fn kinds() -> Vec<(&'static str, &'static str)> {
    EvidenceKind::ALL.iter().map(|k| (k.as_str(), k.label())).collect()
}

/// The case's evidence for `user`, oldest first, when they may read the case file (as
/// `GET /cases/{id}/evidence` decides); `None` otherwise.
pub fn listed(
    conn: &mut DbConn,
    user: &ConsoleUser,
    case: &crate::cases::model::Case,
) -> Result<Option<Vec<EvidenceItem>>, AppError> {
    if check_case_file_reader(&user.current, case, "evidence").is_err() {
        return Ok(None);
    }
    let page = PageRequest {
        limit: LIST_LIMIT,
        after: None,
    };
    let rows = crate::evidence::store::of_case(conn, &case.id, &page)?;
    Ok(Some(
        rows.into_iter()
            .map(|row| EvidenceItem {
                kind: row.kind.label(),
                filename: row.original_filename,
                description: row.description.unwrap_or_default(),
                sha256: row.sha256,
                size: size_words(row.size_bytes),
                uploaded_at: super::cases::local_time(&crate::clock::from_db(row.uploaded_at).to_rfc3339()),
                record_seq: row.record_seq,
            })
            .collect(),
    ))
}

/// The multipart stream, fed from the connection by a local task: the parser wants a
/// `Send` stream, and actix's payload is not.
pub(super) fn relay(
    mut payload: web::Payload,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> + Send {
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    actix_web::rt::spawn(async move {
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|e| std::io::Error::other(e.to_string()));
            if sender.send(chunk).await.is_err() {
                break;
            }
        }
    });
    futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|item| (item, receiver))
    })
}

/// A text field's value, at most `TEXT_FIELD_BYTES`.
pub(super) async fn text_of(mut field: multer::Field<'static>) -> Result<String, AppError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(|e| AppError::bad_request(format!("the form could not be read: {e}")))?;
        if bytes.len() + chunk.len() > TEXT_FIELD_BYTES {
            return Err(AppError::bad_request("a text field of the form is too long"));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| AppError::bad_request("a text field of the form is not UTF-8"))
}

pub(super) fn unreadable(error: multer::Error) -> ConsoleError {
    ConsoleError::App(AppError::bad_request(format!("the form could not be read: {error}")))
}

/// `POST /console/cases/{id}/evidence`: the upload form. Success: back to the case (303).
/// Refusal: the case page with the rule (`empty_evidence`, `evidence_quota_exceeded`, a
/// field…), nothing stored.
pub async fn upload(
    state: web::Data<AppState>,
    user: ConsoleUser,
    req: HttpRequest,
    id: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ConsoleError> {
    let case_id = id.into_inner();
    let content_type = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    // Not a multipart form: it cannot carry the token either.
    let boundary = multer::parse_boundary(content_type).map_err(|_| ConsoleError::Csrf)?;
    let mut multipart = multer::Multipart::new(relay(payload), boundary);
    let mut token_ok = false;
    let mut kind = None;
    let mut description = None;
    let mut captured_at = None;
    let attempt = loop {
        let Some(field) = multipart.next_field().await.map_err(unreadable)? else {
            break Err(AppError::Validation(vec![crate::error::FieldError::new(
                "file",
                "required: choose the file to upload",
            )]));
        };
        match field.name().unwrap_or_default() {
            "file" => {
                // Checked before a byte of the file is read: a form without the token
                // stores nothing.
                if !token_ok {
                    return Err(ConsoleError::Csrf);
                }
                let filename = field.file_name().unwrap_or_default().to_string();
                let kind = match kind.as_deref().map(EvidenceKind::parse) {
                    Some(Some(kind)) => kind,
                    _ => {
                        break Err(AppError::Validation(vec![crate::error::FieldError::new(
                            "kind",
                            "required: photo, video, audio, document or other",
                        )]));
                    }
                };
                let params = UploadParams {
                    kind,
                    filename,
                    captured_at,
                    captured_by: None,
                    device: None,
                    description: description.take(),
                    correction_reason: None,
                };
                let caller = caller_of(&user.current);
                break crate::evidence::api::attach(
                    &state,
                    caller,
                    case_id.clone(),
                    params,
                    None,
                    None,
                    Box::pin(field),
                )
                .await;
            }
            name => {
                let name = name.to_string();
                let value = text_of(field).await?;
                match name.as_str() {
                    csrf::FIELD => token_ok = csrf::matches(&value, &user.csrf),
                    "kind" => kind = Some(value.trim().to_string()),
                    "description" => {
                        description = Some(value.trim().to_string()).filter(|v| !v.is_empty());
                    }
                    "captured_at" => {
                        captured_at = match value.trim() {
                            "" => None,
                            text => Some(parse_local_time(text)?),
                        }
                    }
                    _ => {}
                }
            }
        }
    };
    if !token_ok {
        return Err(ConsoleError::Csrf);
    }
    match attempt {
        Ok(row) => {
            tracing::info!(case_id = %row.case_id, evidence_id = %row.id, "evidence uploaded in the console");
            Ok(see_other(&format!(
                "/console/cases/{}?done=evidence#evidence",
                row.case_id
            )))
        }
        Err(error) => {
            let (status, refusal) = refusal_of(error)?;
            super::cases::case_page_with(&state, &user, case_id, status, None, Some(refusal)).await
        }
    }
}

/// A `datetime-local` value (Beijing time), as UTC.
fn parse_local_time(text: &str) -> Result<chrono::DateTime<chrono::Utc>, AppError> {
    let local = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| {
            AppError::Validation(vec![crate::error::FieldError::new(
                "captured_at",
                "a date and time, e.g. 2024-09-27T10:30",
            )])
        })?;
    Ok((local - chrono::Duration::hours(8)).and_utc())
}
