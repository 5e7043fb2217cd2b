#!/usr/bin/env bash
# HTTP benchmark at clinic scale (a benchmark, not a test). Starts a private
# MongoDB-compatible server (SecantusDB) on a temporary store, builds and runs
# crates/bench (`bench-http`, release), which starts the API in-process, seeds
# the data, and prints for each endpoint at each client count the API's
# median, p99 and req/s beside the same database operations sent directly,
# and the ratio, then the issue's goals (PASS/FAIL) and the query plans.
# Stops the server, removes the store and the run's Redis keys at the end.
#
#   scripts/bench-http.sh                                  # 100,000 patients, 500,000 appointments
#   BENCH_PATIENTS=5000 BENCH_APPOINTMENTS=25000 BENCH_SECONDS=2 scripts/bench-http.sh   # a quick run
#   BENCH_SERVER=secantusd-py scripts/bench-http.sh         # force the Python server
#
# Environment (see crates/bench/src/config.rs for the rest):
#   BENCH_PATIENTS (100000), BENCH_APPOINTMENTS (500000), BENCH_SECONDS per cell (5),
#   BENCH_CLIENTS ("1,8,64"), BENCH_ONLY (endpoint keys), BENCH_MAX_CELL_SECONDS (90)
#   BENCH_SERVER       secantusd-rs (default when installed) or secantusd-py (.dev/venv, scripts/services.sh)
#   BENCH_MONGO_PORT   port of the private server (default 27099; must be free)
#   BENCH_STORAGE      storage directory (default: a new temporary directory, removed afterwards)
#   BENCH_CACHE_SIZE   the server's WiredTiger cache (default 2G)
#   REDIS_URL          default redis://127.0.0.1:6379 (the run uses the prefix bench:<pid>)
#
# secantusd-rs is installed with (needs cmake; about 5-7 minutes on 2 cores):
#   cargo install secantus-mdb --version 0.5.3-beta.196 --ignore-rust-version --locked
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port="${BENCH_MONGO_PORT:-27099}"
redis_url="${REDIS_URL:-redis://127.0.0.1:6379}"
prefix="bench:$$"
log() { echo "[bench-http] $*" >&2; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

server="${BENCH_SERVER:-}"
if [[ -z "$server" ]]; then
  if command -v secantusd-rs >/dev/null; then server=secantusd-rs; else server=secantusd-py; fi
fi
case "$server" in
  secantusd-rs)
    bin="$(command -v secantusd-rs)" || { log "secantusd-rs not found (see the header for how to install it)"; exit 1; }
    version="$("$bin" --version 2>/dev/null | head -1 | awk '{print $2}')" ;;
  secantusd-py)
    bin="$root/.dev/venv/bin/secantusd-py"
    [[ -x "$bin" ]] || { log "$bin missing: run scripts/services.sh once"; exit 1; }
    version="$("$root/.dev/venv/bin/python" -c 'import importlib.metadata as m; print(m.version("SecantusDB"))' 2>/dev/null || echo '?')" ;;
  *) log "BENCH_SERVER must be secantusd-rs or secantusd-py"; exit 2 ;;
esac
label="$server $version (cache ${BENCH_CACHE_SIZE:-2G})"

if listening "$port"; then
  log "port $port is already in use; set BENCH_MONGO_PORT to a free port"
  exit 1
fi

created_storage=""
storage="${BENCH_STORAGE:-}"
if [[ -z "$storage" ]]; then
  storage="$(mktemp -d -t hs-bench-db.XXXXXX)"
  created_storage="$storage"
fi
server_log="$(mktemp -t hs-bench-server.XXXXXX.log)"
server_pid=""

cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    log "stopping $server (pid $server_pid)"
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$server_pid" 2>/dev/null || true
  fi
  if command -v redis-cli >/dev/null; then
    redis-cli -u "$redis_url" --scan --pattern "$prefix:*" 2>/dev/null \
      | xargs -r -n 500 redis-cli -u "$redis_url" DEL >/dev/null 2>&1 || true
  fi
  [[ -n "$created_storage" ]] && rm -rf "$created_storage"
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cd "$root"
log "building crates/bench (release)"
cargo build --release -p bench >&2

log "starting $label on 127.0.0.1:$port (store $storage, log $server_log)"
t0=$(date +%s.%N)
"$bin" --host 127.0.0.1 --port "$port" --storage-path "$storage" --cache-size "${BENCH_CACHE_SIZE:-2G}" >"$server_log" 2>&1 &
server_pid=$!
for _ in $(seq 1 300); do listening "$port" && break; sleep 0.1; done
listening "$port" || { log "$server did not start; see $server_log"; tail -20 "$server_log" >&2; exit 1; }
ready="$(awk "BEGIN {printf \"%.1f\", $(date +%s.%N) - $t0}")"

echo "bench-http: $label (answering after ${ready} s); $(rustc --version); commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- crates || echo ' + local changes'); $(nproc) CPUs"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared: other work skews every figure)"
log "running the benchmark (prefix $prefix)"
started=$(date +%s)
MONGO_URI="mongodb://127.0.0.1:$port/hs_bench" REDIS_URL="$redis_url" REDIS_PREFIX="$prefix" \
  BENCH_SERVER_LABEL="$label" RUST_LOG="${RUST_LOG:-off}" \
  "$root/target/release/bench-http"
echo "bench-http: done in $(( $(date +%s) - started )) s; load average after: $(cut -d' ' -f1-3 /proc/loadavg); $server peak memory $(awk '/VmHWM/ {printf "%.0f MiB", $2/1024}' "/proc/$server_pid/status" 2>/dev/null || echo '?')"
