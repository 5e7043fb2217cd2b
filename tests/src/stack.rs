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
        let up = eventually(Duration::from_secs(60), || async {
            stack.http.get(format!("{}/health/health/", stack.base)).send().await.ok().filter(|r| r.status().is_success())
        })
        .await;
        assert!(up.is_some(), "api did not become healthy");
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
        self.post("/api/auth/login/", None, json!({ "email": email, "password": password })).await
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

