//! Service and payment (送达, 执行: APL art. 61, 66–72).

use crate::cases::model::*;

/// `record_service_consent`: the party agreed to electronic service (APL art. 61 ¶2).
pub fn record_service_consent(
    case: &Case,
    input: RecordServiceConsentInput,
    ctx: &Context<'_>,
) -> Result<Applied, Refusal> {
    let mut next = case.clone();
    let address = required_text("address", &input.address, 500)?;
    let consented_on = past_date(
        "consented_on",
        input.consented_on.unwrap_or(ctx.today),
        ctx.today,
        Some((case.opened_on, "the filing date")),
    )?;
    next.electronic_service_consent_on = Some(consented_on);
    Ok(Applied::new(
        next,
        json!({"address": address, "consented_on": consented_on}),
    ))
}

/// `serve` (送达, APL art. 61): electronic service only with the party's consent; service
/// by public notice takes effect 30 days after publication. Starts the 15-day payment
/// period (art. 67).
pub fn serve(case: &Case, input: ServeInput, ctx: &Context<'_>) -> Result<Applied, Refusal> {
    let mut next = case.clone();
    let today = ctx.today;
    let served_on = past_date(
        "served_on",
        input.served_on,
        today,
        case.decided_on.map(|d| (d, "the decision")),
    )?;
    if input.method == ServiceMethod::Electronic
        && case
            .electronic_service_consent_on
            .is_none_or(|consented| consented > served_on)
    {
        return Err(rule(
            "electronic_service_consent_required",
            "electronic service needs the party's prior consent (APL art. 61 ¶2): record_service_consent first",
        ));
    }
    let effective_on = match input.method {
        ServiceMethod::Notice => add_calendar_days(served_on, NOTICE_SERVICE_DAYS),
        _ => served_on,
    };
    next.served_on = Some(effective_on);
    next.service_method = Some(input.method);
    let fine = case.fine_amount_fen().unwrap_or(0);
    next.payment_due_on = match fine > 0 {
        true => Some(payment_due_on(ctx, effective_on)?),
        false => None,
    };
    next.status = CaseStatus::Served;
    let late = case.service_due_on.is_some_and(|due| served_on > due);
    let payload = json!({
        "method": input.method,
        "served_on": served_on,
        "effective_on": effective_on,
        "receipt": input.receipt,
        "payment_due_on": next.payment_due_on,
        "late": late,
    });
    Ok(Applied::new(next, payload))
}

/// `record_payment`: partial payments accumulate; paid in full → `executed` (APL art. 67–72).
/// On the spot (art. 68–70) only for an on-the-spot decision, a fine of ¥100 or less or one
/// that would be hard to collect later, against a 专用票据 receipt; the money is then
/// handed to the agency within 2 working days (art. 71).
pub fn record_payment(case: &Case, input: RecordPaymentInput, ctx: &Context<'_>) -> Result<Applied, Refusal> {
    let mut next = case.clone();
    let today = ctx.today;
    let fine = case.fine_amount_fen().unwrap_or(0);
    if fine == 0 {
        return Err(rule("no_fine_to_pay", "the decision imposes no fine"));
    }
    if input.amount_fen <= 0 {
        return Err(invalid("amount_fen", "must be a positive amount in fen"));
    }
    let paid_on = past_date(
        "paid_on",
        input.paid_on,
        today,
        case.decided_on.map(|d| (d, "the decision")),
    )?;
    let mut receipt_no = None;
    let mut collection_ground = None;
    if input.on_the_spot {
        if case.procedure != Some(Procedure::Simple) {
            return Err(rule(
                "on_the_spot_collection_limit",
                "fines are collected on the spot only for on-the-spot decisions (APL art. 68)",
            ));
        }
        collection_ground = input
            .collection_ground
            .as_deref()
            .map(|ground| required_text("collection_ground", ground, 1000))
            .transpose()?;
        if fine > ON_THE_SPOT_COLLECTION_MAX_FEN && collection_ground.is_none() {
            return Err(rule(
                "on_the_spot_collection_limit",
                format!(
                    "a fine over {} is collected on the spot only when it would be hard to collect later (APL art. 68 (2)): state the ground in collection_ground",
                    yuan(ON_THE_SPOT_COLLECTION_MAX_FEN)
                ),
            ));
        }
        let Some(number) = input.receipt_no.as_deref().map(str::trim).filter(|n| !n.is_empty()) else {
            return Err(rule(
                "receipt_required",
                "money collected on the spot is receipted on the 专用票据 of the provincial finance department (APL art. 70): give receipt_no",
            ));
        };
        receipt_no = Some(required_text("receipt_no", number, 64)?);
        let due = working_deadline(ctx, paid_on, HANDOVER_WORKING_DAYS)?;
        // Money not yet handed over keeps the earliest due date; after a hand-over a new
        // collection starts a new one.
        next.handover_due_on = match (case.handover_due_on, case.handed_over_on) {
            (Some(earlier), None) => Some(earlier.min(due)),
            _ => Some(due),
        };
        next.handed_over_on = None;
    }
    let remaining = fine - case.paid_fen;
    if input.amount_fen > remaining {
        return Err(rule(
            "overpayment",
            format!("{} exceeds the {} still owed", yuan(input.amount_fen), yuan(remaining)),
        ));
    }
    next.paid_fen = case.paid_fen + input.amount_fen;
    if next.paid_fen >= fine {
        next.executed_on = Some(paid_on);
        next.status = CaseStatus::Executed;
    }
    let late_penalty = case.late_payment_penalty_fen(paid_on);
    let payload = json!({
        "amount_fen": input.amount_fen,
        "paid_on": paid_on,
        "on_the_spot": input.on_the_spot,
        "receipt_no": receipt_no,
        "collection_ground": collection_ground,
        "handover_due_on": next.handover_due_on,
        "paid_total_fen": next.paid_fen,
        "remaining_fen": fine - next.paid_fen,
        "late_payment_penalty_fen": late_penalty,
    });
    Ok(Applied::new(next, payload))
}

/// `record_handover`: money collected on the spot handed to the agency (APL art. 71).
pub fn record_handover(case: &Case, input: RecordHandoverInput, ctx: &Context<'_>) -> Result<Applied, Refusal> {
    let Some(due) = case.handover_due_on else {
        return Err(rule(
            "nothing_to_hand_over",
            "no money was collected on the spot in this case",
        ));
    };
    if case.handed_over_on.is_some() {
        return Err(rule("already_handed_over", "the hand-over is already recorded"));
    }
    let mut next = case.clone();
    let handed_over_on = past_date(
        "handed_over_on",
        input.handed_over_on,
        ctx.today,
        case.decided_on.map(|d| (d, "the decision")),
    )?;
    next.handed_over_on = Some(handed_over_on);
    let late = handed_over_on > due;
    Ok(Applied::new(
        next,
        json!({"handed_over_on": handed_over_on, "due_on": due, "late": late, "note": input.note}),
    ))
}

/// `record_remedy`: a reconsideration or lawsuit filed or decided; the late-payment
/// penalty does not run while it is pending (APL art. 73 ¶3).
pub fn record_remedy(case: &Case, input: RecordRemedyInput, ctx: &Context<'_>) -> Result<Applied, Refusal> {
    let mut next = case.clone();
    let on = past_date("on", input.on, ctx.today, case.decided_on.map(|d| (d, "the decision")))?;
    match (input.event, case.remedy_pending_since) {
        (RemedyEvent::Filed, Some(since)) => {
            return Err(rule(
                "remedy_already_pending",
                format!("a reconsideration or lawsuit is pending since {since}; record its decision first"),
            ));
        }
        (RemedyEvent::Filed, None) => next.remedy_pending_since = Some(on),
        (RemedyEvent::Decided, None) => {
            return Err(rule("no_remedy_pending", "no reconsideration or lawsuit is pending"));
        }
        (RemedyEvent::Decided, Some(since)) => {
            if on < since {
                return Err(invalid("on", format!("may not be before the filing ({since})")));
            }
            if let Some(due) = case.payment_due_on {
                next.late_penalty_paused_days += (on - since.max(due)).num_days().max(0);
            }
            next.remedy_pending_since = None;
        }
    }
    let result = input
        .result
        .as_deref()
        .map(|r| required_text("result", r, 2000))
        .transpose()?;
    Ok(Applied::new(
        next,
        json!({"kind": input.kind, "event": input.event, "on": on, "result": result}),
    ))
}

/// `revoke_decision`: the penalty decision was revoked (撤销) or found void (确认无效) — by
/// the agency correcting its own error (APL art. 75 ¶1), a reconsideration decision
/// (行政复议法 art. 64, 67) or a judgment (行政诉讼法 art. 70, 75). Its penalties no longer
/// stand: nothing more is owed, no late penalty runs, the fine leaves the statistics, and
/// its disclosure must be withdrawn (APL art. 48 ¶2). The case keeps its status and record.
pub fn revoke_decision(case: &Case, input: RevokeDecisionInput, ctx: &Context<'_>) -> Result<Applied, Refusal> {
    if case.outcome != Some(Outcome::Penalty) {
        return Err(rule(
            "no_penalty_decision",
            "only a decision imposing penalties can be revoked or found void",
        ));
    }
    if let Some(previous) = &case.revocation {
        return Err(rule(
            "decision_already_revoked",
            format!("the decision was already {} on {}", previous.kind, previous.on),
        ));
    }
    let on = past_date("on", input.on, ctx.today, case.decided_on.map(|d| (d, "the decision")))?;
    let reason = required_text("reason", &input.reason, 2000)?;
    let document_no = input
        .document_no
        .as_deref()
        .filter(|n| !n.trim().is_empty())
        .map(|n| required_text("document_no", n, 100))
        .transpose()?;
    let revocation = Revocation {
        kind: input.kind,
        authority: input.authority,
        on,
        document_no,
        reason,
    };
    let mut next = case.clone();
    next.revocation = Some(revocation.clone());
    let payload = json!({
        "kind": revocation.kind,
        "authority": revocation.authority,
        "on": revocation.on,
        "document_no": revocation.document_no,
        "reason": revocation.reason,
        "fine_fen": case.fine_amount_fen(),
        "paid_fen": case.paid_fen,
    });
    Ok(Applied::new(next, payload))
}

/// `approve_payment_plan`: deferral or instalments approved by a supervisor off the case
/// (APL art. 66 ¶2); sets the new last day to pay.
pub fn approve_payment_plan(
    case: &Case,
    input: ApprovePaymentPlanInput,
    ctx: &Context<'_>,
) -> Result<Applied, Refusal> {
    approver_off_the_case(ctx, "approve a deferral or instalments")?;
    let fine = case.fine_amount_fen().unwrap_or(0);
    let owed = fine - case.paid_fen;
    if owed <= 0 {
        return Err(rule("no_fine_to_pay", "nothing is owed"));
    }
    let reason = required_text("reason", &input.reason, 2000)?;
    if input.payment_due_on <= ctx.today {
        return Err(invalid("payment_due_on", "must be after today"));
    }
    if !input.instalments.is_empty() {
        let total: i64 = input.instalments.iter().map(|i| i.amount_fen).sum();
        let ordered = input.instalments.windows(2).all(|w| w[0].due_on < w[1].due_on);
        let last = input.instalments.last().map(|i| i.due_on);
        let first_after_today = input.instalments.first().is_some_and(|i| i.due_on > ctx.today);
        if input.instalments.iter().any(|i| i.amount_fen <= 0)
            || total != owed
            || !ordered
            || !first_after_today
            || last != Some(input.payment_due_on)
        {
            return Err(invalid(
                "instalments",
                format!(
                    "instalments fall due after today, in date order, with positive amounts adding up to the {} owed, the last on payment_due_on",
                    yuan(owed)
                ),
            ));
        }
    }
    let mut next = case.clone();
    let previous = case.payment_due_on;
    next.payment_due_on = Some(input.payment_due_on);
    Ok(Applied::new(
        next,
        json!({"previous_due_on": previous, "payment_due_on": input.payment_due_on, "instalments": input.instalments, "reason": reason}),
    ))
}

/// `apply_court_enforcement` (申请人民法院强制执行, APL art. 72 (3)): an unpaid fine past
/// its due date; the case may then close unpaid.
pub fn apply_court_enforcement(
    case: &Case,
    input: ApplyCourtEnforcementInput,
    ctx: &Context<'_>,
) -> Result<Applied, Refusal> {
    let owed = case.fine_amount_fen().unwrap_or(0) - case.paid_fen;
    if owed <= 0 {
        return Err(rule("no_fine_to_pay", "nothing is owed"));
    }
    let applied_on = past_date(
        "applied_on",
        input.applied_on,
        ctx.today,
        case.served_on.map(|d| (d, "the service")),
    )?;
    if case.payment_due_on.is_none_or(|due| applied_on <= due) {
        return Err(rule(
            "payment_not_yet_due",
            "the court is asked to enforce only a fine not paid by its due date (APL art. 72)",
        ));
    }
    if case.remedy_pending_since.is_some() {
        return Err(rule(
            "remedy_pending",
            "a reconsideration or lawsuit is pending; enforcement waits for its decision",
        ));
    }
    let court = required_text("court", &input.court, 200)?;
    let outcome = input
        .outcome
        .as_deref()
        .map(|o| required_text("outcome", o, 2000))
        .transpose()?;
    let mut next = case.clone();
    next.court_enforcement_applied_on = Some(applied_on);
    Ok(Applied::new(
        next,
        json!({"applied_on": applied_on, "court": court, "outcome": outcome, "owed_fen": owed, "late_payment_penalty_fen": case.late_payment_penalty_fen(applied_on)}),
    ))
}

#[cfg(test)]
mod tests {
    use crate::cases::model::testing::*;
    use crate::cases::model::*;

    fn pay_on_the_spot(amount: i64, receipt: Option<&str>, ground: Option<&str>) -> Command {
        Command::RecordPayment(RecordPaymentInput {
            amount_fen: amount,
            paid_on: date("2024-09-27"),
            on_the_spot: true,
            receipt_no: receipt.map(String::from),
            collection_ground: ground.map(String::from),
        })
    }

    fn decided_on_the_spot(fine: i64) -> Case {
        let mut decided = case(CaseKind::Penalty, Some(Procedure::Simple), CaseStatus::Decided);
        decided.outcome = Some(Outcome::Penalty);
        decided.penalties = penalty(PenaltyType::Fine, fine);
        decided.decided_on = Some(date("2024-09-27"));
        decided
    }

    #[test]
    fn on_the_spot_collection_belongs_to_the_simple_procedure() {
        let mut served = decided_on_the_spot(5000);
        served.procedure = Some(Procedure::Ordinary);
        served.status = CaseStatus::Served;
        assert_eq!(
            rule_of(run(&served, pay_on_the_spot(5000, Some("No.1"), None), "2024-09-27")),
            "on_the_spot_collection_limit"
        );
    }

    #[test]
    fn on_the_spot_collection_needs_a_receipt_and_above_100_a_ground() {
        let small = decided_on_the_spot(10_000);
        assert_eq!(
            rule_of(run(&small, pay_on_the_spot(10_000, None, None), "2024-09-27")),
            "receipt_required"
        );
        let paid = run(
            &small,
            pay_on_the_spot(10_000, Some("津财罚No.0001"), None),
            "2024-09-27",
        )
        .unwrap()
        .case;
        // Collected Friday 27 Sep 2024: two working days are Sunday 29 (worked) and Monday 30.
        assert_eq!(paid.handover_due_on, Some(date("2024-09-30")));
        let large = decided_on_the_spot(10_001);
        assert_eq!(
            rule_of(run(&large, pay_on_the_spot(10_001, Some("No.2"), None), "2024-09-27")),
            "on_the_spot_collection_limit"
        );
        assert!(
            run(
                &large,
                pay_on_the_spot(10_001, Some("No.2"), Some("当事人系外地流动摊贩，事后难以执行")),
                "2024-09-27"
            )
            .is_ok()
        );
        // The hand-over: late after the second working day, and listed as overdue until done.
        assert_eq!(overdue_deadlines(&paid, date("2024-10-01")), vec!["handover_due_on"]);
        let handover = |on: &str| {
            Command::RecordHandover(RecordHandoverInput {
                handed_over_on: date(on),
                note: None,
            })
        };
        let late = run(&paid, handover("2024-10-08"), "2024-10-08").unwrap();
        assert_eq!(late.payload["late"], serde_json::json!(true));
        assert!(overdue_deadlines(&late.case, date("2024-10-09")).is_empty());
        assert_eq!(
            rule_of(run(&late.case, handover("2024-10-08"), "2024-10-08")),
            "already_handed_over"
        );
    }

    #[test]
    fn payment_is_due_fifteen_days_after_service_or_the_next_working_day() {
        let mut decided = decided_on_the_spot(100_000);
        decided.procedure = Some(Procedure::Ordinary);
        decided.decided_on = Some(date("2024-09-02"));
        let serve = |method: ServiceMethod, on: &str| {
            Command::Serve(ServeInput {
                method,
                served_on: date(on),
                receipt: None,
            })
        };
        // 16 Sep + 15 days = 1 Oct 2024, a holiday (1–7 Oct): due Tuesday 8 Oct.
        let served = run(&decided, serve(ServiceMethod::InPerson, "2024-09-16"), "2024-09-16")
            .unwrap()
            .case;
        assert_eq!(served.payment_due_on, Some(date("2024-10-08")));
        // Electronic service needs the party's consent first.
        assert_eq!(
            rule_of(run(
                &decided,
                serve(ServiceMethod::Electronic, "2024-09-16"),
                "2024-09-16"
            )),
            "electronic_service_consent_required"
        );
        let mut consented = decided.clone();
        consented.electronic_service_consent_on = Some(date("2024-09-10"));
        assert!(run(&consented, serve(ServiceMethod::Electronic, "2024-09-16"), "2024-09-16").is_ok());
        // A public notice takes effect 30 days after publication; payment 15 days after that.
        let noticed = run(&decided, serve(ServiceMethod::Notice, "2024-09-02"), "2024-09-02")
            .unwrap()
            .case;
        assert_eq!(noticed.served_on, Some(date("2024-10-02")));
        assert_eq!(noticed.payment_due_on, Some(date("2024-10-17")));
    }

    #[test]
    fn a_revoked_decision_owes_nothing_and_closes_without_service_or_payment() {
        let mut served = decided_on_the_spot(100_000);
        served.procedure = Some(Procedure::Ordinary);
        served.status = CaseStatus::Served;
        served.served_on = Some(date("2024-09-27"));
        served.payment_due_on = Some(date("2024-10-14"));
        let revoke = |on: &str| {
            Command::RevokeDecision(RevokeDecisionInput {
                kind: RevocationKind::Revoked,
                authority: RevocationAuthority::Reconsideration,
                on: date(on),
                document_no: Some("区政府行复决字〔2024〕第12号".into()),
                reason: "认定事实不清".into(),
            })
        };
        // Recorded by a supervisor, not by the officers.
        assert!(matches!(
            run(&served, revoke("2024-10-20"), "2024-10-20"),
            Err(Refusal::NotAllowed { .. })
        ));
        assert!(matches!(
            run_as(&served, revoke("2024-09-26"), "2024-10-20", HEAD),
            Err(Refusal::Invalid(_))
        ));
        assert!(matches!(
            run_as(&served, revoke("2024-10-21"), "2024-10-20", HEAD),
            Err(Refusal::Invalid(_))
        ));
        assert!(served.late_payment_penalty_fen(date("2024-10-20")) > 0);
        let applied = run_as(&served, revoke("2024-10-20"), "2024-10-20", HEAD).unwrap();
        assert_eq!(applied.payload["fine_fen"], json!(100_000));
        let revoked = applied.case;
        assert!(!revoked.penalty_stands());
        assert_eq!(revoked.late_payment_penalty_fen(date("2024-12-20")), 0);
        assert!(overdue_deadlines(&revoked, date("2024-12-20")).is_empty());
        assert_eq!(
            rule_of(run_as(&revoked, revoke("2024-10-21"), "2024-10-21", HEAD)),
            "decision_already_revoked"
        );
        assert_eq!(
            rule_of(run(&revoked, pay_on_the_spot(100_000, None, None), "2024-10-21")),
            "decision_revoked"
        );
        let closed = run(&revoked, Command::Close(NoInput {}), "2024-10-21").unwrap().case;
        assert_eq!(closed.status, CaseStatus::Closed);
        // A no-penalty decision has nothing to revoke.
        let mut no_penalty = served.clone();
        no_penalty.outcome = Some(Outcome::NoPenaltyUnfounded);
        assert_eq!(
            rule_of(run_as(&no_penalty, revoke("2024-10-20"), "2024-10-20", HEAD)),
            "no_penalty_decision"
        );
    }

    #[test]
    fn a_pending_remedy_pauses_the_late_penalty_and_court_enforcement_lets_an_unpaid_case_close() {
        let mut served = decided_on_the_spot(100_000);
        served.procedure = Some(Procedure::Ordinary);
        served.decided_on = Some(date("2024-09-02"));
        served.status = CaseStatus::Served;
        served.served_on = Some(date("2024-09-02"));
        served.payment_due_on = Some(date("2024-09-17"));
        assert_eq!(served.late_payment_penalty_fen(date("2024-09-27")), 30_000);
        let remedy = |event: RemedyEvent, on: &str| {
            Command::RecordRemedy(RecordRemedyInput {
                kind: RemedyKind::Reconsideration,
                event,
                on: date(on),
                result: None,
            })
        };
        let pending = run(&served, remedy(RemedyEvent::Filed, "2024-09-20"), "2024-09-20")
            .unwrap()
            .case;
        // Three days ran before the filing; none while it is pending.
        assert_eq!(pending.late_payment_penalty_fen(date("2024-10-20")), 9_000);
        assert_eq!(
            rule_of(run(&pending, remedy(RemedyEvent::Filed, "2024-09-21"), "2024-09-21")),
            "remedy_already_pending"
        );
        let decided = run(&pending, remedy(RemedyEvent::Decided, "2024-10-20"), "2024-10-20")
            .unwrap()
            .case;
        assert_eq!(decided.late_payment_penalty_fen(date("2024-10-22")), 15_000);
        let enforce = |on: &str| {
            Command::ApplyCourtEnforcement(ApplyCourtEnforcementInput {
                applied_on: date(on),
                court: "某区人民法院".into(),
                outcome: None,
            })
        };
        assert_eq!(
            rule_of(run(&served, enforce("2024-09-17"), "2024-09-17")),
            "payment_not_yet_due"
        );
        assert_eq!(
            rule_of(run(&pending, enforce("2024-09-25"), "2024-09-25")),
            "remedy_pending"
        );
        assert_eq!(
            rule_of(run(&served, Command::Close(NoInput {}), "2024-12-01")),
            "incomplete_case_file"
        );
        let applied = run(&decided, enforce("2024-12-01"), "2024-12-01").unwrap().case;
        assert!(run(&applied, Command::Close(NoInput {}), "2024-12-01").is_ok());
    }
}
