#!/usr/bin/env bash
# A PostgreSQL backup of FlexWork's database in pg_dump's custom format (-Fc): `make backup`, and the backup
# service of docker-compose.yml (--loop). docs/operations.md "Backup and restore".
#
#   scripts/backup.sh           one dump into $BACKUP_DIR as <UTC time>.dump, then the retention sweep
#   scripts/backup.sh --loop    the same at once and then every BACKUP_INTERVAL_SECONDS (default 86400)
#   scripts/backup.sh --check   exit 0 when the newest dump is younger than the interval plus one hour
#
# The database is DATABASE_URL's (postgres://user:password@host:port/name), else the DATABASE_URL line of ./.env,
# else the settings' default (postgres://postgres@127.0.0.1:5432/flexwork). A dump is written as a .partial
# file, read back with `pg_restore --list`, and only then renamed to .dump: an interrupted or unreadable dump
# never looks like a backup. Dumps older than BACKUP_RETENTION_DAYS (default 14) are deleted after a
# successful dump only, so the newest good dump always stays.
set -euo pipefail

backup_dir=${BACKUP_DIR:-var/backups}
retention_days=${BACKUP_RETENTION_DAYS:-14}
interval=${BACKUP_INTERVAL_SECONDS:-86400}

log() { printf '%s backup: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }

database_url() {
	local url=${DATABASE_URL:-}
	if [[ -z $url && -f .env ]]; then
		url=$(sed -n 's/^DATABASE_URL=//p' .env | tail -n 1)
		url=${url%\"} url=${url#\"}
	fi
	url=${url:-postgres://postgres@127.0.0.1:5432/flexwork}
	# libpq reads postgres:// and postgresql:// URLs; django-environ also spells them pgsql:// or postgis://.
	printf 'postgresql://%s' "${url#*://}"
}

dump_once() {
	local url stamp partial target
	url=$(database_url)
	mkdir -p "$backup_dir" || return 1
	stamp=$(date -u +%Y%m%dT%H%M%SZ)
	partial="$backup_dir/$stamp.$$.partial" # a dump by hand in the same second as the loop's has its own file
	target="$backup_dir/$stamp.dump"
	log "dumping to $target"
	if ! pg_dump --format=custom --compress=6 --no-password --file="$partial" --dbname="$url"; then
		rm -f "$partial"
		log "pg_dump failed"
		return 1
	fi
	if ! pg_restore --list "$partial" >/dev/null; then
		rm -f "$partial"
		log "the dump does not read back"
		return 1
	fi
	mv "$partial" "$target" || return 1
	log "done: $target ($(du -h "$target" | cut -f1))"
	# Retention (only after a good dump): whole dumps older than the window, and leftovers of interrupted runs.
	find "$backup_dir" -maxdepth 1 -type f -name '*.dump' -mmin +$((retention_days * 24 * 60)) -print -delete |
		sed 's/^/removed old dump: /' >&2 || return 1
	find "$backup_dir" -maxdepth 1 -type f -name '*.partial' -mmin +$((24 * 60)) -delete || return 1
}

check_fresh() {
	local limit=$((interval / 60 + 60))
	[[ -n $(find "$backup_dir" -maxdepth 1 -type f -name '*.dump' -mmin -"$limit" -print -quit 2>/dev/null) ]]
}

case ${1:-} in
"")
	dump_once
	;;
--loop)
	# A stop (SIGTERM) ends the wait between runs at once; a dump in progress finishes first, or is cut short
	# and left as a .partial file.
	sleeper=""
	trap 'log "stopping"; [[ -n $sleeper ]] && kill "$sleeper" 2>/dev/null; exit 0' TERM INT
	while true; do
		dump_once || log "this run failed; the next one is in ${interval}s"
		sleep "$interval" &
		sleeper=$!
		wait "$sleeper" || true
		sleeper=""
	done
	;;
--check)
	check_fresh
	;;
*)
	echo "usage: $0 [--loop | --check]" >&2
	exit 2
	;;
esac
