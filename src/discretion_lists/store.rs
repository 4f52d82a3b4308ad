//! The four lists in the database: `discretion_list_entries` holds one row per version, an
//! entry being its power, list and circumstance. Every query is scoped to one agency.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::agencies::store::AgencyRow;
use crate::cases::model::{CaseStatus, Outcome};
use crate::db::DbConn;
use crate::db::schema::{case_powers, case_revocations, cases, discretion_list_entries, powers};
use crate::discretion_lists::model::{
    CurrentEntry, DiscretionList, EntryChange, EntryContent, ListEntry, PublicListEntry,
};
use crate::http::PageRequest;
use crate::inspection_items::model::basis_on;

pub use crate::benchmarks::store::WriteContext;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = discretion_list_entries)]
pub struct EntryRow {
    pub id: String,
    pub agency_id: String,
    pub power_id: String,
    pub list: DiscretionList,
    pub circumstance: String,
    pub version: i32,
    pub conditions: String,
    pub legal_basis: String,
    pub first_violation: bool,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    pub change_note: Option<String>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

impl EntryRow {
    pub fn content(&self) -> EntryContent {
        EntryContent {
            conditions: self.conditions.clone(),
            legal_basis: self.legal_basis.clone(),
            first_violation: self.first_violation,
        }
    }

    pub fn as_current(&self) -> CurrentEntry {
        CurrentEntry {
            version: self.version,
            content: self.content(),
            effective_from: self.effective_from,
            effective_to: self.effective_to,
        }
    }

    pub fn to_entry(&self) -> ListEntry {
        ListEntry {
            id: self.id.clone(),
            power_id: self.power_id.clone(),
            list: self.list,
            circumstance: self.circumstance.clone(),
            version: self.version,
            first_violation: self.first_violation,
            effective_from: self.effective_from,
            effective_to: self.effective_to,
        }
    }
}

/// The latest version of the entry (`power_id`, `list`, `circumstance`).
pub fn latest(
    conn: &mut DbConn,
    agency_id: &str,
    power_id: &str,
    (list, circumstance): (DiscretionList, &str),
) -> QueryResult<Option<EntryRow>> {
    discretion_list_entries::table
        .filter(discretion_list_entries::agency_id.eq(agency_id))
        .filter(discretion_list_entries::power_id.eq(power_id))
        .filter(discretion_list_entries::list.eq(list))
        .filter(discretion_list_entries::circumstance.eq(circumstance))
        .order(discretion_list_entries::version.desc())
        .select(EntryRow::as_select())
        .first(conn)
        .optional()
}

/// Writes a planned change of the entry whose latest version is `current` (none for a new
/// one); returns its latest version after. Two writes of the same entry at once insert the
/// same version: the unique (power_id, list, circumstance, version) index refuses one.
#[allow(clippy::too_many_arguments)]
pub fn apply_change(
    conn: &mut DbConn,
    agency_id: &str,
    power_id: &str,
    (list, circumstance): (DiscretionList, &str),
    current: Option<&EntryRow>,
    content: &EntryContent,
    change: &EntryChange,
    context: WriteContext<'_>,
) -> QueryResult<EntryRow> {
    let set_end = |conn: &mut DbConn, row: &EntryRow, end: Option<NaiveDate>| {
        diesel::update(
            discretion_list_entries::table
                .filter(discretion_list_entries::agency_id.eq(agency_id))
                .filter(discretion_list_entries::id.eq(&row.id)),
        )
        .set(discretion_list_entries::effective_to.eq(end))
        .execute(conn)
    };
    let insert = |conn: &mut DbConn, version: i32, (from, to): (NaiveDate, Option<NaiveDate>)| {
        let row = EntryRow {
            id: uuid::Uuid::now_v7().to_string(),
            agency_id: agency_id.to_string(),
            power_id: power_id.to_string(),
            list,
            circumstance: circumstance.to_string(),
            version,
            conditions: content.conditions.clone(),
            legal_basis: content.legal_basis.clone(),
            first_violation: content.first_violation,
            effective_from: from,
            effective_to: to,
            change_note: context.note.map(str::to_string),
            created_by: context.by.to_string(),
            created_at: context.now,
        };
        diesel::insert_into(discretion_list_entries::table)
            .values(&row)
            .execute(conn)?;
        Ok(row)
    };
    match (change, current) {
        (
            EntryChange::Created {
                effective_from,
                effective_to,
            },
            _,
        ) => insert(conn, 1, (*effective_from, *effective_to)),
        (EntryChange::Unchanged, Some(current)) => Ok(current.clone()),
        (EntryChange::EndDateChanged { effective_to }, Some(current)) => {
            set_end(conn, current, *effective_to)?;
            let mut row = current.clone();
            row.effective_to = *effective_to;
            Ok(row)
        }
        (
            EntryChange::NewVersion {
                effective_from,
                effective_to,
                close_current_on,
            },
            Some(current),
        ) => {
            set_end(conn, current, Some(*close_current_on))?;
            insert(conn, current.version + 1, (*effective_from, *effective_to))
        }
        // A change of an entry that has no version: planned against another state.
        (_, None) => Err(diesel::result::Error::NotFound),
    }
}

/// One version of an entry of the agency, with its power's code.
pub fn find(conn: &mut DbConn, agency_id: &str, id: &str) -> QueryResult<Option<(EntryRow, String)>> {
    discretion_list_entries::table
        .inner_join(powers::table)
        .filter(discretion_list_entries::agency_id.eq(agency_id))
        .filter(discretion_list_entries::id.eq(id))
        .select((EntryRow::as_select(), powers::code))
        .first(conn)
        .optional()
}

/// A power's entries (every version, or those in force on `on`; of one list), in the order
/// written.
pub fn list_for_power(
    conn: &mut DbConn,
    agency_id: &str,
    power_id: &str,
    (on, list): (Option<NaiveDate>, Option<DiscretionList>),
    page: &PageRequest,
) -> QueryResult<Vec<EntryRow>> {
    let mut query = discretion_list_entries::table
        .filter(discretion_list_entries::agency_id.eq(agency_id))
        .filter(discretion_list_entries::power_id.eq(power_id))
        .order(discretion_list_entries::id.asc())
        .select(EntryRow::as_select())
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(day) = on {
        query = query.filter(discretion_list_entries::effective_from.le(day)).filter(
            discretion_list_entries::effective_to
                .is_null()
                .or(discretion_list_entries::effective_to.ge(day)),
        );
    }
    if let Some(list) = list {
        query = query.filter(discretion_list_entries::list.eq(list));
    }
    if let Some(after) = &page.after {
        query = query.filter(discretion_list_entries::id.gt(after.clone()));
    }
    query.load(conn)
}

/// The separator of the public list's cursor: list, power code, then entry id.
const KEY_SEPARATOR: char = '\u{1f}';

/// The agency's entries in force on `day` as the public sees them, by list, power code and
/// then in the order written, each with its power's name on `day`. The second element of
/// each pair is the pagination key.
pub fn public_in_force(
    conn: &mut DbConn,
    agency: &AgencyRow,
    day: NaiveDate,
    page: &PageRequest,
) -> QueryResult<Vec<(PublicListEntry, String)>> {
    let mut query = discretion_list_entries::table
        .inner_join(powers::table)
        .filter(discretion_list_entries::agency_id.eq(&agency.id))
        .filter(discretion_list_entries::effective_from.le(day))
        .filter(
            discretion_list_entries::effective_to
                .is_null()
                .or(discretion_list_entries::effective_to.ge(day)),
        )
        .select((EntryRow::as_select(), powers::code))
        .order((
            discretion_list_entries::list.asc(),
            powers::code.asc(),
            discretion_list_entries::id.asc(),
        ))
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(after) = &page.after {
        let mut parts = after.splitn(3, KEY_SEPARATOR);
        let (list, code, id) = (
            parts.next().unwrap_or_default().to_string(),
            parts.next().unwrap_or_default().to_string(),
            parts.next().unwrap_or_default().to_string(),
        );
        // A cursor naming no list is not one this service gave: past the end.
        let Some(list) = DiscretionList::parse(&list) else {
            return Ok(Vec::new());
        };
        let column = discretion_list_entries::list;
        query = query.filter(
            column
                .gt(list)
                .or(column.eq(list).and(powers::code.gt(code.clone())))
                .or(column
                    .eq(list)
                    .and(powers::code.eq(code))
                    .and(discretion_list_entries::id.gt(id))),
        );
    }
    let rows: Vec<(EntryRow, String)> = query.load(conn)?;
    let mut power_ids: Vec<String> = rows.iter().map(|(row, _)| row.power_id.clone()).collect();
    power_ids.sort();
    power_ids.dedup();
    let versions = crate::inspection_items::store::power_versions_of(conn, &agency.id, &power_ids)?;
    Ok(rows
        .into_iter()
        .map(|(row, code)| {
            let basis = versions.get(&row.power_id).and_then(|v| basis_on(v, day));
            let key = format!("{}{KEY_SEPARATOR}{code}{KEY_SEPARATOR}{}", row.list, row.id);
            (
                PublicListEntry {
                    list: row.list,
                    list_label: row.list.label().to_string(),
                    power_code: code,
                    power_name: basis.map(|b| b.name.clone()).unwrap_or_default(),
                    circumstance: row.circumstance,
                    conditions: row.conditions,
                    legal_basis: row.legal_basis,
                    first_violation: row.first_violation,
                    version: row.version,
                    effective_from: row.effective_from,
                    effective_to: row.effective_to,
                },
                key,
            )
        })
        .collect())
}

/// How many earlier violations of the same subject under any of `power_ids` the agency
/// has decided (a penalty, or no penalty for a minor or first violation; not revoked, not
/// void), other than `case_id`: a party with any is not a first-time violator (首违, APL
/// art. 33 ¶1).
pub fn earlier_violations(
    conn: &mut DbConn,
    agency_id: &str,
    (subject_id, case_id): (&str, &str),
    power_ids: &[String],
) -> QueryResult<usize> {
    let ids: Vec<String> = cases::table
        .inner_join(case_powers::table)
        .left_join(case_revocations::table)
        .filter(cases::agency_id.eq(agency_id))
        .filter(cases::subject_id.eq(subject_id))
        .filter(cases::id.ne(case_id))
        .filter(case_powers::power_id.eq_any(power_ids))
        .filter(cases::decided_on.is_not_null())
        .filter(cases::outcome.eq_any([Outcome::Penalty, Outcome::NoPenaltyMinor]))
        .filter(cases::status.ne(CaseStatus::Voided))
        .filter(case_revocations::case_id.is_null())
        .select(cases::id)
        .distinct()
        .load(conn)?;
    Ok(ids.len())
}
