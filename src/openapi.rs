//! The OpenAPI document, generated from the handlers' annotations. `api-spec/openapi.yaml`
//! is this document; a test fails when they differ (`enforcement openapi` rewrites it).

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::{auth, calendar, cases, error, officers, ops, powers, public, subjects, users};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "enforcement",
        description = "Administrative-enforcement case service of a sub-district office (街道办事处): cases, the full-process record, legal review, disclosure and statistics.",
        license(name = "MIT")
    ),
    paths(
        ops::healthz, ops::readyz, ops::metrics,
        auth::api::login, auth::api::refresh, auth::api::logout, auth::api::me,
        users::api::create_user, users::api::list_users, users::api::get_user, users::api::patch_user,
        calendar::api::get_year, calendar::api::put_year, calendar::api::add_working_days,
        powers::api::list_powers, powers::api::create_power, powers::api::get_power, powers::api::patch_power,
        powers::api::list_versions, powers::api::get_version, powers::api::import_powers,
        subjects::api::create_subject, subjects::api::list_subjects, subjects::api::get_subject,
        subjects::api::patch_subject,
        officers::api::list_officers,
        public::api::public_powers, public::api::public_officers,
        cases::api::create_case, cases::api::list_cases, cases::api::get_case, cases::api::transition,
        cases::api::get_record, cases::api::verify_record, cases::api::get_settings, cases::api::put_settings,
    ),
    components(schemas(error::Problem, error::FieldError)),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Login, token refresh and logout"),
        (name = "users", description = "Accounts, roles and certificates (admin)"),
        (name = "calendar", description = "Working-day calendar and legal deadlines"),
        (name = "cases", description = "Inspections and penalty cases, their steps and full-process record"),
        (name = "settings", description = "The agency's procedure settings"),
        (name = "ops", description = "Health, readiness and metrics"),
        (name = "powers", description = "The power list (权责清单): versions and CSV/XLSX import; read: staff, write: admin"),
        (name = "subjects", description = "Inspected and penalised parties (检查对象名录库), with validated codes and masked personal data"),
        (name = "officers", description = "Certified enforcement officers (执法人员) and their certificates"),
        (name = "public", description = "Disclosure before enforcement (事前公开), without login"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

pub fn yaml() -> anyhow::Result<String> {
    Ok(ApiDoc::openapi().to_yaml()?)
}
