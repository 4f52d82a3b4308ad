//! Investigation and prior notice (调查取证, 事先告知, 陈述申辩: APL art. 44–45, 55, 62).

use crate::cases::model::*;

/// `record_investigation` (询问笔录, 现场笔录, evidence); face-to-face steps need credentials (APL art. 55).
pub fn record_investigation(
    case: &Case,
    input: RecordInvestigationInput,
    ctx: &Context<'_>,
) -> Result<Applied, Refusal> {
    let mut next = case.clone();
    let content = required_text("content", &input.content, 10_000)?;
    let face_to_face = matches!(
        input.record_type,
        InvestigationRecordType::Site | InvestigationRecordType::Inquiry
    );
    if face_to_face && !input.credentials_shown {
        return Err(credentials_refusal("an inquiry or on-site investigation"));
    }
    if face_to_face {
        check_officers_certified(case, ctx.today, "an inquiry or on-site investigation")?;
    }
    next.status = CaseStatus::Investigating;
    let payload =
        json!({"record_type": input.record_type, "content": content, "credentials_shown": input.credentials_shown});
    Ok(Applied::new(next, payload))
}

/// `notify` (行政处罚事先告知, APL art. 44, 62–64): the proposed penalty, the defence period
/// and, where the law gives them, hearing rights. A new notice replaces the previous one.
pub fn notify(case: &Case, input: NotifyInput, ctx: &Context<'_>) -> Result<Applied, Refusal> {
    let mut next = case.clone();
    let today = ctx.today;
    let facts = required_text("facts", &input.facts, 10_000)?;
    let legal_basis = required_text("legal_basis", &input.legal_basis, 2000)?;
    let penalties = check_penalties("penalties", &input.penalties)?;
    // The lighter law in force on the notice's date bounds what may be notified (APL art. 37).
    let (powers, lighter_law) = applicable_powers(case, &ctx.current_powers)?;
    check_fine_maximum(&powers, &penalties)?;
    if case.is_under_14() {
        return Err(minor_under_14(case));
    }
    // A new notice (重新告知) is dated on or after the one it replaces.
    let earliest = match case.notified_on {
        Some(previous) => (previous, "the previous notice"),
        None => (case.opened_on, "the filing date"),
    };
    let notified_on = past_date("notified_on", input.notified_on.unwrap_or(today), today, Some(earliest))?;
    let defense_due_on = working_deadline(ctx, notified_on, ctx.settings.defense_period_working_days)?;
    let hearing_rights = carries_hearing_rights(case, &penalties, &ctx.settings);
    let hearing_request_due_on = match hearing_rights {
        true => Some(working_deadline(ctx, notified_on, HEARING_REQUEST_WORKING_DAYS)?),
        false => None,
    };
    next.notice_penalties = penalties.clone();
    next.notified_on = Some(notified_on);
    next.defense_due_on = Some(defense_due_on);
    next.defense_state = Some(DefenseState::Pending);
    next.hearing_rights = hearing_rights;
    next.hearing_request_due_on = hearing_request_due_on;
    next.hearing_state = None;
    next.hearing_on = None;
    next.status = CaseStatus::Notified;
    let payload = json!({
        "penalties": penalties,
        "facts": facts,
        "legal_basis": legal_basis,
        "notified_on": notified_on,
        "defense_due_on": defense_due_on,
        "hearing_rights": hearing_rights,
        "hearing_request_due_on": next.hearing_request_due_on,
        "lighter_law_applied": lighter_law,
        "renotice": case.status == CaseStatus::Notified,
    });
    Ok(Applied::new(next, payload))
}

/// `record_defense` (陈述申辩, APL art. 45).
pub fn record_defense(case: &Case, input: RecordDefenseInput, _ctx: &Context<'_>) -> Result<Applied, Refusal> {
    let mut next = case.clone();
    let content = required_text("content", &input.content, 10_000)?;
    next.defense_state = Some(DefenseState::Recorded);
    let payload = json!({"content": content});
    Ok(Applied::new(next, payload))
}

/// `review_defense` (复核) of a recorded defence.
pub fn review_defense(case: &Case, input: ReviewDefenseInput, _ctx: &Context<'_>) -> Result<Applied, Refusal> {
    let mut next = case.clone();
    if case.defense_state != Some(DefenseState::Recorded) {
        return Err(rule(
            "no_defense_to_review",
            "there is no recorded defence (陈述申辩) awaiting review",
        ));
    }
    let opinion = required_text("opinion", &input.opinion, 10_000)?;
    next.defense_state = Some(DefenseState::Reviewed);
    let payload = json!({"opinion": opinion, "accepted": input.accepted});
    Ok(Applied::new(next, payload))
}

/// `waive_defense`: the party gives up its defence (and, if it says so, the hearing).
pub fn waive_defense(case: &Case, input: WaiveDefenseInput, _ctx: &Context<'_>) -> Result<Applied, Refusal> {
    let mut next = case.clone();
    if matches!(
        case.defense_state,
        Some(DefenseState::Recorded | DefenseState::Reviewed)
    ) {
        return Err(rule(
            "defense_already_recorded",
            "the party's defence is recorded; it must be reviewed (复核), not waived (APL art. 45)",
        ));
    }
    next.defense_state = Some(DefenseState::Waived);
    let hearing_waived = input.hearing_waived && case.hearing_rights && case.hearing_state.is_none();
    if hearing_waived {
        next.hearing_state = Some(HearingState::Waived);
    }
    let payload = json!({"note": input.note, "hearing_waived": hearing_waived});
    Ok(Applied::new(next, payload))
}

#[cfg(test)]
mod tests {
    use crate::cases::model::testing::*;
    use crate::cases::model::*;

    #[test]
    fn notice_sets_the_defence_period_in_working_days() {
        let investigating = case(CaseKind::Penalty, Some(Procedure::Ordinary), CaseStatus::Investigating);
        // Notified Friday 27 Sep 2024: 5 working days are 29 Sep (make-up Sunday), 30 Sep, 8, 9, 10 Oct.
        let notified = run(
            &investigating,
            notify(PenaltyType::Fine, 100_000, "2024-09-27"),
            "2024-09-27",
        )
        .unwrap()
        .case;
        assert_eq!(notified.defense_due_on, Some(date("2024-10-10")));
        assert_eq!(notified.status, CaseStatus::Notified);
        assert!(!notified.hearing_rights);
        assert_eq!(
            rule_of(decide_as_head(
                &notified,
                PenaltyType::Fine,
                100_000,
                "2024-10-10",
                "2024-10-20"
            )),
            "defense_period_running"
        );
        let decided = decide_as_head(&notified, PenaltyType::Fine, 100_000, "2024-10-11", "2024-10-20").unwrap();
        assert_eq!(
            decided.effect,
            Effect::AllocateDecisionNumber(DecisionDocument::Penalty)
        );
        // Service within 7 working days of the decision; Saturday 12 Oct 2024 was worked.
        assert_eq!(decided.case.service_due_on, Some(date("2024-10-21")));
    }

    #[test]
    fn a_recorded_defence_cannot_be_waived_away() {
        let mut notified = notified_case(PenaltyType::Fine, 100_000, "2024-09-10");
        notified.defense_state = Some(DefenseState::Recorded);
        let waive = Command::WaiveDefense(WaiveDefenseInput {
            note: None,
            hearing_waived: false,
        });
        assert_eq!(rule_of(run(&notified, waive, "2024-09-11")), "defense_already_recorded");
    }

    #[test]
    fn a_renotice_cannot_be_dated_before_the_notice_it_replaces() {
        let notified = notified_case(PenaltyType::Fine, 100_000, "2024-09-10");
        match run(
            &notified,
            notify(PenaltyType::Fine, 200_000, "2024-09-09"),
            "2024-09-20",
        ) {
            Err(Refusal::Invalid(errors)) => assert_eq!(errors[0].field, "notified_on"),
            other => panic!("{other:?}"),
        }
    }
}
