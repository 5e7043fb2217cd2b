//! What the model is told about one appointment at booking time.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::{BookingStats, PriorStats};
use crate::ingest::CleanRecord;

/// Everything known when the appointment is booked; no outcome of it or of later visits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureInput {
    /// Age in years.
    pub age: u8,
    /// Gender F.
    pub female: bool,
    /// When the booking was made.
    pub booked_at: NaiveDateTime,
    /// The appointment's day.
    pub appointment_day: NaiveDate,
    /// Enrolled in the Bolsa Família welfare programme.
    pub scholarship: bool,
    /// Has hypertension.
    pub hypertension: bool,
    /// Has diabetes.
    pub diabetes: bool,
    /// Alcoholism.
    pub alcoholism: bool,
    /// Number of disabilities (only "any" is used).
    pub handicap: u8,
    /// An SMS reminder was (or will be) sent.
    pub sms_received: bool,
    /// Clinic neighbourhood; `None` or an unseen name uses the overall rate.
    pub neighbourhood: Option<String>,
    /// The patient's outcomes known at booking time (see [`super::prior_stats_before`]).
    pub prior: PriorStats,
    /// The patient's bookings made before this one (see [`super::booking_stats_for_all`]).
    #[serde(default)]
    pub bookings: BookingStats,
}

impl FeatureInput {
    /// The input for a cleaned record and its patient's prior statistics.
    pub fn from_record(record: &CleanRecord, prior: PriorStats, bookings: BookingStats) -> Self {
        Self {
            age: record.age,
            female: record.female,
            booked_at: record.booked_at,
            appointment_day: record.appointment_day,
            scholarship: record.scholarship,
            hypertension: record.hypertension,
            diabetes: record.diabetes,
            alcoholism: record.alcoholism,
            handicap: record.handicap,
            sms_received: record.sms_received,
            neighbourhood: (!record.neighbourhood.is_empty()).then(|| record.neighbourhood.clone()),
            prior,
            bookings,
        }
    }

    /// Whole days from the booking's date to the appointment day, never negative.
    pub fn lead_days(&self) -> u32 {
        let days = (self.appointment_day - self.booked_at.date()).num_days().max(0);
        u32::try_from(days).unwrap_or(u32::MAX)
    }
}
