"""The benchmark's correctness checks on a tiny agency (no timings here: those are `make bench`'s).

- seed_bench is deterministic for a seed, its counts are right and its rows are consistent (every foreign key
  checked: the tests seed with --checked), the daily statuses are what attendance.status computes, and the
  tokens authenticate; the fast load of make bench (no triggers, indexes rebuilt, check events on a second
  connection) writes the same rows as the checked one and leaves the schema as it found it;
- the floors of the read benchmarks hold the same rows as the application's selectors;
- the monthly compliance report through the real pipeline equals its floor (the single SQL aggregate via COPY)."""

from __future__ import annotations

import datetime
import hashlib
import json

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from bench import floors
from bench.seed import BIG_TABLES, digest, seed

MONTH = (2026, 10)
EMPLOYEES, DAYS = 200, 3


class _Rollback(Exception):
    pass


def _seed(tmp_path, seed_value: int = 7):
    return seed(
        employees=EMPLOYEES,
        days=DAYS,
        seed=seed_value,
        month=MONTH,
        checked=True,
        out_dir=tmp_path,
        log=lambda _l: None,
    )


@pytest.fixture
def agency(db, tmp_path):
    return _seed(tmp_path)


def _count(sql: str, *params) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_seed_is_deterministic_for_a_seed(tmp_path):
    digests = []
    for _ in range(2):
        try:
            with transaction.atomic():
                result = _seed(tmp_path)
                digests.append(digest(agency_id=result.agency_id))
                raise _Rollback
        except _Rollback:
            pass
    try:
        with transaction.atomic():
            other = _seed(tmp_path, seed_value=8)
            digests.append(digest(agency_id=other.agency_id))
            raise _Rollback
    except _Rollback:
        pass
    assert digests[0] == digests[1]
    assert digests[2] != digests[0]


def _schema() -> list[tuple]:
    """The indexes and constraints of the tables whose indexes the fast load drops and rebuilds."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) ORDER BY 1", [list(BIG_TABLES)]
        )
        rows = cursor.fetchall()
        cursor.execute("SELECT conname, pg_get_constraintdef(oid), condeferrable, condeferred FROM pg_constraint "
                       "WHERE conrelid::regclass::text = ANY(%s) ORDER BY 1", [list(BIG_TABLES)])  # fmt: skip
        return rows + cursor.fetchall()


def _unit_day_totals(agency_id: int) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT unit_id, local_date, days, due, present, tk, flexible, required_minutes, credited_minutes,"
            " missing_logs FROM attendance_unitdaytotal WHERE agency_id = %s ORDER BY 1, 2",
            [agency_id],
        )
        return cursor.fetchall()


def _unit_day_totals_from_statuses(agency_id: int) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT unit_id, local_date, count(*), count(*) FILTER (WHERE is_working_day AND (absence IS NULL"
            " OR absence = 'TK')), count(*) FILTER (WHERE check_in_at IS NOT NULL OR check_out_at IS NOT NULL),"
            " count(*) FILTER (WHERE absence = 'TK'), count(*) FILTER (WHERE location IN ('HOME', 'DESIGNATED',"
            " 'OTHER_OFFICE')), sum(required_minutes), sum(credited_minutes), count(*) FILTER (WHERE missing_log)"
            " FROM attendance_daystatus WHERE agency_id = %s GROUP BY 1, 2 ORDER BY 1, 2",
            [agency_id],
        )
        return cursor.fetchall()


def _log_day_totals(agency_id: int) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT unit_id, local_date, location, entries, minutes, verified, waiting"
            " FROM attendance_worklogdaytotal WHERE agency_id = %s ORDER BY 1, 2, 3",
            [agency_id],
        )
        return cursor.fetchall()


def _log_day_totals_from_logs(agency_id: int) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT unit_id, local_date, location, count(*), sum(minutes_spent), count(*) FILTER (WHERE"
            " verification = 'SESUAI'), count(*) FILTER (WHERE verification IS NULL)"
            " FROM attendance_worklog WHERE agency_id = %s GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
            [agency_id],
        )
        return cursor.fetchall()


@pytest.mark.django_db(transaction=True)
def test_the_fast_load_writes_what_the_checked_load_writes(tmp_path):
    try:
        with transaction.atomic():
            checked = _seed(tmp_path)
            expected = digest(agency_id=checked.agency_id)
            checked_totals = _unit_day_totals(checked.agency_id)
            checked_log_totals = _log_day_totals(checked.agency_id)
            # the checked load keeps every trigger: the output logs' totals follow the rows as they are written
            assert checked_log_totals == _log_day_totals_from_logs(checked.agency_id) != []
            raise _Rollback
    except _Rollback:
        pass
    schema = _schema()
    fast = seed(employees=EMPLOYEES, days=DAYS, seed=7, month=MONTH, out_dir=tmp_path, log=lambda _l: None)
    assert digest(agency_id=fast.agency_id) == expected
    assert fast.counts == checked.counts
    # the dashboards' unit-day totals: kept by triggers in the checked load, filled after the fast one
    assert _unit_day_totals(fast.agency_id) == _unit_day_totals_from_statuses(fast.agency_id) != []
    assert len(_unit_day_totals(fast.agency_id)) == len(checked_totals) > 0
    # and the output logs' totals, filled after the fast load
    assert _log_day_totals(fast.agency_id) == _log_day_totals_from_logs(fast.agency_id)
    assert len(_log_day_totals(fast.agency_id)) == len(checked_log_totals)
    assert _schema() == schema
    # the check events came from the second connection, committed with the rest
    assert (
        _count("SELECT count(*) FROM attendance_checkevent WHERE agency_id = %s", fast.agency_id)
        == fast.counts["attendance_checkevent"]
        > 0
    )


@pytest.mark.django_db(transaction=True)
def test_a_failed_fast_load_leaves_nothing_behind(tmp_path, monkeypatch):
    from flexwork.org.models import RoleAssignment

    def broken(**_kwargs):
        raise RuntimeError("disk full")

    tables = ("org_agency", "org_employee", *BIG_TABLES)
    before = {table: _count(f"SELECT count(*) FROM {table}") for table in tables}  # the session's personas
    monkeypatch.setattr(RoleAssignment.objects, "create", broken)  # the main connection's last write
    with pytest.raises(RuntimeError, match="disk full"):
        seed(employees=EMPLOYEES, days=DAYS, seed=7, month=MONTH, out_dir=tmp_path, log=lambda _l: None)
    assert {table: _count(f"SELECT count(*) FROM {table}") for table in tables} == before


def test_seed_counts_and_consistency(agency, tmp_path):
    a = agency.agency_id
    assert _count("SELECT count(*) FROM org_employee WHERE agency_id = %s", a) == EMPLOYEES
    assert _count("SELECT count(*) FROM accounts_user u JOIN org_employee e ON e.user_id = u.id "
                  "WHERE e.agency_id = %s AND u.password LIKE '!%%' AND u.username = e.nip", a) == EMPLOYEES  # fmt: skip
    assert _count("SELECT count(*) FROM accounts_apitoken t JOIN org_employee e ON e.user_id = t.user_id "
                  "WHERE e.agency_id = %s", a) == EMPLOYEES  # fmt: skip
    # a 5-level tree (2 directorates × 2 × 2, half the sections split in two), the last directorate in WITA
    assert _count("SELECT count(*) FROM org_unit WHERE agency_id = %s", a) == 23
    assert _count("SELECT max(array_length(path, 1)) FROM org_unit WHERE agency_id = %s", a) == 5
    assert _count("SELECT count(DISTINCT coalesce(time_zone, 'agency')) FROM org_unit WHERE agency_id = %s", a) == 2
    # paths follow the parents; every head works in the unit they head; one root head without supervisor
    assert _count("SELECT count(*) FROM org_unit u LEFT JOIN org_unit p ON p.id = u.parent_id WHERE u.agency_id = %s "
                  "AND u.path <> coalesce(p.path, '{}') || u.id::int", a) == 0  # fmt: skip
    assert _count("SELECT count(*) FROM org_unit u JOIN org_employee h ON h.id = u.head_id "
                  "WHERE u.agency_id = %s AND h.unit_id = u.id", a) == 23  # fmt: skip
    assert _count("SELECT count(*) FROM org_employee WHERE agency_id = %s AND supervisor_id IS NULL", a) == 1
    # one status per employee and working day; check events = the statuses' check times
    assert _count("SELECT count(*) FROM attendance_daystatus WHERE agency_id = %s", a) == EMPLOYEES * DAYS
    assert _count("SELECT count(*) FROM attendance_checkevent WHERE agency_id = %s", a) == _count(
        "SELECT count(check_in_at) + count(check_out_at) FROM attendance_daystatus WHERE agency_id = %s", a
    )
    # schedule days are the approved arrangements' dates, nothing else
    assert _count("SELECT count(*) FROM schedules_scheduleday s JOIN schedules_arrangementrequest r "
                  "ON r.id = s.arrangement_id WHERE s.agency_id = %s AND (r.status <> 'approved' "
                  "OR NOT s.local_date = ANY(r.dates))", a) == 0  # fmt: skip
    assert _count("SELECT count(*) FROM schedules_scheduleday WHERE agency_id = %s", a) > 0
    assert _count("SELECT count(*) FROM schedules_arrangementrequest WHERE agency_id = %s "
                  "AND status IN ('submitted', 'recommended')", a) > 0  # fmt: skip
    assert _count("SELECT count(*) FROM performance_skp WHERE agency_id = %s", a) == EMPLOYEES - 1
    assert _count("SELECT count(*) FROM org_roleassignment WHERE agency_id = %s AND role = 'HR_ADMIN'", a) == 1
    # the keys file holds every employee's key but the three personas'; keys authenticate
    keys = (tmp_path / "tokens-7.txt").read_text().split()
    assert len(keys) == len(set(keys)) == EMPLOYEES - 3
    from flexwork.accounts.authentication import PersonalTokenAuthentication

    user, _token = PersonalTokenAuthentication().authenticate_key(agency.personas["hr_admin"]["token"])
    assert user.pk == agency.personas["hr_admin"]["user_id"]


def test_seeded_statuses_are_what_the_status_engine_computes(agency):
    from attendance.models import DayStatus
    from attendance.status import day_statuses_compute

    fields = ("location", "arrival", "departure", "absence", "lateness_minutes", "early_minutes", "worked_minutes",
              "required_minutes", "credited_minutes", "flagged", "is_dynamic", "check_in_at", "check_out_at",
              "scheduled_start", "scheduled_end")  # fmt: skip
    day = datetime.date.fromisoformat(agency.personas["month_days"][1])
    seeded = {row["employee_id"]: row for row in DayStatus.objects.filter(agency_id=agency.agency_id, local_date=day)
              .values("employee_id", *fields)}  # fmt: skip
    day_statuses_compute(employee_ids=list(seeded), local_date=day)
    computed = {row["employee_id"]: row for row in DayStatus.objects.filter(agency_id=agency.agency_id, local_date=day)
                .values("employee_id", *fields)}  # fmt: skip
    assert computed == seeded


def _user(persona):
    from flexwork.accounts.models import User

    return User.objects.get(id=persona["user_id"])


def test_floors_hold_the_rows_of_the_app_reads(agency):
    from flexwork.org.selectors import employee_list_for
    from schedules.selectors import approval_queue_for, team_calendar_for

    p, a = agency.personas, agency.agency_id
    decider, hr, head = _user(p["decider"]), _user(p["hr_admin"]), _user(p["big_unit_head"])
    with connection.cursor() as cursor:
        queue = json.loads(floors.approval_queue(cursor, agency_id=a, employee_id=p["decider"]["employee_id"]))
        assert queue["count"] > 0
        assert [r["id"] for r in queue["results"]] == [r.id for r in approval_queue_for(user=decider)[:50]]

        d0, d1 = datetime.date(*MONTH, 1), datetime.date(*MONTH, 31)
        calendar = json.loads(
            floors.team_calendar(cursor, agency_id=a, unit_id=p["big_unit_id"], date_from=d0, date_to=d1)
        )
        for viewer in (head, hr):
            app = team_calendar_for(user=viewer, unit_id=p["big_unit_id"], date_from=d0, date_to=d1)
            assert calendar["headcount"] == app.headcount == p["big_unit_size"]
            assert [
                (row["employee"]["id"], [cell["location"] for cell in row["cells"]]) for row in calendar["rows"]
            ] == [(row.employee.id, [cell.location if cell else "OFFICE" for cell in row.cells]) for row in app.rows]

        employees = json.loads(floors.employee_list(cursor, agency_id=a, unit_id=p["big_unit_id"]))
        for viewer in (head, hr):
            app = employee_list_for(user=viewer, filters={"unit": p["big_unit_id"]})
            assert employees["count"] == app.count()
            assert [r["id"] for r in employees["results"]] == [e.id for e in app[:50]]


@pytest.mark.django_db(transaction=False)
def test_compliance_report_equals_its_floor(agency, settings, tmp_path):
    from flexwork.reports import services as report_services
    from flexwork.reports.models import ReportRun

    settings.STORAGES = {
        **settings.STORAGES,
        "reports": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "reports"), "base_url": None}},
    }  # fmt: skip
    p = agency.personas
    run, _created = report_services.report_run_request(
        user=_user(p["hr_admin"]), kind="COMPLIANCE", period=p["month"], unit_id=p["root_unit_id"]
    )
    assert report_services.report_run_execute(run_id=run.id)
    run = ReportRun.objects.get(id=run.id)
    assert run.row_count == EMPLOYEES

    class Sink:
        def __init__(self):
            self.sha, self.text = hashlib.sha256(), []

        def write(self, data):
            data = data.encode() if isinstance(data, str) else data
            self.sha.update(data)
            self.text.append(data.decode())
            return len(data)

    sink = Sink()
    with connection.cursor() as cursor:
        sql = floors.compliance_copy_sql(cursor, agency_id=agency.agency_id, scope_unit_id=p["root_unit_id"],
                                         start=run.period_start, end=run.period_end)  # fmt: skip
        cursor.copy_expert(sql, sink)
    assert sink.sha.hexdigest() == run.checksum
    # and the numbers are the seeded days': working days and days absent without reason
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO("".join(sink.text))))
    assert sum(int(r["working_days"]) for r in rows) == EMPLOYEES * DAYS
    assert sum(int(r["tk"]) for r in rows) == _count(
        "SELECT count(*) FROM attendance_daystatus WHERE agency_id = %s AND absence = 'TK'", agency.agency_id
    )


def test_seed_bench_command_refuses_a_second_agency_for_the_same_seed(agency, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="exists already"):
        call_command("seed_bench", "--employees", "200", "--days", "3", "--seed", "7", "--month", "2026-10",
                     "--checked")  # fmt: skip
