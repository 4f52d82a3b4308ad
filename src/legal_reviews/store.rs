//! Legal review rows: opened with the package counsel reads, signed once.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::cases::model::{Case, ChecklistItem, ReviewOutcome};
use crate::cases::store::CaseMeta;
use crate::db::DbConn;
use crate::db::schema::{cases, legal_reviews};
use crate::error::{AppError, AppResult};
use crate::http::PageRequest;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = legal_reviews)]
pub struct ReviewRow {
    pub id: String,
    pub agency_id: String,
    pub case_id: String,
    pub seq: i32,
    pub status: String,
    pub proposal: String,
    pub package: String,
    pub submitted_at: NaiveDateTime,
    pub submitted_on: NaiveDate,
    pub submitted_by: String,
    pub record_length: i32,
    pub record_head_hash: String,
    pub outcome: Option<ReviewOutcome>,
    pub checklist: Option<String>,
    pub opinion: Option<String>,
    pub opinion_hash: Option<String>,
    pub reviewer_id: Option<String>,
    pub reviewed_at: Option<NaiveDateTime>,
    pub reviewed_on: Option<NaiveDate>,
}

/// What counsel reviews: the proposal and the case as it stood when submitted.
pub fn package(case: &Case, meta: &CaseMeta, documents: &[String], note: Option<&str>) -> Value {
    json!({
        "case_number": case.case_number,
        "procedure": case.procedure,
        "subject": {"id": case.subject_id, "name": meta.subject_name, "kind": case.subject_kind},
        "minor": case.is_minor(),
        "summary": case.summary,
        "opened_on": case.opened_on,
        "violation_on": case.violation_on,
        "violation_ended_on": case.violation_ended_on,
        "discovered_on": case.discovered_on,
        "officers": case.officers.iter().map(|o| json!({
            "id": o.user_id, "name": o.display_name, "certificate_no": o.certificate_no,
            "certificate_expires_on": o.certificate_expires_on, "recused": o.recused,
        })).collect::<Vec<_>>(),
        "powers": case.powers.iter().map(|p| json!({
            "power_id": p.power_id, "power_version_id": p.power_version_id, "version": p.version,
            "code": p.code, "name": p.name, "fine_min_fen": p.fine_min_fen, "fine_max_fen": p.fine_max_fen,
        })).collect::<Vec<_>>(),
        "notice": {"penalties": case.notice_penalties, "notified_on": case.notified_on, "hearing_rights": case.hearing_rights},
        "defense_state": case.defense_state,
        "hearing_state": case.hearing_state,
        "hearing_on": case.hearing_on,
        "collective_discussion_on": case.collective_discussion_on,
        "education_recorded_on": case.education_recorded_on,
        "decision_due_on": case.decision_due_on,
        "documents": documents,
        "note": note,
    })
}

/// Opens a review of the case's current proposal; returns its id. Runs in the transaction
/// of the case step that submits it.
pub fn create(
    conn: &mut DbConn,
    case: &Case,
    meta: &CaseMeta,
    submitted_by: &str,
    (documents, note): (&[String], Option<&str>),
    now: NaiveDateTime,
    today: NaiveDate,
) -> AppResult<String> {
    let previous: i64 = legal_reviews::table
        .filter(legal_reviews::case_id.eq(&case.id))
        .count()
        .get_result(conn)?;
    let (record_length, record_head_hash) = crate::record::store::head(conn, &case.id)?;
    let row = ReviewRow {
        id: uuid::Uuid::now_v7().to_string(),
        agency_id: case.agency_id.clone(),
        case_id: case.id.clone(),
        seq: previous as i32 + 1,
        status: "pending".into(),
        proposal: serde_json::to_string(&case.proposal).map_err(AppError::internal)?,
        package: package(case, meta, documents, note).to_string(),
        submitted_at: now,
        submitted_on: today,
        submitted_by: submitted_by.to_string(),
        record_length,
        record_head_hash,
        outcome: None,
        checklist: None,
        opinion: None,
        opinion_hash: None,
        reviewer_id: None,
        reviewed_at: None,
        reviewed_on: None,
    };
    diesel::insert_into(legal_reviews::table).values(&row).execute(conn)?;
    Ok(row.id)
}

/// The signature of an opinion.
pub struct Signature<'a> {
    pub outcome: ReviewOutcome,
    pub checklist: &'a [ChecklistItem],
    pub opinion: &'a str,
    pub opinion_hash: &'a str,
    pub reviewer_id: &'a str,
}

/// Signs a pending review once; a second signature is a conflict (409).
pub fn sign(
    conn: &mut DbConn,
    review_id: &str,
    case_id: &str,
    signature: Signature<'_>,
    now: NaiveDateTime,
    today: NaiveDate,
) -> AppResult<()> {
    let checklist = serde_json::to_string(signature.checklist).map_err(AppError::internal)?;
    let updated = diesel::update(
        legal_reviews::table
            .filter(legal_reviews::id.eq(review_id))
            .filter(legal_reviews::case_id.eq(case_id))
            .filter(legal_reviews::status.eq("pending")),
    )
    .set((
        legal_reviews::status.eq("done"),
        legal_reviews::outcome.eq(signature.outcome),
        legal_reviews::checklist.eq(checklist),
        legal_reviews::opinion.eq(signature.opinion),
        legal_reviews::opinion_hash.eq(signature.opinion_hash),
        legal_reviews::reviewer_id.eq(signature.reviewer_id),
        legal_reviews::reviewed_at.eq(now),
        legal_reviews::reviewed_on.eq(today),
    ))
    .execute(conn)?;
    if updated != 1 {
        return Err(AppError::conflict(
            "this review is already signed; an opinion is signed once",
        ));
    }
    Ok(())
}

pub fn find(conn: &mut DbConn, agency_id: &str, id: &str) -> QueryResult<Option<ReviewRow>> {
    legal_reviews::table
        .filter(legal_reviews::agency_id.eq(agency_id))
        .filter(legal_reviews::id.eq(id))
        .select(ReviewRow::as_select())
        .first(conn)
        .optional()
}

/// Counsel's queue: the agency's reviews, oldest submission first, with the case number
/// and its decision deadline. Ids are time-ordered (UUIDv7), so they page the queue.
pub fn queue(
    conn: &mut DbConn,
    agency_id: &str,
    status: Option<&str>,
    page: &PageRequest,
) -> QueryResult<Vec<(ReviewRow, String, Option<NaiveDate>)>> {
    let mut query = legal_reviews::table
        .inner_join(cases::table)
        .filter(legal_reviews::agency_id.eq(agency_id))
        .select((ReviewRow::as_select(), cases::case_number, cases::decision_due_on))
        .order(legal_reviews::id.asc())
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(status) = status {
        query = query.filter(legal_reviews::status.eq(status.to_string()));
    }
    if let Some(after) = &page.after {
        query = query.filter(legal_reviews::id.gt(after.clone()));
    }
    query.load(conn)
}
