//! Database access: one connection type over SQLite and PostgreSQL, its pool, migrations
//! and the transaction helper every write goes through.

pub mod schema;

#[cfg(test)]
mod migration_tests;

use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection, R2D2Connection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

/// The connection every store function takes; the backend is picked from the URL scheme.
/// The backend type of `DbConn`, for boxed queries that run on either database.
pub type DbBackend = <DbConn as diesel::Connection>::Backend;

#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

pub type DbPool = r2d2::Pool<DbManager>;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// How long a SQLite writer waits for the lock before giving up.
const SQLITE_BUSY_TIMEOUT_MS: u32 = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A database location parsed from `DATABASE_URL`.
#[derive(Clone)]
pub struct DatabaseUrl {
    pub backend: Backend,
    /// What the driver receives: a PostgreSQL URL or a SQLite file path.
    pub target: String,
}

impl DatabaseUrl {
    /// `postgres://…` / `postgresql://…` select PostgreSQL; `sqlite://path`, `sqlite:path`
    /// or a plain file path select SQLite. Anything else with a scheme is refused, so a
    /// typo never silently creates a SQLite file named after a URL.
    pub fn parse(url: &str) -> Result<Self, String> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self {
                backend: Backend::Postgres,
                target: url.to_string(),
            });
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        if path.is_empty() {
            return Err("DATABASE_URL is empty".into());
        }
        if path.contains("://") {
            return Err(format!(
                "DATABASE_URL has an unsupported scheme (use postgres:// or sqlite://): {}",
                redact_url(url)
            ));
        }
        Ok(Self {
            backend: Backend::Sqlite,
            target: path.to_string(),
        })
    }

    /// The URL with any password removed, for logs.
    pub fn redacted(&self) -> String {
        redact_url(&self.target)
    }
}

/// Replaces the password of `scheme://user:password@host` with `***`.
pub fn redact_url(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://")
        && let Some((userinfo, host)) = rest.split_once('@')
        && let Some((user, _password)) = userinfo.split_once(':')
    {
        return format!("{scheme}://{user}:***@{host}");
    }
    url.to_string()
}

/// An r2d2 manager that connects to exactly the backend the URL names and applies the
/// SQLite pragmas (WAL, foreign keys, busy timeout) to every new connection.
pub struct DbManager {
    url: DatabaseUrl,
}

impl DbManager {
    pub fn new(url: DatabaseUrl) -> Self {
        Self { url }
    }
}

pub fn establish(url: &DatabaseUrl) -> ConnectionResult<DbConn> {
    match url.backend {
        Backend::Postgres => diesel::PgConnection::establish(&url.target).map(DbConn::Postgresql),
        Backend::Sqlite => {
            let mut conn = diesel::SqliteConnection::establish(&url.target)?;
            conn.batch_execute(&format!(
                "PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS};
                 PRAGMA journal_mode = WAL;
                 PRAGMA synchronous = NORMAL;
                 PRAGMA foreign_keys = ON;
                 PRAGMA cache_size = -16000;
                 PRAGMA mmap_size = 268435456;"
            ))
            .map_err(|e| ConnectionError::BadConnection(e.to_string()))?;
            Ok(DbConn::Sqlite(conn))
        }
    }
}

impl ManageConnection for DbManager {
    type Connection = DbConn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConn, r2d2::Error> {
        establish(&self.url).map_err(r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        conn.ping().map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        conn.is_broken()
    }
}

/// How long a request waits for a database connection unless configured
/// (`ENFORCEMENT_DB_TIMEOUT_SECONDS`); past it the request gets 503.
pub const DEFAULT_POOL_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a request waits for a connection when the pool holds none at all: every
/// connection was lost and discarded, so the database is down or just coming back.
/// Waiting the whole pool timeout then would only make every request of an outage slow
/// to fail; the pool keeps reconnecting in the background meanwhile.
const POOL_EMPTY_WAIT: Duration = Duration::from_millis(500);

/// Builds the pool with the default timeout. SQLite allows one writer at a time; reads
/// run concurrently under WAL.
pub fn build_pool(url: &DatabaseUrl, max_size: u32) -> Result<DbPool, r2d2::PoolError> {
    build_pool_with_timeout(url, max_size, DEFAULT_POOL_TIMEOUT)
}

/// Builds the pool: a checkout waits at most `timeout` for a connection.
pub fn build_pool_with_timeout(url: &DatabaseUrl, max_size: u32, timeout: Duration) -> Result<DbPool, r2d2::PoolError> {
    r2d2::Pool::builder()
        .max_size(max_size)
        .connection_timeout(timeout)
        // A ping per checkout doubles the round trips of short requests; broken
        // connections are still detected (`has_broken`) and replaced.
        .test_on_check_out(false)
        .build(DbManager::new(url.clone()))
}

/// A connection from the pool for a request: waits up to the pool's timeout, or only
/// briefly when the pool holds no connection at all (the database is unreachable), so
/// that requests during an outage get their 503 at once instead of queueing.
pub fn checkout(pool: &DbPool) -> Result<r2d2::PooledConnection<DbManager>, r2d2::PoolError> {
    if pool.state().connections == 0 {
        pool.get_timeout(pool.connection_timeout().min(POOL_EMPTY_WAIT))
    } else {
        pool.get()
    }
}

/// Whether a database error says the connection itself is gone (the server stopped or
/// restarted, or the network dropped), rather than that a statement failed.
pub fn is_connection_lost(error: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    matches!(
        error,
        Error::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            _
        )
    )
}

impl DbConn {
    pub fn backend(&self) -> Backend {
        match self {
            DbConn::Postgresql(_) => Backend::Postgres,
            DbConn::Sqlite(_) => Backend::Sqlite,
        }
    }

    /// Applies pending migrations of this backend; returns how many ran.
    pub fn run_migrations(&mut self) -> Result<usize, String> {
        let applied = match self {
            DbConn::Postgresql(conn) => conn.run_pending_migrations(POSTGRES_MIGRATIONS),
            DbConn::Sqlite(conn) => conn.run_pending_migrations(SQLITE_MIGRATIONS),
        }
        .map_err(|e| e.to_string())?;
        Ok(applied.len())
    }
}

/// Runs `work` in a transaction that takes the write lock up front.
///
/// SQLite's default deferred transaction fails with SQLITE_BUSY, without waiting, when it
/// upgrades from reading to writing while another writer is active; `BEGIN IMMEDIATE`
/// takes the lock at the start and so waits (busy timeout) instead of failing.
/// PostgreSQL uses an ordinary transaction; row locks serialise what must be serialised.
pub fn write_transaction<T, E>(conn: &mut DbConn, work: impl FnOnce(&mut DbConn) -> Result<T, E>) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    let DbConn::Sqlite(inner) = conn else {
        return conn.transaction(work);
    };
    AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")?;
    let outcome = work(conn);
    if let DbConn::Sqlite(inner) = conn {
        match &outcome {
            Ok(_) => AnsiTransactionManager::commit_transaction(inner)?,
            // The work's own error is the one worth reporting; a failed rollback marks the
            // connection broken and the pool discards it.
            Err(_) => {
                if let Err(e) = AnsiTransactionManager::rollback_transaction(inner) {
                    tracing::error!(error = %e, "rollback failed");
                }
            }
        }
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_scheme_picks_backend() {
        let pg = DatabaseUrl::parse("postgres://u:p@localhost/db").unwrap();
        assert_eq!(pg.backend, Backend::Postgres);
        assert_eq!(pg.redacted(), "postgres://u:***@localhost/db");
        let sq = DatabaseUrl::parse("sqlite://./data/x.db").unwrap();
        assert_eq!(sq.backend, Backend::Sqlite);
        assert_eq!(sq.target, "./data/x.db");
        assert_eq!(DatabaseUrl::parse("data/x.db").unwrap().target, "data/x.db");
        assert!(DatabaseUrl::parse("mysql://x").is_err());
        assert!(DatabaseUrl::parse("").is_err());
    }
}

diesel::define_sql_function! {
    /// SQL `lower()`, the same on both backends for the text we compare.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// `lower(column) LIKE pattern ESCAPE '\'`: whether the column holds, in any case, the
/// text `pattern` was made from by `like_pattern`.
pub fn contains_text<C>(column: C, pattern: String) -> diesel::dsl::Escape<diesel::dsl::Like<lower<C>, String>>
where
    C: Expression<SqlType = diesel::sql_types::Text>,
{
    lower(column).like(pattern).escape('\\')
}

/// A case-insensitive `LIKE` pattern matching `needle` anywhere, with `%`, `_` and `\`
/// escaped (use with `contains_text`, or `.escape('\\')`).
pub fn like_pattern(needle: &str) -> String {
    let escaped = needle
        .trim()
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}
