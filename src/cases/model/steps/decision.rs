//! Deciding (作出决定): collective discussion, extensions of the period, the head's decision
//! and the on-the-spot one, and the gates a decision passes.

use super::proposal::check_outcome;
use crate::cases::model::*;

/// `record_collective_discussion` (负责人集体讨论, APL art. 57).
pub fn record_collective_discussion(
    case: &Case,
    input: RecordCollectiveDiscussionInput,
    ctx: &Context<'_>,
) -> Result<Applied, Refusal> {
    let mut next = case.clone();
    let today = ctx.today;
    let held_on = past_date(
        "held_on",
        input.held_on,
        today,
        Some((case.opened_on, "the filing date")),
    )?;
    let participants: Vec<String> = input
        .participants
        .iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    if participants.len() < 2 {
        return Err(invalid(
            "participants",
            "a collective discussion has at least two participants",
        ));
    }
    let conclusion = required_text("conclusion", &input.conclusion, 10_000)?;
    next.collective_discussion_on = Some(held_on);
    let payload = json!({"held_on": held_on, "participants": participants, "conclusion": conclusion});
    Ok(Applied::new(next, payload))
}

/// `extend_decision_deadline` (APL art. 60 defers to 法律、法规、规章): only as the rule the
/// agency's settings name allows, approved in time by a supervisor off the case.
pub fn extend_decision_deadline(
    case: &Case,
    input: ExtendDecisionDeadlineInput,
    ctx: &Context<'_>,
) -> Result<Applied, Refusal> {
    let mut next = case.clone();
    let today = ctx.today;
    let max_days = ctx.settings.extension_max_days;
    if input.days == 0 {
        return Err(invalid("days", "must be at least 1"));
    }
    let reason = required_text("reason", &input.reason, 2000)?;
    approver_off_the_case(ctx, "approve its extension")?;
    let original = add_calendar_days(case.opened_on, DECISION_PERIOD_DAYS);
    let previous = case.decision_due_on.unwrap_or(original);
    if today > previous {
        return Err(rule(
            "extension_after_deadline",
            format!(
                "the decision was due by {previous}; an extension must be approved before the period ends (APL art. 60)"
            ),
        ));
    }
    let Some(basis) = ctx.settings.extension_rule.clone().filter(|r| !r.trim().is_empty()) else {
        return Err(rule(
            "extension_rule_missing",
            "the agency's settings name no rule that allows extending the 90-day period (APL art. 60 defers to laws, regulations and rules); an admin sets extension_rule first",
        ));
    };
    let extended = add_calendar_days(previous, input.days);
    if (extended - original).num_days() > i64::from(max_days) {
        return Err(rule(
            "extension_limit",
            format!("{basis} allows at most {max_days} days beyond the 90-day period in all"),
        ));
    }
    next.decision_due_on = Some(extended);
    let payload = json!({"days": input.days, "reason": reason, "basis": basis, "previous_due_on": previous, "decision_due_on": extended});
    Ok(Applied::new(next, payload))
}

/// `decide`: on the spot by the officers (simple procedure), or by the head on the
/// officers' proposal (ordinary procedure).
pub fn decide(case: &Case, input: DecideInput, ctx: &Context<'_>) -> Result<Applied, Refusal> {
    match case.procedure {
        Some(Procedure::Simple) => decide_on_the_spot(case, input, ctx),
        _ => decide_proposal(case, input, ctx),
    }
}

/// The head (a supervisor who is not an officer of the case) decides the proposal as
/// proposed or lighter (APL art. 57), once the gates of art. 44–45, 58, 60, 62–64 pass.
fn decide_proposal(case: &Case, input: DecideInput, ctx: &Context<'_>) -> Result<Applied, Refusal> {
    let mut next = case.clone();
    let today = ctx.today;
    if ctx.relation.is_case_officer {
        return Err(rule(
            "decider_is_case_officer",
            "the decision is the agency head's (APL art. 57): a supervisor who is not an officer of the case decides",
        ));
    }
    let Some(proposal) = case.proposal.as_ref() else {
        return Err(rule(
            "proposal_required",
            "the officers propose a decision first (propose_decision)",
        ));
    };
    if input.outcome.is_some_and(|outcome| outcome != proposal.outcome) {
        return Err(invalid(
            "outcome",
            "the head decides the proposal's outcome; for another outcome the officers propose again",
        ));
    }
    if input.benchmark_id.is_some() || input.base_amount_fen.is_some() {
        return Err(invalid(
            "benchmark_id",
            "the head decides on the proposal's discretion benchmark; to apply another the officers propose again",
        ));
    }
    let decided_on = past_date(
        "decided_on",
        input.decided_on.unwrap_or(today),
        today,
        Some((proposal.proposed_on, "the proposal")),
    )?;
    let penalties = match &input.penalties {
        None => proposal.penalties.clone(),
        Some(_) if proposal.outcome != Outcome::Penalty => {
            return Err(invalid("penalties", "only a penalty outcome carries penalties"));
        }
        Some(given) => {
            let penalties = check_penalties("penalties", given)?;
            if let Some(what) = heavier_than(&penalties, &proposal.penalties) {
                return Err(rule(
                    "heavier_than_proposed",
                    format!("the head may decide the proposal or something lighter: {what}"),
                ));
            }
            penalties
        }
    };
    let outcome = proposal.outcome;
    check_outcome(case, proposal)?;
    let late = case.decision_due_on.is_some_and(|due| decided_on > due);
    let mut lighter_law = Vec::new();
    if outcome == Outcome::Penalty {
        if let Some(due) = case.decision_due_on.filter(|_| late) {
            return Err(rule(
                "decision_period_expired",
                format!(
                    "the decision was due by {due}, {DECISION_PERIOD_DAYS} days from filing plus approved extensions (APL art. 60)"
                ),
            ));
        }
        check_notice_gates(case, &penalties, ("decided_on", decided_on))?;
        let (powers, lighter) = applicable_powers(case, &ctx.current_powers)?;
        check_discretion(&powers, &penalties, proposal.mitigation_ground)?;
        super::proposal::check_benchmark_at_decision(proposal, &ctx.benchmarks)?;
        lighter_law = lighter;
        check_collective_discussion(case, &penalties, decided_on, &ctx.settings)?;
    }
    super::review::check_legal_review(case, &ctx.settings)?;
    // A transfer to judicial organs is handed over, not served on the party.
    if outcome != Outcome::TransferJudicial {
        next.service_due_on = Some(working_deadline(ctx, decided_on, SERVICE_PERIOD_WORKING_DAYS)?);
    }
    next.outcome = Some(outcome);
    next.penalties = penalties;
    next.decided_on = Some(decided_on);
    next.status = CaseStatus::Decided;
    if outcome == Outcome::TransferJudicial {
        next.transferred_to = proposal.receiving_organ.clone();
    }
    let payload = json!({
        "outcome": outcome,
        "penalties": next.penalties,
        "fine_amount_fen": next.fine_amount_fen(),
        "as_proposed": next.penalties == proposal.penalties,
        "decided_on": decided_on,
        "decided_late": late,
        "receiving_organ": proposal.receiving_organ,
        "lighter_law_applied": lighter_law,
        "service_due_on": next.service_due_on,
    });
    // A case handed to judicial organs (APL art. 27) goes with a numbered 移送函, kept and
    // followed up (receipt, feedback) as a `transfer` step's letter is.
    let effect = match (outcome, &proposal.receiving_organ) {
        (Outcome::TransferJudicial, Some(organ)) => Effect::RecordTransfer(TransferLetter {
            kind: crate::transfers::model::TransferKind::Judicial,
            to_department: organ.clone(),
            reason: format!(
                "违法行为涉嫌犯罪，依照《中华人民共和国行政处罚法》第二十七条移送。{}",
                proposal.facts
            ),
        }),
        _ => decision_number(outcome),
    };
    Ok(Applied {
        case: next,
        payload,
        effect,
    })
}

/// APL art. 51–52: on-the-spot decisions only for a warning or a small fine, by two
/// certified officers with credentials shown, the party told and heard on the spot, and
/// the decision handed over at once; filed with the agency afterwards.
fn decide_on_the_spot(case: &Case, input: DecideInput, ctx: &Context<'_>) -> Result<Applied, Refusal> {
    let mut next = case.clone();
    let today = ctx.today;
    let decided_on = past_date(
        "decided_on",
        input.decided_on.unwrap_or(today),
        today,
        Some((case.opened_on, "the filing date")),
    )?;
    if input.credentials_shown != Some(true) {
        return Err(credentials_refusal("an on-the-spot decision"));
    }
    if input.outcome.is_some_and(|outcome| outcome != Outcome::Penalty) {
        return Err(invalid(
            "outcome",
            "the simple procedure decides a penalty on the spot; use the ordinary procedure",
        ));
    }
    let penalties = check_penalties("penalties", input.penalties.as_deref().unwrap_or_default())?;
    let party_heard = input.party_heard.as_deref().map(str::trim).unwrap_or_default();
    if party_heard.is_empty() {
        return Err(rule(
            "party_not_heard",
            "before deciding on the spot the party is told the facts, reasons, basis and its rights and may state a defence (APL art. 44, 52): record what it said in party_heard",
        ));
    }
    let party_heard = required_text("party_heard", party_heard, 10_000)?;
    check_officers_certified(case, decided_on, "an on-the-spot decision")?;
    if case.is_under_14() {
        return Err(minor_under_14(case));
    }
    let limit = match case.subject_kind.counts_as_individual() {
        true => SIMPLE_MAX_FINE_INDIVIDUAL_FEN,
        false => SIMPLE_MAX_FINE_ORGANISATION_FEN,
    };
    let fine = fine_of(&penalties);
    let only_light = penalties
        .iter()
        .all(|p| matches!(p.kind, PenaltyType::Warning | PenaltyType::Fine));
    if !only_light || fine > limit {
        return Err(rule(
            "simple_procedure_limit",
            format!(
                "the simple procedure allows only a warning or a fine up to {} for {} (APL art. 51); use the ordinary procedure",
                yuan(limit),
                if case.subject_kind.counts_as_individual() {
                    "an individual or a 个体工商户"
                } else {
                    "an organisation"
                }
            ),
        ));
    }
    let (powers, lighter_law) = applicable_powers(case, &ctx.current_powers)?;
    check_mitigation_ground(case, input.mitigation_ground)?;
    check_discretion(&powers, &penalties, input.mitigation_ground)?;
    let benchmark = super::proposal::check_benchmark(
        case,
        (input.benchmark_id.as_deref(), None),
        input.base_amount_fen,
        &penalties,
        &ctx.benchmarks,
    )?;
    next.on_the_spot_benchmark = benchmark;
    next.served_on = Some(decided_on);
    next.service_method = Some(ServiceMethod::InPerson);
    next.payment_due_on = match fine > 0 {
        true => Some(payment_due_on(ctx, decided_on)?),
        false => None,
    };
    next.filing_acknowledgement_due_on = Some(working_deadline(
        ctx,
        decided_on,
        ctx.settings.acknowledgement_working_days,
    )?);
    next.outcome = Some(Outcome::Penalty);
    next.penalties = penalties;
    next.decided_on = Some(decided_on);
    next.status = CaseStatus::Decided;
    let payload = json!({
        "outcome": Outcome::Penalty,
        "penalties": next.penalties,
        "fine_amount_fen": next.fine_amount_fen(),
        "decided_on": decided_on,
        "party_heard": party_heard,
        "credentials_shown": true,
        "served_on_the_spot": true,
        "payment_due_on": next.payment_due_on,
        "filing_acknowledgement_due_on": next.filing_acknowledgement_due_on,
        "lighter_law_applied": lighter_law,
        "benchmark": next.on_the_spot_benchmark,
    });
    Ok(Applied {
        case: next,
        payload,
        effect: decision_number(Outcome::Penalty),
    })
}

/// Which numbered document a decision gets.
fn decision_number(outcome: Outcome) -> Effect {
    match outcome {
        Outcome::Penalty => Effect::AllocateDecisionNumber(DecisionDocument::Penalty),
        Outcome::NoPenaltyMinor | Outcome::NoPenaltyMinorUnder14 | Outcome::NoPenaltyUnfounded => {
            Effect::AllocateDecisionNumber(DecisionDocument::NoPenalty)
        }
        Outcome::TransferJudicial => Effect::None,
    }
}

/// `acknowledge_filing` (备案, APL art. 52): a supervisor not on the case acknowledges an
/// on-the-spot decision filed with the agency.
pub fn acknowledge_filing(case: &Case, ctx: &Context<'_>) -> Result<Applied, Refusal> {
    let mut next = case.clone();
    if case.filing_acknowledged_on.is_some() {
        return Err(rule(
            "filing_already_acknowledged",
            "the decision's filing is already acknowledged",
        ));
    }
    approver_off_the_case(ctx, "acknowledge its filing")?;
    next.filing_acknowledged_on = Some(ctx.today);
    let late = case.filing_acknowledgement_due_on.is_some_and(|due| ctx.today > due);
    Ok(Applied::new(next, json!({"acknowledged_on": ctx.today, "late": late})))
}

/// APL art. 57 (负责人集体讨论): major cases — penalties that give hearing rights, or a
/// hearing held — are decided after a collective discussion of the agency's heads.
pub fn needs_collective_discussion(case: &Case, penalties: &[Penalty], settings: &ProcedureSettings) -> bool {
    carries_hearing_rights(case, penalties, settings)
        || case.hearing_state == Some(HearingState::Held)
        // 国办发〔2022〕27号: a decision leaving its discretion benchmark is discussed.
        || super::proposal::deviates_from_benchmark(case)
}

/// The discussion must come before the decision and after the current notice (and any
/// hearing on it).
fn check_collective_discussion(
    case: &Case,
    penalties: &[Penalty],
    decided_on: NaiveDate,
    settings: &ProcedureSettings,
) -> Result<(), Refusal> {
    if let Some(discussed_on) = case.collective_discussion_on
        && decided_on < discussed_on
    {
        return Err(invalid(
            "decided_on",
            format!("may not be before the collective discussion ({discussed_on})"),
        ));
    }
    let hearing_held = case.hearing_state == Some(HearingState::Held);
    let discussed_current = case.collective_discussion_on.is_some_and(|on| {
        case.notified_on.is_none_or(|notified| on >= notified)
            && (!hearing_held || case.hearing_on.is_none_or(|heard| on >= heard))
    });
    if needs_collective_discussion(case, penalties, settings) && !discussed_current {
        return Err(rule(
            "collective_discussion_required",
            "a major case (penalties that give hearing rights, a hearing held, or a proposal leaving its discretion benchmark) is decided after a recorded collective discussion of the agency's heads (负责人集体讨论, APL art. 57; 国办发〔2022〕27号)",
        ));
    }
    Ok(())
}

/// The gates the prior notice sets for a penalty proposed or decided `on` (APL art. 44–45,
/// 62–64).
pub(crate) fn check_notice_gates(
    case: &Case,
    penalties: &[Penalty],
    (field, on): (&str, NaiveDate),
) -> Result<(), Refusal> {
    let Some(notified_on) = case.notified_on.filter(|_| !case.notice_penalties.is_empty()) else {
        return Err(rule(
            "notice_required",
            "a penalty decision needs a recorded prior notice (事先告知) of the proposed penalties (APL art. 44, 62)",
        ));
    };
    if on < notified_on {
        return Err(invalid(field, format!("may not be before the notice ({notified_on})")));
    }
    let hearing_held = case.hearing_state == Some(HearingState::Held);
    if hearing_held
        && let Some(hearing_on) = case.hearing_on
        && on < hearing_on
    {
        return Err(invalid(field, format!("may not be before the hearing ({hearing_on})")));
    }
    if case.hearing_rights
        && !matches!(case.hearing_state, Some(HearingState::Held | HearingState::Waived))
        && let Some(due) = case.hearing_request_due_on
        && on <= due
    {
        return Err(rule(
            "hearing_request_period_running",
            format!(
                "the party may ask for a hearing until {due} (APL art. 63–64); decide after it, or record the party's waiver of the hearing"
            ),
        ));
    }
    match case.defense_state {
        Some(DefenseState::Waived) | Some(DefenseState::Reviewed) => {}
        _ if hearing_held => {}
        Some(DefenseState::Recorded) => {
            return Err(rule(
                "defense_not_reviewed",
                "the party's defence (陈述申辩) is recorded but not reviewed (复核); review it before deciding (APL art. 45)",
            ));
        }
        _ => {
            if let Some(due) = case.defense_due_on
                && on <= due
            {
                return Err(rule(
                    "defense_period_running",
                    format!(
                        "the defence period runs until {due}; decide after it, or record a waiver or a reviewed defence (APL art. 44–45, 62)"
                    ),
                ));
            }
        }
    }
    if let Some(what) = heavier_than(penalties, &case.notice_penalties) {
        return Err(rule(
            "heavier_than_notified",
            format!(
                "the decision ({}) is heavier than the notice ({}): {what}; a heavier penalty needs a new notice (APL art. 45)",
                describe(penalties),
                describe(&case.notice_penalties)
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cases::model::testing::*;
    use crate::cases::model::*;

    #[test]
    fn no_heavier_penalty_than_notified() {
        let investigating = case(CaseKind::Penalty, Some(Procedure::Ordinary), CaseStatus::Investigating);
        let mut notified = run(
            &investigating,
            notify(PenaltyType::Fine, 100_000, "2024-09-10"),
            "2024-09-10",
        )
        .unwrap()
        .case;
        notified.defense_state = Some(DefenseState::Waived);
        assert_eq!(
            rule_of(decide_as_head(
                &notified,
                PenaltyType::Fine,
                100_001,
                "2024-09-12",
                "2024-09-12"
            )),
            "heavier_than_notified"
        );
        assert_eq!(
            rule_of(decide_as_head(
                &notified,
                PenaltyType::ConfiscateIllegalGains,
                1_000,
                "2024-09-12",
                "2024-09-12"
            )),
            "heavier_than_notified"
        );
        assert!(decide_as_head(&notified, PenaltyType::Fine, 50_000, "2024-09-12", "2024-09-12").is_ok());
        // A type that was not notified needs a new notice, even a lighter one.
        assert_eq!(
            rule_of(decide_as_head(
                &notified,
                PenaltyType::Warning,
                0,
                "2024-09-12",
                "2024-09-12"
            )),
            "heavier_than_notified"
        );
    }

    #[test]
    fn simple_procedure_limits_depend_on_the_subject() {
        let mut filed = case(CaseKind::Penalty, Some(Procedure::Simple), CaseStatus::Filed);
        let on_spot = |fine: i64| {
            Command::Decide(DecideInput {
                outcome: Some(Outcome::Penalty),
                penalties: Some(penalty(PenaltyType::Fine, fine)),
                decided_on: Some(date("2024-09-02")),
                credentials_shown: Some(true),
                party_heard: Some("当事人无异议".into()),
                mitigation_ground: None,
                benchmark_id: None,
                base_amount_fen: None,
            })
        };
        assert!(run(&filed, on_spot(300_000), "2024-09-02").is_ok());
        assert_eq!(
            rule_of(run(&filed, on_spot(300_001), "2024-09-02")),
            "simple_procedure_limit"
        );
        filed.subject_kind = SubjectKind::Individual;
        assert!(run(&filed, on_spot(20_000), "2024-09-02").is_ok());
        assert_eq!(
            rule_of(run(&filed, on_spot(20_001), "2024-09-02")),
            "simple_procedure_limit"
        );
        // A 个体工商户 has the individual's limit.
        filed.subject_kind = SubjectKind::IndividualBusiness;
        assert_eq!(
            rule_of(run(&filed, on_spot(20_001), "2024-09-02")),
            "simple_procedure_limit"
        );
        let decided = run(&filed, on_spot(20_000), "2024-09-02").unwrap().case;
        // Filed with the agency: acknowledged within 5 working days of the decision.
        assert_eq!(decided.filing_acknowledgement_due_on, Some(date("2024-09-09")));
    }

    #[test]
    fn the_decision_period_counts_ninety_days_plus_extensions() {
        let mut notified = case(CaseKind::Penalty, Some(Procedure::Ordinary), CaseStatus::Notified);
        notified.notice_penalties = penalty(PenaltyType::Fine, 100_000);
        notified.notified_on = Some(date("2024-10-01"));
        notified.defense_state = Some(DefenseState::Waived);
        assert_eq!(notified.decision_due_on, Some(date("2024-12-01")));
        assert!(decide_as_head(&notified, PenaltyType::Fine, 100_000, "2024-12-01", "2024-12-10").is_ok());
        assert_eq!(
            rule_of(decide_as_head(
                &notified,
                PenaltyType::Fine,
                100_000,
                "2024-12-02",
                "2024-12-10"
            )),
            "decision_period_expired"
        );
    }

    #[test]
    fn extensions_are_approved_in_time_by_someone_off_the_case_and_capped() {
        let filed = case(CaseKind::Penalty, Some(Procedure::Ordinary), CaseStatus::Filed);
        let calendar = calendar();
        let supervisor = Relation {
            is_case_officer: false,
            is_supervisor: true,
            is_counsel: false,
        };
        let settings = ProcedureSettings {
            extension_rule: Some("《市场监督管理行政处罚程序规定》第六十四条".into()),
            ..ProcedureSettings::default()
        };
        let ctx = |today: &str, relation: Relation| Context {
            today: date(today),
            calendar: &calendar,
            relation,
            settings: settings.clone(),
            av_evidence_count: 0,
            current_powers: Vec::new(),
            approval: ApprovalFacts::default(),
            benchmarks: BenchmarkFacts::default(),
            lists: ListFacts::default(),
        };
        let extend = |days| {
            Command::ExtendDecisionDeadline(ExtendDecisionDeadlineInput {
                days,
                reason: "案情复杂".into(),
            })
        };
        // Due 2024-12-01 (90 days from 2024-09-02).
        let late = apply(&filed, extend(30), &ctx("2024-12-02", supervisor));
        assert_eq!(rule_of(late), "extension_after_deadline");
        let own = Relation {
            is_case_officer: true,
            is_supervisor: true,
            is_counsel: false,
        };
        assert_eq!(
            rule_of(apply(&filed, extend(30), &ctx("2024-11-01", own))),
            "approver_is_case_officer"
        );
        let once = apply(&filed, extend(20), &ctx("2024-11-01", supervisor)).unwrap().case;
        assert_eq!(once.decision_due_on, Some(date("2024-12-21")));
        // The rule allows 30 days in all (the default): 20 + 11 is one too many.
        assert_eq!(
            rule_of(apply(&once, extend(11), &ctx("2024-11-01", supervisor))),
            "extension_limit"
        );
        assert!(apply(&once, extend(10), &ctx("2024-11-01", supervisor)).is_ok());
        // Without a rule named in the settings there is nothing to extend by.
        assert_eq!(
            rule_of(run_as(&filed, extend(10), "2024-11-01", supervisor)),
            "extension_rule_missing"
        );
    }

    #[test]
    fn the_head_decides_the_proposal_or_lighter_and_is_not_on_the_case() {
        let mut notified = notified_case(PenaltyType::Fine, 200_000, "2024-09-02");
        notified.defense_state = Some(DefenseState::Waived);
        let mut proposed = run(&notified, propose(PenaltyType::Fine, 200_000), "2024-09-05")
            .unwrap()
            .case;
        assert_eq!(proposed.status, CaseStatus::Proposed);
        // In scope (all ordinary decisions), the head decides only an approved proposal.
        assert_eq!(
            rule_of(run_as(
                &proposed,
                Command::Decide(DecideInput {
                    outcome: None,
                    penalties: None,
                    decided_on: None,
                    credentials_shown: None,
                    party_heard: None,
                    mitigation_ground: None,
                    benchmark_id: None,
                    base_amount_fen: None,
                }),
                "2024-09-06",
                HEAD
            )),
            "legal_review_required"
        );
        proposed.legal_review_outcome = Some(ReviewOutcome::Approved);
        let decide = |penalties: Option<Vec<Penalty>>| {
            Command::Decide(DecideInput {
                outcome: None,
                penalties,
                decided_on: None,
                credentials_shown: None,
                party_heard: None,
                mitigation_ground: None,
                benchmark_id: None,
                base_amount_fen: None,
            })
        };
        let on_case = Relation {
            is_case_officer: true,
            is_supervisor: true,
            is_counsel: false,
        };
        assert_eq!(
            rule_of(run_as(&proposed, decide(None), "2024-09-06", on_case)),
            "decider_is_case_officer"
        );
        assert_eq!(
            rule_of(run_as(
                &proposed,
                decide(Some(penalty(PenaltyType::Fine, 200_001))),
                "2024-09-06",
                HEAD
            )),
            "heavier_than_proposed"
        );
        let lighter = run_as(
            &proposed,
            decide(Some(penalty(PenaltyType::Fine, 150_000))),
            "2024-09-06",
            HEAD,
        )
        .unwrap();
        assert_eq!(lighter.case.fine_amount_fen(), Some(150_000));
        assert_eq!(lighter.payload["as_proposed"], serde_json::json!(false));
    }

    #[test]
    fn an_on_the_spot_decision_needs_two_officers_certified_that_day() {
        let mut filed = case(CaseKind::Penalty, Some(Procedure::Simple), CaseStatus::Filed);
        filed.officers[1].certificate_expires_on = Some(date("2024-09-01"));
        let on_spot = Command::Decide(DecideInput {
            outcome: Some(Outcome::Penalty),
            penalties: Some(penalty(PenaltyType::Warning, 0)),
            decided_on: Some(date("2024-09-02")),
            credentials_shown: Some(true),
            party_heard: Some("无异议".into()),
            mitigation_ground: None,
            benchmark_id: None,
            base_amount_fen: None,
        });
        assert_eq!(
            rule_of(run(&filed, on_spot.clone(), "2024-09-02")),
            "officer_certificate_invalid"
        );
        filed.officers[1].certificate_expires_on = Some(date("2024-09-02"));
        assert!(run(&filed, on_spot, "2024-09-02").is_ok(), "valid through its last day");
    }
}
