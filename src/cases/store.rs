//! Case queries. Every change to a case and the record event describing it are written in
//! the caller's transaction, so they commit together or not at all.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::cases::model::{
    Case, CaseKind, CaseOfficer, CaseSource, CaseStatus, CitedPower, CreateCaseRequest, DecisionType, DefenseState,
    Finding, HazardLevel, HearingState, InspectionResult, NewCase, OfficerCandidate, Outcome, Procedure,
    ProcedureSettings, ServiceMethod, SubjectKind,
};
use crate::db::DbConn;
use crate::db::schema::{
    agency_settings, case_findings, case_officers, case_powers, cases, power_versions, powers, subjects, users,
};
use crate::error::{AppError, AppResult};
use crate::http::PageRequest;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, Identifiable)]
// NULL for None (not DEFAULT) keeps the INSERT's text fixed, so the prepared statement
// is cached instead of parsed for every case.
#[diesel(table_name = cases, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct CaseRow {
    pub id: String,
    pub agency_id: String,
    pub kind: CaseKind,
    pub procedure: Option<Procedure>,
    pub case_number: String,
    pub number_year: i32,
    pub number_seq: i32,
    pub status: CaseStatus,
    pub subject_id: String,
    pub summary: String,
    pub source: CaseSource,
    pub parent_case_id: Option<String>,
    pub opened_on: NaiveDate,
    pub violation_on: Option<NaiveDate>,
    pub serious_harm: bool,
    pub location: Option<String>,
    pub inspection_result: Option<InspectionResult>,
    pub rectification_deadline: Option<NaiveDate>,
    pub notice_decision_type: Option<DecisionType>,
    pub notice_fine_fen: Option<i64>,
    pub notified_on: Option<NaiveDate>,
    pub defense_due_on: Option<NaiveDate>,
    pub defense_state: Option<DefenseState>,
    pub hearing_rights: bool,
    pub hearing_request_due_on: Option<NaiveDate>,
    pub hearing_state: Option<HearingState>,
    pub hearing_on: Option<NaiveDate>,
    pub collective_discussion_on: Option<NaiveDate>,
    pub decision_due_on: Option<NaiveDate>,
    pub outcome: Option<Outcome>,
    pub decision_type: Option<DecisionType>,
    pub fine_amount_fen: Option<i64>,
    pub decided_on: Option<NaiveDate>,
    pub decision_number: Option<String>,
    pub service_due_on: Option<NaiveDate>,
    pub served_on: Option<NaiveDate>,
    pub service_method: Option<ServiceMethod>,
    pub payment_due_on: Option<NaiveDate>,
    pub paid_fen: i64,
    pub executed_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub archived_on: Option<NaiveDate>,
    pub transferred_to: Option<String>,
    pub transfer_reason: Option<String>,
    pub terminated_reason: Option<String>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub created_by: String,
    pub updated_at: NaiveDateTime,
}

/// Who entered a case and when; kept alongside the domain case.
#[derive(Debug, Clone)]
pub struct CaseMeta {
    pub created_at: NaiveDateTime,
    pub created_by: String,
    pub updated_at: NaiveDateTime,
    pub subject_name: String,
    pub number_year: i32,
    pub number_seq: i32,
}

impl CaseRow {
    fn into_case(
        self,
        subject_kind: SubjectKind,
        officers: Vec<CaseOfficer>,
        powers: Vec<CitedPower>,
        findings: Vec<Finding>,
    ) -> AppResult<Case> {
        Ok(Case {
            kind: self.kind,
            procedure: self.procedure,
            status: self.status,
            source: self.source,
            inspection_result: self.inspection_result,
            notice_decision_type: self.notice_decision_type,
            defense_state: self.defense_state,
            hearing_state: self.hearing_state,
            outcome: self.outcome,
            decision_type: self.decision_type,
            service_method: self.service_method,
            id: self.id,
            agency_id: self.agency_id,
            case_number: self.case_number,
            subject_id: self.subject_id,
            subject_kind,
            summary: self.summary,
            parent_case_id: self.parent_case_id,
            opened_on: self.opened_on,
            violation_on: self.violation_on,
            serious_harm: self.serious_harm,
            location: self.location,
            officers,
            powers,
            findings,
            rectification_deadline: self.rectification_deadline,
            notice_fine_fen: self.notice_fine_fen,
            notified_on: self.notified_on,
            defense_due_on: self.defense_due_on,
            hearing_rights: self.hearing_rights,
            hearing_request_due_on: self.hearing_request_due_on,
            hearing_on: self.hearing_on,
            collective_discussion_on: self.collective_discussion_on,
            decision_due_on: self.decision_due_on,
            fine_amount_fen: self.fine_amount_fen,
            decided_on: self.decided_on,
            decision_number: self.decision_number,
            service_due_on: self.service_due_on,
            served_on: self.served_on,
            payment_due_on: self.payment_due_on,
            paid_fen: self.paid_fen,
            executed_on: self.executed_on,
            closed_on: self.closed_on,
            archived_on: self.archived_on,
            transferred_to: self.transferred_to,
            transfer_reason: self.transfer_reason,
            terminated_reason: self.terminated_reason,
            version: self.version,
        })
    }

    /// The row for a case; `meta` supplies what the domain case does not carry.
    pub fn from_case(case: &Case, meta: &CaseMeta) -> CaseRow {
        CaseRow {
            id: case.id.clone(),
            agency_id: case.agency_id.clone(),
            kind: case.kind,
            procedure: case.procedure,
            case_number: case.case_number.clone(),
            number_year: meta.number_year,
            number_seq: meta.number_seq,
            status: case.status,
            subject_id: case.subject_id.clone(),
            summary: case.summary.clone(),
            source: case.source,
            parent_case_id: case.parent_case_id.clone(),
            opened_on: case.opened_on,
            violation_on: case.violation_on,
            serious_harm: case.serious_harm,
            location: case.location.clone(),
            inspection_result: case.inspection_result,
            rectification_deadline: case.rectification_deadline,
            notice_decision_type: case.notice_decision_type,
            notice_fine_fen: case.notice_fine_fen,
            notified_on: case.notified_on,
            defense_due_on: case.defense_due_on,
            defense_state: case.defense_state,
            hearing_rights: case.hearing_rights,
            hearing_request_due_on: case.hearing_request_due_on,
            hearing_state: case.hearing_state,
            hearing_on: case.hearing_on,
            collective_discussion_on: case.collective_discussion_on,
            decision_due_on: case.decision_due_on,
            outcome: case.outcome,
            decision_type: case.decision_type,
            fine_amount_fen: case.fine_amount_fen,
            decided_on: case.decided_on,
            decision_number: case.decision_number.clone(),
            service_due_on: case.service_due_on,
            served_on: case.served_on,
            service_method: case.service_method,
            payment_due_on: case.payment_due_on,
            paid_fen: case.paid_fen,
            executed_on: case.executed_on,
            closed_on: case.closed_on,
            archived_on: case.archived_on,
            transferred_to: case.transferred_to.clone(),
            transfer_reason: case.transfer_reason.clone(),
            terminated_reason: case.terminated_reason.clone(),
            version: case.version,
            created_at: meta.created_at,
            created_by: meta.created_by.clone(),
            updated_at: meta.updated_at,
        }
    }
}

/// A case of the agency with its officers, powers and findings.
pub fn load(conn: &mut DbConn, agency_id: &str, case_id: &str) -> AppResult<Option<(Case, CaseMeta)>> {
    let found: Option<(CaseRow, SubjectKind, String)> = cases::table
        .inner_join(subjects::table)
        .filter(cases::agency_id.eq(agency_id))
        .filter(cases::id.eq(case_id))
        .select((CaseRow::as_select(), subjects::kind, subjects::name))
        .first(conn)
        .optional()?;
    let Some((row, subject_kind, subject_name)) = found else {
        return Ok(None);
    };
    let officers = case_officers::table
        .inner_join(users::table)
        .filter(case_officers::case_id.eq(case_id))
        .order(case_officers::position.asc())
        .select((users::id, users::display_name, users::certificate_no))
        .load::<(String, String, Option<String>)>(conn)?
        .into_iter()
        .map(|(user_id, display_name, certificate_no)| CaseOfficer {
            user_id,
            display_name,
            certificate_no,
        })
        .collect();
    let powers = cited_powers(conn, case_id)?;
    let findings = case_findings::table
        .filter(case_findings::case_id.eq(case_id))
        .order(case_findings::position.asc())
        .select((
            case_findings::description,
            case_findings::hazard_level,
            case_findings::rectified,
            case_findings::rectified_on,
            case_findings::escalated,
        ))
        .load::<(String, HazardLevel, bool, Option<NaiveDate>, bool)>(conn)?
        .into_iter()
        .map(
            |(description, hazard_level, rectified, rectified_on, escalated)| Finding {
                description,
                hazard_level,
                rectified,
                rectified_on,
                escalated,
            },
        )
        .collect();
    let meta = CaseMeta {
        created_at: row.created_at,
        created_by: row.created_by.clone(),
        updated_at: row.updated_at,
        subject_name,
        number_year: row.number_year,
        number_seq: row.number_seq,
    };
    Ok(Some((row.into_case(subject_kind, officers, powers, findings)?, meta)))
}

fn cited_powers(conn: &mut DbConn, case_id: &str) -> QueryResult<Vec<CitedPower>> {
    type Cited = (String, String, i32, String, String, Option<i64>, bool);
    let rows: Vec<Cited> = case_powers::table
        .inner_join(power_versions::table)
        .filter(case_powers::case_id.eq(case_id))
        .order(power_versions::code.asc())
        .select((
            case_powers::power_id,
            case_powers::power_version_id,
            power_versions::version,
            power_versions::code,
            power_versions::name,
            power_versions::fine_max_fen,
            power_versions::requires_av_record,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(power_id, power_version_id, version, code, name, fine_max_fen, requires_av_record)| CitedPower {
                power_id,
                power_version_id,
                version,
                code,
                name,
                fine_max_fen,
                requires_av_record,
            },
        )
        .collect())
}

/// Writes a case's new state, but only if nobody changed it since `expected_version` was
/// read; returns false when someone did. Findings are rewritten when they changed.
pub fn save(
    conn: &mut DbConn,
    case: &Case,
    meta: &CaseMeta,
    expected_version: i32,
    findings_changed: bool,
) -> QueryResult<bool> {
    let row = CaseRow::from_case(case, meta);
    let updated = diesel::update(
        cases::table
            .filter(cases::id.eq(&case.id))
            .filter(cases::version.eq(expected_version)),
    )
    .set(&row)
    .execute(conn)?;
    if updated != 1 {
        return Ok(false);
    }
    if findings_changed {
        diesel::delete(case_findings::table.filter(case_findings::case_id.eq(&case.id))).execute(conn)?;
        insert_findings(conn, &case.id, &case.findings)?;
    }
    Ok(true)
}

fn insert_findings(conn: &mut DbConn, case_id: &str, findings: &[Finding]) -> QueryResult<()> {
    for (position, finding) in findings.iter().enumerate() {
        diesel::insert_into(case_findings::table)
            .values((
                case_findings::case_id.eq(case_id),
                case_findings::position.eq(position as i32),
                case_findings::description.eq(&finding.description),
                case_findings::hazard_level.eq(finding.hazard_level),
                case_findings::rectified.eq(finding.rectified),
                case_findings::rectified_on.eq(finding.rectified_on),
                case_findings::escalated.eq(finding.escalated),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Inserts a new case with its officers and cited powers.
pub fn insert(conn: &mut DbConn, case: &Case, meta: &CaseMeta) -> QueryResult<()> {
    diesel::insert_into(cases::table)
        .values(CaseRow::from_case(case, meta))
        .execute(conn)?;
    for (position, officer) in case.officers.iter().enumerate() {
        diesel::insert_into(case_officers::table)
            .values((
                case_officers::case_id.eq(&case.id),
                case_officers::user_id.eq(&officer.user_id),
                case_officers::position.eq(position as i32),
            ))
            .execute(conn)?;
    }
    for power in &case.powers {
        diesel::insert_into(case_powers::table)
            .values((
                case_powers::case_id.eq(&case.id),
                case_powers::power_id.eq(&power.power_id),
                case_powers::power_version_id.eq(&power.power_version_id),
            ))
            .execute(conn)?;
    }
    insert_findings(conn, &case.id, &case.findings)
}

/// The subject's kind and name, when it belongs to the agency.
pub fn subject_in_agency(
    conn: &mut DbConn,
    agency_id: &str,
    subject_id: &str,
) -> AppResult<Option<(SubjectKind, String)>> {
    Ok(subjects::table
        .filter(subjects::agency_id.eq(agency_id))
        .filter(subjects::id.eq(subject_id))
        .select((subjects::kind, subjects::name))
        .first(conn)
        .optional()?)
}

/// What citing a power on a date finds.
pub enum PowerLookup {
    InForce(CitedPower),
    /// The power exists but no version was in force on the date.
    NotInForce,
    Unknown,
}

/// The version of a power in force on `on` (the latest version whose period covers it).
pub fn power_in_force(conn: &mut DbConn, agency_id: &str, power_id: &str, on: NaiveDate) -> QueryResult<PowerLookup> {
    type Version = (String, i32, String, String, Option<i64>, bool);
    let version: Option<Version> = power_versions::table
        .filter(power_versions::agency_id.eq(agency_id))
        .filter(power_versions::power_id.eq(power_id))
        .filter(power_versions::effective_from.le(on))
        .filter(
            power_versions::effective_to
                .is_null()
                .or(power_versions::effective_to.ge(on)),
        )
        .order(power_versions::version.desc())
        .select((
            power_versions::id,
            power_versions::version,
            power_versions::code,
            power_versions::name,
            power_versions::fine_max_fen,
            power_versions::requires_av_record,
        ))
        .first(conn)
        .optional()?;
    if let Some((power_version_id, version, code, name, fine_max_fen, requires_av_record)) = version {
        return Ok(PowerLookup::InForce(CitedPower {
            power_id: power_id.to_string(),
            power_version_id,
            version,
            code,
            name,
            fine_max_fen,
            requires_av_record,
        }));
    }
    let exists: bool = diesel::select(diesel::dsl::exists(
        powers::table
            .filter(powers::agency_id.eq(agency_id))
            .filter(powers::id.eq(power_id)),
    ))
    .get_result(conn)?;
    Ok(if exists {
        PowerLookup::NotInForce
    } else {
        PowerLookup::Unknown
    })
}

/// id, roles, active, certificate number and expiry, display name.
type OfficerRow = (String, String, bool, Option<String>, Option<NaiveDate>, String);

/// Officers proposed for a case, as the register knows them; `None` where the id is not a
/// user of the agency.
pub fn officer_candidates(
    conn: &mut DbConn,
    agency_id: &str,
    ids: &[String],
) -> QueryResult<Vec<Option<(OfficerCandidate, String)>>> {
    let mut found = Vec::with_capacity(ids.len());
    for id in ids {
        let row: Option<OfficerRow> = users::table
            .filter(users::agency_id.eq(agency_id))
            .filter(users::id.eq(id))
            .select((
                users::id,
                users::roles,
                users::active,
                users::certificate_no,
                users::certificate_expires_on,
                users::display_name,
            ))
            .first(conn)
            .optional()?;
        found.push(row.map(
            |(user_id, roles, active, certificate_no, certificate_expires_on, display_name)| {
                (
                    OfficerCandidate {
                        user_id,
                        is_officer: crate::auth::Roles::from_db(&roles).has(crate::auth::Role::Officer),
                        active,
                        certificate_no,
                        certificate_expires_on,
                    },
                    display_name,
                )
            },
        ));
    }
    Ok(found)
}

pub fn procedure_settings(conn: &mut DbConn, agency_id: &str) -> QueryResult<ProcedureSettings> {
    let row: Option<(i32, i64, i64)> = agency_settings::table
        .find(agency_id)
        .select((
            agency_settings::defense_period_working_days,
            agency_settings::hearing_threshold_individual_fen,
            agency_settings::hearing_threshold_organisation_fen,
        ))
        .first(conn)
        .optional()?;
    Ok(match row {
        Some((days, individual, organisation)) => ProcedureSettings {
            defense_period_working_days: days.max(0) as u32,
            hearing_threshold_individual_fen: individual,
            hearing_threshold_organisation_fen: organisation,
        },
        None => ProcedureSettings::default(),
    })
}

pub fn save_procedure_settings(
    conn: &mut DbConn,
    agency_id: &str,
    settings: &ProcedureSettings,
    by: &str,
) -> QueryResult<()> {
    diesel::delete(agency_settings::table.find(agency_id)).execute(conn)?;
    diesel::insert_into(agency_settings::table)
        .values((
            agency_settings::agency_id.eq(agency_id),
            agency_settings::defense_period_working_days.eq(settings.defense_period_working_days as i32),
            agency_settings::hearing_threshold_individual_fen.eq(settings.hearing_threshold_individual_fen),
            agency_settings::hearing_threshold_organisation_fen.eq(settings.hearing_threshold_organisation_fen),
            agency_settings::updated_at.eq(crate::clock::to_db(crate::clock::now())),
            agency_settings::updated_by.eq(by),
        ))
        .execute(conn)?;
    Ok(())
}

diesel::define_sql_function! {
    #[sql_name = "coalesce"]
    fn coalesce_bool(x: diesel::sql_types::Nullable<diesel::sql_types::Bool>, y: diesel::sql_types::Bool) -> diesel::sql_types::Bool;
}

/// List filters of `GET /cases`.
#[derive(Debug, Default, Clone)]
pub struct CaseFilter {
    pub kind: Option<CaseKind>,
    pub status: Option<CaseStatus>,
    pub officer_id: Option<String>,
    pub subject_id: Option<String>,
    pub power_id: Option<String>,
    pub opened_from: Option<NaiveDate>,
    pub opened_to: Option<NaiveDate>,
    /// Only cases past a deadline (`Some(true)`), or only those that are not.
    pub overdue: Option<bool>,
    pub q: Option<String>,
}

/// Ids of one page of the agency's cases matching the filter, newest entry last.
pub fn list_ids(
    conn: &mut DbConn,
    agency_id: &str,
    filter: &CaseFilter,
    page: &PageRequest,
    today: NaiveDate,
) -> QueryResult<Vec<String>> {
    let mut query = cases::table
        .filter(cases::agency_id.eq(agency_id))
        .select(cases::id)
        .order(cases::id.asc())
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(after) = &page.after {
        query = query.filter(cases::id.gt(after.clone()));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(cases::kind.eq(kind));
    }
    if let Some(status) = filter.status {
        query = query.filter(cases::status.eq(status));
    }
    if let Some(subject_id) = &filter.subject_id {
        query = query.filter(cases::subject_id.eq(subject_id.clone()));
    }
    if let Some(from) = filter.opened_from {
        query = query.filter(cases::opened_on.ge(from));
    }
    if let Some(to) = filter.opened_to {
        query = query.filter(cases::opened_on.le(to));
    }
    if let Some(officer_id) = &filter.officer_id {
        query = query.filter(
            cases::id.eq_any(
                case_officers::table
                    .filter(case_officers::user_id.eq(officer_id.clone()))
                    .select(case_officers::case_id),
            ),
        );
    }
    if let Some(power_id) = &filter.power_id {
        query = query.filter(
            cases::id.eq_any(
                case_powers::table
                    .filter(case_powers::power_id.eq(power_id.clone()))
                    .select(case_powers::case_id),
            ),
        );
    }
    if let Some(q) = &filter.q {
        let pattern = crate::db::like_pattern(q);
        query = query.filter(
            crate::db::lower(cases::case_number)
                .like(pattern.clone())
                .escape('\\')
                .or(crate::db::lower(cases::summary).like(pattern).escape('\\')),
        );
    }
    // The SQL form of `model::overdue_deadlines`; a test checks the two agree.
    let final_states = ["closed", "archived", "transferred", "terminated", "voided"];
    let decision_overdue = cases::outcome
        .is_null()
        .and(cases::status.ne_all(final_states))
        .and(cases::decision_due_on.lt(today));
    let service_overdue = cases::status
        .eq("decided")
        .and(cases::served_on.is_null())
        .and(cases::service_due_on.lt(today));
    let payment_overdue = cases::status
        .eq_any(["served", "decided"])
        .and(cases::executed_on.is_null())
        .and(cases::fine_amount_fen.gt(0))
        .and(cases::payment_due_on.lt(today));
    let rectification_overdue = cases::status
        .eq("rectifying")
        .and(cases::rectification_deadline.lt(today));
    let overdue = decision_overdue
        .or(service_overdue)
        .or(payment_overdue)
        .or(rectification_overdue);
    // NULL dates compare as NULL; a case without the date is simply not overdue by it.
    let overdue = coalesce_bool(overdue, false);
    match filter.overdue {
        Some(true) => query = query.filter(overdue),
        Some(false) => query = query.filter(diesel::dsl::not(overdue)),
        None => {}
    }
    query.load(conn)
}

// ---- composing a step ------------------------------------------------------------------

impl From<crate::cases::model::Refusal> for AppError {
    fn from(refusal: crate::cases::model::Refusal) -> Self {
        use crate::cases::model::Refusal;
        match refusal {
            Refusal::NotAllowed { detail, allowed } => AppError::Conflict {
                detail,
                allowed_actions: Some(allowed.into_iter().map(|a| a.as_str().to_string()).collect()),
            },
            Refusal::Rule { rule, detail } => AppError::Rule { rule, detail },
            Refusal::Invalid(errors) => AppError::Validation(errors),
        }
    }
}

/// The caller as the store needs it.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: String,
    pub agency_id: String,
    pub is_officer: bool,
    pub is_supervisor: bool,
}

/// A new case that passed the rules of filing and awaits its number.
#[derive(Debug, Clone)]
pub struct PreparedCase {
    case: Case,
    subject_name: String,
    case_prefix: String,
}

/// 立案 / 登记 in one transaction: checks, numbers and records the case.
pub fn create_case(
    conn: &mut DbConn,
    caller: &Caller,
    input: NewCase,
    today: NaiveDate,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<(Case, CaseMeta)> {
    let prepared = prepare_case(conn, caller, input, today)?;
    insert_prepared_case(conn, caller, prepared, now)
}

/// The checks of filing (立案): the subject, officers and cited powers as the registers
/// hold them, and the rules of `model::check_new_case`. Reads only, so it can run before
/// the write transaction and keep SQLite's single writer free meanwhile.
pub fn prepare_case(conn: &mut DbConn, caller: &Caller, input: NewCase, today: NaiveDate) -> AppResult<PreparedCase> {
    use crate::cases::model::{Opening, check_new_case};
    use crate::error::FieldError;

    let opened_on = input.opened_on(today);
    let agency_id = caller.agency_id.as_str();
    let (subject_kind, subject_name) = subject_in_agency(conn, agency_id, &input.subject_id)?
        .ok_or_else(|| AppError::field("subject_id", "no such subject in this agency's register"))?;
    if let Some(parent_id) = &input.parent_case_id {
        let parent_exists: bool = diesel::select(diesel::dsl::exists(
            cases::table
                .filter(cases::agency_id.eq(agency_id))
                .filter(cases::id.eq(parent_id)),
        ))
        .get_result(conn)?;
        if !parent_exists {
            return Err(AppError::field("parent_case_id", "no such case in this agency"));
        }
    }
    let mut errors = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, id) in input.power_ids.iter().enumerate() {
        if !seen.insert(id) {
            errors.push(FieldError::new(format!("power_ids[{i}]"), "is cited twice"));
        }
    }
    let candidates = officer_candidates(conn, agency_id, &input.officer_ids)?;
    for (i, candidate) in candidates.iter().enumerate() {
        if candidate.is_none() {
            errors.push(FieldError::new(
                format!("officer_ids[{i}]"),
                "no such user in this agency",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let (candidates, names): (Vec<OfficerCandidate>, Vec<String>) = candidates.into_iter().flatten().unzip();
    check_new_case(&input, &candidates, today)?;
    let mut cited = Vec::new();
    for (i, power_id) in input.power_ids.iter().enumerate() {
        match power_in_force(conn, agency_id, power_id, opened_on)? {
            PowerLookup::InForce(power) => cited.push(power),
            PowerLookup::NotInForce => {
                return Err(AppError::rule(
                    "power_not_in_force",
                    format!(
                        "power_ids[{i}] was not in force on {opened_on}; cite a power of the power list in force on the case's date"
                    ),
                ));
            }
            PowerLookup::Unknown => {
                return Err(AppError::field(
                    format!("power_ids[{i}]"),
                    "no such power in this agency",
                ));
            }
        }
    }
    let agency = crate::agencies::store::find(conn, agency_id)?;
    let case = Case::open(Opening {
        id: uuid::Uuid::now_v7().to_string(),
        agency_id: agency_id.to_string(),
        kind: input.kind,
        procedure: input.procedure,
        case_number: String::new(),
        subject_id: input.subject_id,
        subject_kind,
        summary: input.summary,
        source: input.source,
        parent_case_id: input.parent_case_id,
        opened_on,
        violation_on: input.violation_on,
        serious_harm: input.serious_harm,
        officers: candidates
            .iter()
            .zip(names)
            .map(|(c, display_name)| CaseOfficer {
                user_id: c.user_id.clone(),
                display_name,
                certificate_no: c.certificate_no.clone(),
            })
            .collect(),
        powers: cited,
    });
    Ok(PreparedCase {
        case,
        subject_name,
        case_prefix: agency.case_prefix,
    })
}

/// Numbers a prepared case, inserts it and records its creation. Run inside the write
/// transaction: the number is taken and used together.
pub fn insert_prepared_case(
    conn: &mut DbConn,
    caller: &Caller,
    prepared: PreparedCase,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<(Case, CaseMeta)> {
    use crate::cases::model::number_year;
    use crate::cases::numbering::{Sequence, format_number, next_seq};

    let PreparedCase {
        mut case,
        subject_name,
        case_prefix,
    } = prepared;
    let year = number_year(case.opened_on);
    let sequence = Sequence::for_case(case.kind);
    let seq = next_seq(conn, &case.agency_id, sequence, year)?;
    case.case_number = format_number(&case_prefix, sequence, year, seq);
    let meta = CaseMeta {
        created_at: crate::clock::to_db(now),
        created_by: caller.user_id.clone(),
        updated_at: crate::clock::to_db(now),
        subject_name: subject_name.clone(),
        number_year: year,
        number_seq: seq,
    };
    insert(conn, &case, &meta)?;
    let payload = serde_json::json!({
        "kind": case.kind,
        "procedure": case.procedure,
        "case_number": case.case_number,
        "subject": {"id": case.subject_id, "name": subject_name, "kind": case.subject_kind},
        "summary": case.summary,
        "source": case.source,
        "parent_case_id": case.parent_case_id,
        "opened_on": case.opened_on,
        "violation_on": case.violation_on,
        "serious_harm": case.serious_harm,
        "officer_ids": case.officers.iter().map(|o| o.user_id.clone()).collect::<Vec<_>>(),
        "powers": case.powers.iter().map(|p| serde_json::json!({
            "power_id": p.power_id, "power_version_id": p.power_version_id, "version": p.version, "code": p.code
        })).collect::<Vec<_>>(),
        "decision_due_on": case.decision_due_on,
    });
    crate::record::store::append_first(conn, &case.id, &caller.user_id, "create", &payload, now)?;
    Ok((case, meta))
}

/// The caller's relation to a case.
pub fn relation(case: &Case, caller: &Caller) -> crate::cases::model::Relation {
    crate::cases::model::Relation {
        is_case_officer: caller.is_officer && case.officers.iter().any(|o| o.user_id == caller.user_id),
        is_supervisor: caller.is_supervisor,
    }
}

/// One step of a case: loads it, checks `If-Match`, applies the domain rules, does the
/// database work the step needs (numbers, linked cases), saves the case if nobody changed
/// it meanwhile, and appends the record event — all in the caller's transaction.
pub fn transition(
    conn: &mut DbConn,
    caller: &Caller,
    case_id: &str,
    command: crate::cases::model::Command,
    if_match: Option<i32>,
    today: NaiveDate,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<(Case, CaseMeta)> {
    use crate::cases::model::{Context, Effect, apply};
    use crate::cases::numbering::{Sequence, format_number, next_seq};

    let (case, mut meta) = load(conn, &caller.agency_id, case_id)?.ok_or(AppError::NotFound("case"))?;
    if let Some(expected) = if_match
        && expected != case.version
    {
        return Err(AppError::PreconditionFailed(format!(
            "If-Match names version {expected}, but the case is at version {}; reload it and retry",
            case.version
        )));
    }
    let action = command.action();
    let horizon_start = case.opened_on.min(today) - chrono::Duration::days(60);
    let calendar = crate::calendar::store::load_range(conn, horizon_start, today + chrono::Duration::days(400))?;
    let settings = procedure_settings(conn, &caller.agency_id)?;
    let ctx = Context {
        today,
        calendar: &calendar,
        relation: relation(&case, caller),
        settings,
        // Evidence upload is not built yet, so no case holds audio or video evidence.
        av_evidence_count: 0,
    };
    let applied = apply(&case, command, &ctx)?;
    let mut next = applied.case;
    let mut payload = applied.payload;
    match applied.effect {
        Effect::None => {}
        Effect::AllocateDecisionNumber(document) => {
            let agency = crate::agencies::store::find(conn, &caller.agency_id)?;
            let year = crate::cases::model::number_year(next.decided_on.unwrap_or(today));
            let sequence = Sequence::for_decision(document);
            let seq = next_seq(conn, &caller.agency_id, sequence, year)?;
            let number = format_number(&agency.case_prefix, sequence, year, seq);
            payload["decision_number"] = serde_json::Value::String(number.clone());
            next.decision_number = Some(number);
        }
        Effect::OpenPenaltyCase(request) => {
            let input = NewCase::try_from(CreateCaseRequest {
                kind: CaseKind::Penalty,
                procedure: Some(Procedure::Ordinary),
                subject_id: case.subject_id.clone(),
                power_ids: request
                    .power_ids
                    .unwrap_or_else(|| case.powers.iter().map(|p| p.power_id.clone()).collect()),
                officer_ids: request
                    .officer_ids
                    .unwrap_or_else(|| case.officers.iter().map(|o| o.user_id.clone()).collect()),
                summary: request.summary,
                violation_on: Some(request.violation_on),
                opened_on: Some(today),
                source: Some(CaseSource::Inspection),
                parent_case_id: Some(case.id.clone()),
                serious_harm: request.serious_harm,
            })?;
            let (child, _) = create_case(conn, caller, input, today, now)?;
            payload["penalty_case_id"] = serde_json::Value::String(child.id);
            payload["penalty_case_number"] = serde_json::Value::String(child.case_number);
        }
    }
    next.version = case.version + 1;
    meta.updated_at = crate::clock::to_db(now);
    let findings_changed = next.findings != case.findings;
    if !save(conn, &next, &meta, case.version, findings_changed)? {
        return Err(match if_match {
            Some(_) => AppError::PreconditionFailed("the case changed meanwhile; reload it and retry".into()),
            None => AppError::conflict("the case changed meanwhile; reload it and retry"),
        });
    }
    crate::record::store::append(conn, &case.id, &caller.user_id, action.as_str(), &payload, now)?;
    Ok((next, meta))
}
