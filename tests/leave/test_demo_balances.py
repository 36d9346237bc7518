"""The demo's leave balances (docs/rules.md §9): opening balances, the year's days, the demo's
approved annual leave taken from them, every number with its ledger entry, and a second run adds nothing."""

from __future__ import annotations

import datetime

import pytest

from attendance.models import LeaveRequest
from flexwork.common.calendar import office_today
from leave.demo import seed_leave_balances
from leave.models import EntryKind, LeaveBalanceEntry
from leave.selectors import balance_for

pytestmark = pytest.mark.django_db


def test_demo_balances_carry_over_and_take_the_approved_leave(employee_a, agency_a):
    employee = employee_a.employee
    today = office_today(employee)
    start = today.replace(month=1, day=5)
    while start.isoweekday() > 5:
        start += datetime.timedelta(days=1)
    LeaveRequest.objects.create(
        agency=agency_a, employee=employee, kind="CT", date_from=start, date_to=start, status="approved"
    )

    assert seed_leave_balances(agency=agency_a) >= 1
    assert seed_leave_balances(agency=agency_a) == 0

    balance = balance_for(employee_id=employee.id, year=today.year)
    assert balance.used == 1
    assert balance.available == balance.lines[1].granted + balance.lines[2].granted + 12 - 1
    assert LeaveBalanceEntry.objects.filter(balance__employee=employee, kind=EntryKind.OPENING).exists()
    assert LeaveBalanceEntry.objects.filter(balance__employee=employee, kind=EntryKind.DEBIT).count() == 1
