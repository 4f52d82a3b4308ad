//! 从旧兼从轻 for discretion benchmarks (APL art. 37): a decision applies the rule in force
//! when the act was committed, unless the rule in force when it is decided punishes more
//! lightly. A benchmark's later version is lighter when it punishes no more in any respect
//! and less in at least one.

use std::cmp::Ordering;

use crate::benchmarks::model::{BenchmarkContent, FineRange};
use crate::cases::model::PenaltyType;

/// Whether `new` punishes more lightly than `old`: every penalty type `new` allows, `old`
/// allowed too, and its fine range reaches neither lower-bound nor upper-bound higher —
/// with at least one of them strictly lighter. Ranges that cannot be compared (a fen range
/// against a multiple, multiples of different amounts) are not lighter: the old version
/// stays, and officers who find the new one lighter on the facts may deviate with reasons.
pub fn is_lighter(new: &BenchmarkContent, old: &BenchmarkContent) -> bool {
    if !new.penalty_types.iter().all(|t| old.penalty_types.contains(t)) {
        return false;
    }
    let fewer_types = new.penalty_types.len() < old.penalty_types.len();
    let new_fines = new.penalty_types.contains(&PenaltyType::Fine);
    let old_fines = old.penalty_types.contains(&PenaltyType::Fine);
    let fine = match (new_fines, old_fines) {
        // Dropping the fine is lighter, and was counted among the fewer types.
        (false, _) => Some(Ordering::Equal),
        (true, true) => compare_ranges(&new.fine, &old.fine),
        // Unreachable after the subset check, but never "lighter".
        (true, false) => None,
    };
    match fine {
        Some(Ordering::Less) => true,
        Some(Ordering::Equal) => fewer_types,
        _ => false,
    }
}

/// `Less` when `new` is lighter (neither end higher, one lower), `Equal` when the same,
/// `Greater` when heavier in either end, `None` when not comparable. A missing lower end
/// is zero; a missing upper end (or no range of its own) is unbounded.
fn compare_ranges(new: &FineRange, old: &FineRange) -> Option<Ordering> {
    let bounds = |range: &FineRange| -> Option<(Option<crate::benchmarks::model::FineBasis>, i64, Option<i64>)> {
        match *range {
            FineRange::None => None,
            FineRange::Fen { min, max } => Some((None, min.unwrap_or(0), max)),
            FineRange::Multiple {
                basis,
                min_milli,
                max_milli,
            } => Some((Some(basis), min_milli.unwrap_or(0), max_milli)),
        }
    };
    let (new_bounds, old_bounds) = match (bounds(new), bounds(old)) {
        (None, None) => return Some(Ordering::Equal),
        // A range of its own against the power's whole range: the range is the lighter
        // when it has an upper end; the power's range is the heavier.
        (Some((_, _, Some(_))), None) => return Some(Ordering::Less),
        (None, Some(_)) => return Some(Ordering::Greater),
        (Some(_), None) => return None,
        (Some(new), Some(old)) => (new, old),
    };
    if new_bounds.0 != old_bounds.0 {
        return None;
    }
    let min = new_bounds.1.cmp(&old_bounds.1);
    // An unbounded upper end is the heaviest.
    let max = match (new_bounds.2, old_bounds.2) {
        (Some(new), Some(old)) => new.cmp(&old),
        (None, None) => Ordering::Equal,
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
    };
    Some(match (min, max) {
        (Ordering::Greater, _) | (_, Ordering::Greater) => Ordering::Greater,
        (Ordering::Equal, Ordering::Equal) => Ordering::Equal,
        _ => Ordering::Less,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::benchmarks::model::FineBasis;

    fn fen(types: &[PenaltyType], min: Option<i64>, max: Option<i64>) -> BenchmarkContent {
        BenchmarkContent {
            conditions: "情节一般".into(),
            penalty_types: types.to_vec(),
            fine: FineRange::Fen { min, max },
        }
    }

    const WARNING_FINE: &[PenaltyType] = &[PenaltyType::Warning, PenaltyType::Fine];
    const FINE: &[PenaltyType] = &[PenaltyType::Fine];

    #[test]
    fn a_lower_range_is_lighter_and_a_higher_end_is_not() {
        let old = fen(FINE, Some(50_000), Some(200_000));
        assert!(is_lighter(&fen(FINE, Some(20_000), Some(200_000)), &old));
        assert!(is_lighter(&fen(FINE, Some(50_000), Some(100_000)), &old));
        // The same is not lighter; neither is a range lower at one end and higher at the other.
        assert!(!is_lighter(&old.clone(), &old));
        assert!(!is_lighter(&fen(FINE, Some(20_000), Some(300_000)), &old));
        assert!(!is_lighter(&fen(FINE, Some(60_000), Some(200_000)), &old));
        // No upper end is heavier than any.
        assert!(!is_lighter(&fen(FINE, Some(0), None), &old));
        assert!(is_lighter(&old, &fen(FINE, Some(50_000), None)));
    }

    #[test]
    fn fewer_penalty_types_are_lighter_and_a_new_type_is_not() {
        let old = fen(WARNING_FINE, Some(0), Some(100_000));
        assert!(is_lighter(&fen(&[PenaltyType::Warning], None, None), &old));
        assert!(is_lighter(&fen(FINE, Some(0), Some(100_000)), &old));
        assert!(!is_lighter(
            &fen(
                &[PenaltyType::Warning, PenaltyType::Fine, PenaltyType::SuspendBusiness],
                Some(0),
                Some(50_000)
            ),
            &old
        ));
        // No penalty at all (不予处罚) is lighter than any penalty.
        assert!(is_lighter(&fen(&[], None, None), &old));
    }

    #[test]
    fn multiples_compare_only_on_the_same_amount() {
        let multiple = |basis, min, max| BenchmarkContent {
            conditions: "x".into(),
            penalty_types: FINE.to_vec(),
            fine: FineRange::Multiple {
                basis,
                min_milli: Some(min),
                max_milli: Some(max),
            },
        };
        let old = multiple(FineBasis::IllegalGains, 1000, 3000);
        assert!(is_lighter(&multiple(FineBasis::IllegalGains, 1000, 2000), &old));
        assert!(!is_lighter(&multiple(FineBasis::GoodsValue, 500, 1000), &old));
        assert!(!is_lighter(&fen(FINE, Some(0), Some(1)), &old));
    }
}
