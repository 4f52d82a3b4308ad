//! Officer queries over the users table, scoped to one agency.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::users;
use crate::http::PageRequest;
use crate::officers::model::ExpiryWindow;
use crate::users::store::{UserPageQuery, UserRow, page_in_agency};

/// A page of the agency's active officers. Roles are a comma-separated column; no other
/// role name contains "officer".
fn active_officers<'a>(agency_id: &'a str, page: &PageRequest) -> UserPageQuery<'a> {
    page_in_agency(agency_id, page)
        .filter(users::active.eq(true))
        .filter(users::roles.like("%officer%".to_string()))
}

/// A page of the agency's active officers in creation order, optionally only those whose
/// certificate expiry falls in `window`.
pub fn list(
    conn: &mut DbConn,
    agency_id: &str,
    window: Option<ExpiryWindow>,
    page: &PageRequest,
) -> QueryResult<Vec<UserRow>> {
    let mut query = active_officers(agency_id, page);
    match window {
        None => {}
        Some(ExpiryWindow::Missing) => query = query.filter(users::certificate_expires_on.is_null()),
        Some(ExpiryWindow::Between { from, to }) => {
            query = query.filter(users::certificate_expires_on.is_not_null());
            if let Some(from) = from {
                query = query.filter(users::certificate_expires_on.ge(from));
            }
            if let Some(to) = to {
                query = query.filter(users::certificate_expires_on.le(to));
            }
        }
    }
    query.load(conn)
}

/// A page of the agency's active officers holding a certificate that has not expired on
/// `unexpired_from`'s day: the public directory (事前公示).
pub fn list_certified(
    conn: &mut DbConn,
    agency_id: &str,
    unexpired_from: NaiveDate,
    page: &PageRequest,
) -> QueryResult<Vec<UserRow>> {
    active_officers(agency_id, page)
        .filter(users::certificate_no.is_not_null())
        .filter(users::certificate_expires_on.ge(unexpired_from))
        .load(conn)
}
