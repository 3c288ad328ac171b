#!/usr/bin/env bash
# Zhijia backups on PostgreSQL: a dump, and the proof that it restores.
#
#   deploy/backup.sh                 dump DATABASE_URL to $BACKUP_DIR (var/backups) as a custom-format file
#   deploy/backup.sh --check         dump, then restore the dump into a fresh database and run
#                                    `manage.py audit_verify` on the copy (the sealed audit chain
#                                    verifies only if every entry came back unchanged); drops the copy
#   deploy/backup.sh --restore-check FILE   the second half only, for an existing dump
#   deploy/backup.sh --ci            CI: build a throwaway source database (migrate, demo, seal),
#                                    then --check it, then drop both
#
# The copy is verified with the application's keys (AUDIT_HMAC_KEY etc. from the environment or
# the settings in DJANGO_SETTINGS_MODULE), so run it where the application runs. Uploaded files
# (MEDIA_ROOT) are not in the database: back them up with the file system (docs/deploy.md).
# Exit status: 0 when the dump restored and verified; non-zero names the failing step.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${DATABASE_URL:?set DATABASE_URL=postgres://user@host:port/db}"
PY="${PY:-.venv/bin/python}"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.dev}"
BACKUP_DIR="${BACKUP_DIR:-var/backups}"
KEEP_DAYS="${BACKUP_KEEP_DAYS:-14}"
PGBIN="${PGBIN:-$( [ -x /usr/lib/postgresql/15/bin/pg_dump ] && echo /usr/lib/postgresql/15/bin || dirname "$(command -v pg_dump)")}"

say() { printf '[backup %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }

# postgres://user@host:port/name -> the server URL (…/postgres) and the name.
db_name() { local u="${1%%\?*}"; echo "${u##*/}"; }
server_url() { local u="${1%%\?*}"; echo "${u%/*}/postgres"; }
with_name() { local u="${1%%\?*}"; echo "${u%/*}/$2"; }

dump() {
  mkdir -p "$BACKUP_DIR"
  local file
  file="$BACKUP_DIR/$(db_name "$DATABASE_URL")-$(date -u +%Y%m%dT%H%M%SZ).dump"
  "$PGBIN/pg_dump" --format=custom --no-owner --no-privileges --file="$file.part" "$DATABASE_URL"
  mv "$file.part" "$file"
  find "$BACKUP_DIR" -name '*.dump' -mtime "+$KEEP_DAYS" -delete 2>/dev/null || true
  say "dumped $(db_name "$DATABASE_URL") to $file ($(du -h "$file" | cut -f1))"
  DUMP_FILE="$file"
}

restore_check() {
  local file="$1" copy copy_url
  copy="$(db_name "$DATABASE_URL")_restore_$(date -u +%Y%m%d%H%M%S)_$$"
  copy_url="$(with_name "$DATABASE_URL" "$copy")"
  "$PGBIN/psql" -q -v ON_ERROR_STOP=1 "$(server_url "$DATABASE_URL")" -c "CREATE DATABASE \"$copy\""
  # shellcheck disable=SC2064
  trap "'$PGBIN/psql' -q '$(server_url "$DATABASE_URL")' -c 'DROP DATABASE IF EXISTS \"$copy\"' >/dev/null 2>&1 || true" EXIT
  "$PGBIN/pg_restore" --no-owner --no-privileges --exit-on-error --dbname="$copy_url" "$file"
  say "restored into the fresh database $copy"
  DATABASE_URL="$copy_url" "$PY" manage.py audit_verify
  local src copied
  src="$("$PGBIN/psql" -Atq "$DATABASE_URL" -c 'SELECT count(*) FROM core_auditseal')"
  copied="$("$PGBIN/psql" -Atq "$copy_url" -c 'SELECT count(*) FROM core_auditseal')"
  [ "$copied" -ge 1 ] || { say "the copy holds no audit seals"; return 1; }
  say "the copy verifies: $copied audit seals (source now: $src)"
}

case "${1:-}" in
  "") dump ;;
  --check) dump; restore_check "$DUMP_FILE" ;;
  --restore-check) restore_check "${2:?a dump file}" ;;
  --ci)
    src="zhijia_backup_ci_$$"
    export DATABASE_URL BACKUP_DIR
    DATABASE_URL="$(with_name "$DATABASE_URL" "$src")"
    BACKUP_DIR="$(mktemp -d /tmp/zhijia-backup-XXXXXX)"
    "$PGBIN/psql" -q -v ON_ERROR_STOP=1 "$(server_url "$DATABASE_URL")" -c "CREATE DATABASE \"$src\""
    cleanup_ci() {
      "$PGBIN/psql" -q "$(server_url "$DATABASE_URL")" -c "DROP DATABASE IF EXISTS \"$src\"" >/dev/null 2>&1 || true
      rm -rf "$BACKUP_DIR"
    }
    export DEMO_HISTORY_DAYS="${DEMO_HISTORY_DAYS:-30}"  # enough ledger rows to carry; bounded time
    say "source database $src: migrate, demo data, seal"
    "$PY" manage.py migrate --noinput -v 0
    "$PY" manage.py seed_demo >/dev/null
    "$PY" manage.py audit_seal
    dump
    status=0
    (restore_check "$DUMP_FILE") || status=$?
    cleanup_ci
    exit "$status"
    ;;
  *) sed -n '2,16p' "$0"; exit 2 ;;
esac
