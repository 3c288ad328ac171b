#!/usr/bin/env bash
# The province topology on one machine: what a province runs on several, as separate processes.
#
#   deploy/topology.sh up       PostgreSQL primary + streaming replica (two clusters, two ports),
#                               Redis (cache, locks, Celery broker), gunicorn (config/gunicorn.py),
#                               a Celery worker and Celery beat; migrate, static files, demo data
#   deploy/topology.sh check    replication streaming, a write on the primary visible on the replica,
#                               GET pages served from the replica, beat has sealed the audit chain
#   deploy/topology.sh env      print the environment the processes run with (source it)
#   deploy/topology.sh down     stop everything;  down --purge  also deletes $TOPO_DIR
#   deploy/topology.sh ci       up, check, bench/mixed_load.py (short), down --purge — bounded, for CI
#
# Environment: TOPO_DIR (/tmp/zhijia-topology), TOPO_PG_PRIMARY (55432), TOPO_PG_REPLICA (55433),
# TOPO_REDIS (56379), TOPO_WEB (8000), WEB_CONCURRENCY (3). PostgreSQL 15's binaries from
# /usr/lib/postgresql/15/bin (PGBIN), run as the `postgres` user when started as root.
# Loopback only, trust authentication: a demonstration, not a hardened setup (docs/deploy.md).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"

TOPO_DIR="${TOPO_DIR:-/tmp/zhijia-topology}"
P1="${TOPO_PG_PRIMARY:-55432}"
P2="${TOPO_PG_REPLICA:-55433}"
RP="${TOPO_REDIS:-56379}"
WEB="${TOPO_WEB:-8000}"
PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
PY="$ROOT/.venv/bin/python"
DB=zhijia

say() { printf '[topology %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
psql1() { "$PGBIN/psql" -h 127.0.0.1 -p "$P1" -U postgres -Atq "$@"; }
psql2() { "$PGBIN/psql" -h 127.0.0.1 -p "$P2" -U postgres -Atq "$@"; }

write_env() {
  cat >"$TOPO_DIR/env" <<EOF
export DJANGO_SETTINGS_MODULE=config.settings.local
export ZHIJIA_VAR_DIR=$TOPO_DIR/var
export DATABASE_URL=postgres://postgres@127.0.0.1:$P1/$DB
export DATABASE_REPLICA_URL=postgres://postgres@127.0.0.1:$P2/$DB
export REDIS_URL=redis://127.0.0.1:$RP/0
export CELERY_BROKER_URL=redis://127.0.0.1:$RP/1
export AUDIT_SEAL_INLINE=false
export ZHIJIA_BIND=127.0.0.1:$WEB
export WEB_CONCURRENCY=${WEB_CONCURRENCY:-3}
export PYTHONUNBUFFERED=1
EOF
}

pg_up() {
  mkdir -p "$TOPO_DIR"
  chmod 755 "$TOPO_DIR"
  chown postgres: "$TOPO_DIR" 2>/dev/null || true
  if [ ! -f "$TOPO_DIR/primary/PG_VERSION" ]; then
    say "initdb primary on :$P1"
    as_pg "$PGBIN/initdb" -D "$TOPO_DIR/primary" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
    cat >>"$TOPO_DIR/primary/postgresql.conf" <<EOF
port = $P1
listen_addresses = '127.0.0.1'
unix_socket_directories = '$TOPO_DIR'
wal_level = replica
max_wal_senders = 4
wal_keep_size = 256MB
hot_standby = on
shared_buffers = 64MB
max_connections = 60
EOF
  fi
  as_pg "$PGBIN/pg_ctl" -D "$TOPO_DIR/primary" -l "$TOPO_DIR/primary.log" -w status >/dev/null 2>&1 ||
    as_pg "$PGBIN/pg_ctl" -D "$TOPO_DIR/primary" -l "$TOPO_DIR/primary.log" -w start >/dev/null
  if [ ! -f "$TOPO_DIR/replica/PG_VERSION" ]; then
    say "pg_basebackup -R: streaming replica on :$P2"
    as_pg "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$P1" -U postgres -D "$TOPO_DIR/replica" -R -X stream \
      -C -S zhijia_replica --no-sync
    echo "port = $P2" | as_pg tee -a "$TOPO_DIR/replica/postgresql.conf" >/dev/null
  fi
  as_pg "$PGBIN/pg_ctl" -D "$TOPO_DIR/replica" -l "$TOPO_DIR/replica.log" -w status >/dev/null 2>&1 ||
    as_pg "$PGBIN/pg_ctl" -D "$TOPO_DIR/replica" -l "$TOPO_DIR/replica.log" -w start >/dev/null
  psql1 -c "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1 || psql1 -c "CREATE DATABASE $DB"
}

start_daemon() {  # name, command…: own session, pid in $TOPO_DIR/<name>.pid, log in <name>.log
  local name="$1"; shift
  if [ -f "$TOPO_DIR/$name.pid" ] && kill -0 "$(cat "$TOPO_DIR/$name.pid")" 2>/dev/null; then return; fi
  # shellcheck disable=SC1091
  (source "$TOPO_DIR/env"; cd "$ROOT"; setsid "$@" >>"$TOPO_DIR/$name.log" 2>&1 </dev/null & echo $! >"$TOPO_DIR/$name.pid")
}

stop_daemon() {
  local name="$1" pid
  [ -f "$TOPO_DIR/$name.pid" ] || return 0
  pid="$(cat "$TOPO_DIR/$name.pid")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$TOPO_DIR/$name.pid"
}

up() {
  [ -x "$PY" ] || { echo "run 'make setup' first"; exit 1; }
  pg_up
  if ! redis-cli -p "$RP" ping >/dev/null 2>&1; then
    say "redis on :$RP"
    redis-server --port "$RP" --bind 127.0.0.1 --daemonize yes --save "" --appendonly no \
      --dir "$TOPO_DIR" --pidfile "$TOPO_DIR/redis.pid" --logfile "$TOPO_DIR/redis.log"
  fi
  write_env
  mkdir -p "$TOPO_DIR/var"
  say "migrate, static files, demo data (first time only)"
  (
    # shellcheck disable=SC1091
    source "$TOPO_DIR/env"
    "$PY" manage.py migrate --noinput -v 0
    "$PY" manage.py collectstatic --noinput -v 0
    if [ ! -f "$TOPO_DIR/var/.demo-seeded" ]; then
      "$PY" manage.py seed_demo >"$TOPO_DIR/var/demo-logins.txt" && touch "$TOPO_DIR/var/.demo-seeded"
    fi
  )
  say "gunicorn on :$WEB, celery worker, celery beat"
  start_daemon web "$PY" -m gunicorn -c config/gunicorn.py config.wsgi
  start_daemon worker "$PY" -m celery -A config worker --concurrency 2 --loglevel INFO --without-gossip --without-mingle
  start_daemon beat "$PY" -m celery -A config beat --loglevel INFO --schedule "$TOPO_DIR/beat-schedule"
  for _ in $(seq 1 120); do
    curl -fsS -o /dev/null "http://127.0.0.1:$WEB/healthz" 2>/dev/null && break
    sleep 1
  done
  curl -fsS "http://127.0.0.1:$WEB/healthz" >/dev/null || { say "gunicorn did not come up"; tail -20 "$TOPO_DIR/web.log"; exit 1; }
  say "up: http://127.0.0.1:$WEB/  (logins in $TOPO_DIR/var/demo-logins.txt; logs in $TOPO_DIR/*.log)"
}

check() {
  local ok=1
  [ "$(psql2 -c 'SELECT pg_is_in_recovery()')" = t ] || { say "FAIL: :$P2 is not a standby"; ok=0; }
  local state
  state="$(psql1 -c "SELECT state FROM pg_stat_replication WHERE application_name <> '' LIMIT 1")"
  [ "$state" = streaming ] || { say "FAIL: replication state '$state'"; ok=0; }
  local token
  token="topology-$(date +%s%N)"
  psql1 -d "$DB" -c "CREATE TABLE IF NOT EXISTS topology_probe (t text); INSERT INTO topology_probe VALUES ('$token')"
  for _ in $(seq 1 50); do
    [ "$(psql2 -d "$DB" -c "SELECT count(*) FROM topology_probe WHERE t = '$token'" 2>/dev/null)" = 1 ] && break
    sleep 0.1
  done
  [ "$(psql2 -d "$DB" -c "SELECT count(*) FROM topology_probe WHERE t = '$token'")" = 1 ] ||
    { say "FAIL: a write on the primary did not reach the replica within 5 s"; ok=0; }
  local lag
  lag="$(psql1 -c "SELECT coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), 0) FROM pg_stat_replication LIMIT 1")"
  say "replication streaming; replay lag ${lag} bytes"
  # GET pages read from the replica: its transactions on $DB grow while we browse.
  local before after
  before="$(psql2 -c "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = '$DB'")"
  for _ in 1 2 3 4 5; do curl -fsS -o /dev/null "http://127.0.0.1:$WEB/h5/stations/?lat=22.54&lng=114.05"; done
  sleep 1
  after="$(psql2 -c "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = '$DB'")"
  [ "$after" -gt "$before" ] || { say "FAIL: the station finder did not read from the replica"; ok=0; }
  say "station finder served from the replica ($((after - before)) replica transactions for 5 pages)"
  # Beat schedules the audit seal every 10 s; the worker runs it.
  for _ in $(seq 1 60); do
    [ "$(psql1 -d "$DB" -c 'SELECT count(*) > 0 FROM core_auditseal')" = t ] && break
    sleep 1
  done
  [ "$(psql1 -d "$DB" -c 'SELECT count(*) > 0 FROM core_auditseal')" = t ] || { say "FAIL: beat/worker sealed nothing"; ok=0; }
  grep -q "zhijia.core.tasks.audit_seal" "$TOPO_DIR/worker.log" || { say "FAIL: the worker log shows no audit_seal"; ok=0; }
  say "celery beat → worker sealed the audit chain ($(psql1 -d "$DB" -c 'SELECT count(*) FROM core_auditseal') seals)"
  [ "$ok" = 1 ] && say "check passed" || { say "check FAILED"; return 1; }
}

down() {
  for name in beat worker web; do stop_daemon "$name"; done
  if [ -f "$TOPO_DIR/redis.pid" ]; then redis-cli -p "$RP" shutdown nosave >/dev/null 2>&1 || true; fi
  for node in replica primary; do
    [ -f "$TOPO_DIR/$node/PG_VERSION" ] && as_pg "$PGBIN/pg_ctl" -D "$TOPO_DIR/$node" -m fast -w stop >/dev/null 2>&1 || true
  done
  say "stopped"
  if [ "${1:-}" = --purge ]; then rm -rf "$TOPO_DIR"; say "removed $TOPO_DIR"; fi
}

ci() {
  trap 'down --purge' EXIT
  export DEMO_HISTORY_DAYS="${DEMO_HISTORY_DAYS:-30}"  # a month of ledger history: bounded time
  up
  check
  # shellcheck disable=SC1091
  (source "$TOPO_DIR/env" && "$PY" bench/mixed_load.py --seconds "${MIXED_SECONDS:-8}" --clients 4 --members 300)
}

case "${1:-}" in
  up) up ;;
  ci) ci ;;
  check) check ;;
  down) down "${2:-}" ;;
  env) write_env; cat "$TOPO_DIR/env" ;;
  *) sed -n '2,16p' "$0"; exit 2 ;;
esac
