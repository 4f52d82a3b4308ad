//! 案卷评查 over HTTP: `…/review-templates` (admins store versions), `…/review-campaigns`
//! (supervisors sample a quarter's closed files, verify the sample, read the report),
//! `…/case-file-reviews` (reviewers score their files) and `…/rectifications` (lead officers
//! answer what a score raised; supervisors accept or send back).

use actix_web::http::header::{self, Charset, ContentDisposition, DispositionParam, DispositionType, ExtendedValue};
use actix_web::{HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{CurrentUser, Role};
use crate::cases::api::caller_of;
use crate::cases::model::{CaseKind, Outcome, Penalty, Procedure};
use crate::clock;
use crate::db::DbConn;
use crate::error::{AppError, AppResult, FieldError, Problem, check_optional_text, check_text};
use crate::file_reviews::model::{
    self, Category, Finding, Grade, GradeThresholds, ItemAnswer, Mark, Points, RectificationStatus, SampleSize, Scope,
    Tally, TemplateContent, VetoAnswer, VetoItem,
};
use crate::file_reviews::report::{self, CampaignReport};
use crate::file_reviews::store::{
    self, CampaignRow, FileReviewRow, ListedRectification, NewRectification, RectificationFilter, ReviewFilter, Scored,
    Sheet, TemplateRow,
};
use crate::http::{ApiJson, ApiQuery, Page, PageParams};
use crate::state::AppState;

const MAX_NAME_CHARS: usize = 200;
const MAX_SEED_CHARS: usize = 128;
const MAX_TEXT_CHARS: usize = 2000;

fn supervise(user: &CurrentUser) -> AppResult<()> {
    user.require_any(&[Role::Supervisor, Role::Admin])
}

/// A scoring template version.
#[derive(Debug, Serialize, ToSchema)]
pub struct TemplateView {
    pub id: String,
    /// Versions of one template share a code (`default` for the built-in standard).
    pub code: String,
    pub version: i32,
    pub name: String,
    /// The sum of the point items.
    #[schema(value_type = f64)]
    pub max_points: Points,
    pub veto_items: Vec<VetoItem>,
    pub categories: Vec<Category>,
    pub grades: GradeThresholds,
    pub created_at: DateTime<Utc>,
    /// Absent for the built-in default stored on first use.
    pub created_by: Option<String>,
}

impl TemplateView {
    fn new(row: TemplateRow) -> AppResult<Self> {
        let content = row.content()?;
        Ok(TemplateView {
            max_points: content.max_points(),
            veto_items: content.veto_items,
            categories: content.categories,
            grades: content.grades,
            created_at: clock::from_db(row.created_at),
            id: row.id,
            code: row.code,
            version: row.version,
            name: row.name,
            created_by: row.created_by,
        })
    }
}

/// A new version of a scoring template.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateInput {
    /// The template this is a version of; `default` when absent (the one campaigns use
    /// unless they name another).
    #[schema(min_length = 1, max_length = 64, pattern = "^[a-z0-9_]+$")]
    pub code: Option<String>,
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"[^\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub name: String,
    #[schema(max_items = 200)]
    pub veto_items: Vec<VetoItem>,
    /// At least one category of point items.
    #[schema(min_items = 1, max_items = 200)]
    pub categories: Vec<Category>,
    pub grades: GradeThresholds,
}

/// Store a new version of a scoring template (评查标准): admins.
#[utoipa::path(
    post, path = "/api/v1/review-templates", tag = "case-file reviews",
    request_body = TemplateInput,
    responses(
        (status = 201, body = TemplateView),
        (status = 400, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 413, body = Problem), (status = 415, body = Problem),
        (status = 422, body = Problem, description = "duplicate keys, empty categories, thresholds above the maximum"),
    ),
    security(("bearer" = []))
)]
pub async fn create_review_template(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: ApiJson<TemplateInput>,
) -> AppResult<HttpResponse> {
    user.require(Role::Admin)?;
    let input = body.0;
    let code = input.code.unwrap_or_else(|| store::DEFAULT_TEMPLATE_CODE.to_string());
    let content = TemplateContent {
        veto_items: input.veto_items,
        categories: input.categories,
        grades: input.grades,
    };
    let mut errors = Vec::new();
    let well_formed_code = (1..=64).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !well_formed_code {
        errors.push(FieldError::new("code", "1 to 64 characters of a–z, 0–9 and _"));
    }
    check_text("name", &input.name, MAX_NAME_CHARS, &mut errors);
    errors.extend(content.validate());
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let view = state
        .db_write(move |conn| {
            let row = store::insert_template(
                conn,
                &user.agency_id,
                (&code, input.name.trim()),
                &content,
                Some(&user.id),
                clock::now(),
            )?;
            TemplateView::new(row)
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TemplateParams {
    /// Only the versions of this template.
    pub code: Option<String>,
}

/// The agency's template versions, oldest first: admins and supervisors. An agency that
/// has none yet gets the built-in default stored as version 1 on its first campaign.
#[utoipa::path(
    get, path = "/api/v1/review-templates", tag = "case-file reviews",
    params(TemplateParams, PageParams),
    responses((status = 200, body = inline(Page<TemplateView>)), (status = 400, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = []))
)]
pub async fn list_review_templates(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: ApiQuery<TemplateParams>,
    page: ApiQuery<PageParams>,
) -> AppResult<HttpResponse> {
    supervise(&user)?;
    let request = page.0.validate()?;
    let code = query.0.code;
    let page = state
        .db(move |conn| {
            let rows = store::list_templates(conn, &user.agency_id, code.as_deref(), &request)?;
            Page::from_rows(rows, &request, |r| r.id.clone()).try_map(TemplateView::new)
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One template version: admins and supervisors.
#[utoipa::path(
    get, path = "/api/v1/review-templates/{id}", tag = "case-file reviews",
    params(("id" = String, Path)),
    responses((status = 200, body = TemplateView), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
pub async fn get_review_template(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    supervise(&user)?;
    let id = id.into_inner();
    let view = state
        .db(move |conn| {
            let row = store::find_template(conn, &user.agency_id, &id)?.ok_or(AppError::NotFound("review template"))?;
            TemplateView::new(row)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// A review campaign to open.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignInput {
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"[^\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub name: String,
    /// The quarter whose closed files are sampled, `YYYYQn`.
    #[schema(example = "2024Q3", pattern = "^[0-9]{4}[Qq][1-4]$")]
    pub period: String,
    /// Kinds and penalty procedures in scope; all when absent.
    #[serde(default)]
    pub scope: Option<Scope>,
    /// `{"count": N}` or `{"ratio": 0.1}`; at least one file either way.
    pub sample: SampleSize,
    /// The sample's seed; a random one is drawn and recorded when absent.
    #[schema(
        min_length = 1,
        max_length = 128,
        pattern = r"[^\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub seed: Option<String>,
    /// The template version to score against; the latest `default` when absent.
    pub template_id: Option<String>,
    /// Who reviews; the agency's active supervisors and counsel when absent.
    #[schema(max_items = 200)]
    pub reviewer_ids: Option<Vec<String>>,
}

/// A file of a campaign, as the campaign lists it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CampaignFile {
    pub id: String,
    pub case_id: String,
    pub case_number: String,
    pub reviewer_id: String,
    /// 1 for the first file drawn.
    pub position: i32,
    /// `assigned` or `scored`.
    pub status: String,
    #[schema(value_type = Option<f64>)]
    pub total: Option<Points>,
    pub grade: Option<Grade>,
    pub mark: Option<Mark>,
}

/// A review campaign with its sample.
#[derive(Debug, Serialize, ToSchema)]
pub struct CampaignView {
    pub id: String,
    pub name: String,
    pub period: String,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub scope: Scope,
    pub sample: SampleSize,
    /// The seed the sample was drawn with.
    pub seed: String,
    /// How the sample follows from the seed and the eligible cases.
    pub sample_algorithm: String,
    pub template_id: String,
    pub eligible_count: i32,
    /// SHA-256 over the eligible case ids, sorted and joined by a newline.
    pub eligible_sha256: String,
    pub sample_count: i32,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    /// The sampled files in the order drawn.
    pub reviews: Vec<CampaignFile>,
}

fn campaign_view(conn: &mut DbConn, row: CampaignRow) -> AppResult<CampaignView> {
    let reviews = store::reviews_of(conn, &row.id)?
        .into_iter()
        .map(|(r, case_number)| CampaignFile {
            total: store::points(r.total_tenths),
            id: r.id,
            case_id: r.case_id,
            case_number,
            reviewer_id: r.reviewer_id,
            position: r.position,
            status: r.status,
            grade: r.grade,
            mark: r.mark,
        })
        .collect();
    Ok(CampaignView {
        scope: serde_json::from_str(&row.scope).map_err(AppError::internal)?,
        sample: serde_json::from_str(&row.sample).map_err(AppError::internal)?,
        sample_algorithm: model::SAMPLE_ALGORITHM.to_string(),
        created_at: clock::from_db(row.created_at),
        id: row.id,
        name: row.name,
        period: row.period,
        period_from: row.period_from,
        period_to: row.period_to,
        seed: row.seed,
        template_id: row.template_id,
        eligible_count: row.eligible_count,
        eligible_sha256: row.eligible_digest,
        sample_count: row.sample_count,
        created_by: row.created_by,
        reviews,
    })
}

fn load_campaign(conn: &mut DbConn, agency_id: &str, id: &str) -> AppResult<CampaignRow> {
    store::find_campaign(conn, agency_id, id)?.ok_or(AppError::NotFound("review campaign"))
}

/// Open a review campaign (案卷评查): supervisors. Samples the quarter's closed files in
/// scope from the seed, pre-fills what the service finds in each file, and assigns each to
/// a reviewer who did not handle it.
#[utoipa::path(
    post, path = "/api/v1/review-campaigns", tag = "case-file reviews",
    request_body = CampaignInput,
    responses(
        (status = 201, body = CampaignView),
        (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 413, body = Problem), (status = 415, body = Problem),
        (status = 422, body = Problem, description = "no_eligible_cases, no_eligible_reviewer, or invalid fields"),
    ),
    security(("bearer" = []))
)]
pub async fn create_review_campaign(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: ApiJson<CampaignInput>,
) -> AppResult<HttpResponse> {
    user.require(Role::Supervisor)?;
    let input = body.0;
    let today = clock::today();
    let mut errors = Vec::new();
    check_text("name", &input.name, MAX_NAME_CHARS, &mut errors);
    check_optional_text("seed", input.seed.as_deref(), MAX_SEED_CHARS, &mut errors);
    let period = match crate::stats::model::Period::parse(None, Some(&input.period), None, None) {
        Ok(period) if period.from > today => {
            errors.push(FieldError::new("period", "this quarter has not begun"));
            None
        }
        Ok(period) => Some(period),
        Err(_) => {
            errors.push(FieldError::new("period", "a quarter, YYYYQn (e.g. 2024Q3)"));
            None
        }
    };
    if let Err(error) = input.sample.check() {
        errors.push(error);
    }
    if let Some(reviewers) = &input.reviewer_ids {
        if reviewers.is_empty() {
            errors.push(FieldError::new(
                "reviewer_ids",
                "name at least one reviewer, or leave it out",
            ));
        } else if reviewers.len() > 200 {
            errors.push(FieldError::new("reviewer_ids", "at most 200 reviewers"));
        }
    }
    let (Some(period), true) = (period, errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    let mut scope = input.scope.unwrap_or_default();
    scope.kinds.sort_by_key(|k| k.as_str());
    scope.kinds.dedup();
    scope.procedures.sort_by_key(|p| p.as_str());
    scope.procedures.dedup();
    let seed = input.seed.map(|s| s.trim().to_string()).unwrap_or_else(|| {
        let mut bytes = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut bytes);
        hex::encode(bytes)
    });
    let caller = caller_of(&user);
    let view = state
        .db_write(move |conn| {
            let now = clock::now();
            let template = match &input.template_id {
                Some(id) => store::find_template(conn, &caller.agency_id, id)?
                    .ok_or_else(|| AppError::field("template_id", "no review template of this agency has this id"))?,
                None => store::default_template(conn, &caller.agency_id, now)?,
            };
            let content = template.content()?;
            let eligible = store::eligible_cases(conn, &caller.agency_id, (period.from, period.to), &scope)?;
            if eligible.is_empty() {
                return Err(AppError::rule(
                    "no_eligible_cases",
                    format!(
                        "no case in scope was closed from {} to {}: there is nothing to sample",
                        period.from, period.to
                    ),
                ));
            }
            let sample = model::draw_sample(&seed, &eligible, input.sample.of(eligible.len()));
            let reviewers = store::reviewer_pool(conn, &caller.agency_id, input.reviewer_ids.as_deref())?;
            let handlers = store::handlers_of(conn, &sample)?;
            let assigned = model::assign_reviewers(&sample, &reviewers, &handlers).map_err(|case_id| {
                AppError::rule(
                    "no_eligible_reviewer",
                    format!(
                        "every reviewer handled the sampled case {case_id} (as its officer, its approver or decider, or its counsel); name another reviewer"
                    ),
                )
            })?;
            let settings = crate::cases::store::procedure_settings(conn, &caller.agency_id)?;
            let campaign_id = uuid::Uuid::now_v7().to_string();
            let mut files: std::collections::HashMap<String, crate::cases::model::Case> =
                crate::cases::store::load_many(conn, &caller.agency_id, &sample)?
                    .into_iter()
                    .map(|(case, _)| (case.id.clone(), case))
                    .collect();
            let mut reviews = Vec::with_capacity(assigned.len());
            for (position, (case_id, reviewer_id)) in assigned.into_iter().enumerate() {
                let case = files.remove(&case_id).ok_or(AppError::NotFound("case"))?;
                let reasons = crate::cases::model::legal_review_reasons(&case, &settings);
                let findings = model::findings(&content, &model::failed_checks(&case, &reasons));
                reviews.push(FileReviewRow {
                    id: uuid::Uuid::now_v7().to_string(),
                    agency_id: caller.agency_id.clone(),
                    campaign_id: campaign_id.clone(),
                    case_id,
                    position: position as i32 + 1,
                    reviewer_id,
                    status: "assigned".into(),
                    findings: serde_json::to_string(&findings).map_err(AppError::internal)?,
                    sheet: None,
                    sheet_hash: None,
                    max_tenths: None,
                    total_tenths: None,
                    grade: None,
                    vetoed: None,
                    mark: None,
                    scored_at: None,
                    scored_on: None,
                    record_seq: None,
                });
            }
            let row = CampaignRow {
                id: campaign_id,
                agency_id: caller.agency_id.clone(),
                name: input.name.trim().to_string(),
                period: input.period.trim().to_uppercase(),
                period_from: period.from,
                period_to: period.to,
                scope: serde_json::to_string(&scope).map_err(AppError::internal)?,
                sample: serde_json::to_string(&input.sample).map_err(AppError::internal)?,
                eligible_digest: model::eligible_digest(&eligible),
                eligible_count: eligible.len() as i32,
                eligible: serde_json::to_string(&eligible).map_err(AppError::internal)?,
                sample_count: reviews.len() as i32,
                seed,
                template_id: template.id,
                created_at: clock::to_db(now),
                created_by: caller.user_id.clone(),
            };
            store::insert_campaign(conn, &row, &reviews)?;
            tracing::info!(campaign = %row.id, period = %row.period, eligible = row.eligible_count, sampled = row.sample_count, "review campaign opened");
            campaign_view(conn, row)
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// The agency's review campaigns, oldest first: supervisors and admins.
#[utoipa::path(
    get, path = "/api/v1/review-campaigns", tag = "case-file reviews",
    params(PageParams),
    responses((status = 200, body = inline(Page<CampaignView>)), (status = 400, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = []))
)]
pub async fn list_review_campaigns(
    state: web::Data<AppState>,
    user: CurrentUser,
    page: ApiQuery<PageParams>,
) -> AppResult<HttpResponse> {
    supervise(&user)?;
    let request = page.0.validate()?;
    let page = state
        .db(move |conn| {
            let rows = store::list_campaigns(conn, &user.agency_id, &request)?;
            Page::from_rows(rows, &request, |r| r.id.clone()).try_map(|row| campaign_view(conn, row))
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// A campaign with its files: supervisors and admins.
#[utoipa::path(
    get, path = "/api/v1/review-campaigns/{id}", tag = "case-file reviews",
    params(("id" = String, Path)),
    responses((status = 200, body = CampaignView), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
pub async fn get_review_campaign(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    supervise(&user)?;
    let id = id.into_inner();
    let view = state
        .db(move |conn| {
            let row = load_campaign(conn, &user.agency_id, &id)?;
            campaign_view(conn, row)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The sample recomputed from the recorded seed.
#[derive(Debug, Serialize, ToSchema)]
pub struct SampleVerification {
    pub campaign_id: String,
    pub seed: String,
    pub sample_algorithm: String,
    /// The eligible case ids fixed when the campaign opened, sorted.
    pub eligible: Vec<String>,
    pub eligible_sha256: String,
    /// The recorded eligible ids still hash to `eligible_sha256`.
    pub eligible_intact: bool,
    /// Recomputing the eligible cases from the database now gives the same set (a case
    /// closed in the period later, or changed, makes this false).
    pub eligible_unchanged: bool,
    /// The files the campaign holds, in the order drawn.
    pub recorded_sample: Vec<String>,
    /// The sample recomputed from `seed` and `eligible`.
    pub recomputed_sample: Vec<String>,
    pub sample_matches: bool,
}

/// Recompute a campaign's sample from its seed and eligible cases: supervisors and admins.
#[utoipa::path(
    get, path = "/api/v1/review-campaigns/{id}/sample/verify", tag = "case-file reviews",
    params(("id" = String, Path)),
    responses((status = 200, body = SampleVerification), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
pub async fn verify_campaign_sample(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    supervise(&user)?;
    let id = id.into_inner();
    let verification = state
        .db(move |conn| {
            let row = load_campaign(conn, &user.agency_id, &id)?;
            let eligible: Vec<String> = serde_json::from_str(&row.eligible).map_err(AppError::internal)?;
            let scope: Scope = serde_json::from_str(&row.scope).map_err(AppError::internal)?;
            let now_eligible = store::eligible_cases(conn, &user.agency_id, (row.period_from, row.period_to), &scope)?;
            let recorded_sample: Vec<String> = store::reviews_of(conn, &row.id)?
                .into_iter()
                .map(|(r, _)| r.case_id)
                .collect();
            let recomputed_sample = model::draw_sample(&row.seed, &eligible, recorded_sample.len());
            Ok(SampleVerification {
                eligible_intact: model::eligible_digest(&eligible) == row.eligible_digest
                    && eligible.len() == row.eligible_count as usize,
                eligible_unchanged: model::eligible_digest(&now_eligible) == row.eligible_digest,
                sample_matches: recomputed_sample == recorded_sample,
                campaign_id: row.id,
                seed: row.seed,
                sample_algorithm: model::SAMPLE_ALGORITHM.to_string(),
                eligible,
                eligible_sha256: row.eligible_digest,
                recorded_sample,
                recomputed_sample,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(verification))
}

#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CampaignReportFormat {
    #[default]
    Json,
    Xlsx,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    /// `json` (default) or `xlsx` (Chinese headers).
    #[param(value_type = Option<CampaignReportFormat>, inline)]
    pub format: Option<CampaignReportFormat>,
}

/// A campaign's report: files reviewed, average score, grades, the most frequent deductions,
/// exemplary and poor cases, rectification items; JSON or XLSX: supervisors and admins.
#[utoipa::path(
    get, path = "/api/v1/review-campaigns/{id}/report", tag = "case-file reviews",
    params(("id" = String, Path), ReportParams),
    responses(
        (status = 200, description = "the report",
            content(
                (CampaignReport = "application/json"),
                (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            )),
        (status = 400, body = Problem, description = "an unknown format"),
        (status = 403, body = Problem), (status = 404, body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn get_campaign_report(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    params: ApiQuery<ReportParams>,
) -> AppResult<HttpResponse> {
    supervise(&user)?;
    let id = id.into_inner();
    let format = params.0.format.unwrap_or_default();
    let report = state
        .db(move |conn| {
            let row = load_campaign(conn, &user.agency_id, &id)?;
            report::build(conn, &row, clock::today())
        })
        .await?;
    match format {
        CampaignReportFormat::Json => Ok(HttpResponse::Ok().json(report)),
        CampaignReportFormat::Xlsx => {
            let bytes = report::xlsx(&report).map_err(AppError::internal)?;
            let disposition = ContentDisposition {
                disposition: DispositionType::Attachment,
                parameters: vec![DispositionParam::FilenameExt(ExtendedValue {
                    charset: Charset::Ext("UTF-8".into()),
                    language_tag: None,
                    value: format!("案卷评查报告-{}.xlsx", report.period).into_bytes(),
                })],
            };
            Ok(HttpResponse::Ok()
                .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
                .insert_header((header::CONTENT_DISPOSITION, disposition))
                .body(bytes))
        }
    }
}

/// What the reviewer reads of the case file.
#[derive(Debug, Serialize, ToSchema)]
pub struct FileSummary {
    pub case_number: String,
    pub kind: CaseKind,
    pub procedure: Option<Procedure>,
    pub subject_name: String,
    pub summary: String,
    pub opened_on: NaiveDate,
    pub decided_on: Option<NaiveDate>,
    pub decision_number: Option<String>,
    pub outcome: Option<Outcome>,
    pub penalties: Vec<Penalty>,
    pub closed_on: Option<NaiveDate>,
    /// The officers' names, in the order of the case.
    pub officers: Vec<String>,
}

/// A reviewer's score sheet as submitted.
#[derive(Debug, Serialize, ToSchema)]
pub struct SheetView {
    pub veto: Vec<VetoAnswer>,
    pub items: Vec<ItemAnswer>,
    pub mark: Option<Mark>,
    pub comment: Option<String>,
}

/// A sampled case file and its review.
#[derive(Debug, Serialize, ToSchema)]
pub struct FileReviewView {
    pub id: String,
    pub campaign_id: String,
    pub case_id: String,
    pub position: i32,
    pub reviewer_id: String,
    /// `assigned` or `scored`.
    pub status: String,
    pub file: FileSummary,
    /// The template version scored against.
    pub template: TemplateView,
    /// What the service found in the file, pre-filled for the reviewer to confirm.
    pub findings: Vec<Finding>,
    pub sheet: Option<SheetView>,
    pub tally: Option<Tally>,
    /// SHA-256 of the stored sheet in canonical JSON; the record's `score_case_file` event
    /// states the same.
    pub sheet_sha256: Option<String>,
    pub scored_at: Option<DateTime<Utc>>,
    /// The `score_case_file` event's number in the case's record.
    pub record_seq: Option<i32>,
    pub rectifications: Vec<RectificationView>,
}

fn review_view(conn: &mut DbConn, agency_id: &str, row: FileReviewRow) -> AppResult<FileReviewView> {
    let campaign = load_campaign(conn, agency_id, &row.campaign_id)?;
    let template_row =
        store::find_template(conn, agency_id, &campaign.template_id)?.ok_or(AppError::NotFound("review template"))?;
    let (case, meta) = crate::cases::store::load(conn, agency_id, &row.case_id)?.ok_or(AppError::NotFound("case"))?;
    let findings = row.findings()?;
    let sheet = row.sheet()?;
    // As stored when scored: a later change of the rules never rewrites a given score.
    let tally = match (&sheet, row.max_tenths, row.total_tenths, row.grade, row.vetoed) {
        (Some(sheet), Some(max), Some(total), Some(grade), Some(vetoed)) => Some(Tally {
            max_points: Points::from_tenths(max),
            deducted: sheet.items.iter().map(|a| a.deduction).sum(),
            total: Points::from_tenths(total),
            grade,
            vetoed,
            failed_veto_items: sheet.veto.iter().filter(|a| a.failed).map(|a| a.key.clone()).collect(),
        }),
        _ => None,
    };
    let filter = RectificationFilter {
        review_id: Some(row.id.clone()),
        ..RectificationFilter::default()
    };
    let today = clock::today();
    let rectifications = store::list_rectifications(conn, agency_id, &filter, None)?
        .into_iter()
        .map(|listed| RectificationView::new(listed, today))
        .collect();
    Ok(FileReviewView {
        file: FileSummary {
            case_number: case.case_number.clone(),
            kind: case.kind,
            procedure: case.procedure,
            subject_name: meta.subject_name,
            summary: case.summary.clone(),
            opened_on: case.opened_on,
            decided_on: case.decided_on,
            decision_number: case.decision_number.clone(),
            outcome: case.outcome,
            penalties: case.penalties.clone(),
            closed_on: case.closed_on,
            officers: case.officers.iter().map(|o| o.display_name.clone()).collect(),
        },
        template: TemplateView::new(template_row)?,
        findings,
        sheet: sheet.map(|s| SheetView {
            veto: s.veto,
            items: s.items,
            mark: s.mark,
            comment: s.comment,
        }),
        tally,
        sheet_sha256: row.sheet_hash,
        scored_at: row.scored_at.map(clock::from_db),
        record_seq: row.record_seq,
        rectifications,
        id: row.id,
        campaign_id: row.campaign_id,
        case_id: row.case_id,
        position: row.position,
        reviewer_id: row.reviewer_id,
        status: row.status,
    })
}

/// The review, if the caller may read it: its reviewer, supervisors and admins (others 404).
fn readable_review(conn: &mut DbConn, user: &CurrentUser, id: &str) -> AppResult<FileReviewRow> {
    let row = store::find_review(conn, &user.agency_id, id)?.ok_or(AppError::NotFound("case-file review"))?;
    if row.reviewer_id == user.id || user.has(Role::Supervisor) || user.has(Role::Admin) {
        Ok(row)
    } else {
        Err(AppError::NotFound("case-file review"))
    }
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatusFilter {
    Assigned,
    Scored,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReviewListParams {
    pub campaign_id: Option<String>,
    /// Supervisors and admins may list anyone's; everyone else lists their own.
    pub reviewer_id: Option<String>,
    #[param(value_type = Option<ReviewStatusFilter>, inline)]
    pub status: Option<ReviewStatusFilter>,
}

/// A file in a reviewer's list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewListItem {
    pub id: String,
    pub campaign_id: String,
    pub case_id: String,
    pub case_number: String,
    pub reviewer_id: String,
    pub status: String,
    #[schema(value_type = Option<f64>)]
    pub total: Option<Points>,
    pub grade: Option<Grade>,
    pub mark: Option<Mark>,
    /// How many findings the service pre-filled.
    pub findings: usize,
}

/// Case-file reviews: a reviewer's own files, or (supervisors, admins) anyone's.
#[utoipa::path(
    get, path = "/api/v1/case-file-reviews", tag = "case-file reviews",
    params(ReviewListParams, PageParams),
    responses((status = 200, body = inline(Page<ReviewListItem>)), (status = 400, body = Problem)),
    security(("bearer" = []))
)]
pub async fn list_file_reviews(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: ApiQuery<ReviewListParams>,
    page: ApiQuery<PageParams>,
) -> AppResult<HttpResponse> {
    let request = page.0.validate()?;
    let query = query.0;
    let oversees = user.has(Role::Supervisor) || user.has(Role::Admin);
    let filter = ReviewFilter {
        campaign_id: query.campaign_id,
        reviewer_id: if oversees {
            query.reviewer_id
        } else {
            Some(user.id.clone())
        },
        status: query.status.map(|s| match s {
            ReviewStatusFilter::Assigned => "assigned",
            ReviewStatusFilter::Scored => "scored",
        }),
    };
    let agency_id = user.agency_id.clone();
    let page = state
        .db(move |conn| {
            let rows = store::list_reviews(conn, &agency_id, &filter, &request)?;
            Page::from_rows(rows, &request, |(r, _)| r.id.clone()).try_map(|(r, case_number)| {
                Ok(ReviewListItem {
                    findings: r.findings()?.len(),
                    total: store::points(r.total_tenths),
                    id: r.id,
                    campaign_id: r.campaign_id,
                    case_id: r.case_id,
                    case_number,
                    reviewer_id: r.reviewer_id,
                    status: r.status,
                    grade: r.grade,
                    mark: r.mark,
                })
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// A sampled file with the template, the service's findings and, once scored, the sheet:
/// its reviewer, supervisors and admins.
#[utoipa::path(
    get, path = "/api/v1/case-file-reviews/{id}", tag = "case-file reviews",
    params(("id" = String, Path)),
    responses((status = 200, body = FileReviewView), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
pub async fn get_file_review(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let view = state
        .db(move |conn| {
            let row = readable_review(conn, &user, &id)?;
            review_view(conn, &user.agency_id, row)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// A rectification item a score raises for the case's lead officer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RectificationInput {
    /// The item (veto or point) it follows from; the sheet must fail or deduct it.
    pub item_key: String,
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = r"[^\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub description: String,
    /// Working days from today to answer it; 10 when absent.
    #[schema(minimum = 1, maximum = 120)]
    pub working_days: Option<u32>,
}

/// A reviewer's score sheet: every veto item and every point item of the template once.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoreInput {
    pub veto: Vec<VetoAnswer>,
    pub items: Vec<ItemAnswer>,
    /// 示范优案 (an excellent file) or 典型差案 (one that is not).
    pub mark: Option<Mark>,
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = r"[^\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub comment: Option<String>,
    #[serde(default)]
    #[schema(max_items = 100)]
    pub rectifications: Vec<RectificationInput>,
}

/// Score a sampled file, once: its assigned reviewer. The total and grade are computed; the
/// score and the rectification items it raises are recorded in the case's record.
#[utoipa::path(
    post, path = "/api/v1/case-file-reviews/{id}/score", tag = "case-file reviews",
    params(("id" = String, Path)),
    request_body = ScoreInput,
    responses(
        (status = 200, body = FileReviewView),
        (status = 400, body = Problem),
        (status = 403, body = Problem, description = "not the file's reviewer"),
        (status = 404, body = Problem),
        (status = 409, body = Problem, description = "already scored"),
        (status = 413, body = Problem), (status = 415, body = Problem),
        (status = 422, body = Problem, description = "finding_dismissed_without_reason, exemplary_requires_excellent, poor_requires_below_excellent, rectification_without_deduction, calendar_year_missing, or items missing, unknown, twice or beyond their points"),
    ),
    security(("bearer" = []))
)]
pub async fn score_file_review(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    body: ApiJson<ScoreInput>,
) -> AppResult<HttpResponse> {
    let input = body.0;
    let mut errors = Vec::new();
    check_optional_text("comment", input.comment.as_deref(), MAX_TEXT_CHARS, &mut errors);
    if input.rectifications.len() > 100 {
        errors.push(FieldError::new("rectifications", "at most 100 items"));
    }
    for (i, r) in input.rectifications.iter().enumerate() {
        check_text(
            &format!("rectifications[{i}].description"),
            &r.description,
            MAX_TEXT_CHARS,
            &mut errors,
        );
        if r.working_days
            .is_some_and(|d| !(1..=model::MAX_RECTIFICATION_WORKING_DAYS).contains(&d))
        {
            errors.push(FieldError::new(
                format!("rectifications[{i}].working_days"),
                format!("from 1 to {}", model::MAX_RECTIFICATION_WORKING_DAYS),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let id = id.into_inner();
    let caller = caller_of(&user);
    let view = state
        .db_write(move |conn| {
            let review = readable_review(conn, &user, &id)?;
            if review.reviewer_id != user.id {
                return Err(AppError::Forbidden("a file is scored by the reviewer it is assigned to".into()));
            }
            if review.status != "assigned" {
                return Err(AppError::conflict("this file is already scored; a score is given once"));
            }
            let campaign = load_campaign(conn, &user.agency_id, &review.campaign_id)?;
            let template = store::find_template(conn, &user.agency_id, &campaign.template_id)?
                .ok_or(AppError::NotFound("review template"))?
                .content()?;
            let findings = review.findings()?;
            let tally = model::tally(&template, &findings, &input.veto, &input.items, input.mark)?;
            let today = clock::today();
            let mut rectifications = Vec::with_capacity(input.rectifications.len());
            for (i, r) in input.rectifications.iter().enumerate() {
                let deducted = input.veto.iter().any(|a| a.key == r.item_key && a.failed)
                    || input.items.iter().any(|a| a.key == r.item_key && a.deduction > Points::ZERO);
                if !deducted {
                    return Err(AppError::Rule {
                        rule: "rectification_without_deduction",
                        detail: format!(
                            "rectifications[{i}]: the item {} neither fails nor loses points in this sheet; a rectification follows from a deduction",
                            r.item_key
                        ),
                    });
                }
                let days = r.working_days.unwrap_or(model::DEFAULT_RECTIFICATION_WORKING_DAYS);
                let (due_on, complete) = crate::calendar::store::working_day_deadline(conn, today, days)?;
                if !complete {
                    return Err(AppError::rule(
                        "calendar_year_missing",
                        format!(
                            "the working-day calendar lacks a year up to {due_on}; an admin must load that year's State Council notice before this deadline can be computed"
                        ),
                    ));
                }
                rectifications.push(NewRectification {
                    item_key: r.item_key.clone(),
                    description: r.description.trim().to_string(),
                    due_on,
                });
            }
            let sheet = Sheet {
                veto: input.veto,
                items: input.items,
                mark: input.mark,
                comment: input.comment.map(|c| c.trim().to_string()).filter(|c| !c.is_empty()),
                findings,
            };
            store::record_score(
                conn,
                &caller,
                &review,
                Scored {
                    sheet: &sheet,
                    tally: &tally,
                    campaign: &campaign,
                    rectifications,
                },
                (today, clock::now()),
            )?;
            let row = store::find_review(conn, &user.agency_id, &id)?.ok_or(AppError::NotFound("case-file review"))?;
            review_view(conn, &user.agency_id, row)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// A rectification item (整改事项).
#[derive(Debug, Serialize, ToSchema)]
pub struct RectificationView {
    pub id: String,
    pub review_id: String,
    pub campaign_id: String,
    pub case_id: String,
    pub case_number: String,
    pub item_key: String,
    pub description: String,
    /// The case's lead officer, who answers it.
    pub officer_id: String,
    /// The last day to answer (working days from the score).
    pub due_on: NaiveDate,
    pub status: RectificationStatus,
    /// Open past its last day.
    pub overdue: bool,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub answer: Option<String>,
    pub answered_on: Option<NaiveDate>,
    pub reviewed_by: Option<String>,
    pub review_comment: Option<String>,
    pub closed_on: Option<NaiveDate>,
}

impl RectificationView {
    fn new((row, case_number, campaign_id): ListedRectification, today: NaiveDate) -> Self {
        RectificationView {
            overdue: model::rectification_overdue(row.status, row.due_on, today),
            created_at: clock::from_db(row.created_at),
            id: row.id,
            review_id: row.review_id,
            campaign_id,
            case_id: row.case_id,
            case_number,
            item_key: row.item_key,
            description: row.description,
            officer_id: row.officer_id,
            due_on: row.due_on,
            status: row.status,
            created_by: row.created_by,
            answer: row.answer,
            answered_on: row.answered_on,
            reviewed_by: row.reviewed_by,
            review_comment: row.review_comment,
            closed_on: row.closed_on,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RectificationParams {
    #[param(value_type = Option<RectificationStatus>)]
    pub status: Option<RectificationStatus>,
    /// `true`: only open items past their last day.
    pub overdue: Option<bool>,
    pub campaign_id: Option<String>,
    /// Supervisors and admins may list anyone's; an officer lists their own.
    pub officer_id: Option<String>,
}

/// Rectification items: an officer's own, or (supervisors, admins) everyone's.
#[utoipa::path(
    get, path = "/api/v1/rectifications", tag = "case-file reviews",
    params(RectificationParams, PageParams),
    responses((status = 200, body = inline(Page<RectificationView>)), (status = 400, body = Problem)),
    security(("bearer" = []))
)]
pub async fn list_rectifications(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: ApiQuery<RectificationParams>,
    page: ApiQuery<PageParams>,
) -> AppResult<HttpResponse> {
    let request = page.0.validate()?;
    let query = query.0;
    let oversees = user.has(Role::Supervisor) || user.has(Role::Admin);
    let today = clock::today();
    let filter = RectificationFilter {
        officer_id: if oversees {
            query.officer_id
        } else {
            Some(user.id.clone())
        },
        campaign_id: query.campaign_id,
        review_id: None,
        status: query.status,
        overdue_on: query.overdue.unwrap_or(false).then_some(today),
    };
    let agency_id = user.agency_id.clone();
    let page = state
        .db(move |conn| {
            let rows = store::list_rectifications(conn, &agency_id, &filter, Some(&request))?;
            let page = Page::from_rows(rows, &request, |(r, _, _)| r.id.clone());
            Ok(page.map(|listed| RectificationView::new(listed, today)))
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// The item, if the caller may read it: its officer, supervisors and admins (others 404).
fn readable_rectification(conn: &mut DbConn, user: &CurrentUser, id: &str) -> AppResult<ListedRectification> {
    let listed =
        store::find_rectification(conn, &user.agency_id, id)?.ok_or(AppError::NotFound("rectification item"))?;
    if listed.0.officer_id == user.id || user.has(Role::Supervisor) || user.has(Role::Admin) {
        Ok(listed)
    } else {
        Err(AppError::NotFound("rectification item"))
    }
}

/// One rectification item: its officer, supervisors and admins.
#[utoipa::path(
    get, path = "/api/v1/rectifications/{id}", tag = "case-file reviews",
    params(("id" = String, Path)),
    responses((status = 200, body = RectificationView), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
pub async fn get_rectification(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let view = state
        .db(move |conn| {
            Ok(RectificationView::new(
                readable_rectification(conn, &user, &id)?,
                clock::today(),
            ))
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerInput {
    /// What was put right, and how.
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = r"[^\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub answer: String,
}

/// Answer an open rectification item: the officer it is raised for.
#[utoipa::path(
    post, path = "/api/v1/rectifications/{id}/answer", tag = "case-file reviews",
    params(("id" = String, Path)),
    request_body = AnswerInput,
    responses(
        (status = 200, body = RectificationView),
        (status = 400, body = Problem),
        (status = 403, body = Problem, description = "not the officer the item is raised for"),
        (status = 404, body = Problem),
        (status = 409, body = Problem, description = "not open"),
        (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn answer_rectification(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    body: ApiJson<AnswerInput>,
) -> AppResult<HttpResponse> {
    let mut errors = Vec::new();
    check_text("answer", &body.0.answer, MAX_TEXT_CHARS, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let answer = body.0.answer.trim().to_string();
    let id = id.into_inner();
    let caller = caller_of(&user);
    let view = state
        .db_write(move |conn| {
            let (item, _, _) = readable_rectification(conn, &user, &id)?;
            if item.officer_id != user.id {
                return Err(AppError::Forbidden(
                    "a rectification item is answered by the officer it is raised for".into(),
                ));
            }
            if item.status != RectificationStatus::Open {
                return Err(AppError::conflict(format!(
                    "this rectification item is {}, not open",
                    item.status
                )));
            }
            store::answer_rectification(conn, &caller, &item, &answer, (clock::today(), clock::now()))?;
            Ok(RectificationView::new(
                readable_rectification(conn, &user, &id)?,
                clock::today(),
            ))
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RectificationReviewInput {
    /// `true` closes the item; `false` sends it back to the officer, open again.
    pub accepted: bool,
    /// Required when sending it back.
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = r"[^\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub comment: Option<String>,
}

/// Accept an answered rectification item, or send it back: supervisors.
#[utoipa::path(
    post, path = "/api/v1/rectifications/{id}/review", tag = "case-file reviews",
    params(("id" = String, Path)),
    request_body = RectificationReviewInput,
    responses(
        (status = 200, body = RectificationView),
        (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "no answer awaits review"),
        (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn review_rectification(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    body: ApiJson<RectificationReviewInput>,
) -> AppResult<HttpResponse> {
    user.require(Role::Supervisor)?;
    let input = body.0;
    let mut errors = Vec::new();
    match (input.accepted, input.comment.as_deref()) {
        (false, None) => errors.push(FieldError::new("comment", "say what is still missing")),
        (_, comment) => check_optional_text("comment", comment, MAX_TEXT_CHARS, &mut errors),
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let comment = input.comment.map(|c| c.trim().to_string());
    let id = id.into_inner();
    let caller = caller_of(&user);
    let view = state
        .db_write(move |conn| {
            let (item, _, _) = readable_rectification(conn, &user, &id)?;
            if item.status != RectificationStatus::Answered {
                return Err(AppError::conflict(format!(
                    "this rectification item is {}; only an answered one is reviewed",
                    item.status
                )));
            }
            store::review_rectification(
                conn,
                &caller,
                &item,
                (input.accepted, comment.as_deref()),
                (clock::today(), clock::now()),
            )?;
            Ok(RectificationView::new(
                readable_rectification(conn, &user, &id)?,
                clock::today(),
            ))
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
