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
        description = "Administrative-enforcement case service of a sub-district office (街道办事处): cases, the full-process record, legal review, evidence, disclosure, statistics and case-file review.",
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
        (name = "inspection items", description = "检查事项清单 (国办发〔2024〕54号): the items an agency may inspect enterprises under, each resting on a power, with its standard, method and yearly cap; read: staff, publish and withdraw: admins and supervisors"),
        (name = "benchmarks", description = "行政裁量权基准 (国办发〔2022〕27号): for each violation circumstance of a penalty power, graded discretion (不予处罚, 减轻, 从轻, 一般, 从重) with its conditions and allowed penalties; versioned, importable from CSV/XLSX; and the four lists (不予处罚 with 首违不罚, 减轻, 从轻, 不予实施行政强制措施); read: staff, publish: admins and supervisors"),
        (name = "legal reviews", description = "法制审核: counsel's queue, the review package and the signed opinion"),
        (name = "documents", description = "行政处罚决定书, 不予行政处罚决定书 and 行政处罚事先告知书 issued by the case steps, with their content hashes and printable pages"),
        (name = "evidence", description = "证据 and 音像记录: files streamed to storage, hashed (SHA-256), stored once per content, recorded in the case's record, downloadable with Range"),
        (name = "disclosures", description = "事后公示: disclosures of decisions and inspection results, due dates, publication, withdrawal and update (supervisors)"),
        (name = "statistics", description = "The figures the annual report quotes (DESIGN §7), by period, with drill-down to the cases and exports as text, CSV and XLSX"),
        (name = "case-file reviews", description = "案卷评查: scoring templates, quarterly campaigns sampled from a recorded seed, scores by reviewers who did not handle the file, rectification items and the campaign report"),
        (name = "checkpoints", description = "Signed checkpoints of every case record (Ed25519 over an RFC 6962 Merkle root of the records' heads), published for anyone to keep"),
        (name = "interference", description = "干预插手登记: reports of interference in cases, read only by supervisors and the reporter, every read recorded; referral (e.g. to 街纪工委) and its outcome; append-only"),
        (name = "transfers", description = "案件移送: transfer letters numbered gap-free per agency and year, the receiving side's receipt and feedback, and cases received from other departments"),
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

/// The whole document: `ApiDoc` with the operations of every routed handler, and the error
/// answers as the service sends them.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut document = ApiDoc::openapi();
    document.merge(crate::routes::Operations::openapi());
    describe_error_answers(&mut document);
    optional_headers_are_strings(&mut document);
    document
}

/// utoipa declares an optional header (`Option<String>`) as `string | null`; on the wire a
/// header is either absent or text, so its type is `string` and leaving it out says none.
fn optional_headers_are_strings(document: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::schema::{Schema, SchemaType, Type};
    use utoipa::openapi::{RefOr, path::ParameterIn};

    for item in document.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            for parameter in operation.parameters.iter_mut().flatten() {
                if parameter.parameter_in != ParameterIn::Header {
                    continue;
                }
                if let Some(RefOr::T(Schema::Object(object))) = parameter.schema.as_mut()
                    && let SchemaType::Array(types) = &object.schema_type
                    && types.contains(&Type::Null)
                {
                    let rest: Vec<Type> = types.iter().filter(|t| **t != Type::Null).cloned().collect();
                    if let [only] = rest.as_slice() {
                        object.schema_type = SchemaType::Type(only.clone());
                    }
                }
            }
        }
    }
}

/// Every error answer is `application/problem+json` (RFC 9457), and every operation that
/// takes a bearer token can answer 401: said once here instead of on each handler.
fn describe_error_answers(document: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{ContentBuilder, RefOr, ResponseBuilder};

    let problem = || {
        ContentBuilder::new()
            .schema(Some(utoipa::openapi::Ref::from_schema_name("Problem")))
            .build()
    };
    for item in document.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            for (status, response) in operation.responses.responses.iter_mut() {
                let RefOr::T(response) = response else { continue };
                if !(status.starts_with('4') || status.starts_with('5')) {
                    continue;
                }
                if let Some(content) = response.content.shift_remove("application/json") {
                    response.content.insert("application/problem+json".into(), content);
                }
            }
            // What the extractors answer for any operation of this shape, whatever the handler
            // documents: the query, path and body are read before the handler runs.
            let parameters = operation.parameters.as_deref().unwrap_or_default();
            let has = |place: utoipa::openapi::path::ParameterIn| parameters.iter().any(|p| p.parameter_in == place);
            let mut implied: Vec<(&str, &str)> = Vec::new();
            if has(utoipa::openapi::path::ParameterIn::Query) {
                implied.push(("400", "a query parameter of the wrong type or form"));
                implied.push(("422", "a query parameter out of its range, or a combination refused"));
            }
            if has(utoipa::openapi::path::ParameterIn::Path) {
                implied.push(("404", "no such resource in the caller's agency"));
            }
            if operation.request_body.is_some() {
                implied.push(("400", "a body that is not valid JSON or has a field of the wrong type"));
                implied.push(("408", "a body that did not arrive within the body timeout"));
                implied.push(("413", "a body over the size limit"));
                implied.push(("415", "a body of another content type"));
                implied.push(("422", "a field or rule refuses the request"));
            }
            for (status, description) in implied {
                if !operation.responses.responses.contains_key(status) {
                    operation.responses.responses.insert(
                        status.into(),
                        RefOr::T(
                            ResponseBuilder::new()
                                .description(description)
                                .content("application/problem+json", problem())
                                .build(),
                        ),
                    );
                }
            }
            let secured = operation.security.as_ref().is_some_and(|s| !s.is_empty());
            if secured && !operation.responses.responses.contains_key("401") {
                operation.responses.responses.insert(
                    "401".into(),
                    RefOr::T(
                        ResponseBuilder::new()
                            .description("no valid bearer token")
                            .content("application/problem+json", problem())
                            .build(),
                    ),
                );
            }
        }
    }
}

pub fn yaml() -> anyhow::Result<String> {
    Ok(document().to_yaml()?)
}
