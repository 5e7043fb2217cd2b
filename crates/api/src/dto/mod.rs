//! JSON shapes of the web frontend's contract (camelCase, except where the
//! contract says snake_case), converted from domain types in one place. The
//! request types are what handlers deserialize into, and they carry their
//! OpenAPI schemas, so the document cannot drift from what is parsed.

pub mod appointment;
pub mod auth;
pub mod doctor;
pub mod fields;
pub mod outreach;
pub mod page;
pub mod patient;
pub mod prediction;
pub mod query;

pub use appointment::AppointmentOut;
pub use doctor::DoctorOut;
pub use page::{AppointmentPage, PatientPage};
pub use patient::PatientOut;
