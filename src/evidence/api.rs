//! `POST /cases/{id}/evidence` (streamed upload), `GET /cases/{id}/evidence`,
//! `GET /evidence/{id}`, `GET /evidence/{id}/content` (Range), `POST /evidence/{id}/verify`.

use std::io::{Read, Seek, SeekFrom};

use actix_web::body::SizedStream;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, Charset, ContentDisposition, DispositionParam, DispositionType, ExtendedValue};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};

use crate::auth::CurrentUser;
use crate::cases::api::{caller_of, check_case_file_reader};
use crate::clock;
use crate::db::DbConn;
use crate::error::{AppError, AppResult, Problem};
use crate::evidence::model::{self, EvidenceKind, RangeRequest, UploadMetadata};
use crate::evidence::storage::{BlobStore, BlobWriter};
use crate::evidence::store::{self, EvidenceRow, StoredUpload};
use crate::evidence::upload::{hash_body, receive};
use crate::http::{ApiQuery, Page, PageParams};
use crate::idempotency::{self, Acted, Answer, IdempotencyKey};
use crate::state::AppState;

/// The size of the chunks a download reads and sends.
const DOWNLOAD_CHUNK_BYTES: usize = 256 * 1024;
/// Chunks of a download read ahead of the connection.
const DOWNLOAD_CHUNKS_AHEAD: usize = 4;

/// An evidence item's metadata.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceView {
    pub id: String,
    pub case_id: String,
    pub kind: EvidenceKind,
    /// 照片, 视频, 录音, 书证 or 其他.
    pub kind_label: String,
    /// The name the file is served under: the original with path separators and control
    /// characters replaced by `_`.
    pub filename: String,
    /// The name as uploaded.
    pub original_filename: String,
    pub content_type: String,
    /// SHA-256 of the content, hex; also the download's `ETag` and the record event's
    /// `payload.sha256`.
    pub sha256: String,
    pub size_bytes: i64,
    pub captured_at: Option<DateTime<Utc>>,
    /// The user who captured it (the uploader unless `captured_by` was given).
    pub captured_by: String,
    pub device: Option<String>,
    pub description: Option<String>,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
    /// The `seq` of the case record's event that recorded the upload.
    pub record_seq: i32,
    /// Set on evidence added to a closed case (`correct_evidence`).
    pub correction_reason: Option<String>,
    pub content_url: String,
}

impl EvidenceView {
    pub fn new(row: EvidenceRow) -> Self {
        EvidenceView {
            content_url: format!("/api/v1/evidence/{}/content", row.id),
            kind_label: row.kind.label().to_string(),
            captured_at: row.captured_at.map(clock::from_db),
            uploaded_at: clock::from_db(row.uploaded_at),
            id: row.id,
            case_id: row.case_id,
            kind: row.kind,
            filename: row.filename,
            original_filename: row.original_filename,
            content_type: row.content_type,
            sha256: row.sha256,
            size_bytes: row.size_bytes,
            captured_by: row.captured_by,
            device: row.device,
            description: row.description,
            uploaded_by: row.uploaded_by,
            record_seq: row.record_seq,
            correction_reason: row.correction_reason,
        }
    }
}

/// The agency's evidence against its storage quota, as `GET /settings` shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceStorage {
    /// The sizes of the agency's evidence items added up; an item counts in full even when
    /// its content is stored once for several items.
    pub used_bytes: u64,
    /// ENFORCEMENT_EVIDENCE_QUOTA_BYTES; null when the operator set no quota.
    pub quota_bytes: Option<u64>,
    /// What uploads may still add; null without a quota.
    pub remaining_bytes: Option<u64>,
}

/// The agency's evidence storage now.
pub fn storage_of(conn: &mut DbConn, agency_id: &str, quota_bytes: Option<u64>) -> AppResult<EvidenceStorage> {
    let usage = store::usage(conn, agency_id, quota_bytes)?;
    Ok(EvidenceStorage {
        used_bytes: usage.used_bytes,
        quota_bytes: usage.quota_bytes,
        remaining_bytes: usage.remaining_bytes(),
    })
}

/// The metadata of an upload; the file is the request body.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadParams {
    pub kind: EvidenceKind,
    /// The original file name (UTF-8, at most 255 characters); path separators and control
    /// characters are replaced by `_` in the stored name, the original is kept.
    #[param(
        min_length = 1,
        max_length = 255,
        pattern = r"[^\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub filename: String,
    /// When it was captured (RFC 3339); not in the future.
    #[param(
        pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
    )]
    pub captured_at: Option<DateTime<Utc>>,
    /// The user who captured it, when not the uploader: a user of the agency.
    pub captured_by: Option<String>,
    /// The device, e.g. 执法记录仪 DSJ-V8 #0231 (at most 200 characters, no control
    /// characters but tab and line feed).
    #[param(max_length = 200, pattern = r"^[^\x00-\x08\x0b-\x1f\x7f-\x9f]*$")]
    pub device: Option<String>,
    /// At most 2,000 characters, no control characters but tab and line feed.
    #[param(max_length = 2000, pattern = r"^[^\x00-\x08\x0b-\x1f\x7f-\x9f]*$")]
    pub description: Option<String>,
    /// Required, and only allowed, on a closed case: why evidence is added after closing.
    pub correction_reason: Option<String>,
}

/// The request body of an upload: the file's bytes, of any type.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct EvidenceFile(#[allow(dead_code)] Vec<u8>);

/// Runs storage work on the blocking pool in the request's tracing span.
pub(crate) async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> AppResult<T> {
    let span = tracing::Span::current();
    Ok(web::block(move || span.in_scope(work)).await?)
}

pub(crate) fn storage_failed(error: std::io::Error) -> AppError {
    tracing::error!(%error, "evidence storage failed");
    AppError::Unavailable(format!("the evidence store failed: {error}"))
}

/// Attach evidence to a case: the file is the request body, streamed to storage and hashed
/// on the way; metadata in the query. Answered only once the file is durable and the
/// upload recorded in the case's record (`attach_evidence`, or `correct_evidence` on a
/// closed case), whose payload carries the SHA-256. The same content uploaded again is
/// stored once but is its own item and event.
///
/// An agency's items may add up to ENFORCEMENT_EVIDENCE_QUOTA_BYTES (`evidence_storage` in
/// `GET /settings` shows the figures): an upload that would take it beyond is refused with
/// the rule `evidence_quota_exceeded` — before its body is read when `Content-Length`
/// already says so, and in any case when it is recorded, so that concurrent uploads cannot
/// pass together — and nothing of it is kept.
///
/// With `Idempotency-Key`, the same upload sent again (same metadata, same bytes) is
/// answered with the first response and stores nothing: before its body is read when it
/// names its digest (`Content-Digest` or `X-Content-SHA256`), otherwise once the body is
/// hashed (and not kept). Another upload under the same key is refused (422
/// `idempotency_key_reused`).
#[utoipa::path(
    post, path = "/api/v1/cases/{id}/evidence", tag = "evidence",
    params(
        ("id" = String, Path),
        UploadParams,
        ("Content-Digest" = Option<String>, Header, description = "RFC 9530, sha-256=:<base64>:; a mismatch is refused and nothing is kept", pattern = "^sha-256=:[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=:$"),
        ("X-Content-SHA256" = Option<String>, Header, description = "the expected SHA-256 in hex; a mismatch is refused and nothing is kept", pattern = "^[0-9A-Fa-f]{64}$"),
        idempotency::KeyHeader,
    ),
    request_body(content = inline(EvidenceFile), content_type = "application/octet-stream", description = "the file's bytes (any media type is accepted; the stored type comes from the file name's extension)"),
    responses(
        (status = 201, body = EvidenceView, headers(("Location" = String))),
        (status = 400, body = Problem, description = "a malformed query parameter or digest header, or an upload interrupted before its end"),
        (status = 403, body = Problem, description = "not an officer of the case (a closed case: nor a supervisor)"),
        (status = 404, body = Problem, description = "no such case in the caller's agency"),
        (status = 413, body = Problem, description = "larger than ENFORCEMENT_EVIDENCE_MAX_BYTES"),
        (status = 422, body = Problem, description = "a field, an empty body (empty_evidence), a digest mismatch (digest_mismatch), a closed case without correction_reason (case_closed_evidence), or an upload that would take the agency's evidence beyond ENFORCEMENT_EVIDENCE_QUOTA_BYTES (evidence_quota_exceeded; nothing is kept)"),
        (status = 503, body = Problem, description = "the evidence store or the database failed; nothing was recorded"),
    ),
    security(("bearer" = []))
)]
pub async fn upload_evidence(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<String>,
    params: ApiQuery<UploadParams>,
    body: web::Payload,
) -> AppResult<HttpResponse> {
    let case_id = id.into_inner();
    let header_text = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let expected = model::expected_digest(
        header_text("content-digest").as_deref(),
        header_text("x-content-sha256").as_deref(),
    )?;
    let declared_length = header_text("content-length").and_then(|v| v.trim().parse::<u64>().ok());
    let caller = caller_of(&user);
    let key = idempotency::key_text(&req)?;
    // The key covers the metadata and the body, known by its SHA-256, which the upload
    // computes as it streams: nothing is held in memory to compare a retry with.
    let keyed = |key: &str, sha256: &[u8; 32]| IdempotencyKey::of_upload(&req, &user.id, key, sha256);
    if let (Some(key), Some(expected)) = (&key, &expected) {
        // A retry that names its digest is answered before its body is read.
        if let Some(replayed) = idempotency::replay(&state, Some(&keyed(key, expected)), UPLOADED).await? {
            return Ok(replayed);
        }
    } else if let Some(key) = &key {
        let (user_id, stored_key) = (user.id.clone(), key.clone());
        if state
            .db(move |conn| Ok(idempotency::is_stored(conn, &user_id, &stored_key)?))
            .await?
        {
            // Only the body tells a retry from another upload under the same key: it is
            // hashed as it streams, and kept nowhere.
            let sha256 = hash_body(body, state.settings.evidence_max_bytes, state.settings.body_timeout).await?;
            return idempotency::replay(&state, Some(&keyed(key, &sha256)), UPLOADED)
                .await?
                .ok_or_else(|| {
                    AppError::Unavailable("the Idempotency-Key was forgotten meanwhile; send it again".into())
                });
        }
    }
    let received = receive_upload(&state, &caller, &case_id, params.0, expected, declared_length, body).await?;
    let key = key.map(|key| keyed(&key, &received.sha256));
    Ok(match record(&state, caller, case_id, received, key).await? {
        Acted::Done(reply, _) => idempotency::respond(&reply, false, UPLOADED),
        Acted::Replayed(reply) => idempotency::respond(&reply, true, UPLOADED),
    })
}

/// How an upload is answered: 201 with `Location: /api/v1/evidence/{id}`.
const UPLOADED: Answer = Answer::created_under("/api/v1/evidence");

/// An upload of `POST /cases/{id}/evidence` (and of the staff console's upload form): the
/// checks before the body is read, the body streamed to storage and hashed, then recorded
/// in the case's record — or refused, keeping nothing. `declared_length` is the body's
/// `Content-Length` when known; `expected` the digest the client named.
pub async fn attach<S, E>(
    state: &AppState,
    caller: crate::cases::store::Caller,
    case_id: String,
    params: UploadParams,
    expected: Option<[u8; 32]>,
    declared_length: Option<u64>,
    body: S,
) -> AppResult<EvidenceRow>
where
    S: futures_util::Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let received = receive_upload(state, &caller, &case_id, params, expected, declared_length, body).await?;
    match record(state, caller, case_id, received, None).await? {
        Acted::Done(_, row) => Ok(row),
        Acted::Replayed(_) => Err(AppError::internal(anyhow::anyhow!(
            "an upload sent without Idempotency-Key was answered as a replay"
        ))),
    }
}

/// An upload received and durable, not yet recorded.
pub(crate) struct ReceivedUpload {
    upload: StoredUpload,
    writer: Box<dyn BlobWriter>,
    /// The body's SHA-256.
    pub(crate) sha256: [u8; 32],
}

/// The first half of an upload: the checks before the body is read, then the body streamed
/// to storage, hashed, checked against `expected` and made durable.
pub(crate) async fn receive_upload<S, E>(
    state: &AppState,
    caller: &crate::cases::store::Caller,
    case_id: &str,
    params: UploadParams,
    expected: Option<[u8; 32]>,
    declared_length: Option<u64>,
    body: S,
) -> AppResult<ReceivedUpload>
where
    S: futures_util::Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let limit = state.settings.evidence_max_bytes;
    if let Some(length) = declared_length {
        if length > limit {
            return Err(AppError::PayloadTooLarge(usize::try_from(limit).unwrap_or(usize::MAX)));
        }
        if length == 0 {
            return Err(empty_evidence());
        }
    }
    let metadata = model::check_metadata(
        UploadMetadata {
            filename: params.filename,
            captured_at: params.captured_at,
            device: params.device,
            description: params.description,
        },
        clock::now(),
    )?;
    let captured_by = params.captured_by.map(|c| c.trim().to_string());
    let correction_reason = params.correction_reason;
    let quota_bytes = state.settings.evidence_quota_bytes;
    // Refuse before reading the body, so a refused upload writes nothing.
    let usage = {
        let (caller, case_id, captured_by, reason) = (
            caller.clone(),
            case_id.to_string(),
            captured_by.clone(),
            correction_reason.clone(),
        );
        state
            .db(move |conn| {
                store::check_upload(conn, &caller, &case_id, captured_by.as_deref(), reason.as_deref())?;
                Ok(store::usage(conn, &caller.agency_id, quota_bytes)?)
            })
            .await?
    };
    if let Some(length) = declared_length {
        usage.check_room_for(length)?;
    }
    let received = receive(state.evidence.clone(), body, limit, usage, state.settings.body_timeout).await?;
    if received.size == 0 {
        blocking(move || drop(received.writer)).await?;
        return Err(empty_evidence());
    }
    if let Some(expected) = expected
        && expected != received.sha256
    {
        blocking(move || drop(received.writer)).await?;
        return Err(AppError::rule(
            "digest_mismatch",
            format!(
                "the body's SHA-256 is {}, not the {} the request names; nothing was kept",
                hex::encode(received.sha256),
                hex::encode(expected)
            ),
        ));
    }
    let sha256 = hex::encode(received.sha256);
    // The bytes are made durable here; the transaction that records the upload has only to
    // name the file, once the quota and the case admit it.
    let writer = {
        let mut writer = received.writer;
        blocking(move || writer.sync().map(|()| writer))
            .await?
            .map_err(storage_failed)?
    };
    let upload = StoredUpload {
        kind: params.kind,
        metadata,
        captured_by,
        correction_reason,
        sha256,
        size_bytes: received.size,
    };
    Ok(ReceivedUpload {
        upload,
        writer,
        sha256: received.sha256,
    })
}

/// The second half of an upload: recorded in the case's record under an optional key (the
/// reply stored with it), or the reply stored under the key replayed, keeping nothing new.
pub(crate) async fn record(
    state: &AppState,
    caller: crate::cases::store::Caller,
    case_id: String,
    received: ReceivedUpload,
    key: Option<IdempotencyKey>,
) -> AppResult<Acted<EvidenceRow>> {
    let ReceivedUpload { upload, writer, .. } = received;
    let sha256 = upload.sha256.clone();
    let quota_bytes = state.settings.evidence_quota_bytes;
    let recorded = {
        let (sha256, key) = (sha256.clone(), key.clone());
        state
            .db_write(move |conn| {
                idempotency::act(conn, key.as_ref(), UPLOADED, |conn| {
                    let (row, unrecorded) =
                        store::record_upload(conn, &caller, &case_id, upload, quota_bytes, clock::now(), move || {
                            writer.commit(&sha256).map_err(storage_failed)
                        })?;
                    Ok((EvidenceView::new(row.clone()), (row, unrecorded)))
                })
            })
            .await
    };
    let (reply, (row, unrecorded)) = match recorded {
        Ok(Acted::Done(reply, recorded)) => (reply, recorded),
        // The file was dropped in the transaction: the key had answered already.
        Ok(Acted::Replayed(reply)) => return Ok(Acted::Replayed(reply)),
        Err(error) => {
            // Refused before the file was stored: the writer was dropped in the transaction,
            // and its temporary file with it. Failed after: the file stays for now,
            // unrecorded (another item may hold the same content); the next start-up
            // removes it unless a row names its content.
            if error.status_code().is_server_error() {
                tracing::warn!(%sha256, error = %error, "an evidence upload was not recorded");
            }
            return idempotency::twin_reply(state, key, error).await.map(Acted::Replayed);
        }
    };
    if let Err(error) = blocking(move || unrecorded.recorded()).await? {
        // Harmless: the next start-up finds the row and keeps the file.
        tracing::warn!(%sha256, %error, "could not remove the marker of a recorded upload");
    }
    tracing::info!(evidence_id = %row.id, %sha256, size_bytes = row.size_bytes, "evidence attached");
    Ok(Acted::Done(reply, row))
}

fn empty_evidence() -> AppError {
    AppError::rule(
        "empty_evidence",
        "the request body is empty: an evidence item is a file of at least one byte",
    )
}

/// A case's evidence, oldest first.
#[utoipa::path(
    get, path = "/api/v1/cases/{id}/evidence", tag = "evidence",
    params(("id" = String, Path), PageParams),
    responses(
        (status = 200, body = inline(Page<EvidenceView>)),
        (status = 400, body = Problem),
        (status = 403, body = Problem, description = "an officer who is not on the case"),
        (status = 404, body = Problem, description = "no such case in the caller's agency"),
        (status = 422, body = Problem, description = "limit out of range"),
    ),
    security(("bearer" = []))
)]
pub async fn list_case_evidence(
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
            check_case_file_reader(&user, &case, "evidence")?;
            let rows = store::of_case(conn, &case.id, &request)?;
            Ok(Page::from_rows(rows, &request, |row| row.id.clone()).map(EvidenceView::new))
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// An evidence item of the caller's agency that the caller may read.
fn readable(conn: &mut DbConn, user: &CurrentUser, id: &str) -> AppResult<EvidenceRow> {
    let row = store::find(conn, &user.agency_id, id)?.ok_or(AppError::NotFound("evidence"))?;
    let (case, _) =
        crate::cases::store::load(conn, &user.agency_id, &row.case_id)?.ok_or(AppError::NotFound("evidence"))?;
    check_case_file_reader(user, &case, "evidence")?;
    Ok(row)
}

/// An evidence item's metadata.
#[utoipa::path(
    get, path = "/api/v1/evidence/{id}", tag = "evidence",
    params(("id" = String, Path)),
    responses(
        (status = 200, body = EvidenceView),
        (status = 403, body = Problem, description = "an officer who is not on the case"),
        (status = 404, body = Problem, description = "no such evidence in the caller's agency"),
    ),
    security(("bearer" = []))
)]
pub async fn get_evidence(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let row = state.db(move |conn| readable(conn, &user, &id)).await?;
    Ok(HttpResponse::Ok().json(EvidenceView::new(row)))
}

/// The file, streamed; `ETag` is its SHA-256. One byte range is served (206, `Range:
/// bytes=first-last`, `first-` or `-suffix`); several ranges are answered with the whole
/// file; a range starting beyond the end gets 416. `If-None-Match` (304) and `If-Range`
/// are honoured.
#[utoipa::path(
    get, path = "/api/v1/evidence/{id}/content", tag = "evidence",
    params(
        ("id" = String, Path),
        ("Range" = Option<String>, Header, description = "bytes=first-last, bytes=first- or bytes=-suffix"),
        ("If-Range" = Option<String>, Header, description = "the ETag; a range is served only while it matches"),
        ("If-None-Match" = Option<String>, Header, description = "the ETag; 304 when it matches"),
    ),
    responses(
        (status = 200, content_type = "application/octet-stream", body = inline(EvidenceFile), description = "the whole file, with the stored Content-Type",
            headers(("ETag" = String), ("Accept-Ranges" = String), ("Content-Disposition" = String))),
        (status = 206, content_type = "application/octet-stream", body = inline(EvidenceFile), description = "the requested range",
            headers(("Content-Range" = String), ("ETag" = String))),
        (status = 304, description = "If-None-Match names the ETag"),
        (status = 403, body = Problem, description = "an officer who is not on the case"),
        (status = 404, body = Problem, description = "no such evidence in the caller's agency"),
        (status = 416, body = Problem, description = "the range starts beyond the end of the file", headers(("Content-Range" = String))),
        (status = 503, body = Problem, description = "the stored file is missing or damaged, or the store failed"),
    ),
    security(("bearer" = []))
)]
pub async fn get_evidence_content(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let row = state.db(move |conn| readable(conn, &user, &id)).await?;
    let etag = format!("\"{}\"", row.sha256);
    let header_text = |name: header::HeaderName| req.headers().get(name).and_then(|v| v.to_str().ok());
    if header_text(header::IF_NONE_MATCH).is_some_and(|h| model::etag_matches(h, &etag)) {
        return Ok(HttpResponse::NotModified().insert_header((header::ETAG, etag)).finish());
    }
    let size = u64::try_from(row.size_bytes).unwrap_or(0);
    let mut range = model::parse_range(header_text(header::RANGE), size);
    // A range of another version of the file is no use to the client: send the whole.
    if header_text(header::IF_RANGE).is_some_and(|h| !model::etag_matches(h, &etag)) {
        range = RangeRequest::Full;
    }
    let (status, first, length) = match range {
        RangeRequest::Full => (StatusCode::OK, 0, size),
        RangeRequest::Partial { first, last } => (StatusCode::PARTIAL_CONTENT, first, last - first + 1),
        RangeRequest::Unsatisfiable => return Err(AppError::RangeNotSatisfiable(size)),
    };
    let evidence_store = state.evidence.clone();
    let sha256 = row.sha256.clone();
    let reader = blocking(move || -> std::io::Result<_> {
        let Some(mut reader) = evidence_store.open(&sha256)? else {
            return Ok(None);
        };
        if reader.size() != size {
            return Ok(None);
        }
        reader.seek(SeekFrom::Start(first))?;
        Ok(Some(reader))
    })
    .await?
    .map_err(storage_failed)?
    .ok_or_else(|| {
        tracing::error!(evidence_id = %row.id, sha256 = %row.sha256, "an evidence file is missing or has the wrong size");
        AppError::Unavailable("the stored file of this evidence is missing or damaged; run enforcement verify-evidence".into())
    })?;
    let (chunks, mut queue) = tokio::sync::mpsc::channel::<std::io::Result<Bytes>>(DOWNLOAD_CHUNKS_AHEAD);
    let span = tracing::Span::current();
    actix_web::rt::task::spawn_blocking(move || {
        span.in_scope(|| {
            let mut reader = reader;
            let mut remaining = length;
            while remaining > 0 {
                let want = usize::try_from(remaining).map_or(DOWNLOAD_CHUNK_BYTES, |r| r.min(DOWNLOAD_CHUNK_BYTES));
                let mut buffer = vec![0u8; want];
                let chunk = match reader.read(&mut buffer) {
                    Ok(0) => Err(std::io::Error::new(
                        std::io::ErrorKind::UnexpectedEof,
                        "the evidence file ended early",
                    )),
                    Ok(read) => {
                        buffer.truncate(read);
                        remaining -= read as u64;
                        Ok(Bytes::from(buffer))
                    }
                    Err(error) => Err(error),
                };
                let failed = chunk.is_err();
                // The client went away: stop reading.
                if chunks.blocking_send(chunk).is_err() || failed {
                    break;
                }
            }
        })
    });
    let stream = futures_util::stream::poll_fn(move |cx| queue.poll_recv(cx));
    let mut response = HttpResponse::build(status);
    response
        .insert_header((header::CONTENT_TYPE, row.content_type.clone()))
        .insert_header((header::ETAG, etag))
        .insert_header((header::ACCEPT_RANGES, "bytes"))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        // Whatever the file holds, it runs nothing in the reader's session.
        .insert_header((header::CONTENT_SECURITY_POLICY, "sandbox; default-src 'none'"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            disposition(&row.filename, &row.content_type),
        ));
    if status == StatusCode::PARTIAL_CONTENT {
        response.insert_header((
            header::CONTENT_RANGE,
            format!("bytes {first}-{}/{size}", first + length - 1),
        ));
    }
    Ok(response.body(SizedStream::new(length, stream)))
}

/// `inline` for what a browser shows (pictures, sound, video, PDF), `attachment` for the
/// rest; the name in ASCII for old clients and in UTF-8 (RFC 6266, 8187) for the rest.
fn disposition(filename: &str, content_type: &str) -> ContentDisposition {
    let ascii: String = filename
        .chars()
        .map(|c| if c.is_ascii() && !c.is_ascii_control() { c } else { '_' })
        .collect();
    ContentDisposition {
        disposition: if model::shown_inline(content_type) {
            DispositionType::Inline
        } else {
            DispositionType::Attachment
        },
        parameters: vec![
            DispositionParam::Filename(ascii),
            DispositionParam::FilenameExt(ExtendedValue {
                charset: Charset::Ext("UTF-8".into()),
                language_tag: None,
                value: filename.as_bytes().to_vec(),
            }),
        ],
    }
}

/// The outcome of re-hashing a stored file.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceCheck {
    pub id: String,
    /// Whether the stored file still has the recorded SHA-256 and size.
    pub matches: bool,
    pub sha256: String,
    pub size_bytes: i64,
    /// What the stored file hashes to now; null when the file is missing.
    pub actual_sha256: Option<String>,
    pub actual_size_bytes: Option<u64>,
    pub checked_at: DateTime<Utc>,
}

/// Re-hash the stored file and say whether it still matches the hash recorded on upload.
#[utoipa::path(
    post, path = "/api/v1/evidence/{id}/verify", tag = "evidence",
    params(("id" = String, Path)),
    responses(
        (status = 200, body = EvidenceCheck),
        (status = 403, body = Problem, description = "an officer who is not on the case"),
        (status = 404, body = Problem, description = "no such evidence in the caller's agency"),
        (status = 503, body = Problem, description = "the evidence store could not be read"),
    ),
    security(("bearer" = []))
)]
pub async fn verify_evidence(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let row = state.db(move |conn| readable(conn, &user, &id)).await?;
    let evidence_store = state.evidence.clone();
    let sha256 = row.sha256.clone();
    let actual = blocking(move || hash_stored(evidence_store.as_ref(), &sha256))
        .await?
        .map_err(storage_failed)?;
    let matches = actual
        .as_ref()
        .is_some_and(|(hash, size)| *hash == row.sha256 && i64::try_from(*size).ok() == Some(row.size_bytes));
    if !matches {
        tracing::error!(evidence_id = %row.id, sha256 = %row.sha256, ?actual, "an evidence file no longer matches its recorded hash");
    }
    Ok(HttpResponse::Ok().json(EvidenceCheck {
        id: row.id,
        matches,
        sha256: row.sha256,
        size_bytes: row.size_bytes,
        actual_sha256: actual.as_ref().map(|(hash, _)| hash.clone()),
        actual_size_bytes: actual.map(|(_, size)| size),
        checked_at: clock::now(),
    }))
}

/// The SHA-256 (hex) and size of a stored file as it is now; `None` when it is missing.
pub fn hash_stored(store: &dyn BlobStore, sha256: &str) -> std::io::Result<Option<(String, u64)>> {
    hash_stored_with_progress(store, sha256, |_| {})
}

/// Like `hash_stored`, calling `progress` with each chunk's size.
pub fn hash_stored_with_progress(
    store: &dyn BlobStore,
    sha256: &str,
    mut progress: impl FnMut(u64),
) -> std::io::Result<Option<(String, u64)>> {
    let Some(mut reader) = store.open(sha256)? else {
        return Ok(None);
    };
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1024 * 1024];
    let mut size = 0u64;
    loop {
        let read = reader.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
        size += read as u64;
        progress(read as u64);
    }
    Ok(Some((hex::encode(hasher.finalize()), size)))
}
