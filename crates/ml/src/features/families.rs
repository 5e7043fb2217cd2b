//! Feature families: the 42 model features grouped into the handful of human
//! factors a front desk can read, each described in words for one booking.
//!
//! A prediction's reasons are the families whose summed contribution
//! (coefficient x standardised value, on the model's log-odds) is largest in
//! size; a positive contribution raises the no-show risk.

use serde::{Deserialize, Serialize};

use super::FeatureInput;

/// A human factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    LeadTime,
    Attendance,
    Bookings,
    Age,
    Weekday,
    Sms,
    Neighbourhood,
    Welfare,
    Conditions,
    Gender,
    BookingHour,
}

impl Family {
    pub const ALL: [Family; 11] = [
        Family::LeadTime,
        Family::Attendance,
        Family::Bookings,
        Family::Age,
        Family::Weekday,
        Family::Sms,
        Family::Neighbourhood,
        Family::Welfare,
        Family::Conditions,
        Family::Gender,
        Family::BookingHour,
    ];

    /// Stable key, e.g. `lead_time`.
    pub fn key(self) -> &'static str {
        match self {
            Family::LeadTime => "lead_time",
            Family::Attendance => "attendance",
            Family::Bookings => "bookings",
            Family::Age => "age",
            Family::Weekday => "weekday",
            Family::Sms => "sms",
            Family::Neighbourhood => "neighbourhood",
            Family::Welfare => "welfare",
            Family::Conditions => "conditions",
            Family::Gender => "gender",
            Family::BookingHour => "booking_hour",
        }
    }

    /// What the family measures, for the model card.
    pub fn meaning(self) -> &'static str {
        match self {
            Family::LeadTime => "days between booking and appointment, same-day bookings (and same-day bookings of children and seniors)",
            Family::Attendance => "the patient's earlier appointments with a known outcome: how many, how many missed",
            Family::Bookings => "the patient's earlier bookings: how many, how often same-day, how many earlier the same day",
            Family::Age => "age in years, age bands and age hinges",
            Family::Weekday => "the appointment's weekday",
            Family::Sms => "an SMS reminder is (or will be) sent",
            Family::Neighbourhood => "the neighbourhood's no-show rate in the training data",
            Family::Welfare => "enrolled in the Bolsa Família welfare programme",
            Family::Conditions => "hypertension, diabetes, alcoholism, disability",
            Family::Gender => "gender",
            Family::BookingHour => "the hour the booking was made",
        }
    }
}

/// The family of a feature, by name.
pub fn family_of(feature: &str) -> Family {
    match feature {
        "same_day" | "lead_days" | "log1p_lead_days" | "same_day_child" | "same_day_senior" => Family::LeadTime,
        f if f.starts_with("weekday_") => Family::Weekday,
        f if f == "age" || f.starts_with("age_") => Family::Age,
        "female" => Family::Gender,
        "scholarship" => Family::Welfare,
        "hypertension" | "diabetes" | "alcoholism" | "handicap" => Family::Conditions,
        "sms_received" => Family::Sms,
        "neighbourhood_log_odds" => Family::Neighbourhood,
        f if f.contains("prior_visits") || f.contains("prior_no_show") => Family::Attendance,
        "booking_hour" | "booking_hour_squared" => Family::BookingHour,
        _ => Family::Bookings,
    }
}

fn plural(n: u32, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The family, in words, for this booking.
pub fn describe(family: Family, input: &FeatureInput) -> String {
    match family {
        Family::LeadTime => match input.lead_days() {
            0 => "same-day booking".into(),
            1 => "booked 1 day ahead".into(),
            n => format!("booked {n} days ahead"),
        },
        Family::Attendance => match (input.prior.visits, input.prior.no_shows) {
            (0, _) => "no previous visit on record".into(),
            (1, 0) => "attended the previous visit".into(),
            (v, 0) => format!("attended all {v} previous visits"),
            (v, m) => format!("missed {m} of {}", plural(v, "previous visit", "previous visits")),
        },
        Family::Bookings => {
            let b = input.bookings;
            if b.earlier == 0 {
                "first booking on record".into()
            } else if b.earlier_same_date > 0 {
                format!("{} booked earlier today", plural(b.earlier_same_date, "other appointment", "other appointments"))
            } else {
                format!("{} of {} were same-day", b.earlier_same_day, plural(b.earlier, "earlier booking", "earlier bookings"))
            }
        }
        Family::Age => format!("aged {}", input.age),
        Family::Weekday => format!("on a {}", input.appointment_day.format("%A")),
        Family::Sms => if input.sms_received { "SMS reminder sent" } else { "no SMS reminder" }.into(),
        Family::Neighbourhood => match &input.neighbourhood {
            Some(n) => format!("lives in {n}"),
            None => "neighbourhood not recorded".into(),
        },
        Family::Welfare => if input.scholarship { "in the Bolsa Família programme" } else { "not in the Bolsa Família programme" }.into(),
        Family::Conditions => {
            let mut present = Vec::new();
            for (on, name) in [(input.hypertension, "hypertension"), (input.diabetes, "diabetes"), (input.alcoholism, "alcoholism"), (input.handicap > 0, "a disability")] {
                if on {
                    present.push(name);
                }
            }
            if present.is_empty() {
                "no chronic condition recorded".into()
            } else {
                format!("has {}", present.join(", "))
            }
        }
        Family::Gender => if input.female { "female" } else { "male" }.into(),
        Family::BookingHour => format!("booked at {}", input.booked_at.format("%H:00")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::{FeatureInput, BookingStats, PriorStats, FEATURE_NAMES};
    use crate::testing::record;

    #[test]
    fn every_feature_has_a_family_and_every_family_a_feature() {
        for family in Family::ALL {
            assert!(FEATURE_NAMES.iter().any(|f| family_of(f) == family), "{family:?} has no feature");
        }
        let bookings: Vec<_> = FEATURE_NAMES.iter().filter(|f| family_of(f) == Family::Bookings).collect();
        assert_eq!(bookings, [&"same_date_earlier_bookings", &"prior_booking_same_day_share", &"has_prior_booking"]);
    }

    #[test]
    fn families_are_described_in_words() {
        let mut input = FeatureInput::from_record(&record("p", 1, "2016-04-11", "2016-05-02", true), PriorStats::default(), BookingStats::default());
        assert_eq!(describe(Family::LeadTime, &input), "booked 21 days ahead");
        assert_eq!(describe(Family::Weekday, &input), "on a Monday");
        input.prior = PriorStats { visits: 3, no_shows: 2 };
        assert_eq!(describe(Family::Attendance, &input), "missed 2 of 3 previous visits");
        input.prior = PriorStats { visits: 1, no_shows: 0 };
        assert_eq!(describe(Family::Attendance, &input), "attended the previous visit");
        input.booked_at = input.appointment_day.and_hms_opt(8, 0, 0).unwrap();
        assert_eq!(describe(Family::LeadTime, &input), "same-day booking");
        input.bookings = BookingStats { earlier: 4, earlier_same_day: 3, earlier_same_date: 0 };
        assert_eq!(describe(Family::Bookings, &input), "3 of 4 earlier bookings were same-day");
    }
}
