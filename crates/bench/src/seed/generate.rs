//! The data set, generated in memory (deterministic for a seed, apart from
//! "now"): patients with realistic names and contacts, and each doctor's
//! appointments on distinct half-hour slots (07:00-19:00 on weekdays, about
//! 80% filled) up to 60 days ahead. Past appointments are mostly done (with
//! outcome, prediction and the patient's attendance), some canceled, and
//! pending where staff have not recorded the outcome yet: half of the last
//! 30 days, 4% of older ones (the pool the outcome benchmark records).

use super::names::{full_name, Rng, NEIGHBOURHOODS, REASONS};
use chrono::{DateTime, Datelike, Duration, NaiveDateTime, NaiveTime, Utc, Weekday};
use domain::appointment::{Appointment, AppointmentStatus, Outcome};
use domain::clinic_time::ClinicZone;
use domain::patient::{age_on, Attendance, ClinicalFlags, Gender, Patient};
use domain::prediction::Prediction;
use domain::search_text;
use mongodb::bson::oid::ObjectId;
use storage::appointments::Subject;
use storage::history::HistoryRow;
use storage::seed::{SeedAppointment, SeedPatient};

pub const SLOTS_PER_DAY: usize = 24;
/// Seeded appointments end this many days after today; bookings go later.
pub const SEEDED_DAYS_AHEAD: i64 = 60;

pub struct Input<'a> {
    pub seed: u64,
    pub record_numbers: Vec<String>,
    pub doctors: &'a [String],
    pub admin_id: &'a str,
    pub appointments: usize,
    /// The active model's version (recent bookings) and an older one.
    pub model_version: &'a str,
    pub zone: ClinicZone,
    pub now: DateTime<Utc>,
}

pub struct Dataset {
    pub patients: Vec<SeedPatient>,
    pub appointments: Vec<SeedAppointment>,
    pub history: Vec<HistoryRow>,
}

/// A time-ordered ObjectId, as the server would have given at `at`.
fn object_id_at(at: DateTime<Utc>, rng: &mut Rng) -> String {
    let mut bytes = [0u8; 12];
    bytes[..4].copy_from_slice(&(at.timestamp().max(0) as u32).to_be_bytes());
    bytes[4..].copy_from_slice(&rng.next_u64().to_be_bytes());
    ObjectId::from_bytes(bytes).to_hex()
}

fn patient(rng: &mut Rng, i: usize, id: String, input: &Input, registered: DateTime<Utc>) -> Patient {
    let female = rng.chance(0.55);
    let (name, _) = full_name(rng, female);
    let today = input.zone.today(input.now);
    let years = rng.below(96) as i64;
    let dob = rng.chance(0.95).then(|| today - Duration::days(years * 365 + years / 4 + rng.below(365) as i64));
    // A bijection of the index onto 8 digits: unique phones, so no two patients share a dedupe key.
    let phone = rng.chance(0.9).then(|| {
        let d = (i as u64 * 7_654_321 + 1_234_567) % 100_000_000;
        format!("(27) 9{:04}-{:04}", d / 10_000, d % 10_000)
    });
    let email = rng.chance(0.35).then(|| {
        let words = search_text::words(&name);
        format!("{}.{}{}@exemplo.com.br", words[0], words[words.len() - 1], i % 1000)
    });
    Patient {
        age: dob.map_or(years as u8, |d| age_on(d, today)),
        id,
        full_name: name,
        date_of_birth: dob,
        gender: if female { Gender::F } else { Gender::M },
        phone,
        email,
        neighbourhood: rng.chance(0.95).then(|| rng.skewed(NEIGHBOURHOODS).to_string()),
        flags: ClinicalFlags {
            scholarship: rng.chance(0.10),
            hypertension: rng.chance(0.20),
            diabetes: rng.chance(0.07),
            alcoholism: rng.chance(0.03),
            handicap: if rng.chance(0.02) { 1 + rng.below(2) as u8 } else { 0 },
        },
        attendance: Attendance::default(),
        doctor_id: if rng.chance(0.1) { input.admin_id.to_string() } else { rng.pick(input.doctors).clone() },
        created_at: registered,
        reminders_opt_out: rng.chance(0.02),
    }
}

/// Weekdays ending `SEEDED_DAYS_AHEAD` after today, enough for every doctor's share.
fn clinic_days(input: &Input, per_doctor: usize) -> Vec<chrono::NaiveDate> {
    let needed = (per_doctor as f64 / 0.8 / SLOTS_PER_DAY as f64).ceil() as usize;
    let mut days = Vec::with_capacity(needed);
    let mut day = input.zone.today(input.now) + Duration::days(SEEDED_DAYS_AHEAD);
    while days.len() < needed {
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            days.push(day);
        }
        day -= Duration::days(1);
    }
    days.reverse();
    days
}

pub fn generate(input: Input) -> Dataset {
    let mut rng = Rng(input.seed);
    let (now, zone) = (input.now, input.zone);
    let now_clinic = zone.local(now);
    let per_doctor = input.appointments.div_ceil(input.doctors.len());
    let days = clinic_days(&input, per_doctor);
    // Patients registered in record-number order, from a month before the first appointment.
    let first = zone.instant(days[0].and_time(NaiveTime::MIN)).unwrap_or(now) - Duration::days(30);
    let span = (now - first).num_seconds().max(1);
    let n = input.record_numbers.len();
    let mut patients: Vec<SeedPatient> = input
        .record_numbers
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let registered = first + Duration::seconds(span * i as i64 / n as i64);
            SeedPatient { patient: patient(&mut rng, i, id.clone(), &input, registered), applied: Vec::new() }
        })
        .collect();

    let opening = NaiveTime::from_hms_opt(7, 0, 0).unwrap_or_default();
    let mut slots: Vec<u32> = (0..(days.len() * SLOTS_PER_DAY) as u32).collect();
    let mut appointments = Vec::with_capacity(input.appointments);
    for doctor in input.doctors {
        let count = (input.appointments - appointments.len()).min(per_doctor);
        // Partial Fisher-Yates: the first `count` slots are a uniform sample.
        for k in 0..count {
            let j = k + rng.below((slots.len() - k) as u64) as usize;
            slots.swap(k, j);
        }
        for &slot in &slots[..count] {
            let slot = slot as usize;
            let starts_at: NaiveDateTime = days[slot / SLOTS_PER_DAY].and_time(opening) + Duration::minutes(30 * (slot % SLOTS_PER_DAY) as i64);
            let who = rng.below(n as u64) as usize;
            let a = appointment(&mut rng, &input, doctor, &patients[who].patient, starts_at, now_clinic);
            if let (Some(o), AppointmentStatus::Done) = (a.appointment.outcome, a.appointment.status) {
                let p = &mut patients[who];
                p.applied.push((a.appointment.id.clone(), o.attended()));
                let counts = &mut p.patient.attendance;
                match o.attended() {
                    domain::appointment::Attended::OnTime => counts.on_time += 1,
                    domain::appointment::Attended::Late => counts.late += 1,
                    domain::appointment::Attended::Missed => counts.missed += 1,
                }
            }
            appointments.push(a);
        }
    }
    // Stored in booking order, as a live system writes them.
    appointments.sort_by_key(|a| a.appointment.created_at);
    let index: std::collections::HashMap<&str, usize> = patients.iter().enumerate().map(|(i, p)| (p.patient.id.as_str(), i)).collect();
    let history = appointments
        .iter()
        .filter_map(|a| storage::seed::history_row(&a.appointment, &patients[index[a.appointment.patient_id.as_str()]].patient, &zone))
        .collect();
    Dataset { patients, appointments, history }
}

fn appointment(rng: &mut Rng, input: &Input, doctor: &str, p: &Patient, starts_at: NaiveDateTime, now_clinic: NaiveDateTime) -> SeedAppointment {
    let now = input.now;
    let starts_at_utc = input.zone.instant(starts_at).unwrap_or_else(|_| starts_at.and_utc());
    let age_days = (now_clinic.date() - starts_at.date()).num_days();
    let roll = rng.unit();
    let status = match (starts_at_utc < now, age_days <= 30) {
        (true, true) if roll < 0.45 => AppointmentStatus::Done,
        (true, true) if roll < 0.50 => AppointmentStatus::Canceled,
        (true, false) if roll < 0.85 => AppointmentStatus::Done,
        (true, false) if roll < 0.96 => AppointmentStatus::Canceled,
        (false, _) if roll < 0.07 => AppointmentStatus::Canceled,
        _ => AppointmentStatus::Pending,
    };
    let missed = rng.chance(0.2);
    let outcome = (status == AppointmentStatus::Done).then(|| Outcome { showed_up: !missed, was_late: !missed && rng.chance(0.15) });
    // Booked 1 hour to 45 days ahead, never in the future.
    let mut created_at = starts_at_utc - Duration::minutes(60 + rng.below(45 * 24 * 60) as i64);
    if created_at > now {
        created_at = now - Duration::minutes(rng.below(14 * 24 * 60) as i64 + 1);
    }
    let version = if (now - created_at).num_days() > 180 { "bench-legacy-v0" } else { input.model_version };
    // Scores that carry signal: missed appointments score higher on average.
    let prediction = rng.chance(0.9).then(|| {
        let p = ((if missed { 0.36 } else { 0.18 }) + (rng.unit() - 0.5) * 0.5).clamp(0.01, 0.95);
        Prediction::new(p, p >= 0.3, version.to_string(), created_at)
    });
    let recorded = (starts_at_utc + Duration::minutes(30 + rng.below(8 * 60) as i64)).min(now);
    let canceled = created_at + Duration::seconds(((starts_at_utc.min(now) - created_at).num_seconds().max(1) as f64 * rng.unit()) as i64);
    let age = p.current_age(starts_at.date());
    let booked_by = if rng.chance(0.3) { input.admin_id.to_string() } else { doctor.to_string() };
    SeedAppointment {
        appointment: Appointment {
            id: object_id_at(created_at, rng),
            patient_id: p.id.clone(),
            patient_name: p.full_name.clone(),
            doctor_id: doctor.to_string(),
            starts_at,
            starts_at_utc,
            sms_received: rng.chance(0.4),
            reason: rng.chance(0.3).then(|| rng.pick(REASONS).to_string()),
            status,
            outcome,
            outcome_recorded_at: outcome.map(|_| recorded),
            prediction,
            created_at,
        },
        subject: Some(Subject {
            gender: p.gender,
            age,
            age_band: Some(ml::metrics::age_band(age).to_string()),
            neighbourhood: p.neighbourhood.clone(),
        }),
        booked_by,
        closed_by: Some(doctor.to_string()),
        canceled_at: (status == AppointmentStatus::Canceled).then_some(canceled),
    }
}
