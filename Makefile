# FlexWork: two commands on a fresh machine.
#   make run   install, create the database, migrate, load demo data, start web + workers + beat
#   make test  everything the whole suite needs, then lint, migrations check, schema, translations, pytest
# Both start with scripts/ensure_system.sh (Debian packages, PostgreSQL, Redis): as root it installs and starts
# what is missing; as another user it prints the command to run as root.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
LOCK := requirements/dev.txt
export DJANGO_SETTINGS_MODULE ?= flexwork.settings.local
PYTEST_ARGS ?= --create-db --durations=25
# pip says "WARNING: Location … is ignored" for each local index that lacks a package: noise, not an error.
PIP_QUIET := grep -v '^WARNING: Location' || true

.PHONY: run test system system-run install db migrate messages catalogues static seed lint format migrations-check schema translations pytest e2e fuzz faults clean bench bench-history bench-cost lock screenshots

system:
	@scripts/ensure_system.sh test

system-run:
	@scripts/ensure_system.sh run

# Reinstalled whenever the lock changes (the stamp is older than requirements/dev.txt). Only hashed, pinned
# packages: refresh the lock with `make lock` (CONTRIBUTING.md, "Dependencies").
$(VENV)/.installed: $(LOCK) requirements/base.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r $(LOCK) 2>&1 | { $(PIP_QUIET); }
	@$(PY) -m pip check
	@touch $@

install: $(VENV)/.installed

db: install system-run
	@$(PY) scripts/ensure_database.py

migrate: db
	@$(PY) manage.py migrate --noinput

messages: install system-run
	@$(PY) manage.py compilemessages --ignore=.venv --ignore=var >/dev/null

static: install
	@$(PY) manage.py collectstatic --noinput >/dev/null

seed: migrate
	@$(PY) manage.py seed_demo

# Web, the Celery workers (queues celery,reports and, apart, maintenance) and beat in the foreground
# (Procfile, the same processes as docker-compose.yml). One Ctrl-C stops them all.
run: system-run migrate messages static seed
	@echo
	@echo "  FlexWork is starting at http://127.0.0.1:8000/  (Ctrl-C stops web, workers and beat)"
	@echo
	@$(VENV)/bin/honcho start -f Procfile

# Each demo role's main screen on a phone (390×844, Indonesian) into docs/screenshots/: its own database
# (flexwork_screens) with seed_demo, a runserver on a free loopback port, stopped afterwards; about 3 minutes.
screenshots: install system-run messages
	@$(PY) scripts/screenshots.py

# After adding UI text: refresh both catalogues (English msgstr = msgid), then translate locale/id.
catalogues: install
	@$(PY) manage.py makemessages -l id -l en --no-location --no-obsolete --ignore=.venv --ignore=var --ignore='locale_allauth/*'
	@msgfilter --keep-header -i locale/en/LC_MESSAGES/django.po sed -e d \
	  | msgen - | msgattrib --clear-fuzzy --clear-previous -o locale/en/LC_MESSAGES/django.po
	@msgfmt --statistics -o /dev/null locale/id/LC_MESSAGES/django.po

lint: install
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .

format: install
	@$(VENV)/bin/ruff check --fix .
	@$(VENV)/bin/ruff format .

migrations-check: install
	@DJANGO_SETTINGS_MODULE=flexwork.settings.test $(PY) manage.py makemigrations --check --dry-run

schema: install
	@DJANGO_SETTINGS_MODULE=flexwork.settings.test $(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null

translations: install system-run
	@for po in locale/id/LC_MESSAGES/django.po locale/en/LC_MESSAGES/django.po locale_allauth/id/LC_MESSAGES/django.po; do \
	  stats="$$(msgfmt --check --statistics -o /dev/null $$po 2>&1)" || { echo "$$stats"; echo "$$po: msgfmt failed"; exit 1; }; \
	  echo "$$po: $$stats"; \
	  if grep -Eq 'untranslated|fuzzy' <<<"$$stats"; then echo "$$po is incomplete"; exit 1; fi; \
	done

pytest: install messages db
	@DJANGO_SETTINGS_MODULE=flexwork.settings.test $(VENV)/bin/pytest $(PYTEST_ARGS)

test: system lint migrations-check schema translations pytest

# Only the browser journeys (Playwright driving Debian's Chromium, axe on every page).
e2e: system install messages db
	@DJANGO_SETTINGS_MODULE=flexwork.settings.test $(VENV)/bin/pytest tests/e2e --create-db

# The long schema-fuzzing run (docs/reliability.md): 50 examples per operation and role, plus
# schemathesis' coverage phase. `make test` runs the same test with 4 examples.
fuzz: install messages db
	@DJANGO_SETTINGS_MODULE=flexwork.settings.test FUZZ_EXAMPLES=50 FUZZ_COVERAGE=1 $(VENV)/bin/pytest tests/fuzz --create-db -p no:randomly

# Process-level fault runs (docs/reliability.md): the default suite's Redis and beat runs, plus PostgreSQL restarted
# under load (its own cluster on 55450, gunicorn on 8130, Redis on 6421; ~3 minutes, mostly migrating a new database).
faults: install messages db
	@DJANGO_SETTINGS_MODULE=flexwork.settings.test FW_FAULTS=1 $(VENV)/bin/pytest tests/reliability/test_faults.py -p no:randomly -s

# Benchmarks at agency scale (docs/performance.md): about 17 minutes at 60,000 (bounded by bench/run.py --minutes), loopback only, its own database flexwork_bench.
bench: install messages static
	@bench/run.sh $(BENCH_ARGS)

# The same on a year of history (seed_bench --months 12): history_months in the JSON, the same keys.
bench-history: install messages static
	@bench/run.sh --history 12 $(BENCH_ARGS)

# The cost curve: the monthly report and the import at 6,000, 60,000 and 300,000 employees (one month),
# report_s_per_1000 and import_s_per_1000 in bench/results/<sha>-e<employees>.json.
bench-cost: install messages static
	@for n in 6000 60000 300000; do \
	  bench/run.sh --employees $$n --skip checkin,reads,pages,peak,allowance $(BENCH_ARGS) || exit 1; done

# Refresh both locks from requirements/base.in and requirements/dev.in (pip-tools in a throw-away venv).
# Newest releases that fit the .in files; PACKAGES="django-allauth holidays" moves only those.
lock:
	@rm -rf var/lock-venv && $(PYTHON) -m venv var/lock-venv
	@var/lock-venv/bin/pip install --quiet --disable-pip-version-check pip-tools 2>&1 | { $(PIP_QUIET); }
	@for name in base dev; do \
	  var/lock-venv/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	    --no-emit-find-links $(if $(PACKAGES),$(addprefix --upgrade-package ,$(PACKAGES)),--upgrade) \
	    --output-file requirements/$$name.txt requirements/$$name.in 2>&1 | { $(PIP_QUIET); }; \
	done
	@rm -rf var/lock-venv
	@git diff --stat requirements/

clean:
	rm -rf var/static var/test-evidence var/test-reports

# PostgreSQL backups (docs/operations.md): `make backup` dumps DATABASE_URL's database (pg_dump -Fc) to
# var/backups/<UTC time>.dump; `make restore FILE=var/backups/<UTC time>.dump DB=<name>` restores it into the
# database named (created when missing; pg_restore --clean --if-exists). tests/test_backup.py runs both.
.PHONY: backup restore
backup:
	@scripts/backup.sh

restore:
	@if [ -z "$(FILE)" ] || [ -z "$(DB)" ]; then echo "usage: make restore FILE=var/backups/<UTC time>.dump DB=<database>" >&2; exit 2; fi
	@scripts/restore.sh "$(FILE)" "$(DB)"
