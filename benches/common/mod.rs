//! What the benchmarks share: the release server started as a separate process on a fresh
//! database and data directory, logins, the case world (agency, officers, subject, power)
//! and a line describing the machine. Each bench uses a part of it.

#![allow(dead_code)]

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use diesel::{Connection, PgConnection, RunQueryDsl};
use enforcement::db::DatabaseUrl;
use serde_json::{Value, json};

pub const ADMIN_PASSWORD: &str = "bench-admin-password";

/// An access token for a user of the benchmark agency.
pub async fn login(client: &reqwest::Client, base: &str, username: &str) -> String {
    let body: Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": username, "password": ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["access_token"].as_str().unwrap().to_string()
}

/// The release binary running `serve`; stopped, and its PostgreSQL database dropped, on drop.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub database: DatabaseUrl,
    /// `ENFORCEMENT_DATA_DIR` of the server, removed on drop.
    pub dir: tempfile::TempDir,
    pg_drop: Option<(String, String)>,
}

impl Server {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
        if let Some((server_url, name)) = &self.pg_drop
            && let Ok(mut conn) = PgConnection::establish(server_url)
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).execute(&mut conn);
        }
    }
}

/// `ENFORCEMENT_BIN`, or the release binary next to this bench's own executable
/// (`<target>/release/deps/<bench>-<hash>`), so that `CARGO_TARGET_DIR` is honoured.
pub fn binary() -> PathBuf {
    if let Ok(path) = std::env::var("ENFORCEMENT_BIN") {
        return PathBuf::from(path);
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.join("enforcement")))
        .filter(|path| path.exists())
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/enforcement"))
}

/// Starts the release binary on a fresh database (a new PostgreSQL database, or an SQLite
/// file) with a fresh data directory created under `data_parent`.
pub fn start_server(backend: &str, pg_url: &str, data_parent: &Path) -> Server {
    let dir = tempfile::Builder::new()
        .prefix(&format!("server-{backend}-"))
        .tempdir_in(data_parent)
        .unwrap();
    let (url, pg_drop) = match backend {
        "sqlite" => (format!("sqlite://{}", dir.path().join("bench.db").display()), None),
        "postgres" => {
            let name = format!("enf_bench_{}", uuid::Uuid::now_v7().simple());
            let mut conn = PgConnection::establish(pg_url).expect("PostgreSQL for the benchmark");
            diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
                .execute(&mut conn)
                .unwrap();
            let base = pg_url.rsplit_once('/').map_or(pg_url, |(b, _)| b);
            (format!("{base}/{name}"), Some((pg_url.to_string(), name)))
        }
        other => panic!("unknown backend {other}"),
    };
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let env = |cmd: &mut Command| {
        cmd.env("DATABASE_URL", &url)
            .env("ENFORCEMENT_DATA_DIR", dir.path())
            .env("ENFORCEMENT_JWT_SECRET", "bench-secret-bench-secret-bench-secret")
            .env("ENFORCEMENT_ADDR", format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "warn");
    };
    let mut init = Command::new(binary());
    env(&mut init);
    init.args([
        "init",
        "--agency-name",
        "学府街道办事处",
        "--agency-code",
        "XF",
        "--case-prefix",
        "学府",
        "--admin-username",
        "admin",
    ])
    .stdin(Stdio::piped());
    let mut child = init
        .spawn()
        .expect("run the release binary (cargo build --release first)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{ADMIN_PASSWORD}\n").as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success(), "init failed");
    let mut serve = Command::new(binary());
    env(&mut serve);
    let child = serve.arg("serve").stdout(Stdio::null()).spawn().unwrap();
    let server = Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
        database: DatabaseUrl::parse(&url).unwrap(),
        dir,
        pg_drop,
    };
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return server;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the server did not start");
}

/// CPU model, cores, memory and the date (UTC).
pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory_gib = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("MemTotal:"))?;
            line.split_whitespace().nth(1)?.parse::<f64>().ok()
        })
        .map_or(0.0, |kib| kib / 1024.0 / 1024.0);
    let date = Command::new("date")
        .arg("-u")
        .arg("+%Y-%m-%d %H:%M UTC")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    format!("{cpu}, {cores} cores, {memory_gib:.0} GiB; {date}")
}

/// What the case scenarios need: an officer pair, a subject and a power.
#[derive(Clone)]
pub struct CaseWorld {
    pub agency_id: String,
    pub officer_ids: Vec<String>,
    pub officer_token: String,
    pub subject_id: String,
    pub power_id: String,
    pub power_version_id: String,
    /// The body of `POST /cases`: an inspection of an enterprise citing a published item.
    pub case_body: Value,
    /// The head (a supervisor), who approves inspections before they start.
    pub head_token: String,
    /// The head's `approve_inspection` for a week from today. It states a higher
    /// authority's order (上级部署的专项检查) so that a load of hundreds of inspections of
    /// one enterprise is not stopped by the item's yearly cap.
    pub approval_body: Value,
}

pub async fn case_world(client: &reqwest::Client, base: &str, database: &DatabaseUrl) -> CaseWorld {
    use diesel::ExpressionMethods;
    use enforcement::db::schema::{agencies, power_versions};
    let admin = login(client, base, "admin").await;
    let mut officer_ids = Vec::new();
    for name in ["bench.lead", "bench.second"] {
        let user: Value = client
            .post(format!("{base}/api/v1/users"))
            .bearer_auth(&admin)
            .json(
                &json!({"username": name, "display_name": name, "password": ADMIN_PASSWORD, "roles": ["officer"],
                "certificate_no": "12010001", "certificate_expires_on": "2035-12-31"}),
            )
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        officer_ids.push(user["id"].as_str().unwrap().to_string());
    }
    let officer_token = login(client, base, "bench.lead").await;
    let mut conn = enforcement::db::establish(database).unwrap();
    let agency_id: String =
        diesel::RunQueryDsl::first(diesel::QueryDsl::select(agencies::table, agencies::id), &mut conn).unwrap();
    let subject: Value = client
        .post(format!("{base}/api/v1/subjects"))
        .bearer_auth(&admin)
        .json(&json!({"kind": "enterprise", "name": "天津市学府餐饮有限公司", "uscc": "91350100M000100Y43"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let subject_id = subject["id"].as_str().unwrap().to_string();
    let power: Value = client
        .post(format!("{base}/api/v1/powers"))
        .bearer_auth(&admin)
        .json(
            &json!({"code": "XF-CG-001", "name": "对占道经营的处罚", "category": "penalty",
            "legal_basis": "《城市市容和环境卫生管理条例》第三十六条", "source_department": "城市管理",
            "effective_from": "2020-01-01"}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let power_id = power["id"].as_str().unwrap().to_string();
    let power_version_id: String = diesel::RunQueryDsl::first(
        diesel::QueryDsl::select(
            diesel::QueryDsl::filter(power_versions::table, power_versions::power_id.eq(&power_id)),
            power_versions::id,
        ),
        &mut conn,
    )
    .unwrap();
    let head: Value = client
        .post(format!("{base}/api/v1/users"))
        .bearer_auth(&admin)
        .json(&json!({"username": "bench.head", "display_name": "bench.head", "password": ADMIN_PASSWORD, "roles": ["supervisor"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(head["id"].is_string(), "{head}");
    let head_token = login(client, base, "bench.head").await;
    let item: Value = client
        .post(format!("{base}/api/v1/inspection-items"))
        .bearer_auth(&head_token)
        .json(
            &json!({"code": "XF-JC-001", "name": "餐饮单位油烟净化设施检查", "power_id": power_id,
            "standard": "油烟净化设施正常运行并定期清洗", "method": "on_site"}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let item_id = item["id"].as_str().unwrap_or_else(|| panic!("{item}")).to_string();
    let case_body = json!({
        "kind": "inspection", "subject_id": subject_id, "power_ids": [power_id],
        "officer_ids": officer_ids, "summary": "双随机抽查：餐饮单位油烟净化设施",
        "inspection_item_ids": [item_id]
    });
    let today = enforcement::clock::today();
    let approval_body = json!({
        "action": "approve_inspection", "planned_from": today.to_string(),
        "planned_to": (today + chrono::Duration::days(7)).to_string(),
        "cap_exemption": {"kind": "higher_authority", "reason": "区级部署的餐饮油烟专项检查"}
    });
    CaseWorld {
        agency_id,
        officer_ids,
        officer_token,
        subject_id,
        power_id,
        power_version_id,
        case_body,
        head_token,
        approval_body,
    }
}
