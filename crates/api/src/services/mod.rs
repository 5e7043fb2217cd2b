//! Use cases that combine domain rules with storage, queues and the model.
//! Handlers parse HTTP and call one of these.

pub mod analytics;
pub mod appointment_lists;
pub mod booking;
pub mod contacts;
pub mod model_card;
pub mod onboarding;
pub mod outreach;
pub mod patients;
pub mod sessions;
