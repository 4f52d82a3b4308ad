//! Double-random plans in the database: plans, draws, the cases drawn, recusals, and the
//! two pools as a draw reads them. Every query is scoped to one agency, except the public
//! reads by plan id.

use std::collections::{BTreeSet, HashMap};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::cases::model::{CaseStatus, InspectionResult};
use crate::db::DbConn;
use crate::db::schema::{cases, random_draws, random_plan_cases, random_plans, recusals, subjects, users};
use crate::random_plans::model::SubjectFilter;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = random_plans)]
pub struct PlanRow {
    pub id: String,
    pub agency_id: String,
    pub name: String,
    /// JSON array of item ids.
    pub item_ids: String,
    /// JSON of a `SubjectFilter`.
    pub subject_filter: String,
    pub subject_count: Option<i32>,
    pub subject_ratio_permille: Option<i32>,
    pub inspectors_per_subject: i32,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub seed_commitment: String,
    /// Hex; secret until the first draw.
    pub seed: String,
    pub subject_pool_size: i32,
    pub subject_pool_sha256: String,
    pub inspector_pool_size: i32,
    pub inspector_pool_sha256: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

impl PlanRow {
    pub fn item_ids(&self) -> Vec<String> {
        serde_json::from_str(&self.item_ids).unwrap_or_default()
    }

    pub fn filter(&self) -> SubjectFilter {
        serde_json::from_str(&self.subject_filter).unwrap_or_default()
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = random_draws)]
pub struct DrawRow {
    pub id: String,
    pub plan_id: String,
    pub seq: i32,
    pub seed: String,
    pub reason: Option<String>,
    pub drawn_by: String,
    pub witness: String,
    pub drawn_on: NaiveDate,
    pub drawn_at: NaiveDateTime,
    /// JSON arrays: the pools as drawn from (sorted ids), the subjects left out at their
    /// yearly cap, the recused (inspector, subject) pairs, and the result.
    pub subject_pool: String,
    pub excluded_at_cap: String,
    pub inspector_pool: String,
    pub recusals: String,
    pub result: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = random_plan_cases)]
pub struct PlanCaseRow {
    pub draw_id: String,
    pub plan_id: String,
    pub case_id: String,
    pub subject_id: String,
    pub published_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = recusals)]
pub struct RecusalRow {
    pub id: String,
    pub agency_id: String,
    pub officer_id: String,
    pub subject_id: String,
    pub reason: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

pub fn insert_plan(conn: &mut DbConn, row: &PlanRow) -> QueryResult<()> {
    diesel::insert_into(random_plans::table).values(row).execute(conn)?;
    Ok(())
}

pub fn find_plan(conn: &mut DbConn, agency_id: &str, id: &str) -> QueryResult<Option<PlanRow>> {
    random_plans::table
        .filter(random_plans::agency_id.eq(agency_id))
        .filter(random_plans::id.eq(id))
        .select(PlanRow::as_select())
        .first(conn)
        .optional()
}

/// A plan by id alone: the public page and its verification.
pub fn find_plan_public(conn: &mut DbConn, id: &str) -> QueryResult<Option<PlanRow>> {
    random_plans::table
        .filter(random_plans::id.eq(id))
        .select(PlanRow::as_select())
        .first(conn)
        .optional()
}

/// The agency's plans, newest first, at most `limit`.
pub fn list_plans(conn: &mut DbConn, agency_id: &str, limit: i64) -> QueryResult<Vec<PlanRow>> {
    random_plans::table
        .filter(random_plans::agency_id.eq(agency_id))
        .order((random_plans::created_at.desc(), random_plans::id.desc()))
        .limit(limit)
        .select(PlanRow::as_select())
        .load(conn)
}

/// Takes the plan's row lock (PostgreSQL) so that two draws of one plan queue.
pub fn lock_plan(conn: &mut DbConn, agency_id: &str, id: &str) -> QueryResult<Option<PlanRow>> {
    match conn.backend() {
        crate::db::Backend::Postgres => {
            let found: Option<String> =
                diesel::sql_query("SELECT id FROM random_plans WHERE id = $1 AND agency_id = $2 FOR UPDATE")
                    .bind::<diesel::sql_types::Text, _>(id)
                    .bind::<diesel::sql_types::Text, _>(agency_id)
                    .get_result::<IdRow>(conn)
                    .optional()?
                    .map(|row| row.id);
            match found {
                Some(_) => find_plan(conn, agency_id, id),
                None => Ok(None),
            }
        }
        crate::db::Backend::Sqlite => find_plan(conn, agency_id, id),
    }
}

#[derive(QueryableByName)]
struct IdRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    id: String,
}

pub fn draws_of(conn: &mut DbConn, plan_id: &str) -> QueryResult<Vec<DrawRow>> {
    random_draws::table
        .filter(random_draws::plan_id.eq(plan_id))
        .order(random_draws::seq.asc())
        .select(DrawRow::as_select())
        .load(conn)
}

pub fn insert_draw(conn: &mut DbConn, row: &DrawRow) -> QueryResult<()> {
    diesel::insert_into(random_draws::table).values(row).execute(conn)?;
    Ok(())
}

pub fn insert_plan_case(conn: &mut DbConn, row: &PlanCaseRow) -> QueryResult<()> {
    diesel::insert_into(random_plan_cases::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// A drawn inspection as the plan shows it.
#[derive(Debug, Clone)]
pub struct DrawnCase {
    pub draw_id: String,
    pub case_id: String,
    pub case_number: String,
    pub subject_id: String,
    pub subject_name: String,
    pub status: CaseStatus,
    pub inspection_result: Option<InspectionResult>,
    /// The day the findings were recorded (the `record_findings` event, Asia/Shanghai).
    pub found_on: Option<NaiveDate>,
    pub published_on: Option<NaiveDate>,
}

/// The cases of a plan's draws, in the order they were drawn.
pub fn drawn_cases(conn: &mut DbConn, plan_id: &str) -> QueryResult<Vec<DrawnCase>> {
    use crate::db::schema::case_events;
    type Row = (
        String,
        String,
        String,
        String,
        String,
        CaseStatus,
        Option<InspectionResult>,
        Option<NaiveDate>,
    );
    let rows: Vec<Row> = random_plan_cases::table
        .inner_join(cases::table.on(cases::id.eq(random_plan_cases::case_id)))
        .inner_join(subjects::table.on(subjects::id.eq(random_plan_cases::subject_id)))
        .filter(random_plan_cases::plan_id.eq(plan_id))
        .order((random_plan_cases::draw_id.asc(), cases::case_number.asc()))
        .select((
            random_plan_cases::draw_id,
            random_plan_cases::case_id,
            cases::case_number,
            random_plan_cases::subject_id,
            subjects::name,
            cases::status,
            cases::inspection_result,
            random_plan_cases::published_on,
        ))
        .load(conn)?;
    let case_ids: Vec<&String> = rows.iter().map(|row| &row.1).collect();
    let found: Vec<(String, NaiveDateTime)> = case_events::table
        .filter(case_events::case_id.eq_any(&case_ids))
        .filter(case_events::action.eq("record_findings"))
        .select((case_events::case_id, case_events::at))
        .load(conn)?;
    let found: HashMap<String, NaiveDate> = found
        .into_iter()
        .map(|(case_id, at)| {
            let day = crate::clock::from_db(at)
                .with_timezone(&crate::clock::shanghai())
                .date_naive();
            (case_id, day)
        })
        .collect();
    Ok(rows
        .into_iter()
        .map(
            |(draw_id, case_id, case_number, subject_id, subject_name, status, inspection_result, published_on)| {
                DrawnCase {
                    found_on: found.get(&case_id).copied(),
                    draw_id,
                    case_id,
                    case_number,
                    subject_id,
                    subject_name,
                    status,
                    inspection_result,
                    published_on,
                }
            },
        )
        .collect())
}

/// Marks these cases' results of the plan public on `day`; returns how many.
pub fn publish(conn: &mut DbConn, plan_id: &str, case_ids: &[String], day: NaiveDate) -> QueryResult<usize> {
    diesel::update(
        random_plan_cases::table
            .filter(random_plan_cases::plan_id.eq(plan_id))
            .filter(random_plan_cases::case_id.eq_any(case_ids))
            .filter(random_plan_cases::published_on.is_null()),
    )
    .set(random_plan_cases::published_on.eq(day))
    .execute(conn)
}

/// The subject pool of `filter`: the agency's subjects of the kinds, industries and risk
/// levels named, by id.
pub fn subject_pool(conn: &mut DbConn, agency_id: &str, filter: &SubjectFilter) -> QueryResult<Vec<String>> {
    let mut query = subjects::table
        .filter(subjects::agency_id.eq(agency_id))
        .filter(subjects::kind.eq_any(filter.kinds()))
        .select(subjects::id)
        .order(subjects::id.asc())
        .into_boxed();
    if !filter.industries.is_empty() {
        query = query.filter(subjects::industry.eq_any(filter.industries.clone()));
    }
    if !filter.risk_levels.is_empty() {
        query = query.filter(subjects::risk_level.eq_any(filter.risk_levels.clone()));
    }
    query.load(conn)
}

/// The inspector pool on `day`: the agency's active officers whose enforcement certificate
/// (执法证) is valid that day, by id.
pub fn inspector_pool(conn: &mut DbConn, agency_id: &str, day: NaiveDate) -> QueryResult<Vec<String>> {
    let rows: Vec<(String, String)> = users::table
        .filter(users::agency_id.eq(agency_id))
        .filter(users::active.eq(true))
        .filter(users::certificate_no.is_not_null())
        .filter(users::certificate_expires_on.ge(day))
        .select((users::id, users::roles))
        .order(users::id.asc())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|(_, roles)| crate::auth::Roles::from_db(roles).has(crate::auth::Role::Officer))
        .map(|(id, _)| id)
        .collect())
}

/// The agency's recusals as (officer, subject) pairs.
pub fn recusal_pairs(conn: &mut DbConn, agency_id: &str) -> QueryResult<Vec<(String, String)>> {
    recusals::table
        .filter(recusals::agency_id.eq(agency_id))
        .select((recusals::officer_id, recusals::subject_id))
        .order((recusals::officer_id.asc(), recusals::subject_id.asc()))
        .load(conn)
}

pub fn insert_recusal(conn: &mut DbConn, row: &RecusalRow) -> QueryResult<()> {
    diesel::insert_into(recusals::table).values(row).execute(conn)?;
    Ok(())
}

/// The agency's recusals, newest first, at most `limit`.
pub fn list_recusals(conn: &mut DbConn, agency_id: &str, limit: i64) -> QueryResult<Vec<RecusalRow>> {
    recusals::table
        .filter(recusals::agency_id.eq(agency_id))
        .order((recusals::created_at.desc(), recusals::id.desc()))
        .limit(limit)
        .select(RecusalRow::as_select())
        .load(conn)
}

/// Display names of users by id.
pub fn user_names(conn: &mut DbConn, ids: &BTreeSet<String>) -> QueryResult<HashMap<String, (String, Option<String>)>> {
    let rows: Vec<(String, String, Option<String>)> = users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::display_name, users::certificate_no))
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, name, cert)| (id, (name, cert))).collect())
}

/// Names of subjects by id.
pub fn subject_names(conn: &mut DbConn, ids: &BTreeSet<String>) -> QueryResult<HashMap<String, String>> {
    let rows: Vec<(String, String)> = subjects::table
        .filter(subjects::id.eq_any(ids))
        .select((subjects::id, subjects::name))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// The agency's plans whose draw (the last one) falls in the period, with their cases:
/// what the statistics count.
pub fn drawn_in(conn: &mut DbConn, agency_id: &str, from: NaiveDate, to: NaiveDate) -> QueryResult<Vec<String>> {
    random_draws::table
        .inner_join(random_plans::table.on(random_plans::id.eq(random_draws::plan_id)))
        .filter(random_plans::agency_id.eq(agency_id))
        .filter(random_draws::seq.eq(1))
        .filter(random_draws::drawn_on.between(from, to))
        .select(random_plans::id)
        .load(conn)
}
