//! Commands (a step with its input), the context they are applied in, and what applying
//! one yields.

use super::*;

/// Declares `Command` (what the service parses), `TransitionRequest` (what the OpenAPI
/// document shows) and `Command::action` from one list, so the three cannot disagree.
/// Each variant is named as its `Action`.
macro_rules! commands {
    ($($variant:ident($input:ty)),+ $(,)?) => {
        /// A step with its input. The API receives `{"action": "start", …}` and parses it as
        /// `{"start": {…}}`, so errors can name the failing field.
        #[derive(Debug, Clone, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Command {
            $($variant($input)),+
        }

        /// The body of `POST /cases/{id}/transitions` as clients send it: `action` plus that
        /// action's fields (DESIGN §8). It documents the API; the service parses the same
        /// JSON into `Command`.
        #[derive(Debug, Clone, Deserialize, ToSchema)]
        #[serde(tag = "action", rename_all = "snake_case")]
        pub enum TransitionRequest {
            $($variant($input)),+
        }

        impl Command {
            pub fn action(&self) -> Action {
                match self {
                    $(Command::$variant(_) => Action::$variant),+
                }
            }
        }
    };
}

commands!(
    Start(StartInput),
    ApproveInspection(ApproveInspectionInput),
    NotifyResults(NotifyResultsInput),
    RecordFindings(RecordFindingsInput),
    OrderRectification(OrderRectificationInput),
    VerifyRectification(VerifyRectificationInput),
    Escalate(EscalateInput),
    ApproveFiling(NoInput),
    RefuseFiling(RefuseFilingInput),
    RecordInvestigation(RecordInvestigationInput),
    Notify(NotifyInput),
    RecordDefense(RecordDefenseInput),
    ReviewDefense(ReviewDefenseInput),
    WaiveDefense(WaiveDefenseInput),
    RequestHearing(RequestHearingInput),
    ScheduleHearing(ScheduleHearingInput),
    RecordHearing(RecordHearingInput),
    HearingNotAttended(HearingNotAttendedInput),
    RecordEducation(RecordEducationInput),
    ProposeDecision(ProposeDecisionInput),
    SubmitLegalReview(SubmitLegalReviewInput),
    RecordLegalOpinion(LegalOpinionInput),
    RecordCollectiveDiscussion(RecordCollectiveDiscussionInput),
    ExtendDecisionDeadline(ExtendDecisionDeadlineInput),
    Decide(DecideInput),
    AcknowledgeFiling(NoInput),
    RecordServiceConsent(RecordServiceConsentInput),
    Serve(ServeInput),
    RecordPayment(RecordPaymentInput),
    RecordHandover(RecordHandoverInput),
    RecordRemedy(RecordRemedyInput),
    RevokeDecision(RevokeDecisionInput),
    ApprovePaymentPlan(ApprovePaymentPlanInput),
    ApplyCourtEnforcement(ApplyCourtEnforcementInput),
    Close(NoInput),
    Archive(NoInput),
    RequestRecusal(RequestRecusalInput),
    DecideRecusal(DecideRecusalInput),
    Transfer(TransferInput),
    Terminate(TerminateInput),
    Void(VoidInput),
    Correct(CorrectInput),
);

/// The input of a step that takes none (`close`, `archive`).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct NoInput {}

/// The input of `start`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct StartInput {
    /// On-site inspections: the officers showed their enforcement certificates (APL art. 55).
    #[serde(default)]
    pub credentials_shown: bool,
    /// On-site inspections: where (not needed off site).
    pub location: Option<String>,
    /// Inspections citing items: the officers showed the inspection code (扫码入企).
    #[serde(default)]
    pub code_presented: bool,
    /// Inspections citing items, not yet approved: the emergency that cannot wait for the
    /// head's approval; it is then approved afterwards within the agency's working days.
    #[schema(min_length = 1, max_length = 500)]
    pub emergency_reason: Option<String>,
}

/// The input of `approve_inspection` (行政检查审批, 国办发〔2024〕54号 五): the window the
/// inspection is planned in; the officers and items are those of the case.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApproveInspectionInput {
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub planned_from: NaiveDate,
    /// At most 90 days after `planned_from`.
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub planned_to: NaiveDate,
    /// Needed when the enterprise already reached an item's yearly cap: `complaint` (for
    /// items exempting complaints, on a complaint-triggered case) or `higher_authority`.
    pub cap_exemption: Option<CapExemption>,
}

/// The input of `notify_results` (检查结果告知).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotifyResultsInput {
    pub method: ResultsNoticeMethod,
    /// Defaults to today; not in the future.
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub notified_on: Option<NaiveDate>,
}

/// The input of `record_findings`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RecordFindingsInput {
    pub result: InspectionResult,
    #[serde(default)]
    pub findings: Vec<FindingInput>,
}

/// The input of `order_rectification`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct OrderRectificationInput {
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub deadline: NaiveDate,
}

/// The input of `verify_rectification`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct VerifyRectificationInput {
    pub rectified: bool,
    #[serde(default)]
    pub note: Option<String>,
    /// A new deadline when not rectified.
    #[serde(default)]
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub deadline: Option<NaiveDate>,
    #[serde(default)]
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub verified_on: Option<NaiveDate>,
}

/// The input of `escalate`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct EscalateInput {
    pub summary: String,
    #[serde(default)]
    pub power_ids: Option<Vec<String>>,
    #[serde(default)]
    pub officer_ids: Option<Vec<String>>,
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub violation_on: NaiveDate,
    #[serde(default)]
    pub serious_harm: bool,
}

/// The input of `record_investigation`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RecordInvestigationInput {
    /// 询问笔录 `inquiry`, 现场笔录 `site`, 证据 `evidence`, other.
    pub record_type: InvestigationRecordType,
    pub content: String,
    #[serde(default)]
    pub credentials_shown: bool,
}

/// The input of `notify`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NotifyInput {
    /// The penalties proposed (拟作出的行政处罚), each `{type, amount_fen?}`.
    pub penalties: Vec<Penalty>,
    pub facts: String,
    pub legal_basis: String,
    #[serde(default)]
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub notified_on: Option<NaiveDate>,
}

/// The input of `record_defense`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RecordDefenseInput {
    pub content: String,
}

/// The input of `review_defense`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ReviewDefenseInput {
    /// 复核意见
    pub opinion: String,
    pub accepted: bool,
}

/// The input of `waive_defense`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct WaiveDefenseInput {
    #[serde(default)]
    pub note: Option<String>,
    /// The party also gives up the hearing it is entitled to (放弃听证).
    #[serde(default)]
    pub hearing_waived: bool,
}

/// The input of `request_hearing`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RequestHearingInput {
    #[serde(default)]
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub requested_on: Option<NaiveDate>,
}

/// The input of `schedule_hearing`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ScheduleHearingInput {
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub hearing_on: NaiveDate,
    /// The hearing's host (听证主持人): a user of the agency who is not an officer of the
    /// case (APL art. 64 (4)).
    pub host_id: String,
    #[serde(default)]
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub notified_on: Option<NaiveDate>,
}

/// The input of `record_hearing`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RecordHearingInput {
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub held_on: NaiveDate,
    pub summary: String,
}

/// The input of `record_collective_discussion`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RecordCollectiveDiscussionInput {
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub held_on: NaiveDate,
    pub participants: Vec<String>,
    pub conclusion: String,
}

/// The input of `extend_decision_deadline`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ExtendDecisionDeadlineInput {
    pub days: u32,
    pub reason: String,
}

/// The input of `decide`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct DecideInput {
    /// Simple procedure: `penalty`. Ordinary procedure: the proposal's outcome (may be
    /// left out).
    #[serde(default)]
    pub outcome: Option<Outcome>,
    /// Simple procedure: the penalties decided on the spot. Ordinary procedure: leave
    /// out to decide the proposal as proposed, or give lighter penalties.
    #[serde(default)]
    pub penalties: Option<Vec<Penalty>>,
    #[serde(default)]
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub decided_on: Option<NaiveDate>,
    /// Simple procedure: credentials shown on the spot (APL art. 52).
    #[serde(default)]
    pub credentials_shown: Option<bool>,
    /// Simple procedure: what the party said when told the facts, reasons, basis and its
    /// rights on the spot (APL art. 44, 52).
    #[serde(default)]
    pub party_heard: Option<String>,
    /// Simple procedure: a ground of APL art. 30–32 for a fine below the range.
    #[serde(default)]
    pub mitigation_ground: Option<MitigationGround>,
    /// Simple procedure: the discretion benchmark applied (行政裁量权基准), a version in
    /// force on the violation date of a cited power's benchmark (or a lighter one in force
    /// today, APL art. 37). Required when the cited powers have benchmarks in force; the
    /// penalties stay inside its grade — a deviation needs legal review and collective
    /// discussion, which only the ordinary procedure has. Ordinary procedure: leave out
    /// (the proposal's applies).
    #[serde(default)]
    pub benchmark_id: Option<String>,
    /// Simple procedure: the amount a multiple-of benchmark is computed on (fen).
    #[serde(default)]
    #[schema(minimum = 0)]
    pub base_amount_fen: Option<i64>,
}

/// The input of `refuse_filing` (不予立案).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RefuseFilingInput {
    pub reason: String,
}

/// The input of `hearing_not_attended`: the party stayed away without good reason or
/// left (APL art. 64 (8)): the hearing is deemed waived.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct HearingNotAttendedInput {
    #[serde(default)]
    pub note: Option<String>,
}

/// The input of `record_education` (对当事人进行教育, APL art. 33 ¶3).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RecordEducationInput {
    pub content: String,
    #[serde(default)]
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub educated_on: Option<NaiveDate>,
}

/// The input of `propose_decision` (处理意见, APL art. 57).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ProposeDecisionInput {
    pub outcome: Outcome,
    /// For `penalty`: the penalties proposed.
    #[serde(default)]
    pub penalties: Vec<Penalty>,
    pub facts: String,
    pub legal_basis: String,
    /// Why these penalties within the discretion range (裁量理由).
    pub discretion_reasoning: String,
    /// For `no_penalty_minor` (APL art. 33).
    #[serde(default)]
    pub no_penalty_ground: Option<NoPenaltyGround>,
    /// A ground of APL art. 30–32 for a fine below the discretion range.
    #[serde(default)]
    pub mitigation_ground: Option<MitigationGround>,
    /// For `transfer_judicial`: the receiving organ (e.g. 公安机关).
    #[serde(default)]
    pub receiving_organ: Option<String>,
    /// Defaults to today; may be earlier for a case entered after the fact (补录).
    #[serde(default)]
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub proposed_on: Option<NaiveDate>,
    /// 案件情况疑难复杂 (legal review in scope under `major_only`).
    #[serde(default)]
    pub complex: bool,
    /// 涉及重大公共利益 (legal review in scope under `major_only`).
    #[serde(default)]
    pub major_public_interest: bool,
    /// The discretion benchmark applied (行政裁量权基准, `GET /powers/{id}/benchmarks`): a
    /// version of a cited power's benchmark in force on the violation date. Required for a
    /// penalty when the cited powers have benchmarks in force then.
    #[serde(default)]
    pub benchmark_id: Option<String>,
    /// Why the penalties leave the benchmark's grade (国办发〔2022〕27号): the proposal then
    /// stands, and goes to legal review and collective discussion whatever the scope.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub deviation_reason: Option<String>,
    /// The amount a grade's multiple applies to (违法所得, 货值金额, 工程造价 …), in fen.
    #[serde(default)]
    #[schema(minimum = 0)]
    pub base_amount_fen: Option<i64>,
    /// An entry of the four lists the proposal applies (`GET /powers/{id}/list-entries`): a
    /// 不予处罚清单 entry goes with no_penalty_minor and refuses any penalty (422
    /// `no_penalty_list`); a 减轻/从轻 entry with a penalty and a benchmark of that grade.
    #[serde(default)]
    pub list_entry_id: Option<String>,
}

/// The input of `submit_legal_review` (`POST /cases/{id}/legal-reviews`): the current
/// proposal goes to counsel with the documents listed.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct SubmitLegalReviewInput {
    /// The documents and evidence submitted with it (文书、证据目录).
    #[serde(default)]
    pub documents: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// One item of counsel's checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ChecklistItem {
    pub item: ReviewItem,
    pub pass: bool,
    #[serde(default)]
    pub comment: Option<String>,
}

/// The input of `record_legal_opinion` (`POST /legal-reviews/{id}/opinion`).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct LegalOpinionInput {
    /// Set by the API from the path.
    #[serde(default)]
    pub review_id: String,
    pub outcome: ReviewOutcome,
    /// All ten items, each once.
    pub checklist: Vec<ChecklistItem>,
    pub opinion: String,
}

/// The input of `serve`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ServeInput {
    pub method: ServiceMethod,
    /// The day of service; for `notice` (公告送达) the day the notice was published, and
    /// service takes effect 30 days later (APL art. 61 with 民事诉讼法 art. 95).
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub served_on: NaiveDate,
    #[serde(default)]
    pub receipt: Option<String>,
}

/// The input of `record_payment`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RecordPaymentInput {
    pub amount_fen: i64,
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub paid_on: NaiveDate,
    /// Collected by the officers on the spot (当场收缴, APL art. 68).
    #[serde(default)]
    pub on_the_spot: bool,
    /// On the spot: the number of the 专用票据 handed to the party (APL art. 70).
    #[serde(default)]
    pub receipt_no: Option<String>,
    /// On the spot above ¥100: why the fine would be hard to collect later (APL art. 68 (2)).
    #[serde(default)]
    pub collection_ground: Option<String>,
}

/// The input of `record_handover`: the money collected on the spot handed to the agency
/// (APL art. 71: within 2 working days).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RecordHandoverInput {
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub handed_over_on: NaiveDate,
    #[serde(default)]
    pub note: Option<String>,
}

/// The input of `record_service_consent`: the party agreed to electronic service and
/// named the address (APL art. 61 ¶2).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RecordServiceConsentInput {
    /// The fax, e-mail or other electronic address the party gave.
    pub address: String,
    #[serde(default)]
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub consented_on: Option<NaiveDate>,
}

/// The input of `record_remedy`: an administrative reconsideration or lawsuit filed or
/// decided. While one is pending the late-payment penalty does not run (APL art. 73 ¶3).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RecordRemedyInput {
    pub kind: RemedyKind,
    pub event: RemedyEvent,
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub on: NaiveDate,
    /// For `decided`: what was decided (维持, 撤销, 变更…).
    #[serde(default)]
    pub result: Option<String>,
}

/// The input of `revoke_decision`: the penalty decision was revoked or found void — by the
/// agency correcting itself, a reconsideration decision or a court (APL art. 75, 行政复议法
/// art. 64, 行政诉讼法 art. 70, 75). Recorded by a supervisor.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RevokeDecisionInput {
    pub kind: RevocationKind,
    pub authority: RevocationAuthority,
    /// The day the revoking decision or judgment took effect: not before the decision, not
    /// in the future.
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub on: NaiveDate,
    #[serde(default)]
    pub document_no: Option<String>,
    pub reason: String,
}

/// The input of `approve_payment_plan`: deferral or instalments (APL art. 66 ¶2).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ApprovePaymentPlanInput {
    /// The new last day to pay (for instalments, the last instalment's).
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub payment_due_on: NaiveDate,
    /// Instalments, if any: `[{due_on, amount_fen}]`, adding up to what is owed.
    #[serde(default)]
    pub instalments: Vec<Instalment>,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Instalment {
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub due_on: NaiveDate,
    pub amount_fen: i64,
}

/// The input of `apply_court_enforcement` (申请人民法院强制执行, APL art. 72 (3)).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ApplyCourtEnforcementInput {
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub applied_on: NaiveDate,
    pub court: String,
    /// The court's ruling, when known (准予执行, 不予执行…).
    #[serde(default)]
    pub outcome: Option<String>,
}

/// The input of `request_recusal`: the party asks that an officer step aside (APL art. 43).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RequestRecusalInput {
    pub officer_id: String,
    pub reason: String,
}

/// The input of `decide_recusal` by a supervisor: granted, the officer steps aside and,
/// where fewer than two would remain, `replacement_officer_id` takes the place.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct DecideRecusalInput {
    pub granted: bool,
    #[serde(default)]
    pub replacement_officer_id: Option<String>,
    pub reason: String,
}

/// The input of `transfer` (移送): the receiving department or organ, the reason and the
/// kind; the step allocates the transfer letter's number (移送函编号).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct TransferInput {
    pub to_department: String,
    pub reason: String,
    /// `department` (default) or `judicial`.
    #[serde(default)]
    pub kind: Option<crate::transfers::model::TransferKind>,
    /// The older form of `kind: judicial`; may be left out.
    #[serde(default)]
    pub judicial: Option<bool>,
}

/// The input of `terminate`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct TerminateInput {
    pub reason: String,
}

/// The input of `void`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct VoidInput {
    pub reason: String,
}

/// The input of `correct`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct CorrectInput {
    pub note: String,
    #[serde(default)]
    pub field: Option<String>,
}

/// What `apply` needs besides the case and the command.
pub struct Context<'a> {
    pub today: NaiveDate,
    pub calendar: &'a WorkCalendar,
    pub relation: Relation,
    pub settings: ProcedureSettings,
    /// Audio or video evidence items attached to the case (音像记录).
    pub av_evidence_count: usize,
    /// For proposals and decisions: each cited power as the power list holds it today
    /// (`None` when it is no longer in force), for 从旧兼从轻 (APL art. 37).
    pub current_powers: Vec<CurrentPower>,
    /// For `approve_inspection`: who approves, the counts the yearly cap checks and the
    /// inspection code to issue.
    pub approval: ApprovalFacts,
    /// For `propose_decision` and `decide`: the discretion benchmarks they are checked against.
    pub benchmarks: BenchmarkFacts,
    /// For `propose_decision`: the list entry it names and the party's earlier violations.
    pub lists: ListFacts,
}

/// The discretion benchmarks a proposal meets (行政裁量权基准).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BenchmarkFacts {
    /// The cited powers' benchmarks in force on the violation date.
    pub in_force: Vec<crate::benchmarks::model::Benchmark>,
    /// The cited powers' benchmarks in force on the day of the proposal or of the decision
    /// (APL art. 37: a lighter later version applies).
    pub in_force_now: Vec<crate::benchmarks::model::Benchmark>,
    /// The version the proposal names (at a decision: the one it applied), as the agency
    /// holds it (`None`: no such benchmark).
    pub named: Option<crate::benchmarks::model::Benchmark>,
}

/// What approving an inspection needs from outside the case.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ApprovalFacts {
    pub approver_id: String,
    /// Per item id: the enterprise's other approved inspections under it in the planned
    /// year that counted against the cap.
    pub prior_this_year: std::collections::HashMap<String, u32>,
    pub fresh_code: String,
}

/// A cited power's version in force at decision time.
#[derive(Debug, Clone, PartialEq)]
pub struct CurrentPower {
    pub power_id: String,
    pub in_force: Option<CitedPower>,
}

/// Work the store must do with the database to complete a step.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    None,
    /// Allocate the decision document number (决定书文号) and put it on the case.
    AllocateDecisionNumber(DecisionDocument),
    /// Open a penalty case linked to this inspection (`source: inspection`).
    OpenPenaltyCase(EscalationRequest),
    /// Open a legal review of the current proposal (its row, with the package counsel reads).
    CreateLegalReview {
        documents: Vec<String>,
        note: Option<String>,
    },
    /// Sign the pending review once with counsel's opinion.
    SignLegalReview {
        review_id: String,
        outcome: ReviewOutcome,
        checklist: Vec<ChecklistItem>,
        opinion: String,
    },
    /// Put `replacement` on the case in the recused officer's place; the store checks the
    /// replacement in the officer register (active, certificate valid today, not on the case).
    ReplaceOfficer {
        recused: String,
        replacement: String,
    },
    /// Allocate the transfer letter's number (移送函编号) and keep the letter (`transfers`).
    RecordTransfer(TransferLetter),
}

/// The letter of a `transfer` step, which the store numbers and keeps.
#[derive(Debug, Clone, PartialEq)]
pub struct TransferLetter {
    pub kind: crate::transfers::model::TransferKind,
    pub to_department: String,
    pub reason: String,
}

/// Which numbered document a decision is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecisionDocument {
    /// 行政处罚决定书 (…罚决字〔年〕第N号)
    Penalty,
    /// 不予行政处罚决定书 (…不罚字〔年〕第N号)
    NoPenalty,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EscalationRequest {
    pub summary: String,
    pub power_ids: Option<Vec<String>>,
    pub officer_ids: Option<Vec<String>>,
    pub violation_on: NaiveDate,
    pub serious_harm: bool,
}

/// The outcome of a step: the changed case, the payload of its record event, and any
/// database work still to do.
#[derive(Debug, Clone)]
pub struct Applied {
    pub case: Case,
    pub payload: Value,
    pub effect: Effect,
}

impl Applied {
    /// A step that needs no further database work.
    pub fn new(case: Case, payload: Value) -> Applied {
        Applied {
            case,
            payload,
            effect: Effect::None,
        }
    }
}
