//! Patients: demographics, contact, and the clinical flags the no-show model uses.

use crate::{person_name::PersonName, search_text, ValidationError};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub const MAX_AGE: u8 = 120;
pub const MAX_HANDICAP: u8 = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum Gender {
    M,
    F,
}

impl Gender {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        match raw {
            "M" => Ok(Gender::M),
            "F" => Ok(Gender::F),
            _ => Err(ValidationError::new("gender", "Gender must be M or F.")),
        }
    }
}

/// The model's clinical inputs, named as in the public no-show dataset.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClinicalFlags {
    pub scholarship: bool,
    pub hypertension: bool,
    pub diabetes: bool,
    pub alcoholism: bool,
    pub handicap: u8,
}

/// Counts of recorded outcomes, from which the attendance score is derived.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendance {
    pub on_time: u32,
    pub late: u32,
    pub missed: u32,
}

/// Shown while a patient has no recorded outcome yet (the original's constant).
pub const DEFAULT_ATTENDANCE_SCORE: u8 = 75;

impl Attendance {
    /// 0-100: on time counts fully, late half, a no-show nothing.
    pub fn score(&self) -> u8 {
        let total = self.on_time + self.late + self.missed;
        if total == 0 {
            return DEFAULT_ATTENDANCE_SCORE;
        }
        let points = f64::from(self.on_time) + 0.5 * f64::from(self.late);
        (100.0 * points / f64::from(total)).round() as u8
    }
}

#[derive(Debug, Clone)]
pub struct Patient {
    /// The medical record number, e.g. `P-001`: path-safe, never changed.
    pub id: String,
    pub full_name: String,
    pub age: u8,
    pub date_of_birth: Option<NaiveDate>,
    pub gender: Gender,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub neighbourhood: Option<String>,
    pub flags: ClinicalFlags,
    pub attendance: Attendance,
    /// The staff member who registered the patient.
    pub doctor_id: String,
    pub created_at: DateTime<Utc>,
    /// No automated reminders for this patient.
    pub reminders_opt_out: bool,
}

impl Patient {
    /// Age today when the date of birth is known, else the age as recorded.
    pub fn current_age(&self, today: NaiveDate) -> u8 {
        self.date_of_birth.map_or(self.age, |dob| age_on(dob, today))
    }

    /// Terms for the search index: name words, record number, phone digits, e-mail.
    pub fn search_terms(&self) -> Vec<String> {
        let phone = self.phone.as_deref().map(search_text::digits).unwrap_or_default();
        search_text::terms([self.full_name.as_str(), self.id.as_str(), phone.as_str(), self.email.as_deref().unwrap_or("")])
    }
}

pub fn age_on(dob: NaiveDate, today: NaiveDate) -> u8 {
    let mut years = today.year() - dob.year();
    if (today.month(), today.day()) < (dob.month(), dob.day()) {
        years -= 1;
    }
    years.clamp(0, i32::from(MAX_AGE)) as u8
}

/// Raw values as received; `parse` turns them into a valid [`PatientFields`].
#[derive(Debug, Clone, Default)]
pub struct PatientDraft {
    pub full_name: Option<String>,
    pub age: Option<i64>,
    pub date_of_birth: Option<String>,
    pub gender: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub neighbourhood: Option<String>,
    pub scholarship: Option<bool>,
    pub hypertension: Option<bool>,
    pub diabetes: Option<bool>,
    pub alcoholism: Option<bool>,
    pub handicap: Option<i64>,
    pub reminders_opt_out: Option<bool>,
}

/// Validated demographic fields. Either `age` or `date_of_birth` is required.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientFields {
    pub full_name: String,
    pub age: u8,
    pub date_of_birth: Option<NaiveDate>,
    pub gender: Gender,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub neighbourhood: Option<String>,
    pub flags: ClinicalFlags,
    pub reminders_opt_out: bool,
}

impl PatientDraft {
    pub fn parse(&self, today: NaiveDate) -> Result<PatientFields, ValidationError> {
        let full_name = PersonName::parse("fullName", self.full_name.as_deref().unwrap_or(""))?.into_string();
        let date_of_birth = self.date_of_birth.as_deref().map(|raw| parse_dob(raw, today)).transpose()?;
        // A stated age must be valid even when the date of birth (which wins) is given.
        let stated = self.age.map(parse_age).transpose()?;
        let age = match (date_of_birth, stated) {
            (Some(dob), _) => age_on(dob, today),
            (None, Some(age)) => age,
            (None, None) => return Err(ValidationError::new("age", "Age or date of birth is required.")),
        };
        let gender = Gender::parse(self.gender.as_deref().unwrap_or(""))?;
        Ok(PatientFields {
            full_name,
            age,
            date_of_birth,
            gender,
            phone: self.phone.as_deref().map(parse_phone).transpose()?.flatten(),
            email: self.email.as_deref().map(parse_optional_email).transpose()?.flatten(),
            neighbourhood: self.neighbourhood.as_deref().map(parse_neighbourhood).transpose()?.flatten(),
            flags: ClinicalFlags {
                scholarship: self.scholarship.unwrap_or(false),
                hypertension: self.hypertension.unwrap_or(false),
                diabetes: self.diabetes.unwrap_or(false),
                alcoholism: self.alcoholism.unwrap_or(false),
                handicap: parse_handicap(self.handicap.unwrap_or(0))?,
            },
            reminders_opt_out: self.reminders_opt_out.unwrap_or(false),
        })
    }
}

pub fn parse_age(age: i64) -> Result<u8, ValidationError> {
    u8::try_from(age)
        .ok()
        .filter(|a| *a <= MAX_AGE)
        .ok_or_else(|| ValidationError::new("age", format!("Age must be a whole number between 0 and {MAX_AGE}.")))
}

fn parse_dob(raw: &str, today: NaiveDate) -> Result<NaiveDate, ValidationError> {
    let dob = crate::dates::parse_date("dateOfBirth", raw)?;
    if dob > today {
        return Err(ValidationError::new("dateOfBirth", "Date of birth cannot be in the future."));
    }
    if today.year() - dob.year() > i32::from(MAX_AGE) {
        return Err(ValidationError::new("dateOfBirth", format!("Date of birth gives an age above {MAX_AGE}.")));
    }
    Ok(dob)
}

/// [`crate::text::PHONE_PATTERN`]: blank is no phone.
fn parse_phone(raw: &str) -> Result<Option<String>, ValidationError> {
    if !crate::text::is_phone(raw) {
        return Err(ValidationError::new("phone", "Phone must have 6 to 20 digits (spaces, +, -, parentheses and dots allowed)."));
    }
    let raw = raw.trim();
    Ok((!raw.is_empty()).then(|| raw.to_string()))
}

/// Blank (spaces only) is no e-mail.
fn parse_optional_email(raw: &str) -> Result<Option<String>, ValidationError> {
    if raw.chars().all(|c| c == ' ') {
        return Ok(None);
    }
    Ok(Some(crate::email::Email::parse(raw)?.as_str().to_string()))
}

pub const NEIGHBOURHOOD_MAX: usize = 100;

/// Free text of at most [`NEIGHBOURHOOD_MAX`] characters as typed; blank is none.
fn parse_neighbourhood(raw: &str) -> Result<Option<String>, ValidationError> {
    if raw.chars().count() > NEIGHBOURHOOD_MAX || !crate::text::is_text(raw) {
        return Err(ValidationError::new("neighbourhood", "Neighbourhood must be at most 100 characters, without control characters."));
    }
    let value = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    Ok(Some(value).filter(|v| !v.is_empty()))
}

fn parse_handicap(level: i64) -> Result<u8, ValidationError> {
    u8::try_from(level)
        .ok()
        .filter(|l| *l <= MAX_HANDICAP)
        .ok_or_else(|| ValidationError::new("handicap", format!("Handicap level must be between 0 and {MAX_HANDICAP}.")))
}

/// Client-proposed record numbers are kept when they are short and path-safe.
pub fn is_valid_record_number(id: &str) -> bool {
    crate::text::is_record_number(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    fn draft() -> PatientDraft {
        PatientDraft { full_name: Some("Ana".into()), age: Some(30), gender: Some("F".into()), ..Default::default() }
    }

    #[test]
    fn the_frontends_minimal_patient_is_valid() {
        let p = draft().parse(today()).unwrap();
        assert_eq!((p.age, p.gender), (30, Gender::F));
    }

    #[test]
    fn the_date_of_birth_wins_over_a_stated_age() {
        let d = PatientDraft { date_of_birth: Some("2000-12-01".into()), ..draft() };
        assert_eq!(d.parse(today()).unwrap().age, 25);
    }

    #[test]
    fn each_invalid_field_is_named() {
        let cases: Vec<(PatientDraft, &str)> = vec![
            (PatientDraft { age: Some(121), ..draft() }, "age"),
            (PatientDraft { age: Some(-1), ..draft() }, "age"),
            (PatientDraft { age: None, ..draft() }, "age"),
            (PatientDraft { gender: Some("X".into()), ..draft() }, "gender"),
            (PatientDraft { full_name: Some(" ".into()), ..draft() }, "fullName"),
            (PatientDraft { date_of_birth: Some("2030-01-01".into()), ..draft() }, "dateOfBirth"),
            (PatientDraft { phone: Some("12".into()), ..draft() }, "phone"),
            (PatientDraft { full_name: Some("a".repeat(121)), ..draft() }, "fullName"),
            (PatientDraft { email: Some("nope".into()), ..draft() }, "email"),
            (PatientDraft { handicap: Some(5), ..draft() }, "handicap"),
        ];
        for (d, field) in cases {
            assert_eq!(d.parse(today()).unwrap_err().field, field);
        }
    }

    #[test]
    fn attendance_score_counts_late_as_half() {
        assert_eq!(Attendance::default().score(), 75);
        assert_eq!(Attendance { on_time: 1, late: 1, missed: 1 }.score(), 50);
        assert_eq!(Attendance { on_time: 2, late: 0, missed: 1 }.score(), 67);
    }

    #[test]
    fn record_numbers_must_be_path_safe() {
        assert!(is_valid_record_number("P-001"));
        assert!(!is_valid_record_number("P/001"));
        assert!(!is_valid_record_number(""));
    }
}
