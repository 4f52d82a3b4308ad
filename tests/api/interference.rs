//! Issue 18: the interference register (干预插手登记, DESIGN §6) — who reads a report, the
//! access log of every read, append-only rows beneath the API, referral and outcome, and
//! what the case concerned shows.

use diesel::RunQueryDsl;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{CaseWorld, case_world, error_fields, expect_problem, json_of, this_quarter};

fn report_body(case_id: Option<&str>) -> Value {
    json!({
        "person_name": "李某",
        "position": "区某局副局长",
        "internal": true,
        "occurred_at": "2026-01-05T10:00:00+08:00",
        "method": "phone",
        "request": "打电话要求对该店从轻处罚",
        "case_id": case_id,
    })
}

async fn file(w: &CaseWorld, token: &str, body: &Value) -> Value {
    let (status, report) = json_of(w.app.post("/api/v1/interference-reports", token, body).await).await;
    assert_eq!(status, StatusCode::CREATED, "{report}");
    report
}

async fn my_id(w: &CaseWorld, token: &str) -> String {
    let (_, me) = json_of(w.app.get("/api/v1/me", token).await).await;
    me["id"].as_str().unwrap().to_string()
}

async fn access_log(w: &CaseWorld, id: &str) -> Vec<Value> {
    let (status, log) = json_of(
        w.app
            .get(&format!("/api/v1/interference-reports/{id}/access-log"), &w.supervisor)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{log}");
    log["items"].as_array().unwrap().clone()
}

fn readers(log: &[Value]) -> Vec<Value> {
    log.iter().map(|entry| entry["reader_id"].clone()).collect()
}

#[tokio::test]
async fn only_the_reporter_and_supervisors_read_a_report_and_every_read_is_logged() {
    let w = case_world().await;
    let case = w.open_ok("penalty", json!({})).await;
    let events_before = w.record(&case).await["events"].as_array().unwrap().len();
    // An officer who is not on the case reports what a colleague was asked to do.
    let (reporter, reporter_token) = w.app.officer_with_certificate("reporter", "2035-12-31").await;
    let report = file(&w, &reporter_token, &report_body(Some(&case))).await;
    let id = report["id"].as_str().unwrap();
    assert_eq!(report["reporter_id"], json!(reporter));
    assert_eq!(report["method_label"], json!("电话"));
    assert_eq!(report["referral_status"], json!("not_referred"));
    let path = format!("/api/v1/interference-reports/{id}");

    // Anyone else of the agency, and another agency, do not learn that it exists.
    let other_admin = w.app.second_agency("OT", "other.admin").await;
    for token in [w.lead_token(), &w.counsel.1, &w.app.admin_token, &other_admin] {
        expect_problem(w.app.get(&path, token).await, StatusCode::NOT_FOUND).await;
    }
    assert!(access_log(&w, id).await.is_empty(), "a refused read is no read");
    // The access log is the head's to read, not the reporter's.
    expect_problem(
        w.app.get(&format!("{path}/access-log"), &reporter_token).await,
        StatusCode::FORBIDDEN,
    )
    .await;

    let supervisor = my_id(&w, &w.supervisor).await;
    let (status, read) = json_of(w.app.get(&path, &w.supervisor).await).await;
    assert_eq!(status, StatusCode::OK, "{read}");
    assert_eq!(read["request"], json!("打电话要求对该店从轻处罚"));
    assert_eq!(read["reporter_id"], json!(reporter));
    let (status, _) = json_of(w.app.get(&path, &reporter_token).await).await;
    assert_eq!(status, StatusCode::OK);
    let log = access_log(&w, id).await;
    assert_eq!(readers(&log), vec![json!(supervisor), json!(reporter)]);
    assert!(log.iter().all(|entry| entry["at"].is_string()));

    // Listing reads each listed report: the reporter lists its own, an officer none.
    let (_, listed) = json_of(w.app.get("/api/v1/interference-reports", &reporter_token).await).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1, "{listed}");
    let (_, none) = json_of(w.app.get("/api/v1/interference-reports", w.lead_token()).await).await;
    assert_eq!(none["items"], json!([]));
    let (_, all) = json_of(w.app.get("/api/v1/interference-reports", &w.supervisor).await).await;
    assert_eq!(all["items"][0]["id"], json!(id));
    assert_eq!(
        readers(&access_log(&w, id).await),
        vec![json!(supervisor), json!(reporter), json!(reporter), json!(supervisor)]
    );

    // The case shows the head that a report exists, nobody else, and never its content;
    // its record does not mention it.
    let (_, seen_by_head) = json_of(w.app.get(&format!("/api/v1/cases/{case}"), &w.supervisor).await).await;
    assert_eq!(seen_by_head["interference_reported"], json!(true));
    let seen_by_officer = w.case(&case).await;
    assert!(
        seen_by_officer.get("interference_reported").is_none(),
        "{seen_by_officer}"
    );
    let other = w.open_ok("penalty", json!({})).await;
    let (_, quiet) = json_of(w.app.get(&format!("/api/v1/cases/{other}"), &w.supervisor).await).await;
    assert_eq!(quiet["interference_reported"], json!(false));
    let record = w.record(&case).await;
    assert_eq!(record["events"].as_array().unwrap().len(), events_before);
    assert!(!record.to_string().contains("李某"));
}

#[tokio::test]
async fn the_reporter_is_never_shown_to_an_officer_of_the_case() {
    let w = case_world().await;
    // A head who is also an officer of the case concerned.
    let (head, _) = w.app.officer_with_certificate("head.officer", "2035-12-31").await;
    let (status, patched) = json_of(
        w.app
            .patch(
                &format!("/api/v1/users/{head}"),
                &w.app.admin_token,
                &json!({"roles": ["officer", "supervisor"]}),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{patched}");
    let head_token = w
        .app
        .login_ok("head.officer", crate::helpers::PASSWORD)
        .await
        .access_token;
    let case = w.open_ok("penalty", json!({"officer_ids": [w.lead.0, head]})).await;
    let (reporter, reporter_token) = w.app.officer_with_certificate("reporter", "2035-12-31").await;
    let report = file(&w, &reporter_token, &report_body(Some(&case))).await;
    let id = report["id"].as_str().unwrap();
    let (status, read) = json_of(
        w.app
            .get(&format!("/api/v1/interference-reports/{id}"), &head_token)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{read}");
    assert_eq!(read["reporter_id"], Value::Null);
    assert_eq!(read["reporter_hidden"], json!(true));
    assert!(!read.to_string().contains(&reporter));
    // Nor through the access log, where the reporter's own reads appear.
    json_of(
        w.app
            .get(&format!("/api/v1/interference-reports/{id}"), &reporter_token)
            .await,
    )
    .await;
    let (_, log) = json_of(
        w.app
            .get(&format!("/api/v1/interference-reports/{id}/access-log"), &head_token)
            .await,
    )
    .await;
    assert_eq!(log["items"].as_array().unwrap().len(), 2, "{log}");
    assert!(!log.to_string().contains(&reporter), "{log}");
    // A supervisor off the case sees who reported.
    let (_, full) = json_of(
        w.app
            .get(&format!("/api/v1/interference-reports/{id}"), &w.supervisor)
            .await,
    )
    .await;
    assert_eq!(full["reporter_id"], json!(reporter));
}

fn raw_sql(w: &CaseWorld, sql: &str) -> Result<usize, diesel::result::Error> {
    let mut conn = w.app.raw_connection();
    diesel::sql_query(sql).execute(&mut conn)
}

#[tokio::test]
async fn the_database_refuses_to_change_or_delete_the_register() {
    let w = case_world().await;
    let report = file(&w, w.lead_token(), &report_body(None)).await;
    let id = report["id"].as_str().unwrap();
    // A read and a referral, so that every table of the register holds a row.
    json_of(
        w.app
            .get(&format!("/api/v1/interference-reports/{id}"), &w.supervisor)
            .await,
    )
    .await;
    let (status, _) = json_of(
        w.app
            .post(
                &format!("/api/v1/interference-reports/{id}/refer"),
                &w.supervisor,
                &json!({"to": "街纪工委"}),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    for sql in [
        format!("UPDATE interference_reports SET request = '没有此事' WHERE id = '{id}'"),
        format!("DELETE FROM interference_reports WHERE id = '{id}'"),
        format!("UPDATE interference_reads SET reader_id = reader_id WHERE report_id = '{id}'"),
        format!("DELETE FROM interference_reads WHERE report_id = '{id}'"),
        format!("UPDATE interference_referrals SET referred_to = '别处' WHERE report_id = '{id}'"),
        format!("DELETE FROM interference_referrals WHERE report_id = '{id}'"),
    ] {
        let error = raw_sql(&w, &sql).expect_err(&sql).to_string();
        assert!(error.contains("append-only"), "{sql}: {error}");
    }
    let (_, still) = json_of(
        w.app
            .get(&format!("/api/v1/interference-reports/{id}"), &w.supervisor)
            .await,
    )
    .await;
    assert_eq!(still["request"], json!("打电话要求对该店从轻处罚"));
    assert_eq!(access_log(&w, id).await.len(), 2);
}

#[tokio::test]
async fn a_report_is_referred_once_and_its_outcome_follows() {
    let w = case_world().await;
    let report = file(&w, w.lead_token(), &report_body(None)).await;
    let id = report["id"].as_str().unwrap();
    let refer = format!("/api/v1/interference-reports/{id}/refer");
    let outcome = format!("/api/v1/interference-reports/{id}/referral-outcome");
    // Referral and outcome are the head's.
    expect_problem(
        w.app.post(&refer, w.lead_token(), &json!({"to": "街纪工委"})).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let problem = expect_problem(
        w.app.post(&outcome, &w.supervisor, &json!({"outcome": "已约谈"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(problem["rule"], json!("referral_required"));
    let problem = expect_problem(
        w.app.post(&refer, &w.supervisor, &json!({"to": "  "})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["to"]);

    let (status, referred) = json_of(
        w.app
            .post(&refer, &w.supervisor, &json!({"to": "街纪工委", "note": "请核查"}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{referred}");
    assert_eq!(referred["referral_status"], json!("referred"));
    assert_eq!(referred["referral"]["to"], json!("街纪工委"));
    assert_eq!(referred["referral"]["outcome"], Value::Null);
    let problem = expect_problem(
        w.app.post(&refer, &w.supervisor, &json!({"to": "区纪委"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(problem["rule"], json!("report_already_referred"));

    let (status, concluded) = json_of(
        w.app
            .post(&outcome, &w.supervisor, &json!({"outcome": "已对李某约谈提醒"}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{concluded}");
    assert_eq!(concluded["referral_status"], json!("concluded"));
    assert_eq!(concluded["referral_status_label"], json!("已办结"));
    assert_eq!(concluded["referral"]["outcome"]["outcome"], json!("已对李某约谈提醒"));
    let problem = expect_problem(
        w.app
            .post(&outcome, &w.supervisor, &json!({"outcome": "改为诫勉谈话"}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(problem["rule"], json!("outcome_already_recorded"));
    // The reporter sees the referral and its outcome too.
    let (_, seen) = json_of(
        w.app
            .get(&format!("/api/v1/interference-reports/{id}"), w.lead_token())
            .await,
    )
    .await;
    assert_eq!(seen["referral"]["outcome"]["outcome"], json!("已对李某约谈提醒"));

    // The statistics count reports by method and by referral status.
    file(
        &w,
        w.lead_token(),
        &json!({"person_name": "王某", "position": "社区主任", "internal": false,
        "occurred_at": "2026-01-06T09:00:00Z", "method": "in_person", "request": "当面说情"}),
    )
    .await;
    let (status, summary) = json_of(
        w.app
            .get(
                &format!("/api/v1/stats/summary?quarter={}", this_quarter()),
                &w.supervisor,
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{summary}");
    let figures = &summary["interference_reports"];
    assert_eq!(figures["total"], json!(2), "{figures}");
    assert_eq!(figures["by_method"]["phone"], json!(1));
    assert_eq!(figures["by_method"]["in_person"], json!(1));
    assert_eq!(figures["by_referral_status"]["concluded"], json!(1));
    assert_eq!(figures["by_referral_status"]["not_referred"], json!(1));
    assert_eq!(figures["by_referral_status"]["referred"], json!(0));
}

#[tokio::test]
async fn a_correction_is_a_new_entry_linked_to_the_old() {
    let w = case_world().await;
    let original = file(&w, w.lead_token(), &report_body(None)).await;
    let id = original["id"].as_str().unwrap();
    let mut correction = report_body(None);
    correction["method"] = json!("message");
    correction["corrects_id"] = json!(id);
    // Only someone who may read the report corrects it.
    let (_, off_token) = w.app.officer_with_certificate("off.case", "2035-12-31").await;
    let problem = expect_problem(
        w.app
            .post("/api/v1/interference-reports", &off_token, &correction)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["corrects_id"]);
    let corrected = file(&w, w.lead_token(), &correction).await;
    assert_eq!(corrected["corrects_id"], json!(id));
    let (_, old) = json_of(
        w.app
            .get(&format!("/api/v1/interference-reports/{id}"), &w.supervisor)
            .await,
    )
    .await;
    // The old entry is unchanged and points to its correction.
    assert_eq!(old["method"], json!("phone"));
    assert_eq!(old["corrected_by"], json!([corrected["id"]]));

    // Fields: a time in the future, a case of another agency (here: none such).
    let mut future = report_body(None);
    future["occurred_at"] = json!("2999-01-01T00:00:00Z");
    let problem = expect_problem(
        w.app
            .post("/api/v1/interference-reports", w.lead_token(), &future)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["occurred_at"]);
    let problem = expect_problem(
        w.app
            .post(
                "/api/v1/interference-reports",
                w.lead_token(),
                &report_body(Some("0190a0b0-0000-7000-8000-000000000000")),
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["case_id"]);
}
