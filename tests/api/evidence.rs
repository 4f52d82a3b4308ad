//! Evidence (DESIGN §5.1): streamed uploads hashed and stored once per content, each
//! recorded; digests checked; Range downloads; verification; the audio-video rule.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use base64::Engine;
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::helpers::{
    CaseWorld, InspectionStage, PASSWORD, Refusal::Rule, Stage, case_world, case_world_with, error_fields,
    expect_problem, json_of,
};

/// Bytes that do not repeat within a chunk, so a misplaced chunk changes the hash.
fn sample(len: usize, seed: u8) -> Vec<u8> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64 ^ u64::from(seed);
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

async fn upload(
    w: &CaseWorld,
    token: &str,
    case_id: &str,
    query: &[(&str, &str)],
    bytes: Vec<u8>,
    headers: &[(&str, String)],
) -> Response {
    let mut request = w
        .app
        .request(Method::POST, &format!("/api/v1/cases/{case_id}/evidence"), Some(token))
        .query(query)
        .header("content-type", "application/octet-stream")
        .body(bytes);
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    request.send().await.expect("upload")
}

async fn upload_ok(w: &CaseWorld, case_id: &str, query: &[(&str, &str)], bytes: Vec<u8>) -> Value {
    let (status, body) = json_of(upload(w, w.lead_token(), case_id, query, bytes, &[]).await).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

async fn content(w: &CaseWorld, evidence_id: &str, headers: &[(&str, &str)]) -> Response {
    let mut request = w.app.request(
        Method::GET,
        &format!("/api/v1/evidence/{evidence_id}/content"),
        Some(w.lead_token()),
    );
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("download")
}

fn header(response: &Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

/// Every file in the store, and every unfinished upload.
fn stored_files(w: &CaseWorld) -> (Vec<PathBuf>, Vec<PathBuf>) {
    fn walk(dir: &Path, found: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, found);
            } else {
                found.push(path);
            }
        }
    }
    let root = w.app.settings.evidence_dir();
    let mut all = Vec::new();
    walk(&root, &mut all);
    let (temporary, stored) = all.into_iter().partition(|p| p.starts_with(root.join("tmp")));
    (stored, temporary)
}

async fn evidence_of(w: &CaseWorld, case_id: &str) -> Vec<Value> {
    let (status, page) = json_of(
        w.app
            .get(&format!("/api/v1/cases/{case_id}/evidence"), w.lead_token())
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["items"].as_array().unwrap().clone()
}

fn events(record: &Value) -> Vec<Value> {
    record["events"].as_array().unwrap().clone()
}

#[tokio::test]
async fn an_upload_is_hashed_stored_once_per_content_and_each_recorded() {
    let w = case_world().await;
    let id = w.penalty_at(Stage::Investigating, json!({})).await;
    // Several of the server's chunks, so order and completeness count.
    let bytes = sample(700_000, 1);
    let filename = "执法记录仪 2026-11-29 现场.mp4";
    let response = upload(
        &w,
        w.lead_token(),
        &id,
        &[
            ("kind", "video"),
            ("filename", filename),
            ("captured_at", "2026-11-20T09:30:00+08:00"),
            ("device", "DSJ-V8 #0231"),
            ("description", "现场占道经营情况"),
        ],
        bytes.clone(),
        &[],
    )
    .await;
    let location = header(&response, "location");
    let (status, first) = json_of(response).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!(location, format!("/api/v1/evidence/{}", first["id"].as_str().unwrap()));
    assert_eq!(first["sha256"], json!(sha256_hex(&bytes)));
    assert_eq!(first["size_bytes"], json!(bytes.len()));
    assert_eq!(first["filename"], json!(filename));
    assert_eq!(first["content_type"], json!("video/mp4"));
    assert_eq!(first["kind_label"], json!("视频"));
    assert_eq!(first["captured_at"], json!("2026-11-20T01:30:00Z"));
    assert_eq!(first["captured_by"], json!(w.lead.0));
    assert_eq!(first["uploaded_by"], json!(w.lead.0));
    let sha = first["sha256"].as_str().unwrap().to_string();
    let path = w
        .app
        .settings
        .evidence_dir()
        .join(&sha[0..2])
        .join(&sha[2..4])
        .join(&sha);
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "stored content-addressed");

    // The upload is in the record, with its hash, as the event the item names.
    let record = w.record(&id).await;
    let event = events(&record).last().unwrap().clone();
    assert_eq!(event["action"], json!("attach_evidence"));
    assert_eq!(event["seq"], first["record_seq"]);
    assert_eq!(event["payload"]["sha256"], json!(sha));
    assert_eq!(event["payload"]["evidence_id"], first["id"]);
    assert_eq!(event["payload"]["size_bytes"], json!(bytes.len()));

    // The same content again: its own item and event, one file.
    let second = upload_ok(&w, &id, &[("kind", "video"), ("filename", "副本.mp4")], bytes.clone()).await;
    assert_ne!(second["id"], first["id"]);
    assert_eq!(second["sha256"], json!(sha));
    assert_eq!(second["record_seq"], json!(first["record_seq"].as_i64().unwrap() + 1));
    let (stored, temporary) = stored_files(&w);
    assert_eq!(stored, vec![path.clone()], "one file per content");
    assert!(temporary.is_empty(), "{temporary:?}");
    // An item, once recorded, is fixed: the database refuses to change or delete it.
    let mut conn = w.app.raw_connection();
    let first_id = first["id"].as_str().unwrap();
    for statement in [
        format!(
            "UPDATE evidence SET sha256 = '{}' WHERE id = '{first_id}'",
            "0".repeat(64)
        ),
        format!("UPDATE evidence SET description = 'x' WHERE id = '{first_id}'"),
        format!("DELETE FROM evidence WHERE id = '{first_id}'"),
    ] {
        assert!(
            diesel::RunQueryDsl::execute(diesel::sql_query(&statement), &mut conn).is_err(),
            "{statement} was allowed"
        );
    }
    let verified = w
        .app
        .get(&format!("/api/v1/cases/{id}/record/verify"), w.lead_token())
        .await;
    let (_, verified) = json_of(verified).await;
    assert_eq!(verified["valid"], json!(true), "{verified}");

    // Listed in order; metadata and content read back.
    let listed = evidence_of(&w, &id).await;
    assert_eq!(listed.len(), 2);
    assert_eq!((&listed[0]["id"], &listed[1]["id"]), (&first["id"], &second["id"]));
    let (status, metadata) = json_of(
        w.app
            .get(
                &format!("/api/v1/evidence/{}", first["id"].as_str().unwrap()),
                &w.supervisor,
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(metadata["device"], json!("DSJ-V8 #0231"));
    let response = content(&w, first["id"].as_str().unwrap(), &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "etag"), format!("\"{sha}\""));
    assert_eq!(header(&response, "content-type"), "video/mp4");
    assert_eq!(header(&response, "accept-ranges"), "bytes");
    assert_eq!(header(&response, "content-length"), bytes.len().to_string());
    let disposition = header(&response, "content-disposition");
    assert!(disposition.starts_with("inline"), "{disposition}");
    assert!(
        disposition.contains("filename*=UTF-8''%E6%89%A7%E6%B3%95%E8%AE%B0%E5%BD%95%E4%BB%AA"),
        "the original UTF-8 name: {disposition}"
    );
    assert_eq!(response.bytes().await.unwrap().to_vec(), bytes);
}

#[tokio::test]
async fn a_digest_is_checked_and_a_mismatch_keeps_nothing() {
    let w = case_world().await;
    let id = w.penalty_at(Stage::Investigating, json!({})).await;
    let bytes = sample(50_000, 2);
    let digest = Sha256::digest(&bytes);
    let content_digest = format!("sha-256=:{}:", base64::engine::general_purpose::STANDARD.encode(digest));
    let (status, body) = json_of(
        upload(
            &w,
            w.lead_token(),
            &id,
            &[("kind", "photo"), ("filename", "a.jpg")],
            bytes.clone(),
            &[("content-digest", content_digest)],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = json_of(
        upload(
            &w,
            w.lead_token(),
            &id,
            &[("kind", "photo"), ("filename", "b.jpg")],
            bytes.clone(),
            &[("x-content-sha256", hex::encode(digest))],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let before = (w.record(&id).await, evidence_of(&w, &id).await, stored_files(&w));
    let other = sample(50_000, 3);
    let response = upload(
        &w,
        w.lead_token(),
        &id,
        &[("kind", "photo"), ("filename", "c.jpg")],
        other.clone(),
        &[("x-content-sha256", hex::encode(digest))],
    )
    .await;
    let problem = expect_problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["rule"], json!("digest_mismatch"));
    assert!(
        problem["detail"].as_str().unwrap().contains(&sha256_hex(&other)),
        "{problem}"
    );
    let response = upload(
        &w,
        w.lead_token(),
        &id,
        &[("kind", "photo"), ("filename", "c.jpg")],
        other,
        &[("content-digest", "sha-256=:not base64:".into())],
    )
    .await;
    let problem = expect_problem(response, StatusCode::BAD_REQUEST).await;
    assert_eq!(error_fields(&problem), ["Content-Digest"]);
    let after = (w.record(&id).await, evidence_of(&w, &id).await, stored_files(&w));
    assert_eq!(before, after, "a refused upload leaves no event, no item and no file");
}

#[tokio::test]
async fn ranges_are_served_first_middle_and_suffix_and_beyond_the_end_is_416() {
    let w = case_world().await;
    let id = w.penalty_at(Stage::Investigating, json!({})).await;
    let bytes = sample(1_000_000, 4);
    let item = upload_ok(
        &w,
        &id,
        &[("kind", "audio"), ("filename", "询问录音.m4a")],
        bytes.clone(),
    )
    .await;
    let evidence_id = item["id"].as_str().unwrap();
    let size = bytes.len();
    let etag = format!("\"{}\"", item["sha256"].as_str().unwrap());
    for (range, first, last) in [
        ("bytes=0-99", 0, 99),
        ("bytes=400000-700123", 400_000, 700_123),
        ("bytes=-1000", size - 1000, size - 1),
        ("bytes=999990-", size - 10, size - 1),
        ("bytes=999000-5000000", 999_000, size - 1),
    ] {
        let response = content(&w, evidence_id, &[("range", range)]).await;
        assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT, "{range}");
        assert_eq!(
            header(&response, "content-range"),
            format!("bytes {first}-{last}/{size}")
        );
        assert_eq!(header(&response, "content-length"), (last - first + 1).to_string());
        assert_eq!(header(&response, "etag"), etag);
        assert_eq!(
            response.bytes().await.unwrap().to_vec(),
            bytes[first..=last].to_vec(),
            "{range}"
        );
    }
    let response = content(&w, evidence_id, &[("range", "bytes=1000000-")]).await;
    assert_eq!(header(&response, "content-range"), format!("bytes */{size}"));
    expect_problem(response, StatusCode::RANGE_NOT_SATISFIABLE).await;
    // Several ranges, or a range of another version, get the whole file.
    for headers in [
        vec![("range", "bytes=0-1,5-9")],
        vec![("range", "bytes=0-1"), ("if-range", "\"an-old-version\"")],
    ] {
        let response = content(&w, evidence_id, &headers).await;
        assert_eq!(response.status(), StatusCode::OK, "{headers:?}");
        assert_eq!(response.bytes().await.unwrap().len(), size);
    }
    let response = content(&w, evidence_id, &[("range", "bytes=0-1"), ("if-range", &etag)]).await;
    assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT);
    let response = content(&w, evidence_id, &[("if-none-match", &etag)]).await;
    assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn an_interrupted_upload_leaves_no_file_and_no_item() {
    let w = case_world().await;
    let id = w.penalty_at(Stage::Investigating, json!({})).await;
    let record_before = w.record(&id).await;
    let address = w.app.address.trim_start_matches("http://").to_string();
    let mut connection = tokio::net::TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "POST /api/v1/cases/{id}/evidence?kind=video&filename=cut.mp4 HTTP/1.1\r\nHost: {address}\r\n\
         Authorization: Bearer {}\r\nContent-Type: application/octet-stream\r\nContent-Length: 10000000\r\n\r\n",
        w.lead_token()
    );
    connection.write_all(head.as_bytes()).await.unwrap();
    connection.write_all(&sample(300_000, 5)).await.unwrap();
    connection.flush().await.unwrap();
    // The server has begun writing the file when its temporary file appears.
    let started = Instant::now();
    while stored_files(&w).1.is_empty() {
        assert!(started.elapsed() < Duration::from_secs(10), "the upload never started");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    drop(connection);
    let dropped = Instant::now();
    while !stored_files(&w).1.is_empty() {
        assert!(
            dropped.elapsed() < Duration::from_secs(10),
            "the unfinished upload's file was not removed"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(stored_files(&w), (vec![], vec![]));
    assert!(evidence_of(&w, &id).await.is_empty());
    assert_eq!(w.record(&id).await, record_before);
    // The service is none the worse for it.
    upload_ok(
        &w,
        &id,
        &[("kind", "video"), ("filename", "whole.mp4")],
        sample(1000, 6),
    )
    .await;
}

/// A crash after an upload's file is stored and before its row is committed leaves the
/// file and its marker (here made as the upload makes them, with the row never written).
/// The next start removes such a file unless a row names its content; the markers go.
#[tokio::test]
async fn a_file_a_crash_left_unrecorded_is_removed_at_the_next_start_unless_a_row_names_it() {
    use enforcement::evidence::storage::{BlobStore, LocalStore};
    use std::io::Write;
    let w = case_world().await;
    let id = w.penalty_at(Stage::Investigating, json!({})).await;
    let recorded = sample(2000, 7);
    let item = upload_ok(&w, &id, &[("kind", "photo"), ("filename", "a.jpg")], recorded.clone()).await;
    assert_eq!(stored_files(&w).0.len(), 1, "a recorded upload leaves its file only");
    let store = LocalStore::open_at(w.app.settings.evidence_dir()).unwrap();
    let stray = sample(3000, 8);
    for bytes in [&recorded, &stray] {
        let mut writer = store.begin().unwrap();
        writer.write_all(bytes).unwrap();
        let _never_recorded = writer.commit(&sha256_hex(bytes)).unwrap();
    }
    assert_eq!(stored_files(&w).0.len(), 4, "two contents and two markers");
    let settings = w.app.settings.clone();
    tokio::task::spawn_blocking(move || {
        let pool = enforcement::app::prepare_database(&settings).unwrap();
        enforcement::app::prepare_evidence_store(&settings, &pool).unwrap();
    })
    .await
    .unwrap();
    assert_eq!(
        stored_files(&w),
        (vec![store.path_of(&sha256_hex(&recorded)).unwrap()], vec![]),
        "the stray file and the markers are gone, the recorded file stays"
    );
    let response = content(&w, item["id"].as_str().unwrap(), &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.bytes().await.unwrap().to_vec(), recorded);
}

#[tokio::test]
async fn verification_detects_a_file_altered_on_disk() {
    let w = case_world().await;
    let id = w.penalty_at(Stage::Investigating, json!({})).await;
    let bytes = sample(200_000, 7);
    let item = upload_ok(&w, &id, &[("kind", "photo"), ("filename", "现场.jpg")], bytes.clone()).await;
    let evidence_id = item["id"].as_str().unwrap();
    let sha = item["sha256"].as_str().unwrap();
    let verify = || async {
        let response = w
            .app
            .post(
                &format!("/api/v1/evidence/{evidence_id}/verify"),
                w.lead_token(),
                &json!({}),
            )
            .await;
        let (status, body) = json_of(response).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    };
    let checked = verify().await;
    assert_eq!(
        (&checked["matches"], &checked["actual_sha256"]),
        (&json!(true), &json!(sha))
    );
    let (ok, out) = verify_evidence_cli(&w);
    assert!(ok && out.contains("1 intact, 0 damaged"), "{out}");
    assert!(
        out.contains("100.0%") && out.contains("1/1 files"),
        "the progress ends at the end: {out}"
    );

    // One byte changed on disk, the size the same.
    let path = w
        .app
        .settings
        .evidence_dir()
        .join(&sha[0..2])
        .join(&sha[2..4])
        .join(sha);
    let mut altered = bytes.clone();
    altered[123_456] ^= 0x01;
    std::fs::write(&path, &altered).unwrap();
    let checked = verify().await;
    assert_eq!(checked["matches"], json!(false), "{checked}");
    assert_eq!(checked["actual_sha256"], json!(sha256_hex(&altered)));
    let (ok, out) = verify_evidence_cli(&w);
    assert!(
        !ok && out.contains(&format!("DAMAGED {sha}")) && out.contains(evidence_id),
        "{out}"
    );

    // Missing altogether: verification says so, a download refuses rather than lie.
    std::fs::remove_file(&path).unwrap();
    let checked = verify().await;
    assert_eq!(
        (&checked["matches"], &checked["actual_sha256"]),
        (&json!(false), &Value::Null)
    );
    expect_problem(content(&w, evidence_id, &[]).await, StatusCode::SERVICE_UNAVAILABLE).await;
    let (ok, out) = verify_evidence_cli(&w);
    assert!(!ok && out.contains(&format!("MISSING {sha}")), "{out}");
}

/// `enforcement verify-evidence` over the test server's database and data directory.
fn verify_evidence_cli(w: &CaseWorld) -> (bool, String) {
    crate::cli::enforcement(
        &w.app.settings.data_dir,
        &crate::cli::database_url(&w.app.settings.database),
        &["verify-evidence"],
        "",
    )
}

#[tokio::test]
async fn a_power_requiring_an_av_record_closes_once_audio_or_video_is_attached() {
    let w = case_world().await;
    let id = w
        .inspection_at(InspectionStage::FoundCompliant, json!({"power_ids": [w.av_power]}))
        .await;
    w.step_refused(&id, json!({"action": "close"}), Rule("av_record_required"))
        .await;
    upload_ok(&w, &id, &[("kind", "photo"), ("filename", "现场.jpg")], sample(100, 8)).await;
    w.step_refused(&id, json!({"action": "close"}), Rule("av_record_required"))
        .await;
    upload_ok(&w, &id, &[("kind", "audio"), ("filename", "询问.amr")], sample(100, 9)).await;
    let case = w.step_ok(&id, json!({"action": "close"})).await;
    assert_eq!(case["status"], json!("closed"));

    // A closed file takes evidence only as a stated correction, which the record shows.
    let before = (w.record(&id).await, evidence_of(&w, &id).await);
    let refused = upload(
        &w,
        w.lead_token(),
        &id,
        &[("kind", "video"), ("filename", "late.mp4")],
        sample(100, 10),
        &[],
    )
    .await;
    let problem = expect_problem(refused, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["rule"], json!("case_closed_evidence"));
    assert_eq!(before, (w.record(&id).await, evidence_of(&w, &id).await));
    let (status, corrected) = json_of(
        upload(
            &w,
            &w.supervisor,
            &id,
            &[
                ("kind", "video"),
                ("filename", "late.mp4"),
                ("correction_reason", "补充归档遗漏的现场录像"),
            ],
            sample(100, 10),
            &[],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{corrected}");
    assert_eq!(corrected["correction_reason"], json!("补充归档遗漏的现场录像"));
    let event = events(&w.record(&id).await).last().unwrap().clone();
    assert_eq!(event["action"], json!("correct_evidence"));
    assert_eq!(event["payload"]["correction_reason"], json!("补充归档遗漏的现场录像"));
    assert_eq!(w.case(&id).await["status"], json!("closed"));
}

/// What is wrong, who sends it, the query, the body, the answer, and the field or rule it names.
type BadUpload<'a> = (&'a str, &'a str, Vec<(&'a str, &'a str)>, Vec<u8>, StatusCode, &'a str);

#[tokio::test]
async fn bad_uploads_are_refused_clearly_and_leave_nothing() {
    let w = case_world().await;
    let id = w.penalty_at(Stage::Investigating, json!({})).await;
    let (_, outsider) = w.app.officer_with_certificate("outsider.officer", "2035-12-31").await;
    let other_agency = w.app.second_agency("HD", "hd.admin").await;
    let before = (w.record(&id).await, evidence_of(&w, &id).await, stored_files(&w));
    let body = || sample(1000, 11);
    let photo = [("kind", "photo"), ("filename", "a.jpg")];

    let cases: Vec<BadUpload> = vec![
        (
            "unknown kind",
            w.lead_token(),
            vec![("kind", "hologram"), ("filename", "a.jpg")],
            body(),
            StatusCode::BAD_REQUEST,
            "kind",
        ),
        (
            "no filename",
            w.lead_token(),
            vec![("kind", "photo")],
            body(),
            StatusCode::BAD_REQUEST,
            "filename",
        ),
        (
            "blank filename",
            w.lead_token(),
            vec![("kind", "photo"), ("filename", "  ")],
            body(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "filename",
        ),
        (
            "captured in the future",
            w.lead_token(),
            vec![
                ("kind", "photo"),
                ("filename", "a.jpg"),
                ("captured_at", "2999-01-01T00:00:00Z"),
            ],
            body(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "captured_at",
        ),
        (
            "captured by a stranger",
            w.lead_token(),
            vec![
                ("kind", "photo"),
                ("filename", "a.jpg"),
                ("captured_by", "no-such-user"),
            ],
            body(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "captured_by",
        ),
        (
            "a correction of an open case",
            w.lead_token(),
            vec![("kind", "photo"), ("filename", "a.jpg"), ("correction_reason", "x")],
            body(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "correction_reason",
        ),
        (
            "an empty body",
            w.lead_token(),
            photo.to_vec(),
            vec![],
            StatusCode::UNPROCESSABLE_ENTITY,
            "empty_evidence",
        ),
        (
            "an officer not on the case",
            &outsider,
            photo.to_vec(),
            body(),
            StatusCode::FORBIDDEN,
            "",
        ),
        (
            "a supervisor, while the case is open",
            &w.supervisor,
            photo.to_vec(),
            body(),
            StatusCode::FORBIDDEN,
            "",
        ),
        (
            "counsel",
            &w.counsel.1,
            photo.to_vec(),
            body(),
            StatusCode::FORBIDDEN,
            "",
        ),
        (
            "another agency",
            &other_agency,
            photo.to_vec(),
            body(),
            StatusCode::NOT_FOUND,
            "",
        ),
    ];
    for (what, token, query, bytes, status, named) in cases {
        let problem = expect_problem(upload(&w, token, &id, &query, bytes, &[]).await, status).await;
        if status == StatusCode::UNPROCESSABLE_ENTITY && named == "empty_evidence" {
            assert_eq!(problem["rule"], json!(named), "{what}: {problem}");
        } else if !named.is_empty() {
            assert_eq!(error_fields(&problem), [named], "{what}: {problem}");
        }
    }
    let response = upload(&w, w.lead_token(), "no-such-case", &photo, body(), &[]).await;
    expect_problem(response, StatusCode::NOT_FOUND).await;
    // Over the limit by its declared length: refused before a byte is read.
    let address = w.app.address.trim_start_matches("http://").to_string();
    let mut connection = tokio::net::TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "POST /api/v1/cases/{id}/evidence?kind=video&filename=huge.mp4 HTTP/1.1\r\nHost: {address}\r\n\
         Authorization: Bearer {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        w.lead_token(),
        9u64 << 30
    );
    connection.write_all(head.as_bytes()).await.unwrap();
    let mut reply = String::new();
    tokio::io::AsyncReadExt::read_to_string(&mut connection, &mut reply)
        .await
        .unwrap_or_default();
    assert!(reply.starts_with("HTTP/1.1 413"), "{reply}");
    assert_eq!(
        before,
        (w.record(&id).await, evidence_of(&w, &id).await, stored_files(&w))
    );

    // A name with path separators and control characters is stored safe, kept as given.
    let item = upload_ok(
        &w,
        &id,
        &[("kind", "document"), ("filename", "../询问笔录\r\n.pdf")],
        body(),
    )
    .await;
    assert_eq!(item["filename"], json!(".._询问笔录__.pdf"));
    assert_eq!(item["original_filename"], json!("../询问笔录\r\n.pdf"));
    let (stored, _) = stored_files(&w);
    assert!(stored.iter().all(|p| p.starts_with(w.app.settings.evidence_dir())));
    // Another agency neither reads nor verifies it.
    let evidence_id = item["id"].as_str().unwrap();
    for path in [
        format!("/api/v1/evidence/{evidence_id}"),
        format!("/api/v1/evidence/{evidence_id}/content"),
    ] {
        expect_problem(w.app.get(&path, &other_agency).await, StatusCode::NOT_FOUND).await;
    }
    let response = w
        .app
        .post(
            &format!("/api/v1/evidence/{evidence_id}/verify"),
            &other_agency,
            &json!({}),
        )
        .await;
    expect_problem(response, StatusCode::NOT_FOUND).await;
    expect_problem(
        w.app.get(&format!("/api/v1/evidence/{evidence_id}"), &outsider).await,
        StatusCode::FORBIDDEN,
    )
    .await;
}

#[tokio::test]
async fn a_body_beyond_the_configured_limit_is_refused_while_streaming() {
    let w = case_world_with(|settings| settings.evidence_max_bytes = 64 * 1024).await;
    let id = w.penalty_at(Stage::Investigating, json!({})).await;
    upload_ok(
        &w,
        &id,
        &[("kind", "photo"), ("filename", "fits.jpg")],
        sample(64 * 1024, 12),
    )
    .await;
    let before = (evidence_of(&w, &id).await, stored_files(&w));
    // Sent without a length (chunked), so only counting the bytes can catch it.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = (0..20).map(|i| Ok(sample(8 * 1024, i))).collect();
    let response = w
        .app
        .request(
            Method::POST,
            &format!("/api/v1/cases/{id}/evidence"),
            Some(w.lead_token()),
        )
        .query(&[("kind", "video"), ("filename", "too-long.mp4")])
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(chunks)))
        .send()
        .await;
    // The server may answer before the client has sent everything, or cut it off.
    if let Ok(response) = response {
        expect_problem(response, StatusCode::PAYLOAD_TOO_LARGE).await;
    }
    let settled = Instant::now();
    while !stored_files(&w).1.is_empty() && settled.elapsed() < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(before, (evidence_of(&w, &id).await, stored_files(&w)));
}

/// An upload that stops sending is given up after the body timeout: 408, no item, no
/// temporary file left behind.
#[tokio::test]
async fn a_stalled_upload_is_given_up_and_leaves_nothing() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let w = crate::helpers::case_world_with(|settings| settings.body_timeout = std::time::Duration::from_secs(1)).await;
    let id = w.open_ok("inspection", serde_json::json!({})).await;
    let address = w.app.address.trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "POST /api/v1/cases/{id}/evidence?kind=photo&filename=a.png HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {}\r\nContent-Type: application/octet-stream\r\nContent-Length: 100000\r\n\r\n",
        w.lead_token()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&[7u8; 1000]).await.unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(std::time::Duration::from_secs(20), stream.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "the server kept waiting for the rest of the upload");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    let (_, items) = json_of(w.app.get(&format!("/api/v1/cases/{id}/evidence"), w.lead_token()).await).await;
    assert_eq!(items["items"], serde_json::json!([]));
    let temporary = w.app.settings.evidence_dir().join("tmp");
    let left: Vec<_> = std::fs::read_dir(&temporary).unwrap().collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

/// The agency's evidence storage as `GET /settings` shows it to `token`.
async fn evidence_storage(w: &CaseWorld, token: &str) -> Value {
    let (status, settings) = json_of(w.app.get("/api/v1/settings", token).await).await;
    assert_eq!(status, StatusCode::OK, "{settings}");
    settings["evidence_storage"].clone()
}

/// A case of another agency (HD) in the same database, and its lead officer's token: the
/// agency's own officers, party and power, made through the API by its admin.
async fn other_agency_case(w: &CaseWorld) -> (String, String) {
    let admin = w.app.second_agency("HD", "hd.admin").await;
    let mut officers = Vec::new();
    for (username, certificate_no) in [("hd.lead", "120177770001"), ("hd.second", "120177770002")] {
        let body = json!({
            "username": username, "display_name": format!("执法{username}"), "password": PASSWORD,
            "roles": ["officer"], "certificate_no": certificate_no,
            "certificate_expires_on": "2035-12-31", "enforcement_field": "综合执法",
        });
        let (status, created) = json_of(w.app.post("/api/v1/users", &admin, &body).await).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        officers.push(created["id"].as_str().unwrap().to_string());
    }
    let lead = w.app.login_ok("hd.lead", PASSWORD).await.access_token;
    // A private individual: an inspection of an enterprise would need the agency's
    // published items and the head's approval, which this agency's test does not need.
    let subject = json!({"kind": "individual", "name": "李四", "id_card_no": "11010519491231002X"});
    let (status, subject) = json_of(w.app.post("/api/v1/subjects", &admin, &subject).await).await;
    assert_eq!(status, StatusCode::CREATED, "{subject}");
    let power = json!({
        "code": "HD-CG-001", "name": "职权HD-CG-001", "category": "penalty",
        "legal_basis": "《城市市容和环境卫生管理条例》第三十六条", "source_department": "城市管理",
        "fine_max_fen": 5_000_000, "requires_av_record": false, "effective_from": "2020-01-01",
    });
    let (status, power) = json_of(w.app.post("/api/v1/powers", &admin, &power).await).await;
    assert_eq!(status, StatusCode::CREATED, "{power}");
    let case = json!({
        "kind": "inspection", "subject_id": subject["id"], "power_ids": [power["id"]],
        "officer_ids": officers, "summary": "检查发现占道经营",
    });
    let (status, case) = json_of(w.app.post("/api/v1/cases", &lead, &case).await).await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    (lead, case["id"].as_str().unwrap().to_string())
}

/// Issue 14 (8): an agency's evidence adds up to at most ENFORCEMENT_EVIDENCE_QUOTA_BYTES.
/// An upload that would go beyond is refused (422 `evidence_quota_exceeded`) and leaves no
/// item, no event and no file: by its declared length before a byte is read, or when it is
/// recorded — so that uploads running together cannot pass on the same total. Supervisors
/// see the figures in `GET /settings`; another agency's quota is its own.
#[tokio::test]
async fn uploads_beyond_the_agencys_quota_are_refused_and_leave_nothing() {
    const QUOTA: u64 = 10_000;
    let w = case_world_with(|settings| settings.evidence_quota_bytes = Some(QUOTA)).await;
    let id = w.penalty_at(Stage::Investigating, json!({})).await;
    assert_eq!(
        evidence_storage(&w, &w.supervisor).await,
        json!({"used_bytes": 0, "quota_bytes": QUOTA, "remaining_bytes": QUOTA})
    );
    let photo = [("kind", "photo"), ("filename", "a.jpg")];
    upload_ok(&w, &id, &photo, sample(6000, 20)).await;
    // Under the quota: accepted, to the last byte.
    upload_ok(&w, &id, &photo, sample(3000, 21)).await;
    assert_eq!(
        evidence_storage(&w, &w.supervisor).await,
        json!({"used_bytes": 9000, "quota_bytes": QUOTA, "remaining_bytes": 1000})
    );
    let before = (w.record(&id).await, evidence_of(&w, &id).await, stored_files(&w));
    assert_eq!(before.1.len(), 2);

    // One byte more than is left, with its length: refused.
    let problem = expect_problem(
        upload(&w, w.lead_token(), &id, &photo, sample(1001, 22), &[]).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(problem["rule"], json!("evidence_quota_exceeded"), "{problem}");
    // Refused by its declared length before a byte of it is read; sent without a length,
    // once it outgrows what is left. Either way the answer comes though the body never ends
    // (a server waiting for the rest would answer 408 after 30 s).
    let address = w.app.address.trim_start_matches("http://").to_string();
    for (framing, sent) in [
        ("Content-Length: 5000", Vec::new()),
        (
            "Transfer-Encoding: chunked",
            [b"5dc\r\n".as_slice(), &sample(1500, 23), b"\r\n"].concat(),
        ),
    ] {
        let mut connection = tokio::net::TcpStream::connect(&address).await.unwrap();
        let head = format!(
            "POST /api/v1/cases/{id}/evidence?kind=video&filename=big.mp4 HTTP/1.1\r\nHost: {address}\r\n\
             Authorization: Bearer {}\r\n{framing}\r\nConnection: close\r\n\r\n",
            w.lead_token()
        );
        connection.write_all(head.as_bytes()).await.unwrap();
        connection.write_all(&sent).await.unwrap();
        // The answer, not the end of the connection: one whose body is unfinished may be
        // held open to drain it.
        let mut reply = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(10), async {
            let mut buffer = [0u8; 4096];
            while !String::from_utf8_lossy(&reply).contains("evidence_quota_exceeded") {
                match tokio::io::AsyncReadExt::read(&mut connection, &mut buffer).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => reply.extend_from_slice(&buffer[..n]),
                }
            }
        })
        .await;
        let reply = String::from_utf8_lossy(&reply);
        assert!(
            read.is_ok(),
            "{framing}: the server went on waiting for the body: {reply}"
        );
        assert!(reply.starts_with("HTTP/1.1 422"), "{framing}: {reply}");
        assert!(reply.contains("evidence_quota_exceeded"), "{framing}: {reply}");
    }
    let settled = Instant::now();
    while !stored_files(&w).1.is_empty() && settled.elapsed() < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        before,
        (w.record(&id).await, evidence_of(&w, &id).await, stored_files(&w)),
        "a refused upload leaves no event, no item and no file"
    );

    // Three uploads of 600 bytes at once to three cases, each fitting in the 1000 left, all
    // past the checks before their bodies (each has begun its file) when they finish: one
    // is recorded, the others are refused when they are (the agency's total, not the case's
    // lock, decides), and none of their files stays.
    let cases = [
        id.clone(),
        w.open_ok("inspection", json!({})).await,
        w.open_ok("inspection", json!({})).await,
    ];
    let (go, ready) = tokio::sync::watch::channel(false);
    let mut pending = Vec::new();
    for (i, case) in (0u8..).zip(&cases) {
        let mut ready = ready.clone();
        let (first, rest) = (sample(300, 40 + i), sample(300, 50 + i));
        let body = futures_util::StreamExt::chain(
            futures_util::stream::iter([Ok::<_, std::io::Error>(first)]),
            futures_util::stream::once(async move {
                let _ = ready.wait_for(|go| *go).await;
                Ok(rest)
            }),
        );
        let request = w
            .app
            .request(
                Method::POST,
                &format!("/api/v1/cases/{case}/evidence"),
                Some(w.lead_token()),
            )
            .query(&[("kind", "photo"), ("filename", "together.jpg")])
            .body(reqwest::Body::wrap_stream(body));
        pending.push(tokio::spawn(request.send()));
    }
    let started = Instant::now();
    while stored_files(&w).1.len() < 3 {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the three uploads did not all begin"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    go.send(true).unwrap();
    let mut statuses = Vec::new();
    for answer in pending {
        let (status, body) = json_of(answer.await.unwrap().unwrap()).await;
        if status != StatusCode::CREATED {
            assert_eq!(
                (status, &body["rule"]),
                (StatusCode::UNPROCESSABLE_ENTITY, &json!("evidence_quota_exceeded")),
                "{body}"
            );
        }
        statuses.push(status.as_u16());
    }
    statuses.sort();
    assert_eq!(statuses, [201, 422, 422], "exactly one of the three fits");
    let (stored, temporary) = stored_files(&w);
    assert_eq!(
        (stored.len(), temporary.len()),
        (before.2.0.len() + 1, 0),
        "the recorded upload's file only: {stored:?}"
    );
    let mut items = 0;
    for case in &cases {
        items += evidence_of(&w, case).await.len();
    }
    assert_eq!(items, 3, "the two earlier items and the one recorded of the three");
    assert_eq!(
        evidence_storage(&w, &w.app.admin_token).await,
        json!({"used_bytes": 9600, "quota_bytes": QUOTA, "remaining_bytes": 400})
    );

    // Another agency's quota is its own: the first agency's being nearly full is nothing to
    // it, and its uploads are not counted here.
    let (other_lead, other_case) = other_agency_case(&w).await;
    let (status, item) = json_of(upload(&w, &other_lead, &other_case, &photo, sample(6000, 60), &[]).await).await;
    assert_eq!(status, StatusCode::CREATED, "{item}");
    assert_eq!(
        evidence_storage(&w, &other_lead).await,
        json!({"used_bytes": 6000, "quota_bytes": QUOTA, "remaining_bytes": 4000})
    );
    assert_eq!(evidence_storage(&w, &w.supervisor).await["used_bytes"], json!(9600));
}
