//! Every route of the service, in one table. A handler is named once: the method and path
//! it is served at are those of its `#[utoipa::path]` annotation, and the same table makes
//! the paths of the OpenAPI document, so the router and the document cannot disagree.

use std::collections::HashSet;

use actix_web::http::Method;
use actix_web::{Route, web};
use anyhow::bail;
use utoipa::OpenApi;
use utoipa::openapi::path::PathItem;

use crate::{
    auth, benchmarks, calendar, cases, checkpoints, disclosures, discretion_lists, documents, evidence, file_reviews,
    inspection_items, interference, legal_reviews, officers, ops, powers, public, random_plans, stats, subjects,
    transfers, users,
};

/// Declares the handlers: `Operations`, their OpenAPI document, and `HANDLERS`, each
/// handler's Rust path (`users::api::get_user`) with a route to it for a given method.
macro_rules! handlers {
    ($($($segment:ident)::+),* $(,)?) => {
        /// The handlers' operations; `openapi::ApiDoc` adds the title, tags and security scheme.
        #[derive(OpenApi)]
        #[openapi(paths($($($segment)::+),*))]
        pub struct Operations;

        const HANDLERS: &[(&str, fn(Method) -> Route)] = &[
            $((stringify!($($segment)::+), |method| web::method(method).to($($segment)::+))),*
        ];
    };
}

// Routes are tried in this order.
handlers![
    ops::healthz,
    ops::readyz,
    ops::metrics,
    auth::api::login,
    auth::api::refresh,
    auth::api::logout,
    auth::api::me,
    users::api::create_user,
    users::api::list_users,
    users::api::get_user,
    users::api::patch_user,
    // Before /calendar/{year}, so "add-working-days" is never read as a year.
    calendar::api::add_working_days,
    calendar::api::get_year,
    calendar::api::put_year,
    // Before /powers/{id}, so "import" is never read as an id.
    powers::api::import_powers,
    powers::api::list_powers,
    powers::api::create_power,
    powers::api::get_power,
    powers::api::patch_power,
    powers::api::list_versions,
    powers::api::get_version,
    benchmarks::api::list_benchmarks,
    benchmarks::api::create_benchmark,
    // Before /benchmarks/{id}, so "import" and "consistency" are never read as an id.
    benchmarks::api::import_benchmarks,
    benchmarks::api::consistency_report,
    benchmarks::api::get_benchmark,
    discretion_lists::api::list_list_entries,
    discretion_lists::api::create_list_entry,
    // Before /list-entries/{id}, so "import" is never read as an id.
    discretion_lists::api::import_list_entries,
    discretion_lists::api::get_list_entry,
    subjects::api::list_subjects,
    subjects::api::create_subject,
    subjects::api::get_subject,
    subjects::api::patch_subject,
    officers::api::list_officers,
    inspection_items::api::create_inspection_item,
    inspection_items::api::list_inspection_items,
    inspection_items::api::get_inspection_item,
    inspection_items::api::withdraw_inspection_item,
    public::api::public_powers,
    public::api::public_officers,
    inspection_items::api::public_inspection_items,
    inspection_items::api::public_random_items,
    benchmarks::api::public_benchmarks,
    discretion_lists::api::public_lists,
    disclosures::api::public_disclosures,
    disclosures::api::public_disclosure,
    disclosures::html::disclosures_feed,
    disclosures::html::disclosures_page,
    disclosures::html::disclosure_page,
    disclosures::html::powers_page,
    disclosures::html::officers_page,
    inspection_items::html::inspection_items_page,
    inspection_items::html::random_items_page,
    benchmarks::html::benchmarks_page,
    discretion_lists::api::lists_page,
    cases::public::public_inspection,
    cases::public::public_inspection_page,
    cases::public::public_inspection_qr,
    cases::feedback::give_feedback,
    cases::feedback::give_rating,
    random_plans::public::public_plan,
    random_plans::public::verify_plan,
    random_plans::public::public_plan_page,
    checkpoints::api::public_checkpoints,
    checkpoints::api::public_checkpoint,
    checkpoints::api::checkpoints_feed,
    checkpoints::api::make_checkpoint,
    random_plans::api::create_plan,
    random_plans::api::list_plans,
    random_plans::api::get_plan,
    random_plans::api::draw_plan,
    random_plans::api::publish_results,
    random_plans::recusals::create_recusal,
    random_plans::recusals::list_recusals,
    cases::api::get_settings,
    cases::api::put_settings,
    cases::api::create_case,
    cases::api::list_cases,
    cases::api::get_case,
    cases::api::transition,
    cases::api::get_record,
    cases::api::verify_record,
    cases::alerts::inspection_alerts,
    cases::alerts::inspection_merge_proposals,
    cases::feedback::list_feedback,
    cases::feedback::handle_complaint,
    checkpoints::api::record_proof,
    legal_reviews::api::submit_review,
    legal_reviews::api::list_reviews,
    legal_reviews::api::get_review,
    legal_reviews::api::sign_opinion,
    documents::api::list_case_documents,
    documents::api::get_document,
    documents::api::get_document_html,
    evidence::api::upload_evidence,
    evidence::api::list_case_evidence,
    evidence::api::get_evidence,
    evidence::api::get_evidence_content,
    evidence::api::verify_evidence,
    disclosures::api::list_disclosures,
    disclosures::api::get_disclosure,
    disclosures::api::preview_disclosure,
    disclosures::api::publish_disclosure,
    disclosures::api::withdraw_disclosure,
    disclosures::api::update_disclosure,
    interference::api::create_interference_report,
    interference::api::list_interference_reports,
    interference::api::get_interference_report,
    interference::api::interference_access_log,
    interference::api::refer_interference_report,
    interference::api::record_interference_outcome,
    // Before /transfers/{id}, so "incoming" is never read as an id.
    transfers::api::receive_transfer,
    transfers::api::list_transfers,
    transfers::api::get_transfer,
    transfers::api::record_transfer_receipt,
    transfers::api::record_transfer_feedback,
    stats::api::get_summary,
    stats::api::get_breakdown,
    stats::api::get_report,
    file_reviews::api::create_review_template,
    file_reviews::api::list_review_templates,
    file_reviews::api::get_review_template,
    file_reviews::api::create_review_campaign,
    file_reviews::api::list_review_campaigns,
    file_reviews::api::get_review_campaign,
    file_reviews::api::verify_campaign_sample,
    file_reviews::api::get_campaign_report,
    file_reviews::api::list_file_reviews,
    file_reviews::api::get_file_review,
    file_reviews::api::score_file_review,
    file_reviews::api::list_rectifications,
    file_reviews::api::get_rectification,
    file_reviews::api::answer_rectification,
    file_reviews::api::review_rectification,
];

/// A handler with the method and path its operation documents.
#[derive(Clone)]
pub struct Endpoint {
    pub method: Method,
    pub path: String,
    pub operation_id: &'static str,
    route: fn(Method) -> Route,
}

/// The table, each handler with the method and path of its operation in `Operations`.
/// Fails when a handler is listed twice or its operation is not found exactly once.
pub fn endpoints() -> anyhow::Result<Vec<Endpoint>> {
    let document = Operations::openapi();
    let documented: Vec<(Method, &String, &str)> = document
        .paths
        .paths
        .iter()
        .flat_map(|(path, item)| {
            operations(item)
                .into_iter()
                .filter_map(move |(method, id)| Some((method, path, id?)))
        })
        .collect();
    let mut listed = HashSet::new();
    let mut endpoints = Vec::with_capacity(HANDLERS.len());
    for &(handler, route) in HANDLERS {
        if !listed.insert(handler) {
            bail!("the handler {handler} is listed twice");
        }
        // utoipa's operation id is the function's name.
        let operation_id = handler.rsplit("::").next().unwrap_or(handler).trim();
        let mut found = documented.iter().filter(|(_, _, id)| *id == operation_id);
        let (method, path) = match (found.next(), found.next()) {
            (Some((method, path, _)), None) => (method.clone(), (*path).clone()),
            (None, _) => bail!("the handler {operation_id} has no operation in the OpenAPI document"),
            (Some(_), Some(_)) => bail!("the operation id {operation_id} is not unique"),
        };
        endpoints.push(Endpoint {
            method,
            path,
            operation_id,
            route,
        });
    }
    Ok(endpoints)
}

/// The operations of a path, with their operation ids.
fn operations(item: &PathItem) -> Vec<(Method, Option<&str>)> {
    [
        (Method::GET, &item.get),
        (Method::PUT, &item.put),
        (Method::POST, &item.post),
        (Method::DELETE, &item.delete),
        (Method::OPTIONS, &item.options),
        (Method::HEAD, &item.head),
        (Method::PATCH, &item.patch),
        (Method::TRACE, &item.trace),
    ]
    .into_iter()
    .filter_map(|(method, operation)| Some((method, operation.as_ref()?.operation_id.as_deref())))
    .collect()
}

/// Serves `endpoints` (from [`endpoints`]) and the document itself. Each path is one
/// resource, in the order of the table; a method the path does not have is 405 with
/// `Allow`, not 404.
pub fn configure(cfg: &mut web::ServiceConfig, endpoints: &[Endpoint]) {
    let mut paths: Vec<(&str, Vec<&Endpoint>)> = Vec::new();
    for endpoint in endpoints {
        match paths.iter_mut().find(|(path, _)| *path == endpoint.path) {
            Some((_, group)) => group.push(endpoint),
            None => paths.push((&endpoint.path, vec![endpoint])),
        }
    }
    for (path, group) in paths {
        let allowed: Vec<String> = group.iter().map(|e| e.method.to_string()).collect();
        let mut resource = web::resource(path);
        for endpoint in group {
            resource = resource.route((endpoint.route)(endpoint.method.clone()));
        }
        cfg.service(resource.default_service(web::to(move || {
            let allowed = allowed.clone();
            async move { Err::<actix_web::HttpResponse, _>(crate::error::AppError::MethodNotAllowed(allowed)) }
        })));
    }
    // Not an operation of the document it serves.
    cfg.route("/api-spec/openapi.yaml", web::get().to(ops::openapi_yaml));
    // The staff console: HTML pages behind a cookie session, not part of the JSON API and
    // so not in its OpenAPI document (tests/api/console.rs covers who reaches each page).
    crate::console::configure(cfg);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_handler_has_one_documented_operation() {
        let endpoints = endpoints().unwrap();
        assert_eq!(endpoints.len(), HANDLERS.len());
        let get_user = endpoints.iter().find(|e| e.operation_id == "get_user").unwrap();
        assert_eq!(
            (&get_user.method, get_user.path.as_str()),
            (&Method::GET, "/api/v1/users/{id}")
        );
    }
}
