//! Inspection items in the database. Every query is scoped to one agency.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::agencies::store::AgencyRow;
use crate::db::DbConn;
use crate::db::schema::{agency_settings, inspection_items, power_versions};
use crate::http::PageRequest;
use crate::inspection_items::model::{
    DEFAULT_YEARLY_CAP, InspectionItem, InspectionMethod, NewInspectionItem, PowerBasis, PublicInspectionItem,
    Withdrawal, basis_on,
};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = inspection_items)]
pub struct InspectionItemRow {
    pub id: String,
    pub agency_id: String,
    pub code: String,
    pub name: String,
    pub power_id: String,
    pub standard: String,
    pub method: InspectionMethod,
    pub yearly_cap: Option<i32>,
    pub complaint_exempt: bool,
    pub published_on: NaiveDate,
    pub withdrawn_on: Option<NaiveDate>,
    pub withdraw_reason: Option<String>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub random: bool,
}

impl InspectionItemRow {
    pub fn to_item(&self) -> InspectionItem {
        InspectionItem {
            id: self.id.clone(),
            code: self.code.clone(),
            name: self.name.clone(),
            power_id: self.power_id.clone(),
            method: self.method,
            yearly_cap: self.yearly_cap.and_then(|cap| u32::try_from(cap).ok()),
            complaint_exempt: self.complaint_exempt,
            published_on: self.published_on,
            withdrawn_on: self.withdrawn_on,
        }
    }
}

/// The agency's items with these ids (others' and unknown ids left out), in no order.
pub fn find_many(conn: &mut DbConn, agency_id: &str, ids: &[String]) -> QueryResult<Vec<InspectionItemRow>> {
    inspection_items::table
        .filter(inspection_items::agency_id.eq(agency_id))
        .filter(inspection_items::id.eq_any(ids))
        .select(InspectionItemRow::as_select())
        .load(conn)
}

pub fn find(conn: &mut DbConn, agency_id: &str, id: &str) -> QueryResult<Option<InspectionItemRow>> {
    inspection_items::table
        .filter(inspection_items::agency_id.eq(agency_id))
        .filter(inspection_items::id.eq(id))
        .select(InspectionItemRow::as_select())
        .first(conn)
        .optional()
}

impl InspectionItemRow {
    /// A new item of the agency, published by `by` at `now`.
    pub fn new(agency_id: &str, item: NewInspectionItem, by: &str, now: NaiveDateTime) -> Self {
        InspectionItemRow {
            id: uuid::Uuid::now_v7().to_string(),
            agency_id: agency_id.to_string(),
            code: item.code,
            name: item.name,
            power_id: item.power_id,
            standard: item.standard,
            method: item.method,
            yearly_cap: item.yearly_cap.and_then(|cap| i32::try_from(cap).ok()),
            complaint_exempt: item.complaint_exempt,
            published_on: item.published_on,
            withdrawn_on: None,
            withdraw_reason: None,
            created_by: by.to_string(),
            created_at: now,
            updated_at: now,
            random: item.random,
        }
    }
}

pub fn code_taken(conn: &mut DbConn, agency_id: &str, code: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        inspection_items::table
            .filter(inspection_items::agency_id.eq(agency_id))
            .filter(inspection_items::code.eq(code)),
    ))
    .get_result(conn)
}

/// Inserts an item; a code the agency holds already is refused by the unique index.
pub fn insert(conn: &mut DbConn, row: &InspectionItemRow) -> QueryResult<()> {
    diesel::insert_into(inspection_items::table).values(row).execute(conn)?;
    Ok(())
}

/// Sets the withdrawal of an item not withdrawn yet; `false` when another request withdrew
/// it first (the row is left as that request wrote it).
pub fn withdraw(
    conn: &mut DbConn,
    row: &InspectionItemRow,
    withdrawal: &Withdrawal,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let updated = diesel::update(
        inspection_items::table
            .filter(inspection_items::agency_id.eq(&row.agency_id))
            .filter(inspection_items::id.eq(&row.id))
            .filter(inspection_items::withdrawn_on.is_null()),
    )
    .set((
        inspection_items::withdrawn_on.eq(withdrawal.withdrawn_on),
        inspection_items::withdraw_reason.eq(&withdrawal.reason),
        inspection_items::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// The filters of the staff list.
#[derive(Debug, Default, Clone)]
pub struct ItemFilter {
    /// Only items in force on this day (published by then, not withdrawn by then).
    pub in_force_on: Option<NaiveDate>,
    pub method: Option<InspectionMethod>,
    /// Only items on (true) or off (false) the random-inspection list.
    pub random: Option<bool>,
}

/// A page of the agency's items, by code (the cursor is the last code).
pub fn list(
    conn: &mut DbConn,
    agency_id: &str,
    filter: &ItemFilter,
    page: &PageRequest,
) -> QueryResult<Vec<InspectionItemRow>> {
    let mut query = inspection_items::table
        .filter(inspection_items::agency_id.eq(agency_id))
        .select(InspectionItemRow::as_select())
        .order(inspection_items::code.asc())
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(day) = filter.in_force_on {
        // `InspectionItem::in_force_on` in SQL: published by `day`, withdrawn after it.
        query = query.filter(inspection_items::published_on.le(day)).filter(
            inspection_items::withdrawn_on
                .is_null()
                .or(inspection_items::withdrawn_on.gt(day)),
        );
    }
    if let Some(method) = filter.method {
        query = query.filter(inspection_items::method.eq(method));
    }
    if let Some(random) = filter.random {
        query = query.filter(inspection_items::random.eq(random));
    }
    if let Some(after) = &page.after {
        query = query.filter(inspection_items::code.gt(after.clone()));
    }
    query.load(conn)
}

/// The versions of the agency's powers with these ids, by power id (a power of another
/// agency, or none, has no entry).
pub fn power_versions_of(
    conn: &mut DbConn,
    agency_id: &str,
    power_ids: &[String],
) -> QueryResult<HashMap<String, Vec<PowerBasis>>> {
    type Version = (String, i32, String, String, String, NaiveDate, Option<NaiveDate>);
    let mut found: HashMap<String, Vec<PowerBasis>> = HashMap::new();
    // Bounded batches keep the statement within every backend's bind-parameter limit.
    for batch in power_ids.chunks(500) {
        let rows: Vec<Version> = power_versions::table
            .filter(power_versions::agency_id.eq(agency_id))
            .filter(power_versions::power_id.eq_any(batch))
            .select((
                power_versions::power_id,
                power_versions::version,
                power_versions::code,
                power_versions::name,
                power_versions::legal_basis,
                power_versions::effective_from,
                power_versions::effective_to,
            ))
            .load(conn)?;
        for (power_id, version, code, name, legal_basis, effective_from, effective_to) in rows {
            found.entry(power_id).or_default().push(PowerBasis {
                version,
                code,
                name,
                legal_basis,
                effective_from,
                effective_to,
            });
        }
    }
    Ok(found)
}

/// The agency's yearly cap for items without one of their own (setting
/// `inspection_yearly_cap`; [`DEFAULT_YEARLY_CAP`] when the agency has no settings row).
pub fn agency_yearly_cap(conn: &mut DbConn, agency_id: &str) -> QueryResult<u32> {
    let cap: Option<i32> = agency_settings::table
        .find(agency_id)
        .select(agency_settings::inspection_yearly_cap)
        .first(conn)
        .optional()?;
    Ok(cap
        .and_then(|cap| u32::try_from(cap).ok())
        .filter(|cap| *cap >= 1)
        .unwrap_or(DEFAULT_YEARLY_CAP))
}

/// The agency's items in force on `day` as the public sees them, by code, each with the
/// version of its power shown on `day` and the cap that applies. The second element of
/// each pair is the pagination key.
pub fn public_in_force(
    conn: &mut DbConn,
    agency: &AgencyRow,
    day: NaiveDate,
    page: &PageRequest,
) -> QueryResult<Vec<(PublicInspectionItem, String)>> {
    public_listing(conn, agency, day, None, page)
}

/// The agency's random-inspection items (随机抽查事项清单) in force on `day`, as
/// [`public_in_force`] shows items.
pub fn public_random_in_force(
    conn: &mut DbConn,
    agency: &AgencyRow,
    day: NaiveDate,
    page: &PageRequest,
) -> QueryResult<Vec<(PublicInspectionItem, String)>> {
    public_listing(conn, agency, day, Some(true), page)
}

fn public_listing(
    conn: &mut DbConn,
    agency: &AgencyRow,
    day: NaiveDate,
    random: Option<bool>,
    page: &PageRequest,
) -> QueryResult<Vec<(PublicInspectionItem, String)>> {
    let filter = ItemFilter {
        in_force_on: Some(day),
        random,
        ..ItemFilter::default()
    };
    let rows = list(conn, &agency.id, &filter, page)?;
    let power_ids: Vec<String> = rows.iter().map(|row| row.power_id.clone()).collect();
    let versions = power_versions_of(conn, &agency.id, &power_ids)?;
    let default_cap = agency_yearly_cap(conn, &agency.id)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let item = row.to_item();
            let basis = versions.get(&row.power_id).and_then(|versions| basis_on(versions, day));
            let public = PublicInspectionItem {
                yearly_cap: item.cap(default_cap),
                power_code: basis.map(|b| b.code.clone()).unwrap_or_default(),
                power_name: basis.map(|b| b.name.clone()).unwrap_or_default(),
                legal_basis: basis.map(|b| b.legal_basis.clone()).unwrap_or_default(),
                code: row.code.clone(),
                name: row.name,
                standard: row.standard,
                method: row.method,
                complaint_exempt: row.complaint_exempt,
                random: row.random,
                published_on: row.published_on,
            };
            (public, row.code)
        })
        .collect())
}
