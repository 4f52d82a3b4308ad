//! Public reads: an agency by its public code, its powers in force and its certified
//! officers, already reduced to the public projections.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::agencies::store::AgencyRow;
use crate::db::DbConn;
use crate::http::PageRequest;
use crate::officers::model::unexpired_from;
use crate::powers::store::PowerFilter;
use crate::public::model::{PublicOfficer, PublicPower};

pub fn agency_by_code(conn: &mut DbConn, code: &str) -> QueryResult<Option<AgencyRow>> {
    crate::agencies::store::find_by_code(conn, code)
}

/// The agency's powers in force on `day`, in the version in force then, by code. The
/// second element of each pair is the pagination key.
pub fn powers_in_force(
    conn: &mut DbConn,
    agency: &AgencyRow,
    day: NaiveDate,
    page: &PageRequest,
) -> QueryResult<Vec<(PublicPower, String)>> {
    let filter = PowerFilter {
        in_force_on: Some(day),
        ..PowerFilter::default()
    };
    let rows = crate::powers::store::list(conn, &agency.id, &filter, page)?;
    Ok(rows
        .into_iter()
        .map(|(power, version)| {
            (
                PublicPower {
                    category: version.content.category,
                    code: version.code,
                    name: version.content.name,
                    legal_basis: version.content.legal_basis,
                    source_department: version.content.source_department,
                },
                power.code,
            )
        })
        .collect())
}

/// The agency's active officers whose certificate has not expired on `today`.
pub fn certified_officers(
    conn: &mut DbConn,
    agency: &AgencyRow,
    today: NaiveDate,
    page: &PageRequest,
) -> QueryResult<Vec<(PublicOfficer, String)>> {
    let rows = crate::officers::store::list_certified(conn, &agency.id, unexpired_from(today), page)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            (
                PublicOfficer {
                    display_name: row.display_name,
                    certificate_no: row.certificate_no.unwrap_or_default(),
                    enforcement_field: row.enforcement_field,
                    agency_name: agency.name.clone(),
                },
                row.id,
            )
        })
        .collect())
}
