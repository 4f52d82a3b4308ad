//! Disclosure rows: created by the case step that decides or closes, in its transaction;
//! published, withdrawn and updated with an event in the case's record each.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::calendar::model::WorkCalendar;
use crate::cases::model::{Case, SubjectKind};
use crate::clock;
use crate::db::DbConn;
use crate::db::schema::{agencies, cases, disclosures, subjects};
use crate::disclosures::model::{self, DisclosureKind, DisclosureStatus, NewDisclosure, PartyRecord, PublicContent};
use crate::error::{AppError, AppResult};
use crate::http::PageRequest;
use crate::record::chain::canonical_json;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = disclosures)]
pub struct DisclosureRow {
    pub id: String,
    pub agency_id: String,
    pub case_id: String,
    pub kind: DisclosureKind,
    pub status: DisclosureStatus,
    pub exempt_reason: Option<String>,
    pub document_id: Option<String>,
    pub source_on: NaiveDate,
    pub due_on: NaiveDate,
    pub created_at: NaiveDateTime,
    pub published_on: Option<NaiveDate>,
    pub published_at: Option<NaiveDateTime>,
    pub published_by: Option<String>,
    /// The published content (canonical JSON), fixed at publication or update.
    pub content: Option<String>,
    pub content_hash: Option<String>,
    pub title: Option<String>,
    pub correction_due_on: Option<NaiveDate>,
    pub correction_reason: Option<String>,
    pub updated_on: Option<NaiveDate>,
    pub update_reason: Option<String>,
    pub withdrawn_on: Option<NaiveDate>,
    pub withdrawn_at: Option<NaiveDateTime>,
    pub withdrawn_by: Option<String>,
    pub withdraw_reason: Option<String>,
}

impl DisclosureRow {
    /// Past its due date unpublished, or past its correction date (a revoked or changed
    /// decision) neither withdrawn nor updated since.
    pub fn overdue_on(&self, today: NaiveDate) -> bool {
        let live = matches!(self.status, DisclosureStatus::Pending | DisclosureStatus::Published);
        let unpublished_late = self.status == DisclosureStatus::Pending && self.due_on < today;
        let correction_late = live && self.correction_due_on.is_some_and(|due| due < today);
        unpublished_late || correction_late
    }

    pub fn public_content(&self) -> Option<PublicContent> {
        self.content.as_deref().and_then(|c| serde_json::from_str(c).ok())
    }
}

/// Records the disclosure a step creates, in the step's transaction; returns its row.
pub fn create(
    conn: &mut DbConn,
    case: &Case,
    created: NewDisclosure,
    document_id: Option<&str>,
    now: DateTime<Utc>,
) -> QueryResult<DisclosureRow> {
    let row = DisclosureRow {
        id: uuid::Uuid::now_v7().to_string(),
        agency_id: case.agency_id.clone(),
        case_id: case.id.clone(),
        kind: created.kind,
        status: if created.exempt_reason.is_some() {
            DisclosureStatus::Exempt
        } else {
            DisclosureStatus::Pending
        },
        exempt_reason: created.exempt_reason,
        document_id: document_id.map(String::from),
        source_on: created.source_on,
        due_on: created.due_on,
        created_at: clock::to_db(now),
        published_on: None,
        published_at: None,
        published_by: None,
        content: None,
        content_hash: None,
        title: None,
        correction_due_on: None,
        correction_reason: None,
        updated_on: None,
        update_reason: None,
        withdrawn_on: None,
        withdrawn_at: None,
        withdrawn_by: None,
        withdraw_reason: None,
    };
    diesel::insert_into(disclosures::table).values(&row).execute(conn)?;
    Ok(row)
}

/// A revoked, changed or void decision: its live disclosures are to be withdrawn or
/// updated within 3 working days (APL art. 48 ¶2).
pub fn require_correction(
    conn: &mut DbConn,
    case_id: &str,
    on: NaiveDate,
    reason: &str,
    calendar: &WorkCalendar,
) -> QueryResult<usize> {
    diesel::update(
        disclosures::table
            .filter(disclosures::case_id.eq(case_id))
            .filter(disclosures::status.eq_any([DisclosureStatus::Pending, DisclosureStatus::Published])),
    )
    .set((
        disclosures::correction_due_on.eq(model::correction_due_on(on, calendar)),
        disclosures::correction_reason.eq(reason),
    ))
    .execute(conn)
}

pub fn find(conn: &mut DbConn, agency_id: &str, id: &str) -> QueryResult<Option<DisclosureRow>> {
    disclosures::table
        .filter(disclosures::agency_id.eq(agency_id))
        .filter(disclosures::id.eq(id))
        .select(DisclosureRow::as_select())
        .first(conn)
        .optional()
}

/// What would be published now: the redacted content built from the decision document
/// as issued, or from the inspection case and the register.
pub fn build_content(conn: &mut DbConn, row: &DisclosureRow) -> AppResult<PublicContent> {
    if let Some(document_id) = &row.document_id {
        let document = crate::documents::store::find(conn, &row.agency_id, document_id)?
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("a disclosure's decision document is missing")))?;
        let content: crate::documents::model::DocumentContent =
            serde_json::from_str(&document.content).map_err(AppError::internal)?;
        return Ok(model::decision_content(row.kind, &content));
    }
    let (case, _) = crate::cases::store::load(conn, &row.agency_id, &row.case_id)?
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("a disclosure's case is missing")))?;
    let agency_name: String = agencies::table
        .find(&row.agency_id)
        .select(agencies::name)
        .first(conn)?;
    let (kind, name, uscc, representative, address): (
        SubjectKind,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
    ) = subjects::table
        .find(&case.subject_id)
        .select((
            subjects::kind,
            subjects::name,
            subjects::uscc,
            subjects::legal_representative,
            subjects::address,
        ))
        .first(conn)?;
    let party = PartyRecord {
        kind,
        kind_label: crate::documents::words::subject_kind_label(kind),
        name: &name,
        uscc: uscc.as_deref(),
        legal_representative: representative.as_deref(),
        address: address.as_deref(),
    };
    Ok(model::inspection_content(&case, &agency_name, &party, row.source_on))
}

/// The disclosure, read again after taking its case's row lock, so that two steps on it
/// (or on its case) do not interleave and the record's next number is not taken twice.
fn locked(conn: &mut DbConn, agency_id: &str, id: &str, now: DateTime<Utc>) -> AppResult<DisclosureRow> {
    let row = find(conn, agency_id, id)?.ok_or(AppError::NotFound("disclosure"))?;
    diesel::update(cases::table.find(&row.case_id))
        .set(cases::updated_at.eq(clock::to_db(now)))
        .execute(conn)?;
    find(conn, agency_id, id)?.ok_or(AppError::NotFound("disclosure"))
}

fn fixed(content: &PublicContent) -> AppResult<(String, String)> {
    let value = serde_json::to_value(content).map_err(AppError::internal)?;
    let text = canonical_json(&value);
    let hash = hex::encode(Sha256::digest(text.as_bytes()));
    Ok((text, hash))
}

/// Publishes a pending disclosure: fixes its redacted content and records the event
/// `publish_disclosure` (with the content's hash) in the case's record.
pub fn publish(
    conn: &mut DbConn,
    agency_id: &str,
    id: &str,
    actor_id: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> AppResult<DisclosureRow> {
    let row = locked(conn, agency_id, id, now)?;
    model::check_publish(row.status)?;
    let content = build_content(conn, &row)?;
    let (text, hash) = fixed(&content)?;
    diesel::update(disclosures::table.find(id))
        .set((
            disclosures::status.eq(DisclosureStatus::Published),
            disclosures::published_on.eq(today),
            disclosures::published_at.eq(clock::to_db(now)),
            disclosures::published_by.eq(actor_id),
            disclosures::content.eq(&text),
            disclosures::content_hash.eq(&hash),
            disclosures::title.eq(&content.title),
        ))
        .execute(conn)?;
    crate::record::store::append(
        conn,
        &row.case_id,
        actor_id,
        "publish_disclosure",
        &json!({"disclosure_id": id, "kind": row.kind, "content_hash": hash, "due_on": row.due_on, "on_time": today <= row.due_on}),
        now,
    )?;
    find(conn, agency_id, id)?.ok_or(AppError::NotFound("disclosure"))
}

/// Withdraws a disclosure with the reason shown to the public (`withdraw_disclosure`).
pub fn withdraw(
    conn: &mut DbConn,
    agency_id: &str,
    id: &str,
    actor_id: &str,
    reason: &str,
    (today, now): (NaiveDate, DateTime<Utc>),
) -> AppResult<DisclosureRow> {
    let row = locked(conn, agency_id, id, now)?;
    let reason = model::check_withdraw(row.status, reason)?;
    diesel::update(disclosures::table.find(id))
        .set((
            disclosures::status.eq(DisclosureStatus::Withdrawn),
            disclosures::withdrawn_on.eq(today),
            disclosures::withdrawn_at.eq(clock::to_db(now)),
            disclosures::withdrawn_by.eq(actor_id),
            disclosures::withdraw_reason.eq(&reason),
        ))
        .execute(conn)?;
    crate::record::store::append(
        conn,
        &row.case_id,
        actor_id,
        "withdraw_disclosure",
        &json!({"disclosure_id": id, "reason": reason, "was": row.status}),
        now,
    )?;
    find(conn, agency_id, id)?.ok_or(AppError::NotFound("disclosure"))
}

/// Republishes a published disclosure from the case as it now stands, with the reason
/// shown (`update_disclosure`).
pub fn update(
    conn: &mut DbConn,
    agency_id: &str,
    id: &str,
    actor_id: &str,
    reason: &str,
    (today, now): (NaiveDate, DateTime<Utc>),
) -> AppResult<DisclosureRow> {
    let row = locked(conn, agency_id, id, now)?;
    let reason = model::check_update(row.status, reason)?;
    let content = build_content(conn, &row)?;
    let (text, hash) = fixed(&content)?;
    diesel::update(disclosures::table.find(id))
        .set((
            disclosures::content.eq(&text),
            disclosures::content_hash.eq(&hash),
            disclosures::updated_on.eq(today),
            disclosures::update_reason.eq(&reason),
            // The correction asked for is made; the record keeps that it was asked.
            disclosures::correction_due_on.eq(None::<NaiveDate>),
        ))
        .execute(conn)?;
    crate::record::store::append(
        conn,
        &row.case_id,
        actor_id,
        "update_disclosure",
        &json!({"disclosure_id": id, "reason": reason, "content_hash": hash}),
        now,
    )?;
    find(conn, agency_id, id)?.ok_or(AppError::NotFound("disclosure"))
}

/// A page of the agency's disclosures for staff, oldest first.
pub fn list(
    conn: &mut DbConn,
    agency_id: &str,
    status: Option<DisclosureStatus>,
    page: &PageRequest,
) -> QueryResult<Vec<DisclosureRow>> {
    let mut query = disclosures::table
        .filter(disclosures::agency_id.eq(agency_id))
        .select(DisclosureRow::as_select())
        .order(disclosures::id.asc())
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(status) = status {
        query = query.filter(disclosures::status.eq(status));
    }
    if let Some(after) = &page.after {
        query = query.filter(disclosures::id.gt(after.clone()));
    }
    query.load(conn)
}

/// Public filters.
#[derive(Debug, Default, Clone)]
pub struct PublicFilter {
    pub agency_code: Option<String>,
    pub year: Option<i32>,
    pub kind: Option<DisclosureKind>,
    pub text: Option<String>,
}

/// A page of what the public may read: published and withdrawn disclosures, newest
/// first, with their agency's code and name.
pub fn public_page(
    conn: &mut DbConn,
    filter: &PublicFilter,
    page: &PageRequest,
) -> QueryResult<Vec<(DisclosureRow, String, String)>> {
    let mut query = disclosures::table
        .inner_join(agencies::table)
        .filter(disclosures::status.eq_any([DisclosureStatus::Published, DisclosureStatus::Withdrawn]))
        .filter(disclosures::published_on.is_not_null())
        .select((DisclosureRow::as_select(), agencies::code, agencies::name))
        .order(disclosures::id.desc())
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(code) = &filter.agency_code {
        query = query.filter(agencies::code.eq(code.clone()));
    }
    if let Some(year) = filter.year {
        let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
        let to = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
        query = query.filter(disclosures::source_on.between(from, to));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(disclosures::kind.eq(kind));
    }
    if let Some(text) = &filter.text {
        let pattern = crate::db::like_pattern(text);
        query = query.filter(
            crate::db::lower(disclosures::content.assume_not_null())
                .like(pattern)
                .escape('\\'),
        );
    }
    if let Some(before) = &page.after {
        query = query.filter(disclosures::id.lt(before.clone()));
    }
    query.load(conn)
}

/// One disclosure the public may read.
pub fn public_one(conn: &mut DbConn, id: &str) -> QueryResult<Option<(DisclosureRow, String, String)>> {
    disclosures::table
        .inner_join(agencies::table)
        .filter(disclosures::id.eq(id))
        .filter(disclosures::status.eq_any([DisclosureStatus::Published, DisclosureStatus::Withdrawn]))
        .filter(disclosures::published_on.is_not_null())
        .select((DisclosureRow::as_select(), agencies::code, agencies::name))
        .first(conn)
        .optional()
}
