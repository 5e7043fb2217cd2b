//! Background jobs (`jobs`): the job outbox and the status clients read.
//!
//! A job exists first as a document here, written in the same write as the
//! change that needs it (or embedded in that change's document, see
//! [`Store::flush_embedded_jobs`]). Redis only carries the job's id, so:
//! - the API answers without waiting for Redis;
//! - a relay pushes every job whose `dispatch.next_at` has come
//!   ([`Store::claim_dispatch`]) and pushes it again later if no worker has
//!   claimed it by then (Redis restarted, task lost);
//! - a worker claims a job with a lease before running it ([`Store::claim_job`]),
//!   so a job delivered twice runs once, and a job whose worker died is run
//!   again once its lease has expired ([`Store::recover_expired_leases`]);
//! - every claim carries a fresh token: renewing the lease, reporting progress
//!   and recording the result only count for the claim that holds the job, so
//!   a worker that lost its lease (stalled, cut off from the database) can
//!   neither extend nor overwrite the run that replaced it;
//! - a job whose worker stopped while running it [`MAX_STOPS`] times is
//!   failed, not run forever (retries after a transient failure don't count);
//! - retries are scheduled here, not in Redis ([`Store::retry_job_later`]);
//! - a job that no worker could run for a day is failed with a reason
//!   ([`Store::fail_stale_jobs`]).

use crate::docs::{from_bson_time, to_bson_time};
use crate::{Result, Store, StorageError};
use chrono::{DateTime, Duration, Utc};
use mongodb::bson::{doc, Bson, DateTime as BsonDateTime, Document};
use mongodb::options::ReturnDocument;
use serde::{Deserialize, Serialize};

pub(crate) const COLLECTION: &str = "jobs";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Queued,
    Running,
    Succeeded,
    Failed,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
struct Dispatch {
    /// When the relay should (re)push the job if it is still queued.
    next_at: BsonDateTime,
    /// How many times it was pushed.
    sends: u32,
    last_sent_at: Option<BsonDateTime>,
}

impl Default for Dispatch {
    /// Records written before the outbox existed are due at once.
    fn default() -> Self {
        Self { next_at: BsonDateTime::from_millis(0), sends: 0, last_sent_at: None }
    }
}

/// A job whose worker stopped while running it this many times is failed
/// (a job that crashes its worker must not take every worker down in turn).
pub const MAX_STOPS: u32 = 10;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct JobDoc {
    #[serde(rename = "_id")]
    id: String,
    kind: String,
    // Defaults: records written before the outbox lack these; they read, and fail with a reason.
    #[serde(default)]
    queue: String,
    /// The job's arguments, as JSON.
    #[serde(default)]
    payload: String,
    state: JobState,
    progress: u8,
    message: Option<String>,
    result: Option<String>,
    requested_by: Option<String>,
    #[serde(default)]
    dispatch: Dispatch,
    lease_until: Option<BsonDateTime>,
    /// The token of the claim that holds the job while it runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    claim: Option<String>,
    /// A retry is not claimed before this (a stale copy in Redis must wait too).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    not_before: Option<BsonDateTime>,
    #[serde(default)]
    attempts: u32,
    /// How often the worker running it stopped (its lease expired).
    #[serde(default)]
    stops: u32,
    created_at: BsonDateTime,
    updated_at: BsonDateTime,
}

/// A job to create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewJob {
    /// Unique; a deterministic id (e.g. `reminder:<appointment>:24`) makes creation idempotent.
    pub id: String,
    pub kind: String,
    /// The Redis queue that runs it.
    pub queue: String,
    pub payload: serde_json::Value,
    pub requested_by: Option<String>,
}

/// A job as reported to clients and handed to handlers.
#[derive(Debug, Clone)]
pub struct JobRecord {
    pub id: String,
    pub kind: String,
    pub queue: String,
    pub payload: serde_json::Value,
    pub state: JobState,
    pub progress: u8,
    pub message: Option<String>,
    pub result: Option<serde_json::Value>,
    pub requested_by: Option<String>,
    pub attempts: u32,
    /// The claim under which this copy runs (set by [`Store::claim_job`]).
    pub claim: Option<JobClaim>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Proof of holding a running job: its id and the token of the claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobClaim {
    pub job_id: String,
    pub token: String,
}

impl JobClaim {
    /// The filter matching the job only while this claim holds it.
    fn held(&self) -> Document {
        doc! { "_id": &self.job_id, "state": "running", "claim": &self.token }
    }
}

impl From<JobDoc> for JobRecord {
    fn from(d: JobDoc) -> Self {
        Self {
            id: d.id.clone(),
            kind: d.kind,
            queue: d.queue,
            payload: serde_json::from_str(&d.payload).unwrap_or(serde_json::Value::Null),
            state: d.state,
            progress: d.progress,
            message: d.message,
            result: d.result.and_then(|r| serde_json::from_str(&r).ok()),
            requested_by: d.requested_by,
            attempts: d.attempts,
            claim: d.claim.map(|token| JobClaim { job_id: d.id.clone(), token }),
            created_at: from_bson_time(d.created_at),
            updated_at: from_bson_time(d.updated_at),
        }
    }
}

impl NewJob {
    pub(crate) fn to_doc(&self, now: DateTime<Utc>) -> JobDoc {
        let now = to_bson_time(now);
        JobDoc {
            id: self.id.clone(),
            kind: self.kind.clone(),
            queue: self.queue.clone(),
            payload: self.payload.to_string(),
            state: JobState::Queued,
            progress: 0,
            message: None,
            result: None,
            requested_by: self.requested_by.clone(),
            dispatch: Dispatch { next_at: now, sends: 0, last_sent_at: None },
            lease_until: None,
            claim: None,
            not_before: None,
            attempts: 0,
            stops: 0,
            created_at: now,
            updated_at: now,
        }
    }

    /// The job as a document to embed in another document's `pending_jobs`.
    pub(crate) fn embedded(&self, now: DateTime<Utc>) -> Result<Document> {
        Ok(mongodb::bson::to_document(&self.to_doc(now))?)
    }
}

/// How long a pushed job may wait for a worker before it is pushed again:
/// `base`, doubling with every push, at most an hour.
fn redispatch_delay(base: Duration, sends: u32) -> Duration {
    let factor = 1i64 << sends.min(8);
    (base * factor as i32).min(Duration::hours(1))
}

impl Store {
    fn jobs(&self) -> mongodb::Collection<JobDoc> {
        self.collection(COLLECTION)
    }

    /// Creates a job; an existing id is `Duplicate { key: "_id" }` (nothing changes).
    pub async fn create_job(&self, job: &NewJob, now: DateTime<Utc>) -> Result<()> {
        crate::docs::insert_checked(self, COLLECTION, &job.to_doc(now)).await
    }

    /// Creates a job unless one with its id exists; true when created now.
    pub async fn ensure_job(&self, job: &NewJob, now: DateTime<Utc>) -> Result<bool> {
        match self.create_job(job, now).await {
            Ok(()) => Ok(true),
            Err(StorageError::Duplicate { key }) if key == "_id" => Ok(false),
            Err(err) => Err(err),
        }
    }

    /// Records work done outside the queue (the command line) as a finished job, for the record.
    pub async fn record_finished_job(&self, job: &NewJob, state: JobState, message: Option<&str>, result: &serde_json::Value) -> Result<()> {
        let mut doc = job.to_doc(Utc::now());
        doc.state = state;
        doc.progress = 100;
        doc.message = message.map(String::from);
        doc.result = Some(result.to_string());
        crate::docs::insert_checked(self, COLLECTION, &doc).await
    }

    pub async fn find_job(&self, id: &str) -> Result<Option<JobRecord>> {
        Ok(self.jobs().find_one(doc! { "_id": id }).await?.map(JobRecord::from))
    }

    /// Takes the next job due for a push (at most once per due time, whoever
    /// asks), and schedules its next push in case no worker claims it.
    pub async fn claim_dispatch(&self, now: DateTime<Utc>, redispatch_after: Duration) -> Result<Option<JobRecord>> {
        let due = doc! { "state": "queued", "dispatch.next_at": { "$lte": to_bson_time(now) } };
        let Some(job) = self.jobs().find_one(due.clone()).sort(doc! { "dispatch.next_at": 1 }).await? else {
            return Ok(None);
        };
        let next = now + redispatch_delay(redispatch_after, job.dispatch.sends);
        let mut claim = due;
        claim.insert("_id", &job.id);
        claim.insert("dispatch.sends", job.dispatch.sends);
        let taken = self
            .jobs()
            .find_one_and_update(
                claim,
                doc! {
                    "$set": { "dispatch.next_at": to_bson_time(next), "dispatch.last_sent_at": to_bson_time(now) },
                    "$inc": { "dispatch.sends": 1 },
                },
            )
            .return_document(ReturnDocument::After)
            .await?;
        Ok(taken.map(JobRecord::from))
    }

    /// A push failed (Redis down): try again soon. The failed push does not
    /// count as a send, so an outage does not stretch the later re-push delays.
    pub async fn dispatch_failed(&self, id: &str, retry_at: DateTime<Utc>) -> Result<()> {
        self.jobs()
            .update_one(
                doc! { "_id": id, "state": "queued", "dispatch.sends": { "$gt": 0 } },
                doc! { "$set": { "dispatch.next_at": to_bson_time(retry_at) }, "$inc": { "dispatch.sends": -1 } },
            )
            .await?;
        Ok(())
    }

    /// Claims a queued job for running, under a new claim token. `None` when
    /// it is running (a job whose worker died is queued again by
    /// [`Store::recover_expired_leases`], which counts the stop), finished,
    /// or waiting out a retry delay: the caller then does nothing.
    pub async fn claim_job(&self, id: &str, now: DateTime<Utc>, lease: Duration) -> Result<Option<JobRecord>> {
        let now_b = to_bson_time(now);
        let claimable = doc! {
            "_id": id,
            "state": "queued",
            "$or": [ { "not_before": null }, { "not_before": { "$lte": now_b } } ],
        };
        let update = doc! {
            "$set": {
                "state": "running", "lease_until": to_bson_time(now + lease), "updated_at": now_b,
                "claim": uuid::Uuid::new_v4().simple().to_string(),
            },
            "$unset": { "not_before": "" },
            "$inc": { "attempts": 1 },
        };
        let claimed = self.jobs().find_one_and_update(claimable, update).return_document(ReturnDocument::After).await?;
        Ok(claimed.map(JobRecord::from))
    }

    /// Extends a running job's lease; false when the claim no longer holds
    /// the job (its lease expired and another run took it over).
    pub async fn renew_lease(&self, claim: &JobClaim, until: DateTime<Utc>) -> Result<bool> {
        let result = self.jobs().update_one(claim.held(), doc! { "$set": { "lease_until": to_bson_time(until) } }).await?;
        Ok(result.matched_count > 0)
    }

    pub async fn update_job_progress(&self, claim: &JobClaim, progress: u8, message: Option<&str>) -> Result<()> {
        let set = doc! { "progress": i32::from(progress), "message": message, "updated_at": to_bson_time(Utc::now()) };
        self.jobs().update_one(claim.held(), doc! { "$set": set }).await?;
        Ok(())
    }

    /// Puts a claimed job back in the queue, to be pushed again at `at` (a
    /// transient failure: SMTP or a database down). False when the claim had
    /// lost the job already (nothing changes).
    pub async fn retry_job_later(&self, claim: &JobClaim, at: DateTime<Utc>, message: &str) -> Result<bool> {
        let at = to_bson_time(at);
        let set = doc! {
            "state": "queued", "message": message, "dispatch.next_at": at, "dispatch.sends": 0,
            "not_before": at, "updated_at": to_bson_time(Utc::now()),
        };
        let result = self.jobs().update_one(claim.held(), doc! { "$set": set, "$unset": { "lease_until": "", "claim": "" } }).await?;
        Ok(result.matched_count > 0)
    }

    /// Records a claimed job's result; false when the claim had lost the job.
    pub async fn finish_job(&self, claim: &JobClaim, state: JobState, message: Option<&str>, result: &serde_json::Value) -> Result<bool> {
        let state = mongodb::bson::to_bson(&state)?;
        let set = doc! {
            "state": state, "progress": 100, "message": message,
            "result": result.to_string(), "updated_at": to_bson_time(Utc::now()),
        };
        let result = self.jobs().update_one(claim.held(), doc! { "$set": set, "$unset": { "lease_until": "" } }).await?;
        Ok(result.matched_count > 0)
    }

    /// Jobs whose worker died (lease expired) go back to the queue for an
    /// immediate push, the stop counted; a job whose worker stopped
    /// [`MAX_STOPS`] times is failed with the reason. Returns (requeued, failed).
    pub async fn recover_expired_leases(&self, now: DateTime<Utc>) -> Result<(u64, u64)> {
        let now = to_bson_time(now);
        let expired = doc! { "state": "running", "lease_until": { "$lt": now } };
        let mut exhausted = expired.clone();
        exhausted.insert("stops", doc! { "$gte": MAX_STOPS - 1 });
        let message = format!("the worker running it stopped {MAX_STOPS} times; request it again");
        let failed = self
            .jobs()
            .update_many(
                exhausted,
                doc! { "$set": { "state": "failed", "message": message, "updated_at": now }, "$unset": { "lease_until": "", "claim": "" } },
            )
            .await?;
        let requeued = self
            .jobs()
            .update_many(
                expired,
                doc! {
                    "$set": { "state": "queued", "dispatch.next_at": now, "dispatch.sends": 0, "message": "the worker running it stopped; queued again" },
                    "$unset": { "lease_until": "", "claim": "" },
                    "$inc": { "stops": 1 },
                },
            )
            .await?;
        Ok((requeued.modified_count, failed.modified_count))
    }

    /// Jobs queued for longer than `max_age` are failed, with the reason.
    pub async fn fail_stale_jobs(&self, now: DateTime<Utc>, max_age: Duration) -> Result<u64> {
        let message = format!("not run within {} hours of being requested; request it again", max_age.num_hours());
        let result = self
            .jobs()
            .update_many(
                doc! { "state": "queued", "created_at": { "$lt": to_bson_time(now - max_age) } },
                doc! { "$set": { "state": "failed", "message": message, "updated_at": to_bson_time(now) } },
            )
            .await?;
        Ok(result.modified_count)
    }

    /// Moves jobs embedded in `collection`'s documents (`pending_jobs`, written
    /// in the same write as the change that needs them) into `jobs`. Idempotent:
    /// a job already present is left as it is. Only documents whose jobs are
    /// older than `older_than` are swept (the request that wrote them flushes
    /// its own at once), or just `only_id` when given.
    pub async fn flush_embedded_jobs(&self, collection: &str, only_id: Option<Bson>, older_than: DateTime<Utc>) -> Result<u64> {
        let holders = self.collection::<Document>(collection);
        let filter = match only_id {
            Some(id) => doc! { "_id": id, "pending_jobs.0": { "$exists": true } },
            None => doc! { "pending_jobs.created_at": { "$lt": to_bson_time(older_than) } },
        };
        let mut moved = 0;
        let mut cursor = holders.find(filter).projection(doc! { "pending_jobs": 1 }).limit(100).await?;
        while cursor.advance().await? {
            let holder = cursor.deserialize_current()?;
            let Ok(pending) = holder.get_array("pending_jobs") else { continue };
            for job in pending.iter().filter_map(Bson::as_document) {
                let job: JobDoc = match mongodb::bson::from_document(job.clone()) {
                    Ok(job) => job,
                    Err(err) => {
                        // One unreadable entry must not hold back the others (nor any push).
                        tracing::warn!(collection, error = %err, "skipping an unreadable embedded job");
                        continue;
                    }
                };
                match crate::docs::insert_checked(self, COLLECTION, &job).await {
                    Ok(()) | Err(StorageError::Duplicate { .. }) => {}
                    Err(err) => return Err(err),
                }
                holders
                    .update_one(doc! { "_id": holder.get("_id") }, doc! { "$pull": { "pending_jobs": { "_id": &job.id } } })
                    .await?;
                moved += 1;
            }
        }
        Ok(moved)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redispatch_waits_longer_after_each_push_up_to_an_hour() {
        let base = Duration::seconds(30);
        assert_eq!(redispatch_delay(base, 0), Duration::seconds(30));
        assert_eq!(redispatch_delay(base, 2), Duration::seconds(120));
        assert_eq!(redispatch_delay(base, 30), Duration::hours(1));
    }
}
