//! Issue 17 (part A): discretion benchmarks (行政裁量权基准, 国办发〔2022〕27号) — published by
//! admins and supervisors per power, circumstance and grade, read by staff, versioned (the
//! version in force on a day is found; a change is a new version, the old one kept),
//! imported from CSV/XLSX with cell-level errors, public in force (JSON and a Chinese page).

use chrono::Duration;
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{
    CaseWorld, Notice, Refusal, Stage, TestApp, case_world, days_ago, error_fields, expect_problem, json_of, spawn_app,
};

const HEADER: &str = "power_code,circumstance,grade,conditions,penalty_types,fine_min_fen,fine_max_fen,fine_basis,multiple_min,multiple_max,effective_from,effective_to";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const CIRCUMSTANCE: &str = "擅自在城市道路上设置摊点占道经营";

fn day(offset: i64) -> String {
    (enforcement::clock::today() + Duration::days(offset)).to_string()
}

/// A valid body: the ordinary grade (一般) of 占道经营, a warning or a fine of ¥2,000 to
/// ¥10,000, from 2024 (the case world's power XF-CG-001 allows up to ¥50,000 since 2020).
fn ordinary() -> Value {
    json!({
        "circumstance": CIRCUMSTANCE,
        "grade": "ordinary",
        "conditions": "占道面积5平方米以上不足10平方米的",
        "penalty_types": ["fine", "warning"],
        "fine_min_fen": 200_000,
        "fine_max_fen": 1_000_000,
        "effective_from": "2024-01-01",
    })
}

/// `body` with `extra` fields merged over it (a null removes the field).
fn with(mut body: Value, extra: Value) -> Value {
    let object = body.as_object_mut().unwrap();
    for (key, value) in extra.as_object().unwrap() {
        if value.is_null() {
            object.remove(key);
        } else {
            object.insert(key.clone(), value.clone());
        }
    }
    body
}

fn path(power: &str) -> String {
    format!("/api/v1/powers/{power}/benchmarks")
}

async fn publish(app: &TestApp, token: &str, power: &str, body: &Value) -> (StatusCode, Value) {
    json_of(app.post(&path(power), token, body).await).await
}

async fn publish_ok(app: &TestApp, token: &str, power: &str, body: &Value) -> Value {
    let (status, created) = publish(app, token, power, body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created
}

/// The HTML of a decided case's 行政处罚决定书.
async fn decision_page(w: &CaseWorld, case_id: &str) -> String {
    let (_, documents) = json_of(
        w.app
            .get(&format!("/api/v1/cases/{case_id}/documents"), w.lead_token())
            .await,
    )
    .await;
    let decision = documents["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "decision")
        .unwrap_or_else(|| panic!("no decision document: {documents}"))
        .clone();
    w.app
        .get(decision["html_url"].as_str().unwrap(), w.lead_token())
        .await
        .text()
        .await
        .unwrap()
}

/// The benchmarks of a power (every version, or those in force on `query`'s day).
async fn listed(app: &TestApp, token: &str, power: &str, query: &str) -> Vec<Value> {
    let (status, list) = json_of(app.get(&format!("{}?limit=200{query}", path(power)), token).await).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list["items"].as_array().unwrap().clone()
}

async fn public_get(app: &TestApp, path: &str) -> Response {
    app.client.get(app.url(path)).send().await.unwrap()
}

async fn import(app: &TestApp, token: &str, query: &str, content_type: &str, body: Vec<u8>) -> Response {
    app.request(Method::POST, &format!("/api/v1/benchmarks/import{query}"), Some(token))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
}

/// (row, column) of each error of a report or a problem.
fn located(body: &Value) -> Vec<(u64, String)> {
    body["row_errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no row_errors: {body}"))
        .iter()
        .map(|e| {
            (
                e["row"].as_u64().unwrap(),
                e["column"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn keepers_publish_benchmarks_and_staff_read_them() {
    let w = case_world().await;
    let app = &w.app;
    let response = app.post(&path(&w.power), &w.supervisor, &ordinary()).await;
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let (status, created) = json_of(response).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(
        location,
        format!("/api/v1/benchmarks/{}", created["id"].as_str().unwrap())
    );
    assert_eq!(created["power_id"], json!(w.power));
    assert_eq!(created["power_code"], json!("XF-CG-001"));
    assert_eq!(created["version"], json!(1));
    assert_eq!(created["grade"], json!("ordinary"));
    assert_eq!(created["grade_label"], json!("一般"));
    assert_eq!(created["penalty_types"], json!(["warning", "fine"]), "by severity");
    assert_eq!(created["penalties"], json!("警告；罚款2000元以上10000元以下"));
    assert_eq!(created["in_force"], json!(true));
    assert_eq!(created["effective_to"], Value::Null);

    // Officers and counsel read, but do not publish.
    let (status, _) = publish(app, w.lead_token(), &w.power, &ordinary()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = publish(app, &w.counsel.1, &w.power, &ordinary()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, one) = json_of(
        app.get(
            &format!("/api/v1/benchmarks/{}", created["id"].as_str().unwrap()),
            &w.counsel.1,
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{one}");
    assert_eq!(one, created);

    // Admins publish too: a grade with a multiple of the illegal gains, and 不予处罚.
    let gains = publish_ok(
        app,
        &app.admin_token,
        &w.power,
        &with(
            ordinary(),
            json!({"circumstance": "占道经营获利", "grade": "severe", "conditions": "违法所得较多的",
                   "penalty_types": ["confiscate_illegal_gains", "fine"], "fine_min_fen": null,
                   "fine_max_fen": null, "fine_basis": "illegal_gains", "multiple_min": 1, "multiple_max": 2.5}),
        ),
    )
    .await;
    assert_eq!(
        (&gains["multiple_min"], &gains["multiple_max"], &gains["fine_basis"]),
        (&json!(1.0), &json!(2.5), &json!("illegal_gains"))
    );
    // In the order of APL art. 9.
    assert_eq!(gains["penalties"], json!("罚款违法所得1倍以上2.5倍以下；没收违法所得"));
    let none = publish_ok(
        app,
        &app.admin_token,
        &w.power,
        &json!({"circumstance": CIRCUMSTANCE, "grade": "no_penalty",
                "conditions": "初次违法，经责令当场改正且未造成危害后果的", "effective_from": "2024-01-01"}),
    )
    .await;
    assert_eq!(
        (&none["penalty_types"], &none["penalties"], &none["grade_label"]),
        (&json!([]), &json!("不予处罚"), &json!("不予处罚"))
    );
    // The body of DESIGN §8: a fine range without types allows a fine.
    let design = publish_ok(
        app,
        &w.supervisor,
        &w.power,
        &json!({"circumstance": CIRCUMSTANCE, "grade": "severe", "conditions": "拒不改正的",
                "fine_min_fen": 1_000_000, "fine_max_fen": 2_000_000}),
    )
    .await;
    assert_eq!(
        (&design["penalty_types"], &design["effective_from"]),
        (&json!(["fine"]), &json!(crate::helpers::today()))
    );
    let all = listed(app, w.lead_token(), &w.power, "").await;
    assert_eq!(all.len(), 4);
    let grades: Vec<&Value> = all.iter().map(|b| &b["grade"]).collect();
    assert_eq!(
        grades,
        [
            &json!("ordinary"),
            &json!("severe"),
            &json!("no_penalty"),
            &json!("severe")
        ]
    );
    assert_eq!(listed(app, w.lead_token(), &w.power, "&grade=severe").await.len(), 2);

    // The same benchmark again changes nothing.
    let (status, again) = publish(app, &w.supervisor, &w.power, &ordinary()).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!((&again["id"], &again["version"]), (&created["id"], &json!(1)));

    // Another agency's power and benchmark are not found.
    let other = app.second_agency("OT", "other.admin").await;
    let (status, _) = publish(app, &other, &w.power, &ordinary()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = json_of(app.get(&path(&w.power), &other).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = json_of(
        app.get(
            &format!("/api/v1/benchmarks/{}", created["id"].as_str().unwrap()),
            &other,
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = json_of(app.get(&path("no-such-power"), w.lead_token()).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_benchmark_grades_a_penalty_power_in_force_when_it_takes_effect() {
    let w = case_world().await;
    let app = &w.app;
    // The power is in force from 2020.
    let problem = expect_problem(
        app.post(
            &path(&w.power),
            &w.supervisor,
            &with(ordinary(), json!({"effective_from": "2019-12-31"})),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(problem["rule"], json!("power_not_in_force"), "{problem}");
    let (status, inspection_power) = json_of(
        app.post(
            "/api/v1/powers",
            &app.admin_token,
            &json!({"code": "XF-JC-100", "name": "对占道经营的巡查", "category": "inspection",
                    "legal_basis": "《城市管理执法办法》第二十条", "source_department": "城市管理",
                    "effective_from": "2020-01-01"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{inspection_power}");
    let problem = expect_problem(
        app.post(
            &path(inspection_power["id"].as_str().unwrap()),
            &w.supervisor,
            &ordinary(),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(problem["rule"], json!("power_not_penalty"), "{problem}");
    assert!(listed(app, &w.supervisor, &w.power, "").await.is_empty());
}

#[tokio::test]
async fn every_bad_field_is_a_422_naming_it_and_nothing_is_written() {
    let w = case_world().await;
    let app = &w.app;
    let multiple = json!({"fine_min_fen": null, "fine_max_fen": null});
    let cases: Vec<(Value, Vec<&str>)> = vec![
        (
            json!({"fine_min_fen": 1_000_000, "fine_max_fen": 200_000}),
            vec!["fine_max_fen"],
        ),
        (json!({"fine_min_fen": -1}), vec!["fine_min_fen"]),
        (
            with(multiple.clone(), json!({"multiple_min": 1, "multiple_max": 3})),
            vec!["fine_basis"],
        ),
        (
            with(multiple.clone(), json!({"fine_basis": "illegal_gains"})),
            vec!["fine_basis"],
        ),
        (
            with(
                multiple.clone(),
                json!({"fine_basis": "goods_value", "multiple_min": 1.2345, "multiple_max": 101}),
            ),
            vec!["multiple_min", "multiple_max"],
        ),
        (
            with(
                multiple,
                json!({"fine_basis": "goods_value", "multiple_min": 3, "multiple_max": 2}),
            ),
            vec!["multiple_max"],
        ),
        (
            json!({"fine_basis": "illegal_gains", "multiple_max": 3}),
            vec!["multiple_max"],
        ),
        (
            json!({"penalty_types": ["fine", "detention", "警告"]}),
            vec!["penalty_types[1]"],
        ),
        (json!({"penalty_types": ["warning"]}), vec!["penalty_types"]),
        (
            json!({"penalty_types": [], "fine_min_fen": null, "fine_max_fen": null}),
            vec!["penalty_types"],
        ),
        (
            json!({"penalty_types": ["detention"], "fine_min_fen": null, "fine_max_fen": null}),
            vec!["penalty_types[0]"],
        ),
        (
            json!({"grade": "no_penalty"}),
            vec!["penalty_types", "fine_min_fen", "fine_max_fen"],
        ),
        (
            json!({"circumstance": " ", "conditions": "条".repeat(4001)}),
            vec!["circumstance", "conditions"],
        ),
        (json!({"circumstance": "情".repeat(201)}), vec!["circumstance"]),
        // Above the power's discretion maximum (¥50,000).
        (json!({"fine_max_fen": 5_000_001}), vec!["fine_max_fen"]),
        (
            json!({"effective_from": "2025-01-01", "effective_to": "2024-12-31"}),
            vec!["effective_to"],
        ),
        (json!({"effective_from": "1900-01-01"}), vec!["effective_from"]),
        (json!({"change_note": "注".repeat(501)}), vec!["change_note"]),
    ];
    for (extra, fields) in cases {
        let body = with(ordinary(), extra.clone());
        let problem = expect_problem(
            app.post(&path(&w.power), &w.supervisor, &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert_eq!(error_fields(&problem), fields, "{extra}: {problem}");
    }
    // Words of no enum and wrong types do not parse: 400 naming the field.
    for (extra, field) in [
        (json!({"grade": "harsh"}), "grade"),
        (json!({"fine_basis": "salary"}), "fine_basis"),
        (json!({"fine_min_fen": "200"}), "fine_min_fen"),
        (json!({"penalty_types": "fine"}), "penalty_types"),
    ] {
        let problem = expect_problem(
            app.post(&path(&w.power), &w.supervisor, &with(ordinary(), extra.clone()))
                .await,
            StatusCode::BAD_REQUEST,
        )
        .await;
        assert_eq!(error_fields(&problem), [field], "{extra}: {problem}");
    }
    assert!(listed(app, &w.supervisor, &w.power, "").await.is_empty());
    // Below the power's minimum only for 减轻处罚.
    let (status, power) = json_of(
        app.post(
            "/api/v1/powers",
            &app.admin_token,
            &json!({"code": "XF-CG-200", "name": "对乱倒垃圾的处罚", "category": "penalty",
                    "legal_basis": "《城市市容和环境卫生管理条例》第三十四条", "source_department": "城市管理",
                    "fine_min_fen": 5_000, "fine_max_fen": 50_000, "effective_from": "2020-01-01"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{power}");
    let power = power["id"].as_str().unwrap();
    let low = json!({"fine_min_fen": 1_000, "fine_max_fen": 4_000});
    let problem = expect_problem(
        app.post(&path(power), &w.supervisor, &with(ordinary(), low.clone()))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), ["fine_min_fen", "fine_max_fen"], "{problem}");
    publish_ok(
        app,
        &w.supervisor,
        power,
        &with(ordinary(), with(low, json!({"grade": "mitigated"}))),
    )
    .await;
}

#[tokio::test]
async fn a_changed_benchmark_is_a_new_version_and_the_old_one_is_kept() {
    let w = case_world().await;
    let app = &w.app;
    let v1 = publish_ok(app, &w.supervisor, &w.power, &ordinary()).await;
    let changed = with(
        ordinary(),
        json!({"fine_max_fen": 800_000, "effective_from": "2025-07-01", "change_note": "2025年修订"}),
    );
    let v2 = publish_ok(app, &w.supervisor, &w.power, &changed).await;
    assert_eq!(v2["version"], json!(2));
    assert_ne!(v2["id"], v1["id"]);
    assert_eq!(
        (&v2["effective_from"], &v2["effective_to"], &v2["change_note"]),
        (&json!("2025-07-01"), &Value::Null, &json!("2025年修订"))
    );
    // Both versions stay readable; the first closed the day before the second.
    let all = listed(app, w.lead_token(), &w.power, "").await;
    let spans: Vec<(Value, Value, Value, Value)> = all
        .iter()
        .map(|b| {
            (
                b["version"].clone(),
                b["effective_from"].clone(),
                b["effective_to"].clone(),
                b["fine_max_fen"].clone(),
            )
        })
        .collect();
    assert_eq!(
        spans,
        vec![
            (json!(1), json!("2024-01-01"), json!("2025-06-30"), json!(1_000_000)),
            (json!(2), json!("2025-07-01"), Value::Null, json!(800_000)),
        ]
    );
    // The version in force on a day is found.
    let on = |day: &'static str| {
        let app = &w.app;
        let power = w.power.clone();
        let token = w.lead_token().to_string();
        async move {
            listed(app, &token, &power, &format!("&on={day}"))
                .await
                .iter()
                .map(|b| b["version"].as_i64().unwrap())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(on("2023-12-31").await, Vec::<i64>::new());
    assert_eq!(on("2024-01-01").await, vec![1]);
    assert_eq!(on("2025-06-30").await, vec![1]);
    assert_eq!(on("2025-07-01").await, vec![2]);
    let (_, old) = json_of(
        app.get(
            &format!("/api/v1/benchmarks/{}", v1["id"].as_str().unwrap()),
            w.lead_token(),
        )
        .await,
    )
    .await;
    assert_eq!(
        (&old["version"], &old["fine_max_fen"], &old["in_force"]),
        (&json!(1), &json!(1_000_000), &json!(false))
    );

    // A change never starts before the current version; the same content on another day
    // makes no version; the same content again changes nothing.
    let early = with(
        changed.clone(),
        json!({"fine_max_fen": 700_000, "effective_from": "2025-01-01"}),
    );
    let problem = expect_problem(
        app.post(&path(&w.power), &w.supervisor, &early).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), ["effective_from"], "{problem}");
    let moved = with(changed.clone(), json!({"effective_from": "2025-09-01"}));
    let problem = expect_problem(
        app.post(&path(&w.power), &w.supervisor, &moved).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), ["effective_from"], "{problem}");
    let (status, same) = publish(app, &w.supervisor, &w.power, &changed).await;
    assert_eq!(status, StatusCode::OK, "{same}");
    assert_eq!((&same["id"], &same["version"]), (&v2["id"], &json!(2)));

    // Without a date a change takes effect today; the grades of a circumstance and other
    // circumstances are benchmarks of their own.
    let today_change = with(
        changed.clone(),
        json!({"conditions": "占道面积5平方米以上不足8平方米的", "effective_from": null}),
    );
    let v3 = publish_ok(app, &w.supervisor, &w.power, &today_change).await;
    assert_eq!((&v3["version"], &v3["effective_from"]), (&json!(3), &json!(day(0))));
    let lenient = publish_ok(
        app,
        &w.supervisor,
        &w.power,
        &with(
            ordinary(),
            json!({"grade": "lenient", "fine_min_fen": 20_000, "fine_max_fen": 200_000}),
        ),
    )
    .await;
    assert_eq!(lenient["version"], json!(1));
    assert_eq!(on("2025-07-01").await, vec![2, 1]);
    let today_versions = listed(app, w.lead_token(), &w.power, &format!("&on={}", day(0))).await;
    assert_eq!(
        today_versions
            .iter()
            .map(|b| (b["grade"].clone(), b["version"].clone()))
            .collect::<Vec<_>>(),
        vec![(json!("ordinary"), json!(3)), (json!("lenient"), json!(1))]
    );
}

#[tokio::test]
async fn an_import_with_a_bad_range_row_is_refused_naming_the_cell() {
    let w = case_world().await;
    let app = &w.app;
    let good = format!(
        "XF-CG-001,{CIRCUMSTANCE},从轻,占道面积2平方米以上不足5平方米的,警告、罚款,20000,200000,,,,2024-01-01,"
    );
    let file = [
        format!("\u{feff}{HEADER}"),
        good.clone(),
        format!("XF-CG-001,{CIRCUMSTANCE},一般,占道面积5平方米以上的,罚款,1000000,200000,,,,2024-01-01,"),
        format!("XF-NO-999,{CIRCUMSTANCE},severe,占道面积10平方米以上的,罚款,1000000,2000000,,,,2024-01-01,"),
        format!("XF-CG-001,{CIRCUMSTANCE},很重,x,罚款,,,,,,2024-01-01,"),
        "XF-CG-001,占道经营获利,ordinary,违法所得较多的,罚款,,,illegal_gains,1,3,2024-01-01,".to_string(),
    ]
    .join("\r\n");
    let (status, report) = json_of(
        import(
            app,
            &w.supervisor,
            "?dry_run=true",
            "text/csv; charset=utf-8",
            file.clone().into_bytes(),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(
        (&report["dry_run"], &report["rows"], &report["created"]),
        (&json!(true), &json!(5), &json!(2))
    );
    assert_eq!(
        located(&report),
        vec![
            (3, "fine_max_fen".into()),
            (4, "power_code".into()),
            (5, "grade".into())
        ],
        "{report}"
    );
    assert_eq!(
        report["items"][0]["benchmark_id"],
        Value::Null,
        "a dry run writes nothing"
    );
    assert!(listed(app, &w.supervisor, &w.power, "").await.is_empty());

    // Applied, the file is refused whole, each error naming its row and column.
    let problem = expect_problem(
        import(app, &w.supervisor, "", "text/csv", file.clone().into_bytes()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(
        problem["row_errors"][0],
        json!({"row": 3, "column": "fine_max_fen", "reason": "must not be less than fine_min_fen (1000000)"})
    );
    assert_eq!(error_fields(&problem), ["fine_max_fen", "power_code", "grade"]);
    assert!(
        problem["errors"][0]["message"].as_str().unwrap().starts_with("row 3: "),
        "{problem}"
    );
    assert!(
        listed(app, &w.supervisor, &w.power, "").await.is_empty(),
        "all or nothing"
    );

    // Without the bad rows it imports; again, nothing changes; a changed row with a later
    // date is a new version from that date, the old one kept.
    let fixed = [
        HEADER.to_string(),
        good.clone(),
        file.lines().last().unwrap().to_string(),
    ]
    .join("\n");
    let (status, report) = json_of(import(app, &w.supervisor, "", "text/csv", fixed.clone().into_bytes()).await).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!((&report["created"], &report["row_errors"]), (&json!(2), &json!([])));
    let id = report["items"][0]["benchmark_id"].as_str().unwrap().to_string();
    let (_, imported) = json_of(app.get(&format!("/api/v1/benchmarks/{id}"), w.lead_token()).await).await;
    assert_eq!(
        (&imported["grade"], &imported["penalties"], &imported["change_note"]),
        (
            &json!("lenient"),
            &json!("警告；罚款200元以上2000元以下"),
            &json!("import (csv)")
        )
    );
    let (_, again) = json_of(import(app, &app.admin_token, "", "text/csv", fixed.into_bytes()).await).await;
    assert_eq!(
        (&again["unchanged"], &again["created"]),
        (&json!(2), &json!(0)),
        "{again}"
    );
    let revised = [
        HEADER.to_string(),
        good.replace("200000,,,,2024-01-01", "150000,,,,2026-01-01"),
    ]
    .join("\n");
    let (status, report) = json_of(import(app, &w.supervisor, "", "text/csv", revised.into_bytes()).await).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["new_versions"], json!(1), "{report}");
    assert_eq!(report["items"][0]["version"], json!(2));
    let lenient = listed(app, w.lead_token(), &w.power, "&grade=lenient").await;
    let spans: Vec<(Value, Value)> = lenient
        .iter()
        .map(|b| (b["effective_to"].clone(), b["fine_max_fen"].clone()))
        .collect();
    assert_eq!(
        spans,
        vec![(json!("2025-12-31"), json!(200_000)), (Value::Null, json!(150_000))]
    );

    // XLSX reads as CSV does.
    let workbook = {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        let rows = [
            HEADER.to_string(),
            good.replace("从轻", "从重").replace("20000,200000", "1000000,2000000"),
        ];
        for (r, line) in rows.iter().enumerate() {
            for (c, value) in line.split(',').enumerate() {
                if !value.is_empty() {
                    sheet.write_string(r as u32, c as u16, value).unwrap();
                }
            }
        }
        book.save_to_buffer().unwrap()
    };
    let (status, report) = json_of(import(app, &w.supervisor, "?dry_run=true", XLSX, workbook).await).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(
        (&report["format"], &report["created"], &report["row_errors"]),
        (&json!("xlsx"), &json!(1), &json!([]))
    );

    // Officers do not import; other types are refused.
    let response = import(app, w.lead_token(), "", "text/csv", HEADER.as_bytes().to_vec()).await;
    expect_problem(response, StatusCode::FORBIDDEN).await;
    let response = import(app, &w.supervisor, "", "application/json", b"{}".to_vec()).await;
    expect_problem(response, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
    let (status, report) = json_of(
        import(
            app,
            &w.supervisor,
            "?dry_run=true",
            "text/csv",
            b"power_code,grade\n".to_vec(),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        located(&report),
        vec![(1, "circumstance".into()), (1, "conditions".into())],
        "{report}"
    );
}

#[tokio::test]
async fn the_sample_benchmarks_import_over_the_sample_powers() {
    let app = spawn_app().await;
    let powers = enforcement::powers::import::SAMPLE_POWERS_CSV.as_bytes().to_vec();
    let response = app
        .request(Method::POST, "/api/v1/powers/import", Some(&app.admin_token))
        .header("content-type", "text/csv")
        .body(powers)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let sample = enforcement::benchmarks::import::SAMPLE_BENCHMARKS_CSV;
    let (status, report) =
        json_of(import(&app, &app.admin_token, "", "text/csv", sample.as_bytes().to_vec()).await).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let rows = sample.lines().count() - 1;
    assert_eq!(report["rows"], json!(rows));
    assert_eq!(report["created"], json!(rows), "{report}");
    let (status, public) = json_of(public_get(&app, "/api/v1/public/benchmarks?agency=XF&limit=200").await).await;
    assert_eq!(status, StatusCode::OK, "{public}");
    let items = public["items"].as_array().unwrap();
    assert_eq!(items.len(), rows);
    let codes: Vec<&str> = items.iter().map(|b| b["power_code"].as_str().unwrap()).collect();
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(codes, sorted, "by power code");
    let construction = items
        .iter()
        .find(|b| b["power_code"] == json!("XF-ZJ-001") && b["grade"] == json!("lenient"))
        .unwrap();
    assert_eq!(construction["penalties"], json!("罚款建设工程造价5%以上7%以下"));
    assert_eq!(construction["multiple_min"], json!(0.05));
    assert_eq!(
        construction["power_name"],
        json!("对未取得建设工程规划许可证或者未按照建设工程规划许可证的规定进行建设的处罚")
    );
    assert_eq!(
        construction["legal_basis"],
        json!("《中华人民共和国城乡规划法》第六十四条")
    );
}

#[tokio::test]
async fn the_public_pages_list_only_what_is_in_force() {
    let w = case_world().await;
    let app = &w.app;
    // In force: the ordinary grade, changed in 2025 (only the second version shows), and 不予处罚.
    publish_ok(app, &w.supervisor, &w.power, &ordinary()).await;
    publish_ok(
        app,
        &w.supervisor,
        &w.power,
        &with(ordinary(), json!({"fine_max_fen": 800_000, "conditions": "占道面积5平方米以上不足8平方米的", "effective_from": "2025-07-01"})),
    )
    .await;
    publish_ok(
        app,
        &w.supervisor,
        &w.power,
        &json!({"circumstance": CIRCUMSTANCE, "grade": "no_penalty", "conditions": "初次违法且当场改正的",
                "effective_from": "2024-01-01"}),
    )
    .await;
    // Not in force: one scheduled ahead, one retired yesterday.
    publish_ok(
        app,
        &w.supervisor,
        &w.power,
        &with(
            ordinary(),
            json!({"grade": "severe", "conditions": "拒不改正的（尚未施行）", "fine_min_fen": 1_000_000,
                                 "fine_max_fen": 2_000_000, "effective_from": day(30)}),
        ),
    )
    .await;
    let lenient = with(
        ordinary(),
        json!({"grade": "lenient", "conditions": "及时改正的（已废止）", "fine_min_fen": 20_000, "fine_max_fen": 200_000}),
    );
    publish_ok(app, &w.supervisor, &w.power, &lenient).await;
    let (status, retired) = publish(
        app,
        &w.supervisor,
        &w.power,
        &with(lenient, json!({"effective_to": days_ago(1)})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{retired}");
    assert_eq!((&retired["version"], &retired["in_force"]), (&json!(1), &json!(false)));

    let (status, page) = json_of(public_get(app, "/api/v1/public/benchmarks?agency=XF").await).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let items = page["items"].as_array().unwrap();
    let shown: Vec<(Value, Value, Value)> = items
        .iter()
        .map(|b| (b["grade"].clone(), b["grade_label"].clone(), b["version"].clone()))
        .collect();
    assert_eq!(
        shown,
        vec![
            (json!("ordinary"), json!("一般"), json!(2)),
            (json!("no_penalty"), json!("不予处罚"), json!(1)),
        ]
    );
    let first = &items[0];
    assert_eq!(
        (&first["power_code"], &first["power_name"], &first["circumstance"]),
        (&json!("XF-CG-001"), &json!("职权XF-CG-001"), &json!(CIRCUMSTANCE))
    );
    assert_eq!(first["penalties"], json!("警告；罚款2000元以上8000元以下"));
    assert_eq!(first["conditions"], json!("占道面积5平方米以上不足8平方米的"));
    for private in ["id", "power_id", "created_by", "change_note"] {
        assert!(first.get(private).is_none(), "{private} is not public: {first}");
    }
    // Paged like the other public lists.
    let (_, one) = json_of(public_get(app, "/api/v1/public/benchmarks?agency=XF&limit=1").await).await;
    assert_eq!(one["items"].as_array().unwrap().len(), 1);
    let cursor = one["next_cursor"].as_str().unwrap();
    let (_, two) = json_of(
        public_get(
            app,
            &format!("/api/v1/public/benchmarks?agency=XF&limit=1&cursor={cursor}"),
        )
        .await,
    )
    .await;
    assert_eq!(two["items"][0]["grade"], json!("no_penalty"), "{two}");
    assert_eq!(two["next_cursor"], Value::Null);

    // The page, in Chinese.
    let response = public_get(app, "/public/benchmarks?agency=XF").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"),
        "{:?}",
        response.headers()
    );
    let html = response.text().await.unwrap();
    for text in [
        "行政裁量权基准公示",
        "学府街道办事处",
        "共 2 项",
        "违法情节",
        "裁量等级",
        "不予处罚",
        "一般",
        "罚款2000元以上8000元以下",
    ] {
        assert!(html.contains(text), "{text} missing: {html}");
    }
    for text in ["尚未施行", "已废止", "10000元以下", "从重处罚", "从轻处罚"] {
        assert!(!html.contains(text), "{text} is not in force: {html}");
    }
    let response = public_get(app, "/public/benchmarks?agency=NOPE").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    expect_problem(
        public_get(app, "/api/v1/public/benchmarks").await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    expect_problem(
        public_get(app, "/api/v1/public/benchmarks?agency=NOPE").await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

/// Issue 17, the decision: a proposal names the benchmark in force on the violation date and
/// stays inside its grade; outside it, only with a reason, and then the decision waits for a
/// collective discussion of the heads.
#[tokio::test]
async fn a_proposal_stays_inside_its_benchmark_or_says_why_and_is_discussed() {
    let w = case_world().await;
    let benchmark = publish_ok(&w.app, &w.supervisor, &w.power, &ordinary()).await;
    let benchmark_id = benchmark["id"].as_str().unwrap().to_string();
    let lenient = with(
        ordinary(),
        json!({"grade": "lenient", "conditions": "占道面积不足5平方米且及时改正的",
               "fine_min_fen": 50_000, "fine_max_fen": 200_000}),
    );
    let lenient = publish_ok(&w.app, &w.supervisor, &w.power, &lenient).await;

    // Inside the grade (¥2,000–¥10,000, both ends included): accepted as it is.
    let notice = Notice::fine(1_000_000);
    let inside = w.penalty_at(Stage::Notified(notice.clone()), json!({})).await;
    w.step_ok(&inside, json!({"action": "waive_defense"})).await;
    let mut proposal = notice.propose();
    proposal["benchmark_id"] = json!(benchmark_id);
    let proposed = w.step_ok(&inside, proposal).await;
    assert_eq!(proposed["proposal"]["benchmark"]["id"], json!(benchmark_id));
    assert_eq!(proposed["proposal"]["benchmark"]["grade"], "ordinary");
    assert_eq!(proposed["proposal"]["benchmark"]["deviation"], Value::Null);

    // Below it (¥1,000).
    let notice = Notice::fine(100_000);
    let id = w.penalty_at(Stage::Notified(notice.clone()), json!({})).await;
    w.step_ok(&id, json!({"action": "waive_defense"})).await;
    w.step_refused(&id, notice.propose(), Refusal::Rule("benchmark_required"))
        .await;
    let mut proposal = notice.propose();
    proposal["benchmark_id"] = json!(benchmark_id);
    let problem = w
        .step_refused(&id, proposal.clone(), Refusal::Rule("outside_benchmark"))
        .await;
    assert!(problem["detail"].as_str().unwrap().contains("2000"), "{problem}");
    proposal["benchmark_id"] = json!("00000000-0000-7000-8000-000000000000");
    w.step_refused(&id, proposal.clone(), Refusal::Invalid("benchmark_id"))
        .await;
    proposal["benchmark_id"] = json!(benchmark_id);
    proposal["deviation_reason"] = json!("当事人系残疾人，主动消除违法后果，情节特别轻微");
    let proposed = w.step_ok(&id, proposal).await;
    assert_eq!(
        proposed["proposal"]["benchmark"]["deviation"]["reason"],
        "当事人系残疾人，主动消除违法后果，情节特别轻微"
    );
    // Counsel sees the benchmark applied, the other grades, and the checklist line
    // pre-filled as failing for the deviation, to confirm or overturn.
    let review = w.approve_review(&id).await;
    let check = &review["discretion_check"];
    assert_eq!(check["applied"]["id"], json!(benchmark_id), "{review}");
    assert_eq!(check["deviates"], true);
    assert_eq!(
        (check["suggested"]["item"].clone(), check["suggested"]["pass"].clone()),
        (json!("discretion_appropriate"), json!(false))
    );
    assert!(check["suggested"]["comment"].as_str().unwrap().contains("情节特别轻微"));
    // The lighter grade the officers did not apply is shown beside it.
    let alternatives = check["alternatives"].as_array().unwrap();
    assert_eq!(alternatives.len(), 1, "{check}");
    assert_eq!(
        (alternatives[0]["id"].clone(), alternatives[0]["grade_label"].clone()),
        (lenient["id"].clone(), json!("从轻处罚"))
    );
    let decide = json!({"action": "decide"});
    w.step_refused_by(
        &w.supervisor,
        &id,
        decide.clone(),
        Refusal::Rule("collective_discussion_required"),
    )
    .await;
    w.step_ok_by(
        &w.supervisor,
        &id,
        json!({"action": "record_collective_discussion", "held_on": enforcement::clock::today().to_string(),
               "participants": ["主任", "副主任"], "conclusion": "同意偏离裁量基准减轻处罚"}),
    )
    .await;
    let decided = w.step_ok_by(&w.supervisor, &id, decide).await;
    assert_eq!(decided["status"], "decided", "{decided}");
    // The decision document states the benchmark applied and why it was left.
    let (status, documents) = json_of(
        w.app
            .get(&format!("/api/v1/cases/{id}/documents"), w.lead_token())
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{documents}");
    let decision = documents["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "decision")
        .unwrap();
    let page = w
        .app
        .get(decision["html_url"].as_str().unwrap(), w.lead_token())
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("本案适用行政裁量权基准"), "{page}");
    assert!(
        page.contains("当事人系残疾人，主动消除违法后果，情节特别轻微"),
        "{page}"
    );
}

/// A case keeps the benchmark version in force on its violation date; a later version
/// applies only when it punishes more lightly (从旧兼从轻, APL art. 37), and then the old
/// one may no longer be cited. The decision document says so.
#[actix_web::test]
async fn a_case_keeps_its_violation_dates_benchmark_unless_a_later_one_is_lighter() {
    let w = case_world().await;
    // Version 1 from 2024; the case world's violation is ten days ago.
    let first = publish_ok(&w.app, &w.supervisor, &w.power, &ordinary()).await;
    let first_id = first["id"].as_str().unwrap().to_string();

    // A heavier version 2 five days ago (after the violation): version 1 still applies.
    let heavier = with(
        ordinary(),
        json!({"fine_min_fen": 300_000, "effective_from": days_ago(5)}),
    );
    let second = publish_ok(&w.app, &w.supervisor, &w.power, &heavier).await;
    assert_eq!(second["version"], 2, "{second}");
    let notice = Notice::fine(250_000);
    let id = w.penalty_at(Stage::Notified(notice.clone()), json!({})).await;
    w.step_ok(&id, json!({"action": "waive_defense"})).await;
    let mut proposal = notice.propose();
    proposal["benchmark_id"] = second["id"].clone();
    let problem = w
        .step_refused(&id, proposal.clone(), Refusal::Rule("benchmark_not_in_force"))
        .await;
    assert!(
        problem["detail"].as_str().unwrap().contains("version 1 was"),
        "{problem}"
    );
    proposal["benchmark_id"] = json!(first_id);
    let proposed = w.step_ok(&id, proposal).await;
    assert_eq!(proposed["proposal"]["benchmark"]["version"], 1, "{proposed}");
    assert_eq!(proposed["proposal"]["benchmark"]["replaces_version"], Value::Null);
    let proposed_on_version_1 = id;

    // A lighter version 3 from today (¥1,000–¥10,000): a new case of the same violation
    // date applies it, and citing version 1 is refused.
    let lighter = with(ordinary(), json!({"fine_min_fen": 100_000, "effective_from": day(0)}));
    let third = publish_ok(&w.app, &w.supervisor, &w.power, &lighter).await;
    assert_eq!(third["version"], 3, "{third}");
    let notice = Notice::fine(150_000);
    let id = w.penalty_at(Stage::Notified(notice.clone()), json!({})).await;
    w.step_ok(&id, json!({"action": "waive_defense"})).await;
    let mut proposal = notice.propose();
    proposal["benchmark_id"] = json!(first_id);
    let problem = w
        .step_refused(&id, proposal.clone(), Refusal::Rule("lighter_benchmark_in_force"))
        .await;
    assert!(problem["detail"].as_str().unwrap().contains("APL art. 37"), "{problem}");
    proposal["benchmark_id"] = third["id"].clone();
    let proposed = w.step_ok(&id, proposal).await;
    assert_eq!(
        (
            proposed["proposal"]["benchmark"]["version"].clone(),
            proposed["proposal"]["benchmark"]["replaces_version"].clone()
        ),
        (json!(3), json!(1)),
        "{proposed}"
    );
    w.approve_review(&id).await;
    let decided = w.step_ok_by(&w.supervisor, &id, json!({"action": "decide"})).await;
    assert_eq!(decided["status"], "decided", "{decided}");
    let page = decision_page(&w, &id).await;
    assert!(page.contains("第三十七条"), "{page}");

    // APL art. 37 counts "作出行政处罚决定时": the first case, proposed on version 1 before
    // version 3 came into force, cannot be decided on version 1 now; the officers propose
    // again citing version 3, counsel reviews that proposal, and the head decides it.
    let id = proposed_on_version_1;
    w.approve_review(&id).await;
    let problem = w
        .step_refused_by(
            &w.supervisor,
            &id,
            json!({"action": "decide"}),
            Refusal::Rule("lighter_benchmark_in_force"),
        )
        .await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("decision day") && detail.contains(third["id"].as_str().unwrap()),
        "{problem}"
    );
    let mut proposal = Notice::fine(250_000).propose();
    proposal["benchmark_id"] = third["id"].clone();
    let proposed = w.step_ok(&id, proposal).await;
    assert_eq!(
        proposed["proposal"]["benchmark"]["replaces_version"],
        json!(1),
        "{proposed}"
    );
    w.approve_review(&id).await;
    let decided = w.step_ok_by(&w.supervisor, &id, json!({"action": "decide"})).await;
    assert_eq!(
        (
            decided["status"].clone(),
            decided["proposal"]["benchmark"]["version"].clone()
        ),
        (json!("decided"), json!(3)),
        "{decided}"
    );
}

/// 国办发〔2022〕27号 binds every penalty, the on-the-spot ones too (APL art. 51): the decision
/// names the benchmark in force and stays inside its grade — on the spot there is no legal
/// review or collective discussion to deviate with — and the decision document, the record
/// and the consistency report carry it. The head's decision of a proposal takes none.
#[actix_web::test]
async fn an_on_the_spot_decision_applies_the_benchmark_in_force() {
    let w = case_world().await;
    let lenient = with(
        ordinary(),
        json!({"grade": "lenient", "fine_min_fen": 50_000, "fine_max_fen": 200_000}),
    );
    let benchmark = publish_ok(&w.app, &w.supervisor, &w.power, &lenient).await;
    let id = w
        .open_ok(
            "penalty",
            json!({"procedure": "simple", "opened_on": day(0), "violation_on": day(0)}),
        )
        .await;
    let decide = |amount: i64, benchmark_id: Option<&Value>| {
        let mut body = json!({"action": "decide", "outcome": "penalty",
            "penalties": [{"type": "fine", "amount_fen": amount}],
            "credentials_shown": true, "party_heard": "当事人无异议"});
        if let Some(id) = benchmark_id {
            body["benchmark_id"] = id.clone();
        }
        body
    };
    w.step_refused(&id, decide(150_000, None), Refusal::Rule("benchmark_required"))
        .await;
    let problem = w
        .step_refused(
            &id,
            decide(250_000, Some(&benchmark["id"])),
            Refusal::Rule("outside_benchmark"),
        )
        .await;
    assert!(
        problem["detail"].as_str().unwrap().contains("ordinary procedure"),
        "{problem}"
    );
    let decided = w.step_ok(&id, decide(200_000, Some(&benchmark["id"]))).await;
    assert_eq!(decided["status"], "decided", "{decided}");
    let record = w.record(&id).await;
    let event = record["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (event["action"].clone(), event["payload"]["benchmark"]["id"].clone()),
        ("decide".into(), benchmark["id"].clone()),
        "{event}"
    );
    let page = decision_page(&w, &id).await;
    assert!(page.contains("本案适用行政裁量权基准"), "{page}");
    let year = &day(0)[..4];
    let (status, report) = json_of(
        w.app
            .get(&format!("/api/v1/benchmarks/consistency?year={year}"), &w.supervisor)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(
        (&report["decisions"], &report["with_benchmark"]),
        (&json!(1), &json!(1)),
        "{report}"
    );

    // In the ordinary procedure the head decides on the proposal's benchmark.
    let notice = Notice::fine(150_000);
    let ordinary_case = w.penalty_at(Stage::Notified(notice.clone()), json!({})).await;
    w.step_ok(&ordinary_case, json!({"action": "waive_defense"})).await;
    let mut proposal = notice.propose();
    proposal["benchmark_id"] = benchmark["id"].clone();
    w.step_ok(&ordinary_case, proposal).await;
    w.approve_review(&ordinary_case).await;
    let problem = w
        .step_refused_by(
            &w.supervisor,
            &ordinary_case,
            json!({"action": "decide", "benchmark_id": benchmark["id"]}),
            Refusal::Invalid("benchmark_id"),
        )
        .await;
    assert!(problem.to_string().contains("propose again"), "{problem}");
}

/// The consistency report counts the test's own decisions: per power and grade, fines
/// against the grade's range, and the one far from the others.
#[actix_web::test]
async fn the_consistency_report_is_computed_from_the_decisions() {
    let w = case_world().await;
    let benchmark = publish_ok(&w.app, &w.supervisor, &w.power, &ordinary()).await;
    let mut decided = Vec::new();
    for (fine, deviation) in [
        (300_000, None),
        (400_000, None),
        (500_000, None),
        (100_000, Some("当事人主动消除违法后果，情节特别轻微")),
    ] {
        let notice = Notice::fine(fine);
        let id = w.penalty_at(Stage::Notified(notice.clone()), json!({})).await;
        w.step_ok(&id, json!({"action": "waive_defense"})).await;
        let mut proposal = notice.propose();
        proposal["benchmark_id"] = benchmark["id"].clone();
        if let Some(reason) = deviation {
            proposal["deviation_reason"] = json!(reason);
        }
        w.step_ok(&id, proposal).await;
        w.approve_review(&id).await;
        if deviation.is_some() {
            w.step_ok_by(
                &w.supervisor,
                &id,
                json!({"action": "record_collective_discussion", "held_on": enforcement::clock::today().to_string(),
                       "participants": ["主任", "副主任"], "conclusion": "同意减轻处罚"}),
            )
            .await;
        }
        let case = w.step_ok_by(&w.supervisor, &id, json!({"action": "decide"})).await;
        assert_eq!(case["status"], "decided", "{case}");
        decided.push(id);
    }
    let year = &enforcement::clock::today().to_string()[..4];
    let path = format!("/api/v1/benchmarks/consistency?year={year}");
    let (status, report) = json_of(w.app.get(&path, &w.supervisor).await).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(
        (
            &report["decisions"],
            &report["with_benchmark"],
            &report["outside_range"],
            &report["outliers"]
        ),
        (&json!(4), &json!(4), &json!(1), &json!(1)),
        "{report}"
    );
    assert_eq!(report["by_power"][0]["power_code"], "XF-CG-001");
    assert_eq!(report["by_power"][0]["by_grade"]["ordinary"], 4);
    let group = &report["groups"][0];
    assert_eq!(
        (
            &group["fine_min_fen"],
            &group["fine_median_fen"],
            &group["fine_max_fen"]
        ),
        (&json!(100_000), &json!(350_000.0), &json!(500_000))
    );
    assert_eq!(
        (
            &group["inside_range"],
            &group["outside_range"],
            &group["deviations_with_reason"]
        ),
        (&json!(3), &json!(1), &json!(1))
    );
    let flagged: Vec<(Value, Value)> = group["flagged"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["case_id"].clone(), f["why"].clone()))
        .collect();
    assert_eq!(
        flagged,
        vec![
            (json!(decided[3]), json!("outside_range")),
            (json!(decided[3]), json!("far_from_median"))
        ]
    );
    // The same as a workbook; officers do not read it.
    let response = w.app.get(&format!("{path}&format=xlsx"), &w.supervisor).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], XLSX);
    assert!(response.bytes().await.unwrap().starts_with(b"PK"));
    let forbidden = w.app.get(&path, w.lead_token()).await;
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
}
