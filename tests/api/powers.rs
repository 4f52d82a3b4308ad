//! The power list: versions, retirement, filters, CSV/XLSX import (dry run and
//! all-or-nothing apply) and the sample list loaded from the command line.

use chrono::{Duration, NaiveDate};
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_fields, expect_problem, json_of, spawn_app};

const HEADER: &str = "code,name,category,legal_basis,source_department,fine_min_fen,fine_max_fen,requires_av_record,effective_from,effective_to";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn today() -> NaiveDate {
    enforcement::clock::today()
}

fn power(code: &str) -> Value {
    json!({
        "code": code,
        "name": "对在城市建筑物、设施上擅自张贴宣传品的处罚",
        "category": "penalty",
        "legal_basis": "《城市市容和环境卫生管理条例》第三十四条第（二）项",
        "source_department": "城市管理",
        "fine_min_fen": 5000,
        "fine_max_fen": 50000,
        "effective_from": "2024-01-01",
    })
}

async fn create(app: &TestApp, body: &Value) -> Value {
    let (status, created) = json_of(app.post("/api/v1/powers", &app.admin_token, body).await).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created
}

async fn import(app: &TestApp, token: &str, query: &str, content_type: &str, body: Vec<u8>) -> Response {
    app.request(Method::POST, &format!("/api/v1/powers/import{query}"), Some(token))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn codes(app: &TestApp, query: &str) -> Vec<String> {
    let (status, list) = json_of(
        app.get(&format!("/api/v1/powers?limit=200{query}"), &app.admin_token)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn admins_add_powers_and_all_staff_read_them() {
    let app = spawn_app().await;
    let (_, officer) = app.user_token("li.si", &["officer"]).await;
    let created = create(&app, &power("XF-CG-002")).await;
    assert_eq!(created["version"], json!(1));
    assert_eq!(created["code"], json!("XF-CG-002"));
    assert_eq!(created["category"], json!("penalty"));
    assert_eq!(created["fine_max_fen"], json!(50000));
    assert_eq!(created["requires_av_record"], json!(false));
    assert_eq!(created["in_force"], json!(true));
    let path = format!("/api/v1/powers/{}", created["id"].as_str().unwrap());
    let (status, read) = json_of(app.get(&path, &officer).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        read["legal_basis"],
        json!("《城市市容和环境卫生管理条例》第三十四条第（二）项")
    );
    // Without effective_from the power takes effect today.
    let mut body = power("XF-CG-003");
    body.as_object_mut().unwrap().remove("effective_from");
    body["requires_av_record"] = json!(true);
    let second = create(&app, &body).await;
    assert_eq!(second["effective_from"], json!(today().to_string()));
    assert_eq!(second["requires_av_record"], json!(true));

    expect_problem(
        app.post("/api/v1/powers", &officer, &power("XF-CG-009")).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    expect_problem(
        app.patch(&path, &officer, &json!({"name": "改"})).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let problem = expect_problem(
        app.post("/api/v1/powers", &app.admin_token, &power(" XF-CG-002 "))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(problem["detail"].as_str().unwrap().contains("XF-CG-002"));

    let mut bad = power("XF CG 010");
    bad["fine_min_fen"] = json!(60000);
    bad["name"] = json!("  ");
    bad["effective_to"] = json!("2023-12-31");
    let problem = expect_problem(
        app.post("/api/v1/powers", &app.admin_token, &bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(
        error_fields(&problem),
        vec!["code", "name", "fine_max_fen", "effective_to"]
    );
    let mut bad = power("XF-CG-010");
    bad["category"] = json!("licensing");
    let problem = expect_problem(
        app.post("/api/v1/powers", &app.admin_token, &bad).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["category"]);
    assert_eq!(codes(&app, "").await, vec!["XF-CG-002", "XF-CG-003"]);
}

#[tokio::test]
async fn an_edit_makes_version_two_and_version_one_stays_readable() {
    let app = spawn_app().await;
    let (_, supervisor) = app.user_token("zhao.liu", &["supervisor"]).await;
    let created = create(&app, &power("XF-CG-002")).await;
    let id = created["id"].as_str().unwrap();
    let path = format!("/api/v1/powers/{id}");

    let (status, edited) = json_of(
        app.patch(
            &path,
            &app.admin_token,
            &json!({"fine_max_fen": 100000, "change_note": "裁量基准调整"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(edited["id"], json!(id));
    assert_eq!(edited["version"], json!(2));
    assert_eq!(edited["fine_max_fen"], json!(100000));
    assert_eq!(edited["effective_from"], json!(today().to_string()));

    let (status, versions) = json_of(app.get(&format!("{path}/versions"), &supervisor).await).await;
    assert_eq!(status, StatusCode::OK, "{versions}");
    let items = versions["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["version"], json!(1));
    assert_eq!(items[0]["fine_max_fen"], json!(50000));
    assert_eq!(
        items[0]["effective_to"],
        json!((today() - Duration::days(1)).to_string()),
        "the old version closes the day before"
    );
    assert_eq!(items[1]["change_note"], json!("裁量基准调整"));
    assert!(items[1]["created_by"].is_string());

    let (status, v1) = json_of(app.get(&format!("{path}/versions/1"), &supervisor).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v1["fine_max_fen"], json!(50000));
    assert_eq!(v1["effective_from"], json!("2024-01-01"));
    assert_eq!(v1["in_force"], json!(false));
    expect_problem(
        app.get(&format!("{path}/versions/3"), &supervisor).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    expect_problem(
        app.get(&format!("{path}/versions/one"), &supervisor).await,
        StatusCode::NOT_FOUND,
    )
    .await;

    // The list shows the latest version, or the one in force on a past day.
    let (_, now) = json_of(app.get("/api/v1/powers", &supervisor).await).await;
    assert_eq!(now["items"][0]["version"], json!(2));
    let (_, then) = json_of(app.get("/api/v1/powers?in_force_on=2024-06-01", &supervisor).await).await;
    assert_eq!(then["items"][0]["version"], json!(1));
    assert_eq!(then["items"][0]["current_version"], json!(2));
    assert_eq!(then["items"][0]["fine_max_fen"], json!(50000));

    // An edit that changes nothing makes no version; the code cannot change; a change
    // cannot start before the current version.
    let (_, same) = json_of(
        app.patch(
            &path,
            &app.admin_token,
            &json!({"fine_max_fen": 100000, "code": "XF-CG-002"}),
        )
        .await,
    )
    .await;
    assert_eq!(same["version"], json!(2));
    let problem = expect_problem(
        app.patch(&path, &app.admin_token, &json!({"code": "XF-CG-099"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["code"]);
    let problem = expect_problem(
        app.patch(
            &path,
            &app.admin_token,
            &json!({"name": "改名", "effective_from": "2025-01-01"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["effective_from"]);
    let problem = expect_problem(
        app.patch(&path, &app.admin_token, &json!({"fine_min_fen": 200000}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["fine_max_fen"]);

    // A scheduled change: version 3 from a later day; version 2 stays in force until then.
    let later = today() + Duration::days(10);
    let (_, scheduled) = json_of(
        app.patch(
            &path,
            &app.admin_token,
            &json!({"name": "对擅自张贴宣传品的处罚", "effective_from": later.to_string()}),
        )
        .await,
    )
    .await;
    assert_eq!(scheduled["version"], json!(3));
    assert_eq!(scheduled["in_force"], json!(false));
    let (_, in_force) = json_of(
        app.get(&format!("/api/v1/powers?in_force_on={}", today()), &supervisor)
            .await,
    )
    .await;
    assert_eq!(in_force["items"][0]["version"], json!(2));
    let (_, v2) = json_of(app.get(&format!("{path}/versions/2"), &supervisor).await).await;
    assert_eq!(v2["effective_to"], json!((later - Duration::days(1)).to_string()));
}

#[tokio::test]
async fn retiring_sets_the_end_date_and_deletes_nothing() {
    let app = spawn_app().await;
    let created = create(&app, &power("XF-CG-002")).await;
    create(&app, &power("XF-CG-003")).await;
    let path = format!("/api/v1/powers/{}", created["id"].as_str().unwrap());
    let yesterday = (today() - Duration::days(1)).to_string();
    let (status, retired) = json_of(
        app.patch(&path, &app.admin_token, &json!({"effective_to": yesterday}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{retired}");
    assert_eq!(retired["version"], json!(1), "retiring makes no new version");
    assert_eq!(retired["effective_to"], json!(yesterday));
    assert_eq!(retired["in_force"], json!(false));
    let (status, _) = json_of(app.get(&path, &app.admin_token).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(codes(&app, "").await, vec!["XF-CG-002", "XF-CG-003"]);
    assert_eq!(
        codes(&app, &format!("&in_force_on={}", today())).await,
        vec!["XF-CG-003"]
    );
    assert_eq!(
        codes(&app, "&in_force_on=2024-06-01").await,
        vec!["XF-CG-002", "XF-CG-003"]
    );
    // Editing a retired power's content needs a new end date (or none) to revive it.
    let problem = expect_problem(
        app.patch(&path, &app.admin_token, &json!({"name": "改名"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["effective_to"]);
    let (_, revived) = json_of(
        app.patch(&path, &app.admin_token, &json!({"name": "改名", "effective_to": null}))
            .await,
    )
    .await;
    assert_eq!(revived["version"], json!(2));
    assert_eq!(revived["in_force"], json!(true));
    // The gap stays: version 1 still ends yesterday.
    let (_, v1) = json_of(app.get(&format!("{path}/versions/1"), &app.admin_token).await).await;
    assert_eq!(v1["effective_to"], json!(yesterday));
}

#[tokio::test]
async fn lists_filter_by_category_department_text_and_page_by_code() {
    let app = spawn_app().await;
    let (_, officer) = app.user_token("li.si", &["officer"]).await;
    create(&app, &power("XF-CG-002")).await;
    let mut inspection = power("XF-SJ-009");
    inspection["category"] = json!("inspection");
    inspection["name"] = json!("对食品生产经营场所的监督检查");
    inspection["legal_basis"] = json!("《中华人民共和国食品安全法》第一百一十条");
    inspection["source_department"] = json!("市场监管");
    create(&app, &inspection).await;
    let mut coercion = power("XF-ZJ-003");
    coercion["category"] = json!("coercion");
    coercion["name"] = json!("对违法建设查封施工现场、强制拆除");
    coercion["legal_basis"] = json!("《中华人民共和国城乡规划法》第六十八条");
    coercion["source_department"] = json!("住房和城乡建设");
    coercion["requires_av_record"] = json!(true);
    coercion["effective_from"] = json!("2025-01-01");
    create(&app, &coercion).await;

    assert_eq!(codes(&app, "&category=inspection").await, vec!["XF-SJ-009"]);
    assert_eq!(
        codes(&app, "&source_department=%E5%9F%8E%E5%B8%82%E7%AE%A1%E7%90%86").await, // 城市管理
        vec!["XF-CG-002"]
    );
    assert_eq!(codes(&app, "&q=xf-zj").await, vec!["XF-ZJ-003"]);
    assert_eq!(codes(&app, "&q=%E9%A3%9F%E5%93%81").await, vec!["XF-SJ-009"]); // 食品
    assert_eq!(
        codes(&app, "&q=%E7%AC%AC%E5%85%AD%E5%8D%81%E5%85%AB%E6%9D%A1").await,
        vec!["XF-ZJ-003"]
    ); // 第六十八条
    assert_eq!(
        codes(&app, "&in_force_on=2024-06-01").await,
        vec!["XF-CG-002", "XF-SJ-009"]
    );

    let (_, first) = json_of(app.get("/api/v1/powers?limit=2", &officer).await).await;
    let page: Vec<_> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].clone())
        .collect();
    assert_eq!(page, vec![json!("XF-CG-002"), json!("XF-SJ-009")]);
    let cursor = first["next_cursor"].as_str().unwrap();
    let (_, second) = json_of(
        app.get(&format!("/api/v1/powers?limit=2&cursor={cursor}"), &officer)
            .await,
    )
    .await;
    assert_eq!(second["items"][0]["code"], json!("XF-ZJ-003"));
    assert!(second["next_cursor"].is_null());

    for (query, field) in [
        ("category=licensing", "category"),
        ("in_force_on=2024-02-30", "in_force_on"),
    ] {
        let problem = expect_problem(
            app.get(&format!("/api/v1/powers?{query}"), &officer).await,
            StatusCode::BAD_REQUEST,
        )
        .await;
        assert_eq!(error_fields(&problem), vec![field]);
    }
}

#[tokio::test]
async fn another_agencys_powers_are_not_found() {
    let app = spawn_app().await;
    let created = create(&app, &power("XF-CG-002")).await;
    let path = format!("/api/v1/powers/{}", created["id"].as_str().unwrap());
    let other = app.second_agency("HY", "other.admin").await;
    for sub in ["", "/versions", "/versions/1"] {
        expect_problem(app.get(&format!("{path}{sub}"), &other).await, StatusCode::NOT_FOUND).await;
    }
    expect_problem(
        app.patch(&path, &other, &json!({"name": "x"})).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let (_, list) = json_of(app.get("/api/v1/powers", &other).await).await;
    assert_eq!(list["items"], json!([]));
    // Codes are unique per agency, not across agencies.
    let (status, _) = json_of(app.post("/api/v1/powers", &other, &power("XF-CG-002")).await).await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, unchanged) = json_of(app.get(&path, &app.admin_token).await).await;
    assert_eq!(unchanged["version"], json!(1));
}

fn csv_row(code: &str, name: &str, category: &str, fine: (&str, &str), from: &str, to: &str) -> String {
    format!(
        "{code},{name},{category},《城市市容和环境卫生管理条例》第三十六条,城市管理,{},{},false,{from},{to}",
        fine.0, fine.1
    )
}

#[tokio::test]
async fn a_dry_run_reports_every_row_error_and_an_apply_with_errors_writes_nothing() {
    let app = spawn_app().await;
    let file = [
        format!("\u{feff}{HEADER}"),
        csv_row(
            "XF-CG-001",
            "对擅自设置大型户外广告的处罚",
            "penalty",
            ("50000", "1000000"),
            "2024-01-01",
            "",
        ),
        csv_row(
            "XF-CG-002",
            "对擅自堆放物料的处罚",
            "行政许可",
            ("", ""),
            "2024-01-01",
            "",
        ),
        csv_row("XF-CG-001", "重复的编码", "penalty", ("", ""), "", ""),
        csv_row("XF-CG-003", "裁量倒挂", "penalty", ("90000", "10000"), "2024-13-01", ""),
        String::new(),
        csv_row(
            "XF-CG-004",
            "对擅自拆除环境卫生设施的处罚",
            "行政处罚",
            ("100000", "1000000"),
            "2024/01/01",
            "",
        ),
    ]
    .join("\r\n");
    let (status, report) = json_of(
        import(
            &app,
            &app.admin_token,
            "?dry_run=true",
            "text/csv; charset=utf-8",
            file.clone().into_bytes(),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["dry_run"], json!(true));
    assert_eq!(report["rows"], json!(5));
    assert_eq!(report["created"], json!(2));
    let errors: Vec<(u64, String)> = report["row_errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_u64().unwrap(), e["column"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(
        errors,
        vec![(3, "category".into()), (4, "code".into()), (5, "effective_from".into()),],
        "{report}"
    );
    let items: Vec<(Value, Value)> = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["row"].clone(), i["outcome"].clone()))
        .collect();
    assert_eq!(items, vec![(json!(2), json!("created")), (json!(7), json!("created"))]);
    assert!(codes(&app, "").await.is_empty(), "a dry run writes nothing");

    // Once the unreadable date is fixed the next problem of that row shows: its range.
    let fixed = file.replace("2024-13-01", "2024-01-01");
    let (_, report) = json_of(
        import(
            &app,
            &app.admin_token,
            "?dry_run=true",
            "text/csv",
            fixed.clone().into_bytes(),
        )
        .await,
    )
    .await;
    assert!(
        report["row_errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["row"] == json!(5) && e["column"] == json!("fine_max_fen")),
        "{report}"
    );
    // Every cell reads now; only rules are broken (a duplicate code, an inverted range).
    let rules_only = fixed.replace("行政许可", "行政处罚");
    let problem = expect_problem(
        import(&app, &app.admin_token, "", "text/csv", rules_only.into_bytes()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(problem["row_errors"].as_array().unwrap().len(), 2, "{problem}");
    assert!(
        codes(&app, "").await.is_empty(),
        "a rule broken on one row keeps every row out"
    );

    // Applied, any error refuses the whole file with the same errors.
    let response = import(&app, &app.admin_token, "", "text/csv", file.into_bytes()).await;
    let problem = expect_problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["row_errors"].as_array().unwrap().len(), 3, "{problem}");
    assert_eq!(
        problem["row_errors"][0],
        json!({"row": 3, "column": "category", "reason": problem["row_errors"][0]["reason"]})
    );
    assert!(error_fields(&problem).contains(&"category".to_string()));
    assert!(
        codes(&app, "").await.is_empty(),
        "all or nothing: the valid rows were not written either"
    );
}

#[tokio::test]
async fn an_import_creates_new_versions_and_leaves_unchanged_rows_alone() {
    let app = spawn_app().await;
    let first = [
        HEADER.to_string(),
        csv_row(
            "XF-CG-001",
            "对擅自设置大型户外广告的处罚",
            "penalty",
            ("50000", "1000000"),
            "2024-01-01",
            "",
        ),
        csv_row(
            "XF-CG-002",
            "对擅自堆放物料的处罚",
            "penalty",
            ("20000", "1000000"),
            "2024-01-01",
            "",
        ),
        csv_row(
            "XF-CG-003",
            "对擅自拆除环境卫生设施的处罚",
            "penalty",
            ("100000", "1000000"),
            "2024-01-01",
            "",
        ),
    ]
    .join("\n");
    let (status, report) = json_of(import(&app, &app.admin_token, "", "text/csv", first.into_bytes()).await).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(
        (report["created"].clone(), report["dry_run"].clone()),
        (json!(3), json!(false))
    );
    assert!(report["items"][0]["power_id"].is_string());

    let yesterday = (today() - Duration::days(1)).to_string();
    let second = [
        HEADER.to_string(),
        csv_row(
            "XF-CG-001",
            "对擅自设置大型户外广告的处罚",
            "penalty",
            ("50000", "1000000"),
            "2024-01-01",
            "",
        ),
        csv_row(
            "XF-CG-002",
            "对擅自在街道两侧堆放物料的处罚",
            "penalty",
            ("20000", "1000000"),
            "2024-01-01",
            "",
        ),
        csv_row(
            "XF-CG-003",
            "对擅自拆除环境卫生设施的处罚",
            "penalty",
            ("100000", "1000000"),
            "2024-01-01",
            &yesterday,
        ),
        csv_row(
            "XF-CG-004",
            "对损坏环境卫生设施的处罚",
            "penalty",
            ("10000", "500000"),
            "",
            "",
        ),
    ]
    .join("\n");
    let (_, dry) = json_of(
        import(
            &app,
            &app.admin_token,
            "?dry_run=true",
            "text/csv",
            second.clone().into_bytes(),
        )
        .await,
    )
    .await;
    let outcomes = |report: &Value| -> Vec<Value> {
        report["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["outcome"].clone())
            .collect()
    };
    assert_eq!(
        outcomes(&dry),
        vec![
            json!("unchanged"),
            json!("new_version"),
            json!("effective_to_changed"),
            json!("created")
        ]
    );
    assert_eq!(dry["items"][1]["version"], json!(2));
    assert!(dry["items"][3]["power_id"].is_null());
    let (status, applied) = json_of(import(&app, &app.admin_token, "", "text/csv", second.into_bytes()).await).await;
    assert_eq!(status, StatusCode::OK, "{applied}");
    assert_eq!(outcomes(&applied), outcomes(&dry));
    assert_eq!(
        (
            applied["unchanged"].clone(),
            applied["new_versions"].clone(),
            applied["effective_to_changed"].clone(),
            applied["created"].clone()
        ),
        (json!(1), json!(1), json!(1), json!(1))
    );
    // The list still says 2024-01-01 for the renamed power: the change starts today and
    // version 1 keeps its history.
    let renamed = applied["items"][1]["power_id"].as_str().unwrap();
    let (_, versions) = json_of(
        app.get(&format!("/api/v1/powers/{renamed}/versions"), &app.admin_token)
            .await,
    )
    .await;
    assert_eq!(versions["items"][0]["effective_to"], json!(yesterday));
    assert_eq!(versions["items"][1]["effective_from"], json!(today().to_string()));
    assert_eq!(versions["items"][1]["name"], json!("对擅自在街道两侧堆放物料的处罚"));
    assert_eq!(versions["items"][1]["change_note"], json!("import (csv)"));
    assert_eq!(
        codes(&app, &format!("&in_force_on={}", today())).await,
        vec!["XF-CG-001", "XF-CG-002", "XF-CG-004"]
    );
}

#[tokio::test]
async fn a_300_row_file_imports_in_one_request() {
    let app = spawn_app().await;
    let departments = ["城市管理", "市场监管", "生态环境", "安全生产", "卫生健康", "消防"];
    let mut lines = vec![HEADER.to_string()];
    for n in 1..=300 {
        lines.push(format!(
            "XF-T-{n:03},\"对第{n}项违法行为的处罚，含逗号\",{},《某某管理条例》第{n}条,{},{},{},{},2024-01-01,",
            if n % 10 == 0 { "coercion" } else { "penalty" },
            departments[n % departments.len()],
            n * 100,
            n * 1000,
            n % 10 == 0,
        ));
    }
    let (status, report) =
        json_of(import(&app, &app.admin_token, "", "text/csv", lines.join("\n").into_bytes()).await).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["created"], json!(300));
    assert_eq!(report["row_errors"], json!([]));
    let first = codes(&app, "").await;
    let (_, page) = json_of(app.get("/api/v1/powers?limit=200", &app.admin_token).await).await;
    let cursor = page["next_cursor"].as_str().unwrap();
    let (_, rest) = json_of(
        app.get(&format!("/api/v1/powers?limit=200&cursor={cursor}"), &app.admin_token)
            .await,
    )
    .await;
    assert_eq!(first.len() + rest["items"].as_array().unwrap().len(), 300);
    assert_eq!(rest["items"][99]["code"], json!("XF-T-300"));
    assert_eq!(rest["items"][99]["requires_av_record"], json!(true));
    assert_eq!(rest["items"][99]["name"], json!("对第300项违法行为的处罚，含逗号"));
    assert_eq!(codes(&app, "&category=coercion").await.len(), 30);
}

/// Applied imports, dry runs and single additions sent together (all queued as writers)
/// succeed, and only what was applied stays.
#[tokio::test]
async fn imports_and_other_writes_at_the_same_time_all_succeed() {
    let app = spawn_app().await;
    let file = |batch: usize| {
        let mut lines = vec![HEADER.to_string()];
        for n in 1..=20 {
            lines.push(csv_row(
                &format!("XF-B{batch}-{n:02}"),
                "对擅自堆放物料的处罚",
                "penalty",
                ("", ""),
                "2024-01-01",
                "",
            ));
        }
        lines.join("\n").into_bytes()
    };
    let imports = (0..4).map(|batch| {
        let query = if batch % 2 == 0 { "" } else { "?dry_run=true" };
        let (app, file) = (&app, file(batch));
        async move { json_of(import(app, &app.admin_token, query, "text/csv", file).await).await }
    });
    let additions = (0..4).map(|n| {
        let app = &app;
        async move {
            json_of(
                app.post("/api/v1/powers", &app.admin_token, &power(&format!("XF-ONE-{n}")))
                    .await,
            )
            .await
        }
    });
    let (imported, added) = tokio::join!(
        futures_util::future::join_all(imports),
        futures_util::future::join_all(additions)
    );
    for (status, report) in &imported {
        assert_eq!(*status, StatusCode::OK, "{report}");
        assert_eq!(report["created"], json!(20), "{report}");
    }
    for (status, created) in &added {
        assert_eq!(*status, StatusCode::CREATED, "{created}");
    }
    let listed = codes(&app, "").await;
    assert_eq!(listed.len(), 2 * 20 + 4, "{listed:?}");
    assert!(
        listed
            .iter()
            .all(|code| !code.starts_with("XF-B1-") && !code.starts_with("XF-B3-"))
    );
}

fn workbook(rows: &[[&str; 10]], typed_row: bool) -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (col, name) in HEADER.split(',').enumerate() {
        sheet.write_string(0, col as u16, name).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (col, value) in row.iter().enumerate() {
            if !value.is_empty() {
                sheet.write_string(r as u32 + 1, col as u16, *value).unwrap();
            }
        }
    }
    if typed_row {
        // Numbers, a boolean and a date as Excel stores them, not as text.
        let row = rows.len() as u32 + 1;
        let date = Format::new().set_num_format("yyyy-mm-dd");
        sheet.write_string(row, 0, "XF-FH-012").unwrap();
        sheet.write_string(row, 1, "对火灾隐患场所实施临时查封").unwrap();
        sheet.write_string(row, 2, "行政强制").unwrap();
        sheet
            .write_string(row, 3, "《中华人民共和国消防法》第五十四条")
            .unwrap();
        sheet.write_string(row, 4, "消防").unwrap();
        sheet.write_number(row, 5, 0).unwrap();
        sheet.write_number(row, 6, 5_000_000).unwrap();
        sheet.write_boolean(row, 7, true).unwrap();
        sheet
            .write_datetime_with_format(row, 8, ExcelDateTime::from_ymd(2024, 3, 1).unwrap(), &date)
            .unwrap();
    }
    book.save_to_buffer().unwrap()
}

#[tokio::test]
async fn xlsx_lists_import_like_csv() {
    let app = spawn_app().await;
    let rows = [
        [
            "XF-ST-001",
            "对餐饮服务业经营者未安装油烟净化设施的处罚",
            "penalty",
            "《中华人民共和国大气污染防治法》第一百一十八条第一款",
            "生态环境",
            "500000",
            "5000000",
            "false",
            "2024-01-01",
            "",
        ],
        [
            "XF-ST-002",
            "对露天焚烧的处罚",
            "penalty",
            "《中华人民共和国大气污染防治法》第一百一十九条",
            "",
            "",
            "",
            "maybe",
            "2024-01-01",
            "",
        ],
    ];
    let (status, dry) =
        json_of(import(&app, &app.admin_token, "?dry_run=true", XLSX, workbook(&rows, true)).await).await;
    assert_eq!(status, StatusCode::OK, "{dry}");
    assert_eq!(dry["format"], json!("xlsx"));
    let errors: Vec<(Value, Value)> = dry["row_errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].clone(), e["column"].clone()))
        .collect();
    // A cell that cannot be read is reported first; the row's rules are checked once
    // every cell reads.
    assert_eq!(errors, vec![(json!(3), json!("requires_av_record"))], "{dry}");
    assert_eq!(dry["items"][1]["code"], json!("XF-FH-012"));
    assert_eq!(dry["items"][1]["row"], json!(4));
    let problem = expect_problem(
        import(&app, &app.admin_token, "", XLSX, workbook(&rows, true)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(problem["row_errors"].as_array().unwrap().len(), 1);
    assert!(codes(&app, "").await.is_empty());

    let (status, applied) = json_of(import(&app, &app.admin_token, "", XLSX, workbook(&rows[..1], true)).await).await;
    assert_eq!(status, StatusCode::OK, "{applied}");
    assert_eq!(applied["created"], json!(2));
    let (_, list) = json_of(app.get("/api/v1/powers?category=coercion", &app.admin_token).await).await;
    let typed = &list["items"][0];
    assert_eq!(typed["code"], json!("XF-FH-012"));
    assert_eq!(typed["fine_min_fen"], json!(0));
    assert_eq!(typed["fine_max_fen"], json!(5_000_000));
    assert_eq!(typed["requires_av_record"], json!(true));
    assert_eq!(typed["effective_from"], json!("2024-03-01"));

    let garbage = import(
        &app,
        &app.admin_token,
        "?dry_run=true",
        XLSX,
        b"PK\x03\x04 not really a zip".to_vec(),
    )
    .await;
    let (status, report) = json_of(garbage).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(report["row_errors"][0]["row"], json!(1));
    assert!(
        report["row_errors"][0]["reason"].as_str().unwrap().contains("XLSX"),
        "{report}"
    );
}

#[tokio::test]
async fn imports_refuse_other_types_large_bodies_bad_headers_and_non_admins() {
    let app = spawn_app().await;
    let (_, officer) = app.user_token("li.si", &["officer"]).await;
    let file = format!(
        "{HEADER}\n{}",
        csv_row("XF-CG-001", "名称", "penalty", ("", ""), "", "")
    );
    expect_problem(
        import(&app, &officer, "", "text/csv", file.clone().into_bytes()).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    expect_problem(
        import(&app, &app.admin_token, "", "application/json", b"{}".to_vec()).await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
    )
    .await;
    let mut big = file.clone().into_bytes();
    big.resize(4 * 1024 * 1024 + 1, b'\n');
    expect_problem(
        import(&app, &app.admin_token, "", "text/csv", big).await,
        StatusCode::PAYLOAD_TOO_LARGE,
    )
    .await;
    let problem = expect_problem(
        import(
            &app,
            &app.admin_token,
            "?dry_run=perhaps",
            "text/csv",
            file.clone().into_bytes(),
        )
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["dry_run"]);
    // A header with a typo, and a file in GBK, are located on the row where they are.
    let typo = file.replacen("legal_basis", "legal_basic", 1);
    let problem = expect_problem(
        import(&app, &app.admin_token, "", "text/csv", typo.into_bytes()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let located: Vec<(Value, Value)> = problem["row_errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].clone(), e["column"].clone()))
        .collect();
    assert_eq!(
        located,
        vec![(json!(1), json!("legal_basic")), (json!(1), json!("legal_basis"))]
    );
    let mut gbk = format!("{HEADER}\nXF-CG-001,").into_bytes();
    gbk.extend_from_slice(b"\xC3\xFB\xB3\xC6,penalty,x,y,,,,,\n");
    let problem = expect_problem(
        import(&app, &app.admin_token, "", "text/csv", gbk).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(problem["row_errors"][0]["row"], json!(2));
    assert!(problem["row_errors"][0]["reason"].as_str().unwrap().contains("UTF-8"));
    expect_problem(
        import(&app, &app.admin_token, "", "text/csv", Vec::new()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(codes(&app, "").await.is_empty());
}

/// Runs the binary against the test app's own database.
fn enforcement(app: &TestApp, args: &[&str]) -> (bool, String) {
    let database_url = match app.settings.database.backend {
        enforcement::db::Backend::Sqlite => format!("sqlite://{}", app.settings.database.target),
        enforcement::db::Backend::Postgres => app.settings.database.target.clone(),
    };
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_enforcement"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("ENFORCEMENT_DATA_DIR", &app.settings.data_dir)
        .env("ENFORCEMENT_JWT_SECRET", "a-test-secret-that-is-long-enough-1234")
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

#[tokio::test]
async fn the_sample_power_list_loads_from_the_command_line_once() {
    let app = spawn_app().await;
    let sample = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/reference/sample-powers.csv")).unwrap();
    let rows = sample.lines().filter(|l| !l.trim().is_empty()).count() - 1;
    assert!(rows >= 100, "{rows}");

    let (ok, out) = enforcement(&app, &["load-sample-powers", "--agency-code", "XF"]);
    assert!(ok, "{out}");
    assert!(out.contains(&format!("{rows} created")), "{out}");
    let (ok, out) = enforcement(&app, &["load-sample-powers", "--agency-code", "XF"]);
    assert!(
        ok && out.contains(&format!("{rows} unchanged")),
        "loading twice changes nothing: {out}"
    );
    let (ok, out) = enforcement(&app, &["load-sample-powers", "--agency-code", "NOPE"]);
    assert!(!ok && out.contains("NOPE"), "{out}");

    let (_, page) = json_of(app.get("/api/v1/powers?limit=200", &app.admin_token).await).await;
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), rows);
    for category in ["penalty", "inspection", "coercion", "other"] {
        assert!(items.iter().any(|p| p["category"] == json!(category)), "{category}");
    }
    let first = items.iter().find(|p| p["code"] == json!("XF-CG-001")).unwrap();
    assert_eq!(first["source_department"], json!("城市管理"));
    assert!(
        first["legal_basis"]
            .as_str()
            .unwrap()
            .starts_with("《城市市容和环境卫生管理条例》")
    );
    assert!(
        items
            .iter()
            .filter(|p| p["requires_av_record"] == json!(true))
            .all(|p| p["category"] == json!("coercion"))
    );
    assert!(items.iter().any(|p| p["requires_av_record"] == json!(true)));
}
