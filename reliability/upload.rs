//! Item 3: the service killed (SIGKILL) while a large evidence file streams in, at a random
//! point of the upload — mid-body, just after the last byte was sent, or the moment the
//! stored file appears in place (between its commit and its row's) — and started again:
//! no row for a body cut short, no stored file without its row, no row without its intact
//! file, no temporary file left, and the case's record verifies.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
use enforcement::evidence::storage::LocalStore;
use futures_util::StreamExt;
use rand::{Rng, RngCore, SeedableRng};
use serde_json::Value;

use crate::common::case_world;
use crate::crash::READY_LIMIT;
use crate::service::{Database, Service};

const MIB: u64 = 1 << 20;

pub struct Trial {
    /// Where the kill came.
    pub kill_at: KillPoint,
    /// The client got its 201 before the kill.
    pub acknowledged: bool,
    /// Temporary upload files on disk right after the kill, before the restart.
    pub temporary_after_kill: usize,
    /// And after the restart (must be 0).
    pub temporary_after_restart: usize,
    /// Markers of stored but unrecorded files right after the kill (the kill came between
    /// a file's commit and its row's), and after the restart (must be 0).
    pub unrecorded_after_kill: usize,
    pub unrecorded_after_restart: usize,
    /// Evidence rows of the case after the restart, rows this trial added, and how many
    /// uploads the client had been acknowledged over all trials so far.
    pub rows: usize,
    pub new_rows: usize,
    pub acknowledged_so_far: usize,
    /// Stored files no evidence row names, and rows whose file is missing or damaged.
    pub unreferenced_files: usize,
    pub damaged_or_missing: usize,
    pub chain_valid: bool,
    pub ready_after: Option<Duration>,
}

#[derive(Clone, Copy)]
pub enum KillPoint {
    /// After this share of the body was handed to the connection.
    Body(f64),
    /// This long after the last byte was handed over (the server is still writing,
    /// hashing and syncing what it has buffered).
    AfterEnd(Duration),
    /// This long after the stored file appeared in place: between the file's commit and
    /// its row's, or just after.
    Stored(Duration),
}

impl std::fmt::Display for KillPoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KillPoint::Body(share) => write!(f, "{:.0} % of the body", share * 100.0),
            KillPoint::AfterEnd(after) => write!(f, "last byte sent + {} ms", after.as_millis()),
            KillPoint::Stored(after) => write!(f, "file in place + {} ms", after.as_millis()),
        }
    }
}

impl Trial {
    pub fn clean(&self) -> bool {
        self.temporary_after_restart == 0
            && self.unrecorded_after_restart == 0
            && self.unreferenced_files == 0
            && self.damaged_or_missing == 0
            && self.chain_valid
            && self.rows >= self.acknowledged_so_far
            && self.ready_after.is_some()
            // A body cut short is never recorded.
            && (!matches!(self.kill_at, KillPoint::Body(_)) || self.new_rows == 0)
    }
}

pub struct Options {
    pub trials: usize,
    pub size_mib: u64,
}

/// The `i`-th 1 MiB chunk of a body of `size` pseudo-random bytes.
fn chunk(size: u64, seed: u64, i: u64) -> Vec<u8> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed.wrapping_mul(1 << 32) ^ i);
    let mut chunk = vec![0u8; MIB.min(size - i * MIB) as usize];
    rng.fill_bytes(&mut chunk);
    chunk
}

/// The SHA-256 (hex) of the body `body` sends.
fn digest(size: u64, seed: u64) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for i in 0..size.div_ceil(MIB) {
        hasher.update(chunk(size, seed, i));
    }
    hex::encode(hasher.finalize())
}

/// The body, streamed; `sent` counts what was handed over.
fn body(size: u64, seed: u64, sent: Arc<AtomicU64>) -> reqwest::Body {
    let stream = futures_util::stream::iter(0..size.div_ceil(MIB)).map(move |i| {
        let chunk = chunk(size, seed, i);
        sent.fetch_add(chunk.len() as u64, Ordering::SeqCst);
        Ok::<_, std::io::Error>(chunk)
    });
    reqwest::Body::wrap_stream(stream)
}

/// Files in `evidence/<dir>` of the data directory.
fn files_in(data_dir: &Path, dir: &str) -> usize {
    std::fs::read_dir(data_dir.join("evidence").join(dir)).map_or(0, |dir| dir.flatten().count())
}

pub async fn run(backend: &str, database: Database, scratch: &Path, options: &Options) -> Vec<Trial> {
    let mut service = Service::new(scratch.join("data"), &database, scratch.join("server.log"));
    service.init();
    service.start();
    let client = reqwest::Client::new();
    service
        .wait_ready(&client, Duration::from_secs(30))
        .await
        .unwrap_or_else(|| panic!("{backend}: the server did not start:\n{}", service.log_tail()));
    let world = case_world(&client, &service.base, &database.parsed).await;
    let case: Value = client
        .post(format!("{}/api/v1/cases", service.base))
        .bearer_auth(&world.officer_token)
        .json(&world.case_body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let case_id = case["id"].as_str().unwrap().to_string();
    let size = options.size_mib * MIB;
    let mut acknowledged_so_far = 0;
    let mut rows_before = 0;
    let mut trials = Vec::new();
    for trial in 1..=options.trials {
        // Half the trials mid-body, a quarter just after the last byte is sent, a quarter
        // the moment the stored file is in place (its row not yet, or just, committed).
        let (kill_at, seed) = {
            let mut rng = rand::thread_rng();
            let kill_at = match rng.gen_range(0..4) {
                0 | 1 => KillPoint::Body(rng.gen_range(0.05..0.95)),
                2 => KillPoint::AfterEnd(Duration::from_millis(rng.gen_range(0..=50))),
                _ => KillPoint::Stored(Duration::from_millis(rng.gen_range(0..=2))),
            };
            (kill_at, rng.r#gen::<u64>())
        };
        let sha256 = tokio::task::spawn_blocking(move || digest(size, seed)).await.unwrap();
        let stored = service
            .data_dir
            .join("evidence")
            .join(&sha256[0..2])
            .join(&sha256[2..4])
            .join(&sha256);
        let sent = Arc::new(AtomicU64::new(0));
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("kind", "video")
            .append_pair("filename", "执法记录仪 crash.mp4")
            .append_pair("device", "DSJ-reliability")
            .finish();
        let upload = client
            .post(format!("{}/api/v1/cases/{case_id}/evidence?{query}", service.base))
            .bearer_auth(&world.officer_token)
            .header("Content-Type", "application/octet-stream")
            .header("Content-Length", size)
            .header("X-Content-SHA256", &sha256)
            .body(body(size, seed, sent.clone()))
            .send();
        let upload = tokio::spawn(upload);
        match kill_at {
            KillPoint::Body(share) => {
                let threshold = (size as f64 * share) as u64;
                while sent.load(Ordering::SeqCst) < threshold && !upload.is_finished() {
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
            }
            KillPoint::AfterEnd(after) => {
                while sent.load(Ordering::SeqCst) < size && !upload.is_finished() {
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
                tokio::time::sleep(after).await;
            }
            KillPoint::Stored(after) => {
                while sent.load(Ordering::SeqCst) < size && !upload.is_finished() {
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
                // Then looked for without sleeping between looks: from the file's rename to
                // its row's commit is a few milliseconds.
                while !stored.exists() && !upload.is_finished() {
                    tokio::task::yield_now().await;
                }
                if !after.is_zero() {
                    tokio::time::sleep(after).await;
                }
            }
        }
        service.kill9();
        let acknowledged = match upload.await.unwrap() {
            Ok(response) => response.status() == 201,
            Err(_) => false,
        };
        if acknowledged {
            acknowledged_so_far += 1;
        }
        let temporary_after_kill = files_in(&service.data_dir, "tmp");
        let unrecorded_after_kill = files_in(&service.data_dir, "pending");
        service.start();
        let ready_after = service.wait_ready(&client, READY_LIMIT).await;
        if ready_after.is_none() {
            service.wait_ready(&client, Duration::from_secs(60)).await;
        }
        let temporary_after_restart = files_in(&service.data_dir, "tmp");
        let unrecorded_after_restart = files_in(&service.data_dir, "pending");
        let (rows, unreferenced_files, damaged_or_missing, chain_valid) = tokio::task::block_in_place(|| {
            use enforcement::db::schema::evidence;
            let mut conn = database.connect();
            let rows: i64 = evidence::table
                .filter(evidence::case_id.eq(&case_id))
                .count()
                .get_result(&mut conn)
                .unwrap();
            let store = LocalStore::open_at(service.data_dir.join("evidence")).unwrap();
            let report = enforcement::evidence::verify::verify_all(&mut conn, &store, |_| {}).unwrap();
            let events = enforcement::record::store::events(&mut conn, &case_id).unwrap();
            (
                rows as usize,
                report.unreferenced.len(),
                report.damaged.len(),
                enforcement::record::chain::verify(&events).valid,
            )
        });
        let result = Trial {
            kill_at,
            acknowledged,
            temporary_after_kill,
            temporary_after_restart,
            unrecorded_after_kill,
            unrecorded_after_restart,
            rows,
            new_rows: rows.saturating_sub(rows_before),
            acknowledged_so_far,
            unreferenced_files,
            damaged_or_missing,
            chain_valid,
            ready_after,
        };
        eprintln!(
            "  {backend} upload trial {trial}: {} MiB, killed at {kill_at}, {}; temporary files {} after the kill, {} after the restart; unrecorded markers {} after the kill, {} after the restart; {} rows ({} acknowledged), {} unreferenced, {} damaged; chain {}",
            options.size_mib,
            if acknowledged {
                "acknowledged"
            } else {
                "not acknowledged"
            },
            temporary_after_kill,
            temporary_after_restart,
            unrecorded_after_kill,
            unrecorded_after_restart,
            rows,
            acknowledged_so_far,
            unreferenced_files,
            damaged_or_missing,
            if chain_valid { "valid" } else { "BROKEN" },
        );
        rows_before = rows;
        trials.push(result);
    }
    trials
}
