//! `…/rectifications`: lead officers answer what a score raised; supervisors accept or send back.

use super::*;

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
    pub(super) fn new((row, case_number, campaign_id): ListedRectification, today: NaiveDate) -> Self {
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
    params(("id" = String, Path), idempotency::KeyHeader),
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
    req: HttpRequest,
    id: web::Path<String>,
    body: RawJson,
) -> AppResult<HttpResponse> {
    let input: AnswerInput = parse_json(&body.0)?;
    let mut errors = Vec::new();
    check_text("answer", &input.answer, MAX_TEXT_CHARS, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let answer = input.answer.trim().to_string();
    let id = id.into_inner();
    let caller = caller_of(&user);
    let key = IdempotencyKey::from_request(&req, &user.id, &body.0)?;
    idempotency::run(&state, key, Answer::OK, move |conn| {
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
    .await
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
    params(("id" = String, Path), idempotency::KeyHeader),
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
    req: HttpRequest,
    id: web::Path<String>,
    body: RawJson,
) -> AppResult<HttpResponse> {
    let input: RectificationReviewInput = parse_json(&body.0)?;
    user.require(Role::Supervisor)?;
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
    let key = IdempotencyKey::from_request(&req, &user.id, &body.0)?;
    idempotency::run(&state, key, Answer::OK, move |conn| {
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
    .await
}
