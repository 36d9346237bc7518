# ruff: noqa: F811  (the shift fixtures are imported from tests/shifts/conftest.py)
"""The arrangement rules on duties (docs/rules.md §8 "Flexibility on duties", "Coverage"): the working
days of someone in a ROSTER unit are their duty dates, HOME/DESIGNATED duties count in the weekly cap,
dynamic hours are refused, the shift minimums replace the public-service minimum, and directives skip
ROSTER units unless they name them."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation

from attendance.models import LeaveKind, LeaveRequest
from flexwork.approvals.models import ApprovalStatus
from flexwork.common.calendar import today_in, unit_zone_name
from flexwork.org.models import Unit
from schedules import directives as directive_services
from schedules import recheck
from schedules.models import DaySource, Location, ScheduleDay
from schedules.policy import shift_coverage_warnings_for
from shifts.models import DayKind, Duty, DutyKind, Roster, RosterStatus, ShiftCoverage
from shifts.times import duty_times
from tests.schedules.conftest import approve_fully, arrangement_input, create, emp, fetch, next_monday
from tests.shifts.conftest import nurses, roster_head, roster_unit, shift_position, shift_types  # noqa: F401

pytestmark = pytest.mark.django_db


def check(user, dates, **kwargs):
    from schedules import services

    return services.arrangement_request_check(employee=emp(user), data=arrangement_input(dates, **kwargs))


def codes(result, severity=None):
    return {v.code for v in result.violations if severity is None or v.severity == severity}


def by_code(result, code):
    return [v for v in result.violations if v.code == code]


def put_duties(unit, types, rows, *, published=True):
    """rows: (user, date, cell[, location]) with cell a shift code, "OFF" or "POST_NIGHT"."""
    unit = Unit.objects.select_related("agency").get(id=unit.id)
    zone = unit_zone_name(unit)
    made = []
    for row in rows:
        user, day, cell = row[:3]
        location = row[3] if len(row) > 3 else "OFFICE"
        first = day.replace(day=1)
        roster, _created = Roster.objects.get_or_create(
            unit=unit,
            period_start=first,
            defaults={
                "agency_id": unit.agency_id,
                "period_end": (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1),
                "status": RosterStatus.PUBLISHED if published else RosterStatus.DRAFT,
                "published_at": timezone.now() if published else None,
            },
        )
        employee = user.employee
        values = {"kind": DutyKind.SHIFT if cell in types else cell}
        if cell in types:
            shift = types[cell]
            times = duty_times(
                duty_date=day, start=shift.start_time, end=shift.end_time, break_minutes=shift.break_minutes, zone=zone
            )
            values.update(
                shift_type=shift,
                start_at=times.start_at,
                end_at=times.end_at,
                break_minutes=times.break_minutes,
                net_minutes=times.net_minutes,
                is_night=shift.is_night,
                location=location,
            )
        made.append(
            Duty.objects.create(
                agency_id=unit.agency_id,
                roster=roster,
                employee=employee,
                duty_date=day,
                is_published=published,
                unit_id=employee.unit_id,
                supervisor_id=employee.supervisor_id,
                **values,
            )
        )
    return made


@pytest.fixture(autouse=True)
def nurses_on_duty_today(request):
    """Each nurse has a duty today: the lead time counts a roster employee's duty dates (docs/rules.md §8
    "Flexibility on duties"), so a request weeks ahead has duty days before it."""
    if "nurses" not in request.fixturenames:
        return
    people = request.getfixturevalue("nurses")
    types = request.getfixturevalue("shift_types")
    today = today_in("Asia/Makassar")
    put_duties(people[0].employee.unit, types, [(user, today, "P") for user in people])


@pytest.fixture
def week(roster_unit):
    """The Monday of the week after next (lead time), and its seven days."""
    monday = next_monday(2)
    return [monday + datetime.timedelta(days=i) for i in range(7)]


def test_the_working_days_are_the_duty_dates(nurses, shift_types, week):
    sari = nurses[0]
    mon, tue, wed, thu, fri, sat, sun = week
    put_duties(
        sari.employee.unit,
        shift_types,
        [(sari, tue, "M"), (sari, wed, "POST_NIGHT"), (sari, thu, "OFF"), (sari, sat, "S")],
    )
    result = check(sari, week)
    assert result.working_dates == [tue, sat]
    assert result.skipped_dates == [mon, wed, thu, fri, sun]
    skipped = by_code(result, "HOLIDAY_SKIPPED")[0]
    assert skipped.severity == "info" and skipped.dates == (mon, wed, thu, fri, sun)
    assert not codes(result, "hard")
    with translation.override("en"):
        assert "without a duty" in by_code(check(sari, week), "HOLIDAY_SKIPPED")[0].message


def test_a_duty_on_a_holiday_is_a_working_day(nurses, shift_types, week, org_world):
    from tests.org.factories import HolidayFactory

    sari = nurses[0]
    HolidayFactory(agency=org_world.agency_a, date=week[1], name="Hari libur")
    put_duties(sari.employee.unit, shift_types, [(sari, week[1], "P")])
    assert check(sari, [week[1]]).working_dates == [week[1]]


def test_home_duty_counts_toward_the_cap(nurses, shift_types, week):
    sari = nurses[0]
    mon, tue, wed, thu, fri, sat, sun = week
    put_duties(
        sari.employee.unit,
        shift_types,
        [
            (sari, mon, "P", "HOME"),
            (sari, tue, "P", "HOME"),
            (sari, wed, "OFF"),
            (sari, thu, "S"),
            (sari, sat, "S"),
        ],
    )
    result = check(sari, [sat])
    cap = by_code(result, "CAP_WEEKLY")
    assert cap and cap[0].severity == "hard" and cap[0].dates == (sat,)
    assert result.quota["weeks"][0]["approved"] == 2

    # One HOME duty fewer: the request fits (OFF days never count).
    Duty.objects.filter(employee=sari.employee, duty_date=tue).update(location="OFFICE")
    result = check(sari, [sat])
    assert "CAP_WEEKLY" not in codes(result)
    assert result.quota["weeks"][0]["approved"] == 1


def test_an_approved_day_and_a_home_duty_count_once_each(nurses, shift_types, week):
    sari = nurses[0]
    mon, tue, wed, thu, fri, sat, sun = week
    put_duties(
        sari.employee.unit,
        shift_types,
        [(sari, mon, "P", "HOME"), (sari, tue, "P"), (sari, thu, "S"), (sari, sat, "S")],
    )
    ScheduleDay.objects.create(
        agency_id=sari.employee.agency_id,
        employee=sari.employee,
        local_date=tue,
        location=Location.HOME,
        unit_id=sari.employee.unit_id,
        source=DaySource.INDIVIDUAL,
    )
    result = check(sari, [thu])
    assert result.quota["weeks"][0]["approved"] == 2
    assert "CAP_WEEKLY" in codes(result, "hard")


def test_dynamic_hours_refused_on_a_duty(nurses, shift_types, week):
    sari = nurses[0]
    put_duties(sari.employee.unit, shift_types, [(sari, week[0], "P"), (sari, week[5], "S")])
    for location in ("OFFICE", "HOME"):
        result = check(sari, week, location=location, planned_start=datetime.time(8), planned_end=datetime.time(16, 30))
        refused = by_code(result, "SHIFT_NOT_DYNAMIC")
        assert refused and refused[0].severity == "hard"
        assert refused[0].dates == (week[0], week[5])
        assert not {"DYN_WINDOW", "DYN_CORE", "DYN_WEEKLY_TOTAL", "DYN_DAILY_FLOOR"} & codes(result)


def test_dynamic_hours_on_the_monday_to_friday_week_are_unchanged(employee_a):
    monday = next_monday(2)
    result = check(employee_a, [monday], planned_start=datetime.time(7), planned_end=datetime.time(15, 30))
    assert "SHIFT_NOT_DYNAMIC" not in codes(result)


@pytest.fixture
def p_minimum(roster_unit, shift_types):
    return ShiftCoverage.objects.create(
        agency_id=roster_unit.agency_id,
        unit=roster_unit,
        shift_type=shift_types["P"],
        day_kind=DayKind.WEEKDAY,
        min_staff=2,
    )


def test_coverage_shift_min_replaces_the_public_service_minimum(nurses, shift_types, week, roster_unit, p_minimum):
    Unit.objects.filter(id=roster_unit.id).update(is_public_service=True, min_onsite_headcount=4)
    sari, budi, dewi, _rahmat = nurses
    mon = week[0]
    put_duties(roster_unit, shift_types, [(sari, mon, "P"), (budi, mon, "P"), (dewi, mon, "M")])
    result = check(sari, [mon])
    gap = by_code(result, "COVERAGE_SHIFT_MIN")
    assert gap and gap[0].severity == "soft" and gap[0].dates == (mon,)
    assert "Pagi" in gap[0].message
    assert "PUBLIC_SERVICE_MIN_ONSITE" not in codes(result)
    # Dewi's night shift has no minimum.
    assert "COVERAGE_SHIFT_MIN" not in codes(check(dewi, [mon]))


def test_a_third_person_on_the_shift_leaves_room(nurses, shift_types, week, roster_unit, p_minimum):
    sari, budi, dewi, _rahmat = nurses
    mon = week[0]
    put_duties(roster_unit, shift_types, [(sari, mon, "P"), (budi, mon, "P"), (dewi, mon, "P")])
    assert "COVERAGE_SHIFT_MIN" not in codes(check(sari, [mon]))
    # A colleague on leave is not counted.
    LeaveRequest.objects.create(
        agency_id=roster_unit.agency_id,
        employee=dewi.employee,
        kind=LeaveKind.CT,
        date_from=mon,
        date_to=mon,
        status=ApprovalStatus.APPROVED,
    )
    assert "COVERAGE_SHIFT_MIN" in codes(check(sari, [mon]))


def test_a_colleague_away_on_an_approved_day_is_not_counted(nurses, shift_types, week, roster_unit, p_minimum):
    sari, budi, dewi, _rahmat = nurses
    mon = week[0]
    put_duties(roster_unit, shift_types, [(sari, mon, "P"), (budi, mon, "P"), (dewi, mon, "P")])
    ScheduleDay.objects.create(
        agency_id=roster_unit.agency_id,
        employee=dewi.employee,
        local_date=mon,
        location=Location.HOME,
        unit_id=roster_unit.id,
        source=DaySource.INDIVIDUAL,
    )
    assert "COVERAGE_SHIFT_MIN" in codes(check(sari, [mon]))


def test_a_weekend_minimum_applies_to_a_saturday_and_a_holiday_falls_back(
    nurses, shift_types, week, roster_unit, org_world
):
    from tests.org.factories import HolidayFactory

    sari, budi = nurses[:2]
    sat, tue = week[5], week[1]
    ShiftCoverage.objects.create(
        agency_id=roster_unit.agency_id,
        unit=roster_unit,
        shift_type=shift_types["S"],
        day_kind=DayKind.SATURDAY,
        min_staff=1,
    )
    ShiftCoverage.objects.create(
        agency_id=roster_unit.agency_id,
        unit=roster_unit,
        shift_type=shift_types["S"],
        day_kind=DayKind.WEEKDAY,
        min_staff=1,
    )
    HolidayFactory(agency=org_world.agency_a, date=tue, name="Hari libur")
    put_duties(roster_unit, shift_types, [(sari, sat, "S"), (sari, tue, "S"), (budi, sat, "P")])
    gap = by_code(check(sari, [tue, sat]), "COVERAGE_SHIFT_MIN")
    assert gap and set(gap[0].dates) == {tue, sat}


def test_a_shift_lead_minimum(nurses, shift_types, week, roster_unit, p_minimum, shift_position):
    sari, budi, dewi, _rahmat = nurses
    mon = week[0]
    ShiftCoverage.objects.filter(id=p_minimum.id).update(lead_position=shift_position, min_lead=3, min_staff=1)
    put_duties(roster_unit, shift_types, [(sari, mon, "P"), (budi, mon, "P"), (dewi, mon, "P")])
    with translation.override("en"):
        gap = by_code(check(sari, [mon]), "COVERAGE_SHIFT_MIN")
    assert len(gap) == 1 and "shift leads" in gap[0].message


def test_the_decision_writes_the_duty_dates_and_the_queue_recheck_agrees(
    nurses, shift_types, week, roster_unit, roster_head, unit_head_a, p_minimum
):
    sari, budi = nurses[:2]
    mon, sat = week[0], week[5]
    put_duties(roster_unit, shift_types, [(sari, mon, "P"), (budi, mon, "P"), (sari, sat, "S"), (sari, week[2], "OFF")])
    ar = create(sari, [mon, week[2], sat])
    assert (ar.first_date, ar.last_date) == (mon, sat)
    checks = recheck.requests_check([fetch(ar)])
    assert {v["code"] for v in checks[ar.id].violations} >= {"COVERAGE_SHIFT_MIN", "HOLIDAY_SKIPPED"}
    approved = approve_fully(ar, supervisor=roster_head, decider=unit_head_a, override_reason="Pagi dibantu PJ.")
    assert approved.status == ApprovalStatus.APPROVED
    written = ScheduleDay.objects.filter(arrangement=ar).order_by("local_date")
    assert [d.local_date for d in written] == [mon, sat]


def test_leave_of_a_nurse_warns_of_the_shift_minimum(nurses, shift_types, week, roster_unit, p_minimum, employee_a):
    sari, budi = nurses[:2]
    mon, tue = week[0], week[1]
    put_duties(roster_unit, shift_types, [(sari, mon, "P"), (budi, mon, "P"), (sari, tue, "OFF")])
    found = shift_coverage_warnings_for(employee=emp(sari), date_from=mon, date_to=tue)
    assert [(v.code, v.severity, v.dates) for v in found] == [("COVERAGE_SHIFT_MIN", "soft", (mon,))]
    assert shift_coverage_warnings_for(employee=emp(employee_a), date_from=mon, date_to=tue) == []


# ---------------------------------------------------------------------------- directives


def directive(hr_admin_a, *, unit, week, allowed=("OFFICE",)):
    return directive_services.directive_create(
        agency_id=hr_admin_a.employee.agency_id,
        unit=unit,
        date_from=week[0],
        date_to=week[6],
        allowed_locations=list(allowed),
        max_share_percent=None,
        message="Semua pegawai bekerja di kantor.",
        actor=hr_admin_a,
    )


def home_day(user, day):
    return ScheduleDay.objects.create(
        agency_id=user.employee.agency_id,
        employee=user.employee,
        local_date=day,
        location=Location.HOME,
        unit_id=user.employee.unit_id,
        source=DaySource.INDIVIDUAL,
    )


def test_an_agency_directive_skips_a_roster_unit(nurses, shift_types, week, employee_a, hr_admin_a, org_world):
    sari = nurses[0]
    put_duties(sari.employee.unit, shift_types, [(sari, week[1], "P")])
    nurse_day, office_day = home_day(sari, week[1]), home_day(employee_a, week[1])
    directive(hr_admin_a, unit=None, week=week)
    nurse_day.refresh_from_db()
    office_day.refresh_from_db()
    assert nurse_day.cancelled_at is None
    assert office_day.cancelled_at is not None
    # Nor does the rule check of the nurse see it.
    assert "DIRECTIVE_MODE" not in codes(check(sari, [week[1]]))
    assert "DIRECTIVE_MODE" in codes(check(employee_a, [week[1]]))
    people = set(
        directive_services._people(agency_id=org_world.agency_a.id, unit_ids=[None]).values_list("id", flat=True)
    )
    assert sari.employee.id not in people and employee_a.employee.id in people


@pytest.mark.parametrize("named", ["roster_unit", "parent"])
def test_a_directive_naming_the_roster_unit_reaches_it(named, nurses, shift_types, week, hr_admin_a, roster_unit):
    sari = nurses[0]
    put_duties(roster_unit, shift_types, [(sari, week[1], "P")])
    nurse_day = home_day(sari, week[1])
    unit = roster_unit if named == "roster_unit" else Unit.objects.get(id=roster_unit.parent_id)
    directive(hr_admin_a, unit=unit, week=week)
    nurse_day.refresh_from_db()
    assert nurse_day.cancelled_at is not None
    assert "DIRECTIVE_MODE" in codes(check(sari, [week[1]]))
