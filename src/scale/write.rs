//! Generated cases written in batches: per table one multi-row INSERT per chunk (SQLite
//! binds at most 32766 variables a statement; `cases` has 64 columns), a batch in one
//! transaction. The rows are those `cases::store::insert`, `insert_revocation`,
//! `record::store::append_first` and `legal_reviews::store` write one at a time.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::lifecycle::Generated;
use crate::cases::model::{HazardLevel, RevocationAuthority, RevocationKind};
use crate::cases::store::CaseRow;
use crate::db::DbConn;
use crate::db::schema::{
    case_events, case_findings, case_officers, case_powers, case_revocations, cases, legal_reviews, number_counters,
};
use crate::legal_reviews::store::ReviewRow;
use crate::record::store::EventRow;

/// Bind variables per statement, below SQLite's limit of 32766 (PostgreSQL allows 65535).
pub(super) const MAX_BINDS: usize = 32_000;

#[derive(Insertable)]
#[diesel(table_name = case_officers)]
struct OfficerLink {
    case_id: String,
    user_id: String,
    position: i32,
    recused: bool,
}

#[derive(Insertable)]
#[diesel(table_name = case_powers)]
struct PowerLink {
    case_id: String,
    power_id: String,
    power_version_id: String,
}

#[derive(Insertable)]
#[diesel(table_name = case_findings, treat_none_as_default_value = false)]
struct FindingRow {
    case_id: String,
    position: i32,
    description: String,
    hazard_level: HazardLevel,
    rectified: bool,
    rectified_on: Option<NaiveDate>,
    escalated: bool,
}

#[derive(Insertable)]
#[diesel(table_name = case_revocations, treat_none_as_default_value = false)]
struct RevocationRow {
    case_id: String,
    kind: RevocationKind,
    authority: RevocationAuthority,
    revoked_on: NaiveDate,
    document_no: Option<String>,
    reason: String,
}

#[derive(Insertable)]
#[diesel(table_name = number_counters)]
pub(super) struct CounterRow {
    pub agency_id: String,
    pub counter: String,
    pub year: i32,
    pub last_seq: i32,
}

/// Rows waiting to be written, and how many of each were written so far.
#[derive(Default)]
pub(super) struct Batch {
    cases: Vec<CaseRow>,
    officers: Vec<OfficerLink>,
    powers: Vec<PowerLink>,
    findings: Vec<FindingRow>,
    events: Vec<EventRow>,
    reviews: Vec<ReviewRow>,
    revocations: Vec<RevocationRow>,
    pub written: Written,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Written {
    pub cases: u64,
    pub findings: u64,
    pub events: u64,
    pub legal_reviews: u64,
    pub revocations: u64,
}

/// Inserts `rows` into `table`, `columns` bind variables a row, on the concrete
/// connection: `MultiConnection` has no multi-row INSERT for SQLite.
macro_rules! insert_chunks {
    ($conn:expr, $table:expr, $rows:expr, $columns:expr) => {
        for chunk in $rows.chunks(MAX_BINDS / $columns) {
            let insert = diesel::insert_into($table).values(chunk);
            match &mut *$conn {
                DbConn::Postgresql(pg) => insert.execute(pg)?,
                DbConn::Sqlite(sqlite) => insert.execute(sqlite)?,
            };
        }
    };
}
pub(super) use insert_chunks;

impl Batch {
    pub fn len(&self) -> usize {
        self.cases.len()
    }

    pub fn add(&mut self, generated: Generated) {
        let Generated {
            case,
            meta,
            event,
            reviews,
        } = generated;
        for (position, officer) in case.officers.iter().enumerate() {
            self.officers.push(OfficerLink {
                case_id: case.id.clone(),
                user_id: officer.user_id.clone(),
                position: position as i32,
                recused: officer.recused,
            });
        }
        for power in &case.powers {
            self.powers.push(PowerLink {
                case_id: case.id.clone(),
                power_id: power.power_id.clone(),
                power_version_id: power.power_version_id.clone(),
            });
        }
        for (position, finding) in case.findings.iter().enumerate() {
            self.findings.push(FindingRow {
                case_id: case.id.clone(),
                position: position as i32,
                description: finding.description.clone(),
                hazard_level: finding.hazard_level,
                rectified: finding.rectified,
                rectified_on: finding.rectified_on,
                escalated: finding.escalated,
            });
        }
        if let Some(revocation) = &case.revocation {
            self.revocations.push(RevocationRow {
                case_id: case.id.clone(),
                kind: revocation.kind,
                authority: revocation.authority,
                revoked_on: revocation.on,
                document_no: revocation.document_no.clone(),
                reason: revocation.reason.clone(),
            });
        }
        self.cases.push(CaseRow::from_case(&case, &meta));
        self.events.push(event);
        self.reviews.extend(reviews);
    }

    /// Writes everything waiting, in the caller's transaction, cases first (the other
    /// rows refer to them; a parent case is added before the case escalated from it).
    pub fn write(&mut self, conn: &mut DbConn) -> QueryResult<()> {
        insert_chunks!(conn, cases::table, self.cases, 64);
        insert_chunks!(conn, case_officers::table, self.officers, 4);
        insert_chunks!(conn, case_powers::table, self.powers, 3);
        insert_chunks!(conn, case_findings::table, self.findings, 7);
        insert_chunks!(conn, case_events::table, self.events, 8);
        insert_chunks!(conn, legal_reviews::table, self.reviews, 19);
        insert_chunks!(conn, case_revocations::table, self.revocations, 6);
        self.written.cases += self.cases.len() as u64;
        self.written.findings += self.findings.len() as u64;
        self.written.events += self.events.len() as u64;
        self.written.legal_reviews += self.reviews.len() as u64;
        self.written.revocations += self.revocations.len() as u64;
        self.cases.clear();
        self.officers.clear();
        self.powers.clear();
        self.findings.clear();
        self.events.clear();
        self.reviews.clear();
        self.revocations.clear();
        Ok(())
    }
}

pub(super) fn write_counters(conn: &mut DbConn, rows: &[CounterRow]) -> QueryResult<()> {
    insert_chunks!(conn, number_counters::table, rows, 4);
    Ok(())
}
