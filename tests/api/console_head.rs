//! The console's third part (issue 19): the dashboard's charts whose figures link to the
//! cases behind them, disclosures to publish, review campaigns and their report, the
//! inspection code on the case page, the subject search of the new-case form, and counsel's
//! past opinions with the proposal and package in words — over HTTP, each held to what the
//! JSON API says.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::console::{Browser, assert_console_headers};
use crate::enterprise_inspections::{approval, file, later, publish_item};
use crate::helpers::{
    CaseWorld, InspectionStage, Notice, PASSWORD, Stage, case_world, json_of, passing_opinion, this_quarter, today,
};

/// Every `href="…"` on a page starting with `prefix`, unescaped.
fn links(body: &str, prefix: &str) -> Vec<String> {
    let needle = format!("href=\"{prefix}");
    let mut found = Vec::new();
    let mut rest = body;
    while let Some(at) = rest.find(&needle) {
        let start = at + "href=\"".len();
        let end = rest[start..].find('"').unwrap() + start;
        found.push(rest[start..end].replace("&amp;", "&").replace("&#38;", "&"));
        rest = &rest[end..];
    }
    found
}

/// The case ids a console list shows (its rows' links).
fn listed_ids(body: &str) -> BTreeSet<String> {
    links(body, "/console/cases/")
        .into_iter()
        .filter_map(|l| l.strip_prefix("/console/cases/").map(String::from))
        .filter(|id| !id.contains('?') && !id.contains('/') && id != "new")
        .collect()
}

/// The case ids `GET /cases` lists for `query` (all pages).
async fn api_ids(w: &CaseWorld, query: &str) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut url = format!("/api/v1/cases?{query}&limit=200");
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let (status, page) = json_of(w.app.get(&url, &w.supervisor).await).await;
        assert_eq!(status, StatusCode::OK, "{url}: {page}");
        for item in page["items"].as_array().unwrap() {
            ids.insert(item["id"].as_str().unwrap().to_string());
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    ids
}

/// A penalty decided today with a fine of 200 元; its id.
async fn decided(w: &CaseWorld) -> String {
    let notice = Notice::fine(20_000);
    let id = w.penalty_at(Stage::Notified(notice.clone()), json!({})).await;
    w.step_ok(&id, json!({"action": "waive_defense"})).await;
    w.propose_and_decide(&id, notice.propose()).await;
    id
}

#[tokio::test]
async fn dashboard_figures_link_to_exactly_the_cases_they_count() {
    let w = case_world().await;
    let first = w.open_ok("inspection", json!({})).await;
    let second = w.open_ok("inspection", json!({})).await;
    let fined = decided(&w).await;

    let mut head = Browser::signed_in(&w.app, "chief", PASSWORD).await;
    let dashboard = head.get("/console/dashboard").await;
    assert_eq!(dashboard.status, StatusCode::OK);
    assert_console_headers(&dashboard);
    for title in [
        "每月罚款金额",
        "执法人员参与办案率",
        "执法职权履职率",
        "逾期案件",
        "查看案件",
    ] {
        assert!(dashboard.body.contains(title), "{title}");
    }
    // Linked bars inside the server-drawn SVG.
    assert!(dashboard.body.contains("<a href=\"/console/cases?scope=agency&#38;"));

    // This month's inspections: exactly the two opened.
    let month = &today()[..7];
    let row = dashboard
        .body
        .find(&format!("<td>{month}</td>"))
        .expect("this month's row");
    let href = links(&dashboard.body[row..], "/console/cases?").remove(0);
    assert!(href.contains("kind=inspection"), "{href}");
    let page = head.get(&href).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(listed_ids(&page.body), BTreeSet::from([first.clone(), second.clone()]));

    // This month's fines: the one decision, shown in yuan.
    let fines = dashboard.body.find("每月罚款金额").unwrap();
    let fines_table = &dashboard.body[fines..];
    let row = fines_table.find(&format!("<td>{month}</td>")).unwrap();
    assert!(
        fines_table[row..].starts_with(&format!("<td>{month}</td><td><a href=")),
        "{}",
        &fines_table[row..row + 200]
    );
    let href = links(&fines_table[row..], "/console/cases?").remove(0);
    assert!(
        fines_table[row..].contains(">200</a>"),
        "{}",
        &fines_table[row..row + 300]
    );
    assert_eq!(listed_ids(&head.get(&href).await.body), BTreeSet::from([fined.clone()]));

    // Every figure's link lists what `GET /cases` lists for the same filters.
    let all: BTreeSet<String> = links(&dashboard.body, "/console/cases?scope=agency")
        .into_iter()
        .collect();
    assert!(all.len() > 20, "{all:?}");
    for href in &all {
        let query = href.trim_start_matches("/console/cases?scope=agency&");
        let page = head.get(href).await;
        assert_eq!(page.status, StatusCode::OK, "{href}");
        assert_eq!(listed_ids(&page.body), api_ids(&w, query).await, "{href}");
    }

    // The list keeps the filters in the kind/status form and names them.
    let page = head
        .get(&format!(
            "/console/cases?scope=agency&opened_from={}&kind=inspection",
            today()
        ))
        .await;
    assert!(page.body.contains("name=\"opened_from\""), "{}", page.body);
    assert!(page.body.contains("立案日期自"), "{}", page.body);
    // A bad filter is the API's 400, named.
    let bad = head.get("/console/cases?scope=agency&overdue=maybe").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_console_headers(&bad);

    // An officer's own list stays their own; the agency's is theirs to read, as GET /cases.
    let mut officer = Browser::signed_in(&w.app, "second.officer", PASSWORD).await;
    assert_eq!(officer.get("/console/dashboard").await.status, StatusCode::FORBIDDEN);
    let mine = officer.get("/console/cases?kind=").await;
    assert_eq!(mine.status, StatusCode::OK);
    let agency = officer.get("/console/cases?scope=agency").await;
    assert_eq!(listed_ids(&agency.body), api_ids(&w, "").await);
    // The head (not an officer) has no "my cases".
    assert_eq!(head.get("/console/cases").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_head_publishes_a_disclosure_through_the_form() {
    let w = case_world().await;
    let case_id = decided(&w).await;
    let (_, pending) = json_of(w.app.get("/api/v1/disclosures?status=pending", &w.supervisor).await).await;
    let disclosure = pending["items"][0].clone();
    let id = disclosure["id"].as_str().unwrap().to_string();

    let mut officer = Browser::signed_in(&w.app, "lead.officer", PASSWORD).await;
    assert_eq!(officer.get("/console/disclosures").await.status, StatusCode::FORBIDDEN);
    let path = format!("/console/disclosures/{id}/publish");
    assert_eq!(officer.post(&path, &[]).await.status, StatusCode::FORBIDDEN);

    let mut head = Browser::signed_in(&w.app, "chief", PASSWORD).await;
    let page = head.get("/console/disclosures").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_console_headers(&page);
    assert!(
        page.body.contains(disclosure["due_on"].as_str().unwrap()),
        "{}",
        page.body
    );
    assert!(page.body.contains("行政处罚决定"));
    assert!(page.body.contains(&format!("action=\"{path}\"")));
    assert!(page.body.contains(&format!("/console/cases/{case_id}")));

    // Without the token: refused, nothing published, nothing recorded.
    let record_before = w.record(&case_id).await;
    let forged = head.post_as(&path, &[]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let (_, still) = json_of(w.app.get(&format!("/api/v1/disclosures/{id}"), &w.supervisor).await).await;
    assert_eq!(still["status"], json!("pending"));
    assert_eq!(w.record(&case_id).await, record_before);

    let done = head.post(&path, &[]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let (_, published) = json_of(w.app.get(&format!("/api/v1/disclosures/{id}"), &w.supervisor).await).await;
    assert_eq!(published["status"], json!("published"));
    assert_eq!(published["published_on"], json!(today()));
    let events = w.record(&case_id).await["events"].as_array().unwrap().clone();
    assert_eq!(events.last().unwrap()["action"], json!("publish_disclosure"));
    let after = head.get(done.location()).await;
    assert!(
        after.body.contains("已公示") && after.body.contains("没有待公示的信息"),
        "{}",
        after.body
    );

    // Again: the model's refusal, with its rule, nothing changed.
    let again = head.post(&path, &[]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", again.body);
    assert!(again.body.contains("disclosure_not_pending"), "{}", again.body);
}

#[tokio::test]
async fn a_campaign_page_shows_its_report_and_links_its_workbook() {
    let w = case_world().await;
    for _ in 0..2 {
        let id = w.inspection_at(InspectionStage::FoundCompliant, json!({})).await;
        w.step_ok(&id, json!({"action": "close"})).await;
    }
    let third = w.app.officer_with_certificate("third.officer", "2035-12-31").await;
    let (status, campaign) = json_of(
        w.app
            .post(
                "/api/v1/review-campaigns",
                &w.supervisor,
                &json!({"name": "第<b>四</b>季度案卷评查", "period": this_quarter(), "sample": {"count": 2}, "reviewer_ids": [third.0]}),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{campaign}");
    let campaign_id = campaign["id"].as_str().unwrap();
    // One file scored with a deduction.
    let review_id = campaign["reviews"][0]["id"].as_str().unwrap();
    let (_, review) = json_of(
        w.app
            .get(&format!("/api/v1/case-file-reviews/{review_id}"), &third.1)
            .await,
    )
    .await;
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
        .map(|i| match i["key"].as_str().unwrap() {
            "evidence" => json!({"key": "evidence", "deduction": 5.0, "comment": "证据不全"}),
            key => json!({"key": key, "deduction": 0}),
        })
        .collect();
    let (status, scored) = json_of(
        w.app
            .post(
                &format!("/api/v1/case-file-reviews/{review_id}/score"),
                &third.1,
                &json!({"veto": veto, "items": items}),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{scored}");
    let (_, report) = json_of(
        w.app
            .get(&format!("/api/v1/review-campaigns/{campaign_id}/report"), &w.supervisor)
            .await,
    )
    .await;

    let mut officer = Browser::signed_in(&w.app, "lead.officer", PASSWORD).await;
    assert_eq!(officer.get("/console/campaigns").await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        officer.get(&format!("/console/campaigns/{campaign_id}")).await.status,
        StatusCode::FORBIDDEN
    );

    let mut head = Browser::signed_in(&w.app, "chief", PASSWORD).await;
    let list = head.get("/console/campaigns").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains(&format!("/console/campaigns/{campaign_id}")));
    // A hostile name is text.
    assert!(
        list.body.contains("第&#60;b&#62;四&#60;/b&#62;季度案卷评查"),
        "{}",
        list.body
    );
    assert!(!list.body.contains("<b>四</b>"));

    let page = head.get(&format!("/console/campaigns/{campaign_id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_console_headers(&page);
    let average = format!("{:.1}", report["average_score"].as_f64().unwrap());
    assert!(
        page.body
            .contains(&format!("<dt>平均得分</dt><dd>{average} / 100</dd>")),
        "{}",
        page.body
    );
    assert!(page.body.contains("<dt>已评查</dt><dd>1</dd>") && page.body.contains("<dt>待评查</dt><dd>1</dd>"));
    let grade_row = format!(
        "<tr><td>优秀</td><td>{}</td></tr>",
        report["grades"]["excellent"].as_u64().unwrap()
    );
    assert!(page.body.contains(&grade_row), "{}", page.body);
    let label = report["deductions"][0]["label"].as_str().unwrap();
    assert!(
        page.body.contains(&format!("<td>{label}</td><td>1</td><td>5</td>")),
        "{}",
        page.body
    );

    let xlsx_path = format!("/console/campaigns/{campaign_id}/report.xlsx");
    assert!(page.body.contains(&xlsx_path));
    let xlsx = head.get(&xlsx_path).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert_eq!(
        xlsx.headers["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert_eq!(officer.get(&xlsx_path).await.status, StatusCode::FORBIDDEN);
    assert_eq!(head.get("/console/campaigns/nope").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_case_page_shows_the_inspection_code_and_new_case_searches_subjects() {
    let w = case_world().await;
    let item = publish_item(&w, "XF-JC-001", json!({})).await;
    let (_, case) = file(&w, &[&item], json!({})).await;
    let id = case["id"].as_str().unwrap().to_string();
    let approved = w.step_ok_by(&w.supervisor, &id, approval(&today(), &later(10))).await;
    let code = approved["inspection_plan"]["code"].as_str().unwrap().to_string();

    let mut officer = Browser::signed_in(&w.app, "lead.officer", PASSWORD).await;
    let page = officer.get(&format!("/console/cases/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains(&format!("<img src=\"/public/inspections/{code}/qr.svg\"")),
        "{}",
        page.body
    );
    assert!(page.body.contains(&format!("href=\"/public/inspections/{code}\"")));
    // The image it points at is the public QR code.
    let qr = w
        .app
        .client
        .get(w.app.url(&format!("/public/inspections/{code}/qr.svg")))
        .send()
        .await
        .unwrap();
    assert_eq!(qr.status(), StatusCode::OK);
    assert_eq!(qr.headers()["content-type"], "image/svg+xml");
    // A case without a code shows none.
    let plain = w.open_ok("penalty", json!({})).await;
    assert!(
        !officer
            .get(&format!("/console/cases/{plain}"))
            .await
            .body
            .contains("qr.svg")
    );

    // The subject search, through the subjects' list: by name and by code.
    let born = chrono::NaiveDate::from_ymd_opt(1980, 5, 1).unwrap();
    let hostile = w.app.seed_person("<script>alert(1)</script>商行", born).await;
    let all = officer.get("/console/cases/new").await;
    assert!(all.body.contains(&w.enterprise) && all.body.contains(&w.individual));
    let by_name = officer.get("/console/cases/new?q=%E5%BC%A0%E4%B8%89").await; // 张三
    assert_eq!(by_name.status, StatusCode::OK);
    assert!(by_name.body.contains(&format!("value=\"{}\"", w.individual)));
    assert!(!by_name.body.contains(&format!("value=\"{}\"", w.enterprise)));
    assert!(by_name.body.contains("value=\"张三\""), "the search stays in its box");
    let by_code = officer.get("/console/cases/new?q=M000100Y43").await;
    assert!(by_code.body.contains(&format!("value=\"{}\"", w.enterprise)));
    assert!(!by_code.body.contains(&format!("value=\"{}\"", w.individual)));
    let by_hostile = officer.get("/console/cases/new?q=%E5%95%86%E8%A1%8C").await; // 商行
    assert!(by_hostile.body.contains(&format!("value=\"{hostile}\"")));
    assert!(
        by_hostile
            .body
            .contains("&#60;script&#62;alert(1)&#60;/script&#62;商行")
    );
    assert!(!by_hostile.body.contains("<script>alert(1)</script>"));
    let hostile_q = officer.get("/console/cases/new?q=%22%3E%3Cscript%3E").await;
    assert_eq!(hostile_q.status, StatusCode::OK);
    assert!(!hostile_q.body.contains("\"><script>"));
    assert!(hostile_q.body.contains("没有匹配的检查对象"));
}

#[tokio::test]
async fn counsel_sees_past_opinions_and_the_proposal_in_words() {
    let w = case_world().await;
    let notice = Notice::fine(50_000);
    let case_id = w.penalty_at(Stage::Notified(notice.clone()), json!({})).await;
    w.step_ok(&case_id, json!({"action": "waive_defense"})).await;
    w.step_ok(&case_id, notice.propose()).await;
    let (status, review) = json_of(
        w.app
            .post(
                &format!("/api/v1/cases/{case_id}/legal-reviews"),
                w.lead_token(),
                &json!({"note": "<img src=x onerror=alert(1)>"}),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{review}");
    let review_id = review["id"].as_str().unwrap().to_string();

    let mut counsel = Browser::signed_in(&w.app, "counsel", PASSWORD).await;
    let page = counsel.get(&format!("/console/reviews/{review_id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    for label in [
        "<dt>事实</dt>",
        "<dt>法律依据</dt>",
        "<dt>处罚</dt>",
        "<dt>执法人员</dt>",
        "<dt>处理意见</dt>",
    ] {
        assert!(page.body.contains(label), "{label}: {}", page.body);
    }
    assert!(page.body.contains("罚款 500.00 元"), "{}", page.body);
    assert!(page.body.contains("给予行政处罚"));
    assert!(!page.body.contains("<dt>legal_basis</dt>") && !page.body.contains("amount_fen"));
    assert!(page.body.contains("&#60;img src=x onerror=alert(1)&#62;"));
    assert!(!page.body.contains("<img src=x"));

    let empty = counsel.get("/console/reviews/done").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.body.contains("您尚未出具审核意见"));
    let (status, signed) = json_of(
        w.app
            .post(
                &format!("/api/v1/legal-reviews/{review_id}/opinion"),
                &w.counsel.1,
                &passing_opinion("approved"),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{signed}");
    let done = counsel.get("/console/reviews/done").await;
    assert!(
        done.body.contains(&format!("/console/reviews/{review_id}")),
        "{}",
        done.body
    );
    assert!(done.body.contains("同意"), "{}", done.body);
    let signed = counsel.get(&format!("/console/reviews/{review_id}")).await;
    assert!(signed.body.contains("<dt>结论</dt><dd>同意</dd>"), "{}", signed.body);

    let mut officer = Browser::signed_in(&w.app, "lead.officer", PASSWORD).await;
    assert_eq!(officer.get("/console/reviews/done").await.status, StatusCode::FORBIDDEN);
    let mut head = Browser::signed_in(&w.app, "chief", PASSWORD).await;
    assert_eq!(head.get("/console/reviews/done").await.status, StatusCode::FORBIDDEN);
}

/// A penalty case whose decision period (APL art. 60) ends within ten days is offered to
/// the head for an extension; the form refuses with the API's rule until the agency names
/// its extension rule, then extends the period as `extend_decision_deadline` does.
#[tokio::test]
async fn the_head_is_shown_decision_periods_ending_and_extends_one_through_the_form() {
    let w = case_world().await;
    let opened = enforcement::clock::today() - chrono::Duration::days(85);
    let soon = w
        .open_ok(
            "penalty",
            json!({"opened_on": opened.to_string(), "violation_on": (opened - chrono::Duration::days(1)).to_string()}),
        )
        .await;
    let later = w.open_ok("penalty", json!({})).await;
    let mut head = Browser::signed_in(&w.app, "chief", PASSWORD).await;
    let page = head.get("/console/approvals").await;
    assert_eq!(page.status, StatusCode::OK);
    let start = page.body.find("办案期限将届满").expect("the extension group");
    let section = &page.body[start..];
    let section = &section[..section.find("</section>").unwrap()];
    let listed = listed_ids(section);
    assert!(listed.contains(&soon), "the case due in five days is listed");
    assert!(!listed.contains(&later), "a case due in 85 days is not");

    let case_page = head.get(&format!("/console/cases/{soon}")).await;
    assert!(case_page.body.contains("延长天数"), "the extension form is offered");
    let version = w.case(&soon).await["version"].as_i64().unwrap().to_string();
    let fields = [
        ("version", version.as_str()),
        ("days", "20"),
        ("reason", "案情复杂，需补充鉴定"),
    ];
    let refused = head
        .post(
            &format!("/console/cases/{soon}/steps/extend_decision_deadline"),
            &fields,
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains("extension_rule_missing"), "{}", refused.body);
    let due = (opened + chrono::Duration::days(90)).to_string();
    assert_eq!(w.case(&soon).await["decision_due_on"], json!(due), "nothing changed");

    w.app
        .put_settings(json!({
            "defense_period_working_days": 5,
            "hearing_threshold_individual_fen": 1000000,
            "hearing_threshold_organisation_fen": 10000000,
            "extension_rule": "《某市行政处罚程序规定》第三十条",
            "extension_max_days": 30,
        }))
        .await;
    let done = head
        .post(
            &format!("/console/cases/{soon}/steps/extend_decision_deadline"),
            &fields,
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(
        w.case(&soon).await["decision_due_on"],
        json!((opened + chrono::Duration::days(110)).to_string())
    );
}

/// Counsel finds a suspected crime (the checklist's criminal_transfer_needed failing): the
/// case waits for the head's transfer (APL art. 27), who transfers it through the form.
#[tokio::test]
async fn a_case_counsel_finds_criminal_waits_for_the_heads_transfer() {
    let w = case_world().await;
    let notice = Notice::fine(20_000);
    let id = w.penalty_at(Stage::Notified(notice.clone()), json!({})).await;
    w.step_ok(&id, json!({"action": "waive_defense"})).await;
    w.step_ok(&id, notice.propose()).await;
    let plain = w.open_ok("penalty", json!({})).await;
    let (status, review) = json_of(
        w.app
            .post(&format!("/api/v1/cases/{id}/legal-reviews"), w.lead_token(), &json!({}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{review}");
    let mut opinion = passing_opinion("needs_changes");
    for item in opinion["checklist"].as_array_mut().unwrap() {
        if item["item"] == "criminal_transfer_needed" {
            item["pass"] = json!(false);
            item["comment"] = json!("涉案金额较大，涉嫌非法经营罪");
        }
    }
    let (status, signed) = json_of(
        w.app
            .post(
                &format!("/api/v1/legal-reviews/{}/opinion", review["id"].as_str().unwrap()),
                &w.counsel.1,
                &opinion,
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{signed}");

    let mut head = Browser::signed_in(&w.app, "chief", PASSWORD).await;
    let page = head.get("/console/approvals").await;
    let start = page.body.find("待移送").expect("the transfer group");
    let section = &page.body[start..];
    let section = &section[..section.find("</section>").unwrap()];
    let listed = listed_ids(section);
    assert!(listed.contains(&id), "{section}");
    assert!(
        !listed.contains(&plain),
        "a case without counsel's finding does not wait"
    );

    let version = w.case(&id).await["version"].as_i64().unwrap().to_string();
    let done = head
        .post(
            &format!("/console/cases/{id}/steps/transfer"),
            &[
                ("version", version.as_str()),
                ("to_department", "区公安分局"),
                ("reason", "涉嫌非法经营罪，依法移送"),
                ("kind", "judicial"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(w.case(&id).await["status"], json!("transferred"));
}
