//! Reliability under fault (issue 14, items 1–3), against the real `enforcement serve`:
//!
//! - `crash`: case creation and steps under load, the server killed (SIGKILL) at a random
//!   moment and started again: every acknowledged case is there with its record, no case
//!   lacks its first event nor an event its case, every chain verifies, numbers run 1..N,
//!   ready again within 5 s. On SQLite and PostgreSQL.
//! - `outage`: a private PostgreSQL cluster stopped in immediate mode under load and
//!   started again: 503s (not 500s, not hangs) while it is down, serving again without a
//!   restart, nothing acknowledged lost.
//! - `upload`: the server killed during a large evidence upload: no row and no stray file
//!   after the restart, the temporary file swept.
//! - `login-flood` (item 8): 200 logins at once, right and wrong passwords mixed: every one
//!   answered (200, 401, or 429/503 when no hasher is free in time) within the hashing wait
//!   and a margin, the server's RSS far below 200 argon2 hashes' worth, some turned away
//!   when the hashers cannot get through them within the wait. With the shipped defaults
//!   and with a 250 ms wait.
//!
//! Run through `reliability/run` (release binary, full trials); CI runs
//! `cargo test --bench reliability -- --quick` (the debug binary, one or two trials each).
//! Prints the trials and a Markdown summary, and ends with `reliability: N passed, M failed`
//! (a trial passes when every check of it holds); exits 1 when any failed.
//!
//!   cargo bench --bench reliability -- [--quick] [--scenarios crash,outage,upload,login-flood]
//!       [--backends sqlite,postgres] [--trials 10] [--outage-trials 3] [--upload-trials 6]
//!       [--upload-mib 256] [--flood-requests 200] [--clients 8] [--pg-url URL] [--dir DIR]

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../benches/common/mod.rs"]
mod common;

mod check;
mod crash;
mod login_flood;
mod outage;
mod service;
mod upload;
mod workload;

use std::path::PathBuf;
use std::time::Duration;

use service::Database;

struct Args {
    scenarios: Vec<String>,
    backends: Vec<String>,
    crash: crash::Options,
    outage: outage::Options,
    upload: upload::Options,
    login_flood: login_flood::Options,
    pg_url: String,
    dir: PathBuf,
}

fn list(value: Option<String>, flag: &str) -> Vec<String> {
    value
        .unwrap_or_else(|| panic!("{flag} needs a comma-separated list"))
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn number(value: Option<String>, flag: &str) -> usize {
    value
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{flag} needs a number"))
}

fn parse_args() -> Args {
    let quick = std::env::args().any(|a| a == "--quick");
    let mut args = Args {
        scenarios: vec!["crash".into(), "outage".into(), "upload".into(), "login-flood".into()],
        backends: vec!["sqlite".into(), "postgres".into()],
        crash: crash::Options {
            trials: if quick { 2 } else { 10 },
            clients: 8,
            kill_window: (Duration::from_millis(300), Duration::from_millis(2500)),
        },
        outage: outage::Options {
            trials: if quick { 1 } else { 3 },
            clients: 8,
            down_for: Duration::from_secs(if quick { 3 } else { 5 }),
            stop_window: (Duration::from_millis(500), Duration::from_millis(2000)),
        },
        upload: upload::Options {
            trials: if quick { 2 } else { 8 },
            size_mib: if quick { 32 } else { 256 },
        },
        // Quick: the run in which the gate turns logins away, a few seconds per backend.
        login_flood: login_flood::Options {
            requests: 200,
            waits_ms: if quick { vec![Some(250)] } else { vec![None, Some(250)] },
        },
        pg_url: std::env::var("BENCH_PG_URL")
            .or_else(|_| std::env::var("TEST_DATABASE_URL"))
            .ok()
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".into()),
        dir: std::env::temp_dir(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--quick" | "--bench" => {}
            "--scenarios" => args.scenarios = list(it.next(), "--scenarios"),
            "--backends" => args.backends = list(it.next(), "--backends"),
            "--trials" => args.crash.trials = number(it.next(), "--trials"),
            "--outage-trials" => args.outage.trials = number(it.next(), "--outage-trials"),
            "--upload-trials" => args.upload.trials = number(it.next(), "--upload-trials"),
            "--upload-mib" => args.upload.size_mib = number(it.next(), "--upload-mib") as u64,
            "--flood-requests" => args.login_flood.requests = number(it.next(), "--flood-requests"),
            "--clients" => {
                let clients = number(it.next(), "--clients");
                args.crash.clients = clients;
                args.outage.clients = clients;
            }
            "--pg-url" => args.pg_url = it.next().expect("--pg-url URL"),
            "--dir" => args.dir = PathBuf::from(it.next().expect("--dir DIR")),
            other => panic!("unknown argument {other}"),
        }
    }
    args
}

fn database(backend: &str, pg_url: &str, dir: &std::path::Path) -> Database {
    match backend {
        "sqlite" => Database::sqlite(dir),
        "postgres" => Database::postgres(pg_url),
        other => panic!("unknown backend {other}"),
    }
}

fn millis(d: Duration) -> String {
    format!("{:.0}", d.as_secs_f64() * 1000.0)
}

fn seconds(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64())
}

/// min / median / max, each shown by `show`.
fn spread(mut values: Vec<Duration>, show: fn(Duration) -> String) -> String {
    if values.is_empty() {
        return "—".into();
    }
    values.sort();
    format!(
        "{} / {} / {}",
        show(values[0]),
        show(values[values.len() / 2]),
        show(values[values.len() - 1])
    )
}

fn uname() -> String {
    std::process::Command::new("uname")
        .arg("-a")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
}

impl Tally {
    fn add(&mut self, ok: bool) {
        if ok {
            self.passed += 1;
        } else {
            self.failed += 1;
        }
    }
}

fn main() {
    let args = parse_args();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap();
    let scratch = tempfile::Builder::new()
        .prefix("enf-reliability-")
        .tempdir_in(&args.dir)
        .unwrap();
    println!("# Reliability under fault\n");
    println!("Machine: {}", common::machine());
    println!("Kernel: {}", uname());
    println!("Server: {}\n", common::binary().display());
    let mut tally = Tally::default();
    let mut report = Vec::new();
    let wanted = |name: &str| args.scenarios.iter().any(|s| s == name);

    if wanted("crash") {
        let mut lines = vec![
            format!(
                "## Crash (kill -9 under load, {} clients creating cases and taking them through start, findings, close)\n",
                args.crash.clients
            ),
            "| backend | trials | killed after, s (min / median / max) | acknowledged cases | acknowledged operations | unanswered at the kill | lost cases | lost operations | cases without first event | events without case | records with holes | chains not verifying | number gaps | restart → ready, ms (min / median / max) | ready ≤ 5 s |".into(),
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|".into(),
        ];
        for backend in &args.backends {
            let dir = scratch.path().join(format!("crash-{backend}"));
            std::fs::create_dir_all(&dir).unwrap();
            let database = database(backend, &args.pg_url, &dir);
            eprintln!("crash, {backend}: {} trials", args.crash.trials);
            let trials = runtime.block_on(crash::run(backend, database, &dir, &args.crash));
            for trial in &trials {
                // A trial in which nothing was acknowledged proves nothing.
                tally.add(trial.findings.clean() && trial.ready_after.is_some() && trial.findings.acked_cases > 0);
            }
            // Findings are cumulative in the database; the last trial's hold for all.
            let last = trials.last().map(|t| t.findings.clone()).unwrap_or_default();
            let sum = |f: fn(&crash::Trial) -> usize| trials.iter().map(f).sum::<usize>();
            lines.push(format!(
                "| {backend} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {}/{} |",
                trials.len(),
                spread(trials.iter().map(|t| t.killed_after).collect(), seconds),
                sum(|t| t.findings.acked_cases),
                sum(|t| t.findings.acked_operations),
                sum(|t| t.unanswered),
                sum(|t| t.findings.lost_cases),
                sum(|t| t.findings.lost_operations + t.findings.unverified),
                last.cases_without_first_event,
                last.events_without_case,
                last.records_with_holes,
                trials.iter().map(|t| t.findings.bad_chains).max().unwrap_or(0),
                last.number_gaps,
                spread(trials.iter().filter_map(|t| t.ready_after).collect(), millis),
                trials.iter().filter(|t| t.ready_after.is_some()).count(),
                trials.len(),
            ));
        }
        report.extend(lines);
        report.push(String::new());
    }

    if wanted("outage") {
        eprintln!("outage (private PostgreSQL cluster): {} trials", args.outage.trials);
        let dir = scratch.path().join("outage");
        std::fs::create_dir_all(&dir).unwrap();
        report.push(format!(
            "## Database outage (private PostgreSQL stopped with -m immediate for {} s under {} clients, then started; the service keeps running)\n",
            args.outage.down_for.as_secs(),
            args.outage.clients
        ));
        match runtime.block_on(outage::run(&dir, &args.outage)) {
            Err(error) => {
                eprintln!("outage: could not run: {error}");
                report.push(format!("could not run: {error}"));
                tally.add(false);
            }
            Ok(trials) => {
                report.push("| trial | stopped after (s) | requests while down | 503 | 2xx (in flight) | 500 | other | no answer (10 s timeout or connection error) | slowest answer while down, ms | /readyz 503 while down | start → first acknowledged write, ms | same process | acknowledged cases | lost cases | lost operations | database checks |".into());
                report.push("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|".into());
                for (i, trial) in trials.iter().enumerate() {
                    tally.add(trial.clean());
                    let twoxx = trial.count(Some(200)) + trial.count(Some(201));
                    let other = trial.during.len()
                        - trial.count(Some(503))
                        - twoxx
                        - trial.count(Some(500))
                        - trial.count(None);
                    let f = &trial.findings;
                    let db_clean = f.cases_without_first_event == 0
                        && f.events_without_case == 0
                        && f.records_with_holes == 0
                        && f.bad_chains == 0
                        && f.number_gaps == 0;
                    report.push(format!(
                        "| {} | {:.1} | {} | {} | {} | {} | {} | {} | {} | {}/{} | {} | {} | {} | {} | {} | {} |",
                        i + 1,
                        trial.stopped_after.as_secs_f64(),
                        trial.during.len(),
                        trial.count(Some(503)),
                        twoxx,
                        trial.count(Some(500)),
                        other,
                        trial.count(None),
                        millis(trial.max_latency()),
                        trial.readyz_503,
                        trial.readyz_polls,
                        trial.recovered_after.map_or("—".into(), millis),
                        if trial.same_process { "yes" } else { "NO" },
                        f.acked_cases,
                        f.lost_cases,
                        f.lost_operations + f.unverified,
                        if db_clean { "clean" } else { "FAILED" },
                    ));
                }
            }
        }
        report.push(String::new());
    }

    if wanted("upload") {
        report.push(format!(
            "## Upload crash (kill -9 during a {} MiB evidence upload)\n",
            args.upload.size_mib
        ));
        report.push("| backend | trial | killed at | acknowledged | temporary files after the kill / after the restart | stored-but-unrecorded markers after the kill / after the restart | rows added | unreferenced files | damaged or missing | chain | restart → ready, ms |".into());
        report.push("|---|---|---|---|---|---|---|---|---|---|---|".into());
        for backend in &args.backends {
            let dir = scratch.path().join(format!("upload-{backend}"));
            std::fs::create_dir_all(&dir).unwrap();
            let database = database(backend, &args.pg_url, &dir);
            eprintln!(
                "upload, {backend}: {} trials of {} MiB",
                args.upload.trials, args.upload.size_mib
            );
            let trials = runtime.block_on(upload::run(backend, database, &dir, &args.upload));
            for (i, trial) in trials.iter().enumerate() {
                tally.add(trial.clean());
                report.push(format!(
                    "| {backend} | {} | {} | {} | {} / {} | {} / {} | {} | {} | {} | {} | {} |",
                    i + 1,
                    trial.kill_at,
                    if trial.acknowledged { "yes" } else { "no" },
                    trial.temporary_after_kill,
                    trial.temporary_after_restart,
                    trial.unrecorded_after_kill,
                    trial.unrecorded_after_restart,
                    trial.new_rows,
                    trial.unreferenced_files,
                    trial.damaged_or_missing,
                    if trial.chain_valid { "valid" } else { "BROKEN" },
                    trial.ready_after.map_or("—".into(), millis),
                ));
            }
        }
        report.push(String::new());
    }

    if wanted("login-flood") {
        report.push(format!(
            "## Login flood ({} logins at once, half with a right password, half with a wrong one; the server's RSS sampled every 5 ms)\n",
            args.login_flood.requests
        ));
        report.push("| backend | hashing wait, ms | hashers | 200 | 401 | 429 (no hasher in time) | 429 (throttled) | 503 | other or none | misjudged | one login alone, ms | latency p50 / p95 / max, ms | bound, ms | flood answered in, ms | RSS before / peak / 2 s after, MiB | RSS growth, MiB | bound, MiB |".into());
        report.push("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|".into());
        for backend in &args.backends {
            let dir = scratch.path().join(format!("login-flood-{backend}"));
            std::fs::create_dir_all(&dir).unwrap();
            let database = database(backend, &args.pg_url, &dir);
            eprintln!(
                "login flood, {backend}: {} logins at once, {} runs",
                args.login_flood.requests,
                args.login_flood.waits_ms.len()
            );
            let trials = runtime.block_on(login_flood::run(backend, database, &dir, &args.login_flood));
            for trial in &trials {
                use login_flood::Answer;
                tally.add(trial.clean());
                let known = [
                    Answer::Ok,
                    Answer::Unauthorized,
                    Answer::Saturated,
                    Answer::Throttled,
                    Answer::Unavailable,
                ];
                let other = trial.requests - known.iter().map(|a| trial.count(*a)).sum::<usize>();
                report.push(format!(
                    "| {backend} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} / {} / {} | {} | {} | {:.0} / {:.0} / {:.0} | {:.0} | {:.0} |",
                    trial.wait.as_millis(),
                    trial.concurrency,
                    trial.count(Answer::Ok),
                    trial.count(Answer::Unauthorized),
                    trial.count(Answer::Saturated),
                    trial.count(Answer::Throttled),
                    trial.count(Answer::Unavailable),
                    other,
                    trial.misjudged,
                    millis(trial.single),
                    millis(trial.percentile(0.5)),
                    millis(trial.percentile(0.95)),
                    millis(trial.max_latency()),
                    millis(trial.latency_bound),
                    millis(trial.flood_took),
                    trial.rss_before_mib,
                    trial.rss_peak_mib,
                    trial.rss_after_mib,
                    trial.rss_growth_mib(),
                    trial.rss_bound_mib,
                ));
            }
        }
        report.push(String::new());
    }

    println!("{}", report.join("\n"));
    drop(runtime);
    if tally.failed > 0 {
        // The servers' logs and data directories, for a look at what failed.
        println!("kept for inspection: {}", scratch.keep().display());
    }
    println!("reliability: {} passed, {} failed", tally.passed, tally.failed);
    if tally.failed > 0 {
        std::process::exit(1);
    }
}
