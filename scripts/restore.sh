#!/usr/bin/env bash
# Restore a dump made by scripts/backup.sh into a named database: `make restore FILE=… DB=…`.
# docs/operations.md "Backup and restore".
#
#   scripts/restore.sh var/backups/20260301T020000Z.dump flexwork_restored
#
# The server is DATABASE_URL's (else ./.env's DATABASE_URL line, else the settings' default), the database is the
# one named here: it is created when missing, and objects already in it that the dump holds are dropped first
# (pg_restore --clean --if-exists). The restore is one transaction (--single-transaction --exit-on-error): it
# ends complete or not at all. Ownership and grants are not restored (--no-owner --no-privileges): everything
# belongs to the connecting role, as FlexWork's own database does.
set -euo pipefail

if [[ $# -ne 2 ]]; then
	echo "usage: $0 <dump file> <database name>" >&2
	exit 2
fi
file=$1
database=$2
if [[ ! $database =~ ^[A-Za-z_][A-Za-z0-9_]{0,62}$ ]]; then
	echo "restore: a database name is letters, digits and _ (got '$database')" >&2
	exit 2
fi
if [[ ! -f $file ]]; then
	echo "restore: no such file: $file" >&2
	exit 2
fi

url=${DATABASE_URL:-}
if [[ -z $url && -f .env ]]; then
	url=$(sed -n 's/^DATABASE_URL=//p' .env | tail -n 1)
	url=${url%\"} url=${url#\"}
fi
url=${url:-postgres://postgres@127.0.0.1:5432/flexwork}
url="postgresql://${url#*://}"
# A dbname= parameter overrides the URL's path: the same server and role, another database.
separator='?'
[[ $url == *\?* ]] && separator='&'
on() { printf '%s%sdbname=%s' "$url" "$separator" "$1"; }

pg_restore --list "$file" >/dev/null

exists=$(psql --no-password --no-psqlrc --tuples-only --no-align --dbname="$(on postgres)" \
	--command="SELECT 1 FROM pg_database WHERE datname = '$database'")
if [[ -z $exists ]]; then
	psql --no-password --no-psqlrc --quiet --dbname="$(on postgres)" --command="CREATE DATABASE \"$database\""
	echo "restore: created database $database" >&2
fi

pg_restore --no-password --clean --if-exists --no-owner --no-privileges --single-transaction --exit-on-error \
	--dbname="$(on "$database")" "$file"
echo "restore: $file restored into $database" >&2
