//! Where the checkpoint signing key comes from: `ENFORCEMENT_CHECKPOINT_KEY` (the 32-byte
//! Ed25519 seed, hex), or `<data_dir>/checkpoint-key`, created with a random seed (mode 0600)
//! the first time. Replicas must share the key; losing it only means later checkpoints are
//! signed by a new key (each checkpoint names its public key).

use std::path::Path;

use rand::RngCore;

use crate::checkpoints::model::CheckpointKey;
use crate::config::ConfigError;

pub const CHECKPOINT_KEY_FILE: &str = "checkpoint-key";

/// The key from the configured seed, or else the one kept in the data directory.
pub fn load(configured: Option<&str>, data_dir: &Path) -> Result<CheckpointKey, ConfigError> {
    match configured {
        Some(seed) => parse_seed(seed).ok_or_else(|| {
            ConfigError::Invalid("ENFORCEMENT_CHECKPOINT_KEY must be 64 hex digits (an Ed25519 seed)".into())
        }),
        None => load_or_create(data_dir),
    }
}

fn parse_seed(text: &str) -> Option<CheckpointKey> {
    let seed: [u8; 32] = hex::decode(text.trim()).ok()?.try_into().ok()?;
    Some(CheckpointKey::from_seed(seed))
}

fn load_or_create(data_dir: &Path) -> Result<CheckpointKey, ConfigError> {
    let path = data_dir.join(CHECKPOINT_KEY_FILE);
    let io_error = |context: &str| {
        let context = format!("{context} {}", path.display());
        move |source| ConfigError::Io { context, source }
    };
    match std::fs::read_to_string(&path) {
        Ok(existing) => {
            return parse_seed(&existing).ok_or_else(|| {
                ConfigError::Invalid(format!(
                    "{} is not an Ed25519 seed (64 hex digits); restore it from a copy or set ENFORCEMENT_CHECKPOINT_KEY",
                    path.display()
                ))
            });
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_error("reading")(e)),
    }
    let mut seed = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut seed);
    // Replicas starting together on one data directory all end up with the first key.
    if !crate::config::create_private_file_once(&path, hex::encode(seed).as_bytes()).map_err(io_error("creating"))? {
        return load_or_create(data_dir);
    }
    let key = CheckpointKey::from_seed(seed);
    tracing::warn!(
        path = %path.display(),
        public_key = %key.public_key_hex(),
        "ENFORCEMENT_CHECKPOINT_KEY is not set; generated a checkpoint signing key and kept it in the data directory"
    );
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_key_is_kept_private_and_reused() {
        let dir = tempfile_dir();
        let first = load(None, &dir).unwrap();
        let second = load(None, &dir).unwrap();
        assert_eq!(first.public_key_hex(), second.public_key_hex());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join(CHECKPOINT_KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_configured_seed_wins_and_a_bad_one_is_refused() {
        let dir = tempfile_dir();
        let seed = hex::encode([9u8; 32]);
        let key = load(Some(&seed), &dir).unwrap();
        assert_eq!(key.public_key_hex(), CheckpointKey::from_seed([9; 32]).public_key_hex());
        assert!(
            !dir.join(CHECKPOINT_KEY_FILE).exists(),
            "no file is written when the key is configured"
        );
        assert!(load(Some("abc"), &dir).is_err());
        std::fs::write(dir.join(CHECKPOINT_KEY_FILE), "not hex").unwrap();
        assert!(load(None, &dir).is_err());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn replicas_creating_the_key_together_all_get_the_same_one() {
        let dir = tempfile_dir();
        let keys: Vec<String> = (0..8)
            .map(|_| {
                let dir = dir.clone();
                std::thread::spawn(move || load(None, &dir).unwrap().public_key_hex())
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|t| t.join().unwrap())
            .collect();
        assert!(keys.windows(2).all(|w| w[0] == w[1]), "{keys:?}");
        let left: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            left,
            vec![std::ffi::OsString::from(CHECKPOINT_KEY_FILE)],
            "no temporary file left"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    fn tempfile_dir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("enf-ckey-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
