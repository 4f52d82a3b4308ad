//! User queries. Every read of another user is scoped to the caller's agency.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::AsSelect;
use diesel::prelude::*;

use crate::db::schema::users;
use crate::db::{DbConn, MultiBackend, contains_text};
use crate::http::PageRequest;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: String,
    pub agency_id: String,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub roles: String,
    pub active: bool,
    pub certificate_no: Option<String>,
    pub certificate_expires_on: Option<NaiveDate>,
    pub enforcement_field: Option<String>,
    pub legal_qualification: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Columns a patch may change; `None` leaves a column as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserChanges {
    pub display_name: Option<String>,
    pub password_hash: Option<String>,
    pub roles: Option<String>,
    pub active: Option<bool>,
    pub certificate_no: Option<Option<String>>,
    pub certificate_expires_on: Option<Option<NaiveDate>>,
    pub enforcement_field: Option<Option<String>>,
    pub legal_qualification: Option<Option<String>>,
    pub updated_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConn, row: &UserRow) -> QueryResult<()> {
    diesel::insert_into(users::table).values(row).execute(conn).map(|_| ())
}

pub fn find_by_username(conn: &mut DbConn, username: &str) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(users::username.eq(username))
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

/// Usernames are stored lower-case (see `normalize_username`), so this is exact.
pub fn username_taken(conn: &mut DbConn, username: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(users::table.filter(users::username.eq(username)))).get_result(conn)
}

pub fn find_in_agency(conn: &mut DbConn, agency_id: &str, id: &str) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(users::agency_id.eq(agency_id))
        .filter(users::id.eq(id))
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

#[derive(Debug, Default, Clone)]
pub struct UserFilter {
    pub role: Option<String>,
    pub active: Option<bool>,
    pub q: Option<String>,
}

/// A page of an agency's users in creation order (ids are time-ordered UUIDv7).
pub fn list(conn: &mut DbConn, agency_id: &str, filter: &UserFilter, page: &PageRequest) -> QueryResult<Vec<UserRow>> {
    let mut query = page_in_agency(agency_id, page);
    if let Some(role) = &filter.role {
        query = query.filter(users::roles.like(format!("%{role}%")));
    }
    if let Some(active) = filter.active {
        query = query.filter(users::active.eq(active));
    }
    if let Some(q) = &filter.q {
        let pattern = crate::db::like_pattern(q);
        query = query
            .filter(contains_text(users::username, pattern.clone()).or(contains_text(users::display_name, pattern)));
    }
    query.load(conn)
}

/// A query for `UserRow`s that more filters can narrow.
pub type UserPageQuery<'a> = users::BoxedQuery<'a, MultiBackend, AsSelect<UserRow, MultiBackend>>;

/// The agency's users in creation order, one page of them (`limit + 1` rows after the
/// cursor, see `Page::from_rows`), for a list to narrow with its own filters.
pub fn page_in_agency<'a>(agency_id: &'a str, page: &PageRequest) -> UserPageQuery<'a> {
    let mut query = users::table
        .filter(users::agency_id.eq(agency_id))
        .select(UserRow::as_select())
        .order(users::id.asc())
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(after) = &page.after {
        query = query.filter(users::id.gt(after.clone()));
    }
    query
}

pub fn update(conn: &mut DbConn, id: &str, changes: &UserChanges) -> QueryResult<UserRow> {
    diesel::update(users::table.find(id)).set(changes).execute(conn)?;
    users::table.find(id).select(UserRow::as_select()).first(conn)
}
