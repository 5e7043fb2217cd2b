//! One accepted appointment row, and the conversion from raw CSV fields.

use std::borrow::Cow;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::header::{Column, ColumnMap};
use super::report::{DropReason, Repair};
use super::values;

/// An appointment that passed every cleaning rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CleanRecord {
    /// Patient identifier as written (digits in the public file).
    pub patient_id: String,
    /// AppointmentID, unique within a file.
    pub appointment_id: u64,
    /// Gender F.
    pub female: bool,
    /// ScheduledDay: when the appointment was booked, clinic wall-clock time.
    pub booked_at: NaiveDateTime,
    /// AppointmentDay: the day of the appointment (the file has no time of day).
    pub appointment_day: NaiveDate,
    /// Age in years, 0 to 115.
    pub age: u8,
    /// Neighbourhood of the clinic, trimmed.
    pub neighbourhood: String,
    /// Enrolled in the Bolsa Família welfare programme.
    pub scholarship: bool,
    /// Has hypertension.
    pub hypertension: bool,
    /// Has diabetes.
    pub diabetes: bool,
    /// Alcoholism.
    pub alcoholism: bool,
    /// Number of disabilities, 0 to 4.
    pub handicap: u8,
    /// At least one SMS reminder was sent.
    pub sms_received: bool,
    /// The patient missed the appointment (No-show = Yes).
    pub no_show: bool,
}

/// A row's fields decoded as text; remembers whether Latin-1 was needed.
pub(crate) struct Fields<'a> {
    texts: Vec<Cow<'a, str>>,
    pub(crate) latin1: bool,
}

impl<'a> Fields<'a> {
    pub(crate) fn decode(record: &'a csv::ByteRecord) -> Self {
        let mut latin1 = false;
        let texts = record
            .iter()
            .map(|bytes| match std::str::from_utf8(bytes) {
                Ok(text) => Cow::Borrowed(text),
                Err(_) => {
                    latin1 = true;
                    Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect())
                }
            })
            .collect();
        Self { texts, latin1 }
    }

    fn get(&self, map: &ColumnMap, column: Column) -> &str {
        self.texts.get(map.at(column)).map_or("", |text| text.as_ref())
    }
}

/// Applies the cleaning rules in the order documented in [`crate::ingest`]; the first failure wins.
pub(crate) fn clean(fields: &Fields<'_>, map: &ColumnMap) -> Result<(CleanRecord, Option<Repair>), DropReason> {
    if fields.texts.len() < map.min_len() {
        return Err(DropReason::MalformedRow);
    }
    let get = |column| fields.get(map, column);
    let (patient_id, repair) = values::patient_id(get(Column::PatientId))?;
    let appointment_id = get(Column::AppointmentId).trim().parse().map_err(|_| DropReason::BadAppointmentId)?;
    let female = values::female(get(Column::Gender))?;
    let booked_at = values::booked_at(get(Column::ScheduledDay))?;
    let appointment_day = values::appointment_day(get(Column::AppointmentDay))?;
    if appointment_day < booked_at.date() {
        return Err(DropReason::AppointmentBeforeBooking);
    }
    let age = values::age(get(Column::Age))?;
    let record = CleanRecord {
        patient_id,
        appointment_id,
        female,
        booked_at,
        appointment_day,
        age,
        neighbourhood: get(Column::Neighbourhood).trim().to_owned(),
        scholarship: values::flag(get(Column::Scholarship))?,
        hypertension: values::flag(get(Column::Hypertension))?,
        diabetes: values::flag(get(Column::Diabetes))?,
        alcoholism: values::flag(get(Column::Alcoholism))?,
        sms_received: values::flag(get(Column::SmsReceived))?,
        handicap: values::handicap(get(Column::Handicap))?,
        no_show: values::no_show(get(Column::NoShow))?,
    };
    Ok((record, repair))
}
