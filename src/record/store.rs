//! Appending to and reading the record. Appends run inside the transaction of the change
//! they describe.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde_json::Value;

use crate::clock;
use crate::db::DbConn;
use crate::db::schema::case_events;
use crate::record::chain::{Event, GENESIS_HASH, canonical_json, event_hash, format_instant, record_instant};

/// A stored event: the row `append` writes, also built by bulk loaders (`scale`) that
/// insert many first events at once.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = case_events)]
pub struct EventRow {
    case_id: String,
    seq: i32,
    at: NaiveDateTime,
    actor_id: String,
    action: String,
    payload: String,
    prev_hash: String,
    hash: String,
}

impl EventRow {
    /// The row of event `seq` of a case, chained onto `prev_hash`: the instant kept to the
    /// microsecond, the payload in canonical JSON and the hash computed over them.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        case_id: &str,
        seq: i32,
        prev_hash: String,
        actor_id: &str,
        action: &str,
        payload: &Value,
        at: DateTime<Utc>,
    ) -> EventRow {
        let at = record_instant(at);
        let hash = event_hash(case_id, seq, &format_instant(at), actor_id, action, payload, &prev_hash);
        EventRow {
            case_id: case_id.to_string(),
            seq,
            at: clock::to_db(at),
            actor_id: actor_id.to_string(),
            action: action.to_string(),
            payload: canonical_json(payload),
            prev_hash,
            hash,
        }
    }

    /// The first event of a case, as `append_first` writes it.
    pub fn first(case_id: &str, actor_id: &str, action: &str, payload: &Value, at: DateTime<Utc>) -> EventRow {
        EventRow::new(case_id, 1, GENESIS_HASH.to_string(), actor_id, action, payload, at)
    }

    pub fn hash(&self) -> &str {
        &self.hash
    }

    fn into_event(self) -> Event {
        // A payload that no longer parses is kept as a string, so verification reports it
        // as a bad event instead of failing the whole request.
        let payload = serde_json::from_str(&self.payload).unwrap_or(Value::String(self.payload));
        Event {
            case_id: self.case_id,
            seq: self.seq,
            at: format_instant(clock::from_db(self.at)),
            actor_id: self.actor_id,
            action: self.action,
            payload,
            prev_hash: self.prev_hash,
            hash: self.hash,
        }
    }
}

/// Appends one event after the case's last one.
pub fn append(
    conn: &mut DbConn,
    case_id: &str,
    actor_id: &str,
    action: &str,
    payload: &Value,
    at: DateTime<Utc>,
) -> QueryResult<Event> {
    let (length, head_hash) = head(conn, case_id)?;
    insert_event(
        conn,
        EventRow::new(case_id, length + 1, head_hash, actor_id, action, payload, at),
    )
}

/// The record's length and the hash of its last event (the genesis hash when empty).
pub fn head(conn: &mut DbConn, case_id: &str) -> QueryResult<(i32, String)> {
    let last: Option<(i32, String)> = case_events::table
        .filter(case_events::case_id.eq(case_id))
        .order(case_events::seq.desc())
        .select((case_events::seq, case_events::hash))
        .first(conn)
        .optional()?;
    Ok(last.unwrap_or_else(|| (0, GENESIS_HASH.to_string())))
}

/// Appends the first event of a case inserted in this same transaction.
pub fn append_first(
    conn: &mut DbConn,
    case_id: &str,
    actor_id: &str,
    action: &str,
    payload: &Value,
    at: DateTime<Utc>,
) -> QueryResult<Event> {
    insert_event(conn, EventRow::first(case_id, actor_id, action, payload, at))
}

fn insert_event(conn: &mut DbConn, row: EventRow) -> QueryResult<Event> {
    diesel::insert_into(case_events::table).values(&row).execute(conn)?;
    Ok(row.into_event())
}

/// The whole record of a case, in order.
pub fn events(conn: &mut DbConn, case_id: &str) -> QueryResult<Vec<Event>> {
    let rows: Vec<EventRow> = case_events::table
        .filter(case_events::case_id.eq(case_id))
        .order(case_events::seq.asc())
        .select(EventRow::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(EventRow::into_event).collect())
}
