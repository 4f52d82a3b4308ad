//! Issue 15: the inspection items register (检查事项清单) — published by admins and
//! supervisors, read by staff, public in force (JSON and a Chinese page), withdrawn but
//! never edited or deleted.

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{CaseWorld, TestApp, case_world, error_fields, expect_problem, json_of, today};

fn day(offset: i64) -> String {
    (enforcement::clock::today() + Duration::days(offset)).to_string()
}

/// A valid body for an item under `power`.
fn item(code: &str, power: &str) -> Value {
    json!({
        "code": code,
        "name": "餐饮服务场所消防安全检查",
        "power_id": power,
        "standard": "疏散通道畅通；灭火器在有效期内；燃气管道无私拉乱接",
        "method": "on_site",
    })
}

/// `body` with `extra` fields merged over it.
fn with(mut body: Value, extra: Value) -> Value {
    body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    body
}

async fn create(app: &TestApp, token: &str, body: &Value) -> (StatusCode, Value) {
    json_of(app.post("/api/v1/inspection-items", token, body).await).await
}

async fn create_ok(app: &TestApp, token: &str, body: &Value) -> Value {
    let (status, created) = create(app, token, body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created
}

async fn withdraw(app: &TestApp, token: &str, id: &str, body: &Value) -> (StatusCode, Value) {
    json_of(
        app.post(&format!("/api/v1/inspection-items/{id}/withdraw"), token, body)
            .await,
    )
    .await
}

async fn public_get(app: &TestApp, path: &str) -> (StatusCode, Value) {
    json_of(app.client.get(app.url(path)).send().await.unwrap()).await
}

/// The codes of a list (staff or public).
fn codes(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|i| i["code"].as_str().unwrap().to_string())
        .collect()
}

async fn staff_codes(w: &CaseWorld, query: &str) -> Vec<String> {
    let (status, list) = json_of(
        w.app
            .get(&format!("/api/v1/inspection-items{query}"), w.lead_token())
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    codes(&list)
}

async fn public_codes(app: &TestApp) -> Vec<String> {
    let (status, list) = public_get(app, "/api/v1/public/inspection-items?agency=XF").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    codes(&list)
}

/// The public page's status, headers of note and body.
async fn public_page(app: &TestApp, agency: &str) -> (StatusCode, reqwest::header::HeaderMap, String) {
    let response = app
        .client
        .get(app.url(&format!("/public/inspection-items?agency={agency}")))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    (status, headers, response.text().await.unwrap())
}

#[tokio::test]
async fn an_item_published_by_the_head_is_listed_for_staff_and_shown_to_the_public() {
    let w = case_world().await;
    let (_, me) = json_of(w.app.get("/api/v1/me", &w.supervisor).await).await;
    let response = w
        .app
        .post(
            "/api/v1/inspection-items",
            &w.supervisor,
            &item(" xf-jc-001 ", &w.power),
        )
        .await;
    let location = response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string());
    let (status, created) = json_of(response).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap();
    assert_eq!(location, Some(format!("/api/v1/inspection-items/{id}")));
    assert_eq!(created["code"], json!("XF-JC-001"), "trimmed and upper-cased");
    assert_eq!(created["published_on"], json!(today()), "published today by default");
    assert_eq!(created["power_id"], json!(w.power));
    assert_eq!(created["power_code"], json!("XF-CG-001"));
    assert_eq!(
        created["legal_basis"],
        json!("《城市市容和环境卫生管理条例》第三十六条")
    );
    assert_eq!(created["yearly_cap"], Value::Null);
    assert_eq!(created["effective_yearly_cap"], json!(2), "the agency's default");
    assert_eq!(created["complaint_exempt"], json!(true));
    assert_eq!(created["in_force"], json!(true));
    assert_eq!(created["created_by"], me["id"], "who published it is recorded");
    assert_eq!(created["withdrawn_on"], Value::Null);

    // Admins publish too; an item of its own cap, not exempt, checked off site.
    create_ok(
        &w.app,
        &w.app.admin_token,
        &with(
            item("XF-JC-002", &w.power),
            json!({"name": "<script>alert('x')</script>油烟净化设施检查", "method": "off_site",
                   "yearly_cap": 4, "complaint_exempt": false, "standard": "油烟排放 < 2.0 mg/m³ & 台账齐全"}),
        ),
    )
    .await;

    // Any staff of the agency reads the list and each item.
    assert_eq!(staff_codes(&w, "").await, ["XF-JC-001", "XF-JC-002"]);
    let (status, one) = json_of(w.app.get(&format!("/api/v1/inspection-items/{id}"), &w.counsel.1).await).await;
    assert_eq!(status, StatusCode::OK, "{one}");
    assert_eq!(one, created);

    // The public JSON: exactly the disclosed fields, the cap resolved.
    let (status, list) = public_get(&w.app, "/api/v1/public/inspection-items?agency=XF").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(codes(&list), ["XF-JC-001", "XF-JC-002"]);
    let first = &list["items"][0];
    let mut keys: Vec<&str> = first.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "code",
            "complaint_exempt",
            "legal_basis",
            "method",
            "name",
            "power_code",
            "power_name",
            "published_on",
            "random",
            "standard",
            "yearly_cap"
        ]
    );
    assert_eq!(first["power_code"], json!("XF-CG-001"));
    assert_eq!(first["power_name"], json!("职权XF-CG-001"));
    assert_eq!(first["legal_basis"], json!("《城市市容和环境卫生管理条例》第三十六条"));
    assert_eq!(first["yearly_cap"], json!(2));
    assert_eq!(first["complaint_exempt"], json!(true));
    assert_eq!(first["method"], json!("on_site"));
    assert_eq!(list["items"][1]["yearly_cap"], json!(4));
    assert_eq!(list["items"][1]["complaint_exempt"], json!(false));
    assert!(!list.to_string().contains(id), "no ids in the public list");

    // The page: Chinese labels, words for the values, every value escaped, the headers of
    // every public page.
    let (status, headers, html) = public_page(&w.app, "XF").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_eq!(headers["content-type"], "text/html; charset=utf-8");
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap()
            .starts_with("default-src 'none'")
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    for label in [
        "检查事项清单",
        "学府街道办事处",
        "事项编码",
        "检查事项",
        "检查依据",
        "检查标准",
        "检查方式",
        "年度频次上限",
        "投诉举报触发的检查是否计入",
        "XF-JC-001",
        "《城市市容和环境卫生管理条例》第三十六条",
        "现场检查",
        "非现场检查",
        "每年2次",
        "每年4次",
        "不计入",
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;油烟净化设施检查",
        "油烟排放 &lt; 2.0 mg/m³ &amp; 台账齐全",
    ] {
        assert!(html.contains(label), "the page lacks {label}: {html}");
    }
    assert!(!html.contains("<script>"), "a value reached the page unescaped");
    assert!(!html.contains(id), "no ids on the page");
}

#[tokio::test]
async fn the_agency_setting_is_the_default_cap() {
    let w = case_world().await;
    create_ok(&w.app, &w.supervisor, &item("XF-JC-001", &w.power)).await;
    let (_, mut settings) = json_of(w.app.get("/api/v1/settings", &w.app.admin_token).await).await;
    assert_eq!(settings["inspection_yearly_cap"], json!(2), "the default: {settings}");
    settings["inspection_yearly_cap"] = json!(3);
    w.app.put_settings(settings).await;
    let (_, list) = public_get(&w.app, "/api/v1/public/inspection-items?agency=XF").await;
    assert_eq!(list["items"][0]["yearly_cap"], json!(3), "{list}");
    let (_, staff) = json_of(w.app.get("/api/v1/inspection-items", w.lead_token()).await).await;
    assert_eq!(staff["items"][0]["effective_yearly_cap"], json!(3), "{staff}");
    assert_eq!(staff["items"][0]["yearly_cap"], Value::Null);
}

#[tokio::test]
async fn officers_and_counsel_may_read_but_not_publish_or_withdraw() {
    let w = case_world().await;
    let published = create_ok(&w.app, &w.supervisor, &item("XF-JC-001", &w.power)).await;
    let id = published["id"].as_str().unwrap();
    for token in [w.lead_token(), w.counsel.1.as_str()] {
        let (status, problem) = create(&w.app, token, &item("XF-JC-002", &w.power)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
        let (status, problem) = withdraw(&w.app, token, id, &json!({"reason": "不再检查"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    }
    assert_eq!(staff_codes(&w, "").await, ["XF-JC-001"], "nothing was added");
    let (_, one) = json_of(
        w.app
            .get(&format!("/api/v1/inspection-items/{id}"), w.lead_token())
            .await,
    )
    .await;
    assert_eq!(one["withdrawn_on"], Value::Null, "nothing was withdrawn");
    let anonymous = w
        .app
        .client
        .post(w.app.url("/api/v1/inspection-items"))
        .json(&item("XF-JC-003", &w.power))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_bad_field_is_named_and_nothing_is_stored() {
    let w = case_world().await;
    let cases = [
        (json!({"yearly_cap": 0}), "yearly_cap"),
        (json!({"yearly_cap": 366}), "yearly_cap"),
        (json!({"name": "   "}), "name"),
        (json!({"standard": "标".repeat(4001)}), "standard"),
        (json!({"code": "XF JC 001"}), "code"),
        (json!({"published_on": day(-367)}), "published_on"),
        (json!({"published_on": day(367)}), "published_on"),
    ];
    for (extra, field) in cases {
        let response = w
            .app
            .post(
                "/api/v1/inspection-items",
                &w.supervisor,
                &with(item("XF-JC-001", &w.power), extra.clone()),
            )
            .await;
        let problem = expect_problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(error_fields(&problem), [field], "{extra}: {problem}");
    }
    // Wrong types and missing fields are 400s naming the field.
    for (body, field) in [
        (
            with(item("XF-JC-001", &w.power), json!({"method": "by_phone"})),
            "method",
        ),
        (
            with(item("XF-JC-001", &w.power), json!({"yearly_cap": "two"})),
            "yearly_cap",
        ),
        (
            json!({"code": "XF-JC-001", "name": "检查", "power_id": w.power, "method": "on_site"}),
            "standard",
        ),
    ] {
        let response = w.app.post("/api/v1/inspection-items", &w.supervisor, &body).await;
        let problem = expect_problem(response, StatusCode::BAD_REQUEST).await;
        assert_eq!(error_fields(&problem), [field], "{problem}");
    }
    assert!(staff_codes(&w, "").await.is_empty(), "a refused item was stored");
    // A year back is the limit.
    create_ok(
        &w.app,
        &w.supervisor,
        &with(item("XF-JC-001", &w.power), json!({"published_on": day(-366)})),
    )
    .await;
}

#[tokio::test]
async fn a_taken_code_is_a_conflict_whatever_its_case() {
    let w = case_world().await;
    create_ok(&w.app, &w.supervisor, &item("XF-JC-001", &w.power)).await;
    let response = w
        .app
        .post(
            "/api/v1/inspection-items",
            &w.app.admin_token,
            &with(item("xf-jc-001", &w.power), json!({"name": "另一个事项"})),
        )
        .await;
    let problem = expect_problem(response, StatusCode::CONFLICT).await;
    assert!(problem["detail"].as_str().unwrap().contains("XF-JC-001"), "{problem}");
    let (_, list) = json_of(w.app.get("/api/v1/inspection-items", w.lead_token()).await).await;
    assert_eq!(codes(&list), ["XF-JC-001"]);
    assert_eq!(list["items"][0]["name"], json!("餐饮服务场所消防安全检查"));
    // Another agency may use the same code for its own list.
    let other = w.app.second_agency("OT", "other.admin").await;
    let other_power = other_power(&w.app, &other).await;
    create_ok(&w.app, &other, &item("XF-JC-001", &other_power)).await;
}

/// A power of the other agency's list, in force since 2020.
async fn other_power(app: &TestApp, token: &str) -> String {
    let (status, power) = json_of(
        app.post(
            "/api/v1/powers",
            token,
            &json!({"code": "OT-CG-001", "name": "对占道经营的处罚", "category": "penalty",
                    "legal_basis": "《城市市容和环境卫生管理条例》第三十六条",
                    "source_department": "城市管理", "effective_from": "2020-01-01"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{power}");
    power["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn the_power_must_be_the_agencys_and_in_force_on_the_day_of_publication() {
    let w = case_world().await;
    let other = w.app.second_agency("OT", "other.admin").await;
    let foreign = other_power(&w.app, &other).await;
    for power in [foreign.as_str(), "01a22966-0000-7000-8000-000000000000"] {
        let response = w
            .app
            .post("/api/v1/inspection-items", &w.supervisor, &item("XF-JC-001", power))
            .await;
        let problem = expect_problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(error_fields(&problem), ["power_id"], "{problem}");
    }
    // A power retired yesterday: not for an item published today; one published while it
    // was in force stands.
    let (status, retired) = json_of(
        w.app
            .post(
                "/api/v1/powers",
                &w.app.admin_token,
                &json!({"code": "XF-CG-050", "name": "已取消的职权", "category": "inspection",
                        "legal_basis": "《某条例》第十条", "source_department": "城市管理",
                        "effective_from": "2020-01-01", "effective_to": day(-1)}),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{retired}");
    let retired = retired["id"].as_str().unwrap();
    let response = w
        .app
        .post("/api/v1/inspection-items", &w.supervisor, &item("XF-JC-001", retired))
        .await;
    let problem = expect_problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["rule"], json!("power_not_in_force"), "{problem}");
    create_ok(
        &w.app,
        &w.supervisor,
        &with(item("XF-JC-001", retired), json!({"published_on": day(-30)})),
    )
    .await;
    // A power from next week: an item scheduled for then, not one published today.
    let (status, coming) = json_of(
        w.app
            .post(
                "/api/v1/powers",
                &w.app.admin_token,
                &json!({"code": "XF-CG-051", "name": "新增职权", "category": "inspection",
                        "legal_basis": "《某条例》第十一条", "source_department": "城市管理",
                        "effective_from": day(7)}),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{coming}");
    let coming = coming["id"].as_str().unwrap();
    let response = w
        .app
        .post("/api/v1/inspection-items", &w.supervisor, &item("XF-JC-002", coming))
        .await;
    let problem = expect_problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["rule"], json!("power_not_in_force"), "{problem}");
    let scheduled = create_ok(
        &w.app,
        &w.supervisor,
        &with(item("XF-JC-002", coming), json!({"published_on": day(7)})),
    )
    .await;
    assert_eq!(scheduled["in_force"], json!(false));
    // Today the public sees the item on the retired power (in force until withdrawn), not
    // the scheduled one.
    assert_eq!(public_codes(&w.app).await, ["XF-JC-001"]);
    assert_eq!(
        staff_codes(&w, &format!("?in_force_on={}", day(7))).await,
        ["XF-JC-001", "XF-JC-002"]
    );
}

#[tokio::test]
async fn a_withdrawn_item_leaves_the_public_list_from_that_day() {
    let w = case_world().await;
    // Published ten days ago (entered late, 补录).
    let published = |code: &str| with(item(code, &w.power), json!({"published_on": day(-10)}));
    let kept = create_ok(&w.app, &w.supervisor, &published("XF-JC-001")).await;
    let gone = create_ok(&w.app, &w.supervisor, &published("XF-JC-002")).await;
    let later = create_ok(&w.app, &w.supervisor, &published("XF-JC-003")).await;
    let gone_id = gone["id"].as_str().unwrap();
    assert_eq!(public_codes(&w.app).await, ["XF-JC-001", "XF-JC-002", "XF-JC-003"]);

    // Refused withdrawals change nothing.
    for (body, field) in [
        (json!({"reason": "  "}), "reason"),
        (json!({"reason": "事项调整", "withdrawn_on": day(-1)}), "withdrawn_on"),
        (json!({"reason": "事项调整", "withdrawn_on": day(367)}), "withdrawn_on"),
    ] {
        let response = w
            .app
            .post(
                &format!("/api/v1/inspection-items/{gone_id}/withdraw"),
                &w.supervisor,
                &body,
            )
            .await;
        let problem = expect_problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(error_fields(&problem), [field], "{problem}");
    }
    assert_eq!(public_codes(&w.app).await, ["XF-JC-001", "XF-JC-002", "XF-JC-003"]);

    // Withdrawn today (the default): off the public list and the page at once.
    let (status, withdrawn) = withdraw(
        &w.app,
        &w.supervisor,
        gone_id,
        &json!({"reason": " 上级部门取消该检查事项 "}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{withdrawn}");
    assert_eq!(withdrawn["withdrawn_on"], json!(today()));
    assert_eq!(withdrawn["withdraw_reason"], json!("上级部门取消该检查事项"));
    assert_eq!(withdrawn["in_force"], json!(false));
    assert_eq!(public_codes(&w.app).await, ["XF-JC-001", "XF-JC-003"]);
    let (_, _, html) = public_page(&w.app, "XF").await;
    assert!(html.contains("XF-JC-001") && !html.contains("XF-JC-002"), "{html}");
    // Staff still read it, with its reason; it was in force until yesterday.
    let (_, one) = json_of(
        w.app
            .get(&format!("/api/v1/inspection-items/{gone_id}"), w.lead_token())
            .await,
    )
    .await;
    assert_eq!(one["withdraw_reason"], json!("上级部门取消该检查事项"));
    assert_eq!(staff_codes(&w, "").await, ["XF-JC-001", "XF-JC-002", "XF-JC-003"]);
    assert_eq!(
        staff_codes(&w, &format!("?in_force_on={}", day(-1))).await,
        ["XF-JC-001", "XF-JC-002", "XF-JC-003"]
    );
    assert_eq!(
        staff_codes(&w, &format!("?in_force_on={}", today())).await,
        ["XF-JC-001", "XF-JC-003"]
    );

    // Once withdrawn, always withdrawn.
    let response = w
        .app
        .post(
            &format!("/api/v1/inspection-items/{gone_id}/withdraw"),
            &w.app.admin_token,
            &json!({"reason": "再次撤回"}),
        )
        .await;
    expect_problem(response, StatusCode::CONFLICT).await;
    let (_, one) = json_of(
        w.app
            .get(&format!("/api/v1/inspection-items/{gone_id}"), w.lead_token())
            .await,
    )
    .await;
    assert_eq!(one["withdraw_reason"], json!("上级部门取消该检查事项"), "unchanged");

    // Withdrawn from next week by an admin: public until then.
    let (status, scheduled) = withdraw(
        &w.app,
        &w.app.admin_token,
        later["id"].as_str().unwrap(),
        &json!({"reason": "合并至XF-JC-001", "withdrawn_on": day(7)}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{scheduled}");
    assert_eq!(scheduled["in_force"], json!(true));
    assert_eq!(public_codes(&w.app).await, ["XF-JC-001", "XF-JC-003"]);
    assert_eq!(
        staff_codes(&w, &format!("?in_force_on={}", day(7))).await,
        ["XF-JC-001"]
    );
    assert_eq!(kept["withdrawn_on"], Value::Null);
}

#[tokio::test]
async fn another_agencys_item_is_not_found_nor_listed() {
    let w = case_world().await;
    let published = create_ok(&w.app, &w.supervisor, &item("XF-JC-001", &w.power)).await;
    let id = published["id"].as_str().unwrap();
    let other = w.app.second_agency("OT", "other.admin").await;
    let (status, problem) = json_of(w.app.get(&format!("/api/v1/inspection-items/{id}"), &other).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem}");
    let (status, problem) = withdraw(&w.app, &other, id, &json!({"reason": "越权撤回"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem}");
    let (status, list) = json_of(w.app.get("/api/v1/inspection-items", &other).await).await;
    assert_eq!(status, StatusCode::OK);
    assert!(codes(&list).is_empty(), "{list}");
    let (status, list) = public_get(&w.app, "/api/v1/public/inspection-items?agency=OT").await;
    assert_eq!(status, StatusCode::OK);
    assert!(codes(&list).is_empty(), "{list}");
    let (_, _, html) = public_page(&w.app, "OT").await;
    assert!(!html.contains("XF-JC-001"), "{html}");
    assert_eq!(
        public_codes(&w.app).await,
        ["XF-JC-001"],
        "the item itself is untouched"
    );
}

#[tokio::test]
async fn lists_filter_by_method_and_day_and_page_by_code() {
    let w = case_world().await;
    for (code, method) in [
        ("XF-JC-003", "off_site"),
        ("XF-JC-001", "on_site"),
        ("XF-JC-002", "on_site"),
    ] {
        create_ok(
            &w.app,
            &w.supervisor,
            &with(item(code, &w.power), json!({"method": method})),
        )
        .await;
    }
    assert_eq!(staff_codes(&w, "?method=on_site").await, ["XF-JC-001", "XF-JC-002"]);
    assert_eq!(staff_codes(&w, "?method=off_site").await, ["XF-JC-003"]);
    assert!(staff_codes(&w, &format!("?in_force_on={}", day(-1))).await.is_empty());
    let (status, first) = json_of(w.app.get("/api/v1/inspection-items?limit=2", w.lead_token()).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(codes(&first), ["XF-JC-001", "XF-JC-002"]);
    let cursor = first["next_cursor"].as_str().unwrap();
    let (_, rest) = json_of(
        w.app
            .get(
                &format!("/api/v1/inspection-items?limit=2&cursor={cursor}"),
                w.lead_token(),
            )
            .await,
    )
    .await;
    assert_eq!(codes(&rest), ["XF-JC-003"]);
    assert_eq!(rest["next_cursor"], Value::Null);
    let (_, page) = public_get(&w.app, "/api/v1/public/inspection-items?agency=XF&limit=1").await;
    assert_eq!(codes(&page), ["XF-JC-001"]);
    let cursor = page["next_cursor"].as_str().unwrap();
    let (_, page) = public_get(
        &w.app,
        &format!("/api/v1/public/inspection-items?agency=XF&limit=1&cursor={cursor}"),
    )
    .await;
    assert_eq!(codes(&page), ["XF-JC-002"]);
    let response = w
        .app
        .get("/api/v1/inspection-items?method=by_phone", w.lead_token())
        .await;
    let problem = expect_problem(response, StatusCode::BAD_REQUEST).await;
    assert_eq!(error_fields(&problem), ["method"]);
}

#[tokio::test]
async fn the_public_list_needs_a_known_agency() {
    let w = case_world().await;
    for path in ["/api/v1/public/inspection-items", "/public/inspection-items"] {
        let response = w
            .app
            .client
            .get(w.app.url(&format!("{path}?agency=NOPE")))
            .send()
            .await
            .unwrap();
        expect_problem(response, StatusCode::NOT_FOUND).await;
        let response = w.app.client.get(w.app.url(path)).send().await.unwrap();
        let problem = expect_problem(response, StatusCode::BAD_REQUEST).await;
        assert_eq!(error_fields(&problem), ["agency"]);
    }
    let (status, empty) = public_get(&w.app, "/api/v1/public/inspection-items?agency=XF").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(empty, json!({"items": [], "next_cursor": null}));
    let (status, _, html) = public_page(&w.app, "XF").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("共 0 项"), "{html}");
}
