//! 案卷评查 (DESIGN §6) as plain Rust: scoring templates, the reproducible sample, reviewer
//! assignment, the findings the service can check in a case file itself, and a score sheet
//! totalled and graded. The store and the API call these; nothing here touches a database.
//!
//! The rules a file is checked against are the law's: at least two officers holding
//! enforcement certificates (APL art. 42), legal review of decisions in scope (art. 58),
//! the decision period (art. 60), prior notice (art. 44) and service (art. 61).

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::cases::model::{Case, CaseKind, Outcome, Procedure, ReviewOutcome};
use crate::error::{AppError, FieldError};

/// A number of points, kept in tenths so that a half point adds up exactly. Travels as a
/// JSON number with at most one decimal (`2.5`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Points(i64);

impl Points {
    pub const ZERO: Points = Points(0);

    pub fn whole(points: i64) -> Points {
        Points(points * 10)
    }

    pub fn tenths(self) -> i64 {
        self.0
    }

    pub fn from_tenths(tenths: i64) -> Points {
        Points(tenths)
    }

    pub fn as_f64(self) -> f64 {
        self.0 as f64 / 10.0
    }

    /// `value` as points, if it is finite, not negative, at most 10,000 and has at most one
    /// decimal.
    pub fn parse(value: f64) -> Option<Points> {
        if !value.is_finite() || !(0.0..=10_000.0).contains(&value) {
            return None;
        }
        let tenths = (value * 10.0).round();
        ((value * 10.0 - tenths).abs() < 1e-6).then_some(Points(tenths as i64))
    }
}

impl std::ops::Add for Points {
    type Output = Points;
    fn add(self, other: Points) -> Points {
        Points(self.0 + other.0)
    }
}

impl std::ops::Sub for Points {
    type Output = Points;
    fn sub(self, other: Points) -> Points {
        Points(self.0 - other.0)
    }
}

impl std::iter::Sum for Points {
    fn sum<I: Iterator<Item = Points>>(iter: I) -> Points {
        Points(iter.map(|p| p.0).sum())
    }
}

impl std::fmt::Display for Points {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0 % 10 == 0 {
            write!(f, "{}", self.0 / 10)
        } else {
            write!(f, "{}.{}", self.0 / 10, (self.0 % 10).abs())
        }
    }
}

impl Serialize for Points {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0 % 10 == 0 {
            serializer.serialize_i64(self.0 / 10)
        } else {
            serializer.serialize_f64(self.as_f64())
        }
    }
}

impl<'de> Deserialize<'de> for Points {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Points, D::Error> {
        let value = f64::deserialize(deserializer)?;
        Points::parse(value)
            .ok_or_else(|| serde::de::Error::custom("points are a number from 0 to 10000 with at most one decimal"))
    }
}

string_enum!(
    /// A finding the service checks in the case file itself, pre-filled for the reviewer to
    /// confirm or dismiss with a reason.
    Check {
        /// 执法人员少于两人 (APL art. 42)
        TwoOfficers => "two_officers",
        /// 执法人员未取得或未持有效执法证 (APL art. 42)
        OfficerCertificates => "officer_certificates",
        /// 应当法制审核而未审核或审核未通过 (APL art. 58)
        LegalReview => "legal_review",
        /// 超过办案期限作出决定 (APL art. 60)
        DecisionDeadline => "decision_deadline",
        /// 普通程序作出处罚决定前未告知 (APL art. 44)
        PriorNotice => "prior_notice",
        /// 决定书无送达记录 (APL art. 61)
        ServiceRecord => "service_record",
    }
);

string_enum!(
    /// 评查等次
    Grade {
        /// 优秀
        Excellent => "excellent",
        /// 合格
        Pass => "pass",
        /// 不合格
        Fail => "fail",
    }
);

string_enum!(
    /// 示范优案 / 典型差案
    Mark {
        /// 示范优案
        Exemplary => "exemplary",
        /// 典型差案
        Poor => "poor",
    }
);

impl Grade {
    pub fn label(self) -> &'static str {
        match self {
            Grade::Excellent => "优秀",
            Grade::Pass => "合格",
            Grade::Fail => "不合格",
        }
    }
}

impl Mark {
    pub fn label(self) -> &'static str {
        match self {
            Mark::Exemplary => "示范优案",
            Mark::Poor => "典型差案",
        }
    }
}

/// An item whose failure fails the file outright (否决项): score 0, grade `fail`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VetoItem {
    /// Stable key, 1 to 64 of `a-z`, `0-9` and `_`, unique in the template.
    #[schema(pattern = "^[a-z0-9_]{1,64}$")]
    pub key: String,
    /// What fails the file, in Chinese (e.g. 执法人员少于两人).
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"[^\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub label: String,
    /// A check the service runs on the file to pre-fill this item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<Check>,
}

/// An item that loses points (扣分项).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PointItem {
    #[schema(pattern = "^[a-z0-9_]{1,64}$")]
    pub key: String,
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"[^\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub label: String,
    /// The most the item can lose.
    #[schema(value_type = f64, minimum = 0.1, maximum = 10000, multiple_of = 0.1)]
    pub points: Points,
    /// A check the service runs on the file to pre-fill a deduction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<Check>,
    /// The deduction a failed check suggests; the item's points when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<f64>, minimum = 0.1, maximum = 10000, multiple_of = 0.1)]
    pub check_deduction: Option<Points>,
}

/// A group of point items (e.g. 案卷形式 20, 案卷内容 80); its points are its items' sum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Category {
    #[schema(pattern = "^[a-z0-9_]{1,64}$")]
    pub key: String,
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"[^\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub label: String,
    /// At least one; at most 200 items in the whole template.
    #[schema(min_items = 1, max_items = 200)]
    pub items: Vec<PointItem>,
}

/// The lowest scores of the grades above `fail`; "≥" includes the figure (以上).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GradeThresholds {
    /// At most the template's maximum.
    #[schema(value_type = f64, minimum = 0, maximum = 10000, multiple_of = 0.1)]
    pub excellent: Points,
    /// At most `excellent`.
    #[schema(value_type = f64, minimum = 0, maximum = 10000, multiple_of = 0.1)]
    pub pass: Points,
}

/// A scoring standard (评查标准): veto items, point items in categories, grade thresholds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateContent {
    pub veto_items: Vec<VetoItem>,
    pub categories: Vec<Category>,
    pub grades: GradeThresholds,
}

pub const MAX_ITEMS: usize = 200;
const MAX_LABEL_CHARS: usize = 200;

impl TemplateContent {
    /// The most a file can score: the sum of every point item.
    pub fn max_points(&self) -> Points {
        self.point_items().map(|(_, item)| item.points).sum()
    }

    pub fn point_items(&self) -> impl Iterator<Item = (&Category, &PointItem)> {
        self.categories
            .iter()
            .flat_map(|category| category.items.iter().map(move |item| (category, item)))
    }

    pub fn point_item(&self, key: &str) -> Option<&PointItem> {
        self.point_items().map(|(_, item)| item).find(|item| item.key == key)
    }

    pub fn veto_item(&self, key: &str) -> Option<&VetoItem> {
        self.veto_items.iter().find(|item| item.key == key)
    }

    /// Field problems of a template as submitted: keys unique over the whole template,
    /// labels present, points positive, thresholds `pass ≤ excellent ≤ the maximum`.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let mut keys = HashSet::new();
        let mut checks = HashSet::new();
        let mut key_of = |field: String, key: &str, errors: &mut Vec<FieldError>| {
            let well_formed = (1..=64).contains(&key.len())
                && key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !well_formed {
                errors.push(FieldError::new(field, "1 to 64 characters of a–z, 0–9 and _"));
            } else if !keys.insert(key.to_string()) {
                errors.push(FieldError::new(field, format!("the key {key} is used twice")));
            }
        };
        let mut check_once = |field: String, check: Option<Check>, errors: &mut Vec<FieldError>| {
            if let Some(check) = check
                && !checks.insert(check)
            {
                errors.push(FieldError::new(
                    field,
                    format!("the check {check} is used by two items"),
                ));
            }
        };
        let label = |field: String, label: &str, errors: &mut Vec<FieldError>| {
            crate::error::check_text(&field, label, MAX_LABEL_CHARS, errors);
        };
        let item_count = self.veto_items.len() + self.categories.iter().map(|c| c.items.len()).sum::<usize>();
        if item_count > MAX_ITEMS {
            errors.push(FieldError::new(
                "categories",
                format!("at most {MAX_ITEMS} items in all"),
            ));
        }
        for (i, item) in self.veto_items.iter().enumerate() {
            key_of(format!("veto_items[{i}].key"), &item.key, &mut errors);
            label(format!("veto_items[{i}].label"), &item.label, &mut errors);
            check_once(format!("veto_items[{i}].check"), item.check, &mut errors);
        }
        if self.categories.is_empty() {
            errors.push(FieldError::new("categories", "at least one category of point items"));
        }
        for (c, category) in self.categories.iter().enumerate() {
            key_of(format!("categories[{c}].key"), &category.key, &mut errors);
            label(format!("categories[{c}].label"), &category.label, &mut errors);
            if category.items.is_empty() {
                errors.push(FieldError::new(format!("categories[{c}].items"), "at least one item"));
            }
            for (i, item) in category.items.iter().enumerate() {
                let field = format!("categories[{c}].items[{i}]");
                key_of(format!("{field}.key"), &item.key, &mut errors);
                label(format!("{field}.label"), &item.label, &mut errors);
                check_once(format!("{field}.check"), item.check, &mut errors);
                if item.points == Points::ZERO {
                    errors.push(FieldError::new(format!("{field}.points"), "must be more than 0"));
                }
                if let Some(deduction) = item.check_deduction {
                    if item.check.is_none() {
                        errors.push(FieldError::new(format!("{field}.check_deduction"), "only with a check"));
                    } else if deduction == Points::ZERO || deduction > item.points {
                        errors.push(FieldError::new(
                            format!("{field}.check_deduction"),
                            "more than 0 and at most the item's points",
                        ));
                    }
                }
            }
        }
        let max = self.max_points();
        if self.grades.excellent > max {
            errors.push(FieldError::new(
                "grades.excellent",
                format!("at most the template's {max} points"),
            ));
        }
        if self.grades.pass > self.grades.excellent {
            errors.push(FieldError::new("grades.pass", "at most grades.excellent"));
        }
        errors
    }

    /// The grade of a file that was not vetoed and scored `total`.
    pub fn grade(&self, total: Points) -> Grade {
        if total >= self.grades.excellent {
            Grade::Excellent
        } else if total >= self.grades.pass {
            Grade::Pass
        } else {
            Grade::Fail
        }
    }
}

/// The default scoring standard: eight veto items (a missing prior notice is 违反法定程序:
/// APL art. 62 forbids the decision); 20 points for the file's form (立卷规范,
/// 文书齐全, 编号, 装订顺序) and 80 for its content (主体, 事实, 证据, 法律适用, 程序, 裁量,
/// 送达, 执行); `excellent` from 90, `pass` from 60.
pub fn default_template() -> TemplateContent {
    let veto = |key: &str, label: &str, check: Option<Check>| VetoItem {
        key: key.into(),
        label: label.into(),
        check,
    };
    let item = |key: &str, label: &str, points: i64, check: Option<(Check, i64)>| PointItem {
        key: key.into(),
        label: label.into(),
        points: Points::whole(points),
        check: check.map(|(check, _)| check),
        check_deduction: check.map(|(_, deduction)| Points::whole(deduction)),
    };
    TemplateContent {
        veto_items: vec![
            veto("unlawful_subject", "执法主体不合法", None),
            veto(
                "uncertified_officer",
                "执法人员未取得执法证件",
                Some(Check::OfficerCertificates),
            ),
            veto("fewer_than_two_officers", "执法人员少于两人", Some(Check::TwoOfficers)),
            veto("insufficient_evidence", "主要事实不清、证据不足", None),
            veto("wrong_law", "适用法律、法规错误", None),
            veto("illegal_procedure", "违反法定程序", Some(Check::PriorNotice)),
            veto("should_have_transferred", "应当移送而未移送", None),
            veto("no_legal_review", "应当法制审核而未审核", Some(Check::LegalReview)),
        ],
        categories: vec![
            Category {
                key: "form".into(),
                label: "案卷形式".into(),
                items: vec![
                    item("filing_standard", "立卷规范", 5, None),
                    item("documents_complete", "文书齐全", 5, None),
                    item("numbering", "编号规范", 5, None),
                    item("binding_order", "装订顺序", 5, None),
                ],
            },
            Category {
                key: "content".into(),
                label: "案卷内容".into(),
                items: vec![
                    item("subject", "主体认定", 10, None),
                    item("facts", "事实认定", 10, None),
                    item("evidence", "证据", 15, None),
                    item("law_applied", "法律适用", 10, None),
                    item("procedure", "程序", 15, Some((Check::DecisionDeadline, 5))),
                    item("discretion", "裁量", 10, None),
                    item("service", "送达", 5, Some((Check::ServiceRecord, 5))),
                    item("execution", "执行", 5, None),
                ],
            },
        ],
        grades: GradeThresholds {
            excellent: Points::whole(90),
            pass: Points::whole(60),
        },
    }
}

/// What a campaign covers: the kinds and procedures of case (all when empty), closed in its
/// period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Scope {
    #[serde(default)]
    pub kinds: Vec<CaseKind>,
    /// Penalty procedures; an inspection has none and is in scope whatever this says.
    #[serde(default)]
    pub procedures: Vec<Procedure>,
}

/// How many files a campaign samples: a count, or a ratio of the eligible files (rounded
/// up); at least one either way.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum SampleSize {
    Count {
        #[schema(minimum = 1, maximum = 100000)]
        count: u32,
    },
    Ratio {
        #[schema(exclusive_minimum = 0, maximum = 1)]
        ratio: f64,
    },
}

impl SampleSize {
    pub fn check(&self) -> Result<(), FieldError> {
        match *self {
            SampleSize::Count { count } if !(1..=100_000).contains(&count) => {
                Err(FieldError::new("sample.count", "from 1 to 100000"))
            }
            SampleSize::Ratio { ratio } if !(ratio > 0.0 && ratio <= 1.0) => {
                Err(FieldError::new("sample.ratio", "more than 0 and at most 1"))
            }
            _ => Ok(()),
        }
    }

    /// The number of files drawn from `eligible`: never more than there are, at least one.
    pub fn of(&self, eligible: usize) -> usize {
        let wanted = match *self {
            SampleSize::Count { count } => count as usize,
            SampleSize::Ratio { ratio } => (ratio * eligible as f64 - 1e-9).ceil() as usize,
        };
        wanted.max(1).min(eligible)
    }
}

/// The sample's algorithm, as the API and the README state it.
pub const SAMPLE_ALGORITHM: &str = "rank each eligible case by SHA-256 over the UTF-8 bytes of \
seed + \":\" + case id (lower-case hex, compared as text; ties by case id), take the first n";

/// The rank of a case in a campaign's sample: SHA-256 of `seed:case_id`, in hex.
pub fn sample_rank(seed: &str, case_id: &str) -> String {
    hex::encode(Sha256::digest(format!("{seed}:{case_id}").as_bytes()))
}

/// The sample: the `n` eligible cases of lowest rank, in rank order. Depends only on the
/// seed and the set of eligible ids, so anyone holding both can recompute it.
pub fn draw_sample(seed: &str, eligible: &[String], n: usize) -> Vec<String> {
    let mut ranked: Vec<(String, &String)> = eligible.iter().map(|id| (sample_rank(seed, id), id)).collect();
    ranked.sort();
    ranked.dedup_by(|a, b| a.1 == b.1);
    ranked.into_iter().take(n).map(|(_, id)| id.clone()).collect()
}

/// SHA-256 over the eligible case ids sorted and joined by `\n`: what the campaign fixed.
pub fn eligible_digest(eligible: &[String]) -> String {
    let mut sorted: Vec<&String> = eligible.iter().collect();
    sorted.sort();
    let joined: Vec<&str> = sorted.iter().map(|s| s.as_str()).collect();
    hex::encode(Sha256::digest(joined.join("\n").as_bytes()))
}

/// Assigns each sampled case, in sample order, to the reviewer with the fewest files so far
/// among those who did not handle it (ties by reviewer id). `conflicts` maps a case to the
/// users who handled it: its officers, the record's actors, its counsel. Fails with the
/// first case nobody may review.
pub fn assign_reviewers(
    sample: &[String],
    reviewers: &[String],
    conflicts: &HashMap<String, HashSet<String>>,
) -> Result<Vec<(String, String)>, String> {
    let mut reviewers: Vec<&String> = reviewers.iter().collect();
    reviewers.sort();
    reviewers.dedup();
    let mut load: BTreeMap<&String, usize> = reviewers.iter().map(|r| (*r, 0)).collect();
    let mut assigned = Vec::with_capacity(sample.len());
    for case_id in sample {
        let handled = conflicts.get(case_id);
        let chosen = reviewers
            .iter()
            .filter(|r| !handled.is_some_and(|h| h.contains(r.as_str())))
            .min_by_key(|r| (load[*r], r.as_str()))
            .ok_or_else(|| case_id.clone())?;
        *load.entry(chosen).or_default() += 1;
        assigned.push((case_id.clone(), (*chosen).clone()));
    }
    Ok(assigned)
}

/// A finding the service made in the file, for the reviewer to confirm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Finding {
    pub check: Check,
    /// The template item it pre-fills.
    pub item_key: String,
    /// `true` for a veto item (the file fails).
    pub veto: bool,
    /// The deduction it suggests on a point item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<f64>)]
    pub deduction: Option<Points>,
    /// What was found, in Chinese, with the article.
    pub detail: String,
}

/// What the file shows on each check, from the case as it was closed. `review_required`
/// lists why a decision needed counsel's review under the agency's scope.
pub fn failed_checks(case: &Case, review_required: &[&str]) -> Vec<(Check, String)> {
    let mut failed = Vec::new();
    let acting: Vec<_> = case.officers.iter().filter(|o| !o.recused).collect();
    if acting.len() < 2 {
        failed.push((
            Check::TwoOfficers,
            format!(
                "案卷记载的执法人员为{}人，少于两人（《行政处罚法》第四十二条）",
                acting.len()
            ),
        ));
    }
    let uncertified: Vec<&str> = acting
        .iter()
        .filter(|o| {
            o.certificate_no.is_none() || o.certificate_expires_on.is_none_or(|expires| expires < case.opened_on)
        })
        .map(|o| o.display_name.as_str())
        .collect();
    if !uncertified.is_empty() {
        failed.push((
            Check::OfficerCertificates,
            format!(
                "执法人员{}在立案日{}未持有效执法证（《行政处罚法》第四十二条）",
                uncertified.join("、"),
                case.opened_on
            ),
        ));
    }
    let decided = case.decided_on.is_some();
    if decided && !review_required.is_empty() && case.legal_review_outcome != Some(ReviewOutcome::Approved) {
        failed.push((
            Check::LegalReview,
            format!(
                "决定属于法制审核范围（{}），案卷无同意的法制审核意见（《行政处罚法》第五十八条）",
                review_required.join("、")
            ),
        ));
    }
    if let (Some(decided_on), Some(due_on)) = (case.decided_on, case.decision_due_on)
        && decided_on > due_on
    {
        failed.push((
            Check::DecisionDeadline,
            format!("决定日{decided_on}晚于办案期限{due_on}（《行政处罚法》第六十条）"),
        ));
    }
    let penalised = case.outcome == Some(Outcome::Penalty) && !case.penalties.is_empty();
    if penalised && case.procedure == Some(Procedure::Ordinary) && case.notified_on.is_none() {
        failed.push((
            Check::PriorNotice,
            "普通程序作出处罚决定，案卷无事先告知记录（《行政处罚法》第四十四条）".into(),
        ));
    }
    if decided && case.kind == CaseKind::Penalty && case.served_on.is_none() && case.revocation.is_none() {
        failed.push((
            Check::ServiceRecord,
            "决定书无送达记录（《行政处罚法》第六十一条）".into(),
        ));
    }
    failed
}

/// The failed checks as findings on the template's items; a check no item uses is dropped.
pub fn findings(template: &TemplateContent, failed: &[(Check, String)]) -> Vec<Finding> {
    failed
        .iter()
        .filter_map(|(check, detail)| {
            if let Some(item) = template.veto_items.iter().find(|i| i.check == Some(*check)) {
                return Some(Finding {
                    check: *check,
                    item_key: item.key.clone(),
                    veto: true,
                    deduction: None,
                    detail: detail.clone(),
                });
            }
            let (_, item) = template.point_items().find(|(_, i)| i.check == Some(*check))?;
            Some(Finding {
                check: *check,
                item_key: item.key.clone(),
                veto: false,
                deduction: Some(item.check_deduction.unwrap_or(item.points)),
                detail: detail.clone(),
            })
        })
        .collect()
}

/// A reviewer's answer on a veto item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VetoAnswer {
    pub key: String,
    /// The file fails on this item.
    pub failed: bool,
    /// Required when the item fails, or when a finding on it is dismissed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A reviewer's answer on a point item: 0 passes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemAnswer {
    pub key: String,
    #[schema(value_type = f64, minimum = 0, maximum = 10000, multiple_of = 0.1)]
    pub deduction: Points,
    /// Required with a deduction, or when a finding on the item is dismissed or lessened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A scored file: the answers, and what they add up to.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Tally {
    #[schema(value_type = f64)]
    pub max_points: Points,
    #[schema(value_type = f64)]
    pub deducted: Points,
    /// 0 when vetoed; otherwise the maximum less the deductions.
    #[schema(value_type = f64)]
    pub total: Points,
    pub grade: Grade,
    pub vetoed: bool,
    /// The veto items that failed.
    pub failed_veto_items: Vec<String>,
}

pub const MAX_COMMENT_CHARS: usize = 2000;

/// Checks a score sheet against the template and the findings, and totals it. Every item of
/// the template is answered once; a veto that fails and a deduction give a comment; a
/// finding is dismissed or lessened only with a comment (`finding_dismissed_without_reason`);
/// a deduction stays within the item's points. `exemplary` needs an excellent file, `poor`
/// one that is not.
pub fn tally(
    template: &TemplateContent,
    findings: &[Finding],
    veto: &[VetoAnswer],
    items: &[ItemAnswer],
    mark: Option<Mark>,
) -> Result<Tally, AppError> {
    let mut errors = Vec::new();
    let commented = |comment: &Option<String>| comment.as_deref().is_some_and(|c| !c.trim().is_empty());
    let mut seen = HashSet::new();
    for (i, answer) in veto.iter().enumerate() {
        if template.veto_item(&answer.key).is_none() {
            errors.push(FieldError::new(
                format!("veto[{i}].key"),
                "no veto item of the template has this key",
            ));
        } else if !seen.insert(answer.key.as_str()) {
            errors.push(FieldError::new(format!("veto[{i}].key"), "answered twice"));
        } else if answer.failed && !commented(&answer.comment) {
            errors.push(FieldError::new(
                format!("veto[{i}].comment"),
                "say why the file fails on this item",
            ));
        }
        crate::error::check_optional_text(
            &format!("veto[{i}].comment"),
            answer.comment.as_deref().filter(|c| !c.is_empty()),
            MAX_COMMENT_CHARS,
            &mut errors,
        );
    }
    let missing: Vec<&str> = template
        .veto_items
        .iter()
        .filter(|item| !seen.contains(item.key.as_str()))
        .map(|item| item.key.as_str())
        .collect();
    if !missing.is_empty() {
        errors.push(FieldError::new(
            "veto",
            format!("answer every veto item; missing: {}", missing.join(", ")),
        ));
    }
    let mut seen = HashSet::new();
    for (i, answer) in items.iter().enumerate() {
        match template.point_item(&answer.key) {
            None => errors.push(FieldError::new(
                format!("items[{i}].key"),
                "no point item of the template has this key",
            )),
            Some(_) if !seen.insert(answer.key.as_str()) => {
                errors.push(FieldError::new(format!("items[{i}].key"), "answered twice"));
            }
            Some(item) if answer.deduction > item.points => errors.push(FieldError::new(
                format!("items[{i}].deduction"),
                format!("at most the item's {} points", item.points),
            )),
            Some(_) if answer.deduction > Points::ZERO && !commented(&answer.comment) => {
                errors.push(FieldError::new(
                    format!("items[{i}].comment"),
                    "say why the points are deducted",
                ));
            }
            Some(_) => {}
        }
        crate::error::check_optional_text(
            &format!("items[{i}].comment"),
            answer.comment.as_deref().filter(|c| !c.is_empty()),
            MAX_COMMENT_CHARS,
            &mut errors,
        );
    }
    let missing: Vec<&str> = template
        .point_items()
        .filter(|(_, item)| !seen.contains(item.key.as_str()))
        .map(|(_, item)| item.key.as_str())
        .collect();
    if !missing.is_empty() {
        errors.push(FieldError::new(
            "items",
            format!("answer every point item; missing: {}", missing.join(", ")),
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    for finding in findings {
        let dismissed_without_reason = if finding.veto {
            veto.iter()
                .find(|a| a.key == finding.item_key)
                .is_some_and(|a| !a.failed && !commented(&a.comment))
        } else {
            items
                .iter()
                .find(|a| a.key == finding.item_key)
                .is_some_and(|a| a.deduction < finding.deduction.unwrap_or(Points::ZERO) && !commented(&a.comment))
        };
        if dismissed_without_reason {
            return Err(AppError::rule(
                "finding_dismissed_without_reason",
                format!(
                    "the file shows a finding on {} ({}); confirm it, or give a comment saying why it does not hold",
                    finding.item_key, finding.detail
                ),
            ));
        }
    }
    let failed_veto_items: Vec<String> = veto.iter().filter(|a| a.failed).map(|a| a.key.clone()).collect();
    let vetoed = !failed_veto_items.is_empty();
    let max_points = template.max_points();
    let deducted: Points = items.iter().map(|a| a.deduction).sum();
    let (total, grade) = if vetoed {
        (Points::ZERO, Grade::Fail)
    } else {
        let total = max_points - deducted;
        (total, template.grade(total))
    };
    match mark {
        Some(Mark::Exemplary) if grade != Grade::Excellent => {
            return Err(AppError::rule(
                "exemplary_requires_excellent",
                format!(
                    "a 示范优案 is a file graded excellent; this one is {} ({total} points)",
                    grade.label()
                ),
            ));
        }
        Some(Mark::Poor) if grade == Grade::Excellent => {
            return Err(AppError::rule(
                "poor_requires_below_excellent",
                format!("a 典型差案 is not a file graded excellent ({total} points)"),
            ));
        }
        _ => {}
    }
    Ok(Tally {
        max_points,
        deducted,
        total,
        grade,
        vetoed,
        failed_veto_items,
    })
}

string_enum!(
    /// Where a rectification item (整改事项) stands.
    RectificationStatus {
        /// Raised, awaiting the lead officer's answer (or sent back to it).
        Open => "open",
        /// Answered by the officer, awaiting a supervisor.
        Answered => "answered",
        /// Accepted by a supervisor: done.
        Closed => "closed",
    }
);

/// The default period given for a rectification: 10 working days.
pub const DEFAULT_RECTIFICATION_WORKING_DAYS: u32 = 10;
pub const MAX_RECTIFICATION_WORKING_DAYS: u32 = 120;

/// A rectification is overdue while open past its last day; a day on which it is answered
/// still counts as in time.
pub fn rectification_overdue(status: RectificationStatus, due_on: NaiveDate, today: NaiveDate) -> bool {
    status == RectificationStatus::Open && today > due_on
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::model::testing::{case, date};
    use crate::cases::model::{CaseStatus, Penalty, PenaltyType};

    fn all_pass(template: &TemplateContent) -> (Vec<VetoAnswer>, Vec<ItemAnswer>) {
        (
            template
                .veto_items
                .iter()
                .map(|i| VetoAnswer {
                    key: i.key.clone(),
                    failed: false,
                    comment: None,
                })
                .collect(),
            template
                .point_items()
                .map(|(_, i)| ItemAnswer {
                    key: i.key.clone(),
                    deduction: Points::ZERO,
                    comment: None,
                })
                .collect(),
        )
    }

    fn deduct(items: &mut [ItemAnswer], key: &str, points: f64) {
        let item = items.iter_mut().find(|i| i.key == key).unwrap();
        item.deduction = Points::parse(points).unwrap();
        item.comment = Some("扣分理由".into());
    }

    #[test]
    fn the_default_template_is_twenty_for_form_and_eighty_for_content() {
        let template = default_template();
        assert!(template.validate().is_empty(), "{:?}", template.validate());
        let sum = |key: &str| -> Points {
            template
                .categories
                .iter()
                .find(|c| c.key == key)
                .unwrap()
                .items
                .iter()
                .map(|i| i.points)
                .sum()
        };
        assert_eq!((sum("form"), sum("content")), (Points::whole(20), Points::whole(80)));
        assert_eq!(template.max_points(), Points::whole(100));
    }

    #[test]
    fn grades_include_their_threshold() {
        let template = default_template();
        assert_eq!(template.grade(Points::whole(90)), Grade::Excellent);
        assert_eq!(template.grade(Points::parse(89.5).unwrap()), Grade::Pass);
        assert_eq!(template.grade(Points::whole(60)), Grade::Pass);
        assert_eq!(template.grade(Points::parse(59.9).unwrap()), Grade::Fail);
    }

    #[test]
    fn a_failed_veto_item_zeroes_the_score_whatever_the_points() {
        let template = default_template();
        let (mut veto, items) = all_pass(&template);
        veto[3].failed = true;
        veto[3].comment = Some("询问笔录与现场照片矛盾".into());
        let tally = tally(&template, &[], &veto, &items, None).unwrap();
        assert_eq!(
            (tally.total, tally.grade, tally.vetoed),
            (Points::ZERO, Grade::Fail, true)
        );
        assert_eq!(tally.failed_veto_items, vec!["insufficient_evidence".to_string()]);
    }

    #[test]
    fn deductions_are_summed_in_half_points() {
        let template = default_template();
        let (veto, mut items) = all_pass(&template);
        deduct(&mut items, "evidence", 5.5);
        deduct(&mut items, "numbering", 4.0);
        let tally = tally(&template, &[], &veto, &items, None).unwrap();
        assert_eq!(tally.total, Points::parse(90.5).unwrap());
        assert_eq!(tally.grade, Grade::Excellent);
        deduct(&mut items, "service", 1.0);
        let tally = super::tally(&template, &[], &veto, &items, Some(Mark::Poor)).unwrap();
        assert_eq!(
            (tally.total.to_string(), tally.grade),
            ("89.5".to_string(), Grade::Pass)
        );
    }

    #[test]
    fn every_item_is_answered_once_within_its_points_and_deductions_give_reasons() {
        let template = default_template();
        let (veto, mut items) = all_pass(&template);
        let fields = |result: Result<Tally, AppError>| match result {
            Err(AppError::Validation(errors)) => errors.into_iter().map(|e| e.field).collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        assert_eq!(fields(tally(&template, &[], &veto[1..], &items, None)), vec!["veto"]);
        items[0].deduction = Points::whole(6);
        items[0].comment = Some("x".into());
        assert_eq!(
            fields(tally(&template, &[], &veto, &items, None)),
            vec!["items[0].deduction"]
        );
        items[0].deduction = Points::whole(2);
        items[0].comment = None;
        assert_eq!(
            fields(tally(&template, &[], &veto, &items, None)),
            vec!["items[0].comment"]
        );
        items[0].comment = Some("x".into());
        let mut twice = items.clone();
        twice.push(items[1].clone());
        assert_eq!(
            fields(tally(&template, &[], &veto, &twice, None)),
            vec!["items[12].key"]
        );
    }

    #[test]
    fn marks_follow_the_grade() {
        let template = default_template();
        let (veto, mut items) = all_pass(&template);
        assert!(tally(&template, &[], &veto, &items, Some(Mark::Exemplary)).is_ok());
        let refused = tally(&template, &[], &veto, &items, Some(Mark::Poor)).unwrap_err();
        assert!(matches!(
            refused,
            AppError::Rule {
                rule: "poor_requires_below_excellent",
                ..
            }
        ));
        deduct(&mut items, "facts", 10.5 - 0.5);
        deduct(&mut items, "evidence", 1.0);
        let refused = tally(&template, &[], &veto, &items, Some(Mark::Exemplary)).unwrap_err();
        assert!(matches!(
            refused,
            AppError::Rule {
                rule: "exemplary_requires_excellent",
                ..
            }
        ));
    }

    #[test]
    fn a_finding_is_confirmed_or_dismissed_with_a_reason() {
        let template = default_template();
        let mut one_officer = case(CaseKind::Penalty, Some(Procedure::Ordinary), CaseStatus::Closed);
        one_officer.officers.truncate(1);
        let found = findings(&template, &failed_checks(&one_officer, &[]));
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].check, found[0].veto), (Check::TwoOfficers, true));
        assert_eq!(found[0].item_key, "fewer_than_two_officers");
        let (mut veto, items) = all_pass(&template);
        let refused = tally(&template, &found, &veto, &items, None).unwrap_err();
        assert!(matches!(
            refused,
            AppError::Rule {
                rule: "finding_dismissed_without_reason",
                ..
            }
        ));
        let position = veto.iter().position(|v| v.key == "fewer_than_two_officers").unwrap();
        veto[position].comment = Some("另一名执法人员的询问笔录签名在卷".into());
        assert!(!tally(&template, &found, &veto, &items, None).unwrap().vetoed);
        veto[position].failed = true;
        assert!(tally(&template, &found, &veto, &items, None).unwrap().vetoed);
    }

    #[test]
    fn the_file_is_checked_for_what_the_law_requires() {
        let mut file = case(CaseKind::Penalty, Some(Procedure::Ordinary), CaseStatus::Closed);
        assert!(failed_checks(&file, &["ordinary_procedure"]).is_empty());
        file.decided_on = Some(date("2024-12-20"));
        file.decision_due_on = Some(date("2024-12-01"));
        file.outcome = Some(Outcome::Penalty);
        file.penalties = vec![Penalty {
            kind: PenaltyType::Fine,
            amount_fen: Some(20000),
        }];
        file.officers[1].certificate_expires_on = Some(date("2024-09-01"));
        let checks: Vec<Check> = failed_checks(&file, &["ordinary_procedure"])
            .into_iter()
            .map(|(c, _)| c)
            .collect();
        assert_eq!(
            checks,
            vec![
                Check::OfficerCertificates,
                Check::LegalReview,
                Check::DecisionDeadline,
                Check::PriorNotice,
                Check::ServiceRecord
            ]
        );
        // The decision on its last day is in time; a certificate valid on the filing day counts.
        file.decided_on = Some(date("2024-12-01"));
        file.officers[1].certificate_expires_on = Some(date("2024-09-02"));
        file.legal_review_outcome = Some(ReviewOutcome::Approved);
        file.notified_on = Some(date("2024-11-01"));
        file.served_on = Some(date("2024-12-02"));
        assert!(failed_checks(&file, &["ordinary_procedure"]).is_empty());
        // Outside the review's scope, no review is missing.
        file.legal_review_outcome = None;
        assert!(failed_checks(&file, &[]).is_empty());
    }

    #[test]
    fn the_sample_depends_on_the_seed_and_the_set_only() {
        let eligible: Vec<String> = (0..50).map(|i| format!("case-{i:02}")).collect();
        let sample = draw_sample("2024Q3-seed", &eligible, 5);
        assert_eq!(sample.len(), 5);
        let mut reversed = eligible.clone();
        reversed.reverse();
        assert_eq!(draw_sample("2024Q3-seed", &reversed, 5), sample);
        assert_ne!(draw_sample("another seed", &eligible, 5), sample);
        // The rank is SHA-256 of "seed:id": the first sampled has the lowest.
        let lowest = eligible.iter().min_by_key(|id| sample_rank("2024Q3-seed", id)).unwrap();
        assert_eq!(&sample[0], lowest);
        // `printf 's:c' | sha256sum`
        assert_eq!(
            sample_rank("s", "c"),
            "97a9a90478de136ba53c96162c92e7139c94acc673a40198cff2d326fcb85a8e"
        );
        assert_eq!(eligible_digest(&reversed), eligible_digest(&eligible));
    }

    #[test]
    fn sample_sizes_round_up_and_take_at_least_one() {
        assert_eq!(SampleSize::Ratio { ratio: 0.1 }.of(95), 10);
        assert_eq!(SampleSize::Ratio { ratio: 0.1 }.of(90), 9);
        assert_eq!(SampleSize::Ratio { ratio: 0.01 }.of(3), 1);
        assert_eq!(SampleSize::Count { count: 10 }.of(4), 4);
        assert!(SampleSize::Ratio { ratio: 0.0 }.check().is_err());
        assert!(SampleSize::Count { count: 0 }.check().is_err());
    }

    #[test]
    fn nobody_reviews_a_case_they_handled_and_files_are_shared_out() {
        let sample: Vec<String> = ["a", "b", "c", "d"].map(String::from).to_vec();
        let reviewers: Vec<String> = ["r1", "r2"].map(String::from).to_vec();
        let conflicts = HashMap::from([
            ("a".to_string(), HashSet::from(["r1".to_string()])),
            ("b".to_string(), HashSet::from(["r1".to_string()])),
        ]);
        let assigned = assign_reviewers(&sample, &reviewers, &conflicts).unwrap();
        assert_eq!(
            assigned.iter().map(|(c, r)| format!("{c}:{r}")).collect::<Vec<_>>(),
            vec!["a:r2", "b:r2", "c:r1", "d:r1"]
        );
        let all = HashMap::from([("c".to_string(), HashSet::from(["r1".to_string(), "r2".to_string()]))]);
        assert_eq!(assign_reviewers(&sample, &reviewers, &all), Err("c".to_string()));
    }

    #[test]
    fn templates_refuse_duplicate_keys_and_impossible_thresholds() {
        let mut template = default_template();
        template.categories[0].items[1].key = "filing_standard".into();
        template.grades.excellent = Points::whole(101);
        template.grades.pass = Points::whole(102);
        let fields: Vec<String> = template.validate().into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            vec!["categories[0].items[1].key", "grades.excellent", "grades.pass"]
        );
    }

    #[test]
    fn points_travel_with_one_decimal() {
        assert_eq!(Points::parse(2.5), Some(Points::from_tenths(25)));
        assert_eq!(Points::parse(2.55), None);
        assert_eq!(Points::parse(-1.0), None);
        assert_eq!(serde_json::to_string(&Points::whole(3)).unwrap(), "3");
        assert_eq!(serde_json::to_string(&Points::from_tenths(25)).unwrap(), "2.5");
    }

    #[test]
    fn an_open_rectification_is_overdue_after_its_last_day() {
        let due = date("2024-10-15");
        assert!(!rectification_overdue(RectificationStatus::Open, due, due));
        assert!(rectification_overdue(
            RectificationStatus::Open,
            due,
            date("2024-10-16")
        ));
        assert!(!rectification_overdue(
            RectificationStatus::Answered,
            due,
            date("2024-10-16")
        ));
    }
}
