//! The audit trail: who did what to which appointment or patient record, when.
//! Events are appended, never changed or removed.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Booked,
    PredictionStored,
    Contact,
    Reminder,
    Outcome,
    Correction,
    Cancel,
    PatientViewed,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Booked => "booked",
            Self::PredictionStored => "prediction_stored",
            Self::Contact => "contact",
            Self::Reminder => "reminder",
            Self::Outcome => "outcome",
            Self::Correction => "correction",
            Self::Cancel => "cancel",
            Self::PatientViewed => "patient_viewed",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: String,
    pub at: DateTime<Utc>,
    /// A user id, or `system`.
    pub actor: String,
    pub kind: EventKind,
    pub appointment_id: Option<String>,
    pub patient_id: Option<String>,
    /// What changed: field names to new values (ids, statuses, flags; never free text about health).
    pub changes: serde_json::Value,
}

impl Event {
    pub fn new(actor: &str, kind: EventKind, at: DateTime<Utc>, changes: serde_json::Value) -> Self {
        Self {
            id: uuid_like(),
            at,
            actor: actor.to_string(),
            kind,
            appointment_id: None,
            patient_id: None,
            changes,
        }
    }
}

/// 128 random bits as hex: event ids need no coordination.
fn uuid_like() -> String {
    format!("{:032x}", rand::random::<u128>())
}
