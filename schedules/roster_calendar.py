"""The team calendar of a unit that works shifts (docs/rules.md §8 "Calendar"): an employee × duty date
grid of the published duties (a shift's code and hours in the unit's zone, "+1" when it ends the next
day, OFF, POST_NIGHT), leave by its kind over the duty, a count row per shift type against the unit's
minimum (schedules.coverage.shift_coverage_for, the same reading as the rule check), and each
person's rostered net hours per ISO week of `duty_date`.

`roster_calendar_for` reads everything in a fixed number of queries whatever the number of people or
days; the page (schedules/views.py) and the API (schedules/apis/calendar.py) draw from it."""

from __future__ import annotations

import datetime
import re
import zoneinfo
from dataclasses import dataclass, field

from django.shortcuts import get_object_or_404

from flexwork.common.calendar import days_between, iso_week, unit_zone_name, week_bounds
from flexwork.org import scope as org_scope
from flexwork.org.models import Employee, Holiday
from schedules.coverage import ShiftCount, approved_leave, day_kind_of, shift_coverage_for
from schedules.models import Location, ScheduleDay
from schedules.selectors import CalendarPerson

COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_COLOUR = "#1f6feb"


@dataclass(frozen=True)
class ShiftTypeRef:
    id: int
    code: str
    name: str
    colour: str  # always "#rrggbb"
    start_time: datetime.time
    end_time: datetime.time
    is_night: bool


@dataclass(frozen=True)
class DutyCell:
    """A person on a duty date: their published duty (None: no duty) and approved leave over it."""

    date: datetime.date
    duty_id: int | None = None
    kind: str | None = None  # SHIFT, OFF, POST_NIGHT; None: no duty that date
    shift: ShiftTypeRef | None = None
    start: datetime.datetime | None = None  # in the unit's zone
    end: datetime.datetime | None = None
    net_minutes: int = 0
    location: str = Location.OFFICE  # the duty's, or an approved schedule day's away from the office
    leave: str | None = None  # a LeaveKind: leave and official duty take precedence over the duty

    @property
    def ends_next_day(self) -> bool:
        return self.start is not None and self.end is not None and self.end.date() > self.start.date()


@dataclass
class RosterRow:
    employee: CalendarPerson
    cells: list[DutyCell]
    week_minutes: list[int]  # rostered net minutes per week of RosterCalendar.weeks


@dataclass(frozen=True)
class RosterDay:
    date: datetime.date
    holiday: str | None
    day_kind: str
    shifts: list[ShiftCount | None]  # per RosterCalendar.shift_types

    @property
    def short(self) -> bool:
        return any(entry is not None and entry.short for entry in self.shifts)


@dataclass
class RosterCalendar:
    unit: object
    zone: str
    date_from: datetime.date
    date_to: datetime.date
    shift_types: list[ShiftTypeRef]
    weeks: list[tuple[int, int]]  # ISO (year, week) of the shown dates
    days: list[RosterDay]
    rows: list[RosterRow]
    published: bool  # any published duty in the range
    warnings: list = field(default_factory=list)  # §8 Hours warnings (shifts.warnings), when available


def _colour(value: str) -> str:
    return value if value and COLOUR.match(value) else DEFAULT_COLOUR


def roster_calendar_for(*, user, unit_id: int, date_from: datetime.date, date_to: datetime.date) -> RosterCalendar:
    """The unit's duties over [date_from, date_to] (out of scope → 404). Weekly hours count the whole
    ISO weeks the range touches. Eleven queries, whatever the number of people or days."""
    from django.db.models import Q

    from shifts.models import Duty, DutyKind, RosterAssignment, ShiftType

    unit = get_object_or_404(org_scope.visible_units(user).select_related("agency"), id=unit_id)
    zone_name = unit_zone_name(unit)
    tz = zoneinfo.ZoneInfo(zone_name)
    dates = list(days_between(date_from, date_to))
    index = {day: i for i, day in enumerate(dates)}
    weeks = sorted({iso_week(day) for day in dates})
    week_index = {week: i for i, week in enumerate(weeks)}
    span_from, _end = week_bounds(date_from)
    _start, span_to = week_bounds(date_to)

    people = list(
        Employee.objects.filter(agency_id=unit.agency_id, unit_id=unit.id, is_active=True)
        .order_by("name", "id")
        .values_list(*CalendarPerson._fields)
    )
    ids = [person[0] for person in people]
    types = {
        t.id: ShiftTypeRef(t.id, t.code, t.name, _colour(t.colour), t.start_time, t.end_time, t.is_night)
        for t in ShiftType.objects.filter(agency_id=unit.agency_id).order_by("start_time", "code")
    }
    holidays = dict(
        Holiday.objects.filter(agency_id=unit.agency_id, date__range=(date_from, date_to)).values_list("date", "name")
    )
    leave: dict[tuple[int, datetime.date], str] = {}
    for employee_id, kind, first, last in (
        approved_leave()
        .filter(employee_id__in=ids, date_from__lte=date_to, date_to__gte=date_from)
        .order_by("date_from", "id")
        .values_list("employee_id", "kind", "date_from", "date_to")
    ):
        for day in days_between(max(first, date_from), min(last, date_to)):
            leave.setdefault((employee_id, day), kind)
    away = dict(
        ((employee_id, day), location)
        for employee_id, day, location in ScheduleDay.objects.filter(
            employee_id__in=ids, local_date__range=(date_from, date_to), cancelled_at__isnull=True
        )
        .exclude(location=Location.OFFICE)
        .values_list("employee_id", "local_date", "location")
    )

    cells: dict[int, list[DutyCell]] = {
        person[0]: [DutyCell(date=day, leave=leave.get((person[0], day))) for day in dates] for person in people
    }
    minutes: dict[int, list[int]] = {person[0]: [0] * len(weeks) for person in people}
    published = False
    duties = Duty.objects.filter(
        employee_id__in=ids, duty_date__range=(span_from, span_to), is_active=True, is_published=True
    ).values_list(
        "id", "employee_id", "duty_date", "kind", "shift_type_id", "start_at", "end_at", "net_minutes", "location"
    )
    for duty_id, employee_id, day, kind, type_id, start_at, end_at, net, location in duties:
        if employee_id not in cells:
            continue
        if kind == DutyKind.SHIFT and iso_week(day) in week_index and (employee_id, day) not in leave:
            minutes[employee_id][week_index[iso_week(day)]] += net
        if day not in index:
            continue
        published = True
        i = index[day]
        if location == Location.OFFICE:
            location = away.get((employee_id, day), location)
        cells[employee_id][i] = DutyCell(
            date=day,
            duty_id=duty_id,
            kind=kind,
            shift=types.get(type_id),
            start=start_at.astimezone(tz) if start_at else None,
            end=end_at.astimezone(tz) if end_at else None,
            net_minutes=net,
            location=location,
            leave=leave.get((employee_id, day)),
        )

    coverage = shift_coverage_for(unit=unit, date_from=date_from, date_to=date_to, holidays=holidays)
    shown = [t for t in types.values() if any(t.id in coverage[day] for day in dates)]
    days = [
        RosterDay(
            date=day,
            holiday=holidays.get(day),
            day_kind=day_kind_of(day, holidays),
            shifts=[coverage[day].get(t.id) for t in shown],
        )
        for day in dates
    ]
    # Rows for who is on the roster: a published duty shown or an assignment covering a date of the range. The
    # unit's other people (a head on office hours without a pattern) get no row of empty cells.
    assigned = set(
        RosterAssignment.objects.filter(employee_id__in=ids, date_from__lte=date_to)
        .filter(Q(date_to__isnull=True) | Q(date_to__gte=date_from))
        .values_list("employee_id", flat=True)
    )
    people = [p for p in people if p[0] in assigned or any(cell.duty_id for cell in cells[p[0]])]
    rows = [
        RosterRow(employee=CalendarPerson(*person), cells=cells[person[0]], week_minutes=minutes[person[0]])
        for person in people
    ]
    warnings = _warnings(unit=unit, date_from=date_from, date_to=date_to)
    return RosterCalendar(
        unit=unit,
        zone=zone_name,
        date_from=date_from,
        date_to=date_to,
        shift_types=shown,
        weeks=weeks,
        days=days,
        rows=rows,
        published=published,
        warnings=warnings,
    )


def _warnings(*, unit, date_from: datetime.date, date_to: datetime.date) -> list:
    """The §8 Hours warnings of the unit over the range (shifts.warnings), without the coverage ones
    (the count rows show those); none where that module is not installed."""
    try:
        from shifts.warnings import warnings_for
    except ImportError:
        return []
    return [v for v in warnings_for(unit=unit, date_from=date_from, date_to=date_to) if v.code != "COVERAGE_SHIFT_MIN"]
