//! Small conversions shared by the repositories.

use crate::{Result, StorageError};
use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use mongodb::bson::{oid::ObjectId, DateTime as BsonDateTime};
use mongodb::Cursor;
use serde::de::DeserializeOwned;

pub fn to_bson_time(t: DateTime<Utc>) -> BsonDateTime {
    BsonDateTime::from_chrono(t)
}

pub fn from_bson_time(t: BsonDateTime) -> DateTime<Utc> {
    t.to_chrono()
}

/// Ids in URLs are 24-hex ObjectIds; anything else cannot exist (so: not found).
pub fn object_id(id: &str) -> Result<ObjectId> {
    ObjectId::parse_str(id).map_err(|_| StorageError::NotFound)
}

pub async fn collect<T: DeserializeOwned + Send + Sync + Unpin>(cursor: Cursor<T>) -> Result<Vec<T>> {
    Ok(cursor.try_collect().await?)
}

/// Matches documents whose `field` holds every query word (see `domain::search_text`).
pub fn all_terms(field: &str, words: &[String]) -> mongodb::bson::Document {
    mongodb::bson::doc! { field: { "$all": words } }
}
