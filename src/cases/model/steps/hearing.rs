//! The hearing (听证, APL art. 63–65).

use crate::cases::model::*;

/// `request_hearing` within the request period (APL art. 63–64) → `hearing`.
pub fn request_hearing(case: &Case, input: RequestHearingInput, ctx: &Context<'_>) -> Result<Applied, Refusal> {
    let mut next = case.clone();
    let today = ctx.today;
    if !case.hearing_rights {
        return Err(rule(
            "no_hearing_rights",
            "the notified penalties carry no hearing rights (APL art. 63: a large fine or confiscation, lowering a qualification, revoking a licence, restricting or suspending business, closing down, restricting practice)",
        ));
    }
    match case.hearing_state {
        Some(HearingState::Held) => {
            return Err(rule(
                "hearing_already_held",
                "a hearing on this notice was already held",
            ));
        }
        Some(HearingState::Waived) => {
            return Err(rule("hearing_waived", "the party waived the hearing on this notice"));
        }
        _ => {}
    }
    let requested_on = past_date(
        "requested_on",
        input.requested_on.unwrap_or(today),
        today,
        case.notified_on.map(|d| (d, "the notice")),
    )?;
    if let Some(due) = case.hearing_request_due_on
        && requested_on > due
    {
        return Err(rule(
            "hearing_request_late",
            format!(
                "a hearing must be requested within {HEARING_REQUEST_WORKING_DAYS} working days of the notice, by {due} (APL art. 64)"
            ),
        ));
    }
    next.hearing_state = Some(HearingState::Requested);
    next.status = CaseStatus::Hearing;
    let payload = json!({"requested_on": requested_on});
    Ok(Applied::new(next, payload))
}

/// `schedule_hearing`: the party is told 7 working days ahead (APL art. 64, 85).
pub fn schedule_hearing(case: &Case, input: ScheduleHearingInput, ctx: &Context<'_>) -> Result<Applied, Refusal> {
    let mut next = case.clone();
    let today = ctx.today;
    let notified_on = past_date("notified_on", input.notified_on.unwrap_or(today), today, None)?;
    let notified_on = past_date(
        "notified_on",
        notified_on,
        today,
        case.notified_on.map(|d| (d, "the notice")),
    )?;
    let host_id = required_text("host_id", &input.host_id, 64)?;
    if case.officers.iter().any(|o| o.user_id == host_id) {
        return Err(rule(
            "hearing_host_is_case_officer",
            "the hearing is hosted by someone who did not investigate the case (APL art. 64 (4)): name a host who is not an officer of the case",
        ));
    }
    // "At least 7 days before the hearing", in working days (art. 64 (2), 85): the 7th
    // working day after the notice is the earliest hearing day.
    let earliest = working_deadline(ctx, notified_on, HEARING_NOTICE_WORKING_DAYS)?;
    if input.hearing_on < earliest {
        return Err(rule(
            "hearing_notice_too_short",
            format!(
                "the party must be told of the hearing {HEARING_NOTICE_WORKING_DAYS} working days ahead (APL art. 64); notified on {notified_on}, the hearing can be on {earliest} at the earliest"
            ),
        ));
    }
    next.hearing_state = Some(HearingState::Scheduled);
    next.hearing_on = Some(input.hearing_on);
    let payload = json!({"hearing_on": input.hearing_on, "notified_on": notified_on, "host_id": host_id});
    Ok(Applied::new(next, payload))
}

/// `record_hearing`: the hearing held → back to `notified` for the decision.
pub fn record_hearing(case: &Case, input: RecordHearingInput, ctx: &Context<'_>) -> Result<Applied, Refusal> {
    let mut next = case.clone();
    let today = ctx.today;
    if case.hearing_state != Some(HearingState::Scheduled) {
        return Err(rule(
            "hearing_not_scheduled",
            "schedule the hearing before recording it",
        ));
    }
    let held_on = past_date(
        "held_on",
        input.held_on,
        today,
        case.hearing_on.map(|d| (d, "the scheduled date")),
    )?;
    let summary = required_text("summary", &input.summary, 10_000)?;
    next.hearing_state = Some(HearingState::Held);
    next.status = CaseStatus::Notified;
    let payload = json!({"held_on": held_on, "summary": summary});
    Ok(Applied::new(next, payload))
}

/// `hearing_not_attended`: the party stayed away without good reason or left the hearing
/// (APL art. 64 (8)): the hearing is deemed waived and the case goes back to `notified`.
pub fn hearing_not_attended(
    case: &Case,
    input: HearingNotAttendedInput,
    ctx: &Context<'_>,
) -> Result<Applied, Refusal> {
    let mut next = case.clone();
    if case.hearing_state != Some(HearingState::Scheduled) {
        return Err(rule(
            "hearing_not_scheduled",
            "schedule the hearing before recording that the party stayed away",
        ));
    }
    if case.hearing_on.is_some_and(|on| ctx.today < on) {
        return Err(rule(
            "hearing_not_yet_held",
            "the hearing day has not come; the party can be recorded as absent on or after it",
        ));
    }
    next.hearing_state = Some(HearingState::Waived);
    next.status = CaseStatus::Notified;
    Ok(Applied::new(
        next,
        json!({"note": input.note, "hearing_on": case.hearing_on, "deemed_waived": true}),
    ))
}

#[cfg(test)]
mod tests {
    use crate::cases::model::testing::*;
    use crate::cases::model::*;

    #[test]
    fn hearing_rights_hold_the_decision_until_the_request_period_ends_or_a_waiver() {
        // Revocation notified Tuesday 10 Sep 2024: a hearing may be asked for until 18 Sep
        // (5 working days; 16–17 Sep are the Mid-Autumn holiday, 14 Sep is worked).
        let notified = notified_case(PenaltyType::RevokeLicense, 0, "2024-09-10");
        assert!(notified.hearing_rights);
        assert_eq!(notified.hearing_request_due_on, Some(date("2024-09-18")));
        let mut waived_defence = notified.clone();
        waived_defence.defense_state = Some(DefenseState::Waived);
        waived_defence.collective_discussion_on = Some(date("2024-09-11"));
        assert_eq!(
            rule_of(decide_as_head(
                &waived_defence,
                PenaltyType::RevokeLicense,
                0,
                "2024-09-12",
                "2024-09-12"
            )),
            "hearing_request_period_running"
        );
        assert!(
            decide_as_head(
                &waived_defence,
                PenaltyType::RevokeLicense,
                0,
                "2024-09-19",
                "2024-09-19"
            )
            .is_ok()
        );
        let both = run(
            &notified,
            Command::WaiveDefense(WaiveDefenseInput {
                note: None,
                hearing_waived: true,
            }),
            "2024-09-11",
        )
        .unwrap()
        .case;
        assert_eq!(both.hearing_state, Some(HearingState::Waived));
        let mut both = both;
        both.collective_discussion_on = Some(date("2024-09-11"));
        assert!(decide_as_head(&both, PenaltyType::RevokeLicense, 0, "2024-09-12", "2024-09-12").is_ok());
        // A discussion held before the current notice does not count.
        both.collective_discussion_on = Some(date("2024-09-09"));
        assert_eq!(
            rule_of(decide_as_head(
                &both,
                PenaltyType::RevokeLicense,
                0,
                "2024-09-12",
                "2024-09-12"
            )),
            "collective_discussion_required"
        );
    }
}
