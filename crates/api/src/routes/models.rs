//! `/api/admin/models/*` and `/api/admin/data/ingest/` (admins): training and
//! ingestion jobs, the model registry, and job status.

use crate::auth::CurrentUser;
use crate::dto::auth::Message;
use crate::dto::prediction::{IngestBody, JobOut, JobQueued, TrainBody};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::request::OptionalJson;
use crate::request::Json;
use crate::state::AppState;
use crate::services::model_card::ModelCard;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

crate::resources! {
    Admin "/admin/models/" { GET => list },
    Admin "/admin/models/train/" { POST => train },
    Admin "/admin/models/jobs/{id}/" { GET => job },
    Admin "/admin/models/{version}/activate/" { POST => activate },
    Admin "/admin/models/{version}/card/" { GET => card },
    Admin "/admin/data/ingest/" { POST => ingest },
}

/// Queues a training job: 202 with its id. The body is optional.
#[utoipa::path(post, path = "/api/admin/models/train/", tag = "models", request_body(content = TrainBody, description = "Optional"),
    responses((status = 202, description = "Queued", body = JobQueued)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn train(state: web::Data<AppState>, user: CurrentUser, body: OptionalJson<TrainBody>) -> ApiResult<HttpResponse> {
    let force = body.into_inner().force.unwrap_or(false);
    let job = jobs::new_job(&jobs::TrainModel { force }, Some(&user.id));
    state.enqueue(&job).await?;
    Ok(HttpResponse::Accepted().json(JobQueued { job_id: job.id, status: "queued".into() }))
}

/// Queues ingestion of a CSV from the data directory: 202 with the job id.
#[utoipa::path(post, path = "/api/admin/data/ingest/", tag = "models", request_body = IngestBody,
    responses((status = 202, description = "Queued", body = JobQueued)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn ingest(state: web::Data<AppState>, user: CurrentUser, body: Json<IngestBody>) -> ApiResult<HttpResponse> {
    if !domain::text::is_csv_file(&body.file) {
        return Err(ApiError::from(domain::ValidationError::new("file", "file must be a .csv file name inside the data directory.")));
    }
    let job = jobs::new_job(&jobs::IngestCsv { file: body.file.clone() }, Some(&user.id));
    state.enqueue(&job).await?;
    Ok(HttpResponse::Accepted().json(JobQueued { job_id: job.id, status: "queued".into() }))
}

/// State, progress and result of a training or ingestion job.
#[utoipa::path(get, path = "/api/admin/models/jobs/{id}/", tag = "models", params(("id" = String, Path, description = "Job id")),
    responses((status = 200, description = "The job", body = JobOut), (status = 404, description = "No such job", body = ErrorBody)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn job(state: web::Data<AppState>, path: web::Path<String>) -> ApiResult<HttpResponse> {
    let job = state.store.find_job(&path).await?.ok_or(ApiError::NotFound("Job"))?;
    Ok(HttpResponse::Ok().json(JobOut::from(&job)))
}

/// One registered model version.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ModelOut {
    version: String,
    created_at: String,
    active: bool,
    validation_auc: Option<f64>,
    /// Test-window figures from the held-out fit.
    #[schema(value_type = Object)]
    evaluation: serde_json::Value,
    artifact_path: String,
}

/// Registered model versions, newest first.
#[utoipa::path(get, path = "/api/admin/models/", tag = "models", responses((status = 200, description = "Models", body = Vec<ModelOut>)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn list(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let active = state.store.active_model_version().await?;
    let models: Vec<ModelOut> = state
        .store
        .list_models()
        .await?
        .into_iter()
        .map(|m| ModelOut {
            active: active.as_deref() == Some(m.version.as_str()),
            version: m.version,
            created_at: m.created_at.to_rfc3339(),
            validation_auc: m.validation_auc,
            evaluation: m.evaluation,
            artifact_path: m.artifact_path,
        })
        .collect();
    Ok(HttpResponse::Ok().json(models))
}

/// Makes a registered version the active model (api and worker pick it up without a restart).
#[utoipa::path(post, path = "/api/admin/models/{version}/activate/", tag = "models", params(("version" = String, Path, description = "Model version")),
    responses((status = 200, description = "Activated", body = Message), (status = 404, description = "No such version", body = ErrorBody)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn activate(state: web::Data<AppState>, path: web::Path<String>) -> ApiResult<HttpResponse> {
    state.store.activate_model(&path).await.map_err(|e| match e {
        storage::StorageError::NotFound => ApiError::NotFound("Model version"),
        other => other.into(),
    })?;
    state.model.refresh(&state.store).await.map_err(ApiError::internal)?;
    tracing::info!(version = %path, "model activated");
    Ok(HttpResponse::Ok().json(Message::new("Model activated.")))
}

/// Whether the client asked for the page rather than JSON.
fn wants_html(req: &HttpRequest) -> bool {
    let accept = req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("");
    let html = accept.find("text/html");
    let json = accept.find("application/json");
    match (html, json) {
        (Some(h), Some(j)) => h < j,
        (Some(_), None) => true,
        _ => false,
    }
}

/// The model card of a version: data window, factors and their reason words,
/// metrics, calibration, per-group figures, intended use. JSON by default;
/// with `Accept: text/html` a page with SVG plots (ROC curve, reliability
/// diagram, per-group bars) that works offline.
#[utoipa::path(get, path = "/api/admin/models/{version}/card/", tag = "models", params(("version" = String, Path, description = "Model version")),
    responses(
        (status = 200, description = "The model card", content((ModelCard = "application/json"), (String = "text/html"))),
        (status = 404, description = "No such version", body = ErrorBody)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn card(state: web::Data<AppState>, req: HttpRequest, path: web::Path<String>) -> ApiResult<HttpResponse> {
    let record = state.store.find_model(&path).await?.ok_or(ApiError::NotFound("Model version"))?;
    let model = ml::model::ModelArtifact::from_json(&record.artifact).map_err(ApiError::internal)?;
    let active = state.store.active_model_version().await?.as_deref() == Some(record.version.as_str());
    let card = ModelCard::of(&model, active);
    if wants_html(&req) {
        let page = card.html().map_err(ApiError::internal)?;
        return Ok(HttpResponse::Ok().content_type("text/html; charset=utf-8").body(page));
    }
    Ok(HttpResponse::Ok().json(card.json()))
}
