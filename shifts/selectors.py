"""Reads of duties (docs/rules.md §8). A duty's `duty_date` is the office date on which it starts."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from flexwork.org import scope as org_scope
from flexwork.org.models import Employee, Unit, WorkWeek
from shifts.models import Duty, DutyKind, Roster


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


# ---------------------------------------------------------------------------- rosters and duties in reach


def roster_visible_q(user) -> Q:
    """Rosters of the units in the user's view (docs/rules.md §7) and of the units they manage as the
    head's delegate for rosters."""
    from shifts.rosters import managed_unit_ids

    scope = org_scope.scope_for(user)
    if scope.agency_id is None:
        return Q(pk__in=[])
    visible = Q(unit__in=org_scope.visible_units(scope).values("id"))
    managed = managed_unit_ids(scope) if scope.employee_id else []
    return Q(agency_id=scope.agency_id) & (visible | Q(unit_id__in=managed))


def roster_list_for(*, user, filters: dict | None = None) -> QuerySet[Roster]:
    filters = filters or {}
    rosters = Roster.objects.filter(roster_visible_q(user)).select_related("unit", "published_by")
    if filters.get("unit"):
        rosters = rosters.filter(unit_id=filters["unit"])
    if filters.get("status"):
        rosters = rosters.filter(status=filters["status"])
    if filters.get("date_from"):
        rosters = rosters.filter(period_end__gte=filters["date_from"])
    if filters.get("date_to"):
        rosters = rosters.filter(period_start__lte=filters["date_to"])
    return rosters.order_by("-period_start", "unit__path", "id")


def roster_get_for(*, user, roster_id: int) -> Roster:
    """The roster if the user may see it; 404 otherwise (also for another agency)."""
    roster = (
        Roster.objects.filter(roster_visible_q(user)).select_related("unit__agency", "unit__head").filter(id=roster_id)
    )
    return get_object_or_404(roster)


def duty_visible_q(user) -> Q:
    """Duties in reach, like the team calendar: the own, the direct reports', the headed units' subtree
    and, for HR and the agency head, the agency's. Drafts only for the units the user manages."""
    from shifts.rosters import managed_unit_ids

    scope = org_scope.scope_for(user)
    if scope.agency_id is None:
        return Q(pk__in=[])
    managed = managed_unit_ids(scope) if scope.employee_id else []
    people = org_scope.employee_q(scope, prefix="employee__")
    return Q(agency_id=scope.agency_id) & (
        (people & Q(is_published=True)) | Q(unit_id__in=managed) | Q(employee_id=scope.employee_id, is_published=True)
    )


def duty_list_for(*, user, filters: dict | None = None) -> QuerySet[Duty]:
    filters = filters or {}
    duties = Duty.objects.filter(duty_visible_q(user))
    if not filters.get("include_inactive"):
        duties = duties.filter(is_active=True)
    if filters.get("employee"):
        duties = duties.filter(employee_id=filters["employee"])
    if filters.get("unit"):
        duties = duties.filter(unit_id=filters["unit"])
    if filters.get("roster"):
        duties = duties.filter(roster_id=filters["roster"])
    if filters.get("date_from"):
        duties = duties.filter(duty_date__gte=filters["date_from"])
    if filters.get("date_to"):
        duties = duties.filter(duty_date__lte=filters["date_to"])
    return duties.select_related("employee", "shift_type").order_by("duty_date", "employee__name", "id")


def duty_get_for(*, user, duty_id: int) -> Duty:
    duties = Duty.objects.filter(duty_visible_q(user)).select_related(
        "employee", "shift_type", "roster__unit__agency", "unit__agency"
    )
    return get_object_or_404(duties, id=duty_id)
