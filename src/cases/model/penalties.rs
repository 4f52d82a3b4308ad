//! Penalties and their amounts: the fine a type needs, the discretion range, and the
//! amounts that give hearing rights (APL art. 9, 32–34, 63).

use super::*;

/// Checks a decision type with its fine: a fine needs an amount, a warning has none.
pub(crate) fn check_penalty_amount(decision_type: DecisionType, fine_amount_fen: Option<i64>) -> Result<i64, Refusal> {
    let fine = fine_amount_fen.unwrap_or(0);
    if fine < 0 {
        return Err(invalid("fine_amount_fen", "must not be negative"));
    }
    match decision_type {
        DecisionType::Fine if fine == 0 => Err(invalid("fine_amount_fen", "a fine needs an amount in fen")),
        DecisionType::Warning if fine > 0 => Err(invalid(
            "fine_amount_fen",
            "a warning carries no fine; use decision_type fine",
        )),
        _ => Ok(fine),
    }
}

/// The fine may not exceed the highest maximum of the cited powers' discretion ranges
/// (行政处罚裁量基准).
pub(crate) fn check_discretion(case: &Case, fine: i64) -> Result<(), Refusal> {
    let maxima: Vec<i64> = case.powers.iter().filter_map(|p| p.fine_max_fen).collect();
    if let Some(max) = maxima.iter().copied().max()
        && fine > max
    {
        return Err(rule(
            "discretion_range_exceeded",
            format!(
                "a fine of {} exceeds the maximum {} of the cited powers' discretion range",
                yuan(fine),
                yuan(max)
            ),
        ));
    }
    Ok(())
}

/// "Large" fines give hearing rights (APL art. 63) and make a case major (art. 57).
pub(crate) fn is_large_fine(case: &Case, fine: i64, settings: &ProcedureSettings) -> bool {
    let threshold = match case.subject_kind.counts_as_individual() {
        true => settings.hearing_threshold_individual_fen,
        false => settings.hearing_threshold_organisation_fen,
    };
    fine >= threshold
}

/// APL art. 63: suspension, revocation or a large fine carry hearing rights.
pub fn carries_hearing_rights(
    case: &Case,
    decision_type: DecisionType,
    fine: i64,
    settings: &ProcedureSettings,
) -> bool {
    matches!(decision_type, DecisionType::Suspension | DecisionType::Revocation) || is_large_fine(case, fine, settings)
}
