//! `/public/inspection-items?agency=`: the published inspection items (检查事项清单) in force
//! today as a Chinese page, rendered like the other public lists (`disclosures::html`).

use actix_web::{HttpResponse, web};

use crate::clock;
use crate::disclosures::html::{AgencyParam, agency_table};
use crate::error::{AppResult, Problem};
use crate::http::ApiQuery;
use crate::inspection_items::model::PublicInspectionItem;
use crate::inspection_items::store;
use crate::state::AppState;

/// The columns of the page, in the order of [`cells`].
const HEADERS: [&str; 7] = [
    "事项编码",
    "检查事项",
    "检查依据",
    "检查标准",
    "检查方式",
    "年度频次上限",
    "投诉举报触发的检查是否计入",
];

/// One item as a row of the page.
fn cells(item: PublicInspectionItem) -> Vec<String> {
    vec![
        item.code,
        item.name,
        format!("{}（{} {}）", item.legal_basis, item.power_code, item.power_name),
        item.standard,
        item.method.label().to_string(),
        format!("每年{}次", item.yearly_cap),
        if item.complaint_exempt {
            "不计入".to_string()
        } else {
            "计入".to_string()
        },
    ]
}

/// The agency's inspection items in force today (检查事项清单公示), as a page.
#[utoipa::path(
    get, path = "/public/inspection-items", tag = "public",
    params(AgencyParam),
    responses(
        (status = 200, content_type = "text/html; charset=utf-8", body = String),
        (status = 400, body = Problem, description = "no agency given"),
        (status = 404, body = Problem, description = "unknown agency"),
    )
)]
pub async fn inspection_items_page(
    state: web::Data<AppState>,
    params: ApiQuery<AgencyParam>,
) -> AppResult<HttpResponse> {
    agency_table(
        state,
        params,
        "涉企行政检查事项清单",
        &HEADERS,
        |conn, agency, all| {
            Ok(store::public_in_force(conn, agency, clock::today(), all)?
                .into_iter()
                .map(|(item, _)| cells(item))
                .collect())
        },
    )
    .await
}

/// The agency's random-inspection items in force today (随机抽查事项清单), as a page.
#[utoipa::path(
    get, path = "/public/random-items", tag = "public",
    params(AgencyParam),
    responses(
        (status = 200, content_type = "text/html; charset=utf-8", body = String),
        (status = 400, body = Problem, description = "no agency given"),
        (status = 404, body = Problem, description = "unknown agency"),
    )
)]
pub async fn random_items_page(state: web::Data<AppState>, params: ApiQuery<AgencyParam>) -> AppResult<HttpResponse> {
    agency_table(
        state,
        params,
        "随机抽查事项清单",
        &HEADERS,
        |conn, agency, all| {
            Ok(store::public_random_in_force(conn, agency, clock::today(), all)?
                .into_iter()
                .map(|(item, _)| cells(item))
                .collect())
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspection_items::model::InspectionMethod;

    #[test]
    fn a_row_says_the_method_cap_and_exemption_in_words() {
        let item = PublicInspectionItem {
            code: "XF-JC-001".into(),
            name: "餐饮服务场所消防安全检查".into(),
            power_code: "XF-XF-003".into(),
            power_name: "消防安全检查".into(),
            legal_basis: "《中华人民共和国消防法》第五十三条".into(),
            standard: "疏散通道畅通".into(),
            method: InspectionMethod::OffSite,
            yearly_cap: 3,
            complaint_exempt: false,
            random: true,
            published_on: "2026-01-01".parse().unwrap(),
        };
        let row = cells(item);
        assert_eq!(row.len(), HEADERS.len());
        assert_eq!(row[2], "《中华人民共和国消防法》第五十三条（XF-XF-003 消防安全检查）");
        assert_eq!(&row[4..], ["非现场检查", "每年3次", "计入"]);
    }
}
