use diesel::{Connection, RunQueryDsl};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{backend_under_test, expect_problem, json_of, spawn_app, spawn_app_with};

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
        let mut conn = diesel::PgConnection::establish(server_url).unwrap();
        diesel::sql_query(format!("DROP DATABASE \"{name}\" WITH (FORCE)"))
            .execute(&mut conn)
            .unwrap();
    }
    let response = app.client.get(app.url("/readyz")).send().await.unwrap();
    expect_problem(response, StatusCode::SERVICE_UNAVAILABLE).await;
}

/// Requests, not only readiness, answer 503 while the database is gone: a pooled
/// connection found dead is a lost connection (503), not an internal error (500), and the
/// pool holding none then refuses at once. Run with a one-second pool timeout so that a
/// regression to waiting shows as slowness, not as a hang of the suite.
#[tokio::test]
async fn requests_answer_503_while_the_database_is_gone() {
    let app = spawn_app_with(|settings| settings.db_timeout = std::time::Duration::from_secs(1)).await;
    let crate::helpers::TestDb::Postgres { server_url, name } = &app.db else {
        return;
    };
    let mut conn = diesel::PgConnection::establish(server_url).unwrap();
    diesel::sql_query(format!("DROP DATABASE \"{name}\" WITH (FORCE)"))
        .execute(&mut conn)
        .unwrap();
    // More requests than the pool holds connections: each dead one is met once.
    for attempt in 0..app.settings.db_pool_size + 3 {
        let response = app.get("/api/v1/me", &app.admin_token).await;
        let problem = expect_problem(response, StatusCode::SERVICE_UNAVAILABLE).await;
        assert_eq!(problem["code"], json!("unavailable"), "request {attempt}: {problem}");
    }
}

/// The database server drops every connection of the service (a restart, a failover, an
/// administrator): the service answers 503 for the connections it finds dead, never 500,
/// and serves again without being restarted, because dead connections are discarded
/// rather than returned to the pool.
#[tokio::test]
async fn dropped_connections_are_replaced_without_a_restart() {
    let app = spawn_app().await;
    let crate::helpers::TestDb::Postgres { server_url, name } = &app.db else {
        return;
    };
    let mut conn = diesel::PgConnection::establish(server_url).unwrap();
    let terminated: Vec<Terminated> = diesel::sql_query(format!(
        "SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()"
    ))
    .load(&mut conn)
    .unwrap();
    assert!(
        !terminated.is_empty() && terminated.iter().all(|t| t.done),
        "the pool's connections were terminated"
    );
    // Ask until it serves again (the pool reconnects in the background, later on a loaded
    // machine), then a pool's worth more: a bound on waiting, not a timing assertion.
    let mut statuses = Vec::new();
    let mut served = 0;
    while served <= app.settings.db_pool_size && statuses.len() < 240 {
        let status = app.get("/api/v1/me", &app.admin_token).await.status();
        statuses.push(status);
        if status == StatusCode::OK {
            served += 1;
        } else {
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        }
    }
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::OK || *s == StatusCode::SERVICE_UNAVAILABLE),
        "only 200 or 503: {statuses:?}"
    );
    let recovered = statuses.iter().position(|s| *s == StatusCode::OK);
    assert!(
        recovered.is_some_and(|first| statuses[first..].iter().all(|s| *s == StatusCode::OK)),
        "serves again once the dead connections are gone: {statuses:?}"
    );
    let (status, _) = json_of(app.client.get(app.url("/readyz")).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
}

#[derive(diesel::QueryableByName)]
struct Terminated {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    done: bool,
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
