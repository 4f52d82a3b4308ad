//! 案卷评查 (DESIGN §6): templates, campaigns sampled from a seed, reviewers who did not
//! handle the case, scores vetoed and graded, pre-filled findings, rectification items and
//! the campaign's report.

use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::{
    CaseWorld, InspectionStage, Notice, Stage, case_world, error_fields, expect_problem, json_of, this_quarter, today,
};

/// A compliant inspection, closed today by the given officers (lead and second by default).
async fn closed_inspection(w: &CaseWorld, officers: Option<Vec<String>>) -> String {
    let filing = match officers {
        Some(officers) => json!({"officer_ids": officers}),
        None => json!({}),
    };
    let id = w.inspection_at(InspectionStage::FoundCompliant, filing).await;
    let case = w.step_ok(&id, json!({"action": "close"})).await;
    assert_eq!(case["status"], json!("closed"));
    id
}

/// An ordinary penalty case decided by the supervisor after counsel's review, served, paid
/// and closed today.
async fn closed_penalty(w: &CaseWorld) -> String {
    let id = w
        .penalty_at(
            Stage::Served {
                notice: Notice::fine(50_000),
                decided_on: today(),
                served_on: today(),
            },
            json!({}),
        )
        .await;
    w.step_ok(
        &id,
        json!({"action": "record_payment", "amount_fen": 50_000, "paid_on": today()}),
    )
    .await;
    let case = w.step_ok(&id, json!({"action": "close"})).await;
    assert_eq!(case["status"], json!("closed"));
    id
}

async fn open_campaign(w: &CaseWorld, body: Value) -> (StatusCode, Value) {
    json_of(w.app.post("/api/v1/review-campaigns", &w.supervisor, &body).await).await
}

async fn campaign_ok(w: &CaseWorld, body: Value) -> Value {
    let (status, campaign) = open_campaign(w, body).await;
    assert_eq!(status, StatusCode::CREATED, "{campaign}");
    campaign
}

fn sampled(campaign: &Value) -> Vec<String> {
    campaign["reviews"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["case_id"].as_str().unwrap().to_string())
        .collect()
}

/// The sample as the README states the algorithm, computed here independently.
fn expected_sample(seed: &str, eligible: &[String], n: usize) -> Vec<String> {
    let mut ranked: Vec<(String, String)> = eligible
        .iter()
        .map(|id| {
            (
                hex::encode(Sha256::digest(format!("{seed}:{id}").as_bytes())),
                id.clone(),
            )
        })
        .collect();
    ranked.sort();
    ranked.into_iter().take(n).map(|(_, id)| id).collect()
}

async fn officers_of(w: &CaseWorld, case_id: &str) -> Vec<String> {
    w.case(case_id).await["officers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_string())
        .collect()
}

async fn review(w: &CaseWorld, token: &str, id: &str) -> Value {
    let (status, review) = json_of(w.app.get(&format!("/api/v1/case-file-reviews/{id}"), token).await).await;
    assert_eq!(status, StatusCode::OK, "{review}");
    review
}

/// A sheet that passes every item of the review's template; `deductions` (key, points)
/// lose points with a comment.
fn sheet(review: &Value, deductions: &[(&str, f64)]) -> Value {
    let template = &review["template"];
    let veto: Vec<Value> = template["veto_items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| json!({"key": i["key"], "failed": false}))
        .collect();
    let items: Vec<Value> = template["categories"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["items"].as_array().unwrap().clone())
        .map(|i| {
            let key = i["key"].as_str().unwrap();
            match deductions.iter().find(|(k, _)| *k == key) {
                Some((_, points)) => json!({"key": key, "deduction": points, "comment": format!("{key}扣分")}),
                None => json!({"key": key, "deduction": 0}),
            }
        })
        .collect();
    json!({"veto": veto, "items": items})
}

async fn score(w: &CaseWorld, token: &str, review_id: &str, body: &Value) -> (StatusCode, Value) {
    json_of(
        w.app
            .post(&format!("/api/v1/case-file-reviews/{review_id}/score"), token, body)
            .await,
    )
    .await
}

/// The token of one of the world's people, by id.
fn token_of<'a>(w: &'a CaseWorld, user_id: &str) -> &'a str {
    [&w.lead, &w.second, &w.counsel]
        .into_iter()
        .find(|(id, _)| id == user_id)
        .map(|(_, token)| token.as_str())
        .unwrap_or_else(|| panic!("no token for {user_id}"))
}

#[tokio::test]
async fn the_sample_follows_from_the_seed_and_nobody_reviews_a_case_they_handled() {
    let w = case_world().await;
    let third = w.app.officer_with_certificate("third.officer", "2035-12-31").await;
    let mut inspections = Vec::new();
    for _ in 0..6 {
        inspections.push(closed_inspection(&w, None).await);
    }
    for _ in 0..2 {
        inspections.push(closed_inspection(&w, Some(vec![w.lead.0.clone(), third.0.clone()])).await);
    }
    // Approved and decided by the head, reviewed by counsel.
    let penalty = closed_penalty(&w).await;
    // Still open: not a closed file, never eligible.
    w.inspection_at(InspectionStage::Started, json!({})).await;
    let mut eligible = inspections.clone();
    eligible.push(penalty.clone());
    let quarter = this_quarter();

    let first = campaign_ok(
        &w,
        json!({"name": "第四季度案卷评查", "period": quarter, "sample": {"count": 4}, "seed": "seed-one",
               "reviewer_ids": [w.lead.0, w.second.0, third.0]}),
    )
    .await;
    assert_eq!(first["eligible_count"], json!(9));
    assert_eq!(sampled(&first), expected_sample("seed-one", &eligible, 4));
    assert_eq!(first["seed"], json!("seed-one"));
    // Reproducible: the same seed over the same files draws the same files in the same order.
    let again = campaign_ok(
        &w,
        json!({"name": "复核", "period": quarter, "sample": {"count": 4}, "seed": "seed-one",
               "reviewer_ids": [w.lead.0, w.second.0, third.0]}),
    )
    .await;
    assert_eq!(sampled(&again), sampled(&first));
    // Another seed draws as the algorithm says for it, which is not the first draw.
    let other = campaign_ok(
        &w,
        json!({"name": "另一种子", "period": quarter, "sample": {"count": 4}, "seed": "seed-two",
               "reviewer_ids": [w.lead.0, w.second.0, third.0]}),
    )
    .await;
    assert_eq!(sampled(&other), expected_sample("seed-two", &eligible, 4));
    assert_ne!(
        expected_sample("seed-two", &eligible, 9),
        expected_sample("seed-one", &eligible, 9),
        "the two seeds rank the files differently"
    );
    // The whole quarter, to see every assignment: nobody reviews a case they handled.
    let all = campaign_ok(
        &w,
        json!({"name": "全部", "period": quarter, "sample": {"ratio": 1.0},
               "reviewer_ids": [w.lead.0, w.second.0, third.0]}),
    )
    .await;
    assert_eq!(all["reviews"].as_array().unwrap().len(), 9);
    assert_eq!(
        all["seed"].as_str().unwrap().len(),
        32,
        "a random seed is drawn and recorded"
    );
    for file in all["reviews"].as_array().unwrap() {
        let case_id = file["case_id"].as_str().unwrap();
        let reviewer = file["reviewer_id"].as_str().unwrap();
        assert!(
            !officers_of(&w, case_id).await.iter().any(|o| o == reviewer),
            "{reviewer} reviews {case_id}, which they handled"
        );
    }
    // The penalty file: its officers, the head who approved and decided it and its counsel
    // handled it; of the supervisors and counsel only one did not.
    let deputy = w.app.user_token("deputy.head", &["supervisor"]).await;
    let default_pool = campaign_ok(
        &w,
        json!({"name": "处罚案卷", "period": quarter, "sample": {"count": 1},
               "scope": {"kinds": ["penalty"], "procedures": ["ordinary"]}}),
    )
    .await;
    assert_eq!(default_pool["eligible_count"], json!(1));
    assert_eq!(default_pool["reviews"][0]["case_id"], json!(penalty));
    assert_eq!(default_pool["reviews"][0]["reviewer_id"], json!(deputy.0));
    // Nobody left to review it: refused, and nothing is stored.
    let (status, problem) = open_campaign(
        &w,
        json!({"name": "无人可评", "period": quarter, "sample": {"count": 1},
               "scope": {"kinds": ["penalty"]}, "reviewer_ids": [w.lead.0, w.counsel.0]}),
    )
    .await;
    assert_eq!(
        (status, problem["rule"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("no_eligible_reviewer"))
    );

    // The sample verifies; a file closed in the quarter afterwards changes the eligible set,
    // not the sample drawn from the recorded one.
    let verify = |id: String| {
        let w = &w;
        async move {
            let (status, verification) = json_of(
                w.app
                    .get(&format!("/api/v1/review-campaigns/{id}/sample/verify"), &w.supervisor)
                    .await,
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{verification}");
            verification
        }
    };
    let verification = verify(first["id"].as_str().unwrap().to_string()).await;
    assert_eq!(verification["sample_matches"], json!(true));
    assert_eq!(verification["eligible_intact"], json!(true));
    assert_eq!(verification["eligible_unchanged"], json!(true));
    assert_eq!(verification["recomputed_sample"], json!(sampled(&first)));
    let mut sorted = eligible.clone();
    sorted.sort();
    assert_eq!(verification["eligible"], json!(sorted));
    closed_inspection(&w, None).await;
    let verification = verify(first["id"].as_str().unwrap().to_string()).await;
    assert_eq!(verification["eligible_unchanged"], json!(false));
    assert_eq!(verification["sample_matches"], json!(true));

    // Refusals.
    let (status, problem) = open_campaign(&w, json!({"name": "空", "period": "2025Q1", "sample": {"count": 3}})).await;
    assert_eq!(
        (status, problem["rule"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("no_eligible_cases"))
    );
    let problem = expect_problem(
        w.app
            .post(
                "/api/v1/review-campaigns",
                &w.supervisor,
                &json!({"name": "", "period": "2099Q1", "sample": {"ratio": 0}}),
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["name", "period", "sample.ratio"]);
    expect_problem(
        w.app
            .post(
                "/api/v1/review-campaigns",
                w.lead_token(),
                &json!({"name": "x", "period": quarter, "sample": {"count": 1}}),
            )
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let (_, list) = json_of(w.app.get("/api/v1/review-campaigns", &w.supervisor).await).await;
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        5,
        "refused campaigns are not kept"
    );
}

async fn set_review_scope(w: &CaseWorld, scope: &str) {
    let (status, mut settings) = json_of(w.app.get("/api/v1/settings", &w.app.admin_token).await).await;
    assert_eq!(status, StatusCode::OK, "{settings}");
    settings["legal_review_scope"] = json!(scope);
    w.app.put_settings(settings).await;
}

/// Takes the world's cases to a state the API forbids but an old paper file can be in:
/// a file entered with one officer (the second's row removed beneath the API).
fn remove_second_officer(w: &CaseWorld, case_id: &str) {
    use diesel::RunQueryDsl;
    let mut conn = w.app.raw_connection();
    diesel::sql_query(format!(
        "DELETE FROM case_officers WHERE case_id = '{case_id}' AND user_id = '{}'",
        w.second.0
    ))
    .execute(&mut conn)
    .unwrap();
}

#[tokio::test]
async fn findings_are_prefilled_a_veto_zeroes_the_score_and_grades_include_their_threshold() {
    let w = case_world().await;
    // Decided without counsel's review while the scope was major decisions only; the agency
    // now reviews every ordinary decision, so the file lacks a review its rules require.
    set_review_scope(&w, "major_only").await;
    let unreviewed = w.open_ok("penalty", json!({})).await;
    w.step_ok(
        &unreviewed,
        json!({"action": "record_investigation", "record_type": "evidence", "content": "现场照片"}),
    )
    .await;
    let notice = Notice::fine(20_000);
    w.step_ok(&unreviewed, notice.notify()).await;
    w.step_ok(&unreviewed, json!({"action": "waive_defense"})).await;
    w.step_ok(&unreviewed, notice.propose()).await;
    w.step_ok_by(&w.supervisor, &unreviewed, json!({"action": "decide"}))
        .await;
    w.step_ok(
        &unreviewed,
        json!({"action": "serve", "method": "in_person", "served_on": today()}),
    )
    .await;
    w.step_ok(
        &unreviewed,
        json!({"action": "record_payment", "amount_fen": 20_000, "paid_on": today()}),
    )
    .await;
    w.step_ok(&unreviewed, json!({"action": "close"})).await;
    set_review_scope(&w, "all_ordinary").await;
    let one_officer = closed_inspection(&w, None).await;
    remove_second_officer(&w, &one_officer);
    let mut sound = Vec::new();
    for _ in 0..4 {
        sound.push(closed_inspection(&w, None).await);
    }
    let third = w.app.officer_with_certificate("third.officer", "2035-12-31").await;
    let campaign = campaign_ok(
        &w,
        json!({"name": "评查", "period": this_quarter(), "sample": {"ratio": 1}, "reviewer_ids": [third.0]}),
    )
    .await;
    let review_of = |case_id: &str| {
        campaign["reviews"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["case_id"] == json!(case_id))
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };

    // One officer on the file: the veto item 执法人员少于两人 is pre-filled.
    let id = review_of(&one_officer);
    let file = review(&w, &third.1, &id).await;
    let findings = file["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(
        (
            findings[0]["check"].clone(),
            findings[0]["item_key"].clone(),
            findings[0]["veto"].clone()
        ),
        (json!("two_officers"), json!("fewer_than_two_officers"), json!(true))
    );
    // Passing over it without a word is refused; confirming it fails the file at 0.
    let mut body = sheet(&file, &[]);
    let (status, problem) = score(&w, &third.1, &id, &body).await;
    assert_eq!(
        (status, problem["rule"].clone()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!("finding_dismissed_without_reason")
        )
    );
    let position = body["veto"]
        .as_array()
        .unwrap()
        .iter()
        .position(|v| v["key"] == json!("fewer_than_two_officers"))
        .unwrap();
    body["veto"][position] =
        json!({"key": "fewer_than_two_officers", "failed": true, "comment": "卷内仅一名执法人员签名"});
    let (status, scored) = score(&w, &third.1, &id, &body).await;
    assert_eq!(status, StatusCode::OK, "{scored}");
    assert_eq!(
        (
            scored["tally"]["total"].clone(),
            scored["tally"]["grade"].clone(),
            scored["tally"]["vetoed"].clone()
        ),
        (json!(0), json!("fail"), json!(true))
    );
    // Once only, by its reviewer alone; and fixed beneath the API too.
    let (status, _) = score(&w, &third.1, &id, &body).await;
    assert_eq!(status, StatusCode::CONFLICT);
    {
        use diesel::RunQueryDsl;
        let mut conn = w.app.raw_connection();
        let refused = diesel::sql_query(format!(
            "UPDATE case_file_reviews SET total_tenths = 1000 WHERE id = '{id}'"
        ))
        .execute(&mut conn);
        assert!(refused.is_err(), "a scored review is fixed in the database");
    }
    // The score is in the case's record, with the sheet's hash.
    let record = w.record(&one_officer).await;
    let event = record["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == json!("score_case_file"))
        .expect("score_case_file event")
        .clone();
    assert_eq!(event["payload"]["review_id"], json!(id));
    assert_eq!(event["payload"]["grade"], json!("fail"));
    assert_eq!(event["payload"]["sheet_sha256"], scored["sheet_sha256"]);
    assert_eq!(event["actor_id"], json!(third.0));
    assert_eq!(scored["record_seq"], event["seq"]);

    // A required review missing: the veto item 应当法制审核而未审核 is pre-filled; the reviewer
    // may dismiss it with a reason.
    let id = review_of(&unreviewed);
    let file = review(&w, &third.1, &id).await;
    let checks: Vec<Value> = file["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["check"].clone())
        .collect();
    assert_eq!(checks, vec![json!("legal_review")], "{}", file["findings"]);
    assert_eq!(file["findings"][0]["item_key"], json!("no_legal_review"));
    let mut body = sheet(&file, &[]);
    let position = body["veto"]
        .as_array()
        .unwrap()
        .iter()
        .position(|v| v["key"] == json!("no_legal_review"))
        .unwrap();
    body["veto"][position]["comment"] = json!("决定作出时本机关仅对重大决定法制审核，符合当时规定");
    let (status, scored) = score(&w, &third.1, &id, &body).await;
    assert_eq!(status, StatusCode::OK, "{scored}");
    assert_eq!(
        (scored["tally"]["total"].clone(), scored["tally"]["grade"].clone()),
        (json!(100), json!("excellent"))
    );

    // Grades: 90 is excellent (以上 includes the figure), 89.5 pass, 60 pass, 59.5 fail.
    let expectations = [
        (vec![("evidence", 10.0)], json!(90), "excellent"),
        (vec![("evidence", 10.5)], json!(89.5), "pass"),
        (
            vec![
                ("evidence", 15.0),
                ("facts", 10.0),
                ("subject", 10.0),
                ("procedure", 5.0),
            ],
            json!(60),
            "pass",
        ),
        (
            vec![
                ("evidence", 15.0),
                ("facts", 10.0),
                ("subject", 10.0),
                ("procedure", 5.5),
            ],
            json!(59.5),
            "fail",
        ),
    ];
    for (case_id, (deductions, total, grade)) in sound.iter().zip(expectations) {
        let id = review_of(case_id);
        let file = review(&w, &third.1, &id).await;
        assert_eq!(file["findings"], json!([]), "a sound file has no finding");
        let (status, scored) = score(&w, &third.1, &id, &sheet(&file, &deductions)).await;
        assert_eq!(status, StatusCode::OK, "{scored}");
        assert_eq!(
            (scored["tally"]["total"].clone(), scored["tally"]["grade"].clone()),
            (total, json!(grade))
        );
    }
}

#[tokio::test]
async fn templates_are_versioned_and_their_thresholds_and_items_rule_the_score() {
    let w = case_world().await;
    let (status, templates) = json_of(w.app.get("/api/v1/review-templates", &w.supervisor).await).await;
    assert_eq!(status, StatusCode::OK, "{templates}");
    let default = templates["items"][0].clone();
    assert_eq!(
        (
            default["code"].clone(),
            default["version"].clone(),
            default["max_points"].clone()
        ),
        (json!("default"), json!(1), json!(100))
    );
    let form: f64 = default["categories"][0]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["points"].as_f64().unwrap())
        .sum();
    assert_eq!(
        (default["categories"][0]["label"].clone(), form),
        (json!("案卷形式"), 20.0)
    );
    assert_eq!(default["grades"], json!({"excellent": 90, "pass": 60}));

    // A stricter version: excellent from 95, pass from 70.
    let mut body = json!({
        "name": "评查标准（2025年修订）",
        "veto_items": default["veto_items"],
        "categories": default["categories"],
        "grades": {"excellent": 95, "pass": 70},
    });
    expect_problem(
        w.app.post("/api/v1/review-templates", &w.supervisor, &body).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let (status, stricter) = json_of(w.app.post("/api/v1/review-templates", &w.app.admin_token, &body).await).await;
    assert_eq!(status, StatusCode::CREATED, "{stricter}");
    assert_eq!(
        (stricter["code"].clone(), stricter["version"].clone()),
        (json!("default"), json!(2))
    );
    body["grades"] = json!({"excellent": 101, "pass": 102});
    body["categories"][0]["items"][1]["key"] = json!("filing_standard");
    let problem = expect_problem(
        w.app.post("/api/v1/review-templates", &w.app.admin_token, &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(
        error_fields(&problem),
        vec!["categories[0].items[1].key", "grades.excellent", "grades.pass"]
    );

    // A campaign without a template takes the latest default: 90 is now only a pass.
    closed_inspection(&w, None).await;
    let campaign = campaign_ok(
        &w,
        json!({"name": "评查", "period": this_quarter(), "sample": {"count": 1}, "reviewer_ids": [w.counsel.0]}),
    )
    .await;
    assert_eq!(campaign["template_id"], stricter["id"]);
    let file = campaign["reviews"][0].clone();
    let reviewer = file["reviewer_id"].as_str().unwrap();
    assert_eq!(reviewer, w.counsel.0);
    let review_id = file["id"].as_str().unwrap();
    let token = token_of(&w, reviewer);
    let file = review(&w, token, review_id).await;
    // Every item answered: one left out is named.
    let mut incomplete = sheet(&file, &[("evidence", 10.0)]);
    incomplete["items"].as_array_mut().unwrap().pop();
    let problem = expect_problem(
        w.app
            .post(
                &format!("/api/v1/case-file-reviews/{review_id}/score"),
                token,
                &incomplete,
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["items"]);
    // 示范优案 needs an excellent file.
    let mut marked = sheet(&file, &[("evidence", 10.0)]);
    marked["mark"] = json!("exemplary");
    let (status, problem) = score(&w, token, review_id, &marked).await;
    assert_eq!(
        (status, problem["rule"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("exemplary_requires_excellent"))
    );
    // Someone else's file: not even visible to an officer; the head sees it but does not score it.
    expect_problem(
        w.app
            .get(&format!("/api/v1/case-file-reviews/{review_id}"), w.lead_token())
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let (status, _) = score(&w, &w.supervisor, review_id, &sheet(&file, &[])).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, scored) = score(&w, token, review_id, &sheet(&file, &[("evidence", 10.0)])).await;
    assert_eq!(status, StatusCode::OK, "{scored}");
    assert_eq!(
        (scored["tally"]["total"].clone(), scored["tally"]["grade"].clone()),
        (json!(90), json!("pass"))
    );
}

#[tokio::test]
async fn rectification_items_are_answered_by_the_lead_officer_and_closed_by_the_head() {
    let w = case_world().await;
    let case_id = closed_inspection(&w, None).await;
    let third = w.app.officer_with_certificate("third.officer", "2035-12-31").await;
    let campaign = campaign_ok(
        &w,
        json!({"name": "评查", "period": this_quarter(), "sample": {"count": 1}, "reviewer_ids": [third.0]}),
    )
    .await;
    let review_id = campaign["reviews"][0]["id"].as_str().unwrap().to_string();
    let file = review(&w, &third.1, &review_id).await;
    let mut body = sheet(&file, &[("evidence", 5.0), ("binding_order", 1.0)]);
    // A rectification follows from a deduction.
    body["rectifications"] = json!([{"item_key": "facts", "description": "补充事实认定"}]);
    let (status, problem) = score(&w, &third.1, &review_id, &body).await;
    assert_eq!(
        (status, problem["rule"].clone()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!("rectification_without_deduction")
        )
    );
    body["rectifications"] = json!([
        {"item_key": "evidence", "description": "补充现场检查照片并说明来源", "working_days": 5},
        {"item_key": "binding_order", "description": "按文书目录重新装订"},
    ]);
    let (status, scored) = score(&w, &third.1, &review_id, &body).await;
    assert_eq!(status, StatusCode::OK, "{scored}");
    let items = scored["rectifications"].as_array().unwrap().clone();
    assert_eq!(items.len(), 2);
    let today = enforcement::clock::today();
    let evidence = items
        .iter()
        .find(|i| i["item_key"] == json!("evidence"))
        .unwrap()
        .clone();
    let binding = items
        .iter()
        .find(|i| i["item_key"] == json!("binding_order"))
        .unwrap()
        .clone();
    assert_eq!(evidence["due_on"], json!(w.app.add_working_days(today, 5).await));
    assert_eq!(binding["due_on"], json!(w.app.add_working_days(today, 10).await));
    assert_eq!(
        evidence["officer_id"],
        json!(w.lead.0),
        "raised for the case's lead officer"
    );
    assert_eq!(
        (evidence["status"].clone(), evidence["overdue"].clone()),
        (json!("open"), json!(false))
    );
    let evidence_id = evidence["id"].as_str().unwrap().to_string();

    // The lead officer sees theirs; the second officer sees none and cannot reach it.
    let (_, mine) = json_of(w.app.get("/api/v1/rectifications?status=open", w.lead_token()).await).await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 2);
    let (_, theirs) = json_of(w.app.get("/api/v1/rectifications", &w.second.1).await).await;
    assert_eq!(theirs["items"], json!([]));
    let answer = json!({"answer": "已补充现场照片三张并附说明"});
    let url = format!("/api/v1/rectifications/{evidence_id}/answer");
    expect_problem(w.app.post(&url, &w.second.1, &answer).await, StatusCode::NOT_FOUND).await;
    expect_problem(w.app.post(&url, &w.supervisor, &answer).await, StatusCode::FORBIDDEN).await;
    let problem = expect_problem(
        w.app.post(&url, w.lead_token(), &json!({"answer": " "})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["answer"]);
    let (status, answered) = json_of(w.app.post(&url, w.lead_token(), &answer).await).await;
    assert_eq!(status, StatusCode::OK, "{answered}");
    assert_eq!(answered["status"], json!("answered"));
    expect_problem(w.app.post(&url, w.lead_token(), &answer).await, StatusCode::CONFLICT).await;

    // The head sends it back (with a reason), the officer answers again, the head accepts.
    let review_url = format!("/api/v1/rectifications/{evidence_id}/review");
    let problem = expect_problem(
        w.app
            .post(&review_url, &w.supervisor, &json!({"accepted": false}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["comment"]);
    expect_problem(
        w.app
            .post(&review_url, w.lead_token(), &json!({"accepted": true}))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let (status, returned) = json_of(
        w.app
            .post(
                &review_url,
                &w.supervisor,
                &json!({"accepted": false, "comment": "照片未注明拍摄时间"}),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{returned}");
    assert_eq!(returned["status"], json!("open"));
    let (status, _) = json_of(
        w.app
            .post(&url, w.lead_token(), &json!({"answer": "照片已注明拍摄时间和拍摄人"}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, closed) = json_of(w.app.post(&review_url, &w.supervisor, &json!({"accepted": true})).await).await;
    assert_eq!(status, StatusCode::OK, "{closed}");
    assert_eq!(
        (closed["status"].clone(), closed["closed_on"].clone()),
        (json!("closed"), json!(today))
    );
    expect_problem(
        w.app.post(&review_url, &w.supervisor, &json!({"accepted": true})).await,
        StatusCode::CONFLICT,
    )
    .await;

    // An item past its last day is listed as overdue (its date moved back beneath the API).
    let binding_id = binding["id"].as_str().unwrap();
    {
        use diesel::RunQueryDsl;
        let mut conn = w.app.raw_connection();
        diesel::sql_query(format!(
            "UPDATE rectifications SET due_on = '{}' WHERE id = '{binding_id}'",
            today - chrono::Duration::days(1)
        ))
        .execute(&mut conn)
        .unwrap();
    }
    let (_, overdue) = json_of(w.app.get("/api/v1/rectifications?overdue=true", &w.supervisor).await).await;
    let overdue = overdue["items"].as_array().unwrap();
    assert_eq!(overdue.len(), 1);
    assert_eq!(
        (overdue[0]["id"].clone(), overdue[0]["overdue"].clone()),
        (json!(binding_id), json!(true))
    );

    // Each score, answer and verdict is in the case's record, in order.
    let record = w.record(&case_id).await;
    let actions: Vec<&str> = record["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .skip_while(|a| *a != "score_case_file")
        .collect();
    assert_eq!(
        actions,
        vec![
            "score_case_file",
            "answer_rectification",
            "review_rectification",
            "answer_rectification",
            "review_rectification"
        ]
    );
    let (status, verified) = json_of(
        w.app
            .get(&format!("/api/v1/cases/{case_id}/record/verify"), &w.supervisor)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(verified["valid"], json!(true), "{verified}");
}

/// A score to give: deductions (key, points), a mark, and whether a veto item fails.
type Plan = (Vec<(&'static str, f64)>, Option<&'static str>, bool);

#[tokio::test]
async fn the_report_adds_up_the_scores_given() {
    let w = case_world().await;
    let third = w.app.officer_with_certificate("third.officer", "2035-12-31").await;
    for _ in 0..5 {
        closed_inspection(&w, None).await;
    }
    let campaign = campaign_ok(
        &w,
        json!({"name": "第四季度案卷评查", "period": this_quarter(), "sample": {"count": 5}, "reviewer_ids": [third.0]}),
    )
    .await;
    let ids: Vec<String> = campaign["reviews"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    // Four scored: 100 (示范优案), 92.5, 70 (典型差案, with a rectification), vetoed 0; one left.
    let first = review(&w, &third.1, &ids[0]).await;
    let plans: Vec<Plan> = vec![
        (vec![], Some("exemplary"), false),
        (vec![("evidence", 5.0), ("numbering", 2.5)], None, false),
        (
            vec![("evidence", 15.0), ("discretion", 10.0), ("numbering", 5.0)],
            Some("poor"),
            false,
        ),
        (vec![("evidence", 2.0)], None, true),
    ];
    for (id, (deductions, mark, veto)) in ids.iter().zip(&plans) {
        let mut body = sheet(&first, deductions);
        if let Some(mark) = mark {
            body["mark"] = json!(mark);
        }
        if *veto {
            body["veto"][3] = json!({"key": body["veto"][3]["key"], "failed": true, "comment": "主要证据不足"});
        }
        if *mark == Some("poor") {
            body["rectifications"] = json!([{"item_key": "discretion", "description": "说明裁量理由"}]);
        }
        let (status, scored) = score(&w, &third.1, id, &body).await;
        assert_eq!(status, StatusCode::OK, "{scored}");
    }
    let url = format!("/api/v1/review-campaigns/{}/report", campaign["id"].as_str().unwrap());
    let (status, report) = json_of(w.app.get(&url, &w.supervisor).await).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(
        (
            report["sampled"].clone(),
            report["reviewed"].clone(),
            report["pending"].clone()
        ),
        (json!(5), json!(4), json!(1))
    );
    // (100 + 92.5 + 70 + 0) / 4 = 65.625 → 65.63
    assert_eq!(report["average_score"], json!(65.63));
    assert_eq!(report["grades"], json!({"excellent": 2, "pass": 1, "fail": 1}));
    assert_eq!(report["vetoed"], json!(1));
    let deductions: Vec<(Value, Value, Value)> = report["deductions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["item_key"].clone(), d["files"].clone(), d["points"].clone()))
        .collect();
    assert_eq!(
        deductions,
        vec![
            (json!("evidence"), json!(3), json!(22)),
            (json!("numbering"), json!(2), json!(7.5)),
            (json!("discretion"), json!(1), json!(10)),
            (json!("insufficient_evidence"), json!(1), json!(0)),
        ]
    );
    assert_eq!(report["deductions"][0]["label"], json!("证据"));
    assert_eq!(report["exemplary"][0]["review_id"], json!(ids[0]));
    assert_eq!(report["poor"][0]["review_id"], json!(ids[2]));
    assert_eq!(report["rectifications"]["open"], json!(1));
    // Others than the head and admins do not read it.
    expect_problem(w.app.get(&url, &third.1).await, StatusCode::FORBIDDEN).await;

    let xlsx = w.app.get(&format!("{url}?format=xlsx"), &w.supervisor).await;
    assert_eq!(xlsx.status(), StatusCode::OK);
    assert!(
        xlsx.headers()[reqwest::header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("filename*=UTF-8''"),
    );
    let bytes = xlsx.bytes().await.unwrap().to_vec();
    use calamine::{DataType, Reader};
    let mut workbook = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(workbook.sheet_names(), ["评查概况", "案卷评分", "扣分统计"]);
    let summary = workbook.worksheet_range("评查概况").unwrap();
    let value_of = |label: &str| {
        (0..summary.height() as u32)
            .find(|r| {
                summary
                    .get_value((*r, 0))
                    .is_some_and(|v| v.get_string() == Some(label))
            })
            .map(|r| summary.get_value((r, 1)).unwrap().to_string())
            .unwrap_or_else(|| panic!("no row {label}"))
    };
    assert_eq!(value_of("平均得分"), "65.63");
    assert_eq!(value_of("优秀（件）"), "2");
    assert_eq!(value_of("示范优案（件）"), "1");
    let files = workbook.worksheet_range("案卷评分").unwrap();
    assert_eq!(files.get_value((0, 1)).unwrap().to_string(), "案号");
    assert_eq!(files.get_value((3, 5)).unwrap().to_string(), "合格");
    assert_eq!(files.get_value((3, 7)).unwrap().to_string(), "典型差案");
}
