//! The xuefu-2024 demo profile: `enforcement serve --demo` on an empty database loads it,
//! prints its logins and serves it; the figures the profile promises are then read back
//! over HTTP, computed from the cases themselves.

use std::collections::{BTreeMap, BTreeSet};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use enforcement::demo::xuefu;
use serde_json::Value;

use crate::cli::{database_url, enforcement};
use crate::helpers::{fresh_database, init_logging};

/// `enforcement serve --demo`, killed when dropped; its stdout and stderr go to files.
struct Server {
    child: std::process::Child,
    base: String,
    out: std::path::PathBuf,
    err: std::path::PathBuf,
}

impl Server {
    fn start(dir: &std::path::Path, url: &str) -> Server {
        let (out, err) = (dir.join("serve.out"), dir.join("serve.err"));
        let child = Command::new(env!("CARGO_BIN_EXE_enforcement"))
            .args(["serve", "--demo"])
            .env("DATABASE_URL", url)
            .env("ENFORCEMENT_DATA_DIR", dir)
            // Port 0, read back from the log: a port picked here and bound only after the
            // demo loads could meanwhile be taken by another test's server.
            .env("ENFORCEMENT_ADDR", "127.0.0.1:0")
            .env("ENFORCEMENT_JWT_SECRET", "a-test-secret-that-is-long-enough-1234")
            .env("ENFORCEMENT_LOG_FORMAT", "json")
            .env("RUST_LOG", "info")
            .stdout(Stdio::from(std::fs::File::create(&out).unwrap()))
            .stderr(Stdio::from(std::fs::File::create(&err).unwrap()))
            .spawn()
            .unwrap();
        Server {
            child,
            base: String::new(),
            out,
            err,
        }
    }

    fn output(&self) -> (String, String) {
        let read = |p: &std::path::Path| std::fs::read_to_string(p).unwrap_or_default();
        (read(&self.out), read(&self.err))
    }

    /// Waits for `/readyz`; the demo loads first, which takes a while in a debug build.
    async fn ready(&mut self, client: &reqwest::Client) {
        let started = Instant::now();
        loop {
            if let Some(exit) = self.child.try_wait().unwrap() {
                panic!("serve --demo exited ({exit}) before serving: {:?}", self.output());
            }
            if self.base.is_empty() {
                let (_, err) = self.output();
                let port = err.lines().find_map(|line| {
                    let value: serde_json::Value = serde_json::from_str(line).ok()?;
                    (value["fields"]["message"] == "listening").then(|| value["fields"]["port"].clone())
                });
                if let Some(port) = port {
                    self.base = format!("http://127.0.0.1:{port}");
                }
            }
            if !self.base.is_empty()
                && let Ok(response) = client.get(format!("{}/readyz", self.base)).send().await
                && response.status() == 200
            {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(900),
                "serve --demo not ready after 15 minutes: {:?}",
                self.output()
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn get(client: &reqwest::Client, url: String, token: &str) -> Value {
    let response = client.get(&url).bearer_auth(token).send().await.unwrap();
    assert_eq!(response.status(), 200, "GET {url}");
    response.json().await.unwrap()
}

/// Every item of a paged list.
async fn all(client: &reqwest::Client, base: &str, path: &str, token: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let separator = if path.contains('?') { '&' } else { '?' };
        let mut url = format!("{base}/api/v1{path}{separator}limit=200");
        if let Some(cursor) = &cursor {
            url.push_str(&format!("&cursor={cursor}"));
        }
        let page = get(client, url, token).await;
        items.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => return items,
        }
    }
}

fn in_2024(date: &Value) -> bool {
    date.as_str().is_some_and(|d| d.starts_with("2024-"))
}

#[tokio::test]
async fn serve_demo_loads_the_xuefu_year_and_the_api_shows_the_reports_figures() {
    init_logging();
    let dir = tempfile::tempdir().unwrap();
    let (url, _db) = fresh_database(dir.path());
    let url = database_url(&url);
    let started = Instant::now();
    let mut server = Server::start(dir.path(), &url);
    let client = reqwest::Client::new();
    server.ready(&client).await;
    let loaded_in = started.elapsed();
    let (stdout, stderr) = server.output();
    assert!(stdout.contains(xuefu::DEMO_PASSWORD), "{stdout}");
    assert!(
        stdout.contains(xuefu::HEAD.username) && stdout.contains(xuefu::COUNSEL.username),
        "{stdout}"
    );
    assert!(
        stderr.contains("2943/2943 cases"),
        "the progress bar reaches the end: {stderr}"
    );

    let login: Value = client
        .post(format!("{}/api/v1/auth/login", server.base))
        .json(&serde_json::json!({"username": xuefu::HEAD.username, "password": xuefu::DEMO_PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["access_token"].as_str().expect("the head logs in").to_string();
    let base = server.base.clone();

    // Cases opened in 2024, voided ones excluded.
    let cases: Vec<Value> = all(
        &client,
        &base,
        "/cases?opened_from=2024-01-01&opened_to=2024-12-31",
        &token,
    )
    .await
    .into_iter()
    .filter(|c| c["status"] != "voided")
    .collect();
    let of_kind = |kind: &str| cases.iter().filter(|c| c["kind"] == kind).count();
    assert_eq!(of_kind("inspection"), xuefu::INSPECTION_CASES);
    assert_eq!(of_kind("penalty"), xuefu::PENALTY_CASES);
    for case in &cases {
        assert_eq!(case["officers"].as_array().unwrap().len(), 2, "{}", case["case_number"]);
        assert_eq!(case["status"], "closed", "{}", case["case_number"]);
    }

    // Fines of the decisions made in 2024.
    let decisions: Vec<&Value> = cases
        .iter()
        .map(|c| &c["decision"])
        .filter(|d| in_2024(&d["decided_on"]))
        .collect();
    let fines: i64 = decisions
        .iter()
        .map(|d| d["fine_amount_fen"].as_i64().unwrap_or(0))
        .sum();
    assert_eq!(fines, xuefu::FINES_TOTAL_FEN);

    // Hazards found by the inspections, all rectified.
    let mut hazards: BTreeMap<String, usize> = BTreeMap::new();
    for finding in cases.iter().flat_map(|c| c["findings"].as_array().unwrap()) {
        let level = finding["hazard_level"].as_str().unwrap();
        if level != "none" {
            assert_eq!(finding["rectified"], true, "{finding}");
            *hazards.entry(level.to_string()).or_default() += 1;
        }
    }
    assert_eq!(hazards.get("general"), Some(&xuefu::GENERAL_HAZARDS));
    assert_eq!(hazards.get("major"), Some(&xuefu::MAJOR_HAZARDS));

    // Every officer of the agency on a case of 2024, every power cited by one.
    let on_cases: BTreeSet<&str> = cases
        .iter()
        .flat_map(|c| c["officers"].as_array().unwrap())
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    let officers = all(&client, &base, "/officers", &token).await;
    assert!(officers.len() >= 12, "{} officers", officers.len());
    for officer in &officers {
        assert!(
            on_cases.contains(officer["id"].as_str().unwrap()),
            "{officer} is on no case"
        );
    }
    let cited: BTreeSet<&str> = cases
        .iter()
        .flat_map(|c| c["powers"].as_array().unwrap())
        .map(|p| p["power_id"].as_str().unwrap())
        .collect();
    let powers = all(&client, &base, "/powers", &token).await;
    assert!(powers.len() >= 100, "{} powers", powers.len());
    for power in &powers {
        assert!(
            cited.contains(power["id"].as_str().unwrap()),
            "{} is cited by no case",
            power["code"]
        );
    }

    // Ordinary decisions were made on a proposal counsel approved.
    let reviews = all(&client, &base, "/legal-reviews?status=done", &token).await;
    let approved: BTreeSet<&str> = reviews
        .iter()
        .filter(|r| r["outcome"] == "approved")
        .map(|r| r["case_id"].as_str().unwrap())
        .collect();
    let ordinary: Vec<&Value> = cases
        .iter()
        .filter(|c| c["procedure"] == "ordinary" && !c["decision"].is_null())
        .collect();
    assert!(!ordinary.is_empty());
    for case in &ordinary {
        assert!(
            approved.contains(case["id"].as_str().unwrap()),
            "{} has no approved review",
            case["case_number"]
        );
        assert_eq!(case["legal_review_outcome"], "approved");
    }

    // Records verify: every penalty case, every case with a major hazard, a sample of the rest.
    let sample = cases.iter().enumerate().filter(|(i, c)| {
        c["kind"] == "penalty"
            || i % 40 == 0
            || c["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["hazard_level"] == "major")
    });
    for (_, case) in sample {
        let verification = get(
            &client,
            format!("{base}/api/v1/cases/{}/record/verify", case["id"].as_str().unwrap()),
            &token,
        )
        .await;
        assert_eq!(verification["valid"], true, "{}: {verification}", case["case_number"]);
    }
    // The statistics say the same as the cases, and the report's paragraph with them.
    let summary = get(&client, format!("{base}/api/v1/stats/summary?year=2024"), &token).await;
    assert_eq!(summary["inspection_cases"], of_kind("inspection"));
    assert_eq!(summary["penalty_cases"], of_kind("penalty"));
    assert_eq!(summary["fines_total_fen"], fines);
    for (level, found) in &hazards {
        assert_eq!(
            summary["hazards"][level],
            serde_json::json!({"found": found, "rectified": found})
        );
    }
    for (figure, all) in [
        ("officer_participation", officers.len()),
        ("power_performance", powers.len()),
    ] {
        assert_eq!(summary[figure]["count"], all, "{figure}: {}", summary[figure]);
        assert_eq!(summary[figure]["total"], all, "{figure}: {}", summary[figure]);
    }
    let published = &summary["disclosures"];
    assert!(published["due"].as_i64().unwrap() > 0, "{published}");
    assert_eq!(published["published_on_time"], published["due"], "{published}");
    assert_eq!(published["pending_overdue"], 0, "{published}");
    assert!(
        all(&client, &base, "/disclosures?status=pending", &token)
            .await
            .is_empty()
    );
    let report = client
        .get(format!("{base}/api/v1/stats/report?year=2024&format=text"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(report.contains(&format!("案件{}件", cases.len())), "{report}");
    drop(server);
    eprintln!(
        "serve --demo loaded in {:.1} s, checked in {:.1} s",
        loaded_in.as_secs_f64(),
        (started.elapsed() - loaded_in).as_secs_f64()
    );

    // Loading again is refused, whichever way it is asked for; serve --demo just serves.
    let (ok, out) = enforcement(dir.path(), &url, &["demo", "--profile", "xuefu-2024"], "");
    assert!(!ok && out.contains("already exists"), "{out}");
    let (ok, out) = enforcement(
        dir.path(),
        &url,
        &["demo", "--profile", "xuefu-2024", "--agency-code", "XF"],
        "",
    );
    assert!(!ok && out.contains("already holds 2943 cases"), "{out}");
    let mut again = Server::start(dir.path(), &url);
    again.ready(&client).await;
    let (_, stderr) = again.output();
    assert!(stderr.contains("already holds 1 agency"), "{stderr}");
}
