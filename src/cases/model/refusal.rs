//! Why a step is refused, and the small input checks every step shares.

use super::*;

/// Why a step is refused.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// Not possible in the case's state, or not for this caller (409, with what is allowed).
    NotAllowed { detail: String, allowed: Vec<Action> },
    /// A rule of the law refuses it (422, naming the rule).
    Rule { rule: &'static str, detail: String },
    /// Input fields fail validation (422, naming the fields).
    Invalid(Vec<FieldError>),
}

pub(crate) fn rule(rule: &'static str, detail: impl Into<String>) -> Refusal {
    Refusal::Rule {
        rule,
        detail: detail.into(),
    }
}

pub(crate) fn invalid(field: &str, message: impl Into<String>) -> Refusal {
    Refusal::Invalid(vec![FieldError::new(field, message)])
}

pub(crate) fn required_text(field: &str, value: &str, max: usize) -> Result<String, Refusal> {
    let trimmed = value.trim();
    let len = trimmed.chars().count();
    if len == 0 {
        return Err(invalid(field, "must not be blank"));
    }
    if len > max {
        return Err(invalid(field, format!("must be at most {max} characters")));
    }
    Ok(trimmed.to_string())
}

/// A business date that happened: not in the future, not before `earliest`.
pub(crate) fn past_date(
    field: &str,
    date: NaiveDate,
    today: NaiveDate,
    earliest: Option<(NaiveDate, &str)>,
) -> Result<NaiveDate, Refusal> {
    if date > today {
        return Err(invalid(field, "may not be in the future"));
    }
    if let Some((earliest, what)) = earliest
        && date < earliest
    {
        return Err(invalid(field, format!("may not be before {what} ({earliest})")));
    }
    Ok(date)
}

pub(crate) fn credentials_refusal(step: &str) -> Refusal {
    rule(
        "credentials_not_shown",
        format!(
            "{step} requires showing enforcement credentials (出示执法证件, APL art. 55): send credentials_shown: true"
        ),
    )
}

/// ¥ with two decimals, for messages.
pub fn yuan(fen: i64) -> String {
    format!("¥{}.{:02}", fen / 100, (fen % 100).abs())
}

/// Approvals (立案审批, extensions, transfers, recusals, payment plans, 备案) are the head's:
/// a supervisor who is not an officer of the case (APL art. 57).
pub(crate) fn approver_off_the_case(ctx: &Context<'_>, what: &str) -> Result<(), Refusal> {
    if ctx.relation.is_case_officer {
        return Err(rule(
            "approver_is_case_officer",
            format!("an officer of the case cannot {what}; a supervisor who is not on the case must"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cases::model::*;

    #[test]
    fn money_is_shown_in_yuan() {
        assert_eq!(yuan(920_000), "¥9200.00");
        assert_eq!(yuan(5), "¥0.05");
    }
}
