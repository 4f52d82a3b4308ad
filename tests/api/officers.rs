//! The officer register: active officers of the agency with their certificate status.

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_fields, expect_problem, json_of, spawn_app};

/// Creates an officer whose certificate expires `days` from today; returns the user id.
pub async fn officer_expiring_in(app: &TestApp, token: &str, username: &str, name: &str, days: i64) -> String {
    let expires = enforcement::clock::today() + Duration::days(days);
    let body = json!({
        "username": username,
        "display_name": name,
        "password": crate::helpers::PASSWORD,
        "roles": ["officer"],
        "certificate_no": format!("1201{:07}", username.len() * 1000 + days.unsigned_abs() as usize),
        "certificate_expires_on": expires.to_string(),
        "enforcement_field": "城市管理",
    });
    let (status, created) = json_of(app.post("/api/v1/users", token, &body).await).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created["id"].as_str().unwrap().to_string()
}

fn by_name(list: &Value) -> Vec<(String, String)> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["display_name"].as_str().unwrap().to_string(),
                o["certificate_status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_register_lists_active_officers_with_their_certificate_status() {
    let app = spawn_app().await;
    let (_, supervisor) = app.user_token("zhao.liu", &["supervisor"]).await;
    officer_expiring_in(&app, &app.admin_token, "zhang.san", "张三", 400).await;
    officer_expiring_in(&app, &app.admin_token, "li.si", "李四", 10).await;
    officer_expiring_in(&app, &app.admin_token, "wang.wu", "王五", -1).await;
    let gone = officer_expiring_in(&app, &app.admin_token, "chen.qi", "陈七", 400).await;
    let (status, _) = json_of(
        app.patch(
            &format!("/api/v1/users/{gone}"),
            &app.admin_token,
            &json!({"active": false}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let other = app.second_agency("HY", "other.admin").await;
    officer_expiring_in(&app, &other, "hy.officer", "外街道执法员", 400).await;

    let (status, list) = json_of(app.get("/api/v1/officers", &supervisor).await).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(
        by_name(&list),
        vec![
            ("张三".to_string(), "valid".to_string()),
            ("李四".to_string(), "expiring".to_string()),
            ("王五".to_string(), "expired".to_string()),
        ],
        "active officers of this agency only; not the supervisor, not the deactivated officer"
    );
    let first = &list["items"][0];
    assert_eq!(first["enforcement_field"], json!("城市管理"));
    assert!(first["certificate_no"].is_string() && first["certificate_expires_on"].is_string());
    assert!(first.get("username").is_none() && first.get("roles").is_none());

    for (status, expected) in [("valid", "张三"), ("expiring", "李四"), ("expired", "王五")] {
        let (_, filtered) = json_of(app.get(&format!("/api/v1/officers?status={status}"), &supervisor).await).await;
        assert_eq!(by_name(&filtered), vec![(expected.to_string(), status.to_string())]);
    }
    let (_, missing) = json_of(app.get("/api/v1/officers?status=missing", &supervisor).await).await;
    assert_eq!(missing["items"], json!([]));
    let (_, page) = json_of(app.get("/api/v1/officers?limit=2", &supervisor).await).await;
    let cursor = page["next_cursor"].as_str().unwrap();
    let (_, rest) = json_of(
        app.get(&format!("/api/v1/officers?limit=2&cursor={cursor}"), &supervisor)
            .await,
    )
    .await;
    assert_eq!(by_name(&rest), vec![("王五".to_string(), "expired".to_string())]);

    let problem = expect_problem(
        app.get("/api/v1/officers?status=revoked", &supervisor).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["status"]);
    let response = app.client.get(app.url("/api/v1/officers")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}
