//! The outreach contact log: every attempt to reach a patient about an
//! appointment (calls, messages, automated reminders). Append-only.

use crate::ValidationError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Phone,
    Sms,
    Email,
}

/// What came of an attempt. `sent` is only recorded by the system for
/// automated reminders; staff record the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContactResult {
    Reached,
    NoAnswer,
    Confirmed,
    Rescheduled,
    CancelledByPatient,
    Sent,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    pub id: String,
    pub channel: Channel,
    pub result: ContactResult,
    pub note: Option<String>,
    /// The staff member's id, or `system` for automated reminders.
    pub by: String,
    pub at: DateTime<Utc>,
    /// For automated reminders: how many hours before the appointment it was due.
    pub reminder_hours: Option<u32>,
}

pub const SYSTEM: &str = "system";

pub const NOTE_MAX: usize = 1000;

/// An optional free-text note: at most [`NOTE_MAX`] characters as typed, no
/// control characters; blank is none.
pub fn parse_note(raw: Option<&str>) -> Result<Option<String>, ValidationError> {
    let Some(raw) = raw else { return Ok(None) };
    if raw.chars().count() > NOTE_MAX || !crate::text::is_text(raw) {
        return Err(ValidationError::new("note", "The note must be at most 1000 characters, without control characters."));
    }
    Ok(Some(raw.trim().to_string()).filter(|t| !t.is_empty()))
}

/// Staff may record any result except `sent`, which marks automated reminders.
pub fn check_staff_result(result: ContactResult) -> Result<ContactResult, ValidationError> {
    match result {
        ContactResult::Sent => Err(ValidationError::new("result", "sent is recorded by the system for automated reminders.")),
        other => Ok(other),
    }
}
