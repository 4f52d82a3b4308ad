//! Statistics benchmark: the 2024 summary of agency XF on the scale data set (1,000,000
//! cases over four agencies and 2021–2025 by default), on each backend, three ways in the
//! same run: `GET /api/v1/stats/summary?year=2024` through the release server, the
//! in-process `stats::store::summary` call, and hand-written SQL computing the same figures
//! (DESIGN §7: a few queries with conditional aggregation) on a raw connection. Checks the
//! figures agree and prints a Markdown table with the ratios against the targets (within
//! 1.5× of the hand-written SQL; under 1 s on PostgreSQL). Run through `bench/stats`.
//!
//!   cargo bench --bench stats -- [--cases 1000000] [--backends sqlite,postgres]
//!       [--pg-url URL] [--runs 5] [--data-dir DIR] [--keep] [--existing sqlite=URL,postgres=URL]
//!
//! `--keep` leaves the generated databases in place; `--existing` measures them again
//! without generating (for EXPLAIN, profiling and changes to the statistics' queries).
//!
//! The release binary and the machine line come from `benches/common`; the server is
//! started here on the generated database (common's `start_server` initialises a fresh
//! one).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use diesel::sql_types::BigInt;
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl};
use enforcement::db::{Backend, DatabaseUrl, DbConn};
use serde_json::{Value, json};

#[path = "stats/by_hand.rs"]
mod by_hand;
mod common;

use by_hand::{Raw, by_hand, mismatches};
use common::{binary, machine};

const PASSWORD: &str = "bench-stats-password";
const PG_DATABASE: &str = "enf_bench_stats";

struct Args {
    cases: u64,
    backends: Vec<String>,
    pg_url: String,
    runs: usize,
    data_dir: Option<PathBuf>,
    /// Leave the databases in place (for EXPLAIN and profiling) instead of removing them.
    keep: bool,
    /// Measure a database kept before instead of generating one: backend → URL.
    existing: BTreeMap<String, String>,
}

fn parse_args() -> Args {
    let mut args = Args {
        cases: 1_000_000,
        backends: vec!["sqlite".into(), "postgres".into()],
        pg_url: std::env::var("BENCH_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into()),
        runs: 5,
        data_dir: None,
        keep: false,
        existing: BTreeMap::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--cases" => args.cases = it.next().and_then(|s| s.parse().ok()).expect("--cases N"),
            "--runs" => args.runs = it.next().and_then(|s| s.parse().ok()).expect("--runs N"),
            "--backends" => {
                args.backends = it
                    .next()
                    .expect("--backends list")
                    .split(',')
                    .map(String::from)
                    .collect()
            }
            "--pg-url" => args.pg_url = it.next().expect("--pg-url URL"),
            "--data-dir" => args.data_dir = Some(PathBuf::from(it.next().expect("--data-dir DIR"))),
            "--keep" => args.keep = true,
            "--existing" => {
                for pair in it.next().expect("--existing sqlite=URL,postgres=URL").split(',') {
                    let (backend, url) = pair.split_once('=').expect("--existing backend=URL");
                    args.existing.insert(backend.to_string(), url.to_string());
                }
            }
            "--bench" => {}
            other => panic!("unknown argument {other}"),
        }
    }
    assert!(args.runs >= 1, "--runs must be at least 1");
    args
}

/// `<target>/release`, where the release binary and this bench's executable live.
fn release_dir() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.to_path_buf()))
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release"))
}

/// A fresh database for one backend: an SQLite file in a temporary directory, or the
/// PostgreSQL database `enf_bench_stats`, dropped and created again. Removed on drop.
struct BenchDb {
    url: DatabaseUrl,
    dir: Option<tempfile::TempDir>,
    pg: Option<String>,
    keep: bool,
}

impl BenchDb {
    fn create(backend: &str, pg_url: &str, parent: &Path, keep: bool) -> BenchDb {
        let dir = tempfile::Builder::new()
            .prefix("enf-bench-stats-")
            .tempdir_in(parent)
            .unwrap();
        let (url, pg) = match backend {
            "sqlite" => (format!("sqlite://{}", dir.path().join("stats.db").display()), None),
            "postgres" => {
                let mut conn = PgConnection::establish(pg_url).expect("PostgreSQL for the benchmark");
                diesel::sql_query(format!("DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)"))
                    .execute(&mut conn)
                    .unwrap();
                diesel::sql_query(format!("CREATE DATABASE {PG_DATABASE}"))
                    .execute(&mut conn)
                    .unwrap();
                let base = pg_url.rsplit_once('/').map_or(pg_url, |(b, _)| b);
                (format!("{base}/{PG_DATABASE}"), Some(pg_url.to_string()))
            }
            other => panic!("unknown backend {other}"),
        };
        BenchDb {
            url: DatabaseUrl::parse(&url).unwrap(),
            dir: Some(dir),
            pg,
            keep,
        }
    }

    /// A database kept by an earlier run, with a fresh data directory for the server.
    fn existing(url: &str, parent: &Path) -> BenchDb {
        BenchDb {
            url: DatabaseUrl::parse(url).unwrap(),
            dir: Some(
                tempfile::Builder::new()
                    .prefix("enf-bench-stats-")
                    .tempdir_in(parent)
                    .unwrap(),
            ),
            pg: None,
            keep: false,
        }
    }

    fn dir(&self) -> &Path {
        self.dir.as_ref().unwrap().path()
    }

    fn size(&self, conn: &mut DbConn) -> String {
        #[derive(QueryableByName)]
        struct Size {
            #[diesel(sql_type = BigInt)]
            bytes: i64,
        }
        let bytes = match conn {
            DbConn::Postgresql(pg) => diesel::sql_query("SELECT pg_database_size(current_database()) AS bytes")
                .get_result::<Size>(pg)
                .map(|s| s.bytes)
                .unwrap_or(0),
            DbConn::Sqlite(_) => std::fs::metadata(&self.url.target).map_or(0, |m| m.len() as i64),
        };
        format!("{:.2} GiB", bytes as f64 / (1u64 << 30) as f64)
    }
}

impl Drop for BenchDb {
    fn drop(&mut self) {
        if self.keep {
            let dir = self.dir.take().map(tempfile::TempDir::keep);
            eprintln!("kept {} (data directory {dir:?})", self.url.redacted());
            return;
        }
        if let Some(server_url) = &self.pg
            && let Ok(mut conn) = PgConnection::establish(server_url)
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")).execute(&mut conn);
        }
    }
}

/// The release binary serving a database; stopped on drop.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

fn start_server(db: &BenchDb) -> Server {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = match db.url.backend {
        Backend::Sqlite => format!("sqlite://{}", db.url.target),
        Backend::Postgres => db.url.target.clone(),
    };
    let child = Command::new(binary())
        .env("DATABASE_URL", url)
        .env("ENFORCEMENT_DATA_DIR", db.dir())
        .env("ENFORCEMENT_JWT_SECRET", "bench-secret-bench-secret-bench-secret")
        .env("ENFORCEMENT_ADDR", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "warn")
        .arg("serve")
        .stdout(Stdio::null())
        .spawn()
        .expect("run the release binary (cargo build --release first)");
    let server = Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    for _ in 0..600 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return server;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the server did not start");
}

/// CPU time (jiffies) of every process but this bench, its server and PostgreSQL, by
/// pid: what others ran on the machine meanwhile.
fn others_cpu(ours: &[u32]) -> BTreeMap<u32, u64> {
    let mut cpu = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return cpu;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
            continue;
        };
        if ours.contains(&pid) {
            continue;
        }
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // pid (comm) state ppid … utime stime: fields 14 and 15, counted after the comm.
        let Some((comm, rest)) = stat
            .split_once(") ")
            .map(|(head, rest)| (head.split_once(" (").map_or("", |h| h.1), rest))
        else {
            continue;
        };
        if comm == "postgres" {
            continue;
        }
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
        cpu.insert(pid, ticks(11) + ticks(12));
    }
    cpu
}

/// Cores other processes used on average between two `others_cpu` samples `seconds` apart.
fn others_cores(before: &BTreeMap<u32, u64>, after: &BTreeMap<u32, u64>, seconds: f64) -> f64 {
    let ticks: u64 = after
        .iter()
        .map(|(pid, t)| t.saturating_sub(before.get(pid).copied().unwrap_or(0)))
        .sum();
    ticks as f64 / 100.0 / seconds.max(1e-3)
}

/// Median and minimum of some durations, in ms.
fn median_min(samples: &[Duration]) -> (f64, f64) {
    if samples.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let mut ms: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    ms.sort_by(f64::total_cmp);
    let median = if ms.len() % 2 == 1 {
        ms[ms.len() / 2]
    } else {
        (ms[ms.len() / 2 - 1] + ms[ms.len() / 2]) / 2.0
    };
    (median, ms[0])
}

struct Row {
    backend: String,
    cases: u64,
    xf_2024: i64,
    generated_s: Option<f64>,
    size: String,
    http: (f64, f64),
    in_process: (f64, f64),
    sql: (f64, f64),
    figures_equal: bool,
    /// The most cores other processes used during one run.
    others: f64,
}

fn main() {
    let args = parse_args();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let parent = args
        .data_dir
        .clone()
        .unwrap_or_else(|| release_dir().parent().unwrap().to_path_buf());
    println!("machine: {}", machine());
    let today = enforcement::clock::today();
    let period = enforcement::stats::model::Period::parse(Some("2024"), None, None, None).unwrap();
    let mut rows = Vec::new();
    for backend in &args.backends {
        let (db, mut conn, cases, generated_s, xf) = match args.existing.get(backend) {
            Some(url) => {
                // A database generated before (`--keep`): measured, never removed.
                let db = BenchDb::existing(url, &parent);
                let mut conn = enforcement::db::establish(&db.url).unwrap();
                conn.run_migrations().unwrap();
                use diesel::{ExpressionMethods, QueryDsl};
                use enforcement::db::schema::{agencies, cases};
                let xf: String = agencies::table
                    .filter(agencies::code.eq("XF"))
                    .select(agencies::id)
                    .first(&mut conn)
                    .unwrap();
                let count: i64 = cases::table.count().get_result(&mut conn).unwrap();
                eprintln!("== {backend}: {count} cases in {} (existing)", db.url.redacted());
                (db, conn, count as u64, None, xf)
            }
            None => {
                let db = BenchDb::create(backend, &args.pg_url, &parent, args.keep);
                eprintln!(
                    "== {backend}: generating {} cases into {}",
                    args.cases,
                    db.url.redacted()
                );
                let mut conn = enforcement::db::establish(&db.url).unwrap();
                conn.run_migrations().unwrap();
                enforcement::calendar::store::seed_reference_calendar(&mut conn).unwrap();
                let spec = enforcement::scale::ScaleSpec::new(args.cases, PASSWORD);
                let started = Instant::now();
                let mut last_tenth = None;
                let report = enforcement::scale::generate(&mut conn, &spec, |done, total| {
                    let tenth = (done * 10).checked_div(total).unwrap_or(10);
                    if last_tenth != Some(tenth) {
                        last_tenth = Some(tenth);
                        eprintln!("   {done}/{total} cases, {:.0} s", started.elapsed().as_secs_f64());
                    }
                })
                .unwrap();
                let generated_s = report.elapsed.as_secs_f64();
                eprintln!(
                    "== {backend}: {} cases, {} findings, {} events, {} reviews in {generated_s:.0} s ({:.0} cases/s)",
                    report.written.cases,
                    report.written.findings,
                    report.written.events,
                    report.written.legal_reviews,
                    report.written.cases as f64 / generated_s
                );
                let xf = report.agencies.iter().find(|a| a.code == "XF").unwrap().id.clone();
                // Let the load settle before measuring: its dirty pages written out (PostgreSQL
                // checkpoint; SQLite WAL folded into the database), not during the runs.
                let settle = match backend.as_str() {
                    "postgres" => "CHECKPOINT",
                    _ => "PRAGMA wal_checkpoint(TRUNCATE)",
                };
                diesel::sql_query(settle).execute(&mut conn).unwrap();
                (db, conn, report.written.cases, Some(generated_s), xf)
            }
        };
        let size = db.size(&mut conn);
        if std::env::var_os("BENCH_SQL_LOG").is_some() {
            // Each statement of the in-process summary with its time, for profiling.
            use diesel::connection::InstrumentationEvent;
            let mut started = Instant::now();
            conn.set_instrumentation(move |event: InstrumentationEvent<'_>| match event {
                InstrumentationEvent::StartQuery { .. } => started = Instant::now(),
                InstrumentationEvent::FinishQuery { query, .. } => {
                    eprintln!(
                        "-- service {:.1} ms\n{query};",
                        started.elapsed().as_secs_f64() * 1000.0
                    )
                }
                _ => {}
            });
        }

        let server = start_server(&db);
        // A new connection per request: a pooled one may meet the server's keep-alive
        // timeout (5 s) while the other measurements run.
        let client = reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap();
        let token = runtime.block_on(async {
            let body: Value = client
                .post(format!("{}/api/v1/auth/login", server.base))
                .json(&json!({"username": "xf.head1", "password": PASSWORD}))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            body["access_token"].as_str().unwrap().to_string()
        });
        let url = format!("{}/api/v1/stats/summary?year=2024", server.base);
        let http_summary = || {
            runtime.block_on(async {
                let started = Instant::now();
                let response = client.get(&url).bearer_auth(&token).send().await.unwrap();
                assert_eq!(response.status(), 200);
                let body: Value = response.json().await.unwrap();
                (started.elapsed(), body)
            })
        };
        if let Some(file) = std::env::var_os("BENCH_EXPLAIN") {
            // Plans of the statements in a file (`;` + newline between them), then the next backend.
            let text = std::fs::read_to_string(file).unwrap();
            for sql in text.split(";\n").map(str::trim).filter(|s| !s.is_empty()) {
                println!("== {backend}\n{sql};\n{}\n", Raw::of(&mut conn).explain(sql));
            }
            continue;
        }
        let (from, to) = (period.from.to_string(), period.to.to_string());
        let today_text = today.to_string();
        let in_process = |conn: &mut DbConn| {
            let started = Instant::now();
            let summary = enforcement::stats::store::summary(conn, &xf, period, today).unwrap();
            (started.elapsed(), serde_json::to_value(summary).unwrap())
        };
        let hand = |conn: &mut DbConn| {
            let started = Instant::now();
            let figures = by_hand(conn, &xf, (&from, &to), &today_text);
            (started.elapsed(), figures)
        };
        // One warm-up of each, then the runs interleaved so that drift hits all three.
        let (_, mut served) = http_summary();
        let (_, mut computed) = in_process(&mut conn);
        let (_, mut figures) = hand(&mut conn);
        let (mut http_times, mut in_process_times, mut sql_times) = (Vec::new(), Vec::new(), Vec::new());
        let order = std::env::var("BENCH_ORDER").unwrap_or_else(|_| "his".into());
        let ours = [std::process::id(), server.child.id()];
        let mut busiest_others: f64 = 0.0;
        for run in 0..args.runs {
            eprintln!("== {backend}: run {}/{}", run + 1, args.runs);
            let (before, started) = (others_cpu(&ours), Instant::now());
            for step in order.chars() {
                match step {
                    'h' => {
                        let (t, body) = http_summary();
                        http_times.push(t);
                        served = body;
                    }
                    'i' => {
                        let (t, summary) = in_process(&mut conn);
                        in_process_times.push(t);
                        computed = summary;
                    }
                    _ => {
                        let (t, hand_figures) = hand(&mut conn);
                        sql_times.push(t);
                        figures = hand_figures;
                    }
                }
            }
            let others = others_cores(&before, &others_cpu(&ours), started.elapsed().as_secs_f64());
            busiest_others = busiest_others.max(others);
            if others > 0.25 {
                println!(
                    "note: {backend} run {}: other processes used {others:.2} cores meanwhile",
                    run + 1
                );
            }
        }
        let mut figures_equal = true;
        for (source, summary) in [("HTTP", &served), ("in-process", &computed)] {
            for (path, service, by_hand) in mismatches(summary, &figures) {
                figures_equal = false;
                println!("!!! MISMATCH {backend} {source} {path}: service {service}, hand-written SQL {by_hand}");
            }
        }
        println!(
            "{backend}: XF 2024 — {} cases ({} inspections, {} penalty), {} standing decisions, fines {} fen, hazards {}/{} general, officers {}, powers {}, overdue {}",
            served["cases_total"],
            served["inspection_cases"],
            served["penalty_cases"],
            served["penalty_decisions"]["total"],
            served["fines_total_fen"],
            served["hazards"]["general"]["rectified"],
            served["hazards"]["general"]["found"],
            served["officer_participation"]["fraction"],
            served["power_performance"]["fraction"],
            served["overdue_cases"],
        );
        rows.push(Row {
            backend: backend.clone(),
            cases,
            xf_2024: served["cases_total"].as_i64().unwrap_or(0),
            generated_s,
            size,
            http: median_min(&http_times),
            in_process: median_min(&in_process_times),
            sql: median_min(&sql_times),
            figures_equal,
            others: busiest_others,
        });
        drop(server);
        drop(conn);
        drop(db);
    }
    println!();
    println!(
        "| backend | cases (XF 2024) | generated in | database | summary via HTTP ms (median / min) | summary in-process ms | hand-written SQL ms | HTTP ÷ SQL | in-process ÷ SQL | ≤ 1.5× SQL | < 1 s (PostgreSQL) | figures equal | others' CPU (cores, busiest run) |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for r in &rows {
        let http_ratio = r.http.0 / r.sql.0;
        let pass = |ok: bool| if ok { "PASS" } else { "FAIL" };
        println!(
            "| {} | {} ({}) | {} | {} | {:.0} / {:.0} | {:.0} / {:.0} | {:.0} / {:.0} | {:.2} | {:.2} | {} | {} | {} | {:.2} |",
            r.backend,
            r.cases,
            r.xf_2024,
            r.generated_s.map_or("(existing)".to_string(), |s| format!("{s:.0} s")),
            r.size,
            r.http.0,
            r.http.1,
            r.in_process.0,
            r.in_process.1,
            r.sql.0,
            r.sql.1,
            http_ratio,
            r.in_process.0 / r.sql.0,
            pass(http_ratio <= 1.5),
            if r.backend == "postgres" {
                pass(r.http.0 < 1000.0)
            } else {
                "—"
            },
            if r.figures_equal { "yes" } else { "NO" },
            r.others,
        );
    }
    println!(
        "\n{} runs after one warm-up, interleaved; medians and minimums. Server, bench and database share the machine's cores; \
         \"others' CPU\" is what processes other than the bench, its server and PostgreSQL used meanwhile.",
        args.runs
    );
}
