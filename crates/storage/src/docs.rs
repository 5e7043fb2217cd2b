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
/// An index serves `$all` by seeking its first element only, so the longest
/// (most selective) word goes first: `P-50001` seeks `50001`, not `p`.
pub fn all_terms(field: &str, words: &[String]) -> mongodb::bson::Document {
    let mut ordered: Vec<&String> = words.iter().collect();
    ordered.sort_by_key(|w| std::cmp::Reverse(w.len()));
    mongodb::bson::doc! { field: { "$all": ordered } }
}

/// Total for a page: the collection's O(1) estimate when nothing is filtered
/// (a full count walks every index entry), an exact count otherwise.
pub async fn page_total<T: Send + Sync>(
    collection: &mongodb::Collection<T>,
    query: mongodb::bson::Document,
    hint: Option<mongodb::options::Hint>,
) -> Result<u64> {
    if query.is_empty() {
        return Ok(collection.estimated_document_count().await?);
    }
    let mut count = collection.count_documents(query);
    if let Some(hint) = hint {
        count = count.hint(hint);
    }
    Ok(count.await?)
}

/// Inserts one document with the `insert` command rather than the driver's
/// typed helper, because a refused write then comes back with the server's
/// structured fields (`code`, `keyPattern`), which the typed errors drop:
/// a duplicate is named by its key pattern, not by parsing a message.
pub async fn insert_checked<T: serde::Serialize>(store: &crate::Store, collection: &str, document: &T) -> Result<()> {
    let document = mongodb::bson::to_document(document)?;
    let reply = store.db.run_command(mongodb::bson::doc! { "insert": collection, "documents": [document] }).await?;
    if let Ok(errors) = reply.get_array("writeErrors") {
        if let Some(first) = errors.iter().find_map(mongodb::bson::Bson::as_document) {
            return Err(crate::error::from_write_error(first));
        }
    }
    if let Ok(concern) = reply.get_document("writeConcernError") {
        return Err(StorageError::WriteRefused(concern.get_i32("code").unwrap_or(-1)));
    }
    Ok(())
}

/// What an update matched and changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Updated {
    pub matched: u64,
    pub modified: u64,
}

/// `update_one` through the `update` command, for the same reason as [`insert_checked`].
pub async fn update_checked(
    store: &crate::Store,
    collection: &str,
    filter: mongodb::bson::Document,
    update: mongodb::bson::Document,
) -> Result<Updated> {
    let statement = mongodb::bson::doc! { "q": filter, "u": update, "multi": false };
    let reply = store.db.run_command(mongodb::bson::doc! { "update": collection, "updates": [statement] }).await?;
    if let Ok(errors) = reply.get_array("writeErrors") {
        if let Some(first) = errors.iter().find_map(mongodb::bson::Bson::as_document) {
            return Err(crate::error::from_write_error(first));
        }
    }
    let count = |key: &str| reply.get_i32(key).map(i64::from).or_else(|_| reply.get_i64(key)).unwrap_or(0).max(0) as u64;
    Ok(Updated { matched: count("n"), modified: count("nModified") })
}
