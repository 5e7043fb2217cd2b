#!/usr/bin/env bash
# Sets up and runs the whole system: API (port 8000) + worker.
# MongoDB, Redis and SMTP come from .env / the environment; any of MONGO_URI,
# REDIS_URL, SMTP_URL that is unset is served by a local service started here.
# A .env with a fresh SECRET_KEY is created on first run; the first admin is
# ADMIN_EMAIL / ADMIN_PASSWORD (default admin@healthsphere.com / admin123, for
# local use only). Ctrl-C stops both processes.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if [ ! -f .env ]; then
  echo "SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')" > .env
  echo "[run] created .env with a new SECRET_KEY" >&2
fi
set -a
# shellcheck disable=SC1091
source .env
set +a
if [ -z "${MONGO_URI:-}" ] || [ -z "${REDIS_URL:-}" ] || [ -z "${SMTP_URL:-}" ]; then
  services_env="$(scripts/services.sh dev)"
  while IFS='=' read -r key value; do
    if [ -z "${!key:-}" ]; then export "$key=$value"; fi
  done <<< "$services_env"
fi
export ADMIN_EMAIL="${ADMIN_EMAIL:-admin@healthsphere.com}" ADMIN_PASSWORD="${ADMIN_PASSWORD:-admin123}"
cargo build --release --bins
./target/release/api create-admin
# First run: a model trained on the shipped sample, so the first booking is predicted (with reasons).
./target/release/api first-model data/noshow-sample.csv
pids=()
trap 'kill -TERM "${pids[@]}" 2>/dev/null; wait' INT TERM EXIT
./target/release/worker & pids+=($!)
./target/release/api serve & pids+=($!)
echo "[run] API on http://localhost:${PORT:-8000}/api/ (docs: /api/docs/, health: /health/health/); Ctrl-C to stop" >&2
wait -n "${pids[@]}"
