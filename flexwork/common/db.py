"""Database session settings for the statements that read much (reports, dashboards)."""

from __future__ import annotations

import contextlib

from django.db import DatabaseError, connections

# The monthly reports' one statement (docs/performance.md, "History and the hot queries"):
# - no JIT: PostgreSQL compiles its ~280 expressions for seconds before it runs, more than it saves;
# - no parallel workers: the statement keeps to one core, leaving the others to the morning's check-ins
#   (with two workers it took both cores of a small server: check-in p99 1.2 s during a report);
# - random reads priced as on SSD storage: the period's daily rows are read by their (agency, date) index
#   instead of scanning a year of history, which the default (4, spinning disks) prefers.
REPORT_STATEMENT_SETTINGS = {"jit": "off", "max_parallel_workers_per_gather": "0", "random_page_cost": "1.1"}
DASHBOARD_STATEMENT_SETTINGS = {"jit": "off"}


@contextlib.contextmanager
def statement_settings(values: dict[str, str], using: str = "default"):
    """Runs the block's statements with these settings of the database session, then resets them (one
    statement each way). An aborted transaction undoes the SET by itself."""
    with connections[using].cursor() as cursor:
        cursor.execute(" ".join(f"SET {name} = {value};" for name, value in values.items()))
    try:
        yield
    finally:
        with contextlib.suppress(DatabaseError), connections[using].cursor() as cursor:
            cursor.execute(" ".join(f"RESET {name};" for name in values))
