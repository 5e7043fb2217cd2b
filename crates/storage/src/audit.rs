//! The audit trail. Changes to an appointment are appended to the appointment
//! itself, in the same write as the change (see `appointments`); other events
//! (a patient's record being read) go to `audit_events`. Nothing here updates
//! or deletes an event. Listing by actor and time merges both.

use crate::docs::{from_bson_time, to_bson_time};
use crate::{Result, Store};
use chrono::{DateTime, Utc};
use domain::audit::{Event, EventKind};
use domain::pagination::PageRequest;
use mongodb::bson::{doc, Bson, DateTime as BsonDateTime, Document};
use serde::{Deserialize, Serialize};

pub(crate) const COLLECTION: &str = "audit_events";

#[derive(Debug, Serialize, Deserialize)]
struct AuditDoc {
    #[serde(rename = "_id")]
    id: String,
    at: BsonDateTime,
    actor: String,
    kind: EventKind,
    #[serde(default)]
    appointment_id: Option<String>,
    #[serde(default)]
    patient_id: Option<String>,
    changes: Bson,
}

impl From<AuditDoc> for Event {
    fn from(d: AuditDoc) -> Self {
        Event {
            id: d.id,
            at: from_bson_time(d.at),
            actor: d.actor,
            kind: d.kind,
            appointment_id: d.appointment_id,
            patient_id: d.patient_id,
            changes: serde_json::to_value(&d.changes).unwrap_or(serde_json::Value::Null),
        }
    }
}

/// Which events to list (all optional, ANDed).
#[derive(Debug, Default, Clone)]
pub struct EventFilter {
    pub actor: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

impl EventFilter {
    fn range(&self, field: &str) -> Document {
        let mut q = doc! {};
        if let Some(actor) = &self.actor {
            q.insert(format!("{field}actor"), actor);
        }
        let mut at = doc! {};
        if let Some(from) = self.from {
            at.insert("$gte", to_bson_time(from));
        }
        if let Some(to) = self.to {
            at.insert("$lt", to_bson_time(to));
        }
        if !at.is_empty() {
            q.insert(format!("{field}at"), at);
        }
        q
    }
}

impl Store {
    fn audit(&self) -> mongodb::Collection<AuditDoc> {
        self.collection(COLLECTION)
    }

    /// Appends an event that is not a change to an appointment.
    pub async fn insert_audit_event(&self, event: &Event) -> Result<()> {
        let doc = AuditDoc {
            id: event.id.clone(),
            at: to_bson_time(event.at),
            actor: event.actor.clone(),
            kind: event.kind,
            appointment_id: event.appointment_id.clone(),
            patient_id: event.patient_id.clone(),
            changes: mongodb::bson::to_bson(&event.changes)?,
        };
        self.audit().insert_one(doc).await?;
        Ok(())
    }

    /// Every event matching the filter, newest first: appointment changes and
    /// other events merged. Pages are bounded (`PageRequest`), so each source
    /// is read at most `skip + limit` deep.
    pub async fn list_events(&self, filter: &EventFilter, page: PageRequest) -> Result<Vec<Event>> {
        let depth = i64::try_from(page.skip() + u64::from(page.page_size)).unwrap_or(i64::MAX);
        let mut other: Vec<Event> = Vec::new();
        let mut cursor = self.audit().find(filter.range("")).sort(doc! { "at": -1, "_id": -1 }).limit(depth).await?;
        while cursor.advance().await? {
            other.push(cursor.deserialize_current()?.into());
        }
        let changes = self.appointment_events_matching(filter.range("events."), depth).await?;
        let mut all: Vec<Event> = other.into_iter().chain(changes).collect();
        all.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| b.id.cmp(&a.id)));
        Ok(all.into_iter().skip(usize::try_from(page.skip()).unwrap_or(usize::MAX)).take(page.page_size as usize).collect())
    }
}
