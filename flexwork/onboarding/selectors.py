"""Reads of the onboarding app, always through flexwork.org.scope (agency first)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

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


def import_batch_get_for(*, user, batch_id: int) -> ImportBatch:
    """An import of the caller's agency (404 otherwise, also for another agency's batch)."""
    scope = org_scope.scope_for(user)
    if scope.agency_id is None:
        raise Http404
    batch = get_object_or_404(ImportBatch.objects.filter(agency_id=scope.agency_id), id=batch_id)
    org_scope.require_role(user, org_scope.HR_ADMIN)
    return batch


def home_location_queue_for(*, user) -> QuerySet[HomeLocationRequest]:
    """Requests waiting for the user's decision: their direct reports', or the whole agency's for HR."""
    scope = org_scope.scope_for(user)
    qs = HomeLocationRequest.objects.filter(status=HomeLocationStatus.PENDING)
    if scope.agency_id is None:
        return qs.none()
    qs = qs.filter(agency_id=scope.agency_id)
    if org_scope.HR_ADMIN not in scope.roles:
        qs = qs.filter(employee__supervisor_id=scope.employee_id)
    return qs.select_related("employee", "employee__unit").order_by("created_at", "id")


def home_location_request_get_for_decision(*, user, request_id: int) -> HomeLocationRequest:
    """404 outside the user's view; 403 when seen but the user is neither HR nor the supervisor."""
    scope = org_scope.scope_for(user)
    qs = HomeLocationRequest.objects.filter(org_scope.employee_q(scope, prefix="employee__")).select_related("employee")
    home_request = get_object_or_404(qs, id=request_id)
    if org_scope.HR_ADMIN not in scope.roles and home_request.employee.supervisor_id != scope.employee_id:
        raise PermissionDenied
    return home_request


def home_location_requests_of(*, employee) -> QuerySet[HomeLocationRequest]:
    return HomeLocationRequest.objects.filter(agency_id=employee.agency_id, employee=employee)
