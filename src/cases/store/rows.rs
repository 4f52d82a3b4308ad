//! A case's rows: the `cases` row with its officers, powers and findings, read and written.

use super::*;

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
    /// The sum of the decided fines, kept for statistics (the penalties are in `penalties`).
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
    /// JSON lists of `Penalty`, and the `Proposal` as JSON.
    pub notice_penalties: String,
    pub penalties: String,
    pub proposal: Option<String>,
    pub violation_ended_on: Option<NaiveDate>,
    pub discovered_on: Option<NaiveDate>,
    pub education_recorded_on: Option<NaiveDate>,
    pub filing_acknowledgement_due_on: Option<NaiveDate>,
    pub filing_acknowledged_on: Option<NaiveDate>,
    pub electronic_service_consent_on: Option<NaiveDate>,
    pub handover_due_on: Option<NaiveDate>,
    pub handed_over_on: Option<NaiveDate>,
    pub remedy_pending_since: Option<NaiveDate>,
    pub late_penalty_paused_days: i64,
    pub court_enforcement_applied_on: Option<NaiveDate>,
    pub recusal_requested_for: Option<String>,
    pub legal_review_id: Option<String>,
    pub legal_review_outcome: Option<ReviewOutcome>,
    pub criminal_transfer_flagged: bool,
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
    /// Why a decision needs counsel's review under the agency's scope (`[]` if it does not);
    /// filled in where a view is built (`load_for_view`, `transition`).
    pub legal_review_reasons: Vec<&'static str>,
}

impl CaseRow {
    fn into_case(
        self,
        (subject_kind, subject_birth_date): (SubjectKind, Option<NaiveDate>),
        officers: Vec<CaseOfficer>,
        powers: Vec<CitedPower>,
        findings: Vec<Finding>,
        revocation: Option<Revocation>,
        (inspection_items, plan): (
            Vec<crate::cases::model::CitedItem>,
            Option<crate::cases::model::InspectionPlan>,
        ),
    ) -> AppResult<Case> {
        Ok(Case {
            inspection_items,
            plan,
            kind: self.kind,
            procedure: self.procedure,
            status: self.status,
            source: self.source,
            inspection_result: self.inspection_result,
            notice_penalties: from_json("notice_penalties", &self.notice_penalties)?,
            penalties: from_json("penalties", &self.penalties)?,
            proposal: self.proposal.as_deref().map(|p| from_json("proposal", p)).transpose()?,
            violation_ended_on: self.violation_ended_on,
            discovered_on: self.discovered_on,
            education_recorded_on: self.education_recorded_on,
            filing_acknowledgement_due_on: self.filing_acknowledgement_due_on,
            filing_acknowledged_on: self.filing_acknowledged_on,
            electronic_service_consent_on: self.electronic_service_consent_on,
            handover_due_on: self.handover_due_on,
            handed_over_on: self.handed_over_on,
            remedy_pending_since: self.remedy_pending_since,
            late_penalty_paused_days: self.late_penalty_paused_days,
            court_enforcement_applied_on: self.court_enforcement_applied_on,
            recusal_requested_for: self.recusal_requested_for,
            legal_review_id: self.legal_review_id,
            legal_review_outcome: self.legal_review_outcome,
            criminal_transfer_flagged: self.criminal_transfer_flagged,
            on_the_spot_benchmark: None,
            subject_birth_date,
            defense_state: self.defense_state,
            hearing_state: self.hearing_state,
            outcome: self.outcome,
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
            notified_on: self.notified_on,
            defense_due_on: self.defense_due_on,
            hearing_rights: self.hearing_rights,
            hearing_request_due_on: self.hearing_request_due_on,
            hearing_on: self.hearing_on,
            collective_discussion_on: self.collective_discussion_on,
            decision_due_on: self.decision_due_on,
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
            revocation,
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
            fine_amount_fen: case.fine_amount_fen(),
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
            notice_penalties: to_json(&case.notice_penalties),
            penalties: to_json(&case.penalties),
            proposal: case.proposal.as_ref().map(to_json),
            violation_ended_on: case.violation_ended_on,
            discovered_on: case.discovered_on,
            education_recorded_on: case.education_recorded_on,
            filing_acknowledgement_due_on: case.filing_acknowledgement_due_on,
            filing_acknowledged_on: case.filing_acknowledged_on,
            electronic_service_consent_on: case.electronic_service_consent_on,
            handover_due_on: case.handover_due_on,
            handed_over_on: case.handed_over_on,
            remedy_pending_since: case.remedy_pending_since,
            late_penalty_paused_days: case.late_penalty_paused_days,
            court_enforcement_applied_on: case.court_enforcement_applied_on,
            recusal_requested_for: case.recusal_requested_for.clone(),
            legal_review_id: case.legal_review_id.clone(),
            legal_review_outcome: case.legal_review_outcome,
            criminal_transfer_flagged: case.criminal_transfer_flagged,
        }
    }
}

fn from_json<T: serde::de::DeserializeOwned>(column: &str, text: &str) -> AppResult<T> {
    serde_json::from_str(text)
        .map_err(|e| AppError::internal(anyhow::anyhow!("cases.{column} holds unreadable JSON: {e}")))
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    // Plain data (enums, integers, strings, dates) always serializes.
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

/// A case of the agency with its officers, powers and findings.
pub fn load(conn: &mut DbConn, agency_id: &str, case_id: &str) -> AppResult<Option<(Case, CaseMeta)>> {
    Ok(load_many(conn, agency_id, &[case_id.to_string()])?.pop())
}

/// The agency's cases with these ids, in the order given (ids of no case of the agency are
/// left out), each with its officers, cited powers, findings, revocation, inspection items and plan: seven queries
/// for a page of cases, not seven per case.
pub fn load_many(conn: &mut DbConn, agency_id: &str, case_ids: &[String]) -> AppResult<Vec<(Case, CaseMeta)>> {
    use std::collections::HashMap;
    let mut loaded = Vec::with_capacity(case_ids.len());
    for chunk in case_ids.chunks(500) {
        let rows: Vec<(CaseRow, SubjectKind, String, Option<String>)> = cases::table
            .inner_join(subjects::table)
            .filter(cases::agency_id.eq(agency_id))
            .filter(cases::id.eq_any(chunk))
            .select((
                CaseRow::as_select(),
                subjects::kind,
                subjects::name,
                subjects::id_card_no,
            ))
            .load(conn)?;
        let mut officers: HashMap<String, Vec<CaseOfficer>> = HashMap::new();
        type OfficerRow = (String, String, String, Option<String>, Option<NaiveDate>, bool, bool);
        let officer_rows: Vec<OfficerRow> = case_officers::table
            .inner_join(users::table)
            .filter(case_officers::case_id.eq_any(chunk))
            .order((case_officers::case_id.asc(), case_officers::position.asc()))
            .select((
                case_officers::case_id,
                users::id,
                users::display_name,
                users::certificate_no,
                users::certificate_expires_on,
                case_officers::recused,
                users::active,
            ))
            .load(conn)?;
        for (case_id, user_id, display_name, certificate_no, certificate_expires_on, recused, active) in officer_rows {
            officers.entry(case_id).or_default().push(CaseOfficer {
                user_id,
                display_name,
                certificate_no,
                certificate_expires_on,
                recused,
                active,
            });
        }
        let mut powers = cited_powers(conn, chunk)?;
        let mut findings: HashMap<String, Vec<Finding>> = HashMap::new();
        type FindingRow = (String, String, HazardLevel, bool, Option<NaiveDate>, bool);
        let finding_rows: Vec<FindingRow> = case_findings::table
            .filter(case_findings::case_id.eq_any(chunk))
            .order((case_findings::case_id.asc(), case_findings::position.asc()))
            .select((
                case_findings::case_id,
                case_findings::description,
                case_findings::hazard_level,
                case_findings::rectified,
                case_findings::rectified_on,
                case_findings::escalated,
            ))
            .load(conn)?;
        for (case_id, description, hazard_level, rectified, rectified_on, escalated) in finding_rows {
            findings.entry(case_id).or_default().push(Finding {
                description,
                hazard_level,
                rectified,
                rectified_on,
                escalated,
            });
        }
        type RevocationRow = (
            String,
            RevocationKind,
            RevocationAuthority,
            NaiveDate,
            Option<String>,
            String,
        );
        let mut revocations: HashMap<String, Revocation> = case_revocations::table
            .filter(case_revocations::case_id.eq_any(chunk))
            .select((
                case_revocations::case_id,
                case_revocations::kind,
                case_revocations::authority,
                case_revocations::revoked_on,
                case_revocations::document_no,
                case_revocations::reason,
            ))
            .load::<RevocationRow>(conn)?
            .into_iter()
            .map(|(case_id, kind, authority, on, document_no, reason)| {
                (
                    case_id,
                    Revocation {
                        kind,
                        authority,
                        on,
                        document_no,
                        reason,
                    },
                )
            })
            .collect();
        let mut plans = super::plans::load_plans(conn, chunk)?;
        let mut items = super::plans::load_items(conn, chunk)?;
        let mut on_the_spot_benchmarks: HashMap<String, String> = case_on_the_spot_benchmarks::table
            .filter(case_on_the_spot_benchmarks::case_id.eq_any(chunk))
            .select((
                case_on_the_spot_benchmarks::case_id,
                case_on_the_spot_benchmarks::benchmark,
            ))
            .load::<(String, String)>(conn)?
            .into_iter()
            .collect();
        let mut by_id: HashMap<String, (CaseRow, SubjectKind, String, Option<String>)> =
            rows.into_iter().map(|row| (row.0.id.clone(), row)).collect();
        for case_id in chunk {
            let Some((row, subject_kind, subject_name, id_card_no)) = by_id.remove(case_id) else {
                continue;
            };
            let meta = CaseMeta {
                created_at: row.created_at,
                created_by: row.created_by.clone(),
                updated_at: row.updated_at,
                subject_name,
                number_year: row.number_year,
                number_seq: row.number_seq,
                legal_review_reasons: Vec::new(),
            };
            let birth_date = id_card_no
                .as_deref()
                .and_then(crate::subjects::model::birth_date_from_id_card);
            let mut case = row.into_case(
                (subject_kind, birth_date),
                officers.remove(case_id).unwrap_or_default(),
                powers.remove(case_id).unwrap_or_default(),
                findings.remove(case_id).unwrap_or_default(),
                revocations.remove(case_id),
                (items.remove(case_id).unwrap_or_default(), plans.remove(case_id)),
            )?;
            case.on_the_spot_benchmark = on_the_spot_benchmarks
                .remove(case_id)
                .map(|json| from_json("case_on_the_spot_benchmarks.benchmark", &json))
                .transpose()?;
            loaded.push((case, meta));
        }
    }
    Ok(loaded)
}

/// A case as its view shows it: `load`, with the legal-review reasons of the agency's
/// settings (`settings` when the caller already has them, as a page of cases does).
pub fn load_for_view(
    conn: &mut DbConn,
    agency_id: &str,
    case_id: &str,
    settings: Option<&ProcedureSettings>,
) -> AppResult<Option<(Case, CaseMeta)>> {
    let Some((case, mut meta)) = load(conn, agency_id, case_id)? else {
        return Ok(None);
    };
    if case.proposal.is_some() {
        let settings = match settings {
            Some(settings) => settings.clone(),
            None => procedure_settings(conn, agency_id)?,
        };
        meta.legal_review_reasons = crate::cases::model::legal_review_reasons(&case, &settings);
    }
    Ok(Some((case, meta)))
}

/// `load_many` as views show the cases: with the legal-review reasons of `settings`.
pub fn load_many_for_view(
    conn: &mut DbConn,
    agency_id: &str,
    case_ids: &[String],
    settings: &ProcedureSettings,
) -> AppResult<Vec<(Case, CaseMeta)>> {
    let mut loaded = load_many(conn, agency_id, case_ids)?;
    for (case, meta) in &mut loaded {
        if case.proposal.is_some() {
            meta.legal_review_reasons = crate::cases::model::legal_review_reasons(case, settings);
        }
    }
    Ok(loaded)
}

/// The power versions each case cites, by case, in code order.
fn cited_powers(
    conn: &mut DbConn,
    case_ids: &[String],
) -> QueryResult<std::collections::HashMap<String, Vec<CitedPower>>> {
    type Cited = (
        String,
        String,
        String,
        i32,
        String,
        String,
        Option<i64>,
        Option<i64>,
        bool,
    );
    let rows: Vec<Cited> = case_powers::table
        .inner_join(power_versions::table)
        .filter(case_powers::case_id.eq_any(case_ids))
        .order((case_powers::case_id.asc(), power_versions::code.asc()))
        .select((
            case_powers::case_id,
            case_powers::power_id,
            case_powers::power_version_id,
            power_versions::version,
            power_versions::code,
            power_versions::name,
            power_versions::fine_min_fen,
            power_versions::fine_max_fen,
            power_versions::requires_av_record,
        ))
        .load(conn)?;
    let mut by_case: std::collections::HashMap<String, Vec<CitedPower>> = std::collections::HashMap::new();
    for (case_id, power_id, power_version_id, version, code, name, fine_min_fen, fine_max_fen, requires_av_record) in
        rows
    {
        by_case.entry(case_id).or_default().push(CitedPower {
            power_id,
            power_version_id,
            version,
            code,
            name,
            fine_min_fen,
            fine_max_fen,
            requires_av_record,
        });
    }
    Ok(by_case)
}

/// Writes a case's new state, but only if nobody changed it since `expected_version` was
/// read; returns false when someone did. Findings and the inspection plan are rewritten
/// when they changed.
pub fn save(
    conn: &mut DbConn,
    case: &Case,
    meta: &CaseMeta,
    expected_version: i32,
    findings_changed: bool,
    officers_changed: bool,
    plan_changed: bool,
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
    if plan_changed {
        super::plans::save_plan(conn, case, row.updated_at)?;
    }
    // Written once, by the on-the-spot decision, and never changed after.
    if let Some(benchmark) = &case.on_the_spot_benchmark {
        let stored: i64 = case_on_the_spot_benchmarks::table
            .filter(case_on_the_spot_benchmarks::case_id.eq(&case.id))
            .count()
            .get_result(conn)?;
        if stored == 0 {
            diesel::insert_into(case_on_the_spot_benchmarks::table)
                .values((
                    case_on_the_spot_benchmarks::case_id.eq(&case.id),
                    case_on_the_spot_benchmarks::benchmark.eq(to_json(benchmark)),
                ))
                .execute(conn)?;
        }
    }
    if findings_changed {
        diesel::delete(case_findings::table.filter(case_findings::case_id.eq(&case.id))).execute(conn)?;
        insert_findings(conn, &case.id, &case.findings)?;
    }
    // Recusals mark an officer and may add a replacement; the others stay as they were.
    for (position, officer) in case.officers.iter().enumerate().filter(|_| officers_changed) {
        let updated = diesel::update(
            case_officers::table
                .filter(case_officers::case_id.eq(&case.id))
                .filter(case_officers::user_id.eq(&officer.user_id)),
        )
        .set(case_officers::recused.eq(officer.recused))
        .execute(conn)?;
        if updated == 0 {
            diesel::insert_into(case_officers::table)
                .values((
                    case_officers::case_id.eq(&case.id),
                    case_officers::user_id.eq(&officer.user_id),
                    case_officers::position.eq(position as i32),
                    case_officers::recused.eq(officer.recused),
                ))
                .execute(conn)?;
        }
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
    super::plans::insert_items_and_plan(conn, case)?;
    insert_findings(conn, &case.id, &case.findings)
}

/// Records that a case's decision was revoked or found void (once: the key is the case).
pub fn insert_revocation(conn: &mut DbConn, case_id: &str, revocation: &Revocation) -> QueryResult<()> {
    diesel::insert_into(case_revocations::table)
        .values((
            case_revocations::case_id.eq(case_id),
            case_revocations::kind.eq(revocation.kind),
            case_revocations::authority.eq(revocation.authority),
            case_revocations::revoked_on.eq(revocation.on),
            case_revocations::document_no.eq(revocation.document_no.as_deref()),
            case_revocations::reason.eq(&revocation.reason),
        ))
        .execute(conn)?;
    Ok(())
}
