//! `CurrentUser`: the authenticated caller, as a request extractor.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};

use crate::auth::{Role, Roles};
use crate::error::AppError;
use crate::state::AppState;
use crate::users::store::UserRow;

/// The caller behind a valid `Authorization: Bearer` access token whose session is live
/// and whose account is active. Checked against the database on every request, so a
/// deactivation or logout takes effect at once.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: String,
    pub agency_id: String,
    pub username: String,
    pub display_name: String,
    pub roles: Roles,
    pub session_id: String,
    pub user: UserRow,
}

impl CurrentUser {
    pub fn has(&self, role: Role) -> bool {
        self.roles.has(role)
    }

    /// 403 unless the caller holds `role`.
    pub fn require(&self, role: Role) -> Result<(), AppError> {
        self.require_any(&[role])
    }

    /// 403 unless the caller holds one of `roles`.
    pub fn require_any(&self, roles: &[Role]) -> Result<(), AppError> {
        if roles.iter().any(|r| self.roles.has(*r)) {
            Ok(())
        } else {
            let names: Vec<_> = roles.iter().map(|r| r.as_str()).collect();
            Err(AppError::Forbidden(format!(
                "this requires the role {}",
                names.join(" or ")
            )))
        }
    }
}

fn bearer_token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_string())
}

impl FromRequest for CurrentUser {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer_token(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| AppError::internal(anyhow::anyhow!("application state missing")))?;
            let token = token.ok_or(AppError::Unauthenticated(
                "an Authorization: Bearer access token is required",
            ))?;
            let claims = state
                .jwt
                .verify(&token)
                .ok_or(AppError::Unauthenticated("the access token is invalid or expired"))?;
            let user = state
                .db(move |conn| {
                    Ok(crate::auth::store::active_session_user(conn, &claims.sub, &claims.sid)?
                        .map(|u| (u, claims.sid)))
                })
                .await?;
            let (user, session_id) = user.ok_or(AppError::Unauthenticated(
                "the session has ended or the account is deactivated",
            ))?;
            Ok(CurrentUser {
                id: user.id.clone(),
                agency_id: user.agency_id.clone(),
                username: user.username.clone(),
                display_name: user.display_name.clone(),
                roles: Roles::from_db(&user.roles),
                session_id,
                user,
            })
        })
    }
}
