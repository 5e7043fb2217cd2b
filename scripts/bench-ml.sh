#!/usr/bin/env bash
# Benchmark the no-show model: Rust (ml crate, smartcore L-BFGS) against scikit-learn
# on the same standardised features and the same time split, then print a table.
#
#   scripts/bench-ml.sh [CSV] [TEST_FROM]
#
# CSV defaults to $ML_BENCH_CSV or /work/shared/data/noshow-appointments-2016.csv,
# TEST_FROM to 2016-06-01 (train before, test from that day). The Python venv lives in
# bench/.venv-bench (created on first run); matrices and JSON results go to
# $ML_BENCH_OUT (default: a new temporary directory). $ML_BENCH_REPEAT sets the runs per timing (5).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
csv="${1:-${ML_BENCH_CSV:-/work/shared/data/noshow-appointments-2016.csv}}"
test_from="${2:-2016-06-01}"
out="${ML_BENCH_OUT:-$(mktemp -d -t ml-bench.XXXXXX)}"
repeat="${ML_BENCH_REPEAT:-5}"
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
  "$csv" --test-from "$test_from" --export "$out" --repeat "$repeat"
echo
echo "== scikit-learn on the exported matrices" >&2
"$venv/bin/python" bench/sklearn_compare.py "$out" --repeat "$repeat"
echo
"$venv/bin/python" - "$out" <<'PY'
import json, sys
from pathlib import Path

out = Path(sys.argv[1])
rust = json.loads((out / "rust.json").read_text())
sk = json.loads((out / "sklearn.json").read_text())
same, default = sk["same settings as rust"], sk["scikit-learn default tol"]
e = rust["evaluation"]
rows = rust["rows"]
fmt = lambda v, d=4: "n/a" if v is None else f"{v:.{d}f}"
table = [
    ("rows (train / valid / test)", *[f"{rows['train']} / {rows['validation']} / {rows['test']}"] * 3),
    ("train seconds (median)", fmt(rust["train_seconds"], 3), fmt(same["train_seconds"], 3), fmt(default["train_seconds"], 3)),
    ("L-BFGS iterations (final fit)", str(rust["iterations"]), str(same["iterations"]), str(default["iterations"])),
    ("validation AUC", fmt(rust["validation_auc"]), fmt(same["validation_auc"]), fmt(default["validation_auc"])),
    ("test AUC", fmt(e["auc"]), fmt(same["auc"]), fmt(default["auc"])),
    ("threshold (max F1 on validation)", fmt(e["threshold"]), fmt(same["threshold"]), fmt(default["threshold"])),
    ("precision", fmt(e["precision"]), fmt(same["precision"]), fmt(default["precision"])),
    ("recall", fmt(e["recall"]), fmt(same["recall"]), fmt(default["recall"])),
    ("F1", fmt(e["f1"]), fmt(same["f1"]), fmt(default["f1"])),
    ("accuracy (baseline " + fmt(rust["baseline"]["accuracy"]) + ")", fmt(e["accuracy"]), fmt(same["accuracy"]), fmt(default["accuracy"])),
    ("latency per prediction (us)", fmt(rust["latency_us"], 3), "-", "-"),
]
header = ("", "rust (ml)", f"sklearn tol={same['params']['tol']:g}", f"sklearn tol={default['params']['tol']:g}")
widths = [max(len(str(r[i])) for r in table + [header]) for i in range(4)]
line = lambda r: "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |"
print(line(header))
print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
for r in table:
    print(line(r))
print(f"\nrust: ingest {rust['ingest_seconds']:.3f} s, features {rust['feature_seconds']:.3f} s "
      f"({rust['rows_accepted']} of {rust['rows_read']} rows accepted); results in {out}")
gap = (same["auc"] - e["auc"]) if e["auc"] is not None else float("nan")
print(f"AUC gap sklearn - rust: {gap:+.4f}; train time rust / sklearn: {rust['train_seconds'] / same['train_seconds']:.2f}x")
PY
