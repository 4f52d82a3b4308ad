//! Issue 14 (8): a login flood. 200 logins sent at once to the release server — half with
//! the right password of one of ten users, half with a wrong one for names that do not
//! exist (which cost the same argon2id hash) — while the server's resident memory is
//! sampled from /proc/<pid>/status. Password hashing runs at most
//! ENFORCEMENT_PASSWORD_HASHING_CONCURRENCY at once (19 MiB each) and a login that cannot
//! start within ENFORCEMENT_PASSWORD_HASHING_WAIT_MS gets 429: so every answer must come
//! within that wait and a margin, memory must stay far below what 200 hashes at once
//! would take, and when the hashers cannot get through the flood within the wait some
//! logins must be turned away (429) rather than queued. Run once with the shipped defaults
//! and once with a short wait, which turns most of the flood away.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::{ADMIN_PASSWORD, login};
use crate::service::{Database, Service};

/// Memory of one argon2id hash (m = 19 MiB).
const HASH_MIB: u64 = 19;
/// Users whose right password half the flood sends.
const USERS: usize = 10;

pub struct Options {
    /// Logins sent at once.
    pub requests: usize,
    /// ENFORCEMENT_PASSWORD_HASHING_WAIT_MS of each run; `None`: the shipped default.
    pub waits_ms: Vec<Option<u64>>,
}

/// How a login was answered.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum Answer {
    Ok,
    Unauthorized,
    /// 429 from the password gate ("too many logins at once").
    Saturated,
    /// 429 from the failed-login throttles (per username or address).
    Throttled,
    Unavailable,
    /// Any other status.
    Other(u16),
    /// No answer within the client's 30 s, or a connection error.
    None,
}

pub struct Trial {
    pub wait: Duration,
    pub concurrency: usize,
    pub requests: usize,
    pub answers: BTreeMap<Answer, usize>,
    /// A right password answered 401, or a wrong one 200.
    pub misjudged: usize,
    pub latencies: Vec<Duration>,
    /// The slowest answer of each kind.
    pub slowest: BTreeMap<Answer, Duration>,
    /// One login alone, before the flood.
    pub single: Duration,
    pub flood_took: Duration,
    pub rss_before_mib: f64,
    pub rss_peak_mib: f64,
    pub rss_after_mib: f64,
    pub latency_bound: Duration,
    pub rss_bound_mib: f64,
}

impl Trial {
    pub fn count(&self, answer: Answer) -> usize {
        self.answers.get(&answer).copied().unwrap_or(0)
    }

    pub fn percentile(&self, share: f64) -> Duration {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        if sorted.is_empty() {
            return Duration::ZERO;
        }
        let index = ((sorted.len() as f64 * share).ceil() as usize).clamp(1, sorted.len()) - 1;
        sorted[index]
    }

    pub fn max_latency(&self) -> Duration {
        self.latencies.iter().copied().max().unwrap_or_default()
    }

    pub fn rss_growth_mib(&self) -> f64 {
        self.rss_peak_mib - self.rss_before_mib
    }

    /// Whether the hashers could not have hashed the whole flood within twice the wait
    /// (by the time a login alone took): then a gate that works turns some logins away, and
    /// none turned away means they queued.
    pub fn must_turn_away(&self) -> bool {
        self.single * self.requests as u32 / self.concurrency.max(1) as u32 > self.wait * 2
    }

    /// Every login answered 200, 401, 429 or 503 and judged right, none later than the
    /// bound, memory within its bound, and some turned away when they must be.
    pub fn clean(&self) -> bool {
        let expected = self.count(Answer::Ok)
            + self.count(Answer::Unauthorized)
            + self.count(Answer::Saturated)
            + self.count(Answer::Throttled)
            + self.count(Answer::Unavailable);
        expected == self.requests
            && self.misjudged == 0
            && self.max_latency() <= self.latency_bound
            && self.rss_growth_mib() <= self.rss_bound_mib
            && (!self.must_turn_away() || self.count(Answer::Saturated) > 0)
    }
}

/// A `Vm…` line of /proc/<pid>/status, in KiB.
fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The server's VmRSS sampled every 5 ms on a thread of its own until stopped; the peak is
/// the highest sample, or VmHWM when that rose meanwhile (the exact peak, even between
/// two samples).
struct RssSampler {
    pid: u32,
    hwm_before: u64,
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<u64>,
}

impl RssSampler {
    fn start(pid: u32) -> RssSampler {
        let hwm_before = status_kib(pid, "VmHWM:").unwrap_or(0);
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut peak = 0;
            while !flag.load(Ordering::Relaxed) {
                peak = peak.max(status_kib(pid, "VmRSS:").unwrap_or(0));
                std::thread::sleep(Duration::from_millis(5));
            }
            peak
        });
        RssSampler {
            pid,
            hwm_before,
            stop,
            thread,
        }
    }

    fn peak_kib(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        let sampled = self.thread.join().unwrap_or(0);
        let hwm = status_kib(self.pid, "VmHWM:").unwrap_or(0);
        if hwm > self.hwm_before {
            sampled.max(hwm)
        } else {
            sampled
        }
    }
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// One login, timed to its whole answer.
async fn attempt(client: reqwest::Client, url: String, username: String, password: String) -> (Answer, Duration) {
    let started = Instant::now();
    let sent = client
        .post(url)
        .json(&json!({"username": username, "password": password}))
        .send()
        .await;
    let answer = match sent {
        Err(_) => Answer::None,
        Ok(response) => {
            let status = response.status().as_u16();
            let body = response.text().await.unwrap_or_default();
            match status {
                200 => Answer::Ok,
                401 => Answer::Unauthorized,
                429 if body.contains("too many logins at once") => Answer::Saturated,
                429 => Answer::Throttled,
                503 => Answer::Unavailable,
                other => Answer::Other(other),
            }
        }
    };
    (answer, started.elapsed())
}

pub async fn run(backend: &str, database: Database, scratch: &std::path::Path, options: &Options) -> Vec<Trial> {
    let mut trials = Vec::new();
    let concurrency = std::thread::available_parallelism().map_or(2, |n| n.get());
    for (run, wait_ms) in options.waits_ms.iter().enumerate() {
        let wait = wait_ms.map_or(Duration::from_secs(5), Duration::from_millis);
        let data = scratch.join(format!("data-{run}"));
        let mut service = Service::new(data, &database, scratch.join(format!("server-{run}.log")));
        if let Some(wait_ms) = wait_ms {
            service.env("ENFORCEMENT_PASSWORD_HASHING_WAIT_MS", wait_ms.to_string());
        }
        if run == 0 {
            service.init();
        }
        service.start();
        let setup = reqwest::Client::new();
        service
            .wait_ready(&setup, Duration::from_secs(30))
            .await
            .unwrap_or_else(|| panic!("{backend}: the server did not start:\n{}", service.log_tail()));
        let admin = login(&setup, &service.base, "admin").await;
        let users: Vec<String> = (0..USERS).map(|i| format!("flood{run}.user{i}")).collect();
        for username in &users {
            let created: Value = setup
                .post(format!("{}/api/v1/users", service.base))
                .bearer_auth(&admin)
                .json(
                    &json!({"username": username, "display_name": username, "password": ADMIN_PASSWORD,
                    "roles": ["supervisor"]}),
                )
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert!(created["id"].is_string(), "{created}");
        }
        // One login alone: what a hash and its database work take on this machine now.
        let (answer, single) = attempt(
            setup.clone(),
            format!("{}/api/v1/auth/login", service.base),
            users[0].clone(),
            ADMIN_PASSWORD.into(),
        )
        .await;
        assert_eq!(answer, Answer::Ok);
        tokio::time::sleep(Duration::from_millis(500)).await;
        let pid = *service.pids.last().unwrap();
        let before_kib = status_kib(pid, "VmRSS:").unwrap_or(0);
        let sampler = RssSampler::start(pid);
        // Its own connection for each login, as 200 separate clients would have.
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        let url = format!("{}/api/v1/auth/login", service.base);
        let started = Instant::now();
        let pending: Vec<_> = (0..options.requests)
            .map(|i| {
                let right = i % 2 == 0;
                let (username, password) = if right {
                    (users[(i / 2) % USERS].clone(), ADMIN_PASSWORD.to_string())
                } else {
                    (format!("intruder{run}.{i}"), format!("wrong-password-{i}"))
                };
                (
                    right,
                    tokio::spawn(attempt(client.clone(), url.clone(), username, password)),
                )
            })
            .collect();
        let mut answers = BTreeMap::new();
        let mut latencies = Vec::new();
        let mut slowest = BTreeMap::new();
        let mut misjudged = 0;
        for (right, handle) in pending {
            let (answer, took) = handle.await.unwrap();
            *answers.entry(answer).or_insert(0) += 1;
            let slowest = slowest.entry(answer).or_insert(took);
            *slowest = (*slowest).max(took);
            latencies.push(took);
            if (right && answer == Answer::Unauthorized) || (!right && answer == Answer::Ok) {
                misjudged += 1;
            }
        }
        let flood_took = started.elapsed();
        let peak_kib = sampler.peak_kib();
        tokio::time::sleep(Duration::from_secs(2)).await;
        let after_kib = status_kib(pid, "VmRSS:").unwrap_or(0);
        let trial = Trial {
            wait,
            concurrency,
            requests: options.requests,
            answers,
            misjudged,
            latencies,
            slowest,
            single,
            flood_took,
            rss_before_mib: mib(before_kib),
            rss_peak_mib: mib(peak_kib),
            rss_after_mib: mib(after_kib),
            // The wait for a hasher, then one hash and the login's database work (at most
            // a few times what a login alone took), and 2 s of slack for 200 connections
            // on a busy machine (stalls of a second were seen with builds running beside).
            latency_bound: wait + single * 4 + Duration::from_secs(2),
            // The hashes that may run at once, twice over for the allocator keeping freed
            // hash memory in more than one arena, and 64 MiB for connections and buffers:
            // a flood hashed all at once would take 200 × 19 MiB = 3.7 GiB.
            rss_bound_mib: (2 * concurrency as u64 * HASH_MIB + 64) as f64,
        };
        eprintln!(
            "  {backend} login flood, wait {} ms: {:?} in {} ms; latency p50 {} / p95 {} / max {} ms (slowest by answer {:?}; bound {} ms, one login alone {} ms); RSS {:.0} → peak {:.0} → {:.0} MiB after (growth {:.0}, bound {:.0}); {}",
            trial.wait.as_millis(),
            trial.answers,
            trial.flood_took.as_millis(),
            trial.percentile(0.5).as_millis(),
            trial.percentile(0.95).as_millis(),
            trial.max_latency().as_millis(),
            trial.slowest,
            trial.latency_bound.as_millis(),
            trial.single.as_millis(),
            trial.rss_before_mib,
            trial.rss_peak_mib,
            trial.rss_after_mib,
            trial.rss_growth_mib(),
            trial.rss_bound_mib,
            if trial.clean() { "clean" } else { "FAILED" },
        );
        service.kill9();
        trials.push(trial);
    }
    trials
}
