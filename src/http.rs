//! HTTP conventions shared by every handler: request ids, metrics, strict JSON and query
//! extractors that name the offending field, cursor pagination.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web::{self, BytesMut};
use actix_web::{FromRequest, HttpRequest, ResponseError};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use tracing::Instrument;
use utoipa::{IntoParams, ToSchema};

use crate::error::{AppError, AppResult, FieldError};

pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request being handled, when called while handling one.
pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(|id| id.clone()).ok()
}

/// Accepts a caller's request id only when it is short and plain, so logs stay clean.
fn incoming_request_id(req: &ServiceRequest) -> Option<String> {
    let value = req.headers().get(&REQUEST_ID_HEADER)?.to_str().ok()?;
    let plain = !value.is_empty()
        && value.len() <= 64
        && value.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b));
    plain.then(|| value.to_string())
}

/// Request id, tracing span, access log and metrics for every request.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    let started = Instant::now();
    let request_id = incoming_request_id(&req).unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    // A NUL in a path or query parameter would reach the database as text it refuses.
    let nul_in_uri = req.uri().to_string().to_ascii_lowercase().contains("%00");
    let method = req.method().to_string();
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let span = tracing::info_span!("request", request_id = %request_id, method = %method, path = %req.path());
    let outcome = if nul_in_uri {
        let refusal = AppError::bad_request("the URL may not contain NUL characters (%00)");
        let response = REQUEST_ID.sync_scope(request_id.clone(), || refusal.error_response());
        Ok(req.into_response(response))
    } else {
        REQUEST_ID
            .scope(request_id.clone(), next.call(req).instrument(span.clone()))
            .await
            .map(ServiceResponse::map_into_boxed_body)
    };
    let elapsed = started.elapsed();
    let (status, route) = match &outcome {
        Ok(res) => (
            res.status().as_u16(),
            res.request().match_pattern().unwrap_or_else(|| "unmatched".into()),
        ),
        Err(e) => (e.as_response_error().status_code().as_u16(), "unmatched".into()),
    };
    if let Some(metrics) = metrics {
        metrics.observe(&method, &route, status, elapsed.as_secs_f64());
    }
    span.in_scope(|| {
        tracing::info!(status, route = %route, latency_ms = elapsed.as_secs_f64() * 1000.0, "request finished");
    });
    outcome.map(|mut res| {
        if let Ok(value) = HeaderValue::from_str(&request_id) {
            res.headers_mut().insert(REQUEST_ID_HEADER, value);
        }
        res
    })
}

const LATENCY_BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Default)]
struct Series {
    count: u64,
    sum: f64,
    buckets: [u64; LATENCY_BUCKETS.len()],
}

/// Request counts and latency histograms by method, route and status, rendered in the
/// Prometheus text format. Routes are patterns (`/api/v1/users/{id}`), so the label set
/// stays small.
#[derive(Default)]
pub struct Metrics {
    series: Mutex<BTreeMap<(String, String, u16), Series>>,
}

impl Metrics {
    pub fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let Ok(mut series) = self.series.lock() else { return };
        let entry = series
            .entry((method.to_string(), route.to_string(), status))
            .or_default();
        entry.count += 1;
        entry.sum += seconds;
        for (bucket, bound) in entry.buckets.iter_mut().zip(LATENCY_BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
    }

    pub fn render(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let Ok(series) = self.series.lock() else { return out };
        out.push_str("# HELP http_requests_total HTTP requests handled, by method, route and status.\n");
        out.push_str("# TYPE http_requests_total counter\n");
        for ((method, route, status), s) in series.iter() {
            let _ = writeln!(
                out,
                "http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {}",
                escape_label(route),
                s.count
            );
        }
        out.push_str("# HELP http_request_duration_seconds Time to handle a request.\n");
        out.push_str("# TYPE http_request_duration_seconds histogram\n");
        for ((method, route, status), s) in series.iter() {
            let labels = format!(
                "method=\"{method}\",route=\"{}\",status=\"{status}\"",
                escape_label(route)
            );
            for (bound, n) in LATENCY_BUCKETS.iter().zip(s.buckets) {
                let _ = writeln!(
                    out,
                    "http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(out, "http_request_duration_seconds_sum{{{labels}}} {}", s.sum);
            let _ = writeln!(out, "http_request_duration_seconds_count{{{labels}}} {}", s.count);
        }
        out
    }
}

fn escape_label(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// Largest JSON body, set as app data by `Application::build`.
#[derive(Clone, Copy)]
pub struct JsonLimit(pub usize);

/// The raw bytes of a JSON body, checked as `ApiJson` checks them: for handlers that must
/// hash or inspect the body before parsing it.
pub struct RawJson(pub web::Bytes);

impl FromRequest for RawJson {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read_json_body(req, payload);
        Box::pin(async move { body.await.map(RawJson) })
    }
}

/// A JSON body: 415 unless the content type is JSON, 413 past the limit, 400 naming the
/// field (as a path like `checklist[2].pass`) when it does not parse into `T`.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for ApiJson<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read_json_body(req, payload);
        Box::pin(async move { parse_json(&body.await?).map(ApiJson) })
    }
}

fn read_json_body(req: &HttpRequest, payload: &mut Payload) -> impl Future<Output = AppResult<web::Bytes>> + 'static {
    let limit = req.app_data::<JsonLimit>().map_or(1024 * 1024, |l| l.0);
    let content_type_ok = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            let essence = v.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
            essence == "application/json" || essence.ends_with("+json")
        });
    let body = read_body(req, payload.take(), limit);
    async move {
        if content_type_ok == Some(false) {
            return Err(AppError::UnsupportedMediaType(
                "the body must be JSON (Content-Type: application/json)".into(),
            ));
        }
        let body = body.await?;
        if body.is_empty() {
            return Err(AppError::bad_request("a JSON body is required"));
        }
        Ok(body.freeze())
    }
}

/// How long a JSON or import body may take to arrive (app data; 30 s when absent): a
/// client trickling its body holds a connection no longer than this.
#[derive(Debug, Clone, Copy)]
pub struct BodyTimeout(pub std::time::Duration);

/// Reads the raw body up to `limit` bytes: 413 past it, whether the length is declared
/// or the body is chunked; 408 when it takes longer than the `BodyTimeout`. Nothing is
/// read until the future is awaited.
pub fn read_body(
    req: &HttpRequest,
    mut payload: Payload,
    limit: usize,
) -> impl Future<Output = AppResult<BytesMut>> + 'static {
    let declared_length = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let timeout = req
        .app_data::<BodyTimeout>()
        .map_or(std::time::Duration::from_secs(30), |t| t.0);
    async move {
        if declared_length.is_some_and(|n| n > limit) {
            return Err(AppError::PayloadTooLarge(limit));
        }
        let read = async move {
            let mut body = BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|e| AppError::bad_request(format!("the body could not be read: {e}")))?;
                if body.len() + chunk.len() > limit {
                    return Err(AppError::PayloadTooLarge(limit));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(body)
        };
        tokio::time::timeout(timeout, read)
            .await
            .unwrap_or(Err(AppError::RequestTimeout(timeout.as_secs())))
    }
}

/// Parses JSON, reporting the path of the field that failed. A number with no fraction
/// (`85.0`) is read as the integer it is, as JSON Schema counts it: a whole-number field
/// accepts it. Every body of this API is a JSON object: serde would read an array as a
/// struct's fields in order (`[null, null]` as a patch changing nothing), so any other
/// JSON value is refused here.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> AppResult<T> {
    refuse_nul_in_strings(body)?;
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let mut value = serde_json::Value::deserialize(&mut deserializer)
        .map_err(|e| AppError::bad_request(format!("the body is not valid JSON: {e}")))?;
    deserializer
        .end()
        .map_err(|e| AppError::bad_request(format!("the body is not valid JSON: {e}")))?;
    if !value.is_object() {
        return Err(AppError::BadRequest {
            detail: "the body must be a JSON object".into(),
            errors: vec![FieldError::new("body", "must be a JSON object")],
        });
    }
    integral_numbers_as_integers(&mut value);
    from_json_value(value)
}

/// Rewrites every finite float with no fraction that fits an `i64` as that integer.
fn integral_numbers_as_integers(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Number(number) if number.is_f64() => {
            if let Some(float) = number.as_f64()
                && float.fract() == 0.0
                && float.abs() < 9.0e15
            {
                *value = serde_json::Value::from(float as i64);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(integral_numbers_as_integers),
        serde_json::Value::Object(map) => map.values_mut().for_each(integral_numbers_as_integers),
        _ => {}
    }
}

/// Text may not hold NUL (PostgreSQL refuses it): a `\u0000` escape inside a JSON string
/// is a 400 naming the field, before anything is stored.
fn refuse_nul_in_strings(body: &[u8]) -> AppResult<()> {
    if !body.windows(6).any(|w| w == b"\\u0000") {
        return Ok(());
    }
    fn find(value: &serde_json::Value, path: String) -> Option<String> {
        match value {
            serde_json::Value::String(text) if text.contains('\0') => Some(path),
            serde_json::Value::Array(items) => items
                .iter()
                .enumerate()
                .find_map(|(i, item)| find(item, format!("{path}[{i}]"))),
            serde_json::Value::Object(map) => map.iter().find_map(|(key, item)| {
                let field = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                find(item, field)
            }),
            _ => None,
        }
    }
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return Ok(());
    };
    match find(&value, String::new()) {
        None => Ok(()),
        Some(field) => {
            let field = if field.is_empty() { "body".to_string() } else { field };
            Err(AppError::BadRequest {
                detail: format!("{field}: text may not contain NUL characters"),
                errors: vec![FieldError::new(field, "text may not contain NUL characters")],
            })
        }
    }
}

/// Converts parsed JSON into `T`, reporting the path of the field that failed.
pub fn from_json_value<T: DeserializeOwned>(value: serde_json::Value) -> AppResult<T> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        json_field_error(&path, &e.into_inner().to_string())
    })
}

/// Turns a serde message into a 400 naming the field. serde reports a missing field at
/// its parent's path, with the name inside backticks.
fn json_field_error(path: &str, message: &str) -> AppError {
    let message = message.split(" at line ").next().unwrap_or(message).to_string();
    let field = match (message.strip_prefix("missing field `"), path) {
        (Some(rest), ".") | (Some(rest), "") => rest.trim_end_matches('`').to_string(),
        (Some(rest), parent) => format!("{parent}.{}", rest.trim_end_matches('`')),
        (None, ".") | (None, "") => "body".to_string(),
        (None, path) => path.to_string(),
    };
    AppError::BadRequest {
        detail: format!("{field}: {message}"),
        errors: vec![FieldError::new(field, message)],
    }
}

/// Query parameters, with a 400 naming the parameter that failed.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned> FromRequest for ApiQuery<T> {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(parse_query(req.query_string()).map(ApiQuery))
    }
}

pub fn parse_query<T: DeserializeOwned>(query: &str) -> AppResult<T> {
    let deserializer = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        let field = match message.strip_prefix("missing field `") {
            Some(rest) => rest.trim_end_matches('`').to_string(),
            None if path == "." => "query".to_string(),
            None => path,
        };
        AppError::BadRequest {
            detail: format!("query parameter {field}: {message}"),
            errors: vec![FieldError::new(field, message)],
        }
    })
}

/// `?limit=&cursor=` on every list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Items per page, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page: base64url without padding. Any such string
    /// names a position in the list's order, so a cursor is never refused for its content.
    #[param(max_length = 512, pattern = "^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2,3})?$")]
    pub cursor: Option<String>,
}

/// Cursors decode as base64url without padding, their last symbol's unused bits ignored.
const CURSOR_ENGINE: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    base64::engine::GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::RequireNone),
);

pub const MAX_PAGE_SIZE: i64 = 200;
pub const DEFAULT_PAGE_SIZE: i64 = 50;

/// A validated page request: fetch `limit + 1` rows after `after` to learn if more follow.
#[derive(Debug, Clone)]
pub struct PageRequest {
    pub limit: i64,
    pub after: Option<String>,
}

impl PageParams {
    pub fn validate(&self) -> AppResult<PageRequest> {
        let limit = self.limit.unwrap_or(DEFAULT_PAGE_SIZE);
        if !(1..=MAX_PAGE_SIZE).contains(&limit) {
            return Err(AppError::field(
                "limit",
                format!("must be between 1 and {MAX_PAGE_SIZE}"),
            ));
        }
        let after = match &self.cursor {
            None => None,
            Some(cursor) if cursor.len() > 512 => {
                return Err(AppError::BadRequest {
                    detail: "cursor: at most 512 characters".into(),
                    errors: vec![FieldError::new("cursor", "at most 512 characters")],
                });
            }
            Some(cursor) => Some(
                CURSOR_ENGINE
                    .decode(cursor)
                    .ok()
                    // Any base64url text is a position: bytes that are not UTF-8 and NUL
                    // (which PostgreSQL text cannot hold) read as U+FFFD, as no key has them.
                    .map(|bytes| String::from_utf8_lossy(&bytes).replace('\0', "\u{FFFD}"))
                    .ok_or_else(|| AppError::BadRequest {
                        detail: "cursor: not a cursor this service issued (base64url without padding)".into(),
                        errors: vec![FieldError::new("cursor", "not base64url without padding")],
                    })?,
            ),
        };
        Ok(PageRequest { limit, after })
    }
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// `rows` were fetched with `limit + 1`; `key` gives the sort key the cursor resumes after.
    pub fn from_rows(mut rows: Vec<T>, request: &PageRequest, key: impl Fn(&T) -> String) -> Self {
        let more = rows.len() as i64 > request.limit;
        rows.truncate(request.limit.max(0) as usize);
        let next_cursor = if more {
            rows.last().map(|last| URL_SAFE_NO_PAD.encode(key(last)))
        } else {
            None
        };
        Page {
            items: rows,
            next_cursor,
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next_cursor: self.next_cursor,
        }
    }

    /// `map` with a conversion that can fail: the first error is the page's.
    pub fn try_map<U, E>(self, f: impl FnMut(T) -> Result<U, E>) -> Result<Page<U>, E> {
        Ok(Page {
            items: self.items.into_iter().map(f).collect::<Result<_, E>>()?,
            next_cursor: self.next_cursor,
        })
    }
}

/// For PATCH bodies: tells an absent field (`None`) from an explicit `null` (`Some(None)`).
pub fn double_option<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        pass: bool,
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Outer {
        name: String,
        items: Vec<Inner>,
    }

    fn field_of(err: AppError) -> String {
        match err {
            AppError::BadRequest { errors, .. } => errors[0].field.clone(),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn json_errors_name_the_field() {
        let err = parse_json::<Outer>(br#"{"name":"a","items":[{"pass":true},{"pass":"yes"}]}"#).unwrap_err();
        assert_eq!(field_of(err), "items[1].pass");
        let err = parse_json::<Outer>(br#"{"items":[]}"#).unwrap_err();
        assert_eq!(field_of(err), "name");
        let err = parse_json::<Outer>(br#"{"name":"a","items":[{}]}"#).unwrap_err();
        assert_eq!(field_of(err), "items[0].pass");
        let err = parse_json::<Outer>(b"{not json").unwrap_err();
        assert!(matches!(err, AppError::BadRequest { errors, .. } if errors.is_empty()));
    }

    #[test]
    fn query_errors_name_the_parameter() {
        let err = parse_query::<PageParams>("limit=abc").unwrap_err();
        assert_eq!(field_of(err), "limit");
        let ok: PageParams = parse_query("limit=5&cursor=x").unwrap();
        assert_eq!(ok.limit, Some(5));
    }

    #[test]
    fn pages_carry_a_cursor_only_when_more_follow() {
        let request = PageParams {
            limit: Some(2),
            cursor: None,
        }
        .validate()
        .unwrap();
        let page = Page::from_rows(vec!["a", "b", "c"], &request, |s| s.to_string());
        assert_eq!(page.items, vec!["a", "b"]);
        let cursor = page.next_cursor.unwrap();
        let next = PageParams {
            limit: Some(2),
            cursor: Some(cursor),
        }
        .validate()
        .unwrap();
        assert_eq!(next.after.as_deref(), Some("b"));
        let last = Page::from_rows(vec!["c"], &next, |s| s.to_string());
        assert!(last.next_cursor.is_none());
        assert!(
            PageParams {
                limit: Some(201),
                cursor: None
            }
            .validate()
            .is_err()
        );
        assert!(
            PageParams {
                limit: Some(0),
                cursor: None
            }
            .validate()
            .is_err()
        );
    }
}
