//! The OpenAPI document, generated from the handlers' annotations: the operations of the
//! handlers in `routes`, the table the router serves. `api-spec/openapi.yaml` is this
//! document; a test fails when they differ (`enforcement openapi` rewrites it).

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::error;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "enforcement",
        description = "Administrative-enforcement case service of a sub-district office (街道办事处): cases, the full-process record, legal review, disclosure and statistics.",
        license(name = "MIT")
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
        (name = "documents", description = "行政处罚决定书, 不予行政处罚决定书 and 行政处罚事先告知书 issued by the case steps, with their content hashes and printable pages"),
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

/// The whole document: `ApiDoc` with the operations of every routed handler.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut document = ApiDoc::openapi();
    document.merge(crate::routes::Operations::openapi());
    document
}

pub fn yaml() -> anyhow::Result<String> {
    Ok(document().to_yaml()?)
}
