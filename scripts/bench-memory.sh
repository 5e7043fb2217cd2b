#!/usr/bin/env bash
# Memory under a burst of password checks (a benchmark, not a test).
#
# Starts the release API against the test services, then sends 256 logins
# with a wrong password at once (each from its own address through a trusted
# proxy header, so the per-address limit does not stop them before the
# hash), and prints the API's idle, peak and settled (5 s later) resident
# memory, as ratios to idle. Four builds/settings are compared in one run:
#   mimalloc + bounded pool (what ships), system malloc + bounded pool,
#   mimalloc + a 64-thread pool, system malloc + a 64-thread pool (close to
#   the old unbounded spawn_blocking).
#
#   scripts/bench-memory.sh            # BENCH_REQUESTS=256 BENCH_ROUNDS=2
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
requests="${BENCH_REQUESTS:-256}"
rounds="${BENCH_ROUNDS:-2}"
set -a
eval "$(scripts/services.sh test)"
set +a
log() { echo "[bench-memory] $*" >&2; }

log "building the release API with the system allocator, then with mimalloc"
cargo build --release -p api --bin api --features system-allocator >&2
cp target/release/api "${TMPDIR:-/tmp}/api-system-alloc"
cargo build --release -p api --bin api >&2
cp target/release/api "${TMPDIR:-/tmp}/api-mimalloc"

run_case() {  # label binary concurrency queue
  local label=$1 bin=$2 concurrency=$3 queue=$4
  local port db prefix work pid
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  db="bench_mem_$$_$port"; prefix="benchmem:$$:$port"; work="$(mktemp -d)"
  export SECRET_KEY="bench-secret-key-bench-secret-key-0123456789" MONGO_URI="$TEST_MONGO_URI/$db" REDIS_URL="$TEST_REDIS_URL" \
    REDIS_PREFIX="$prefix" HOST=127.0.0.1 PORT="$port" RUST_LOG=error TRUST_PROXY=true \
    PASSWORD_HASH_CONCURRENCY="$concurrency" PASSWORD_HASH_QUEUE="$queue"
  (cd "$work" && "$bin" create-admin --email bench@example.com --password 'bench-pass-1' >/dev/null)
  (cd "$work" && exec "$bin" serve >/dev/null 2>&1) & pid=$!
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/health/health/" >/dev/null 2>&1 && break; sleep 0.1; done
  python3 - "$pid" "$port" "$requests" "$rounds" "$label" <<'PY'
import json, sys, threading, time, urllib.request
pid, port, n, rounds, label = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
def rss():
    with open(f"/proc/{pid}/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmRSS")) / 1024
peak, stop = [0.0], [False]
def watch():
    while not stop[0]:
        peak[0] = max(peak[0], rss()); time.sleep(0.005)
statuses = {}
def hit(i):
    req = urllib.request.Request(f"http://127.0.0.1:{port}/api/auth/login/", method="POST",
        data=json.dumps({"email": "bench@example.com", "password": f"wrong-{i}"}).encode(),
        headers={"content-type": "application/json", "x-forwarded-for": f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}"})
    try:
        code = urllib.request.urlopen(req, timeout=120).status
    except urllib.error.HTTPError as e:
        code = e.code
    statuses[code] = statuses.get(code, 0) + 1
time.sleep(1)
idle = rss()
watcher = threading.Thread(target=watch); watcher.start()
started = time.time()
for r in range(rounds):
    threads = [threading.Thread(target=hit, args=(r * n + i,)) for i in range(n)]
    for t in threads: t.start()
    for t in threads: t.join()
elapsed = time.time() - started
time.sleep(5)
settled = rss()
stop[0] = True; watcher.join()
print(f"| {label} | {idle:.0f} | {peak[0]:.0f} ({peak[0]/idle:.1f}x) | {settled:.0f} ({settled/idle:.1f}x) | {elapsed:.1f} | {dict(sorted(statuses.items()))} |")
PY
  kill "$pid"; wait "$pid" 2>/dev/null || true
  "$root/.dev/venv/bin/python" -c "import pymongo,sys; pymongo.MongoClient(sys.argv[1]).drop_database(sys.argv[2])" "$TEST_MONGO_URI" "$db" || true
  redis-cli -u "$TEST_REDIS_URL" --scan --pattern "$prefix:*" | xargs -r redis-cli -u "$TEST_REDIS_URL" DEL >/dev/null || true
  rm -rf "$work"
}

cores="$(nproc)"
echo "$rounds bursts of $requests concurrent wrong-password logins; RSS in MB (ratio to idle); $cores cores; load $(cut -d' ' -f1 /proc/loadavg)"
echo
echo "| build and pool | idle | peak | settled 5 s after | seconds | statuses |"
echo "|---|--:|--:|--:|--:|---|"
run_case "mimalloc, $cores hashing threads + 32 queued (default)" "${TMPDIR:-/tmp}/api-mimalloc" "$cores" 32
run_case "system malloc, $cores threads + 32 queued" "${TMPDIR:-/tmp}/api-system-alloc" "$cores" 32
run_case "mimalloc, 64 threads + 1000 queued" "${TMPDIR:-/tmp}/api-mimalloc" 64 1000
run_case "system malloc, 64 threads + 1000 queued (like the old unbounded pool)" "${TMPDIR:-/tmp}/api-system-alloc" 64 1000
