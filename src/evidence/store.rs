//! Evidence rows: one per upload, written with the upload's record event in one
//! transaction, never changed afterwards (database triggers refuse it).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use serde_json::{Value, json};

use crate::cases::model::Case;
use crate::cases::store::{Caller, relation};
use crate::clock;
use crate::db::DbConn;
use crate::db::schema::{agencies, evidence, users};
use crate::error::{AppError, AppResult};
use crate::evidence::model::{self, Attachment, CheckedMetadata, EvidenceKind, Usage};
use crate::http::PageRequest;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = evidence)]
pub struct EvidenceRow {
    pub id: String,
    pub agency_id: String,
    pub case_id: String,
    pub kind: EvidenceKind,
    pub filename: String,
    pub original_filename: String,
    pub content_type: String,
    pub sha256: String,
    pub size_bytes: i64,
    pub captured_at: Option<NaiveDateTime>,
    pub captured_by: String,
    pub device: Option<String>,
    pub description: Option<String>,
    pub uploaded_by: String,
    pub uploaded_at: NaiveDateTime,
    pub record_seq: i32,
    pub correction_reason: Option<String>,
}

/// An upload that has been checked and whose bytes are stored, ready to be recorded.
#[derive(Debug, Clone)]
pub struct StoredUpload {
    pub kind: EvidenceKind,
    pub metadata: CheckedMetadata,
    pub captured_by: Option<String>,
    pub correction_reason: Option<String>,
    pub sha256: String,
    pub size_bytes: u64,
}

/// The checks an upload passes before its body is read, so a refused upload costs no
/// bytes on disk: the case is the caller's agency's (404), the caller may attach to it now
/// (403, 422), and `captured_by` names a user of the agency.
pub fn check_upload(
    conn: &mut DbConn,
    caller: &Caller,
    case_id: &str,
    captured_by: Option<&str>,
    correction_reason: Option<&str>,
) -> AppResult<Attachment> {
    let (case, _) = crate::cases::store::load(conn, &caller.agency_id, case_id)?.ok_or(AppError::NotFound("case"))?;
    let attachment = model::check_attachment(case.status, relation(&case, caller), correction_reason)?;
    if let Some(user_id) = captured_by {
        check_capturer(conn, &caller.agency_id, user_id)?;
    }
    Ok(attachment)
}

fn check_capturer(conn: &mut DbConn, agency_id: &str, user_id: &str) -> AppResult<()> {
    let found: i64 = users::table
        .filter(users::agency_id.eq(agency_id))
        .filter(users::id.eq(user_id))
        .count()
        .get_result(conn)?;
    if found == 0 {
        return Err(AppError::field("captured_by", "no user of this agency has this id"));
    }
    Ok(())
}

/// The agency's evidence against `quota_bytes`: the sizes of its items added up in SQL.
pub fn usage(conn: &mut DbConn, agency_id: &str, quota_bytes: Option<u64>) -> QueryResult<Usage> {
    // SUM of a BIGINT is NUMERIC on PostgreSQL: cast back, and 0 for an agency without items.
    let used: i64 = evidence::table
        .filter(evidence::agency_id.eq(agency_id))
        .select(sql::<BigInt>("CAST(COALESCE(SUM(size_bytes), 0) AS BIGINT)"))
        .get_result(conn)?;
    Ok(Usage {
        used_bytes: u64::try_from(used).unwrap_or(0),
        quota_bytes,
    })
}

/// Serialises the quota checks of one agency's uploads until the caller's transaction
/// ends, so that two uploads cannot both pass on the same total. PostgreSQL: the agency's
/// row, locked `FOR NO KEY UPDATE` (which, unlike `FOR UPDATE`, leaves rows that refer to
/// the agency free to be inserted meanwhile; agencies are never updated). SQLite has one
/// writer at a time anyway.
fn lock_agency_quota(conn: &mut DbConn, agency_id: &str) -> AppResult<()> {
    if let DbConn::Postgresql(pg) = conn {
        agencies::table
            .find(agency_id)
            .select(agencies::id)
            .for_no_key_update()
            .first::<String>(pg)
            .optional()?
            .ok_or(AppError::NotFound("case"))?;
    }
    Ok(())
}

/// Records an upload once its body is received and checked, in the caller's transaction:
/// takes the agency's quota lock (see `lock_agency_quota`) and the case's row lock (so the
/// record's next number cannot be taken twice), in that order; checks again what
/// `check_upload` checked (the case may have closed during a long upload); refuses the
/// upload when the agency's stored total and this upload together exceed `quota_bytes`
/// (`evidence_quota_exceeded`); only then calls `store_file`, which makes the file durable,
/// so that a refused upload never leaves one; and appends the record event carrying the
/// hash and inserts the row. Answers the row and what `store_file` answered.
pub fn record_upload<F>(
    conn: &mut DbConn,
    caller: &Caller,
    case_id: &str,
    upload: StoredUpload,
    quota_bytes: Option<u64>,
    now: DateTime<Utc>,
    store_file: impl FnOnce() -> AppResult<F>,
) -> AppResult<(EvidenceRow, F)> {
    lock_agency_quota(conn, &caller.agency_id)?;
    crate::cases::store::lock_for_record(conn, &caller.agency_id, case_id, now)?;
    let attachment = check_upload(
        conn,
        caller,
        case_id,
        upload.captured_by.as_deref(),
        upload.correction_reason.as_deref(),
    )?;
    usage(conn, &caller.agency_id, quota_bytes)?.check_room_for(upload.size_bytes)?;
    let size_bytes = i64::try_from(upload.size_bytes)
        .map_err(|_| AppError::internal(anyhow::anyhow!("an evidence file is larger than i64::MAX bytes")))?;
    let stored = store_file()?;
    let id = uuid::Uuid::now_v7().to_string();
    let captured_by = upload.captured_by.clone().unwrap_or_else(|| caller.user_id.clone());
    let metadata = &upload.metadata;
    let content_type = model::content_type_for(&metadata.filename);
    let mut payload = json!({
        "evidence_id": id,
        "kind": upload.kind,
        "filename": metadata.filename,
        "content_type": content_type,
        "sha256": upload.sha256,
        "size_bytes": upload.size_bytes,
        "captured_by": captured_by,
    });
    let optional = [
        (
            "original_filename",
            (metadata.original_filename != metadata.filename).then(|| metadata.original_filename.clone()),
        ),
        (
            "captured_at",
            metadata.captured_at.map(crate::record::chain::format_instant),
        ),
        ("device", metadata.device.clone()),
        ("description", metadata.description.clone()),
        ("correction_reason", attachment.reason().map(str::to_string)),
    ];
    for (key, value) in optional {
        if let Some(value) = value {
            payload[key] = Value::String(value);
        }
    }
    let event = crate::record::store::append(conn, case_id, &caller.user_id, attachment.action(), &payload, now)?;
    let row = EvidenceRow {
        id,
        agency_id: caller.agency_id.clone(),
        case_id: case_id.to_string(),
        kind: upload.kind,
        filename: metadata.filename.clone(),
        original_filename: metadata.original_filename.clone(),
        content_type: content_type.to_string(),
        sha256: upload.sha256,
        size_bytes,
        captured_at: metadata.captured_at.map(clock::to_db),
        captured_by,
        device: metadata.device.clone(),
        description: metadata.description.clone(),
        uploaded_by: caller.user_id.clone(),
        uploaded_at: clock::to_db(now),
        record_seq: event.seq,
        correction_reason: attachment.reason().map(str::to_string),
    };
    diesel::insert_into(evidence::table).values(&row).execute(conn)?;
    Ok((row, stored))
}

pub fn find(conn: &mut DbConn, agency_id: &str, id: &str) -> QueryResult<Option<EvidenceRow>> {
    evidence::table
        .filter(evidence::agency_id.eq(agency_id))
        .filter(evidence::id.eq(id))
        .select(EvidenceRow::as_select())
        .first(conn)
        .optional()
}

pub fn of_case(conn: &mut DbConn, case_id: &str, page: &PageRequest) -> QueryResult<Vec<EvidenceRow>> {
    let mut query = evidence::table
        .filter(evidence::case_id.eq(case_id))
        .select(EvidenceRow::as_select())
        .order(evidence::id.asc())
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(after) = &page.after {
        query = query.filter(evidence::id.gt(after.clone()));
    }
    query.load(conn)
}

/// How many audio and video items a case holds (音像记录, DESIGN §5.1).
pub fn audio_video_count(conn: &mut DbConn, case: &Case) -> QueryResult<usize> {
    let count: i64 = evidence::table
        .filter(evidence::case_id.eq(&case.id))
        .filter(evidence::kind.eq_any([EvidenceKind::Video, EvidenceKind::Audio]))
        .count()
        .get_result(conn)?;
    Ok(usize::try_from(count).unwrap_or(usize::MAX))
}

/// One stored content and the evidence items that hold it.
#[derive(Debug, Clone)]
pub struct StoredContent {
    pub sha256: String,
    pub size_bytes: i64,
    /// `(evidence id, case id)` of each item.
    pub items: Vec<(String, String)>,
}

/// Every stored content once, with the evidence items that hold it: what
/// `enforcement verify-evidence` re-hashes.
pub fn all_contents(conn: &mut DbConn) -> QueryResult<Vec<StoredContent>> {
    let rows: Vec<(String, i64, String, String)> = evidence::table
        .select((evidence::sha256, evidence::size_bytes, evidence::id, evidence::case_id))
        .order((evidence::sha256.asc(), evidence::id.asc()))
        .load(conn)?;
    let mut contents: Vec<StoredContent> = Vec::new();
    for (sha256, size_bytes, id, case_id) in rows {
        match contents.last_mut() {
            Some(last) if last.sha256 == sha256 => last.items.push((id, case_id)),
            _ => contents.push(StoredContent {
                sha256,
                size_bytes,
                items: vec![(id, case_id)],
            }),
        }
    }
    Ok(contents)
}

/// Settles the files a crash left stored but unrecorded (`storage::Unrecorded`): each is
/// kept when an evidence row names its content, removed when none does. Answers how many
/// were removed. Run at start-up, before any upload begins.
pub fn settle_unrecorded(conn: &mut DbConn, store: &dyn crate::evidence::storage::BlobStore) -> anyhow::Result<usize> {
    let mut removed = 0;
    for sha256 in store.unrecorded()? {
        let rows: i64 = evidence::table
            .filter(evidence::sha256.eq(&sha256))
            .count()
            .get_result(conn)?;
        store.settle(&sha256, rows > 0)?;
        if rows == 0 {
            tracing::info!(%sha256, "removed an evidence file whose upload was left unrecorded");
            removed += 1;
        }
    }
    Ok(removed)
}
