//! The OpenAPI 3.1 description, served at `/api/schema/`, with Swagger UI at
//! `/api/docs/` (assets compiled into the binary: works offline).
//!
//! Operations come from [`OPERATIONS`], one row per route; a test checks that
//! every served route has a row. Body and reply schemas are derived from the
//! DTO types with utoipa.

use crate::dto::appointment::{AppointmentIn, OutcomeIn, PredictionOut};
use crate::dto::doctor::LoginUser;
use crate::dto::patient::PatientIn;
use crate::dto::{AppointmentOut, DoctorOut, PatientOut};
use serde_json::{json, Map, Value};
use utoipa::PartialSchema;

/// Who may call a route.
#[derive(Clone, Copy)]
pub enum Access {
    Public,
    AnyUser,
    Admin,
}

/// One documented operation: method, path, tag, summary, access, request body schema, success status, reply schema.
pub type Operation = (&'static str, &'static str, &'static str, &'static str, Access, Option<&'static str>, u16, Option<&'static str>);

use Access::{Admin, AnyUser, Public};

pub const OPERATIONS: &[Operation] = &[
    ("GET", "/health/health/", "health", "Status of the database, Redis, the model and queues (503 names the failing part).", Public, None, 200, Some("Health")),
    ("GET", "/api/health/", "health", "Same as /health/health/ (the original backend's path).", Public, None, 200, Some("Health")),
    ("GET", "/health/ready/", "health", "200 only when the database and Redis both answer.", Public, None, 200, Some("Health")),
    ("POST", "/api/auth/logout-all/", "auth", "Ends every session of the signed-in user.", AnyUser, None, 200, Some("Message")),
    ("GET", "/metrics", "health", "Prometheus metrics.", Public, None, 200, None),
    ("POST", "/api/auth/login/", "auth", "Log in: access + refresh tokens and the user. Wrong credentials: 400.", Public, Some("Credentials"), 200, Some("LoginReply")),
    ("POST", "/api/auth/refresh/", "auth", "A new access token (and a new refresh token when rotation is on).", Public, Some("RefreshBody"), 200, Some("RefreshReply")),
    ("POST", "/api/auth/logout/", "auth", "Revokes the refresh token for good.", Public, Some("RefreshBody"), 200, Some("Message")),
    ("POST", "/api/auth/activate/", "auth", "Activate a doctor account with the e-mailed code and set its password.", Public, Some("Activation"), 200, Some("Message")),
    ("POST", "/api/admin/doctors/", "doctors", "Create a doctor; without a password an activation code is e-mailed.", Admin, Some("DoctorIn"), 201, Some("DoctorCreated")),
    ("GET", "/api/admin/doctors/all/", "doctors", "Doctors as a bare array; q, active_only, page, page_size.", Admin, None, 200, Some("DoctorList")),
    ("PATCH", "/api/admin/doctors/{id}/", "doctors", "Update name/e-mail, or enable/disable (is_active: bool).", Admin, Some("DoctorPatch"), 200, Some("DoctorOut")),
    ("POST", "/api/admin/doctors/{id}/resend-otp/", "doctors", "E-mail a new activation code to a pending doctor.", Admin, None, 202, Some("Message")),
    ("GET", "/api/patients/", "patients", "Patients, newest first: {patients, total, page, total_pages}.", AnyUser, None, 200, Some("PatientPage")),
    ("POST", "/api/patients/", "patients", "Register a patient; a taken proposed id is replaced by a fresh one.", AnyUser, Some("PatientIn"), 201, Some("PatientOut")),
    ("GET", "/api/patients/search/", "patients", "Accent/case-insensitive prefix search (q) as a bare array, best match first.", AnyUser, None, 200, Some("PatientList")),
    ("GET", "/api/patients/{id}/", "patients", "One patient.", AnyUser, None, 200, Some("PatientOut")),
    ("PATCH", "/api/patients/{id}/", "patients", "Update demographics (never the record number).", AnyUser, Some("PatientIn"), 200, Some("PatientOut")),
    ("DELETE", "/api/patients/{id}/", "patients", "Delete a patient without appointments (409 otherwise).", AnyUser, None, 204, None),
    ("GET", "/api/appointments/", "appointments", "Appointments in scope: {appointments, total, page, total_pages}; filters status, date, from, to, patientId, doctorId, q.", AnyUser, None, 200, Some("AppointmentPage")),
    ("POST", "/api/appointments/", "appointments", "Book; the no-show prediction is stored now and never changes.", AnyUser, Some("AppointmentIn"), 201, Some("AppointmentOut")),
    ("GET", "/api/appointments/search/", "appointments", "Filtered appointments as a bare array ([] without a filter).", AnyUser, None, 200, Some("AppointmentList")),
    ("GET", "/api/appointments/doctor/{doctor_id}/", "appointments", "One doctor's appointments (page object).", Admin, None, 200, Some("AppointmentPage")),
    ("GET", "/api/appointments/{id}/", "appointments", "One appointment in scope.", AnyUser, None, 200, Some("AppointmentOut")),
    ("PATCH", "/api/appointments/{id}/", "appointments", "Record the real outcome once (showedUp, wasLate).", AnyUser, Some("OutcomeIn"), 200, Some("AppointmentOut")),
    ("POST", "/api/appointments/{id}/cancel/", "appointments", "Cancel (no body); a done appointment is 409.", AnyUser, None, 200, Some("AppointmentOut")),
    ("POST", "/api/predictions/predict/", "predictions", "What-if prediction, not stored.", AnyUser, Some("WhatIf"), 200, Some("WhatIfReply")),
    ("POST", "/api/predictions/admin/retrain/", "predictions", "Alias of /api/admin/models/train/.", Admin, Some("TrainBody"), 202, Some("JobQueued")),
    ("GET", "/api/predictions/admin/status/", "predictions", "The active model and its evaluation.", Admin, None, 200, None),
    ("GET", "/api/admin/models/", "models", "Registered model versions, newest first.", Admin, None, 200, None),
    ("POST", "/api/admin/models/train/", "models", "Enqueue a training job: 202 with its id.", Admin, Some("TrainBody"), 202, Some("JobQueued")),
    ("GET", "/api/admin/models/jobs/{id}/", "models", "State and progress of a training or ingestion job.", Admin, None, 200, None),
    ("POST", "/api/admin/models/{version}/activate/", "models", "Switch the active model.", Admin, None, 200, Some("Message")),
    ("POST", "/api/admin/data/ingest/", "models", "Enqueue ingestion of a CSV from the data directory.", Admin, Some("IngestBody"), 202, Some("JobQueued")),
    ("GET", "/api/profile/", "profile", "The logged-in user's account.", AnyUser, None, 200, Some("LoginUser")),
    ("PATCH", "/api/profile/", "profile", "Change one's own name.", AnyUser, Some("ProfileBody"), 200, Some("LoginUser")),
    ("PATCH", "/api/profile/password/", "profile", "Change one's own password (old_password, new_password).", AnyUser, Some("PasswordBody"), 200, Some("Message")),
    ("GET", "/api/analytics/predictions/", "analytics", "Stored predictions against outcomes: accuracy, precision, recall, F1, AUC, Brier, confusion, calibration, per model.", AnyUser, None, 200, Some("Analytics")),
];

fn schema_of<T: PartialSchema>() -> Value {
    serde_json::to_value(T::schema()).unwrap_or(Value::Null)
}

fn r(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn object(props: &[(&str, Value)], required: &[&str]) -> Value {
    json!({ "type": "object", "properties": props.iter().map(|(k, v)| (k.to_string(), v.clone())).collect::<Map<_, _>>(), "required": required })
}

fn components() -> Value {
    let s = || json!({ "type": "string" });
    let list = |item: &str| json!({ "type": "array", "items": r(item) });
    let page = |key: &str, item: &str| object(&[(key, list(item)), ("total", json!({"type": "integer"})), ("page", json!({"type": "integer"})), ("total_pages", json!({"type": "integer"}))], &[key, "total", "page", "total_pages"]);
    let job = object(&[("jobId", s()), ("status", s())], &["jobId", "status"]);
    json!({
        "Error": object(&[("error", s()), ("code", s()), ("message", s()), ("field", s())], &["error", "code"]),
        "Message": object(&[("message", s())], &["message"]),
        "Credentials": object(&[("email", s()), ("password", s())], &["email", "password"]),
        "LoginReply": object(&[("access", s()), ("refresh", s()), ("user", r("LoginUser"))], &["access", "refresh", "user"]),
        "RefreshBody": object(&[("refresh", s())], &["refresh"]),
        "RefreshReply": object(&[("access", s()), ("refresh", s())], &["access"]),
        "Activation": object(&[("email", s()), ("otp", s()), ("password", s())], &["email", "otp", "password"]),
        "DoctorIn": object(&[("full_name", s()), ("email", s()), ("password", s()), ("specialization", s())], &["full_name", "email"]),
        "DoctorPatch": object(&[("full_name", s()), ("email", s()), ("is_active", json!({"type": "boolean"}))], &[]),
        "DoctorCreated": object(&[("message", s()), ("user", r("DoctorOut"))], &["message", "user"]),
        "DoctorList": list("DoctorOut"),
        "PatientPage": page("patients", "PatientOut"),
        "PatientList": list("PatientOut"),
        "AppointmentPage": page("appointments", "AppointmentOut"),
        "AppointmentList": list("AppointmentOut"),
        "WhatIf": object(&[("age", json!({"type": "integer"})), ("gender", s()), ("smsReceived", json!({"type": "integer", "enum": [0, 1]})), ("attendanceScore", json!({"type": "number"})), ("appointmentDate", s())], &["age", "gender", "appointmentDate"]),
        "WhatIfReply": object(&[("label", s()), ("probability", json!({"type": "integer"})), ("noShowProbability", json!({"type": "number"})), ("modelVersion", s())], &["label", "probability", "modelVersion"]),
        "ProfileBody": object(&[("full_name", s())], &["full_name"]),
        "PasswordBody": object(&[("old_password", s()), ("new_password", s())], &["old_password", "new_password"]),
        "TrainBody": object(&[("force", json!({"type": "boolean"}))], &[]),
        "IngestBody": object(&[("file", s())], &["file"]),
        "JobQueued": job,
        "Health": object(&[("status", s()), ("database", s()), ("redis", s()), ("model", json!({"type": "object"}))], &["status", "database", "redis"]),
        "Analytics": object(&[("total", json!({"type": "integer"})), ("correct", json!({"type": "integer"})), ("incorrect", json!({"type": "integer"})), ("accuracy", json!({"type": "integer"}))], &["total", "correct", "incorrect", "accuracy"]),
        "LoginUser": schema_of::<LoginUser>(),
        "DoctorOut": schema_of::<DoctorOut>(),
        "PatientOut": schema_of::<PatientOut>(),
        "PatientIn": schema_of::<PatientIn>(),
        "AppointmentOut": schema_of::<AppointmentOut>(),
        "AppointmentIn": schema_of::<AppointmentIn>(),
        "OutcomeIn": schema_of::<OutcomeIn>(),
        "PredictionOut": schema_of::<PredictionOut>(),
        "Gender": schema_of::<domain::patient::Gender>(),
        "AppointmentStatus": schema_of::<domain::appointment::AppointmentStatus>(),
        "PredictionLabel": schema_of::<domain::prediction::PredictionLabel>(),
        "Role": schema_of::<domain::role::Role>(),
    })
}

fn operation(op: &Operation) -> Value {
    let (_, path, tag, summary, access, body, status, reply) = *op;
    let error = |d: &str| json!({ "description": d, "content": { "application/json": { "schema": r("Error") } } });
    let mut responses = Map::new();
    let ok = match reply {
        Some(name) => json!({ "description": "Success", "content": { "application/json": { "schema": r(name) } } }),
        None => json!({ "description": "Success" }),
    };
    responses.insert(status.to_string(), ok);
    responses.insert("400".into(), error("Invalid input"));
    if !matches!(access, Public) {
        responses.insert("401".into(), error("Missing, invalid or expired access token, or disabled account"));
        responses.insert("403".into(), error("Role not allowed"));
    }
    if path.contains('{') {
        responses.insert("404".into(), error("Not found (or not in the caller's scope)"));
    }
    responses.insert("409".into(), error("Conflicts with the current state"));
    responses.insert("429".into(), error("Rate limited (Retry-After header)"));
    let params: Vec<Value> = path
        .split('/')
        .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(|name| json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } }))
        .collect();
    let mut op = json!({ "tags": [tag], "summary": summary, "parameters": params, "responses": responses });
    if let Some(name) = body {
        op["requestBody"] = json!({ "required": true, "content": { "application/json": { "schema": r(name) } } });
    }
    if !matches!(access, Public) {
        op["security"] = json!([{ "bearer": [] }]);
    }
    if matches!(access, Admin) {
        op["description"] = json!("Administrators only.");
    }
    op
}

/// The whole document.
pub fn document() -> Value {
    let mut paths = Map::new();
    for op in OPERATIONS {
        let item = paths.entry(op.1.to_string()).or_insert_with(|| json!({}));
        item[op.0.to_lowercase()] = operation(op);
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Health Sphere API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Clinic backend: doctors, patients, appointments and no-show predictions. Every error body is {\"error\": \"<sentence>\", \"code\": \"<kind>\"}.",
        },
        "paths": paths,
        "components": {
            "schemas": components(),
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer", "bearerFormat": "JWT" } },
        },
    })
}

/// `/api/schema/` (the JSON) and `/api/docs/` (Swagger UI).
pub fn swagger_ui() -> utoipa_swagger_ui::SwaggerUi {
    utoipa_swagger_ui::SwaggerUi::new("/api/docs/{_:.*}").external_url_unchecked("/api/schema/", document())
}
