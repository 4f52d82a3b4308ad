//! Agency queries.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::agencies;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = agencies)]
pub struct AgencyRow {
    pub id: String,
    pub code: String,
    pub name: String,
    /// Prefix of case numbers, e.g. 学府 in 学府罚〔2024〕第001号.
    pub case_prefix: String,
    pub created_at: NaiveDateTime,
}

pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<AgencyRow> {
    agencies::table.find(id).select(AgencyRow::as_select()).first(conn)
}

pub fn find_by_code(conn: &mut DbConn, code: &str) -> QueryResult<Option<AgencyRow>> {
    agencies::table
        .filter(agencies::code.eq(code))
        .select(AgencyRow::as_select())
        .first(conn)
        .optional()
}

/// How many agencies the database holds.
pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
    agencies::table.count().get_result(conn)
}

/// Inserts an agency with the built-in case-file review template (评查标准) as its first.
pub fn insert(conn: &mut DbConn, row: &AgencyRow) -> QueryResult<()> {
    diesel::insert_into(agencies::table).values(row).execute(conn)?;
    crate::file_reviews::store::seed_default_template(conn, &row.id, row.created_at)?;
    Ok(())
}

/// Agency codes appear in URLs (`?agency=XF`): short, ASCII, upper-case.
pub fn check_agency_code(code: &str) -> Result<(), String> {
    let ok = (1..=32).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err("must be 1 to 32 characters of A–Z, 0–9, '-' or '_'".into())
    }
}
