//! Operability: the OpenAPI description covers every route, docs work offline,
//! metrics and request ids, rate limits.

use crate::helpers::spawn_app;
use api::middleware::access::Access;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn the_openapi_document_describes_exactly_the_served_routes_and_their_access() {
    let app = spawn_app().await;
    let spec = app.call(Method::GET, "/api/schema/", None, None).await;
    assert_eq!(spec.status, StatusCode::OK);
    assert_eq!(spec.body["openapi"], "3.1.0");
    let served = api::routes::served();
    for (method, path, access) in &served {
        let op = &spec.body["paths"][path][method.to_lowercase()];
        assert!(op.is_object(), "{method} {path} is served but not documented");
        let secured = op["security"].is_array();
        assert_eq!(secured, *access != Access::Public, "{method} {path}: security");
        if *access != Access::Public {
            assert!(op["responses"]["401"].is_object(), "{method} {path}: 401");
        }
        if *access == Access::Admin {
            assert!(op["responses"]["403"].is_object(), "{method} {path}: 403");
        }
        assert!(op["operationId"].is_string());
        // And it really is served: the fallback answers "Page not found." only for unknown routes.
        let probe = app.call(Method::from_bytes(method.as_bytes()).unwrap(), &path.replace('{', "x").replace('}', ""), None, None).await;
        assert_ne!(probe.body["error"], "Page not found.", "{method} {path} is documented but not served");
    }
    for (path, item) in spec.body["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let listed = served.iter().any(|(m, p, _)| m.eq_ignore_ascii_case(method) && p == path);
            assert!(listed, "{method} {path} is documented but not in the routing table");
        }
    }
    assert!(spec.body["components"]["securitySchemes"]["bearer"].is_object());
    assert!(spec.body["components"]["schemas"]["ErrorBody"].is_object());
    let docs = app.http.get(format!("{}/api/docs/", app.base)).send().await.unwrap();
    assert_eq!(docs.status(), StatusCode::OK);
    let csp = docs.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-eval"), "{csp}");
    let html = docs.text().await.unwrap();
    assert!(html.contains("swagger"), "docs page is served by the binary");
    assert!(!html.contains("cdn."), "no CDN assets");
    app.cleanup().await;
}

#[tokio::test]
async fn other_methods_get_405_with_allow_and_every_error_is_json() {
    let app = spawn_app().await;
    let r = app.http.request(Method::PUT, format!("{}/api/patients/", app.base)).bearer_auth(&app.admin).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.headers()["allow"], "GET, POST");
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
    let r = app.http.request(Method::from_bytes(b"TRACE").unwrap(), format!("{}/api/auth/login/", app.base)).send().await.unwrap();
    assert_eq!((r.status(), r.headers()["allow"].to_str().unwrap()), (StatusCode::METHOD_NOT_ALLOWED, "POST"));
    let r = app.http.get(format!("{}/api/nowhere/", app.base)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(body["error"].is_string());
    app.cleanup().await;
}

#[tokio::test]
async fn responses_carry_a_request_id_and_metrics_count_requests_by_route() {
    let app = spawn_app().await;
    let r = app.http.get(format!("{}/api/patients/", app.base)).bearer_auth(&app.admin).send().await.unwrap();
    assert!(r.headers().get("x-request-id").is_some());
    let metrics = app.http.get(format!("{}/metrics", app.base)).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("http_requests_total"), "{metrics}");
    assert!(metrics.contains("route=\"/api/patients/\""));
    assert!(metrics.contains("model_info"));
    app.cleanup().await;
}

#[tokio::test]
async fn repeated_logins_for_one_account_are_limited_with_retry_after() {
    let app = spawn_app().await;
    let body = json!({ "email": "target@clinic.test", "password": "wrong-pass-1" });
    let mut last = None;
    for _ in 0..12 {
        let r = app.http.post(format!("{}/api/auth/login/", app.base)).json(&body).send().await.unwrap();
        last = Some((r.status(), r.headers().get("retry-after").cloned()));
    }
    let (status, retry_after) = last.unwrap();
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(retry_after.is_some());
    // Another account is not affected.
    let ok = app.call(Method::POST, "/api/auth/login/", None, Some(json!({ "email": "admin@clinic.test", "password": "admin-pass-1" }))).await;
    assert_eq!(ok.status, StatusCode::OK);
    app.cleanup().await;
}

#[tokio::test]
async fn cors_preflight_from_the_frontend_origin_is_allowed() {
    let app = spawn_app().await;
    let r = app
        .http
        .request(Method::OPTIONS, format!("{}/api/patients/", app.base))
        .header("origin", "http://localhost:8080")
        .header("access-control-request-method", "PATCH")
        .header("access-control-request-headers", "authorization, content-type")
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    assert_eq!(r.headers()["access-control-allow-origin"], "http://localhost:8080");
    app.cleanup().await;
}

/// A private Redis for this test, so it can be stopped without touching anyone else's.
struct PrivateRedis {
    port: u16,
    child: std::process::Child,
}

impl PrivateRedis {
    fn start() -> Self {
        let port = testkit::free_port();
        let child = std::process::Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("redis-server on PATH");
        std::thread::sleep(std::time::Duration::from_millis(300));
        Self { port, child }
    }
}

impl Drop for PrivateRedis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn when_redis_goes_down_reads_fall_back_to_mongodb_and_health_says_so() {
    let redis = PrivateRedis::start();
    let url = format!("redis://127.0.0.1:{}", redis.port);
    let app = crate::helpers::spawn_app_with(&[("REDIS_URL", url.as_str())]).await;
    let patient = app.patient(&app.admin, "Cache Fallback").await;
    assert_eq!(app.get("/api/patients/", &app.admin).await.status, StatusCode::OK);
    drop(redis);

    let r = app.get("/api/patients/", &app.admin).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(r.body["patients"][0]["id"], patient.as_str());
    let r = app.get("/api/patients/search/?q=cache", &app.admin).await;
    assert_eq!(r.status, StatusCode::OK);
    let health = app.call(Method::GET, "/health/health/", None, None).await;
    assert_eq!(health.status, StatusCode::OK, "the platform keeps an API that still serves: {health:?}");
    assert_eq!((health.body["status"].as_str(), health.body["redis"].as_str(), health.body["database"].as_str()), (Some("degraded"), Some("down"), Some("ok")));
    let ready = app.call(Method::GET, "/health/ready/", None, None).await;
    assert_eq!(ready.status, StatusCode::SERVICE_UNAVAILABLE, "not fully ready");
    app.cleanup().await;
}

/// Follows `$ref`s (and a nullable `oneOf`) to the schema they name.
fn resolve<'a>(doc: &'a serde_json::Value, schema: &'a serde_json::Value) -> &'a serde_json::Value {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.trim_start_matches("#/components/schemas/");
        return resolve(doc, &doc["components"]["schemas"][name]);
    }
    if let Some(first) = schema["oneOf"].as_array().and_then(|o| o.iter().find(|s| s["type"] != "null")) {
        return resolve(doc, first);
    }
    schema
}

#[tokio::test]
async fn the_openapi_document_states_parameters_constraints_and_every_status_the_server_returns() {
    let app = spawn_app().await;
    let doc = app.call(Method::GET, "/api/schema/", None, None).await.body;
    let op = |path: &str, method: &str| doc["paths"][path][method].clone();
    let params = |path: &str, method: &str| -> Vec<String> {
        op(path, method)["parameters"].as_array().map(|p| p.iter().filter_map(|x| x["name"].as_str().map(String::from)).collect()).unwrap_or_default()
    };
    let statuses = |path: &str, method: &str| -> Vec<String> {
        op(path, method)["responses"].as_object().map(|r| r.keys().cloned().collect()).unwrap_or_default()
    };
    // Query parameters are declared, so a fuzzer reaches them.
    for (path, names) in [
        ("/api/patients/", &["page", "page_size"][..]),
        ("/api/patients/search/", &["q"][..]),
        ("/api/appointments/", &["page", "page_size"][..]),
        ("/api/appointments/search/", &["q", "status", "date"][..]),
        ("/api/admin/doctors/all/", &["q", "active_only"][..]),
        ("/api/outreach/", &["date", "page", "page_size"][..]),
        ("/api/analytics/capacity/", &["from", "to", "doctorId"][..]),
    ] {
        let declared = params(path, "get");
        for name in names {
            assert!(declared.iter().any(|d| d == name), "GET {path} declares {name}: {declared:?}");
        }
    }
    // Constraints: enumerations, lengths, formats.
    let create_op = op("/api/patients/", "post");
    let create = resolve(&doc, &create_op["requestBody"]["content"]["application/json"]["schema"]);
    assert_eq!(resolve(&doc, &create["properties"]["gender"])["enum"], json!(["M", "F"]));
    let name = resolve(&doc, &create["properties"]["fullName"]);
    assert!(name["pattern"].is_string() && name["maxLength"].is_number(), "a blank name is not valid: {name}");
    let status = resolve(&doc, &doc["components"]["schemas"]["AppointmentStatus"]);
    assert_eq!(status["enum"], json!(["pending", "done", "canceled"]));
    let prediction = resolve(&doc, &doc["components"]["schemas"]["PredictionOut"]);
    assert_eq!(resolve(&doc, &prediction["properties"]["band"])["enum"], json!(["low", "medium", "high"]));
    assert!(prediction["properties"]["reasons"].is_object(), "{prediction}");
    // Statuses the server really returns.
    for (path, method, expected) in [
        ("/api/appointments/", "post", &["201", "400", "401", "404", "409", "413", "415", "503"][..]),
        ("/api/auth/refresh/", "post", &["200", "401", "429"][..]),
        ("/api/auth/login/", "post", &["200", "400", "403", "429", "503"][..]),
        ("/api/profile/password/", "patch", &["200", "400", "401", "429"][..]),
        ("/api/admin/doctors/", "post", &["201", "400", "403", "409", "413"][..]),
    ] {
        let declared = statuses(path, method);
        for s in expected {
            assert!(declared.iter().any(|d| d == s), "{method} {path} documents {s}: {declared:?}");
        }
    }
    // Optional bodies are optional; required ones required.
    for path in ["/api/admin/models/train/", "/api/predictions/admin/retrain/"] {
        assert_eq!(op(path, "post")["requestBody"]["required"], json!(false), "{path}");
    }
    assert_eq!(op("/api/admin/doctors/{id}/", "patch")["requestBody"]["required"], json!(true));
    app.cleanup().await;
}
