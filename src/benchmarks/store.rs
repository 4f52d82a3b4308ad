//! Discretion benchmarks in the database: `discretion_benchmarks` holds one row per version,
//! a benchmark being its power, circumstance and grade. Every query is scoped to one agency.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::agencies::store::AgencyRow;
use crate::benchmarks::import::rows_of;
use crate::benchmarks::model::{
    Benchmark, BenchmarkChange, BenchmarkContent, BenchmarkGrade, BenchmarkKey, CurrentBenchmark, FineBasis,
    FineColumns, FineRange, ImportAction, ImportPower, PowerTerms, PublicBenchmark, multiple_of_milli,
    penalties_in_words, plan_import,
};
use crate::cases::model::PenaltyType;
use crate::db::DbConn;
use crate::db::schema::{discretion_benchmarks, power_versions, powers};
use crate::http::PageRequest;
use crate::inspection_items::model::basis_on;
use crate::powers::import::{ImportFormat, read_sheet};
use crate::powers::model::RowError;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = discretion_benchmarks)]
pub struct BenchmarkRow {
    pub id: String,
    pub agency_id: String,
    pub power_id: String,
    pub circumstance: String,
    pub grade: BenchmarkGrade,
    pub version: i32,
    pub conditions: String,
    /// A JSON array of penalty types.
    pub penalty_types: String,
    pub fine_min_fen: Option<i64>,
    pub fine_max_fen: Option<i64>,
    pub fine_basis: Option<FineBasis>,
    pub multiple_min_milli: Option<i32>,
    pub multiple_max_milli: Option<i32>,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    pub change_note: Option<String>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

/// Who writes a benchmark, when, and why (the version's `change_note`).
#[derive(Debug, Clone, Copy)]
pub struct WriteContext<'a> {
    pub by: &'a str,
    pub note: Option<&'a str>,
    pub now: NaiveDateTime,
}

/// The stored text of penalty types: `["warning","fine"]` (the words need no escaping).
fn penalty_types_json(types: &[PenaltyType]) -> String {
    let words: Vec<String> = types.iter().map(|t| format!("\"{}\"", t.as_str())).collect();
    format!("[{}]", words.join(","))
}

impl BenchmarkRow {
    /// What the version says; an unreadable `penalty_types` is a deserialization error.
    pub fn content(&self) -> QueryResult<BenchmarkContent> {
        let penalty_types: Vec<PenaltyType> = serde_json::from_str(&self.penalty_types)
            .map_err(|e| diesel::result::Error::DeserializationError(Box::new(e)))?;
        Ok(BenchmarkContent {
            conditions: self.conditions.clone(),
            penalty_types,
            fine: FineRange::from_columns(FineColumns {
                fine_min_fen: self.fine_min_fen,
                fine_max_fen: self.fine_max_fen,
                fine_basis: self.fine_basis,
                multiple_min_milli: self.multiple_min_milli.map(i64::from),
                multiple_max_milli: self.multiple_max_milli.map(i64::from),
            }),
        })
    }

    pub fn to_benchmark(&self) -> QueryResult<Benchmark> {
        Ok(Benchmark {
            id: self.id.clone(),
            power_id: self.power_id.clone(),
            circumstance: self.circumstance.clone(),
            grade: self.grade,
            version: self.version,
            content: self.content()?,
            effective_from: self.effective_from,
            effective_to: self.effective_to,
        })
    }

    pub fn as_current(&self) -> QueryResult<CurrentBenchmark> {
        Ok(CurrentBenchmark {
            version: self.version,
            content: self.content()?,
            effective_from: self.effective_from,
            effective_to: self.effective_to,
        })
    }

    /// The multiples as the API shows them (1.5 for 1.5 倍).
    pub fn multiples(&self) -> (Option<f64>, Option<f64>) {
        (
            self.multiple_min_milli.map(|m| multiple_of_milli(i64::from(m))),
            self.multiple_max_milli.map(|m| multiple_of_milli(i64::from(m))),
        )
    }
}

/// One version to insert.
struct NewVersion<'a> {
    agency_id: &'a str,
    power_id: &'a str,
    circumstance: &'a str,
    grade: BenchmarkGrade,
    version: i32,
    content: &'a BenchmarkContent,
    span: (NaiveDate, Option<NaiveDate>),
}

fn insert(conn: &mut DbConn, new: NewVersion<'_>, context: WriteContext<'_>) -> QueryResult<BenchmarkRow> {
    let fine = new.content.fine.columns();
    let row = BenchmarkRow {
        id: uuid::Uuid::now_v7().to_string(),
        agency_id: new.agency_id.to_string(),
        power_id: new.power_id.to_string(),
        circumstance: new.circumstance.to_string(),
        grade: new.grade,
        version: new.version,
        conditions: new.content.conditions.clone(),
        penalty_types: penalty_types_json(&new.content.penalty_types),
        fine_min_fen: fine.fine_min_fen,
        fine_max_fen: fine.fine_max_fen,
        fine_basis: fine.fine_basis,
        // Validated to at most 100 倍 (100,000 thousandths).
        multiple_min_milli: fine.multiple_min_milli.and_then(|m| i32::try_from(m).ok()),
        multiple_max_milli: fine.multiple_max_milli.and_then(|m| i32::try_from(m).ok()),
        effective_from: new.span.0,
        effective_to: new.span.1,
        change_note: context.note.map(str::to_string),
        created_by: context.by.to_string(),
        created_at: context.now,
    };
    diesel::insert_into(discretion_benchmarks::table)
        .values(&row)
        .execute(conn)?;
    Ok(row)
}

/// Writes a planned change of the benchmark (`power_id`, `circumstance`, `grade`) whose
/// latest version is `current` (none for a new one); returns its latest version after.
/// Two writes of the same benchmark at once both insert the same version: the unique
/// (power_id, circumstance, grade, version) index refuses the second.
#[allow(clippy::too_many_arguments)]
pub fn apply_change(
    conn: &mut DbConn,
    agency_id: &str,
    power_id: &str,
    (circumstance, grade): (&str, BenchmarkGrade),
    current: Option<&BenchmarkRow>,
    content: &BenchmarkContent,
    change: &BenchmarkChange,
    context: WriteContext<'_>,
) -> QueryResult<BenchmarkRow> {
    let set_end = |conn: &mut DbConn, row: &BenchmarkRow, end: Option<NaiveDate>| {
        diesel::update(
            discretion_benchmarks::table
                .filter(discretion_benchmarks::agency_id.eq(agency_id))
                .filter(discretion_benchmarks::id.eq(&row.id)),
        )
        .set(discretion_benchmarks::effective_to.eq(end))
        .execute(conn)
    };
    let new = |version: i32, span| NewVersion {
        agency_id,
        power_id,
        circumstance,
        grade,
        version,
        content,
        span,
    };
    match (change, current) {
        (
            BenchmarkChange::Created {
                effective_from,
                effective_to,
            },
            _,
        ) => insert(conn, new(1, (*effective_from, *effective_to)), context),
        (BenchmarkChange::Unchanged, Some(current)) => Ok(current.clone()),
        (BenchmarkChange::EndDateChanged { effective_to }, Some(current)) => {
            set_end(conn, current, *effective_to)?;
            let mut row = current.clone();
            row.effective_to = *effective_to;
            Ok(row)
        }
        (
            BenchmarkChange::NewVersion {
                effective_from,
                effective_to,
                close_current_on,
            },
            Some(current),
        ) => {
            set_end(conn, current, Some(*close_current_on))?;
            insert(
                conn,
                new(current.version + 1, (*effective_from, *effective_to)),
                context,
            )
        }
        // A change of a benchmark that has no version: planned against another state.
        (_, None) => Err(diesel::result::Error::NotFound),
    }
}

/// The code of the agency's power `power_id`; none when it is not the agency's.
pub fn power_code(conn: &mut DbConn, agency_id: &str, power_id: &str) -> QueryResult<Option<String>> {
    powers::table
        .filter(powers::agency_id.eq(agency_id))
        .filter(powers::id.eq(power_id))
        .select(powers::code)
        .first(conn)
        .optional()
}

/// The versions of the agency's powers with these ids, by power id, as the benchmark rules
/// see them (a power of another agency, or none, has no entry).
pub fn power_terms_of(
    conn: &mut DbConn,
    agency_id: &str,
    power_ids: &[String],
) -> QueryResult<HashMap<String, Vec<PowerTerms>>> {
    type Version = (
        String,
        String,
        crate::powers::model::PowerCategory,
        Option<i64>,
        Option<i64>,
        NaiveDate,
        Option<NaiveDate>,
    );
    let mut found: HashMap<String, Vec<PowerTerms>> = HashMap::new();
    // Bounded batches keep the statement within every backend's bind-parameter limit.
    for batch in power_ids.chunks(500) {
        let rows: Vec<Version> = power_versions::table
            .filter(power_versions::agency_id.eq(agency_id))
            .filter(power_versions::power_id.eq_any(batch))
            .order(power_versions::version.asc())
            .select((
                power_versions::power_id,
                power_versions::code,
                power_versions::category,
                power_versions::fine_min_fen,
                power_versions::fine_max_fen,
                power_versions::effective_from,
                power_versions::effective_to,
            ))
            .load(conn)?;
        for (power_id, code, category, fine_min_fen, fine_max_fen, effective_from, effective_to) in rows {
            found.entry(power_id).or_default().push(PowerTerms {
                code,
                category,
                fine_min_fen,
                fine_max_fen,
                effective_from,
                effective_to,
            });
        }
    }
    Ok(found)
}

/// The latest version of the benchmark (`power_id`, `circumstance`, `grade`).
pub fn latest(
    conn: &mut DbConn,
    agency_id: &str,
    power_id: &str,
    circumstance: &str,
    grade: BenchmarkGrade,
) -> QueryResult<Option<BenchmarkRow>> {
    discretion_benchmarks::table
        .filter(discretion_benchmarks::agency_id.eq(agency_id))
        .filter(discretion_benchmarks::power_id.eq(power_id))
        .filter(discretion_benchmarks::circumstance.eq(circumstance))
        .filter(discretion_benchmarks::grade.eq(grade))
        .order(discretion_benchmarks::version.desc())
        .select(BenchmarkRow::as_select())
        .first(conn)
        .optional()
}

/// The latest version of every benchmark of these powers, by benchmark.
pub fn latest_of_powers(
    conn: &mut DbConn,
    agency_id: &str,
    power_ids: &[String],
) -> QueryResult<HashMap<BenchmarkKey, BenchmarkRow>> {
    let mut latest: HashMap<BenchmarkKey, BenchmarkRow> = HashMap::new();
    for batch in power_ids.chunks(500) {
        let rows: Vec<BenchmarkRow> = discretion_benchmarks::table
            .filter(discretion_benchmarks::agency_id.eq(agency_id))
            .filter(discretion_benchmarks::power_id.eq_any(batch))
            .select(BenchmarkRow::as_select())
            .load(conn)?;
        for row in rows {
            let key = (row.power_id.clone(), row.circumstance.clone(), row.grade);
            if latest.get(&key).is_none_or(|kept| kept.version < row.version) {
                latest.insert(key, row);
            }
        }
    }
    Ok(latest)
}

/// One version of the agency's benchmarks, with its power's code.
pub fn find(conn: &mut DbConn, agency_id: &str, id: &str) -> QueryResult<Option<(BenchmarkRow, String)>> {
    discretion_benchmarks::table
        .inner_join(powers::table)
        .filter(discretion_benchmarks::agency_id.eq(agency_id))
        .filter(discretion_benchmarks::id.eq(id))
        .select((BenchmarkRow::as_select(), powers::code))
        .first(conn)
        .optional()
}

/// The filters of a power's benchmarks.
#[derive(Debug, Default, Clone)]
pub struct BenchmarkFilter {
    /// Only the versions in force on this day; without it, every version.
    pub on: Option<NaiveDate>,
    pub grade: Option<BenchmarkGrade>,
}

/// A page of a power's benchmark versions in the order they were written (the cursor is
/// the last id).
pub fn list_for_power(
    conn: &mut DbConn,
    agency_id: &str,
    power_id: &str,
    filter: &BenchmarkFilter,
    page: &PageRequest,
) -> QueryResult<Vec<BenchmarkRow>> {
    let mut query = discretion_benchmarks::table
        .filter(discretion_benchmarks::agency_id.eq(agency_id))
        .filter(discretion_benchmarks::power_id.eq(power_id))
        .select(BenchmarkRow::as_select())
        .order(discretion_benchmarks::id.asc())
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(day) = filter.on {
        query = query.filter(discretion_benchmarks::effective_from.le(day)).filter(
            discretion_benchmarks::effective_to
                .is_null()
                .or(discretion_benchmarks::effective_to.ge(day)),
        );
    }
    if let Some(grade) = filter.grade {
        query = query.filter(discretion_benchmarks::grade.eq(grade));
    }
    if let Some(after) = &page.after {
        query = query.filter(discretion_benchmarks::id.gt(after.clone()));
    }
    query.load(conn)
}

/// The agency's benchmarks of `power_id` in force on `day` (one version of each at most),
/// in the order they were written: what a decision on that day is checked against.
pub fn in_force_on(conn: &mut DbConn, agency_id: &str, power_id: &str, day: NaiveDate) -> QueryResult<Vec<Benchmark>> {
    let rows: Vec<BenchmarkRow> = discretion_benchmarks::table
        .filter(discretion_benchmarks::agency_id.eq(agency_id))
        .filter(discretion_benchmarks::power_id.eq(power_id))
        .filter(discretion_benchmarks::effective_from.le(day))
        .filter(
            discretion_benchmarks::effective_to
                .is_null()
                .or(discretion_benchmarks::effective_to.ge(day)),
        )
        .order(discretion_benchmarks::id.asc())
        .select(BenchmarkRow::as_select())
        .load(conn)?;
    rows.iter().map(BenchmarkRow::to_benchmark).collect()
}

/// The separator of the public list's cursor: power code, then benchmark id.
const KEY_SEPARATOR: char = '\u{1f}';

/// The agency's benchmarks in force on `day` as the public sees them, by power code and
/// then in the order they were written, each with its power's version shown on `day`. The
/// second element of each pair is the pagination key.
pub fn public_in_force(
    conn: &mut DbConn,
    agency: &AgencyRow,
    day: NaiveDate,
    page: &PageRequest,
) -> QueryResult<Vec<(PublicBenchmark, String)>> {
    let mut query = discretion_benchmarks::table
        .inner_join(powers::table)
        .filter(discretion_benchmarks::agency_id.eq(&agency.id))
        .filter(discretion_benchmarks::effective_from.le(day))
        .filter(
            discretion_benchmarks::effective_to
                .is_null()
                .or(discretion_benchmarks::effective_to.ge(day)),
        )
        .select((BenchmarkRow::as_select(), powers::code))
        .order((powers::code.asc(), discretion_benchmarks::id.asc()))
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(after) = &page.after {
        query = match after.split_once(KEY_SEPARATOR) {
            Some((code, id)) => query.filter(
                powers::code.gt(code.to_string()).or(powers::code
                    .eq(code.to_string())
                    .and(discretion_benchmarks::id.gt(id.to_string()))),
            ),
            None => query.filter(powers::code.gt(after.clone())),
        };
    }
    let rows: Vec<(BenchmarkRow, String)> = query.load(conn)?;
    let power_ids: Vec<String> = rows
        .iter()
        .map(|(row, _)| row.power_id.clone())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let versions = crate::inspection_items::store::power_versions_of(conn, &agency.id, &power_ids)?;
    rows.into_iter()
        .map(|(row, code)| {
            let content = row.content()?;
            let basis = versions.get(&row.power_id).and_then(|v| basis_on(v, day));
            let (multiple_min, multiple_max) = row.multiples();
            let key = format!("{code}{KEY_SEPARATOR}{}", row.id);
            Ok((
                PublicBenchmark {
                    power_name: basis.map(|b| b.name.clone()).unwrap_or_default(),
                    legal_basis: basis.map(|b| b.legal_basis.clone()).unwrap_or_default(),
                    power_code: code,
                    grade_label: row.grade.label().to_string(),
                    penalties: penalties_in_words(row.grade, &content),
                    penalty_types: content.penalty_types,
                    circumstance: row.circumstance,
                    grade: row.grade,
                    conditions: row.conditions,
                    fine_min_fen: row.fine_min_fen,
                    fine_max_fen: row.fine_max_fen,
                    fine_basis: row.fine_basis,
                    multiple_min,
                    multiple_max,
                    version: row.version,
                    effective_from: row.effective_from,
                    effective_to: row.effective_to,
                },
                key,
            ))
        })
        .collect()
}

/// One row of an import, planned (and written, when applied).
#[derive(Debug, Clone)]
pub struct ImportedRow {
    pub action: ImportAction,
    /// The benchmark's latest version after the row; absent for a version a dry run would
    /// write.
    pub benchmark_id: Option<String>,
    pub version: i32,
}

/// What an import found in a file and did (or would do) with it.
#[derive(Debug, Clone, Default)]
pub struct ImportRun {
    /// Data rows read from the file.
    pub rows_read: usize,
    pub rows: Vec<ImportedRow>,
    pub errors: Vec<RowError>,
}

/// Reads a file (CSV or XLSX) of benchmarks and imports it into the agency's. Nothing is
/// written unless `apply` and the whole file is free of errors.
pub fn import_file(
    conn: &mut DbConn,
    agency_id: &str,
    format: ImportFormat,
    bytes: &[u8],
    apply: bool,
    today: NaiveDate,
    context: WriteContext<'_>,
) -> QueryResult<ImportRun> {
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
    let mut terms = power_terms_of(conn, agency_id, &power_ids)?;
    let powers: HashMap<String, ImportPower> = found
        .into_iter()
        .map(|(code, (power, _))| {
            let versions = terms.remove(&power.id).unwrap_or_default();
            (
                code,
                ImportPower {
                    power_id: power.id,
                    versions,
                },
            )
        })
        .collect();
    let existing_rows = latest_of_powers(conn, agency_id, &power_ids)?;
    let existing: HashMap<BenchmarkKey, CurrentBenchmark> = existing_rows
        .iter()
        .map(|(key, row)| Ok((key.clone(), row.as_current()?)))
        .collect::<QueryResult<_>>()?;
    let (actions, plan_errors) = plan_import(&rows, &powers, &existing, today);
    errors.extend(plan_errors);
    errors.sort_by_key(|e| e.row);
    // Rows that could not be read stop an apply as surely as rule violations do.
    let write = apply && errors.is_empty();
    let mut done = Vec::with_capacity(actions.len());
    for action in actions {
        let key = (action.power_id.clone(), action.circumstance.clone(), action.grade);
        let current = existing_rows.get(&key);
        let version = action.change.version_after(action.current_version);
        let benchmark_id = if write {
            Some(
                apply_change(
                    conn,
                    agency_id,
                    &action.power_id,
                    (&action.circumstance, action.grade),
                    current,
                    &action.content,
                    &action.change,
                    context,
                )?
                .id,
            )
        } else {
            match action.change {
                BenchmarkChange::Unchanged | BenchmarkChange::EndDateChanged { .. } => current.map(|c| c.id.clone()),
                _ => None,
            }
        };
        done.push(ImportedRow {
            action,
            benchmark_id,
            version,
        });
    }
    Ok(ImportRun {
        rows_read: sheet.rows.len(),
        rows: done,
        errors,
    })
}

/// The period's penalty decisions that stand (not revoked or void), each with the benchmark
/// version its proposal applied and that power's code: what the consistency report reads.
pub fn decisions_in(
    conn: &mut DbConn,
    agency_id: &str,
    period: crate::stats::model::Period,
) -> QueryResult<Vec<crate::benchmarks::consistency::DecisionFact>> {
    use crate::cases::model::{AppliedBenchmark, Outcome, Penalty, Proposal};
    use crate::db::schema::{case_on_the_spot_benchmarks, case_revocations, cases};
    type Row = (
        String,
        String,
        Option<NaiveDate>,
        String,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Row> = cases::table
        .left_join(case_revocations::table)
        .left_join(case_on_the_spot_benchmarks::table)
        .filter(cases::agency_id.eq(agency_id))
        .filter(cases::decided_on.ge(period.from))
        .filter(cases::decided_on.le(period.to))
        .filter(cases::outcome.eq(Outcome::Penalty))
        .filter(case_revocations::case_id.is_null())
        .order(cases::decided_on.asc())
        .select((
            cases::id,
            cases::case_number,
            cases::decided_on,
            cases::penalties,
            cases::proposal,
            case_on_the_spot_benchmarks::benchmark.nullable(),
        ))
        .load(conn)?;
    let unreadable = |e: serde_json::Error| diesel::result::Error::DeserializationError(Box::new(e));
    let mut benchmarks: HashMap<String, Option<(Benchmark, String)>> = HashMap::new();
    let mut facts = Vec::with_capacity(rows.len());
    for (case_id, case_number, decided_on, penalties, proposal, on_the_spot) in rows {
        let penalties: Vec<Penalty> = serde_json::from_str(&penalties).map_err(unreadable)?;
        let proposal: Option<Proposal> = proposal
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(unreadable)?;
        // An on-the-spot decision applied its own benchmark; an ordinary one, its proposal's.
        let on_the_spot: Option<AppliedBenchmark> = on_the_spot
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(unreadable)?;
        let applied = on_the_spot.or_else(|| proposal.and_then(|p| p.benchmark));
        let benchmark = match &applied {
            Some(applied) => match benchmarks.get(&applied.id) {
                Some(found) => found.clone(),
                None => {
                    let found = find(conn, agency_id, &applied.id)?
                        .map(|(row, code)| Ok::<_, diesel::result::Error>((row.to_benchmark()?, code)))
                        .transpose()?;
                    benchmarks.insert(applied.id.clone(), found.clone());
                    found
                }
            },
            None => None,
        };
        facts.push(crate::benchmarks::consistency::DecisionFact {
            case_id,
            case_number,
            decided_on: decided_on.unwrap_or(period.from),
            penalties,
            benchmark,
            base_amount_fen: applied.as_ref().and_then(|a| a.base_amount_fen),
            deviation_reason: applied.and_then(|a| a.deviation.map(|d| d.reason)),
        });
    }
    Ok(facts)
}
