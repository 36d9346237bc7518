"""Reads of the attendance app. Every selector takes the acting user and scopes through
flexwork.org.scope: out of scope is a 404, never a 403."""

from __future__ import annotations

import datetime

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from attendance.models import AttendanceCorrection, CheckEvent, DayStatus, LeaveRequest, WorkLog
from flexwork.approvals import services as engine
from flexwork.approvals.models import ApprovalAction, ApprovalKind, ApprovalStep, Transition
from flexwork.org import scope as org_scope
from flexwork.org.models import Employee
from schedules.models import ScheduleDay


def _approvals_q(user, kind: str) -> Q:
    """Requests the user may act on: as recommender, decider, escalation target or delegate."""
    scope = org_scope.scope_for(user)
    if scope.employee_id is None:
        return Q(pk__in=[])
    me = scope.employee_id
    delegators = engine.delegators_of(user=scope, kind=kind)
    return (
        Q(recommender_id=me)
        | Q(decider_id=me)
        | Q(escalated_to_id=me)
        | Q(recommender_id__in=delegators)
        | Q(decider_id__in=delegators)
    )


def _visible_q(user, kind: str) -> Q:
    scope = org_scope.scope_for(user)
    if scope.agency_id is None:
        return Q(pk__in=[])
    return Q(agency_id=scope.agency_id) & (org_scope.employee_q(scope, prefix="employee__") | _approvals_q(scope, kind))


def leave_visible_qs(*, user) -> QuerySet[LeaveRequest]:
    return LeaveRequest.objects.filter(_visible_q(user, ApprovalKind.LEAVE))


def correction_visible_qs(*, user) -> QuerySet[AttendanceCorrection]:
    return AttendanceCorrection.objects.filter(_visible_q(user, ApprovalKind.CORRECTION))


def _queue_q(user, kind: str) -> Q:
    scope = org_scope.scope_for(user)
    if scope.employee_id is None:
        return Q(pk__in=[])
    me = scope.employee_id
    delegators = engine.delegators_of(user=scope, kind=kind)
    recommend = Q(step=ApprovalStep.RECOMMEND) & (
        Q(recommender_id=me) | Q(recommender_id__in=delegators) | Q(escalated_to_id=me)
    )
    decide = Q(step=ApprovalStep.DECIDE) & (Q(decider_id=me) | Q(decider_id__in=delegators) | Q(escalated_to_id=me))
    return (recommend | decide) & Q(status__in=("submitted", "recommended")) & ~Q(employee_id=me)


def _filtered(qs, filters: dict, *, date_field_from: str, date_field_to: str):
    if filters.get("employee"):
        qs = qs.filter(employee_id=filters["employee"])
    if filters.get("status"):
        qs = qs.filter(status__in=filters["status"])
    if filters.get("date_from"):
        qs = qs.filter(**{f"{date_field_to}__gte": filters["date_from"]})
    if filters.get("date_to"):
        qs = qs.filter(**{f"{date_field_from}__lte": filters["date_to"]})
    return qs


def leave_list_for(*, user, filters: dict | None = None) -> QuerySet[LeaveRequest]:
    filters = filters or {}
    qs = leave_visible_qs(user=user)
    if filters.get("queue"):
        qs = qs.filter(_queue_q(user, ApprovalKind.LEAVE)).annotate(**_last_opinion())
    if filters.get("mine"):
        qs = qs.filter(employee_id=org_scope.scope_for(user).employee_id).annotate(**_last_decision())
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    qs = _filtered(qs, filters, date_field_from="date_from", date_field_to="date_to")
    return qs.select_related("employee").order_by("-date_from", "-id")


DECISIONS = (ApprovalAction.APPROVE, ApprovalAction.CHANGE, ApprovalAction.DEFER, ApprovalAction.REJECT)


def _last(actions) -> QuerySet[Transition]:
    return Transition.objects.filter(
        content_type__app_label="attendance",
        content_type__model="leaverequest",
        object_id=OuterRef("pk"),
        action__in=actions,
    ).order_by("-created_at", "-id")


def _last_decision() -> dict:
    """The last decision on each leave, its action and note, in the list's own statement: the employee's
    rows say "approved with other dates" and why a leave was deferred or rejected (docs/rules.md §9)."""
    last = _last(DECISIONS)
    return {
        "decision_action": Subquery(last.values("action")[:1]),
        "decision_note": Subquery(last.values("note")[:1]),
    }


def _last_opinion() -> dict:
    """The supervisor's opinion on each waiting leave (the last recommendation: approve, other dates or
    defer, with its note), in the queue's own statement, for the deciding official (docs/rules.md §9)."""
    last = _last((ApprovalAction.RECOMMEND,))
    return {
        "opinion_given": Subquery(last.values("action")[:1]),
        "opinion": Subquery(last.values("opinion")[:1]),
        "opinion_dates": Subquery(last.values("dates")[:1]),
        "opinion_note": Subquery(last.values("note")[:1]),
    }


def leave_get_for(*, user, leave_id: int) -> LeaveRequest:
    qs = leave_visible_qs(user=user).select_related("employee__unit", "employee__agency", "employee__user")
    return get_object_or_404(qs, id=leave_id)


def correction_list_for(*, user, filters: dict | None = None) -> QuerySet[AttendanceCorrection]:
    filters = filters or {}
    qs = correction_visible_qs(user=user)
    if filters.get("queue"):
        qs = qs.filter(_queue_q(user, ApprovalKind.CORRECTION))
    if filters.get("mine"):
        qs = qs.filter(employee_id=org_scope.scope_for(user).employee_id)
    qs = _filtered(qs, filters, date_field_from="local_date", date_field_to="local_date")
    return qs.select_related("employee", "check_event").order_by("-local_date", "-id")


def correction_get_for(*, user, correction_id: int) -> AttendanceCorrection:
    qs = correction_visible_qs(user=user).select_related(
        "employee__unit", "employee__agency", "employee__user", "check_event"
    )
    return get_object_or_404(qs, id=correction_id)


def request_transitions(*, obj):
    return list(engine.transitions_for(obj))


# ---------------------------------------------------------------------------- statuses and events


def day_status_list_for(*, user, filters: dict | None = None) -> QuerySet[DayStatus]:
    """Daily statuses of employees in scope, with each day's check events (prefetched: two queries)."""
    filters = filters or {}
    scope = org_scope.require_agency(user)
    qs = DayStatus.objects.filter(agency_id=scope.agency_id).filter(org_scope.employee_q(scope, prefix="employee__"))
    if filters.get("employee"):
        qs = qs.filter(employee_id=filters["employee"])
    if filters.get("unit"):
        qs = qs.filter(unit__path__contains=[filters["unit"]])
    if filters.get("date_from"):
        qs = qs.filter(local_date__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(local_date__lte=filters["date_to"])
    if filters.get("absence"):
        qs = qs.filter(absence=filters["absence"])
    if filters.get("arrival"):
        qs = qs.filter(arrival=filters["arrival"])
    if filters.get("flagged") is not None:
        qs = qs.filter(flagged=filters["flagged"])
    if filters.get("exceptions"):
        qs = qs.filter(
            Q(flagged=True)
            | Q(absence="TK")
            | Q(arrival__in=["TL1", "TL2", "TL3", "TL4", "HKD"])
            | Q(departure__in=["PSW1", "PSW2", "PSW3", "PSW4", "HKP"])
            | Q(missing_log=True)
        )
    return qs.select_related("employee", "unit").order_by("-local_date", "employee__name", "employee_id")


def events_for_statuses(statuses: list[DayStatus]) -> dict[tuple[int, datetime.date], list[CheckEvent]]:
    """The check events of a page of statuses in one query, keyed by (employee, date)."""
    if not statuses:
        return {}
    pairs = Q()
    employees = {s.employee_id for s in statuses}
    dates = {s.local_date for s in statuses}
    pairs = Q(employee_id__in=employees, local_date__in=dates)
    found: dict[tuple[int, datetime.date], list[CheckEvent]] = {}
    for event in CheckEvent.objects.filter(pairs).order_by("kind"):
        found.setdefault((event.employee_id, event.local_date), []).append(event)
    return found


def my_events(*, user, date_from: datetime.date, date_to: datetime.date) -> QuerySet[CheckEvent]:
    """Every check event (with every stored position) about the caller: UU PDP access right."""
    scope = org_scope.require_agency(user)
    return CheckEvent.objects.filter(
        agency_id=scope.agency_id, employee_id=scope.employee_id, local_date__range=(date_from, date_to)
    ).order_by("-local_date", "kind")


def team_members_for(*, user) -> QuerySet[Employee]:
    """The people of the team page: the reports (and the people of a headed subtree; HR: the whole agency),
    active, by name."""
    scope = org_scope.require_agency(user)
    if scope.agency_wide:
        members = Employee.objects.filter(agency_id=scope.agency_id)
    else:
        reach = Q(supervisor_id=scope.employee_id)
        if scope.headed_unit_ids:
            reach |= Q(unit__path__overlap=list(scope.headed_unit_ids))
        members = Employee.objects.filter(agency_id=scope.agency_id).filter(reach).exclude(id=scope.employee_id)
    return members.filter(is_active=True).order_by("name", "id")


def team_today_for(*, user, local_date: datetime.date, offset: int = 0, limit: int = 500) -> list[dict]:
    """A page of the team today (team_members_for, from `offset`, at most `limit`) with the day's location,
    check-in/out and flags. Four queries whatever the team size; count the team with
    `team_members_for(...).count()`."""
    offset = max(0, offset)
    members = list(team_members_for(user=user).select_related("unit")[offset : offset + limit])
    ids = [m.id for m in members]
    days = {
        sd.employee_id: sd
        for sd in ScheduleDay.objects.filter(employee_id__in=ids, local_date=local_date, cancelled_at__isnull=True)
    }
    events: dict[int, dict] = {}
    for event in CheckEvent.objects.filter(employee_id__in=ids, local_date=local_date).defer("attempts"):
        events.setdefault(event.employee_id, {})[event.kind] = event
    statuses = {s.employee_id: s for s in DayStatus.objects.filter(employee_id__in=ids, local_date=local_date)}
    return [
        {
            "employee": m,
            "location": days[m.id].location if m.id in days else "OFFICE",
            "check_in": events.get(m.id, {}).get("IN"),
            "check_out": events.get(m.id, {}).get("OUT"),
            "status": statuses.get(m.id),
        }
        for m in members
    ]


# ---------------------------------------------------------------------------- output log


def worklog_visible_qs(*, user) -> QuerySet[WorkLog]:
    scope = org_scope.scope_for(user)
    if scope.agency_id is None:
        return WorkLog.objects.none()
    return WorkLog.objects.filter(agency_id=scope.agency_id).filter(org_scope.employee_q(scope, prefix="employee__"))


def worklog_list_for(*, user, filters: dict | None = None) -> QuerySet[WorkLog]:
    filters = filters or {}
    scope = org_scope.scope_for(user)
    qs = worklog_visible_qs(user=scope)
    if filters.get("mine"):
        qs = qs.filter(employee_id=scope.employee_id)
    if filters.get("to_verify"):
        qs = qs.filter(employee__supervisor_id=scope.employee_id, verification__isnull=True)
    if filters.get("verified"):
        qs = qs.filter(employee__supervisor_id=scope.employee_id, verification__isnull=False)
    if filters.get("employee"):
        qs = qs.filter(employee_id=filters["employee"])
    if filters.get("date_from"):
        qs = qs.filter(local_date__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(local_date__lte=filters["date_to"])
    if filters.get("verification"):
        qs = qs.filter(verification=filters["verification"])
    return qs.select_related("employee", "indicator", "verified_by__employee").order_by(
        "-local_date", "employee_id", "id"
    )


def worklog_get_for(*, user, worklog_id: int) -> WorkLog:
    qs = worklog_visible_qs(user=user).select_related("employee__supervisor", "employee__user", "indicator")
    return get_object_or_404(qs, id=worklog_id)
