//! Patients in and out.

use domain::patient::{Gender, Patient, PatientDraft, MAX_AGE, MAX_HANDICAP};
use domain::ValidationError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PatientOut {
    /// Medical record number.
    pub id: String,
    pub full_name: String,
    pub age: u8,
    pub gender: Gender,
    /// 0-100, rounded, derived from recorded outcomes (75 until the first one).
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
    pub handicap: u8,
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

/// `POST /api/patients/` and `PATCH /api/patients/{id}/` body. Only `fullName`,
/// `age` and `gender` are required (by create); everything else is optional.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PatientIn {
    /// Proposed record number; kept when free and path-safe, else a fresh one is allocated.
    pub id: Option<String>,
    pub full_name: Option<String>,
    /// A whole number; any other JSON value is a 400 naming `age` (not a body error).
    #[schema(value_type = Option<i64>)]
    pub age: Option<serde_json::Value>,
    pub date_of_birth: Option<String>,
    pub gender: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub neighbourhood: Option<String>,
    pub scholarship: Option<bool>,
    pub hypertension: Option<bool>,
    pub diabetes: Option<bool>,
    pub alcoholism: Option<bool>,
    #[schema(value_type = Option<i64>)]
    pub handicap: Option<serde_json::Value>,
    /// The patient asked not to receive automated reminders.
    pub reminders_opt_out: Option<bool>,
    /// Read-only: accepted so a client can send back what it received, ignored.
    pub attendance_score: Option<serde_json::Value>,
    pub doctor_id: Option<serde_json::Value>,
    pub created_at: Option<serde_json::Value>,
}

impl PatientIn {
    fn age(&self) -> Result<Option<i64>, ValidationError> {
        whole_number("age", self.age.as_ref(), format!("Age must be a whole number between 0 and {MAX_AGE}."))
    }

    fn handicap(&self) -> Result<Option<i64>, ValidationError> {
        whole_number("handicap", self.handicap.as_ref(), format!("Handicap level must be a whole number between 0 and {MAX_HANDICAP}."))
    }

    pub fn draft(&self) -> Result<PatientDraft, ValidationError> {
        Ok(PatientDraft {
            full_name: self.full_name.clone(),
            age: self.age()?,
            date_of_birth: self.date_of_birth.clone(),
            gender: self.gender.clone(),
            phone: self.phone.clone(),
            email: self.email.clone(),
            neighbourhood: self.neighbourhood.clone(),
            scholarship: self.scholarship,
            hypertension: self.hypertension,
            diabetes: self.diabetes,
            alcoholism: self.alcoholism,
            handicap: self.handicap()?,
            reminders_opt_out: self.reminders_opt_out,
        })
    }

    /// A patch over the current patient: absent fields keep their values.
    pub fn draft_over(&self, current: &PatientOut) -> Result<PatientDraft, ValidationError> {
        let pick = |new: &Option<String>, old: &Option<String>| new.clone().or_else(|| old.clone());
        Ok(PatientDraft {
            full_name: Some(self.full_name.clone().unwrap_or_else(|| current.full_name.clone())),
            age: self.age()?.or((self.date_of_birth.is_none() && current.date_of_birth.is_none()).then_some(i64::from(current.age))),
            date_of_birth: pick(&self.date_of_birth, &current.date_of_birth),
            gender: Some(self.gender.clone().unwrap_or_else(|| if current.gender == Gender::F { "F".into() } else { "M".into() })),
            phone: pick(&self.phone, &current.phone),
            email: pick(&self.email, &current.email),
            neighbourhood: pick(&self.neighbourhood, &current.neighbourhood),
            scholarship: self.scholarship.or(Some(current.scholarship)),
            hypertension: self.hypertension.or(Some(current.hypertension)),
            diabetes: self.diabetes.or(Some(current.diabetes)),
            alcoholism: self.alcoholism.or(Some(current.alcoholism)),
            handicap: self.handicap()?.or(Some(i64::from(current.handicap))),
            reminders_opt_out: self.reminders_opt_out.or(Some(current.reminders_opt_out)),
        })
    }
}

/// A JSON integer; `null` or absent is `None`; anything else (`"x"`, `4.5`) is
/// a validation error on `field`, so the client can show it next to the field.
fn whole_number(field: &'static str, value: Option<&serde_json::Value>, message: String) -> Result<Option<i64>, ValidationError> {
    match value {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(v) => v.as_i64().map(Some).ok_or_else(|| ValidationError::new(field, message)),
    }
}
