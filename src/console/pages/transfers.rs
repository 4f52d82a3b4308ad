//! 案件移送 in the console: the agency's transfer letters with a status filter and their
//! age in days, read as `GET /transfers` reads them (any staff member). The receipt and
//! feedback are still recorded through the API.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::console::session::ConsoleUser;
use crate::console::{ConsoleError, Layout, render};
use crate::http::PageRequest;
use crate::state::AppState;
use crate::transfers::api::{TransferView, views};
use crate::transfers::model::TransferStatus;

#[derive(Template)]
#[template(path = "console/transfers.html")]
struct TransfersPage {
    layout: Layout,
    statuses: Vec<(&'static str, &'static str, bool)>,
    rows: Vec<TransferView>,
    truncated: bool,
}

#[derive(Deserialize)]
pub struct TransfersQuery {
    status: Option<String>,
}

/// `GET /console/transfers?status=`: the agency's transfer letters, oldest first.
pub async fn list(
    state: web::Data<AppState>,
    user: ConsoleUser,
    query: web::Query<TransfersQuery>,
) -> Result<HttpResponse, ConsoleError> {
    let status = query.status.as_deref().and_then(TransferStatus::parse);
    let agency_id = user.current.agency_id.clone();
    let (rows, truncated) = state
        .db(move |conn| {
            let request = PageRequest {
                limit: 200,
                after: None,
            };
            let rows = crate::transfers::store::list(conn, &agency_id, status, &request)?;
            let truncated = rows.len() > 200;
            let mut rows = views(conn, rows)?;
            rows.truncate(200);
            Ok((rows, truncated))
        })
        .await?;
    render(
        StatusCode::OK,
        &TransfersPage {
            layout: Layout::new(&user, "案件移送", "/console/transfers"),
            statuses: TransferStatus::ALL
                .iter()
                .map(|s| (s.as_str(), s.label(), Some(*s) == status))
                .collect(),
            rows,
            truncated,
        },
    )
}
