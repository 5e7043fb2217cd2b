//! `/api/predictions/*`: the what-if prediction (not stored) and the original
//! backend's admin aliases for retraining and model status.

use crate::auth::CurrentUser;
use crate::dto::prediction::{WhatIf, WhatIfReply};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::routes::models;
use crate::request::Json;
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use domain::dates::parse_wall_clock;
use domain::patient::{parse_age, ClinicalFlags, Gender};
use domain::prediction::{PredictionInput, Predictor};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

crate::resources! {
    User "/predictions/predict/" { POST => predict },
    Admin "/predictions/admin/retrain/" { POST => models::train },
    Admin "/predictions/admin/status/" { GET => status },
}

/// `smsReceived`: absent, `null`, `false`, `0` are no; `true`, `1` yes.
fn sms(value: Option<&Value>) -> Result<bool, ApiError> {
    match value {
        None | Some(Value::Null) | Some(Value::Bool(false)) => Ok(false),
        Some(Value::Bool(true)) => Ok(true),
        Some(v) => match v.as_f64() {
            Some(0.0) => Ok(false),
            Some(1.0) => Ok(true),
            _ => Err(domain::ValidationError::new("smsReceived", "smsReceived must be 0, 1, true or false.").into()),
        },
    }
}

fn whole_age(value: &Value) -> Result<u8, ApiError> {
    let whole = value.as_i64().or_else(|| value.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 1e15).map(|f| f as i64));
    let age = whole.ok_or_else(|| domain::ValidationError::new("age", "Age must be a whole number between 0 and 120."))?;
    Ok(parse_age(age)?)
}

/// What-if prediction for a hypothetical booking, not stored. The attendance
/// score stands in for the patient's history.
#[utoipa::path(post, path = "/api/predictions/predict/", tag = "predictions", request_body = WhatIf,
    responses((status = 200, description = "The prediction", body = WhatIfReply), (status = 503, description = "No model has been trained yet", body = ErrorBody)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn predict(state: web::Data<AppState>, _user: CurrentUser, body: Json<WhatIf>) -> ApiResult<HttpResponse> {
    let score = match body.attendance_score {
        None => None,
        Some(s) if (0.0..=100.0).contains(&s) => Some(s.round() as u8),
        Some(_) => return Err(domain::ValidationError::new("attendanceScore", "attendanceScore must be between 0 and 100.").into()),
    };
    let input = PredictionInput {
        age: whole_age(&body.age)?,
        female: body.gender == Gender::F,
        booked_at: state.clinic_now(),
        appointment_at: parse_wall_clock("appointmentDate", &body.appointment_date, state.zone())?,
        flags: ClinicalFlags::default(),
        sms_received: sms(body.sms_received.as_ref())?,
        neighbourhood: None,
        past: None,
        attendance_score: score,
    };
    let prediction = state.model.predict(&input).ok_or_else(|| ApiError::unavailable("No model has been trained yet.", 60))?;
    Ok(HttpResponse::Ok().json(WhatIfReply {
        label: prediction.label,
        probability: prediction.probability,
        no_show_probability: prediction.no_show_probability,
        model_version: prediction.model_version,
        band: prediction.band,
        reasons: prediction.reasons,
    }))
}

/// The active model and its evaluation.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ModelStatus {
    active: bool,
    model_version: Option<String>,
    #[schema(value_type = Option<Object>)]
    evaluation: Option<Value>,
    #[schema(value_type = Option<Object>)]
    baseline: Option<Value>,
    threshold: Option<f64>,
    /// Appointments with a known outcome available for training.
    history: u64,
}

#[utoipa::path(get, path = "/api/predictions/admin/status/", tag = "predictions", responses((status = 200, description = "The active model", body = ModelStatus)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn status(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let model = state.model.current();
    Ok(HttpResponse::Ok().json(ModelStatus {
        active: model.is_some(),
        model_version: model.as_ref().map(|m| m.version.clone()),
        evaluation: model.as_ref().map(|m| serde_json::json!(m.evaluation)),
        baseline: model.as_ref().map(|m| serde_json::json!(m.baseline)),
        threshold: model.as_ref().map(|m| m.threshold),
        history: state.store.count_history().await?,
    }))
}
