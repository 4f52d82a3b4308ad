//! Discretion benchmarks as plain Rust: the grades and fine bases, what a benchmark says,
//! the rules a benchmark must satisfy on its own and against its power, how a change
//! becomes a version, what an import of a whole list would do, whether a decision's
//! penalties stay inside a benchmark ([`check_penalties`]), and the words the public reads.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use utoipa::ToSchema;

use crate::cases::model::PenaltyType;
use crate::documents::words::penalty_label;
use crate::error::{AppError, FieldError, check_text};
use crate::powers::model::{
    ImportOutcome, MAX_FINE_FEN, PowerCategory, RowError, closed_on, in_force_on, next_version_start,
};

string_enum!(
    /// 裁量等级 (国办发〔2022〕27号): a grade of discretion a benchmark sets out for a violation
    /// circumstance.
    @ordered "from the lightest grade to the heaviest"
    BenchmarkGrade {
        /// 不予处罚: no penalty at all (APL art. 33).
        NoPenalty => "no_penalty",
        /// 减轻处罚: below the power's minimum (APL art. 30–32).
        Mitigated => "mitigated",
        /// 从轻处罚: within the power's range, towards its lower end.
        Lenient => "lenient",
        /// 一般: within the power's range.
        Ordinary => "ordinary",
        /// 从重处罚: within the power's range, towards its upper end.
        Severe => "severe",
    }
);

impl BenchmarkGrade {
    /// As the public list and the documents say it.
    pub fn label(self) -> &'static str {
        match self {
            BenchmarkGrade::NoPenalty => "不予处罚",
            BenchmarkGrade::Mitigated => "减轻处罚",
            BenchmarkGrade::Lenient => "从轻处罚",
            BenchmarkGrade::Ordinary => "一般",
            BenchmarkGrade::Severe => "从重处罚",
        }
    }

    /// The word, or the Chinese an office's spreadsheet uses (不予处罚, 减轻, 从轻, 一般, 从重,
    /// with or without 处罚).
    pub fn parse_label(value: &str) -> Option<BenchmarkGrade> {
        let value = value.trim();
        BenchmarkGrade::parse(&value.to_ascii_lowercase()).or(match value {
            "不予处罚" | "不罚" => Some(BenchmarkGrade::NoPenalty),
            "减轻处罚" | "减轻" => Some(BenchmarkGrade::Mitigated),
            "从轻处罚" | "从轻" => Some(BenchmarkGrade::Lenient),
            "一般" | "一般处罚" => Some(BenchmarkGrade::Ordinary),
            "从重处罚" | "从重" => Some(BenchmarkGrade::Severe),
            _ => None,
        })
    }
}

string_enum!(
    /// The amount a fine is a multiple of (罚款基数), as the laws name it.
    FineBasis {
        /// 违法所得
        IllegalGains => "illegal_gains",
        /// 违法经营额
        IllegalTurnover => "illegal_turnover",
        /// 货值金额 (e.g. 《食品安全法》第一百二十四条)
        GoodsValue => "goods_value",
        /// 建设工程造价 (e.g. 《城乡规划法》第六十四条)
        ProjectCost => "project_cost",
        /// 合同价款
        ContractAmount => "contract_amount",
    }
);

impl FineBasis {
    pub fn label(self) -> &'static str {
        match self {
            FineBasis::IllegalGains => "违法所得",
            FineBasis::IllegalTurnover => "违法经营额",
            FineBasis::GoodsValue => "货值金额",
            FineBasis::ProjectCost => "建设工程造价",
            FineBasis::ContractAmount => "合同价款",
        }
    }

    /// The word or its Chinese name (also 工程造价 for 建设工程造价).
    pub fn parse_label(value: &str) -> Option<FineBasis> {
        let value = value.trim();
        FineBasis::parse(&value.to_ascii_lowercase())
            .or_else(|| FineBasis::ALL.iter().copied().find(|basis| basis.label() == value))
            .or(match value {
                "工程造价" => Some(FineBasis::ProjectCost),
                "合同金额" => Some(FineBasis::ContractAmount),
                _ => None,
            })
    }
}

/// A penalty type by its word (`fine`) or its Chinese name (罚款).
pub fn parse_penalty_type(value: &str) -> Option<PenaltyType> {
    let value = value.trim();
    PenaltyType::parse(&value.to_ascii_lowercase()).or_else(|| {
        PenaltyType::ALL
            .iter()
            .copied()
            .find(|kind| penalty_label(*kind) == value)
    })
}

/// The longest violation circumstance (违法情节), in characters.
pub const CIRCUMSTANCE_MAX_CHARS: usize = 200;
/// The longest conditions (适用条件), in characters.
pub const CONDITIONS_MAX_CHARS: usize = 4000;
/// The largest multiple of an amount a fine may be, in thousandths: 100 倍, beyond any law's.
pub const MAX_MULTIPLE_MILLI: i64 = 100_000;

/// The fine a grade allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FineRange {
    /// No range of its own: the grade allows no fine, or a fine bounded by the power's
    /// discretion range alone.
    None,
    /// 罚款…元以上…元以下, in fen, both ends included; an absent end is not bounded (beyond
    /// zero).
    Fen { min: Option<i64>, max: Option<i64> },
    /// A multiple of an amount (处违法所得一倍以上三倍以下的罚款), in thousandths (1.5 倍 is
    /// 1500, 5 % is 50), both ends included.
    Multiple {
        basis: FineBasis,
        min_milli: Option<i64>,
        max_milli: Option<i64>,
    },
}

/// A fine range as it is stored: fen bounds, or a basis with multiples in thousandths.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FineColumns {
    pub fine_min_fen: Option<i64>,
    pub fine_max_fen: Option<i64>,
    pub fine_basis: Option<FineBasis>,
    pub multiple_min_milli: Option<i64>,
    pub multiple_max_milli: Option<i64>,
}

impl FineRange {
    /// The stored columns.
    pub fn columns(&self) -> FineColumns {
        match *self {
            FineRange::None => FineColumns::default(),
            FineRange::Fen { min, max } => FineColumns {
                fine_min_fen: min,
                fine_max_fen: max,
                ..FineColumns::default()
            },
            FineRange::Multiple {
                basis,
                min_milli,
                max_milli,
            } => FineColumns {
                fine_basis: Some(basis),
                multiple_min_milli: min_milli,
                multiple_max_milli: max_milli,
                ..FineColumns::default()
            },
        }
    }

    /// From the stored columns: a basis makes a multiple, else any fen bound a fen range.
    pub fn from_columns(columns: FineColumns) -> FineRange {
        match columns.fine_basis {
            Some(basis) => FineRange::Multiple {
                basis,
                min_milli: columns.multiple_min_milli,
                max_milli: columns.multiple_max_milli,
            },
            None if columns.fine_min_fen.is_some() || columns.fine_max_fen.is_some() => FineRange::Fen {
                min: columns.fine_min_fen,
                max: columns.fine_max_fen,
            },
            None => FineRange::None,
        }
    }
}

/// What one version of a benchmark says. Versions are compared by it: a change that
/// alters none of it makes no new version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchmarkContent {
    /// 适用条件: when the grade applies, in words.
    pub conditions: String,
    /// The penalties the grade allows, by severity, each once; none for 不予处罚.
    pub penalty_types: Vec<PenaltyType>,
    pub fine: FineRange,
}

/// One version of a benchmark: for a violation circumstance of a power, a grade, its
/// conditions and the penalties it allows, in force from `effective_from` through
/// `effective_to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Benchmark {
    /// This version's id (what a decision cites).
    pub id: String,
    pub power_id: String,
    /// 违法情节, e.g. 擅自在城市道路上设置摊点占道经营.
    pub circumstance: String,
    pub grade: BenchmarkGrade,
    pub version: i32,
    pub content: BenchmarkContent,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
}

impl Benchmark {
    pub fn in_force_on(&self, day: NaiveDate) -> bool {
        in_force_on(self.effective_from, self.effective_to, day)
    }
}

/// A benchmark as a request or an import row gives it, its words already read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchmarkInput {
    pub circumstance: String,
    pub grade: BenchmarkGrade,
    pub conditions: String,
    pub penalty_types: Vec<PenaltyType>,
    pub fine_min_fen: Option<i64>,
    pub fine_max_fen: Option<i64>,
    pub fine_basis: Option<FineBasis>,
    pub multiple_min_milli: Option<i64>,
    pub multiple_max_milli: Option<i64>,
    pub effective_from: Option<NaiveDate>,
    pub effective_to: Option<NaiveDate>,
}

/// A benchmark that passed every rule of its own fields, texts trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchmarkDraft {
    pub circumstance: String,
    pub grade: BenchmarkGrade,
    pub content: BenchmarkContent,
    /// When it (or its change) takes effect, if given.
    pub effective_from: Option<NaiveDate>,
    pub effective_to: Option<NaiveDate>,
}

/// Business dates outside this span are typing mistakes (as for powers).
fn check_date(field: &str, date: Option<NaiveDate>, errors: &mut Vec<FieldError>) {
    if let Some(date) = date
        && !(1949..=2100).contains(&date.year())
    {
        errors.push(FieldError::new(field, "must be a date between 1949 and 2100"));
    }
}

impl BenchmarkInput {
    /// Every problem of the fields, each naming its field (the field names are also the
    /// import's columns).
    pub fn validate(self) -> Result<BenchmarkDraft, Vec<FieldError>> {
        let mut errors = Vec::new();
        let circumstance = self.circumstance.trim().to_string();
        check_text("circumstance", &circumstance, CIRCUMSTANCE_MAX_CHARS, &mut errors);
        let conditions = self.conditions.trim().to_string();
        check_text("conditions", &conditions, CONDITIONS_MAX_CHARS, &mut errors);
        let mut penalty_types = self.penalty_types;
        penalty_types.sort_by_key(|kind| kind.severity());
        penalty_types.dedup();
        let fen = [("fine_min_fen", self.fine_min_fen), ("fine_max_fen", self.fine_max_fen)];
        let multiples = [
            ("multiple_min", self.multiple_min_milli),
            ("multiple_max", self.multiple_max_milli),
        ];
        let has_fen = fen.iter().any(|(_, v)| v.is_some());
        let has_multiple = multiples.iter().any(|(_, v)| v.is_some());
        // A fine range and no types (the body DESIGN §8 names): the grade allows a fine.
        if penalty_types.is_empty() && (has_fen || has_multiple) && self.grade != BenchmarkGrade::NoPenalty {
            penalty_types.push(PenaltyType::Fine);
        }
        if self.grade == BenchmarkGrade::NoPenalty {
            if !penalty_types.is_empty() {
                errors.push(FieldError::new(
                    "penalty_types",
                    "the grade no_penalty (不予处罚) allows no penalty; leave penalty_types empty",
                ));
            }
            let basis = ("fine_basis", self.fine_basis.map(|_| 0));
            for (field, _) in fen
                .iter()
                .chain(&[basis])
                .chain(&multiples)
                .filter(|(_, v)| v.is_some())
            {
                errors.push(FieldError::new(
                    *field,
                    "the grade no_penalty (不予处罚) allows no fine; leave it blank",
                ));
            }
        } else {
            for (field, value) in fen {
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
            for (field, value) in multiples {
                if let Some(value) = value
                    && !(0..=MAX_MULTIPLE_MILLI).contains(&value)
                {
                    errors.push(FieldError::new(
                        field,
                        format!("must be between 0 and {} (times the amount)", MAX_MULTIPLE_MILLI / 1000),
                    ));
                }
            }
            if let (Some(min), Some(max)) = (self.multiple_min_milli, self.multiple_max_milli)
                && min > max
            {
                errors.push(FieldError::new(
                    "multiple_max",
                    format!("must not be less than multiple_min ({})", decimal(min, 3)),
                ));
            }
            if has_multiple && self.fine_basis.is_none() {
                errors.push(FieldError::new(
                    "fine_basis",
                    "must name the amount the fine is a multiple of (illegal_gains, goods_value…) when multiple_min or multiple_max is given",
                ));
            }
            if self.fine_basis.is_some() && !has_multiple {
                errors.push(FieldError::new(
                    "fine_basis",
                    "is the amount multiple_min and multiple_max multiply: give at least one of them, or leave fine_basis blank",
                ));
            }
            if has_fen && has_multiple {
                let field = multiples
                    .iter()
                    .find(|(_, v)| v.is_some())
                    .map_or("multiple_min", |(f, _)| *f);
                errors.push(FieldError::new(
                    field,
                    "a fine is either a range in fen (fine_min_fen, fine_max_fen) or a multiple of an amount (multiple_min, multiple_max), not both",
                ));
            }
            if penalty_types.is_empty() {
                errors.push(FieldError::new(
                    "penalty_types",
                    format!(
                        "must name at least one penalty the grade {} ({}) allows, e.g. warning or fine",
                        self.grade,
                        self.grade.label()
                    ),
                ));
            } else if (has_fen || has_multiple) && !penalty_types.contains(&PenaltyType::Fine) {
                errors.push(FieldError::new(
                    "penalty_types",
                    "must include fine when a fine range is given",
                ));
            }
        }
        check_date("effective_from", self.effective_from, &mut errors);
        check_date("effective_to", self.effective_to, &mut errors);
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
        let fine = FineRange::from_columns(FineColumns {
            fine_min_fen: self.fine_min_fen,
            fine_max_fen: self.fine_max_fen,
            fine_basis: self.fine_basis,
            multiple_min_milli: self.multiple_min_milli,
            multiple_max_milli: self.multiple_max_milli,
        });
        Ok(BenchmarkDraft {
            circumstance,
            grade: self.grade,
            content: BenchmarkContent {
                conditions,
                penalty_types,
                fine,
            },
            effective_from: self.effective_from,
            effective_to: self.effective_to,
        })
    }
}

/// A multiple given as a JSON number (1.5 for 1.5 倍, 0.05 for 5 %) in thousandths: at most
/// three decimals, 0 to 100.
pub fn milli_of(field: &str, value: f64) -> Result<i64, FieldError> {
    let scaled = value * 1000.0;
    let rounded = scaled.round();
    if !value.is_finite() || !(0.0..=MAX_MULTIPLE_MILLI as f64).contains(&rounded) {
        return Err(FieldError::new(
            field,
            format!("must be between 0 and {} (times the amount)", MAX_MULTIPLE_MILLI / 1000),
        ));
    }
    if (scaled - rounded).abs() > 1e-6 {
        return Err(FieldError::new(field, "must have at most three decimals"));
    }
    // Within 0..=100_000: exact as an integer.
    Ok(rounded as i64)
}

/// Thousandths as the number the API shows (1500 → 1.5).
pub fn multiple_of_milli(milli: i64) -> f64 {
    milli as f64 / 1000.0
}

/// A multiple as a spreadsheet cell writes it (`1.5`, `10`, `0.05`, also `3倍`), in
/// thousandths; blank is none. Bounds are the model's to check.
pub fn parse_multiple(value: &str) -> Result<Option<i64>, String> {
    let value = value.trim();
    let value = value.strip_suffix('倍').unwrap_or(value).trim();
    if value.is_empty() {
        return Ok(None);
    }
    let invalid = || "must be a number of times the amount with at most three decimals, e.g. 1.5".to_string();
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    if whole.is_empty()
        || whole.len() > 6
        || fraction.len() > 3
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
        || (value.contains('.') && fraction.is_empty())
    {
        return Err(invalid());
    }
    let whole: i64 = whole.parse().map_err(|_| invalid())?;
    let fraction: i64 = format!("{fraction:0<3}").parse().map_err(|_| invalid())?;
    Ok(Some(whole * 1000 + fraction))
}

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

/// Whether `penalties` (each type with its amount in fen, for fines and confiscations)
/// stay inside `benchmark`: every type among those its grade allows (none at all for 不予
/// 处罚), and each fine within its range — in fen, both ends included ("以上/以下" include
/// the figure), or for a multiple of an amount within min × base ..= max × base, which
/// then needs `base_amount_fen` (the case's 违法所得, 货值金额…). A range without an end is
/// not bounded on that side; a grade that allows a fine without a range of its own leaves
/// it to the power's. `Err` says in words everything that is outside.
pub fn check_penalties(
    benchmark: &Benchmark,
    penalties: &[(PenaltyType, Option<i64>)],
    base_amount_fen: Option<i64>,
) -> Result<(), String> {
    let grade = benchmark.grade;
    let allowed = &benchmark.content.penalty_types;
    let mut outside = Vec::new();
    for (kind, amount) in penalties {
        if !allowed.contains(kind) {
            outside.push(if allowed.is_empty() {
                format!(
                    "the grade {grade} ({}) allows no penalty, but {kind} ({}) is imposed",
                    grade.label(),
                    penalty_label(*kind)
                )
            } else {
                format!(
                    "{kind} ({}) is not among the penalties the grade {grade} ({}) allows: {}",
                    penalty_label(*kind),
                    grade.label(),
                    allowed.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(", ")
                )
            });
            continue;
        }
        if *kind == PenaltyType::Fine
            && let Err(why) = check_fine(&benchmark.content.fine, *amount, base_amount_fen)
        {
            outside.push(why);
        }
    }
    if outside.is_empty() {
        Ok(())
    } else {
        Err(outside.join("; "))
    }
}

/// One fine against a grade's range.
fn check_fine(range: &FineRange, amount: Option<i64>, base_amount_fen: Option<i64>) -> Result<(), String> {
    if *range == FineRange::None {
        return Ok(());
    }
    let Some(amount) = amount else {
        return Err("the fine has no amount_fen to check against the benchmark's range".into());
    };
    if amount < 0 {
        return Err(format!("the fine's amount ({amount} fen) is negative"));
    }
    match *range {
        FineRange::None => Ok(()),
        FineRange::Fen { min, max } => {
            if let Some(min) = min
                && amount < min
            {
                return Err(format!(
                    "the fine of {} is below the benchmark's minimum of {}",
                    yuan(amount),
                    yuan(min)
                ));
            }
            if let Some(max) = max
                && amount > max
            {
                return Err(format!(
                    "the fine of {} is above the benchmark's maximum of {}",
                    yuan(amount),
                    yuan(max)
                ));
            }
            Ok(())
        }
        FineRange::Multiple {
            basis,
            min_milli,
            max_milli,
        } => {
            let Some(base) = base_amount_fen else {
                return Err(format!(
                    "the benchmark's fine is a multiple of {} ({basis}), and no base amount was given",
                    basis.label()
                ));
            };
            if base < 0 {
                return Err(format!("the base amount ({base} fen) is negative"));
            }
            // In thousandths of a fen, exactly: amount × 1000 against base × multiple.
            let scaled = i128::from(amount) * 1000;
            let base_times = |milli: i64| i128::from(base) * i128::from(milli);
            if let Some(min) = min_milli
                && scaled < base_times(min)
            {
                return Err(format!(
                    "the fine of {} is below {} {} × {} = {}",
                    yuan(amount),
                    basis.label(),
                    yuan(base),
                    decimal(min, 3),
                    yuan(ceil_div(base_times(min), 1000))
                ));
            }
            if let Some(max) = max_milli
                && scaled > base_times(max)
            {
                return Err(format!(
                    "the fine of {} is above {} {} × {} = {}",
                    yuan(amount),
                    basis.label(),
                    yuan(base),
                    decimal(max, 3),
                    yuan(base_times(max).div_euclid(1000).try_into().unwrap_or(i64::MAX))
                ));
            }
            Ok(())
        }
    }
}

/// ⌈value / divisor⌉ for a positive divisor, as fen.
fn ceil_div(value: i128, divisor: i128) -> i64 {
    let quotient = value.div_euclid(divisor) + i128::from(value.rem_euclid(divisor) != 0);
    quotient.try_into().unwrap_or(i64::MAX)
}

/// `value` with `scale` implied decimals, without trailing zeros: (1500, 3) → 1.5.
fn decimal(value: i64, scale: u32) -> String {
    let unit = 10_i64.pow(scale);
    let whole = value / unit;
    let fraction = (value % unit).abs();
    if fraction == 0 {
        return whole.to_string();
    }
    let digits = format!("{fraction:0width$}", width = scale as usize);
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

/// An amount in fen as the public list writes it: 200元, 12.5元.
pub fn yuan(fen: i64) -> String {
    format!("{}元", decimal(fen, 2))
}

/// "…以上…以下" of two bounds written by `show`.
fn bounds(min: Option<i64>, max: Option<i64>, show: impl Fn(i64) -> String) -> String {
    match (min, max) {
        (Some(min), Some(max)) if min == max => show(min),
        (Some(min), Some(max)) => format!("{}以上{}以下", show(min), show(max)),
        (Some(min), None) => format!("{}以上", show(min)),
        (None, Some(max)) => format!("{}以下", show(max)),
        (None, None) => String::new(),
    }
}

/// A fine range in words: 200元以上2000元以下, 违法所得1倍以上3倍以下, 建设工程造价5%以上10%以下.
pub fn fine_words(range: &FineRange) -> Option<String> {
    match *range {
        FineRange::None => None,
        FineRange::Fen { min, max } => Some(bounds(min, max, yuan)),
        FineRange::Multiple {
            basis,
            min_milli,
            max_milli,
        } => {
            // Fractions of the amount read as percentages (工程造价百分之五以上百分之十以下).
            let below_once = min_milli.max(max_milli).is_some_and(|top| top < 1000);
            let show = |milli: i64| {
                if below_once {
                    format!("{}%", decimal(milli, 1))
                } else {
                    format!("{}倍", decimal(milli, 3))
                }
            };
            Some(format!("{}{}", basis.label(), bounds(min_milli, max_milli, show)))
        }
    }
}

/// What a grade allows, in words: 不予处罚, or the penalties with the fine's range
/// (警告；罚款200元以上2000元以下).
pub fn penalties_in_words(grade: BenchmarkGrade, content: &BenchmarkContent) -> String {
    if grade == BenchmarkGrade::NoPenalty || content.penalty_types.is_empty() {
        return BenchmarkGrade::NoPenalty.label().to_string();
    }
    content
        .penalty_types
        .iter()
        .map(|kind| match (kind, fine_words(&content.fine)) {
            (PenaltyType::Fine, Some(range)) => format!("罚款{range}"),
            (kind, _) => penalty_label(*kind).to_string(),
        })
        .collect::<Vec<_>>()
        .join("；")
}

/// A benchmark as the public list shows it (行政裁量权基准公示): the power, the circumstance,
/// the grade, its conditions and the penalties it allows — never ids, authors or notes.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PublicBenchmark {
    /// The power's code in the power list (权责清单).
    pub power_code: String,
    pub power_name: String,
    /// The power's legal basis (法律依据).
    pub legal_basis: String,
    /// 违法情节
    pub circumstance: String,
    pub grade: BenchmarkGrade,
    /// 不予处罚, 减轻处罚, 从轻处罚, 一般 or 从重处罚.
    pub grade_label: String,
    /// 适用条件
    pub conditions: String,
    pub penalty_types: Vec<PenaltyType>,
    /// 处罚种类和幅度, in words: 警告；罚款200元以上2000元以下.
    pub penalties: String,
    pub fine_min_fen: Option<i64>,
    pub fine_max_fen: Option<i64>,
    pub fine_basis: Option<FineBasis>,
    /// Times the amount `fine_basis` names (0.05 is 5 %).
    pub multiple_min: Option<f64>,
    pub multiple_max: Option<f64>,
    pub version: i32,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn benchmark(grade: BenchmarkGrade, penalty_types: Vec<PenaltyType>, fine: FineRange) -> Benchmark {
        Benchmark {
            id: "b1".into(),
            power_id: "p1".into(),
            circumstance: "擅自在城市道路上设置摊点占道经营".into(),
            grade,
            version: 1,
            content: BenchmarkContent {
                conditions: "占道面积5平方米以上不足10平方米".into(),
                penalty_types,
                fine,
            },
            effective_from: day("2024-01-01"),
            effective_to: None,
        }
    }

    fn fine(amount: i64) -> (PenaltyType, Option<i64>) {
        (PenaltyType::Fine, Some(amount))
    }

    #[test]
    fn a_fine_in_fen_may_sit_on_either_end_of_the_range_but_not_beyond() {
        let b = benchmark(
            BenchmarkGrade::Ordinary,
            vec![PenaltyType::Warning, PenaltyType::Fine],
            FineRange::Fen {
                min: Some(200_000),
                max: Some(1_000_000),
            },
        );
        assert_eq!(check_penalties(&b, &[fine(200_000)], None), Ok(()));
        assert_eq!(check_penalties(&b, &[fine(1_000_000)], None), Ok(()));
        assert_eq!(
            check_penalties(&b, &[(PenaltyType::Warning, None), fine(500_000)], None),
            Ok(())
        );
        let below = check_penalties(&b, &[fine(199_999)], None).unwrap_err();
        assert!(below.contains("below the benchmark's minimum of 2000元"), "{below}");
        let above = check_penalties(&b, &[fine(1_000_001)], None).unwrap_err();
        assert!(above.contains("above the benchmark's maximum of 10000元"), "{above}");
        assert!(check_penalties(&b, &[(PenaltyType::Fine, None)], None).is_err());
        assert!(check_penalties(&b, &[fine(-1)], None).is_err());
        // The base amount does not matter to a range in fen.
        assert_eq!(check_penalties(&b, &[fine(500_000)], Some(1)), Ok(()));
    }

    #[test]
    fn an_open_end_bounds_nothing_on_its_side() {
        let at_least = benchmark(
            BenchmarkGrade::Severe,
            vec![PenaltyType::Fine],
            FineRange::Fen {
                min: Some(1_000_000),
                max: None,
            },
        );
        assert_eq!(check_penalties(&at_least, &[fine(MAX_FINE_FEN)], None), Ok(()));
        assert!(check_penalties(&at_least, &[fine(999_999)], None).is_err());
        let at_most = benchmark(
            BenchmarkGrade::Lenient,
            vec![PenaltyType::Fine],
            FineRange::Fen {
                min: None,
                max: Some(50_000),
            },
        );
        assert_eq!(check_penalties(&at_most, &[fine(0)], None), Ok(()));
        assert!(check_penalties(&at_most, &[fine(50_001)], None).is_err());
        // A grade allowing a fine without a range of its own leaves it to the power's.
        let unbounded = benchmark(BenchmarkGrade::Ordinary, vec![PenaltyType::Fine], FineRange::None);
        assert_eq!(check_penalties(&unbounded, &[fine(123)], None), Ok(()));
    }

    #[test]
    fn a_multiple_is_checked_against_the_base_exactly_and_needs_one() {
        let b = benchmark(
            BenchmarkGrade::Ordinary,
            vec![PenaltyType::ConfiscateIllegalGains, PenaltyType::Fine],
            FineRange::Multiple {
                basis: FineBasis::IllegalGains,
                min_milli: Some(1_000),
                max_milli: Some(3_000),
            },
        );
        let base = Some(1_000_000);
        assert_eq!(check_penalties(&b, &[fine(1_000_000)], base), Ok(()));
        assert_eq!(check_penalties(&b, &[fine(3_000_000)], base), Ok(()));
        assert_eq!(
            check_penalties(
                &b,
                &[(PenaltyType::ConfiscateIllegalGains, Some(1_000_000)), fine(2_000_000)],
                base
            ),
            Ok(())
        );
        let below = check_penalties(&b, &[fine(999_999)], base).unwrap_err();
        assert!(below.contains("违法所得 10000元 × 1 = 10000元"), "{below}");
        let above = check_penalties(&b, &[fine(3_000_001)], base).unwrap_err();
        assert!(above.contains("× 3 = 30000元"), "{above}");
        let missing = check_penalties(&b, &[fine(1_000_000)], None).unwrap_err();
        assert!(missing.contains("no base amount"), "{missing}");
        assert!(check_penalties(&b, &[fine(0)], Some(-1)).is_err());
        // A base of ¥3.33 at 1.5 倍 is 499.5 fen: 500 is inside, 499 is not.
        let fractional = benchmark(
            BenchmarkGrade::Ordinary,
            vec![PenaltyType::Fine],
            FineRange::Multiple {
                basis: FineBasis::GoodsValue,
                min_milli: Some(1_500),
                max_milli: Some(1_500),
            },
        );
        assert!(check_penalties(&fractional, &[fine(499)], Some(333)).is_err());
        assert!(
            check_penalties(&fractional, &[fine(500)], Some(333)).is_err(),
            "above 499.5"
        );
        let widened = benchmark(
            BenchmarkGrade::Ordinary,
            vec![PenaltyType::Fine],
            FineRange::Multiple {
                basis: FineBasis::GoodsValue,
                min_milli: Some(1_500),
                max_milli: Some(2_000),
            },
        );
        assert_eq!(check_penalties(&widened, &[fine(500)], Some(333)), Ok(()));
        assert_eq!(check_penalties(&widened, &[fine(666)], Some(333)), Ok(()));
        assert!(check_penalties(&widened, &[fine(667)], Some(333)).is_err());
        let below = check_penalties(&widened, &[fine(499)], Some(333)).unwrap_err();
        assert!(below.contains("= 5元"), "rounded up to the least allowed fen: {below}");
        // Without a fine, the base is not needed.
        assert_eq!(
            check_penalties(&b, &[(PenaltyType::ConfiscateIllegalGains, Some(5))], None),
            Ok(())
        );
    }

    #[test]
    fn a_type_the_grade_does_not_allow_is_outside_and_no_penalty_allows_none() {
        let b = benchmark(BenchmarkGrade::Lenient, vec![PenaltyType::Warning], FineRange::None);
        let why = check_penalties(&b, &[(PenaltyType::SuspendBusiness, None), fine(100)], None).unwrap_err();
        assert!(why.contains("suspend_business (责令停产停业) is not among"), "{why}");
        assert!(why.contains("fine (罚款) is not among"), "both are named: {why}");
        let none = benchmark(BenchmarkGrade::NoPenalty, vec![], FineRange::None);
        assert_eq!(check_penalties(&none, &[], None), Ok(()));
        let why = check_penalties(&none, &[(PenaltyType::Warning, None)], None).unwrap_err();
        assert!(why.contains("no_penalty (不予处罚) allows no penalty"), "{why}");
    }

    fn input(grade: BenchmarkGrade) -> BenchmarkInput {
        BenchmarkInput {
            circumstance: " 擅自在城市道路上设置摊点占道经营 ".into(),
            grade,
            conditions: " 占道面积5平方米以上不足10平方米 ".into(),
            penalty_types: vec![PenaltyType::Fine, PenaltyType::Warning, PenaltyType::Fine],
            fine_min_fen: Some(200_000),
            fine_max_fen: Some(1_000_000),
            fine_basis: None,
            multiple_min_milli: None,
            multiple_max_milli: None,
            effective_from: Some(day("2024-01-01")),
            effective_to: None,
        }
    }

    fn fields(errors: Vec<FieldError>) -> Vec<String> {
        errors.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_valid_input_is_trimmed_and_its_types_ordered_once() {
        let draft = input(BenchmarkGrade::Ordinary).validate().unwrap();
        assert_eq!(draft.circumstance, "擅自在城市道路上设置摊点占道经营");
        assert_eq!(draft.content.conditions, "占道面积5平方米以上不足10平方米");
        assert_eq!(
            draft.content.penalty_types,
            vec![PenaltyType::Warning, PenaltyType::Fine]
        );
        assert_eq!(
            draft.content.fine,
            FineRange::Fen {
                min: Some(200_000),
                max: Some(1_000_000)
            }
        );
        let multiple = BenchmarkInput {
            fine_min_fen: None,
            fine_max_fen: None,
            fine_basis: Some(FineBasis::ProjectCost),
            multiple_min_milli: Some(50),
            multiple_max_milli: Some(100),
            ..input(BenchmarkGrade::Ordinary)
        };
        assert!(matches!(
            multiple.validate().unwrap().content.fine,
            FineRange::Multiple {
                basis: FineBasis::ProjectCost,
                ..
            }
        ));
    }

    #[test]
    fn every_bad_field_is_named() {
        let inverted = BenchmarkInput {
            fine_min_fen: Some(9),
            fine_max_fen: Some(1),
            ..input(BenchmarkGrade::Ordinary)
        };
        assert_eq!(fields(inverted.validate().unwrap_err()), vec!["fine_max_fen"]);
        let negative = BenchmarkInput {
            fine_min_fen: Some(-1),
            ..input(BenchmarkGrade::Ordinary)
        };
        assert_eq!(fields(negative.validate().unwrap_err()), vec!["fine_min_fen"]);
        let no_basis = BenchmarkInput {
            fine_min_fen: None,
            fine_max_fen: None,
            multiple_min_milli: Some(1000),
            ..input(BenchmarkGrade::Ordinary)
        };
        assert_eq!(fields(no_basis.validate().unwrap_err()), vec!["fine_basis"]);
        let both = BenchmarkInput {
            fine_basis: Some(FineBasis::IllegalGains),
            multiple_max_milli: Some(3000),
            ..input(BenchmarkGrade::Ordinary)
        };
        assert_eq!(fields(both.validate().unwrap_err()), vec!["multiple_max"]);
        let multiples = BenchmarkInput {
            fine_min_fen: None,
            fine_max_fen: None,
            fine_basis: Some(FineBasis::IllegalGains),
            multiple_min_milli: Some(3000),
            multiple_max_milli: Some(MAX_MULTIPLE_MILLI + 1),
            ..input(BenchmarkGrade::Ordinary)
        };
        assert_eq!(
            fields(multiples.validate().unwrap_err()),
            vec!["multiple_max"],
            "out of bounds (not also inverted: 3 < 100.001)"
        );
        let no_fine_type = BenchmarkInput {
            penalty_types: vec![PenaltyType::Warning],
            ..input(BenchmarkGrade::Ordinary)
        };
        assert_eq!(fields(no_fine_type.validate().unwrap_err()), vec!["penalty_types"]);
        let nothing = BenchmarkInput {
            penalty_types: vec![],
            fine_min_fen: None,
            fine_max_fen: None,
            ..input(BenchmarkGrade::Lenient)
        };
        assert_eq!(fields(nothing.validate().unwrap_err()), vec!["penalty_types"]);
        // A range without types allows a fine.
        let range_only = BenchmarkInput {
            penalty_types: vec![],
            ..input(BenchmarkGrade::Lenient)
        };
        assert_eq!(
            range_only.validate().unwrap().content.penalty_types,
            vec![PenaltyType::Fine]
        );
        let blank = BenchmarkInput {
            circumstance: " ".into(),
            conditions: "x".repeat(CONDITIONS_MAX_CHARS + 1),
            effective_to: Some(day("2023-12-31")),
            ..input(BenchmarkGrade::Ordinary)
        };
        assert_eq!(
            fields(blank.validate().unwrap_err()),
            vec!["circumstance", "conditions", "effective_to"]
        );
    }

    #[test]
    fn no_penalty_allows_no_penalty_type_nor_any_fine() {
        assert_eq!(
            fields(input(BenchmarkGrade::NoPenalty).validate().unwrap_err()),
            vec!["penalty_types", "fine_min_fen", "fine_max_fen"]
        );
        let basis = BenchmarkInput {
            penalty_types: vec![],
            fine_min_fen: None,
            fine_max_fen: None,
            fine_basis: Some(FineBasis::IllegalGains),
            multiple_max_milli: Some(1000),
            ..input(BenchmarkGrade::NoPenalty)
        };
        assert_eq!(
            fields(basis.validate().unwrap_err()),
            vec!["fine_basis", "multiple_max"]
        );
        let none = BenchmarkInput {
            penalty_types: vec![],
            fine_min_fen: None,
            fine_max_fen: None,
            ..input(BenchmarkGrade::NoPenalty)
        };
        let draft = none.validate().unwrap();
        assert_eq!(draft.content.fine, FineRange::None);
        assert_eq!(penalties_in_words(draft.grade, &draft.content), "不予处罚");
    }

    #[test]
    fn multiples_read_as_thousandths() {
        assert_eq!(milli_of("m", 1.5), Ok(1500));
        assert_eq!(milli_of("m", 0.05), Ok(50));
        assert_eq!(milli_of("m", 0.1), Ok(100));
        assert_eq!(milli_of("m", 100.0), Ok(100_000));
        assert!(milli_of("m", 0.0005).is_err());
        assert!(milli_of("m", -1.0).is_err());
        assert!(milli_of("m", 100.001).is_err());
        assert!(milli_of("m", f64::NAN).is_err());
        assert_eq!(multiple_of_milli(50), 0.05);
        assert_eq!(parse_multiple("1.5"), Ok(Some(1500)));
        assert_eq!(parse_multiple("3倍"), Ok(Some(3000)));
        assert_eq!(parse_multiple("0.05"), Ok(Some(50)));
        assert_eq!(parse_multiple(""), Ok(None));
        for bad in ["1.2345", "-1", "1.", ".5", "1,5", "abc", "1e3"] {
            assert!(parse_multiple(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn words_say_the_range_as_the_public_reads_it() {
        let content = |penalty_types, fine| BenchmarkContent {
            conditions: "c".into(),
            penalty_types,
            fine,
        };
        let fen = content(
            vec![PenaltyType::Warning, PenaltyType::Fine],
            FineRange::Fen {
                min: Some(20_000),
                max: Some(200_050),
            },
        );
        assert_eq!(
            penalties_in_words(BenchmarkGrade::Lenient, &fen),
            "警告；罚款200元以上2000.5元以下"
        );
        let gains = content(
            vec![PenaltyType::ConfiscateIllegalGains, PenaltyType::Fine],
            FineRange::Multiple {
                basis: FineBasis::IllegalGains,
                min_milli: Some(1000),
                max_milli: Some(1500),
            },
        );
        assert_eq!(
            penalties_in_words(BenchmarkGrade::Ordinary, &gains),
            "没收违法所得；罚款违法所得1倍以上1.5倍以下"
        );
        let cost = FineRange::Multiple {
            basis: FineBasis::ProjectCost,
            min_milli: Some(50),
            max_milli: Some(75),
        };
        assert_eq!(fine_words(&cost).unwrap(), "建设工程造价5%以上7.5%以下");
        assert_eq!(
            fine_words(&FineRange::Fen {
                min: None,
                max: Some(500_000)
            })
            .unwrap(),
            "5000元以下"
        );
        assert_eq!(BenchmarkGrade::parse_label("从重"), Some(BenchmarkGrade::Severe));
        assert_eq!(BenchmarkGrade::parse_label(" Lenient "), Some(BenchmarkGrade::Lenient));
        assert_eq!(FineBasis::parse_label("货值金额"), Some(FineBasis::GoodsValue));
        assert_eq!(parse_penalty_type("罚款"), Some(PenaltyType::Fine));
        assert_eq!(
            parse_penalty_type("没收违法所得"),
            Some(PenaltyType::ConfiscateIllegalGains)
        );
        assert_eq!(parse_penalty_type("拘留"), None);
    }

    fn terms(category: PowerCategory, min: Option<i64>, max: Option<i64>) -> Vec<PowerTerms> {
        vec![PowerTerms {
            code: "XF-CG-016".into(),
            category,
            fine_min_fen: min,
            fine_max_fen: max,
            effective_from: day("2024-01-01"),
            effective_to: Some(day("2025-12-31")),
        }]
    }

    fn rule_of(error: AppError) -> String {
        match error {
            AppError::Rule { rule, .. } => rule.to_string(),
            AppError::Validation(errors) => fields(errors).join(","),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn a_benchmark_grades_a_penalty_power_in_force_within_its_range() {
        let range = |min, max| FineRange::Fen { min, max };
        let power = terms(PowerCategory::Penalty, Some(5_000), Some(50_000));
        let on = day("2024-06-01");
        assert!(check_power(&power, BenchmarkGrade::Ordinary, &range(Some(5_000), Some(50_000)), on).is_ok());
        assert_eq!(
            rule_of(check_power(&power, BenchmarkGrade::Ordinary, &range(Some(4_999), Some(50_001)), on).unwrap_err()),
            "fine_min_fen,fine_max_fen"
        );
        // Only 减轻处罚 goes below the minimum.
        assert!(check_power(&power, BenchmarkGrade::Mitigated, &range(Some(1_000), Some(4_999)), on).is_ok());
        assert_eq!(
            rule_of(
                check_power(
                    &power,
                    BenchmarkGrade::Ordinary,
                    &range(Some(5_000), None),
                    day("2026-01-01")
                )
                .unwrap_err()
            ),
            "power_not_in_force"
        );
        assert_eq!(
            rule_of(
                check_power(
                    &terms(PowerCategory::Coercion, None, None),
                    BenchmarkGrade::Ordinary,
                    &FineRange::None,
                    on
                )
                .unwrap_err()
            ),
            "power_not_penalty"
        );
        assert!(matches!(
            check_power(&[], BenchmarkGrade::Ordinary, &FineRange::None, on),
            Err(AppError::NotFound(_))
        ));
        // A multiple is not compared with a range in fen.
        let multiple = FineRange::Multiple {
            basis: FineBasis::GoodsValue,
            min_milli: Some(10_000),
            max_milli: Some(20_000),
        };
        assert!(check_power(&power, BenchmarkGrade::Severe, &multiple, on).is_ok());
    }

    fn current() -> CurrentBenchmark {
        let draft = input(BenchmarkGrade::Ordinary).validate().unwrap();
        CurrentBenchmark {
            version: 1,
            content: draft.content,
            effective_from: day("2024-01-01"),
            effective_to: None,
        }
    }

    #[test]
    fn a_change_of_content_is_a_new_version_closing_the_old_one_the_day_before() {
        let today = day("2026-11-30");
        let draft = input(BenchmarkGrade::Ordinary).validate().unwrap();
        assert_eq!(
            plan_change(None, &draft, None, today),
            Ok(BenchmarkChange::Created {
                effective_from: today,
                effective_to: None
            })
        );
        assert_eq!(
            plan_change(Some(&current()), &draft, None, today),
            Ok(BenchmarkChange::Unchanged)
        );
        let mut changed = draft.clone();
        changed.content.fine = FineRange::Fen {
            min: Some(300_000),
            max: Some(1_000_000),
        };
        assert_eq!(
            plan_change(Some(&current()), &changed, Some(day("2025-07-01")), today),
            Ok(BenchmarkChange::NewVersion {
                effective_from: day("2025-07-01"),
                effective_to: None,
                close_current_on: day("2025-06-30"),
            })
        );
        assert!(matches!(
            plan_change(Some(&current()), &changed, None, today),
            Ok(BenchmarkChange::NewVersion { effective_from, .. }) if effective_from == today
        ));
        let before = plan_change(Some(&current()), &changed, Some(day("2023-12-31")), today).unwrap_err();
        assert_eq!(fields(before), vec!["effective_from"]);
        // The same content on another day makes no version.
        let moved = plan_change(Some(&current()), &draft, Some(day("2025-01-01")), today).unwrap_err();
        assert_eq!(fields(moved), vec!["effective_from"]);
        // The same content with an end date retires the benchmark in place.
        let retiring = BenchmarkDraft {
            effective_to: Some(day("2026-12-31")),
            ..draft.clone()
        };
        assert_eq!(
            plan_change(Some(&current()), &retiring, None, today),
            Ok(BenchmarkChange::EndDateChanged {
                effective_to: Some(day("2026-12-31"))
            })
        );
        assert_eq!(BenchmarkChange::Unchanged.version_after(Some(3)), 3);
        assert_eq!(
            BenchmarkChange::NewVersion {
                effective_from: today,
                effective_to: None,
                close_current_on: today
            }
            .version_after(Some(3)),
            4
        );
    }

    #[test]
    fn an_import_plans_every_row_and_reports_every_error() {
        let today = day("2026-11-30");
        let mut power = terms(PowerCategory::Penalty, Some(0), Some(2_000_000));
        power[0].effective_to = None;
        let powers = HashMap::from([(
            "XF-CG-016".to_string(),
            ImportPower {
                power_id: "p1".into(),
                versions: power,
            },
        )]);
        let draft = input(BenchmarkGrade::Ordinary).validate().unwrap();
        let existing = HashMap::from([(
            ("p1".to_string(), draft.circumstance.clone(), BenchmarkGrade::Ordinary),
            current(),
        )]);
        let row = |row: usize, code: &str, draft: BenchmarkDraft| ImportRow {
            row,
            power_code: code.into(),
            draft,
        };
        let mut changed = draft.clone();
        changed.content.conditions = "占道面积5平方米以上不足8平方米".into();
        let severe = BenchmarkDraft {
            grade: BenchmarkGrade::Severe,
            ..draft.clone()
        };
        let too_high = BenchmarkDraft {
            grade: BenchmarkGrade::Lenient,
            content: BenchmarkContent {
                fine: FineRange::Fen {
                    min: Some(0),
                    max: Some(2_000_001),
                },
                ..draft.content.clone()
            },
            ..draft.clone()
        };
        let rows = vec![
            row(2, "XF-CG-016", changed),
            row(3, "XF-CG-016", severe.clone()),
            row(4, "XF-CG-016", severe),
            row(5, "XF-CG-999", draft.clone()),
            row(6, "XF-CG-016", too_high),
        ];
        let (actions, errors) = plan_import(&rows, &powers, &existing, today);
        let outcomes: Vec<_> = actions.iter().map(|a| (a.row, a.change.outcome())).collect();
        assert_eq!(
            outcomes,
            vec![(2, ImportOutcome::NewVersion), (3, ImportOutcome::Created)]
        );
        // The list still says 2024-01-01 for the changed row: the change starts today.
        assert_eq!(actions[0].change.starts_on(), Some(today));
        assert_eq!(actions[1].change.starts_on(), Some(day("2024-01-01")));
        let located: Vec<(usize, Option<&str>)> = errors.iter().map(|e| (e.row, e.column.as_deref())).collect();
        assert_eq!(
            located,
            vec![(4, Some("grade")), (5, Some("power_code")), (6, Some("fine_max_fen"))]
        );
    }
}
