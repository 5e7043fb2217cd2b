#!/usr/bin/env python3
"""scikit-learn on exactly the matrices the Rust benchmark trained on.

Reads DIR/{train,validation,final_train,test}.csv and DIR/rust.json written by
`cargo run --release -p ml --example bench_train -- <csv> --export DIR`, and
repeats the Rust procedure with scikit-learn's LogisticRegression (lbfgs):
fit on train, choose the F1-maximising threshold on validation, refit on
final_train (train + validation) starting from the first fit's weights,
evaluate on test. Same features, same split,
same penalty (C = 1 / l2), tolerance, iteration limit and class weighting.
Training time is the best of --repeat runs of the same steps (the figure least
disturbed by other load), measured with OpenBLAS at its default thread count and
limited to one thread, interleaved; the faster is reported (on a busy 2-core
machine BLAS threads can make lbfgs several times slower).

    python bench/sklearn_compare.py DIR [--repeat 5]

Writes DIR/sklearn.json and prints the figures.
"""
import argparse
import json
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits
from sklearn.metrics import roc_auc_score


def load(path):
    data = np.loadtxt(path, delimiter=",", skiprows=1)
    return np.ascontiguousarray(data[:, :-1]), data[:, -1].astype(bool)


def best_f1_threshold(y, p):
    """Same rule as ml::train::best_f1_threshold: flag p >= t, ties flagged together."""
    order = np.argsort(-p, kind="stable")
    p_sorted, y_sorted = p[order], y[order]
    tp = np.cumsum(y_sorted)
    flagged = np.arange(1, len(p) + 1)
    last_of_tie = np.append(p_sorted[1:] != p_sorted[:-1], True)
    f1 = np.where(last_of_tie, 2 * tp / (flagged + y.sum()), -1.0)
    best = int(np.argmax(f1))
    return float(p_sorted[best]), float(f1[best])


def run(sets, params, refit):
    (x_train, y_train), (x_val, y_val), (x_final, y_final), (x_test, y_test) = sets
    started = time.perf_counter()
    # warm_start: the refit starts from the first fit's weights, as the Rust refit does.
    model = LogisticRegression(**params, warm_start=True).fit(x_train, y_train)
    p_val = model.predict_proba(x_val)[:, 1]
    first_iterations = int(model.n_iter_[0])
    threshold, _ = best_f1_threshold(y_val, p_val)
    if refit:
        model.fit(x_final, y_final)
    p_test = model.predict_proba(x_test)[:, 1]
    seconds = time.perf_counter() - started
    return seconds, model, first_iterations, p_val, threshold, p_test


def evaluate(y, p, threshold):
    flagged = p >= threshold
    tp = int(np.sum(flagged & y))
    fp = int(np.sum(flagged & ~y))
    fn = int(np.sum(~flagged & y))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "auc": float(roc_auc_score(y, p)),
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "accuracy": float(np.mean(flagged == y)),
        "brier": float(np.mean((p - y) ** 2)),
        "threshold": threshold,
    }


def ece(y, p, bins=10):
    """Expected calibration error over equal-width bins (as ml::metrics::ScoreCells::ece)."""
    index = np.minimum((np.clip(p, 0, 1) * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        mask = index == b
        if mask.any():
            total += mask.sum() / len(p) * abs(p[mask].mean() - y[mask].mean())
    return float(total)


def calibrations(y_val, p_val, y_test, p_test):
    """scikit-learn's two calibrators fitted on the validation scores, applied to the test scores."""
    from sklearn.isotonic import IsotonicRegression

    logit = lambda p: np.log(np.clip(p, 1e-6, 1 - 1e-6) / (1 - np.clip(p, 1e-6, 1 - 1e-6))).reshape(-1, 1)
    platt = LogisticRegression(C=1e12).fit(logit(p_val), y_val)
    isotonic = IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1).fit(p_val, y_val)
    out = {}
    for name, p in (("none", p_test), ("platt", platt.predict_proba(logit(p_test))[:, 1]), ("isotonic", isotonic.predict(p_test))):
        out[name] = {"ece": ece(y_test, p), "brier": float(np.mean((p - y_test) ** 2)), "auc": float(roc_auc_score(y_test, p))}
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dir", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rust = json.loads((args.dir / "rust.json").read_text())
    cfg = rust["config"]
    sets = [load(args.dir / f"{name}.csv") for name in ("train", "validation", "final_train", "test")]
    base = {
        "solver": "lbfgs",
        "C": 1.0 / cfg["l2"] if cfg["l2"] > 0 else 1e12,
        "max_iter": cfg["max_iter"],
        "class_weight": "balanced" if cfg["class_balance"] else None,
    }
    settings = {"same settings as rust": {**base, "tol": cfg["tolerance"]}}
    results = {}
    for name, params in settings.items():
        timings = {"default": [], "1": []}
        for _ in range(args.repeat):
            for blas_threads in timings:
                limit = None if blas_threads == "default" else int(blas_threads)
                with threadpool_limits(limits=limit):
                    timings[blas_threads].append(run(sets, params, cfg["refit_on_validation"]))
        fastest = min(timings, key=lambda t: min(r[0] for r in timings[t]))
        seconds = [r[0] for r in timings[fastest]]
        _, model, first_iterations, p_val, threshold, p_test = timings[fastest][-1]
        result = evaluate(sets[3][1], p_test, threshold)
        result.update(
            train_seconds=min(seconds),
            train_runs=seconds,
            blas_threads=fastest,
            train_seconds_by_blas_threads={t: min(r[0] for r in runs) for t, runs in timings.items()},
            iterations=int(model.n_iter_[0]),
            first_fit_iterations=first_iterations,
            validation_auc=float(roc_auc_score(sets[1][1], p_val)),
            params={k: v for k, v in params.items() if v is not None},
            calibration=calibrations(sets[1][1], p_val, sets[3][1], p_test),
        )
        results[name] = result
        print(f"scikit-learn {name}: {json.dumps(result['params'])}")
        by_threads = ", ".join(f"BLAS threads {t}: {v:.3f}" for t, v in result["train_seconds_by_blas_threads"].items())
        print(f"  training seconds (best of {args.repeat}) {result['train_seconds']:.3f}  ({by_threads}; refit iterations {result['iterations']})")
        print(f"  validation AUC              {result['validation_auc']:.4f}")
        print(f"  test AUC                    {result['auc']:.4f}")
        print(f"  threshold                   {threshold:.4f}")
        print(f"  precision / recall / F1     {result['precision']:.4f} / {result['recall']:.4f} / {result['f1']:.4f}")
        for method, c in result["calibration"].items():
            print(f"  calibration {method:<9}       ECE {c['ece']:.4f}  Brier {c['brier']:.5f}  AUC {c['auc']:.4f}")
    (args.dir / "sklearn.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
