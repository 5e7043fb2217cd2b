//! The clinic's wall clock: an IANA time zone (`America/Sao_Paulo`), correct
//! across daylight-saving changes, or a fixed UTC offset (`-03:00`, the older
//! setting, kept for existing deployments).
//!
//! Appointment times are entered and shown as clinic wall-clock times; the
//! instant they happen (for reminders, "is it in the past?") comes from here.
//! A wall-clock time that does not exist (skipped when clocks go forward) is
//! refused; one that happens twice (clocks go back) means the first of the two.

use chrono::{DateTime, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClinicZone {
    Named(Tz),
    Fixed(FixedOffset),
}

/// A wall-clock time the clinic's clock never shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{0} does not exist in the clinic's time zone (the clocks skip it for daylight saving).")]
pub struct NonexistentLocalTime(pub NaiveDateTime);

impl ClinicZone {
    pub const UTC: ClinicZone = ClinicZone::Named(Tz::UTC);

    /// An IANA zone name such as `Europe/Lisbon`.
    pub fn named(name: &str) -> Option<Self> {
        name.trim().parse::<Tz>().ok().map(Self::Named)
    }

    /// `+HH:MM`, `-HH:MM` or `Z`.
    pub fn fixed_offset(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        if raw == "Z" {
            return Some(Self::Fixed(Utc.fix()));
        }
        let (sign, rest) = match raw.split_at_checked(1)? {
            ("+", rest) => (1, rest),
            ("-", rest) => (-1, rest),
            _ => return None,
        };
        let (h, m) = rest.split_once(':')?;
        let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
        if !(0..=14).contains(&h) || !(0..60).contains(&m) || h.to_string().len() > 2 || m.to_string().len() > 2 {
            return None;
        }
        FixedOffset::east_opt(sign * (h * 3600 + m * 60)).map(Self::Fixed)
    }

    /// Clinic wall-clock time at an instant.
    pub fn local(&self, at: DateTime<Utc>) -> NaiveDateTime {
        match self {
            Self::Named(tz) => at.with_timezone(tz).naive_local(),
            Self::Fixed(offset) => at.with_timezone(offset).naive_local(),
        }
    }

    /// The clinic's calendar day at an instant.
    pub fn today(&self, at: DateTime<Utc>) -> NaiveDate {
        self.local(at).date()
    }

    /// The instant a clinic wall-clock time happens.
    pub fn instant(&self, local: NaiveDateTime) -> Result<DateTime<Utc>, NonexistentLocalTime> {
        let resolved = match self {
            Self::Named(tz) => pick(tz.from_local_datetime(&local)),
            Self::Fixed(offset) => pick(offset.from_local_datetime(&local)),
        };
        resolved.ok_or(NonexistentLocalTime(local))
    }

    /// The instant a clinic day starts (midnight, or the first minute after a skipped one).
    pub fn start_of_day(&self, day: NaiveDate) -> DateTime<Utc> {
        let mut t = day.and_time(chrono::NaiveTime::MIN);
        for _ in 0..(24 * 4) {
            if let Ok(at) = self.instant(t) {
                return at;
            }
            t += chrono::Duration::minutes(15);
        }
        day.and_time(chrono::NaiveTime::MIN).and_utc()
    }
}

fn pick<Z: TimeZone>(result: LocalResult<DateTime<Z>>) -> Option<DateTime<Utc>> {
    match result {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(first, _) => Some(first.with_timezone(&Utc)),
        LocalResult::None => None,
    }
}

impl fmt::Display for ClinicZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Named(tz) => f.write_str(tz.name()),
            Self::Fixed(offset) => write!(f, "UTC{offset}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").unwrap()
    }

    #[test]
    fn lisbon_follows_daylight_saving_on_both_sides_of_the_change() {
        let zone = ClinicZone::named("Europe/Lisbon").unwrap();
        // 2026-03-29 01:00 UTC the clocks go from 01:00 to 02:00.
        assert_eq!(zone.instant(at("2026-03-28T09:30")).unwrap().to_rfc3339(), "2026-03-28T09:30:00+00:00");
        assert_eq!(zone.instant(at("2026-03-30T09:30")).unwrap().to_rfc3339(), "2026-03-30T08:30:00+00:00");
        assert!(zone.instant(at("2026-03-29T01:30")).is_err(), "skipped hour");
        // 2026-10-25 the clocks go back: 01:30 happens twice; the first is meant.
        assert_eq!(zone.instant(at("2026-10-25T01:30")).unwrap().to_rfc3339(), "2026-10-25T00:30:00+00:00");
    }

    #[test]
    fn today_is_the_clinic_day_not_the_utc_day() {
        let zone = ClinicZone::named("America/Sao_Paulo").unwrap();
        let late = "2026-11-26T01:30:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(zone.today(late).to_string(), "2026-11-25");
    }

    #[test]
    fn fixed_offsets_keep_working() {
        let zone = ClinicZone::fixed_offset("-03:00").unwrap();
        assert_eq!(zone.instant(at("2026-03-01T09:30")).unwrap().to_rfc3339(), "2026-03-01T12:30:00+00:00");
        assert_eq!(ClinicZone::fixed_offset("Z"), Some(ClinicZone::Fixed(Utc.fix())));
        for bad in ["3", "+3", "+15:00", "+03:60", "03:00", ""] {
            assert_eq!(ClinicZone::fixed_offset(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_day_that_starts_with_a_skipped_midnight_starts_at_the_first_real_minute() {
        // Sao Paulo skipped midnight on 2018-11-04.
        let zone = ClinicZone::named("America/Sao_Paulo").unwrap();
        let day = NaiveDate::from_ymd_opt(2018, 11, 4).unwrap();
        assert_eq!(zone.local(zone.start_of_day(day)).to_string(), "2018-11-04 01:00:00");
    }
}
