//! Issue 14 (9): the anchored record. Checkpoints are checked here as an outsider would:
//! the signature with an Ed25519 library against the published key, the Merkle root
//! recomputed from the records with a small RFC 6962 implementation of the test's own, and
//! `verify-record` run against a saved copy after someone with database access rewrote a
//! record's past (recomputing its hash chain, which then verifies on its own).

use std::time::Duration;

use base64::Engine;
use diesel::RunQueryDsl;
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::cli::{database_url, enforcement};
use crate::helpers::{CaseWorld, InspectionStage, case_world, case_world_with, json_of};

/// The public key of the seed the test settings sign with (`[42; 32]`).
fn test_public_key() -> String {
    enforcement::checkpoints::model::CheckpointKey::from_seed([42; 32]).public_key_hex()
}

fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().into()
}

/// RFC 6962 §2.1 MTH, written again here so the service's own code is not what checks it.
fn mth(leaves: &[[u8; 32]]) -> [u8; 32] {
    match leaves.len() {
        0 => sha256(&[]),
        1 => leaves[0],
        n => {
            let k = 1 << (usize::BITS - (n - 1).leading_zeros() - 1);
            sha256(&[&[1], &mth(&leaves[..k]), &mth(&leaves[k..])])
        }
    }
}

fn leaf(case_id: &str, length: i64, head_hash: &str) -> [u8; 32] {
    sha256(&[&[0], format!("{case_id}\n{length}\n{head_hash}").as_bytes()])
}

/// Walks an inclusion path the simple way: at each level the sibling is left when the
/// node is a right child or the last node of its level alone, right otherwise.
fn root_from_path(mut index: u64, size: u64, mut hash: [u8; 32], path: &[[u8; 32]]) -> [u8; 32] {
    let mut last = size - 1;
    let mut siblings = path.iter();
    while last > 0 {
        if index % 2 == 1 {
            hash = sha256(&[&[1], siblings.next().unwrap(), &hash]);
        } else if index < last {
            hash = sha256(&[&[1], &hash, siblings.next().unwrap()]);
        }
        index /= 2;
        last /= 2;
    }
    assert!(siblings.next().is_none(), "the path is longer than the tree is deep");
    hash
}

fn hex32(value: &Value) -> [u8; 32] {
    hex::decode(value.as_str().unwrap()).unwrap().try_into().unwrap()
}

fn signature_verifies(checkpoint: &Value) -> bool {
    let key: [u8; 32] = hex32(&checkpoint["public_key"]);
    let signature: [u8; 64] = base64::engine::general_purpose::STANDARD
        .decode(checkpoint["signature"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    VerifyingKey::from_bytes(&key)
        .unwrap()
        .verify(
            checkpoint["statement"].as_str().unwrap().as_bytes(),
            &Signature::from_bytes(&signature),
        )
        .is_ok()
}

async fn sign_now(world: &CaseWorld) -> Value {
    let (status, checkpoint) = json_of(
        world
            .app
            .post("/api/v1/checkpoints", &world.supervisor, &json!({}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{checkpoint}");
    checkpoint
}

async fn public_list(world: &CaseWorld) -> Vec<Value> {
    let (status, page) = json_of(
        world
            .app
            .request(reqwest::Method::GET, "/api/v1/public/checkpoints?agency=XF", None)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["items"].as_array().unwrap().clone()
}

/// The root of the agency's records as the record endpoints show them now.
async fn root_of_records(world: &CaseWorld, case_ids: &[String]) -> [u8; 32] {
    let mut heads = Vec::new();
    for id in case_ids {
        let events = world.record(id).await["events"].as_array().unwrap().clone();
        let last = events.last().unwrap();
        heads.push((
            id.clone(),
            events.len() as i64,
            last["hash"].as_str().unwrap().to_string(),
        ));
    }
    heads.sort();
    let leaves: Vec<[u8; 32]> = heads.iter().map(|(id, n, h)| leaf(id, *n, h)).collect();
    mth(&leaves)
}

#[tokio::test]
async fn the_head_signs_a_checkpoint_that_anyone_can_check_without_the_service() {
    let world = case_world().await;
    let mut cases = vec![
        world.open_ok("inspection", json!({})).await,
        world.inspection_at(InspectionStage::Started, json!({})).await,
        world.open_ok("penalty", json!({})).await,
    ];

    let refused = world
        .app
        .post("/api/v1/checkpoints", world.lead_token(), &json!({}))
        .await;
    assert_eq!(
        refused.status(),
        StatusCode::FORBIDDEN,
        "an officer does not sign checkpoints"
    );
    assert!(public_list(&world).await.is_empty(), "a refused request signed nothing");

    let first = sign_now(&world).await;
    assert_eq!(first["sequence"], 1);
    assert_eq!(first["cases"], 3);
    assert_eq!(first["origin"], "on_demand");
    assert_eq!(first["public_key"], test_public_key());
    assert_eq!(first["previous_hash"], "0".repeat(64));
    assert!(signature_verifies(&first), "{first}");
    assert_eq!(hex::encode(root_of_records(&world, &cases).await), first["root_hash"]);
    let statement = first["statement"].as_str().unwrap();
    assert!(
        statement.starts_with("enforcement record checkpoint v1\n")
            && statement.contains(&format!("\nroot {}\n", first["root_hash"].as_str().unwrap()))
            && statement.contains("\ncases 3\n"),
        "the statement names what it commits to: {statement}"
    );

    // One record moves and one case is opened: the next checkpoint chains onto the first.
    world
        .step_ok(&cases[1], json!({"action": "record_findings", "result": "compliant"}))
        .await;
    cases.push(world.open_ok("inspection", json!({})).await);
    let second = sign_now(&world).await;
    assert_eq!(second["sequence"], 2);
    assert_eq!(second["cases"], 4);
    assert_eq!(
        second["changed"], 2,
        "only the moved and the new record are stored again"
    );
    assert_eq!(
        second["previous_hash"],
        hex::encode(sha256(&[statement.as_bytes()])),
        "each statement names the hash of the one before"
    );
    assert!(signature_verifies(&second));
    assert_eq!(hex::encode(root_of_records(&world, &cases).await), second["root_hash"]);

    let listed = public_list(&world).await;
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["id"], second["id"], "newest first");
    let (status, one) = json_of(
        world
            .app
            .request(
                reqwest::Method::GET,
                &format!("/api/v1/public/checkpoints/{}", first["id"].as_str().unwrap()),
                None,
            )
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, &one["statement"]), (StatusCode::OK, &first["statement"]));

    let feed = world
        .app
        .request(reqwest::Method::GET, "/public/checkpoints.atom?agency=XF", None)
        .send()
        .await
        .unwrap();
    assert_eq!(feed.status(), StatusCode::OK);
    assert!(
        feed.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/atom+xml")
    );
    let feed = feed.text().await.unwrap();
    for checkpoint in [&first, &second] {
        assert!(feed.contains(checkpoint["signature"].as_str().unwrap()), "{feed}");
        assert!(feed.contains(&format!("root {}", checkpoint["root_hash"].as_str().unwrap())));
    }

    // Signed is fixed: not even the database owner's UPDATE changes it.
    let mut conn = world.app.raw_connection();
    let changed = diesel::sql_query("UPDATE record_checkpoints SET tree_size = 99").execute(&mut conn);
    assert!(changed.is_err(), "a signed checkpoint was changed in place");
    let deleted = diesel::sql_query("DELETE FROM checkpoint_heads").execute(&mut conn);
    assert!(deleted.is_err(), "a checkpoint's heads were deleted");
}

#[tokio::test]
async fn a_proof_shows_a_record_is_in_a_checkpoint_and_still_extends_it() {
    let world = case_world().await;
    let moving = world.inspection_at(InspectionStage::Started, json!({})).await;
    let still = world.open_ok("penalty", json!({})).await;
    let length_of = |record: Value| record["events"].as_array().unwrap().len();
    let lengths = [
        length_of(world.record(&moving).await),
        length_of(world.record(&still).await),
    ];
    let first = sign_now(&world).await;
    world
        .step_ok(&moving, json!({"action": "record_findings", "result": "compliant"}))
        .await;
    let later = world.open_ok("inspection", json!({})).await;

    assert_eq!(
        length_of(world.record(&moving).await),
        lengths[0] + 1,
        "the record moved after the checkpoint"
    );
    for (case_id, committed_length) in [(&moving, lengths[0]), (&still, lengths[1])] {
        let (status, proof) = json_of(
            world
                .app
                .get(
                    &format!(
                        "/api/v1/cases/{case_id}/record/proof?checkpoint={}",
                        first["id"].as_str().unwrap()
                    ),
                    world.lead_token(),
                )
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{proof}");
        assert_eq!(proof["committed_length"], committed_length);
        assert_eq!(proof["extends"], true, "{proof}");
        assert_eq!(
            (proof["included"].clone(), proof["signature_valid"].clone()),
            (json!(true), json!(true))
        );
        let record = world.record(case_id).await;
        let events = record["events"].as_array().unwrap();
        assert_eq!(
            proof["committed_head_hash"],
            events[committed_length - 1]["hash"],
            "the committed head is the event the checkpoint saw"
        );
        // Recomputed by the test: the leaf, then the path to the signed root.
        let leaf_hash = leaf(
            case_id,
            committed_length as i64,
            proof["committed_head_hash"].as_str().unwrap(),
        );
        assert_eq!(hex::encode(leaf_hash), proof["leaf_hash"]);
        let path: Vec<[u8; 32]> = proof["inclusion_path"].as_array().unwrap().iter().map(hex32).collect();
        let root = root_from_path(
            proof["leaf_index"].as_u64().unwrap(),
            first["cases"].as_u64().unwrap(),
            leaf_hash,
            &path,
        );
        assert_eq!(hex::encode(root), first["root_hash"]);
    }

    let (status, problem) = json_of(
        world
            .app
            .get(
                &format!(
                    "/api/v1/cases/{later}/record/proof?checkpoint={}",
                    first["id"].as_str().unwrap()
                ),
                world.lead_token(),
            )
            .await,
    )
    .await;
    assert_eq!(
        (status, problem["rule"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("case_not_in_checkpoint")),
        "{problem}"
    );
    // Without a checkpoint named, the newest; unknown ones are 404.
    let second = sign_now(&world).await;
    let (status, proof) = json_of(
        world
            .app
            .get(&format!("/api/v1/cases/{later}/record/proof"), world.lead_token())
            .await,
    )
    .await;
    assert_eq!(
        (status, proof["checkpoint"]["id"].clone()),
        (StatusCode::OK, second["id"].clone())
    );
    let missing = world
        .app
        .get(
            &format!("/api/v1/cases/{later}/record/proof?checkpoint=00000000-0000-7000-8000-000000000000"),
            world.lead_token(),
        )
        .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn checkpoints_are_signed_on_schedule_only_when_a_record_moved() {
    let world = case_world_with(|settings| settings.checkpoint_interval = Duration::from_millis(300)).await;
    // Of a private individual: one event, no approval after it that could move the record
    // between the first scheduled checkpoint and the quiet ticks below.
    let case_id = world
        .open_ok(
            "inspection",
            json!({"subject_id": world.individual, "inspection_item_ids": []}),
        )
        .await;
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let scheduled = loop {
        let listed = public_list(&world).await;
        if let Some(found) = listed.iter().find(|c| c["cases"] == 1) {
            break found.clone();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no scheduled checkpoint covered the case: {listed:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(scheduled["origin"], "schedule");
    assert!(signature_verifies(&scheduled));

    // Nothing moves: several ticks pass without a new checkpoint.
    let count = public_list(&world).await.len();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        public_list(&world).await.len(),
        count,
        "a checkpoint was signed with nothing changed"
    );

    // A record moves: the schedule signs again.
    world
        .step_ok(
            &case_id,
            json!({"action": "start", "credentials_shown": true, "location": crate::helpers::SITE}),
        )
        .await;
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while public_list(&world).await.len() == count {
        assert!(
            std::time::Instant::now() < deadline,
            "the moved record was not checkpointed"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(public_list(&world).await[0]["changed"], 1);
}

/// Rewrites event `seq` of a case's record as someone with the database would: triggers
/// dropped, the payload changed, the hash chain recomputed from there on, so that the
/// chain alone verifies again.
fn rewrite_past(world: &CaseWorld, record: &Value, seq: usize) {
    use enforcement::record::chain::{canonical_json, event_hash};
    let mut conn = world.app.raw_connection();
    let drops: &[&str] = match conn.backend() {
        enforcement::db::Backend::Sqlite => &[
            "DROP TRIGGER case_events_no_update",
            "DROP TRIGGER checkpoint_heads_no_update",
        ],
        enforcement::db::Backend::Postgres => &[
            "DROP TRIGGER case_events_no_update_delete ON case_events",
            "DROP TRIGGER checkpoint_heads_fixed ON checkpoint_heads",
        ],
    };
    for drop in drops {
        diesel::sql_query(*drop).execute(&mut conn).unwrap();
    }
    let events = record["events"].as_array().unwrap();
    let mut prev = events[seq - 2]["hash"].as_str().unwrap().to_string();
    for event in &events[seq - 1..] {
        let mut payload = event["payload"].clone();
        if event["seq"] == seq {
            payload["rewritten"] = json!("后来改写的内容");
        }
        let hash = event_hash(
            event["case_id"].as_str().unwrap(),
            event["seq"].as_i64().unwrap() as i32,
            event["at"].as_str().unwrap(),
            event["actor_id"].as_str().unwrap(),
            event["action"].as_str().unwrap(),
            &payload,
            &prev,
        );
        diesel::sql_query(format!(
            "UPDATE case_events SET payload = '{}', prev_hash = '{prev}', hash = '{hash}' WHERE case_id = '{}' AND seq = {}",
            canonical_json(&payload).replace('\'', "''"),
            event["case_id"].as_str().unwrap(),
            event["seq"]
        ))
        .execute(&mut conn)
        .unwrap();
        prev = hash;
    }
}

#[tokio::test]
async fn verify_record_catches_a_rewritten_past_that_the_chain_alone_cannot() {
    let world = case_world().await;
    let target = world.inspection_at(InspectionStage::FoundCompliant, json!({})).await;
    let other = world.open_ok("penalty", json!({})).await;
    let committed_length = world.record(&target).await["events"].as_array().unwrap().len();
    let checkpoint = sign_now(&world).await;
    // The record grows after the checkpoint: still extends it.
    world.step_ok(&target, json!({"action": "close"})).await;

    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("checkpoint.json");
    std::fs::write(&saved, checkpoint.to_string()).unwrap();
    let url = database_url(&world.app.settings.database);
    let key = test_public_key();
    let verify = |extra: &[&str]| {
        let mut args = vec![
            "verify-record",
            "--checkpoint",
            saved.to_str().unwrap(),
            "--public-key",
            &key,
        ];
        args.extend_from_slice(extra);
        enforcement(dir.path(), &url, &args, "")
    };
    let (ok, out) = verify(&[]);
    assert!(ok, "{out}");
    assert!(out.contains("2 of 2 records extend what was signed"), "{out}");

    // Signed by another key than the one pinned: refused.
    let other_key = enforcement::checkpoints::model::CheckpointKey::from_seed([1; 32]).public_key_hex();
    let (ok, out) = enforcement(
        dir.path(),
        &url,
        &[
            "verify-record",
            "--checkpoint",
            saved.to_str().unwrap(),
            "--public-key",
            &other_key,
        ],
        "",
    );
    assert!(!ok && out.contains("not the expected"), "{out}");

    // Someone rewrites event 2 of the target and recomputes the chain after it.
    let record = world.record(&target).await;
    rewrite_past(&world, &record, 2);
    let (_, verification) = json_of(
        world
            .app
            .get(&format!("/api/v1/cases/{target}/record/verify"), world.lead_token())
            .await,
    )
    .await;
    assert_eq!(
        verification["valid"], true,
        "the recomputed chain verifies on its own: {verification}"
    );

    let (ok, out) = verify(&[]);
    assert!(!ok, "a rewritten past passed: {out}");
    // The committed head is the first event found different.
    assert!(
        out.contains(&format!("case {target}: event {committed_length} has hash")),
        "{out}"
    );
    assert!(
        out.contains("1 of 2 records extend"),
        "the untouched record still passes: {out}"
    );
    let (ok, out) = verify(&["--case", &other]);
    assert!(ok, "only the other case checked: {out}");

    let (_, proof) = json_of(
        world
            .app
            .get(&format!("/api/v1/cases/{target}/record/proof"), world.lead_token())
            .await,
    )
    .await;
    assert_eq!(
        (proof["extends"].clone(), proof["included"].clone()),
        (json!(false), json!(true)),
        "{proof}"
    );

    // Changing the stored head to match the rewrite breaks the signed root instead.
    let new_head = world.record(&target).await["events"][2]["hash"]
        .as_str()
        .unwrap()
        .to_string();
    let mut conn = world.app.raw_connection();
    diesel::sql_query(format!(
        "UPDATE checkpoint_heads SET head_hash = '{new_head}' WHERE case_id = '{target}'"
    ))
    .execute(&mut conn)
    .unwrap();
    let (ok, out) = verify(&[]);
    assert!(!ok && out.contains("do not give the signed root"), "{out}");
}
