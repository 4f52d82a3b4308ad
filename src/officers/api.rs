//! `/officers`: the agency's certified enforcement officers, for staff choosing who
//! handles a case.

use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::CurrentUser;
use crate::clock;
use crate::error::{AppResult, Problem};
use crate::http::{ApiQuery, Page, PageParams};
use crate::officers::model::{StatusFilter, expiry_window};
use crate::officers::store;
use crate::state::AppState;
use crate::users::model::{CertificateStatus, certificate_status};
use crate::users::store::UserRow;

/// An officer (执法人员) with their certificate (执法证).
#[derive(Debug, Serialize, ToSchema)]
pub struct OfficerView {
    /// The user id, as cases name their officers.
    pub id: String,
    pub display_name: String,
    /// 执法证号
    pub certificate_no: Option<String>,
    /// 执法领域
    pub enforcement_field: Option<String>,
    pub certificate_expires_on: Option<NaiveDate>,
    /// `valid`, `expiring` (within 30 days), `expired`, or `missing`. An expired
    /// certificate cannot be put on a case.
    pub certificate_status: CertificateStatus,
}

impl OfficerView {
    fn from_row(row: UserRow, today: NaiveDate) -> Self {
        OfficerView {
            certificate_status: certificate_status(row.certificate_expires_on, today),
            id: row.id,
            display_name: row.display_name,
            certificate_no: row.certificate_no,
            enforcement_field: row.enforcement_field,
            certificate_expires_on: row.certificate_expires_on,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OfficerListParams {
    /// Only officers whose certificate has this status today.
    #[param(inline)]
    pub status: Option<StatusFilter>,
}

/// The agency's active officers and their certificates.
#[utoipa::path(
    get, path = "/api/v1/officers", tag = "officers",
    params(OfficerListParams, PageParams),
    responses((status = 200, body = inline(Page<OfficerView>)), (status = 400, body = Problem), (status = 401, body = Problem)),
    security(("bearer" = []))
)]
pub async fn list_officers(
    state: web::Data<AppState>,
    caller: CurrentUser,
    query: ApiQuery<OfficerListParams>,
    page: ApiQuery<PageParams>,
) -> AppResult<HttpResponse> {
    let page = page.0.validate()?;
    let today = clock::today();
    let window = query.0.status.map(|s| expiry_window(s.status(), today));
    let request = page.clone();
    let rows = state
        .db(move |conn| Ok(store::list(conn, &caller.agency_id, window, &request)?))
        .await?;
    let page = Page::from_rows(rows, &page, |row| row.id.clone()).map(|row| OfficerView::from_row(row, today));
    Ok(HttpResponse::Ok().json(page))
}
