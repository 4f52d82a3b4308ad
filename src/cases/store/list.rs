//! `GET /cases`: filters and keyset pages.

use super::*;

/// List filters of `GET /cases` (its query parameters). The statistics count with the
/// same filters (`matching`), so every figure's drill-down lists exactly what it counts.
#[derive(Debug, Default, Clone, serde::Deserialize, serde::Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseFilter {
    pub kind: Option<CaseKind>,
    pub status: Option<CaseStatus>,
    /// `false`: leave voided cases (作废) out; `true`: only those.
    pub voided: Option<bool>,
    pub procedure: Option<Procedure>,
    pub officer_id: Option<String>,
    pub subject_id: Option<String>,
    pub power_id: Option<String>,
    /// The source department (下沉部门) of a cited power, as the cited version names it.
    pub department: Option<String>,
    /// 立案日期 from (inclusive).
    #[param(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub opened_from: Option<NaiveDate>,
    /// 立案日期 to (inclusive).
    #[param(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub opened_to: Option<NaiveDate>,
    pub outcome: Option<Outcome>,
    /// 决定日期 from (inclusive).
    #[param(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub decided_from: Option<NaiveDate>,
    /// 决定日期 to (inclusive).
    #[param(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub decided_to: Option<NaiveDate>,
    /// Whether the decision was revoked or found void (`revoke_decision`).
    pub revoked: Option<bool>,
    /// Whether a fine was decided (an amount above zero).
    pub fined: Option<bool>,
    /// A penalty of this type among those decided.
    pub penalty_type: Option<PenaltyType>,
    pub inspection_result: Option<InspectionResult>,
    /// Cases with a finding of this hazard level.
    pub hazard_level: Option<HazardLevel>,
    /// With `hazard_level` (or any hazard): cases with such a finding verified rectified
    /// (`true`) or not (`false`).
    pub hazard_rectified: Option<bool>,
    /// Cases with a legal review signed with this outcome (within `reviewed_from`/`reviewed_to`).
    pub review_outcome: Option<ReviewOutcome>,
    #[param(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub reviewed_from: Option<NaiveDate>,
    #[param(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub reviewed_to: Option<NaiveDate>,
    /// Cases transferred (移送) to a department or judicial organs.
    pub transferred: Option<bool>,
    /// Only cases past a deadline with the step undone (or, with `false`, only those not).
    pub overdue: Option<bool>,
    /// Text in the case number or summary.
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
    let mut query = matching(agency_id, filter, today)
        .select(cases::id)
        .order(cases::id.asc())
        .limit(page.limit + 1);
    if let Some(after) = &page.after {
        query = query.filter(cases::id.gt(after.clone()));
    }
    query.load(conn)
}

/// Ids of the agency's `limit` newest cases matching the filter, newest first (the staff
/// console's lists).
pub fn newest_ids(
    conn: &mut DbConn,
    agency_id: &str,
    filter: &CaseFilter,
    limit: i64,
    today: NaiveDate,
) -> QueryResult<Vec<String>> {
    matching(agency_id, filter, today)
        .select(cases::id)
        .order(cases::id.desc())
        .limit(limit)
        .load(conn)
}

/// The agency's cases matching the filter, as a query to select from: the one place the
/// filters of `GET /cases` become SQL, shared by the list and the statistics.
pub fn matching<'a>(agency_id: &str, filter: &CaseFilter, today: NaiveDate) -> cases::BoxedQuery<'a, DbBackend> {
    let mut query = cases::table
        .filter(cases::agency_id.eq(agency_id.to_string()))
        .into_boxed();
    if let Some(kind) = filter.kind {
        query = query.filter(cases::kind.eq(kind));
    }
    if let Some(status) = filter.status {
        query = query.filter(cases::status.eq(status));
    }
    match filter.voided {
        Some(true) => query = query.filter(cases::status.eq(CaseStatus::Voided)),
        Some(false) => query = query.filter(cases::status.ne(CaseStatus::Voided)),
        None => {}
    }
    if let Some(procedure) = filter.procedure {
        query = query.filter(cases::procedure.eq(procedure));
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
    if let Some(outcome) = filter.outcome {
        query = query.filter(cases::outcome.eq(outcome));
    }
    if let Some(from) = filter.decided_from {
        query = query.filter(cases::decided_on.ge(from));
    }
    if let Some(to) = filter.decided_to {
        query = query.filter(cases::decided_on.le(to));
    }
    let revoked_cases = case_revocations::table.select(case_revocations::case_id);
    match filter.revoked {
        Some(true) => query = query.filter(cases::id.eq_any(revoked_cases)),
        Some(false) => query = query.filter(cases::id.ne_all(revoked_cases)),
        None => {}
    }
    match filter.fined {
        Some(true) => query = query.filter(cases::fine_amount_fen.gt(0)),
        Some(false) => {
            query = query.filter(cases::fine_amount_fen.is_null().or(cases::fine_amount_fen.le(0)));
        }
        None => {}
    }
    if let Some(penalty_type) = filter.penalty_type {
        // `penalties` is the JSON list the store writes (`[{"type":"fine",…}]`, no spaces);
        // a test checks the list and the statistics agree on it.
        query = query.filter(cases::penalties.like(format!("%\"type\":\"{}\"%", penalty_type.as_str())));
    }
    if let Some(result) = filter.inspection_result {
        query = query.filter(cases::inspection_result.eq(result));
    }
    if filter.hazard_level.is_some() || filter.hazard_rectified.is_some() {
        // Fixed-shape subqueries: MultiConnection cannot nest boxed ones.
        let levels = match filter.hazard_level {
            Some(level) => vec![level],
            None => vec![HazardLevel::General, HazardLevel::Major],
        };
        let rectified = match filter.hazard_rectified {
            Some(value) => vec![value],
            None => vec![true, false],
        };
        query = query.filter(
            cases::id.eq_any(
                case_findings::table
                    .filter(case_findings::hazard_level.eq_any(levels))
                    .filter(case_findings::rectified.eq_any(rectified))
                    .select(case_findings::case_id),
            ),
        );
    }
    if filter.review_outcome.is_some() || filter.reviewed_from.is_some() || filter.reviewed_to.is_some() {
        let outcomes: Vec<String> = match filter.review_outcome {
            Some(outcome) => vec![outcome.as_str().to_string()],
            None => ReviewOutcome::ALL.iter().map(|o| o.as_str().to_string()).collect(),
        };
        let earliest = NaiveDate::from_ymd_opt(1, 1, 1).unwrap_or_default();
        let latest = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or_default();
        query = query.filter(
            cases::id.eq_any(
                legal_reviews::table
                    .filter(legal_reviews::outcome.eq_any(outcomes))
                    .filter(legal_reviews::reviewed_on.ge(filter.reviewed_from.unwrap_or(earliest)))
                    .filter(legal_reviews::reviewed_on.le(filter.reviewed_to.unwrap_or(latest)))
                    .select(legal_reviews::case_id),
            ),
        );
    }
    match filter.transferred {
        Some(true) => query = query.filter(cases::transferred_to.is_not_null()),
        Some(false) => query = query.filter(cases::transferred_to.is_null()),
        None => {}
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
    if let Some(department) = &filter.department {
        query = query.filter(
            cases::id.eq_any(
                case_powers::table
                    .inner_join(power_versions::table)
                    .filter(power_versions::source_department.eq(department.clone()))
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
    let final_states: Vec<CaseStatus> = CaseStatus::ALL.iter().copied().filter(|s| s.is_final()).collect();
    let decision_overdue = cases::outcome
        .is_null()
        .and(cases::status.ne_all(final_states))
        .and(cases::decision_due_on.lt(today));
    let decided_late = cases::decided_on.gt(cases::decision_due_on);
    let service_overdue = cases::status
        .eq("decided")
        .and(cases::served_on.is_null())
        .and(cases::service_due_on.lt(today));
    // A revoked or void decision is neither served nor paid any more.
    let stands = cases::id.ne_all(case_revocations::table.select(case_revocations::case_id));
    let service_overdue = service_overdue.and(stands);
    let payment_overdue = cases::status
        .eq_any(["served", "decided"])
        .and(cases::executed_on.is_null())
        .and(cases::court_enforcement_applied_on.is_null())
        .and(cases::fine_amount_fen.gt(0))
        .and(cases::payment_due_on.lt(today))
        .and(cases::id.ne_all(case_revocations::table.select(case_revocations::case_id)));
    let acknowledgement_overdue = cases::filing_acknowledged_on
        .is_null()
        .and(cases::filing_acknowledgement_due_on.lt(today));
    let handover_overdue = cases::handed_over_on.is_null().and(cases::handover_due_on.lt(today));
    let rectification_overdue = cases::status
        .eq("rectifying")
        .and(cases::rectification_deadline.lt(today));
    use crate::db::schema::inspection_plans;
    let emergency_unapproved = cases::status.ne("voided").and(
        cases::id.eq_any(
            inspection_plans::table
                .filter(inspection_plans::approved_on.is_null())
                .filter(inspection_plans::approval_due_on.lt(today))
                .select(inspection_plans::case_id),
        ),
    );
    let results_unnotified = cases::id.eq_any(
        inspection_plans::table
            .filter(inspection_plans::results_notified_on.is_null())
            .filter(inspection_plans::results_due_on.lt(today))
            .select(inspection_plans::case_id),
    );
    let overdue = decision_overdue
        .or(decided_late)
        .or(emergency_unapproved)
        .or(results_unnotified)
        .or(service_overdue)
        .or(payment_overdue)
        .or(acknowledgement_overdue)
        .or(handover_overdue)
        .or(rectification_overdue);
    // NULL dates compare as NULL; a case without the date is simply not overdue by it.
    let overdue = coalesce_bool(overdue, false);
    match filter.overdue {
        Some(true) => query = query.filter(overdue),
        Some(false) => query = query.filter(diesel::dsl::not(overdue)),
        None => {}
    }
    query
}
