//! Issue 16: double random, one public (双随机、一公开) — a plan commits to its seed, the draw
//! reveals it and creates approved inspections with the drawn inspectors, anyone can
//! recompute the draw, a redraw states its reason, results are published.

use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::Digest;

use crate::draw_reference::reference_draw;
use crate::helpers::{CaseWorld, SITE, case_world, json_of, today};

/// A valid unified social credit code, different for each `n`.
fn uscc(n: u32) -> String {
    const CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    for org_last in CHARS.chars() {
        for check in CHARS.chars() {
            let code = format!("91120104MA{n:06}{org_last}{check}");
            if enforcement::subjects::model::check_uscc(&code).is_ok() {
                return code;
            }
        }
    }
    panic!("no valid code for {n}");
}

struct Plans {
    w: CaseWorld,
    random_item: String,
    /// Officers with valid certificates besides the world's two: (id, token).
    others: Vec<(String, String)>,
    lapsed: String,
    firms: Vec<String>,
}

async fn plans() -> Plans {
    let w = case_world().await;
    let random_item = publish(&w, "XF-SJ-001", true).await;
    let mut others = Vec::new();
    for name in ["third.officer", "fourth.officer"] {
        others.push(w.app.officer_with_certificate(name, "2035-12-31").await);
    }
    let yesterday = (today().parse::<chrono::NaiveDate>().unwrap() - chrono::Duration::days(1)).to_string();
    let (lapsed, _) = w.app.officer_with_certificate("lapsed.officer", &yesterday).await;
    let mut firms = vec![w.enterprise.clone()];
    for n in 0..6 {
        firms.push(
            w.app
                .seed_subject(
                    json!({"kind": "enterprise", "name": format!("天津市学府第{n}餐饮有限公司"), "uscc": uscc(n)}),
                )
                .await,
        );
    }
    Plans {
        w,
        random_item,
        others,
        lapsed,
        firms,
    }
}

async fn publish(w: &CaseWorld, code: &str, random: bool) -> String {
    let (status, item) = json_of(
        w.app
            .post(
                "/api/v1/inspection-items",
                &w.supervisor,
                &json!({"code": code, "name": "餐饮服务食品安全随机抽查", "power_id": w.power,
                        "standard": "许可证件齐全；从业人员健康证明有效", "method": "on_site", "random": random}),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{item}");
    item["id"].as_str().unwrap().to_string()
}

fn plan_body(item: &str) -> Value {
    json!({
        "name": "第四季度餐饮单位双随机抽查",
        "item_ids": [item],
        "subject_count": 3,
        "inspectors_per_subject": 2,
        "period_from": today(),
        "period_to": (today().parse::<chrono::NaiveDate>().unwrap() + chrono::Duration::days(30)).to_string(),
    })
}

async fn draw(w: &CaseWorld, plan: &str, body: Value) -> (StatusCode, Value) {
    json_of(
        w.app
            .post(&format!("/api/v1/random-plans/{plan}/draw"), &w.supervisor, &body)
            .await,
    )
    .await
}

async fn public(w: &CaseWorld, path: &str) -> (StatusCode, Value) {
    json_of(w.app.request(reqwest::Method::GET, path, None).send().await.unwrap()).await
}

fn drawn_pairs(draw: &Value) -> Vec<(String, Vec<String>)> {
    draw["draws"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["subject_id"].as_str().unwrap().to_string(),
                d["officer_ids"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|o| o.as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect()
}

fn raw_sql(w: &CaseWorld, sql: &str) -> Result<usize, diesel::result::Error> {
    let mut conn = w.app.raw_connection();
    diesel::RunQueryDsl::execute(diesel::sql_query(sql), &mut conn)
}

/// The token of one of the plans' officers.
fn token_of(p: &Plans, officer_id: &str) -> String {
    [&p.w.lead, &p.w.second, &p.others[0], &p.others[1]]
        .into_iter()
        .find(|(officer, _)| officer == officer_id)
        .map(|(_, token)| token.clone())
        .unwrap()
}

fn ids(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_plan_commits_to_its_seed_and_anyone_can_recompute_the_draw() {
    let p = plans().await;
    let w = &p.w;
    // The random list shows the item marked random, not the others.
    let routine = publish(w, "XF-SJ-002", false).await;
    let (status, listed) = public(w, "/api/v1/public/random-items?agency=XF").await;
    assert_eq!(status, StatusCode::OK, "{listed}");
    let codes: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["XF-SJ-001"]);
    let (status, page) = crate::enterprise_inspections::public(w, "/public/random-items?agency=XF").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("随机抽查事项清单") && page.contains("XF-SJ-001") && !page.contains("XF-SJ-002"));

    // Only items on the random list; officers do not create plans.
    let (status, problem) = json_of(
        w.app
            .post("/api/v1/random-plans", &w.supervisor, &plan_body(&routine))
            .await,
    )
    .await;
    assert_eq!(
        (status, problem["rule"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("item_not_random"))
    );
    let (status, _) = json_of(
        w.app
            .post("/api/v1/random-plans", w.lead_token(), &plan_body(&p.random_item))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let mut one_inspector = plan_body(&p.random_item);
    one_inspector["inspectors_per_subject"] = json!(1);
    let (status, problem) = json_of(w.app.post("/api/v1/random-plans", &w.supervisor, &one_inspector).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "inspectors_per_subject");

    // The fourth officer may not inspect the first firm (回避).
    let (status, recusal) = json_of(
        w.app
            .post(
                "/api/v1/recusals",
                &w.supervisor,
                &json!({"officer_id": p.others[1].0, "subject_id": p.firms[1], "reason": "近亲属在该企业任职"}),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{recusal}");

    let (status, plan) = json_of(
        w.app
            .post("/api/v1/random-plans", &w.supervisor, &plan_body(&p.random_item))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{plan}");
    let id = plan["id"].as_str().unwrap().to_string();
    let commitment = plan["commitment"].as_str().unwrap().to_string();
    assert_eq!(commitment.len(), 64);
    assert_eq!(plan["seed"], Value::Null, "the seed stays secret until the draw");
    assert_eq!(plan["subject_pool_at_creation"]["size"], 7);
    assert_eq!(
        plan["inspector_pool_at_creation"]["size"], 4,
        "the lapsed certificate is left out"
    );
    let (_, before) = public(w, &format!("/api/v1/public/random-plans/{id}")).await;
    assert_eq!(
        (before["commitment"].clone(), before["seed"].clone()),
        (json!(commitment), Value::Null)
    );
    let (_, verification) = public(w, &format!("/api/v1/public/random-plans/{id}/verify")).await;
    assert_eq!(
        (verification["valid"].clone(), verification["drawn"].clone()),
        (json!(false), json!(false))
    );

    let (status, problem) = draw(w, &id, json!({"witness": "  "})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let (status, drawn) = draw(w, &id, json!({"witness": "街道纪工委 李明"})).await;
    assert_eq!(status, StatusCode::OK, "{drawn}");
    // The revealed seed is the one committed to.
    let seed = drawn["seed"].as_str().unwrap();
    assert_eq!(
        hex::encode(sha2::Sha256::digest(hex::decode(seed).unwrap())),
        commitment
    );
    let record = &drawn["draw_history"][0];
    assert_eq!(record["witness"], "街道纪工委 李明");
    let pairs = drawn_pairs(&drawn);
    assert_eq!(pairs.len(), 3);
    for (subject, officers) in &pairs {
        assert!(p.firms.contains(subject));
        assert_eq!(officers.len(), 2);
        assert_ne!(officers[0], officers[1]);
        assert!(!officers.contains(&p.lapsed), "an expired certificate is never drawn");
        assert!(
            !(subject == &p.firms[1] && officers.contains(&p.others[1].0)),
            "a recused pair is never drawn"
        );
    }
    // An independent implementation of the documented algorithm gives the same draw.
    let recusals: Vec<(String, String)> = record["recusals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| {
            (
                pair[0].as_str().unwrap().to_string(),
                pair[1].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(recusals, [(p.others[1].0.clone(), p.firms[1].clone())]);
    let again = reference_draw(
        seed,
        &ids(&record["subject_pool"]["ids"]),
        &ids(&record["inspector_pool"]["ids"]),
        &recusals,
        3,
        2,
    );
    assert_eq!(again, pairs);
    let (_, verification) = public(w, &format!("/api/v1/public/random-plans/{id}/verify")).await;
    assert_eq!(verification["valid"], true, "{verification}");

    // Each drawn subject has an approved inspection with the drawn inspectors and a code.
    for drawn_subject in drawn["draws"].as_array().unwrap() {
        let case = w.case(drawn_subject["case_id"].as_str().unwrap()).await;
        assert_eq!(case["source"], "random_draw");
        assert_eq!(case["subject"]["id"], drawn_subject["subject_id"]);
        let officers: Vec<&Value> = case["officers"].as_array().unwrap().iter().map(|o| &o["id"]).collect();
        assert_eq!(
            officers,
            drawn_subject["officer_ids"]
                .as_array()
                .unwrap()
                .iter()
                .collect::<Vec<_>>()
        );
        assert_eq!(case["inspection_plan"]["approval"]["planned_from"], json!(today()));
        assert!(case["inspection_plan"]["code"].is_string(), "{case}");
    }

    // A plan draws once: a redraw states its reason, voids the first draw's inspections,
    // and both draws stay public and verifiable.
    let (status, problem) = draw(w, &id, json!({"witness": "李明"})).await;
    assert_eq!(
        (status, problem["rule"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("redraw_reason_required"))
    );
    let first_cases: Vec<String> = drawn["draws"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["case_id"].as_str().unwrap().to_string())
        .collect();
    let (status, redrawn) = draw(w, &id, json!({"witness": "李明", "reason": "抽中企业已停业注销"})).await;
    assert_eq!(status, StatusCode::OK, "{redrawn}");
    assert_eq!(redrawn["draw_history"].as_array().unwrap().len(), 2);
    assert_eq!(redrawn["draw_history"][1]["reason"], "抽中企业已停业注销");
    assert_eq!(redrawn["draw_history"][0]["current"], false);
    for case_id in &first_cases {
        assert_eq!(w.case(case_id).await["status"], "voided");
    }
    let (_, public_plan) = public(w, &format!("/api/v1/public/random-plans/{id}")).await;
    assert_eq!(public_plan["draw_history"].as_array().unwrap().len(), 2);
    assert_eq!(public_plan["seed"], json!(seed));
    let (_, verification) = public(w, &format!("/api/v1/public/random-plans/{id}/verify")).await;
    assert_eq!(verification["valid"], true, "{verification}");

    // Once a drawn inspection started, the draw stands.
    let started = &redrawn["draws"][0];
    let lead_id = started["officer_ids"][0].as_str().unwrap();
    let token = [&w.lead, &w.second, &p.others[0], &p.others[1]]
        .into_iter()
        .find(|(officer, _)| officer == lead_id)
        .map(|(_, token)| token.clone())
        .unwrap();
    w.step_ok_by(
        &token,
        started["case_id"].as_str().unwrap(),
        json!({"action": "start", "credentials_shown": true, "location": SITE, "code_presented": true}),
    )
    .await;
    let (status, problem) = draw(w, &id, json!({"witness": "李明", "reason": "再抽一次"})).await;
    assert_eq!(
        (status, problem["rule"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("redraw_after_start"))
    );

    // Someone alters a stored result: the recomputation no longer matches.
    let mut result: Vec<Value> = redrawn["draw_history"][1]["draws"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| json!({"subject_id": d["subject_id"], "inspector_ids": d["officer_ids"]}))
        .collect();
    let swapped = result[0]["inspector_ids"][1].clone();
    result[0]["inspector_ids"][1] = result[0]["inspector_ids"][0].clone();
    result[0]["inspector_ids"][0] = swapped;
    let tamper = format!(
        "UPDATE random_draws SET result = '{}' WHERE plan_id = '{id}' AND seq = 2",
        serde_json::to_string(&result).unwrap()
    );
    // The database refuses it (append-only); someone with its keys drops the trigger first.
    let error = raw_sql(w, &tamper).unwrap_err().to_string();
    assert!(error.contains("append-only"), "{error}");
    match crate::helpers::backend_under_test() {
        "postgres" => raw_sql(w, "DROP TRIGGER random_draws_no_update_delete ON random_draws"),
        _ => raw_sql(w, "DROP TRIGGER random_draws_no_update"),
    }
    .unwrap();
    raw_sql(w, &tamper).unwrap();
    let (_, verification) = public(w, &format!("/api/v1/public/random-plans/{id}/verify")).await;
    assert_eq!(verification["valid"], false, "{verification}");
    assert_eq!(verification["draws"][1]["result_matches"], false);
    assert_eq!(verification["draws"][0]["result_matches"], true);
}

#[tokio::test]
async fn results_are_published_and_counted() {
    let p = plans().await;
    let w = &p.w;
    // The world's enterprise was inspected twice this year under the item: at its cap (2).
    for _ in 0..2 {
        let id = w
            .open_ok("inspection", json!({"inspection_item_ids": [p.random_item]}))
            .await;
        w.step_ok_by(
            &w.supervisor,
            &id,
            json!({"action": "approve_inspection", "planned_from": today(), "planned_to": today()}),
        )
        .await;
    }
    let (_, plan) = json_of(
        w.app
            .post("/api/v1/random-plans", &w.supervisor, &plan_body(&p.random_item))
            .await,
    )
    .await;
    let id = plan["id"].as_str().unwrap().to_string();
    assert_eq!(plan["subject_pool_at_creation"]["size"], 6, "{plan}");
    let (status, drawn) = draw(w, &id, json!({"witness": "街道纪工委 李明"})).await;
    assert_eq!(status, StatusCode::OK, "{drawn}");
    let record = &drawn["draw_history"][0];
    assert_eq!(record["excluded_at_cap"], json!([w.enterprise]));
    assert!(!ids(&record["subject_pool"]["ids"]).contains(&w.enterprise));
    let (status, _) = json_of(
        w.app
            .post(
                &format!("/api/v1/random-plans/{id}/publish-results"),
                &w.supervisor,
                &json!({}),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "nothing found yet");

    let first = &drawn["draws"][0];
    let case_id = first["case_id"].as_str().unwrap();
    let lead_id = first["officer_ids"][0].as_str().unwrap();
    let token = [&w.lead, &w.second, &p.others[0], &p.others[1]]
        .into_iter()
        .find(|(officer, _)| officer == lead_id)
        .map(|(_, token)| token.clone())
        .unwrap();
    w.step_ok_by(
        &token,
        case_id,
        json!({"action": "start", "credentials_shown": true, "location": SITE}),
    )
    .await;
    w.step_ok_by(
        &token,
        case_id,
        json!({"action": "record_findings", "result": "violations_found",
               "findings": [{"description": "从业人员健康证明过期", "hazard_level": "none"}]}),
    )
    .await;
    let (status, plan) = json_of(w.app.get(&format!("/api/v1/random-plans/{id}"), &w.supervisor).await).await;
    assert_eq!(status, StatusCode::OK);
    let result = plan["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["case_id"] == json!(case_id))
        .unwrap()
        .clone();
    assert_eq!(result["found_on"], json!(today()));
    let due = w.app.add_working_days(today().parse().unwrap(), 20).await.to_string();
    assert_eq!(result["publication_due_on"], json!(due));
    assert_eq!(result["overdue"], false);
    let (_, overdue) = json_of(w.app.get("/api/v1/random-plans?overdue=true", &w.supervisor).await).await;
    assert_eq!(overdue, json!([]), "due in 20 working days: not overdue");
    let (_, listed) = json_of(w.app.get("/api/v1/random-plans?overdue=false", &w.supervisor).await).await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let (_, public_plan) = public(w, &format!("/api/v1/public/random-plans/{id}")).await;
    assert_eq!(public_plan["results"], json!([]), "nothing public before publication");

    let (status, published) = json_of(
        w.app
            .post(
                &format!("/api/v1/random-plans/{id}/publish-results"),
                &w.supervisor,
                &json!({}),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{published}");
    let (_, public_plan) = public(w, &format!("/api/v1/public/random-plans/{id}")).await;
    assert_eq!(public_plan["results"].as_array().unwrap().len(), 1);
    assert_eq!(public_plan["results"][0]["inspection_result"], "violations_found");
    assert_eq!(public_plan["results"][0]["published_on"], json!(today()));
    let officers = public_plan["draw_history"][0]["draws"][0]["officers"][0]
        .as_str()
        .unwrap();
    assert!(officers.contains("执法证号"), "{officers}");
    // The same as a Chinese page.
    let (status, page) = crate::enterprise_inspections::public(w, &format!("/public/random-plans/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    for text in [
        "双随机抽查公示",
        plan["commitment"].as_str().unwrap(),
        "复算一致",
        "街道纪工委 李明",
        officers,
        "发现问题，已责令整改",
    ] {
        assert!(page.contains(text), "{text} missing from the page");
    }

    let year = &today()[..4];
    let (_, summary) = json_of(
        w.app
            .get(&format!("/api/v1/stats/summary?year={year}"), &w.supervisor)
            .await,
    )
    .await;
    assert_eq!(
        summary["random_inspections"],
        json!({"plans": 1, "subjects_drawn": 3, "inspected": 1, "problems_found": 1,
               "results_published": 1, "published_on_time": 1, "overdue_publication": 0})
    );

    // Another agency's staff do not see the plan; officers of the agency do.
    let (status, _) = json_of(w.app.get(&format!("/api/v1/random-plans/{id}"), w.lead_token()).await).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = public(w, "/api/v1/public/random-plans/00000000-0000-7000-8000-000000000000").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// Over many plans (many seeds), the service never draws a recused pair, an officer whose
/// certificate lapsed, or fewer than two inspectors, and each draw recomputes.
#[tokio::test]
async fn over_many_draws_no_recused_pair_nor_lapsed_certificate_is_drawn() {
    let p = plans().await;
    let w = &p.w;
    let recused = [
        (p.others[0].0.clone(), p.firms[2].clone()),
        (w.lead.0.clone(), p.firms[3].clone()),
    ];
    for (officer, subject) in &recused {
        let (status, body) = json_of(
            w.app
                .post(
                    "/api/v1/recusals",
                    &w.supervisor,
                    &json!({"officer_id": officer, "subject_id": subject, "reason": "利害关系"}),
                )
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    // An item without a practical yearly cap, so that every firm stays in the pool.
    let (status, item) = json_of(
        w.app
            .post(
                "/api/v1/inspection-items",
                &w.supervisor,
                &json!({"code": "XF-SJ-365", "name": "餐饮服务食品安全随机抽查", "power_id": w.power,
                        "standard": "许可证件齐全", "method": "on_site", "random": true, "yearly_cap": 365}),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{item}");
    let mut seeds = std::collections::BTreeSet::new();
    for _ in 0..12 {
        let mut body = plan_body(item["id"].as_str().unwrap());
        body["subject_count"] = json!(6);
        let (status, plan) = json_of(w.app.post("/api/v1/random-plans", &w.supervisor, &body).await).await;
        assert_eq!(status, StatusCode::CREATED, "{plan}");
        let id = plan["id"].as_str().unwrap();
        let (status, drawn) = draw(w, id, json!({"witness": "李明"})).await;
        assert_eq!(status, StatusCode::OK, "{drawn}");
        seeds.insert(drawn["seed"].as_str().unwrap().to_string());
        for (subject, officers) in drawn_pairs(&drawn) {
            assert_eq!(officers.len(), 2);
            assert_ne!(officers[0], officers[1]);
            assert!(!officers.contains(&p.lapsed));
            for (officer, recused_subject) in &recused {
                assert!(!(subject == *recused_subject && officers.contains(officer)));
            }
        }
        let (_, verification) = public(w, &format!("/api/v1/public/random-plans/{id}/verify")).await;
        assert_eq!(verification["valid"], true, "{verification}");
    }
    assert_eq!(seeds.len(), 12, "each plan has a seed of its own");
}

/// 国发〔2019〕5号: a case of source random_draw is one a draw opened. An officer who names
/// the source in POST /cases is refused, nothing is created and no number is taken; the
/// draw still opens its inspections with that source.
#[tokio::test]
async fn only_a_draw_opens_a_case_of_source_random_draw() {
    let p = plans().await;
    let w = &p.w;
    let year = &today()[..4];
    let first = w.open_ok("inspection", json!({"source": "routine"})).await;
    assert_eq!(
        w.case(&first).await["case_number"],
        json!(format!("学府检〔{year}〕第0001号"))
    );

    for (kind, extra) in [
        (
            "inspection",
            json!({"source": "random_draw", "inspection_item_ids": [p.random_item]}),
        ),
        ("inspection", json!({"source": "random_draw"})),
        ("penalty", json!({"source": "random_draw"})),
    ] {
        let problem = w.open_refused(kind, extra, "random_draw_source_reserved").await;
        assert!(
            problem["detail"].as_str().unwrap().contains("抽查计划的抽取"),
            "{problem}"
        );
    }
    // No case claims the source.
    let (_, random_cases) = json_of(w.app.get("/api/v1/cases?limit=200", w.lead_token()).await).await;
    assert!(
        random_cases["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["source"] != json!("random_draw")),
        "{random_cases}"
    );
    // The refusals took no number: the next filing has the next one.
    let second = w.open_ok("inspection", json!({})).await;
    assert_eq!(
        w.case(&second).await["case_number"],
        json!(format!("学府检〔{year}〕第0002号"))
    );

    // The draw opens its inspections with the source, numbered on from there.
    let (status, plan) = json_of(
        w.app
            .post("/api/v1/random-plans", &w.supervisor, &plan_body(&p.random_item))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{plan}");
    let (status, drawn) = draw(w, plan["id"].as_str().unwrap(), json!({"witness": "街道纪工委 李明"})).await;
    assert_eq!(status, StatusCode::OK, "{drawn}");
    let mut numbers = Vec::new();
    for drawn_subject in drawn["draws"].as_array().unwrap() {
        let case = w.case(drawn_subject["case_id"].as_str().unwrap()).await;
        assert_eq!(case["source"], "random_draw", "{case}");
        assert_eq!(case["status"], "registered");
        assert!(case["inspection_plan"]["code"].is_string(), "{case}");
        numbers.push(case["case_number"].as_str().unwrap().to_string());
    }
    numbers.sort();
    assert_eq!(
        numbers,
        (3..=5)
            .map(|n| format!("学府检〔{year}〕第{n:04}号"))
            .collect::<Vec<_>>()
    );
}

/// The draws and the cases they opened are append-only beneath the API, on both backends:
/// a draw is never changed or deleted, a drawn case is never deleted nor moved to another
/// case, subject or draw, and a published result is never unpublished or re-dated. Only
/// publishing an unpublished result (POST …/publish-results) changes a row.
#[tokio::test]
async fn the_database_keeps_draws_and_drawn_cases_as_drawn() {
    let p = plans().await;
    let w = &p.w;
    let (_, plan) = json_of(
        w.app
            .post("/api/v1/random-plans", &w.supervisor, &plan_body(&p.random_item))
            .await,
    )
    .await;
    let id = plan["id"].as_str().unwrap().to_string();
    let (status, drawn) = draw(w, &id, json!({"witness": "街道纪工委 李明"})).await;
    assert_eq!(status, StatusCode::OK, "{drawn}");
    // One result found and published, so that a published row is there to tamper with.
    let first = &drawn["draws"][0];
    let case_id = first["case_id"].as_str().unwrap().to_string();
    let other_case = drawn["draws"][1]["case_id"].as_str().unwrap().to_string();
    let token = token_of(&p, first["officer_ids"][0].as_str().unwrap());
    w.step_ok_by(
        &token,
        &case_id,
        json!({"action": "start", "credentials_shown": true, "location": SITE, "code_presented": true}),
    )
    .await;
    w.step_ok_by(
        &token,
        &case_id,
        json!({"action": "record_findings", "result": "compliant"}),
    )
    .await;
    let (status, published) = json_of(
        w.app
            .post(
                &format!("/api/v1/random-plans/{id}/publish-results"),
                &w.supervisor,
                &json!({}),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{published}");

    let staff_view = format!("/api/v1/random-plans/{id}");
    let public_view = format!("/api/v1/public/random-plans/{id}");
    let (_, before) = json_of(w.app.get(&staff_view, &w.supervisor).await).await;
    let (_, public_before) = public(w, &public_view).await;
    assert_eq!(public_before["results"][0]["published_on"], json!(today()));

    let mut refused = vec![
        format!("UPDATE random_draws SET result = '[]' WHERE plan_id = '{id}'"),
        format!("UPDATE random_draws SET witness = '无' WHERE plan_id = '{id}'"),
        format!("DELETE FROM random_draws WHERE plan_id = '{id}'"),
        format!("DELETE FROM random_plan_cases WHERE plan_id = '{id}'"),
        format!("DELETE FROM random_plan_cases WHERE case_id = '{other_case}'"),
        format!("UPDATE random_plan_cases SET case_id = '{case_id}' WHERE case_id = '{other_case}'"),
        format!(
            "UPDATE random_plan_cases SET subject_id = '{}' WHERE case_id = '{other_case}'",
            p.firms[0]
        ),
        format!("UPDATE random_plan_cases SET published_on = NULL WHERE case_id = '{case_id}'"),
        format!("UPDATE random_plan_cases SET published_on = '2000-01-03' WHERE case_id = '{case_id}'"),
    ];
    if crate::helpers::backend_under_test() == "postgres" {
        refused.push("TRUNCATE random_plan_cases".to_string());
        refused.push("TRUNCATE random_draws CASCADE".to_string());
    }
    for sql in &refused {
        let error = raw_sql(w, sql).expect_err(sql).to_string();
        assert!(error.contains("append-only"), "{sql}: {error}");
    }
    let (_, after) = json_of(w.app.get(&staff_view, &w.supervisor).await).await;
    assert_eq!(after, before, "the draw and its cases are unchanged");
    let (_, public_after) = public(w, &public_view).await;
    assert_eq!(public_after, public_before);
    let (_, verification) = public(w, &format!("{public_view}/verify")).await;
    assert_eq!(verification["valid"], true, "{verification}");
}
