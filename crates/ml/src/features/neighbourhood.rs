//! Neighbourhood as one number: its smoothed no-show log-odds in the training data.
//!
//! Target encoding keeps the model to one coefficient for 80-odd
//! neighbourhoods. It is fitted on training rows only (test rows never see
//! their own labels) and smoothed with a pseudo-count so a neighbourhood with
//! a handful of appointments sits near the overall rate. Names are matched
//! trimmed and upper-cased; unseen or missing ones get the overall rate.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

/// Default pseudo-count: a neighbourhood needs ~20 appointments to move halfway from the overall rate.
pub const DEFAULT_SMOOTHING: f64 = 20.0;

/// Smoothed no-show log-odds per neighbourhood, fitted on training data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NeighbourhoodEncoding {
    /// Log-odds by normalised (trimmed, upper-case) neighbourhood name.
    pub log_odds: BTreeMap<String, f64>,
    /// Log-odds of the overall training no-show rate: unknown or missing neighbourhoods.
    pub default: f64,
    /// Pseudo-count used when fitting.
    pub smoothing: f64,
}

impl NeighbourhoodEncoding {
    /// Fits the encoding on (neighbourhood, missed?) pairs from the training rows.
    pub fn fit<'a>(rows: impl IntoIterator<Item = (Option<&'a str>, bool)>, smoothing: f64) -> Self {
        let mut counts: HashMap<String, (f64, f64)> = HashMap::new();
        let (mut total, mut missed) = (0.0, 0.0);
        for (name, no_show) in rows {
            let hit = if no_show { 1.0 } else { 0.0 };
            total += 1.0;
            missed += hit;
            if let Some(name) = name.map(normalise).filter(|n| !n.is_empty()) {
                let entry = counts.entry(name).or_insert((0.0, 0.0));
                entry.0 += 1.0;
                entry.1 += hit;
            }
        }
        let overall = if total > 0.0 { missed / total } else { 0.5 };
        let smoothing = smoothing.max(0.0);
        let log_odds = counts
            .into_iter()
            .map(|(name, (n, k))| (name, logit((k + smoothing * overall) / (n + smoothing))))
            .collect();
        Self { log_odds, default: logit(overall), smoothing }
    }

    /// The encoded value for a neighbourhood.
    pub fn encode(&self, neighbourhood: Option<&str>) -> f64 {
        let Some(name) = neighbourhood else { return self.default };
        self.log_odds.get(name).or_else(|| self.log_odds.get(&normalise(name))).copied().unwrap_or(self.default)
    }
}

fn normalise(name: &str) -> String {
    name.trim().to_uppercase()
}

/// Log-odds, with the rate kept off 0 and 1 so the value stays finite.
fn logit(rate: f64) -> f64 {
    let rate = rate.clamp(1e-6, 1.0 - 1e-6);
    (rate / (1.0 - rate)).ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_neighbourhoods_are_pulled_toward_the_overall_rate() {
        let mut rows = vec![(Some("BIG"), false); 80];
        rows.extend(vec![(Some("BIG"), true); 20]);
        rows.push((Some(" tiny "), true));
        let encoding = NeighbourhoodEncoding::fit(rows, 20.0);
        let overall = 21.0 / 101.0;
        assert!((encoding.default - logit(overall)).abs() < 1e-12);
        let tiny = encoding.encode(Some("TINY"));
        assert!(tiny > encoding.default && tiny < logit(0.5), "tiny = {tiny}");
        assert_eq!(encoding.encode(Some("tiny")), tiny);
    }

    #[test]
    fn unknown_and_missing_neighbourhoods_get_the_overall_rate() {
        let encoding = NeighbourhoodEncoding::fit([(Some("A"), true), (Some("B"), false)], 1.0);
        assert_eq!(encoding.encode(Some("NOWHERE")), encoding.default);
        assert_eq!(encoding.encode(None), encoding.default);
    }
}
