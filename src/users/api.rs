//! `/users`: an admin manages the accounts of their own agency.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{CurrentUser, Role, Roles};
use crate::clock;
use crate::error::{AppError, AppResult, Problem};
use crate::http::{ApiJson, ApiQuery, Page, PageParams, double_option};
use crate::state::AppState;
use crate::users::model::{CertificateStatus, UserProfile, certificate_status, check_new_password, normalize_username};
use crate::users::store::{self, UserChanges, UserFilter, UserRow};

/// A user as the API shows it; never the password hash.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: String,
    pub agency_id: String,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub active: bool,
    /// 执法证号
    pub certificate_no: Option<String>,
    pub certificate_expires_on: Option<NaiveDate>,
    /// Present for officers: `valid`, `expiring` (within 30 days), `expired`, `missing`.
    pub certificate_status: Option<CertificateStatus>,
    /// 执法领域
    pub enforcement_field: Option<String>,
    /// 法律职业资格证号
    pub legal_qualification: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl UserView {
    pub fn from_row(row: UserRow, today: NaiveDate) -> Self {
        let roles = Roles::from_db(&row.roles);
        let certificate_status = roles
            .has(Role::Officer)
            .then(|| certificate_status(row.certificate_expires_on, today));
        UserView {
            id: row.id,
            agency_id: row.agency_id,
            username: row.username,
            display_name: row.display_name,
            roles: roles.to_vec(),
            active: row.active,
            certificate_no: row.certificate_no,
            certificate_expires_on: row.certificate_expires_on,
            certificate_status,
            enforcement_field: row.enforcement_field,
            legal_qualification: row.legal_qualification,
            created_at: clock::from_db(row.created_at),
            updated_at: clock::from_db(row.updated_at),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateUserRequest {
    /// 3 to 64 ASCII letters, digits, `.`, `_` and `-`; case-insensitive.
    #[schema(
        pattern = r"^[\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[A-Za-z0-9._-]{3,64}[\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
    )]
    pub username: String,
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"[^\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub display_name: String,
    /// 12 to 256 characters.
    #[schema(min_length = 12, max_length = 256)]
    pub password: String,
    /// At least one.
    #[schema(min_items = 1)]
    pub roles: Vec<Role>,
    /// Required for an officer (执法证号).
    #[schema(
        min_length = 1,
        max_length = 64,
        pattern = r"[^\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub certificate_no: Option<String>,
    /// Required for an officer.
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub certificate_expires_on: Option<NaiveDate>,
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"[^\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub enforcement_field: Option<String>,
    /// Required for legal counsel (法律职业资格证号).
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"[^\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub legal_qualification: Option<String>,
}

/// Absent fields stay as they are; `null` clears an optional field.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct PatchUserRequest {
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"[^\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub display_name: Option<String>,
    pub active: Option<bool>,
    #[schema(min_items = 1)]
    pub roles: Option<Vec<Role>>,
    /// Sets a new password (12 to 256 characters) and ends all of the user's sessions.
    #[schema(min_length = 12, max_length = 256)]
    pub password: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 64, pattern = r"[^\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")]
    pub certificate_no: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub certificate_expires_on: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 100, pattern = r"[^\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")]
    pub enforcement_field: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 100, pattern = r"[^\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")]
    pub legal_qualification: Option<Option<String>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserListParams {
    /// Only users holding this role.
    pub role: Option<Role>,
    pub active: Option<bool>,
    /// Text in the username or display name.
    pub q: Option<String>,
}

/// Hashes a new password on the blocking pool, through the gate that bounds argon2 work:
/// it takes long enough to stall the other requests of an async worker.
async fn hash_new_password(state: &AppState, password: String) -> AppResult<String> {
    state
        .password_gate
        .run(move |hasher| hasher.hash(&password))
        .await?
        .map_err(|e| AppError::internal(anyhow::anyhow!("{e}")))
}

fn trimmed(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_string())
}

/// Create a user in the caller's agency.
#[utoipa::path(
    post, path = "/api/v1/users", tag = "users",
    request_body = CreateUserRequest,
    responses(
        (status = 201, body = UserView),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 409, body = Problem, description = "username taken"),
        (status = 422, body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn create_user(
    state: web::Data<AppState>,
    caller: CurrentUser,
    body: ApiJson<CreateUserRequest>,
) -> AppResult<HttpResponse> {
    let created = create(&state, &caller, body.0).await?;
    Ok(HttpResponse::Created().json(created))
}

/// Creates a user in the caller's agency as `POST /users` does (the handler and the
/// console's form): admin only, the profile's rules, the password's strength, a free
/// username (409).
pub async fn create(state: &AppState, caller: &CurrentUser, body: CreateUserRequest) -> AppResult<UserView> {
    caller.require(Role::Admin)?;
    let profile = UserProfile {
        username: normalize_username(&body.username),
        display_name: body.display_name.trim().to_string(),
        roles: Roles::new(body.roles),
        certificate_no: trimmed(body.certificate_no),
        certificate_expires_on: body.certificate_expires_on,
        enforcement_field: trimmed(body.enforcement_field),
        legal_qualification: trimmed(body.legal_qualification),
    };
    let mut errors = profile.validate().err().unwrap_or_default();
    if let Err(e) = check_new_password(&body.password) {
        errors.push(e);
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let password_hash = hash_new_password(state, body.password).await?;
    let now = clock::to_db(clock::now());
    let row = UserRow {
        id: uuid::Uuid::now_v7().to_string(),
        agency_id: caller.agency_id.clone(),
        username: profile.username,
        display_name: profile.display_name,
        password_hash,
        roles: profile.roles.to_db(),
        active: true,
        certificate_no: profile.certificate_no,
        certificate_expires_on: profile.certificate_expires_on,
        enforcement_field: profile.enforcement_field,
        legal_qualification: profile.legal_qualification,
        created_at: now,
        updated_at: now,
    };
    let created = state
        .db_write(move |conn| {
            if store::username_taken(conn, &row.username)? {
                return Err(AppError::conflict(format!("the username {} is taken", row.username)));
            }
            store::insert(conn, &row)?;
            Ok(row)
        })
        .await?;
    tracing::info!(user_id = %created.id, username = %created.username, by = %caller.id, "user created");
    Ok(UserView::from_row(created, clock::today()))
}

/// List the users of the caller's agency.
#[utoipa::path(
    get, path = "/api/v1/users", tag = "users",
    params(UserListParams, PageParams),
    responses((status = 200, body = inline(Page<UserView>)), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = []))
)]
pub async fn list_users(
    state: web::Data<AppState>,
    caller: CurrentUser,
    query: ApiQuery<UserListParams>,
    page: ApiQuery<PageParams>,
) -> AppResult<HttpResponse> {
    caller.require(Role::Admin)?;
    let params = query.0;
    let page = page.0.validate()?;
    let filter = UserFilter {
        role: params.role.map(|r| r.as_str().to_string()),
        active: params.active,
        q: params.q.filter(|q| !q.trim().is_empty()),
    };
    let agency_id = caller.agency_id.clone();
    let request = page.clone();
    let rows = state
        .db(move |conn| Ok(store::list(conn, &agency_id, &filter, &request)?))
        .await?;
    let today = clock::today();
    let page = Page::from_rows(rows, &page, |row| row.id.clone()).map(|row| UserView::from_row(row, today));
    Ok(HttpResponse::Ok().json(page))
}

/// One user of the caller's agency.
#[utoipa::path(
    get, path = "/api/v1/users/{id}", tag = "users",
    params(("id" = String, Path, description = "user id")),
    responses((status = 200, body = UserView), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
pub async fn get_user(
    state: web::Data<AppState>,
    caller: CurrentUser,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    caller.require(Role::Admin)?;
    let agency_id = caller.agency_id.clone();
    let id = id.into_inner();
    let row = state
        .db(move |conn| store::find_in_agency(conn, &agency_id, &id)?.ok_or(AppError::NotFound("user")))
        .await?;
    Ok(HttpResponse::Ok().json(UserView::from_row(row, clock::today())))
}

/// Change roles, certificates, the password, or deactivate a user.
///
/// Deactivating a user or setting their password ends all their sessions at once.
/// An admin cannot deactivate themselves or drop their own admin role.
#[utoipa::path(
    patch, path = "/api/v1/users/{id}", tag = "users",
    params(("id" = String, Path, description = "user id")),
    request_body = PatchUserRequest,
    responses((status = 200, body = UserView), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
pub async fn patch_user(
    state: web::Data<AppState>,
    caller: CurrentUser,
    id: web::Path<String>,
    body: ApiJson<PatchUserRequest>,
) -> AppResult<HttpResponse> {
    let updated = patch(&state, &caller, id.into_inner(), body.0).await?;
    Ok(HttpResponse::Ok().json(updated))
}

/// Changes a user of the caller's agency as `PATCH /users/{id}` does (the handler and the
/// console's forms): admin only, no self-lockout, the profile's rules; deactivation or a
/// new password ends the user's sessions.
pub async fn patch(state: &AppState, caller: &CurrentUser, id: String, patch: PatchUserRequest) -> AppResult<UserView> {
    caller.require(Role::Admin)?;
    if id == caller.id {
        if patch.active == Some(false) {
            return Err(AppError::rule(
                "admin_self_lockout",
                "an admin cannot deactivate their own account",
            ));
        }
        if patch.roles.as_ref().is_some_and(|roles| !roles.contains(&Role::Admin)) {
            return Err(AppError::rule(
                "admin_self_lockout",
                "an admin cannot remove their own admin role",
            ));
        }
    }
    if let Some(password) = &patch.password {
        check_new_password(password).map_err(|e| AppError::Validation(vec![e]))?;
    }
    let password_hash = match patch.password.clone() {
        Some(password) => Some(hash_new_password(state, password).await?),
        None => None,
    };
    let agency_id = caller.agency_id.clone();
    let caller_id = caller.id.clone();
    let updated = state
        .db_write(move |conn| {
            let current = store::find_in_agency(conn, &agency_id, &id)?.ok_or(AppError::NotFound("user"))?;
            let profile = UserProfile {
                username: current.username.clone(),
                display_name: patch.display_name.as_deref().map(str::trim).map(str::to_string).unwrap_or(current.display_name.clone()),
                roles: patch.roles.clone().map(Roles::new).unwrap_or_else(|| Roles::from_db(&current.roles)),
                certificate_no: patch.certificate_no.clone().map(trimmed).unwrap_or(current.certificate_no.clone()),
                certificate_expires_on: patch.certificate_expires_on.unwrap_or(current.certificate_expires_on),
                enforcement_field: patch.enforcement_field.clone().map(trimmed).unwrap_or(current.enforcement_field.clone()),
                legal_qualification: patch.legal_qualification.clone().map(trimmed).unwrap_or(current.legal_qualification.clone()),
            };
            profile.validate().map_err(AppError::Validation)?;
            let now = clock::now();
            let changes = UserChanges {
                display_name: Some(profile.display_name),
                password_hash,
                roles: Some(profile.roles.to_db()),
                active: patch.active,
                certificate_no: Some(profile.certificate_no),
                certificate_expires_on: Some(profile.certificate_expires_on),
                enforcement_field: Some(profile.enforcement_field),
                legal_qualification: Some(profile.legal_qualification),
                updated_at: Some(clock::to_db(now)),
            };
            let ends_sessions = changes.password_hash.is_some() || patch.active == Some(false);
            let updated = store::update(conn, &current.id, &changes)?;
            if ends_sessions {
                crate::auth::store::revoke_all_sessions(conn, &current.id, "password reset or deactivation", now)?;
            }
            tracing::info!(user_id = %current.id, by = %caller_id, deactivated = patch.active == Some(false), password_reset = changes.password_hash.is_some(), "user updated");
            Ok(updated)
        })
        .await?;
    Ok(UserView::from_row(updated, clock::today()))
}
