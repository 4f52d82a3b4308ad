use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{PASSWORD, error_fields, expect_problem, json_of, spawn_app};

#[tokio::test]
async fn admin_creates_an_officer_with_a_certificate() {
    let app = spawn_app().await;
    let body = json!({
        "username": "Zhang.San",
        "display_name": "张三",
        "password": "十二个字符的中文密码很安全",
        "roles": ["officer", "supervisor"],
        "certificate_no": "12010119001",
        "certificate_expires_on": "2030-06-30",
        "enforcement_field": "城市管理"
    });
    let (status, user) = json_of(app.post("/api/v1/users", &app.admin_token, &body).await).await;
    assert_eq!(status, StatusCode::CREATED, "{user}");
    assert_eq!(user["username"], json!("zhang.san"));
    assert_eq!(user["display_name"], json!("张三"));
    assert_eq!(user["roles"], json!(["officer", "supervisor"]));
    assert_eq!(user["certificate_status"], json!("valid"));
    assert_eq!(user["enforcement_field"], json!("城市管理"));
    assert!(user.get("password").is_none() && user.get("password_hash").is_none());
    assert_eq!(
        uuid::Uuid::parse_str(user["id"].as_str().unwrap())
            .unwrap()
            .get_version_num(),
        7
    );
    // The Chinese password works.
    app.login_ok("zhang.san", "十二个字符的中文密码很安全").await;
}

#[tokio::test]
async fn invalid_users_are_refused_field_by_field_and_nothing_is_created() {
    let app = spawn_app().await;
    let body = json!({"username": "x", "display_name": " ", "password": "short", "roles": ["officer"]});
    let problem = expect_problem(
        app.post("/api/v1/users", &app.admin_token, &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let mut fields = error_fields(&problem);
    fields.sort();
    assert_eq!(
        fields,
        vec![
            "certificate_expires_on",
            "certificate_no",
            "display_name",
            "password",
            "username"
        ]
    );
    let counsel =
        json!({"username": "lawyer", "display_name": "律师", "password": PASSWORD, "roles": ["legal_counsel"]});
    let problem = expect_problem(
        app.post("/api/v1/users", &app.admin_token, &counsel).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["legal_qualification"]);
    // An unknown role is a malformed request naming the element.
    let odd = json!({"username": "odd", "display_name": "某", "password": PASSWORD, "roles": ["supervisor", "root"]});
    let problem = expect_problem(
        app.post("/api/v1/users", &app.admin_token, &odd).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["roles[1]"]);

    let (_, list) = json_of(app.get("/api/v1/users", &app.admin_token).await).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "only the admin: {list}");
}

#[tokio::test]
async fn usernames_are_unique_regardless_of_case() {
    let app = spawn_app().await;
    app.create_user("chen.liu", &["supervisor"]).await;
    let body = json!({"username": "Chen.Liu", "display_name": "陈六", "password": PASSWORD, "roles": ["supervisor"]});
    let problem = expect_problem(
        app.post("/api/v1/users", &app.admin_token, &body).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(problem["detail"].as_str().unwrap().contains("chen.liu"));
}

#[tokio::test]
async fn only_admins_manage_users() {
    let app = spawn_app().await;
    let (_, officer) = app.user_token("officer1", &["officer"]).await;
    let body = json!({"username": "sneaky", "display_name": "某", "password": PASSWORD, "roles": ["admin"]});
    let problem = expect_problem(app.post("/api/v1/users", &officer, &body).await, StatusCode::FORBIDDEN).await;
    assert!(problem["detail"].as_str().unwrap().contains("admin"));
    expect_problem(app.get("/api/v1/users", &officer).await, StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn lists_page_with_a_cursor_and_filter() {
    let app = spawn_app().await;
    for i in 0..5 {
        app.create_user(&format!("officer{i}"), &["officer"]).await;
    }
    app.create_user("counsel", &["legal_counsel"]).await;
    let mut seen = Vec::new();
    let mut path = "/api/v1/users?limit=2".to_string();
    loop {
        let (status, page) = json_of(app.get(&path, &app.admin_token).await).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        seen.extend(items.iter().map(|u| u["username"].as_str().unwrap().to_string()));
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/users?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(
        seen,
        [
            "admin", "officer0", "officer1", "officer2", "officer3", "officer4", "counsel"
        ]
    );

    let (_, officers) = json_of(app.get("/api/v1/users?role=officer&limit=200", &app.admin_token).await).await;
    assert_eq!(officers["items"].as_array().unwrap().len(), 5);
    let (_, found) = json_of(app.get("/api/v1/users?q=COUNS", &app.admin_token).await).await;
    assert_eq!(found["items"][0]["username"], json!("counsel"));
    let (_, found) = json_of(
        app.get("/api/v1/users?q=%E7%94%A8%E6%88%B7officer3", &app.admin_token)
            .await,
    )
    .await;
    assert_eq!(
        found["items"].as_array().unwrap().len(),
        1,
        "display name 用户officer3: {found}"
    );
}

#[tokio::test]
async fn patch_changes_roles_and_a_password_reset_ends_sessions() {
    let app = spawn_app().await;
    let (id, token) = app.user_token("zhao", &["supervisor"]).await;
    let path = format!("/api/v1/users/{id}");
    // Adding the officer role without a certificate breaks the officer rule.
    let problem = expect_problem(
        app.patch(&path, &app.admin_token, &json!({"roles": ["officer"]})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["certificate_no", "certificate_expires_on"]);
    let patch = json!({"roles": ["officer"], "certificate_no": "12019", "certificate_expires_on": "2020-01-01"});
    let (status, user) = json_of(app.patch(&path, &app.admin_token, &patch).await).await;
    assert_eq!(status, StatusCode::OK, "{user}");
    assert_eq!(user["roles"], json!(["officer"]));
    assert_eq!(user["certificate_status"], json!("expired"));
    // The old session still works: a role change is not a password reset.
    assert_eq!(app.get("/api/v1/me", &token).await.status(), StatusCode::OK);

    let problem = expect_problem(
        app.patch(&path, &app.admin_token, &json!({"password": "short"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["password"]);
    let (status, _) = json_of(
        app.patch(&path, &app.admin_token, &json!({"password": "a-brand-new-password"}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    expect_problem(app.get("/api/v1/me", &token).await, StatusCode::UNAUTHORIZED).await;
    expect_problem(app.login("zhao", PASSWORD).await, StatusCode::UNAUTHORIZED).await;
    app.login_ok("zhao", "a-brand-new-password").await;
}

#[tokio::test]
async fn an_admin_cannot_lock_themselves_out() {
    let app = spawn_app().await;
    let (_, me) = json_of(app.get("/api/v1/me", &app.admin_token).await).await;
    let path = format!("/api/v1/users/{}", me["id"].as_str().unwrap());
    let problem = expect_problem(
        app.patch(&path, &app.admin_token, &json!({"active": false})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(problem["rule"], json!("admin_self_lockout"));
    let problem = expect_problem(
        app.patch(&path, &app.admin_token, &json!({"roles": ["supervisor"]}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(problem["rule"], json!("admin_self_lockout"));
    assert_eq!(app.get("/api/v1/me", &app.admin_token).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn another_agencys_users_are_not_found() {
    let app = spawn_app().await;
    let ours = app.create_user("ours", &["supervisor"]).await;
    let other_admin = app.second_agency("HD", "hd.admin").await;
    let theirs_path = format!("/api/v1/users/{ours}");
    expect_problem(app.get(&theirs_path, &other_admin).await, StatusCode::NOT_FOUND).await;
    expect_problem(
        app.patch(&theirs_path, &other_admin, &json!({"active": false})).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let (_, list) = json_of(app.get("/api/v1/users", &other_admin).await).await;
    let names: Vec<_> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["hd.admin"]);
    // Unchanged for its own agency.
    let (status, user) = json_of(app.get(&theirs_path, &app.admin_token).await).await;
    assert_eq!((status, &user["active"]), (StatusCode::OK, &json!(true)));
}
