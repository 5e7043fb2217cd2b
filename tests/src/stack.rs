//! The real `api` and `worker` binaries running together against the test
//! services, for end-to-end tests.

use crate::mailbox;
use crate::process::{run_to_end, Running};
use crate::{eventually, free_port, Isolation};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::time::Duration;

pub struct Stack {
    pub iso: Isolation,
    pub base: String,
    pub http: Client,
    pub env: Vec<(String, String)>,
    pub api: Option<Running>,
    pub worker: Option<Running>,
}

impl Stack {
    pub async fn start(extra: &[(&str, &str)]) -> Stack {
        let iso = Isolation::new();
        let port = free_port();
        let mut env = iso.env(port);
        env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let (code, out, err) = run_to_end("api", &["create-admin", "--email", "admin@clinic.test", "--password", "admin-pass-1"], &env);
        assert_eq!(code, 0, "{out}{err}");
        let api = Running::start("api", &[], &env);
        let worker = Running::start("worker", &[], &env);
        let stack = Stack { iso, base: format!("http://127.0.0.1:{port}"), http: Client::new(), env, api: Some(api), worker: Some(worker) };
        assert!(wait_until_healthy(&stack.http, &stack.base, Duration::from_secs(60)).await, "api did not become healthy");
        stack
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        let mut req = self.http.post(format!("{}{path}", self.base)).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.unwrap();
        (res.status(), res.json().await.unwrap_or(Value::Null))
    }

    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        let res = self.http.get(format!("{}{path}", self.base)).bearer_auth(token).send().await.unwrap();
        (res.status(), res.json().await.unwrap_or(Value::Null))
    }

    pub async fn login(&self, email: &str, password: &str) -> (StatusCode, Value) {
        login_at(&self.http, &self.base, email, password).await
    }

    pub async fn admin_token(&self) -> String {
        let (status, body) = self.login("admin@clinic.test", "admin-pass-1").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["access"].as_str().unwrap().to_string()
    }

    pub fn doctor_email(&self) -> String {
        format!("doctor-{}@clinic.test", self.iso.id)
    }

    pub async fn wait_for_code(&self, email: &str) -> Option<String> {
        let maildir = self.iso.services.maildir.clone();
        eventually(Duration::from_secs(30), || {
            let (dir, to) = (maildir.clone(), email.to_string());
            async move { mailbox::latest_code(&dir, &to) }
        })
        .await
    }
}

/// Waits up to `timeout` until the API at `base` answers its health check with 200.
pub async fn wait_until_healthy(http: &Client, base: &str, timeout: Duration) -> bool {
    eventually(timeout, || async { http.get(format!("{base}/health/health/")).send().await.ok().filter(|r| r.status() == StatusCode::OK) })
        .await
        .is_some()
}

/// Logs in at the API at `base`: the status and the body.
pub async fn login_at(http: &Client, base: &str, email: &str, password: &str) -> (StatusCode, Value) {
    let res = http.post(format!("{base}/api/auth/login/")).json(&json!({ "email": email, "password": password })).send().await.unwrap();
    (res.status(), res.json().await.unwrap_or(Value::Null))
}
