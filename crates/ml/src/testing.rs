//! Builders shared by unit tests.

use chrono::{NaiveDate, NaiveDateTime};

use crate::ingest::CleanRecord;

/// A 30-year-old woman's appointment; dates as `YYYY-MM-DD`, booking at 09:00.
pub(crate) fn record(patient: &str, id: u64, booked_on: &str, day: &str, no_show: bool) -> CleanRecord {
    CleanRecord {
        patient_id: patient.to_owned(),
        appointment_id: id,
        female: true,
        booked_at: at(booked_on),
        appointment_day: date(day),
        age: 30,
        neighbourhood: "CENTRO".to_owned(),
        scholarship: false,
        hypertension: false,
        diabetes: false,
        alcoholism: false,
        handicap: 0,
        sms_received: false,
        no_show,
    }
}

pub(crate) fn date(day: &str) -> NaiveDate {
    NaiveDate::parse_from_str(day, "%Y-%m-%d").expect("test date")
}

pub(crate) fn at(day: &str) -> NaiveDateTime {
    date(day).and_hms_opt(9, 0, 0).expect("test time")
}
