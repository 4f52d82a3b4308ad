//! Load benchmark: starts the release binary on each backend, drives it over loopback for
//! a bounded time, and measures the raw database (or the raw CPU work) doing the same
//! work in the same run. Run through `bench/run`; prints a Markdown table.
//!
//!   cargo bench --bench load -- [--seconds 10] [--backends sqlite,postgres] [--pg-url URL]

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::{ADMIN_PASSWORD, CaseWorld, case_world, login, machine, start_server};
use enforcement::db::{DatabaseUrl, DbPool, build_pool};
use serde_json::{Value, json};

struct Args {
    seconds: u64,
    backends: Vec<String>,
    pg_url: String,
}

fn parse_args() -> Args {
    let mut args = Args {
        seconds: 10,
        backends: vec!["sqlite".into(), "postgres".into()],
        pg_url: std::env::var("BENCH_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into()),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--seconds" => args.seconds = it.next().and_then(|s| s.parse().ok()).expect("--seconds N"),
            "--backends" => {
                args.backends = it
                    .next()
                    .expect("--backends list")
                    .split(',')
                    .map(String::from)
                    .collect()
            }
            "--pg-url" => args.pg_url = it.next().expect("--pg-url URL"),
            "--bench" => {}
            other => panic!("unknown argument {other}"),
        }
    }
    args
}

/// Latencies of one measured run.
#[derive(Clone)]
struct Stats {
    count: usize,
    errors: usize,
    elapsed: Duration,
    latencies_us: Vec<u64>,
}

impl Stats {
    fn rate(&self) -> f64 {
        self.count as f64 / self.elapsed.as_secs_f64()
    }
    fn percentile_ms(&self, p: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return f64::NAN;
        }
        let index = ((self.latencies_us.len() as f64 - 1.0) * p).round() as usize;
        self.latencies_us[index] as f64 / 1000.0
    }
    fn merge(parts: Vec<(usize, Vec<u64>)>, elapsed: Duration) -> Stats {
        let errors = parts.iter().map(|p| p.0).sum();
        let mut latencies_us: Vec<u64> = parts.into_iter().flat_map(|p| p.1).collect();
        latencies_us.sort_unstable();
        Stats {
            count: latencies_us.len(),
            errors,
            elapsed,
            latencies_us,
        }
    }
}

/// `concurrency` HTTP clients in a loop for `duration`.
async fn drive_http<F, Fut>(concurrency: usize, duration: Duration, request: F) -> Stats
where
    F: Fn(usize, u64) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let request = Arc::new(request);
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = Vec::new();
    for worker in 0..concurrency {
        let request = request.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0;
            let mut n = 0u64;
            while Instant::now() < deadline {
                let t = Instant::now();
                if request(worker, n).await {
                    latencies.push(t.elapsed().as_micros() as u64);
                } else {
                    errors += 1;
                }
                n += 1;
            }
            (errors, latencies)
        }));
    }
    let mut parts = Vec::new();
    for task in tasks {
        parts.push(task.await.unwrap());
    }
    Stats::merge(parts, started.elapsed())
}

/// `concurrency` clients sending an authorised GET that must answer 200.
async fn drive_get(
    client: &reqwest::Client,
    url: String,
    token: String,
    concurrency: usize,
    duration: Duration,
) -> Stats {
    let client = client.clone();
    drive_http(concurrency, duration, move |_, _| {
        let request = client.get(&url).bearer_auth(&token);
        async move { request.send().await.is_ok_and(|r| r.status() == 200) }
    })
    .await
}

/// `threads` OS threads doing the raw work in a loop for `duration`.
fn drive_raw<F>(threads: usize, duration: Duration, work: F) -> Stats
where
    F: Fn(usize, u64) -> bool + Send + Sync + 'static,
{
    let work = Arc::new(work);
    let started = Instant::now();
    let stop = Arc::new(AtomicBool::new(false));
    let handles: Vec<_> = (0..threads)
        .map(|worker| {
            let work = work.clone();
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut latencies = Vec::new();
                let mut errors = 0;
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    let t = Instant::now();
                    if work(worker, n) {
                        latencies.push(t.elapsed().as_micros() as u64);
                    } else {
                        errors += 1;
                    }
                    n += 1;
                }
                (errors, latencies)
            })
        })
        .collect();
    std::thread::sleep(duration);
    stop.store(true, Ordering::Relaxed);
    let parts = handles.into_iter().map(|h| h.join().unwrap()).collect();
    Stats::merge(parts, started.elapsed())
}

struct Row {
    backend: String,
    scenario: String,
    concurrency: usize,
    service: Stats,
    raw_label: String,
    raw: Stats,
}

fn print_rows(rows: &[Row], seconds: u64) {
    println!();
    println!(
        "| backend | scenario | concurrency | requests/s | p50 ms | p99 ms | errors | raw work | raw ops/s | raw p99 ms | service ÷ raw |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for r in rows {
        println!(
            "| {} | {} | {} | {:.0} | {:.2} | {:.2} | {} | {} | {:.0} | {:.2} | {:.2} |",
            r.backend,
            r.scenario,
            r.concurrency,
            r.service.rate(),
            r.service.percentile_ms(0.50),
            r.service.percentile_ms(0.99),
            r.service.errors,
            r.raw_label,
            r.raw.rate(),
            r.raw.percentile_ms(0.99),
            r.service.rate() / r.raw.rate()
        );
    }
    println!("\n{seconds} s per measurement; load generator, server and raw work share this machine's cores.");
}

fn pool(database: &DatabaseUrl, size: u32) -> DbPool {
    build_pool(database, size).expect("raw pool")
}

fn claims_of(token: &str) -> enforcement::auth::tokens::Claims {
    enforcement::auth::tokens::JwtKeys::new(b"bench-secret-bench-secret-bench-secret", Duration::from_secs(900))
        .verify(token)
        .unwrap()
}

/// Every statement the service issues to open a case, called directly through the store.
fn raw_create_statements(
    conn: &mut enforcement::db::DbConn,
    world: &CaseWorld,
    claims: &enforcement::auth::tokens::Claims,
    writer: &std::sync::Mutex<()>,
    is_sqlite: bool,
) -> Result<(), enforcement::error::AppError> {
    use enforcement::cases::model::{CaseKind, CreateCaseRequest, NewCase};
    use enforcement::cases::store::{Caller, insert_prepared_case, prepare_case};
    enforcement::auth::store::active_session_user(conn, &claims.sub, &claims.sid)?;
    let caller = Caller {
        user_id: world.officer_ids[0].clone(),
        agency_id: world.agency_id.clone(),
        is_officer: true,
        is_supervisor: false,
        is_counsel: false,
    };
    let input = NewCase::try_from(CreateCaseRequest {
        kind: CaseKind::Inspection,
        procedure: None,
        subject_id: world.subject_id.clone(),
        power_ids: vec![world.power_id.clone()],
        officer_ids: world.officer_ids.clone(),
        summary: "双随机抽查：餐饮单位油烟净化设施".into(),
        violation_on: None,
        violation_ended_on: None,
        discovered_on: None,
        opened_on: None,
        source: None,
        parent_case_id: None,
        serious_harm: false,
        inspection_item_ids: Vec::new(),
    })?;
    let prepared = prepare_case(conn, &caller, input, enforcement::clock::today())?;
    let _queued = is_sqlite.then(|| writer.lock().unwrap());
    enforcement::db::write_transaction(conn, |conn| {
        insert_prepared_case(conn, &caller, prepared, enforcement::clock::now()).map(|_| ())
    })
}

/// The inserts of opening a case, without the service around it.
fn raw_insert_case(conn: &mut enforcement::db::DbConn, world: &CaseWorld) -> Result<(), enforcement::error::AppError> {
    use enforcement::cases::model::{Case, CaseKind, CaseOfficer, CaseSource, CitedPower, Opening, SubjectKind};
    use enforcement::cases::numbering::{Sequence, format_number, next_seq};
    use enforcement::cases::store::{CaseMeta, insert};
    enforcement::db::write_transaction(conn, |conn| {
        let today = enforcement::clock::today();
        let now = enforcement::clock::now();
        let year = enforcement::cases::model::number_year(today);
        let seq = next_seq(conn, &world.agency_id, Sequence::Inspection, year)?;
        let case = Case::open(Opening {
            id: uuid::Uuid::now_v7().to_string(),
            agency_id: world.agency_id.clone(),
            kind: CaseKind::Inspection,
            procedure: None,
            case_number: format_number("学府", Sequence::Inspection, year, seq),
            subject_id: world.subject_id.clone(),
            subject_kind: SubjectKind::Enterprise,
            subject_birth_date: None,
            summary: "双随机抽查：餐饮单位油烟净化设施".into(),
            source: CaseSource::Routine,
            parent_case_id: None,
            opened_on: today,
            violation_on: None,
            violation_ended_on: None,
            discovered_on: None,
            serious_harm: false,
            filing_approval: false,
            officers: world
                .officer_ids
                .iter()
                .map(|id| CaseOfficer {
                    user_id: id.clone(),
                    display_name: String::new(),
                    certificate_no: None,
                    certificate_expires_on: None,
                    recused: false,
                    active: true,
                })
                .collect(),
            powers: vec![CitedPower {
                power_id: world.power_id.clone(),
                power_version_id: world.power_version_id.clone(),
                version: 1,
                code: "XF-CG-001".into(),
                name: String::new(),
                fine_min_fen: None,
                fine_max_fen: None,
                requires_av_record: false,
            }],
        });
        let meta = CaseMeta {
            created_at: enforcement::clock::to_db(now),
            created_by: world.officer_ids[0].clone(),
            updated_at: enforcement::clock::to_db(now),
            subject_name: String::new(),
            number_year: year,
            number_seq: seq,
            legal_review_reasons: Vec::new(),
        };
        insert(conn, &case, &meta)?;
        enforcement::record::store::append_first(
            conn,
            &case.id,
            &world.officer_ids[0],
            "create",
            &json!({"case_number": case.case_number}),
            now,
        )?;
        Ok(())
    })
}

fn main() {
    let args = parse_args();
    let duration = Duration::from_secs(args.seconds);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    println!("machine: {}", machine());
    let mut rows = Vec::new();
    for backend in &args.backends {
        eprintln!("== {backend}: starting the release binary");
        let server = start_server(backend, &args.pg_url, &std::env::temp_dir());
        let client = reqwest::Client::new();
        let base = server.base.clone();

        // POST /auth/login: argon2id dominates; the raw work is the same verification.
        eprintln!("== {backend}: POST /auth/login");
        let logins = {
            let client = client.clone();
            let url = format!("{base}/api/v1/auth/login");
            runtime.block_on(drive_http(4, duration, move |_, _| {
                let client = client.clone();
                let url = url.clone();
                async move {
                    client
                        .post(&url)
                        .json(&json!({"username": "admin", "password": ADMIN_PASSWORD}))
                        .send()
                        .await
                        .is_ok_and(|r| r.status() == 200)
                }
            }))
        };
        let hash = enforcement::auth::password::hash_password(ADMIN_PASSWORD).unwrap();
        let raw_verify = drive_raw(2, duration, move |_, _| {
            enforcement::auth::password::verify_password(ADMIN_PASSWORD, &hash)
        });
        rows.push(Row {
            backend: backend.clone(),
            scenario: "POST /auth/login".into(),
            concurrency: 4,
            service: logins,
            raw_label: "argon2id verify (2 threads)".into(),
            raw: raw_verify,
        });

        // GET /me: JWT check + session/user lookup + agency; raw = the same two queries.
        eprintln!("== {backend}: GET /me");
        let token = runtime.block_on(login(&client, &base, "admin"));
        let claims = claims_of(&token);
        let me = runtime.block_on(drive_get(&client, format!("{base}/api/v1/me"), token, 16, duration));
        let raw_pool = pool(&server.database, 16);
        let raw_me = drive_raw(16, duration, move |_, _| {
            let Ok(mut conn) = raw_pool.get() else { return false };
            let user = enforcement::auth::store::active_session_user(&mut conn, &claims.sub, &claims.sid);
            let agency = enforcement::agencies::store::find(&mut conn, &claims.agency);
            matches!(user, Ok(Some(_))) && agency.is_ok()
        });
        rows.push(Row {
            backend: backend.clone(),
            scenario: "GET /me".into(),
            concurrency: 16,
            service: me,
            raw_label: "session+user and agency selects (16 threads)".into(),
            raw: raw_me,
        });

        // Cases: POST /cases and GET /cases/{id}; raw = the same inserts and selects
        // through the store functions, without HTTP, JSON, auth or rule checks.
        let world = runtime.block_on(case_world(&client, &base, &server.database));
        eprintln!("== {backend}: POST /cases");
        let create = {
            let client = client.clone();
            let url = format!("{base}/api/v1/cases");
            let body = world.case_body.clone();
            let token = world.officer_token.clone();
            runtime.block_on(drive_http(8, duration, move |_, _| {
                let client = client.clone();
                let url = url.clone();
                let body = body.clone();
                let token = token.clone();
                async move {
                    client
                        .post(&url)
                        .bearer_auth(&token)
                        .json(&body)
                        .send()
                        .await
                        .is_ok_and(|r| r.status() == 201)
                }
            }))
        };
        // Raw, two ways: only the inserts of a new case, and every statement the service
        // issues for it (session check, register reads, numbering, inserts, event).
        let writer = Arc::new(std::sync::Mutex::new(()));
        let is_sqlite = server.database.backend == enforcement::db::Backend::Sqlite;
        let raw_inserts = {
            let raw_pool = pool(&server.database, 8);
            let raw_world = world.clone();
            let writer = writer.clone();
            drive_raw(8, duration, move |_, _| {
                let Ok(mut conn) = raw_pool.get() else { return false };
                // Queue SQLite writers in-process as the service does (AppState::db_write).
                let _queued = is_sqlite.then(|| writer.lock().unwrap());
                raw_insert_case(&mut conn, &raw_world).is_ok()
            })
        };
        let raw_statements = {
            let raw_pool = pool(&server.database, 8);
            let raw_world = world.clone();
            let writer = writer.clone();
            let claims = claims_of(&world.officer_token);
            drive_raw(8, duration, move |_, _| {
                let Ok(mut conn) = raw_pool.get() else { return false };
                raw_create_statements(&mut conn, &raw_world, &claims, &writer, is_sqlite).is_ok()
            })
        };
        rows.push(Row {
            backend: backend.clone(),
            scenario: "POST /cases".into(),
            concurrency: 8,
            service: create.clone(),
            raw_label: "all the same statements: session, register reads, number, inserts, event (8 threads)".into(),
            raw: raw_statements,
        });
        rows.push(Row {
            backend: backend.clone(),
            scenario: "POST /cases".into(),
            concurrency: 8,
            service: create,
            raw_label: "the inserts only: number, case, officers, power, event (8 threads)".into(),
            raw: raw_inserts,
        });

        eprintln!("== {backend}: GET /cases/{{id}}");
        let case_id = runtime.block_on(async {
            let body: Value = client
                .post(format!("{base}/api/v1/cases"))
                .bearer_auth(&world.officer_token)
                .json(&world.case_body)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            body["id"].as_str().unwrap().to_string()
        });
        let read = runtime.block_on(drive_get(
            &client,
            format!("{base}/api/v1/cases/{case_id}"),
            world.officer_token.clone(),
            16,
            duration,
        ));
        let raw_pool = pool(&server.database, 16);
        let agency_id = world.agency_id.clone();
        let claims = claims_of(&world.officer_token);
        let raw_read = drive_raw(16, duration, move |_, _| {
            let Ok(mut conn) = raw_pool.get() else { return false };
            let session = enforcement::auth::store::active_session_user(&mut conn, &claims.sub, &claims.sid);
            matches!(session, Ok(Some(_)))
                && matches!(
                    enforcement::cases::store::load(&mut conn, &agency_id, &case_id),
                    Ok(Some(_))
                )
        });
        rows.push(Row {
            backend: backend.clone(),
            scenario: "GET /cases/{id}".into(),
            concurrency: 16,
            service: read,
            raw_label: "session check + case, subject, officers, powers, findings selects (16 threads)".into(),
            raw: raw_read,
        });
        drop(server);
    }
    print_rows(&rows, args.seconds);
}
