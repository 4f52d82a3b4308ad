//! Operations endpoints: liveness, readiness, Prometheus metrics, the OpenAPI document.

use actix_web::{HttpResponse, web};
use diesel::RunQueryDsl;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{AppError, AppResult, Problem};
use crate::http::Metrics;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    pub status: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Readiness {
    pub status: String,
    /// `sqlite` or `postgres`.
    pub database: String,
}

/// Liveness: the process answers.
#[utoipa::path(get, path = "/healthz", tag = "ops", responses((status = 200, body = Health)))]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok".into() })
}

/// Readiness: the database answers a query.
#[utoipa::path(get, path = "/readyz", tag = "ops", responses((status = 200, body = Readiness), (status = 503, body = Problem)))]
pub async fn readyz(state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let backend = state
        .db(|conn| {
            diesel::sql_query("SELECT 1").execute(conn)?;
            Ok(conn.backend().name())
        })
        .await
        .map_err(|e| match e {
            AppError::Unavailable(why) => AppError::Unavailable(why),
            other => {
                tracing::warn!(error = %other, "readiness check failed");
                AppError::Unavailable("the database did not answer".into())
            }
        })?;
    Ok(HttpResponse::Ok().json(Readiness {
        status: "ready".into(),
        database: backend.into(),
    }))
}

/// Request counts and latency histograms in the Prometheus text format.
#[utoipa::path(get, path = "/metrics", tag = "ops", responses((status = 200, content_type = "text/plain", body = String)))]
pub async fn metrics(metrics: web::Data<Metrics>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(metrics.render())
}

/// This API's OpenAPI document (the same as `api-spec/openapi.yaml`).
pub async fn openapi_yaml() -> AppResult<HttpResponse> {
    let yaml = crate::openapi::yaml().map_err(AppError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("application/yaml; charset=utf-8")
        .body(yaml))
}
