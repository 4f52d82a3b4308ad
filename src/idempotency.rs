//! `Idempotency-Key` (DESIGN §8): a POST sent again with the same key by the same caller
//! gets the first response replayed instead of acting twice. The first response is
//! stored in the transaction of the action itself, so either both exist or neither.

use actix_web::HttpRequest;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::db::DbConn;
use crate::db::schema::idempotency_keys;
use crate::error::{AppError, AppResult, FieldError};

pub const HEADER: &str = "idempotency-key";

/// How long a key is remembered: a day covers any client's retries; older keys are
/// forgotten (and swept), so the same key may then name a new request.
pub const RETENTION: chrono::Duration = chrono::Duration::hours(24);

#[derive(Debug, Clone)]
pub struct IdempotencyKey {
    pub user_id: String,
    pub key: String,
    /// Method, path and body: the same key with another request is refused.
    pub request_hash: String,
}

/// A response to replay.
#[derive(Debug, Clone)]
pub struct StoredReply {
    pub status: u16,
    pub body: String,
}

impl IdempotencyKey {
    pub fn from_request(req: &HttpRequest, user_id: &str, body: &[u8]) -> AppResult<Option<Self>> {
        let Some(value) = req.headers().get(HEADER) else {
            return Ok(None);
        };
        let key = value
            .to_str()
            .ok()
            .filter(|k| !k.is_empty() && k.len() <= 255)
            .ok_or_else(|| AppError::BadRequest {
                detail: "Idempotency-Key must be 1 to 255 visible ASCII characters".into(),
                errors: vec![FieldError::new(
                    "Idempotency-Key",
                    "must be 1 to 255 visible ASCII characters",
                )],
            })?;
        let mut hasher = Sha256::new();
        hasher.update(req.method().as_str().as_bytes());
        hasher.update(b" ");
        hasher.update(req.path().as_bytes());
        hasher.update(b"\n");
        // The canonical form of the JSON, so a retry that re-serialises the same request
        // (other key order or spacing) is still the same request.
        match serde_json::from_slice::<serde_json::Value>(body) {
            Ok(value) => hasher.update(crate::record::chain::canonical_json(&value).as_bytes()),
            Err(_) => hasher.update(body),
        }
        Ok(Some(IdempotencyKey {
            user_id: user_id.to_string(),
            key: key.to_string(),
            request_hash: hex::encode(hasher.finalize()),
        }))
    }
}

/// The stored response for this key, if the key was used before. A key reused for a
/// different request is refused rather than replayed.
pub fn find(conn: &mut DbConn, key: &IdempotencyKey) -> AppResult<Option<StoredReply>> {
    let found: Option<(String, i32, String, chrono::NaiveDateTime)> = idempotency_keys::table
        .find((&key.user_id, &key.key))
        .select((
            idempotency_keys::request_hash,
            idempotency_keys::status,
            idempotency_keys::body,
            idempotency_keys::created_at,
        ))
        .first(conn)
        .optional()?;
    let expired_before = crate::clock::to_db(crate::clock::now() - RETENTION);
    match found {
        None => Ok(None),
        Some((_, _, _, created_at)) if created_at < expired_before => {
            diesel::delete(idempotency_keys::table.find((&key.user_id, &key.key))).execute(conn)?;
            Ok(None)
        }
        Some((hash, _, _, _)) if hash != key.request_hash => Err(AppError::rule(
            "idempotency_key_reused",
            "this Idempotency-Key was already used for a different request",
        )),
        Some((_, status, body, _)) => Ok(Some(StoredReply {
            status: status as u16,
            body,
        })),
    }
}

/// Forgets the keys older than [`RETENTION`]; answers how many.
pub fn sweep_expired(conn: &mut DbConn) -> QueryResult<usize> {
    let expired_before = crate::clock::to_db(crate::clock::now() - RETENTION);
    diesel::delete(idempotency_keys::table.filter(idempotency_keys::created_at.lt(expired_before))).execute(conn)
}

pub fn save(conn: &mut DbConn, key: &IdempotencyKey, reply: &StoredReply) -> QueryResult<()> {
    diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::user_id.eq(&key.user_id),
            idempotency_keys::key.eq(&key.key),
            idempotency_keys::request_hash.eq(&key.request_hash),
            idempotency_keys::status.eq(i32::from(reply.status)),
            idempotency_keys::body.eq(&reply.body),
            idempotency_keys::created_at.eq(crate::clock::to_db(crate::clock::now())),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Runs `work` in a write transaction under an optional key: replays a stored response,
/// or acts and stores the response with the action. A concurrent twin that loses the race
/// on the key replays the winner's response.
pub async fn run<F>(
    state: &crate::state::AppState,
    key: Option<IdempotencyKey>,
    work: F,
) -> AppResult<actix_web::HttpResponse>
where
    F: FnOnce(&mut DbConn) -> AppResult<StoredReply> + Send + 'static,
{
    let key_for_work = key.clone();
    let outcome = state
        .db_write(move |conn| {
            if let Some(key) = &key_for_work
                && let Some(reply) = find(conn, key)?
            {
                return Ok((reply, true));
            }
            let reply = work(conn)?;
            if let Some(key) = &key_for_work {
                save(conn, key, &reply)?;
            }
            Ok((reply, false))
        })
        .await;
    match (outcome, key) {
        (Ok((reply, replayed)), _) => Ok(respond(&reply, replayed)),
        // A twin with the same key may have acted meanwhile (then this request failed on
        // the key, on the case having changed, or on the step no longer being possible):
        // the twin's stored response is the answer to this request too.
        (Err(error), Some(key)) => match state.db(move |conn| find(conn, &key)).await {
            Ok(Some(reply)) => Ok(respond(&reply, true)),
            _ => Err(error),
        },
        (Err(error), _) => Err(error),
    }
}

/// The HTTP response for a stored reply; a body with a `version` also sets `ETag`.
pub fn respond(reply: &StoredReply, replayed: bool) -> actix_web::HttpResponse {
    let status = actix_web::http::StatusCode::from_u16(reply.status).unwrap_or(actix_web::http::StatusCode::OK);
    let mut response = actix_web::HttpResponse::build(status);
    response.content_type("application/json");
    if let Some(version) = serde_json::from_str::<serde_json::Value>(&reply.body)
        .ok()
        .and_then(|body| body.get("version").and_then(serde_json::Value::as_i64))
    {
        response.insert_header((actix_web::http::header::ETAG, format!("\"{version}\"")));
    }
    if replayed {
        response.insert_header(("Idempotent-Replayed", "true"));
    }
    response.body(reply.body.clone())
}
