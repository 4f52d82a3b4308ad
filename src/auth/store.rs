//! Sessions, refresh-token rotation and login-failure bookkeeping.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::Bool;

use crate::auth::model::{FAILED_LOGIN_WINDOW, MAX_FAILED_LOGINS};
use crate::auth::tokens::{new_refresh_token, refresh_token_digest};
use crate::clock;
use crate::db::schema::{auth_sessions, login_failures, refresh_tokens, users};
use crate::db::{DbConn, MultiBackend};
use crate::users::store::UserRow;

/// Recent failures for a username, newest first, as many as the throttle looks at.
pub fn recent_failures(conn: &mut DbConn, username: &str, now: DateTime<Utc>) -> QueryResult<Vec<DateTime<Utc>>> {
    let since = clock::to_db(now - FAILED_LOGIN_WINDOW);
    let rows: Vec<NaiveDateTime> = login_failures::table
        .filter(login_failures::username.eq(username))
        .filter(login_failures::failed_at.gt(since))
        .order(login_failures::failed_at.desc())
        .limit(MAX_FAILED_LOGINS as i64)
        .select(login_failures::failed_at)
        .load(conn)?;
    Ok(rows.into_iter().map(clock::from_db).collect())
}

pub fn record_failure(conn: &mut DbConn, username: &str, now: DateTime<Utc>) -> QueryResult<()> {
    // Keep the table small: failures older than a day no longer matter to anyone.
    diesel::delete(login_failures::table.filter(login_failures::failed_at.lt(clock::to_db(now - Duration::days(1)))))
        .execute(conn)?;
    diesel::insert_into(login_failures::table)
        .values((
            login_failures::id.eq(uuid::Uuid::now_v7().to_string()),
            login_failures::username.eq(username),
            login_failures::failed_at.eq(clock::to_db(now)),
        ))
        .execute(conn)
        .map(|_| ())
}

/// A new session (refresh-token family) and its first refresh token. A successful login
/// also clears the username's failures.
pub fn start_session(
    conn: &mut DbConn,
    user: &UserRow,
    now: DateTime<Utc>,
    refresh_ttl: Duration,
) -> QueryResult<(String, String)> {
    diesel::delete(login_failures::table.filter(login_failures::username.eq(&user.username))).execute(conn)?;
    let session_id = uuid::Uuid::now_v7().to_string();
    diesel::insert_into(auth_sessions::table)
        .values((
            auth_sessions::id.eq(&session_id),
            auth_sessions::user_id.eq(&user.id),
            auth_sessions::created_at.eq(clock::to_db(now)),
        ))
        .execute(conn)?;
    let token = issue_refresh_token(conn, &session_id, now, refresh_ttl)?;
    Ok((session_id, token))
}

fn issue_refresh_token(conn: &mut DbConn, session_id: &str, now: DateTime<Utc>, ttl: Duration) -> QueryResult<String> {
    let token = new_refresh_token();
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::token_hash.eq(refresh_token_digest(&token)),
            refresh_tokens::session_id.eq(session_id),
            refresh_tokens::issued_at.eq(clock::to_db(now)),
            refresh_tokens::expires_at.eq(clock::to_db(now + ttl)),
        ))
        .execute(conn)?;
    Ok(token)
}

/// A refresh token's expiry and use, its session's id and revocation, and the user.
type TokenLookup = (
    NaiveDateTime,
    Option<NaiveDateTime>,
    String,
    Option<NaiveDateTime>,
    UserRow,
);

pub enum Rotation {
    /// The token was current: here are the session's user and the next token.
    Rotated {
        user: Box<UserRow>,
        session_id: String,
        refresh_token: String,
    },
    /// The token was already used: the whole family has been revoked.
    ReuseDetected,
    /// Unknown, expired, revoked, or its user is deactivated.
    Invalid,
}

/// Exchanges a refresh token for the next one. Run inside a write transaction: marking
/// the old token used and issuing the new one happen together or not at all.
pub fn rotate_refresh_token(
    conn: &mut DbConn,
    token: &str,
    now: DateTime<Utc>,
    ttl: Duration,
) -> QueryResult<Rotation> {
    let digest = refresh_token_digest(token);
    let found: Option<TokenLookup> = refresh_tokens::table
        .inner_join(auth_sessions::table.inner_join(users::table))
        .filter(refresh_tokens::token_hash.eq(&digest))
        .select((
            refresh_tokens::expires_at,
            refresh_tokens::used_at,
            auth_sessions::id,
            auth_sessions::revoked_at,
            UserRow::as_select(),
        ))
        .first(conn)
        .optional()?;
    let Some((expires_at, used_at, session_id, revoked_at, user)) = found else {
        return Ok(Rotation::Invalid);
    };
    if revoked_at.is_some() {
        return Ok(Rotation::Invalid);
    }
    if used_at.is_some() {
        revoke_session(conn, &session_id, "refresh token reused", now)?;
        return Ok(Rotation::ReuseDetected);
    }
    if clock::from_db(expires_at) <= now || !user.active {
        return Ok(Rotation::Invalid);
    }
    // Conditional on still being unused, so two concurrent presentations cannot both win.
    let claimed = diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::token_hash.eq(&digest))
            .filter(refresh_tokens::used_at.is_null()),
    )
    .set(refresh_tokens::used_at.eq(clock::to_db(now)))
    .execute(conn)?;
    if claimed != 1 {
        revoke_session(conn, &session_id, "refresh token reused", now)?;
        return Ok(Rotation::ReuseDetected);
    }
    let refresh_token = issue_refresh_token(conn, &session_id, now, ttl)?;
    Ok(Rotation::Rotated {
        user: Box::new(user),
        session_id,
        refresh_token,
    })
}

pub fn revoke_session(conn: &mut DbConn, session_id: &str, reason: &str, now: DateTime<Utc>) -> QueryResult<()> {
    revoke_live_sessions(conn, Box::new(auth_sessions::id.eq(session_id)), reason, now)
}

/// Ends every session of a user (password reset, deactivation): the API's and the staff
/// console's.
pub fn revoke_all_sessions(conn: &mut DbConn, user_id: &str, reason: &str, now: DateTime<Utc>) -> QueryResult<()> {
    crate::console::session::end_all(conn, user_id)?;
    revoke_live_sessions(conn, Box::new(auth_sessions::user_id.eq(user_id)), reason, now)
}

/// Forgets a username's failed logins: a sign-in succeeded.
pub fn clear_failures(conn: &mut DbConn, username: &str) -> QueryResult<()> {
    diesel::delete(login_failures::table.filter(login_failures::username.eq(username)))
        .execute(conn)
        .map(|_| ())
}

/// Revokes the sessions `which` selects that are still live; one already revoked keeps
/// its time and reason.
fn revoke_live_sessions<'a>(
    conn: &mut DbConn,
    which: Box<dyn BoxableExpression<auth_sessions::table, MultiBackend, SqlType = Bool> + 'a>,
    reason: &str,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(
        auth_sessions::table
            .filter(which)
            .filter(auth_sessions::revoked_at.is_null()),
    )
    .set((
        auth_sessions::revoked_at.eq(clock::to_db(now)),
        auth_sessions::revoked_reason.eq(reason),
    ))
    .execute(conn)
    .map(|_| ())
}

/// The user behind an access token, if both the user is active and the session live.
pub fn active_session_user(conn: &mut DbConn, user_id: &str, session_id: &str) -> QueryResult<Option<UserRow>> {
    auth_sessions::table
        .inner_join(users::table)
        .filter(auth_sessions::id.eq(session_id))
        .filter(auth_sessions::user_id.eq(user_id))
        .filter(auth_sessions::revoked_at.is_null())
        .filter(users::active.eq(true))
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}
