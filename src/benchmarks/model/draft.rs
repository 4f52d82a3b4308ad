//! A benchmark's own fields: what a request or an import row gives, and every rule of them.

use super::*;

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
