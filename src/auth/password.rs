//! argon2id password hashing with OWASP's parameters (m = 19 MiB, t = 2, p = 1).

use std::sync::OnceLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

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
pub fn verify_against_dummy(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash_password("dummy password for timing").unwrap_or_default());
    let _ = verify_password(password, dummy);
}

/// At most `concurrency` password hashes at once, each on the blocking pool. argon2id takes
/// 19 MiB and tens of milliseconds per hash: a flood of logins queued without bound would
/// take memory and threads without bound and answer everyone late. Those who cannot start
/// within `wait` get 429 with `Retry-After` instead; waiting holds no thread.
pub struct PasswordGate {
    permits: tokio::sync::Semaphore,
    wait: std::time::Duration,
}

impl PasswordGate {
    pub fn new(concurrency: usize, wait: std::time::Duration) -> Self {
        PasswordGate {
            permits: tokio::sync::Semaphore::new(concurrency.max(1)),
            wait,
        }
    }

    /// Runs `work` once a hasher is free.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
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
        let span = tracing::Span::current();
        let result = actix_web::web::block(move || span.in_scope(work)).await;
        drop(permit);
        Ok(result?)
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

    #[test]
    fn strength_counts_characters_not_bytes() {
        assert!(check_password_strength("短密码短密码短密码短密").is_err());
        assert!(check_password_strength("执法人员的长密码是十二个字").is_ok());
        assert!(check_password_strength("elevenchars").is_err());
    }
}
