//! The scale data set (`enforcement::scale`): generated rows read back through the store and
//! the API as if the API had written them — cases load and show, numbers are gap-free and
//! match the counters, each record verifies and starts with the event `POST /cases` writes,
//! and the statistics count them, each figure's drill-down listing what it counts.

use std::collections::BTreeMap;

use diesel::prelude::*;
use enforcement::app::{Application, prepare_database};
use enforcement::cases::numbering::{Sequence, format_number};
use enforcement::db::schema::{agencies, case_events, cases, legal_reviews, number_counters};
use enforcement::scale::{ScaleSpec, generate};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, fresh_database, init_logging, json_of, test_settings};

const CASES: u64 = 2_000;

async fn get_ok(client: &reqwest::Client, base: &str, path: &str, token: &str) -> Value {
    let response = client
        .get(format!("{base}{path}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(response).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body
}

/// How many cases a `GET /cases` query lists, following pages.
async fn listed(client: &reqwest::Client, base: &str, query: &str, token: &str) -> usize {
    let mut count = 0;
    let mut path = format!("{query}&limit=200");
    loop {
        let page = get_ok(client, base, &path, token).await;
        count += page["items"].as_array().unwrap().len();
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("{query}&limit=200&cursor={cursor}"),
            None => return count,
        }
    }
}

#[tokio::test]
async fn generated_cases_read_back_through_the_store_and_the_api() {
    init_logging();
    let data_dir = tempfile::tempdir().unwrap();
    let (database, _db) = fresh_database(data_dir.path());
    let settings = test_settings(data_dir.path(), database);
    let spec = ScaleSpec {
        batch_cases: 700,
        ..ScaleSpec::new(CASES, PASSWORD)
    };
    let generated = {
        let settings = settings.clone();
        let spec = spec.clone();
        tokio::task::spawn_blocking(move || {
            let pool = prepare_database(&settings).unwrap();
            let mut conn = pool.get().unwrap();
            let mut calls = Vec::new();
            let report = generate(&mut conn, &spec, |done, total| calls.push((done, total))).unwrap();
            (report, calls)
        })
        .await
        .unwrap()
    };
    let (report, calls) = generated;
    assert_eq!(report.written.cases, CASES);
    assert_eq!(report.agencies.iter().map(|a| a.cases).sum::<u64>(), CASES);
    assert_eq!(calls.last(), Some(&(CASES, CASES)), "progress ends at the total");
    assert!(calls.windows(2).all(|w| w[0].0 <= w[1].0));
    let penalties: u64 = report.agencies.iter().map(|a| a.penalties).sum();
    assert!((10..=80).contains(&penalties), "about 2% penalty cases: {penalties}");

    let mut conn = enforcement::db::establish(&settings.database).unwrap();
    let xf: String = agencies::table
        .filter(agencies::code.eq("XF"))
        .select(agencies::id)
        .first(&mut conn)
        .unwrap();

    // Numbers: gap-free per agency, kind and year, and the counters hold the last one.
    let numbered: Vec<(String, String, i32, i64, Option<i32>)> = cases::table
        .group_by((cases::agency_id, cases::kind, cases::number_year))
        .select((
            cases::agency_id,
            cases::kind,
            cases::number_year,
            diesel::dsl::count_star(),
            diesel::dsl::max(cases::number_seq),
        ))
        .load(&mut conn)
        .unwrap();
    let counters: BTreeMap<(String, String, i32), i32> = number_counters::table
        .select((
            number_counters::agency_id,
            number_counters::counter,
            number_counters::year,
            number_counters::last_seq,
        ))
        .load::<(String, String, i32, i32)>(&mut conn)
        .unwrap()
        .into_iter()
        .map(|(agency, counter, year, last)| ((agency, counter, year), last))
        .collect();
    assert!(numbered.len() >= 20, "4 agencies × 5 years × inspections: {numbered:?}");
    for (agency, kind, year, count, max) in &numbered {
        assert_eq!(Some(*count as i32), *max, "{agency} {kind} {year}: gap-free");
        assert_eq!(counters.get(&(agency.clone(), kind.clone(), *year)), max.as_ref());
    }
    let decisions: Vec<(String, Option<String>)> = cases::table
        .filter(cases::decision_number.is_not_null())
        .select((cases::agency_id, cases::decision_number))
        .load(&mut conn)
        .unwrap();
    let distinct: std::collections::BTreeSet<_> = decisions.iter().collect();
    assert_eq!(distinct.len(), decisions.len(), "decision numbers are unique");
    let decision_counters: i32 = counters
        .iter()
        .filter(|((_, counter, _), _)| {
            counter == Sequence::Decision.key() || counter == Sequence::NoPenaltyDecision.key()
        })
        .map(|(_, last)| *last)
        .sum();
    assert_eq!(decision_counters as usize, decisions.len());
    let counted: i64 = cases::table.count().get_result(&mut conn).unwrap();
    let events: i64 = case_events::table.count().get_result(&mut conn).unwrap();
    assert_eq!(
        (counted, events),
        (CASES as i64, CASES as i64),
        "one creation event a case"
    );
    let reviews: i64 = legal_reviews::table.count().get_result(&mut conn).unwrap();
    assert_eq!(reviews as u64, report.written.legal_reviews);

    // A sample of every kind, status and procedure loads through the store, shows through
    // the API and has a whole record whose first event is what POST /cases writes.
    let sample: Vec<(String, String)> = cases::table
        .filter(cases::agency_id.eq(&xf))
        .order((cases::kind, cases::status, cases::procedure, cases::id))
        .select((cases::id, cases::status))
        .load::<(String, String)>(&mut conn)
        .unwrap()
        .into_iter()
        .fold(Vec::<(String, String)>::new(), |mut picked, (id, status)| {
            if picked.iter().filter(|(_, s)| *s == status).count() < 3 {
                picked.push((id, status));
            }
            picked
        });
    assert!(sample.len() >= 10, "{sample:?}");
    let app = Application::build(settings.clone()).unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::new();
    let login = |username: &'static str| {
        let client = client.clone();
        let base = base.clone();
        async move {
            let response = client
                .post(format!("{base}/api/v1/auth/login"))
                .json(&json!({"username": username, "password": PASSWORD}))
                .send()
                .await
                .unwrap();
            let (status, body) = json_of(response).await;
            assert_eq!(status, StatusCode::OK, "{username}: {body}");
            body["access_token"].as_str().unwrap().to_string()
        }
    };
    let head = login("xf.head1").await;
    login("xf.officer001").await;
    for (id, status) in &sample {
        let (case, meta) = enforcement::cases::store::load(&mut conn, &xf, id).unwrap().unwrap();
        assert_eq!(case.status.as_str(), status);
        assert_eq!(
            case.case_number,
            format_number("学府", Sequence::for_case(case.kind), meta.number_year, meta.number_seq)
        );
        assert_eq!(case.officers.len(), 2);
        // Certified on the case's date (some have left the office since: inactive now).
        let certified = |o: &enforcement::cases::model::CaseOfficer| {
            o.certificate_no.is_some() && o.certificate_expires_on.is_some_and(|e| e >= case.opened_on)
        };
        assert!(case.officers.iter().all(certified), "{id}");
        let view = get_ok(&client, &base, &format!("/api/v1/cases/{id}"), &head).await;
        assert_eq!(view["case_number"], json!(case.case_number));
        assert_eq!(view["status"], json!(status));
        let verified = get_ok(&client, &base, &format!("/api/v1/cases/{id}/record/verify"), &head).await;
        assert_eq!(verified["valid"], json!(true), "{id}: {verified}");
        assert_eq!(verified["length"], json!(1));
        let events = enforcement::record::store::events(&mut conn, id).unwrap();
        assert_eq!(events[0].action, "create");
        assert_eq!(
            events[0].payload,
            enforcement::cases::store::creation_payload(&case, &meta.subject_name)
        );
    }

    // Statistics of 2024 for XF: non-zero, and the figures' drill-downs list them.
    let summary = get_ok(&client, &base, "/api/v1/stats/summary?year=2024", &head).await;
    let cases_total = summary["cases_total"].as_i64().unwrap();
    assert!(cases_total > 100, "{summary}");
    assert!(summary["inspection_cases"].as_i64().unwrap() > 0);
    assert!(
        summary["hazards"]["general"]["found"].as_i64().unwrap() > 0,
        "{summary}"
    );
    assert!(
        summary["officer_participation"]["count"].as_u64().unwrap() > 30,
        "{summary}"
    );
    assert!(
        summary["power_performance"]["count"].as_u64().unwrap() > 10,
        "{summary}"
    );
    for figure in [
        "cases_total",
        "inspection_cases",
        "penalty_cases",
        "penalty_decisions.total",
    ] {
        let query = summary["drill_down"][figure].as_str().unwrap();
        let expected = figure.split('.').fold(&summary, |v, key| &v[key]).as_i64().unwrap();
        assert_eq!(
            listed(&client, &base, query, &head).await as i64,
            expected,
            "{figure}: {query}"
        );
    }
}
