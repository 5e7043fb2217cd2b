//! Health Sphere's HTTP API (actix-web): routes under `/api/` following the web
//! frontend's contract, plus the `api` command line.

#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod auth;
pub mod cli;
pub mod dto;
pub mod error;
pub mod middleware;
pub mod observability;
pub mod openapi;
pub mod rate_limit;
pub mod request;
pub mod routes;
pub mod services;
pub mod startup;
pub mod state;
