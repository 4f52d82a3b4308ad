//! What the demo's officers, head and counsel write: records, opinions, receipts.

use chrono::{Datelike, NaiveDate};

use crate::cases::model::{
    ChecklistItem, InvestigationRecordType, LegalOpinionInput, Outcome, ReviewItem, ReviewOutcome, ServiceMethod,
};

use super::penalty_plan::PenaltyPlan;
use super::plan::PowerInfo;
use super::xuefu::{CHECKLIST_COMMENTS, Opening, PENALTY_SCENARIOS, Sanction};

pub const VERIFIED: &str = "经复查，当事人已按责令改正通知书要求整改完毕，问题已消除";
pub const AUDIO_DESCRIPTION: &str = "现场检查执法记录仪音频记录（演示数据：一秒静音的占位文件）";
pub const DEFENSE_WAIVED: &str = "当事人收到行政处罚事先告知书后当场书面表示放弃陈述、申辩权利";
pub const DEFENSE_STATED: &str = "当事人提出书面陈述申辩：系初次违法，已立即改正，未造成危害后果，请求从轻处罚";
pub const EDUCATION: &str =
    "执法人员向当事人宣讲相关法律法规，指出其行为的违法性和危害性，当事人表示已认识到错误并保证今后依法经营";
pub const PARTY_HEARD: &str =
    "执法人员当场告知当事人违法事实、处罚理由和依据及依法享有的陈述、申辩权利，当事人对违法事实无异议，未提出陈述申辩";
pub const HANDED_OVER: &str = "当场收缴的罚款已缴付指定银行";
pub const REVIEW_DOCUMENTS: &[&str] = &[
    "立案审批表",
    "现场检查笔录",
    "询问笔录",
    "现场照片及证据材料",
    "行政处罚事先告知书及送达回证",
    "案件调查终结报告",
];

/// 2024年3月5日
pub fn chinese_date(day: NaiveDate) -> String {
    format!("{}年{}月{}日", day.year(), day.month(), day.day())
}

pub fn defense_review(accepted: bool) -> &'static str {
    match accepted {
        true => "经复核，当事人系初次违法且已整改到位，陈述申辩理由成立，予以采纳，拟在告知的处罚幅度内从轻处罚",
        false => "经复核，当事人陈述申辩未提出新的事实、理由和证据，不予采纳，维持告知的处罚意见",
    }
}

/// Counsel's opinion: all ten items pass, or the discretion is sent back once.
pub fn opinion(review_id: String, approved: bool) -> LegalOpinionInput {
    let checklist = CHECKLIST_COMMENTS
        .iter()
        .filter_map(|(item, comment)| {
            let item = ReviewItem::parse(item)?;
            let pass = approved || item != ReviewItem::DiscretionAppropriate;
            Some(ChecklistItem {
                item,
                pass,
                comment: Some(match pass {
                    true => comment.to_string(),
                    false => "裁量理由未说明当事人的违法情节和改正情况，请补充".to_string(),
                }),
            })
        })
        .collect();
    LegalOpinionInput {
        review_id,
        outcome: match approved {
            true => ReviewOutcome::Approved,
            false => ReviewOutcome::NeedsChanges,
        },
        checklist,
        opinion: match approved {
            true => "经审核，本案事实清楚、证据确凿、程序合法、适用依据正确、裁量适当，同意承办机构处理意见".into(),
            false => "经审核，本案裁量理由不充分，请承办机构补充当事人违法情节及改正情况的证据后重新提交".into(),
        },
    }
}

pub fn receipt(method: ServiceMethod) -> String {
    match method {
        ServiceMethod::Mail => "中国邮政EMS回执，当事人签收".into(),
        _ => "送达回证，当事人签收".into(),
    }
}

/// The number of the 专用票据 handed over on the spot.
pub fn spot_receipt(day: NaiveDate, serial: usize) -> String {
    format!("津财罚（{}）No.{:04}{:04}", day.year(), day.ordinal(), serial)
}

/// The texts of one penalty case.
pub struct CaseTexts<'a> {
    plan: &'a PenaltyPlan,
    power: &'a PowerInfo,
    party: &'a str,
    place: &'a str,
}

impl<'a> CaseTexts<'a> {
    pub fn new(plan: &'a PenaltyPlan, power: &'a PowerInfo, (party, address): (&'a str, &'a str)) -> Self {
        CaseTexts {
            plan,
            power,
            party,
            place: address.trim_start_matches("天津市南开区"),
        }
    }

    pub fn facts(&self) -> String {
        PENALTY_SCENARIOS[self.plan.scenario]
            .facts
            .replace("{date}", &chinese_date(self.plan.violation_on))
            .replace("{party}", self.party)
            .replace("{place}", self.place)
    }

    pub fn investigation(&self, record_type: InvestigationRecordType) -> String {
        let summary = PENALTY_SCENARIOS[self.plan.scenario].summary;
        match record_type {
            InvestigationRecordType::Site => format!(
                "现场笔录：执法人员出示执法证件后对{}进行现场检查，当事人{}存在{}的情况，现场拍照取证",
                self.place, self.party, summary
            ),
            InvestigationRecordType::Inquiry => format!(
                "询问笔录：执法人员出示执法证件，告知当事人{}有申请回避的权利；当事人对{}的事实予以承认",
                self.party, summary
            ),
            InvestigationRecordType::Evidence => format!(
                "调取证据：现场照片、当事人身份证明或营业执照复印件，证明{}的事实",
                summary
            ),
            InvestigationRecordType::Other => summary.to_string(),
        }
    }

    pub fn proposal_basis(&self) -> String {
        match self.plan.outcome {
            Outcome::NoPenaltyMinor => format!(
                "{}；《中华人民共和国行政处罚法》第三十三条第一款",
                self.power.legal_basis
            ),
            _ => self.power.legal_basis.clone(),
        }
    }

    pub fn discretion(&self) -> String {
        let scenario = &PENALTY_SCENARIOS[self.plan.scenario];
        match scenario.sanction {
            Sanction::FirstViolationNotPunished => {
                "当事人系初次违法，危害后果轻微并已及时改正，符合首违不罚情形，拟不予行政处罚".into()
            }
            Sanction::Warning => "当事人违法情节较轻，配合调查，依据裁量基准给予警告".into(),
            _ if matches!(scenario.opening, Opening::FromInspection(..)) => {
                "当事人经责令改正后已整改，但违法行为已造成一定影响，依据裁量基准在法定幅度内处罚".into()
            }
            _ => "当事人如实陈述违法事实、积极配合调查，依据裁量基准在法定幅度内从轻处罚".into(),
        }
    }
}
