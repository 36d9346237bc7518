"""The office calendar (docs/rules.md §1): one place that answers an employee's or a unit's office
zone, "now" and "today" there, office dates of instants, working days and ISO weeks.

Instants are stored in UTC; every daily row carries its office date. The server's TIME_ZONE is UTC,
so `timezone.localdate()` and `date.today()` answer the UTC date (06:55 WIB is 23:55 UTC the day
before): they are banned by lint outside this module. Holidays are passed in as a set, so callers
fetch them once per range (one query) and never per day."""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

if TYPE_CHECKING:  # pragma: no cover
    from flexwork.org.models import Employee, Unit


# ---------------------------------------------------------------------------- zones


def default_zone_name() -> str:
    return settings.FLEXWORK_DEFAULT_TIME_ZONE


def zone(zone_name: str | None) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(zone_name or default_zone_name())


def unit_zone_name(unit: Unit) -> str:
    """A unit's office zone: its own override, else its agency's (needs `agency` loaded)."""
    return unit.time_zone or unit.agency.time_zone


def office_zone_name(employee: Employee) -> str:
    """An employee's office zone is their unit's (needs `unit` and `agency` loaded)."""
    return employee.unit.time_zone or employee.agency.time_zone


def office_zone(employee: Employee) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(office_zone_name(employee))


# ---------------------------------------------------------------------------- now and today


def now_in(zone_name: str | None, *, now: datetime.datetime | None = None) -> datetime.datetime:
    """The current instant as wall-clock time in `zone_name` (the default zone when None)."""
    return (now or timezone.now()).astimezone(zone(zone_name))


def today_in(zone_name: str | None, *, now: datetime.datetime | None = None) -> datetime.date:
    """Today's date in `zone_name` (the installation default zone when None)."""
    return now_in(zone_name, now=now).date()


def office_now(employee: Employee, *, now: datetime.datetime | None = None) -> datetime.datetime:
    return now_in(office_zone_name(employee), now=now)


def office_today(employee: Employee, *, now: datetime.datetime | None = None) -> datetime.date:
    return today_in(office_zone_name(employee), now=now)


def unit_today(unit: Unit, *, now: datetime.datetime | None = None) -> datetime.date:
    return today_in(unit_zone_name(unit), now=now)


def user_today(user, *, now: datetime.datetime | None = None) -> datetime.date:
    """Today in the viewer's office zone (the installation default for users without an employee)."""
    from flexwork.common.timezones import zone_name_for_user

    return today_in(zone_name_for_user(user), now=now)


def office_date_of(moment: datetime.datetime, zone_name: str) -> datetime.date:
    """The office date of an instant in `zone_name`."""
    return moment.astimezone(zoneinfo.ZoneInfo(zone_name)).date()


def start_of_day(day: datetime.date, zone_name: str) -> datetime.datetime:
    """00:00 office time of `day`, as an aware instant."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=zoneinfo.ZoneInfo(zone_name))


# ---------------------------------------------------------------------------- working days and weeks


def is_working_day(day: datetime.date, holidays: set[datetime.date]) -> bool:
    """Monday–Friday and not a holiday (national holiday or cuti bersama) of the agency."""
    return day.isoweekday() <= 5 and day not in holidays


def iso_week(day: datetime.date) -> tuple[int, int]:
    year, week, _weekday = day.isocalendar()
    return year, week


def week_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Monday and Sunday of the ISO week of `day` (clamped to the calendar's range)."""
    monday = max(datetime.date.min, day - datetime.timedelta(days=day.isoweekday() - 1))
    try:
        sunday = monday + datetime.timedelta(days=6)
    except OverflowError:
        sunday = datetime.date.max
    return monday, sunday


def days_between(first: datetime.date, last: datetime.date) -> Iterable[datetime.date]:
    """Every date from `first` to `last`, both included."""
    day = first
    while day <= last:
        yield day
        if day == datetime.date.max:
            return
        day += datetime.timedelta(days=1)


def working_days_between(start: datetime.date, end: datetime.date, holidays: set[datetime.date]) -> int:
    """Working days d with start <= d < end."""
    if end <= start:
        return 0
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
