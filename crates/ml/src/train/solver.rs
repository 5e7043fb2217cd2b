//! L2-regularised logistic regression fitted with smartcore's L-BFGS.
//!
//! smartcore's `LogisticRegression` runs the same L-BFGS and backtracking line
//! search, but fixes 1000 iterations with an exact-convergence test, takes no
//! sample weights, and re-evaluates the loss at the same point several times
//! per iteration. Here the same optimiser minimises a weighted, mean-scaled
//! loss (so the tolerance means what scikit-learn's `tol` means) whose value
//! and gradient are computed together, on all cores, and cached per point.
//! A unit test checks the result equals smartcore's `LogisticRegression`.

use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};

use smartcore::optimization::first_order::lbfgs::LBFGS;
use smartcore::optimization::first_order::FirstOrderOptimizer;
use smartcore::optimization::line_search::Backtracking;
use smartcore::optimization::FunctionOrder;

use super::loss::Loss;
use super::{Design, TrainError};
use crate::model::sigmoid;

/// Fitted weights on standardised features.
#[derive(Debug, Clone, PartialEq)]
pub struct LogisticFit {
    /// One coefficient per column.
    pub coefficients: Vec<f64>,
    /// The intercept.
    pub intercept: f64,
    /// L-BFGS iterations run.
    pub iterations: usize,
    /// Whether the tolerance was reached before the iteration limit.
    pub converged: bool,
}

impl LogisticFit {
    /// No-show probability for every row of `design`.
    pub fn probabilities(&self, design: &Design) -> Vec<f64> {
        (0..design.rows)
            .map(|i| {
                let z: f64 = design.row(i).iter().zip(&self.coefficients).map(|(x, w)| x * w).sum();
                sigmoid(z + self.intercept)
            })
            .collect()
    }
}

/// The loss and its gradient at one point.
struct Evaluated {
    at: Vec<f64>,
    value: f64,
    gradient: Vec<f64>,
}

/// Fitting options.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SolverOptions {
    /// L2 penalty (scikit-learn's 1 / C).
    pub l2: f64,
    /// Weight the classes to equal total weight.
    pub class_balance: bool,
    /// Iteration limit.
    pub max_iter: usize,
    /// Largest gradient component of the mean loss at convergence.
    pub tolerance: f64,
    /// Threads for the loss and gradient; 0 uses every core.
    pub threads: usize,
}

/// Minimises `sum_i s_i * logloss_i + l2/2 * |w|^2` (the intercept is not penalised),
/// starting from `warm_start`'s weights if given (else zeros).
pub fn fit_logistic(
    design: &Design,
    options: SolverOptions,
    warm_start: Option<&LogisticFit>,
) -> Result<LogisticFit, TrainError> {
    let loss = Loss::new(design, options.l2, options.class_balance, options.threads);
    // L-BFGS asks for the value and the gradient at the same point in separate calls.
    let cache: RefCell<Option<Evaluated>> = RefCell::new(None);
    let evaluate = |w: &Vec<f64>| -> (f64, Vec<f64>) {
        if let Some(hit) = cache.borrow().as_ref().filter(|cached| cached.at == *w) {
            return (hit.value, hit.gradient.clone());
        }
        let (value, gradient) = loss.value_and_gradient(w);
        *cache.borrow_mut() = Some(Evaluated { at: w.clone(), value, gradient: gradient.clone() });
        (value, gradient)
    };
    let f = |w: &Vec<f64>| evaluate(w).0;
    let df = |g: &mut Vec<f64>, w: &Vec<f64>| g.copy_from_slice(&evaluate(w).1);
    let optimizer =
        LBFGS { max_iter: options.max_iter, g_atol: options.tolerance, f_reltol: 1e-12, ..LBFGS::default() };
    let line_search = Backtracking::<f64> { order: FunctionOrder::THIRD, ..Backtracking::default() };
    let start = match warm_start {
        Some(fit) if fit.coefficients.len() == Design::COLS => {
            fit.coefficients.iter().copied().chain([fit.intercept]).collect()
        }
        _ => vec![0.0; Design::COLS + 1],
    };
    // smartcore's line search panics when it cannot make progress; report that as an error.
    let result = catch_unwind(AssertUnwindSafe(|| optimizer.optimize(&f, &df, &start, &line_search)))
        .map_err(|_| TrainError::SolverFailed("the L-BFGS line search did not converge".into()))?;
    let mut weights = result.x;
    if !weights.iter().all(|w| w.is_finite()) {
        return Err(TrainError::SolverFailed("the coefficients are not finite numbers".into()));
    }
    let intercept = weights.pop().unwrap_or(0.0);
    Ok(LogisticFit {
        coefficients: weights,
        intercept,
        iterations: result.iterations,
        converged: result.iterations < options.max_iter,
    })
}
