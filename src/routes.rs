//! Every route of the service, in one table.

use actix_web::web;

use crate::{auth, calendar, cases, officers, ops, powers, public, subjects, users};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(ops::healthz))
        .route("/readyz", web::get().to(ops::readyz))
        .route("/metrics", web::get().to(ops::metrics))
        .route("/api-spec/openapi.yaml", web::get().to(ops::openapi_yaml))
        .service(
            web::scope("/api/v1")
                .route("/auth/login", web::post().to(auth::api::login))
                .route("/auth/refresh", web::post().to(auth::api::refresh))
                .route("/auth/logout", web::post().to(auth::api::logout))
                .route("/me", web::get().to(auth::api::me))
                .route("/users", web::post().to(users::api::create_user))
                .route("/users", web::get().to(users::api::list_users))
                .route("/users/{id}", web::get().to(users::api::get_user))
                .route("/users/{id}", web::patch().to(users::api::patch_user))
                .route(
                    "/calendar/add-working-days",
                    web::get().to(calendar::api::add_working_days),
                )
                .route("/calendar/{year}", web::get().to(calendar::api::get_year))
                .route("/calendar/{year}", web::put().to(calendar::api::put_year))
                // Before /powers/{id}, so "import" is never read as an id.
                .route("/powers/import", web::post().to(powers::api::import_powers))
                .route("/powers", web::get().to(powers::api::list_powers))
                .route("/powers", web::post().to(powers::api::create_power))
                .route("/powers/{id}", web::get().to(powers::api::get_power))
                .route("/powers/{id}", web::patch().to(powers::api::patch_power))
                .route("/powers/{id}/versions", web::get().to(powers::api::list_versions))
                .route(
                    "/powers/{id}/versions/{version}",
                    web::get().to(powers::api::get_version),
                )
                .route("/subjects", web::get().to(subjects::api::list_subjects))
                .route("/subjects", web::post().to(subjects::api::create_subject))
                .route("/subjects/{id}", web::get().to(subjects::api::get_subject))
                .route("/subjects/{id}", web::patch().to(subjects::api::patch_subject))
                .route("/officers", web::get().to(officers::api::list_officers))
                .route("/public/powers", web::get().to(public::api::public_powers))
                .route("/public/officers", web::get().to(public::api::public_officers))
                .route("/settings", web::get().to(cases::api::get_settings))
                .route("/settings", web::put().to(cases::api::put_settings))
                .route("/cases", web::post().to(cases::api::create_case))
                .route("/cases", web::get().to(cases::api::list_cases))
                .route("/cases/{id}", web::get().to(cases::api::get_case))
                .route("/cases/{id}/transitions", web::post().to(cases::api::transition))
                .route("/cases/{id}/record", web::get().to(cases::api::get_record))
                .route("/cases/{id}/record/verify", web::get().to(cases::api::verify_record)),
        );
}
