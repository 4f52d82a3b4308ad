//! Case queries. Every change to a case and the record event describing it are written in
//! the caller's transaction, so they commit together or not at all.
//!
//! `rows` maps a case to its tables and back; `registers` reads what filing and steps
//! check (subjects, powers, officers, settings); `list` filters cases; `steps` opens a
//! case and applies a step, each with its record event.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::cases::model::{
    Case, CaseKind, CaseOfficer, CaseSource, CaseStatus, CitedPower, CreateCaseRequest, DefenseState, Finding,
    HazardLevel, HearingState, InspectionResult, LegalReviewScope, NewCase, OfficerCandidate, Outcome, PenaltyType,
    Procedure, ProcedureSettings, ReviewOutcome, Revocation, RevocationAuthority, RevocationKind, ServiceMethod,
    SubjectKind,
};
use crate::db::schema::{
    agency_settings, case_findings, case_officers, case_on_the_spot_benchmarks, case_powers, case_revocations, cases,
    legal_reviews, power_versions, powers, subjects, users,
};
use crate::db::{DbBackend, DbConn};
use crate::error::{AppError, AppResult};
use crate::http::PageRequest;

mod list;
mod plans;
mod registers;
mod rows;
mod steps;

pub use list::*;
pub use plans::{approved_inspections_this_year, case_by_code, load_by_code, record_cap_refusal};
pub use registers::*;
pub use rows::*;
pub use steps::*;

/// Takes the row lock of an agency's case before appending to its record outside a step
/// (evidence, case-file review scores), so that two writers cannot both take the record's
/// next number: the PostgreSQL row lock is held to commit; SQLite has one writer anyway.
/// 404 when the agency has no such case.
pub fn lock_for_record(
    conn: &mut DbConn,
    agency_id: &str,
    case_id: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    let locked = diesel::update(
        cases::table
            .filter(cases::agency_id.eq(agency_id))
            .filter(cases::id.eq(case_id)),
    )
    .set(cases::updated_at.eq(crate::clock::to_db(now)))
    .execute(conn)?;
    if locked == 0 {
        return Err(AppError::NotFound("case"));
    }
    Ok(())
}
