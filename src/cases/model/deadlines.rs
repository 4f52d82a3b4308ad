//! Legal periods and the deadlines computed from them (APL art. 36, 51, 60–72, 85).

use super::*;

/// APL art. 60: decide within 90 days of filing.
pub const DECISION_PERIOD_DAYS: u32 = 90;
/// APL art. 61: serve within 7 working days when not handed over on the spot.
pub const SERVICE_PERIOD_WORKING_DAYS: u32 = 7;
/// APL art. 67: pay within 15 days of service.
pub const PAYMENT_PERIOD_DAYS: u32 = 15;
/// APL art. 63–64: a hearing must be asked for within 5 working days of the notice.
pub const HEARING_REQUEST_WORKING_DAYS: u32 = 5;
/// APL art. 64: the party is notified of the hearing 7 days ahead (counted in working days, art. 85).
pub const HEARING_NOTICE_WORKING_DAYS: u32 = 7;
/// APL art. 51: simple procedure — fines up to ¥200 for individuals…
pub const SIMPLE_MAX_FINE_INDIVIDUAL_FEN: i64 = 20_000;
/// …and up to ¥3,000 for organisations.
pub const SIMPLE_MAX_FINE_ORGANISATION_FEN: i64 = 300_000;
/// APL art. 68: on-the-spot collection only for fines up to ¥100.
pub const ON_THE_SPOT_COLLECTION_MAX_FEN: i64 = 10_000;
/// APL art. 72: late payment adds 3 % of the fine per day, never more than the fine.
pub const LATE_PAYMENT_PERCENT_PER_DAY: i64 = 3;
/// APL art. 71: money collected on the spot reaches the agency within 2 working days.
pub const HANDOVER_WORKING_DAYS: u32 = 2;
/// 民事诉讼法 art. 95: service by public notice takes effect 30 days after publication.
pub const NOTICE_SERVICE_DAYS: u32 = 30;
/// How far back a case may be entered after the fact (补录).
pub const MAX_BACKDATE_DAYS: i64 = 366;

/// `from` plus `days` working days, refused when the calendar lacks a year it spans: a
/// year without its holiday notice would silently count holidays as working days.
pub(crate) fn working_deadline(ctx: &Context<'_>, from: NaiveDate, days: u32) -> Result<NaiveDate, Refusal> {
    let due = ctx.calendar.add_working_days(from, days);
    match (from.year()..=due.year()).find(|year| !ctx.calendar.covers_year(*year)) {
        None => Ok(due),
        Some(year) => Err(rule(
            "calendar_year_missing",
            format!(
                "the working-day calendar has no holidays for {year}; an admin must load that year's State Council notice (PUT /api/v1/calendar/{year}) before this deadline can be computed"
            ),
        )),
    }
}

/// The last day to pay: 15 days from service (APL art. 67); a last day on a rest day or
/// holiday moves to the next working day (art. 85 with the 民法典's reckoning of periods).
pub fn payment_due_on(ctx: &Context<'_>, served_on: NaiveDate) -> Result<NaiveDate, Refusal> {
    let last = add_calendar_days(served_on, PAYMENT_PERIOD_DAYS);
    match ctx.calendar.is_working_day(last) {
        true => Ok(last),
        false => working_deadline(ctx, last, 1),
    }
}

/// APL art. 72: 3 % of the fine per day after the due date, never more than the fine.
pub fn late_payment_penalty_fen(fine_fen: i64, payment_due_on: Option<NaiveDate>, as_of: NaiveDate) -> i64 {
    let Some(due) = payment_due_on else { return 0 };
    let days_late = (as_of - due).num_days().max(0);
    (fine_fen
        .saturating_mul(LATE_PAYMENT_PERCENT_PER_DAY)
        .saturating_mul(days_late)
        / 100)
        .min(fine_fen)
}

/// The deadlines a case has missed as of `today`, by name.
pub fn overdue_deadlines(case: &Case, today: NaiveDate) -> Vec<&'static str> {
    let mut missed = Vec::new();
    let past = |date: Option<NaiveDate>| date.is_some_and(|d| d < today);
    let undecided_past_due = case.outcome.is_none() && !case.status.is_final() && past(case.decision_due_on);
    // A no-penalty or transfer outcome may be recorded after the period; it stays counted.
    let decided_late = case
        .decided_on
        .zip(case.decision_due_on)
        .is_some_and(|(decided, due)| decided > due);
    if undecided_past_due || decided_late {
        missed.push("decision_due_on");
    }
    let stands = case.revocation.is_none();
    if stands && case.status == CaseStatus::Decided && case.served_on.is_none() && past(case.service_due_on) {
        missed.push("service_due_on");
    }
    if stands
        && matches!(case.status, CaseStatus::Served | CaseStatus::Decided)
        && case.executed_on.is_none()
        && case.court_enforcement_applied_on.is_none()
        && case.fine_amount_fen().unwrap_or(0) > 0
        && past(case.payment_due_on)
    {
        missed.push("payment_due_on");
    }
    if case.filing_acknowledged_on.is_none() && past(case.filing_acknowledgement_due_on) {
        missed.push("filing_acknowledgement_due_on");
    }
    if case.handed_over_on.is_none() && past(case.handover_due_on) {
        missed.push("handover_due_on");
    }
    if case.status == CaseStatus::Rectifying && past(case.rectification_deadline) {
        missed.push("rectification_deadline");
    }
    if let Some(plan) = &case.plan {
        // 国办发〔2024〕54号 五: started in an emergency, approved afterwards in time.
        let emergency_due = plan.emergency.as_ref().map(|e| e.approval_due_on);
        if plan.approval.is_none() && case.status != CaseStatus::Voided && past(emergency_due) {
            missed.push("inspection_approval_due_on");
        }
        // 检查结果告知: the enterprise is told the result in time.
        if plan.results_notified_on.is_none() && past(plan.results_due_on) {
            missed.push("results_due_on");
        }
    }
    missed
}

#[cfg(test)]
mod tests {
    use crate::cases::model::testing::*;
    use crate::cases::model::*;

    #[test]
    fn late_payment_adds_three_percent_a_day_up_to_the_fine() {
        let due = Some(date("2024-10-01"));
        assert_eq!(late_payment_penalty_fen(100_000, due, date("2024-10-01")), 0);
        assert_eq!(late_payment_penalty_fen(100_000, due, date("2024-10-02")), 3_000);
        assert_eq!(late_payment_penalty_fen(100_000, due, date("2024-10-11")), 30_000);
        assert_eq!(late_payment_penalty_fen(100_000, due, date("2025-10-01")), 100_000);
        assert_eq!(late_payment_penalty_fen(100_000, None, date("2025-10-01")), 0);
    }

    #[test]
    fn overdue_names_the_missed_deadlines() {
        let mut decided = case(CaseKind::Penalty, Some(Procedure::Ordinary), CaseStatus::Decided);
        decided.outcome = Some(Outcome::Penalty);
        decided.penalties = penalty(PenaltyType::Fine, 100);
        decided.decided_on = Some(date("2024-10-08"));
        decided.service_due_on = Some(date("2024-10-10"));
        assert!(overdue_deadlines(&decided, date("2024-10-10")).is_empty());
        assert_eq!(overdue_deadlines(&decided, date("2024-10-11")), vec!["service_due_on"]);
        // A no-penalty outcome recorded after the 90 days stays counted as late.
        let mut late = decided.clone();
        late.outcome = Some(Outcome::NoPenaltyUnfounded);
        late.penalties.clear();
        late.service_due_on = None;
        late.decided_on = Some(date("2024-12-02"));
        assert_eq!(overdue_deadlines(&late, date("2024-12-03")), vec!["decision_due_on"]);
        // An on-the-spot decision not acknowledged (备案) in time.
        let mut simple = case(CaseKind::Penalty, Some(Procedure::Simple), CaseStatus::Decided);
        simple.filing_acknowledgement_due_on = Some(date("2024-09-09"));
        assert!(overdue_deadlines(&simple, date("2024-09-09")).is_empty());
        assert_eq!(
            overdue_deadlines(&simple, date("2024-09-10")),
            vec!["filing_acknowledgement_due_on"]
        );
        simple.filing_acknowledged_on = Some(date("2024-09-10"));
        assert!(overdue_deadlines(&simple, date("2024-09-10")).is_empty());
        let filed = case(CaseKind::Penalty, Some(Procedure::Ordinary), CaseStatus::Filed);
        assert_eq!(overdue_deadlines(&filed, date("2024-12-02")), vec!["decision_due_on"]);
        let mut closed = filed.clone();
        closed.status = CaseStatus::Terminated;
        assert!(overdue_deadlines(&closed, date("2025-12-02")).is_empty());
    }

    #[test]
    fn deadlines_are_refused_when_the_calendar_lacks_a_year() {
        let investigating = case(CaseKind::Penalty, Some(Procedure::Ordinary), CaseStatus::Investigating);
        // Only 2024–2026 are loaded: five working days from 28 Dec 2026 reach into 2027.
        assert_eq!(
            rule_of(run(
                &investigating,
                notify(PenaltyType::Fine, 1000, "2026-12-28"),
                "2026-12-28"
            )),
            "calendar_year_missing"
        );
        assert!(
            run(
                &investigating,
                notify(PenaltyType::Fine, 1000, "2026-12-10"),
                "2026-12-10"
            )
            .is_ok()
        );
    }
}
