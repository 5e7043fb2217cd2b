//! Beta calibration: `p' = sigmoid(c + a ln p - b ln(1 - p))`, fitted on
//! held-out predictions (the validation slice, scored by the model fitted
//! before it). Three parameters fix what drift does to both tails (too high
//! at the low end and the high end), which a two-parameter logit map cannot;
//! it is monotone (a > 0, b >= 0), so rankings, AUC and flagged appointments
//! do not change. Fitted by Newton's method on the log-loss.

use serde::{Deserialize, Serialize};

use super::sigmoid;

/// Probabilities are kept this far from 0 and 1 before taking logs.
const EPSILON: f64 = 1e-6;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BetaCalibrator {
    pub a: f64,
    pub b: f64,
    pub c: f64,
}

fn logs(p: f64) -> (f64, f64) {
    let p = p.clamp(EPSILON, 1.0 - EPSILON);
    (p.ln(), -(1.0 - p).ln())
}

impl BetaCalibrator {
    pub fn apply(&self, p: f64) -> f64 {
        let (u, v) = logs(p);
        sigmoid(self.c + self.a * u + self.b * v)
    }

    /// Fits on (probability, missed?) pairs. `None` when the data cannot
    /// support a monotone calibration (a single class, or a fit with a <= 0).
    pub fn fit(p: &[f64], y: &[bool]) -> Option<Self> {
        let rows: Vec<(f64, f64, f64)> = p.iter().zip(y).map(|(&p, &y)| {
            let (u, v) = logs(p);
            (u, v, if y { 1.0 } else { 0.0 })
        }).collect();
        let positives = rows.iter().filter(|r| r.2 > 0.5).count();
        if positives == 0 || positives == rows.len() {
            return None;
        }
        let full = newton(&rows, true)?;
        let fitted = if full[1] >= 0.0 { full } else { newton(&rows, false)? };
        let calibrator = Self { a: fitted[0], b: fitted[1], c: fitted[2] };
        (calibrator.a > 0.0 && calibrator.b >= 0.0 && [calibrator.a, calibrator.b, calibrator.c].iter().all(|v| v.is_finite())).then_some(calibrator)
    }
}

/// Newton-Raphson on the mean log-loss of `c + a u + b v` (with `b` fixed at 0
/// unless `with_b`); returns `[a, b, c]`.
fn newton(rows: &[(f64, f64, f64)], with_b: bool) -> Option<[f64; 3]> {
    let mut w = [1.0, 0.0, 0.0];
    let n = rows.len() as f64;
    for _ in 0..100 {
        let (mut g, mut h) = ([0.0; 3], [[0.0; 3]; 3]);
        for &(u, v, y) in rows {
            let x = [u, if with_b { v } else { 0.0 }, 1.0];
            let p = sigmoid(w[0] * x[0] + w[1] * x[1] + w[2] * x[2]);
            let (r, s) = (p - y, p * (1.0 - p));
            for i in 0..3 {
                g[i] += r * x[i] / n;
                for j in 0..3 {
                    h[i][j] += s * x[i] * x[j] / n;
                }
            }
        }
        // A tiny ridge keeps the system solvable (and b's row when b is fixed).
        for (i, row) in h.iter_mut().enumerate() {
            row[i] += 1e-9;
        }
        if !with_b {
            h[1] = [0.0, 1.0, 0.0];
            g[1] = 0.0;
        }
        let step = solve(h, g)?;
        for i in 0..3 {
            w[i] -= step[i];
        }
        if step.iter().map(|s| s.abs()).fold(0.0, f64::max) < 1e-10 {
            return Some(w);
        }
    }
    Some(w)
}

/// Solves `h x = g` (3x3) by Gaussian elimination with partial pivoting.
fn solve(mut h: [[f64; 3]; 3], mut g: [f64; 3]) -> Option<[f64; 3]> {
    for col in 0..3 {
        let pivot = (col..3).max_by(|&a, &b| h[a][col].abs().total_cmp(&h[b][col].abs()))?;
        if h[pivot][col].abs() < 1e-14 {
            return None;
        }
        h.swap(col, pivot);
        g.swap(col, pivot);
        for row in col + 1..3 {
            let factor = h[row][col] / h[col][col];
            let pivot_row = h[col];
            for (value, pivot) in h[row].iter_mut().zip(pivot_row).skip(col) {
                *value -= factor * pivot;
            }
            g[row] -= factor * g[col];
        }
    }
    let mut x = [0.0; 3];
    for row in (0..3).rev() {
        let tail: f64 = (row + 1..3).map(|k| h[row][k] * x[k]).sum();
        x[row] = (g[row] - tail) / h[row][row];
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_known_beta_map_is_recovered_and_keeps_the_order() {
        // Outcomes drawn (deterministically) from a beta map of the scores.
        let truth = BetaCalibrator { a: 1.2, b: 0.2, c: 0.4 };
        let mut state: u64 = 7;
        let (mut p, mut y) = (Vec::new(), Vec::new());
        for _ in 0..40_000 {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let score = 0.02 + 0.9 * ((state >> 11) as f64 / (1u64 << 53) as f64);
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let draw = (state >> 11) as f64 / (1u64 << 53) as f64;
            p.push(score);
            y.push(draw < truth.apply(score));
        }
        let fitted = BetaCalibrator::fit(&p, &y).expect("fit");
        assert!((fitted.a - truth.a).abs() < 0.15 && (fitted.b - truth.b).abs() < 0.15 && (fitted.c - truth.c).abs() < 0.15, "{fitted:?}");
        assert!(fitted.apply(0.1) < fitted.apply(0.2) && fitted.apply(0.2) < fitted.apply(0.9), "monotone");
    }

    #[test]
    fn one_class_cannot_be_calibrated() {
        assert_eq!(BetaCalibrator::fit(&[0.1, 0.2], &[false, false]), None);
    }
}
