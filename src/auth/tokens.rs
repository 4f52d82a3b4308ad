//! Access tokens (HS256 JWTs, short-lived) and refresh tokens (random, stored as SHA-256).

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Who issues the access tokens (`iss`) and for whom (`aud`). A token signed with the
/// same secret for another purpose, or by another service that shares it, names something
/// else and is refused.
pub const ISSUER: &str = "enforcement";
pub const AUDIENCE: &str = "enforcement-api";

/// Seconds of clock difference tolerated on `exp`, `nbf` and `iat`.
const LEEWAY_SECONDS: u64 = 5;

/// Claims of an access token. `sid` names the session (refresh-token family), so logging
/// out or revoking the family ends the access token at once too.
#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    pub sub: String,
    pub sid: String,
    pub agency: String,
    pub iat: i64,
    pub exp: i64,
}

#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    pub access_ttl: Duration,
}

impl JwtKeys {
    pub fn new(secret: &[u8], access_ttl: Duration) -> Self {
        // One algorithm: a token whose header names another (none, HS512, RS256…) is
        // refused before its signature is looked at.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = LEEWAY_SECONDS;
        validation.validate_nbf = true;
        validation.set_required_spec_claims(&["exp", "sub", "iss", "aud"]);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            access_ttl,
        }
    }

    pub fn issue(
        &self,
        user_id: &str,
        agency_id: &str,
        session_id: &str,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            iss: ISSUER.to_string(),
            aud: AUDIENCE.to_string(),
            sub: user_id.to_string(),
            sid: session_id.to_string(),
            agency: agency_id.to_string(),
            iat: now,
            exp: now + self.access_ttl.as_secs() as i64,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    /// Checks algorithm, signature, issuer, audience, expiry, `nbf` and that it was not
    /// issued in the future.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .ok()?
            .claims;
        (claims.iat <= Utc::now().timestamp() + LEEWAY_SECONDS as i64).then_some(claims)
    }
}

/// A new refresh token: 32 random bytes, URL-safe base64.
pub fn new_refresh_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database keeps of a refresh token: a leaked table yields no usable token.
pub fn refresh_token_digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_only_with_the_same_secret_and_before_expiry() {
        let keys = JwtKeys::new(&[7u8; 32], Duration::from_secs(60));
        let token = keys.issue("u1", "a1", "s1").unwrap();
        let claims = keys.verify(&token).unwrap();
        assert_eq!((claims.sub.as_str(), claims.sid.as_str()), ("u1", "s1"));
        let other = JwtKeys::new(&[8u8; 32], Duration::from_secs(60));
        assert!(other.verify(&token).is_none());
        let expired = JwtKeys::new(&[7u8; 32], Duration::ZERO);
        let mut claims = Claims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: "u".into(),
            sid: "s".into(),
            agency: "a".into(),
            iat: 0,
            exp: 100,
        };
        claims.exp = Utc::now().timestamp() - 60;
        let old = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &expired.encoding).unwrap();
        assert!(keys.verify(&old).is_none());
    }

    #[test]
    fn refresh_tokens_are_random_and_stored_as_digests() {
        let a = new_refresh_token();
        assert_ne!(a, new_refresh_token());
        assert_eq!(refresh_token_digest(&a).len(), 64);
        assert_ne!(refresh_token_digest(&a), a);
    }
}
