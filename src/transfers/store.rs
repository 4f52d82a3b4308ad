//! Transfers in the database. Every query is scoped to one agency.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::cases::model::{Case, TransferLetter};
use crate::cases::numbering::{Sequence, format_number, next_seq};
use crate::db::DbConn;
use crate::db::schema::{cases, incoming_transfers, transfers};
use crate::error::{AppError, AppResult};
use crate::http::PageRequest;
use crate::transfers::model::{Feedback, Receipt, TransferKind, TransferState, TransferStatus};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = transfers)]
pub struct TransferRow {
    pub id: String,
    pub agency_id: String,
    pub case_id: String,
    pub kind: TransferKind,
    pub to_department: String,
    pub reason: String,
    pub letter_number: String,
    pub number_year: i32,
    pub number_seq: i32,
    pub transferred_on: NaiveDate,
    pub transferred_by: String,
    pub created_at: NaiveDateTime,
    pub received_on: Option<NaiveDate>,
    pub receiver_name: Option<String>,
    pub receipt_recorded_by: Option<String>,
    pub receipt_recorded_at: Option<NaiveDateTime>,
    pub feedback: Option<String>,
    pub feedback_on: Option<NaiveDate>,
    pub feedback_recorded_by: Option<String>,
    pub feedback_recorded_at: Option<NaiveDateTime>,
}

impl TransferRow {
    pub fn state(&self) -> TransferState {
        TransferState {
            transferred_on: self.transferred_on,
            received_on: self.received_on,
            feedback_recorded: self.feedback.is_some(),
        }
    }

    pub fn status(&self) -> TransferStatus {
        self.state().status()
    }
}

/// Numbers and keeps the letter of a `transfer` step. Runs inside the step's transaction:
/// the number is taken from the agency's `transfer` counter of the year, so a rolled-back
/// step leaves no gap and concurrent transfers queue on the counter row.
pub fn create(
    conn: &mut DbConn,
    case: &Case,
    letter: TransferLetter,
    by: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> AppResult<TransferRow> {
    let agency = crate::agencies::store::find(conn, &case.agency_id)?;
    let year = crate::cases::model::number_year(today);
    let seq = next_seq(conn, &case.agency_id, Sequence::Transfer, year)?;
    let row = TransferRow {
        id: uuid::Uuid::now_v7().to_string(),
        agency_id: case.agency_id.clone(),
        case_id: case.id.clone(),
        kind: letter.kind,
        to_department: letter.to_department,
        reason: letter.reason,
        letter_number: format_number(&agency.case_prefix, Sequence::Transfer, year, seq),
        number_year: year,
        number_seq: seq,
        transferred_on: today,
        transferred_by: by.to_string(),
        created_at: crate::clock::to_db(now),
        received_on: None,
        receiver_name: None,
        receipt_recorded_by: None,
        receipt_recorded_at: None,
        feedback: None,
        feedback_on: None,
        feedback_recorded_by: None,
        feedback_recorded_at: None,
    };
    diesel::insert_into(transfers::table).values(&row).execute(conn)?;
    Ok(row)
}

pub fn find(conn: &mut DbConn, agency_id: &str, id: &str) -> QueryResult<Option<TransferRow>> {
    transfers::table
        .filter(transfers::agency_id.eq(agency_id))
        .filter(transfers::id.eq(id))
        .select(TransferRow::as_select())
        .first(conn)
        .optional()
}

/// The agency's transfers in order (ids are UUID v7), of one status when given.
pub fn list(
    conn: &mut DbConn,
    agency_id: &str,
    status: Option<TransferStatus>,
    page: &PageRequest,
) -> QueryResult<Vec<TransferRow>> {
    let mut query = transfers::table
        .filter(transfers::agency_id.eq(agency_id))
        .select(TransferRow::as_select())
        .order(transfers::id.asc())
        .limit(page.limit + 1)
        .into_boxed();
    query = match status {
        None => query,
        Some(TransferStatus::AwaitingReceipt) => query.filter(transfers::received_on.is_null()),
        Some(TransferStatus::AwaitingFeedback) => query
            .filter(transfers::received_on.is_not_null())
            .filter(transfers::feedback.is_null()),
        Some(TransferStatus::Closed) => query.filter(transfers::feedback.is_not_null()),
    };
    if let Some(after) = &page.after {
        query = query.filter(transfers::id.gt(after.clone()));
    }
    query.load(conn)
}

/// The case numbers of these cases.
pub fn case_numbers(conn: &mut DbConn, case_ids: &[String]) -> QueryResult<BTreeMap<String, String>> {
    let rows: Vec<(String, String)> = cases::table
        .filter(cases::id.eq_any(case_ids))
        .select((cases::id, cases::case_number))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// Sets the receipt of a transfer not yet received; `false` when another request recorded
/// one first.
pub fn record_receipt(
    conn: &mut DbConn,
    row: &TransferRow,
    receipt: &Receipt,
    by: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let updated = diesel::update(
        transfers::table
            .filter(transfers::id.eq(&row.id))
            .filter(transfers::received_on.is_null()),
    )
    .set((
        transfers::received_on.eq(receipt.received_on),
        transfers::receiver_name.eq(&receipt.receiver_name),
        transfers::receipt_recorded_by.eq(by),
        transfers::receipt_recorded_at.eq(now),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Sets the feedback of a received transfer without one; `false` when another request
/// recorded one first.
pub fn record_feedback(
    conn: &mut DbConn,
    row: &TransferRow,
    feedback: &Feedback,
    by: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let updated = diesel::update(
        transfers::table
            .filter(transfers::id.eq(&row.id))
            .filter(transfers::received_on.is_not_null())
            .filter(transfers::feedback.is_null()),
    )
    .set((
        transfers::feedback.eq(&feedback.feedback),
        transfers::feedback_on.eq(feedback.feedback_on),
        transfers::feedback_recorded_by.eq(by),
        transfers::feedback_recorded_at.eq(now),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = incoming_transfers)]
pub struct IncomingRow {
    pub id: String,
    pub agency_id: String,
    pub case_id: String,
    pub from_department: String,
    pub letter_number: String,
    pub received_on: NaiveDate,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

/// Keeps an incoming transfer; the same sender's letter twice is a 409.
pub fn insert_incoming(conn: &mut DbConn, row: &IncomingRow) -> AppResult<()> {
    diesel::insert_into(incoming_transfers::table)
        .values(row)
        .execute(conn)
        .map_err(|e| {
            AppError::from_unique_violation(e, || {
                AppError::conflict(format!(
                    "the letter {} of {} was received already",
                    row.letter_number, row.from_department
                ))
            })
        })?;
    Ok(())
}

/// The figures of the agency's transfers made in a period, for the statistics.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TransferFigures {
    /// Transfer letters (移送函) issued in the period.
    pub total: i64,
    /// By receiving department or organ.
    pub by_destination: BTreeMap<String, i64>,
    /// `department`, `judicial`.
    pub by_kind: BTreeMap<String, i64>,
    /// As of today: `awaiting_receipt`, `awaiting_feedback`, `closed`.
    pub by_status: BTreeMap<String, i64>,
    /// Cases received from other departments in the period (source: referral).
    pub incoming: i64,
}

pub fn figures(conn: &mut DbConn, agency_id: &str, from: NaiveDate, to: NaiveDate) -> QueryResult<TransferFigures> {
    let rows: Vec<(TransferKind, String, Option<NaiveDate>, Option<String>)> = transfers::table
        .filter(transfers::agency_id.eq(agency_id))
        .filter(transfers::transferred_on.ge(from))
        .filter(transfers::transferred_on.le(to))
        .select((
            transfers::kind,
            transfers::to_department,
            transfers::received_on,
            transfers::feedback,
        ))
        .load(conn)?;
    let mut by_destination = BTreeMap::new();
    let mut by_kind: BTreeMap<String, i64> = TransferKind::ALL.iter().map(|k| (k.to_string(), 0)).collect();
    let mut by_status: BTreeMap<String, i64> = TransferStatus::ALL.iter().map(|s| (s.to_string(), 0)).collect();
    for (kind, destination, received_on, feedback) in &rows {
        *by_destination.entry(destination.clone()).or_default() += 1;
        *by_kind.entry(kind.to_string()).or_default() += 1;
        let status = TransferStatus::of(received_on.is_some(), feedback.is_some());
        *by_status.entry(status.to_string()).or_default() += 1;
    }
    let incoming = incoming_transfers::table
        .filter(incoming_transfers::agency_id.eq(agency_id))
        .filter(incoming_transfers::received_on.ge(from))
        .filter(incoming_transfers::received_on.le(to))
        .count()
        .get_result(conn)?;
    Ok(TransferFigures {
        total: rows.len() as i64,
        by_destination,
        by_kind,
        by_status,
        incoming,
    })
}
