//! The weighted logistic loss and its gradient, computed in one pass over the rows.

use super::Design;

/// Below this many rows a second thread costs more than it saves.
const ROWS_PER_THREAD: usize = 16_384;

/// Mean weighted log-loss plus an L2 penalty, over a design matrix.
pub(crate) struct Loss<'a> {
    design: &'a Design,
    /// Sample weight of an attended (index 0) and a missed (index 1) appointment.
    weight: [f64; 2],
    total_weight: f64,
    l2: f64,
    threads: usize,
}

impl<'a> Loss<'a> {
    /// `threads` = 0 uses every core (at most 8); small designs always use one.
    pub(crate) fn new(design: &'a Design, l2: f64, class_balance: bool, threads: usize) -> Self {
        let rows = design.rows as f64;
        let missed = design.y.iter().filter(|y| **y).count() as f64;
        let attended = rows - missed;
        let weight = if class_balance && missed > 0.0 && attended > 0.0 {
            [rows / (2.0 * attended), rows / (2.0 * missed)]
        } else {
            [1.0, 1.0]
        };
        let total_weight = (attended * weight[0] + missed * weight[1]).max(1.0);
        let cores = match threads {
            0 => std::thread::available_parallelism().map_or(1, usize::from).min(8),
            n => n,
        };
        let threads = (design.rows / ROWS_PER_THREAD).clamp(1, cores);
        Self { design, weight, total_weight, l2, threads }
    }

    /// Loss and gradient at `w` (coefficients, then the intercept), both divided by the total weight.
    pub(crate) fn value_and_gradient(&self, w: &[f64]) -> (f64, Vec<f64>) {
        let rows_per_chunk = self.design.rows.div_ceil(self.threads).max(1);
        let (mut value, mut gradient) = if self.threads == 1 {
            self.partial(w, 0..self.design.rows)
        } else {
            std::thread::scope(|scope| {
                let handles: Vec<_> = (0..self.design.rows)
                    .step_by(rows_per_chunk)
                    .map(|start| {
                        let end = (start + rows_per_chunk).min(self.design.rows);
                        scope.spawn(move || self.partial(w, start..end))
                    })
                    .collect();
                // A panicking worker re-raises here; the solver turns it into an error.
                let parts =
                    handles.into_iter().map(|handle| handle.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
                parts.fold((0.0, vec![0.0; w.len()]), |(value, mut gradient), (part_value, part_gradient)| {
                    gradient.iter_mut().zip(part_gradient).for_each(|(g, p)| *g += p);
                    (value + part_value, gradient)
                })
            })
        };
        let coefficients = &w[..Design::COLS];
        value += 0.5 * self.l2 * coefficients.iter().map(|c| c * c).sum::<f64>();
        for (g, c) in gradient.iter_mut().zip(coefficients) {
            *g += self.l2 * c;
        }
        let scale = 1.0 / self.total_weight;
        gradient.iter_mut().for_each(|g| *g *= scale);
        (value * scale, gradient)
    }

    /// Unscaled, unpenalised loss and gradient over some rows.
    fn partial(&self, w: &[f64], rows: std::ops::Range<usize>) -> (f64, Vec<f64>) {
        const COLS: usize = Design::COLS;
        let mut coefficients = [0.0; COLS];
        coefficients.copy_from_slice(&w[..COLS]);
        let intercept = w[COLS];
        let (mut value, mut gradient, mut intercept_gradient) = (0.0, [0.0; COLS], 0.0);
        let x = &self.design.x[rows.start * COLS..rows.end * COLS];
        for (row, &missed) in x.chunks_exact(COLS).zip(&self.design.y[rows]) {
            // A fixed-length view lets the compiler unroll and vectorise both inner loops.
            let Ok(row) = <&[f64; COLS]>::try_from(row) else {
                continue;
            };
            let z = intercept + dot(row, &coefficients);
            let (target, weight) = (if missed { 1.0 } else { 0.0 }, self.weight[usize::from(missed)]);
            // One exponential serves both log(1 + e^z) and the sigmoid, without overflow.
            // `ln(1 + e)` is cheaper than `ln_1p(e)` and, with 0 < e <= 1, off by under 1e-16.
            let e = (-z.abs()).exp();
            let softplus = z.max(0.0) + (1.0 + e).ln();
            let probability = if z >= 0.0 { 1.0 / (1.0 + e) } else { e / (1.0 + e) };
            value += weight * (softplus - target * z);
            let residual = weight * (probability - target);
            for (g, x) in gradient.iter_mut().zip(row) {
                *g += residual * x;
            }
            intercept_gradient += residual;
        }
        let mut full = gradient.to_vec();
        full.push(intercept_gradient);
        (value, full)
    }
}

/// Dot product with four running sums, so the additions can overlap.
fn dot<const N: usize>(a: &[f64; N], b: &[f64; N]) -> f64 {
    let mut sums = [0.0; 4];
    let (a_chunks, b_chunks) = (a.chunks_exact(4), b.chunks_exact(4));
    let tail: f64 = a_chunks.remainder().iter().zip(b_chunks.remainder()).map(|(x, y)| x * y).sum();
    for (x, y) in a_chunks.zip(b_chunks) {
        for ((sum, x), y) in sums.iter_mut().zip(x).zip(y) {
            *sum += x * y;
        }
    }
    sums.iter().sum::<f64>() + tail
}
