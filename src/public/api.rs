//! `/public/…`: disclosure before enforcement (事前公开), readable without logging in.

use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use diesel::QueryResult;
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

use crate::agencies::store::AgencyRow;
use crate::clock;
use crate::db::DbConn;
use crate::error::{AppError, AppResult, Problem};
use crate::http::{ApiQuery, Page, PageParams, PageRequest};
use crate::public::model::{PublicOfficer, PublicPower};
use crate::public::store;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PublicListParams {
    /// The agency's public code, e.g. `XF`.
    pub agency: String,
}

/// The agency's power list in force today (权责清单公示).
#[utoipa::path(
    get, path = "/api/v1/public/powers", tag = "public",
    params(PublicListParams, PageParams),
    responses(
        (status = 200, body = inline(Page<PublicPower>)),
        (status = 400, body = Problem, description = "no agency given"),
        (status = 404, body = Problem, description = "unknown agency"),
    )
)]
pub async fn public_powers(
    state: web::Data<AppState>,
    query: ApiQuery<PublicListParams>,
    page: ApiQuery<PageParams>,
) -> AppResult<HttpResponse> {
    agency_page(state, query, page, store::powers_in_force).await
}

/// The agency's certified officers (执法人员公示): name, certificate number, enforcement
/// field and agency, for active officers whose certificate has not expired.
#[utoipa::path(
    get, path = "/api/v1/public/officers", tag = "public",
    params(PublicListParams, PageParams),
    responses(
        (status = 200, body = inline(Page<PublicOfficer>)),
        (status = 400, body = Problem, description = "no agency given"),
        (status = 404, body = Problem, description = "unknown agency"),
    )
)]
pub async fn public_officers(
    state: web::Data<AppState>,
    query: ApiQuery<PublicListParams>,
    page: ApiQuery<PageParams>,
) -> AppResult<HttpResponse> {
    agency_page(state, query, page, store::certified_officers).await
}

/// A store function reading one of an agency's public lists as of a day: a page of items,
/// each with its pagination key.
pub(crate) type PublicList<T> = fn(&mut DbConn, &AgencyRow, NaiveDate, &PageRequest) -> QueryResult<Vec<(T, String)>>;

/// A page of one of the agency's public lists, for the agency the query names, as of today
/// (also `inspection_items::api`).
pub(crate) async fn agency_page<T: Serialize + Send + 'static>(
    state: web::Data<AppState>,
    query: ApiQuery<PublicListParams>,
    page: ApiQuery<PageParams>,
    list: PublicList<T>,
) -> AppResult<HttpResponse> {
    let page = page.0.validate()?;
    let code = query.0.agency.trim().to_string();
    let today = clock::today();
    let request = page.clone();
    let rows = state
        .db(move |conn| {
            let agency = store::agency_by_code(conn, &code)?.ok_or(AppError::NotFound("agency"))?;
            Ok(list(conn, &agency, today, &request)?)
        })
        .await?;
    let page = Page::from_rows(rows, &page, |(_, key)| key.clone()).map(|(item, _)| item);
    Ok(HttpResponse::Ok().json(page))
}
