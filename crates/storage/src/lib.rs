//! Persistence for Health Sphere: MongoDB repositories (one module per
//! collection), their indexes, and the Redis cache.
//!
//! Documents are storage-private structs mapped to and from domain types, so the
//! domain stays free of BSON concerns.

#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod appointments;
pub mod audit;
pub mod cache;
mod connect;
mod docs;
mod error;
pub mod history;
mod indexes;
pub mod redis_link;
pub mod jobs;
pub mod models;
pub mod otps;
pub mod patients;
/// Bulk loading for benchmarks only (`--features seed`); never in the binaries.
#[cfg(feature = "seed")]
pub mod seed;
pub mod retry;
pub mod tokens;
pub mod users;

pub use cache::Cache;
pub use connect::{connect, connect_patiently, Store, Timeouts, STARTUP_WAIT};
pub use error::StorageError;

pub type Result<T, E = StorageError> = std::result::Result<T, E>;
