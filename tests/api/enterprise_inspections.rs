//! Issue 15: inspections of enterprises under 国办发〔2024〕54号 — a case cites published
//! items, the head approves before the start (or after an emergency start), the yearly cap
//! per enterprise and item, the inspection code, and the results notice deadline.

use chrono::Datelike;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{CaseWorld, Refusal::*, SITE, case_world, json_of, today};

/// Publishes an item (by the head) and returns its id.
pub(crate) async fn publish_item(w: &CaseWorld, code: &str, extra: Value) -> String {
    let mut body = json!({
        "code": code,
        "name": "餐饮服务场所消防安全检查",
        "power_id": w.power,
        "standard": "疏散通道畅通；灭火器在有效期内",
        "method": "on_site",
    });
    body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    let (status, item) = json_of(w.app.post("/api/v1/inspection-items", &w.supervisor, &body).await).await;
    assert_eq!(status, StatusCode::CREATED, "{item}");
    item["id"].as_str().unwrap().to_string()
}

/// Files an inspection of the enterprise citing `items`; returns the case.
pub(crate) async fn file(w: &CaseWorld, items: &[&str], extra: Value) -> (StatusCode, Value) {
    let mut body = json!({"inspection_item_ids": items});
    body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    w.open("inspection", body).await
}

pub(crate) fn approval(from: &str, to: &str) -> Value {
    json!({"action": "approve_inspection", "planned_from": from, "planned_to": to})
}

fn today_date() -> chrono::NaiveDate {
    today().parse().unwrap()
}

pub(crate) fn later(days: i64) -> String {
    (today_date() + chrono::Duration::days(days)).to_string()
}

#[tokio::test]
async fn an_inspection_cites_only_items_published_on_its_filing_date() {
    let w = case_world().await;
    let published = publish_item(&w, "XF-JC-001", json!({})).await;
    let future = publish_item(&w, "XF-JC-002", json!({"published_on": later(30)})).await;
    let (status, problem) = file(&w, &[&future], json!({})).await;
    assert_eq!(
        (status, problem["rule"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("item_not_published")),
        "{problem}"
    );
    let (status, problem) = file(&w, &["00000000-0000-7000-8000-000000000000"], json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "inspection_item_ids[0]");
    // Citing no item at all: an enterprise is inspected only under the published list.
    let (status, problem) = file(&w, &[], json!({})).await;
    assert_eq!(
        (status, problem["rule"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("item_not_published")),
        "{problem}"
    );
    let (_, listed) = json_of(w.app.get("/api/v1/cases", w.lead_token()).await).await;
    assert_eq!(listed["items"], json!([]), "a refused filing files nothing");

    // DESIGN §8 names the field item_ids: read as inspection_item_ids.
    let body = json!({"kind": "inspection", "subject_id": w.enterprise, "power_ids": [w.power],
                      "officer_ids": w.officers(), "summary": "日常检查", "item_ids": [published]});
    let (status, case) = json_of(w.app.post("/api/v1/cases", w.lead_token(), &body).await).await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    assert_eq!(case["status"], "registered");
    assert_eq!(case["inspection_items"][0]["code"], "XF-JC-001");
    assert_eq!(case["inspection_plan"]["method"], "on_site");
    assert_eq!(case["inspection_plan"]["approval"], Value::Null);
    let record = w.record(case["id"].as_str().unwrap()).await;
    assert_eq!(
        record["events"][0]["payload"]["inspection_items"][0]["code"],
        "XF-JC-001"
    );

    // Withdrawn today: no longer citable today.
    let (status, _) = json_of(
        w.app
            .post(
                &format!("/api/v1/inspection-items/{published}/withdraw"),
                &w.supervisor,
                &json!({"reason": "并入综合检查事项"}),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, problem) = file(&w, &[&published], json!({})).await;
    assert_eq!(
        (status, problem["rule"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("item_not_published"))
    );

    // A private individual's home is outside the opinion: inspected without an item, and
    // without the head's prior approval.
    let (status, case) = w
        .open(
            "inspection",
            json!({"subject_id": w.individual, "inspection_item_ids": []}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    assert_eq!(case["inspection_plan"], Value::Null);
    w.step_ok(
        case["id"].as_str().unwrap(),
        json!({"action": "start", "credentials_shown": true, "location": SITE}),
    )
    .await;
}

#[tokio::test]
async fn the_head_approves_before_the_start_and_the_approval_issues_a_code() {
    let w = case_world().await;
    let item = publish_item(&w, "XF-JC-001", json!({})).await;
    let (_, case) = file(&w, &[&item], json!({})).await;
    let id = case["id"].as_str().unwrap().to_string();
    let start = json!({"action": "start", "credentials_shown": true, "location": SITE, "code_presented": true});

    let problem = w.step_refused(&id, start.clone(), NotAllowed).await;
    assert!(
        !problem["allowed_actions"].as_array().unwrap().contains(&json!("start")),
        "{problem}"
    );
    // Officers do not approve their own inspections.
    w.step_refused(&id, approval(&today(), &later(10)), NotAllowed).await;
    // A window in the past, or longer than 90 days, is refused.
    w.step_refused_by(
        &w.supervisor,
        &id,
        approval(&later(-5), &later(-1)),
        Invalid("planned_to"),
    )
    .await;
    w.step_refused_by(
        &w.supervisor,
        &id,
        approval(&today(), &later(91)),
        Invalid("planned_to"),
    )
    .await;

    let approved = w.step_ok_by(&w.supervisor, &id, approval(&today(), &later(10))).await;
    let code = approved["inspection_plan"]["code"].as_str().unwrap().to_string();
    assert_eq!(code.len(), 12);
    assert!(
        code.chars().all(|c| "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains(c)),
        "{code}"
    );
    assert_eq!(approved["inspection_plan"]["approval"]["planned_from"], json!(today()));
    w.step_refused_by(
        &w.supervisor,
        &id,
        approval(&today(), &later(10)),
        Rule("inspection_already_approved"),
    )
    .await;

    let started = w.step_ok(&id, start).await;
    assert_eq!(started["status"], "in_progress");
    assert_eq!(started["inspection_plan"]["code_presented"], true);
    let record = w.record(&id).await;
    let events = record["events"].as_array().unwrap();
    let approve_event = events.iter().find(|e| e["action"] == "approve_inspection").unwrap();
    assert_eq!(approve_event["payload"]["code"], json!(code));
    assert_eq!(approve_event["payload"]["items"], json!(["XF-JC-001"]));
}

#[tokio::test]
async fn a_third_inspection_of_the_enterprise_in_a_year_needs_an_exemption() {
    let w = case_world().await;
    let item = publish_item(&w, "XF-JC-001", json!({})).await;
    let window = approval(&today(), &later(10));
    for _ in 0..2 {
        let (_, case) = file(&w, &[&item], json!({})).await;
        w.step_ok_by(&w.supervisor, case["id"].as_str().unwrap(), window.clone())
            .await;
    }
    let (_, third) = file(&w, &[&item], json!({})).await;
    let third = third["id"].as_str().unwrap().to_string();
    let problem = w
        .step_refused_by(&w.supervisor, &third, window.clone(), Rule("inspection_frequency_cap"))
        .await;
    assert!(problem["detail"].as_str().unwrap().contains("XF-JC-001"), "{problem}");
    // The refusal changed no case, yet the head's figures count it.
    let year = today_date().year();
    let (_, summary) = json_of(
        w.app
            .get(&format!("/api/v1/stats/summary?year={year}"), &w.supervisor)
            .await,
    )
    .await;
    assert_eq!(summary["enterprise_inspections"]["cap_refusals"], json!(1), "{summary}");

    // Another enterprise is not counted against this one.
    let (_, other) = file(&w, &[&item], json!({"subject_id": w.app.seed_subject(json!({"kind": "enterprise", "name": "天津市学府超市有限公司", "uscc": "91120104MA05L0NQ6L"})).await})).await;
    assert_eq!(other["status"], "registered", "{other}");
    w.step_ok_by(&w.supervisor, other["id"].as_str().unwrap(), window.clone())
        .await;

    // Ordered by a higher authority, with the reason: approved, and it says so.
    let mut ordered = window.clone();
    ordered["cap_exemption"] = json!({"kind": "higher_authority", "reason": "区政府交办的燃气安全专项检查"});
    let approved = w.step_ok_by(&w.supervisor, &third, ordered).await;
    assert_eq!(approved["inspection_plan"]["cap_exemption"]["kind"], "higher_authority");

    // A complaint-triggered inspection is exempt by the item's setting.
    let (_, complaint) = file(&w, &[&item], json!({"source": "complaint"})).await;
    let approved = w
        .step_ok_by(&w.supervisor, complaint["id"].as_str().unwrap(), window.clone())
        .await;
    assert_eq!(approved["inspection_plan"]["cap_exemption"]["kind"], "complaint");

    // Next year's count starts again; the agency may raise its default cap.
    let mut settings = json_of(w.app.get("/api/v1/settings", &w.app.admin_token).await).await.1;
    settings["inspection_yearly_cap"] = json!(3);
    w.app.put_settings(settings).await;
    let (_, fourth) = file(&w, &[&item], json!({})).await;
    let fourth = fourth["id"].as_str().unwrap().to_string();
    if today_date().ordinal() < 355 {
        // (Late in December the window may reach into next year; the count is by planned_from.)
        w.step_ok_by(&w.supervisor, &fourth, window).await;
    }
}

#[tokio::test]
async fn an_emergency_start_is_approved_afterwards_or_listed_overdue() {
    let w = case_world().await;
    let item = publish_item(&w, "XF-JC-001", json!({})).await;
    let (_, case) = file(&w, &[&item], json!({})).await;
    let id = case["id"].as_str().unwrap().to_string();
    w.step_refused(
        &id,
        json!({"action": "start", "credentials_shown": true, "location": SITE, "emergency_reason": "  "}),
        Invalid("emergency_reason"),
    )
    .await;
    let started = w
        .step_ok(
            &id,
            json!({"action": "start", "credentials_shown": true, "location": SITE, "emergency_reason": "燃气泄漏，需立即检查"}),
        )
        .await;
    assert_eq!(started["status"], "in_progress");
    let due = w.app.add_working_days(today_date(), 2).await.to_string();
    assert_eq!(started["inspection_plan"]["emergency"]["approval_due_on"], json!(due));
    assert!(w.listed("overdue=true").await.is_empty(), "not overdue before its day");

    // Seen from after the due date (the database's clock is moved back instead of ours).
    let mut conn = w.app.raw_connection();
    diesel::RunQueryDsl::execute(
        diesel::sql_query(format!(
            "UPDATE inspection_plans SET emergency_started_on = '{}', approval_due_on = '{}' WHERE case_id = '{id}'",
            later(-10),
            later(-1)
        )),
        &mut conn,
    )
    .unwrap();
    let case = w.case(&id).await;
    assert_eq!(
        case["overdue_deadlines"],
        json!(["inspection_approval_due_on"]),
        "{case}"
    );
    assert_eq!(w.listed("overdue=true").await, vec![id.clone()]);

    // Approved afterwards, with a window that includes the start: no longer overdue.
    let approved = w.step_ok_by(&w.supervisor, &id, approval(&later(-10), &later(5))).await;
    assert_eq!(approved["overdue_deadlines"], json!([]));
    assert!(w.listed("overdue=true").await.is_empty());
}

#[tokio::test]
async fn the_result_is_told_within_five_working_days_of_the_findings() {
    let w = case_world().await;
    let item = publish_item(&w, "XF-JC-003", json!({"method": "off_site"})).await;
    let (_, case) = file(&w, &[&item], json!({})).await;
    let id = case["id"].as_str().unwrap().to_string();
    assert_eq!(case["inspection_plan"]["method"], "off_site");
    w.step_ok_by(&w.supervisor, &id, approval(&today(), &later(10))).await;
    // Off site: no credentials, no location.
    let started = w.step_ok(&id, json!({"action": "start"})).await;
    assert_eq!(started["location"], Value::Null);
    w.step_refused(
        &id,
        json!({"action": "notify_results", "method": "written"}),
        Rule("findings_required"),
    )
    .await;
    let found = w
        .step_ok(&id, json!({"action": "record_findings", "result": "compliant"}))
        .await;
    let due = w.app.add_working_days(today_date(), 5).await.to_string();
    assert_eq!(found["inspection_plan"]["results_due_on"], json!(due));
    let told = w
        .step_ok(&id, json!({"action": "notify_results", "method": "written"}))
        .await;
    assert_eq!(told["inspection_plan"]["results_notified_on"], json!(today()));
    w.step_refused(
        &id,
        json!({"action": "notify_results", "method": "on_site"}),
        Rule("results_already_notified"),
    )
    .await;
}

/// The results notice is due five working days after the findings, counted as a court
/// counts them: the findings' day is day 0, and a last day that falls on a holiday moves to
/// the next working day.
#[tokio::test]
async fn the_results_notice_falling_due_on_a_holiday_moves_to_the_next_working_day() {
    let w = case_world().await;
    let item = publish_item(&w, "XF-JC-004", json!({})).await;
    let (_, case) = file(&w, &[&item], json!({})).await;
    let id = case["id"].as_str().unwrap().to_string();
    w.step_ok_by(&w.supervisor, &id, approval(&today(), &later(10))).await;
    w.step_ok(
        &id,
        json!({"action": "start", "credentials_shown": true, "location": SITE}),
    )
    .await;
    // The fifth working day from today, by the calendar as it stands, is declared a
    // holiday (the rest of its year's listing kept as it was).
    let fifth = w.app.add_working_days(today_date(), 5).await;
    let next_working_day = w.app.add_working_days(fifth, 1).await;
    let year = fifth.year();
    let (_, listing) = json_of(w.app.get(&format!("/api/v1/calendar/{year}"), &w.app.admin_token).await).await;
    let mut days: Vec<Value> = listing["days"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|day| day["date"] != json!(fifth.to_string()))
        .map(|day| json!({"date": day["date"], "kind": day["kind"], "name": day["name"]}))
        .collect();
    days.push(json!({"date": fifth.to_string(), "kind": "holiday", "name": "临时放假"}));
    let (status, saved) = json_of(
        w.app
            .put(
                &format!("/api/v1/calendar/{year}"),
                &w.app.admin_token,
                &json!({"days": days}),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let found = w
        .step_ok(&id, json!({"action": "record_findings", "result": "compliant"}))
        .await;
    assert_ne!(fifth, next_working_day);
    assert_eq!(
        found["inspection_plan"]["results_due_on"],
        json!(next_working_day.to_string()),
        "five working days from {} with {fifth} a holiday",
        today()
    );
}

pub(crate) async fn public(w: &CaseWorld, path: &str) -> (StatusCode, String) {
    let response = w.app.request(reqwest::Method::GET, path, None).send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

#[tokio::test]
async fn the_code_page_shows_the_inspection_and_after_it_the_result() {
    let w = case_world().await;
    let item = publish_item(&w, "XF-JC-001", json!({"name": "燃气<安全>检查"})).await;
    let (_, case) = file(&w, &[&item], json!({})).await;
    let id = case["id"].as_str().unwrap().to_string();
    let approved = w.step_ok_by(&w.supervisor, &id, approval(&today(), &later(10))).await;
    let code = approved["inspection_plan"]["code"].as_str().unwrap().to_string();

    let (status, text) = public(&w, &format!("/api/v1/public/inspections/{code}")).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let shown: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(shown["code_status"], "valid");
    assert_eq!(shown["agency_name"], "学府街道办事处");
    assert_eq!(shown["enterprise_name"], "天津市学府餐饮有限公司");
    assert_eq!(shown["officers"].as_array().unwrap().len(), 2);
    assert!(shown["officers"][0]["certificate_no"].is_string(), "{shown}");
    assert_eq!(shown["items"][0]["code"], "XF-JC-001");
    assert!(
        shown["basis"][0]["legal_basis"].as_str().is_some_and(|b| !b.is_empty()),
        "{shown}"
    );
    assert_eq!(shown["result"], Value::Null, "no result before the inspection");
    // Lower case typed from the paper works too.
    let (status, _) = public(&w, &format!("/api/v1/public/inspections/{}", code.to_lowercase())).await;
    assert_eq!(status, StatusCode::OK);

    let (status, page) = public(&w, &format!("/public/inspections/{code}")).await;
    assert_eq!(status, StatusCode::OK);
    let lead_name = shown["officers"][0]["name"].as_str().unwrap();
    assert!(
        page.contains(lead_name) && page.contains("执法证号") && page.contains("批准检查时间"),
        "{page}"
    );
    assert!(
        page.contains("燃气&lt;安全&gt;检查") && !page.contains("燃气<安全>"),
        "values are escaped"
    );

    w.step_ok(
        &id,
        json!({"action": "start", "credentials_shown": true, "location": SITE, "code_presented": true}),
    )
    .await;
    w.step_ok(
        &id,
        json!({"action": "record_findings", "result": "violations_found",
               "findings": [{"description": "灭火器过期", "hazard_level": "general"}]}),
    )
    .await;
    let (_, text) = public(&w, &format!("/api/v1/public/inspections/{code}")).await;
    let shown: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(shown["code_status"], "completed");
    assert_eq!(shown["result"]["result"], "violations_found");
    assert_eq!(shown["result"]["findings"][0]["description"], "灭火器过期");
    let (_, page) = public(&w, &format!("/public/inspections/{code}")).await;
    assert!(page.contains("灭火器过期") && page.contains("检查结果"), "{page}");

    // Nothing of another inspection: a second enterprise's code shows its own only.
    let (_, other) = file(&w, &[&item], json!({"subject_id": w.individual})).await;
    assert_eq!(other["status"], "registered", "{other}");
    assert!(!text.contains(other["id"].as_str().unwrap()));
    assert!(!text.contains(&id), "the page does not show the case id");
}

#[tokio::test]
async fn an_unknown_or_expired_code_says_so() {
    let w = case_world().await;
    let (status, text) = public(&w, "/api/v1/public/inspections/ZZZZZZZZZZZZ").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{text}");
    let (status, page) = public(&w, "/public/inspections/ZZZZ<b>").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        page.contains("无效的检查码") && page.contains("ZZZZ&lt;b&gt;"),
        "{page}"
    );

    let item = publish_item(&w, "XF-JC-001", json!({})).await;
    let (_, case) = file(&w, &[&item], json!({})).await;
    let id = case["id"].as_str().unwrap().to_string();
    let approved = w.step_ok_by(&w.supervisor, &id, approval(&later(3), &later(10))).await;
    let code = approved["inspection_plan"]["code"].as_str().unwrap().to_string();
    let (_, text) = public(&w, &format!("/api/v1/public/inspections/{code}")).await;
    assert_eq!(
        serde_json::from_str::<Value>(&text).unwrap()["code_status"],
        "not_yet_valid"
    );
    // The window passed without a start (moved back beneath the API).
    let mut conn = w.app.raw_connection();
    diesel::RunQueryDsl::execute(
        diesel::sql_query(format!(
            "UPDATE inspection_plans SET planned_from = '{}', planned_to = '{}' WHERE case_id = '{id}'",
            later(-10),
            later(-1)
        )),
        &mut conn,
    )
    .unwrap();
    let (_, text) = public(&w, &format!("/api/v1/public/inspections/{code}")).await;
    assert_eq!(serde_json::from_str::<Value>(&text).unwrap()["code_status"], "expired");
    let (_, page) = public(&w, &format!("/public/inspections/{code}")).await;
    assert!(page.contains("已过期"), "{page}");
}

#[tokio::test]
async fn the_head_is_alerted_when_an_enterprise_is_inspected_too_often() {
    let w = case_world().await;
    let (status, _) = json_of(w.app.get("/api/v1/inspection-alerts", w.lead_token()).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "officers do not read the alerts");
    let first = w.open_ok("inspection", json!({})).await;
    let (_, list) = json_of(w.app.get("/api/v1/inspection-alerts", &w.supervisor).await).await;
    assert_eq!(list["alerts"], json!([]), "once a day is within the threshold: {list}");
    let second = w.open_ok("inspection", json!({})).await;
    // A natural person's inspections are not inspections of an enterprise.
    w.open_ok("inspection", json!({"subject_id": w.individual})).await;
    w.open_ok("inspection", json!({"subject_id": w.individual})).await;
    let (status, list) = json_of(w.app.get("/api/v1/inspection-alerts", &w.supervisor).await).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let alerts = list["alerts"].as_array().unwrap();
    assert_eq!(alerts.len(), 1, "{list}");
    assert_eq!(alerts[0]["window"], "day");
    assert_eq!(alerts[0]["subject_name"], "天津市学府餐饮有限公司");
    assert_eq!(alerts[0]["inspections"], 2);
    assert_eq!(alerts[0]["case_ids"], json!([first, second]));
    // A third in the week: the week's threshold (2) is passed too.
    w.open_ok("inspection", json!({})).await;
    let (_, list) = json_of(w.app.get("/api/v1/inspection-alerts", &w.supervisor).await).await;
    let windows: Vec<&str> = list["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["window"].as_str().unwrap())
        .collect();
    assert_eq!(windows, vec!["day", "week"], "{list}");
    // Raised thresholds: no alert.
    let mut settings = json_of(w.app.get("/api/v1/settings", &w.app.admin_token).await).await.1;
    settings["alert_per_day"] = json!(3);
    settings["alert_per_week"] = json!(3);
    w.app.put_settings(settings).await;
    let (_, list) = json_of(w.app.get("/api/v1/inspection-alerts", &w.supervisor).await).await;
    assert_eq!(list["alerts"], json!([]), "{list}");
    let (status, _) = json_of(
        w.app
            .get(
                &format!("/api/v1/inspection-alerts?from={}&to={}", later(1), today()),
                &w.supervisor,
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// An approved inspection citing a new item, started: (case id, code).
async fn started_inspection(w: &CaseWorld, item_code: &str) -> (String, String) {
    let item = publish_item(w, item_code, json!({})).await;
    let (_, case) = file(w, &[&item], json!({})).await;
    let id = case["id"].as_str().unwrap().to_string();
    let approved = w.step_ok_by(&w.supervisor, &id, approval(&today(), &later(10))).await;
    w.step_ok(
        &id,
        json!({"action": "start", "credentials_shown": true, "location": SITE, "code_presented": true}),
    )
    .await;
    (id, approved["inspection_plan"]["code"].as_str().unwrap().to_string())
}

async fn feedback(w: &CaseWorld, code: &str, body: Value) -> (StatusCode, Value) {
    public_post(w, &format!("/api/v1/public/inspections/{code}/feedback"), body).await
}

/// The rating as DESIGN §8 spells it: `…/rating {"score", "comment"}`.
async fn rating(w: &CaseWorld, code: &str, body: Value) -> (StatusCode, Value) {
    public_post(w, &format!("/api/v1/public/inspections/{code}/rating"), body).await
}

async fn public_post(w: &CaseWorld, path: &str, body: Value) -> (StatusCode, Value) {
    json_of(
        w.app
            .request(reqwest::Method::POST, path, None)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn the_enterprise_rates_an_inspection_once_and_the_head_handles_complaints() {
    let w = case_world().await;
    // Not before the inspection starts.
    let item = publish_item(&w, "XF-JC-009", json!({})).await;
    let (_, waiting) = file(&w, &[&item], json!({})).await;
    let waiting_code = w
        .step_ok_by(
            &w.supervisor,
            waiting["id"].as_str().unwrap(),
            approval(&today(), &later(10)),
        )
        .await["inspection_plan"]["code"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, problem) = feedback(&w, &waiting_code, json!({"rating": 5})).await;
    assert_eq!(
        (status, problem["rule"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("inspection_not_started"))
    );

    let (first, code) = started_inspection(&w, "XF-JC-001").await;
    let (status, problem) = feedback(&w, &code, json!({"rating": 6})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let (status, problem) = feedback(&w, &code, json!({"rating": 2, "complaint": true})).await;
    assert_eq!(
        problem["errors"][0]["field"], "comment",
        "a complaint says what about: {status} {problem}"
    );
    let (status, received) = feedback(
        &w,
        &code,
        json!({"rating": 2, "complaint": true, "comment": "检查人员未出示检查码"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{received}");
    assert_eq!(received["status"], "open");
    let (status, _) = feedback(&w, &code, json!({"rating": 5})).await;
    assert_eq!(status, StatusCode::CONFLICT, "rated once");
    let (status, _) = rating(&w, &code, json!({"score": 5})).await;
    assert_eq!(status, StatusCode::CONFLICT, "rated once, whichever path");
    let (status, _) = feedback(&w, "ZZZZZZZZZZZZ", json!({"rating": 5})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (_, second_code) = started_inspection(&w, "XF-JC-002").await;
    let (status, problem) = rating(&w, &second_code, json!({"rating": 5})).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "the rating path reads score: {problem}"
    );
    let (status, received) = rating(&w, &second_code, json!({"score": 5, "comment": "文明规范"})).await;
    assert_eq!(status, StatusCode::CREATED, "{received}");
    assert_eq!(received["rating"], 5);

    let (status, _) = json_of(w.app.get("/api/v1/inspection-feedback", w.lead_token()).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "officers do not read their ratings here");
    let (status, list) = json_of(w.app.get("/api/v1/inspection-feedback", &w.supervisor).await).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    // Both officers were on both inspections: two ratings each, averaging 3.5, one complaint.
    assert_eq!(list["by_officer"].as_array().unwrap().len(), 2, "{list}");
    assert_eq!(list["by_officer"][0]["ratings"], 2);
    assert_eq!(list["by_officer"][0]["average_rating"], 3.5);
    assert_eq!(list["by_officer"][0]["open_complaints"], 1);
    let items: Vec<&str> = list["by_item"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(items.len(), 2);
    assert!(items[0].starts_with("XF-JC-001"), "{items:?}");
    assert_eq!(list["by_item"][0]["complaints"], 1);

    let (_, open) = json_of(
        w.app
            .get("/api/v1/inspection-feedback?complaint=true&status=open", &w.supervisor)
            .await,
    )
    .await;
    assert_eq!(open["items"].as_array().unwrap().len(), 1);
    assert_eq!(open["items"][0]["case_id"], json!(first));
    let handle = |token: String| {
        let w = &w;
        let first = first.clone();
        async move {
            json_of(
                w.app
                    .post(
                        &format!("/api/v1/inspection-feedback/{first}/handle"),
                        &token,
                        &json!({"note": "已约谈执法人员，重申扫码入企要求"}),
                    )
                    .await,
            )
            .await
        }
    };
    let (status, _) = handle(w.app.admin_token.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the head handles complaints");
    let (status, handled) = handle(w.supervisor.clone()).await;
    assert_eq!((status, handled["status"].clone()), (StatusCode::OK, json!("handled")));
    let (status, _) = handle(w.supervisor.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "handled once");
    let (_, open) = json_of(
        w.app
            .get("/api/v1/inspection-feedback?status=open", &w.supervisor)
            .await,
    )
    .await;
    assert_eq!(open["items"], json!([]));
}

#[tokio::test]
async fn the_public_code_endpoints_limit_each_address() {
    let w = crate::helpers::case_world_with(|settings| settings.public_code_requests_per_minute = 3).await;
    let paths = [
        "/api/v1/public/inspections/ZZZZZZZZZZZZ",
        "/public/inspections/ZZZZZZZZZZZZ",
        "/public/inspections/ZZZZZZZZZZZZ/qr.svg",
    ];
    for path in paths {
        let (status, _) = public(&w, path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path} within the budget");
    }
    let response = w
        .app
        .request(
            reqwest::Method::POST,
            "/api/v1/public/inspections/ZZZZZZZZZZZZ/feedback",
            None,
        )
        .json(&json!({"rating": 5}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the fourth request of the minute"
    );
    let wait: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    // Other public pages are not limited by it.
    let (status, _) = public(&w, "/api/v1/public/powers?agency=XF").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn the_statistics_count_inspections_of_enterprises() {
    let w = case_world().await;
    let (_, code) = started_inspection(&w, "XF-JC-001").await;
    let (status, _) = feedback(&w, &code, json!({"rating": 4})).await;
    assert_eq!(status, StatusCode::CREATED);
    let off_site = publish_item(&w, "XF-JC-002", json!({"method": "off_site"})).await;
    let (_, planned) = file(&w, &[&off_site], json!({})).await;
    w.step_ok_by(
        &w.supervisor,
        planned["id"].as_str().unwrap(),
        approval(&today(), &later(5)),
    )
    .await;
    // Filed, not yet approved.
    let (status, _) = w.open("inspection", json!({})).await;
    assert_eq!(status, StatusCode::CREATED);
    w.open_ok("inspection", json!({"subject_id": w.individual})).await;
    let year = &today()[..4];
    let (status, summary) = json_of(
        w.app
            .get(&format!("/api/v1/stats/summary?year={year}"), &w.supervisor)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{summary}");
    let figures = &summary["enterprise_inspections"];
    assert_eq!(
        figures["inspections"], 3,
        "a natural person's inspection is not counted: {figures}"
    );
    assert_eq!(figures["enterprises_inspected"], 1);
    assert_eq!(figures["inspections_per_enterprise"]["3"], 1);
    assert_eq!(figures["citing_items"]["fraction"], "3/3");
    assert_eq!(figures["approved"]["fraction"], "2/3");
    assert_eq!(figures["off_site"]["fraction"], "1/3");
    assert_eq!(figures["code_presented"]["fraction"], "1/1");
    assert_eq!(
        (figures["ratings"].clone(), figures["average_rating"].clone()),
        (json!(1), json!(4.0))
    );
}

#[tokio::test]
async fn inspections_of_one_enterprise_close_together_are_proposed_as_one() {
    let w = case_world().await;
    let fire = publish_item(&w, "XF-JC-001", json!({})).await;
    let food = publish_item(&w, "XF-JC-002", json!({})).await;
    let (_, first) = file(&w, &[&fire], json!({})).await;
    let (_, second) = file(&w, &[&food], json!({})).await;
    // Another enterprise's, and an inspection already under way, are not part of it.
    file(&w, &[&fire], json!({"subject_id": w.individual})).await;
    started_inspection(&w, "XF-JC-003").await;
    let (status, _) = json_of(w.app.get("/api/v1/inspection-merge-proposals", w.lead_token()).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, list) = json_of(w.app.get("/api/v1/inspection-merge-proposals", &w.supervisor).await).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["window_days"], 10);
    let proposals = list["proposals"].as_array().unwrap();
    assert_eq!(proposals.len(), 1, "{list}");
    assert_eq!(proposals[0]["subject_name"], "天津市学府餐饮有限公司");
    let ids: Vec<&Value> = proposals[0]["inspections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["case_id"])
        .collect();
    assert_eq!(ids, vec![&first["id"], &second["id"]]);
    assert_eq!(proposals[0]["inspections"][1]["items"], json!(["XF-JC-002"]));

    // Approved to start 20 days later: beyond the window, no longer proposed.
    w.step_ok_by(
        &w.supervisor,
        second["id"].as_str().unwrap(),
        approval(&later(20), &later(25)),
    )
    .await;
    let (_, list) = json_of(w.app.get("/api/v1/inspection-merge-proposals", &w.supervisor).await).await;
    assert_eq!(list["proposals"], json!([]), "{list}");
    // A wider window brings it back.
    let mut settings = json_of(w.app.get("/api/v1/settings", &w.app.admin_token).await).await.1;
    settings["joint_inspection_window_days"] = json!(30);
    w.app.put_settings(settings).await;
    let (_, list) = json_of(w.app.get("/api/v1/inspection-merge-proposals", &w.supervisor).await).await;
    assert_eq!(list["proposals"].as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list["proposals"][0]["inspections"][1]["approved"], true);
}
