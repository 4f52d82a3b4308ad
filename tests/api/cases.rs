//! Inspection and penalty workflows over HTTP, and each rule of DESIGN §3 refusing with 422
//! and changing nothing.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::Refusal::{Invalid, Malformed, NotAllowed, Rule};
use crate::helpers::{
    InspectionStage, Notice, Stage, case_world, days_ago, error_fields, expect_problem, json_of, today,
};

fn actions(case: &Value) -> Vec<String> {
    case["allowed_actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .collect()
}

fn this_year() -> String {
    today()[..4].to_string()
}

fn event_actions(record: &Value) -> Vec<String> {
    record["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn an_inspection_runs_from_registration_to_archive() {
    let w = case_world().await;
    let (status, case) = w.open("inspection", json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    let id = case["id"].as_str().unwrap();
    assert_eq!(case["case_number"], json!(format!("学府检〔{}〕第0001号", this_year())));
    assert_eq!(
        (case["status"].clone(), case["version"].clone()),
        (json!("registered"), json!(1))
    );
    assert_eq!(case["officers"][0]["lead"], json!(true));
    assert_eq!(case["powers"][0]["version"], json!(1));
    assert_eq!(actions(&case), ["start", "request_recusal"]);

    // An inspection of an enterprise starts only after the head's approval (国办发〔2024〕54号 五).
    w.step_refused(
        id,
        json!({"action": "start", "credentials_shown": true, "location": "学府街1号"}),
        NotAllowed,
    )
    .await;
    w.step_ok_by(
        &w.supervisor,
        id,
        json!({"action": "approve_inspection", "planned_from": today(), "planned_to": today()}),
    )
    .await;
    w.step_refused(
        id,
        json!({"action": "start", "location": "学府街1号"}),
        Rule("credentials_not_shown"),
    )
    .await;
    let case = w
        .step_ok(
            id,
            json!({"action": "start", "credentials_shown": true, "location": "学府街1号"}),
        )
        .await;
    assert_eq!(
        (case["status"].clone(), case["location"].clone()),
        (json!("in_progress"), json!("学府街1号"))
    );
    w.step_refused(id, json!({"action": "close"}), Rule("findings_required"))
        .await;

    let findings = json!({"action": "record_findings", "result": "violations_found", "findings": [
        {"description": "消防通道堆放杂物", "hazard_level": "general"},
        {"description": "燃气管道私改", "hazard_level": "major"},
        {"description": "台账不全", "hazard_level": "none"}
    ]});
    let case = w.step_ok(id, findings).await;
    assert_eq!(case["findings"][1]["hazard_level"], json!("major"));
    w.step_refused(id, json!({"action": "close"}), Rule("unrectified_hazards"))
        .await;
    w.step_refused(
        id,
        json!({"action": "order_rectification", "deadline": days_ago(1)}),
        Invalid("deadline"),
    )
    .await;

    let deadline = (enforcement::clock::today() + chrono::Duration::days(10)).to_string();
    let case = w
        .step_ok(id, json!({"action": "order_rectification", "deadline": deadline}))
        .await;
    assert_eq!(case["status"], json!("rectifying"));
    let problem = w.step_refused(id, json!({"action": "close"}), NotAllowed).await;
    assert_eq!(
        problem["allowed_actions"],
        json!(["notify_results", "verify_rectification", "escalate", "request_recusal"])
    );

    // Not rectified yet: a new deadline, still rectifying.
    let case = w
        .step_ok(
            id,
            json!({"action": "verify_rectification", "rectified": false, "deadline": deadline}),
        )
        .await;
    assert_eq!(case["status"], json!("rectifying"));
    let case = w
        .step_ok(id, json!({"action": "verify_rectification", "rectified": true}))
        .await;
    assert_eq!(case["status"], json!("in_progress"));
    assert!(
        case["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["hazard_level"] != json!("none"))
            .all(|f| f["rectified"] == json!(true))
    );
    // 检查结果告知: the enterprise is told the result.
    w.step_ok(id, json!({"action": "notify_results", "method": "written"}))
        .await;
    let case = w.step_ok(id, json!({"action": "close"})).await;
    assert_eq!(
        (case["status"].clone(), case["closed_on"].clone()),
        (json!("closed"), json!(today()))
    );
    assert_eq!(actions(&case), ["archive"]);
    // A closed case is read-only.
    w.step_refused(
        id,
        json!({"action": "record_findings", "result": "compliant"}),
        NotAllowed,
    )
    .await;
    let case = w.step_ok(id, json!({"action": "archive"})).await;
    assert_eq!(case["status"], json!("archived"));

    let record = w.record(id).await;
    assert_eq!(
        event_actions(&record),
        [
            "create",
            "approve_inspection",
            "start",
            "record_findings",
            "order_rectification",
            "verify_rectification",
            "verify_rectification",
            "notify_results",
            "close",
            "archive"
        ]
    );
    assert_eq!(case["version"], json!(10), "one version per event");
}

#[tokio::test]
async fn a_compliant_inspection_closes_without_rectification() {
    let w = case_world().await;
    let id = w
        .inspection_at(InspectionStage::Started, json!({"subject_id": w.individual}))
        .await;
    w.step_refused(
        &id,
        json!({"action": "record_findings", "result": "violations_found", "findings": []}),
        Invalid("findings"),
    )
    .await;
    w.step_refused(
        &id,
        json!({"action": "record_findings", "result": "compliant", "findings": [{"description": "隐患", "hazard_level": "general"}]}),
        Invalid("result"),
    )
    .await;
    w.step_ok(&id, json!({"action": "record_findings", "result": "compliant"}))
        .await;
    w.step_refused(
        &id,
        json!({"action": "order_rectification", "deadline": today()}),
        Rule("nothing_to_rectify"),
    )
    .await;
    let case = w.step_ok(&id, json!({"action": "close"})).await;
    assert_eq!(case["status"], json!("closed"));
}

#[tokio::test]
async fn escalating_an_inspection_opens_a_linked_penalty_case() {
    let w = case_world().await;
    let id = w
        .inspection_at(
            InspectionStage::FoundViolations(json!([{"description": "无证经营", "hazard_level": "general"}])),
            json!({}),
        )
        .await;
    w.step_ok(
        &id,
        json!({"action": "escalate", "summary": "无证经营，立案调查", "violation_on": days_ago(1)}),
    )
    .await;
    let record = w.record(&id).await;
    let escalation = record["events"].as_array().unwrap().last().unwrap();
    assert_eq!(escalation["action"], json!("escalate"));
    let child_id = escalation["payload"]["penalty_case_id"].as_str().unwrap();
    let child = w.case(child_id).await;
    assert_eq!(child["case_number"], json!(format!("学府罚〔{}〕第001号", this_year())));
    assert_eq!(escalation["payload"]["penalty_case_number"], child["case_number"]);
    assert_eq!(
        (child["source"].clone(), child["parent_case_id"].clone()),
        (json!("inspection"), json!(id))
    );
    assert_eq!(
        (
            child["kind"].clone(),
            child["procedure"].clone(),
            child["status"].clone()
        ),
        (json!("penalty"), json!("ordinary"), json!("pending_approval")),
        "the new penalty case waits for the head's approval of its filing"
    );
    assert_eq!(child["subject"]["id"], json!(w.enterprise));
    assert_eq!(child["officers"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn an_inspection_can_be_transferred() {
    let w = case_world().await;
    let id = w.open_ok("inspection", json!({})).await;
    let transfer = json!({"action": "transfer", "to_department": "区市场监管局", "reason": "属食品安全职责"});
    // A transfer (移送) is the supervisor's to approve, not the officers'.
    w.step_refused(&id, transfer.clone(), NotAllowed).await;
    w.step_refused_by(
        &w.supervisor,
        &id,
        json!({"action": "transfer", "to_department": " ", "reason": "x"}),
        Invalid("to_department"),
    )
    .await;
    let case = w.step_ok_by(&w.supervisor, &id, transfer).await;
    assert_eq!(
        (case["status"].clone(), case["transferred_to"].clone()),
        (json!("transferred"), json!("区市场监管局"))
    );
    assert_eq!(actions(&case), Vec::<String>::new());
}

#[tokio::test]
async fn an_ordinary_penalty_case_runs_from_filing_to_archive() {
    let w = case_world().await;
    let (status, case) = w
        .open(
            "penalty",
            json!({"opened_on": days_ago(40), "violation_on": days_ago(45)}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    let id = case["id"].as_str().unwrap().to_string();
    let opened = enforcement::clock::today() - chrono::Duration::days(40);
    assert_eq!(
        case["case_number"],
        json!(format!("学府罚〔{}〕第001号", &days_ago(40)[..4]))
    );
    assert_eq!(
        case["decision_due_on"],
        json!((opened + chrono::Duration::days(90)).to_string())
    );
    // The filing waits for the head's approval (立案审批), by a supervisor.
    assert_eq!(case["status"], json!("pending_approval"));
    w.step_refused(&id, json!({"action": "approve_filing"}), NotAllowed)
        .await;
    let case = w
        .step_ok_by(&w.supervisor, &id, json!({"action": "approve_filing"}))
        .await;
    assert_eq!(case["status"], json!("filed"));

    w.step_refused(
        &id,
        json!({"action": "record_investigation", "record_type": "site", "content": "现场检查笔录"}),
        Rule("credentials_not_shown"),
    )
    .await;
    let case = w.step_ok(&id, json!({"action": "record_investigation", "record_type": "site", "content": "现场检查笔录：占道经营约3平方米", "credentials_shown": true})).await;
    assert_eq!(case["status"], json!("investigating"));
    w.step_ok(
        &id,
        json!({"action": "record_investigation", "record_type": "evidence", "content": "调取监控录像"}),
    )
    .await;
    // A penalty proposed without a notice is refused.
    w.step_refused(
        &id,
        propose(json!([{"type": "fine", "amount_fen": 100000}]), &days_ago(30)),
        Rule("notice_required"),
    )
    .await;
    // The fine may not exceed the power's discretion maximum (¥50,000).
    w.step_refused(
        &id,
        json!({"action": "notify", "penalties": [{"type": "fine", "amount_fen": 6000000}], "facts": "占道经营", "legal_basis": "条例第三十六条", "notified_on": days_ago(30)}),
        Rule("discretion_range_exceeded"),
    )
    .await;
    w.step_refused(
        &id,
        json!({"action": "notify", "penalties": [{"type": "fine"}], "facts": "占道经营", "legal_basis": "条例第三十六条"}),
        Invalid("penalties[0].amount_fen"),
    )
    .await;

    let case = w.step_ok(&id, json!({"action": "notify", "penalties": [{"type": "fine", "amount_fen": 500000}], "facts": "占道经营", "legal_basis": "《城市市容和环境卫生管理条例》第三十六条", "notified_on": days_ago(30)})).await;
    assert_eq!(
        case["notice"]["penalties"],
        json!([{"type": "fine", "amount_fen": 500000}])
    );
    assert_eq!(case["status"], json!("notified"));
    assert_eq!(case["notice"]["fine_amount_fen"], json!(500000));
    assert_eq!(
        case["notice"]["hearing_rights"],
        json!(false),
        "¥5,000 to an enterprise is below the hearing threshold"
    );
    assert_eq!(case["defense_state"], json!("pending"));
    // The defence period is 5 working days from the notice, by the calendar.
    let (_, expected) = json_of(
        w.app
            .get(
                &format!("/api/v1/calendar/add-working-days?from={}&days=5", days_ago(30)),
                w.lead_token(),
            )
            .await,
    )
    .await;
    assert_eq!(case["defense_due_on"], expected["date"]);

    // Proposing inside the defence period is refused; it ended long ago for today's date.
    w.step_refused(
        &id,
        propose(json!([{"type": "fine", "amount_fen": 500000}]), &days_ago(29)),
        Rule("defense_period_running"),
    )
    .await;
    // Heavier than notified: a larger fine, or a type not notified.
    w.step_refused(
        &id,
        propose(json!([{"type": "fine", "amount_fen": 600000}]), &days_ago(21)),
        Rule("heavier_than_notified"),
    )
    .await;
    w.step_refused(
        &id,
        propose(
            json!([{"type": "fine", "amount_fen": 500000}, {"type": "suspend_business"}]),
            &days_ago(21),
        ),
        Rule("heavier_than_notified"),
    )
    .await;
    // The officers propose (处理意见); only the head decides (APL art. 57).
    let case = w
        .step_ok(
            &id,
            propose(json!([{"type": "fine", "amount_fen": 300000}]), &days_ago(21)),
        )
        .await;
    assert_eq!(case["status"], json!("proposed"));
    assert_eq!(
        case["proposal"]["penalties"],
        json!([{"type": "fine", "amount_fen": 300000}])
    );
    w.step_refused(&id, json!({"action": "decide", "decided_on": days_ago(20)}), NotAllowed)
        .await;
    // No decision without counsel's approved review (法制审核, APL art. 58).
    w.step_refused_by(
        &w.supervisor,
        &id,
        json!({"action": "decide", "decided_on": days_ago(20)}),
        Rule("legal_review_required"),
    )
    .await;
    w.approve_review(&id).await;
    let tomorrow = (enforcement::clock::today() + chrono::Duration::days(1)).to_string();
    w.step_refused_by(
        &w.supervisor,
        &id,
        json!({"action": "decide", "decided_on": tomorrow}),
        Invalid("decided_on"),
    )
    .await;
    // The head may decide lighter than proposed, never heavier.
    w.step_refused_by(
        &w.supervisor,
        &id,
        json!({"action": "decide", "decided_on": days_ago(20), "penalties": [{"type": "fine", "amount_fen": 300001}]}),
        Rule("heavier_than_proposed"),
    )
    .await;

    let case = w
        .step_ok_by(
            &w.supervisor,
            &id,
            json!({"action": "decide", "decided_on": days_ago(20)}),
        )
        .await;
    assert_eq!(case["status"], json!("decided"));
    assert_eq!(
        case["decision"]["penalties"],
        json!([{"type": "fine", "amount_fen": 300000}])
    );
    assert_eq!(case["decision"]["fine_amount_fen"], json!(300000));
    assert_eq!(
        case["decision"]["decision_number"],
        json!(format!("学府罚决字〔{}〕第1号", &days_ago(20)[..4]))
    );
    let (_, service_due) = json_of(
        w.app
            .get(
                &format!("/api/v1/calendar/add-working-days?from={}&days=7", days_ago(20)),
                w.lead_token(),
            )
            .await,
    )
    .await;
    assert_eq!(case["service_due_on"], service_due["date"]);

    w.step_refused(
        &id,
        json!({"action": "serve", "method": "in_person", "served_on": days_ago(21)}),
        Invalid("served_on"),
    )
    .await;
    let case = w
        .step_ok(
            &id,
            json!({"action": "serve", "method": "mail", "served_on": days_ago(18), "receipt": "EMS1234567890"}),
        )
        .await;
    assert_eq!(case["status"], json!("served"));
    // 15 days from service; a last day on a rest day moves to the next working day.
    let (_, payment_due) = json_of(
        w.app
            .get(
                &format!("/api/v1/calendar/add-working-days?from={}&days=1", days_ago(4)),
                w.lead_token(),
            )
            .await,
    )
    .await;
    assert_eq!(case["payment_due_on"], payment_due["date"]);

    w.step_refused(&id, json!({"action": "close"}), Rule("incomplete_case_file"))
        .await;
    let case = w
        .step_ok(
            &id,
            json!({"action": "record_payment", "amount_fen": 100000, "paid_on": days_ago(10)}),
        )
        .await;
    assert_eq!(
        (case["status"].clone(), case["paid_fen"].clone()),
        (json!("served"), json!(100000))
    );
    w.step_refused(
        &id,
        json!({"action": "record_payment", "amount_fen": 300000, "paid_on": days_ago(5)}),
        Rule("overpayment"),
    )
    .await;
    let case = w
        .step_ok(
            &id,
            json!({"action": "record_payment", "amount_fen": 200000, "paid_on": days_ago(5)}),
        )
        .await;
    assert_eq!(
        (case["status"].clone(), case["executed_on"].clone()),
        (json!("executed"), json!(days_ago(5)))
    );
    assert_eq!(case["late_payment_penalty_fen"], json!(0), "paid before the due date");
    let case = w.step_ok(&id, json!({"action": "close"})).await;
    assert_eq!(case["status"], json!("closed"));
    let case = w.step_ok(&id, json!({"action": "archive"})).await;
    assert_eq!(case["status"], json!("archived"));
    assert_eq!(
        event_actions(&w.record(&id).await),
        [
            "create",
            "approve_filing",
            "record_investigation",
            "record_investigation",
            "notify",
            "propose_decision",
            "submit_legal_review",
            "record_legal_opinion",
            "decide",
            "serve",
            "record_payment",
            "record_payment",
            "close",
            "archive"
        ]
    );
}

#[tokio::test]
async fn a_recorded_defence_must_be_reviewed_and_a_waiver_opens_the_decision() {
    let w = case_world().await;
    let id = w.penalty_at(Stage::Notified(Notice::fine(200000)), json!({})).await;
    let proposal = propose(json!([{"type": "fine", "amount_fen": 200000}]), &today());
    w.step_refused(&id, proposal.clone(), Rule("defense_period_running"))
        .await;
    w.step_refused(
        &id,
        json!({"action": "review_defense", "opinion": "x", "accepted": false}),
        Rule("no_defense_to_review"),
    )
    .await;
    w.step_ok(
        &id,
        json!({"action": "record_defense", "content": "当事人称系初次违法"}),
    )
    .await;
    w.step_refused(&id, proposal.clone(), Rule("defense_not_reviewed"))
        .await;
    let case = w
        .step_ok(
            &id,
            json!({"action": "review_defense", "opinion": "申辩理由不成立", "accepted": false}),
        )
        .await;
    assert_eq!(case["defense_state"], json!("reviewed"));
    let case = w.propose_and_decide(&id, proposal).await;
    assert_eq!(case["status"], json!("decided"));

    // Another case: a waiver opens the decision at once.
    let id = w.penalty_at(Stage::Notified(Notice::of("warning")), json!({})).await;
    w.step_ok(&id, json!({"action": "waive_defense"})).await;
    let case = w
        .propose_and_decide(&id, propose(json!([{"type": "warning"}]), &today()))
        .await;
    assert_eq!(case["decision"]["penalties"], json!([{"type": "warning"}]));
    assert_eq!(
        case["decision"]["decision_number"],
        json!(format!("学府罚决字〔{}〕第2号", this_year()))
    );
    // A warning needs service but no payment before closing.
    w.step_refused(&id, json!({"action": "close"}), Rule("incomplete_case_file"))
        .await;
    w.step_ok(
        &id,
        json!({"action": "serve", "method": "in_person", "served_on": today()}),
    )
    .await;
    w.step_refused(
        &id,
        json!({"action": "record_payment", "amount_fen": 100, "paid_on": today()}),
        Rule("no_fine_to_pay"),
    )
    .await;
    let case = w.step_ok(&id, json!({"action": "close"})).await;
    assert_eq!(case["status"], json!("closed"));
}

#[tokio::test]
async fn a_renotice_allows_a_heavier_decision() {
    let w = case_world().await;
    let id = w
        .penalty_at(
            Stage::Notified(Notice::fine(100000).on(days_ago(25))),
            json!({"opened_on": days_ago(30), "violation_on": days_ago(31)}),
        )
        .await;
    let heavier = propose(json!([{"type": "fine", "amount_fen": 300000}]), &today());
    w.step_refused(&id, heavier.clone(), Rule("heavier_than_notified"))
        .await;
    let case = w.step_ok(&id, json!({"action": "notify", "penalties": [{"type": "fine", "amount_fen": 300000}], "facts": "占道经营，情节较重", "legal_basis": "条例", "notified_on": days_ago(15)})).await;
    assert_eq!(
        case["defense_state"],
        json!("pending"),
        "a new notice opens a new defence period"
    );
    let case = w.propose_and_decide(&id, heavier).await;
    assert_eq!(case["decision"]["fine_amount_fen"], json!(300000));
}

#[tokio::test]
async fn hearings_follow_their_periods_and_major_cases_need_a_collective_discussion() {
    let w = case_world().await;
    let id = w
        .penalty_at(
            Stage::Notified(Notice::of("revoke_license").on(days_ago(50))),
            json!({"opened_on": days_ago(60), "violation_on": days_ago(61)}),
        )
        .await;
    assert_eq!(
        w.case(&id).await["notice"]["hearing_rights"],
        json!(true),
        "revocation carries hearing rights"
    );
    // Too late: the request period is 5 working days from the notice.
    w.step_refused(
        &id,
        json!({"action": "request_hearing", "requested_on": days_ago(30)}),
        Rule("hearing_request_late"),
    )
    .await;
    let case = w
        .step_ok(&id, json!({"action": "request_hearing", "requested_on": days_ago(49)}))
        .await;
    assert_eq!(case["status"], json!("hearing"));
    w.step_refused(
        &id,
        propose(json!([{"type": "revoke_license"}]), &days_ago(48)),
        NotAllowed,
    )
    .await;
    let host = w.app.create_user("hearing.host", &["supervisor"]).await;
    // The party must be told 7 working days ahead.
    w.step_refused(
        &id,
        json!({"action": "schedule_hearing", "notified_on": days_ago(48), "hearing_on": days_ago(45), "host_id": host}),
        Rule("hearing_notice_too_short"),
    )
    .await;
    // The host did not investigate the case (APL art. 64 (4)).
    w.step_refused(
        &id,
        json!({"action": "schedule_hearing", "notified_on": days_ago(48), "hearing_on": days_ago(30), "host_id": w.lead.0}),
        Rule("hearing_host_is_case_officer"),
    )
    .await;
    w.step_refused(
        &id,
        json!({"action": "record_hearing", "held_on": days_ago(30), "summary": "听证"}),
        Rule("hearing_not_scheduled"),
    )
    .await;
    w.step_ok(
        &id,
        json!({"action": "schedule_hearing", "notified_on": days_ago(48), "hearing_on": days_ago(30), "host_id": host}),
    )
    .await;
    let case = w
        .step_ok(
            &id,
            json!({"action": "record_hearing", "held_on": days_ago(30), "summary": "当事人到场陈述"}),
        )
        .await;
    assert_eq!(
        (case["status"].clone(), case["hearing_state"].clone()),
        (json!("notified"), json!("held"))
    );

    w.step_ok(&id, propose(json!([{"type": "revoke_license"}]), &days_ago(21)))
        .await;
    w.approve_review(&id).await;
    let decide = json!({"action": "decide", "decided_on": days_ago(20)});
    w.step_refused_by(
        &w.supervisor,
        &id,
        decide.clone(),
        Rule("collective_discussion_required"),
    )
    .await;
    w.step_refused(
        &id,
        json!({"action": "record_collective_discussion", "held_on": days_ago(25), "participants": ["主任"], "conclusion": "同意"}),
        Invalid("participants"),
    )
    .await;
    w.step_ok(&id, json!({"action": "record_collective_discussion", "held_on": days_ago(25), "participants": ["主任", "副主任", "法制员"], "conclusion": "同意吊销"})).await;
    let case = w.step_ok_by(&w.supervisor, &id, decide).await;
    assert_eq!(case["status"], json!("decided"));

    // A small fine carries no hearing rights.
    let small = w.penalty_at(Stage::Notified(Notice::fine(50000)), json!({})).await;
    w.step_refused(&small, json!({"action": "request_hearing"}), Rule("no_hearing_rights"))
        .await;
    // A large fine to an individual does (threshold ¥10,000).
    let large = w
        .penalty_at(
            Stage::Notified(Notice::fine(1000000)),
            json!({"subject_id": w.individual}),
        )
        .await;
    assert_eq!(w.case(&large).await["notice"]["hearing_rights"], json!(true));
}

#[tokio::test]
async fn the_simple_procedure_decides_on_the_spot_within_its_limits() {
    let w = case_world().await;
    let one_officer = json!({"procedure": "simple", "subject_id": w.individual, "officer_ids": [w.lead.0], "opened_on": today(), "violation_on": today()});
    let (status, problem) = w.open("penalty", one_officer.clone()).await;
    assert_eq!(
        (status, problem["rule"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("two_officers_required")),
        "APL art. 42 binds the simple procedure too: {problem}"
    );
    let mut two_officers = one_officer.clone();
    two_officers["officer_ids"] = json!(w.officers());
    let (status, case) = w.open("penalty", two_officers.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    let id = case["id"].as_str().unwrap().to_string();
    assert_eq!(case["decision_due_on"], json!(null));
    assert_eq!(actions(&case), ["decide", "request_recusal", "terminate"]);

    let fine = |amount: i64| json!({"action": "decide", "outcome": "penalty", "penalties": [{"type": "fine", "amount_fen": amount}], "credentials_shown": true, "party_heard": "当事人无异议"});
    let mut no_credentials = fine(10000);
    no_credentials["credentials_shown"] = json!(false);
    w.step_refused(&id, no_credentials, Rule("credentials_not_shown")).await;
    // The party is told the facts, reasons, basis and rights, and heard, on the spot.
    let mut not_heard = fine(10000);
    not_heard["party_heard"] = json!(" ");
    w.step_refused(&id, not_heard, Rule("party_not_heard")).await;
    w.step_refused(&id, fine(20001), Rule("simple_procedure_limit")).await;
    w.step_refused(
        &id,
        json!({"action": "decide", "outcome": "penalty", "penalties": [{"type": "confiscate_illegal_gains", "amount_fen": 100}], "credentials_shown": true, "party_heard": "无异议"}),
        Rule("simple_procedure_limit"),
    )
    .await;
    let case = w.step_ok(&id, fine(15000)).await;
    assert_eq!(case["status"], json!("decided"));
    assert_eq!(case["served_on"], json!(today()), "handed over on the spot");
    assert!(case["decision"]["decision_number"].as_str().unwrap().contains("罚决字"));
    // ¥150 is over the ¥100 on-the-spot collection limit.
    w.step_refused(
        &id,
        json!({"action": "record_payment", "amount_fen": 15000, "paid_on": today(), "on_the_spot": true}),
        Rule("on_the_spot_collection_limit"),
    )
    .await;
    let case = w
        .step_ok(
            &id,
            json!({"action": "record_payment", "amount_fen": 15000, "paid_on": today()}),
        )
        .await;
    assert_eq!(case["status"], json!("executed"));
    let case = w.step_ok(&id, json!({"action": "close"})).await;
    assert_eq!(case["status"], json!("closed"));

    // An organisation may be fined up to ¥3,000 on the spot, and ¥100 collected there.
    let org = w
        .open_ok(
            "penalty",
            json!({"procedure": "simple", "opened_on": today(), "violation_on": today()}),
        )
        .await;
    w.step_ok(&org, fine(300000)).await;
    let small = w
        .open_ok(
            "penalty",
            json!({"procedure": "simple", "opened_on": today(), "violation_on": today()}),
        )
        .await;
    w.step_ok(&small, fine(10000)).await;
    // Collected on the spot against a 专用票据 receipt (APL art. 70).
    w.step_refused(
        &small,
        json!({"action": "record_payment", "amount_fen": 10000, "paid_on": today(), "on_the_spot": true}),
        Rule("receipt_required"),
    )
    .await;
    let case = w
        .step_ok(
            &small,
            json!({"action": "record_payment", "amount_fen": 10000, "paid_on": today(), "on_the_spot": true, "receipt_no": "津财罚No.00012345"}),
        )
        .await;
    assert_eq!(case["status"], json!("executed"));
    // The money reaches the agency within 2 working days (APL art. 71).
    let (_, handover_due) = json_of(
        w.app
            .get(
                &format!("/api/v1/calendar/add-working-days?from={}&days=2", today()),
                w.lead_token(),
            )
            .await,
    )
    .await;
    assert_eq!(case["handover_due_on"], handover_due["date"]);
    let case = w
        .step_ok(&small, json!({"action": "record_handover", "handed_over_on": today()}))
        .await;
    assert_eq!(case["handed_over_on"], json!(today()));
}

#[tokio::test]
async fn filing_rules_refuse_and_leave_no_trace() {
    let w = case_world().await;
    let refuse = |extra: Value, rule: &'static str| {
        let w = &w;
        async move {
            let (status, problem) = w.open("penalty", extra.clone()).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{extra} → {problem}");
            assert_eq!(problem["rule"], json!(rule), "{extra} → {problem}");
        }
    };
    refuse(json!({"officer_ids": [w.lead.0]}), "two_officers_required").await;
    refuse(
        json!({"violation_on": days_ago(3 * 366), "opened_on": today()}),
        "limitation_period_expired",
    )
    .await;
    let expired_officer = w.app.officer_with_certificate("old.cert", &days_ago(1)).await.0;
    refuse(
        json!({"officer_ids": [w.lead.0, expired_officer], "opened_on": today(), "violation_on": days_ago(1)}),
        "officer_certificate_invalid",
    )
    .await;
    // The same officer back-dated to when the certificate was valid is accepted (补录).
    let (status, case) = w
        .open(
            "penalty",
            json!({"officer_ids": [w.lead.0, expired_officer], "opened_on": days_ago(5), "violation_on": days_ago(6)}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    assert_eq!(
        case["case_number"],
        json!(format!("学府罚〔{}〕第001号", &days_ago(5)[..4])),
        "refused filings used no number"
    );
    // Five years when life, health or financial safety was harmed (APL art. 36).
    let (status, _) = w
        .open(
            "penalty",
            json!({"violation_on": days_ago(3 * 366), "opened_on": today(), "serious_harm": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);

    let (status, problem) = w
        .open(
            "penalty",
            json!({"opened_on": (enforcement::clock::today() + chrono::Duration::days(1)).to_string()}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_fields(&problem), vec!["opened_on"]);
    let (_, problem) = w.open("penalty", json!({"violation_on": null})).await;
    assert_eq!(error_fields(&problem), vec!["violation_on"]);
    let (_, problem) = w.open("penalty", json!({"subject_id": "no-such-subject"})).await;
    assert_eq!(error_fields(&problem), vec!["subject_id"]);
    let (_, problem) = w.open("penalty", json!({"power_ids": ["no-such-power"]})).await;
    assert_eq!(error_fields(&problem), vec!["power_ids[0]"]);
    let (_, problem) = w.open("penalty", json!({"officer_ids": [w.lead.0, "nobody"]})).await;
    assert_eq!(error_fields(&problem), vec!["officer_ids[1]"]);
    let (_, problem) = w.open("inspection", json!({"procedure": "simple"})).await;
    assert_eq!(error_fields(&problem), vec!["procedure"]);
    let (_, problem) = w.open("penalty", json!({"source": "inspection"})).await;
    assert_eq!(error_fields(&problem), vec!["parent_case_id"]);
    let (status, problem) = w.open("penalty", json!({"kind": "audit"})).await;
    assert_eq!(
        (status, error_fields(&problem)),
        (StatusCode::BAD_REQUEST, vec!["kind".to_string()])
    );

    // Only officers open cases.
    let body = json!({"kind": "inspection", "subject_id": w.enterprise, "power_ids": [w.power], "officer_ids": w.officers(), "summary": "x"});
    expect_problem(
        w.app.post("/api/v1/cases", &w.supervisor, &body).await,
        StatusCode::FORBIDDEN,
    )
    .await;

    let (_, list) = json_of(w.app.get("/api/v1/cases?limit=200", w.lead_token()).await).await;
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        2,
        "only the two accepted filings exist"
    );
}

#[tokio::test]
async fn a_power_not_in_force_on_the_case_date_cannot_be_cited() {
    let w = case_world().await;
    // Retired yesterday: citable for a case dated before, not for one dated today.
    let (status, retired) = json_of(
        w.app
            .patch(
                &format!("/api/v1/powers/{}", w.power),
                &w.app.admin_token,
                &json!({"effective_to": days_ago(1)}),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{retired}");
    let (status, problem) = w.open("inspection", json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["rule"], json!("power_not_in_force"));
    let (status, case) = w.open("inspection", json!({"opened_on": days_ago(3)})).await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    // Back-entry (补录) goes back at most a year.
    let (status, problem) = w.open("inspection", json!({"opened_on": days_ago(400)})).await;
    assert_eq!(
        (status, error_fields(&problem)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["opened_on".to_string()])
    );
}

#[tokio::test]
async fn the_ninety_day_limit_is_enforced_and_extended_by_a_supervisor() {
    let w = case_world().await;
    let late = w
        .open_ok(
            "penalty",
            json!({"opened_on": days_ago(100), "violation_on": days_ago(101)}),
        )
        .await;
    let case = w.case(&late).await;
    assert_eq!(case["overdue"], json!(true));
    assert_eq!(case["overdue_deadlines"], json!(["decision_due_on"]));
    w.walk_to(&late, Stage::Notified(Notice::fine(100000).on(days_ago(20))))
        .await;
    w.step_ok(&late, json!({"action": "waive_defense"})).await;
    w.step_ok(
        &late,
        propose(json!([{"type": "fine", "amount_fen": 100000}]), &today()),
    )
    .await;
    w.step_refused_by(
        &w.supervisor,
        &late,
        json!({"action": "decide"}),
        Rule("decision_period_expired"),
    )
    .await;
    // Too late to extend: the period has ended.
    w.step_refused_by(
        &w.supervisor,
        &late,
        json!({"action": "extend_decision_deadline", "days": 30, "reason": "案情复杂"}),
        Rule("extension_after_deadline"),
    )
    .await;

    let id = w
        .open_ok(
            "penalty",
            json!({"opened_on": days_ago(80), "violation_on": days_ago(81)}),
        )
        .await;
    // Officers cannot extend; a supervisor can, with a reason, before the period ends.
    let problem = w
        .step_refused(
            &id,
            json!({"action": "extend_decision_deadline", "days": 30, "reason": "案情复杂"}),
            NotAllowed,
        )
        .await;
    assert!(problem["detail"].as_str().unwrap().contains("supervisor"), "{problem}");
    // Extensions rest on a rule the agency names (APL art. 60 defers to 法律、法规、规章).
    w.step_refused_by(
        &w.supervisor,
        &id,
        json!({"action": "extend_decision_deadline", "days": 30, "reason": "案情复杂"}),
        Rule("extension_rule_missing"),
    )
    .await;
    let put = w
        .app
        .put(
            "/api/v1/settings",
            &w.app.admin_token,
            &json!({"defense_period_working_days": 5, "hearing_threshold_individual_fen": 1000000,
                    "hearing_threshold_organisation_fen": 10000000,
                    "extension_rule": "《某市行政处罚程序规定》第三十条", "extension_max_days": 90}),
        )
        .await;
    assert_eq!(put.status(), StatusCode::OK);
    w.step_refused_by(
        &w.supervisor,
        &id,
        json!({"action": "extend_decision_deadline", "days": 30, "reason": " "}),
        Invalid("reason"),
    )
    .await;
    let case = w
        .step_ok_by(
            &w.supervisor,
            &id,
            json!({"action": "extend_decision_deadline", "days": 30, "reason": "案情复杂，经负责人批准延期"}),
        )
        .await;
    assert_eq!(
        case["decision_due_on"],
        json!((enforcement::clock::today() + chrono::Duration::days(40)).to_string())
    );
    let record = w.record(&id).await;
    let extension = record["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(extension["action"], json!("extend_decision_deadline"));
    assert_eq!(extension["payload"]["reason"], json!("案情复杂，经负责人批准延期"));
    assert_eq!(extension["payload"]["basis"], json!("《某市行政处罚程序规定》第三十条"));
    assert_ne!(
        extension["actor_id"],
        json!(w.lead.0),
        "the approver is recorded as the actor"
    );
    // At most the rule's 90 days in all.
    w.step_ok_by(
        &w.supervisor,
        &id,
        json!({"action": "extend_decision_deadline", "days": 60, "reason": "补充鉴定"}),
    )
    .await;
    w.step_refused_by(
        &w.supervisor,
        &id,
        json!({"action": "extend_decision_deadline", "days": 1, "reason": "再延"}),
        Rule("extension_limit"),
    )
    .await;

    // A supervisor who is also an officer of the case cannot approve its extension.
    let (chief_id, chief) = w.app.user_token("officer.chief", &["officer", "supervisor"]).await;
    let own = w.open_ok("penalty", json!({"officer_ids": [w.lead.0, chief_id]})).await;
    w.step_refused_by(
        &chief,
        &own,
        json!({"action": "extend_decision_deadline", "days": 10, "reason": "自批"}),
        Rule("approver_is_case_officer"),
    )
    .await;
}

#[tokio::test]
async fn non_penalty_outcomes_need_no_notice() {
    let w = case_world().await;
    let id = w.penalty_at(Stage::Investigating, json!({})).await;
    let minor = |extra: Value| {
        let mut body = propose(json!([]), &today());
        body["outcome"] = json!("no_penalty_minor");
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    w.step_refused(
        &id,
        minor(json!({"penalties": [{"type": "fine", "amount_fen": 100}]})),
        Invalid("penalties"),
    )
    .await;
    // 首违不罚 / 轻微不罚 (APL art. 33): its ground, and the party educated.
    w.step_refused(&id, minor(json!({})), Rule("no_penalty_ground_required"))
        .await;
    let grounded = minor(json!({"no_penalty_ground": "first_violation_minor_harm_corrected"}));
    w.step_refused(&id, grounded.clone(), Rule("education_required")).await;
    w.step_ok(
        &id,
        json!({"action": "record_education", "content": "向当事人讲解《条例》规定，当事人表示立即改正"}),
    )
    .await;
    let case = w.propose_and_decide(&id, grounded).await;
    assert_eq!(
        (case["status"].clone(), case["decision"]["outcome"].clone()),
        (json!("decided"), json!("no_penalty_minor"))
    );
    // Electronic service needs the party's consent (APL art. 61 ¶2).
    let electronic = json!({"action": "serve", "method": "electronic", "served_on": today()});
    w.step_refused(&id, electronic.clone(), Rule("electronic_service_consent_required"))
        .await;
    w.step_ok(
        &id,
        json!({"action": "record_service_consent", "address": "zhangsan@example.cn", "consented_on": today()}),
    )
    .await;
    w.step_ok(&id, electronic).await;
    w.step_ok(&id, json!({"action": "close"})).await;

    let judicial = w.penalty_at(Stage::Investigating, json!({})).await;
    let mut transfer = propose(json!([]), &today());
    transfer["outcome"] = json!("transfer_judicial");
    w.step_refused(&judicial, transfer.clone(), Invalid("receiving_organ"))
        .await;
    transfer["receiving_organ"] = json!("区公安分局");
    let case = w.propose_and_decide(&judicial, transfer).await;
    assert_eq!(case["transferred_to"], json!("区公安分局"));
    // The hand-over goes with a numbered 移送函, followed up like any transfer letter.
    let (status, letters) = json_of(w.app.get("/api/v1/transfers", &w.supervisor).await).await;
    assert_eq!(status, StatusCode::OK, "{letters}");
    let letter = letters["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["case_id"] == json!(judicial))
        .unwrap_or_else(|| panic!("no letter for the judicial transfer: {letters}"))
        .clone();
    assert_eq!(
        (
            letter["kind"].clone(),
            letter["to_department"].clone(),
            letter["status"].clone()
        ),
        (json!("judicial"), json!("区公安分局"), json!("awaiting_receipt")),
        "{letter}"
    );
    assert!(letter["letter_number"].as_str().unwrap().contains("移字"), "{letter}");
    let record = w.record(&judicial).await;
    let decided = record["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        decided["payload"]["letter_number"], letter["letter_number"],
        "{decided}"
    );
    let case = w.step_ok(&judicial, json!({"action": "close"})).await;
    assert_eq!(case["status"], json!("closed"));
}

#[tokio::test]
async fn terminate_void_and_corrections() {
    let w = case_world().await;
    let id = w.penalty_at(Stage::Investigating, json!({})).await;
    let case = w
        .step_ok(&id, json!({"action": "terminate", "reason": "当事人死亡"}))
        .await;
    assert_eq!(
        (case["status"].clone(), case["terminated_reason"].clone()),
        (json!("terminated"), json!("当事人死亡"))
    );

    // Voiding is for mistaken entries, by a supervisor; the number stays used.
    let mistaken = w.open_ok("inspection", json!({})).await;
    w.step_refused(&mistaken, json!({"action": "void", "reason": "重复录入"}), NotAllowed)
        .await;
    let case = w
        .step_ok_by(
            &w.supervisor,
            &mistaken,
            json!({"action": "void", "reason": "重复录入"}),
        )
        .await;
    assert_eq!(case["status"], json!("voided"));
    let next = w.open_ok("inspection", json!({})).await;
    assert_eq!(
        w.case(&next).await["case_number"],
        json!(format!("学府检〔{}〕第0002号", this_year()))
    );

    // A closed case changes only by a supervisor's correction event.
    let closed = w.inspection_at(InspectionStage::FoundCompliant, json!({})).await;
    let before = w.step_ok(&closed, json!({"action": "close"})).await;
    w.step_refused(&closed, json!({"action": "correct", "note": "x"}), NotAllowed)
        .await;
    let after = w
        .step_ok_by(
            &w.supervisor,
            &closed,
            json!({"action": "correct", "note": "检查地点应为学府街6号院", "field": "location"}),
        )
        .await;
    assert_eq!(after["status"], json!("closed"));
    assert_eq!(
        after["location"], before["location"],
        "corrections are events, never edits"
    );
    let record = w.record(&closed).await;
    assert_eq!(
        record["events"].as_array().unwrap().last().unwrap()["action"],
        json!("correct")
    );
}

#[tokio::test]
async fn only_the_cases_officers_act_and_other_agencies_see_nothing() {
    let w = case_world().await;
    let id = w.open_ok("inspection", json!({})).await;
    let (_, outsider) = w.app.officer_with_certificate("outsider", "2035-12-31").await;
    let problem = w
        .step_refused_by(
            &outsider,
            &id,
            json!({"action": "start", "credentials_shown": true, "location": "x"}),
            NotAllowed,
        )
        .await;
    assert_eq!(problem["allowed_actions"], json!([]));
    let (_, seen) = json_of(w.app.get(&format!("/api/v1/cases/{id}"), &outsider).await).await;
    assert_eq!(seen["allowed_actions"], json!([]), "staff may read but not act");
    // The second officer of the case may act.
    w.step_ok_by(
        &w.second.1,
        &id,
        json!({"action": "start", "credentials_shown": true, "location": "学府街7号"}),
    )
    .await;

    let other_admin = w.app.second_agency("HD", "hd.admin").await;
    expect_problem(
        w.app.get(&format!("/api/v1/cases/{id}"), &other_admin).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    expect_problem(
        w.app.get(&format!("/api/v1/cases/{id}/record"), &other_admin).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let (_, list) = json_of(w.app.get("/api/v1/cases", &other_admin).await).await;
    assert_eq!(list["items"], json!([]));
}

#[tokio::test]
async fn unknown_actions_and_wrong_fields_are_400s() {
    let w = case_world().await;
    let id = w.open_ok("inspection", json!({})).await;
    w.step_refused(&id, json!({"action": "fly"}), Malformed("action")).await;
    w.step_refused(&id, json!({"location": "x"}), Malformed("action")).await;
    w.step_refused(
        &id,
        json!({"action": "start", "credentials_shown": "yes"}),
        Malformed("credentials_shown"),
    )
    .await;
    expect_problem(
        w.app
            .post(
                "/api/v1/cases/not-a-case/transitions",
                w.lead_token(),
                &json!({"action": "close"}),
            )
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn officers_of_a_case_see_its_partys_personal_data() {
    let w = case_world().await;
    let (_, outsider) = w.app.officer_with_certificate("outsider", "2035-12-31").await;
    let path = format!("/api/v1/subjects/{}", w.individual);
    let (_, before) = json_of(w.app.get(&path, w.lead_token()).await).await;
    assert_eq!(before["id_card_no"], json!("1101**********002X"), "no case yet: masked");
    w.open_ok("inspection", json!({"subject_id": w.individual})).await;
    for token in [w.lead_token(), w.second.1.as_str()] {
        let (_, seen) = json_of(w.app.get(&path, token).await).await;
        assert_eq!(seen["id_card_no"], json!("11010519491231002X"));
        assert_eq!(seen["contact_phone"], json!("13812345678"));
    }
    let (_, seen) = json_of(w.app.get(&path, &outsider).await).await;
    assert_eq!(
        seen["id_card_no"],
        json!("1101**********002X"),
        "not on the case: masked"
    );
    let (_, seen) = json_of(w.app.get(&path, &w.supervisor).await).await;
    assert_eq!(seen["contact_phone"], json!("138****5678"));
}

#[tokio::test]
async fn the_hearing_period_holds_a_decision_unless_the_party_waives_it() {
    let w = case_world().await;
    let id = w
        .penalty_at(Stage::Notified(Notice::of("suspend_business")), json!({}))
        .await;
    w.step_ok(&id, json!({"action": "record_defense", "content": "请求从轻"}))
        .await;
    w.step_refused(
        &id,
        json!({"action": "waive_defense"}),
        Rule("defense_already_recorded"),
    )
    .await;
    w.step_ok(
        &id,
        json!({"action": "review_defense", "opinion": "不予采纳", "accepted": false}),
    )
    .await;
    w.step_ok(&id, json!({"action": "record_collective_discussion", "held_on": today(), "participants": ["主任", "副主任"], "conclusion": "同意"})).await;
    let proposal = propose(json!([{"type": "suspend_business"}]), &today());
    w.step_refused(&id, proposal.clone(), Rule("hearing_request_period_running"))
        .await;

    let other = w
        .penalty_at(Stage::Notified(Notice::of("suspend_business")), json!({}))
        .await;
    let case = w
        .step_ok(
            &other,
            json!({"action": "waive_defense", "hearing_waived": true, "note": "当事人书面放弃陈述申辩和听证"}),
        )
        .await;
    assert_eq!(case["hearing_state"], json!("waived"));
    w.step_refused(&other, json!({"action": "request_hearing"}), Rule("hearing_waived"))
        .await;
    w.step_ok(&other, json!({"action": "record_collective_discussion", "held_on": today(), "participants": ["主任", "副主任"], "conclusion": "同意"})).await;
    let case = w.propose_and_decide(&other, proposal).await;
    assert_eq!(case["decision"]["penalties"], json!([{"type": "suspend_business"}]));
}

#[tokio::test]
async fn findings_stand_once_recorded_and_an_escalated_inspection_closes() {
    let w = case_world().await;
    let id = w.inspection_at(InspectionStage::Started, json!({})).await;
    w.step_refused(
        &id,
        json!({"action": "escalate", "summary": "立案", "violation_on": today()}),
        Rule("nothing_to_escalate"),
    )
    .await;
    w.step_ok(&id, json!({"action": "record_findings", "result": "violations_found", "findings": [{"description": "违规储存液化气", "hazard_level": "major"}]})).await;
    w.step_refused(
        &id,
        json!({"action": "record_findings", "result": "compliant"}),
        Rule("findings_already_recorded"),
    )
    .await;
    w.step_refused(&id, json!({"action": "close"}), Rule("unrectified_hazards"))
        .await;
    let case = w
        .step_ok(
            &id,
            json!({"action": "escalate", "summary": "违规储存液化气，立案查处", "violation_on": today()}),
        )
        .await;
    assert_eq!(case["findings"][0]["escalated"], json!(true));
    w.step_refused(
        &id,
        json!({"action": "escalate", "summary": "再次", "violation_on": today()}),
        Rule("already_escalated"),
    )
    .await;
    let case = w.step_ok(&id, json!({"action": "close"})).await;
    assert_eq!(case["status"], json!("closed"));
}

#[tokio::test]
async fn nul_characters_are_refused_before_they_reach_the_database() {
    let w = case_world().await;
    let body = json!({"kind": "inspection", "subject_id": w.enterprise, "power_ids": [w.power], "officer_ids": w.officers(), "summary": "bad\u{0}text"});
    let problem = expect_problem(
        w.app.post("/api/v1/cases", w.lead_token(), &body).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["summary"]);
    let id = w.open_ok("inspection", json!({})).await;
    let step = json!({"action": "start", "credentials_shown": true, "location": "学府街\u{0}"});
    w.step_refused(&id, step, Malformed("location")).await;
    expect_problem(
        w.app.get("/api/v1/cases?q=a%00b", w.lead_token()).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    expect_problem(
        w.app.get("/api/v1/cases/a%00b", w.lead_token()).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    let (_, list) = json_of(w.app.get("/api/v1/cases", w.lead_token()).await).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

/// The officers' `propose_decision` of `penalties`, dated `proposed_on`.
fn propose(penalties: Value, proposed_on: &str) -> Value {
    json!({
        "action": "propose_decision",
        "outcome": "penalty",
        "penalties": penalties,
        "facts": "占道经营",
        "legal_basis": "《城市市容和环境卫生管理条例》第三十六条",
        "discretion_reasoning": "情节一般",
        "proposed_on": proposed_on,
    })
}

#[tokio::test]
async fn a_recused_officer_steps_aside_and_is_replaced() {
    let w = case_world().await;
    let id = w.penalty_at(Stage::Investigating, json!({})).await;
    let (third, third_token) = w.app.officer_with_certificate("third.officer", "2035-12-31").await;
    w.step_refused(
        &id,
        json!({"action": "request_recusal", "officer_id": third, "reason": "x"}),
        Invalid("officer_id"),
    )
    .await;
    let case = w
        .step_ok(
            &id,
            json!({"action": "request_recusal", "officer_id": w.second.0, "reason": "当事人称该执法人员系其亲属"}),
        )
        .await;
    assert_eq!(case["recusal_requested_for"], json!(w.second.0));
    // A supervisor decides; two officers must remain (APL art. 42–43).
    w.step_refused(
        &id,
        json!({"action": "decide_recusal", "granted": true, "reason": "属实"}),
        NotAllowed,
    )
    .await;
    w.step_refused_by(
        &w.supervisor,
        &id,
        json!({"action": "decide_recusal", "granted": true, "reason": "属实"}),
        Rule("replacement_required"),
    )
    .await;
    let case = w
        .step_ok_by(
            &w.supervisor,
            &id,
            json!({"action": "decide_recusal", "granted": true, "replacement_officer_id": third, "reason": "经查属实，准予回避"}),
        )
        .await;
    let officers = case["officers"].as_array().unwrap();
    assert_eq!(officers.len(), 3);
    assert_eq!(officers[1]["recused"], json!(true));
    assert_eq!(
        (officers[2]["id"].clone(), officers[2]["recused"].clone()),
        (json!(third), json!(false))
    );
    // The recused officer takes no further step; the replacement does.
    let body = json!({"action": "record_investigation", "record_type": "evidence", "content": "补充证据"});
    w.step_refused_by(&w.second.1, &id, body.clone(), NotAllowed).await;
    w.step_ok_by(&third_token, &id, body).await;
}
