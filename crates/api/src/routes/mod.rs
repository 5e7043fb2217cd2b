//! Every route, registered in one place. Paths end with `/` as the frontend
//! calls them; fixed segments (`search/`, `all/`) are registered before `{id}/`.

mod analytics;
mod appointments;
mod auth;
mod doctors;
mod health;
mod models;
mod patients;
mod predictions;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(health::configure)
        .service(
            web::scope("/api")
                .configure(auth::configure)
                .configure(doctors::configure)
                .configure(patients::configure)
                .configure(appointments::configure)
                .configure(predictions::configure)
                .configure(models::configure)
                .configure(analytics::configure),
        )
        .default_service(web::to(not_found));
}

async fn not_found() -> Result<actix_web::HttpResponse, crate::error::ApiError> {
    Err(crate::error::ApiError::NotFound("Page"))
}
