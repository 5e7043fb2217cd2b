//! The model card: what a clinic needs to judge a model version before relying
//! on it (data window, features and their reason words, metrics, calibration,
//! per-group figures, intended use), as JSON, and as a page with plots drawn
//! on the server as SVG (`templates/model_card.html`), which works offline.

use domain::prediction::RiskBand;
use minijinja::{context, Environment};
use ml::features::families::{family_of, Family};
use ml::features::FEATURE_NAMES;
use ml::metrics::{CalibrationBucket, Evaluation, GroupFigures, GroupMargins, GroupTables};
use ml::model::{CalibrationReport, ModelArtifact, RiskBands, RocPoint, RowCounts, SplitInfo, TrainingInfo};
use serde::Serialize;
use utoipa::ToSchema;

/// What the predictions are for.
pub const INTENDED_USE: &str = "Prioritising reminders and calls to the patients most likely to miss an appointment, \
    and planning double-booking of slots likely to stay empty.";
/// What they must never be used for.
pub const NOT_INTENDED_FOR: &str = "Never to deny, delay or downgrade care, to refuse a booking, or to judge a patient: \
    a high risk is a reason to reach out, not to turn away.";

/// One feature family: what it measures, the words its reasons use, its features and coefficients.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FactorCard {
    pub factor: String,
    pub meaning: String,
    /// Examples of the reason words this factor produces.
    pub reason_words: Vec<String>,
    pub features: Vec<FeatureWeight>,
}

/// A feature and its coefficient on the standardised feature.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FeatureWeight {
    pub name: String,
    pub coefficient: f64,
}

/// The model card of one version.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ModelCard {
    pub version: String,
    pub created_at: String,
    pub active: bool,
    pub intended_use: String,
    pub not_intended_for: String,
    #[schema(value_type = Object)]
    pub split: SplitInfo,
    #[schema(value_type = Object)]
    pub rows: RowCounts,
    pub data_hash: String,
    #[schema(value_type = Object)]
    pub training: TrainingInfo,
    pub factors: Vec<FactorCard>,
    pub validation_auc: Option<f64>,
    /// The held-out fit on the test period, with the served (calibrated) probabilities.
    #[schema(value_type = Object)]
    pub evaluation: Evaluation,
    /// Always predicting "attends".
    #[schema(value_type = Object)]
    pub baseline: Evaluation,
    pub threshold: f64,
    #[schema(value_type = Option<Object>)]
    pub bands: Option<RiskBands>,
    /// Before and after calibration (absent for models trained before calibration).
    #[schema(value_type = Option<Object>)]
    pub calibration: Option<CalibrationReport>,
    /// Reliability of the served probabilities on the test period.
    #[schema(value_type = Vec<Object>)]
    pub reliability: Vec<CalibrationBucket>,
    #[schema(value_type = Option<Object>)]
    pub groups: Option<GroupTables>,
    #[schema(value_type = Option<Object>)]
    pub group_margins: Option<GroupMargins>,
    #[schema(value_type = Vec<Object>)]
    pub roc: Vec<RocPoint>,
}

fn reason_words(family: Family) -> Vec<String> {
    let words: &[&str] = match family {
        Family::LeadTime => &["same-day booking", "booked 21 days ahead"],
        Family::Attendance => &["missed 2 of 3 previous visits", "attended all 4 previous visits", "no previous visit on record"],
        Family::Bookings => &["first booking on record", "1 other appointment booked earlier today", "3 of 4 earlier bookings were same-day"],
        Family::Age => &["aged 19"],
        Family::Weekday => &["on a Monday"],
        Family::Sms => &["SMS reminder sent", "no SMS reminder"],
        Family::Neighbourhood => &["lives in CENTRO"],
        Family::Welfare => &["in the Bolsa Família programme"],
        Family::Conditions => &["has hypertension, diabetes", "no chronic condition recorded"],
        Family::Gender => &["female", "male"],
        Family::BookingHour => &["booked at 14:00"],
    };
    words.iter().map(|w| (*w).to_string()).collect()
}

impl ModelCard {
    pub fn of(model: &ModelArtifact, active: bool) -> Self {
        let factors = Family::ALL
            .iter()
            .map(|&family| FactorCard {
                factor: family.key().to_string(),
                meaning: family.meaning().to_string(),
                reason_words: reason_words(family),
                features: model
                    .feature_names
                    .iter()
                    .zip(&model.coefficients)
                    .filter(|(name, _)| FEATURE_NAMES.contains(&name.as_str()) && family_of(name) == family)
                    .map(|(name, c)| FeatureWeight { name: name.clone(), coefficient: *c })
                    .collect(),
            })
            .filter(|f| !f.features.is_empty())
            .collect();
        let held_out = model.held_out.as_ref();
        Self {
            version: model.version.clone(),
            created_at: model.created_at.to_rfc3339(),
            active,
            intended_use: INTENDED_USE.into(),
            not_intended_for: NOT_INTENDED_FOR.into(),
            split: model.split.clone(),
            rows: model.rows,
            data_hash: model.data_hash.clone(),
            training: model.training.clone(),
            factors,
            validation_auc: model.validation_auc,
            evaluation: model.evaluation.clone(),
            baseline: model.baseline.clone(),
            threshold: model.threshold,
            bands: model.bands,
            calibration: held_out.map(|h| h.calibration.clone()),
            reliability: model.calibration.clone(),
            groups: held_out.map(|h| h.groups.clone()),
            group_margins: held_out.map(|h| h.margins),
            roc: held_out.map(|h| h.roc.clone()).unwrap_or_default(),
        }
    }

    /// The card as JSON, camelCase throughout (the artifact's own parts are snake_case).
    pub fn json(&self) -> serde_json::Value {
        camel_case_keys(serde_json::to_value(self).unwrap_or_default())
    }

    /// The card as an HTML page with SVG plots.
    pub fn html(&self) -> Result<String, minijinja::Error> {
        let mut env = Environment::new();
        env.add_template("model_card.html", include_str!("../../templates/model_card.html"))?;
        let groups: Vec<(&str, &GroupFigures)> = self
            .groups
            .iter()
            .flat_map(|g| {
                g.gender.iter().map(|f| ("gender", f)).chain(g.age_band.iter().map(|f| ("age", f))).chain(g.neighbourhood.iter().map(|f| ("neighbourhood", f)))
            })
            .collect();
        env.get_template("model_card.html")?.render(context! {
            card => self.json(),
            roc => plot::roc(&self.roc),
            reliability => plot::reliability(&self.reliability, self.calibration.as_ref().map(|c| c.reliability_before.as_slice())),
            group_bars => plot::group_bars(&groups),
            bands => self.bands.map(|b| [(RiskBand::Low, 0.0, b.low_below), (RiskBand::Medium, b.low_below, b.high_from), (RiskBand::High, b.high_from, 1.0)]),
        })
    }
}

fn camel_case_keys(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (camel_case(&k), camel_case_keys(v))).collect()),
        Value::Array(items) => Value::Array(items.into_iter().map(camel_case_keys).collect()),
        other => other,
    }
}

fn camel_case(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut upper = false;
    for c in key.chars() {
        if c == '_' {
            upper = !out.is_empty();
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Plot geometry in SVG user units (the template draws it).
mod plot {
    use super::*;

    /// The square plot area: origin at (`LEFT`, `TOP + SIZE`), `SIZE` wide and high.
    const LEFT: f64 = 50.0;
    const TOP: f64 = 10.0;
    const SIZE: f64 = 300.0;

    fn x(v: f64) -> f64 {
        LEFT + v.clamp(0.0, 1.0) * SIZE
    }

    fn y(v: f64) -> f64 {
        TOP + (1.0 - v.clamp(0.0, 1.0)) * SIZE
    }

    fn points(pairs: impl Iterator<Item = (f64, f64)>) -> String {
        pairs.map(|(a, b)| format!("{:.1},{:.1}", x(a), y(b))).collect::<Vec<_>>().join(" ")
    }

    #[derive(Serialize)]
    pub struct Curve {
        pub points: String,
        pub diagonal: String,
    }

    pub fn roc(roc: &[RocPoint]) -> Curve {
        Curve {
            points: points(roc.iter().map(|p| (p.false_positive_rate, p.true_positive_rate))),
            diagonal: points([(0.0, 0.0), (1.0, 1.0)].into_iter()),
        }
    }

    #[derive(Serialize)]
    pub struct Reliability {
        pub after: String,
        pub before: String,
        pub diagonal: String,
        /// Dots of the served probabilities: (cx, cy, count).
        pub dots: Vec<(f64, f64, u64)>,
    }

    pub fn reliability(after: &[CalibrationBucket], before: Option<&[CalibrationBucket]>) -> Reliability {
        let line = |b: &[CalibrationBucket]| points(b.iter().map(|b| (b.mean_predicted, b.observed_rate)));
        Reliability {
            after: line(after),
            before: before.map(line).unwrap_or_default(),
            diagonal: points([(0.0, 0.0), (1.0, 1.0)].into_iter()),
            dots: after.iter().map(|b| (x(b.mean_predicted), y(b.observed_rate), b.count)).collect(),
        }
    }

    #[derive(Serialize)]
    pub struct Bar {
        pub label: String,
        pub y: f64,
        /// Bar lengths (px) of AUC, false-positive and false-negative rate.
        pub auc: f64,
        pub fpr: f64,
        pub fnr: f64,
        pub flagged: bool,
    }

    /// One row of three bars per group; 300 px is a value of 1.
    pub fn group_bars(groups: &[(&str, &GroupFigures)]) -> Vec<Bar> {
        groups
            .iter()
            .enumerate()
            .map(|(i, (kind, g))| Bar {
                label: format!("{kind} {}", g.group),
                y: 20.0 + 30.0 * i as f64,
                auc: g.auc.unwrap_or(0.0) * SIZE,
                fpr: g.false_positive_rate.unwrap_or(0.0) * SIZE,
                fnr: g.false_negative_rate.unwrap_or(0.0) * SIZE,
                flagged: g.flagged,
            })
            .collect()
    }
}
