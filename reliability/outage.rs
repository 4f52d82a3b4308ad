//! Item 2: PostgreSQL (a private cluster) stopped in immediate mode under load and started
//! again, the service left running: it answers 503 — promptly — while the database is
//! down, serves again without a restart, and loses nothing it acknowledged.

use std::path::Path;
use std::time::{Duration, Instant};

use rand::Rng;

use crate::check::{self, Findings};
use crate::common::case_world;
use crate::service::{Database, PgCluster, Service};
use crate::workload::{Load, Outcome};

/// A request still unanswered after this counts as hanging.
pub const HANG: Duration = Duration::from_secs(10);

pub struct Trial {
    pub stopped_after: Duration,
    /// Requests sent while the database was down, and how they ended.
    pub during: Vec<Outcome>,
    /// `/readyz` polled while down: how many times, and how many answered 503.
    pub readyz_polls: usize,
    pub readyz_503: usize,
    /// From `pg_ctl start` returning to the first acknowledged write.
    pub recovered_after: Option<Duration>,
    /// The service process was the same one throughout.
    pub same_process: bool,
    pub findings: Findings,
}

impl Trial {
    pub fn count(&self, status: Option<u16>) -> usize {
        self.during.iter().filter(|o| o.status == status).count()
    }

    pub fn max_latency(&self) -> Duration {
        self.during.iter().map(|o| o.latency).max().unwrap_or_default()
    }

    /// 503 or, for requests already running when it stopped, a 2xx they finished with;
    /// never a 500, another error, or no answer.
    pub fn clean(&self) -> bool {
        self.same_process
            && self.recovered_after.is_some()
            && self.readyz_503 == self.readyz_polls
            && self
                .during
                .iter()
                .all(|o| matches!(o.status, Some(503) | Some(200) | Some(201)))
            && self.findings.clean()
    }
}

pub struct Options {
    pub trials: usize,
    pub clients: usize,
    pub down_for: Duration,
    pub stop_window: (Duration, Duration),
}

pub async fn run(scratch: &Path, options: &Options) -> Result<Vec<Trial>, String> {
    let cluster = PgCluster::create()?;
    let database = Database::postgres(&cluster.url());
    let mut service = Service::new(scratch.join("data"), &database, scratch.join("server.log"));
    service.init();
    service.start();
    let client = reqwest::Client::new();
    service
        .wait_ready(&client, Duration::from_secs(30))
        .await
        .ok_or_else(|| format!("the server did not start:\n{}", service.log_tail()))?;
    let world = case_world(&client, &service.base, &database.parsed).await;
    let mut trials = Vec::new();
    for trial in 1..=options.trials {
        let (from, to) = options.stop_window;
        let stopped_after = rand::thread_rng().gen_range(from..=to);
        let pid = service.pids.last().copied();
        let load = Load::start(
            &service.base,
            &crate::workload::Script::of(&world),
            options.clients,
            HANG,
        );
        tokio::time::sleep(stopped_after).await;
        let down_at = load.started.elapsed();
        let stopping = Instant::now();
        let cluster_ref = &cluster;
        tokio::task::block_in_place(|| cluster_ref.stop_immediate())?;
        let mut readyz_polls = 0;
        let mut readyz_503 = 0;
        while stopping.elapsed() < options.down_for {
            readyz_polls += 1;
            if let Ok(response) = client
                .get(format!("{}/readyz", service.base))
                .timeout(HANG)
                .send()
                .await
                && response.status() == 503
            {
                readyz_503 += 1;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        tokio::task::block_in_place(|| cluster_ref.start())?;
        let up_at = load.started.elapsed();
        let started = Instant::now();
        // Let the load run on until a write is acknowledged after the restart, and a
        // second more; at most a minute.
        let mut recovered_after = None;
        while started.elapsed() < Duration::from_secs(60) {
            let acknowledged = load
                .record
                .outcomes()
                .iter()
                .any(|o| o.sent >= up_at && matches!(o.status, Some(200) | Some(201)));
            if acknowledged {
                recovered_after = Some(started.elapsed());
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        let record = load.finish().await;
        let during: Vec<Outcome> = record
            .outcomes()
            .into_iter()
            .filter(|o| o.sent + o.latency >= down_at && o.sent < up_at)
            .collect();
        let same_process = service.running() && service.pids.last().copied() == pid;
        let mut findings = Findings::default();
        check::acknowledged(&service.base, &world.officer_token, &record.acks(), &mut findings).await;
        let db = &database;
        let findings = tokio::task::block_in_place(|| {
            check::database(db, &mut findings);
            findings
        });
        let trial_result = Trial {
            stopped_after,
            during,
            readyz_polls,
            readyz_503,
            recovered_after,
            same_process,
            findings,
        };
        eprintln!(
            "  outage trial {trial}: stopped after {:.2} s; while down {} requests: {} × 503, {} × 2xx, {} × 500, {} unanswered, slowest {:.0} ms; readyz 503 {}/{}; first write after start {}; {}",
            stopped_after.as_secs_f64(),
            trial_result.during.len(),
            trial_result.count(Some(503)),
            trial_result.count(Some(200)) + trial_result.count(Some(201)),
            trial_result.count(Some(500)),
            trial_result.count(None),
            trial_result.max_latency().as_secs_f64() * 1000.0,
            readyz_503,
            readyz_polls,
            recovered_after.map_or("—".into(), |d| format!("{:.0} ms", d.as_secs_f64() * 1000.0)),
            if trial_result.findings.clean() {
                "nothing lost".to_string()
            } else {
                trial_result.findings.notes.join("; ")
            }
        );
        trials.push(trial_result);
    }
    drop(service);
    drop(database);
    drop(cluster);
    Ok(trials)
}
