//! The committed OpenAPI document must be what the code generates, and the migrations of
//! both backends must match one another.

use std::collections::BTreeSet;
use std::path::Path;

use crate::helpers::spawn_app;

const SPEC_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/api-spec/openapi.yaml");

#[test]
fn committed_openapi_matches_the_code() {
    let generated = enforcement::openapi::yaml().unwrap();
    if std::env::var("UPDATE_OPENAPI").is_ok() {
        std::fs::create_dir_all(Path::new(SPEC_PATH).parent().unwrap()).unwrap();
        std::fs::write(SPEC_PATH, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(SPEC_PATH).unwrap_or_default();
    assert!(
        committed == generated,
        "api-spec/openapi.yaml is out of date: run `cargo run -- openapi > api-spec/openapi.yaml` \
         (or UPDATE_OPENAPI=1 cargo test committed_openapi) and commit it"
    );
}

#[tokio::test]
async fn the_server_publishes_the_same_document() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/api-spec/openapi.yaml")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), enforcement::openapi::yaml().unwrap());
}

/// Every operation of the document is served by the route of its own method and path:
/// the metrics, which count requests by the route that matched, show each one.
#[tokio::test]
async fn every_documented_operation_is_routed_to_its_path() {
    let app = spawn_app().await;
    let document = serde_json::to_value(enforcement::openapi::document()).unwrap();
    let mut operations = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        let concrete = path
            .split('/')
            .map(|segment| if segment.starts_with('{') { "2025" } else { segment })
            .collect::<Vec<_>>()
            .join("/");
        for method in item.as_object().unwrap().keys() {
            let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            app.request(method.clone(), &concrete, None).send().await.unwrap();
            operations.push((method, path.clone()));
        }
    }
    assert!(operations.len() >= 36, "{operations:?}");
    let metrics = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for (method, path) in operations {
        assert!(
            metrics.contains(&format!("http_requests_total{{method=\"{method}\",route=\"{path}\"")),
            "{method} {path} is documented but not routed to {path}:\n{metrics}"
        );
    }
}

fn migration_files(backend: &str) -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(backend);
    let mut files = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().to_string();
        for file in std::fs::read_dir(entry.path()).unwrap() {
            files.insert(format!("{name}/{}", file.unwrap().file_name().to_string_lossy()));
        }
    }
    files
}

#[test]
fn both_backends_have_the_same_migrations() {
    let sqlite = migration_files("sqlite");
    let postgres = migration_files("postgres");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, postgres, "migrations/sqlite and migrations/postgres differ");
    for name in &sqlite {
        assert!(
            name.ends_with("/up.sql") || name.ends_with("/down.sql"),
            "unexpected file {name}"
        );
    }
}

/// Error answers are documented as the service sends them: problem+json, and a 401 on
/// every operation that takes a bearer token (the server's own 401 is checked in auth.rs).
#[tokio::test]
async fn error_answers_are_documented_as_problem_json() {
    let app = spawn_app().await;
    let document = serde_json::to_value(enforcement::openapi::document()).unwrap();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let responses = operation["responses"].as_object().unwrap();
            // A page for people (the inspection code page a phone opens) may say "no such
            // code" as a page; everything under /api answers problem+json.
            let page_for_people = path.starts_with("/public/")
                && responses["200"]["content"]
                    .as_object()
                    .is_some_and(|c| c.keys().any(|k| k.starts_with("text/html")));
            for (status, response) in responses {
                if status.starts_with('4') || status.starts_with('5') {
                    let content = response["content"].as_object().unwrap();
                    assert!(
                        content
                            .keys()
                            .all(|k| k == "application/problem+json" || (page_for_people && k.starts_with("text/html"))),
                        "{method} {path} {status}: {content:?}"
                    );
                }
            }
            if operation["security"].as_array().is_some_and(|s| !s.is_empty()) {
                assert!(responses.contains_key("401"), "{method} {path} lacks 401");
            }
        }
    }
    // And the server does answer a missing token with problem+json.
    let response = app.client.get(app.url("/api/v1/legal-reviews")).send().await.unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
}
