"""Reads of the onboarding app, always through flexwork.org.scope (agency first)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from attendance.geo import haversine_m
from flexwork.onboarding.models import HomeLocationRequest, HomeLocationStatus, ImportBatch
from flexwork.org import scope as org_scope


def import_batch_list_for(*, user) -> QuerySet[ImportBatch]:
    """The agency's imports, newest first, without the stored rows (they can be large)."""
    scope = org_scope.require_role(user, org_scope.HR_ADMIN)
    return (
        ImportBatch.objects.filter(agency_id=scope.agency_id)
        .defer("rows", "errors", "new_rows", "changed_rows")
        .select_related("uploaded_by")
    )


def home_location_queue_for(*, user) -> QuerySet[HomeLocationRequest]:
    """Requests waiting for the user's decision: their direct reports', or the whole agency's for HR;
    never the user's own (nobody decides their own request). One query, with the unit's office
    for the distance (`distance_from_office_m`)."""
    scope = org_scope.scope_for(user)
    qs = HomeLocationRequest.objects.filter(status=HomeLocationStatus.PENDING)
    if scope.agency_id is None:
        return qs.none()
    qs = qs.filter(agency_id=scope.agency_id)
    if org_scope.HR_ADMIN not in scope.roles:
        qs = qs.filter(employee__supervisor_id=scope.employee_id)
    if scope.employee_id is not None:
        qs = qs.exclude(employee_id=scope.employee_id)
    return qs.select_related("employee", "employee__unit").order_by("created_at", "id")


def distance_from_office_m(home_request: HomeLocationRequest) -> int | None:
    """Metres from the employee's unit office to the proposed point (None: the office has no
    coordinates). Needs `employee__unit` loaded."""
    unit = home_request.employee.unit
    if unit.office_latitude is None or unit.office_longitude is None:
        return None
    return round(
        haversine_m(
            float(home_request.latitude),
            float(home_request.longitude),
            float(unit.office_latitude),
            float(unit.office_longitude),
        )
    )


@dataclass(frozen=True)
class HomeSummary:
    address: str  # of the approved home in force ("" when none, or typed before addresses were asked)
    pending: bool  # a request waits for a decision


def home_location_summary(*, employee) -> HomeSummary:
    """The employee's approved home in words and whether a new one waits. One query."""
    rows = list(
        HomeLocationRequest.objects.filter(
            agency_id=employee.agency_id,
            employee_id=employee.id,
            status__in=[HomeLocationStatus.PENDING, HomeLocationStatus.APPROVED],
        )
        .order_by("-decided_at", "-id")
        .values("status", "address")[:20]
    )
    pending = any(r["status"] == HomeLocationStatus.PENDING for r in rows)
    approved = next((r["address"] for r in rows if r["status"] == HomeLocationStatus.APPROVED), "")
    if employee.home_latitude is None:
        approved = ""
    return HomeSummary(address=approved, pending=pending)


def home_location_request_get_for_decision(*, user, request_id: int) -> HomeLocationRequest:
    """404 outside the user's view; 403 when seen but the user is neither HR nor the supervisor."""
    scope = org_scope.scope_for(user)
    qs = HomeLocationRequest.objects.filter(org_scope.employee_q(scope, prefix="employee__")).select_related("employee")
    home_request = get_object_or_404(qs, id=request_id)
    if home_request.employee_id == scope.employee_id:
        raise PermissionDenied  # nobody decides their own request, HR included
    if org_scope.HR_ADMIN not in scope.roles and home_request.employee.supervisor_id != scope.employee_id:
        raise PermissionDenied
    return home_request


def home_location_requests_of(*, employee) -> QuerySet[HomeLocationRequest]:
    return HomeLocationRequest.objects.filter(agency_id=employee.agency_id, employee=employee)


def import_batch_detail_for(*, user, batch_id: int, errors_shown: int, rows_shown: int = 200) -> ImportBatch:
    """An import of the caller's agency for its page or status (404 outside, 403 for other roles),
    without its stored rows: only the first `errors_shown` errors and `rows_shown` new and changed
    rows are read from PostgreSQL (`errors_head`, `errors_total`, `new_head`, `changed_head`), so a
    view of a 100,000-row preview costs what a small one does."""
    from django.db.models import JSONField
    from django.db.models.expressions import RawSQL

    def head(column: str, count: int) -> RawSQL:
        return RawSQL(
            f'jsonb_path_query_array("{table}"."{column}", %s::jsonpath)',  # noqa: S608 (fixed names)
            (f"$[0 to {max(count, 1) - 1}]",),
            output_field=JSONField(),
        )

    table = ImportBatch._meta.db_table
    scope = org_scope.scope_for(user)
    if scope.agency_id is None:
        raise Http404
    qs = (
        ImportBatch.objects.filter(agency_id=scope.agency_id)
        .defer("rows", "errors", "new_rows", "changed_rows")
        .annotate(
            errors_head=head("errors", errors_shown),
            errors_total=RawSQL(f'jsonb_array_length("{table}"."errors")', ()),  # noqa: S608
            new_head=head("new_rows", rows_shown),
            changed_head=head("changed_rows", rows_shown),
        )
    )
    batch = get_object_or_404(qs, id=batch_id)
    org_scope.require_role(user, org_scope.HR_ADMIN)
    return batch
