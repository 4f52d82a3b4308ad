//! The state machine of every case, in one table: which step, on which track, from which
//! states, by whom. Rules that can still refuse a step live with the step (`steps/`).

use super::*;

string_enum!(
    /// Every step a case can take (`POST /cases/{id}/transitions {"action": …}`).
    Action {
        Start => "start",
        ApproveInspection => "approve_inspection",
        NotifyResults => "notify_results",
        RecordFindings => "record_findings",
        OrderRectification => "order_rectification",
        VerifyRectification => "verify_rectification",
        Escalate => "escalate",
        ApproveFiling => "approve_filing",
        RefuseFiling => "refuse_filing",
        RecordInvestigation => "record_investigation",
        Notify => "notify",
        RecordDefense => "record_defense",
        ReviewDefense => "review_defense",
        WaiveDefense => "waive_defense",
        RequestHearing => "request_hearing",
        ScheduleHearing => "schedule_hearing",
        RecordHearing => "record_hearing",
        HearingNotAttended => "hearing_not_attended",
        RecordEducation => "record_education",
        ProposeDecision => "propose_decision",
        SubmitLegalReview => "submit_legal_review",
        RecordLegalOpinion => "record_legal_opinion",
        RecordCollectiveDiscussion => "record_collective_discussion",
        ExtendDecisionDeadline => "extend_decision_deadline",
        Decide => "decide",
        AcknowledgeFiling => "acknowledge_filing",
        RecordServiceConsent => "record_service_consent",
        Serve => "serve",
        RecordPayment => "record_payment",
        RecordHandover => "record_handover",
        RecordRemedy => "record_remedy",
        RevokeDecision => "revoke_decision",
        ApprovePaymentPlan => "approve_payment_plan",
        ApplyCourtEnforcement => "apply_court_enforcement",
        Close => "close",
        Archive => "archive",
        RequestRecusal => "request_recusal",
        DecideRecusal => "decide_recusal",
        Transfer => "transfer",
        Terminate => "terminate",
        Void => "void",
        Correct => "correct",
    }
);

/// Who may take a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// One of the case's own officers (承办人).
    CaseOfficer,
    /// A supervisor of the agency (负责人 / 法制机构): approvals and corrections.
    Supervisor,
    /// Legal counsel with a legal qualification, not an officer of the case (法制审核).
    Counsel,
}

/// Which cases a row of the table applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Track {
    Inspection,
    Ordinary,
    Simple,
    /// Both penalty procedures.
    Penalty,
    Any,
}

impl Track {
    pub(crate) fn covers(self, kind: CaseKind, procedure: Option<Procedure>) -> bool {
        match self {
            Track::Any => true,
            Track::Inspection => kind == CaseKind::Inspection,
            Track::Penalty => kind == CaseKind::Penalty,
            Track::Ordinary => kind == CaseKind::Penalty && procedure != Some(Procedure::Simple),
            Track::Simple => kind == CaseKind::Penalty && procedure == Some(Procedure::Simple),
        }
    }
}

/// One row of the state machine: on this track, from these states, this action by this
/// actor. Where the next state depends on the input, `apply` decides it.
pub struct Transition {
    pub track: Track,
    pub from: &'static [CaseStatus],
    pub action: Action,
    pub actor: Actor,
}

use CaseStatus as S;

/// One row, on one line.
const fn row(track: Track, from: &'static [CaseStatus], action: Action, actor: Actor) -> Transition {
    Transition {
        track,
        from,
        action,
        actor,
    }
}

use Action as A;
use Actor::{CaseOfficer as Officer, Counsel, Supervisor};

/// The state machine of every case, in one place.
#[rustfmt::skip]
pub const TRANSITIONS: &[Transition] = &[
    // 行政检查 (§4.1)
    row(Track::Inspection, &[S::Registered], A::Start, Officer),
    // An inspection citing items (国办发〔2024〕54号 五): the head approves before the start,
    // or within days after an emergency start.
    row(Track::Inspection, &[S::Registered, S::InProgress, S::Rectifying], A::ApproveInspection, Supervisor),
    row(Track::Inspection, &[S::InProgress, S::Rectifying, S::Closed], A::NotifyResults, Officer),
    row(Track::Inspection, &[S::InProgress], A::RecordFindings, Officer),
    row(Track::Inspection, &[S::InProgress], A::OrderRectification, Officer),
    row(Track::Inspection, &[S::Rectifying], A::VerifyRectification, Officer),
    row(Track::Inspection, &[S::InProgress, S::Rectifying], A::Escalate, Officer),
    row(Track::Inspection, &[S::InProgress], A::Close, Officer),
    row(Track::Inspection, &[S::Registered, S::InProgress, S::Rectifying], A::Transfer, Supervisor),
    // 普通程序 (§4.2): the head approves the filing, officers investigate, notify and
    // propose, the head decides.
    row(Track::Ordinary, &[S::PendingApproval], A::ApproveFiling, Supervisor),
    row(Track::Ordinary, &[S::PendingApproval], A::RefuseFiling, Supervisor),
    row(Track::Ordinary, &[S::Filed, S::Investigating], A::RecordInvestigation, Officer),
    row(Track::Ordinary, &[S::Investigating, S::Notified], A::Notify, Officer),
    row(Track::Ordinary, &[S::Notified], A::RecordDefense, Officer),
    row(Track::Ordinary, &[S::Notified], A::ReviewDefense, Officer),
    row(Track::Ordinary, &[S::Notified], A::WaiveDefense, Officer),
    row(Track::Ordinary, &[S::Notified], A::RequestHearing, Officer),
    row(Track::Ordinary, &[S::Hearing], A::ScheduleHearing, Officer),
    row(Track::Ordinary, &[S::Hearing], A::RecordHearing, Officer),
    row(Track::Ordinary, &[S::Hearing], A::HearingNotAttended, Officer),
    row(Track::Ordinary, &[S::Investigating, S::Notified, S::Proposed], A::RecordEducation, Officer),
    row(Track::Ordinary, &[S::Investigating, S::Notified, S::Proposed], A::ProposeDecision, Officer),
    row(Track::Ordinary, &[S::Investigating, S::Notified, S::Hearing, S::Proposed], A::RecordCollectiveDiscussion, Officer),
    row(Track::Ordinary, &[S::Investigating, S::Notified, S::Hearing, S::Proposed], A::RecordCollectiveDiscussion, Supervisor),
    row(Track::Ordinary, &[S::Filed, S::Investigating, S::Notified, S::Hearing, S::Proposed], A::ExtendDecisionDeadline, Supervisor),
    // 法制审核 (art. 58): the proposal goes to counsel, who approves it (back to the head),
    // asks for changes or rejects it (back to the investigation).
    row(Track::Ordinary, &[S::Proposed], A::SubmitLegalReview, Officer),
    row(Track::Ordinary, &[S::LegalReview], A::RecordLegalOpinion, Counsel),
    row(Track::Ordinary, &[S::Proposed], A::Decide, Supervisor),
    row(Track::Ordinary, &[S::Investigating, S::Notified, S::Hearing, S::Proposed, S::Decided], A::RecordServiceConsent, Officer),
    row(Track::Ordinary, &[S::Decided], A::Serve, Officer),
    row(Track::Ordinary, &[S::Served], A::RecordPayment, Officer),
    row(Track::Penalty, &[S::Decided, S::Served, S::Executed], A::RecordRemedy, Officer),
    row(Track::Penalty, &[S::Decided, S::Served, S::Executed, S::Closed, S::Archived], A::RevokeDecision, Supervisor),
    row(Track::Penalty, &[S::Decided, S::Served], A::ApprovePaymentPlan, Supervisor),
    row(Track::Penalty, &[S::Decided, S::Served], A::ApplyCourtEnforcement, Officer),
    // 简易程序 (§4.3): decided on the spot by the officers, filed with the agency.
    row(Track::Simple, &[S::Filed], A::Decide, Officer),
    row(Track::Simple, &[S::Decided], A::RecordPayment, Officer),
    row(Track::Simple, &[S::Decided, S::Executed, S::Closed], A::RecordHandover, Officer),
    row(Track::Simple, &[S::Decided, S::Executed, S::Closed, S::Archived], A::AcknowledgeFiling, Supervisor),
    // Both procedures.
    row(Track::Penalty, &[S::Decided, S::Served, S::Executed], A::Close, Officer),
    row(Track::Penalty, &[S::Filed, S::Investigating, S::Notified, S::Hearing, S::Proposed], A::Transfer, Supervisor),
    row(Track::Penalty, &[S::Filed, S::Investigating, S::Notified, S::Hearing, S::Proposed], A::Terminate, Officer),
    // Both kinds.
    row(Track::Any, &[S::Registered, S::InProgress, S::Rectifying, S::PendingApproval, S::Filed, S::Investigating, S::Notified, S::Hearing, S::Proposed], A::RequestRecusal, Officer),
    row(Track::Any, &[S::Registered, S::InProgress, S::Rectifying, S::PendingApproval, S::Filed, S::Investigating, S::Notified, S::Hearing, S::Proposed], A::DecideRecusal, Supervisor),
    row(Track::Any, &[S::Closed], A::Archive, Officer),
    row(Track::Any, &[S::Registered, S::Filed, S::PendingApproval], A::Void, Supervisor),
    row(Track::Any, &[S::Closed, S::Archived], A::Correct, Supervisor),
];

/// The caller's relation to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Relation {
    pub is_case_officer: bool,
    pub is_supervisor: bool,
    /// Holds the legal_counsel role and a legal qualification, and is not on the case.
    pub is_counsel: bool,
}

impl Relation {
    pub(crate) fn may(self, actor: Actor) -> bool {
        match actor {
            Actor::CaseOfficer => self.is_case_officer,
            Actor::Supervisor => self.is_supervisor,
            Actor::Counsel => self.is_counsel,
        }
    }
}

pub(crate) fn rows_for(case: &Case, action: Action) -> impl Iterator<Item = &'static Transition> + '_ {
    TRANSITIONS.iter().filter(move |t| {
        t.action == action && t.track.covers(case.kind, case.procedure) && t.from.contains(&case.status)
    })
}

/// The actions this caller may take on the case now (rules of §3 not yet applied).
pub fn allowed_actions(case: &Case, relation: Relation) -> Vec<Action> {
    Action::ALL
        .iter()
        .copied()
        .filter(|action| rows_for(case, *action).any(|t| relation.may(t.actor)))
        // Approval and the results notice belong to inspections citing published items,
        // each taken once: approval until given, the notice between the findings and itself.
        .filter(|action| match action {
            Action::ApproveInspection => case.plan.as_ref().is_some_and(|plan| plan.approval.is_none()),
            Action::NotifyResults => case
                .plan
                .as_ref()
                .is_some_and(|plan| plan.results_due_on.is_some() && plan.results_notified_on.is_none()),
            _ => true,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::cases::model::testing::*;
    use crate::cases::model::*;

    #[test]
    fn every_action_has_a_row_and_every_row_a_reachable_state() {
        for action in Action::ALL {
            assert!(
                TRANSITIONS.iter().any(|t| t.action == *action),
                "{action:?} has no transition"
            );
        }
        let inspection = case(CaseKind::Inspection, None, CaseStatus::Registered);
        assert_eq!(
            allowed_actions(&inspection, OFFICER),
            vec![Action::Start, Action::RequestRecusal]
        );
        let supervisor = Relation {
            is_case_officer: false,
            is_supervisor: true,
            is_counsel: false,
        };
        assert_eq!(
            allowed_actions(&inspection, supervisor),
            vec![Action::DecideRecusal, Action::Transfer, Action::Void]
        );
        assert!(allowed_actions(&inspection, Relation::default()).is_empty());
        // An inspection citing published items waits for the head's approval.
        let mut planned = inspection.clone();
        planned.plan = Some(InspectionPlan::new(InspectionMethod::OnSite));
        assert_eq!(
            allowed_actions(&planned, supervisor),
            vec![
                Action::ApproveInspection,
                Action::DecideRecusal,
                Action::Transfer,
                Action::Void
            ]
        );
        let mut approved = planned.clone();
        if let Some(plan) = approved.plan.as_mut() {
            plan.approval = Some(InspectionApproval {
                approved_by: "head".into(),
                approved_on: date("2025-03-03"),
                planned_from: date("2025-03-03"),
                planned_to: date("2025-03-10"),
            });
        }
        assert!(!allowed_actions(&approved, supervisor).contains(&Action::ApproveInspection));
        // The results notice: offered once the findings set its due date, until it is given.
        let mut found = approved.clone();
        found.status = CaseStatus::InProgress;
        assert!(!allowed_actions(&found, OFFICER).contains(&Action::NotifyResults));
        if let Some(plan) = found.plan.as_mut() {
            plan.results_due_on = Some(date("2025-03-12"));
        }
        assert!(allowed_actions(&found, OFFICER).contains(&Action::NotifyResults));
        if let Some(plan) = found.plan.as_mut() {
            plan.results_notified_on = Some(date("2025-03-06"));
        }
        assert!(!allowed_actions(&found, OFFICER).contains(&Action::NotifyResults));
        let closed = case(CaseKind::Penalty, Some(Procedure::Ordinary), CaseStatus::Closed);
        assert_eq!(allowed_actions(&closed, OFFICER), vec![Action::Archive]);
    }

    #[test]
    fn a_step_out_of_order_is_not_allowed_and_names_what_is() {
        let filed = case(CaseKind::Penalty, Some(Procedure::Ordinary), CaseStatus::Filed);
        match run(
            &filed,
            Command::Serve(ServeInput {
                method: ServiceMethod::Mail,
                served_on: date("2024-09-03"),
                receipt: None,
            }),
            "2024-09-10",
        ) {
            Err(Refusal::NotAllowed { allowed, .. }) => {
                assert_eq!(
                    allowed,
                    vec![Action::RecordInvestigation, Action::RequestRecusal, Action::Terminate]
                )
            }
            other => panic!("{other:?}"),
        }
    }
}
