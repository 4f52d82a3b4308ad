//! `enforcement backup` and `enforcement restore` (issue 14, item 10): a consistent copy of
//! the database taken while the service runs — SQLite's `VACUUM INTO`, or `pg_dump` — with
//! the evidence files it names, and a restore into an empty database and data directory
//! that verifies every record's hash chain and every evidence file before it says done.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::config::Settings;
use crate::db::{Backend, DatabaseUrl, DbConn};
use crate::evidence::storage::{BlobStore, LocalStore};

const MANIFEST: &str = "manifest.json";
const SQLITE_FILE: &str = "enforcement.db";
const PG_DUMP_FILE: &str = "enforcement.pgdump";
const EVIDENCE_DIR: &str = "evidence";

#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    /// A directory to write the backup into; it must not exist yet (or be empty).
    #[arg(long)]
    pub output: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    /// A directory `enforcement backup` wrote.
    #[arg(long)]
    pub from: PathBuf,
}

/// What a backup holds, written beside it as `manifest.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub backend: String,
    pub created_at: String,
    /// The database copy's file name within the backup.
    pub database: String,
    pub database_sha256: String,
    pub cases: i64,
    pub events: i64,
    pub evidence_files: usize,
    pub evidence_bytes: u64,
}

/// Writes a backup of the configured database and evidence store into `args.output`.
pub fn backup(settings: &Settings, args: &BackupArgs) -> anyhow::Result<Manifest> {
    let output = &args.output;
    if output.exists() && fs::read_dir(output)?.next().is_some() {
        bail!("{} is not empty; a backup goes into a new directory", output.display());
    }
    fs::create_dir_all(output).with_context(|| format!("creating {}", output.display()))?;
    let pool = crate::app::prepare_database(settings)?;
    let mut conn = pool.get().context("getting a database connection")?;
    let database = match settings.database.backend {
        Backend::Sqlite => {
            let target = output.join(SQLITE_FILE);
            // A consistent snapshot while writers go on: one read transaction, copied out.
            diesel::sql_query(format!("VACUUM INTO '{}'", sql_quote(&target)))
                .execute(&mut conn)
                .context("copying the SQLite database (VACUUM INTO)")?;
            SQLITE_FILE
        }
        Backend::Postgres => {
            let target = output.join(PG_DUMP_FILE);
            run_pg_tool(
                "pg_dump",
                &[
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    "--file",
                    &target.to_string_lossy(),
                    "--dbname",
                    &settings.database.target,
                ],
            )?;
            PG_DUMP_FILE
        }
    };
    // The files the copy names. A file is durable before the row naming it commits, so
    // every row in the copy has its file; rows committed since (PostgreSQL reads the live
    // database here) only add files.
    let contents = match settings.database.backend {
        Backend::Sqlite => {
            let copy = DatabaseUrl::parse(&output.join(SQLITE_FILE).to_string_lossy()).map_err(anyhow::Error::msg)?;
            let mut copy = crate::db::establish(&copy).context("opening the copy")?;
            crate::evidence::store::all_contents(&mut copy)?
        }
        Backend::Postgres => crate::evidence::store::all_contents(&mut conn)?,
    };
    let live = LocalStore::open_at(settings.evidence_dir())?;
    let kept = LocalStore::open_at(output.join(EVIDENCE_DIR))?;
    let mut evidence_bytes = 0u64;
    let mut bar = crate::cli::ProgressBar::new();
    for (done, content) in contents.iter().enumerate() {
        let from = live.path_of(&content.sha256)?;
        let to = kept.path_of(&content.sha256)?;
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent)?;
        }
        evidence_bytes += fs::copy(&from, &to).with_context(|| format!("copying evidence {}", from.display()))?;
        bar.draw_count(done as u64 + 1, contents.len() as u64, "evidence files");
    }
    bar.finish();
    let (cases, events) = counts(&mut conn)?;
    let manifest = Manifest {
        format: 1,
        backend: settings.database.backend.name().to_string(),
        created_at: crate::clock::now().to_rfc3339(),
        database: database.to_string(),
        database_sha256: file_sha256(&output.join(database))?,
        cases,
        events,
        evidence_files: contents.len(),
        evidence_bytes,
    };
    fs::write(output.join(MANIFEST), serde_json::to_vec_pretty(&manifest)?)?;
    Ok(manifest)
}

/// What a restore found when it checked what it restored.
#[derive(Debug, Clone, Default)]
pub struct Restored {
    pub cases: usize,
    pub records_valid: usize,
    /// Cases whose record does not verify: `(case id, first bad seq)`.
    pub records_broken: Vec<(String, Option<i32>)>,
    pub evidence: crate::evidence::verify::Report,
}

/// Restores a backup into the configured database (which must hold no agency) and data
/// directory, then verifies every record and every evidence file.
pub fn restore(settings: &Settings, args: &RestoreArgs) -> anyhow::Result<Restored> {
    let from = &args.from;
    let manifest: Manifest = serde_json::from_slice(
        &fs::read(from.join(MANIFEST)).with_context(|| format!("reading {}", from.join(MANIFEST).display()))?,
    )
    .context("reading the backup's manifest")?;
    if manifest.backend != settings.database.backend.name() {
        bail!(
            "the backup is of a {} database; DATABASE_URL names a {} one",
            manifest.backend,
            settings.database.backend.name()
        );
    }
    let copy = from.join(&manifest.database);
    if file_sha256(&copy)? != manifest.database_sha256 {
        bail!(
            "{} does not match the hash in the manifest: the backup is damaged",
            copy.display()
        );
    }
    match settings.database.backend {
        Backend::Sqlite => {
            let target = Path::new(&settings.database.target);
            if target.exists() {
                bail!(
                    "{} exists; restore into a new database file (move the old one aside first)",
                    target.display()
                );
            }
            if let Some(parent) = target.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::copy(&copy, target).with_context(|| format!("copying the database to {}", target.display()))?;
        }
        Backend::Postgres => {
            let mut conn = crate::db::establish(&settings.database).context("connecting to the target database")?;
            if database_has_tables(&mut conn)? {
                bail!("the target database already has tables; restore into an empty database");
            }
            drop(conn);
            run_pg_tool(
                "pg_restore",
                &[
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    "--dbname",
                    &settings.database.target,
                    &copy.to_string_lossy(),
                ],
            )?;
        }
    }
    let kept = LocalStore::open_at(from.join(EVIDENCE_DIR))?;
    let live = LocalStore::open_at(settings.evidence_dir())?;
    let files = kept.list()?;
    let mut bar = crate::cli::ProgressBar::new();
    for (done, sha256) in files.iter().enumerate() {
        let to = live.path_of(sha256)?;
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::copy(kept.path_of(sha256)?, &to)?;
        bar.draw_count(done as u64 + 1, files.len() as u64, "evidence files");
    }
    bar.finish();
    // Migrations a newer binary brings apply now, as at any start.
    let pool = crate::app::prepare_database(settings)?;
    let mut conn = pool.get().context("getting a database connection")?;
    let mut restored = Restored::default();
    let case_ids: Vec<String> = crate::db::schema::cases::table
        .select(crate::db::schema::cases::id)
        .order(crate::db::schema::cases::id.asc())
        .load(&mut conn)?;
    restored.cases = case_ids.len();
    let mut bar = crate::cli::ProgressBar::new();
    for (done, case_id) in case_ids.iter().enumerate() {
        let events = crate::record::store::events(&mut conn, case_id)?;
        let verification = crate::record::chain::verify(&events);
        if verification.valid && !events.is_empty() {
            restored.records_valid += 1;
        } else {
            restored
                .records_broken
                .push((case_id.clone(), verification.first_bad_seq));
        }
        bar.draw_count(done as u64 + 1, case_ids.len() as u64, "records");
    }
    bar.finish();
    restored.evidence = crate::evidence::verify::verify_all(&mut conn, &live, |_| {})?;
    Ok(restored)
}

fn counts(conn: &mut DbConn) -> QueryResult<(i64, i64)> {
    use crate::db::schema::{case_events, cases};
    Ok((
        cases::table.count().get_result(conn)?,
        case_events::table.count().get_result(conn)?,
    ))
}

fn database_has_tables(conn: &mut DbConn) -> anyhow::Result<bool> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let found: Count =
        diesel::sql_query("SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public'")
            .get_result(conn)?;
    Ok(found.n > 0)
}

/// Runs a PostgreSQL client tool from `PG_BINDIR` or the PATH.
fn run_pg_tool(tool: &str, args: &[&str]) -> anyhow::Result<()> {
    let program = match std::env::var_os("PG_BINDIR") {
        Some(dir) => PathBuf::from(dir).join(tool),
        None => PathBuf::from(tool),
    };
    let output = Command::new(&program).args(args).output().with_context(|| {
        format!(
            "running {} (install the PostgreSQL client, or set PG_BINDIR)",
            program.display()
        )
    })?;
    if !output.status.success() {
        bail!("{tool} failed: {}", String::from_utf8_lossy(&output.stderr).trim());
    }
    Ok(())
}

fn file_sha256(path: &Path) -> anyhow::Result<String> {
    use sha2::{Digest, Sha256};
    let mut file = fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher)?;
    Ok(hex::encode(hasher.finalize()))
}

/// A path inside a single-quoted SQL string.
fn sql_quote(path: &Path) -> String {
    path.to_string_lossy().replace('\'', "''")
}
