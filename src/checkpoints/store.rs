//! Checkpoints in the database: reading the records' heads, signing and storing a new
//! checkpoint with the heads that changed, and rebuilding the heads a checkpoint committed to.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::checkpoints::merkle;
use crate::checkpoints::model::{
    self, Advance, CheckpointKey, Head, Heads, NO_PREVIOUS, Statement, leaves, statement_hash,
};
use crate::clock;
use crate::db::schema::{case_events, cases, checkpoint_heads, record_checkpoints};
use crate::db::{Backend, DbConn};
use crate::http::PageRequest;
use crate::record::chain::format_instant;

string_enum!(
    /// Why a checkpoint was made: the schedule, or someone asked.
    Origin {
        Schedule => "schedule",
        OnDemand => "on_demand",
    }
);

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = record_checkpoints)]
pub struct CheckpointRow {
    pub id: String,
    pub agency_id: String,
    pub seq: i64,
    pub created_at: NaiveDateTime,
    pub tree_size: i64,
    pub root_hash: String,
    pub previous_hash: String,
    pub statement: String,
    pub signature: String,
    pub public_key: String,
    pub origin: Origin,
    pub requested_by: Option<String>,
    pub changed: i64,
}

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = checkpoint_heads)]
struct HeadRow {
    checkpoint_id: String,
    case_id: String,
    length: i64,
    head_hash: String,
}

/// The PostgreSQL advisory lock a checkpoint is made under ("ENCP"), so that two replicas'
/// schedules cannot both take the next sequence number. SQLite writes one at a time anyway.
const CHECKPOINT_LOCK_KEY: i64 = 0x454e_4350;

/// The head of every record of the agency as it stands: each case's version is its
/// record's length, and the event at that position is the head.
pub fn current_heads(conn: &mut DbConn, agency_id: &str) -> QueryResult<Vec<Head>> {
    let rows: Vec<(String, i32, String)> = cases::table
        .inner_join(
            case_events::table.on(case_events::case_id
                .eq(cases::id)
                .and(case_events::seq.eq(cases::version))),
        )
        .filter(cases::agency_id.eq(agency_id))
        .select((cases::id, case_events::seq, case_events::hash))
        .order(cases::id.asc())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(case_id, length, head_hash)| Head {
            case_id,
            length: i64::from(length),
            head_hash,
        })
        .collect())
}

/// The heads checkpoint `seq` of the agency committed to: for each case, its row in the
/// latest checkpoint up to `seq` that changed it.
pub fn committed_heads(conn: &mut DbConn, agency_id: &str, seq: i64) -> QueryResult<Heads> {
    let rows: Vec<(String, i64, String)> = checkpoint_heads::table
        .inner_join(record_checkpoints::table)
        .filter(record_checkpoints::agency_id.eq(agency_id))
        .filter(record_checkpoints::seq.le(seq))
        .order(record_checkpoints::seq.asc())
        .select((
            checkpoint_heads::case_id,
            checkpoint_heads::length,
            checkpoint_heads::head_hash,
        ))
        .load(conn)?;
    let mut heads = Heads::new();
    for (case_id, length, head_hash) in rows {
        heads.insert(case_id, (length, head_hash));
    }
    Ok(heads)
}

pub fn latest(conn: &mut DbConn, agency_id: &str) -> QueryResult<Option<CheckpointRow>> {
    record_checkpoints::table
        .filter(record_checkpoints::agency_id.eq(agency_id))
        .order(record_checkpoints::seq.desc())
        .select(CheckpointRow::as_select())
        .first(conn)
        .optional()
}

pub fn find(conn: &mut DbConn, agency_id: &str, id: &str) -> QueryResult<Option<CheckpointRow>> {
    record_checkpoints::table
        .filter(record_checkpoints::agency_id.eq(agency_id))
        .filter(record_checkpoints::id.eq(id))
        .select(CheckpointRow::as_select())
        .first(conn)
        .optional()
}

/// A checkpoint by id, whichever agency's: the public page of one.
pub fn find_any(conn: &mut DbConn, id: &str) -> QueryResult<Option<CheckpointRow>> {
    record_checkpoints::table
        .filter(record_checkpoints::id.eq(id))
        .select(CheckpointRow::as_select())
        .first(conn)
        .optional()
}

pub fn by_sequence(conn: &mut DbConn, agency_id: &str, seq: i64) -> QueryResult<Option<CheckpointRow>> {
    record_checkpoints::table
        .filter(record_checkpoints::agency_id.eq(agency_id))
        .filter(record_checkpoints::seq.eq(seq))
        .select(CheckpointRow::as_select())
        .first(conn)
        .optional()
}

/// Every checkpoint of the agency, oldest first: what `verify-record` walks.
pub fn all_in_order(conn: &mut DbConn, agency_id: &str) -> QueryResult<Vec<CheckpointRow>> {
    record_checkpoints::table
        .filter(record_checkpoints::agency_id.eq(agency_id))
        .order(record_checkpoints::seq.asc())
        .select(CheckpointRow::as_select())
        .load(conn)
}

/// A page of the agency's checkpoints, newest first; the cursor is the sequence number.
pub fn page(conn: &mut DbConn, agency_id: &str, request: &PageRequest) -> QueryResult<Vec<CheckpointRow>> {
    let mut query = record_checkpoints::table
        .filter(record_checkpoints::agency_id.eq(agency_id))
        .order(record_checkpoints::seq.desc())
        .select(CheckpointRow::as_select())
        .limit(request.limit + 1)
        .into_boxed();
    if let Some(after) = request.after.as_deref() {
        // A cursor that is not a sequence number starts from the newest: cursors are opaque.
        if let Ok(seq) = after.parse::<i64>() {
            query = query.filter(record_checkpoints::seq.lt(seq));
        }
    }
    query.load(conn)
}

/// What making a checkpoint did.
#[derive(Debug)]
pub struct Made {
    /// The new checkpoint, or `None` when nothing changed and one was only due by schedule.
    pub checkpoint: Option<CheckpointRow>,
    pub regressions: Vec<model::Regression>,
}

/// Signs and stores the agency's next checkpoint, in the caller's write transaction. A
/// scheduled checkpoint is skipped when no record moved since the last one; one asked for
/// is always made (it attests the time too).
pub fn make(
    conn: &mut DbConn,
    agency_id: &str,
    key: &CheckpointKey,
    origin: Origin,
    requested_by: Option<&str>,
    now: DateTime<Utc>,
) -> QueryResult<Made> {
    if conn.backend() == Backend::Postgres {
        diesel::sql_query(format!("SELECT pg_advisory_xact_lock({CHECKPOINT_LOCK_KEY})")).execute(conn)?;
    }
    let last = latest(conn, agency_id)?;
    let committed = match &last {
        Some(last) => committed_heads(conn, agency_id, last.seq)?,
        None => Heads::new(),
    };
    let Advance { changed, regressions } = model::advance(&committed, &current_heads(conn, agency_id)?);
    for regression in &regressions {
        tracing::error!(
            case_id = %regression.committed.case_id,
            committed_length = regression.committed.length,
            found_length = regression.found.length,
            "a case record no longer extends what the last checkpoint committed to; keeping the committed head"
        );
    }
    if origin == Origin::Schedule && changed.is_empty() && last.is_some() {
        return Ok(Made {
            checkpoint: None,
            regressions,
        });
    }
    let heads = model::apply(committed, &changed);
    let root = merkle::root(&leaves(&heads));
    let at = clock::from_db(clock::to_db(now));
    let statement = Statement {
        agency_id: agency_id.to_string(),
        sequence: last.as_ref().map_or(1, |last| last.seq + 1),
        created: format_instant(at),
        cases: heads.len() as u64,
        root: hex::encode(root),
        previous: last
            .as_ref()
            .map_or_else(|| NO_PREVIOUS.to_string(), |last| statement_hash(&last.statement)),
    };
    let text = statement.text();
    let row = CheckpointRow {
        id: uuid::Uuid::now_v7().to_string(),
        agency_id: agency_id.to_string(),
        seq: statement.sequence,
        created_at: clock::to_db(at),
        tree_size: heads.len() as i64,
        root_hash: statement.root.clone(),
        previous_hash: statement.previous.clone(),
        signature: key.sign(&text),
        statement: text,
        public_key: key.public_key_hex(),
        origin,
        requested_by: requested_by.map(str::to_string),
        changed: changed.len() as i64,
    };
    diesel::insert_into(record_checkpoints::table)
        .values(&row)
        .execute(conn)?;
    let head_rows: Vec<HeadRow> = changed
        .into_iter()
        .map(|head| HeadRow {
            checkpoint_id: row.id.clone(),
            case_id: head.case_id,
            length: head.length,
            head_hash: head.head_hash,
        })
        .collect();
    // SQLite binds at most 32,766 values a statement, four a row; `MultiConnection` has
    // no multi-row INSERT, so each chunk goes to the concrete connection.
    for chunk in head_rows.chunks(1000) {
        let insert = diesel::insert_into(checkpoint_heads::table).values(chunk);
        match conn {
            DbConn::Postgresql(pg) => insert.execute(pg)?,
            DbConn::Sqlite(sqlite) => insert.execute(sqlite)?,
        };
    }
    Ok(Made {
        checkpoint: Some(row),
        regressions,
    })
}

/// The ids of every agency, for the schedule.
pub fn agency_ids(conn: &mut DbConn) -> QueryResult<Vec<String>> {
    use crate::db::schema::agencies;
    agencies::table
        .select(agencies::id)
        .order(agencies::id.asc())
        .load(conn)
}

/// A case's leaf in a checkpoint, with the proof that the checkpoint's root includes it.
#[derive(Debug)]
pub struct Inclusion {
    pub head: Head,
    pub leaf_index: usize,
    pub path: Vec<merkle::Hash>,
    /// The root rebuilt from the stored heads: equal to the signed one unless they were changed.
    pub rebuilt_root: merkle::Hash,
}

/// The inclusion of `case_id` in checkpoint `checkpoint`, or `None` when the checkpoint
/// was made before the case had a record.
pub fn inclusion(conn: &mut DbConn, checkpoint: &CheckpointRow, case_id: &str) -> QueryResult<Option<Inclusion>> {
    let heads = committed_heads(conn, &checkpoint.agency_id, checkpoint.seq)?;
    let Some(leaf_index) = heads.keys().position(|id| id == case_id) else {
        return Ok(None);
    };
    let tree = leaves(&heads);
    let path = merkle::inclusion_path(&tree, leaf_index).unwrap_or_default();
    let (length, head_hash) = heads.get(case_id).cloned().unwrap_or_default();
    Ok(Some(Inclusion {
        head: Head {
            case_id: case_id.to_string(),
            length,
            head_hash,
        },
        leaf_index,
        path,
        rebuilt_root: merkle::root(&tree),
    }))
}
