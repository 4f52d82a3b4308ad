//! The public side of a double-random plan (一公开): the plan as JSON and as a Chinese page,
//! and the recomputation of its draws from the published data.

use std::collections::BTreeSet;

use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use crate::cases::model::InspectionResult;
use crate::clock;
use crate::db::DbConn;
use crate::error::{AppError, AppResult, Problem};
use crate::random_plans::api::{PoolWithIds, json_list, plan_view};
use crate::random_plans::draw::{self, DrawInput, DrawnSubject, PoolSnapshot, Seed};
use crate::random_plans::model::{SubjectFilter, draw_seed};
use crate::random_plans::store::{self, DrawRow, PlanRow};
use crate::state::AppState;

/// A plan as the public sees it: what it draws under, the commitment, the seed once drawn,
/// every draw with its pools, recusals and result, and the published results. Inspectors
/// are shown by name and certificate number (执法证号), as the officer directory shows them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicPlan {
    pub id: String,
    pub agency_code: String,
    pub agency_name: String,
    pub name: String,
    pub items: Vec<PublicPlanItem>,
    pub subject_filter: SubjectFilter,
    pub subject_count: Option<i32>,
    pub subject_ratio_permille: Option<i32>,
    pub inspectors_per_subject: i32,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub commitment: String,
    pub seed: Option<String>,
    pub subject_pool_at_creation: PoolSnapshot,
    pub inspector_pool_at_creation: PoolSnapshot,
    pub draw_history: Vec<PublicDraw>,
    /// Published results of the current draw.
    pub results: Vec<PublicResult>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicPlanItem {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicDraw {
    pub seq: i32,
    pub seed: String,
    pub reason: Option<String>,
    pub witness: String,
    pub drawn_on: NaiveDate,
    pub subject_pool: PoolWithIds,
    pub excluded_at_cap: Vec<String>,
    pub inspector_pool: PoolWithIds,
    pub recusals: Vec<(String, String)>,
    pub subject_count: usize,
    pub draws: Vec<PublicDrawn>,
    pub current: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicDrawn {
    pub subject_id: String,
    pub subject_name: String,
    pub officer_ids: Vec<String>,
    /// Name and certificate number of each drawn inspector, the lead first.
    pub officers: Vec<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicResult {
    pub subject_name: String,
    pub case_number: String,
    pub inspection_result: Option<InspectionResult>,
    pub published_on: NaiveDate,
}

/// A double-random plan, public: anyone can check the commitment, the pools and the draw.
#[utoipa::path(
    get, path = "/api/v1/public/random-plans/{id}", tag = "public",
    params(("id" = String, Path)),
    responses(
        (status = 200, body = PublicPlan),
        (status = 404, body = Problem, description = "no such plan"),
    )
)]
pub async fn public_plan(state: web::Data<AppState>, id: web::Path<String>) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let plan = state
        .db(move |conn| {
            let row = store::find_plan_public(conn, &id)?.ok_or(AppError::NotFound("random plan"))?;
            public_view(conn, row)
        })
        .await?;
    Ok(HttpResponse::Ok().json(plan))
}

fn public_view(conn: &mut DbConn, row: PlanRow) -> AppResult<PublicPlan> {
    let today = clock::today();
    let agency = crate::agencies::store::find(conn, &row.agency_id)?;
    let view = plan_view(conn, row, today)?;
    let mut people = BTreeSet::new();
    for draw in &view.draw_history {
        for drawn in &draw.draws {
            people.extend(drawn.officer_ids.iter().cloned());
        }
    }
    let names = store::user_names(conn, &people)?;
    let officer = |id: &String| match names.get(id) {
        Some((name, Some(cert))) => format!("{name}（执法证号 {cert}）"),
        Some((name, None)) => name.clone(),
        None => String::new(),
    };
    Ok(PublicPlan {
        id: view.id,
        agency_code: agency.code,
        agency_name: agency.name,
        name: view.name,
        items: view
            .items
            .into_iter()
            .map(|item| PublicPlanItem {
                code: item.code,
                name: item.name,
            })
            .collect(),
        subject_filter: view.subject_filter,
        subject_count: view.subject_count,
        subject_ratio_permille: view.subject_ratio_permille,
        inspectors_per_subject: view.inspectors_per_subject,
        period_from: view.period_from,
        period_to: view.period_to,
        commitment: view.commitment,
        seed: view.seed,
        subject_pool_at_creation: view.subject_pool_at_creation,
        inspector_pool_at_creation: view.inspector_pool_at_creation,
        draw_history: view
            .draw_history
            .into_iter()
            .map(|draw| PublicDraw {
                seq: draw.seq,
                seed: draw.seed,
                reason: draw.reason,
                witness: draw.witness,
                drawn_on: draw.drawn_on,
                subject_pool: draw.subject_pool,
                excluded_at_cap: draw.excluded_at_cap,
                inspector_pool: draw.inspector_pool,
                recusals: draw.recusals,
                subject_count: draw.subject_count,
                draws: draw
                    .draws
                    .into_iter()
                    .map(|d| PublicDrawn {
                        officers: d.officer_ids.iter().map(officer).collect(),
                        subject_id: d.subject_id,
                        subject_name: d.subject_name,
                        officer_ids: d.officer_ids,
                    })
                    .collect(),
                current: draw.current,
            })
            .collect(),
        results: view
            .results
            .into_iter()
            .filter_map(|r| {
                Some(PublicResult {
                    published_on: r.published_on?,
                    subject_name: r.subject_name,
                    case_number: r.case_number,
                    inspection_result: r.inspection_result,
                })
            })
            .collect(),
    })
}

/// What the recomputation found.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Verification {
    /// The plan was drawn, the first seed matches the commitment, each redraw's seed follows
    /// from it, and every draw recomputes to what is stored.
    pub valid: bool,
    pub drawn: bool,
    pub commitment_matches: bool,
    pub draws: Vec<DrawVerification>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DrawVerification {
    pub seq: i32,
    pub seed_matches: bool,
    pub result_matches: bool,
}

/// Recompute a plan's draws from its published data (seed, pools, recusals, counts) and
/// say whether they match what is stored.
#[utoipa::path(
    get, path = "/api/v1/public/random-plans/{id}/verify", tag = "public",
    params(("id" = String, Path)),
    responses(
        (status = 200, body = Verification),
        (status = 404, body = Problem, description = "no such plan"),
    )
)]
pub async fn verify_plan(state: web::Data<AppState>, id: web::Path<String>) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let verification = state
        .db(move |conn| {
            let row = store::find_plan_public(conn, &id)?.ok_or(AppError::NotFound("random plan"))?;
            let draws = store::draws_of(conn, &row.id)?;
            Ok(verify_draws(&row, &draws))
        })
        .await?;
    Ok(HttpResponse::Ok().json(verification))
}

/// The recomputation, from stored data only.
pub fn verify_draws(plan: &PlanRow, draws: &[DrawRow]) -> Verification {
    let plan_seed = Seed::from_hex(&plan.seed);
    let commitment_matches = plan_seed
        .as_ref()
        .is_some_and(|seed| seed.commitment() == plan.seed_commitment);
    let per_subject = usize::try_from(plan.inspectors_per_subject).unwrap_or(0);
    let checks: Vec<DrawVerification> = draws
        .iter()
        .map(|row| {
            let seq = u32::try_from(row.seq).unwrap_or(0);
            let seed = Seed::from_hex(&row.seed);
            let seed_matches = match (&plan_seed, &seed) {
                (Some(plan_seed), Some(seed)) => &draw_seed(plan_seed, seq) == seed,
                _ => false,
            };
            let subjects: Vec<String> = json_list(&row.subject_pool);
            let inspectors: Vec<String> = json_list(&row.inspector_pool);
            let recusals: Vec<(String, String)> = json_list(&row.recusals);
            let stored: Option<Vec<DrawnSubject>> = serde_json::from_str(&row.result).ok();
            let count = match (plan.subject_count, plan.subject_ratio_permille) {
                (Some(count), _) => usize::try_from(count).unwrap_or(0),
                (None, Some(ratio)) => draw::count_from_ratio(subjects.len(), u32::try_from(ratio).unwrap_or(0)),
                (None, None) => 0,
            };
            let result_matches = match (&seed, stored) {
                (Some(seed), Some(stored)) => draw::verify(
                    &DrawInput {
                        seed,
                        subjects: &subjects,
                        inspectors: &inspectors,
                        recusals: &recusals,
                        subject_count: count,
                        inspectors_per_subject: per_subject,
                    },
                    &stored,
                ),
                _ => false,
            };
            DrawVerification {
                seq: row.seq,
                seed_matches,
                result_matches,
            }
        })
        .collect();
    let drawn = !checks.is_empty();
    Verification {
        valid: drawn && commitment_matches && checks.iter().all(|c| c.seed_matches && c.result_matches),
        drawn,
        commitment_matches,
        draws: checks,
    }
}

/// A double-random plan as a public page (双随机抽查公示): the items, the commitment, the
/// seed once drawn, each draw (witness, reason, pools by size and SHA-256, the drawn
/// subjects and inspectors) and the published results; the JSON beside it has the ids
/// and `…/verify` the recomputation.
#[utoipa::path(
    get, path = "/public/random-plans/{id}", tag = "public",
    params(("id" = String, Path)),
    responses(
        (status = 200, content_type = "text/html; charset=utf-8", body = String),
        (status = 404, body = Problem, description = "no such plan"),
    )
)]
pub async fn public_plan_page(state: web::Data<AppState>, id: web::Path<String>) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let (plan, verification) = state
        .db(move |conn| {
            let row = store::find_plan_public(conn, &id)?.ok_or(AppError::NotFound("random plan"))?;
            let draws = store::draws_of(conn, &row.id)?;
            let verification = verify_draws(&row, &draws);
            Ok((public_view(conn, row)?, verification))
        })
        .await?;
    Ok(crate::disclosures::html::page(
        &format!("双随机抽查公示：{}", plan.name),
        &plan_page_body(&plan, &verification),
    ))
}

/// The page's body, every value escaped.
fn plan_page_body(plan: &PublicPlan, verification: &Verification) -> String {
    use crate::documents::html::escape;
    let row = |label: &str, value: &str| format!("<tr><th>{}</th><td>{}</td></tr>\n", escape(label), escape(value));
    let mut body = String::from("<table>\n");
    body.push_str(&row("执法机关", &plan.agency_name));
    body.push_str(&row(
        "抽查事项",
        &plan
            .items
            .iter()
            .map(|item| format!("{} {}", item.code, item.name))
            .collect::<Vec<_>>()
            .join("；"),
    ));
    let count = match (plan.subject_count, plan.subject_ratio_permille) {
        (Some(count), _) => format!("{count}户"),
        (None, Some(ratio)) => format!("检查对象的{ratio}‰"),
        (None, None) => String::new(),
    };
    body.push_str(&row("抽取数量", &count));
    body.push_str(&row("每户检查人员", &format!("{}名", plan.inspectors_per_subject)));
    body.push_str(&row("检查期间", &format!("{} 至 {}", plan.period_from, plan.period_to)));
    body.push_str(&row("随机种子承诺值（SHA-256）", &plan.commitment));
    body.push_str(&row("随机种子", plan.seed.as_deref().unwrap_or("抽取后公布")));
    let verdict = match (verification.drawn, verification.valid) {
        (false, _) => "尚未抽取",
        (true, true) => "复算一致",
        (true, false) => "复算不一致",
    };
    body.push_str(&row("抽取结果复算", verdict));
    body.push_str("</table>\n");
    for draw in &plan.draw_history {
        body.push_str(&format!(
            "<h2>第{}次抽取（{}）{}</h2>\n<table>\n",
            draw.seq,
            draw.drawn_on,
            if draw.current { "" } else { "（已重新抽取）" }
        ));
        body.push_str(&row("监督人", &draw.witness));
        if let Some(reason) = &draw.reason {
            body.push_str(&row("重新抽取理由", reason));
        }
        body.push_str(&row(
            "检查对象名录",
            &format!("{}户，SHA-256 {}", draw.subject_pool.size, draw.subject_pool.sha256),
        ));
        body.push_str(&row(
            "执法检查人员名录",
            &format!("{}人，SHA-256 {}", draw.inspector_pool.size, draw.inspector_pool.sha256),
        ));
        body.push_str(&row(
            "达到年度检查频次上限未纳入",
            &format!("{}户", draw.excluded_at_cap.len()),
        ));
        for drawn in &draw.draws {
            body.push_str(&row(&drawn.subject_name, &drawn.officers.join("、")));
        }
        body.push_str("</table>\n");
    }
    if !plan.results.is_empty() {
        body.push_str("<h2>抽查结果</h2>\n<table>\n");
        for result in &plan.results {
            let outcome = match result.inspection_result {
                Some(InspectionResult::Compliant) => "未发现问题",
                Some(InspectionResult::ViolationsFound) => "发现问题，已责令整改",
                None => "",
            };
            body.push_str(&row(
                &result.subject_name,
                &format!("{}（{}，{} 公示）", outcome, result.case_number, result.published_on),
            ));
        }
        body.push_str("</table>\n");
    }
    body
}
