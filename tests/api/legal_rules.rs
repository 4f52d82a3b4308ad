//! One test per legal rule of DESIGN §3 (issue 8): the step the rule refuses — a 422 naming
//! the rule, the case unchanged, no record event — and the step it allows, at the boundary
//! the way a court counts it: "以上" includes the figure, the day of the act is not counted,
//! working days come from the service's calendar. Dates are relative to today and stay
//! within the 366 days a case may be back-dated.

use chrono::{Datelike, Duration, Months, NaiveDate, Weekday};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::Refusal::{Invalid, NotAllowed, Rule};
use crate::helpers::{CaseWorld, Notice, Stage, case_world};

fn today() -> NaiveDate {
    enforcement::clock::today()
}

/// The date `n` days before today.
fn ago(n: i64) -> NaiveDate {
    today() - Duration::days(n)
}

/// The same day `years` years earlier (the last day of February for 29 February).
fn years_before(day: NaiveDate, years: u32) -> NaiveDate {
    day.checked_sub_months(Months::new(12 * years)).unwrap()
}

fn next_day(day: NaiveDate) -> NaiveDate {
    day + Duration::days(1)
}

fn day_before(day: NaiveDate) -> NaiveDate {
    day - Duration::days(1)
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

/// `body` with the fields of `extra` set over it.
fn with(mut body: Value, extra: Value) -> Value {
    for (key, value) in extra.as_object().unwrap() {
        body[key] = value.clone();
    }
    body
}

fn fine(amount_fen: i64) -> Value {
    json!([{"type": "fine", "amount_fen": amount_fen}])
}

fn notify(penalties: Value) -> Value {
    json!({"action": "notify", "penalties": penalties, "facts": "占道经营", "legal_basis": "《城市市容和环境卫生管理条例》第三十六条"})
}

fn last_event(record: &Value) -> Value {
    record["events"].as_array().unwrap().last().unwrap().clone()
}

// ---------------------------------------------------------------------------------------
// APL art. 42: two certified officers, in both procedures and on each field step.

#[tokio::test]
async fn two_officers_are_needed_for_every_case_in_either_procedure() {
    let w = case_world().await;
    let one = json!([w.lead.0]);
    w.open_refused("penalty", json!({"officer_ids": one}), "two_officers_required")
        .await;
    let on_the_spot = json!({"procedure": "simple", "opened_on": today(), "violation_on": today()});
    w.open_refused(
        "penalty",
        with(on_the_spot.clone(), json!({"officer_ids": one})),
        "two_officers_required",
    )
    .await;
    w.open_refused("inspection", json!({"officer_ids": one}), "two_officers_required")
        .await;

    for (kind, filing) in [
        ("penalty", json!({})),
        ("penalty", on_the_spot),
        ("inspection", json!({})),
    ] {
        let (status, case) = w.open(kind, filing.clone()).await;
        assert_eq!(status, StatusCode::CREATED, "{kind} {filing} → {case}");
        assert_eq!(case["officers"].as_array().unwrap().len(), 2);
    }
}

#[tokio::test]
async fn a_field_step_needs_two_officers_whose_certificates_are_valid_that_day() {
    let w = case_world().await;
    // Valid when the cases were filed ten days ago; expired yesterday.
    let (lapsed, _) = w.app.officer_with_certificate("lapsed", &ago(1).to_string()).await;
    let filed_earlier = json!({"officer_ids": [w.lead.0, lapsed], "opened_on": ago(10)});

    // Of a private individual: no approval (which checks the certificates as well) first.
    let of_individual = json!({"subject_id": w.individual, "inspection_item_ids": []});
    let inspection = w
        .open_ok("inspection", with(filed_earlier.clone(), of_individual))
        .await;
    let start = json!({"action": "start", "credentials_shown": true, "location": "学府街1号"});
    w.step_refused(&inspection, start.clone(), Rule("officer_certificate_invalid"))
        .await;

    let penalty = w
        .open_ok("penalty", with(filed_earlier, json!({"violation_on": ago(11)})))
        .await;
    for record_type in ["site", "inquiry"] {
        w.step_refused(
            &penalty,
            json!({"action": "record_investigation", "record_type": record_type, "content": "现场检查笔录", "credentials_shown": true}),
            Rule("officer_certificate_invalid"),
        )
        .await;
    }

    // A certificate is valid through the day it expires.
    let (last_day, _) = w
        .app
        .officer_with_certificate("lastday.officer", &today().to_string())
        .await;
    let inspection = w
        .open_ok("inspection", json!({"officer_ids": [w.lead.0, last_day]}))
        .await;
    let case = w.step_ok(&inspection, start).await;
    assert_eq!(case["status"], json!("in_progress"));
    let penalty = w
        .open_ok("penalty", json!({"opened_on": ago(10), "violation_on": ago(11)}))
        .await;
    let case = w
        .step_ok(
            &penalty,
            json!({"action": "record_investigation", "record_type": "site", "content": "现场检查笔录", "credentials_shown": true}),
        )
        .await;
    assert_eq!(case["status"], json!("investigating"));
}

// ---------------------------------------------------------------------------------------
// APL art. 54, 57: the head approves the filing and decides, and is not an officer of the case.

#[tokio::test]
async fn a_filing_is_approved_or_refused_by_a_supervisor_who_is_not_on_the_case() {
    let w = case_world().await;
    let (chief_id, chief) = w.app.user_token("chief.officer", &["officer", "supervisor"]).await;
    let (status, case) = w.open("penalty", json!({"officer_ids": [w.lead.0, chief_id]})).await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    assert_eq!(case["status"], json!("pending_approval"));
    let id = case["id"].as_str().unwrap();
    w.step_refused_by(
        &chief,
        id,
        json!({"action": "approve_filing"}),
        Rule("approver_is_case_officer"),
    )
    .await;
    w.step_refused_by(
        &chief,
        id,
        json!({"action": "refuse_filing", "reason": "证据不足"}),
        Rule("approver_is_case_officer"),
    )
    .await;
    w.step_refused(id, json!({"action": "approve_filing"}), NotAllowed)
        .await;
    let case = w
        .step_ok_by(&w.supervisor, id, json!({"action": "approve_filing"}))
        .await;
    assert_eq!(case["status"], json!("filed"));

    // 不予立案: with a reason, final, and the number stays taken.
    let refused = w.open("penalty", json!({})).await.1["id"].as_str().unwrap().to_string();
    w.step_refused_by(
        &w.supervisor,
        &refused,
        json!({"action": "refuse_filing", "reason": " "}),
        Invalid("reason"),
    )
    .await;
    let case = w
        .step_ok_by(
            &w.supervisor,
            &refused,
            json!({"action": "refuse_filing", "reason": "违法事实不存在，不予立案"}),
        )
        .await;
    assert_eq!(case["status"], json!("filing_refused"));
    assert_eq!(case["allowed_actions"], json!([]));
    w.step_refused(
        &refused,
        json!({"action": "record_investigation", "record_type": "evidence", "content": "照片"}),
        NotAllowed,
    )
    .await;
    w.step_refused_by(&w.supervisor, &refused, json!({"action": "approve_filing"}), NotAllowed)
        .await;
    let (_, next) = w.open("penalty", json!({})).await;
    let year = &ago(5).to_string()[..4];
    assert_eq!(next["case_number"], json!(format!("学府罚〔{year}〕第003号")));
}

#[tokio::test]
async fn a_refused_filing_is_never_overdue() {
    let w = case_world().await;
    let (_, case) = w
        .open("penalty", json!({"opened_on": ago(100), "violation_on": ago(101)}))
        .await;
    let id = case["id"].as_str().unwrap().to_string();
    let case = w
        .step_ok_by(
            &w.supervisor,
            &id,
            json!({"action": "refuse_filing", "reason": "不属于本机关管辖"}),
        )
        .await;
    assert_eq!(case["overdue_deadlines"], json!([]));
    assert_eq!(w.listed("overdue=true").await, Vec::<String>::new());
    assert_eq!(w.listed("overdue=false").await, vec![id]);
}

#[tokio::test]
async fn the_head_decides_the_proposal_or_lighter_and_is_not_on_the_case() {
    let w = case_world().await;
    let (chief_id, chief) = w.app.user_token("chief.officer", &["officer", "supervisor"]).await;
    let id = w
        .penalty_at(
            Stage::Notified(Notice::fine(500000)),
            json!({"officer_ids": [w.lead.0, chief_id]}),
        )
        .await;
    w.step_ok(&id, json!({"action": "waive_defense"})).await;
    let case = w.step_ok(&id, proposal("penalty", fine(300000))).await;
    assert_eq!(case["status"], json!("proposed"));
    w.approve_review(&id).await;

    let decide = json!({"action": "decide"});
    // The officers propose; deciding is not their step at all.
    w.step_refused(&id, decide.clone(), NotAllowed).await;
    // A supervisor who investigated the case does not decide it.
    w.step_refused_by(&chief, &id, decide.clone(), Rule("decider_is_case_officer"))
        .await;
    // Lighter than notified, but heavier than proposed.
    w.step_refused_by(
        &w.supervisor,
        &id,
        with(decide.clone(), json!({"penalties": fine(300001)})),
        Rule("heavier_than_proposed"),
    )
    .await;
    let case = w
        .step_ok_by(&w.supervisor, &id, with(decide, json!({"penalties": fine(200000)})))
        .await;
    assert_eq!(case["status"], json!("decided"));
    assert_eq!(case["decision"]["penalties"], fine(200000));
}

// ---------------------------------------------------------------------------------------
// APL art. 44–45, 62: no decision while the defence period runs; it ends with its 5th working day.

#[tokio::test]
async fn a_penalty_is_proposed_only_after_the_defence_period() {
    let w = case_world().await;
    let notified = ago(30);
    let id = w
        .penalty_at(
            Stage::Notified(Notice::fine(100000).on(notified.to_string())),
            json!({"opened_on": ago(40), "violation_on": ago(41)}),
        )
        .await;
    let fifth = w.app.add_working_days(notified, 5).await;
    assert_eq!(w.case(&id).await["defense_due_on"], json!(fifth));
    let proposed_on = |on: NaiveDate| with(proposal("penalty", fine(100000)), json!({"proposed_on": on}));
    w.step_refused(&id, proposed_on(fifth), Rule("defense_period_running"))
        .await;
    let case = w.step_ok(&id, proposed_on(next_day(fifth))).await;
    assert_eq!(case["status"], json!("proposed"));
}

// ---------------------------------------------------------------------------------------
// APL art. 63: hearing rights from the large amount itself ("以上"), and for the heavier types.

/// Opens a case against `subject_id`, notifies `penalties` and answers the case id and
/// whether the notice carries hearing rights.
async fn notice_hearing_rights(w: &CaseWorld, subject_id: &str, penalties: Value) -> (String, bool) {
    let id = w
        .penalty_at(Stage::Investigating, json!({"subject_id": subject_id}))
        .await;
    let case = w.step_ok(&id, notify(penalties)).await;
    (id, case["notice"]["hearing_rights"].as_bool().unwrap())
}

#[tokio::test]
async fn hearing_rights_start_at_the_large_amount_itself() {
    let w = case_world().await;
    let amount = |kind: &str, fen: i64| json!([{"type": kind, "amount_fen": fen}]);

    // An individual: ¥10,000 is large, ¥9,999.99 is not.
    let (at, rights) = notice_hearing_rights(&w, &w.individual, fine(1000000)).await;
    assert!(rights, "a fine of exactly ¥10,000 to an individual");
    let (below, rights) = notice_hearing_rights(&w, &w.individual, fine(999999)).await;
    assert!(!rights, "a fine of ¥9,999.99 to an individual");
    w.step_refused(&below, json!({"action": "request_hearing"}), Rule("no_hearing_rights"))
        .await;
    let case = w.step_ok(&at, json!({"action": "request_hearing"})).await;
    assert_eq!(case["status"], json!("hearing"));

    // Confiscating property of a large value, at the same threshold.
    let (_, rights) = notice_hearing_rights(&w, &w.individual, amount("confiscate_property", 1000000)).await;
    assert!(rights, "confiscating property worth exactly ¥10,000");
    let (_, rights) = notice_hearing_rights(&w, &w.individual, amount("confiscate_property", 999999)).await;
    assert!(!rights, "confiscating property worth ¥9,999.99");
    // 限制从业 gives hearing rights whatever the amount.
    let (_, rights) = notice_hearing_rights(&w, &w.individual, json!([{"type": "restrict_practice"}])).await;
    assert!(rights, "restricting practice");

    // A 个体工商户 has the individual's threshold; an organisation has ¥100,000.
    let shop = w
        .app
        .seed_subject(json!({"kind": "individual_business", "name": "学府街张记小吃店", "uscc": "92120104MA05K3LP2N"}))
        .await;
    let (_, rights) = notice_hearing_rights(&w, &shop, fine(1000000)).await;
    assert!(rights, "a fine of ¥10,000 to a 个体工商户");
    let (_, rights) = notice_hearing_rights(&w, &w.enterprise, fine(1000000)).await;
    assert!(!rights, "a fine of ¥10,000 to an enterprise");
    let (_, rights) = notice_hearing_rights(&w, &w.enterprise, amount("confiscate_illegal_gains", 10000000)).await;
    assert!(rights, "confiscating exactly ¥100,000 of an enterprise's gains");
    let (_, rights) = notice_hearing_rights(&w, &w.enterprise, amount("confiscate_illegal_gains", 9999999)).await;
    assert!(!rights, "confiscating ¥99,999.99 of an enterprise's gains");
}

// ---------------------------------------------------------------------------------------
// APL art. 64: the hearing, asked for within 5 working days, hosted by someone off the case,
// noticed 7 working days ahead, and waived by a party that stays away.

#[tokio::test]
async fn a_hearing_is_requested_by_the_fifth_working_day_after_the_notice() {
    let w = case_world().await;
    let notified = ago(30);
    let id = w
        .penalty_at(
            Stage::Notified(Notice::of("revoke_license").on(notified.to_string())),
            json!({"opened_on": ago(40), "violation_on": ago(41)}),
        )
        .await;
    let fifth = w.app.add_working_days(notified, 5).await;
    assert_eq!(w.case(&id).await["notice"]["hearing_request_due_on"], json!(fifth));
    w.step_refused(
        &id,
        json!({"action": "request_hearing", "requested_on": next_day(fifth)}),
        Rule("hearing_request_late"),
    )
    .await;
    let case = w
        .step_ok(&id, json!({"action": "request_hearing", "requested_on": fifth}))
        .await;
    assert_eq!(case["status"], json!("hearing"));
}

/// A case whose party was notified of a revocation 30 days ago and asked for a hearing the
/// next day: `hearing`.
async fn case_awaiting_its_hearing(w: &CaseWorld) -> String {
    let id = w
        .penalty_at(
            Stage::Notified(Notice::of("revoke_license").on(ago(30).to_string())),
            json!({"opened_on": ago(40), "violation_on": ago(41)}),
        )
        .await;
    let case = w
        .step_ok(&id, json!({"action": "request_hearing", "requested_on": ago(29)}))
        .await;
    assert_eq!(case["status"], json!("hearing"));
    id
}

#[tokio::test]
async fn a_hearing_is_hosted_off_the_case_and_noticed_seven_working_days_ahead() {
    let w = case_world().await;
    let id = case_awaiting_its_hearing(&w).await;
    let host = w.app.create_user("hearing.host", &["supervisor"]).await;
    let told = ago(28);
    let sixth = w.app.add_working_days(told, 6).await;
    let seventh = w.app.add_working_days(told, 7).await;
    let schedule = |hearing_on: NaiveDate, host_id: &str| json!({"action": "schedule_hearing", "notified_on": told, "hearing_on": hearing_on, "host_id": host_id});

    w.step_refused(&id, schedule(seventh, &w.lead.0), Rule("hearing_host_is_case_officer"))
        .await;
    w.step_refused(
        &id,
        schedule(seventh, &w.second.0),
        Rule("hearing_host_is_case_officer"),
    )
    .await;
    w.step_refused(&id, schedule(sixth, &host), Rule("hearing_notice_too_short"))
        .await;
    let case = w.step_ok(&id, schedule(seventh, &host)).await;
    assert_eq!(
        (case["hearing_state"].clone(), case["hearing_on"].clone()),
        (json!("scheduled"), json!(seventh))
    );
}

#[tokio::test]
async fn a_party_that_stays_away_from_its_hearing_has_waived_it() {
    let w = case_world().await;
    let id = case_awaiting_its_hearing(&w).await;
    let host = w.app.create_user("hearing.host", &["supervisor"]).await;
    let absent = json!({"action": "hearing_not_attended", "note": "当事人无正当理由未到场"});
    w.step_refused(&id, absent.clone(), Rule("hearing_not_scheduled")).await;
    let hearing_on = w.app.add_working_days(ago(28), 7).await;
    w.step_ok(
        &id,
        json!({"action": "schedule_hearing", "notified_on": ago(28), "hearing_on": hearing_on, "host_id": host}),
    )
    .await;
    let case = w.step_ok(&id, absent).await;
    assert_eq!(
        (case["status"].clone(), case["hearing_state"].clone()),
        (json!("notified"), json!("waived"))
    );
    assert_eq!(
        last_event(&w.record(&id).await)["payload"]["deemed_waived"],
        json!(true)
    );
    w.step_refused(&id, json!({"action": "request_hearing"}), Rule("hearing_waived"))
        .await;

    // Absence is recorded on or after the hearing day, not before.
    let other = case_awaiting_its_hearing(&w).await;
    let ahead = w.app.add_working_days(today(), 7).await;
    w.step_ok(
        &other,
        json!({"action": "schedule_hearing", "hearing_on": ahead, "host_id": host}),
    )
    .await;
    w.step_refused(
        &other,
        json!({"action": "hearing_not_attended"}),
        Rule("hearing_not_yet_held"),
    )
    .await;
}

#[tokio::test]
async fn a_hearing_host_is_a_user_of_the_agency() {
    let w = case_world().await;
    let id = case_awaiting_its_hearing(&w).await;
    let hearing_on = w.app.add_working_days(ago(28), 7).await;
    w.step_refused(
        &id,
        json!({"action": "schedule_hearing", "notified_on": ago(28), "hearing_on": hearing_on, "host_id": "no-such-user"}),
        Invalid("host_id"),
    )
    .await;
}

// ---------------------------------------------------------------------------------------
// APL art. 51–52: the simple procedure hears the party on the spot and is filed (备案).

/// An on-the-spot case against the enterprise with `officer_ids`, filed and decided on `on`:
/// a warning, so that no payment period runs beside the filing's acknowledgement.
async fn decided_on_the_spot(w: &CaseWorld, officer_ids: Value, on: NaiveDate) -> String {
    let id = w
        .open_ok(
            "penalty",
            json!({"procedure": "simple", "officer_ids": officer_ids, "opened_on": on, "violation_on": on}),
        )
        .await;
    let case = w
        .step_ok(
            &id,
            json!({"action": "decide", "outcome": "penalty", "penalties": [{"type": "warning"}], "decided_on": on, "credentials_shown": true, "party_heard": "当事人无异议"}),
        )
        .await;
    assert_eq!(case["status"], json!("decided"));
    id
}

#[tokio::test]
async fn an_on_the_spot_decision_records_what_the_party_said() {
    let w = case_world().await;
    let id = w
        .open_ok(
            "penalty",
            json!({"procedure": "simple", "subject_id": w.individual, "opened_on": today(), "violation_on": today()}),
        )
        .await;
    let decide = json!({"action": "decide", "outcome": "penalty", "penalties": fine(5000), "credentials_shown": true});
    w.step_refused(&id, decide.clone(), Rule("party_not_heard")).await;
    w.step_refused(
        &id,
        with(decide.clone(), json!({"party_heard": "  "})),
        Rule("party_not_heard"),
    )
    .await;
    let case = w
        .step_ok(
            &id,
            with(decide, json!({"party_heard": "当事人承认占道经营，无申辩意见"})),
        )
        .await;
    assert_eq!(case["status"], json!("decided"));
    assert_eq!(
        last_event(&w.record(&id).await)["payload"]["party_heard"],
        json!("当事人承认占道经营，无申辩意见")
    );
}

#[tokio::test]
async fn an_on_the_spot_decision_is_acknowledged_once_by_a_supervisor_off_the_case() {
    let w = case_world().await;
    let (chief_id, chief) = w.app.user_token("chief.officer", &["officer", "supervisor"]).await;
    let id = decided_on_the_spot(&w, json!([w.lead.0, chief_id]), ago(30)).await;
    let case = w.case(&id).await;
    let due = w.app.add_working_days(ago(30), 5).await;
    assert_eq!(case["filing_acknowledgement_due_on"], json!(due));
    assert_eq!(
        case["overdue_deadlines"],
        json!(["filing_acknowledgement_due_on"]),
        "unacknowledged past the 5th working day"
    );

    let acknowledge = json!({"action": "acknowledge_filing"});
    w.step_refused(&id, acknowledge.clone(), NotAllowed).await;
    w.step_refused_by(&chief, &id, acknowledge.clone(), Rule("approver_is_case_officer"))
        .await;
    let case = w.step_ok_by(&w.supervisor, &id, acknowledge.clone()).await;
    assert_eq!(case["filing_acknowledged_on"], json!(today()));
    assert_eq!(case["overdue_deadlines"], json!([]));
    assert_eq!(last_event(&w.record(&id).await)["payload"]["late"], json!(true));
    w.step_refused_by(&w.supervisor, &id, acknowledge, Rule("filing_already_acknowledged"))
        .await;
}

#[tokio::test]
async fn an_unacknowledged_on_the_spot_decision_is_listed_as_overdue() {
    let w = case_world().await;
    let late = decided_on_the_spot(&w, json!(w.officers()), ago(30)).await;
    let fresh = decided_on_the_spot(&w, json!(w.officers()), today()).await;
    assert_eq!(w.case(&late).await["overdue"], json!(true));
    assert_eq!(w.case(&fresh).await["overdue"], json!(false));
    assert_eq!(w.listed("overdue=true").await, vec![late]);
    assert_eq!(w.listed("overdue=false").await, vec![fresh]);
}

// ---------------------------------------------------------------------------------------
// APL art. 30: age on the violation date, from the birth date in the ID number.

/// A penalty case against someone born on `born`, for a violation ten days ago: investigating.
async fn case_against_someone_born(w: &CaseWorld, name: &str, born: NaiveDate) -> String {
    let party = w.app.seed_person(name, born).await;
    w.penalty_at(
        Stage::Investigating,
        json!({"subject_id": party, "violation_on": ago(10), "opened_on": ago(5)}),
    )
    .await
}

/// The birth date of someone whose 14th birthday is the violation date ten days ago. A
/// year of age is complete only from the day after the birthday (法释〔2006〕1号 art. 2), so
/// on that day they were still under 14; born a day earlier, they were 14.
fn fourteenth_birthday_on_the_violation() -> NaiveDate {
    years_before(ago(10), 14)
}

#[tokio::test]
async fn a_party_under_14_on_the_violation_date_is_not_penalised() {
    let w = case_world().await;
    let born = fourteenth_birthday_on_the_violation();
    let id = case_against_someone_born(&w, "李小明", born).await;
    assert_eq!(w.case(&id).await["minor"], json!(false), "under 14, not 14–17");
    w.step_refused(&id, notify(fine(10000)), Rule("minor_under_14")).await;
    w.step_refused(&id, proposal("penalty", fine(10000)), Rule("minor_under_14"))
        .await;
}

#[tokio::test]
async fn the_under_14_outcome_is_decided_for_a_party_under_14_only() {
    let w = case_world().await;
    let under_14 = proposal("no_penalty_minor_under_14", json!([]));
    let child = case_against_someone_born(&w, "李小明", fourteenth_birthday_on_the_violation()).await;
    let case = w.propose_and_decide(&child, under_14.clone()).await;
    assert_eq!(case["decision"]["outcome"], json!("no_penalty_minor_under_14"));
    assert_eq!(case["decision"]["penalties"], json!([]));
    assert!(
        case["decision"]["decision_number"].as_str().unwrap().contains("不罚字"),
        "{case}"
    );
    let fourteen = case_against_someone_born(&w, "李小华", day_before(fourteenth_birthday_on_the_violation())).await;
    w.step_refused(&fourteen, under_14, Rule("not_under_14")).await;
}

#[tokio::test]
async fn a_party_a_day_past_its_14th_birthday_may_be_penalised_as_a_minor() {
    let w = case_world().await;
    let id = case_against_someone_born(&w, "李小华", day_before(fourteenth_birthday_on_the_violation())).await;
    assert_eq!(w.case(&id).await["minor"], json!(true));
    w.step_ok(&id, notify(fine(10000))).await;
    w.step_ok(&id, json!({"action": "waive_defense"})).await;
    let case = w.propose_and_decide(&id, proposal("penalty", fine(10000))).await;
    assert_eq!(case["decision"]["penalties"], fine(10000));
    let record = w.record(&id).await;
    let proposed = record["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == json!("propose_decision"))
        .unwrap();
    assert_eq!(proposed["payload"]["minor"], json!(true), "{proposed}");
}

#[tokio::test]
async fn a_party_is_a_minor_through_its_18th_birthday() {
    let w = case_world().await;
    let seventeen = case_against_someone_born(&w, "王小强", years_before(ago(10), 18)).await;
    assert_eq!(
        w.case(&seventeen).await["minor"],
        json!(true),
        "on the 18th birthday itself the 18th year is not yet complete"
    );
    let case = w.step_ok(&seventeen, notify(fine(10000))).await;
    assert_eq!(case["status"], json!("notified"), "a minor of 14–17 may be penalised");
    let eighteen = case_against_someone_born(&w, "王大强", day_before(years_before(ago(10), 18))).await;
    assert_eq!(
        w.case(&eighteen).await["minor"],
        json!(false),
        "18 on the violation date"
    );
}

// ---------------------------------------------------------------------------------------
// APL art. 33: 轻微不罚 / 首违不罚 need their ground and the party's education.

#[tokio::test]
async fn a_minor_violation_goes_unpunished_only_with_its_ground_and_the_party_educated() {
    let w = case_world().await;
    let id = w.penalty_at(Stage::Investigating, json!({})).await;
    let minor = proposal("no_penalty_minor", json!([]));
    w.step_refused(&id, minor.clone(), Rule("no_penalty_ground_required"))
        .await;
    let grounded = with(minor, json!({"no_penalty_ground": "minor_and_corrected"}));
    w.step_refused(&id, grounded.clone(), Rule("education_required")).await;
    let case = w
        .step_ok(
            &id,
            json!({"action": "record_education", "content": "向当事人宣讲《条例》，当事人当场清理占道物品"}),
        )
        .await;
    assert_eq!(case["education_recorded_on"], json!(today()));
    let case = w.propose_and_decide(&id, grounded).await;
    assert_eq!(case["decision"]["outcome"], json!("no_penalty_minor"));
    assert!(
        case["decision"]["decision_number"].as_str().unwrap().contains("不罚字"),
        "{case}"
    );
}

// ---------------------------------------------------------------------------------------
// APL art. 32: below the discretion range only with a mitigation ground (减轻处罚).

#[tokio::test]
async fn a_fine_below_the_discretion_range_needs_a_mitigation_ground() {
    let w = case_world().await;
    let ranged = w.app.seed_power_with_range("XF-CG-010", 100000, 5000000).await;
    let id = w
        .penalty_at(Stage::Notified(Notice::fine(100000)), json!({"power_ids": [ranged]}))
        .await;
    w.step_ok(&id, json!({"action": "waive_defense"})).await;
    w.step_refused(
        &id,
        proposal("penalty", fine(99999)),
        Rule("mitigation_ground_required"),
    )
    .await;
    // The minimum itself is inside the range.
    let case = w.step_ok(&id, proposal("penalty", fine(100000))).await;
    assert_eq!(case["status"], json!("proposed"));
    let mitigated = with(
        proposal("penalty", fine(50000)),
        json!({"mitigation_ground": "eliminated_harm"}),
    );
    let case = w.propose_and_decide(&id, mitigated).await;
    assert_eq!(case["decision"]["penalties"], fine(50000));
    assert_eq!(case["proposal"]["mitigation_ground"], json!("eliminated_harm"));
}

#[tokio::test]
async fn the_minor_mitigation_ground_is_only_for_a_party_aged_14_to_17() {
    let w = case_world().await;
    let ranged = w.app.seed_power_with_range("XF-CG-010", 100000, 5000000).await;
    let id = w
        .penalty_at(Stage::Notified(Notice::fine(100000)), json!({"power_ids": [ranged]}))
        .await;
    w.step_ok(&id, json!({"action": "waive_defense"})).await;
    w.step_refused(
        &id,
        with(
            proposal("penalty", fine(50000)),
            json!({"mitigation_ground": "minor_14_to_17"}),
        ),
        Rule("mitigation_ground_not_applicable"),
    )
    .await;
}

// ---------------------------------------------------------------------------------------
// APL art. 36: two years from the violation, or from the end of a continuing one, to its discovery.

#[tokio::test]
async fn the_limitation_period_runs_two_years_to_the_discovery() {
    let w = case_world().await;
    let opened = ago(5);
    let discovered = ago(10);
    let last_day = years_before(discovered, 2);
    let filing = |violation_on: NaiveDate, ended_on: Option<NaiveDate>| json!({"violation_on": violation_on, "violation_ended_on": ended_on, "discovered_on": discovered, "opened_on": opened});

    // Discovered on the last day of the two years: in time; a day later: too late.
    let (status, case) = w.open("penalty", filing(last_day, None)).await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    assert_eq!(case["discovered_on"], json!(discovered));
    w.open_refused(
        "penalty",
        filing(day_before(last_day), None),
        "limitation_period_expired",
    )
    .await;

    // A continuing violation: the two years run from its end.
    let began = ago(3 * 365);
    let (status, case) = w.open("penalty", filing(began, Some(last_day))).await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    assert_eq!(case["violation_ended_on"], json!(last_day));
    w.open_refused(
        "penalty",
        filing(began, Some(day_before(last_day))),
        "limitation_period_expired",
    )
    .await;

    // Five years when life, health or financial safety was harmed.
    let harmed = |violation_on: NaiveDate| with(filing(violation_on, None), json!({"serious_harm": true}));
    let (status, case) = w.open("penalty", harmed(years_before(discovered, 5))).await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    w.open_refused(
        "penalty",
        harmed(day_before(years_before(discovered, 5))),
        "limitation_period_expired",
    )
    .await;

    // Without a discovery date, the filing date is the discovery.
    let (status, case) = w
        .open(
            "penalty",
            json!({"violation_on": years_before(opened, 2), "opened_on": opened}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    w.open_refused(
        "penalty",
        json!({"violation_on": day_before(years_before(opened, 2)), "opened_on": opened}),
        "limitation_period_expired",
    )
    .await;
}

// ---------------------------------------------------------------------------------------
// APL art. 60: 90 days from filing, extended only as the agency's rule allows.

#[tokio::test]
async fn an_extension_rests_on_the_agencys_rule_and_stays_within_its_days() {
    let w = case_world().await;
    let opened = ago(80);
    let id = w
        .open_ok(
            "penalty",
            json!({"opened_on": opened, "violation_on": day_before(opened)}),
        )
        .await;
    let due = |days: i64| json!(opened + Duration::days(days));
    assert_eq!(w.case(&id).await["decision_due_on"], due(90));
    let extend =
        |days: u32| json!({"action": "extend_decision_deadline", "days": days, "reason": "案情复杂，需补充鉴定"});

    w.step_refused_by(&w.supervisor, &id, extend(10), Rule("extension_rule_missing"))
        .await;
    w.app
        .put_settings(json!({
            "defense_period_working_days": 5,
            "hearing_threshold_individual_fen": 1000000,
            "hearing_threshold_organisation_fen": 10000000,
            "extension_rule": "《某市行政处罚程序规定》第三十条",
            "extension_max_days": 30,
        }))
        .await;
    w.step_refused_by(&w.supervisor, &id, extend(31), Rule("extension_limit"))
        .await;
    let case = w.step_ok_by(&w.supervisor, &id, extend(30)).await;
    assert_eq!(case["decision_due_on"], due(120));
    assert_eq!(
        last_event(&w.record(&id).await)["payload"]["basis"],
        json!("《某市行政处罚程序规定》第三十条")
    );
    w.step_refused_by(&w.supervisor, &id, extend(1), Rule("extension_limit"))
        .await;

    // The 90th day is the last on which the period can still be extended.
    let last_day = w
        .open_ok("penalty", json!({"opened_on": ago(90), "violation_on": ago(91)}))
        .await;
    let case = w.step_ok_by(&w.supervisor, &last_day, extend(10)).await;
    assert_eq!(case["decision_due_on"], json!(today() + Duration::days(10)));
    let too_late = w
        .open_ok("penalty", json!({"opened_on": ago(91), "violation_on": ago(92)}))
        .await;
    w.step_refused_by(&w.supervisor, &too_late, extend(10), Rule("extension_after_deadline"))
        .await;
}

#[tokio::test]
async fn a_penalty_is_decided_by_the_ninetieth_day_after_filing() {
    let w = case_world().await;
    let opened = ago(91);
    let id = w
        .penalty_at(
            Stage::Notified(Notice::fine(100000).on(ago(20).to_string())),
            json!({"opened_on": opened, "violation_on": day_before(opened)}),
        )
        .await;
    let ninetieth = ago(1);
    assert_eq!(w.case(&id).await["decision_due_on"], json!(ninetieth));
    w.step_ok(&id, json!({"action": "waive_defense"})).await;
    w.step_ok(
        &id,
        with(proposal("penalty", fine(100000)), json!({"proposed_on": ninetieth})),
    )
    .await;
    w.approve_review(&id).await;
    w.step_refused_by(
        &w.supervisor,
        &id,
        json!({"action": "decide", "decided_on": today()}),
        Rule("decision_period_expired"),
    )
    .await;
    let case = w
        .step_ok_by(&w.supervisor, &id, json!({"action": "decide", "decided_on": ninetieth}))
        .await;
    assert_eq!(case["status"], json!("decided"));
    assert_eq!(case["overdue_deadlines"], json!([]), "decided on its last day");
}

/// A case filed 91 days ago whose officers propose that it is unfounded today and the head
/// decides so: `decided`, a day late.
async fn unfounded_decided_a_day_late(w: &CaseWorld) -> (String, Value) {
    let opened = ago(91);
    let id = w
        .penalty_at(
            Stage::Investigating,
            json!({"opened_on": opened, "violation_on": day_before(opened)}),
        )
        .await;
    assert_eq!(w.case(&id).await["overdue_deadlines"], json!(["decision_due_on"]));
    let case = w
        .propose_and_decide(&id, proposal("no_penalty_unfounded", json!([])))
        .await;
    (id, case)
}

#[tokio::test]
async fn a_no_penalty_outcome_after_the_ninety_days_is_decided_but_counted_late() {
    let w = case_world().await;
    let (_, case) = unfounded_decided_a_day_late(&w).await;
    assert_eq!(case["decision"]["outcome"], json!("no_penalty_unfounded"));
    assert_eq!(case["overdue_deadlines"], json!(["decision_due_on"]));
    assert_eq!(case["overdue"], json!(true));
}

#[tokio::test]
async fn a_no_penalty_outcome_decided_late_is_listed_as_overdue() {
    let w = case_world().await;
    let (id, _) = unfounded_decided_a_day_late(&w).await;
    assert_eq!(w.listed("overdue=true").await, vec![id]);
}

// ---------------------------------------------------------------------------------------
// APL art. 67, 85: 15 days from service; a last day on a rest day moves to the next working day.

/// The latest day on or before today whose 15th day after is a rest day (`rest`) or a
/// working day (`!rest`), and, for a rest day, a Saturday.
async fn served_on_with_fifteenth_day(w: &CaseWorld, rest: bool) -> NaiveDate {
    for back in 0..120 {
        let served = ago(back);
        let fifteenth = served + Duration::days(15);
        let working = w.app.is_working_day(fifteenth).await;
        let wanted = match rest {
            true => fifteenth.weekday() == Weekday::Sat && !working,
            false => working,
        };
        if wanted {
            return served;
        }
    }
    panic!("no such service date in the last 120 days");
}

/// A case decided and served on `served_on`, with a ¥1,000 fine.
async fn fine_served_on(w: &CaseWorld, served_on: NaiveDate) -> Value {
    let id = w
        .penalty_at(
            Stage::Served {
                notice: Notice::fine(100000).on((served_on - Duration::days(3)).to_string()),
                decided_on: served_on.to_string(),
                served_on: served_on.to_string(),
            },
            json!({"opened_on": served_on - Duration::days(10), "violation_on": served_on - Duration::days(11)}),
        )
        .await;
    w.case(&id).await
}

#[tokio::test]
async fn payment_is_due_on_the_fifteenth_day_or_the_next_working_day() {
    let w = case_world().await;
    let served = served_on_with_fifteenth_day(&w, true).await;
    let saturday = served + Duration::days(15);
    let case = fine_served_on(&w, served).await;
    let next_working_day = w.app.add_working_days(saturday, 1).await;
    assert!(next_working_day > saturday);
    assert_eq!(
        case["payment_due_on"],
        json!(next_working_day),
        "served {served}: the 15th day {saturday} is a rest day"
    );

    let served = served_on_with_fifteenth_day(&w, false).await;
    let case = fine_served_on(&w, served).await;
    assert_eq!(
        case["payment_due_on"],
        json!(served + Duration::days(15)),
        "served {served}: the 15th day is a working day"
    );
}
