//! The storage error type; duplicate keys are told apart from other failures.

use mongodb::error::{ErrorKind, WriteFailure};

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("not found")]
    NotFound,
    /// A unique index refused the write; `index` names the index (e.g. `email_1`).
    #[error("duplicate value for {index}")]
    Duplicate { index: String },
    #[error("database error: {0}")]
    Mongo(#[source] mongodb::error::Error),
    /// A state rule refused the write (e.g. `slot_taken`, `not_pending`).
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("stored document is invalid: {0}")]
    Corrupt(String),
}

pub(crate) const DUPLICATE_KEY: i32 = 11000;

impl From<mongodb::error::Error> for StorageError {
    fn from(err: mongodb::error::Error) -> Self {
        match duplicate_message(&err) {
            Some(message) => StorageError::Duplicate { index: index_name(&message) },
            None => StorageError::Mongo(err),
        }
    }
}

impl From<mongodb::bson::de::Error> for StorageError {
    fn from(err: mongodb::bson::de::Error) -> Self {
        StorageError::Corrupt(err.to_string())
    }
}

impl From<mongodb::bson::ser::Error> for StorageError {
    fn from(err: mongodb::bson::ser::Error) -> Self {
        StorageError::Corrupt(err.to_string())
    }
}

fn duplicate_message(err: &mongodb::error::Error) -> Option<String> {
    match err.kind.as_ref() {
        ErrorKind::Write(WriteFailure::WriteError(e)) if e.code == DUPLICATE_KEY => Some(e.message.clone()),
        ErrorKind::Command(e) if e.code == DUPLICATE_KEY => Some(e.message.clone()),
        _ => None,
    }
}

/// `E11000 duplicate key error collection: db.users index: email_1 dup key: ...` -> `email_1`.
fn index_name(message: &str) -> String {
    message
        .split("index: ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or("unknown")
        .to_string()
}

/// True when an error is a duplicate key on the given index (or `_id`).
pub fn is_duplicate_on(err: &StorageError, index: &str) -> bool {
    matches!(err, StorageError::Duplicate { index: i } if i.starts_with(index))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_index_name_is_read_from_the_server_message() {
        let m = "E11000 duplicate key error collection: t.users index: email_1 dup key: { email: \"a\" }";
        assert_eq!(super::index_name(m), "email_1");
    }
}
