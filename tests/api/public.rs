//! Public disclosure before enforcement (事前公开): readable without login, and nothing
//! beyond the listed fields leaks.

use std::collections::BTreeSet;

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_fields, expect_problem, json_of, spawn_app};
use crate::officers::officer_expiring_in;

async fn public_get(app: &TestApp, path: &str) -> (StatusCode, Value) {
    json_of(app.client.get(app.url(path)).send().await.unwrap()).await
}

fn keys(value: &Value) -> BTreeSet<String> {
    value.as_object().unwrap().keys().cloned().collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|n| n.to_string()).collect()
}

async fn create_power(app: &TestApp, token: &str, code: &str, from: &str, to: Option<&str>) -> Value {
    let body = json!({
        "code": code,
        "name": format!("{code}事项"),
        "category": "penalty",
        "legal_basis": "《城市市容和环境卫生管理条例》第三十六条",
        "source_department": "城市管理",
        "fine_min_fen": 5000,
        "fine_max_fen": 50000,
        "requires_av_record": true,
        "effective_from": from,
        "effective_to": to,
        "change_note": "内部备注",
    });
    let (status, created) = json_of(app.post("/api/v1/powers", token, &body).await).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created
}

#[tokio::test]
async fn the_public_power_list_shows_powers_in_force_today_and_only_five_fields() {
    let app = spawn_app().await;
    let today = enforcement::clock::today();
    let yesterday = (today - Duration::days(1)).to_string();
    let in_ten_days = (today + Duration::days(10)).to_string();
    create_power(&app, &app.admin_token, "XF-CG-001", "2024-01-01", None).await;
    create_power(&app, &app.admin_token, "XF-CG-002", "2024-01-01", Some(&yesterday)).await;
    create_power(&app, &app.admin_token, "XF-CG-003", &in_ten_days, None).await;
    let scheduled = create_power(&app, &app.admin_token, "XF-CG-004", "2024-01-01", None).await;
    // A change that takes effect in ten days: today the public still sees the old text.
    let (status, _) = json_of(
        app.patch(
            &format!("/api/v1/powers/{}", scheduled["id"].as_str().unwrap()),
            &app.admin_token,
            &json!({"name": "新名称", "effective_from": in_ten_days}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let other = app.second_agency("HY", "other.admin").await;
    create_power(&app, &other, "HY-CG-001", "2024-01-01", None).await;

    let (status, list) = public_get(&app, "/api/v1/public/powers?agency=XF").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(keys(&list), set(&["items", "next_cursor"]));
    let items = list["items"].as_array().unwrap();
    let codes: Vec<&str> = items.iter().map(|p| p["code"].as_str().unwrap()).collect();
    assert_eq!(codes, vec!["XF-CG-001", "XF-CG-004"]);
    for item in items {
        assert_eq!(
            keys(item),
            set(&["code", "name", "category", "legal_basis", "source_department"]),
            "{item}"
        );
    }
    assert_eq!(items[1]["name"], json!("XF-CG-004事项"));
    assert_eq!(items[0]["category"], json!("penalty"));
    assert_eq!(items[0]["source_department"], json!("城市管理"));
    assert!(!list.to_string().contains("内部备注"));

    let (_, other_list) = public_get(&app, "/api/v1/public/powers?agency=HY").await;
    assert_eq!(other_list["items"][0]["code"], json!("HY-CG-001"));
    let (_, page) = public_get(&app, "/api/v1/public/powers?agency=XF&limit=1").await;
    let cursor = page["next_cursor"].as_str().unwrap();
    let (_, rest) = public_get(
        &app,
        &format!("/api/v1/public/powers?agency=XF&limit=1&cursor={cursor}"),
    )
    .await;
    assert_eq!(rest["items"][0]["code"], json!("XF-CG-004"));
}

#[tokio::test]
async fn the_public_officer_directory_shows_certified_officers_and_only_four_fields() {
    let app = spawn_app().await;
    let valid = officer_expiring_in(&app, &app.admin_token, "zhang.san", "张三", 400).await;
    officer_expiring_in(&app, &app.admin_token, "li.si", "李四", 10).await;
    officer_expiring_in(&app, &app.admin_token, "wang.wu", "王五", -1).await;
    let gone = officer_expiring_in(&app, &app.admin_token, "chen.qi", "陈七", 400).await;
    app.patch(
        &format!("/api/v1/users/{gone}"),
        &app.admin_token,
        &json!({"active": false}),
    )
    .await;
    app.user_token("zhao.liu", &["supervisor"]).await;
    let other = app.second_agency("HY", "other.admin").await;
    officer_expiring_in(&app, &other, "hy.officer", "外街道执法员", 400).await;

    let (status, list) = public_get(&app, "/api/v1/public/officers?agency=XF").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(keys(&list), set(&["items", "next_cursor"]));
    let items = list["items"].as_array().unwrap();
    let names: Vec<&str> = items.iter().map(|o| o["display_name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        vec!["张三", "李四"],
        "expired, deactivated and non-officers are left out"
    );
    for item in items {
        assert_eq!(
            keys(item),
            set(&["display_name", "certificate_no", "enforcement_field", "agency_name"]),
            "{item}"
        );
        assert_eq!(item["agency_name"], json!("学府街道办事处"));
        assert_eq!(item["enforcement_field"], json!("城市管理"));
        assert!(item["certificate_no"].as_str().unwrap().starts_with("1201"));
    }
    let text = list.to_string();
    for secret in [valid.as_str(), "zhang.san", "certificate_expires_on", "roles"] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
}

#[tokio::test]
async fn public_lists_need_a_known_agency() {
    let app = spawn_app().await;
    for path in ["/api/v1/public/powers", "/api/v1/public/officers"] {
        let response = app
            .client
            .get(app.url(&format!("{path}?agency=NOPE")))
            .send()
            .await
            .unwrap();
        expect_problem(response, StatusCode::NOT_FOUND).await;
        let response = app.client.get(app.url(path)).send().await.unwrap();
        let problem = expect_problem(response, StatusCode::BAD_REQUEST).await;
        assert_eq!(error_fields(&problem), vec!["agency"]);
        let response = app
            .client
            .get(app.url(&format!("{path}?agency=XF&limit=0")))
            .send()
            .await
            .unwrap();
        expect_problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let (status, empty) = public_get(&app, "/api/v1/public/officers?agency=XF").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(empty, json!({"items": [], "next_cursor": null}));
}
