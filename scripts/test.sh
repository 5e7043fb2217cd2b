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
cargo test --workspace "$@"
