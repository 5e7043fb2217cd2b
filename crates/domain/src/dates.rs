//! Every date and time the API accepts, parsed strictly and bounded, so no
//! later arithmetic can overflow: years 1900 to 2100 only.

use crate::clinic_time::ClinicZone;
use crate::ValidationError;
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime};

pub const MIN_YEAR: i32 = 1900;
pub const MAX_YEAR: i32 = 2100;

fn in_range(year: i32) -> bool {
    (MIN_YEAR..=MAX_YEAR).contains(&year)
}

/// A calendar day written `YYYY-MM-DD` (four-digit year, no sign).
pub fn parse_date(field: &'static str, raw: &str) -> Result<NaiveDate, ValidationError> {
    let raw = raw.trim();
    let invalid = || ValidationError::new(field, format!("{field} must be a date like 2026-03-01, between {MIN_YEAR} and {MAX_YEAR}."));
    if raw.len() != 10 || !raw.as_bytes()[0].is_ascii_digit() {
        return Err(invalid());
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok().filter(|d| in_range(d.year())).ok_or_else(invalid)
}

/// A clinic wall-clock date and time: naive `YYYY-MM-DDTHH:MM[:SS[.fff]]` is
/// clinic time as written; a zoned ISO 8601 value (`...Z`, `+02:00`) is
/// converted to clinic time.
pub fn parse_wall_clock(field: &'static str, raw: &str, zone: &ClinicZone) -> Result<NaiveDateTime, ValidationError> {
    let raw = raw.trim();
    let invalid = || {
        ValidationError::new(field, format!("{field} must be a date and time like 2026-03-01T09:30:00, between {MIN_YEAR} and {MAX_YEAR}."))
    };
    if raw.len() < 16 || raw.len() > 35 || !raw.as_bytes()[0].is_ascii_digit() {
        return Err(invalid());
    }
    let parsed = if let Ok(zoned) = DateTime::parse_from_rfc3339(raw) {
        if !in_range(zoned.year()) {
            return Err(invalid());
        }
        Some(zone.local(zoned.to_utc()))
    } else {
        ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
            .iter()
            .find_map(|fmt| NaiveDateTime::parse_from_str(raw, fmt).ok())
    };
    parsed.filter(|t| in_range(t.year())).ok_or_else(invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_outside_the_supported_years_are_refused_with_the_field() {
        for bad in ["+262142-12-31", "9999-12-31", "1899-12-31", "2101-01-01", "2026-02-30", "26-03-01", "", "2026-3-1"] {
            assert_eq!(parse_date("date", bad).unwrap_err().field, "date", "{bad}");
        }
        assert_eq!(parse_date("date", "2100-12-31").unwrap().to_string(), "2100-12-31");
    }

    #[test]
    fn wall_clock_times_are_bounded_and_zoned_ones_converted() {
        let zone = ClinicZone::fixed_offset("-03:00").unwrap();
        assert_eq!(parse_wall_clock("t", "2026-03-01T09:30:00", &zone).unwrap().to_string(), "2026-03-01 09:30:00");
        assert_eq!(parse_wall_clock("t", "2026-03-01T22:00:00.000Z", &zone).unwrap().to_string(), "2026-03-01 19:00:00");
        for bad in ["9999-12-31T23:59:00", "+262142-12-31T00:00:00", "2026-03-01", "tomorrow", "2026-13-01T09:00"] {
            assert_eq!(parse_wall_clock("t", bad, &zone).unwrap_err().field, "t", "{bad}");
        }
    }
}
