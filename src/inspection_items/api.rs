//! `/inspection-items`: the agency's inspection items (检查事项清单). Staff read them; admins
//! and supervisors publish and withdraw them. Published items are never edited or deleted:
//! a changed item is a new one under a new code, the old one withdrawn. Public, without
//! login: `/public/inspection-items?agency=` (the items in force today).

use actix_web::{HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{CurrentUser, Role};
use crate::clock;
use crate::db::DbConn;
use crate::error::{AppError, AppResult, Problem};
use crate::http::{ApiJson, ApiQuery, Page, PageParams};
use crate::inspection_items::model::{
    CreateInspectionItemRequest, InspectionMethod, NewInspectionItem, PublicInspectionItem,
    WithdrawInspectionItemRequest, basis_on, check_power,
};
use crate::inspection_items::store::{self, InspectionItemRow, ItemFilter};
use crate::public::api::{PublicListParams, agency_page};
use crate::state::AppState;

/// Publishing and withdrawing items is the office's act: its head (supervisors) or the
/// admins who keep its registers.
const KEEPERS: [Role; 2] = [Role::Admin, Role::Supervisor];

/// An item as staff see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct InspectionItemView {
    pub id: String,
    /// 事项编码, unique in the agency.
    pub code: String,
    /// 检查事项
    pub name: String,
    /// The power the item rests on, with the code, name and legal basis of its version in
    /// force today (or its last one, when it was retired since).
    pub power_id: String,
    pub power_code: String,
    pub power_name: String,
    /// 检查依据
    pub legal_basis: String,
    /// 检查标准
    pub standard: String,
    /// 检查方式
    pub method: InspectionMethod,
    /// The item's own cap; absent: the agency's default applies.
    pub yearly_cap: Option<u32>,
    /// The cap that applies: the item's own, else the agency's `inspection_yearly_cap`.
    pub effective_yearly_cap: u32,
    /// Complaint-triggered inspections are not counted against the cap.
    pub complaint_exempt: bool,
    /// On the random-inspection list (随机抽查事项清单).
    pub random: bool,
    pub published_on: NaiveDate,
    /// The first day the item is no longer in force.
    pub withdrawn_on: Option<NaiveDate>,
    pub withdraw_reason: Option<String>,
    /// Whether the item is in force today (Asia/Shanghai).
    pub in_force: bool,
    /// The user who published it.
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The views of `rows`, with their powers' versions and the agency's default cap.
fn views(conn: &mut DbConn, agency_id: &str, rows: Vec<InspectionItemRow>) -> AppResult<Vec<InspectionItemView>> {
    let power_ids: Vec<String> = rows.iter().map(|row| row.power_id.clone()).collect();
    let versions = store::power_versions_of(conn, agency_id, &power_ids)?;
    let default_cap = store::agency_yearly_cap(conn, agency_id)?;
    let today = clock::today();
    Ok(rows
        .into_iter()
        .map(|row| {
            let item = row.to_item();
            let basis = versions.get(&row.power_id).and_then(|v| basis_on(v, today));
            InspectionItemView {
                in_force: item.in_force_on(today),
                effective_yearly_cap: item.cap(default_cap),
                yearly_cap: item.yearly_cap,
                power_code: basis.map(|b| b.code.clone()).unwrap_or_default(),
                power_name: basis.map(|b| b.name.clone()).unwrap_or_default(),
                legal_basis: basis.map(|b| b.legal_basis.clone()).unwrap_or_default(),
                id: row.id,
                code: row.code,
                name: row.name,
                power_id: row.power_id,
                standard: row.standard,
                method: row.method,
                complaint_exempt: row.complaint_exempt,
                random: row.random,
                published_on: row.published_on,
                withdrawn_on: row.withdrawn_on,
                withdraw_reason: row.withdraw_reason,
                created_by: row.created_by,
                created_at: clock::from_db(row.created_at),
                updated_at: clock::from_db(row.updated_at),
            }
        })
        .collect())
}

fn view(conn: &mut DbConn, agency_id: &str, row: InspectionItemRow) -> AppResult<InspectionItemView> {
    views(conn, agency_id, vec![row])?
        .pop()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("an item's view went missing")))
}

/// The 409 of a code the agency's list already holds, whether the check found it or the
/// unique index refused a request that raced past the check.
fn duplicate_code(code: &str) -> AppError {
    AppError::conflict(format!(
        "the inspection item code {code} is taken; a changed item is published under a new code"
    ))
}

/// Publish an inspection item (admins and supervisors).
///
/// The item rests on a power of the agency's list in force on `published_on` (422
/// `power_not_in_force` otherwise; an unknown power or another agency's is a 422 naming
/// `power_id`). It is in force from `published_on` until withdrawn, and never edited.
#[utoipa::path(
    post, path = "/api/v1/inspection-items", tag = "inspection items",
    request_body = CreateInspectionItemRequest,
    responses(
        (status = 201, body = InspectionItemView),
        (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem, description = "neither an admin nor a supervisor"),
        (status = 409, body = Problem, description = "the code is taken in this agency"),
        (status = 413, body = Problem), (status = 415, body = Problem),
        (status = 422, body = Problem, description = "a field (the power_id not of this agency's list, published_on more than a year from today…) or power_not_in_force"),
    ),
    security(("bearer" = []))
)]
pub async fn create_inspection_item(
    state: web::Data<AppState>,
    caller: CurrentUser,
    body: ApiJson<CreateInspectionItemRequest>,
) -> AppResult<HttpResponse> {
    caller.require_any(&KEEPERS)?;
    let item = NewInspectionItem::parse(body.0, clock::today()).map_err(AppError::Validation)?;
    let agency_id = caller.agency_id.clone();
    let by = caller.id.clone();
    let view = state
        .db_write(move |conn| {
            let versions = store::power_versions_of(conn, &agency_id, std::slice::from_ref(&item.power_id))?;
            check_power(
                versions.get(&item.power_id).map(Vec::as_slice).unwrap_or_default(),
                item.published_on,
            )?;
            if store::code_taken(conn, &agency_id, &item.code)? {
                return Err(duplicate_code(&item.code));
            }
            let code = item.code.clone();
            let row = InspectionItemRow::new(&agency_id, item, &by, clock::to_db(clock::now()));
            store::insert(conn, &row).map_err(|e| AppError::from_unique_violation(e, || duplicate_code(&code)))?;
            view(conn, &agency_id, row)
        })
        .await?;
    tracing::info!(item_id = %view.id, code = %view.code, by = %caller.id, "inspection item published");
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/inspection-items/{}", view.id),
        ))
        .json(view))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InspectionItemListParams {
    /// Only items in force on this day (published by then and not withdrawn by then).
    #[param(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub in_force_on: Option<NaiveDate>,
    pub method: Option<InspectionMethod>,
    /// Only items on (true) or off (false) the random-inspection list.
    pub random: Option<bool>,
}

/// The agency's inspection items, withdrawn ones included, by code.
#[utoipa::path(
    get, path = "/api/v1/inspection-items", tag = "inspection items",
    params(InspectionItemListParams, PageParams),
    responses(
        (status = 200, body = inline(Page<InspectionItemView>)),
        (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 422, body = Problem, description = "a limit out of range"),
    ),
    security(("bearer" = []))
)]
pub async fn list_inspection_items(
    state: web::Data<AppState>,
    caller: CurrentUser,
    query: ApiQuery<InspectionItemListParams>,
    page: ApiQuery<PageParams>,
) -> AppResult<HttpResponse> {
    let page = page.0.validate()?;
    let filter = ItemFilter {
        in_force_on: query.0.in_force_on,
        method: query.0.method,
        random: query.0.random,
    };
    let request = page.clone();
    let page = state
        .db(move |conn| {
            let rows = store::list(conn, &caller.agency_id, &filter, &request)?;
            let page = Page::from_rows(rows, &request, |row| row.code.clone());
            let items = views(conn, &caller.agency_id, page.items)?;
            Ok(Page {
                items,
                next_cursor: page.next_cursor,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One inspection item of the agency.
#[utoipa::path(
    get, path = "/api/v1/inspection-items/{id}", tag = "inspection items",
    params(("id" = String, Path, description = "inspection item id")),
    responses(
        (status = 200, body = InspectionItemView),
        (status = 401, body = Problem),
        (status = 404, body = Problem, description = "no such item in the caller's agency"),
    ),
    security(("bearer" = []))
)]
pub async fn get_inspection_item(
    state: web::Data<AppState>,
    caller: CurrentUser,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let view = state
        .db(move |conn| {
            let row = store::find(conn, &caller.agency_id, &id)?.ok_or(AppError::NotFound("inspection item"))?;
            view(conn, &caller.agency_id, row)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Withdraw an inspection item (admins and supervisors): from `withdrawn_on` (default
/// today) it is no longer in force, leaves the public list and cannot be cited; it stays
/// readable by staff with its reason.
#[utoipa::path(
    post, path = "/api/v1/inspection-items/{id}/withdraw", tag = "inspection items",
    params(("id" = String, Path, description = "inspection item id")),
    request_body = WithdrawInspectionItemRequest,
    responses(
        (status = 200, body = InspectionItemView),
        (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem, description = "neither an admin nor a supervisor"),
        (status = 404, body = Problem, description = "no such item in the caller's agency"),
        (status = 409, body = Problem, description = "already withdrawn"),
        (status = 413, body = Problem), (status = 415, body = Problem),
        (status = 422, body = Problem, description = "a blank reason, or withdrawn_on before today, before published_on or more than a year ahead"),
    ),
    security(("bearer" = []))
)]
pub async fn withdraw_inspection_item(
    state: web::Data<AppState>,
    caller: CurrentUser,
    id: web::Path<String>,
    body: ApiJson<WithdrawInspectionItemRequest>,
) -> AppResult<HttpResponse> {
    caller.require_any(&KEEPERS)?;
    let id = id.into_inner();
    let agency_id = caller.agency_id.clone();
    let request = body.0;
    let view = state
        .db_write(move |conn| {
            let row = store::find(conn, &agency_id, &id)?.ok_or(AppError::NotFound("inspection item"))?;
            let withdrawal = row.to_item().withdraw(request, clock::today())?;
            let now = clock::to_db(clock::now());
            if !store::withdraw(conn, &row, &withdrawal, now)? {
                return Err(AppError::conflict(format!(
                    "the inspection item {} was withdrawn by another request",
                    row.code
                )));
            }
            let row = store::find(conn, &agency_id, &id)?.ok_or(AppError::NotFound("inspection item"))?;
            view(conn, &agency_id, row)
        })
        .await?;
    tracing::info!(
        item_id = %view.id, code = %view.code, withdrawn_on = ?view.withdrawn_on, by = %caller.id,
        "inspection item withdrawn"
    );
    Ok(HttpResponse::Ok().json(view))
}

/// The agency's inspection items in force today (检查事项清单公示, 国办发〔2024〕54号: 清单之外无
/// 检查), each with the power it rests on and its legal basis, the standard, the method,
/// the yearly cap that applies and whether complaint-triggered inspections count.
#[utoipa::path(
    get, path = "/api/v1/public/inspection-items", tag = "public",
    params(PublicListParams, PageParams),
    responses(
        (status = 200, body = inline(Page<PublicInspectionItem>)),
        (status = 400, body = Problem, description = "no agency given"),
        (status = 404, body = Problem, description = "unknown agency"),
        (status = 422, body = Problem, description = "a limit out of range"),
    )
)]
pub async fn public_inspection_items(
    state: web::Data<AppState>,
    query: ApiQuery<PublicListParams>,
    page: ApiQuery<PageParams>,
) -> AppResult<HttpResponse> {
    agency_page(state, query, page, store::public_in_force).await
}

/// The agency's random-inspection items in force today (随机抽查事项清单, 国办发〔2015〕58号):
/// the published inspection items the double-random plans draw under, with the same fields.
#[utoipa::path(
    get, path = "/api/v1/public/random-items", tag = "public",
    params(PublicListParams, PageParams),
    responses(
        (status = 200, body = inline(Page<PublicInspectionItem>)),
        (status = 400, body = Problem, description = "no agency given"),
        (status = 404, body = Problem, description = "unknown agency"),
        (status = 422, body = Problem, description = "a limit out of range"),
    )
)]
pub async fn public_random_items(
    state: web::Data<AppState>,
    query: ApiQuery<PublicListParams>,
    page: ApiQuery<PageParams>,
) -> AppResult<HttpResponse> {
    agency_page(state, query, page, store::public_random_in_force).await
}
