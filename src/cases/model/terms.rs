//! The words of the case domain: kinds, states, outcomes, penalty types, findings.

use super::*;

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
        /// 立案待审批 (an ordinary penalty case awaiting the head's approval)
        PendingApproval => "pending_approval",
        /// 不予立案 (the head refused the filing; keeps its number)
        FilingRefused => "filing_refused",
        /// 已立案
        Filed => "filed",
        /// 调查取证中
        Investigating => "investigating",
        /// 已告知 (事先告知, defence period)
        Notified => "notified",
        /// 听证程序中
        Hearing => "hearing",
        /// 已提出处理意见 (the officers' proposed decision, for the head)
        Proposed => "proposed",
        /// 法制审核中 (the proposal is with counsel)
        LegalReview => "legal_review",
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
                | CaseStatus::FilingRefused
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
        /// 不满十四周岁，不予处罚 (APL art. 30)
        NoPenaltyMinorUnder14 => "no_penalty_minor_under_14",
        /// 违法事实不能成立，不予处罚
        NoPenaltyUnfounded => "no_penalty_unfounded",
        /// 涉嫌犯罪，移送司法机关
        TransferJudicial => "transfer_judicial",
    }
);

string_enum!(
    /// 行政处罚的种类 (APL art. 9), in increasing severity: the order the no-heavier-penalty
    /// rule (art. 45) compares them by.
    PenaltyType {
        /// 警告
        Warning => "warning",
        /// 通报批评
        PublicCriticism => "public_criticism",
        /// 罚款 (`amount_fen`)
        Fine => "fine",
        /// 没收违法所得 (`amount_fen`)
        ConfiscateIllegalGains => "confiscate_illegal_gains",
        /// 没收非法财物 (`amount_fen`: the value)
        ConfiscateProperty => "confiscate_property",
        /// 暂扣许可证件
        SuspendLicense => "suspend_license",
        /// 降低资质等级
        LowerQualification => "lower_qualification",
        /// 吊销许可证件
        RevokeLicense => "revoke_license",
        /// 限制开展生产经营活动
        RestrictBusiness => "restrict_business",
        /// 责令停产停业
        SuspendBusiness => "suspend_business",
        /// 责令关闭
        CloseDown => "close_down",
        /// 限制从业
        RestrictPractice => "restrict_practice",
    }
);

impl PenaltyType {
    /// Severity rank used by the no-heavier-penalty rule (APL art. 45).
    pub fn severity(self) -> usize {
        PenaltyType::ALL
            .iter()
            .position(|t| *t == self)
            .unwrap_or(PenaltyType::ALL.len())
    }

    /// Fines and confiscations carry an amount in fen; the other types none.
    pub fn carries_amount(self) -> bool {
        matches!(
            self,
            PenaltyType::Fine | PenaltyType::ConfiscateIllegalGains | PenaltyType::ConfiscateProperty
        )
    }

    /// Types that give hearing rights whatever the amount (APL art. 63: 降低资质等级、吊销许可证件；
    /// 责令停产停业、责令关闭、限制从业；其他较重的行政处罚).
    pub fn gives_hearing_rights(self) -> bool {
        matches!(
            self,
            PenaltyType::LowerQualification
                | PenaltyType::RevokeLicense
                | PenaltyType::RestrictBusiness
                | PenaltyType::SuspendBusiness
                | PenaltyType::CloseDown
                | PenaltyType::RestrictPractice
        )
    }
}

/// One penalty of a notice, a proposal or a decision (`{"type": "fine", "amount_fen": 50000}`).
/// A decision may combine several (并处, APL art. 9), each type at most once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Penalty {
    #[serde(rename = "type")]
    pub kind: PenaltyType,
    /// Fen, for fines and confiscations (the value of confiscated property).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_fen: Option<i64>,
}

string_enum!(
    /// Why no penalty is imposed for a minor violation (APL art. 33).
    NoPenaltyGround {
        /// 违法行为轻微并及时改正，没有造成危害后果 (art. 33 ¶1, first sentence)
        MinorAndCorrected => "minor_and_corrected",
        /// 初次违法且危害后果轻微并及时改正 (首违不罚, art. 33 ¶1, second sentence)
        FirstViolationMinorHarmCorrected => "first_violation_minor_harm_corrected",
    }
);

string_enum!(
    /// Why a fine may go below the discretion range's minimum (减轻处罚, APL art. 30–32).
    MitigationGround {
        /// 主动消除或者减轻违法行为危害后果 (art. 32 (1))
        EliminatedHarm => "eliminated_harm",
        /// 受他人胁迫或者诱骗实施违法行为 (art. 32 (2))
        CoercedOrDeceived => "coerced_or_deceived",
        /// 主动供述行政机关尚未掌握的违法行为 (art. 32 (3))
        ConfessedUnknownViolation => "confessed_unknown_violation",
        /// 配合行政机关查处违法行为有立功表现 (art. 32 (4))
        MeritoriousCooperation => "meritorious_cooperation",
        /// 已满十四周岁不满十八周岁 (art. 30)
        Minor14To17 => "minor_14_to_17",
        /// 尚未完全丧失辨认或者控制能力的精神病人、智力残疾人 (art. 31)
        LimitedCapacity => "limited_capacity",
        /// 法律、法规、规章规定其他应当从轻或者减轻行政处罚的 (art. 32 (5))
        OtherLegalGround => "other_legal_ground",
    }
);

string_enum!(
    /// 行政救济 (APL art. 7, 73)
    RemedyKind {
        /// 行政复议
        Reconsideration => "reconsideration",
        /// 行政诉讼
        Lawsuit => "lawsuit",
    }
);

string_enum!(
    /// How a penalty decision lost its force (APL art. 48 ¶2, 75; 行政复议法 art. 64, 67;
    /// 行政诉讼法 art. 70, 75).
    RevocationKind {
        /// 撤销: revoked by the agency itself, a reconsideration organ or a court
        Revoked => "revoked",
        /// 确认无效: found void (APL art. 38)
        Void => "void",
    }
);

string_enum!(
    /// Who revoked a decision or found it void.
    RevocationAuthority {
        /// 行政复议决定
        Reconsideration => "reconsideration",
        /// 人民法院判决
        Lawsuit => "lawsuit",
        /// 行政机关自行纠正 (APL art. 75 ¶1, 执法监督)
        SelfCorrection => "self_correction",
    }
);

string_enum!(
    RemedyEvent {
        Filed => "filed",
        Decided => "decided",
    }
);

string_enum!(
    /// 法制审核意见 (DESIGN §5.2)
    ReviewOutcome {
        /// 同意: every checklist item passes
        Approved => "approved",
        /// 退回补充调查
        NeedsChanges => "needs_changes",
        /// 不同意
        Rejected => "rejected",
    }
);

string_enum!(
    /// The ten items counsel checks (DESIGN §5.2).
    ReviewItem {
        /// 执法主体合法
        SubjectLegal => "subject_legal",
        /// 执法人员具备资格
        OfficersQualified => "officers_qualified",
        /// 未超越法定职权
        WithinAuthority => "within_authority",
        /// 事实清楚
        FactsClear => "facts_clear",
        /// 证据确凿充分
        EvidenceSufficient => "evidence_sufficient",
        /// 程序合法
        ProcedureLegal => "procedure_legal",
        /// 适用法律正确
        LawCorrect => "law_correct",
        /// 裁量适当
        DiscretionAppropriate => "discretion_appropriate",
        /// 文书齐全规范
        DocumentsComplete => "documents_complete",
        /// 涉嫌犯罪应当移送司法机关: passing means no transfer is needed
        CriminalTransferNeeded => "criminal_transfer_needed",
    }
);

string_enum!(
    /// Which decisions need a passing legal review (法制审核范围, APL art. 58).
    LegalReviewScope {
        /// Every decision of the ordinary procedure (as Tianjin's platform does).
        AllOrdinary => "all_ordinary",
        /// The categories of art. 58 and the agency's amount thresholds.
        MajorOnly => "major_only",
    }
);

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

/// One finding of an inspection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Finding {
    pub description: String,
    pub hazard_level: HazardLevel,
    #[serde(default)]
    pub rectified: bool,
    #[serde(default)]
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
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

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct FindingInput {
    pub description: String,
    pub hazard_level: HazardLevel,
}

/// An officer on a case, with what the rules look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseOfficer {
    pub user_id: String,
    pub display_name: String,
    pub certificate_no: Option<String>,
    /// The certificate must be valid on the date of each field step (APL art. 42).
    pub certificate_expires_on: Option<NaiveDate>,
    /// Stepped aside (回避, APL art. 43): takes no further step of the case.
    pub recused: bool,
    /// A deactivated user (离岗) no longer counts as one of the case's officers.
    pub active: bool,
}

impl CaseOfficer {
    pub fn certified_on(&self, date: NaiveDate) -> bool {
        !self.recused
            && self.active
            && self.certificate_no.is_some()
            && self.certificate_expires_on.is_some_and(|expires| expires >= date)
    }
}

/// A cited power version, with what the rules look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitedPower {
    pub power_id: String,
    pub power_version_id: String,
    pub version: i32,
    pub code: String,
    pub name: String,
    pub fine_min_fen: Option<i64>,
    pub fine_max_fen: Option<i64>,
    pub requires_av_record: bool,
}
