//! Reading discretion benchmarks from the spreadsheets offices keep them in (UTF-8 CSV or
//! XLSX, read as the power list is: `powers::import`), one row per grade, into rows that
//! passed the rules of their own fields — every problem located by its row and column.

use crate::benchmarks::model::{
    BenchmarkGrade, BenchmarkInput, FineBasis, ImportRow, parse_multiple, parse_penalty_type,
};
use crate::cases::model::PenaltyType;
use crate::powers::import::{Header, Sheet, parse_date, parse_fen};
use crate::powers::model::{RowError, check_code, normalize_code};

/// The columns of an import file, named as the API's fields (`power_code` for the power).
pub const COLUMNS: [&str; 12] = [
    "power_code",
    "circumstance",
    "grade",
    "conditions",
    "penalty_types",
    "fine_min_fen",
    "fine_max_fen",
    "fine_basis",
    "multiple_min",
    "multiple_max",
    "effective_from",
    "effective_to",
];

/// Columns a file must have; the others may be left out (blank).
pub const REQUIRED_COLUMNS: [&str; 4] = ["power_code", "circumstance", "grade", "conditions"];

/// The discretion benchmarks of a few powers of `reference/sample-powers.csv`, as shipped in
/// `reference/sample-benchmarks.csv`.
pub const SAMPLE_BENCHMARKS_CSV: &str = include_str!("../../reference/sample-benchmarks.csv");

/// The penalty types of a cell: words or Chinese names, separated by commas, 、, semicolons,
/// | or spaces (罚款、没收违法所得); blank is none.
pub fn parse_penalty_types(value: &str) -> Result<Vec<PenaltyType>, String> {
    value
        .split(|c: char| matches!(c, ',' | '，' | '、' | ';' | '；' | '|') || c.is_whitespace())
        .filter(|word| !word.is_empty())
        .map(|word| {
            parse_penalty_type(word).ok_or_else(|| {
                format!(
                    "{word} is not a penalty type; the types are {} (or 警告, 罚款, 没收违法所得…)",
                    PenaltyType::ALL
                        .iter()
                        .map(|t| t.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
        })
        .collect()
}

/// Maps the header to the known columns and reads each data row into a benchmark that
/// passed the rules of its own fields. Returns those rows and every problem found: cells
/// that cannot be read first; a row whose cells all read is then checked as a whole. A
/// bad header stops there.
pub fn rows_of(sheet: &Sheet) -> (Vec<ImportRow>, Vec<RowError>) {
    let mut errors = sheet.cell_errors.clone();
    let Some(header) = Header::read(sheet, &COLUMNS, &REQUIRED_COLUMNS, &mut errors) else {
        return (Vec::new(), errors);
    };
    let mut rows = Vec::new();
    for (row, cells) in &sheet.rows {
        let cell = |column: &str| -> &str { header.cell(cells, column) };
        let mut problems = Vec::new();
        if header.overflows(cells) {
            problems.push(RowError::new(*row, None, "has values beyond the last named column"));
        }
        let mut read = |column: &str, reason: Option<String>| {
            if let Some(reason) = reason {
                problems.push(RowError::new(*row, Some(column), reason));
            }
        };
        let power_code = normalize_code(cell("power_code"));
        read("power_code", check_code(&power_code).err());
        let grade = BenchmarkGrade::parse_label(cell("grade"));
        read(
            "grade",
            grade.is_none().then(|| {
                "must be one of no_penalty, mitigated, lenient, ordinary, severe (or 不予处罚, 减轻处罚, 从轻处罚, 一般, 从重处罚)"
                    .to_string()
            }),
        );
        let penalty_types = parse_penalty_types(cell("penalty_types"));
        read("penalty_types", penalty_types.as_ref().err().cloned());
        let fine_min_fen = parse_fen(cell("fine_min_fen"));
        read("fine_min_fen", fine_min_fen.as_ref().err().cloned());
        let fine_max_fen = parse_fen(cell("fine_max_fen"));
        read("fine_max_fen", fine_max_fen.as_ref().err().cloned());
        let basis_text = cell("fine_basis");
        let fine_basis = FineBasis::parse_label(basis_text);
        read(
            "fine_basis",
            (fine_basis.is_none() && !basis_text.is_empty()).then(|| {
                format!(
                    "must be one of {} (or 违法所得, 违法经营额, 货值金额, 建设工程造价, 合同价款)",
                    FineBasis::ALL.iter().map(|b| b.as_str()).collect::<Vec<_>>().join(", ")
                )
            }),
        );
        let multiple_min = parse_multiple(cell("multiple_min"));
        read("multiple_min", multiple_min.as_ref().err().cloned());
        let multiple_max = parse_multiple(cell("multiple_max"));
        read("multiple_max", multiple_max.as_ref().err().cloned());
        let effective_from = parse_date(cell("effective_from"));
        read("effective_from", effective_from.as_ref().err().cloned());
        let effective_to = parse_date(cell("effective_to"));
        read("effective_to", effective_to.as_ref().err().cloned());
        if !problems.is_empty() {
            errors.extend(problems);
            continue;
        }
        let (
            Some(grade),
            Ok(penalty_types),
            Ok(fine_min_fen),
            Ok(fine_max_fen),
            Ok(multiple_min_milli),
            Ok(multiple_max_milli),
            Ok(effective_from),
            Ok(effective_to),
        ) = (
            grade,
            penalty_types,
            fine_min_fen,
            fine_max_fen,
            multiple_min,
            multiple_max,
            effective_from,
            effective_to,
        )
        else {
            continue;
        };
        let input = BenchmarkInput {
            circumstance: cell("circumstance").to_string(),
            grade,
            conditions: cell("conditions").to_string(),
            penalty_types,
            fine_min_fen,
            fine_max_fen,
            fine_basis,
            multiple_min_milli,
            multiple_max_milli,
            effective_from,
            effective_to,
        };
        match input.validate() {
            Ok(draft) => rows.push(ImportRow {
                row: *row,
                power_code,
                draft,
            }),
            Err(fields) => errors.extend(
                fields
                    .into_iter()
                    .map(|e| RowError::new(*row, Some(&e.field), e.message)),
            ),
        }
    }
    (rows, errors)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use chrono::NaiveDate;

    use super::*;
    use crate::benchmarks::model::{FineRange, ImportPower, PowerTerms, plan_import};
    use crate::powers::import::read_csv;
    use crate::powers::model::PowerCategory;

    const HEADER: &str = "power_code,circumstance,grade,conditions,penalty_types,fine_min_fen,fine_max_fen,fine_basis,multiple_min,multiple_max,effective_from,effective_to";

    #[test]
    fn cells_read_english_and_chinese_and_every_problem_is_located() {
        let csv = format!(
            "{HEADER}\n\
             xf-cg-016,占道经营,从轻,面积较小,\"警告、罚款\",20000,200000,,,,2024/1/1,\n\
             XF-SJ-003,货值一万元以上,一般,货值金额一万元以上,罚款 没收违法所得,,,货值金额,10,20倍,2024-01-01,\n\
             XF-CG-016,占道经营,加重,x,拘留,2.5,,工资,1.2345,,2024-13-01,\n\
             XF-CG-016,占道经营,不予处罚,首次违法,罚款,100,,,,,,\n"
        );
        let sheet = read_csv(csv.as_bytes()).unwrap();
        let (rows, errors) = rows_of(&sheet);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].power_code, "XF-CG-016");
        assert_eq!(rows[0].draft.grade, BenchmarkGrade::Lenient);
        assert_eq!(
            rows[0].draft.content.penalty_types,
            vec![PenaltyType::Warning, PenaltyType::Fine]
        );
        assert_eq!(rows[0].draft.effective_from, NaiveDate::from_ymd_opt(2024, 1, 1));
        assert_eq!(
            rows[1].draft.content.fine,
            FineRange::Multiple {
                basis: FineBasis::GoodsValue,
                min_milli: Some(10_000),
                max_milli: Some(20_000)
            }
        );
        let located: Vec<(usize, Option<&str>)> = errors.iter().map(|e| (e.row, e.column.as_deref())).collect();
        assert_eq!(
            located,
            vec![
                (4, Some("grade")),
                (4, Some("penalty_types")),
                (4, Some("fine_min_fen")),
                (4, Some("fine_basis")),
                (4, Some("multiple_min")),
                (4, Some("effective_from")),
                (5, Some("penalty_types")),
                (5, Some("fine_min_fen")),
            ]
        );
    }

    #[test]
    fn the_header_must_name_known_columns() {
        let sheet = read_csv("power_code,circumstance,grades\nA,b,c\n".as_bytes()).unwrap();
        let (rows, errors) = rows_of(&sheet);
        assert!(rows.is_empty());
        let located: Vec<(usize, Option<&str>)> = errors.iter().map(|e| (e.row, e.column.as_deref())).collect();
        assert_eq!(
            located,
            vec![(1, Some("grades")), (1, Some("grade")), (1, Some("conditions"))]
        );
    }

    #[test]
    fn the_sample_benchmarks_read_and_plan_against_the_sample_powers() {
        let (powers, errors) =
            crate::powers::import::rows_of(&read_csv(crate::powers::import::SAMPLE_POWERS_CSV.as_bytes()).unwrap());
        assert_eq!(errors, vec![]);
        let powers: HashMap<String, ImportPower> = powers
            .into_iter()
            .map(|p| {
                let terms = PowerTerms {
                    code: p.code.clone(),
                    category: p.content.category,
                    fine_min_fen: p.content.fine_min_fen,
                    fine_max_fen: p.content.fine_max_fen,
                    effective_from: p.effective_from.unwrap_or(NaiveDate::MIN),
                    effective_to: p.effective_to,
                };
                (
                    p.code.clone(),
                    ImportPower {
                        power_id: p.code,
                        versions: vec![terms],
                    },
                )
            })
            .collect();
        let (rows, errors) = rows_of(&read_csv(SAMPLE_BENCHMARKS_CSV.as_bytes()).unwrap());
        assert_eq!(errors, vec![]);
        assert!(rows.len() >= 10, "{} rows", rows.len());
        let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let (actions, errors) = plan_import(&rows, &powers, &HashMap::new(), today);
        assert_eq!(errors, vec![]);
        assert_eq!(actions.len(), rows.len());
        for grade in BenchmarkGrade::ALL {
            assert!(rows.iter().any(|r| r.draft.grade == *grade), "{grade:?}");
        }
        assert!(
            rows.iter()
                .any(|r| matches!(r.draft.content.fine, FineRange::Multiple { .. }))
        );
        assert!(
            powers
                .values()
                .flat_map(|p| &p.versions)
                .any(|v| v.category == PowerCategory::Penalty)
        );
    }
}
