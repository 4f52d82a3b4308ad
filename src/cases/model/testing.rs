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
        subject_birth_date: None,
        summary: "占道经营".into(),
        source: CaseSource::Routine,
        parent_case_id: None,
        opened_on: date("2024-09-02"),
        violation_on: Some(date("2024-09-01")),
        violation_ended_on: None,
        discovered_on: None,
        serious_harm: false,
        filing_approval: false,
        officers: ["lead", "second"]
            .into_iter()
            .map(|id| CaseOfficer {
                user_id: id.into(),
                display_name: id.into(),
                certificate_no: Some(format!("12010{id}")),
                certificate_expires_on: Some(date("2030-12-31")),
                recused: false,
                active: true,
            })
            .collect(),
        powers: vec![CitedPower {
            power_id: "p".into(),
            power_version_id: "pv".into(),
            version: 1,
            code: "XF-1".into(),
            name: "职权".into(),
            fine_min_fen: None,
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
    is_counsel: false,
};

pub fn run(case: &Case, command: Command, today: &str) -> Result<Applied, Refusal> {
    let calendar = calendar();
    let ctx = Context {
        today: date(today),
        calendar: &calendar,
        relation: OFFICER,
        settings: ProcedureSettings::default(),
        av_evidence_count: 0,
        current_powers: Vec::new(),
        approval: ApprovalFacts::default(),
        benchmarks: BenchmarkFacts::default(),
        lists: ListFacts::default(),
    };
    apply(case, command, &ctx)
}

pub fn rule_of(result: Result<Applied, Refusal>) -> &'static str {
    match result {
        Err(Refusal::Rule { rule, .. }) => rule,
        other => panic!("expected a rule refusal, got {other:?}"),
    }
}

/// One penalty of `kind`, with `amount` fen where the type carries one.
pub fn penalty(kind: PenaltyType, amount: i64) -> Vec<Penalty> {
    vec![Penalty {
        kind,
        amount_fen: kind.carries_amount().then_some(amount),
    }]
}

pub fn notify(kind: PenaltyType, amount: i64, on: &str) -> Command {
    Command::Notify(NotifyInput {
        penalties: penalty(kind, amount),
        facts: "事实".into(),
        legal_basis: "依据".into(),
        notified_on: Some(date(on)),
    })
}

pub fn propose(kind: PenaltyType, amount: i64) -> Command {
    Command::ProposeDecision(ProposeDecisionInput {
        outcome: Outcome::Penalty,
        penalties: penalty(kind, amount),
        facts: "事实".into(),
        legal_basis: "依据".into(),
        discretion_reasoning: "情节一般".into(),
        no_penalty_ground: None,
        mitigation_ground: None,
        receiving_organ: None,
        proposed_on: None,
        complex: false,
        major_public_interest: false,
        benchmark_id: None,
        deviation_reason: None,
        base_amount_fen: None,
        list_entry_id: None,
    })
}

pub const HEAD: Relation = Relation {
    is_case_officer: false,
    is_supervisor: true,
    is_counsel: false,
};

pub fn run_as(case: &Case, command: Command, today: &str, relation: Relation) -> Result<Applied, Refusal> {
    let calendar = calendar();
    let ctx = Context {
        today: date(today),
        calendar: &calendar,
        relation,
        settings: ProcedureSettings::default(),
        av_evidence_count: 0,
        current_powers: Vec::new(),
        approval: ApprovalFacts::default(),
        benchmarks: BenchmarkFacts::default(),
        lists: ListFacts::default(),
    };
    apply(case, command, &ctx)
}

/// The officers propose `kind`/`amount` on `on`, and the head decides it as proposed on
/// the same day, as seen on `today`: the proposal's gates are those of that day.
pub fn decide_as_head(case: &Case, kind: PenaltyType, amount: i64, on: &str, today: &str) -> Result<Applied, Refusal> {
    let mut proposed = run(case, propose(kind, amount), on)?;
    // Counsel's review is the subject of its own tests (steps/review.rs).
    proposed.case.legal_review_outcome = Some(ReviewOutcome::Approved);
    let decide = Command::Decide(DecideInput {
        outcome: None,
        penalties: None,
        decided_on: Some(date(on)),
        credentials_shown: None,
        party_heard: None,
        mitigation_ground: None,
        benchmark_id: None,
        base_amount_fen: None,
    });
    run_as(&proposed.case, decide, today.max(on), HEAD)
}

pub fn notified_case(kind: PenaltyType, amount: i64, on: &str) -> Case {
    let investigating = case(CaseKind::Penalty, Some(Procedure::Ordinary), CaseStatus::Investigating);
    run(&investigating, notify(kind, amount, on), on).unwrap().case
}

pub fn rule_of_refusal(result: Result<(), Refusal>) -> &'static str {
    match result {
        Err(Refusal::Rule { rule, .. }) => rule,
        other => panic!("expected a rule refusal, got {other:?}"),
    }
}

/// The head approves an inspection with these facts (approver, prior inspections, code).
pub fn run_approval(case: &Case, command: Command, today: &str, approval: ApprovalFacts) -> Result<Applied, Refusal> {
    let calendar = calendar();
    let ctx = Context {
        today: date(today),
        calendar: &calendar,
        relation: HEAD,
        settings: ProcedureSettings::default(),
        av_evidence_count: 0,
        current_powers: Vec::new(),
        approval,
        benchmarks: BenchmarkFacts::default(),
        lists: ListFacts::default(),
    };
    apply(case, command, &ctx)
}

/// A registered inspection of an enterprise citing one on-site item (or off-site).
pub fn planned_inspection(method: InspectionMethod) -> Case {
    let mut inspection = case(CaseKind::Inspection, None, CaseStatus::Registered);
    inspection.inspection_items = vec![CitedItem {
        item_id: "item-1".into(),
        code: "XF-JC-001".into(),
        name: "餐饮服务食品安全检查".into(),
        method,
        yearly_cap: None,
        complaint_exempt: true,
    }];
    inspection.plan = Some(InspectionPlan::new(method));
    inspection
}
