//! Patients in and out.

use super::fields;
use domain::patient::{Gender, Patient, PatientDraft, MAX_AGE, MAX_HANDICAP};
use domain::ValidationError;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PatientOut {
    /// Medical record number.
    pub id: String,
    pub full_name: String,
    #[schema(minimum = 0, maximum = 120)]
    pub age: u8,
    pub gender: Gender,
    /// 0-100, rounded, derived from recorded outcomes (75 until the first one).
    #[schema(minimum = 0, maximum = 100)]
    pub attendance_score: u8,
    pub doctor_id: String,
    pub created_at: String,
    pub date_of_birth: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub neighbourhood: Option<String>,
    pub scholarship: bool,
    pub hypertension: bool,
    pub diabetes: bool,
    pub alcoholism: bool,
    #[schema(minimum = 0, maximum = 4)]
    pub handicap: u8,
    /// No automated reminders for this patient.
    pub reminders_opt_out: bool,
}

impl PatientOut {
    pub fn new(p: &Patient, today: chrono::NaiveDate) -> Self {
        Self {
            id: p.id.clone(),
            full_name: p.full_name.clone(),
            age: p.current_age(today),
            gender: p.gender,
            attendance_score: p.attendance.score(),
            doctor_id: p.doctor_id.clone(),
            created_at: p.created_at.to_rfc3339(),
            date_of_birth: p.date_of_birth.map(|d| d.to_string()),
            phone: p.phone.clone(),
            email: p.email.clone(),
            neighbourhood: p.neighbourhood.clone(),
            scholarship: p.flags.scholarship,
            hypertension: p.flags.hypertension,
            diabetes: p.flags.diabetes,
            alcoholism: p.flags.alcoholism,
            handicap: p.flags.handicap,
            reminders_opt_out: p.reminders_opt_out,
        }
    }
}

/// `POST /api/patients/`: `fullName`, `gender`, and `age` or `dateOfBirth`
/// (the date of birth wins); everything else is optional.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(examples(json!({ "id": "P-021", "fullName": "Maria Souza", "age": 34, "gender": "F" })))]
pub struct PatientCreate {
    /// Proposed record number; kept when free and path-safe (`[A-Za-z0-9_-]{1,32}`), else a fresh one is allocated.
    pub id: Option<String>,
    #[schema(schema_with = fields::name)]
    pub full_name: String,
    /// Whole years (`3.0` is read as 3). Not `null`.
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = fields::age)]
    pub age: Option<Value>,
    /// `YYYY-MM-DD`, not in the future. Not `null`.
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = fields::date)]
    pub date_of_birth: Option<Value>,
    pub gender: Gender,
    #[schema(schema_with = fields::phone_or_null)]
    pub phone: Option<String>,
    #[schema(schema_with = fields::email_or_blank_or_null)]
    pub email: Option<String>,
    #[schema(schema_with = fields::neighbourhood_or_null)]
    pub neighbourhood: Option<String>,
    pub scholarship: Option<bool>,
    pub hypertension: Option<bool>,
    pub diabetes: Option<bool>,
    pub alcoholism: Option<bool>,
    #[schema(schema_with = fields::handicap_or_null)]
    pub handicap: Option<Value>,
    pub reminders_opt_out: Option<bool>,
    #[schema(schema_with = fields::ignored)]
    pub attendance_score: Option<Value>,
    #[schema(schema_with = fields::ignored)]
    pub doctor_id: Option<Value>,
    #[schema(schema_with = fields::ignored)]
    pub created_at: Option<Value>,
}

/// `PATCH /api/patients/{id}/`: absent or `null` fields keep their values.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PatientPatch {
    /// The record number never changes: ignored.
    #[schema(schema_with = fields::ignored)]
    pub id: Option<Value>,
    #[schema(schema_with = fields::name_or_null)]
    pub full_name: Option<String>,
    #[schema(schema_with = fields::age_or_null)]
    pub age: Option<Value>,
    #[schema(schema_with = fields::date_or_null)]
    pub date_of_birth: Option<String>,
    pub gender: Option<Gender>,
    #[schema(schema_with = fields::phone_or_null)]
    pub phone: Option<String>,
    #[schema(schema_with = fields::email_or_blank_or_null)]
    pub email: Option<String>,
    #[schema(schema_with = fields::neighbourhood_or_null)]
    pub neighbourhood: Option<String>,
    pub scholarship: Option<bool>,
    pub hypertension: Option<bool>,
    pub diabetes: Option<bool>,
    pub alcoholism: Option<bool>,
    #[schema(schema_with = fields::handicap_or_null)]
    pub handicap: Option<Value>,
    pub reminders_opt_out: Option<bool>,
    #[schema(schema_with = fields::ignored)]
    pub attendance_score: Option<Value>,
    #[schema(schema_with = fields::ignored)]
    pub doctor_id: Option<Value>,
    #[schema(schema_with = fields::ignored)]
    pub created_at: Option<Value>,
}

/// A field that is present, `null` included (absent stays `None` by `default`).
fn present<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(deserializer).map(Some)
}

/// A JSON whole number (`3` or `3.0`); `null` or absent is `None` where
/// `null_ok`; anything else is a validation error on `field`.
fn whole_number(field: &'static str, value: Option<&Value>, null_ok: bool, message: String) -> Result<Option<i64>, ValidationError> {
    match value {
        None => Ok(None),
        Some(Value::Null) if null_ok => Ok(None),
        Some(v) => {
            let whole = v.as_i64().or_else(|| v.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 1e15).map(|f| f as i64));
            whole.map(Some).ok_or_else(|| ValidationError::new(field, message))
        }
    }
}

fn age_message() -> String {
    format!("Age must be a whole number between 0 and {MAX_AGE}.")
}

fn handicap_message() -> String {
    format!("Handicap level must be a whole number between 0 and {MAX_HANDICAP}.")
}

fn gender_code(g: Gender) -> String {
    if g == Gender::F { "F".into() } else { "M".into() }
}

impl PatientCreate {
    pub fn draft(&self) -> Result<PatientDraft, ValidationError> {
        let date_of_birth = match &self.date_of_birth {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => return Err(ValidationError::new("dateOfBirth", "Date of birth must be a date like 1980-04-30 (not null).")),
        };
        Ok(PatientDraft {
            full_name: Some(self.full_name.clone()),
            age: whole_number("age", self.age.as_ref(), false, age_message())?,
            date_of_birth,
            gender: Some(gender_code(self.gender)),
            phone: self.phone.clone(),
            email: self.email.clone(),
            neighbourhood: self.neighbourhood.clone(),
            scholarship: self.scholarship,
            hypertension: self.hypertension,
            diabetes: self.diabetes,
            alcoholism: self.alcoholism,
            handicap: whole_number("handicap", self.handicap.as_ref(), true, handicap_message())?,
            reminders_opt_out: self.reminders_opt_out,
        })
    }
}

impl PatientPatch {
    /// The patch over the current patient: absent fields keep their values.
    pub fn draft_over(&self, current: &PatientOut) -> Result<PatientDraft, ValidationError> {
        let pick = |new: &Option<String>, old: &Option<String>| new.clone().or_else(|| old.clone());
        let age = whole_number("age", self.age.as_ref(), true, age_message())?;
        let keeps_dob = self.date_of_birth.is_some() || current.date_of_birth.is_some();
        Ok(PatientDraft {
            full_name: Some(self.full_name.clone().unwrap_or_else(|| current.full_name.clone())),
            age: age.or((!keeps_dob).then_some(i64::from(current.age))),
            date_of_birth: pick(&self.date_of_birth, &current.date_of_birth),
            gender: Some(gender_code(self.gender.unwrap_or(current.gender))),
            phone: pick(&self.phone, &current.phone),
            email: pick(&self.email, &current.email),
            neighbourhood: pick(&self.neighbourhood, &current.neighbourhood),
            scholarship: self.scholarship.or(Some(current.scholarship)),
            hypertension: self.hypertension.or(Some(current.hypertension)),
            diabetes: self.diabetes.or(Some(current.diabetes)),
            alcoholism: self.alcoholism.or(Some(current.alcoholism)),
            handicap: whole_number("handicap", self.handicap.as_ref(), true, handicap_message())?.or(Some(i64::from(current.handicap))),
            reminders_opt_out: self.reminders_opt_out.or(Some(current.reminders_opt_out)),
        })
    }
}
