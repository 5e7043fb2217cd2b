#!/usr/bin/env bash
# Starts the local services Health Sphere needs, if they are not already running:
#   SecantusDB (MongoDB wire protocol), an SMTP sink writing a maildir, and Redis.
# Usage: scripts/services.sh dev|test   (prints the environment to use on stdout)
#   dev : SecantusDB on 27017 with data kept in .dev/mongo, SMTP sink on 1025 -> .dev/mail
#   test: SecantusDB on 27018 in memory,                  SMTP sink on 1026 -> .dev/test-mail
# Idempotent: a service already answering on its port is left alone.
set -euo pipefail
mode="${1:-dev}"
root="$(cd "$(dirname "$0")/.." && pwd)"
dev="$root/.dev"
venv="$dev/venv"
mkdir -p "$dev/logs"

case "$mode" in
  dev)  mongo_port=27017; smtp_port=1025; storage="$dev/mongo"; maildir="$dev/mail" ;;
  test) mongo_port=27018; smtp_port=1026; storage=":memory:";   maildir="$dev/test-mail" ;;
  *) echo "usage: $0 dev|test" >&2; exit 2 ;;
esac

log() { echo "[services] $*" >&2; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for() {
  for _ in $(seq 1 100); do listening "$1" && return 0; sleep 0.2; done
  log "$2 did not start on port $1; see $dev/logs"; exit 1
}

if [ ! -x "$venv/bin/secantusd-py" ] || [ ! -x "$venv/bin/aiosmtpd" ]; then
  log "installing SecantusDB and aiosmtpd into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check SecantusDB==0.7.0b3 aiosmtpd==1.4.6
fi

# secantusd-py by default (a wheel from PyPI: seconds to install on a fresh
# machine); SECANTUS_SERVER=secantusd-rs uses the much faster Rust server when
# it is installed (cargo install secantus-mdb ...; see README, "Which local database server").
server="$venv/bin/secantusd-py"
if [ "${SECANTUS_SERVER:-secantusd-py}" = secantusd-rs ]; then
  server="$(command -v secantusd-rs)" || { log "SECANTUS_SERVER=secantusd-rs but secantusd-rs is not installed"; exit 1; }
  if [ "$storage" = ":memory:" ]; then storage="$(mktemp -d -t hs-secantus-test.XXXXXX)"; fi
fi
if ! listening "$mongo_port"; then
  [ "$storage" = ":memory:" ] || mkdir -p "$storage"
  log "starting $(basename "$server") on 127.0.0.1:$mongo_port"
  nohup "$server" --host 127.0.0.1 --port "$mongo_port" --storage-path "$storage" \
    >"$dev/logs/secantus-$mode.log" 2>&1 &
  wait_for "$mongo_port" SecantusDB
fi

# A sink already on the port may belong to another checkout: its maildir is
# recorded when it is started; an unknown one is left alone and ours takes the next free port.
mkdir -p "$maildir"/{tmp,new,cur}
sink_record() { echo "${TMPDIR:-/tmp}/health-sphere-smtp-$1.maildir"; }
while listening "$smtp_port"; do
  if [ -f "$(sink_record "$smtp_port")" ]; then
    maildir="$(cat "$(sink_record "$smtp_port")")"
    break
  fi
  smtp_port=$((smtp_port + 1))
done
if ! listening "$smtp_port"; then
  log "starting SMTP sink on 127.0.0.1:$smtp_port (mail in $maildir/new)"
  nohup "$venv/bin/python" -m aiosmtpd -n -l "127.0.0.1:$smtp_port" -c aiosmtpd.handlers.Mailbox "$maildir" \
    >"$dev/logs/smtp-$mode.log" 2>&1 &
  wait_for "$smtp_port" "SMTP sink"
  echo "$maildir" > "$(sink_record "$smtp_port")"
fi

if ! listening 6379; then
  if ! command -v redis-server >/dev/null; then
    log "installing redis-server"
    (apt-get update -qq && apt-get install -y -qq redis-server) >&2
  fi
  log "starting Redis on 127.0.0.1:6379"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >&2
  wait_for 6379 Redis
fi

if [ "$mode" = test ]; then
  echo "TEST_MONGO_URI=mongodb://127.0.0.1:$mongo_port"
  echo "TEST_REDIS_URL=redis://127.0.0.1:6379"
  echo "TEST_SMTP_URL=smtp://127.0.0.1:$smtp_port"
  echo "TEST_MAILDIR=$maildir"
else
  echo "MONGO_URI=mongodb://127.0.0.1:$mongo_port/health_sphere"
  echo "REDIS_URL=redis://127.0.0.1:6379"
  echo "SMTP_URL=smtp://127.0.0.1:$smtp_port"
fi
