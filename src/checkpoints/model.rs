//! Checkpoints of the record (issue 14 item 9): what a checkpoint commits to, the signed
//! statement, and how a new one follows the last. Plain Rust; `store` reads and writes.
//!
//! A checkpoint commits to the head of every case's record — `(case_id, length,
//! head_hash)` — through a Merkle root, and is signed with the service's Ed25519 key. A copy
//! of the signed statement kept anywhere outside the service (the public list, the Atom
//! feed, a newspaper) later proves that each record as stored then extends what was
//! committed: rewriting any event at or before the committed length changes the head hash.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::checkpoints::merkle::{self, Hash};
use crate::record::chain::{self, Event};

/// The first line of every statement; a verifier refuses any other.
pub const STATEMENT_FORMAT: &str = "enforcement record checkpoint v1";

/// The `previous` of an agency's first checkpoint.
pub const NO_PREVIOUS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The committed state of one case's record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub case_id: String,
    pub length: i64,
    pub head_hash: String,
}

impl Head {
    /// The leaf's data: `case_id`, `length` and `head_hash` on three lines, UTF-8.
    pub fn leaf_data(&self) -> String {
        format!("{}\n{}\n{}", self.case_id, self.length, self.head_hash)
    }

    pub fn leaf_hash(&self) -> Hash {
        merkle::leaf_hash(self.leaf_data().as_bytes())
    }
}

/// Every case's committed head, by case id: the order of the leaves.
pub type Heads = BTreeMap<String, (i64, String)>;

/// The leaves of a checkpoint over `heads`, sorted by case id.
pub fn leaves(heads: &Heads) -> Vec<Hash> {
    heads
        .iter()
        .map(|(case_id, (length, head_hash))| {
            Head {
                case_id: case_id.clone(),
                length: *length,
                head_hash: head_hash.clone(),
            }
            .leaf_hash()
        })
        .collect()
}

/// A record that no longer extends what the last checkpoint committed to: shorter, or
/// with another hash at the same length. The new checkpoint keeps the committed head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Regression {
    pub committed: Head,
    pub found: Head,
}

/// What a new checkpoint adds to the last: the heads that moved forward, and the records
/// found behind what was committed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Advance {
    pub changed: Vec<Head>,
    pub regressions: Vec<Regression>,
}

/// Compares the records as they stand (`current`) with the committed heads. A case never
/// leaves a checkpoint: a record missing now keeps its committed head, as does a record
/// found shorter or rewritten (reported, so the operator hears of it). A record that is
/// longer is taken as it stands — the chain's own verification says whether its new events
/// extend the old ones, and `verify-record` checks it against every checkpoint kept.
pub fn advance(committed: &Heads, current: &[Head]) -> Advance {
    let mut advance = Advance::default();
    for head in current {
        match committed.get(&head.case_id) {
            None => advance.changed.push(head.clone()),
            Some((length, _)) if head.length > *length => advance.changed.push(head.clone()),
            Some((length, hash)) if head.length == *length && head.head_hash == *hash => {}
            Some((length, hash)) => advance.regressions.push(Regression {
                committed: Head {
                    case_id: head.case_id.clone(),
                    length: *length,
                    head_hash: hash.clone(),
                },
                found: head.clone(),
            }),
        }
    }
    advance
}

/// The heads after applying `changed` to `committed`.
pub fn apply(mut committed: Heads, changed: &[Head]) -> Heads {
    for head in changed {
        committed.insert(head.case_id.clone(), (head.length, head.head_hash.clone()));
    }
    committed
}

/// Whether a record as stored now extends what a checkpoint committed to: its chain
/// verifies, it is at least as long, and its event at the committed length has the committed
/// hash. Rewriting any event up to that length, even with a recomputed chain, changes that
/// hash; dropping events shortens the record.
pub fn extends(committed: &Head, events: &[Event]) -> Result<(), String> {
    let verification = chain::verify(events);
    if let Some(bad) = verification.first_bad_seq {
        return Err(format!("event {bad} of the record does not verify"));
    }
    let length = usize::try_from(committed.length).unwrap_or(usize::MAX);
    if events.len() < length {
        return Err(format!(
            "the record has {} events; the checkpoint committed to {}",
            events.len(),
            committed.length
        ));
    }
    match length.checked_sub(1).and_then(|i| events.get(i)) {
        Some(event) if event.hash == committed.head_hash => Ok(()),
        Some(event) => Err(format!(
            "event {} has hash {}; the checkpoint committed to {}",
            committed.length, event.hash, committed.head_hash
        )),
        None => Err("the checkpoint committed to an empty record".into()),
    }
}

/// The signed text of a checkpoint, one `name value` per line after the format line:
///
/// ```text
/// enforcement record checkpoint v1
/// agency 0193…
/// sequence 12
/// created 2026-11-30T08:00:00.000000Z
/// cases 2943
/// root 5dc9…
/// previous 9f86…
/// ```
///
/// `previous` is the SHA-256 of the agency's previous statement, so checkpoints form a
/// chain of their own: one cannot be dropped or replaced without breaking the next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub agency_id: String,
    pub sequence: i64,
    pub created: String,
    pub cases: u64,
    pub root: String,
    pub previous: String,
}

impl Statement {
    pub fn text(&self) -> String {
        format!(
            "{STATEMENT_FORMAT}\nagency {}\nsequence {}\ncreated {}\ncases {}\nroot {}\nprevious {}\n",
            self.agency_id, self.sequence, self.created, self.cases, self.root, self.previous
        )
    }

    /// Reads a statement back; exactly the text `text` writes, nothing more or less.
    pub fn parse(text: &str) -> Result<Statement, String> {
        let mut lines = text
            .strip_suffix('\n')
            .ok_or("the statement must end with a newline")?
            .split('\n');
        if lines.next() != Some(STATEMENT_FORMAT) {
            return Err(format!("the statement must start with \"{STATEMENT_FORMAT}\""));
        }
        let mut field = |name: &str| -> Result<String, String> {
            let line = lines.next().ok_or(format!("the statement has no {name} line"))?;
            line.strip_prefix(name)
                .and_then(|rest| rest.strip_prefix(' '))
                .filter(|value| !value.is_empty())
                .map(str::to_string)
                .ok_or(format!("expected a {name} line, found {line:?}"))
        };
        let number = |name: &str, value: String| -> Result<u64, String> {
            value.parse().map_err(|_| format!("{name} is not a number: {value:?}"))
        };
        let agency_id = field("agency")?;
        let sequence = number("sequence", field("sequence")?)?;
        let created = field("created")?;
        let cases = number("cases", field("cases")?)?;
        let root = field("root")?;
        let previous = field("previous")?;
        if lines.next().is_some() {
            return Err("the statement has lines after previous".into());
        }
        for (name, value) in [("root", &root), ("previous", &previous)] {
            if value.len() != 64 || !value.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
                return Err(format!("{name} is not 64 lowercase hex digits"));
            }
        }
        let statement = Statement {
            agency_id,
            sequence: i64::try_from(sequence).map_err(|_| "sequence is out of range".to_string())?,
            created,
            cases,
            root,
            previous,
        };
        if statement.text() != text {
            return Err("the statement is not in its canonical form".into());
        }
        Ok(statement)
    }
}

/// The SHA-256 of a statement's text, hex: the next statement's `previous`.
pub fn statement_hash(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// The service's checkpoint signing key. Never printed.
#[derive(Clone)]
pub struct CheckpointKey(SigningKey);

impl std::fmt::Debug for CheckpointKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CheckpointKey(public {})", self.public_key_hex())
    }
}

impl CheckpointKey {
    pub fn from_seed(seed: [u8; 32]) -> Self {
        CheckpointKey(SigningKey::from_bytes(&seed))
    }

    /// The Ed25519 public key, 64 hex digits: what verifiers pin.
    pub fn public_key_hex(&self) -> String {
        hex::encode(self.0.verifying_key().to_bytes())
    }

    /// The signature of `text`, base64.
    pub fn sign(&self, text: &str) -> String {
        BASE64.encode(self.0.sign(text.as_bytes()).to_bytes())
    }
}

/// Checks an Ed25519 signature (base64) of `text` by the public key (hex).
pub fn verify_signature(public_key_hex: &str, text: &str, signature_base64: &str) -> Result<(), String> {
    let key: [u8; 32] = hex::decode(public_key_hex.trim())
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or("the public key is not 32 bytes of hex")?;
    let key = VerifyingKey::from_bytes(&key).map_err(|_| "the public key is not an Ed25519 key")?;
    let signature: [u8; 64] = BASE64
        .decode(signature_base64.trim())
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or("the signature is not 64 bytes of base64")?;
    key.verify_strict(text.as_bytes(), &Signature::from_bytes(&signature))
        .map_err(|_| "the signature does not verify".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(case_id: &str, length: i64, hash: &str) -> Head {
        Head {
            case_id: case_id.into(),
            length,
            head_hash: hash.into(),
        }
    }

    fn statement() -> Statement {
        Statement {
            agency_id: "0193a1b2-0000-7000-8000-000000000001".into(),
            sequence: 3,
            created: "2026-11-30T08:00:00.000000Z".into(),
            cases: 2,
            root: "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328".into(),
            previous: NO_PREVIOUS.into(),
        }
    }

    #[test]
    fn a_leaf_is_the_three_fields_on_three_lines() {
        let h = head("c1", 7, "ab");
        assert_eq!(h.leaf_data(), "c1\n7\nab");
        assert_eq!(h.leaf_hash(), merkle::leaf_hash(b"c1\n7\nab"));
    }

    #[test]
    fn leaves_follow_the_case_ids_not_the_insertion_order() {
        let heads: Heads = [
            ("b".to_string(), (1, "x".to_string())),
            ("a".to_string(), (2, "y".to_string())),
        ]
        .into();
        assert_eq!(
            leaves(&heads),
            vec![head("a", 2, "y").leaf_hash(), head("b", 1, "x").leaf_hash()]
        );
    }

    #[test]
    fn advance_takes_longer_and_new_records_and_reports_shorter_or_rewritten_ones() {
        let committed: Heads = [
            ("same".to_string(), (3, "s3".to_string())),
            ("grew".to_string(), (3, "g3".to_string())),
            ("shrank".to_string(), (3, "k3".to_string())),
            ("rewritten".to_string(), (3, "r3".to_string())),
            ("missing".to_string(), (1, "m1".to_string())),
        ]
        .into();
        let current = [
            head("same", 3, "s3"),
            head("grew", 5, "g5"),
            head("shrank", 2, "k2"),
            head("rewritten", 3, "R3"),
            head("new", 1, "n1"),
        ];
        let advance = advance(&committed, &current);
        assert_eq!(advance.changed, vec![head("grew", 5, "g5"), head("new", 1, "n1")]);
        assert_eq!(
            advance.regressions,
            vec![
                Regression {
                    committed: head("shrank", 3, "k3"),
                    found: head("shrank", 2, "k2"),
                },
                Regression {
                    committed: head("rewritten", 3, "r3"),
                    found: head("rewritten", 3, "R3"),
                },
            ]
        );
        let next = apply(committed, &advance.changed);
        assert_eq!(next.get("grew"), Some(&(5, "g5".to_string())));
        assert_eq!(
            next.get("shrank"),
            Some(&(3, "k3".to_string())),
            "a regression keeps the committed head"
        );
        assert_eq!(next.get("missing"), Some(&(1, "m1".to_string())), "a case never leaves");
        assert_eq!(next.len(), 6);
    }

    #[test]
    fn a_statement_reads_back_exactly_and_nothing_else_does() {
        let s = statement();
        assert_eq!(Statement::parse(&s.text()), Ok(s.clone()));
        let text = s.text();
        for broken in [
            text.replace("v1", "v2"),
            text.trim_end().to_string(),
            format!("{text}extra 1\n"),
            text.replace("sequence 3", "sequence three"),
            text.replace("sequence 3", "sequence 03"),
            text.replace("cases 2", "cases  2"),
            text.replace(&s.root, &s.root.to_uppercase()),
            text.replace("root ", "rot "),
        ] {
            assert!(Statement::parse(&broken).is_err(), "accepted {broken:?}");
        }
    }

    #[test]
    fn a_signature_verifies_with_its_key_only_and_over_its_text_only() {
        let key = CheckpointKey::from_seed([7; 32]);
        let other = CheckpointKey::from_seed([8; 32]);
        let text = statement().text();
        let signature = key.sign(&text);
        assert_eq!(verify_signature(&key.public_key_hex(), &text, &signature), Ok(()));
        assert!(verify_signature(&other.public_key_hex(), &text, &signature).is_err());
        assert!(verify_signature(&key.public_key_hex(), &text.replace("cases 2", "cases 3"), &signature).is_err());
        assert!(verify_signature(&key.public_key_hex(), &text, "AAAA").is_err());
        assert!(verify_signature("zz", &text, &signature).is_err());
        assert!(
            !format!("{key:?}").contains(&hex::encode([7u8; 32])),
            "the seed is never printed"
        );
    }

    fn record(n: i32) -> Vec<Event> {
        let mut events = Vec::new();
        let mut prev = chain::GENESIS_HASH.to_string();
        for seq in 1..=n {
            let payload = serde_json::json!({ "n": seq });
            let at = "2026-11-30T08:00:00.000000Z";
            let hash = chain::event_hash("c1", seq, at, "u1", "note", &payload, &prev);
            events.push(Event {
                case_id: "c1".into(),
                seq,
                at: at.into(),
                actor_id: "u1".into(),
                action: "note".into(),
                payload,
                prev_hash: prev.clone(),
                hash: hash.clone(),
            });
            prev = hash;
        }
        events
    }

    #[test]
    fn a_record_extends_its_committed_head_until_its_past_is_rewritten() {
        let events = record(5);
        let committed = head("c1", 3, &events[2].hash);
        assert_eq!(extends(&committed, &events), Ok(()));
        assert_eq!(extends(&committed, &events[..3]), Ok(()), "the same length extends");
        assert!(extends(&committed, &events[..2]).unwrap_err().contains("2 events"));

        // A rewritten past with the chain recomputed after it: verifies, but not the head.
        let mut rewritten = record(5);
        rewritten[1].payload = serde_json::json!({ "n": "changed" });
        let mut prev = rewritten[0].hash.clone();
        for event in rewritten.iter_mut().skip(1) {
            event.prev_hash = prev.clone();
            event.hash = chain::event_hash(
                &event.case_id,
                event.seq,
                &event.at,
                &event.actor_id,
                &event.action,
                &event.payload,
                &event.prev_hash,
            );
            prev = event.hash.clone();
        }
        assert!(chain::verify(&rewritten).valid);
        assert!(
            extends(&committed, &rewritten)
                .unwrap_err()
                .contains("event 3 has hash")
        );

        // A rewritten tail after the committed head is for a later checkpoint to catch,
        // unless it breaks the chain.
        let mut broken = record(5);
        broken[4].payload = serde_json::json!({ "n": "changed" });
        assert!(extends(&committed, &broken).unwrap_err().contains("event 5"));
    }

    #[test]
    fn statements_chain_by_the_hash_of_their_text() {
        let text = statement().text();
        assert_eq!(statement_hash(&text), hex::encode(Sha256::digest(text.as_bytes())));
        assert_ne!(
            statement_hash(&text),
            statement_hash(&text.replace("cases 2", "cases 3"))
        );
    }
}
