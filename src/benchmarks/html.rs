//! `/public/benchmarks?agency=`: the discretion benchmarks in force today (行政裁量权基准公示)
//! as a Chinese page, rendered like the other public lists (`disclosures::html`).

use actix_web::{HttpResponse, web};

use crate::benchmarks::model::PublicBenchmark;
use crate::benchmarks::store;
use crate::clock;
use crate::disclosures::html::{AgencyParam, agency_table};
use crate::error::{AppResult, Problem};
use crate::http::ApiQuery;
use crate::state::AppState;

/// The columns of the page, in the order of [`cells`].
const HEADERS: [&str; 7] = [
    "事项编码",
    "事项名称",
    "违法情节",
    "裁量等级",
    "适用条件",
    "处罚种类和幅度",
    "施行日期",
];

/// One benchmark as a row of the page.
fn cells(benchmark: PublicBenchmark) -> Vec<String> {
    vec![
        benchmark.power_code,
        benchmark.power_name,
        benchmark.circumstance,
        benchmark.grade_label,
        benchmark.conditions,
        benchmark.penalties,
        benchmark.effective_from.to_string(),
    ]
}

/// The agency's discretion benchmarks in force today (行政裁量权基准公示), as a page.
#[utoipa::path(
    get, path = "/public/benchmarks", tag = "public",
    params(AgencyParam),
    responses(
        (status = 200, content_type = "text/html; charset=utf-8", body = String),
        (status = 400, body = Problem, description = "no agency given"),
        (status = 404, body = Problem, description = "unknown agency"),
    )
)]
pub async fn benchmarks_page(state: web::Data<AppState>, params: ApiQuery<AgencyParam>) -> AppResult<HttpResponse> {
    agency_table(
        state,
        params,
        "行政裁量权基准公示",
        &HEADERS,
        |conn, agency, all| {
            Ok(store::public_in_force(conn, agency, clock::today(), all)?
                .into_iter()
                .map(|(benchmark, _)| cells(benchmark))
                .collect())
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::benchmarks::model::BenchmarkGrade;

    #[test]
    fn a_row_says_the_grade_and_the_penalties_in_chinese() {
        let benchmark = PublicBenchmark {
            power_code: "XF-CG-016".into(),
            power_name: "对占道经营行为的处罚".into(),
            legal_basis: "《城市道路管理条例》第四十二条".into(),
            circumstance: "擅自在城市道路上设置摊点占道经营".into(),
            grade: BenchmarkGrade::Severe,
            grade_label: BenchmarkGrade::Severe.label().into(),
            conditions: "占道面积10平方米以上".into(),
            penalty_types: vec![crate::cases::model::PenaltyType::Fine],
            penalties: "罚款10000元以上20000元以下".into(),
            fine_min_fen: Some(1_000_000),
            fine_max_fen: Some(2_000_000),
            fine_basis: None,
            multiple_min: None,
            multiple_max: None,
            version: 1,
            effective_from: "2024-01-01".parse().unwrap(),
            effective_to: None,
        };
        let row = cells(benchmark);
        assert_eq!(row.len(), HEADERS.len());
        assert_eq!(
            &row[3..],
            [
                "从重处罚",
                "占道面积10平方米以上",
                "罚款10000元以上20000元以下",
                "2024-01-01"
            ]
        );
    }
}
