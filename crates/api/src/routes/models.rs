//! `/api/admin/models/*` and `/api/admin/data/ingest/` (admins): training and
//! ingestion jobs, the model registry, and job status.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::request;
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;
use storage::jobs::JobRecord;

crate::endpoints! {
    GET "/admin/models/" => list,
    POST "/admin/models/train/" => train,
    GET "/admin/models/jobs/{id}/" => job,
    POST "/admin/models/{version}/activate/" => activate,
    POST "/admin/data/ingest/" => ingest,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct TrainBody {
    #[serde(default)]
    force: bool,
}

/// Enqueues a `train_model` job: 202 with its id. The body is optional.
#[tracing::instrument(skip_all)]
pub async fn train(state: web::Data<AppState>, user: CurrentUser, body: web::Bytes) -> ApiResult<HttpResponse> {
    user.require_admin()?;
    let force = request::json::<TrainBody>(&body)?.force;
    let job = jobs::new_job(&jobs::TrainModel { force }, Some(&user.id));
    state.enqueue(&job).await?;
    Ok(HttpResponse::Accepted().json(json!({ "jobId": job.id, "status": "queued" })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IngestBody {
    /// A file name inside the worker's data directory.
    file: String,
}

/// Enqueues ingestion of a CSV from the data directory: 202 with the job id.
#[tracing::instrument(skip_all)]
async fn ingest(state: web::Data<AppState>, user: CurrentUser, body: web::Bytes) -> ApiResult<HttpResponse> {
    user.require_admin()?;
    let body: IngestBody = request::json(&body)?;
    let file = body.file.trim();
    let safe = !file.is_empty() && file.ends_with(".csv") && !file.contains("..") && !file.starts_with('/') && !file.contains('\\');
    if !safe {
        return Err(ApiError::BadRequest("file must be a .csv file name inside the data directory.".into()));
    }
    let job = jobs::new_job(&jobs::IngestCsv { file: file.to_string() }, Some(&user.id));
    state.enqueue(&job).await?;
    Ok(HttpResponse::Accepted().json(json!({ "jobId": job.id, "status": "queued" })))
}

fn job_json(job: &JobRecord) -> serde_json::Value {
    json!({
        "id": job.id, "kind": job.kind, "state": job.state, "progress": job.progress,
        "message": job.message, "result": job.result,
        "createdAt": job.created_at.to_rfc3339(), "updatedAt": job.updated_at.to_rfc3339(),
    })
}

#[tracing::instrument(skip_all, fields(job_id = %path))]
async fn job(state: web::Data<AppState>, user: CurrentUser, path: web::Path<String>) -> ApiResult<HttpResponse> {
    user.require_admin()?;
    let job = state.store.find_job(&path).await?.ok_or(ApiError::NotFound("Job"))?;
    Ok(HttpResponse::Ok().json(job_json(&job)))
}

#[tracing::instrument(skip_all)]
async fn list(state: web::Data<AppState>, user: CurrentUser) -> ApiResult<HttpResponse> {
    user.require_admin()?;
    let active = state.store.active_model_version().await?;
    let models: Vec<_> = state
        .store
        .list_models()
        .await?
        .into_iter()
        .map(|m| {
            json!({
                "version": m.version, "createdAt": m.created_at.to_rfc3339(),
                "active": active.as_deref() == Some(m.version.as_str()),
                "validationAuc": m.validation_auc, "evaluation": m.evaluation, "artifactPath": m.artifact_path,
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(models))
}

/// Switches the active model; api and worker pick it up without a restart.
#[tracing::instrument(skip_all, fields(version = %path))]
async fn activate(state: web::Data<AppState>, user: CurrentUser, path: web::Path<String>) -> ApiResult<HttpResponse> {
    user.require_admin()?;
    state.store.activate_model(&path).await.map_err(|e| match e {
        storage::StorageError::NotFound => ApiError::NotFound("Model version"),
        other => other.into(),
    })?;
    state.model.refresh(&state.store).await.map_err(ApiError::internal)?;
    tracing::info!(version = %path, "model activated");
    Ok(HttpResponse::Ok().json(json!({ "message": "Model activated.", "version": path.into_inner() })))
}
