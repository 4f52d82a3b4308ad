//! Reading and importing the four lists from the spreadsheets offices keep them in (UTF-8
//! CSV or XLSX, read as the power list is: `powers::import`), one row per entry, every
//! problem located by its row and column. Nothing is written unless the whole file is free
//! of errors.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use crate::db::DbConn;
use crate::discretion_lists::model::{DiscretionList, EntryChange, EntryDraft, EntryInput, check_power, plan_change};
use crate::discretion_lists::store::{self, WriteContext};
use crate::error::AppError;
use crate::powers::import::{Header, ImportFormat, Sheet, parse_date, read_sheet};
use crate::powers::model::{RowError, check_code, normalize_code};

/// The columns of an import file, named as the API's fields (`power_code` for the power).
pub const COLUMNS: [&str; 8] = [
    "list",
    "power_code",
    "circumstance",
    "conditions",
    "legal_basis",
    "first_violation",
    "effective_from",
    "effective_to",
];

/// Columns a file must have; the others may be left out (blank).
pub const REQUIRED_COLUMNS: [&str; 5] = ["list", "power_code", "circumstance", "conditions", "legal_basis"];

/// A yes/no cell: true, 是, 1, yes, y, √; blank or false, 否, 0, no, n.
fn parse_flag(value: &str) -> Result<bool, String> {
    match value.trim().to_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "是" | "√" => Ok(true),
        "" | "false" | "no" | "n" | "0" | "否" => Ok(false),
        other => Err(format!("{other} is neither yes (true, 是) nor no (false, 否)")),
    }
}

/// One data row that passed the rules of its own fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    pub row: usize,
    pub power_code: String,
    pub draft: EntryDraft,
}

/// Maps the header to the known columns and reads each data row. Returns the rows that
/// read and every problem found; a bad header stops there.
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
        let power_code = normalize_code(cell("power_code"));
        if let Err(reason) = check_code(&power_code) {
            problems.push(RowError::new(*row, Some("power_code"), reason));
        }
        let list = DiscretionList::parse_label(cell("list"));
        if list.is_none() {
            problems.push(RowError::new(
                *row,
                Some("list"),
                "must be one of no_penalty, mitigated, lenient, no_coercion (or 不予处罚清单, 减轻处罚清单, 从轻处罚清单, 不予实施行政强制措施清单)",
            ));
        }
        let first_violation = parse_flag(cell("first_violation"));
        let effective_from = parse_date(cell("effective_from"));
        let effective_to = parse_date(cell("effective_to"));
        for (column, problem) in [
            ("first_violation", first_violation.as_ref().err()),
            ("effective_from", effective_from.as_ref().err()),
            ("effective_to", effective_to.as_ref().err()),
        ] {
            if let Some(problem) = problem {
                problems.push(RowError::new(*row, Some(column), problem.clone()));
            }
        }
        let (Some(list), Ok(first_violation), Ok(effective_from), Ok(effective_to), true) =
            (list, first_violation, effective_from, effective_to, problems.is_empty())
        else {
            errors.extend(problems);
            continue;
        };
        let input = EntryInput {
            list,
            circumstance: cell("circumstance").to_string(),
            conditions: cell("conditions").to_string(),
            legal_basis: cell("legal_basis").to_string(),
            first_violation,
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

/// What an import did (or would do) with one row.
#[derive(Debug, Clone)]
pub struct ImportedRow {
    pub row: usize,
    pub power_code: String,
    pub list: DiscretionList,
    pub circumstance: String,
    pub change: EntryChange,
    /// The entry's latest version after the row; absent for a version a dry run would write.
    pub entry_id: Option<String>,
    pub version: i32,
}

/// What an import found in a file and did (or would do) with it.
#[derive(Debug, Clone, Default)]
pub struct ImportRun {
    pub rows_read: usize,
    pub rows: Vec<ImportedRow>,
    pub errors: Vec<RowError>,
}

/// Reads a file of list entries and imports it into the agency's lists: each row is
/// checked against its power (of the agency's list, of the list's category, in force when
/// the entry takes effect) and planned against the entry's latest version, and a file
/// naming one entry twice is refused at the second row. Nothing is written unless `apply`
/// and the whole file is free of errors.
pub fn import_file(
    conn: &mut DbConn,
    agency_id: &str,
    (format, bytes): (ImportFormat, &[u8]),
    apply: bool,
    today: NaiveDate,
    context: WriteContext<'_>,
) -> diesel::QueryResult<ImportRun> {
    let sheet = match read_sheet(format, bytes) {
        Ok(sheet) => sheet,
        Err(error) => {
            return Ok(ImportRun {
                errors: vec![error],
                ..ImportRun::default()
            });
        }
    };
    let (rows, mut errors) = rows_of(&sheet);
    let codes: HashSet<String> = rows.iter().map(|r| r.power_code.clone()).collect();
    let found = crate::powers::store::current_by_codes(conn, agency_id, &codes)?;
    let power_ids: Vec<String> = found.values().map(|(power, _)| power.id.clone()).collect();
    let terms = crate::benchmarks::store::power_terms_of(conn, agency_id, &power_ids)?;
    let mut seen: HashMap<(String, DiscretionList, String), usize> = HashMap::new();
    let mut planned = Vec::new();
    for row in rows {
        let Some((power, _)) = found.get(&row.power_code) else {
            errors.push(RowError::new(
                row.row,
                Some("power_code"),
                format!("{} is not a power of the agency's list", row.power_code),
            ));
            continue;
        };
        let key = (power.id.clone(), row.draft.list, row.draft.circumstance.clone());
        if let Some(first) = seen.insert(key, row.row) {
            errors.push(RowError::new(
                row.row,
                Some("circumstance"),
                format!("the same entry (power, list, circumstance) is already in row {first}"),
            ));
            continue;
        }
        let current = store::latest(conn, agency_id, &power.id, (row.draft.list, &row.draft.circumstance))?;
        let change = match plan_change(current.as_ref().map(|c| c.as_current()).as_ref(), &row.draft, today) {
            Ok(change) => change,
            Err(fields) => {
                errors.extend(
                    fields
                        .into_iter()
                        .map(|e| RowError::new(row.row, Some(&e.field), e.message)),
                );
                continue;
            }
        };
        if let Some(on) = change.starts_on() {
            let versions: Vec<_> = terms
                .get(&power.id)
                .map(|v| {
                    v.iter()
                        .map(|t| (t.category, t.effective_from, t.effective_to))
                        .collect()
                })
                .unwrap_or_default();
            if let Err(refusal) = check_power(&row.power_code, &versions, row.draft.list, on) {
                let message = match refusal {
                    AppError::Rule { rule, detail } => format!("{rule}: {detail}"),
                    other => other.to_string(),
                };
                errors.push(RowError::new(row.row, Some("power_code"), message));
                continue;
            }
        }
        planned.push((row, power.id.clone(), current, change));
    }
    errors.sort_by_key(|e| e.row);
    let write = apply && errors.is_empty();
    let mut done = Vec::with_capacity(planned.len());
    for (row, power_id, current, change) in planned {
        let version = match (&change, &current) {
            (EntryChange::Created { .. }, _) => 1,
            (EntryChange::NewVersion { .. }, Some(current)) => current.version + 1,
            (_, current) => current.as_ref().map_or(1, |c| c.version),
        };
        let entry_id = if write {
            Some(
                store::apply_change(
                    conn,
                    agency_id,
                    &power_id,
                    (row.draft.list, &row.draft.circumstance),
                    current.as_ref(),
                    &row.draft.content,
                    &change,
                    context,
                )?
                .id,
            )
        } else {
            match change {
                EntryChange::Unchanged | EntryChange::EndDateChanged { .. } => current.map(|c| c.id),
                _ => None,
            }
        };
        done.push(ImportedRow {
            row: row.row,
            power_code: row.power_code,
            list: row.draft.list,
            circumstance: row.draft.circumstance,
            change,
            entry_id,
            version,
        });
    }
    Ok(ImportRun {
        rows_read: sheet.rows.len(),
        rows: done,
        errors,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::powers::import::read_csv;

    const HEADER: &str =
        "list,power_code,circumstance,conditions,legal_basis,first_violation,effective_from,effective_to";

    #[test]
    fn cells_read_english_and_chinese_and_every_problem_is_located() {
        let csv = format!(
            "{HEADER}\n\
             不予处罚清单,xf-cg-016,首次占道经营,初次违法且及时改正,《行政处罚法》第三十三条,是,2024/1/1,\n\
             lenient,XF-CG-016,主动消除危害后果,主动消除或者减轻违法行为危害后果,《行政处罚法》第三十二条,,,\n\
             从重,XF-CG-016,x,y,z,也许,2024-13-01,\n\
             减轻,XF-CG-016,x,y,,是,,\n"
        );
        let (rows, errors) = rows_of(&read_csv(csv.as_bytes()).unwrap());
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].power_code, "XF-CG-016");
        assert_eq!(rows[0].draft.list, DiscretionList::NoPenalty);
        assert!(rows[0].draft.content.first_violation);
        assert_eq!(rows[1].draft.list, DiscretionList::Lenient);
        let located: Vec<(usize, Option<&str>)> = errors.iter().map(|e| (e.row, e.column.as_deref())).collect();
        assert_eq!(
            located,
            vec![
                (4, Some("list")),
                (4, Some("first_violation")),
                (4, Some("effective_from")),
                (5, Some("legal_basis")),
                (5, Some("first_violation")),
            ]
        );
    }
}
