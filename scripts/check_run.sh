#!/usr/bin/env bash
# CI: `make run` from an empty var/ serves like production. Starts it in the background on a spare
# port, waits for /healthz, checks a static file comes compressed and cacheable, a page renders
# with DEBUG off, the access log is JSON with the phone in a query string masked, the scheduler
# has sealed the audit chain (var/scheduler.json and `audit_verify` on the database), then stops
# it with SIGINT (Ctrl-C) and checks nothing is left listening. Bounded: about a minute here.
set -euo pipefail
cd "$(dirname "$0")/.."

VAR_DIR="$(mktemp -d /tmp/zhijia-run-XXXXXX)"
PORT="${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
BASE="http://127.0.0.1:$PORT"
LOG="$VAR_DIR/run.log"
export ZHIJIA_VAR_DIR="$VAR_DIR"
# Two months of generated ledger history instead of the demo's year: the same code path, a
# bounded CI step (`make run` on a fresh clone loads the full year once).
export DEMO_HISTORY_DAYS="${DEMO_HISTORY_DAYS:-60}"
HEALTH_WAIT="${HEALTH_WAIT:-240}"
PGID=""

fail() { echo "check_run: FAIL: $*" >&2; [ -f "$LOG" ] && tail -n 40 "$LOG" >&2; exit 1; }
cleanup() {
  if [ -n "$PGID" ] && kill -0 -- "-$PGID" 2>/dev/null; then kill -KILL -- "-$PGID" 2>/dev/null || true; fi
  # The supervisor's children run in their own sessions; if it died unclean, end them by id.
  if [ -f "$VAR_DIR/run.pids" ]; then
    for pid in $(cat "$VAR_DIR/run.pids"); do kill -KILL -- "-$pid" 2>/dev/null || true; done
  fi
  rm -rf "$VAR_DIR"
}
trap cleanup EXIT

echo "make run on port $PORT, var/ in $VAR_DIR"
setsid make run PORT="$PORT" >"$LOG" 2>&1 &
PGID=$!

deadline=$((SECONDS + HEALTH_WAIT))
until curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null; do
  kill -0 "$PGID" 2>/dev/null || fail "make run exited before /healthz answered"
  [ $SECONDS -lt $deadline ] || fail "/healthz did not answer within $HEALTH_WAIT s"
  sleep 1
done
curl -fsS "$BASE/healthz" | grep -q '"status": "ok"' || fail "/healthz is not ok"
echo "  /healthz ok after ${SECONDS}s"

# A page with DEBUG off, and the hashed stylesheet it links.
page="$(curl -fsS "$BASE/h5/stations/")" || fail "/h5/stations/ did not render"
css="$(grep -o '/static/[^"]*\.[0-9a-f]\{12\}\.css' <<<"$page" | head -n 1)"
[ -n "$css" ] || fail "no hashed stylesheet in /h5/stations/ (manifest storage not in use?)"
headers="$(curl -fsS -D - -o /dev/null -H 'Accept-Encoding: gzip, br' "$BASE$css")"
grep -qiE '^content-encoding: (gzip|br)' <<<"$headers" || fail "$css not served compressed: $headers"
grep -qi '^cache-control: .*max-age=315360000' <<<"$headers" || fail "$css not cached for long: $headers"
echo "  $css served $(grep -i '^content-encoding' <<<"$headers" | tr -d '\r'), cached for years"
curl -fsS -o /dev/null -w '%{http_code}' "$BASE/console/" | grep -qE '^(200|302)$' || fail "/console/ failed"

# Personal data in a URL is masked in the JSON access log.
curl -fsS -o /dev/null "$BASE/healthz?phone=13800138000" || true
sleep 1
grep -q '"name": "gunicorn.access"' "$LOG" || fail "no JSON access log line"
grep -q '13800138000' "$LOG" && fail "a phone number reached the log unmasked"
# a search or contact parameter's value is blanked whole by the log filter (core.logging)
grep -q 'healthz?phone=\*\*\*' "$LOG" || fail "the phone in the query string is not masked in the access log"
echo "  access log is JSON, the phone in the query string masked"

# The scheduler has run the audit seal (it starts with every job once, then every 10 s).
deadline=$((SECONDS + 60))
until python3 - "$VAR_DIR/scheduler.json" <<'EOF' 2>/dev/null
import json, sys
jobs = json.load(open(sys.argv[1]))["jobs"]
# The scheduler starts by running every job once, in schedule order: all must have succeeded.
expected = {"audit-seal", "activities-offers-expire", "dispatch-orders-tick", "benefits-tick"}
assert expected <= set(jobs) and all(job["ok"] for job in jobs.values()), jobs
EOF
do
  [ $SECONDS -lt $deadline ] || fail "the scheduler has not run the audit seal within 60 s"
  sleep 1
done
DJANGO_SETTINGS_MODULE=config.settings.local .venv/bin/python manage.py audit_verify \
  || fail "audit_verify on the running database"
echo "  scheduler ran every job once ($(python3 -c 'import json,sys; print(", ".join(json.load(open(sys.argv[1]))["jobs"]))' "$VAR_DIR/scheduler.json")); audit_verify passes"

# Ctrl-C stops everything.
kill -INT -- "-$PGID"
deadline=$((SECONDS + 45))
while kill -0 -- "-$PGID" 2>/dev/null; do
  [ $SECONDS -lt $deadline ] || fail "make run did not stop within 45 s of SIGINT"
  sleep 1
done
PGID=""
if curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null; then fail "still serving after Ctrl-C"; fi
grep -q "Zhijia stopped." "$LOG" || fail "the supervisor did not report a clean stop"
echo "  stopped cleanly on SIGINT (${SECONDS}s in all)"
