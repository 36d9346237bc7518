"""Working days and office dates (rules.md §1): Monday–Friday in the office zone that is not a
holiday of the agency's calendar. Holidays are passed in as a set, so callers fetch them once per
range (one query) and never per day."""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterable

from django.utils import timezone

from flexwork.org.models import Employee


def office_zone_name(employee: Employee) -> str:
    """The employee's office zone: the unit's override, else the agency's (needs unit and agency loaded)."""
    return employee.unit.time_zone or employee.agency.time_zone


def office_today(employee: Employee, *, now: datetime.datetime | None = None) -> datetime.date:
    return (now or timezone.now()).astimezone(zoneinfo.ZoneInfo(office_zone_name(employee))).date()


def office_date_of(moment: datetime.datetime, zone_name: str) -> datetime.date:
    return moment.astimezone(zoneinfo.ZoneInfo(zone_name)).date()


def is_working_day(day: datetime.date, holidays: set[datetime.date]) -> bool:
    return day.isoweekday() <= 5 and day not in holidays


def iso_week(day: datetime.date) -> tuple[int, int]:
    year, week, _weekday = day.isocalendar()
    return year, week


def week_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    monday = day - datetime.timedelta(days=day.isoweekday() - 1)
    return monday, monday + datetime.timedelta(days=6)


def days_between(first: datetime.date, last: datetime.date) -> Iterable[datetime.date]:
    day = first
    while day <= last:
        yield day
        day += datetime.timedelta(days=1)


def working_days_between(start: datetime.date, end: datetime.date, holidays: set[datetime.date]) -> int:
    """Working days d with start <= d < end."""
    return sum(1 for day in days_between(start, end - datetime.timedelta(days=1)) if is_working_day(day, holidays))


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)
