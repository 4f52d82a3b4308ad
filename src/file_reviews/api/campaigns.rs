//! `…/review-campaigns`: supervisors open a quarter's campaign, verify its sample, read its report.

use super::*;

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
    #[schema(min_items = 1, max_items = 200)]
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

pub(super) fn load_campaign(conn: &mut DbConn, agency_id: &str, id: &str) -> AppResult<CampaignRow> {
    store::find_campaign(conn, agency_id, id)?.ok_or(AppError::NotFound("review campaign"))
}

/// Open a review campaign (案卷评查): supervisors. Samples the quarter's closed files in
/// scope from the seed, pre-fills what the service finds in each file, and assigns each to
/// a reviewer who did not handle it.
#[utoipa::path(
    post, path = "/api/v1/review-campaigns", tag = "case-file reviews",
    params(idempotency::KeyHeader),
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
    req: HttpRequest,
    body: RawJson,
) -> AppResult<HttpResponse> {
    let input: CampaignInput = parse_json(&body.0)?;
    user.require(Role::Supervisor)?;
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
    let key = IdempotencyKey::from_request(&req, &user.id, &body.0)?;
    idempotency::run(&state, key, Answer::CREATED, move |conn| {
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
    .await
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
