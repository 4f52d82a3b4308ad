//! A case as the rules see it, how it is opened, and the agency settings the rules use.

use super::*;

/// A case as the rules see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub id: String,
    pub agency_id: String,
    pub kind: CaseKind,
    pub procedure: Option<Procedure>,
    pub case_number: String,
    pub status: CaseStatus,
    pub subject_id: String,
    pub subject_kind: SubjectKind,
    pub summary: String,
    pub source: CaseSource,
    pub parent_case_id: Option<String>,
    pub opened_on: NaiveDate,
    pub violation_on: Option<NaiveDate>,
    pub serious_harm: bool,
    pub location: Option<String>,
    pub officers: Vec<CaseOfficer>,
    pub powers: Vec<CitedPower>,
    // inspection
    pub inspection_result: Option<InspectionResult>,
    pub findings: Vec<Finding>,
    pub rectification_deadline: Option<NaiveDate>,
    // prior notice (事先告知)
    pub notice_decision_type: Option<DecisionType>,
    pub notice_fine_fen: Option<i64>,
    pub notified_on: Option<NaiveDate>,
    pub defense_due_on: Option<NaiveDate>,
    pub defense_state: Option<DefenseState>,
    pub hearing_rights: bool,
    pub hearing_request_due_on: Option<NaiveDate>,
    pub hearing_state: Option<HearingState>,
    pub hearing_on: Option<NaiveDate>,
    pub collective_discussion_on: Option<NaiveDate>,
    // decision
    pub decision_due_on: Option<NaiveDate>,
    pub outcome: Option<Outcome>,
    pub decision_type: Option<DecisionType>,
    pub fine_amount_fen: Option<i64>,
    pub decided_on: Option<NaiveDate>,
    pub decision_number: Option<String>,
    pub service_due_on: Option<NaiveDate>,
    pub served_on: Option<NaiveDate>,
    pub service_method: Option<ServiceMethod>,
    pub payment_due_on: Option<NaiveDate>,
    pub paid_fen: i64,
    pub executed_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub archived_on: Option<NaiveDate>,
    pub transferred_to: Option<String>,
    pub transfer_reason: Option<String>,
    pub terminated_reason: Option<String>,
    pub version: i32,
}

/// What a case is opened with; everything else starts empty.
#[derive(Debug, Clone)]
pub struct Opening {
    pub id: String,
    pub agency_id: String,
    pub kind: CaseKind,
    pub procedure: Option<Procedure>,
    pub case_number: String,
    pub subject_id: String,
    pub subject_kind: SubjectKind,
    pub summary: String,
    pub source: CaseSource,
    pub parent_case_id: Option<String>,
    pub opened_on: NaiveDate,
    pub violation_on: Option<NaiveDate>,
    pub serious_harm: bool,
    pub officers: Vec<CaseOfficer>,
    pub powers: Vec<CitedPower>,
}

impl Case {
    /// A case as it is opened: in its first state, with its decision period running.
    pub fn open(opening: Opening) -> Case {
        Case {
            status: initial_status(opening.kind),
            decision_due_on: initial_decision_due_on(opening.kind, opening.procedure, opening.opened_on),
            id: opening.id,
            agency_id: opening.agency_id,
            kind: opening.kind,
            procedure: opening.procedure,
            case_number: opening.case_number,
            subject_id: opening.subject_id,
            subject_kind: opening.subject_kind,
            summary: opening.summary,
            source: opening.source,
            parent_case_id: opening.parent_case_id,
            opened_on: opening.opened_on,
            violation_on: opening.violation_on,
            serious_harm: opening.serious_harm,
            location: None,
            officers: opening.officers,
            powers: opening.powers,
            inspection_result: None,
            findings: Vec::new(),
            rectification_deadline: None,
            notice_decision_type: None,
            notice_fine_fen: None,
            notified_on: None,
            defense_due_on: None,
            defense_state: None,
            hearing_rights: false,
            hearing_request_due_on: None,
            hearing_state: None,
            hearing_on: None,
            collective_discussion_on: None,
            outcome: None,
            decision_type: None,
            fine_amount_fen: None,
            decided_on: None,
            decision_number: None,
            service_due_on: None,
            served_on: None,
            service_method: None,
            payment_due_on: None,
            paid_fen: 0,
            executed_on: None,
            closed_on: None,
            archived_on: None,
            transferred_to: None,
            transfer_reason: None,
            terminated_reason: None,
            version: 1,
        }
    }
}

/// The state a new case starts in.
pub fn initial_status(kind: CaseKind) -> CaseStatus {
    match kind {
        CaseKind::Inspection => CaseStatus::Registered,
        CaseKind::Penalty => CaseStatus::Filed,
    }
}

/// Decision due date of an ordinary penalty case: 90 calendar days from filing.
pub fn initial_decision_due_on(
    kind: CaseKind,
    procedure: Option<Procedure>,
    opened_on: NaiveDate,
) -> Option<NaiveDate> {
    (kind == CaseKind::Penalty && procedure != Some(Procedure::Simple))
        .then(|| add_calendar_days(opened_on, DECISION_PERIOD_DAYS))
}

/// The year a case is numbered under.
pub fn number_year(opened_on: NaiveDate) -> i32 {
    opened_on.year()
}

/// Per-agency settings the rules use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ProcedureSettings {
    /// 陈述申辩期限, in working days (default 5).
    pub defense_period_working_days: u32,
    /// A fine at or above this, for an individual, is "large" (较大数额): hearing rights
    /// and collective discussion. Default ¥10,000.
    pub hearing_threshold_individual_fen: i64,
    /// The same for organisations. Default ¥100,000.
    pub hearing_threshold_organisation_fen: i64,
}

impl Default for ProcedureSettings {
    fn default() -> Self {
        ProcedureSettings {
            defense_period_working_days: 5,
            hearing_threshold_individual_fen: 1_000_000,
            hearing_threshold_organisation_fen: 10_000_000,
        }
    }
}
