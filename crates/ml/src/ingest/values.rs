//! Parsers for single fields; each says why a value is refused.

use chrono::{DateTime, NaiveDate, NaiveDateTime};

use super::report::{DropReason, Repair};

/// Oldest age accepted; the public file's maximum (115) is plausible, above is not.
pub(crate) const MAX_AGE: i64 = 115;
/// Highest Handcap value: the public dataset counts disabilities from 0 to 4.
pub(crate) const MAX_HANDICAP: i64 = 4;

/// A patient identifier, with the repair applied to it if any.
pub(crate) fn patient_id(raw: &str) -> Result<(String, Option<Repair>), DropReason> {
    let id = raw.trim();
    if id.is_empty() {
        return Err(DropReason::MissingPatientId);
    }
    if let Some((mantissa, exponent)) = scientific(id) {
        // `9377952927E-5` (integer mantissa, negative exponent) is how the public
        // file writes five float-typed ids: every digit is there, so it is kept.
        let exact = digits(mantissa) && exponent.starts_with('-');
        return if exact { Ok((id.to_owned(), None)) } else { Err(DropReason::PatientIdScientificNotation) };
    }
    if let Some((whole, fraction)) = id.split_once('.') {
        if digits(whole) && digits(fraction) && fraction.bytes().all(|b| b == b'0') {
            return Ok((whole.to_owned(), Some(Repair::PatientIdDecimalSuffix)));
        }
    }
    // A spreadsheet can also write the rounded number out in full (29872500000000).
    if digits(id) && id.len() >= 10 && id.bytes().rev().take_while(|&b| b == b'0').count() >= 6 {
        return Err(DropReason::PatientIdScientificNotation);
    }
    Ok((id.to_owned(), None))
}

/// Splits `1.5E+13` into mantissa and signed exponent; `None` unless the whole id is a number in E-notation.
fn scientific(id: &str) -> Option<(&str, &str)> {
    let (mantissa, exponent) = id.split_once(['e', 'E'])?;
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, "0"));
    let unsigned = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
    (digits(whole) && digits(fraction) && digits(unsigned)).then_some((mantissa, exponent))
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// ScheduledDay as clinic wall-clock time: an RFC 3339 timestamp (its offset
/// dropped), a naive date-time, or a bare date (midnight).
pub(crate) fn booked_at(raw: &str) -> Result<NaiveDateTime, DropReason> {
    let raw = raw.trim();
    if let Ok(instant) = DateTime::parse_from_rfc3339(raw) {
        return Ok(instant.naive_local());
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(at) = NaiveDateTime::parse_from_str(raw, format) {
            return Ok(at);
        }
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map(|day| day.and_time(chrono::NaiveTime::MIN))
        .map_err(|_| DropReason::BadDate)
}

/// AppointmentDay: the calendar date written first; any time part is ignored (it is always midnight).
pub(crate) fn appointment_day(raw: &str) -> Result<NaiveDate, DropReason> {
    let raw = raw.trim();
    let (date, rest) = raw.split_at_checked(10).ok_or(DropReason::BadDate)?;
    if !(rest.is_empty() || rest.starts_with(['T', ' '])) {
        return Err(DropReason::BadDate);
    }
    NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| DropReason::BadDate)
}

/// Gender as "is female": F/M or female/male, any case.
pub(crate) fn female(raw: &str) -> Result<bool, DropReason> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "f" | "female" => Ok(true),
        "m" | "male" => Ok(false),
        _ => Err(DropReason::UnknownGender),
    }
}

/// The No-show column: Yes means the appointment was missed.
pub(crate) fn no_show(raw: &str) -> Result<bool, DropReason> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "yes" | "1" => Ok(true),
        "no" | "0" => Ok(false),
        _ => Err(DropReason::UnknownOutcome),
    }
}

/// A yes/no column written 0/1 (or True/False, as pandas writes it).
pub(crate) fn flag(raw: &str) -> Result<bool, DropReason> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "1" | "true" => Ok(true),
        "0" | "false" => Ok(false),
        _ => Err(DropReason::BadFlag),
    }
}

/// Age in whole years, 0 to [`MAX_AGE`].
pub(crate) fn age(raw: &str) -> Result<u8, DropReason> {
    let age: i64 = raw.trim().parse().map_err(|_| DropReason::BadAge)?;
    match age {
        ..0 => Err(DropReason::NegativeAge),
        0..=MAX_AGE => u8::try_from(age).map_err(|_| DropReason::AbsurdAge),
        _ => Err(DropReason::AbsurdAge),
    }
}

/// Number of disabilities, 0 to [`MAX_HANDICAP`].
pub(crate) fn handicap(raw: &str) -> Result<u8, DropReason> {
    match raw.trim().parse::<i64>() {
        Ok(value @ 0..=MAX_HANDICAP) => u8::try_from(value).map_err(|_| DropReason::HandicapOutOfRange),
        _ => Err(DropReason::HandicapOutOfRange),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreadsheet_rounded_patient_ids_are_refused() {
        assert_eq!(patient_id("2.98725E+13"), Err(DropReason::PatientIdScientificNotation));
        assert_eq!(patient_id("8.67951e11"), Err(DropReason::PatientIdScientificNotation));
        assert_eq!(patient_id("29872500000000"), Err(DropReason::PatientIdScientificNotation));
    }

    #[test]
    fn exact_patient_id_forms_are_kept() {
        assert_eq!(patient_id(" 29872499824296 "), Ok(("29872499824296".into(), None)));
        assert_eq!(patient_id("9377952927E-5"), Ok(("9377952927E-5".into(), None)));
        assert_eq!(patient_id("123.00"), Ok(("123".into(), Some(Repair::PatientIdDecimalSuffix))));
        assert_eq!(patient_id("PE-2016-7"), Ok(("PE-2016-7".into(), None)));
        assert_eq!(patient_id(""), Err(DropReason::MissingPatientId));
    }

    #[test]
    fn dates_accept_the_public_format_and_common_variants() {
        let booked = booked_at("2016-04-29T18:38:08Z").expect("rfc3339");
        assert_eq!(booked.to_string(), "2016-04-29 18:38:08");
        assert_eq!(booked_at("2016-04-29 18:38:08").expect("naive"), booked);
        assert_eq!(booked_at("2016-04-29T18:38:08-03:00").expect("offset"), booked, "wall-clock time is kept");
        assert_eq!(appointment_day("2016-04-29T00:00:00Z").expect("day"), booked.date());
        assert_eq!(appointment_day("29/04/2016"), Err(DropReason::BadDate));
        assert_eq!(booked_at("yesterday"), Err(DropReason::BadDate));
    }

    #[test]
    fn ages_and_handicaps_outside_their_ranges_are_refused() {
        assert_eq!(age("-1"), Err(DropReason::NegativeAge));
        assert_eq!(age("115"), Ok(115));
        assert_eq!(age("116"), Err(DropReason::AbsurdAge));
        assert_eq!(age("x"), Err(DropReason::BadAge));
        assert_eq!(handicap("4"), Ok(4));
        assert_eq!(handicap("5"), Err(DropReason::HandicapOutOfRange));
    }
}
