//! Issue 14 (7): the authorization matrix. Every route, called by every kind of caller —
//! an officer on the case, an officer not on it, counsel, the head (supervisor), an admin,
//! another agency's admin, no one — against a table of what each may do: `READS` for the
//! GET routes, `WRITES` for the others, each write sent with a valid body so that the
//! answer is the role decision and not a parse error. A route without a row fails the
//! test, so a new route must state who reaches it.
//!
//! The staff console's HTML pages (`/console/…`) are not API routes: they answer a cookie
//! session, not a bearer token, and are kept out of `routes::endpoints()` and the OpenAPI
//! document, so this matrix does not list them; `tests/api/console.rs` checks who reaches
//! each page (officer, counsel, head, another agency, no one).

use std::collections::BTreeMap;
use std::time::Instant;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{
    ADMIN_PASSWORD, CaseWorld, InspectionStage, Notice, PASSWORD, Stage, case_world, json_of, passing_opinion,
    this_quarter, today,
};

/// What a caller gets: `A` through (2xx), `F` 403, `N` 404, `U` 401. Writes also know `C`
/// and `R` (see `WRITES`).
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
    // 行政裁量权基准: staff read a power's benchmarks and one version of one.
    ("/api/v1/powers/{id}/benchmarks", "AAAAANU"),
    ("/api/v1/benchmarks/{id}", "AAAAANU"),
    ("/api/v1/benchmarks/consistency", "FFFAAAU"),
    // The four lists: staff read a power's entries and one version of one.
    ("/api/v1/powers/{id}/list-entries", "AAAAANU"),
    ("/api/v1/list-entries/{id}", "AAAAANU"),
    ("/api/v1/subjects", "AAAAAAU"),
    ("/api/v1/subjects/{id}", "AAAAANU"),
    ("/api/v1/officers", "AAAAAAU"),
    // 检查事项清单: staff read; another agency's admin reads its own (empty) list.
    ("/api/v1/inspection-items", "AAAAAAU"),
    ("/api/v1/inspection-items/{id}", "AAAAANU"),
    ("/api/v1/settings", "AAAAAAU"),
    ("/api/v1/cases", "AAAAAAU"),
    ("/api/v1/cases/{id}", "AAAAANU"),
    ("/api/v1/cases/{id}/record", "AAAAANU"),
    ("/api/v1/cases/{id}/record/verify", "AAAAANU"),
    ("/api/v1/cases/{id}/record/proof", "AAAAANU"),
    // Frequency alerts, ratings and complaints: the head and admins.
    ("/api/v1/inspection-alerts", "FFFAAAU"),
    ("/api/v1/inspection-merge-proposals", "FFFAAAU"),
    ("/api/v1/inspection-feedback", "FFFAAAU"),
    // 双随机: the office's staff read its plans; recusals: the head and admins.
    ("/api/v1/random-plans", "AAAAAAU"),
    ("/api/v1/random-plans/{id}", "AAAAANU"),
    ("/api/v1/recusals", "FFFAAAU"),
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
    // 干预插手登记: each caller lists what it may read (its own reports; the head all); one
    // report (filed by the lead officer): its reporter and the head, a 404 for anyone else;
    // its access log: the head.
    ("/api/v1/interference-reports", "AAAAAAU"),
    ("/api/v1/interference-reports/{id}", "ANNANNU"),
    ("/api/v1/interference-reports/{id}/access-log", "FFFAFFU"),
    // 案件移送: the agency's staff read its transfers.
    ("/api/v1/transfers", "AAAAAAU"),
    ("/api/v1/transfers/{id}", "AAAAANU"),
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
    ("/api/v1/public/inspection-items", "AAAAAAA"),
    ("/api/v1/public/random-items", "AAAAAAA"),
    ("/api/v1/public/benchmarks", "AAAAAAA"),
    ("/api/v1/public/discretion-lists", "AAAAAAA"),
    ("/api/v1/public/random-plans/{id}", "AAAAAAA"),
    ("/api/v1/public/random-plans/{id}/verify", "AAAAAAA"),
    ("/api/v1/public/disclosures", "AAAAAAA"),
    ("/api/v1/public/disclosures/{id}", "AAAAAAA"),
    ("/public/powers", "AAAAAAA"),
    ("/public/officers", "AAAAAAA"),
    ("/public/inspection-items", "AAAAAAA"),
    ("/public/random-items", "AAAAAAA"),
    ("/public/benchmarks", "AAAAAAA"),
    ("/public/discretion-lists", "AAAAAAA"),
    ("/public/random-plans/{id}", "AAAAAAA"),
    ("/public/disclosures", "AAAAAAA"),
    ("/public/disclosures.atom", "AAAAAAA"),
    ("/public/disclosures/{id}", "AAAAAAA"),
    // An inspection code's page: whoever holds the code (the enterprise), without login.
    ("/api/v1/public/inspections/{code}", "AAAAAAA"),
    ("/public/inspections/{code}", "AAAAAAA"),
    ("/public/inspections/{code}/qr.svg", "AAAAAAA"),
    // Signed checkpoints of the record are published for anyone to keep.
    ("/api/v1/public/checkpoints", "AAAAAAA"),
    ("/api/v1/public/checkpoints/{id}", "AAAAAAA"),
    ("/public/checkpoints.atom", "AAAAAAA"),
];

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
        if route.contains("/public/inspections/") {
            path = path.replace("{code}", &id_of("inspection_code"));
        }
        if route.contains("/public/checkpoints/") {
            path = path.replace("{id}", &id_of("checkpoint"));
        }
        if route.contains("/public/random-plans/") {
            path = path.replace("{id}", &id_of("random_plan"));
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
            "/api/v1/inspection-items" => "inspection_item",
            "/api/v1/random-plans" => "random_plan",
            "/api/v1/benchmarks" => "benchmark",
            "/api/v1/list-entries" => "list_entry",
            "/api/v1/interference-reports" => "interference_report",
            "/api/v1/transfers" => "transfer",
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
            "/api/v1/benchmarks/consistency" => format!("?year={year}"),
            r if r.starts_with("/public/") || r.starts_with("/api/v1/public/") => "?agency=XF".to_string(),
            _ => String::new(),
        };
        format!("{path}{query}")
    }
}

/// The seven callers: the case world's officers (the lead is on every case it opens),
/// counsel, the head and admin, an officer on none of its cases, and another agency's admin.
async fn callers() -> Fixture {
    let w = case_world().await;
    let off_case = w.app.officer_with_certificate("off.case", "2035-12-31").await;
    let other_admin = w.app.second_agency("OT", "other.admin").await;
    Fixture {
        w,
        off_case,
        other_admin,
        ids: BTreeMap::new(),
    }
}

async fn fixture() -> Fixture {
    let Fixture {
        w,
        off_case,
        other_admin,
        mut ids,
    } = callers().await;
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
    let quarter = this_quarter();
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
    let (status, scored) = json_of(
        w.app
            .post(
                &format!("/api/v1/case-file-reviews/{file_review}/score"),
                &w.counsel.1,
                &score_sheet(&file),
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
    let (status, benchmark) = json_of(
        w.app
            .post(
                &format!("/api/v1/powers/{}/benchmarks", w.power),
                &w.supervisor,
                &benchmark("占道经营（读）"),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{benchmark}");
    ids.insert("benchmark", benchmark["id"].as_str().unwrap().to_string());
    let (status, entry) = json_of(
        w.app
            .post(
                &format!("/api/v1/powers/{}/list-entries", w.power),
                &w.supervisor,
                &list_entry("占道经营（读）"),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{entry}");
    ids.insert("list_entry", entry["id"].as_str().unwrap().to_string());
    let (status, item) = json_of(
        w.app
            .post(
                "/api/v1/inspection-items",
                &w.supervisor,
                &inspection_item("AZ-JC-READ", &w.power),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{item}");
    ids.insert("inspection_item", item["id"].as_str().unwrap().to_string());
    // An approved inspection citing it: its code's public page.
    let (status, planned) = w.open("inspection", json!({"inspection_item_ids": [item["id"]]})).await;
    assert_eq!(status, StatusCode::CREATED, "{planned}");
    let window = json!({"action": "approve_inspection", "planned_from": today(), "planned_to": today()});
    let approved = w
        .step_ok_by(&w.supervisor, planned["id"].as_str().unwrap(), window)
        .await;
    ids.insert(
        "inspection_code",
        approved["inspection_plan"]["code"].as_str().unwrap().to_string(),
    );
    ids.insert("subject", w.enterprise.clone());
    ids.insert("user", off_case.0.clone());
    ids.insert("random_plan", random_plan(&w, "AZ-SJ-READ").await);
    ids.insert("interference_report", interference_report(&w).await);
    ids.insert("transfer", transfer(&w).await);
    // Signed last, so that it covers every case above.
    let (status, checkpoint) = json_of(w.app.post("/api/v1/checkpoints", &w.supervisor, &json!({})).await).await;
    assert_eq!(status, StatusCode::CREATED, "{checkpoint}");
    ids.insert("checkpoint", checkpoint["id"].as_str().unwrap().to_string());
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
async fn every_read_answers_each_caller_as_the_matrix_says() {
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
    assert!(
        deviations.is_empty(),
        "{} deviations:\n{}",
        deviations.len(),
        deviations.join("\n")
    );
}

/// What a write row needs from the fixture: each variant is prepared by
/// [`Fixture::prepare`] into a target in the state the write needs, with a valid body.
#[derive(Debug, Clone, Copy)]
enum Setup {
    Login,
    Refresh,
    /// Each caller logs out of a session of its own, opened for the purpose.
    Logout,
    CreateUser,
    PatchUser,
    PutCalendar,
    ImportPowers,
    CreatePower,
    PatchPower,
    CreateSubject,
    PatchSubject,
    PutSettings,
    CreateCase,
    /// `POST /cases/{id}/transitions` with this action, on a case where it is possible.
    Step(Step),
    SubmitReview,
    SignOpinion,
    UploadEvidence,
    VerifyEvidence,
    Publish,
    Withdraw,
    Update,
    CreateTemplate,
    CreateCampaign,
    Score,
    Answer,
    ReviewRectification,
    SignCheckpoint,
    /// The enterprise rates a started inspection through its code (each caller a fresh one).
    GiveFeedback,
    GiveRating,
    /// The head handles an open complaint (each allowed caller a fresh one).
    HandleComplaint,
    CreateInspectionItem,
    WithdrawInspectionItem,
    CreateRandomPlan,
    /// Each allowed caller draws a fresh plan.
    DrawRandomPlan,
    /// A drawn plan without recorded results: the head's call is a 409 (`R`).
    PublishRandomResults,
    CreateRecusal,
    /// Each allowed caller publishes a benchmark of its own circumstance.
    CreateBenchmark,
    ImportBenchmarks,
    /// Each allowed caller publishes a list entry of its own circumstance.
    CreateListEntry,
    ImportListEntries,
    CreateInterferenceReport,
    /// Each allowed caller refers a fresh report of the lead officer's.
    ReferInterferenceReport,
    /// Each allowed caller records the outcome of a freshly referred report.
    RecordReferralOutcome,
    /// Each allowed caller receives a letter of its own number.
    ReceiveTransfer,
    /// Each allowed caller records the receipt of a fresh transfer.
    RecordTransferReceipt,
    /// Each allowed caller records the feedback of a fresh, received transfer.
    RecordTransferFeedback,
}

/// The steps the matrix takes through `/transitions`: one for each kind of actor of the
/// state machine (the case's officers, the head, counsel), and the two `decide`s, whose
/// actor depends on the procedure.
#[derive(Debug, Clone, Copy)]
enum Step {
    /// An inspection's `start`: its officers.
    Start,
    /// 立案审批: the head.
    ApproveFiling,
    /// Counsel's opinion, signed through the case's steps instead of the review's route.
    RecordLegalOpinion,
    /// The ordinary procedure: the head decides (APL art. 57).
    DecideOrdinary,
    /// The simple procedure: the officers decide on the spot (APL art. 51–52).
    DecideSimple,
    /// A case entered by mistake: the head.
    Void,
}

impl Setup {
    /// The case step a write takes, where it takes one: a 409 whose `allowed_actions` lacks
    /// it is the state machine refusing the caller (`C`).
    fn action(self) -> Option<&'static str> {
        match self {
            Setup::Step(Step::Start) => Some("start"),
            Setup::Step(Step::ApproveFiling) => Some("approve_filing"),
            Setup::Step(Step::RecordLegalOpinion) => Some("record_legal_opinion"),
            Setup::Step(Step::DecideOrdinary | Step::DecideSimple) => Some("decide"),
            Setup::Step(Step::Void) => Some("void"),
            Setup::SubmitReview => Some("submit_legal_review"),
            _ => None,
        }
    }
}

/// One write route (a transition: one of its actions) and who may take it.
struct Write {
    method: &'static str,
    route: &'static str,
    setup: Setup,
    /// One letter per caller, in the order of `CALLERS`.
    expected: &'static str,
}

const fn write(method: &'static str, route: &'static str, setup: Setup, expected: &'static str) -> Write {
    Write {
        method,
        route,
        setup,
        expected,
    }
}

/// Who may take each write, with a valid body, one letter per caller in the order of
/// `CALLERS`: `A` 2xx, `F` 403, `N` 404, `U` 401, and two for case steps —
/// `C`: 409 whose `allowed_actions` lacks the step: the state machine does not offer it to
/// this caller (README: "a step not possible now, or not for the caller, is a 409 with
/// allowed_actions"); the row's `A` caller then takes the step on the same case, which
/// proves the case was in a state to take it. `R`: a 409 or 422 that passed the role check
/// and was refused by a domain rule (another agency's admin naming XF's power in a new
/// inspection item).
#[rustfmt::skip]
const WRITES: &[Write] = &[
    // Anyone logs in and rotates a refresh token; logging out needs a session.
    write("POST", "/api/v1/auth/login", Setup::Login, "AAAAAAA"),
    write("POST", "/api/v1/auth/refresh", Setup::Refresh, "AAAAAAA"),
    write("POST", "/api/v1/auth/logout", Setup::Logout, "AAAAAAU"),
    // Admins: users, the power list, settings, the calendar (DESIGN §1). Another agency's
    // admin writes its own agency's users, powers and settings.
    write("POST", "/api/v1/users", Setup::CreateUser, "FFFFAAU"),
    write("PATCH", "/api/v1/users/{id}", Setup::PatchUser, "FFFFANU"),
    // The State Council's holiday calendar is one table for the whole deployment, not an
    // agency's data: any agency's admin replaces a year, for every agency (DESIGN §3
    // "editable by admins"; narrowing it needs a deployment-wide role, which there is not).
    write("PUT", "/api/v1/calendar/{year}", Setup::PutCalendar, "FFFFAAU"),
    write("POST", "/api/v1/powers/import", Setup::ImportPowers, "FFFFAAU"),
    write("POST", "/api/v1/powers", Setup::CreatePower, "FFFFAAU"),
    write("PATCH", "/api/v1/powers/{id}", Setup::PatchPower, "FFFFANU"),
    write("PUT", "/api/v1/settings", Setup::PutSettings, "FFFFAAU"),
    // The register of subjects: staff (DESIGN §8).
    write("POST", "/api/v1/subjects", Setup::CreateSubject, "AAAAAAU"),
    write("PATCH", "/api/v1/subjects/{id}", Setup::PatchSubject, "AAAAANU"),
    // Officers open cases, also for two colleagues (an officer not on it opens it here).
    write("POST", "/api/v1/cases", Setup::CreateCase, "AAFFFFU"),
    // Steps: the table of the state machine (cases/model/table.rs) decides the actor.
    write("POST", "/api/v1/cases/{id}/transitions", Setup::Step(Step::Start), "ACCCCNU"),
    write("POST", "/api/v1/cases/{id}/transitions", Setup::Step(Step::ApproveFiling), "CCCACNU"),
    write("POST", "/api/v1/cases/{id}/transitions", Setup::Step(Step::RecordLegalOpinion), "CCACCNU"),
    write("POST", "/api/v1/cases/{id}/transitions", Setup::Step(Step::DecideOrdinary), "CCCACNU"),
    write("POST", "/api/v1/cases/{id}/transitions", Setup::Step(Step::DecideSimple), "ACCCCNU"),
    write("POST", "/api/v1/cases/{id}/transitions", Setup::Step(Step::Void), "CCCACNU"),
    // 法制审核: the case's officers submit, counsel who is not on the case signs; the
    // opinion's role check comes before its review is looked up (another agency: 403).
    write("POST", "/api/v1/cases/{id}/legal-reviews", Setup::SubmitReview, "ACCCCNU"),
    write("POST", "/api/v1/legal-reviews/{id}/opinion", Setup::SignOpinion, "FFAFFFU"),
    // Evidence: a case being handled takes it from its own officers; re-hashing is a read
    // of the case's file.
    write("POST", "/api/v1/cases/{id}/evidence", Setup::UploadEvidence, "AFFFFNU"),
    write("POST", "/api/v1/evidence/{id}/verify", Setup::VerifyEvidence, "AFAAANU"),
    // 公示: the head publishes, withdraws and updates (DESIGN §1, §8); admins only read.
    write("POST", "/api/v1/disclosures/{id}/publish", Setup::Publish, "FFFAFFU"),
    write("POST", "/api/v1/disclosures/{id}/withdraw", Setup::Withdraw, "FFFAFFU"),
    write("POST", "/api/v1/disclosures/{id}/update", Setup::Update, "FFFAFFU"),
    // 案卷评查: admins keep templates, the head runs campaigns and reviews rectifications,
    // the assigned reviewer (counsel here) scores, the case's lead officer answers. Counsel's
    // one score comes after every campaign that names counsel (see `open_rectification`).
    write("POST", "/api/v1/review-templates", Setup::CreateTemplate, "FFFFAAU"),
    write("POST", "/api/v1/review-campaigns", Setup::CreateCampaign, "FFFAFFU"),
    write("POST", "/api/v1/case-file-reviews/{id}/score", Setup::Score, "NNAFFNU"),
    write("POST", "/api/v1/rectifications/{id}/answer", Setup::Answer, "ANNFFNU"),
    write("POST", "/api/v1/rectifications/{id}/review", Setup::ReviewRectification, "FFFAFFU"),
    // The head or an admin signs a checkpoint of their own agency's records on demand.
    write("POST", "/api/v1/checkpoints", Setup::SignCheckpoint, "FFFAAAU"),
    // 检查事项清单: the head and admins publish and withdraw. Another agency's admin passes the
    // role check, but the body names a power of XF's list, not of its own: a 422 naming
    // power_id (`R`); its withdrawal of XF's item is a 404.
    write("POST", "/api/v1/inspection-items", Setup::CreateInspectionItem, "FFFAARU"),
    write("POST", "/api/v1/inspection-items/{id}/withdraw", Setup::WithdrawInspectionItem, "FFFAANU"),
    // Whoever holds an inspection's code rates it, without login; the head handles
    // complaints (another agency's admin is no supervisor: 403 before the lookup).
    write("POST", "/api/v1/public/inspections/{code}/feedback", Setup::GiveFeedback, "AAAAAAA"),
    write("POST", "/api/v1/public/inspections/{code}/rating", Setup::GiveRating, "AAAAAAA"),
    write("POST", "/api/v1/inspection-feedback/{case_id}/handle", Setup::HandleComplaint, "FFFAFFU"),
    // 双随机: plans, draws, publication and recusals are the head's.
    write("POST", "/api/v1/random-plans", Setup::CreateRandomPlan, "FFFAFFU"),
    write("POST", "/api/v1/random-plans/{id}/draw", Setup::DrawRandomPlan, "FFFAFFU"),
    write("POST", "/api/v1/random-plans/{id}/publish-results", Setup::PublishRandomResults, "FFFRFFU"),
    write("POST", "/api/v1/recusals", Setup::CreateRecusal, "FFFAFFU"),
    // 行政裁量权基准: the head and admins publish and import. Another agency's admin passes the
    // role check; XF's power is not found for it (404), and a file naming XF's power code is
    // refused by its rows (`R`: 422 naming power_code).
    write("POST", "/api/v1/powers/{id}/benchmarks", Setup::CreateBenchmark, "FFFAANU"),
    write("POST", "/api/v1/benchmarks/import", Setup::ImportBenchmarks, "FFFAARU"),
    write("POST", "/api/v1/powers/{id}/list-entries", Setup::CreateListEntry, "FFFAANU"),
    write("POST", "/api/v1/list-entries/import", Setup::ImportListEntries, "FFFAARU"),
    // 干预插手登记: any staff member files a report; the head refers it and records the
    // outcome (the role check comes before the lookup: another agency's admin gets 403).
    write("POST", "/api/v1/interference-reports", Setup::CreateInterferenceReport, "AAAAAAU"),
    write("POST", "/api/v1/interference-reports/{id}/refer", Setup::ReferInterferenceReport, "FFFAFFU"),
    write("POST", "/api/v1/interference-reports/{id}/referral-outcome", Setup::RecordReferralOutcome, "FFFAFFU"),
    // 案件移送: officers receive a case from another department (opening it, as POST /cases);
    // the case's officers and the head record the receiving side's receipt and feedback.
    write("POST", "/api/v1/transfers/incoming", Setup::ReceiveTransfer, "AAFFFFU"),
    write("POST", "/api/v1/transfers/{id}/receipt", Setup::RecordTransferReceipt, "AFFAFFU"),
    write("POST", "/api/v1/transfers/{id}/feedback", Setup::RecordTransferFeedback, "AFFAFFU"),
];

/// A write ready to send: the concrete path and its body.
#[derive(Debug, Clone)]
struct Target {
    path: String,
    body: Body,
}

#[derive(Debug, Clone)]
enum Body {
    Empty,
    Json(Value),
    Csv(String),
    /// An evidence upload: metadata in the query, the file's bytes as the body.
    File(Vec<(&'static str, String)>, Vec<u8>),
}

impl Target {
    fn json(path: impl Into<String>, body: Value) -> Self {
        Target {
            path: path.into(),
            body: Body::Json(body),
        }
    }

    fn empty(path: impl Into<String>) -> Self {
        Target {
            path: path.into(),
            body: Body::Empty,
        }
    }

    async fn send(&self, f: &Fixture, method: &Method, token: Option<&str>) -> (StatusCode, Value) {
        let request = f.w.app.request(method.clone(), &self.path, token);
        let request = match &self.body {
            Body::Empty => request,
            Body::Json(body) => request.json(body),
            Body::Csv(text) => request.header("content-type", "text/csv").body(text.clone()),
            Body::File(query, bytes) => request
                .query(query)
                .header("content-type", "application/octet-stream")
                .body(bytes.clone()),
        };
        json_of(request.send().await.unwrap()).await
    }
}

/// The outcome of a write: a 409 of a case step is `C` when its `allowed_actions` lack the
/// step, other 409s and 422s are `R`.
fn write_outcome(status: StatusCode, body: &Value, action: Option<&str>) -> Outcome {
    match status.as_u16() {
        409 if action.is_some_and(|action| {
            body["allowed_actions"]
                .as_array()
                .is_some_and(|allowed| !allowed.contains(&json!(action)))
        }) =>
        {
            'C'
        }
        409 | 422 => 'R',
        _ => outcome(status),
    }
}

impl Fixture {
    /// A caller's username and password, to open a session of its own.
    fn credentials(caller: &str) -> Option<(&'static str, &'static str)> {
        match caller {
            "on_case" => Some(("lead.officer", PASSWORD)),
            "off_case" => Some(("off.case", PASSWORD)),
            "counsel" => Some(("counsel", PASSWORD)),
            "supervisor" => Some(("chief", PASSWORD)),
            "admin" => Some(("admin", ADMIN_PASSWORD)),
            "other_agency" => Some(("other.admin", ADMIN_PASSWORD)),
            _ => None,
        }
    }

    /// A penalty case whose proposal (a fine of ¥500, notified, defence waived) waits for
    /// legal review.
    async fn proposed_case(&self) -> String {
        let notice = Notice::fine(50_000);
        let id = self.w.penalty_at(Stage::Notified(notice.clone()), json!({})).await;
        self.w.step_ok(&id, json!({"action": "waive_defense"})).await;
        let case = self.w.step_ok(&id, notice.propose()).await;
        assert_eq!(case["status"], json!("proposed"), "{case}");
        id
    }

    /// A proposed case submitted to counsel; returns the case and its pending review.
    async fn case_in_review(&self) -> (String, String) {
        let id = self.proposed_case().await;
        let (status, review) = json_of(
            self.w
                .app
                .post(
                    &format!("/api/v1/cases/{id}/legal-reviews"),
                    self.w.lead_token(),
                    &json!({}),
                )
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{review}");
        (id, review["id"].as_str().unwrap().to_string())
    }

    /// A pending disclosure: the result of an inspection closed with findings (§5.3).
    async fn pending_disclosure(&self) -> String {
        let findings = json!([{"description": "店外堆放杂物", "hazard_level": "none"}]);
        let case = self
            .w
            .inspection_at(InspectionStage::FoundViolations(findings), json!({}))
            .await;
        self.w.step_ok(&case, json!({"action": "close"})).await;
        let (status, list) = json_of(
            self.w
                .app
                .get("/api/v1/disclosures?status=pending&limit=200", &self.w.supervisor)
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{list}");
        let item = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["case_id"] == json!(case))
            .unwrap_or_else(|| panic!("no pending disclosure of {case}: {list}"));
        item["id"].as_str().unwrap().to_string()
    }

    /// A campaign sampling one of this quarter's closed inspections for `reviewer` (id,
    /// token); returns the file review as the reviewer reads it.
    async fn assigned_file(&self, reviewer: &(String, String)) -> Value {
        let (status, campaign) = json_of(
            self.w
                .app
                .post(
                    "/api/v1/review-campaigns",
                    &self.w.supervisor,
                    &campaign_body(&reviewer.0),
                )
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{campaign}");
        let file = campaign["reviews"][0]["id"].as_str().unwrap();
        let (status, file) = json_of(
            self.w
                .app
                .get(&format!("/api/v1/case-file-reviews/{file}"), &reviewer.1)
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{file}");
        file
    }

    /// An open rectification item raised for the lead officer by a score. The reviewer is
    /// new: a score enters the case's record, and whoever is in a record may no longer
    /// review that case, so counsel scores once only (the `Score` row, after the campaigns
    /// that name counsel).
    async fn open_rectification(&self, n: usize) -> String {
        let reviewer = self.w.app.user_token(&format!("reviewer{n}"), &["legal_counsel"]).await;
        let file = self.assigned_file(&reviewer).await;
        let (status, scored) = json_of(
            self.w
                .app
                .post(
                    &format!("/api/v1/case-file-reviews/{}/score", file["id"].as_str().unwrap()),
                    &reviewer.1,
                    &score_sheet(&file),
                )
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{scored}");
        scored["rectifications"][0]["id"].as_str().unwrap().to_string()
    }

    /// An approved, started inspection citing a new item: (case id, code).
    async fn started_inspection(&self, n: usize) -> (String, String) {
        let w = &self.w;
        let (status, item) = json_of(
            w.app
                .post(
                    "/api/v1/inspection-items",
                    &w.supervisor,
                    &inspection_item(&format!("AZ-FB-{n}"), &w.power),
                )
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{item}");
        let (status, case) = w.open("inspection", json!({"inspection_item_ids": [item["id"]]})).await;
        assert_eq!(status, StatusCode::CREATED, "{case}");
        let id = case["id"].as_str().unwrap().to_string();
        let window = json!({"action": "approve_inspection", "planned_from": today(), "planned_to": today()});
        let approved = w.step_ok_by(&w.supervisor, &id, window).await;
        w.step_ok(
            &id,
            json!({"action": "start", "credentials_shown": true, "location": "学府街1号"}),
        )
        .await;
        (id, approved["inspection_plan"]["code"].as_str().unwrap().to_string())
    }

    /// A target for `setup` in the state its write needs; `n` makes names and codes unique.
    async fn prepare(&self, setup: Setup, n: usize) -> Target {
        let w = &self.w;
        match setup {
            Setup::Login => Target::json(
                "/api/v1/auth/login",
                json!({"username": "admin", "password": ADMIN_PASSWORD}),
            ),
            Setup::Refresh => {
                let tokens = w.app.login_ok("admin", ADMIN_PASSWORD).await;
                Target::json("/api/v1/auth/refresh", json!({"refresh_token": tokens.refresh_token}))
            }
            Setup::Logout => Target::empty("/api/v1/auth/logout"),
            Setup::CreateUser => Target::json(
                "/api/v1/users",
                json!({"username": format!("authz.user{n}"), "display_name": "评查员",
                       "password": PASSWORD, "roles": ["supervisor"]}),
            ),
            Setup::PatchUser => Target::json(
                format!("/api/v1/users/{}", self.off_case.0),
                json!({"display_name": format!("执法员{n}")}),
            ),
            // A year no deadline of the test reaches.
            Setup::PutCalendar => Target::json("/api/v1/calendar/2099", json!({"days": []})),
            Setup::ImportPowers => Target {
                path: "/api/v1/powers/import".into(),
                body: Body::Csv(format!(
                    "code,name,category,legal_basis,source_department\n\
                     AZ-IMP-{n},对占道经营的处罚,penalty,《城市市容和环境卫生管理条例》第三十六条,城市管理\n"
                )),
            },
            Setup::CreatePower => Target::json(
                "/api/v1/powers",
                json!({"code": format!("AZ-NEW-{n}"), "name": "对占道经营的处罚", "category": "penalty",
                       "legal_basis": "《城市市容和环境卫生管理条例》第三十六条",
                       "source_department": "城市管理", "effective_from": "2020-01-01"}),
            ),
            Setup::PatchPower => Target::json(
                format!("/api/v1/powers/{}", w.av_power),
                json!({"name": format!("对违法建设的强制拆除（第{n}版）")}),
            ),
            Setup::PutSettings => Target::json("/api/v1/settings", self.ids_value("settings")),
            Setup::CreateSubject => Target::json(
                "/api/v1/subjects",
                json!({"kind": "individual", "name": format!("李{n}")}),
            ),
            Setup::PatchSubject => Target::json(
                format!("/api/v1/subjects/{}", w.enterprise),
                json!({"industry": "餐饮"}),
            ),
            Setup::CreateCase => Target::json(
                "/api/v1/cases",
                json!({"kind": "inspection", "subject_id": w.enterprise, "power_ids": [w.power],
                       "officer_ids": w.officers(), "summary": "日常检查", "inspection_item_ids": [w.item().await]}),
            ),
            Setup::Step(step) => {
                let (case, body) = match step {
                    Step::Start => (
                        w.open_ok("inspection", json!({})).await,
                        json!({"action": "start", "credentials_shown": true, "location": "学府街1号"}),
                    ),
                    Step::ApproveFiling => {
                        let (status, case) = w.open("penalty", json!({})).await;
                        assert_eq!(
                            (status, &case["status"]),
                            (StatusCode::CREATED, &json!("pending_approval")),
                            "{case}"
                        );
                        (
                            case["id"].as_str().unwrap().to_string(),
                            json!({"action": "approve_filing"}),
                        )
                    }
                    Step::RecordLegalOpinion => {
                        let (case, review) = self.case_in_review().await;
                        let mut body = passing_opinion("approved");
                        body["action"] = json!("record_legal_opinion");
                        body["review_id"] = json!(review);
                        (case, body)
                    }
                    Step::DecideOrdinary => {
                        let case = self.proposed_case().await;
                        w.approve_review(&case).await;
                        (case, json!({"action": "decide", "decided_on": today()}))
                    }
                    Step::DecideSimple => (
                        w.open_ok(
                            "penalty",
                            json!({"procedure": "simple", "opened_on": today(), "violation_on": today()}),
                        )
                        .await,
                        json!({"action": "decide", "outcome": "penalty",
                               "penalties": [{"type": "fine", "amount_fen": 10_000}],
                               "credentials_shown": true, "party_heard": "当事人无异议"}),
                    ),
                    Step::Void => (
                        w.open_ok("inspection", json!({})).await,
                        json!({"action": "void", "reason": "重复登记"}),
                    ),
                };
                Target::json(format!("/api/v1/cases/{case}/transitions"), body)
            }
            Setup::SubmitReview => Target::json(
                format!("/api/v1/cases/{}/legal-reviews", self.proposed_case().await),
                json!({"note": "请审核"}),
            ),
            Setup::SignOpinion => {
                let (_, review) = self.case_in_review().await;
                Target::json(
                    format!("/api/v1/legal-reviews/{review}/opinion"),
                    passing_opinion("approved"),
                )
            }
            Setup::UploadEvidence => Target {
                path: format!("/api/v1/cases/{}/evidence", self.ids["inspection"]),
                body: Body::File(
                    vec![("kind", "photo".into()), ("filename", format!("现场{n}.png"))],
                    format!("\x1a photo {n}").into_bytes(),
                ),
            },
            Setup::VerifyEvidence => Target::empty(format!("/api/v1/evidence/{}/verify", self.ids["evidence"])),
            Setup::Publish => Target::empty(format!(
                "/api/v1/disclosures/{}/publish",
                self.pending_disclosure().await
            )),
            Setup::Withdraw => Target::json(
                format!("/api/v1/disclosures/{}/withdraw", self.pending_disclosure().await),
                json!({"reason": "检查结论有误，撤回"}),
            ),
            Setup::Update => {
                let disclosure = self.pending_disclosure().await;
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
                Target::json(
                    format!("/api/v1/disclosures/{disclosure}/update"),
                    json!({"reason": "更正检查结论"}),
                )
            }
            Setup::SignCheckpoint => Target::empty("/api/v1/checkpoints"),
            Setup::GiveFeedback => {
                let (_, code) = self.started_inspection(n).await;
                Target::json(
                    format!("/api/v1/public/inspections/{code}/feedback"),
                    json!({"rating": 4}),
                )
            }
            Setup::CreateRandomPlan => {
                let item = random_item(w, &format!("AZ-SJ-C{n}")).await;
                Target::json("/api/v1/random-plans", random_plan_body(&item))
            }
            Setup::DrawRandomPlan => {
                let plan = random_plan(w, &format!("AZ-SJ-D{n}")).await;
                Target::json(
                    format!("/api/v1/random-plans/{plan}/draw"),
                    json!({"witness": "街道纪工委 李明"}),
                )
            }
            Setup::PublishRandomResults => {
                let plan = random_plan(w, &format!("AZ-SJ-P{n}")).await;
                let (status, drawn) = json_of(
                    w.app
                        .post(
                            &format!("/api/v1/random-plans/{plan}/draw"),
                            &w.supervisor,
                            &json!({"witness": "街道纪工委 李明"}),
                        )
                        .await,
                )
                .await;
                assert_eq!(status, StatusCode::OK, "{drawn}");
                Target::empty(format!("/api/v1/random-plans/{plan}/publish-results"))
            }
            Setup::CreateBenchmark => Target::json(
                format!("/api/v1/powers/{}/benchmarks", w.power),
                benchmark(&format!("占道经营（情形{n}）")),
            ),
            Setup::ImportBenchmarks => Target {
                path: "/api/v1/benchmarks/import".into(),
                body: Body::Csv(format!(
                    "power_code,circumstance,grade,conditions,penalty_types,fine_min_fen,fine_max_fen\n\
                     XF-CG-001,占道经营（导入{n}）,lenient,经责令后及时改正的,警告、罚款,20000,200000\n"
                )),
            },
            Setup::CreateListEntry => Target::json(
                format!("/api/v1/powers/{}/list-entries", w.power),
                list_entry(&format!("占道经营（情形{n}）")),
            ),
            Setup::ImportListEntries => Target {
                path: "/api/v1/list-entries/import".into(),
                body: Body::Csv(format!(
                    "list,power_code,circumstance,conditions,legal_basis\n\
                     从轻,XF-CG-001,占道经营（导入{n}）,主动清理占道物品的,《中华人民共和国行政处罚法》第三十二条\n"
                )),
            },
            Setup::CreateInterferenceReport => Target::json("/api/v1/interference-reports", interference_body()),
            Setup::ReferInterferenceReport => Target::json(
                format!("/api/v1/interference-reports/{}/refer", interference_report(w).await),
                json!({"to": "街纪工委", "note": "请核查"}),
            ),
            Setup::RecordReferralOutcome => {
                let report = interference_report(w).await;
                let (status, referred) = json_of(
                    w.app
                        .post(
                            &format!("/api/v1/interference-reports/{report}/refer"),
                            &w.supervisor,
                            &json!({"to": "街纪工委"}),
                        )
                        .await,
                )
                .await;
                assert_eq!(status, StatusCode::CREATED, "{referred}");
                Target::json(
                    format!("/api/v1/interference-reports/{report}/referral-outcome"),
                    json!({"outcome": "已约谈提醒"}),
                )
            }
            Setup::ReceiveTransfer => Target::json(
                "/api/v1/transfers/incoming",
                json!({"from_department": "区市场监管局", "letter_number": format!("津南市监移〔2026〕{n}号"),
                       "received_on": today(), "kind": "penalty", "subject_id": w.enterprise,
                       "power_ids": [w.power], "officer_ids": w.officers(), "summary": "移送的占道经营线索",
                       "violation_on": today()}),
            ),
            Setup::RecordTransferReceipt => Target::json(
                format!("/api/v1/transfers/{}/receipt", transfer(w).await),
                json!({"received_on": today(), "receiver_name": "王某"}),
            ),
            Setup::RecordTransferFeedback => {
                let id = transfer(w).await;
                let (status, received) = json_of(
                    w.app
                        .post(
                            &format!("/api/v1/transfers/{id}/receipt"),
                            &w.supervisor,
                            &json!({"received_on": today(), "receiver_name": "王某"}),
                        )
                        .await,
                )
                .await;
                assert_eq!(status, StatusCode::OK, "{received}");
                Target::json(
                    format!("/api/v1/transfers/{id}/feedback"),
                    json!({"feedback": "已立案查处"}),
                )
            }
            Setup::CreateRecusal => Target::json(
                "/api/v1/recusals",
                json!({"officer_id": self.off_case.0, "subject_id": w.enterprise, "reason": "曾在该企业任职"}),
            ),
            Setup::GiveRating => {
                let (_, code) = self.started_inspection(n).await;
                Target::json(
                    format!("/api/v1/public/inspections/{code}/rating"),
                    json!({"score": 5, "comment": "检查规范"}),
                )
            }
            Setup::HandleComplaint => {
                let (case_id, code) = self.started_inspection(n).await;
                let (status, given) = json_of(
                    w.app
                        .request(
                            Method::POST,
                            &format!("/api/v1/public/inspections/{code}/feedback"),
                            None,
                        )
                        .json(&json!({"rating": 1, "complaint": true, "comment": "态度粗暴"}))
                        .send()
                        .await
                        .unwrap(),
                )
                .await;
                assert_eq!(status, StatusCode::CREATED, "{given}");
                Target::json(
                    format!("/api/v1/inspection-feedback/{case_id}/handle"),
                    json!({"note": "已核实并批评教育"}),
                )
            }
            Setup::CreateInspectionItem => Target::json(
                "/api/v1/inspection-items",
                inspection_item(&format!("AZ-JC-{n}"), &w.power),
            ),
            Setup::WithdrawInspectionItem => {
                let (status, item) = json_of(
                    w.app
                        .post(
                            "/api/v1/inspection-items",
                            &w.app.admin_token,
                            &inspection_item(&format!("AZ-JC-W{n}"), &w.power),
                        )
                        .await,
                )
                .await;
                assert_eq!(status, StatusCode::CREATED, "{item}");
                Target::json(
                    format!("/api/v1/inspection-items/{}/withdraw", item["id"].as_str().unwrap()),
                    json!({"reason": "事项调整"}),
                )
            }
            Setup::CreateTemplate => {
                let mut template = self.ids_value("template");
                template["code"] = json!("authz_matrix");
                template["name"] = json!(format!("评查标准（第{n}版）"));
                Target::json("/api/v1/review-templates", template)
            }
            Setup::CreateCampaign => Target::json("/api/v1/review-campaigns", campaign_body(&w.counsel.0)),
            Setup::Score => {
                let file = self.assigned_file(&w.counsel).await;
                Target::json(
                    format!("/api/v1/case-file-reviews/{}/score", file["id"].as_str().unwrap()),
                    score_sheet(&file),
                )
            }
            Setup::Answer => Target::json(
                format!("/api/v1/rectifications/{}/answer", self.open_rectification(n).await),
                json!({"answer": "已补注拍摄时间"}),
            ),
            Setup::ReviewRectification => {
                let item = self.open_rectification(n).await;
                let (status, answered) = json_of(
                    w.app
                        .post(
                            &format!("/api/v1/rectifications/{item}/answer"),
                            w.lead_token(),
                            &json!({"answer": "已补注拍摄时间"}),
                        )
                        .await,
                )
                .await;
                assert_eq!(status, StatusCode::OK, "{answered}");
                Target::json(
                    format!("/api/v1/rectifications/{item}/review"),
                    json!({"accepted": true}),
                )
            }
        }
    }

    /// A JSON document the fixture keeps as text among its ids.
    fn ids_value(&self, key: &str) -> Value {
        serde_json::from_str(&self.ids[key]).unwrap()
    }
}

fn interference_body() -> Value {
    json!({"person_name": "李某", "position": "某局科长", "internal": true,
           "occurred_at": "2026-01-05T10:00:00+08:00", "method": "phone", "request": "要求从轻处理"})
}

/// An interference report filed by the lead officer; returns its id.
async fn interference_report(w: &CaseWorld) -> String {
    let (status, report) = json_of(
        w.app
            .post("/api/v1/interference-reports", w.lead_token(), &interference_body())
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{report}");
    report["id"].as_str().unwrap().to_string()
}

/// A penalty case of the lead officer's transferred by the head; returns the transfer's id.
async fn transfer(w: &CaseWorld) -> String {
    let case = w.open_ok("penalty", json!({})).await;
    let transferred = w
        .step_ok_by(
            &w.supervisor,
            &case,
            json!({"action": "transfer", "to_department": "区市场监管局", "reason": "属食品安全职责"}),
        )
        .await;
    let (_, record) = json_of(w.app.get(&format!("/api/v1/cases/{case}/record"), w.lead_token()).await).await;
    let event = record["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(event["action"], json!("transfer"), "{transferred}");
    event["payload"]["transfer_id"].as_str().unwrap().to_string()
}

/// A random-inspection item (随机抽查事项) published by the head; returns its id.
async fn random_item(w: &CaseWorld, code: &str) -> String {
    let mut body = inspection_item(code, &w.power);
    body["random"] = json!(true);
    let (status, item) = json_of(w.app.post("/api/v1/inspection-items", &w.supervisor, &body).await).await;
    assert_eq!(status, StatusCode::CREATED, "{item}");
    item["id"].as_str().unwrap().to_string()
}

fn random_plan_body(item: &str) -> Value {
    json!({"name": "季度双随机抽查", "item_ids": [item], "subject_count": 1,
           "period_from": today(), "period_to": today()})
}

/// A double-random plan of one subject under a fresh random item; returns its id.
async fn random_plan(w: &CaseWorld, code: &str) -> String {
    let item = random_item(w, code).await;
    let (status, plan) = json_of(
        w.app
            .post("/api/v1/random-plans", &w.supervisor, &random_plan_body(&item))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{plan}");
    plan["id"].as_str().unwrap().to_string()
}

/// The ordinary grade of a discretion benchmark (裁量基准) of `circumstance`, from 2024.
fn benchmark(circumstance: &str) -> Value {
    json!({"circumstance": circumstance, "grade": "ordinary", "conditions": "占道面积5平方米以上的",
           "penalty_types": ["fine"], "fine_min_fen": 200_000, "fine_max_fen": 1_000_000,
           "effective_from": "2024-01-01"})
}

/// A 从轻处罚清单 entry of `circumstance`, from 2024.
fn list_entry(circumstance: &str) -> Value {
    json!({"list": "lenient", "circumstance": circumstance, "conditions": "主动消除违法行为危害后果的",
           "legal_basis": "《中华人民共和国行政处罚法》第三十二条第一项", "effective_from": "2024-01-01"})
}

/// An inspection item (检查事项) resting on `power`, published today.
fn inspection_item(code: &str, power: &str) -> Value {
    json!({"code": code, "name": "餐饮服务场所消防安全检查", "power_id": power,
           "standard": "疏散通道畅通", "method": "on_site"})
}

/// A campaign of this quarter's closed inspections, one file, for `reviewer` (an id).
fn campaign_body(reviewer: &str) -> Value {
    json!({"name": "季度评查", "period": this_quarter(), "sample": {"count": 1},
           "scope": {"kinds": ["inspection"]}, "reviewer_ids": [reviewer]})
}

/// A score sheet for `file` (a file review as its reviewer reads it): no veto item fails,
/// two points off `evidence`, and a rectification item for it.
fn score_sheet(file: &Value) -> Value {
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
    json!({"veto": veto, "items": items,
           "rectifications": [{"item_key": "evidence", "description": "补注拍摄时间"}]})
}

/// The write matrix's fixture: the callers, an inspection being handled with a photo, a
/// closed one for campaigns (whose first stores the default scoring template), and the
/// agency's settings and that template as valid bodies to write back.
async fn write_fixture() -> Fixture {
    let mut f = callers().await;
    let w = &f.w;
    let inspection = w.open_ok("inspection", json!({})).await;
    let (status, evidence) = json_of(
        w.app
            .request(
                Method::POST,
                &format!("/api/v1/cases/{inspection}/evidence"),
                Some(w.lead_token()),
            )
            .query(&[("kind", "photo"), ("filename", "现场.png")])
            .header("content-type", "application/octet-stream")
            .body(b"\x89PNG\r\n\x1a\n photo".to_vec())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{evidence}");
    let closed = w.inspection_at(InspectionStage::FoundCompliant, json!({})).await;
    w.step_ok(&closed, json!({"action": "close"})).await;
    f.assigned_file(&f.w.counsel).await;
    let w = &f.w;
    let (status, templates) = json_of(w.app.get("/api/v1/review-templates", &w.supervisor).await).await;
    assert_eq!(status, StatusCode::OK, "{templates}");
    let template = &templates["items"][0];
    let template = json!({"name": template["name"], "veto_items": template["veto_items"],
                          "categories": template["categories"], "grades": template["grades"]});
    let (status, settings) = json_of(w.app.get("/api/v1/settings", &w.app.admin_token).await).await;
    assert_eq!(status, StatusCode::OK, "{settings}");
    f.ids.insert("inspection", inspection);
    f.ids.insert("evidence", evidence["id"].as_str().unwrap().to_string());
    f.ids.insert("template", template.to_string());
    f.ids.insert("settings", settings.to_string());
    f
}

#[tokio::test]
async fn every_write_answers_each_caller_as_the_matrix_says() {
    let started = Instant::now();
    let f = write_fixture().await;
    let endpoints = enforcement::routes::endpoints().unwrap();
    let mut deviations = Vec::new();
    // Every route but GET has a row, and every row a route.
    for endpoint in endpoints.iter().filter(|e| e.method != actix_web::http::Method::GET) {
        if !WRITES
            .iter()
            .any(|row| row.method == endpoint.method.as_str() && row.route == endpoint.path)
        {
            deviations.push(format!(
                "{} {} has no row in the matrix",
                endpoint.method, endpoint.path
            ));
        }
    }
    for row in WRITES {
        if !endpoints
            .iter()
            .any(|e| e.method.as_str() == row.method && e.path == row.route)
        {
            deviations.push(format!(
                "{} {}: a row for a route that does not exist",
                row.method, row.route
            ));
        }
    }
    let prepared_at = started.elapsed();
    let mut n = 0;
    for row in WRITES {
        assert_eq!(row.expected.chars().count(), CALLERS.len(), "{}", row.route);
        let method = Method::from_bytes(row.method.as_bytes()).unwrap();
        // Refused callers first, on one target; each allowed caller after them on a target
        // of its own (the first on the refused callers' one), since it changes it.
        let mut cells: Vec<(&str, Outcome)> = CALLERS.iter().copied().zip(row.expected.chars()).collect();
        cells.sort_by_key(|&(_, expected)| expected == 'A');
        n += 1;
        let shared = f.prepare(row.setup, n).await;
        let mut shared_taken = false;
        for (caller, expected) in cells {
            let target = if expected == 'A' && shared_taken {
                n += 1;
                f.prepare(row.setup, n).await
            } else {
                shared_taken |= expected == 'A';
                shared.clone()
            };
            let session = match (row.setup, Fixture::credentials(caller)) {
                (Setup::Logout, Some((username, password))) => {
                    Some(f.w.app.login_ok(username, password).await.access_token)
                }
                _ => f.token(caller).map(String::from),
            };
            let (status, body) = target.send(&f, &method, session.as_deref()).await;
            let got = write_outcome(status, &body, row.setup.action());
            if got != expected {
                deviations.push(format!(
                    "{method} {} ({:?}) as {caller}: expected {expected}, got {got} ({status}) {}",
                    target.path,
                    row.setup,
                    body.to_string().chars().take(200).collect::<String>()
                ));
            }
        }
    }
    assert!(
        deviations.is_empty(),
        "{} deviations:\n{}",
        deviations.len(),
        deviations.join("\n")
    );
    eprintln!(
        "write matrix: {} rows × {} callers on {}: fixture {:.1?}, all {:.1?}",
        WRITES.len(),
        CALLERS.len(),
        crate::helpers::backend_under_test(),
        prepared_at,
        started.elapsed()
    );
}

/// Fields a client must not set — states, versions, numbers, owners, signatures — are
/// refused or ignored in every body that could carry them, never applied.
#[tokio::test]
async fn mass_assigned_fields_are_never_applied() {
    let w = case_world().await;
    let mut body = json!({"kind": "inspection", "subject_id": w.enterprise, "power_ids": [w.power],
                          "officer_ids": w.officers(), "summary": "检查", "inspection_item_ids": [w.item().await]});
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
        let approved_version = w.case(&id).await["version"].as_i64().unwrap();
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
                (json!(approved_version + 1), json!("in_progress"), Value::Null),
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
