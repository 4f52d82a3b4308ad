//! The content of a document (执法文书) as plain Rust: what 行政处罚决定书 (APL art. 59),
//! 不予行政处罚决定书 and 行政处罚事先告知书 (art. 44, 62–64) say, built from a `Case` and
//! the names the registers hold when the step issues it. No actix, no SQL.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::words::small_number_in_words;
pub use super::words::*;

use crate::cases::model::{
    Case, DecisionDocument, InvestigationRecordType, NoPenaltyGround, Outcome, Penalty, PenaltyType, Procedure,
    RemedyKind, SubjectKind,
};

string_enum!(
    /// Which document (文书种类).
    DocumentKind {
        /// 行政处罚决定书 (APL art. 59)
        Decision => "decision",
        /// 不予行政处罚决定书 (APL art. 57 ¶1 (2)–(3))
        NoPenaltyDecision => "no_penalty_decision",
        /// 行政处罚事先告知书 (APL art. 44, 62–64)
        Notice => "notice",
    }
);

impl DocumentKind {
    /// The title printed on the document.
    pub fn title(self) -> &'static str {
        match self {
            DocumentKind::Decision => "行政处罚决定书",
            DocumentKind::NoPenaltyDecision => "不予行政处罚决定书",
            DocumentKind::Notice => "行政处罚事先告知书",
        }
    }

    pub fn for_decision(document: DecisionDocument) -> Self {
        match document {
            DecisionDocument::Penalty => DocumentKind::Decision,
            DecisionDocument::NoPenalty => DocumentKind::NoPenaltyDecision,
        }
    }
}

string_enum!(
    /// The party's procedural rights a notice announces.
    RightKind {
        /// 陈述、申辩 (APL art. 7, 44–45)
        Defense => "defense",
        /// 听证 (APL art. 63–64)
        Hearing => "hearing",
    }
);

/// 当事人: the party as the register holds it when the document is issued. The document
/// is served on the party itself, so nothing is masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Party {
    pub kind: SubjectKind,
    /// 企业, 自然人, 个体工商户, 其他组织.
    pub kind_label: String,
    pub name: String,
    /// 统一社会信用代码.
    pub uscc: Option<String>,
    /// 公民身份号码.
    pub id_card_no: Option<String>,
    /// 法定代表人（负责人）.
    pub legal_representative: Option<String>,
    pub address: Option<String>,
}

impl Party {
    pub fn new(
        kind: SubjectKind,
        name: String,
        (uscc, id_card_no): (Option<String>, Option<String>),
        legal_representative: Option<String>,
        address: Option<String>,
    ) -> Party {
        Party {
            kind_label: subject_kind_label(kind).to_string(),
            kind,
            name,
            uscc,
            id_card_no,
            legal_representative,
            address,
        }
    }
}

/// 执法人员 who handled the case, with their certificate (执法证) numbers (APL art. 42, 52).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Officer {
    pub name: String,
    pub certificate_no: Option<String>,
}

/// One investigation record of the case (证据): what the case record holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EvidenceItem {
    pub record_type: InvestigationRecordType,
    /// 询问笔录, 现场检查（勘验）笔录, 证据材料, 其他.
    pub label: String,
    pub content: String,
    pub recorded_on: NaiveDate,
    /// The `seq` of the record event that holds it.
    pub record_seq: i32,
}

impl EvidenceItem {
    pub fn new(record_type: InvestigationRecordType, content: String, recorded_on: NaiveDate, record_seq: i32) -> Self {
        EvidenceItem {
            label: record_type_label(record_type).to_string(),
            record_type,
            content,
            recorded_on,
            record_seq,
        }
    }
}

/// One penalty, in the document's words (`罚款人民币伍佰元整（¥500.00）`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PenaltyLine {
    #[serde(rename = "type")]
    pub kind: PenaltyType,
    pub amount_fen: Option<i64>,
    pub text: String,
}

impl PenaltyLine {
    pub fn new(penalty: &Penalty) -> Self {
        PenaltyLine {
            kind: penalty.kind,
            amount_fen: penalty.amount_fen,
            text: penalty_text(penalty),
        }
    }
}

/// How and where to pay (APL art. 67), and what a late payment costs (art. 72).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Payment {
    /// The money to pay: fines and confiscated illegal gains (罚没款), in fen.
    pub amount_fen: i64,
    /// The fines among it, on which a late penalty accrues.
    pub fine_fen: i64,
    /// 自收到本决定书之日起十五日内.
    pub period: String,
    /// The last day, when already known (an on-the-spot decision is served at once);
    /// otherwise 15 days from service.
    pub due_on: Option<NaiveDate>,
    /// 到指定的银行或者通过电子支付系统缴纳.
    pub channel: String,
    /// 加处罚款 (APL art. 72), when a fine is due.
    pub late_penalty: Option<String>,
    pub text: String,
}

/// A channel of remedy (救济途径) and its time limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Remedy {
    pub kind: RemedyKind,
    /// 申请行政复议 / 提起行政诉讼.
    pub channel: String,
    /// 60日 / 6个月, counted from receipt of the document.
    pub time_limit: String,
    pub basis: String,
    pub text: String,
}

/// A right the notice announces, with the day it must be used by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Right {
    pub kind: RightKind,
    /// 陈述、申辩 / 听证.
    pub name: String,
    pub due_on: Option<NaiveDate>,
    pub basis: String,
    pub text: String,
}

/// What a document says, fixed when it is issued. Its SHA-256 over the canonical JSON is
/// the document's `content_hash`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DocumentContent {
    pub kind: DocumentKind,
    pub title: String,
    /// 文号: the decision number (学府罚决字〔2026〕第1号) or the notice's (学府罚告〔2026〕第001号).
    pub number: String,
    /// 案号.
    pub case_number: String,
    pub procedure: Option<Procedure>,
    /// The issuing agency (行政机关名称).
    pub agency_name: String,
    pub party: Party,
    pub officers: Vec<Officer>,
    /// 违法事实.
    pub facts: String,
    /// 证据: the case's investigation records.
    pub evidence: Vec<EvidenceItem>,
    /// 法律依据.
    pub legal_basis: String,
    /// 裁量理由, when the officers stated one.
    pub discretion_reasoning: Option<String>,
    /// Decisions: the outcome decided.
    pub outcome: Option<Outcome>,
    /// The operative sentence (决定如下 / 拟作出如下行政处罚 / 决定不予行政处罚).
    pub decision_text: String,
    /// The penalties decided (a decision) or proposed (a notice).
    pub penalties: Vec<PenaltyLine>,
    pub payment: Option<Payment>,
    /// Notices: 陈述、申辩 and, where the law gives it, 听证.
    pub rights: Vec<Right>,
    /// Decisions: 行政复议 and 行政诉讼.
    pub remedies: Vec<Remedy>,
    /// 行政复议、行政诉讼期间不停止执行 (APL art. 73), for penalties.
    pub remedy_note: Option<String>,
    /// The decision date or the notice date (落款日期).
    pub issued_on: NaiveDate,
}

/// What the registers and the record hold beside the case when a document is issued.
#[derive(Debug, Clone)]
pub struct Sources {
    pub agency_name: String,
    pub party: Party,
    /// The case's investigation records, in record order.
    pub evidence: Vec<EvidenceItem>,
    /// The legal bases of the cited power versions: the basis of an on-the-spot decision,
    /// whose step states none.
    pub power_bases: Vec<String>,
}

/// The facts and basis a notice states (its step's input; the case keeps only the
/// penalties).
#[derive(Debug, Clone)]
pub struct NoticeText {
    pub facts: String,
    pub legal_basis: String,
}

pub const APL: &str = "《中华人民共和国行政处罚法》";
const RECONSIDERATION_BASIS: &str = "《中华人民共和国行政复议法》第二十条";
const LAWSUIT_BASIS: &str = "《中华人民共和国行政诉讼法》第四十六条";

/// The decision document of a decided case (行政处罚决定书 or 不予行政处罚决定书).
pub fn decision(case: &Case, number: &str, sources: &Sources) -> Result<DocumentContent, String> {
    let outcome = case.outcome.ok_or("the case has no decided outcome")?;
    let issued_on = case.decided_on.ok_or("the case has no decision date")?;
    let kind = match outcome {
        Outcome::Penalty => DocumentKind::Decision,
        Outcome::NoPenaltyMinor | Outcome::NoPenaltyMinorUnder14 | Outcome::NoPenaltyUnfounded => {
            DocumentKind::NoPenaltyDecision
        }
        Outcome::TransferJudicial => return Err("a transfer to judicial organs is not decided by a document".into()),
    };
    let you = addressee(sources.party.kind);
    let (facts, legal_basis, discretion_reasoning) = match &case.proposal {
        Some(proposal) if case.procedure != Some(Procedure::Simple) => (
            proposal.facts.clone(),
            proposal.legal_basis.clone(),
            Some(match &proposal.benchmark {
                Some(benchmark) => {
                    let reasoning = proposal.discretion_reasoning.trim_end();
                    let stop = if reasoning.ends_with(['。', '；', '.']) {
                        ""
                    } else {
                        "。"
                    };
                    format!("{reasoning}{stop}{}", benchmark_applied(benchmark))
                }
                None => proposal.discretion_reasoning.clone(),
            }),
        ),
        _ => (
            case.summary.clone(),
            sources.power_bases.join("；"),
            case.on_the_spot_benchmark.as_ref().map(benchmark_applied),
        ),
    };
    let ground = case.proposal.as_ref().and_then(|p| p.no_penalty_ground);
    let decision_text = match outcome {
        Outcome::Penalty => format!("依据{legal_basis}的规定，本机关决定对{you}作出如下行政处罚："),
        _ => no_penalty_text(outcome, ground),
    };
    let penalties: Vec<PenaltyLine> = match outcome {
        Outcome::Penalty => case.penalties.iter().map(PenaltyLine::new).collect(),
        _ => Vec::new(),
    };
    let payment = match outcome {
        Outcome::Penalty => payment(&case.penalties, case.payment_due_on, you),
        _ => None,
    };
    Ok(DocumentContent {
        kind,
        title: kind.title().to_string(),
        number: number.to_string(),
        case_number: case.case_number.clone(),
        procedure: case.procedure,
        agency_name: sources.agency_name.clone(),
        party: sources.party.clone(),
        officers: officers(case),
        facts,
        evidence: sources.evidence.clone(),
        legal_basis,
        discretion_reasoning,
        outcome: Some(outcome),
        decision_text,
        penalties,
        payment,
        rights: Vec::new(),
        remedies: remedies(you),
        remedy_note: (outcome == Outcome::Penalty).then(|| {
            format!("行政复议或者行政诉讼期间，本决定不停止执行，法律另有规定的除外（{APL}第七十三条第一款）。")
        }),
        issued_on,
    })
}

/// The discretion benchmark a decision applied, as the decision states it (国办发〔2022〕27号:
/// 在行政执法决定书中对行政裁量权基准的适用情况予以明确).
fn benchmark_applied(benchmark: &crate::cases::model::AppliedBenchmark) -> String {
    let mut text = format!(
        "本案适用行政裁量权基准：{}，裁量等级为{}（{}）。",
        benchmark.circumstance,
        benchmark.grade.label(),
        benchmark.allows
    );
    if let Some(replaced) = benchmark.replaces_version {
        text.push_str(&format!(
            "该基准第{}版较违法行为发生时施行的第{replaced}版处罚较轻，依照《中华人民共和国行政处罚法》第三十七条适用。",
            benchmark.version
        ));
    }
    if let Some(deviation) = &benchmark.deviation {
        text.push_str(&format!(
            "本决定偏离该基准（{}），理由是：{}，已经法制审核和负责人集体讨论。",
            deviation.outside, deviation.reason
        ));
    }
    text
}

/// The prior notice of a notified case (行政处罚事先告知书).
pub fn notice(case: &Case, number: &str, sources: &Sources, text: NoticeText) -> Result<DocumentContent, String> {
    let issued_on = case.notified_on.ok_or("the case has no notice date")?;
    let you = addressee(sources.party.kind);
    let mut rights = vec![Right {
        kind: RightKind::Defense,
        name: "陈述、申辩".into(),
        due_on: case.defense_due_on,
        basis: format!("{APL}第七条、第四十四条、第四十五条"),
        text: format!(
            "根据{APL}第四十四条、第四十五条的规定，{you}有权进行陈述和申辩。{you}如有异议，应当{}向本机关提出陈述、申辩意见；逾期未提出的，视为放弃陈述、申辩的权利。本机关不因{you}陈述、申辩而给予更重的处罚。",
            by_day(case.defense_due_on)
        ),
    }];
    if case.hearing_rights {
        rights.push(Right {
            kind: RightKind::Hearing,
            name: "听证".into(),
            due_on: case.hearing_request_due_on,
            basis: format!("{APL}第六十三条、第六十四条"),
            text: format!(
                "根据{APL}第六十三条、第六十四条的规定，{you}有权要求举行听证。要求听证的，应当在收到本告知书之日起五个工作日内（{}）提出；逾期未提出的，视为放弃听证的权利。",
                by_day(case.hearing_request_due_on)
            ),
        });
    }
    Ok(DocumentContent {
        kind: DocumentKind::Notice,
        title: DocumentKind::Notice.title().to_string(),
        number: number.to_string(),
        case_number: case.case_number.clone(),
        procedure: case.procedure,
        agency_name: sources.agency_name.clone(),
        party: sources.party.clone(),
        officers: officers(case),
        decision_text: format!("依据{}的规定，本机关拟对{you}作出如下行政处罚：", text.legal_basis),
        facts: text.facts,
        evidence: sources.evidence.clone(),
        legal_basis: text.legal_basis,
        discretion_reasoning: None,
        outcome: None,
        penalties: case.notice_penalties.iter().map(PenaltyLine::new).collect(),
        payment: None,
        rights,
        remedies: Vec::new(),
        remedy_note: None,
        issued_on,
    })
}

/// The number of a case's `nth` notice: 学府罚告〔2026〕第001号 for the first, with
/// 之二, 之三… for the notices that replace it (重新告知). It follows the case number.
pub fn notice_number(prefix: &str, year: i32, seq: i32, nth: u32) -> String {
    let base = format!("{prefix}罚告〔{year}〕第{seq:03}号");
    match nth {
        0 | 1 => base,
        n => format!("{base}之{}", small_number_in_words(n)),
    }
}

/// SHA-256 (hex) of the content's canonical JSON, as the record describes it.
pub fn content_hash(content: &Value) -> String {
    hex::encode(Sha256::digest(crate::record::chain::canonical_json(content).as_bytes()))
}

fn officers(case: &Case) -> Vec<Officer> {
    case.officers
        .iter()
        .filter(|o| !o.recused)
        .map(|o| Officer {
            name: o.display_name.clone(),
            certificate_no: o.certificate_no.clone(),
        })
        .collect()
}

/// 你 to a natural person or sole trader, 你单位 to an organisation.
pub fn addressee(kind: SubjectKind) -> &'static str {
    match kind.counts_as_individual() {
        true => "你",
        false => "你单位",
    }
}

fn by_day(due_on: Option<NaiveDate>) -> String {
    match due_on {
        Some(day) => format!("于{}前（含当日）", chinese_date(day)),
        None => "在规定期限内".into(),
    }
}

/// The payment section of a penalty with money to pay (APL art. 67, 72).
fn payment(penalties: &[Penalty], due_on: Option<NaiveDate>, you: &str) -> Option<Payment> {
    let money: i64 = penalties
        .iter()
        .filter(|p| matches!(p.kind, PenaltyType::Fine | PenaltyType::ConfiscateIllegalGains))
        .filter_map(|p| p.amount_fen)
        .sum();
    if money <= 0 {
        return None;
    }
    let fine_fen = crate::cases::model::fine_of(penalties);
    let period = "自收到本决定书之日起十五日内".to_string();
    let channel = "到指定的银行或者通过电子支付系统缴纳".to_string();
    let late_penalty = (fine_fen > 0).then(|| {
        format!(
            "到期不缴纳罚款的，本机关可以每日按罚款数额的百分之三加处罚款，加处罚款的数额不得超出罚款的数额（{APL}第七十二条第一款第（一）项），并可以依法申请人民法院强制执行。"
        )
    });
    let due = match due_on {
        Some(day) => format!("（即{}前）", chinese_date(day)),
        None => String::new(),
    };
    let what = if money == fine_fen { "罚款" } else { "罚没款" };
    let text = format!(
        "{you}应当{period}{due}，{channel}上述{what}人民币{}（{}）（{APL}第六十七条）。{}",
        amount_in_words(money),
        amount_in_figures(money),
        late_penalty.as_deref().unwrap_or_default()
    );
    Some(Payment {
        amount_fen: money,
        fine_fen,
        period,
        due_on,
        channel,
        late_penalty,
        text,
    })
}

/// 行政复议 (60 days) and 行政诉讼 (6 months), counted from receipt of the decision.
fn remedies(you: &str) -> Vec<Remedy> {
    vec![
        Remedy {
            kind: RemedyKind::Reconsideration,
            channel: "申请行政复议".into(),
            time_limit: "60日".into(),
            basis: RECONSIDERATION_BASIS.into(),
            text: format!(
                "{you}如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议（{RECONSIDERATION_BASIS}）；"
            ),
        },
        Remedy {
            kind: RemedyKind::Lawsuit,
            channel: "提起行政诉讼".into(),
            time_limit: "6个月".into(),
            basis: LAWSUIT_BASIS.into(),
            text: format!("也可以自收到本决定书之日起六个月内依法向人民法院提起行政诉讼（{LAWSUIT_BASIS}）。"),
        },
    ]
}

/// Why no penalty is imposed, with its article (APL art. 30, 33, 57).
fn no_penalty_text(outcome: Outcome, ground: Option<NoPenaltyGround>) -> String {
    match (outcome, ground) {
        (Outcome::NoPenaltyMinorUnder14, _) => format!(
            "当事人实施违法行为时不满十四周岁，依据{APL}第三十条的规定，本机关决定不予行政处罚，责令监护人加以管教。"
        ),
        (Outcome::NoPenaltyUnfounded, _) => {
            format!("经调查，违法事实不能成立，依据{APL}第五十七条第一款第（三）项的规定，本机关决定不予行政处罚。")
        }
        (_, Some(NoPenaltyGround::FirstViolationMinorHarmCorrected)) => format!(
            "当事人初次违法且危害后果轻微并及时改正，依据{APL}第三十三条第一款的规定，本机关决定不予行政处罚，并已对当事人进行教育。"
        ),
        _ => format!(
            "当事人违法行为轻微并及时改正，没有造成危害后果，依据{APL}第三十三条第一款的规定，本机关决定不予行政处罚，并已对当事人进行教育。"
        ),
    }
}

#[cfg(test)]
mod tests;
