"""Daily status (docs/rules.md §2, §4) at the edges of every band, with Ramadan, dynamic days, holidays,
leave precedence, the weekly requirement and the nightly job."""

import datetime

import pytest

from attendance.models import CheckKind, DayStatus, LeaveKind, LeaveRequest
from attendance.status import day_status_refresh, week_summary, zone_day_close
from flexwork.approvals.models import ApprovalStatus
from flexwork.org.models import Holiday, HolidayKind, RamadanRange
from flexwork.org.services import policy_update
from schedules.models import Location
from tests.attendance.conftest import MONDAY, at, check, schedule_day

FRIDAY = MONDAY + datetime.timedelta(days=4)


def status_of(user, day=MONDAY) -> DayStatus:
    day_status_refresh(employee_id=user.employee.id, local_date=day)
    return DayStatus.objects.get(employee=user.employee, local_date=day)


@pytest.mark.parametrize(
    ("hour", "minute", "second", "arrival", "late"),
    [
        (7, 0, 0, "H", 0),
        (7, 30, 59, "H", 0),
        (7, 31, 0, "TL1", 1),
        (8, 0, 59, "TL1", 30),
        (8, 1, 0, "TL2", 31),
        (8, 30, 0, "TL2", 60),
        (8, 31, 0, "TL3", 61),
        (9, 0, 59, "TL3", 90),
        (9, 1, 0, "TL4", 91),
        (11, 0, 0, "TL4", 210),
    ],
)
def test_arrival_bands_at_their_edges(employee_a, hour, minute, second, arrival, late):
    check(employee_a, at(MONDAY, hour, minute, second))
    check(employee_a, at(MONDAY, 16, 0), kind=CheckKind.OUT)
    status = status_of(employee_a)
    assert (status.arrival, status.lateness_minutes) == (arrival, late)


@pytest.mark.parametrize(
    ("hour", "minute", "second", "departure", "early"),
    [
        (17, 0, 0, "ON_TIME", 0),
        (16, 0, 0, "ON_TIME", 0),
        (15, 59, 1, "ON_TIME", 0),
        (15, 59, 0, "PSW1", 1),
        (15, 30, 0, "PSW1", 30),
        (15, 29, 0, "PSW2", 31),
        (15, 0, 0, "PSW2", 60),
        (14, 59, 0, "PSW3", 61),
        (14, 30, 0, "PSW3", 90),
        (14, 29, 0, "PSW4", 91),
    ],
)
def test_departure_bands_at_their_edges(employee_a, hour, minute, second, departure, early):
    check(employee_a, at(MONDAY, 7, 30))
    check(employee_a, at(MONDAY, hour, minute, second), kind=CheckKind.OUT)
    status = status_of(employee_a)
    assert (status.departure, status.early_minutes) == (departure, early)


def test_a_band_width_is_policy_data(employee_a, agency_a):
    policy_update(agency=agency_a, data={"lateness_band_minutes": 15})
    check(employee_a, at(MONDAY, 7, 46))
    assert status_of(employee_a).arrival == "TL2"


def test_no_check_out_is_hkp_and_no_check_at_all_is_tk(employee_a, supervisor_a):
    check(employee_a, at(MONDAY, 7, 20))
    status = status_of(employee_a)
    assert (status.arrival, status.departure, status.absence, status.worked_minutes) == ("H", "HKP", None, 0)
    absent = status_of(supervisor_a)
    assert (absent.arrival, absent.departure, absent.absence) == (None, None, "TK")
    assert absent.required_minutes == 450 and absent.credited_minutes == 0


@pytest.mark.parametrize(
    ("day", "start", "end", "worked"),
    [
        (MONDAY, (7, 30), (16, 0), 450),  # 8.5 h minus the 60-min break
        (MONDAY, (6, 45), (18, 0), 450),  # clamped to the scheduled span
        (MONDAY, (7, 30), (12, 30), 270),  # covers half the break
        (MONDAY, (7, 30), (11, 30), 240),  # before the break
        (FRIDAY, (7, 30), (16, 30), 450),  # 9 h minus the 90-min Friday break
        (FRIDAY, (13, 0), (16, 30), 210),
    ],
)
def test_minutes_worked_are_clamped_and_lose_the_break(employee_a, day, start, end, worked):
    check(employee_a, at(day, *start))
    check(employee_a, at(day, *end), kind=CheckKind.OUT)
    status = status_of(employee_a, day)
    assert status.worked_minutes == worked and status.required_minutes == 450


def test_ramadan_hours(employee_a, agency_a):
    RamadanRange.objects.create(agency=agency_a, start=MONDAY, end=FRIDAY)
    check(employee_a, at(MONDAY, 8, 0))
    check(employee_a, at(MONDAY, 15, 0), kind=CheckKind.OUT)
    status = status_of(employee_a)
    assert status.is_ramadan and status.arrival == "H"
    assert (status.required_minutes, status.worked_minutes) == (390, 390)  # 6.5 h net
    check(employee_a, at(FRIDAY, 8, 31))
    check(employee_a, at(FRIDAY, 15, 29), kind=CheckKind.OUT)
    friday = status_of(employee_a, FRIDAY)
    assert (friday.arrival, friday.departure, friday.required_minutes) == ("TL2", "PSW1", 390)
    assert week_summary(employee=employee_a.employee, day=MONDAY).required_minutes == 5 * 390  # 32.5 h


def test_dynamic_days_are_judged_against_their_plan(employee_a):
    schedule_day(
        employee_a, MONDAY, Location.HOME, planned_start=datetime.time(9, 0), planned_end=datetime.time(17, 30)
    )
    check(employee_a, at(MONDAY, 9, 0, 30), point=(0, 0))
    check(employee_a, at(MONDAY, 17, 29), kind=CheckKind.OUT, point=(0, 0))
    status = status_of(employee_a)
    assert status.is_dynamic and status.scheduled_start == datetime.time(9, 0)
    assert (status.arrival, status.departure) == ("H", "PSW1")
    assert status.required_minutes == 450  # 8.5 h planned minus the break
    assert status.worked_minutes == 448  # 09:00:30–17:29 minus the break, whole minutes
    late = MONDAY + datetime.timedelta(days=1)
    schedule_day(
        employee_a, late, Location.OFFICE, planned_start=datetime.time(9, 0), planned_end=datetime.time(17, 30)
    )
    check(employee_a, at(late, 9, 1))
    check(employee_a, at(late, 18, 30), kind=CheckKind.OUT)
    status = status_of(employee_a, late)
    assert status.arrival == "TL1" and status.departure == "ON_TIME"
    # Worked minutes count inside the dynamic window (06:00–19:00): 09:01–18:30 minus the break.
    assert status.worked_minutes == 569 - 60


def test_holidays_count_as_fulfilled(employee_a, agency_a):
    Holiday.objects.create(agency=agency_a, date=MONDAY, name="Libur", kind=HolidayKind.LIBUR_NASIONAL, confirmed=True)
    status = status_of(employee_a)
    assert status.absence == "LIBUR" and not status.is_working_day
    assert status.credited_minutes == status.required_minutes == 450


def test_leave_takes_precedence_over_the_schedule_and_counts_as_fulfilled(employee_a):
    schedule_day(employee_a, MONDAY, Location.HOME)
    employee = employee_a.employee
    LeaveRequest.objects.create(
        agency_id=employee.agency_id,
        employee=employee,
        kind=LeaveKind.CT,
        date_from=MONDAY,
        date_to=MONDAY,
        status=ApprovalStatus.APPROVED,
    )
    check(employee_a, at(MONDAY, 9, 0), point=(0, 0))
    status = status_of(employee_a)
    assert status.absence == "C-CT" and status.arrival is None
    assert status.credited_minutes == 450


def test_pending_leave_does_not_excuse(employee_a):
    employee = employee_a.employee
    LeaveRequest.objects.create(
        agency_id=employee.agency_id,
        employee=employee,
        kind=LeaveKind.SAKIT,
        date_from=MONDAY,
        date_to=MONDAY,
        status=ApprovalStatus.SUBMITTED,
    )
    assert status_of(employee_a).absence == "TK"


def test_the_weekly_requirement_sums_the_week(employee_a):
    for offset in range(5):
        day = MONDAY + datetime.timedelta(days=offset)
        check(employee_a, at(day, 7, 30))
        check(employee_a, at(day, 16, 30 if offset == 4 else 0), kind=CheckKind.OUT)
        day_status_refresh(employee_id=employee_a.employee.id, local_date=day)
    week = week_summary(employee=employee_a.employee, day=MONDAY)
    assert (week.iso_week, week.required_minutes, week.credited_minutes) == (10, 2250, 2250)  # 37.5 h
    assert week.fulfilled


def test_the_nightly_job_gives_everyone_of_the_zone_a_status(org_world):
    written = zone_day_close(zone="Asia/Makassar", local_date=MONDAY)
    assert written == 5  # the five employees of agency A; agency B is in WIB
    assert set(DayStatus.objects.values_list("absence", flat=True)) == {"TK"}
    assert zone_day_close(zone="Asia/Makassar", local_date=MONDAY) == 5  # a rerun overwrites
    assert DayStatus.objects.count() == 5
