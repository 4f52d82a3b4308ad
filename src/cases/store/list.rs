//! `GET /cases`: filters and keyset pages.

use super::*;

/// List filters of `GET /cases` (its query parameters).
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseFilter {
    pub kind: Option<CaseKind>,
    pub status: Option<CaseStatus>,
    pub officer_id: Option<String>,
    pub subject_id: Option<String>,
    pub power_id: Option<String>,
    /// 立案日期 from (inclusive).
    pub opened_from: Option<NaiveDate>,
    /// 立案日期 to (inclusive).
    pub opened_to: Option<NaiveDate>,
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
    let payment_overdue = cases::status
        .eq_any(["served", "decided"])
        .and(cases::executed_on.is_null())
        .and(cases::court_enforcement_applied_on.is_null())
        .and(cases::fine_amount_fen.gt(0))
        .and(cases::payment_due_on.lt(today));
    let acknowledgement_overdue = cases::filing_acknowledged_on
        .is_null()
        .and(cases::filing_acknowledgement_due_on.lt(today));
    let handover_overdue = cases::handed_over_on.is_null().and(cases::handover_due_on.lt(today));
    let rectification_overdue = cases::status
        .eq("rectifying")
        .and(cases::rectification_deadline.lt(today));
    let overdue = decision_overdue
        .or(decided_late)
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
    query.load(conn)
}
