//! The HTTP client side: one pooled reqwest client over loopback, requests
//! for set-up (which must succeed) and timed requests (body read in full).

use crate::load::Attempt;
use anyhow::Context;
use reqwest::{Method, RequestBuilder};
use serde_json::Value;
use std::time::{Duration, Instant};

#[derive(Clone)]
pub struct Http {
    base: String,
    client: reqwest::Client,
}

pub fn query(path: &str, params: &[(&str, &str)]) -> String {
    format!("{path}?{}", serde_urlencoded::to_string(params).unwrap_or_default())
}

impl Http {
    pub fn new(base: String) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(256)
            .timeout(Duration::from_secs(600))
            .build()?;
        Ok(Self { base, client })
    }

    pub fn request(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let req = self.client.request(method, format!("{}{path}", self.base));
        match token {
            Some(t) => req.bearer_auth(t),
            None => req,
        }
    }

    /// A set-up request: anything but 2xx is an error naming the reply.
    pub async fn json(&self, method: Method, path: &str, token: Option<&str>, body: Option<&Value>) -> anyhow::Result<Value> {
        let mut req = self.request(method.clone(), path, token);
        if let Some(b) = body {
            req = req.json(b);
        }
        let res = req.send().await.with_context(|| format!("{method} {path}"))?;
        let status = res.status();
        let text = res.text().await?;
        anyhow::ensure!(status.is_success(), "{method} {path}: {status} {}", text.chars().take(300).collect::<String>());
        Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub async fn login(&self, email: &str, password: &str) -> anyhow::Result<String> {
        let body = serde_json::json!({ "email": email, "password": password });
        let reply = self.json(Method::POST, "/api/auth/login/", None, Some(&body)).await?;
        reply["access"].as_str().map(String::from).context("login reply without an access token")
    }
}

/// Sends the request and reads the whole body; the time covers both.
pub async fn timed(req: RequestBuilder) -> Attempt {
    let started = Instant::now();
    let result = match req.send().await {
        Ok(res) => {
            let status = res.status().as_u16();
            match res.bytes().await {
                Ok(_) => Ok(status),
                Err(e) => Err(format!("reading the body: {e}")),
            }
        }
        Err(e) => Err(e.to_string()),
    };
    Attempt { ms: started.elapsed().as_secs_f64() * 1000.0, result }
}
