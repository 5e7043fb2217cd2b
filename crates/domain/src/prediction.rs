//! No-show predictions and the seam to whatever model makes them.
//!
//! Semantics (one for stored and on-demand predictions alike): `label` is the
//! model's decision at its chosen threshold on the no-show probability, and
//! `probability` is the probability of *that label*, 0-100. So "80% Show" means
//! an 80% chance the patient attends, "35% No-show" a 35% no-show risk, high
//! enough to flag. The raw no-show probability is kept for analytics.

use crate::patient::ClinicalFlags;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum PredictionLabel {
    Show,
    #[serde(rename = "No-show")]
    NoShow,
}

/// A front desk's reading of the risk: the cut points are chosen on
/// validation data and stored with the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RiskBand {
    Low,
    Medium,
    High,
}

impl RiskBand {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
        }
    }
}

/// One of the factors that moved this prediction most, in words, with its
/// signed contribution to the model's log-odds (positive raises the risk).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Reason {
    /// The feature family, e.g. `lead_time`, `prior_no_shows`.
    pub factor: String,
    /// For people, e.g. "booked 21 days ahead".
    pub text: String,
    /// Coefficient x standardised value, summed over the family's features.
    pub contribution: f64,
}

/// A prediction as stored on an appointment at booking time; never changed afterwards.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    pub label: PredictionLabel,
    /// Probability of the label, rounded to a whole percent.
    pub probability: u8,
    /// Probability of a no-show, 0.0-1.0 (calibrated when the model has a calibrator).
    pub no_show_probability: f64,
    pub model_version: String,
    pub created_at: DateTime<Utc>,
    /// Risk band, when the model defines bands.
    pub band: Option<RiskBand>,
    /// The top contributing factors, largest first (empty when the model gives none).
    pub reasons: Vec<Reason>,
}

impl Prediction {
    pub fn new(no_show_probability: f64, flagged: bool, model_version: String, created_at: DateTime<Utc>) -> Self {
        let p = no_show_probability.clamp(0.0, 1.0);
        let (label, p_label) = if flagged { (PredictionLabel::NoShow, p) } else { (PredictionLabel::Show, 1.0 - p) };
        Self {
            label,
            probability: (p_label * 100.0).round() as u8,
            no_show_probability: p,
            model_version,
            created_at,
            band: None,
            reasons: Vec::new(),
        }
    }

    /// The probability of attending (for expected attendance).
    pub fn show_probability(&self) -> f64 {
        1.0 - self.no_show_probability
    }
}

/// What the patient's record says when an appointment is booked, counted by
/// the database: outcomes known by then, and bookings made before this one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PatientPast {
    /// Appointments whose day is before the booking date (their outcome is known).
    pub visits: u32,
    /// Those of them the patient missed.
    pub no_shows: u32,
    /// Bookings made before this one, with or without an outcome yet.
    pub bookings: u32,
    /// Those of them that were same-day bookings.
    pub same_day_bookings: u32,
    /// Those of them made on this booking's date.
    pub bookings_today: u32,
}

/// What the predictor knows about an appointment being booked.
#[derive(Debug, Clone)]
pub struct PredictionInput {
    pub age: u8,
    pub female: bool,
    /// Clinic wall-clock time of booking.
    pub booked_at: NaiveDateTime,
    /// Clinic wall-clock time of the appointment.
    pub appointment_at: NaiveDateTime,
    pub flags: ClinicalFlags,
    pub sms_received: bool,
    pub neighbourhood: Option<String>,
    /// The patient's record at booking time; `None` for a hypothetical booking (the what-if).
    pub past: Option<PatientPast>,
    /// An attendance score (0-100) standing in for the record when `past` is `None`.
    pub attendance_score: Option<u8>,
}

/// Anything that can predict a no-show. `None` means no model is available.
pub trait Predictor: Send + Sync {
    fn predict(&self, input: &PredictionInput) -> Option<Prediction>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probability_is_that_of_the_shown_label() {
        let now = Utc::now();
        let show = Prediction::new(0.2, false, "v1".into(), now);
        assert_eq!((show.label, show.probability), (PredictionLabel::Show, 80));
        let flagged = Prediction::new(0.35, true, "v1".into(), now);
        assert_eq!((flagged.label, flagged.probability), (PredictionLabel::NoShow, 35));
    }

    #[test]
    fn labels_serialise_as_the_frontend_expects() {
        assert_eq!(serde_json::to_string(&PredictionLabel::NoShow).unwrap(), "\"No-show\"");
    }
}
