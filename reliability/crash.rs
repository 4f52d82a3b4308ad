//! Item 1: the service killed (SIGKILL) at a random moment under a load of case creation
//! and steps, and started again on the same database: what it acknowledged is all there.

use std::path::Path;
use std::time::Duration;

use rand::Rng;

use crate::check::{self, Findings};
use crate::common::case_world;
use crate::service::{Database, Service};
use crate::workload::Load;

/// Ready again within this, or the trial fails.
pub const READY_LIMIT: Duration = Duration::from_secs(5);

pub struct Trial {
    /// How long the load ran before the kill.
    pub killed_after: Duration,
    /// From the new process's start to the first 200 of `/readyz`; `None`: not within the limit.
    pub ready_after: Option<Duration>,
    /// Requests that got no answer because of the kill (outcome unknown to the client).
    pub unanswered: usize,
    pub findings: Findings,
}

pub struct Options {
    pub trials: usize,
    pub clients: usize,
    /// The kill comes uniformly within this window after the load starts.
    pub kill_window: (Duration, Duration),
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
    let mut trials = Vec::new();
    for trial in 1..=options.trials {
        let (from, to) = options.kill_window;
        let killed_after = rand::thread_rng().gen_range(from..=to);
        let load = Load::start(
            &service.base,
            &crate::workload::Script::of(&world),
            options.clients,
            Duration::from_secs(30),
        );
        tokio::time::sleep(killed_after).await;
        service.kill9();
        let record = load.finish().await;
        service.start();
        let ready_after = service.wait_ready(&client, READY_LIMIT).await;
        if ready_after.is_none() {
            // Give it longer so that the checks can still run, but the trial has failed.
            service.wait_ready(&client, Duration::from_secs(60)).await;
        }
        let unanswered = record.outcomes().iter().filter(|o| o.status.is_none()).count();
        let mut findings = Findings::default();
        check::acknowledged(&service.base, &world.officer_token, &record.acks(), &mut findings).await;
        let db = &database;
        let findings = tokio::task::block_in_place(|| {
            check::database(db, &mut findings);
            findings
        });
        eprintln!(
            "  {backend} crash trial {trial}: killed after {:.2} s, {} cases acknowledged, ready after {}, {}",
            killed_after.as_secs_f64(),
            findings.acked_cases,
            ready_after.map_or("—".into(), |d| format!("{:.0} ms", d.as_secs_f64() * 1000.0)),
            if findings.clean() {
                "clean".to_string()
            } else {
                findings.notes.join("; ")
            }
        );
        trials.push(Trial {
            killed_after,
            ready_after,
            unanswered,
            findings,
        });
    }
    trials
}
