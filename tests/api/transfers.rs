//! Issue 18: transfers (案件移送, DESIGN §6) — letter numbers gap-free under concurrency,
//! the receiving side's receipt and feedback with their record events, and cases received
//! from other departments.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{CaseWorld, Refusal::Invalid, case_world, days_ago, error_fields, expect_problem, json_of, today};

fn transfer_step(to: &str) -> Value {
    json!({"action": "transfer", "to_department": to, "reason": "涉嫌销售过期食品，属市场监管部门职责"})
}

/// The transfer a `transfer` step recorded, as `GET /transfers/{id}` answers it.
async fn transfer_of(w: &CaseWorld, case: &str) -> Value {
    let record = w.record(case).await;
    let event = record["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == json!("transfer"))
        .unwrap_or_else(|| panic!("no transfer event: {record}"))
        .clone();
    let id = event["payload"]["transfer_id"].as_str().unwrap();
    let (status, transfer) = json_of(w.app.get(&format!("/api/v1/transfers/{id}"), w.lead_token()).await).await;
    assert_eq!(status, StatusCode::OK, "{transfer}");
    assert_eq!(event["payload"]["letter_number"], transfer["letter_number"]);
    transfer
}

/// The sequence number of a letter number …〔YYYY〕第N号.
fn seq_of(letter_number: &Value) -> u32 {
    let text = letter_number.as_str().unwrap();
    let year = &today()[..4];
    assert!(text.contains(&format!("移字〔{year}〕第")), "{text}");
    text.rsplit('第')
        .next()
        .unwrap()
        .trim_end_matches('号')
        .parse()
        .unwrap()
}

async fn transfers_listed(w: &CaseWorld, status: &str) -> Vec<Value> {
    let (code, page) = json_of(
        w.app
            .get(&format!("/api/v1/transfers?status={status}&limit=200"), w.lead_token())
            .await,
    )
    .await;
    assert_eq!(code, StatusCode::OK, "{page}");
    page["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn concurrent_transfers_get_gap_free_letter_numbers() {
    let w = case_world().await;
    let mut cases = Vec::new();
    for _ in 0..4 {
        cases.push(w.open_ok("penalty", json!({})).await);
    }
    // A refused transfer takes no number.
    w.step_refused_by(
        &w.supervisor,
        &cases[0],
        json!({"action": "transfer", "to_department": "区市场监管局", "reason": " "}),
        Invalid("reason"),
    )
    .await;
    let step = transfer_step("区市场监管局");
    let paths: Vec<String> = cases
        .iter()
        .map(|case| format!("/api/v1/cases/{case}/transitions"))
        .collect();
    let steps = paths.iter().map(|path| w.app.post(path, &w.supervisor, &step));
    for response in futures_util::future::join_all(steps).await {
        assert_eq!(response.status(), StatusCode::OK);
    }
    let mut seqs = Vec::new();
    for case in &cases {
        let transfer = transfer_of(&w, case).await;
        assert_eq!(transfer["case_id"], json!(case));
        assert_eq!(transfer["kind"], json!("department"));
        assert_eq!(transfer["status"], json!("awaiting_receipt"));
        assert_eq!(transfer["age_days"], json!(0));
        seqs.push(seq_of(&transfer["letter_number"]));
    }
    seqs.sort_unstable();
    assert_eq!(seqs, vec![1, 2, 3, 4]);
    assert_eq!(transfers_listed(&w, "awaiting_receipt").await.len(), 4);
    assert!(transfers_listed(&w, "closed").await.is_empty());
}

#[tokio::test]
async fn a_transfer_is_received_then_answered_each_once() {
    let w = case_world().await;
    let case = w.open_ok("penalty", json!({})).await;
    // A judicial transfer: the kind, or the older judicial flag, but not both contradicting.
    w.step_refused_by(
        &w.supervisor,
        &case,
        json!({"action": "transfer", "to_department": "区公安分局", "reason": "涉嫌犯罪",
               "kind": "judicial", "judicial": false}),
        Invalid("kind"),
    )
    .await;
    w.step_ok_by(
        &w.supervisor,
        &case,
        json!({"action": "transfer", "to_department": "区公安分局", "reason": "涉嫌犯罪", "kind": "judicial"}),
    )
    .await;
    let transfer = transfer_of(&w, &case).await;
    assert_eq!(transfer["kind"], json!("judicial"));
    assert_eq!(transfer["kind_label"], json!("移送司法机关"));
    let id = transfer["id"].as_str().unwrap();
    let receipt = format!("/api/v1/transfers/{id}/receipt");
    let feedback = format!("/api/v1/transfers/{id}/feedback");
    let events = |record: &Value| record["events"].as_array().unwrap().len();
    let before = events(&w.record(&case).await);

    // Feedback before the receipt is refused, naming the rule, and records nothing.
    let problem = expect_problem(
        w.app
            .post(&feedback, w.lead_token(), &json!({"feedback": "已立案侦查"}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(problem["rule"], json!("transfer_receipt_required"));
    let problem = expect_problem(
        w.app
            .post(
                &receipt,
                w.lead_token(),
                &json!({"received_on": days_ago(3), "receiver_name": "王某"}),
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(problem["rule"], json!("received_before_transfer"));
    let problem = expect_problem(
        w.app
            .post(
                &receipt,
                w.lead_token(),
                &json!({"received_on": today(), "receiver_name": ""}),
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["receiver_name"]);
    // An officer not on the case, and another agency, may not record it.
    let (_, off_token) = w.app.officer_with_certificate("off.case", "2035-12-31").await;
    let body = json!({"received_on": today(), "receiver_name": "王某"});
    expect_problem(w.app.post(&receipt, &off_token, &body).await, StatusCode::FORBIDDEN).await;
    let other_admin = w.app.second_agency("OT", "other.admin").await;
    expect_problem(
        w.app.get(&format!("/api/v1/transfers/{id}"), &other_admin).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(events(&w.record(&case).await), before, "refusals record nothing");

    let (status, received) = json_of(w.app.post(&receipt, w.lead_token(), &body).await).await;
    assert_eq!(status, StatusCode::OK, "{received}");
    assert_eq!(received["status"], json!("awaiting_feedback"));
    assert_eq!(received["receiver_name"], json!("王某"));
    let record = w.record(&case).await;
    let last = record["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], json!("transfer_receipt"));
    assert_eq!(last["payload"]["letter_number"], transfer["letter_number"]);
    let problem = expect_problem(
        w.app.post(&receipt, &w.supervisor, &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(problem["rule"], json!("receipt_already_recorded"));
    assert_eq!(transfers_listed(&w, "awaiting_feedback").await.len(), 1);
    assert!(transfers_listed(&w, "awaiting_receipt").await.is_empty());

    let (status, closed) = json_of(
        w.app
            .post(&feedback, &w.supervisor, &json!({"feedback": "已立案侦查"}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{closed}");
    assert_eq!(closed["status"], json!("closed"));
    assert_eq!(closed["feedback_on"], json!(today()));
    let problem = expect_problem(
        w.app
            .post(&feedback, &w.supervisor, &json!({"feedback": "改为不予立案"}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(problem["rule"], json!("feedback_already_recorded"));
    let listed = transfers_listed(&w, "closed").await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["feedback"], json!("已立案侦查"));

    // Both events are on the case's chained record, which still verifies.
    let record = w.record(&case).await;
    let actions: Vec<_> = record["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(actions[actions.len() - 2..], ["transfer_receipt", "transfer_feedback"]);
    let (_, verification) = json_of(
        w.app
            .get(&format!("/api/v1/cases/{case}/record/verify"), w.lead_token())
            .await,
    )
    .await;
    assert_eq!(verification["valid"], json!(true), "{verification}");

    // The statistics count transfers by destination, kind and status.
    let (status, summary) = json_of(
        w.app
            .get(&format!("/api/v1/stats/summary?year={}", &today()[..4]), &w.supervisor)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{summary}");
    let figures = &summary["transfer_letters"];
    assert_eq!(figures["total"], json!(1), "{figures}");
    assert_eq!(figures["by_destination"]["区公安分局"], json!(1));
    assert_eq!(figures["by_kind"]["judicial"], json!(1));
    assert_eq!(figures["by_status"]["closed"], json!(1));
    assert_eq!(figures["by_status"]["awaiting_receipt"], json!(0));
    let csv = w
        .app
        .get(
            &format!("/api/v1/stats/report?year={}&format=csv", &today()[..4]),
            &w.supervisor,
        )
        .await;
    let csv = csv.text().await.unwrap();
    assert!(csv.contains("移送函（件）,1"), "{csv}");
    assert!(csv.contains("移送函：已办结（件）,1"), "{csv}");
}

fn incoming(w: &CaseWorld, letter: &str) -> Value {
    json!({
        "from_department": "南开区市场监督管理局",
        "letter_number": letter,
        "received_on": days_ago(2),
        "kind": "penalty",
        "subject_id": w.enterprise,
        "power_ids": [w.power],
        "officer_ids": w.officers(),
        "summary": "移送：该店门前占道经营",
        "violation_on": days_ago(20),
    })
}

#[tokio::test]
async fn an_incoming_transfer_opens_a_case_linked_to_the_senders_letter() {
    let w = case_world().await;
    let letter = "津南市监移〔2026〕12号";
    let (status, received) = json_of(
        w.app
            .post("/api/v1/transfers/incoming", w.lead_token(), &incoming(&w, letter))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{received}");
    assert_eq!(received["letter_number"], json!(letter));
    let case_id = received["case_id"].as_str().unwrap();
    let case = w.case(case_id).await;
    assert_eq!(case["source"], json!("referral"));
    assert_eq!(
        case["opened_on"],
        json!(days_ago(2)),
        "opened on the day it was received"
    );
    assert_eq!(case["case_number"], received["case_number"]);
    let record = w.record(case_id).await;
    let events = record["events"].as_array().unwrap();
    assert_eq!(events[0]["action"], json!("create"));
    assert_eq!(events[0]["payload"]["source"], json!("referral"));
    assert_eq!(events[1]["action"], json!("receive_transfer"));
    assert_eq!(events[1]["payload"]["letter_number"], json!(letter));
    assert_eq!(events[1]["payload"]["from_department"], json!("南开区市场监督管理局"));

    // The same letter twice is one case.
    expect_problem(
        w.app
            .post("/api/v1/transfers/incoming", w.lead_token(), &incoming(&w, letter))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    // The rules of opening a case apply as they do to POST /cases.
    let mut one_officer = incoming(&w, "津南市监移〔2026〕13号");
    one_officer["officer_ids"] = json!([w.lead.0]);
    let problem = expect_problem(
        w.app
            .post("/api/v1/transfers/incoming", w.lead_token(), &one_officer)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(problem["rule"], json!("two_officers_required"), "{problem}");
    // An incoming case is a referral: not routine, nor a random draw (only a draw opens one).
    for source in ["routine", "random_draw"] {
        let mut other = incoming(&w, "津南市监移〔2026〕14号");
        other["source"] = json!(source);
        let problem = expect_problem(
            w.app.post("/api/v1/transfers/incoming", w.lead_token(), &other).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert_eq!(error_fields(&problem), vec!["source"], "{source}");
    }
    // Only officers open cases.
    expect_problem(
        w.app
            .post(
                "/api/v1/transfers/incoming",
                &w.supervisor,
                &incoming(&w, "津南市监移〔2026〕15号"),
            )
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let (_, cases) = json_of(w.app.get("/api/v1/cases?limit=200", w.lead_token()).await).await;
    assert_eq!(
        cases["items"].as_array().unwrap().len(),
        1,
        "refused receipts open no case"
    );
}
