//! `…/review-templates`: admins store scoring-template versions; supervisors read them.

use super::*;

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
    pub(super) fn new(row: TemplateRow) -> AppResult<Self> {
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
