"""Rules that exist twice, once in SQL and once in Python, compared on the same rows.

- The check-in fast path reads its context in one SQL statement (attendance/services.py
  `_CHECK_CONTEXT_SQL`: the office date of the check, the effective GPS accuracy limit, official duty
  and the day's fence); the Python path is `employee_for_check` + `office_date_of` + `fence_for`
  (docs/rules.md §1, §4). Both must pick the same date, limit and fence on every kind of day, at
  both sides of office midnight, and the stored verdict must be the Python geofence's.
- The reports (flexwork/reports/kinds.py) count and flag the daily statuses in SQL; the statuses
  come from the Python day-status rules (attendance/status.py). For one employee-day at every band
  edge (lateness and early leave at 0, 1, w, w+1, 2w, 2w+1, 3w, 3w+1 minutes; no check-in, no
  check-out, TK, every leave kind, a holiday, a flagged check, a missing output log) each report
  row must say what the Python rule says about that day (docs/rules.md §4, §6)."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.db import connection
from django.utils import timezone

from attendance import services as attendance_services
from attendance.geo import judge
from attendance.models import (
    LEAVE_ABSENCE,
    Absence,
    Arrival,
    CheckKind,
    DayStatus,
    Departure,
    LeaveKind,
    LeaveRequest,
)
from attendance.selectors import day_status_list_for
from attendance.status import ARRIVAL_BANDS, DEPARTURE_BANDS, DayInputs, day_schedule, status_values
from flexwork.approvals.models import ApprovalStatus
from flexwork.common.calendar import office_date_of, office_zone, office_zone_name, zone
from flexwork.org import services as org_services
from flexwork.org.selectors import policy_for
from flexwork.reports.kinds import KINDS, sql_params
from flexwork.reports.models import ReportKind
from schedules.models import Location
from tests.attendance.conftest import MONDAY, check, north_of, schedule_day
from tests.org.factories import EmployeeFactory, LocationFactory, UnitFactory

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------- check-in context


def _home(w):
    org_services.employee_home_location_set(
        employee=w.employee_a.employee, latitude="-5.135000", longitude="119.420000"
    )
    schedule_day(w.employee_a, MONDAY, Location.HOME)


def _designated(w):
    place = LocationFactory(agency=w.agency_a, latitude="-5.150000", longitude="119.440000", radius_m=75)
    schedule_day(w.employee_a, MONDAY, Location.DESIGNATED, designated_location=place)


def _other_office(w):
    other = UnitFactory(
        agency=w.agency_a, code="A-UPT", name="UPT A", office_latitude="-5.160000", office_longitude="119.450000"
    )
    schedule_day(w.employee_a, MONDAY, Location.OTHER_OFFICE, other_office_unit=other)


def _duty(status):
    def make(w):
        schedule_day(w.employee_a, MONDAY, Location.HOME)
        LeaveRequest.objects.create(
            agency=w.agency_a,
            employee=w.employee_a.employee,
            kind=LeaveKind.DINAS_LUAR,
            date_from=MONDAY,
            date_to=MONDAY,
            status=status,
            reason="Rapat koordinasi",
        )

    return make


def _own_zone_and_limit(w):
    org_services.unit_update(unit=w.sec_a, data={"time_zone": "Asia/Jayapura"})
    org_services.policy_update(agency=w.agency_a, unit=w.sec_a, data={"max_accuracy_m": 35})
    schedule_day(w.employee_a, MONDAY, Location.HOME)


DAYS = {
    "office, no schedule row": lambda w: None,
    "home with registered coordinates": _home,
    "home without coordinates": lambda w: schedule_day(w.employee_a, MONDAY, Location.HOME),
    "designated location": _designated,
    "designated without a location": lambda w: schedule_day(w.employee_a, MONDAY, Location.DESIGNATED),
    "other office": _other_office,
    "cancelled home day": lambda w: schedule_day(w.employee_a, MONDAY, Location.HOME, cancelled_at=timezone.now()),
    "approved official duty": _duty(ApprovalStatus.APPROVED),
    "official duty still pending": _duty(ApprovalStatus.SUBMITTED),
    "unit in WIT with its own accuracy limit": _own_zone_and_limit,
}


def _sql_context(user, now):
    with connection.cursor() as cursor:
        cursor.execute(
            attendance_services._CHECK_CONTEXT_SQL,
            {
                "approved": ApprovalStatus.APPROVED.value,
                "duty": LeaveKind.DINAS_LUAR.value,
                "now": now,
                "user_id": user.pk,
            },
        )
        columns = [c.name for c in cursor.description]
        return dict(zip(columns, cursor.fetchone(), strict=True))


def _instants(zone_name):
    """Either side of the office midnights that open and close MONDAY."""
    tz = zone(zone_name)
    midnight = datetime.datetime.combine(MONDAY, datetime.time(0), tzinfo=tz)
    tomorrow = midnight + datetime.timedelta(days=1)
    second = datetime.timedelta(seconds=1)
    return [midnight - second, midnight, midnight + datetime.timedelta(hours=7), tomorrow - second, tomorrow]


@pytest.mark.parametrize("day", DAYS)
def test_the_check_in_context_sql_and_the_python_reads_agree(org_world, day):
    DAYS[day](org_world)
    user = org_world.employee_a
    employee = attendance_services.employee_for_check(user)
    zone_name = office_zone_name(employee)
    for now in _instants(zone_name):
        row = _sql_context(user, now)
        local_date = office_date_of(now, zone_name)
        assert (row["zone"], row["local_date"]) == (zone_name, local_date), now
        assert row["max_accuracy_m"] == employee.max_accuracy_m, now
        python_fence = attendance_services.fence_for(employee=employee, local_date=local_date)
        assert attendance_services._check_context(user=user, now=now).fence == python_fence, (now, day)


@pytest.mark.parametrize("day", ["office, no schedule row", "home with registered coordinates", "designated location"])
def test_the_stored_check_is_the_python_geofence_verdict_at_the_fence_edge(org_world, day):
    DAYS[day](org_world)
    user = org_world.employee_a
    employee = attendance_services.employee_for_check(user)
    now = datetime.datetime.combine(MONDAY, datetime.time(16, 30), tzinfo=office_zone(employee))
    fence = attendance_services.fence_for(employee=employee, local_date=MONDAY)
    assert fence.known
    centre = (fence.latitude, fence.longitude)
    for offset, accuracy in ((0, 5.0), (fence.radius_m - 1, 5.0), (fence.radius_m + 1, 5.0), (10, 500.0)):
        point = north_of(centre, offset)
        outcome = check(user, now, kind=CheckKind.OUT, point=point, accuracy=accuracy)
        verdict = judge(
            fence=fence,
            latitude=point[0],
            longitude=point[1],
            accuracy_m=accuracy,
            max_accuracy_m=employee.max_accuracy_m,
        )
        assert (outcome.distance_m, outcome.inside_fence, outcome.flags) == (
            verdict.distance_m,
            verdict.inside_fence,
            list(verdict.flags),
        ), (day, offset, accuracy)
        now += datetime.timedelta(minutes=1)


# ---------------------------------------------------------------------------- report exception rules


def _edges(width: int) -> list[int]:
    return sorted({0, 1, width, width + 1, 2 * width, 2 * width + 1, 3 * width, 3 * width + 1})


def _cases(width: int) -> list[dict]:
    cases = [{"name": f"late {m}", "late": m, "early": 0} for m in _edges(width)]
    cases += [{"name": f"early {m}", "late": 0, "early": m} for m in _edges(width)[1:]]
    cases += [
        {"name": "late and early", "late": width + 1, "early": 2 * width + 1},
        {"name": "no check-in", "late": None, "early": 0},
        {"name": "no check-out", "late": 0, "early": None},
        {"name": "TK", "late": None, "early": None},
        {"name": "holiday", "late": None, "early": None, "holiday": True},
        {"name": "flagged check", "late": 0, "early": 0, "flagged": True},
        {"name": "missing output log", "late": 0, "early": 0, "missing_log": True},
    ]
    cases += [{"name": f"leave {kind}", "late": None, "early": None, "leave": kind} for kind in LeaveKind]
    return cases


def _python_day(employee, case) -> dict:
    """The day's status by the Python rules (attendance/status.py) for a check at the case's minutes."""
    policy = policy_for(agency=employee.agency_id, unit=employee.unit)
    tz = office_zone(employee)
    schedule = day_schedule(policy=policy, day=MONDAY, ramadan=False)
    midnight = datetime.datetime.combine(MONDAY, datetime.time(0), tzinfo=tz)
    events = {}
    if case["late"] is not None:
        at = midnight + datetime.timedelta(minutes=schedule.start + case["late"])
        events[CheckKind.IN] = SimpleNamespace(at=at, flagged=case.get("flagged", False), kind=CheckKind.IN)
    if case["early"] is not None:
        at = midnight + datetime.timedelta(minutes=schedule.end - case["early"])
        events[CheckKind.OUT] = SimpleNamespace(at=at, flagged=False, kind=CheckKind.OUT)
    inputs = DayInputs(
        employee=employee,
        policy=policy,
        zone=tz,
        holidays={MONDAY} if case.get("holiday") else set(),
        ramadan=False,
        schedule_day=None,
        leave=SimpleNamespace(kind=case["leave"]) if "leave" in case else None,
        events=events,
        corrections={},
    )
    values = status_values(inputs, MONDAY)
    values["missing_log"] = case.get("missing_log", False)
    return values


@pytest.fixture
def band_edge_days(org_world):
    """One employee per case in A-SEC, each with the one status the Python rules give their day."""
    w = org_world
    width = policy_for(agency=w.agency_a.id, unit=w.sec_a).lateness_band_minutes
    days = {}
    for case in _cases(width):
        employee = EmployeeFactory(
            agency=w.agency_a,
            unit=w.sec_a,
            position=w.position_a,
            supervisor=w.supervisor_a.employee,
            name=f"Kasus {case['name']}",
        )
        values = _python_day(employee, case)
        DayStatus.objects.create(**values)
        days[employee.nip] = SimpleNamespace(case=case, employee=employee, values=values)
    return SimpleNamespace(width=width, days=days)


def _report(kind: str, w) -> dict[str, dict]:
    """The kind's SQL over March 2026 for A-ROOT's subtree, as the CSV would hold it (strings)."""
    start = datetime.date(2026, 1, 1) if KINDS[kind].year_to_date else datetime.date(2026, 3, 1)
    params = sql_params(
        kind=kind, agency_id=w.agency_a.id, scope_unit_id=w.root_a.id, start=start, end=datetime.date(2026, 3, 31),
        parameters={},
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(KINDS[kind].sql, params)
        columns = [c.name for c in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return {row["nip"]: {k: "" if v is None else str(v) for k, v in row.items()} for row in rows}


def _count(flag: bool) -> str:
    return "1" if flag else "0"


def test_every_band_edge_day_is_a_distinct_python_status(band_edge_days):
    """The cases really cover every code the Python rules can give a day."""
    values = [d.values for d in band_edge_days.days.values()]
    assert {v["arrival"] for v in values} >= {Arrival.H, *ARRIVAL_BANDS, Arrival.HKD}
    assert {v["departure"] for v in values} >= {Departure.ON_TIME, *DEPARTURE_BANDS, Departure.HKP}
    assert {v["absence"] for v in values} >= {Absence.TK, Absence.LIBUR, *LEAVE_ABSENCE.values()}


def test_the_payroll_sql_counts_each_day_as_the_python_rules_band_it(org_world, band_edge_days):
    width = band_edge_days.width
    rows = _report(ReportKind.PAYROLL, org_world)
    spec = KINDS[ReportKind.PAYROLL]
    for nip, day in band_edge_days.days.items():
        v, row, name = day.values, rows[nip], day.case["name"]
        late, early = v["lateness_minutes"], v["early_minutes"]
        expected = {
            # A day of unpaid leave is not one of the person's working days (docs/rules.md §9 "CLTN").
            "working_days": _count(v["is_working_day"] and v["absence"] != LEAVE_ABSENCE[LeaveKind.CLTN]),
            "present_days": _count(v["check_in_at"] is not None or v["check_out_at"] is not None),
            "tl1": _count(0 < late <= width),
            "tl2": _count(width < late <= 2 * width),
            "tl3": _count(2 * width < late <= 3 * width),
            "tl4": _count(late > 3 * width),
            "hkd": _count(v["is_working_day"] and v["absence"] is None and v["check_in_at"] is None),
            "psw1": _count(0 < early <= width),
            "psw2": _count(width < early <= 2 * width),
            "psw3": _count(2 * width < early <= 3 * width),
            "psw4": _count(early > 3 * width),
            "hkp": _count(v["is_working_day"] and v["absence"] is None and v["check_out_at"] is None),
            "tk": _count(v["absence"] == Absence.TK),
            "leave_days": _count(v["absence"] in {LEAVE_ABSENCE[k] for k in LeaveKind if k.startswith("C")}),
            "sick_days": _count(v["absence"] == LEAVE_ABSENCE[LeaveKind.SAKIT]),
            "permission_days": _count(v["absence"] == LEAVE_ABSENCE[LeaveKind.IZIN]),
            "official_duty_days": _count(v["absence"] == LEAVE_ABSENCE[LeaveKind.DINAS_LUAR]),
        }
        assert {k: row[k] for k in expected} == expected, name
        # The exception rows: TK, or late or early by more than three bands.
        python_exception = v["absence"] == Absence.TK or late > 3 * width or early > 3 * width
        assert spec.exception_test(row) == python_exception, name


def test_the_compliance_sql_counts_and_flags_each_day_as_the_python_rules_do(org_world, band_edge_days):
    rows = _report(ReportKind.COMPLIANCE, org_world)
    spec = KINDS[ReportKind.COMPLIANCE]
    for nip, day in band_edge_days.days.items():
        v, row, name = day.values, rows[nip], day.case["name"]
        below = v["credited_minutes"] < v["required_minutes"]  # the ISO week holds only this day
        expected = {
            "on_time": _count(v["check_in_at"] is not None and v["lateness_minutes"] == 0),
            "late": _count(v["lateness_minutes"] > 0),
            "early_leave": _count(v["early_minutes"] > 0),
            "no_check_in": _count(v["arrival"] == Arrival.HKD),
            "no_check_out": _count(v["departure"] == Departure.HKP),
            "tk": _count(v["absence"] == Absence.TK),
            "leave_days": _count(v["absence"] in {LEAVE_ABSENCE[k] for k in LeaveKind if k != LeaveKind.DINAS_LUAR}),
            "official_duty_days": _count(v["absence"] == Absence.DL),
            "holidays": _count(not v["is_working_day"]),
            "flagged_days": _count(v["flagged"]),
            "missing_logs": _count(v["missing_log"]),
            "weeks_below_requirement": "2026-W10" if below else "",
        }
        assert {k: row[k] for k in expected} == expected, name
        python_exception = v["absence"] == Absence.TK or below or v["missing_log"]
        assert spec.exception_test(row) == python_exception, name


def test_the_discipline_sql_finds_the_tk_days_of_the_python_rules(org_world, band_edge_days):
    """Only TK days count (lateness converts to days only where the policy says so; off by default).
    Every employee of the scope has a row (docs/rules.md §6); those without a TK day show 0."""
    rows = _report(ReportKind.DISCIPLINE, org_world)
    tk = {nip for nip, day in band_edge_days.days.items() if day.values["absence"] == Absence.TK}
    assert set(band_edge_days.days) <= set(rows)
    assert {nip for nip, row in rows.items() if row["tk_days"] != "0"} == tk
    for nip in tk:
        row = rows[nip]
        assert (row["tk_days"], row["longest_consecutive_tk"], row["band"], row["late_early_minutes"]) == (
            "1",
            "1",
            "",
            "0",
        )


def test_the_exceptions_filter_of_the_attendance_list_matches_the_python_rules(org_world, band_edge_days):
    listed = set(
        day_status_list_for(
            user=org_world.hr_admin_a, filters={"exceptions": True, "date_from": MONDAY, "date_to": MONDAY}
        ).values_list("employee_id", flat=True)
    )
    for day in band_edge_days.days.values():
        v = day.values
        python_exception = (
            v["flagged"]
            or v["absence"] == Absence.TK
            or v["lateness_minutes"] > 0
            or v["early_minutes"] > 0
            or v["arrival"] == Arrival.HKD
            or v["departure"] == Departure.HKP
            or v["missing_log"]
        )
        assert (day.employee.id in listed) == python_exception, day.case["name"]
