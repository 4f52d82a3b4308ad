//! `Idempotency-Key` on the POSTs a field officer's retry must not repeat (DESIGN §8): what
//! they create is append-only, numbered or "one each". For each family, the same request
//! twice under one key acts once and the second answer is the first replayed; the same key
//! with another request is refused; another user's same key is another request.

use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{CaseWorld, TestApp, case_world, json_of};

/// An answer, with what a replay must repeat.
#[derive(Debug)]
struct Reply {
    status: StatusCode,
    body: Value,
    location: Option<String>,
    replayed: bool,
}

async fn send(request: RequestBuilder) -> Reply {
    let response = request.send().await.unwrap();
    let header = |name: &str| response.headers().get(name).map(|v| v.to_str().unwrap().to_string());
    let location = header("location");
    let replayed = header("idempotent-replayed").is_some_and(|v| v == "true");
    let (status, body) = json_of(response).await;
    Reply {
        status,
        body,
        location,
        replayed,
    }
}

/// `POST path` as `token` with `Idempotency-Key: key` and a JSON body.
async fn post(app: &TestApp, path: &str, token: &str, key: &str, body: &Value) -> Reply {
    send(
        app.request(Method::POST, path, Some(token))
            .header("Idempotency-Key", key)
            .json(body),
    )
    .await
}

/// The same request twice under one key: the first acts with `status`, the second answers
/// the same status, body and `Location`, marked as a replay. Answers the first body.
async fn twice(app: &TestApp, path: &str, token: &str, key: &str, body: &Value, status: StatusCode) -> Value {
    let first = post(app, path, token, key, body).await;
    assert_eq!((first.status, first.replayed), (status, false), "{}", first.body);
    let again = post(app, path, token, key, body).await;
    assert_replays(&first, &again);
    first.body
}

fn assert_replays(first: &Reply, again: &Reply) {
    assert!(again.replayed, "not marked as a replay: {again:?}");
    assert_eq!(again.status, first.status, "{}", again.body);
    assert_eq!(again.body, first.body);
    assert_eq!(again.location, first.location);
}

/// The key of an earlier request sent with another request: refused, not replayed.
async fn reuse_refused(app: &TestApp, path: &str, token: &str, key: &str, body: &Value) {
    let reply = post(app, path, token, key, body).await;
    assert_eq!(
        (reply.status, reply.body["rule"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("idempotency_key_reused")),
        "{}",
        reply.body
    );
    assert!(!reply.replayed);
}

async fn list(w: &CaseWorld, path: &str, token: &str) -> Vec<Value> {
    let (status, page) = json_of(w.app.get(path, token).await).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page.get("items").unwrap_or(&page).as_array().unwrap().clone()
}

async fn events(w: &CaseWorld, case_id: &str) -> Vec<Value> {
    w.record(case_id).await["events"].as_array().unwrap().clone()
}

fn count_actions(events: &[Value], action: &str) -> usize {
    events.iter().filter(|e| e["action"] == json!(action)).count()
}

#[tokio::test]
async fn interference_reports_referrals_and_outcomes_are_entered_once_per_key() {
    let w = case_world().await;
    let reports = "/api/v1/interference-reports";
    let report = json!({
        "person_name": "李某", "position": "区某局副局长", "internal": true,
        "occurred_at": "2026-01-05T10:00:00+08:00", "method": "phone",
        "request": "打电话要求对该店从轻处罚",
    });
    let filed = twice(
        &w.app,
        reports,
        w.lead_token(),
        "report-1",
        &report,
        StatusCode::CREATED,
    )
    .await;
    let id = filed["id"].as_str().unwrap();
    assert_eq!(
        list(&w, reports, &w.supervisor).await.len(),
        1,
        "the register holds one entry"
    );
    let mut other = report.clone();
    other["person_name"] = json!("王某");
    reuse_refused(&w.app, reports, w.lead_token(), "report-1", &other).await;
    // Another officer's key of the same name is another request: a second entry.
    let theirs = post(&w.app, reports, &w.second.1, "report-1", &report).await;
    assert_eq!(
        (theirs.status, theirs.replayed),
        (StatusCode::CREATED, false),
        "{}",
        theirs.body
    );
    assert_ne!(theirs.body["id"], filed["id"]);
    assert_eq!(list(&w, reports, &w.supervisor).await.len(), 2);

    // A report is referred once and its outcome recorded once: a retry is answered as the
    // first was, not refused as a second referral.
    let refer = format!("{reports}/{id}/refer");
    let referral = json!({"to": "街纪工委", "note": "请核查"});
    let referred = twice(&w.app, &refer, &w.supervisor, "refer-1", &referral, StatusCode::CREATED).await;
    assert_eq!(referred["referral_status"], json!("referred"));
    reuse_refused(&w.app, &refer, &w.supervisor, "refer-1", &json!({"to": "区纪委"})).await;
    let (_, other_head) = w.app.user_token("deputy.chief", &["supervisor"]).await;
    let again = post(&w.app, &refer, &other_head, "refer-1", &referral).await;
    assert_eq!(
        (again.status, again.body["rule"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("report_already_referred")),
        "another head's same key acts, and is refused as a second referral"
    );
    let outcome = format!("{reports}/{id}/referral-outcome");
    let done = twice(
        &w.app,
        &outcome,
        &w.supervisor,
        "outcome-1",
        &json!({"outcome": "已约谈"}),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(done["referral"]["outcome"]["outcome"], json!("已约谈"));
    reuse_refused(
        &w.app,
        &outcome,
        &w.supervisor,
        "outcome-1",
        &json!({"outcome": "已处分"}),
    )
    .await;
}
