//! Penalties and their amounts: a list of penalties as the law combines them (并处,
//! APL art. 9), the comparison of two lists (art. 45), the discretion range (art. 32, 34)
//! and the amounts and types that give hearing rights (art. 63).

use super::*;

/// Checks penalties as given in `field`: at least one, each type once, an amount above
/// zero where the type carries one (fines, confiscations) and none elsewhere. Returns
/// them in order of severity.
pub fn check_penalties(field: &str, penalties: &[Penalty]) -> Result<Vec<Penalty>, Refusal> {
    if penalties.is_empty() {
        return Err(invalid(field, "name at least one penalty ({type, amount_fen?})"));
    }
    let mut errors = Vec::new();
    for (i, penalty) in penalties.iter().enumerate() {
        let at = format!("{field}[{i}]");
        if penalties[..i].iter().any(|p| p.kind == penalty.kind) {
            errors.push(FieldError::new(
                format!("{at}.type"),
                "is named twice; give each type once",
            ));
        }
        match (penalty.kind.carries_amount(), penalty.amount_fen) {
            (true, Some(amount)) if amount > 0 => {}
            (true, _) => errors.push(FieldError::new(
                format!("{at}.amount_fen"),
                "a fine or a confiscation needs an amount above zero, in fen",
            )),
            (false, Some(_)) => errors.push(FieldError::new(
                format!("{at}.amount_fen"),
                format!("{} carries no amount", penalty.kind.as_str()),
            )),
            (false, None) => {}
        }
    }
    if !errors.is_empty() {
        return Err(Refusal::Invalid(errors));
    }
    let mut sorted = penalties.to_vec();
    sorted.sort_by_key(|p| p.kind.severity());
    Ok(sorted)
}

/// The fine among the penalties (0 when there is none).
pub fn fine_of(penalties: &[Penalty]) -> i64 {
    amount_of(penalties, PenaltyType::Fine)
}

fn amount_of(penalties: &[Penalty], kind: PenaltyType) -> i64 {
    penalties
        .iter()
        .filter(|p| p.kind == kind)
        .filter_map(|p| p.amount_fen)
        .sum()
}

/// What makes `penalties` heavier than `than` (APL art. 45): a type not in `than`, or a
/// larger amount of the same type. `None` when it is not heavier.
pub fn heavier_than(penalties: &[Penalty], than: &[Penalty]) -> Option<String> {
    for penalty in penalties {
        match than.iter().find(|p| p.kind == penalty.kind) {
            None => return Some(format!("{} was not notified", penalty.kind.as_str())),
            Some(earlier) if penalty.amount_fen.unwrap_or(0) > earlier.amount_fen.unwrap_or(0) => {
                return Some(format!(
                    "{} of {} is more than the {} notified",
                    penalty.kind.as_str(),
                    yuan(penalty.amount_fen.unwrap_or(0)),
                    yuan(earlier.amount_fen.unwrap_or(0))
                ));
            }
            Some(_) => {}
        }
    }
    None
}

/// Penalties for messages: `fine ¥500.00 + warning`.
pub fn describe(penalties: &[Penalty]) -> String {
    let parts: Vec<String> = penalties
        .iter()
        .map(|p| match p.amount_fen {
            Some(amount) => format!("{} {}", p.kind.as_str(), yuan(amount)),
            None => p.kind.as_str().to_string(),
        })
        .collect();
    if parts.is_empty() {
        "no penalty".into()
    } else {
        parts.join(" + ")
    }
}

/// The fine may not exceed the highest maximum of the cited powers' discretion ranges
/// (APL art. 34): checked on notices, proposals and decisions.
pub fn check_fine_maximum(powers: &[CitedPower], penalties: &[Penalty]) -> Result<(), Refusal> {
    let fine = fine_of(penalties);
    if let Some(max) = powers.iter().filter_map(|p| p.fine_max_fen).max()
        && fine > max
    {
        return Err(rule(
            "discretion_range_exceeded",
            format!(
                "a fine of {} exceeds the maximum {} of the cited powers' discretion range (APL art. 34)",
                yuan(fine),
                yuan(max)
            ),
        ));
    }
    Ok(())
}

/// The discretion range of a decision: not above the highest maximum, and below the
/// lowest minimum only with a ground of art. 30–32 stated (减轻处罚).
pub fn check_discretion(
    powers: &[CitedPower],
    penalties: &[Penalty],
    mitigation: Option<MitigationGround>,
) -> Result<(), Refusal> {
    check_fine_maximum(powers, penalties)?;
    let fine = fine_of(penalties);
    if fine > 0
        && let Some(min) = powers.iter().filter_map(|p| p.fine_min_fen).min()
        && fine < min
        && mitigation.is_none()
    {
        return Err(rule(
            "mitigation_ground_required",
            format!(
                "a fine of {} is below the minimum {} of the cited powers' discretion range; a lighter penalty (减轻处罚) needs a ground of APL art. 30–32 in mitigation_ground",
                yuan(fine),
                yuan(min)
            ),
        ));
    }
    Ok(())
}

/// The power versions a decision applies (从旧兼从轻, APL art. 37): the case cites the
/// versions in force on the violation date; where the version in force at decision time is
/// lighter (a lower maximum fine) it applies instead. A power no longer in force at all no
/// longer punishes the act: when none of the cited powers is in force, no penalty can be
/// imposed. Returns the versions that apply and the codes of those replaced by a lighter one.
pub fn applicable_powers(case: &Case, current: &[CurrentPower]) -> Result<(Vec<CitedPower>, Vec<String>), Refusal> {
    let mut applied = Vec::new();
    let mut lighter = Vec::new();
    let mut retired = 0;
    for cited in &case.powers {
        match current.iter().find(|c| c.power_id == cited.power_id) {
            // Not looked up (the power list was not consulted): the cited version applies.
            None => applied.push(cited.clone()),
            Some(CurrentPower { in_force: None, .. }) => retired += 1,
            Some(CurrentPower {
                in_force: Some(now), ..
            }) => {
                let lower_max = match (now.fine_max_fen, cited.fine_max_fen) {
                    (Some(new), Some(old)) => new < old,
                    (Some(_), None) => true,
                    _ => false,
                };
                if lower_max && now.version != cited.version {
                    lighter.push(format!("{} v{} → v{}", cited.code, cited.version, now.version));
                    applied.push(now.clone());
                } else {
                    applied.push(cited.clone());
                }
            }
        }
    }
    if retired > 0 && applied.is_empty() {
        return Err(rule(
            "violation_no_longer_punishable",
            "none of the cited powers is in force any more: under the law in force now the act is not punished (从旧兼从轻, APL art. 37)",
        ));
    }
    Ok((applied, lighter))
}

/// A ground of lighter punishment must fit the party: the 14–17 ground only for a party
/// of that age on the violation date (APL art. 30).
pub fn check_mitigation_ground(case: &Case, ground: Option<MitigationGround>) -> Result<(), Refusal> {
    if ground == Some(MitigationGround::Minor14To17) && !case.is_minor() {
        return Err(rule(
            "mitigation_ground_not_applicable",
            "minor_14_to_17 applies only to a party aged 14 to 17 on the violation date, as its ID number shows (APL art. 30)",
        ));
    }
    Ok(())
}

/// The amount from which a fine or a confiscation is "large" (较大数额, APL art. 63) for
/// this subject: "以上" includes the figure.
pub fn large_amount_threshold(case: &Case, settings: &ProcedureSettings) -> i64 {
    match case.subject_kind.counts_as_individual() {
        true => settings.hearing_threshold_individual_fen,
        false => settings.hearing_threshold_organisation_fen,
    }
}

/// APL art. 63: a large fine or confiscation, or a penalty of the heavier types, gives the
/// party the right to ask for a hearing.
pub fn carries_hearing_rights(case: &Case, penalties: &[Penalty], settings: &ProcedureSettings) -> bool {
    let threshold = large_amount_threshold(case, settings);
    penalties
        .iter()
        .any(|p| p.kind.gives_hearing_rights() || (p.kind.carries_amount() && p.amount_fen.unwrap_or(0) >= threshold))
}

#[cfg(test)]
mod tests {
    use crate::cases::model::testing::*;
    use crate::cases::model::*;

    fn p(kind: PenaltyType, amount: Option<i64>) -> Penalty {
        Penalty {
            kind,
            amount_fen: amount,
        }
    }

    #[test]
    fn penalties_are_checked_and_sorted_by_severity() {
        let given = [
            p(PenaltyType::ConfiscateIllegalGains, Some(300)),
            p(PenaltyType::Fine, Some(500)),
        ];
        let sorted = check_penalties("penalties", &given).unwrap();
        assert_eq!(sorted[0].kind, PenaltyType::Fine);
        assert_eq!(fine_of(&sorted), 500);
        let fields = |r: Result<Vec<Penalty>, Refusal>| match r {
            Err(Refusal::Invalid(errors)) => errors.into_iter().map(|e| e.field).collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        assert_eq!(fields(check_penalties("penalties", &[])), vec!["penalties"]);
        assert_eq!(
            fields(check_penalties("penalties", &[p(PenaltyType::Fine, None)])),
            vec!["penalties[0].amount_fen"]
        );
        assert_eq!(
            fields(check_penalties("penalties", &[p(PenaltyType::Warning, Some(1))])),
            vec!["penalties[0].amount_fen"]
        );
        assert_eq!(
            fields(check_penalties(
                "penalties",
                &[p(PenaltyType::Warning, None), p(PenaltyType::Warning, None)]
            )),
            vec!["penalties[1].type"]
        );
    }

    #[test]
    fn a_decision_is_heavier_with_a_new_type_or_a_larger_amount() {
        let notified = [
            p(PenaltyType::Fine, Some(50_000)),
            p(PenaltyType::ConfiscateIllegalGains, Some(1_000)),
        ];
        assert!(heavier_than(&[p(PenaltyType::Fine, Some(50_000))], &notified).is_none());
        assert!(heavier_than(&[p(PenaltyType::Fine, Some(50_001))], &notified).is_some());
        // A warning is lighter than a fine but was not notified: a new notice is needed.
        assert!(heavier_than(&[p(PenaltyType::Warning, None)], &notified).is_some());
        assert!(heavier_than(&[p(PenaltyType::SuspendBusiness, None)], &notified).is_some());
    }

    #[test]
    fn hearing_rights_start_at_the_threshold_itself() {
        let organisation = case(CaseKind::Penalty, Some(Procedure::Ordinary), CaseStatus::Investigating);
        let settings = ProcedureSettings::default();
        let fine = |amount| [p(PenaltyType::Fine, Some(amount))];
        assert!(!carries_hearing_rights(&organisation, &fine(9_999_999), &settings));
        assert!(carries_hearing_rights(&organisation, &fine(10_000_000), &settings));
        let mut individual = organisation.clone();
        individual.subject_kind = SubjectKind::IndividualBusiness;
        assert!(carries_hearing_rights(&individual, &fine(1_000_000), &settings));
        assert!(!carries_hearing_rights(&individual, &fine(999_999), &settings));
        assert!(carries_hearing_rights(
            &individual,
            &[p(PenaltyType::ConfiscateProperty, Some(1_000_000))],
            &settings
        ));
        for kind in [
            PenaltyType::RestrictPractice,
            PenaltyType::LowerQualification,
            PenaltyType::CloseDown,
        ] {
            assert!(
                carries_hearing_rights(&individual, &[p(kind, None)], &settings),
                "{kind:?}"
            );
        }
        assert!(!carries_hearing_rights(
            &individual,
            &[p(PenaltyType::SuspendLicense, None)],
            &settings
        ));
    }

    #[test]
    fn below_the_minimum_only_with_a_mitigation_ground() {
        let mut power = case(CaseKind::Penalty, Some(Procedure::Ordinary), CaseStatus::Investigating).powers[0].clone();
        power.fine_min_fen = Some(100_000);
        let powers = [power];
        let fine = |amount| [p(PenaltyType::Fine, Some(amount))];
        assert!(check_discretion(&powers, &fine(100_000), None).is_ok());
        assert_eq!(
            rule_of_refusal(check_discretion(&powers, &fine(99_999), None)),
            "mitigation_ground_required"
        );
        assert!(check_discretion(&powers, &fine(99_999), Some(MitigationGround::EliminatedHarm)).is_ok());
        assert_eq!(
            rule_of_refusal(check_discretion(&powers, &fine(5_000_001), None)),
            "discretion_range_exceeded"
        );
    }

    #[test]
    fn the_lighter_law_in_force_at_decision_applies() {
        let case = case(CaseKind::Penalty, Some(Procedure::Ordinary), CaseStatus::Proposed);
        let cited = case.powers[0].clone();
        let now = |max: Option<i64>, version: i32| CurrentPower {
            power_id: cited.power_id.clone(),
            in_force: Some(CitedPower {
                version,
                fine_max_fen: max,
                ..cited.clone()
            }),
        };
        // Unchanged or heavier now: the version of the violation date applies.
        let (powers, lighter) = applicable_powers(&case, &[now(Some(9_000_000), 2)]).unwrap();
        assert_eq!((powers[0].version, lighter.len()), (1, 0));
        // Lighter now (a lower maximum): the new version applies, and the case says so.
        let (powers, lighter) = applicable_powers(&case, &[now(Some(1_000_000), 2)]).unwrap();
        assert_eq!(powers[0].fine_max_fen, Some(1_000_000));
        assert_eq!(lighter, vec!["XF-1 v1 → v2".to_string()]);
        assert!(check_discretion(&powers, &[p(PenaltyType::Fine, Some(1_000_001))], None).is_err());
        // Retired: the act is no longer punished.
        let retired = CurrentPower {
            power_id: cited.power_id.clone(),
            in_force: None,
        };
        match applicable_powers(&case, &[retired]) {
            Err(Refusal::Rule { rule, .. }) => assert_eq!(rule, "violation_no_longer_punishable"),
            other => panic!("{other:?}"),
        }
    }
}
