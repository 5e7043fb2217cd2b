//! One-time activation codes (`otps`): only a keyed hash is stored, with an
//! expiry and a count of wrong attempts.

use crate::docs::{from_bson_time, to_bson_time};
use crate::{Result, Store};
use chrono::{DateTime, Utc};
use mongodb::bson::{doc, DateTime as BsonDateTime};
use mongodb::options::ReturnDocument;
use serde::{Deserialize, Serialize};

pub(crate) const COLLECTION: &str = "otps";

#[derive(Debug, Serialize, Deserialize)]
struct OtpDoc {
    #[serde(rename = "_id")]
    user_id: String,
    hash: String,
    attempts: u32,
    expires_at: BsonDateTime,
}

/// The current code of an account.
#[derive(Debug, Clone)]
pub struct OtpRecord {
    pub user_id: String,
    pub hash: String,
    pub attempts: u32,
    pub expires_at: DateTime<Utc>,
}

impl From<OtpDoc> for OtpRecord {
    fn from(d: OtpDoc) -> Self {
        Self { user_id: d.user_id, hash: d.hash, attempts: d.attempts, expires_at: from_bson_time(d.expires_at) }
    }
}

impl Store {
    fn otps(&self) -> mongodb::Collection<OtpDoc> {
        self.collection(COLLECTION)
    }

    /// Replaces any earlier code of the account.
    pub async fn put_otp(&self, user_id: &str, hash: &str, expires_at: DateTime<Utc>) -> Result<()> {
        let doc = OtpDoc { user_id: user_id.into(), hash: hash.into(), attempts: 0, expires_at: to_bson_time(expires_at) };
        self.otps().replace_one(doc! { "_id": user_id }, doc).upsert(true).await?;
        Ok(())
    }

    pub async fn find_otp(&self, user_id: &str) -> Result<Option<OtpRecord>> {
        Ok(self.otps().find_one(doc! { "_id": user_id }).await?.map(OtpRecord::from))
    }

    /// Counts a wrong attempt atomically; returns the new count.
    pub async fn record_failed_otp_attempt(&self, user_id: &str) -> Result<u32> {
        let updated = self
            .otps()
            .find_one_and_update(doc! { "_id": user_id }, doc! { "$inc": { "attempts": 1 } })
            .return_document(ReturnDocument::After)
            .await?;
        Ok(updated.map_or(u32::MAX, |d| d.attempts))
    }

    /// Spends the code if it is still the same one, unexpired and under the attempt limit.
    /// Of two concurrent activations with the right code, only one succeeds.
    pub async fn consume_otp(&self, user_id: &str, hash: &str, max_attempts: u32) -> Result<bool> {
        let filter = doc! {
            "_id": user_id,
            "hash": hash,
            "attempts": { "$lt": max_attempts },
            "expires_at": { "$gt": to_bson_time(Utc::now()) },
        };
        Ok(self.otps().find_one_and_delete(filter).await?.is_some())
    }
}
