//! One error type for the API, rendered as `application/problem+json` (RFC 9457).
//!
//! Every variant has a stable machine `code`; clients branch on `status` and `code`,
//! people read `title` and `detail`. Unexpected errors become an opaque 500 whose cause
//! is logged, never sent.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

/// A problem with one input field.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct FieldError {
    /// The field, as a JSON path (`roles[1]`) or a query/header name.
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Adds a problem to `errors` when a text field is blank or longer than `max` characters.
pub fn check_text(field: &str, value: &str, max: usize, errors: &mut Vec<FieldError>) {
    if value.trim().is_empty() {
        errors.push(FieldError::new(field, "must not be blank"));
    } else if value.chars().count() > max {
        errors.push(FieldError::new(field, format!("must be at most {max} characters")));
    }
}

/// `check_text` for an optional field, which may be absent.
pub fn check_optional_text(field: &str, value: Option<&str>, max: usize, errors: &mut Vec<FieldError>) {
    if let Some(value) = value {
        check_text(field, value, max, errors);
    }
}

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_uri: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable machine code of the problem (also the last segment of `type`).
    pub code: String,
    /// The legal or business rule that refused the request (422 only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Actions the resource allows now (409 only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_actions: Option<Vec<String>>,
    /// The request id, also sent as `X-Request-Id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400: the request could not be read (malformed JSON, wrong types, bad query).
    #[error("{detail}")]
    BadRequest { detail: String, errors: Vec<FieldError> },
    /// 422: well-formed input that fails validation, field by field.
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// 422: a legal or business rule refuses the request; `rule` names it.
    #[error("{detail}")]
    Rule { rule: &'static str, detail: String },
    #[error("authentication required")]
    Unauthenticated(&'static str),
    #[error("forbidden")]
    Forbidden(String),
    #[error("not found")]
    NotFound(&'static str),
    /// 409: a conflicting state (duplicate, or an action not allowed now).
    #[error("{detail}")]
    Conflict {
        detail: String,
        allowed_actions: Option<Vec<String>>,
    },
    #[error("precondition failed")]
    PreconditionFailed(String),
    /// 405: the path exists, but not with this method; lists the methods it has.
    #[error("method not allowed")]
    MethodNotAllowed(Vec<String>),
    #[error("payload too large")]
    PayloadTooLarge(usize),
    /// 408: the body did not arrive within this many seconds.
    #[error("request timeout")]
    RequestTimeout(u64),
    #[error("unsupported media type")]
    UnsupportedMediaType(String),
    /// 416: a `Range` that starts beyond the end of a file of this many bytes.
    #[error("range not satisfiable")]
    RangeNotSatisfiable(u64),
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64, detail: String },
    #[error("service unavailable")]
    Unavailable(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn bad_request(detail: impl Into<String>) -> Self {
        AppError::BadRequest {
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Validation(vec![FieldError::new(field, message)])
    }

    pub fn rule(rule: &'static str, detail: impl Into<String>) -> Self {
        AppError::Rule {
            rule,
            detail: detail.into(),
        }
    }

    pub fn conflict(detail: impl Into<String>) -> Self {
        AppError::Conflict {
            detail: detail.into(),
            allowed_actions: None,
        }
    }

    pub fn internal(error: impl Into<anyhow::Error>) -> Self {
        AppError::Internal(error.into())
    }

    pub fn code(&self) -> &'static str {
        self.code_and_title().0
    }

    /// The stable machine code of the problem, and its title for people.
    fn code_and_title(&self) -> (&'static str, &'static str) {
        match self {
            AppError::BadRequest { .. } => ("bad-request", "Malformed request"),
            AppError::Validation(_) => ("validation-failed", "Invalid input"),
            AppError::Rule { .. } => ("rule-violated", "Refused by a rule"),
            AppError::Unauthenticated(_) => ("unauthenticated", "Authentication required"),
            AppError::Forbidden(_) => ("forbidden", "Forbidden"),
            AppError::NotFound(_) => ("not-found", "Not found"),
            AppError::Conflict { .. } => ("conflict", "Conflict"),
            AppError::PreconditionFailed(_) => ("precondition-failed", "Precondition failed"),
            AppError::MethodNotAllowed(_) => ("method-not-allowed", "Method not allowed"),
            AppError::PayloadTooLarge(_) => ("payload-too-large", "Payload too large"),
            AppError::RequestTimeout(_) => ("request-timeout", "Request timeout"),
            AppError::UnsupportedMediaType(_) => ("unsupported-media-type", "Unsupported media type"),
            AppError::RangeNotSatisfiable(_) => ("range-not-satisfiable", "Range not satisfiable"),
            AppError::TooManyRequests { .. } => ("too-many-requests", "Too many requests"),
            AppError::Unavailable(_) => ("unavailable", "Service unavailable"),
            AppError::Internal(_) => ("internal", "Internal error"),
        }
    }

    fn detail(&self) -> String {
        match self {
            AppError::BadRequest { detail, .. } => detail.clone(),
            AppError::Validation(errors) => match errors.as_slice() {
                [one] => format!("{}: {}", one.field, one.message),
                _ => format!("{} fields are invalid", errors.len()),
            },
            AppError::Rule { detail, .. } => detail.clone(),
            AppError::Unauthenticated(why) => (*why).to_string(),
            AppError::Forbidden(why) => why.clone(),
            AppError::NotFound(what) => format!("{what} not found"),
            AppError::Conflict { detail, .. } => detail.clone(),
            AppError::PreconditionFailed(why) => why.clone(),
            AppError::MethodNotAllowed(allowed) => format!("this path answers {} only", allowed.join(", ")),
            AppError::PayloadTooLarge(limit) => format!("the request body exceeds the limit of {limit} bytes"),
            AppError::RequestTimeout(seconds) => format!("the request body did not arrive within {seconds} seconds"),
            AppError::UnsupportedMediaType(why) => why.clone(),
            AppError::RangeNotSatisfiable(size) => {
                format!("the requested range starts beyond the end of the file ({size} bytes)")
            }
            AppError::TooManyRequests { detail, .. } => detail.clone(),
            AppError::Unavailable(why) => why.clone(),
            AppError::Internal(_) => "an unexpected error occurred; it has been logged".into(),
        }
    }

    pub fn to_problem(&self) -> Problem {
        let (code, title) = self.code_and_title();
        Problem {
            type_uri: format!("/problems/{code}"),
            title: title.into(),
            status: self.status_code().as_u16(),
            detail: self.detail(),
            code: code.into(),
            rule: match self {
                AppError::Rule { rule, .. } => Some((*rule).to_string()),
                _ => None,
            },
            errors: match self {
                AppError::Validation(errors) | AppError::BadRequest { errors, .. } => errors.clone(),
                _ => Vec::new(),
            },
            allowed_actions: match self {
                AppError::Conflict { allowed_actions, .. } => allowed_actions.clone(),
                _ => None,
            },
            request_id: crate::http::current_request_id(),
        }
    }
}

impl AppError {
    /// A unique-index violation as the conflict `on_duplicate` makes: two requests raced
    /// past the check that refuses the second. Any other database error as usual.
    pub fn from_unique_violation(error: diesel::result::Error, on_duplicate: impl FnOnce() -> AppError) -> AppError {
        match error {
            diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _) => {
                on_duplicate()
            }
            other => other.into(),
        }
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(error: diesel::result::Error) -> Self {
        match error {
            diesel::result::Error::NotFound => AppError::NotFound("resource"),
            lost if crate::db::is_connection_lost(&lost) => {
                tracing::error!(error = %lost, "the database connection was lost");
                AppError::Unavailable("the database connection was lost; try again shortly".into())
            }
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(error: diesel::r2d2::PoolError) -> Self {
        tracing::error!(error = %error, "database pool exhausted or unreachable");
        AppError::Unavailable("the database is not reachable; try again shortly".into())
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(error: actix_web::error::BlockingError) -> Self {
        AppError::Internal(anyhow::anyhow!("blocking task failed: {error}"))
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            AppError::Validation(_) | AppError::Rule { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            AppError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            AppError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::RequestTimeout(_) => StatusCode::REQUEST_TIMEOUT,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::RangeNotSatisfiable(_) => StatusCode::RANGE_NOT_SATISFIABLE,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let AppError::Internal(cause) = self {
            tracing::error!(error = ?cause, "internal error");
        }
        let mut response = HttpResponse::build(self.status_code());
        response.content_type("application/problem+json");
        match self {
            AppError::TooManyRequests { retry_after_secs, .. } => {
                response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            AppError::Unauthenticated(_) => {
                response.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
            }
            AppError::RangeNotSatisfiable(size) => {
                response.insert_header((header::CONTENT_RANGE, format!("bytes */{size}")));
            }
            AppError::MethodNotAllowed(allowed) => {
                response.insert_header((header::ALLOW, allowed.join(", ")));
            }
            _ => {}
        }
        let body = serde_json::to_string(&self.to_problem())
            .unwrap_or_else(|_| r#"{"title":"Internal error","status":500}"#.into());
        response.body(body)
    }
}

pub type AppResult<T> = Result<T, AppError>;
