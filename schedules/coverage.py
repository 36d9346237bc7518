"""Unit coverage (docs/rules.md §3), computed in one place for the rule check, the team calendar and
the dashboards.

For each unit and each day of a range:

- headcount: the unit's own active members (not the subtree), less those on approved unpaid leave (CLTN)
  that day, who are inactive (docs/rules.md §9 "CLTN");
- on leave: those of them on approved leave or official duty that day (every leave kind, HR imports
  too); the *active headcount* leaves them out;
- away: active schedule days away from the office (`location ≠ OFFICE`; cancelled rows are gone and
  recalled days are OFFICE), of people not on leave that day. Pending requests do not count;
- allowed away: 0 if the share is 0, else max(1, floor(active headcount × share)). On a day an agency
  directive covers, the directive takes the unit share's place: its largest share when it sets one
  (the smallest of them when several apply), otherwise no limit;
- on site: active headcount − away, against the unit's public-service minimum.

`coverage_for` reads everything in a fixed number of set-based queries (units with their headcount,
approved leave, away counts, and, unless the caller passes them, holidays, directives and the agency's
share), whatever the number of units, people or days.

Units that work shifts (docs/rules.md §8 "Coverage"): `shift_coverage_for` counts, per day and shift
type, the published OFFICE duties of people not on leave and not away on an approved day, against the
unit's ShiftCoverage minimum for the day's kind (weekday, Saturday, Sunday, holiday) and its shift
leads; `directive_reaches` says whether a directive applies to a unit (directives skip ROSTER units
unless their explicit scope holds the unit)."""

from __future__ import annotations

import datetime
import math
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from attendance.models import LeaveKind, LeaveRequest
from flexwork.approvals.models import ApprovalStatus
from flexwork.common.calendar import days_between, is_working_day
from flexwork.org.models import AgencyPolicy, Employee, Holiday, Unit
from flexwork.org.models.organisation import WorkWeek
from schedules.models import Directive, Location, ScheduleDay


def allowed_away(headcount: int, share_percent: int) -> int:
    """docs/rules.md §3: 0 if the share is 0, else max(1, floor(active headcount × share))."""
    if not share_percent:
        return 0
    return max(1, math.floor(headcount * share_percent / 100))


@dataclass(frozen=True)
class DayCoverage:
    """One unit on one day. `away` leaves out the person a rule check is run for (they are the "+1")."""

    date: datetime.date
    working: bool
    holiday: str | None  # the holiday's name; None on an ordinary day (weekends included)
    headcount: int  # the unit's active members
    on_leave: int  # of them, on approved leave or official duty
    away: int  # of the others, away from the office on an approved day
    share_percent: int  # the unit's coverage share (docs/rules.md §3)
    allowed_away: int  # the day's limit: the unit share's, or the directive's on a directive day
    min_onsite: int  # the unit's public-service minimum on site (0: none)
    directive: bool = False  # an agency directive covers the day (it takes the unit share's place)

    @property
    def active_headcount(self) -> int:
        return self.headcount - self.on_leave

    @property
    def onsite(self) -> int:
        return self.active_headcount - self.away

    def exceeds_share(self, extra: int = 0) -> bool:
        """Would `away + extra` be more than the day's limit? (Only working days have one.)"""
        return self.working and self.away + extra > self.allowed_away

    def below_minimum(self, extra: int = 0) -> bool:
        """Would fewer than the public-service minimum stay on site with `extra` more away?"""
        return self.working and bool(self.min_onsite) and self.onsite - extra < self.min_onsite

    @property
    def over_share(self) -> bool:
        return self.exceeds_share()

    @property
    def under_minimum(self) -> bool:
        return self.below_minimum()

    @property
    def warning(self) -> bool:
        """The day is already over the limit or under the minimum on site."""
        return self.over_share or self.under_minimum


@dataclass
class Coverage:
    units: dict[int, Unit]
    days: dict[int, list[DayCoverage]]  # unit id → one entry per day of the range, in order
    leave: dict[tuple[int, datetime.date], str] = field(default_factory=dict)  # (employee, day) → LeaveKind
    holidays: dict[datetime.date, str] = field(default_factory=dict)

    def on(self, unit_id: int, day: datetime.date) -> DayCoverage:
        first = self.days[unit_id][0].date
        return self.days[unit_id][(day - first).days]

    def by_date(self, unit_id: int) -> dict[datetime.date, DayCoverage]:
        return {day.date: day for day in self.days[unit_id]}


def approved_leave() -> QuerySet[LeaveRequest]:
    """Approved leave and official duty (every leave kind, official duty included; HR imports too)."""
    return LeaveRequest.objects.filter(status=ApprovalStatus.APPROVED)


def unit_share_percent(unit: Unit, agency_share: int) -> int:
    """The unit's coverage share as `flexwork.org.selectors.policy_for` gives it: the agency's, 0 for a
    public-service unit, the unit's override when it sets one (needs `policy_override` loaded)."""
    share = 0 if unit.is_public_service else agency_share
    override = getattr(unit, "policy_override", None)
    if override is not None and override.coverage_share_percent is not None:
        share = override.coverage_share_percent
    return share


def directive_reaches(directive: Directive, unit: Unit) -> bool:
    """Whether `directive` applies to people of `unit` (docs/rules.md §8 "Flexibility on duties"):
    its scope holds the unit, and a ROSTER unit only when the directive names a unit subtree that holds
    it; a directive for the whole agency skips ROSTER units."""
    if directive.unit_id is not None and directive.unit_id not in unit.path:
        return False
    return not (directive.unit_id is None and unit.work_week == WorkWeek.ROSTER)


def directives_for(*, agency_id: int, units: Iterable[Unit], date_from, date_to) -> list[Directive]:
    """The directives of the agency or of an ancestor-or-self of one of `units` over the range (one query)."""
    units = list(units)
    ancestors = {unit_id for unit in units for unit_id in unit.path}
    found = (
        Directive.objects.in_force()
        .filter(agency_id=agency_id, date_from__lte=date_to, date_to__gte=date_from)
        .filter(Q(unit__isnull=True) | Q(unit_id__in=ancestors))
    )
    return [d for d in found if any(directive_reaches(d, unit) for unit in units)]


def _read_leave_and_away(
    agency_id: int,
    units: Mapping[int, Unit],
    date_from: datetime.date,
    date_to: datetime.date,
    exclude_employee_id: int | None,
) -> tuple[dict[tuple[int, datetime.date], str], dict[int, Counter], dict[int, Counter], dict[int, Counter]]:
    """The units' active members over the range: (leave: (employee, day) → kind, on leave, inactive, away), the
    last three per unit and day. The approved leave (who, which kind, which days), then the approved days away
    of those not on leave (one query each)."""
    leave: dict[tuple[int, datetime.date], str] = {}
    on_leave: dict[int, Counter] = defaultdict(Counter)
    inactive: dict[int, Counter] = defaultdict(Counter)
    away: dict[int, Counter] = defaultdict(Counter)
    rows = (
        approved_leave()
        .filter(
            agency_id=agency_id,
            employee__unit_id__in=list(units),
            employee__is_active=True,
            date_from__lte=date_to,
            date_to__gte=date_from,
        )
        .order_by("date_from", "id")
        .values_list("employee_id", "employee__unit_id", "kind", "date_from", "date_to")
    )
    # docs/rules.md §9 "CLTN": someone on unpaid leave is inactive, out of the headcount, not "on leave".
    for employee_id, unit_id, kind, first, last in rows:
        for day in days_between(max(first, date_from), min(last, date_to)):
            if (employee_id, day) not in leave:
                leave[(employee_id, day)] = kind
                (inactive if kind == LeaveKind.CLTN else on_leave)[unit_id][day] += 1

    # Approved days away from the office, of people not on leave that day (one query).
    leave_that_day = approved_leave().filter(
        employee_id=OuterRef("employee_id"),
        date_from__lte=OuterRef("local_date"),
        date_to__gte=OuterRef("local_date"),
    )
    away_rows = (
        # The agency's days of the range by their (agency, date) index: without it a day of the whole agency was a
        # sequential scan of every schedule day (48 ms at 60,000 employees; docs/performance.md).
        ScheduleDay.objects.filter(
            agency_id=agency_id,
            employee__unit_id__in=list(units),
            employee__is_active=True,
            local_date__range=(date_from, date_to),
            cancelled_at__isnull=True,
        )
        .exclude(location=Location.OFFICE)
        .exclude(Exists(leave_that_day))
    )
    if exclude_employee_id is not None:
        away_rows = away_rows.exclude(employee_id=exclude_employee_id)
    for row in away_rows.order_by().values("employee__unit_id", "local_date").annotate(n=Count("id")):
        away[row["employee__unit_id"]][row["local_date"]] = row["n"]
    return leave, on_leave, inactive, away


def coverage_for(
    *,
    agency_id: int,
    unit_ids: Collection[int],
    date_from: datetime.date,
    date_to: datetime.date,
    holidays: Mapping[datetime.date, str] | Collection[datetime.date] | None = None,
    directives: list[Directive] | None = None,
    shares: Mapping[int, int] | None = None,
    exclude_employee_id: int | None = None,
    counted: Mapping[int, tuple[int, int, int]] | None = None,
) -> Coverage:
    """Coverage of each unit of `unit_ids` (of the agency) for each day of [date_from, date_to].

    `holidays` (a set of dates, or dates → names), `directives` and `shares` (unit id → coverage share)
    are read when not given; a caller that has them already passes them. `exclude_employee_id` leaves
    that person out of `away` (the rule check counts the requester as the "+1"). `counted` gives, for a
    range of one day, each unit's (headcount, on leave, away) as the caller has already counted them by the
    rules above (the HR dashboard's today panel, in its own statement): they are not read again, and the
    coverage's `leave` is then left empty."""
    dates = list(days_between(date_from, date_to))
    if counted is not None and len(dates) != 1:
        raise ValueError("counted coverage is for a range of one day")
    found_units = Unit.objects.filter(agency_id=agency_id, id__in=list(unit_ids)).select_related("policy_override")
    if counted is None:
        # A count per unit by its index, not a join of every member grouped by every unit column (a sort of the
        # whole agency: 110 ms at 60,000 employees).
        found_units = found_units.annotate(
            active_members=Coalesce(
                Subquery(
                    Employee.objects.filter(unit_id=OuterRef("pk"), is_active=True)
                    .order_by()
                    .values("unit_id")
                    .annotate(n=Count("id"))
                    .values("n")
                ),
                0,
            )
        )
    units = {unit.id: unit for unit in found_units}
    if holidays is None:
        holidays = dict(
            Holiday.objects.filter(agency_id=agency_id, date__range=(date_from, date_to)).values_list("date", "name")
        )
    names = dict(holidays) if isinstance(holidays, Mapping) else dict.fromkeys(holidays, "")
    if directives is None:
        directives = directives_for(agency_id=agency_id, units=units.values(), date_from=date_from, date_to=date_to)
    if shares is None:
        agency_share = AgencyPolicy.objects.values_list("coverage_share_percent", flat=True).get(agency_id=agency_id)
        shares = {unit.id: unit_share_percent(unit, agency_share) for unit in units.values()}

    if counted is None:
        members = {unit.id: unit.active_members for unit in units.values()}
        leave, on_leave, inactive, away = _read_leave_and_away(
            agency_id, units, date_from, date_to, exclude_employee_id
        )
    else:
        [day] = dates
        leave, on_leave, inactive, away = {}, defaultdict(Counter), defaultdict(Counter), defaultdict(Counter)
        members = {}
        for unit_id in units:
            members[unit_id], on_leave[unit_id][day], away[unit_id][day] = counted.get(unit_id, (0, 0, 0))

    days: dict[int, list[DayCoverage]] = {}
    for unit in units.values():
        share = shares.get(unit.id, 0)
        unit_directives = [d for d in directives if directive_reaches(d, unit)]
        entries = []
        for day in dates:
            headcount = members[unit.id] - inactive[unit.id][day]
            active = headcount - on_leave[unit.id][day]
            covering = [d for d in unit_directives if d.date_from <= day <= d.date_to]
            if covering:
                limits = [
                    allowed_away(active, d.max_share_percent) for d in covering if d.max_share_percent is not None
                ]
                limit = min(limits) if limits else active
            else:
                limit = allowed_away(active, share)
            entries.append(
                DayCoverage(
                    date=day,
                    working=is_working_day(day, names),
                    holiday=names.get(day),
                    headcount=headcount,
                    on_leave=on_leave[unit.id][day],
                    away=away[unit.id][day],
                    share_percent=share,
                    allowed_away=limit,
                    min_onsite=unit.min_onsite_headcount,
                    directive=bool(covering),
                )
            )
        days[unit.id] = entries
    return Coverage(units=units, days=days, leave=leave, holidays=names)


# ---------------------------------------------------------------------------- shifts (docs/rules.md §8)


def day_kind_of(day: datetime.date, holidays: Collection[datetime.date]) -> str:
    """The kind of day a ShiftCoverage minimum is set for: a holiday, a Saturday, a Sunday, a weekday."""
    from shifts.models import DayKind

    if day in holidays:
        return DayKind.HOLIDAY
    if day.isoweekday() == 6:
        return DayKind.SATURDAY
    if day.isoweekday() == 7:
        return DayKind.SUNDAY
    return DayKind.WEEKDAY


@dataclass(frozen=True)
class ShiftCount:
    """One shift type of a unit on one day: who is counted at the office, against the minimum."""

    date: datetime.date
    shift_type_id: int
    code: str
    name: str
    colour: str
    people: frozenset[int]  # employees on an OFFICE duty of the type, not on leave, not away
    leads: frozenset[int]  # of them, holders of the minimum's lead position
    min_staff: int  # 0: no minimum for the day's kind
    min_lead: int

    @property
    def count(self) -> int:
        return len(self.people)

    def short_without(self, employee_id: int | None = None) -> bool:
        """Would the shift fall under its minimum (people or leads) without `employee_id`?"""
        people = len(self.people - {employee_id})
        leads = len(self.leads - {employee_id})
        return (bool(self.min_staff) and people < self.min_staff) or (bool(self.min_lead) and leads < self.min_lead)

    @property
    def short(self) -> bool:
        return self.short_without(None)


def shift_coverage_for(
    *,
    unit: Unit,
    date_from: datetime.date,
    date_to: datetime.date,
    holidays: Collection[datetime.date] | None = None,
) -> dict[datetime.date, dict[int, ShiftCount]]:
    """Per day of [date_from, date_to] and per shift type: the unit's published OFFICE duties of people
    not on approved leave or official duty and not away from the office on an approved schedule day,
    against the unit's ShiftCoverage minimum for the day's kind (a holiday without a minimum of its own
    takes the weekday's, Saturday's or Sunday's). Every shift type with a duty or a minimum that day has
    an entry. Four queries (five without `holidays`), whatever the number of people or days."""
    from shifts.models import Duty, DutyKind, DutyLocation, ShiftCoverage

    if holidays is None:
        holidays = set(
            Holiday.objects.filter(agency_id=unit.agency_id, date__range=(date_from, date_to)).values_list(
                "date", flat=True
            )
        )
    minimums: dict[tuple[int, str], ShiftCoverage] = {}
    types: dict[int, tuple[str, str, str]] = {}
    for row in ShiftCoverage.objects.filter(unit_id=unit.id).select_related("shift_type"):
        minimums[(row.shift_type_id, row.day_kind)] = row
        types[row.shift_type_id] = (row.shift_type.code, row.shift_type.name, row.shift_type.colour)

    leave: set[tuple[int, datetime.date]] = set()
    for employee_id, first, last in (
        approved_leave()
        .filter(employee__unit_id=unit.id, date_from__lte=date_to, date_to__gte=date_from)
        .values_list("employee_id", "date_from", "date_to")
    ):
        leave.update((employee_id, day) for day in days_between(max(first, date_from), min(last, date_to)))
    away = set(
        ScheduleDay.objects.filter(
            employee__unit_id=unit.id, local_date__range=(date_from, date_to), cancelled_at__isnull=True
        )
        .exclude(location=Location.OFFICE)
        .values_list("employee_id", "local_date")
    )
    people: dict[tuple[datetime.date, int], set[int]] = defaultdict(set)
    positions: dict[int, int | None] = {}
    duties = Duty.objects.filter(
        unit_id=unit.id,
        duty_date__range=(date_from, date_to),
        is_active=True,
        is_published=True,
        kind=DutyKind.SHIFT,
        location=DutyLocation.OFFICE,
    ).values_list(
        "employee_id",
        "employee__position_id",
        "duty_date",
        "shift_type_id",
        "shift_type__code",
        "shift_type__name",
        "shift_type__colour",
    )
    for employee_id, position_id, day, type_id, code, name, colour in duties:
        types.setdefault(type_id, (code, name, colour))
        positions[employee_id] = position_id
        if (employee_id, day) not in leave and (employee_id, day) not in away:
            people[(day, type_id)].add(employee_id)

    result: dict[datetime.date, dict[int, ShiftCount]] = {}
    for day in days_between(date_from, date_to):
        kind = day_kind_of(day, holidays)
        entries = {}
        for type_id, (code, name, colour) in types.items():
            minimum = minimums.get((type_id, kind))
            if minimum is None and day in holidays:
                minimum = minimums.get((type_id, day_kind_of(day, ())))
            counted = frozenset(people.get((day, type_id), ()))
            if minimum is None and not counted:
                continue
            lead_position = minimum.lead_position_id if minimum is not None else None
            leads = frozenset(e for e in counted if lead_position and positions.get(e) == lead_position)
            entries[type_id] = ShiftCount(
                date=day,
                shift_type_id=type_id,
                code=code,
                name=name,
                colour=colour,
                people=counted,
                leads=leads,
                min_staff=minimum.min_staff if minimum is not None else 0,
                min_lead=minimum.min_lead if minimum is not None and lead_position else 0,
            )
        result[day] = entries
    return result
