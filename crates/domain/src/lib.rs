//! Health Sphere's domain: the types the clinic talks about, parsed from raw
//! input so that an invalid value cannot exist, plus the seam to the no-show
//! predictor. No I/O lives here.

#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod appointment;
pub mod audit;
pub mod clinic_time;
pub mod clock;
pub mod contact;
pub mod dates;
pub mod email;
pub mod error;
pub mod otp;
pub mod pagination;
pub mod password;
pub mod patient;
pub mod person_name;
pub mod prediction;
pub mod role;
pub mod search_text;
pub mod text;
pub mod user;

pub use error::ValidationError;
