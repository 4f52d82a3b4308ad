//! Subject queries, always scoped to one agency, and the decision who sees personal data
//! unmasked.

use std::collections::HashSet;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::auth::{CurrentUser, Role};
use crate::db::schema::subjects;
use crate::db::{DbConn, contains_text};
use crate::http::PageRequest;
use crate::subjects::model::{RiskLevel, SubjectKind, SubjectProfile};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = subjects)]
pub struct SubjectRow {
    pub id: String,
    pub agency_id: String,
    #[diesel(embed)]
    pub profile: SubjectProfile,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Every column a patch may change, already merged with the current row.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = subjects)]
pub struct SubjectChanges {
    #[diesel(embed)]
    pub profile: SubjectProfile,
    pub updated_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, row: &SubjectRow) -> QueryResult<()> {
    diesel::insert_into(subjects::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn find_in_agency(conn: &mut DbConn, agency_id: &str, id: &str) -> QueryResult<Option<SubjectRow>> {
    subjects::table
        .filter(subjects::agency_id.eq(agency_id))
        .filter(subjects::id.eq(id))
        .select(SubjectRow::as_select())
        .first(conn)
        .optional()
}

/// Another subject of the agency holding `uscc`, other than `except_id`.
pub fn uscc_taken(conn: &mut DbConn, agency_id: &str, uscc: &str, except_id: Option<&str>) -> QueryResult<bool> {
    let mut query = subjects::table
        .filter(subjects::agency_id.eq(agency_id))
        .filter(subjects::uscc.eq(uscc))
        .select(subjects::id)
        .into_boxed();
    if let Some(id) = except_id {
        query = query.filter(subjects::id.ne(id.to_string()));
    }
    Ok(query.first::<String>(conn).optional()?.is_some())
}

pub fn update(conn: &mut DbConn, id: &str, changes: &SubjectChanges) -> QueryResult<SubjectRow> {
    diesel::update(subjects::table.find(id)).set(changes).execute(conn)?;
    subjects::table.find(id).select(SubjectRow::as_select()).first(conn)
}

#[derive(Debug, Default, Clone)]
pub struct SubjectFilter {
    pub q: Option<String>,
    pub kind: Option<SubjectKind>,
    pub industry: Option<String>,
    pub risk_level: Option<RiskLevel>,
}

/// A page of the agency's subjects in creation order (ids are time-ordered UUIDv7).
/// `q` matches text in the name, the unified social credit code or the industry.
pub fn list(
    conn: &mut DbConn,
    agency_id: &str,
    filter: &SubjectFilter,
    page: &PageRequest,
) -> QueryResult<Vec<SubjectRow>> {
    let mut query = subjects::table
        .filter(subjects::agency_id.eq(agency_id))
        .select(SubjectRow::as_select())
        .order(subjects::id.asc())
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(after) = &page.after {
        query = query.filter(subjects::id.gt(after.clone()));
    }
    if let Some(kind) = &filter.kind {
        query = query.filter(subjects::kind.eq(*kind));
    }
    if let Some(industry) = &filter.industry {
        query = query.filter(subjects::industry.eq(industry.clone()));
    }
    if let Some(risk_level) = &filter.risk_level {
        query = query.filter(subjects::risk_level.eq(*risk_level));
    }
    if let Some(q) = &filter.q {
        let pattern = crate::db::like_pattern(q);
        query = query.filter(
            contains_text(subjects::name, pattern.clone())
                // lower(NULL) LIKE … is NULL, which OR treats as false.
                .or(contains_text(subjects::uscc.assume_not_null(), pattern.clone()))
                .or(contains_text(subjects::industry.assume_not_null(), pattern)),
        );
    }
    query.load(conn)
}

/// Whether `caller` may see the subject's ID number and phone unmasked: admins always;
/// officers only for a subject of a case they handle; everyone else never.
pub fn may_see_unmasked(conn: &mut DbConn, caller: &CurrentUser, subject_id: &str) -> QueryResult<bool> {
    Ok(unmasked_among(conn, caller, &[subject_id.to_string()])?.contains(subject_id))
}

/// `may_see_unmasked` for a page of subjects at once: the ids among `subject_ids` the
/// caller may see unmasked. This is the one place the decision is made.
pub fn unmasked_among(conn: &mut DbConn, caller: &CurrentUser, subject_ids: &[String]) -> QueryResult<HashSet<String>> {
    if caller.has(Role::Admin) {
        return Ok(subject_ids.iter().cloned().collect());
    }
    if caller.has(Role::Officer) {
        return officer_handles_case_about(conn, &caller.id, subject_ids);
    }
    Ok(HashSet::new())
}

/// The subjects among `subject_ids` that are the party of a case `officer_id` handles
/// (any case, open or closed, on which the officer is named).
fn officer_handles_case_about(
    conn: &mut DbConn,
    officer_id: &str,
    subject_ids: &[String],
) -> QueryResult<HashSet<String>> {
    use crate::db::schema::{case_officers, cases};
    if subject_ids.is_empty() {
        return Ok(HashSet::new());
    }
    let handled: Vec<String> = cases::table
        .inner_join(case_officers::table)
        .filter(case_officers::user_id.eq(officer_id))
        .filter(cases::subject_id.eq_any(subject_ids))
        .select(cases::subject_id)
        .distinct()
        .load(conn)?;
    Ok(handled.into_iter().collect())
}
