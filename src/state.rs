//! `AppState`: what every handler can reach, and how handlers run database work.
//! Apart from `app` so that the handlers' modules do not depend on the module that
//! wires them together.

use std::sync::{Arc, Mutex};

use actix_web::web;

use crate::auth::tokens::JwtKeys;
use crate::config::Settings;
use crate::db::{self, DbConn, DbPool};
use crate::error::{AppError, AppResult};
use crate::evidence::storage::BlobStore;

/// What every handler can reach.
pub struct AppState {
    pub pool: DbPool,
    /// Queues this process's SQLite writers in order. SQLite admits one writer at a time;
    /// waiting here instead of in SQLite's busy handler (which sleeps in growing steps)
    /// keeps writes flowing. PostgreSQL does not need it.
    pub sqlite_writer: Arc<Mutex<()>>,
    pub settings: Arc<Settings>,
    pub jwt: JwtKeys,
    /// Where evidence files are kept.
    pub evidence: Arc<dyn BlobStore>,
    /// Failed logins per network address.
    pub login_addresses: Arc<crate::auth::throttle::AddressThrottle>,
    /// Bounds the argon2 work of logins and password changes.
    pub password_gate: Arc<crate::auth::password::PasswordGate>,
    /// Requests per address to the public inspection-code endpoints.
    pub public_codes: Arc<crate::ratelimit::PublicRateLimit>,
}

impl AppState {
    /// Runs database work on the blocking thread pool; the pool checkout happens there
    /// too, because it may wait. The work runs in the caller's tracing span, so what it
    /// logs carries the request id. (A connection that died under the work is discarded
    /// by the pool: diesel marks it broken when libpq no longer knows its state.)
    pub async fn db<T, F>(&self, work: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> AppResult<T> + Send + 'static,
    {
        let pool = self.pool.clone();
        let span = tracing::Span::current();
        web::block(move || {
            span.in_scope(|| {
                let mut conn = db::checkout(&pool)?;
                work(&mut conn)
            })
        })
        .await?
    }

    /// Like `db`, inside one write transaction: all of `work` commits or none of it.
    pub async fn db_write<T, F>(&self, work: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> AppResult<T> + Send + 'static,
    {
        self.db_write_or_rollback(move |conn| work(conn).map(Finish::Commit))
            .await
    }

    /// Like `db_write`, but `work` also decides, when it succeeds, whether what it wrote
    /// stays: `Finish::Rollback` undoes it all and still answers with its value (a dry
    /// run's report, or an import refused for the errors it lists). An error rolls back.
    pub async fn db_write_or_rollback<T, F>(&self, work: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> AppResult<Finish<T>> + Send + 'static,
    {
        let writer = self.sqlite_writer.clone();
        self.db(move |conn| {
            let _queued = match conn.backend() {
                db::Backend::Sqlite => Some(writer.lock().unwrap_or_else(|poisoned| poisoned.into_inner())),
                db::Backend::Postgres => None,
            };
            // Leaving by the error path is what rolls a transaction back.
            let outcome = db::write_transaction(conn, |conn| match work(conn) {
                Ok(Finish::Commit(value)) => Ok(value),
                Ok(Finish::Rollback(value)) => Err(Undone::RolledBack(value)),
                Err(error) => Err(Undone::Failed(error)),
            });
            match outcome {
                Ok(value) | Err(Undone::RolledBack(value)) => Ok(value),
                Err(Undone::Failed(error)) => Err(error),
            }
        })
        .await
    }
}

/// How a write transaction whose work succeeded ends.
pub enum Finish<T> {
    /// Keep what the work wrote.
    Commit(T),
    /// Undo what the work wrote; answer with the value all the same.
    Rollback(T),
}

/// Why a write transaction ended without committing.
enum Undone<T> {
    RolledBack(T),
    Failed(AppError),
}

impl<T> From<diesel::result::Error> for Undone<T> {
    fn from(error: diesel::result::Error) -> Self {
        Undone::Failed(error.into())
    }
}
