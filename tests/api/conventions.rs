use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{error_fields, expect_problem, json_of, spawn_app};

#[tokio::test]
async fn malformed_json_is_a_400_problem() {
    let app = spawn_app().await;
    let response = app
        .request(Method::POST, "/api/v1/users", Some(&app.admin_token))
        .header("content-type", "application/json")
        .body("{\"username\": ")
        .send()
        .await
        .unwrap();
    let problem = expect_problem(response, StatusCode::BAD_REQUEST).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("not valid JSON"),
        "{problem}"
    );
}

#[tokio::test]
async fn a_body_that_is_not_a_json_object_is_a_400_problem() {
    // serde would read an array as a struct's fields in order: `[null, null]` as a patch
    // changing nothing.
    let app = spawn_app().await;
    let me = json_of(app.get("/api/v1/me", &app.admin_token).await).await.1;
    let id = me["id"].as_str().unwrap();
    for body in [json!([null, null]), json!("text"), json!(7)] {
        let problem = expect_problem(
            app.patch(&format!("/api/v1/users/{id}"), &app.admin_token, &body).await,
            StatusCode::BAD_REQUEST,
        )
        .await;
        assert_eq!(error_fields(&problem), vec!["body"], "{body}");
    }
}

#[tokio::test]
async fn wrong_types_and_missing_fields_name_the_field() {
    let app = spawn_app().await;
    let body = json!({"username": "a.b", "display_name": "某", "password": 12345678901234_i64, "roles": []});
    let problem = expect_problem(
        app.post("/api/v1/users", &app.admin_token, &body).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["password"]);
    let body = json!({"username": "a.b", "password": "x"});
    let problem = expect_problem(
        app.post("/api/v1/users", &app.admin_token, &body).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["display_name"]);
    let body = json!({"username": "a.b", "display_name": "某", "password": "long-enough-pass", "roles": ["officer"], "certificate_expires_on": "2030-02-30"});
    let problem = expect_problem(
        app.post("/api/v1/users", &app.admin_token, &body).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["certificate_expires_on"]);
}

#[tokio::test]
async fn bodies_over_one_mebibyte_are_413() {
    let app = spawn_app().await;
    let huge = "甲".repeat(400_000); // 1.2 MB of UTF-8
    let body =
        json!({"username": "big", "display_name": huge, "password": "long-enough-pass", "roles": ["supervisor"]});
    let problem = expect_problem(
        app.post("/api/v1/users", &app.admin_token, &body).await,
        StatusCode::PAYLOAD_TOO_LARGE,
    )
    .await;
    assert_eq!(problem["code"], json!("payload-too-large"));
    // Also without a Content-Length (chunked), the limit holds while streaming.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = (0..20).map(|_| Ok(vec![b' '; 64 * 1024])).collect();
    let response = app
        .request(Method::POST, "/api/v1/users", Some(&app.admin_token))
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(chunks)))
        .send()
        .await
        .unwrap();
    expect_problem(response, StatusCode::PAYLOAD_TOO_LARGE).await;
    let (_, list) = json_of(app.get("/api/v1/users", &app.admin_token).await).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn json_is_required_where_json_is_expected() {
    let app = spawn_app().await;
    let response = app
        .request(Method::POST, "/api/v1/auth/login", None)
        .header("content-type", "text/plain")
        .body("username=admin")
        .send()
        .await
        .unwrap();
    expect_problem(response, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
}

#[tokio::test]
async fn bad_list_parameters_are_refused() {
    let app = spawn_app().await;
    let problem = expect_problem(
        app.get("/api/v1/users?limit=500", &app.admin_token).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["limit"]);
    let problem = expect_problem(
        app.get("/api/v1/users?limit=ten", &app.admin_token).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["limit"]);
    let problem = expect_problem(
        app.get("/api/v1/users?cursor=%%%", &app.admin_token).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["cursor"]);
    // Any base64url cursor is a position, even one decoding to NUL and bytes that are not
    // UTF-8 (PostgreSQL text cannot hold NUL: this was a 500 there).
    for path in ["/api/v1/users?cursor=AAOsu4UMmdXOrv4Lm0", "/api/v1/powers?cursor=AAAA"] {
        let (status, page) = json_of(app.get(path, &app.admin_token).await).await;
        assert_eq!(status, StatusCode::OK, "{path}: {page}");
    }
    let problem = expect_problem(
        app.get("/api/v1/users?active=maybe", &app.admin_token).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["active"]);
}

#[tokio::test]
async fn a_method_a_path_does_not_have_is_405_with_allow() {
    let app = spawn_app().await;
    let response = app
        .request(reqwest::Method::DELETE, "/api/v1/powers", Some(&app.admin_token))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    let allow = response.headers()[reqwest::header::ALLOW].to_str().unwrap().to_string();
    assert_eq!(allow, "GET, POST");
    let problem = expect_problem(response, StatusCode::METHOD_NOT_ALLOWED).await;
    assert_eq!(problem["code"], json!("method-not-allowed"));
    // A path segment that names another route is that route, not an id.
    let response = app
        .request(reqwest::Method::GET, "/api/v1/powers/import", Some(&app.admin_token))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()[reqwest::header::ALLOW], "POST");
    // An unknown path stays 404.
    let response = app
        .request(reqwest::Method::GET, "/api/v1/nowhere", None)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

/// A body that trickles in holds its connection no longer than the body timeout: 408.
#[tokio::test]
async fn a_body_that_does_not_arrive_in_time_is_408() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app =
        crate::helpers::spawn_app_with(|settings| settings.body_timeout = std::time::Duration::from_secs(1)).await;
    let address = app.address.trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "POST /api/v1/users HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{{\"username\":",
        app.admin_token
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    // The rest of the body never comes; the server answers and closes.
    let read = tokio::time::timeout(std::time::Duration::from_secs(20), stream.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "the server kept waiting for the body");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("request-timeout"), "{answer}");
}
