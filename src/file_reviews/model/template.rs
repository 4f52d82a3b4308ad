//! Scoring standards (评查标准): veto and point items, grade thresholds, the default one.

use super::*;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
