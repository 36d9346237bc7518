"""seed_bench --months: the benchmark's month and the months of history before it, built by the same paths
(counts by month; no timings here)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection, transaction

from bench.seed import digest, seed, working_days

MONTH = (2026, 10)
EMPLOYEES, DAYS = 200, 3


class _Rollback(Exception):
    pass


def _by_month(sql: str, agency_id: int) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT to_char({sql.split('|')[0]}, 'YYYY-MM'), count(*) FROM {sql.split('|')[1]} "
                       "WHERE agency_id = %s GROUP BY 1 ORDER BY 1", [agency_id])  # fmt: skip
        return dict(cursor.fetchall())


@pytest.mark.django_db
def test_two_months_of_history_by_month(tmp_path):
    try:
        with transaction.atomic():
            one = seed(employees=EMPLOYEES, days=DAYS, seed=7, month=MONTH, checked=True, out_dir=tmp_path,
                       log=lambda _l: None)  # fmt: skip
            one_digest = digest(agency_id=one.agency_id)
            raise _Rollback
    except _Rollback:
        pass
    result = seed(employees=EMPLOYEES, days=DAYS, seed=7, month=MONTH, checked=True, out_dir=tmp_path,
                  log=lambda _l: None, months=2)  # fmt: skip
    a = result.agency_id
    assert result.personas["history_months"] == 2
    assert result.personas["history_first_day"] == working_days(2026, 9, DAYS)[0].isoformat()
    # one daily status per employee and working day of each month
    assert _by_month("local_date|attendance_daystatus", a) == {"2026-09": EMPLOYEES * DAYS, "2026-10": EMPLOYEES * DAYS}
    checks = _by_month("local_date|attendance_checkevent", a)
    assert set(checks) == {"2026-09", "2026-10"} and min(checks.values()) > EMPLOYEES * DAYS
    with connection.cursor() as cursor:  # check events are the statuses' check times, month by month too
        cursor.execute("SELECT count(check_in_at) + count(check_out_at) FROM attendance_daystatus WHERE agency_id = %s",
                       [a])  # fmt: skip
        assert cursor.fetchone()[0] == sum(checks.values())
        # each month has its own approved arrangements, whose dates are the schedule days
        cursor.execute("SELECT to_char(first_date, 'YYYY-MM'), count(*) FROM schedules_arrangementrequest "
                       "WHERE agency_id = %s AND status = 'approved' GROUP BY 1 ORDER BY 1", [a])  # fmt: skip
        arrangements = dict(cursor.fetchall())
        cursor.execute("SELECT count(*) FROM schedules_scheduleday s JOIN schedules_arrangementrequest r "
                       "ON r.id = s.arrangement_id WHERE s.agency_id = %s AND (r.status <> 'approved' "
                       "OR NOT s.local_date = ANY(r.dates))", [a])  # fmt: skip
        assert cursor.fetchone()[0] == 0
    assert set(arrangements) == {"2026-09", "2026-10"} and arrangements["2026-09"] == arrangements["2026-10"]
    assert set(_by_month("local_date|schedules_scheduleday", a)) == {"2026-09", "2026-10"}
    assert set(_by_month("local_date|attendance_worklog", a)) == {"2026-09", "2026-10"}
    assert set(_by_month("date_from|attendance_leaverequest", a)) <= {"2026-09", "2026-10"}
    # the statuses of the history month are what the status engine computes too
    from attendance.models import DayStatus
    from attendance.status import day_statuses_compute

    day = working_days(2026, 9, DAYS)[1]
    fields = ("location", "arrival", "departure", "absence", "worked_minutes", "credited_minutes", "flagged")
    seeded = {r["employee_id"]: r for r in DayStatus.objects.filter(agency_id=a, local_date=day)
              .values("employee_id", *fields)}  # fmt: skip
    day_statuses_compute(employee_ids=list(seeded), local_date=day)
    assert {r["employee_id"]: r for r in DayStatus.objects.filter(agency_id=a, local_date=day)
            .values("employee_id", *fields)} == seeded  # fmt: skip
    # the benchmark's month is what a one-month seed builds
    with connection.cursor() as cursor:
        for table in ("attendance_daystatus", "attendance_checkevent", "schedules_scheduleday", "attendance_worklog"):
            cursor.execute(
                f"DELETE FROM {table} WHERE agency_id = %s AND local_date < %s", [a, datetime.date(*MONTH, 1)]
            )
        cursor.execute("DELETE FROM schedules_arrangementrequest WHERE agency_id = %s AND first_date < %s",
                       [a, datetime.date(*MONTH, 1)])  # fmt: skip
        cursor.execute("DELETE FROM attendance_leaverequest WHERE agency_id = %s AND date_from < %s",
                       [a, datetime.date(*MONTH, 1)])  # fmt: skip
    assert digest(agency_id=a) == one_digest


def test_the_import_benchmark_never_draws_a_nip_the_seeded_agency_holds():
    """The cost curve imports 300,000 rows beside a seeded agency of 300,000: no NIP of the file may be one the
    agency holds already (the import refuses those), so the file's births start after every seeded one."""
    from bench.seed import IMPORT_BIRTH_START, nip_for
    from flexwork.onboarding import sample

    seeded = {nip_for(i, seed) for seed in (1, 7) for i in range(0, 300_000, 11)}
    assert max(nip[:8] for nip in seeded) < f"{IMPORT_BIRTH_START:%Y%m%d}"
    units = sample.sample_units(prefix="B")
    rows = sample.sample_employees(
        count=3000, unit_rows=units, position_codes=["JAB01"], first_n=297_000, birth_start=IMPORT_BIRTH_START
    )
    drawn = {row[sample.EMPLOYEE_HEADERS.index("nip")] for row in rows}
    assert len(drawn) == 3000 and not drawn & seeded
    assert min(drawn)[:8] >= f"{IMPORT_BIRTH_START:%Y%m%d}"


def test_the_import_floor_copies_the_rows_the_import_path_imports():
    """The import's floor (COPY FROM STDIN, bench/run.py) and the import path draw one file: the same rows, with
    births after every seeded NIP's, so neither collides with the seeded agency at 300,000."""
    import importlib
    import inspect

    from bench.seed import IMPORT_BIRTH_START

    import_60k = importlib.import_module("bench.import_60k")
    run = importlib.import_module("bench.run")
    _units, _positions, rows = import_60k.sample_file(500)
    assert rows == import_60k.sample_file(500)[2]
    assert min(row[0] for row in rows)[:8] >= f"{IMPORT_BIRTH_START:%Y%m%d}"
    assert "sample_file(rows)" in inspect.getsource(run.import_floor)
