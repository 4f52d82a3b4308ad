//! Power list queries. A power (`powers`) is a stable identity; its content lives in
//! `power_versions`, of which the latest is `powers.current_version`. Every query is
//! scoped to one agency.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{power_versions, powers};
use crate::db::{DbConn, contains_text};
use crate::http::PageRequest;
use crate::powers::import::{ImportFormat, read_sheet, rows_of};
use crate::powers::model::{
    CurrentVersion, ImportAction, ImportRow, PowerCategory, PowerContent, PowerDraft, RowError, VersionChange,
    codes_of, plan_import,
};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = powers)]
pub struct PowerRow {
    pub id: String,
    pub agency_id: String,
    pub code: String,
    pub current_version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = power_versions)]
pub struct PowerVersionRow {
    pub id: String,
    pub power_id: String,
    pub agency_id: String,
    pub version: i32,
    pub code: String,
    #[diesel(embed)]
    pub content: PowerContent,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    pub change_note: Option<String>,
    pub created_at: NaiveDateTime,
    pub created_by: Option<String>,
}

impl PowerVersionRow {
    pub fn as_current(&self) -> CurrentVersion {
        CurrentVersion {
            content: self.content.clone(),
            effective_from: self.effective_from,
            effective_to: self.effective_to,
        }
    }

    fn new(
        power: &PowerRow,
        version: i32,
        content: &PowerContent,
        span: (NaiveDate, Option<NaiveDate>),
        note: Option<&str>,
        by: Option<&str>,
        now: NaiveDateTime,
    ) -> Self {
        PowerVersionRow {
            id: uuid::Uuid::now_v7().to_string(),
            power_id: power.id.clone(),
            agency_id: power.agency_id.clone(),
            version,
            code: power.code.clone(),
            content: content.clone(),
            effective_from: span.0,
            effective_to: span.1,
            change_note: note.map(str::to_string),
            created_at: now,
            created_by: by.map(str::to_string),
        }
    }
}

/// Who made a change, when, and why (the version's `change_note`).
#[derive(Debug, Clone, Copy)]
pub struct ChangeContext<'a> {
    pub by: Option<&'a str>,
    pub note: Option<&'a str>,
    pub now: NaiveDateTime,
}

pub fn code_taken(conn: &mut DbConn, agency_id: &str, code: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        powers::table
            .filter(powers::agency_id.eq(agency_id))
            .filter(powers::code.eq(code)),
    ))
    .get_result(conn)
}

/// Creates a power with its first version.
pub fn create(
    conn: &mut DbConn,
    agency_id: &str,
    draft: &PowerDraft,
    context: ChangeContext<'_>,
) -> QueryResult<(PowerRow, PowerVersionRow)> {
    let power = PowerRow {
        id: uuid::Uuid::now_v7().to_string(),
        agency_id: agency_id.to_string(),
        code: draft.code.clone(),
        current_version: 1,
        created_at: context.now,
        updated_at: context.now,
    };
    let version = PowerVersionRow::new(
        &power,
        1,
        &draft.content,
        (draft.effective_from, draft.effective_to),
        context.note,
        context.by,
        context.now,
    );
    diesel::insert_into(powers::table).values(&power).execute(conn)?;
    diesel::insert_into(power_versions::table)
        .values(&version)
        .execute(conn)?;
    Ok((power, version))
}

/// Writes a planned change of a power whose latest version is `current`; returns the
/// power and its latest version afterwards.
pub fn apply_change(
    conn: &mut DbConn,
    power: &PowerRow,
    current: &PowerVersionRow,
    content: &PowerContent,
    change: &VersionChange,
    context: ChangeContext<'_>,
) -> QueryResult<(PowerRow, PowerVersionRow)> {
    let set_end = |conn: &mut DbConn, end: Option<NaiveDate>| {
        diesel::update(power_versions::table.find(&current.id))
            .set(power_versions::effective_to.eq(end))
            .execute(conn)
    };
    match change {
        VersionChange::Unchanged => Ok((power.clone(), current.clone())),
        VersionChange::EndDateChanged { effective_to } => {
            set_end(conn, *effective_to)?;
            diesel::update(powers::table.find(&power.id))
                .set(powers::updated_at.eq(context.now))
                .execute(conn)?;
            let mut power = power.clone();
            power.updated_at = context.now;
            let mut version = current.clone();
            version.effective_to = *effective_to;
            Ok((power, version))
        }
        VersionChange::NewVersion {
            effective_from,
            effective_to,
            close_current_on,
        } => {
            set_end(conn, Some(*close_current_on))?;
            let next = current.version + 1;
            let version = PowerVersionRow::new(
                power,
                next,
                content,
                (*effective_from, *effective_to),
                context.note,
                context.by,
                context.now,
            );
            diesel::insert_into(power_versions::table)
                .values(&version)
                .execute(conn)?;
            // Two edits at once both write version `next`: the unique (power_id, version)
            // index refuses the second, which the API reports as a conflict.
            diesel::update(powers::table.find(&power.id))
                .set((powers::current_version.eq(next), powers::updated_at.eq(context.now)))
                .execute(conn)?;
            let mut power = power.clone();
            power.current_version = next;
            power.updated_at = context.now;
            Ok((power, version))
        }
    }
}

/// A power of the agency with its latest version.
pub fn find(conn: &mut DbConn, agency_id: &str, id: &str) -> QueryResult<Option<(PowerRow, PowerVersionRow)>> {
    powers::table
        .inner_join(power_versions::table)
        .filter(powers::agency_id.eq(agency_id))
        .filter(powers::id.eq(id))
        .filter(power_versions::version.eq(powers::current_version))
        .select((PowerRow::as_select(), PowerVersionRow::as_select()))
        .first(conn)
        .optional()
}

#[derive(Debug, Default, Clone)]
pub struct PowerFilter {
    pub q: Option<String>,
    pub category: Option<PowerCategory>,
    pub source_department: Option<String>,
    /// Show each power's version in force on this day (powers with none are left out);
    /// without it, each power's latest version.
    pub in_force_on: Option<NaiveDate>,
}

/// A page of the agency's powers ordered by code; filters apply to the version shown.
pub fn list(
    conn: &mut DbConn,
    agency_id: &str,
    filter: &PowerFilter,
    page: &PageRequest,
) -> QueryResult<Vec<(PowerRow, PowerVersionRow)>> {
    let mut query = powers::table
        .inner_join(power_versions::table)
        .filter(powers::agency_id.eq(agency_id))
        .select((PowerRow::as_select(), PowerVersionRow::as_select()))
        .order(powers::code.asc())
        .limit(page.limit + 1)
        .into_boxed();
    query = match filter.in_force_on {
        Some(day) => query.filter(power_versions::effective_from.le(day)).filter(
            power_versions::effective_to
                .is_null()
                .or(power_versions::effective_to.ge(day)),
        ),
        None => query.filter(power_versions::version.eq(powers::current_version)),
    };
    if let Some(after) = &page.after {
        query = query.filter(powers::code.gt(after.clone()));
    }
    if let Some(category) = &filter.category {
        query = query.filter(power_versions::category.eq(*category));
    }
    if let Some(department) = &filter.source_department {
        query = query.filter(power_versions::source_department.eq(department.clone()));
    }
    if let Some(q) = &filter.q {
        let pattern = crate::db::like_pattern(q);
        query = query.filter(
            contains_text(power_versions::code, pattern.clone())
                .or(contains_text(power_versions::name, pattern.clone()))
                .or(contains_text(power_versions::legal_basis, pattern)),
        );
    }
    query.load(conn)
}

/// A page of a power's versions, oldest first; `None` when the power is not the agency's.
pub fn versions(
    conn: &mut DbConn,
    agency_id: &str,
    power_id: &str,
    page: &PageRequest,
) -> QueryResult<Option<Vec<PowerVersionRow>>> {
    let exists: bool = diesel::select(diesel::dsl::exists(
        powers::table
            .filter(powers::agency_id.eq(agency_id))
            .filter(powers::id.eq(power_id)),
    ))
    .get_result(conn)?;
    if !exists {
        return Ok(None);
    }
    let mut query = power_versions::table
        .filter(power_versions::agency_id.eq(agency_id))
        .filter(power_versions::power_id.eq(power_id))
        .select(PowerVersionRow::as_select())
        .order(power_versions::version.asc())
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(after) = &page.after {
        // A cursor that is not a number came from elsewhere; it resumes nowhere.
        let after: i32 = after.parse().unwrap_or(i32::MAX);
        query = query.filter(power_versions::version.gt(after));
    }
    query.load(conn).map(Some)
}

pub fn version(
    conn: &mut DbConn,
    agency_id: &str,
    power_id: &str,
    version: i32,
) -> QueryResult<Option<PowerVersionRow>> {
    power_versions::table
        .filter(power_versions::agency_id.eq(agency_id))
        .filter(power_versions::power_id.eq(power_id))
        .filter(power_versions::version.eq(version))
        .select(PowerVersionRow::as_select())
        .first(conn)
        .optional()
}

/// The agency's powers with these codes, with their latest versions, by code.
pub fn current_by_codes(
    conn: &mut DbConn,
    agency_id: &str,
    codes: &HashSet<String>,
) -> QueryResult<HashMap<String, (PowerRow, PowerVersionRow)>> {
    let mut found = HashMap::new();
    let codes: Vec<&String> = codes.iter().collect();
    // Bounded batches keep the statement within every backend's bind-parameter limit.
    for batch in codes.chunks(500) {
        let rows: Vec<(PowerRow, PowerVersionRow)> = powers::table
            .inner_join(power_versions::table)
            .filter(powers::agency_id.eq(agency_id))
            .filter(powers::code.eq_any(batch.iter().map(|c| c.as_str())))
            .filter(power_versions::version.eq(powers::current_version))
            .select((PowerRow::as_select(), PowerVersionRow::as_select()))
            .load(conn)?;
        found.extend(rows.into_iter().map(|(p, v)| (p.code.clone(), (p, v))));
    }
    Ok(found)
}

/// What an import found in a file and did (or would do) with it.
#[derive(Debug, Clone, Default)]
pub struct ImportRun {
    /// Data rows read from the file.
    pub rows_read: usize,
    pub rows: Vec<ImportedRow>,
    pub errors: Vec<RowError>,
}

/// Reads a file (CSV or XLSX) and imports it: the one path the API and the CLI share.
/// Nothing is written unless `apply` and the whole file is free of errors.
pub fn import_file(
    conn: &mut DbConn,
    agency_id: &str,
    format: ImportFormat,
    bytes: &[u8],
    apply: bool,
    today: NaiveDate,
    context: ChangeContext<'_>,
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
    // Rows that could not be read stop an apply as surely as rule violations do.
    let (imported, plan_errors) = import(conn, agency_id, &rows, apply && errors.is_empty(), today, context)?;
    errors.extend(plan_errors);
    errors.sort_by_key(|e| e.row);
    Ok(ImportRun {
        rows_read: sheet.rows.len(),
        rows: imported,
        errors,
    })
}

/// One row of an import, planned (and written, when applied).
#[derive(Debug, Clone)]
pub struct ImportedRow {
    pub action: ImportAction,
    /// Absent for a power a dry run would create.
    pub power_id: Option<String>,
    /// The power's latest version after the row.
    pub version: i32,
}

/// Plans an import of `rows` into the agency's list and, when `apply` and no row has an
/// error, writes it. With any error nothing is written: the caller reports them.
pub fn import(
    conn: &mut DbConn,
    agency_id: &str,
    rows: &[ImportRow],
    apply: bool,
    today: NaiveDate,
    context: ChangeContext<'_>,
) -> QueryResult<(Vec<ImportedRow>, Vec<RowError>)> {
    let existing = current_by_codes(conn, agency_id, &codes_of(rows))?;
    let current: HashMap<String, CurrentVersion> = existing
        .iter()
        .map(|(code, (_, version))| (code.clone(), version.as_current()))
        .collect();
    let (actions, errors) = plan_import(rows, &current, today);
    let write = apply && errors.is_empty();
    let mut done = Vec::with_capacity(actions.len());
    for action in actions {
        let row = match (&action.change, existing.get(&action.code)) {
            (Some(change), Some((power, version))) => {
                let next = match change {
                    VersionChange::NewVersion { .. } => version.version + 1,
                    _ => version.version,
                };
                if write {
                    apply_change(conn, power, version, &action.content, change, context)?;
                }
                ImportedRow {
                    power_id: Some(power.id.clone()),
                    version: next,
                    action,
                }
            }
            _ => {
                let power_id = if write {
                    let draft = PowerDraft {
                        code: action.code.clone(),
                        content: action.content.clone(),
                        effective_from: action.effective_from,
                        effective_to: action.effective_to,
                    };
                    Some(create(conn, agency_id, &draft, context)?.0.id)
                } else {
                    None
                };
                ImportedRow {
                    power_id,
                    version: 1,
                    action,
                }
            }
        };
        done.push(row);
    }
    Ok((done, errors))
}
