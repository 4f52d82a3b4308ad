//! The full-process record, numbering under concurrency, optimistic concurrency and
//! idempotent retries.

use std::collections::BTreeSet;

use diesel::RunQueryDsl;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{
    InspectionStage, Notice, SITE, Stage, TestDb, case_world, days_ago, error_fields, expect_problem, json_of, today,
};

#[tokio::test]
async fn every_step_is_chained_and_verifiable() {
    let w = case_world().await;
    let id = w.inspection_at(InspectionStage::FoundCompliant, json!({})).await;
    let record = w.record(&id).await;
    let events = record["events"].as_array().unwrap();
    // Opened, approved by the head (an enterprise), started, findings recorded.
    assert_eq!(events.len(), 4);
    assert_eq!(events[0]["prev_hash"], json!("0".repeat(64)));
    for (i, event) in events.iter().enumerate() {
        assert_eq!(event["seq"], json!(i + 1));
        assert_eq!(event["case_id"], json!(id));
        if i > 0 {
            assert_eq!(event["prev_hash"], events[i - 1]["hash"]);
        }
        // Recompute each hash as a third party would, from the documented canonical form.
        let content = json!({
            "action": event["action"], "actor_id": event["actor_id"], "at": event["at"], "case_id": event["case_id"],
            "payload": event["payload"], "prev_hash": event["prev_hash"], "seq": event["seq"],
        });
        let canonical = enforcement::record::chain::canonical_json(&content);
        use sha2::Digest;
        assert_eq!(
            event["hash"],
            json!(hex::encode(sha2::Sha256::digest(canonical.as_bytes())))
        );
    }
    assert_eq!(events[1]["action"], json!("approve_inspection"));
    assert_ne!(events[1]["actor_id"], json!(w.lead.0), "approved by the head");
    assert_eq!(events[2]["payload"]["location"], json!(SITE));
    assert_eq!(events[0]["actor_id"], json!(w.lead.0));
    assert!(record["hash_algorithm"].as_str().unwrap().contains("SHA-256"));

    let (status, verification) = json_of(
        w.app
            .get(&format!("/api/v1/cases/{id}/record/verify"), w.lead_token())
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        verification,
        json!({"valid": true, "length": 4, "head_hash": events[3]["hash"], "first_bad_seq": null})
    );

    let response = w
        .app
        .get(&format!("/api/v1/cases/{id}/record?format=json"), w.lead_token())
        .await;
    let disposition = response.headers()["content-disposition"].to_str().unwrap().to_string();
    assert!(
        disposition.starts_with("attachment;") && disposition.contains(&id),
        "{disposition}"
    );
    let (_, download) = json_of(response).await;
    assert_eq!(download["events"], record["events"]);
}

#[tokio::test]
async fn back_dated_cases_keep_the_real_entry_time() {
    let w = case_world().await;
    let id = w
        .open_ok(
            "penalty",
            json!({"opened_on": days_ago(30), "violation_on": days_ago(31)}),
        )
        .await;
    let case = w.case(&id).await;
    assert_eq!(case["opened_on"], json!(days_ago(30)));
    let entered = chrono::DateTime::parse_from_rfc3339(case["created_at"].as_str().unwrap()).unwrap();
    assert!(
        (chrono::Utc::now() - entered.with_timezone(&chrono::Utc)).num_minutes() < 5,
        "{entered}"
    );
    let record = w.record(&id).await;
    assert_eq!(record["events"][0]["payload"]["opened_on"], json!(days_ago(30)));
    assert!(
        record["events"][0]["at"]
            .as_str()
            .unwrap()
            .starts_with(&chrono::Utc::now().format("%Y-%m-%d").to_string()[..7])
    );
}

fn raw_sql(w: &crate::helpers::CaseWorld, sql: &str) -> Result<usize, diesel::result::Error> {
    let mut conn = w.app.raw_connection();
    diesel::sql_query(sql).execute(&mut conn)
}

#[tokio::test]
async fn triggers_refuse_changing_the_record_and_verification_catches_tampering() {
    let w = case_world().await;
    let id = w.inspection_at(InspectionStage::FoundCompliant, json!({})).await;

    let update =
        format!("UPDATE case_events SET payload = '{{\"location\":\"别处\"}}' WHERE case_id = '{id}' AND seq = 2");
    let error = raw_sql(&w, &update).unwrap_err().to_string();
    assert!(error.contains("append-only"), "{error}");
    let error = raw_sql(&w, &format!("DELETE FROM case_events WHERE case_id = '{id}'"))
        .unwrap_err()
        .to_string();
    assert!(error.contains("append-only"), "{error}");
    assert_eq!(w.record(&id).await["events"].as_array().unwrap().len(), 4);
    // The console's case page shows the same check.
    let mut officer = crate::console::Browser::signed_in(&w.app, "lead.officer", crate::helpers::PASSWORD).await;
    let page = officer.get(&format!("/console/cases/{id}")).await;
    assert!(page.body.contains("完整性校验通过：共 4 条记录"), "{}", page.body);

    // Someone with the database's keys drops the trigger and edits a row: verify finds it.
    match w.app.db {
        TestDb::Sqlite => raw_sql(&w, "DROP TRIGGER case_events_no_update").unwrap(),
        TestDb::Postgres { .. } => raw_sql(&w, "DROP TRIGGER case_events_no_update_delete ON case_events").unwrap(),
    };
    raw_sql(&w, &update).unwrap();
    let (_, verification) = json_of(
        w.app
            .get(&format!("/api/v1/cases/{id}/record/verify"), w.lead_token())
            .await,
    )
    .await;
    assert_eq!(verification["valid"], json!(false));
    assert_eq!(verification["first_bad_seq"], json!(2));
    assert_eq!(verification["length"], json!(4));
    let page = officer.get(&format!("/console/cases/{id}")).await;
    assert!(page.body.contains("完整性校验未通过：第 2 条"), "{}", page.body);
}

#[tokio::test]
async fn a_hundred_concurrent_filings_get_a_hundred_gap_free_numbers() {
    let w = case_world().await;
    let body = json!({"kind": "inspection", "subject_id": w.enterprise, "power_ids": [w.power], "officer_ids": w.officers(), "summary": "双随机检查", "inspection_item_ids": [w.item().await]});
    let requests = (0..100).map(|_| {
        let request = w
            .app
            .client
            .post(w.app.url("/api/v1/cases"))
            .bearer_auth(w.lead_token())
            .json(&body);
        async move { request.send().await.unwrap() }
    });
    let responses = futures_util::future::join_all(requests).await;
    let mut numbers = BTreeSet::new();
    for response in responses {
        let (status, case) = json_of(response).await;
        assert_eq!(status, StatusCode::CREATED, "{case}");
        numbers.insert(case["case_number"].as_str().unwrap().to_string());
    }
    let year = &today()[..4];
    let expected: BTreeSet<String> = (1..=100).map(|n| format!("学府检〔{year}〕第{n:04}号")).collect();
    assert_eq!(numbers, expected);
}

/// Issue 14 (4): a filing that fails after its number was taken returns the number. A
/// trigger (installed beneath the API) fails every filing whose summary is marked, at the
/// insert of the case row — after `next_seq` took its number, in the same transaction.
#[tokio::test]
async fn numbers_stay_gap_free_when_a_tenth_of_two_thousand_filings_fail_after_taking_one() {
    use futures_util::StreamExt;
    const FILINGS: usize = 2000;
    const MARKER: &str = "强制失败";
    let w = case_world().await;
    let trigger = match crate::helpers::backend_under_test() {
        "postgres" => vec![
            format!(
                "CREATE FUNCTION fail_marked_filing() RETURNS trigger AS $$ BEGIN \
                 IF NEW.summary LIKE '%{MARKER}%' THEN RAISE EXCEPTION 'forced failure'; END IF; \
                 RETURN NEW; END; $$ LANGUAGE plpgsql"
            ),
            "CREATE TRIGGER fail_marked_filing BEFORE INSERT ON cases FOR EACH ROW EXECUTE FUNCTION fail_marked_filing()"
                .to_string(),
        ],
        _ => vec![format!(
            "CREATE TRIGGER fail_marked_filing BEFORE INSERT ON cases WHEN NEW.summary LIKE '%{MARKER}%' \
             BEGIN SELECT RAISE(ABORT, 'forced failure'); END"
        )],
    };
    for statement in trigger {
        raw_sql(&w, &statement).unwrap();
    }
    let item = w.item().await;
    let filings = (0..FILINGS).map(|i| {
        let summary = if i % 10 == 3 {
            format!("双随机检查 {i} {MARKER}")
        } else {
            format!("双随机检查 {i}")
        };
        let body = json!({"kind": "inspection", "subject_id": w.enterprise, "power_ids": [w.power],
                          "officer_ids": w.officers(), "summary": summary, "inspection_item_ids": [item]});
        let request = w
            .app
            .client
            .post(w.app.url("/api/v1/cases"))
            .bearer_auth(w.lead_token())
            .json(&body);
        async move { (i % 10 == 3, request.send().await.unwrap()) }
    });
    let responses: Vec<(bool, reqwest::Response)> =
        futures_util::stream::iter(filings).buffer_unordered(32).collect().await;
    let mut numbers = BTreeSet::new();
    let mut failed = 0;
    for (marked, response) in responses {
        let (status, case) = json_of(response).await;
        if marked {
            assert!(status.is_server_error(), "a marked filing fails: {status} {case}");
            failed += 1;
        } else {
            assert_eq!(status, StatusCode::CREATED, "{case}");
            assert!(
                numbers.insert(case["case_number"].as_str().unwrap().to_string()),
                "a number given twice"
            );
        }
    }
    let committed = FILINGS - FILINGS / 10;
    assert_eq!((failed, numbers.len()), (FILINGS / 10, committed));
    let year = &today()[..4];
    let expected: BTreeSet<String> = (1..=committed).map(|n| format!("学府检〔{year}〕第{n:04}号")).collect();
    assert_eq!(numbers, expected, "committed numbers are exactly 1..N");
    // Nothing of a failed filing is left: no case row, no record.
    let (_, listed) = json_of(w.app.get(&format!("/api/v1/cases?q={MARKER}"), &w.supervisor).await).await;
    assert_eq!(listed["items"], json!([]));
    let (_, listed) = json_of(w.app.get("/api/v1/cases?q=双随机检查", &w.supervisor).await).await;
    assert!(
        !listed["items"].as_array().unwrap().is_empty(),
        "the search finds the committed ones"
    );
}

#[tokio::test]
async fn a_stale_if_match_is_412_and_changes_nothing() {
    let w = case_world().await;
    // Of a private individual: startable from version 1, without the head's approval.
    let id = w
        .open_ok(
            "inspection",
            json!({"subject_id": w.individual, "inspection_item_ids": []}),
        )
        .await;
    let response = w.app.get(&format!("/api/v1/cases/{id}"), w.lead_token()).await;
    assert_eq!(response.headers()["etag"], "\"1\"");
    let start = json!({"action": "start", "credentials_shown": true, "location": "学府街1号"});
    let stale = w
        .app
        .client
        .post(w.app.url(&format!("/api/v1/cases/{id}/transitions")))
        .bearer_auth(w.lead_token())
        .header("If-Match", "\"7\"")
        .json(&start)
        .send()
        .await
        .unwrap();
    expect_problem(stale, StatusCode::PRECONDITION_FAILED).await;
    // Text that is no ETag of a case is a malformed request, not a stale version.
    for malformed in ["", "null", "\"1", "W/1", "\"\"", "1234567890"] {
        let response = w
            .app
            .client
            .post(w.app.url(&format!("/api/v1/cases/{id}/transitions")))
            .bearer_auth(w.lead_token())
            .header("If-Match", malformed)
            .json(&start)
            .send()
            .await
            .unwrap();
        let problem = expect_problem(response, StatusCode::BAD_REQUEST).await;
        assert_eq!(error_fields(&problem), vec!["If-Match"], "{malformed}");
    }
    let case = w.case(&id).await;
    assert_eq!(
        (case["status"].clone(), case["version"].clone()),
        (json!("registered"), json!(1))
    );
    assert_eq!(w.record(&id).await["events"].as_array().unwrap().len(), 1);

    let fresh = w
        .app
        .client
        .post(w.app.url(&format!("/api/v1/cases/{id}/transitions")))
        .bearer_auth(w.lead_token())
        .header("If-Match", "\"1\"")
        .json(&start)
        .send()
        .await
        .unwrap();
    assert_eq!(fresh.headers()["etag"], "\"2\"");
    assert_eq!(fresh.status(), StatusCode::OK);
}

async fn post_with_key(
    w: &crate::helpers::CaseWorld,
    path: &str,
    key: &str,
    body: &Value,
) -> (StatusCode, Value, bool) {
    let response = w
        .app
        .client
        .post(w.app.url(path))
        .bearer_auth(w.lead_token())
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .unwrap();
    let replayed = response.headers().contains_key("idempotent-replayed");
    let (status, body) = json_of(response).await;
    (status, body, replayed)
}

#[tokio::test]
async fn retries_with_an_idempotency_key_replay_the_first_response() {
    let w = case_world().await;
    let body = json!({"kind": "inspection", "subject_id": w.enterprise, "power_ids": [w.power], "officer_ids": w.officers(), "summary": "投诉核查", "inspection_item_ids": [w.item().await]});
    let (status, first, replayed) = post_with_key(&w, "/api/v1/cases", "field-retry-1", &body).await;
    assert_eq!((status, replayed), (StatusCode::CREATED, false), "{first}");
    let (status, second, replayed) = post_with_key(&w, "/api/v1/cases", "field-retry-1", &body).await;
    assert_eq!((status, replayed), (StatusCode::CREATED, true));
    assert_eq!(first, second);
    let (_, list) = json_of(w.app.get("/api/v1/cases", w.lead_token()).await).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "acted once");

    // A retry that serialises the same request differently is still the same request.
    let reordered = format!(
        r#"{{ "inspection_item_ids": ["{}"], "summary": "投诉核查", "officer_ids": {}, "power_ids": ["{}"], "subject_id": "{}", "kind": "inspection" }}"#,
        w.item().await,
        json!(w.officers()),
        w.power,
        w.enterprise
    );
    let response = w
        .app
        .client
        .post(w.app.url("/api/v1/cases"))
        .bearer_auth(w.lead_token())
        .header("Idempotency-Key", "field-retry-1")
        .header("content-type", "application/json")
        .body(reordered)
        .send()
        .await
        .unwrap();
    assert!(response.headers().contains_key("idempotent-replayed"));
    assert_eq!(json_of(response).await.1, first);

    // The same key for another request is refused, not replayed.
    let mut other = body.clone();
    other["summary"] = json!("另一件事");
    let (status, problem, _) = post_with_key(&w, "/api/v1/cases", "field-retry-1", &other).await;
    assert_eq!(
        (status, problem["rule"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("idempotency_key_reused"))
    );

    // A day later the key is forgotten: it names a new request.
    let day_ago = enforcement::clock::to_db(enforcement::clock::now() - chrono::Duration::hours(25));
    raw_sql(
        &w,
        &format!("UPDATE idempotency_keys SET created_at = '{day_ago}' WHERE key = 'field-retry-1'"),
    )
    .unwrap();
    let (status, fresh, replayed) = post_with_key(&w, "/api/v1/cases", "field-retry-1", &other).await;
    assert_eq!((status, replayed), (StatusCode::CREATED, false), "{fresh}");
    assert_ne!(fresh["id"], first["id"]);

    let id = first["id"].as_str().unwrap();
    w.step_ok_by(
        &w.supervisor,
        id,
        json!({"action": "approve_inspection", "planned_from": today(), "planned_to": today()}),
    )
    .await;
    let path = format!("/api/v1/cases/{id}/transitions");
    let start = json!({"action": "start", "credentials_shown": true, "location": "学府街1号"});
    let (status, once, _) = post_with_key(&w, &path, "start-1", &start).await;
    assert_eq!(status, StatusCode::OK);
    let (status, again, replayed) = post_with_key(&w, &path, "start-1", &start).await;
    assert_eq!((status, replayed), (StatusCode::OK, true));
    assert_eq!(once, again);
    assert_eq!(
        w.record(id).await["events"].as_array().unwrap().len(),
        3,
        "opened, approved, started once"
    );
    // Concurrent twins: exactly one acts.
    let findings = json!({"action": "record_findings", "result": "compliant"});
    let (a, b) = tokio::join!(
        post_with_key(&w, &path, "twin", &findings),
        post_with_key(&w, &path, "twin", &findings)
    );
    assert_eq!((a.0, b.0), (StatusCode::OK, StatusCode::OK), "{} / {}", a.1, b.1);
    assert_eq!(a.1, b.1);
    assert_eq!(w.record(id).await["events"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn overdue_cases_are_listed_exactly_as_each_case_reports_itself() {
    let w = case_world().await;
    // Decision overdue: filed 100 days ago.
    let late_decision = w
        .open_ok(
            "penalty",
            json!({"opened_on": days_ago(100), "violation_on": days_ago(100)}),
        )
        .await;
    // Payment overdue: served 40 days ago, nothing paid, with the late penalty capped at the fine.
    let unpaid = w
        .penalty_at(
            Stage::Served {
                notice: Notice::fine(100000).on(days_ago(70)),
                decided_on: days_ago(60),
                served_on: days_ago(60),
            },
            json!({"opened_on": days_ago(80), "violation_on": days_ago(80)}),
        )
        .await;
    // Not overdue: a fresh inspection.
    let fresh = w.open_ok("inspection", json!({})).await;

    let unpaid_case = w.case(&unpaid).await;
    assert_eq!(unpaid_case["payment_due_on"], json!(days_ago(45)));
    assert_eq!(unpaid_case["overdue_deadlines"], json!(["payment_due_on"]));
    // 45 days late × 3 % = 135 % of the fine, capped at the fine (APL art. 72).
    assert_eq!(unpaid_case["late_payment_penalty_fen"], json!(100000));

    let (_, overdue) = json_of(w.app.get("/api/v1/cases?overdue=true", w.lead_token()).await).await;
    let listed: BTreeSet<String> = overdue["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(listed, BTreeSet::from([late_decision.clone(), unpaid.clone()]));
    assert!(
        overdue["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["overdue"] == json!(true))
    );
    let (_, on_time) = json_of(w.app.get("/api/v1/cases?overdue=false", w.lead_token()).await).await;
    let listed: Vec<String> = on_time["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(listed, vec![fresh.clone()]);

    // The other filters.
    let (_, penalties) = json_of(
        w.app
            .get("/api/v1/cases?kind=penalty&status=served", w.lead_token())
            .await,
    )
    .await;
    assert_eq!(penalties["items"].as_array().unwrap().len(), 1);
    let (_, by_officer) = json_of(
        w.app
            .get(
                &format!("/api/v1/cases?officer_id={}&opened_from={}", w.second.0, days_ago(90)),
                w.lead_token(),
            )
            .await,
    )
    .await;
    assert_eq!(by_officer["items"].as_array().unwrap().len(), 2);
    let (_, by_power) = json_of(
        w.app
            .get(&format!("/api/v1/cases?power_id={}&limit=1", w.power), w.lead_token())
            .await,
    )
    .await;
    assert_eq!(by_power["items"].as_array().unwrap().len(), 1);
    assert!(by_power["next_cursor"].is_string());
    let (_, by_text) = json_of(w.app.get("/api/v1/cases?q=%E6%A3%80%E3%80%94", w.lead_token()).await).await;
    assert_eq!(
        by_text["items"][0]["id"],
        json!(fresh),
        "q matches the case number 检〔"
    );
}
