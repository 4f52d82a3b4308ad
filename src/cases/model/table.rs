//! The state machine of every case, in one table: which step, on which track, from which
//! states, by whom. Rules that can still refuse a step live with the step (`steps/`).

use super::*;

string_enum!(
    /// Every step a case can take (`POST /cases/{id}/transitions {"action": …}`).
    Action {
        Start => "start",
        RecordFindings => "record_findings",
        OrderRectification => "order_rectification",
        VerifyRectification => "verify_rectification",
        Escalate => "escalate",
        RecordInvestigation => "record_investigation",
        Notify => "notify",
        RecordDefense => "record_defense",
        ReviewDefense => "review_defense",
        WaiveDefense => "waive_defense",
        RequestHearing => "request_hearing",
        ScheduleHearing => "schedule_hearing",
        RecordHearing => "record_hearing",
        RecordCollectiveDiscussion => "record_collective_discussion",
        ExtendDecisionDeadline => "extend_decision_deadline",
        Decide => "decide",
        Serve => "serve",
        RecordPayment => "record_payment",
        Close => "close",
        Archive => "archive",
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

/// The state machine of every case, in one place.
pub const TRANSITIONS: &[Transition] = &[
    // 行政检查 (§4.1)
    Transition {
        track: Track::Inspection,
        from: &[S::Registered],
        action: Action::Start,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Inspection,
        from: &[S::InProgress],
        action: Action::RecordFindings,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Inspection,
        from: &[S::InProgress],
        action: Action::OrderRectification,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Inspection,
        from: &[S::Rectifying],
        action: Action::VerifyRectification,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Inspection,
        from: &[S::InProgress, S::Rectifying],
        action: Action::Escalate,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Inspection,
        from: &[S::InProgress],
        action: Action::Close,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Inspection,
        from: &[S::Registered, S::InProgress, S::Rectifying],
        action: Action::Transfer,
        actor: Actor::CaseOfficer,
    },
    // 普通程序 (§4.2)
    Transition {
        track: Track::Ordinary,
        from: &[S::Filed, S::Investigating],
        action: Action::RecordInvestigation,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Ordinary,
        from: &[S::Investigating, S::Notified],
        action: Action::Notify,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Ordinary,
        from: &[S::Notified],
        action: Action::RecordDefense,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Ordinary,
        from: &[S::Notified],
        action: Action::ReviewDefense,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Ordinary,
        from: &[S::Notified],
        action: Action::WaiveDefense,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Ordinary,
        from: &[S::Notified],
        action: Action::RequestHearing,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Ordinary,
        from: &[S::Hearing],
        action: Action::ScheduleHearing,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Ordinary,
        from: &[S::Hearing],
        action: Action::RecordHearing,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Ordinary,
        from: &[S::Investigating, S::Notified, S::Hearing],
        action: Action::RecordCollectiveDiscussion,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Ordinary,
        from: &[S::Filed, S::Investigating, S::Notified, S::Hearing],
        action: Action::ExtendDecisionDeadline,
        actor: Actor::Supervisor,
    },
    Transition {
        track: Track::Ordinary,
        from: &[S::Notified, S::Investigating],
        action: Action::Decide,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Simple,
        from: &[S::Filed],
        action: Action::Decide,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Ordinary,
        from: &[S::Decided],
        action: Action::Serve,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Ordinary,
        from: &[S::Served],
        action: Action::RecordPayment,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Simple,
        from: &[S::Decided],
        action: Action::RecordPayment,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Penalty,
        from: &[S::Decided, S::Served, S::Executed],
        action: Action::Close,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Penalty,
        from: &[S::Filed, S::Investigating, S::Notified, S::Hearing],
        action: Action::Transfer,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Penalty,
        from: &[S::Filed, S::Investigating, S::Notified, S::Hearing],
        action: Action::Terminate,
        actor: Actor::CaseOfficer,
    },
    // Both kinds.
    Transition {
        track: Track::Any,
        from: &[S::Closed],
        action: Action::Archive,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Any,
        from: &[S::Registered, S::Filed],
        action: Action::Void,
        actor: Actor::Supervisor,
    },
    Transition {
        track: Track::Any,
        from: &[S::Closed, S::Archived],
        action: Action::Correct,
        actor: Actor::Supervisor,
    },
];

/// The caller's relation to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Relation {
    pub is_case_officer: bool,
    pub is_supervisor: bool,
}

impl Relation {
    pub(crate) fn may(self, actor: Actor) -> bool {
        match actor {
            Actor::CaseOfficer => self.is_case_officer,
            Actor::Supervisor => self.is_supervisor,
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
            vec![Action::Start, Action::Transfer]
        );
        let supervisor = Relation {
            is_case_officer: false,
            is_supervisor: true,
        };
        assert_eq!(allowed_actions(&inspection, supervisor), vec![Action::Void]);
        assert!(allowed_actions(&inspection, Relation::default()).is_empty());
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
                    vec![Action::RecordInvestigation, Action::Transfer, Action::Terminate]
                )
            }
            other => panic!("{other:?}"),
        }
    }
}
