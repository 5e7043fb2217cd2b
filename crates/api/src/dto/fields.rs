//! Schemas of constrained fields, built from the same constants the domain's
//! validators use (`domain::text`, `domain::patient`...), so the OpenAPI
//! document states exactly what the server accepts. Used with utoipa's
//! `schema_with` on the request types handlers deserialize into.
//!
//! Optional fields may be sent as `null` (serde reads it as absent), so their
//! schemas allow `null`; required ones do not.

use domain::text;
use serde::{Deserialize, Deserializer};
use serde_json::json;
use utoipa::openapi::{RefOr, Schema};

fn nullable(value: serde_json::Value) -> serde_json::Value {
    json!({ "oneOf": [value, { "type": "null" }] })
}

fn pattern(pattern: &str, max: Option<usize>) -> serde_json::Value {
    let mut s = json!({ "type": "string", "pattern": pattern });
    if let Some(max) = max {
        s["maxLength"] = json!(max);
    }
    s
}

/// Free text without control characters, at most `max` characters.
fn text_up_to(max: usize) -> serde_json::Value {
    pattern(&text::TEXT_PATTERN, Some(max))
}

/// Declares each named field schema: a function for `schema_with` that
/// refers to it, and its JSON Schema in [`components`].
macro_rules! named {
    ($($(#[$doc:meta])* $fn_name:ident $name:literal => $schema:expr;)*) => {
        $(
            $(#[$doc])*
            pub fn $fn_name() -> RefOr<Schema> {
                RefOr::Ref(utoipa::openapi::Ref::from_schema_name($name))
            }
        )*

        /// Every named field schema, for the document's components.
        pub fn components() -> Vec<(&'static str, serde_json::Value)> {
            vec![$(($name, $schema)),*]
        }
    };
}

named! {
    name "PersonName" => pattern(&text::NAME_PATTERN, Some(text::NAME_MAX));
    name_or_null "PersonNameOrNull" => nullable(pattern(&text::NAME_PATTERN, Some(text::NAME_MAX)));
    email "Email" => pattern(text::EMAIL_PATTERN, Some(text::EMAIL_MAX));
    email_or_null "EmailOrNull" => nullable(pattern(text::EMAIL_PATTERN, Some(text::EMAIL_MAX)));
    /// Optional e-mail of a patient: blank (spaces only) means none.
    email_or_blank_or_null "PatientEmail" =>
        json!({ "oneOf": [pattern(text::EMAIL_PATTERN, Some(text::EMAIL_MAX)), pattern("^ *$", None), { "type": "null" }] });
    phone_or_null "Phone" => nullable(pattern(text::PHONE_PATTERN, None));
    password "Password" => json!({ "type": "string", "minLength": domain::password::MIN_LEN, "maxLength": domain::password::MAX_LEN });
    /// A doctor's initial password: 8 to 128 characters, or empty/absent (then an activation code is e-mailed).
    password_or_empty_or_null "InitialPassword" => nullable(json!({
        "type": "string",
        "anyOf": [{ "maxLength": 0 }, { "minLength": domain::password::MIN_LEN, "maxLength": domain::password::MAX_LEN }],
    }));
    otp "ActivationCode" => pattern(text::OTP_PATTERN, None);
    csv_file "CsvFileName" => json!({ "type": "string", "pattern": text::CSV_FILE_PATTERN, "not": { "pattern": "\\.\\." } });
    date "Date" => json!({ "type": "string", "format": "date", "pattern": &*text::DATE_PATTERN });
    date_or_null "DateOrNull" => nullable(json!({ "type": "string", "format": "date", "pattern": &*text::DATE_PATTERN }));
    /// Clinic wall-clock time, or an instant with its offset.
    date_time "ClinicDateTime" => pattern(&text::DATE_TIME_PATTERN, None);
    /// At least one character that is not white space.
    non_blank "NonBlankId" => pattern(&text::NON_BLANK_PATTERN, Some(200));
    reason_or_null "ReasonOrNull" => nullable(text_up_to(domain::appointment::REASON_MAX));
    required_reason "CorrectionReason" =>
        json!({ "type": "string", "allOf": [text_up_to(domain::appointment::REASON_MAX), pattern(&text::NON_BLANK_PATTERN, None)] });
    note_or_null "NoteOrNull" => nullable(text_up_to(domain::contact::NOTE_MAX));
    neighbourhood_or_null "NeighbourhoodOrNull" => nullable(text_up_to(domain::patient::NEIGHBOURHOOD_MAX));
    specialization_or_null "SpecializationOrNull" => nullable(text_up_to(100));
    age "Age" => json!({ "type": "integer", "minimum": 0, "maximum": domain::patient::MAX_AGE });
    age_or_null "AgeOrNull" => nullable(json!({ "type": "integer", "minimum": 0, "maximum": domain::patient::MAX_AGE }));
    handicap_or_null "HandicapOrNull" => nullable(json!({ "type": "integer", "minimum": 0, "maximum": domain::patient::MAX_HANDICAP }));
    score_or_null "ScoreOrNull" => nullable(json!({ "type": "number", "minimum": 0, "maximum": 100 }));
    /// `smsReceived` in the what-if: 0/1 (the frontend) or a boolean.
    flag_or_null "SmsFlag" => json!({ "oneOf": [{ "type": "boolean" }, { "type": "integer", "enum": [0, 1] }, { "type": "null" }] });
    /// Fields a client may send back as it received them; ignored.
    ignored "Ignored" => json!({ "readOnly": true, "description": "Accepted and ignored (set by the server)." });
    /// Only `null` (or absent) is accepted: predictions are immutable.
    only_null "OnlyNull" => json!({ "type": "null", "description": "Predictions are immutable: any value is refused." });
    /// Only `done` (or `null`).
    done_or_null "DoneOrNull" => json!({ "oneOf": [{ "type": "string", "enum": ["done"] }, { "type": "null" }] });
    page "Page" => json!({ "type": "integer", "minimum": 1, "maximum": domain::pagination::MAX_PAGE, "default": 1 });
    page_size "PageSize" => json!({ "type": "integer", "minimum": 1, "maximum": domain::pagination::MAX_PAGE_SIZE, "default": domain::pagination::DEFAULT_PAGE_SIZE });
    boolean "QueryFlag" => json!({ "type": "boolean" });
    /// Patient search: empty (no results) or at least 2 characters.
    patient_query "PatientQuery" => json!({ "type": "string", "maxLength": 200, "anyOf": [{ "maxLength": 0 }, { "minLength": 2 }] });
    query_text "QueryText" => json!({ "type": "string", "maxLength": 200 });
    gender_filter "GenderFilter" => json!({ "type": "string", "enum": ["M", "F"] });
    status_filter "StatusFilter" => json!({ "type": "string", "enum": ["pending", "done", "canceled"] });
    ordering "Ordering" => json!({ "type": "string", "enum": ["time", "-created"] });
}

/// A whole number sent as `3` or `3.0` (JSON Schema's `integer` allows both).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WholeNumber(pub i64);

impl<'de> Deserialize<'de> for WholeNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Number::deserialize(deserializer)?;
        if let Some(i) = value.as_i64() {
            return Ok(Self(i));
        }
        match value.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => Ok(Self(f as i64)),
            _ => Err(serde::de::Error::custom("expected a whole number")),
        }
    }
}

/// A whole number in a query string (`3`, also `3.0`); empty is refused.
pub fn query_whole(field: &'static str, raw: &str, min: i64, max: i64) -> Result<i64, domain::ValidationError> {
    let invalid = || domain::ValidationError::new(field, format!("{field} must be a whole number between {min} and {max}."));
    let value = match raw.parse::<i64>() {
        Ok(v) => v,
        Err(_) => match raw.parse::<f64>() {
            Ok(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 && !raw.contains(['e', 'E', 'x', 'X']) => f as i64,
            _ => return Err(invalid()),
        },
    };
    if !(min..=max).contains(&value) {
        return Err(invalid());
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_schema_is_unique() {
        let names: Vec<&str> = components().iter().map(|(n, _)| *n).collect();
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(names.len(), unique.len());
    }

    #[test]
    fn whole_numbers_accept_whole_floats_only() {
        assert_eq!(serde_json::from_str::<WholeNumber>("3").unwrap(), WholeNumber(3));
        assert_eq!(serde_json::from_str::<WholeNumber>("3.0").unwrap(), WholeNumber(3));
        assert!(serde_json::from_str::<WholeNumber>("3.5").is_err());
        assert!(serde_json::from_str::<WholeNumber>("\"3\"").is_err());
        assert_eq!(query_whole("page", "2", 1, 10), Ok(2));
        assert_eq!(query_whole("page", "2.0", 1, 10), Ok(2));
        for bad in ["", " 2", "2.5", "abc", "0", "11", "1e1", "NaN", "inf"] {
            assert!(query_whole("page", bad, 1, 10).is_err(), "{bad:?}");
        }
    }
}
