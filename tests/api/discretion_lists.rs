//! Issue 17 (the four lists): 不予处罚清单 (with 首违不罚), 减轻处罚清单, 从轻处罚清单 and
//! 不予实施行政强制措施清单 — published per power by admins and supervisors, versioned,
//! imported from CSV with cell-level errors, public in force (JSON and a Chinese page); a
//! proposal citing a no-penalty entry with a fine is refused, and 首违不罚 needs a first
//! violation (APL art. 33).

use chrono::Duration;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{CaseWorld, Refusal, Stage, case_world, expect_problem, json_of};

const CIRCUMSTANCE: &str = "初次在城市道路上设置摊点占道经营";
const HEADER: &str = "list,power_code,circumstance,conditions,legal_basis,first_violation,effective_from,effective_to";

fn day(offset: i64) -> String {
    (enforcement::clock::today() + Duration::days(offset)).to_string()
}

fn first_violation_entry() -> Value {
    json!({
        "list": "no_penalty",
        "circumstance": CIRCUMSTANCE,
        "conditions": "初次违法，占道面积不足2平方米，经责令当场改正的",
        "legal_basis": "《中华人民共和国行政处罚法》第三十三条第一款",
        "first_violation": true,
        "effective_from": "2024-01-01",
    })
}

async fn publish(w: &CaseWorld, power: &str, body: &Value) -> (StatusCode, Value) {
    json_of(
        w.app
            .post(&format!("/api/v1/powers/{power}/list-entries"), &w.supervisor, body)
            .await,
    )
    .await
}

async fn publish_ok(w: &CaseWorld, power: &str, body: &Value) -> Value {
    let (status, entry) = publish(w, power, body).await;
    assert_eq!(status, StatusCode::CREATED, "{entry}");
    entry
}

async fn import(w: &CaseWorld, query: &str, csv: String) -> reqwest::Response {
    w.app
        .request(
            Method::POST,
            &format!("/api/v1/list-entries/import{query}"),
            Some(&w.supervisor),
        )
        .header("content-type", "text/csv")
        .body(csv.into_bytes())
        .send()
        .await
        .unwrap()
}

fn located(body: &Value) -> Vec<(u64, String)> {
    body["row_errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no row_errors: {body}"))
        .iter()
        .map(|e| {
            (
                e["row"].as_u64().unwrap(),
                e["column"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn keepers_publish_and_import_the_lists_and_the_public_sees_what_is_in_force() {
    let w = case_world().await;
    let first = publish_ok(&w, &w.power, &first_violation_entry()).await;
    assert_eq!(
        (&first["version"], &first["list_label"], &first["in_force"]),
        (&json!(1), &json!("不予处罚清单"), &json!(true))
    );
    // The same again changes nothing; other conditions from today are version 2, the first
    // kept and closed yesterday.
    let (status, same) = publish(&w, &w.power, &first_violation_entry()).await;
    assert_eq!((status, &same["id"]), (StatusCode::OK, &first["id"]), "{same}");
    let mut changed = first_violation_entry();
    changed["conditions"] = json!("初次违法，占道面积不足3平方米，经责令当场改正的");
    changed["effective_from"] = json!(day(0));
    let second = publish_ok(&w, &w.power, &changed).await;
    assert_eq!(second["version"], 2);
    let (_, old) = json_of(
        w.app
            .get(
                &format!("/api/v1/list-entries/{}", first["id"].as_str().unwrap()),
                w.lead_token(),
            )
            .await,
    )
    .await;
    assert_eq!(
        (&old["effective_to"], &old["in_force"]),
        (&json!(day(-1)), &json!(false)),
        "{old}"
    );

    // 首违不罚 belongs to the no-penalty list; a penalty list names penalty powers and the
    // coercion list coercion powers; officers do not publish.
    let mut lenient = first_violation_entry();
    lenient["list"] = json!("lenient");
    let (status, problem) = publish(&w, &w.power, &lenient).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "first_violation", "{problem}");
    let coercion_entry = json!({"list": "no_coercion", "circumstance": "占道经营物品价值较小且当场清理的",
        "conditions": "当事人当场自行清理占道物品", "legal_basis": "《中华人民共和国行政强制法》第十六条第二款",
        "effective_from": "2024-01-01"});
    let (status, problem) = publish(&w, &w.power, &coercion_entry).await;
    assert_eq!(
        (status, &problem["rule"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("power_not_coercion")),
        "{problem}"
    );
    let (status, coercion_power) = json_of(
        w.app
            .post(
                "/api/v1/powers",
                &w.app.admin_token,
                &json!({"code": "XF-QZ-001", "name": "对占道经营物品的扣押", "category": "coercion",
                        "legal_basis": "《城市市容和环境卫生管理条例》", "source_department": "城市管理",
                        "effective_from": "2020-01-01"}),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{coercion_power}");
    publish_ok(&w, coercion_power["id"].as_str().unwrap(), &coercion_entry).await;
    let forbidden = w
        .app
        .post(
            &format!("/api/v1/powers/{}/list-entries", w.power),
            w.lead_token(),
            &lenient,
        )
        .await;
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);

    // An import with bad rows is refused whole, each problem at its cell; fixed, it imports.
    let good = "从轻处罚清单,XF-CG-001,主动消除占道经营危害后果,主动清理占道物品并恢复原状的,《中华人民共和国行政处罚法》第三十二条第一项,否,2024-01-01,";
    let scheduled = format!(
        "减轻,XF-CG-001,受他人胁迫占道经营（尚未施行）,有证据证明受他人胁迫的,《中华人民共和国行政处罚法》第三十二条第二项,,{},",
        day(30)
    );
    let file = [
        HEADER.to_string(),
        good.to_string(),
        "从重处罚清单,XF-CG-001,x,y,z,,,".to_string(),
        "lenient,XF-NO-999,x,y,z,,2024-01-01,".to_string(),
        "mitigated,XF-CG-001,x,y,,是,,".to_string(),
        scheduled.clone(),
    ]
    .join("\n");
    let (status, report) = json_of(import(&w, "?dry_run=true", file.clone()).await).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(
        located(&report),
        vec![
            (3, "list".into()),
            (4, "power_code".into()),
            (5, "legal_basis".into()),
            (5, "first_violation".into())
        ],
        "{report}"
    );
    let problem = expect_problem(import(&w, "", file).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(located(&problem).len(), 4, "{problem}");
    let (_, listed) = json_of(
        w.app
            .get(
                &format!("/api/v1/powers/{}/list-entries?list=lenient", w.power),
                w.lead_token(),
            )
            .await,
    )
    .await;
    assert_eq!(listed["items"], json!([]), "a refused import writes nothing");
    let (status, report) = json_of(import(&w, "", [HEADER, good, &scheduled].join("\n")).await).await;
    assert_eq!((status, &report["created"]), (StatusCode::OK, &json!(2)), "{report}");

    // Public: only what is in force today — version 2 of 首违不罚, the import's lenient entry
    // and the coercion entry; not version 1, not the scheduled one.
    let (status, page) = json_of(
        w.app
            .client
            .get(w.app.url("/api/v1/public/discretion-lists?agency=XF"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let mut shown: Vec<(String, String, i64)> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["list"].as_str().unwrap().to_string(),
                e["circumstance"].as_str().unwrap().to_string(),
                e["version"].as_i64().unwrap(),
            )
        })
        .collect();
    shown.sort();
    assert_eq!(
        shown,
        vec![
            ("lenient".into(), "主动消除占道经营危害后果".into(), 1),
            ("no_coercion".into(), "占道经营物品价值较小且当场清理的".into(), 1),
            ("no_penalty".into(), CIRCUMSTANCE.into(), 2),
        ]
    );
    let html = w
        .app
        .client
        .get(w.app.url("/public/discretion-lists?agency=XF"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("不予处罚清单") && html.contains("不予实施行政强制措施清单"),
        "{html}"
    );
    assert!(html.contains("占道面积不足3平方米"), "version 2 is shown");
    assert!(!html.contains("占道面积不足2平方米"), "version 1 is not");
    assert!(!html.contains("尚未施行"), "the scheduled entry is not");
    // The no-penalty list comes first on the page.
    assert!(html.find("不予处罚清单").unwrap() < html.find("从轻处罚清单").unwrap());
}

#[tokio::test]
async fn a_no_penalty_entry_refuses_a_fine_and_first_violation_needs_a_first_violation() {
    let w = case_world().await;
    let entry = publish_ok(&w, &w.power, &first_violation_entry()).await;
    let entry_id = entry["id"].as_str().unwrap();
    let proposal = |outcome: &str, penalties: Value, extra: Value| {
        let mut body = json!({
            "action": "propose_decision", "outcome": outcome, "penalties": penalties,
            "facts": "当事人初次占道经营，当场改正", "legal_basis": "《中华人民共和国行政处罚法》第三十三条第一款",
            "discretion_reasoning": "符合首违不罚清单",
        });
        for (key, value) in extra.as_object().unwrap() {
            body[key] = value.clone();
        }
        body
    };
    let id = w.penalty_at(Stage::Investigating, json!({})).await;
    // A fine for an act on the no-penalty list is refused, whatever else is said.
    let fined = proposal(
        "penalty",
        json!([{"type": "fine", "amount_fen": 20_000}]),
        json!({"list_entry_id": entry_id, "deviation_reason": "当事人态度恶劣"}),
    );
    let problem = w.step_refused(&id, fined, Refusal::Rule("no_penalty_list")).await;
    assert!(problem["detail"].as_str().unwrap().contains("APL art. 33"), "{problem}");
    // The entry is 首违不罚: its ground is the first violation.
    w.step_ok(
        &id,
        json!({"action": "record_education", "content": "向当事人宣讲《条例》，当事人当场清理占道物品"}),
    )
    .await;
    w.step_refused(
        &id,
        proposal(
            "no_penalty_minor",
            json!([]),
            json!({"list_entry_id": entry_id, "no_penalty_ground": "minor_and_corrected"}),
        ),
        Refusal::Invalid("no_penalty_ground"),
    )
    .await;
    let first = proposal(
        "no_penalty_minor",
        json!([]),
        json!({"list_entry_id": entry_id, "no_penalty_ground": "first_violation_minor_harm_corrected"}),
    );
    let proposed = w.step_ok(&id, first.clone()).await;
    assert_eq!(
        (
            proposed["proposal"]["list_entry"]["id"].clone(),
            proposed["proposal"]["list_entry"]["list_label"].clone()
        ),
        (json!(entry_id), json!("不予处罚清单")),
        "{proposed}"
    );
    w.approve_review(&id).await;
    let decided = w.step_ok_by(&w.supervisor, &id, json!({"action": "decide"})).await;
    assert_eq!(decided["status"], "decided", "{decided}");

    // The same party again under the same power: no longer a first violation, with or
    // without the entry.
    let again = w.penalty_at(Stage::Investigating, json!({})).await;
    w.step_ok(
        &again,
        json!({"action": "record_education", "content": "再次宣讲《条例》"}),
    )
    .await;
    let problem = w
        .step_refused(&again, first.clone(), Refusal::Rule("not_first_violation"))
        .await;
    assert!(problem["detail"].as_str().unwrap().contains("1 earlier"), "{problem}");
    let mut no_entry = first.clone();
    no_entry.as_object_mut().unwrap().remove("list_entry_id");
    w.step_refused(&again, no_entry, Refusal::Rule("not_first_violation"))
        .await;
    // Another party's first violation is one.
    let other = w
        .penalty_at(Stage::Investigating, json!({"subject_id": w.individual}))
        .await;
    w.step_ok(&other, json!({"action": "record_education", "content": "宣讲《条例》"}))
        .await;
    w.step_ok(&other, first).await;
    // An entry of another list, or of no such id, is named as the field.
    w.step_refused(
        &again,
        proposal(
            "no_penalty_minor",
            json!([]),
            json!({"list_entry_id": "00000000-0000-7000-8000-000000000000", "no_penalty_ground": "minor_and_corrected"}),
        ),
        Refusal::Invalid("list_entry_id"),
    )
    .await;
}
