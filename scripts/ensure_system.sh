#!/usr/bin/env bash
# The system half of `make run` / `make test` on Debian 12: the Debian packages FlexWork needs, and
# PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) answering.
#   scripts/ensure_system.sh run    what the service needs: python3-venv, gettext, fonts-dejavu-core, PostgreSQL, Redis
#   scripts/ensure_system.sh test   the same, plus Debian's chromium for the browser tests (tests/e2e) and
#                                   poppler-utils (pdftotext, pdftoppm) for the report PDF tests (tests/reports)
# As root it installs and starts what is missing. As another user it prints the exact command to run
# as root and stops with an error. Nothing is done (and nothing printed) when all is already there.
# The report PDF embeds DejaVu Sans (flexwork/reports/pdf.py), from fonts-dejavu-core.
set -euo pipefail

mode="${1:-test}"
case "$mode" in
  run | test) ;;
  *) echo "usage: $0 run|test" >&2; exit 2 ;;
esac
here="$(cd "$(dirname "$0")" && pwd)"
PG_HOST=127.0.0.1 PG_PORT=5432 REDIS_PORT=6379

as_root() {
  # $1: what is missing, $2: the command that fixes it.
  if [ "$(id -u)" -ne 0 ]; then
    echo "FlexWork needs $1. Run this as root, then the make command again:" >&2
    echo "    sudo $here/ensure_system.sh $mode" >&2
    echo "  (or, by hand: $2)" >&2
    exit 1
  fi
}

# ---------------------------------------------------------------- Debian packages
missing=()
python3 -c "import ensurepip, venv" >/dev/null 2>&1 || missing+=(python3-venv)
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
command -v pg_ctlcluster >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
if [ "$mode" = test ]; then
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
fi
if [ ${#missing[@]} -gt 0 ]; then
  as_root "the Debian packages: ${missing[*]}" "apt-get update && apt-get install -y ${missing[*]}"
  echo "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# ---------------------------------------------------------------- PostgreSQL
pg_up() { pg_isready -h "$PG_HOST" -p "$PG_PORT" -q 2>/dev/null; }
if ! pg_up; then
  version="$(ls /etc/postgresql | sort -V | tail -n 1)"
  start="pg_ctlcluster --skip-systemctl-redirect $version main start"
  as_root "PostgreSQL answering on $PG_HOST:$PG_PORT" "$start"
  echo "starting PostgreSQL $version"
  $start
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
  pg_up || { echo "PostgreSQL did not start: see /var/log/postgresql/" >&2; exit 1; }
fi
# The default DATABASE_URL is postgres://postgres@127.0.0.1:5432/… without a password. A stock Debian cluster
# asks TCP clients for one: give the postgres role a random password and keep it in ~/.pgpass, where libpq
# (psql, psycopg2) finds it. A DATABASE_URL of your own is left to you.
if [ -z "${DATABASE_URL:-}" ] && ! psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -w -Atqc "SELECT 1" >/dev/null 2>&1; then
  as_root "a password for PostgreSQL's postgres role in ~/.pgpass" "see $here/ensure_system.sh"
  password="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
  runuser -u postgres -- psql -p "$PG_PORT" -Atqc "ALTER ROLE postgres PASSWORD '$password'" >/dev/null
  touch "$HOME/.pgpass" && chmod 600 "$HOME/.pgpass"
  sed -i "/^$PG_HOST:$PG_PORT:\*:postgres:/d" "$HOME/.pgpass"
  echo "$PG_HOST:$PG_PORT:*:postgres:$password" >>"$HOME/.pgpass"
  echo "PostgreSQL: the postgres role's password is in $HOME/.pgpass"
fi

# ---------------------------------------------------------------- Redis
redis_up() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; }
if ! redis_up; then
  start="redis-server --daemonize yes --bind 127.0.0.1 --port $REDIS_PORT --save \"\" --appendonly no"
  as_root "Redis answering on 127.0.0.1:$REDIS_PORT" "$start"
  echo "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no >/dev/null
  for _ in $(seq 1 30); do redis_up && break; sleep 1; done
  redis_up || { echo "Redis did not start on 127.0.0.1:$REDIS_PORT" >&2; exit 1; }
fi
