//! Inspection items in the database.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::inspection_items;
use crate::inspection_items::model::{InspectionItem, InspectionMethod};

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
