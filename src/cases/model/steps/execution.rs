//! Service and payment (送达, 执行: APL art. 61, 66–72).

use crate::cases::model::*;

/// `serve` (送达, APL art. 61): starts the 15-day payment period (art. 67).
pub fn serve(case: &Case, input: ServeInput, ctx: &Context<'_>) -> Result<Applied, Refusal> {
    let mut next = case.clone();
    let today = ctx.today;
    let served_on = past_date(
        "served_on",
        input.served_on,
        today,
        case.decided_on.map(|d| (d, "the decision")),
    )?;
    next.served_on = Some(served_on);
    next.service_method = Some(input.method);
    let fine = case.fine_amount_fen().unwrap_or(0);
    next.payment_due_on = match fine > 0 {
        true => Some(payment_due_on(ctx, served_on)?),
        false => None,
    };
    next.status = CaseStatus::Served;
    let late = case.service_due_on.is_some_and(|due| served_on > due);
    let payload = json!({"method": input.method, "served_on": served_on, "receipt": input.receipt, "payment_due_on": next.payment_due_on, "late": late});
    Ok(Applied::new(next, payload))
}

/// `record_payment`: partial payments accumulate; paid in full → `executed` (APL art. 67–72).
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
    if input.on_the_spot && case.procedure != Some(Procedure::Simple) {
        return Err(rule(
            "on_the_spot_collection_limit",
            "fines are collected on the spot only for on-the-spot decisions (APL art. 68)",
        ));
    }
    if input.on_the_spot && fine > ON_THE_SPOT_COLLECTION_MAX_FEN {
        return Err(rule(
            "on_the_spot_collection_limit",
            format!(
                "fines over {} cannot be collected on the spot (APL art. 68)",
                yuan(ON_THE_SPOT_COLLECTION_MAX_FEN)
            ),
        ));
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
    let late_penalty = late_payment_penalty_fen(fine, case.payment_due_on, paid_on);
    let payload = json!({
        "amount_fen": input.amount_fen,
        "paid_on": paid_on,
        "on_the_spot": input.on_the_spot,
        "paid_total_fen": next.paid_fen,
        "remaining_fen": fine - next.paid_fen,
        "late_payment_penalty_fen": late_penalty,
    });
    Ok(Applied::new(next, payload))
}

#[cfg(test)]
mod tests {
    use crate::cases::model::testing::*;
    use crate::cases::model::*;

    #[test]
    fn on_the_spot_collection_belongs_to_the_simple_procedure() {
        let mut served = case(CaseKind::Penalty, Some(Procedure::Ordinary), CaseStatus::Served);
        served.outcome = Some(Outcome::Penalty);
        served.penalties = penalty(PenaltyType::Fine, 5000);
        served.decided_on = Some(date("2024-09-03"));
        let pay = Command::RecordPayment(RecordPaymentInput {
            amount_fen: 5000,
            paid_on: date("2024-09-04"),
            on_the_spot: true,
        });
        assert_eq!(rule_of(run(&served, pay, "2024-09-04")), "on_the_spot_collection_limit");
    }
}
