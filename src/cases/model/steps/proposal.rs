//! The officers' proposal (处理意见, APL art. 57) and what an outcome needs: the party's age
//! (art. 30), the ground and education of a minor violation left unpunished (art. 33), the
//! receiving organ of a transfer.

use super::decision::check_notice_gates;
use crate::cases::model::*;

/// `record_education` (教育, APL art. 33 ¶3): needed before a no-penalty outcome for a
/// minor violation.
pub fn record_education(case: &Case, input: RecordEducationInput, ctx: &Context<'_>) -> Result<Applied, Refusal> {
    let mut next = case.clone();
    let content = required_text("content", &input.content, 10_000)?;
    let educated_on = past_date(
        "educated_on",
        input.educated_on.unwrap_or(ctx.today),
        ctx.today,
        Some((case.opened_on, "the filing date")),
    )?;
    next.education_recorded_on = Some(educated_on);
    Ok(Applied::new(
        next,
        json!({"content": content, "educated_on": educated_on}),
    ))
}

/// `propose_decision` (处理意见): the officers propose the outcome and penalties with the
/// facts, basis and discretion reasoning; the head decides it (APL art. 57).
pub fn propose_decision(case: &Case, input: ProposeDecisionInput, ctx: &Context<'_>) -> Result<Applied, Refusal> {
    let mut next = case.clone();
    let today = ctx.today;
    let proposed_on = past_date(
        "proposed_on",
        input.proposed_on.unwrap_or(today),
        today,
        Some((case.opened_on, "the filing date")),
    )?;
    let facts = required_text("facts", &input.facts, 10_000)?;
    let legal_basis = required_text("legal_basis", &input.legal_basis, 2000)?;
    let discretion_reasoning = required_text("discretion_reasoning", &input.discretion_reasoning, 10_000)?;
    let receiving_organ = input
        .receiving_organ
        .as_deref()
        .map(|organ| required_text("receiving_organ", organ, 200))
        .transpose()?;
    let penalties = match input.outcome {
        Outcome::Penalty => check_penalties("penalties", &input.penalties)?,
        _ if !input.penalties.is_empty() => {
            return Err(invalid("penalties", "only a penalty outcome carries penalties"));
        }
        _ => Vec::new(),
    };
    let benchmark = match input.outcome {
        Outcome::Penalty => check_benchmark(
            case,
            (input.benchmark_id.as_deref(), input.deviation_reason.as_deref()),
            input.base_amount_fen,
            &penalties,
            &ctx.benchmarks,
        )?,
        _ => None,
    };
    let list_entry = super::discretion_list::check_list_entry(
        case,
        input.list_entry_id.as_deref(),
        &super::discretion_list::ListedProposal {
            outcome: input.outcome,
            penalties: &penalties,
            no_penalty_ground: input.no_penalty_ground,
            benchmark: benchmark.as_ref(),
            proposed_on,
        },
        &ctx.lists,
    )?;
    let proposal = Proposal {
        list_entry,
        benchmark,
        outcome: input.outcome,
        penalties,
        facts,
        legal_basis,
        discretion_reasoning,
        no_penalty_ground: input.no_penalty_ground,
        mitigation_ground: input.mitigation_ground,
        receiving_organ,
        complex: input.complex,
        major_public_interest: input.major_public_interest,
        proposed_on,
    };
    check_outcome(case, &proposal)?;
    let mut lighter_law = Vec::new();
    if proposal.outcome == Outcome::Penalty {
        check_notice_gates(case, &proposal.penalties, ("proposed_on", proposed_on))?;
        let (powers, lighter) = applicable_powers(case, &ctx.current_powers)?;
        check_mitigation_ground(case, proposal.mitigation_ground)?;
        check_discretion(&powers, &proposal.penalties, proposal.mitigation_ground)?;
        lighter_law = lighter;
    }
    next.status = CaseStatus::Proposed;
    // A new proposal is reviewed anew (DESIGN §5.2).
    next.legal_review_outcome = None;
    let payload = json!({"proposal": proposal, "minor": case.is_minor(), "lighter_law_applied": lighter_law});
    next.proposal = Some(proposal);
    Ok(Applied::new(next, payload))
}

/// 行政裁量权基准 (国办发〔2022〕27号): a penalty proposal — or an on-the-spot decision —
/// names the benchmark it applies when the cited powers have benchmarks in force on the
/// violation date (the version in force then, APL art. 37), and its penalties stay inside
/// that grade — or the officers say why not, and the proposal goes to legal review and
/// collective discussion (on the spot there is neither, so no deviation).
pub(crate) fn check_benchmark(
    case: &Case,
    (named_id, deviation_reason): (Option<&str>, Option<&str>),
    base_amount_fen: Option<i64>,
    penalties: &[Penalty],
    facts: &BenchmarkFacts,
) -> Result<Option<AppliedBenchmark>, Refusal> {
    use crate::benchmarks::model::{check_penalties, penalties_in_words};
    if base_amount_fen.is_some_and(|base| base < 0) {
        return Err(invalid("base_amount_fen", "may not be negative"));
    }
    let Some(id) = named_id else {
        if facts.in_force.is_empty() {
            return Ok(None);
        }
        let known: Vec<String> = facts
            .in_force
            .iter()
            .map(|b| format!("{} {}（{}）", b.id, b.circumstance, b.grade.label()))
            .collect();
        return Err(rule(
            "benchmark_required",
            format!(
                "the cited powers have discretion benchmarks in force on the violation date; name the one applied in benchmark_id (国办发〔2022〕27号): {}",
                known.join("; ")
            ),
        ));
    };
    let Some(benchmark) = facts.named.as_ref().filter(|b| b.id == id) else {
        return Err(invalid("benchmark_id", "no such benchmark of this agency"));
    };
    if !case.powers.iter().any(|p| p.power_id == benchmark.power_id) {
        return Err(invalid(
            "benchmark_id",
            "a benchmark of a power this case does not cite",
        ));
    }
    let replaces_version = check_version_applies(benchmark, facts)?;
    let allows = penalties_in_words(benchmark.grade, &benchmark.content);
    let amounts: Vec<(PenaltyType, Option<i64>)> = penalties.iter().map(|p| (p.kind, p.amount_fen)).collect();
    let deviation = match check_penalties(benchmark, &amounts, base_amount_fen) {
        Ok(()) => None,
        Err(outside) => match deviation_reason.map(str::trim).filter(|r| !r.is_empty()) {
            Some(reason) if reason.chars().count() > 2000 => {
                return Err(invalid("deviation_reason", "at most 2000 characters"));
            }
            Some(reason) => Some(Deviation {
                outside,
                reason: reason.to_string(),
            }),
            None if case.procedure == Some(Procedure::Simple) => {
                return Err(rule(
                    "outside_benchmark",
                    format!(
                        "{outside} — the benchmark {}（{}）allows {allows}; on the spot a decision stays inside the grade, since leaving it needs legal review and a collective discussion: decide inside it, or open the case in the ordinary procedure (国办发〔2022〕27号)",
                        benchmark.circumstance,
                        benchmark.grade.label()
                    ),
                ));
            }
            None => {
                return Err(rule(
                    "outside_benchmark",
                    format!(
                        "{outside} — the benchmark {}（{}）allows {allows}; propose inside the grade, or give deviation_reason, and the proposal goes to legal review and collective discussion (国办发〔2022〕27号)",
                        benchmark.circumstance,
                        benchmark.grade.label()
                    ),
                ));
            }
        },
    };
    Ok(Some(AppliedBenchmark {
        id: benchmark.id.clone(),
        power_id: benchmark.power_id.clone(),
        version: benchmark.version,
        circumstance: benchmark.circumstance.clone(),
        grade: benchmark.grade,
        allows,
        base_amount_fen,
        deviation,
        replaces_version,
    }))
}

/// 从旧兼从轻 (APL art. 37): the version in force on the violation date applies, unless the
/// version in force when the proposal is made is lighter ([`is_lighter`]) — then that one
/// applies, and citing the old one is refused. Returns the replaced version when a lighter
/// later one is cited.
///
/// [`is_lighter`]: crate::benchmarks::lighter::is_lighter
fn check_version_applies(
    benchmark: &crate::benchmarks::model::Benchmark,
    facts: &BenchmarkFacts,
) -> Result<Option<i32>, Refusal> {
    use crate::benchmarks::lighter::is_lighter;
    let same_benchmark = |b: &&crate::benchmarks::model::Benchmark| {
        b.power_id == benchmark.power_id && b.circumstance == benchmark.circumstance && b.grade == benchmark.grade
    };
    let then = facts.in_force.iter().find(same_benchmark);
    let now = facts.in_force_now.iter().find(same_benchmark);
    let name = format!("{}（{}）", benchmark.circumstance, benchmark.grade.label());
    match (then, now) {
        (Some(then), Some(now))
            if then.id == benchmark.id && now.id != then.id && is_lighter(&now.content, &then.content) =>
        {
            Err(rule(
                "lighter_benchmark_in_force",
                format!(
                    "version {} of the benchmark {name} in force now punishes more lightly than version {} in force on the violation date; cite version {} ({}) (从旧兼从轻, APL art. 37)",
                    now.version, then.version, now.version, now.id
                ),
            ))
        }
        (Some(then), _) if then.id == benchmark.id => Ok(None),
        (Some(then), Some(now)) if now.id == benchmark.id && is_lighter(&now.content, &then.content) => {
            Ok(Some(then.version))
        }
        (then, _) => Err(rule(
            "benchmark_not_in_force",
            format!(
                "version {} of the benchmark {name} was not in force on the violation date{}; cite the version in force then, or a later one in force now that punishes more lightly (APL art. 37)",
                benchmark.version,
                then.map(|then| format!(" (version {} was)", then.version))
                    .unwrap_or_default()
            ),
        )),
    }
}

/// 从旧兼从轻 when the head decides (APL art. 37: "作出行政处罚决定时…新的规定处罚较轻的，
/// 适用新的规定"): a version of the proposal's benchmark in force on the decision day that
/// punishes more lightly than the version the proposal applied ([`is_lighter`]) must be
/// applied instead. The head cannot change the proposal's basis; the officers propose
/// again citing it, and the new proposal is reviewed anew.
///
/// [`is_lighter`]: crate::benchmarks::lighter::is_lighter
pub(crate) fn check_benchmark_at_decision(proposal: &Proposal, facts: &BenchmarkFacts) -> Result<(), Refusal> {
    use crate::benchmarks::lighter::is_lighter;
    let Some(applied) = proposal.benchmark.as_ref() else {
        return Ok(());
    };
    let Some(applied_version) = facts.named.as_ref().filter(|b| b.id == applied.id) else {
        return Ok(());
    };
    let lighter_now = facts.in_force_now.iter().find(|now| {
        now.id != applied_version.id
            && now.power_id == applied_version.power_id
            && now.circumstance == applied_version.circumstance
            && now.grade == applied_version.grade
            && is_lighter(&now.content, &applied_version.content)
    });
    match lighter_now {
        None => Ok(()),
        Some(now) => Err(rule(
            "lighter_benchmark_in_force",
            format!(
                "version {} of the benchmark {}（{}）, in force on the decision day, punishes more lightly than version {} the proposal applied; the officers propose again citing version {} ({}) (从旧兼从轻, APL art. 37)",
                now.version,
                applied_version.circumstance,
                applied_version.grade.label(),
                applied_version.version,
                now.version,
                now.id
            ),
        )),
    }
}

/// Whether the current proposal leaves its discretion benchmark (偏离裁量基准).
pub fn deviates_from_benchmark(case: &Case) -> bool {
    case.proposal
        .as_ref()
        .and_then(|p| p.benchmark.as_ref())
        .is_some_and(|b| b.deviation.is_some())
}

/// What the outcome itself needs (APL art. 30, 33, 57).
pub(crate) fn check_outcome(case: &Case, proposal: &Proposal) -> Result<(), Refusal> {
    match proposal.outcome {
        Outcome::Penalty if case.is_under_14() => Err(minor_under_14(case)),
        Outcome::NoPenaltyMinorUnder14 if !case.is_under_14() => Err(rule(
            "not_under_14",
            "no_penalty_minor_under_14 needs a party who was under 14 on the violation date, as the ID number's birth date shows (APL art. 30)",
        )),
        Outcome::NoPenaltyMinor if proposal.no_penalty_ground.is_none() => Err(rule(
            "no_penalty_ground_required",
            "no_penalty_minor needs its ground (APL art. 33): minor_and_corrected or first_violation_minor_harm_corrected",
        )),
        Outcome::NoPenaltyMinor if case.education_recorded_on.is_none() => Err(rule(
            "education_required",
            "a minor violation left unpunished needs the party's education recorded (record_education, APL art. 33 ¶3)",
        )),
        Outcome::TransferJudicial if proposal.receiving_organ.is_none() => Err(invalid(
            "receiving_organ",
            "name the judicial organ the case goes to (APL art. 27, 57)",
        )),
        _ => Ok(()),
    }
}

pub fn minor_under_14(case: &Case) -> Refusal {
    rule(
        "minor_under_14",
        format!(
            "the party was {} on the violation date: under 14, it is not penalised (APL art. 30); decide no_penalty_minor_under_14 and tell the guardian",
            case.age_at_violation()
                .map_or("a child".to_string(), |age| format!("{age}"))
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::{check_benchmark, check_benchmark_at_decision};
    use crate::cases::model::testing::*;
    use crate::cases::model::*;

    #[test]
    fn a_child_under_14_is_not_penalised_and_a_minor_is_flagged() {
        let mut investigating = case(CaseKind::Penalty, Some(Procedure::Ordinary), CaseStatus::Investigating);
        investigating.subject_kind = SubjectKind::Individual;
        // Violation on 2024-09-01. Born 2010-08-31: 14 full years the day after the birthday.
        investigating.subject_birth_date = Some(date("2010-08-31"));
        assert!(!investigating.is_under_14());
        assert!(investigating.is_minor());
        // Born 2010-09-01: the 14th birthday itself still counts as under 14.
        investigating.subject_birth_date = Some(date("2010-09-01"));
        assert!(investigating.is_under_14());
        assert_eq!(
            rule_of(run(
                &investigating,
                notify(PenaltyType::Warning, 0, "2024-09-03"),
                "2024-09-03"
            )),
            "minor_under_14"
        );
        let no_penalty = |outcome: Outcome| {
            Command::ProposeDecision(ProposeDecisionInput {
                outcome,
                penalties: vec![],
                facts: "事实".into(),
                legal_basis: "《行政处罚法》第三十条".into(),
                discretion_reasoning: "不满十四周岁".into(),
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
        };
        assert!(run(&investigating, no_penalty(Outcome::NoPenaltyMinorUnder14), "2024-09-03").is_ok());
        investigating.subject_birth_date = Some(date("1990-01-01"));
        assert_eq!(
            rule_of(run(
                &investigating,
                no_penalty(Outcome::NoPenaltyMinorUnder14),
                "2024-09-03"
            )),
            "not_under_14"
        );
        assert_eq!(
            rule_of(run(&investigating, no_penalty(Outcome::NoPenaltyMinor), "2024-09-03")),
            "no_penalty_ground_required"
        );
    }

    fn benchmark(id: &str, from: &str, to: Option<&str>) -> crate::benchmarks::model::Benchmark {
        use crate::benchmarks::model::{Benchmark, BenchmarkContent, BenchmarkGrade, FineRange};
        Benchmark {
            id: id.into(),
            power_id: "p".into(),
            circumstance: "占道经营，经责令改正拒不改正".into(),
            grade: BenchmarkGrade::Ordinary,
            version: 1,
            content: BenchmarkContent {
                conditions: "首次被查处".into(),
                penalty_types: vec![PenaltyType::Warning, PenaltyType::Fine],
                fine: FineRange::Fen {
                    min: Some(20_000),
                    max: Some(50_000),
                },
            },
            effective_from: date(from),
            effective_to: to.map(date),
        }
    }

    #[test]
    fn a_proposal_stays_inside_its_benchmark_or_says_why() {
        let case_of = case;
        let case = case(CaseKind::Penalty, Some(Procedure::Ordinary), CaseStatus::Investigating);
        let current = benchmark("b2", "2024-01-01", None);
        let facts = BenchmarkFacts {
            in_force: vec![current.clone()],
            in_force_now: vec![current.clone()],
            named: Some(current.clone()),
        };
        let inside = penalty(PenaltyType::Fine, 50_000);
        // Both ends are inside ("以上/以下" include the figure).
        let applied = check_benchmark(&case, (Some("b2"), None), None, &inside, &facts)
            .unwrap()
            .unwrap();
        assert_eq!((applied.version, applied.deviation.clone()), (1, None));
        assert!(
            check_benchmark(
                &case,
                (Some("b2"), None),
                None,
                &penalty(PenaltyType::Fine, 20_000),
                &facts
            )
            .is_ok()
        );
        let above = penalty(PenaltyType::Fine, 50_001);
        match check_benchmark(&case, (Some("b2"), None), None, &above, &facts) {
            Err(Refusal::Rule { rule, .. }) => assert_eq!(rule, "outside_benchmark"),
            other => panic!("{other:?}"),
        }
        match check_benchmark(&case, (Some("b2"), Some("  ")), None, &above, &facts) {
            Err(Refusal::Rule { rule, .. }) => assert_eq!(rule, "outside_benchmark", "a blank reason is none"),
            other => panic!("{other:?}"),
        }
        let deviating = check_benchmark(
            &case,
            (Some("b2"), Some("多次违法，社会影响恶劣")),
            None,
            &above,
            &facts,
        )
        .unwrap()
        .unwrap();
        assert_eq!(deviating.deviation.unwrap().reason, "多次违法，社会影响恶劣");
        // On the spot (简易程序) there is no legal review or collective discussion to
        // deviate with: the refusal sends the officers to the ordinary procedure.
        let on_the_spot = case_of(CaseKind::Penalty, Some(Procedure::Simple), CaseStatus::Filed);
        match check_benchmark(&on_the_spot, (Some("b2"), None), None, &above, &facts) {
            Err(Refusal::Rule { rule, detail }) => {
                assert_eq!(rule, "outside_benchmark");
                assert!(detail.contains("ordinary procedure"), "{detail}");
            }
            other => panic!("{other:?}"),
        }
        // A type the grade does not allow is outside too.
        assert!(
            check_benchmark(
                &case,
                (Some("b2"), None),
                None,
                &penalty(PenaltyType::SuspendBusiness, 0),
                &facts
            )
            .is_err()
        );
        // Benchmarks in force: one must be named; without any, none is needed.
        match check_benchmark(&case, (None, None), None, &inside, &facts) {
            Err(Refusal::Rule { rule, .. }) => assert_eq!(rule, "benchmark_required"),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            check_benchmark(&case, (None, None), None, &inside, &BenchmarkFacts::default()).unwrap(),
            None
        );
        // The version in force on the violation date, of a cited power, of this agency.
        let old = benchmark("b1", "2020-01-01", Some("2023-12-31"));
        let older = BenchmarkFacts {
            in_force: vec![current.clone()],
            in_force_now: vec![current.clone()],
            named: Some(old),
        };
        match check_benchmark(&case, (Some("b1"), None), None, &inside, &older) {
            Err(Refusal::Rule { rule, .. }) => assert_eq!(rule, "benchmark_not_in_force"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            check_benchmark(&case, (Some("zz"), None), None, &inside, &facts),
            Err(Refusal::Invalid(_))
        ));
        let mut other_power = current.clone();
        other_power.power_id = "q".into();
        let elsewhere = BenchmarkFacts {
            in_force: vec![other_power.clone()],
            in_force_now: vec![other_power.clone()],
            named: Some(other_power),
        };
        assert!(matches!(
            check_benchmark(&case, (Some("b2"), None), None, &inside, &elsewhere),
            Err(Refusal::Invalid(_))
        ));
    }

    /// 从旧兼从轻 (APL art. 37): the version of the violation date, unless the one in force
    /// at the proposal punishes more lightly — then that one, and only that one.
    #[test]
    fn a_lighter_later_version_applies_and_a_heavier_one_does_not() {
        use crate::benchmarks::model::FineRange;
        let case = case(CaseKind::Penalty, Some(Procedure::Ordinary), CaseStatus::Investigating);
        let then = benchmark("b1", "2020-01-01", Some("2024-09-30"));
        let mut lighter = benchmark("b2", "2024-10-01", None);
        lighter.version = 2;
        lighter.content.fine = FineRange::Fen {
            min: Some(10_000),
            max: Some(50_000),
        };
        let facts =
            |now: &crate::benchmarks::model::Benchmark, named: &crate::benchmarks::model::Benchmark| BenchmarkFacts {
                in_force: vec![then.clone()],
                in_force_now: vec![now.clone()],
                named: Some(named.clone()),
            };
        let fine = penalty(PenaltyType::Fine, 10_000);
        // The lighter version: 100 元 is inside it (its minimum), and it replaces version 1.
        let applied = check_benchmark(&case, (Some("b2"), None), None, &fine, &facts(&lighter, &lighter))
            .unwrap()
            .unwrap();
        assert_eq!((applied.version, applied.replaces_version), (2, Some(1)));
        // The old version may no longer be cited once a lighter one is in force.
        match check_benchmark(
            &case,
            (Some("b1"), None),
            None,
            &penalty(PenaltyType::Fine, 20_000),
            &facts(&lighter, &then),
        ) {
            Err(Refusal::Rule { rule, detail }) => {
                assert_eq!(rule, "lighter_benchmark_in_force");
                assert!(detail.contains("APL art. 37"), "{detail}");
            }
            other => panic!("{other:?}"),
        }
        // A heavier later version does not apply: the old one does.
        let mut heavier = lighter.clone();
        heavier.content.fine = FineRange::Fen {
            min: Some(20_000),
            max: Some(80_000),
        };
        match check_benchmark(
            &case,
            (Some("b2"), None),
            None,
            &penalty(PenaltyType::Fine, 60_000),
            &facts(&heavier, &heavier),
        ) {
            Err(Refusal::Rule { rule, .. }) => assert_eq!(rule, "benchmark_not_in_force"),
            other => panic!("{other:?}"),
        }
        let kept = check_benchmark(
            &case,
            (Some("b1"), None),
            None,
            &penalty(PenaltyType::Fine, 20_000),
            &facts(&heavier, &then),
        )
        .unwrap()
        .unwrap();
        assert_eq!((kept.version, kept.replaces_version), (1, None));
    }

    /// APL art. 37 counts at the decision ("作出行政处罚决定时"): a lighter version that came
    /// into force after the proposal must be applied, so the head cannot decide on the old one.
    #[test]
    fn a_lighter_version_in_force_at_the_decision_sends_the_proposal_back() {
        use crate::benchmarks::model::FineRange;
        let case = case(CaseKind::Penalty, Some(Procedure::Ordinary), CaseStatus::Investigating);
        let then = benchmark("b1", "2020-01-01", Some("2024-09-30"));
        let fine = penalty(PenaltyType::Fine, 30_000);
        let at_proposal = BenchmarkFacts {
            in_force: vec![then.clone()],
            in_force_now: vec![then.clone()],
            named: Some(then.clone()),
        };
        let applied = check_benchmark(&case, (Some("b1"), None), None, &fine, &at_proposal).unwrap();
        let proposal = Proposal {
            outcome: Outcome::Penalty,
            penalties: fine.clone(),
            facts: "事实".into(),
            legal_basis: "依据".into(),
            discretion_reasoning: "情节一般".into(),
            no_penalty_ground: None,
            mitigation_ground: None,
            receiving_organ: None,
            complex: false,
            major_public_interest: false,
            proposed_on: date("2024-09-10"),
            benchmark: applied,
            list_entry: None,
        };
        let at_decision = |now: &crate::benchmarks::model::Benchmark| BenchmarkFacts {
            in_force: vec![then.clone()],
            in_force_now: vec![now.clone()],
            named: Some(then.clone()),
        };
        // The same version still in force, or none of the same benchmark: the decision stands.
        assert!(check_benchmark_at_decision(&proposal, &at_decision(&then)).is_ok());
        assert!(check_benchmark_at_decision(&proposal, &BenchmarkFacts::default()).is_ok());
        let mut lighter = benchmark("b2", "2024-10-01", None);
        lighter.version = 2;
        lighter.content.fine = FineRange::Fen {
            min: Some(10_000),
            max: Some(50_000),
        };
        match check_benchmark_at_decision(&proposal, &at_decision(&lighter)) {
            Err(Refusal::Rule { rule, detail }) => {
                assert_eq!(rule, "lighter_benchmark_in_force");
                assert!(detail.contains("version 2") && detail.contains("b2"), "{detail}");
            }
            other => panic!("{other:?}"),
        }
        // A heavier later version, or a lighter one of another grade, changes nothing.
        let mut heavier = lighter.clone();
        heavier.content.fine = FineRange::Fen {
            min: Some(20_000),
            max: Some(80_000),
        };
        assert!(check_benchmark_at_decision(&proposal, &at_decision(&heavier)).is_ok());
        let mut other_grade = lighter.clone();
        other_grade.grade = crate::benchmarks::model::BenchmarkGrade::Severe;
        assert!(check_benchmark_at_decision(&proposal, &at_decision(&other_grade)).is_ok());
        // A proposal without a benchmark has nothing to compare.
        let bare = Proposal {
            benchmark: None,
            ..proposal.clone()
        };
        assert!(check_benchmark_at_decision(&bare, &at_decision(&lighter)).is_ok());
    }

    #[test]
    fn a_deviation_is_reviewed_and_discussed_whatever_the_scope() {
        let mut case = case(CaseKind::Penalty, Some(Procedure::Ordinary), CaseStatus::Proposed);
        let settings = ProcedureSettings {
            legal_review_scope: LegalReviewScope::MajorOnly,
            ..ProcedureSettings::default()
        };
        let small = penalty(PenaltyType::Warning, 0);
        case.proposal = Some(Proposal {
            outcome: Outcome::Penalty,
            penalties: small.clone(),
            facts: "事实".into(),
            legal_basis: "依据".into(),
            discretion_reasoning: "情节一般".into(),
            no_penalty_ground: None,
            mitigation_ground: None,
            receiving_organ: None,
            complex: false,
            major_public_interest: false,
            proposed_on: date("2024-09-10"),
            benchmark: None,
            list_entry: None,
        });
        assert!(legal_review_reasons(&case, &settings).is_empty());
        assert!(!needs_collective_discussion(&case, &small, &settings));
        if let Some(proposal) = case.proposal.as_mut() {
            proposal.benchmark = Some(AppliedBenchmark {
                id: "b2".into(),
                power_id: "p".into(),
                version: 1,
                circumstance: "占道经营".into(),
                grade: crate::benchmarks::model::BenchmarkGrade::Lenient,
                allows: "警告".into(),
                base_amount_fen: None,
                deviation: Some(Deviation {
                    outside: "罚款不在幅度内".into(),
                    reason: "情节特殊".into(),
                }),
                replaces_version: None,
            });
        }
        assert_eq!(legal_review_reasons(&case, &settings), ["benchmark_deviation"]);
        assert!(needs_collective_discussion(&case, &small, &settings));
    }
}
