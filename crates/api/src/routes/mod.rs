//! Every route, registered in one place. Paths end with `/` as the frontend
//! calls them; fixed segments (`search/`, `all/`) are registered before `{id}/`.
//! Each module declares its routes with [`endpoints!`], which also lists them,
//! so the OpenAPI description can be checked against what is really served.

mod analytics;
mod appointments;
mod auth;
mod doctors;
mod health;
pub(crate) mod models;
mod patients;
mod predictions;
mod profile;

use actix_web::web;

/// Declares a module's routes: `GET "/path/" => handler, ...` becomes both
/// `configure(cfg)` and the `ENDPOINTS` list of (method, path).
#[macro_export]
macro_rules! endpoints {
    ($($method:ident $path:literal => $handler:path),* $(,)?) => {
        pub const ENDPOINTS: &[(&str, &str)] = &[$((stringify!($method), $path)),*];

        pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
            $(cfg.route($path, actix_web::web::method(actix_web::http::Method::$method).to($handler));)*
        }
    };
}

/// Modules mounted under `/api`.
const API_MODULES: &[&[(&str, &str)]] = &[
    auth::ENDPOINTS,
    doctors::ENDPOINTS,
    patients::ENDPOINTS,
    appointments::ENDPOINTS,
    predictions::ENDPOINTS,
    models::ENDPOINTS,
    analytics::ENDPOINTS,
    profile::ENDPOINTS,
];

/// Every served (method, full path), for the OpenAPI check.
pub fn served() -> Vec<(&'static str, String)> {
    let mut all: Vec<(&'static str, String)> =
        health::ENDPOINTS.iter().chain(crate::observability::ENDPOINTS).map(|(m, p)| (*m, p.to_string())).collect();
    for module in API_MODULES {
        all.extend(module.iter().map(|(m, p)| (*m, format!("/api{p}"))));
    }
    all
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(health::configure)
        .configure(crate::observability::configure)
        .service(crate::openapi::swagger_ui())
        .service(
            web::scope("/api")
                .configure(auth::configure)
                .configure(doctors::configure)
                .configure(patients::configure)
                .configure(appointments::configure)
                .configure(predictions::configure)
                .configure(models::configure)
                .configure(analytics::configure)
                .configure(profile::configure),
        )
        .default_service(web::to(not_found));
}

async fn not_found() -> Result<actix_web::HttpResponse, crate::error::ApiError> {
    Err(crate::error::ApiError::NotFound("Page"))
}
