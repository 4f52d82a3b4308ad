//! The findings the service checks in a file (APL art. 42, 44, 58, 60–62), and score
//! sheets checked, totalled and graded.

use super::*;

/// A finding the service made in the file, for the reviewer to confirm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Finding {
    pub check: Check,
    /// The template item it pre-fills.
    pub item_key: String,
    /// `true` for a veto item (the file fails).
    pub veto: bool,
    /// The deduction it suggests on a point item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<f64>)]
    pub deduction: Option<Points>,
    /// What was found, in Chinese, with the article.
    pub detail: String,
}

/// What the file shows on each check, from the case as it was closed. `review_required`
/// lists why a decision needed counsel's review under the agency's scope.
pub fn failed_checks(case: &Case, review_required: &[&str]) -> Vec<(Check, String)> {
    let mut failed = Vec::new();
    let acting: Vec<_> = case.officers.iter().filter(|o| !o.recused).collect();
    if acting.len() < 2 {
        failed.push((
            Check::TwoOfficers,
            format!(
                "案卷记载的执法人员为{}人，少于两人（《行政处罚法》第四十二条）",
                acting.len()
            ),
        ));
    }
    let uncertified: Vec<&str> = acting
        .iter()
        .filter(|o| {
            o.certificate_no.is_none() || o.certificate_expires_on.is_none_or(|expires| expires < case.opened_on)
        })
        .map(|o| o.display_name.as_str())
        .collect();
    if !uncertified.is_empty() {
        failed.push((
            Check::OfficerCertificates,
            format!(
                "执法人员{}在立案日{}未持有效执法证（《行政处罚法》第四十二条）",
                uncertified.join("、"),
                case.opened_on
            ),
        ));
    }
    let decided = case.decided_on.is_some();
    if decided && !review_required.is_empty() && case.legal_review_outcome != Some(ReviewOutcome::Approved) {
        failed.push((
            Check::LegalReview,
            format!(
                "决定属于法制审核范围（{}），案卷无同意的法制审核意见（《行政处罚法》第五十八条）",
                review_required.join("、")
            ),
        ));
    }
    if let (Some(decided_on), Some(due_on)) = (case.decided_on, case.decision_due_on)
        && decided_on > due_on
    {
        failed.push((
            Check::DecisionDeadline,
            format!("决定日{decided_on}晚于办案期限{due_on}（《行政处罚法》第六十条）"),
        ));
    }
    let penalised = case.outcome == Some(Outcome::Penalty) && !case.penalties.is_empty();
    if penalised && case.procedure == Some(Procedure::Ordinary) && case.notified_on.is_none() {
        failed.push((
            Check::PriorNotice,
            "普通程序作出处罚决定，案卷无事先告知记录（《行政处罚法》第四十四条）".into(),
        ));
    }
    if decided && case.kind == CaseKind::Penalty && case.served_on.is_none() && case.revocation.is_none() {
        failed.push((
            Check::ServiceRecord,
            "决定书无送达记录（《行政处罚法》第六十一条）".into(),
        ));
    }
    failed
}

/// The failed checks as findings on the template's items; a check no item uses is dropped.
pub fn findings(template: &TemplateContent, failed: &[(Check, String)]) -> Vec<Finding> {
    failed
        .iter()
        .filter_map(|(check, detail)| {
            if let Some(item) = template.veto_items.iter().find(|i| i.check == Some(*check)) {
                return Some(Finding {
                    check: *check,
                    item_key: item.key.clone(),
                    veto: true,
                    deduction: None,
                    detail: detail.clone(),
                });
            }
            let (_, item) = template.point_items().find(|(_, i)| i.check == Some(*check))?;
            Some(Finding {
                check: *check,
                item_key: item.key.clone(),
                veto: false,
                deduction: Some(item.check_deduction.unwrap_or(item.points)),
                detail: detail.clone(),
            })
        })
        .collect()
}

/// A reviewer's answer on a veto item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VetoAnswer {
    pub key: String,
    /// The file fails on this item.
    pub failed: bool,
    /// Required when the item fails, or when a finding on it is dismissed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A reviewer's answer on a point item: 0 passes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemAnswer {
    pub key: String,
    #[schema(value_type = f64, minimum = 0, maximum = 10000, multiple_of = 0.1)]
    pub deduction: Points,
    /// Required with a deduction, or when a finding on the item is dismissed or lessened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A scored file: the answers, and what they add up to.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Tally {
    #[schema(value_type = f64)]
    pub max_points: Points,
    #[schema(value_type = f64)]
    pub deducted: Points,
    /// 0 when vetoed; otherwise the maximum less the deductions.
    #[schema(value_type = f64)]
    pub total: Points,
    pub grade: Grade,
    pub vetoed: bool,
    /// The veto items that failed.
    pub failed_veto_items: Vec<String>,
}

pub const MAX_COMMENT_CHARS: usize = 2000;

/// Checks a score sheet against the template and the findings, and totals it. Every item of
/// the template is answered once; a veto that fails and a deduction give a comment; a
/// finding is dismissed or lessened only with a comment (`finding_dismissed_without_reason`);
/// a deduction stays within the item's points. `exemplary` needs an excellent file, `poor`
/// one that is not.
pub fn tally(
    template: &TemplateContent,
    findings: &[Finding],
    veto: &[VetoAnswer],
    items: &[ItemAnswer],
    mark: Option<Mark>,
) -> Result<Tally, AppError> {
    let mut errors = Vec::new();
    let commented = |comment: &Option<String>| comment.as_deref().is_some_and(|c| !c.trim().is_empty());
    let mut seen = HashSet::new();
    for (i, answer) in veto.iter().enumerate() {
        if template.veto_item(&answer.key).is_none() {
            errors.push(FieldError::new(
                format!("veto[{i}].key"),
                "no veto item of the template has this key",
            ));
        } else if !seen.insert(answer.key.as_str()) {
            errors.push(FieldError::new(format!("veto[{i}].key"), "answered twice"));
        } else if answer.failed && !commented(&answer.comment) {
            errors.push(FieldError::new(
                format!("veto[{i}].comment"),
                "say why the file fails on this item",
            ));
        }
        crate::error::check_optional_text(
            &format!("veto[{i}].comment"),
            answer.comment.as_deref().filter(|c| !c.is_empty()),
            MAX_COMMENT_CHARS,
            &mut errors,
        );
    }
    let missing: Vec<&str> = template
        .veto_items
        .iter()
        .filter(|item| !seen.contains(item.key.as_str()))
        .map(|item| item.key.as_str())
        .collect();
    if !missing.is_empty() {
        errors.push(FieldError::new(
            "veto",
            format!("answer every veto item; missing: {}", missing.join(", ")),
        ));
    }
    let mut seen = HashSet::new();
    for (i, answer) in items.iter().enumerate() {
        match template.point_item(&answer.key) {
            None => errors.push(FieldError::new(
                format!("items[{i}].key"),
                "no point item of the template has this key",
            )),
            Some(_) if !seen.insert(answer.key.as_str()) => {
                errors.push(FieldError::new(format!("items[{i}].key"), "answered twice"));
            }
            Some(item) if answer.deduction > item.points => errors.push(FieldError::new(
                format!("items[{i}].deduction"),
                format!("at most the item's {} points", item.points),
            )),
            Some(_) if answer.deduction > Points::ZERO && !commented(&answer.comment) => {
                errors.push(FieldError::new(
                    format!("items[{i}].comment"),
                    "say why the points are deducted",
                ));
            }
            Some(_) => {}
        }
        crate::error::check_optional_text(
            &format!("items[{i}].comment"),
            answer.comment.as_deref().filter(|c| !c.is_empty()),
            MAX_COMMENT_CHARS,
            &mut errors,
        );
    }
    let missing: Vec<&str> = template
        .point_items()
        .filter(|(_, item)| !seen.contains(item.key.as_str()))
        .map(|(_, item)| item.key.as_str())
        .collect();
    if !missing.is_empty() {
        errors.push(FieldError::new(
            "items",
            format!("answer every point item; missing: {}", missing.join(", ")),
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    for finding in findings {
        let dismissed_without_reason = if finding.veto {
            veto.iter()
                .find(|a| a.key == finding.item_key)
                .is_some_and(|a| !a.failed && !commented(&a.comment))
        } else {
            items
                .iter()
                .find(|a| a.key == finding.item_key)
                .is_some_and(|a| a.deduction < finding.deduction.unwrap_or(Points::ZERO) && !commented(&a.comment))
        };
        if dismissed_without_reason {
            return Err(AppError::rule(
                "finding_dismissed_without_reason",
                format!(
                    "the file shows a finding on {} ({}); confirm it, or give a comment saying why it does not hold",
                    finding.item_key, finding.detail
                ),
            ));
        }
    }
    let failed_veto_items: Vec<String> = veto.iter().filter(|a| a.failed).map(|a| a.key.clone()).collect();
    let vetoed = !failed_veto_items.is_empty();
    let max_points = template.max_points();
    let deducted: Points = items.iter().map(|a| a.deduction).sum();
    let (total, grade) = if vetoed {
        (Points::ZERO, Grade::Fail)
    } else {
        let total = max_points - deducted;
        (total, template.grade(total))
    };
    match mark {
        Some(Mark::Exemplary) if grade != Grade::Excellent => {
            return Err(AppError::rule(
                "exemplary_requires_excellent",
                format!(
                    "a 示范优案 is a file graded excellent; this one is {} ({total} points)",
                    grade.label()
                ),
            ));
        }
        Some(Mark::Poor) if grade == Grade::Excellent => {
            return Err(AppError::rule(
                "poor_requires_below_excellent",
                format!("a 典型差案 is not a file graded excellent ({total} points)"),
            ));
        }
        _ => {}
    }
    Ok(Tally {
        max_points,
        deducted,
        total,
        grade,
        vetoed,
        failed_veto_items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::model::testing::{case, date};
    use crate::cases::model::{CaseStatus, Penalty, PenaltyType};

    fn all_pass(template: &TemplateContent) -> (Vec<VetoAnswer>, Vec<ItemAnswer>) {
        (
            template
                .veto_items
                .iter()
                .map(|i| VetoAnswer {
                    key: i.key.clone(),
                    failed: false,
                    comment: None,
                })
                .collect(),
            template
                .point_items()
                .map(|(_, i)| ItemAnswer {
                    key: i.key.clone(),
                    deduction: Points::ZERO,
                    comment: None,
                })
                .collect(),
        )
    }

    fn deduct(items: &mut [ItemAnswer], key: &str, points: f64) {
        let item = items.iter_mut().find(|i| i.key == key).unwrap();
        item.deduction = Points::parse(points).unwrap();
        item.comment = Some("扣分理由".into());
    }

    #[test]
    fn a_failed_veto_item_zeroes_the_score_whatever_the_points() {
        let template = default_template();
        let (mut veto, items) = all_pass(&template);
        veto[3].failed = true;
        veto[3].comment = Some("询问笔录与现场照片矛盾".into());
        let tally = tally(&template, &[], &veto, &items, None).unwrap();
        assert_eq!(
            (tally.total, tally.grade, tally.vetoed),
            (Points::ZERO, Grade::Fail, true)
        );
        assert_eq!(tally.failed_veto_items, vec!["insufficient_evidence".to_string()]);
    }

    #[test]
    fn deductions_are_summed_in_half_points() {
        let template = default_template();
        let (veto, mut items) = all_pass(&template);
        deduct(&mut items, "evidence", 5.5);
        deduct(&mut items, "numbering", 4.0);
        let tally = tally(&template, &[], &veto, &items, None).unwrap();
        assert_eq!(tally.total, Points::parse(90.5).unwrap());
        assert_eq!(tally.grade, Grade::Excellent);
        deduct(&mut items, "service", 1.0);
        let tally = super::tally(&template, &[], &veto, &items, Some(Mark::Poor)).unwrap();
        assert_eq!(
            (tally.total.to_string(), tally.grade),
            ("89.5".to_string(), Grade::Pass)
        );
    }

    #[test]
    fn every_item_is_answered_once_within_its_points_and_deductions_give_reasons() {
        let template = default_template();
        let (veto, mut items) = all_pass(&template);
        let fields = |result: Result<Tally, AppError>| match result {
            Err(AppError::Validation(errors)) => errors.into_iter().map(|e| e.field).collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        assert_eq!(fields(tally(&template, &[], &veto[1..], &items, None)), vec!["veto"]);
        items[0].deduction = Points::whole(6);
        items[0].comment = Some("x".into());
        assert_eq!(
            fields(tally(&template, &[], &veto, &items, None)),
            vec!["items[0].deduction"]
        );
        items[0].deduction = Points::whole(2);
        items[0].comment = None;
        assert_eq!(
            fields(tally(&template, &[], &veto, &items, None)),
            vec!["items[0].comment"]
        );
        items[0].comment = Some("x".into());
        let mut twice = items.clone();
        twice.push(items[1].clone());
        assert_eq!(
            fields(tally(&template, &[], &veto, &twice, None)),
            vec!["items[12].key"]
        );
    }

    #[test]
    fn marks_follow_the_grade() {
        let template = default_template();
        let (veto, mut items) = all_pass(&template);
        assert!(tally(&template, &[], &veto, &items, Some(Mark::Exemplary)).is_ok());
        let refused = tally(&template, &[], &veto, &items, Some(Mark::Poor)).unwrap_err();
        assert!(matches!(
            refused,
            AppError::Rule {
                rule: "poor_requires_below_excellent",
                ..
            }
        ));
        deduct(&mut items, "facts", 10.5 - 0.5);
        deduct(&mut items, "evidence", 1.0);
        let refused = tally(&template, &[], &veto, &items, Some(Mark::Exemplary)).unwrap_err();
        assert!(matches!(
            refused,
            AppError::Rule {
                rule: "exemplary_requires_excellent",
                ..
            }
        ));
    }

    #[test]
    fn a_finding_is_confirmed_or_dismissed_with_a_reason() {
        let template = default_template();
        let mut one_officer = case(CaseKind::Penalty, Some(Procedure::Ordinary), CaseStatus::Closed);
        one_officer.officers.truncate(1);
        let found = findings(&template, &failed_checks(&one_officer, &[]));
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].check, found[0].veto), (Check::TwoOfficers, true));
        assert_eq!(found[0].item_key, "fewer_than_two_officers");
        let (mut veto, items) = all_pass(&template);
        let refused = tally(&template, &found, &veto, &items, None).unwrap_err();
        assert!(matches!(
            refused,
            AppError::Rule {
                rule: "finding_dismissed_without_reason",
                ..
            }
        ));
        let position = veto.iter().position(|v| v.key == "fewer_than_two_officers").unwrap();
        veto[position].comment = Some("另一名执法人员的询问笔录签名在卷".into());
        assert!(!tally(&template, &found, &veto, &items, None).unwrap().vetoed);
        veto[position].failed = true;
        assert!(tally(&template, &found, &veto, &items, None).unwrap().vetoed);
    }

    #[test]
    fn the_file_is_checked_for_what_the_law_requires() {
        let mut file = case(CaseKind::Penalty, Some(Procedure::Ordinary), CaseStatus::Closed);
        assert!(failed_checks(&file, &["ordinary_procedure"]).is_empty());
        file.decided_on = Some(date("2024-12-20"));
        file.decision_due_on = Some(date("2024-12-01"));
        file.outcome = Some(Outcome::Penalty);
        file.penalties = vec![Penalty {
            kind: PenaltyType::Fine,
            amount_fen: Some(20000),
        }];
        file.officers[1].certificate_expires_on = Some(date("2024-09-01"));
        let checks: Vec<Check> = failed_checks(&file, &["ordinary_procedure"])
            .into_iter()
            .map(|(c, _)| c)
            .collect();
        assert_eq!(
            checks,
            vec![
                Check::OfficerCertificates,
                Check::LegalReview,
                Check::DecisionDeadline,
                Check::PriorNotice,
                Check::ServiceRecord
            ]
        );
        // The decision on its last day is in time; a certificate valid on the filing day counts.
        file.decided_on = Some(date("2024-12-01"));
        file.officers[1].certificate_expires_on = Some(date("2024-09-02"));
        file.legal_review_outcome = Some(ReviewOutcome::Approved);
        file.notified_on = Some(date("2024-11-01"));
        file.served_on = Some(date("2024-12-02"));
        assert!(failed_checks(&file, &["ordinary_procedure"]).is_empty());
        // Outside the review's scope, no review is missing.
        file.legal_review_outcome = None;
        assert!(failed_checks(&file, &[]).is_empty());
    }
}
