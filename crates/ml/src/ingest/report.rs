//! What ingestion did: rows read, accepted, dropped and repaired, by reason.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Why a row was dropped. Each has a stable snake_case key used in [`IngestReport`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DropReason {
    /// Too few fields, or a field that cannot be decoded.
    MalformedRow,
    /// Empty PatientId.
    MissingPatientId,
    /// PatientId rounded by a spreadsheet (`2.98725E+13`): distinct patients collide.
    PatientIdScientificNotation,
    /// AppointmentID that is not a non-negative integer.
    BadAppointmentId,
    /// AppointmentID already seen earlier in the same file.
    DuplicateAppointmentId,
    /// Gender other than F or M.
    UnknownGender,
    /// ScheduledDay or AppointmentDay that is not a date.
    BadDate,
    /// The appointment day is before the booking's date.
    AppointmentBeforeBooking,
    /// Age that is not an integer.
    BadAge,
    /// Age below zero.
    NegativeAge,
    /// Age above 115.
    AbsurdAge,
    /// A yes/no column (Scholarship, Hipertension, ...) that is not 0 or 1.
    BadFlag,
    /// Handcap that is not an integer from 0 to 4.
    HandicapOutOfRange,
    /// No-show other than Yes or No.
    UnknownOutcome,
}

impl DropReason {
    /// The report key.
    pub fn as_str(self) -> &'static str {
        match self {
            DropReason::MalformedRow => "malformed_row",
            DropReason::MissingPatientId => "missing_patient_id",
            DropReason::PatientIdScientificNotation => "patient_id_scientific_notation",
            DropReason::BadAppointmentId => "bad_appointment_id",
            DropReason::DuplicateAppointmentId => "duplicate_appointment_id",
            DropReason::UnknownGender => "unknown_gender",
            DropReason::BadDate => "bad_date",
            DropReason::AppointmentBeforeBooking => "appointment_before_booking",
            DropReason::BadAge => "bad_age",
            DropReason::NegativeAge => "negative_age",
            DropReason::AbsurdAge => "absurd_age",
            DropReason::BadFlag => "bad_flag",
            DropReason::HandicapOutOfRange => "handicap_out_of_range",
            DropReason::UnknownOutcome => "unknown_outcome",
        }
    }
}

/// A fix applied to a row that was then accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repair {
    /// PatientId written as a float with a zero fraction (`123.0`): the fraction is removed.
    PatientIdDecimalSuffix,
    /// A text field that was not UTF-8 was read as Latin-1 (spreadsheet exports).
    Latin1Text,
}

impl Repair {
    /// The report key.
    pub fn as_str(self) -> &'static str {
        match self {
            Repair::PatientIdDecimalSuffix => "patient_id_decimal_suffix",
            Repair::Latin1Text => "latin1_text",
        }
    }
}

/// Counts for one ingestion run. `rows_read = accepted + sum(dropped)`;
/// a repaired row is also counted as accepted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngestReport {
    /// Data rows read (the header excluded).
    pub rows_read: u64,
    /// Rows yielded to the caller.
    pub accepted: u64,
    /// Dropped rows by [`DropReason`] key.
    pub dropped: BTreeMap<String, u64>,
    /// Repairs by [`Repair`] key (a row may have several).
    pub repaired: BTreeMap<String, u64>,
}

impl IngestReport {
    /// Total rows dropped, all reasons together.
    pub fn dropped_total(&self) -> u64 {
        self.dropped.values().sum()
    }

    /// How many rows were dropped for `reason`.
    pub fn dropped_for(&self, reason: DropReason) -> u64 {
        self.dropped.get(reason.as_str()).copied().unwrap_or(0)
    }

    pub(crate) fn count_drop(&mut self, reason: DropReason) {
        *self.dropped.entry(reason.as_str().to_owned()).or_insert(0) += 1;
    }

    pub(crate) fn count_repair(&mut self, repair: Repair) {
        *self.repaired.entry(repair.as_str().to_owned()).or_insert(0) += 1;
    }
}
