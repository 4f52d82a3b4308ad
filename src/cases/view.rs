//! A case as the API shows it, with what the caller may do next and what is overdue.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::cases::model::{
    Action, Case, CaseKind, CaseSource, CaseStatus, DefenseState, Finding, HearingState, InspectionResult, Outcome,
    Penalty, Procedure, Proposal, Relation, ReviewOutcome, Revocation, ServiceMethod, SubjectKind, allowed_actions,
    overdue_deadlines,
};
use crate::cases::store::CaseMeta;
use crate::clock;

#[derive(Debug, Serialize, ToSchema)]
pub struct SubjectRef {
    pub id: String,
    pub name: String,
    pub kind: SubjectKind,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OfficerRef {
    pub id: String,
    pub display_name: String,
    /// 执法证号
    pub certificate_no: Option<String>,
    /// 主办人 (the first officer)
    pub lead: bool,
    /// Stepped aside (回避, APL art. 43): takes no further step.
    pub recused: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PowerRef {
    pub power_id: String,
    /// The version cited: the one in force on the case's date.
    pub power_version_id: String,
    pub version: i32,
    pub code: String,
    pub name: String,
    pub requires_av_record: bool,
}

/// 行政处罚事先告知
#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeView {
    /// The penalties notified (拟作出的行政处罚).
    pub penalties: Vec<Penalty>,
    /// The notified fine (0 when none).
    pub fine_amount_fen: i64,
    pub notified_on: NaiveDate,
    pub hearing_rights: bool,
    pub hearing_request_due_on: Option<NaiveDate>,
}

/// 行政处罚决定
#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionView {
    pub outcome: Outcome,
    /// The penalties decided (并处: several at once, APL art. 9).
    pub penalties: Vec<Penalty>,
    /// The sum of the fines decided.
    pub fine_amount_fen: Option<i64>,
    pub decided_on: NaiveDate,
    /// 决定书文号
    pub decision_number: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseView {
    pub id: String,
    pub agency_id: String,
    pub kind: CaseKind,
    pub procedure: Option<Procedure>,
    /// 案件编号, e.g. 学府罚〔2024〕第001号
    pub case_number: String,
    pub status: CaseStatus,
    /// Increases with every change; send it back as `If-Match`.
    pub version: i32,
    pub subject: SubjectRef,
    pub summary: String,
    pub source: CaseSource,
    pub parent_case_id: Option<String>,
    /// 立案/登记日期 (may be earlier than the entry, 补录).
    pub opened_on: NaiveDate,
    pub violation_on: Option<NaiveDate>,
    /// The end of a continuing violation (APL art. 36).
    pub violation_ended_on: Option<NaiveDate>,
    /// When the violation was discovered (the filing date when not given).
    pub discovered_on: Option<NaiveDate>,
    pub serious_harm: bool,
    /// The party was 14–17 on the violation date: to be penalised lightly (APL art. 30).
    pub minor: bool,
    pub location: Option<String>,
    pub officers: Vec<OfficerRef>,
    pub powers: Vec<PowerRef>,
    pub inspection_result: Option<InspectionResult>,
    pub findings: Vec<Finding>,
    pub rectification_deadline: Option<NaiveDate>,
    /// The published inspection items the inspection covers (检查事项).
    pub inspection_items: Vec<crate::cases::model::CitedItem>,
    /// The head's approval, emergency start, inspection code and results notice, for an
    /// inspection that cites items.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inspection_plan: Option<crate::cases::model::InspectionPlan>,
    pub notice: Option<NoticeView>,
    pub defense_state: Option<DefenseState>,
    pub defense_due_on: Option<NaiveDate>,
    pub hearing_state: Option<HearingState>,
    pub hearing_on: Option<NaiveDate>,
    pub collective_discussion_on: Option<NaiveDate>,
    /// The party's education after a minor violation (APL art. 33).
    pub education_recorded_on: Option<NaiveDate>,
    /// The officers' proposed decision for the head (APL art. 57).
    pub proposal: Option<Proposal>,
    /// The decision needs counsel's approved review of the proposal first (APL art. 58).
    pub legal_review_required: bool,
    /// Why, under the agency's scope: `ordinary_procedure`, or for `major_only`
    /// `large_amount`, `hearing_rights`, `hearing_held`, `complex`, `major_public_interest`.
    pub legal_review_reasons: Vec<String>,
    /// The latest review of the proposal and its outcome (`GET /legal-reviews/{id}`).
    pub legal_review_id: Option<String>,
    pub legal_review_outcome: Option<ReviewOutcome>,
    /// Counsel found the case should go to judicial organs (涉嫌犯罪移送).
    pub criminal_transfer_flagged: bool,
    /// 90 days from filing plus approved extensions (APL art. 60).
    pub decision_due_on: Option<NaiveDate>,
    pub decision: Option<DecisionView>,
    /// A recusal request (回避申请) about this officer awaits a supervisor's decision.
    pub recusal_requested_for: Option<String>,
    /// Simple procedure: the filing (备案) a supervisor acknowledges by this date (APL art. 52).
    pub filing_acknowledgement_due_on: Option<NaiveDate>,
    pub filing_acknowledged_on: Option<NaiveDate>,
    /// 7 working days from the decision (APL art. 61).
    pub service_due_on: Option<NaiveDate>,
    pub served_on: Option<NaiveDate>,
    pub service_method: Option<ServiceMethod>,
    /// 15 days from service (APL art. 67).
    pub payment_due_on: Option<NaiveDate>,
    pub paid_fen: i64,
    /// The party agreed to electronic service on this date (APL art. 61).
    pub electronic_service_consent_on: Option<NaiveDate>,
    /// Money collected on the spot is handed to the agency by this date (APL art. 71).
    pub handover_due_on: Option<NaiveDate>,
    pub handed_over_on: Option<NaiveDate>,
    /// A reconsideration or lawsuit pending since: the late penalty is paused (APL art. 73).
    pub remedy_pending_since: Option<NaiveDate>,
    /// 申请人民法院强制执行 (APL art. 72).
    pub court_enforcement_applied_on: Option<NaiveDate>,
    /// 加处罚款: 3 % of the fine per day late, at most the fine (APL art. 72), as of today
    /// or of full payment.
    pub late_payment_penalty_fen: i64,
    pub executed_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub archived_on: Option<NaiveDate>,
    pub transferred_to: Option<String>,
    pub transfer_reason: Option<String>,
    pub terminated_reason: Option<String>,
    /// The decision was revoked (撤销) or found void (确认无效): its penalties no longer stand.
    pub revocation: Option<Revocation>,
    /// Whether a deadline has passed with its step undone.
    pub overdue: bool,
    /// Which deadlines: `decision_due_on`, `service_due_on`, `payment_due_on`, `rectification_deadline`.
    pub overdue_deadlines: Vec<String>,
    /// What the caller may do now (rules may still refuse with 422).
    pub allowed_actions: Vec<Action>,
    /// When the case was entered (the real time, even for back-dated cases).
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub updated_at: DateTime<Utc>,
    /// Supervisors only, in `GET /cases/{id}`: whether an interference report (干预插手登记)
    /// names this case — that one exists, never its content. Absent for everyone else.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interference_reported: Option<bool>,
}

impl CaseView {
    pub fn new(case: Case, meta: &CaseMeta, relation: Relation, today: NaiveDate) -> Self {
        let overdue_deadlines: Vec<String> = overdue_deadlines(&case, today).into_iter().map(String::from).collect();
        let allowed = allowed_actions(&case, relation);
        let late = case.late_payment_penalty_fen(case.executed_on.unwrap_or(today));
        let notice = match case.notified_on.filter(|_| !case.notice_penalties.is_empty()) {
            Some(notified_on) => Some(NoticeView {
                fine_amount_fen: crate::cases::model::fine_of(&case.notice_penalties),
                penalties: case.notice_penalties.clone(),
                notified_on,
                hearing_rights: case.hearing_rights,
                hearing_request_due_on: case.hearing_request_due_on,
            }),
            _ => None,
        };
        let decision = match (case.outcome, case.decided_on) {
            (Some(outcome), Some(decided_on)) => Some(DecisionView {
                outcome,
                penalties: case.penalties.clone(),
                fine_amount_fen: case.fine_amount_fen(),
                decided_on,
                decision_number: case.decision_number.clone(),
            }),
            _ => None,
        };
        let minor = case.is_minor();
        CaseView {
            subject: SubjectRef {
                id: case.subject_id,
                name: meta.subject_name.clone(),
                kind: case.subject_kind,
            },
            officers: case
                .officers
                .into_iter()
                .enumerate()
                .map(|(i, o)| OfficerRef {
                    id: o.user_id,
                    display_name: o.display_name,
                    certificate_no: o.certificate_no,
                    lead: i == 0,
                    recused: o.recused,
                })
                .collect(),
            powers: case
                .powers
                .into_iter()
                .map(|p| PowerRef {
                    power_id: p.power_id,
                    power_version_id: p.power_version_id,
                    version: p.version,
                    code: p.code,
                    name: p.name,
                    requires_av_record: p.requires_av_record,
                })
                .collect(),
            id: case.id,
            agency_id: case.agency_id,
            kind: case.kind,
            procedure: case.procedure,
            case_number: case.case_number,
            status: case.status,
            version: case.version,
            summary: case.summary,
            source: case.source,
            parent_case_id: case.parent_case_id,
            opened_on: case.opened_on,
            violation_on: case.violation_on,
            violation_ended_on: case.violation_ended_on,
            discovered_on: case.discovered_on,
            serious_harm: case.serious_harm,
            minor,
            location: case.location,
            inspection_result: case.inspection_result,
            findings: case.findings,
            rectification_deadline: case.rectification_deadline,
            inspection_items: case.inspection_items,
            inspection_plan: case.plan,
            notice,
            education_recorded_on: case.education_recorded_on,
            proposal: case.proposal,
            legal_review_required: !meta.legal_review_reasons.is_empty(),
            legal_review_reasons: meta.legal_review_reasons.iter().map(|r| r.to_string()).collect(),
            legal_review_id: case.legal_review_id,
            legal_review_outcome: case.legal_review_outcome,
            criminal_transfer_flagged: case.criminal_transfer_flagged,
            filing_acknowledgement_due_on: case.filing_acknowledgement_due_on,
            filing_acknowledged_on: case.filing_acknowledged_on,
            defense_state: case.defense_state,
            defense_due_on: case.defense_due_on,
            hearing_state: case.hearing_state,
            hearing_on: case.hearing_on,
            collective_discussion_on: case.collective_discussion_on,
            decision_due_on: case.decision_due_on,
            decision,
            service_due_on: case.service_due_on,
            served_on: case.served_on,
            service_method: case.service_method,
            payment_due_on: case.payment_due_on,
            paid_fen: case.paid_fen,
            electronic_service_consent_on: case.electronic_service_consent_on,
            handover_due_on: case.handover_due_on,
            handed_over_on: case.handed_over_on,
            remedy_pending_since: case.remedy_pending_since,
            court_enforcement_applied_on: case.court_enforcement_applied_on,
            recusal_requested_for: case.recusal_requested_for,
            late_payment_penalty_fen: late,
            executed_on: case.executed_on,
            closed_on: case.closed_on,
            archived_on: case.archived_on,
            transferred_to: case.transferred_to,
            transfer_reason: case.transfer_reason,
            terminated_reason: case.terminated_reason,
            revocation: case.revocation,
            overdue: !overdue_deadlines.is_empty(),
            overdue_deadlines,
            allowed_actions: allowed,
            created_at: clock::from_db(meta.created_at),
            created_by: meta.created_by.clone(),
            updated_at: clock::from_db(meta.updated_at),
            interference_reported: None,
        }
    }
}
