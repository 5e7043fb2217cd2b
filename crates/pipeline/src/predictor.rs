//! The active model, behind a lock that is swapped when the registry's active
//! version changes (checked periodically), so the api and worker pick up a
//! newly activated model without a restart.

use crate::PipelineError;
use domain::prediction::{Prediction, PredictionInput, Predictor};
use domain::prediction::{Reason, RiskBand};
use ml::features::{BookingStats, FeatureInput, PriorStats};
use ml::model::Band;
use ml::model::ModelArtifact;
use std::sync::{Arc, RwLock};
use std::time::Duration;
use storage::Store;

#[derive(Clone, Default)]
pub struct ModelHandle {
    inner: Arc<RwLock<Option<Arc<ModelArtifact>>>>,
}

/// The what-if endpoint has no history, only an attendance score: it stands in
/// as ten past visits with the matching share of no-shows.
const STAND_IN_VISITS: u32 = 10;

/// Reasons stored with each prediction.
const REASONS: usize = 3;

fn prior(input: &PredictionInput) -> PriorStats {
    match input.past {
        Some(past) => PriorStats { visits: past.visits, no_shows: past.no_shows },
        None => input.attendance_score.map_or_else(PriorStats::default, |score| PriorStats {
            visits: STAND_IN_VISITS,
            no_shows: ((100 - u32::from(score.min(100))) * STAND_IN_VISITS + 50) / 100,
        }),
    }
}

/// The patient's earlier bookings as counted by the database (the what-if's
/// stand-in record counts as that many earlier bookings, none same-day).
fn bookings(input: &PredictionInput) -> BookingStats {
    match input.past {
        Some(past) => BookingStats {
            earlier: past.bookings,
            earlier_same_day: past.same_day_bookings,
            earlier_same_date: past.bookings_today,
        },
        None => BookingStats { earlier: prior(input).visits, ..BookingStats::default() },
    }
}

/// The model's view of a booking.
pub fn features(input: &PredictionInput) -> FeatureInput {
    FeatureInput {
        age: input.age,
        female: input.female,
        booked_at: input.booked_at,
        appointment_day: input.appointment_at.date(),
        scholarship: input.flags.scholarship,
        hypertension: input.flags.hypertension,
        diabetes: input.flags.diabetes,
        alcoholism: input.flags.alcoholism,
        handicap: input.flags.handicap,
        sms_received: input.sms_received,
        neighbourhood: input.neighbourhood.clone(),
        prior: prior(input),
        bookings: bookings(input),
    }
}

impl ModelHandle {
    pub fn current(&self) -> Option<Arc<ModelArtifact>> {
        self.inner.read().ok().and_then(|g| g.clone())
    }

    pub fn version(&self) -> Option<String> {
        self.current().map(|m| m.version.clone())
    }

    fn set(&self, model: Option<Arc<ModelArtifact>>) {
        if let Ok(mut guard) = self.inner.write() {
            *guard = model;
        }
    }

    /// Loads the registry's active version if it differs from the one held.
    pub async fn refresh(&self, store: &Store) -> Result<(), PipelineError> {
        let active = store.active_model_version().await?;
        if active == self.version() {
            return Ok(());
        }
        let Some(version) = active else {
            self.set(None);
            return Ok(());
        };
        let Some(record) = store.find_model(&version).await? else { return Ok(()) };
        let artifact = ModelArtifact::from_json(&record.artifact)?;
        tracing::info!(%version, "active model loaded");
        self.set(Some(Arc::new(artifact)));
        Ok(())
    }

    /// Re-checks the registry every `every` in the background.
    pub fn watch(handle: ModelHandle, store: Store, every: Duration) {
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                if let Err(err) = handle.refresh(&store).await {
                    tracing::warn!(error = %err, "could not check the active model");
                }
            }
        });
    }
}

impl Predictor for ModelHandle {
    fn predict(&self, input: &PredictionInput) -> Option<Prediction> {
        let model = self.current()?;
        let features = features(input);
        let p = model.predict_no_show(&features);
        let mut prediction = Prediction::new(p, model.is_no_show(p), model.version.clone(), chrono::Utc::now());
        prediction.band = model.band(p).map(|band| match band {
            Band::Low => RiskBand::Low,
            Band::Medium => RiskBand::Medium,
            Band::High => RiskBand::High,
        });
        prediction.reasons = model
            .explain(&features, REASONS)
            .into_iter()
            .map(|c| Reason { factor: c.family.key().to_string(), text: c.text, contribution: c.log_odds })
            .collect();
        Some(prediction)
    }
}
