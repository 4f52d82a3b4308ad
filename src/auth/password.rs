//! argon2id password hashing with OWASP's parameters (m = 19 MiB, t = 2, p = 1).

use std::sync::{Mutex, OnceLock};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{Output, ParamsString, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};

/// Shortest password accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest password accepted, so hashing cost stays bounded.
pub const MAX_PASSWORD_CHARS: usize = 256;

fn hasher() -> Argon2<'static> {
    // Params::new only fails for out-of-range values; these are OWASP's constants.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(hasher().hash_password(password.as_bytes(), &salt)?.to_string())
}

/// Verifies against a stored PHC string; a malformed hash verifies nothing.
pub fn verify_password(password: &str, stored_hash: &str) -> bool {
    match PasswordHash::new(stored_hash) {
        Ok(parsed) => hasher().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// Verifying against this when the username is unknown makes both failures take as long,
/// so response times do not reveal which usernames exist.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_password("dummy password for timing").unwrap_or_default())
}

/// The working memory of argon2id (19 MiB), kept and used again for hash after hash.
///
/// Allocated and freed for every login, blocks that size fragment glibc's heap: once the
/// first is freed they are served from the heap rather than mapped, small allocations of
/// other requests settle in the freed space, and the next block goes to fresh memory. A
/// flood of 200 logins, no more than two hashed at once, grew the server by 0.7–2.7 GiB
/// (reliability/RESULTS.md). Kept by the gate, one per hasher, memory is bounded by the
/// number hashing at once, whatever the allocator does.
pub struct Hasher {
    memory: Vec<Block>,
}

impl Default for Hasher {
    fn default() -> Self {
        Hasher {
            memory: vec![Block::default(); hasher().params().block_count()],
        }
    }
}

impl Hasher {
    /// `hash_password`, in this memory.
    pub fn hash(&mut self, password: &str) -> Result<String, argon2::password_hash::Error> {
        let argon2 = hasher();
        let salt = SaltString::generate(&mut OsRng);
        let mut salt_bytes = [0u8; 64];
        let raw_salt = salt.as_salt().decode_b64(&mut salt_bytes)?;
        let memory = &mut self.memory;
        let output = Output::init_with(
            argon2.params().output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN),
            |out| Ok(argon2.hash_password_into_with_memory(password.as_bytes(), raw_salt, out, &mut *memory)?),
        )?;
        let phc = PasswordHash {
            algorithm: Algorithm::Argon2id.ident(),
            version: Some(Version::V0x13.into()),
            params: ParamsString::try_from(argon2.params())?,
            salt: Some(salt.as_salt()),
            hash: Some(output),
        };
        Ok(phc.to_string())
    }

    /// `verify_password`, in this memory: the algorithm, version and parameters are the
    /// stored hash's; one that needs more memory than this is verified the usual way.
    pub fn verify(&mut self, password: &str, stored_hash: &str) -> bool {
        let Ok(parsed) = PasswordHash::new(stored_hash) else {
            return false;
        };
        let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
            return false;
        };
        let (Ok(algorithm), Ok(params)) = (Algorithm::try_from(parsed.algorithm), Params::try_from(&parsed)) else {
            return false;
        };
        let Ok(version) = parsed.version.map_or(Ok(Version::default()), Version::try_from) else {
            return false;
        };
        if params.block_count() > self.memory.len() {
            return verify_password(password, stored_hash);
        }
        let mut salt_bytes = [0u8; 64];
        let Ok(raw_salt) = salt.decode_b64(&mut salt_bytes) else {
            return false;
        };
        let argon2 = Argon2::new(algorithm, version, params);
        let memory = &mut self.memory;
        let computed = Output::init_with(expected.len(), |out| {
            Ok(argon2.hash_password_into_with_memory(password.as_bytes(), raw_salt, out, &mut *memory)?)
        });
        // `Output` compares in constant time.
        computed.is_ok_and(|computed| computed == expected)
    }

    /// `verify` against a hash no password matches, for an unknown username.
    pub fn verify_against_dummy(&mut self, password: &str) {
        let _ = self.verify(password, dummy_hash());
    }
}

/// At most `concurrency` password hashes at once, each on the blocking pool. argon2id takes
/// 19 MiB and tens of milliseconds per hash: a flood of logins queued without bound would
/// take memory and threads without bound and answer everyone late. Those who cannot start
/// within `wait` get 429 with `Retry-After` instead; waiting holds no thread. Each hash
/// runs in a [`Hasher`] kept for the next: at most `concurrency` of them, made as needed.
pub struct PasswordGate {
    permits: tokio::sync::Semaphore,
    wait: std::time::Duration,
    idle: Mutex<Vec<Hasher>>,
}

impl PasswordGate {
    pub fn new(concurrency: usize, wait: std::time::Duration) -> Self {
        PasswordGate {
            permits: tokio::sync::Semaphore::new(concurrency.max(1)),
            wait,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Runs `work` with a hasher once one is free.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Hasher) -> T + Send + 'static,
    ) -> crate::error::AppResult<T> {
        let permit = match tokio::time::timeout(self.wait, self.permits.acquire()).await {
            Ok(Ok(permit)) => permit,
            Ok(Err(closed)) => return Err(crate::error::AppError::internal(closed)),
            Err(_) => {
                tracing::warn!("password hashing saturated: request turned away");
                return Err(crate::error::AppError::TooManyRequests {
                    retry_after_secs: 1,
                    detail: "too many logins at once; try again in a second".into(),
                });
            }
        };
        let idle = self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).pop();
        let span = tracing::Span::current();
        let result = actix_web::web::block(move || {
            span.in_scope(|| {
                let mut hasher = idle.unwrap_or_default();
                let value = work(&mut hasher);
                (hasher, value)
            })
        })
        .await;
        let (hasher, value) = result?;
        self.idle
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(hasher);
        drop(permit);
        Ok(value)
    }
}

/// The rule for new passwords; returns the message for the `password` field.
pub fn check_password_strength(password: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(format!("must be at least {MIN_PASSWORD_CHARS} characters"));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(format!("must be at most {MAX_PASSWORD_CHARS} characters"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_with_owasp_parameters_and_verify() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("wrong horse battery", &hash));
        assert!(!verify_password("anything", "not a hash"));
    }

    /// The kept memory gives the hashes the usual functions give: each verifies the other's,
    /// a wrong password fails, and what the last hash left in it changes nothing.
    #[test]
    fn a_hasher_reusing_its_memory_agrees_with_the_usual_functions() {
        let mut hasher = Hasher::default();
        let ours = hasher.hash("correct horse battery").unwrap();
        assert!(ours.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{ours}");
        assert!(verify_password("correct horse battery", &ours));
        let theirs = hash_password("another horse battery").unwrap();
        for _ in 0..2 {
            assert!(hasher.verify("another horse battery", &theirs));
            assert!(hasher.verify("correct horse battery", &ours));
            assert!(!hasher.verify("wrong horse battery", &ours));
        }
        assert!(!hasher.verify("anything", "not a hash"));
        hasher.verify_against_dummy("anything");
        // A hash made with more memory than the hasher holds is still verified.
        let bigger = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(32 * 1024, 1, 1, None).unwrap(),
        );
        let salt = SaltString::generate(&mut OsRng);
        let big = bigger.hash_password(b"big horse battery", &salt).unwrap().to_string();
        assert!(hasher.verify("big horse battery", &big));
        assert!(!hasher.verify("small horse battery", &big));
    }

    #[test]
    fn strength_counts_characters_not_bytes() {
        assert!(check_password_strength("短密码短密码短密码短密").is_err());
        assert!(check_password_strength("执法人员的长密码是十二个字").is_ok());
        assert!(check_password_strength("elevenchars").is_err());
    }
}
