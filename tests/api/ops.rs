use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{backend_under_test, expect_problem, json_of, spawn_app};

#[tokio::test]
async fn health_and_readiness_answer_with_the_backend_in_use() {
    let app = spawn_app().await;
    let (status, body) = json_of(app.client.get(app.url("/healthz")).send().await.unwrap()).await;
    assert_eq!((status, body), (StatusCode::OK, json!({"status": "ok"})));
    let (status, body) = json_of(app.client.get(app.url("/readyz")).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["database"], json!(backend_under_test()));
}

/// A networked database can disappear under a running server; readiness must then say
/// 503 (so a load balancer stops routing) instead of hanging or crashing. SQLite files
/// stay readable through open descriptors, so this scenario is PostgreSQL's.
#[tokio::test]
async fn readiness_fails_when_the_database_is_gone() {
    let app = spawn_app().await;
    let crate::helpers::TestDb::Postgres { server_url, name } = &app.db else {
        return;
    };
    {
        use diesel::{Connection, RunQueryDsl};
        let mut conn = diesel::PgConnection::establish(server_url).unwrap();
        diesel::sql_query(format!("DROP DATABASE \"{name}\" WITH (FORCE)"))
            .execute(&mut conn)
            .unwrap();
    }
    let response = app.client.get(app.url("/readyz")).send().await.unwrap();
    expect_problem(response, StatusCode::SERVICE_UNAVAILABLE).await;
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_metrics_count_routes() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/healthz")).send().await.unwrap();
    let generated = response.headers()["x-request-id"].to_str().unwrap().to_string();
    assert_eq!(generated.len(), 36, "a UUID: {generated}");
    let response = app
        .client
        .get(app.url("/healthz"))
        .header("X-Request-Id", "trace-abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "trace-abc-123");

    // The request id also appears in problem bodies, so a user's report can be traced.
    let response = app.get("/api/v1/users/nope", "not-a-token").await;
    let id = response.headers()["x-request-id"].to_str().unwrap().to_string();
    let problem = expect_problem(response, StatusCode::UNAUTHORIZED).await;
    assert_eq!(problem["request_id"], json!(id));

    let metrics = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains(r#"http_requests_total{method="GET",route="/healthz",status="200"} 2"#),
        "{metrics}"
    );
    assert!(
        metrics.contains(r#"route="/api/v1/users/{id}",status="401""#),
        "{metrics}"
    );
    assert!(metrics.contains("http_request_duration_seconds_bucket"), "{metrics}");
}

#[tokio::test]
async fn unknown_routes_are_problem_404s() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/api/v1/nothing-here")).send().await.unwrap();
    let problem = expect_problem(response, StatusCode::NOT_FOUND).await;
    assert_eq!(problem["code"], json!("not-found"));
}
