//! Every route, registered in one place. Paths end with `/` as the frontend
//! calls them; fixed segments (`search/`, `all/`) are registered before `{id}/`.
//! Each module declares its resources with [`resources!`], with who may call
//! them; the same table drives the access guard and the OpenAPI document.

pub(crate) mod analytics;
pub(crate) mod appointments;
pub(crate) mod audit;
pub(crate) mod auth;
pub(crate) mod doctors;
pub(crate) mod health;
pub(crate) mod models;
pub(crate) mod outreach;
pub(crate) mod patients;
pub(crate) mod predictions;
pub(crate) mod profile;

use crate::middleware::access::Access;
use actix_web::web;

/// Declares a module's resources: `Access "/path/" { GET => handler, POST => other }`
/// becomes one actix resource per path, wrapped by the access guard (who may
/// call it is checked before the handler reads anything), answering 405 with
/// an `Allow` header for any other method; and the `ENDPOINTS` list of
/// (method, path, access), so the OpenAPI document can be checked against
/// what is really served.
#[macro_export]
macro_rules! resources {
    ($($access:ident $path:literal { $($method:ident => $handler:path),+ $(,)? }),* $(,)?) => {
        pub const ENDPOINTS: &[(&str, &str, $crate::middleware::access::Access)] =
            &[$($((stringify!($method), $path, $crate::middleware::access::Access::$access)),+),*];

        pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
            $(
                cfg.service(
                    actix_web::web::resource($path)
                        $(.route(actix_web::web::method(actix_web::http::Method::$method).to($handler)))+
                        .default_service(actix_web::web::to(|| $crate::routes::method_not_allowed(&[$(stringify!($method)),+])))
                        .wrap(actix_web::middleware::from_fn(|req, next| {
                            $crate::middleware::access::guard($crate::middleware::access::Access::$access, req, next)
                        })),
                );
            )*
        }
    };
}

/// 405 with the `Allow` header listing the path's methods.
pub async fn method_not_allowed(allowed: &'static [&'static str]) -> Result<actix_web::HttpResponse, crate::error::ApiError> {
    Err(crate::error::ApiError::MethodNotAllowed { allow: allowed.join(", ") })
}

/// Modules mounted under `/api`.
const API_MODULES: &[&[(&str, &str, Access)]] = &[
    auth::ENDPOINTS,
    doctors::ENDPOINTS,
    patients::ENDPOINTS,
    appointments::ENDPOINTS,
    predictions::ENDPOINTS,
    models::ENDPOINTS,
    analytics::ENDPOINTS,
    outreach::ENDPOINTS,
    audit::ENDPOINTS,
    profile::ENDPOINTS,
];

/// Every served (method, full path, access), for the OpenAPI checks.
pub fn served() -> Vec<(&'static str, String, Access)> {
    let mut all: Vec<(&'static str, String, Access)> =
        health::ENDPOINTS.iter().chain(crate::observability::ENDPOINTS).map(|(m, p, a)| (*m, p.to_string(), *a)).collect();
    for module in API_MODULES {
        all.extend(module.iter().map(|(m, p, a)| (*m, format!("/api{p}"), *a)));
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
                .configure(outreach::configure)
                .configure(audit::configure)
                .configure(profile::configure),
        )
        .default_service(web::to(not_found));
}

async fn not_found() -> Result<actix_web::HttpResponse, crate::error::ApiError> {
    Err(crate::error::ApiError::NotFound("Page"))
}
