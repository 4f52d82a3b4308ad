//! Fixtures of the model's unit tests.

use super::*;

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub fn case(kind: CaseKind, procedure: Option<Procedure>, status: CaseStatus) -> Case {
    let mut case = Case::open(Opening {
        id: "c".into(),
        agency_id: "a".into(),
        kind,
        procedure,
        case_number: "学府罚〔2024〕第001号".into(),
        subject_id: "s".into(),
        subject_kind: SubjectKind::Enterprise,
        summary: "占道经营".into(),
        source: CaseSource::Routine,
        parent_case_id: None,
        opened_on: date("2024-09-02"),
        violation_on: Some(date("2024-09-01")),
        serious_harm: false,
        officers: vec![],
        powers: vec![CitedPower {
            power_id: "p".into(),
            power_version_id: "pv".into(),
            version: 1,
            code: "XF-1".into(),
            name: "职权".into(),
            fine_max_fen: Some(5_000_000),
            requires_av_record: false,
        }],
    });
    case.status = status;
    case
}

pub fn calendar() -> WorkCalendar {
    let days = crate::calendar::model::parse_reference_csv(crate::calendar::model::REFERENCE_CSV).unwrap();
    WorkCalendar::new(days.into_iter().map(|d| (d.date, d.kind)))
}

pub const OFFICER: Relation = Relation {
    is_case_officer: true,
    is_supervisor: false,
};

pub fn run(case: &Case, command: Command, today: &str) -> Result<Applied, Refusal> {
    let calendar = calendar();
    let ctx = Context {
        today: date(today),
        calendar: &calendar,
        relation: OFFICER,
        settings: ProcedureSettings::default(),
        av_evidence_count: 0,
    };
    apply(case, command, &ctx)
}

pub fn rule_of(result: Result<Applied, Refusal>) -> &'static str {
    match result {
        Err(Refusal::Rule { rule, .. }) => rule,
        other => panic!("expected a rule refusal, got {other:?}"),
    }
}

pub fn notify(decision_type: DecisionType, fine: i64, on: &str) -> Command {
    Command::Notify(NotifyInput {
        decision_type,
        fine_amount_fen: Some(fine),
        facts: "事实".into(),
        legal_basis: "依据".into(),
        notified_on: Some(date(on)),
    })
}

pub fn decide(decision_type: DecisionType, fine: i64, on: &str) -> Command {
    Command::Decide(DecideInput {
        outcome: Outcome::Penalty,
        decision_type: Some(decision_type),
        fine_amount_fen: Some(fine),
        decided_on: Some(date(on)),
        credentials_shown: None,
    })
}

pub fn notified_case(decision_type: DecisionType, fine: i64, on: &str) -> Case {
    let investigating = case(CaseKind::Penalty, Some(Procedure::Ordinary), CaseStatus::Investigating);
    run(&investigating, notify(decision_type, fine, on), on).unwrap().case
}
