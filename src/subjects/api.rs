//! `/subjects`: the register of inspected and penalised parties (检查对象名录库), read and
//! written by any staff member of the agency.

use std::collections::HashSet;

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::CurrentUser;
use crate::clock;
use crate::error::{AppError, AppResult, Problem};
use crate::http::{ApiJson, ApiQuery, Page, PageParams, double_option};
use crate::state::AppState;
use crate::subjects::model::{RiskLevel, SubjectKind, SubjectProfile, mask_id_card_no, mask_phone};
use crate::subjects::store::{self, SubjectChanges, SubjectFilter, SubjectRow};

/// A subject as the API shows it. The ID number and phone are masked
/// (`1101**********002X`, `138****5678`) unless the caller may see them (admins, and
/// officers of a case about the subject).
#[derive(Debug, Serialize, ToSchema)]
pub struct SubjectView {
    pub id: String,
    pub kind: SubjectKind,
    /// 名称 / 姓名
    pub name: String,
    /// 统一社会信用代码 (GB 32100-2015)
    pub uscc: Option<String>,
    /// 公民身份号码 (GB 11643), masked unless the caller may see it.
    pub id_card_no: Option<String>,
    /// 法定代表人 / 负责人
    pub legal_representative: Option<String>,
    pub address: Option<String>,
    /// 行业
    pub industry: Option<String>,
    /// 风险等级
    pub risk_level: Option<RiskLevel>,
    /// Digits only; masked unless the caller may see it.
    pub contact_phone: Option<String>,
    /// True when `id_card_no` and `contact_phone` are shown masked.
    pub personal_data_masked: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl SubjectView {
    fn from_row(row: SubjectRow, unmasked: bool) -> Self {
        let masked = !unmasked;
        let profile = row.profile;
        SubjectView {
            kind: profile.kind,
            risk_level: profile.risk_level,
            id_card_no: profile.id_card_no.map(|n| if masked { mask_id_card_no(&n) } else { n }),
            contact_phone: profile.contact_phone.map(|p| if masked { mask_phone(&p) } else { p }),
            personal_data_masked: masked,
            id: row.id,
            name: profile.name,
            uscc: profile.uscc,
            legal_representative: profile.legal_representative,
            address: profile.address,
            industry: profile.industry,
            created_at: clock::from_db(row.created_at),
            updated_at: clock::from_db(row.updated_at),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateSubjectRequest {
    pub kind: SubjectKind,
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"[^\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub name: String,
    /// Required for an enterprise (and never starting 92, a 个体工商户's); a 个体工商户
    /// (`individual_business`) needs one starting 92 or `id_card_no`. 18 characters with a
    /// valid check character. Blank is none.
    #[schema(
        pattern = r"^[\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$|^[\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[0-9A-HJ-NP-RTUW-Ya-hj-np-rtuw-y]{2}[0-9]{6}[0-9A-HJ-NP-RTUW-Ya-hj-np-rtuw-y]{10}[\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
    )]
    pub uscc: Option<String>,
    /// Individuals and 个体工商户 (the operator's) only; 18 characters with a valid check
    /// character and birth date. Blank is none.
    #[schema(
        pattern = r"^[\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$|^[\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[1-9][0-9]{16}[0-9Xx][\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
    )]
    pub id_card_no: Option<String>,
    #[schema(max_length = 100)]
    pub legal_representative: Option<String>,
    #[schema(max_length = 300)]
    pub address: Option<String>,
    #[schema(max_length = 100)]
    pub industry: Option<String>,
    pub risk_level: Option<RiskLevel>,
    /// A mainland mobile or landline number; spaces, dashes, parentheses and +86 are
    /// accepted. Blank is none.
    #[schema(pattern = r"^[0-9 ()（）+-]*$")]
    pub contact_phone: Option<String>,
}

/// Absent fields stay as they are; `null` clears an optional field.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct PatchSubjectRequest {
    pub kind: Option<SubjectKind>,
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"[^\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, pattern = r"^[\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$|^[\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[0-9A-HJ-NP-RTUW-Ya-hj-np-rtuw-y]{2}[0-9]{6}[0-9A-HJ-NP-RTUW-Ya-hj-np-rtuw-y]{10}[\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$")]
    pub uscc: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, pattern = r"^[\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$|^[\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[1-9][0-9]{16}[0-9Xx][\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$")]
    pub id_card_no: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, max_length = 100)]
    pub legal_representative: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, max_length = 300)]
    pub address: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, max_length = 100)]
    pub industry: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<RiskLevel>)]
    pub risk_level: Option<Option<RiskLevel>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, pattern = r"^[0-9 ()（）+-]*$")]
    pub contact_phone: Option<Option<String>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SubjectListParams {
    /// Text in the name, the unified social credit code or the industry.
    pub q: Option<String>,
    pub kind: Option<SubjectKind>,
    /// Exact industry.
    pub industry: Option<String>,
    pub risk_level: Option<RiskLevel>,
}

/// A unique-index violation on (agency_id, uscc) that slipped past the check (two
/// requests at once) is the same 409 as the check's.
fn duplicate_uscc(uscc: &Option<String>) -> impl Fn(diesel::result::Error) -> AppError + '_ {
    move |error| AppError::from_unique_violation(error, || duplicate_uscc_conflict(uscc.as_deref().unwrap_or_default()))
}

fn duplicate_uscc_conflict(uscc: &str) -> AppError {
    AppError::conflict(format!(
        "a subject with the unified social credit code {uscc} is already registered"
    ))
}

fn unmasked(conn: &mut crate::db::DbConn, caller: &CurrentUser, rows: &[SubjectRow]) -> AppResult<HashSet<String>> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    Ok(store::unmasked_among(conn, caller, &ids)?)
}

/// Register a subject.
#[utoipa::path(
    post, path = "/api/v1/subjects", tag = "subjects",
    request_body = CreateSubjectRequest,
    responses(
        (status = 201, body = SubjectView),
        (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 409, body = Problem, description = "the unified social credit code is already registered"),
        (status = 422, body = Problem, description = "a field is invalid, e.g. a wrong check character"),
    ),
    security(("bearer" = []))
)]
pub async fn create_subject(
    state: web::Data<AppState>,
    caller: CurrentUser,
    body: ApiJson<CreateSubjectRequest>,
) -> AppResult<HttpResponse> {
    let body = body.0;
    let profile = SubjectProfile {
        kind: body.kind,
        name: body.name,
        uscc: body.uscc,
        id_card_no: body.id_card_no,
        legal_representative: body.legal_representative,
        address: body.address,
        industry: body.industry,
        risk_level: body.risk_level,
        contact_phone: body.contact_phone,
    }
    .normalized();
    profile.validate(clock::today()).map_err(AppError::Validation)?;
    let now = clock::to_db(clock::now());
    let row = SubjectRow {
        id: uuid::Uuid::now_v7().to_string(),
        agency_id: caller.agency_id.clone(),
        profile,
        created_at: now,
        updated_at: now,
    };
    let (row, unmasked) = state
        .db_write(move |conn| {
            if let Some(uscc) = &row.profile.uscc
                && store::uscc_taken(conn, &row.agency_id, uscc, None)?
            {
                return Err(duplicate_uscc_conflict(uscc));
            }
            store::insert(conn, &row).map_err(duplicate_uscc(&row.profile.uscc))?;
            let unmasked = store::may_see_unmasked(conn, &caller, &row.id)?;
            tracing::info!(subject_id = %row.id, by = %caller.id, "subject registered");
            Ok((row, unmasked))
        })
        .await?;
    Ok(HttpResponse::Created().json(SubjectView::from_row(row, unmasked)))
}

/// Search the agency's subjects.
#[utoipa::path(
    get, path = "/api/v1/subjects", tag = "subjects",
    params(SubjectListParams, PageParams),
    responses((status = 200, body = inline(Page<SubjectView>)), (status = 400, body = Problem), (status = 401, body = Problem)),
    security(("bearer" = []))
)]
pub async fn list_subjects(
    state: web::Data<AppState>,
    caller: CurrentUser,
    query: ApiQuery<SubjectListParams>,
    page: ApiQuery<PageParams>,
) -> AppResult<HttpResponse> {
    let params = query.0;
    let page = page.0.validate()?;
    let filter = SubjectFilter {
        q: params.q.filter(|q| !q.trim().is_empty()),
        kind: params.kind,
        industry: params.industry.map(|i| i.trim().to_string()).filter(|i| !i.is_empty()),
        risk_level: params.risk_level,
    };
    let request = page.clone();
    let (rows, unmasked) = state
        .db(move |conn| {
            let rows = store::list(conn, &caller.agency_id, &filter, &request)?;
            let unmasked = unmasked(conn, &caller, &rows)?;
            Ok((rows, unmasked))
        })
        .await?;
    let page = Page::from_rows(rows, &page, |row| row.id.clone()).map(|row| {
        let visible = unmasked.contains(&row.id);
        SubjectView::from_row(row, visible)
    });
    Ok(HttpResponse::Ok().json(page))
}

/// One subject of the caller's agency.
#[utoipa::path(
    get, path = "/api/v1/subjects/{id}", tag = "subjects",
    params(("id" = String, Path, description = "subject id")),
    responses((status = 200, body = SubjectView), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
pub async fn get_subject(
    state: web::Data<AppState>,
    caller: CurrentUser,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let (row, unmasked) = state
        .db(move |conn| {
            let row = store::find_in_agency(conn, &caller.agency_id, &id)?.ok_or(AppError::NotFound("subject"))?;
            let unmasked = store::may_see_unmasked(conn, &caller, &row.id)?;
            Ok((row, unmasked))
        })
        .await?;
    Ok(HttpResponse::Ok().json(SubjectView::from_row(row, unmasked)))
}

/// Correct or complete a subject.
#[utoipa::path(
    patch, path = "/api/v1/subjects/{id}", tag = "subjects",
    params(("id" = String, Path, description = "subject id")),
    request_body = PatchSubjectRequest,
    responses(
        (status = 200, body = SubjectView),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "the unified social credit code is already registered"),
        (status = 422, body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn patch_subject(
    state: web::Data<AppState>,
    caller: CurrentUser,
    id: web::Path<String>,
    body: ApiJson<PatchSubjectRequest>,
) -> AppResult<HttpResponse> {
    let patch = body.0;
    let id = id.into_inner();
    let today = clock::today();
    let (row, unmasked) = state
        .db_write(move |conn| {
            let current = store::find_in_agency(conn, &caller.agency_id, &id)?.ok_or(AppError::NotFound("subject"))?;
            let was = current.profile;
            let profile = SubjectProfile {
                kind: patch.kind.unwrap_or(was.kind),
                name: patch.name.unwrap_or(was.name),
                uscc: patch.uscc.unwrap_or(was.uscc),
                id_card_no: patch.id_card_no.unwrap_or(was.id_card_no),
                legal_representative: patch.legal_representative.unwrap_or(was.legal_representative),
                address: patch.address.unwrap_or(was.address),
                industry: patch.industry.unwrap_or(was.industry),
                risk_level: patch.risk_level.unwrap_or(was.risk_level),
                contact_phone: patch.contact_phone.unwrap_or(was.contact_phone),
            }
            .normalized();
            profile.validate(today).map_err(AppError::Validation)?;
            if let Some(uscc) = &profile.uscc
                && store::uscc_taken(conn, &caller.agency_id, uscc, Some(&current.id))?
            {
                return Err(duplicate_uscc_conflict(uscc));
            }
            let changes = SubjectChanges {
                profile,
                updated_at: clock::to_db(clock::now()),
            };
            let row = store::update(conn, &current.id, &changes).map_err(duplicate_uscc(&changes.profile.uscc))?;
            let unmasked = store::may_see_unmasked(conn, &caller, &row.id)?;
            tracing::info!(subject_id = %row.id, by = %caller.id, "subject updated");
            Ok((row, unmasked))
        })
        .await?;
    Ok(HttpResponse::Ok().json(SubjectView::from_row(row, unmasked)))
}
