//! `Idempotency-Key` (DESIGN §8): a POST sent again with the same key by the same caller
//! gets the first response replayed instead of acting twice. The first response is
//! stored in the transaction of the action itself, so either both exist or neither.
//!
//! A handler reads its key ([`IdempotencyKey::from_request`]) and hands [`once`] what it
//! checks outside the write transaction and the action: a retry is answered from the
//! stored response before anything is checked again, and the action is done once.
//! Operations declare the header with [`KeyHeader`].

use std::future::Future;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse};
use diesel::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::db::DbConn;
use crate::db::schema::idempotency_keys;
use crate::error::{AppError, AppResult, FieldError};
use crate::state::AppState;

pub const HEADER: &str = "idempotency-key";

/// How long a key is remembered: a day covers any client's retries; older keys are
/// forgotten (and swept), so the same key may then name a new request.
pub const RETENTION: chrono::Duration = chrono::Duration::hours(24);

/// The `Idempotency-Key` header as every operation that honours it declares it in the
/// OpenAPI document: `params(…, idempotency::KeyHeader)`.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
pub struct KeyHeader {
    /// replays the first response for the same key; 1 to 255 visible ASCII characters
    #[param(
        rename = "Idempotency-Key",
        min_length = 1,
        max_length = 255,
        pattern = r"^[!-~]([ -~]*[!-~])?$",
        nullable = false
    )]
    pub idempotency_key: Option<String>,
}

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

impl StoredReply {
    /// `value` as JSON, with the status `answer` gives a success.
    pub fn of<T: Serialize>(answer: Answer, value: &T) -> AppResult<Self> {
        Ok(StoredReply {
            status: answer.status.as_u16(),
            body: serde_json::to_string(value).map_err(AppError::internal)?,
        })
    }
}

/// How a keyed POST answers when it acts, and again, the same, when it replays.
#[derive(Debug, Clone, Copy)]
pub struct Answer {
    status: StatusCode,
    /// For a created resource, the collection it is in: `Location` is `{collection}/{id}`
    /// with the body's `id`.
    location_under: Option<&'static str>,
}

impl Answer {
    pub const OK: Answer = Answer {
        status: StatusCode::OK,
        location_under: None,
    };
    pub const CREATED: Answer = Answer {
        status: StatusCode::CREATED,
        location_under: None,
    };

    /// 201 with `Location: {collection}/{id}`, `id` being the body's.
    pub const fn created_under(collection: &'static str) -> Answer {
        Answer {
            status: StatusCode::CREATED,
            location_under: Some(collection),
        }
    }
}

/// The caller's `Idempotency-Key`, or `None` without one; 400 unless it is 1 to 255
/// visible ASCII characters (inner spaces allowed), as [`KeyHeader`] declares it.
pub fn key_text(req: &HttpRequest) -> AppResult<Option<String>> {
    let Some(value) = req.headers().get(HEADER) else {
        return Ok(None);
    };
    let bytes = value.as_bytes();
    let visible = |b: &u8| (b'!'..=b'~').contains(b);
    let well_formed = (1..=255).contains(&bytes.len())
        && bytes.iter().all(|b| *b == b' ' || visible(b))
        && bytes.first().is_some_and(visible)
        && bytes.last().is_some_and(visible);
    match value.to_str() {
        Ok(key) if well_formed => Ok(Some(key.to_string())),
        _ => Err(AppError::BadRequest {
            detail: "Idempotency-Key must be 1 to 255 visible ASCII characters".into(),
            errors: vec![FieldError::new(
                "Idempotency-Key",
                "must be 1 to 255 visible ASCII characters",
            )],
        }),
    }
}

/// The hash of a request begins with its method and path.
fn request_hasher(req: &HttpRequest) -> Sha256 {
    let mut hasher = Sha256::new();
    hasher.update(req.method().as_str().as_bytes());
    hasher.update(b" ");
    hasher.update(req.path().as_bytes());
    hasher.update(b"\n");
    hasher
}

impl IdempotencyKey {
    /// The caller's key for a request with a JSON body (or none: `body` empty), or `None`
    /// when the request has no key.
    pub fn from_request(req: &HttpRequest, user_id: &str, body: &[u8]) -> AppResult<Option<Self>> {
        let Some(key) = key_text(req)? else {
            return Ok(None);
        };
        let mut hasher = request_hasher(req);
        // The canonical form of the JSON, so a retry that re-serialises the same request
        // (other key order or spacing) is still the same request.
        match serde_json::from_slice::<serde_json::Value>(body) {
            Ok(value) => hasher.update(crate::record::chain::canonical_json(&value).as_bytes()),
            Err(_) => hasher.update(body),
        }
        Ok(Some(IdempotencyKey {
            user_id: user_id.to_string(),
            key,
            request_hash: hex::encode(hasher.finalize()),
        }))
    }

    /// The key `key` (from [`key_text`]) of an upload whose metadata is in the query and
    /// whose body, streamed rather than held, is known by its SHA-256: the same key with
    /// other metadata or another file is another request.
    pub fn of_upload(req: &HttpRequest, user_id: &str, key: &str, body_sha256: &[u8; 32]) -> Self {
        let mut hasher = request_hasher(req);
        // The parameters in any order are the same metadata.
        let mut pairs: Vec<&str> = req.query_string().split('&').filter(|p| !p.is_empty()).collect();
        pairs.sort_unstable();
        hasher.update(b"?");
        hasher.update(pairs.join("&").as_bytes());
        hasher.update(b"\nsha-256:");
        hasher.update(hex::encode(body_sha256).as_bytes());
        IdempotencyKey {
            user_id: user_id.to_string(),
            key: key.to_string(),
            request_hash: hex::encode(hasher.finalize()),
        }
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

/// Whether a request was answered under this caller's key within [`RETENTION`], whatever
/// the request: an upload asks before reading its body.
pub fn is_stored(conn: &mut DbConn, user_id: &str, key: &str) -> QueryResult<bool> {
    let expired_before = crate::clock::to_db(crate::clock::now() - RETENTION);
    diesel::select(diesel::dsl::exists(
        idempotency_keys::table
            .filter(idempotency_keys::user_id.eq(user_id))
            .filter(idempotency_keys::key.eq(key))
            .filter(idempotency_keys::created_at.ge(expired_before)),
    ))
    .get_result(conn)
}

/// What [`act`] did.
pub enum Acted<X> {
    /// The key had answered already: this reply, and nothing was done.
    Replayed(StoredReply),
    /// `work` acted; its reply is stored under the key (if any) in the same transaction.
    Done(StoredReply, X),
}

/// Inside a write transaction: replays the reply stored under `key`, or does `work` and
/// stores its reply (`T` as JSON, `answer`'s status) with what it did. `X` is what the
/// caller needs of the work besides the reply.
pub fn act<T, X>(
    conn: &mut DbConn,
    key: Option<&IdempotencyKey>,
    answer: Answer,
    work: impl FnOnce(&mut DbConn) -> AppResult<(T, X)>,
) -> AppResult<Acted<X>>
where
    T: Serialize,
{
    if let Some(key) = key
        && let Some(reply) = find(conn, key)?
    {
        return Ok(Acted::Replayed(reply));
    }
    let (value, extra) = work(conn)?;
    let reply = StoredReply::of(answer, &value)?;
    if let Some(key) = key {
        save(conn, key, &reply)?;
    }
    Ok(Acted::Done(reply, extra))
}

/// After a keyed request failed: a twin with the same key may have acted meanwhile (then
/// this request failed on the key, on the case having changed, or on the step no longer
/// being possible), and the twin's stored response is the answer to this request too.
/// Otherwise the error stands.
pub async fn twin_reply(state: &AppState, key: Option<IdempotencyKey>, error: AppError) -> AppResult<StoredReply> {
    let Some(key) = key else {
        return Err(error);
    };
    match state.db(move |conn| find(conn, &key)).await {
        Ok(Some(reply)) => Ok(reply),
        _ => Err(error),
    }
}

/// Runs `work` in a write transaction under an optional key: replays a stored response,
/// or acts and stores the response with the action. A concurrent twin that loses the race
/// on the key replays the winner's response.
pub async fn run<T, F>(
    state: &AppState,
    key: Option<IdempotencyKey>,
    answer: Answer,
    work: F,
) -> AppResult<HttpResponse>
where
    T: Serialize,
    F: FnOnce(&mut DbConn) -> AppResult<T> + Send + 'static,
{
    let key_for_work = key.clone();
    let outcome = state
        .db_write(move |conn| act(conn, key_for_work.as_ref(), answer, |conn| Ok((work(conn)?, ()))))
        .await;
    match outcome {
        Ok(Acted::Done(reply, ())) => Ok(respond(&reply, false, answer)),
        Ok(Acted::Replayed(reply)) => Ok(respond(&reply, true, answer)),
        Err(error) => Ok(respond(&twin_reply(state, key, error).await?, true, answer)),
    }
}

/// The stored response to a retry, read outside any transaction, or `None` to go on.
pub async fn replay(state: &AppState, key: Option<&IdempotencyKey>, answer: Answer) -> AppResult<Option<HttpResponse>> {
    let Some(key) = key.cloned() else {
        return Ok(None);
    };
    let stored = state.db(move |conn| find(conn, &key)).await?;
    Ok(stored.map(|reply| respond(&reply, true, answer)))
}

/// A keyed POST from end to end: a retry is answered from the stored response before
/// anything is checked again; otherwise `checks` run — what reads the clock or the
/// database outside the write transaction — and give the action, which [`run`] does once.
pub async fn once<T, W, C>(
    state: &AppState,
    key: Option<IdempotencyKey>,
    answer: Answer,
    checks: C,
) -> AppResult<HttpResponse>
where
    T: Serialize,
    W: FnOnce(&mut DbConn) -> AppResult<T> + Send + 'static,
    C: Future<Output = AppResult<W>>,
{
    if let Some(replayed) = replay(state, key.as_ref(), answer).await? {
        return Ok(replayed);
    }
    let work = checks.await?;
    run(state, key, answer, work).await
}

/// The HTTP response for a stored reply: a body with a `version` also sets `ETag`, and a
/// created resource's `Location` follows from its `id`; a replay is marked
/// `Idempotent-Replayed: true`.
pub fn respond(reply: &StoredReply, replayed: bool, answer: Answer) -> HttpResponse {
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::OK);
    let mut response = HttpResponse::build(status);
    response.content_type("application/json");
    let body = serde_json::from_str::<serde_json::Value>(&reply.body).ok();
    let field = |name: &str| body.as_ref().and_then(|body| body.get(name));
    if let Some(version) = field("version").and_then(serde_json::Value::as_i64) {
        response.insert_header((header::ETAG, format!("\"{version}\"")));
    }
    if let (Some(collection), Some(id), true) = (
        answer.location_under,
        field("id").and_then(serde_json::Value::as_str),
        status == StatusCode::CREATED,
    ) {
        response.insert_header((header::LOCATION, format!("{collection}/{id}")));
    }
    if replayed {
        response.insert_header(("Idempotent-Replayed", "true"));
    }
    response.body(reply.body.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key_of(value: &[u8]) -> AppResult<Option<String>> {
        let value = actix_web::http::header::HeaderValue::from_bytes(value).unwrap();
        key_text(
            &actix_web::test::TestRequest::default()
                .insert_header((HEADER, value))
                .to_http_request(),
        )
    }

    #[test]
    fn a_key_is_what_the_document_declares() {
        assert_eq!(key_of(b"field-retry 1").unwrap().as_deref(), Some("field-retry 1"));
        assert_eq!(key_of(&[b'k'; 255]).unwrap().map(|k| k.len()), Some(255));
        for refused in [&b"tab\there"[..], &[b'k'; 256], "钥匙".as_bytes()] {
            assert!(
                matches!(key_of(refused), Err(AppError::BadRequest { .. })),
                "{refused:?}"
            );
        }
        let without = actix_web::test::TestRequest::default().to_http_request();
        assert!(key_text(&without).unwrap().is_none());
    }
}
