#!/usr/bin/env bash
# Schema-driven fuzzing: schemathesis (pinned, from PyPI) holds the API to its
# own OpenAPI document, with every check, as a doctor and as an admin:
# the coverage phase in full, then fuzzing and stateful sequences for
# FUZZ_TIME seconds per role. It must end with no failure at all; the
# refusals that depend on state are listed in fuzz/*.toml.
#
#   scripts/fuzz.sh                          # CI: about 4 minutes
#   FUZZ_TIME=1800 FUZZ_SEED=$RANDOM scripts/fuzz.sh    # longer, with a new seed
#
# It runs the built `api` (debug; FUZZ_PROFILE=release for the release build)
# against the test services (scripts/services.sh test) with a database and
# Redis prefix of its own, removed afterwards. Reports: target/fuzz/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
FUZZ_TIME="${FUZZ_TIME:-60}"
SEED="${FUZZ_SEED:-20261125}"
PROFILE="${FUZZ_PROFILE:-debug}"
OUT="$root/target/fuzz"
VENV="$root/.dev/fuzz-venv"
log() { echo "[fuzz] $*" >&2; }

set -a
eval "$(scripts/services.sh test)"
set +a
if [ ! -x "$VENV/bin/st" ]; then
  log "installing schemathesis into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check 'schemathesis==4.32.5'
fi
if [ "$PROFILE" = release ]; then cargo build --release --bin api >&2; else cargo build --bin api >&2; fi
api="$root/target/$PROFILE/api"

mkdir -p "$OUT"
work="$(mktemp -d -t hs-fuzz.XXXXXX)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
db="fuzz_$$"
prefix="fuzz:$$"
base="http://127.0.0.1:$port"
export SECRET_KEY="fuzz-secret-key-fuzz-secret-key-0123456789" MONGO_URI="$TEST_MONGO_URI/$db" REDIS_URL="$TEST_REDIS_URL" \
  REDIS_PREFIX="$prefix" HOST=127.0.0.1 PORT="$port" DATA_DIR="$root/data" ARTIFACTS_DIR="$work/artifacts" RUST_LOG=warn \
  CLINIC_TIMEZONE=America/Sao_Paulo BOOKING_HORIZON_DAYS=3650
api_pid=""
cleanup() {
  [ -n "$api_pid" ] && kill "$api_pid" 2>/dev/null && wait "$api_pid" 2>/dev/null
  "$root/.dev/venv/bin/python" - "$TEST_MONGO_URI" "$db" <<'PY' || true
import sys, pymongo
pymongo.MongoClient(sys.argv[1], serverSelectionTimeoutMS=3000).drop_database(sys.argv[2])
PY
  redis-cli -u "$TEST_REDIS_URL" --scan --pattern "$prefix:*" 2>/dev/null | xargs -r -n 500 redis-cli -u "$TEST_REDIS_URL" DEL >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# A clinic to fuzz: an admin, a trained model (so predictions answer), a doctor with a password.
(cd "$work" && "$api" create-admin --email fuzz-admin@example.com --password 'Fuzz-admin-1234' >/dev/null)
(cd "$work" && "$api" ingest "$root/data/noshow-sample.csv" >/dev/null && "$api" train >/dev/null 2>&1)
(cd "$work" && exec "$api" serve >"$OUT/api.log" 2>&1) &
api_pid=$!
for _ in $(seq 1 100); do curl -fsS "$base/health/health/" >/dev/null 2>&1 && break; sleep 0.2; done
login() {
  curl -fsS -XPOST "$base/api/auth/login/" -H 'content-type: application/json' -d "{\"email\":\"$1\",\"password\":\"$2\"}" \
    | python3 -c 'import sys, json; print(json.load(sys.stdin)["access"])'
}
admin_token="$(login fuzz-admin@example.com 'Fuzz-admin-1234')"
curl -fsS -o /dev/null -XPOST "$base/api/admin/doctors/" -H "authorization: Bearer $admin_token" -H 'content-type: application/json' \
  -d '{"full_name":"Fuzz Doctor","email":"fuzz-doctor@example.com","password":"Fuzz-doctor-1234"}'
doctor_token="$(login fuzz-doctor@example.com 'Fuzz-doctor-1234')"

config() {  # role -> a config file for it
  local file="$work/$1.toml"
  case "$1" in
    doctor) cat fuzz/common.toml fuzz/doctor-refused.toml fuzz/refusals.toml >"$file" ;;
    admin) cat fuzz/common.toml fuzz/refusals.toml fuzz/admin-only.toml >"$file" ;;
  esac
  echo "$file"
}
run() {  # role token phases [extra args...]
  local role=$1 token=$2 phases=$3; shift 3
  log "$role: $phases"
  # Coverage has no time budget of its own; a hard limit keeps CI bounded.
  timeout 900 "$VENV/bin/st" --config-file "$(config "$role")" run "$base/api/schema/" \
    --checks all --phases "$phases" --seed "$SEED" --no-color \
    -H "Authorization: Bearer $token" \
    --exclude-name "POST /api/auth/logout-all/" \
    --report junit --report-junit-path "$OUT/$role-${phases%%,*}.xml" "$@"
}
status=0
# The doctor first: the admin run may disable or rename the doctor.
for role in doctor admin; do
  token_var="${role}_token"
  token="${!token_var}"
  run "$role" "$token" examples,coverage || status=1
  run "$role" "$token" fuzzing,stateful --max-time "$FUZZ_TIME" || status=1
done
if grep -q "panicked" "$OUT/api.log"; then
  log "the API panicked; see $OUT/api.log"
  status=1
fi
[ "$status" = 0 ] && log "no failures" || log "failures found; reports in $OUT"
exit "$status"
