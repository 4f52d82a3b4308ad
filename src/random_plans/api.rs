//! `/random-plans` and `/recusals` (双随机、一公开): the head creates a plan, which fixes a
//! secret seed and publishes its SHA-256 with snapshots of both pools; the draw reveals the
//! seed, draws subjects and then inspectors (`draw.rs`), and creates one approved
//! inspection case per drawn subject with its inspection code; the results are made public
//! within 20 working days. Anyone may read a plan at `/public/random-plans/{id}` and have
//! the service recompute it at `…/verify`.

use std::collections::{BTreeSet, HashMap};

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{CurrentUser, Role};
use crate::cases::model::{
    ApproveInspectionInput, CaseStatus, Command, DrawnInspection, InspectionResult, NewCase, VoidInput,
};
use crate::cases::store::{Caller, approved_inspections_this_year, create_case, transition};
use crate::clock;
use crate::db::DbConn;
use crate::error::{AppError, AppResult, Problem};
use crate::http::{ApiQuery, RawJson, parse_json};
use crate::idempotency::{self, Answer, IdempotencyKey};
use crate::inspection_items::store as items;
use crate::random_plans::draw::{self, DrawInput, DrawnSubject, PoolSnapshot, Seed};
use crate::random_plans::model::{
    CreatePlanRequest, DrawRequest, NewPlan, SubjectFilter, SubjectQuota, check_draw, check_items, draw_seed,
    publication_due,
};
use crate::random_plans::store::{self, DrawRow, PlanCaseRow, PlanRow};
use crate::state::AppState;

/// Plans, draws and publication are the head's acts.
pub(crate) const HEADS: [Role; 1] = [Role::Supervisor];
/// Staff who read plans: everyone of the office.
const STAFF: [Role; 4] = [Role::Admin, Role::Supervisor, Role::Officer, Role::LegalCounsel];
pub(crate) const LIST_LIMIT: i64 = 500;

/// An item a plan draws under.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanItem {
    pub id: String,
    pub code: String,
    pub name: String,
}

/// A drawn subject and its inspectors, with the inspection case the draw created.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Drawn {
    pub subject_id: String,
    pub subject_name: String,
    /// The drawn inspectors, the lead first.
    pub officer_ids: Vec<String>,
    pub officer_names: Vec<String>,
    pub case_id: Option<String>,
}

/// One draw of a plan, with everything needed to recompute it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DrawView {
    /// 1 for the first draw, 2… for redraws.
    pub seq: i32,
    /// The seed drawn with (hex): the plan's for the first draw, derived for redraws.
    pub seed: String,
    /// Why the plan was drawn again; null for the first draw.
    pub reason: Option<String>,
    pub drawn_by: String,
    pub witness: String,
    pub drawn_on: NaiveDate,
    pub drawn_at: DateTime<Utc>,
    /// The subjects drawn from (sorted ids), and those left out at an item's yearly cap.
    pub subject_pool: PoolWithIds,
    pub excluded_at_cap: Vec<String>,
    /// The inspectors drawn from (sorted ids): active officers with a valid certificate.
    pub inspector_pool: PoolWithIds,
    /// (inspector id, subject id) pairs never drawn together (回避).
    pub recusals: Vec<(String, String)>,
    /// How many subjects were drawn.
    pub subject_count: usize,
    pub draws: Vec<Drawn>,
    /// Whether this is the draw that stands (the last one).
    pub current: bool,
}

/// A pool as drawn from: its size and SHA-256 (see `pool_hash`) and its ids.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PoolWithIds {
    pub size: usize,
    pub sha256: String,
    pub ids: Vec<String>,
}

impl PoolWithIds {
    fn of(ids: Vec<String>) -> Self {
        let snapshot = PoolSnapshot::of(&ids);
        PoolWithIds {
            size: snapshot.size,
            sha256: snapshot.sha256,
            ids,
        }
    }
}

/// The result of a drawn inspection, as the plan reports it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DrawnResult {
    pub subject_id: String,
    pub subject_name: String,
    pub case_id: String,
    pub case_number: String,
    pub status: CaseStatus,
    pub inspection_result: Option<InspectionResult>,
    /// When the findings were recorded.
    pub found_on: Option<NaiveDate>,
    /// When the result must be public: 20 working days after the findings.
    pub publication_due_on: Option<NaiveDate>,
    pub published_on: Option<NaiveDate>,
    /// Found, not yet public, and the due day passed.
    pub overdue: bool,
}

/// A plan as staff see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanView {
    pub id: String,
    pub name: String,
    pub items: Vec<PlanItem>,
    pub subject_filter: SubjectFilter,
    pub subject_count: Option<i32>,
    pub subject_ratio_permille: Option<i32>,
    pub inspectors_per_subject: i32,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    /// SHA-256 (hex) of the secret seed's 32 bytes, published at creation.
    pub commitment: String,
    /// The seed (hex), revealed by the first draw; null before.
    pub seed: Option<String>,
    /// The pools when the plan was created.
    pub subject_pool_at_creation: PoolSnapshot,
    pub inspector_pool_at_creation: PoolSnapshot,
    /// The current draw's subjects and inspectors (DESIGN §8 `draws`); empty before.
    pub draws: Vec<Drawn>,
    /// Every draw, the first and any redraw, oldest first.
    pub draw_history: Vec<DrawView>,
    /// The current draw's inspections and their results.
    pub results: Vec<DrawnResult>,
    pub overdue_results: usize,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// Loads what a plan's view shows.
pub(crate) fn plan_view(conn: &mut DbConn, plan: PlanRow, today: NaiveDate) -> QueryResult<PlanView> {
    let item_ids = plan.item_ids();
    let rows = items::find_many(conn, &plan.agency_id, &item_ids)?;
    let plan_items = item_ids
        .iter()
        .filter_map(|id| rows.iter().find(|row| &row.id == id))
        .map(|row| PlanItem {
            id: row.id.clone(),
            code: row.code.clone(),
            name: row.name.clone(),
        })
        .collect();
    let draw_rows = store::draws_of(conn, &plan.id)?;
    let cases = store::drawn_cases(conn, &plan.id)?;
    let case_of: HashMap<(String, String), String> = cases
        .iter()
        .map(|c| ((c.draw_id.clone(), c.subject_id.clone()), c.case_id.clone()))
        .collect();
    let mut people = BTreeSet::new();
    let mut firms = BTreeSet::new();
    let mut parsed = Vec::new();
    for row in &draw_rows {
        let result: Vec<DrawnSubject> = serde_json::from_str(&row.result).unwrap_or_default();
        for drawn in &result {
            firms.insert(drawn.subject_id.clone());
            people.extend(drawn.inspector_ids.iter().cloned());
        }
        parsed.push(result);
    }
    let names = store::user_names(conn, &people)?;
    let firm_names = store::subject_names(conn, &firms)?;
    let last = draw_rows.len();
    let mut history = Vec::new();
    for (index, (row, result)) in draw_rows.iter().zip(parsed).enumerate() {
        let drawn: Vec<Drawn> = result
            .into_iter()
            .map(|d| Drawn {
                subject_name: firm_names.get(&d.subject_id).cloned().unwrap_or_default(),
                officer_names: d
                    .inspector_ids
                    .iter()
                    .map(|id| names.get(id).map(|n| n.0.clone()).unwrap_or_default())
                    .collect(),
                case_id: case_of.get(&(row.id.clone(), d.subject_id.clone())).cloned(),
                subject_id: d.subject_id,
                officer_ids: d.inspector_ids,
            })
            .collect();
        history.push(draw_view(row, drawn, index + 1 == last));
    }
    let current_draw = draw_rows.last().map(|row| row.id.clone());
    // The calendar only where results were found: from the first finding to 20 working
    // days (at most two months with holidays) after the last.
    let found: Vec<NaiveDate> = cases.iter().filter_map(|c| c.found_on).collect();
    let calendar = match (found.iter().min(), found.iter().max()) {
        (Some(first), Some(last)) => {
            crate::calendar::store::load_range(conn, *first, *last + chrono::Duration::days(62))?
        }
        _ => crate::calendar::model::WorkCalendar::default(),
    };
    let results: Vec<DrawnResult> = cases
        .into_iter()
        .filter(|c| Some(&c.draw_id) == current_draw.as_ref())
        .map(|c| {
            let due = c.found_on.map(|day| publication_due(day, &calendar));
            DrawnResult {
                overdue: c.published_on.is_none() && due.is_some_and(|due| today > due),
                publication_due_on: due,
                subject_id: c.subject_id,
                subject_name: c.subject_name,
                case_id: c.case_id,
                case_number: c.case_number,
                status: c.status,
                inspection_result: c.inspection_result,
                found_on: c.found_on,
                published_on: c.published_on,
            }
        })
        .collect();
    Ok(PlanView {
        id: plan.id.clone(),
        items: plan_items,
        subject_filter: plan.filter(),
        subject_count: plan.subject_count,
        subject_ratio_permille: plan.subject_ratio_permille,
        inspectors_per_subject: plan.inspectors_per_subject,
        period_from: plan.period_from,
        period_to: plan.period_to,
        seed: (!draw_rows.is_empty()).then(|| plan.seed.clone()),
        commitment: plan.seed_commitment,
        subject_pool_at_creation: PoolSnapshot {
            size: usize::try_from(plan.subject_pool_size).unwrap_or(0),
            sha256: plan.subject_pool_sha256,
        },
        inspector_pool_at_creation: PoolSnapshot {
            size: usize::try_from(plan.inspector_pool_size).unwrap_or(0),
            sha256: plan.inspector_pool_sha256,
        },
        draws: history.last().map(|d| d.draws.clone()).unwrap_or_default(),
        draw_history: history,
        overdue_results: results.iter().filter(|r| r.overdue).count(),
        results,
        name: plan.name,
        created_by: plan.created_by,
        created_at: clock::from_db(plan.created_at),
    })
}

pub(crate) fn json_list<T: serde::de::DeserializeOwned>(text: &str) -> Vec<T> {
    serde_json::from_str(text).unwrap_or_default()
}

fn draw_view(row: &DrawRow, draws: Vec<Drawn>, current: bool) -> DrawView {
    DrawView {
        seq: row.seq,
        seed: row.seed.clone(),
        reason: row.reason.clone(),
        drawn_by: row.drawn_by.clone(),
        witness: row.witness.clone(),
        drawn_on: row.drawn_on,
        drawn_at: clock::from_db(row.drawn_at),
        subject_pool: PoolWithIds::of(json_list(&row.subject_pool)),
        excluded_at_cap: json_list(&row.excluded_at_cap),
        inspector_pool: PoolWithIds::of(json_list(&row.inspector_pool)),
        recusals: json_list(&row.recusals),
        subject_count: draws.len(),
        draws,
        current,
    }
}

/// The plan's items as found, each checked by `check_items`.
fn plan_items(
    conn: &mut DbConn,
    agency_id: &str,
    item_ids: &[String],
    today: NaiveDate,
) -> AppResult<Vec<items::InspectionItemRow>> {
    let rows = items::find_many(conn, agency_id, item_ids)?;
    let found: Vec<_> = item_ids
        .iter()
        .map(|id| {
            (
                id.clone(),
                rows.iter()
                    .find(|row| &row.id == id)
                    .map(|row| (row.to_item(), row.random)),
            )
        })
        .collect();
    check_items(&found, today)?;
    Ok(item_ids
        .iter()
        .filter_map(|id| rows.iter().find(|row| &row.id == id).cloned())
        .collect())
}

/// The subject pool of a plan today: the filter's subjects without those an item's yearly
/// cap already reached in the year the inspections would be approved for (国办发〔2024〕54号
/// 四), which are returned apart.
fn subject_pool(
    conn: &mut DbConn,
    agency_id: &str,
    filter: &SubjectFilter,
    plan_items: &[items::InspectionItemRow],
    year: i32,
) -> AppResult<(Vec<String>, Vec<String>)> {
    let candidates = store::subject_pool(conn, agency_id, filter)?;
    let default_cap = items::agency_yearly_cap(conn, agency_id)?;
    let item_ids: Vec<String> = plan_items.iter().map(|item| item.id.clone()).collect();
    let mut pool = Vec::new();
    let mut at_cap = Vec::new();
    for subject in candidates {
        let counts = approved_inspections_this_year(conn, agency_id, &subject, &item_ids, year, "")?;
        let capped = plan_items
            .iter()
            .any(|item| counts.get(&item.id).copied().unwrap_or(0) >= item.to_item().cap(default_cap));
        if capped {
            at_cap.push(subject);
        } else {
            pool.push(subject);
        }
    }
    Ok((pool, at_cap))
}

/// Create a double-random plan (supervisors). The service fixes a secret seed and answers
/// its SHA-256 (`commitment`) with snapshots of both pools; the seed is revealed by the draw.
#[utoipa::path(
    post, path = "/api/v1/random-plans", tag = "random plans",
    params(idempotency::KeyHeader),
    request_body = CreatePlanRequest,
    responses(
        (status = 201, body = PlanView),
        (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem, description = "not a supervisor"),
        (status = 413, body = Problem), (status = 415, body = Problem),
        (status = 422, body = Problem, description = "a field, or an item not in force (item_not_published) or not on the random list (item_not_random)"),
    ),
    security(("bearer" = []))
)]
pub async fn create_plan(
    state: web::Data<AppState>,
    caller: CurrentUser,
    req: HttpRequest,
    body: RawJson,
) -> AppResult<HttpResponse> {
    let request: CreatePlanRequest = parse_json(&body.0)?;
    caller.require_any(&HEADS)?;
    let key = IdempotencyKey::from_request(&req, &caller.id, &body.0)?;
    let agency_id = caller.agency_id.clone();
    let by = caller.id.clone();
    let answer = Answer::created_under("/api/v1/random-plans");
    idempotency::once(&state, key, answer, async {
        let today = clock::today();
        let plan = NewPlan::parse(request, today).map_err(AppError::Validation)?;
        Ok(move |conn: &mut DbConn| {
            let found = plan_items(conn, &agency_id, &plan.item_ids, today)?;
            let year = plan.period_from.max(today).year();
            let (subjects, _) = subject_pool(conn, &agency_id, &plan.subject_filter, &found, year)?;
            let inspectors = store::inspector_pool(conn, &agency_id, today)?;
            let subject_snapshot = PoolSnapshot::of(&subjects);
            let inspector_snapshot = PoolSnapshot::of(&inspectors);
            let seed = Seed::generate();
            let (count, ratio) = match plan.quota {
                SubjectQuota::Count(count) => (Some(i32::try_from(count).unwrap_or(i32::MAX)), None),
                SubjectQuota::RatioPermille(ratio) => (None, Some(i32::try_from(ratio).unwrap_or(1000))),
            };
            let row = PlanRow {
                id: uuid::Uuid::now_v7().to_string(),
                agency_id: agency_id.clone(),
                name: plan.name,
                item_ids: serde_json::to_string(&plan.item_ids).map_err(|e| AppError::Internal(e.into()))?,
                subject_filter: serde_json::to_string(&plan.subject_filter)
                    .map_err(|e| AppError::Internal(e.into()))?,
                subject_count: count,
                subject_ratio_permille: ratio,
                inspectors_per_subject: i32::try_from(plan.inspectors_per_subject).unwrap_or(2),
                period_from: plan.period_from,
                period_to: plan.period_to,
                seed_commitment: seed.commitment(),
                seed: seed.to_hex(),
                subject_pool_size: i32::try_from(subject_snapshot.size).unwrap_or(i32::MAX),
                subject_pool_sha256: subject_snapshot.sha256,
                inspector_pool_size: i32::try_from(inspector_snapshot.size).unwrap_or(i32::MAX),
                inspector_pool_sha256: inspector_snapshot.sha256,
                created_by: by,
                created_at: clock::to_db(clock::now()),
            };
            store::insert_plan(conn, &row)?;
            let view = plan_view(conn, row, today)?;
            tracing::info!(
                plan_id = %view.id, commitment = %view.commitment, by = %view.created_by,
                "random plan created"
            );
            Ok(view)
        })
    })
    .await
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanListParams {
    /// Only plans with a result past its publication deadline (true), or without (false).
    pub overdue: Option<bool>,
}

/// The agency's plans, newest first (at most 500); `overdue=true` lists those with a result
/// not public 20 working days after its findings.
#[utoipa::path(
    get, path = "/api/v1/random-plans", tag = "random plans",
    params(PlanListParams),
    responses(
        (status = 200, body = Vec<PlanView>),
        (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn list_plans(
    state: web::Data<AppState>,
    caller: CurrentUser,
    query: ApiQuery<PlanListParams>,
) -> AppResult<HttpResponse> {
    caller.require_any(&STAFF)?;
    let today = clock::today();
    let overdue = query.0.overdue;
    let views = state
        .db(move |conn| {
            let rows = store::list_plans(conn, &caller.agency_id, LIST_LIMIT)?;
            let views = rows
                .into_iter()
                .map(|row| plan_view(conn, row, today))
                .collect::<QueryResult<Vec<_>>>()?;
            Ok(views
                .into_iter()
                .filter(|view| overdue.is_none_or(|overdue| (view.overdue_results > 0) == overdue))
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(HttpResponse::Ok().json(views))
}

/// One plan of the agency.
#[utoipa::path(
    get, path = "/api/v1/random-plans/{id}", tag = "random plans",
    params(("id" = String, Path)),
    responses(
        (status = 200, body = PlanView),
        (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem, description = "no such plan in the caller's agency"),
    ),
    security(("bearer" = []))
)]
pub async fn get_plan(
    state: web::Data<AppState>,
    caller: CurrentUser,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    caller.require_any(&STAFF)?;
    let id = id.into_inner();
    let today = clock::today();
    let view = state
        .db(move |conn| {
            let row = store::find_plan(conn, &caller.agency_id, &id)?.ok_or(AppError::NotFound("random plan"))?;
            Ok(plan_view(conn, row, today)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Draw a plan (supervisors), before a named witness: reveals the seed, draws subjects from
/// today's subject pool (less those at an item's yearly cap) and inspectors for each from
/// today's inspector pool (less recused ones), and creates one inspection case per subject
/// (`source: random_draw`) with the drawn inspectors, approved for the plan's period with
/// its inspection code. A plan draws once; a redraw needs a `reason`, comes before any
/// drawn inspection starts, voids the earlier draw's cases and stays visible with it.
#[utoipa::path(
    post, path = "/api/v1/random-plans/{id}/draw", tag = "random plans",
    params(("id" = String, Path), idempotency::KeyHeader),
    request_body = DrawRequest,
    responses(
        (status = 200, body = PlanView),
        (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem, description = "not a supervisor"),
        (status = 404, body = Problem, description = "no such plan in the caller's agency"),
        (status = 413, body = Problem), (status = 415, body = Problem),
        (status = 422, body = Problem, description = "witness missing; redraw_reason_required, redraw_after_start, plan_period_over, item_not_published, item_not_random, draw_impossible (too few subjects or eligible inspectors)"),
    ),
    security(("bearer" = []))
)]
pub async fn draw_plan(
    state: web::Data<AppState>,
    caller: CurrentUser,
    req: HttpRequest,
    id: web::Path<String>,
    body: RawJson,
) -> AppResult<HttpResponse> {
    let request: DrawRequest = parse_json(&body.0)?;
    caller.require_any(&HEADS)?;
    let key = IdempotencyKey::from_request(&req, &caller.id, &body.0)?;
    let id = id.into_inner();
    let actor = crate::cases::api::caller_of(&caller);
    idempotency::run(&state, key, Answer::OK, move |conn| {
        let today = clock::today();
        let plan = store::lock_plan(conn, &actor.agency_id, &id)?.ok_or(AppError::NotFound("random plan"))?;
        let view = run_draw(conn, &actor, plan, request, today)?;
        tracing::info!(plan_id = %view.id, subjects = view.draws.len(), draws = view.draw_history.len(), by = %actor.user_id, "random plan drawn");
        Ok(view)
    })
    .await
}

fn run_draw(
    conn: &mut DbConn,
    actor: &Caller,
    plan: PlanRow,
    request: DrawRequest,
    today: NaiveDate,
) -> AppResult<PlanView> {
    let now = clock::now();
    let earlier = store::draws_of(conn, &plan.id)?;
    let cases = store::drawn_cases(conn, &plan.id)?;
    let last_draw = earlier.last().map(|row| row.id.clone());
    let of_last: Vec<&store::DrawnCase> = cases
        .iter()
        .filter(|c| Some(&c.draw_id) == last_draw.as_ref())
        .collect();
    let started = of_last
        .iter()
        .filter(|c| !matches!(c.status, CaseStatus::Registered | CaseStatus::Voided))
        .count();
    let draws_before = u32::try_from(earlier.len()).unwrap_or(u32::MAX);
    let order = check_draw(request, draws_before, started, today, plan.period_to)?;
    let plan_items = plan_items(conn, &plan.agency_id, &plan.item_ids(), today)?;
    let planned_from = plan.period_from.max(today);
    let (subjects, at_cap) = subject_pool(conn, &plan.agency_id, &plan.filter(), &plan_items, planned_from.year())?;
    let inspectors = store::inspector_pool(conn, &plan.agency_id, today)?;
    let recusals = store::recusal_pairs(conn, &plan.agency_id)?;
    let plan_seed = Seed::from_hex(&plan.seed)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("plan {} has a malformed seed", plan.id)))?;
    let seed = draw_seed(&plan_seed, order.seq);
    let count = match (plan.subject_count, plan.subject_ratio_permille) {
        (Some(count), _) => usize::try_from(count).unwrap_or(0),
        (None, Some(ratio)) => draw::count_from_ratio(subjects.len(), u32::try_from(ratio).unwrap_or(0)),
        (None, None) => 0,
    };
    let per_subject = usize::try_from(plan.inspectors_per_subject).unwrap_or(2);
    let drawn = draw::draw(&DrawInput {
        seed: &seed,
        subjects: &subjects,
        inspectors: &inspectors,
        recusals: &recusals,
        subject_count: count,
        inspectors_per_subject: per_subject,
    })
    .map_err(|e| AppError::rule("draw_impossible", e.to_string()))?;
    // A redraw undoes the draw it replaces: its inspections, none started, are voided.
    if let Some(reason) = &order.reason {
        for case in of_last.iter().filter(|c| c.status == CaseStatus::Registered) {
            let void = VoidInput {
                reason: format!("双随机抽查重新抽取：{reason}"),
            };
            transition(conn, actor, &case.case_id, Command::Void(void), None, today, now)?;
        }
    }
    let draw_row = DrawRow {
        id: uuid::Uuid::now_v7().to_string(),
        plan_id: plan.id.clone(),
        seq: i32::try_from(order.seq).unwrap_or(i32::MAX),
        seed: seed.to_hex(),
        reason: order.reason.clone(),
        drawn_by: actor.user_id.clone(),
        witness: order.witness.clone(),
        drawn_on: today,
        drawn_at: clock::to_db(now),
        subject_pool: to_json(&subjects)?,
        excluded_at_cap: to_json(&at_cap)?,
        inspector_pool: to_json(&inspectors)?,
        recusals: to_json(&recusals)?,
        result: to_json(&drawn)?,
    };
    store::insert_draw(conn, &draw_row)?;
    let mut power_ids: Vec<String> = Vec::new();
    for item in &plan_items {
        if !power_ids.contains(&item.power_id) {
            power_ids.push(item.power_id.clone());
        }
    }
    for subject in &drawn {
        // The draw is the only way to a case of source random_draw (国发〔2019〕5号).
        let input = NewCase::drawn(DrawnInspection {
            subject_id: subject.subject_id.clone(),
            power_ids: power_ids.clone(),
            officer_ids: subject.inspector_ids.clone(),
            summary: format!("双随机抽查：{}", plan.name),
            inspection_item_ids: plan_items.iter().map(|item| item.id.clone()).collect(),
        })
        .map_err(AppError::from)?;
        let (case, _) = create_case(conn, actor, input, today, now)?;
        let approval = ApproveInspectionInput {
            planned_from,
            planned_to: plan.period_to,
            cap_exemption: None,
        };
        transition(
            conn,
            actor,
            &case.id,
            Command::ApproveInspection(approval),
            None,
            today,
            now,
        )?;
        store::insert_plan_case(
            conn,
            &PlanCaseRow {
                draw_id: draw_row.id.clone(),
                plan_id: plan.id.clone(),
                case_id: case.id,
                subject_id: subject.subject_id.clone(),
                published_on: None,
            },
        )?;
    }
    Ok(plan_view(conn, plan, today)?)
}

fn to_json<T: Serialize>(value: &T) -> AppResult<String> {
    serde_json::to_string(value).map_err(|e| AppError::Internal(e.into()))
}

/// Publish the results of the current draw's inspections whose findings are recorded
/// (supervisors): each is public from today (一公开; due 20 working days after the findings).
#[utoipa::path(
    post, path = "/api/v1/random-plans/{id}/publish-results", tag = "random plans",
    params(("id" = String, Path), idempotency::KeyHeader),
    responses(
        (status = 200, body = PlanView),
        (status = 400, body = Problem, description = "a malformed Idempotency-Key"),
        (status = 401, body = Problem),
        (status = 403, body = Problem, description = "not a supervisor"),
        (status = 404, body = Problem, description = "no such plan in the caller's agency"),
        (status = 409, body = Problem, description = "no recorded result waits for publication"),
        (status = 422, body = Problem, description = "idempotency_key_reused"),
    ),
    security(("bearer" = []))
)]
pub async fn publish_results(
    state: web::Data<AppState>,
    caller: CurrentUser,
    req: HttpRequest,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    caller.require_any(&HEADS)?;
    let key = IdempotencyKey::from_request(&req, &caller.id, b"")?;
    let id = id.into_inner();
    let agency_id = caller.agency_id.clone();
    idempotency::run(&state, key, Answer::OK, move |conn| {
        let today = clock::today();
        let plan = store::lock_plan(conn, &agency_id, &id)?.ok_or(AppError::NotFound("random plan"))?;
        let view = plan_view(conn, plan.clone(), today)?;
        let ready: Vec<String> = view
            .results
            .iter()
            .filter(|r| r.found_on.is_some() && r.published_on.is_none())
            .map(|r| r.case_id.clone())
            .collect();
        if ready.is_empty() {
            return Err(AppError::conflict(
                "no recorded result of this plan waits for publication",
            ));
        }
        store::publish(conn, &plan.id, &ready, today)?;
        Ok(plan_view(conn, plan, today)?)
    })
    .await
}

/// The statistics of the plans drawn in a period (first draw's day): plans, subjects drawn,
/// inspected (findings recorded), problems found, results published and on time.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct RandomInspectionFigures {
    pub plans: i64,
    pub subjects_drawn: i64,
    pub inspected: i64,
    pub problems_found: i64,
    pub results_published: i64,
    pub published_on_time: i64,
    pub overdue_publication: i64,
}

pub fn figures(
    conn: &mut DbConn,
    agency_id: &str,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
) -> QueryResult<RandomInspectionFigures> {
    let mut figures = RandomInspectionFigures::default();
    for plan_id in store::drawn_in(conn, agency_id, from, to)? {
        let Some(plan) = store::find_plan(conn, agency_id, &plan_id)? else {
            continue;
        };
        let view = plan_view(conn, plan, today)?;
        figures.plans += 1;
        for result in &view.results {
            figures.subjects_drawn += 1;
            if result.found_on.is_some() {
                figures.inspected += 1;
            }
            if result.inspection_result == Some(InspectionResult::ViolationsFound) {
                figures.problems_found += 1;
            }
            if let Some(published) = result.published_on {
                figures.results_published += 1;
                if result.publication_due_on.is_some_and(|due| published <= due) {
                    figures.published_on_time += 1;
                }
            }
            if result.overdue {
                figures.overdue_publication += 1;
            }
        }
    }
    Ok(figures)
}
