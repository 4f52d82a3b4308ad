//! Console sessions (控制台会话): a random token in an HttpOnly, SameSite=Strict cookie; the
//! database keeps its SHA-256, the user, the per-session CSRF token and the expiry.

use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::{Cookie, SameSite, time};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::auth::tokens::{new_refresh_token, refresh_token_digest};
use crate::auth::{CurrentUser, Roles};
use crate::clock;
use crate::console::ConsoleError;
use crate::db::DbConn;
use crate::db::schema::{console_sessions, users};
use crate::state::AppState;
use crate::users::store::UserRow;

/// The session cookie, scoped to the console's paths.
pub const COOKIE: &str = "console_session";
/// The cookie of the sign-in form's CSRF token, before there is a session.
pub const LOGIN_CSRF_COOKIE: &str = "console_login_csrf";
/// A session lasts one working day from sign-in; then the console asks to sign in again.
pub const SESSION_TTL: Duration = Duration::hours(8);
const PATH: &str = "/console";

/// A signed-in console user: the same `CurrentUser` the API's handlers see (so the pages
/// call the same checks), the session's CSRF token and the digest naming the session.
#[derive(Debug, Clone)]
pub struct ConsoleUser {
    pub current: CurrentUser,
    pub csrf: String,
    pub token_hash: String,
}

/// What a session cookie names.
pub enum Lookup {
    Live(Box<UserRow>, String),
    /// Known but past its expiry: the console says so on the sign-in page.
    Expired,
    /// Unknown, ended by sign-out, or its user deactivated.
    Unknown,
}

/// A new session for `user`: answers the cookie's token and the CSRF token. Sessions past
/// their expiry are swept on the way, and the username's failed logins forgotten.
pub fn start(conn: &mut DbConn, user: &UserRow, now: DateTime<Utc>) -> QueryResult<(String, String)> {
    diesel::delete(
        console_sessions::table.filter(console_sessions::expires_at.lt(clock::to_db(now - Duration::days(1)))),
    )
    .execute(conn)?;
    crate::auth::store::clear_failures(conn, &user.username)?;
    let token = new_refresh_token();
    let csrf = new_refresh_token();
    diesel::insert_into(console_sessions::table)
        .values((
            console_sessions::token_hash.eq(refresh_token_digest(&token)),
            console_sessions::user_id.eq(&user.id),
            console_sessions::csrf_token.eq(&csrf),
            console_sessions::created_at.eq(clock::to_db(now)),
            console_sessions::expires_at.eq(clock::to_db(now + SESSION_TTL)),
        ))
        .execute(conn)?;
    Ok((token, csrf))
}

/// The session a cookie's token names, as of `now`.
pub fn find(conn: &mut DbConn, token: &str, now: DateTime<Utc>) -> QueryResult<Lookup> {
    let found: Option<(NaiveDateTime, String, UserRow)> = console_sessions::table
        .inner_join(users::table)
        .filter(console_sessions::token_hash.eq(refresh_token_digest(token)))
        .select((
            console_sessions::expires_at,
            console_sessions::csrf_token,
            UserRow::as_select(),
        ))
        .first(conn)
        .optional()?;
    Ok(match found {
        Some((expires_at, _, _)) if clock::from_db(expires_at) <= now => Lookup::Expired,
        Some((_, csrf, user)) if user.active => Lookup::Live(Box::new(user), csrf),
        _ => Lookup::Unknown,
    })
}

/// Ends one session (sign-out).
pub fn end(conn: &mut DbConn, token_hash: &str) -> QueryResult<()> {
    diesel::delete(console_sessions::table.filter(console_sessions::token_hash.eq(token_hash)))
        .execute(conn)
        .map(|_| ())
}

/// Ends every console session of a user (password reset, deactivation).
pub fn end_all(conn: &mut DbConn, user_id: &str) -> QueryResult<()> {
    diesel::delete(console_sessions::table.filter(console_sessions::user_id.eq(user_id)))
        .execute(conn)
        .map(|_| ())
}

/// Whether the request reached us over TLS (directly, or as a proxy's `Forwarded` /
/// `X-Forwarded-Proto` says): the cookies are then `Secure`.
pub fn over_tls(req: &HttpRequest) -> bool {
    req.connection_info().scheme().eq_ignore_ascii_case("https")
}

/// A console cookie: HttpOnly, SameSite=Strict, path /console, Secure over TLS.
pub fn cookie(req: &HttpRequest, name: &'static str, value: String, max_age: Option<Duration>) -> Cookie<'static> {
    let mut builder = Cookie::build(name, value)
        .path(PATH)
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(over_tls(req));
    if let Some(age) = max_age {
        builder = builder.max_age(time::Duration::seconds(age.num_seconds()));
    }
    builder.finish()
}

/// A cookie that removes `name` from the browser.
pub fn removal(req: &HttpRequest, name: &'static str) -> Cookie<'static> {
    let mut removal = cookie(req, name, String::new(), None);
    removal.make_removal();
    removal
}

impl FromRequest for ConsoleUser {
    type Error = ConsoleError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ConsoleError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = req
            .cookie(COOKIE)
            .map(|c| c.value().to_string())
            .filter(|t| !t.is_empty());
        Box::pin(async move {
            let state = state.ok_or_else(|| ConsoleError::internal(anyhow::anyhow!("application state missing")))?;
            let token = token.ok_or(ConsoleError::SignIn { expired: false })?;
            let lookup = token.clone();
            let found = state
                .db(move |conn| Ok(find(conn, &lookup, clock::now())?))
                .await
                .map_err(ConsoleError::App)?;
            match found {
                Lookup::Live(user, csrf) => Ok(ConsoleUser {
                    current: CurrentUser {
                        id: user.id.clone(),
                        agency_id: user.agency_id.clone(),
                        username: user.username.clone(),
                        display_name: user.display_name.clone(),
                        roles: Roles::from_db(&user.roles),
                        session_id: String::new(),
                        user: *user,
                    },
                    csrf,
                    token_hash: refresh_token_digest(&token),
                }),
                Lookup::Expired => Err(ConsoleError::SignIn { expired: true }),
                Lookup::Unknown => Err(ConsoleError::SignIn { expired: false }),
            }
        })
    }
}
