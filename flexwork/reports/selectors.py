"""Reads of report runs, scoped: HR and the agency head see the agency's runs, unit heads the runs
on their subtrees (and their own requests); another agency's run is a 404."""

from __future__ import annotations

import datetime

from django.db import connection
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from flexwork.org import scope as org_scope
from flexwork.reports.kinds import KINDS
from flexwork.reports.models import ReportRun, RunStatus


def report_run_q(user) -> Q:
    scope = org_scope.scope_for(user)
    if scope.agency_id is None:
        return Q(pk__in=[])
    agency = Q(agency_id=scope.agency_id)
    if scope.agency_wide:
        return agency
    reach = Q(requested_by_id=scope.user_id)
    if scope.headed_unit_ids:
        reach |= Q(unit__path__overlap=list(scope.headed_unit_ids))
    return agency & reach


def report_run_list_for(*, user, filters: dict | None = None) -> QuerySet[ReportRun]:
    filters = filters or {}
    qs = ReportRun.objects.filter(report_run_q(user)).select_related("unit", "requested_by")
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("unit"):
        qs = qs.filter(unit_id=filters["unit"])
    return qs.defer("summary").order_by("-queued_at", "-id")


def report_run_get_for(*, user, run_id: int) -> ReportRun:
    return get_object_or_404(ReportRun.objects.filter(report_run_q(user)).select_related("unit"), id=run_id)


def source_changed_at(*, run: ReportRun) -> datetime.datetime | None:
    """The latest change to a source row of the run's agency and period (one query). Daily rows
    are bounded by their date; the others by the agency (their change time is still what counts)."""
    if run.status != RunStatus.DONE:
        return None
    parts, params = [], []
    for table, date_column in KINDS[run.kind].sources:
        where = "agency_id = %s AND updated_at > %s"
        args = [run.agency_id, run.finished_at]
        if date_column:
            where += f" AND {date_column} BETWEEN %s AND %s"
            args += [run.period_start, run.period_end]
        parts.append(f"(SELECT max(updated_at) FROM {table} WHERE {where})")
        params += args
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT greatest({', '.join(parts)})", params)
        return cursor.fetchone()[0]


def report_run_successors(*, run: ReportRun) -> dict[str, ReportRun | None]:
    """The other live runs of the same report (kind, unit, period, parameters), one query: the
    finished one that is current ("done") and the refresh being computed ("pending")."""
    others = (
        ReportRun.objects.filter(
            agency_id=run.agency_id,
            kind=run.kind,
            unit_id=run.unit_id,
            period_start=run.period_start,
            period_end=run.period_end,
            parameters_hash=run.parameters_hash,
            status__in=[RunStatus.DONE, RunStatus.QUEUED, RunStatus.RUNNING],
        )
        .exclude(id=run.id)
        .defer("summary")
    )
    found: dict[str, ReportRun | None] = {"done": None, "pending": None}
    for other in others:
        found["done" if other.status == RunStatus.DONE else "pending"] = other
    return found
