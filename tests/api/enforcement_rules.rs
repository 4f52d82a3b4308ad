//! The rules of service, execution, recusal, transfer and 从旧兼从轻 (DESIGN §3, §4.2–4.3),
//! one test per rule: the step the rule refuses — a 422 naming the rule (or a 409 for the
//! wrong caller), the case unchanged, no record event — and the step it allows. Dates are
//! relative to today and stay within the 366 days a case may be back-dated; working days
//! come from the service's calendar.

use chrono::{Duration, NaiveDate};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::Refusal::{Invalid, NotAllowed, Rule};
use crate::helpers::{CaseWorld, Notice, Stage, case_world, json_of};

fn today() -> NaiveDate {
    enforcement::clock::today()
}

/// The date `n` days before today.
fn ago(n: i64) -> NaiveDate {
    today() - Duration::days(n)
}

/// A date field of a case or payload.
fn date_of(value: &Value) -> NaiveDate {
    value
        .as_str()
        .unwrap_or_else(|| panic!("not a date: {value}"))
        .parse()
        .unwrap()
}

fn fine(amount_fen: i64) -> Value {
    json!([{"type": "fine", "amount_fen": amount_fen}])
}

/// The payload of the case's latest `action` event.
async fn last_payload(w: &CaseWorld, case_id: &str, action: &str) -> Value {
    let record = w.record(case_id).await;
    let event = record["events"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|e| e["action"] == json!(action))
        .unwrap_or_else(|| panic!("no {action} in {record}"))
        .clone();
    event["payload"].clone()
}

/// A `propose_decision` of `outcome` with `penalties`, proposed today.
fn proposal(outcome: &str, penalties: Value) -> Value {
    json!({
        "action": "propose_decision",
        "outcome": outcome,
        "penalties": penalties,
        "facts": "占道经营",
        "legal_basis": "《城市市容和环境卫生管理条例》第三十六条",
        "discretion_reasoning": "情节一般",
    })
}

/// The last day to pay for a decision served (or taking effect) on `effective_on`: the
/// 15th day after, or the next working day when that is a rest day (APL art. 67, 85).
async fn payment_due(w: &CaseWorld, effective_on: NaiveDate) -> NaiveDate {
    let fifteenth = effective_on + Duration::days(15);
    match w.app.is_working_day(fifteenth).await {
        true => fifteenth,
        false => w.app.add_working_days(fifteenth, 1).await,
    }
}

/// An ordinary case whose party was told of a fine of `amount_fen` on `on`, waived its
/// defence, and whose fine the head decided the same day: `decided`, not yet served.
async fn decided_on(w: &CaseWorld, amount_fen: i64, on: NaiveDate) -> String {
    let id = w
        .penalty_at(
            Stage::Notified(Notice::fine(amount_fen).on(on.to_string())),
            json!({"opened_on": on - Duration::days(10), "violation_on": on - Duration::days(11)}),
        )
        .await;
    w.step_ok(&id, json!({"action": "waive_defense"})).await;
    let mut propose = proposal("penalty", fine(amount_fen));
    propose["proposed_on"] = json!(on);
    w.step_ok(&id, propose).await;
    w.approve_review(&id).await;
    let case = w
        .step_ok_by(&w.supervisor, &id, json!({"action": "decide", "decided_on": on}))
        .await;
    assert_eq!(case["status"], json!("decided"), "{case}");
    id
}

/// An ordinary case with a fine of ¥1,000 decided and served in person on `served_on`:
/// `served`, its payment due 15 days later (or the next working day).
async fn served_fine(w: &CaseWorld, served_on: NaiveDate) -> (String, Value) {
    let id = w
        .penalty_at(
            Stage::Served {
                notice: Notice::fine(FINE).on((served_on - Duration::days(3)).to_string()),
                decided_on: served_on.to_string(),
                served_on: served_on.to_string(),
            },
            json!({"opened_on": served_on - Duration::days(10), "violation_on": served_on - Duration::days(11)}),
        )
        .await;
    let case = w.case(&id).await;
    assert_eq!(date_of(&case["payment_due_on"]), payment_due(w, served_on).await);
    (id, case)
}

/// The fine of [`served_fine`]: ¥1,000, so that 3 % is ¥30 a day.
const FINE: i64 = 100_000;

/// The late-payment penalty (加处罚款) after `days_late` days: 3 % of the fine a day, never
/// more than the fine (APL art. 72 (1)).
fn late_penalty(days_late: i64) -> i64 {
    (FINE * 3 * days_late.max(0) / 100).min(FINE)
}

fn serve(method: &str, served_on: NaiveDate) -> Value {
    json!({"action": "serve", "method": method, "served_on": served_on})
}

fn remedy(kind: &str, event: &str, on: NaiveDate) -> Value {
    json!({"action": "record_remedy", "kind": kind, "event": event, "on": on})
}

fn court_enforcement(applied_on: NaiveDate) -> Value {
    json!({"action": "apply_court_enforcement", "applied_on": applied_on, "court": "天津市南开区人民法院"})
}

// ---------------------------------------------------------------------------------------
// APL art. 61: electronic service needs consent; a public notice takes effect after 30 days.

#[tokio::test]
async fn electronic_service_needs_the_partys_consent_given_by_the_day_of_service() {
    let w = case_world().await;
    let id = decided_on(&w, FINE, ago(20)).await;
    w.step_refused(
        &id,
        serve("electronic", ago(18)),
        Rule("electronic_service_consent_required"),
    )
    .await;
    let case = w
        .step_ok(
            &id,
            json!({"action": "record_service_consent", "address": "xuefu-canyin@example.com", "consented_on": ago(16)}),
        )
        .await;
    assert_eq!(case["electronic_service_consent_on"], json!(ago(16)));
    assert_eq!(
        last_payload(&w, &id, "record_service_consent").await["address"],
        json!("xuefu-canyin@example.com")
    );
    // A consent given after the day of service does not cover it.
    w.step_refused(
        &id,
        serve("electronic", ago(18)),
        Rule("electronic_service_consent_required"),
    )
    .await;
    let case = w.step_ok(&id, serve("electronic", ago(16))).await;
    assert_eq!(case["status"], json!("served"));
    assert_eq!(case["service_method"], json!("electronic"));
    assert_eq!(case["served_on"], json!(ago(16)));
    assert_eq!(date_of(&case["payment_due_on"]), payment_due(&w, ago(16)).await);
}

#[tokio::test]
async fn a_consent_recorded_without_a_date_is_given_today() {
    let w = case_world().await;
    let id = decided_on(&w, FINE, ago(3)).await;
    let case = w
        .step_ok(
            &id,
            json!({"action": "record_service_consent", "address": "13812345678"}),
        )
        .await;
    assert_eq!(case["electronic_service_consent_on"], json!(today()));
    w.step_refused(
        &id,
        serve("electronic", ago(1)),
        Rule("electronic_service_consent_required"),
    )
    .await;
    let case = w.step_ok(&id, serve("electronic", today())).await;
    assert_eq!(case["status"], json!("served"));
}

/// The latest publication day, at least 30 days ago (so that service has taken effect and
/// the payment period ends within the calendar), whose 45th day after is a rest day
/// (`rest`) or a working day (`!rest`).
async fn publication_with_45th_day(w: &CaseWorld, rest: bool) -> NaiveDate {
    for back in 30..150 {
        let published = ago(back);
        if w.app.is_working_day(published + Duration::days(45)).await != rest {
            return published;
        }
    }
    panic!("no such publication day in the last 150 days");
}

#[tokio::test]
async fn service_by_public_notice_takes_effect_thirty_days_after_publication() {
    let w = case_world().await;
    for rest in [true, false] {
        let published = publication_with_45th_day(&w, rest).await;
        let id = decided_on(&w, FINE, published).await;
        let case = w.step_ok(&id, serve("notice", published)).await;
        let effective = published + Duration::days(30);
        assert_eq!(case["status"], json!("served"));
        assert_eq!(case["service_method"], json!("notice"));
        assert_eq!(
            case["served_on"],
            json!(effective),
            "published {published}: served 30 days later"
        );
        let last_day = effective + Duration::days(15);
        let expected = match rest {
            true => w.app.add_working_days(last_day, 1).await,
            false => last_day,
        };
        assert!(!rest || expected > last_day);
        assert_eq!(
            date_of(&case["payment_due_on"]),
            expected,
            "published {published}: 15 days from {effective}, off rest days"
        );
        let payload = last_payload(&w, &id, "serve").await;
        assert_eq!(
            (&payload["served_on"], &payload["effective_on"]),
            (&json!(published), &json!(effective))
        );
        assert_eq!(payload["late"], json!(false));
    }
}

// ---------------------------------------------------------------------------------------
// APL art. 68–71: on-the-spot collection, its receipt and its hand-over within 2 working days.

/// A simple-procedure case against the enterprise whose fine of `amount_fen` the officers
/// decided on the spot on `on`: `decided`.
async fn fined_on_the_spot(w: &CaseWorld, amount_fen: i64, on: NaiveDate) -> String {
    let id = w
        .open_ok(
            "penalty",
            json!({"procedure": "simple", "opened_on": on, "violation_on": on}),
        )
        .await;
    let case = w
        .step_ok(
            &id,
            json!({"action": "decide", "outcome": "penalty", "penalties": fine(amount_fen), "decided_on": on, "credentials_shown": true, "party_heard": "当事人承认违法事实，无异议"}),
        )
        .await;
    assert_eq!(case["status"], json!("decided"), "{case}");
    id
}

fn pay_on_the_spot(amount_fen: i64, paid_on: NaiveDate, receipt_no: Option<&str>) -> Value {
    let mut body =
        json!({"action": "record_payment", "amount_fen": amount_fen, "paid_on": paid_on, "on_the_spot": true});
    if let Some(receipt_no) = receipt_no {
        body["receipt_no"] = json!(receipt_no);
    }
    body
}

fn handover(on: NaiveDate) -> Value {
    json!({"action": "record_handover", "handed_over_on": on})
}

#[tokio::test]
async fn a_fine_of_100_yuan_is_collected_on_the_spot_against_a_receipt() {
    let w = case_world().await;
    let id = fined_on_the_spot(&w, 10_000, today()).await;
    w.step_refused(&id, pay_on_the_spot(10_000, today(), None), Rule("receipt_required"))
        .await;
    w.step_refused(
        &id,
        pay_on_the_spot(10_000, today(), Some("  ")),
        Rule("receipt_required"),
    )
    .await;
    // ¥100 itself ("一百元以下") needs no ground.
    let case = w
        .step_ok(&id, pay_on_the_spot(10_000, today(), Some("津财罚No.00012345")))
        .await;
    assert_eq!(case["status"], json!("executed"));
    assert_eq!(
        date_of(&case["handover_due_on"]),
        w.app.add_working_days(today(), 2).await
    );
    let payload = last_payload(&w, &id, "record_payment").await;
    assert_eq!(
        (
            &payload["on_the_spot"],
            &payload["receipt_no"],
            &payload["collection_ground"]
        ),
        (&json!(true), &json!("津财罚No.00012345"), &Value::Null)
    );
}

#[tokio::test]
async fn a_fine_above_100_yuan_is_collected_on_the_spot_only_with_a_ground() {
    let w = case_world().await;
    let id = fined_on_the_spot(&w, 10_001, today()).await;
    w.step_refused(
        &id,
        pay_on_the_spot(10_001, today(), Some("津财罚No.00012346")),
        Rule("on_the_spot_collection_limit"),
    )
    .await;
    let mut with_ground = pay_on_the_spot(10_001, today(), Some("津财罚No.00012346"));
    with_ground["collection_ground"] = json!("当事人系外地流动摊贩，不当场收缴事后难以执行");
    let case = w.step_ok(&id, with_ground).await;
    assert_eq!(case["status"], json!("executed"));
    assert_eq!(
        last_payload(&w, &id, "record_payment").await["collection_ground"],
        json!("当事人系外地流动摊贩，不当场收缴事后难以执行")
    );

    // The same payment after an ordinary decision is refused: on-the-spot collection
    // belongs to on-the-spot decisions (APL art. 68).
    let (ordinary, _) = served_fine(&w, ago(3)).await;
    w.step_refused(
        &ordinary,
        pay_on_the_spot(5_000, today(), Some("津财罚No.00012347")),
        Rule("on_the_spot_collection_limit"),
    )
    .await;
}

#[tokio::test]
async fn money_collected_on_the_spot_is_handed_over_by_the_second_working_day() {
    let w = case_world().await;
    let collected = ago(30);
    let due = w.app.add_working_days(collected, 2).await;
    let mut cases = Vec::new();
    for receipt in ["津财罚No.00020001", "津财罚No.00020002"] {
        let id = fined_on_the_spot(&w, 5_000, collected).await;
        // Acknowledged (备案), so that only the hand-over can be overdue.
        w.step_ok_by(&w.supervisor, &id, json!({"action": "acknowledge_filing"}))
            .await;
        let case = w.step_ok(&id, pay_on_the_spot(5_000, collected, Some(receipt))).await;
        assert_eq!(date_of(&case["handover_due_on"]), due);
        cases.push(id);
    }
    let (on_time, late) = (&cases[0], &cases[1]);
    assert_eq!(w.case(late).await["overdue_deadlines"], json!(["handover_due_on"]));
    let mut overdue = w.listed("overdue=true").await;
    overdue.sort();
    let mut expected = cases.clone();
    expected.sort();
    assert_eq!(overdue, expected);

    // Handed over on the second working day: in time.
    let case = w.step_ok(on_time, handover(due)).await;
    assert_eq!(case["handed_over_on"], json!(due));
    assert_eq!(case["overdue_deadlines"], json!([]));
    let payload = last_payload(&w, on_time, "record_handover").await;
    assert_eq!((&payload["due_on"], &payload["late"]), (&json!(due), &json!(false)));
    assert_eq!(w.listed("overdue=true").await, vec![late.clone()]);

    // A day later: still recorded, and marked late.
    let case = w.step_ok(late, handover(due + Duration::days(1))).await;
    assert_eq!(case["overdue"], json!(false));
    assert_eq!(last_payload(&w, late, "record_handover").await["late"], json!(true));
    assert!(w.listed("overdue=true").await.is_empty());
    w.step_refused(late, handover(today()), Rule("already_handed_over"))
        .await;
}

#[tokio::test]
async fn a_fine_paid_normally_has_nothing_to_hand_over() {
    let w = case_world().await;
    let id = fined_on_the_spot(&w, 5_000, today()).await;
    let case = w
        .step_ok(
            &id,
            json!({"action": "record_payment", "amount_fen": 5_000, "paid_on": today()}),
        )
        .await;
    assert_eq!(
        (&case["status"], &case["handover_due_on"]),
        (&json!("executed"), &Value::Null)
    );
    w.step_refused(&id, handover(today()), Rule("nothing_to_hand_over"))
        .await;
}

// ---------------------------------------------------------------------------------------
// APL art. 66, 72–73: the late-payment penalty, remedies, payment plans, court enforcement.

#[tokio::test]
async fn the_late_payment_penalty_is_three_percent_a_day_up_to_the_fine() {
    let w = case_world().await;
    let mut figures = Vec::new();
    for back in [25, 45, 80] {
        let (id, case) = served_fine(&w, ago(back)).await;
        let days_late = (today() - date_of(&case["payment_due_on"])).num_days();
        assert_eq!(
            case["late_payment_penalty_fen"],
            json!(late_penalty(days_late)),
            "served {back} days ago, {days_late} days late"
        );
        assert_eq!(case["overdue_deadlines"], json!(["payment_due_on"]));
        figures.push((id, days_late, case["late_payment_penalty_fen"].as_i64().unwrap()));
    }
    assert!(
        0 < figures[0].2 && figures[0].2 < figures[1].2 && figures[1].2 < FINE,
        "{figures:?}"
    );
    assert_eq!(figures[2].2, FINE, "never more than the fine: {figures:?}");

    // Paid today: the figure stays as it was on the day of payment.
    let (id, days_late, figure) = figures[1].clone();
    let case = w
        .step_ok(
            &id,
            json!({"action": "record_payment", "amount_fen": FINE, "paid_on": today()}),
        )
        .await;
    assert_eq!(case["status"], json!("executed"));
    assert_eq!(case["late_payment_penalty_fen"], json!(figure));
    assert_eq!(
        last_payload(&w, &id, "record_payment").await["late_payment_penalty_fen"],
        json!(late_penalty(days_late))
    );
}

#[tokio::test]
async fn a_pending_reconsideration_or_lawsuit_pauses_the_late_payment_penalty() {
    let w = case_world().await;
    let (id, case) = served_fine(&w, ago(30)).await;
    let due = date_of(&case["payment_due_on"]);
    let days_late = (today() - due).num_days();
    assert!(days_late >= 8, "due {due}");
    assert_eq!(case["late_payment_penalty_fen"], json!(late_penalty(days_late)));

    w.step_refused(
        &id,
        remedy("reconsideration", "decided", due + Duration::days(3)),
        Rule("no_remedy_pending"),
    )
    .await;
    let filed = due + Duration::days(3);
    let case = w.step_ok(&id, remedy("reconsideration", "filed", filed)).await;
    assert_eq!(case["remedy_pending_since"], json!(filed));
    // While it is pending only the three days before the filing count.
    assert_eq!(case["late_payment_penalty_fen"], json!(late_penalty(3)));
    w.step_refused(
        &id,
        remedy("lawsuit", "filed", filed + Duration::days(1)),
        Rule("remedy_already_pending"),
    )
    .await;

    let decided = filed + Duration::days(2);
    let mut decision = remedy("reconsideration", "decided", decided);
    decision["result"] = json!("维持原行政处罚决定");
    let case = w.step_ok(&id, decision).await;
    assert_eq!(case["remedy_pending_since"], Value::Null);
    // The two days it was pending do not count; the days after the decision do.
    assert_eq!(case["late_payment_penalty_fen"], json!(late_penalty(days_late - 2)));
    let payload = last_payload(&w, &id, "record_remedy").await;
    assert_eq!(
        (&payload["kind"], &payload["event"], &payload["result"]),
        (
            &json!("reconsideration"),
            &json!("decided"),
            &json!("维持原行政处罚决定")
        )
    );
    w.step_refused(
        &id,
        remedy("reconsideration", "decided", today()),
        Rule("no_remedy_pending"),
    )
    .await;

    // A lawsuit filed afterwards pauses it again.
    let case = w.step_ok(&id, remedy("lawsuit", "filed", today())).await;
    assert_eq!(case["remedy_pending_since"], json!(today()));
    assert_eq!(case["late_payment_penalty_fen"], json!(late_penalty(days_late - 2)));
}

#[tokio::test]
async fn a_payment_plan_is_approved_by_a_supervisor_for_what_is_owed() {
    let w = case_world().await;
    let (id, case) = served_fine(&w, ago(30)).await;
    let previous_due = case["payment_due_on"].clone();
    w.step_ok(
        &id,
        json!({"action": "record_payment", "amount_fen": 30_000, "paid_on": today()}),
    )
    .await;
    let last_day = today() + Duration::days(30);
    let plan = |instalments: Value| json!({"action": "approve_payment_plan", "payment_due_on": last_day, "instalments": instalments, "reason": "当事人经营困难，申请分期缴纳"});
    let owed = json!([
        {"due_on": today() + Duration::days(10), "amount_fen": 30_000},
        {"due_on": last_day, "amount_fen": 40_000},
    ]);
    // Approved by the head, not by the officers (APL art. 66 ¶2).
    w.step_refused(&id, plan(owed.clone()), NotAllowed).await;
    // The instalments add up to what is still owed (¥700), not to the fine.
    let whole_fine = json!([
        {"due_on": today() + Duration::days(10), "amount_fen": 60_000},
        {"due_on": last_day, "amount_fen": 40_000},
    ]);
    w.step_refused_by(&w.supervisor, &id, plan(whole_fine), Invalid("instalments"))
        .await;
    let case = w.step_ok_by(&w.supervisor, &id, plan(owed.clone())).await;
    assert_eq!(case["payment_due_on"], json!(last_day));
    assert_eq!(case["overdue_deadlines"], json!([]));
    let payload = last_payload(&w, &id, "approve_payment_plan").await;
    assert_eq!(
        (&payload["previous_due_on"], &payload["instalments"]),
        (&previous_due, &owed)
    );

    // A plain deferral, without instalments.
    let (deferred, _) = served_fine(&w, ago(30)).await;
    let case = w
        .step_ok_by(
            &w.supervisor,
            &deferred,
            json!({"action": "approve_payment_plan", "payment_due_on": last_day, "reason": "当事人确有经济困难，准予暂缓缴纳"}),
        )
        .await;
    assert_eq!(case["payment_due_on"], json!(last_day));
}

#[tokio::test]
async fn court_enforcement_is_applied_for_after_the_due_date_and_lets_an_unpaid_case_close() {
    let w = case_world().await;
    let (id, case) = served_fine(&w, ago(30)).await;
    let due = date_of(&case["payment_due_on"]);
    assert!(today() - due >= Duration::days(4), "due {due}");
    w.step_refused(&id, json!({"action": "close"}), Rule("incomplete_case_file"))
        .await;
    // The last day to pay is still the party's.
    w.step_refused(&id, court_enforcement(due), Rule("payment_not_yet_due"))
        .await;
    w.step_ok(&id, remedy("lawsuit", "filed", due + Duration::days(1)))
        .await;
    w.step_refused(&id, court_enforcement(due + Duration::days(2)), Rule("remedy_pending"))
        .await;
    w.step_ok(&id, remedy("lawsuit", "decided", due + Duration::days(3)))
        .await;
    let mut applied = court_enforcement(today());
    applied["outcome"] = json!("准予强制执行");
    let case = w.step_ok(&id, applied).await;
    assert_eq!(case["court_enforcement_applied_on"], json!(today()));
    assert_eq!(case["overdue_deadlines"], json!([]));
    let payload = last_payload(&w, &id, "apply_court_enforcement").await;
    assert_eq!(
        (&payload["owed_fen"], &payload["outcome"]),
        (&json!(FINE), &json!("准予强制执行"))
    );
    let case = w.step_ok(&id, json!({"action": "close"})).await;
    assert_eq!((&case["status"], &case["paid_fen"]), (&json!("closed"), &json!(0)));
}

// ---------------------------------------------------------------------------------------
// APL art. 43: recusal, decided by a supervisor off the case; the replacement is certified.

#[tokio::test]
async fn a_recusal_request_is_decided_once_by_a_supervisor_off_the_case() {
    let w = case_world().await;
    let (head_id, head) = w.app.user_token("head.officer", &["officer", "supervisor"]).await;
    let id = w
        .penalty_at(Stage::Investigating, json!({"officer_ids": [w.lead.0, head_id]}))
        .await;
    let refuse = json!({"action": "decide_recusal", "granted": false, "reason": "当事人所称亲属关系不属实"});
    w.step_refused_by(&w.supervisor, &id, refuse.clone(), Rule("no_recusal_requested"))
        .await;
    let case = w
        .step_ok(
            &id,
            json!({"action": "request_recusal", "officer_id": w.lead.0, "reason": "当事人称该执法人员系其亲属"}),
        )
        .await;
    assert_eq!(case["recusal_requested_for"], json!(w.lead.0));
    // Until it is decided the investigation goes on (决定作出之前，不停止调查).
    w.step_ok(
        &id,
        json!({"action": "record_investigation", "record_type": "evidence", "content": "调取监控录像"}),
    )
    .await;
    w.step_refused_by(
        &head,
        &id,
        json!({"action": "request_recusal", "officer_id": head_id, "reason": "当事人称与其有利害关系"}),
        Rule("recusal_pending"),
    )
    .await;
    // An officer of the case does not decide its recusals, even as a supervisor.
    w.step_refused_by(&head, &id, refuse.clone(), Rule("approver_is_case_officer"))
        .await;

    let case = w.step_ok_by(&w.supervisor, &id, refuse).await;
    assert_eq!(case["recusal_requested_for"], Value::Null);
    let officers = case["officers"].as_array().unwrap();
    assert_eq!(officers.len(), 2);
    assert!(officers.iter().all(|o| o["recused"] == json!(false)), "{case}");
    let payload = last_payload(&w, &id, "decide_recusal").await;
    assert_eq!(
        (&payload["officer_id"], &payload["granted"]),
        (&json!(w.lead.0), &json!(false))
    );
    // Refused, the officer stays on the case and takes its steps.
    w.step_ok(
        &id,
        json!({"action": "record_investigation", "record_type": "evidence", "content": "补充证据"}),
    )
    .await;
}

#[tokio::test]
async fn a_recused_officer_is_replaced_by_an_officer_certified_today() {
    let w = case_world().await;
    let id = w.penalty_at(Stage::Investigating, json!({})).await;
    let (expired, _) = w
        .app
        .officer_with_certificate("expired.officer", &ago(1).to_string())
        .await;
    let (third, third_token) = w.app.officer_with_certificate("third.officer", "2035-12-31").await;
    w.step_ok(
        &id,
        json!({"action": "request_recusal", "officer_id": w.second.0, "reason": "当事人称该执法人员系其亲属"}),
    )
    .await;
    let grant = |replacement: &str| json!({"action": "decide_recusal", "granted": true, "replacement_officer_id": replacement, "reason": "经查属实，准予回避"});
    w.step_refused_by(&w.supervisor, &id, grant(&expired), Rule("officer_certificate_invalid"))
        .await;
    let case = w.step_ok_by(&w.supervisor, &id, grant(&third)).await;
    let officers: Vec<(Value, Value)> = case["officers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["id"].clone(), o["recused"].clone()))
        .collect();
    assert_eq!(
        officers,
        vec![
            (json!(w.lead.0), json!(false)),
            (json!(w.second.0), json!(true)),
            (json!(third), json!(false)),
        ]
    );
    let body = json!({"action": "record_investigation", "record_type": "evidence", "content": "补充证据"});
    w.step_refused_by(&w.second.1, &id, body.clone(), NotAllowed).await;
    w.step_ok_by(&third_token, &id, body).await;
}

// ---------------------------------------------------------------------------------------
// 移送: approved by a supervisor who is not an officer of the case.

#[tokio::test]
async fn a_transfer_is_approved_by_a_supervisor_off_the_case() {
    let w = case_world().await;
    let (head_id, head) = w.app.user_token("head.officer", &["officer", "supervisor"]).await;
    let id = w
        .penalty_at(Stage::Investigating, json!({"officer_ids": [w.lead.0, head_id]}))
        .await;
    let transfer = json!({"action": "transfer", "to_department": "天津市南开区市场监督管理局", "reason": "涉嫌销售过期食品，属市场监管部门职责"});
    w.step_refused(&id, transfer.clone(), NotAllowed).await;
    w.step_refused_by(&head, &id, transfer.clone(), Rule("approver_is_case_officer"))
        .await;
    let case = w.step_ok_by(&w.supervisor, &id, transfer).await;
    assert_eq!(
        (&case["status"], &case["transferred_to"]),
        (&json!("transferred"), &json!("天津市南开区市场监督管理局"))
    );
    assert_eq!(case["allowed_actions"], json!([]));
    assert_eq!(last_payload(&w, &id, "transfer").await["judicial"], json!(false));

    // To judicial organs (涉嫌犯罪, APL art. 27).
    let judicial = w.penalty_at(Stage::Investigating, json!({})).await;
    let case = w
        .step_ok_by(
            &w.supervisor,
            &judicial,
            json!({"action": "transfer", "to_department": "天津市公安局南开分局", "reason": "涉嫌犯罪", "judicial": true}),
        )
        .await;
    assert_eq!(case["status"], json!("transferred"));
    assert_eq!(last_payload(&w, &judicial, "transfer").await["judicial"], json!(true));
}

// ---------------------------------------------------------------------------------------
// APL art. 37 (从旧兼从轻): the version of the violation date, unless the one in force now is
// lighter; a power no longer in force no longer punishes.

/// A penalty power in force from `from` with fines up to `fine_max_fen`, created by the admin.
async fn power_from(w: &CaseWorld, code: &str, from: NaiveDate, fine_max_fen: i64) -> String {
    let body = json!({
        "code": code,
        "name": format!("职权{code}"),
        "category": "penalty",
        "legal_basis": "《城市市容和环境卫生管理条例》第三十六条",
        "source_department": "城市管理",
        "fine_max_fen": fine_max_fen,
        "requires_av_record": false,
        "effective_from": from,
    });
    let (status, created) = json_of(w.app.post("/api/v1/powers", &w.app.admin_token, &body).await).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created["id"].as_str().unwrap().to_string()
}

/// `PATCH /powers/{id}` by the admin; returns the power as it is now.
async fn patch_power(w: &CaseWorld, power_id: &str, body: Value) -> Value {
    let (status, power) = json_of(
        w.app
            .patch(&format!("/api/v1/powers/{power_id}"), &w.app.admin_token, &body)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body} → {power}");
    power
}

/// A case citing `power` for a violation on `violation_on`, filed five days later.
fn citing(power: &str, violation_on: NaiveDate) -> Value {
    json!({"power_ids": [power], "violation_on": violation_on, "opened_on": violation_on + Duration::days(5)})
}

/// A case citing `power` for a violation 60 days ago, whose party was told of `penalties`
/// five days ago and waived its defence: ready for a proposal.
async fn notified_under(w: &CaseWorld, power: &str, amount_fen: i64) -> String {
    let id = w
        .penalty_at(
            Stage::Notified(Notice::fine(amount_fen).on(ago(5).to_string())),
            citing(power, ago(60)),
        )
        .await;
    w.step_ok(&id, json!({"action": "waive_defense"})).await;
    id
}

#[tokio::test]
async fn a_penalty_case_cites_the_power_version_in_force_on_the_violation_date() {
    let w = case_world().await;
    let power = power_from(&w, "XF-CG-037", ago(100), 100_000).await;
    let before = w
        .open_refused("penalty", citing(&power, ago(101)), "power_not_in_force")
        .await;
    assert!(before["detail"].as_str().unwrap().contains("power_ids[0]"), "{before}");
    let v2 = patch_power(
        &w,
        &power,
        json!({"fine_max_fen": 50_000, "effective_from": ago(20), "change_note": "裁量基准下调"}),
    )
    .await;
    assert_eq!(v2["version"], json!(2));
    for (violation_on, version) in [(ago(100), 1), (ago(21), 1), (ago(20), 2), (ago(10), 2)] {
        let id = w.open_ok("penalty", citing(&power, violation_on)).await;
        let case = w.case(&id).await;
        assert_eq!(
            case["powers"][0]["version"],
            json!(version),
            "violation on {violation_on}: {case}"
        );
    }
}

#[tokio::test]
async fn a_lighter_maximum_in_force_at_the_proposal_applies_instead() {
    let w = case_world().await;
    let power = power_from(&w, "XF-CG-037", ago(100), 100_000).await;
    patch_power(&w, &power, json!({"fine_max_fen": 50_000, "effective_from": ago(20)})).await;
    // The case cites the version of the violation date (¥1,000)…
    let id = w.penalty_at(Stage::Investigating, citing(&power, ago(60))).await;
    assert_eq!(w.case(&id).await["powers"][0]["version"], json!(1));
    // …but a notice given now is held to the lighter maximum in force on its date (¥500).
    w.step_refused(
        &id,
        Notice::fine(80_000).on(ago(5).to_string()).notify(),
        Rule("discretion_range_exceeded"),
    )
    .await;
    w.step_ok(&id, Notice::fine(50_000).on(ago(5).to_string()).notify())
        .await;
    assert_eq!(
        last_payload(&w, &id, "notify").await["lighter_law_applied"],
        json!(["XF-CG-037 v1 → v2"])
    );
    w.step_ok(&id, json!({"action": "waive_defense"})).await;
    w.step_ok(&id, proposal("penalty", fine(50_000))).await;
    w.approve_review(&id).await;
    assert_eq!(
        last_payload(&w, &id, "propose_decision").await["lighter_law_applied"],
        json!(["XF-CG-037 v1 → v2"])
    );
    let case = w.step_ok_by(&w.supervisor, &id, json!({"action": "decide"})).await;
    assert_eq!(case["decision"]["fine_amount_fen"], json!(50_000));
    assert_eq!(
        last_payload(&w, &id, "decide").await["lighter_law_applied"],
        json!(["XF-CG-037 v1 → v2"])
    );
}

#[tokio::test]
async fn a_heavier_maximum_in_force_now_does_not_apply_to_an_earlier_violation() {
    let w = case_world().await;
    let power = power_from(&w, "XF-CG-038", ago(100), 50_000).await;
    patch_power(&w, &power, json!({"fine_max_fen": 100_000, "effective_from": ago(20)})).await;
    let id = notified_under(&w, &power, 50_000).await;
    assert_eq!(w.case(&id).await["powers"][0]["version"], json!(1));
    // A new notice of ¥800 is held to the version of the violation date (¥500), although
    // the version in force now would allow ¥1,000.
    let renotice = json!({"action": "notify", "penalties": fine(80_000), "facts": "占道经营", "legal_basis": "《城市市容和环境卫生管理条例》第三十六条"});
    w.step_refused(&id, renotice, Rule("discretion_range_exceeded")).await;
    w.step_ok(&id, proposal("penalty", fine(50_000))).await;
    w.approve_review(&id).await;
    assert_eq!(
        last_payload(&w, &id, "propose_decision").await["lighter_law_applied"],
        json!([])
    );
}

#[tokio::test]
async fn a_lighter_maximum_enacted_after_the_proposal_applies_at_the_decision() {
    let w = case_world().await;
    let power = power_from(&w, "XF-CG-039", ago(100), 100_000).await;
    let id = notified_under(&w, &power, 80_000).await;
    w.step_ok(&id, proposal("penalty", fine(80_000))).await;
    w.approve_review(&id).await;
    assert_eq!(
        last_payload(&w, &id, "propose_decision").await["lighter_law_applied"],
        json!([])
    );
    patch_power(&w, &power, json!({"fine_max_fen": 50_000})).await;
    w.step_refused_by(
        &w.supervisor,
        &id,
        json!({"action": "decide"}),
        Rule("discretion_range_exceeded"),
    )
    .await;
    let case = w
        .step_ok_by(
            &w.supervisor,
            &id,
            json!({"action": "decide", "penalties": fine(50_000)}),
        )
        .await;
    assert_eq!(case["decision"]["fine_amount_fen"], json!(50_000));
    assert_eq!(
        last_payload(&w, &id, "decide").await["lighter_law_applied"],
        json!(["XF-CG-039 v1 → v2"])
    );
}

#[tokio::test]
async fn a_retired_power_no_longer_punishes_but_the_case_may_still_end_unfounded() {
    let w = case_world().await;
    let power = power_from(&w, "XF-CG-040", ago(100), 100_000).await;
    let proposed = notified_under(&w, &power, 50_000).await;
    w.step_ok(&proposed, proposal("penalty", fine(50_000))).await;
    w.approve_review(&proposed).await;
    let notified = notified_under(&w, &power, 50_000).await;
    let retired = patch_power(&w, &power, json!({"effective_to": ago(1)})).await;
    assert_eq!(retired["in_force"], json!(false));

    // At the proposal…
    w.step_refused(
        &notified,
        proposal("penalty", fine(50_000)),
        Rule("violation_no_longer_punishable"),
    )
    .await;
    w.step_ok(&notified, proposal("no_penalty_unfounded", json!([]))).await;
    w.approve_review(&notified).await;
    let case = w
        .step_ok_by(&w.supervisor, &notified, json!({"action": "decide"}))
        .await;
    assert_eq!(
        (&case["status"], &case["decision"]["outcome"]),
        (&json!("decided"), &json!("no_penalty_unfounded"))
    );
    assert!(
        case["decision"]["decision_number"].as_str().unwrap().contains("不罚字"),
        "{case}"
    );

    // …and at the decision of a penalty proposed while the power was in force.
    w.step_refused_by(
        &w.supervisor,
        &proposed,
        json!({"action": "decide"}),
        Rule("violation_no_longer_punishable"),
    )
    .await;
}

// ---------------------------------------------------------------------------------------
// Where the service departs from the law: kept as the law requires, ignored until fixed.

#[tokio::test]
async fn money_collected_on_the_spot_in_part_is_handed_over_within_two_working_days() {
    let w = case_world().await;
    let collected = ago(10);
    let id = fined_on_the_spot(&w, 10_000, collected).await;
    let case = w
        .step_ok(&id, pay_on_the_spot(5_000, collected, Some("津财罚No.00030001")))
        .await;
    assert_eq!(case["status"], json!("decided"), "half the fine is still owed");
    let due = w.app.add_working_days(collected, 2).await;
    assert_eq!(date_of(&case["handover_due_on"]), due);
    // APL art. 71: whatever was collected on the spot reaches the agency within 2 working days.
    let case = w.step_ok(&id, handover(due)).await;
    assert_eq!(case["handed_over_on"], json!(due));
}

#[tokio::test]
async fn instalments_fall_due_after_their_approval() {
    let w = case_world().await;
    let (id, _) = served_fine(&w, ago(30)).await;
    let last_day = today() + Duration::days(30);
    w.step_refused_by(
        &w.supervisor,
        &id,
        json!({"action": "approve_payment_plan", "payment_due_on": last_day, "reason": "当事人经营困难",
               "instalments": [{"due_on": ago(5), "amount_fen": 50_000}, {"due_on": last_day, "amount_fen": 50_000}]}),
        Invalid("instalments"),
    )
    .await;
}

#[tokio::test]
async fn a_back_dated_proposal_and_decision_apply_the_law_in_force_on_their_dates() {
    let w = case_world().await;
    // Lowered to ¥500 ten days ago: after the proposal (25 days ago) and the decision (20
    // days ago) were made, so ¥800 stays within the law in force when they were made.
    let lowered = power_from(&w, "XF-CG-041", ago(100), 100_000).await;
    let id = w
        .penalty_at(
            Stage::Notified(Notice::fine(80_000).on(ago(30).to_string())),
            citing(&lowered, ago(60)),
        )
        .await;
    w.step_ok(&id, json!({"action": "waive_defense"})).await;
    patch_power(&w, &lowered, json!({"fine_max_fen": 50_000, "effective_from": ago(10)})).await;
    let mut propose = proposal("penalty", fine(80_000));
    propose["proposed_on"] = json!(ago(25));
    w.step_ok(&id, propose).await;
    w.approve_review(&id).await;
    assert_eq!(
        last_payload(&w, &id, "propose_decision").await["lighter_law_applied"],
        json!([])
    );
    let case = w
        .step_ok_by(&w.supervisor, &id, json!({"action": "decide", "decided_on": ago(20)}))
        .await;
    assert_eq!(case["decision"]["fine_amount_fen"], json!(80_000));

    // Retired five days ago: a decision made twenty days ago still punished.
    let retired = power_from(&w, "XF-CG-042", ago(100), 100_000).await;
    let id = w
        .penalty_at(
            Stage::Notified(Notice::fine(50_000).on(ago(30).to_string())),
            citing(&retired, ago(60)),
        )
        .await;
    w.step_ok(&id, json!({"action": "waive_defense"})).await;
    let mut propose = proposal("penalty", fine(50_000));
    propose["proposed_on"] = json!(ago(25));
    w.step_ok(&id, propose).await;
    w.approve_review(&id).await;
    patch_power(&w, &retired, json!({"effective_to": ago(5)})).await;
    let case = w
        .step_ok_by(&w.supervisor, &id, json!({"action": "decide", "decided_on": ago(20)}))
        .await;
    assert_eq!(case["decision"]["outcome"], json!("penalty"));
}

#[tokio::test]
async fn a_continuing_violation_cites_the_law_in_force_when_it_ended() {
    let w = case_world().await;
    let power = power_from(&w, "XF-CG-038", ago(100), 100_000).await;
    patch_power(&w, &power, json!({"fine_max_fen": 50_000, "effective_from": ago(20)})).await;
    let id = w
        .open_ok(
            "penalty",
            json!({"power_ids": [power], "violation_on": ago(40), "violation_ended_on": ago(10), "opened_on": ago(5)}),
        )
        .await;
    assert_eq!(w.case(&id).await["powers"][0]["version"], json!(2));
}
