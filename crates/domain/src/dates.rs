//! Every date and time the API accepts, parsed strictly and bounded, so no
//! later arithmetic can overflow: years 1900 to 2100 only.

use crate::clinic_time::ClinicZone;
use crate::ValidationError;
use chrono::{Datelike, NaiveDate, NaiveDateTime};

pub const MIN_YEAR: i32 = 1900;
pub const MAX_YEAR: i32 = 2100;

fn in_range(year: i32) -> bool {
    (MIN_YEAR..=MAX_YEAR).contains(&year)
}

/// A calendar day written `YYYY-MM-DD` ([`crate::text::DATE_PATTERN`]).
pub fn parse_date(field: &'static str, raw: &str) -> Result<NaiveDate, ValidationError> {
    let invalid = || ValidationError::new(field, format!("{field} must be a date like 2026-03-01, between {MIN_YEAR} and {MAX_YEAR}."));
    if !crate::text::is_date(raw) {
        return Err(invalid());
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok().filter(|d| in_range(d.year())).ok_or_else(invalid)
}

/// A clinic wall-clock date and time: naive `YYYY-MM-DDTHH:MM[:SS[.fff]]` is
/// clinic time as written; a zoned ISO 8601 value (`...Z`, `+02:00`) is
/// converted to clinic time.
pub fn parse_wall_clock(field: &'static str, raw: &str, zone: &ClinicZone) -> Result<NaiveDateTime, ValidationError> {
    let invalid = || {
        ValidationError::new(field, format!("{field} must be a date and time like 2026-03-01T09:30:00, between {MIN_YEAR} and {MAX_YEAR}."))
    };
    if !crate::text::is_date_time(raw) {
        return Err(invalid());
    }
    // The pattern guarantees the shape (and a real calendar day, bounded
    // years); converting a zoned instant to clinic time moves it by less than
    // a day, which cannot overflow.
    let (local, offset) = split_offset(raw);
    let local = local.replacen(' ', "T", 1);
    let naive = ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"]
        .iter()
        .find_map(|fmt| NaiveDateTime::parse_from_str(&local, fmt).ok())
        .ok_or_else(invalid)?;
    match offset {
        None => Ok(naive),
        Some(seconds) => {
            let offset = chrono::FixedOffset::east_opt(seconds).ok_or_else(invalid)?;
            let instant = naive.and_local_timezone(offset).single().ok_or_else(invalid)?;
            Ok(zone.local(instant.to_utc()))
        }
    }
}

/// `...Z` or `...+HH:MM`/`...-HH:MM` at the end: the rest and the offset in seconds.
fn split_offset(raw: &str) -> (&str, Option<i32>) {
    if let Some(rest) = raw.strip_suffix('Z') {
        return (rest, Some(0));
    }
    let tail = raw.len().saturating_sub(6);
    match (raw.get(tail..tail + 1), raw.get(tail + 1..tail + 3), raw.get(tail + 4..)) {
        (Some(sign @ ("+" | "-")), Some(h), Some(m)) if raw.as_bytes().get(tail + 3) == Some(&b':') => {
            match (h.parse::<i32>(), m.parse::<i32>()) {
                (Ok(h), Ok(m)) => (&raw[..tail], Some(if sign == "-" { -1 } else { 1 } * (h * 3600 + m * 60))),
                _ => (raw, None),
            }
        }
        _ => (raw, None),
    }
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
        for ok in ["2026-03-01T09:30Z", "2026-03-01 09:30:00.5-03:00", "2026-03-01T12:30+03:00"] {
            assert_eq!(parse_wall_clock("t", ok, &zone).unwrap().date().to_string(), "2026-03-01", "{ok}");
        }
        assert_eq!(parse_wall_clock("t", "2026-03-01T12:30+03:00", &zone).unwrap().to_string(), "2026-03-01 06:30:00");
        for bad in ["9999-12-31T23:59:00", "+262142-12-31T00:00:00", "2026-03-01", "tomorrow", "2026-13-01T09:00", "2026-02-30T09:00"] {
            assert_eq!(parse_wall_clock("t", bad, &zone).unwrap_err().field, "t", "{bad}");
        }
    }
}
