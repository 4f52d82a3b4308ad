//! The Chinese words of a document: labels of penalty types, kinds and records, dates,
//! and amounts in figures and in words (大写金额).

use chrono::{Datelike, NaiveDate};

use crate::cases::model::{InvestigationRecordType, Penalty, PenaltyType, SubjectKind};

/// 警告, 通报批评, 罚款人民币伍佰元整（¥500.00）, …
pub fn penalty_text(penalty: &Penalty) -> String {
    let label = penalty_label(penalty.kind);
    match (penalty.kind, penalty.amount_fen) {
        (PenaltyType::ConfiscateProperty, Some(fen)) => format!(
            "{label}（价值人民币{}（{}））",
            amount_in_words(fen),
            amount_in_figures(fen)
        ),
        (_, Some(fen)) => format!("{label}人民币{}（{}）", amount_in_words(fen), amount_in_figures(fen)),
        (_, None) => label.to_string(),
    }
}

/// The Chinese name of a penalty type (APL art. 9).
pub fn penalty_label(kind: PenaltyType) -> &'static str {
    match kind {
        PenaltyType::Warning => "警告",
        PenaltyType::PublicCriticism => "通报批评",
        PenaltyType::Fine => "罚款",
        PenaltyType::ConfiscateIllegalGains => "没收违法所得",
        PenaltyType::ConfiscateProperty => "没收非法财物",
        PenaltyType::SuspendLicense => "暂扣许可证件",
        PenaltyType::LowerQualification => "降低资质等级",
        PenaltyType::RevokeLicense => "吊销许可证件",
        PenaltyType::RestrictBusiness => "限制开展生产经营活动",
        PenaltyType::SuspendBusiness => "责令停产停业",
        PenaltyType::CloseDown => "责令关闭",
        PenaltyType::RestrictPractice => "限制从业",
    }
}

pub fn subject_kind_label(kind: SubjectKind) -> &'static str {
    match kind {
        SubjectKind::Enterprise => "企业",
        SubjectKind::Individual => "自然人",
        SubjectKind::IndividualBusiness => "个体工商户",
        SubjectKind::OtherOrg => "其他组织",
    }
}

pub fn record_type_label(kind: InvestigationRecordType) -> &'static str {
    match kind {
        InvestigationRecordType::Inquiry => "询问笔录",
        InvestigationRecordType::Site => "现场检查（勘验）笔录",
        InvestigationRecordType::Evidence => "证据材料",
        InvestigationRecordType::Other => "其他材料",
    }
}

/// 2026年11月29日.
pub fn chinese_date(day: NaiveDate) -> String {
    format!("{}年{}月{}日", day.year(), day.month(), day.day())
}

/// ¥12,345.60
pub fn amount_in_figures(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let fen = fen.unsigned_abs();
    let yuan = (fen / 100).to_string();
    let mut grouped = String::new();
    for (i, digit) in yuan.chars().enumerate() {
        if i > 0 && (yuan.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{sign}¥{grouped}.{:02}", fen % 100)
}

const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];

/// 人民币大写 as on financial documents: 伍佰元整, 壹万零伍佰元伍角, 壹拾万元整, 零元整.
pub fn amount_in_words(fen: i64) -> String {
    let fen = fen.unsigned_abs();
    let yuan = fen / 100;
    let jiao = (fen / 10 % 10) as usize;
    let cents = (fen % 10) as usize;
    let mut out = String::new();
    if yuan > 0 {
        out.push_str(&integer_in_words(yuan));
        out.push('元');
    }
    if jiao == 0 && cents == 0 {
        if yuan == 0 {
            out.push_str("零元");
        }
        out.push('整');
        return out;
    }
    if jiao > 0 {
        out.push(DIGITS[jiao]);
        out.push('角');
    } else if yuan > 0 {
        out.push('零');
    }
    if cents > 0 {
        out.push(DIGITS[cents]);
        out.push('分');
    }
    out
}

/// A positive integer in financial capitals: 壹万零伍佰, 壹拾亿零伍.
fn integer_in_words(n: u64) -> String {
    const SECTIONS: [&str; 5] = ["", "万", "亿", "万亿", "亿亿"];
    let mut groups = Vec::new();
    let mut rest = n;
    while rest > 0 {
        groups.push((rest % 10_000) as usize);
        rest /= 10_000;
    }
    let mut out = String::new();
    let mut zero_pending = false;
    for (i, group) in groups.iter().enumerate().rev() {
        if *group == 0 {
            zero_pending = !out.is_empty();
            continue;
        }
        if !out.is_empty() && (zero_pending || *group < 1000) {
            out.push('零');
        }
        out.push_str(&group_in_words(*group));
        out.push_str(SECTIONS[i.min(SECTIONS.len() - 1)]);
        zero_pending = false;
    }
    out
}

/// 1–9999 without leading zeros: 伍佰, 壹仟零伍, 壹拾.
fn group_in_words(group: usize) -> String {
    const UNITS: [&str; 4] = ["仟", "佰", "拾", ""];
    let digits = [group / 1000, group / 100 % 10, group / 10 % 10, group % 10];
    let mut out = String::new();
    let mut zero_pending = false;
    for (digit, unit) in digits.into_iter().zip(UNITS) {
        if digit == 0 {
            zero_pending = !out.is_empty();
            continue;
        }
        if zero_pending {
            out.push('零');
            zero_pending = false;
        }
        out.push(DIGITS[digit]);
        out.push_str(unit);
    }
    out
}

/// 二, 三, …, 十, 十一, …, 九十九 (for 之二, 之三…); larger numbers in digits.
pub(crate) fn small_number_in_words(n: u32) -> String {
    const SMALL: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        1..=9 => SMALL[n as usize].to_string(),
        10..=99 => {
            let tens = match n / 10 {
                1 => "",
                t => SMALL[t as usize],
            };
            format!("{tens}十{}", SMALL[(n % 10) as usize])
        }
        _ => n.to_string(),
    }
}
