//! Issue 14 (10): `enforcement backup` while the service runs, `enforcement restore` into a
//! fresh database and data directory, every record and evidence file verified.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::cli::{database_url, enforcement};
use crate::helpers::{InspectionStage, Notice, Stage, case_world, fresh_database, json_of, today};

#[tokio::test]
async fn a_backup_taken_while_serving_restores_with_every_record_and_file_verified() {
    let w = case_world().await;
    let penalty = w
        .penalty_at(
            Stage::Served {
                notice: Notice::fine(50_000),
                decided_on: today(),
                served_on: today(),
            },
            json!({}),
        )
        .await;
    let inspection = w.inspection_at(InspectionStage::FoundCompliant, json!({})).await;
    w.step_ok(&inspection, json!({"action": "close"})).await;
    let upload = w
        .app
        .request(
            Method::POST,
            &format!("/api/v1/cases/{penalty}/evidence"),
            Some(w.lead_token()),
        )
        .query(&[("kind", "photo"), ("filename", "现场.png")])
        .header("content-type", "application/octet-stream")
        .body(b"\x89PNG\r\n\x1a\n a photo of the site".to_vec())
        .send()
        .await
        .unwrap();
    let (status, evidence) = json_of(upload).await;
    assert_eq!(status, StatusCode::CREATED, "{evidence}");
    let (_, cases) = json_of(w.app.get("/api/v1/cases", &w.supervisor).await).await;
    let case_count = cases["items"].as_array().unwrap().len();

    let settings = &w.app.settings;
    let source_url = database_url(&settings.database);
    let backups = tempfile::tempdir().unwrap();
    let backup = backups.path().join("backup");
    let backup_arg = backup.to_string_lossy().to_string();
    let (ok, output) = enforcement(
        &settings.data_dir,
        &source_url,
        &["backup", "--output", &backup_arg],
        "",
    );
    assert!(ok, "{output}");
    assert!(output.contains(&format!("{case_count} cases")), "{output}");
    assert!(output.contains("1 evidence files"), "{output}");
    // A second backup into the same directory is refused: nothing is overwritten.
    let (ok, output) = enforcement(
        &settings.data_dir,
        &source_url,
        &["backup", "--output", &backup_arg],
        "",
    );
    assert!(!ok && output.contains("not empty"), "{output}");

    // Restored into a new data directory and database: every record and file verifies.
    let target_dir = tempfile::tempdir().unwrap();
    let (target, _target_db) = fresh_database(target_dir.path());
    let target_url = database_url(&target);
    let (ok, output) = enforcement(target_dir.path(), &target_url, &["restore", "--from", &backup_arg], "");
    assert!(ok, "{output}");
    assert!(
        output.contains(&format!(
            "restored {case_count} cases: {case_count} records verify, 0 do not; 1 evidence files intact, 0 damaged or missing"
        )),
        "{output}"
    );
    // The restored service serves the evidence as uploaded, to the same admin.
    let mut served = crate::cli::Served::start(target_dir.path(), &target_url, &[("ENFORCEMENT_LOG_FORMAT", "json")]);
    let base = served.base_url();
    let client = reqwest::Client::new();
    let (status, tokens) = json_of(
        client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&json!({"username": "admin", "password": crate::helpers::ADMIN_PASSWORD}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let content = client
        .get(format!(
            "{base}/api/v1/evidence/{}/content",
            evidence["id"].as_str().unwrap()
        ))
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(content.status(), StatusCode::OK);
    assert_eq!(
        &content.bytes().await.unwrap()[..],
        b"\x89PNG\r\n\x1a\n a photo of the site"
    );
    drop(served);
    // Restoring again over it is refused.
    let (ok, output) = enforcement(target_dir.path(), &target_url, &["restore", "--from", &backup_arg], "");
    assert!(!ok, "{output}");

    // A damaged evidence file in the backup is found by the restore, which fails.
    let sha256 = evidence["sha256"].as_str().unwrap();
    let kept = backup
        .join("evidence")
        .join(&sha256[0..2])
        .join(&sha256[2..4])
        .join(sha256);
    std::fs::write(&kept, b"not the photo").unwrap();
    let damaged_dir = tempfile::tempdir().unwrap();
    let (damaged, _damaged_db) = fresh_database(damaged_dir.path());
    let (ok, output) = enforcement(
        damaged_dir.path(),
        &database_url(&damaged),
        &["restore", "--from", &backup_arg],
        "",
    );
    assert!(!ok, "{output}");
    assert!(output.contains(&format!("DAMAGED EVIDENCE {sha256}")), "{output}");
}
