//! Item 3: the service killed (SIGKILL) while a large evidence file streams in, at a random
//! point of the upload — mid-body, or after the last byte while the file is synced and
//! recorded — and started again: no row without its file, no file without its row, no
//! temporary file left, and the case's record verifies.

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
    /// This long after the last byte was handed over.
    AfterEnd(Duration),
}

impl std::fmt::Display for KillPoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KillPoint::Body(share) => write!(f, "{:.0} % of the body", share * 100.0),
            KillPoint::AfterEnd(after) => write!(f, "last byte + {} ms", after.as_millis()),
        }
    }
}

impl Trial {
    pub fn clean(&self) -> bool {
        self.temporary_after_restart == 0
            && self.unreferenced_files == 0
            && self.damaged_or_missing == 0
            && self.chain_valid
            && self.rows >= self.acknowledged_so_far
            && self.ready_after.is_some()
            // A body cut short is never recorded.
            && (matches!(self.kill_at, KillPoint::AfterEnd(_)) || self.new_rows == 0)
    }
}

pub struct Options {
    pub trials: usize,
    pub size_mib: u64,
}

/// A body of `size` pseudo-random bytes in 1 MiB chunks; `sent` counts what was handed over.
fn body(size: u64, seed: u64, sent: Arc<AtomicU64>) -> reqwest::Body {
    let chunks = size.div_ceil(MIB);
    let stream = futures_util::stream::iter(0..chunks).map(move |i| {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed ^ i);
        let len = MIB.min(size - i * MIB) as usize;
        let mut chunk = vec![0u8; len];
        rng.fill_bytes(&mut chunk);
        sent.fetch_add(len as u64, Ordering::SeqCst);
        Ok::<_, std::io::Error>(chunk)
    });
    reqwest::Body::wrap_stream(stream)
}

fn temporary_files(data_dir: &Path) -> usize {
    std::fs::read_dir(data_dir.join("evidence").join("tmp")).map_or(0, |dir| dir.flatten().count())
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
        // Three trials in four mid-body; the fourth in the moment after the last byte,
        // when the file is synced, renamed and recorded.
        let kill_at = if rand::thread_rng().gen_bool(0.75) {
            KillPoint::Body(rand::thread_rng().gen_range(0.05..0.95))
        } else {
            KillPoint::AfterEnd(Duration::from_millis(rand::thread_rng().gen_range(0..=50)))
        };
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
            .body(body(size, trial as u64, sent.clone()))
            .send();
        let upload = tokio::spawn(upload);
        let threshold = match kill_at {
            KillPoint::Body(share) => (size as f64 * share) as u64,
            KillPoint::AfterEnd(_) => size,
        };
        while sent.load(Ordering::SeqCst) < threshold && !upload.is_finished() {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        if let KillPoint::AfterEnd(after) = kill_at {
            tokio::time::sleep(after).await;
        }
        service.kill9();
        let acknowledged = match upload.await.unwrap() {
            Ok(response) => response.status() == 201,
            Err(_) => false,
        };
        if acknowledged {
            acknowledged_so_far += 1;
        }
        let temporary_after_kill = temporary_files(&service.data_dir);
        service.start();
        let ready_after = service.wait_ready(&client, READY_LIMIT).await;
        if ready_after.is_none() {
            service.wait_ready(&client, Duration::from_secs(60)).await;
        }
        let temporary_after_restart = temporary_files(&service.data_dir);
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
            rows,
            new_rows: rows.saturating_sub(rows_before),
            acknowledged_so_far,
            unreferenced_files,
            damaged_or_missing,
            chain_valid,
            ready_after,
        };
        eprintln!(
            "  {backend} upload trial {trial}: {} MiB, killed at {kill_at}, {}; temporary files {} after the kill, {} after the restart; {} rows ({} acknowledged), {} unreferenced, {} damaged; chain {}",
            options.size_mib,
            if acknowledged {
                "acknowledged"
            } else {
                "not acknowledged"
            },
            temporary_after_kill,
            temporary_after_restart,
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
