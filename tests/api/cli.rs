//! The binary's subcommands, run as a user would run them.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::helpers::{fresh_database, init_logging};

pub fn enforcement(data_dir: &std::path::Path, database_url: &str, args: &[&str], stdin: &str) -> (bool, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_enforcement"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("ENFORCEMENT_DATA_DIR", data_dir)
        .env("ENFORCEMENT_JWT_SECRET", "a-test-secret-that-is-long-enough-1234")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run enforcement");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

/// `enforcement init` for the agency the tests use (学府街道办事处, admin `admin`).
pub const INIT_XF: [&str; 9] = [
    "init",
    "--agency-name",
    "学府街道办事处",
    "--agency-code",
    "XF",
    "--case-prefix",
    "学府",
    "--admin-username",
    "admin",
];

pub fn database_url(url: &enforcement::db::DatabaseUrl) -> String {
    match url.backend {
        enforcement::db::Backend::Sqlite => format!("sqlite://{}", url.target),
        enforcement::db::Backend::Postgres => url.target.clone(),
    }
}

#[test]
fn init_creates_an_agency_once_and_never_with_a_weak_password() {
    init_logging();
    let dir = tempfile::tempdir().unwrap();
    let (url, _db) = fresh_database(dir.path());
    let url = database_url(&url);
    let args = INIT_XF;
    let (ok, out) = enforcement(dir.path(), &url, &args, "short\n");
    assert!(!ok && out.contains("at least 12 characters"), "{out}");
    let (ok, out) = enforcement(dir.path(), &url, &args, "");
    assert!(!ok, "an empty password is refused: {out}");
    let (ok, out) = enforcement(dir.path(), &url, &args, "a-strong-admin-password\n");
    assert!(ok, "{out}");
    let (ok, out) = enforcement(dir.path(), &url, &args, "a-strong-admin-password\n");
    assert!(!ok && out.contains("already exists"), "{out}");
    let (ok, out) = enforcement(dir.path(), &url, &["migrate"], "");
    assert!(ok, "migrate is idempotent: {out}");
}

#[test]
fn a_bad_database_url_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, out) = enforcement(dir.path(), "mysql://localhost/x", &["migrate"], "");
    assert!(!ok && out.contains("unsupported scheme"), "{out}");
}

/// `enforcement serve` as deployed: it serves, never logs a password or token even at
/// debug level, and on SIGTERM finishes and exits cleanly.
#[test]
fn serve_keeps_secrets_out_of_logs_and_stops_gracefully_on_sigterm() {
    init_logging();
    let dir = tempfile::tempdir().unwrap();
    let (url, _db) = fresh_database(dir.path());
    let url = database_url(&url);
    let password = "a-very-secret-admin-password";
    let init = INIT_XF;
    let (ok, out) = enforcement(dir.path(), &url, &init, &format!("{password}\n"));
    assert!(ok, "{out}");

    // Port 0, read back from the log: a port picked here could be taken by another test's
    // server before this one binds it.
    let (out_path, err_path) = (dir.path().join("serve.out"), dir.path().join("serve.err"));
    let mut server = Command::new(env!("CARGO_BIN_EXE_enforcement"))
        .arg("serve")
        .env("DATABASE_URL", &url)
        .env("ENFORCEMENT_DATA_DIR", dir.path())
        .env("ENFORCEMENT_ADDR", "127.0.0.1:0")
        .env("RUST_LOG", "debug")
        .stdout(Stdio::from(std::fs::File::create(&out_path).unwrap()))
        .stderr(Stdio::from(std::fs::File::create(&err_path).unwrap()))
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let port = loop {
        let log = std::fs::read_to_string(&err_path).unwrap_or_default();
        if let Some(port) = log
            .lines()
            .find(|line| line.contains(" listening "))
            .and_then(|line| line.split("port=").nth(1))
            .and_then(|rest| rest.split_whitespace().next())
            .map(str::to_string)
        {
            break port;
        }
        assert!(
            started.elapsed().as_secs() < 30,
            "the server did not say where it listens: {log}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let base = format!("http://127.0.0.1:{port}");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (access, refresh) = runtime.block_on(async {
        let client = reqwest::Client::new();
        for _ in 0..100 {
            if client.get(format!("{base}/readyz")).send().await.is_ok() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let body: serde_json::Value = client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&serde_json::json!({"username": "admin", "password": password}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let access = body["access_token"].as_str().unwrap().to_string();
        let refresh = body["refresh_token"].as_str().unwrap().to_string();
        let me = client
            .get(format!("{base}/api/v1/me"))
            .bearer_auth(&access)
            .send()
            .await
            .unwrap();
        assert_eq!(me.status(), 200);
        (access, refresh)
    });
    let status = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let started = std::time::Instant::now();
    let exit = loop {
        if let Some(exit) = server.try_wait().unwrap() {
            break exit;
        }
        assert!(started.elapsed().as_secs() < 20, "the server did not stop on SIGTERM");
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let logs = format!(
        "{}{}",
        std::fs::read_to_string(&out_path).unwrap_or_default(),
        std::fs::read_to_string(&err_path).unwrap_or_default()
    );
    assert!(exit.success(), "exit {exit:?}: {logs}");
    assert!(
        logs.contains("login succeeded") && logs.contains("graceful shutdown"),
        "{logs}"
    );
    // The generated JWT secret, too, stays in its file.
    let secret = std::fs::read_to_string(dir.path().join("jwt-secret")).unwrap();
    for leaked in [password, access.as_str(), refresh.as_str(), secret.trim()] {
        assert!(!logs.contains(leaked), "a secret appears in the logs");
    }
}

/// `enforcement serve` on a free port, its stderr read line by line as it is written.
/// Killed when dropped.
pub struct Served {
    child: std::process::Child,
    lines: std::sync::mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Served {
    pub fn start(data_dir: &std::path::Path, database_url: &str, env: &[(&str, &str)]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_enforcement"))
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env("ENFORCEMENT_DATA_DIR", data_dir)
            .env("ENFORCEMENT_ADDR", "127.0.0.1:0")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (sender, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Served {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// The first JSON log line, from the start, for which `wanted` holds.
    fn json_line(&mut self, what: &str, wanted: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
        let parse = |line: &str| serde_json::from_str::<serde_json::Value>(line).ok();
        if let Some(found) = self.seen.iter().filter_map(|l| parse(l)).find(|v| wanted(v)) {
            return found;
        }
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let Ok(line) = self.lines.recv_timeout(left) else {
                panic!("no log line {what}; the server wrote:\n{}", self.seen.join("\n"));
            };
            self.seen.push(line.clone());
            if let Some(value) = parse(&line).filter(|v| wanted(v)) {
                return value;
            }
        }
    }

    /// The base URL, once the server logs the port it listens on.
    pub fn base_url(&mut self) -> String {
        let listening = self.json_line("saying where it listens", |v| v["fields"]["message"] == "listening");
        format!("http://127.0.0.1:{}", listening["fields"]["port"])
    }
}

impl Served {
    /// Stops the server (SIGKILL) and answers everything it wrote to stderr.
    pub fn stop_and_read_log(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // The reader thread ends at the end of stderr, which closes the channel.
        let rest: Vec<String> = self.lines.iter().collect();
        self.seen.extend(rest);
        self.seen.join("\n")
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A line logged inside database work (here "power edited", written in the write
/// transaction on the blocking pool) carries the id of the request that caused it, in the
/// JSON format log shippers read.
#[test]
fn log_lines_from_database_work_carry_the_request_id() {
    init_logging();
    let dir = tempfile::tempdir().unwrap();
    let (url, _db) = fresh_database(dir.path());
    let url = database_url(&url);
    let password = "a-strong-admin-password";
    let init = INIT_XF;
    let (ok, out) = enforcement(dir.path(), &url, &init, &format!("{password}\n"));
    assert!(ok, "{out}");
    let mut server = Served::start(
        dir.path(),
        &url,
        &[("ENFORCEMENT_LOG_FORMAT", "json"), ("RUST_LOG", "info")],
    );
    let base = server.base_url();
    let request_id = format!("log-test-{}", uuid::Uuid::now_v7().simple());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = reqwest::Client::new();
        let login: serde_json::Value = client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&serde_json::json!({"username": "admin", "password": password}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = login["access_token"].as_str().unwrap();
        let created = client
            .post(format!("{base}/api/v1/powers"))
            .bearer_auth(token)
            .json(&serde_json::json!({
                "code": "XF-CG-001",
                "name": "占道经营",
                "category": "penalty",
                "legal_basis": "《城市市容和环境卫生管理条例》第三十六条",
                "source_department": "城市管理",
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), 201);
        let power: serde_json::Value = created.json().await.unwrap();
        let edited = client
            .patch(format!("{base}/api/v1/powers/{}", power["id"].as_str().unwrap()))
            .bearer_auth(token)
            .header("X-Request-Id", &request_id)
            .json(&serde_json::json!({"name": "占道经营（修订）"}))
            .send()
            .await
            .unwrap();
        assert_eq!(edited.status(), 200);
        assert_eq!(edited.headers()["x-request-id"], request_id.as_str());
    });
    let line = server.json_line("\"power edited\"", |v| v["fields"]["message"] == "power edited");
    assert_eq!(line["span"]["request_id"], request_id.as_str(), "{line}");
}

/// Replicas starting together on one empty database: every one migrates and seeds, or
/// finds it done; none fails on the other's tables or calendar rows.
#[test]
fn replicas_preparing_an_empty_database_together_all_come_up() {
    let dir = tempfile::tempdir().unwrap();
    let (url, _db) = crate::helpers::fresh_database(dir.path());
    let url = database_url(&url);
    let runs: Vec<_> = (0..4)
        .map(|_| {
            let (dir, url) = (dir.path().to_path_buf(), url.clone());
            std::thread::spawn(move || enforcement(&dir, &url, &["migrate"], ""))
        })
        .collect();
    for run in runs {
        let (ok, output) = run.join().unwrap();
        assert!(ok, "{output}");
    }
    let (ok, output) = enforcement(dir.path(), &url, &["migrate"], "");
    assert!(ok, "{output}");
}
