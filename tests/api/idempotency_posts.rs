//! `Idempotency-Key` on the POSTs a field officer's retry must not repeat (DESIGN §8): what
//! they create is append-only, numbered or "one each". For each family, the same request
//! twice under one key acts once and the second answer is the first replayed; the same key
//! with another request is refused; another user's same key is another request.

use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::{
    CaseWorld, InspectionStage, Notice, SITE, Stage, TestApp, case_world, days_ago, json_of, passing_opinion,
    this_quarter, today,
};

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

fn incoming(w: &CaseWorld, letter: &str) -> Value {
    json!({
        "from_department": "南开区市场监督管理局", "letter_number": letter, "received_on": days_ago(2),
        "kind": "penalty", "subject_id": w.enterprise, "power_ids": [w.power], "officer_ids": w.officers(),
        "summary": "移送：该店门前占道经营", "violation_on": days_ago(20),
    })
}

#[tokio::test]
async fn transfer_receipts_feedback_and_incoming_letters_are_recorded_once_per_key() {
    let w = case_world().await;
    let case = w.open_ok("penalty", json!({})).await;
    w.step_ok_by(
        &w.supervisor,
        &case,
        json!({"action": "transfer", "to_department": "区市场监管局", "reason": "属市场监管部门职责"}),
    )
    .await;
    let transfers = list(&w, "/api/v1/transfers", w.lead_token()).await;
    let id = transfers[0]["id"].as_str().unwrap();
    let before = events(&w, &case).await.len();

    let receipt = format!("/api/v1/transfers/{id}/receipt");
    let body = json!({"received_on": today(), "receiver_name": "王某"});
    let received = twice(&w.app, &receipt, w.lead_token(), "receipt-1", &body, StatusCode::OK).await;
    assert_eq!(received["receiver_name"], json!("王某"));
    let other = json!({"received_on": today(), "receiver_name": "赵某"});
    reuse_refused(&w.app, &receipt, w.lead_token(), "receipt-1", &other).await;
    // The other officer of the case, same key: acts, and is refused as a second receipt.
    let theirs = post(&w.app, &receipt, &w.second.1, "receipt-1", &body).await;
    assert_eq!(
        theirs.body["rule"],
        json!("receipt_already_recorded"),
        "{}",
        theirs.body
    );

    let feedback = format!("/api/v1/transfers/{id}/feedback");
    let body = json!({"feedback": "已立案查处", "feedback_on": today()});
    twice(&w.app, &feedback, w.lead_token(), "feedback-1", &body, StatusCode::OK).await;
    reuse_refused(
        &w.app,
        &feedback,
        w.lead_token(),
        "feedback-1",
        &json!({"feedback": "不予立案"}),
    )
    .await;
    let record = events(&w, &case).await;
    assert_eq!(record.len(), before + 2, "one receipt and one feedback event");
    assert_eq!(
        (
            count_actions(&record, "transfer_receipt"),
            count_actions(&record, "transfer_feedback")
        ),
        (1, 1)
    );

    // A case received from another department is opened once.
    let path = "/api/v1/transfers/incoming";
    let cases_before = list(&w, "/api/v1/cases", w.lead_token()).await.len();
    let letter = incoming(&w, "津南市监移〔2026〕12号");
    let opened = twice(&w.app, path, w.lead_token(), "incoming-1", &letter, StatusCode::CREATED).await;
    assert_eq!(list(&w, "/api/v1/cases", w.lead_token()).await.len(), cases_before + 1);
    let case_events = events(&w, opened["case_id"].as_str().unwrap()).await;
    assert_eq!(count_actions(&case_events, "receive_transfer"), 1);
    reuse_refused(
        &w.app,
        path,
        w.lead_token(),
        "incoming-1",
        &incoming(&w, "津南市监移〔2026〕13号"),
    )
    .await;
    let theirs = post(&w.app, path, &w.second.1, "incoming-1", &letter).await;
    assert_eq!(
        (theirs.status, theirs.replayed),
        (StatusCode::CONFLICT, false),
        "another officer's same key acts: the letter was received already"
    );
}

#[tokio::test]
async fn random_plans_draws_publications_and_recusals_happen_once_per_key() {
    let w = case_world().await;
    let (status, item) = json_of(
        w.app
            .post(
                "/api/v1/inspection-items",
                &w.supervisor,
                &json!({"code": "XF-SJ-001", "name": "餐饮服务食品安全随机抽查", "power_id": w.power,
                        "standard": "许可证件齐全", "method": "on_site", "random": true}),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{item}");
    let plans = "/api/v1/random-plans";
    let plan = json!({
        "name": "第四季度餐饮单位双随机抽查", "item_ids": [item["id"]], "subject_count": 1,
        "inspectors_per_subject": 2, "period_from": today(),
        "period_to": (today().parse::<chrono::NaiveDate>().unwrap() + chrono::Duration::days(30)).to_string(),
    });
    let created = twice(&w.app, plans, &w.supervisor, "plan-1", &plan, StatusCode::CREATED).await;
    let id = created["id"].as_str().unwrap();
    assert_eq!(
        list(&w, plans, &w.supervisor).await.len(),
        1,
        "one plan, one secret seed"
    );
    let mut other = plan.clone();
    other["subject_count"] = json!(2);
    reuse_refused(&w.app, plans, &w.supervisor, "plan-1", &other).await;
    let (_, other_head) = w.app.user_token("deputy.chief", &["supervisor"]).await;
    let theirs = post(&w.app, plans, &other_head, "plan-1", &plan).await;
    assert_eq!(
        (theirs.status, theirs.replayed),
        (StatusCode::CREATED, false),
        "{}",
        theirs.body
    );
    assert_ne!(theirs.body["id"], created["id"]);

    // A retried draw is the draw answered again, not a second draw (nor a refused redraw).
    let draw = format!("{plans}/{id}/draw");
    let witness = json!({"witness": "街道纪工委 李明"});
    let drawn = twice(&w.app, &draw, &w.supervisor, "draw-1", &witness, StatusCode::OK).await;
    let (_, now) = json_of(w.app.get(&format!("{plans}/{id}"), &w.supervisor).await).await;
    assert_eq!(now["draw_history"].as_array().unwrap().len(), 1, "{now}");
    reuse_refused(
        &w.app,
        &draw,
        &w.supervisor,
        "draw-1",
        &json!({"witness": "街道纪工委 王强"}),
    )
    .await;
    let again = post(&w.app, &draw, &other_head, "draw-1", &witness).await;
    assert_eq!(again.body["rule"], json!("redraw_reason_required"), "{}", again.body);

    // The drawn inspection finds something; its publication is done once.
    let drawn_case = &drawn["draws"][0];
    let case_id = drawn_case["case_id"].as_str().unwrap();
    let lead = drawn_case["officer_ids"][0].as_str().unwrap();
    let token = [&w.lead, &w.second]
        .into_iter()
        .find(|(o, _)| o == lead)
        .unwrap()
        .1
        .clone();
    w.step_ok_by(
        &token,
        case_id,
        json!({"action": "start", "credentials_shown": true, "location": SITE}),
    )
    .await;
    w.step_ok_by(
        &token,
        case_id,
        json!({"action": "record_findings", "result": "compliant"}),
    )
    .await;
    let publish = format!("{plans}/{id}/publish-results");
    let published = send(
        w.app
            .request(Method::POST, &publish, Some(&w.supervisor))
            .header("Idempotency-Key", "publish-1"),
    )
    .await;
    assert_eq!(published.status, StatusCode::OK, "{}", published.body);
    let again = send(
        w.app
            .request(Method::POST, &publish, Some(&w.supervisor))
            .header("Idempotency-Key", "publish-1"),
    )
    .await;
    assert_replays(&published, &again);
    let again = send(
        w.app
            .request(Method::POST, &publish, Some(&other_head))
            .header("Idempotency-Key", "publish-1"),
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "nothing else waits: {}", again.body);

    // A recusal is recorded once.
    let recusals = "/api/v1/recusals";
    let recusal = json!({"officer_id": w.lead.0, "subject_id": w.enterprise, "reason": "近亲属在该企业任职"});
    twice(
        &w.app,
        recusals,
        &w.supervisor,
        "recusal-1",
        &recusal,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(list(&w, recusals, &w.supervisor).await.len(), 1);
    let mut other = recusal.clone();
    other["officer_id"] = json!(w.second.0);
    reuse_refused(&w.app, recusals, &w.supervisor, "recusal-1", &other).await;
    let theirs = post(&w.app, recusals, &other_head, "recusal-1", &recusal).await;
    assert_eq!(
        theirs.status,
        StatusCode::CONFLICT,
        "another head acts: recorded already"
    );
}

async fn upload(
    w: &CaseWorld,
    token: &str,
    case_id: &str,
    filename: &str,
    bytes: &[u8],
    headers: &[(&str, String)],
) -> Reply {
    let mut request = w
        .app
        .request(Method::POST, &format!("/api/v1/cases/{case_id}/evidence"), Some(token))
        .query(&[("kind", "photo"), ("filename", filename)])
        .header("content-type", "application/octet-stream")
        .body(bytes.to_vec());
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    send(request).await
}

async fn evidence_count(w: &CaseWorld, case_id: &str) -> usize {
    list(w, &format!("/api/v1/cases/{case_id}/evidence"), w.lead_token())
        .await
        .len()
}

#[tokio::test]
async fn an_evidence_upload_retried_under_its_key_is_stored_and_recorded_once() {
    let w = case_world().await;
    let case = w.penalty_at(Stage::Investigating, json!({})).await;
    let before = (evidence_count(&w, &case).await, events(&w, &case).await.len());
    let photo: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let key = [("Idempotency-Key", "photo-1".to_string())];
    let first = upload(&w, w.lead_token(), &case, "现场.jpg", &photo, &key).await;
    assert_eq!(
        (first.status, first.replayed),
        (StatusCode::CREATED, false),
        "{}",
        first.body
    );
    assert_eq!(
        first.location,
        Some(format!("/api/v1/evidence/{}", first.body["id"].as_str().unwrap()))
    );
    // Without a digest the body is hashed to know the retry; with one, it need not be read.
    let again = upload(&w, w.lead_token(), &case, "现场.jpg", &photo, &key).await;
    assert_replays(&first, &again);
    let digest = ("X-Content-SHA256", hex::encode(Sha256::digest(&photo)));
    let again = upload(
        &w,
        w.lead_token(),
        &case,
        "现场.jpg",
        &photo,
        &[key[0].clone(), digest.clone()],
    )
    .await;
    assert_replays(&first, &again);
    assert_eq!(
        (evidence_count(&w, &case).await, events(&w, &case).await.len()),
        (before.0 + 1, before.1 + 1),
        "one item, one record event"
    );

    // Other bytes or other metadata under the key are another upload: refused, kept nowhere.
    let mut altered = photo.clone();
    altered[1000] ^= 1;
    for (filename, bytes, headers) in [
        ("现场.jpg", &altered, vec![key[0].clone()]),
        ("现场2.jpg", &photo, vec![key[0].clone()]),
        ("现场2.jpg", &photo, vec![key[0].clone(), digest.clone()]),
    ] {
        let refused = upload(&w, w.lead_token(), &case, filename, bytes, &headers).await;
        assert_eq!(
            (refused.status, refused.body["rule"].clone()),
            (StatusCode::UNPROCESSABLE_ENTITY, json!("idempotency_key_reused")),
            "{filename}: {}",
            refused.body
        );
    }
    // The other officer's same key is another upload.
    let theirs = upload(&w, &w.second.1, &case, "现场.jpg", &photo, &key).await;
    assert_eq!(
        (theirs.status, theirs.replayed),
        (StatusCode::CREATED, false),
        "{}",
        theirs.body
    );
    assert_ne!(theirs.body["id"], first.body["id"]);
    assert_eq!(
        (evidence_count(&w, &case).await, events(&w, &case).await.len()),
        (before.0 + 2, before.1 + 2)
    );
}

#[tokio::test]
async fn a_legal_review_is_submitted_and_signed_once_per_key() {
    let w = case_world().await;
    let notice = Notice::fine(50_000);
    let case = w.penalty_at(Stage::Notified(notice.clone()), json!({})).await;
    w.step_ok(&case, json!({"action": "waive_defense"})).await;
    w.step_ok(&case, notice.propose()).await;
    let submit = format!("/api/v1/cases/{case}/legal-reviews");
    let package = json!({"documents": ["询问笔录", "现场检查笔录"]});
    let review = twice(
        &w.app,
        &submit,
        w.lead_token(),
        "submit-1",
        &package,
        StatusCode::CREATED,
    )
    .await;
    reuse_refused(
        &w.app,
        &submit,
        w.lead_token(),
        "submit-1",
        &json!({"documents": ["询问笔录"]}),
    )
    .await;
    let theirs = post(&w.app, &submit, &w.second.1, "submit-1", &package).await;
    assert_eq!(
        (theirs.status, theirs.replayed),
        (StatusCode::CONFLICT, false),
        "the other officer's same key acts: nothing to submit now"
    );

    let opinion = format!("/api/v1/legal-reviews/{}/opinion", review["id"].as_str().unwrap());
    let signed = twice(
        &w.app,
        &opinion,
        &w.counsel.1,
        "opinion-1",
        &passing_opinion("approved"),
        StatusCode::OK,
    )
    .await;
    assert_eq!(signed["outcome"], json!("approved"));
    reuse_refused(
        &w.app,
        &opinion,
        &w.counsel.1,
        "opinion-1",
        &passing_opinion("needs_changes"),
    )
    .await;
    let (_, other_counsel) = w.app.user_token("counsel.two", &["legal_counsel"]).await;
    let theirs = post(
        &w.app,
        &opinion,
        &other_counsel,
        "opinion-1",
        &passing_opinion("approved"),
    )
    .await;
    assert_eq!(theirs.status, StatusCode::CONFLICT, "signed already: {}", theirs.body);
    let record = events(&w, &case).await;
    assert_eq!(
        (
            count_actions(&record, "submit_legal_review"),
            count_actions(&record, "record_legal_opinion")
        ),
        (1, 1)
    );
}

#[tokio::test]
async fn a_disclosure_is_published_updated_and_withdrawn_once_per_key() {
    let w = case_world().await;
    let case = w
        .penalty_at(
            Stage::Served {
                notice: Notice::fine(50_000),
                decided_on: today(),
                served_on: today(),
            },
            json!({}),
        )
        .await;
    let disclosures = list(&w, "/api/v1/disclosures", &w.supervisor).await;
    let id = disclosures[0]["id"].as_str().unwrap();
    let publish = format!("/api/v1/disclosures/{id}/publish");
    let keyed = |token: &str, path: &str, key: &str| {
        w.app
            .request(Method::POST, path, Some(token))
            .header("Idempotency-Key", key.to_string())
    };
    let published = send(keyed(&w.supervisor, &publish, "publish-1")).await;
    assert_eq!(published.status, StatusCode::OK, "{}", published.body);
    assert_replays(&published, &send(keyed(&w.supervisor, &publish, "publish-1")).await);
    let (_, other_head) = w.app.user_token("deputy.chief", &["supervisor"]).await;
    let theirs = send(keyed(&other_head, &publish, "publish-1")).await;
    assert_eq!(theirs.body["rule"], json!("disclosure_not_pending"), "{}", theirs.body);

    // An update may be made again and again: a retry must not make a second one.
    let update = format!("/api/v1/disclosures/{id}/update");
    let reason = json!({"reason": "更正当事人名称"});
    twice(&w.app, &update, &w.supervisor, "update-1", &reason, StatusCode::OK).await;
    reuse_refused(
        &w.app,
        &update,
        &w.supervisor,
        "update-1",
        &json!({"reason": "更正处罚依据"}),
    )
    .await;
    let record = events(&w, &case).await;
    assert_eq!(count_actions(&record, "update_disclosure"), 1);
    let theirs = post(&w.app, &update, &other_head, "update-1", &reason).await;
    assert_eq!(
        (theirs.status, theirs.replayed),
        (StatusCode::OK, false),
        "{}",
        theirs.body
    );
    assert_eq!(count_actions(&events(&w, &case).await, "update_disclosure"), 2);

    let withdraw = format!("/api/v1/disclosures/{id}/withdraw");
    let reason = json!({"reason": "处罚决定已撤销"});
    let withdrawn = twice(&w.app, &withdraw, &w.supervisor, "withdraw-1", &reason, StatusCode::OK).await;
    assert_eq!(withdrawn["status"], json!("withdrawn"));
    assert_eq!(count_actions(&events(&w, &case).await, "withdraw_disclosure"), 1);
}

#[tokio::test]
async fn a_review_campaign_a_score_and_rectifications_happen_once_per_key() {
    let w = case_world().await;
    let case = w.inspection_at(InspectionStage::FoundCompliant, json!({})).await;
    w.step_ok(&case, json!({"action": "close"})).await;
    let (reviewer, reviewer_token) = w.app.officer_with_certificate("third.officer", "2035-12-31").await;
    let campaigns = "/api/v1/review-campaigns";
    // Without a seed the service draws one: a second campaign would be another sample.
    let body =
        json!({"name": "第四季度评查", "period": this_quarter(), "sample": {"count": 1}, "reviewer_ids": [reviewer]});
    let campaign = twice(
        &w.app,
        campaigns,
        &w.supervisor,
        "campaign-1",
        &body,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(list(&w, campaigns, &w.supervisor).await.len(), 1);
    let mut other = body.clone();
    other["name"] = json!("另一次评查");
    reuse_refused(&w.app, campaigns, &w.supervisor, "campaign-1", &other).await;
    let (_, other_head) = w.app.user_token("deputy.chief", &["supervisor"]).await;
    let theirs = post(&w.app, campaigns, &other_head, "campaign-1", &body).await;
    assert_eq!(
        (theirs.status, theirs.replayed),
        (StatusCode::CREATED, false),
        "{}",
        theirs.body
    );
    assert_eq!(list(&w, campaigns, &w.supervisor).await.len(), 2);

    // The reviewer scores the file once, raising one rectification item.
    let review_id = campaign["reviews"][0]["id"].as_str().unwrap();
    let (_, file) = json_of(
        w.app
            .get(&format!("/api/v1/case-file-reviews/{review_id}"), &reviewer_token)
            .await,
    )
    .await;
    let veto: Vec<Value> = file["template"]["veto_items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| json!({"key": i["key"], "failed": false}))
        .collect();
    let items: Vec<Value> = file["template"]["categories"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["items"].as_array().unwrap().clone())
        .map(|i| match i["key"].as_str().unwrap() {
            "evidence" => json!({"key": "evidence", "deduction": 5, "comment": "照片不全"}),
            key => json!({"key": key, "deduction": 0}),
        })
        .collect();
    let sheet = json!({"veto": veto, "items": items,
                       "rectifications": [{"item_key": "evidence", "description": "补充现场照片"}]});
    let score = format!("/api/v1/case-file-reviews/{review_id}/score");
    let scored = twice(&w.app, &score, &reviewer_token, "score-1", &sheet, StatusCode::OK).await;
    let mut other = sheet.clone();
    other["comment"] = json!("另一份评分");
    reuse_refused(&w.app, &score, &reviewer_token, "score-1", &other).await;

    // The officer answers, the head sends it back, the officer answers again: each once.
    let item = scored["rectifications"][0]["id"].as_str().unwrap();
    let answer = format!("/api/v1/rectifications/{item}/answer");
    let review = format!("/api/v1/rectifications/{item}/review");
    twice(
        &w.app,
        &answer,
        w.lead_token(),
        "answer-1",
        &json!({"answer": "已补充"}),
        StatusCode::OK,
    )
    .await;
    let back = json!({"accepted": false, "comment": "仍缺照片说明"});
    twice(&w.app, &review, &w.supervisor, "review-1", &back, StatusCode::OK).await;
    reuse_refused(&w.app, &review, &w.supervisor, "review-1", &json!({"accepted": true})).await;
    twice(
        &w.app,
        &answer,
        w.lead_token(),
        "answer-2",
        &json!({"answer": "已补充照片说明"}),
        StatusCode::OK,
    )
    .await;
    // The same key again after the item moved on is still the first answer, not a third.
    let again = post(
        &w.app,
        &answer,
        w.lead_token(),
        "answer-1",
        &json!({"answer": "已补充"}),
    )
    .await;
    assert!(
        again.replayed && again.body["status"] == json!("answered"),
        "{}",
        again.body
    );
    let record = events(&w, &case).await;
    assert_eq!(
        (
            count_actions(&record, "score_case_file"),
            count_actions(&record, "answer_rectification"),
            count_actions(&record, "review_rectification"),
        ),
        (1, 2, 1)
    );
}
