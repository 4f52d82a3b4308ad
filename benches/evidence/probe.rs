//! What /proc tells about a transfer: the server's resident memory, sampled on a thread of
//! its own, and the CPU time of the server (per thread), of this process, of the children
//! it waited for (dd) and of the whole machine, to see what bounds a transfer and whether
//! something else was running.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// A `Vm…` line of /proc/<pid>/status, in KiB.
fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Resident memory of the server around one transfer, in MiB.
#[derive(Clone, Copy)]
pub struct Rss {
    pub before: f64,
    pub peak: f64,
    pub samples: usize,
}

impl Rss {
    pub fn growth(&self) -> f64 {
        self.peak - self.before
    }
}

/// Samples the server's VmRSS every 20 ms on a thread of its own while a transfer runs.
pub struct RssSampler {
    pid: u32,
    before_kib: u64,
    hwm_before_kib: u64,
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<(u64, usize)>,
}

impl RssSampler {
    pub fn start(pid: u32) -> RssSampler {
        let before_kib = status_kib(pid, "VmRSS:").unwrap_or(0);
        let hwm_before_kib = status_kib(pid, "VmHWM:").unwrap_or(0);
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let (mut peak, mut samples) = (0, 0);
            while !flag.load(Ordering::Relaxed) {
                if let Some(rss) = status_kib(pid, "VmRSS:") {
                    peak = peak.max(rss);
                    samples += 1;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            (peak, samples)
        });
        RssSampler {
            pid,
            before_kib,
            hwm_before_kib,
            stop,
            thread,
        }
    }

    /// The peak is the highest sample, or the process's high-water mark when that rose
    /// during the transfer (it then is the exact peak, even between two samples).
    pub fn finish(self) -> Rss {
        self.stop.store(true, Ordering::Relaxed);
        let (sampled, samples) = self.thread.join().unwrap_or((0, 0));
        let hwm_after = status_kib(self.pid, "VmHWM:").unwrap_or(0);
        let mut peak = sampled.max(self.before_kib);
        if hwm_after > self.hwm_before_kib {
            peak = peak.max(hwm_after);
        }
        Rss {
            before: self.before_kib as f64 / 1024.0,
            peak: peak as f64 / 1024.0,
            samples,
        }
    }
}

/// Fields of a /proc/…/stat line after the command name, which may hold spaces.
fn stat_fields(path: &str) -> Option<(String, Vec<u64>)> {
    let text = std::fs::read_to_string(path).ok()?;
    let open = text.find('(')?;
    let close = text.rfind(')')?;
    let comm = text[open + 1..close].to_string();
    // Field 3 (state) is not a number; keep its place so indexes stay the man page's − 3.
    let fields = text[close + 1..]
        .split_whitespace()
        .map(|f| f.parse().unwrap_or(0))
        .collect();
    Some((comm, fields))
}

/// utime + stime (fields 14 and 15), and with `children` cutime + cstime (16 and 17), in ticks.
fn cpu_ticks(path: &str, children: bool) -> u64 {
    stat_fields(path).map_or(0, |(_, f)| {
        let own = f.get(11).unwrap_or(&0) + f.get(12).unwrap_or(&0);
        let waited = if children {
            f.get(13).unwrap_or(&0) + f.get(14).unwrap_or(&0)
        } else {
            0
        };
        own + waited
    })
}

/// Busy and iowait ticks of the whole machine (first line of /proc/stat).
fn machine_ticks() -> (u64, u64) {
    let text = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let values: Vec<u64> = text
        .lines()
        .next()
        .unwrap_or("")
        .split_whitespace()
        .skip(1)
        .map(|v| v.parse().unwrap_or(0))
        .collect();
    // user nice system idle iowait irq softirq steal; guest time is inside user already.
    let total: u64 = values.iter().take(8).sum();
    let idle = values.get(3).copied().unwrap_or(0);
    let iowait = values.get(4).copied().unwrap_or(0);
    (total - idle - iowait, iowait)
}

/// CPU ticks of each of the server's threads, by thread id, with its name.
fn thread_ticks(pid: u32) -> HashMap<String, (String, u64)> {
    let mut threads = HashMap::new();
    if let Ok(dir) = std::fs::read_dir(format!("/proc/{pid}/task")) {
        for entry in dir.flatten() {
            let tid = entry.file_name().to_string_lossy().into_owned();
            if let Some((comm, f)) = stat_fields(&format!("/proc/{pid}/task/{tid}/stat")) {
                let ticks = f.get(11).unwrap_or(&0) + f.get(12).unwrap_or(&0);
                threads.insert(tid, (comm, ticks));
            }
        }
    }
    threads
}

/// CPU use over an interval, in cores (CPU seconds per wall second).
#[derive(Clone, Default)]
pub struct CpuUse {
    pub seconds: f64,
    pub server: f64,
    /// The two busiest threads of the server (name, cores).
    pub busiest_threads: Vec<(String, f64)>,
    /// This process (client, sampler) and the children it waited for (dd).
    pub bench: f64,
    pub machine: f64,
    pub iowait: f64,
}

impl CpuUse {
    /// What neither the server nor this benchmark used: other work on the machine.
    pub fn others(&self) -> f64 {
        (self.machine - self.server - self.bench).max(0.0)
    }
}

pub struct CpuMeter {
    pid: u32,
    at: Instant,
    server: u64,
    threads: HashMap<String, (String, u64)>,
    bench: u64,
    machine: (u64, u64),
}

fn ticks_per_second() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(100.0)
}

impl CpuMeter {
    pub fn start(pid: u32) -> CpuMeter {
        CpuMeter {
            pid,
            at: Instant::now(),
            server: cpu_ticks(&format!("/proc/{pid}/stat"), false),
            threads: thread_ticks(pid),
            bench: cpu_ticks("/proc/self/stat", true),
            machine: machine_ticks(),
        }
    }

    pub fn finish(self) -> CpuUse {
        let seconds = self.at.elapsed().as_secs_f64();
        let cores = |ticks: u64| ticks as f64 / ticks_per_second() / seconds;
        let server = cpu_ticks(&format!("/proc/{}/stat", self.pid), false);
        let bench = cpu_ticks("/proc/self/stat", true);
        let (busy, iowait) = machine_ticks();
        let mut threads: Vec<(String, u64)> = thread_ticks(self.pid)
            .into_iter()
            .map(|(tid, (comm, ticks))| {
                let before = self.threads.get(&tid).map_or(0, |t| t.1);
                (comm, ticks.saturating_sub(before))
            })
            .collect();
        threads.sort_by_key(|t| std::cmp::Reverse(t.1));
        let busiest_threads = threads
            .into_iter()
            .take(2)
            .map(|(comm, ticks)| (comm, cores(ticks)))
            .collect();
        CpuUse {
            seconds,
            server: cores(server.saturating_sub(self.server)),
            busiest_threads,
            bench: cores(bench.saturating_sub(self.bench)),
            machine: cores(busy.saturating_sub(self.machine.0)),
            iowait: cores(iowait.saturating_sub(self.machine.1)),
        }
    }
}
