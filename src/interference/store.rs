//! The interference register in the database. Every query is scoped to one agency; rows
//! are only ever inserted (the migration's triggers refuse UPDATE and DELETE).

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{
    case_officers, cases, evidence, interference_reads, interference_referral_outcomes, interference_referrals,
    interference_reports,
};
use crate::http::PageRequest;
use crate::interference::model::{InterferenceMethod, NewReport, ReferralStatus};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = interference_reports)]
pub struct ReportRow {
    pub id: String,
    pub agency_id: String,
    pub reporter_id: String,
    pub person_name: String,
    pub position: String,
    pub internal: bool,
    pub occurred_at: NaiveDateTime,
    pub method: InterferenceMethod,
    pub request: String,
    pub case_id: Option<String>,
    pub evidence_id: Option<String>,
    pub corrects_id: Option<String>,
    pub created_at: NaiveDateTime,
}

impl ReportRow {
    pub fn new(agency_id: &str, reporter_id: &str, report: NewReport, now: NaiveDateTime) -> Self {
        ReportRow {
            id: uuid::Uuid::now_v7().to_string(),
            agency_id: agency_id.to_string(),
            reporter_id: reporter_id.to_string(),
            person_name: report.person_name,
            position: report.position,
            internal: report.internal,
            occurred_at: crate::clock::to_db(report.occurred_at),
            method: report.method,
            request: report.request,
            case_id: report.case_id,
            evidence_id: report.evidence_id,
            corrects_id: report.corrects_id,
            created_at: now,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = interference_referrals)]
pub struct ReferralRow {
    pub id: String,
    pub agency_id: String,
    pub report_id: String,
    pub referred_to: String,
    pub note: Option<String>,
    pub referred_by: String,
    pub referred_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = interference_referral_outcomes)]
pub struct OutcomeRow {
    pub id: String,
    pub agency_id: String,
    pub referral_id: String,
    pub outcome: String,
    pub recorded_by: String,
    pub recorded_at: NaiveDateTime,
}

pub fn insert_report(conn: &mut DbConn, row: &ReportRow) -> QueryResult<()> {
    diesel::insert_into(interference_reports::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConn, agency_id: &str, id: &str) -> QueryResult<Option<ReportRow>> {
    interference_reports::table
        .filter(interference_reports::agency_id.eq(agency_id))
        .filter(interference_reports::id.eq(id))
        .select(ReportRow::as_select())
        .first(conn)
        .optional()
}

/// The agency's reports in order of entry (ids are UUID v7); only `reporter_id`'s when given.
pub fn list(
    conn: &mut DbConn,
    agency_id: &str,
    reporter_id: Option<&str>,
    page: &PageRequest,
) -> QueryResult<Vec<ReportRow>> {
    let mut query = interference_reports::table
        .filter(interference_reports::agency_id.eq(agency_id))
        .select(ReportRow::as_select())
        .order(interference_reports::id.asc())
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(reporter_id) = reporter_id {
        query = query.filter(interference_reports::reporter_id.eq(reporter_id.to_string()));
    }
    if let Some(after) = &page.after {
        query = query.filter(interference_reports::id.gt(after.clone()));
    }
    query.load(conn)
}

/// Records that `reader_id` read each of `report_ids` at `now`: one row per report (a
/// page holds at most 200).
pub fn record_reads(
    conn: &mut DbConn,
    agency_id: &str,
    report_ids: &[String],
    reader_id: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    for report_id in report_ids {
        diesel::insert_into(interference_reads::table)
            .values((
                interference_reads::id.eq(uuid::Uuid::now_v7().to_string()),
                interference_reads::agency_id.eq(agency_id),
                interference_reads::report_id.eq(report_id),
                interference_reads::reader_id.eq(reader_id),
                interference_reads::at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The reads of a report, oldest first: (reader, when).
pub fn access_log(conn: &mut DbConn, report_id: &str) -> QueryResult<Vec<(String, NaiveDateTime)>> {
    interference_reads::table
        .filter(interference_reads::report_id.eq(report_id))
        .order(interference_reads::id.asc())
        .select((interference_reads::reader_id, interference_reads::at))
        .load(conn)
}

pub fn referral_of(conn: &mut DbConn, report_id: &str) -> QueryResult<Option<ReferralRow>> {
    interference_referrals::table
        .filter(interference_referrals::report_id.eq(report_id))
        .select(ReferralRow::as_select())
        .first(conn)
        .optional()
}

pub fn outcome_of(conn: &mut DbConn, referral_id: &str) -> QueryResult<Option<OutcomeRow>> {
    interference_referral_outcomes::table
        .filter(interference_referral_outcomes::referral_id.eq(referral_id))
        .select(OutcomeRow::as_select())
        .first(conn)
        .optional()
}

/// Inserts a referral; a second one of the same report is refused by the unique index.
pub fn insert_referral(conn: &mut DbConn, row: &ReferralRow) -> QueryResult<()> {
    diesel::insert_into(interference_referrals::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Inserts an outcome; a second one of the same referral is refused by the unique index.
pub fn insert_outcome(conn: &mut DbConn, row: &OutcomeRow) -> QueryResult<()> {
    diesel::insert_into(interference_referral_outcomes::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The reports that correct `report_id`, in order of entry.
pub fn corrections_of(conn: &mut DbConn, report_id: &str) -> QueryResult<Vec<String>> {
    interference_reports::table
        .filter(interference_reports::corrects_id.eq(report_id))
        .order(interference_reports::id.asc())
        .select(interference_reports::id)
        .load(conn)
}

/// The officers of a case (recused ones too: they were on it).
pub fn case_officer_ids(conn: &mut DbConn, case_id: &str) -> QueryResult<Vec<String>> {
    case_officers::table
        .filter(case_officers::case_id.eq(case_id))
        .select(case_officers::user_id)
        .load(conn)
}

pub fn case_in_agency(conn: &mut DbConn, agency_id: &str, case_id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        cases::table
            .filter(cases::agency_id.eq(agency_id))
            .filter(cases::id.eq(case_id)),
    ))
    .get_result(conn)
}

pub fn evidence_in_agency(conn: &mut DbConn, agency_id: &str, evidence_id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        evidence::table
            .filter(evidence::agency_id.eq(agency_id))
            .filter(evidence::id.eq(evidence_id)),
    ))
    .get_result(conn)
}

/// Whether any report names the case (what a supervisor's case view shows, nothing more).
pub fn reported_for_case(conn: &mut DbConn, agency_id: &str, case_id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        interference_reports::table
            .filter(interference_reports::agency_id.eq(agency_id))
            .filter(interference_reports::case_id.eq(case_id)),
    ))
    .get_result(conn)
}

/// The register's figures for a period (reports entered in it), for the statistics.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct InterferenceFigures {
    /// Reports entered in the period (corrections included: each is an entry).
    pub total: i64,
    /// By how the interference happened: `in_person`, `phone`, `message`, `document`, `other`.
    pub by_method: BTreeMap<String, i64>,
    /// By referral status today: `not_referred`, `referred` (awaiting its outcome), `concluded`.
    pub by_referral_status: BTreeMap<String, i64>,
}

pub fn figures(conn: &mut DbConn, agency_id: &str, from: NaiveDate, to: NaiveDate) -> QueryResult<InterferenceFigures> {
    let start = from.and_hms_opt(0, 0, 0).unwrap_or_default() - chrono::Duration::hours(8);
    let end = to.succ_opt().unwrap_or(to).and_hms_opt(0, 0, 0).unwrap_or_default() - chrono::Duration::hours(8);
    let rows: Vec<(InterferenceMethod, Option<String>, Option<String>)> = interference_reports::table
        .left_join(interference_referrals::table)
        .left_join(
            interference_referral_outcomes::table
                .on(interference_referral_outcomes::referral_id.eq(interference_referrals::id)),
        )
        .filter(interference_reports::agency_id.eq(agency_id))
        .filter(interference_reports::created_at.ge(start))
        .filter(interference_reports::created_at.lt(end))
        .select((
            interference_reports::method,
            interference_referrals::id.nullable(),
            interference_referral_outcomes::id.nullable(),
        ))
        .load(conn)?;
    let mut by_method: BTreeMap<String, i64> = InterferenceMethod::ALL.iter().map(|m| (m.to_string(), 0)).collect();
    let mut by_referral_status: BTreeMap<String, i64> =
        ReferralStatus::ALL.iter().map(|s| (s.to_string(), 0)).collect();
    for (method, referral, outcome) in &rows {
        *by_method.entry(method.to_string()).or_default() += 1;
        let status = ReferralStatus::of(referral.is_some(), outcome.is_some());
        *by_referral_status.entry(status.to_string()).or_default() += 1;
    }
    Ok(InterferenceFigures {
        total: rows.len() as i64,
        by_method,
        by_referral_status,
    })
}
