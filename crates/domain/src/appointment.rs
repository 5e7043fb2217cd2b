//! Appointments: booking, outcome, cancellation.

use crate::{prediction::Prediction, ValidationError};
use chrono::{DateTime, FixedOffset, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum AppointmentStatus {
    Pending,
    Done,
    Canceled,
}

impl AppointmentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Done => "done",
            Self::Canceled => "canceled",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        match raw.trim() {
            "pending" => Ok(Self::Pending),
            "done" => Ok(Self::Done),
            "canceled" => Ok(Self::Canceled),
            _ => Err(ValidationError::new("status", "Status must be pending, done or canceled.")),
        }
    }
}

/// The real outcome, recorded once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub showed_up: bool,
    pub was_late: bool,
}

impl Outcome {
    pub fn parse(showed_up: Option<bool>, was_late: Option<bool>) -> Result<Self, ValidationError> {
        let showed_up = showed_up.ok_or_else(|| ValidationError::new("showedUp", "showedUp (true or false) is required."))?;
        let was_late = was_late.unwrap_or(false);
        if was_late && !showed_up {
            return Err(ValidationError::new("wasLate", "A patient who did not show up cannot be late."));
        }
        Ok(Self { showed_up, was_late })
    }

    pub fn no_show(&self) -> bool {
        !self.showed_up
    }
}

#[derive(Debug, Clone)]
pub struct Appointment {
    pub id: String,
    pub patient_id: String,
    pub patient_name: String,
    pub doctor_id: String,
    /// Clinic wall-clock time; echoed back unshifted.
    pub starts_at: NaiveDateTime,
    pub sms_received: bool,
    pub reason: Option<String>,
    pub status: AppointmentStatus,
    pub outcome: Option<Outcome>,
    pub prediction: Option<Prediction>,
    /// When the booking was recorded (server time).
    pub created_at: DateTime<Utc>,
}

/// Accepts the frontend's naive wall-clock `YYYY-MM-DDTHH:MM[:SS]` as clinic time, and
/// zoned ISO 8601 (`...Z`, `+02:00`) converted to clinic time.
pub fn parse_appointment_time(raw: &str, clinic_offset_minutes: i32) -> Result<NaiveDateTime, ValidationError> {
    let raw = raw.trim();
    let invalid = || {
        ValidationError::new("appointmentDate", "appointmentDate must be a date and time like 2026-03-01T09:30:00.")
    };
    if let Ok(zoned) = DateTime::parse_from_rfc3339(raw) {
        let clinic = FixedOffset::east_opt(clinic_offset_minutes * 60).ok_or_else(invalid)?;
        return Ok(zoned.with_timezone(&clinic).naive_local());
    }
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|fmt| NaiveDateTime::parse_from_str(raw, fmt).ok())
        .ok_or_else(invalid)
}

/// Clinic wall-clock now.
pub fn clinic_now(clinic_offset_minutes: i32) -> NaiveDateTime {
    Utc::now().naive_utc() + chrono::Duration::minutes(i64::from(clinic_offset_minutes))
}

/// A reason for the visit is optional free text, bounded.
pub fn parse_reason(raw: Option<&str>) -> Result<Option<String>, ValidationError> {
    let Some(text) = raw.map(str::trim).filter(|t| !t.is_empty()) else { return Ok(None) };
    if text.chars().count() > 500 {
        return Err(ValidationError::new("reason", "Reason must be at most 500 characters."));
    }
    Ok(Some(text.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn naive_times_are_clinic_wall_clock_unshifted() {
        let t = parse_appointment_time("2026-03-01T09:30:00", -180).unwrap();
        assert_eq!(t.to_string(), "2026-03-01 09:30:00");
    }

    #[test]
    fn zoned_times_are_converted_to_clinic_time() {
        let t = parse_appointment_time("2026-03-01T22:00:00.000Z", -180).unwrap();
        assert_eq!(t.to_string(), "2026-03-01 19:00:00");
    }

    #[test]
    fn garbage_times_are_refused_with_the_field_name() {
        assert_eq!(parse_appointment_time("tomorrow", 0).unwrap_err().field, "appointmentDate");
    }

    #[test]
    fn late_but_absent_is_contradictory() {
        assert!(Outcome::parse(Some(false), Some(true)).is_err());
        assert!(Outcome::parse(Some(true), Some(true)).is_ok());
        assert!(Outcome::parse(None, None).is_err());
    }
}
