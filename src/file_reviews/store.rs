//! Case-file review rows: template versions, campaigns with their sample, the scored files
//! and their rectification items. A score, an answer and a supervisor's verdict each append
//! an event to the case's record in the same transaction.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde_json::json;

use crate::auth::{Role, Roles};
use crate::cases::model::CaseKind;
use crate::cases::store::Caller;
use crate::clock;
use crate::db::DbConn;
use crate::db::schema::{
    case_events, case_file_reviews, case_officers, cases, legal_reviews, rectifications, review_campaigns,
    review_templates, users,
};
use crate::error::{AppError, AppResult};
use crate::file_reviews::model::{
    self, Finding, Grade, ItemAnswer, Mark, Points, RectificationStatus, Scope, TemplateContent, VetoAnswer,
};
use crate::http::PageRequest;

/// The code of the template a campaign uses when it names none.
pub const DEFAULT_TEMPLATE_CODE: &str = "default";

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = review_templates)]
pub struct TemplateRow {
    pub id: String,
    pub agency_id: String,
    pub code: String,
    pub version: i32,
    pub name: String,
    pub content: String,
    pub created_at: NaiveDateTime,
    pub created_by: Option<String>,
}

impl TemplateRow {
    pub fn content(&self) -> AppResult<TemplateContent> {
        serde_json::from_str(&self.content).map_err(AppError::internal)
    }
}

/// Stores `content` as the next version of the agency's template `code`.
pub fn insert_template(
    conn: &mut DbConn,
    agency_id: &str,
    (code, name): (&str, &str),
    content: &TemplateContent,
    created_by: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<TemplateRow> {
    let latest: Option<i32> = review_templates::table
        .filter(review_templates::agency_id.eq(agency_id))
        .filter(review_templates::code.eq(code))
        .select(diesel::dsl::max(review_templates::version))
        .first(conn)?;
    let row = TemplateRow {
        id: uuid::Uuid::now_v7().to_string(),
        agency_id: agency_id.to_string(),
        code: code.to_string(),
        version: latest.unwrap_or(0) + 1,
        name: name.to_string(),
        content: serde_json::to_string(content).map_err(AppError::internal)?,
        created_at: clock::to_db(now),
        created_by: created_by.map(str::to_string),
    };
    diesel::insert_into(review_templates::table)
        .values(&row)
        .execute(conn)
        .map_err(|e| {
            AppError::from_unique_violation(e, || {
                AppError::conflict("another version of this template was stored meanwhile; retry")
            })
        })?;
    Ok(row)
}

/// The agency's latest version of `code`.
pub fn latest_template(conn: &mut DbConn, agency_id: &str, code: &str) -> QueryResult<Option<TemplateRow>> {
    review_templates::table
        .filter(review_templates::agency_id.eq(agency_id))
        .filter(review_templates::code.eq(code))
        .order(review_templates::version.desc())
        .select(TemplateRow::as_select())
        .first(conn)
        .optional()
}

/// The agency's latest default template, storing the built-in one as version 1 when the
/// agency has none (an agency created before templates existed).
pub fn default_template(conn: &mut DbConn, agency_id: &str, now: DateTime<Utc>) -> AppResult<TemplateRow> {
    if let Some(row) = latest_template(conn, agency_id, DEFAULT_TEMPLATE_CODE)? {
        return Ok(row);
    }
    Ok(seed_default_template(conn, agency_id, clock::to_db(now))?)
}

/// Stores the built-in default template as version 1 of a new agency's `default`.
pub fn seed_default_template(conn: &mut DbConn, agency_id: &str, at: NaiveDateTime) -> QueryResult<TemplateRow> {
    let content = serde_json::to_string(&model::default_template())
        .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
    let row = TemplateRow {
        id: uuid::Uuid::now_v7().to_string(),
        agency_id: agency_id.to_string(),
        code: DEFAULT_TEMPLATE_CODE.to_string(),
        version: 1,
        name: "行政执法案卷评查标准（默认）".to_string(),
        content,
        created_at: at,
        created_by: None,
    };
    diesel::insert_into(review_templates::table)
        .values(&row)
        .execute(conn)?;
    Ok(row)
}

pub fn find_template(conn: &mut DbConn, agency_id: &str, id: &str) -> QueryResult<Option<TemplateRow>> {
    review_templates::table
        .filter(review_templates::agency_id.eq(agency_id))
        .filter(review_templates::id.eq(id))
        .select(TemplateRow::as_select())
        .first(conn)
        .optional()
}

pub fn list_templates(
    conn: &mut DbConn,
    agency_id: &str,
    code: Option<&str>,
    page: &PageRequest,
) -> QueryResult<Vec<TemplateRow>> {
    let mut query = review_templates::table
        .filter(review_templates::agency_id.eq(agency_id))
        .select(TemplateRow::as_select())
        .order(review_templates::id.asc())
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(code) = code {
        query = query.filter(review_templates::code.eq(code.to_string()));
    }
    if let Some(after) = &page.after {
        query = query.filter(review_templates::id.gt(after.clone()));
    }
    query.load(conn)
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = review_campaigns)]
pub struct CampaignRow {
    pub id: String,
    pub agency_id: String,
    pub name: String,
    pub period: String,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub scope: String,
    pub sample: String,
    pub seed: String,
    pub template_id: String,
    /// The eligible case ids, sorted, as a JSON array.
    pub eligible: String,
    pub eligible_count: i32,
    pub eligible_digest: String,
    pub sample_count: i32,
    pub created_at: NaiveDateTime,
    pub created_by: String,
}

/// The cases a campaign may sample: the agency's cases closed in the period (closed or since
/// archived), of the scope's kinds and, for penalty cases, procedures; ids in order.
pub fn eligible_cases(
    conn: &mut DbConn,
    agency_id: &str,
    (from, to): (NaiveDate, NaiveDate),
    scope: &Scope,
) -> QueryResult<Vec<String>> {
    let mut query = cases::table
        .filter(cases::agency_id.eq(agency_id))
        .filter(cases::status.eq_any(["closed", "archived"]))
        .filter(cases::closed_on.ge(from))
        .filter(cases::closed_on.le(to))
        .select(cases::id)
        .order(cases::id.asc())
        .into_boxed();
    if !scope.kinds.is_empty() {
        let kinds: Vec<&str> = scope.kinds.iter().map(|k| k.as_str()).collect();
        query = query.filter(cases::kind.eq_any(kinds));
    }
    if !scope.procedures.is_empty() {
        let procedures: Vec<String> = scope.procedures.iter().map(|p| p.as_str().to_string()).collect();
        query = query.filter(
            cases::kind
                .eq(CaseKind::Inspection.as_str())
                .or(cases::procedure.eq_any(procedures).assume_not_null()),
        );
    }
    query.load(conn)
}

/// Everyone who handled each case: its officers (recused ones included), the actors of its
/// record (the head who approved and decided, counsel who signed), and counsel of its reviews.
pub fn handlers_of(conn: &mut DbConn, case_ids: &[String]) -> QueryResult<HashMap<String, HashSet<String>>> {
    let mut handled: HashMap<String, HashSet<String>> = HashMap::new();
    for chunk in case_ids.chunks(500) {
        let officers: Vec<(String, String)> = case_officers::table
            .filter(case_officers::case_id.eq_any(chunk))
            .select((case_officers::case_id, case_officers::user_id))
            .load(conn)?;
        let actors: Vec<(String, String)> = case_events::table
            .filter(case_events::case_id.eq_any(chunk))
            .select((case_events::case_id, case_events::actor_id))
            .distinct()
            .load(conn)?;
        let counsel: Vec<(String, Option<String>)> = legal_reviews::table
            .filter(legal_reviews::case_id.eq_any(chunk))
            .select((legal_reviews::case_id, legal_reviews::reviewer_id))
            .load(conn)?;
        let counsel = counsel.into_iter().filter_map(|(case, user)| Some((case, user?)));
        for (case_id, user_id) in officers.into_iter().chain(actors).chain(counsel) {
            handled.entry(case_id).or_default().insert(user_id);
        }
    }
    Ok(handled)
}

/// The reviewers of a campaign: those named (each an active staff member of the agency:
/// an officer, supervisor or counsel), or else the agency's active supervisors and counsel.
pub fn reviewer_pool(conn: &mut DbConn, agency_id: &str, named: Option<&[String]>) -> AppResult<Vec<String>> {
    let staff: Vec<(String, String)> = users::table
        .filter(users::agency_id.eq(agency_id))
        .filter(users::active.eq(true))
        .select((users::id, users::roles))
        .load(conn)?;
    let staff: HashMap<String, Roles> = staff
        .into_iter()
        .map(|(id, roles)| (id, Roles::from_db(&roles)))
        .collect();
    match named {
        Some(named) => {
            let errors: Vec<_> = named
                .iter()
                .enumerate()
                .filter(|(_, id)| {
                    !staff.get(*id).is_some_and(|roles| {
                        [Role::Officer, Role::Supervisor, Role::LegalCounsel]
                            .iter()
                            .any(|r| roles.has(*r))
                    })
                })
                .map(|(i, _)| {
                    crate::error::FieldError::new(
                        format!("reviewer_ids[{i}]"),
                        "not an active officer, supervisor or counsel of this agency",
                    )
                })
                .collect();
            if !errors.is_empty() {
                return Err(AppError::Validation(errors));
            }
            Ok(named.to_vec())
        }
        None => {
            let mut pool: Vec<String> = staff
                .into_iter()
                .filter(|(_, roles)| roles.has(Role::Supervisor) || roles.has(Role::LegalCounsel))
                .map(|(id, _)| id)
                .collect();
            pool.sort();
            Ok(pool)
        }
    }
}

pub fn insert_campaign(conn: &mut DbConn, row: &CampaignRow, reviews: &[FileReviewRow]) -> QueryResult<()> {
    diesel::insert_into(review_campaigns::table).values(row).execute(conn)?;
    // One row at a time: MultiConnection has no batch insert.
    for review in reviews {
        diesel::insert_into(case_file_reviews::table)
            .values(review)
            .execute(conn)?;
    }
    Ok(())
}

pub fn find_campaign(conn: &mut DbConn, agency_id: &str, id: &str) -> QueryResult<Option<CampaignRow>> {
    review_campaigns::table
        .filter(review_campaigns::agency_id.eq(agency_id))
        .filter(review_campaigns::id.eq(id))
        .select(CampaignRow::as_select())
        .first(conn)
        .optional()
}

pub fn list_campaigns(conn: &mut DbConn, agency_id: &str, page: &PageRequest) -> QueryResult<Vec<CampaignRow>> {
    let mut query = review_campaigns::table
        .filter(review_campaigns::agency_id.eq(agency_id))
        .select(CampaignRow::as_select())
        .order(review_campaigns::id.asc())
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(after) = &page.after {
        query = query.filter(review_campaigns::id.gt(after.clone()));
    }
    query.load(conn)
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = case_file_reviews)]
pub struct FileReviewRow {
    pub id: String,
    pub agency_id: String,
    pub campaign_id: String,
    pub case_id: String,
    pub position: i32,
    pub reviewer_id: String,
    pub status: String,
    /// The findings pre-filled when the file was sampled, as JSON.
    pub findings: String,
    pub sheet: Option<String>,
    pub sheet_hash: Option<String>,
    pub max_tenths: Option<i64>,
    pub total_tenths: Option<i64>,
    pub grade: Option<Grade>,
    pub vetoed: Option<bool>,
    pub mark: Option<Mark>,
    pub scored_at: Option<NaiveDateTime>,
    pub scored_on: Option<NaiveDate>,
    pub record_seq: Option<i32>,
}

impl FileReviewRow {
    pub fn findings(&self) -> AppResult<Vec<Finding>> {
        serde_json::from_str(&self.findings).map_err(AppError::internal)
    }

    pub fn sheet(&self) -> AppResult<Option<Sheet>> {
        self.sheet
            .as_deref()
            .map(|s| serde_json::from_str(s).map_err(AppError::internal))
            .transpose()
    }
}

/// A file's review, as listed: with its case's number.
pub type ListedReview = (FileReviewRow, String);

/// What a reviewer filled in, as stored and hashed.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Sheet {
    pub veto: Vec<VetoAnswer>,
    pub items: Vec<ItemAnswer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mark: Option<Mark>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The pre-filled findings, as the reviewer saw them.
    pub findings: Vec<Finding>,
}

pub fn find_review(conn: &mut DbConn, agency_id: &str, id: &str) -> QueryResult<Option<FileReviewRow>> {
    case_file_reviews::table
        .filter(case_file_reviews::agency_id.eq(agency_id))
        .filter(case_file_reviews::id.eq(id))
        .select(FileReviewRow::as_select())
        .first(conn)
        .optional()
}

/// Filters of the review list.
#[derive(Debug, Default, Clone)]
pub struct ReviewFilter {
    pub campaign_id: Option<String>,
    pub reviewer_id: Option<String>,
    pub status: Option<&'static str>,
}

pub fn list_reviews(
    conn: &mut DbConn,
    agency_id: &str,
    filter: &ReviewFilter,
    page: &PageRequest,
) -> QueryResult<Vec<ListedReview>> {
    let mut query = case_file_reviews::table
        .inner_join(cases::table)
        .filter(case_file_reviews::agency_id.eq(agency_id))
        .select((FileReviewRow::as_select(), cases::case_number))
        .order(case_file_reviews::id.asc())
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(campaign_id) = &filter.campaign_id {
        query = query.filter(case_file_reviews::campaign_id.eq(campaign_id.clone()));
    }
    if let Some(reviewer_id) = &filter.reviewer_id {
        query = query.filter(case_file_reviews::reviewer_id.eq(reviewer_id.clone()));
    }
    if let Some(status) = filter.status {
        query = query.filter(case_file_reviews::status.eq(status));
    }
    if let Some(after) = &page.after {
        query = query.filter(case_file_reviews::id.gt(after.clone()));
    }
    query.load(conn)
}

/// Every review of a campaign in sample order, with its case's number: what the campaign
/// view and its report read.
pub fn reviews_of(conn: &mut DbConn, campaign_id: &str) -> QueryResult<Vec<ListedReview>> {
    case_file_reviews::table
        .inner_join(cases::table)
        .filter(case_file_reviews::campaign_id.eq(campaign_id))
        .select((FileReviewRow::as_select(), cases::case_number))
        .order(case_file_reviews::position.asc())
        .load(conn)
}

/// A rectification item asked for in a score.
#[derive(Debug, Clone)]
pub struct NewRectification {
    pub item_key: String,
    pub description: String,
    pub due_on: NaiveDate,
}

/// A file scored: what the store writes.
pub struct Scored<'a> {
    pub sheet: &'a Sheet,
    pub tally: &'a model::Tally,
    pub campaign: &'a CampaignRow,
    pub rectifications: Vec<NewRectification>,
}

/// Records a score once: the review row, its rectification items for the case's lead
/// officer, and the `score_case_file` event in the case's record. Returns the event's seq.
pub fn record_score(
    conn: &mut DbConn,
    caller: &Caller,
    review: &FileReviewRow,
    scored: Scored<'_>,
    (today, now): (NaiveDate, DateTime<Utc>),
) -> AppResult<i32> {
    // The case's row lock: the record's next number cannot be taken twice.
    crate::cases::store::lock_for_record(conn, &caller.agency_id, &review.case_id, now)?;
    let lead_officer = case_officers::table
        .filter(case_officers::case_id.eq(&review.case_id))
        .order((case_officers::recused.asc(), case_officers::position.asc()))
        .select(case_officers::user_id)
        .first::<String>(conn)
        .optional()?
        .ok_or_else(|| {
            AppError::rule(
                "no_lead_officer",
                "the case file names no officer to answer a rectification item",
            )
        })?;
    let sheet_json = serde_json::to_value(scored.sheet).map_err(AppError::internal)?;
    let sheet_text = crate::record::chain::canonical_json(&sheet_json);
    let sheet_hash = crate::record::chain::canonical_sha256(&sheet_json);
    let rectifications: Vec<RectificationRow> = scored
        .rectifications
        .into_iter()
        .map(|r| RectificationRow {
            id: uuid::Uuid::now_v7().to_string(),
            agency_id: caller.agency_id.clone(),
            review_id: review.id.clone(),
            case_id: review.case_id.clone(),
            item_key: r.item_key,
            description: r.description,
            officer_id: lead_officer.clone(),
            due_on: r.due_on,
            status: RectificationStatus::Open,
            created_at: clock::to_db(now),
            created_by: caller.user_id.clone(),
            answer: None,
            answered_at: None,
            answered_on: None,
            reviewed_by: None,
            reviewed_at: None,
            review_comment: None,
            closed_on: None,
        })
        .collect();
    let tally = scored.tally;
    let payload = json!({
        "review_id": review.id,
        "campaign_id": scored.campaign.id,
        "period": scored.campaign.period,
        "template_id": scored.campaign.template_id,
        "max_points": tally.max_points,
        "deducted": tally.deducted,
        "total": tally.total,
        "grade": tally.grade,
        "vetoed": tally.vetoed,
        "failed_veto_items": tally.failed_veto_items,
        "mark": scored.sheet.mark,
        "sheet_sha256": sheet_hash,
        "rectifications": rectifications.iter().map(|r| json!({
            "id": r.id, "item_key": r.item_key, "officer_id": r.officer_id, "due_on": r.due_on,
        })).collect::<Vec<_>>(),
    });
    let event = crate::record::store::append(conn, &review.case_id, &caller.user_id, "score_case_file", &payload, now)?;
    let updated = diesel::update(
        case_file_reviews::table
            .filter(case_file_reviews::id.eq(&review.id))
            .filter(case_file_reviews::status.eq("assigned")),
    )
    .set((
        case_file_reviews::status.eq("scored"),
        case_file_reviews::sheet.eq(sheet_text),
        case_file_reviews::sheet_hash.eq(&sheet_hash),
        case_file_reviews::max_tenths.eq(tally.max_points.tenths()),
        case_file_reviews::total_tenths.eq(tally.total.tenths()),
        case_file_reviews::grade.eq(tally.grade),
        case_file_reviews::vetoed.eq(tally.vetoed),
        case_file_reviews::mark.eq(scored.sheet.mark),
        case_file_reviews::scored_at.eq(clock::to_db(now)),
        case_file_reviews::scored_on.eq(today),
        case_file_reviews::record_seq.eq(event.seq),
    ))
    .execute(conn)?;
    if updated != 1 {
        return Err(AppError::conflict("this file is already scored; a score is given once"));
    }
    for rectification in &rectifications {
        diesel::insert_into(rectifications::table)
            .values(rectification)
            .execute(conn)?;
    }
    Ok(event.seq)
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = rectifications)]
pub struct RectificationRow {
    pub id: String,
    pub agency_id: String,
    pub review_id: String,
    pub case_id: String,
    pub item_key: String,
    pub description: String,
    pub officer_id: String,
    pub due_on: NaiveDate,
    pub status: RectificationStatus,
    pub created_at: NaiveDateTime,
    pub created_by: String,
    pub answer: Option<String>,
    pub answered_at: Option<NaiveDateTime>,
    pub answered_on: Option<NaiveDate>,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<NaiveDateTime>,
    pub review_comment: Option<String>,
    pub closed_on: Option<NaiveDate>,
}

/// A rectification item with its case's number and its campaign.
pub type ListedRectification = (RectificationRow, String, String);

pub fn find_rectification(conn: &mut DbConn, agency_id: &str, id: &str) -> QueryResult<Option<ListedRectification>> {
    rectifications::table
        .inner_join(cases::table)
        .inner_join(case_file_reviews::table)
        .filter(rectifications::agency_id.eq(agency_id))
        .filter(rectifications::id.eq(id))
        .select((
            RectificationRow::as_select(),
            cases::case_number,
            case_file_reviews::campaign_id,
        ))
        .first(conn)
        .optional()
}

/// Filters of the rectification list; a `None` page lists them all (a review's own).
#[derive(Debug, Default, Clone)]
pub struct RectificationFilter {
    pub officer_id: Option<String>,
    pub campaign_id: Option<String>,
    pub review_id: Option<String>,
    pub status: Option<RectificationStatus>,
    /// Open past their last day, as of this day.
    pub overdue_on: Option<NaiveDate>,
}

pub fn list_rectifications(
    conn: &mut DbConn,
    agency_id: &str,
    filter: &RectificationFilter,
    page: Option<&PageRequest>,
) -> QueryResult<Vec<ListedRectification>> {
    let mut query = rectifications::table
        .inner_join(cases::table)
        .inner_join(case_file_reviews::table)
        .filter(rectifications::agency_id.eq(agency_id))
        .select((
            RectificationRow::as_select(),
            cases::case_number,
            case_file_reviews::campaign_id,
        ))
        .order(rectifications::id.asc())
        .into_boxed();
    if let Some(page) = page {
        query = query.limit(page.limit + 1);
        if let Some(after) = &page.after {
            query = query.filter(rectifications::id.gt(after.clone()));
        }
    }
    if let Some(officer_id) = &filter.officer_id {
        query = query.filter(rectifications::officer_id.eq(officer_id.clone()));
    }
    if let Some(campaign_id) = &filter.campaign_id {
        query = query.filter(case_file_reviews::campaign_id.eq(campaign_id.clone()));
    }
    if let Some(review_id) = &filter.review_id {
        query = query.filter(rectifications::review_id.eq(review_id.clone()));
    }
    if let Some(status) = filter.status {
        query = query.filter(rectifications::status.eq(status));
    }
    if let Some(today) = filter.overdue_on {
        query = query
            .filter(rectifications::status.eq(RectificationStatus::Open))
            .filter(rectifications::due_on.lt(today));
    }
    query.load(conn)
}

/// Every rectification item of a campaign's reviews: for its report.
pub fn rectifications_of_campaign(conn: &mut DbConn, campaign_id: &str) -> QueryResult<Vec<RectificationRow>> {
    rectifications::table
        .inner_join(case_file_reviews::table)
        .filter(case_file_reviews::campaign_id.eq(campaign_id))
        .select(RectificationRow::as_select())
        .order(rectifications::id.asc())
        .load(conn)
}

/// The lead officer answers an open item: the row and the `answer_rectification` event.
pub fn answer_rectification(
    conn: &mut DbConn,
    caller: &Caller,
    item: &RectificationRow,
    answer: &str,
    (today, now): (NaiveDate, DateTime<Utc>),
) -> AppResult<()> {
    crate::cases::store::lock_for_record(conn, &caller.agency_id, &item.case_id, now)?;
    let updated = diesel::update(
        rectifications::table
            .filter(rectifications::id.eq(&item.id))
            .filter(rectifications::status.eq(RectificationStatus::Open)),
    )
    .set((
        rectifications::status.eq(RectificationStatus::Answered),
        rectifications::answer.eq(answer),
        rectifications::answered_at.eq(clock::to_db(now)),
        rectifications::answered_on.eq(today),
    ))
    .execute(conn)?;
    if updated != 1 {
        return Err(AppError::conflict(
            "this rectification item is not open: it was answered meanwhile or is closed",
        ));
    }
    let payload = json!({
        "rectification_id": item.id, "review_id": item.review_id, "item_key": item.item_key,
        "answer": answer, "due_on": item.due_on, "in_time": today <= item.due_on,
    });
    crate::record::store::append(
        conn,
        &item.case_id,
        &caller.user_id,
        "answer_rectification",
        &payload,
        now,
    )?;
    Ok(())
}

/// A supervisor accepts an answered item (closed) or sends it back (open again), with the
/// `review_rectification` event.
pub fn review_rectification(
    conn: &mut DbConn,
    caller: &Caller,
    item: &RectificationRow,
    (accepted, comment): (bool, Option<&str>),
    (today, now): (NaiveDate, DateTime<Utc>),
) -> AppResult<()> {
    crate::cases::store::lock_for_record(conn, &caller.agency_id, &item.case_id, now)?;
    let next = if accepted {
        RectificationStatus::Closed
    } else {
        RectificationStatus::Open
    };
    let updated = diesel::update(
        rectifications::table
            .filter(rectifications::id.eq(&item.id))
            .filter(rectifications::status.eq(RectificationStatus::Answered)),
    )
    .set((
        rectifications::status.eq(next),
        rectifications::reviewed_by.eq(&caller.user_id),
        rectifications::reviewed_at.eq(clock::to_db(now)),
        rectifications::review_comment.eq(comment),
        rectifications::closed_on.eq(accepted.then_some(today)),
    ))
    .execute(conn)?;
    if updated != 1 {
        return Err(AppError::conflict(
            "this rectification item has no answer awaiting review",
        ));
    }
    let payload = json!({
        "rectification_id": item.id, "review_id": item.review_id, "item_key": item.item_key,
        "accepted": accepted, "comment": comment,
    });
    crate::record::store::append(
        conn,
        &item.case_id,
        &caller.user_id,
        "review_rectification",
        &payload,
        now,
    )?;
    Ok(())
}

/// Points stored in tenths, as points.
pub fn points(tenths: Option<i64>) -> Option<Points> {
    tenths.map(Points::from_tenths)
}
