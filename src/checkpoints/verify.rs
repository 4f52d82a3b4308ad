//! `enforcement verify-record`: checks the records as stored against a signed checkpoint —
//! a copy kept outside the service (a file saved from `/api/v1/public/checkpoints/{id}`) or
//! the checkpoints the database holds. Whoever rewrote events in the database, even with
//! the hash chain recomputed and the append-only triggers dropped, cannot make them match
//! a checkpoint signed before, without the signing key.

use std::path::Path;

use anyhow::Context;

use crate::checkpoints::merkle;
use crate::checkpoints::model::{self, Head, Statement, leaves, statement_hash, verify_signature};
use crate::checkpoints::store::{self, CheckpointRow};
use crate::cli::ProgressBar;
use crate::config::Settings;
use crate::db::DbConn;

#[derive(Debug, Clone, clap::Args)]
pub struct VerifyRecordArgs {
    /// The checkpoint to verify against: a JSON file saved from
    /// GET /api/v1/public/checkpoints/{id}, or a checkpoint id. Without it, every stored
    /// checkpoint's signature and chain, and the records against each agency's newest.
    #[arg(long)]
    pub checkpoint: Option<String>,
    /// The public key (64 hex digits) the checkpoint must be signed with; by default the
    /// service's own (ENFORCEMENT_CHECKPOINT_KEY or the data directory's checkpoint-key).
    #[arg(long)]
    pub public_key: Option<String>,
    /// Check only this case's record.
    #[arg(long)]
    pub case: Option<String>,
}

/// A checkpoint as published: the fields `verify-record` reads from a saved copy.
#[derive(Debug, serde::Deserialize)]
struct PublishedCheckpoint {
    statement: String,
    signature: String,
    public_key: String,
}

/// What `verify-record` found.
#[derive(Debug, Default)]
pub struct Report {
    pub checkpoints: usize,
    pub records_checked: usize,
    pub records_extending: usize,
    pub failures: Vec<String>,
}

impl Report {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

pub fn run(settings: &Settings, args: &VerifyRecordArgs) -> anyhow::Result<Report> {
    let pinned = match &args.public_key {
        Some(key) => key.trim().to_lowercase(),
        None => settings.checkpoint_key.public_key_hex(),
    };
    let pool = crate::app::prepare_database(settings)?;
    let mut conn = pool.get().context("getting a database connection")?;
    let mut report = Report::default();
    match args.checkpoint.as_deref() {
        Some(given) => {
            let published = read_checkpoint(&mut conn, given)?;
            check_checkpoint(&mut conn, &published, &pinned, args.case.as_deref(), &mut report)?;
        }
        None => {
            for agency_id in store::agency_ids(&mut conn)? {
                check_stored_chain(&mut conn, &agency_id, &pinned, &mut report)?;
                if let Some(latest) = store::latest(&mut conn, &agency_id)? {
                    let published = PublishedCheckpoint {
                        statement: latest.statement,
                        signature: latest.signature,
                        public_key: latest.public_key,
                    };
                    check_checkpoint(&mut conn, &published, &pinned, args.case.as_deref(), &mut report)?;
                }
            }
        }
    }
    Ok(report)
}

/// A saved copy when `given` names a file, otherwise the stored checkpoint of that id.
fn read_checkpoint(conn: &mut DbConn, given: &str) -> anyhow::Result<PublishedCheckpoint> {
    let path = Path::new(given);
    if path.is_file() {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        return serde_json::from_str(&text).with_context(|| {
            format!(
                "{} is not a checkpoint as GET /api/v1/public/checkpoints/{{id}} serves it",
                path.display()
            )
        });
    }
    let row = store::find_any(conn, given)?
        .with_context(|| format!("{given} is neither a file nor the id of a stored checkpoint"))?;
    Ok(PublishedCheckpoint {
        statement: row.statement,
        signature: row.signature,
        public_key: row.public_key,
    })
}

/// Every stored checkpoint of the agency is signed by the pinned key (or names the key it
/// was signed by, when the key changed) and names the previous one's hash.
fn check_stored_chain(conn: &mut DbConn, agency_id: &str, pinned: &str, report: &mut Report) -> anyhow::Result<()> {
    let mut previous: Option<CheckpointRow> = None;
    let rows = store::all_in_order(conn, agency_id)?;
    for row in rows {
        report.checkpoints += 1;
        let label = format!("checkpoint {} of agency {agency_id}", row.seq);
        if let Err(e) = verify_signature(&row.public_key, &row.statement, &row.signature) {
            report.failures.push(format!("{label}: {e}"));
        }
        if row.public_key != pinned {
            tracing::warn!(sequence = row.seq, public_key = %row.public_key, "a stored checkpoint was signed by another key than the one expected");
        }
        let expected_previous = previous
            .as_ref()
            .map_or_else(|| model::NO_PREVIOUS.to_string(), |p| statement_hash(&p.statement));
        match Statement::parse(&row.statement) {
            Ok(statement) if statement.previous != expected_previous || statement.sequence != row.seq => {
                report.failures.push(format!(
                    "{label}: does not follow checkpoint {} (a checkpoint was removed or replaced)",
                    row.seq - 1
                ));
            }
            Ok(_) => {}
            Err(e) => report.failures.push(format!("{label}: {e}")),
        }
        previous = Some(row);
    }
    Ok(())
}

/// The records against one checkpoint: its signature by the pinned key, the stored heads
/// against its signed root, then each committed record against the stored events.
fn check_checkpoint(
    conn: &mut DbConn,
    published: &PublishedCheckpoint,
    pinned: &str,
    only_case: Option<&str>,
    report: &mut Report,
) -> anyhow::Result<()> {
    let statement = Statement::parse(&published.statement).map_err(|e| anyhow::anyhow!("the checkpoint: {e}"))?;
    report.checkpoints += 1;
    let label = format!("checkpoint {} of agency {}", statement.sequence, statement.agency_id);
    if published.public_key.trim() != pinned {
        report.failures.push(format!(
            "{label}: names public key {}, not the expected {pinned}",
            published.public_key.trim()
        ));
    }
    if let Err(e) = verify_signature(pinned, &published.statement, &published.signature) {
        report.failures.push(format!("{label}: {e} with key {pinned}"));
    }
    match store::by_sequence(conn, &statement.agency_id, statement.sequence)? {
        None => report
            .failures
            .push(format!("{label}: the database no longer holds it")),
        Some(stored) if stored.statement != published.statement => report.failures.push(format!(
            "{label}: the database holds a different statement under this number"
        )),
        Some(_) => {}
    }
    let heads = store::committed_heads(conn, &statement.agency_id, statement.sequence)?;
    let rebuilt = hex::encode(merkle::root(&leaves(&heads)));
    if rebuilt != statement.root || heads.len() as u64 != statement.cases {
        report.failures.push(format!(
            "{label}: the stored heads ({} cases, root {rebuilt}) do not give the signed root ({} cases, root {}); they were changed",
            heads.len(),
            statement.cases,
            statement.root
        ));
    }
    let selected: Vec<Head> = heads
        .into_iter()
        .filter(|(case_id, _)| only_case.is_none_or(|only| only == case_id))
        .map(|(case_id, (length, head_hash))| Head {
            case_id,
            length,
            head_hash,
        })
        .collect();
    if let Some(only) = only_case
        && selected.is_empty()
    {
        report.failures.push(format!(
            "{label}: does not cover case {only} (or its stored head was removed)"
        ));
    }
    eprintln!("{label}: checking {} records", selected.len());
    let mut bar = ProgressBar::new();
    let total = selected.len() as u64;
    for (done, head) in selected.iter().enumerate() {
        let events = crate::record::store::events(conn, &head.case_id)?;
        report.records_checked += 1;
        match model::extends(head, &events) {
            Ok(()) => report.records_extending += 1,
            Err(problem) => report
                .failures
                .push(format!("{label}: case {}: {problem}", head.case_id)),
        }
        bar.draw_count(done as u64 + 1, total, "records");
    }
    bar.finish();
    Ok(())
}
