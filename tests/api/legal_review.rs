//! 法制审核 (APL art. 58, DESIGN §5.2): counsel's review of a proposal before the head
//! decides it.

use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::Refusal::{NotAllowed, Rule};
use crate::helpers::{CaseWorld, Notice, Stage, case_world, expect_problem, json_of, passing_opinion};

/// A case notified of `fine` fen, defence waived and the fine proposed: `proposed`.
async fn proposed(w: &CaseWorld, fine: i64) -> String {
    let id = w.penalty_at(Stage::Notified(Notice::fine(fine)), json!({})).await;
    w.step_ok(&id, json!({"action": "waive_defense"})).await;
    w.step_ok(&id, Notice::fine(fine).propose()).await;
    id
}

async fn submit(w: &CaseWorld, case_id: &str) -> Value {
    let (status, review) = json_of(
        w.app
            .post(
                &format!("/api/v1/cases/{case_id}/legal-reviews"),
                w.lead_token(),
                &json!({"documents": ["询问笔录", "现场检查笔录", "行政处罚事先告知书"]}),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{review}");
    review
}

async fn sign(w: &CaseWorld, token: &str, review_id: &str, opinion: &Value) -> reqwest::Response {
    w.app
        .post(&format!("/api/v1/legal-reviews/{review_id}/opinion"), token, opinion)
        .await
}

fn failing(outcome: &str, item: &str) -> Value {
    let mut opinion = passing_opinion(outcome);
    for entry in opinion["checklist"].as_array_mut().unwrap() {
        if entry["item"] == json!(item) {
            entry["pass"] = json!(false);
            entry["comment"] = json!("证据不足");
        }
    }
    opinion
}

#[tokio::test]
async fn only_qualified_counsel_off_the_case_signs_once() {
    let w = case_world().await;
    let (counsel_officer, counsel_officer_token) =
        w.app.user_token("counsel.officer", &["officer", "legal_counsel"]).await;
    let id = w
        .penalty_at(
            Stage::Notified(Notice::fine(50000)),
            json!({"officer_ids": [w.lead.0, counsel_officer]}),
        )
        .await;
    w.step_ok(&id, json!({"action": "waive_defense"})).await;
    w.step_ok(&id, Notice::fine(50000).propose()).await;
    let review = submit(&w, &id).await;
    let review_id = review["id"].as_str().unwrap();
    assert_eq!(w.case(&id).await["status"], json!("legal_review"));
    assert_eq!(review["status"], json!("pending"));
    assert_eq!(
        review["proposal"]["penalties"],
        json!([{"type": "fine", "amount_fen": 50000}])
    );
    assert_eq!(review["package"]["documents"][2], json!("行政处罚事先告知书"));
    assert_eq!(review["package"]["subject"]["name"], json!("天津市学府餐饮有限公司"));
    // Not counsel at all; counsel who handled the case: 403, and nothing changes.
    let opinion = passing_opinion("approved");
    expect_problem(
        sign(&w, &w.supervisor, review_id, &opinion).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    expect_problem(
        sign(&w, &counsel_officer_token, review_id, &opinion).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    // Counsel whose legal qualification is no longer on record: 403 as well.
    let (unqualified, unqualified_token) = w.app.user_token("counsel.unqualified", &["legal_counsel"]).await;
    {
        use diesel::RunQueryDsl;
        let mut conn = w.app.raw_connection();
        diesel::sql_query(format!(
            "UPDATE users SET legal_qualification = NULL WHERE id = '{unqualified}'"
        ))
        .execute(&mut conn)
        .unwrap();
    }
    expect_problem(
        sign(&w, &unqualified_token, review_id, &opinion).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(w.case(&id).await["status"], json!("legal_review"));
    // An approval needs every item to pass.
    let problem = expect_problem(
        sign(&w, &w.counsel.1, review_id, &failing("approved", "evidence_sufficient")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(problem["rule"], json!("checklist_item_failed"));
    let (status, signed) = json_of(sign(&w, &w.counsel.1, review_id, &opinion).await).await;
    assert_eq!(status, StatusCode::OK, "{signed}");
    assert_eq!(
        (signed["status"].clone(), signed["outcome"].clone()),
        (json!("done"), json!("approved"))
    );
    assert_eq!(signed["reviewer_id"], json!(w.counsel.0));
    // Signed once.
    expect_problem(sign(&w, &w.counsel.1, review_id, &opinion).await, StatusCode::CONFLICT).await;
    let case = w.case(&id).await;
    assert_eq!(
        (case["status"].clone(), case["legal_review_outcome"].clone()),
        (json!("proposed"), json!("approved"))
    );
}

#[tokio::test]
async fn the_opinion_hash_is_in_the_case_record_and_recomputes() {
    let w = case_world().await;
    let id = proposed(&w, 50000).await;
    let signed = w.approve_review(&id).await;
    // SHA-256 of the signed content in canonical JSON (keys sorted, no whitespace).
    let canonical = serde_json::to_string(&signed["signed_content"]).unwrap();
    let recomputed = hex::encode(Sha256::digest(canonical.as_bytes()));
    assert_eq!(signed["opinion_hash"], json!(recomputed));
    let record = w.record(&id).await;
    let event = record["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == json!("record_legal_opinion"))
        .unwrap()
        .clone();
    assert_eq!(event["payload"]["opinion_hash"], json!(recomputed));
    assert_eq!(event["actor_id"], json!(w.counsel.0));
    let (_, verified) = json_of(
        w.app
            .get(&format!("/api/v1/cases/{id}/record/verify"), w.lead_token())
            .await,
    )
    .await;
    assert_eq!(verified["valid"], json!(true));
}

#[tokio::test]
async fn changes_asked_send_the_case_back_and_every_review_stays_readable() {
    let w = case_world().await;
    let id = proposed(&w, 50000).await;
    let first = submit(&w, &id).await;
    let (status, _) = json_of(
        sign(
            &w,
            &w.counsel.1,
            first["id"].as_str().unwrap(),
            &failing("needs_changes", "evidence_sufficient"),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let case = w.case(&id).await;
    assert_eq!(
        (case["status"].clone(), case["legal_review_outcome"].clone()),
        (json!("investigating"), json!("needs_changes"))
    );
    w.step_refused_by(&w.supervisor, &id, json!({"action": "decide"}), NotAllowed)
        .await;
    // More evidence, a new proposal, a second review.
    w.step_ok(
        &id,
        json!({"action": "record_investigation", "record_type": "evidence", "content": "补充调取监控录像"}),
    )
    .await;
    w.step_ok(&id, Notice::fine(50000).propose()).await;
    let second = w.approve_review(&id).await;
    assert_eq!(
        (second["seq"].clone(), second["outcome"].clone()),
        (json!(2), json!("approved"))
    );
    let (_, earlier) = json_of(
        w.app
            .get(
                &format!("/api/v1/legal-reviews/{}", first["id"].as_str().unwrap()),
                w.lead_token(),
            )
            .await,
    )
    .await;
    assert_eq!(
        (earlier["seq"].clone(), earlier["outcome"].clone()),
        (json!(1), json!("needs_changes"))
    );
    assert_eq!(earlier["checklist"][4]["pass"], json!(false));
    let case = w.step_ok_by(&w.supervisor, &id, json!({"action": "decide"})).await;
    assert!(
        case["decision"]["decision_number"].as_str().unwrap().contains("罚决字"),
        "{case}"
    );
}

#[tokio::test]
async fn an_approval_covers_the_proposal_and_nothing_heavier() {
    let w = case_world().await;
    let id = proposed(&w, 50000).await;
    w.approve_review(&id).await;
    w.step_refused_by(
        &w.supervisor,
        &id,
        json!({"action": "decide", "penalties": [{"type": "fine", "amount_fen": 50001}]}),
        Rule("heavier_than_proposed"),
    )
    .await;
    // A changed proposal is reviewed anew.
    w.step_ok(&id, Notice::fine(40000).propose()).await;
    assert_eq!(w.case(&id).await["legal_review_outcome"], json!(null));
    w.step_refused_by(
        &w.supervisor,
        &id,
        json!({"action": "decide"}),
        Rule("legal_review_required"),
    )
    .await;
    w.approve_review(&id).await;
    let case = w.step_ok_by(&w.supervisor, &id, json!({"action": "decide"})).await;
    assert_eq!(
        case["decision"]["penalties"],
        json!([{"type": "fine", "amount_fen": 40000}])
    );
}

#[tokio::test]
async fn the_scope_setting_decides_which_cases_need_review() {
    let w = case_world().await;
    let small = proposed(&w, 50000).await;
    let case = w.case(&small).await;
    assert_eq!(case["legal_review_required"], json!(true));
    assert_eq!(case["legal_review_reasons"], json!(["ordinary_procedure"]));
    w.app
        .put(
            "/api/v1/settings",
            &w.app.admin_token,
            &json!({"defense_period_working_days": 5, "hearing_threshold_individual_fen": 1000000,
                    "hearing_threshold_organisation_fen": 10000000, "legal_review_scope": "major_only"}),
        )
        .await;
    let case = w.case(&small).await;
    assert_eq!(case["legal_review_required"], json!(false), "{case}");
    // ¥500 to an enterprise is not major: decided without a review.
    w.step_ok_by(&w.supervisor, &small, json!({"action": "decide"})).await;
    // A case flagged complex is (art. 58 (3)).
    let complex = w.penalty_at(Stage::Notified(Notice::fine(50000)), json!({})).await;
    w.step_ok(&complex, json!({"action": "waive_defense"})).await;
    let mut proposal = Notice::fine(50000).propose();
    proposal["complex"] = json!(true);
    w.step_ok(&complex, proposal).await;
    assert_eq!(w.case(&complex).await["legal_review_reasons"], json!(["complex"]));
    w.step_refused_by(
        &w.supervisor,
        &complex,
        json!({"action": "decide"}),
        Rule("legal_review_required"),
    )
    .await;
}

#[tokio::test]
async fn counsels_queue_is_oldest_first_with_its_age_in_working_days() {
    let w = case_world().await;
    let older = proposed(&w, 50000).await;
    let older_review = submit(&w, &older).await;
    let newer = proposed(&w, 60000).await;
    let newer_review = submit(&w, &newer).await;
    // The first was submitted ten days ago (entered directly: the API dates submissions today).
    let ten_days_ago = (enforcement::clock::today() - chrono::Duration::days(10)).to_string();
    {
        use diesel::RunQueryDsl;
        let mut conn = w.app.raw_connection();
        diesel::sql_query(format!(
            "UPDATE legal_reviews SET submitted_on = '{ten_days_ago}' WHERE id = '{}'",
            older_review["id"].as_str().unwrap()
        ))
        .execute(&mut conn)
        .unwrap();
    }
    let (status, queue) = json_of(w.app.get("/api/v1/legal-reviews?status=pending", &w.counsel.1).await).await;
    assert_eq!(status, StatusCode::OK, "{queue}");
    let items = queue["items"].as_array().unwrap();
    assert_eq!(
        items.iter().map(|i| i["id"].clone()).collect::<Vec<_>>(),
        vec![older_review["id"].clone(), newer_review["id"].clone()]
    );
    // Age: the working days after the submission up to today, by the calendar.
    let mut working_days = 0;
    let mut day: chrono::NaiveDate = ten_days_ago.parse().unwrap();
    while day < enforcement::clock::today() {
        day = day.succ_opt().unwrap();
        let (_, next) = json_of(
            w.app
                .get(
                    &format!(
                        "/api/v1/calendar/add-working-days?from={}&days=1",
                        day.pred_opt().unwrap()
                    ),
                    &w.app.admin_token,
                )
                .await,
        )
        .await;
        if next["date"] == json!(day.to_string()) {
            working_days += 1;
        }
    }
    assert_eq!(items[0]["age_working_days"], json!(working_days));
    assert_eq!(items[1]["age_working_days"], json!(0));
    assert_eq!(items[0]["case_number"], w.case(&older).await["case_number"]);
    assert!(items[0]["decision_due_on"].is_string());
    // Officers do not read counsel's queue.
    expect_problem(
        w.app.get("/api/v1/legal-reviews", w.lead_token()).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    // Done reviews leave the pending queue.
    sign(
        &w,
        &w.counsel.1,
        older_review["id"].as_str().unwrap(),
        &passing_opinion("approved"),
    )
    .await;
    let (_, queue) = json_of(w.app.get("/api/v1/legal-reviews?status=pending", &w.counsel.1).await).await;
    assert_eq!(queue["items"].as_array().unwrap().len(), 1);
}
