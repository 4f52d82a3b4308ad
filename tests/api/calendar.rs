use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{error_fields, expect_problem, json_of, spawn_app};

#[tokio::test]
async fn working_days_follow_the_official_calendar() {
    let app = spawn_app().await;
    // 29 Sep 2024 (Sunday) is a make-up working day, 1–7 Oct are holidays, 12 Oct is worked.
    let (status, body) = json_of(
        app.get(
            "/api/v1/calendar/add-working-days?from=2024-09-27&days=7",
            &app.admin_token,
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"date": "2024-10-12", "calendar_complete": true}));
    // Spring Festival 2026: 15–23 Feb are holidays, 14 and 28 Feb (Saturdays) are worked.
    let (_, body) = json_of(
        app.get(
            "/api/v1/calendar/add-working-days?from=2026-02-13&days=2",
            &app.admin_token,
        )
        .await,
    )
    .await;
    assert_eq!(body["date"], json!("2026-02-24"));
    // Beyond the shipped years only weekends are skipped, and the answer says so.
    let (_, body) = json_of(
        app.get(
            "/api/v1/calendar/add-working-days?from=2031-01-03&days=1",
            &app.admin_token,
        )
        .await,
    )
    .await;
    assert_eq!(body, json!({"date": "2031-01-06", "calendar_complete": false}));
}

#[tokio::test]
async fn the_reference_years_are_seeded_and_listed() {
    let app = spawn_app().await;
    let (status, year) = json_of(app.get("/api/v1/calendar/2025", &app.admin_token).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(year["source"], json!("reference"));
    let days = year["days"].as_array().unwrap();
    assert!(
        days.contains(&json!({"date": "2025-10-01", "kind": "holiday", "name": "国庆节、中秋节"})),
        "{year}"
    );
    assert!(
        days.iter()
            .any(|d| d["date"] == json!("2025-09-28") && d["kind"] == json!("workday"))
    );
    let (_, empty) = json_of(app.get("/api/v1/calendar/2040", &app.admin_token).await).await;
    assert_eq!(
        (empty["source"].clone(), empty["days"].clone()),
        (json!(null), json!([]))
    );
}

#[tokio::test]
async fn an_admin_replaces_a_year_and_deadlines_follow() {
    let app = spawn_app().await;
    let year = json!({"days": [
        {"date": "2027-01-01", "kind": "holiday", "name": "元旦"},
        {"date": "2027-01-04", "kind": "holiday", "name": "元旦"},
        {"date": "2027-01-09", "kind": "workday", "name": "元旦调休上班"}
    ]});
    let (status, saved) = json_of(app.put("/api/v1/calendar/2027", &app.admin_token, &year).await).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["source"], json!("admin"));
    assert_eq!(saved["days"].as_array().unwrap().len(), 3);
    // From Thu 31 Dec 2026: Fri 1 Jan and Mon 4 Jan are off, Sat 9 Jan is worked.
    let (_, body) = json_of(
        app.get(
            "/api/v1/calendar/add-working-days?from=2026-12-31&days=5",
            &app.admin_token,
        )
        .await,
    )
    .await;
    assert_eq!(body["date"], json!("2027-01-09"));
    assert_eq!(body["calendar_complete"], json!(true));
}

#[tokio::test]
async fn calendar_edits_are_validated_and_admin_only() {
    let app = spawn_app().await;
    let (_, supervisor) = app.user_token("sup", &["supervisor"]).await;
    let year = json!({"days": [{"date": "2027-01-01", "kind": "holiday", "name": "元旦"}]});
    expect_problem(
        app.put("/api/v1/calendar/2027", &supervisor, &year).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let bad = json!({"days": [
        {"date": "2027-01-01", "kind": "holiday", "name": "元旦"},
        {"date": "2027-01-06", "kind": "workday", "name": "周三上班"},
        {"date": "2028-01-01", "kind": "holiday", "name": "元旦"}
    ]});
    let problem = expect_problem(
        app.put("/api/v1/calendar/2027", &app.admin_token, &bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["days[1].kind", "days[2].date"]);
    let problem = expect_problem(
        app.put(
            "/api/v1/calendar/2027",
            &app.admin_token,
            &json!({"days": [{"date": "2027-01-01", "kind": "festival", "name": "x"}]}),
        )
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["days[0].kind"]);
    // Nothing was stored by the refused edits.
    let (_, year) = json_of(app.get("/api/v1/calendar/2027", &app.admin_token).await).await;
    assert_eq!(year["days"], json!([]));

    let problem = expect_problem(
        app.get(
            "/api/v1/calendar/add-working-days?from=2024-09-27&days=-1",
            &app.admin_token,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["days"]);
    let problem = expect_problem(
        app.get(
            "/api/v1/calendar/add-working-days?from=27/09/2024&days=1",
            &app.admin_token,
        )
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["from"]);
    let problem = expect_problem(
        app.get("/api/v1/calendar/add-working-days?from=2024-09-27", &app.admin_token)
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["days"]);
}

/// Regression: a year counted as loaded only when one of its holiday entries fell inside
/// the span computed, so from a year's last holiday (early October) to its end every
/// working-day deadline was refused or flagged incomplete. Every day of the shipped years
/// must give a complete answer, up to where the deadline runs into an unloaded year.
#[tokio::test]
async fn every_day_of_the_shipped_years_computes_complete_deadlines() {
    let app = spawn_app().await;
    let mut day = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let last = chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
    let mut checked = 0;
    while day <= last {
        for days in [2, 5, 7] {
            let (status, body) = json_of(
                app.get(
                    &format!("/api/v1/calendar/add-working-days?from={day}&days={days}"),
                    &app.admin_token,
                )
                .await,
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{day} + {days}: {body}");
            let due: chrono::NaiveDate = body["date"].as_str().unwrap().parse().unwrap();
            assert!(due > day, "{day} + {days} → {due}");
            let due_year = chrono::Datelike::year(&due);
            assert_eq!(
                body["calendar_complete"],
                json!(due_year <= 2026 || crate::helpers::provisional_years().contains(&due_year)),
                "{day} + {days} → {due}"
            );
            checked += 1;
        }
        day = day.succ_opt().unwrap();
    }
    assert_eq!(checked, 1096 * 3);
}

/// The same regression as a new user met it: a penalty case opened in mid-December and
/// notified on the 19th was refused with calendar_year_missing.
#[tokio::test]
async fn a_notice_in_late_december_gets_its_defence_period() {
    use chrono::Datelike;
    let world = crate::helpers::case_world().await;
    let today = enforcement::clock::today();
    // The latest 15–19 December that is past and within the 366 days a case may be back-dated.
    let year = if today.month() == 12 && today.day() >= 19 {
        today.year()
    } else {
        today.year() - 1
    };
    let opened_on = format!("{year}-12-15");
    let notified_on = format!("{year}-12-19");
    // The defence period may run into January: make sure the next year is in the calendar.
    let next = year + 1;
    let (_, listing) = json_of(app_get(&world.app, &format!("/api/v1/calendar/{next}")).await).await;
    if listing["source"].is_null() {
        let put = world
            .app
            .put(
                &format!("/api/v1/calendar/{next}"),
                &world.app.admin_token,
                &json!({"days": []}),
            )
            .await;
        assert_eq!(put.status(), StatusCode::OK);
    }
    let id = world
        .open_ok(
            "penalty",
            json!({"opened_on": opened_on, "violation_on": format!("{year}-12-10")}),
        )
        .await;
    world
        .step_ok(
            &id,
            json!({"action": "record_investigation", "record_type": "evidence", "content": "现场照片"}),
        )
        .await;
    let notice = crate::helpers::Notice::fine(50_000).on(notified_on.clone()).notify();
    let case = world.step_ok(&id, notice).await;
    let (_, expected) = json_of(
        app_get(
            &world.app,
            &format!("/api/v1/calendar/add-working-days?from={notified_on}&days=5"),
        )
        .await,
    )
    .await;
    assert_eq!(case["status"], json!("notified"), "{case}");
    assert_eq!(case["defense_due_on"], expected["date"], "{case}");
}

async fn app_get(app: &crate::helpers::TestApp, path: &str) -> reqwest::Response {
    app.get(path, &app.admin_token).await
}
