//! The Chinese words the console shows for the model's codes. A code without a word here is
//! shown as it is, so a new state or action is never hidden.

use crate::cases::model::{Action, CaseKind, CaseStatus};

pub fn kind(kind: CaseKind) -> &'static str {
    match kind {
        CaseKind::Inspection => "行政检查",
        CaseKind::Penalty => "行政处罚",
    }
}

pub fn status(status: CaseStatus) -> &'static str {
    match status {
        CaseStatus::Registered => "已登记",
        CaseStatus::InProgress => "检查中",
        CaseStatus::Rectifying => "责令整改中",
        CaseStatus::PendingApproval => "立案待审批",
        CaseStatus::FilingRefused => "不予立案",
        CaseStatus::Filed => "已立案",
        CaseStatus::Investigating => "调查取证中",
        CaseStatus::Notified => "已告知",
        CaseStatus::Hearing => "听证程序中",
        CaseStatus::Proposed => "已提出处理意见",
        CaseStatus::LegalReview => "法制审核中",
        CaseStatus::Decided => "已作出决定",
        CaseStatus::Served => "已送达",
        CaseStatus::Executed => "已执行",
        CaseStatus::Closed => "已结案",
        CaseStatus::Archived => "已归档",
        CaseStatus::Transferred => "已移送",
        CaseStatus::Terminated => "已终止",
        CaseStatus::Voided => "已作废",
    }
}

/// A step's name, for an action code as the model or the record spells it.
pub fn action(code: &str) -> String {
    let word = match Action::parse(code) {
        Some(Action::Start) => "开始检查（出示证件）",
        Some(Action::ApproveInspection) => "批准检查",
        Some(Action::NotifyResults) => "告知检查结果",
        Some(Action::RecordFindings) => "记录检查结果",
        Some(Action::OrderRectification) => "责令限期整改",
        Some(Action::VerifyRectification) => "整改复查",
        Some(Action::Escalate) => "转立处罚案件",
        Some(Action::ApproveFiling) => "批准立案",
        Some(Action::RefuseFiling) => "不予立案",
        Some(Action::RecordInvestigation) => "调查取证",
        Some(Action::Notify) => "事先告知",
        Some(Action::RecordDefense) => "记录陈述申辩",
        Some(Action::ReviewDefense) => "复核陈述申辩",
        Some(Action::WaiveDefense) => "放弃陈述申辩",
        Some(Action::RequestHearing) => "申请听证",
        Some(Action::ScheduleHearing) => "安排听证",
        Some(Action::RecordHearing) => "记录听证",
        Some(Action::HearingNotAttended) => "未参加听证",
        Some(Action::RecordEducation) => "记录教育",
        Some(Action::ProposeDecision) => "提出处理意见",
        Some(Action::SubmitLegalReview) => "提交法制审核",
        Some(Action::RecordLegalOpinion) => "法制审核意见",
        Some(Action::RecordCollectiveDiscussion) => "集体讨论",
        Some(Action::ExtendDecisionDeadline) => "延长办案期限",
        Some(Action::Decide) => "作出决定",
        Some(Action::AcknowledgeFiling) => "备案确认",
        Some(Action::RecordServiceConsent) => "电子送达同意",
        Some(Action::Serve) => "送达",
        Some(Action::RecordPayment) => "记录缴款",
        Some(Action::RecordHandover) => "上缴罚款",
        Some(Action::RecordRemedy) => "复议诉讼",
        Some(Action::RevokeDecision) => "撤销决定",
        Some(Action::ApprovePaymentPlan) => "批准延期分期",
        Some(Action::ApplyCourtEnforcement) => "申请强制执行",
        Some(Action::Close) => "结案",
        Some(Action::Archive) => "归档",
        Some(Action::RequestRecusal) => "申请回避",
        Some(Action::DecideRecusal) => "回避决定",
        Some(Action::Transfer) => "移送",
        Some(Action::Terminate) => "终止",
        Some(Action::Void) => "作废",
        Some(Action::Correct) => "更正",
        None => match code {
            "create" => "立案/登记",
            _ => "",
        },
    };
    if word.is_empty() {
        code.to_string()
    } else {
        word.to_string()
    }
}

pub fn hazard(level: &str) -> &'static str {
    match level {
        "none" => "无隐患",
        "general" => "一般隐患",
        "major" => "重大隐患",
        _ => "",
    }
}
