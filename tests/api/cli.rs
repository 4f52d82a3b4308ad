//! The binary's subcommands, run as a user would run them.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::helpers::{fresh_database, init_logging};

fn enforcement(data_dir: &std::path::Path, database_url: &str, args: &[&str], stdin: &str) -> (bool, String) {
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

fn database_url(url: &enforcement::db::DatabaseUrl) -> String {
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
    let args = [
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
