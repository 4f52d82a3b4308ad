//! The console's second part: the penalty track's step forms, the evidence upload form,
//! the interference register and transfer pages, and the admin pages — over HTTP, as a
//! browser without JavaScript uses them, each checked against what the JSON API says.

use reqwest::StatusCode;
use serde_json::json;

use crate::console::{Browser, Page};
use crate::helpers::{PASSWORD, Stage, case_world, json_of};

/// The rule a refusal page names, as the API's problem `rule`.
fn shows_rule(page: &Page, rule: &str) -> bool {
    page.body.contains(&format!("<code>{rule}</code>"))
}

#[tokio::test]
async fn a_penalty_case_is_walked_through_the_forms_to_legal_review() {
    let w = case_world().await;
    let case_id = w.open_ok("penalty", json!({})).await;
    let mut officer = Browser::signed_in(&w.app, "lead.officer", PASSWORD).await;
    let page = officer.get(&format!("/console/cases/{case_id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains(&format!("/console/cases/{case_id}/steps/record_investigation")),
        "{}",
        page.body
    );
    let step = |action: &str| format!("/console/cases/{case_id}/steps/{action}");

    let done = officer
        .post(
            &step("record_investigation"),
            &[
                ("record_type", "inquiry"),
                ("content", "询问当事人，承认占道经营"),
                ("credentials_shown", "true"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(w.case(&case_id).await["status"], json!("investigating"));

    // A proposal before the notice is not offered; posted anyway, the model refuses it with
    // the API's rule, and nothing changes.
    let before = w.case(&case_id).await;
    let proposal = |amount: &'static str| {
        vec![
            ("outcome", "penalty"),
            ("penalty_type", "fine"),
            ("penalty_amount_yuan", amount),
            ("facts", "占道经营"),
            ("legal_basis", "《城市市容和环境卫生管理条例》第三十六条"),
            ("discretion_reasoning", "情节一般，按裁量基准中档处罚"),
            ("deviation_reason", ""),
            ("list_entry_id", ""),
            ("no_penalty_ground", ""),
        ]
    };
    let early = officer.post(&step("propose_decision"), &proposal("500")).await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", early.body);
    assert!(shows_rule(&early, "notice_required"), "{}", early.body);
    assert!(early.body.contains("未作任何更改"));
    assert_eq!(w.case(&case_id).await, before);

    // A CSRF-less post of a new form changes nothing.
    let before = w.case(&case_id).await;
    let forged = officer
        .post_as(
            &step("notify"),
            &[
                ("penalty_type", "fine"),
                ("penalty_amount_yuan", "500"),
                ("facts", "占道经营"),
                ("legal_basis", "条例"),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(w.case(&case_id).await, before);

    // An amount that is not yuan is the field's error, named as the API names it.
    let bad_amount = officer
        .post(
            &step("notify"),
            &[
                ("penalty_type", "fine"),
                ("penalty_amount_yuan", "5.001"),
                ("facts", "占道经营"),
                ("legal_basis", "条例"),
            ],
        )
        .await;
    assert_eq!(bad_amount.status, StatusCode::BAD_REQUEST, "{}", bad_amount.body);
    assert!(
        bad_amount.body.contains("penalties[0].amount_fen"),
        "{}",
        bad_amount.body
    );
    assert_eq!(w.case(&case_id).await, before);

    let notified = officer
        .post(
            &step("notify"),
            &[
                ("penalty_type", "fine"),
                ("penalty_amount_yuan", "500"),
                ("facts", "占道经营"),
                ("legal_basis", "《城市市容和环境卫生管理条例》第三十六条"),
            ],
        )
        .await;
    assert_eq!(notified.status, StatusCode::SEE_OTHER, "{}", notified.body);
    let case = w.case(&case_id).await;
    assert_eq!(case["status"], json!("notified"));
    assert_eq!(
        case["notice"]["penalties"],
        json!([{"type": "fine", "amount_fen": 50_000}])
    );

    let waived = officer
        .post(&step("waive_defense"), &[("note", "当事人书面放弃")])
        .await;
    assert_eq!(waived.status, StatusCode::SEE_OTHER, "{}", waived.body);

    // The proposal form is offered, prefilled with the notice's penalty in yuan.
    let page = officer.get(&format!("/console/cases/{case_id}")).await;
    assert!(page.body.contains(&step("propose_decision")), "{}", page.body);
    assert!(
        page.body.contains("name=\"penalty_amount_yuan\" value=\"500\""),
        "{}",
        page.body
    );

    // Heavier than notified: the rule the API names, and nothing changes.
    let before = w.case(&case_id).await;
    let record_before = w.record(&case_id).await;
    let heavier = officer.post(&step("propose_decision"), &proposal("600")).await;
    assert_eq!(heavier.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", heavier.body);
    assert!(shows_rule(&heavier, "heavier_than_notified"), "{}", heavier.body);
    assert!(heavier.body.contains("未作任何更改"));
    assert_eq!(w.case(&case_id).await, before, "a refused step changes nothing");
    assert_eq!(w.record(&case_id).await["events"], record_before["events"]);

    let proposed = officer.post(&step("propose_decision"), &proposal("500")).await;
    assert_eq!(proposed.status, StatusCode::SEE_OTHER, "{}", proposed.body);
    let case = w.case(&case_id).await;
    assert_eq!(case["status"], json!("proposed"), "{case}");

    // To counsel: the command of `POST /cases/{id}/legal-reviews`.
    let submitted = officer
        .post(
            &step("submit_legal_review"),
            &[("documents", "询问笔录\n现场照片"), ("note", "请审核")],
        )
        .await;
    assert_eq!(submitted.status, StatusCode::SEE_OTHER, "{}", submitted.body);
    let case = w.case(&case_id).await;
    assert_eq!(case["status"], json!("legal_review"), "{case}");
    let (status, queue) = json_of(w.app.get("/api/v1/legal-reviews?status=pending", &w.counsel.1).await).await;
    assert_eq!(status, StatusCode::OK);
    let items = queue["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{queue}");
    assert_eq!(items[0]["case_id"], json!(case_id));
}

#[tokio::test]
async fn evidence_is_uploaded_through_the_form_and_recorded() {
    let w = case_world().await;
    let case_id = w.penalty_at(Stage::Investigating, json!({})).await;
    let mut officer = Browser::signed_in(&w.app, "lead.officer", PASSWORD).await;
    let page = officer.get(&format!("/console/cases/{case_id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("enctype=\"multipart/form-data\""), "{}", page.body);
    let csp = page.headers["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(
        page.body
            .contains("<script src=\"/console/static/upload.js\" defer></script>")
    );
    let script = officer.get("/console/static/upload.js").await;
    assert_eq!(script.status, StatusCode::OK);
    assert!(
        script.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript"),
        "{:?}",
        script.headers
    );
    // Other pages still allow no script at all.
    let list = officer.get("/console/cases").await;
    let csp = list.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'none'"), "{csp}");

    let record_before = w.record(&case_id).await;
    let content = b"photo bytes: \xff\xd8\xff\xe0 JFIF".to_vec();
    let token = officer.csrf.clone();

    // Without the token: refused before the file is read, nothing stored or recorded.
    let forged = officer
        .post_multipart(
            &format!("/console/cases/{case_id}/evidence"),
            &[("kind", "photo"), ("description", "门前占道")],
            Some(("site.jpg", &content)),
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "{}", forged.body);
    let wrong = officer
        .post_multipart(
            &format!("/console/cases/{case_id}/evidence"),
            &[("csrf", "forged"), ("kind", "photo")],
            Some(("site.jpg", &content)),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    let (_, listed) = json_of(
        w.app
            .get(&format!("/api/v1/cases/{case_id}/evidence"), w.lead_token())
            .await,
    )
    .await;
    assert_eq!(listed["items"], json!([]), "nothing stored");
    assert_eq!(w.record(&case_id).await["events"], record_before["events"]);

    // An empty file: the API's rule, nothing stored.
    let empty = officer
        .post_multipart(
            &format!("/console/cases/{case_id}/evidence"),
            &[("csrf", &token), ("kind", "photo")],
            Some(("empty.jpg", b"")),
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", empty.body);
    assert!(shows_rule(&empty, "empty_evidence"), "{}", empty.body);

    let uploaded = officer
        .post_multipart(
            &format!("/console/cases/{case_id}/evidence"),
            &[
                ("csrf", &token),
                ("kind", "photo"),
                ("description", "门前占道<b>照片</b>"),
            ],
            Some(("site.jpg", &content)),
        )
        .await;
    assert_eq!(uploaded.status, StatusCode::SEE_OTHER, "{}", uploaded.body);
    assert!(uploaded.location().contains("done=evidence"), "{}", uploaded.location());

    let sha256 = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(&content))
    };
    let (_, listed) = json_of(
        w.app
            .get(&format!("/api/v1/cases/{case_id}/evidence"), w.lead_token())
            .await,
    )
    .await;
    let items = listed["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{listed}");
    assert_eq!(items[0]["sha256"], json!(sha256));
    assert_eq!(items[0]["size_bytes"], json!(content.len()));
    assert_eq!(items[0]["original_filename"], json!("site.jpg"));
    let record = w.record(&case_id).await;
    let last = record["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], json!("attach_evidence"), "{last}");
    assert_eq!(last["payload"]["sha256"], json!(sha256), "{last}");

    let page = officer.get(&format!("/console/cases/{case_id}?done=evidence")).await;
    assert!(page.body.contains(&sha256), "{}", page.body);
    assert!(page.body.contains("site.jpg"));
    assert!(page.body.contains(&format!("{} 字节", content.len())));
    assert!(page.body.contains("门前占道&#60;b&#62;照片&#60;/b&#62;"), "escaped");
}

/// How many reads of report `id` the API's access log lists.
async fn access_reads(w: &crate::helpers::CaseWorld, id: &str) -> usize {
    let path = format!("/api/v1/interference-reports/{id}/access-log");
    let (status, log) = json_of(w.app.get(&path, &w.supervisor).await).await;
    assert_eq!(status, StatusCode::OK, "{log}");
    log["items"].as_array().unwrap().len()
}

#[tokio::test]
async fn the_interference_register_in_the_console_keeps_the_apis_visibility_and_access_log() {
    let w = case_world().await;
    let mut reporter = Browser::signed_in(&w.app, "lead.officer", PASSWORD).await;
    let form = reporter.get("/console/interference/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("干预人姓名"));

    let hostile = "<script>alert(1)</script>";
    let fields = [
        ("person_name", hostile),
        ("position", "某局副局长"),
        ("internal", "true"),
        ("occurred_at", "2024-09-27T10:30"),
        ("method", "phone"),
        ("request", "要求对某餐馆从轻处理"),
    ];
    // Without the token: nothing is filed.
    let forged = reporter.post_as("/console/interference/new", &fields).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let (_, listed) = json_of(w.app.get("/api/v1/interference-reports", &w.supervisor).await).await;
    assert_eq!(listed["items"], json!([]));

    // A field the register refuses is shown as the API names it.
    let blank = reporter
        .post(
            "/console/interference/new",
            &[
                ("person_name", " "),
                ("position", "x"),
                ("occurred_at", "2024-09-27T10:30"),
                ("method", "phone"),
                ("request", "x"),
            ],
        )
        .await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", blank.body);
    assert!(blank.body.contains("<code>person_name</code>"), "{}", blank.body);

    let filed = reporter.post("/console/interference/new", &fields).await;
    assert_eq!(filed.status, StatusCode::SEE_OTHER, "{}", filed.body);
    let location = filed.location().to_string();
    let id = location
        .trim_start_matches("/console/interference/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let page = reporter.get(&location).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
        "{}",
        page.body
    );
    assert!(!page.body.contains(hostile));
    assert!(!page.body.contains("/refer\""), "only supervisors refer");
    let mine = reporter.get("/console/interference").await;
    assert!(mine.body.contains(&format!("/console/interference/{id}")));

    // Another officer: 404, as in the API, and nothing of it shown.
    let mut other = Browser::signed_in(&w.app, "second.officer", PASSWORD).await;
    let hidden = other.get(&format!("/console/interference/{id}")).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    assert!(!hidden.body.contains("某局副局长"));
    assert!(!other.get("/console/interference").await.body.contains(&id));

    // The supervisor's reads land in the API's access log.
    let reads_before = access_reads(&w, &id).await;
    let mut head = Browser::signed_in(&w.app, "chief", PASSWORD).await;
    let page = head.get(&format!("/console/interference/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("访问记录") && page.body.contains("/refer\""),
        "{}",
        page.body
    );
    assert_eq!(
        access_reads(&w, &id).await,
        reads_before + 1,
        "the page's read is recorded"
    );
    head.get("/console/interference").await;
    assert_eq!(
        access_reads(&w, &id).await,
        reads_before + 2,
        "the list's read is recorded"
    );

    // Outcome before a referral: the API's rule.
    let early = head
        .post(&format!("/console/interference/{id}/outcome"), &[("outcome", "已处理")])
        .await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", early.body);
    assert!(shows_rule(&early, "referral_required"), "{}", early.body);

    // Refer: not by the reporter, not without the token.
    assert_eq!(
        reporter
            .post(&format!("/console/interference/{id}/refer"), &[("to", "街纪工委")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        head.post_as(&format!("/console/interference/{id}/refer"), &[("to", "街纪工委")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let (_, report) = json_of(
        w.app
            .get(&format!("/api/v1/interference-reports/{id}"), &w.supervisor)
            .await,
    )
    .await;
    assert_eq!(report["referral_status"], json!("not_referred"));

    let referred = head
        .post(
            &format!("/console/interference/{id}/refer"),
            &[("to", "街纪工委"), ("note", "请核查")],
        )
        .await;
    assert_eq!(referred.status, StatusCode::SEE_OTHER, "{}", referred.body);
    let outcome = head
        .post(
            &format!("/console/interference/{id}/outcome"),
            &[("outcome", "已约谈提醒")],
        )
        .await;
    assert_eq!(outcome.status, StatusCode::SEE_OTHER, "{}", outcome.body);
    let (_, report) = json_of(
        w.app
            .get(&format!("/api/v1/interference-reports/{id}"), &w.supervisor)
            .await,
    )
    .await;
    assert_eq!(report["referral_status"], json!("concluded"), "{report}");
    assert_eq!(report["referral"]["to"], json!("街纪工委"));
    assert_eq!(report["referral"]["outcome"]["outcome"], json!("已约谈提醒"));
    let page = head.get(&format!("/console/interference/{id}")).await;
    assert!(
        page.body.contains("已约谈提醒") && page.body.contains("已办结"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn a_transfer_taken_through_the_form_is_listed_with_its_status_and_age() {
    let w = case_world().await;
    let case_id = w.penalty_at(Stage::Investigating, json!({})).await;
    // Transferring is the head's step: the officer is not offered it.
    let mut officer = Browser::signed_in(&w.app, "lead.officer", PASSWORD).await;
    let page = officer.get(&format!("/console/cases/{case_id}")).await;
    assert!(!page.body.contains(&format!("/console/cases/{case_id}/steps/transfer")));
    let mut head = Browser::signed_in(&w.app, "chief", PASSWORD).await;
    let page = head.get(&format!("/console/cases/{case_id}")).await;
    assert!(
        page.body.contains(&format!("/console/cases/{case_id}/steps/transfer")),
        "{}",
        page.body
    );
    let moved = head
        .post(
            &format!("/console/cases/{case_id}/steps/transfer"),
            &[
                ("to_department", "区市场监管局<b>"),
                ("reason", "不属本机关管辖"),
                ("kind", "department"),
            ],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    let (_, listed) = json_of(w.app.get("/api/v1/transfers", w.lead_token()).await).await;
    let letter = listed["items"][0]["letter_number"].as_str().unwrap().to_string();
    let page = officer.get("/console/transfers").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&letter), "{}", page.body);
    assert!(page.body.contains("区市场监管局&#60;b&#62;"), "escaped");
    let waiting = officer.get("/console/transfers?status=awaiting_receipt").await;
    assert!(waiting.body.contains(&letter));
    let closed = officer.get("/console/transfers?status=closed").await;
    assert!(!closed.body.contains(&letter));
    assert!(closed.body.contains("没有符合条件的移送"));
}

/// An on-the-spot decision (简易程序) through its form: the penalty, credentials, what the
/// party said and the benchmark in force, offered in the form and checked as the API checks
/// them — a fine outside the benchmark's grade is refused with the API's rule.
#[tokio::test]
async fn an_on_the_spot_decision_is_made_through_its_form_with_the_benchmark_in_force() {
    let w = case_world().await;
    let (status, benchmark) = json_of(
        w.app
            .post(
                &format!("/api/v1/powers/{}/benchmarks", w.power),
                &w.supervisor,
                &json!({"circumstance": "擅自在城市道路上设置摊点占道经营", "grade": "lenient",
                        "conditions": "首次被发现，占道面积较小", "penalty_types": ["fine", "warning"],
                        "fine_min_fen": 50_000, "fine_max_fen": 200_000, "effective_from": "2024-01-01"}),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{benchmark}");
    let benchmark_id = benchmark["id"].as_str().unwrap();
    let today = enforcement::clock::today().to_string();
    let case_id = w
        .open_ok(
            "penalty",
            json!({"procedure": "simple", "opened_on": today, "violation_on": today}),
        )
        .await;
    let mut officer = Browser::signed_in(&w.app, "lead.officer", PASSWORD).await;
    let page = officer.get(&format!("/console/cases/{case_id}")).await;
    let decide = format!("/console/cases/{case_id}/steps/decide");
    assert!(page.body.contains(&decide), "{}", page.body);
    assert!(page.body.contains("name=\"party_heard\""), "{}", page.body);
    assert!(
        page.body.contains(&format!("value=\"{benchmark_id}\"")),
        "the benchmark in force is offered: {}",
        page.body
    );
    let form = |yuan: &'static str| {
        vec![
            ("penalty_type", "fine"),
            ("penalty_amount_yuan", yuan),
            ("credentials_shown", "true"),
            ("party_heard", "当事人对违法事实无异议"),
            ("benchmark_id", benchmark_id),
            ("mitigation_ground", ""),
        ]
    };
    let before = w.case(&case_id).await;
    let outside = officer.post(&decide, &form("2500")).await;
    assert_eq!(outside.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", outside.body);
    assert!(shows_rule(&outside, "outside_benchmark"), "{}", outside.body);
    assert_eq!(w.case(&case_id).await, before, "a refused step changes nothing");

    let decided = officer.post(&decide, &form("1500")).await;
    assert_eq!(decided.status, StatusCode::SEE_OTHER, "{}", decided.body);
    let case = w.case(&case_id).await;
    assert_eq!(
        (case["status"].clone(), case["decision"]["fine_amount_fen"].clone()),
        (json!("decided"), json!(150_000)),
        "{case}"
    );
    let record = w.record(&case_id).await;
    let event = record["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(event["payload"]["benchmark"]["id"], json!(benchmark_id), "{event}");
}
