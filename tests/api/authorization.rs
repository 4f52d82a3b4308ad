//! Issue 14 (7): the authorization matrix. Every route, read by every kind of caller —
//! an officer on the case, an officer not on it, counsel, the head (supervisor), an admin,
//! another agency's admin, no one — against a table of what each may do. A route without a
//! row fails the test, so a new route must state who reaches it.

use std::collections::BTreeMap;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{CaseWorld, InspectionStage, Notice, Stage, case_world, json_of, today};

/// What a caller gets: `A` through (2xx), `F` 403, `N` 404, `U` 401.
type Outcome = char;

const CALLERS: [&str; 7] = [
    "on_case",
    "off_case",
    "counsel",
    "supervisor",
    "admin",
    "other_agency",
    "anonymous",
];

/// Who may read each GET route: one letter per caller, in the order of `CALLERS`.
const READS: &[(&str, &str)] = &[
    ("/healthz", "AAAAAAA"),
    ("/readyz", "AAAAAAA"),
    ("/metrics", "AAAAAAA"),
    ("/api/v1/me", "AAAAAAU"),
    ("/api/v1/calendar/add-working-days", "AAAAAAU"),
    ("/api/v1/calendar/{year}", "AAAAAAU"),
    ("/api/v1/users", "FFFFAAU"),
    ("/api/v1/users/{id}", "FFFFANU"),
    ("/api/v1/powers", "AAAAAAU"),
    ("/api/v1/powers/{id}", "AAAAANU"),
    ("/api/v1/powers/{id}/versions", "AAAAANU"),
    ("/api/v1/powers/{id}/versions/{version}", "AAAAANU"),
    ("/api/v1/subjects", "AAAAAAU"),
    ("/api/v1/subjects/{id}", "AAAAANU"),
    ("/api/v1/officers", "AAAAAAU"),
    ("/api/v1/settings", "AAAAAAU"),
    ("/api/v1/cases", "AAAAAAU"),
    ("/api/v1/cases/{id}", "AAAAANU"),
    ("/api/v1/cases/{id}/record", "AAAAANU"),
    ("/api/v1/cases/{id}/record/verify", "AAAAANU"),
    // A case's file shows the party's personal data: its officers, counsel, the head, admins.
    ("/api/v1/cases/{id}/documents", "AFAAANU"),
    ("/api/v1/cases/{id}/evidence", "AFAAANU"),
    ("/api/v1/documents/{id}", "AFAAANU"),
    ("/api/v1/documents/{id}/html", "AFAAANU"),
    ("/api/v1/evidence/{id}", "AFAAANU"),
    ("/api/v1/evidence/{id}/content", "AFAAANU"),
    // Counsel's queue: counsel and the head; one review: as the case's file.
    ("/api/v1/legal-reviews", "FFAAFFU"),
    ("/api/v1/legal-reviews/{id}", "AFAAANU"),
    ("/api/v1/disclosures", "FFFAAAU"),
    ("/api/v1/disclosures/{id}", "FFFAANU"),
    ("/api/v1/disclosures/{id}/preview", "FFFAANU"),
    ("/api/v1/stats/summary", "FFFAAAU"),
    ("/api/v1/stats/breakdown", "FFFAAAU"),
    ("/api/v1/stats/report", "FFFAAAU"),
    ("/api/v1/review-templates", "FFFAAAU"),
    ("/api/v1/review-templates/{id}", "FFFAANU"),
    ("/api/v1/review-campaigns", "FFFAAAU"),
    ("/api/v1/review-campaigns/{id}", "FFFAANU"),
    ("/api/v1/review-campaigns/{id}/report", "FFFAANU"),
    ("/api/v1/review-campaigns/{id}/sample/verify", "FFFAANU"),
    // Lists show each caller their own; one file: its reviewer (counsel here), the head, admins.
    ("/api/v1/case-file-reviews", "AAAAAAU"),
    ("/api/v1/case-file-reviews/{id}", "NNAAANU"),
    // One item: its officer (the lead officer on the case), the head, admins.
    ("/api/v1/rectifications", "AAAAAAU"),
    ("/api/v1/rectifications/{id}", "ANNAANU"),
    // Public, without login; another agency's published entry is public too.
    ("/api/v1/public/powers", "AAAAAAA"),
    ("/api/v1/public/officers", "AAAAAAA"),
    ("/api/v1/public/disclosures", "AAAAAAA"),
    ("/api/v1/public/disclosures/{id}", "AAAAAAA"),
    ("/public/powers", "AAAAAAA"),
    ("/public/officers", "AAAAAAA"),
    ("/public/disclosures", "AAAAAAA"),
    ("/public/disclosures.atom", "AAAAAAA"),
    ("/public/disclosures/{id}", "AAAAAAA"),
];

/// Routes anyone may call without a token (beyond the public reads above).
const OPEN_WRITES: &[&str] = &["/api/v1/auth/login", "/api/v1/auth/refresh"];

struct Fixture {
    w: CaseWorld,
    off_case: (String, String),
    other_admin: String,
    ids: BTreeMap<&'static str, String>,
}

impl Fixture {
    fn token(&self, caller: &str) -> Option<&str> {
        match caller {
            "on_case" => Some(self.w.lead_token()),
            "off_case" => Some(&self.off_case.1),
            "counsel" => Some(&self.w.counsel.1),
            "supervisor" => Some(&self.w.supervisor),
            "admin" => Some(&self.w.app.admin_token),
            "other_agency" => Some(&self.other_admin),
            _ => None,
        }
    }

    /// The route with its placeholders filled from the fixture, and the query it needs.
    fn concrete(&self, route: &str) -> String {
        let id_of = |prefix: &str| self.ids[prefix].clone();
        let mut path = route.to_string();
        let prefix = route.split('/').take(4).collect::<Vec<_>>().join("/");
        if route.contains("/public/disclosures/") {
            path = path.replace("{id}", &id_of("disclosure"));
        }
        let key = match prefix.as_str() {
            "/api/v1/users" => "user",
            "/api/v1/powers" => "power",
            "/api/v1/subjects" => "subject",
            "/api/v1/cases" => "case",
            "/api/v1/documents" => "document",
            "/api/v1/evidence" => "evidence",
            "/api/v1/legal-reviews" => "legal_review",
            "/api/v1/disclosures" => "disclosure",
            "/api/v1/review-templates" => "template",
            "/api/v1/review-campaigns" => "campaign",
            "/api/v1/case-file-reviews" => "file_review",
            "/api/v1/rectifications" => "rectification",
            _ => "none",
        };
        if let Some(id) = self.ids.get(key) {
            path = path.replace("{id}", id);
        }
        path = path.replace("{year}", &today()[..4]).replace("{version}", "1");
        let year = &today()[..4];
        let query = match route {
            "/api/v1/calendar/add-working-days" => format!("?from={}&days=3", today()),
            r if r.starts_with("/api/v1/stats/breakdown") => format!("?year={year}&by=officer"),
            r if r.starts_with("/api/v1/stats/") => format!("?year={year}"),
            r if r.starts_with("/public/") || r.starts_with("/api/v1/public/") => "?agency=XF".to_string(),
            _ => String::new(),
        };
        format!("{path}{query}")
    }
}

async fn fixture() -> Fixture {
    let w = case_world().await;
    let off_case = w.app.officer_with_certificate("off.case", "2035-12-31").await;
    let other_admin = w.app.second_agency("OT", "other.admin").await;
    let mut ids = BTreeMap::new();
    // A decided, served penalty case: its documents, its review, its disclosure (published).
    let case = w
        .penalty_at(
            Stage::Served {
                notice: Notice::fine(50_000),
                decided_on: today(),
                served_on: today(),
            },
            json!({}),
        )
        .await;
    let (_, documents) = json_of(
        w.app
            .get(&format!("/api/v1/cases/{case}/documents"), w.lead_token())
            .await,
    )
    .await;
    ids.insert("document", documents["items"][0]["id"].as_str().unwrap().to_string());
    let (_, reviews) = json_of(w.app.get("/api/v1/legal-reviews", &w.counsel.1).await).await;
    ids.insert("legal_review", reviews["items"][0]["id"].as_str().unwrap().to_string());
    let (_, disclosures) = json_of(w.app.get("/api/v1/disclosures", &w.supervisor).await).await;
    let disclosure = disclosures["items"][0]["id"].as_str().unwrap().to_string();
    let (status, published) = json_of(
        w.app
            .post(
                &format!("/api/v1/disclosures/{disclosure}/publish"),
                &w.supervisor,
                &json!({}),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{published}");
    ids.insert("disclosure", disclosure);
    let photo = b"\x89PNG\r\n\x1a\n photo".to_vec();
    let evidence = w
        .app
        .request(
            Method::POST,
            &format!("/api/v1/cases/{case}/evidence"),
            Some(w.lead_token()),
        )
        .query(&[("kind", "photo"), ("filename", "现场.png")])
        .header("content-type", "application/octet-stream")
        .body(photo)
        .send()
        .await
        .unwrap();
    let (status, evidence) = json_of(evidence).await;
    assert_eq!(status, StatusCode::CREATED, "{evidence}");
    ids.insert("evidence", evidence["id"].as_str().unwrap().to_string());
    ids.insert("case", case);
    // A closed inspection reviewed by counsel, with a rectification for the lead officer.
    let inspection = w.inspection_at(InspectionStage::FoundCompliant, json!({})).await;
    w.step_ok(&inspection, json!({"action": "close"})).await;
    let quarter = crate::helpers::this_quarter();
    let (status, campaign) = json_of(
        w.app
            .post(
                "/api/v1/review-campaigns",
                &w.supervisor,
                &json!({"name": "评查", "period": quarter, "sample": {"count": 1},
                        "scope": {"kinds": ["inspection"]}, "reviewer_ids": [w.counsel.0]}),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{campaign}");
    ids.insert("campaign", campaign["id"].as_str().unwrap().to_string());
    ids.insert("template", campaign["template_id"].as_str().unwrap().to_string());
    let file_review = campaign["reviews"][0]["id"].as_str().unwrap().to_string();
    let (_, file) = json_of(
        w.app
            .get(&format!("/api/v1/case-file-reviews/{file_review}"), &w.counsel.1)
            .await,
    )
    .await;
    let veto: Vec<Value> = file["template"]["veto_items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| json!({"key": i["key"], "failed": false}))
        .collect();
    let items: Vec<Value> = file["template"]["categories"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["items"].as_array().unwrap().clone())
        .map(|i| {
            if i["key"] == json!("evidence") {
                json!({"key": "evidence", "deduction": 2, "comment": "照片未注明时间"})
            } else {
                json!({"key": i["key"], "deduction": 0})
            }
        })
        .collect();
    let (status, scored) = json_of(
        w.app
            .post(
                &format!("/api/v1/case-file-reviews/{file_review}/score"),
                &w.counsel.1,
                &json!({"veto": veto, "items": items,
                        "rectifications": [{"item_key": "evidence", "description": "补注拍摄时间"}]}),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{scored}");
    ids.insert(
        "rectification",
        scored["rectifications"][0]["id"].as_str().unwrap().to_string(),
    );
    ids.insert("file_review", file_review);
    ids.insert("power", w.power.clone());
    ids.insert("subject", w.enterprise.clone());
    ids.insert("user", off_case.0.clone());
    Fixture {
        w,
        off_case,
        other_admin,
        ids,
    }
}

fn outcome(status: StatusCode) -> Outcome {
    match status.as_u16() {
        200..=299 => 'A',
        401 => 'U',
        403 => 'F',
        404 => 'N',
        _ => '?',
    }
}

#[tokio::test]
async fn every_route_answers_each_caller_as_the_matrix_says() {
    let f = fixture().await;
    let endpoints = enforcement::routes::endpoints().unwrap();
    let table: BTreeMap<&str, &str> = READS.iter().copied().collect();
    let mut deviations = Vec::new();
    // Every GET route has its row, and each caller gets what the row says.
    for endpoint in endpoints.iter().filter(|e| e.method == actix_web::http::Method::GET) {
        let Some(row) = table.get(endpoint.path.as_str()) else {
            deviations.push(format!("GET {} has no row in the matrix", endpoint.path));
            continue;
        };
        let url = f.concrete(&endpoint.path);
        for (caller, expected) in CALLERS.iter().zip(row.chars()) {
            let response =
                f.w.app
                    .request(Method::GET, &url, f.token(caller))
                    .send()
                    .await
                    .unwrap();
            let status = response.status();
            if outcome(status) != expected {
                let body = response.text().await.unwrap_or_default();
                deviations.push(format!(
                    "GET {url} as {caller}: expected {expected}, got {status} {}",
                    body.chars().take(160).collect::<String>()
                ));
            }
        }
    }
    // Every other route: no token is 401 (unless it is how one gets a token), and another
    // agency's admin never gets through to this agency's objects.
    for endpoint in endpoints.iter().filter(|e| e.method != actix_web::http::Method::GET) {
        let url = f.concrete(&endpoint.path);
        let method = Method::from_bytes(endpoint.method.as_str().as_bytes()).unwrap();
        if endpoint.path == "/api/v1/auth/logout" {
            continue; // would end the session the rest of the matrix uses; see auth.rs
        }
        let anonymous =
            f.w.app
                .request(method.clone(), &url, None)
                .json(&json!({}))
                .send()
                .await
                .unwrap();
        let open = OPEN_WRITES.contains(&endpoint.path.as_str());
        if !open && anonymous.status() != StatusCode::UNAUTHORIZED {
            deviations.push(format!("{method} {url} without a token: {}", anonymous.status()));
        }
        if endpoint.path.contains("{id}") {
            let other =
                f.w.app
                    .request(method.clone(), &url, Some(&f.other_admin))
                    .json(&json!({}))
                    .send()
                    .await
                    .unwrap();
            if other.status().is_success() {
                deviations.push(format!("{method} {url} by another agency's admin: {}", other.status()));
            }
        }
    }
    assert!(
        deviations.is_empty(),
        "{} deviations:\n{}",
        deviations.len(),
        deviations.join("\n")
    );
    // Nothing the other agency or anonymous callers sent changed the case.
    let case = f.w.case(&f.ids["case"]).await;
    assert_eq!(case["status"], json!("served"));
}

/// Fields a client must not set — states, versions, numbers, owners, signatures — are
/// refused or ignored in every body that could carry them, never applied.
#[tokio::test]
async fn mass_assigned_fields_are_never_applied() {
    let w = case_world().await;
    let mut body = json!({"kind": "inspection", "subject_id": w.enterprise, "power_ids": [w.power],
                          "officer_ids": w.officers(), "summary": "检查"});
    for (field, value) in [
        ("status", json!("closed")),
        ("case_number", json!("伪造〔2024〕第999号")),
        ("version", json!(99)),
        ("agency_id", json!("another")),
        ("id", json!("01a22966-0000-7000-8000-000000000000")),
    ] {
        body[field] = value;
        let (status, answer) = json_of(w.app.post("/api/v1/cases", w.lead_token(), &body).await).await;
        if status.is_success() {
            assert_eq!(answer["status"], json!("registered"), "{field} applied: {answer}");
            assert_ne!(answer["case_number"], json!("伪造〔2024〕第999号"));
            assert_eq!(answer["version"], json!(1));
            assert_ne!(answer["id"], json!("01a22966-0000-7000-8000-000000000000"));
        } else {
            assert!(status.is_client_error(), "{field}: {status} {answer}");
        }
        body.as_object_mut().unwrap().remove(field);
    }
    // A step's body cannot set the case's version, state or numbers.
    for extra in [
        json!({"version": 7}),
        json!({"status": "closed"}),
        json!({"decision_number": "X"}),
    ] {
        let id = w.open_ok("inspection", json!({})).await;
        let mut step = json!({"action": "start", "credentials_shown": true, "location": "学府街1号"});
        step.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        let (status, answer) = w.app.step(w.lead_token(), &id, step).await;
        if status.is_success() {
            let case = w.case(&id).await;
            assert_eq!(
                (
                    case["version"].clone(),
                    case["status"].clone(),
                    case["decision_number"].clone()
                ),
                (json!(2), json!("in_progress"), Value::Null),
                "{extra} applied"
            );
        } else {
            assert!(status.is_client_error(), "{extra} → {status} {answer}");
        }
    }
    // A user cannot be moved to another agency or renamed by id.
    let (_, before) = json_of(
        w.app
            .get(&format!("/api/v1/users/{}", w.lead.0), &w.app.admin_token)
            .await,
    )
    .await;
    let (status, answer) = json_of(
        w.app
            .patch(
                &format!("/api/v1/users/{}", w.lead.0),
                &w.app.admin_token,
                &json!({"agency_id": "another", "id": "x", "created_at": "2000-01-01T00:00:00Z"}),
            )
            .await,
    )
    .await;
    if status.is_success() {
        assert_eq!(
            (&answer["agency_id"], &answer["id"], &answer["created_at"]),
            (&before["agency_id"], &before["id"], &before["created_at"]),
            "{answer}"
        );
    } else {
        assert!(status.is_client_error(), "{status} {answer}");
    }
}
