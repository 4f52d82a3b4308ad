//! Deciding (作出决定): collective discussion, extensions of the period, and the gates of a
//! decision in either procedure.

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

/// `extend_decision_deadline` (APL art. 60): approved in time by a supervisor off the case.
pub fn extend_decision_deadline(
    case: &Case,
    input: ExtendDecisionDeadlineInput,
    ctx: &Context<'_>,
) -> Result<Applied, Refusal> {
    let mut next = case.clone();
    let today = ctx.today;
    if !(1..=MAX_EXTENSION_DAYS).contains(&input.days) {
        return Err(invalid("days", format!("must be between 1 and {MAX_EXTENSION_DAYS}")));
    }
    let reason = required_text("reason", &input.reason, 2000)?;
    if ctx.relation.is_case_officer {
        return Err(rule(
            "approver_is_case_officer",
            "an officer of the case cannot approve its own extension; another supervisor must",
        ));
    }
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
    let extended = add_calendar_days(previous, input.days);
    if (extended - original).num_days() > i64::from(MAX_EXTENSION_DAYS) {
        return Err(rule(
            "extension_limit",
            format!("extensions may add at most {MAX_EXTENSION_DAYS} days to the 90-day period in all"),
        ));
    }
    next.decision_due_on = Some(extended);
    let payload =
        json!({"days": input.days, "reason": reason, "previous_due_on": previous, "decision_due_on": extended});
    Ok(Applied::new(next, payload))
}

/// `decide`: the gates of the simple (APL art. 51–52) or ordinary procedure (art. 44–45,
/// 57–58, 60, 62–64); allocates the decision document number.
pub fn decide(case: &Case, input: DecideInput, ctx: &Context<'_>) -> Result<Applied, Refusal> {
    let mut next = case.clone();
    let today = ctx.today;
    let decided_on = past_date(
        "decided_on",
        input.decided_on.unwrap_or(today),
        today,
        Some((case.opened_on, "the filing date")),
    )?;
    let (decision_type, fine) = match input.outcome {
        Outcome::Penalty => {
            let decision_type = input
                .decision_type
                .ok_or_else(|| invalid("decision_type", "required for a penalty"))?;
            (
                Some(decision_type),
                check_penalty_amount(decision_type, input.fine_amount_fen)?,
            )
        }
        _ => {
            if input.decision_type.is_some() || input.fine_amount_fen.unwrap_or(0) != 0 {
                return Err(invalid(
                    "decision_type",
                    "only a penalty outcome carries a decision type or fine",
                ));
            }
            (None, 0)
        }
    };
    let proposed = ProposedDecision {
        outcome: input.outcome,
        decision_type,
        fine_amount_fen: fine,
        decided_on,
    };
    if case.procedure == Some(Procedure::Simple) {
        check_simple_decision(case, &proposed, input.credentials_shown)?;
        next.served_on = Some(decided_on);
        next.service_method = Some(ServiceMethod::InPerson);
        next.payment_due_on = (fine > 0).then(|| add_calendar_days(decided_on, PAYMENT_PERIOD_DAYS));
    } else {
        check_ordinary_decision(case, &proposed, ctx)?;
        // A transfer to judicial organs is handed over, not served on the party.
        if input.outcome != Outcome::TransferJudicial {
            next.service_due_on = Some(working_deadline(ctx, decided_on, SERVICE_PERIOD_WORKING_DAYS)?);
        }
    }
    check_legal_review(case, &proposed)?;
    next.outcome = Some(input.outcome);
    next.decision_type = decision_type;
    next.fine_amount_fen = (input.outcome == Outcome::Penalty).then_some(fine);
    next.decided_on = Some(decided_on);
    next.status = CaseStatus::Decided;
    let effect = match input.outcome {
        Outcome::Penalty => Effect::AllocateDecisionNumber(DecisionDocument::Penalty),
        Outcome::NoPenaltyMinor | Outcome::NoPenaltyUnfounded => {
            Effect::AllocateDecisionNumber(DecisionDocument::NoPenalty)
        }
        Outcome::TransferJudicial => Effect::None,
    };
    let payload = json!({
        "outcome": input.outcome,
        "decision_type": decision_type,
        "fine_amount_fen": next.fine_amount_fen,
        "decided_on": decided_on,
        "service_due_on": next.service_due_on,
        "served_on_the_spot": case.procedure == Some(Procedure::Simple),
        "payment_due_on": next.payment_due_on,
    });
    Ok(Applied {
        case: next,
        payload,
        effect,
    })
}

/// The proposed decision, as the gates see it.
#[derive(Debug, Clone, Copy)]
pub struct ProposedDecision {
    pub outcome: Outcome,
    pub decision_type: Option<DecisionType>,
    pub fine_amount_fen: i64,
    pub decided_on: NaiveDate,
}

/// 法制审核 (APL art. 58). SEAM(legal-review): the legal-review capability decides which
/// decisions need an approved opinion signed by counsel and checks it here; until it
/// lands, no decision is held back by this gate.
pub(crate) fn check_legal_review(_case: &Case, _proposed: &ProposedDecision) -> Result<(), Refusal> {
    Ok(())
}

/// APL art. 57 (负责人集体讨论): major cases — suspension, revocation, large fines, or a
/// hearing held — are decided after a collective discussion of the agency's heads.
pub fn needs_collective_discussion(
    case: &Case,
    decision_type: DecisionType,
    fine: i64,
    settings: &ProcedureSettings,
) -> bool {
    carries_hearing_rights(case, decision_type, fine, settings) || case.hearing_state == Some(HearingState::Held)
}

/// APL art. 51–52: on-the-spot decisions only for a warning or a small fine, with
/// credentials shown and the decision handed over at once.
pub(crate) fn check_simple_decision(
    case: &Case,
    proposed: &ProposedDecision,
    credentials_shown: Option<bool>,
) -> Result<(), Refusal> {
    if credentials_shown != Some(true) {
        return Err(credentials_refusal("an on-the-spot decision"));
    }
    if proposed.outcome != Outcome::Penalty {
        return Err(invalid(
            "outcome",
            "the simple procedure decides a penalty on the spot; use the ordinary procedure",
        ));
    }
    let limit = match case.subject_kind.counts_as_individual() {
        true => SIMPLE_MAX_FINE_INDIVIDUAL_FEN,
        false => SIMPLE_MAX_FINE_ORGANISATION_FEN,
    };
    check_discretion(case, proposed.fine_amount_fen)?;
    let allowed_type = matches!(proposed.decision_type, Some(DecisionType::Warning | DecisionType::Fine));
    if !allowed_type || proposed.fine_amount_fen > limit {
        return Err(rule(
            "simple_procedure_limit",
            format!(
                "the simple procedure allows only a warning or a fine up to {} for {} (APL art. 51); use the ordinary procedure",
                yuan(limit),
                if case.subject_kind.counts_as_individual() {
                    "an individual"
                } else {
                    "an organisation"
                }
            ),
        ));
    }
    Ok(())
}

/// The gates of an ordinary decision (APL art. 44–45, 57, 60, 62–64).
pub(crate) fn check_ordinary_decision(
    case: &Case,
    proposed: &ProposedDecision,
    ctx: &Context<'_>,
) -> Result<(), Refusal> {
    if let Some(due) = case.decision_due_on
        && proposed.decided_on > due
    {
        return Err(rule(
            "decision_period_expired",
            format!(
                "the decision was due by {due}, {DECISION_PERIOD_DAYS} days from filing plus approved extensions (APL art. 60); a supervisor can extend it with a reason"
            ),
        ));
    }
    if proposed.outcome != Outcome::Penalty {
        return Ok(());
    }
    let (Some(notice_type), Some(notified_on)) = (case.notice_decision_type, case.notified_on) else {
        return Err(rule(
            "notice_required",
            "a penalty decision needs a recorded prior notice (事先告知) of the proposed decision (APL art. 44, 62)",
        ));
    };
    if proposed.decided_on < notified_on {
        return Err(invalid(
            "decided_on",
            format!("may not be before the notice ({notified_on})"),
        ));
    }
    let hearing_held = case.hearing_state == Some(HearingState::Held);
    if hearing_held
        && let Some(hearing_on) = case.hearing_on
        && proposed.decided_on < hearing_on
    {
        return Err(invalid(
            "decided_on",
            format!("may not be before the hearing ({hearing_on})"),
        ));
    }
    if case.hearing_rights
        && !matches!(case.hearing_state, Some(HearingState::Held | HearingState::Waived))
        && let Some(due) = case.hearing_request_due_on
        && proposed.decided_on <= due
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
                && proposed.decided_on <= due
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
    let decision_type = proposed.decision_type.unwrap_or(DecisionType::Warning);
    let notified_fine = case.notice_fine_fen.unwrap_or(0);
    if decision_type.severity() > notice_type.severity() || proposed.fine_amount_fen > notified_fine {
        return Err(rule(
            "heavier_than_notified",
            format!(
                "the decision ({} {}) is heavier than the notified one ({} {}); a heavier penalty needs a new notice (APL art. 45)",
                decision_type.as_str(),
                yuan(proposed.fine_amount_fen),
                notice_type.as_str(),
                yuan(notified_fine)
            ),
        ));
    }
    check_discretion(case, proposed.fine_amount_fen)?;
    if let Some(discussed_on) = case.collective_discussion_on
        && proposed.decided_on < discussed_on
    {
        return Err(invalid(
            "decided_on",
            format!("may not be before the collective discussion ({discussed_on})"),
        ));
    }
    // The discussion must have considered the current notice (and any hearing on it).
    let discussed_current = case
        .collective_discussion_on
        .is_some_and(|on| on >= notified_on && (!hearing_held || case.hearing_on.is_none_or(|heard| on >= heard)));
    if needs_collective_discussion(case, decision_type, proposed.fine_amount_fen, &ctx.settings) && !discussed_current {
        return Err(rule(
            "collective_discussion_required",
            "a major case (suspension, revocation, a large fine or a hearing held) is decided after a recorded collective discussion of the agency's heads (负责人集体讨论, APL art. 57)",
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
            notify(DecisionType::Fine, 100_000, "2024-09-10"),
            "2024-09-10",
        )
        .unwrap()
        .case;
        notified.defense_state = Some(DefenseState::Waived);
        assert_eq!(
            rule_of(run(
                &notified,
                decide(DecisionType::Fine, 100_001, "2024-09-12"),
                "2024-09-12"
            )),
            "heavier_than_notified"
        );
        assert_eq!(
            rule_of(run(
                &notified,
                decide(DecisionType::Confiscation, 0, "2024-09-12"),
                "2024-09-12"
            )),
            "heavier_than_notified"
        );
        assert!(
            run(
                &notified,
                decide(DecisionType::Fine, 50_000, "2024-09-12"),
                "2024-09-12"
            )
            .is_ok()
        );
        assert!(run(&notified, decide(DecisionType::Warning, 0, "2024-09-12"), "2024-09-12").is_ok());
    }

    #[test]
    fn simple_procedure_limits_depend_on_the_subject() {
        let mut filed = case(CaseKind::Penalty, Some(Procedure::Simple), CaseStatus::Filed);
        let on_spot = |fine: i64| {
            Command::Decide(DecideInput {
                outcome: Outcome::Penalty,
                decision_type: Some(DecisionType::Fine),
                fine_amount_fen: Some(fine),
                decided_on: Some(date("2024-09-02")),
                credentials_shown: Some(true),
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
    }

    #[test]
    fn the_decision_period_counts_ninety_days_plus_extensions() {
        let mut notified = case(CaseKind::Penalty, Some(Procedure::Ordinary), CaseStatus::Notified);
        notified.notice_decision_type = Some(DecisionType::Fine);
        notified.notice_fine_fen = Some(100_000);
        notified.notified_on = Some(date("2024-10-01"));
        notified.defense_state = Some(DefenseState::Waived);
        assert_eq!(notified.decision_due_on, Some(date("2024-12-01")));
        assert!(
            run(
                &notified,
                decide(DecisionType::Fine, 100_000, "2024-12-01"),
                "2024-12-10"
            )
            .is_ok()
        );
        assert_eq!(
            rule_of(run(
                &notified,
                decide(DecisionType::Fine, 100_000, "2024-12-02"),
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
        };
        let ctx = |today: &str, relation: Relation| Context {
            today: date(today),
            calendar: &calendar,
            relation,
            settings: ProcedureSettings::default(),
            av_evidence_count: 0,
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
        };
        assert_eq!(
            rule_of(apply(&filed, extend(30), &ctx("2024-11-01", own))),
            "approver_is_case_officer"
        );
        let once = apply(&filed, extend(60), &ctx("2024-11-01", supervisor)).unwrap().case;
        assert_eq!(once.decision_due_on, Some(date("2025-01-30")));
        assert_eq!(
            rule_of(apply(&once, extend(31), &ctx("2024-11-01", supervisor))),
            "extension_limit"
        );
        assert!(apply(&once, extend(30), &ctx("2024-11-01", supervisor)).is_ok());
    }
}
