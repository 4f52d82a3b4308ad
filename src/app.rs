//! `Application::build`: the one place that wires configuration, database and routes.
//! `main` and the tests both use it; tests bind port 0.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use anyhow::Context;
use diesel::RunQueryDsl;

use crate::auth::tokens::JwtKeys;
use crate::config::Settings;
use crate::db::{self, DbPool};
use crate::error::AppError;
use crate::evidence::storage::{BlobStore, LocalStore};
use crate::http::{JsonLimit, Metrics};
use crate::state::AppState;

pub struct Application {
    port: u16,
    server: Server,
}

/// Connects, applies migrations and seeds reference data. Used at start-up and by
/// `enforcement migrate`.
pub fn prepare_database(settings: &Settings) -> anyhow::Result<DbPool> {
    let pool = db::build_pool_with_timeout(&settings.database, settings.db_pool_size, settings.db_timeout)
        .with_context(|| format!("connecting to {}", settings.database.redacted()))?;
    let mut conn = pool.get().context("getting a database connection")?;
    // Processes starting together on one database take turns: the second finds the
    // migrations applied and the calendar seeded instead of colliding with the first.
    let postgres = conn.backend() == db::Backend::Postgres;
    // SQLite: a lock on a file beside the database, held until this function returns.
    let _sqlite_lock = match settings.database.backend {
        db::Backend::Sqlite => {
            let path = format!("{}.prepare-lock", settings.database.target);
            let file = std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
                .with_context(|| format!("opening {path}"))?;
            file.lock()
                .with_context(|| format!("waiting for another process preparing the database ({path})"))?;
            Some(file)
        }
        db::Backend::Postgres => {
            diesel::sql_query(format!("SELECT pg_advisory_lock({PREPARE_LOCK_KEY})"))
                .execute(&mut conn)
                .context("waiting for another process preparing the database")?;
            None
        }
    };
    let prepared = migrate_and_seed(&mut conn);
    if postgres {
        diesel::sql_query(format!("SELECT pg_advisory_unlock({PREPARE_LOCK_KEY})"))
            .execute(&mut conn)
            .context("releasing the preparation lock")?;
    }
    prepared?;
    Ok(pool)
}

/// Forgets expired `Idempotency-Key`s now and every hour, off the request path.
fn sweep_idempotency_keys_hourly(pool: DbPool) {
    tokio::spawn(async move {
        let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            every_hour.tick().await;
            let pool = pool.clone();
            let swept = tokio::task::spawn_blocking(move || -> anyhow::Result<usize> {
                let mut conn = pool.get()?;
                Ok(crate::idempotency::sweep_expired(&mut conn)?)
            })
            .await;
            match swept {
                Ok(Ok(0)) => {}
                Ok(Ok(swept)) => tracing::info!(swept, "forgot expired idempotency keys"),
                Ok(Err(error)) => {
                    tracing::warn!(error = %error, "sweeping idempotency keys failed; retrying in an hour")
                }
                Err(error) => tracing::warn!(error = %error, "the idempotency sweep stopped"),
            }
        }
    });
}

/// The PostgreSQL advisory lock `prepare_database` holds ("ENFC").
const PREPARE_LOCK_KEY: i64 = 0x454e_4643;

fn migrate_and_seed(conn: &mut db::DbConn) -> anyhow::Result<()> {
    let applied = conn
        .run_migrations()
        .map_err(|e| anyhow::anyhow!("migrations failed: {e}"))?;
    if applied > 0 {
        tracing::info!(applied, backend = conn.backend().name(), "applied migrations");
    }
    let seeded = crate::calendar::store::seed_reference_calendar(conn)
        .map_err(|e| anyhow::anyhow!("seeding the working-day calendar failed: {e}"))?;
    if !seeded.is_empty() {
        tracing::info!(years = ?seeded, "seeded the working-day calendar");
    }
    Ok(())
}

/// Opens the evidence store and clears what a crash left in it: temporary files of
/// uploads in progress (nobody will finish them: one process serves a data directory), and
/// files stored whose rows were never recorded (kept when a row names their content).
/// Used at start-up.
pub fn prepare_evidence_store(settings: &Settings, pool: &DbPool) -> anyhow::Result<LocalStore> {
    let evidence = LocalStore::open_at(settings.evidence_dir())
        .with_context(|| format!("opening the evidence store {}", settings.evidence_dir().display()))?;
    let swept = evidence
        .sweep_incomplete()
        .with_context(|| format!("sweeping unfinished uploads in {}", evidence.describe()))?;
    if swept > 0 {
        tracing::warn!(swept, "removed unfinished evidence uploads left by an earlier run");
    }
    let mut conn = pool.get().context("getting a database connection")?;
    let removed = crate::evidence::store::settle_unrecorded(&mut conn, &evidence)
        .with_context(|| format!("settling unrecorded uploads in {}", evidence.describe()))?;
    if removed > 0 {
        tracing::warn!(
            removed,
            "removed evidence files whose uploads an earlier run left unrecorded"
        );
    }
    Ok(evidence)
}

impl Application {
    pub fn build(settings: Settings) -> anyhow::Result<Self> {
        let pool = prepare_database(&settings)?;
        sweep_idempotency_keys_hourly(pool.clone());
        let listener = TcpListener::bind(&settings.addr).with_context(|| format!("binding {}", settings.addr))?;
        let port = listener.local_addr()?.port();
        let evidence = prepare_evidence_store(&settings, &pool)?;
        let state = web::Data::new(AppState {
            pool,
            sqlite_writer: Arc::new(Mutex::new(())),
            jwt: JwtKeys::new(&settings.jwt_secret, settings.access_token_ttl),
            settings: Arc::new(settings.clone()),
            evidence: Arc::new(evidence),
            login_addresses: Arc::new(crate::auth::throttle::AddressThrottle::default()),
            public_codes: Arc::new(crate::ratelimit::PublicRateLimit::new(
                settings.public_code_requests_per_minute,
            )),
            password_gate: Arc::new(crate::auth::password::PasswordGate::new(
                settings.password_hashing_concurrency,
                settings.password_hashing_wait,
            )),
        });
        crate::checkpoints::api::sign_on_schedule(state.clone(), settings.checkpoint_interval);
        let metrics = web::Data::new(Metrics::default());
        let json_limit = JsonLimit(settings.json_limit_bytes);
        let body_timeout = crate::http::BodyTimeout(settings.body_timeout);
        let endpoints = crate::routes::endpoints()?;
        let server = HttpServer::new(move || {
            App::new()
                .wrap(from_fn(crate::http::observe))
                .app_data(state.clone())
                .app_data(metrics.clone())
                .app_data(json_limit)
                .app_data(body_timeout)
                .app_data(web::PathConfig::default().error_handler(|_, _| AppError::NotFound("resource").into()))
                .configure(|cfg| crate::routes::configure(cfg, &endpoints))
                .default_service(web::to(|| async {
                    Err::<actix_web::HttpResponse, _>(AppError::NotFound("route"))
                }))
        })
        .workers(settings.workers)
        .shutdown_timeout(30)
        .listen(listener)?
        .run();
        Ok(Self { port, server })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until stopped. On SIGTERM or Ctrl-C, actix stops accepting, lets in-flight
    /// requests finish (up to 30 s) and returns.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
