//! The release `enforcement serve` as a process that is killed and started again on the
//! same database and data directory; the databases it runs on; and a private, throwaway
//! PostgreSQL cluster that may be stopped without disturbing anyone else's.

use std::fs::OpenOptions;
use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use diesel::{Connection, PgConnection, RunQueryDsl};
use enforcement::db::{DatabaseUrl, DbConn};

use crate::common::{ADMIN_PASSWORD, binary};

const JWT_SECRET: &str = "reliability-secret-reliability-secret-0001";

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A database for one scenario: an SQLite file, or a new PostgreSQL database (dropped at
/// the end when its server is still up).
pub struct Database {
    /// What `DATABASE_URL` says.
    pub url: String,
    pub parsed: DatabaseUrl,
    pg_drop: Option<(String, String)>,
}

impl Database {
    pub fn sqlite(dir: &Path) -> Self {
        let url = format!("sqlite://{}", dir.join("enforcement.db").display());
        Database {
            parsed: DatabaseUrl::parse(&url).unwrap(),
            url,
            pg_drop: None,
        }
    }

    /// A new database on the PostgreSQL server of `server_url` (a URL ending in a database
    /// name, e.g. `/postgres`).
    pub fn postgres(server_url: &str) -> Self {
        let name = format!("enf_rel_{}", uuid::Uuid::now_v7().simple());
        let mut conn = PgConnection::establish(server_url)
            .unwrap_or_else(|e| panic!("PostgreSQL at {server_url} for the reliability runs: {e}"));
        diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
            .execute(&mut conn)
            .unwrap();
        let base = server_url.rsplit_once('/').map_or(server_url, |(b, _)| b);
        let url = format!("{base}/{name}");
        Database {
            parsed: DatabaseUrl::parse(&url).unwrap(),
            url,
            pg_drop: Some((server_url.to_string(), name)),
        }
    }

    pub fn connect(&self) -> DbConn {
        enforcement::db::establish(&self.parsed).unwrap()
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Some((server_url, name)) = &self.pg_drop
            && let Ok(mut conn) = PgConnection::establish(server_url)
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).execute(&mut conn);
        }
    }
}

/// `enforcement serve` on a fixed port, its output appended to a log file.
pub struct Service {
    pub data_dir: PathBuf,
    pub base: String,
    database_url: String,
    port: u16,
    log: PathBuf,
    child: Option<Child>,
    /// Process ids of every start, in order.
    pub pids: Vec<u32>,
    /// More environment for the server, e.g. a limit to try.
    env: Vec<(String, String)>,
}

impl Service {
    pub fn new(data_dir: PathBuf, database: &Database, log: PathBuf) -> Self {
        std::fs::create_dir_all(&data_dir).unwrap();
        let port = free_port();
        Service {
            data_dir,
            base: format!("http://127.0.0.1:{port}"),
            database_url: database.url.clone(),
            port,
            log,
            child: None,
            pids: Vec::new(),
            env: Vec::new(),
        }
    }

    /// Sets an environment variable for the next starts.
    pub fn env(&mut self, name: &str, value: String) {
        self.env.push((name.to_string(), value));
    }

    fn command(&self) -> Command {
        let log = OpenOptions::new().create(true).append(true).open(&self.log).unwrap();
        let mut command = Command::new(binary());
        command
            .env("DATABASE_URL", &self.database_url)
            .env("ENFORCEMENT_DATA_DIR", &self.data_dir)
            .env("ENFORCEMENT_JWT_SECRET", JWT_SECRET)
            .env("ENFORCEMENT_ADDR", format!("127.0.0.1:{}", self.port))
            .env("RUST_LOG", "warn")
            .envs(self.env.iter().map(|(name, value)| (name, value)))
            .stdout(log.try_clone().unwrap())
            .stderr(log);
        command
    }

    /// `enforcement init`: the agency XF and its admin.
    pub fn init(&self) {
        let mut init = self.command();
        init.args([
            "init",
            "--agency-name",
            "学府街道办事处",
            "--agency-code",
            "XF",
            "--case-prefix",
            "学府",
            "--admin-username",
            "admin",
        ])
        .stdin(Stdio::piped());
        let mut child = init
            .spawn()
            .expect("run the release binary (cargo build --release first)");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{ADMIN_PASSWORD}\n").as_bytes())
            .unwrap();
        assert!(
            child.wait().unwrap().success(),
            "init failed; see {}",
            self.log.display()
        );
    }

    /// Starts `serve`; returns when the process exists (not when it is ready).
    pub fn start(&mut self) {
        assert!(self.child.is_none(), "already running");
        let child = self.command().arg("serve").spawn().unwrap();
        self.pids.push(child.id());
        self.child = Some(child);
    }

    /// SIGKILL, and reaps the process.
    pub fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Whether the process started last is still running.
    pub fn running(&mut self) -> bool {
        self.child
            .as_mut()
            .is_some_and(|c| c.try_wait().ok().flatten().is_none())
    }

    /// Polls `GET /readyz` every 5 ms from now until it answers 200 or `limit` passes;
    /// answers how long it took.
    pub async fn wait_ready(&self, client: &reqwest::Client, limit: Duration) -> Option<Duration> {
        let started = Instant::now();
        while started.elapsed() < limit {
            if let Ok(response) = client
                .get(format!("{}/readyz", self.base))
                .timeout(Duration::from_secs(1))
                .send()
                .await
                && response.status() == 200
            {
                return Some(started.elapsed());
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        None
    }

    /// The last lines the server wrote, for a failure message.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        if let Some(child) = &self.child {
            let _ = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status();
        }
        if let Some(mut child) = self.child.take() {
            let _ = child.wait();
        }
    }
}

/// A PostgreSQL cluster of its own (initdb in a temporary directory, its own port and
/// socket directory), so that the outage scenario can stop it in immediate mode without
/// touching the machine's shared server. Run as the `postgres` user when this runs as
/// root (PostgreSQL refuses root). Stopped and removed on drop.
pub struct PgCluster {
    dir: PathBuf,
    bindir: PathBuf,
    pub port: u16,
    as_postgres: bool,
}

/// The newest `/usr/lib/postgresql/<version>/bin` holding `initdb`, or `PG_BINDIR`.
fn pg_bindir() -> Result<PathBuf, String> {
    if let Ok(dir) = std::env::var("PG_BINDIR") {
        return Ok(PathBuf::from(dir));
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .map_err(|e| format!("/usr/lib/postgresql: {e} (install postgresql, or set PG_BINDIR)"))?
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    found.sort();
    found
        .pop()
        .map(|(_, bin)| bin)
        .ok_or_else(|| "no initdb under /usr/lib/postgresql/*/bin (install postgresql, or set PG_BINDIR)".into())
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

impl PgCluster {
    pub fn create() -> Result<Self, String> {
        let bindir = pg_bindir()?;
        let as_postgres = running_as_root();
        // Under /tmp itself, not in a private temporary directory: the postgres user must
        // be able to reach it.
        let dir = std::env::temp_dir().join(format!("enf-rel-pg-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let cluster = PgCluster {
            dir,
            bindir,
            port: free_port(),
            as_postgres,
        };
        if as_postgres {
            cluster.run(
                Command::new("chown")
                    .args(["-R", "postgres:postgres"])
                    .arg(&cluster.dir),
            )?;
        }
        let data = cluster.dir.join("data");
        cluster.run(cluster.tool("initdb").arg("-D").arg(&data).args([
            "-U",
            "postgres",
            "--auth=trust",
            "--no-sync",
            "-E",
            "UTF8",
        ]))?;
        cluster.start()?;
        Ok(cluster)
    }

    /// The `postgres` database of the cluster.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn tool(&self, name: &str) -> Command {
        let program = self.bindir.join(name);
        if self.as_postgres {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        } else {
            Command::new(program)
        }
    }

    fn run(&self, command: &mut Command) -> Result<(), String> {
        let output = command.output().map_err(|e| format!("{command:?}: {e}"))?;
        if output.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{command:?} failed: {}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ))
        }
    }

    /// `pg_ctl start`, waiting until it accepts connections.
    pub fn start(&self) -> Result<(), String> {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c max_connections=50",
            self.port,
            self.dir.display()
        );
        self.run(
            self.tool("pg_ctl")
                .arg("-D")
                .arg(self.dir.join("data"))
                .arg("-l")
                .arg(self.dir.join("postgres.log"))
                .args(["-o", &options, "-w", "start"]),
        )
    }

    /// `pg_ctl stop -m immediate`: every server process is killed at once, without a
    /// checkpoint; the next start recovers from the WAL, as after a crash.
    pub fn stop_immediate(&self) -> Result<(), String> {
        self.run(
            self.tool("pg_ctl")
                .arg("-D")
                .arg(self.dir.join("data"))
                .args(["-m", "immediate", "-w", "stop"]),
        )
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let _ = self.stop_immediate();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
