//! The head's approval of a filing (立案审批, APL art. 54): an ordinary penalty case waits
//! for it when the agency's `filing_approval` setting is on.

use crate::cases::model::*;

/// `approve_filing` by a supervisor who is not an officer of the case → `filed`.
pub fn approve_filing(case: &Case, ctx: &Context<'_>) -> Result<Applied, Refusal> {
    approver_off_the_case(ctx, "approve its filing")?;
    let mut next = case.clone();
    next.status = CaseStatus::Filed;
    Ok(Applied::new(next, json!({"approved_on": ctx.today})))
}

/// `refuse_filing` with a reason (不予立案) → `filing_refused`; the number stays taken.
pub fn refuse_filing(case: &Case, input: RefuseFilingInput, ctx: &Context<'_>) -> Result<Applied, Refusal> {
    approver_off_the_case(ctx, "refuse its filing")?;
    let reason = required_text("reason", &input.reason, 2000)?;
    let mut next = case.clone();
    next.terminated_reason = Some(reason.clone());
    next.status = CaseStatus::FilingRefused;
    Ok(Applied::new(next, json!({"refused_on": ctx.today, "reason": reason})))
}
