#!/usr/bin/env bash
# Benchmark the no-show model: Rust (ml crate, smartcore L-BFGS) against scikit-learn
# on the same standardised features and the same time split, then print a table.
#
#   scripts/bench-ml.sh [CSV] [TEST_FROM]
#
# CSV defaults to $ML_BENCH_CSV or /work/shared/data/noshow-appointments-2016.csv,
# TEST_FROM to 2016-06-01 (train before, test from that day). The Python venv lives in
# bench/.venv-bench (created on first run); matrices and JSON results go to
# $ML_BENCH_OUT (default: a new temporary directory). $ML_BENCH_REPEAT sets the runs per timing (default 7;
# the best run is reported, being the least disturbed by other load).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
csv="${1:-${ML_BENCH_CSV:-/work/shared/data/noshow-appointments-2016.csv}}"
test_from="${2:-2016-06-01}"
out="${ML_BENCH_OUT:-$(mktemp -d -t ml-bench.XXXXXX)}"
repeat="${ML_BENCH_REPEAT:-7}"
venv="$root/bench/.venv-bench"

[[ -f "$csv" ]] || { echo "CSV not found: $csv" >&2; exit 1; }

if [[ ! -x "$venv/bin/python" ]]; then
  echo "creating $venv (scikit-learn, numpy)" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --upgrade pip
  "$venv/bin/pip" install --quiet scikit-learn numpy
fi

cd "$root"
echo "== Rust: cargo run --release -p ml --example bench_train" >&2
cargo run --quiet --release -p ml --example bench_train -- \
  "$csv" --test-from "$test_from" --export "$out" --repeat "$repeat" --ablation
echo
echo "== scikit-learn on the exported matrices" >&2
"$venv/bin/python" bench/sklearn_compare.py "$out" --repeat "$repeat"
echo
"$venv/bin/python" - "$out" <<'PY'
import json, sys
from pathlib import Path

out = Path(sys.argv[1])
rust = json.loads((out / "rust.json").read_text())
sk = json.loads((out / "sklearn.json").read_text())["same settings as rust"]
e = rust["evaluation"]
rows = rust["rows"]
fmt = lambda v, d=4: "n/a" if v is None else f"{v:.{d}f}"
pair = lambda key, d=4: (fmt(e[key], d), fmt(sk[key], d))
table = [
    ("rows (train / validation / test)", *[f"{rows['train']} / {rows['validation']} / {rows['test']}"] * 2),
    ("train seconds (best run, best thread count)", fmt(rust["train_seconds"], 3), fmt(sk["train_seconds"], 3)),
    ("train seconds, one thread", fmt(rust["train_seconds_one_thread"], 3),
     fmt(sk["train_seconds_by_blas_threads"]["1"], 3)),
    ("L-BFGS iterations (refit)", str(rust["iterations"]), str(sk["iterations"])),
    ("validation AUC", fmt(rust["validation_auc"]), fmt(sk["validation_auc"])),
    ("test AUC", *pair("auc")),
    ("threshold (max F1 on validation)", *pair("threshold")),
    ("precision", *pair("precision")),
    ("recall", *pair("recall")),
    ("F1", *pair("f1")),
    ("accuracy (always-attends baseline " + fmt(rust["baseline"]["accuracy"]) + ")", *pair("accuracy")),
    ("latency per prediction (us)", fmt(rust["latency_us"], 3), "-"),
]
header = ("", "rust (ml, smartcore L-BFGS)", f"scikit-learn lbfgs (tol={sk['params']['tol']:g})")
widths = [max(len(str(r[i])) for r in table + [header]) for i in range(3)]
line = lambda r: "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |"
print(line(header))
print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
for r in table:
    print(line(r))
print(f"\nrust: ingest {rust['ingest_seconds']:.3f} s, features {rust['feature_seconds']:.3f} s "
      f"({rust['rows_accepted']} of {rust['rows_read']} rows accepted); results in {out}")
cal, skc = rust["calibration"], sk["calibration"]
print("\ncalibration on the test period (fitted on the validation slice's held-out scores)")
print(f"| method | ECE (10 bins) | Brier | test AUC |")
print(f"|---|---|---|---|")
print(f"| none (rust) | {cal['ece_before']:.4f} | {cal['brier_before']:.5f} | {e['auc']:.4f} |")
print(f"| beta calibration (rust, served) | {cal['ece_after']:.4f} | {cal['brier_after']:.5f} | {rust['calibrated']['auc']:.4f} |")
for name in ("none", "platt", "isotonic"):
    c = skc[name]
    print(f"| {name} (scikit-learn) | {c['ece']:.4f} | {c['brier']:.5f} | {c['auc']:.4f} |")
print(f"ECE after / before: {cal['ece_after'] / cal['ece_before']:.2f}x; rust beta ECE / scikit-learn isotonic ECE: "
      f"{cal['ece_after'] / skc['isotonic']['ece']:.2f}x; AUC change {rust['calibrated']['auc'] - e['auc']:+.4f}")
gap = (sk["auc"] - e["auc"]) if e["auc"] is not None else float("nan")
print(f"AUC gap sklearn - rust: {gap:+.4f}; train time rust / sklearn: {rust['train_seconds'] / sk['train_seconds']:.2f}x")
PY
