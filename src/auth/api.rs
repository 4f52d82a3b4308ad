//! `/auth/login`, `/auth/refresh`, `/auth/logout`, `/me`.

use actix_web::{HttpResponse, web};
use chrono::Duration;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::agencies;
use crate::auth::CurrentUser;
use crate::auth::model::login_retry_after;
use crate::auth::store::{self, Rotation};
use crate::clock;
use crate::error::{AppError, AppResult, FieldError, Problem};
use crate::http::ApiJson;
use crate::state::AppState;
use crate::users::api::UserView;
use crate::users::model::normalize_username;
use crate::users::store::UserRow;

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    /// Not blank.
    #[schema(
        min_length = 1,
        pattern = r"[^\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub username: String,
    #[schema(min_length = 1)]
    pub password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// Short-lived JWT for `Authorization: Bearer`.
    pub access_token: String,
    /// Single-use; exchange at `/auth/refresh` for a new pair.
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyView {
    pub id: String,
    pub code: String,
    pub name: String,
    pub case_prefix: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeResponse {
    #[serde(flatten)]
    pub user: UserView,
    pub agency: AgencyView,
}

const INVALID_CREDENTIALS: &str = "invalid username or password";

fn token_response(
    state: &AppState,
    user: &UserRow,
    session_id: &str,
    refresh_token: String,
) -> AppResult<TokenResponse> {
    let access_token = state
        .jwt
        .issue(&user.id, &user.agency_id, session_id)
        .map_err(AppError::internal)?;
    Ok(TokenResponse {
        access_token,
        refresh_token,
        token_type: "Bearer".into(),
        expires_in: state.jwt.access_ttl.as_secs(),
    })
}

fn refresh_ttl(state: &AppState) -> Duration {
    Duration::seconds(state.settings.refresh_token_ttl.as_secs() as i64)
}

/// Log in with a username and password.
///
/// After 5 failures for a username within 15 minutes, attempts get 429 with
/// `Retry-After` until the oldest of them is 15 minutes old, even with the right password;
/// likewise after 50 failures from one network address, whatever the usernames.
#[utoipa::path(
    post, path = "/api/v1/auth/login", tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, body = TokenResponse),
        (status = 401, body = Problem, description = "wrong username or password"),
        (status = 422, body = Problem),
        (status = 429, body = Problem, description = "throttled; see Retry-After"),
    )
)]
pub async fn login(
    state: web::Data<AppState>,
    request: actix_web::HttpRequest,
    body: ApiJson<LoginRequest>,
) -> AppResult<HttpResponse> {
    let LoginRequest { username, password } = body.0;
    let address = request.peer_addr().map(|peer| peer.ip());
    let user = authenticate(&state, address, username, password).await?;
    let now = clock::now();
    let ttl = refresh_ttl(&state);
    let session_user = user.clone();
    let (session_id, refresh_token) = state
        .db_write(move |conn| Ok(store::start_session(conn, &session_user, now, ttl)?))
        .await?;
    tracing::info!(username = %user.username, user_id = %user.id, "login succeeded");
    Ok(HttpResponse::Ok().json(token_response(&state, &user, &session_id, refresh_token)?))
}

/// Checks a username and password as every sign-in does (the API's login and the staff
/// console's): both throttles (per address, per username), argon2id through the password
/// gate, the timing of unknown usernames, and the bookkeeping of failures. Answers the
/// active user; 401, 422 or 429 otherwise. A success clears nothing: the caller starts its
/// session (`store::start_session` clears the username's failures).
pub async fn authenticate(
    state: &AppState,
    address: Option<std::net::IpAddr>,
    username: String,
    password: String,
) -> AppResult<UserRow> {
    if let Some(retry_after_secs) = address.and_then(|ip| state.login_addresses.retry_after(ip, clock::now())) {
        tracing::warn!(address = ?address, "login throttled for the address");
        return Err(AppError::TooManyRequests {
            retry_after_secs,
            detail: format!("too many failed logins from this address; try again in {retry_after_secs} seconds"),
        });
    }
    let mut errors = Vec::new();
    if username.trim().is_empty() {
        errors.push(FieldError::new("username", "must not be blank"));
    }
    if password.is_empty() {
        errors.push(FieldError::new("password", "must not be blank"));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let username = normalize_username(&username);
    let now = clock::now();
    let lookup = username.clone();
    let (failures, candidate) = state
        .db(move |conn| {
            Ok((
                store::recent_failures(conn, &lookup, now)?,
                crate::users::store::find_by_username(conn, &lookup)?,
            ))
        })
        .await?;
    if let Some(retry_after_secs) = login_retry_after(&failures, now) {
        tracing::warn!(username = %username, "login throttled");
        return Err(AppError::TooManyRequests {
            retry_after_secs,
            detail: format!("too many failed logins for this username; try again in {retry_after_secs} seconds"),
        });
    }
    let verified = state
        .password_gate
        .run(move |hasher| match candidate {
            Some(user) if hasher.verify(&password, &user.password_hash) => Some(user),
            Some(_) => None,
            None => {
                hasher.verify_against_dummy(&password);
                None
            }
        })
        .await?;
    match verified {
        Some(user) if user.active => Ok(user),
        _ => {
            if let Some(ip) = address {
                state.login_addresses.record_failure(ip, now);
            }
            let failed = username.clone();
            state
                .db_write(move |conn| Ok(store::record_failure(conn, &failed, now)?))
                .await?;
            tracing::info!(username = %username, "login failed");
            Err(AppError::Unauthenticated(INVALID_CREDENTIALS))
        }
    }
}

/// Exchange a refresh token for a new access and refresh token.
///
/// A refresh token works once. Presenting one that was already used revokes its whole
/// family (the session), so a stolen token dies together with the legitimate one.
#[utoipa::path(
    post, path = "/api/v1/auth/refresh", tag = "auth",
    request_body = RefreshRequest,
    responses((status = 200, body = TokenResponse), (status = 401, body = Problem))
)]
pub async fn refresh(state: web::Data<AppState>, body: ApiJson<RefreshRequest>) -> AppResult<HttpResponse> {
    let token = body.0.refresh_token;
    let now = clock::now();
    let ttl = refresh_ttl(&state);
    // The transaction commits even for reuse, so the family's revocation sticks.
    let rotation = state
        .db_write(move |conn| Ok(store::rotate_refresh_token(conn, &token, now, ttl)?))
        .await?;
    match rotation {
        Rotation::Rotated {
            user,
            session_id,
            refresh_token,
        } => Ok(HttpResponse::Ok().json(token_response(&state, &user, &session_id, refresh_token)?)),
        Rotation::ReuseDetected => {
            tracing::warn!("refresh token reused; its session has been revoked");
            Err(AppError::Unauthenticated(
                "the refresh token was already used; the session has been revoked",
            ))
        }
        Rotation::Invalid => Err(AppError::Unauthenticated(
            "the refresh token is invalid, expired or revoked",
        )),
    }
}

/// End the caller's session: its access and refresh tokens stop working.
#[utoipa::path(
    post, path = "/api/v1/auth/logout", tag = "auth",
    responses((status = 204, description = "logged out"), (status = 401, body = Problem)),
    security(("bearer" = []))
)]
pub async fn logout(state: web::Data<AppState>, user: CurrentUser) -> AppResult<HttpResponse> {
    let session_id = user.session_id.clone();
    state
        .db_write(move |conn| Ok(store::revoke_session(conn, &session_id, "logout", clock::now())?))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The caller's own account and agency.
#[utoipa::path(
    get, path = "/api/v1/me", tag = "auth",
    responses((status = 200, body = MeResponse), (status = 401, body = Problem)),
    security(("bearer" = []))
)]
pub async fn me(state: web::Data<AppState>, user: CurrentUser) -> AppResult<HttpResponse> {
    let agency_id = user.agency_id.clone();
    let agency = state
        .db(move |conn| Ok(agencies::store::find(conn, &agency_id)?))
        .await?;
    Ok(HttpResponse::Ok().json(MeResponse {
        user: UserView::from_row(user.user, clock::today()),
        agency: AgencyView {
            id: agency.id,
            code: agency.code,
            name: agency.name,
            case_prefix: agency.case_prefix,
        },
    }))
}
