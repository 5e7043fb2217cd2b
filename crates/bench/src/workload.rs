//! What the requests are about, picked from the seeded data: search queries,
//! patients, appointments and clinic days to read; the pool of past pending
//! appointments whose outcome is recorded (each once); and the free slots
//! bookings take (each once, API and raw alike, so no booking conflicts).

use crate::seed::generate::{Dataset, SEEDED_DAYS_AHEAD, SLOTS_PER_DAY};
use crate::seed::names::Rng;
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use domain::appointment::AppointmentStatus;
use domain::search_text;
use mongodb::bson::oid::ObjectId;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// Free half-hour slots after the seeded range, spread over every doctor:
/// slot `n` is doctor `n % doctors`, then day by day, 07:00-19:00.
pub struct Slots {
    first_day: NaiveDate,
    days: u64,
    doctors: usize,
    next: AtomicU64,
}

impl Slots {
    pub fn take(&self) -> Option<(usize, NaiveDateTime)> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let doctors = self.doctors as u64;
        let (doctor, k) = ((n % doctors) as usize, n / doctors);
        let (day, slot) = (k / SLOTS_PER_DAY as u64, k % SLOTS_PER_DAY as u64);
        if day >= self.days {
            return None;
        }
        let opening = NaiveTime::from_hms_opt(7, 0, 0).unwrap_or_default();
        let at = (self.first_day + Duration::days(day as i64)).and_time(opening) + Duration::minutes(30 * slot as i64);
        Some((doctor, at))
    }

    pub fn taken(&self) -> u64 {
        self.next.load(Ordering::Relaxed)
    }
}

pub struct Workload {
    /// Patient searches like "maria sil" (first name, start of a surname).
    pub searches: Vec<String>,
    pub patient_ids: Vec<String>,
    pub appointment_ids: Vec<ObjectId>,
    /// The latest clinic days up to today that have appointments.
    pub days: Vec<NaiveDate>,
    outcomes: Vec<ObjectId>,
    next_outcome: AtomicUsize,
    /// How many more the current cell may take (each cell gets its share of the pool).
    outcome_budget: AtomicUsize,
    pub slots: Slots,
}

impl Workload {
    pub fn pick(data: &Dataset, seed: u64, today: NaiveDate, doctors: usize) -> Self {
        let mut rng = Rng(seed ^ 0x5EED);
        let patients = &data.patients;
        let mut searches = vec!["maria sil".to_string()];
        while searches.len() < 20 {
            let words = search_text::words(&rng.pick(patients).patient.full_name);
            let surname: String = words[words.len() - 1].chars().take(3).collect();
            searches.push(format!("{} {surname}", words[0]));
        }
        let patient_ids = (0..1000).map(|_| rng.pick(patients).patient.id.clone()).collect();
        let appointment_ids =
            (0..1000).filter_map(|_| ObjectId::parse_str(&rng.pick(&data.appointments).appointment.id).ok()).collect();
        let mut days: Vec<NaiveDate> =
            data.appointments.iter().map(|a| a.appointment.starts_at.date()).filter(|d| *d <= today).collect();
        days.sort_unstable();
        days.dedup();
        let days = days.into_iter().rev().take(10).collect();
        let now = Utc::now();
        let mut outcomes: Vec<ObjectId> = data
            .appointments
            .iter()
            .map(|s| &s.appointment)
            .filter(|a| a.status == AppointmentStatus::Pending && a.starts_at_utc < now)
            .filter_map(|a| ObjectId::parse_str(&a.id).ok())
            .collect();
        // Shuffled, so consecutive outcomes touch different patients and days.
        for i in (1..outcomes.len()).rev() {
            outcomes.swap(i, rng.below(i as u64 + 1) as usize);
        }
        let first_day = today + Duration::days(SEEDED_DAYS_AHEAD + 1);
        // The booking horizon is 365 days.
        let slots = Slots { first_day, days: 360 - SEEDED_DAYS_AHEAD as u64, doctors, next: AtomicU64::new(0) };
        let budget = AtomicUsize::new(outcomes.len());
        Self { searches, patient_ids, appointment_ids, days, outcomes, next_outcome: AtomicUsize::new(0), outcome_budget: budget, slots }
    }

    /// The next past pending appointment, each handed out once, within the cell's share.
    pub fn next_outcome(&self) -> Option<ObjectId> {
        self.outcome_budget.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |b| b.checked_sub(1)).ok()?;
        self.outcomes.get(self.next_outcome.fetch_add(1, Ordering::Relaxed)).copied()
    }

    /// Gives the next cell an equal share of what is left among `cells` cells.
    pub fn share_outcomes(&self, cells: usize) {
        let left = self.outcomes.len().saturating_sub(self.next_outcome.load(Ordering::Relaxed));
        self.outcome_budget.store(left / cells.max(1), Ordering::Relaxed);
    }

    pub fn outcome_pool(&self) -> (usize, usize) {
        (self.next_outcome.load(Ordering::Relaxed).min(self.outcomes.len()), self.outcomes.len())
    }
}
