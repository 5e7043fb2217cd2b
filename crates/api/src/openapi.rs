//! The OpenAPI 3.1 document, served at `/api/schema/`, with Swagger UI at
//! `/api/docs/` (assets compiled into the binary: works offline).
//!
//! Generated from the code: operations from the handlers' `#[utoipa::path]`,
//! schemas from the very types handlers deserialize and serialize (their
//! constrained fields use the domain's own patterns and limits, see
//! `dto::fields`). One pass then adds what every operation shares, from the
//! routing table itself (`routes::served`): security and the 401/403 of its
//! access level, 413/415 for bodies, 429 where a rate limit applies, 503 when
//! the database is unreachable, and an operation id. Tests check that every
//! served route is documented and nothing else is.

use crate::middleware::access::Access;
use serde_json::{json, Value};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(title = "Health Sphere API", description = "Clinic backend: doctors, patients, appointments, no-show predictions and outreach. \
        Every error body is {\"error\": \"<sentence>\", \"code\": \"<kind>\", \"message\": \"<sentence>\"}."),
    paths(
        crate::routes::health::health, crate::routes::health::api_health, crate::routes::health::ready, crate::observability::metrics,
        crate::routes::auth::login, crate::routes::auth::refresh, crate::routes::auth::logout, crate::routes::auth::activate,
        crate::routes::auth::logout_all,
        crate::routes::doctors::create, crate::routes::doctors::list, crate::routes::doctors::update, crate::routes::doctors::resend_otp,
        crate::routes::patients::list, crate::routes::patients::create, crate::routes::patients::search, crate::routes::patients::get,
        crate::routes::patients::update, crate::routes::patients::delete,
        crate::routes::appointments::list, crate::routes::appointments::create, crate::routes::appointments::search,
        crate::routes::appointments::by_doctor, crate::routes::appointments::get, crate::routes::appointments::update,
        crate::routes::appointments::cancel, crate::routes::appointments::correct, crate::routes::appointments::list_contacts,
        crate::routes::appointments::add_contact, crate::routes::appointments::events,
        crate::routes::predictions::predict, crate::routes::predictions::status,
        crate::routes::models::list, crate::routes::models::train, crate::routes::models::job, crate::routes::models::activate, crate::routes::models::card,
        crate::routes::models::ingest,
        crate::routes::analytics::predictions, crate::routes::outreach::worklist,
        crate::routes::analytics::capacity, crate::routes::audit::list,
        crate::routes::profile::get, crate::routes::profile::update, crate::routes::profile::change_password,
    ),
    components(schemas(crate::error::ErrorBody)),
)]
struct ApiDoc;

/// Operations whose handler applies a rate limit (429 with `Retry-After`).
const RATE_LIMITED: &[(&str, &str)] = &[
    ("POST", "/api/auth/login/"),
    ("POST", "/api/auth/refresh/"),
    ("POST", "/api/auth/activate/"),
    ("PATCH", "/api/profile/password/"),
    ("POST", "/api/admin/doctors/{id}/resend-otp/"),
];

/// Operations whose body may be left out (their handlers take `OptionalJson`).
const OPTIONAL_BODIES: &[(&str, &str)] = &[("POST", "/api/admin/models/train/"), ("POST", "/api/predictions/admin/retrain/")];

/// Aliases served by another module's handler: (alias method, alias path, documented as).
const ALIASES: &[(&str, &str, &str, &str)] = &[("POST", "/api/predictions/admin/retrain/", "POST", "/api/admin/models/train/")];

fn error(description: &str) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorBody" } } } })
}

fn add_response(op: &mut Value, status: &str, description: &str) {
    if op["responses"].get(status).is_none() {
        op["responses"][status] = error(description);
    }
}

fn with_retry_after(mut response: Value) -> Value {
    response["headers"] = json!({ "Retry-After": { "description": "Seconds to wait", "schema": { "type": "integer", "minimum": 1 } } });
    response
}

/// What every operation shares, from its access level and shape.
fn complete(op: &mut Value, method: &str, path: &str, access: Access) {
    op["operationId"] = json!(format!(
        "{}{}",
        method.to_lowercase(),
        path.split(['/', '{', '}', '-']).filter(|s| !s.is_empty()).map(|s| format!("_{s}")).collect::<String>()
    ));
    add_response(op, "400", "Invalid input: a parameter or the body breaks its schema");
    if access != Access::Public {
        op["security"] = json!([{ "bearer": [] }]);
        add_response(op, "401", "Missing, invalid or expired access token, ended session, or disabled account");
    }
    if access == Access::Admin {
        add_response(op, "403", "Administrators only");
    }
    if OPTIONAL_BODIES.contains(&(method, path)) {
        op["requestBody"]["required"] = json!(false);
    }
    if op.get("requestBody").is_some() {
        add_response(op, "413", "The body is larger than 64 KB");
        add_response(op, "415", "The body is not JSON");
    }
    if RATE_LIMITED.contains(&(method, path)) {
        op["responses"]["429"] = with_retry_after(error("Rate limited"));
    }
    if op["responses"].get("503").is_none() {
        op["responses"]["503"] = with_retry_after(error("The database is unreachable, or too many password checks are waiting"));
    }
}

/// Rules across fields, which JSON Schema states and the derive cannot.
fn cross_field_rules(schemas: &mut Value) {
    let late_but_absent = json!({
        "not": { "required": ["showedUp", "wasLate"], "properties": { "showedUp": { "const": false }, "wasLate": { "const": true } } }
    });
    for name in ["OutcomeIn", "CorrectionIn"] {
        schemas[name]["allOf"] = json!([late_but_absent]);
    }
    schemas["PatientCreate"]["anyOf"] = json!([{ "required": ["age"] }, { "required": ["dateOfBirth"] }]);
}

/// Links between operations (what a response's ids can be used for), so a
/// client, or the fuzzer's stateful phase, can follow a resource it created.
fn links(doc: &mut Value) {
    let by_id = |op: &str| json!({ "operationId": op, "parameters": { "id": "$response.body#/id" } });
    let in_a_month = (chrono::Utc::now() + chrono::Duration::days(30)).format("%Y-%m-%dT10:30:00").to_string();
    type Links = Vec<(&'static str, Value)>;
    let table: Vec<(&str, &str, &str, Links)> = vec![
        ("/api/patients/", "post", "201", vec![
            ("GetPatient", by_id("get_api_patients_id")),
            ("UpdatePatient", by_id("patch_api_patients_id")),
            ("DeletePatient", by_id("delete_api_patients_id")),
            ("BookAppointment", json!({
                "operationId": "post_api_appointments",
                "requestBody": { "patientIdInput": "$response.body#/id", "appointmentDate": in_a_month, "smsReceived": true },
            })),
        ]),
        ("/api/appointments/", "post", "201", vec![
            ("GetAppointment", by_id("get_api_appointments_id")),
            ("RecordOutcome", by_id("patch_api_appointments_id")),
            ("CancelAppointment", by_id("post_api_appointments_id_cancel")),
            ("CorrectOutcome", by_id("post_api_appointments_id_correct_outcome")),
            ("ListContacts", by_id("get_api_appointments_id_contacts")),
            ("AddContact", by_id("post_api_appointments_id_contacts")),
            ("ListEvents", by_id("get_api_appointments_id_events")),
        ]),
        ("/api/admin/doctors/", "post", "201", vec![
            ("UpdateDoctor", json!({ "operationId": "patch_api_admin_doctors_id", "parameters": { "id": "$response.body#/user/id" } })),
            ("ResendCode", json!({ "operationId": "post_api_admin_doctors_id_resend_otp", "parameters": { "id": "$response.body#/user/id" } })),
            ("DoctorAppointments", json!({ "operationId": "get_api_appointments_doctor_doctor_id", "parameters": { "doctor_id": "$response.body#/user/id" } })),
        ]),
        ("/api/admin/models/train/", "post", "202", vec![
            ("GetJob", json!({ "operationId": "get_api_admin_models_jobs_id", "parameters": { "id": "$response.body#/jobId" } })),
        ]),
        ("/api/admin/data/ingest/", "post", "202", vec![
            ("GetJob", json!({ "operationId": "get_api_admin_models_jobs_id", "parameters": { "id": "$response.body#/jobId" } })),
        ]),
    ];
    for (path, method, status, links) in table {
        let response = &mut doc["paths"][path][method]["responses"][status];
        if response.is_object() {
            response["links"] = links.into_iter().map(|(name, link)| (name.to_string(), link)).collect::<serde_json::Map<_, _>>().into();
        }
    }
}

/// The whole document.
pub fn document() -> Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    doc["openapi"] = json!("3.1.0");
    doc["info"]["version"] = json!(env!("CARGO_PKG_VERSION"));
    for (alias_method, alias_path, method, path) in ALIASES {
        let op = doc["paths"][path][method.to_lowercase()].clone();
        let mut alias = op;
        alias["summary"] = json!(format!("Alias of {method} {path}."));
        doc["paths"][alias_path][alias_method.to_lowercase()] = alias;
    }
    for (method, path, access) in crate::routes::served() {
        if let Some(op) = doc["paths"].get_mut(&path).and_then(|p| p.get_mut(method.to_lowercase())) {
            complete(op, method, &path, access);
        }
    }
    doc["components"]["securitySchemes"] = json!({ "bearer": { "type": "http", "scheme": "bearer", "bearerFormat": "JWT" } });
    for (name, schema) in crate::dto::fields::components() {
        doc["components"]["schemas"][name] = schema;
    }
    cross_field_rules(&mut doc["components"]["schemas"]);
    links(&mut doc);
    doc
}

/// `/api/schema/` (the JSON) and `/api/docs/` (Swagger UI).
pub fn swagger_ui() -> utoipa_swagger_ui::SwaggerUi {
    utoipa_swagger_ui::SwaggerUi::new("/api/docs/{_:.*}").external_url_unchecked("/api/schema/", document())
}
