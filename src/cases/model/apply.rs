//! `apply`: checks the step against the table and the caller, then hands it to its step.

use super::*;

/// Applies one step to a case, or refuses it.
pub fn apply(case: &Case, command: Command, ctx: &Context<'_>) -> Result<Applied, Refusal> {
    let action = command.action();
    check_allowed(case, action, ctx)?;
    check_not_revoked(case, action)?;
    dispatch(case, command, ctx)
}

/// The table allows the step in the case's state, and to this caller (409 otherwise).
fn check_allowed(case: &Case, action: Action, ctx: &Context<'_>) -> Result<(), Refusal> {
    let rows: Vec<&Transition> = rows_for(case, action).collect();
    if rows.is_empty() {
        return Err(Refusal::NotAllowed {
            detail: format!(
                "{} is not possible while the case is {}",
                action.as_str(),
                case.status.as_str()
            ),
            allowed: allowed_actions(case, ctx.relation),
        });
    }
    if !rows.iter().any(|t| ctx.relation.may(t.actor)) {
        let who = match rows[0].actor {
            Actor::CaseOfficer => "the case's own officers",
            Actor::Supervisor => "a supervisor",
            Actor::Counsel => "legal counsel who is not an officer of the case",
        };
        return Err(Refusal::NotAllowed {
            detail: format!("only {who} may {} this case", action.as_str()),
            allowed: allowed_actions(case, ctx.relation),
        });
    }
    Ok(())
}

/// A revoked or void decision is no longer served, paid or enforced (APL art. 75).
fn check_not_revoked(case: &Case, action: Action) -> Result<(), Refusal> {
    if let Some(revocation) = &case.revocation
        && matches!(
            action,
            Action::Serve | Action::RecordPayment | Action::ApprovePaymentPlan | Action::ApplyCourtEnforcement
        )
    {
        return Err(rule(
            "decision_revoked",
            format!(
                "the decision was {} on {}: it is no longer served, paid or enforced",
                revocation.kind, revocation.on
            ),
        ));
    }
    Ok(())
}

/// Hands the step to its phase's function.
fn dispatch(case: &Case, command: Command, ctx: &Context<'_>) -> Result<Applied, Refusal> {
    match command {
        Command::Start(input) => steps::inspection::start(case, input, ctx),
        Command::ApproveInspection(input) => steps::inspection::approve_inspection(case, input, ctx),
        Command::NotifyResults(input) => steps::inspection::notify_results(case, input, ctx),
        Command::RecordFindings(input) => steps::inspection::record_findings(case, input, ctx),
        Command::OrderRectification(input) => steps::inspection::order_rectification(case, input, ctx),
        Command::VerifyRectification(input) => steps::inspection::verify_rectification(case, input, ctx),
        Command::Escalate(input) => steps::inspection::escalate(case, input, ctx),
        Command::ApproveFiling(_) => steps::filing::approve_filing(case, ctx),
        Command::RefuseFiling(input) => steps::filing::refuse_filing(case, input, ctx),
        Command::RecordInvestigation(input) => steps::notice::record_investigation(case, input, ctx),
        Command::Notify(input) => steps::notice::notify(case, input, ctx),
        Command::RecordDefense(input) => steps::notice::record_defense(case, input, ctx),
        Command::ReviewDefense(input) => steps::notice::review_defense(case, input, ctx),
        Command::WaiveDefense(input) => steps::notice::waive_defense(case, input, ctx),
        Command::RequestHearing(input) => steps::hearing::request_hearing(case, input, ctx),
        Command::ScheduleHearing(input) => steps::hearing::schedule_hearing(case, input, ctx),
        Command::RecordHearing(input) => steps::hearing::record_hearing(case, input, ctx),
        Command::HearingNotAttended(input) => steps::hearing::hearing_not_attended(case, input, ctx),
        Command::RecordEducation(input) => steps::proposal::record_education(case, input, ctx),
        Command::ProposeDecision(input) => steps::proposal::propose_decision(case, input, ctx),
        Command::SubmitLegalReview(input) => steps::review::submit_legal_review(case, input, ctx),
        Command::RecordLegalOpinion(input) => steps::review::record_legal_opinion(case, input, ctx),
        Command::RecordCollectiveDiscussion(input) => steps::decision::record_collective_discussion(case, input, ctx),
        Command::ExtendDecisionDeadline(input) => steps::decision::extend_decision_deadline(case, input, ctx),
        Command::Decide(input) => steps::decision::decide(case, input, ctx),
        Command::AcknowledgeFiling(_) => steps::decision::acknowledge_filing(case, ctx),
        Command::RecordServiceConsent(input) => steps::execution::record_service_consent(case, input, ctx),
        Command::Serve(input) => steps::execution::serve(case, input, ctx),
        Command::RecordPayment(input) => steps::execution::record_payment(case, input, ctx),
        Command::RecordHandover(input) => steps::execution::record_handover(case, input, ctx),
        Command::RecordRemedy(input) => steps::execution::record_remedy(case, input, ctx),
        Command::RevokeDecision(input) => steps::execution::revoke_decision(case, input, ctx),
        Command::ApprovePaymentPlan(input) => steps::execution::approve_payment_plan(case, input, ctx),
        Command::ApplyCourtEnforcement(input) => steps::execution::apply_court_enforcement(case, input, ctx),
        Command::Close(_) => steps::closing::close(case, ctx),
        Command::Archive(_) => steps::closing::archive(case, ctx),
        Command::RequestRecusal(input) => steps::closing::request_recusal(case, input, ctx),
        Command::DecideRecusal(input) => steps::closing::decide_recusal(case, input, ctx),
        Command::Transfer(input) => steps::closing::transfer(case, input, ctx),
        Command::Terminate(input) => steps::closing::terminate(case, input, ctx),
        Command::Void(input) => steps::closing::void(case, input, ctx),
        Command::Correct(input) => steps::closing::correct(case, input, ctx),
    }
}
