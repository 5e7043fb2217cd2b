//! Integration tests of the HTTP API, in-process on a random port, against real
//! SecantusDB and Redis; each test has its own database and Redis prefix.

#![allow(clippy::unwrap_used)]

mod helpers;

mod appointments;
mod auth;
mod consistency;
mod faults;
mod models;
mod ops;
mod outbox;
mod patients;
mod scale;
mod outreach;
mod security;
mod trust;
