//! `/api/predictions/*`: the what-if prediction (not stored) and the original
//! backend's admin aliases for retraining and model status.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::routes::models;
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use domain::dates::parse_wall_clock;
use domain::patient::{parse_age, ClinicalFlags, Gender};
use domain::prediction::{PredictionInput, Predictor};
use serde::Deserialize;
use serde_json::json;

crate::endpoints! {
    POST "/predictions/predict/" => predict,
    POST "/predictions/admin/retrain/" => models::train,
    GET "/predictions/admin/status/" => status,
}

/// `smsReceived` is 0/1 from the frontend; booleans are accepted too.
#[derive(Deserialize)]
#[serde(untagged)]
enum Flag {
    Bool(bool),
    Int(i64),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct WhatIf {
    age: i64,
    gender: String,
    sms_received: Option<Flag>,
    attendance_score: Option<f64>,
    appointment_date: String,
}

#[tracing::instrument(skip_all)]
async fn predict(state: web::Data<AppState>, _user: CurrentUser, body: web::Json<WhatIf>) -> ApiResult<HttpResponse> {
    let sms = match body.sms_received {
        None | Some(Flag::Bool(false)) | Some(Flag::Int(0)) => false,
        Some(Flag::Bool(true)) | Some(Flag::Int(1)) => true,
        Some(Flag::Int(_)) => return Err(ApiError::BadRequest("smsReceived must be 0 or 1.".into())),
    };
    let score = match body.attendance_score {
        None => None,
        Some(s) if (0.0..=100.0).contains(&s) => Some(s.round() as u8),
        Some(_) => return Err(ApiError::BadRequest("attendanceScore must be between 0 and 100.".into())),
    };
    let input = PredictionInput {
        age: parse_age(body.age)?,
        female: Gender::parse(&body.gender)? == Gender::F,
        booked_at: state.clinic_now(),
        appointment_at: parse_wall_clock("appointmentDate", &body.appointment_date, state.zone())?,
        flags: ClinicalFlags::default(),
        sms_received: sms,
        neighbourhood: None,
        history: Vec::new(),
        attendance_score: score,
    };
    let prediction = state.model.predict(&input).ok_or_else(|| ApiError::unavailable("No model has been trained yet.", 60))?;
    Ok(HttpResponse::Ok().json(json!({
        "label": prediction.label,
        "probability": prediction.probability,
        "noShowProbability": prediction.no_show_probability,
        "modelVersion": prediction.model_version,
    })))
}

#[tracing::instrument(skip_all)]
async fn status(state: web::Data<AppState>, user: CurrentUser) -> ApiResult<HttpResponse> {
    user.require_admin()?;
    let model = state.model.current();
    Ok(HttpResponse::Ok().json(json!({
        "active": model.is_some(),
        "modelVersion": model.as_ref().map(|m| m.version.clone()),
        "evaluation": model.as_ref().map(|m| json!(m.evaluation)),
        "baseline": model.as_ref().map(|m| json!(m.baseline)),
        "threshold": model.as_ref().map(|m| m.threshold),
        "history": state.store.count_history().await?,
    })))
}
