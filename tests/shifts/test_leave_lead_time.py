"""Leave lead time of a roster employee (docs/rules.md §8 "Flexibility on duties", §9 "Lead time"):
the working days before the first day of leave are the employee's shift duty dates where a roster is
published, and the office calendar's working days where none is yet."""

from __future__ import annotations

import datetime

import pytest

from flexwork.common.calendar import office_today
from flexwork.org.selectors import holiday_dates
from leave.rules import _lead_days
from shifts.models import Duty, DutyKind
from tests.shifts.conftest import fetch_employee, month_start

pytestmark = pytest.mark.django_db
D = datetime.timedelta


def test_a_roster_employees_lead_days_are_their_shift_duty_dates(nurses, published_roster):
    published_roster(month_start(0))
    nurse = fetch_employee(nurses[0].employee.id)
    today = office_today(nurse)
    first = today + D(days=6)
    duties = {
        duty.duty_date: duty.kind
        for duty in Duty.objects.filter(
            employee_id=nurse.id, is_active=True, is_published=True, duty_date__gte=today, duty_date__lt=first
        )
    }
    holidays = holiday_dates(agency_id=nurse.agency_id, date_from=today, date_to=first)
    expected = 0
    for offset in range(6):
        day = today + D(days=offset)
        if day in duties:
            expected += duties[day] == DutyKind.SHIFT
        else:  # next month's roster is not published: the office calendar
            expected += day.isoweekday() <= 5 and day not in holidays
    assert _lead_days(nurse, today, first, holidays) == expected


def test_an_office_employees_lead_days_are_monday_to_friday(employee_a):
    employee = fetch_employee(employee_a.employee.id)
    today = office_today(employee)
    first = today + D(days=7)
    holidays = holiday_dates(agency_id=employee.agency_id, date_from=today, date_to=first)
    expected = sum(
        1
        for offset in range(7)
        if (today + D(days=offset)).isoweekday() <= 5 and today + D(days=offset) not in holidays
    )
    assert _lead_days(employee, today, first, holidays) == expected
