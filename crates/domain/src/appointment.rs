//! Appointments: booking, outcome (and its correction), cancellation.

use crate::{prediction::Prediction, ValidationError};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
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

/// The real outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub showed_up: bool,
    pub was_late: bool,
}

/// How an outcome counts towards the attendance score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attended {
    OnTime,
    Late,
    Missed,
}

impl Attended {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OnTime => "on_time",
            Self::Late => "late",
            Self::Missed => "missed",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "on_time" => Some(Self::OnTime),
            "late" => Some(Self::Late),
            "missed" => Some(Self::Missed),
            _ => None,
        }
    }
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

    pub fn attended(&self) -> Attended {
        match (self.showed_up, self.was_late) {
            (false, _) => Attended::Missed,
            (true, true) => Attended::Late,
            (true, false) => Attended::OnTime,
        }
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
    /// The instant it starts (from the clinic's time zone).
    pub starts_at_utc: DateTime<Utc>,
    pub sms_received: bool,
    pub reason: Option<String>,
    pub status: AppointmentStatus,
    pub outcome: Option<Outcome>,
    /// When the outcome was first recorded (a correction keeps it).
    pub outcome_recorded_at: Option<DateTime<Utc>>,
    pub prediction: Option<Prediction>,
    /// When the booking was recorded (server time).
    pub created_at: DateTime<Utc>,
}

/// Refuses an outcome for an appointment that has not started yet.
pub fn check_outcome_time(starts_at_utc: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), ValidationError> {
    if now < starts_at_utc {
        return Err(ValidationError::new("showedUp", "The appointment has not started yet: record the outcome once it has."));
    }
    Ok(())
}

/// Who may correct a recorded outcome: an admin at any time, the appointment's
/// own doctor within `window` of the first recording.
pub fn may_correct(is_admin: bool, is_own_doctor: bool, recorded_at: Option<DateTime<Utc>>, now: DateTime<Utc>, window: Duration) -> bool {
    is_admin || (is_own_doctor && recorded_at.is_some_and(|at| now - at <= window))
}

pub const REASON_MAX: usize = 500;

/// Free text of at most [`REASON_MAX`] characters as typed, no control characters.
fn check_reason(raw: &str) -> Result<(), ValidationError> {
    if raw.chars().count() > REASON_MAX || !crate::text::is_text(raw) {
        return Err(ValidationError::new("reason", "The reason must be at most 500 characters, without control characters."));
    }
    Ok(())
}

/// A correction must say why (shown in the audit trail).
pub fn parse_correction_reason(raw: Option<&str>) -> Result<String, ValidationError> {
    let raw = raw.unwrap_or("");
    check_reason(raw)?;
    if !crate::text::is_non_blank(raw) {
        return Err(ValidationError::new("reason", "Give the reason for the correction."));
    }
    Ok(raw.trim().to_string())
}

/// A reason for the visit is optional free text, bounded; blank is none.
pub fn parse_reason(raw: Option<&str>) -> Result<Option<String>, ValidationError> {
    let Some(raw) = raw else { return Ok(None) };
    check_reason(raw)?;
    Ok(Some(raw.trim().to_string()).filter(|t| !t.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn late_but_absent_is_contradictory() {
        assert!(Outcome::parse(Some(false), Some(true)).is_err());
        assert!(Outcome::parse(Some(true), Some(true)).is_ok());
        assert!(Outcome::parse(None, None).is_err());
    }

    #[test]
    fn an_outcome_waits_for_the_start_time() {
        let start = "2026-03-01T14:30:00Z".parse::<DateTime<Utc>>().unwrap();
        assert!(check_outcome_time(start, start - Duration::minutes(19)).is_err());
        assert!(check_outcome_time(start, start).is_ok());
    }

    #[test]
    fn doctors_correct_within_the_window_and_admins_always() {
        let now = Utc::now();
        let day = Duration::hours(24);
        assert!(may_correct(false, true, Some(now - Duration::hours(23)), now, day));
        assert!(!may_correct(false, true, Some(now - Duration::hours(25)), now, day));
        assert!(!may_correct(false, false, Some(now), now, day));
        assert!(may_correct(true, false, Some(now - Duration::days(30)), now, day));
    }
}
