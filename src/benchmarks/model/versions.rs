//! A benchmark against its power, how a change becomes a version, and what an import of a
//! whole list would do.

use super::*;

/// What the benchmark rules need of one version of a power.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PowerTerms {
    pub code: String,
    pub category: PowerCategory,
    /// The power's discretion range (裁量基准), in fen.
    pub fine_min_fen: Option<i64>,
    pub fine_max_fen: Option<i64>,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
}

/// A benchmark grades the penalties of a penalty power (422 `power_not_penalty`) of the
/// agency's list in force on `on`, the day the benchmark (or its new version) takes effect
/// (422 `power_not_in_force`); a fine range in fen stays within that version's discretion
/// range: no grade above its maximum, and only 减轻处罚 below its minimum (APL art. 32), each
/// a 422 naming the bound. `versions` are the power's (none: not the agency's power, 404).
pub fn check_power(
    versions: &[PowerTerms],
    grade: BenchmarkGrade,
    fine: &FineRange,
    on: NaiveDate,
) -> Result<(), AppError> {
    if versions.is_empty() {
        return Err(AppError::NotFound("power"));
    }
    let Some(power) = versions
        .iter()
        .find(|v| in_force_on(v.effective_from, v.effective_to, on))
    else {
        let code = versions.first().map(|v| v.code.as_str()).unwrap_or_default();
        return Err(AppError::rule(
            "power_not_in_force",
            format!(
                "the power {code} is not in force on {on}; a benchmark grades a power of the list in force on the day it takes effect"
            ),
        ));
    };
    if power.category != PowerCategory::Penalty {
        return Err(AppError::rule(
            "power_not_penalty",
            format!(
                "the power {} is a {} power; discretion benchmarks grade the penalties of penalty powers (行政处罚)",
                power.code, power.category
            ),
        ));
    }
    let FineRange::Fen { min, max } = *fine else {
        return Ok(());
    };
    let mut errors = Vec::new();
    for (field, bound) in [("fine_min_fen", min), ("fine_max_fen", max)] {
        let Some(bound) = bound else { continue };
        if let Some(power_max) = power.fine_max_fen
            && bound > power_max
        {
            errors.push(FieldError::new(
                field,
                format!(
                    "must not exceed the discretion maximum of the power {} ({power_max} fen)",
                    power.code
                ),
            ));
        } else if let Some(power_min) = power.fine_min_fen
            && bound < power_min
            && grade != BenchmarkGrade::Mitigated
        {
            errors.push(FieldError::new(
                field,
                format!(
                    "must not be below the discretion minimum of the power {} ({power_min} fen): only the grade mitigated (减轻处罚) goes below it",
                    power.code
                ),
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

/// The latest version of a benchmark, as a change sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentBenchmark {
    pub version: i32,
    pub content: BenchmarkContent,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
}

/// What writing a benchmark does to its history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BenchmarkChange {
    /// A new benchmark: version 1.
    Created {
        effective_from: NaiveDate,
        effective_to: Option<NaiveDate>,
    },
    /// Nothing differs; nothing is written.
    Unchanged,
    /// Only the end date differs: the current version's `effective_to` is set in place
    /// (retiring the benchmark, or reviving it with none), its content untouched.
    EndDateChanged { effective_to: Option<NaiveDate> },
    /// The content differs: a new version from `effective_from`; the current one ends on
    /// `close_current_on`.
    NewVersion {
        effective_from: NaiveDate,
        effective_to: Option<NaiveDate>,
        close_current_on: NaiveDate,
    },
}

impl BenchmarkChange {
    pub fn outcome(&self) -> ImportOutcome {
        match self {
            BenchmarkChange::Created { .. } => ImportOutcome::Created,
            BenchmarkChange::Unchanged => ImportOutcome::Unchanged,
            BenchmarkChange::EndDateChanged { .. } => ImportOutcome::EffectiveToChanged,
            BenchmarkChange::NewVersion { .. } => ImportOutcome::NewVersion,
        }
    }

    /// The first day of the version the change writes, when it writes one.
    pub fn starts_on(&self) -> Option<NaiveDate> {
        match *self {
            BenchmarkChange::Created { effective_from, .. } | BenchmarkChange::NewVersion { effective_from, .. } => {
                Some(effective_from)
            }
            _ => None,
        }
    }

    /// The benchmark's latest version after the change, `current` before it.
    pub fn version_after(&self, current: Option<i32>) -> i32 {
        match (self, current) {
            (BenchmarkChange::Created { .. }, _) | (_, None) => 1,
            (BenchmarkChange::NewVersion { .. }, Some(version)) => version + 1,
            (_, Some(version)) => version,
        }
    }
}

/// Plans writing `draft` over the benchmark's latest version `current` (none: a new
/// benchmark), the change taking effect on `requested_from`: for a new benchmark that day
/// or today; for a change of content that day — never before the current version's start,
/// so versions never overlap — or by default today (or the current version's start, when
/// it is scheduled ahead and is then replaced). The draft's `effective_to` is the end of
/// the version written; the same content with another end date retires or revives the
/// current version in place. Returns the change, or every problem naming its field.
pub fn plan_change(
    current: Option<&CurrentBenchmark>,
    draft: &BenchmarkDraft,
    requested_from: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<BenchmarkChange, Vec<FieldError>> {
    let ends_before = |from: NaiveDate, what: &str| {
        draft.effective_to.filter(|to| *to < from).map(|_| {
            vec![FieldError::new(
                "effective_to",
                format!("must not be before {what} ({from})"),
            )]
        })
    };
    let Some(current) = current else {
        let effective_from = requested_from.unwrap_or(today);
        if let Some(errors) = ends_before(effective_from, "effective_from") {
            return Err(errors);
        }
        return Ok(BenchmarkChange::Created {
            effective_from,
            effective_to: draft.effective_to,
        });
    };
    if draft.content == current.content {
        if let Some(from) = requested_from
            && from != current.effective_from
        {
            return Err(vec![FieldError::new(
                "effective_from",
                format!(
                    "nothing in the benchmark changes, so no new version starts on {from}; version {} is in force from {}",
                    current.version, current.effective_from
                ),
            )]);
        }
        if draft.effective_to == current.effective_to {
            return Ok(BenchmarkChange::Unchanged);
        }
        // A version may end the day before it starts: withdrawn before it took effect.
        let earliest = current.effective_from.pred_opt().unwrap_or(current.effective_from);
        if let Some(errors) = ends_before(earliest, "the day before the current version's effective_from") {
            return Err(errors);
        }
        return Ok(BenchmarkChange::EndDateChanged {
            effective_to: draft.effective_to,
        });
    }
    let effective_from = next_version_start(requested_from, current.effective_from, today).map_err(|e| vec![e])?;
    if let Some(errors) = ends_before(effective_from, "the new version's effective_from") {
        return Err(errors);
    }
    Ok(BenchmarkChange::NewVersion {
        effective_from,
        effective_to: draft.effective_to,
        close_current_on: closed_on(current.effective_to, effective_from),
    })
}

/// A benchmark's identity: its power, violation circumstance and grade.
pub type BenchmarkKey = (String, String, BenchmarkGrade);

/// One data row of an import file that passed the rules of its own fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    /// The row number the user sees in the file (the header is row 1).
    pub row: usize,
    pub power_code: String,
    pub draft: BenchmarkDraft,
}

/// A power of the agency an import names by its code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportPower {
    pub power_id: String,
    pub versions: Vec<PowerTerms>,
}

/// The plan for one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportAction {
    pub row: usize,
    pub power_code: String,
    pub power_id: String,
    pub circumstance: String,
    pub grade: BenchmarkGrade,
    pub content: BenchmarkContent,
    pub change: BenchmarkChange,
    /// The benchmark's latest version before the row; none for a new one.
    pub current_version: Option<i32>,
}

/// The rows of a refusal, located on `row`: a rule about the power on its `power_code`
/// cell, field problems on their own cells.
fn row_errors(row: usize, error: AppError) -> Vec<RowError> {
    match error {
        AppError::Validation(fields) => fields
            .into_iter()
            .map(|e| RowError::new(row, Some(&e.field), e.message))
            .collect(),
        AppError::NotFound(_) => vec![RowError::new(
            row,
            Some("power_code"),
            "no power with this code in the agency's power list",
        )],
        AppError::Rule { detail, .. } => vec![RowError::new(row, Some("power_code"), detail)],
        other => vec![RowError::new(row, Some("power_code"), other.to_string())],
    }
}

/// Plans an import of benchmarks (one row per grade): each row creates a benchmark, makes
/// a new version of it, sets its end date, or changes nothing, as [`plan_change`] plans
/// a single write. The file is the list as the office keeps it: a changed row whose
/// `effective_from` is not after the current version's start (the list still carries the
/// original date) takes effect today instead of rewriting history; a later date is
/// honoured. A benchmark (power, circumstance, grade) appears once per file. Every error
/// is reported; none stops the plan of the other rows.
pub fn plan_import(
    rows: &[ImportRow],
    powers: &HashMap<String, ImportPower>,
    existing: &HashMap<BenchmarkKey, CurrentBenchmark>,
    today: NaiveDate,
) -> (Vec<ImportAction>, Vec<RowError>) {
    let mut actions = Vec::new();
    let mut errors = Vec::new();
    let mut first_row_of: HashMap<(&str, &str, BenchmarkGrade), usize> = HashMap::new();
    for row in rows {
        let draft = &row.draft;
        let identity = (row.power_code.as_str(), draft.circumstance.as_str(), draft.grade);
        if let Some(first) = first_row_of.get(&identity) {
            errors.push(RowError::new(
                row.row,
                Some("grade"),
                format!(
                    "the benchmark of {} for “{}”, grade {}, appears twice in the file (first on row {first})",
                    row.power_code, draft.circumstance, draft.grade
                ),
            ));
            continue;
        }
        first_row_of.insert(identity, row.row);
        let Some(power) = powers.get(&row.power_code) else {
            errors.extend(row_errors(row.row, AppError::NotFound("power")));
            continue;
        };
        let key = (power.power_id.clone(), draft.circumstance.clone(), draft.grade);
        let current = existing.get(&key);
        let requested = match current {
            None => draft.effective_from,
            Some(current) => draft.effective_from.filter(|from| *from > current.effective_from),
        };
        let change = match plan_change(current, draft, requested, today) {
            Ok(change) => change,
            Err(fields) => {
                errors.extend(row_errors(row.row, AppError::Validation(fields)));
                continue;
            }
        };
        if let Some(on) = change.starts_on()
            && let Err(refusal) = check_power(&power.versions, draft.grade, &draft.content.fine, on)
        {
            errors.extend(row_errors(row.row, refusal));
            continue;
        }
        actions.push(ImportAction {
            row: row.row,
            power_code: row.power_code.clone(),
            power_id: power.power_id.clone(),
            circumstance: draft.circumstance.clone(),
            grade: draft.grade,
            content: draft.content.clone(),
            change,
            current_version: current.map(|c| c.version),
        });
    }
    (actions, errors)
}
