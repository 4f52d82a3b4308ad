//! The penalty track's steps as forms on the case page (调查取证 … 送达、缴款、移送): what each
//! form asks, and the form's fields as the very body a client of
//! `POST /cases/{id}/transitions` sends (DESIGN §8 "Payload shapes"). Submitting the
//! proposal to counsel is the step `submit_legal_review`, the command
//! `POST /cases/{id}/legal-reviews` takes through the same `cases::store::transition`.
//! No rule lives here: a form only shapes the body; the model decides.

use chrono::NaiveDate;
use serde_json::{Map, Value, json};

use super::cases::{Choice, Field};
use crate::cases::model::Action;
use crate::cases::view::CaseView;
use crate::console::Form;
use crate::error::{AppError, FieldError};

/// The penalty-track steps the console offers as forms.
pub const PENALTY_FORM_ACTIONS: &[Action] = &[
    Action::RecordInvestigation,
    Action::RecordEducation,
    Action::Notify,
    Action::WaiveDefense,
    Action::RecordDefense,
    Action::ProposeDecision,
    Action::SubmitLegalReview,
    Action::RecordCollectiveDiscussion,
    Action::Serve,
    Action::RecordPayment,
    Action::Transfer,
    Action::RefuseFiling,
    Action::NotifyResults,
    Action::Escalate,
    Action::ExtendDecisionDeadline,
];

/// What the forms offer from outside the case: the benchmark versions in force for the
/// case's powers on the violation date, as (id, label).
#[derive(Default)]
pub struct StepContext {
    pub benchmarks: Vec<(String, String)>,
}

pub(crate) const PENALTY_TYPES: &[(&str, &str)] = &[
    ("fine", "罚款"),
    ("warning", "警告"),
    ("public_criticism", "通报批评"),
    ("confiscate_illegal_gains", "没收违法所得"),
    ("confiscate_property", "没收非法财物"),
    ("suspend_license", "暂扣许可证件"),
    ("lower_qualification", "降低资质等级"),
    ("revoke_license", "吊销许可证件"),
    ("restrict_business", "限制开展生产经营活动"),
    ("suspend_business", "责令停产停业"),
    ("close_down", "责令关闭"),
    ("restrict_practice", "限制从业"),
];

pub(crate) const OUTCOMES: &[(&str, &str)] = &[
    ("penalty", "给予行政处罚"),
    ("no_penalty_minor", "违法行为轻微，不予处罚"),
    ("no_penalty_minor_under_14", "不满十四周岁，不予处罚"),
    ("no_penalty_unfounded", "违法事实不能成立，不予处罚"),
    ("transfer_judicial", "移送司法机关"),
];

pub(crate) const NO_PENALTY_GROUNDS: &[(&str, &str)] = &[
    ("minor_and_corrected", "违法行为轻微并及时改正，没有造成危害后果"),
    (
        "first_violation_minor_harm_corrected",
        "初次违法且危害后果轻微并及时改正（首违不罚）",
    ),
];

pub(crate) const MITIGATION_GROUNDS: &[(&str, &str)] = &[
    ("eliminated_harm", "主动消除或者减轻违法行为危害后果"),
    ("coerced_or_deceived", "受他人胁迫或者诱骗实施违法行为"),
    ("confessed_unknown_violation", "主动供述行政机关尚未掌握的违法行为"),
    ("meritorious_cooperation", "配合查处违法行为有立功表现"),
    ("minor_14_to_17", "已满十四周岁不满十八周岁"),
    ("limited_capacity", "限制行为能力的精神病人、智力残疾人"),
];

const RECORD_TYPES: &[(&str, &str)] = &[
    ("inquiry", "询问笔录"),
    ("site", "现场检查（勘验）笔录"),
    ("evidence", "证据材料"),
    ("other", "其他"),
];

const SERVICE_METHODS: &[(&str, &str)] = &[
    ("in_person", "直接送达"),
    ("mail", "邮寄送达"),
    ("electronic", "电子送达"),
    ("notice", "公告送达"),
];

const RESULTS_METHODS: &[(&str, &str)] = &[
    ("on_site", "当场告知"),
    ("written", "书面送达"),
    ("electronic", "电子送达"),
];

const TRANSFER_KINDS: &[(&str, &str)] = &[("department", "移送有关部门"), ("judicial", "移送司法机关")];

/// A benchmark grade's word.
pub fn grade_word(grade: crate::benchmarks::model::BenchmarkGrade) -> &'static str {
    use crate::benchmarks::model::BenchmarkGrade;
    match grade {
        BenchmarkGrade::NoPenalty => "不予处罚",
        BenchmarkGrade::Mitigated => "减轻处罚",
        BenchmarkGrade::Lenient => "从轻处罚",
        BenchmarkGrade::Ordinary => "一般",
        BenchmarkGrade::Severe => "从重处罚",
    }
}

/// Amounts in yuan with at most two decimals, as fen; `None` when not such an amount.
pub fn yuan_to_fen(text: &str) -> Option<i64> {
    let text = text.trim().trim_start_matches(['¥', '￥']).replace(',', "");
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole.to_string(), fraction.to_string()),
        None => (text.clone(), String::new()),
    };
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || fraction.len() > 2
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let yuan: i64 = whole.parse().ok()?;
    let cents: i64 = if fraction.is_empty() {
        0
    } else {
        format!("{fraction:0<2}").parse().ok()?
    };
    yuan.checked_mul(100)?.checked_add(cents)
}

/// Fen as yuan for a form's field (`5000` → `50`, `5050` → `50.50`).
pub fn fen_to_yuan(fen: i64) -> String {
    if fen % 100 == 0 {
        (fen / 100).to_string()
    } else {
        format!("{}.{:02}", fen / 100, (fen % 100).abs())
    }
}

fn penalty_fields(fields: &mut Vec<Field>, view: &CaseView) {
    let (kind, amount) = view
        .notice
        .as_ref()
        .and_then(|n| n.penalties.first())
        .map(|p| {
            (
                p.kind.as_str().to_string(),
                p.amount_fen.map(fen_to_yuan).unwrap_or_default(),
            )
        })
        .unwrap_or_else(|| ("fine".to_string(), String::new()));
    let mut types = Field::new("penalty_type", "处罚种类", "select").options(PENALTY_TYPES);
    for option in &mut types.options {
        option.selected = option.value == kind;
    }
    fields.push(types);
    fields.push(Field::new("penalty_amount_yuan", "金额（元，罚款、没收时填写）", "text").value(amount));
}

/// The fields of a penalty-track step's form; `None` for a step this module does not offer.
pub fn fields(action: Action, view: &CaseView, context: &StepContext, today: NaiveDate) -> Option<Vec<Field>> {
    let mut fields = Vec::new();
    match action {
        Action::RecordInvestigation => {
            fields.push(
                Field::new("record_type", "材料类别", "select")
                    .options(RECORD_TYPES)
                    .required(),
            );
            fields.push(Field::new("content", "内容", "textarea").required());
            fields.push(Field::new("credentials_shown", "已向当事人出示执法证件", "checkbox"));
        }
        Action::RecordEducation => {
            fields.push(Field::new("content", "教育内容", "textarea").required());
            fields.push(Field::new("educated_on", "教育日期", "date").value(today.to_string()));
        }
        Action::Notify => {
            penalty_fields(&mut fields, view);
            fields.push(Field::new("facts", "违法事实", "textarea").required());
            fields.push(Field::new("legal_basis", "处罚依据", "textarea").required());
            fields.push(Field::new("notified_on", "告知日期", "date").value(today.to_string()));
        }
        Action::WaiveDefense => {
            fields.push(Field::new("note", "说明", "text"));
            fields.push(Field::new("hearing_waived", "当事人同时放弃听证", "checkbox"));
        }
        Action::RecordDefense => {
            fields.push(Field::new("content", "陈述申辩内容", "textarea").required());
        }
        Action::ProposeDecision => {
            fields.push(Field::new("outcome", "处理意见", "select").options(OUTCOMES).required());
            penalty_fields(&mut fields, view);
            fields.push(Field::new("facts", "违法事实", "textarea").required());
            fields.push(Field::new("legal_basis", "处罚依据", "textarea").required());
            fields.push(Field::new("discretion_reasoning", "裁量理由", "textarea").required());
            fields.extend(benchmark_select(context));
            fields.push(Field::new("deviation_reason", "偏离基准的理由（如有）", "textarea"));
            fields.push(Field::new("base_amount_fen", "计罚基数（分，如违法所得）", "text"));
            fields.push(Field::new("list_entry_id", "适用的清单事项编号（如有）", "text"));
            fields.push(Field::new("no_penalty_ground", "不予处罚的理由", "select").options(NO_PENALTY_GROUNDS));
            fields.push(Field::new("mitigation_ground", "减轻处罚的理由", "select").options(MITIGATION_GROUNDS));
            fields.push(Field::new("receiving_organ", "移送司法机关时：接收机关", "text"));
            fields.push(Field::new("complex", "案件情况疑难复杂", "checkbox"));
            fields.push(Field::new("major_public_interest", "涉及重大公共利益", "checkbox"));
        }
        Action::SubmitLegalReview => {
            fields.push(Field::new("documents", "送审材料（每行一项）", "textarea"));
            fields.push(Field::new("note", "说明", "text"));
        }
        Action::RecordCollectiveDiscussion => {
            fields.push(
                Field::new("held_on", "讨论日期", "date")
                    .value(today.to_string())
                    .required(),
            );
            fields.push(Field::new("participants", "参加人员（每行一人）", "textarea").required());
            fields.push(Field::new("conclusion", "讨论结论", "textarea").required());
        }
        Action::Serve => {
            fields.push(
                Field::new("method", "送达方式", "select")
                    .options(SERVICE_METHODS)
                    .required(),
            );
            fields.push(
                Field::new("served_on", "送达日期", "date")
                    .value(today.to_string())
                    .required(),
            );
            fields.push(Field::new("receipt", "送达回证", "text"));
        }
        Action::RecordPayment => {
            let owed = view
                .decision
                .as_ref()
                .and_then(|d| d.fine_amount_fen)
                .map(|fen| fen_to_yuan((fen - view.paid_fen).max(0)))
                .unwrap_or_default();
            fields.push(
                Field::new("amount_yuan", "缴款金额（元）", "text")
                    .value(owed)
                    .required(),
            );
            fields.push(
                Field::new("paid_on", "缴款日期", "date")
                    .value(today.to_string())
                    .required(),
            );
            fields.push(Field::new("on_the_spot", "当场收缴", "checkbox"));
            fields.push(Field::new("receipt_no", "当场收缴：专用票据号", "text"));
            fields.push(Field::new("collection_ground", "当场收缴：事后难以执行的理由", "text"));
        }
        Action::Transfer => {
            fields.push(Field::new("to_department", "接收部门或机关", "text").required());
            fields.push(Field::new("reason", "移送理由", "textarea").required());
            fields.push(
                Field::new("kind", "移送类别", "select")
                    .options(TRANSFER_KINDS)
                    .required(),
            );
        }
        Action::RefuseFiling => {
            fields.push(Field::new("reason", "不予立案理由", "textarea").required());
        }
        Action::ExtendDecisionDeadline => {
            fields.push(Field::new("days", "延长天数", "number").required());
            fields.push(Field::new("reason", "延期理由（情况复杂，依本机关延期规定）", "textarea").required());
        }
        Action::NotifyResults => {
            fields.push(
                Field::new("method", "告知方式", "select")
                    .options(RESULTS_METHODS)
                    .required(),
            );
            fields.push(Field::new("notified_on", "告知日期", "date").value(today.to_string()));
        }
        Action::Escalate => {
            fields.push(
                Field::new("summary", "案情摘要", "textarea")
                    .value(view.summary.clone())
                    .required(),
            );
            fields.push(
                Field::new("violation_on", "违法行为发生日期", "date")
                    .value(today.to_string())
                    .required(),
            );
            fields.push(Field::new("serious_harm", "造成严重危害后果", "checkbox"));
        }
        _ => return None,
    }
    Some(fields)
}

/// A field of the form as a fen amount, from yuan; an amount that is not one is the
/// field's error, as the API names a field it cannot read.
fn fen_field(form: &Form, name: &str, api_field: &str) -> Result<Option<i64>, AppError> {
    match form.text(name) {
        None => Ok(None),
        Some(text) => yuan_to_fen(&text).map(Some).ok_or_else(|| AppError::BadRequest {
            detail: format!("{api_field}: 金额须为元，最多两位小数"),
            errors: vec![FieldError::new(api_field, "金额须为元，最多两位小数")],
        }),
    }
}

/// The benchmark versions in force for the cited powers as a select; none when there are none.
fn benchmark_select(context: &StepContext) -> Option<Field> {
    let mut benchmark = Field::new("benchmark_id", "适用的裁量基准", "select");
    benchmark.options = context
        .benchmarks
        .iter()
        .map(|(value, label)| Choice {
            value: value.clone(),
            label: label.clone(),
            selected: false,
        })
        .collect();
    (!benchmark.options.is_empty()).then_some(benchmark)
}

/// The on-the-spot decision's form (简易程序, APL art. 51–52): the penalty, credentials shown,
/// what the party said when told, and the discretion benchmark in force for the cited powers.
pub fn on_the_spot_fields(fields: &mut Vec<Field>, view: &CaseView, context: &StepContext) {
    penalty_fields(fields, view);
    fields.push(Field::new("credentials_shown", "已向当事人出示执法证件", "checkbox"));
    fields.push(Field::new("party_heard", "当事人陈述申辩（当场告知后）", "textarea").required());
    fields.extend(benchmark_select(context));
    fields.push(Field::new("mitigation_ground", "减轻处罚的理由", "select").options(MITIGATION_GROUNDS));
}

/// The body of an on-the-spot `decide` from its form (see [`on_the_spot_fields`]).
pub fn on_the_spot_body(body: &mut Map<String, Value>, form: &Form) -> Result<(), AppError> {
    body.insert("outcome".into(), json!("penalty"));
    body.insert("penalties".into(), penalties(form)?);
    body.insert("credentials_shown".into(), json!(form.checked("credentials_shown")));
    for name in ["party_heard", "benchmark_id", "mitigation_ground"] {
        if let Some(value) = form.text(name) {
            body.insert(name.into(), Value::String(value));
        }
    }
    Ok(())
}

/// The penalties row of a form: `[{type, amount_fen?}]`, empty when no type is chosen.
fn penalties(form: &Form) -> Result<Value, AppError> {
    let Some(kind) = form.text("penalty_type") else {
        return Ok(json!([]));
    };
    let mut penalty = json!({ "type": kind });
    if let Some(fen) = fen_field(form, "penalty_amount_yuan", "penalties[0].amount_fen")? {
        penalty["amount_fen"] = json!(fen);
    }
    Ok(json!([penalty]))
}

/// Lines of a textarea (or 、，, separated), blanks left out.
fn lines(form: &Form, name: &str) -> Vec<String> {
    form.get(name)
        .unwrap_or_default()
        .split(['\n', '、', '，', ','])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

/// The body of a penalty-track step from its form (without `action`); `None` for a step
/// this module does not offer.
pub fn body(action: Action, form: &Form) -> Option<Result<Map<String, Value>, AppError>> {
    let mut body = Map::new();
    let texts = |body: &mut Map<String, Value>, names: &[&str]| {
        for name in names {
            if let Some(value) = form.text(name) {
                body.insert((*name).to_string(), Value::String(value));
            }
        }
    };
    let flags = |body: &mut Map<String, Value>, names: &[&str]| {
        for name in names {
            body.insert((*name).to_string(), json!(form.checked(name)));
        }
    };
    let result = (|| -> Result<(), AppError> {
        match action {
            Action::RecordInvestigation => {
                texts(&mut body, &["record_type", "content"]);
                flags(&mut body, &["credentials_shown"]);
            }
            Action::RecordEducation => texts(&mut body, &["content", "educated_on"]),
            Action::Notify => {
                body.insert("penalties".into(), penalties(form)?);
                texts(&mut body, &["facts", "legal_basis", "notified_on"]);
            }
            Action::WaiveDefense => {
                texts(&mut body, &["note"]);
                flags(&mut body, &["hearing_waived"]);
            }
            Action::RecordDefense => texts(&mut body, &["content"]),
            Action::ProposeDecision => {
                texts(
                    &mut body,
                    &[
                        "outcome",
                        "facts",
                        "legal_basis",
                        "discretion_reasoning",
                        "benchmark_id",
                        "deviation_reason",
                        "list_entry_id",
                        "no_penalty_ground",
                        "mitigation_ground",
                        "receiving_organ",
                    ],
                );
                flags(&mut body, &["complex", "major_public_interest"]);
                if form.text("outcome").as_deref() == Some("penalty") {
                    body.insert("penalties".into(), penalties(form)?);
                }
                if let Some(base) = form.text("base_amount_fen") {
                    let fen = base.parse::<i64>().map_err(|_| AppError::BadRequest {
                        detail: "base_amount_fen: 须为整数（分）".into(),
                        errors: vec![FieldError::new("base_amount_fen", "须为整数（分）")],
                    })?;
                    body.insert("base_amount_fen".into(), json!(fen));
                }
            }
            Action::SubmitLegalReview => {
                body.insert("documents".into(), json!(lines(form, "documents")));
                texts(&mut body, &["note"]);
            }
            Action::RecordCollectiveDiscussion => {
                texts(&mut body, &["held_on", "conclusion"]);
                body.insert("participants".into(), json!(lines(form, "participants")));
            }
            Action::Serve => texts(&mut body, &["method", "served_on", "receipt"]),
            Action::RecordPayment => {
                if let Some(fen) = fen_field(form, "amount_yuan", "amount_fen")? {
                    body.insert("amount_fen".into(), json!(fen));
                }
                texts(&mut body, &["paid_on", "receipt_no", "collection_ground"]);
                flags(&mut body, &["on_the_spot"]);
            }
            Action::Transfer => texts(&mut body, &["to_department", "reason", "kind"]),
            Action::RefuseFiling => texts(&mut body, &["reason"]),
            Action::ExtendDecisionDeadline => {
                texts(&mut body, &["reason"]);
                if let Some(days) = form.text("days") {
                    let days = days.parse::<u32>().map_err(|_| AppError::BadRequest {
                        detail: "days: 须为正整数（天）".into(),
                        errors: vec![FieldError::new("days", "须为正整数（天）")],
                    })?;
                    body.insert("days".into(), json!(days));
                }
            }
            Action::NotifyResults => texts(&mut body, &["method", "notified_on"]),
            Action::Escalate => {
                texts(&mut body, &["summary", "violation_on"]);
                flags(&mut body, &["serious_harm"]);
            }
            _ => {}
        }
        Ok(())
    })();
    if !PENALTY_FORM_ACTIONS.contains(&action) {
        return None;
    }
    Some(result.map(|()| body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_become_fen_exactly() {
        assert_eq!(yuan_to_fen("500"), Some(50_000));
        assert_eq!(yuan_to_fen(" 1,200.5 "), Some(120_050));
        assert_eq!(yuan_to_fen("￥0.07"), Some(7));
        assert_eq!(yuan_to_fen("1.234"), None);
        assert_eq!(yuan_to_fen("-5"), None);
        assert_eq!(yuan_to_fen("abc"), None);
        assert_eq!(yuan_to_fen(""), None);
        assert_eq!(fen_to_yuan(50_000), "500");
        assert_eq!(fen_to_yuan(120_050), "1200.50");
    }
}
