//! JSON shapes of the web frontend's contract (camelCase, except where the
//! contract says snake_case), converted from domain types in one place.

pub mod appointment;
pub mod doctor;
pub mod page;
pub mod patient;

pub use appointment::AppointmentOut;
pub use doctor::DoctorOut;
pub use page::Paginated;
pub use patient::PatientOut;
