//! The four lists as plain Rust: which list an entry is on, what an entry must say, which
//! powers each list may name, and how a change becomes a version.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{AppError, FieldError, check_text};
use crate::powers::model::{PowerCategory, closed_on, in_force_on, next_version_start};

string_enum!(
    /// The four lists of 国办发〔2022〕27号 (清单式管理).
    DiscretionList {
        /// 不予处罚清单 (APL art. 33; 首违不罚 entries are marked `first_violation`).
        NoPenalty => "no_penalty",
        /// 减轻处罚清单 (APL art. 32).
        Mitigated => "mitigated",
        /// 从轻处罚清单 (APL art. 32).
        Lenient => "lenient",
        /// 不予实施行政强制措施清单 (Administrative Coercion Law art. 16 ¶2).
        NoCoercion => "no_coercion",
    }
);

impl DiscretionList {
    /// The list's name as it is published.
    pub fn label(self) -> &'static str {
        match self {
            DiscretionList::NoPenalty => "不予处罚清单",
            DiscretionList::Mitigated => "减轻处罚清单",
            DiscretionList::Lenient => "从轻处罚清单",
            DiscretionList::NoCoercion => "不予实施行政强制措施清单",
        }
    }

    /// The word, or the Chinese an office's spreadsheet uses (不予处罚清单, 不予处罚, 首违不罚…).
    pub fn parse_label(value: &str) -> Option<DiscretionList> {
        let value = value.trim();
        DiscretionList::parse(&value.to_ascii_lowercase()).or(match value.trim_end_matches("清单") {
            "不予处罚" | "不予行政处罚" | "首违不罚" | "轻微不罚" => Some(DiscretionList::NoPenalty),
            "减轻处罚" | "减轻行政处罚" | "减轻" => Some(DiscretionList::Mitigated),
            "从轻处罚" | "从轻行政处罚" | "从轻" => Some(DiscretionList::Lenient),
            "不予实施行政强制措施" | "不予强制" => Some(DiscretionList::NoCoercion),
            _ => None,
        })
    }

    /// The power category a list's entries belong to: the three penalty lists name penalty
    /// powers, the fourth coercion powers (行政强制).
    pub fn power_category(self) -> PowerCategory {
        match self {
            DiscretionList::NoCoercion => PowerCategory::Coercion,
            _ => PowerCategory::Penalty,
        }
    }
}

/// The longest circumstance (情形), in characters.
pub const CIRCUMSTANCE_MAX_CHARS: usize = 200;
/// The longest conditions (适用条件), in characters.
pub const CONDITIONS_MAX_CHARS: usize = 4000;
/// The longest legal basis, in characters.
pub const LEGAL_BASIS_MAX_CHARS: usize = 1000;

/// What a version of an entry says: a change of any of it is a new version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryContent {
    /// 适用条件: when the entry applies, in words.
    pub conditions: String,
    /// 法律依据
    pub legal_basis: String,
    /// 首违不罚: only a party's first violation (APL art. 33 ¶1).
    pub first_violation: bool,
}

/// An entry as a request or an import row gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryInput {
    pub list: DiscretionList,
    pub circumstance: String,
    pub conditions: String,
    pub legal_basis: String,
    pub first_violation: bool,
    pub effective_from: Option<NaiveDate>,
    pub effective_to: Option<NaiveDate>,
}

/// An entry that passed every rule of its own fields, texts trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryDraft {
    pub list: DiscretionList,
    pub circumstance: String,
    pub content: EntryContent,
    pub effective_from: Option<NaiveDate>,
    pub effective_to: Option<NaiveDate>,
}

impl EntryInput {
    /// Every problem of the fields, each naming its field (also the import's columns).
    pub fn validate(self) -> Result<EntryDraft, Vec<FieldError>> {
        let mut errors = Vec::new();
        let circumstance = self.circumstance.trim().to_string();
        let conditions = self.conditions.trim().to_string();
        let legal_basis = self.legal_basis.trim().to_string();
        check_text("circumstance", &circumstance, CIRCUMSTANCE_MAX_CHARS, &mut errors);
        check_text("conditions", &conditions, CONDITIONS_MAX_CHARS, &mut errors);
        check_text("legal_basis", &legal_basis, LEGAL_BASIS_MAX_CHARS, &mut errors);
        if self.first_violation && self.list != DiscretionList::NoPenalty {
            errors.push(FieldError::new(
                "first_violation",
                "首违不罚 (APL art. 33 ¶1) is an entry of the no_penalty list (不予处罚清单) only",
            ));
        }
        for (field, date) in [
            ("effective_from", self.effective_from),
            ("effective_to", self.effective_to),
        ] {
            if date.is_some_and(|d| !(1949..=2100).contains(&d.year())) {
                errors.push(FieldError::new(field, "must be a date between 1949 and 2100"));
            }
        }
        if let (Some(from), Some(to)) = (self.effective_from, self.effective_to)
            && to < from
        {
            errors.push(FieldError::new(
                "effective_to",
                format!("must not be before effective_from ({from})"),
            ));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(EntryDraft {
            list: self.list,
            circumstance,
            content: EntryContent {
                conditions,
                legal_basis,
                first_violation: self.first_violation,
            },
            effective_from: self.effective_from,
            effective_to: self.effective_to,
        })
    }
}

/// An entry's list names powers of its category (422 `power_not_penalty` or
/// `power_not_coercion`) in force on the day it takes effect (422 `power_not_in_force`).
/// `versions` are the power's as (category, from, to); none: not the agency's power (404).
pub fn check_power(
    code: &str,
    versions: &[(PowerCategory, NaiveDate, Option<NaiveDate>)],
    list: DiscretionList,
    on: NaiveDate,
) -> Result<(), AppError> {
    if versions.is_empty() {
        return Err(AppError::NotFound("power"));
    }
    let Some((category, _, _)) = versions.iter().find(|(_, from, to)| in_force_on(*from, *to, on)) else {
        return Err(AppError::rule(
            "power_not_in_force",
            format!(
                "the power {code} is not in force on {on}; a list names powers of the list in force on the day the entry takes effect"
            ),
        ));
    };
    let wanted = list.power_category();
    if *category != wanted {
        let rule = match wanted {
            PowerCategory::Coercion => "power_not_coercion",
            _ => "power_not_penalty",
        };
        return Err(AppError::rule(
            rule,
            format!(
                "the power {code} is a {category} power; the {} ({list}) names {wanted} powers",
                list.label()
            ),
        ));
    }
    Ok(())
}

/// The latest version of an entry, as a change sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentEntry {
    pub version: i32,
    pub content: EntryContent,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
}

/// What writing a draft over an entry does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryChange {
    Created {
        effective_from: NaiveDate,
        effective_to: Option<NaiveDate>,
    },
    NewVersion {
        effective_from: NaiveDate,
        effective_to: Option<NaiveDate>,
        close_current_on: NaiveDate,
    },
    /// The same content: only the end date changes (retired or revived in place).
    EndDateChanged {
        effective_to: Option<NaiveDate>,
    },
    Unchanged,
}

impl EntryChange {
    /// The day a written version starts, when one is written.
    pub fn starts_on(&self) -> Option<NaiveDate> {
        match self {
            EntryChange::Created { effective_from, .. } | EntryChange::NewVersion { effective_from, .. } => {
                Some(*effective_from)
            }
            _ => None,
        }
    }

    /// Whether the import calls it created, a new version, an end date set or unchanged.
    pub fn outcome(&self) -> crate::powers::model::ImportOutcome {
        use crate::powers::model::ImportOutcome;
        match self {
            EntryChange::Created { .. } => ImportOutcome::Created,
            EntryChange::NewVersion { .. } => ImportOutcome::NewVersion,
            EntryChange::EndDateChanged { .. } => ImportOutcome::EffectiveToChanged,
            EntryChange::Unchanged => ImportOutcome::Unchanged,
        }
    }
}

/// Plans writing `draft` over the entry's latest version `current` (none: a new entry),
/// the way benchmarks and powers change: a new entry from its `effective_from` or today;
/// other content a new version from `effective_from` (never before the current version's
/// start) or today, the current one closed the day before; the same content with another
/// end date retires or revives the current version; the same content is unchanged.
pub fn plan_change(
    current: Option<&CurrentEntry>,
    draft: &EntryDraft,
    today: NaiveDate,
) -> Result<EntryChange, Vec<FieldError>> {
    let ends_before = |from: NaiveDate| {
        draft
            .effective_to
            .filter(|to| *to < from)
            .map(|_| vec![FieldError::new("effective_to", format!("must not be before {from}"))])
    };
    let Some(current) = current else {
        let effective_from = draft.effective_from.unwrap_or(today);
        if let Some(errors) = ends_before(effective_from) {
            return Err(errors);
        }
        return Ok(EntryChange::Created {
            effective_from,
            effective_to: draft.effective_to,
        });
    };
    if draft.content == current.content {
        if let Some(from) = draft.effective_from
            && from != current.effective_from
        {
            return Err(vec![FieldError::new(
                "effective_from",
                format!(
                    "nothing in the entry changes, so no new version starts on {from}; version {} is in force from {}",
                    current.version, current.effective_from
                ),
            )]);
        }
        if draft.effective_to == current.effective_to {
            return Ok(EntryChange::Unchanged);
        }
        let earliest = current.effective_from.pred_opt().unwrap_or(current.effective_from);
        if let Some(errors) = ends_before(earliest) {
            return Err(errors);
        }
        return Ok(EntryChange::EndDateChanged {
            effective_to: draft.effective_to,
        });
    }
    let effective_from =
        next_version_start(draft.effective_from, current.effective_from, today).map_err(|e| vec![e])?;
    if let Some(errors) = ends_before(effective_from) {
        return Err(errors);
    }
    Ok(EntryChange::NewVersion {
        effective_from,
        effective_to: draft.effective_to,
        close_current_on: closed_on(current.effective_to, effective_from),
    })
}

/// One version of a list entry, as a proposal's check sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListEntry {
    pub id: String,
    pub power_id: String,
    pub list: DiscretionList,
    pub circumstance: String,
    pub version: i32,
    pub first_violation: bool,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
}

impl ListEntry {
    pub fn in_force_on(&self, day: NaiveDate) -> bool {
        in_force_on(self.effective_from, self.effective_to, day)
    }
}

/// An entry in force, as the public reads it (事前公开).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicListEntry {
    pub list: DiscretionList,
    /// 不予处罚清单, 减轻处罚清单, 从轻处罚清单 or 不予实施行政强制措施清单.
    pub list_label: String,
    pub power_code: String,
    pub power_name: String,
    /// 情形
    pub circumstance: String,
    /// 适用条件
    pub conditions: String,
    /// 法律依据
    pub legal_basis: String,
    /// 首违不罚
    pub first_violation: bool,
    pub version: i32,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn input(list: DiscretionList, first_violation: bool) -> EntryInput {
        EntryInput {
            list,
            circumstance: " 首次占道经营 ".into(),
            conditions: "初次违法且危害后果轻微并及时改正".into(),
            legal_basis: "《中华人民共和国行政处罚法》第三十三条第一款".into(),
            first_violation,
            effective_from: Some(date("2024-01-01")),
            effective_to: None,
        }
    }

    #[test]
    fn lists_read_english_and_chinese() {
        assert_eq!(
            DiscretionList::parse_label("不予处罚清单"),
            Some(DiscretionList::NoPenalty)
        );
        assert_eq!(DiscretionList::parse_label("首违不罚"), Some(DiscretionList::NoPenalty));
        assert_eq!(DiscretionList::parse_label("减轻"), Some(DiscretionList::Mitigated));
        assert_eq!(DiscretionList::parse_label(" Lenient "), Some(DiscretionList::Lenient));
        assert_eq!(
            DiscretionList::parse_label("不予实施行政强制措施清单"),
            Some(DiscretionList::NoCoercion)
        );
        assert_eq!(DiscretionList::parse_label("从重"), None);
        assert_eq!(DiscretionList::NoCoercion.power_category(), PowerCategory::Coercion);
    }

    #[test]
    fn first_violation_belongs_to_the_no_penalty_list_and_texts_are_required() {
        let draft = input(DiscretionList::NoPenalty, true).validate().unwrap();
        assert_eq!(draft.circumstance, "首次占道经营");
        let fields =
            |i: EntryInput| -> Vec<String> { i.validate().unwrap_err().into_iter().map(|e| e.field).collect() };
        assert_eq!(fields(input(DiscretionList::Lenient, true)), ["first_violation"]);
        let mut blank = input(DiscretionList::NoPenalty, false);
        blank.legal_basis = "  ".into();
        blank.effective_to = Some(date("2023-12-31"));
        assert_eq!(fields(blank), ["legal_basis", "effective_to"]);
    }

    #[test]
    fn a_list_names_powers_of_its_category_in_force() {
        let penalty = [(PowerCategory::Penalty, date("2020-01-01"), None)];
        assert!(check_power("XF-1", &penalty, DiscretionList::NoPenalty, date("2024-01-01")).is_ok());
        let rule = |r: Result<(), AppError>| match r {
            Err(AppError::Rule { rule, .. }) => rule,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            rule(check_power(
                "XF-1",
                &penalty,
                DiscretionList::NoCoercion,
                date("2024-01-01")
            )),
            "power_not_coercion"
        );
        let coercion = [(PowerCategory::Coercion, date("2020-01-01"), Some(date("2023-12-31")))];
        assert_eq!(
            rule(check_power(
                "XF-2",
                &coercion,
                DiscretionList::NoCoercion,
                date("2024-01-01")
            )),
            "power_not_in_force"
        );
        assert_eq!(
            rule(check_power(
                "XF-2",
                &coercion,
                DiscretionList::Lenient,
                date("2022-01-01")
            )),
            "power_not_penalty"
        );
        assert!(matches!(
            check_power("XF-3", &[], DiscretionList::Lenient, date("2022-01-01")),
            Err(AppError::NotFound(_))
        ));
    }

    #[test]
    fn a_change_is_a_new_version_and_the_same_content_is_not() {
        let today = date("2026-11-30");
        let draft = input(DiscretionList::NoPenalty, true).validate().unwrap();
        assert_eq!(
            plan_change(None, &draft, today).unwrap(),
            EntryChange::Created {
                effective_from: date("2024-01-01"),
                effective_to: None
            }
        );
        let current = CurrentEntry {
            version: 1,
            content: draft.content.clone(),
            effective_from: date("2024-01-01"),
            effective_to: None,
        };
        assert_eq!(
            plan_change(Some(&current), &draft, today).unwrap(),
            EntryChange::Unchanged
        );
        let mut changed = draft.clone();
        changed.content.conditions = "初次违法且危害后果轻微并在责令改正期限内改正".into();
        changed.effective_from = Some(date("2026-12-01"));
        assert_eq!(
            plan_change(Some(&current), &changed, today).unwrap(),
            EntryChange::NewVersion {
                effective_from: date("2026-12-01"),
                effective_to: None,
                close_current_on: date("2026-11-30")
            }
        );
        changed.effective_from = Some(date("2023-01-01"));
        assert!(plan_change(Some(&current), &changed, today).is_err());
        let mut retired = draft.clone();
        retired.effective_from = None;
        retired.effective_to = Some(date("2026-12-31"));
        assert_eq!(
            plan_change(Some(&current), &retired, today).unwrap(),
            EntryChange::EndDateChanged {
                effective_to: Some(date("2026-12-31"))
            }
        );
    }
}
