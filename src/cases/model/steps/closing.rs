//! Closing, archiving, and the ends other than a decision (移送, 终止, 作废, corrections).

use crate::cases::model::*;

/// `close` (结案): the case file must be complete.
pub fn close(case: &Case, ctx: &Context<'_>) -> Result<Applied, Refusal> {
    let mut next = case.clone();
    let today = ctx.today;
    check_complete(case, ctx)?;
    next.closed_on = Some(today);
    next.status = CaseStatus::Closed;
    let payload = json!({"closed_on": today});
    Ok(Applied::new(next, payload))
}

/// `archive` (归档) of a closed case.
pub fn archive(case: &Case, ctx: &Context<'_>) -> Result<Applied, Refusal> {
    let mut next = case.clone();
    let today = ctx.today;
    next.archived_on = Some(today);
    next.status = CaseStatus::Archived;
    let payload = json!({"archived_on": today});
    Ok(Applied::new(next, payload))
}

/// `request_recusal` (申请回避, APL art. 43): the party's request that an officer of the
/// case step aside, recorded by the officers for a supervisor to decide.
pub fn request_recusal(case: &Case, input: RequestRecusalInput, _ctx: &Context<'_>) -> Result<Applied, Refusal> {
    if let Some(pending) = &case.recusal_requested_for {
        return Err(rule(
            "recusal_pending",
            format!("a recusal request about officer {pending} awaits a supervisor's decision"),
        ));
    }
    if !case
        .officers
        .iter()
        .any(|o| o.user_id == input.officer_id && !o.recused)
    {
        return Err(invalid("officer_id", "is not an officer of this case"));
    }
    let reason = required_text("reason", &input.reason, 2000)?;
    let mut next = case.clone();
    next.recusal_requested_for = Some(input.officer_id.clone());
    Ok(Applied::new(
        next,
        json!({"officer_id": input.officer_id, "reason": reason}),
    ))
}

/// `decide_recusal` by a supervisor who is not an officer of the case: granted, the officer
/// takes no further step and, where fewer than two would remain, is replaced (art. 42–43).
pub fn decide_recusal(case: &Case, input: DecideRecusalInput, ctx: &Context<'_>) -> Result<Applied, Refusal> {
    let Some(officer_id) = case.recusal_requested_for.clone() else {
        return Err(rule("no_recusal_requested", "no recusal request awaits a decision"));
    };
    approver_off_the_case(ctx, "decide a recusal")?;
    let reason = required_text("reason", &input.reason, 2000)?;
    let mut next = case.clone();
    next.recusal_requested_for = None;
    let mut effect = Effect::None;
    if input.granted {
        for officer in next.officers.iter_mut().filter(|o| o.user_id == officer_id) {
            officer.recused = true;
        }
        let remaining = next.officers.iter().filter(|o| !o.recused).count();
        match input.replacement_officer_id.clone() {
            Some(replacement) => {
                if case.officers.iter().any(|o| o.user_id == replacement) {
                    return Err(invalid("replacement_officer_id", "is already on this case"));
                }
                effect = Effect::ReplaceOfficer {
                    recused: officer_id.clone(),
                    replacement,
                };
            }
            None if remaining < 2 => {
                return Err(rule(
                    "replacement_required",
                    "a case is handled by at least two officers (APL art. 42): name replacement_officer_id",
                ));
            }
            None => {}
        }
    }
    let payload = json!({
        "officer_id": officer_id,
        "granted": input.granted,
        "replacement_officer_id": input.replacement_officer_id,
        "reason": reason,
    });
    Ok(Applied {
        case: next,
        payload,
        effect,
    })
}

/// `transfer` (移送) to another department or to judicial organs, approved by a supervisor
/// (DESIGN §4.2); for judicial organs `to_department` names the receiving organ. The store
/// numbers the transfer letter (移送函) in the same transaction.
pub fn transfer(case: &Case, input: TransferInput, ctx: &Context<'_>) -> Result<Applied, Refusal> {
    approver_off_the_case(ctx, "approve its transfer (移送)")?;
    let mut next = case.clone();
    let to_department = required_text("to_department", &input.to_department, 200)?;
    let reason = required_text("reason", &input.reason, 2000)?;
    let kind = crate::transfers::model::transfer_kind(input.kind, input.judicial)
        .map_err(|error| Refusal::Invalid(vec![error]))?;
    next.transferred_to = Some(to_department.clone());
    next.transfer_reason = Some(reason.clone());
    next.status = CaseStatus::Transferred;
    let payload = json!({
        "to_department": to_department,
        "reason": reason,
        "kind": kind,
        "judicial": kind == crate::transfers::model::TransferKind::Judicial,
        "transferred_on": ctx.today,
    });
    Ok(Applied {
        case: next,
        payload,
        effect: Effect::RecordTransfer(TransferLetter {
            kind,
            to_department,
            reason,
        }),
    })
}

/// `terminate` (终止) with a reason.
pub fn terminate(case: &Case, input: TerminateInput, _ctx: &Context<'_>) -> Result<Applied, Refusal> {
    let mut next = case.clone();
    let reason = required_text("reason", &input.reason, 2000)?;
    next.terminated_reason = Some(reason.clone());
    next.status = CaseStatus::Terminated;
    let payload = json!({"reason": reason});
    Ok(Applied::new(next, payload))
}

/// `void`: a case entered by mistake keeps its number (DESIGN §4.4).
pub fn void(case: &Case, input: VoidInput, _ctx: &Context<'_>) -> Result<Applied, Refusal> {
    let mut next = case.clone();
    let reason = required_text("reason", &input.reason, 2000)?;
    next.status = CaseStatus::Voided;
    let payload = json!({"reason": reason});
    Ok(Applied::new(next, payload))
}

/// `correct`: a supervisor's correction of a closed case, recorded as an event.
pub fn correct(case: &Case, input: CorrectInput, _ctx: &Context<'_>) -> Result<Applied, Refusal> {
    let note = required_text("note", &input.note, 10_000)?;
    Ok(Applied::new(case.clone(), json!({"note": note, "field": input.field})))
}

/// 结案: the case file must be complete.
pub(crate) fn check_complete(case: &Case, ctx: &Context<'_>) -> Result<(), Refusal> {
    let incomplete = |what: &str| rule("incomplete_case_file", format!("the case cannot be closed: {what}"));
    match case.kind {
        CaseKind::Inspection => {
            if case.inspection_result.is_none() {
                return Err(rule(
                    "findings_required",
                    "record the inspection's findings before closing",
                ));
            }
            let open = case.findings.iter().filter(|f| f.is_open_hazard()).count();
            if open > 0 {
                return Err(rule(
                    "unrectified_hazards",
                    format!(
                        "{open} hazard(s) are not verified as rectified; order and verify rectification, or escalate"
                    ),
                ));
            }
        }
        CaseKind::Penalty => {
            let Some(outcome) = case.outcome else {
                return Err(incomplete("no decision is recorded"));
            };
            // A revoked or void decision is not served or enforced any further.
            let stands = case.revocation.is_none();
            if stands && outcome != Outcome::TransferJudicial && case.served_on.is_none() {
                return Err(incomplete("the decision has not been served (送达)"));
            }
            if stands
                && case.fine_amount_fen().unwrap_or(0) > 0
                && case.executed_on.is_none()
                && case.court_enforcement_applied_on.is_none()
            {
                return Err(incomplete(
                    "the fine has not been paid in full (执行), nor court enforcement applied for",
                ));
            }
        }
    }
    if case.powers.iter().any(|p| p.requires_av_record) && ctx.av_evidence_count == 0 {
        return Err(rule(
            "av_record_required",
            "a cited power requires an audio-video record (音像记录); attach audio or video evidence before closing",
        ));
    }
    Ok(())
}
