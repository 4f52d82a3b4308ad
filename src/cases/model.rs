//! The domain of a case as plain Rust: states, the transition table, and every rule of
//! DESIGN §3 that can refuse a step. No actix, no diesel: tested without a server.
//!
//! `apply` takes a case, a command and the facts it depends on (today, the calendar, the
//! caller's relation to the case, the agency's settings) and either refuses — naming the
//! rule — or returns the changed case and the payload of the record event.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;

use crate::calendar::model::{WorkCalendar, add_calendar_days};
use crate::error::FieldError;

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(value: &str) -> Option<Self> {
                match value { $($text => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

string_enum!(
    /// 案件类型
    CaseKind {
        /// 行政检查
        Inspection => "inspection",
        /// 行政处罚
        Penalty => "penalty",
    }
);

string_enum!(
    /// 处罚程序
    Procedure {
        /// 简易程序（当场处罚）
        Simple => "simple",
        /// 普通程序
        Ordinary => "ordinary",
    }
);

string_enum!(
    /// Where a case came from (案件来源).
    CaseSource {
        Routine => "routine",
        RandomDraw => "random_draw",
        Complaint => "complaint",
        Hotline12345 => "hotline_12345",
        Referral => "referral",
        Inspection => "inspection",
    }
);

string_enum!(
    /// 案件状态
    CaseStatus {
        /// 已登记 (inspection, before going on site)
        Registered => "registered",
        /// 检查中
        InProgress => "in_progress",
        /// 责令整改中
        Rectifying => "rectifying",
        /// 已立案
        Filed => "filed",
        /// 调查取证中
        Investigating => "investigating",
        /// 已告知 (事先告知, defence period)
        Notified => "notified",
        /// 听证程序中
        Hearing => "hearing",
        /// 已作出决定
        Decided => "decided",
        /// 已送达
        Served => "served",
        /// 已执行
        Executed => "executed",
        /// 已结案
        Closed => "closed",
        /// 已归档
        Archived => "archived",
        /// 已移送
        Transferred => "transferred",
        /// 已终止
        Terminated => "terminated",
        /// 已作废 (entered by mistake; keeps its number)
        Voided => "voided",
    }
);

impl CaseStatus {
    /// Closed, archived, transferred, terminated and voided cases take no further steps
    /// of the procedure (corrections excepted).
    pub fn is_final(self) -> bool {
        matches!(
            self,
            CaseStatus::Closed
                | CaseStatus::Archived
                | CaseStatus::Transferred
                | CaseStatus::Terminated
                | CaseStatus::Voided
        )
    }
}

string_enum!(
    /// The four outcomes of an investigation (APL art. 57).
    Outcome {
        /// 给予行政处罚
        Penalty => "penalty",
        /// 轻微不罚 / 首违不罚
        NoPenaltyMinor => "no_penalty_minor",
        /// 违法事实不能成立，不予处罚
        NoPenaltyUnfounded => "no_penalty_unfounded",
        /// 涉嫌犯罪，移送司法机关
        TransferJudicial => "transfer_judicial",
    }
);

string_enum!(
    /// 处罚种类, in increasing severity.
    DecisionType {
        /// 警告
        Warning => "warning",
        /// 罚款
        Fine => "fine",
        /// 没收违法所得、没收非法财物
        Confiscation => "confiscation",
        /// 责令停产停业 / 暂扣许可证件
        Suspension => "suspension",
        /// 吊销许可证件
        Revocation => "revocation",
    }
);

impl DecisionType {
    /// Severity rank used by the no-heavier-penalty rule (APL art. 45).
    pub fn severity(self) -> u8 {
        match self {
            DecisionType::Warning => 1,
            DecisionType::Fine => 2,
            DecisionType::Confiscation => 3,
            DecisionType::Suspension => 4,
            DecisionType::Revocation => 5,
        }
    }
}

string_enum!(
    /// 隐患等级
    HazardLevel {
        None => "none",
        /// 一般隐患
        General => "general",
        /// 重大隐患
        Major => "major",
    }
);

string_enum!(
    InspectionResult {
        /// 未发现问题
        Compliant => "compliant",
        /// 发现问题
        ViolationsFound => "violations_found",
    }
);

string_enum!(
    /// 陈述申辩
    DefenseState {
        /// The defence period is running.
        Pending => "pending",
        /// A defence was recorded and awaits review (复核).
        Recorded => "recorded",
        /// The recorded defence was reviewed.
        Reviewed => "reviewed",
        /// The party waived the defence (放弃陈述申辩).
        Waived => "waived",
    }
);

string_enum!(
    HearingState {
        Requested => "requested",
        Scheduled => "scheduled",
        Held => "held",
        /// The party gave up the hearing it was entitled to (放弃听证).
        Waived => "waived",
    }
);

string_enum!(
    /// 送达方式
    ServiceMethod {
        /// 直接送达
        InPerson => "in_person",
        /// 邮寄送达
        Mail => "mail",
        /// 电子送达
        Electronic => "electronic",
        /// 公告送达
        Notice => "notice",
    }
);

string_enum!(
    /// Subject kinds as the limits of the law see them: individuals (公民) or organisations.
    SubjectKind {
        Enterprise => "enterprise",
        Individual => "individual",
        OtherOrg => "other_org",
    }
);

/// One finding of an inspection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Finding {
    pub description: String,
    pub hazard_level: HazardLevel,
    #[serde(default)]
    pub rectified: bool,
    #[serde(default)]
    pub rectified_on: Option<NaiveDate>,
    /// Handed on to a penalty case opened from this inspection (转立案查处).
    #[serde(default)]
    pub escalated: bool,
}

impl Finding {
    pub fn is_hazard(&self) -> bool {
        self.hazard_level != HazardLevel::None
    }

    /// A hazard neither verified as rectified nor handed on to a penalty case.
    pub fn is_open_hazard(&self) -> bool {
        self.is_hazard() && !self.rectified && !self.escalated
    }
}

/// An officer on a case, with what the rules look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseOfficer {
    pub user_id: String,
    pub display_name: String,
    pub certificate_no: Option<String>,
}

/// A cited power version, with what the rules look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitedPower {
    pub power_id: String,
    pub power_version_id: String,
    pub version: i32,
    pub code: String,
    pub name: String,
    pub fine_max_fen: Option<i64>,
    pub requires_av_record: bool,
}

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

// ---- legal constants -------------------------------------------------------------

/// APL art. 60: decide within 90 days of filing.
pub const DECISION_PERIOD_DAYS: u32 = 90;
/// APL art. 61: serve within 7 working days when not handed over on the spot.
pub const SERVICE_PERIOD_WORKING_DAYS: u32 = 7;
/// APL art. 67: pay within 15 days of service.
pub const PAYMENT_PERIOD_DAYS: u32 = 15;
/// APL art. 63–64: a hearing must be asked for within 5 working days of the notice.
pub const HEARING_REQUEST_WORKING_DAYS: u32 = 5;
/// APL art. 64: the party is notified of the hearing 7 days ahead (counted in working days, art. 85).
pub const HEARING_NOTICE_WORKING_DAYS: u32 = 7;
/// APL art. 51: simple procedure — fines up to ¥200 for individuals…
pub const SIMPLE_MAX_FINE_INDIVIDUAL_FEN: i64 = 20_000;
/// …and up to ¥3,000 for organisations.
pub const SIMPLE_MAX_FINE_ORGANISATION_FEN: i64 = 300_000;
/// APL art. 68: on-the-spot collection only for fines up to ¥100.
pub const ON_THE_SPOT_COLLECTION_MAX_FEN: i64 = 10_000;
/// APL art. 72: late payment adds 3 % of the fine per day, never more than the fine.
pub const LATE_PAYMENT_PERCENT_PER_DAY: i64 = 3;
/// The most the decision period may be extended in all (calendar days beyond the 90).
pub const MAX_EXTENSION_DAYS: u32 = 90;
/// How far back a case may be entered after the fact (补录).
pub const MAX_BACKDATE_DAYS: i64 = 366;

// ---- refusals --------------------------------------------------------------------

/// Why a step is refused.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// Not possible in the case's state, or not for this caller (409, with what is allowed).
    NotAllowed { detail: String, allowed: Vec<Action> },
    /// A rule of the law refuses it (422, naming the rule).
    Rule { rule: &'static str, detail: String },
    /// Input fields fail validation (422, naming the fields).
    Invalid(Vec<FieldError>),
}

fn rule(rule: &'static str, detail: impl Into<String>) -> Refusal {
    Refusal::Rule {
        rule,
        detail: detail.into(),
    }
}

fn invalid(field: &str, message: impl Into<String>) -> Refusal {
    Refusal::Invalid(vec![FieldError::new(field, message)])
}

// ---- creation (立案 / 登记) -------------------------------------------------------

/// An officer proposed for a case, as found in the register.
#[derive(Debug, Clone)]
pub struct OfficerCandidate {
    pub user_id: String,
    pub is_officer: bool,
    pub active: bool,
    pub certificate_no: Option<String>,
    pub certificate_expires_on: Option<NaiveDate>,
}

/// What a new case asks for, after parsing.
#[derive(Debug, Clone)]
pub struct NewCase {
    pub kind: CaseKind,
    pub procedure: Option<Procedure>,
    pub summary: String,
    pub source: CaseSource,
    pub opened_on: NaiveDate,
    pub violation_on: Option<NaiveDate>,
    pub serious_harm: bool,
    pub power_count: usize,
    pub has_parent: bool,
}

/// The checks of filing a case (立案). `officers` are in the order given (the first is
/// the lead); each was found in the caller's agency or is absent from the list.
pub fn check_new_case(new: &NewCase, officers: &[OfficerCandidate], today: NaiveDate) -> Result<(), Refusal> {
    let mut errors = Vec::new();
    let summary_len = new.summary.trim().chars().count();
    if summary_len == 0 || summary_len > 2000 {
        errors.push(FieldError::new("summary", "must be 1 to 2000 characters"));
    }
    if new.power_count == 0 {
        errors.push(FieldError::new("power_ids", "cite at least one power (执法职权)"));
    }
    match (new.kind, new.procedure) {
        (CaseKind::Inspection, Some(_)) => {
            errors.push(FieldError::new("procedure", "only penalty cases have a procedure"))
        }
        (CaseKind::Penalty, None) => {}
        _ => {}
    }
    if new.kind == CaseKind::Penalty && new.violation_on.is_none() {
        errors.push(FieldError::new(
            "violation_on",
            "required for a penalty case (违法行为发生日期)",
        ));
    }
    if new.opened_on > today {
        errors.push(FieldError::new("opened_on", "may not be in the future"));
    }
    if (today - new.opened_on).num_days() > MAX_BACKDATE_DAYS {
        errors.push(FieldError::new(
            "opened_on",
            format!("a case may be entered after the fact (补录) at most {MAX_BACKDATE_DAYS} days back"),
        ));
    }
    if let Some(violation_on) = new.violation_on
        && violation_on > new.opened_on
    {
        errors.push(FieldError::new("violation_on", "may not be after the filing date"));
    }
    if new.source == CaseSource::Inspection && !new.has_parent {
        errors.push(FieldError::new(
            "parent_case_id",
            "required when the source is an inspection",
        ));
    }
    if !errors.is_empty() {
        return Err(Refusal::Invalid(errors));
    }
    if new.kind == CaseKind::Penalty
        && let Some(violation_on) = new.violation_on
    {
        check_limitation(violation_on, new.serious_harm, new.opened_on)?;
    }
    check_officers(new, officers)
}

/// APL art. 36: no penalty once two years have passed since the violation (five when
/// life, health or financial safety was harmed and there are legal consequences).
pub fn check_limitation(violation_on: NaiveDate, serious_harm: bool, filed_on: NaiveDate) -> Result<(), Refusal> {
    let years = if serious_harm { 5 } else { 2 };
    let expires_on = violation_on
        .checked_add_months(Months::new(12 * years))
        .unwrap_or(NaiveDate::MAX);
    if filed_on > expires_on {
        return Err(rule(
            "limitation_period_expired",
            format!(
                "the violation of {violation_on} is past the {years}-year limitation period (APL art. 36), which ended on {expires_on}; it can no longer be penalised"
            ),
        ));
    }
    Ok(())
}

/// APL art. 42: at least two officers holding valid enforcement certificates (执法证),
/// except under the simple procedure; an expired certificate cannot be put on a case.
fn check_officers(new: &NewCase, officers: &[OfficerCandidate]) -> Result<(), Refusal> {
    let mut seen = std::collections::HashSet::new();
    for (i, officer) in officers.iter().enumerate() {
        if !seen.insert(officer.user_id.as_str()) {
            return Err(invalid(&format!("officer_ids[{i}]"), "is listed twice"));
        }
        if !officer.is_officer || !officer.active {
            return Err(invalid(
                &format!("officer_ids[{i}]"),
                "is not an active officer of this agency",
            ));
        }
        let valid_on_date = officer.certificate_no.is_some()
            && officer
                .certificate_expires_on
                .is_some_and(|expires| expires >= new.opened_on);
        if !valid_on_date {
            return Err(rule(
                "officer_certificate_invalid",
                format!(
                    "officer_ids[{i}] has no enforcement certificate (执法证) valid on {}; an expired certificate cannot be put on a case",
                    new.opened_on
                ),
            ));
        }
    }
    let minimum = if new.procedure == Some(Procedure::Simple) { 1 } else { 2 };
    if officers.len() < minimum {
        return Err(rule(
            "two_officers_required",
            format!(
                "{} needs at least {minimum} officers with valid certificates (APL art. 42); {} given",
                match (new.kind, new.procedure) {
                    (CaseKind::Inspection, _) => "an inspection",
                    (CaseKind::Penalty, Some(Procedure::Simple)) => "a simple-procedure case",
                    _ => "an ordinary penalty case",
                },
                officers.len()
            ),
        ));
    }
    Ok(())
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

// ---- actions and the transition table ----------------------------------------------

string_enum!(
    /// Every step a case can take (`POST /cases/{id}/transitions {"action": …}`).
    Action {
        Start => "start",
        RecordFindings => "record_findings",
        OrderRectification => "order_rectification",
        VerifyRectification => "verify_rectification",
        Escalate => "escalate",
        RecordInvestigation => "record_investigation",
        Notify => "notify",
        RecordDefense => "record_defense",
        ReviewDefense => "review_defense",
        WaiveDefense => "waive_defense",
        RequestHearing => "request_hearing",
        ScheduleHearing => "schedule_hearing",
        RecordHearing => "record_hearing",
        RecordCollectiveDiscussion => "record_collective_discussion",
        ExtendDecisionDeadline => "extend_decision_deadline",
        Decide => "decide",
        Serve => "serve",
        RecordPayment => "record_payment",
        Close => "close",
        Archive => "archive",
        Transfer => "transfer",
        Terminate => "terminate",
        Void => "void",
        Correct => "correct",
    }
);

/// Who may take a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// One of the case's own officers (承办人).
    CaseOfficer,
    /// A supervisor of the agency (负责人 / 法制机构): approvals and corrections.
    Supervisor,
}

/// Which cases a row of the table applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Track {
    Inspection,
    Ordinary,
    Simple,
    /// Both penalty procedures.
    Penalty,
    Any,
}

impl Track {
    fn covers(self, kind: CaseKind, procedure: Option<Procedure>) -> bool {
        match self {
            Track::Any => true,
            Track::Inspection => kind == CaseKind::Inspection,
            Track::Penalty => kind == CaseKind::Penalty,
            Track::Ordinary => kind == CaseKind::Penalty && procedure != Some(Procedure::Simple),
            Track::Simple => kind == CaseKind::Penalty && procedure == Some(Procedure::Simple),
        }
    }
}

/// One row of the state machine: on this track, from these states, this action by this
/// actor. Where the next state depends on the input, `apply` decides it.
pub struct Transition {
    pub track: Track,
    pub from: &'static [CaseStatus],
    pub action: Action,
    pub actor: Actor,
}

use CaseStatus as S;

/// The state machine of every case, in one place.
pub const TRANSITIONS: &[Transition] = &[
    // 行政检查 (§4.1)
    Transition {
        track: Track::Inspection,
        from: &[S::Registered],
        action: Action::Start,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Inspection,
        from: &[S::InProgress],
        action: Action::RecordFindings,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Inspection,
        from: &[S::InProgress],
        action: Action::OrderRectification,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Inspection,
        from: &[S::Rectifying],
        action: Action::VerifyRectification,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Inspection,
        from: &[S::InProgress, S::Rectifying],
        action: Action::Escalate,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Inspection,
        from: &[S::InProgress],
        action: Action::Close,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Inspection,
        from: &[S::Registered, S::InProgress, S::Rectifying],
        action: Action::Transfer,
        actor: Actor::CaseOfficer,
    },
    // 普通程序 (§4.2)
    Transition {
        track: Track::Ordinary,
        from: &[S::Filed, S::Investigating],
        action: Action::RecordInvestigation,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Ordinary,
        from: &[S::Investigating, S::Notified],
        action: Action::Notify,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Ordinary,
        from: &[S::Notified],
        action: Action::RecordDefense,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Ordinary,
        from: &[S::Notified],
        action: Action::ReviewDefense,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Ordinary,
        from: &[S::Notified],
        action: Action::WaiveDefense,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Ordinary,
        from: &[S::Notified],
        action: Action::RequestHearing,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Ordinary,
        from: &[S::Hearing],
        action: Action::ScheduleHearing,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Ordinary,
        from: &[S::Hearing],
        action: Action::RecordHearing,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Ordinary,
        from: &[S::Investigating, S::Notified, S::Hearing],
        action: Action::RecordCollectiveDiscussion,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Ordinary,
        from: &[S::Filed, S::Investigating, S::Notified, S::Hearing],
        action: Action::ExtendDecisionDeadline,
        actor: Actor::Supervisor,
    },
    Transition {
        track: Track::Ordinary,
        from: &[S::Notified, S::Investigating],
        action: Action::Decide,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Simple,
        from: &[S::Filed],
        action: Action::Decide,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Ordinary,
        from: &[S::Decided],
        action: Action::Serve,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Ordinary,
        from: &[S::Served],
        action: Action::RecordPayment,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Simple,
        from: &[S::Decided],
        action: Action::RecordPayment,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Penalty,
        from: &[S::Decided, S::Served, S::Executed],
        action: Action::Close,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Penalty,
        from: &[S::Filed, S::Investigating, S::Notified, S::Hearing],
        action: Action::Transfer,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Penalty,
        from: &[S::Filed, S::Investigating, S::Notified, S::Hearing],
        action: Action::Terminate,
        actor: Actor::CaseOfficer,
    },
    // Both kinds.
    Transition {
        track: Track::Any,
        from: &[S::Closed],
        action: Action::Archive,
        actor: Actor::CaseOfficer,
    },
    Transition {
        track: Track::Any,
        from: &[S::Registered, S::Filed],
        action: Action::Void,
        actor: Actor::Supervisor,
    },
    Transition {
        track: Track::Any,
        from: &[S::Closed, S::Archived],
        action: Action::Correct,
        actor: Actor::Supervisor,
    },
];

/// The caller's relation to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Relation {
    pub is_case_officer: bool,
    pub is_supervisor: bool,
}

impl Relation {
    fn may(self, actor: Actor) -> bool {
        match actor {
            Actor::CaseOfficer => self.is_case_officer,
            Actor::Supervisor => self.is_supervisor,
        }
    }
}

fn rows_for(case: &Case, action: Action) -> impl Iterator<Item = &'static Transition> + '_ {
    TRANSITIONS.iter().filter(move |t| {
        t.action == action && t.track.covers(case.kind, case.procedure) && t.from.contains(&case.status)
    })
}

/// The actions this caller may take on the case now (rules of §3 not yet applied).
pub fn allowed_actions(case: &Case, relation: Relation) -> Vec<Action> {
    Action::ALL
        .iter()
        .copied()
        .filter(|action| rows_for(case, *action).any(|t| relation.may(t.actor)))
        .collect()
}

// ---- commands ----------------------------------------------------------------------

/// A step with its input. The API receives `{"action": "start", …}` and parses it as
/// `{"start": {…}}`, so errors can name the failing field.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    Start {
        #[serde(default)]
        credentials_shown: bool,
        location: Option<String>,
    },
    RecordFindings {
        result: InspectionResult,
        #[serde(default)]
        findings: Vec<FindingInput>,
    },
    OrderRectification {
        deadline: NaiveDate,
    },
    VerifyRectification {
        rectified: bool,
        #[serde(default)]
        note: Option<String>,
        /// A new deadline when not rectified.
        #[serde(default)]
        deadline: Option<NaiveDate>,
        #[serde(default)]
        verified_on: Option<NaiveDate>,
    },
    Escalate {
        summary: String,
        #[serde(default)]
        power_ids: Option<Vec<String>>,
        #[serde(default)]
        officer_ids: Option<Vec<String>>,
        violation_on: NaiveDate,
        #[serde(default)]
        serious_harm: bool,
    },
    RecordInvestigation {
        /// 询问笔录 `inquiry`, 现场笔录 `site`, 证据 `evidence`, other.
        record_type: InvestigationRecordType,
        content: String,
        #[serde(default)]
        credentials_shown: bool,
    },
    Notify {
        decision_type: DecisionType,
        #[serde(default)]
        fine_amount_fen: Option<i64>,
        facts: String,
        legal_basis: String,
        #[serde(default)]
        notified_on: Option<NaiveDate>,
    },
    RecordDefense {
        content: String,
    },
    ReviewDefense {
        /// 复核意见
        opinion: String,
        accepted: bool,
    },
    WaiveDefense {
        #[serde(default)]
        note: Option<String>,
        /// The party also gives up the hearing it is entitled to (放弃听证).
        #[serde(default)]
        hearing_waived: bool,
    },
    RequestHearing {
        #[serde(default)]
        requested_on: Option<NaiveDate>,
    },
    ScheduleHearing {
        hearing_on: NaiveDate,
        #[serde(default)]
        notified_on: Option<NaiveDate>,
    },
    RecordHearing {
        held_on: NaiveDate,
        summary: String,
    },
    RecordCollectiveDiscussion {
        held_on: NaiveDate,
        participants: Vec<String>,
        conclusion: String,
    },
    ExtendDecisionDeadline {
        days: u32,
        reason: String,
    },
    Decide {
        outcome: Outcome,
        #[serde(default)]
        decision_type: Option<DecisionType>,
        #[serde(default)]
        fine_amount_fen: Option<i64>,
        #[serde(default)]
        decided_on: Option<NaiveDate>,
        /// Simple procedure: credentials shown on the spot.
        #[serde(default)]
        credentials_shown: Option<bool>,
    },
    Serve {
        method: ServiceMethod,
        served_on: NaiveDate,
        #[serde(default)]
        receipt: Option<String>,
    },
    RecordPayment {
        amount_fen: i64,
        paid_on: NaiveDate,
        #[serde(default)]
        on_the_spot: bool,
    },
    Close {},
    Archive {},
    Transfer {
        to_department: String,
        reason: String,
        #[serde(default)]
        judicial: bool,
    },
    Terminate {
        reason: String,
    },
    Void {
        reason: String,
    },
    Correct {
        note: String,
        #[serde(default)]
        field: Option<String>,
    },
}

string_enum!(
    InvestigationRecordType {
        /// 询问笔录
        Inquiry => "inquiry",
        /// 现场检查（勘验）笔录
        Site => "site",
        /// 证据材料
        Evidence => "evidence",
        Other => "other",
    }
);

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct FindingInput {
    pub description: String,
    pub hazard_level: HazardLevel,
}

impl Command {
    pub fn action(&self) -> Action {
        match self {
            Command::Start { .. } => Action::Start,
            Command::RecordFindings { .. } => Action::RecordFindings,
            Command::OrderRectification { .. } => Action::OrderRectification,
            Command::VerifyRectification { .. } => Action::VerifyRectification,
            Command::Escalate { .. } => Action::Escalate,
            Command::RecordInvestigation { .. } => Action::RecordInvestigation,
            Command::Notify { .. } => Action::Notify,
            Command::RecordDefense { .. } => Action::RecordDefense,
            Command::ReviewDefense { .. } => Action::ReviewDefense,
            Command::WaiveDefense { .. } => Action::WaiveDefense,
            Command::RequestHearing { .. } => Action::RequestHearing,
            Command::ScheduleHearing { .. } => Action::ScheduleHearing,
            Command::RecordHearing { .. } => Action::RecordHearing,
            Command::RecordCollectiveDiscussion { .. } => Action::RecordCollectiveDiscussion,
            Command::ExtendDecisionDeadline { .. } => Action::ExtendDecisionDeadline,
            Command::Decide { .. } => Action::Decide,
            Command::Serve { .. } => Action::Serve,
            Command::RecordPayment { .. } => Action::RecordPayment,
            Command::Close {} => Action::Close,
            Command::Archive {} => Action::Archive,
            Command::Transfer { .. } => Action::Transfer,
            Command::Terminate { .. } => Action::Terminate,
            Command::Void { .. } => Action::Void,
            Command::Correct { .. } => Action::Correct,
        }
    }
}

// ---- applying a step -----------------------------------------------------------------

/// What `apply` needs besides the case and the command.
pub struct Context<'a> {
    pub today: NaiveDate,
    pub calendar: &'a WorkCalendar,
    pub relation: Relation,
    pub settings: ProcedureSettings,
    /// Audio or video evidence items attached to the case (音像记录).
    pub av_evidence_count: usize,
}

/// Work the store must do with the database to complete a step.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    None,
    /// Allocate the decision document number (决定书文号) and put it on the case.
    AllocateDecisionNumber(DecisionDocument),
    /// Open a penalty case linked to this inspection (`source: inspection`).
    OpenPenaltyCase(EscalationRequest),
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

fn required_text(field: &str, value: &str, max: usize) -> Result<String, Refusal> {
    let trimmed = value.trim();
    let len = trimmed.chars().count();
    if len == 0 {
        return Err(invalid(field, "must not be blank"));
    }
    if len > max {
        return Err(invalid(field, format!("must be at most {max} characters")));
    }
    Ok(trimmed.to_string())
}

/// A business date that happened: not in the future, not before `earliest`.
fn past_date(
    field: &str,
    date: NaiveDate,
    today: NaiveDate,
    earliest: Option<(NaiveDate, &str)>,
) -> Result<NaiveDate, Refusal> {
    if date > today {
        return Err(invalid(field, "may not be in the future"));
    }
    if let Some((earliest, what)) = earliest
        && date < earliest
    {
        return Err(invalid(field, format!("may not be before {what} ({earliest})")));
    }
    Ok(date)
}

/// Checks a decision type with its fine: a fine needs an amount, a warning has none.
fn check_penalty_amount(decision_type: DecisionType, fine_amount_fen: Option<i64>) -> Result<i64, Refusal> {
    let fine = fine_amount_fen.unwrap_or(0);
    if fine < 0 {
        return Err(invalid("fine_amount_fen", "must not be negative"));
    }
    match decision_type {
        DecisionType::Fine if fine == 0 => Err(invalid("fine_amount_fen", "a fine needs an amount in fen")),
        DecisionType::Warning if fine > 0 => Err(invalid(
            "fine_amount_fen",
            "a warning carries no fine; use decision_type fine",
        )),
        _ => Ok(fine),
    }
}

/// The fine may not exceed the highest maximum of the cited powers' discretion ranges
/// (行政处罚裁量基准).
fn check_discretion(case: &Case, fine: i64) -> Result<(), Refusal> {
    let maxima: Vec<i64> = case.powers.iter().filter_map(|p| p.fine_max_fen).collect();
    if let Some(max) = maxima.iter().copied().max()
        && fine > max
    {
        return Err(rule(
            "discretion_range_exceeded",
            format!(
                "a fine of {} exceeds the maximum {} of the cited powers' discretion range",
                yuan(fine),
                yuan(max)
            ),
        ));
    }
    Ok(())
}

/// "Large" fines give hearing rights (APL art. 63) and make a case major (art. 57).
fn is_large_fine(case: &Case, fine: i64, settings: &ProcedureSettings) -> bool {
    let threshold = match case.subject_kind {
        SubjectKind::Individual => settings.hearing_threshold_individual_fen,
        SubjectKind::Enterprise | SubjectKind::OtherOrg => settings.hearing_threshold_organisation_fen,
    };
    fine >= threshold
}

/// APL art. 63: suspension, revocation or a large fine carry hearing rights.
pub fn carries_hearing_rights(
    case: &Case,
    decision_type: DecisionType,
    fine: i64,
    settings: &ProcedureSettings,
) -> bool {
    matches!(decision_type, DecisionType::Suspension | DecisionType::Revocation) || is_large_fine(case, fine, settings)
}

/// APL art. 57 (负责人集体讨论): major cases — suspension, revocation, large fines, or a
/// hearing held — are decided after a collective discussion of the agency's heads.
pub fn needs_collective_discussion(
    case: &Case,
    decision_type: DecisionType,
    fine: i64,
    settings: &ProcedureSettings,
) -> bool {
    carries_hearing_rights(case, decision_type, fine, settings) || case.hearing_state == Some(HearingState::Held)
}

/// ¥ with two decimals, for messages.
pub fn yuan(fen: i64) -> String {
    format!("¥{}.{:02}", fen / 100, (fen % 100).abs())
}

/// The proposed decision, as the gates see it.
#[derive(Debug, Clone, Copy)]
pub struct ProposedDecision {
    pub outcome: Outcome,
    pub decision_type: Option<DecisionType>,
    pub fine_amount_fen: i64,
    pub decided_on: NaiveDate,
}

/// 法制审核 (APL art. 58). SEAM(legal-review): the legal-review capability decides which
/// decisions need an approved opinion signed by counsel and checks it here; until it
/// lands, no decision is held back by this gate.
fn check_legal_review(_case: &Case, _proposed: &ProposedDecision) -> Result<(), Refusal> {
    Ok(())
}

/// Applies one step to a case, or refuses it.
pub fn apply(case: &Case, command: Command, ctx: &Context<'_>) -> Result<Applied, Refusal> {
    let action = command.action();
    let rows: Vec<&Transition> = rows_for(case, action).collect();
    if rows.is_empty() {
        return Err(Refusal::NotAllowed {
            detail: format!(
                "{} is not possible while the case is {}",
                action.as_str(),
                case.status.as_str()
            ),
            allowed: allowed_actions(case, ctx.relation),
        });
    }
    if !rows.iter().any(|t| ctx.relation.may(t.actor)) {
        let who = match rows[0].actor {
            Actor::CaseOfficer => "the case's own officers",
            Actor::Supervisor => "a supervisor",
        };
        return Err(Refusal::NotAllowed {
            detail: format!("only {who} may {} this case", action.as_str()),
            allowed: allowed_actions(case, ctx.relation),
        });
    }
    let mut next = case.clone();
    let today = ctx.today;
    let mut effect = Effect::None;
    let payload = match command {
        Command::Start {
            credentials_shown,
            location,
        } => {
            if !credentials_shown {
                return Err(credentials_refusal("starting an inspection"));
            }
            let location = required_text("location", location.as_deref().unwrap_or(""), 500)?;
            next.location = Some(location.clone());
            next.status = CaseStatus::InProgress;
            json!({"credentials_shown": true, "location": location})
        }
        Command::RecordFindings { result, findings } => {
            if case.inspection_result.is_some() {
                return Err(rule(
                    "findings_already_recorded",
                    "the findings are recorded; they are part of the record and change only by a supervisor's correction",
                ));
            }
            let mut recorded = Vec::new();
            for (i, finding) in findings.iter().enumerate() {
                let description = required_text(&format!("findings[{i}].description"), &finding.description, 1000)?;
                recorded.push(Finding {
                    description,
                    hazard_level: finding.hazard_level,
                    rectified: false,
                    rectified_on: None,
                    escalated: false,
                });
            }
            match result {
                InspectionResult::ViolationsFound if recorded.is_empty() => {
                    return Err(invalid(
                        "findings",
                        "at least one finding is needed when violations are found",
                    ));
                }
                InspectionResult::Compliant if recorded.iter().any(Finding::is_hazard) => {
                    return Err(invalid("result", "a compliant inspection cannot record hazards"));
                }
                _ => {}
            }
            next.inspection_result = Some(result);
            next.findings = recorded.clone();
            json!({"result": result, "findings": recorded})
        }
        Command::OrderRectification { deadline } => {
            if case.inspection_result != Some(InspectionResult::ViolationsFound) {
                return Err(rule(
                    "nothing_to_rectify",
                    "rectification (责令限期改正) needs recorded findings with violations",
                ));
            }
            if deadline < today {
                return Err(invalid("deadline", "may not be in the past"));
            }
            next.rectification_deadline = Some(deadline);
            next.status = CaseStatus::Rectifying;
            json!({"deadline": deadline})
        }
        Command::VerifyRectification {
            rectified,
            note,
            deadline,
            verified_on,
        } => {
            let verified_on = past_date("verified_on", verified_on.unwrap_or(today), today, None)?;
            if rectified {
                for finding in next.findings.iter_mut().filter(|f| f.is_hazard()) {
                    finding.rectified = true;
                    finding.rectified_on = Some(verified_on);
                }
                next.status = CaseStatus::InProgress;
            } else if let Some(deadline) = deadline {
                if deadline < today {
                    return Err(invalid("deadline", "may not be in the past"));
                }
                next.rectification_deadline = Some(deadline);
            }
            json!({"rectified": rectified, "verified_on": verified_on, "note": note, "deadline": next.rectification_deadline})
        }
        Command::Escalate {
            summary,
            power_ids,
            officer_ids,
            violation_on,
            serious_harm,
        } => {
            if case.inspection_result != Some(InspectionResult::ViolationsFound) {
                return Err(rule(
                    "nothing_to_escalate",
                    "record findings with violations before opening a penalty case",
                ));
            }
            if case.findings.iter().any(|f| f.escalated) {
                return Err(rule(
                    "already_escalated",
                    "a penalty case was already opened from this inspection; see its record",
                ));
            }
            let summary = required_text("summary", &summary, 2000)?;
            if violation_on > today {
                return Err(invalid("violation_on", "may not be in the future"));
            }
            for finding in next.findings.iter_mut() {
                finding.escalated = true;
            }
            effect = Effect::OpenPenaltyCase(EscalationRequest {
                summary: summary.clone(),
                power_ids,
                officer_ids,
                violation_on,
                serious_harm,
            });
            json!({"summary": summary, "violation_on": violation_on, "serious_harm": serious_harm})
        }
        Command::RecordInvestigation {
            record_type,
            content,
            credentials_shown,
        } => {
            let content = required_text("content", &content, 10_000)?;
            let face_to_face = matches!(
                record_type,
                InvestigationRecordType::Site | InvestigationRecordType::Inquiry
            );
            if face_to_face && !credentials_shown {
                return Err(credentials_refusal("an inquiry or on-site investigation"));
            }
            next.status = CaseStatus::Investigating;
            json!({"record_type": record_type, "content": content, "credentials_shown": credentials_shown})
        }
        Command::Notify {
            decision_type,
            fine_amount_fen,
            facts,
            legal_basis,
            notified_on,
        } => {
            let facts = required_text("facts", &facts, 10_000)?;
            let legal_basis = required_text("legal_basis", &legal_basis, 2000)?;
            let fine = check_penalty_amount(decision_type, fine_amount_fen)?;
            check_discretion(case, fine)?;
            // A new notice (重新告知) is dated on or after the one it replaces.
            let earliest = match case.notified_on {
                Some(previous) => (previous, "the previous notice"),
                None => (case.opened_on, "the filing date"),
            };
            let notified_on = past_date("notified_on", notified_on.unwrap_or(today), today, Some(earliest))?;
            let defense_due_on = working_deadline(ctx, notified_on, ctx.settings.defense_period_working_days)?;
            let hearing_rights = carries_hearing_rights(case, decision_type, fine, &ctx.settings);
            let hearing_request_due_on = match hearing_rights {
                true => Some(working_deadline(ctx, notified_on, HEARING_REQUEST_WORKING_DAYS)?),
                false => None,
            };
            next.notice_decision_type = Some(decision_type);
            next.notice_fine_fen = Some(fine);
            next.notified_on = Some(notified_on);
            next.defense_due_on = Some(defense_due_on);
            next.defense_state = Some(DefenseState::Pending);
            next.hearing_rights = hearing_rights;
            next.hearing_request_due_on = hearing_request_due_on;
            next.hearing_state = None;
            next.hearing_on = None;
            next.status = CaseStatus::Notified;
            json!({
                "decision_type": decision_type,
                "fine_amount_fen": fine,
                "facts": facts,
                "legal_basis": legal_basis,
                "notified_on": notified_on,
                "defense_due_on": defense_due_on,
                "hearing_rights": hearing_rights,
                "hearing_request_due_on": next.hearing_request_due_on,
                "renotice": case.status == CaseStatus::Notified,
            })
        }
        Command::RecordDefense { content } => {
            let content = required_text("content", &content, 10_000)?;
            next.defense_state = Some(DefenseState::Recorded);
            json!({"content": content})
        }
        Command::ReviewDefense { opinion, accepted } => {
            if case.defense_state != Some(DefenseState::Recorded) {
                return Err(rule(
                    "no_defense_to_review",
                    "there is no recorded defence (陈述申辩) awaiting review",
                ));
            }
            let opinion = required_text("opinion", &opinion, 10_000)?;
            next.defense_state = Some(DefenseState::Reviewed);
            json!({"opinion": opinion, "accepted": accepted})
        }
        Command::WaiveDefense { note, hearing_waived } => {
            if matches!(
                case.defense_state,
                Some(DefenseState::Recorded | DefenseState::Reviewed)
            ) {
                return Err(rule(
                    "defense_already_recorded",
                    "the party's defence is recorded; it must be reviewed (复核), not waived (APL art. 45)",
                ));
            }
            next.defense_state = Some(DefenseState::Waived);
            let hearing_waived = hearing_waived && case.hearing_rights && case.hearing_state.is_none();
            if hearing_waived {
                next.hearing_state = Some(HearingState::Waived);
            }
            json!({"note": note, "hearing_waived": hearing_waived})
        }
        Command::RequestHearing { requested_on } => {
            if !case.hearing_rights {
                return Err(rule(
                    "no_hearing_rights",
                    "the notified decision carries no hearing rights (APL art. 63: suspension, revocation or a large fine)",
                ));
            }
            match case.hearing_state {
                Some(HearingState::Held) => {
                    return Err(rule(
                        "hearing_already_held",
                        "a hearing on this notice was already held",
                    ));
                }
                Some(HearingState::Waived) => {
                    return Err(rule("hearing_waived", "the party waived the hearing on this notice"));
                }
                _ => {}
            }
            let requested_on = past_date(
                "requested_on",
                requested_on.unwrap_or(today),
                today,
                case.notified_on.map(|d| (d, "the notice")),
            )?;
            if let Some(due) = case.hearing_request_due_on
                && requested_on > due
            {
                return Err(rule(
                    "hearing_request_late",
                    format!(
                        "a hearing must be requested within {HEARING_REQUEST_WORKING_DAYS} working days of the notice, by {due} (APL art. 64)"
                    ),
                ));
            }
            next.hearing_state = Some(HearingState::Requested);
            next.status = CaseStatus::Hearing;
            json!({"requested_on": requested_on})
        }
        Command::ScheduleHearing {
            hearing_on,
            notified_on,
        } => {
            let notified_on = past_date("notified_on", notified_on.unwrap_or(today), today, None)?;
            let notified_on = past_date(
                "notified_on",
                notified_on,
                today,
                case.notified_on.map(|d| (d, "the notice")),
            )?;
            let earliest = working_deadline(ctx, notified_on, HEARING_NOTICE_WORKING_DAYS)?;
            if hearing_on < earliest {
                return Err(rule(
                    "hearing_notice_too_short",
                    format!(
                        "the party must be told of the hearing {HEARING_NOTICE_WORKING_DAYS} working days ahead (APL art. 64); notified on {notified_on}, the hearing can be on {earliest} at the earliest"
                    ),
                ));
            }
            next.hearing_state = Some(HearingState::Scheduled);
            next.hearing_on = Some(hearing_on);
            json!({"hearing_on": hearing_on, "notified_on": notified_on})
        }
        Command::RecordHearing { held_on, summary } => {
            if case.hearing_state != Some(HearingState::Scheduled) {
                return Err(rule(
                    "hearing_not_scheduled",
                    "schedule the hearing before recording it",
                ));
            }
            let held_on = past_date(
                "held_on",
                held_on,
                today,
                case.hearing_on.map(|d| (d, "the scheduled date")),
            )?;
            let summary = required_text("summary", &summary, 10_000)?;
            next.hearing_state = Some(HearingState::Held);
            next.status = CaseStatus::Notified;
            json!({"held_on": held_on, "summary": summary})
        }
        Command::RecordCollectiveDiscussion {
            held_on,
            participants,
            conclusion,
        } => {
            let held_on = past_date("held_on", held_on, today, Some((case.opened_on, "the filing date")))?;
            let participants: Vec<String> = participants
                .iter()
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect();
            if participants.len() < 2 {
                return Err(invalid(
                    "participants",
                    "a collective discussion has at least two participants",
                ));
            }
            let conclusion = required_text("conclusion", &conclusion, 10_000)?;
            next.collective_discussion_on = Some(held_on);
            json!({"held_on": held_on, "participants": participants, "conclusion": conclusion})
        }
        Command::ExtendDecisionDeadline { days, reason } => {
            if !(1..=MAX_EXTENSION_DAYS).contains(&days) {
                return Err(invalid("days", format!("must be between 1 and {MAX_EXTENSION_DAYS}")));
            }
            let reason = required_text("reason", &reason, 2000)?;
            if ctx.relation.is_case_officer {
                return Err(rule(
                    "approver_is_case_officer",
                    "an officer of the case cannot approve its own extension; another supervisor must",
                ));
            }
            let original = add_calendar_days(case.opened_on, DECISION_PERIOD_DAYS);
            let previous = case.decision_due_on.unwrap_or(original);
            if today > previous {
                return Err(rule(
                    "extension_after_deadline",
                    format!(
                        "the decision was due by {previous}; an extension must be approved before the period ends (APL art. 60)"
                    ),
                ));
            }
            let extended = add_calendar_days(previous, days);
            if (extended - original).num_days() > i64::from(MAX_EXTENSION_DAYS) {
                return Err(rule(
                    "extension_limit",
                    format!("extensions may add at most {MAX_EXTENSION_DAYS} days to the 90-day period in all"),
                ));
            }
            next.decision_due_on = Some(extended);
            json!({"days": days, "reason": reason, "previous_due_on": previous, "decision_due_on": extended})
        }
        Command::Decide {
            outcome,
            decision_type,
            fine_amount_fen,
            decided_on,
            credentials_shown,
        } => {
            let decided_on = past_date(
                "decided_on",
                decided_on.unwrap_or(today),
                today,
                Some((case.opened_on, "the filing date")),
            )?;
            let (decision_type, fine) = match outcome {
                Outcome::Penalty => {
                    let decision_type =
                        decision_type.ok_or_else(|| invalid("decision_type", "required for a penalty"))?;
                    (
                        Some(decision_type),
                        check_penalty_amount(decision_type, fine_amount_fen)?,
                    )
                }
                _ => {
                    if decision_type.is_some() || fine_amount_fen.unwrap_or(0) != 0 {
                        return Err(invalid(
                            "decision_type",
                            "only a penalty outcome carries a decision type or fine",
                        ));
                    }
                    (None, 0)
                }
            };
            let proposed = ProposedDecision {
                outcome,
                decision_type,
                fine_amount_fen: fine,
                decided_on,
            };
            if case.procedure == Some(Procedure::Simple) {
                check_simple_decision(case, &proposed, credentials_shown)?;
                next.served_on = Some(decided_on);
                next.service_method = Some(ServiceMethod::InPerson);
                next.payment_due_on = (fine > 0).then(|| add_calendar_days(decided_on, PAYMENT_PERIOD_DAYS));
            } else {
                check_ordinary_decision(case, &proposed, ctx)?;
                // A transfer to judicial organs is handed over, not served on the party.
                if outcome != Outcome::TransferJudicial {
                    next.service_due_on = Some(working_deadline(ctx, decided_on, SERVICE_PERIOD_WORKING_DAYS)?);
                }
            }
            check_legal_review(case, &proposed)?;
            next.outcome = Some(outcome);
            next.decision_type = decision_type;
            next.fine_amount_fen = (outcome == Outcome::Penalty).then_some(fine);
            next.decided_on = Some(decided_on);
            next.status = CaseStatus::Decided;
            effect = match outcome {
                Outcome::Penalty => Effect::AllocateDecisionNumber(DecisionDocument::Penalty),
                Outcome::NoPenaltyMinor | Outcome::NoPenaltyUnfounded => {
                    Effect::AllocateDecisionNumber(DecisionDocument::NoPenalty)
                }
                Outcome::TransferJudicial => Effect::None,
            };
            json!({
                "outcome": outcome,
                "decision_type": decision_type,
                "fine_amount_fen": next.fine_amount_fen,
                "decided_on": decided_on,
                "service_due_on": next.service_due_on,
                "served_on_the_spot": case.procedure == Some(Procedure::Simple),
                "payment_due_on": next.payment_due_on,
            })
        }
        Command::Serve {
            method,
            served_on,
            receipt,
        } => {
            let served_on = past_date(
                "served_on",
                served_on,
                today,
                case.decided_on.map(|d| (d, "the decision")),
            )?;
            next.served_on = Some(served_on);
            next.service_method = Some(method);
            let fine = case.fine_amount_fen.unwrap_or(0);
            next.payment_due_on = (fine > 0).then(|| add_calendar_days(served_on, PAYMENT_PERIOD_DAYS));
            next.status = CaseStatus::Served;
            let late = case.service_due_on.is_some_and(|due| served_on > due);
            json!({"method": method, "served_on": served_on, "receipt": receipt, "payment_due_on": next.payment_due_on, "late": late})
        }
        Command::RecordPayment {
            amount_fen,
            paid_on,
            on_the_spot,
        } => {
            let fine = case.fine_amount_fen.unwrap_or(0);
            if fine == 0 {
                return Err(rule("no_fine_to_pay", "the decision imposes no fine"));
            }
            if amount_fen <= 0 {
                return Err(invalid("amount_fen", "must be a positive amount in fen"));
            }
            let paid_on = past_date("paid_on", paid_on, today, case.decided_on.map(|d| (d, "the decision")))?;
            if on_the_spot && case.procedure != Some(Procedure::Simple) {
                return Err(rule(
                    "on_the_spot_collection_limit",
                    "fines are collected on the spot only for on-the-spot decisions (APL art. 68)",
                ));
            }
            if on_the_spot && fine > ON_THE_SPOT_COLLECTION_MAX_FEN {
                return Err(rule(
                    "on_the_spot_collection_limit",
                    format!(
                        "fines over {} cannot be collected on the spot (APL art. 68)",
                        yuan(ON_THE_SPOT_COLLECTION_MAX_FEN)
                    ),
                ));
            }
            let remaining = fine - case.paid_fen;
            if amount_fen > remaining {
                return Err(rule(
                    "overpayment",
                    format!("{} exceeds the {} still owed", yuan(amount_fen), yuan(remaining)),
                ));
            }
            next.paid_fen = case.paid_fen + amount_fen;
            if next.paid_fen >= fine {
                next.executed_on = Some(paid_on);
                next.status = CaseStatus::Executed;
            }
            let late_penalty = late_payment_penalty_fen(fine, case.payment_due_on, paid_on);
            json!({
                "amount_fen": amount_fen,
                "paid_on": paid_on,
                "on_the_spot": on_the_spot,
                "paid_total_fen": next.paid_fen,
                "remaining_fen": fine - next.paid_fen,
                "late_payment_penalty_fen": late_penalty,
            })
        }
        Command::Close {} => {
            check_complete(case, ctx)?;
            next.closed_on = Some(today);
            next.status = CaseStatus::Closed;
            json!({"closed_on": today})
        }
        Command::Archive {} => {
            next.archived_on = Some(today);
            next.status = CaseStatus::Archived;
            json!({"archived_on": today})
        }
        Command::Transfer {
            to_department,
            reason,
            judicial,
        } => {
            let to_department = required_text("to_department", &to_department, 200)?;
            let reason = required_text("reason", &reason, 2000)?;
            next.transferred_to = Some(to_department.clone());
            next.transfer_reason = Some(reason.clone());
            next.status = CaseStatus::Transferred;
            json!({"to_department": to_department, "reason": reason, "judicial": judicial})
        }
        Command::Terminate { reason } => {
            let reason = required_text("reason", &reason, 2000)?;
            next.terminated_reason = Some(reason.clone());
            next.status = CaseStatus::Terminated;
            json!({"reason": reason})
        }
        Command::Void { reason } => {
            let reason = required_text("reason", &reason, 2000)?;
            next.status = CaseStatus::Voided;
            json!({"reason": reason})
        }
        Command::Correct { note, field } => {
            let note = required_text("note", &note, 10_000)?;
            json!({"note": note, "field": field})
        }
    };
    Ok(Applied {
        case: next,
        payload,
        effect,
    })
}

/// `from` plus `days` working days, refused when the calendar lacks a year it spans: a
/// year without its holiday notice would silently count holidays as working days.
fn working_deadline(ctx: &Context<'_>, from: NaiveDate, days: u32) -> Result<NaiveDate, Refusal> {
    let due = ctx.calendar.add_working_days(from, days);
    match (from.year()..=due.year()).find(|year| !ctx.calendar.covers_year(*year)) {
        None => Ok(due),
        Some(year) => Err(rule(
            "calendar_year_missing",
            format!(
                "the working-day calendar has no holidays for {year}; an admin must load that year's State Council notice (PUT /api/v1/calendar/{year}) before this deadline can be computed"
            ),
        )),
    }
}

fn credentials_refusal(step: &str) -> Refusal {
    rule(
        "credentials_not_shown",
        format!(
            "{step} requires showing enforcement credentials (出示执法证件, APL art. 55): send credentials_shown: true"
        ),
    )
}

/// APL art. 51–52: on-the-spot decisions only for a warning or a small fine, with
/// credentials shown and the decision handed over at once.
fn check_simple_decision(
    case: &Case,
    proposed: &ProposedDecision,
    credentials_shown: Option<bool>,
) -> Result<(), Refusal> {
    if credentials_shown != Some(true) {
        return Err(credentials_refusal("an on-the-spot decision"));
    }
    if proposed.outcome != Outcome::Penalty {
        return Err(invalid(
            "outcome",
            "the simple procedure decides a penalty on the spot; use the ordinary procedure",
        ));
    }
    let limit = match case.subject_kind {
        SubjectKind::Individual => SIMPLE_MAX_FINE_INDIVIDUAL_FEN,
        SubjectKind::Enterprise | SubjectKind::OtherOrg => SIMPLE_MAX_FINE_ORGANISATION_FEN,
    };
    check_discretion(case, proposed.fine_amount_fen)?;
    let allowed_type = matches!(proposed.decision_type, Some(DecisionType::Warning | DecisionType::Fine));
    if !allowed_type || proposed.fine_amount_fen > limit {
        return Err(rule(
            "simple_procedure_limit",
            format!(
                "the simple procedure allows only a warning or a fine up to {} for {} (APL art. 51); use the ordinary procedure",
                yuan(limit),
                if case.subject_kind == SubjectKind::Individual {
                    "an individual"
                } else {
                    "an organisation"
                }
            ),
        ));
    }
    Ok(())
}

/// The gates of an ordinary decision (APL art. 44–45, 57, 60, 62–64).
fn check_ordinary_decision(case: &Case, proposed: &ProposedDecision, ctx: &Context<'_>) -> Result<(), Refusal> {
    if let Some(due) = case.decision_due_on
        && proposed.decided_on > due
    {
        return Err(rule(
            "decision_period_expired",
            format!(
                "the decision was due by {due}, {DECISION_PERIOD_DAYS} days from filing plus approved extensions (APL art. 60); a supervisor can extend it with a reason"
            ),
        ));
    }
    if proposed.outcome != Outcome::Penalty {
        return Ok(());
    }
    let (Some(notice_type), Some(notified_on)) = (case.notice_decision_type, case.notified_on) else {
        return Err(rule(
            "notice_required",
            "a penalty decision needs a recorded prior notice (事先告知) of the proposed decision (APL art. 44, 62)",
        ));
    };
    if proposed.decided_on < notified_on {
        return Err(invalid(
            "decided_on",
            format!("may not be before the notice ({notified_on})"),
        ));
    }
    let hearing_held = case.hearing_state == Some(HearingState::Held);
    if hearing_held
        && let Some(hearing_on) = case.hearing_on
        && proposed.decided_on < hearing_on
    {
        return Err(invalid(
            "decided_on",
            format!("may not be before the hearing ({hearing_on})"),
        ));
    }
    if case.hearing_rights
        && !matches!(case.hearing_state, Some(HearingState::Held | HearingState::Waived))
        && let Some(due) = case.hearing_request_due_on
        && proposed.decided_on <= due
    {
        return Err(rule(
            "hearing_request_period_running",
            format!(
                "the party may ask for a hearing until {due} (APL art. 63–64); decide after it, or record the party's waiver of the hearing"
            ),
        ));
    }
    match case.defense_state {
        Some(DefenseState::Waived) | Some(DefenseState::Reviewed) => {}
        _ if hearing_held => {}
        Some(DefenseState::Recorded) => {
            return Err(rule(
                "defense_not_reviewed",
                "the party's defence (陈述申辩) is recorded but not reviewed (复核); review it before deciding (APL art. 45)",
            ));
        }
        _ => {
            if let Some(due) = case.defense_due_on
                && proposed.decided_on <= due
            {
                return Err(rule(
                    "defense_period_running",
                    format!(
                        "the defence period runs until {due}; decide after it, or record a waiver or a reviewed defence (APL art. 44–45, 62)"
                    ),
                ));
            }
        }
    }
    let decision_type = proposed.decision_type.unwrap_or(DecisionType::Warning);
    let notified_fine = case.notice_fine_fen.unwrap_or(0);
    if decision_type.severity() > notice_type.severity() || proposed.fine_amount_fen > notified_fine {
        return Err(rule(
            "heavier_than_notified",
            format!(
                "the decision ({} {}) is heavier than the notified one ({} {}); a heavier penalty needs a new notice (APL art. 45)",
                decision_type.as_str(),
                yuan(proposed.fine_amount_fen),
                notice_type.as_str(),
                yuan(notified_fine)
            ),
        ));
    }
    check_discretion(case, proposed.fine_amount_fen)?;
    if let Some(discussed_on) = case.collective_discussion_on
        && proposed.decided_on < discussed_on
    {
        return Err(invalid(
            "decided_on",
            format!("may not be before the collective discussion ({discussed_on})"),
        ));
    }
    // The discussion must have considered the current notice (and any hearing on it).
    let discussed_current = case
        .collective_discussion_on
        .is_some_and(|on| on >= notified_on && (!hearing_held || case.hearing_on.is_none_or(|heard| on >= heard)));
    if needs_collective_discussion(case, decision_type, proposed.fine_amount_fen, &ctx.settings) && !discussed_current {
        return Err(rule(
            "collective_discussion_required",
            "a major case (suspension, revocation, a large fine or a hearing held) is decided after a recorded collective discussion of the agency's heads (负责人集体讨论, APL art. 57)",
        ));
    }
    Ok(())
}

/// 结案: the case file must be complete.
fn check_complete(case: &Case, ctx: &Context<'_>) -> Result<(), Refusal> {
    let incomplete = |what: &str| rule("incomplete_case_file", format!("the case cannot be closed: {what}"));
    match case.kind {
        CaseKind::Inspection => {
            if case.inspection_result.is_none() {
                return Err(rule(
                    "findings_required",
                    "record the inspection's findings before closing",
                ));
            }
            let open = case.findings.iter().filter(|f| f.is_open_hazard()).count();
            if open > 0 {
                return Err(rule(
                    "unrectified_hazards",
                    format!(
                        "{open} hazard(s) are not verified as rectified; order and verify rectification, or escalate"
                    ),
                ));
            }
        }
        CaseKind::Penalty => {
            let Some(outcome) = case.outcome else {
                return Err(incomplete("no decision is recorded"));
            };
            if outcome != Outcome::TransferJudicial && case.served_on.is_none() {
                return Err(incomplete("the decision has not been served (送达)"));
            }
            if case.fine_amount_fen.unwrap_or(0) > 0 && case.executed_on.is_none() {
                return Err(incomplete("the fine has not been paid in full (执行)"));
            }
        }
    }
    if case.powers.iter().any(|p| p.requires_av_record) && ctx.av_evidence_count == 0 {
        return Err(rule(
            "av_record_required",
            "a cited power requires an audio-video record (音像记录); attach audio or video evidence before closing",
        ));
    }
    Ok(())
}

/// APL art. 72: 3 % of the fine per day after the due date, never more than the fine.
pub fn late_payment_penalty_fen(fine_fen: i64, payment_due_on: Option<NaiveDate>, as_of: NaiveDate) -> i64 {
    let Some(due) = payment_due_on else { return 0 };
    let days_late = (as_of - due).num_days().max(0);
    (fine_fen
        .saturating_mul(LATE_PAYMENT_PERCENT_PER_DAY)
        .saturating_mul(days_late)
        / 100)
        .min(fine_fen)
}

/// The deadlines a case has missed as of `today`, by name.
pub fn overdue_deadlines(case: &Case, today: NaiveDate) -> Vec<&'static str> {
    let mut missed = Vec::new();
    let past = |date: Option<NaiveDate>| date.is_some_and(|d| d < today);
    if case.outcome.is_none() && !case.status.is_final() && past(case.decision_due_on) {
        missed.push("decision_due_on");
    }
    if case.status == CaseStatus::Decided && case.served_on.is_none() && past(case.service_due_on) {
        missed.push("service_due_on");
    }
    if matches!(case.status, CaseStatus::Served | CaseStatus::Decided)
        && case.executed_on.is_none()
        && case.fine_amount_fen.unwrap_or(0) > 0
        && past(case.payment_due_on)
    {
        missed.push("payment_due_on");
    }
    if case.status == CaseStatus::Rectifying && past(case.rectification_deadline) {
        missed.push("rectification_deadline");
    }
    missed
}

/// The year a case is numbered under.
pub fn number_year(opened_on: NaiveDate) -> i32 {
    opened_on.year()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn case(kind: CaseKind, procedure: Option<Procedure>, status: CaseStatus) -> Case {
        let mut case = Case::open(Opening {
            id: "c".into(),
            agency_id: "a".into(),
            kind,
            procedure,
            case_number: "学府罚〔2024〕第001号".into(),
            subject_id: "s".into(),
            subject_kind: SubjectKind::Enterprise,
            summary: "占道经营".into(),
            source: CaseSource::Routine,
            parent_case_id: None,
            opened_on: date("2024-09-02"),
            violation_on: Some(date("2024-09-01")),
            serious_harm: false,
            officers: vec![],
            powers: vec![CitedPower {
                power_id: "p".into(),
                power_version_id: "pv".into(),
                version: 1,
                code: "XF-1".into(),
                name: "职权".into(),
                fine_max_fen: Some(5_000_000),
                requires_av_record: false,
            }],
        });
        case.status = status;
        case
    }

    fn calendar() -> WorkCalendar {
        let days = crate::calendar::model::parse_reference_csv(crate::calendar::model::REFERENCE_CSV).unwrap();
        WorkCalendar::new(days.into_iter().map(|d| (d.date, d.kind)))
    }

    const OFFICER: Relation = Relation {
        is_case_officer: true,
        is_supervisor: false,
    };

    fn run(case: &Case, command: Command, today: &str) -> Result<Applied, Refusal> {
        let calendar = calendar();
        let ctx = Context {
            today: date(today),
            calendar: &calendar,
            relation: OFFICER,
            settings: ProcedureSettings::default(),
            av_evidence_count: 0,
        };
        apply(case, command, &ctx)
    }

    fn rule_of(result: Result<Applied, Refusal>) -> &'static str {
        match result {
            Err(Refusal::Rule { rule, .. }) => rule,
            other => panic!("expected a rule refusal, got {other:?}"),
        }
    }

    fn notify(decision_type: DecisionType, fine: i64, on: &str) -> Command {
        Command::Notify {
            decision_type,
            fine_amount_fen: Some(fine),
            facts: "事实".into(),
            legal_basis: "依据".into(),
            notified_on: Some(date(on)),
        }
    }

    fn decide(decision_type: DecisionType, fine: i64, on: &str) -> Command {
        Command::Decide {
            outcome: Outcome::Penalty,
            decision_type: Some(decision_type),
            fine_amount_fen: Some(fine),
            decided_on: Some(date(on)),
            credentials_shown: None,
        }
    }

    #[test]
    fn every_action_has_a_row_and_every_row_a_reachable_state() {
        for action in Action::ALL {
            assert!(
                TRANSITIONS.iter().any(|t| t.action == *action),
                "{action:?} has no transition"
            );
        }
        let inspection = case(CaseKind::Inspection, None, CaseStatus::Registered);
        assert_eq!(
            allowed_actions(&inspection, OFFICER),
            vec![Action::Start, Action::Transfer]
        );
        let supervisor = Relation {
            is_case_officer: false,
            is_supervisor: true,
        };
        assert_eq!(allowed_actions(&inspection, supervisor), vec![Action::Void]);
        assert!(allowed_actions(&inspection, Relation::default()).is_empty());
        let closed = case(CaseKind::Penalty, Some(Procedure::Ordinary), CaseStatus::Closed);
        assert_eq!(allowed_actions(&closed, OFFICER), vec![Action::Archive]);
    }

    #[test]
    fn a_step_out_of_order_is_not_allowed_and_names_what_is() {
        let filed = case(CaseKind::Penalty, Some(Procedure::Ordinary), CaseStatus::Filed);
        match run(
            &filed,
            Command::Serve {
                method: ServiceMethod::Mail,
                served_on: date("2024-09-03"),
                receipt: None,
            },
            "2024-09-10",
        ) {
            Err(Refusal::NotAllowed { allowed, .. }) => {
                assert_eq!(
                    allowed,
                    vec![Action::RecordInvestigation, Action::Transfer, Action::Terminate]
                )
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn notice_sets_the_defence_period_in_working_days() {
        let investigating = case(CaseKind::Penalty, Some(Procedure::Ordinary), CaseStatus::Investigating);
        // Notified Friday 27 Sep 2024: 5 working days are 29 Sep (make-up Sunday), 30 Sep, 8, 9, 10 Oct.
        let notified = run(
            &investigating,
            notify(DecisionType::Fine, 100_000, "2024-09-27"),
            "2024-09-27",
        )
        .unwrap()
        .case;
        assert_eq!(notified.defense_due_on, Some(date("2024-10-10")));
        assert_eq!(notified.status, CaseStatus::Notified);
        assert!(!notified.hearing_rights);
        assert_eq!(
            rule_of(run(
                &notified,
                decide(DecisionType::Fine, 100_000, "2024-10-10"),
                "2024-10-20"
            )),
            "defense_period_running"
        );
        let decided = run(
            &notified,
            decide(DecisionType::Fine, 100_000, "2024-10-11"),
            "2024-10-20",
        )
        .unwrap();
        assert_eq!(
            decided.effect,
            Effect::AllocateDecisionNumber(DecisionDocument::Penalty)
        );
        // Service within 7 working days of the decision; Saturday 12 Oct 2024 was worked.
        assert_eq!(decided.case.service_due_on, Some(date("2024-10-21")));
    }

    #[test]
    fn no_heavier_penalty_than_notified() {
        let investigating = case(CaseKind::Penalty, Some(Procedure::Ordinary), CaseStatus::Investigating);
        let mut notified = run(
            &investigating,
            notify(DecisionType::Fine, 100_000, "2024-09-10"),
            "2024-09-10",
        )
        .unwrap()
        .case;
        notified.defense_state = Some(DefenseState::Waived);
        assert_eq!(
            rule_of(run(
                &notified,
                decide(DecisionType::Fine, 100_001, "2024-09-12"),
                "2024-09-12"
            )),
            "heavier_than_notified"
        );
        assert_eq!(
            rule_of(run(
                &notified,
                decide(DecisionType::Confiscation, 0, "2024-09-12"),
                "2024-09-12"
            )),
            "heavier_than_notified"
        );
        assert!(
            run(
                &notified,
                decide(DecisionType::Fine, 50_000, "2024-09-12"),
                "2024-09-12"
            )
            .is_ok()
        );
        assert!(run(&notified, decide(DecisionType::Warning, 0, "2024-09-12"), "2024-09-12").is_ok());
    }

    #[test]
    fn limitation_runs_two_years_or_five_with_serious_harm() {
        assert!(check_limitation(date("2022-09-02"), false, date("2024-09-02")).is_ok());
        assert!(check_limitation(date("2022-09-01"), false, date("2024-09-02")).is_err());
        assert!(check_limitation(date("2020-09-02"), true, date("2024-09-02")).is_ok());
        assert!(check_limitation(date("2019-09-01"), true, date("2024-09-02")).is_err());
    }

    #[test]
    fn filing_needs_two_certified_officers_except_on_the_spot() {
        let officer = |id: &str, expires: &str| OfficerCandidate {
            user_id: id.into(),
            is_officer: true,
            active: true,
            certificate_no: Some("1201".into()),
            certificate_expires_on: Some(date(expires)),
        };
        let mut new = NewCase {
            kind: CaseKind::Penalty,
            procedure: Some(Procedure::Ordinary),
            summary: "占道".into(),
            source: CaseSource::Routine,
            opened_on: date("2024-09-02"),
            violation_on: Some(date("2024-09-01")),
            serious_harm: false,
            power_count: 1,
            has_parent: false,
        };
        let today = date("2024-09-10");
        let one = [officer("a", "2030-01-01")];
        let two = [officer("a", "2030-01-01"), officer("b", "2030-01-01")];
        let expired = [officer("a", "2030-01-01"), officer("b", "2024-09-01")];
        let rule = |r: Result<(), Refusal>| match r {
            Err(Refusal::Rule { rule, .. }) => rule,
            other => panic!("{other:?}"),
        };
        assert_eq!(rule(check_new_case(&new, &one, today)), "two_officers_required");
        assert!(check_new_case(&new, &two, today).is_ok());
        assert_eq!(
            rule(check_new_case(&new, &expired, today)),
            "officer_certificate_invalid"
        );
        new.procedure = Some(Procedure::Simple);
        assert!(check_new_case(&new, &one, today).is_ok());
    }

    #[test]
    fn simple_procedure_limits_depend_on_the_subject() {
        let mut filed = case(CaseKind::Penalty, Some(Procedure::Simple), CaseStatus::Filed);
        let on_spot = |fine: i64| Command::Decide {
            outcome: Outcome::Penalty,
            decision_type: Some(DecisionType::Fine),
            fine_amount_fen: Some(fine),
            decided_on: Some(date("2024-09-02")),
            credentials_shown: Some(true),
        };
        assert!(run(&filed, on_spot(300_000), "2024-09-02").is_ok());
        assert_eq!(
            rule_of(run(&filed, on_spot(300_001), "2024-09-02")),
            "simple_procedure_limit"
        );
        filed.subject_kind = SubjectKind::Individual;
        assert!(run(&filed, on_spot(20_000), "2024-09-02").is_ok());
        assert_eq!(
            rule_of(run(&filed, on_spot(20_001), "2024-09-02")),
            "simple_procedure_limit"
        );
    }

    #[test]
    fn the_decision_period_counts_ninety_days_plus_extensions() {
        let mut notified = case(CaseKind::Penalty, Some(Procedure::Ordinary), CaseStatus::Notified);
        notified.notice_decision_type = Some(DecisionType::Fine);
        notified.notice_fine_fen = Some(100_000);
        notified.notified_on = Some(date("2024-10-01"));
        notified.defense_state = Some(DefenseState::Waived);
        assert_eq!(notified.decision_due_on, Some(date("2024-12-01")));
        assert!(
            run(
                &notified,
                decide(DecisionType::Fine, 100_000, "2024-12-01"),
                "2024-12-10"
            )
            .is_ok()
        );
        assert_eq!(
            rule_of(run(
                &notified,
                decide(DecisionType::Fine, 100_000, "2024-12-02"),
                "2024-12-10"
            )),
            "decision_period_expired"
        );
    }

    #[test]
    fn late_payment_adds_three_percent_a_day_up_to_the_fine() {
        let due = Some(date("2024-10-01"));
        assert_eq!(late_payment_penalty_fen(100_000, due, date("2024-10-01")), 0);
        assert_eq!(late_payment_penalty_fen(100_000, due, date("2024-10-02")), 3_000);
        assert_eq!(late_payment_penalty_fen(100_000, due, date("2024-10-11")), 30_000);
        assert_eq!(late_payment_penalty_fen(100_000, due, date("2025-10-01")), 100_000);
        assert_eq!(late_payment_penalty_fen(100_000, None, date("2025-10-01")), 0);
    }

    #[test]
    fn overdue_names_the_missed_deadlines() {
        let mut decided = case(CaseKind::Penalty, Some(Procedure::Ordinary), CaseStatus::Decided);
        decided.outcome = Some(Outcome::Penalty);
        decided.fine_amount_fen = Some(100);
        decided.service_due_on = Some(date("2024-10-10"));
        assert!(overdue_deadlines(&decided, date("2024-10-10")).is_empty());
        assert_eq!(overdue_deadlines(&decided, date("2024-10-11")), vec!["service_due_on"]);
        let filed = case(CaseKind::Penalty, Some(Procedure::Ordinary), CaseStatus::Filed);
        assert_eq!(overdue_deadlines(&filed, date("2024-12-02")), vec!["decision_due_on"]);
        let mut closed = filed.clone();
        closed.status = CaseStatus::Terminated;
        assert!(overdue_deadlines(&closed, date("2025-12-02")).is_empty());
    }

    fn notified_case(decision_type: DecisionType, fine: i64, on: &str) -> Case {
        let investigating = case(CaseKind::Penalty, Some(Procedure::Ordinary), CaseStatus::Investigating);
        run(&investigating, notify(decision_type, fine, on), on).unwrap().case
    }

    #[test]
    fn a_recorded_defence_cannot_be_waived_away() {
        let mut notified = notified_case(DecisionType::Fine, 100_000, "2024-09-10");
        notified.defense_state = Some(DefenseState::Recorded);
        let waive = Command::WaiveDefense {
            note: None,
            hearing_waived: false,
        };
        assert_eq!(rule_of(run(&notified, waive, "2024-09-11")), "defense_already_recorded");
    }

    #[test]
    fn hearing_rights_hold_the_decision_until_the_request_period_ends_or_a_waiver() {
        // Revocation notified Tuesday 10 Sep 2024: a hearing may be asked for until 18 Sep
        // (5 working days; 16–17 Sep are the Mid-Autumn holiday, 14 Sep is worked).
        let notified = notified_case(DecisionType::Revocation, 0, "2024-09-10");
        assert!(notified.hearing_rights);
        assert_eq!(notified.hearing_request_due_on, Some(date("2024-09-18")));
        let mut waived_defence = notified.clone();
        waived_defence.defense_state = Some(DefenseState::Waived);
        waived_defence.collective_discussion_on = Some(date("2024-09-11"));
        assert_eq!(
            rule_of(run(
                &waived_defence,
                decide(DecisionType::Revocation, 0, "2024-09-12"),
                "2024-09-12"
            )),
            "hearing_request_period_running"
        );
        assert!(
            run(
                &waived_defence,
                decide(DecisionType::Revocation, 0, "2024-09-19"),
                "2024-09-19"
            )
            .is_ok()
        );
        let both = run(
            &notified,
            Command::WaiveDefense {
                note: None,
                hearing_waived: true,
            },
            "2024-09-11",
        )
        .unwrap()
        .case;
        assert_eq!(both.hearing_state, Some(HearingState::Waived));
        let mut both = both;
        both.collective_discussion_on = Some(date("2024-09-11"));
        assert!(run(&both, decide(DecisionType::Revocation, 0, "2024-09-12"), "2024-09-12").is_ok());
        // A discussion held before the current notice does not count.
        both.collective_discussion_on = Some(date("2024-09-09"));
        assert_eq!(
            rule_of(run(
                &both,
                decide(DecisionType::Revocation, 0, "2024-09-12"),
                "2024-09-12"
            )),
            "collective_discussion_required"
        );
    }

    #[test]
    fn a_renotice_cannot_be_dated_before_the_notice_it_replaces() {
        let notified = notified_case(DecisionType::Fine, 100_000, "2024-09-10");
        match run(
            &notified,
            notify(DecisionType::Fine, 200_000, "2024-09-09"),
            "2024-09-20",
        ) {
            Err(Refusal::Invalid(errors)) => assert_eq!(errors[0].field, "notified_on"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn extensions_are_approved_in_time_by_someone_off_the_case_and_capped() {
        let filed = case(CaseKind::Penalty, Some(Procedure::Ordinary), CaseStatus::Filed);
        let calendar = calendar();
        let supervisor = Relation {
            is_case_officer: false,
            is_supervisor: true,
        };
        let ctx = |today: &str, relation: Relation| Context {
            today: date(today),
            calendar: &calendar,
            relation,
            settings: ProcedureSettings::default(),
            av_evidence_count: 0,
        };
        let extend = |days| Command::ExtendDecisionDeadline {
            days,
            reason: "案情复杂".into(),
        };
        // Due 2024-12-01 (90 days from 2024-09-02).
        let late = apply(&filed, extend(30), &ctx("2024-12-02", supervisor));
        assert_eq!(rule_of(late), "extension_after_deadline");
        let own = Relation {
            is_case_officer: true,
            is_supervisor: true,
        };
        assert_eq!(
            rule_of(apply(&filed, extend(30), &ctx("2024-11-01", own))),
            "approver_is_case_officer"
        );
        let once = apply(&filed, extend(60), &ctx("2024-11-01", supervisor)).unwrap().case;
        assert_eq!(once.decision_due_on, Some(date("2025-01-30")));
        assert_eq!(
            rule_of(apply(&once, extend(31), &ctx("2024-11-01", supervisor))),
            "extension_limit"
        );
        assert!(apply(&once, extend(30), &ctx("2024-11-01", supervisor)).is_ok());
    }

    #[test]
    fn findings_are_recorded_once_and_escalation_hands_hazards_on() {
        let mut inspecting = case(CaseKind::Inspection, None, CaseStatus::InProgress);
        let findings = Command::RecordFindings {
            result: InspectionResult::ViolationsFound,
            findings: vec![FindingInput {
                description: "燃气管道私改".into(),
                hazard_level: HazardLevel::Major,
            }],
        };
        inspecting = run(&inspecting, findings, "2024-09-10").unwrap().case;
        let again = Command::RecordFindings {
            result: InspectionResult::Compliant,
            findings: vec![],
        };
        assert_eq!(
            rule_of(run(&inspecting, again, "2024-09-10")),
            "findings_already_recorded"
        );
        assert_eq!(
            rule_of(run(&inspecting, Command::Close {}, "2024-09-10")),
            "unrectified_hazards"
        );
        let escalate = || Command::Escalate {
            summary: "立案查处".into(),
            power_ids: None,
            officer_ids: None,
            violation_on: date("2024-09-09"),
            serious_harm: false,
        };
        let escalated = run(&inspecting, escalate(), "2024-09-10").unwrap();
        assert!(matches!(escalated.effect, Effect::OpenPenaltyCase(_)));
        assert_eq!(
            rule_of(run(&escalated.case, escalate(), "2024-09-10")),
            "already_escalated"
        );
        assert!(run(&escalated.case, Command::Close {}, "2024-09-10").is_ok());
    }

    #[test]
    fn deadlines_are_refused_when_the_calendar_lacks_a_year() {
        let investigating = case(CaseKind::Penalty, Some(Procedure::Ordinary), CaseStatus::Investigating);
        // Only 2024–2026 are loaded: five working days from 28 Dec 2026 reach into 2027.
        assert_eq!(
            rule_of(run(
                &investigating,
                notify(DecisionType::Fine, 1000, "2026-12-28"),
                "2026-12-28"
            )),
            "calendar_year_missing"
        );
        assert!(
            run(
                &investigating,
                notify(DecisionType::Fine, 1000, "2026-12-10"),
                "2026-12-10"
            )
            .is_ok()
        );
    }

    #[test]
    fn on_the_spot_collection_belongs_to_the_simple_procedure() {
        let mut served = case(CaseKind::Penalty, Some(Procedure::Ordinary), CaseStatus::Served);
        served.fine_amount_fen = Some(5000);
        served.decided_on = Some(date("2024-09-03"));
        let pay = Command::RecordPayment {
            amount_fen: 5000,
            paid_on: date("2024-09-04"),
            on_the_spot: true,
        };
        assert_eq!(rule_of(run(&served, pay, "2024-09-04")), "on_the_spot_collection_limit");
    }

    #[test]
    fn money_is_shown_in_yuan() {
        assert_eq!(yuan(920_000), "¥9200.00");
        assert_eq!(yuan(5), "¥0.05");
    }
}
