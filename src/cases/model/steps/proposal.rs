//! The officers' proposal (处理意见, APL art. 57) and what an outcome needs: the party's age
//! (art. 30), the ground and education of a minor violation left unpunished (art. 33), the
//! receiving organ of a transfer.

use super::decision::check_notice_gates;
use crate::cases::model::*;

/// `record_education` (教育, APL art. 33 ¶3): needed before a no-penalty outcome for a
/// minor violation.
pub fn record_education(case: &Case, input: RecordEducationInput, ctx: &Context<'_>) -> Result<Applied, Refusal> {
    let mut next = case.clone();
    let content = required_text("content", &input.content, 10_000)?;
    let educated_on = past_date(
        "educated_on",
        input.educated_on.unwrap_or(ctx.today),
        ctx.today,
        Some((case.opened_on, "the filing date")),
    )?;
    next.education_recorded_on = Some(educated_on);
    Ok(Applied::new(
        next,
        json!({"content": content, "educated_on": educated_on}),
    ))
}

/// `propose_decision` (处理意见): the officers propose the outcome and penalties with the
/// facts, basis and discretion reasoning; the head decides it (APL art. 57).
pub fn propose_decision(case: &Case, input: ProposeDecisionInput, ctx: &Context<'_>) -> Result<Applied, Refusal> {
    let mut next = case.clone();
    let today = ctx.today;
    let proposed_on = past_date(
        "proposed_on",
        input.proposed_on.unwrap_or(today),
        today,
        Some((case.opened_on, "the filing date")),
    )?;
    let facts = required_text("facts", &input.facts, 10_000)?;
    let legal_basis = required_text("legal_basis", &input.legal_basis, 2000)?;
    let discretion_reasoning = required_text("discretion_reasoning", &input.discretion_reasoning, 10_000)?;
    let receiving_organ = input
        .receiving_organ
        .as_deref()
        .map(|organ| required_text("receiving_organ", organ, 200))
        .transpose()?;
    let penalties = match input.outcome {
        Outcome::Penalty => check_penalties("penalties", &input.penalties)?,
        _ if !input.penalties.is_empty() => {
            return Err(invalid("penalties", "only a penalty outcome carries penalties"));
        }
        _ => Vec::new(),
    };
    let proposal = Proposal {
        outcome: input.outcome,
        penalties,
        facts,
        legal_basis,
        discretion_reasoning,
        no_penalty_ground: input.no_penalty_ground,
        mitigation_ground: input.mitigation_ground,
        receiving_organ,
        complex: input.complex,
        major_public_interest: input.major_public_interest,
        proposed_on,
    };
    check_outcome(case, &proposal)?;
    let mut lighter_law = Vec::new();
    if proposal.outcome == Outcome::Penalty {
        check_notice_gates(case, &proposal.penalties, ("proposed_on", proposed_on))?;
        let (powers, lighter) = applicable_powers(case, &ctx.current_powers)?;
        check_mitigation_ground(case, proposal.mitigation_ground)?;
        check_discretion(&powers, &proposal.penalties, proposal.mitigation_ground)?;
        lighter_law = lighter;
    }
    next.status = CaseStatus::Proposed;
    // A new proposal is reviewed anew (DESIGN §5.2).
    next.legal_review_outcome = None;
    let payload = json!({"proposal": proposal, "minor": case.is_minor(), "lighter_law_applied": lighter_law});
    next.proposal = Some(proposal);
    Ok(Applied::new(next, payload))
}

/// What the outcome itself needs (APL art. 30, 33, 57).
pub(crate) fn check_outcome(case: &Case, proposal: &Proposal) -> Result<(), Refusal> {
    match proposal.outcome {
        Outcome::Penalty if case.is_under_14() => Err(minor_under_14(case)),
        Outcome::NoPenaltyMinorUnder14 if !case.is_under_14() => Err(rule(
            "not_under_14",
            "no_penalty_minor_under_14 needs a party who was under 14 on the violation date, as the ID number's birth date shows (APL art. 30)",
        )),
        Outcome::NoPenaltyMinor if proposal.no_penalty_ground.is_none() => Err(rule(
            "no_penalty_ground_required",
            "no_penalty_minor needs its ground (APL art. 33): minor_and_corrected or first_violation_minor_harm_corrected",
        )),
        Outcome::NoPenaltyMinor if case.education_recorded_on.is_none() => Err(rule(
            "education_required",
            "a minor violation left unpunished needs the party's education recorded (record_education, APL art. 33 ¶3)",
        )),
        Outcome::TransferJudicial if proposal.receiving_organ.is_none() => Err(invalid(
            "receiving_organ",
            "name the judicial organ the case goes to (APL art. 27, 57)",
        )),
        _ => Ok(()),
    }
}

pub fn minor_under_14(case: &Case) -> Refusal {
    rule(
        "minor_under_14",
        format!(
            "the party was {} on the violation date: under 14, it is not penalised (APL art. 30); decide no_penalty_minor_under_14 and tell the guardian",
            case.age_at_violation()
                .map_or("a child".to_string(), |age| format!("{age}"))
        ),
    )
}

#[cfg(test)]
mod tests {
    use crate::cases::model::testing::*;
    use crate::cases::model::*;

    #[test]
    fn a_child_under_14_is_not_penalised_and_a_minor_is_flagged() {
        let mut investigating = case(CaseKind::Penalty, Some(Procedure::Ordinary), CaseStatus::Investigating);
        investigating.subject_kind = SubjectKind::Individual;
        // Violation on 2024-09-01. Born 2010-08-31: 14 full years the day after the birthday.
        investigating.subject_birth_date = Some(date("2010-08-31"));
        assert!(!investigating.is_under_14());
        assert!(investigating.is_minor());
        // Born 2010-09-01: the 14th birthday itself still counts as under 14.
        investigating.subject_birth_date = Some(date("2010-09-01"));
        assert!(investigating.is_under_14());
        assert_eq!(
            rule_of(run(
                &investigating,
                notify(PenaltyType::Warning, 0, "2024-09-03"),
                "2024-09-03"
            )),
            "minor_under_14"
        );
        let no_penalty = |outcome: Outcome| {
            Command::ProposeDecision(ProposeDecisionInput {
                outcome,
                penalties: vec![],
                facts: "事实".into(),
                legal_basis: "《行政处罚法》第三十条".into(),
                discretion_reasoning: "不满十四周岁".into(),
                no_penalty_ground: None,
                mitigation_ground: None,
                receiving_organ: None,
                proposed_on: None,
                complex: false,
                major_public_interest: false,
            })
        };
        assert!(run(&investigating, no_penalty(Outcome::NoPenaltyMinorUnder14), "2024-09-03").is_ok());
        investigating.subject_birth_date = Some(date("1990-01-01"));
        assert_eq!(
            rule_of(run(
                &investigating,
                no_penalty(Outcome::NoPenaltyMinorUnder14),
                "2024-09-03"
            )),
            "not_under_14"
        );
        assert_eq!(
            rule_of(run(&investigating, no_penalty(Outcome::NoPenaltyMinor), "2024-09-03")),
            "no_penalty_ground_required"
        );
    }
}
