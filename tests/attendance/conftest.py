"""Helpers of the attendance tests. Agency A is in WITA (Asia/Makassar); its units' office sits at
-5.147700, 119.432700 with a 100 m radius (tests/org/factories.py)."""

import datetime
import zoneinfo

import pytest

from attendance import services
from attendance.models import CheckKind
from schedules.models import Location, ScheduleDay
from tests.helpers import ERROR_KEYS

OFFICE = (-5.1477, 119.4327)
WITA = zoneinfo.ZoneInfo("Asia/Makassar")
WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
WIT = zoneinfo.ZoneInfo("Asia/Jayapura")
MONDAY = datetime.date(2026, 3, 2)  # a plain working week (no holidays are seeded in tests)


def at(day: datetime.date, hour: int, minute: int = 0, second: int = 0, zone=WITA) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=zone)


def north_of(point, metres: float):
    """A point `metres` due north of `point` (1° latitude ≈ 111,195 m)."""
    return point[0] + metres / 111_195.0, point[1]


def schedule_day(user, day, location=Location.HOME, **extra) -> ScheduleDay:
    employee = user.employee
    return ScheduleDay.objects.create(
        agency_id=employee.agency_id,
        employee=employee,
        local_date=day,
        location=location,
        unit_id=employee.unit_id,
        supervisor_id=employee.supervisor_id,
        **extra,
    )


def check(user, when, *, kind=CheckKind.IN, point=OFFICE, accuracy=10.0):
    return services.attendance_check(
        user=user, kind=kind, latitude=point[0], longitude=point[1], accuracy_m=accuracy, now=when
    )


@pytest.fixture
def home_a(employee_a):
    from flexwork.org.services import employee_home_location_set

    employee_home_location_set(employee=employee_a.employee, latitude="-5.135000", longitude="119.420000")
    return (-5.135, 119.42)


def error_shape(body) -> None:
    assert set(body) == ERROR_KEYS, body
