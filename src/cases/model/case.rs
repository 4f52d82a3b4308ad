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
    /// From the subject's ID number, for APL art. 30 (minors); not stored on the case.
    pub subject_birth_date: Option<NaiveDate>,
    pub summary: String,
    pub source: CaseSource,
    pub parent_case_id: Option<String>,
    pub opened_on: NaiveDate,
    pub violation_on: Option<NaiveDate>,
    /// The end of a continuing violation (连续或者继续状态, APL art. 36).
    pub violation_ended_on: Option<NaiveDate>,
    /// When the violation was discovered (发现); the filing date when not given.
    pub discovered_on: Option<NaiveDate>,
    pub serious_harm: bool,
    pub location: Option<String>,
    pub officers: Vec<CaseOfficer>,
    pub powers: Vec<CitedPower>,
    // inspection
    pub inspection_result: Option<InspectionResult>,
    pub findings: Vec<Finding>,
    pub rectification_deadline: Option<NaiveDate>,
    /// The published inspection items cited (检查事项, 国办发〔2024〕54号).
    pub inspection_items: Vec<CitedItem>,
    /// Approval, emergency start, inspection code and results notice of an inspection that
    /// cites items.
    pub plan: Option<InspectionPlan>,
    // prior notice (事先告知)
    pub notice_penalties: Vec<Penalty>,
    pub notified_on: Option<NaiveDate>,
    pub defense_due_on: Option<NaiveDate>,
    pub defense_state: Option<DefenseState>,
    pub hearing_rights: bool,
    pub hearing_request_due_on: Option<NaiveDate>,
    pub hearing_state: Option<HearingState>,
    pub hearing_on: Option<NaiveDate>,
    pub collective_discussion_on: Option<NaiveDate>,
    /// The party was educated (教育) after a minor violation (APL art. 33 ¶3).
    pub education_recorded_on: Option<NaiveDate>,
    // decision
    pub proposal: Option<Proposal>,
    /// The latest legal review of the current proposal and its outcome (法制审核, art. 58);
    /// a new proposal clears the outcome.
    pub legal_review_id: Option<String>,
    pub legal_review_outcome: Option<ReviewOutcome>,
    /// Counsel found that the case should go to judicial organs (涉嫌犯罪).
    pub criminal_transfer_flagged: bool,
    pub decision_due_on: Option<NaiveDate>,
    /// The discretion benchmark an on-the-spot decision applied (简易程序, 国办发〔2022〕27号);
    /// an ordinary decision's is in its proposal ([`Case::applied_benchmark`]).
    pub on_the_spot_benchmark: Option<AppliedBenchmark>,
    pub outcome: Option<Outcome>,
    pub penalties: Vec<Penalty>,
    pub decided_on: Option<NaiveDate>,
    pub decision_number: Option<String>,
    /// A simple-procedure decision is filed with the agency (备案, APL art. 52) and
    /// acknowledged by a supervisor by this date.
    pub filing_acknowledgement_due_on: Option<NaiveDate>,
    pub filing_acknowledged_on: Option<NaiveDate>,
    pub service_due_on: Option<NaiveDate>,
    /// The party agreed to electronic service (APL art. 61 ¶2).
    pub electronic_service_consent_on: Option<NaiveDate>,
    /// The day service took effect (for a public notice, 30 days after publication).
    pub served_on: Option<NaiveDate>,
    pub service_method: Option<ServiceMethod>,
    pub payment_due_on: Option<NaiveDate>,
    pub paid_fen: i64,
    /// Money collected on the spot is handed to the agency by this date (APL art. 71).
    pub handover_due_on: Option<NaiveDate>,
    pub handed_over_on: Option<NaiveDate>,
    /// A reconsideration or lawsuit pending since this date: no late penalty accrues.
    pub remedy_pending_since: Option<NaiveDate>,
    /// Days of the late period that passed while a remedy was pending (APL art. 73 ¶3).
    pub late_penalty_paused_days: i64,
    /// 申请人民法院强制执行 (APL art. 72 (3)).
    pub court_enforcement_applied_on: Option<NaiveDate>,
    /// The officer a pending recusal request (回避申请) is about.
    pub recusal_requested_for: Option<String>,
    pub executed_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub archived_on: Option<NaiveDate>,
    pub transferred_to: Option<String>,
    pub transfer_reason: Option<String>,
    pub terminated_reason: Option<String>,
    /// The penalty decision was revoked or found void: its penalties no longer stand.
    pub revocation: Option<Revocation>,
    pub version: i32,
}

/// A penalty decision revoked (撤销) or found void (确认无效).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Revocation {
    pub kind: RevocationKind,
    pub authority: RevocationAuthority,
    /// The day the revoking decision or judgment took effect.
    pub on: NaiveDate,
    /// Its number (e.g. 区政府行复决字〔2024〕第12号), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_no: Option<String>,
    pub reason: String,
}

/// The officers' proposed decision (处理意见), which the head decides (APL art. 57).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Proposal {
    pub outcome: Outcome,
    pub penalties: Vec<Penalty>,
    pub facts: String,
    pub legal_basis: String,
    pub discretion_reasoning: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_penalty_ground: Option<NoPenaltyGround>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mitigation_ground: Option<MitigationGround>,
    /// For `transfer_judicial`: the organ the case goes to (e.g. 公安机关).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receiving_organ: Option<String>,
    /// 案件情况疑难复杂、涉及多个法律关系 (art. 58 (3)).
    #[serde(default)]
    pub complex: bool,
    /// 涉及重大公共利益 (art. 58 (1)).
    #[serde(default)]
    pub major_public_interest: bool,
    pub proposed_on: NaiveDate,
    /// The discretion benchmark applied, and whether (and why) the penalties leave it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub benchmark: Option<AppliedBenchmark>,
    /// The entry of the four lists applied (不予处罚, 减轻, 从轻), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_entry: Option<crate::cases::model::AppliedListEntry>,
}

/// The discretion benchmark a proposal applies (行政裁量权基准, 国办发〔2022〕27号).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AppliedBenchmark {
    /// The version's id.
    pub id: String,
    pub power_id: String,
    pub version: i32,
    /// 违法情节
    pub circumstance: String,
    pub grade: crate::benchmarks::model::BenchmarkGrade,
    /// What the grade allows, in words.
    pub allows: String,
    /// The amount a multiple applies to, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_amount_fen: Option<i64>,
    /// The penalties leave the grade: what is outside, and the officers' reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deviation: Option<Deviation>,
    /// This version was in force when the proposal was made and punishes more lightly than
    /// the version (this number) in force on the violation date, so it applies (APL art. 37).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces_version: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Deviation {
    pub outside: String,
    pub reason: String,
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
    pub subject_birth_date: Option<NaiveDate>,
    pub summary: String,
    pub source: CaseSource,
    pub parent_case_id: Option<String>,
    pub opened_on: NaiveDate,
    pub violation_on: Option<NaiveDate>,
    pub violation_ended_on: Option<NaiveDate>,
    pub discovered_on: Option<NaiveDate>,
    pub serious_harm: bool,
    pub officers: Vec<CaseOfficer>,
    pub powers: Vec<CitedPower>,
    /// The agency's `filing_approval` setting: an ordinary penalty case then waits for the
    /// head's approval (立案审批).
    pub filing_approval: bool,
}

impl Case {
    /// A case as it is opened: in its first state, with its decision period running.
    pub fn open(opening: Opening) -> Case {
        Case {
            status: initial_status(opening.kind, opening.procedure, opening.filing_approval),
            decision_due_on: initial_decision_due_on(opening.kind, opening.procedure, opening.opened_on),
            id: opening.id,
            agency_id: opening.agency_id,
            kind: opening.kind,
            procedure: opening.procedure,
            case_number: opening.case_number,
            subject_id: opening.subject_id,
            subject_kind: opening.subject_kind,
            subject_birth_date: opening.subject_birth_date,
            summary: opening.summary,
            source: opening.source,
            parent_case_id: opening.parent_case_id,
            opened_on: opening.opened_on,
            violation_on: opening.violation_on,
            violation_ended_on: opening.violation_ended_on,
            discovered_on: opening.discovered_on,
            serious_harm: opening.serious_harm,
            location: None,
            officers: opening.officers,
            powers: opening.powers,
            inspection_result: None,
            findings: Vec::new(),
            rectification_deadline: None,
            inspection_items: Vec::new(),
            plan: None,
            notice_penalties: Vec::new(),
            notified_on: None,
            defense_due_on: None,
            defense_state: None,
            hearing_rights: false,
            hearing_request_due_on: None,
            hearing_state: None,
            hearing_on: None,
            collective_discussion_on: None,
            education_recorded_on: None,
            proposal: None,
            legal_review_id: None,
            legal_review_outcome: None,
            criminal_transfer_flagged: false,
            on_the_spot_benchmark: None,
            outcome: None,
            penalties: Vec::new(),
            decided_on: None,
            decision_number: None,
            filing_acknowledgement_due_on: None,
            filing_acknowledged_on: None,
            service_due_on: None,
            electronic_service_consent_on: None,
            served_on: None,
            service_method: None,
            payment_due_on: None,
            paid_fen: 0,
            handover_due_on: None,
            handed_over_on: None,
            remedy_pending_since: None,
            late_penalty_paused_days: 0,
            court_enforcement_applied_on: None,
            recusal_requested_for: None,
            executed_on: None,
            closed_on: None,
            archived_on: None,
            transferred_to: None,
            transfer_reason: None,
            terminated_reason: None,
            revocation: None,
            version: 1,
        }
    }

    /// The fine decided (the sum of fines among the penalties), if any.
    /// Whether the decision's penalties stand: decided as a penalty and not revoked or
    /// found void since.
    pub fn penalty_stands(&self) -> bool {
        self.outcome == Some(Outcome::Penalty) && self.revocation.is_none()
    }

    pub fn fine_amount_fen(&self) -> Option<i64> {
        (self.outcome == Some(Outcome::Penalty)).then(|| fine_of(&self.penalties))
    }

    /// The party's age in whole years on the day of the violation (APL art. 30), when the
    /// party is a natural person whose birth date is known. A year of age is complete only
    /// from the day after the birthday (the courts' reckoning of 周岁, 法释〔2006〕1号 art. 2):
    /// on its 14th birthday a party is still under 14, the reading that favours it.
    pub fn age_at_violation(&self) -> Option<i32> {
        let born = self.subject_birth_date?;
        let on = self.violation_on?;
        if !self.subject_kind.counts_as_individual() {
            return None;
        }
        let mut age = on.year() - born.year();
        if (on.month(), on.day()) <= (born.month(), born.day()) {
            age -= 1;
        }
        Some(age)
    }

    /// The discretion benchmark the decision applies: the on-the-spot decision's own, or
    /// the proposal's.
    pub fn applied_benchmark(&self) -> Option<&AppliedBenchmark> {
        match self.procedure {
            Some(Procedure::Simple) => self.on_the_spot_benchmark.as_ref(),
            _ => self.proposal.as_ref().and_then(|p| p.benchmark.as_ref()),
        }
    }

    /// 已满十四周岁不满十八周岁: to be penalised lightly (从轻或者减轻, APL art. 30).
    pub fn is_minor(&self) -> bool {
        self.age_at_violation().is_some_and(|age| (14..18).contains(&age))
    }

    /// The late-payment penalty as of `as_of` (APL art. 72), less the days a
    /// reconsideration or lawsuit was pending (art. 73 ¶3).
    pub fn late_payment_penalty_fen(&self, as_of: NaiveDate) -> i64 {
        // A revoked or void decision owes nothing, late penalty included.
        if self.revocation.is_some() {
            return 0;
        }
        let Some(fine) = self.fine_amount_fen() else { return 0 };
        let Some(due) = self.payment_due_on else { return 0 };
        let mut paused = self.late_penalty_paused_days;
        if let Some(since) = self.remedy_pending_since {
            paused += (as_of - since.max(due)).num_days().max(0);
        }
        let days_late = ((as_of - due).num_days() - paused).max(0);
        late_payment_penalty_fen(fine, Some(due), due + chrono::Duration::days(days_late))
    }

    /// 不满十四周岁: not penalised (APL art. 30).
    pub fn is_under_14(&self) -> bool {
        self.age_at_violation().is_some_and(|age| age < 14)
    }
}

/// The state a new case starts in.
pub fn initial_status(kind: CaseKind, procedure: Option<Procedure>, filing_approval: bool) -> CaseStatus {
    match kind {
        CaseKind::Inspection => CaseStatus::Registered,
        CaseKind::Penalty if filing_approval && procedure != Some(Procedure::Simple) => CaseStatus::PendingApproval,
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

/// Per-agency settings the rules use (`GET/PUT /settings`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ProcedureSettings {
    /// 陈述申辩期限, in working days (default 5), 3–30.
    #[schema(minimum = 3, maximum = 30)]
    pub defense_period_working_days: u32,
    /// A fine or confiscation at or above this ("以上" includes the figure), for an
    /// individual or 个体工商户, is "large" (较大数额): hearing rights and collective
    /// discussion. Default ¥10,000.
    #[schema(minimum = 1)]
    pub hearing_threshold_individual_fen: i64,
    /// The same for organisations. Default ¥100,000.
    #[schema(minimum = 1)]
    pub hearing_threshold_organisation_fen: i64,
    /// Ordinary penalty cases wait for the head's approval of the filing (立案审批).
    /// Default on.
    #[serde(default = "default_true")]
    pub filing_approval: bool,
    /// The rule (法律、法规、规章) that allows extending the 90-day decision period (APL
    /// art. 60), e.g. 《市场监督管理行政处罚程序规定》第六十四条. Without one no extension
    /// is approved.
    #[serde(default)]
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = r"[^\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub extension_rule: Option<String>,
    /// The most days that rule allows in all (default 30), 1–365.
    #[serde(default = "default_extension_max_days")]
    #[schema(minimum = 1, maximum = 365)]
    pub extension_max_days: u32,
    /// Simple-procedure decisions not acknowledged (备案) by a supervisor within this many
    /// working days are listed as overdue (default 5), 1–30.
    #[serde(default = "default_acknowledgement_working_days")]
    #[schema(minimum = 1, maximum = 30)]
    pub acknowledgement_working_days: u32,
    /// Which decisions need counsel's passing review first (APL art. 58): `all_ordinary`
    /// (default) or `major_only`.
    #[serde(default = "default_legal_review_scope")]
    pub legal_review_scope: LegalReviewScope,
    /// A penalty decision is disclosed (公示) within this many working days (default 7,
    /// 国办发〔2018〕118号), 1–60.
    #[serde(default = "default_disclosure_penalty_working_days")]
    #[schema(minimum = 1, maximum = 60)]
    pub disclosure_penalty_working_days: u32,
    /// Other decisions and inspection results within this many (default 20), 1–60.
    #[serde(default = "default_disclosure_other_working_days")]
    #[schema(minimum = 1, maximum = 60)]
    pub disclosure_other_working_days: u32,
    /// Publish a decision's disclosure as soon as it is decided (default off: a supervisor
    /// publishes after checking the preview).
    #[serde(default)]
    pub disclosure_auto_publish: bool,
    /// Inspections of one enterprise under one item per calendar year, where the item names
    /// no cap of its own (default 2; 国办发〔2024〕54号 四 asks for a published yearly cap), 1–365.
    #[serde(default = "default_inspection_yearly_cap")]
    #[schema(minimum = 1, maximum = 365)]
    pub inspection_yearly_cap: u32,
    /// An inspection started in an emergency is approved within this many working days
    /// (default 2), 1–10.
    #[serde(default = "default_emergency_approval_working_days")]
    #[schema(minimum = 1, maximum = 10)]
    pub emergency_approval_working_days: u32,
    /// The enterprise is told the inspection's result (检查结果告知) within this many working
    /// days of the findings (default 5), 1–30.
    #[serde(default = "default_results_notice_working_days")]
    #[schema(minimum = 1, maximum = 30)]
    pub results_notice_working_days: u32,
    /// Inspections of one enterprise planned within this many days of each other are
    /// proposed for merging into one (综合查一次; default 10), 1–90.
    #[serde(default = "default_joint_inspection_window_days")]
    #[schema(minimum = 1, maximum = 90)]
    pub joint_inspection_window_days: u32,
    /// Alert when one enterprise is inspected more than this many times a day (default 1), 1–100.
    #[serde(default = "default_alert_per_day")]
    #[schema(minimum = 1, maximum = 100)]
    pub alert_per_day: u32,
    /// … more than this many times in seven days (default 2), 1–100.
    #[serde(default = "default_alert_per_week")]
    #[schema(minimum = 1, maximum = 100)]
    pub alert_per_week: u32,
    /// … more than this many times in a calendar month (default 3), 1–100.
    #[serde(default = "default_alert_per_month")]
    #[schema(minimum = 1, maximum = 100)]
    pub alert_per_month: u32,
}

fn default_inspection_yearly_cap() -> u32 {
    2
}

fn default_emergency_approval_working_days() -> u32 {
    2
}

fn default_results_notice_working_days() -> u32 {
    5
}

fn default_joint_inspection_window_days() -> u32 {
    10
}

fn default_alert_per_day() -> u32 {
    1
}

fn default_alert_per_week() -> u32 {
    2
}

fn default_alert_per_month() -> u32 {
    3
}

fn default_legal_review_scope() -> LegalReviewScope {
    LegalReviewScope::AllOrdinary
}

fn default_disclosure_penalty_working_days() -> u32 {
    7
}

fn default_disclosure_other_working_days() -> u32 {
    20
}

fn default_true() -> bool {
    true
}

fn default_extension_max_days() -> u32 {
    30
}

fn default_acknowledgement_working_days() -> u32 {
    5
}

impl Default for ProcedureSettings {
    fn default() -> Self {
        ProcedureSettings {
            defense_period_working_days: 5,
            hearing_threshold_individual_fen: 1_000_000,
            hearing_threshold_organisation_fen: 10_000_000,
            filing_approval: default_true(),
            extension_rule: None,
            extension_max_days: default_extension_max_days(),
            acknowledgement_working_days: default_acknowledgement_working_days(),
            legal_review_scope: default_legal_review_scope(),
            disclosure_penalty_working_days: default_disclosure_penalty_working_days(),
            disclosure_other_working_days: default_disclosure_other_working_days(),
            disclosure_auto_publish: false,
            inspection_yearly_cap: default_inspection_yearly_cap(),
            emergency_approval_working_days: default_emergency_approval_working_days(),
            results_notice_working_days: default_results_notice_working_days(),
            joint_inspection_window_days: default_joint_inspection_window_days(),
            alert_per_day: default_alert_per_day(),
            alert_per_week: default_alert_per_week(),
            alert_per_month: default_alert_per_month(),
        }
    }
}
