#!/usr/bin/env bash
# `make bench`: install what the benchmark needs (wrk from Debian; redis-server and PostgreSQL as for make run),
# then run bench/run.py (bounded, loopback only). Arguments pass through, e.g. bench/run.sh --reuse.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian package)"
  apt-get install -y wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y wrk >/dev/null; }
fi
command -v redis-server >/dev/null || { echo "redis-server is missing (as for make run)"; exit 1; }
# bounded: 20 minutes for the month, more for a year of history or the 300,000 of the cost curve (run.py keeps
# its own time bound per stage, --minutes)
exec timeout "${BENCH_TIMEOUT:-5400}" .venv/bin/python bench/run.py "$@"
