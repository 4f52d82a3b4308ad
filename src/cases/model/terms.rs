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
