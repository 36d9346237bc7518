"""Reads of the arrangements app. Every selector takes the acting user and is scoped through
flexwork.org.scope, agency first; the lists run in a fixed number of queries.

For the pages: `arrangement_list_for` (all in scope, filters), `approval_queue_for` (what the user
may act on now), `my_requests_for`, `arrangement_get_for` (+ `arrangement_transitions`),
`schedule_day_list_for` / `my_schedule_days_for`, `team_calendar_for` (unit × days grid with counts),
`delegation_list_for`, `directive_list_for`, `recall_list_for`."""

from __future__ import annotations

import datetime
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from flexwork.approvals import services as engine
from flexwork.approvals.models import PENDING_STATUSES, ApprovalKind, ApprovalStep, Delegation
from flexwork.common.calendar import days_between, is_working_day, today_in
from flexwork.common.db import PreparedStatement
from flexwork.org import scope as org_scope
from flexwork.org.models import Employee, Unit
from flexwork.org.selectors import policy_for
from schedules.coverage import approved_leave, coverage_for
from schedules.models import ArrangementRequest, Directive, Location, Recall, ScheduleDay

ARRANGEMENT_RELATED = (
    "employee",
    "employee__unit",
    "employee__agency",
    "employee__user",
    "other_office_unit",
    "designated_location",
    "recommender",
    "decider",
    "escalated_to",
)
# The lists of the API: the page's requests with these (small tables), then their people in one more query
# (arrangement_people_for). Joining the employee table four times makes a ten-table join whose planning
# alone takes longer than the whole read, and whose join order PostgreSQL gets wrong (it joins every
# employee of the agency before it sorts and cuts the page).
ARRANGEMENT_LIST_RELATED = ("other_office_unit", "designated_location")


def arrangement_visible_q(user) -> Q:
    """Requests a user may see: those of employees in scope (scope.employee_q), plus those they are
    an approver of (recommender, decider, escalation target) or act on as an active delegate."""
    scope = org_scope.scope_for(user)
    if scope.agency_id is None:
        return Q(pk__in=[])
    me = scope.employee_id
    delegators = engine.delegators_of(user=scope)
    reach = (
        org_scope.employee_q(scope, prefix="employee__")
        | Q(recommender_id=me)
        | Q(decider_id=me)
        | Q(escalated_to_id=me)
        | Q(recommender_id__in=delegators)
        | Q(decider_id__in=delegators)
        | Q(escalated_to_id__in=delegators)
    )
    return Q(agency_id=scope.agency_id) & reach


def arrangement_visible_qs(*, user) -> QuerySet[ArrangementRequest]:
    return ArrangementRequest.objects.filter(arrangement_visible_q(user))


def arrangement_list_for(
    *, user, filters: dict | None = None, with_people: bool = True
) -> QuerySet[ArrangementRequest]:
    """`with_people=False` leaves out the employee, unit and approvers: read them for a page with
    `arrangement_people_for` (the API lists do)."""
    filters = filters or {}
    scope = org_scope.scope_for(user)
    related = ARRANGEMENT_RELATED if with_people else ARRANGEMENT_LIST_RELATED
    if filters.get("queue"):
        # The queue's condition (agency first; the caller is the step's approver, the escalation
        # target or their delegate) implies visibility: without the visibility OR, PostgreSQL uses
        # the approver indexes instead of scanning every employee.
        if scope.agency_id is None:
            return ArrangementRequest.objects.none()
        qs = ArrangementRequest.objects.filter(approval_queue_q(scope)).select_related(*related)
    else:
        qs = ArrangementRequest.objects.filter(arrangement_visible_q(scope)).select_related(*related)
    if filters.get("mine"):
        qs = qs.filter(employee_id=scope.employee_id)
    if filters.get("status"):
        qs = qs.filter(status__in=filters["status"])
    if filters.get("employee"):
        qs = qs.filter(employee_id=filters["employee"])
    if filters.get("unit"):
        qs = qs.filter(employee__unit__path__contains=[filters["unit"]])
    if filters.get("location"):
        qs = qs.filter(location=filters["location"])
    if filters.get("date_from"):
        qs = qs.filter(last_date__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(first_date__lte=filters["date_to"])
    if filters.get("has_violations") is not None:
        flagged = Q(violations__contains=[{"severity": "soft"}]) | Q(violations__contains=[{"severity": "hard"}])
        qs = qs.filter(flagged) if filters["has_violations"] else qs.exclude(flagged)
    if filters.get("queue"):
        return qs.order_by("first_date", "id")
    return qs.order_by("-created_at", "-id")


class PersonRef(NamedTuple):
    """An employee as the request lists show them: who, and in which unit."""

    id: int
    nip: str
    name: str
    unit_id: int
    unit_code: str
    unit_name: str


def arrangement_people_for(arrangements: Iterable[ArrangementRequest]) -> dict[int, PersonRef]:
    """The employees, recommenders, deciders and escalation targets of a page of requests, by id, in one
    query (none for an empty page)."""
    ids = {
        person_id
        for ar in arrangements
        for person_id in (ar.employee_id, ar.recommender_id, ar.decider_id, ar.escalated_to_id)
        if person_id is not None
    }
    if not ids:
        return {}
    rows = Employee.objects.filter(id__in=ids).values_list("id", "nip", "name", "unit_id", "unit__code", "unit__name")
    return {row[0]: PersonRef(*row) for row in rows}


def arrangement_people_attach(arrangements: list[ArrangementRequest]) -> list[ArrangementRequest]:
    """Loads the employees of a page of requests (with unit, agency and position, as the rule check needs)
    and their recommenders, deciders and escalation targets in one query, and sets them on the requests:
    the page's read then stays two small joins (see ARRANGEMENT_LIST_RELATED) instead of a ten-table join."""
    ids = {
        person_id
        for ar in arrangements
        for person_id in (ar.employee_id, ar.recommender_id, ar.decider_id, ar.escalated_to_id)
        if person_id is not None
    }
    if not ids:
        return arrangements
    people = {e.id: e for e in Employee.objects.filter(id__in=ids).select_related("unit", "agency", "position")}
    for ar in arrangements:
        ar.employee = people[ar.employee_id]
        for name in ("recommender", "decider", "escalated_to"):
            person_id = getattr(ar, f"{name}_id")
            setattr(ar, name, people.get(person_id) if person_id is not None else None)
    return arrangements


def approval_queue_q(user) -> Q:
    """Pending requests the user may act on now: as the step's approver, the escalation target or
    a delegate of one of them; never their own."""
    scope = org_scope.scope_for(user)
    if scope.employee_id is None:
        return Q(pk__in=[])
    me = scope.employee_id
    delegators = engine.delegators_of(user=scope)
    recommend = Q(step=ApprovalStep.RECOMMEND) & (Q(recommender_id=me) | Q(recommender_id__in=delegators))
    decide = Q(step=ApprovalStep.DECIDE) & (Q(decider_id=me) | Q(decider_id__in=delegators))
    escalated = Q(escalated_to_id=me) | Q(escalated_to_id__in=delegators)
    return (
        Q(agency_id=scope.agency_id, status__in=PENDING_STATUSES)
        & (recommend | decide | escalated)
        & ~Q(employee_id=me)
    )


def approval_queue_for(*, user, filters: dict | None = None) -> QuerySet[ArrangementRequest]:
    """The approval queue (oldest first day first). Filters as `arrangement_list_for`."""
    return arrangement_list_for(user=user, filters={**(filters or {}), "queue": True})


# The approval queue as its API lists it unfiltered, a decider's most frequent read: one fixed statement (the
# condition of approval_queue_q, the page, its total, and the people and places of the page's rows), prepared once
# per database session, instead of building, compiling and planning the ORM's query, its window count and the
# people's query on every call.
# tests/schedules/test_arrangements_api.py checks it against arrangement_list_for.
APPROVAL_QUEUE_PAGE_SQL = """
WITH approvers AS (
    SELECT ARRAY(
        SELECT %(me)s::bigint
        UNION
        SELECT d.delegator_id FROM approvals_delegation d
        WHERE d.delegate_id = %(me)s AND %(kind)s::text = ANY(d.kinds) AND d.date_from <= %(on)s::date
          AND d.date_to >= %(on)s AND d.revoked_at IS NULL
    ) AS ids
),
page AS MATERIALIZED (
    SELECT a.id, a.employee_id, a.status, a.step, a.location, a.other_office_unit_id, a.designated_location_id,
        a.dates, a.first_date, a.last_date, a.planned_start, a.planned_end, a.reason, a.exception_basis,
        a.violations, a.recommender_id, a.decider_id, a.escalated_to_id, a.submitted_at, a.created_at,
        count(*) OVER () AS total
    FROM schedules_arrangementrequest a
    WHERE a.agency_id = %(agency)s::bigint AND a.status = ANY(%(pending)s::text[]) AND a.employee_id <> %(me)s
      AND ((a.step = %(recommend)s::text AND a.recommender_id = ANY((SELECT ids FROM approvers)::bigint[]))
           OR (a.step = %(decide)s::text AND a.decider_id = ANY((SELECT ids FROM approvers)::bigint[]))
           OR a.escalated_to_id = ANY((SELECT ids FROM approvers)::bigint[]))
    ORDER BY a.first_date, a.id
    LIMIT %(limit)s::bigint OFFSET %(offset)s::bigint
)
SELECT p.*, e.nip, e.name, e.unit_id, eu.code, eu.name, rc.nip, rc.name, dc.nip, dc.name, es.nip, es.name,
    ou.code, ou.name, dl.name
FROM page p
JOIN org_employee e ON e.id = p.employee_id
JOIN org_unit eu ON eu.id = e.unit_id
LEFT JOIN org_employee rc ON rc.id = p.recommender_id
LEFT JOIN org_employee dc ON dc.id = p.decider_id
LEFT JOIN org_employee es ON es.id = p.escalated_to_id
LEFT JOIN org_unit ou ON ou.id = p.other_office_unit_id
LEFT JOIN org_designatedlocation dl ON dl.id = p.designated_location_id
ORDER BY p.first_date, p.id
"""
_APPROVAL_QUEUE_PAGE = PreparedStatement("fw_approval_queue_page", APPROVAL_QUEUE_PAGE_SQL)


class UnitRef(NamedTuple):
    id: int
    code: str
    name: str


class LocationRef(NamedTuple):
    id: int
    name: str


class QueueItem(NamedTuple):
    """A request of the approval queue's page, with the attributes the list items read."""

    id: int
    employee_id: int
    status: str
    step: str | None
    location: str
    other_office_unit: UnitRef | None
    designated_location: LocationRef | None
    dates: list
    first_date: datetime.date
    last_date: datetime.date
    planned_start: datetime.time | None
    planned_end: datetime.time | None
    reason: str
    exception_basis: str | None
    violations: list
    recommender_id: int | None
    decider_id: int | None
    escalated_to_id: int | None
    submitted_at: datetime.datetime | None
    created_at: datetime.datetime


def approval_queue_page(*, user, limit: int, offset: int) -> tuple[int | None, list[QueueItem], dict[int, PersonRef]]:
    """One page of `approval_queue_for(user=user)` unfiltered, in one statement: (the queue's total, the page's
    requests, their people by id: the employees as arrangement_people_for gives them, the approvers by id, NIP
    and name). The total is None for an empty page past the start: the caller counts apart."""
    scope = org_scope.scope_for(user)
    if scope.agency_id is None or scope.employee_id is None:
        return 0, [], {}
    params = {
        "agency": scope.agency_id,
        "me": scope.employee_id,
        "kind": ApprovalKind.ARRANGEMENT.value,
        "on": today_in(scope.office_time_zone),
        "pending": [str(status) for status in PENDING_STATUSES],
        "recommend": ApprovalStep.RECOMMEND.value,
        "decide": ApprovalStep.DECIDE.value,
        "limit": limit,
        "offset": offset,
    }
    with connection.cursor() as cursor:
        _APPROVAL_QUEUE_PAGE.execute(cursor, params)
        rows = cursor.fetchall()
    if not rows:
        return (None if offset else 0), [], {}
    items, people = [], {}
    for row in rows:
        (pk, employee_id, status, step, location, other_office_unit_id, designated_location_id, dates, first_date,
         last_date, planned_start, planned_end, reason, exception_basis, violations, recommender_id, decider_id,
         escalated_to_id, submitted_at, created_at, total, nip, name, unit_id, unit_code, unit_name,
         *approvers, office_code, office_name, location_name) = row  # fmt: skip
        items.append(
            QueueItem(
                id=pk,
                employee_id=employee_id,
                status=status,
                step=step,
                location=location,
                other_office_unit=(
                    None if other_office_unit_id is None else UnitRef(other_office_unit_id, office_code, office_name)
                ),
                designated_location=(
                    None if designated_location_id is None else LocationRef(designated_location_id, location_name)
                ),
                dates=dates,
                first_date=first_date,
                last_date=last_date,
                planned_start=planned_start,
                planned_end=planned_end,
                reason=reason,
                exception_basis=exception_basis,
                # raw jsonb comes as text on Django's connections (JSONField decodes it itself)
                violations=json.loads(violations) if isinstance(violations, str) else violations,
                recommender_id=recommender_id,
                decider_id=decider_id,
                escalated_to_id=escalated_to_id,
                submitted_at=submitted_at,
                created_at=created_at,
            )
        )
        people[employee_id] = PersonRef(employee_id, nip, name, unit_id, unit_code, unit_name)
        for person_id, (person_nip, person_name) in zip(
            (recommender_id, decider_id, escalated_to_id),
            zip(approvers[::2], approvers[1::2], strict=True),
            strict=True,
        ):
            if person_id is not None and person_id not in people:
                # the list items show an approver's id, NIP and name only
                people[person_id] = PersonRef(person_id, person_nip, person_name, None, None, None)
    return total, items, people  # the same total on every row: count(*) OVER ()


def my_requests_for(*, user, filters: dict | None = None) -> QuerySet[ArrangementRequest]:
    return arrangement_list_for(user=user, filters={**(filters or {}), "mine": True})


def arrangement_get_for(*, user, arrangement_id: int, for_update: bool = False) -> ArrangementRequest:
    """The request if `user` may see it; Http404 otherwise (also for another agency)."""
    qs = ArrangementRequest.objects.filter(arrangement_visible_q(user)).select_related(
        *ARRANGEMENT_RELATED, "employee__supervisor", "employee__position"
    )
    return get_object_or_404(qs, id=arrangement_id)


def arrangement_transitions(*, arrangement_request: ArrangementRequest):
    return engine.transitions_for(arrangement_request)


def arrangement_days(*, arrangement_request: ArrangementRequest) -> list[dict[str, Any]]:
    """Each requested day with its state: requested (no row yet), scheduled, recalled, cancelled, skipped."""
    rows = {}
    for row in ScheduleDay.objects.filter(arrangement=arrangement_request).order_by("local_date", "cancelled_at"):
        if row.local_date not in rows or row.cancelled_at is None:
            rows[row.local_date] = row
    skipped = {
        date
        for v in arrangement_request.violations
        if v.get("code") == "HOLIDAY_SKIPPED"
        for date in v.get("dates", [])
    }
    days = []
    for day in arrangement_request.dates:
        row = rows.get(day)
        if row is None:
            state = "skipped" if day.isoformat() in skipped else "requested"
        elif row.cancelled_at is not None:
            state = "cancelled"
        elif row.recall_id:
            state = "recalled"
        else:
            state = "scheduled"
        days.append({"date": day, "state": state, "location": row.location if row else arrangement_request.location})
    return days


# ---------------------------------------------------------------------------- schedule days


def schedule_day_list_for(*, user, filters: dict | None = None) -> QuerySet[ScheduleDay]:
    filters = filters or {}
    scope = org_scope.scope_for(user)
    qs = ScheduleDay.objects.filter(agency_id=scope.agency_id or 0, cancelled_at__isnull=True).filter(
        org_scope.employee_q(scope, prefix="employee__")
    )
    if filters.get("employee"):
        qs = qs.filter(employee_id=filters["employee"])
    if filters.get("date_from"):
        qs = qs.filter(local_date__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(local_date__lte=filters["date_to"])
    return qs.select_related("employee", "other_office_unit", "designated_location").order_by(
        "local_date", "employee_id"
    )


def my_schedule_days_for(*, user, date_from: datetime.date, date_to: datetime.date) -> QuerySet[ScheduleDay]:
    scope = org_scope.scope_for(user)
    return schedule_day_list_for(
        user=scope, filters={"employee": scope.employee_id or 0, "date_from": date_from, "date_to": date_to}
    )


# ---------------------------------------------------------------------------- team calendar


@dataclass
class CalendarDay:
    """A column of the team calendar: counts per location (people on leave in none of them), and the
    coverage of docs/rules.md §3 as schedules.coverage computes it for the rule check too. With the
    sub-units, the figures are the sums over the units and a warning is any unit's."""

    date: datetime.date
    working: bool
    holiday: str | None
    counts: dict[str, int]
    away: int
    allowed_away: int
    coverage_warning: bool
    active_headcount: int = 0
    on_leave: int = 0
    min_onsite: int = 0
    over_share: bool = False
    under_minimum: bool = False
    directive: bool = False

    @property
    def onsite(self) -> int:
        return self.active_headcount - self.away


class CalendarCell(NamedTuple):
    """A person's materialised schedule day in the team calendar (the fields the grid shows)."""

    location: str
    planned_start: datetime.time | None
    planned_end: datetime.time | None
    source: str
    arrangement_id: int | None


CALENDAR_CELL_FIELDS = ("employee_id", "local_date", *CalendarCell._fields)


class PendingDay(NamedTuple):
    """A pending request's day: asked for, not decided; it does not count in coverage."""

    arrangement_id: int
    location: str


class CalendarPerson(NamedTuple):
    """A row's employee in the team calendar (the fields the grid shows)."""

    id: int
    nip: str
    name: str


@dataclass
class CalendarRow:
    """One person: per day their schedule day (None = an ordinary OFFICE day), their approved leave or
    official duty (a LeaveKind, which takes precedence over the schedule day) and their pending days."""

    employee: CalendarPerson
    cells: list[CalendarCell | None] = field(default_factory=list)
    leave: list[str | None] = field(default_factory=list)
    pending: list[tuple[PendingDay, ...]] = field(default_factory=list)


@dataclass
class TeamCalendar:
    unit: Unit
    date_from: datetime.date
    date_to: datetime.date
    headcount: int
    share_percent: int
    days: list[CalendarDay]
    rows: list[CalendarRow]
    # The window of people the rows are (docs/rules.md §3 "Team calendar"): `count` people match the name
    # search (the headcount without one), the rows are those from `offset` on, at most `limit` (None: all).
    count: int = 0
    offset: int = 0
    limit: int | None = None


def team_calendar_for(
    *,
    user,
    unit_id: int,
    date_from: datetime.date,
    date_to: datetime.date,
    subtree: bool = False,
    offset: int = 0,
    limit: int | None = None,
    q: str = "",
) -> TeamCalendar:
    """The unit × days grid: each active person's day, leave and pending requests, counts per location
    per day, and the unit's coverage (schedules.coverage, the same reading as the rule check). Out of
    scope → 404. A fixed number of queries whatever the unit size and the range; people and days come
    as tuples, not model instances (a month of a 500-person unit is 15,500 cells).

    Units of any size: the rows are a window of the people (`offset`, `limit`; `q` keeps those whose name
    holds it), while the headcount, the counts per location and the coverage are of the whole unit,
    counted by SQL aggregates: a 30,000-person unit costs the same as a page of 50 people."""
    unit = get_object_or_404(org_scope.visible_units(user), id=unit_id)
    people = Employee.objects.filter(agency_id=unit.agency_id, is_active=True)
    people = people.filter(unit__path__contains=[unit.id]) if subtree else people.filter(unit_id=unit.id)
    dates = list(days_between(date_from, date_to))
    index = {day: i for i, day in enumerate(dates)}
    shown = people.filter(name__icontains=q) if q else people
    window = shown.order_by("name", "id").values_list(*CalendarPerson._fields)
    offset = max(0, offset)
    person_rows = list(window[offset : offset + limit] if limit is not None else window[offset:])
    grid_rows = [
        CalendarRow(
            employee=CalendarPerson(*person),
            cells=[None] * len(dates),
            leave=[None] * len(dates),
            pending=[()] * len(dates),
        )
        for person in person_rows
    ]
    row_of = {row.employee.id: row for row in grid_rows}
    page_ids = list(row_of)
    if page_ids:
        schedule_days = (
            ScheduleDay.objects.filter(
                employee_id__in=page_ids, local_date__range=(date_from, date_to), cancelled_at__isnull=True
            )
            .order_by()
            .values_list(*CALENDAR_CELL_FIELDS)
        )
        for employee_id, local_date, *values in schedule_days:
            row_of[employee_id].cells[index[local_date]] = CalendarCell(*values)

    policy = policy_for(agency=unit.agency_id, unit=unit)
    # The units with people (the subtree's, or the unit itself), in one query.
    unit_ids = set(people.order_by().values_list("unit_id", flat=True).distinct())
    coverage = coverage_for(
        agency_id=unit.agency_id,
        unit_ids=unit_ids,
        date_from=date_from,
        date_to=date_to,
        shares=None if subtree else {unit.id: policy.coverage_share_percent},
    )
    for (employee_id, day), kind in coverage.leave.items():
        row = row_of.get(employee_id)
        if row is not None:  # leave takes precedence over the schedule day
            row.leave[index[day]] = kind

    # Per day and location, the whole unit's approved days away from the office of people not on leave
    # that day (an aggregate, one query); the rest of the active headcount is in the office.
    leave_that_day = approved_leave().filter(
        employee_id=OuterRef("employee_id"),
        date_from__lte=OuterRef("local_date"),
        date_to__gte=OuterRef("local_date"),
    )
    located: list[Counter] = [Counter() for _ in dates]
    away_counts = (
        ScheduleDay.objects.filter(
            employee_id__in=people.values("id"), local_date__range=(date_from, date_to), cancelled_at__isnull=True
        )
        .exclude(location=Location.OFFICE)
        .exclude(Exists(leave_that_day))
        .order_by()
        .values_list("local_date", "location")
        .annotate(n=Count("id"))
    )
    for local_date, location, n in away_counts:
        located[index[local_date]][location] = n

    if page_ids:
        pending = (
            ArrangementRequest.objects.filter(
                employee_id__in=page_ids,
                status__in=PENDING_STATUSES,
                first_date__lte=date_to,
                last_date__gte=date_from,
            )
            .order_by("id")
            .values_list("employee_id", "id", "location", "dates")
        )
        for employee_id, arrangement_id, location, requested in pending:
            row = row_of[employee_id]
            for day in requested:
                if day in index:
                    row.pending[index[day]] += (PendingDay(arrangement_id, location),)

    headcount = sum(coverage.units[unit_id].active_members for unit_id in coverage.units)
    days: list[CalendarDay] = []
    for i, day in enumerate(dates):
        units = [coverage.days[unit_id][i] for unit_id in sorted(coverage.days)]
        on_leave = sum(entry.on_leave for entry in units)
        counts = {location: located[i][location] for location in Location.values}
        # The day's headcount leaves out people on unpaid leave (docs/rules.md §9 "CLTN": inactive).
        counts[Location.OFFICE] = sum(entry.headcount for entry in units) - on_leave - located[i].total()
        over_share = any(entry.over_share for entry in units)
        under_minimum = any(entry.under_minimum for entry in units)
        days.append(
            CalendarDay(
                date=day,
                working=is_working_day(day, coverage.holidays),
                holiday=coverage.holidays.get(day),
                counts=counts,
                away=sum(entry.away for entry in units),
                allowed_away=sum(entry.allowed_away for entry in units),
                coverage_warning=over_share or under_minimum,
                active_headcount=sum(entry.active_headcount for entry in units),
                on_leave=on_leave,
                min_onsite=sum(entry.min_onsite for entry in units),
                over_share=over_share,
                under_minimum=under_minimum,
                directive=any(entry.directive for entry in units),
            )
        )
    count = shown.count() if q else headcount
    return TeamCalendar(
        unit=unit,
        date_from=date_from,
        date_to=date_to,
        headcount=headcount,
        share_percent=policy.coverage_share_percent,
        days=days,
        rows=grid_rows,
        count=count,
        offset=offset,
        limit=limit,
    )


# ---------------------------------------------------------------------------- delegations, directives, recalls


def delegation_list_for(*, user) -> QuerySet[Delegation]:
    return (
        Delegation.objects.filter(engine.delegation_q(user))
        .select_related("delegator", "delegate")
        .order_by("-date_from", "-id")
    )


def delegation_get_for(*, user, delegation_id: int) -> Delegation:
    return get_object_or_404(delegation_list_for(user=user), id=delegation_id)


def directive_list_for(*, user, active_on: datetime.date | None = None) -> QuerySet[Directive]:
    """Directives are announcements: everyone in the agency sees them, withdrawn ones too (marked);
    `active_on` keeps those in force on that day."""
    qs = Directive.objects.filter(org_scope.agency_q(user)).select_related("unit")
    if active_on is not None:
        qs = qs.in_force().filter(date_from__lte=active_on, date_to__gte=active_on)
    return qs.order_by("-date_from", "-id")


def directive_get_for(*, user, directive_id: int) -> Directive:
    return get_object_or_404(directive_list_for(user=user), id=directive_id)


def recall_list_for(*, user) -> QuerySet[Recall]:
    scope = org_scope.scope_for(user)
    return (
        Recall.objects.filter(agency_id=scope.agency_id or 0)
        .filter(org_scope.employee_q(scope, prefix="employee__"))
        .select_related("employee", "recalled_by")
        .order_by("-local_date", "-id")
    )


def recall_get_for(*, user, recall_id: int) -> Recall:
    return get_object_or_404(recall_list_for(user=user), id=recall_id)


def today_for(user) -> datetime.date:
    return today_in(org_scope.scope_for(user).office_time_zone)
