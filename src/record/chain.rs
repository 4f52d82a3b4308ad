//! The canonical form of an event and the chain over it, as a third party can recompute
//! it from an export:
//!
//! `hash = hex(SHA-256(canonical_json({"action", "actor_id", "at", "case_id", "payload",
//! "prev_hash", "seq"})))`, where canonical JSON has object keys sorted by their UTF-8
//! bytes, no insignificant whitespace, strings as UTF-8 (only `"`, `\` and control
//! characters escaped, as `\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f` or `\u00XX`), and
//! integers in decimal; `at` is RFC 3339 in UTC with exactly six fractional digits
//! (`2024-03-05T08:30:00.000000Z`); `seq` counts from 1; `prev_hash` of the first event
//! is 64 zeros.

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// SHA-256 (hex) of a value's canonical JSON: what a record event states of a signed or
/// scored content, recomputable by anyone holding it.
pub fn canonical_sha256(value: &Value) -> String {
    hex::encode(Sha256::digest(canonical_json(value).as_bytes()))
}

/// Writes `value` in the canonical form described above.
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => write_separated(out, ('[', ']'), items, write_canonical),
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            write_separated(out, ('{', '}'), entries, |(key, value), out| {
                write_string(key, out);
                out.push(':');
                write_canonical(value, out);
            });
        }
    }
}

/// Writes `items` between the `brackets`, separated by commas.
fn write_separated<T>(
    out: &mut String,
    brackets: (char, char),
    items: impl IntoIterator<Item = T>,
    mut write_item: impl FnMut(T, &mut String),
) {
    out.push(brackets.0);
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_item(item, out);
    }
    out.push(brackets.1);
}

fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Instants in the record keep microseconds, which both databases store exactly.
pub fn record_instant(at: DateTime<Utc>) -> DateTime<Utc> {
    at.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(at)
}

pub fn format_instant(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// One event of the record, as exported and as hashed.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Event {
    pub case_id: String,
    pub seq: i32,
    /// RFC 3339, UTC, microseconds.
    pub at: String,
    pub actor_id: String,
    pub action: String,
    #[schema(value_type = Object)]
    pub payload: Value,
    pub prev_hash: String,
    pub hash: String,
}

/// The hash of an event's content.
pub fn event_hash(
    case_id: &str,
    seq: i32,
    at: &str,
    actor_id: &str,
    action: &str,
    payload: &Value,
    prev_hash: &str,
) -> String {
    let content = json!({
        "action": action,
        "actor_id": actor_id,
        "at": at,
        "case_id": case_id,
        "payload": payload,
        "prev_hash": prev_hash,
        "seq": seq,
    });
    hex::encode(Sha256::digest(canonical_json(&content).as_bytes()))
}

/// The result of recomputing a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Verification {
    pub valid: bool,
    pub length: usize,
    /// Hash of the last event (the chain's head), as stored.
    pub head_hash: Option<String>,
    /// The first event whose sequence, link or hash does not check out.
    pub first_bad_seq: Option<i32>,
}

/// Recomputes every hash and link, in order.
pub fn verify(events: &[Event]) -> Verification {
    let mut expected_prev = GENESIS_HASH.to_string();
    let mut first_bad_seq = None;
    for (i, event) in events.iter().enumerate() {
        let expected_seq = i as i32 + 1;
        let recomputed = event_hash(
            &event.case_id,
            event.seq,
            &event.at,
            &event.actor_id,
            &event.action,
            &event.payload,
            &event.prev_hash,
        );
        if event.seq != expected_seq || event.prev_hash != expected_prev || event.hash != recomputed {
            first_bad_seq = Some(if event.seq == expected_seq {
                event.seq
            } else {
                expected_seq
            });
            break;
        }
        expected_prev = event.hash.clone();
    }
    Verification {
        valid: first_bad_seq.is_none(),
        length: events.len(),
        head_hash: events.last().map(|e| e.hash.clone()),
        first_bad_seq,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i32) -> Vec<Event> {
        let mut events = Vec::new();
        let mut prev = GENESIS_HASH.to_string();
        for seq in 1..=n {
            let at = format!("2024-03-05T08:30:0{seq}.000000Z");
            let payload = json!({"步骤": seq, "note": "现场检查"});
            let hash = event_hash("c1", seq, &at, "u1", "start", &payload, &prev);
            events.push(Event {
                case_id: "c1".into(),
                seq,
                at,
                actor_id: "u1".into(),
                action: "start".into(),
                payload,
                prev_hash: prev.clone(),
                hash: hash.clone(),
            });
            prev = hash;
        }
        events
    }

    #[test]
    fn canonical_form_sorts_keys_and_keeps_utf8() {
        let value = json!({"b": 1, "a": {"z": [true, null], "y": "张三\n\"x\""}, "A": -2});
        assert_eq!(
            canonical_json(&value),
            r#"{"A":-2,"a":{"y":"张三\n\"x\"","z":[true,null]},"b":1}"#
        );
    }

    #[test]
    fn a_known_event_hashes_to_a_known_value() {
        // Recompute with: printf '%s' '<canonical json>' | sha256sum
        let payload = json!({"location": "学府街1号"});
        let canonical = canonical_json(&json!({
            "action": "start", "actor_id": "u1", "at": "2024-03-05T08:30:00.000000Z", "case_id": "c1",
            "payload": payload, "prev_hash": GENESIS_HASH, "seq": 1
        }));
        assert!(canonical.starts_with(r#"{"action":"start","actor_id":"u1","at":"2024-03-05T08:30:00.000000Z""#));
        let hash = event_hash(
            "c1",
            1,
            "2024-03-05T08:30:00.000000Z",
            "u1",
            "start",
            &payload,
            GENESIS_HASH,
        );
        assert_eq!(hash, hex::encode(Sha256::digest(canonical.as_bytes())));
    }

    #[test]
    fn verification_finds_the_first_bad_event() {
        let events = chain(4);
        let ok = verify(&events);
        assert_eq!((ok.valid, ok.length, ok.first_bad_seq), (true, 4, None));
        assert_eq!(ok.head_hash.as_deref(), Some(events[3].hash.as_str()));

        let mut altered = events.clone();
        altered[2].payload = json!({"步骤": 3, "note": "改过的"});
        assert_eq!(verify(&altered).first_bad_seq, Some(3));

        let mut missing = events.clone();
        missing.remove(1);
        assert_eq!(verify(&missing).first_bad_seq, Some(2));

        let mut relinked = events;
        relinked[1].prev_hash = GENESIS_HASH.into();
        assert_eq!(verify(&relinked).first_bad_seq, Some(2));
        assert!(verify(&[]).valid);
    }

    #[test]
    fn instants_keep_microseconds() {
        let at = DateTime::parse_from_rfc3339("2024-03-05T08:30:00.123456789Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(format_instant(record_instant(at)), "2024-03-05T08:30:00.123456Z");
    }
}
