#!/usr/bin/env bash
# Runs every test against real local services (started here when absent).
# Extra arguments go to `cargo test`, e.g. scripts/test.sh -p api.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
services_env="$(scripts/services.sh test)"
set -a
eval "$services_env"
set +a
# The end-to-end tests start the real binaries: build them first.
cargo build --workspace --bins
log="$(mktemp)"
set +e
cargo test --workspace --no-fail-fast "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# cargo prints one "test result" line per test binary; close with the total.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i; if ($(i+1) ~ /^ignored/) s += $i } }
     END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
exit "$status"
