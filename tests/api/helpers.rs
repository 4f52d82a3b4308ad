//! Spawns the real server on port 0 over a fresh database per test: a SQLite file in a
//! temporary directory, or — with TEST_DATABASE_URL=postgres://… — a new PostgreSQL
//! database that is dropped when the test ends.

use std::sync::OnceLock;
use std::time::Duration;

use diesel::{Connection, PgConnection, RunQueryDsl};
use enforcement::app::Application;
use enforcement::cli::{InitArgs, init};
use enforcement::config::Settings;
use enforcement::db::DatabaseUrl;
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};

pub const ADMIN_PASSWORD: &str = "admin-password-123";
pub const PASSWORD: &str = "officer-password-123";

pub fn init_logging() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        if std::env::var("TEST_LOG").is_ok() {
            enforcement::telemetry::init("info");
        }
    });
}

/// The database of one test; PostgreSQL databases are dropped on drop.
pub enum TestDb {
    Sqlite,
    Postgres { server_url: String, name: String },
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDb::Postgres { server_url, name } = self
            && let Ok(mut conn) = PgConnection::establish(server_url)
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).execute(&mut conn);
        }
    }
}

/// Replaces the database name in a PostgreSQL URL.
fn with_database(server_url: &str, name: &str) -> String {
    let (base, query) = match server_url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (server_url, None),
    };
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let base = match base[after_scheme..].find('/') {
        Some(slash) => &base[..after_scheme + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
}

/// The years a test database holds a calendar for even without an official notice: this
/// year and the next (a provisional year of plain weekends where the notice is missing).
pub fn provisional_years() -> [i32; 2] {
    use chrono::Datelike;
    let year = enforcement::clock::today().year();
    [year, year + 1]
}

pub fn backend_under_test() -> &'static str {
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        "postgres"
    } else {
        "sqlite"
    }
}

/// A fresh database and a data directory. Unreachable PostgreSQL, when asked for, panics:
/// it is a failure, never a silent skip.
pub fn fresh_database(data_dir: &std::path::Path) -> (DatabaseUrl, TestDb) {
    match std::env::var("TEST_DATABASE_URL").ok().filter(|u| !u.is_empty()) {
        None => {
            let url = DatabaseUrl::parse(&data_dir.join("enforcement.db").to_string_lossy()).expect("sqlite path");
            (url, TestDb::Sqlite)
        }
        Some(server_url) => {
            let name = format!("enf_test_{}", uuid::Uuid::now_v7().simple());
            let mut conn = PgConnection::establish(&server_url)
                .unwrap_or_else(|e| panic!("TEST_DATABASE_URL is set but PostgreSQL is unreachable: {e}"));
            diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
                .execute(&mut conn)
                .expect("create test database");
            let url = DatabaseUrl::parse(&with_database(&server_url, &name)).expect("postgres url");
            (url, TestDb::Postgres { server_url, name })
        }
    }
}

pub fn test_settings(data_dir: &std::path::Path, database: DatabaseUrl) -> Settings {
    Settings {
        database,
        addr: "127.0.0.1:0".into(),
        data_dir: data_dir.to_path_buf(),
        jwt_secret: b"test-secret-test-secret-test-secret!".to_vec(),
        access_token_ttl: Duration::from_secs(900),
        refresh_token_ttl: Duration::from_secs(3600),
        db_pool_size: 6,
        db_timeout: enforcement::db::DEFAULT_POOL_TIMEOUT,
        workers: 2,
        json_limit_bytes: 1024 * 1024,
        evidence_max_bytes: enforcement::config::DEFAULT_EVIDENCE_MAX_BYTES,
        evidence_quota_bytes: Some(enforcement::config::DEFAULT_EVIDENCE_QUOTA_BYTES),
        password_hashing_concurrency: 4,
        password_hashing_wait: std::time::Duration::from_secs(30),
        body_timeout: std::time::Duration::from_secs(30),
        checkpoint_key: enforcement::checkpoints::model::CheckpointKey::from_seed([42; 32]),
        checkpoint_interval: Duration::ZERO,
        public_base_url: None,
        public_code_requests_per_minute: 0,
    }
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub settings: Settings,
    pub admin_token: String,
    // Dropped last: the database outlives the server's use of it.
    pub _data_dir: tempfile::TempDir,
    pub db: TestDb,
}

/// One agency (学府街道办事处, code XF) with an admin `admin`, served on a random port.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Like [`spawn_app`], with the settings adjusted first.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    init_logging();
    let data_dir = tempfile::tempdir().expect("temp dir");
    let (database, db) = fresh_database(data_dir.path());
    let mut settings = test_settings(data_dir.path(), database);
    adjust(&mut settings);
    let init_settings = settings.clone();
    tokio::task::spawn_blocking(move || {
        init(
            &init_settings,
            &InitArgs {
                agency_name: "学府街道办事处".into(),
                agency_code: "XF".into(),
                case_prefix: "学府".into(),
                admin_username: "admin".into(),
                admin_display_name: "管理员".into(),
            },
            ADMIN_PASSWORD,
        )
    })
    .await
    .expect("join")
    .expect("init agency");
    let app = Application::build(settings.clone()).expect("build application");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let mut app = TestApp {
        address,
        client,
        settings,
        admin_token: String::new(),
        _data_dir: data_dir,
        db,
    };
    app.admin_token = app.login_ok("admin", ADMIN_PASSWORD).await.access_token;
    app.provisional_next_year().await;
    app
}

#[derive(Debug, Clone)]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: String,
}

impl TestApp {
    /// Deadlines counted from today run into next year in December. Until the State
    /// Council's notice for this year and the next is in the reference calendar, the test
    /// database gets a provisional year of plain weekends for each, so that tests do not
    /// meet calendar_year_missing depending on the day they run. (Production refuses
    /// instead; see README.)
    async fn provisional_next_year(&self) {
        for year in provisional_years() {
            let path = format!("/api/v1/calendar/{year}");
            let (_, listed) = json_of(self.get(&path, &self.admin_token).await).await;
            if listed["source"].is_null() {
                let response = self.put(&path, &self.admin_token, &json!({"days": []})).await;
                assert_eq!(response.status(), StatusCode::OK, "provisional calendar {year}");
            }
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub fn request(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let builder = self.client.request(method, self.url(path));
        match token {
            Some(token) => builder.bearer_auth(token),
            None => builder,
        }
    }

    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.request(Method::GET, path, Some(token))
            .send()
            .await
            .expect("request")
    }

    pub async fn post(&self, path: &str, token: &str, body: &Value) -> Response {
        self.request(Method::POST, path, Some(token))
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn patch(&self, path: &str, token: &str, body: &Value) -> Response {
        self.request(Method::PATCH, path, Some(token))
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn put(&self, path: &str, token: &str, body: &Value) -> Response {
        self.request(Method::PUT, path, Some(token))
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn login(&self, username: &str, password: &str) -> Response {
        self.request(Method::POST, "/api/v1/auth/login", None)
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .expect("login request")
    }

    pub async fn login_ok(&self, username: &str, password: &str) -> Tokens {
        let response = self.login(username, password).await;
        let (status, body) = json_of(response).await;
        assert_eq!(status, StatusCode::OK, "login {username}: {body}");
        Tokens {
            access_token: body["access_token"].as_str().expect("access_token").to_string(),
            refresh_token: body["refresh_token"].as_str().expect("refresh_token").to_string(),
        }
    }

    /// Creates a user in the admin's agency and returns its id.
    pub async fn create_user(&self, username: &str, roles: &[&str]) -> String {
        let mut body = json!({
            "username": username,
            "display_name": format!("用户{username}"),
            "password": PASSWORD,
            "roles": roles,
        });
        if roles.contains(&"officer") {
            body["certificate_no"] = json!(format!("120100{}", username.len()));
            body["certificate_expires_on"] = json!("2030-12-31");
            body["enforcement_field"] = json!("综合执法");
        }
        if roles.contains(&"legal_counsel") {
            body["legal_qualification"] = json!("A20181101000001");
        }
        let (status, created) = json_of(self.post("/api/v1/users", &self.admin_token, &body).await).await;
        assert_eq!(status, StatusCode::CREATED, "create user {username}: {created}");
        created["id"].as_str().expect("id").to_string()
    }

    /// Creates a user and logs them in.
    pub async fn user_token(&self, username: &str, roles: &[&str]) -> (String, String) {
        let id = self.create_user(username, roles).await;
        let tokens = self.login_ok(username, PASSWORD).await;
        (id, tokens.access_token)
    }

    /// A second agency in the same database, with its own admin; returns that admin's token.
    pub async fn second_agency(&self, code: &str, admin_username: &str) -> String {
        let settings = self.settings.clone();
        let args = InitArgs {
            agency_name: format!("{code}街道办事处"),
            agency_code: code.into(),
            case_prefix: code.into(),
            admin_username: admin_username.into(),
            admin_display_name: "其他管理员".into(),
        };
        tokio::task::spawn_blocking(move || init(&settings, &args, ADMIN_PASSWORD))
            .await
            .expect("join")
            .expect("init second agency");
        self.login_ok(admin_username, ADMIN_PASSWORD).await.access_token
    }
}

/// Status and JSON body of a response (Null when the body is empty).
pub async fn json_of(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    let text = response.text().await.expect("body");
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    (status, body)
}

/// Asserts an RFC 9457 problem with the given status, returning its body.
pub async fn expect_problem(response: Response, status: StatusCode) -> Value {
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let (actual, body) = json_of(response).await;
    assert_eq!(actual, status, "unexpected status, body: {body}");
    assert_eq!(content_type, "application/problem+json", "body: {body}");
    assert_eq!(body["status"], json!(status.as_u16()));
    assert!(
        body["title"].is_string() && body["detail"].is_string() && body["type"].is_string(),
        "{body}"
    );
    body
}

/// The `field` names of a problem's `errors`.
pub fn error_fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| e["field"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn database_names_are_replaced_in_urls() {
    assert_eq!(
        with_database("postgres://postgres@127.0.0.1:5432/postgres", "x"),
        "postgres://postgres@127.0.0.1:5432/x"
    );
    assert_eq!(
        with_database("postgres://u:p@h/db?sslmode=disable", "x"),
        "postgres://u:p@h/x?sslmode=disable"
    );
    assert_eq!(with_database("postgres://h:5432", "x"), "postgres://h:5432/x");
}

impl TestApp {
    /// A direct connection to the test database, for what tests must check beneath the API.
    pub fn raw_connection(&self) -> enforcement::db::DbConn {
        enforcement::db::establish(&self.settings.database).expect("raw connection")
    }

    /// A subject in the register, created through the API by the admin.
    pub async fn seed_subject(&self, body: Value) -> String {
        let (status, created) = json_of(self.post("/api/v1/subjects", &self.admin_token, &body).await).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        created["id"].as_str().unwrap().to_string()
    }

    /// A penalty power in force since 2020, created through the API by the admin.
    pub async fn seed_power(&self, code: &str, fine_max_fen: Option<i64>, requires_av_record: bool) -> String {
        let body = json!({
            "code": code,
            "name": format!("职权{code}"),
            "category": "penalty",
            "legal_basis": "《城市市容和环境卫生管理条例》第三十六条",
            "source_department": "城市管理",
            "fine_max_fen": fine_max_fen,
            "requires_av_record": requires_av_record,
            "effective_from": "2020-01-01",
        });
        let (status, created) = json_of(self.post("/api/v1/powers", &self.admin_token, &body).await).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        created["id"].as_str().unwrap().to_string()
    }

    /// An officer with a certificate valid until `expires_on` (YYYY-MM-DD).
    pub async fn officer_with_certificate(&self, username: &str, expires_on: &str) -> (String, String) {
        let body = json!({
            "username": username,
            "display_name": format!("执法{username}"),
            "password": PASSWORD,
            "roles": ["officer"],
            "certificate_no": format!("1201{}", username.len() * 1111),
            "certificate_expires_on": expires_on,
            "enforcement_field": "综合执法",
        });
        let (status, created) = json_of(self.post("/api/v1/users", &self.admin_token, &body).await).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let token = self.login_ok(username, PASSWORD).await.access_token;
        (created["id"].as_str().unwrap().to_string(), token)
    }

    /// `POST /cases/{id}/transitions`.
    pub async fn step(&self, token: &str, case_id: &str, body: Value) -> (StatusCode, Value) {
        json_of(
            self.post(&format!("/api/v1/cases/{case_id}/transitions"), token, &body)
                .await,
        )
        .await
    }
}

/// Two officers, a supervisor, a subject of each kind and powers, ready for cases.
pub struct CaseWorld {
    pub app: TestApp,
    pub lead: (String, String),
    pub second: (String, String),
    pub supervisor: String,
    /// Legal counsel with a legal qualification (法制审核): (id, token).
    pub counsel: (String, String),
    pub enterprise: String,
    pub individual: String,
    /// A power with a discretion maximum of ¥50,000.
    pub power: String,
    /// A power that requires an audio-video record.
    pub av_power: String,
    /// A published on-site inspection item (检查事项) on `power`, published a year ago with a
    /// yearly cap of 365, that [`CaseWorld::open`] cites for inspections by default; published
    /// on first use (see [`CaseWorld::item`]), so that tests of the list see only their own.
    item: tokio::sync::OnceCell<String>,
}

/// Where [`CaseWorld::inspection_at`] starts an inspection.
pub const SITE: &str = "学府街1号";

/// A stage of an inspection case (DESIGN §4.1) that [`CaseWorld::inspection_at`] walks to.
#[derive(Debug, Clone)]
pub enum InspectionStage {
    /// Officers on site at [`SITE`], credentials shown: `in_progress`.
    Started,
    /// Started, and the subject found compliant: ready to close.
    FoundCompliant,
    /// Started, and these `findings` (`[{description, hazard_level}]`) recorded as violations.
    FoundViolations(Value),
}

/// A stage of an ordinary penalty case (DESIGN §4.2) that [`CaseWorld::penalty_at`] walks to.
/// Each stage takes the steps of the one before it.
#[derive(Debug, Clone)]
pub enum Stage {
    /// One piece of evidence recorded: `investigating`.
    Investigating,
    /// The party told of the proposed penalty (事先告知): `notified`, defence pending.
    Notified(Notice),
    /// The party waived its defence, the notified penalty was decided on `decided_on` and the
    /// decision served in person on `served_on`: `served`.
    Served {
        notice: Notice,
        decided_on: String,
        served_on: String,
    },
}

impl Stage {
    fn status(&self) -> &'static str {
        match self {
            Stage::Investigating => "investigating",
            Stage::Notified(_) => "notified",
            Stage::Served { .. } => "served",
        }
    }

    fn notice(&self) -> Option<&Notice> {
        match self {
            Stage::Investigating => None,
            Stage::Notified(notice) | Stage::Served { notice, .. } => Some(notice),
        }
    }

    fn decision(&self) -> Option<(&Notice, &str, &str)> {
        match self {
            Stage::Served {
                notice,
                decided_on,
                served_on,
            } => Some((notice, decided_on, served_on)),
            _ => None,
        }
    }
}

/// The proposed penalty of a prior notice (告知): a penalty type, an amount for fines and
/// confiscations, and the day the party was told (today unless given).
#[derive(Debug, Clone)]
pub struct Notice {
    penalty_type: &'static str,
    amount_fen: Option<i64>,
    notified_on: Option<String>,
}

impl Notice {
    /// A fine of `amount_fen`.
    pub fn fine(amount_fen: i64) -> Self {
        Notice {
            penalty_type: "fine",
            amount_fen: Some(amount_fen),
            notified_on: None,
        }
    }

    /// A penalty without an amount: `warning`, `suspend_business`, `revoke_license`, ….
    pub fn of(penalty_type: &'static str) -> Self {
        Notice {
            penalty_type,
            amount_fen: None,
            notified_on: None,
        }
    }

    /// The same notice, given on `notified_on` (YYYY-MM-DD).
    pub fn on(self, notified_on: String) -> Self {
        Notice {
            notified_on: Some(notified_on),
            ..self
        }
    }

    /// The `penalties` list of this notice.
    pub fn penalties(&self) -> Value {
        match self.amount_fen {
            Some(amount) => json!([{"type": self.penalty_type, "amount_fen": amount}]),
            None => json!([{"type": self.penalty_type}]),
        }
    }

    fn penalty(&self, mut body: Value) -> Value {
        body["penalties"] = self.penalties();
        body
    }

    /// The `notify` step.
    pub fn notify(&self) -> Value {
        let mut body = self.penalty(json!({
            "action": "notify",
            "facts": "占道经营",
            "legal_basis": "《城市市容和环境卫生管理条例》第三十六条",
        }));
        if let Some(notified_on) = &self.notified_on {
            body["notified_on"] = json!(notified_on);
        }
        body
    }

    /// The officers' `propose_decision` of the notified penalty.
    pub fn propose(&self) -> Value {
        self.penalty(json!({
            "action": "propose_decision",
            "outcome": "penalty",
            "facts": "占道经营",
            "legal_basis": "《城市市容和环境卫生管理条例》第三十六条",
            "discretion_reasoning": "情节一般，按裁量基准中档处罚",
        }))
    }
}

/// How a case step is refused (DESIGN §8 errors).
#[derive(Debug, Clone, Copy)]
pub enum Refusal<'a> {
    /// 422: a legal or business rule refuses it, named in the problem's `rule`.
    Rule(&'a str),
    /// 422: one input field is invalid, named in the problem's `errors`.
    Invalid(&'a str),
    /// 400: the request could not be read; the field is named in the problem's `errors`.
    Malformed(&'a str),
    /// 409: the step is not possible now, or not for this caller; the problem lists `allowed_actions`.
    NotAllowed,
}

impl Refusal<'_> {
    pub fn status(self) -> StatusCode {
        match self {
            Refusal::Malformed(_) => StatusCode::BAD_REQUEST,
            Refusal::Rule(_) | Refusal::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Refusal::NotAllowed => StatusCode::CONFLICT,
        }
    }
}

fn events_len(record: &Value) -> usize {
    record["events"].as_array().expect("record events").len()
}

pub async fn case_world() -> CaseWorld {
    case_world_with(|_| {}).await
}

/// Like [`case_world`], with the server's settings adjusted first.
pub async fn case_world_with(adjust: impl FnOnce(&mut Settings)) -> CaseWorld {
    let app = spawn_app_with(adjust).await;
    let lead = app.officer_with_certificate("lead.officer", "2035-12-31").await;
    let second = app.officer_with_certificate("second.officer", "2035-12-31").await;
    let (_, supervisor) = app.user_token("chief", &["supervisor"]).await;
    let counsel = app.user_token("counsel", &["legal_counsel"]).await;
    let enterprise = app
        .seed_subject(json!({"kind": "enterprise", "name": "天津市学府餐饮有限公司", "uscc": "91350100M000100Y43"}))
        .await;
    let individual = app
        .seed_subject(json!({"kind": "individual", "name": "张三", "id_card_no": "11010519491231002X", "contact_phone": "13812345678"}))
        .await;
    let power = app.seed_power("XF-CG-001", Some(5_000_000), false).await;
    let av_power = app.seed_power("XF-CG-099", None, true).await;
    CaseWorld {
        app,
        lead,
        second,
        supervisor,
        counsel,
        enterprise,
        individual,
        power,
        av_power,
        item: tokio::sync::OnceCell::new(),
    }
}

impl CaseWorld {
    pub fn lead_token(&self) -> &str {
        &self.lead.1
    }

    /// The default inspection item's id, published by the supervisor on first use.
    pub async fn item(&self) -> String {
        self.item
            .get_or_init(|| async {
                let published_on =
                    (today().parse::<chrono::NaiveDate>().unwrap() - chrono::Duration::days(365)).to_string();
                let (status, item) = json_of(
                    self.app
                        .post(
                            "/api/v1/inspection-items",
                            &self.supervisor,
                            &json!({
                                "code": "XF-JC-000",
                                "name": "门前三包责任落实检查",
                                "power_id": self.power,
                                "standard": "门前无乱堆乱放、无占道经营",
                                "method": "on_site",
                                "yearly_cap": 365,
                                "published_on": published_on,
                            }),
                        )
                        .await,
                )
                .await;
                assert_eq!(status, StatusCode::CREATED, "{item}");
                item["id"].as_str().unwrap().to_string()
            })
            .await
            .clone()
    }

    pub fn officers(&self) -> Vec<String> {
        vec![self.lead.0.clone(), self.second.0.clone()]
    }

    /// Opens a case with `extra` fields merged over sensible defaults; returns status and body.
    pub async fn open(&self, kind: &str, extra: Value) -> (StatusCode, Value) {
        let mut body = json!({
            "kind": kind,
            "subject_id": self.enterprise,
            "power_ids": [self.power],
            "officer_ids": self.officers(),
            "summary": "检查发现占道经营",
        });
        if kind == "penalty" {
            body["violation_on"] = json!(days_ago(10));
            body["opened_on"] = json!(days_ago(5));
        } else if extra.get("inspection_item_ids").is_none() {
            body["inspection_item_ids"] = json!([self.item().await]);
        }
        if let (Some(target), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
            for (k, v) in extra {
                target.insert(k.clone(), v.clone());
            }
        }
        json_of(self.app.post("/api/v1/cases", self.lead_token(), &body).await).await
    }

    /// Opens a case that must succeed and, where the filing waits for the head's approval,
    /// has the supervisor approve it; returns its id. An inspection of an enterprise citing
    /// the default item is approved too (国办发〔2024〕54号 五), for a window around today, so
    /// that it can start; tests of the approval itself cite their own items.
    pub async fn open_ok(&self, kind: &str, extra: Value) -> String {
        let cites_default_item = extra.get("inspection_item_ids").is_none();
        let (status, body) = self.open(kind, extra).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let id = body["id"].as_str().unwrap().to_string();
        if body["status"] == json!("pending_approval") {
            self.step_ok_by(&self.supervisor, &id, json!({"action": "approve_filing"}))
                .await;
        }
        let awaits_approval = body["inspection_plan"].is_object() && body["inspection_plan"]["approval"].is_null();
        if cites_default_item && awaits_approval {
            let today: chrono::NaiveDate = today().parse().unwrap();
            let opened_on: chrono::NaiveDate = body["opened_on"].as_str().unwrap().parse().unwrap();
            let from = opened_on.max(today - chrono::Duration::days(60));
            let to = from + chrono::Duration::days(90);
            self.step_ok_by(
                &self.supervisor,
                &id,
                json!({"action": "approve_inspection", "planned_from": from.to_string(), "planned_to": to.to_string()}),
            )
            .await;
        }
        id
    }

    /// A step by the lead officer that must succeed; returns the case.
    pub async fn step_ok(&self, case_id: &str, body: Value) -> Value {
        self.step_ok_by(self.lead_token(), case_id, body).await
    }

    /// A step by `token` that must succeed; returns the case.
    pub async fn step_ok_by(&self, token: &str, case_id: &str, body: Value) -> Value {
        let (status, case) = self.app.step(token, case_id, body.clone()).await;
        assert_eq!(status, StatusCode::OK, "{body} → {case}");
        case
    }

    /// A step by the lead officer that must be refused as `refusal` says; returns the problem.
    pub async fn step_refused(&self, case_id: &str, body: Value, refusal: Refusal<'_>) -> Value {
        self.step_refused_by(self.lead_token(), case_id, body, refusal).await
    }

    /// A step by `token` that must be refused as `refusal` says, leaving the case as it was
    /// (same view, same version) and its record without a new event; returns the problem.
    pub async fn step_refused_by(&self, token: &str, case_id: &str, body: Value, refusal: Refusal<'_>) -> Value {
        let before = self.case(case_id).await;
        let record_before = self.record(case_id).await;
        let response = self
            .app
            .post(&format!("/api/v1/cases/{case_id}/transitions"), token, &body)
            .await;
        let problem = expect_problem(response, refusal.status()).await;
        match refusal {
            Refusal::Rule(rule) => assert_eq!(problem["rule"], json!(rule), "{body} → {problem}"),
            Refusal::Invalid(field) | Refusal::Malformed(field) => {
                assert_eq!(error_fields(&problem), vec![field.to_string()], "{body} → {problem}");
            }
            Refusal::NotAllowed => assert!(problem["allowed_actions"].is_array(), "{body} → {problem}"),
        }
        let after = self.case(case_id).await;
        assert_eq!(
            (&after["status"], &after["version"]),
            (&before["status"], &before["version"]),
            "a refused step changes nothing: {body} → {problem}"
        );
        assert_eq!(before, after, "a refused step changes nothing: {body} → {problem}");
        let record_after = self.record(case_id).await;
        assert_eq!(
            events_len(&record_after),
            events_len(&record_before),
            "a refused step records no event: {body} → {problem}"
        );
        assert_eq!(
            record_before["events"], record_after["events"],
            "a refused step leaves the record as it was"
        );
        problem
    }

    /// Opens an inspection case (`filing` merged over the defaults of [`CaseWorld::open`]) and
    /// walks it over HTTP, as its lead officer, to `stage`; returns its id.
    pub async fn inspection_at(&self, stage: InspectionStage, filing: Value) -> String {
        let id = self.open_ok("inspection", filing).await;
        let mut case = self
            .step_ok(
                &id,
                json!({"action": "start", "credentials_shown": true, "location": SITE}),
            )
            .await;
        let findings = match &stage {
            InspectionStage::Started => None,
            InspectionStage::FoundCompliant => Some(json!({"action": "record_findings", "result": "compliant"})),
            InspectionStage::FoundViolations(findings) => Some(json!({
                "action": "record_findings", "result": "violations_found", "findings": findings,
            })),
        };
        if let Some(findings) = findings {
            case = self.step_ok(&id, findings).await;
        }
        assert_eq!(case["status"], json!("in_progress"), "walked to {stage:?}: {case}");
        id
    }

    /// Opens an ordinary penalty case (`filing` merged over the defaults of [`CaseWorld::open`])
    /// and walks it to `stage`; returns its id.
    pub async fn penalty_at(&self, stage: Stage, filing: Value) -> String {
        let id = self.open_ok("penalty", filing).await;
        self.walk_to(&id, stage).await;
        id
    }

    /// Walks a just filed ordinary penalty case over HTTP, as its lead officer, to `stage`;
    /// returns the case as the last step left it.
    pub async fn walk_to(&self, id: &str, stage: Stage) -> Value {
        let mut case = self
            .step_ok(
                id,
                json!({"action": "record_investigation", "record_type": "evidence", "content": "现场照片"}),
            )
            .await;
        if let Some(notice) = stage.notice() {
            case = self.step_ok(id, notice.notify()).await;
        }
        if let Some((notice, decided_on, served_on)) = stage.decision() {
            self.step_ok(id, json!({"action": "waive_defense"})).await;
            let mut proposal = notice.propose();
            proposal["proposed_on"] = json!(decided_on);
            self.step_ok(id, proposal).await;
            self.approve_review(id).await;
            self.step_ok_by(
                &self.supervisor,
                id,
                json!({"action": "decide", "decided_on": decided_on}),
            )
            .await;
            case = self
                .step_ok(
                    id,
                    json!({"action": "serve", "method": "in_person", "served_on": served_on}),
                )
                .await;
        }
        assert_eq!(case["status"], json!(stage.status()), "walked to {stage:?}: {case}");
        case
    }

    /// The officers propose `proposal` (a `propose_decision` body), counsel approves it and
    /// the supervisor decides it as proposed, today; returns the decided case.
    pub async fn propose_and_decide(&self, case_id: &str, proposal: Value) -> Value {
        self.step_ok(case_id, proposal).await;
        self.approve_review(case_id).await;
        self.step_ok_by(&self.supervisor, case_id, json!({"action": "decide"}))
            .await
    }

    /// Submits the case's proposal to counsel, who approves it with every item passing;
    /// returns the signed review.
    pub async fn approve_review(&self, case_id: &str) -> Value {
        let (status, review) = json_of(
            self.app
                .post(
                    &format!("/api/v1/cases/{case_id}/legal-reviews"),
                    self.lead_token(),
                    &json!({}),
                )
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{review}");
        let (status, signed) = json_of(
            self.app
                .post(
                    &format!("/api/v1/legal-reviews/{}/opinion", review["id"].as_str().unwrap()),
                    &self.counsel.1,
                    &passing_opinion("approved"),
                )
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{signed}");
        signed
    }

    pub async fn case(&self, case_id: &str) -> Value {
        let (status, case) = json_of(
            self.app
                .get(&format!("/api/v1/cases/{case_id}"), self.lead_token())
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{case}");
        case
    }

    pub async fn record(&self, case_id: &str) -> Value {
        let (status, record) = json_of(
            self.app
                .get(&format!("/api/v1/cases/{case_id}/record"), self.lead_token())
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{record}");
        record
    }
}

/// A date `n` days before today (Asia/Shanghai), as YYYY-MM-DD.
/// The quarter today is in, `YYYYQn`: cases closed today fall in it.
pub fn this_quarter() -> String {
    use chrono::Datelike;
    let today = enforcement::clock::today();
    format!("{}Q{}", today.year(), (today.month() - 1) / 3 + 1)
}

pub fn days_ago(n: i64) -> String {
    (enforcement::clock::today() - chrono::Duration::days(n)).to_string()
}

pub fn today() -> String {
    enforcement::clock::today().to_string()
}

/// A GB 11643 citizen ID number of someone born on `born`, registered in Tianjin's Nankai
/// district (120104), with its check character computed.
pub fn citizen_id(born: chrono::NaiveDate) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let first17 = format!("120104{}123", born.format("%Y%m%d"));
    let sum: u32 = first17
        .bytes()
        .zip(WEIGHTS)
        .map(|(digit, weight)| u32::from(digit - b'0') * weight)
        .sum();
    format!("{first17}{}", CHECK[(sum % 11) as usize] as char)
}

impl TestApp {
    /// `from` plus `days` working days by the service's own calendar
    /// (`GET /calendar/add-working-days`), which must know every year it spans.
    pub async fn add_working_days(&self, from: chrono::NaiveDate, days: u32) -> chrono::NaiveDate {
        let path = format!("/api/v1/calendar/add-working-days?from={from}&days={days}");
        let (status, body) = json_of(self.get(&path, &self.admin_token).await).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            body["calendar_complete"],
            json!(true),
            "the calendar lacks a year: {body}"
        );
        body["date"].as_str().unwrap().parse().unwrap()
    }

    /// Whether `day` is a working day by the service's calendar.
    pub async fn is_working_day(&self, day: chrono::NaiveDate) -> bool {
        self.add_working_days(day - chrono::Duration::days(1), 1).await == day
    }

    /// A penalty power in force since 2020 whose discretion range for fines is
    /// `fine_min_fen..=fine_max_fen`, created through the API by the admin.
    pub async fn seed_power_with_range(&self, code: &str, fine_min_fen: i64, fine_max_fen: i64) -> String {
        let body = json!({
            "code": code,
            "name": format!("职权{code}"),
            "category": "penalty",
            "legal_basis": "《城市市容和环境卫生管理条例》第三十六条",
            "source_department": "城市管理",
            "fine_min_fen": fine_min_fen,
            "fine_max_fen": fine_max_fen,
            "requires_av_record": false,
            "effective_from": "2020-01-01",
        });
        let (status, created) = json_of(self.post("/api/v1/powers", &self.admin_token, &body).await).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        created["id"].as_str().unwrap().to_string()
    }

    /// An individual born on `born`, with a valid citizen ID number that says so.
    pub async fn seed_person(&self, name: &str, born: chrono::NaiveDate) -> String {
        self.seed_subject(json!({"kind": "individual", "name": name, "id_card_no": citizen_id(born)}))
            .await
    }

    /// Replaces the agency's procedure settings (`PUT /settings`, as the admin).
    pub async fn put_settings(&self, settings: Value) {
        let (status, body) = json_of(self.put("/api/v1/settings", &self.admin_token, &settings).await).await;
        assert_eq!(status, StatusCode::OK, "{settings} → {body}");
    }
}

impl CaseWorld {
    /// Ids of the agency's cases, as the lead officer lists them with `query` (e.g. `overdue=true`).
    pub async fn listed(&self, query: &str) -> Vec<String> {
        let path = format!("/api/v1/cases?limit=200&{query}");
        let (status, list) = json_of(self.app.get(&path, self.lead_token()).await).await;
        assert_eq!(status, StatusCode::OK, "{list}");
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect()
    }

    /// A filing (`open`) that a rule must refuse with 422 naming `rule`, creating no case.
    pub async fn open_refused(&self, kind: &str, extra: Value, rule: &str) -> Value {
        let before = self.listed("").await;
        let (status, problem) = self.open(kind, extra.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{extra} → {problem}");
        assert_eq!(problem["rule"], json!(rule), "{extra} → {problem}");
        assert_eq!(self.listed("").await, before, "a refused filing creates no case");
        problem
    }
}

/// An opinion with the ten checklist items of DESIGN §5.2 all passing.
pub fn passing_opinion(outcome: &str) -> Value {
    let items = [
        "subject_legal",
        "officers_qualified",
        "within_authority",
        "facts_clear",
        "evidence_sufficient",
        "procedure_legal",
        "law_correct",
        "discretion_appropriate",
        "documents_complete",
        "criminal_transfer_needed",
    ];
    json!({
        "outcome": outcome,
        "checklist": items.iter().map(|item| json!({"item": item, "pass": true, "comment": "符合规定"})).collect::<Vec<_>>(),
        "opinion": "经审核，本案事实清楚，证据确凿，程序合法，适用法律正确，裁量适当，同意。",
    })
}
