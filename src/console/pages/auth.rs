//! Sign-in, sign-out and the console's front door.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::Role;
use crate::auth::tokens::new_refresh_token;
use crate::clock;
use crate::console::session::{self, COOKIE, ConsoleUser, LOGIN_CSRF_COOKIE, SESSION_TTL};
use crate::console::{ConsoleError, Form, Layout, csrf, render, see_other};
use crate::error::AppError;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "console/login.html")]
struct LoginPage {
    csrf: String,
    username: String,
    notice: Option<&'static str>,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "console/home.html")]
struct HomePage {
    layout: Layout,
}

#[derive(Deserialize)]
pub struct LoginQuery {
    m: Option<String>,
}

/// The sign-in form's CSRF token: the one its cookie holds, or a new one.
fn login_token(req: &HttpRequest) -> (String, bool) {
    match req.cookie(LOGIN_CSRF_COOKIE).map(|c| c.value().to_string()) {
        Some(token) if token.len() >= 32 => (token, false),
        _ => (new_refresh_token(), true),
    }
}

fn login_response(
    req: &HttpRequest,
    status: StatusCode,
    username: String,
    notice: Option<&'static str>,
    error: Option<String>,
) -> Result<HttpResponse, ConsoleError> {
    let (token, fresh) = login_token(req);
    let mut response = render(
        status,
        &LoginPage {
            csrf: token.clone(),
            username,
            notice,
            error,
        },
    )?;
    if fresh {
        response
            .add_cookie(&session::cookie(req, LOGIN_CSRF_COOKIE, token, None))
            .map_err(ConsoleError::internal)?;
    }
    Ok(response)
}

/// `GET /console/login`: the sign-in form; `?m=expired` after a session ran out,
/// `?m=signed_out` after signing out.
pub async fn login_page(req: HttpRequest, query: web::Query<LoginQuery>) -> Result<HttpResponse, ConsoleError> {
    let notice = match query.m.as_deref() {
        Some("expired") => Some("登录已过期，请重新登录。"),
        Some("signed_out") => Some("您已安全退出。"),
        _ => None,
    };
    login_response(&req, StatusCode::OK, String::new(), notice, None)
}

/// `POST /console/login`: the same check as the API's login (throttles, argon2id through
/// the password gate), then a console session.
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, ConsoleError> {
    let form = Form(form.into_inner());
    let expected = req
        .cookie(LOGIN_CSRF_COOKIE)
        .map(|c| c.value().to_string())
        .unwrap_or_default();
    csrf::check(&form, &expected)?;
    let username = form.get("username").unwrap_or_default().to_string();
    let password = form.get("password").unwrap_or_default().to_string();
    let address = req.peer_addr().map(|peer| peer.ip());
    let user = match crate::auth::api::authenticate(&state, address, username.clone(), password).await {
        Ok(user) => user,
        Err(AppError::TooManyRequests { retry_after_secs, .. }) => {
            let minutes = retry_after_secs.div_ceil(60);
            let mut response = login_response(
                &req,
                StatusCode::TOO_MANY_REQUESTS,
                username,
                None,
                Some(format!("登录失败次数过多，请约 {minutes} 分钟后再试。")),
            )?;
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(retry_after_secs));
            return Ok(response);
        }
        Err(AppError::Unauthenticated(_)) => {
            return login_response(
                &req,
                StatusCode::UNAUTHORIZED,
                username,
                None,
                Some("用户名或密码错误。".into()),
            );
        }
        Err(AppError::Validation(_)) => {
            return login_response(
                &req,
                StatusCode::UNPROCESSABLE_ENTITY,
                username,
                None,
                Some("请输入用户名和密码。".into()),
            );
        }
        Err(other) => return Err(other.into()),
    };
    let session_user = user.clone();
    let (token, _) = state
        .db_write(move |conn| Ok(session::start(conn, &session_user, clock::now())?))
        .await?;
    tracing::info!(username = %user.username, user_id = %user.id, "console sign-in");
    let mut response = see_other("/console/");
    response
        .add_cookie(&session::cookie(&req, COOKIE, token, Some(SESSION_TTL)))
        .map_err(ConsoleError::internal)?;
    response
        .add_cookie(&session::removal(&req, LOGIN_CSRF_COOKIE))
        .map_err(ConsoleError::internal)?;
    Ok(response)
}

/// `POST /console/logout`: ends the session (with the session's CSRF token).
pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: ConsoleUser,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, ConsoleError> {
    csrf::check(&Form(form.into_inner()), &user.csrf)?;
    let token_hash = user.token_hash.clone();
    state.db_write(move |conn| Ok(session::end(conn, &token_hash)?)).await?;
    let mut response = see_other("/console/login?m=signed_out");
    response
        .add_cookie(&session::removal(&req, COOKIE))
        .map_err(ConsoleError::internal)?;
    Ok(response)
}

/// `GET /console/`: each user's first page by role.
pub async fn home(user: ConsoleUser) -> Result<HttpResponse, ConsoleError> {
    let roles = &user.current.roles;
    if roles.has(Role::Officer) {
        return Ok(see_other("/console/cases"));
    }
    if roles.has(Role::LegalCounsel) {
        return Ok(see_other("/console/reviews"));
    }
    if roles.has(Role::Supervisor) {
        return Ok(see_other("/console/approvals"));
    }
    if roles.has(Role::Admin) {
        return Ok(see_other("/console/admin/users"));
    }
    render(
        StatusCode::OK,
        &HomePage {
            layout: Layout::new(&user, "执法工作台", "/console/"),
        },
    )
}
