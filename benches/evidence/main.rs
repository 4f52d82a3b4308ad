//! Evidence benchmark: uploads and downloads one large file (1 GiB by default) through the
//! release binary on each backend, and in the same run writes and reads the same bytes with
//! `dd` on the same disk. Also samples the server's resident memory and the CPU time of the
//! server, the client and the rest of the machine during the transfers (probe.rs).
//! Run through `bench/evidence`; prints a Markdown table and a PASS/FAIL line against the
//! targets (transfer ≥ 50 % of dd both ways, RSS growth during the upload < 64 MiB). It
//! never fails on a missed target: it is run by hand.
//!
//!   cargo bench --bench evidence -- [--size-mib 1024] [--trials 3] [--backends sqlite,postgres]
//!                                   [--pg-url URL] [--dir DIR]
//!
//! Every file (the test file, the server's data directory, dd's outputs, downloads) lives in
//! one temporary directory under `--dir` (default `$TMPDIR`, else /tmp), so all of them are on
//! one disk; it is removed at the end, on a panic and on Ctrl-C.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;
mod probe;

use std::fs::File;
use std::io::{Read, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::{case_world, machine, start_server};
use probe::{CpuMeter, CpuUse, Rss, RssSampler};
use serde_json::Value;
use sha2::{Digest, Sha256};

const MIB: u64 = 1 << 20;
/// Read and request-body chunk of the client and of the in-process figures, as dd's bs=1M.
const CHUNK: usize = 1 << 20;
const UPLOAD_RATIO_TARGET: f64 = 0.5;
const DOWNLOAD_RATIO_TARGET: f64 = 0.5;
const RSS_GROWTH_TARGET_MIB: f64 = 64.0;
/// Other processes busier than this during a trial make its figures suspect.
const CONTENDED_CORES: f64 = 0.25;

struct Args {
    size_mib: u64,
    trials: usize,
    backends: Vec<String>,
    pg_url: String,
    dir: PathBuf,
}

fn parse_args() -> Args {
    let mut args = Args {
        size_mib: 1024,
        trials: 3,
        backends: vec!["sqlite".into(), "postgres".into()],
        pg_url: std::env::var("BENCH_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into()),
        dir: std::env::temp_dir(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--size-mib" => args.size_mib = it.next().and_then(|s| s.parse().ok()).expect("--size-mib N"),
            "--trials" => args.trials = it.next().and_then(|s| s.parse().ok()).expect("--trials N"),
            "--backends" => {
                args.backends = it
                    .next()
                    .expect("--backends list")
                    .split(',')
                    .map(String::from)
                    .collect()
            }
            "--pg-url" => args.pg_url = it.next().expect("--pg-url URL"),
            "--dir" => args.dir = PathBuf::from(it.next().expect("--dir DIR")),
            "--bench" => {}
            other => panic!("unknown argument {other}"),
        }
    }
    assert!(
        args.size_mib >= 2,
        "--size-mib must be at least 2 (the range check reads the middle MiB)"
    );
    args
}

fn mib_per_s(bytes: u64, elapsed: Duration) -> f64 {
    bytes as f64 / MIB as f64 / elapsed.as_secs_f64()
}

/// `df -T` of a directory: device, filesystem type and mount point.
fn disk_of(dir: &Path) -> String {
    let out = Command::new("df").arg("-T").arg(dir).output();
    let text = out
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    match text.lines().nth(1).map(|l| l.split_whitespace().collect::<Vec<_>>()) {
        Some(f) if f.len() >= 7 => format!("{} ({}, mounted on {})", f[0], f[1], f[6]),
        _ => "unknown disk".into(),
    }
}

/// Bytes free on the filesystem holding `dir`.
fn available_bytes(dir: &Path) -> Option<u64> {
    let out = Command::new("df")
        .args(["-B1", "--output=avail"])
        .arg(dir)
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout).lines().nth(1)?.trim().parse().ok()
}

/// Writes `size` bytes of an xorshift64 stream (fast, incompressible enough) and fsyncs them.
fn generate(path: &Path, size: u64) -> std::io::Result<()> {
    let mut file = File::create(path)?;
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut buf = vec![0u8; CHUNK];
    for _ in 0..size / CHUNK as u64 {
        for word in buf.chunks_exact_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            word.copy_from_slice(&state.to_le_bytes());
        }
        file.write_all(&buf)?;
    }
    file.sync_all()
}

/// SHA-256 of a file read in `CHUNK`s, and how long reading and hashing took.
fn sha256_file(path: &Path) -> std::io::Result<(String, Duration)> {
    let started = Instant::now();
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok((hex::encode(hasher.finalize()), started.elapsed()))
}

/// What the server does with an upload, without HTTP or the database: read, hash, write a
/// temporary file, then fsync it, rename it, fsync the directory. One thread. Answers the
/// time to read, hash and write, and the time of the fsyncs and rename.
fn raw_store(source: &Path, dir: &Path) -> std::io::Result<(Duration, Duration)> {
    let started = Instant::now();
    let tmp = dir.join("raw-store.tmp");
    let stored = dir.join("raw-store.bin");
    let mut input = File::open(source)?;
    let mut output = File::create(&tmp)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = input.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        output.write_all(&buf[..n])?;
    }
    let _digest = hasher.finalize();
    let written = started.elapsed();
    output.sync_all()?;
    drop(output);
    std::fs::rename(&tmp, &stored)?;
    File::open(dir)?.sync_all()?;
    let synced = started.elapsed() - written;
    std::fs::remove_file(&stored)?;
    Ok((written, synced))
}

/// Runs dd with `args` and answers its wall time.
fn dd(args: &[String]) -> Result<Duration, String> {
    let started = Instant::now();
    let status = Command::new("dd")
        .args(args)
        .arg("status=none")
        .status()
        .map_err(|e| e.to_string())?;
    let elapsed = started.elapsed();
    status
        .success()
        .then_some(elapsed)
        .ok_or_else(|| format!("dd {args:?} failed: {status}"))
}

/// Drops a file's pages from the page cache (GNU dd: `iflag=nocache count=0`), so that the
/// next read of it comes from the disk.
fn evict(path: &Path) -> Result<(), String> {
    dd(&[
        format!("if={}", path.display()),
        "iflag=nocache".into(),
        "count=0".into(),
    ])
    .map(|_| ())
}

/// The request body: a thread reads the file in `CHUNK`s into a channel of four, so at
/// most a few MiB of it are in the client's memory at any time.
fn file_body(path: &Path) -> reqwest::Body {
    let (tx, rx) = tokio::sync::mpsc::channel::<std::io::Result<Vec<u8>>>(4);
    let path = path.to_path_buf();
    std::thread::spawn(move || {
        let mut file = match File::open(&path) {
            Ok(file) => file,
            Err(e) => {
                let _ = tx.blocking_send(Err(e));
                return;
            }
        };
        loop {
            let mut buf = vec![0u8; CHUNK];
            let n = match file.read(&mut buf) {
                Ok(0) => return,
                Ok(n) => n,
                Err(e) => {
                    let _ = tx.blocking_send(Err(e));
                    return;
                }
            };
            buf.truncate(n);
            if tx.blocking_send(Ok(buf)).is_err() {
                return;
            }
        }
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|chunk| (chunk, rx)) });
    reqwest::Body::wrap_stream(stream)
}

/// Where the server stored a content: `evidence/ab/cd/<sha256>` by the contract, else
/// wherever a file of that name is under `evidence/`.
fn find_stored(data_dir: &Path, sha: &str) -> Option<PathBuf> {
    let expected = data_dir.join("evidence").join(&sha[0..2]).join(&sha[2..4]).join(sha);
    if expected.is_file() {
        return Some(expected);
    }
    let mut stack = vec![data_dir.join("evidence")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).ok()?.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if entry.file_name() == sha {
                return Some(path);
            }
        }
    }
    None
}

/// One trial's figures. Throughputs in MiB/s, memory in MiB.
struct Trial {
    backend: String,
    trial: usize,
    sha256: f64,
    upload: f64,
    dd_write: f64,
    raw_store: f64,
    /// Seconds of the raw store spent in fsync, rename and directory fsync.
    raw_fsync_s: f64,
    download: f64,
    dd_read: f64,
    download_discard: f64,
    dd_read_null: f64,
    upload_rss: Rss,
    download_rss: Rss,
    upload_cpu: CpuUse,
    download_cpu: CpuUse,
    /// The whole trial: what other processes used meanwhile.
    trial_cpu: CpuUse,
    notes: Vec<String>,
}

/// What a trial works on: the server, the case, the test file and the scratch directory.
struct Bench<'a> {
    client: reqwest::Client,
    runtime: &'a tokio::runtime::Runtime,
    base: String,
    pid: u32,
    data_dir: PathBuf,
    token: String,
    case_id: String,
    source: PathBuf,
    scratch: PathBuf,
    size: u64,
}

impl Bench<'_> {
    fn upload(&self, sha: &str) -> Result<(Value, Duration), String> {
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("kind", "video")
            .append_pair("filename", "执法记录仪 bench.mp4")
            .append_pair(
                "captured_at",
                &(chrono::Utc::now() - chrono::TimeDelta::hours(1)).to_rfc3339(),
            )
            .append_pair("device", "DSJ-bench-01")
            .append_pair("description", "benchmark upload")
            .finish();
        let url = format!("{}/api/v1/cases/{}/evidence?{query}", self.base, self.case_id);
        let request = self
            .client
            .post(url)
            .bearer_auth(&self.token)
            .header("Content-Type", "application/octet-stream")
            .header("Content-Length", self.size)
            .header("X-Content-SHA256", sha)
            .body(file_body(&self.source));
        self.runtime.block_on(async {
            let started = Instant::now();
            let response = request.send().await.map_err(|e| format!("upload: {e}"))?;
            let status = response.status();
            let text = response.text().await.map_err(|e| format!("upload answer: {e}"))?;
            let elapsed = started.elapsed();
            if status != 201 {
                return Err(format!("upload answered {status}: {text}"));
            }
            let body: Value = serde_json::from_str(&text).map_err(|e| format!("upload answer {text}: {e}"))?;
            Ok((body, elapsed))
        })
    }

    /// Streams `GET /evidence/{id}/content` into `out`, or counts and drops the bytes when
    /// `out` is `None`; answers the time, the bytes received and the ETag.
    fn download(&self, evidence_id: &str, out: Option<&Path>) -> Result<(Duration, u64, String), String> {
        let url = format!("{}/api/v1/evidence/{evidence_id}/content", self.base);
        let request = self.client.get(url).bearer_auth(&self.token);
        self.runtime.block_on(async {
            let started = Instant::now();
            let mut response = request.send().await.map_err(|e| format!("download: {e}"))?;
            if response.status() != 200 {
                return Err(format!("download answered {}", response.status()));
            }
            let etag = response
                .headers()
                .get("etag")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            let mut file = out.map(File::create).transpose().map_err(|e| e.to_string())?;
            let mut received = 0u64;
            while let Some(chunk) = response.chunk().await.map_err(|e| format!("download body: {e}"))? {
                received += chunk.len() as u64;
                if let Some(file) = &mut file {
                    file.write_all(&chunk).map_err(|e| e.to_string())?;
                }
            }
            drop(file);
            Ok((started.elapsed(), received, etag))
        })
    }

    /// The middle MiB with `Range: bytes=a-b`: must answer 206 and the same bytes as the file.
    fn range_check(&self, evidence_id: &str) -> Result<(), String> {
        let first = self.size / 2 - MIB / 2;
        let last = first + MIB - 1;
        let url = format!("{}/api/v1/evidence/{evidence_id}/content", self.base);
        let request = self
            .client
            .get(url)
            .bearer_auth(&self.token)
            .header("Range", format!("bytes={first}-{last}"));
        let (status, content_range, body) = self.runtime.block_on(async {
            let response = request.send().await.map_err(|e| format!("range: {e}"))?;
            let status = response.status();
            let content_range = response
                .headers()
                .get("content-range")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            let body = response.bytes().await.map_err(|e| format!("range body: {e}"))?;
            Ok::<_, String>((status, content_range, body))
        })?;
        let mut expected = vec![0u8; MIB as usize];
        File::open(&self.source)
            .and_then(|f| f.read_exact_at(&mut expected, first))
            .map_err(|e| e.to_string())?;
        let wanted_range = format!("bytes {first}-{last}/{}", self.size);
        if status != 206 {
            Err(format!("range answered {status}, not 206"))
        } else if content_range != wanted_range {
            Err(format!("range: Content-Range {content_range:?}, not {wanted_range:?}"))
        } else if body.as_ref() != expected.as_slice() {
            Err(format!(
                "range: {} bytes that differ from the file's middle MiB",
                body.len()
            ))
        } else {
            Ok(())
        }
    }

    fn trial(&self, backend: &str, trial: usize, stamp: u64) -> Result<Trial, String> {
        let mut notes = Vec::new();
        let io = |e: std::io::Error| e.to_string();
        let trial_cpu = CpuMeter::start(self.pid);
        // A new first word each trial, so every upload is new content for the
        // content-addressed store.
        let file = std::fs::OpenOptions::new().write(true).open(&self.source).map_err(io)?;
        file.write_all_at(&stamp.to_le_bytes(), 0).map_err(io)?;
        file.sync_all().map_err(io)?;
        drop(file);
        let (sha, hash_time) = sha256_file(&self.source).map_err(io)?;

        eprintln!("   upload");
        let (rss, cpu) = (RssSampler::start(self.pid), CpuMeter::start(self.pid));
        let uploaded = self.upload(&sha);
        let (upload_cpu, upload_rss) = (cpu.finish(), rss.finish());
        let (body, upload_time) = uploaded?;
        if body["sha256"].as_str() != Some(sha.as_str()) || body["size_bytes"].as_u64() != Some(self.size) {
            notes.push(format!(
                "upload answered sha256 {} size_bytes {}, sent {sha} and {}",
                body["sha256"], body["size_bytes"], self.size
            ));
        }
        let evidence_id = body["id"].as_str().ok_or("upload answer without id")?.to_string();
        let stored = find_stored(&self.data_dir, &sha).ok_or("the stored file is not under evidence/")?;
        if !stored.ends_with(format!("{}/{}/{sha}", &sha[0..2], &sha[2..4])) {
            notes.push(format!("stored at {}, not evidence/ab/cd/<sha256>", stored.display()));
        }
        let leftovers = std::fs::read_dir(self.data_dir.join("evidence/tmp")).map_or(0, |d| d.count());
        if leftovers > 0 {
            notes.push(format!("{leftovers} file(s) left in evidence/tmp after the upload"));
        }

        eprintln!("   dd write, raw store");
        let dd_out = self.scratch.join("dd-write.out");
        let dd_write_time = dd(&[
            format!("if={}", self.source.display()),
            format!("of={}", dd_out.display()),
            "bs=1M".into(),
            "conv=fsync".into(),
        ])?;
        std::fs::remove_file(&dd_out).map_err(io)?;
        let (raw_write, raw_fsync) = raw_store(&self.source, &self.scratch).map_err(io)?;

        // Reads: the stored file is dropped from the page cache before each, so every one
        // reads it from the disk. First into a file on the same disk (no fsync), the
        // download checked by its SHA-256; then into nothing (/dev/null, bytes counted).
        eprintln!("   download and dd read, into a file");
        evict(&stored)?;
        let downloaded = self.scratch.join("download.out");
        let (rss, cpu) = (RssSampler::start(self.pid), CpuMeter::start(self.pid));
        let download = self.download(&evidence_id, Some(&downloaded));
        let (download_cpu, download_rss) = (cpu.finish(), rss.finish());
        let (download_time, _, etag) = download?;
        let (download_sha, _) = sha256_file(&downloaded).map_err(io)?;
        let download_size = std::fs::metadata(&downloaded).map_err(io)?.len();
        std::fs::remove_file(&downloaded).map_err(io)?;
        if download_sha != sha || download_size != self.size {
            notes.push(format!(
                "download: {download_size} bytes with sha256 {download_sha}, not {sha}"
            ));
        }
        if etag != format!("\"{sha}\"") {
            notes.push(format!("download: ETag {etag:?}, not \"\\\"{sha}\\\"\""));
        }
        evict(&stored)?;
        let dd_read_out = self.scratch.join("dd-read.out");
        let dd_read_time = dd(&[
            format!("if={}", stored.display()),
            format!("of={}", dd_read_out.display()),
            "bs=1M".into(),
        ])?;
        std::fs::remove_file(&dd_read_out).map_err(io)?;

        eprintln!("   download and dd read, into nothing");
        evict(&stored)?;
        let (discard_time, discard_size, _) = self.download(&evidence_id, None)?;
        if discard_size != self.size {
            notes.push(format!("download into nothing: {discard_size} bytes"));
        }
        evict(&stored)?;
        let dd_null_time = dd(&[
            format!("if={}", stored.display()),
            "of=/dev/null".into(),
            "bs=1M".into(),
        ])?;

        eprintln!("   range");
        if let Err(e) = self.range_check(&evidence_id) {
            notes.push(e);
        }
        // The next trial stores new content; this one is not read again, so its file goes
        // now to keep the run within four times the file size on disk.
        std::fs::remove_file(&stored).map_err(io)?;

        Ok(Trial {
            backend: backend.to_string(),
            trial,
            sha256: mib_per_s(self.size, hash_time),
            upload: mib_per_s(self.size, upload_time),
            dd_write: mib_per_s(self.size, dd_write_time),
            raw_store: mib_per_s(self.size, raw_write + raw_fsync),
            raw_fsync_s: raw_fsync.as_secs_f64(),
            download: mib_per_s(self.size, download_time),
            dd_read: mib_per_s(self.size, dd_read_time),
            download_discard: mib_per_s(self.size, discard_time),
            dd_read_null: mib_per_s(self.size, dd_null_time),
            upload_rss,
            download_rss,
            upload_cpu,
            download_cpu,
            trial_cpu: trial_cpu.finish(),
            notes,
        })
    }
}

fn trial_label(trial: usize) -> String {
    if trial == 0 {
        "0 (warm-up)".into()
    } else {
        trial.to_string()
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

fn print_tables(trials: &[Trial]) {
    println!();
    println!(
        "| backend | trial | upload MiB/s | dd write MiB/s | upload ÷ dd | download MiB/s | dd read MiB/s | download ÷ dd \
         | RSS before MiB | RSS peak MiB | RSS growth MiB | download → nothing MiB/s | dd read → /dev/null MiB/s | ÷ |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for t in trials {
        println!(
            "| {} | {} | {:.0} | {:.0} | {:.2} | {:.0} | {:.0} | {:.2} | {:.1} | {:.1} | {:.1} | {:.0} | {:.0} | {:.2} |",
            t.backend,
            trial_label(t.trial),
            t.upload,
            t.dd_write,
            t.upload / t.dd_write,
            t.download,
            t.dd_read,
            t.download / t.dd_read,
            t.upload_rss.before,
            t.upload_rss.peak,
            t.upload_rss.growth(),
            t.download_discard,
            t.dd_read_null,
            t.download_discard / t.dd_read_null,
        );
    }
    println!();
    println!(
        "upload: the file (in the page cache) streamed by an in-process HTTP client in 1 MiB chunks, until the \
         201 answer; dd write: `dd bs=1M conv=fsync` of the same file on the same disk. download: the stored \
         file streamed into a file on the same disk (no fsync); dd read: `dd bs=1M` of the stored file into a \
         file (no fsync); → nothing / → /dev/null: the same reads with the bytes dropped. The stored file is \
         evicted from the page cache before every read. RSS: the server's VmRSS sampled every 20 ms, and VmHWM."
    );
    println!();
    println!(
        "| backend | trial | upload s | server CPU (cores) | busiest server threads (cores) | client CPU (cores) \
         | other processes (cores) | iowait (cores) | raw store MiB/s | raw store fsync s | sha256 MiB/s \
         | download server CPU (cores) | download RSS growth MiB | other processes over the trial (cores) |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for t in trials {
        let u = &t.upload_cpu;
        println!(
            "| {} | {} | {:.2} | {:.2} | {} | {:.2} | {:.2} | {:.2} | {:.0} | {:.2} | {:.0} | {:.2} | {:.1} | {:.2} |",
            t.backend,
            trial_label(t.trial),
            u.seconds,
            u.server,
            u.busiest_threads
                .iter()
                .map(|(name, cores)| format!("{cores:.2} {}", name.replace('|', "\\|")))
                .collect::<Vec<_>>()
                .join(", "),
            u.bench,
            u.others(),
            u.iowait,
            t.raw_store,
            t.raw_fsync_s,
            t.sha256,
            t.download_cpu.server,
            t.download_rss.growth(),
            t.trial_cpu.others(),
        );
    }
    println!();
    println!(
        "CPU from /proc (utime+stime) over the upload, in cores = CPU seconds per wall second; client = this \
         process (HTTP client, file reader, sampler); other processes = machine busy time minus server and \
         this benchmark (its waited-for dd children included over the trial). raw store: read + SHA-256 + \
         write + fsync + rename + directory fsync in one thread of this process (what the server does, \
         without HTTP or the database); sha256: read + SHA-256 in this process."
    );
}

fn print_verdict(trials: &[Trial], failures: &[String]) {
    for t in trials {
        println!(
            "{} trial {}: {} RSS samples during the upload, {} during the download; {}",
            t.backend,
            trial_label(t.trial),
            t.upload_rss.samples,
            t.download_rss.samples,
            if t.notes.is_empty() {
                "checks (sha256, size, ETag, Range 206 and bytes, no temp file left) passed".to_string()
            } else {
                format!("CHECK FAILED: {}", t.notes.join("; "))
            }
        );
    }
    for f in failures {
        println!("TRIAL FAILED: {f}");
    }
    let mut backends: Vec<&str> = trials.iter().map(|t| t.backend.as_str()).collect();
    backends.dedup();
    let mut all = failures.is_empty() && !trials.is_empty();
    let verdict = |ok: bool| if ok { "PASS" } else { "FAIL" };
    for backend in backends {
        let counted = || trials.iter().filter(|t| t.backend == backend && t.trial > 0);
        let of = |f: &dyn Fn(&Trial) -> f64| median(counted().map(f).collect());
        let up = of(&|t| t.upload / t.dd_write);
        let down = of(&|t| t.download / t.dd_read);
        let discard = of(&|t| t.download_discard / t.dd_read_null);
        let growth = counted().map(|t| t.upload_rss.growth()).fold(0.0, f64::max);
        let checks = trials
            .iter()
            .filter(|t| t.backend == backend)
            .all(|t| t.notes.is_empty());
        let (up_ok, down_ok, rss_ok) = (
            up >= UPLOAD_RATIO_TARGET,
            down >= DOWNLOAD_RATIO_TARGET && discard >= DOWNLOAD_RATIO_TARGET,
            growth < RSS_GROWTH_TARGET_MIB,
        );
        all &= up_ok && down_ok && rss_ok && checks;
        println!(
            "{backend}: upload {up:.2} of dd (median) {}; download {down:.2} of dd into a file, {discard:.2} into \
             nothing (medians) {}; RSS growth during the upload {growth:.1} MiB (worst) {}; checks {}",
            verdict(up_ok),
            verdict(down_ok),
            verdict(rss_ok),
            verdict(checks)
        );
    }
    let counted = || trials.iter().filter(|t| t.trial > 0);
    let (low, high) = counted().fold((f64::MAX, 0.0f64), |(lo, hi), t| {
        (lo.min(t.dd_write), hi.max(t.dd_write))
    });
    if low <= high {
        println!("dd write ranged {low:.0}–{high:.0} MiB/s over the counted trials");
    }
    let busy: Vec<String> = counted()
        .filter(|t| t.upload_cpu.others() > CONTENDED_CORES || t.trial_cpu.others() > CONTENDED_CORES)
        .map(|t| format!("{} {}", t.backend, t.trial))
        .collect();
    if !busy.is_empty() {
        println!(
            "CONTENDED: other processes used more than {CONTENDED_CORES} cores during trial(s) {}; their figures \
             measure a shared machine",
            busy.join(", ")
        );
    }
    println!(
        "{}: targets upload and download ≥ {:.0} % of dd, RSS growth during the upload < {RSS_GROWTH_TARGET_MIB:.0} MiB",
        verdict(all),
        UPLOAD_RATIO_TARGET * 100.0
    );
}

fn main() {
    let args = parse_args();
    let size = args.size_mib * MIB;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let work = tempfile::Builder::new()
        .prefix("enforcement-evidence-bench-")
        .tempdir_in(&args.dir)
        .expect("a scratch directory under --dir");
    // Ctrl-C: remove the gigabytes before leaving (the server gets the signal too).
    let work_path = work.path().to_path_buf();
    runtime.spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            let _ = std::fs::remove_dir_all(&work_path);
            eprintln!("interrupted; removed {}", work_path.display());
            std::process::exit(130);
        }
    });
    let needed = 4 * size + 256 * MIB;
    let available = available_bytes(work.path()).unwrap_or(u64::MAX);
    assert!(
        available >= needed,
        "{} has {} MiB free; the run needs about {} MiB",
        work.path().display(),
        available / MIB,
        needed / MIB
    );

    println!("machine: {}", machine());
    println!(
        "files: {} on {}; {} MiB test file, {} trial(s) per backend",
        work.path().display(),
        disk_of(work.path()),
        args.size_mib,
        args.trials
    );
    let source = work.path().join("source.bin");
    eprintln!("== generating {} MiB", args.size_mib);
    generate(&source, size).expect("the test file");

    let mut trials = Vec::new();
    let mut failures = Vec::new();
    for (b, backend) in args.backends.iter().enumerate() {
        eprintln!("== {backend}: starting the release binary");
        let server = start_server(backend, &args.pg_url, work.path());
        let client = reqwest::Client::new();
        let world = runtime.block_on(case_world(&client, &server.base, &server.database));
        let case_id = runtime.block_on(async {
            let body: Value = client
                .post(format!("{}/api/v1/cases", server.base))
                .bearer_auth(&world.officer_token)
                .json(&world.case_body)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            body["id"].as_str().expect("a case").to_string()
        });
        let bench = Bench {
            client,
            runtime: &runtime,
            base: server.base.clone(),
            pid: server.pid(),
            data_dir: server.dir.path().to_path_buf(),
            token: world.officer_token.clone(),
            case_id,
            source: source.clone(),
            scratch: work.path().to_path_buf(),
            size,
        };
        // Trial 0, on the first backend only, warms the disk up and is left out of the
        // verdict: on a VM disk, blocks never written before are much slower to write than
        // blocks freed a moment ago, and the trials free what they write.
        let first = if b == 0 { 0 } else { 1 };
        for trial in first..=args.trials {
            eprintln!("== {backend}: trial {trial}");
            let stamp = (b * (args.trials + 1) + trial + 1) as u64;
            match bench.trial(backend, trial, stamp) {
                Ok(t) => trials.push(t),
                Err(e) => failures.push(format!("{backend} trial {trial}: {e}")),
            }
        }
        drop(server);
    }
    print_tables(&trials);
    println!();
    print_verdict(&trials, &failures);
}
