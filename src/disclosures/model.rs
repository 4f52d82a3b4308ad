//! The rules of 事后公示 (DESIGN §5.3) as plain Rust: what a step discloses and by when,
//! who may publish, withdraw or update it and when, and what the public sees.
//!
//! Law: APL art. 48 (具有一定社会影响的行政处罚决定应当依法公开; 公开的行政处罚决定被依法变更、撤销、确认违法或者
//! 确认无效的，行政机关应当在三日内撤回行政处罚决定信息并公开说明理由); 国办发〔2018〕118号 (行政处罚决定 7 个工作日内,
//! 其他行政执法决定 20 个工作日内公开); 个人信息保护法 art. 28, 31 (minors' information is sensitive).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::calendar::model::WorkCalendar;
use crate::cases::model::{Case, CaseKind, InspectionResult, Outcome, ProcedureSettings, SubjectKind};
use crate::disclosures::redact::{self, Party};
use crate::documents::model::DocumentContent;
use crate::error::AppError;

string_enum!(
    /// What is disclosed.
    DisclosureKind {
        /// 行政处罚决定 (7 working days)
        PenaltyDecision => "penalty_decision",
        /// 不予行政处罚决定 and other decisions (20 working days)
        OtherDecision => "other_decision",
        /// 检查结果 of an inspection closed with findings (20 working days)
        InspectionResult => "inspection_result",
    }
);

impl DisclosureKind {
    pub fn label(self) -> &'static str {
        match self {
            DisclosureKind::PenaltyDecision => "行政处罚决定",
            DisclosureKind::OtherDecision => "不予行政处罚决定",
            DisclosureKind::InspectionResult => "行政检查结果",
        }
    }
}

string_enum!(
    DisclosureStatus {
        /// 待公开
        Pending => "pending",
        /// 已公开
        Published => "published",
        /// 已撤回 (stays listed, with its reason)
        Withdrawn => "withdrawn",
        /// 不予公开 (a minor's case)
        Exempt => "exempt",
    }
);

/// Days within which a revoked, changed or void decision's disclosure is withdrawn or
/// updated (APL art. 48 ¶2: 三日内). Counted as working days, as the State Council's
/// disclosure periods are.
pub const CORRECTION_WORKING_DAYS: u32 = 3;

/// A disclosure a step creates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDisclosure {
    pub kind: DisclosureKind,
    /// The decision date, or the day the inspection closed.
    pub source_on: NaiveDate,
    pub due_on: NaiveDate,
    /// A minor's case is never published.
    pub exempt_reason: Option<String>,
}

/// Whether a case involves a minor (未成年人) on the violation date: its disclosure is
/// exempt, never published.
pub fn involves_minor(case: &Case) -> bool {
    case.is_minor() || case.is_under_14()
}

/// The disclosure a decision creates: penalties within the penalty period, no-penalty
/// decisions within the other; a transfer to judicial organs is not disclosed.
pub fn for_decision(case: &Case, settings: &ProcedureSettings, calendar: &WorkCalendar) -> Option<NewDisclosure> {
    let decided_on = case.decided_on?;
    let (kind, days) = match case.outcome? {
        Outcome::Penalty => (
            DisclosureKind::PenaltyDecision,
            settings.disclosure_penalty_working_days,
        ),
        Outcome::TransferJudicial => return None,
        _ => (DisclosureKind::OtherDecision, settings.disclosure_other_working_days),
    };
    Some(new(case, kind, decided_on, days, calendar))
}

/// The disclosure an inspection closed with findings creates (检查结果).
pub fn for_inspection(
    case: &Case,
    closed_on: NaiveDate,
    settings: &ProcedureSettings,
    calendar: &WorkCalendar,
) -> Option<NewDisclosure> {
    if case.kind != CaseKind::Inspection || case.inspection_result != Some(InspectionResult::ViolationsFound) {
        return None;
    }
    Some(new(
        case,
        DisclosureKind::InspectionResult,
        closed_on,
        settings.disclosure_other_working_days,
        calendar,
    ))
}

fn new(case: &Case, kind: DisclosureKind, source_on: NaiveDate, days: u32, calendar: &WorkCalendar) -> NewDisclosure {
    NewDisclosure {
        kind,
        source_on,
        // Day 0 is the decision day; the last day, if a rest day, moves to the next working day.
        due_on: calendar.add_working_days(source_on, days),
        exempt_reason: involves_minor(case).then(|| "未成年人案件不予公开".to_string()),
    }
}

/// The day a disclosure must be withdrawn or updated by, after its decision was revoked,
/// changed or found void on `on`.
pub fn correction_due_on(on: NaiveDate, calendar: &WorkCalendar) -> NaiveDate {
    calendar.add_working_days(on, CORRECTION_WORKING_DAYS)
}

/// `publish`: only a pending disclosure, never an exempt one.
pub fn check_publish(status: DisclosureStatus) -> Result<(), AppError> {
    match status {
        DisclosureStatus::Pending => Ok(()),
        DisclosureStatus::Exempt => Err(AppError::rule(
            "minor_never_published",
            "a case involving a minor is never published (个人信息保护法 art. 28, 31)",
        )),
        other => Err(AppError::rule(
            "disclosure_not_pending",
            format!("the disclosure is {other}; only a pending one is published"),
        )),
    }
}

/// `withdraw`: a pending or published disclosure, with a reason stated to the public.
pub fn check_withdraw(status: DisclosureStatus, reason: &str) -> Result<String, AppError> {
    if !matches!(status, DisclosureStatus::Pending | DisclosureStatus::Published) {
        return Err(AppError::rule(
            "disclosure_not_withdrawable",
            format!("the disclosure is {status}; only a pending or published one is withdrawn"),
        ));
    }
    reason_text(reason)
}

/// `update`: a published disclosure, republished from the case as it now stands, with the
/// reason stated.
pub fn check_update(status: DisclosureStatus, reason: &str) -> Result<String, AppError> {
    if status != DisclosureStatus::Published {
        return Err(AppError::rule(
            "disclosure_not_published",
            format!("the disclosure is {status}; only a published one is updated"),
        ));
    }
    reason_text(reason)
}

fn reason_text(reason: &str) -> Result<String, AppError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::rule(
            "disclosure_reason_required",
            "a withdrawal or update states its reason to the public (APL art. 48 ¶2: 公开说明理由)",
        ));
    }
    if reason.chars().count() > 2000 {
        return Err(AppError::field("reason", "must be at most 2000 characters"));
    }
    Ok(reason.to_string())
}

/// What the public sees of a disclosure: redacted, fixed when published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PublicContent {
    pub kind: DisclosureKind,
    /// 行政处罚决定信息公开表, 行政检查结果公示.
    pub title: String,
    pub agency_name: String,
    pub case_number: String,
    /// 决定书文号 (decisions).
    pub document_number: Option<String>,
    /// 企业, 自然人, 个体工商户, 其他组织.
    pub party_kind: String,
    /// The party's name; a person's as surname + 某.
    pub party_name: String,
    /// An organisation's unified social credit code.
    pub uscc: Option<String>,
    /// An organisation's legal representative (法定代表人), public in business registration.
    pub legal_representative: Option<String>,
    /// 违法事实 / 检查发现的问题.
    pub facts: String,
    pub legal_basis: Option<String>,
    /// 处罚内容 / 处理结果.
    pub result: String,
    /// The decision date or the day the inspection closed.
    pub decided_on: NaiveDate,
}

/// Who the text is about, as redaction needs it.
fn party_of(
    kind: SubjectKind,
    name: &str,
    representative: Option<&str>,
    address: Option<&str>,
    uscc: Option<&str>,
) -> Party {
    match kind {
        SubjectKind::Individual => Party {
            is_person: true,
            person_names: vec![name.to_string()],
            person_addresses: address.map(String::from).into_iter().collect(),
            keep: vec![],
        },
        SubjectKind::IndividualBusiness => Party {
            is_person: true,
            person_names: representative.map(String::from).into_iter().collect(),
            person_addresses: address.map(String::from).into_iter().collect(),
            keep: uscc.map(String::from).into_iter().collect(),
        },
        _ => Party {
            is_person: false,
            person_names: representative.map(String::from).into_iter().collect(),
            person_addresses: vec![],
            keep: uscc.map(String::from).into_iter().collect(),
        },
    }
}

/// The public content of a decision, from its decision document (决定书) as issued.
pub fn decision_content(kind: DisclosureKind, document: &DocumentContent) -> PublicContent {
    let p = &document.party;
    let party = party_of(
        p.kind,
        &p.name,
        p.legal_representative.as_deref(),
        p.address.as_deref(),
        p.uscc.as_deref(),
    );
    let is_organisation = !party.is_person;
    let penalties: Vec<String> = document.penalties.iter().map(|line| line.text.clone()).collect();
    let result = if penalties.is_empty() {
        document.decision_text.clone()
    } else {
        penalties.join("；")
    };
    PublicContent {
        kind,
        title: format!("{}信息公开", kind.label()),
        agency_name: document.agency_name.clone(),
        case_number: document.case_number.clone(),
        document_number: Some(document.number.clone()),
        party_kind: p.kind_label.clone(),
        party_name: redact::redact(&p.name, &party),
        uscc: if p.kind == SubjectKind::Individual {
            None
        } else {
            p.uscc.clone()
        },
        legal_representative: if is_organisation {
            p.legal_representative.clone()
        } else {
            None
        },
        facts: redact::redact(&document.facts, &party),
        legal_basis: Some(redact::redact(&document.legal_basis, &party)),
        result: redact::redact(&result, &party),
        decided_on: document.issued_on,
    }
}

/// The register's view of a party, for an inspection's public result.
pub struct PartyRecord<'a> {
    pub kind: SubjectKind,
    pub kind_label: &'a str,
    pub name: &'a str,
    pub uscc: Option<&'a str>,
    pub legal_representative: Option<&'a str>,
    pub address: Option<&'a str>,
}

/// The public content of an inspection's result (检查结果).
pub fn inspection_content(
    case: &Case,
    agency_name: &str,
    party: &PartyRecord<'_>,
    closed_on: NaiveDate,
) -> PublicContent {
    let redaction = party_of(
        party.kind,
        party.name,
        party.legal_representative,
        party.address,
        party.uscc,
    );
    let findings: Vec<String> = case
        .findings
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let state = if f.rectified {
                "已整改"
            } else if f.escalated {
                "已转立案查处"
            } else {
                "整改中"
            };
            format!("{}. {}（{}）", i + 1, f.description, state)
        })
        .collect();
    let all_rectified = case
        .findings
        .iter()
        .all(|f| f.rectified || f.hazard_level.as_str() == "none");
    PublicContent {
        kind: DisclosureKind::InspectionResult,
        title: "行政检查结果公示".into(),
        agency_name: agency_name.to_string(),
        case_number: case.case_number.clone(),
        document_number: None,
        party_kind: party.kind_label.to_string(),
        party_name: redact::redact(party.name, &redaction),
        uscc: if party.kind == SubjectKind::Individual {
            None
        } else {
            party.uscc.map(String::from)
        },
        legal_representative: if redaction.is_person {
            None
        } else {
            party.legal_representative.map(String::from)
        },
        facts: redact::redact(&findings.join("\n"), &redaction),
        legal_basis: None,
        result: if all_rectified {
            "发现问题，已责令整改并复查合格".into()
        } else {
            "发现问题，已依法处理".into()
        },
        decided_on: closed_on,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::model::testing::{calendar, case, date};
    use crate::cases::model::{CaseStatus, Procedure};

    #[test]
    fn a_penalty_decision_of_27_september_2024_is_due_on_12_october() {
        // National Day: 1–7 October off, Sunday 29 September and Saturday 12 October worked.
        let mut decided = case(CaseKind::Penalty, Some(Procedure::Ordinary), CaseStatus::Decided);
        decided.outcome = Some(Outcome::Penalty);
        decided.decided_on = Some(date("2024-09-27"));
        let created = for_decision(&decided, &ProcedureSettings::default(), &calendar()).unwrap();
        assert_eq!(created.kind, DisclosureKind::PenaltyDecision);
        assert_eq!(created.due_on, date("2024-10-12"));
        assert_eq!(created.exempt_reason, None);
        let mut no_penalty = decided.clone();
        no_penalty.outcome = Some(Outcome::NoPenaltyUnfounded);
        let created = for_decision(&no_penalty, &ProcedureSettings::default(), &calendar()).unwrap();
        assert_eq!(created.kind, DisclosureKind::OtherDecision);
        assert_eq!(created.due_on, calendar().add_working_days(date("2024-09-27"), 20));
        let mut transferred = decided.clone();
        transferred.outcome = Some(Outcome::TransferJudicial);
        assert_eq!(
            for_decision(&transferred, &ProcedureSettings::default(), &calendar()),
            None
        );
        assert_eq!(correction_due_on(date("2024-09-27"), &calendar()), date("2024-10-08"));
    }

    #[test]
    fn an_inspection_discloses_only_findings() {
        let mut closed = case(CaseKind::Inspection, None, CaseStatus::Closed);
        closed.inspection_result = Some(InspectionResult::Compliant);
        let settings = ProcedureSettings::default();
        assert_eq!(
            for_inspection(&closed, date("2024-09-02"), &settings, &calendar()),
            None
        );
        closed.inspection_result = Some(InspectionResult::ViolationsFound);
        let created = for_inspection(&closed, date("2024-09-02"), &settings, &calendar()).unwrap();
        assert_eq!(created.kind, DisclosureKind::InspectionResult);
    }

    #[test]
    fn withdrawals_and_updates_state_their_reason_and_exempt_ones_never_publish() {
        assert!(check_publish(DisclosureStatus::Pending).is_ok());
        let exempt = check_publish(DisclosureStatus::Exempt).unwrap_err();
        assert_eq!(exempt.to_problem().rule.as_deref(), Some("minor_never_published"));
        let twice = check_publish(DisclosureStatus::Published).unwrap_err();
        assert_eq!(twice.to_problem().rule.as_deref(), Some("disclosure_not_pending"));
        let blank = check_withdraw(DisclosureStatus::Published, "  ").unwrap_err();
        assert_eq!(blank.to_problem().rule.as_deref(), Some("disclosure_reason_required"));
        assert_eq!(
            check_withdraw(DisclosureStatus::Published, " 决定已被撤销 ").unwrap(),
            "决定已被撤销"
        );
        assert!(check_withdraw(DisclosureStatus::Withdrawn, "x").is_err());
        assert!(check_update(DisclosureStatus::Pending, "x").is_err());
        assert!(check_update(DisclosureStatus::Published, "x").is_ok());
    }
}
