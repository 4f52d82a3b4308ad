//! A proposal against the four lists (国办发〔2022〕27号) and the first-violation rule of 首违
//! 不罚 (APL art. 33 ¶1): an entry of the no-penalty list leaves the act unpunished, so a
//! proposal citing one with a fine (or any penalty) is refused; an entry of the mitigated or
//! lenient list goes with a benchmark of the same grade; 首违不罚 needs a first violation.

use crate::benchmarks::model::BenchmarkGrade;
use crate::cases::model::*;
use crate::discretion_lists::model::DiscretionList;

/// What a proposal's check needs from outside the case about the lists.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListFacts {
    /// The entry version the proposal names, as the agency holds it (`None`: no such entry).
    pub named: Option<crate::discretion_lists::model::ListEntry>,
    /// Earlier violations of the same party under the cited powers that the agency decided
    /// (penalised, or left unpunished as minor), not revoked.
    pub earlier_violations: usize,
}

/// The entry a proposal applies, as it is kept with the proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AppliedListEntry {
    /// The entry version's id.
    pub id: String,
    pub list: DiscretionList,
    /// 不予处罚清单, 减轻处罚清单 or 从轻处罚清单.
    pub list_label: String,
    /// 情形
    pub circumstance: String,
    pub version: i32,
    /// 首违不罚
    pub first_violation: bool,
}

/// The proposal as the list check reads it.
pub struct ListedProposal<'a> {
    pub outcome: Outcome,
    pub penalties: &'a [Penalty],
    pub no_penalty_ground: Option<NoPenaltyGround>,
    pub benchmark: Option<&'a AppliedBenchmark>,
    pub proposed_on: chrono::NaiveDate,
}

/// Checks a proposal naming `entry_id` (or none) against the lists, and the 首违 rule
/// whatever it names. Returns the entry applied.
pub fn check_list_entry(
    case: &Case,
    entry_id: Option<&str>,
    proposal: &ListedProposal<'_>,
    facts: &ListFacts,
) -> Result<Option<AppliedListEntry>, Refusal> {
    check_first_violation(proposal.no_penalty_ground, facts.earlier_violations)?;
    let Some(id) = entry_id else {
        return Ok(None);
    };
    let Some(entry) = facts.named.as_ref().filter(|e| e.id == id) else {
        return Err(invalid("list_entry_id", "no such list entry of this agency"));
    };
    if !case.powers.iter().any(|p| p.power_id == entry.power_id) {
        return Err(invalid("list_entry_id", "an entry of a power this case does not cite"));
    }
    if entry.list == DiscretionList::NoCoercion {
        return Err(invalid(
            "list_entry_id",
            "an entry of the 不予实施行政强制措施清单 concerns coercive measures, not a penalty decision",
        ));
    }
    // The entry in force when the act was committed, or a later one (an entry only ever
    // lightens: 从旧兼从轻, APL art. 37).
    let violation_on = case.violation_ended_on.or(case.violation_on);
    let in_force = violation_on.is_some_and(|day| entry.in_force_on(day)) || entry.in_force_on(proposal.proposed_on);
    if !in_force {
        return Err(rule(
            "list_entry_not_in_force",
            format!(
                "version {} of the {} entry {} was in force neither on the violation date nor on the day of the proposal ({} – {})",
                entry.version,
                entry.list.label(),
                entry.circumstance,
                entry.effective_from,
                entry.effective_to.map_or("open-ended".to_string(), |d| d.to_string())
            ),
        ));
    }
    let name = format!("{}「{}」", entry.list.label(), entry.circumstance);
    match entry.list {
        DiscretionList::NoPenalty => {
            if proposal.outcome == Outcome::Penalty || !proposal.penalties.is_empty() {
                let fine = proposal.penalties.iter().any(|p| p.kind == PenaltyType::Fine);
                return Err(rule(
                    "no_penalty_list",
                    format!(
                        "the act is on the {name}: it is not penalised (APL art. 33), so {} may not be imposed; propose no_penalty_minor with its ground and the party's education",
                        if fine { "a fine" } else { "a penalty" }
                    ),
                ));
            }
            if proposal.outcome != Outcome::NoPenaltyMinor {
                return Err(invalid(
                    "list_entry_id",
                    "an entry of the 不予处罚清单 goes with the outcome no_penalty_minor",
                ));
            }
            if entry.first_violation
                && proposal.no_penalty_ground != Some(NoPenaltyGround::FirstViolationMinorHarmCorrected)
            {
                return Err(invalid(
                    "no_penalty_ground",
                    "the entry is 首违不罚: its ground is first_violation_minor_harm_corrected (APL art. 33 ¶1)",
                ));
            }
        }
        DiscretionList::Mitigated | DiscretionList::Lenient => {
            if proposal.outcome != Outcome::Penalty {
                return Err(invalid(
                    "list_entry_id",
                    "an entry of the 减轻处罚清单 or 从轻处罚清单 goes with a penalty outcome",
                ));
            }
            let grade = match entry.list {
                DiscretionList::Mitigated => BenchmarkGrade::Mitigated,
                _ => BenchmarkGrade::Lenient,
            };
            if let Some(benchmark) = proposal.benchmark
                && benchmark.grade != grade
            {
                return Err(rule(
                    "list_grade_mismatch",
                    format!(
                        "the act is on the {name}, but the benchmark applied is of the grade {} ({}); apply the grade {} ({}) of the circumstance (国办发〔2022〕27号)",
                        benchmark.grade,
                        benchmark.grade.label(),
                        grade,
                        grade.label()
                    ),
                ));
            }
        }
        DiscretionList::NoCoercion => {}
    }
    Ok(Some(AppliedListEntry {
        id: entry.id.clone(),
        list: entry.list,
        list_label: entry.list.label().to_string(),
        circumstance: entry.circumstance.clone(),
        version: entry.version,
        first_violation: entry.first_violation,
    }))
}

/// 首违不罚 is for a first violation (初次违法, APL art. 33 ¶1): a party the agency already
/// penalised, or already let off as minor, under the same power is not one.
pub fn check_first_violation(ground: Option<NoPenaltyGround>, earlier_violations: usize) -> Result<(), Refusal> {
    if ground == Some(NoPenaltyGround::FirstViolationMinorHarmCorrected) && earlier_violations > 0 {
        return Err(rule(
            "not_first_violation",
            format!(
                "the party has {earlier_violations} earlier decided violation(s) under the cited powers, so this is not a first violation (初次违法, APL art. 33 ¶1); the ground first_violation_minor_harm_corrected does not apply"
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::model::testing::*;
    use crate::discretion_lists::model::ListEntry;

    fn entry(list: DiscretionList, first_violation: bool) -> ListEntry {
        ListEntry {
            id: "e1".into(),
            power_id: "p".into(),
            list,
            circumstance: "首次占道经营".into(),
            version: 1,
            first_violation,
            effective_from: date("2024-01-01"),
            effective_to: None,
        }
    }

    fn proposal<'a>(outcome: Outcome, penalties: &'a [Penalty], ground: Option<NoPenaltyGround>) -> ListedProposal<'a> {
        ListedProposal {
            outcome,
            penalties,
            no_penalty_ground: ground,
            benchmark: None,
            proposed_on: date("2024-09-20"),
        }
    }

    fn rule_name(result: Result<Option<AppliedListEntry>, Refusal>) -> String {
        match result {
            Err(Refusal::Rule { rule, .. }) => rule.to_string(),
            Err(Refusal::Invalid(fields)) => format!("invalid:{}", fields[0].field),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_no_penalty_entry_refuses_a_fine_and_goes_with_no_penalty_minor() {
        let case = case(CaseKind::Penalty, Some(Procedure::Ordinary), CaseStatus::Investigating);
        let facts = ListFacts {
            named: Some(entry(DiscretionList::NoPenalty, true)),
            earlier_violations: 0,
        };
        let fine = penalty(PenaltyType::Fine, 10_000);
        assert_eq!(
            rule_name(check_list_entry(
                &case,
                Some("e1"),
                &proposal(Outcome::Penalty, &fine, None),
                &facts
            )),
            "no_penalty_list"
        );
        let ground = Some(NoPenaltyGround::FirstViolationMinorHarmCorrected);
        let applied = check_list_entry(
            &case,
            Some("e1"),
            &proposal(Outcome::NoPenaltyMinor, &[], ground),
            &facts,
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            (applied.list, applied.first_violation),
            (DiscretionList::NoPenalty, true)
        );
        // 首违不罚 names its ground; a party with an earlier violation is not a first-timer.
        assert_eq!(
            rule_name(check_list_entry(
                &case,
                Some("e1"),
                &proposal(Outcome::NoPenaltyMinor, &[], Some(NoPenaltyGround::MinorAndCorrected)),
                &facts
            )),
            "invalid:no_penalty_ground"
        );
        let repeat = ListFacts {
            earlier_violations: 1,
            ..facts.clone()
        };
        assert_eq!(
            rule_name(check_list_entry(
                &case,
                Some("e1"),
                &proposal(Outcome::NoPenaltyMinor, &[], ground),
                &repeat
            )),
            "not_first_violation"
        );
        // Whatever entry is cited, or none.
        assert_eq!(
            rule_name(check_list_entry(
                &case,
                None,
                &proposal(Outcome::NoPenaltyMinor, &[], ground),
                &repeat
            )),
            "not_first_violation"
        );
    }

    #[test]
    fn an_entry_is_of_a_cited_power_in_force_and_of_the_benchmarks_grade() {
        let case = case(CaseKind::Penalty, Some(Procedure::Ordinary), CaseStatus::Investigating);
        let fine = penalty(PenaltyType::Fine, 10_000);
        let with = |e: ListEntry| ListFacts {
            named: Some(e),
            earlier_violations: 0,
        };
        let mut elsewhere = entry(DiscretionList::Lenient, false);
        elsewhere.power_id = "q".into();
        assert_eq!(
            rule_name(check_list_entry(
                &case,
                Some("e1"),
                &proposal(Outcome::Penalty, &fine, None),
                &with(elsewhere)
            )),
            "invalid:list_entry_id"
        );
        let mut later = entry(DiscretionList::Lenient, false);
        later.effective_from = date("2025-01-01");
        assert_eq!(
            rule_name(check_list_entry(
                &case,
                Some("e1"),
                &proposal(Outcome::Penalty, &fine, None),
                &with(later)
            )),
            "list_entry_not_in_force"
        );
        let benchmark = AppliedBenchmark {
            id: "b".into(),
            power_id: "p".into(),
            version: 1,
            circumstance: "占道经营".into(),
            grade: BenchmarkGrade::Ordinary,
            allows: "罚款".into(),
            base_amount_fen: None,
            deviation: None,
            replaces_version: None,
        };
        let mut ordinary = proposal(Outcome::Penalty, &fine, None);
        ordinary.benchmark = Some(&benchmark);
        assert_eq!(
            rule_name(check_list_entry(
                &case,
                Some("e1"),
                &ordinary,
                &with(entry(DiscretionList::Lenient, false))
            )),
            "list_grade_mismatch"
        );
        let lenient = AppliedBenchmark {
            grade: BenchmarkGrade::Lenient,
            ..benchmark.clone()
        };
        ordinary.benchmark = Some(&lenient);
        assert!(
            check_list_entry(
                &case,
                Some("e1"),
                &ordinary,
                &with(entry(DiscretionList::Lenient, false))
            )
            .is_ok()
        );
        assert_eq!(
            rule_name(check_list_entry(
                &case,
                Some("e1"),
                &proposal(Outcome::Penalty, &fine, None),
                &with(entry(DiscretionList::NoCoercion, false))
            )),
            "invalid:list_entry_id"
        );
    }
}
