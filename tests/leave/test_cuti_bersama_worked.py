"""A cuti bersama worked on a roster duty adds a day to N (docs/rules.md §9 "Cuti bersama worked"):
only a worked shift duty on a cuti bersama day, once per duty however often the job runs."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from attendance.models import DayStatus
from flexwork.org.models import Holiday, HolidayKind
from leave import services
from leave.models import EntryKind, LeaveBalanceEntry
from shifts.models import DutyKind
from tests.attendance.test_duty_checks import make_duty
from tests.leave.rules_helpers import n
from tests.shifts.conftest import nurses, roster_unit, shift_position, shift_types  # noqa: F401

pytestmark = pytest.mark.django_db
CUTI_BERSAMA = datetime.date(2026, 12, 24)
NATIONAL = datetime.date(2026, 12, 25)


def worked(user, duty, minutes=480):
    employee = user.employee
    return DayStatus.objects.create(
        agency_id=employee.agency_id,
        employee=employee,
        local_date=duty.duty_date,
        location="OFFICE",
        worked_minutes=minutes,
        unit_id=employee.unit_id,
        duty=duty,
        computed_at=timezone.now(),
    )


def test_a_worked_duty_on_cuti_bersama_adds_one_day_once(nurses, shift_types):  # noqa: F811
    first, second, third = nurses[:3]
    agency_id = first.employee.agency_id
    Holiday.objects.create(
        agency_id=agency_id, date=CUTI_BERSAMA, name="Cuti bersama Natal", kind=HolidayKind.CUTI_BERSAMA
    )
    Holiday.objects.create(agency_id=agency_id, date=NATIONAL, name="Natal", kind=HolidayKind.LIBUR_NASIONAL)
    worked(first, make_duty(first, CUTI_BERSAMA, shift_types["P"]))
    make_duty(second, CUTI_BERSAMA, shift_types["P"])  # rostered, never came: nothing
    worked(third, make_duty(third, NATIONAL, shift_types["P"]))  # a national holiday: not cuti bersama
    make_duty(third, CUTI_BERSAMA, None, kind=DutyKind.OFF)

    window = {"agency_id": agency_id, "date_from": datetime.date(2026, 12, 1), "date_to": datetime.date(2026, 12, 31)}
    assert services.cuti_bersama_worked_credit(**window) == 1
    assert services.cuti_bersama_worked_credit(**window) == 0

    assert n(first, 2026) == (13, 0, 0)
    assert n(second, 2026) == (0, 0, 0)
    entry = LeaveBalanceEntry.objects.get(kind=EntryKind.CUTI_BERSAMA_WORKED)
    assert entry.duty.duty_date == CUTI_BERSAMA
    assert "Cuti bersama Natal" in entry.reason


def test_a_roster_employee_takes_their_shift_duties_not_days_off(nurses, shift_types):  # noqa: F811
    nurse = nurses[0]
    saturday = datetime.date(2027, 3, 6)
    make_duty(nurse, saturday, shift_types["P"])  # a Saturday shift: taken
    make_duty(nurse, saturday + datetime.timedelta(days=2), None, kind=DutyKind.OFF)  # Monday off: not taken
    # Tuesday to Friday have no published duty yet: counted as on the office calendar.

    dates = services.counted_dates(
        employee=nurse.employee, date_from=saturday, date_to=saturday + datetime.timedelta(days=6)
    )

    assert [day.isoweekday() for day in dates] == [6, 2, 3, 4, 5]
