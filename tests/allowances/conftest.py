"""June 2025 for the allowance tests: no holidays, 21 working days (2–6, 9–13, 16–20, 23–27, 30 June).
Day status rows are written directly (as in tests/reports), so the expected cuts are independent of the
attendance code; each test writes the days it needs and every other working day is on time."""

from __future__ import annotations

import datetime

import pytest

from tests.reports.conftest import status_row

D = datetime.date
JUNE = [D(2025, 6, d) for d in range(1, 31)]
WORKING = [d for d in JUNE if d.isoweekday() <= 5]
AFTER_JUNE = D(2025, 7, 15)
NEW_YEAR = D(2025, 1, 1)


def month_write(employee, special: dict[datetime.date, dict], days=WORKING):
    """Write a status row for every working day of `days`: `special[day]` gives arrival/departure/absence."""
    from attendance.models import DayStatus

    DayStatus.objects.bulk_create([status_row(employee, day, **special.get(day, {})) for day in days])


def approved_leave(employee, kind, date_from, date_to):
    from attendance.models import LeaveRequest

    return LeaveRequest.objects.create(
        agency_id=employee.agency_id,
        employee=employee,
        kind=kind,
        date_from=date_from,
        date_to=date_to,
        status="approved",
        reason="Test",
    )


@pytest.fixture
def scheme_for(org_world):
    """Give agency A a scheme cloned from a template, from a month on (edited with `changes`)."""

    def make(template: str, effective_from=NEW_YEAR, **changes):
        from allowances.models import AllowanceScheme
        from allowances.schemes import scheme_validate
        from allowances.schemes import template as template_data

        data = template_data(template)
        for key, value in changes.items():
            data[key] = value
        return AllowanceScheme.objects.create(
            agency=org_world.agency_a, effective_from=effective_from, template=template, data=scheme_validate(data)
        )

    return make


@pytest.fixture
def june_lines():
    from allowances.selectors import month_lines

    def read(employee, year=2025, month=6, today=AFTER_JUNE):
        return month_lines(employee=employee, year=year, month=month, today=today)

    return read
