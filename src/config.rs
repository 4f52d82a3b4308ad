//! Configuration from environment variables (documented in the README).

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rand::RngCore;

use crate::db::DatabaseUrl;

/// The shortest JWT secret accepted: HS256 wants at least as many bytes as its digest.
pub const MIN_JWT_SECRET_BYTES: usize = 32;
const JWT_SECRET_FILE: &str = "jwt-secret";

#[derive(Clone)]
pub struct Settings {
    pub database: DatabaseUrl,
    pub addr: String,
    pub data_dir: PathBuf,
    pub jwt_secret: Vec<u8>,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    pub db_pool_size: u32,
    /// How long a request waits for a database connection before it gets 503.
    pub db_timeout: Duration,
    pub workers: usize,
    /// Largest JSON body accepted; larger ones get 413.
    pub json_limit_bytes: usize,
    /// Largest evidence file accepted; larger uploads get 413.
    pub evidence_max_bytes: u64,
    /// The most evidence bytes an agency may hold in all; `None`: no quota.
    pub evidence_quota_bytes: Option<u64>,
    /// Password hashes (argon2id, 19 MiB each) computed at once; more wait in line.
    pub password_hashing_concurrency: usize,
    /// How long a login or password change waits in that line before it gets 429.
    pub password_hashing_wait: Duration,
    /// How long a JSON or import body may take to arrive before the request gets 408.
    pub body_timeout: Duration,
    /// Signs the record checkpoints (issue 14 item 9).
    pub checkpoint_key: crate::checkpoints::model::CheckpointKey,
    /// How often a checkpoint of the record is signed; zero: only on demand.
    pub checkpoint_interval: Duration,
    /// The service's public address (`https://zhifa.example.gov.cn`, no trailing slash), put
    /// in the inspection code's QR code; `None`: the request's own scheme and host.
    pub public_base_url: Option<String>,
    /// Requests per network address and minute to the public inspection-code endpoints; 0: no limit.
    pub public_code_requests_per_minute: u32,
}

/// How long a login waits for a free password hasher by default.
pub const DEFAULT_PASSWORD_HASHING_WAIT: Duration = Duration::from_secs(5);

/// 8 GiB: an afternoon of body-camera video (执法记录仪) at common bit rates.
pub const DEFAULT_EVIDENCE_MAX_BYTES: u64 = 8 * 1024 * 1024 * 1024;

/// 50 GiB per agency: some years of a street office's photos, recordings and scans, and a
/// few dozen full-length uploads of body-camera video.
pub const DEFAULT_EVIDENCE_QUOTA_BYTES: u64 = 50 * 1024 * 1024 * 1024;

/// Secrets are never printed, not even by `{:?}`.
impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("database", &self.database.redacted())
            .field("backend", &self.database.backend)
            .field("addr", &self.addr)
            .field("data_dir", &self.data_dir)
            .field("jwt_secret", &"<redacted>")
            .field("access_token_ttl", &self.access_token_ttl)
            .field("refresh_token_ttl", &self.refresh_token_ttl)
            .field("db_pool_size", &self.db_pool_size)
            .field("db_timeout", &self.db_timeout)
            .field("workers", &self.workers)
            .field("evidence_max_bytes", &self.evidence_max_bytes)
            .field("evidence_quota_bytes", &self.evidence_quota_bytes)
            .field("password_hashing_concurrency", &self.password_hashing_concurrency)
            .field("password_hashing_wait", &self.password_hashing_wait)
            .field("body_timeout", &self.body_timeout)
            .field("checkpoint_key", &self.checkpoint_key)
            .field("checkpoint_interval", &self.checkpoint_interval)
            .field("public_base_url", &self.public_base_url)
            .field("public_code_requests_per_minute", &self.public_code_requests_per_minute)
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{0}")]
    Invalid(String),
    #[error("{context}: {source}")]
    Io { context: String, source: std::io::Error },
}

fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn env_parse<T: std::str::FromStr>(name: &str, default: T) -> Result<T, ConfigError> {
    match env_var(name) {
        None => Ok(default),
        Some(raw) => raw
            .trim()
            .parse()
            .map_err(|_| ConfigError::Invalid(format!("{name} is not a valid value: {raw:?}"))),
    }
}

impl Settings {
    /// Where evidence files are kept.
    pub fn evidence_dir(&self) -> PathBuf {
        self.data_dir.join("evidence")
    }

    /// Reads the environment. Creates the data directory and, when no JWT secret is
    /// configured, a random one kept in the data directory (mode 0600).
    pub fn from_env() -> Result<Self, ConfigError> {
        let data_dir = PathBuf::from(env_var("ENFORCEMENT_DATA_DIR").unwrap_or_else(|| "./data".into()));
        std::fs::create_dir_all(&data_dir).map_err(|source| ConfigError::Io {
            context: format!("creating data directory {}", data_dir.display()),
            source,
        })?;
        let database = match env_var("DATABASE_URL") {
            Some(url) => DatabaseUrl::parse(&url).map_err(ConfigError::Invalid)?,
            None => {
                DatabaseUrl::parse(&data_dir.join("enforcement.db").to_string_lossy()).map_err(ConfigError::Invalid)?
            }
        };
        let jwt_secret = match env_var("ENFORCEMENT_JWT_SECRET") {
            Some(secret) if secret.len() >= MIN_JWT_SECRET_BYTES => secret.into_bytes(),
            Some(_) => {
                return Err(ConfigError::Invalid(format!(
                    "ENFORCEMENT_JWT_SECRET must be at least {MIN_JWT_SECRET_BYTES} bytes"
                )));
            }
            None => load_or_create_jwt_secret(&data_dir)?,
        };
        let checkpoint_key =
            crate::checkpoints::key::load(env_var("ENFORCEMENT_CHECKPOINT_KEY").as_deref(), &data_dir)?;
        let default_workers = std::thread::available_parallelism().map_or(2, |n| n.get());
        Ok(Self {
            database,
            addr: env_var("ENFORCEMENT_ADDR").unwrap_or_else(|| "127.0.0.1:8080".into()),
            data_dir,
            jwt_secret,
            access_token_ttl: Duration::from_secs(env_parse("ENFORCEMENT_ACCESS_TOKEN_TTL_SECONDS", 900)?),
            refresh_token_ttl: Duration::from_secs(env_parse("ENFORCEMENT_REFRESH_TOKEN_TTL_SECONDS", 14 * 24 * 3600)?),
            db_pool_size: env_parse("ENFORCEMENT_DB_POOL_SIZE", 10)?,
            db_timeout: match env_parse(
                "ENFORCEMENT_DB_TIMEOUT_SECONDS",
                crate::db::DEFAULT_POOL_TIMEOUT.as_secs(),
            )? {
                0 => {
                    return Err(ConfigError::Invalid(
                        "ENFORCEMENT_DB_TIMEOUT_SECONDS must be at least 1".into(),
                    ));
                }
                seconds => Duration::from_secs(seconds),
            },
            workers: env_parse("ENFORCEMENT_WORKERS", default_workers)?,
            json_limit_bytes: 1024 * 1024,
            evidence_max_bytes: env_parse("ENFORCEMENT_EVIDENCE_MAX_BYTES", DEFAULT_EVIDENCE_MAX_BYTES)?,
            // 0 turns the quota off.
            evidence_quota_bytes: Some(env_parse(
                "ENFORCEMENT_EVIDENCE_QUOTA_BYTES",
                DEFAULT_EVIDENCE_QUOTA_BYTES,
            )?)
            .filter(|&quota| quota > 0),
            password_hashing_concurrency: match env_parse("ENFORCEMENT_PASSWORD_HASHING_CONCURRENCY", default_workers)?
            {
                0 => {
                    return Err(ConfigError::Invalid(
                        "ENFORCEMENT_PASSWORD_HASHING_CONCURRENCY must be at least 1".into(),
                    ));
                }
                n => n,
            },
            body_timeout: Duration::from_secs(env_parse("ENFORCEMENT_BODY_TIMEOUT_SECONDS", 30)?.max(1)),
            password_hashing_wait: Duration::from_millis(env_parse(
                "ENFORCEMENT_PASSWORD_HASHING_WAIT_MS",
                DEFAULT_PASSWORD_HASHING_WAIT.as_millis() as u64,
            )?),
            checkpoint_key,
            checkpoint_interval: Duration::from_secs(env_parse("ENFORCEMENT_CHECKPOINT_INTERVAL_SECONDS", 3600)?),
            public_base_url: env_var("ENFORCEMENT_PUBLIC_BASE_URL")
                .map(|raw| public_base_url(&raw))
                .transpose()?,
            public_code_requests_per_minute: env_parse("ENFORCEMENT_PUBLIC_CODE_REQUESTS_PER_MINUTE", 60)?,
        })
    }
}

/// An absolute `http(s)://host[:port][/prefix]` address, without its trailing slashes.
fn public_base_url(raw: &str) -> Result<String, ConfigError> {
    let url = raw.trim().trim_end_matches('/');
    let host = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or_default();
    if host.is_empty() || host.starts_with('/') || url.contains(['?', '#', ' ']) {
        return Err(ConfigError::Invalid(format!(
            "ENFORCEMENT_PUBLIC_BASE_URL must be an absolute http(s) address such as https://zhifa.example.gov.cn: {raw:?}"
        )));
    }
    Ok(url.to_string())
}

/// Reads `<data_dir>/jwt-secret`, creating it with 48 random bytes (hex) and mode 0600
/// the first time. Tokens survive restarts; replicas must share ENFORCEMENT_JWT_SECRET.
fn load_or_create_jwt_secret(data_dir: &Path) -> Result<Vec<u8>, ConfigError> {
    let path = data_dir.join(JWT_SECRET_FILE);
    let io_error = |context: &str| {
        let context = format!("{context} {}", path.display());
        move |source| ConfigError::Io { context, source }
    };
    match std::fs::read_to_string(&path) {
        Ok(existing) if existing.trim().len() >= MIN_JWT_SECRET_BYTES => {
            tracing::warn!(
                path = %path.display(),
                "ENFORCEMENT_JWT_SECRET is not set; using the secret kept in the data directory"
            );
            return Ok(existing.trim().as_bytes().to_vec());
        }
        Ok(_) => {
            return Err(ConfigError::Invalid(format!(
                "{} is shorter than {MIN_JWT_SECRET_BYTES} bytes; delete it or set ENFORCEMENT_JWT_SECRET",
                path.display()
            )));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_error("reading")(e)),
    }
    let mut bytes = [0u8; 48];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let secret = hex::encode(bytes);
    if !create_private_file_once(&path, secret.as_bytes()).map_err(io_error("creating"))? {
        // Another process sharing the data directory created it first: use theirs.
        return load_or_create_jwt_secret(data_dir);
    }
    tracing::warn!(
        path = %path.display(),
        "ENFORCEMENT_JWT_SECRET is not set; generated a random secret and kept it in the data directory"
    );
    Ok(secret.into_bytes())
}

/// Writes a secret file (mode 0600) whole under a temporary name and links it into place,
/// so that processes starting together on one data directory never read half a file and
/// the first link wins. `false` when the file already existed (the caller reads it).
pub(crate) fn create_private_file_once(path: &Path, contents: &[u8]) -> std::io::Result<bool> {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = path.with_file_name(format!("{file_name}.{}.tmp", uuid::Uuid::now_v7()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let written = (|| {
        let mut file = options.open(&temporary)?;
        file.write_all(contents)?;
        file.sync_all()?;
        std::fs::hard_link(&temporary, path)
    })();
    let _ = std::fs::remove_file(&temporary);
    match written {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_public_base_url_is_an_absolute_http_address() {
        assert_eq!(
            public_base_url(" https://zhifa.example.gov.cn/ ").unwrap(),
            "https://zhifa.example.gov.cn"
        );
        assert_eq!(
            public_base_url("http://10.0.0.5:8080/zhifa").unwrap(),
            "http://10.0.0.5:8080/zhifa"
        );
        for bad in [
            "zhifa.example.gov.cn",
            "ftp://x",
            "https://",
            "https:///x",
            "https://x/?a=1",
        ] {
            assert!(public_base_url(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn generated_secret_is_kept_private_and_reused() {
        let dir = std::env::temp_dir().join(format!("enf-cfg-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let first = load_or_create_jwt_secret(&dir).unwrap();
        let second = load_or_create_jwt_secret(&dir).unwrap();
        assert_eq!(first, second);
        assert!(first.len() >= MIN_JWT_SECRET_BYTES);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join(JWT_SECRET_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn processes_generating_the_secret_together_all_get_the_same_one() {
        let dir = std::env::temp_dir().join(format!("enf-cfg-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let secrets: Vec<Vec<u8>> = (0..8)
            .map(|_| {
                let dir = dir.clone();
                std::thread::spawn(move || load_or_create_jwt_secret(&dir).unwrap())
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|t| t.join().unwrap())
            .collect();
        assert!(secrets.windows(2).all(|w| w[0] == w[1]));
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1, "no temporary file left");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
