//! The storage error type. Duplicate keys are recognised by their code (11000)
//! and named by the server's `keyPattern` when it sends one, with the message
//! text only as a fallback. A database that cannot be reached is told apart
//! from other failures, so callers can answer "try again" (503) quickly.
//!
//! `Display` never includes the server's message: it can quote document values
//! (a duplicate e-mail, a patient's name), and errors end up in logs.

use mongodb::bson::Document;
use mongodb::error::{ErrorKind, WriteFailure};

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("not found")]
    NotFound,
    /// A unique index refused the write; `key` is the first field of its key
    /// pattern (`email`, `_id`, `dedupe_key`, `slot_keys`), or `unknown`.
    #[error("duplicate value for {key}")]
    Duplicate { key: String },
    /// The server cannot be reached (no server selected in time, network error).
    #[error("database unavailable ({0})")]
    Unavailable(&'static str),
    #[error("database error ({})", describe(.0))]
    Mongo(#[source] mongodb::error::Error),
    /// A write refused by the server for another reason than a duplicate key.
    #[error("write refused by the database (code {0})")]
    WriteRefused(i32),
    /// A state rule refused the write (e.g. `slot_taken`, `not_pending`).
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("stored document is invalid: {0}")]
    Corrupt(String),
}

pub(crate) const DUPLICATE_KEY: i32 = 11000;

impl StorageError {
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Self::Unavailable(_))
    }
}

/// Kind and code only: never the message.
fn describe(err: &mongodb::error::Error) -> String {
    match err.kind.as_ref() {
        ErrorKind::Command(e) => format!("command failed: code {} {}", e.code, e.code_name),
        ErrorKind::Write(WriteFailure::WriteError(e)) => format!("write failed: code {}", e.code),
        ErrorKind::Write(WriteFailure::WriteConcernError(e)) => format!("write concern failed: code {}", e.code),
        ErrorKind::InsertMany(_) => "insert failed".into(),
        ErrorKind::BsonDeserialization(_) | ErrorKind::BsonSerialization(_) => "bson conversion failed".into(),
        ErrorKind::Authentication { .. } => "authentication failed".into(),
        ErrorKind::InvalidArgument { .. } => "invalid argument".into(),
        ErrorKind::InvalidResponse { .. } => "invalid response".into(),
        ErrorKind::Transaction { .. } => "transaction failed".into(),
        ErrorKind::IncompatibleServer { .. } => "incompatible server".into(),
        _ => "other".into(),
    }
}

/// Why the server cannot be used right now, if that is the problem.
fn unavailable(err: &mongodb::error::Error) -> Option<&'static str> {
    match err.kind.as_ref() {
        ErrorKind::ServerSelection { .. } => Some("no server available"),
        ErrorKind::Io(_) => Some("network error"),
        ErrorKind::ConnectionPoolCleared { .. } => Some("connection pool cleared"),
        ErrorKind::DnsResolve { .. } => Some("DNS resolution failed"),
        ErrorKind::Shutdown => Some("client shut down"),
        _ if err.contains_label("RetryableWriteError") || err.contains_label("TransientTransactionError") => {
            Some("transient server error")
        }
        _ => None,
    }
}

impl From<mongodb::error::Error> for StorageError {
    fn from(err: mongodb::error::Error) -> Self {
        if let Some(reason) = unavailable(&err) {
            return StorageError::Unavailable(reason);
        }
        match duplicate_message(&err) {
            Some(message) => StorageError::Duplicate { key: key_from_message(&message) },
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
        ErrorKind::InsertMany(e) => e.write_errors.as_ref()?.iter().find(|w| w.code == DUPLICATE_KEY).map(|w| w.message.clone()),
        _ => None,
    }
}

/// One entry of a raw `writeErrors` reply: a duplicate key is named from its
/// `keyPattern` (structured), else from the message.
pub(crate) fn from_write_error(entry: &Document) -> StorageError {
    let code = entry.get_i32("code").or_else(|_| entry.get_i64("code").map(|c| c as i32)).unwrap_or(-1);
    if code != DUPLICATE_KEY {
        return StorageError::WriteRefused(code);
    }
    let structured = entry.get_document("keyPattern").ok().and_then(|p| p.keys().next().cloned());
    let key = structured.unwrap_or_else(|| key_from_message(entry.get_str("errmsg").unwrap_or("")));
    StorageError::Duplicate { key }
}

/// Fallback: `E11000 duplicate key error collection: db.users index: email_1 dup key: { email: "a" }`
/// names index `email_1`, whose first field is `email`.
fn key_from_message(message: &str) -> String {
    if let Some(first) = message.split("dup key: {").nth(1).and_then(|rest| rest.split(':').next()).map(str::trim) {
        if !first.is_empty() && !first.contains(' ') {
            return first.trim_matches('"').to_string();
        }
    }
    let index = message.split("index: ").nth(1).and_then(|rest| rest.split_whitespace().next()).unwrap_or("unknown");
    if index == "_id_" {
        return "_id".into();
    }
    index.rsplit_once('_').map_or(index, |(field, _)| field).to_string()
}

/// True when an error is a duplicate key on the given field.
pub fn is_duplicate_on(err: &StorageError, field: &str) -> bool {
    matches!(err, StorageError::Duplicate { key } if key == field)
}

#[cfg(test)]
mod tests {
    use super::*;
    use mongodb::bson::doc;

    #[test]
    fn the_key_pattern_names_the_duplicate_when_present() {
        let entry = doc! { "index": 0, "code": 11000, "errmsg": "whatever", "keyPattern": { "dedupe_key": 1 }, "keyValue": { "dedupe_key": "x" } };
        assert!(is_duplicate_on(&from_write_error(&entry), "dedupe_key"));
    }

    #[test]
    fn without_a_key_pattern_the_message_is_the_fallback() {
        let m = "E11000 duplicate key error collection: t.users index: email_1 dup key: { email: \"a\" }";
        assert_eq!(key_from_message(m), "email");
        assert_eq!(key_from_message("E11000 duplicate key error collection: t.p index: _id_"), "_id");
        assert_eq!(key_from_message("E11000 duplicate key error index: dedupe_key_1"), "dedupe_key");
        let entry = doc! { "code": 11000, "errmsg": m };
        assert!(is_duplicate_on(&from_write_error(&entry), "email"));
        assert!(matches!(from_write_error(&doc! { "code": 121 }), StorageError::WriteRefused(121)));
    }

    #[test]
    fn errors_never_display_the_servers_message() {
        let err = StorageError::Duplicate { key: "email".into() };
        assert_eq!(err.to_string(), "duplicate value for email");
    }
}
