//! The console's transfer page: the receiving side's receipt and feedback recorded through
//! the forms, by the same code as `POST /transfers/{id}/receipt` and `/feedback` — the same
//! rule refusing feedback before the receipt, nothing changed, and CSRF on both forms.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::console::{Browser, Page};
use crate::helpers::{PASSWORD, case_world, json_of, today};

fn shows_rule(page: &Page, rule: &str) -> bool {
    page.body.contains(&format!("<code>{rule}</code>"))
}

#[tokio::test]
async fn console_transfer_receipt_then_feedback_through_the_forms() {
    let w = case_world().await;
    let case = w.open_ok("penalty", json!({})).await;
    w.step_ok_by(
        &w.supervisor,
        &case,
        json!({"action": "transfer", "to_department": "区公安分局", "reason": "涉嫌犯罪", "kind": "judicial"}),
    )
    .await;
    let (_, listed) = json_of(w.app.get("/api/v1/transfers", w.lead_token()).await).await;
    let id = listed["items"][0]["id"].as_str().unwrap().to_string();
    let api = format!("/api/v1/transfers/{id}");
    let events = |record: &Value| record["events"].as_array().unwrap().len();
    let before = events(&w.record(&case).await);

    let mut officer = Browser::signed_in(&w.app, "lead.officer", PASSWORD).await;
    let list = officer.get("/console/transfers").await;
    assert!(list.body.contains(&format!("/console/transfers/{id}")), "{}", list.body);
    let page = officer.get(&format!("/console/transfers/{id}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("记录回执"), "{}", page.body);

    // Feedback before the receipt: the API's rule, nothing recorded.
    let refused = officer
        .post(
            &format!("/console/transfers/{id}/feedback"),
            &[("feedback", "已立案侦查")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(shows_rule(&refused, "transfer_receipt_required"), "{}", refused.body);
    let (_, transfer) = json_of(w.app.get(&api, w.lead_token()).await).await;
    assert_eq!(transfer["status"], json!("awaiting_receipt"));
    assert!(transfer["feedback"].is_null());
    assert_eq!(events(&w.record(&case).await), before);

    // Without the CSRF token: 403, nothing recorded.
    let forged = officer
        .post_as(
            &format!("/console/transfers/{id}/receipt"),
            &[("csrf", "forged"), ("received_on", &today()), ("receiver_name", "王某")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let forged = officer
        .post_as(&format!("/console/transfers/{id}/feedback"), &[("feedback", "x")])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let (_, transfer) = json_of(w.app.get(&api, w.lead_token()).await).await;
    assert!(transfer["received_on"].is_null());

    // The receipt, then the feedback.
    let done = officer
        .post(
            &format!("/console/transfers/{id}/receipt"),
            &[("received_on", &today()), ("receiver_name", "王某<i>")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let page = officer.get(done.location()).await;
    assert!(page.body.contains("已记录回执"), "{}", page.body);
    assert!(page.body.contains("王某&#60;i&#62;"), "escaped: {}", page.body);
    let (_, transfer) = json_of(w.app.get(&api, w.lead_token()).await).await;
    assert_eq!(transfer["status"], json!("awaiting_feedback"));
    assert_eq!(transfer["received_on"], json!(today()));
    assert_eq!(transfer["receiver_name"], json!("王某<i>"));
    // A second receipt: the API's rule.
    let again = officer
        .post(
            &format!("/console/transfers/{id}/receipt"),
            &[("received_on", &today()), ("receiver_name", "李某")],
        )
        .await;
    assert!(shows_rule(&again, "receipt_already_recorded"), "{}", again.body);

    let done = officer
        .post(
            &format!("/console/transfers/{id}/feedback"),
            &[("feedback", "已立案侦查"), ("feedback_on", "")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let (_, transfer) = json_of(w.app.get(&api, w.lead_token()).await).await;
    assert_eq!(transfer["status"], json!("closed"));
    assert_eq!(transfer["feedback"], json!("已立案侦查"));
    assert_eq!(transfer["feedback_on"], json!(today()));
    let record = w.record(&case).await;
    assert_eq!(events(&record), before + 2);
    let actions: Vec<&str> = record["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(
        actions.contains(&"transfer_receipt") && actions.contains(&"transfer_feedback"),
        "{actions:?}"
    );
}
