//! The rules of the power list (权责清单), as plain Rust: what a power's version must
//! hold, how an edit becomes a new version that closes the previous one, and what an
//! import of a whole list would do.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use diesel::prelude::{Insertable, Queryable, Selectable};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{FieldError, check_text};

string_enum!(
    /// The kind of power (职权类别).
    PowerCategory {
        /// 行政处罚
        Penalty => "penalty",
        /// 行政检查
        Inspection => "inspection",
        /// 行政强制 (查封、扣押、强制拆除…)
        Coercion => "coercion",
        /// 其他行政权力
        Other => "other",
    }
);

impl PowerCategory {
    /// Also the Chinese names offices use in their spreadsheets (行政处罚, 行政检查, 行政强制,
    /// 其他), so a list can be imported as it is kept.
    pub fn parse_label(value: &str) -> Option<PowerCategory> {
        let value = value.trim();
        PowerCategory::parse(&value.to_ascii_lowercase()).or(match value {
            "行政处罚" | "处罚" => Some(PowerCategory::Penalty),
            "行政检查" | "检查" => Some(PowerCategory::Inspection),
            "行政强制" | "强制" | "行政强制措施" | "行政强制执行" => Some(PowerCategory::Coercion),
            "其他" | "其他行政权力" => Some(PowerCategory::Other),
            _ => None,
        })
    }
}

/// What one version of a power says. Versions are compared by this content: an edit
/// that changes none of it makes no new version. A stored version holds it as it is
/// (`PowerVersionRow` embeds it), so each field is declared once.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = crate::db::schema::power_versions)]
pub struct PowerContent {
    /// 事项名称
    pub name: String,
    pub category: PowerCategory,
    /// 法律依据, e.g. 《城市市容和环境卫生管理条例》第三十六条
    pub legal_basis: String,
    /// 下沉部门 — the functional department that delegated the power to the street.
    pub source_department: String,
    /// 裁量基准 — the discretion range of a fine, in fen.
    pub fine_min_fen: Option<i64>,
    pub fine_max_fen: Option<i64>,
    /// Cases citing the power cannot close without an audio or video record (查封扣押,
    /// 强制拆除…).
    pub requires_av_record: bool,
}

impl PowerContent {
    pub fn normalized(mut self) -> Self {
        self.name = self.name.trim().to_string();
        self.legal_basis = self.legal_basis.trim().to_string();
        self.source_department = self.source_department.trim().to_string();
        self
    }

    fn check(&self, errors: &mut Vec<FieldError>) {
        check_text("name", &self.name, 200, errors);
        check_text("legal_basis", &self.legal_basis, 4000, errors);
        check_text("source_department", &self.source_department, 100, errors);
        for (field, value) in [("fine_min_fen", self.fine_min_fen), ("fine_max_fen", self.fine_max_fen)] {
            if let Some(value) = value
                && !(0..=MAX_FINE_FEN).contains(&value)
            {
                errors.push(FieldError::new(
                    field,
                    format!("must be between 0 and {MAX_FINE_FEN} fen"),
                ));
            }
        }
        if let (Some(min), Some(max)) = (self.fine_min_fen, self.fine_max_fen)
            && min > max
        {
            errors.push(FieldError::new(
                "fine_max_fen",
                format!("must not be less than fine_min_fen ({min})"),
            ));
        }
    }
}

/// The largest fine a power may name: ¥10 billion, far beyond any street-level fine,
/// low enough that sums never overflow.
pub const MAX_FINE_FEN: i64 = 1_000_000_000_000;

/// Codes are compared without regard to ASCII case: `xf-cg-001` typed into a spreadsheet
/// is the power `XF-CG-001`, not a second one.
pub fn normalize_code(code: &str) -> String {
    code.trim().to_ascii_uppercase()
}

/// A power's code (事项编码) identifies it within the agency, in URLs and spreadsheets:
/// 1–64 characters without spaces, e.g. `XF-CG-001`.
pub fn check_code(code: &str) -> Result<(), String> {
    let len = code.chars().count();
    if !(1..=64).contains(&len) {
        return Err("must be 1 to 64 characters".into());
    }
    if code.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("must not contain spaces or control characters".into());
    }
    Ok(())
}

/// Business dates outside this span are typing mistakes.
fn check_date(field: &str, date: Option<NaiveDate>, errors: &mut Vec<FieldError>) {
    if let Some(date) = date
        && !(1949..=2100).contains(&date.year())
    {
        errors.push(FieldError::new(field, "must be a date between 1949 and 2100"));
    }
}

/// A whole version, as it would be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PowerDraft {
    pub code: String,
    pub content: PowerContent,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
}

impl PowerDraft {
    /// Every problem, each naming its field (the field names are also the import columns).
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if let Err(message) = check_code(&self.code) {
            errors.push(FieldError::new("code", message));
        }
        self.content.check(&mut errors);
        check_date("effective_from", Some(self.effective_from), &mut errors);
        check_date("effective_to", self.effective_to, &mut errors);
        if let Some(to) = self.effective_to
            && to < self.effective_from
        {
            errors.push(FieldError::new(
                "effective_to",
                format!("must not be before effective_from ({})", self.effective_from),
            ));
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }
}

/// The latest version of a power, as an edit sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentVersion {
    pub content: PowerContent,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
}

/// What an edit does to a power's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionChange {
    /// Nothing differs; nothing is written.
    Unchanged,
    /// Only the end date differs: the current version's `effective_to` is set in place —
    /// retiring the power (never deleting it), moving a planned retirement, or reviving it
    /// with `None`. Its content, which cases cite, stays as it was.
    EndDateChanged { effective_to: Option<NaiveDate> },
    /// The content differs: a new version starts on `effective_from`, and the current one
    /// ends on `close_current_on` (the day before, unless it already ended earlier).
    NewVersion {
        effective_from: NaiveDate,
        effective_to: Option<NaiveDate>,
        close_current_on: NaiveDate,
    },
}

/// Whether a version valid from `from` through `to` (open-ended when `None`) is in force
/// on `day`.
pub fn in_force_on(from: NaiveDate, to: Option<NaiveDate>, day: NaiveDate) -> bool {
    from <= day && to.is_none_or(|to| day <= to)
}

/// The first day of a new version. By default today — or, when the current version only
/// starts later (a scheduled version), that day, so the edit replaces it. A requested
/// start may be backdated, but never before the current version's start: versions of a
/// power never overlap.
pub fn next_version_start(
    requested: Option<NaiveDate>,
    current_from: NaiveDate,
    today: NaiveDate,
) -> Result<NaiveDate, FieldError> {
    match requested {
        None => Ok(today.max(current_from)),
        Some(date) if date < current_from => Err(FieldError::new(
            "effective_from",
            format!("must not be before the current version's effective_from ({current_from})"),
        )),
        Some(date) => Ok(date),
    }
}

/// The current version's last day once the next one starts on `next_from`: the day
/// before, or its own earlier end (a retired power revived later keeps its gap). When the
/// next version starts on the same day as the current one, the current one ends the day
/// before it began: it was replaced before it took effect.
pub fn closed_on(current_to: Option<NaiveDate>, next_from: NaiveDate) -> NaiveDate {
    let day_before = next_from.pred_opt().unwrap_or(next_from);
    match current_to {
        Some(to) if to < day_before => to,
        _ => day_before,
    }
}

/// Plans an edit of a power whose latest version is `current` into `content` valid
/// until `effective_to`. `requested_from` is when the change takes effect (see
/// `next_version_start`). Returns the change, or every problem naming its field.
pub fn plan_change(
    code: &str,
    current: &CurrentVersion,
    content: &PowerContent,
    effective_to: Option<NaiveDate>,
    requested_from: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<VersionChange, Vec<FieldError>> {
    if *content == current.content {
        if let Some(from) = requested_from
            && from != current.effective_from
        {
            return Err(vec![FieldError::new(
                "effective_from",
                format!(
                    "nothing in the content changes, so no new version starts on {from}; the current version is in force from {}",
                    current.effective_from
                ),
            )]);
        }
        if effective_to == current.effective_to {
            return Ok(VersionChange::Unchanged);
        }
        let mut errors = Vec::new();
        check_date("effective_to", effective_to, &mut errors);
        // A version may end the day before it starts: withdrawn before it took effect.
        let earliest = current.effective_from.pred_opt().unwrap_or(current.effective_from);
        if let Some(to) = effective_to
            && to < earliest
        {
            errors.push(FieldError::new(
                "effective_to",
                format!(
                    "must not be earlier than the day before the current version's effective_from ({})",
                    current.effective_from
                ),
            ));
        }
        return if errors.is_empty() {
            Ok(VersionChange::EndDateChanged { effective_to })
        } else {
            Err(errors)
        };
    }
    let effective_from = next_version_start(requested_from, current.effective_from, today).map_err(|e| vec![e])?;
    let draft = PowerDraft {
        code: code.to_string(),
        content: content.clone(),
        effective_from,
        effective_to,
    };
    draft.validate()?;
    Ok(VersionChange::NewVersion {
        effective_from,
        effective_to,
        close_current_on: closed_on(current.effective_to, effective_from),
    })
}

/// One data row of an import file, its cells already read into values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    /// The row number the user sees in the file (the header is row 1).
    pub row: usize,
    pub code: String,
    pub content: PowerContent,
    pub effective_from: Option<NaiveDate>,
    pub effective_to: Option<NaiveDate>,
}

/// A problem with one cell (or a whole row, or the header) of an import file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RowError {
    /// Row number as the user sees it in the file; the header is row 1.
    pub row: usize,
    /// The column (field name); absent when the problem is the whole row or file.
    pub column: Option<String>,
    pub reason: String,
}

impl RowError {
    pub fn new(row: usize, column: Option<&str>, reason: impl Into<String>) -> Self {
        RowError {
            row,
            column: column.map(str::to_string),
            reason: reason.into(),
        }
    }
}

/// What importing one row does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportOutcome {
    /// A new power (version 1).
    Created,
    /// The content changed: a new version that closes the current one.
    NewVersion,
    /// Only `effective_to` changed: the current version's end date is set in place.
    EffectiveToChanged,
    /// Identical to the current version.
    Unchanged,
}

/// The plan for one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportAction {
    pub row: usize,
    pub code: String,
    pub outcome: ImportOutcome,
    pub content: PowerContent,
    /// The change for an existing power; `None` when the row creates one.
    pub change: Option<VersionChange>,
    /// For a new power: its first version's validity.
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
}

/// Plans an import: each row creates a power, adds a version, changes the end date, or
/// changes nothing. The file is the list as the office keeps it, so a changed row whose
/// `effective_from` is not after the current version's start (the list still carries the
/// original date) takes effect today instead of rewriting history; a later date is
/// honoured. Codes may appear once per file. All errors are reported, none is fatal to
/// the plan of other rows.
pub fn plan_import(
    rows: &[ImportRow],
    existing: &HashMap<String, CurrentVersion>,
    today: NaiveDate,
) -> (Vec<ImportAction>, Vec<RowError>) {
    let mut actions = Vec::new();
    let mut errors = Vec::new();
    let mut first_row_of: HashMap<&str, usize> = HashMap::new();
    for row in rows {
        if let Some(first) = first_row_of.get(row.code.as_str()) {
            errors.push(RowError::new(
                row.row,
                Some("code"),
                format!("{} appears twice in the file (first on row {first})", row.code),
            ));
            continue;
        }
        first_row_of.insert(&row.code, row.row);
        let as_row_errors = |field_errors: Vec<FieldError>| -> Vec<RowError> {
            field_errors
                .into_iter()
                .map(|e| RowError::new(row.row, Some(&e.field), e.message))
                .collect()
        };
        let planned = match existing.get(&row.code) {
            None => {
                let draft = PowerDraft {
                    code: row.code.clone(),
                    content: row.content.clone(),
                    effective_from: row.effective_from.unwrap_or(today),
                    effective_to: row.effective_to,
                };
                draft.validate().map(|()| ImportAction {
                    row: row.row,
                    code: row.code.clone(),
                    outcome: ImportOutcome::Created,
                    content: draft.content,
                    change: None,
                    effective_from: draft.effective_from,
                    effective_to: draft.effective_to,
                })
            }
            Some(current) => {
                let requested = row.effective_from.filter(|from| *from > current.effective_from);
                plan_change(&row.code, current, &row.content, row.effective_to, requested, today).map(|change| {
                    ImportAction {
                        row: row.row,
                        code: row.code.clone(),
                        outcome: match change {
                            VersionChange::Unchanged => ImportOutcome::Unchanged,
                            VersionChange::EndDateChanged { .. } => ImportOutcome::EffectiveToChanged,
                            VersionChange::NewVersion { .. } => ImportOutcome::NewVersion,
                        },
                        content: row.content.clone(),
                        effective_from: match change {
                            VersionChange::NewVersion { effective_from, .. } => effective_from,
                            _ => current.effective_from,
                        },
                        effective_to: row.effective_to,
                        change: Some(change),
                    }
                })
            }
        };
        match planned {
            Ok(action) => actions.push(action),
            Err(field_errors) => errors.extend(as_row_errors(field_errors)),
        }
    }
    (actions, errors)
}

/// The codes of `rows`, for loading only the powers an import touches.
pub fn codes_of(rows: &[ImportRow]) -> HashSet<String> {
    rows.iter().map(|r| r.code.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn content() -> PowerContent {
        PowerContent {
            name: "对在城市建筑物、设施上擅自张挂、张贴宣传品的处罚".into(),
            category: PowerCategory::Penalty,
            legal_basis: "《城市市容和环境卫生管理条例》第三十六条".into(),
            source_department: "城市管理".into(),
            fine_min_fen: Some(5_000),
            fine_max_fen: Some(500_000),
            requires_av_record: false,
        }
    }

    fn current() -> CurrentVersion {
        CurrentVersion {
            content: content(),
            effective_from: day("2024-01-01"),
            effective_to: None,
        }
    }

    fn fields(errors: Vec<FieldError>) -> Vec<String> {
        errors.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn in_force_includes_both_ends() {
        let from = day("2024-01-01");
        assert!(in_force_on(from, None, from));
        assert!(!in_force_on(from, None, day("2023-12-31")));
        assert!(in_force_on(from, Some(day("2024-06-30")), day("2024-06-30")));
        assert!(!in_force_on(from, Some(day("2024-06-30")), day("2024-07-01")));
        // Replaced before it took effect: never in force.
        assert!(!in_force_on(from, Some(day("2023-12-31")), from));
    }

    #[test]
    fn categories_read_english_and_chinese() {
        assert_eq!(PowerCategory::parse("coercion"), Some(PowerCategory::Coercion));
        assert_eq!(PowerCategory::parse_label(" Penalty "), Some(PowerCategory::Penalty));
        assert_eq!(PowerCategory::parse_label("行政检查"), Some(PowerCategory::Inspection));
        assert_eq!(PowerCategory::parse_label("行政强制"), Some(PowerCategory::Coercion));
        assert_eq!(PowerCategory::parse_label("许可"), None);
    }

    #[test]
    fn a_draft_names_every_bad_field() {
        let mut draft = PowerDraft {
            code: "XF CG 001".into(),
            content: PowerContent {
                name: " ".into(),
                fine_min_fen: Some(10_000),
                fine_max_fen: Some(5_000),
                ..content()
            },
            effective_from: day("2025-01-01"),
            effective_to: Some(day("2024-12-31")),
        };
        assert_eq!(
            fields(draft.validate().unwrap_err()),
            vec!["code", "name", "fine_max_fen", "effective_to"]
        );
        draft.code = "XF-CG-001".into();
        draft.content = content();
        draft.effective_to = Some(day("2025-01-01"));
        assert!(draft.validate().is_ok());
        draft.content.fine_min_fen = Some(-1);
        assert_eq!(fields(draft.validate().unwrap_err()), vec!["fine_min_fen"]);
    }

    #[test]
    fn an_edit_makes_a_version_from_today_and_closes_the_old_one_the_day_before() {
        let today = day("2026-11-28");
        let edited = PowerContent {
            fine_max_fen: Some(1_000_000),
            ..content()
        };
        let change = plan_change("XF-CG-001", &current(), &edited, None, None, today).unwrap();
        assert_eq!(
            change,
            VersionChange::NewVersion {
                effective_from: today,
                effective_to: None,
                close_current_on: day("2026-11-27"),
            }
        );
        // A requested start is honoured, backdated too, but not before the current start.
        let change = plan_change("XF-CG-001", &current(), &edited, None, Some(day("2025-07-01")), today).unwrap();
        assert!(
            matches!(change, VersionChange::NewVersion { close_current_on, .. } if close_current_on == day("2025-06-30"))
        );
        let errors = plan_change("XF-CG-001", &current(), &edited, None, Some(day("2023-12-31")), today).unwrap_err();
        assert_eq!(fields(errors), vec!["effective_from"]);
    }

    #[test]
    fn an_edit_without_a_content_change_makes_no_version() {
        let today = day("2026-11-28");
        assert_eq!(
            plan_change("XF-CG-001", &current(), &content(), None, None, today),
            Ok(VersionChange::Unchanged)
        );
        // Retiring sets the end date in place.
        assert_eq!(
            plan_change(
                "XF-CG-001",
                &current(),
                &content(),
                Some(day("2026-12-31")),
                None,
                today
            ),
            Ok(VersionChange::EndDateChanged {
                effective_to: Some(day("2026-12-31"))
            })
        );
        let errors = plan_change(
            "XF-CG-001",
            &current(),
            &content(),
            Some(day("2023-01-01")),
            None,
            today,
        )
        .unwrap_err();
        assert_eq!(fields(errors), vec!["effective_to"]);
    }

    #[test]
    fn a_scheduled_version_is_replaced_and_a_retired_one_keeps_its_gap() {
        let today = day("2026-11-28");
        let scheduled = CurrentVersion {
            effective_from: day("2027-01-01"),
            ..current()
        };
        let edited = PowerContent {
            name: "改".into(),
            ..content()
        };
        let change = plan_change("X", &scheduled, &edited, None, None, today).unwrap();
        assert_eq!(
            change,
            VersionChange::NewVersion {
                effective_from: day("2027-01-01"),
                effective_to: None,
                close_current_on: day("2026-12-31"),
            }
        );
        assert_eq!(closed_on(Some(day("2025-06-30")), day("2027-01-01")), day("2025-06-30"));
        assert_eq!(closed_on(Some(day("2027-06-30")), day("2027-01-01")), day("2026-12-31"));
        // Reviving a retired power with new content needs an end date after the new start.
        let retired = CurrentVersion {
            effective_to: Some(day("2025-06-30")),
            ..current()
        };
        let errors = plan_change("X", &retired, &edited, Some(day("2025-06-30")), None, today).unwrap_err();
        assert_eq!(fields(errors), vec!["effective_to"]);
        assert!(plan_change("X", &retired, &edited, None, None, today).is_ok());
    }

    fn row(n: usize, code: &str, content: PowerContent, from: Option<&str>) -> ImportRow {
        ImportRow {
            row: n,
            code: code.into(),
            content,
            effective_from: from.map(day),
            effective_to: None,
        }
    }

    #[test]
    fn an_import_plans_every_row_and_reports_every_error() {
        let today = day("2026-11-28");
        let existing = HashMap::from([
            ("XF-CG-001".to_string(), current()),
            ("XF-CG-002".to_string(), current()),
        ]);
        let changed = PowerContent {
            legal_basis: "《城市市容和环境卫生管理条例》第三十六条第一款".into(),
            ..content()
        };
        let bad = PowerContent {
            fine_min_fen: Some(9),
            fine_max_fen: Some(1),
            ..content()
        };
        let rows = vec![
            row(2, "XF-CG-001", content(), Some("2024-01-01")),
            row(3, "XF-CG-002", changed.clone(), Some("2024-01-01")),
            row(4, "XF-CG-003", content(), None),
            row(5, "XF-CG-003", content(), None),
            row(6, "XF-CG-004", bad, None),
            row(7, "XF-CG-005", changed, Some("2027-01-01")),
        ];
        let (actions, errors) = plan_import(&rows, &existing, today);
        let outcomes: Vec<_> = actions.iter().map(|a| (a.row, a.outcome)).collect();
        assert_eq!(
            outcomes,
            vec![
                (2, ImportOutcome::Unchanged),
                (3, ImportOutcome::NewVersion),
                (4, ImportOutcome::Created),
                (7, ImportOutcome::Created),
            ]
        );
        // The list still says 2024-01-01 for a changed row: the change starts today.
        assert_eq!(actions[1].effective_from, today);
        assert_eq!(actions[2].effective_from, today);
        assert_eq!(actions[3].effective_from, day("2027-01-01"));
        assert_eq!(
            errors,
            vec![
                RowError::new(5, Some("code"), "XF-CG-003 appears twice in the file (first on row 4)"),
                RowError::new(6, Some("fine_max_fen"), "must not be less than fine_min_fen (9)"),
            ]
        );
    }
}
