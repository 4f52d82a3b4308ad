//! Amounts, ranges and penalties in the words the public reads.

use super::*;

/// `value` with `scale` implied decimals, without trailing zeros: (1500, 3) → 1.5.
pub(crate) fn decimal(value: i64, scale: u32) -> String {
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
