//! Whether a decision's penalties stay inside a benchmark.

use super::*;

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
