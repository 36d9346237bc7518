"""Reads of duties (docs/rules.md §8). A duty's `duty_date` is the office date on which it starts."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from flexwork.org.models import Employee, Unit, WorkWeek
from shifts.models import Duty, DutyKind


def is_roster_unit(unit: Unit) -> bool:
    return unit.work_week != WorkWeek.MON_FRI


def works_roster(employee: Employee) -> bool:
    """Whether the employee's working days come from duties (their unit's working week is not Mon–Fri)."""
    return is_roster_unit(employee.unit)


def duties_between(
    *, employee_id: int, date_from: datetime.date, date_to: datetime.date, published_only: bool = True
) -> QuerySet[Duty]:
    """The employee's active duties (shifts, days off, rest days) dated `date_from`..`date_to`, in order."""
    duties = Duty.objects.filter(
        employee_id=employee_id, duty_date__range=(date_from, date_to), is_active=True
    ).select_related("shift_type")
    if published_only:
        duties = duties.filter(is_published=True)
    return duties.order_by("duty_date")


def duty_on(*, employee_id: int, duty_date: datetime.date, published_only: bool = True) -> Duty | None:
    return duties_between(
        employee_id=employee_id, date_from=duty_date, date_to=duty_date, published_only=published_only
    ).first()


def next_shift(*, employee_id: int, now: datetime.datetime) -> Duty | None:
    """The published shift running at `now`, else the next one to start."""
    return (
        Duty.objects.filter(
            employee_id=employee_id, is_active=True, is_published=True, kind=DutyKind.SHIFT, end_at__gt=now
        )
        .select_related("shift_type")
        .order_by("start_at")
        .first()
    )
