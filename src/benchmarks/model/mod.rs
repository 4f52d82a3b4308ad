//! Discretion benchmarks as plain Rust: the grades and fine bases, what a benchmark says,
//! the rules a benchmark must satisfy on its own and against its power, how a change
//! becomes a version, what an import of a whole list would do, whether a decision's
//! penalties stay inside a benchmark ([`check_penalties`]), and the words the public reads.
//!
//! Here the terms (grades, fine bases, ranges, a benchmark's content); `draft` the rules of a
//! benchmark's own fields; `versions` the rules against its power, versions and import
//! planning; `check` whether penalties stay inside a benchmark; `words` what the public reads.

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

mod check;
mod draft;
#[cfg(test)]
mod tests;
mod versions;
mod words;

pub use check::*;
pub use draft::*;
pub use versions::*;
pub use words::*;

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
