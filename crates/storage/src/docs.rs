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
