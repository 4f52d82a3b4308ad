//! `…/case-file-reviews`: reviewers read and score the files assigned to them.

use super::*;

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
    params(("id" = String, Path), idempotency::KeyHeader),
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
    req: HttpRequest,
    id: web::Path<String>,
    body: RawJson,
) -> AppResult<HttpResponse> {
    let input: ScoreInput = parse_json(&body.0)?;
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
    let key = IdempotencyKey::from_request(&req, &user.id, &body.0)?;
    idempotency::run(&state, key, Answer::OK, move |conn| {
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
    .await
}
