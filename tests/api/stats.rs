//! Statistics (DESIGN §7) over a hand-built year: every expected figure is counted here from
//! what the test created, and every figure's drill-down lists exactly what it counts.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{CaseWorld, InspectionStage, Notice, Stage, case_world, days_ago, expect_problem, json_of};

/// What the test created, to count the expected figures from.
#[derive(Default)]
struct Ledger {
    /// (case id, kind, opened_on) of cases that count (not voided).
    cases: Vec<(String, &'static str, NaiveDate)>,
    /// Fines of standing decisions, by case.
    fines: BTreeMap<String, i64>,
}

impl Ledger {
    fn in_period(&self, from: NaiveDate, to: NaiveDate, kind: Option<&str>) -> usize {
        self.cases
            .iter()
            .filter(|(_, k, on)| *on >= from && *on <= to && kind.is_none_or(|kind| kind == *k))
            .count()
    }
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

async fn get_ok(w: &CaseWorld, path: &str) -> Value {
    let (status, body) = json_of(w.app.get(path, &w.supervisor).await).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body
}

/// Every case a `GET /cases` query lists, following pages.
async fn listed_cases(w: &CaseWorld, query: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut path = format!("{query}&limit=200");
    loop {
        let page = get_ok(w, &path).await;
        items.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("{query}&limit=200&cursor={cursor}"),
            None => return items,
        }
    }
}

fn at_path<'a>(value: &'a Value, path: &str) -> &'a Value {
    path.split('.').fold(value, |v, key| &v[key])
}

/// A penalty case opened `opened` days ago, decided with `fine_fen` and served today.
async fn fined_case(w: &CaseWorld, fine_fen: i64) -> String {
    w.penalty_at(
        Stage::Served {
            notice: Notice::fine(fine_fen).on(days_ago(4)),
            decided_on: days_ago(0),
            served_on: days_ago(0),
        },
        json!({"violation_on": days_ago(20), "opened_on": days_ago(10)}),
    )
    .await
}

#[tokio::test]
async fn the_years_figures_are_counted_from_the_data_and_drill_down_to_their_cases() {
    let w = case_world().await;
    let today = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .date_naive();
    let year = today.year();
    let (from, to) = (date(&format!("{year}-01-01")), date(&format!("{year}-12-31")));
    let mut ledger = Ledger::default();
    let opened = |days: i64| today - chrono::Duration::days(days);

    // Officers: the lead and second serve on cases; one certified officer serves on none;
    // one whose certificate expired before the year is no officer of the year at all.
    w.app.officer_with_certificate("idle.officer", "2035-12-31").await;
    w.app
        .officer_with_certificate("expired.officer", &format!("{}-12-31", year - 1))
        .await;
    // Powers: a power retired during the year still counts as in force in it; one never
    // cited counts only in the denominator.
    let retired = w.app.seed_power("XF-CG-777", Some(100_000), false).await;
    let (status, body) = json_of(
        w.app
            .patch(
                &format!("/api/v1/powers/{retired}"),
                &w.app.admin_token,
                &json!({"effective_to": today.to_string()}),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    w.app.seed_power("XF-CG-778", Some(100_000), false).await;

    // Inspections: compliant; hazards found (one general rectified, one major open).
    let compliant = w.inspection_at(InspectionStage::FoundCompliant, json!({})).await;
    ledger.cases.push((compliant, "inspection", today));
    let hazards = w
        .inspection_at(
            InspectionStage::FoundViolations(json!([
                {"description": "灭火器过期", "hazard_level": "general"},
                {"description": "疏散通道堵塞", "hazard_level": "major"},
            ])),
            json!({"power_ids": [retired]}),
        )
        .await;
    let deadline = (today + chrono::Duration::days(10)).to_string();
    w.step_ok(&hazards, json!({"action": "order_rectification", "deadline": deadline}))
        .await;
    ledger.cases.push((hazards.clone(), "inspection", today));
    // Transferred to a department by the supervisor.
    let transferred = w.open_ok("inspection", json!({})).await;
    w.step_ok_by(
        &w.supervisor,
        &transferred,
        json!({"action": "transfer", "to_department": "区市场监管局", "reason": "不属本机关管辖"}),
    )
    .await;
    ledger.cases.push((transferred, "inspection", today));
    // Penalties: two fines standing, one revoked later, one voided case.
    for fine in [50_000, 20_000] {
        let id = fined_case(&w, fine).await;
        ledger.fines.insert(id.clone(), fine);
        ledger.cases.push((id, "penalty", opened(10)));
    }
    let revoked = fined_case(&w, 30_000).await;
    ledger.cases.push((revoked.clone(), "penalty", opened(10)));
    w.step_ok_by(
        &w.supervisor,
        &revoked,
        json!({"action": "revoke_decision", "kind": "revoked", "authority": "reconsideration",
               "on": today.to_string(), "reason": "认定事实不清", "document_no": "区政府行复决字〔2026〕第3号"}),
    )
    .await;
    let voided = w.open_ok("inspection", json!({})).await;
    w.step_ok_by(&w.supervisor, &voided, json!({"action": "void", "reason": "重复录入"}))
        .await;

    let summary = get_ok(&w, &format!("/api/v1/stats/summary?year={year}")).await;
    assert_eq!(summary["period"]["from"], json!(from.to_string()));
    let expect = |kind| ledger.in_period(from, to, kind) as i64;
    assert_eq!(summary["cases_total"], json!(expect(None)), "voided cases are left out");
    assert_eq!(summary["inspection_cases"], json!(expect(Some("inspection"))));
    assert_eq!(summary["penalty_cases"], json!(expect(Some("penalty"))));
    assert_eq!(
        summary["fines_total_fen"],
        json!(ledger.fines.values().sum::<i64>()),
        "a revoked fine is left out"
    );
    assert_eq!(summary["penalty_decisions"]["total"], json!(ledger.fines.len()));
    assert_eq!(summary["penalty_decisions"]["revoked"], json!(1));
    assert_eq!(
        summary["penalty_decisions"]["by_type"]["fine"],
        json!(ledger.fines.len())
    );
    assert_eq!(
        summary["penalty_decisions"]["by_procedure"]["ordinary"],
        json!(ledger.fines.len())
    );
    // lead and second of three officers certified in the year (the expired one is not).
    assert_eq!(
        summary["officer_participation"],
        json!({"count": 2, "total": 3, "fraction": "2/3", "rate": "66.7%"})
    );
    // power, av_power, the retired one and the unused one are in force; two are cited.
    assert_eq!(
        summary["power_performance"],
        json!({"count": 2, "total": 4, "fraction": "2/4", "rate": "50.0%"})
    );
    assert_eq!(summary["hazards"]["general"], json!({"found": 1, "rectified": 0}));
    assert_eq!(summary["hazards"]["major"], json!({"found": 1, "rectified": 0}));
    assert_eq!(summary["inspections_by_result"]["compliant"], json!(1));
    assert_eq!(summary["inspections_by_result"]["violations_found"], json!(1));
    assert_eq!(summary["transfers"], json!(1));
    assert_eq!(summary["legal_reviews"]["by_outcome"]["approved"], json!(3));

    // Every figure's drill-down lists exactly what it counts.
    let drill_down = summary["drill_down"].as_object().unwrap();
    assert!(drill_down.len() >= 20, "{drill_down:?}");
    for (figure, query) in drill_down {
        let query = query.as_str().unwrap();
        let cases = listed_cases(&w, query).await;
        match figure.as_str() {
            "fines_total_fen" => {
                let sum: i64 = cases
                    .iter()
                    .map(|c| c["decision"]["fine_amount_fen"].as_i64().unwrap_or(0))
                    .sum();
                assert_eq!(json!(sum), summary[figure], "{figure}: {query}");
            }
            "officer_participation" | "power_performance" => {
                assert_eq!(json!(cases.len()), summary["cases_total"], "{figure}: {query}");
            }
            hazard if hazard.starts_with("hazards.") => {
                let parts: Vec<&str> = hazard.split('.').collect();
                let findings = cases
                    .iter()
                    .flat_map(|c| c["findings"].as_array().unwrap().clone())
                    .filter(|f| f["hazard_level"] == json!(parts[1]))
                    .filter(|f| parts[2] == "found" || f["rectified"] == json!(true))
                    .count();
                assert_eq!(json!(findings), *at_path(&summary, hazard), "{figure}: {query}");
            }
            _ => assert_eq!(json!(cases.len()), *at_path(&summary, figure), "{figure}: {query}"),
        }
    }

    // Breakdowns agree with the summary and with their own drill-downs.
    let by_officer = get_ok(&w, &format!("/api/v1/stats/breakdown?by=officer&year={year}")).await;
    let rows = by_officer["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows.iter().filter(|r| r["cases"].as_i64().unwrap() > 0).count(), 2);
    for row in rows {
        let listed = listed_cases(&w, row["cases_query"].as_str().unwrap()).await;
        assert_eq!(json!(listed.len()), row["cases"], "{row}");
    }
    let by_month = get_ok(&w, &format!("/api/v1/stats/breakdown?by=month&year={year}")).await;
    let months = by_month["rows"].as_array().unwrap();
    assert_eq!(months.len(), 12);
    let total: i64 = months.iter().map(|m| m["cases"].as_i64().unwrap()).sum();
    let fines: i64 = months.iter().map(|m| m["fines_total_fen"].as_i64().unwrap()).sum();
    assert_eq!(
        (json!(total), json!(fines)),
        (summary["cases_total"].clone(), summary["fines_total_fen"].clone())
    );
    let by_power = get_ok(&w, &format!("/api/v1/stats/breakdown?by=power&year={year}")).await;
    assert_eq!(by_power["rows"].as_array().unwrap().len(), 4);
    let by_department = get_ok(&w, &format!("/api/v1/stats/breakdown?by=department&year={year}")).await;
    assert_eq!(by_department["rows"][0]["label"], json!("城市管理"));

    // The report's paragraph, from the same figures.
    let paragraph = format!(
        "全年开展检查并录入行政执法监督平台案件{}件，其中行政检查案件{}件，行政处罚案件{}件，共计处罚金额{:.2}万元。执法人员参与办案率66.7%，执法职权履职率50.0%。",
        expect(None),
        expect(Some("inspection")),
        expect(Some("penalty")),
        ledger.fines.values().sum::<i64>() as f64 / 1_000_000.0,
    );
    let response = w
        .app
        .get(&format!("/api/v1/stats/report?year={year}&format=text"), &w.supervisor)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), format!("{paragraph}\n"));
    let (ok, out) = crate::cli::enforcement(
        &w.app.settings.data_dir,
        &crate::cli::database_url(&w.app.settings.database),
        &["stats", "--year", &year.to_string()],
        "",
    );
    assert!(ok && out.contains(&paragraph), "{out}");

    let csv = w
        .app
        .get(&format!("/api/v1/stats/report?year={year}&format=csv"), &w.supervisor)
        .await;
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = csv.bytes().await.unwrap();
    assert!(csv.starts_with("\u{feff}".as_bytes()), "a BOM for Excel");
    let csv = String::from_utf8(csv.to_vec()).unwrap();
    assert!(csv.contains(&format!("案件总数（件）,{}", expect(None))), "{csv}");
    assert!(csv.contains("按执法人员"), "{csv}");

    let xlsx = w
        .app
        .get(&format!("/api/v1/stats/report?year={year}&format=xlsx"), &w.supervisor)
        .await;
    assert_eq!(xlsx.status(), StatusCode::OK);
    let bytes = xlsx.bytes().await.unwrap().to_vec();
    use calamine::{DataType, Reader};
    let mut workbook = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(
        workbook.sheet_names(),
        ["汇总", "按执法人员", "按执法职权", "按部门", "按月份"]
    );
    let sheet = workbook.worksheet_range("汇总").unwrap();
    assert_eq!(sheet.get_value((0, 1)).unwrap().to_string(), paragraph);
    let totals = (0..sheet.height() as u32)
        .find(|r| {
            sheet
                .get_value((*r, 0))
                .is_some_and(|v| v.get_string() == Some("案件总数（件）"))
        })
        .unwrap();
    assert_eq!(
        sheet.get_value((totals, 1)).unwrap().to_string(),
        expect(None).to_string()
    );
}

#[tokio::test]
async fn a_quarter_counts_the_cases_opened_in_it_to_its_last_day() {
    let w = case_world().await;
    // Back-dated entries (补录, at most a year back) on either side of the last 30 September.
    let today = chrono::Utc::now().date_naive();
    let last_year = if today >= date(&format!("{}-10-02", today.year())) {
        today.year()
    } else {
        today.year() - 1
    };
    let mut opened = Vec::new();
    for day in [format!("{last_year}-09-30"), format!("{last_year}-10-01")] {
        let (status, case) = w.open("inspection", json!({"opened_on": day})).await;
        assert_eq!(status, StatusCode::CREATED, "{case}");
        opened.push(case["id"].as_str().unwrap().to_string());
    }
    let q3 = get_ok(&w, &format!("/api/v1/stats/summary?quarter={last_year}Q3")).await;
    let q4 = get_ok(&w, &format!("/api/v1/stats/summary?quarter={last_year}Q4")).await;
    assert_eq!(
        (q3["cases_total"].clone(), q4["cases_total"].clone()),
        (json!(1), json!(1))
    );
    let listed = listed_cases(&w, q3["drill_down"]["cases_total"].as_str().unwrap()).await;
    assert_eq!(listed[0]["id"], json!(opened[0]));
    let range = get_ok(
        &w,
        &format!("/api/v1/stats/summary?from={last_year}-09-30&to={last_year}-10-01"),
    )
    .await;
    assert_eq!(range["cases_total"], json!(2));
    assert_eq!(
        range["period_label"],
        json!(format!("{last_year}年9月30日至{last_year}年10月1日"))
    );
    let response = w
        .app
        .get(&format!("/api/v1/stats/report?quarter={last_year}Q3"), &w.supervisor)
        .await;
    let text = response.text().await.unwrap();
    assert!(
        text.starts_with(&format!("{last_year}年第三季度开展检查并录入行政执法监督平台案件1件")),
        "{text}"
    );
}

#[tokio::test]
async fn statistics_are_for_supervisors_and_admins_and_need_one_period() {
    let w = case_world().await;
    expect_problem(
        w.app.get("/api/v1/stats/summary?year=2024", w.lead_token()).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let (status, _) = json_of(w.app.get("/api/v1/stats/summary?year=2024", &w.app.admin_token).await).await;
    assert_eq!(status, StatusCode::OK);
    for (query, status) in [
        ("", StatusCode::UNPROCESSABLE_ENTITY),
        ("year=2024&quarter=2024Q1", StatusCode::UNPROCESSABLE_ENTITY),
        ("quarter=2024Q5", StatusCode::UNPROCESSABLE_ENTITY),
        ("from=2024-02-01", StatusCode::UNPROCESSABLE_ENTITY),
        ("from=2024-02-01&to=2024-01-01", StatusCode::UNPROCESSABLE_ENTITY),
        ("from=2024-13-01&to=2024-12-01", StatusCode::BAD_REQUEST),
    ] {
        expect_problem(
            w.app
                .get(&format!("/api/v1/stats/summary?{query}"), &w.supervisor)
                .await,
            status,
        )
        .await;
    }
    expect_problem(
        w.app
            .get("/api/v1/stats/breakdown?by=planet&year=2024", &w.supervisor)
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    expect_problem(
        w.app
            .get("/api/v1/stats/report?year=2024&format=pdf", &w.supervisor)
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
}
