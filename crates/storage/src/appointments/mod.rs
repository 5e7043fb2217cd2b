//! Appointments (`appointments`): booking with slot reservation, outcomes and
//! their corrections, cancellation, the contact log and the audit trail, each
//! change in one atomic write. The prediction is written once, at insert; no
//! update touches it.

pub mod analytics;
mod doc;
pub(crate) mod effects;
mod reads;
pub mod capacity;
pub mod reminders;
pub mod worklist;
pub mod slots;
mod writes;

pub(crate) use doc::COLLECTION;
pub use doc::Subject;
pub(crate) use doc::wall_clock;
#[cfg(feature = "seed")]
pub(crate) use doc::{AppointmentDoc, PredictionDoc};
pub use writes::NewAppointment;

use crate::docs::all_terms;
use chrono::{Duration, NaiveDate, NaiveDateTime};
use domain::appointment::AppointmentStatus;
use mongodb::bson::{doc, Document};
use mongodb::options::Hint;

/// List and search filters (all optional, ANDed).
#[derive(Debug, Default, Clone)]
pub struct AppointmentFilter {
    pub doctor_id: Option<String>,
    pub patient_id: Option<String>,
    pub status: Option<AppointmentStatus>,
    /// Appointments starting on or after this clinic time.
    pub from: Option<NaiveDateTime>,
    /// Appointments starting before this clinic time.
    pub to: Option<NaiveDateTime>,
    /// Words every match's patient name or record number must have.
    pub patient_words: Vec<String>,
}

impl AppointmentFilter {
    /// Restricts to one clinic day.
    pub fn on_day(mut self, day: NaiveDate) -> Self {
        let start = day.and_time(chrono::NaiveTime::MIN);
        self.from = Some(start);
        self.to = start.checked_add_signed(Duration::days(1));
        self
    }

    pub(crate) fn to_query(&self) -> Document {
        let mut q = doc! {};
        if let Some(d) = &self.doctor_id {
            q.insert("doctor_id", d);
        }
        if let Some(p) = &self.patient_id {
            q.insert("patient_id", p);
        }
        if let Some(s) = self.status {
            q.insert("status", s.as_str());
        }
        let mut range = doc! {};
        if let Some(from) = self.from {
            range.insert("$gte", wall_clock(from));
        }
        if let Some(to) = self.to {
            range.insert("$lt", wall_clock(to));
        }
        if !range.is_empty() {
            q.insert("starts_at", range);
        }
        if !self.patient_words.is_empty() {
            q.extend(all_terms("patient_terms", &self.patient_words));
        }
        q
    }

    /// Word searches name their index: SecantusDB (the dev and test server)
    /// plans `$all` as a collection scan otherwise. Everything else is left to
    /// the planner: hints measured slower on SecantusDB, and MongoDB picks the
    /// same indexes by itself.
    fn hint(&self) -> Option<Hint> {
        (!self.patient_words.is_empty()).then(|| Hint::Keys(doc! { "patient_terms": 1 }))
    }
}

/// List order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppointmentOrder {
    NewestBooked,
    StartTime,
}

