use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{ADMIN_PASSWORD, PASSWORD, expect_problem, json_of, spawn_app};

#[tokio::test]
async fn login_returns_bearer_tokens_that_open_me() {
    let app = spawn_app().await;
    let (status, body) = json_of(app.login("admin", ADMIN_PASSWORD).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["token_type"], json!("Bearer"));
    assert_eq!(body["expires_in"], json!(900));
    let token = body["access_token"].as_str().unwrap();
    assert_eq!(token.split('.').count(), 3, "a JWT");

    let (status, me) = json_of(app.get("/api/v1/me", token).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["username"], json!("admin"));
    assert_eq!(me["roles"], json!(["admin"]));
    assert_eq!(me["agency"]["code"], json!("XF"));
    assert_eq!(me["agency"]["name"], json!("学府街道办事处"));
    assert!(me.get("password_hash").is_none());
}

#[tokio::test]
async fn usernames_are_case_insensitive_at_login() {
    let app = spawn_app().await;
    let (status, _) = json_of(app.login("ADMIN", ADMIN_PASSWORD).await).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn wrong_credentials_and_missing_tokens_are_401() {
    let app = spawn_app().await;
    let problem = expect_problem(app.login("admin", "wrong-password-123").await, StatusCode::UNAUTHORIZED).await;
    assert_eq!(problem["detail"], json!("invalid username or password"));
    // An unknown user gets the same answer, so usernames cannot be probed.
    let unknown = expect_problem(
        app.login("nobody", "wrong-password-123").await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(unknown["detail"], problem["detail"]);

    let response = app.request(Method::GET, "/api/v1/me", None).send().await.unwrap();
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    expect_problem(response, StatusCode::UNAUTHORIZED).await;
    expect_problem(
        app.get("/api/v1/me", "garbage.token.here").await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    // A token signed with another secret is refused.
    let forged = {
        let keys = enforcement::auth::tokens::JwtKeys::new(&[9u8; 40], std::time::Duration::from_secs(60));
        keys.issue("x", "y", "z").unwrap()
    };
    expect_problem(app.get("/api/v1/me", &forged).await, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn five_failures_throttle_the_username_even_for_the_right_password() {
    let app = spawn_app().await;
    app.create_user("wang.wu", &["supervisor"]).await;
    for attempt in 1..=5 {
        let response = app.login("wang.wu", "not-the-password").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }
    let response = app.login("wang.wu", PASSWORD).await;
    let retry_after: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((850..=900).contains(&retry_after), "Retry-After {retry_after}");
    let problem = expect_problem(response, StatusCode::TOO_MANY_REQUESTS).await;
    assert_eq!(problem["code"], json!("too-many-requests"));
    // The throttle is per username: others still log in.
    let (status, _) = json_of(app.login("admin", ADMIN_PASSWORD).await).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_successful_login_clears_earlier_failures() {
    let app = spawn_app().await;
    for _ in 0..4 {
        app.login("admin", "not-the-password").await;
    }
    app.login_ok("admin", ADMIN_PASSWORD).await;
    for _ in 0..4 {
        app.login("admin", "not-the-password").await;
    }
    // 8 failures in all, but never 5 since the last success.
    app.login_ok("admin", ADMIN_PASSWORD).await;
}

#[tokio::test]
async fn refresh_rotates_and_reuse_revokes_the_whole_family() {
    let app = spawn_app().await;
    let first = app.login_ok("admin", ADMIN_PASSWORD).await;
    let refresh = |token: String| {
        app.request(Method::POST, "/api/v1/auth/refresh", None)
            .json(&json!({"refresh_token": token}))
            .send()
    };
    let (status, second) = json_of(refresh(first.refresh_token.clone()).await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    let second_refresh = second["refresh_token"].as_str().unwrap().to_string();
    let second_access = second["access_token"].as_str().unwrap().to_string();
    assert_ne!(second_refresh, first.refresh_token);
    assert_eq!(app.get("/api/v1/me", &second_access).await.status(), StatusCode::OK);

    // The first refresh token was used: presenting it again is theft or a bug.
    let problem = expect_problem(
        refresh(first.refresh_token.clone()).await.unwrap(),
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert!(
        problem["detail"].as_str().unwrap().contains("already used"),
        "{problem}"
    );
    // ...and it revoked the family: the newest refresh token and its access token are dead.
    expect_problem(refresh(second_refresh).await.unwrap(), StatusCode::UNAUTHORIZED).await;
    expect_problem(app.get("/api/v1/me", &second_access).await, StatusCode::UNAUTHORIZED).await;
    expect_problem(
        app.get("/api/v1/me", &first.access_token).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    // Other sessions of the same user are untouched.
    assert_eq!(app.get("/api/v1/me", &app.admin_token).await.status(), StatusCode::OK);
    expect_problem(refresh("made-up".into()).await.unwrap(), StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn logout_ends_the_session_at_once() {
    let app = spawn_app().await;
    let tokens = app.login_ok("admin", ADMIN_PASSWORD).await;
    let response = app.post("/api/v1/auth/logout", &tokens.access_token, &json!({})).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    expect_problem(
        app.get("/api/v1/me", &tokens.access_token).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    let response = app
        .request(Method::POST, "/api/v1/auth/refresh", None)
        .json(&json!({"refresh_token": tokens.refresh_token}))
        .send()
        .await
        .unwrap();
    expect_problem(response, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn a_deactivated_users_tokens_stop_working_at_once() {
    let app = spawn_app().await;
    let (id, token) = app.user_token("li.si", &["supervisor"]).await;
    assert_eq!(app.get("/api/v1/me", &token).await.status(), StatusCode::OK);
    let (status, body) = json_of(
        app.patch(
            &format!("/api/v1/users/{id}"),
            &app.admin_token,
            &json!({"active": false}),
        )
        .await,
    )
    .await;
    assert_eq!((status, &body["active"]), (StatusCode::OK, &json!(false)), "{body}");
    expect_problem(app.get("/api/v1/me", &token).await, StatusCode::UNAUTHORIZED).await;
    expect_problem(app.login("li.si", PASSWORD).await, StatusCode::UNAUTHORIZED).await;
    // Reactivation lets them log in again, with a new session.
    app.patch(
        &format!("/api/v1/users/{id}"),
        &app.admin_token,
        &json!({"active": true}),
    )
    .await;
    app.login_ok("li.si", PASSWORD).await;
}

/// Issue 14 (8): password hashing is bounded. With one hasher and no time to wait in line,
/// a flood of logins is answered at once — each either logged in or 429 with
/// `Retry-After` — instead of queueing; none fails, and the next login gets in.
#[tokio::test]
async fn a_login_flood_is_turned_away_promptly_instead_of_queued() {
    let app = crate::helpers::spawn_app_with(|settings| {
        settings.password_hashing_concurrency = 1;
        settings.password_hashing_wait = std::time::Duration::from_millis(1);
    })
    .await;
    let logins = (0..30).map(|_| app.login("admin", ADMIN_PASSWORD));
    let responses = futures_util::future::join_all(logins).await;
    let (mut in_, mut turned_away) = (0, 0);
    for response in responses {
        match response.status() {
            StatusCode::OK => in_ += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                assert_eq!(response.headers()["retry-after"], "1");
                let problem = expect_problem(response, StatusCode::TOO_MANY_REQUESTS).await;
                assert!(
                    problem["detail"].as_str().unwrap().contains("too many logins at once"),
                    "{problem}"
                );
                turned_away += 1;
            }
            other => panic!("a login in a flood answered {other}"),
        }
    }
    assert!(in_ >= 1, "the first in line logs in");
    assert!(turned_away >= 1, "with one hasher and no wait, a flood is turned away");
    app.login_ok("admin", ADMIN_PASSWORD).await;
}

/// Trying passwords across usernames from one address: after 50 failures in the window the
/// address waits, whatever the username — the right password included.
#[tokio::test]
async fn fifty_failed_logins_from_one_address_make_it_wait() {
    let app = spawn_app().await;
    for i in 0..50 {
        let (status, _) = json_of(app.login(&format!("guess{i}"), "not-the-password").await).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    let response = app.login("admin", ADMIN_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().contains_key("retry-after"));
    let problem = expect_problem(response, StatusCode::TOO_MANY_REQUESTS).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("from this address"),
        "{problem}"
    );
}
