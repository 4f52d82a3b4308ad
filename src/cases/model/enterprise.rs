//! Inspections of enterprises under 国办发〔2024〕54号 (国务院办公厅关于严格规范涉企行政检查
//! 的意见, in force 2025): the published items an inspection cites (三: "清单之外无检查"),
//! the head's approval before it starts (五: 检查必审批), the yearly cap on inspections of one
//! enterprise under one item (四), and the inspection code (行政检查码, "扫码入企").

use super::*;
pub use crate::inspection_items::model::{InspectionItem, InspectionMethod};

/// An inspection item a case cites, as it stood at filing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CitedItem {
    pub item_id: String,
    pub code: String,
    pub name: String,
    pub method: InspectionMethod,
    /// The item's own yearly cap; `None`: the agency's default.
    pub yearly_cap: Option<u32>,
    pub complaint_exempt: bool,
}

impl CitedItem {
    pub fn from_item(item: &InspectionItem) -> Self {
        CitedItem {
            item_id: item.id.clone(),
            code: item.code.clone(),
            name: item.name.clone(),
            method: item.method,
            yearly_cap: item.yearly_cap,
            complaint_exempt: item.complaint_exempt,
        }
    }
}

string_enum!(
    /// Why an inspection may exceed an item's yearly cap.
    CapExemptionKind {
        /// 投诉举报: triggered by a complaint, for items that exempt those.
        Complaint => "complaint",
        /// 上级交办: ordered by a higher authority, with the reason stated.
        HigherAuthority => "higher_authority",
    }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CapExemption {
    pub kind: CapExemptionKind,
    pub reason: String,
}

string_enum!(
    /// How the enterprise was told the inspection's result (检查结果告知).
    ResultsNoticeMethod {
        /// 当场告知
        OnSite => "on_site",
        /// 书面送达
        Written => "written",
        /// 电子送达 or through the inspection code
        Electronic => "electronic",
    }
);

/// The head's approval of an inspection (行政检查审批).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct InspectionApproval {
    pub approved_by: String,
    pub approved_on: NaiveDate,
    pub planned_from: NaiveDate,
    pub planned_to: NaiveDate,
}

/// An inspection started before approval in an emergency, to be approved by `approval_due_on`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EmergencyStart {
    pub reason: String,
    pub started_on: NaiveDate,
    pub approval_due_on: NaiveDate,
}

/// What an inspection of an enterprise carries beyond an ordinary inspection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct InspectionPlan {
    pub method: InspectionMethod,
    pub approval: Option<InspectionApproval>,
    pub emergency: Option<EmergencyStart>,
    pub cap_exemption: Option<CapExemption>,
    /// 行政检查码, issued on approval.
    pub code: Option<String>,
    /// The officers showed the code to the enterprise at the start.
    pub code_presented: bool,
    /// 检查结果告知: due within the agency's working days of the findings.
    pub results_due_on: Option<NaiveDate>,
    pub results_notified_on: Option<NaiveDate>,
    pub results_notice_method: Option<String>,
}

impl InspectionPlan {
    pub fn new(method: InspectionMethod) -> Self {
        InspectionPlan {
            method,
            approval: None,
            emergency: None,
            cap_exemption: None,
            code: None,
            code_presented: false,
            results_due_on: None,
            results_notified_on: None,
            results_notice_method: None,
        }
    }
}

/// Whether the 2025 rules for inspections of enterprises apply to a subject: enterprises
/// and sole traders (个体工商户), both 经营主体 under the opinion.
pub fn is_enterprise(kind: SubjectKind) -> bool {
    matches!(kind, SubjectKind::Enterprise | SubjectKind::IndividualBusiness)
}

/// An inspection of an enterprise or a sole trader cites at least one item of the agency's
/// published inspection list (国办发〔2024〕54号 三: "清单之外无检查"); inspections of
/// individuals and other subjects fall outside the opinion and may cite none.
pub fn check_items_cited(kind: CaseKind, subject_kind: SubjectKind, item_count: usize) -> Result<(), Refusal> {
    if kind == CaseKind::Inspection && is_enterprise(subject_kind) && item_count == 0 {
        return Err(rule(
            "item_not_published",
            "an inspection of an enterprise or sole trader (经营主体) cites at least one item of the agency's published inspection list in inspection_item_ids (国办发〔2024〕54号 三: 清单之外无检查)",
        ));
    }
    Ok(())
}

/// The items an inspection cites at filing: each must be one of the agency's items and in
/// force on the filing date (国办发〔2024〕54号 三: no inspection outside the published list).
/// `found` holds, for each requested id in order, the item when the agency has one.
pub fn check_cited_items(
    found: &[(String, Option<InspectionItem>)],
    opened_on: NaiveDate,
) -> Result<Vec<CitedItem>, Refusal> {
    let mut seen = std::collections::HashSet::new();
    let mut cited = Vec::new();
    for (i, (id, item)) in found.iter().enumerate() {
        let field = format!("inspection_item_ids[{i}]");
        if !seen.insert(id.as_str()) {
            return Err(invalid(&field, "is cited twice"));
        }
        let Some(item) = item else {
            return Err(invalid(&field, "no such inspection item in this agency's list"));
        };
        if !item.in_force_on(opened_on) {
            return Err(rule(
                "item_not_published",
                format!(
                    "{field} ({} {}) is not in the published inspection list on {opened_on}; an enterprise is inspected only under an item published and in force that day (国办发〔2024〕54号 三)",
                    item.code, item.name
                ),
            ));
        }
        cited.push(CitedItem::from_item(item));
    }
    Ok(cited)
}

/// The method of an inspection citing `items`: off-site only when every item is.
pub fn method_of(items: &[CitedItem]) -> InspectionMethod {
    if !items.is_empty() && items.iter().all(|item| item.method == InspectionMethod::OffSite) {
        InspectionMethod::OffSite
    } else {
        InspectionMethod::OnSite
    }
}

/// The yearly cap (国办发〔2024〕54号 四): approving this inspection must not take the
/// inspections of the enterprise under any cited item this year past the item's cap.
/// `prior` counts, per item id, the other approved inspections of the enterprise under it in
/// the year that did not need an exemption. A complaint-triggered inspection under an item
/// that exempts those is exempt; otherwise only a stated exemption lets it through.
pub fn check_yearly_cap(
    items: &[CitedItem],
    prior: &std::collections::HashMap<String, u32>,
    agency_cap: u32,
    source: CaseSource,
    exemption: Option<&CapExemption>,
) -> Result<Option<CapExemption>, Refusal> {
    let complaint = matches!(source, CaseSource::Complaint | CaseSource::Hotline12345);
    let mut needed = None;
    for item in items {
        let cap = item.yearly_cap.unwrap_or(agency_cap);
        let before = prior.get(&item.item_id).copied().unwrap_or(0);
        if before < cap {
            continue;
        }
        if complaint && item.complaint_exempt {
            needed.get_or_insert(CapExemption {
                kind: CapExemptionKind::Complaint,
                reason: format!("投诉举报触发，{} 不计入年度频次上限", item.code),
            });
            continue;
        }
        match exemption {
            Some(given) if given.kind == CapExemptionKind::HigherAuthority => {
                needed = Some(given.clone());
            }
            Some(given) if given.kind == CapExemptionKind::Complaint && complaint && item.complaint_exempt => {
                needed = Some(given.clone());
            }
            _ => {
                return Err(rule(
                    "inspection_frequency_cap",
                    format!(
                        "the enterprise was already inspected {before} time(s) this year under {} {} (cap {cap}); approve it only with an exemption: a complaint for an item that exempts complaints, or an order of a higher authority with its reason (国办发〔2024〕54号 四)",
                        item.code, item.name
                    ),
                ));
            }
        }
    }
    Ok(needed)
}

string_enum!(
    /// What an inspection code stands for today, as the enterprise scanning it is told.
    CodeStatus {
        /// Approved for a window that has not begun.
        NotYetValid => "not_yet_valid",
        /// Within its approved window, or the inspection is under way.
        Valid => "valid",
        /// The window passed without the inspection starting.
        Expired => "expired",
        /// The inspection's result is recorded.
        Completed => "completed",
        /// The inspection was voided, transferred or ended otherwise.
        Withdrawn => "withdrawn",
    }
);

/// What a code stands for on `today`: valid only in its window (or while the inspection
/// it belongs to is under way); after the findings it shows the result.
pub fn code_status(case: &Case, today: NaiveDate) -> CodeStatus {
    if matches!(
        case.status,
        CaseStatus::Voided | CaseStatus::Transferred | CaseStatus::Terminated
    ) {
        return CodeStatus::Withdrawn;
    }
    if case.inspection_result.is_some() {
        return CodeStatus::Completed;
    }
    if matches!(case.status, CaseStatus::InProgress | CaseStatus::Rectifying) {
        return CodeStatus::Valid;
    }
    match case.plan.as_ref().and_then(|plan| plan.approval.as_ref()) {
        Some(approval) if today < approval.planned_from => CodeStatus::NotYetValid,
        Some(approval) if today > approval.planned_to => CodeStatus::Expired,
        Some(_) => CodeStatus::Valid,
        None => CodeStatus::Withdrawn,
    }
}

string_enum!(
    /// The window a frequency alert counts in.
    @ordered "day, week, month"
    AlertWindow {
        /// One calendar day.
        Day => "day",
        /// Seven consecutive days.
        Week => "week",
        /// One calendar month.
        Month => "month",
    }
);

/// An enterprise inspected more often than a threshold allows (国办发〔2024〕54号 七:
/// 预警重复检查、高频检查).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FrequencyAlert {
    pub subject_id: String,
    pub window: AlertWindow,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub inspections: usize,
    pub threshold: u32,
    pub case_ids: Vec<String>,
}

/// The alerts over inspections `(subject_id, day, case_id)`: for each enterprise, every
/// day, seven-day span and calendar month with more inspections than its threshold (more
/// than, so the threshold itself is no alert). Overlapping seven-day spans of one
/// enterprise are reported once, as the first span that exceeds it from each run.
pub fn frequency_alerts(
    inspections: &[(String, NaiveDate, String)],
    per_day: u32,
    per_week: u32,
    per_month: u32,
) -> Vec<FrequencyAlert> {
    use std::collections::BTreeMap;
    let mut by_subject: BTreeMap<&str, Vec<(NaiveDate, &str)>> = BTreeMap::new();
    for (subject, day, case_id) in inspections {
        by_subject.entry(subject).or_default().push((*day, case_id));
    }
    let mut alerts = Vec::new();
    for (subject, mut days) in by_subject {
        days.sort();
        let alert = |window, from, to, within: Vec<&(NaiveDate, &str)>, threshold: u32| FrequencyAlert {
            subject_id: subject.to_string(),
            window,
            from,
            to,
            inspections: within.len(),
            threshold,
            case_ids: within.iter().map(|(_, id)| id.to_string()).collect(),
        };
        // Calendar days and months.
        let mut groups: BTreeMap<(AlertWindow, NaiveDate), Vec<&(NaiveDate, &str)>> = BTreeMap::new();
        for entry in &days {
            groups.entry((AlertWindow::Day, entry.0)).or_default().push(entry);
            let month = entry.0.with_day(1).unwrap_or(entry.0);
            groups.entry((AlertWindow::Month, month)).or_default().push(entry);
        }
        for ((window, from), within) in groups {
            let (threshold, to) = match window {
                AlertWindow::Day => (per_day, from),
                _ => (
                    per_month,
                    from.checked_add_months(Months::new(1))
                        .map_or(from, |next| next - chrono::Duration::days(1)),
                ),
            };
            if within.len() as u32 > threshold {
                alerts.push(alert(window, from, to, within, threshold));
            }
        }
        // Seven-day spans: from each inspection, the six days after it.
        let mut covered_until: Option<NaiveDate> = None;
        for (i, (start, _)) in days.iter().enumerate() {
            let end = *start + chrono::Duration::days(6);
            let within: Vec<&(NaiveDate, &str)> = days[i..].iter().take_while(|(d, _)| *d <= end).collect();
            if within.len() as u32 > per_week && covered_until.is_none_or(|until| *start > until) {
                covered_until = Some(end);
                alerts.push(alert(AlertWindow::Week, *start, end, within, per_week));
            }
        }
    }
    alerts
}

/// Joint inspections (综合查一次, 国办发〔2024〕54号 四): inspections of one enterprise not yet
/// started whose dates (`(subject_id, case_id, date)`: the approved start, else the filing
/// date) lie within `window_days` of the one before are proposed to be merged into one.
/// Each proposal lists two or more case ids, by date.
pub fn merge_proposals(inspections: &[(String, String, NaiveDate)], window_days: u32) -> Vec<(String, Vec<String>)> {
    let mut sorted: Vec<&(String, String, NaiveDate)> = inspections.iter().collect();
    sorted.sort_by(|a, b| (&a.0, a.2, &a.1).cmp(&(&b.0, b.2, &b.1)));
    let mut proposals = Vec::new();
    let mut group: Vec<&(String, String, NaiveDate)> = Vec::new();
    let mut flush = |group: &mut Vec<&(String, String, NaiveDate)>| {
        if group.len() >= 2 {
            proposals.push((group[0].0.clone(), group.iter().map(|(_, id, _)| id.clone()).collect()));
        }
        group.clear();
    };
    for entry in sorted {
        let joins = group
            .last()
            .is_some_and(|last| last.0 == entry.0 && (entry.2 - last.2).num_days() <= i64::from(window_days));
        if !joins {
            flush(&mut group);
        }
        group.push(entry);
    }
    flush(&mut group);
    proposals
}

/// A code as typed from paper: spaces around dropped, letters in upper case.
pub fn normalize_code(code: &str) -> String {
    code.trim().to_ascii_uppercase()
}

/// 行政检查码: 12 characters of Crockford base32 (no I, L, O, U) from 60 random bits —
/// short enough to type from a printed notice, too many to guess (2^60).
pub fn inspection_code(random: u64) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    (0..12)
        .rev()
        .map(|i| ALPHABET[((random >> (i * 5)) & 31) as usize] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn item(id: &str, method: InspectionMethod, withdrawn_on: Option<&str>) -> InspectionItem {
        InspectionItem {
            id: id.into(),
            code: format!("XF-JC-{id}"),
            name: "餐饮服务食品安全检查".into(),
            power_id: "p1".into(),
            method,
            yearly_cap: None,
            complaint_exempt: true,
            published_on: day("2025-03-01"),
            withdrawn_on: withdrawn_on.map(day),
        }
    }

    #[test]
    fn items_are_cited_only_while_published() {
        let found = vec![
            ("a".to_string(), Some(item("a", InspectionMethod::OnSite, None))),
            (
                "b".to_string(),
                Some(item("b", InspectionMethod::OffSite, Some("2025-06-01"))),
            ),
        ];
        let cited = check_cited_items(&found, day("2025-05-31")).unwrap();
        assert_eq!(cited.len(), 2);
        match check_cited_items(&found, day("2025-06-01")) {
            Err(Refusal::Rule { rule, .. }) => assert_eq!(rule, "item_not_published"),
            other => panic!("{other:?}"),
        }
        match check_cited_items(&found, day("2025-02-28")) {
            Err(Refusal::Rule { rule, .. }) => assert_eq!(rule, "item_not_published", "before publication"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            check_cited_items(&[("x".to_string(), None)], day("2025-05-01")),
            Err(Refusal::Invalid(_))
        ));
        let twice = vec![found[0].clone(), found[0].clone()];
        assert!(matches!(
            check_cited_items(&twice, day("2025-05-01")),
            Err(Refusal::Invalid(_))
        ));
    }

    #[test]
    fn an_enterprise_is_inspected_only_under_a_published_item() {
        for kind in [SubjectKind::Enterprise, SubjectKind::IndividualBusiness] {
            match check_items_cited(CaseKind::Inspection, kind, 0) {
                Err(Refusal::Rule { rule, .. }) => assert_eq!(rule, "item_not_published"),
                other => panic!("{kind:?}: {other:?}"),
            }
            assert!(check_items_cited(CaseKind::Inspection, kind, 1).is_ok());
            assert!(
                check_items_cited(CaseKind::Penalty, kind, 0).is_ok(),
                "penalty cases cite no items"
            );
        }
        assert!(check_items_cited(CaseKind::Inspection, SubjectKind::Individual, 0).is_ok());
    }

    #[test]
    fn an_inspection_is_off_site_only_when_every_item_is() {
        let on = CitedItem::from_item(&item("a", InspectionMethod::OnSite, None));
        let off = CitedItem::from_item(&item("b", InspectionMethod::OffSite, None));
        assert_eq!(method_of(std::slice::from_ref(&off)), InspectionMethod::OffSite);
        assert_eq!(method_of(&[off, on]), InspectionMethod::OnSite);
        assert_eq!(method_of(&[]), InspectionMethod::OnSite);
    }

    #[test]
    fn the_cap_counts_up_to_and_including_its_figure() {
        let items = vec![CitedItem::from_item(&item("a", InspectionMethod::OnSite, None))];
        let prior = |n: u32| HashMap::from([("a".to_string(), n)]);
        // Cap 2: a second inspection in the year is within it ("以内"), a third is not.
        assert_eq!(
            check_yearly_cap(&items, &prior(1), 2, CaseSource::Routine, None),
            Ok(None)
        );
        match check_yearly_cap(&items, &prior(2), 2, CaseSource::Routine, None) {
            Err(Refusal::Rule { rule, .. }) => assert_eq!(rule, "inspection_frequency_cap"),
            other => panic!("{other:?}"),
        }
        // A complaint under an item exempting complaints passes, and says why.
        let exempt = check_yearly_cap(&items, &prior(2), 2, CaseSource::Complaint, None).unwrap();
        assert_eq!(exempt.map(|e| e.kind), Some(CapExemptionKind::Complaint));
        // An order of a higher authority passes with its reason.
        let ordered = CapExemption {
            kind: CapExemptionKind::HigherAuthority,
            reason: "区政府交办".into(),
        };
        assert_eq!(
            check_yearly_cap(&items, &prior(2), 2, CaseSource::Routine, Some(&ordered)),
            Ok(Some(ordered.clone()))
        );
        // An item that counts complaints: a complaint needs the exemption like any other.
        let mut counting = items.clone();
        counting[0].complaint_exempt = false;
        assert!(check_yearly_cap(&counting, &prior(2), 2, CaseSource::Complaint, None).is_err());
        // The item's own cap wins over the agency's.
        counting[0].yearly_cap = Some(3);
        assert_eq!(
            check_yearly_cap(&counting, &prior(2), 2, CaseSource::Routine, None),
            Ok(None)
        );
    }

    #[test]
    fn inspection_codes_are_twelve_crockford_characters() {
        let code = inspection_code(0x0FED_CBA9_8765_4321);
        assert_eq!(code.len(), 12);
        assert!(
            code.chars().all(|c| "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains(c)),
            "{code}"
        );
        assert_ne!(inspection_code(1), inspection_code(2));
        assert_eq!(inspection_code(0), "000000000000");
    }

    #[test]
    fn a_code_is_valid_in_its_window_and_shows_the_result_after() {
        let mut case = crate::cases::model::testing::planned_inspection(InspectionMethod::OnSite);
        case.plan.as_mut().unwrap().approval = Some(InspectionApproval {
            approved_by: "head".into(),
            approved_on: day("2025-05-01"),
            planned_from: day("2025-05-10"),
            planned_to: day("2025-05-20"),
        });
        assert_eq!(code_status(&case, day("2025-05-09")), CodeStatus::NotYetValid);
        assert_eq!(code_status(&case, day("2025-05-10")), CodeStatus::Valid);
        assert_eq!(
            code_status(&case, day("2025-05-20")),
            CodeStatus::Valid,
            "the last day counts"
        );
        assert_eq!(code_status(&case, day("2025-05-21")), CodeStatus::Expired);
        case.status = CaseStatus::InProgress;
        assert_eq!(
            code_status(&case, day("2025-05-21")),
            CodeStatus::Valid,
            "started in time, still going"
        );
        case.inspection_result = Some(InspectionResult::Compliant);
        assert_eq!(code_status(&case, day("2025-06-30")), CodeStatus::Completed);
        case.status = CaseStatus::Voided;
        assert_eq!(code_status(&case, day("2025-05-15")), CodeStatus::Withdrawn);
    }

    #[test]
    fn alerts_count_more_than_the_threshold_in_a_day_a_week_or_a_month() {
        let at = |subject: &str, on: &str, id: &str| (subject.to_string(), day(on), id.to_string());
        let inspections = vec![
            // A: twice on one day (threshold 1), three times in a week (2).
            at("A", "2025-05-05", "a1"),
            at("A", "2025-05-05", "a2"),
            at("A", "2025-05-09", "a3"),
            // B: three times in May, spread out: the week's threshold holds, the month's (3) too.
            at("B", "2025-05-01", "b1"),
            at("B", "2025-05-12", "b2"),
            at("B", "2025-05-26", "b3"),
            // C: four in May, and across the month's end no more than two in a week.
            at("C", "2025-05-01", "c1"),
            at("C", "2025-05-10", "c2"),
            at("C", "2025-05-20", "c3"),
            at("C", "2025-05-31", "c4"),
        ];
        let alerts = frequency_alerts(&inspections, 1, 2, 3);
        let summary: Vec<(&str, AlertWindow, usize)> = alerts
            .iter()
            .map(|a| (a.subject_id.as_str(), a.window, a.inspections))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("A", AlertWindow::Day, 2),
                ("A", AlertWindow::Week, 3),
                ("C", AlertWindow::Month, 4),
            ]
        );
        assert_eq!(alerts[1].from, day("2025-05-05"));
        assert_eq!(alerts[1].to, day("2025-05-11"));
        assert_eq!(alerts[2].to, day("2025-05-31"));
        assert_eq!(alerts[0].case_ids, vec!["a1", "a2"]);
        // At the threshold, no alert ("超过" excludes the figure).
        assert!(frequency_alerts(&inspections[3..6], 1, 2, 3).is_empty());
    }

    #[test]
    fn inspections_of_one_enterprise_within_the_window_are_proposed_for_merging() {
        let at = |subject: &str, id: &str, on: &str| (subject.to_string(), id.to_string(), day(on));
        let planned = vec![
            at("A", "a1", "2025-05-01"),
            at("A", "a2", "2025-05-11"),
            at("A", "a3", "2025-05-20"),
            at("A", "a4", "2025-06-15"),
            at("B", "b1", "2025-05-01"),
            at("C", "c1", "2025-05-03"),
            at("C", "c2", "2025-05-03"),
        ];
        // Ten days: a1–a2 (10 days, "以内" includes it) chain on to a3; a4 stands alone.
        assert_eq!(
            merge_proposals(&planned, 10),
            vec![
                (
                    "A".to_string(),
                    vec!["a1".to_string(), "a2".to_string(), "a3".to_string()]
                ),
                ("C".to_string(), vec!["c1".to_string(), "c2".to_string()]),
            ]
        );
        assert_eq!(
            merge_proposals(&planned, 9).len(),
            2,
            "a2–a3 (9 days) still join, a1 does not"
        );
        assert_eq!(
            merge_proposals(&planned, 9)[0].1,
            vec!["a2".to_string(), "a3".to_string()]
        );
    }
}
